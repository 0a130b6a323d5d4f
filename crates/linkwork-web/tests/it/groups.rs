//! Groups, courses and events: starting one, registering people, recording
//! sessions and attendance; people outside one's practices are counted, not
//! named. Through the API and the pages, on both databases.

use linkwork_domain::Role;
use linkwork_testkit::{TestApp, TestUser, both};
use reqwest::Method;
use serde_json::json;

/// A person referred to `site` and allocated to `lw`: their record's id.
async fn person(t: &TestApp, lw: &TestUser, site: i64, name: &str) -> i64 {
    let r = t
        .api(
            lw,
            Method::POST,
            "/api/v1/referrals",
            Some(json!({"site_id": site, "person_name": name,
            "person_date_of_birth": "1948-06-01", "source": "gp", "reasons": ["loneliness"]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap_or(0);
    let r = t
        .api(
            lw,
            Method::POST,
            &format!("/api/v1/referrals/{id}/allocate"),
            Some(json!({"version": 1, "link_worker_id": lw.id})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["participant_id"].as_i64().unwrap_or(0)
}

both!(a_group_runs_sessions_and_takes_attendance, |t| {
    let org = t.organisation("Programme A").await;
    let other = t.organisation("Programme B").await;
    let lw_a = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let nora = person(&t, &lw_a, org.site_a, "Nora Example").await;
    let bill = person(&t, &lw_b, org.site_b, "Bill Sample").await;

    // Starting a group: the name and kind are needed; names are unique.
    let r = t
        .api(
            &lw_a,
            Method::POST,
            "/api/v1/groups",
            Some(json!({"kind": "rave"})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.problem_fields(), ["name", "kind"]);
    let walk = json!({"name": "Tuesday health walk", "kind": "course", "schedule": "Tuesdays 10:30, weekly",
        "venue": "Springburn Park gates", "in_kind": "Church hall given free for tea afterwards",
        "risk_assessment": "Uneven paths: walk leader checks the route the day before."});
    let r = t
        .api(&lw_a, Method::POST, "/api/v1/groups", Some(walk.clone()))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let g = r.json()["id"].as_i64().unwrap_or(0);
    assert_eq!(
        r.json()["in_kind"],
        "Church hall given free for tea afterwards"
    );
    let r = t
        .api(&lw_b, Method::POST, "/api/v1/groups", Some(walk))
        .await;
    assert_eq!(r.problem_fields(), ["name"]);

    // Registering: only people whose records one may see.
    let member = |u: &TestUser, pid: i64| {
        let (t, u) = (&t, u.clone());
        async move {
            t.api(
                &u,
                Method::POST,
                &format!("/api/v1/groups/{g}/members"),
                Some(json!({"participant_id": pid})),
            )
            .await
        }
    };
    assert_eq!(member(&lw_a, nora).await.status, 200);
    let r = member(&lw_a, bill).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.problem_fields(), ["participant_id"]);
    assert_eq!(member(&lw_b, bill).await.status, 200);
    // Each sees their own people by name, the others counted.
    let d = t
        .api(&lw_a, Method::GET, &format!("/api/v1/groups/{g}"), None)
        .await
        .json();
    assert_eq!(d["members"], 2);
    assert_eq!(d["registered"].as_array().map(|a| a.len()), Some(1));
    assert_eq!(d["registered"][0]["name"], "Nora Example");
    assert_eq!(d["other_members"], 1);

    // Taking attendance.
    let session = |u: &TestUser, body: serde_json::Value| {
        let (t, u) = (&t, u.clone());
        async move {
            t.api(
                &u,
                Method::POST,
                &format!("/api/v1/groups/{g}/sessions"),
                Some(body),
            )
            .await
        }
    };
    let r = session(&lw_a, json!({"held_on": "31/02/2026", "others": "lots"})).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.problem_fields(), ["held_on", "others"]);
    let r = session(&lw_a, json!({"attended": [bill]})).await;
    assert_eq!(
        r.problem_fields(),
        ["attended"],
        "not one of theirs to tick"
    );
    let r = session(&lw_a, json!({})).await;
    assert_eq!(r.problem_fields(), ["attended"], "nobody came");
    let r = session(&lw_a, json!({"held_on": "24/11/2026", "attended": [nora], "others": 2, "feedback": "Sunny; tea after"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let s = &r.json()["session_list"][0];
    assert_eq!(
        (s["registered"].as_i64(), s["others"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(s["held_on"], "2026-11-24");
    // The course: Nora completes it.
    let r = t
        .api(
            &lw_a,
            Method::POST,
            &format!("/api/v1/groups/{g}/members"),
            Some(json!({"participant_id": nora, "completed": "yes"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["registered"][0]["completed_on"], "2026-11-25");
    // Her record shows the group.
    let w = t
        .api(
            &lw_a,
            Method::GET,
            &format!("/api/v1/participants/{nora}/casework"),
            None,
        )
        .await
        .json();
    assert_eq!(w["groups"][0]["name"], "Tuesday health walk");
    assert_eq!(w["groups"][0]["attended"], 1);

    // Who may: managers and link workers; not practice staff, partners,
    // administrators; nor another programme.
    for role in [Role::PracticeStaff, Role::Partner, Role::Administrator] {
        let u = t.user(org.programme_id, role, &[org.site_a]).await;
        assert_eq!(
            t.api(&u, Method::GET, "/api/v1/groups", None).await.status,
            403,
            "{role:?}"
        );
        assert_eq!(
            t.api(&u, Method::GET, &format!("/api/v1/groups/{g}"), None)
                .await
                .status,
            403,
            "{role:?}"
        );
    }
    let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
    let d = t
        .api(&mgr, Method::GET, &format!("/api/v1/groups/{g}"), None)
        .await
        .json();
    assert_eq!(
        d["registered"].as_array().map(|a| a.len()),
        Some(2),
        "a manager sees everyone"
    );
    let outsider = t
        .user(other.programme_id, Role::LinkWorker, &[other.site_a])
        .await;
    assert_eq!(
        t.api(&outsider, Method::GET, &format!("/api/v1/groups/{g}"), None)
            .await
            .status,
        404
    );
    let r = t
        .api(
            &outsider,
            Method::POST,
            &format!("/api/v1/groups/{g}/sessions"),
            Some(json!({"others": 1})),
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        t.api(&outsider, Method::GET, "/api/v1/groups", None)
            .await
            .json()
            .as_array()
            .map(|a| a.len()),
        Some(0)
    );

    // The pages: the list, the group, a session with attendance, and
    // registering from a record.
    let mut s = t.sign_in(&lw_a.email).await;
    let list = s.get("/groups").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Tuesday health walk"));
    let r = s.post("/groups", &[("name", ""), ("kind", "walk")]).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Enter the group&#39;s name") || r.body.contains("group's name"),
        "{}",
        r.body
    );
    let r = s
        .post(
            "/groups",
            &[("name", "Young adults group"), ("kind", "peer_support")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let young = r
        .location()
        .rsplit('/')
        .next()
        .and_then(|x| x.split('?').next())
        .and_then(|x| x.parse::<i64>().ok())
        .unwrap_or(0);
    let page = s.get(&format!("/groups/{g}")).await;
    assert!(page.body.contains("Nora Example") && !page.body.contains("Bill Sample"));
    assert!(
        page.body
            .contains("1 more registered from practices you do not work at")
    );
    let r = s
        .post(
            &format!("/groups/{g}/sessions"),
            &[
                ("held_on", ""),
                ("attended", &nora.to_string()),
                ("others", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = s
        .post(
            "/groups/register",
            &[
                ("group_id", &young.to_string()),
                ("participant_id", &nora.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let record = s.get(&format!("/people/{nora}")).await;
    assert!(
        record.body.contains("Young adults group") && record.body.contains("came to 2 sessions"),
        "{}",
        record.body
    );
    let r = s
        .post(
            "/groups/register",
            &[("group_id", ""), ("participant_id", &nora.to_string())],
        )
        .await;
    assert_eq!(r.status, 422);

    // Audited: each look at a group, each change.
    let (events, _) = t
        .app
        .search_audit(
            &admin.ctx,
            &linkwork_testkit::store::audit::Filter {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_default();
    let count = |a: &str| events.iter().filter(|e| e.action == a).count();
    assert!(count("group.view") >= 3);
    assert_eq!(count("group_session.create"), 2);
    assert_eq!(count("group.member_add"), 3);
    assert_eq!(count("group.create"), 2);
});

both!(
    a_group_meets_at_a_directory_venue_keeps_its_risk_assessment_and_is_listed,
    |t| {
        let org = t.organisation("Programme A").await;
        let other = t.organisation("Programme B").await;
        let lw_a = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let lw_b = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_b])
            .await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let church = crate::directory::add(&t, &lw_a, json!({"name": "Lunch club", "new_organization": "Springburn Parish Church",
        "description": "Soup and company.", "postcode": "G21 1AA", "address": "1 Church Street", "checked": true})).await;
        let church_org = t
            .api(
                &lw_a,
                Method::GET,
                &format!("/api/v1/directory/services/{church}"),
                None,
            )
            .await
            .json()["organization_id"]
            .as_i64()
            .unwrap_or(0);
        let venues = t
            .app
            .venue_choices(&lw_a.ctx, None)
            .await
            .unwrap_or_default();
        let hall = venues.first().map(|v| v.0).unwrap_or(0);
        assert!(
            venues.first().is_some_and(|v| v.1.contains("G21 1AA")),
            "{venues:?}"
        );

        // A group meets at a directory location; an unknown one is refused.
        let r = t
            .api(
                &lw_a,
                Method::POST,
                "/api/v1/groups",
                Some(
                    json!({"name": "Seasons for Growth", "kind": "course", "location_id": 999_999}),
                ),
            )
            .await;
        assert_eq!(r.problem_fields(), ["location_id"], "{}", r.body);
        let r = t
        .api(&lw_a, Method::POST, "/api/v1/groups",
            Some(json!({"name": "Seasons for Growth", "kind": "course", "location_id": hall,
                "description": "Eight weeks on change and loss.", "schedule": "Wednesdays 13:00, 8 weeks from 14 January"})))
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let g = r.json()["id"].as_i64().unwrap_or(0);
        assert!(
            r.json()["location"]
                .as_str()
                .is_some_and(|l| l.contains("G21 1AA")),
            "{}",
            r.body
        );

        // Changing it, and ending it.
        let mut changed = r.json();
        changed["facilitators"] = json!("Two link workers");
        changed["active"] = json!("no");
        let r = t
            .api(
                &lw_b,
                Method::PUT,
                &format!("/api/v1/groups/{g}"),
                Some(changed.clone()),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            (
                r.json()["facilitators"].as_str(),
                r.json()["active"].as_bool()
            ),
            (Some("Two link workers"), Some(false))
        );
        changed["active"] = json!("yes");
        changed["kind"] = json!("rave");
        let r = t
            .api(
                &lw_b,
                Method::PUT,
                &format!("/api/v1/groups/{g}"),
                Some(changed.clone()),
            )
            .await;
        assert_eq!(r.problem_fields(), ["kind"]);
        changed["kind"] = json!("course");

        // Feedback on the course as a whole.
        let r = t
            .api(
                &lw_a,
                Method::POST,
                &format!("/api/v1/groups/{g}/feedback"),
                Some(json!({"feedback": " "})),
            )
            .await;
        assert_eq!(r.problem_fields(), ["feedback"]);
        let r = t
            .api(
                &lw_a,
                Method::POST,
                &format!("/api/v1/groups/{g}/feedback"),
                Some(json!({"given_on": "20/11/2026", "feedback": "I can talk about my dad now."})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(
            r.json()["feedback"][0]["feedback"],
            "I can talk about my dad now."
        );

        // The risk assessment file: checked by content and size, kept,
        // replaced, sent back as an attachment, removed.
        let put = |u: &TestUser, name: &str, body: Vec<u8>| {
            let (t, u, name) = (&t, u.clone(), name.to_owned());
            async move {
                let r = t
                    .client()
                    .put(t.url(&format!(
                        "/api/v1/groups/{g}/risk-assessment?file_name={name}"
                    )))
                    .bearer_auth(&u.token)
                    .body(body)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                linkwork_testkit::Reply::from(r).await
            }
        };
        let r = put(&lw_a, "risk.pdf", b"MZ not a pdf".to_vec()).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.problem_fields(), ["file"]);
        let r = put(&lw_a, "risk.exe", b"MZ".to_vec()).await;
        assert_eq!(r.problem_fields(), ["file"]);
        let mut big = b"%PDF-1.4".to_vec();
        big.resize(linkwork_domain::group::MAX_FILE_BYTES + 10, b' ');
        let r = put(&lw_a, "risk.pdf", big).await;
        assert_eq!(r.status, 422, "{}", r.body);
        let r = put(&lw_a, "walk-risk.pdf", b"%PDF-1.4 hazards".to_vec()).await;
        assert_eq!(r.status, 204, "{}", r.body);
        let r = t
            .api(
                &lw_b,
                Method::GET,
                &format!("/api/v1/groups/{g}/risk-assessment"),
                None,
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.bytes, b"%PDF-1.4 hazards");
        assert_eq!(
            r.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/octet-stream")
        );
        assert!(
            r.headers
                .get("content-disposition")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("attachment") && v.contains("walk-risk.pdf"))
        );
        assert_eq!(
            r.headers
                .get("x-content-type-options")
                .and_then(|v| v.to_str().ok()),
            Some("nosniff")
        );

        // Listing it in the directory: under the organisation chosen (the
        // group has none of its own); once only.
        let r = t
            .api(
                &lw_a,
                Method::POST,
                &format!("/api/v1/groups/{g}/directory"),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.problem_fields(), ["organization_id"]);
        let r = t
            .api(
                &lw_a,
                Method::POST,
                &format!("/api/v1/groups/{g}/directory"),
                Some(json!({"organization_id": church_org})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let service = r.json()["service_id"].as_i64().unwrap_or(0);
        let again = t
            .api(
                &lw_b,
                Method::POST,
                &format!("/api/v1/groups/{g}/directory"),
                Some(json!({})),
            )
            .await;
        assert_eq!(again.json()["service_id"].as_i64(), Some(service));
        let s = t
            .api(
                &lw_b,
                Method::GET,
                &format!("/api/v1/directory/services/{service}"),
                None,
            )
            .await
            .json();
        assert_eq!(s["name"], "Seasons for Growth");
        assert!(
            s["description"]
                .as_str()
                .is_some_and(|d| d.contains("Meets: Wednesdays")),
            "{s}"
        );
        assert_eq!(s["postcodes"][0], "G21 1AA");
        // Another link worker finds it by searching the directory, and its
        // page leads to the group.
        let found = t
            .api(
                &lw_b,
                Method::GET,
                "/api/v1/directory/services?q=seasons",
                None,
            )
            .await
            .json();
        assert_eq!(found["total"], 1, "{found}");
        let mut s = t.sign_in(&lw_b.email).await;
        let page = s.get(&format!("/directory/services/{service}")).await;
        assert!(
            page.body.contains(&format!("href=\"/groups/{g}\"")),
            "{}",
            page.body
        );

        // The pages: venue and changes, the file, feedback, listing shown.
        let page = s.get(&format!("/groups/{g}")).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("G21 1AA")
                && page.body.contains("Download walk-risk.pdf")
                && page.body.contains("I can talk about my dad now.")
        );
        assert!(
            page.body
                .contains(&format!("/directory/services/{service}"))
        );
        let r = s
            .post_files(
                &format!("/groups/{g}/risk-assessment"),
                &[("risk.docx", "not a zip")],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("is not a .docx file"), "{}", r.body);
        s.get(&format!("/groups/{g}")).await;
        let r = s
            .post_files(
                &format!("/groups/{g}/risk-assessment"),
                &[("checked.txt", "Route walked on Monday: fine.")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = s.get(&format!("/groups/{g}/risk-assessment")).await;
        assert_eq!(r.body, "Route walked on Monday: fine.");
        assert_eq!(
            r.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("text/plain; charset=utf-8"),
            "the page sends the file's own type"
        );
        s.get(&format!("/groups/{g}")).await;
        let r = s
            .post(
                &format!("/groups/{g}/feedback"),
                &[("given_on", ""), ("whole_feedback", "")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("href=\"#whole_feedback\""), "{}", r.body);
        let r = s
            .post(
                &format!("/groups/{g}/feedback"),
                &[("given_on", ""), ("whole_feedback", "Lovely people")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let edit = s.get(&format!("/groups/{g}/edit")).await;
        assert_eq!(edit.status, 200);
        assert!(
            edit.body.contains("Two link workers")
                && edit.body.contains("Is the group still meeting?")
        );
        let r = s
            .post(
                &format!("/groups/{g}/edit"),
                &[("name", ""), ("kind", "course")],
            )
            .await;
        assert_eq!(r.status, 422);
        let r = s
            .post(
                &format!("/groups/{g}/edit"),
                &[
                    ("name", "Seasons for Growth (spring)"),
                    ("kind", "course"),
                    ("location_id", &hall.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = s
            .post(&format!("/groups/{g}/risk-assessment/remove"), &[])
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            s.get(&format!("/groups/{g}/risk-assessment")).await.status,
            404
        );

        // Partner organisations from the directory: added once, shown on the
        // organisation's partner page, removed; an unknown one is named.
        let partners = format!("/api/v1/groups/{g}/partners");
        let r = t
            .api(
                &lw_a,
                Method::POST,
                &partners,
                Some(json!({"organization_id": 999_999})),
            )
            .await;
        assert_eq!(r.problem_fields(), ["organization_id"], "{}", r.body);
        for _ in 0..2 {
            let r = t
                .api(
                    &lw_a,
                    Method::POST,
                    &partners,
                    Some(json!({"organization_id": church_org})),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
            assert_eq!(
                r.json()["partner_organizations"][0]["name"],
                "Springburn Parish Church"
            );
        }
        let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
        let pp = t
            .api(
                &mgr,
                Method::GET,
                &format!("/api/v1/directory/organizations/{church_org}/partnership"),
                None,
            )
            .await;
        assert!(pp.body.contains("Seasons for Growth"), "{}", pp.body);
        let r = s
            .post(
                &format!("/groups/{g}/partners"),
                &[
                    ("partner_organization_id", &church_org.to_string()),
                    ("add", "no"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let page = s.get(&format!("/groups/{g}")).await;
        assert!(
            page.body
                .contains("No partner organisations from the directory"),
            "{}",
            page.body
        );
        let r = s
            .post(
                &format!("/groups/{g}/partners"),
                &[("partner_organization_id", "")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("href=\"#partner_organization_id\""),
            "{}",
            r.body
        );

        // Nobody else: practice staff, partners, another programme.
        let outsider = t
            .user(other.programme_id, Role::LinkWorker, &[other.site_a])
            .await;
        assert_eq!(put(&outsider, "x.txt", b"x".to_vec()).await.status, 404);
        for (u, want) in [
            (
                t.user(org.programme_id, Role::PracticeStaff, &[org.site_a])
                    .await,
                403,
            ),
            (
                t.user(org.programme_id, Role::Partner, &[org.site_a]).await,
                403,
            ),
            (outsider, 404),
        ] {
            for (m, path, body) in [
                (
                    Method::GET,
                    format!("/api/v1/groups/{g}/risk-assessment"),
                    None,
                ),
                (
                    Method::PUT,
                    format!("/api/v1/groups/{g}"),
                    Some(changed.clone()),
                ),
                (
                    Method::POST,
                    format!("/api/v1/groups/{g}/feedback"),
                    Some(json!({"feedback": "x"})),
                ),
                (
                    Method::DELETE,
                    format!("/api/v1/groups/{g}/risk-assessment"),
                    None,
                ),
            ] {
                assert_eq!(
                    t.api(&u, m.clone(), &path, body).await.status,
                    want,
                    "{m} {path}"
                );
            }
        }
        let listing = t
            .api(
                &t.user(other.programme_id, Role::LinkWorker, &[other.site_a])
                    .await,
                Method::POST,
                &format!("/api/v1/groups/{g}/directory"),
                Some(json!({"organization_id": church_org})),
            )
            .await;
        assert_eq!(listing.status, 404, "{}", listing.body);

        // Audited.
        let (events, _) = t
            .app
            .search_audit(
                &admin.ctx,
                &linkwork_testkit::store::audit::Filter {
                    limit: 500,
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_default();
        let count = |a: &str| events.iter().filter(|e| e.action == a).count();
        assert_eq!(count("group.update"), 2);
        assert_eq!(count("group.feedback"), 2);
        assert_eq!(count("group.file_put"), 2);
        assert_eq!(count("group.file_remove"), 1);
        assert_eq!(count("group.list_in_directory"), 1);
        assert_eq!(count("group.partner_add"), 1);
        assert_eq!(count("group.partner_remove"), 1);
    }
);
