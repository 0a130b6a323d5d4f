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

async fn sign_in(b: &Browser, t: &TestApp, email: &str) {
    b.goto(&t.url("/sign-in")).await;
    b.fill("#email", email).await;
    b.fill("#password", PASSWORD).await;
    b.click_and_wait("form[action='/sign-in'] button[type=submit]")
        .await;
}

async fn sign_out(b: &Browser) {
    b.click_and_wait("form[action='/sign-out'] button").await;
}

/// Open every "details" section of the page, so their forms can be filled.
async fn open_all(b: &Browser) {
    b.script("document.querySelectorAll('details').forEach(d => d.open = true);")
        .await;
}

/// Submit the form whose action ends with `action`, after opening sections.
async fn submit(b: &Browser, action: &str) {
    b.click_and_wait(&format!("form[action$='{action}'] button[type=submit]"))
        .await;
    open_all(b).await;
}

/// Book an appointment from the referral page (earlier today: the fake
/// clock says 09:00) and mark it attended.
async fn first_appointment(b: &Browser, date: &str, mode_css: &str) {
    b.fill("#date", date).await;
    b.fill("#time", "08:00").await;
    b.click(mode_css).await;
    submit(b, "/appointments").await;
    assert!(b.text("main").await.contains("Appointment booked"));
    b.click_and_wait("form[action$='/outcome']:has(input[value=attended]) button")
        .await;
    assert!(
        b.text("h1").await.contains("Engaged"),
        "the first attended appointment engages"
    );
}

/// Record a need from the person's record.
async fn need(b: &Browser, code: &str, status: &str) {
    b.select("#need", code).await;
    b.select("#need_status", status).await;
    submit(b, "/needs").await;
}

/// Add onward support: `kind_css` picks the kind.
async fn onward(b: &Browser, kind_css: &str, service: &str, status: &str) {
    b.click(kind_css).await;
    b.fill("#service", service).await;
    b.select("#onward_status", status).await;
    submit(b, "/onward").await;
    assert!(
        b.text("#onward ~ ul").await.contains(service) || b.text("main").await.contains(service)
    );
}

