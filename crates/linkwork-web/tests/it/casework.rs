use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;
use serde_json::json;

both!(notes_flags_and_measures_on_a_record, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let p = t.api(&lw, Method::POST, "/api/v1/participants", Some(json!({"site_id": org.site_a, "given_name": "Jo", "family_name": "Example", "date_of_birth": "1970-02-04"}))).await.json()["id"].as_i64().unwrap_or(0);
    let base = format!("/api/v1/participants/{p}");
    // A risk flag shows at the top of the record.
    let r = t.api(&lw, Method::POST, &format!("{base}/risk-flags"), Some(json!({"kind": "suicide_self_harm", "details": "Safety plan agreed", "review_on": "2026-12-09"}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let flag = r.json()["risk_flags"][0]["id"].as_i64().unwrap_or(0);
    let bad = t
        .api(
            &lw,
            Method::POST,
            &format!("{base}/risk-flags"),
            Some(json!({"kind": "bad", "review_on": "soon"})),
        )
        .await;
    assert_eq!(
        bad.problem_fields(),
        vec!["kind".to_string(), "review_on".to_string()]
    );
    let mut s = t.sign_in(&lw.email).await;
    let page = s.get(&format!("/people/{p}")).await;
    let banner = page.body.find("lw-risk").unwrap_or(usize::MAX);
    let h1 = page.body.find("<h1").unwrap_or(0);
    assert!(banner < h1, "the flag comes before the heading");
    assert!(
        page.body.contains("Suicide or self-harm") && page.body.contains("review by 9 Dec 2026")
    );
    // Notes keep their earlier versions.
    let r = t.api(&lw, Method::POST, &format!("{base}/notes"), Some(json!({"body": "First conversation: what matters is getting out of the house.", "restricted": false}))).await;
    let note = r.json()["notes"][0]["id"].as_i64().unwrap_or(0);
    let r = t.api(&lw, Method::PUT, &format!("{base}/notes/{note}"), Some(json!({"version": 1, "body": "First conversation: what matters is company.", "restricted": true}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["notes"][0]["restricted"], true);
    assert_eq!(r.json()["notes"][0]["earlier_versions"], 1);
    assert_eq!(
        t.api(
            &lw,
            Method::PUT,
            &format!("{base}/notes/{note}"),
            Some(json!({"version": 1, "body": "stale"}))
        )
        .await
        .status,
        409
    );
    let history = s.get(&format!("/people/{p}/notes/{note}")).await;
    assert!(
        history.body.contains("getting out of the house"),
        "the earlier text is kept"
    );
    let empty = s
        .post(&format!("/people/{p}/notes"), &[("body", " ")])
        .await;
    assert_eq!(empty.status, 422);
    // Wellbeing: SWEMWBS scored with the published table, ONS4 life satisfaction.
    let r = t.api(&lw, Method::POST, &format!("{base}/measures"), Some(json!({"kind": "swemwbs", "stage": "baseline", "taken_on": "2026-01-10", "answers": ["4","4","4","4","5","4","4"]}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["measures"][0]["score"], 26.02, "raw 29 → 26.02");
    let bad = t
        .api(
            &lw,
            Method::POST,
            &format!("{base}/measures"),
            Some(json!({"kind": "swemwbs", "stage": "later", "answers": ["4","6"]})),
        )
        .await;
    assert_eq!(
        bad.problem_fields(),
        [
            "stage",
            "answers[1]",
            "answers[2]",
            "answers[3]",
            "answers[4]",
            "answers[5]",
            "answers[6]"
        ]
        .map(String::from)
        .to_vec()
    );
    let r = s
        .post(
            &format!("/people/{p}/measures"),
            &[
                ("kind", "ons4"),
                ("ons_stage", "review"),
                ("ons-0", "6"),
                ("ons-1", "7"),
                ("ons-2", "6"),
                ("ons-3", "4"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // The published wording, no answer chosen in advance; a missing answer is
    // named and nothing is saved.
    let form = s.get(&format!("/people/{p}")).await;
    assert!(
        form.body
            .contains("I&#39;ve been able to make up my own mind about things")
            || form
                .body
                .contains("I've been able to make up my own mind about things")
    );
    assert!(form.body.contains("how anxious did you feel yesterday?"));
    for n in 1..=5 {
        assert!(
            !form.body.contains(&format!("value=\"{n}\" checked")),
            "answer {n} pre-selected"
        );
    }
    let r = s
        .post(
            &format!("/people/{p}/measures"),
            &[
                ("kind", "swemwbs"),
                ("stage", "review"),
                ("answers-0", "2"),
                ("answers-1", "3"),
                ("answers-2", "3"),
                ("answers-4", "3"),
                ("answers-5", "3"),
                ("answers-6", "3"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("href=\"#answers-3\"") && r.body.contains("dealing with problems well"),
        "{}",
        r.body
    );
    // What was chosen is still chosen; only the missing answer is asked for.
    assert!(
        r.body
            .contains("name=\"answers-0\" type=\"radio\" value=\"2\" checked"),
        "the answers given are kept"
    );
    let r = s
        .post(
            &format!("/people/{p}/measures"),
            &[
                ("kind", "swemwbs"),
                ("stage", "review"),
                ("answers-0", "2"),
                ("answers-1", "3"),
                ("answers-2", "3"),
                ("answers-3", "3"),
                ("answers-4", "3"),
                ("answers-5", "3"),
                ("answers-6", "3"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = s.get(&format!("/people/{p}")).await;
    assert!(
        page.body.contains("SWEMWBS (metric score, 7 to 35)") && page.body.contains("<svg"),
        "a chart of change over time"
    );
    // Goals in their own words, reviewed; onward support followed to an outcome; "My plan".
    let r = s
        .post(
            &format!("/people/{p}/goals"),
            &[("words", "Get out of the house twice a week")],
        )
        .await;
    assert_eq!(r.status, 303);
    let w = t
        .api(&lw, Method::GET, &format!("{base}/casework"), None)
        .await
        .json();
    let goal = w["goals"][0]["id"].as_i64().unwrap_or(0);
    let r = s
        .post(
            &format!("/people/{p}/goals/{goal}/review"),
            &[
                (&format!("status-{goal}"), "some_progress"),
                (&format!("comment-{goal}"), "Went to the walking group once"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let bad = s
        .post(
            &format!("/people/{p}/goals/{goal}/review"),
            &[(&format!("status-{goal}"), "finished")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains(&format!("href=\"#status-{goal}\"")),
        "the error links to the field of the form sent"
    );
    let r = t.api(&lw, Method::POST, &format!("{base}/onward-support"), Some(json!({"kind": "referral", "service": "Welfare rights adviser", "when_and_where": "Tuesdays 10:00 at the practice", "contact": "0141 000 0001", "status": "referred"}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let item = r.json()["onward_support"][0]["id"].as_i64().unwrap_or(0);
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("{base}/onward-support/{item}"),
            Some(json!({"status": "attended", "outcome": "Benefits claim made"})),
        )
        .await;
    assert_eq!(r.json()["onward_support"][0]["status"], "attended");
    let bad = s
        .post(
            &format!("/people/{p}/onward"),
            &[("onward_kind", "teleport"), ("service", "")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#onward_kind\"") && bad.body.contains("href=\"#service\""));
    let plan = s.get(&format!("/people/{p}/plan?large=1")).await;
    assert!(
        plan.body.contains("My plan")
            && plan.body.contains("Get out of the house twice a week")
            && plan.body.contains("Welfare rights adviser")
            && plan.body.contains("lw-large-print")
    );
    // Resolve the flag.
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("{base}/risk-flags/{flag}/resolve"),
            None,
        )
        .await;
    assert!(r.json()["risk_flags"][0]["resolved_at"].is_string());
    assert!(
        !s.get(&format!("/people/{p}"))
            .await
            .body
            .contains("lw-risk")
    );
    // Others are refused, and it is all audited.
    assert_eq!(
        t.api(&lw_b, Method::GET, &format!("{base}/casework"), None)
            .await
            .status,
        404
    );
    assert_eq!(
        t.api(
            &lw_b,
            Method::POST,
            &format!("{base}/notes"),
            Some(json!({"body": "x"}))
        )
        .await
        .status,
        404
    );
    assert_eq!(
        t.api(&admin, Method::GET, &format!("{base}/casework"), None)
            .await
            .status,
        403
    );
    let events = t
        .api(
            &admin,
            Method::GET,
            &format!("/api/v1/audit?object_type=participant&object_id={p}"),
            None,
        )
        .await
        .json();
    let actions: Vec<String> = events["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["action"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    for a in [
        "goal.create",
        "goal.review",
        "onward.create",
        "onward.update",
        "note.create",
        "note.edit",
        "risk_flag.raise",
        "risk_flag.resolve",
        "measure.create",
        "participant.view_casework",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
});

both!(needs_keep_their_status_over_time, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let p = t.api(&lw, Method::POST, "/api/v1/participants", Some(json!({"site_id": org.site_a, "given_name": "Jo", "family_name": "Example", "date_of_birth": "1970-02-04"}))).await.json()["id"].as_i64().unwrap_or(0);
    let path = format!("/api/v1/participants/{p}/needs");
    assert_eq!(
        t.api(&lw, Method::POST, &path, Some(json!({"need": "housing"})))
            .await
            .status,
        201
    );
    t.clock.advance(chrono::Duration::days(7));
    let r = t
        .api(
            &lw,
            Method::POST,
            &path,
            Some(json!({"need": "housing", "status": "being_addressed"})),
        )
        .await
        .json();
    assert_eq!(
        r["needs"].as_array().map(Vec::len),
        Some(1),
        "one need, two statuses"
    );
    assert_eq!(r["needs"][0]["status"], "being_addressed");
    let history = &r["needs"][0]["history"];
    assert_eq!(history[0]["status"], "identified", "{history}");
    assert!(
        history[0]["at"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-11-25")),
        "{history}"
    );
    assert_eq!(history[1]["status"], "being_addressed", "{history}");
    assert!(
        history[1]["at"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-12-02")),
        "{history}"
    );
    let bad = t
        .api(
            &lw,
            Method::POST,
            &path,
            Some(json!({"need": "telepathy", "status": "gone"})),
        )
        .await;
    assert_eq!(
        bad.problem_fields(),
        vec!["need".to_string(), "status".to_string()]
    );
    assert_eq!(
        t.api(&lw_b, Method::POST, &path, Some(json!({"need": "food"})))
            .await
            .status,
        404
    );
    let mut s = t.sign_in(&lw.email).await;
    let r = s
        .post(
            &format!("/people/{p}/needs"),
            &[("need", "money"), ("need_status", "identified")],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = s.get(&format!("/people/{p}")).await;
    assert!(
        page.body
            .contains("Identified 25 Nov 2026 → Being addressed 2 Dec 2026"),
        "the page shows the need over time"
    );
    assert!(page.body.contains("Money, debt or benefits"));
});

both!(safety_plans_and_safeguarding_actions, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let p = t.api(&lw, Method::POST, "/api/v1/participants", Some(json!({"site_id": org.site_a, "given_name": "Jo", "family_name": "Example", "date_of_birth": "1970-02-04"}))).await.json()["id"].as_i64().unwrap_or(0);
    let base = format!("/api/v1/participants/{p}");
    assert_eq!(
        t.api(
            &lw,
            Method::POST,
            &format!("{base}/safety-plan"),
            Some(json!({"plan": ""}))
        )
        .await
        .problem_fields(),
        vec!["plan".to_string()]
    );
    t.api(
        &lw,
        Method::POST,
        &format!("{base}/safety-plan"),
        Some(json!({"plan": "Call the crisis line; sister nearby"})),
    )
    .await;
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("{base}/safety-plan"),
            Some(json!({"plan": "Call the crisis line; sister nearby; walk in the park"})),
        )
        .await
        .json();
    assert_eq!(
        r["safety_plans"].as_array().map(Vec::len),
        Some(2),
        "earlier versions kept"
    );
    assert_eq!(
        r["safety_plans"][0]["plan"],
        "Call the crisis line; sister nearby; walk in the park"
    );
    let bad = t
        .api(
            &lw,
            Method::POST,
            &format!("{base}/safeguarding-actions"),
            Some(json!({"kind": "x", "taken_on": "2099-01-01", "agency": ""})),
        )
        .await;
    assert_eq!(
        bad.problem_fields(),
        vec![
            "kind".to_string(),
            "taken_on".to_string(),
            "agency".to_string()
        ]
    );
    let r = t.api(&lw, Method::POST, &format!("{base}/safeguarding-actions"), Some(json!({"kind": "police_welfare_check", "taken_on": "2026-11-24", "agency": "Police Scotland"}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        t.api(
            &staff,
            Method::POST,
            &format!("{base}/safeguarding-actions"),
            Some(json!({"kind": "other", "taken_on": "2026-11-24", "agency": "x"}))
        )
        .await
        .status,
        403
    );
    let mut s = t.sign_in(&lw.email).await;
    let r = s
        .post(
            &format!("/people/{p}/safeguarding"),
            &[
                ("sg_kind", "asp_referral"),
                ("sg_taken_on", ""),
                ("sg_agency", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("href=\"#sg_taken_on\"") && r.body.contains("href=\"#sg_agency\""));
    let page = s.get(&format!("/people/{p}")).await;
    assert!(
        page.body.contains("Police welfare check")
            && page.body.contains("walk in the park")
            && page.body.contains("1 earlier versions kept")
    );
});
