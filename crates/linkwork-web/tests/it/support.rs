use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;
use serde_json::json;

both!(consent_is_recorded_and_withdrawn, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let p = t.api(&lw, Method::POST, "/api/v1/participants", Some(json!({"site_id": org.site_a, "given_name": "Jo", "family_name": "Example", "date_of_birth": "1970-02-04"}))).await.json()["id"].as_i64().unwrap_or(0);
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/participants/{p}/consents"),
            Some(json!({"kind": "share_partner"})),
        )
        .await;
    assert_eq!(r.problem_fields(), vec!["partner".to_string()]);
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/participants/{p}/consents"),
            Some(json!({"kind": "share_gp"})),
        )
        .await;
    assert_eq!(r.status, 201);
    let c = r.json()["consents"][0]["id"].as_i64().unwrap_or(0);
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/participants/{p}/consents/{c}/withdraw"),
            None,
        )
        .await;
    assert!(r.json()["consents"][0]["withdrawn_at"].is_string());
    let mut s = t.sign_in(&lw.email).await;
    let page = s.get(&format!("/people/{p}")).await;
    assert!(
        page.body
            .contains("To share information with their GP practice")
            && page.body.contains("withdrawn")
    );
});

both!(a_fund_never_goes_below_zero_even_at_once, |t| {
    let org = t.organisation("Programme A").await;
    let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    assert_eq!(
        t.api(
            &lw,
            Method::POST,
            "/api/v1/funds",
            Some(json!({"name": "X", "kind": "food"}))
        )
        .await
        .status,
        403
    );
    let funds = t.api(&mgr, Method::POST, "/api/v1/funds", Some(json!({"name": "Energy company fund", "funder": "An energy company", "kind": "energy"}))).await.json();
    let fund = funds[0]["id"].as_i64().unwrap_or(0);
    let r = t
        .api(
            &mgr,
            Method::POST,
            "/api/v1/funds/top-ups",
            Some(json!({"fund_id": fund, "amount": "30"})),
        )
        .await;
    assert_eq!(r.json()[0]["balance_pence"], 3000);
    let p = t.api(&lw, Method::POST, "/api/v1/participants", Some(json!({"site_id": org.site_a, "given_name": "Jo", "family_name": "Example", "date_of_birth": "1970-02-04"}))).await.json()["id"].as_i64().unwrap_or(0);
    let path = format!("/api/v1/participants/{p}/vouchers");
    assert_eq!(
        t.api(
            &lw,
            Method::POST,
            &path,
            Some(json!({"fund_id": fund, "amount": "20"}))
        )
        .await
        .status,
        201
    );
    let r = t
        .api(
            &lw,
            Method::POST,
            &path,
            Some(json!({"fund_id": fund, "amount": "20"})),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("only £10.00 left"), "{}", r.body);
    // Ten workers at once, £5 each, from £10: exactly two succeed.
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (client, url, token) = (t.client(), t.url(&path), lw.token.clone());
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"fund_id": fund, "amount": "5"}))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await.unwrap_or(0) == 201 {
            ok += 1;
        }
    }
    assert_eq!(ok, 2);
    let left =
        t.api(&lw, Method::GET, "/api/v1/funds", None).await.json()[0]["balance_pence"].as_i64();
    assert_eq!(left, Some(0));
    let w = t
        .api(
            &lw,
            Method::GET,
            &format!("/api/v1/participants/{p}/casework"),
            None,
        )
        .await
        .json();
    assert_eq!(w["vouchers"].as_array().map(Vec::len), Some(3));
    let mut m = t.sign_in(&mgr.email).await;
    assert!(m.get("/funds").await.body.contains("£0.00"));
});

both!(a_case_is_handed_over_and_access_moves_with_it, |t| {
    let org = t.organisation("Programme A").await;
    let lw_a = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let body = json!({"site_id": org.site_a, "person_name": "Jo Example", "person_date_of_birth": "1970-02-04", "source": "gp", "reasons": ["housing"]});
    let id = t
        .api(&lw_a, Method::POST, "/api/v1/referrals", Some(body))
        .await
        .json()["id"]
        .as_i64()
        .unwrap_or(0);
    let r = t
        .api(
            &lw_a,
            Method::POST,
            &format!("/api/v1/referrals/{id}/allocate"),
            Some(json!({"version": 1, "link_worker_id": lw_a.id})),
        )
        .await
        .json();
    let person = r["participant_id"].as_i64().unwrap_or(0);
    t.api(
        &lw_a,
        Method::POST,
        &format!("/api/v1/participants/{person}/notes"),
        Some(json!({"body": "Moving to Beta next month"})),
    )
    .await;
    let bad = t
        .api(
            &lw_a,
            Method::POST,
            &format!("/api/v1/referrals/{id}/handover"),
            Some(json!({"site_id": org.site_b, "link_worker_id": lw_a.id, "summary": ""})),
        )
        .await;
    assert_eq!(bad.problem_fields(), vec!["summary".to_string()]);
    let bad = t
        .api(
            &lw_a,
            Method::POST,
            &format!("/api/v1/referrals/{id}/handover"),
            Some(json!({"site_id": org.site_b, "link_worker_id": lw_a.id, "summary": "x"})),
        )
        .await;
    assert_eq!(
        bad.problem_fields(),
        vec!["link_worker_id".to_string()],
        "not a worker at the new practice"
    );
    let mut s = t.sign_in(&lw_a.email).await;
    let form = s
        .get(&format!("/referrals/{id}/handover?site_id={}", org.site_b))
        .await;
    assert!(form.body.contains("Test Link worker"));
    let r = s.post(&format!("/referrals/{id}/handover"), &[("site_id", &org.site_b.to_string()), ("link_worker_id", &lw_b.id.to_string()), ("summary", "Moved to Beta. Housing application in progress; next step is the housing options appointment.")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    // Access moved.
    assert_eq!(
        t.api(
            &lw_a,
            Method::GET,
            &format!("/api/v1/participants/{person}"),
            None
        )
        .await
        .status,
        404
    );
    assert_eq!(
        t.api(
            &lw_b,
            Method::GET,
            &format!("/api/v1/participants/{person}"),
            None
        )
        .await
        .status,
        200
    );
    let w = t
        .api(
            &lw_b,
            Method::GET,
            &format!("/api/v1/participants/{person}/casework"),
            None,
        )
        .await
        .json();
    assert_eq!(
        w["notes"][0]["body"], "Moving to Beta next month",
        "the history stays whole"
    );
    let waiting = t
        .api(&lw_b, Method::GET, "/api/v1/handovers", None)
        .await
        .json();
    let h = waiting[0]["id"].as_i64().unwrap_or(0);
    let mut b = t.sign_in(&lw_b.email).await;
    let home = b.get("/").await;
    assert!(
        home.body.contains("Handed over to you")
            && home.body.contains("housing options appointment")
    );
    assert_eq!(
        t.api(
            &lw_a,
            Method::POST,
            &format!("/api/v1/handovers/{h}/acknowledge"),
            None
        )
        .await
        .status,
        404,
        "only the receiving worker"
    );
    assert_eq!(
        b.post(&format!("/handovers/{h}/acknowledge"), &[])
            .await
            .status,
        303
    );
    assert_eq!(
        t.api(&lw_b, Method::GET, "/api/v1/handovers", None)
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let referral = b.get(&format!("/referrals/{id}")).await;
    assert!(
        referral
            .body
            .contains("Alpha Medical Practice → Beta Health Centre")
    );
});