/// The seed's case study 1, end to end: a GP refers someone who is isolated,
/// with severe mental health problems and thoughts of suicide; the link worker
/// takes it on, builds a safety plan, goes with them to the community mental
/// health team, refers on for benefits, debt, addiction and housing, calls the
/// police for a welfare check once, and sees their wellbeing improve.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_study_one_whole_journey() {
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

    // The practice refers.
    sign_in(&b, &t, &staff.email).await;
    b.goto(&t.url("/referrals/new")).await;
    b.assert_accessible("the referral form").await;
    b.fill("#person_name", "Jo Example").await;
    b.fill("#person_date_of_birth", "04/02/1970").await;
    b.click("#person_agreed").await; // yes
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
    sign_out(&b).await;

    // The link worker triages, takes it on and reaches the person.
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
    b.fill("#note", "First appointment on Thursday at the practice.")
        .await;
    b.click_and_wait("form[action$='/contact'] button[type=submit]")
        .await;
    assert!(b.text("h1").await.contains("Contacted"));
    first_appointment(&b, "25/11/2026", "#mode").await;
    b.assert_accessible("an open referral").await;
    if let Some(d) = &shots {
        b.screenshot(&d.join("referral.png")).await;
    }

    // The first conversations: risk, a safety plan, needs, a goal.
    b.click_and_wait("main p a[href^='/people/']").await;
    assert!(b.text("h1").await.contains("Jo Example"));
    let record = b.url().await;
    open_all(&b).await;
    b.click("#kind").await; // suicide or self-harm
    b.fill("#details", "Thoughts of suicide; a history of self-harm.")
        .await;
    b.fill("#review_on", "09/12/2026").await;
    submit(&b, "/flags").await;
    assert!(
        b.text("main").await.starts_with("Risk")
            || b.text("main").await.contains("Suicide or self-harm"),
        "the flag shows at the top of the record"
    );
    b.fill("#plan", "Warning signs: not sleeping, staying in. What helps: singing, drawing, a call with the link worker. Who to call: the crisis line, the GP practice.").await;
    submit(&b, "/safety-plan").await;
    need(&b, "mental_health", "being_addressed").await;
    need(&b, "housing", "identified").await;
    need(&b, "money", "identified").await;
    need(&b, "addiction", "identified").await;
    b.fill(
        "#words",
        "Stop using drugs and find out who I am without them",
    )
    .await;
    submit(&b, "/goals").await;
    b.fill(
        "#body",
        "Long talk about interests and who is there for them. Good singer and artist.",
    )
    .await;
    submit(&b, "/notes").await;
    // A baseline SWEMWBS of 7 × 2 = 14.
    for i in 0..7 {
        b.click(&format!("input[name=answers-{i}][value='2']"))
            .await;
    }
    b.click_and_wait("form[action$='/measures']:has(#stage) button[type=submit]")
        .await;
    open_all(&b).await;

    // Onward support and a welfare check.
    onward(
        &b,
        "#onward_kind-2",
        "Community Mental Health Team: first CPN appointment",
        "attended",
    )
    .await;
    onward(
        &b,
        "#onward_kind",
        "Welfare rights adviser: benefits and debts",
        "referred",
    )
    .await;
    onward(&b, "#onward_kind", "Local addiction service", "accepted").await;
    onward(&b, "#onward_kind", "Peer support charity", "referred").await;
    onward(
        &b,
        "#onward_kind",
        "Housing Options Scotland: advocacy",
        "referred",
    )
    .await;
    onward(
        &b,
        "#onward_kind-1",
        "Other housing associations' applications",
        "suggested",
    )
    .await;
    b.click("#sg_kind-1").await; // police welfare check
    b.fill("#sg_taken_on", "25/11/2026").await;
    b.fill("#sg_agency", "Police Scotland").await;
    submit(&b, "/safeguarding").await;
    // Months later: a review, with wellbeing improved (7 × 4 = 28).
    b.click("#stage-1").await;
    for i in 0..7 {
        b.click(&format!("input[name=answers-{i}][value='4']"))
            .await;
    }
    b.click_and_wait("form[action$='/measures']:has(#stage) button[type=submit]")
        .await;
    let main = b.text("main").await;
    for seen in [
        "Suicide or self-harm",
        "Police welfare check",
        "Stop using drugs and find out who I am without them",
        "Community Mental Health Team: first CPN appointment",
        "Housing Options Scotland: advocacy",
        "Addiction",
        "Good singer and artist",
        "Warning signs",
    ] {
        assert!(main.contains(seen), "the record shows {seen}");
    }
    assert!(
        b.script("return document.querySelectorAll('main svg').length")
            .await
            .as_i64()
            >= Some(1),
        "wellbeing is charted"
    );
    b.assert_accessible("the whole record").await;
    if let Some(d) = &shots {
        b.screenshot(&d.join("person.png")).await;
    }

    // The person's own plan.
    b.goto(&format!("{record}/plan")).await;
    let plan = b.text("main").await;
    assert!(plan.contains("Stop using drugs") && plan.contains("Welfare rights adviser"));
    b.assert_accessible("My plan").await;
}

