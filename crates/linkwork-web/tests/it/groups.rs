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
