use linkwork_testkit::both;

both!(the_openapi_document_describes_the_api, |t| {
    let r = linkwork_testkit::Reply::from(
        t.client()
            .get(t.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in [
        "/api/v1/sites",
        "/api/v1/sites/{id}",
        "/api/v1/areas",
        "/api/v1/clusters",
        "/api/v1/users",
        "/api/v1/audit",
        "/api/v1/me",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    assert!(doc["components"]["schemas"]["Site"]["properties"]["code"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
});
