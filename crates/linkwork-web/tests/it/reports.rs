//! Figures (issue 10, first part): hand-counted on a small fixture, the
//! practices adding up to the programme, scopes and who may see what.

use linkwork_domain::Role;
use linkwork_testkit::{TestApp, TestUser, both};
use reqwest::Method;
use serde_json::{Value, json};

pub(crate) async fn refer(
    t: &TestApp,
    u: &TestUser,
    site: i64,
    name: &str,
    reasons: &[&str],
) -> i64 {
    let r = t
        .api(
            u,
            Method::POST,
            "/api/v1/referrals",
            Some(json!({"site_id": site, "person_name": name,
            "person_date_of_birth": "1960-05-06", "source": "gp", "reasons": reasons})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().unwrap_or(0)
}

/// Allocate a new referral to the link worker; the reply's body.
pub(crate) async fn allocate(t: &TestApp, lw: &TestUser, id: i64) -> Value {
    let r = t
        .api(
            lw,
            Method::POST,
            &format!("/api/v1/referrals/{id}/allocate"),
            Some(json!({"version": 1, "link_worker_id": lw.id})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

async fn version(t: &TestApp, u: &TestUser, id: i64) -> i64 {
    t.api(u, Method::GET, &format!("/api/v1/referrals/{id}"), None)
        .await
        .json()["version"]
        .as_i64()
        .unwrap_or(0)
}

/// The details of `user`'s audit events of `action`, as an administrator
/// of their programme reads them.
async fn listed_by(t: &TestApp, admin: &TestUser, action: &str, user: &TestUser) -> Vec<String> {
    let events = t
        .api_json(admin, &format!("/api/v1/audit?action={action}&limit=200"))
        .await;
    events["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["actor"] == user.email.as_str())
        .filter_map(|e| e["detail"].as_str().map(str::to_owned))
        .collect()
}

fn measure(body: &Value, name: &str) -> Option<f64> {
    body["measures"]
        .as_array()?
        .iter()
        .find(|m| m["measure"] == name)?["value"]
        .as_f64()
}

both!(figures_are_counted_by_hand_and_practices_add_up, |t| {
    let org = t.organisation("Programme A").await;
    let manager = t.user(org.programme_id, Role::Manager, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    // November 2026 (the test clock's month): three referrals at A, one at B.
    let a1 = refer(
        &t,
        &lw,
        org.site_a,
        "Ada Example",
        &["bereavement", "loneliness"],
    )
    .await;
    let a2 = refer(&t, &lw, org.site_a, "Ben Example", &["money"]).await;
    let _a3 = refer(&t, &lw, org.site_a, "Cai Example", &["loneliness"]).await;
    let _b1 = refer(&t, &lw_b, org.site_b, "Dee Example", &["housing"]).await;
    // One accepted (a new person, an open case), reached, closed, reopened.
    allocate(&t, &lw, a1).await;
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/referrals/{a1}/contact-attempts"),
            Some(json!({"method": "phone", "outcome": "reached"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let v = version(&t, &lw, a1).await;
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/referrals/{a1}/close"),
            Some(json!({"version": v, "reason": "goals_met"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut w = t.sign_in(&lw.email).await;
    w.get(&format!("/referrals/{a1}")).await;
    let r = w
        .post(
            &format!("/referrals/{a1}/reopen"),
            &[("version", &(v + 1).to_string())],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let r = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/reports?period=2026-11",
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["period"], "2026-11");
    assert_eq!(body["previous_period"], "2026-10");
    // A custom run of whole months beside as many whole months before.
    let r = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/reports?period=2026-10-01..2026-11-30",
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["previous_period"], "2026-08-01..2026-09-30");
    assert_eq!(measure(&body, "referrals_received"), Some(4.0), "{body}");
    assert_eq!(measure(&body, "new_people"), Some(1.0));
    assert_eq!(
        measure(&body, "open_cases"),
        Some(1.0),
        "reopened, so open at the end"
    );
    assert_eq!(measure(&body, "cases_reopened"), Some(1.0));
    assert_eq!(measure(&body, "days_to_first_contact_median"), Some(0.0));
    assert_eq!(measure(&body, "referrals_by_reason.loneliness"), Some(2.0));
    assert_eq!(measure(&body, "referrals_by_source.gp"), Some(4.0));
    assert_eq!(measure(&body, "referrals_by_age_band.65_74"), Some(4.0));
    // 4 referrals over 2 practices in a third of a quarter: 6 a quarter each.
    assert_eq!(
        measure(&body, "mean_quarterly_referrals_per_practice"),
        Some(6.0)
    );
    // Every count that adds up does: the practices make the programme.
    for (m, _) in linkwork_app::reports::figures::ADDITIVE {
        let sum: f64 = body["by_site"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| s["counts"][m].as_f64().unwrap_or(0.0))
            .sum();
        assert_eq!(Some(sum), measure(&body, m).or(Some(0.0)), "{m}: {body}");
    }
    // A practice, a worker; a link worker sees their own practices only.
    let r = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/reports?period=2026-11&scope=practice:S00002",
            None,
        )
        .await;
    assert_eq!(
        measure(&r.json(), "referrals_received"),
        Some(1.0),
        "{}",
        r.body
    );
    let r = t
        .api(
            &manager,
            Method::GET,
            &format!("/api/v1/reports?period=2026-11&scope=worker:{}", lw.email),
            None,
        )
        .await;
    assert_eq!(measure(&r.json(), "open_cases"), Some(1.0), "{}", r.body);
    let r = t
        .api(&lw, Method::GET, "/api/v1/reports?period=2026-11", None)
        .await;
    assert_eq!(
        measure(&r.json(), "referrals_received"),
        Some(3.0),
        "{}",
        r.body
    );
    assert_eq!(r.json()["scope_label"], "Your practices");
    let r = t
        .api(
            &lw,
            Method::GET,
            "/api/v1/reports?period=2026-11&scope=practice:S00002",
            None,
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.problem_fields().contains(&"scope".to_owned()));
    // Bad periods are named; practice staff and partners are refused.
    let r = t
        .api(&manager, Method::GET, "/api/v1/reports?period=2026Q5", None)
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.problem_fields().contains(&"period".to_owned()));
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    assert_eq!(
        t.api(&staff, Method::GET, "/api/v1/reports", None)
            .await
            .status,
        403
    );
    let partner = t.user(org.programme_id, Role::Partner, &[]).await;
    assert_eq!(
        t.api(&partner, Method::GET, "/api/v1/reports", None)
            .await
            .status,
        403
    );
    // Another programme's manager counts only their own programme.
    let other = t.organisation("Programme B").await;
    let stranger = t.user(other.programme_id, Role::Manager, &[]).await;
    let r = t
        .api(
            &stranger,
            Method::GET,
            "/api/v1/reports?period=2026-11",
            None,
        )
        .await;
    assert_eq!(
        measure(&r.json(), "referrals_received"),
        Some(0.0),
        "{}",
        r.body
    );
    // The page, and the CSV (with small counts hidden for sharing).
    let mut m = t.sign_in(&manager.email).await;
    let page = m.get("/reports?period=2026-11").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Referrals received") && page.body.contains("November 2026"),
        "{}",
        page.body
    );
    // Figures link to the referrals behind them (the period, the scope, a
    // reason or a source), and the list finds them.
    assert!(
        page.body
            .contains("href=\"/referrals?show=all&amp;from=1/11/2026&amp;to=30/11/2026\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("&amp;reason=loneliness\""),
        "{}",
        page.body
    );
    let list = m
        .get("/referrals?show=all&from=1/11/2026&to=30/11/2026&reason=loneliness")
        .await;
    assert!(list.body.contains("2 referrals"), "{}", list.body);
    let list = m
        .get("/referrals?show=all&from=1/11/2026&to=30/11/2026&source=gp")
        .await;
    assert!(list.body.contains("4 referrals"), "{}", list.body);
    // Cases reopened, new people and who is reached link to their lists
    // too, which say what they were narrowed to.
    for (href, n) in [
        (
            "/referrals?show=all&reopened_from=1/11/2026&reopened_to=30/11/2026",
            "1 referral",
        ),
        (
            "/referrals?show=all&from=1/11/2026&to=30/11/2026&new_person=yes",
            "1 referral",
        ),
        (
            "/referrals?show=all&from=1/11/2026&to=30/11/2026&age_band=65_74",
            "4 referrals",
        ),
    ] {
        assert!(
            page.body
                .contains(&format!("href=\"{}\"", href.replace('&', "&amp;"))),
            "{href}"
        );
        let list = m.get(href).await;
        assert!(list.body.contains(n), "{href}: {}", list.body);
        assert!(
            list.body.contains("From the figures, only:"),
            "{}",
            list.body
        );
    }
    let list = m
        .get("/referrals?show=all&reopened_from=1/12/2026&age_band=18_24")
        .await;
    assert!(list.body.contains("0 referrals"), "{}", list.body);
    // One end of the run alone leaves the other open.
    for q in ["reopened_to=2026-11-30", "reopened_from=2026-11-01"] {
        let r = t
            .api(
                &manager,
                Method::GET,
                &format!("/api/v1/referrals?{q}"),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        assert_eq!(r.json()["total"], 1, "{q}");
    }
    // A value that is not a key is named, on the page and in the API.
    let bad = m.get("/referrals?show=all&age_band=30_40&sex=x").await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("Age band must be one of"), "{}", bad.body);
    let r = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/referrals?simd_quintile=6&reopened_to=soon",
            None,
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.problem_fields(), ["simd_quintile", "reopened_to"]);
    let practice = m.get("/reports?period=2026-11&scope=practice:S00002").await;
    assert!(
        practice
            .body
            .contains(&format!("&amp;site_id={}", org.site_b)),
        "{}",
        practice.body
    );
    // Appointment figures link to the appointments behind them, by status
    // and scope, and the list holds as many as the figure counts.
    let nov = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/reports?period=2026-11",
            None,
        )
        .await
        .json();
    for (m_name, status) in [
        ("appointments_booked", ""),
        ("appointments_attended", "&status=attended"),
        ("appointments_did_not_attend", "&status=did_not_attend"),
        ("appointments_cancelled", "&status=cancelled"),
    ] {
        let href = format!("/appointments?from=1/11/2026&to=30/11/2026{status}");
        assert!(
            page.body
                .contains(&format!("href=\"{}\"", href.replace('&', "&amp;"))),
            "{href}"
        );
        let n = measure(&nov, m_name).unwrap_or(0.0) as usize;
        let list = m.get(&href).await;
        assert_eq!(list.status, 200);
        let want = format!(
            "{n} {}",
            if n == 1 {
                "appointment"
            } else {
                "appointments"
            }
        );
        assert!(list.body.contains(&want), "{m_name}: {want}\n{}", list.body);
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let seen = listed_by(&t, &admin, "appointment.list", &manager).await;
        let asked = format!(
            "from=\"1/11/2026\" to=\"30/11/2026\" status={:?} results={n} shown=",
            status.trim_start_matches("&status=")
        );
        assert!(
            seen.iter().any(|d| d.starts_with(&asked)),
            "{asked}: {seen:?}"
        );
    }
    assert!(
        practice.body.contains(&format!(
            "href=\"/appointments?from=1/11/2026&amp;to=30/11/2026&amp;site_id={}&amp;status=attended\"",
            org.site_b
        )),
        "{}",
        practice.body
    );
    // Onward support links the same way.
    for (m_name, filter) in [
        ("onward_referrals", "&kind=referral"),
        ("signposting", "&kind=signposting"),
        ("onward_taken_up", "&status=taken_up"),
    ] {
        let href = format!("/onward?from=1/11/2026&to=30/11/2026{filter}");
        assert!(
            page.body
                .contains(&format!("href=\"{}\"", href.replace('&', "&amp;"))),
            "{href}"
        );
        let n = measure(&nov, m_name).unwrap_or(0.0) as usize;
        let list = m.get(&href).await;
        assert_eq!(list.status, 200);
        assert!(
            list.body.contains(&format!("{n} recorded")),
            "{m_name}: {n}\n{}",
            list.body
        );
    }
    let r = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/onward-support?from=2026-11-01&to=2026-11-30&kind=referral",
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json().as_array().map(|a| a.len() as f64),
        Some(measure(&nov, "onward_referrals").unwrap_or(0.0))
    );
    let r = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/onward-support?kind=other&from=x",
            None,
        )
        .await;
    assert_eq!(r.problem_fields(), ["from", "kind"]);
    // The same through the API, narrowed to the area.
    let r = t
        .api(
            &manager,
            Method::GET,
            &format!(
                "/api/v1/appointments?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&status=did_not_attend&area_id={}",
                org.area_id
            ),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json().as_array().map(|a| a.len() as f64),
        measure(&nov, "appointments_did_not_attend")
    );
    let r = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/appointments?status=maybe",
            None,
        )
        .await;
    assert_eq!(r.problem_fields(), ["status"]);
    // 2,000 a page: the second page of so few is empty; a bad page is named.
    let second = t.api_json(&manager, "/api/v1/appointments?page=2").await;
    assert_eq!(second.as_array().map(Vec::len), Some(0), "{second}");
    let r = t
        .api(&manager, Method::GET, "/api/v1/appointments?page=0", None)
        .await;
    assert_eq!(r.problem_fields(), ["page"]);
    let bad = m.get("/appointments?from=31/2/2026&status=maybe").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#from\"") && bad.body.contains("href=\"#status\""));
    let r = t
        .api(
            &manager,
            Method::GET,
            &format!(
                "/api/v1/referrals?area_id={}&source=gp&received_from=2026-11-01",
                org.area_id
            ),
            None,
        )
        .await;
    assert_eq!(r.json()["total"], 4, "{}", r.body);
    let r = t
        .api(
            &manager,
            Method::GET,
            &format!(
                "/api/v1/referrals?cluster_id={}&source=self",
                org.cluster_id
            ),
            None,
        )
        .await;
    assert_eq!(r.json()["total"], 0, "{}", r.body);
    // Administrators see figures but not people: no links for them.
    let mut adm = t
        .sign_in(
            &t.user(org.programme_id, Role::Administrator, &[])
                .await
                .email,
        )
        .await;
    let page_a = adm.get("/reports?period=2026-11").await;
    assert!(
        !page_a.body.contains("/referrals?show=all"),
        "{}",
        page_a.body
    );
    let csv = m
        .get("/reports/figures.csv?period=2026-11&scope=programme")
        .await;
    assert!(
        csv.body.starts_with("measure,value,previous"),
        "{}",
        csv.body
    );
    assert!(
        csv.body
            .contains("\nreferrals_received,4,0,2026-11,2026-10,programme"),
        "{}",
        csv.body
    );
    let shared = m
        .get("/reports/figures.csv?period=2026-11&scope=programme&sharing=1")
        .await;
    assert!(
        shared.body.contains("\nreferrals_received,<5,0,"),
        "{}",
        shared.body
    );
    // The spreadsheet: figures as numbers beside their measure names, the
    // per-practice table; for sharing, small counts as text.
    let x = m
        .get("/reports/figures.xlsx?period=2026-11&scope=programme")
        .await;
    assert_eq!(x.status, 200);
    assert!(
        x.headers["content-type"]
            .to_str()
            .unwrap_or("")
            .contains("spreadsheetml")
    );
    let (strings, figures) = (
        xlsx_part(&x.bytes, "xl/sharedStrings.xml"),
        xlsx_part(&x.bytes, "xl/worksheets/sheet1.xml"),
    );
    assert!(strings.contains("referrals_received"), "{strings}");
    assert!(figures.contains("<v>4</v>"), "{figures}");
    assert!(xlsx_part(&x.bytes, "xl/workbook.xml").contains("name=\"By practice\""));
    let x = m
        .get("/reports/figures.xlsx?period=2026-11&scope=programme&sharing=1")
        .await;
    assert!(xlsx_part(&x.bytes, "xl/sharedStrings.xml").contains("&lt;5"));
    // The printable report stands alone: its styles inside, charts as SVG.
    let p = m.get("/reports/print?period=2026-11&scope=programme").await;
    assert_eq!(p.status, 200);
    assert!(
        p.body.contains("<style>") && p.body.contains("@media print") && p.body.contains("<svg"),
        "{}",
        p.body
    );
    assert!(
        p.body.contains("The whole programme: November 2026"),
        "{}",
        p.body
    );
    // The same files over the API, with the same checks.
    for (format, kind) in [
        ("csv", "text/csv"),
        ("xlsx", "spreadsheetml"),
        ("html", "text/html"),
    ] {
        let r = t
            .api(
                &manager,
                Method::GET,
                &format!("/api/v1/reports/download?period=2026-11&format={format}&sharing=true"),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap_or("")
                .contains(kind)
        );
    }
    let r = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/reports/download?format=pdf",
            None,
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.problem_fields().contains(&"format".to_owned()));
    assert_eq!(
        t.api(&staff, Method::GET, "/api/v1/reports/download", None)
            .await
            .status,
        403
    );
    let page = m.get("/reports?custom=2026-13").await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Enter a period like"), "{}", page.body);
    // Who ran which report is audited.
    let r = t
        .api(
            &t.user(org.programme_id, Role::Administrator, &[]).await,
            Method::GET,
            "/api/v1/audit?action=report.view",
            None,
        )
        .await;
    assert!(r.body.contains("report.view"), "{}", r.body);
    // Closures link to the cases behind them: Ben's case closed because
    // he chose to stop.
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/referrals/{a2}/allocate"),
            Some(json!({"version": 1, "link_worker_id": lw.id, "new_participant": true})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = version(&t, &lw, a2).await;
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/referrals/{a2}/close"),
            Some(json!({"version": v, "reason": "chose_to_stop"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let page = m.get("/reports?period=2026-11").await;
    let closed = "/referrals?show=closed&amp;closed_from=1/11/2026&amp;closed_to=30/11/2026";
    assert!(
        page.body.contains(&format!("href=\"{closed}\"")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!(
            "href=\"{closed}&amp;closure_reason=chose_to_stop\""
        )),
        "{}",
        page.body
    );
    // The month-by-month chart, with its table.
    assert!(
        page.body
            .contains("Month by month, December 2025 to November 2026"),
        "{}",
        page.body
    );
    let list = m
        .get("/referrals?show=closed&closed_from=1/11/2026&closed_to=30/11/2026&closure_reason=chose_to_stop")
        .await;
    assert!(
        list.body.contains("1 referral") && list.body.contains("Ben Example"),
        "{}",
        list.body
    );
    let list = m.get("/referrals?show=closed&closed_from=31/11/2026").await;
    assert!(list.body.contains("href=\"#closed_from\""), "{}", list.body);
    assert_eq!(list.status, 422);
    let r = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/referrals?closed_from=2026-11-01&closure_reason=goals_met",
            None,
        )
        .await;
    // Ada's case was closed for goals met, then reopened: not closed now.
    assert_eq!(r.json()["total"], 0, "{}", r.body);
    let r = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/referrals?closed_from=2026-11-01&closed_to=2026-11-30",
            None,
        )
        .await;
    assert_eq!(r.json()["total"], 1, "{}", r.body);
    let r = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/referrals?closed_to=30/11/2026",
            None,
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.problem_fields().contains(&"closed_to".to_owned()));
});

/// One part of an XLSX file (a zip), as text.
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .unwrap_or_else(|e| panic!("not an XLSX file: {e}"));
    let mut f = z.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = String::new();
    f.read_to_string(&mut out)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    out
}

async fn ons4(t: &TestApp, u: &TestUser, person: i64, stage: &str, on: &str, life: &str) {
    let r = t
        .api(
            u,
            Method::POST,
            &format!("/api/v1/participants/{person}/measures"),
            Some(json!({"kind": "ons4", "stage": stage, "taken_on": on, "answers": [life, "6", "6", "3"]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
}

both!(social_value_is_worked_out_the_green_book_way, |t| {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let manager = t.user(org.programme_id, Role::Manager, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let a1 = refer(&t, &lw, org.site_a, "Ada Example", &["loneliness"]).await;
    allocate(&t, &lw, a1).await;
    let person = t
        .api(&lw, Method::GET, &format!("/api/v1/referrals/{a1}"), None)
        .await
        .json()["participant_id"]
        .as_i64()
        .unwrap_or(0);
    // Life satisfaction 4 in October, 7 in November: +3 points.
    ons4(&t, &lw, person, "baseline", "2026-10-05", "4").await;
    ons4(&t, &lw, person, "review", "2026-11-02", "7").await;
    let get = |u: TestUser, q: &'static str| {
        let t = &t;
        async move {
            t.api(&u, Method::GET, &format!("/api/v1/reports?{q}"), None)
                .await
                .json()
        }
    };
    let body = get(manager.clone(), "period=2026-11").await;
    assert_eq!(measure(&body, "value_people"), Some(1.0), "{body}");
    assert_eq!(measure(&body, "value_wellbys"), Some(3.0));
    assert_eq!(measure(&body, "value_central"), Some(39_000.0));
    assert_eq!(measure(&body, "value_low"), Some(30_000.0));
    assert_eq!(measure(&body, "value_high"), Some(48_000.0));
    assert_eq!(measure(&body, "value_per_pound"), None, "no cost entered");
    // The administrator enters November's cost: £3 of value for each £1.
    let r = t
        .api(
            &admin,
            Method::POST,
            "/api/v1/reports/costs",
            Some(json!({"first_day": "2026-11-01", "last_day": "2026-11-30", "amount": "13,000", "note": "Link worker salaries"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let cost = r.json()["id"].as_i64().unwrap_or(0);
    let body = get(manager.clone(), "period=2026-11").await;
    assert_eq!(measure(&body, "programme_cost"), Some(13_000.0), "{body}");
    assert_eq!(measure(&body, "value_per_pound"), Some(3.0));
    // Costs are the whole programme's: a practice's figures have no ratio.
    let body = get(manager.clone(), "period=2026-11&scope=practice:S00001").await;
    assert_eq!(measure(&body, "value_central"), Some(39_000.0), "{body}");
    assert_eq!(measure(&body, "value_per_pound"), None);
    // Half would have happened anyway: 1.5 WELLBYs, £1.50 for each £1.
    let r = t
        .api(
            &admin,
            Method::PUT,
            "/api/v1/reports/social-value",
            Some(json!({"wellby_value": "13000", "price_year": "2019", "low_value": "10000", "high_value": "16000",
                "uplift": "1", "deadweight_percent": "50", "duration_years": "1"})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let body = get(manager.clone(), "period=2026-11").await;
    assert_eq!(measure(&body, "value_wellbys"), Some(1.5), "{body}");
    assert_eq!(measure(&body, "value_per_pound"), Some(1.5));
    // Bad input is named, and nothing changes.
    let r = t
        .api(
            &admin,
            Method::PUT,
            "/api/v1/reports/social-value",
            Some(json!({"wellby_value": "lots", "price_year": "19", "low_value": "20000", "high_value": "16000",
                "uplift": "1", "deadweight_percent": "150", "duration_years": "1"})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields = r.problem_fields();
    for f in ["wellby_value", "price_year", "deadweight_percent"] {
        assert!(fields.contains(&f.to_owned()), "{f}: {}", r.body);
    }
    let r = t
        .api(
            &admin,
            Method::POST,
            "/api/v1/reports/costs",
            Some(json!({"first_day": "2026-11-30", "last_day": "2026-11-01", "amount": "0", "note": ""})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields = r.problem_fields();
    for f in ["last_day", "amount", "note"] {
        assert!(fields.contains(&f.to_owned()), "{f}: {}", r.body);
    }
    let v = t
        .api(&lw, Method::GET, "/api/v1/reports/social-value", None)
        .await;
    assert_eq!(v.status, 200, "{}", v.body);
    assert_eq!(v.json()["deadweight_percent"], 50.0);
    assert_eq!(v.json()["costs"].as_array().map(Vec::len), Some(1));
    // Only administrators change them; other programmes cannot touch them.
    let r = t
        .api(
            &manager,
            Method::PUT,
            "/api/v1/reports/social-value",
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let other = t.organisation("Programme B").await;
    let stranger = t.user(other.programme_id, Role::Administrator, &[]).await;
    let r = t
        .api(
            &stranger,
            Method::DELETE,
            &format!("/api/v1/reports/costs/{cost}"),
            None,
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    assert_eq!(
        t.api(&staff, Method::GET, "/api/v1/reports/social-value", None)
            .await
            .status,
        403
    );
    // The page explains the method; administrators get the forms, with
    // errors named on them.
    let mut a = t.sign_in(&admin.email).await;
    let page = a.get("/reports/social-value").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("WELLBY") && page.body.contains("What it does not tell you"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Link worker salaries"));
    let r = a
        .post(
            "/reports/costs",
            &[
                ("first_day", "1/12/2026"),
                ("last_day", "31/12/2026"),
                ("amount", "ten"),
                ("note", "Rent"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Enter an amount in pounds"), "{}", r.body);
    let r = a.post(&format!("/reports/costs/{cost}/delete"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut m = t.sign_in(&manager.email).await;
    let page = m.get("/reports/social-value").await;
    assert!(
        page.body.contains("Administrators change these") && !page.body.contains("Save settings"),
        "{}",
        page.body
    );
    let page = m.get("/reports?period=2026-11").await;
    assert!(
        page.body.contains("Wellbeing value (central)") && page.body.contains("£19,500"),
        "{}",
        page.body
    );
    // Every change is audited.
    let r = t
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=cost.delete",
            None,
        )
        .await;
    assert!(r.body.contains("Link worker salaries"), "{}", r.body);
    let r = t
        .api(
            &admin,
            Method::GET,
            "/api/v1/audit?action=value_settings.update",
            None,
        )
        .await;
    assert!(r.body.contains("deadweight 50%"), "{}", r.body);
});

/// Rows of the real reference data (ONS NSPL, OGL v3; SIMD 2020v2 ranks).
const NSPL: &str = "postcode,postcode_pc7,dointr,doterm,usertype,council_area_code,datazone2011_code,intzone2011_code,health_board_code,lat,long,simd2020v2_rank_from_nspl\n\
FK1 1AA,FK1 1AA,198001,,1,S12000014,S01009140,S02001713,S08000019,56.001996,-3.784777,1481\n\
FK1 1AD,FK1 1AD,198608,199207,1,S12000014,S01009140,S02001713,S08000019,56.001996,-3.784777,1481\n";
const SIMD: &str = "datazone2011_code,datazone2011_name,council_area_name,simd2020v2_rank\n\
S01009140,Falkirk - Grahamston - 03,Falkirk,1481\n\
S01010245,Carntyne West and Haghill - 04,Glasgow City,2\n\
S01008861,Stockbridge - 05,City of Edinburgh,6976\n\
S0100,Broken,Nowhere,12\n\
S01010891,Greenock Town Centre and East Central - 02,Inverclyde,0\n";

both!(
    people_are_counted_by_the_simd_decile_of_their_postcode,
    |t| {
        let org = t.organisation("Programme A").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let manager = t.user(org.programme_id, Role::Manager, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        // Only administrators import reference data; a bad table is named.
        let post_csv = |u: &TestUser, path: &str, body: &str| {
            let (t, u, path, body) = (&t, u.clone(), path.to_owned(), body.to_owned());
            async move {
                let r = t
                    .client()
                    .post(t.url(&path))
                    .bearer_auth(&u.token)
                    .header("content-type", "text/csv")
                    .body(body)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                linkwork_testkit::Reply::from(r).await
            }
        };
        assert_eq!(
            post_csv(&manager, "/api/v1/directory/simd", SIMD)
                .await
                .status,
            403
        );
        let r = post_csv(&admin, "/api/v1/directory/simd", "a,b\n1,2\n").await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.problem_fields().contains(&"file".to_owned()));
        let r = post_csv(&admin, "/api/v1/directory/postcodes", NSPL).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["taken"], 1, "the terminated postcode is left out");
        let r = post_csv(&admin, "/api/v1/directory/simd", SIMD).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            (r.json()["taken"].as_i64(), r.json()["skipped"].as_i64()),
            (Some(3), Some(2))
        );
        // Two people: one in Falkirk's Grahamston (rank 1481 of 6976: decile
        // 3, quintile 2), one with no postcode.
        for (name, born, postcode) in [
            ("Fiona", "1970-01-02", "fk1 1aa"),
            ("Gus", "1981-07-08", ""),
        ] {
            let r = t
                .api(
                    &lw,
                    Method::POST,
                    "/api/v1/participants",
                    Some(
                        json!({"given_name": name, "family_name": "Example", "date_of_birth": born,
                    "site_id": org.site_a, "preferred_contact": "phone", "postcode": postcode}),
                    ),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
            let person = r.json()["id"].as_i64().unwrap_or(0);
            let r = t
            .api(
                &lw,
                Method::POST,
                "/api/v1/referrals",
                Some(json!({"site_id": org.site_a, "participant_id": person, "source": "gp", "reasons": ["money"]})),
            )
            .await;
            assert_eq!(r.status, 201, "{}", r.body);
        }
        let body = t
            .api(
                &manager,
                Method::GET,
                "/api/v1/reports?period=2026-11",
                None,
            )
            .await
            .json();
        assert_eq!(
            measure(&body, "referrals_by_simd_decile.3"),
            Some(1.0),
            "{body}"
        );
        assert_eq!(measure(&body, "referrals_by_simd_quintile.2"), Some(1.0));
        assert_eq!(
            measure(&body, "referrals_by_simd_decile.unknown"),
            Some(1.0)
        );
        // The page offers both imports to administrators, with the counts.
        let mut a = t.sign_in(&admin.email).await;
        let page = a.get("/directory/postcodes").await;
        assert!(
            page.body
                .contains("1 postcodes know their data zone; 3 data zones have SIMD ranks"),
            "{}",
            page.body
        );
        let r = a
            .post("/directory/simd", &[("simd", "nothing useful")])
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("href=\"#simd\""), "{}", r.body);
    }
);

both!(practices_add_up_to_the_programme_on_generated_data, |t| {
    // A year of the demo's invented programme: 96 sites, thousands of
    // referrals, every kind of event.
    let demo = linkwork_demo::generate(
        &t.db,
        t.app.now(),
        linkwork_demo::Scale::Programme,
        5,
        1,
        &|_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("demo: {e}"));
    let manager = t.user(demo.programme_id, Role::Manager, &[]).await;
    let get = async |q: String| t.api_json(&manager, &format!("/api/v1/reports?{q}")).await;
    // The demo kept every month; keeping them again is for those who see
    // the whole programme, and counts every month since the first referral.
    let site = get("period=2026-10".to_owned()).await["by_site"][0]["site_id"]
        .as_i64()
        .unwrap_or(0);
    let worker = t.user(demo.programme_id, Role::LinkWorker, &[site]).await;
    assert!(matches!(
        t.app.keep_figures(&worker.ctx, &|_, _| {}).await,
        Err(linkwork_app::AppError::Refused(_))
    ));
    let steps = std::sync::Mutex::new(Vec::new());
    let kept = t
        .app
        .keep_figures(&manager.ctx, &|done, total| {
            steps.lock().unwrap().push((done, total))
        })
        .await
        .unwrap();
    assert!(kept.months >= 12 && kept.periods >= 4, "{kept:?}");
    let steps = steps.into_inner().unwrap();
    assert_eq!(
        steps.last().copied(),
        Some((
            (kept.months + kept.periods) as u64,
            (kept.months + kept.periods) as u64
        ))
    );
    // Several periods (a month, a quarter, a financial year) and scopes: in
    // each, for every count that adds up, the sites make the whole.
    for q in [
        "period=2026-10",
        "period=2026Q3",
        "period=2026-27",
        "period=2026-27&scope=area:North West",
    ] {
        let body = get(q.to_owned()).await;
        assert!(
            measure(&body, "referrals_received").unwrap_or(0.0) > 0.0,
            "{q}: nothing counted"
        );
        for (m, _) in linkwork_app::reports::figures::ADDITIVE {
            let sum: f64 = body["by_site"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| s["counts"][m].as_f64().unwrap_or(0.0))
                .sum();
            assert_eq!(Some(sum), measure(&body, m).or(Some(0.0)), "{q} {m}");
        }
        // Breakdowns add up to their figures too.
        for (b, whole) in [
            ("referrals_by_source", "referrals_received"),
            ("referrals_by_age_band", "referrals_received"),
            ("referrals_by_sex", "referrals_received"),
            ("referrals_by_simd_decile", "referrals_received"),
            ("group_sessions_by_kind", "group_sessions"),
            ("group_attendances_by_kind", "group_attendances"),
            ("practice_activities_by_kind", "practice_activities"),
            ("vouchers_by_fund", "vouchers_issued"),
            ("partner_answers_by_status", "onward_answered_by_partners"),
        ] {
            let total = measure(&body, whole).unwrap_or(0.0);
            let sum: f64 = body["measures"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|x| {
                    x["measure"]
                        .as_str()
                        .is_some_and(|n| n.starts_with(&format!("{b}.")))
                })
                .map(|x| x["value"].as_f64().unwrap_or(0.0))
                .sum();
            assert_eq!(sum, total, "{q} {b}");
        }
    }
    // Who is reached: each row of the breakdowns, and the figures for new
    // people and Deep End practices, link to a list of as many referrals.
    let quarter = get("period=2026Q3".to_owned()).await;
    let listed = async |q: String| {
        let path = format!(
            "/api/v1/referrals?received_from=2026-07-01&received_to=2026-09-30&limit=1&{q}"
        );
        t.api_json(&manager, &path).await["total"].as_f64()
    };
    let mut rows = 0;
    for (b, field) in [
        ("referrals_by_sex", "sex"),
        ("referrals_by_age_band", "age_band"),
        ("referrals_by_simd_decile", "simd_decile"),
        ("referrals_by_simd_quintile", "simd_quintile"),
    ] {
        for x in quarter["measures"].as_array().into_iter().flatten() {
            let Some(key) = x["measure"]
                .as_str()
                .and_then(|n| n.strip_prefix(&format!("{b}.")))
            else {
                continue;
            };
            let q = format!("{field}={key}");
            assert_eq!(listed(q.clone()).await, x["value"].as_f64(), "{q}");
            rows += 1;
        }
    }
    assert!(rows > 20, "{rows} rows of who is reached");
    for (m, q) in [
        ("new_people", "new_person=yes"),
        ("referrals_from_deep_end", "deep_end=yes"),
    ] {
        assert!(measure(&quarter, m).unwrap_or(0.0) > 0.0, "{m}");
        assert_eq!(listed(q.to_owned()).await, measure(&quarter, m), "{m}");
    }
    // Needs identified, by kind, and goals achieved in a month: their lists
    // hold as many.
    let month = get("period=2026-10".to_owned()).await;
    let needs_of = async |q: String| {
        t.api_json(&manager, &q)
            .await
            .as_array()
            .map(|a| a.len() as f64)
    };
    let mut kinds = 0;
    for x in month["measures"].as_array().into_iter().flatten() {
        let Some(need) = x["measure"]
            .as_str()
            .and_then(|n| n.strip_prefix("needs_by_kind."))
        else {
            continue;
        };
        if x["value"].as_f64().unwrap_or(0.0) < 500.0 {
            let q = format!("/api/v1/needs-identified?from=2026-10-01&to=2026-10-31&need={need}");
            assert_eq!(needs_of(q.clone()).await, x["value"].as_f64(), "{q}");
            kinds += 1;
        }
    }
    assert!(kinds > 0, "no needs in the month");
    // Onward support by category and organisation of its directory
    // service: each row's list holds as many.
    let mut rows = 0;
    for x in month["measures"].as_array().into_iter().flatten() {
        let name = x["measure"].as_str().unwrap_or("");
        let (field, key) = match (
            name.strip_prefix("onward_by_category."),
            name.strip_prefix("onward_by_organization."),
        ) {
            (Some(k), _) => ("category", k),
            (_, Some(k)) => ("organization", k),
            _ => continue,
        };
        if key == "Not in the directory" || x["value"].as_f64().unwrap_or(0.0) >= 500.0 {
            continue;
        }
        let q = format!(
            "/api/v1/onward-support?from=2026-10-01&to=2026-10-31&{field}={}",
            key.replace(' ', "%20").replace('&', "%26")
        );
        assert_eq!(needs_of(q.clone()).await, x["value"].as_f64(), "{q}");
        rows += 1;
    }
    assert!(rows > 1, "{rows} onward rows checked");
    let goals = measure(&month, "goals_achieved").unwrap_or(0.0);
    assert!(goals > 0.0 && goals < 500.0, "{goals} goals");
    assert_eq!(
        needs_of("/api/v1/goals-achieved?from=2026-10-01&to=2026-10-31".into()).await,
        Some(goals)
    );
    // Wellbeing in the month: as many people paired as listed, and the
    // share improving is that of the list of those improved.
    let paired = measure(&month, "swemwbs_people_paired").unwrap_or(0.0);
    assert!(paired > 0.0 && paired < 500.0, "{paired} paired");
    let wb = "/api/v1/wellbeing-changes?from=2026-10-01&to=2026-10-31";
    assert_eq!(needs_of(format!("{wb}&kind=swemwbs")).await, Some(paired));
    let improved = needs_of(format!("{wb}&kind=swemwbs&improved=yes"))
        .await
        .unwrap_or(0.0);
    assert_eq!(
        measure(&month, "swemwbs_improved_percent"),
        Some((improved * 1000.0 / paired).round() / 10.0)
    );
    assert_eq!(
        needs_of(format!("{wb}&kind=ons4")).await,
        measure(&month, "ons4_people_paired")
    );
    // A link worker's year (their people's scores looked up by person, and
    // their people's group attendance checked on each session's rows):
    // as many paired as the list narrowed to the worker holds.
    let mut m = t.sign_in(&manager.email).await;
    let page = m
        .get("/reports?period=2026-27&scope=worker:linkworker@linkwork.example")
        .await;
    let worker_filter = page
        .body
        .split("link_worker_id=")
        .nth(1)
        .map(|s| {
            s.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .unwrap_or_default();
    assert!(!worker_filter.is_empty(), "{}", page.body);
    let worker = get("period=2026-27&scope=worker:linkworker@linkwork.example".to_owned()).await;
    let paired = measure(&worker, "swemwbs_people_paired").unwrap_or(0.0);
    assert!(paired > 0.0, "{paired} paired for the worker");
    assert_eq!(
        needs_of(format!(
            "/api/v1/wellbeing-changes?from=2026-04-01&to=2027-03-31&kind=swemwbs&link_worker_id={worker_filter}"
        ))
        .await,
        Some(paired)
    );
    let programme_attendance =
        measure(&get("period=2026-27".to_owned()).await, "group_attendances");
    let attended = measure(&worker, "group_attendances").unwrap_or(0.0);
    assert!(
        attended > 0.0 && Some(attended) < programme_attendance,
        "{attended} of {programme_attendance:?} attendances the worker's"
    );
    // The demo's year has groups, practice development, vouchers and
    // partners' answers, so the sums above were of something.
    let year = get("period=2026-27".to_owned()).await;
    for m in [
        "group_sessions",
        "group_attendances",
        "practice_activities",
        "vouchers_issued",
        "onward_answered_by_partners",
    ] {
        assert!(measure(&year, m).unwrap_or(0.0) > 0.0, "{m}");
    }
    // A list longer than a page (500) is read a page at a time, and its
    // pages hold as many as the figure counts, each row once.
    let needs = measure(&year, "needs_identified").unwrap_or(0.0);
    assert!(needs > 500.0, "{needs} needs in the year");
    let mut seen = std::collections::HashSet::new();
    let mut page = 1;
    loop {
        let rows = t
            .api_json(
                &manager,
                &format!("/api/v1/needs-identified?from=2026-04-01&to=2027-03-31&page={page}"),
            )
            .await;
        let rows = rows.as_array().cloned().unwrap_or_default();
        for r in &rows {
            assert!(seen.insert(r["id"].as_i64()), "{r} twice");
        }
        if rows.len() < 500 {
            break;
        }
        page += 1;
    }
    assert_eq!((seen.len() as f64, page > 1), (needs, true));
    for bad in ["0", "x", "100001"] {
        let r = t
            .api(
                &manager,
                Method::GET,
                &format!("/api/v1/needs-identified?from=2026-04-01&to=2027-03-31&page={bad}"),
                None,
            )
            .await;
        assert_eq!(r.problem_fields(), ["page"], "{bad}: {}", r.body);
    }
    // On the page: the first links to the next, the next back to it.
    let mut m = t.sign_in(&manager.email).await;
    let first = m.get("/needs?from=1/4/2026&to=31/3/2027").await;
    assert!(
        first.body.contains("500 identified on page 1")
            && first
                .body
                .contains("href=\"/needs?from=1/4/2026&amp;to=31/3/2027&amp;page=2\""),
        "{}",
        first.body
    );
    let second = m.get("/needs?from=1/4/2026&to=31/3/2027&page=2").await;
    assert!(
        second.body.contains("on page 2")
            && second.body.contains("rows 501 to")
            && second
                .body
                .contains("href=\"/needs?from=1/4/2026&amp;to=31/3/2027&amp;page=1\""),
        "{}",
        second.body
    );
    // A financial year's chart over time is its own twelve months, and they
    // add up to its figures.
    let year = get("period=2026-27".to_owned()).await;
    let months = year["months"].as_array().cloned().unwrap_or_default();
    assert_eq!(months.len(), 12, "{months:?}");
    assert_eq!(months[0]["month"], "2026-04");
    for (m, field) in [
        ("referrals_received", "referrals_received"),
        ("appointments_attended", "appointments_attended"),
        ("cases_closed", "cases_closed"),
    ] {
        let sum: f64 = months
            .iter()
            .map(|x| x[field].as_f64().unwrap_or(0.0))
            .sum();
        assert_eq!(Some(sum), measure(&year, m).or(Some(0.0)), "months of {m}");
    }
    // A month's chart is the year to its end.
    let month = get("period=2026-10".to_owned()).await;
    let months = month["months"].as_array().cloned().unwrap_or_default();
    assert_eq!(months.len(), 12);
    assert_eq!(months[0]["month"], "2025-11");
    assert_eq!(
        months[11]["referrals_received"].as_f64(),
        measure(&month, "referrals_received")
    );
    // And the areas make the programme.
    let whole = measure(&get("period=2026-27".into()).await, "referrals_received");
    let mut sum = 0.0;
    for area in [
        "North East",
        "North West",
        "South Glasgow",
        "West Dunbartonshire",
    ] {
        sum += measure(
            &get(format!("period=2026-27&scope=area:{area}")).await,
            "referrals_received",
        )
        .unwrap_or(0.0);
    }
    assert_eq!(Some(sum), whole);
});

fn at(y: i32, m: u32, d: u32, h: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap_or_default()
}

both!(
    figures_hold_at_year_and_clock_changes_and_through_merges,
    |t| {
        let org = t.organisation("Programme A").await;
        let manager = t.user(org.programme_id, Role::Manager, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let lw_b = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_b])
            .await;
        let api = |u: &TestUser, m: Method, path: String, body: Value| {
            let (t, u) = (&t, u.clone());
            async move {
                let r = t.api(&u, m, &path, Some(body)).await;
                assert!(r.status < 300, "{path}: {} {}", r.status, r.body);
                r.json()
            }
        };
        // Tuesday 31 March 2026, the last day of the financial year 2025-26
        // (British Summer Time began on Sunday the 29th).
        t.clock.set(at(2026, 3, 31, 10));
        let person = |given: &'static str| {
            let api = &api;
            let lw = lw.clone();
            async move {
                api(&lw, Method::POST, "/api/v1/participants".into(), json!({"given_name": given, "family_name": "Example",
                "date_of_birth": "1958-02-03", "site_id": org.site_a, "preferred_contact": "phone", "confirmed_new": true}))
                .await["id"].as_i64().unwrap_or(0)
            }
        };
        let p1 = person("Ada").await;
        let r1 = api(&lw, Method::POST, "/api/v1/referrals".into(),
        json!({"participant_id": p1, "site_id": org.site_a, "source": "gp", "reasons": ["money"]})).await["id"].as_i64().unwrap_or(0);
        api(
            &lw,
            Method::POST,
            format!("/api/v1/referrals/{r1}/allocate"),
            json!({"version": 1, "link_worker_id": lw.id}),
        )
        .await;
        // 23:30 on 31 March and 00:30 on 1 April, UK time: the second is still
        // 31 March in UTC, but April's.
        let book = |date: &'static str, time: &'static str| {
            let api = &api;
            let lw = lw.clone();
            async move {
                let a = api(&lw, Method::POST, "/api/v1/appointments".into(),
                json!({"referral_id": r1, "date": date, "time": time, "duration_minutes": 30, "mode": "phone"})).await;
                a["id"].as_i64().unwrap_or(0)
            }
        };
        let late = book("31/03/2026", "23:30").await;
        let early = book("01/04/2026", "00:30").await;
        // Reached at 23:00 UTC on 31 March: midnight, 1 April, UK time, so
        // a day after the referral (in UTC it would be the same day).
        t.clock.set(at(2026, 3, 31, 23));
        api(
            &lw,
            Method::POST,
            format!("/api/v1/referrals/{r1}/contact-attempts"),
            json!({"method": "phone", "outcome": "reached", "note": ""}),
        )
        .await;
        // The next day: a second record of the same person, with a referral;
        // the appointments' outcomes; the case handed to practice B.
        t.clock.set(at(2026, 4, 1, 10));
        let p2 = person("Ada").await;
        api(&lw, Method::POST, "/api/v1/referrals".into(),
        json!({"participant_id": p2, "site_id": org.site_a, "source": "self", "reasons": ["housing"]})).await;
        api(
            &lw,
            Method::POST,
            format!("/api/v1/appointments/{late}/outcome"),
            json!({"version": 1, "status": "attended"}),
        )
        .await;
        api(
            &lw,
            Method::POST,
            format!("/api/v1/appointments/{early}/outcome"),
            json!({"version": 1, "status": "did_not_attend"}),
        )
        .await;
        api(
            &lw,
            Method::POST,
            format!("/api/v1/referrals/{r1}/handover"),
            json!({"site_id": org.site_b, "link_worker_id": lw_b.id, "summary": "Moved to B"}),
        )
        .await;
        let get = |q: &'static str| {
            let api = &api;
            let m = manager.clone();
            async move { api(&m, Method::GET, format!("/api/v1/reports?{q}"), Value::Null).await }
        };
        // Before the two records are merged, each referral is a new person's.
        assert_eq!(
            measure(&get("period=2026-27").await, "new_people"),
            Some(1.0)
        );
        let ver = |id: i64| {
            let (t, m) = (&t, manager.clone());
            async move {
                t.api(&m, Method::GET, &format!("/api/v1/participants/{id}"), None)
                    .await
                    .json()["version"]
                    .as_i64()
                    .unwrap_or(0)
            }
        };
        let (v1, v2) = (ver(p1).await, ver(p2).await);
        api(
            &manager,
            Method::POST,
            format!("/api/v1/participants/{p1}/merge"),
            json!({"other_id": p2, "version": v1, "other_version": v2}),
        )
        .await;
        t.clock.set(at(2026, 11, 25, 9));

        let fy_before = get("period=2025-26").await;
        let fy = get("period=2026-27").await;
        for (body, m, want) in [
            (&fy_before, "referrals_received", 1.0),
            (&fy_before, "new_people", 1.0),
            (&fy_before, "appointments_attended", 1.0),
            (&fy_before, "appointments_did_not_attend", 0.0),
            (&fy_before, "days_to_first_contact_median", 1.0),
            (&fy_before, "days_to_first_attended_median", 0.0),
            (&fy, "referrals_received", 1.0),
            // The merged record's first referral was in March: not new in April.
            (&fy, "new_people", 0.0),
            (&fy, "appointments_attended", 0.0),
            (&fy, "appointments_did_not_attend", 1.0),
            (&fy, "did_not_attend_rate", 100.0),
            (&fy, "handovers", 1.0),
        ] {
            assert_eq!(measure(body, m), Some(want), "{m}: {body}");
        }
        // By month in UK time, and by calendar quarter.
        assert_eq!(
            measure(&get("period=2026-03").await, "appointments_attended"),
            Some(1.0)
        );
        assert_eq!(
            measure(&get("period=2026-04").await, "appointments_did_not_attend"),
            Some(1.0)
        );
        assert_eq!(
            measure(&get("period=2026-03").await, "appointments_did_not_attend"),
            Some(0.0)
        );
        assert_eq!(
            measure(&get("period=2026Q2").await, "referrals_received"),
            Some(1.0)
        );
        // A handover counts where the case was handed from.
        assert_eq!(
            measure(
                &get("period=2026-27&scope=practice:S00001").await,
                "handovers"
            ),
            Some(1.0)
        );
        assert_eq!(
            measure(
                &get("period=2026-27&scope=practice:S00002").await,
                "handovers"
            ),
            Some(0.0)
        );
        // Its list: made from A (the link worker who handed over sees it,
        // but can no longer open the case), none from B.
        let made = async |u: &TestUser, q: String| {
            let path = format!("/api/v1/handovers/made?from=2026-04-01&to=2027-03-31{q}");
            t.api_json(u, &path).await
        };
        let from_a = made(&manager, format!("&site_id={}", org.site_a)).await;
        assert_eq!(from_a.as_array().map(Vec::len), Some(1), "{from_a}");
        assert_eq!(from_a[0]["open_here"], true);
        let from_b = made(&manager, format!("&site_id={}", org.site_b)).await;
        assert_eq!(from_b.as_array().map(Vec::len), Some(0));
        let by_lw = made(&lw, String::new()).await;
        assert_eq!(by_lw[0]["referral_id"], r1);
        assert_eq!(by_lw[0]["open_here"], false);
        assert_eq!(
            made(&lw_b, String::new()).await.as_array().map(Vec::len),
            Some(0)
        );
        let mut m = t.sign_in(&manager.email).await;
        let page = m.get("/reports?period=2026-27&scope=practice:S00001").await;
        let href = format!(
            "/handovers?from=1/4/2026&to=31/3/2027&site_id={}",
            org.site_a
        );
        assert!(
            page.body
                .contains(&format!("href=\"{}\"", href.replace('&', "&amp;"))),
            "{}",
            page.body
        );
        let list = m.get(&href).await;
        assert!(
            list.body.contains("1 made") && list.body.contains(&format!("/referrals/{r1}")),
            "{}",
            list.body
        );
        let mut w = t.sign_in(&lw.email).await;
        let list = w.get("/handovers?from=1/4/2026&to=31/3/2027").await;
        assert!(
            list.body.contains("1 made") && !list.body.contains(&format!("/referrals/{r1}\"")),
            "{}",
            list.body
        );
        assert_eq!(w.get("/handovers?from=soon").await.status, 422);
        // Each list is audited with whose records it named (the person's,
        // not the referral's id, now the referral is linked to them).
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let person = by_lw[0]["participant_id"].as_i64().unwrap_or(0);
        assert!(person > 0, "{by_lw}");
        let seen = listed_by(&t, &admin, "handover.list", &lw).await;
        let want = format!("from=\"2026-04-01\" to=\"2027-03-31\" results=1 shown={person}");
        let page = format!("from=\"1/4/2026\" to=\"31/3/2027\" results=1 shown={person}");
        assert_eq!(
            (
                seen.iter().filter(|d| **d == want).count(),
                seen.iter().filter(|d| **d == page).count()
            ),
            (1, 1),
            "{seen:?}"
        );
        let seen = listed_by(&t, &admin, "handover.list", &lw_b).await;
        assert_eq!(
            seen,
            [want
                .replace("results=1", "results=0")
                .replace(&format!("shown={person}"), "shown=")]
        );
    }
);

both!(
    figures_kept_by_one_node_follow_changes_made_on_another,
    |t| {
        let org = t.organisation("Programme A").await;
        let manager = t.user(org.programme_id, Role::Manager, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let other = t.second_node().await;
        t.clock.set(at(2026, 11, 10, 10));
        let received = |body: &Value| measure(body, "referrals_received");
        let on_other = || {
            let (t, m, other) = (&t, manager.clone(), &other);
            async move {
                let r = t
                    .api_on(
                        other,
                        &m,
                        Method::GET,
                        "/api/v1/reports?period=2026-11",
                        None,
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.body);
                r.json()
            }
        };
        let on_first = || {
            let (t, m) = (&t, manager.clone());
            async move {
                t.api(&m, Method::GET, "/api/v1/reports?period=2026-11", None)
                    .await
                    .json()
            }
        };
        // Counted, then served again from the second node's memory.
        refer(&t, &lw, org.site_a, "Ada Example", &["money"]).await;
        assert_eq!(received(&on_other().await), Some(1.0));
        assert_eq!(received(&on_other().await), Some(1.0));
        assert_eq!(received(&on_first().await), Some(1.0));
        // A referral made through the first node is counted at once on the
        // second (no waiting: the data version is read in the report's own
        // snapshot), and the other way round.
        refer(&t, &lw, org.site_a, "Bea Example", &["housing"]).await;
        assert_eq!(received(&on_other().await), Some(2.0));
        let r = t
            .api_on(
                &other,
                &lw,
                Method::POST,
                "/api/v1/referrals",
                Some(json!({"site_id": org.site_a, "person_name": "Cal Example",
            "person_date_of_birth": "1970-01-02", "source": "self", "reasons": ["money"]})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(received(&on_first().await), Some(3.0));
        assert_eq!(received(&on_other().await), Some(3.0));
        // Every run is audited, also those answered from memory.
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let r = t
            .api(
                &admin,
                Method::GET,
                "/api/v1/audit?object_type=report&limit=100",
                None,
            )
            .await;
        let runs = r.json()["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["action"] == "report.view")
            .count();
        assert_eq!(runs, 6, "{}", r.body);
    }
);

fn previous(body: &Value, name: &str) -> Option<f64> {
    body["measures"]
        .as_array()?
        .iter()
        .find(|m| m["measure"] == name)?["previous"]
        .as_f64()
}

both!(
    groups_practice_work_vouchers_and_partners_are_counted_by_hand,
    |t| {
        let org = t.organisation("Programme A").await;
        let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
        let lw_a = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let lw_b = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_b])
            .await;
        let (_, nora) =
            crate::everyday::allocated(&t, &org, &lw_a, "Nora Example", "1948-06-01").await;
        let bill_referral = refer(&t, &lw_b, org.site_b, "Bill Sample", &["loneliness"]).await;
        let bill = allocate(&t, &lw_b, bill_referral).await["participant_id"]
            .as_i64()
            .unwrap_or(0);
        let code = |site: i64| {
            let t = &t;
            let mgr = &mgr;
            async move {
                t.api(mgr, Method::GET, &format!("/api/v1/sites/{site}"), None)
                    .await
                    .json()["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            }
        };
        let (code_a, code_b) = (code(org.site_a).await, code(org.site_b).await);
        let post = |u: &TestUser, path: String, body: Value| {
            let (t, u) = (&t, u.clone());
            async move {
                let r = t.api(&u, Method::POST, &path, Some(body)).await;
                assert!(r.status == 200 || r.status == 201, "{path}: {}", r.body);
                r.json()
            }
        };

        // A walk: 10 November, Nora, Bill and two others; 17 November, Nora;
        // 20 October (the month before), Bill and one other.
        let walk = post(
            &lw_a,
            "/api/v1/groups".into(),
            json!({"name": "Walk", "kind": "health_walk"}),
        )
        .await["id"]
            .as_i64()
            .unwrap_or(0);
        post(
            &lw_a,
            format!("/api/v1/groups/{walk}/members"),
            json!({"participant_id": nora}),
        )
        .await;
        post(
            &lw_b,
            format!("/api/v1/groups/{walk}/members"),
            json!({"participant_id": bill}),
        )
        .await;
        let sessions = format!("/api/v1/groups/{walk}/sessions");
        post(
            &mgr,
            sessions.clone(),
            json!({"held_on": "10/11/2026", "attended": [nora, bill], "others": 2}),
        )
        .await;
        post(
            &lw_a,
            sessions.clone(),
            json!({"held_on": "17/11/2026", "attended": [nora]}),
        )
        .await;
        post(
            &lw_b,
            sessions.clone(),
            json!({"held_on": "20/10/2026", "attended": [bill], "others": 1}),
        )
        .await;
        // A course Nora completes (today, 25 November).
        let course = post(
            &lw_a,
            "/api/v1/groups".into(),
            json!({"name": "Seasons for Growth", "kind": "course"}),
        )
        .await["id"]
            .as_i64()
            .unwrap_or(0);
        post(
            &lw_a,
            format!("/api/v1/groups/{course}/members"),
            json!({"participant_id": nora}),
        )
        .await;
        post(
            &lw_a,
            format!("/api/v1/groups/{course}/members"),
            json!({"participant_id": nora, "completed": "yes"}),
        )
        .await;
        // Practice development: a talk at A (12 staff), a stall at B (5).
        post(
            &lw_a,
            format!("/api/v1/sites/{}/activities", org.site_a),
            json!({"kind": "team_meeting", "held_on": "2026-11-05", "attending": 12}),
        )
        .await;
        post(
            &lw_b,
            format!("/api/v1/sites/{}/activities", org.site_b),
            json!({"kind": "information_stall", "held_on": "2026-11-06", "attending": 5}),
        )
        .await;
        // A £10 voucher for Nora from the partner-funded fund.
        let funds = post(
            &mgr,
            "/api/v1/funds".into(),
            json!({"name": "Warm homes fund", "funder": "Northside Food Bank", "kind": "energy"}),
        )
        .await;
        let fund = funds[0]["id"].as_i64().unwrap_or(0);
        post(
            &mgr,
            "/api/v1/funds/top-ups".into(),
            json!({"fund_id": fund, "amount": "50"}),
        )
        .await;
        post(
            &lw_a,
            format!("/api/v1/participants/{nora}/vouchers"),
            json!({"fund_id": fund, "amount": "10"}),
        )
        .await;
        // A food bank: Nora is referred to it and its staff accept; it refers
        // someone to practice B.
        let food = crate::directory::add(&t, &lw_a, json!({"name": "Food parcels", "new_organization": "Northside Food Bank", "description": "Help."})).await;
        let food_org = t
            .api(
                &lw_a,
                Method::GET,
                &format!("/api/v1/directory/services/{food}"),
                None,
            )
            .await
            .json()["organization_id"]
            .as_i64()
            .unwrap_or(0);
        let staff = t.partner(org.programme_id, food_org, &[]).await;
        let w = post(
            &lw_a,
            format!("/api/v1/participants/{nora}/onward-support"),
            json!({"kind": "referral", "service_id": food.to_string(), "status": "referred"}),
        )
        .await;
        let onward = w["onward_support"]
            .as_array()
            .and_then(|a| a.iter().filter_map(|o| o["id"].as_i64()).max())
            .unwrap_or(0);
        post(
            &staff,
            format!("/api/v1/partner/referrals/{onward}/answer"),
            json!({"status": "accepted"}),
        )
        .await;
        post(&staff, "/api/v1/referrals".into(), json!({"site_id": org.site_b, "person_name": "Isla Sample", "person_date_of_birth": "1990-03-14",
        "source": "food_bank", "reasons": ["money"], "person_agreed": "yes"})).await;

        let report = async |q: String| {
            t.api_json(&mgr, &format!("/api/v1/reports?period=2026-11{q}"))
                .await
        };
        let body = report(String::new()).await;
        let want = [
            ("group_sessions", 2.0, 1.0),
            ("group_attendances", 3.0, 1.0),
            ("group_people", 2.0, 1.0),
            ("group_others", 2.0, 1.0),
            ("courses_completed", 1.0, 0.0),
            ("practice_activities", 2.0, 0.0),
            ("practice_activity_attendance", 17.0, 0.0),
            ("vouchers_issued", 1.0, 0.0),
            ("vouchers_value", 10.0, 0.0),
            ("onward_answered_by_partners", 1.0, 0.0),
            ("referrals_from_partners", 1.0, 0.0),
            ("group_sessions_by_kind.health_walk", 2.0, 1.0),
            ("practice_activities_by_kind.information_stall", 1.0, 0.0),
            ("vouchers_by_fund.Warm homes fund", 1.0, 0.0),
            ("partner_answers_by_status.accepted", 1.0, 0.0),
            (
                "referrals_from_partners_by_organization.Northside Food Bank",
                1.0,
                0.0,
            ),
        ];
        for (m, now, before) in want {
            assert_eq!(measure(&body, m), Some(now), "{m}");
            assert_eq!(previous(&body, m).unwrap_or(0.0), before, "{m} before");
        }
        // Each practice: its people's attendances and completions, its own
        // activities; sessions where one of its people came, and the others
        // at those.
        let a = report(format!("&scope=practice:{code_a}")).await;
        for (m, v) in [
            ("group_sessions", 2.0),
            ("group_attendances", 2.0),
            ("group_people", 1.0),
            ("group_others", 2.0),
            ("courses_completed", 1.0),
            ("practice_activity_attendance", 12.0),
            ("vouchers_issued", 1.0),
            ("onward_answered_by_partners", 1.0),
            ("referrals_from_partners", 0.0),
        ] {
            assert_eq!(measure(&a, m).unwrap_or(0.0), v, "practice A {m}");
        }
        let b = report(format!("&scope=practice:{code_b}")).await;
        for (m, v) in [
            ("group_sessions", 1.0),
            ("group_attendances", 1.0),
            ("group_others", 2.0),
            ("practice_activities", 1.0),
            ("referrals_from_partners", 1.0),
        ] {
            assert_eq!(measure(&b, m).unwrap_or(0.0), v, "practice B {m}");
        }
        // Bill's worker: Bill's attendance only.
        let w = report(format!("&scope=worker:{}", lw_b.email)).await;
        assert_eq!(measure(&w, "group_attendances"), Some(1.0));
        assert_eq!(
            measure(&w, "practice_activities"),
            Some(1.0),
            "the stall lw_b recorded"
        );
        // The onward referral behind the figures, in the list.
        let r = t
            .api(
                &mgr,
                Method::GET,
                "/api/v1/onward-support?from=2026-11-01&to=2026-11-30&status=taken_up",
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let rows = r.json();
        assert_eq!(rows.as_array().map(|a| a.len()), Some(1), "{rows}");
        assert_eq!(
            (
                rows[0]["service"].as_str(),
                rows[0]["organization"].as_str(),
                rows[0]["given_name"].as_str()
            ),
            (
                Some("Food parcels"),
                Some("Northside Food Bank"),
                Some("Nora")
            )
        );
        // Audited with what was asked for and whose record it named.
        let nora = rows[0]["participant_id"].as_i64().unwrap_or(0);
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let seen = listed_by(&t, &admin, "onward_support.list", &mgr).await;
        assert!(
            seen.contains(&format!(
                "from=\"2026-11-01\" to=\"2026-11-30\" kind=\"\" status=\"taken_up\" answered=\"\" results=1 shown={nora}"
            )),
            "{seen:?}"
        );
        // A category or organisation too long to be one is refused,
        // naming the field, before anything is listed or audited.
        let long = "x".repeat(201);
        for field in ["category", "organization"] {
            let r = t
                .api(
                    &mgr,
                    Method::GET,
                    &format!("/api/v1/onward-support?from=2026-11-01&to=2026-11-30&{field}={long}"),
                    None,
                )
                .await;
            assert_eq!(r.problem_fields(), [field], "{}", r.body);
        }
        assert_eq!(
            listed_by(&t, &admin, "onward_support.list", &mgr)
                .await
                .len(),
            seen.len()
        );
        // On the page, the refused one is a field of its own, where the
        // error summary's link lands.
        let mut page = t.sign_in(&mgr.email).await;
        let list = page
            .get(&format!(
                "/onward?from=1/11/2026&to=30/11/2026&category={long}"
            ))
            .await;
        assert_eq!(list.status, 422, "{}", list.body);
        assert!(list.body.contains("href=\"#category\""), "{}", list.body);
        assert!(
            list.body.contains("id=\"category\" name=\"category\""),
            "{}",
            list.body
        );
        assert!(
            !list.body.contains("type=\"hidden\" name=\"category\""),
            "{}",
            list.body
        );
        let mut page = t.sign_in(&lw_b.email).await;
        let list = page
            .get("/onward?from=1/11/2026&to=30/11/2026&status=taken_up")
            .await;
        assert!(
            list.body.contains("0 recorded"),
            "Nora is not at lw_b's practice: {}",
            list.body
        );
        // Partners' answers and referrals, in their lists.
        let r = t
            .api(
                &mgr,
                Method::GET,
                "/api/v1/onward-support?from=2026-11-01&to=2026-11-30&answered=partners&status=accepted",
                None,
            )
            .await;
        assert_eq!(r.json().as_array().map(Vec::len), Some(1), "{}", r.body);
        let r = t
            .api(
                &mgr,
                Method::GET,
                "/api/v1/onward-support?answered=everyone",
                None,
            )
            .await;
        assert_eq!(r.problem_fields(), ["answered"]);
        for (q, n) in [
            ("from_partners=yes", 1),
            ("partner_organization=Northside%20Food%20Bank", 1),
            ("partner_organization=Elsewhere", 0),
        ] {
            let r = t
                .api(
                    &mgr,
                    Method::GET,
                    &format!(
                        "/api/v1/referrals?received_from=2026-11-01&received_to=2026-11-30&{q}"
                    ),
                    None,
                )
                .await;
            assert_eq!(r.json()["total"], n, "{q}: {}", r.body);
        }
        for (q, n) in [
            ("", 1),
            ("&fund=Warm%20homes%20fund", 1),
            ("&fund=Other", 0),
        ] {
            let r = t
                .api(
                    &mgr,
                    Method::GET,
                    &format!("/api/v1/vouchers-issued?from=2026-11-01&to=2026-11-30{q}"),
                    None,
                )
                .await;
            assert_eq!(
                r.json().as_array().map(Vec::len),
                Some(n),
                "{q}: {}",
                r.body
            );
            if n == 1 {
                assert_eq!(
                    (
                        r.json()[0]["what"].as_str(),
                        r.json()[0]["amount_pence"].as_i64()
                    ),
                    (Some("Warm homes fund"), Some(1000))
                );
                let who = r.json()[0]["participant_id"].as_i64().unwrap_or(0);
                let seen = listed_by(&t, &admin, "fund_movement.list", &mgr).await;
                let fund = if q.is_empty() {
                    ""
                } else {
                    " fund=\"Warm homes fund\""
                };
                let want =
                    format!("from=\"2026-11-01\" to=\"2026-11-30\"{fund} results=1 shown={who}");
                assert!(seen.contains(&want), "{want}: {seen:?}");
            }
        }
        // Practice development: two activities, one an information stall
        // (lw_b's, at practice B).
        let acts = async |q: String| {
            let path = format!("/api/v1/practice-activities?from=2026-11-01&to=2026-11-30{q}");
            t.api_json(&mgr, &path).await.as_array().map(Vec::len)
        };
        assert_eq!(acts(String::new()).await, Some(2));
        assert_eq!(acts("&kind=information_stall".into()).await, Some(1));
        assert_eq!(acts(format!("&link_worker_id={}", lw_b.id)).await, Some(1));
        assert_eq!(acts(format!("&site_id={}", org.site_b)).await, Some(1));
        let r = t
            .api(
                &mgr,
                Method::GET,
                "/api/v1/practice-activities?kind=party",
                None,
            )
            .await;
        assert_eq!(r.problem_fields(), ["kind"]);
        let r = t
            .api(&staff, Method::GET, "/api/v1/practice-activities", None)
            .await;
        assert_eq!(r.status, 403);
        let mut m = t.sign_in(&mgr.email).await;
        let figures = m.get("/reports?period=2026-11").await;
        for (href, n) in [
            (
                "/practice-activities?from=1/11/2026&to=30/11/2026",
                "2 held",
            ),
            (
                "/practice-activities?from=1/11/2026&to=30/11/2026&kind=information_stall",
                "1 held",
            ),
        ] {
            assert!(
                figures
                    .body
                    .contains(&format!("href=\"{}\"", href.replace('&', "&amp;"))),
                "{href}"
            );
            assert!(m.get(href).await.body.contains(n), "{href}");
        }
        let href = "/vouchers?from=1/11/2026&to=30/11/2026&fund=Warm%20homes%20fund";
        assert!(
            figures
                .body
                .contains(&format!("href=\"{}\"", href.replace('&', "&amp;"))),
            "{href}"
        );
        let list = m.get(href).await;
        assert!(
            list.body.contains("1 issued") && list.body.contains("£10.00"),
            "{}",
            list.body
        );
        for href in [
            "/onward?from=1/11/2026&to=30/11/2026&answered=partners",
            "/referrals?show=all&from=1/11/2026&to=30/11/2026&partner_organization=Northside%20Food%20Bank",
        ] {
            assert!(
                figures
                    .body
                    .contains(&format!("href=\"{}\"", href.replace('&', "&amp;"))),
                "{href}"
            );
            let list = m.get(href).await;
            assert_eq!(list.status, 200);
            assert!(
                list.body.contains("1 recorded") || list.body.contains("1 referral"),
                "{href}: {}",
                list.body
            );
        }
        // The printable report and the CSV carry them too.
        let r = t
            .api(
                &mgr,
                Method::GET,
                "/api/v1/reports/download?period=2026-11&format=csv",
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("\ngroup_sessions,2,1,"), "{}", r.body);
    }
);

both!(needs_and_goals_link_to_the_people_behind_them, |t| {
    let org = t.organisation("Programme A").await;
    let manager = t.user(org.programme_id, Role::Manager, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    let lw_b = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let other = t.organisation("Programme B").await;
    let stranger = t.user(other.programme_id, Role::Manager, &[]).await;
    let a1 = refer(&t, &lw, org.site_a, "Ada Example", &["loneliness"]).await;
    let person = allocate(&t, &lw, a1).await["participant_id"]
        .as_i64()
        .unwrap_or(0);
    let base = format!("/api/v1/participants/{person}");
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("{base}/needs"),
            Some(json!({"need": "housing"})),
        )
        .await;
    assert!(r.status < 300, "{}", r.body);
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("{base}/goals"),
            Some(json!({"words": "Walk to the shops"})),
        )
        .await;
    assert!(r.status < 300, "{}", r.body);
    let work = t
        .api(&lw, Method::GET, &format!("{base}/casework"), None)
        .await
        .json();
    let goal = work["goals"][0]["id"].as_i64().unwrap_or(0);
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("{base}/goals/{goal}/reviews"),
            Some(json!({"status": "achieved", "comment": "Every day now"})),
        )
        .await;
    assert!(r.status < 300, "{}", r.body);
    let figures = t
        .api(
            &manager,
            Method::GET,
            "/api/v1/reports?period=2026-11",
            None,
        )
        .await
        .json();
    assert_eq!(measure(&figures, "needs_identified"), Some(1.0));
    assert_eq!(measure(&figures, "goals_achieved"), Some(1.0));
    // The figures link to both lists, and a need's row to its kind.
    let mut m = t.sign_in(&manager.email).await;
    let page = m.get("/reports?period=2026-11").await;
    for href in [
        "/needs?from=1/11/2026&to=30/11/2026",
        "/needs?from=1/11/2026&to=30/11/2026&need=housing",
        "/goals?from=1/11/2026&to=30/11/2026",
    ] {
        assert!(
            page.body
                .contains(&format!("href=\"{}\"", href.replace('&', "&amp;"))),
            "{href}"
        );
        let list = m.get(href).await;
        assert_eq!(list.status, 200, "{href}");
        assert!(
            list.body.contains("Ada Example") && list.body.contains(&format!("/people/{person}#")),
            "{href}: {}",
            list.body
        );
    }
    assert!(
        m.get("/needs?from=1/11/2026&to=30/11/2026&need=money")
            .await
            .body
            .contains("0 identified")
    );
    // The API lists as many as the figures count, for those who may see them.
    let listed = async |u: &TestUser, path: &str| t.api(u, Method::GET, path, None).await;
    for path in [
        "/api/v1/needs-identified?from=2026-11-01&to=2026-11-30",
        "/api/v1/goals-achieved?from=2026-11-01&to=2026-11-30",
    ] {
        for (u, n) in [(&manager, 1), (&lw, 1), (&lw_b, 0), (&stranger, 0)] {
            let r = listed(u, path).await;
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            assert_eq!(
                r.json().as_array().map(Vec::len),
                Some(n),
                "{} {path}",
                u.email
            );
        }
        assert_eq!(listed(&staff, path).await.status, 403, "{path}");
    }
    let r = listed(&lw, "/api/v1/goals-achieved?from=2026-11-01&to=2026-11-30").await;
    assert_eq!(r.json()[0]["what"], "Walk to the shops");
    assert_eq!(r.json()[0]["participant_id"], person);
    // Each list naming people is audited as a search of their records is:
    // who, what was asked for, how many and whose; a refusal is audited too.
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    for (object, action) in [("goal", "goal.list"), ("need", "need.list")] {
        let events = t
            .api_json(
                &admin,
                &format!("/api/v1/audit?object_type={object}&limit=100"),
            )
            .await;
        let items = events["items"].as_array().cloned().unwrap_or_default();
        let by = |u: &TestUser| {
            items
                .iter()
                .filter(|e| e["actor"] == u.email.as_str() && e["action"] == action)
                .filter_map(|e| e["detail"].as_str())
                .collect::<Vec<_>>()
        };
        let days = "from=\"2026-11-01\" to=\"2026-11-30\"";
        let seen = format!("{days} results=1 shown={person}");
        let lw_saw = if object == "goal" {
            vec![seen.clone(), seen.clone()]
        } else {
            vec![seen.clone()]
        };
        assert_eq!(by(&lw), lw_saw, "{events}");
        assert_eq!(
            by(&lw_b),
            vec![format!("{days} results=0 shown=")],
            "{events}"
        );
        assert!(
            items.iter().any(|e| e["actor"] == staff.email.as_str()
                && e["action"] == "access"
                && e["outcome"] == "refused"),
            "{events}"
        );
    }
    // Wellbeing: life satisfaction 4 in October, 7 in November, listed as
    // paired in November (+3), for those who may see Ada only.
    ons4(&t, &lw, person, "baseline", "2026-10-05", "4").await;
    ons4(&t, &lw, person, "review", "2026-11-02", "7").await;
    let wb = "/api/v1/wellbeing-changes?from=2026-11-01&to=2026-11-30&kind=ons4";
    for (u, n) in [(&manager, 1), (&lw, 1), (&lw_b, 0), (&stranger, 0)] {
        let r = listed(u, wb).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json().as_array().map(Vec::len), Some(n), "{}", u.email);
    }
    assert_eq!(listed(&staff, wb).await.status, 403);
    let r = listed(&lw, wb).await.json();
    assert_eq!(
        (r[0]["base_score"].as_f64(), r[0]["score"].as_f64()),
        (Some(4.0), Some(7.0))
    );
    let events = t
        .api_json(&admin, "/api/v1/audit?action=measure.list&limit=100")
        .await;
    let mine = format!(
        "from=\"2026-11-01\" to=\"2026-11-30\" kind=\"ons4\" improved=\"\" results=1 shown={person}"
    );
    let found = events["items"].as_array().into_iter().flatten();
    assert_eq!(
        found
            .filter(|e| e["actor"] == lw.email.as_str() && e["detail"] == mine.as_str())
            .count(),
        2,
        "{events}"
    );
    let href = "/wellbeing?from=1/11/2026&to=30/11/2026&kind=ons4";
    let page = m.get("/reports?period=2026-11").await;
    assert!(
        page.body
            .contains(&format!("href=\"{}\"", href.replace('&', "&amp;"))),
        "{href}"
    );
    let list = m.get(href).await;
    assert!(
        list.body.contains("Ada Example") && list.body.contains("+3.0"),
        "{}",
        list.body
    );
    let bad = m
        .get("/wellbeing?from=1/11/2026&to=&kind=ons4&improved=yes")
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("href=\"#to\"") && bad.body.contains("href=\"#improved\""),
        "{}",
        bad.body
    );
    let r = listed(&lw, "/api/v1/needs-identified?from=31/2/2026&site_id=x").await;
    assert_eq!(r.status, 422, "{}", r.body);
    let bad = m.get("/goals?from=1/12/2026&to=1/11/2026").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("href=\"#to\""), "{}", bad.body);
});
