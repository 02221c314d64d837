//! Every operation in the spec has a sandbox route and a contract test. The sandbox's table of operations is
//! generated from the spec by build.rs; the router must answer at every entry of it.

use crate::support::api;

use std::collections::BTreeMap;

use hostaway_mcp::sandbox::OPERATIONS;

/// (method, path) of every operationId in `openapi/hostaway.yaml`.
fn spec_operations() -> BTreeMap<String, (String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/hostaway.yaml")).unwrap();
    let spec: openapiv3::OpenAPI = yaml_serde::from_str(&text).unwrap();
    let mut operations = BTreeMap::new();
    for (path, item) in spec.paths.paths.iter() {
        let item = item.as_item().expect("no $ref path items");
        for (method, operation) in item.iter() {
            let id = operation.operation_id.clone().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(!operation.tags.is_empty() && operation.summary.is_some(), "{id} needs a tag and a summary");
            operations.insert(id, (method.to_uppercase(), format!("/v1{path}")));
        }
    }
    operations
}

fn snake_case(id: &str) -> String {
    id.chars().fold(String::new(), |mut out, c| {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
        out
    })
}

#[test]
fn the_sandbox_operation_table_holds_every_spec_operation_where_the_spec_puts_it_and_nothing_else() {
    let spec = spec_operations();
    assert!(spec.len() >= 20);
    for (id, (method, path)) in &spec {
        let served = OPERATIONS.iter().find(|o| o.id == id).unwrap_or_else(|| panic!("{id} has no sandbox route"));
        assert_eq!((served.method, served.path), (method.as_str(), path.as_str()), "{id} is served elsewhere");
    }
    for served in OPERATIONS {
        assert!(spec.contains_key(served.id), "sandbox serves {} which the spec does not have", served.id);
    }
}

#[test]
fn every_spec_operation_is_called_by_a_contract_test() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/contract");
    let sources: String = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    let missing: Vec<String> =
        spec_operations().keys().filter(|id| !sources.contains(&format!(".{}()", snake_case(id)))).cloned().collect();
    assert!(missing.is_empty(), "operations without a contract test: {missing:?}");
}

#[tokio::test]
async fn every_route_answers_in_hostaway_shape() {
    let sandbox = api::start(api::config()).await;
    let http = reqwest::Client::new();
    for operation in OPERATIONS {
        let path =
            operation.path.replace("{listingId}", "1").replace("{reservationId}", "1").replace("{conversationId}", "1");
        let url = format!("http://{}{path}", sandbox.addr());
        let method = reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap();
        let response = http.request(method, &url).send().await.unwrap();
        let status = response.status().as_u16();
        assert!(matches!(status, 400 | 403), "{} answered {status} without credentials", operation.id);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], "fail", "{}", operation.id);
    }
    let stats = sandbox.stats();
    assert!(OPERATIONS.iter().all(|o| stats.received(o.id) == 1), "{stats:?}");
}
