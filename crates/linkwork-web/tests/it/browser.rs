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
    b.click_and_wait("button[type=submit]").await;
    assert!(b.title().await.starts_with("Error:"));
    b.assert_accessible("the sign-in page with errors").await;
    b.fill("#email", &admin.email).await;
    b.fill("#password", PASSWORD).await;
    b.click_and_wait("form[action='/sign-in'] button[type=submit]")
        .await;
    assert_eq!(b.text("h1").await, "Hello, Test Administrator");
    b.assert_accessible("the home page").await;
    if let Some(d) = &shots {
        b.screenshot(&d.join("home.png")).await;
    }

    b.goto(&t.url("/sites/new")).await;
    b.assert_accessible("the add-a-site page").await;
    b.click_and_wait("main button[type=submit]").await;
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
    b.click_and_wait("main button[type=submit]").await;
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

    b.click_and_wait("form[action='/sign-out'] button").await;
    assert!(b.url().await.contains("/sign-in"));
    assert!(b.text("main").await.contains("You have signed out"));
    b.goto(&t.url("/sites")).await;
    assert!(b.url().await.contains("/sign-in"), "signed out for real");
}

/// The first steps of the seed's case study 1: a GP refers someone who is
/// isolated and struggling with their mental health; the link worker triages
/// the referral, takes it on and reaches the person.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_study_one_first_steps() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::spawn(Kind::Sqlite).await;
    let org = t.organisation("Programme A").await;
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let shots = std::env::var("LINKWORK_SCREENSHOTS")
        .ok()
        .map(std::path::PathBuf::from);

    async fn sign_in(b: &Browser, t: &TestApp, email: &str) {
        b.goto(&t.url("/sign-in")).await;
        b.fill("#email", email).await;
        b.fill("#password", PASSWORD).await;
        b.click_and_wait("form[action='/sign-in'] button[type=submit]")
            .await;
    }

    // The practice refers.
    sign_in(&b, &t, &staff.email).await;
    b.goto(&t.url("/referrals/new")).await;
    b.assert_accessible("the referral form").await;
    b.fill("#person_name", "Jo Example").await;
    b.fill("#person_date_of_birth", "04/02/1970").await;
    b.click("#source").await; // GP
    b.click("input[name=reasons][value=mental_health]").await;
    b.click("input[name=reasons][value=loneliness]").await;
    b.fill(
        "#details",
        "Isolated; not engaging with the community mental health team.",
    )
    .await;
    b.click_and_wait("main button[type=submit]").await;
    assert!(b.text("main").await.contains("Referral sent"));
    b.assert_accessible("the practice's referral list").await;
    b.click_and_wait("form[action='/sign-out'] button").await;

    // The link worker triages and takes it on.
    sign_in(&b, &t, &lw.email).await;
    b.goto(&t.url("/referrals")).await;
    b.assert_accessible("the triage list").await;
    b.click_and_wait("main table a").await;
    assert!(b.text("h1").await.contains("Jo Example"));
    b.assert_accessible("a new referral").await;
    b.select("#link_worker_id", &lw.id.to_string()).await;
    b.click_and_wait("form[action$='/allocate'] button[type=submit]")
        .await;
    assert!(b.text("main").await.contains("Referral updated"));
    b.click("#outcome").await; // spoke with them
    b.fill("#note", "First appointment on Tuesday at the practice.")
        .await;
    b.click_and_wait("form[action$='/contact'] button[type=submit]")
        .await;
    assert!(b.text("h1").await.contains("Contacted"));
    b.assert_accessible("an open referral").await;
    if let Some(d) = &shots {
        b.screenshot(&d.join("referral.png")).await;
    }
    b.click_and_wait("main p a[href^='/people/']").await;
    assert!(b.text("h1").await.contains("Jo Example"));
    b.assert_accessible("the person's record").await;
    if let Some(d) = &shots {
        b.screenshot(&d.join("person.png")).await;
    }
}
