use linkwork_domain::Role;
use linkwork_testkit::{PASSWORD, both};

both!(sign_in_and_out, |t| {
    let org = t.organisation("Programme A").await;
    let u = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let mut s = t.sign_in(&u.email).await;
    assert!(s.has_session());
    let home = s.get("/").await;
    assert!(
        home.body.contains("Hello, Test Link worker"),
        "{}",
        home.body
    );
    let out = s.post("/sign-out", &[]).await;
    assert_eq!(out.status, 303);
    assert!(!s.has_session());
    let after = s.get("/").await;
    assert_eq!(after.status, 303);
    assert!(after.location().starts_with("/sign-in"));
});

both!(wrong_password_is_refused_with_a_field_message, |t| {
    let org = t.organisation("Programme A").await;
    let u = t.user(org.programme_id, Role::Manager, &[]).await;
    let mut s = linkwork_testkit::WebSession {
        base: t.base.clone(),
        client: t.client(),
        cookies: vec![],
        csrf: String::new(),
    };
    let r = s.post_sign_in(&u.email, "not the password at all").await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("govuk-error-summary"));
    assert!(r.body.contains("href=\"#email\""));
    assert!(
        r.body
            .contains("Enter a correct email address and password")
    );
    assert!(!s.has_session());
    let empty = s.post("/sign-in", &[("email", ""), ("password", "")]).await;
    assert_eq!(empty.status, 422);
    assert!(
        empty.body.contains("Enter your email address")
            && empty.body.contains("Enter your password")
    );
});

both!(failed_sign_ins_are_throttled_per_account, |t| {
    let org = t.organisation("Programme A").await;
    let u = t.user(org.programme_id, Role::Manager, &[]).await;
    let mut s = linkwork_testkit::WebSession {
        base: t.base.clone(),
        client: t.client(),
        cookies: vec![],
        csrf: String::new(),
    };
    for _ in 0..5 {
        assert_eq!(
            s.post_sign_in(&u.email, "wrong password here").await.status,
            422
        );
    }
    // Even the right password is refused while throttled…
    let r = s.post_sign_in(&u.email, PASSWORD).await;
    assert_eq!(r.status, 429);
    assert!(r.body.contains("Too many failed attempts"));
    // …and allowed again once the window has passed.
    t.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(s.post_sign_in(&u.email, PASSWORD).await.status, 303);
});

both!(sessions_expire_when_idle_and_at_the_absolute_limit, |t| {
    let org = t.organisation("Programme A").await;
    let u = t.user(org.programme_id, Role::Manager, &[]).await;
    let mut s = t.sign_in(&u.email).await;
    t.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(s.get("/").await.status, 200);
    t.clock.advance(chrono::Duration::minutes(31));
    assert_eq!(s.get("/").await.status, 303, "idle for 31 minutes");

    let mut s = t.sign_in(&u.email).await;
    for _ in 0..25 {
        t.clock.advance(chrono::Duration::minutes(29));
        let _ = s.get("/").await;
    }
    assert_eq!(s.get("/").await.status, 303, "past 12 hours however active");
});

both!(a_disabled_user_loses_sessions_and_tokens_at_once, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let u = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let mut s = t.sign_in(&u.email).await;
    assert_eq!(
        t.api(&u, reqwest::Method::GET, "/api/v1/me", None)
            .await
            .status,
        200
    );
    let mut a = t.sign_in(&admin.email).await;
    a.get(&format!("/users/{}", u.id)).await;
    let r = a.post(&format!("/users/{}/disable", u.id), &[]).await;
    assert_eq!(r.status, 303);
    assert_eq!(s.get("/").await.status, 303);
    assert_eq!(
        t.api(&u, reqwest::Method::GET, "/api/v1/me", None)
            .await
            .status,
        401
    );
    let mut again = linkwork_testkit::WebSession {
        base: t.base.clone(),
        client: t.client(),
        cookies: vec![],
        csrf: String::new(),
    };
    assert_eq!(again.post_sign_in(&u.email, PASSWORD).await.status, 422);
});

both!(forms_without_the_csrf_token_are_refused, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let mut s = t.sign_in(&admin.email).await;
    let r = s
        .post_raw(
            "/areas",
            &[("name", "Sneaky area"), ("csrf_token", "forged")],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = s.post_raw("/areas", &[("name", "Sneaky area")]).await;
    assert_eq!(r.status, 403);
    let areas = t.app.list_areas(&admin.ctx).await.unwrap_or_default();
    assert!(areas.iter().all(|a| a.name != "Sneaky area"));
    // The sign-in form needs its own token too.
    let mut anon = linkwork_testkit::WebSession {
        base: t.base.clone(),
        client: t.client(),
        cookies: vec![],
        csrf: String::new(),
    };
    let r = anon
        .post_raw(
            "/sign-in",
            &[("email", &admin.email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(!anon.has_session());
});

both!(cookies_and_headers_are_safe, |t| {
    let org = t.organisation("Programme A").await;
    let u = t.user(org.programme_id, Role::Manager, &[]).await;
    let mut s = linkwork_testkit::WebSession {
        base: t.base.clone(),
        client: t.client(),
        cookies: vec![],
        csrf: String::new(),
    };
    let r = s.post_sign_in(&u.email, PASSWORD).await;
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("linkwork_session="))
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let id = cookie
        .trim_start_matches("linkwork_session=")
        .split(';')
        .next()
        .unwrap_or_default();
    assert!(id.len() >= 32, "session id has at least 128 bits");
    let home = s.get("/").await;
    let csp = home
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(
        home.headers
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    assert!(home.headers.get("referrer-policy").is_some());
    assert!(home.headers.get("x-request-id").is_some());
    // A new session id at every sign-in.
    let mut s2 = t.sign_in(&u.email).await;
    let _ = s2.get("/").await;
    assert_ne!(s.cookies, s2.cookies);
});

both!(health_readiness_and_unknown_routes, |t| {
    let c = t.client();
    assert_eq!(
        c.get(t.url("/healthz"))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0),
        200
    );
    assert_eq!(
        c.get(t.url("/readyz"))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0),
        200
    );
    let r = c
        .get(t.url("/no/such/page"))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(r, 404);
    let r = linkwork_testkit::Reply::from(
        c.get(t.url("/api/v1/nothing-here"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let r = c
        .get(t.url("/assets/govuk-frontend.min.css"))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(r, 200);
});

both!(failed_sign_ins_are_throttled_per_address, |t| {
    let org = t.organisation("Programme A").await;
    let u = t.user(org.programme_id, Role::Manager, &[]).await;
    let mut s = linkwork_testkit::WebSession {
        base: t.base.clone(),
        client: t.client(),
        cookies: vec![],
        csrf: String::new(),
    };
    // Thirty wrong guesses at thirty different accounts from one address…
    for i in 0..30 {
        let r = s
            .post_sign_in(&format!("guess{i}@example.org"), "wrong password here")
            .await;
        assert_eq!(r.status, 422);
    }
    // …and that address is refused, even for a real account with the right password.
    assert_eq!(s.post_sign_in(&u.email, PASSWORD).await.status, 429);
    let (events, _) = t
        .app
        .search_audit(
            &t.user(org.programme_id, Role::Administrator, &[]).await.ctx,
            &linkwork_testkit::store::audit::Filter {
                action: Some("session.sign_in".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap_or_default();
    assert!(
        events
            .iter()
            .any(|e| e.outcome == "refused" && e.detail.contains("throttled"))
    );
});