/// The seed's case study 2, end to end: an urgent referral of a woman facing
/// homelessness, no income and domestic violence, with children at risk of
/// being taken abroad; law centre, crisis funds, welfare rights and women's
/// aid; an Adult Support and Protection referral; then a move to temporary
/// accommodation across the city and a handover to the link worker there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_study_two_whole_journey() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::spawn(Kind::Sqlite).await;
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
    // The manager has a crisis fund ready.
    let fund = t
        .api(
            &mgr,
            reqwest::Method::POST,
            "/api/v1/funds",
            Some(serde_json::json!({"name": "Crisis food fund", "kind": "food"})),
        )
        .await
        .json()[0]["id"]
        .as_i64()
        .unwrap_or(0);
    t.api(
        &mgr,
        reqwest::Method::POST,
        "/api/v1/funds/top-ups",
        Some(serde_json::json!({"fund_id": fund, "amount": "200"})),
    )
    .await;

    // Another agency refers, urgently; the link worker takes it on.
    sign_in(&b, &t, &lw.email).await;
    b.goto(&t.url("/referrals/new")).await;
    b.select("#site_id", &org.site_a.to_string()).await;
    b.fill("#person_name", "Sam Example").await;
    b.fill("#person_date_of_birth", "12/03/1991").await;
    b.click("#source-5").await; // another agency
    b.fill("#referrer", "Welfare rights service").await;
    b.click("#urgency-2").await; // urgent
    for r in ["money", "housing", "abuse", "immigration", "family"] {
        b.click(&format!("input[name=reasons][value={r}]")).await;
    }
    b.fill(
        "#details",
        "Refugee; separated; no income; at risk of homelessness.",
    )
    .await;
    b.click_and_wait("main button[type=submit]").await;
    assert!(b.text("main").await.contains("Referral made"));
    let referral = b.url().await;
    let referral = referral.split('?').next().unwrap_or_default().to_owned();
    b.select("#link_worker_id", &lw.id.to_string()).await;
    b.click_and_wait("form[action$='/allocate'] button[type=submit]")
        .await;
    b.click("#method-3").await; // in person
    b.click("#outcome").await;
    b.click_and_wait("form[action$='/contact'] button[type=submit]")
        .await;
    first_appointment(&b, "25/11/2026", "#mode-1").await;

    // Immediate support: money and housing, then safety.
    b.click_and_wait("main p a[href^='/people/']").await;
    let record = b.url().await;
    open_all(&b).await;
    b.click("#kind-3").await; // domestic abuse
    b.fill("#details", "Spouse returned and was violent.").await;
    submit(&b, "/flags").await;
    b.click("#kind-2").await; // child protection
    b.fill("#details", "Concern the children may be taken abroad.")
        .await;
    submit(&b, "/flags").await;
    onward(
        &b,
        "#onward_kind",
        "Law centre: violence and housing project (urgent homelessness application)",
        "accepted",
    )
    .await;
    onward(&b, "#onward_kind", "Crisis fund applications", "referred").await;
    onward(
        &b,
        "#onward_kind",
        "Welfare rights assistance (urgent)",
        "accepted",
    )
    .await;
    onward(&b, "#onward_kind", "Women's aid organisation", "accepted").await;
    b.click("#consent_kind-2").await;
    b.fill("#partner", "Women's aid organisation").await;
    submit(&b, "/consents").await;
    b.fill(
        "#plan",
        "Made with women's aid: refuge options, a report to the police, who to call if he returns.",
    )
    .await;
    submit(&b, "/safety-plan").await;
    b.click("#sg_kind").await; // Adult Support and Protection
    b.fill("#sg_taken_on", "25/11/2026").await;
    b.fill("#sg_agency", "Social work").await;
    submit(&b, "/safeguarding").await;
    b.select("#fund_id", &fund.to_string()).await;
    b.fill("#amount", "30").await;
    submit(&b, "/vouchers").await;
    need(&b, "housing", "being_addressed").await;
    let main = b.text("main").await;
    for seen in [
        "Domestic abuse",
        "Child protection",
        "Adult Support and Protection referral",
        "Women's aid organisation",
        "£30.00",
    ] {
        assert!(main.contains(seen), "the record shows {seen}");
    }
    b.assert_accessible("the record with flags").await;

    // Temporary accommodation across the city: hand over to the link worker there.
    b.goto(&format!("{referral}/handover")).await;
    b.select("#site_id", &org.site_b.to_string()).await;
    b.click_and_wait("form[method=get] button[type=submit]")
        .await;
    b.select("#link_worker_id", &lw_b.id.to_string()).await;
    b.fill("#summary", "Moved to temporary accommodation with the children; feels safe. Law centre and welfare rights still involved.").await;
    b.assert_accessible("the handover form").await;
    b.click_and_wait("form[method=post][action$='/handover'] button[type=submit]")
        .await;
    b.goto(&record).await;
    assert!(
        b.title().await.to_lowercase().contains("not found"),
        "access moved with the case: {}",
        b.title().await
    );
    b.goto(&t.url("/")).await;
    sign_out(&b).await;

    sign_in(&b, &t, &lw_b.email).await;
    assert!(
        b.text("main").await.contains("Sam Example"),
        "the new worker sees the handover"
    );
    b.assert_accessible("the home page with a handover").await;
    b.click_and_wait("form[action$='/acknowledge'] button[type=submit]")
        .await;
    b.goto(&record).await;
    let main = b.text("main").await;
    assert!(
        main.contains("Women's aid organisation") && main.contains("Domestic abuse"),
        "the history came too"
    );
}

