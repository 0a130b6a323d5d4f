//! Partnerships: agreements with a directory organisation, and the partner
//! page's counts of referrals, partner-funded voucher funds, groups and
//! staff, on both databases.

use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;
use serde_json::json;

both!(
    a_manager_records_agreements_and_sees_everything_linked_to_a_partner,
    |t| {
        let org = t.organisation("Programme A").await;
        let other = t.organisation("Programme B").await;
        let mgr = t.user(org.programme_id, Role::Manager, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        let food = crate::directory::add(&t, &lw, json!({"name": "Food parcels", "new_organization": "Northside Food Bank", "description": "Food.", "postcode": "G21 1AA"})).await;
        let oid = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/directory/services/{food}"),
                None,
            )
            .await
            .json()["organization_id"]
            .as_i64()
            .unwrap_or(0);
        let _staff = t.partner(org.programme_id, oid, &[]).await;
        let path = format!("/api/v1/directory/organizations/{oid}/agreements");
        // Bad input is named, field by field.
        let r = t
            .api(
                &mgr,
                Method::POST,
                &path,
                Some(
                    json!({"starts_on": "1/4/2026", "ends_on": "1/3/2026", "funding": "received"}),
                ),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.problem_fields(), ["what", "ends_on", "amount"]);
        let r = t.api(&mgr, Method::POST, &path, Some(json!({"what": "Food vouchers for people the link workers support", "starts_on": "1/4/2026", "ends_on": "31/3/2027", "funding": "received", "amount": "£2,500"}))).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let b = r.json();
        assert_eq!(b["agreements"][0]["amount_pence"], 250_000);
        assert_eq!(b["agreements"][0]["funding"], "received");
        assert_eq!(b["staff_accounts"], 1);
        // A voucher fund whose funder is the partner, a group run with it, a
        // referral sent to it.
        let r = t.api(&mgr, Method::POST, "/api/v1/funds", Some(json!({"name": "Northside food vouchers", "funder": "Northside Food Bank", "kind": "food"}))).await;
        assert!(r.status < 300, "{}", r.body);
        let r = t.api(&lw, Method::POST, "/api/v1/groups", Some(json!({"name": "Cooking on a budget", "kind": "course", "partners": "Northside Food Bank and the council"}))).await;
        assert_eq!(r.status, 201, "{}", r.body);
        // A service the partner runs at a practice: the practice and the
        // partner are needed, and the practice must be one of the worker's.
        let r = t
            .api(
                &lw,
                Method::POST,
                "/api/v1/groups",
                Some(json!({"name": "Food advice drop-in", "kind": "hosted_service"})),
            )
            .await;
        assert_eq!(r.problem_fields(), ["site_id", "organization_id"]);
        let hosted = json!({"name": "Food advice drop-in", "kind": "hosted_service", "organization_id": oid, "site_id": org.site_b});
        let r = t
            .api(&lw, Method::POST, "/api/v1/groups", Some(hosted))
            .await;
        assert_eq!(r.problem_fields(), ["site_id"]);
        let r = t.api(&lw, Method::POST, "/api/v1/groups", Some(json!({"name": "Food advice drop-in", "kind": "hosted_service", "organization_id": oid, "site_id": org.site_a, "schedule": "First Monday of the month"}))).await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["site_name"], "Alpha Medical Practice");
        assert_eq!(r.json()["organization_name"], "Northside Food Bank");
        let hosted_id = r.json()["id"].as_i64().unwrap_or(0);
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/groups/{hosted_id}/sessions"),
                Some(json!({"others": 6})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let (_, pid) =
            crate::everyday::allocated(&t, &org, &lw, "Morag Example", "1961-05-02").await;
        let r = t.api(&lw, Method::POST, &format!("/api/v1/participants/{pid}/onward-support"), Some(json!({"kind": "referral", "service_id": food.to_string(), "status": "referred"}))).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let b = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/directory/organizations/{oid}/partnership"),
                None,
            )
            .await
            .json();
        assert_eq!(b["funds"][0]["name"], "Northside food vouchers");
        let names: Vec<&str> = b["groups"]
            .as_array()
            .map(|a| a.iter().filter_map(|g| g["name"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(names, ["Cooking on a budget", "Food advice drop-in"]);
        // The hosted service's sessions and who came, in counts.
        let hosted = &b["groups"][1];
        assert_eq!(
            (
                hosted["sessions"].as_i64(),
                hosted["others"].as_i64(),
                hosted["attended"].as_i64()
            ),
            (Some(1), Some(6), Some(0)),
            "{hosted}"
        );
        assert_eq!(hosted["site_name"], "Alpha Medical Practice");
        assert_eq!(hosted["last_held_on"], "2026-11-25");
        assert_eq!(b["referrals_by_status"][0]["status"], "referred");
        assert_eq!(b["referrals_by_status"][0]["count"], 1);
        assert!(!b.to_string().contains("Morag"), "no names: {b}");
        // Who may: managers record; link workers and administrators read;
        // practice staff and partners do not; another programme finds nothing.
        let r = t
            .api(
                &lw,
                Method::POST,
                &path,
                Some(json!({"what": "x", "starts_on": "1/4/2026"})),
            )
            .await;
        assert_eq!(r.status, 403);
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        assert_eq!(
            t.api(
                &admin,
                Method::GET,
                &format!("/api/v1/directory/organizations/{oid}/partnership"),
                None
            )
            .await
            .status,
            200
        );
        for role in [Role::PracticeStaff, Role::Partner] {
            let u = t.user(org.programme_id, role, &[org.site_a]).await;
            assert_eq!(
                t.api(
                    &u,
                    Method::GET,
                    &format!("/api/v1/directory/organizations/{oid}/partnership"),
                    None
                )
                .await
                .status,
                403,
                "{role:?}"
            );
        }
        let outsider = t.user(other.programme_id, Role::Manager, &[]).await;
        assert_eq!(
            t.api(
                &outsider,
                Method::GET,
                &format!("/api/v1/directory/organizations/{oid}/partnership"),
                None
            )
            .await
            .status,
            404
        );
        assert_eq!(
            t.api(
                &outsider,
                Method::POST,
                &path,
                Some(json!({"what": "Taken", "starts_on": "1/4/2026"}))
            )
            .await
            .status,
            404
        );

        // The page.
        let mut s = t.sign_in(&mgr.email).await;
        let org_page = s.get(&format!("/directory/organizations/{oid}")).await;
        assert!(
            org_page
                .body
                .contains(&format!("/directory/organizations/{oid}/partnership"))
        );
        let page = s
            .get(&format!("/directory/organizations/{oid}/partnership"))
            .await;
        assert_eq!(page.status, 200);
        assert!(
            page.body
                .contains("Food vouchers for people the link workers support")
                && page.body.contains("£2500.00")
        );
        let r = s
            .post(
                &format!("/directory/organizations/{oid}/partnership"),
                &[("what", ""), ("starts_on", "soon")],
            )
            .await;
        assert_eq!(r.status, 422);
        let r = s
            .post(
                &format!("/directory/organizations/{oid}/partnership"),
                &[
                    ("what", "Hall for the Tuesday group"),
                    ("starts_on", "1/9/2026"),
                    ("funding", "none"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let (events, _) = t
            .app
            .search_audit(
                &admin.ctx,
                &linkwork_testkit::store::audit::Filter {
                    limit: 200,
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_default();
        assert_eq!(
            events
                .iter()
                .filter(|e| e.action == "partnership.create")
                .count(),
            2
        );
    }
);
