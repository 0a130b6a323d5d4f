//! The storage conformance suite: the same tests against embedded SQLite and
//! PostgreSQL (when `LINKWORK_TEST_POSTGRES_URL` is set).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use linkwork_domain::{Actor, Grant, Permission, Role, SiteScope};
use linkwork_store::audit::{self, NewEvent};
use linkwork_store::db::{Conn, PoolOptions};
use linkwork_store::org::{self, SiteFields, SiteFilter};
use linkwork_store::users::{self, NewUser};
use linkwork_store::{Db, StoreError, dialect, migrate};

fn name() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).unwrap();
    hex::encode(b)
}

struct TestDb {
    db: Db,
    cleanup: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
        if let Some((url, schema)) = self.cleanup.take() {
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                let _ = rt.block_on(dialect::drop_pg_schema(&url, &schema));
            })
            .join();
        }
    }
}

async fn sqlite() -> TestDb {
    let dir = std::env::temp_dir().join(format!("linkwork-store-{}", name()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::connect(&format!("sqlite://{}", dir.join("t.db").display()))
        .await
        .unwrap();
    migrate::run(&db, now()).await.unwrap();
    TestDb {
        db,
        cleanup: None,
        dir: Some(dir),
    }
}

async fn postgres() -> Option<TestDb> {
    let url = std::env::var("LINKWORK_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())?;
    let schema = format!("s_{}", name());
    let db = Db::connect_with(
        &url,
        &PoolOptions {
            max_connections: 8,
            pg_schema: Some(schema.clone()),
        },
    )
    .await
    .unwrap();
    migrate::run(&db, now()).await.unwrap();
    Some(TestDb {
        db,
        cleanup: Some((url, schema)),
        dir: None,
    })
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 59).unwrap() + chrono::Duration::microseconds(123_456)
}

macro_rules! both {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn body($db: Db) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = super::sqlite().await;
                body(t.db.clone()).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) = super::postgres().await {
                    body(t.db.clone()).await;
                }
            }
        }
    };
}

fn admin(programme_id: i64) -> Actor {
    Actor {
        user_id: 0,
        programme_id,
        role: Role::Administrator,
        name: "op".into(),
        email: "op".into(),
        site_ids: vec![],
    }
}

/// The scope of a manager of `programme_id`: every site.
fn whole(programme_id: i64) -> SiteScope {
    actor(programme_id, 0, Role::Manager)
        .authorize(Permission::ViewSites)
        .unwrap()
        .scope()
}

/// The scope of link worker `user_id`: their sites.
fn assigned(programme_id: i64, user_id: i64) -> SiteScope {
    actor(programme_id, user_id, Role::LinkWorker)
        .authorize(Permission::ViewSites)
        .unwrap()
        .scope()
}

fn actor(programme_id: i64, user_id: i64, role: Role) -> Actor {
    Actor {
        user_id,
        programme_id,
        role,
        name: "Test".into(),
        email: "test@example.org".into(),
        site_ids: Vec::new(),
    }
}

fn grant(programme_id: i64) -> Grant {
    admin(programme_id)
        .authorize(Permission::ManageOrganisation)
        .unwrap()
}

fn site(cluster_id: i64, code: &str) -> SiteFields {
    SiteFields {
        cluster_id,
        code: code.into(),
        name: format!("Site {code}"),
        kind: "gp_practice".into(),
        practice_code: Some(code.into()),
        list_size: Some(5000),
        deep_end: true,
        address: None,
        postcode: Some("G1 1AA".into()),
        phone: None,
        active: true,
    }
}