/// A manager's journeys: the reasons list, merging two records of one
/// person, and moving a caseload to a colleague — each page checked with axe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_shapes_reasons_merges_records_and_moves_a_caseload() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::spawn(Kind::Sqlite).await;
    let org = t.organisation("Programme A").await;
    let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let colleague = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let post = |body: serde_json::Value| {
        t.api(
            &lw,
            reqwest::Method::POST,
            "/api/v1/participants",
            Some(body),
        )
    };
    let keep = post(serde_json::json!({"site_id": org.site_a, "given_name": "Ann", "family_name": "Example", "date_of_birth": "1985-04-19", "chi_number": "1904851231"}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap_or(0);
    let dup = post(serde_json::json!({"site_id": org.site_a, "given_name": "Ann", "family_name": "Example", "date_of_birth": "1985-04-19", "phone": "07700 900123", "confirmed_new": true}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap_or(0);
    let r = t
        .api(
            &lw,
            reqwest::Method::POST,
            "/api/v1/referrals",
            Some(
                serde_json::json!({"participant_id": dup, "source": "self", "reasons": ["money"]}),
            ),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap_or(0);
    t.api(
        &lw,
        reqwest::Method::POST,
        &format!("/api/v1/referrals/{r}/allocate"),
        Some(serde_json::json!({"version": 1, "link_worker_id": lw.id})),
    )
    .await;

    sign_in(&b, &t, &mgr.email).await;
    // Reasons for referral: add one, then retire it.
    b.goto(&t.url("/reasons")).await;
    b.assert_accessible("the reasons list").await;
    b.click_and_wait("form[action='/reasons'] button[type=submit]")
        .await;
    assert!(
        b.title().await.starts_with("Error:"),
        "a blank reason is refused"
    );
    b.assert_accessible("the reasons list with an error").await;
    b.fill("#label", "Digital inclusion").await;
    b.click_and_wait("form[action='/reasons'] button[type=submit]")
        .await;
    assert!(b.text("main").await.contains("Reason added"));
    b.click_and_wait("a[href='/reasons/digital_inclusion']")
        .await;
    b.assert_accessible("changing a reason").await;
    b.click("#retired").await;
    b.click_and_wait("main form button[type=submit]").await;
    assert!(b.text("main").await.contains("Retired"));

    // Merge the duplicate into the record kept.
    b.goto(&t.url(&format!("/people/{keep}"))).await;
    b.click_and_wait(&format!("a[href='/people/{keep}/merge']"))
        .await;
    b.assert_accessible("choosing a record to merge").await;
    b.click_and_wait(&format!("a[href='/people/{keep}/merge?other={dup}']"))
        .await;
    b.assert_accessible("comparing two records").await;
    b.click_and_wait("main form[action$='/merge'] button[type=submit]")
        .await;
    let main = b.text("main").await;
    assert!(
        main.contains("Records merged") && main.contains("07700 900123"),
        "{main}"
    );

    // Move the link worker's caseload to a colleague.
    b.goto(&t.url("/caseloads")).await;
    b.assert_accessible("caseloads").await;
    b.click_and_wait("main table a[href^='/caseloads/move']")
        .await;
    b.assert_accessible("moving a caseload").await;
    b.select("#to_worker_id", &colleague.id.to_string()).await;
    b.click_and_wait("main form button[type=submit]").await;
    assert!(b.text("main").await.contains("1 referral moved"));
}

/// Issue 8 in the browser: a likely match at triage, a clash warning, the
/// session time-out warning, and lists on a phone-sized screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_to_one_safety_and_everyday_use() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::spawn(Kind::Sqlite).await;
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let manager = t.user(org.programme_id, Role::Manager, &[]).await;
    let shots = std::env::var("LINKWORK_SCREENSHOTS")
        .ok()
        .map(std::path::PathBuf::from);
    let shot = |name: &'static str| {
        let path = shots.as_ref().map(|d| d.join(name));
        let b = &b;
        async move {
            if let Some(p) = path {
                b.screenshot(&p).await;
            }
        }
    };
    let api = |u, m, p: &str, body| {
        let p = p.to_owned();
        let t = &t;
        async move { t.api(u, m, &p, Some(body)).await }
    };
    let known = api(
        &lw,
        reqwest::Method::POST,
        "/api/v1/participants",
        serde_json::json!({"site_id": org.site_a, "given_name": "Ashley", "family_name": "Fraser", "date_of_birth": "1999-04-01"}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap_or(0);
    api(
        &lw,
        reqwest::Method::POST,
        &format!("/api/v1/participants/{known}/risk-flags"),
        serde_json::json!({"kind": "suicide_self_harm", "review_on": "2026-11-30"}),
    )
    .await;
    let referral = api(
        &staff,
        reqwest::Method::POST,
        "/api/v1/referrals",
        serde_json::json!({"site_id": org.site_a, "person_name": "Ashley Frasr", "person_date_of_birth": "01/04/1999",
            "source": "practice_staff", "reasons": ["mental_health"], "person_agreed": "yes"}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap_or(0);

    // Triage shows the likely match, with its risk flag; the worker links it.
    sign_in(&b, &t, &lw.email).await;
    b.goto(&t.url(&format!("/referrals/{referral}"))).await;
    let main = b.text("main").await;
    assert!(main.contains("Is this one of these people?") && main.contains("Suicide or self-harm"));
    b.assert_accessible("likely matches at triage").await;
    shot("triage-matches.png").await;
    b.click("#participant_id").await;
    b.select("#link_worker_id", &lw.id.to_string()).await;
    b.click_and_wait("form[action$='/allocate'] button[type=submit]")
        .await;
    let main = b.text("main").await;
    assert!(main.contains("Referral updated") && main.contains("Suicide or self-harm"));

    // A clash in the diary is a warning the worker can override.
    api(
        &lw,
        reqwest::Method::POST,
        "/api/v1/appointments",
        serde_json::json!({"referral_id": referral, "date": "26/11/2026", "time": "10:00", "duration_minutes": 60, "mode": "practice"}),
    )
    .await;
    b.goto(&t.url(&format!("/referrals/{referral}"))).await;
    b.fill("#date", "26/11/2026").await;
    b.fill("#time", "10:30").await;
    b.click_and_wait("form[action$='/appointments'] button[type=submit]")
        .await;
    assert!(
        b.text("main")
            .await
            .contains("already has an appointment from 10:00 to 11:00")
    );
    b.assert_accessible("a clash warning").await;
    shot("clash-warning.png").await;
    b.click("#allow_clash").await;
    b.click_and_wait("form[action$='/appointments'] button[type=submit]")
        .await;
    assert!(b.text("main").await.contains("Appointment booked"));

    // Two minutes before the session ends: a warning, and a way to stay.
    b.script("window.lwSession.warnIn(0)").await;
    b.wait_for(
        "return !document.getElementById('session-warning').hidden",
        "the session warning",
    )
    .await;
    assert!(
        b.text("#session-warning")
            .await
            .contains("You will be signed out soon")
    );
    b.assert_accessible("the session time-out warning").await;
    shot("session-warning.png").await;
    b.click("#session-warning button[data-stay]").await;
    b.wait_for(
        "return document.getElementById('session-warning').hidden",
        "the warning to close",
    )
    .await;
    assert_eq!(
        b.script("return document.getElementById('session-warning-status').textContent")
            .await,
        serde_json::json!("You are still signed in.")
    );
    sign_out(&b).await;

    // On a phone: tables become cards, nothing hides off-screen.
    sign_in(&b, &t, &manager.email).await;
    b.window_size(400, 900).await;
    for path in ["/caseloads", "/referrals?show=all"] {
        b.goto(&t.url(path)).await;
        let fits = b
            .script("return document.documentElement.scrollWidth <= window.innerWidth")
            .await;
        assert_eq!(fits, serde_json::json!(true), "{path} fits 400 px");
        assert_eq!(
            b.script(
                "return document.querySelector('table.govuk-table').classList.contains('lw-cards')"
            )
            .await,
            serde_json::json!(true),
            "{path}: rows are cards"
        );
        b.assert_accessible(&format!("{path} at 400 px")).await;
        if path == "/caseloads" {
            shot("caseloads-400.png").await;
        }
    }
    b.window_size(1280, 1000).await;
    sign_out(&b).await;

    // Adding a user: find sites by typing instead of scanning every box.
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    sign_in(&b, &t, &admin.email).await;
    b.goto(&t.url("/users/new")).await;
    b.fill("[data-filter-list] input[type=search]", "alpha")
        .await;
    b.wait_for(
        "return [...document.querySelectorAll('[data-filter-list] .govuk-checkboxes__item')].filter(i => !i.hidden).length === 1",
        "the site list to narrow",
    )
    .await;
    assert!(
        b.text("[data-filter-list] [role=status]")
            .await
            .contains("1 of 2 sites shown")
    );
    b.assert_accessible("adding a user, sites narrowed").await;
}

/// Issue 9 in the browser: from a person's record, "Find support", search,
/// and refer them to a service in one step; the map and list pass axe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_support_from_a_record() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::spawn(Kind::Sqlite).await;
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let mut s = t.sign_in(&admin.email).await;
    let r = s
        .post(
            "/directory/postcodes",
            &[(
                "file",
                "pcds,lat,long\nG51 4TR,55.8560,-4.3200\nG51 2AA,55.8570,-4.3180\n",
            )],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let post = |path: &'static str, body: serde_json::Value| {
        let (t, lw) = (&t, &lw);
        async move { t.api(lw, reqwest::Method::POST, path, Some(body)).await }
    };
    let r = post(
        "/api/v1/directory/services",
        serde_json::json!({"name": "Govan Bereavement Support Group", "new_organization": "Govan Community Trust",
            "description": "A small group for people who have lost someone close.", "categories": ["bereavement"],
            "postcode": "G51 2AA", "checked": true,
            "schedules": [{"days": ["TU"], "opens_at": "18:00", "closes_at": "20:00"}]}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let person = post(
        "/api/v1/participants",
        serde_json::json!({"site_id": org.site_a, "given_name": "Robin", "family_name": "Example",
            "date_of_birth": "1961-05-09", "postcode": "G51 4TR"}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap_or(0);
    let shots = std::env::var("LINKWORK_SCREENSHOTS")
        .ok()
        .map(std::path::PathBuf::from);

    b.goto(&t.url("/sign-in")).await;
    b.fill("#email", &lw.email).await;
    b.fill("#password", PASSWORD).await;
    b.click_and_wait("form[action='/sign-in'] button[type=submit]")
        .await;
    b.goto(&t.url(&format!("/people/{person}"))).await;
    b.click_and_wait("#find-support").await;
    assert_eq!(b.text("h1").await, "Find support");
    b.assert_accessible("the directory search").await;
    b.fill("#q", "bereavment").await;
    b.click_and_wait("form.lw-directory-search button[type=submit]")
        .await;
    let main = b.text("main").await;
    assert!(main.contains("Govan Bereavement Support Group"), "{main}");
    assert!(
        main.contains("km away"),
        "distance from their postcode: {main}"
    );
    b.wait_for(
        "return document.querySelector('.leaflet-marker-icon') !== null",
        "the map markers",
    )
    .await;
    b.assert_accessible("the search results with the map").await;
    if let Some(d) = &shots {
        b.screenshot(&d.join("directory-results.png")).await;
    }
    b.click_and_wait(&format!(
        "form[action='/people/{person}/find-support'] button[value=referral]"
    ))
    .await;
    let main = b.text("main").await;
    assert!(
        main.contains("Govan Bereavement Support Group") && main.contains("Referred"),
        "the onward referral is on the record: {main}"
    );
    b.assert_accessible("the record after referring").await;
}

/// A manager chooses a period and a scope, reads a chart, downloads the
/// spreadsheet, opens the printable report and the social value page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_reads_the_figures_and_downloads_them() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::spawn(Kind::Sqlite).await;
    let org = t.organisation("Programme A").await;
    let manager = t.user(org.programme_id, Role::Manager, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    for (name, reason) in [
        ("Ada Example", "loneliness"),
        ("Ben Example", "money"),
        ("Cai Example", "loneliness"),
    ] {
        let r = t
            .api(
                &lw,
                reqwest::Method::POST,
                "/api/v1/referrals",
                Some(
                    serde_json::json!({"site_id": org.site_a, "person_name": name,
                    "person_date_of_birth": "1960-05-06", "source": "gp", "reasons": [reason]}),
                ),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    sign_in(&b, &t, &manager.email).await;
    b.click_and_wait("nav a[href='/reports']").await;
    assert_eq!(b.text("h1").await, "Figures");
    b.assert_accessible("the figures page").await;
    b.select("#period", "2026-11").await;
    b.select("#scope", "practice:S00001").await;
    b.click_and_wait("form.lw-report-form button[type=submit]")
        .await;
    let main = b.text("main").await;
    assert!(
        main.contains("Practice: Alpha Medical Practice: November 2026"),
        "{main}"
    );
    // The chart of reasons, and its numbers for those who prefer a table.
    let label = b
        .script("return document.querySelector('svg.lw-chart').getAttribute('aria-label');")
        .await;
    assert!(
        label.as_str().unwrap_or("").contains("November 2026"),
        "{label}"
    );
    open_all(&b).await;
    assert!(b.text("main").await.contains("Loneliness"));
    b.assert_accessible("the figures of a practice and a month")
        .await;
    // The spreadsheet, fetched as the browser would download it.
    let got = b
        .script_async(
            "const done = arguments[arguments.length - 1];
             const a = document.querySelector(\"a[href^='/reports/figures.xlsx']\");
             fetch(a.href).then(async r => { const b = new Uint8Array(await r.arrayBuffer());
               done([r.status, r.headers.get('content-type'), String.fromCharCode(b[0], b[1]), a.getAttribute('download') !== null]); });",
        )
        .await;
    assert_eq!(got[0], 200, "{got}");
    assert!(
        got[1].as_str().unwrap_or("").contains("spreadsheetml"),
        "{got}"
    );
    assert_eq!(got[2], "PK", "a zip file: {got}");
    assert_eq!(got[3], true, "offered as a download");
    // The printable report and the social value page.
    b.click_and_wait("a[href^='/reports/print']:not([href*='sharing'])")
        .await;
    assert!(b.text("h1").await.contains("November 2026"));
    b.assert_accessible("the printable report").await;
    b.goto(&t.url("/reports/social-value")).await;
    b.assert_accessible("the social value page").await;
    // From a row of who is reached to the referrals behind it, and the
    // other lists behind the figures.
    b.goto(&t.url("/reports?period=2026-11&scope=practice:S00001"))
        .await;
    open_all(&b).await;
    b.click_and_wait("table a[href*='age_band=65_74']").await;
    let main = b.text("main").await;
    assert!(
        main.contains("From the figures, only:")
            && main.contains("Age when referred: 65 to 74")
            && main.contains("3 referrals"),
        "{main}"
    );
    b.assert_accessible("the referrals behind a row of who is reached")
        .await;
    for (path, what) in [
        ("/needs", "the needs identified"),
        ("/goals", "the goals achieved"),
        ("/wellbeing", "the wellbeing scores"),
        ("/handovers", "the handovers"),
    ] {
        b.goto(&t.url(&format!(
            "{path}?from=1/11/2026&to=30/11/2026&site_id={}",
            org.site_a
        )))
        .await;
        assert!(
            b.text("main")
                .await
                .contains("for the part of the programme chosen"),
            "{path}"
        );
        b.assert_accessible(what).await;
    }
    // On a phone.
    b.window_size(390, 844).await;
    b.goto(&t.url("/reports?period=2026-11")).await;
    b.assert_accessible("the figures page on a phone").await;
}

/// Issue 11: a partner organisation accepts an onward referral and records
/// what happened; the link worker then sees the answer on their home page
/// and on the person's record. Axe on every page on the way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_answers_a_referral_and_the_link_worker_sees_it() {
    use reqwest::Method;
    use serde_json::json;
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::spawn(Kind::Sqlite).await;
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let service = crate::directory::add(
        &t,
        &lw,
        json!({"name": "Food parcels", "new_organization": "Northside Food Bank", "description": "Emergency food.", "postcode": "G21 1AA"}),
    )
    .await;
    let food_org = t
        .api(
            &lw,
            Method::GET,
            &format!("/api/v1/directory/services/{service}"),
            None,
        )
        .await
        .json()["organization_id"]
        .as_i64()
        .unwrap_or(0);
    let staff = t.partner(org.programme_id, food_org, &[]).await;
    let (_, person) =
        crate::everyday::allocated(&t, &org, &lw, "Morag Example", "1961-05-02").await;
    let r = t
        .api(&lw, Method::POST, &format!("/api/v1/participants/{person}/onward-support"),
            Some(json!({"kind": "referral", "service_id": service.to_string(), "status": "referred", "when_and_where": "Thursday 10am"})))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);

    sign_in(&b, &t, &staff.email).await;
    assert!(
        b.text("main")
            .await
            .contains("Referrals to your organisation")
    );
    b.click_and_wait("main a[href='/partner']").await;
    assert_eq!(b.text("h1").await, "Referrals to you");
    assert!(
        b.text("main").await.contains("M. E."),
        "initials without consent"
    );
    b.assert_accessible("a partner's referrals").await;
    b.click_and_wait("main table a").await;
    assert!(b.text("h1").await.contains("M. E."));
    b.assert_accessible("one referral, for a partner").await;
    // Declining without a reason is refused, with the error summary.
    b.click("#status-1").await;
    b.click_and_wait("main form button[type=submit]").await;
    assert!(b.title().await.starts_with("Error:"));
    assert!(b.text("main").await.contains("Say why you are declining"));
    b.assert_accessible("a partner's answer with errors").await;
    b.click("#status").await;
    b.click_and_wait("main form button[type=submit]").await;
    assert!(b.text("main").await.contains("Your answer has been sent"));
    b.click("#status-3").await;
    b.fill("#outcome", "Two food parcels and a fuel voucher")
        .await;
    b.click_and_wait("main form button[type=submit]").await;
    assert!(b.text("main").await.contains("Support given"));
    sign_out(&b).await;

    sign_in(&b, &t, &lw.email).await;
    let home = b.text("main").await;
    assert!(
        home.contains("Answers from partner organisations"),
        "{home}"
    );
    assert!(home.contains("Support given"));
    b.assert_accessible("the link worker's home with partners' answers")
        .await;
    b.click_and_wait(&format!("main a[href='/people/{person}#onward']"))
        .await;
    let record = b.text("main").await;
    assert!(record.contains("Two food parcels and a fuel voucher"));
    assert!(record.contains("Answered by the service"));
    b.assert_accessible("the record with a partner's answer")
        .await;
}

/// Issue 11: a link worker starts a group, registers someone from their
/// record, runs a session and takes attendance. Axe on every page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_worker_runs_a_group_session_and_takes_attendance() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::spawn(Kind::Sqlite).await;
    let org = t.organisation("Programme A").await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let (_, person) = crate::everyday::allocated(&t, &org, &lw, "Nora Example", "1948-06-01").await;

    sign_in(&b, &t, &lw.email).await;
    b.click_and_wait("nav a[href='/groups']").await;
    assert_eq!(b.text("h1").await, "Groups");
    b.assert_accessible("the groups list").await;
    // Starting a group without a name is refused, with the error summary.
    b.click_and_wait("form[action='/groups'] button[type=submit]")
        .await;
    assert!(b.title().await.starts_with("Error:"));
    b.assert_accessible("starting a group, with errors").await;
    b.fill("#name", "Chair yoga").await;
    b.select("#kind", "exercise").await;
    b.fill("#schedule", "Thursdays 14:00, weekly").await;
    b.fill("#venue", "Possilpark Community Centre").await;
    b.fill("#in_kind", "Room given free by the centre").await;
    b.click_and_wait("form[action='/groups'] button[type=submit]")
        .await;
    assert_eq!(b.text("h1").await, "Chair yoga");
    assert!(
        b.text("main")
            .await
            .contains("Nobody you work with is registered yet")
    );
    b.assert_accessible("a new group").await;

    // Register Nora from her record.
    b.goto(&t.url(&format!("/people/{person}"))).await;
    b.click("#group_id option:nth-child(2)").await;
    b.click_and_wait("form[action='/groups/register'] button[type=submit]")
        .await;
    assert!(
        b.text("#groups ~ ul").await.contains("Chair yoga")
            || b.text("main").await.contains("came to 0 sessions")
    );
    b.assert_accessible("a record with a group").await;

    // Run the session: tick Nora, two others came.
    b.click_and_wait("main a[href^='/groups/']").await;
    b.click("#attended").await;
    b.fill("#others", "2").await;
    b.fill("#feedback", "Everyone stayed for tea").await;
    b.click_and_wait("form[action$='/sessions'] button[type=submit]")
        .await;
    let main = b.text("main").await;
    assert!(main.contains("Session recorded"), "{main}");
    assert!(main.contains("Everyone stayed for tea"));
    b.assert_accessible("a group after a session").await;
    // Feedback on the group as a whole, and changing its details.
    b.fill("#whole_feedback", "I look forward to Thursdays now")
        .await;
    b.click_and_wait("form[action$='/feedback'] button[type=submit]")
        .await;
    assert!(
        b.text("main")
            .await
            .contains("I look forward to Thursdays now")
    );
    b.click_and_wait("main a[href$='/edit']").await;
    b.assert_accessible("changing a group").await;
    b.fill("#facilitators", "Link worker and a yoga teacher")
        .await;
    b.click_and_wait("main form button[type=submit]").await;
    assert!(
        b.text("main")
            .await
            .contains("Link worker and a yoga teacher")
    );
    b.goto(&t.url(&format!("/people/{person}"))).await;
    assert!(b.text("main").await.contains("came to 1 session"));
}
