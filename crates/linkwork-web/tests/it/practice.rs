//! Practice development: activities and each practice's development fund,
//! through the pages and the API, on both databases.

use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;
use serde_json::json;

both!(
    a_practice_records_its_development_work_and_its_fund_stays_above_zero,
    |t| {
        let org = t.organisation("Programme A").await;
        let other = t.organisation("Programme B").await;
        let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let path = |site: i64, what: &str| format!("/api/v1/sites/{site}/{what}");
        // A link worker records a talk at their practice's team meeting.
        let r = t
        .api(
            &lw,
            Method::POST,
            &path(org.site_a, "activities"),
            Some(json!({"kind": "team_meeting", "held_on": "2026-11-12", "staff": "Practice manager, two GPs", "attending": 14, "notes": "Talked about referrals for money worries"})),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let d = r.json();
        assert_eq!(d["activities"][0]["kind"], "team_meeting");
        assert_eq!(d["activities"][0]["attending"], 14);
        assert_eq!(d["balance_pence"], 0);
        // Bad input names each field; nothing is written.
        let r = t
            .api(
                &lw,
                Method::POST,
                &path(org.site_a, "activities"),
                Some(json!({"kind": "party", "held_on": "31/2/2026", "attending": "lots"})),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        let mut fields = r.problem_fields();
        fields.sort();
        assert_eq!(fields, ["attending", "held_on", "kind"]);
        // Not their practice, not their role, not their programme: refused.
        let r = t
            .api(
                &lw,
                Method::POST,
                &path(org.site_b, "activities"),
                Some(json!({"kind": "newsletter", "held_on": "2026-11-12"})),
            )
            .await;
        assert_eq!(r.status, 404, "{}", r.body);
        assert_eq!(
            t.api(&lw, Method::GET, &path(org.site_b, "development"), None)
                .await
                .status,
            404
        );
        for (role, sites) in [
            (Role::PracticeStaff, vec![org.site_a]),
            (Role::Partner, vec![org.site_a]),
            (Role::Administrator, vec![]),
        ] {
            let u = t.user(org.programme_id, role, &sites).await;
            assert_eq!(
                t.api(&u, Method::GET, &path(org.site_a, "development"), None)
                    .await
                    .status,
                403,
                "{role:?}"
            );
            assert_eq!(
                t.api(
                    &u,
                    Method::POST,
                    &path(org.site_a, "fund-lines"),
                    Some(json!({"direction": "allocate", "amount": "100", "purpose": "x"}))
                )
                .await
                .status,
                403,
                "{role:?}"
            );
        }
        let stranger = t.user(other.programme_id, Role::Manager, &[]).await;
        assert_eq!(
            t.api(
                &stranger,
                Method::GET,
                &path(org.site_a, "development"),
                None
            )
            .await
            .status,
            404
        );
        assert_eq!(
            t.api(
                &stranger,
                Method::POST,
                &path(org.site_a, "fund-lines"),
                Some(json!({"direction": "allocate", "amount": "100", "purpose": "x"}))
            )
            .await
            .status,
            404
        );
        // The manager allocates £50; the link worker spends £45.50.
        let r = t
        .api(&mgr, Method::POST, &path(org.site_a, "fund-lines"), Some(json!({"direction": "allocate", "amount": "50", "purpose": "Allocation for 2026-27"})))
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["balance_pence"], 5000);
        let r = t
        .api(&lw, Method::POST, &path(org.site_a, "fund-lines"), Some(json!({"direction": "spend", "amount": "45.50", "purpose": "Lunch for the protected learning session"})))
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["balance_pence"], 450);
        // More than is left: refused, naming the amount and what is left.
        let r = t
            .api(
                &lw,
                Method::POST,
                &path(org.site_a, "fund-lines"),
                Some(json!({"direction": "spend", "amount": "5", "purpose": "Leaflets"})),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.problem_fields(), ["amount"]);
        assert!(r.body.contains("£4.50"), "{}", r.body);
        // Ten spends of £1 at once from £4.50: exactly four succeed, and the
        // fund ends at 50p with its lines adding up.
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (client, url, token) = (
                t.client(),
                t.url(&path(org.site_a, "fund-lines")),
                lw.token.clone(),
            );
            tasks.push(tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"direction": "spend", "amount": "1", "purpose": "Stamps"}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }));
        }
        let mut ok = 0;
        for task in tasks {
            match task.await.unwrap_or(0) {
                201 => ok += 1,
                422 => {}
                s => panic!("a spend answered {s}"),
            }
        }
        assert_eq!(ok, 4);
        let d = t
            .api(&lw, Method::GET, &path(org.site_a, "development"), None)
            .await
            .json();
        assert_eq!(d["balance_pence"], 50);
        let sum: i64 = d["fund_lines"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| l["amount_pence"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(sum, 50);
        // Every change is audited.
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let audit = t
            .api(
                &admin,
                Method::GET,
                "/api/v1/audit?action=practice_fund.spend",
                None,
            )
            .await;
        assert!(
            audit.body.matches("practice_fund.spend").count() >= 5,
            "{}",
            audit.body
        );
        let audit = t
            .api(
                &admin,
                Method::GET,
                "/api/v1/audit?action=practice_activity.create",
                None,
            )
            .await;
        assert!(audit.body.contains("team_meeting"), "{}", audit.body);

        // The page: the site links to it, it lists what was recorded, and its
        // forms record more and show errors by field.
        let mut w = t.sign_in(&lw.email).await;
        let site = w.get(&format!("/sites/{}", org.site_a)).await;
        assert!(
            site.body
                .contains(&format!("/sites/{}/development", org.site_a)),
            "{}",
            site.body
        );
        let page = w.get(&format!("/sites/{}/development", org.site_a)).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("Talk at a team meeting") && page.body.contains("£0.50"),
            "{}",
            page.body
        );
        let r = w
            .post(
                &format!("/sites/{}/development/activities", org.site_a),
                &[
                    ("kind", "information_stall"),
                    ("held_on", "20/11/2026"),
                    ("attending", "30"),
                    ("staff", ""),
                    ("notes", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = w
            .post(
                &format!("/sites/{}/development/fund", org.site_a),
                &[
                    ("direction", "spend"),
                    ("amount", "9"),
                    ("purpose", "Banner"),
                    ("on_date", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("href=\"#amount\""), "{}", r.body);
        assert!(r.body.contains("value=\"Banner\""), "{}", r.body);
        let page = w.get(&format!("/sites/{}/development", org.site_a)).await;
        assert!(page.body.contains("Information stall"), "{}", page.body);
        let mut s = t
            .sign_in(
                &t.user(org.programme_id, Role::PracticeStaff, &[org.site_a])
                    .await
                    .email,
            )
            .await;
        assert_eq!(
            s.get(&format!("/sites/{}/development", org.site_a))
                .await
                .status,
            403
        );
        assert!(
            !s.get(&format!("/sites/{}", org.site_a))
                .await
                .body
                .contains("/development")
        );
    }
);
