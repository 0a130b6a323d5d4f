//! One-to-one work made safe (issue 8): likely matches at triage, overdue
//! risk flags, appointment checks, bounded dates, questionnaires, search,
//! practice names and the practice's view of a referral.

use linkwork_domain::Role;
use linkwork_testkit::{TestApp, TestOrg, TestUser, both};
use reqwest::Method;
use serde_json::{Value, json};

async fn register(
    t: &TestApp,
    u: &TestUser,
    site: i64,
    given: &str,
    family: &str,
    born: &str,
) -> i64 {
    let r = t
        .api(
            u,
            Method::POST,
            "/api/v1/participants",
            Some(json!({"site_id": site, "given_name": given, "family_name": family, "date_of_birth": born, "confirmed_new": true})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().unwrap_or(0)
}

async fn refer(t: &TestApp, u: &TestUser, org: &TestOrg, name: &str, born: &str) -> i64 {
    let r = t
        .api(
            u,
            Method::POST,
            "/api/v1/referrals",
            Some(
                json!({"site_id": org.site_a, "person_name": name, "person_date_of_birth": born,
                "source": "practice_staff", "reasons": ["mental_health"], "person_agreed": "yes"}),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().unwrap_or(0)
}

async fn allocate(t: &TestApp, u: &TestUser, id: i64, extra: Value) -> linkwork_testkit::Reply {
    let mut body = json!({"version": 1, "link_worker_id": u.id});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    t.api(
        u,
        Method::POST,
        &format!("/api/v1/referrals/{id}/allocate"),
        Some(body),
    )
    .await
}

both!(triage_shows_likely_matches_with_their_risk_flags, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let known = register(&t, &lw, org.site_a, "Ashley", "Fraser", "1999-04-01").await;
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/participants/{known}/risk-flags"),
            Some(json!({"kind": "suicide_self_harm", "review_on": "2026-12-01"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Someone of the same birth date at the other practice, with a maiden name.
    let elsewhere = register(&t, &lw_b, org.site_b, "Ashley", "Campbell", "1999-04-01").await;

    // The practice types the name with a typo and no CHI number.
    let id = refer(&t, &staff, &org, "Ashley Frasr", "01-04-1999").await;
    let r = allocate(&t, &lw, id, json!({})).await;
    assert_eq!(r.status, 409, "{}", r.body);
    let p = r.json();
    assert_eq!(p["type"], "/api/v1/problems/likely-match");
    let candidates = p["candidates"].as_array().cloned().unwrap_or_default();
    let ids: Vec<i64> = candidates.iter().filter_map(|c| c["id"].as_i64()).collect();
    assert_eq!(ids, vec![known, elsewhere]);
    assert_eq!(candidates[0]["risk_flags"][0]["kind"], "suicide_self_harm");
    // The record at a practice this worker does not work at: its existence only.
    assert_eq!(candidates[1]["visible"], false);
    assert!(candidates[1]["name"].is_null() && candidates[1]["risk_flags"] == json!([]));
    // Showing them is audited, though nothing was written.
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let (events, _) = t
        .app
        .search_audit(
            &admin.ctx,
            &linkwork_testkit::store::audit::Filter {
                action: Some("referral.match".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        events.iter().any(|e| e.detail.contains(&known.to_string())
            && e.detail.contains(&format!("{elsewhere} (not shown)"))),
        "{events:?}"
    );
    // Nothing was written.
    let after = t
        .api(&lw, Method::GET, &format!("/api/v1/referrals/{id}"), None)
        .await;
    assert_eq!(after.json()["status"], "received");

    // The page shows the match and its risk flag; accepting without choosing says so.
    let mut s = t.sign_in(&lw.email).await;
    let page = s.get(&format!("/referrals/{id}")).await;
    assert!(
        page.body.contains("Is this one of these people?")
            && page.body.contains("Suicide or self-harm")
            && page
                .body
                .contains("A record at a practice you do not work at"),
        "{}",
        page.body
    );
    let r = s
        .post(
            &format!("/referrals/{id}/allocate"),
            &[("version", "1"), ("link_worker_id", &lw.id.to_string())],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("href=\"#participant_id\""), "{}", r.body);
    // Linking the right record keeps one record, with its flag.
    let r = s
        .post(
            &format!("/referrals/{id}/allocate"),
            &[
                ("version", "1"),
                ("link_worker_id", &lw.id.to_string()),
                ("participant_id", &known.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let after = t
        .api(&lw, Method::GET, &format!("/api/v1/referrals/{id}"), None)
        .await;
    assert_eq!(after.json()["participant_id"], known);
    let page = s.get(&format!("/referrals/{id}")).await;
    assert!(
        page.body.contains("Suicide or self-harm"),
        "the banner follows"
    );

    // A worker may say the person is new (a namesake with the same birthday).
    let twin = refer(&t, &staff, &org, "Ashley Fraser", "1999-04-01").await;
    let r = allocate(&t, &lw, twin, json!({"new_participant": true})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let made = r.json()["participant_id"].as_i64().unwrap_or(0);
    assert!(made != 0 && made != known);
    // Linking a record the worker cannot see is refused, naming the field.
    let again = refer(&t, &staff, &org, "Ashley Campbell", "1999-04-01").await;
    let r = allocate(&t, &lw, again, json!({"participant_id": elsewhere})).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.problem_fields(), vec!["participant_id".to_string()]);
    // No match at all: a new record, as before.
    let other = refer(&t, &staff, &org, "Robin Lee", "1950-06-07").await;
    assert_eq!(allocate(&t, &lw, other, json!({})).await.status, 200);

    // Registering a person uses the same matching (an initial and a typo).
    let r = t
        .api(
            &lw,
            Method::POST,
            "/api/v1/participants",
            Some(json!({"site_id": org.site_a, "given_name": "A.", "family_name": "Frazer", "date_of_birth": "1/4/1999"})),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("suicide_self_harm"), "{}", r.body);
});

both!(appointments_are_checked_and_outcomes_corrected, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    // The fake clock says Wednesday 25 Nov 2026, 09:00 UTC.
    let id = refer(&t, &staff, &org, "Jo Example", "1970-02-04").await;
    assert_eq!(allocate(&t, &lw, id, json!({})).await.status, 200);
    let book = |date: &str, time: &str, extra: Value| {
        let mut body = json!({"referral_id": id, "date": date, "time": time, "duration_minutes": 60, "mode": "practice"});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        body
    };
    for (date, why) in [
        ("20/11/2026", "before the referral was received"),
        ("31/12/9999", "far future"),
        ("26/11/2028", "more than two years ahead"),
    ] {
        let r = t
            .api(
                &lw,
                Method::POST,
                "/api/v1/appointments",
                Some(book(date, "10:00", json!({}))),
            )
            .await;
        assert_eq!(r.status, 422, "{why}");
        assert_eq!(r.problem_fields(), vec!["date".to_string()], "{why}");
        assert!(
            r.body
                .contains("Date must be between 25 Nov 2026 and 25 Nov 2028"),
            "{why}: {}",
            r.body
        );
    }
    let r = t
        .api(
            &lw,
            Method::POST,
            "/api/v1/appointments",
            Some(book("26/11/2026", "10:00", json!({}))),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // An overlapping booking is a warning the worker can override.
    let r = t
        .api(
            &lw,
            Method::POST,
            "/api/v1/appointments",
            Some(book("26/11/2026", "10:30", json!({}))),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["type"], "/api/v1/problems/needs-confirmation");
    assert_eq!(r.problem_fields(), vec!["allow_clash".to_string()]);
    assert!(r.body.contains("10:00 to 11:00"), "{}", r.body);
    let mut s = t.sign_in(&lw.email).await;
    let page = s
        .post(
            &format!("/referrals/{id}/appointments"),
            &[
                ("date", "26/11/2026"),
                ("time", "10:30"),
                ("duration_minutes", "30"),
                ("mode", "phone"),
            ],
        )
        .await;
    assert!(
        page.body.contains("Book anyway") && page.body.contains("href=\"#allow_clash\""),
        "{}",
        page.body
    );
    let r = t
        .api(
            &lw,
            Method::POST,
            "/api/v1/appointments",
            Some(book("26/11/2026", "10:30", json!({"allow_clash": true}))),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let second = r.json()["id"].as_i64().unwrap_or(0);
    // Not started yet: only "cancelled by us".
    for status in ["attended", "did_not_attend", "cancelled_by_participant"] {
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/appointments/{second}/outcome"),
                Some(json!({"version": 1, "status": status})),
            )
            .await;
        assert_eq!(r.status, 422, "{status}");
        assert_eq!(r.problem_fields(), vec!["status".to_string()]);
    }
    // Friday's appointment, cancelled by us, leaves "Later this week".
    let friday = t
        .api(
            &lw,
            Method::POST,
            "/api/v1/appointments",
            Some(book("27/11/2026", "14:00", json!({}))),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap_or(0);
    let home = s.get("/").await;
    assert!(home.body.contains("Fri 27 Nov 2026"), "{}", home.body);
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/appointments/{friday}/outcome"),
            Some(json!({"version": 1, "status": "cancelled_by_service"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let home = s.get("/").await;
    assert!(!home.body.contains("Fri 27 Nov 2026"), "{}", home.body);

    // After it has happened: an outcome, then a correction kept as history.
    t.clock.advance(chrono::Duration::days(2));
    let outcome = |version: i64, status: &str| json!({"version": version, "status": status});
    let path = format!("/api/v1/appointments/{second}/outcome");
    let r = t
        .api(&lw, Method::POST, &path, Some(outcome(1, "attended")))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = t
        .api(&lw, Method::POST, &path, Some(outcome(2, "did_not_attend")))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "did_not_attend");
    let mut s = t.sign_in(&lw.email).await;
    let page = s.get(&format!("/referrals/{id}")).await;
    assert!(
        page.body.contains("Outcome history")
            && page.body.contains("Attended → Did not attend")
            && page.body.contains("Correct the outcome"),
        "{}",
        page.body
    );
    let r = s
        .post(
            &format!("/appointments/{second}/outcome"),
            &[("version", "3"), ("status", "attended")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let (audit, _) = t
        .app
        .search_audit(
            &admin.ctx,
            &linkwork_testkit::store::audit::Filter {
                action: Some("appointment.outcome".into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let details: Vec<String> = audit.iter().map(|e| e.detail.clone()).collect();
    assert!(
        details.contains(&"attended → did_not_attend".to_string())
            && details.contains(&"did_not_attend → attended".to_string()),
        "{details:?}"
    );
});

both!(dates_are_read_as_typed_and_bounded, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    for (typed, want) in [
        ("1/1/90", "1990-01-01"),
        ("01-04-1999", "1999-04-01"),
        ("1 April 1961", "1961-04-01"),
    ] {
        let id = register(&t, &lw, org.site_a, "Kim", "Example", typed).await;
        let p = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/participants/{id}"),
                None,
            )
            .await;
        assert_eq!(p.json()["date_of_birth"], want, "{typed}");
    }
    let r = t
        .api(
            &lw,
            Method::POST,
            "/api/v1/participants",
            Some(json!({"site_id": org.site_a, "given_name": "Sam", "family_name": "Future", "date_of_birth": "1/1/2030"})),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Date of birth must be in the past"),
        "{}",
        r.body
    );
    // The practice's form says the same.
    let mut s = t.sign_in(&staff.email).await;
    s.get("/referrals/new").await;
    let r = s
        .post(
            "/referrals",
            &[
                ("site_id", &org.site_a.to_string()),
                ("person_name", "Sam Future"),
                ("person_date_of_birth", "1/1/2030"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("date of birth must be in the past"),
        "{}",
        r.body
    );
    // A risk flag's review date in the year 9999 is refused, with the range.
    let p = register(&t, &lw, org.site_a, "Pat", "Example", "1980-01-01").await;
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/participants/{p}/risk-flags"),
            Some(json!({"kind": "other", "review_on": "9999-12-31"})),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.problem_fields(), vec!["review_on".to_string()]);
    assert!(
        r.body.contains("between 25 Nov 2026 and 25 Nov 2028"),
        "{}",
        r.body
    );
});

both!(
    search_forgives_typos_and_titles_and_tells_people_apart,
    |t| {
        let org = t.organisation("Programme A").await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let staff = t
            .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
            .await;
        register(&t, &lw, org.site_a, "Ashley", "Fraser", "1999-04-01").await;
        register(&t, &lw, org.site_a, "Ashley", "Fraser", "1985-05-05").await;
        register(&t, &lw, org.site_a, "Morag", "Hughes", "1961-03-02").await;
        register(&t, &lw, org.site_a, "Peter", "Frost", "1970-01-01").await;
        let found = |r: &linkwork_testkit::Reply| r.json()["total"].as_i64().unwrap_or(-1);
        let r = t
            .api(
                &lw,
                Method::GET,
                "/api/v1/participants?q=ashley%20frasr",
                None,
            )
            .await;
        assert_eq!(found(&r), 2, "{}", r.body);
        let r = t
            .api(
                &lw,
                Method::GET,
                "/api/v1/participants?q=Mrs%20Hughes",
                None,
            )
            .await;
        assert_eq!(found(&r), 1, "{}", r.body);
        // One of the two is on this worker's caseload.
        let id = refer(&t, &staff, &org, "Ashley Fraser", "1985-05-05").await;
        let r = allocate(&t, &lw, id, json!({})).await;
        let candidate = r.json()["candidates"][0]["id"].as_i64().unwrap_or(0);
        let r = allocate(&t, &lw, id, json!({"participant_id": candidate})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let mut s = t.sign_in(&lw.email).await;
        let page = s.get("/people?q=ashley+frasr").await;
        assert!(
            page.body.contains("1 Apr 1999")
                && page.body.contains("5 May 1985")
                && page.body.matches("On your caseload").count() == 1,
            "{}",
            page.body
        );
    }
);

both!(
    practice_names_keep_their_capitals_and_practices_follow_referrals,
    |t| {
        let org = t.organisation("Programme A").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let staff = t
            .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
            .await;
        // A name the old import spoiled is mended by migration 13's data step.
        linkwork_testkit::store::dialect::execute_raw_for_tests(
            &t.db,
            &format!(
                "UPDATE sites SET name = 'Drs Cron,howat,mckinlay,legge,hunter' WHERE id = {}",
                org.site_a
            ),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        linkwork_testkit::store::migrate::mend_practice_names_for_tests(&t.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let site = t
            .api(
                &admin,
                Method::GET,
                &format!("/api/v1/sites/{}", org.site_a),
                None,
            )
            .await;
        assert_eq!(
            site.json()["name"],
            "Drs Cron, Howat, McKinlay, Legge, Hunter"
        );

        // Practice staff say whether the person agreed; "no" or nothing is refused.
        let body = |agreed: Value| {
            json!({"site_id": org.site_a, "person_name": "Jo Example", "person_date_of_birth": "1970-02-04",
            "source": "practice_staff", "reasons": ["money"], "person_agreed": agreed})
        };
        for bad in [json!(null), json!("no"), json!(false)] {
            let r = t
                .api(
                    &staff,
                    Method::POST,
                    "/api/v1/referrals",
                    Some(body(bad.clone())),
                )
                .await;
            assert_eq!(r.status, 422, "{bad}");
            assert_eq!(r.problem_fields(), vec!["person_agreed".to_string()]);
        }
        let r = t
            .api(
                &staff,
                Method::POST,
                "/api/v1/referrals",
                Some(body(json!(true))),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["person_agreed"], true);
        let id = r.json()["id"].as_i64().unwrap_or(0);
        assert_eq!(allocate(&t, &lw, id, json!({})).await.status, 200);
        let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/referrals/{id}/contact-attempts"),
            Some(json!({"method": "phone", "outcome": "reached", "note": "Talked about the rent arrears"})),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let a = t
        .api(
            &lw,
            Method::POST,
            "/api/v1/appointments",
            Some(json!({"referral_id": id, "date": "25/11/2026", "time": "08:00", "duration_minutes": 30, "mode": "practice"})),
        )
        .await;
        let a = a.json()["id"].as_i64().unwrap_or(0);
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/appointments/{a}/outcome"),
                Some(json!({"version": 1, "status": "attended"})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        // The practice sees the dates, never the case work.
        let r = t
            .api(
                &staff,
                Method::GET,
                &format!("/api/v1/referrals/{id}"),
                None,
            )
            .await;
        let j = r.json();
        assert!(
            j["contacted_at"].is_string() && j["first_seen_at"].is_string(),
            "{j}"
        );
        assert_eq!(j["contact_attempts"], json!([]));
        let mut s = t.sign_in(&staff.email).await;
        let page = s.get(&format!("/referrals/{id}")).await;
        assert!(
            page.body.contains("First contacted")
                && page.body.contains("First seen")
                && page.body.contains("25 Nov 2026")
                && !page.body.contains("rent arrears"),
            "{}",
            page.body
        );
    }
);
