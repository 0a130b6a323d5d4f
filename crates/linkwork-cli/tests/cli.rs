//! The `linkwork` binary's subcommands, run as an operator would.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn name() -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).unwrap();
    hex::encode(b)
}

struct Dir(std::path::PathBuf);
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp() -> (Dir, String) {
    let d = std::env::temp_dir().join(format!("linkwork-cli-{}", name()));
    std::fs::create_dir_all(&d).unwrap();
    let url = format!("sqlite://{}", d.join("cli.db").display());
    (Dir(d), url)
}

fn run(url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_linkwork"));
    c.args(args)
        .env("LINKWORK_DATABASE_URL", url)
        .env("LINKWORK_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn user_flow(url: &str) {
    let o = run(
        url,
        &[
            "user",
            "add",
            "--email",
            "Lead@Example.org",
            "--name",
            "Lead Admin",
            "--role",
            "administrator",
            "--password-stdin",
        ],
        Some("a long operator passphrase\n"),
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("Added user"));
    // The figures of an empty programme, on either database.
    let o = run(url, &["report", "quarterly", "--period", "2024Q1"], None);
    assert!(o.status.success(), "{}", out(&o));
    assert!(
        out(&o).contains("\nreferrals_received,0,0,2024Q1,2023Q4,programme\n"),
        "{}",
        out(&o)
    );
    let o = run(
        url,
        &[
            "user",
            "add",
            "--email",
            "w@example.org",
            "--name",
            "Worker",
            "--role",
            "wizard",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(out(&o).contains("role: Choose a role"), "{}", out(&o));
    let o = run(
        url,
        &[
            "user",
            "add",
            "--email",
            "w@example.org",
            "--name",
            "Worker",
            "--role",
            "link-worker",
            "--site",
            "NOPE1",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(out(&o).contains("NOPE1"), "{}", out(&o));
    let o = run(
        url,
        &[
            "user",
            "add",
            "--email",
            "w@example.org",
            "--name",
            "Worker",
            "--role",
            "link-worker",
            "--password-stdin",
        ],
        Some("password1234\n"),
    );
    assert!(!o.status.success());
    assert!(
        out(&o).contains("password: This password is too common"),
        "{}",
        out(&o)
    );
    let o = run(
        url,
        &["token", "create", "--email", "lead@example.org"],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(String::from_utf8_lossy(&o.stdout).trim().starts_with("lw_"));
    let o = run(
        url,
        &["user", "disable", "--email", "lead@example.org"],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    let o = run(url, &["audit", "verify"], None);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("The audit trail is whole"));
    checkpoints(url);
    // A name that matches no programme, on a database that has one, is a
    // mistake until --create-programme says otherwise; and errors are a
    // sentence, never a stack trace.
    let add_to = |programme: &str, extra: &[&str]| {
        let mut args = vec![
            "user",
            "add",
            "--email",
            "other@example.org",
            "--name",
            "Other Lead",
            "--role",
            "administrator",
            "--programme",
            programme,
        ];
        args.extend_from_slice(extra);
        let mut c = Command::new(env!("CARGO_BIN_EXE_linkwork"));
        c.args(&args)
            .env("LINKWORK_DATABASE_URL", url)
            .env("LINKWORK_LOG", "warn")
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::null());
        c.output().unwrap()
    };
    let o = add_to("Our Programe", &[]);
    assert!(!o.status.success());
    let text = out(&o);
    assert!(text.contains("--create-programme"), "{text}");
    assert!(
        !text.contains("backtrace") && !text.contains("Caused by"),
        "{text}"
    );
    let o = add_to("Another programme", &["--create-programme"]);
    assert!(o.status.success(), "{}", out(&o));
}

/// A sealed checkpoint outside the database, and a check against it.
fn checkpoints(url: &str) {
    let d = std::env::temp_dir().join(format!("linkwork-cp-{}", name()));
    std::fs::create_dir_all(&d).unwrap();
    let _cleanup = Dir(d.clone());
    let key = d.join("audit.key");
    let cp = d.join("checkpoint.json");
    let (key_s, cp_s) = (key.to_string_lossy(), cp.to_string_lossy());
    let o = run(url, &["audit", "new-key", "--to", &key_s], None);
    assert!(o.status.success(), "{}", out(&o));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the owner reads the key");
    }
    let o = run(url, &["audit", "checkpoint", "--to", &cp_s], None);
    assert!(!o.status.success(), "a checkpoint needs the key");
    assert!(out(&o).contains("--audit-key-file"), "{}", out(&o));
    let o = run(
        url,
        &[
            "audit",
            "checkpoint",
            "--to",
            &cp_s,
            "--audit-key-file",
            &key_s,
        ],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("sealed checkpoint"), "{}", out(&o));
    let o = run(
        url,
        &[
            "audit",
            "verify",
            "--checkpoint",
            &cp_s,
            "--audit-key-file",
            &key_s,
        ],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("none shorter"), "{}", out(&o));
    // A checkpoint edited by hand no longer matches its seal.
    let text = std::fs::read_to_string(&cp).unwrap();
    let edited = d.join("edited.json");
    std::fs::write(&edited, text.replacen("\"seq\": ", "\"seq\": 1", 1)).unwrap();
    let o = run(
        url,
        &[
            "audit",
            "verify",
            "--checkpoint",
            &edited.to_string_lossy(),
            "--audit-key-file",
            &key_s,
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(out(&o).contains("seal"), "{}", out(&o));
}

#[test]
fn users_tokens_and_audit_on_sqlite() {
    let (_d, url) = temp();
    user_flow(&url);
}

#[test]
fn users_tokens_and_audit_on_postgres() {
    on_postgres(user_flow);
}

#[test]
fn demo_migrate_and_backup() {
    let (d, url) = temp();
    let o = run(
        &url,
        &[
            "demo",
            "--scale",
            "programme",
            "--seed",
            "3",
            "--years",
            "1",
        ],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    let text = out(&o);
    assert!(
        text.contains("5 areas") && text.contains("96 sites"),
        "{text}"
    );
    assert!(text.contains("admin@linkwork.example"));
    let again = run(&url, &["demo"], None);
    assert!(
        out(&again).contains("empty database only"),
        "{}",
        out(&again)
    );
    assert!(!text.contains("slow statement"), "{text}");
    let o = run(&url, &["migrate"], None);
    assert!(out(&o).contains("schema version 35"), "{}", out(&o));
    // A partner's account names their organisation in the directory (by
    // name or id); an unknown one is named.
    let partner = |org: &str| {
        let mut args = vec![
            "user",
            "add",
            "--email",
            "volunteer@foodbank.example",
            "--name",
            "Food bank volunteer",
            "--role",
            "partner",
        ];
        if !org.is_empty() {
            args.extend(["--organization", org]);
        }
        run(&url, &args, None)
    };
    let o = partner("No Such Organisation");
    assert!(
        !o.status.success() && out(&o).contains("no organisation called No Such Organisation"),
        "{}",
        out(&o)
    );
    let o = partner("");
    assert!(
        !o.status.success() && out(&o).contains("organisation"),
        "{}",
        out(&o)
    );
    let o = partner("1");
    assert!(o.status.success(), "{}", out(&o));
    // The figures from the command line: CSV to standard output, XLSX and
    // the printable report to files; a wrong period is named.
    let o = run(&url, &["report", "quarterly", "--scope", "programme"], None);
    assert!(o.status.success(), "{}", out(&o));
    let csv = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        csv.starts_with("measure,value,previous,period,previous_period,scope\n"),
        "{csv}"
    );
    assert!(
        !csv.contains("\nreferrals_received,0,"),
        "a quarter of the demo has referrals: {csv}"
    );
    let xlsx = d.0.join("figures.xlsx");
    let o = run(
        &url,
        &[
            "report",
            "quarterly",
            "--period",
            "2026-27",
            "--format",
            "xlsx",
            "--sharing",
            "--output",
            &xlsx.to_string_lossy(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    let o = run(
        &url,
        &[
            "report",
            "quarterly",
            "--period",
            "2026-10",
            "--scope",
            "area:North West",
            "--format",
            "html",
        ],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("<svg"),
        "{}",
        out(&o)
    );
    let o = run(&url, &["report", "quarterly", "--period", "2026Q5"], None);
    assert!(!o.status.success());
    assert!(out(&o).contains("period: Enter a period"), "{}", out(&o));
    // The SIMD table from a file.
    let simd = d.0.join("simd.csv");
    std::fs::write(
        &simd,
        "datazone2011_code,simd2020v2_rank\nS01010245,2\nS01008861,6976\nX,1\n",
    )
    .unwrap();
    let o = run(&url, &["import", "simd", &simd.to_string_lossy()], None);
    assert!(
        out(&o).contains("2 data zones imported, 1 left out."),
        "{}",
        out(&o)
    );
    // The data zones count in every month's figures: they are all counted
    // again and kept, as an administrator may ask at any time.
    assert!(out(&o).contains("Figures kept: "), "{}", out(&o));
    let o = run(&url, &["report", "keep"], None);
    assert!(o.status.success(), "{}", out(&o));
    assert!(
        out(&o).contains("years and quarters of wellbeing and wider work"),
        "{}",
        out(&o)
    );
    let copy = d.0.join("backup.db");
    let o = run(&url, &["backup", "--to", &copy.to_string_lossy()], None);
    assert!(o.status.success(), "{}", out(&o));
    assert!(copy.exists());
    let o = run(
        &format!("sqlite://{}", copy.display()),
        &["audit", "verify"],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    let o = run(&url, &["backup", "--to", &copy.to_string_lossy()], None);
    assert!(!o.status.success(), "refuses to overwrite");
}

#[test]
fn demo_data_is_deterministic_for_a_seed() {
    let (_a, url_a) = temp();
    let (_b, url_b) = temp();
    let a = out(&run(
        &url_a,
        &["demo", "--seed", "11", "--years", "1"],
        None,
    ));
    let b = out(&run(
        &url_b,
        &["demo", "--seed", "11", "--years", "1"],
        None,
    ));
    let summary = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("Demo data made"))
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(summary(&a), summary(&b));
    assert!(!summary(&a).is_empty());
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["user", "add", "--help"],
        vec!["demo", "--help"],
        vec!["backup", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["audit", "checkpoint", "--help"],
        vec!["audit", "new-key", "--help"],
        vec!["token", "create", "--help"],
        vec!["import", "directory", "--help"],
        vec!["import", "postcodes", "--help"],
        vec!["import", "simd", "--help"],
        vec!["export", "directory", "--help"],
        vec!["report", "quarterly", "--help"],
        vec!["report", "keep", "--help"],
    ] {
        let o = run("sqlite://unused.db", &args, None);
        assert!(o.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

/// A free port on the loopback interface.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `linkwork serve` process, killed when dropped.
struct Node(std::process::Child, String);
impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(url: &str) -> Node {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_linkwork"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("LINKWORK_DATABASE_URL", url)
        .env("LINKWORK_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let node = Node(child, format!("http://127.0.0.1:{port}"));
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return node;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let base = node.1.clone();
    drop(node);
    panic!("linkwork serve did not start on {base}");
}

/// Two `linkwork serve` processes on one PostgreSQL database: a service
/// added through one is found by a search on the other within 5 seconds
/// (issue 9). On SQLite the same two processes share one file.
fn two_nodes(url: &str) {
    let o = run(
        url,
        &[
            "user",
            "add",
            "--email",
            "lw@example.org",
            "--name",
            "Link Worker",
            "--role",
            "link-worker",
            "--programme",
            "Two nodes",
            "--password-stdin",
        ],
        Some("a long operator passphrase\n"),
    );
    assert!(o.status.success(), "{}", out(&o));
    let o = run(url, &["token", "create", "--email", "lw@example.org"], None);
    assert!(o.status.success(), "{}", out(&o));
    let token = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    let (a, b) = (serve(url), serve(url));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = reqwest::Client::new();
        let search = |base: String| {
            let (c, token) = (c.clone(), token.clone());
            async move {
                let r = c
                    .get(format!("{base}/api/v1/directory/services?q=allotment"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status().as_u16(), 200);
                let v: serde_json::Value = r.json().await.unwrap();
                v["total"].as_u64().unwrap_or(0)
            }
        };
        assert_eq!(search(b.1.clone()).await, 0, "node B has built its index");
        let r = c
            .post(format!("{}/api/v1/directory/services", a.1))
            .bearer_auth(&token)
            .json(&serde_json::json!({"name": "Springburn Allotment Society", "new_organization": "Springburn Growers"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap_or_default());
        let saved = std::time::Instant::now();
        loop {
            if search(b.1.clone()).await == 1 {
                break;
            }
            assert!(saved.elapsed() < std::time::Duration::from_secs(5), "not found on node B within 5 seconds");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        eprintln!("found on the other node after {:?}", saved.elapsed());
    });
}

#[test]
fn a_change_on_one_serve_process_is_found_by_another_on_sqlite() {
    let (_d, url) = temp();
    let o = run(&url, &["migrate"], None);
    assert!(o.status.success(), "{}", out(&o));
    two_nodes(&url);
}

#[test]
fn a_change_on_one_serve_process_is_found_by_another_on_postgres() {
    on_postgres(|url| {
        let o = run(url, &["migrate"], None);
        assert!(o.status.success(), "{}", out(&o));
        two_nodes(url);
    });
}

/// Run `f` with the URL of a fresh PostgreSQL schema (dropped after), when
/// `LINKWORK_TEST_POSTGRES_URL` is set.
fn on_postgres(f: impl FnOnce(&str)) {
    let Some(base) = std::env::var("LINKWORK_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    let schema = format!("t_{}", name());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(linkwork_store::dialect::ensure_pg_schema(&base, &schema))
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    f(&format!("{base}{sep}options=-c%20search_path%3D{schema}"));
    rt.block_on(linkwork_store::dialect::drop_pg_schema(&base, &schema))
        .unwrap();
}

/// Acknowledged changes to people's records survive the server being
/// killed (kill -9) straight after: twenty records added at once, each
/// answered 201, then SIGKILL; a new process finds every one, and the audit
/// chains still verify.
fn acknowledged_writes_survive_kill_9(url: &str) {
    let o = run(
        url,
        &[
            "user",
            "add",
            "--email",
            "admin@example.org",
            "--name",
            "Administrator",
            "--role",
            "administrator",
            "--programme",
            "Crash",
            "--password-stdin",
        ],
        Some("a long operator passphrase\n"),
    );
    assert!(o.status.success(), "{}", out(&o));
    let token = |email: &str| {
        let o = run(url, &["token", "create", "--email", email], None);
        assert!(o.status.success(), "{}", out(&o));
        String::from_utf8_lossy(&o.stdout).trim().to_owned()
    };
    let admin = token("admin@example.org");
    let node = serve(url);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let c = reqwest::Client::new();
    let post = |base: &str, token: &str, path: &str, body: serde_json::Value| {
        let req = c
            .post(format!("{base}{path}"))
            .bearer_auth(token)
            .json(&body);
        async move {
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let v: serde_json::Value = r.json().await.unwrap_or_default();
            (status, v)
        }
    };
    let site = rt.block_on(async {
        let (s, area) = post(&node.1, &admin, "/api/v1/areas", serde_json::json!({"name": "North"})).await;
        assert_eq!(s, 201, "{area}");
        let (s, cluster) = post(&node.1, &admin, "/api/v1/clusters",
            serde_json::json!({"name": "North cluster", "area_id": area["id"]})).await;
        assert_eq!(s, 201, "{cluster}");
        let (s, site) = post(&node.1, &admin, "/api/v1/sites",
            serde_json::json!({"name": "Northside Practice", "code": "N1", "kind": "gp_practice", "practice_code": "S43021", "cluster_id": cluster["id"]})).await;
        assert_eq!(s, 201, "{site}");
        site["id"].as_i64().unwrap()
    });
    let o = run(
        url,
        &[
            "user",
            "add",
            "--email",
            "lw@example.org",
            "--name",
            "Link Worker",
            "--role",
            "link-worker",
            "--site",
            "N1",
        ],
        None,
    );
    assert!(o.status.success(), "{}", out(&o));
    let lw = token("lw@example.org");
    let acknowledged: Vec<(i64, String)> = rt.block_on(async {
        // Twenty at once, each answered before the kill.
        let mut sent = Vec::new();
        for i in 0..20 {
            let name = format!("Person{i}");
            let req = c
                .post(format!("{}/api/v1/participants", node.1))
                .bearer_auth(&lw)
                .json(&serde_json::json!({"site_id": site, "given_name": name, "family_name": format!("Surname{i}"), "date_of_birth": format!("1970-02-{:02}", i + 1)}));
            sent.push(tokio::spawn(async move {
                let r = req.send().await.unwrap();
                assert_eq!(r.status().as_u16(), 201);
                let v: serde_json::Value = r.json().await.unwrap();
                (v["id"].as_i64().unwrap(), name)
            }));
        }
        let mut all = Vec::new();
        for h in sent {
            all.push(h.await.unwrap());
        }
        all
    });
    // SIGKILL at once: nothing gets to flush or close.
    drop(node);
    let again = serve(url);
    rt.block_on(async {
        for (id, name) in &acknowledged {
            let r = c
                .get(format!("{}/api/v1/participants/{id}", again.1))
                .bearer_auth(&lw)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200, "record {id} lost");
            let v: serde_json::Value = r.json().await.unwrap();
            assert_eq!(v["given_name"], name.as_str());
        }
    });
    drop(again);
    let o = run(url, &["audit", "verify"], None);
    assert!(o.status.success(), "{}", out(&o));
}

#[test]
fn acknowledged_writes_survive_kill_9_on_sqlite() {
    let (_d, url) = temp();
    acknowledged_writes_survive_kill_9(&url);
}

#[test]
fn acknowledged_writes_survive_kill_9_on_postgres() {
    on_postgres(acknowledged_writes_survive_kill_9);
}
