//! expenses_report end to end, every figure recomputed from the sandbox's own expenses.

use crate::support::mcp;

use chrono::{Duration, NaiveDate};
use hostaway_mcp::hostaway::types;
use serde_json::{Value, json};

/// The sandbox's expenses that a report over `start..=end` counts.
fn counted(h: &mcp::Harness, start: NaiveDate, end: NaiveDate) -> Vec<types::Expense> {
    h.sandbox.inspect(|s| {
        s.expenses
            .iter()
            .filter(|e| e.is_deleted != Some(1))
            .filter(|e| {
                let day = NaiveDate::parse_from_str(e.expense_date.as_deref().unwrap(), "%Y-%m-%d").unwrap();
                day >= start && day <= end
            })
            .cloned()
            .collect()
    })
}

/// (spent, received, items) of some expenses.
fn sums<'a>(expenses: impl Iterator<Item = &'a types::Expense>) -> (f64, f64, u64) {
    expenses.fold((0.0, 0.0, 0), |(spent, got, n), e| {
        if e.amount < 0.0 { (spent - e.amount, got, n + 1) } else { (spent, got + e.amount, n + 1) }
    })
}

fn assert_row(row: &Value, (spent, got, items): (f64, f64, u64)) {
    let amount = |field: &str| row[field]["amount"].as_f64().unwrap();
    assert!((amount("expenses") - spent).abs() < 0.01, "{row} spent {spent}");
    assert!((amount("extras") - got).abs() < 0.01, "{row} extras {got}");
    assert!((amount("net") - (got - spent)).abs() < 0.01, "{row}");
    assert_eq!(row["items"], json!(items), "{row}");
}

fn period(h: &mcp::Harness) -> (NaiveDate, NaiveDate) {
    let today = h.sandbox.inspect(|s| s.today);
    (today - Duration::days(120), today)
}

#[tokio::test]
async fn the_total_and_each_grouping_add_up_to_the_sandboxs_expenses_without_the_deleted_ones() {
    let h = mcp::start().await;
    let (start, end) = period(&h);
    let expected = counted(&h, start, end);
    let deleted = h.sandbox.inspect(|s| s.expenses.iter().filter(|e| e.is_deleted == Some(1)).count());
    assert!(deleted > 0 && expected.iter().any(|e| e.amount > 0.0), "the data has deleted items and extras");
    let range = json!({"start_date": start.to_string(), "end_date": end.to_string()});
    let total = h.ok("expenses_report", range.clone()).await;
    assert_row(&total["total"], sums(expected.iter()));
    assert!(total["rows"].as_array().unwrap().is_empty(), "no groups for the total");
    assert_eq!(total["complete"], true);

    let names = h.sandbox.inspect(|s| s.listings.values().map(|l| (l.id, l.name.clone())).collect::<Vec<_>>());
    for (by, key) in [
        (
            "listing",
            Box::new(|e: &types::Expense| names.iter().find(|(id, _)| Some(*id) == e.listing_map_id).unwrap().1.clone())
                as Box<dyn Fn(&types::Expense) -> String>,
        ),
        ("category", Box::new(|e: &types::Expense| e.categories_names[0].clone())),
        ("month", Box::new(|e: &types::Expense| e.expense_date.as_deref().unwrap()[..7].to_string())),
    ] {
        let mut args = range.clone();
        args["group_by"] = json!(by);
        let answer = h.ok("expenses_report", args).await;
        let rows = answer["rows"].as_array().unwrap();
        let mut groups: Vec<String> = expected.iter().map(&key).collect();
        groups.sort();
        groups.dedup();
        assert_eq!(rows.len(), groups.len(), "by {by}");
        for row in rows {
            let group = row["group"].as_str().unwrap();
            assert_row(row, sums(expected.iter().filter(|e| key(e) == group)));
        }
        assert_row(&answer["total"], sums(expected.iter()));
        let spent: Vec<f64> = rows.iter().map(|r| r["expenses"]["amount"].as_f64().unwrap()).collect();
        assert!(spent.windows(2).all(|w| w[0] >= w[1]), "largest spend first, by {by}");
    }
}

#[tokio::test]
async fn a_listing_filter_counts_only_those_listings_and_bad_input_is_refused() {
    let h = mcp::start().await;
    let (start, end) = period(&h);
    let chosen: Vec<i64> = h.sandbox.inspect(|s| s.listings.keys().copied().filter(|id| id % 3 == 0).take(2).collect());
    let args = json!({"start_date": start.to_string(), "end_date": end.to_string(), "listing_ids": chosen});
    let answer = h.ok("expenses_report", args).await;
    let expected = counted(&h, start, end);
    assert_row(&answer["total"], sums(expected.iter().filter(|e| chosen.contains(&e.listing_map_id.unwrap()))));

    let unknown = json!({"start_date": start.to_string(), "end_date": end.to_string(), "listing_ids": [1]});
    assert!(h.err("expenses_report", unknown).await.contains("no listing 1"));
    let long = json!({"start_date": start.to_string(), "end_date": (start + Duration::days(366)).to_string()});
    assert!(h.err("expenses_report", long).await.contains("end_date"));
    let bad = json!({"start_date": start.to_string(), "end_date": end.to_string(), "group_by": "guest"});
    assert!(h.err("expenses_report", bad).await.contains("group_by"));
}
