//! Open Referral UK (issue 9): every `/openreferral` response shape
//! validates against the ORUK 3.0 compiled schemas; private fields never
//! appear; the two real council feeds import, and import again to the same
//! state; export → import round-trips.

use super::directory::{add, postcodes, setup};
use linkwork_domain::Role;
use linkwork_testkit::{TestApp, TestUser, both};
use reqwest::Method;
use serde_json::{Value, json};

fn schema(name: &str) -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/oruk-schema")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    // taxonomy.json refers to taxonomy_term.json beside it.
    let base = "https://schemas.example/oruk/";
    let term_path = path.with_file_name("taxonomy_term.json");
    let term: Value = serde_json::from_str(&std::fs::read_to_string(term_path).unwrap_or_default())
        .unwrap_or_default();
    let term = jsonschema::Resource::from_contents(term).unwrap_or_else(|e| panic!("{e}"));
    jsonschema::options()
        .should_validate_formats(true)
        .with_base_uri(format!("{base}{name}"))
        .with_resource(format!("{base}taxonomy_term.json"), term)
        .build(&doc)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(v: &jsonschema::Validator, what: &str, instance: &Value) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not valid Open Referral UK:\n{}\n{instance}",
        errors.join("\n")
    );
}

async fn get(t: &TestApp, u: &TestUser, path: &str) -> Value {
    let r = t.api(u, Method::GET, path, None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.json()
}

fn page_items(page: &Value) -> Vec<Value> {
    for k in [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
    ] {
        assert!(page.get(k).is_some(), "the page has {k}: {page}");
    }
    page["contents"].as_array().cloned().unwrap_or_default()
}

both!(
    openreferral_responses_validate_against_the_oruk_schemas,
    |t| {
        let (org, lw, s) = setup(&t).await;
        // A note for programme staff, which must never leave the programme.
        let mut body = get(
            &t,
            &lw,
            &format!("/api/v1/directory/services/{}", s.bereavement),
        )
        .await;
        body["staff_notes"] = json!("PRIVATE-NOTE-FOR-STAFF");
        body["referral_notes"] = json!("Ask for the group leader");
        body["categories"] = json!(["bereavement"]);
        body["postcode"] = json!("G51 2AA");
        body["schedules"] = json!([{"days": ["TU"], "every": "fortnightly", "opens_at": "18:00", "closes_at": "20:00"}]);
        let r = t
            .api(
                &lw,
                Method::PUT,
                &format!("/api/v1/directory/services/{}", s.bereavement),
                Some(body),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let uuid = get(
            &t,
            &lw,
            &format!("/api/v1/directory/services/{}", s.bereavement),
        )
        .await["uuid"]
            .as_str()
            .unwrap_or_default()
            .to_owned();

        let root = get(&t, &lw, "/openreferral/").await;
        assert_eq!(root["version"], "3.0");

        let (list, full, sal_list) = (
            schema("service_list.json"),
            schema("service.json"),
            schema("service_at_location_list.json"),
        );
        let page = get(&t, &lw, "/openreferral/services?per_page=50").await;
        let items = page_items(&page);
        assert!(items.len() >= 8, "{page}");
        for i in &items {
            assert_valid(&list, "a /services item", i);
        }
        assert!(
            !items.iter().any(|i| i["name"] == "Old Walking Club"),
            "defunct services are not served"
        );
        let one = get(&t, &lw, &format!("/openreferral/services/{uuid}")).await;
        assert_valid(&full, "/services/{id}", &one);
        let text = one.to_string();
        assert!(
            !text.contains("PRIVATE-NOTE-FOR-STAFF")
                && !text.contains("x_linkwork")
                && !text.contains("group leader"),
            "{text}"
        );
        assert_eq!(one["schedules"][0]["byday"], "TU");
        assert_eq!(one["attributes"][0]["taxonomy_term"]["name"], "Bereavement");
        // Every service, in full, validates.
        for i in &items {
            let id = i["id"].as_str().unwrap_or_default();
            assert_valid(
                &full,
                "a service",
                &get(&t, &lw, &format!("/openreferral/services/{id}")).await,
            );
        }

        let sals =
            page_items(&get(&t, &lw, "/openreferral/service_at_locations?per_page=100").await);
        assert!(!sals.is_empty());
        for i in &sals {
            assert_valid(&sal_list, "a /service_at_locations item", i);
        }
        let sal = sals[0]["id"].as_str().unwrap_or_default().to_owned();
        assert_valid(
            &full,
            "/service_at_locations/{id}",
            &get(
                &t,
                &lw,
                &format!("/openreferral/service_at_locations/{sal}"),
            )
            .await,
        );

        let taxonomy = schema("taxonomy.json");
        let taxonomies = page_items(&get(&t, &lw, "/openreferral/taxonomies").await);
        assert_eq!(taxonomies.len(), 2);
        for x in &taxonomies {
            assert_valid(&taxonomy, "a taxonomy", x);
        }
        let tid = taxonomies[0]["id"].as_str().unwrap_or_default().to_owned();
        assert_valid(
            &taxonomy,
            "/taxonomies/{id}",
            &get(&t, &lw, &format!("/openreferral/taxonomies/{tid}")).await,
        );
        let term_schema = schema("taxonomy_term.json");
        let terms = page_items(&get(&t, &lw, "/openreferral/taxonomy_terms?per_page=500").await);
        assert!(terms.len() > 300, "the ALISS vocabularies");
        for x in &terms {
            assert_valid(&term_schema, "a taxonomy term", x);
        }
        let bereavement = terms
            .iter()
            .find(|x| x["name"] == "Bereavement")
            .cloned()
            .unwrap_or_default();
        let term_id = bereavement["id"].as_str().unwrap_or_default().to_owned();
        assert_valid(
            &term_schema,
            "/taxonomy_terms/{id}",
            &get(&t, &lw, &format!("/openreferral/taxonomy_terms/{term_id}")).await,
        );

        // The ORUK query parameters.
        let names = |p: &Value| {
            page_items(p)
                .iter()
                .map(|i| i["name"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&get(&t, &lw, "/openreferral/services?search=bereavment").await)
                .first()
                .map(String::as_str),
            Some("Govan Bereavement Support Group")
        );
        assert_eq!(
            names(
                &get(
                    &t,
                    &lw,
                    &format!("/openreferral/services?taxonomy_term_id={term_id}")
                )
                .await
            ),
            vec!["Govan Bereavement Support Group"]
        );
        let near = names(
            &get(
                &t,
                &lw,
                "/openreferral/services?postcode=G51+4TR&proximity=2000&per_page=100",
            )
            .await,
        );
        assert!(
            near.iter().any(|n| n == "Govan Health Walk")
                && !near.iter().any(|n| n == "Drumchapel Food Bank"),
            "{near:?}"
        );
        let monday = names(&get(&t, &lw, "/openreferral/services?day=MO&per_page=100").await);
        assert!(
            monday.iter().any(|n| n == "Govan Health Walk")
                && !monday
                    .iter()
                    .any(|n| n == "Govan Bereavement Support Group"),
            "{monday:?}"
        );
        let p2 = get(&t, &lw, "/openreferral/services?per_page=3&page=2").await;
        assert_eq!(p2["page_number"], 2);
        assert_eq!(p2["size"], 3);
        let r = t
            .api(&lw, Method::GET, "/openreferral/services?per_page=0", None)
            .await;
        assert_eq!(r.status, 422, "{}", r.body);

        // Token-only by default; another programme's token sees its own directory.
        let r = t
            .client()
            .get(t.url("/openreferral/services"))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        assert_eq!(r, 401);
        let other = t.organisation("Programme B").await;
        let stranger = t
            .user(other.programme_id, Role::LinkWorker, &[other.site_a])
            .await;
        assert_eq!(
            get(&t, &stranger, "/openreferral/services").await["total_items"],
            0
        );
        let r = t
            .api(
                &stranger,
                Method::GET,
                &format!("/openreferral/services/{uuid}"),
                None,
            )
            .await;
        assert_eq!(r.status, 404);
        let _ = org;
    }
);

/// The reference data folder, when this checkout sits beside it.
fn refdata() -> Option<std::path::PathBuf> {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var("LINKWORK_REFDATA")
            .ok()
            .map(std::path::PathBuf::from),
        Some(here.join("../../../shared/refdata")),
        Some(std::path::PathBuf::from("/work/shared/refdata")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("real-directories").is_dir())
}

both!(
    the_real_council_feeds_import_and_import_again_to_the_same_state,
    |t| {
        let Some(dir) = refdata() else {
            eprintln!(
                "the shared reference data is not beside this checkout: skipping the real feeds"
            );
            return;
        };
        let org = t.organisation("Programme A").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        for (file, expect_skips) in [
            ("bristol_council_oruk_v1_services.json", true),
            ("north_lincolnshire_council_oruk_v1_services.json", false),
        ] {
            let text = std::fs::read_to_string(dir.join("real-directories").join(file))
                .unwrap_or_default();
            let doc: Value = serde_json::from_str(&text).unwrap_or_default();
            let (items, format) =
                linkwork_app::directory::oruk::services_of(&doc).unwrap_or_default();
            assert_eq!(format, "Open Referral UK v1 services");
            let first = t
                .app
                .import_directory(&admin.ctx, items.clone(), format, &|_, _| {})
                .await
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(
                first.created + first.skipped.len(),
                first.read,
                "{file}: {first:?}"
            );
            assert!(first.created > 700, "{file}: {first:?}");
            assert!(
                first.changes.iter().any(|c| c.contains("HTML")),
                "{file}: {:?}",
                first.changes
            );
            if expect_skips {
                let reasons: Vec<&str> = first.skipped.iter().map(|s| s.reason.as_str()).collect();
                assert!(
                    reasons.contains(&"no name")
                        && reasons.contains(&"the same id appears earlier in the file"),
                    "{reasons:?}"
                );
            }
            let again = t
                .app
                .import_directory(&admin.ctx, items, format, &|_, _| {})
                .await
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(
                (again.created, again.updated, again.unchanged),
                (0, 0, first.created),
                "{file}: the same file again changes nothing"
            );
        }
        let all = t
            .api(
                &admin,
                Method::GET,
                "/api/v1/directory/services?limit=1",
                None,
            )
            .await
            .json();
        let total = all["total"].as_u64().unwrap_or(0);
        assert!(total > 1400, "{all}");
        // No description keeps its HTML.
        let pkg = t
            .app
            .export_directory(&admin.ctx)
            .await
            .unwrap_or_else(|e| panic!("export: {e}"));
        let services = pkg["resources"]
            .as_array()
            .and_then(|r| r.iter().find(|x| x["name"] == "services"))
            .map(|r| r["data"].clone())
            .unwrap_or_default();
        let services = services.as_array().cloned().unwrap_or_default();
        assert!(
            services
                .iter()
                .all(|s| !s["description"].as_str().unwrap_or_default().contains("<p")),
            "HTML taken out"
        );
        // Export → import into an empty programme → export again: the same.
        let other = t.organisation("Programme B").await;
        let admin_b = t.user(other.programme_id, Role::Administrator, &[]).await;
        let (items, format) = linkwork_app::directory::oruk::services_of(&pkg).unwrap_or_default();
        assert_eq!(format, "an HSDS 3 data package");
        let r = t
            .app
            .import_directory(&admin_b.ctx, items, format, &|_, _| {})
            .await
            .unwrap_or_else(|e| panic!("round trip: {e}"));
        assert_eq!(
            (r.created, r.skipped.len()),
            (services.len(), 0),
            "{:?}",
            r.skipped.first()
        );
        let pkg_b = t
            .app
            .export_directory(&admin_b.ctx)
            .await
            .unwrap_or_else(|e| panic!("export: {e}"));
        let strip = |p: &Value| -> Vec<Value> {
            let mut v: Vec<Value> = p["resources"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|x| x["name"] == "services")
                .and_then(|r| r["data"].as_array().cloned())
                .unwrap_or_default();
            for s in &mut v {
                if let Some(m) = s.as_object_mut() {
                    m.remove("last_modified");
                }
            }
            v.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
            v
        };
        assert_eq!(
            strip(&pkg),
            strip(&pkg_b),
            "export → import → export is the same directory"
        );
    }
);

both!(a_round_trip_keeps_schedules_places_and_terms, |t| {
    let (org, lw, _) = setup(&t).await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let pkg = t
        .app
        .export_directory(&admin.ctx)
        .await
        .unwrap_or_else(|e| panic!("export: {e}"));
    let other = t.organisation("Programme B").await;
    let admin_b = t.user(other.programme_id, Role::Administrator, &[]).await;
    let lw_b = t
        .user(other.programme_id, Role::LinkWorker, &[other.site_a])
        .await;
    postcodes(&t, &admin_b).await;
    let (items, format) = linkwork_app::directory::oruk::services_of(&pkg).unwrap_or_default();
    let r = t
        .app
        .import_directory(&admin_b.ctx, items.clone(), format, &|_, _| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.skipped.len(), 0, "{:?}", r.skipped);
    // Again, schedules and places included: nothing changes.
    let again = t
        .app
        .import_directory(&admin_b.ctx, items, format, &|_, _| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (again.created, again.updated, again.unchanged),
        (0, 0, r.created),
        "{again:?}"
    );
    let a = t
        .api(
            &lw,
            Method::GET,
            "/api/v1/directory/services?q=bereavement&postcode=G51+4TR",
            None,
        )
        .await
        .json();
    let b = t
        .api(
            &lw_b,
            Method::GET,
            "/api/v1/directory/services?q=bereavement&postcode=G51+4TR",
            None,
        )
        .await
        .json();
    for k in [
        "name",
        "distance_km",
        "when",
        "reach",
        "last_assured",
        "overdue",
    ] {
        assert_eq!(a["items"][0][k], b["items"][0][k], "{k}");
    }
    let _ = add;
});
