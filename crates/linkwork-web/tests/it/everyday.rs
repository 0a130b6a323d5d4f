//! Everyday use (issue 8): one place for a person, the session's end,
//! managers' lists, accounts and the audit trail read as sentences.

use linkwork_domain::Role;
use linkwork_testkit::{TestApp, TestOrg, TestUser, both};
use reqwest::Method;
use serde_json::json;

/// A referral of a new person at site A, allocated to `lw`: (referral, person).
pub(crate) async fn allocated(
    t: &TestApp,
    org: &TestOrg,
    lw: &TestUser,
    name: &str,
    born: &str,
) -> (i64, i64) {
    let r = t
        .api(
            lw,
            Method::POST,
            "/api/v1/referrals",
            Some(
                json!({"site_id": org.site_a, "person_name": name, "person_date_of_birth": born,
                "source": "gp", "reasons": ["housing"]}),
            ),
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
    (id, r.json()["participant_id"].as_i64().unwrap_or(0))
}

both!(
    a_record_holds_appointments_and_contact_without_raw_codes,
    |t| {
        let org = t.organisation("Programme A").await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let (referral, person) = allocated(&t, &org, &lw, "Jo Example", "1970-02-04").await;
        t.api(
        &lw,
        Method::POST,
        &format!("/api/v1/referrals/{referral}/contact-attempts"),
        Some(json!({"method": "phone", "outcome": "left_message", "note": "Voicemail, will try Friday"})),
    )
    .await;
        t.api(
        &lw,
        Method::POST,
        "/api/v1/appointments",
        Some(json!({"referral_id": referral, "date": "1 December 2026", "time": "11:00", "duration_minutes": 45, "mode": "home_visit"})),
    )
    .await;
        let mut s = t.sign_in(&lw.email).await;
        let page = s.get(&format!("/people/{person}")).await;
        assert!(
            page.body.contains("On this page")
                && page.body.contains("href=\"#record-contact\"")
                && page.body.contains("Tue 1 Dec 2026, 11:00")
                && page.body.contains("Voicemail, will try Friday"),
            "{}",
            page.body
        );
        let referral_page = s.get(&format!("/referrals/{referral}")).await;
        assert!(
            !referral_page.body.contains("871731000000106"),
            "staff do not see SNOMED CT codes"
        );
        // The API keeps the code, and the record's case work carries both lists.
        let r = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/referrals/{referral}"),
                None,
            )
            .await;
        assert_eq!(r.json()["snomed_code"], "871731000000106");
        let w = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/participants/{person}/casework"),
                None,
            )
            .await;
        assert_eq!(
            w.json()["appointments"].as_array().map(Vec::len),
            Some(1),
            "{}",
            w.body
        );
        assert_eq!(w.json()["contact_attempts"][0]["outcome"], "left_message");
    }
);

