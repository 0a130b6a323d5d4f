//! Every route × every role × someone else's record: refused.

use linkwork_domain::Role;
use linkwork_testkit::{TestUser, both};
use reqwest::Method;
use serde_json::json;

/// Expected status of each page for each kind of user. Columns: administrator,
/// manager, link worker (site A), practice staff (site A), partner (site A),
/// administrator of another programme.
fn page_table(
    site_a: i64,
    site_b: i64,
    area: i64,
    cluster: i64,
    user: i64,
) -> Vec<(String, [u16; 6])> {
    vec![
        ("/".into(), [200, 200, 200, 200, 200, 200]),
        ("/sites".into(), [200, 200, 200, 200, 200, 200]),
        (format!("/sites/{site_a}"), [200, 200, 200, 200, 200, 404]),
        (format!("/sites/{site_b}"), [200, 200, 404, 404, 404, 404]),
        ("/sites/new".into(), [200, 403, 403, 403, 403, 200]),
        (
            format!("/sites/{site_a}/edit"),
            [200, 403, 403, 403, 403, 404],
        ),
        ("/sites/import".into(), [200, 403, 403, 403, 403, 200]),
        ("/areas".into(), [200, 200, 403, 403, 403, 200]),
        (format!("/areas/{area}"), [200, 403, 403, 403, 403, 404]),
        (
            format!("/clusters/{cluster}"),
            [200, 403, 403, 403, 403, 404],
        ),
        ("/users".into(), [200, 200, 403, 403, 403, 200]),
        ("/users/new".into(), [200, 403, 403, 403, 403, 200]),
        (format!("/users/{user}"), [200, 200, 403, 403, 403, 404]),
        (
            format!("/users/{user}/edit"),
            [200, 403, 403, 403, 403, 404],
        ),
        ("/audit".into(), [200, 403, 403, 403, 403, 200]),
        ("/account".into(), [200, 200, 200, 200, 200, 200]),
        ("/people".into(), [403, 200, 200, 403, 403, 403]),
        ("/people/new".into(), [403, 200, 200, 403, 403, 403]),
        ("/referrals".into(), [403, 200, 200, 200, 200, 403]),
        ("/referrals/new".into(), [403, 200, 200, 200, 200, 403]),
        (
            format!("/sites/{site_a}/development"),
            [403, 200, 200, 403, 403, 403],
        ),
        (
            format!("/sites/{site_b}/development"),
            [403, 200, 404, 403, 403, 403],
        ),
        ("/partner".into(), [403, 403, 403, 403, 200, 403]),
        ("/groups".into(), [403, 200, 200, 403, 403, 403]),
        ("/appointments".into(), [403, 200, 200, 403, 403, 403]),
        ("/onward".into(), [403, 200, 200, 403, 403, 403]),
        ("/needs".into(), [403, 200, 200, 403, 403, 403]),
        ("/goals".into(), [403, 200, 200, 403, 403, 403]),
        (
            "/practice-activities".into(),
            [403, 200, 200, 403, 403, 403],
        ),
        ("/vouchers".into(), [403, 200, 200, 403, 403, 403]),
        ("/handovers".into(), [403, 200, 200, 403, 403, 403]),
        (
            "/wellbeing?from=1/11/2026&to=30/11/2026".into(),
            [403, 200, 200, 403, 403, 403],
        ),
        ("/groups/1".into(), [403, 404, 404, 403, 403, 403]),
        ("/groups/1/edit".into(), [403, 404, 404, 403, 403, 403]),
        (
            "/groups/1/risk-assessment".into(),
            [403, 404, 404, 403, 403, 403],
        ),
        (
            "/partner/referrals/1".into(),
            [403, 403, 403, 403, 404, 403],
        ),
    ]
}

