//! Figures (issue 10, first part): hand-counted on a small fixture, the
//! practices adding up to the programme, scopes and who may see what.

use linkwork_domain::Role;
use linkwork_testkit::{TestApp, TestUser, both};
use reqwest::Method;
use serde_json::{Value, json};

async fn refer(t: &TestApp, u: &TestUser, site: i64, name: &str, reasons: &[&str]) -> i64 {
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

async fn version(t: &TestApp, u: &TestUser, id: i64) -> i64 {
    t.api(u, Method::GET, &format!("/api/v1/referrals/{id}"), None)
        .await
        .json()["version"]
        .as_i64()
        .unwrap_or(0)
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
    let _a2 = refer(&t, &lw, org.site_a, "Ben Example", &["money"]).await;
    let _a3 = refer(&t, &lw, org.site_a, "Cai Example", &["loneliness"]).await;
    let _b1 = refer(&t, &lw_b, org.site_b, "Dee Example", &["housing"]).await;
    // One accepted (a new person, an open case), reached, closed, reopened.
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/referrals/{a1}/allocate"),
            Some(json!({"version": 1, "link_worker_id": lw.id})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
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
