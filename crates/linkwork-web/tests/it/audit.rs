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
        let refused = linkwork_testkit::store::dialect::execute_raw_for_tests(
            &t.db,
            "UPDATE audit_events SET actor = 'someone else'",
        )
        .await;
        assert!(refused.is_err(), "the table is append-only");
        let refused = linkwork_testkit::store::dialect::execute_raw_for_tests(
            &t.db,
            "DELETE FROM audit_events",
        )
        .await;
        assert!(refused.is_err(), "the table is append-only");
        // Someone with the database's keys removes the guard and edits a record.
        linkwork_testkit::store::dialect::drop_audit_guards_for_tests(&t.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        linkwork_testkit::store::dialect::execute_raw_for_tests(
            &t.db,
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
    linkwork_testkit::store::dialect::drop_audit_guards_for_tests(&t.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    linkwork_testkit::store::dialect::execute_raw_for_tests(
        &t.db,
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

fn key() -> linkwork_app::audit::CheckpointKey {
    linkwork_app::audit::CheckpointKey::parse(&linkwork_app::audit::CheckpointKey::generate())
        .unwrap()
}

async fn raw(t: &linkwork_testkit::TestApp, sql: &str) {
    linkwork_testkit::store::dialect::execute_raw_for_tests(&t.db, sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn verify(
    t: &linkwork_testkit::TestApp,
    cp: Option<(
        &linkwork_app::audit::Checkpoint,
        &linkwork_app::audit::CheckpointKey,
    )>,
) -> linkwork_testkit::store::audit::Verification {
    t.app.verify_all_audit(cp).await.unwrap()
}

both!(
    a_removed_chain_head_is_reported_and_rebuilt_on_the_record,
    |t| {
        let org = t.organisation("Programme A").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let refused = linkwork_testkit::store::dialect::execute_raw_for_tests(
            &t.db,
            "DELETE FROM audit_heads",
        )
        .await;
        assert!(refused.is_err(), "heads cannot be deleted");
        let refused = linkwork_testkit::store::dialect::execute_raw_for_tests(
            &t.db,
            "UPDATE audit_heads SET seq = seq - 1",
        )
        .await;
        assert!(refused.is_err(), "heads cannot be rewound");
        if t.kind == linkwork_testkit::Kind::Postgres {
            let refused = linkwork_testkit::store::dialect::execute_raw_for_tests(
                &t.db,
                "TRUNCATE audit_events",
            )
            .await;
            assert!(refused.is_err(), "the events cannot be truncated");
        }
        linkwork_testkit::store::dialect::drop_audit_guards_for_tests(&t.db)
            .await
            .unwrap();
        raw(&t, "DELETE FROM audit_heads").await;
        let v = verify(&t, None).await;
        assert!(
            v.problems
                .iter()
                .any(|p| p.contains("head") && p.contains("missing")),
            "{:?}",
            v.problems
        );
        // The service keeps working: the next audited action rebuilds the head
        // from the chain's last event, and says so in the trail.
        let r = t
            .api(
                &admin,
                Method::GET,
                &format!("/api/v1/users/{}", admin.id),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v = verify(&t, None).await;
        assert!(v.ok(), "{:?}", v.problems);
        assert!(
            v.notices.iter().any(|n| n.contains("rebuilt")),
            "{:?}",
            v.notices
        );
        let r = t
            .api(
                &admin,
                Method::GET,
                "/api/v1/audit?action=audit.head_restored",
                None,
            )
            .await
            .json();
        assert_eq!(r["total"], 1, "{r}");
    }
);

both!(a_removed_programme_chain_is_reported, |t| {
    let org = t.organisation("Programme A").await;
    let _other = t.organisation("Programme B").await;
    let cp_key = key();
    let cp = t.app.audit_checkpoint(&cp_key).await.unwrap();
    linkwork_testkit::store::dialect::drop_audit_guards_for_tests(&t.db)
        .await
        .unwrap();
    let p = org.programme_id;
    raw(
        &t,
        &format!("DELETE FROM audit_events WHERE chain_id = {p}"),
    )
    .await;
    raw(&t, &format!("DELETE FROM audit_heads WHERE chain_id = {p}")).await;
    let v = verify(&t, None).await;
    assert!(
        v.problems
            .iter()
            .any(|x| x.contains("Programme A") && x.contains("no audit trail")),
        "{:?}",
        v.problems
    );
    let v = verify(&t, Some((&cp, &cp_key))).await;
    assert!(
        v.problems
            .iter()
            .any(|x| x.contains(&format!("chain {p}")) && x.contains("shorter")),
        "{:?}",
        v.problems
    );
});

both!(
    a_rewound_chain_passes_alone_but_fails_against_a_checkpoint,
    |t| {
        let org = t.organisation("Programme A").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let cp_key = key();
        let cp = t.app.audit_checkpoint(&cp_key).await.unwrap();
        let v = verify(&t, Some((&cp, &cp_key))).await;
        assert!(v.ok(), "a fresh checkpoint agrees: {:?}", v.problems);
        // Someone with the database's keys removes the newest events and rewinds
        // the head to match, so that the database agrees with itself.
        let p = org.programme_id;
        linkwork_testkit::store::dialect::drop_audit_guards_for_tests(&t.db)
            .await
            .unwrap();
        raw(
        &t,
        &format!(
            "DELETE FROM audit_events WHERE chain_id = {p} AND seq > (SELECT MAX(seq) - 2 FROM audit_events WHERE chain_id = {p})"
        ),
    )
    .await;
        raw(
        &t,
        &format!(
            "UPDATE audit_heads SET seq = (SELECT MAX(seq) FROM audit_events WHERE chain_id = {p}), \
             hash = (SELECT hash FROM audit_events WHERE chain_id = {p} ORDER BY seq DESC LIMIT 1) WHERE chain_id = {p}"
        ),
    )
    .await;
        let alone = verify(&t, None).await;
        assert!(alone.ok(), "undetectable from inside: {:?}", alone.problems);
        let v = verify(&t, Some((&cp, &cp_key))).await;
        assert!(
            v.problems
                .iter()
                .any(|x| x.contains(&format!("chain {p}")) && x.contains("shorter")),
            "{:?}",
            v.problems
        );
        // A checkpoint forged without the key is refused.
        let mut forged = cp.clone();
        for c in &mut forged.chains {
            c.seq -= 2;
        }
        let e = t
            .app
            .verify_all_audit(Some((&forged, &cp_key)))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("seal"), "{e}");
        let _ = admin;
    }
);

both!(searches_of_people_s_records_are_audited, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let body = serde_json::json!({
        "given_name": "Morven", "family_name": "Audited", "date_of_birth": "1980-02-03",
        "site_id": org.site_a, "preferred_contact": "phone",
    });
    let r = t
        .api(&lw, Method::POST, "/api/v1/participants", Some(body))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let r = t
        .api(&lw, Method::GET, "/api/v1/participants?q=Audited", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut s = t.sign_in(&lw.email).await;
    assert_eq!(s.get("/people?q=Morven").await.status, 200);
    let r = t
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=participant.search",
            None,
        )
        .await
        .json();
    assert_eq!(r["total"], 2, "{r}");
    let items = r["items"].as_array().cloned().unwrap_or_default();
    assert!(items.iter().all(|e| e["actor"] == lw.email.as_str()));
    assert!(
        items.iter().any(|e| e["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Audited") && d.contains(&format!("shown={id}")))),
        "{r}"
    );
});

both!(
    a_form_shown_again_after_an_error_is_not_a_second_view,
    |t| {
        let org = t.organisation("Programme A").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let body = serde_json::json!({
            "given_name": "Isla", "family_name": "Viewed", "date_of_birth": "1979-05-06",
            "site_id": org.site_a, "preferred_contact": "phone",
        });
        let id = t
            .api(&lw, Method::POST, "/api/v1/participants", Some(body))
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let views = async || {
            t.api(
                &admin,
                Method::GET,
                &format!("/api/v1/audit?action=participant.view&object_id={id}"),
                None,
            )
            .await
            .json()["total"]
                .as_i64()
                .unwrap_or(-1)
        };
        // (The API's answer to registering shows the new record: one view.)
        let before = views().await;
        let mut s = t.sign_in(&lw.email).await;
        assert_eq!(s.get(&format!("/people/{id}")).await.status, 200);
        assert_eq!(views().await, before + 1);
        // A note with no text: the record page comes back with the error.
        let r = s
            .post(&format!("/people/{id}/notes"), &[("body", "")])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("Isla"));
        assert_eq!(
            views().await,
            before + 1,
            "the page shown again is not a second view"
        );
    }
);
