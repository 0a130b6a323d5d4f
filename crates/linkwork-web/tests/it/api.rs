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

/// Every `$ref` in the document points at a component that exists.
fn refs_resolve(doc: &serde_json::Value, v: &serde_json::Value, problems: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                let target = r
                    .strip_prefix("#/")
                    .map(|p| p.split('/').fold(doc, |node, key| &node[key]));
                if !target.is_some_and(|t| t.is_object()) {
                    problems.push(format!("{r} does not resolve"));
                }
            }
            for x in m.values() {
                refs_resolve(doc, x, problems);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                refs_resolve(doc, x, problems);
            }
        }
        _ => {}
    }
}

// The rules of OpenAPI 3.1 that a client generator or a schema-driven fuzzer
// leans on, checked on the generated document.
both!(
    the_openapi_document_is_valid_and_declares_every_parameter,
    |t| {
        let doc = t
            .client()
            .get(t.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap();
        let mut problems = Vec::new();
        assert!(
            doc["openapi"]
                .as_str()
                .is_some_and(|v| v.starts_with("3.1."))
        );
        assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
        refs_resolve(&doc, &doc, &mut problems);
        let mut operation_ids = std::collections::BTreeSet::new();
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        assert!(paths.len() > 30, "{}", paths.len());
        for (path, item) in &paths {
            assert!(path.starts_with("/api/v1/"), "{path}");
            let names: Vec<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            for (method, op) in item.as_object().cloned().unwrap_or_default() {
                if !["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                    continue;
                }
                let at = format!("{method} {path}");
                if let Some(id) = op["operationId"].as_str()
                    && !operation_ids.insert(id.to_owned())
                {
                    problems.push(format!("{at}: operationId {id} is used twice"));
                }
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                let mut seen = std::collections::BTreeSet::new();
                for p in &params {
                    let (name, place) = (
                        p["name"].as_str().unwrap_or(""),
                        p["in"].as_str().unwrap_or(""),
                    );
                    if !["path", "query", "header", "cookie"].contains(&place) {
                        problems.push(format!("{at}: parameter {name} is in {place:?}"));
                    }
                    if !seen.insert((name.to_owned(), place.to_owned())) {
                        problems.push(format!(
                            "{at}: parameter {name} in {place} is declared twice"
                        ));
                    }
                    if place == "path" && !names.contains(&name) {
                        problems.push(format!(
                            "{at}: {name} is declared in the path but the path has no {{{name}}}"
                        ));
                    }
                    if place == "path" && p["required"] != true {
                        problems.push(format!("{at}: path parameter {name} is not required"));
                    }
                    if !p["schema"].is_object() {
                        problems.push(format!("{at}: parameter {name} has no schema"));
                    }
                }
                for name in &names {
                    if !params
                        .iter()
                        .any(|p| p["name"] == *name && p["in"] == "path")
                    {
                        problems.push(format!(
                            "{at}: {{{name}}} is not declared as a path parameter"
                        ));
                    }
                }
                let responses = op["responses"].as_object().cloned().unwrap_or_default();
                if !responses.keys().any(|k| k.starts_with('2')) {
                    problems.push(format!("{at}: no success response"));
                }
                for code in ["401", "403", "404", "422", "500"] {
                    if responses.get(code).is_none() {
                        problems.push(format!("{at}: no {code} response"));
                    }
                }
                if let Some(body) = op.get("requestBody") {
                    let schema = &body["content"]["application/json"]["schema"];
                    let schema = match schema["$ref"].as_str() {
                        Some(r) => r
                            .strip_prefix("#/")
                            .map(|p| p.split('/').fold(&doc, |node, key| &node[key]).clone())
                            .unwrap_or_default(),
                        None => schema.clone(),
                    };
                    if schema["properties"]
                        .as_object()
                        .is_none_or(|p| p.is_empty())
                        && schema.get("allOf").is_none()
                        && schema.get("oneOf").is_none()
                        && body["content"]["application/json"].is_object()
                    {
                        problems.push(format!("{at}: the request body has no properties"));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
);

both!(edges_of_the_api_answer_problem_details, |t| {
    use reqwest::Method;
    let org = t.organisation("Programme A").await;
    let admin = t
        .user(org.programme_id, linkwork_domain::Role::Administrator, &[])
        .await;
    let manager = t
        .user(org.programme_id, linkwork_domain::Role::Manager, &[])
        .await;
    // A body over the limit is 413, as problem details.
    let big = serde_json::json!({"name": "x".repeat(3 * 1024 * 1024)});
    let r = t
        .api(&admin, Method::POST, "/api/v1/areas", Some(big))
        .await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap_or("")
            .contains("problem+json")
    );
    // A malformed id in a path is "not found", as problem details.
    for path in ["/api/v1/sites/abc", "/api/v1/sites/%FF", "/api/v1/users/-1"] {
        let r = t.api(&admin, Method::GET, path, None).await;
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert_eq!(r.json()["status"], 404, "{path}");
    }
    // A repeated query parameter names the query.
    let r = t
        .api(&admin, Method::GET, "/api/v1/sites?limit=1&limit=2", None)
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.problem_fields(), vec!["query".to_string()]);
    // true or false where text belongs is refused, not saved as "no".
    let r = t
        .api(
            &manager,
            Method::POST,
            "/api/v1/reasons",
            Some(serde_json::json!({"label": false})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = t
        .api(&manager, Method::GET, "/api/v1/reasons", None)
        .await
        .json();
    assert!(
        r.as_array()
            .is_some_and(|a| a.iter().all(|x| x["label"] != "no")),
        "{r}"
    );
});
