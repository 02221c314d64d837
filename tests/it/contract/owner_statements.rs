//! Contract: owner statements through the generated client against the sandbox: the list names
//! each statement, one statement carries its filter, owner and totals, an unknown one is a 404.

use crate::support::api;

use hostaway_mcp::{hostaway::types, sandbox::seed::COMMISSION};

#[tokio::test]
async fn the_list_names_every_statement_and_each_reads_back_with_its_totals() {
    let (sandbox, client) = api::connected().await;
    let stored = sandbox.inspect(|s| s.owner_statements.clone());
    assert!(!stored.is_empty());
    let listed = client.list_owner_statements().send().await.unwrap().into_inner();
    assert_eq!(listed.status, types::EnvelopeStatus::Success);
    let names: Vec<(i64, Option<String>)> = listed.result.iter().map(|s| (s.id, s.statement_name.clone())).collect();
    let expected: Vec<(i64, Option<String>)> = stored.iter().map(|s| (s.id, s.statement_name.clone())).collect();
    assert_eq!(names, expected);

    for summary in &listed.result {
        let one = client.get_owner_statement().owner_statement_id(summary.id).send().await.unwrap().into_inner().result;
        assert_eq!(one.statement_name, summary.statement_name);
        let filter = one.filter_parameters_json.clone().unwrap();
        assert!(!filter.listing_map_ids.is_empty() && filter.from_date <= filter.to_date);
        let total = |name: &str| {
            one.summary_data_json.iter().find(|t| t.formula_name == name).and_then(|t| t.total_value).unwrap()
        };
        let (revenue, commission, spent, payout) =
            (total("rentalRevenue"), total("pmCommission"), total("expenses"), total("ownerPayout"));
        assert!((commission - revenue * COMMISSION).abs() < 0.01, "statement {}", one.id);
        assert!((payout - (revenue - commission + spent)).abs() < 0.02, "statement {}", one.id);
    }
}

#[tokio::test]
async fn an_unknown_statement_is_a_404_failure() {
    let (_sandbox, client) = api::connected().await;
    let (status, message) = api::failure(client.get_owner_statement().owner_statement_id(1).send().await);
    assert_eq!(status, 404);
    assert!(message.contains("Owner statement 1"), "{message}");
}
