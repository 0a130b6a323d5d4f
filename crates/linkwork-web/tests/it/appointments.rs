use linkwork_domain::Role;
use linkwork_testkit::{TestApp, TestOrg, TestUser, both};
use reqwest::Method;
use serde_json::json;

/// A referral allocated to `lw`, returning its id.
async fn allocated(t: &TestApp, org: &TestOrg, lw: &TestUser) -> i64 {
    let body = json!({"site_id": org.site_a, "person_name": "Jo Example", "person_date_of_birth": "1970-02-04", "source": "gp", "reasons": ["loneliness"]});
    let id = t
        .api(lw, Method::POST, "/api/v1/referrals", Some(body))
        .await
        .json()["id"]
        .as_i64()
        .unwrap_or(0);
    let r = t
        .api(
            lw,
            Method::POST,
            &format!("/api/v1/referrals/{id}/allocate"),
            Some(json!({"version": 1, "link_worker_id": lw.id})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    id
}

both!(
    appointments_are_booked_in_uk_time_and_attending_engages,
    |t| {
        let org = t.organisation("Programme A").await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let referral = allocated(&t, &org, &lw).await;
        // Summer time: 10:00 in London is 09:00 UTC.
        let r = t.api(&lw, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referral, "date": "2027-07-01", "time": "10:00", "duration_minutes": 45, "mode": "practice"}))).await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["starts_at"], "2027-07-01T09:00:00Z");
        let first = r.json()["id"].as_i64().unwrap_or(0);
        // The hour the clocks skip does not exist.
        let r = t.api(&lw, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referral, "date": "28/03/2027", "time": "01:30", "duration_minutes": 30, "mode": "phone"}))).await;
        assert_eq!(r.status, 422);
        assert_eq!(r.problem_fields(), vec!["time".to_string()]);
        let r = t.api(&lw, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referral, "date": "tomorrow", "time": "25:00", "duration_minutes": 0, "mode": "teleport"}))).await;
        assert_eq!(
            r.problem_fields(),
            vec!["date", "time", "duration_minutes", "mode"]
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()
        );
        // No outcome but "cancelled by us" before an appointment has started.
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/appointments/{first}/outcome"),
                Some(json!({"version": 1, "status": "attended"})),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.problem_fields(), vec!["status".to_string()]);
        assert!(r.body.contains("not started yet"), "{}", r.body);
        t.clock.advance(chrono::Duration::weeks(33));
        // A missed appointment changes nothing else; attending the next one engages.
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/appointments/{first}/outcome"),
                Some(json!({"version": 1, "status": "did_not_attend"})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            t.api(
                &lw,
                Method::GET,
                &format!("/api/v1/referrals/{referral}"),
                None
            )
            .await
            .json()["status"],
            "allocated"
        );
        let second = t.api(&lw, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referral, "date": "2027-07-08", "time": "10:00", "duration_minutes": 45, "mode": "home_visit"}))).await.json()["id"].as_i64().unwrap_or(0);
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/appointments/{second}/outcome"),
                Some(json!({"version": 1, "status": "attended"})),
            )
            .await;
        assert_eq!(r.json()["status"], "attended");
        assert_eq!(
            t.api(
                &lw,
                Method::GET,
                &format!("/api/v1/referrals/{referral}"),
                None
            )
            .await
            .json()["status"],
            "engaged"
        );
        assert_eq!(
            t.api(
                &lw,
                Method::POST,
                &format!("/api/v1/appointments/{second}/outcome"),
                Some(json!({"version": 1, "status": "attended"}))
            )
            .await
            .status,
            409,
            "stale"
        );
        // Pages: the referral shows them, the diary lists the week.
        let mut s = t.sign_in(&lw.email).await;
        let page = s.get(&format!("/referrals/{referral}")).await;
        assert!(
            page.body.contains("Thu 1 Jul 2027, 10:00") && page.body.contains("Did not attend")
        );
        let diary = s.get("/diary?from=2027-07-07").await;
        assert!(
            diary.body.contains("Thursday 8 July") && diary.body.contains("Jo Example"),
            "{}",
            diary.body
        );
        let r = s
            .post(
                &format!("/referrals/{referral}/appointments"),
                &[
                    ("date", ""),
                    ("time", "9am"),
                    ("duration_minutes", "45"),
                    ("mode", "practice"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("href=\"#date\"") && r.body.contains("href=\"#time\""));
        let r = s
            .post(
                &format!("/referrals/{referral}/appointments"),
                &[
                    ("date", "15/07/2027"),
                    ("time", "14:30"),
                    ("duration_minutes", "30"),
                    ("mode", "video"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
    }
);

both!(the_calendar_feed_is_private_and_revocable, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let referral = allocated(&t, &org, &lw).await;
    t.api(&lw, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referral, "date": "2026-12-01", "time": "11:15", "duration_minutes": 30, "mode": "phone"}))).await;
    let mut s = t.sign_in(&lw.email).await;
    s.get("/account").await;
    let r = s.post("/account/calendar", &[]).await;
    assert_eq!(r.status, 200);
    let path = r
        .body
        .split("id=\"new-feed\">")
        .nth(1)
        .and_then(|x| x.split('<').next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        path.starts_with("/calendar/") && path.ends_with(".ics"),
        "{path}"
    );
    let feed = t
        .client()
        .get(t.url(&path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        feed.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/calendar; charset=utf-8")
    );
    let text = feed.text().await.unwrap_or_default();
    assert!(
        text.contains("BEGIN:VCALENDAR")
            && text.contains("DTSTART:20261201T111500Z")
            && text.contains("SUMMARY:J. E. (Phone)"),
        "{text}"
    );
    assert!(!text.contains("Jo Example"), "initials only");
    assert_eq!(
        t.client()
            .get(t.url("/calendar/wrong.ics"))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0),
        404
    );
    s.get("/account").await;
    assert_eq!(s.post("/account/calendar/revoke", &[]).await.status, 303);
    assert_eq!(
        t.client()
            .get(t.url(&path))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0),
        404,
        "revoked"
    );
});

