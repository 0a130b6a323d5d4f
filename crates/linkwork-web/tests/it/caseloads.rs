use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;
use serde_json::json;

both!(
    a_manager_moves_a_caseload_to_a_colleague_at_the_practice,
    |t| {
        let org = t.organisation("Programme A").await;
        let other = t.organisation("Programme B").await;
        let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
        let leaving = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let staying = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let elsewhere = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_b])
            .await;
        let other_mgr = t.user(other.programme_id, Role::Manager, &[]).await;
        let mut referrals = Vec::new();
        for (name, born) in [("Jo Example", "1970-02-04"), ("Al Example", "1981-06-07")] {
            let r = t
                .api(
                    &leaving,
                    Method::POST,
                    "/api/v1/referrals",
                    Some(json!({"site_id": org.site_a, "person_name": name,
                "person_date_of_birth": born, "source": "gp", "reasons": ["money"]})),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
            let id = r.json()["id"].as_i64().unwrap_or(0);
            let r = t
                .api(
                    &leaving,
                    Method::POST,
                    &format!("/api/v1/referrals/{id}/allocate"),
                    Some(json!({"version": 1, "link_worker_id": leaving.id})),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
            referrals.push(id);
        }
        let r = t
        .api(&leaving, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referrals[0], "date": "2027-07-01", "time": "10:00", "duration_minutes": 45, "mode": "practice"})))
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        // Link workers do not see or move caseloads.
        assert_eq!(
            t.api(&leaving, Method::GET, "/api/v1/caseloads", None)
                .await
                .status,
            403
        );
        let list = t
            .api(&mgr, Method::GET, "/api/v1/caseloads", None)
            .await
            .json();
        assert_eq!(list[0]["link_worker_id"], leaving.id, "{list}");
        assert_eq!(list[0]["open_referrals"], 2);
        let body = |to: i64| json!({"from_worker_id": leaving.id, "site_id": org.site_a, "to_worker_id": to});
        // Only to a link worker at the practice, and never to the same worker.
        let r = t
            .api(
                &mgr,
                Method::POST,
                "/api/v1/caseloads/move",
                Some(body(elsewhere.id)),
            )
            .await;
        assert_eq!(r.problem_fields(), vec!["to_worker_id".to_string()]);
        let r = t
            .api(
                &mgr,
                Method::POST,
                "/api/v1/caseloads/move",
                Some(body(leaving.id)),
            )
            .await;
        assert_eq!(r.problem_fields(), vec!["to_worker_id".to_string()]);
        let r = t
            .api(
                &mgr,
                Method::POST,
                "/api/v1/caseloads/move",
                Some(json!({"from_worker_id": "x"})),
            )
            .await;
        assert_eq!(
            r.problem_fields(),
            vec![
                "from_worker_id".to_string(),
                "site_id".to_string(),
                "to_worker_id".to_string()
            ]
        );
        // Another programme's manager cannot touch it.
        let r = t
            .api(
                &other_mgr,
                Method::POST,
                "/api/v1/caseloads/move",
                Some(body(staying.id)),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(
            t.api(&other_mgr, Method::GET, "/api/v1/caseloads", None)
                .await
                .json(),
            json!([])
        );
        let r = t
            .api(
                &mgr,
                Method::POST,
                "/api/v1/caseloads/move",
                Some(body(staying.id)),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["moved"], 2);
        for id in &referrals {
            let r = t
                .api(&mgr, Method::GET, &format!("/api/v1/referrals/{id}"), None)
                .await
                .json();
            assert_eq!(r["link_worker_id"], staying.id);
        }
        let diary = t
            .api(
                &staying,
                Method::GET,
                &format!("/api/v1/appointments?link_worker_id={}", staying.id),
                None,
            )
            .await
            .json();
        assert_eq!(diary[0]["referral_id"], referrals[0], "{diary}");
        assert_eq!(diary[0]["link_worker_id"], staying.id);
        let r = t
            .api(
                &mgr,
                Method::POST,
                "/api/v1/caseloads/move",
                Some(body(staying.id)),
            )
            .await;
        assert_eq!(r.problem_fields(), vec!["from_worker_id".to_string()]);
        // The pages.
        let mut m = t.sign_in(&mgr.email).await;
        let page = m.get("/caseloads").await;
        assert!(
            page.body.contains(&staying.ctx.actor.name) && page.body.contains("Move"),
            "{}",
            page.body
        );
        let form = m
            .get(&format!(
                "/caseloads/move?from_worker_id={}&site_id={}",
                staying.id, org.site_a
            ))
            .await;
        assert!(form.body.contains("Move caseload"));
        let r = m
            .post(
                "/caseloads/move",
                &[
                    ("from_worker_id", &staying.id.to_string()),
                    ("site_id", &org.site_a.to_string()),
                    ("to_worker_id", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        let r = m
            .post(
                "/caseloads/move",
                &[
                    ("from_worker_id", &staying.id.to_string()),
                    ("site_id", &org.site_a.to_string()),
                    ("to_worker_id", &leaving.id.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(r.location(), "/caseloads?moved=2");
        let mut w = t.sign_in(&leaving.email).await;
        assert_eq!(w.get("/caseloads").await.status, 403);
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let audit = t
            .api(
                &admin,
                Method::GET,
                "/api/v1/audit?action=referral.reallocate",
                None,
            )
            .await
            .json();
        assert_eq!(audit["total"], 4, "{audit}");
    }
);
