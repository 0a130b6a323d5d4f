use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;
use serde_json::json;

both!(
    a_practice_referral_is_triaged_followed_closed_and_reopened,
    |t| {
        let org = t.organisation("Programme A").await;
        let staff = t
            .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
            .await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        // Practice staff: the short form.
        let mut s = t.sign_in(&staff.email).await;
        assert!(s.get("/").await.body.contains("href=\"/referrals\""));
        assert!(
            !s.get("/").await.body.contains("href=\"/people\""),
            "no access to case records"
        );
        s.get("/referrals/new").await;
        let empty = s
            .post("/referrals", &[("site_id", &org.site_a.to_string())])
            .await;
        assert_eq!(empty.status, 422);
        for f in [
            "person_name",
            "person_date_of_birth",
            "reasons",
            "person_agreed",
        ] {
            assert!(empty.body.contains(&format!("href=\"#{f}\"")), "{f}");
        }
        let r = s
            .post(
                "/referrals",
                &[
                    ("site_id", &org.site_a.to_string()),
                    ("person_name", "Morag Example"),
                    ("person_date_of_birth", "02/03/1961"),
                    ("person_chi_number", "0402070763"),
                    ("source", "gp"),
                    ("referrer", "Dr Test"),
                    ("urgency", "soon"),
                    ("reasons", "loneliness"),
                    ("reasons", "money"),
                    ("details", "Recently bereaved, struggling with bills"),
                    ("person_agreed", "yes"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let list = s.get("/referrals").await;
        assert!(list.body.contains("Morag Example") && list.body.contains("Received"));
        let mine = t
            .api(&staff, Method::GET, "/api/v1/referrals", None)
            .await
            .json();
        let id = mine["items"][0]["id"].as_i64().unwrap_or(0);
        assert_eq!(mine["items"][0]["snomed_code"], "871731000000106");
        assert_eq!(
            mine["items"][0]["reasons"],
            serde_json::json!(["loneliness", "money"])
        );

        // The link worker triages: accept and allocate; a record is made from the details.
        let new = t
            .api(&lw, Method::GET, "/api/v1/referrals?status=received", None)
            .await
            .json();
        assert_eq!(new["total"], 1);
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/referrals/{id}/allocate"),
                Some(json!({"version": 1, "link_worker_id": lw.id})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = r.json();
        assert_eq!(r["status"], "allocated");
        let person = r["participant_id"].as_i64().unwrap_or(0);
        let p = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/participants/{person}"),
                None,
            )
            .await
            .json();
        assert_eq!(
            (
                p["given_name"].as_str(),
                p["family_name"].as_str(),
                p["chi_number"].as_str()
            ),
            (Some("Morag"), Some("Example"), Some("0402070763"))
        );

        // Contact attempts: no answer keeps it allocated; reaching them moves it on.
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/referrals/{id}/contact-attempts"),
                Some(json!({"method": "phone", "outcome": "no_answer"})),
            )
            .await;
        assert_eq!(r.status, 201);
        assert_eq!(r.json()["status"], "allocated");
        let r = t.api(&lw, Method::POST, &format!("/api/v1/referrals/{id}/contact-attempts"), Some(json!({"method": "phone", "outcome": "reached", "note": "Will come in on Tuesday"}))).await;
        assert_eq!(r.json()["status"], "contacted");
        assert_eq!(
            r.json()["contact_attempts"].as_array().map(Vec::len),
            Some(2)
        );
        // Practice staff follow the status, never the case work.
        let seen = t
            .api(
                &staff,
                Method::GET,
                &format!("/api/v1/referrals/{id}"),
                None,
            )
            .await
            .json();
        assert_eq!(seen["status"], "contacted");
        assert_eq!(seen["contact_attempts"].as_array().map(Vec::len), Some(0));
        assert_eq!(
            t.api(
                &staff,
                Method::POST,
                &format!("/api/v1/referrals/{id}/close"),
                Some(json!({"version": 4, "reason": "goals_met"}))
            )
            .await
            .status,
            403
        );

        // Close, and the door stays open.
        let v = t
            .api(&lw, Method::GET, &format!("/api/v1/referrals/{id}"), None)
            .await
            .json()["version"]
            .as_i64()
            .unwrap_or(0);
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/referrals/{id}/close"),
                Some(json!({"version": v, "reason": "chose_to_stop"})),
            )
            .await;
        assert_eq!(r.json()["status"], "closed");
        assert_eq!(
            t.api(
                &lw,
                Method::POST,
                &format!("/api/v1/referrals/{id}/close"),
                Some(json!({"version": v, "reason": "goals_met"}))
            )
            .await
            .status,
            409,
            "stale version"
        );
        assert_eq!(
            t.api(
                &lw,
                Method::POST,
                &format!("/api/v1/referrals/{id}/contact-attempts"),
                Some(json!({"method": "phone", "outcome": "reached"}))
            )
            .await
            .status,
            409,
            "closed: reopen first"
        );
        let mut w = t.sign_in(&lw.email).await;
        let page = w.get(&format!("/referrals/{id}")).await;
        assert!(page.body.contains("The door is always open"));
        let r = w
            .post(
                &format!("/referrals/{id}/reopen"),
                &[("version", &(v + 1).to_string())],
            )
            .await;
        assert_eq!(r.status, 303);
        let back = t
            .api(&lw, Method::GET, &format!("/api/v1/referrals/{id}"), None)
            .await
            .json();
        assert_eq!(back["status"], "allocated");
        assert!(back["closure_reason"].is_null());
        let history = w.get(&format!("/people/{person}")).await;
        assert!(
            history.body.contains(&format!("/referrals/{id}")),
            "the record shows the referral"
        );
    }
);

both!(triage_can_decline_and_checks_the_link_worker, |t| {
    let org = t.organisation("Programme A").await;
    let lw_a = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
    let body = json!({"site_id": org.site_a, "person_name": "Sam Example", "person_date_of_birth": "1990-01-01", "source": "self", "reasons": ["housing"]});
    let r = t
        .api(&lw_a, Method::POST, "/api/v1/referrals", Some(body))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap_or(0);
    let r = t
        .api(
            &mgr,
            Method::POST,
            &format!("/api/v1/referrals/{id}/allocate"),
            Some(json!({"version": 1, "link_worker_id": lw_b.id})),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.problem_fields(), vec!["link_worker_id".to_string()]);
    assert_eq!(
        t.api(&lw_b, Method::GET, &format!("/api/v1/referrals/{id}"), None)
            .await
            .status,
        404,
        "another practice's referral"
    );
    let r = t
        .api(
            &mgr,
            Method::POST,
            &format!("/api/v1/referrals/{id}/decline"),
            Some(json!({"version": 1, "reason": ""})),
        )
        .await;
    assert_eq!(r.problem_fields(), vec!["reason".to_string()]);
    let r = t
        .api(
            &mgr,
            Method::POST,
            &format!("/api/v1/referrals/{id}/decline"),
            Some(json!({"version": 1, "reason": "Lives outside the area"})),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "declined");
    assert_eq!(r.json()["snomed_code"], "871711000000103");
    let bad = t.api(&lw_a, Method::POST, "/api/v1/referrals", Some(json!({"site_id": org.site_a, "person_name": "X", "person_date_of_birth": "1990-01-01", "source": "martians", "reasons": ["nonsense"], "urgency": "whenever"}))).await;
    assert_eq!(bad.status, 422);
    assert_eq!(
        bad.problem_fields(),
        vec![
            "source".to_string(),
            "urgency".to_string(),
            "reasons".to_string()
        ]
    );
});

both!(referrals_are_refused_outside_their_scope, |t| {
    let org = t.organisation("Programme A").await;
    let other = t.organisation("Programme B").await;
    let staff_a = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let staff_b = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_b])
        .await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let partner = t.user(org.programme_id, Role::Partner, &[org.site_a]).await;
    let outsider = t.user(other.programme_id, Role::Manager, &[]).await;
    let body = json!({"site_id": org.site_a, "person_name": "Pat Example", "person_date_of_birth": "1970-05-05", "source": "practice_staff", "reasons": ["food"], "person_agreed": true});
    let r = t
        .api(
            &staff_a,
            Method::POST,
            "/api/v1/referrals",
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap_or(0);
    assert_eq!(
        t.api(&staff_b, Method::POST, "/api/v1/referrals", Some(body))
            .await
            .status,
        422,
        "not their practice"
    );
    for (u, expected) in [
        (&staff_a, 200),
        (&staff_b, 404),
        (&admin, 403),
        // Partners follow only the referrals they made.
        (&partner, 404),
        (&outsider, 404),
    ] {
        assert_eq!(
            t.api(u, Method::GET, &format!("/api/v1/referrals/{id}"), None)
                .await
                .status,
            expected,
            "{}",
            u.email
        );
    }
    assert_eq!(
        t.api(
            &outsider,
            Method::POST,
            &format!("/api/v1/referrals/{id}/decline"),
            Some(json!({"version": 1, "reason": "x"}))
        )
        .await
        .status,
        404
    );
    let events = t
        .api(
            &admin,
            Method::GET,
            &format!("/api/v1/audit?object_type=referral&object_id={id}"),
            None,
        )
        .await
        .json();
    let items = events["items"].as_array().cloned().unwrap_or_default();
    assert!(items.iter().any(|e| e["action"] == "referral.create"));
    assert!(
        items
            .iter()
            .any(|e| e["action"] == "referral.view" && e["actor"] == staff_a.email.as_str())
    );
    assert!(
        items
            .iter()
            .any(|e| e["outcome"] == "refused" && e["actor"] == staff_b.email.as_str())
    );
});
