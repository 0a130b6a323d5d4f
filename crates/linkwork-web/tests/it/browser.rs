//! The main journey in headless Chromium: sign in, add a site, sign out, with
//! an axe-core check on every page on the way.

use linkwork_domain::Role;
use linkwork_testkit::browser::Browser;
use linkwork_testkit::{Kind, PASSWORD, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_add_a_site_sign_out() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::spawn(Kind::Sqlite).await;
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let shots = std::env::var("LINKWORK_SCREENSHOTS")
        .ok()
        .map(std::path::PathBuf::from);

    b.goto(&t.url("/")).await;
    assert!(b.url().await.contains("/sign-in"), "sent to sign in");
    b.assert_accessible("the sign-in page").await;
    b.fill("#email", &admin.email).await;
    b.fill("#password", "wrong password entirely").await;
    b.click("button[type=submit]").await;
    assert!(b.title().await.starts_with("Error:"));
    b.assert_accessible("the sign-in page with errors").await;
    b.fill("#email", &admin.email).await;
    b.fill("#password", PASSWORD).await;
    b.click("form[action='/sign-in'] button[type=submit]").await;
    assert_eq!(b.text("h1").await, "Hello, Test Administrator");
    b.assert_accessible("the home page").await;
    if let Some(d) = &shots {
        b.screenshot(&d.join("home.png")).await;
    }

    b.goto(&t.url("/sites/new")).await;
    b.assert_accessible("the add-a-site page").await;
    b.click("main button[type=submit]").await;
    assert!(
        b.title().await.starts_with("Error:"),
        "empty form is refused"
    );
    b.assert_accessible("the add-a-site page with errors").await;
    if let Some(d) = &shots {
        b.screenshot(&d.join("site-errors.png")).await;
    }
    b.fill("#name", "Possilpark Health Centre").await;
    b.fill("#code", "S43099").await;
    b.select("#cluster_id", &org.cluster_id.to_string()).await;
    b.fill("#practice_code", "S43099").await;
    b.fill("#postcode", "g22 5ah").await;
    b.click("main button[type=submit]").await;
    assert_eq!(b.text("h1").await, "Possilpark Health Centre");
    assert!(b.text("main").await.contains("G22 5AH"));
    b.assert_accessible("the site page").await;

    b.goto(&t.url("/sites")).await;
    b.assert_accessible("the sites list").await;
    b.goto(&t.url("/areas")).await;
    b.assert_accessible("areas and clusters").await;
    b.goto(&t.url("/users")).await;
    b.assert_accessible("users").await;
    b.goto(&t.url("/audit?verify=1")).await;
    b.assert_accessible("the audit trail").await;
    if let Some(d) = &shots {
        b.screenshot(&d.join("audit.png")).await;
    }

    b.click("form[action='/sign-out'] button").await;
    assert!(b.url().await.contains("/sign-in"));
    assert!(b.text("main").await.contains("You have signed out"));
    b.goto(&t.url("/sites")).await;
    assert!(b.url().await.contains("/sign-in"), "signed out for real");
}
