use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;
use serde_json::json;

both!(an_administrator_adds_a_user_who_can_then_sign_in, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let mut s = t.sign_in(&admin.email).await;
    assert_eq!(s.get("/users/new").await.status, 200);
    let site = org.site_a.to_string();
    let r = s
        .post(
            "/users",
            &[
                ("name", "New Worker"),
                ("email", "new.worker@example.org"),
                ("role", "link-worker"),
                ("password", "a long and unusual passphrase"),
                ("site_ids", &site),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = s.get(&r.location()).await;
    assert!(page.body.contains("New Worker") && page.body.contains("Alpha Medical Practice"));
    let mut w = linkwork_testkit::WebSession {
        base: t.base.clone(),
        client: t.client(),
        cookies: vec![],
        csrf: String::new(),
    };
    assert_eq!(
        w.post_sign_in("new.worker@example.org", "a long and unusual passphrase")
            .await
            .status,
        303
    );
    // Bad input: every field named; weak passwords refused.
    s.get("/users/new").await;
    let r = s
        .post(
            "/users",
            &[
                ("name", ""),
                ("email", "not-an-email"),
                ("role", "superuser"),
                ("password", "password1234"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    for f in ["name", "email", "role", "password"] {
        assert!(r.body.contains(&format!("href=\"#{f}\"")), "{f}");
    }
    let r = t
        .api(
            &admin,
            Method::POST,
            "/api/v1/users",
            Some(json!({"name": "Dup", "email": "NEW.WORKER@example.org", "role": "manager"})),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.problem_fields(), vec!["email".to_string()]);
});

both!(
    users_are_edited_with_versions_and_sites_of_the_programme_only,
    |t| {
        let org = t.organisation("Programme A").await;
        let other = t.organisation("Programme B").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let r = t.api(&admin, Method::PUT, &format!("/api/v1/users/{}", lw.id), Some(json!({"version": 1, "name": "Renamed", "role": "link-worker", "site_ids": [org.site_a, org.site_b]}))).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["sites"].as_array().map(Vec::len), Some(2));
        let r = t
            .api(
                &admin,
                Method::PUT,
                &format!("/api/v1/users/{}", lw.id),
                Some(json!({"version": 1, "name": "Stale", "role": "link-worker"})),
            )
            .await;
        assert_eq!(r.status, 409);
        let r = t.api(&admin, Method::PUT, &format!("/api/v1/users/{}", lw.id), Some(json!({"version": 2, "name": "Renamed", "role": "link-worker", "site_ids": [other.site_a]}))).await;
        assert_eq!(r.status, 422);
        assert_eq!(r.problem_fields(), vec!["site_ids".to_string()]);
        let u = t
            .app
            .get_user(&admin.ctx, lw.id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u.sites.len(), 2, "the refused change left the sites alone");
        assert_eq!(u.user.version, 2);
    }
);

both!(api_tokens_are_made_shown_once_and_revoked, |t| {
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let mut s = t.sign_in(&lw.email).await;
    s.get("/account").await;
    let r = s.post("/account/tokens", &[("name", "")]).await;
    assert_eq!(r.status, 422);
    let r = s.post("/account/tokens", &[("name", "my script")]).await;
    assert_eq!(r.status, 200);
    let token = r
        .body
        .split("id=\"new-token\">")
        .nth(1)
        .and_then(|x| x.split('<').next())
        .unwrap_or_default()
        .to_owned();
    assert!(token.starts_with("lw_"), "{}", r.body);
    let me = linkwork_testkit::Reply::from(
        t.client()
            .get(t.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(me.json()["email"], lw.email.as_str());
    assert!(!s.get("/account").await.body.contains(&token), "shown once");
    let tokens = t.app.list_tokens(&lw.ctx).await.unwrap_or_default();
    let id = tokens
        .iter()
        .find(|x| x.name == "my script")
        .map(|x| x.id)
        .unwrap_or(0);
    assert_eq!(
        s.post(&format!("/account/tokens/{id}/revoke"), &[])
            .await
            .status,
        303
    );
    let me = t
        .client()
        .get(t.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(me, 401);
});
