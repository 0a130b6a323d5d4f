use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;

both!(changes_views_and_sign_ins_are_audited_and_chained, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let mut s = t.sign_in(&admin.email).await;
    s.get(&format!("/users/{}", lw.id)).await;
    let page = s.get("/audit?action=user.view").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("user.view"));
    let r = t
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=site.create",
            None,
        )
        .await
        .json();
    assert_eq!(r["total"], 2, "{r}");
    let r = t
        .api(
            &admin,
            Method::GET,
            &format!("/api/v1/audit?actor={}", admin.email),
            None,
        )
        .await
        .json();
    assert!(r["items"].as_array().is_some_and(|a| {
        a.iter().any(|e| {
            e["action"] == "session.sign_in"
                && e["request_id"].as_str().is_some_and(|x| !x.is_empty())
        })
    }));
    let r = t
        .api(&admin, Method::GET, "/api/v1/audit?from=2026-13-01", None)
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.problem_fields(), vec!["from".to_string()]);
    let v = t
        .api(&admin, Method::GET, "/api/v1/audit/verify", None)
        .await
        .json();
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(0), "{v}");
    assert!(v["events"].as_i64().unwrap_or(0) > 5);
    let page = s.get("/audit?verify=1").await;
    assert!(page.body.contains("The trail is whole"));
});

both!(
    the_audit_table_refuses_edits_and_tampering_is_detected,
    |t| {
        let org = t.organisation("Programme A").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let refused = linkwork_store::dialect::execute_raw_for_tests(
            &t.app.db,
            "UPDATE audit_events SET actor = 'someone else'",
        )
        .await;
        assert!(refused.is_err(), "the table is append-only");
        let refused =
            linkwork_store::dialect::execute_raw_for_tests(&t.app.db, "DELETE FROM audit_events")
                .await;
        assert!(refused.is_err(), "the table is append-only");
        // Someone with the database's keys removes the guard and edits a record.
        linkwork_store::dialect::drop_audit_guards_for_tests(&t.app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        linkwork_store::dialect::execute_raw_for_tests(
            &t.app.db,
            "UPDATE audit_events SET detail = 'nothing to see' WHERE action = 'site.create'",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let v = t
            .api(&admin, Method::GET, "/api/v1/audit/verify", None)
            .await
            .json();
        let problems = v["problems"].as_array().cloned().unwrap_or_default();
        assert!(!problems.is_empty(), "{v}");
        let mut s = t.sign_in(&admin.email).await;
        assert!(s.get("/audit?verify=1").await.body.contains("tampered"));
    }
);

both!(removing_the_newest_audit_records_is_detected, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    linkwork_store::dialect::drop_audit_guards_for_tests(&t.app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    linkwork_store::dialect::execute_raw_for_tests(
        &t.app.db,
        "DELETE FROM audit_events WHERE id = (SELECT MAX(id) FROM audit_events)",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let v = t
        .app
        .verify_audit(&admin.ctx)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!v.ok());
    assert!(
        v.problems.iter().any(|p| p.contains("removed")),
        "{:?}",
        v.problems
    );
});
