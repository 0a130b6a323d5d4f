//! Pages kept in a node's memory (issue 12): a home page kept by one node
//! follows every change made through another node on the same database.

use linkwork_domain::Role;
use linkwork_testkit::{WebSession, both};
use reqwest::Method;
use serde_json::json;

/// The figure before a home page's "… to triage" link.
fn to_triage(body: &str) -> Option<String> {
    let i = body.find("to triage")?;
    let before = &body[..i];
    let j = before.rfind("lw-stat__figure\">")? + "lw-stat__figure\">".len();
    Some(before[j..].split('<').next()?.to_owned())
}

both!(
    a_home_page_kept_by_one_node_follows_changes_made_on_another,
    |t| {
        let org = t.organisation("Programme A").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let manager = t.user(org.programme_id, Role::Manager, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let other = t.second_node().await;
        let first = t.sign_in(&lw.email).await;
        // The same session, on the second node.
        let mut s = WebSession {
            base: other.base.clone(),
            client: first.client.clone(),
            cookies: first.cookies.clone(),
            csrf: first.csrf.clone(),
        };
        let home = s.get("/").await;
        assert_eq!(home.status, 200);
        assert_eq!(to_triage(&home.body).as_deref(), Some("0"), "{}", home.body);
        assert_eq!(s.get("/").await.body, home.body, "kept, and the same");

        // A referral made through the first node shows at once.
        let id = crate::reports::refer(&t, &lw, org.site_a, "Ada Example", &["money"]).await;
        assert_eq!(to_triage(&s.get("/").await.body).as_deref(), Some("1"));

        // One at a practice the link worker does not work at changes nothing
        // they see.
        crate::reports::refer(&t, &manager, org.site_b, "Bea Example", &["money"]).await;
        let page = s.get("/").await.body;
        assert_eq!(to_triage(&page).as_deref(), Some("1"));
        assert!(!page.contains("Bea Example"));

        // Allocated, and an appointment booked for today: the caseload and
        // "Today" show them.
        crate::reports::allocate(&t, &lw, id).await;
        let page = s.get("/").await.body;
        assert_eq!(to_triage(&page).as_deref(), Some("0"));
        assert!(
            page.contains("Your caseload") && page.contains("Ada Example"),
            "{page}"
        );
        assert!(page.contains("No appointments today."));
        let r = t
            .api(
                &lw,
                Method::POST,
                "/api/v1/appointments",
                Some(json!({"referral_id": id,
            "date": "2026-11-25", "time": "14:00", "duration_minutes": 45, "mode": "practice"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let page = s.get("/").await.body;
        assert!(!page.contains("No appointments today."), "{page}");
        assert!(page.contains("14:00"), "{page}");

        // The practice renamed (reference data) through the first node.
        let site = t
            .api(
                &admin,
                Method::GET,
                &format!("/api/v1/sites/{}", org.site_a),
                None,
            )
            .await
            .json();
        let mut body = json!({});
        for f in [
            "code",
            "kind",
            "practice_code",
            "cluster_id",
            "list_size",
            "deep_end",
            "postcode",
            "version",
        ] {
            body[f] = site[f].clone();
        }
        body["name"] = json!("Renamed Medical Practice");
        let r = t
            .api(
                &admin,
                Method::PUT,
                &format!("/api/v1/sites/{}", org.site_a),
                Some(body),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(s.get("/").await.body.contains("Renamed Medical Practice"));

        // And the other way round: a change through the second node shows on
        // the first.
        let mut f = first;
        assert!(f.get("/").await.body.contains("Renamed Medical Practice"));
        let r = t
            .api_on(&other, &lw, Method::POST, "/api/v1/referrals", Some(json!({"site_id": org.site_a,
                "person_name": "Cal Example", "person_date_of_birth": "1970-01-04", "source": "self",
                "reasons": ["money"]})))
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(to_triage(&f.get("/").await.body).as_deref(), Some("1"));
    }
);

both!(
    a_record_page_kept_by_one_node_follows_changes_and_every_view_is_audited,
    |t| {
        let org = t.organisation("Programme A").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let other_lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_b])
            .await;
        let (_, person) =
            crate::everyday::allocated(&t, &org, &lw, "Dee Example", "1960-05-06").await;
        let other = t.second_node().await;
        let first = t.sign_in(&lw.email).await;
        let mut s = WebSession {
            base: other.base.clone(),
            client: first.client.clone(),
            cookies: first.cookies.clone(),
            csrf: first.csrf.clone(),
        };
        let path = format!("/people/{person}");
        let page = s.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Dee Example") || page.body.contains("Dee"));
        assert_eq!(s.get(&path).await.body, page.body, "kept, and the same");
        // The page is kept as rendered for one session: another session of
        // the same person gets its own form token, not the first's.
        let second = t.sign_in(&lw.email).await;
        assert_ne!(second.csrf, first.csrf);
        let mut s2 = WebSession {
            base: other.base.clone(),
            client: second.client.clone(),
            cookies: second.cookies.clone(),
            csrf: second.csrf.clone(),
        };
        let body = s2.get(&path).await.body;
        assert!(body.contains(&second.csrf) && !body.contains(&first.csrf));
        let body = s.get(&path).await.body;
        assert!(body.contains(&first.csrf) && !body.contains(&second.csrf));
        // A note written through the first node shows at once on the second.
        let r = t
            .api(&lw, Method::POST, &format!("/api/v1/participants/{person}/notes"),
                Some(json!({"body": "Talked about the allotment waiting list.", "restricted": false})))
            .await;
        assert!(r.status == 200 || r.status == 201, "{}", r.body);
        assert!(s.get(&path).await.body.contains("allotment waiting list"));
        // A change to the person's own details, too.
        let r = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/participants/{person}"),
                None,
            )
            .await;
        let mut body = r.json();
        body["phone"] = json!("07700 900123");
        let r = t
            .api(
                &lw,
                Method::PUT,
                &format!("/api/v1/participants/{person}"),
                Some(body),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(s.get(&path).await.body.contains("07700 900123"));
        // Kept or not, another practice's link worker is refused.
        let mut o = t.sign_in(&other_lw.email).await;
        assert_eq!(o.get(&path).await.status, 404);
        // Twenty views at once, on both nodes: their events are appended in
        // groups, and the chain stays whole.
        let cookie = first
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut at_once = Vec::new();
        for i in 0..20 {
            let base = if i % 2 == 0 { &other.base } else { &first.base };
            let req = first
                .client
                .get(format!("{base}{path}"))
                .header("cookie", cookie.clone());
            at_once.push(tokio::spawn(async move {
                req.send().await.map(|r| r.status().as_u16()).unwrap_or(0)
            }));
        }
        for h in at_once {
            assert_eq!(h.await.unwrap_or(0), 200);
        }
        let v = t
            .api(&admin, Method::GET, "/api/v1/audit/verify", None)
            .await
            .json();
        assert_eq!(v["problems"].as_array().map(Vec::len), Some(0), "{v}");
        // Every view is audited, those answered from memory as well: 26
        // of the page (two of them by a second session), and two through
        // the API (the read before the change, and the record the change
        // answers with).
        let r = t
            .api(
                &admin,
                Method::GET,
                &format!("/api/v1/audit?object_type=participant&object_id={person}&limit=100"),
                None,
            )
            .await;
        let views = r.json()["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["action"] == "participant.view" && e["actor_user_id"] == lw.id)
            .count();
        assert_eq!(views, 28, "{}", r.body);
    }
);