both!(pages_are_refused_by_role_and_programme, |t| {
    let org = t.organisation("Programme A").await;
    let other = t.organisation("Programme B").await;
    let users: Vec<TestUser> = vec![
        t.user(org.programme_id, Role::Administrator, &[]).await,
        t.user(org.programme_id, Role::Manager, &[]).await,
        t.user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await,
        t.user(org.programme_id, Role::PracticeStaff, &[org.site_a])
            .await,
        t.user(org.programme_id, Role::Partner, &[org.site_a]).await,
        t.user(other.programme_id, Role::Administrator, &[]).await,
    ];
    let target = users[2].id;
    let table = page_table(org.site_a, org.site_b, org.area_id, org.cluster_id, target);
    for (i, u) in users.iter().enumerate() {
        let mut s = t.sign_in(&u.email).await;
        for (path, expected) in &table {
            let r = s.get(path).await;
            assert_eq!(r.status, expected[i], "{} GET {path}", u.email);
        }
    }
    // Writes by the wrong people change nothing.
    let mut other_admin = t.sign_in(&users[5].email).await;
    other_admin.get("/").await;
    let r = other_admin
        .post(
            &format!("/sites/{}", org.site_a),
            &[
                ("version", "1"),
                ("name", "Taken over"),
                ("code", "S00001"),
                ("kind", "other"),
                ("cluster_id", &other.cluster_id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 404);
    let r = other_admin
        .post(&format!("/users/{target}/disable"), &[])
        .await;
    assert_eq!(r.status, 404);
    let mut manager = t.sign_in(&users[1].email).await;
    manager.get("/").await;
    assert_eq!(
        manager
            .post("/areas", &[("name", "Manager's area")])
            .await
            .status,
        403
    );
    assert_eq!(
        manager
            .post(&format!("/users/{target}/disable"), &[])
            .await
            .status,
        403
    );
    let site = t
        .app
        .get_site(&users[0].ctx, org.site_a)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(site.name, "Alpha Medical Practice");
    // Refusals are audited.
    let (events, _) = t
        .app
        .search_audit(
            &users[0].ctx,
            &linkwork_testkit::store::audit::Filter {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_default();
    assert!(
        events
            .iter()
            .any(|e| e.outcome == "refused" && e.actor == users[1].email),
        "manager's refusals are in the trail"
    );
});

both!(api_routes_are_refused_by_role_and_programme, |t| {
    let org = t.organisation("Programme A").await;
    let other = t.organisation("Programme B").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let partner = t.user(org.programme_id, Role::Partner, &[org.site_a]).await;
    let outsider = t.user(other.programme_id, Role::Administrator, &[]).await;
    let site_update = json!({"version": 1, "name": "X", "code": "S00001", "kind": "other", "cluster_id": org.cluster_id});
    let cases: Vec<(Method, String, Option<serde_json::Value>, [u16; 6])> = vec![
        (
            Method::GET,
            "/api/v1/me".into(),
            None,
            [200, 200, 200, 200, 200, 200],
        ),
        (
            Method::GET,
            format!("/api/v1/sites/{}", org.site_a),
            None,
            [200, 200, 200, 200, 200, 404],
        ),
        (
            Method::GET,
            format!("/api/v1/sites/{}", org.site_b),
            None,
            [200, 200, 404, 404, 404, 404],
        ),
        (
            Method::PUT,
            format!("/api/v1/sites/{}", org.site_b),
            Some(
                json!({"version": 99, "name": "X", "code": "S00002", "kind": "other", "cluster_id": org.cluster_id}),
            ),
            [409, 403, 403, 403, 403, 422],
        ),
        (
            Method::POST,
            "/api/v1/sites".into(),
            Some(
                json!({"name": "New", "code": "NEW1", "kind": "other", "cluster_id": org.cluster_id}),
            ),
            [201, 403, 403, 403, 403, 422],
        ),
        (
            Method::POST,
            "/api/v1/areas".into(),
            Some(json!({"name": "An area"})),
            [201, 403, 403, 403, 403, 201],
        ),
        (
            Method::GET,
            "/api/v1/users".into(),
            None,
            [200, 200, 403, 403, 403, 200],
        ),
        (
            Method::GET,
            format!("/api/v1/users/{}", lw.id),
            None,
            [200, 200, 403, 403, 403, 404],
        ),
        (
            Method::GET,
            "/api/v1/audit".into(),
            None,
            [200, 403, 403, 403, 403, 200],
        ),
        (
            Method::GET,
            "/api/v1/audit/verify".into(),
            None,
            [200, 403, 403, 403, 403, 200],
        ),
        (
            Method::GET,
            "/api/v1/groups".into(),
            None,
            [403, 200, 200, 403, 403, 403],
        ),
        (
            Method::POST,
            "/api/v1/groups".into(),
            Some(json!({"name": "A walk", "kind": "health_walk"})),
            [403, 201, 422, 403, 403, 403],
        ),
        (
            Method::PUT,
            "/api/v1/groups/999999".into(),
            Some(json!({"name": "A walk", "kind": "health_walk"})),
            [403, 404, 404, 403, 403, 403],
        ),
        (
            Method::GET,
            "/api/v1/groups/999999/risk-assessment".into(),
            None,
            [403, 404, 404, 403, 403, 403],
        ),
        (
            Method::POST,
            "/api/v1/groups/999999/feedback".into(),
            Some(json!({"feedback": "Good"})),
            [403, 404, 404, 403, 403, 403],
        ),
        (
            Method::POST,
            "/api/v1/groups/999999/partners".into(),
            Some(json!({"organization_id": 1})),
            [403, 404, 404, 403, 403, 403],
        ),
        (
            Method::POST,
            "/api/v1/groups/999999/directory".into(),
            Some(json!({})),
            [404, 404, 404, 403, 403, 404],
        ),
        (
            Method::GET,
            "/api/v1/partner/referrals".into(),
            None,
            [403, 403, 403, 403, 200, 403],
        ),
        (
            Method::POST,
            "/api/v1/partner/referrals/1/answer".into(),
            Some(json!({"status": "accepted"})),
            [403, 403, 403, 403, 404, 403],
        ),
        // Before the site becomes kind 'other' (which holds no people).
        (
            Method::GET,
            format!("/api/v1/sites/{}/development", org.site_a),
            None,
            [403, 200, 200, 403, 403, 403],
        ),
        (
            Method::POST,
            format!("/api/v1/sites/{}/fund-lines", org.site_b),
            Some(json!({"direction": "allocate", "amount": "10", "purpose": "Wellbeing walk"})),
            [403, 201, 404, 403, 403, 403],
        ),
        (
            Method::PUT,
            format!("/api/v1/sites/{}", org.site_a),
            Some(site_update),
            [200, 403, 403, 403, 403, 422],
        ),
        // Last: it disables the practice staff caller.
        (
            Method::POST,
            format!("/api/v1/users/{}/disable", staff.id),
            None,
            [204, 403, 403, 403, 403, 404],
        ),
    ];
    let callers = [&admin, &mgr, &lw, &staff, &partner, &outsider];
    for (method, path, body, expected) in cases {
        for (i, u) in callers.iter().enumerate() {
            if i == 3 && path.contains("disable") {
                continue; // the administrator has just disabled this caller
            }
            let r = t.api(u, method.clone(), &path, body.clone()).await;
            assert_eq!(
                r.status, expected[i],
                "{} {method} {path}: {}",
                u.email, r.body
            );
        }
    }
    // The outsider's site list is their own programme's.
    let r = t
        .api(&outsider, Method::GET, "/api/v1/sites", None)
        .await
        .json();
    assert!(r["items"].as_array().is_some_and(|a| {
        a.iter()
            .all(|s| s["id"] != org.site_a && s["id"] != org.site_b)
    }));
    // No token, or a wrong one: 401 with problem details.
    let r = linkwork_testkit::Reply::from(
        t.client()
            .get(t.url("/api/v1/sites"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["status"], 401);
    let r = linkwork_testkit::Reply::from(
        t.client()
            .get(t.url("/api/v1/sites"))
            .bearer_auth("lw_forged")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(r.status, 401);
});