/// A programme with an area, a cluster and `n` sites: (programme, cluster, site ids).
async fn programme(db: &Db, label: &str, n: usize) -> (i64, i64, Vec<i64>) {
    let mut tx = db.write().await.unwrap();
    let p = org::create_programme(&mut tx, label, now()).await.unwrap();
    let g = grant(p);
    let a = org::create_area(&mut tx, &g, "Area", now()).await.unwrap();
    let c = org::create_cluster(&mut tx, &g, a, "Cluster", now())
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(
            org::create_site(&mut tx, &g, &site(c, &format!("S{i:05}")), now())
                .await
                .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    (p, c, ids)
}

/// A link worker of programme `p` at `sites`: their user id.
async fn link_worker(tx: &mut linkwork_store::Tx, p: i64, email: &str, sites: &[i64]) -> i64 {
    let ug = admin(p).authorize(Permission::ManageUsers).unwrap();
    let worker = users::create(
        tx,
        &ug,
        &NewUser {
            email,
            name: "W",
            role: "link-worker",
            password_hash: None,
        },
        now(),
    )
    .await
    .unwrap();
    users::set_sites(tx, &ug, worker, sites).await.unwrap();
    worker
}

both!(migrations_are_idempotent_and_refuse_a_newer_schema, |db| {
    let again = migrate::run(&db, now()).await.unwrap();
    assert!(again.applied.is_empty());
    assert_eq!(
        migrate::version(&db).await.unwrap(),
        migrate::latest_version()
    );
    dialect::execute_raw_for_tests(
        &db,
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 'x')",
    )
    .await
    .unwrap();
    match migrate::run(&db, now()).await {
        Err(StoreError::SchemaTooNew { found: 9999, .. }) => {}
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
});

both!(timestamps_and_flags_round_trip_exactly, |db| {
    let (p, _, ids) = programme(&db, "P", 1).await;
    let mut tx = db.read().await.unwrap();
    let s = org::get_site(&mut tx, whole(p), ids[0]).await.unwrap();
    assert_eq!(s.updated_at, now());
    assert!(s.deep_end && s.active);
    assert_eq!(s.list_size, Some(5000));
});

both!(site_lists_are_narrowed_in_sql, |db| {
    let (p, _, ids) = programme(&db, "P", 5).await;
    let (q, _, other_ids) = programme(&db, "Q", 3).await;
    let mut tx = db.write().await.unwrap();
    let ug = admin(p).authorize(Permission::ManageUsers).unwrap();
    let u = link_worker(&mut tx, p, "w@example.org", &[ids[1], ids[3]]).await;
    // Another programme's site cannot be assigned.
    assert!(matches!(
        users::set_sites(&mut tx, &ug, u, &[other_ids[0]]).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    let f = SiteFilter {
        limit: 100,
        ..Default::default()
    };
    let (mine, total) = org::list_sites(&mut tx, assigned(p, u), &f).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(
        mine.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![ids[1], ids[3]]
    );
    let (all, total) = org::list_sites(&mut tx, whole(p), &f).await.unwrap();
    assert_eq!((all.len(), total), (5, 5));
    let (theirs, _) = org::list_sites(&mut tx, whole(q), &f).await.unwrap();
    assert!(theirs.iter().all(|s| !ids.contains(&s.id)));
    assert!(matches!(
        org::get_site(&mut tx, assigned(p, u), ids[0]).await,
        Err(StoreError::NotFound)
    ));
    let (found, _) = org::list_sites(
        &mut tx,
        whole(p),
        &SiteFilter {
            text: Some("s00003".into()),
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found.len(), 1);
    let (page, total) = org::list_sites(
        &mut tx,
        whole(p),
        &SiteFilter {
            limit: 2,
            offset: 4,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((page.len(), total), (1, 5));
});

both!(duplicates_stale_versions_and_other_programmes, |db| {
    let (p, c, ids) = programme(&db, "P", 1).await;
    let (q, _, _) = programme(&db, "Q", 0).await;
    let mut tx = db.write().await.unwrap();
    assert!(matches!(
        org::create_site(&mut tx, &grant(p), &site(c, "S00000"), now()).await,
        Err(StoreError::Duplicate(_))
    ));
    tx.rollback().await.unwrap();
    let mut tx = db.write().await.unwrap();
    org::update_site(&mut tx, &grant(p), ids[0], 1, &site(c, "S00000"), now())
        .await
        .unwrap();
    assert!(matches!(
        org::update_site(&mut tx, &grant(p), ids[0], 1, &site(c, "S00000"), now()).await,
        Err(StoreError::StaleVersion)
    ));
    assert!(matches!(
        org::update_site(&mut tx, &grant(q), ids[0], 2, &site(c, "S00000"), now()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        org::create_site(&mut tx, &grant(q), &site(c, "S99999"), now()).await,
        Err(StoreError::NotFound)
    ));
    // A grant for another permission unlocks no write, even in its programme.
    let users_grant = admin(p).authorize(Permission::ManageUsers).unwrap();
    assert!(matches!(
        org::create_site(&mut tx, &users_grant, &site(c, "S99998"), now()).await,
        Err(StoreError::WrongGrant { .. })
    ));
    tx.commit().await.unwrap();
});

both!(concurrent_audit_appends_keep_one_chain, |db| {
    let (p, _, _) = programme(&db, "P", 0).await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = db.write().await.unwrap();
            let e = NewEvent {
                programme_id: Some(p),
                actor: format!("worker{i}"),
                action: "test.append".into(),
                object_type: "test".into(),
                object_id: i.to_string(),
                request_id: "r".into(),
                outcome: "success".into(),
                ..Default::default()
            };
            audit::append(&mut tx, &e, now()).await.unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut tx = db.read().await.unwrap();
    let v = audit::verify(&mut tx, Some(p)).await.unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    assert_eq!(v.events, 24);
    let (events, total) = audit::search(
        &mut tx,
        &admin(p).authorize(Permission::ViewAudit).unwrap(),
        &audit::Filter {
            actor: Some("WORKER1".into()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(total, events.len() as i64);
    assert!(total >= 11, "worker1 and worker10..worker19");
});

// Many writers at once (on SQLite they share commits, see
// `linkwork_store::group`): each change is kept or undone on its own — one
// rolled back, or dropped half way by an early return, takes nothing of the
// others with it — events appended in the change or with its commit both
// chain, and the writer is free afterwards.
both!(concurrent_writes_are_kept_or_undone_alone, |db| {
    let (p, _, _) = programme(&db, "P", 0).await;
    let mut tasks = Vec::new();
    for i in 0..48 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = db.write().await.unwrap();
            let e = NewEvent {
                programme_id: Some(p),
                actor: format!("writer{i}"),
                action: "test.append".into(),
                object_type: "test".into(),
                object_id: i.to_string(),
                request_id: "r".into(),
                outcome: "success".into(),
                ..Default::default()
            };
            if i % 6 != 0 {
                audit::append(&mut tx, &e, now()).await.unwrap();
            }
            // Hold the writer a moment, so that others queue and join.
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            match i % 6 {
                0 => audit::commit_change(tx, &e, Some(p), now()).await.unwrap(),
                3 => tx.commit().await.unwrap(),
                1 | 4 => tx.rollback().await.unwrap(),
                _ => drop(tx),
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // The writer is free: one more change commits at once.
    let mut tx = db.write().await.unwrap();
    let e = NewEvent {
        programme_id: Some(p),
        actor: "last".into(),
        action: "test.append".into(),
        object_type: "test".into(),
        object_id: "last".into(),
        request_id: "r".into(),
        outcome: "success".into(),
        ..Default::default()
    };
    audit::append(&mut tx, &e, now()).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    let v = audit::verify(&mut tx, Some(p)).await.unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    assert_eq!(v.events, 17, "the sixteen kept and the last");
    let (events, _) = audit::search(
        &mut tx,
        &admin(p).authorize(Permission::ViewAudit).unwrap(),
        &audit::Filter {
            action: Some("test.append".into()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut kept: Vec<String> = events.iter().map(|e| e.object_id.clone()).collect();
    kept.sort();
    let mut expected: Vec<String> = (0..48).step_by(3).map(|i: i32| i.to_string()).collect();
    expected.push("last".into());
    expected.sort();
    assert_eq!(kept, expected);
});

// Writers cancelled at any point (a request whose client went away): each
// change is kept whole or not at all, the writer goes on working, and every
// change reported saved is there. On PostgreSQL, no pooled connection is
// left inside a transaction (a BEGIN cancelled in flight once left one
// "idle in transaction", holding its locks until the connection was next
// used).
both!(cancelled_writers_leave_the_writer_sound, |db| {
    let (p, _, _) = programme(&db, "P", 0).await;
    let saved = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let event = move |id: String| NewEvent {
        programme_id: Some(p),
        actor: "writer".into(),
        action: "test.append".into(),
        object_type: "test".into(),
        object_id: id,
        request_id: "r".into(),
        outcome: "success".into(),
        ..Default::default()
    };
    let mut tasks = Vec::new();
    for i in 0..60u64 {
        let (db, saved) = (db.clone(), saved.clone());
        let task = tokio::spawn(async move {
            let mut tx = db.write().await.unwrap();
            audit::append(&mut tx, &event(format!("{i}-a")), now())
                .await
                .unwrap();
            tokio::task::yield_now().await;
            audit::commit_change(tx, &event(format!("{i}-b")), Some(p), now())
                .await
                .unwrap();
            saved.lock().unwrap().push(i);
        });
        let stop = tokio::spawn(async move {
            for _ in 0..(i % 7) * 3 {
                tokio::task::yield_now().await;
            }
            task.abort();
        });
        tasks.push(stop);
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Give the writer's own tasks (undoing, committing) their turn.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mut tx = db.write().await.unwrap();
    audit::append(&mut tx, &event("last".into()), now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    let v = audit::verify(&mut tx, Some(p)).await.unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    let (events, _) = audit::search(
        &mut tx,
        &admin(p).authorize(Permission::ViewAudit).unwrap(),
        &audit::Filter {
            action: Some("test.append".into()),
            limit: 500,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let ids: std::collections::HashSet<String> =
        events.iter().map(|e| e.object_id.clone()).collect();
    assert!(ids.contains("last"));
    for i in 0..60u64 {
        let (a, b) = (
            ids.contains(&format!("{i}-a")),
            ids.contains(&format!("{i}-b")),
        );
        assert_eq!(a, b, "change {i} kept whole or not at all");
    }
    for i in saved.lock().unwrap().iter() {
        assert!(
            ids.contains(&format!("{i}-b")),
            "change {i} was reported saved"
        );
    }
    drop(tx);
    // Every connection the pool lends is outside any transaction (where a
    // savepoint is refused).
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut tx = db.read().await.unwrap();
        if let Conn::Postgres(c) = tx.conn() {
            let in_one = sqlx::query("SAVEPOINT lw_probe").execute(c).await.is_ok();
            assert!(!in_one, "a pooled connection was left in a transaction");
        }
        held.push(tx);
    }
});

// A snapshot a request left open (it ended before its commit) is ended by
// the next to borrow that connection: every reader sees what is committed.
both!(a_snapshot_left_open_does_not_hide_later_changes, |db| {
    let (p, _, _) = programme(&db, "P", 0).await;
    let count = async |tx: &mut linkwork_store::Tx| -> i64 {
        linkwork_store::on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
            .fetch_one(c).await)
        .unwrap()
    };
    let before = count(&mut db.read().await.unwrap()).await;
    let mut left = Vec::new();
    for _ in 0..8 {
        let mut tx = db.snapshot().await.unwrap();
        count(&mut tx).await;
        left.push(tx);
    }
    drop(left);
    let mut tx = db.write().await.unwrap();
    let e = NewEvent {
        programme_id: Some(p),
        actor: "op".into(),
        action: "test.append".into(),
        object_type: "test".into(),
        object_id: "1".into(),
        request_id: "r".into(),
        outcome: "success".into(),
        ..Default::default()
    };
    audit::append(&mut tx, &e, now()).await.unwrap();
    tx.commit().await.unwrap();
    let mut all = Vec::new();
    for _ in 0..8 {
        all.push(db.read().await.unwrap());
    }
    for tx in &mut all {
        assert_eq!(count(tx).await, before + 1);
    }
});

// A booking checked before the writer was taken is inserted only if the
// referral is unchanged and its link worker still works at the practice.
both!(
    an_appointment_is_inserted_only_if_its_checks_still_hold,
    |db| {
        use linkwork_store::appointments::{NewAppointment, create_unchanged};
        let (p, _, sites) = programme(&db, "P", 2).await;
        let mut tx = db.write().await.unwrap();
        let worker = link_worker(&mut tx, p, "w@example.org", &[sites[0]]).await;
        let g = actor(p, worker, Role::LinkWorker)
            .authorize(Permission::WorkWithParticipants)
            .unwrap();
        let received_on = now().date_naive();
        let r = linkwork_store::referrals::NewReferral {
            site_id: sites[0],
            person_name: "A Person".into(),
            source: "gp".into(),
            received_on,
            urgency: "routine".into(),
            ..Default::default()
        };
        let referral = linkwork_store::referrals::create(&mut tx, &g, &r, now())
            .await
            .unwrap();
        let new = |site_id, link_worker_id| NewAppointment {
            referral_id: referral,
            site_id,
            link_worker_id,
            starts_at: now(),
            duration_minutes: 30,
            mode: "phone".into(),
            notes: None,
        };
        assert!(
            create_unchanged(&mut tx, &g, &new(sites[0], Some(worker)), 1, now())
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            create_unchanged(&mut tx, &g, &new(sites[0], None), 1, now())
                .await
                .unwrap()
                .is_some()
        );
        // The referral has moved on since it was checked.
        assert_eq!(
            create_unchanged(&mut tx, &g, &new(sites[0], Some(worker)), 2, now())
                .await
                .unwrap(),
            None
        );
        // The referral is not at that practice.
        assert_eq!(
            create_unchanged(&mut tx, &g, &new(sites[1], Some(worker)), 1, now())
                .await
                .unwrap(),
            None
        );
        // A user who is not a link worker at the practice.
        let ug = admin(p).authorize(Permission::ManageUsers).unwrap();
        let manager = users::create(
            &mut tx,
            &ug,
            &NewUser {
                email: "m@example.org",
                name: "M",
                role: "manager",
                password_hash: None,
            },
            now(),
        )
        .await
        .unwrap();
        users::set_sites(&mut tx, &ug, manager, &[sites[0]])
            .await
            .unwrap();
        assert_eq!(
            create_unchanged(&mut tx, &g, &new(sites[0], Some(manager)), 1, now())
                .await
                .unwrap(),
            None
        );
        tx.commit().await.unwrap();
    }
);

both!(online_backup_copies_a_live_database, |db| {
    let (p, _, _) = programme(&db, "P", 3).await;
    let dir = std::env::temp_dir().join(format!("linkwork-backup-{}", name()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("copy.db");
    let copied = dialect::backup_to(&db, &file.to_string_lossy())
        .await
        .unwrap();
    match db.backend() {
        linkwork_store::Backend::Sqlite => {
            assert!(copied);
            let copy = Db::connect(&format!("sqlite://{}", file.display()))
                .await
                .unwrap();
            let mut tx = copy.read().await.unwrap();
            assert_eq!(org::counts(&mut tx, &grant(p)).await.unwrap().sites, 3);
        }
        linkwork_store::Backend::Postgres => assert!(!copied),
    }
    let _ = std::fs::remove_dir_all(dir);
});

both!(the_reasons_migration_carries_old_referrals_across, |db| {
    let (p, _, sites) = programme(&db, "P", 1).await;
    // A referral written the old way: reasons only in the comma-separated column.
    let now = "2026-11-25T09:00:00Z";
    let insert = format!(
        "INSERT INTO referrals (programme_id, site_id, person_name, source, received_on, urgency, reasons, \
         status, snomed_code, created_at, updated_at) VALUES ({p}, {}, 'Old Example', 'gp', '2026-11-20', \
         'routine', 'money, housing,,loneliness', 'received', '871731000000106', '{now}', '{now}')",
        sites[0]
    );
    dialect::execute_raw_for_tests(&db, &insert).await.unwrap();
    // Migration 12's data step, run again (it is idempotent).
    let sql = migrate::migration_sql(12, db.backend()).unwrap();
    let from = sql.find("CREATE INDEX").unwrap();
    let step = &sql[from + sql[from..].find("INSERT").unwrap()..];
    dialect::execute_raw_for_tests(&db, step).await.unwrap();
    dialect::execute_raw_for_tests(&db, step).await.unwrap();
    let mut tx = db.read().await.unwrap();
    let rows: Vec<(String,)> = linkwork_store::on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT reason FROM referral_reasons ORDER BY reason").fetch_all(c).await)
    .unwrap();
    let reasons: Vec<String> = rows.into_iter().map(|r| r.0).collect();
    assert_eq!(reasons, vec!["housing", "loneliness", "money"]);
});

// SQLite is compiled as .cargo/config.toml says: without STAT4, whose
// per-value samples make SQLite prepare a statement again every time new
// parameters are bound (it more than halved the bookings a second), and
// without memory statistics (a process-wide lock on every allocation).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_is_built_to_keep_prepared_statements() {
    let t = sqlite().await;
    let mut tx = t.db.read().await.unwrap();
    let options: Vec<String> = linkwork_store::on_tx!(&mut tx, c =>
        sqlx::query_scalar("PRAGMA compile_options").fetch_all(c).await)
    .unwrap();
    assert!(
        !options.iter().any(|o| o.starts_with("ENABLE_STAT")),
        "{options:?}"
    );
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{options:?}"
    );
    drop(tx);
    dialect::execute_raw_for_tests(&t.db, "ANALYZE")
        .await
        .unwrap();
    let mut tx = t.db.read().await.unwrap();
    let samples: i64 = linkwork_store::on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'").fetch_one(c).await)
    .unwrap();
    assert_eq!(samples, 0);
}

// A referral's first contact reached and first attended appointment are
// kept on it as UK days by triggers (migration 28): every insert, change
// and removal of a contact attempt or an appointment moves them, and an
// instant late on a summer evening (UTC) falls on the next UK day.
both!(
    a_referrals_first_contact_and_attended_days_follow_every_change,
    |db| {
        let (p, _, sites) = programme(&db, "F", 1).await;
        let mut tx = db.write().await.unwrap();
        let referral = |received: &str| {
            format!(
                "INSERT INTO referrals (programme_id, site_id, person_name, source, received_on, urgency, reasons, status, \
             snomed_code, created_at, updated_at) VALUES ({p}, {}, 'Person', 'gp', '{received}', 'routine', 'isolation', \
             'accepted', '871711000000103', '2026-05-01T09:00:00+00:00', '2026-05-01T09:00:00+00:00') RETURNING id",
                sites[0]
            )
        };
        let mut ids = Vec::new();
        for received in ["2026-05-01", "2026-05-02"] {
            let sql = referral(received);
            let id: i64 =
                linkwork_store::on_tx!(&mut tx, c => sqlx::query_scalar(&sql).fetch_one(c).await)
                    .unwrap();
            ids.push(id);
        }
        let (r, other) = (ids[0], ids[1]);
        let run = async |tx: &mut linkwork_store::Tx, sql: String| -> i64 {
            linkwork_store::on_tx!(tx, c => sqlx::query_scalar(&sql).fetch_one(c).await).unwrap()
        };
        let firsts = async |tx: &mut linkwork_store::Tx,
                            id: i64|
               -> (Option<String>, Option<String>) {
            let sql = format!(
                "SELECT CAST(first_contact_on AS TEXT), CAST(first_attended_on AS TEXT) FROM referrals WHERE id = {id}"
            );
            linkwork_store::on_tx!(tx, c => sqlx::query_as(&sql).fetch_one(c).await).unwrap()
        };
        let day = |d: &str| Some(d.to_owned());
        let attempt = |id: i64, at: &str, outcome: &str| {
            format!(
                "INSERT INTO contact_attempts (referral_id, at, method, outcome) VALUES ({id}, '{at}', 'phone', '{outcome}') RETURNING id"
            )
        };
        let appointment = |id: i64, at: &str, status: &str| {
            format!(
                "INSERT INTO appointments (programme_id, referral_id, site_id, starts_at, duration_minutes, mode, status, \
             created_at, updated_at) VALUES ({p}, {id}, {}, '{at}', 30, 'in_person', '{status}', \
             '2026-05-01T09:00:00+00:00', '2026-05-01T09:00:00+00:00') RETURNING id",
                sites[0]
            )
        };
        assert_eq!(firsts(&mut tx, r).await, (None, None));
        // Contact: not reached counts for nothing; reached late on a summer
        // evening is the next UK day; an earlier one takes its place.
        run(
            &mut tx,
            attempt(r, "2026-05-03T10:00:00+00:00", "no_answer"),
        )
        .await;
        assert_eq!(firsts(&mut tx, r).await, (None, None));
        let late = run(&mut tx, attempt(r, "2026-05-04T23:30:00+00:00", "reached")).await;
        assert_eq!(firsts(&mut tx, r).await, (day("2026-05-05"), None));
        let early = run(&mut tx, attempt(r, "2026-05-03T12:00:00+00:00", "reached")).await;
        assert_eq!(firsts(&mut tx, r).await, (day("2026-05-03"), None));
        let exec = async |tx: &mut linkwork_store::Tx, sql: String| {
            linkwork_store::on_tx!(tx, c => sqlx::query(&sql).execute(c).await.map(|_| ()))
                .unwrap();
        };
        exec(
            &mut tx,
            format!("UPDATE contact_attempts SET outcome = 'no_answer' WHERE id = {early}"),
        )
        .await;
        assert_eq!(firsts(&mut tx, r).await, (day("2026-05-05"), None));
        exec(
            &mut tx,
            format!("UPDATE contact_attempts SET referral_id = {other} WHERE id = {late}"),
        )
        .await;
        assert_eq!(firsts(&mut tx, r).await, (None, None));
        assert_eq!(firsts(&mut tx, other).await, (day("2026-05-05"), None));
        exec(
            &mut tx,
            format!("DELETE FROM contact_attempts WHERE id = {late}"),
        )
        .await;
        assert_eq!(firsts(&mut tx, other).await, (None, None));
        // Appointments: booked counts for nothing until attended; moved,
        // un-attended and removed, the first is worked out again.
        let a = run(
            &mut tx,
            appointment(r, "2026-05-10T09:00:00+00:00", "booked"),
        )
        .await;
        assert_eq!(firsts(&mut tx, r).await, (None, None));
        exec(
            &mut tx,
            format!("UPDATE appointments SET status = 'attended' WHERE id = {a}"),
        )
        .await;
        assert_eq!(firsts(&mut tx, r).await, (None, day("2026-05-10")));
        let b = run(
            &mut tx,
            appointment(r, "2026-05-20T09:00:00+00:00", "attended"),
        )
        .await;
        assert_eq!(firsts(&mut tx, r).await, (None, day("2026-05-10")));
        exec(
            &mut tx,
            format!(
                "UPDATE appointments SET starts_at = '2026-05-25T23:15:00+00:00' WHERE id = {a}"
            ),
        )
        .await;
        assert_eq!(firsts(&mut tx, r).await, (None, day("2026-05-20")));
        exec(
            &mut tx,
            format!("UPDATE appointments SET status = 'did_not_attend' WHERE id = {b}"),
        )
        .await;
        assert_eq!(firsts(&mut tx, r).await, (None, day("2026-05-26")));
        exec(&mut tx, format!("DELETE FROM appointments WHERE id = {a}")).await;
        assert_eq!(firsts(&mut tx, r).await, (None, None));
        // In winter (GMT) late evening stays on its own day.
        run(
            &mut tx,
            appointment(other, "2026-12-01T23:30:00+00:00", "attended"),
        )
        .await;
        assert_eq!(firsts(&mut tx, other).await, (None, day("2026-12-01")));
        tx.rollback().await.unwrap();
    }
);

// Whether a referral is its person's first is kept on it by triggers
// (migration 29): adding an earlier referral, re-dating one, moving one to
// another person or to none, and removing one each work it out again for
// everyone concerned; on the same day the lower id is first.
both!(a_referrals_first_for_person_follows_every_change, |db| {
    let (p, _, sites) = programme(&db, "N", 1).await;
    let mut tx = db.write().await.unwrap();
    let one = async |tx: &mut linkwork_store::Tx, sql: String| -> i64 {
        linkwork_store::on_tx!(tx, c => sqlx::query_scalar(&sql).fetch_one(c).await).unwrap()
    };
    let exec = async |tx: &mut linkwork_store::Tx, sql: String| {
        linkwork_store::on_tx!(tx, c => sqlx::query(&sql).execute(c).await.map(|_| ())).unwrap();
    };
    let person = |name: &str| {
        format!(
            "INSERT INTO participants (programme_id, site_id, given_name, family_name, date_of_birth, created_at, updated_at) \
                 VALUES ({p}, {}, '{name}', 'Example', '1970-01-01', '2026-05-01T09:00:00+00:00', '2026-05-01T09:00:00+00:00') RETURNING id",
            sites[0]
        )
    };
    let (a, b) = (
        one(&mut tx, person("A")).await,
        one(&mut tx, person("B")).await,
    );
    let referral = |who: Option<i64>, received: &str| {
        let who = who.map_or("NULL".to_owned(), |w| w.to_string());
        format!(
            "INSERT INTO referrals (programme_id, site_id, participant_id, person_name, source, received_on, urgency, reasons, \
                 status, snomed_code, created_at, updated_at) VALUES ({p}, {}, {who}, 'Person', 'gp', '{received}', 'routine', \
                 'isolation', 'accepted', '871711000000103', '2026-05-01T09:00:00+00:00', '2026-05-01T09:00:00+00:00') RETURNING id",
            sites[0]
        )
    };
    let firsts = async |tx: &mut linkwork_store::Tx| -> Vec<i64> {
        let sql = format!(
            "SELECT id FROM referrals WHERE programme_id = {p} AND first_for_person ORDER BY id"
        );
        linkwork_store::on_tx!(tx, c => sqlx::query_scalar(&sql).fetch_all(c).await).unwrap()
    };
    let r1 = one(&mut tx, referral(Some(a), "2026-05-02")).await;
    assert_eq!(firsts(&mut tx).await, [r1]);
    let r2 = one(&mut tx, referral(Some(a), "2026-05-01")).await;
    assert_eq!(firsts(&mut tx).await, [r2]);
    let r3 = one(&mut tx, referral(Some(a), "2026-05-01")).await;
    let r4 = one(&mut tx, referral(None, "2026-04-01")).await;
    assert_eq!(firsts(&mut tx).await, [r2]);
    exec(
        &mut tx,
        format!("UPDATE referrals SET received_on = '2026-05-03' WHERE id = {r2}"),
    )
    .await;
    assert_eq!(firsts(&mut tx).await, [r3]);
    exec(
        &mut tx,
        format!("UPDATE referrals SET participant_id = {b} WHERE id = {r3}"),
    )
    .await;
    assert_eq!(firsts(&mut tx).await, [r1, r3]);
    exec(
        &mut tx,
        format!("UPDATE referrals SET participant_id = NULL WHERE id = {r3}"),
    )
    .await;
    assert_eq!(firsts(&mut tx).await, [r1]);
    exec(
        &mut tx,
        format!("UPDATE referrals SET participant_id = {b} WHERE id = {r4}"),
    )
    .await;
    assert_eq!(firsts(&mut tx).await, [r1, r4]);
    exec(&mut tx, format!("DELETE FROM referrals WHERE id = {r1}")).await;
    assert_eq!(firsts(&mut tx).await, [r2, r4]);
    // Several in one statement (a merge moves all of a person's).
    exec(
        &mut tx,
        format!("UPDATE referrals SET participant_id = {b} WHERE participant_id = {a}"),
    )
    .await;
    assert_eq!(firsts(&mut tx).await, [r4]);
    tx.rollback().await.unwrap();
});

// Each person's first score and first marked baseline of each kind are
// kept by triggers (migration 30): a score added earlier, a score marked
// baseline, one re-dated, moved to another person (a merge, several in one
// statement) and one removed each work the row out again; on the same day
// the lower id comes first.
both!(a_persons_baseline_scores_follow_every_change, |db| {
    let (p, _, sites) = programme(&db, "W", 1).await;
    let mut tx = db.write().await.unwrap();
    let one = async |tx: &mut linkwork_store::Tx, sql: String| -> i64 {
        linkwork_store::on_tx!(tx, c => sqlx::query_scalar(&sql).fetch_one(c).await).unwrap()
    };
    let exec = async |tx: &mut linkwork_store::Tx, sql: String| {
        linkwork_store::on_tx!(tx, c => sqlx::query(&sql).execute(c).await.map(|_| ())).unwrap();
    };
    let person = |name: &str| {
        format!(
            "INSERT INTO participants (programme_id, site_id, given_name, family_name, date_of_birth, created_at, updated_at) \
                 VALUES ({p}, {}, '{name}', 'Example', '1970-01-01', '2026-05-01T09:00:00+00:00', '2026-05-01T09:00:00+00:00') RETURNING id",
            sites[0]
        )
    };
    let (a, b) = (
        one(&mut tx, person("A")).await,
        one(&mut tx, person("B")).await,
    );
    let score = |who: i64, kind: &str, stage: &str, on: &str, score: i64| {
        format!(
            "INSERT INTO measures (programme_id, participant_id, kind, stage, taken_on, answers, score, created_at) \
                 VALUES ({p}, {who}, '{kind}', '{stage}', '{on}', '[]', {score}, '2026-05-01T09:00:00+00:00') RETURNING id"
        )
    };
    // (person, kind, first day, first score, baseline day, baseline score)
    type Kept = (i64, String, String, f64, Option<String>, Option<f64>);
    let kept = async |tx: &mut linkwork_store::Tx| -> Vec<Kept> {
        let sql = format!(
            "SELECT participant_id, kind, CAST(first_on AS TEXT), first_score, CAST(baseline_on AS TEXT), baseline_score \
             FROM measure_baselines WHERE participant_id IN ({a}, {b}) ORDER BY participant_id, kind"
        );
        linkwork_store::on_tx!(tx, c => sqlx::query_as(&sql).fetch_all(c).await).unwrap()
    };
    let row = |who: i64, kind: &str, first: (&str, f64), base: Option<(&str, f64)>| -> Kept {
        (
            who,
            kind.to_owned(),
            first.0.to_owned(),
            first.1,
            base.map(|b| b.0.to_owned()),
            base.map(|b| b.1),
        )
    };
    let m1 = one(&mut tx, score(a, "swemwbs", "review", "2026-05-10", 20)).await;
    assert_eq!(
        kept(&mut tx).await,
        [row(a, "swemwbs", ("2026-05-10", 20.0), None)]
    );
    let m2 = one(&mut tx, score(a, "swemwbs", "baseline", "2026-05-12", 18)).await;
    one(&mut tx, score(a, "ons4", "baseline", "2026-05-12", 5)).await;
    assert_eq!(
        kept(&mut tx).await,
        [
            row(a, "ons4", ("2026-05-12", 5.0), Some(("2026-05-12", 5.0))),
            row(
                a,
                "swemwbs",
                ("2026-05-10", 20.0),
                Some(("2026-05-12", 18.0))
            ),
        ]
    );
    // The same day: the lower id first.
    one(&mut tx, score(a, "swemwbs", "baseline", "2026-05-12", 25)).await;
    one(&mut tx, score(a, "swemwbs", "review", "2026-05-10", 30)).await;
    assert_eq!(
        kept(&mut tx).await[1],
        row(
            a,
            "swemwbs",
            ("2026-05-10", 20.0),
            Some(("2026-05-12", 18.0))
        )
    );
    exec(
        &mut tx,
        format!("UPDATE measures SET taken_on = '2026-06-01' WHERE id = {m1}"),
    )
    .await;
    assert_eq!(
        kept(&mut tx).await[1],
        row(
            a,
            "swemwbs",
            ("2026-05-10", 30.0),
            Some(("2026-05-12", 18.0))
        )
    );
    exec(
        &mut tx,
        format!("UPDATE measures SET stage = 'review' WHERE id = {m2}"),
    )
    .await;
    assert_eq!(
        kept(&mut tx).await[1],
        row(
            a,
            "swemwbs",
            ("2026-05-10", 30.0),
            Some(("2026-05-12", 25.0))
        )
    );
    exec(
        &mut tx,
        format!("UPDATE measures SET participant_id = {b} WHERE id = {m2}"),
    )
    .await;
    assert_eq!(
        kept(&mut tx).await,
        [
            row(a, "ons4", ("2026-05-12", 5.0), Some(("2026-05-12", 5.0))),
            row(
                a,
                "swemwbs",
                ("2026-05-10", 30.0),
                Some(("2026-05-12", 25.0))
            ),
            row(b, "swemwbs", ("2026-05-12", 18.0), None),
        ]
    );
    exec(&mut tx, format!("DELETE FROM measures WHERE id = {m2}")).await;
    assert_eq!(kept(&mut tx).await.len(), 2);
    // A merge moves all of a person's scores in one statement.
    one(&mut tx, score(b, "swemwbs", "baseline", "2026-04-01", 15)).await;
    exec(
        &mut tx,
        format!("UPDATE measures SET participant_id = {b} WHERE participant_id = {a}"),
    )
    .await;
    assert_eq!(
        kept(&mut tx).await,
        [
            row(b, "ons4", ("2026-05-12", 5.0), Some(("2026-05-12", 5.0))),
            row(
                b,
                "swemwbs",
                ("2026-04-01", 15.0),
                Some(("2026-04-01", 15.0))
            ),
        ]
    );
    tx.rollback().await.unwrap();
});

// A second transaction beside a snapshot sees the same data: on
// PostgreSQL the snapshot's own, whatever is committed after it; on SQLite
// only while no change to the programme has been committed since.
both!(a_snapshot_beside_another_sees_the_same_data, |db| {
    let (p, _, _) = programme(&db, "T", 0).await;
    let bump = async || {
        let mut w = db.write().await.unwrap();
        linkwork_store::reports::bump_data_version(&mut w, p)
            .await
            .unwrap();
        w.commit().await.unwrap();
    };
    bump().await;
    let mut tx = db.snapshot().await.unwrap();
    let seen = linkwork_store::reports::data_version(&mut tx, p)
        .await
        .unwrap();
    let mut twin = db
        .snapshot_beside(&mut tx, p)
        .await
        .unwrap()
        .expect("a twin");
    assert_eq!(
        linkwork_store::reports::data_version(&mut twin, p)
            .await
            .unwrap(),
        seen
    );
    twin.rollback().await.unwrap();
    bump().await;
    assert_eq!(
        linkwork_store::reports::data_version(&mut tx, p)
            .await
            .unwrap(),
        seen
    );
    match db.snapshot_beside(&mut tx, p).await.unwrap() {
        Some(mut twin) => {
            assert_eq!(db.backend(), linkwork_store::db::Backend::Postgres);
            assert_eq!(
                linkwork_store::reports::data_version(&mut twin, p)
                    .await
                    .unwrap(),
                seen
            );
        }
        None => assert_eq!(db.backend(), linkwork_store::db::Backend::Sqlite),
    }
    tx.rollback().await.unwrap();
});

// The whole programme's referral and appointment counts kept per month
// (migration 31): after every kind of change the figures are counted from,
// the months kept and the months counted again add up to the same rows as
// counting every row afresh, and the months changed are the ones counted
// again (one mark per month serves both parts).
both!(
    month_pieces_add_up_to_a_fresh_count_after_every_change,
    |db| {
        use linkwork_store::reports::{self, Part, Scope};
        use std::collections::BTreeMap;
        let (p, cluster, sites) = programme(&db, "M", 2).await;
        let g = admin(p).authorize(Permission::ViewReports).unwrap();
        let mut tx = db.write().await.unwrap();
        let one = async |tx: &mut linkwork_store::Tx, sql: String| -> i64 {
            linkwork_store::on_tx!(tx, c => sqlx::query_scalar(&sql).fetch_one(c).await).unwrap()
        };
        // The practices' area, and another with a cluster of its own (a
        // practice moves there, then its cluster moves back).
        let area = one(
            &mut tx,
            format!("SELECT area_id FROM clusters WHERE id = {cluster}"),
        )
        .await;
        let other_area = org::create_area(&mut tx, &grant(p), "Other", now())
            .await
            .unwrap();
        let other_cluster = org::create_cluster(&mut tx, &grant(p), other_area, "Other", now())
            .await
            .unwrap();
        let exec = async |tx: &mut linkwork_store::Tx, sql: String| {
            linkwork_store::on_tx!(tx, c => sqlx::query(&sql).execute(c).await.map(|_| ()))
                .unwrap();
        };
        let a = one(
        &mut tx,
        format!(
            "INSERT INTO participants (programme_id, site_id, given_name, family_name, date_of_birth, sex, postcode, \
             created_at, updated_at) VALUES ({p}, {}, 'A', 'Example', '1970-06-01', 'female', 'ZZ1 1AA', \
             '2026-01-01T09:00:00+00:00', '2026-01-01T09:00:00+00:00') RETURNING id",
            sites[0]
        ),
    )
    .await;
        let referral = |site: i64, received: &str| {
            format!(
                "INSERT INTO referrals (programme_id, site_id, participant_id, person_name, source, received_on, urgency, reasons, \
             status, snomed_code, created_at, updated_at) VALUES ({p}, {site}, {a}, 'Person', 'gp', '{received}', 'routine', \
             'isolation', 'accepted', '871711000000103', '2026-01-01T09:00:00+00:00', '2026-01-01T09:00:00+00:00') RETURNING id"
            )
        };
        let appointment = |referral: i64, at: &str, status: &str| {
            format!(
                "INSERT INTO appointments (programme_id, referral_id, site_id, starts_at, duration_minutes, mode, status, \
             created_at, updated_at) VALUES ({p}, {referral}, {}, '{at}', 30, 'in_person', '{status}', \
             '2026-01-01T09:00:00+00:00', '2026-01-01T09:00:00+00:00') RETURNING id",
                sites[0]
            )
        };
        let r1 = one(&mut tx, referral(sites[0], "2026-01-15")).await;
        let r2 = one(&mut tx, referral(sites[1], "2026-03-31")).await;
        one(&mut tx, referral(sites[0], "2026-04-01")).await;
        one(
            &mut tx,
            appointment(r2, "2026-02-03T10:00:00+00:00", "booked"),
        )
        .await;
        let score = |on: &str, stage: &str, score: f64| {
            format!(
                "INSERT INTO measures (programme_id, participant_id, kind, stage, taken_on, answers, score, created_at) \
                 VALUES ({p}, {a}, 'swemwbs', '{stage}', '{on}', '[]', {score}, '2026-01-01T09:00:00+00:00') RETURNING id"
            )
        };
        one(&mut tx, score("2026-01-10", "baseline", 20.0)).await;
        one(&mut tx, score("2026-03-15", "review", 24.5)).await;
        let need = |at: &str| {
            format!(
                "INSERT INTO needs (programme_id, participant_id, need, status, created_at, updated_at) \
                 VALUES ({p}, {a}, 'debt', 'open', '{at}', '{at}') RETURNING id"
            )
        };
        one(&mut tx, need("2026-02-05T10:00:00+00:00")).await;
        one(
            &mut tx,
            format!(
                "INSERT INTO onward_support (programme_id, participant_id, kind, service, status, created_at, updated_at) \
                 VALUES ({p}, {a}, 'referral', 'Food bank', 'referred', '2026-03-10T10:00:00+00:00', '2026-03-10T10:00:00+00:00') \
                 RETURNING id"
            ),
        )
        .await;
        let goal = one(
            &mut tx,
            format!(
                "INSERT INTO goals (programme_id, participant_id, words, status, created_at, updated_at) \
                 VALUES ({p}, {a}, 'Walk more', 'achieved', '2026-03-01T10:00:00+00:00', '2026-03-01T10:00:00+00:00') RETURNING id"
            ),
        )
        .await;
        one(
            &mut tx,
            format!(
                "INSERT INTO goal_reviews (goal_id, status, reviewed_at) VALUES ({goal}, 'achieved', '2026-05-05T10:00:00+00:00') \
                 RETURNING id"
            ),
        )
        .await;
        exec(
        &mut tx,
        format!("INSERT INTO referral_reasons (referral_id, programme_id, reason) VALUES ({r1}, {p}, 'isolation')"),
    )
    .await;
        // The wider work (migration 35): a group's session and a course
        // completed, a practice activity, a voucher given late on the last
        // evening of March in summer time (April in the UK), and a
        // partner's answer to onward support made in April, given late on
        // the last evening of May (June in the UK).
        let stamp = "'2026-01-01T09:00:00+00:00'";
        let partner_org = one(
            &mut tx,
            format!(
                "INSERT INTO dir_organizations (programme_id, uuid, name, created_at, updated_at) \
                 VALUES ({p}, 'pieces-partner', 'Partner', {stamp}, {stamp}) RETURNING id"
            ),
        )
        .await;
        let partner = one(
            &mut tx,
            format!(
                "INSERT INTO users (programme_id, email, name, role, organization_id, created_at, updated_at) \
                 VALUES ({p}, 'partner-pieces@example.org', 'Partner staff', 'partner', {partner_org}, {stamp}, {stamp}) RETURNING id"
            ),
        )
        .await;
        let group = one(
            &mut tx,
            format!(
                "INSERT INTO community_groups (programme_id, name, kind, created_at) \
                 VALUES ({p}, 'Walk', 'health_walk', {stamp}) RETURNING id"
            ),
        )
        .await;
        let session = one(
            &mut tx,
            format!(
                "INSERT INTO group_sessions (group_id, held_on, others, created_at) \
                 VALUES ({group}, '2026-02-10', 2, {stamp}) RETURNING id"
            ),
        )
        .await;
        exec(
            &mut tx,
            format!(
                "INSERT INTO group_attendance (session_id, participant_id) VALUES ({session}, {a})"
            ),
        )
        .await;
        exec(
            &mut tx,
            format!(
                "INSERT INTO group_members (group_id, participant_id, joined_on, completed_on) \
                 VALUES ({group}, {a}, '2026-01-05', '2026-03-20')"
            ),
        )
        .await;
        one(
            &mut tx,
            format!(
                "INSERT INTO practice_activities (programme_id, site_id, kind, held_on, attending, created_at) \
                 VALUES ({p}, {}, 'talk', '2026-05-12', 6, {stamp}) RETURNING id",
                sites[0]
            ),
        )
        .await;
        let fund = one(
            &mut tx,
            format!(
                "INSERT INTO funds (programme_id, name, kind, balance_pence, created_at) \
                 VALUES ({p}, 'Warm homes', 'vouchers', 10000, {stamp}) RETURNING id"
            ),
        )
        .await;
        one(
            &mut tx,
            format!(
                "INSERT INTO fund_movements (fund_id, participant_id, amount_pence, at) \
                 VALUES ({fund}, {a}, -1500, '2026-03-31T23:30:00+00:00') RETURNING id"
            ),
        )
        .await;
        one(
            &mut tx,
            format!(
                "INSERT INTO onward_support (programme_id, participant_id, kind, service, status, responded_by, responded_at, \
                 created_at, updated_at) VALUES ({p}, {a}, 'referral', 'Advice', 'accepted', {partner}, \
                 '2026-05-31T23:30:00+00:00', '2026-04-02T10:00:00+00:00', '2026-04-02T10:00:00+00:00') RETURNING id"
            ),
        )
        .await;
        // January to June 2026, split at April; and a run of days from 20
        // January to 10 June split on 17 March (its whole months February,
        // April and May added up from the pieces, the days about them
        // counted directly).
        let day = |m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let (first, last, split) = (day(1, 1), day(6, 30), day(4, 1));
        let whole = (first, last, split);
        let run = (day(1, 20), day(6, 10), day(3, 17));
        // And 2026 beside 2025: two calendar years, each read from its
        // roll-up once kept (keep_roll_ups), else month by month.
        let years = (
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            day(12, 31),
            day(1, 1),
        );
        // And the financial year 2025-26 beside 2024-25: the later one
        // read from its roll-up once kept, the earlier counted (its months
        // of 2024 are never kept here).
        let fy = (
            chrono::NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
            day(3, 31),
            chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
        );
        let instant = |d: chrono::NaiveDate| {
            linkwork_domain::appointment::london_instant(d, chrono::NaiveTime::MIN).unwrap()
        };
        let (jan, mar, apr) = (2026 * 12, 2026 * 12 + 2, 2026 * 12 + 3);
        // Both parts' rows, tidied (summed by key), and the months counted
        // afresh, the same for both.
        type Tidy = BTreeMap<(String, i64, i64, Option<String>), i64>;
        type Days = (chrono::NaiveDate, chrono::NaiveDate, chrono::NaiveDate);
        let count_in = async |tx: &mut linkwork_store::Tx,
                              g: &linkwork_domain::Grant,
                              scope: Scope,
                              span: Days|
               -> (Tidy, Vec<i64>) {
            let (first, last, split) = span;
            let instants = (
                instant(first),
                instant(last.succ_opt().unwrap()),
                instant(split),
            );
            let mut m = Tidy::new();
            let (refs, months) = reports::referral_counts(tx, g, scope, first, last, split)
                .await
                .unwrap();
            for r in refs {
                *m.entry((r.dim, r.side, r.site_id, r.key)).or_insert(0) += r.n;
            }
            let (appts, also) = reports::appointments(tx, g, scope, (first, last, split), instants)
                .await
                .unwrap();
            for r in appts {
                *m.entry((format!("appointment:{}", r.status), r.side, r.site_id, None))
                    .or_insert(0) += r.n;
            }
            if scope == Scope::Programme {
                assert_eq!(months, also);
            }
            for kind in ["needs", "onward", "goals"] {
                let (events, also) =
                    reports::person_events(tx, g, scope, kind, (first, last, split), instants)
                        .await
                        .unwrap();
                for r in events {
                    let what = format!("{kind}:{}:{:?}:{:?}", r.what, r.status, r.category);
                    *m.entry((what, r.side, r.site_id, None)).or_insert(0) += r.n;
                }
                if scope == Scope::Programme {
                    assert_eq!(months, also, "{kind}");
                }
            }
            // The wider work: each half of the whole span kept as one piece.
            let (wider, keep_wider) =
                reports::wider_work(tx, g, scope, (first, last, split), instants)
                    .await
                    .unwrap();
            for r in wider {
                *m.entry((format!("wider:{}", r.dim), r.side, r.site_id, r.key))
                    .or_insert(0) += r.n;
            }
            if matches!(scope, Scope::Programme | Scope::Area(_))
                && span == whole
                && g.scope().params().1
            {
                // The second half is marked by every change in the span;
                // the first by those up to March. An area reads the
                // programme's pieces.
                let second = keep_wider.contains(&(split, last));
                assert_eq!(second, !months.is_empty(), "wider work");
                let first_half = keep_wider.contains(&(first, split.pred_opt().unwrap()));
                let to_march = months.iter().any(|m| *m < reports::month_number(split));
                assert_eq!(first_half, to_march, "wider work to March");
            }
            // The wellbeing changes of the whole span: kept as one piece,
            // counted afresh when any month up to its last was marked.
            let (changes, afresh) = reports::measure_changes(tx, g, scope, first, last)
                .await
                .unwrap();
            for r in changes {
                let what = format!("measure:{}:{}", r.kind, r.change);
                *m.entry((what, 0, r.site_id, None)).or_insert(0) += r.n;
            }
            if scope == Scope::Programme && span == whole {
                assert_eq!(afresh, !months.is_empty(), "measures");
            }
            // The cases open at each period's end and closed in each
            // (migration 32: closed by month, open at a month's end).
            let (cases, case_months) = reports::case_counts(
                tx,
                g,
                scope,
                [(split, last), (first, split.pred_opt().unwrap())],
            )
            .await
            .unwrap();
            // Each flag apart, as the figures read them (a closure reason
            // counts for closed cases only).
            for c in cases {
                for (flag, on, reason) in [
                    ("open_now", c.open_now, None),
                    ("open_before", c.open_before, None),
                    ("closed_now", c.closed_now, c.closure_reason.clone()),
                    ("closed_before", c.closed_before, c.closure_reason.clone()),
                ] {
                    if on == 1 {
                        let what = format!("case:{flag}:{:?}:{reason:?}", c.link_worker_id);
                        *m.entry((what, 0, c.site_id, None)).or_insert(0) += c.n;
                    }
                }
            }
            if scope == Scope::Programme && g.scope().params().1 {
                assert_eq!(case_months.closed, months, "cases closed");
            }
            // The months over time: referrals and attended from the pieces.
            let (trend, _) =
                reports::by_month(tx, g, scope, (first, last), (instants.0, instants.1))
                    .await
                    .unwrap();
            for r in trend {
                *m.entry((format!("month:{}:{}", r.what, r.month), 0, 0, None))
                    .or_insert(0) += r.n;
            }
            (m, months)
        };
        let count =
            async |tx: &mut linkwork_store::Tx, scope: Scope| count_in(tx, &g, scope, whole).await;
        // A link worker of both practices: the same rows, counted directly
        // (no pieces serve a grant of some practices).
        let worker = link_worker(&mut tx, p, "pieces@example.org", &sites).await;
        let direct = actor(p, worker, Role::LinkWorker)
            .authorize(Permission::ViewReports)
            .unwrap();
        // And one of the first practice only: its figures, counted directly.
        let first_only = link_worker(&mut tx, p, "pieces-one@example.org", &sites[..1]).await;
        let one_practice = actor(p, first_only, Role::LinkWorker)
            .authorize(Permission::ViewReports)
            .unwrap();
        let keep = async |tx: &mut linkwork_store::Tx, months: &[i64]| {
            for part in Part::ALL {
                reports::keep_pieces(tx, &g, part, months).await.unwrap();
            }
            reports::keep_measure_changes(tx, &g, first, last)
                .await
                .unwrap();
            for (first, last) in [(first, split.pred_opt().unwrap()), (split, last)] {
                reports::keep_wider_work(tx, &g, first, last).await.unwrap();
            }
            // The cases open at every month's end: each depends on every
            // month up to its own.
            let every: Vec<i64> = (jan..jan + 6).collect();
            reports::keep_open_cases(tx, &g, &every).await.unwrap();
            // Each year's, financial year's and quarter's roll-up, where
            // all its months are kept good.
            let every: Vec<i64> = (jan - 12..jan + 12).collect();
            for part in Part::ALL {
                reports::keep_roll_ups(tx, &g, part, &every, jan + 12)
                    .await
                    .unwrap();
            }
        };
        let rolled = async |tx: &mut linkwork_store::Tx| -> i64 {
            one(
                tx,
                format!(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM figure_pieces WHERE programme_id = {p} AND part LIKE '%:y'"
                ),
            )
            .await
        };
        // Counted, then kept: every month counted the first time, none after.
        let (fresh, counted) = count(&mut tx, Scope::Programme).await;
        assert_eq!(counted, (jan..jan + 6).collect::<Vec<_>>());
        assert!(fresh.keys().any(|k| k.0 == "reason"));
        assert!(fresh.keys().any(|k| k.0 == "appointment:booked"));
        for kind in [
            "needs:debt",
            "onward:referral",
            "goals:achieved",
            "measure:swemwbs:4.5",
            "month:referrals:2026-01",
            "wider:group_attendance",
            "wider:group_people",
            "wider:group_sessions",
            "wider:course_completed",
            "wider:practice_activity",
            "wider:vouchers",
            "wider:partner_answers",
        ] {
            assert!(fresh.keys().any(|k| k.0.starts_with(kind)), "{kind}");
        }
        let (run_fresh, run_counted) = count_in(&mut tx, &g, Scope::Programme, run).await;
        assert_eq!(
            run_counted,
            vec![jan + 1, apr, apr + 1],
            "the run's whole months"
        );
        assert!(run_fresh.keys().any(|k| k.0 == "appointment:booked"));
        let (years_fresh, _) = count_in(&mut tx, &g, Scope::Programme, years).await;
        let every_month: Vec<i64> = (jan - 12..jan + 12).collect();
        keep(&mut tx, &every_month).await;
        assert_eq!(rolled(&mut tx).await, 12, "two years of six parts");
        let roll_ups = |suffix: &str| {
            format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM figure_pieces WHERE programme_id = {p} AND part LIKE '%:{suffix}'"
            )
        };
        assert_eq!(
            one(&mut tx, roll_ups("f")).await,
            6,
            "a financial year of six parts"
        );
        assert_eq!(
            one(&mut tx, roll_ups("q")).await,
            48,
            "eight quarters of six parts"
        );
        let (kept, counted) = count(&mut tx, Scope::Programme).await;
        assert!(counted.is_empty());
        assert_eq!(kept, fresh);
        let (years_kept, counted) = count_in(&mut tx, &g, Scope::Programme, years).await;
        assert!(counted.is_empty());
        assert_eq!(years_kept, years_fresh, "the years' roll-ups");
        assert!(years_kept.keys().any(|k| k.0 == "appointment:booked"));
        let (run_kept, counted) = count_in(&mut tx, &g, Scope::Programme, run).await;
        assert!(counted.is_empty());
        assert_eq!(run_kept, run_fresh);
        assert_eq!(
            run_kept,
            count_in(&mut tx, &direct, Scope::Programme, run).await.0
        );
        // An area's are added up from the pieces: its practices' rows, and
        // the other dimensions kept by area.
        let (area_kept, counted) = count(&mut tx, Scope::Area(area)).await;
        assert!(counted.is_empty());
        assert!(area_kept.keys().any(|k| k.0 == "source" && k.2 == -area));
        let (area_years_kept, _) = count_in(&mut tx, &g, Scope::Area(area), years).await;
        assert_eq!(area_kept, fresh, "the area is the whole programme");
        assert_eq!(area_years_kept, years_fresh);
        // A practice's figures are counted directly and keep nothing; they are
        // part of the programme's.
        let (practice, counted) = count(&mut tx, Scope::Practice(sites[0])).await;
        assert!(counted.is_empty());
        assert!(!practice.is_empty() && practice.len() < fresh.len());
        // Each change, then: the months counted again, and the rows against a
        // count of everything afresh.
        let all: Vec<i64> = (jan..jan + 6).collect();
        let changes: Vec<(String, Vec<i64>)> = vec![
        (referral(sites[1], "2026-02-10"), vec![jan + 1]),
        (
            format!("UPDATE referrals SET received_on = '2026-05-02' WHERE id = {r2}"),
            vec![mar, apr + 1],
        ),
        (
            format!("INSERT INTO referral_reasons (referral_id, programme_id, reason) VALUES ({r2}, {p}, 'debt')"),
            vec![apr + 1],
        ),
        (
            format!("UPDATE referrals SET source = 'self' WHERE id = {r1}"),
            vec![jan],
        ),
        // Cases: given a link worker (the months they were received in),
        // closed without a day (not open, not closed in a month), closed
        // on a day (that month too), and the day moved (both months).
        (
            format!("UPDATE referrals SET link_worker_id = {worker} WHERE id IN ({r1}, {r2})"),
            vec![jan, apr + 1],
        ),
        (
            format!("UPDATE referrals SET status = 'closed' WHERE id = {r1}"),
            vec![jan],
        ),
        (
            format!(
                "UPDATE referrals SET closed_on = '2026-05-20', closure_reason = 'goals_met' WHERE id = {r1}"
            ),
            vec![jan, apr + 1],
        ),
        (
            format!("UPDATE referrals SET closed_on = '2026-03-10' WHERE id = {r1}"),
            vec![jan, mar, apr + 1],
        ),
        // A closed case's reason and practice (both of its months); a
        // step between received and closed moves nothing.
        (
            format!("UPDATE referrals SET closure_reason = 'moved_away' WHERE id = {r1}"),
            vec![jan, mar],
        ),
        (
            format!("UPDATE referrals SET site_id = {} WHERE id = {r1}", sites[1]),
            vec![jan, mar],
        ),
        (
            format!("UPDATE referrals SET status = 'contacted' WHERE id = {r2}"),
            vec![],
        ),
        // A case added already closed (its received and closing months),
        // then declined, then its worker taken away.
        (
            format!(
                "INSERT INTO referrals (programme_id, site_id, participant_id, person_name, source, received_on, urgency, \
                 reasons, status, snomed_code, link_worker_id, closed_on, closure_reason, created_at, updated_at) \
                 VALUES ({p}, {}, {a}, 'Person', 'gp', '2026-02-03', 'routine', 'isolation', 'closed', '871711000000103', \
                 {worker}, '2026-04-15', 'goals_met', '2026-01-01T09:00:00+00:00', '2026-01-01T09:00:00+00:00') RETURNING id",
                sites[0]
            ),
            vec![jan + 1, apr],
        ),
        (
            "UPDATE referrals SET status = 'declined' WHERE closed_on = '2026-04-15'".to_owned(),
            vec![jan + 1, apr],
        ),
        (
            "UPDATE referrals SET status = 'closed', link_worker_id = NULL WHERE closed_on = '2026-04-15'".to_owned(),
            vec![jan + 1, apr],
        ),
        // Attended: the appointment's month, and the referral's (its first
        // attended day; the month it was closed in, as any change to it).
        (appointment(r1, "2026-02-20T10:00:00+00:00", "attended"), vec![jan, jan + 1, mar]),
        // Late on the last evening of March in summer time: April in the UK.
        (appointment(r1, "2026-03-31T23:30:00+00:00", "booked"), vec![apr]),
        (
            "UPDATE appointments SET status = 'did_not_attend' WHERE starts_at = '2026-03-31T23:30:00+00:00'".to_owned(),
            vec![apr],
        ),
        (
            "UPDATE appointments SET duration_minutes = 45".to_owned(),
            vec![],
        ),
        (
            format!("UPDATE participants SET sex = 'male' WHERE id = {a}"),
            vec![jan, jan + 1, apr, apr + 1],
        ),
        (
            format!("UPDATE participants SET given_name = 'B' WHERE id = {a}"),
            vec![],
        ),
        // Late on the last evening of June in summer time: July in the UK,
        // outside the span.
        (need("2026-06-30T23:30:00+00:00"), vec![]),
        // Both onward supports: their months, and the partner's answer's.
        (
            "UPDATE onward_support SET status = 'attended'".to_owned(),
            vec![jan + 2, apr, apr + 2],
        ),
        (
            "UPDATE goal_reviews SET status = 'partly'".to_owned(),
            vec![apr + 1],
        ),
        (
            "UPDATE measures SET score = 26 WHERE taken_on = '2026-03-15'".to_owned(),
            vec![mar],
        ),
        // Taken after the span: nothing of it counted again.
        (score("2026-07-02", "review", 30.0), vec![]),
        ("UPDATE goals SET words = 'Walk'".to_owned(), vec![]),
        (
            format!("UPDATE participants SET site_id = {} WHERE id = {a}", sites[1]),
            vec![jan, jan + 1, jan + 2, apr, apr + 1, apr + 2],
        ),
        (
            "INSERT INTO postcodes (postcode, district, latitude, longitude, datazone) \
             VALUES ('ZZ1 1AA', 'ZZ1', 55.0, -4.0, 'S01000001')"
                .to_owned(),
            all.clone(),
        ),
        (
            "INSERT INTO simd_datazones (datazone, name, council, simd_rank, decile, quintile) \
             VALUES ('S01000001', 'Zone', 'Council', 10, 1, 1)"
                .to_owned(),
            all.clone(),
        ),
        (
            format!("UPDATE sites SET deep_end = FALSE WHERE id = {}", sites[0]),
            all.clone(),
        ),
        // Which area a practice's referrals were counted for.
        (
            format!("UPDATE sites SET cluster_id = {other_cluster} WHERE id = {}", sites[1]),
            all.clone(),
        ),
        (
            format!("UPDATE clusters SET area_id = {area} WHERE id = {other_cluster}"),
            all.clone(),
        ),
        (
            format!("DELETE FROM referral_reasons WHERE referral_id = {r1}"),
            vec![jan],
        ),
        (
            "DELETE FROM appointments WHERE starts_at = '2026-02-03T10:00:00+00:00'".to_owned(),
            vec![jan + 1],
        ),
        // The wider work: a session re-dated (both months), a course's
        // completion moved, an activity's attendance, a voucher's amount
        // (its UK month), a partner's answer, a referral found to be a
        // partner's; a group's kind and an organisation's name (every
        // month).
        (
            format!("UPDATE group_sessions SET held_on = '2026-05-05' WHERE id = {session}"),
            vec![jan + 1, apr + 1],
        ),
        (
            "UPDATE group_members SET completed_on = '2026-06-02'".to_owned(),
            vec![jan + 2, jan + 5],
        ),
        (
            "UPDATE practice_activities SET attending = 9".to_owned(),
            vec![apr + 1],
        ),
        (
            "UPDATE fund_movements SET amount_pence = -2500".to_owned(),
            vec![apr],
        ),
        (
            "UPDATE onward_support SET status = 'declined' WHERE responded_by IS NOT NULL".to_owned(),
            vec![apr, apr + 2],
        ),
        // The answer's day alone: its UK months before and after.
        (
            "UPDATE onward_support SET responded_at = '2026-05-20T10:00:00+00:00' WHERE responded_by IS NOT NULL".to_owned(),
            vec![apr + 1, apr + 2],
        ),
        (
            "DELETE FROM practice_activities".to_owned(),
            vec![apr + 1],
        ),
        (
            format!("UPDATE referrals SET created_by = {partner} WHERE id = {r1}"),
            vec![jan],
        ),
        (
            format!("UPDATE community_groups SET kind = 'exercise' WHERE id = {group}"),
            all.clone(),
        ),
        (
            format!("UPDATE dir_organizations SET name = 'Partner two' WHERE id = {partner_org}"),
            all.clone(),
        ),
        (
            format!("UPDATE funds SET name = 'Warm homes fund' WHERE id = {fund}"),
            all.clone(),
        ),
        (
            format!("UPDATE users SET organization_id = NULL WHERE id = {partner}"),
            all.clone(),
        ),
    ];
        for (change, months) in changes {
            if change.contains("RETURNING") {
                one(&mut tx, change.clone()).await;
            } else {
                exec(&mut tx, change.clone()).await;
            }
            let (got, counted) = count(&mut tx, Scope::Programme).await;
            assert_eq!(counted, months, "{change}");
            // An area adds up its practices' and its own rows of the kept
            // months, as the programme does.
            let (area_got, area_counted) = count(&mut tx, Scope::Area(area)).await;
            assert_eq!(area_counted, months, "the area: {change}");
            let (area_years, _) = count_in(&mut tx, &g, Scope::Area(area), years).await;
            let (run_got, _) = count_in(&mut tx, &g, Scope::Programme, run).await;
            let (years_got, _) = count_in(&mut tx, &g, Scope::Programme, years).await;
            let (years_practice, _) = count_in(&mut tx, &g, Scope::Practice(sites[0]), years).await;
            let (fy_got, _) = count_in(&mut tx, &g, Scope::Programme, fy).await;
            // A practice's appointments and person events add up its own
            // rows of the kept months (the others counted for it alone).
            let (practice, _) = count(&mut tx, Scope::Practice(sites[0])).await;
            // The months kept again but not yet their years: each year's
            // roll-up, stale, is not read though its months are good.
            for part in Part::ALL {
                reports::keep_pieces(&mut tx, &g, part, &counted)
                    .await
                    .unwrap();
            }
            let (years_months, _) = count_in(&mut tx, &g, Scope::Programme, years).await;
            keep(&mut tx, &counted).await;
            let (practice_kept, _) = count(&mut tx, Scope::Practice(sites[0])).await;
            let (area_kept, _) = count(&mut tx, Scope::Area(area)).await;
            let (area_years_kept, _) = count_in(&mut tx, &g, Scope::Area(area), years).await;
            let (run_kept, _) = count_in(&mut tx, &g, Scope::Programme, run).await;
            let (run_practice, _) = count_in(&mut tx, &g, Scope::Practice(sites[0]), run).await;
            let (years_kept, _) = count_in(&mut tx, &g, Scope::Programme, years).await;
            let (fy_kept, _) = count_in(&mut tx, &g, Scope::Programme, fy).await;
            let (years_practice_kept, _) =
                count_in(&mut tx, &g, Scope::Practice(sites[0]), years).await;
            exec(
                &mut tx,
                format!("DELETE FROM figure_pieces WHERE programme_id = {p}"),
            )
            .await;
            let (afresh, counted) = count(&mut tx, Scope::Programme).await;
            assert_eq!(counted, all);
            assert_eq!(got, afresh, "{change}");
            let (practice_afresh, _) = count(&mut tx, Scope::Practice(sites[0])).await;
            assert_eq!(practice, practice_afresh, "{change}");
            let (area_afresh, _) = count(&mut tx, Scope::Area(area)).await;
            assert_eq!(area_got, area_afresh, "the area: {change}");
            assert_eq!(area_kept, area_afresh, "the area, kept: {change}");
            let (area_years_afresh, _) = count_in(&mut tx, &g, Scope::Area(area), years).await;
            assert_eq!(area_years, area_years_afresh, "the area's years: {change}");
            assert_eq!(
                area_years_kept, area_years_afresh,
                "the area's years, kept: {change}"
            );
            assert_eq!(practice_kept, practice_afresh, "{change}");
            let (run_afresh, _) = count_in(&mut tx, &direct, Scope::Programme, run).await;
            assert_eq!(run_got, run_afresh, "the run of days: {change}");
            let (direct_whole, _) = count_in(&mut tx, &direct, Scope::Programme, whole).await;
            assert_eq!(got, direct_whole, "counted directly: {change}");
            assert_eq!(run_kept, run_afresh, "the run of days, kept: {change}");
            let (run_practice_afresh, _) =
                count_in(&mut tx, &g, Scope::Practice(sites[0]), run).await;
            assert_eq!(run_practice, run_practice_afresh, "{change}");
            let (practice_direct, _) =
                count_in(&mut tx, &one_practice, Scope::Programme, whole).await;
            assert_eq!(practice_kept, practice_direct, "{change}");
            let (run_practice_direct, _) =
                count_in(&mut tx, &one_practice, Scope::Programme, run).await;
            assert_eq!(run_practice, run_practice_direct, "{change}");
            // The years, from roll-ups stale (the months changed) and
            // kept again, against a count of every row.
            let (fy_direct, _) = count_in(&mut tx, &direct, Scope::Programme, fy).await;
            assert_eq!(fy_got, fy_direct, "the financial years: {change}");
            assert_eq!(fy_kept, fy_direct, "the financial years, kept: {change}");
            let (years_direct, _) = count_in(&mut tx, &direct, Scope::Programme, years).await;
            assert_eq!(years_got, years_direct, "the years: {change}");
            assert_eq!(years_months, years_direct, "the years' months: {change}");
            assert_eq!(years_kept, years_direct, "the years, kept: {change}");
            let (years_practice_direct, _) =
                count_in(&mut tx, &one_practice, Scope::Programme, years).await;
            assert_eq!(years_practice, years_practice_direct, "{change}");
            assert_eq!(years_practice_kept, years_practice_direct, "{change}");
            keep(&mut tx, &every_month).await;
            assert_eq!(rolled(&mut tx).await, 12, "{change}");
        }
        // A score taken before the span: no month of it is counted again,
        // but its wellbeing changes are (a baseline may have moved).
        one(&mut tx, score("2025-12-01", "baseline", 10.0)).await;
        let (_, afresh) = reports::measure_changes(&mut tx, &g, Scope::Programme, first, last)
            .await
            .unwrap();
        assert!(afresh);
        let (_, months) =
            reports::referral_counts(&mut tx, &g, Scope::Programme, first, last, split)
                .await
                .unwrap();
        assert!(months.is_empty());
        tx.rollback().await.unwrap();
    }
);

// Two changes that take the same two rows in opposite orders deadlock on
// PostgreSQL; the one given up is told apart from other failures (the app
// answers "busy, try again" rather than "something went wrong").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadlock_on_postgres_is_told_apart_as_contention() {
    let Some(t) = postgres().await else {
        return;
    };
    let (p, _, _) = programme(&t.db, "D", 1).await;
    let bump = |month: i64| {
        format!(
            "INSERT INTO figure_marks (programme_id, month, version) VALUES ({p}, {month}, 1) \
             ON CONFLICT (programme_id, month) DO UPDATE SET version = figure_marks.version + 1"
        )
    };
    let exec = async |tx: &mut linkwork_store::Tx, sql: String| linkwork_store::on_tx!(tx, c => sqlx::query(&sql).execute(c).await.map(|_| ()));
    for m in [1, 2] {
        let mut tx = t.db.write().await.unwrap();
        exec(&mut tx, bump(m)).await.unwrap();
        tx.commit().await.unwrap();
    }
    let mut a = t.db.write().await.unwrap();
    let mut b = t.db.write().await.unwrap();
    exec(&mut a, bump(1)).await.unwrap();
    exec(&mut b, bump(2)).await.unwrap();
    let (ra, rb) = tokio::join!(exec(&mut a, bump(2)), exec(&mut b, bump(1)));
    let failed: Vec<StoreError> = [ra, rb]
        .into_iter()
        .filter_map(Result::err)
        .map(StoreError::from)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].is_contention(), "{:?}", failed[0]);
    let _ = a.rollback().await;
    let _ = b.rollback().await;
    assert!(!StoreError::NotFound.is_contention());
}
