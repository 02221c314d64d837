//! get_owner_statement end to end, listing and reading, against the sandbox's statements.

use crate::support::mcp;

use serde_json::json;

#[tokio::test]
async fn statements_are_listed_found_by_name_and_read_with_their_totals() {
    let h = mcp::start().await;
    let stored = h.sandbox.inspect(|s| s.owner_statements.clone());
    let listed = h.ok("get_owner_statement", json!({})).await;
    let ids: Vec<i64> =
        listed["statements"].as_array().unwrap().iter().map(|s| s["statement_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, stored.iter().map(|s| s.id).collect::<Vec<_>>());

    let city = h.sandbox.inspect(|s| s.listings.values().find_map(|l| l.city.clone()).unwrap());
    let named = h.ok("get_owner_statement", json!({"name": city.to_uppercase()})).await;
    let expected: Vec<i64> =
        stored.iter().filter(|s| s.statement_name.as_deref().unwrap().contains(&city)).map(|s| s.id).collect();
    let found: Vec<i64> =
        named["statements"].as_array().unwrap().iter().map(|s| s["statement_id"].as_i64().unwrap()).collect();
    assert!(!expected.is_empty());
    assert_eq!(found, expected);

    let one = &stored[0];
    let answer = h.ok("get_owner_statement", json!({"statement_id": one.id})).await;
    let filter = one.filter_parameters_json.clone().unwrap();
    assert_eq!(answer["name"], json!(one.statement_name));
    assert_eq!(answer["owner"], json!(one.property_owner_name));
    assert_eq!(answer["from"], json!(filter.from_date));
    assert_eq!(answer["to"], json!(filter.to_date));
    assert_eq!(answer["listing_ids"], json!(filter.listing_map_ids));
    // Issue 25, repro 9: every total carries its currency; the statement names none, so it is the
    // one its listings keep.
    let currencies: std::collections::BTreeSet<String> = h
        .sandbox
        .inspect(|s| filter.listing_map_ids.iter().filter_map(|id| s.listings[id].currency_code.clone()).collect());
    assert_eq!(currencies.len(), 1, "the statement's listings keep one currency: {currencies:?}");
    let currency = currencies.into_iter().next().unwrap();
    assert_eq!(answer["currency"], json!(currency));
    for (row, total) in answer["totals"].as_array().unwrap().iter().zip(&one.summary_data_json) {
        assert_eq!(row["name"], json!(total.formula_name));
        assert_eq!(row["value"], json!({"amount": total.total_value.unwrap(), "currency": currency}));
    }
    assert_eq!(answer["totals"].as_array().unwrap().len(), one.summary_data_json.len());

    let both = h.err("get_owner_statement", json!({"statement_id": one.id, "name": "x"})).await;
    assert!(both.contains("`name`"), "{both}");
    let missing = h.err("get_owner_statement", json!({"statement_id": 1})).await;
    assert!(missing.contains("not found"), "{missing}");
}
