//! The community directory (issue 9): relevance on a small fictional
//! Glasgow set, filters, bad input, permissions, "Find support" onto a
//! record, keeping entries true, and freshness across two nodes.

use linkwork_domain::Role;
use linkwork_testkit::{TestApp, TestOrg, TestUser, both};
use reqwest::Method;
use serde_json::{Value, json};

const POSTCODES: &str = "pcds,lat,long,doterm\n\
G51 4TR,55.8560,-4.3200,\n\
G51 2AA,55.8570,-4.3180,\n\
G15 6AA,55.9050,-4.3700,\n\
G42 8QZ,55.8352,-4.2702,\n\
G14 0AA,55.8780,-4.3480,\n\
G99 9ZZ,55.0,-4.0,200001\n";

/// An administrator imports the postcode lookup through the page.
pub(crate) async fn postcodes(t: &TestApp, admin: &TestUser) {
    let mut s = t.sign_in(&admin.email).await;
    let r = s.post("/directory/postcodes", &[("file", POSTCODES)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("5 postcodes imported, 1 left out"),
        "{}",
        r.body
    );
}

pub(crate) async fn add(t: &TestApp, lw: &TestUser, body: Value) -> i64 {
    let r = t
        .api(lw, Method::POST, "/api/v1/directory/services", Some(body))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().unwrap_or(0)
}

pub(crate) struct Set {
    pub bereavement: i64,
    pub food_bank: i64,
    pub foodbank: i64,
    pub batteries: i64,
    pub helpline: i64,
    pub fresh: i64,
    pub stale: i64,
    pub walk: i64,
    pub defunct: i64,
    pub youth: i64,
}

/// The fictional set: Govan (G51), Drumchapel (G15, 5.6 km away),
/// Govanhill (G42), a national helpline.
pub(crate) async fn glasgow(t: &TestApp, lw: &TestUser) -> Set {
    let org = |n: &str| json!(n);
    Set {
        bereavement: add(t, lw, json!({"name": "Govan Bereavement Support Group", "new_organization": org("Govan Community Trust"),
            "description": "A small group for people who have lost someone close.", "categories": ["bereavement"], "postcode": "G51 2AA", "checked": true,
            "schedules": [{"days": ["TU"], "every": "fortnightly", "opens_at": "18:00", "closes_at": "20:00"}]})).await,
        food_bank: add(t, lw, json!({"name": "Drumchapel Food Bank", "new_organization": org("Drumchapel Parish Church"),
            "description": "Emergency food parcels.", "categories": ["foodbank"], "postcode": "G15 6AA", "checked": true,
            "referral_routes": ["form", "phone"], "schedules": [{"days": ["MO", "TH"], "opens_at": "10:00", "closes_at": "13:00"}]})).await,
        foodbank: add(t, lw, json!({"name": "Govanhill Foodbank", "new_organization": org("Govanhill Advice Centre"),
            "description": "Food parcels and a warm welcome.", "postcode": "G42 8QZ", "checked": true})).await,
        batteries: add(t, lw, json!({"name": "Energy Advice Drop-in", "new_organization": org("Govan Housing Association"),
            "description": "Help with fuel bills, prepayment meters, and free batteries and bulbs.", "categories": ["energy-advice"],
            "postcode": "G51 4TR", "checked": true})).await,
        helpline: add(t, lw, json!({"name": "Listening Line", "new_organization": org("Clearwater Listening Trust"),
            "description": "A listening line for anyone struggling with their mental wellbeing.", "categories": ["mental-wellbeing"],
            "reach": "national", "checked": true})).await,
        fresh: add(t, lw, json!({"name": "Yoker Mental Wellbeing Group", "new_organization": org("Yoker Health Project"),
            "description": "Peer support for low mood.", "categories": ["mental-wellbeing"], "postcode": "G51 4TR", "checked": true})).await,
        stale: add(t, lw, json!({"name": "Ibrox Mental Wellbeing Group", "new_organization": org("Ibrox Health Project"),
            "description": "Peer support for low mood.", "categories": ["mental-wellbeing"], "postcode": "G51 4TR"})).await,
        walk: add(t, lw, json!({"name": "Govan Health Walk", "new_organization": org("Govan Community Trust"),
            "description": "A gentle led walk.", "categories": ["outdoor-activity"], "postcode": "G51 4TR", "checked": true,
            "schedules": [{"days": ["MO"], "opens_at": "10:00", "closes_at": "11:00"}]})).await,
        defunct: add(t, lw, json!({"name": "Old Walking Club", "new_organization": org("Govan Community Trust"),
            "description": "A walking club.", "postcode": "G51 4TR", "status": "defunct", "checked": true})).await,
        youth: add(t, lw, json!({"name": "Govan Youth Club", "new_organization": org("Govan Community Trust"),
            "description": "Games and sport for young people.", "min_age": 12, "max_age": 18, "postcode": "G51 4TR", "checked": true})).await,
    }
}

pub(crate) async fn search(t: &TestApp, u: &TestUser, query: &str) -> Vec<i64> {
    let r = t
        .api(
            u,
            Method::GET,
            &format!("/api/v1/directory/services?{query}"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    r.json()["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_i64())
        .collect()
}

/// The test practices are at G21 1AA: placed beside Govan, through the
/// administrators' postcode lookup page.
async fn place_practices(t: &TestApp, admin: &TestUser) {
    let mut a = t.sign_in(&admin.email).await;
    let r = a
        .post(
            "/directory/postcodes",
            &[("file", "pcds,lat,long\nG21 1AA,55.8561,-4.3199\n")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

pub(crate) async fn setup(t: &TestApp) -> (TestOrg, TestUser, Set) {
    let org = t.organisation("Programme A").await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let lw = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_a])
        .await;
    postcodes(t, &admin).await;
    let set = glasgow(t, &lw).await;
    (org, lw, set)
}

both!(
    directory_search_forgives_typos_and_understands_compounds_and_stems,
    |t| {
        let (_, lw, s) = setup(&t).await;
        assert_eq!(
            search(&t, &lw, "q=bereavment").await.first(),
            Some(&s.bereavement),
            "a typo"
        );
        assert_eq!(
            search(&t, &lw, "q=bereaved").await.first(),
            Some(&s.bereavement),
            "a stem"
        );
        let found = search(&t, &lw, "q=foodbank").await;
        assert!(
            found.contains(&s.food_bank) && found.contains(&s.foodbank),
            "foodbank finds “food bank”: {found:?}"
        );
        let found = search(&t, &lw, "q=food+bank").await;
        assert!(
            found.contains(&s.food_bank) && found.contains(&s.foodbank),
            "food bank finds “Foodbank”: {found:?}"
        );
        assert_eq!(
            search(&t, &lw, "q=batterys").await.first(),
            Some(&s.batteries),
            "a plural misspelt"
        );
        assert!(
            !search(&t, &lw, "q=walking").await.contains(&s.defunct),
            "defunct never shown"
        );
        assert!(search(&t, &lw, "q=walk").await.contains(&s.walk));
    }
);

both!(
    directory_search_orders_by_distance_locality_and_freshness,
    |t| {
        let (_, lw, s) = setup(&t).await;
        let near_govan = search(&t, &lw, "category=foodbank&postcode=G51+4TR").await;
        assert_eq!(near_govan, vec![s.food_bank], "the category filter");
        // Without words, checked local services come by distance.
        let r = t
            .api(
                &lw,
                Method::GET,
                "/api/v1/directory/services?postcode=G51+4TR&limit=50",
                None,
            )
            .await;
        let items = r.json()["items"].as_array().cloned().unwrap_or_default();
        let km: Vec<f64> = items
            .iter()
            .filter(|i| i["overdue"] == false && i["reach"] == "local")
            .filter_map(|i| i["distance_km"].as_f64())
            .collect();
        assert!(
            km.len() >= 2 && km.windows(2).all(|w| w[0] <= w[1]),
            "nearest first: {km:?}"
        );
        let wellbeing = search(&t, &lw, "q=mental+wellbeing&postcode=G51+4TR").await;
        let pos = |id: i64| {
            wellbeing
                .iter()
                .position(|x| *x == id)
                .unwrap_or(usize::MAX)
        };
        assert!(
            pos(s.fresh) < pos(s.stale),
            "fresh above stale: {wellbeing:?}"
        );
        assert!(
            pos(s.stale) < pos(s.helpline),
            "local above national: {wellbeing:?}"
        );
        assert!(pos(s.helpline) != usize::MAX, "national kept");
        // A district alone, and a postcode we do not know in a known district.
        assert!(!search(&t, &lw, "q=walk&postcode=G51").await.is_empty());
        let r = t
            .api(
                &lw,
                Method::GET,
                "/api/v1/directory/services?q=walk&postcode=G51+9XX",
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["near"], "G51 9XX");
    }
);

both!(directory_filters_by_day_age_and_date, |t| {
    let (_, lw, s) = setup(&t).await;
    assert!(search(&t, &lw, "q=walk&day=MO").await.contains(&s.walk));
    assert!(!search(&t, &lw, "q=walk&day=TU").await.contains(&s.walk));
    assert!(search(&t, &lw, "q=youth&age=14").await.contains(&s.youth));
    assert!(!search(&t, &lw, "q=youth&age=40").await.contains(&s.youth));
    // Fortnightly on Tuesdays, counted from the week it was added (the
    // test clock's 25 Nov 2026): runs 24 Nov, 8 Dec; not 1 Dec.
    assert!(
        search(&t, &lw, "q=bereavement&day=TU&on=2026-12-01")
            .await
            .contains(&s.bereavement)
    );
    assert!(
        search(&t, &lw, "q=bereavement&free=true")
            .await
            .contains(&s.bereavement)
    );
});

both!(directory_bad_input_names_the_field, |t| {
    let (_, lw, _) = setup(&t).await;
    for (query, field) in [
        ("postcode=NOTAPOSTCODE", "postcode"),
        ("day=XX", "day"),
        ("age=-3", "age"),
        ("on=31+13+2026", "on"),
        ("category=no-such-thing", "category"),
        ("lat=95&lon=0", "lat"),
        ("limit=100000", "limit"),
        ("postcode=ZE9+9ZZ", "postcode"),
    ] {
        let r = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/directory/services?{query}"),
                None,
            )
            .await;
        assert_eq!(r.status, 422, "{query}: {}", r.body);
        assert!(
            r.problem_fields().contains(&field.to_owned()),
            "{query}: {}",
            r.body
        );
    }
    let r = t
        .api(
            &lw,
            Method::POST,
            "/api/v1/directory/services",
            Some(json!({"name": "", "email": "not-an-email",
        "min_age": 30, "max_age": 10, "schedules": [{"days": ["XX"], "opens_at": "25:00"}]})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields = r.problem_fields();
    for f in [
        "name",
        "organization_id",
        "email",
        "max_age",
        "schedules[0].days",
        "schedules[0].opens_at",
    ] {
        assert!(fields.contains(&f.to_owned()), "{f}: {}", r.body);
    }
    // The web form shows the same errors, named as the form names them.
    let mut w = t.sign_in(&lw.email).await;
    let r = w
        .post(
            "/directory/services/new",
            &[("name", ""), ("day_0", "MO"), ("opens_0", "9am")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("href=\"#opens_0\""), "{}", r.body);
    let r = w.get("/directory?postcode=NOTAPOSTCODE").await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("href=\"#postcode\""), "{}", r.body);
});

both!(find_support_records_the_onward_referral_in_one_step, |t| {
    let (org, lw, s) = setup(&t).await;
    let r = t
        .api(
            &lw,
            Method::POST,
            "/api/v1/referrals",
            Some(json!({"site_id": org.site_a, "person_name": "Alex Example",
        "person_date_of_birth": "1980-03-04", "source": "gp", "reasons": ["bereavement"]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rid = r.json()["id"].as_i64().unwrap_or(0);
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/referrals/{rid}/allocate"),
            Some(json!({"version": 1, "link_worker_id": lw.id})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let pid = r.json()["participant_id"].as_i64().unwrap_or(0);
    let mut w = t.sign_in(&lw.email).await;
    let record = w.get(&format!("/people/{pid}")).await;
    assert!(
        record.body.contains("Find support in the directory"),
        "{}",
        record.body
    );
    let page = w.get(&format!("/directory?for={pid}&q=bereavement")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Govan Bereavement Support Group") && page.body.contains("Refer"),
        "{}",
        page.body
    );
    let r = w
        .post(
            &format!("/people/{pid}/find-support"),
            &[
                ("service_id", &s.bereavement.to_string()),
                ("choice", "referral"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let work = t
        .api(
            &lw,
            Method::GET,
            &format!("/api/v1/participants/{pid}/casework"),
            None,
        )
        .await;
    let onward = work.json()["onward_support"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(onward.len(), 1, "{}", work.body);
    assert_eq!(onward[0]["service_id"], json!(s.bereavement));
    assert_eq!(onward[0]["status"], "referred");
    assert!(
        onward[0]["service"]
            .as_str()
            .unwrap_or_default()
            .contains("Govan Bereavement Support Group")
    );
    let service = w
        .get(&format!("/directory/services/{}", s.bereavement))
        .await;
    assert!(
        service.body.contains("Referred") && service.body.contains("Alex Example"),
        "the service lists referrals to it, with the person: {}",
        service.body
    );
    // Through the API too; a link worker of another practice sees the
    // counts but not the person, and a partner sees no people at all.
    let detail = t
        .api(
            &lw,
            Method::GET,
            &format!("/api/v1/directory/services/{}", s.bereavement),
            None,
        )
        .await
        .json();
    assert_eq!(detail["onward_by_status"]["referred"], 1, "{detail}");
    assert_eq!(
        detail["onward"][0]["participant_id"],
        json!(pid),
        "{detail}"
    );
    let elsewhere = t
        .user(org.programme_id, Role::LinkWorker, &[org.site_b])
        .await;
    let detail = t
        .api(
            &elsewhere,
            Method::GET,
            &format!("/api/v1/directory/services/{}", s.bereavement),
            None,
        )
        .await
        .json();
    assert_eq!(detail["onward_by_status"]["referred"], 1, "{detail}");
    assert_eq!(detail["onward"], json!([]), "{detail}");
    let mut e = t.sign_in(&elsewhere.email).await;
    let page = e
        .get(&format!("/directory/services/{}", s.bereavement))
        .await;
    assert!(!page.body.contains("Alex Example"), "{}", page.body);
    let partner = t.user(org.programme_id, Role::Partner, &[]).await;
    let detail = t
        .api(
            &partner,
            Method::GET,
            &format!("/api/v1/directory/services/{}", s.bereavement),
            None,
        )
        .await
        .json();
    assert!(detail.get("onward").is_none(), "{detail}");
    // Another programme's link worker cannot record onto this person, nor
    // see this programme's directory.
    let other = t.organisation("Programme B").await;
    let stranger = t
        .user(other.programme_id, Role::LinkWorker, &[other.site_a])
        .await;
    let mut x = t.sign_in(&stranger.email).await;
    let r = x
        .post(
            &format!("/people/{pid}/find-support"),
            &[
                ("service_id", &s.bereavement.to_string()),
                ("choice", "referral"),
            ],
        )
        .await;
    assert!(r.status == 404 || r.status == 403, "{}", r.status);
    let r = t
        .api(
            &stranger,
            Method::GET,
            &format!("/api/v1/directory/services/{}", s.bereavement),
            None,
        )
        .await;
    assert_eq!(r.status, 404);
    assert!(search(&t, &stranger, "q=bereavement").await.is_empty());
    // A service of another programme cannot be recorded either.
    let theirs = add(
        &t,
        &stranger,
        json!({"name": "Elsewhere Group", "new_organization": "Elsewhere Trust"}),
    )
    .await;
    let r = t
        .api(
            &lw,
            Method::POST,
            &format!("/api/v1/participants/{pid}/onward-support"),
            Some(json!({"kind": "referral", "service_id": theirs.to_string()})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.problem_fields().contains(&"service_id".to_owned()));
});

both!(
    directory_entries_are_kept_true_with_permissions_and_history,
    |t| {
        let (org, lw, s) = setup(&t).await;
        let staff = t
            .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
            .await;
        let partner = t.user(org.programme_id, Role::Partner, &[]).await;
        // Everyone may search; practice staff and partners may not edit.
        assert!(!search(&t, &staff, "q=walk").await.is_empty());
        let r = t
            .api(
                &staff,
                Method::POST,
                "/api/v1/directory/services",
                Some(json!({"name": "X", "new_organization": "Y"})),
            )
            .await;
        assert_eq!(r.status, 403);
        let r = t
            .api(
                &partner,
                Method::PUT,
                &format!("/api/v1/directory/services/{}", s.walk),
                Some(json!({"name": "X", "new_organization": "Y"})),
            )
            .await;
        assert_eq!(r.status, 403);
        // Staff notes only for those who edit.
        let r = t
            .api(
                &lw,
                Method::GET,
                &format!("/api/v1/directory/services/{}", s.walk),
                None,
            )
            .await;
        let mut body = r.json();
        body["staff_notes"] = json!("Ask for Sam at the desk");
        body["categories"] = json!(["outdoor-activity"]);
        body["schedules"] = json!([{"days": ["MO"], "opens_at": "10:00", "closes_at": "11:00"}]);
        body["postcode"] = json!("G51 4TR");
        body["organization_id"] = json!(body["organization_id"].to_string());
        let r = t
            .api(
                &lw,
                Method::PUT,
                &format!("/api/v1/directory/services/{}", s.walk),
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let r = t
            .api(
                &lw,
                Method::PUT,
                &format!("/api/v1/directory/services/{}", s.walk),
                Some(body),
            )
            .await;
        assert_eq!(r.status, 409, "a stale version is refused: {}", r.body);
        let r = t
            .api(
                &staff,
                Method::GET,
                &format!("/api/v1/directory/services/{}", s.walk),
                None,
            )
            .await;
        assert_eq!(r.json()["staff_notes"], Value::Null, "{}", r.body);
        // A partner reports a problem; it is in the link workers' queue.
        let r = t
            .api(
                &partner,
                Method::POST,
                &format!("/api/v1/directory/services/{}/problems", s.walk),
                Some(json!({"kind": "wrong_contact", "details": "The phone number is out of use"})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let r = t
            .api(
                &partner,
                Method::POST,
                &format!("/api/v1/directory/services/{}/problems", s.walk),
                Some(json!({"kind": "nonsense"})),
            )
            .await;
        assert_eq!(r.status, 422);
        let mut w = t.sign_in(&lw.email).await;
        let q = w.get("/directory/review").await;
        assert!(
            q.body.contains("The phone number is out of use"),
            "{}",
            q.body
        );
        assert!(
            q.body.contains("Ibrox Mental Wellbeing Group"),
            "never checked is due: {}",
            q.body
        );
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/directory/services/{}/assure", s.stale),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["overdue"], false);
        let page = w.get(&format!("/directory/services/{}", s.walk)).await;
        assert!(
            page.body.contains("Details changed") && page.body.contains("Added to the directory"),
            "history: {}",
            page.body
        );
        let mut sw = t.sign_in(&staff.email).await;
        assert_eq!(sw.get("/directory/review").await.status, 403);
        // Every change is audited.
        let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
        let r = t
            .api(
                &admin,
                Method::GET,
                "/api/v1/audit?object_type=directory_service",
                None,
            )
            .await;
        let actions: Vec<String> = r.json()["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["action"].as_str().map(str::to_owned))
            .collect();
        for a in [
            "directory_service.create",
            "directory_service.update",
            "directory_service.report",
            "directory_service.assure",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a}: {actions:?}");
        }
    }
);

both!(a_change_on_one_node_is_found_on_another, |t| {
    let (_, lw, _) = setup(&t).await;
    let other = t.second_node().await;
    // The second node builds its index now …
    let r = t
        .api_on(
            &other,
            &lw,
            Method::GET,
            "/api/v1/directory/services?q=knitting",
            None,
        )
        .await;
    assert_eq!(r.json()["total"], 0, "{}", r.body);
    // … a service is added on the first node …
    let id = add(&t, &lw, json!({"name": "Knit and Natter", "new_organization": "Govan Community Trust", "description": "Knitting and crochet."})).await;
    // … and the second node finds it within 5 seconds (it trusts an index
    // it checked against the database for a second).
    let started = std::time::Instant::now();
    let ids = loop {
        let r = t
            .api_on(
                &other,
                &lw,
                Method::GET,
                "/api/v1/directory/services?q=knitting",
                None,
            )
            .await;
        let ids: Vec<i64> = r.json()["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["id"].as_i64())
            .collect();
        if !ids.is_empty() || started.elapsed() > std::time::Duration::from_secs(5) {
            break ids;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(ids, vec![id]);
    // A closure saved on the second node is seen on the first.
    let mut body = t
        .api(
            &lw,
            Method::GET,
            &format!("/api/v1/directory/services/{id}"),
            None,
        )
        .await
        .json();
    body["status"] = json!("defunct");
    body["organization_id"] = json!(body["organization_id"].to_string());
    let r = t
        .api_on(
            &other,
            &lw,
            Method::PUT,
            &format!("/api/v1/directory/services/{id}"),
            Some(body),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let started = std::time::Instant::now();
    while !search(&t, &lw, "q=knitting").await.is_empty() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "a defunct service was still found on the other node after 5 seconds"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
});

both!(the_gap_report_sets_needs_against_local_services, |t| {
    let (org, lw, _) = setup(&t).await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    place_practices(&t, &admin).await;
    let person = t
        .api(&lw, Method::POST, "/api/v1/participants", Some(json!({"site_id": org.site_a, "given_name": "Sam", "family_name": "Example", "date_of_birth": "1975-01-02"})))
        .await
        .json()["id"]
        .as_i64()
        .unwrap_or(0);
    for need in ["housing", "bereavement", "fuel"] {
        let r = t
            .api(
                &lw,
                Method::POST,
                &format!("/api/v1/participants/{person}/needs"),
                Some(json!({"need": need})),
            )
            .await;
        assert!(r.status < 300, "{}", r.body);
    }
    let report = t
        .app
        .gap_report(&lw.ctx, linkwork_app::directory::gaps::GroupBy::Area)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let row = |need: &str| {
        report
            .rows
            .iter()
            .find(|r| r.need == need)
            .map(|r| (r.people, r.local))
    };
    assert_eq!(row("housing"), Some((1, 0)), "{:?}", report.rows);
    assert!(
        row("bereavement").is_some_and(|(_, l)| l >= 1),
        "{:?}",
        report.rows
    );
    assert!(
        row("fuel").is_some_and(|(_, l)| l >= 1),
        "{:?}",
        report.rows
    );
    assert_eq!(report.gaps().len(), 1);
    let mut w = t.sign_in(&lw.email).await;
    let page = w.get("/directory/gaps").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("People whose need has no local service")
            && page.body.contains("Housing"),
        "{}",
        page.body
    );
    assert_eq!(w.get("/directory/gaps?by=cluster").await.status, 200);
    // Practice staff read their practice's pack but not the gap report.
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let mut s = t.sign_in(&staff.email).await;
    assert_eq!(s.get("/directory/gaps").await.status, 403);
    let pack = s.get(&format!("/directory/packs/{}", org.site_a)).await;
    assert_eq!(pack.status, 200, "{}", pack.body);
    assert!(
        pack.body.contains("Govan Bereavement Support Group")
            && pack.body.contains("Energy Advice Drop-in"),
        "{}",
        pack.body
    );
    assert!(
        !pack.body.contains("Drumchapel Food Bank"),
        "6 km away is not near"
    );
    assert!(
        pack.body.contains("New (2)") || pack.body.contains("New ("),
        "the digest"
    );
    assert!(
        s.get("/directory/packs")
            .await
            .body
            .contains(&format!("/directory/packs/{}", org.site_a))
    );
    let other = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_b])
        .await;
    let mut o = t.sign_in(&other.email).await;
    let r = o.get(&format!("/directory/packs/{}", org.site_a)).await;
    assert!(r.status == 404 || r.status == 403, "{}", r.status);
});

both!(administrators_edit_the_taxonomy, |t| {
    let (org, lw, s) = setup(&t).await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let mut a = t.sign_in(&admin.email).await;
    assert_eq!(a.get("/directory/taxonomy").await.status, 200);
    let r = a
        .post(
            "/directory/taxonomy",
            &[
                ("taxonomy", "what"),
                ("name-what", "Seed swaps"),
                ("parent-what", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = a
        .post(
            "/directory/taxonomy",
            &[("taxonomy", "what"), ("name-what", "")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("href=\"#name-what\""), "{}", r.body);
    // Renaming a term finds its services by the new name at once.
    let terms = t.app.directory_terms(&admin.ctx).await.unwrap_or_default();
    let bereavement = terms
        .iter()
        .find(|x| x.code == "bereavement")
        .map(|x| x.id)
        .unwrap_or(0);
    let r = a
        .post(
            &format!("/directory/taxonomy/{bereavement}"),
            &[("name", "Grief and loss")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(search(&t, &lw, "q=grief").await, vec![s.bereavement]);
    let mut w = t.sign_in(&lw.email).await;
    assert_eq!(w.get("/directory/taxonomy").await.status, 403);
    let r = w
        .post(
            &format!("/directory/taxonomy/{bereavement}"),
            &[("name", "Nope")],
        )
        .await;
    assert_eq!(r.status, 403);
});

both!(searches_and_the_review_queue_keep_to_a_place, |t| {
    let (org, lw, s) = setup(&t).await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    place_practices(&t, &admin).await;
    let in_area = search(&t, &lw, &format!("area={}&limit=50", org.area_id)).await;
    assert!(
        in_area.contains(&s.walk) && in_area.contains(&s.helpline),
        "{in_area:?}"
    );
    assert!(
        !in_area.contains(&s.food_bank),
        "Drumchapel is not near: {in_area:?}"
    );
    let in_cluster = search(&t, &lw, &format!("cluster={}&q=food", org.cluster_id)).await;
    assert!(!in_cluster.contains(&s.food_bank), "{in_cluster:?}");
    let r = t
        .api(
            &lw,
            Method::GET,
            "/api/v1/directory/services?area=999999",
            None,
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.problem_fields().contains(&"area".to_owned()));
    let mut w = t.sign_in(&lw.email).await;
    let page = w
        .get(&format!("/directory?near=area:{}", org.area_id))
        .await;
    assert_eq!(page.status, 200);
    // A never-checked entry far away is not in this link worker's queue
    // until they ask for the whole programme.
    let far = add(&t, &lw, json!({"name": "Drumchapel Knit and Natter", "new_organization": "Drumchapel Parish Church", "postcode": "G15 6AA"})).await;
    let mine = w.get("/directory/review").await;
    assert!(
        mine.body.contains("Ibrox Mental Wellbeing Group")
            && !mine.body.contains("Drumchapel Knit and Natter"),
        "near only"
    );
    let all = w.get("/directory/review?all=1").await;
    assert!(
        all.body.contains("Drumchapel Knit and Natter"),
        "the whole programme"
    );
    let _ = far;
});

both!(an_organisation_is_edited_and_a_site_points_at_it, |t| {
    let (org, lw, s) = setup(&t).await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let detail = t
        .api(
            &lw,
            Method::GET,
            &format!("/api/v1/directory/services/{}", s.walk),
            None,
        )
        .await
        .json();
    let oid = detail["organization_id"].as_i64().unwrap_or(0);
    let path = format!("/api/v1/directory/organizations/{oid}");
    let o = t.api(&lw, Method::GET, &path, None).await;
    assert_eq!(o.status, 200, "{}", o.body);
    let services: Vec<i64> = o.json()["services"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["id"].as_i64())
        .collect();
    assert_eq!(services, vec![s.walk], "{}", o.body);
    // Bad input names the field, and nothing changes.
    let r = t
        .api(
            &lw,
            Method::PUT,
            &path,
            Some(json!({"name": "", "email": "not an address"})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields = r.problem_fields();
    assert!(
        fields.contains(&"name".to_owned()) && fields.contains(&"email".to_owned()),
        "{fields:?}"
    );
    // A link worker renames it; its services are found by the new name.
    let r = t
        .api(
            &lw,
            Method::PUT,
            &path,
            Some(json!({"name": "Govan Riverside Trust", "email": "hello@example.org"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["name"], "Govan Riverside Trust");
    assert!(search(&t, &lw, "q=riverside").await.contains(&s.walk));
    // Practice staff may not edit it; another programme does not find it.
    let staff = t
        .user(org.programme_id, Role::PracticeStaff, &[org.site_a])
        .await;
    let r = t
        .api(&staff, Method::PUT, &path, Some(json!({"name": "Mine"})))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let other = t.organisation("Programme B").await;
    let stranger = t.user(other.programme_id, Role::Administrator, &[]).await;
    assert_eq!(t.api(&stranger, Method::GET, &path, None).await.status, 404);
    // An administrator points a food bank site at it (a practice cannot be).
    let site = t
        .api(
            &admin,
            Method::POST,
            "/api/v1/sites",
            Some(
                json!({"cluster_id": org.cluster_id.to_string(), "code": "F00001",
            "name": "Govan Food Hub", "kind": "food_bank", "postcode": "G51 4TR"}),
            ),
        )
        .await;
    assert_eq!(site.status, 201, "{}", site.body);
    let sid = site.json()["id"].as_i64().unwrap_or(0);
    let link = format!("{path}/sites/{sid}");
    assert_eq!(t.api(&lw, Method::PUT, &link, None).await.status, 403);
    assert_eq!(t.api(&stranger, Method::PUT, &link, None).await.status, 404);
    let r = t.api(&admin, Method::PUT, &link, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["sites"][0]["id"], json!(sid), "{}", r.body);
    let practice = t
        .api(
            &admin,
            Method::PUT,
            &format!("{path}/sites/{}", org.site_a),
            None,
        )
        .await;
    assert_eq!(practice.status, 422, "{}", practice.body);
    // The page shows it, and unlinks it.
    let mut a = t.sign_in(&admin.email).await;
    let page = a.get(&format!("/directory/organizations/{oid}")).await;
    assert!(
        page.body.contains("Govan Food Hub") && page.body.contains("Govan Health Walk"),
        "{}",
        page.body
    );
    let r = a
        .post(
            &format!("/directory/organizations/{oid}/sites"),
            &[("site_id", &sid.to_string()), ("link", "no")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = t.api(&admin, Method::GET, &path, None).await;
    assert_eq!(r.json()["sites"], json!([]), "{}", r.body);
    // The edit form names a wrong field.
    let mut w = t.sign_in(&lw.email).await;
    w.get(&format!("/directory/organizations/{oid}")).await;
    let r = w
        .post(
            &format!("/directory/organizations/{oid}"),
            &[("name", "Govan Riverside Trust"), ("url", "riverside")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains("Enter a web address starting with https://"),
        "{}",
        r.body
    );
});

both!(the_upload_page_imports_in_the_background_and_reports, |t| {
    let (org, _, _) = setup(&t).await;
    let admin = t.user(org.programme_id, Role::Administrator, &[]).await;
    let mut a = t.sign_in(&admin.email).await;
    let export = a.get("/directory/export.json").await;
    assert_eq!(export.status, 200);
    // Into another programme, through the upload form.
    let other = t.organisation("Programme B").await;
    let admin_b = t.user(other.programme_id, Role::Administrator, &[]).await;
    let mut b = t.sign_in(&admin_b.email).await;
    let form = b.get("/directory/import").await;
    assert_eq!(form.status, 200);
    let r = b
        .post_files("/directory/import", &[("directory.json", &export.body)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let job = r.location();
    assert!(job.starts_with("/directory/import/"), "{job}");
    let started = std::time::Instant::now();
    let done = loop {
        let p = b.get(&job).await;
        assert_eq!(p.status, 200, "{}", p.body);
        if p.body.contains("Imported") || started.elapsed() > std::time::Duration::from_secs(30) {
            break p;
        }
        assert!(p.body.contains("services saved"), "{}", p.body);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        done.body.contains("10 services read") && done.body.contains("10 new"),
        "{}",
        done.body
    );
    // Only its starter sees the job.
    assert_eq!(a.get(&job).await.status, 404);
    // A bad file is named, and a link worker may not import.
    b.get("/directory/import").await;
    let r = b
        .post_files("/directory/import", &[("directory.json", "{ not json")])
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("not valid JSON"), "{}", r.body);
    let lw_b = t
        .user(other.programme_id, Role::LinkWorker, &[other.site_a])
        .await;
    let mut w = t.sign_in(&lw_b.email).await;
    w.get("/").await;
    let r = w
        .post_files("/directory/import", &[("directory.json", &export.body)])
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
});
