//! Test kit: a [`TestApp`] served on port 0 against a fresh SQLite file or a
//! fresh PostgreSQL schema, fixture builders, a fake clock, an HTTP client
//! that keeps a session, and a small WebDriver client for browser tests.

pub mod browser;

/// The storage layer, for tests that play someone with the database's keys
/// (tampering with the audit trail). The web crate itself cannot reach it.
pub use linkwork_store as store;

use chrono::TimeZone;
use linkwork_app::access::users::UserInput;
use linkwork_app::{App, Ctx, Settings};
use linkwork_domain::{FakeClock, Role};
use linkwork_store::db::PoolOptions;
use linkwork_store::{Backend, Db};
use std::net::SocketAddr;
use std::sync::Arc;

/// The password every fixture user has.
pub const PASSWORD: &str = "fixture passphrase 2026";

/// Run a test body once on SQLite and once on PostgreSQL (when
/// `LINKWORK_TEST_POSTGRES_URL` is set).
#[macro_export]
macro_rules! both {
    ($name:ident, |$t:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($t: $crate::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                body($crate::TestApp::spawn($crate::Kind::Sqlite).await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) = $crate::TestApp::postgres().await {
                    body(t).await
                }
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

fn random_name() -> String {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    hex::encode(b)
}

/// The URL of the PostgreSQL server for tests, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("LINKWORK_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A fresh database of the given kind: (db, cleanup handle).
pub async fn fresh_db(kind: Kind) -> (Db, Cleanup) {
    match kind {
        Kind::Sqlite => {
            let dir = std::env::temp_dir().join(format!("linkwork-test-{}", random_name()));
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
            let url = format!("sqlite://{}", dir.join("test.db").display());
            let db = Db::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("sqlite: {e}"));
            (db, Cleanup::Dir(dir))
        }
        Kind::Postgres => {
            let url =
                postgres_url().unwrap_or_else(|| panic!("LINKWORK_TEST_POSTGRES_URL is not set"));
            let schema = format!("t_{}", random_name());
            let opts = PoolOptions {
                max_connections: 5,
                pg_schema: Some(schema.clone()),
            };
            let db = Db::connect_with(&url, &opts)
                .await
                .unwrap_or_else(|e| panic!("postgres: {e}"));
            (db, Cleanup::Schema(url, schema))
        }
    }
}

/// Removes a test database when dropped.
pub enum Cleanup {
    Dir(std::path::PathBuf),
    Schema(String, String),
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::Dir(d) => {
                let _ = std::fs::remove_dir_all(d);
            }
            Cleanup::Schema(url, schema) => {
                let (url, schema) = (url.clone(), schema.clone());
                let _ = std::thread::spawn(move || {
                    if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        let _ = rt.block_on(linkwork_store::dialect::drop_pg_schema(&url, &schema));
                    }
                })
                .join();
            }
        }
    }
}

/// A running linkwork with its own database.
pub struct TestApp {
    pub kind: Kind,
    pub app: App,
    /// The database under the app, for tests that play someone with the
    /// database's keys (the app itself keeps its handle private).
    pub db: Db,
    pub clock: Arc<FakeClock>,
    pub addr: SocketAddr,
    pub base: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    _cleanup: Cleanup,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
    }
}

/// Another app node on a test app's database ([`TestApp::second_node`]).
pub struct Node {
    pub base: String,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// A user made by [`TestApp::user`].
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: i64,
    pub email: String,
    pub programme_id: i64,
    pub ctx: Ctx,
    /// A personal API token.
    pub token: String,
}

/// An organisation made by [`TestApp::organisation`]: one area, one cluster, two sites.
#[derive(Debug, Clone)]
pub struct TestOrg {
    pub programme_id: i64,
    pub area_id: i64,
    pub cluster_id: i64,
    pub site_a: i64,
    pub site_b: i64,
}