both!(appointments_are_refused_outside_scope, |t| {
    let org = t.organisation("Programme A").await;
    let other = t.organisation("Programme B").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let outsider = t.user(other.programme_id, Role::Manager, &[]).await;
    let referral = allocated(&t, &org, &lw).await;
    let a = t.api(&lw, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referral, "date": "2026-12-01", "time": "11:15", "duration_minutes": 30, "mode": "phone"}))).await.json()["id"].as_i64().unwrap_or(0);
    for (u, expected) in [(&lw_b, 404), (&outsider, 404), (&staff, 403)] {
        let r = t.api(u, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referral, "date": "2026-12-02", "time": "11:15", "duration_minutes": 30, "mode": "phone"}))).await;
        assert_eq!(r.status, expected, "book as {}", u.email);
        let r = t
            .api(
                u,
                Method::POST,
                &format!("/api/v1/appointments/{a}/outcome"),
                Some(json!({"version": 1, "status": "attended"})),
            )
            .await;
        assert_eq!(r.status, expected, "outcome as {}", u.email);
        let list = t
            .api(
                u,
                Method::GET,
                &format!("/api/v1/appointments?referral_id={referral}"),
                None,
            )
            .await;
        if expected == 404 {
            assert_eq!(
                list.json().as_array().map(Vec::len),
                Some(0),
                "list is narrowed for {}",
                u.email
            );
        }
    }
});

both!(the_home_page_prompts_without_closing_anything, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let referral = allocated(&t, &org, &lw).await;
    // The fake clock says 25 Nov 2026, 09:00 UTC.
    t.api(&lw, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referral, "date": "2026-11-25", "time": "15:00", "duration_minutes": 30, "mode": "practice"}))).await;
    t.api(&lw, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referral, "date": "2026-11-27", "time": "10:00", "duration_minutes": 30, "mode": "phone"}))).await;
    let person = t
        .api(
            &lw,
            Method::GET,
            &format!("/api/v1/referrals/{referral}"),
            None,
        )
        .await
        .json()["participant_id"]
        .as_i64()
        .unwrap_or(0);
    t.api(
        &lw,
        Method::POST,
        &format!("/api/v1/participants/{person}/risk-flags"),
        Some(json!({"kind": "domestic_abuse", "review_on": "2026-11-25"})),
    )
    .await;
    let mut s = t.sign_in(&lw.email).await;
    let home = s.get("/").await;
    assert!(
        home.body.contains("15:00")
            && home.body.contains("Later this week")
            && home.body.contains("Fri 27 Nov 2026"),
        "{}",
        home.body
    );
    assert!(home.body.contains("Risk flags to review") && home.body.contains("Domestic abuse"));
    assert!(home.body.contains("review by 25 Nov 2026") && !home.body.contains("Review overdue"));
    assert!(!home.body.contains("Not seen for"));
    t.clock.advance(chrono::Duration::weeks(7));
    let home = t.sign_in(&lw.email).await.get("/").await;
    assert!(home.body.contains("Not seen for 6 weeks") && home.body.contains("Jo Example"));
    // Past its review date, a flag is marked overdue, in words a screen reader reads.
    assert!(
        home.body.contains("Review overdue") && home.body.contains("review was due 25 Nov 2026"),
        "{}",
        home.body
    );
    // Booked appointments that have happened, with an outcome, leave "Later this week".
    let record = t
        .sign_in(&lw.email)
        .await
        .get(&format!("/people/{person}"))
        .await;
    assert!(
        record.body.contains("Review overdue"),
        "the record's banner says so too"
    );
    assert_eq!(
        t.api(
            &lw,
            Method::GET,
            &format!("/api/v1/referrals/{referral}"),
            None
        )
        .await
        .json()["status"],
        "allocated",
        "still open"
    );
});

both!(a_booking_answers_with_the_appointment_as_stored, |t| {
    // Bookings are checked before the writer is taken, and the answer is
    // made from those checks: it must match what was stored.
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let colleague = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let elsewhere = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let referral = allocated(&t, &org, &lw).await;
    let stored = async |id: i64| {
        let all = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/appointments?referral_id={referral}"),
                None,
            )
            .await
            .json();
        all.as_array()
            .and_then(|a| a.iter().find(|x| x["id"] == id).cloned())
            .unwrap_or_default()
    };
    for (worker, notes) in [
        (String::new(), "with the referral's link worker"),
        (colleague.id.to_string(), "with a colleague at the practice"),
    ] {
        let r = t.api(&lw, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referral, "date": "2027-07-01", "time": "10:00", "duration_minutes": 45, "mode": "practice", "link_worker_id": worker, "notes": notes, "allow_clash": true}))).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let answer = r.json();
        assert_eq!(answer, stored(answer["id"].as_i64().unwrap_or(0)).await);
        assert!(answer["link_worker_name"].is_string(), "{answer}");
    }
    // A link worker of another practice is refused, naming the field.
    let r = t.api(&lw, Method::POST, "/api/v1/appointments", Some(json!({"referral_id": referral, "date": "2027-07-02", "time": "10:00", "duration_minutes": 45, "mode": "practice", "link_worker_id": elsewhere.id}))).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.problem_fields(), vec!["link_worker_id".to_string()]);
});
