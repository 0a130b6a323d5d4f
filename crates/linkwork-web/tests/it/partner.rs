//! The partner's side of the loop: a partner organisation's staff see only
//! the onward referrals sent to their organisation, with no more of the
//! person than consent allows, and answer them; the link worker sees the
//! answer. Through the API and the pages, on both databases.

use crate::everyday::allocated;
use linkwork_domain::Role;
use linkwork_testkit::both;
use reqwest::Method;
use serde_json::json;

both!(
    a_partner_answers_the_referrals_sent_to_it_and_nothing_else,
    |t| {
        let org = t.organisation("Programme A").await;
        let other = t.organisation("Programme B").await;
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let lw = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_a])
            .await;
        // Two organisations in the directory, each with a service.
        let service = |name: &str, org_name: &str| json!({"name": name, "new_organization": org_name, "description": "Help.", "postcode": "G21 1AA"});
        let food =
            crate::directory::add(&t, &lw, service("Food parcels", "Northside Food Bank")).await;
        let advice = crate::directory::add(
            &t,
            &lw,
            service("Benefits advice", "Eastfield Advice Centre"),
        )
        .await;
        let org_of = |sid: i64| {
            let t = &t;
            let lw = &lw;
            async move {
                t.api(
                    lw,
                    Method::GET,
                    &format!("/api/v1/directory/services/{sid}"),
                    None,
                )
                .await
                .json()["organization_id"]
                    .as_i64()
                    .unwrap_or(0)
            }
        };
        let (food_org, advice_org) = (org_of(food).await, org_of(advice).await);
        assert!(food_org > 0 && advice_org > 0 && food_org != advice_org);

        // An administrator adds a partner: the organisation is needed, and must
        // be in the directory.
        let r = t
        .api(&admin, Method::POST, "/api/v1/users", Some(json!({"email": "food@example.org", "name": "Food bank volunteer", "role": "partner"})))
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.problem_fields(), ["organization_id"]);
        let r = t
        .api(&admin, Method::POST, "/api/v1/users", Some(json!({"email": "food@example.org", "name": "Food bank volunteer", "role": "partner", "organization_id": 999999})))
        .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.problem_fields(), ["organization_id"]);
        let r = t
        .api(&admin, Method::POST, "/api/v1/users", Some(json!({"email": "food@example.org", "name": "Food bank volunteer", "role": "partner", "organization_id": food_org})))
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["organization_id"], food_org);

        let food_staff = t.partner(org.programme_id, food_org, &[]).await;
        let advice_staff = t.partner(org.programme_id, advice_org, &[]).await;
        let outsider_org = t
            .partner_organisation(other.programme_id, "Northside Food Bank")
            .await;
        let outsider = t.partner(other.programme_id, outsider_org, &[]).await;

        // Two people; one agrees to share their details with the food bank.
        let (_, sharer) = allocated(&t, &org, &lw, "Morag Example", "1961-05-02").await;
        let (_, private) = allocated(&t, &org, &lw, "Duncan Sample", "1958-09-30").await;
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/participants/{sharer}/consents"),
                Some(json!({"kind": "share_partner", "partner": "northside food bank"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let onward = |pid: i64, sid: i64, status: &str| {
            let (t, lw) = (&t, &lw);
            let body = json!({"kind": "referral", "service_id": sid.to_string(), "status": status, "when_and_where": "Thursday morning"});
            async move {
                let r = t
                    .api(
                        lw,
                        Method::POST,
                        &format!("/api/v1/participants/{pid}/onward-support"),
                        Some(body),
                    )
                    .await;
                assert_eq!(r.status, 201, "{}", r.body);
                r.json()["onward_support"]
                    .as_array()
                    .and_then(|a| a.iter().filter_map(|o| o["id"].as_i64()).max())
                    .unwrap_or(0)
            }
        };
        let to_share = onward(sharer, food, "referred").await;
        let to_private = onward(private, food, "referred").await;
        let _only_suggested = onward(private, food, "suggested").await;
        let to_advice = onward(private, advice, "referred").await;

        // The food bank sees its two sent referrals, not the suggestion, not
        // the advice centre's.
        let r = t
            .api(&food_staff, Method::GET, "/api/v1/partner/referrals", None)
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let items = r.json()["items"].as_array().cloned().unwrap_or_default();
        let ids: Vec<i64> = items.iter().filter_map(|i| i["id"].as_i64()).collect();
        assert_eq!(ids.len(), 2, "{}", r.body);
        assert!(ids.contains(&to_share) && ids.contains(&to_private));
        let shared = items
            .iter()
            .find(|i| i["id"] == to_share)
            .cloned()
            .unwrap_or_default();
        assert_eq!(shared["person"], "Morag Example");
        assert_eq!(shared["shared"], true);
        let private_item = items
            .iter()
            .find(|i| i["id"] == to_private)
            .cloned()
            .unwrap_or_default();
        assert_eq!(private_item["person"], "D. S.");
        assert_eq!(private_item["shared"], false);
        assert!(private_item["phone"].is_null() && private_item["email"].is_null());
        assert!(
            !r.body.contains("Duncan") && !r.body.contains("1958"),
            "{}",
            r.body
        );
        assert!(
            private_item["contact_via"]
                .as_str()
                .unwrap_or("")
                .contains(&lw.email)
        );

        // Nobody else reaches these referrals.
        for (who, status) in [(&advice_staff, 404), (&outsider, 404)] {
            let r = t
                .api(
                    who,
                    Method::GET,
                    &format!("/api/v1/partner/referrals/{to_share}"),
                    None,
                )
                .await;
            assert_eq!(r.status, status, "{}", r.body);
            let r = t
                .api(
                    who,
                    Method::POST,
                    &format!("/api/v1/partner/referrals/{to_share}/answer"),
                    Some(json!({"status": "accepted"})),
                )
                .await;
            assert_eq!(r.status, status, "{}", r.body);
        }
        let r = t
            .api(
                &advice_staff,
                Method::GET,
                "/api/v1/partner/referrals?show=all",
                None,
            )
            .await;
        let ids: Vec<i64> = r.json()["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|i| i["id"].as_i64())
            .collect();
        assert_eq!(ids, [to_advice]);
        assert_eq!(
            t.api(
                &outsider,
                Method::GET,
                "/api/v1/partner/referrals?show=all",
                None
            )
            .await
            .json()["total"],
            0
        );
        for role in [
            Role::Manager,
            Role::LinkWorker,
            Role::PracticeStaff,
            Role::Administrator,
        ] {
            let u = t.user(org.programme_id, role, &[org.site_a]).await;
            let r = t
                .api(&u, Method::GET, "/api/v1/partner/referrals", None)
                .await;
            assert_eq!(r.status, 403, "{role:?}");
        }
        // Partners see no one's record.
        for path in [
            format!("/api/v1/participants/{sharer}"),
            format!("/api/v1/participants/{sharer}/casework"),
            "/api/v1/participants?q=Morag".to_owned(),
        ] {
            let r = t.api(&food_staff, Method::GET, &path, None).await;
            assert_eq!(r.status, 403, "{path}: {}", r.body);
        }

        // Their referral list holds only referrals they made: none here.
        let r = t
            .api(&food_staff, Method::GET, "/api/v1/referrals", None)
            .await;
        assert_eq!(r.json()["total"], 0, "{}", r.body);
        // Bad answers name the field; nothing changes.
        let answer = |id: i64, body: serde_json::Value| {
            let (t, u) = (&t, &food_staff);
            async move {
                t.api(
                    u,
                    Method::POST,
                    &format!("/api/v1/partner/referrals/{id}/answer"),
                    Some(body),
                )
                .await
            }
        };
        let r = answer(to_private, json!({"status": "declined"})).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.problem_fields(), ["reason"]);
        let r = answer(to_private, json!({"status": "suggested"})).await;
        assert_eq!(r.problem_fields(), ["status"]);
        let r = t
            .api(
                &food_staff,
                Method::GET,
                "/api/v1/partner/referrals?show=soon",
                None,
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.problem_fields(), ["show"]);
        // Decline one with a reason; accept the other, then record support.
        let r = answer(
            to_private,
            json!({"status": "declined", "reason": "We only deliver north of the river"}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["status"], "declined");
        let r = answer(to_share, json!({"status": "accepted"})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        t.clock.advance(chrono::Duration::days(3));
        let r = answer(
            to_share,
            json!({"status": "support_given", "outcome": "Two food parcels and a fuel voucher"}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let b = t
            .api(
                &food_staff,
                Method::GET,
                "/api/v1/partner/referrals?show=done",
                None,
            )
            .await
            .json();
        assert_eq!(b["total"], 2);

        // The link worker sees the answers on the record and on their home page.
        let w = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/participants/{private}/casework"),
                None,
            )
            .await
            .json();
        let o = w["onward_support"].as_array().cloned().unwrap_or_default();
        let declined = o
            .iter()
            .find(|x| x["id"] == to_private)
            .cloned()
            .unwrap_or_default();
        assert_eq!(declined["status"], "declined");
        assert_eq!(
            declined["partner_reason"],
            "We only deliver north of the river"
        );
        assert!(
            declined["responded_by"]
                .as_str()
                .is_some_and(|n| n.starts_with("Test"))
        );
        let mut s = t.sign_in(&lw.email).await;
        let home = s.get("/").await;
        assert!(
            home.body.contains("Answers from partner organisations"),
            "{}",
            home.body
        );
        assert!(home.body.contains("Support given"), "{}", home.body);
        assert!(home.body.contains("We only deliver north of the river"));
        let record = s.get(&format!("/people/{sharer}")).await;
        assert!(record.body.contains("Two food parcels and a fuel voucher"));
        assert!(record.body.contains("Answered by the service"));

        // The partner's pages: the list, one referral, an answer with an error.
        let mut p = t.sign_in(&food_staff.email).await;
        let home = p.get("/").await;
        assert!(home.body.contains("See referrals to you"));
        let list = p.get("/partner?show=all").await;
        assert_eq!(list.status, 200);
        assert!(
            list.body.contains("Northside Food Bank") && list.body.contains("D. S."),
            "{}",
            list.body
        );
        assert!(!list.body.contains("Duncan"));
        let one = p.get(&format!("/partner/referrals/{to_private}")).await;
        assert_eq!(one.status, 200);
        assert!(one.body.contains("initials only"));
        let r = p
            .post(
                &format!("/partner/referrals/{to_private}"),
                &[("status", "declined"), ("reason", "")],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("Say why you are declining the referral"));
        let r = p
            .post(
                &format!("/partner/referrals/{to_private}"),
                &[
                    ("status", "closed"),
                    ("outcome", "Referred on to the council's welfare fund"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            p.get(&format!("/partner/referrals/{to_advice}"))
                .await
                .status,
            404
        );
        assert_eq!(p.get(&format!("/people/{sharer}")).await.status, 403);

        // Every look and every answer is in the audit trail.
        let (events, _) = t
            .app
            .search_audit(
                &admin.ctx,
                &linkwork_testkit::store::audit::Filter {
                    limit: 500,
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_default();
        let by = |action: &str| {
            events
                .iter()
                .filter(|e| e.action == action && e.actor == food_staff.email)
                .count()
        };
        assert!(by("onward.partner_list") >= 3, "{events:?}");
        assert!(by("onward.partner_view") >= 1);
        assert_eq!(by("onward.partner_answer"), 4);
        assert!(
            events
                .iter()
                .any(|e| e.outcome == "refused" && e.actor == advice_staff.email)
        );

        // Withdrawn consent: back to initials.
        let consents = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/participants/{sharer}/casework"),
                None,
            )
            .await
            .json();
        let cid = consents["consents"][0]["id"].as_i64().unwrap_or(0);
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/participants/{sharer}/consents/{cid}/withdraw"),
                None,
            )
            .await;
        assert!(r.status < 300, "{}", r.body);
        let r = t
            .api(
                &food_staff,
                Method::GET,
                &format!("/api/v1/partner/referrals/{to_share}"),
                None,
            )
            .await
            .json();
        assert_eq!(r["person"], "M. E.");
        assert!(r["phone"].is_null());
    }
);

both!(
    a_partner_refers_someone_in_and_follows_only_their_own_referrals,
    |t| {
        let org = t.organisation("Programme A").await;
        let other = t.organisation("Programme B").await;
        let food_org = t
            .partner_organisation(org.programme_id, "Northside Food Bank")
            .await;
        let food = t.partner(org.programme_id, food_org, &[]).await;
        let advice_org = t
            .partner_organisation(org.programme_id, "Eastfield Advice Centre")
            .await;
        let advice = t.partner(org.programme_id, advice_org, &[]).await;
        let staff_b = t
            .user(org.programme_id, Role::PracticeStaff, &[org.site_b])
            .await;
        let lw_b = t
            .user(org.programme_id, Role::LinkWorker, &[org.site_b])
            .await;
        let body = |site: i64, agreed: &str| {
            json!({"site_id": site, "person_name": "Isla Sample", "person_date_of_birth": "1990-03-14",
            "person_phone": "07700 900456", "source": "food_bank", "referrer": "Food bank volunteer",
            "reasons": ["money"], "person_agreed": agreed, "details": "Came in for a parcel; rent arrears"})
        };
        // Agreement is needed, as for practice staff; the practice must be one
        // of this programme's.
        let r = t
            .api(
                &food,
                Method::POST,
                "/api/v1/referrals",
                Some(body(org.site_b, "")),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.problem_fields(), ["person_agreed"]);
        let r = t
            .api(
                &food,
                Method::POST,
                "/api/v1/referrals",
                Some(body(other.site_a, "yes")),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.problem_fields(), ["site_id"]);
        // To a practice the partner is not assigned to: any practice will do.
        let r = t
            .api(
                &food,
                Method::POST,
                "/api/v1/referrals",
                Some(body(org.site_b, "yes")),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let mine = r.json()["id"].as_i64().unwrap_or(0);
        // A practice's own referral, and the other partner's.
        let r = t.api(&staff_b, Method::POST, "/api/v1/referrals",
        Some(json!({"site_id": org.site_b, "person_name": "Rory Example", "person_date_of_birth": "1950-01-01", "source": "practice_staff", "reasons": ["loneliness"], "person_agreed": "yes"}))).await;
        assert_eq!(r.status, 201, "{}", r.body);
        let practices = r.json()["id"].as_i64().unwrap_or(0);
        let r = t
            .api(
                &advice,
                Method::POST,
                "/api/v1/referrals",
                Some(body(org.site_a, "yes")),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let theirs = r.json()["id"].as_i64().unwrap_or(0);

        // The food bank follows its own, and nothing else.
        let ids = |v: serde_json::Value| -> Vec<i64> {
            v["items"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .filter_map(|i| i["id"].as_i64())
                .collect()
        };
        let r = t.api(&food, Method::GET, "/api/v1/referrals", None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(ids(r.json()), [mine]);
        for id in [practices, theirs] {
            assert_eq!(
                t.api(&food, Method::GET, &format!("/api/v1/referrals/{id}"), None)
                    .await
                    .status,
                404
            );
        }
        // The practice and its link worker see the partner's referral.
        assert!(
            ids(t
                .api(&staff_b, Method::GET, "/api/v1/referrals", None)
                .await
                .json())
            .contains(&mine)
        );
        let r = t
            .api(
                &lw_b,
                Method::POST,
                &format!("/api/v1/referrals/{mine}/allocate"),
                Some(json!({"version": 1, "link_worker_id": lw_b.id})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        // The partner follows the status, not the case work.
        let r = t
            .api(
                &food,
                Method::GET,
                &format!("/api/v1/referrals/{mine}"),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["status"], "allocated");
        let pid = r.json()["participant_id"].as_i64().unwrap_or(0);
        assert_eq!(
            t.api(
                &food,
                Method::GET,
                &format!("/api/v1/participants/{pid}"),
                None
            )
            .await
            .status,
            403
        );
        // A partner cannot attach someone's record to a referral by its id.
        let mut b = body(org.site_b, "yes");
        b["participant_id"] = json!(pid.to_string());
        b["person_name"] = json!("");
        let r = t
            .api(&food, Method::POST, "/api/v1/referrals", Some(b))
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.problem_fields(), ["person_name"]);

        // The pages: the referral form offers every practice; the home page
        // and the list show only their own.
        let mut s = t.sign_in(&food.email).await;
        let form = s.get("/referrals/new").await;
        assert_eq!(form.status, 200);
        assert!(
            form.body.contains("Alpha Medical Practice")
                && form.body.contains("Beta Health Centre")
        );
        let home = s.get("/").await;
        assert!(home.body.contains("Your referrals to the programme"));
        assert!(home.body.contains("Isla Sample"));
        assert!(!home.body.contains("Rory Example"));
        let list = s.get("/referrals").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains("Isla Sample") && !list.body.contains("Rory Example"));
        assert_eq!(s.get(&format!("/referrals/{practices}")).await.status, 404);
        let one = s.get(&format!("/referrals/{mine}")).await;
        assert_eq!(one.status, 200);
        assert!(one.body.contains("Allocated"));
    }
);