impl TestApp {
    pub async fn spawn(kind: Kind) -> TestApp {
        let (db, cleanup) = fresh_db(kind).await;
        let start = chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
            .single()
            .unwrap_or_default();
        let clock = Arc::new(FakeClock::new(start));
        let app = App::new(db.clone(), clock.clone(), Settings::default());
        app.migrate()
            .await
            .unwrap_or_else(|e| panic!("migrate: {e}"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("addr: {e}"));
        let state = linkwork_web::WebState::new(app.clone(), linkwork_web::WebConfig::default());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = linkwork_web::serve(listener, state, async {
                let _ = rx.await;
            })
            .await;
        });
        TestApp {
            kind,
            app,
            db,
            clock,
            addr,
            base: format!("http://{addr}"),
            shutdown: Some(tx),
            _cleanup: cleanup,
        }
    }

    /// A PostgreSQL test app, or `None` when no server is configured.
    pub async fn postgres() -> Option<TestApp> {
        if postgres_url().is_none() {
            eprintln!("LINKWORK_TEST_POSTGRES_URL not set: skipping the PostgreSQL run");
            return None;
        }
        Some(Self::spawn(Kind::Postgres).await)
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A programme named `name` with one area, one cluster and two GP sites.
    pub async fn organisation(&self, name: &str) -> TestOrg {
        let programme_id = self
            .app
            .programme_for_cli(Some(name), true)
            .await
            .unwrap_or_else(|e| panic!("programme: {e}"));
        let ctx = Ctx::operator(programme_id);
        let area_id = self
            .app
            .create_area(
                &ctx,
                &linkwork_app::org::NameInput {
                    name: "North East".into(),
                    area_id: String::new(),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("area: {e}"));
        let cluster_id = self
            .app
            .create_cluster(
                &ctx,
                &linkwork_app::org::NameInput {
                    name: "Springburn".into(),
                    area_id: area_id.to_string(),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("cluster: {e}"));
        let site = |code: &str, name: &str| linkwork_app::org::SiteInput {
            cluster_id: cluster_id.to_string(),
            code: code.into(),
            name: name.into(),
            kind: "gp_practice".into(),
            practice_code: code.into(),
            postcode: "G21 1AA".into(),
            ..Default::default()
        };
        let site_a = self
            .app
            .create_site(&ctx, &site("S00001", "Alpha Medical Practice"))
            .await
            .unwrap_or_else(|e| panic!("site: {e}"));
        let site_b = self
            .app
            .create_site(&ctx, &site("S00002", "Beta Health Centre"))
            .await
            .unwrap_or_else(|e| panic!("site: {e}"));
        TestOrg {
            programme_id,
            area_id,
            cluster_id,
            site_a,
            site_b,
        }
    }

    /// A directory organisation of the programme, with no services (yet).
    pub async fn partner_organisation(&self, programme_id: i64, name: &str) -> i64 {
        let grant = Ctx::operator(programme_id)
            .actor
            .authorize(linkwork_domain::Permission::EditDirectory)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut tx = self.db.write().await.unwrap_or_else(|e| panic!("tx: {e}"));
        let o = linkwork_store::directory::Organization {
            uuid: format!("test-{}", random_name()),
            name: name.into(),
            ..Default::default()
        };
        let id = linkwork_store::directory::save_organization(
            &mut tx,
            &grant,
            &o,
            linkwork_domain::Clock::now(self.clock.as_ref()),
        )
        .await
        .unwrap_or_else(|e| panic!("organisation: {e}"));
        tx.commit().await.unwrap_or_else(|e| panic!("commit: {e}"));
        id
    }

    /// A partner organisation's member of staff, working for `organization_id`.
    pub async fn partner(
        &self,
        programme_id: i64,
        organization_id: i64,
        sites: &[i64],
    ) -> TestUser {
        self.user_with(
            programme_id,
            Role::Partner,
            sites,
            organization_id.to_string(),
        )
        .await
    }

    /// A user of `role` in the programme, assigned to `sites`, with an API
    /// token (a partner works for a new organisation of their own).
    pub async fn user(&self, programme_id: i64, role: Role, sites: &[i64]) -> TestUser {
        let org = if role == Role::Partner {
            self.partner_organisation(programme_id, "A partner organisation")
                .await
                .to_string()
        } else {
            String::new()
        };
        self.user_with(programme_id, role, sites, org).await
    }

    async fn user_with(
        &self,
        programme_id: i64,
        role: Role,
        sites: &[i64],
        organization_id: String,
    ) -> TestUser {
        let email = format!("{}-{}@example.org", role.code(), random_name());
        let input = UserInput {
            email: email.clone(),
            name: format!("Test {}", role.label()),
            role: role.code().into(),
            password: PASSWORD.into(),
            site_ids: sites.to_vec(),
            organization_id,
        };
        let id = self
            .app
            .create_user(&Ctx::operator(programme_id), &input)
            .await
            .unwrap_or_else(|e| panic!("user: {e}"));
        let ctx = self
            .app
            .ctx_for_user(id)
            .await
            .unwrap_or_else(|e| panic!("ctx: {e}"));
        let token = self
            .app
            .create_token(&ctx, "tests")
            .await
            .unwrap_or_else(|e| panic!("token: {e}"));
        TestUser {
            id,
            email,
            programme_id,
            ctx,
            token,
        }
    }

    /// An HTTP client that does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("client: {e}"))
    }

    /// A browser-like session signed in as `email`.
    pub async fn sign_in(&self, email: &str) -> WebSession {
        let mut s = WebSession {
            base: self.base.clone(),
            client: self.client(),
            cookies: Vec::new(),
            csrf: String::new(),
        };
        let res = s.post_sign_in(email, PASSWORD).await;
        assert_eq!(res.status, 303, "sign-in should redirect: {}", res.body);
        let home = s.get("/").await;
        assert_eq!(home.status, 200, "home after sign-in");
        s
    }

    /// A second app node on the same database: its own `App` (so its own
    /// caches and search index), its own server. Stops when dropped.
    pub async fn second_node(&self) -> Node {
        let app = App::new(self.db.clone(), self.clock.clone(), Settings::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("addr: {e}"));
        let state = linkwork_web::WebState::new(app, linkwork_web::WebConfig::default());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = linkwork_web::serve(listener, state, async {
                let _ = rx.await;
            })
            .await;
        });
        Node {
            base: format!("http://{addr}"),
            _shutdown: tx,
        }
    }

    /// Call the API of another node as `user`.
    pub async fn api_on(
        &self,
        node: &Node,
        user: &TestUser,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Reply {
        let mut r = self
            .client()
            .request(method, format!("{}{path}", node.base))
            .bearer_auth(&user.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        Reply::from(r.send().await.unwrap_or_else(|e| panic!("request: {e}"))).await
    }

    /// Call the API as `user`.
    pub async fn api(
        &self,
        user: &TestUser,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Reply {
        let mut r = self
            .client()
            .request(method, self.url(path))
            .bearer_auth(&user.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        Reply::from(r.send().await.unwrap_or_else(|e| panic!("request: {e}"))).await
    }

    /// GET an API path as `user`, which must answer 200: its JSON.
    pub async fn api_json(&self, user: &TestUser, path: &str) -> serde_json::Value {
        let r = self.api(user, reqwest::Method::GET, path, None).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        r.json()
    }
}

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    /// The body as text (invalid UTF-8 replaced).
    pub body: String,
    /// The body as sent (a spreadsheet, an image).
    pub bytes: Vec<u8>,
}

impl Reply {
    pub async fn from(r: reqwest::Response) -> Reply {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let bytes = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }
    /// Field names in a problem-details body.
    pub fn problem_fields(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Cookies and the CSRF token of a signed-in browser.
pub struct WebSession {
    pub base: String,
    pub client: reqwest::Client,
    pub cookies: Vec<(String, String)>,
    pub csrf: String,
}

/// The value of the first `name="csrf_token"` hidden input in a page.
pub fn find_csrf(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf_token\" value=\"")?;
    let rest = &html[i + "name=\"csrf_token\" value=\"".len()..];
    rest.split('"').next().map(str::to_owned)
}

impl WebSession {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn take_cookies(&mut self, r: &reqwest::Response) {
        for v in r.headers().get_all("set-cookie") {
            let Ok(v) = v.to_str() else { continue };
            let Some((kv, attrs)) = v.split_once(';').or(Some((v, ""))) else {
                continue;
            };
            let Some((k, val)) = kv.split_once('=') else {
                continue;
            };
            self.cookies.retain(|(name, _)| name != k);
            if !attrs.contains("Max-Age=0") {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        self.take_cookies(&r);
        let reply = Reply::from(r).await;
        if let Some(t) = find_csrf(&reply.body) {
            self.csrf = t;
        }
        reply
    }

    /// Post a form, adding the CSRF token of the last page seen.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone();
        if !fields.iter().any(|(k, _)| *k == "csrf_token") {
            all.push(("csrf_token", &csrf));
        }
        self.post_raw(path, &all).await
    }

    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        self.take_cookies(&r);
        let reply = Reply::from(r).await;
        if let Some(t) = find_csrf(&reply.body) {
            self.csrf = t;
        }
        reply
    }

    /// Post files as a browser's upload form does (`multipart/form-data`,
    /// field `file`, one part per (file name, content)), with the CSRF token
    /// of the last page seen.
    pub async fn post_files(&mut self, path: &str, files: &[(&str, &str)]) -> Reply {
        let mut form = reqwest::multipart::Form::new().text("csrf_token", self.csrf.clone());
        for (name, content) in files {
            form = form.part(
                "file",
                reqwest::multipart::Part::text(content.to_string()).file_name(name.to_string()),
            );
        }
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        self.take_cookies(&r);
        let reply = Reply::from(r).await;
        if let Some(t) = find_csrf(&reply.body) {
            self.csrf = t;
        }
        reply
    }

    /// The sign-in form, posted as a browser would.
    pub async fn post_sign_in(&mut self, email: &str, password: &str) -> Reply {
        let page = self.get("/sign-in").await;
        assert_eq!(page.status, 200);
        self.post(
            "/sign-in",
            &[("email", email), ("password", password), ("next", "/")],
        )
        .await
    }

    pub fn has_session(&self) -> bool {
        self.cookies
            .iter()
            .any(|(k, _)| k.contains("linkwork_session"))
    }
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