both!(a_form_posted_after_the_session_ended_comes_back, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let other = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let (_, person) = allocated(&t, &org, &lw, "Jo Example", "1970-02-04").await;
    let mut s = t.sign_in(&lw.email).await;
    let page = s.get(&format!("/people/{person}")).await;
    assert!(
        page.body.contains("id=\"session-warning\"")
            && page.body.contains("data-seconds-left=\"1800\""),
        "the warning is planned from the session's end"
    );
    // "Stay signed in" answers how long the session now has.
    t.clock.advance(chrono::Duration::minutes(28));
    let r = s.post("/session/keep-alive", &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["seconds_left"], 1800);
    // Thirty-one quiet minutes later the session has ended; the note is kept
    // (only when the form carries the session's own CSRF token).
    t.clock.advance(chrono::Duration::minutes(31));
    let r = s
        .post(
            &format!("/people/{person}/notes"),
            &[("body", "Forged"), ("csrf_token", "not-the-token")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(
        !s.cookies.iter().any(|(k, _)| k == "linkwork_draft"),
        "no draft without the token"
    );
    let r = s
        .post(
            &format!("/people/{person}/notes"),
            &[(
                "body",
                "Long talk about the garden project; wants to start in spring.",
            )],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/sign-in?ended=1");
    assert!(s.cookies.iter().any(|(k, _)| k == "linkwork_draft"));
    let sign_in = s.get("/sign-in?ended=1").await;
    assert!(sign_in.body.contains("What you were sending has been kept"));
    // Someone else signing in on this browser does not get it.
    let mut theirs = linkwork_testkit::WebSession {
        base: s.base.clone(),
        client: s.client.clone(),
        cookies: s.cookies.clone(),
        csrf: String::new(),
    };
    let r = theirs
        .post_sign_in(&other.email, linkwork_testkit::PASSWORD)
        .await;
    assert_eq!(r.location(), "/drafts/resume");
    let r = theirs.get("/drafts/resume").await;
    assert_eq!(r.status, 303, "not theirs: back home");
    // Its writer signs in again: the form comes back, filled, to send.
    let r = s.post_sign_in(&lw.email, linkwork_testkit::PASSWORD).await;
    assert_eq!(r.location(), "/drafts/resume");
    let back = s.get("/drafts/resume").await;
    assert_eq!(back.status, 200);
    assert!(
        back.body.contains("Long talk about the garden project")
            && back
                .body
                .contains(&format!("action=\"/people/{person}/notes\"")),
        "{}",
        back.body
    );
    let r = s
        .post(
            &format!("/people/{person}/notes"),
            &[(
                "body",
                "Long talk about the garden project; wants to start in spring.",
            )],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = s.get(&format!("/people/{person}")).await;
    assert!(page.body.contains("wants to start in spring"));
    // Taken once: a second visit finds nothing.
    assert_eq!(s.get("/drafts/resume").await.status, 303);
});

both!(managers_filter_export_and_see_the_team_diary, |t| {
    let org = t.organisation("Programme A").await;
    let manager = t.user(org.programme_id, Role::Manager, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw2 = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let (first, _) = allocated(&t, &org, &lw, "Jo Example", "1970-02-04").await;
    let (second, _) = allocated(&t, &org, &lw2, "Sam Sample", "1981-06-07").await;
    for (who, referral) in [(&lw, first), (&lw2, second)] {
        let r = t
            .api(
                who,
                Method::POST,
                "/api/v1/appointments",
                Some(json!({"referral_id": referral, "date": "26/11/2026", "time": "10:00", "duration_minutes": 30, "mode": "phone"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let mut s = t.sign_in(&manager.email).await;
    // The diary: any link worker, or the whole team.
    let one = s
        .get(&format!("/diary?from=2026-11-23&worker={}", lw2.id))
        .await;
    assert!(one.body.contains("Sam Sample") && !one.body.contains("Jo Example"));
    let team = s.get("/diary?from=2026-11-23&worker=team").await;
    assert!(
        team.body.contains("Sam Sample")
            && team.body.contains("Jo Example")
            && team.body.contains("The whole team"),
        "{}",
        team.body
    );
    // Filters and search.
    let list = s.get("/referrals?show=all&q=sample").await;
    assert!(list.body.contains("Sam Sample") && !list.body.contains("Jo Example"));
    let list = s
        .get(&format!("/referrals?show=all&link_worker_id={}", lw.id))
        .await;
    assert!(list.body.contains("Jo Example") && !list.body.contains("Sam Sample"));
    let list = s.get("/referrals?show=all&reason=money").await;
    assert!(list.body.contains("No referrals match these filters."));
    let list = s.get("/referrals?show=all&from=26/11/2026").await;
    assert!(list.body.contains("No referrals match these filters."));
    let list = s.get("/referrals?show=all&from=soon").await;
    assert!(list.body.contains("href=\"#from\""), "a bad date is named");
    let r = t
        .api(
            &manager,
            Method::GET,
            &format!("/api/v1/referrals?site_id={}&q=jo", org.site_a),
            None,
        )
        .await;
    assert_eq!(r.json()["total"], 1, "{}", r.body);
    // CSV: the same filters, no names or dates of birth; audited.
    let csv = s.get("/referrals/export.csv?show=all&q=example").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(lines[0].starts_with("referral_id,participant_id,received_on,practice"));
    assert!(
        lines[1].starts_with(&format!("{first},"))
            && !csv.body.contains("Jo Example")
            && !csv.body.contains("1970")
    );
    let r = t
        .api(&manager, Method::GET, "/api/v1/referrals/export", None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.lines().count(), 3);
    // A link worker may not export.
    let r = t
        .api(&lw, Method::GET, "/api/v1/referrals/export", None)
        .await;
    assert_eq!(r.status, 403);
    let audit = s.get("/audit?action=referral.export").await;
    assert_eq!(audit.status, 403, "managers do not read the audit trail");
    // Empty lists say what to do.
    let funds = s.get("/funds").await;
    assert!(
        funds.body.contains("No voucher funds yet"),
        "{}",
        funds.body
    );
});

both!(people_change_their_own_password, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let mut here = t.sign_in(&lw.email).await;
    let mut elsewhere = t.sign_in(&lw.email).await;
    here.get("/account/password").await;
    let r = here
        .post(
            "/account/password",
            &[("current_password", "not it"), ("new_password", "short")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("href=\"#current_password\"") && r.body.contains("href=\"#new_password\"")
    );
    let new = "kettle harbour lantern meadow";
    let r = here
        .post(
            "/account/password",
            &[
                ("current_password", linkwork_testkit::PASSWORD),
                ("new_password", new),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        here.get("/account?saved=password")
            .await
            .body
            .contains("Your password has been changed")
    );
    assert_eq!(elsewhere.get("/").await.status, 303, "other sessions end");
    let mut again = linkwork_testkit::WebSession {
        base: here.base.clone(),
        client: here.client.clone(),
        cookies: Vec::new(),
        csrf: String::new(),
    };
    assert_eq!(again.post_sign_in(&lw.email, new).await.status, 303);
    // The API: the same rules.
    let r = t
        .api(
            &staff,
            Method::POST,
            "/api/v1/me/password",
            Some(json!({"current_password": "wrong", "new_password": new})),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.problem_fields(), vec!["current_password".to_string()]);
    let r = t
        .api(
            &staff,
            Method::POST,
            "/api/v1/me/password",
            Some(json!({"current_password": linkwork_testkit::PASSWORD, "new_password": new})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    // Practice staff read naturally on their home page.
    let mut s = linkwork_testkit::WebSession {
        base: here.base.clone(),
        client: here.client.clone(),
        cookies: Vec::new(),
        csrf: String::new(),
    };
    s.post_sign_in(&staff.email, new).await;
    let home = s.get("/").await;
    assert!(
        home.body
            .contains("You are signed in as a member of practice staff."),
        "{}",
        home.body
    );
});

both!(the_audit_trail_reads_as_sentences, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let (_, person) = allocated(&t, &org, &lw, "Jo Example", "1970-02-04").await;
    let mut s = t.sign_in(&lw.email).await;
    s.get(&format!("/people/{person}")).await;
    let mut a = t.sign_in(&admin.email).await;
    let trail = a.get("/audit?action=participant.view").await;
    assert!(
        trail.body.contains(&format!("viewed the record of <a class=\"govuk-link\" href=\"/people/{person}\">person {person}</a>")),
        "{}",
        trail.body
    );
    // The user's name, not their address, leads the sentence.
    assert!(
        trail.body.contains("Test Link worker viewed the record of"),
        "{}",
        trail.body
    );
});
