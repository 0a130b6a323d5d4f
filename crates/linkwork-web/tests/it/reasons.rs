use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;
use serde_json::json;

both!(
    managers_shape_the_list_of_reasons_and_history_keeps_its_meaning,
    |t| {
        let org = t.organisation("Programme A").await;
        let other = t.organisation("Programme B").await;
        let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let other_mgr = t.user(other.programme_id, Role::Manager, &[]).await;
        // The seed list is there from the start, for everyone signed in.
        let list = t
            .api(&lw, Method::GET, "/api/v1/reasons", None)
            .await
            .json();
        assert_eq!(list.as_array().map(|a| a.len()), Some(17));
        assert_eq!(list[0]["code"], "mental_health");
        // Link workers may not change it.
        let r = t
            .api(
                &lw,
                Method::POST,
                "/api/v1/reasons",
                Some(json!({"label": "Digital inclusion"})),
            )
            .await;
        assert_eq!(r.status, 403);
        // A blank or clashing label is named.
        let r = t
            .api(
                &mgr,
                Method::POST,
                "/api/v1/reasons",
                Some(json!({"label": " "})),
            )
            .await;
        assert_eq!(r.problem_fields(), vec!["label".to_string()]);
        let r = t
            .api(
                &mgr,
                Method::POST,
                "/api/v1/reasons",
                Some(json!({"label": "housing"})),
            )
            .await;
        assert_eq!(r.status, 422);
        let r = t
            .api(
                &mgr,
                Method::POST,
                "/api/v1/reasons",
                Some(json!({"label": "Digital inclusion"})),
            )
            .await;
        assert_eq!(r.status, 201);
        assert_eq!(r.json()["code"], "digital_inclusion");
        // The new reason can be chosen on a referral.
        let made = t
        .api(
            &lw,
            Method::POST,
            "/api/v1/referrals",
            Some(json!({"site_id": org.site_a, "person_name": "Jo Example",
                "person_date_of_birth": "1970-02-04", "source": "gp", "reasons": ["digital_inclusion", "housing"]})),
        )
        .await;
        assert_eq!(made.status, 201, "{}", made.body);
        let rid = made.json()["id"].as_i64().unwrap_or(0);
        // Another programme's list is its own.
        let theirs = t
            .api(&other_mgr, Method::GET, "/api/v1/reasons", None)
            .await
            .json();
        assert_eq!(theirs.as_array().map(|a| a.len()), Some(17));
        let r = t
            .api(
                &other_mgr,
                Method::PATCH,
                "/api/v1/reasons/digital_inclusion",
                Some(json!({"label": "X"})),
            )
            .await;
        assert_eq!(r.status, 404);
        // Rename and retire: no longer offered, but the referral still reads well.
        let r = t
            .api(
                &mgr,
                Method::PATCH,
                "/api/v1/reasons/digital_inclusion",
                Some(json!({"label": "Getting online", "retired": true})),
            )
            .await;
        assert_eq!(r.status, 200);
        assert!(r.json()["retired_at"].is_string());
        let r = t
        .api(
            &lw,
            Method::POST,
            "/api/v1/referrals",
            Some(json!({"site_id": org.site_a, "person_name": "Al Example",
                "person_date_of_birth": "1971-02-04", "source": "gp", "reasons": ["digital_inclusion"]})),
        )
        .await;
        assert_eq!(r.problem_fields(), vec!["reasons".to_string()]);
        let mut s = t.sign_in(&lw.email).await;
        let page = s.get(&format!("/referrals/{rid}")).await;
        assert!(
            page.body.contains("Housing, Getting online"),
            "{}",
            page.body
        );
        let form = s.get("/referrals/new").await;
        assert!(!form.body.contains("Getting online"));
        assert_eq!(s.get("/reasons").await.status, 403);
        // The manager's pages: list, bad rename named, restore.
        let mut m = t.sign_in(&mgr.email).await;
        let page = m.get("/reasons").await;
        assert!(page.body.contains("Getting online") && page.body.contains("Retired"));
        let r = m
            .post("/reasons/digital_inclusion", &[("label", "Housing")])
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("There is already a reason with this name"));
        let r = m
            .post("/reasons/digital_inclusion", &[("label", "Getting online")])
            .await;
        assert_eq!(r.status, 303);
        let r = m.post("/reasons", &[("label", "Cost of living")]).await;
        assert_eq!(r.status, 303);
        let list = t
            .api(&lw, Method::GET, "/api/v1/reasons", None)
            .await
            .json();
        assert_eq!(list.as_array().map(|a| a.len()), Some(19));
        assert!(list[17]["retired_at"].is_null());
        // Every change is audited.
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let audit = t
            .api(
                &admin,
                Method::GET,
                "/api/v1/audit?action=reason.change",
                None,
            )
            .await
            .json();
        assert_eq!(audit["total"], 2, "{audit}");
    }
);
