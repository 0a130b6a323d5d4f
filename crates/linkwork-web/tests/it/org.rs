use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;
use serde_json::json;

both!(
    an_administrator_adds_and_edits_a_site_in_the_browser_forms,
    |t| {
        let org = t.organisation("Programme A").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let mut s = t.sign_in(&admin.email).await;
        assert_eq!(s.get("/sites/new").await.status, 200);
        let cluster = org.cluster_id.to_string();
        let r = s
            .post(
                "/sites",
                &[
                    ("name", "Gamma Surgery"),
                    ("code", "s43021"),
                    ("kind", "gp_practice"),
                    ("cluster_id", &cluster),
                    ("practice_code", "s43021"),
                    ("list_size", "6,200"),
                    ("deep_end", "yes"),
                    ("postcode", "g51 4tr"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = s.get(&r.location()).await;
        assert!(
            page.body.contains("Gamma Surgery")
                && page.body.contains("G51 4TR")
                && page.body.contains("6200")
        );
        let id: i64 = r
            .location()
            .trim_start_matches("/sites/")
            .split('?')
            .next()
            .and_then(|x| x.parse().ok())
            .unwrap_or(0);
        let edit = s.get(&format!("/sites/{id}/edit")).await;
        assert!(edit.body.contains("name=\"version\" value=\"1\""));
        let r = s
            .post(
                &format!("/sites/{id}"),
                &[
                    ("version", "1"),
                    ("name", "Gamma Surgery (Govan)"),
                    ("code", "S43021"),
                    ("kind", "gp_practice"),
                    ("cluster_id", &cluster),
                    ("practice_code", "S43021"),
                    ("postcode", "G51 4TR"),
                    ("deep_end", "no"),
                    ("active", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        // A second save of the stale version is refused, not silently applied.
        let stale = s
            .post(
                &format!("/sites/{id}"),
                &[
                    ("version", "1"),
                    ("name", "Overwritten"),
                    ("code", "S43021"),
                    ("kind", "gp_practice"),
                    ("cluster_id", &cluster),
                    ("practice_code", "S43021"),
                ],
            )
            .await;
        assert_eq!(stale.status, 409);
        let site = t
            .app
            .get_site(&admin.ctx, id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(site.name, "Gamma Surgery (Govan)");
    }
);

both!(bad_site_input_names_every_field_and_writes_nothing, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let mut s = t.sign_in(&admin.email).await;
    s.get("/sites/new").await;
    let r = s
        .post(
            "/sites",
            &[
                ("name", ""),
                ("code", "bad code"),
                ("kind", "gp_practice"),
                ("cluster_id", ""),
                ("postcode", "nowhere"),
                ("list_size", "many"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for field in [
        "name",
        "code",
        "cluster_id",
        "postcode",
        "list_size",
        "practice_code",
    ] {
        assert!(
            r.body.contains(&format!("href=\"#{field}\"")),
            "error summary links to {field}"
        );
        assert!(
            r.body.contains(&format!("id=\"{field}-error\"")),
            "message next to {field}"
        );
    }
    assert!(r.body.contains("<title>Error: Add a site"));
    assert!(
        r.body.contains("value=\"nowhere\""),
        "typed values are kept"
    );
    // The same rule in the API, as problem details.
    let r = t
        .api(
            &admin,
            Method::POST,
            "/api/v1/sites",
            Some(json!({"name": "", "code": "bad code", "kind": "clinic", "cluster_id": 999999})),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let fields = r.problem_fields();
    assert!(
        fields.contains(&"name".to_string())
            && fields.contains(&"code".to_string())
            && fields.contains(&"kind".to_string()),
        "{fields:?}"
    );
    let r = t
        .api(
            &admin,
            Method::POST,
            "/api/v1/sites",
            Some(json!({"name": "X", "code": "X1", "kind": "other", "cluster_id": 999999})),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.problem_fields(), vec!["cluster_id".to_string()]);
    let (sites, total) = t
        .app
        .list_sites(
            &admin.ctx,
            &linkwork_testkit::store::org::SiteFilter {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_default();
    assert_eq!(total, 2, "nothing half-written: {sites:?}");
    // Malformed JSON is a 4xx problem too, never a 500.
    let r = t
        .client()
        .post(t.url("/api/v1/sites"))
        .bearer_auth(&admin.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status().as_u16(), 422);
});

both!(site_codes_are_unique_within_a_programme, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let body = json!({"name": "Copy", "code": "S00001", "kind": "gp_practice", "practice_code": "S00001", "cluster_id": org.cluster_id});
    let r = t
        .api(&admin, Method::POST, "/api/v1/sites", Some(body))
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.problem_fields(), vec!["code".to_string()]);
    // Another programme may use the same code.
    let other = t.organisation("Programme B").await;
    let admin_b = t.user(other.programme_id, Role::Administrator, &[]).await;
    let sites = t
        .api(&admin_b, Method::GET, "/api/v1/sites", None)
        .await
        .json();
    assert_eq!(sites["total"], 2);
    assert!(
        sites["items"]
            .as_array()
            .is_some_and(|a| a.iter().all(|s| s["code"] != "S43021"))
    );
});

both!(the_api_lists_only_the_sites_a_user_may_see, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
    let r = t.api(&lw, Method::GET, "/api/v1/sites", None).await.json();
    assert_eq!(r["total"], 1);
    assert_eq!(r["items"][0]["code"], "S00001");
    let r = t
        .api(&mgr, Method::GET, "/api/v1/sites?q=beta", None)
        .await
        .json();
    assert_eq!(r["total"], 1);
    assert_eq!(r["items"][0]["code"], "S00002");
    let r = t
        .api(&mgr, Method::GET, "/api/v1/sites?limit=0", None)
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.problem_fields(), vec!["limit".to_string()]);
});

both!(api_updates_need_the_current_version, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let site = t
        .api(
            &admin,
            Method::GET,
            &format!("/api/v1/sites/{}", org.site_a),
            None,
        )
        .await
        .json();
    assert_eq!(site["version"], 1);
    let mut body = json!({"version": 1, "name": "Alpha Medical Practice", "code": "S00001", "kind": "gp_practice",
        "practice_code": "S00001", "cluster_id": org.cluster_id, "list_size": 4100, "deep_end": true, "postcode": "g21 1aa"});
    let r = t
        .api(
            &admin,
            Method::PUT,
            &format!("/api/v1/sites/{}", org.site_a),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["list_size"], 4100);
    assert_eq!(r.json()["deep_end"], true);
    assert_eq!(r.json()["version"], 2);
    body["name"] = json!("Lost update");
    let r = t
        .api(
            &admin,
            Method::PUT,
            &format!("/api/v1/sites/{}", org.site_a),
            Some(body),
        )
        .await;
    assert_eq!(r.status, 409);
});

both!(areas_and_clusters_are_managed_in_pages_and_api, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let mut s = t.sign_in(&admin.email).await;
    let page = s.get("/areas").await;
    assert!(page.body.contains("North East") && page.body.contains("Springburn"));
    assert_eq!(
        s.post("/areas", &[("name", "West Dunbartonshire")])
            .await
            .status,
        303
    );
    let dup = s.post("/areas", &[("name", "West Dunbartonshire")]).await;
    assert_eq!(dup.status, 422);
    assert!(dup.body.contains("already exists"));
    let areas = t
        .api(&admin, Method::GET, "/api/v1/areas", None)
        .await
        .json();
    let wd = areas
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == "West Dunbartonshire"))
        .cloned()
        .unwrap_or_default();
    let r = s
        .post(
            "/clusters",
            &[
                ("cluster_name", "Clydebank"),
                ("cluster_area_id", &wd["id"].to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = s
        .post(
            "/clusters",
            &[("cluster_name", ""), ("cluster_area_id", "")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("href=\"#cluster_name\"") && r.body.contains("href=\"#cluster_area_id\"")
    );
    let r = t
        .api(
            &admin,
            Method::POST,
            "/api/v1/clusters",
            Some(json!({"name": "Dumbarton", "area_id": wd["id"]})),
        )
        .await;
    assert_eq!(r.status, 201);
    let r = t
        .api(
            &admin,
            Method::PUT,
            &format!("/api/v1/areas/{}", wd["id"]),
            Some(json!({"version": 1, "name": "West Dunbartonshire HSCP"})),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["cluster_count"], 2);
});

both!(the_gp_practice_list_imports, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let csv = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../linkwork-demo/data/ods_scotprac_scotland_gp_practices_c2014.csv"
    ))
    .unwrap_or_default();
    let glasgow: Vec<u8> = {
        let text = String::from_utf8_lossy(&csv);
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default().to_owned();
        let mut out = header + "\n";
        for l in lines
            .filter(|l| l.contains(",G") && l.contains("GLASGOW"))
            .take(60)
        {
            out.push_str(l);
            out.push('\n');
        }
        out.into_bytes()
    };
    let url = format!(
        "{}/api/v1/sites/import?cluster_id={}&dry_run=true",
        t.base, org.cluster_id
    );
    let r = linkwork_testkit::Reply::from(
        t.client()
            .post(&url)
            .bearer_auth(&admin.token)
            .body(glasgow.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let dry = r.json();
    assert_eq!(dry["dry_run"], true);
    let created = dry["created"].as_i64().unwrap_or(0);
    assert!(created > 30, "{dry}");
    assert_eq!(
        t.api(&admin, Method::GET, "/api/v1/sites", None)
            .await
            .json()["total"],
        2,
        "a dry run writes nothing"
    );
    // Now through the page, as an administrator would.
    let mut s = t.sign_in(&admin.email).await;
    s.get("/sites/import").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", s.csrf.clone())
        .text("cluster_id", org.cluster_id.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(glasgow).file_name("scotprac.csv"),
        );
    let cookie = s
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let r = linkwork_testkit::Reply::from(
        t.client()
            .post(t.url("/sites/import"))
            .header("cookie", cookie)
            .multipart(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains(&format!("Import finished: {created} sites added")),
        "{}",
        r.body
    );
    let all = t
        .api(&admin, Method::GET, "/api/v1/sites?limit=1000", None)
        .await
        .json();
    assert_eq!(all["total"].as_i64(), Some(created + 2));
    assert!(all["items"].as_array().is_some_and(|a| a.iter().any(|s| {
        s["kind"] == "gp_practice"
            && s["name"]
                .as_str()
                .is_some_and(|n| n.chars().nth(1).is_some_and(|c| c.is_lowercase()))
    })));
    // A file with a bad row imports nothing and names the line.
    let bad = "code,name,kind,postcode\nX1,Good place,other,G1 1AA\nX2,Bad place,other,NOWHERE\n";
    let url = format!(
        "{}/api/v1/sites/import?cluster_id={}",
        t.base, org.cluster_id
    );
    let r = linkwork_testkit::Reply::from(
        t.client()
            .post(&url)
            .bearer_auth(&admin.token)
            .body(bad)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Line 3 (X2): postcode"), "{}", r.body);
    assert_eq!(
        t.api(&admin, Method::GET, "/api/v1/sites", None)
            .await
            .json()["total"]
            .as_i64(),
        Some(created + 2)
    );
});

both!(sites_export_as_csv, |t| {
    let org = t.organisation("Programme A").await;
    let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
    let mut s = t.sign_in(&mgr.email).await;
    let r = s.get("/sites.csv").await;
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("code,name,kind,cluster"));
    assert!(
        r.body
            .contains("S00001,Alpha Medical Practice,gp_practice,Springburn,North East")
    );
});
