use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;
use serde_json::json;

fn person(site: i64) -> serde_json::Value {
    json!({"site_id": site, "given_name": "Ann", "family_name": "Example", "date_of_birth": "1985-04-19",
           "chi_number": "1904851231", "postcode": "g21 1aa", "preferred_contact": "phone"})
}

both!(a_link_worker_registers_finds_and_edits_a_person, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let mut s = t.sign_in(&lw.email).await;
    assert!(
        s.get("/").await.body.contains("href=\"/people\""),
        "People is in the navigation"
    );
    assert_eq!(s.get("/people/new").await.status, 200);
    let site = org.site_a.to_string();
    let r = s
        .post(
            "/people",
            &[
                ("site_id", &site),
                ("given_name", "Ann"),
                ("family_name", "Example"),
                ("date_of_birth", "20/04/1985"),
                ("chi_number", "190 485 1231"),
                ("postcode", "g21 1aa"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = s.get(&r.location()).await;
    assert!(page.body.contains("Person registered"));
    assert!(
        page.body.contains("does not match the date of birth"),
        "a CHI/date mismatch is a warning, not an error"
    );
    assert!(
        page.body.contains("1904851231")
            && page.body.contains("G21 1AA")
            && page.body.contains("20 Apr 1985")
    );
    for q in [
        "ann",
        "EXAMPLE",
        "1904851231",
        "20/04/1985",
        "G21 1AA",
        "G21",
    ] {
        let found = s
            .get(&format!(
                "/people?q={}",
                q.replace(' ', "+").replace('/', "%2F")
            ))
            .await;
        assert!(found.body.contains("Example, Ann"), "search by {q}");
    }
    let id = r
        .location()
        .trim_start_matches("/people/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let edit = s.get(&format!("/people/{id}/edit")).await;
    assert!(edit.body.contains("value=\"1985-04-20\""));
    let r = s
        .post(
            &format!("/people/{id}"),
            &[
                ("version", "1"),
                ("site_id", &site),
                ("given_name", "Ann"),
                ("family_name", "Example"),
                ("date_of_birth", "19/04/1985"),
                ("chi_number", "1904851231"),
                ("phone", "0141 000 0000"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let stale = s
        .post(
            &format!("/people/{id}"),
            &[
                ("version", "1"),
                ("site_id", &site),
                ("given_name", "X"),
                ("family_name", "Y"),
                ("date_of_birth", "19/04/1985"),
            ],
        )
        .await;
    assert_eq!(stale.status, 409);
});

both!(bad_details_are_named_field_by_field, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let mut s = t.sign_in(&lw.email).await;
    s.get("/people/new").await;
    let r = s
        .post(
            "/people",
            &[
                ("site_id", &org.site_b.to_string()),
                ("given_name", ""),
                ("family_name", "Example"),
                ("date_of_birth", "31/02/1985"),
                ("chi_number", "9999999999"),
                ("nhs_number", "1234567890"),
                ("postcode", "nowhere"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for f in [
        "given_name",
        "date_of_birth",
        "chi_number",
        "nhs_number",
        "postcode",
    ] {
        assert!(r.body.contains(&format!("href=\"#{f}\"")), "{f}");
    }
    let r = t.api(&lw, Method::POST, "/api/v1/participants", Some(json!({"site_id": org.site_b, "given_name": "Ann", "family_name": "Example", "date_of_birth": "1985-04-19"}))).await;
    assert_eq!(r.status, 422, "a practice the worker does not work at");
    assert_eq!(r.problem_fields(), vec!["site_id".to_string()]);
    let r = t.api(&lw, Method::POST, "/api/v1/participants", Some(json!({"given_name": "Ann", "family_name": "Example", "date_of_birth": "2099-01-01", "chi_number": "0101201234", "nhs_number": "9434765918"}))).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.problem_fields(),
        vec![
            "date_of_birth".to_string(),
            "site_id".to_string(),
            "nhs_number".to_string()
        ],
        "0101201234 passes the 2026 rule"
    );
});

both!(duplicates_are_shown_before_a_new_record_is_made, |t| {
    let org = t.organisation("Programme A").await;
    let lw_a = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let r = t
        .api(
            &lw_a,
            Method::POST,
            "/api/v1/participants",
            Some(person(org.site_a)),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["given_name"], "Ann");
    assert_eq!(r.json()["date_of_birth"], "1985-04-19");
    assert_eq!(r.json()["chi_number"], "1904851231");
    assert_eq!(r.json()["postcode"], "G21 1AA");
    // Same CHI at another practice: refused, and the other worker sees only that it exists.
    let mut again = person(org.site_b);
    again["given_name"] = json!("Annie");
    let r = t
        .api(
            &lw_b,
            Method::POST,
            "/api/v1/participants",
            Some(again.clone()),
        )
        .await;
    assert_eq!(r.status, 409);
    let d = &r.json()["duplicates"][0];
    assert_eq!(d["reason"], "chi_number");
    assert_eq!(d["visible"], false);
    assert!(d["name"].is_null(), "no details from another practice");
    again["confirmed_new"] = json!(true);
    assert_eq!(
        t.api(&lw_b, Method::POST, "/api/v1/participants", Some(again))
            .await
            .status,
        409,
        "an exact number match cannot be overridden"
    );
    // Same name and date of birth, no numbers: the worker may confirm a different person.
    let twin = json!({"site_id": org.site_a, "given_name": "Ann", "family_name": "Example", "date_of_birth": "1985-04-19"});
    let r = t
        .api(
            &lw_a,
            Method::POST,
            "/api/v1/participants",
            Some(twin.clone()),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["duplicates"][0]["visible"], true);
    assert_eq!(r.json()["duplicates"][0]["name"], "Ann Example");
    let mut confirmed = twin;
    confirmed["confirmed_new"] = json!(true);
    assert_eq!(
        t.api(&lw_a, Method::POST, "/api/v1/participants", Some(confirmed))
            .await
            .status,
        201
    );
    // The page shows the same check.
    let mut s = t.sign_in(&lw_a.email).await;
    s.get("/people/new").await;
    let r = s
        .post(
            "/people",
            &[
                ("site_id", &org.site_a.to_string()),
                ("given_name", "ann"),
                ("family_name", "example"),
                ("date_of_birth", "19/04/1985"),
            ],
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(
        r.body.contains("This person may already have a record")
            && r.body.contains("This is a different person")
    );
});

both!(records_are_scoped_refused_and_audited, |t| {
    let org = t.organisation("Programme A").await;
    let other = t.organisation("Programme B").await;
    let lw_a = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let partner = t.user(org.programme_id, Role::Partner, &[org.site_a]).await;
    let outsider = t.user(other.programme_id, Role::Manager, &[]).await;
    let r = t
        .api(
            &lw_a,
            Method::POST,
            "/api/v1/participants",
            Some(person(org.site_a)),
        )
        .await;
    let id = r.json()["id"].as_i64().unwrap_or(0);
    let path = format!("/api/v1/participants/{id}");
    for (u, expected) in [
        (&lw_a, 200),
        (&mgr, 200),
        (&lw_b, 404),
        (&outsider, 404),
        (&admin, 403),
        (&staff, 403),
        (&partner, 403),
    ] {
        assert_eq!(
            t.api(u, Method::GET, &path, None).await.status,
            expected,
            "{}",
            u.email
        );
        let page = format!("/people/{id}");
        let mut s = t.sign_in(&u.email).await;
        assert_eq!(s.get(&page).await.status, expected, "page for {}", u.email);
    }
    let found = t
        .api(&lw_b, Method::GET, "/api/v1/participants?q=example", None)
        .await
        .json();
    assert_eq!(found["total"], 0, "search is narrowed too");
    let found = t
        .api(&mgr, Method::GET, "/api/v1/participants?q=1904851231", None)
        .await
        .json();
    assert_eq!(found["total"], 1);
    let r = t.api(&outsider, Method::PUT, &path, Some(json!({"version": 1, "site_id": other.site_a, "given_name": "X", "family_name": "Y", "date_of_birth": "1990-01-01"}))).await;
    assert_eq!(r.status, 404);
    let events = t
        .api(
            &admin,
            Method::GET,
            &format!("/api/v1/audit?object_type=participant&object_id={id}"),
            None,
        )
        .await
        .json();
    let items = events["items"].as_array().cloned().unwrap_or_default();
    assert!(
        items
            .iter()
            .any(|e| e["action"] == "participant.view" && e["actor"] == lw_a.email.as_str())
    );
    assert!(
        items
            .iter()
            .any(|e| e["action"] == "participant.view" && e["actor"] == mgr.email.as_str())
    );
    assert!(
        items
            .iter()
            .any(|e| e["outcome"] == "refused" && e["actor"] == lw_b.email.as_str())
    );
    assert!(
        items
            .iter()
            .any(|e| e["outcome"] == "refused" && e["actor"] == staff.email.as_str())
    );
});

both!(
    a_manager_merges_two_records_of_one_person_and_nothing_is_lost,
    |t| {
        let org = t.organisation("Programme A").await;
        let other = t.organisation("Programme B").await;
        let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let other_mgr = t.user(other.programme_id, Role::Manager, &[]).await;
        let person = |extra: serde_json::Value| {
            let mut b = json!({"site_id": org.site_a, "given_name": "Ann", "family_name": "Example",
            "date_of_birth": "1985-04-19", "confirmed_new": true});
            if let (Some(o), Some(e)) = (b.as_object_mut(), extra.as_object()) {
                o.extend(e.clone());
            }
            b
        };
        let keep = t
            .api(
                &lw,
                Method::POST,
                "/api/v1/participants",
                Some(person(json!({"chi_number": "1904851231"}))),
            )
            .await;
        assert_eq!(keep.status, 201, "{}", keep.body);
        let keep = keep.json()["id"].as_i64().unwrap_or(0);
        let dup = t
            .api(
                &lw,
                Method::POST,
                "/api/v1/participants",
                Some(person(json!({"phone": "07700 900123"}))),
            )
            .await;
        assert_eq!(dup.status, 201, "{}", dup.body);
        let dup = dup.json()["id"].as_i64().unwrap_or(0);
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/participants/{dup}/notes"),
                Some(json!({"body": "Met at the food bank."})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let r = t
            .api(
                &lw,
                Method::POST,
                "/api/v1/referrals",
                Some(json!({"participant_id": dup, "source": "food_bank", "reasons": ["food"]})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let referral = r.json()["id"].as_i64().unwrap_or(0);
        let body = json!({"other_id": dup, "version": 1, "other_version": 1});
        let path = format!("/api/v1/participants/{keep}/merge");
        // Only managers merge, and only in their own programme.
        assert_eq!(
            t.api(&lw, Method::POST, &path, Some(body.clone()))
                .await
                .status,
            403
        );
        assert_eq!(
            t.api(&other_mgr, Method::POST, &path, Some(body.clone()))
                .await
                .status,
            404
        );
        // A stale version is refused.
        let r = t
            .api(
                &mgr,
                Method::POST,
                &path,
                Some(json!({"other_id": dup, "version": 1, "other_version": 7})),
            )
            .await;
        assert_eq!(r.status, 409);
        let r = t
            .api(
                &mgr,
                Method::POST,
                &path,
                Some(json!({"other_id": keep, "version": 1, "other_version": 1})),
            )
            .await;
        assert_eq!(r.problem_fields(), vec!["other_id".to_string()]);
        let r = t.api(&mgr, Method::POST, &path, Some(body.clone())).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let merged = r.json();
        assert_eq!(merged["phone"], "07700 900123", "blank details are filled");
        assert_eq!(merged["chi_number"], "1904851231");
        // The duplicate stays, pointing at the record kept; its work moved across.
        let old = t
            .api(
                &mgr,
                Method::GET,
                &format!("/api/v1/participants/{dup}"),
                None,
            )
            .await
            .json();
        assert_eq!(old["merged_into"], keep);
        let work = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/participants/{keep}/casework"),
                None,
            )
            .await
            .json();
        assert_eq!(work["notes"][0]["body"], "Met at the food bank.");
        let r = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/referrals/{referral}"),
                None,
            )
            .await
            .json();
        assert_eq!(r["participant_id"], keep, "{r}");
        // Nothing more is written to the merged record, and searches no longer find it.
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/participants/{dup}/notes"),
                Some(json!({"body": "x"})),
            )
            .await;
        assert_eq!(r.status, 409);
        let r = t
            .api(
                &lw,
                Method::POST,
                "/api/v1/referrals",
                Some(json!({"participant_id": dup, "source": "self", "reasons": ["food"]})),
            )
            .await;
        assert_eq!(r.problem_fields(), vec!["participant_id".to_string()]);
        let found = t
            .api(&mgr, Method::GET, "/api/v1/participants?q=ann", None)
            .await
            .json();
        assert_eq!(found["total"], 1);
        assert_eq!(
            t.api(
                &mgr,
                Method::POST,
                &path,
                Some(json!({"other_id": dup, "version": 2, "other_version": 2}))
            )
            .await
            .status,
            422
        );
        // Two records with different CHI numbers are different people.
        let third = t
            .api(
                &lw,
                Method::POST,
                "/api/v1/participants",
                Some(person(json!({"chi_number": "1904851258"}))),
            )
            .await;
        assert_eq!(third.status, 201, "{}", third.body);
        let third = third.json()["id"].as_i64().unwrap_or(0);
        let r = t
            .api(
                &mgr,
                Method::POST,
                &path,
                Some(json!({"other_id": third, "version": 2, "other_version": 1})),
            )
            .await;
        assert!(r.body.contains("different CHI numbers"), "{}", r.body);
        // The pages: compare, then merge; a link worker is refused.
        let mut m = t.sign_in(&mgr.email).await;
        let page = m.get(&format!("/people/{keep}/merge")).await;
        assert!(
            page.body.contains(&format!("record {third}")),
            "{}",
            page.body
        );
        let page = m.get(&format!("/people/{keep}/merge?other={third}")).await;
        assert!(page.body.contains("These records cannot be merged"));
        let page = m.get(&format!("/people/{keep}/merge?other=99999")).await;
        assert_eq!(page.status, 422);
        let page = m.get(&format!("/people/{dup}")).await;
        assert!(
            page.body
                .contains("This record was merged into another record")
        );
        let fourth = t
            .api(
                &lw,
                Method::POST,
                "/api/v1/participants",
                Some(person(json!({}))),
            )
            .await
            .json()["id"]
            .as_i64()
            .unwrap_or(0);
        let page = m.get(&format!("/people/{keep}/merge?other={fourth}")).await;
        assert!(
            page.body
                .contains(&format!("Merge record {fourth} into record {keep}"))
        );
        let r = m
            .post(
                &format!("/people/{keep}/merge"),
                &[
                    ("other_id", &fourth.to_string()),
                    ("version", "2"),
                    ("other_version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let mut w = t.sign_in(&lw.email).await;
        assert_eq!(w.get(&format!("/people/{keep}/merge")).await.status, 403);
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let audit = t
            .api(
                &admin,
                Method::GET,
                "/api/v1/audit?action=participant.merge",
                None,
            )
            .await
            .json();
        assert_eq!(audit["total"], 4, "{audit}");
    }
);
