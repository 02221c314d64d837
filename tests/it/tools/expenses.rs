//! expenses_report end to end, every figure recomputed from the sandbox's own expenses.

use crate::support::mcp;
use hostaway_mcp::hostaway::id;

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

/// The expense the sandbox holds under `id`.
fn held(h: &mcp::Harness, id: i64) -> Option<types::Expense> {
    h.sandbox.inspect(|s| s.expenses.iter().find(|e| e.id == id).cloned())
}

fn writes(h: &mcp::Harness) -> u64 {
    let stats = h.sandbox.stats();
    [id::CREATE_EXPENSE, id::UPDATE_EXPENSE, id::DELETE_EXPENSE].iter().map(|op| stats.applied(op)).sum()
}

/// Issue 32: an expense is recorded once, for the booking's listing, signed as Hostaway signs
/// it; corrected field by field; and removed. Each preview writes nothing, each confirm lands
/// once, and expenses_report's items show it with its id as Hostaway holds it.
#[tokio::test]
async fn an_expense_is_recorded_corrected_and_removed_once() {
    let h = mcp::start().await;
    let (booking, listing) = h.sandbox.inspect(|s| {
        let r = s.reservations.values().next().unwrap();
        (r.id, r.listing_map_id)
    });
    let yesterday = (h.sandbox.inspect(|s| s.today) - Duration::days(1)).to_string();
    let new = json!({"reservation_id": booking, "date": yesterday, "concept": "Broken lamp", "amount": 35.5,
        "categories": ["Repairs", "repairs"]});
    let preview = h.ok("record_expense", new.clone()).await;
    assert_eq!(preview["status"], "preview");
    assert_eq!(preview["expense"]["kind"], "expense", "{preview}");
    assert_eq!(preview["expense"]["listing_id"], json!(listing), "the booking sets the listing");
    assert_eq!(writes(&h), 0, "a preview writes nothing");

    let mut confirm = new.clone();
    confirm["confirm"] = json!(true);
    let done = h.ok("record_expense", confirm.clone()).await;
    assert_eq!(done["status"], "done", "{done}");
    let id = done["expense"]["expense_id"].as_i64().unwrap();
    let stored = held(&h, id).unwrap();
    assert_eq!(
        (stored.amount, stored.listing_map_id, stored.expense_date.as_deref(), stored.categories_names.clone()),
        (-35.5, Some(listing), Some(yesterday.as_str()), vec!["Repairs".to_string()]),
        "an expense is a negative amount; a category named twice is sent once"
    );
    assert_eq!(done["expense"]["amount"]["amount"], json!(35.5));
    assert!(done["expense"]["amount"]["currency"].is_string(), "{done}");
    let again = h.ok("record_expense", confirm.clone()).await;
    assert_eq!(again["status"], "already_done", "{again}");
    assert_eq!(writes(&h), 1, "recorded once");

    let listed = h
        .ok(
            "expenses_report",
            json!({"start_date": yesterday, "end_date": yesterday, "group_by": "item", "listing_ids": [listing]}),
        )
        .await;
    let row = listed["rows"].as_array().unwrap().iter().find(|r| r["expense_id"] == json!(id)).cloned();
    assert_eq!(row.map(|r| r["group"].clone()), Some(json!(format!("{yesterday} Broken lamp"))), "{listed}");

    let fix = json!({"expense_id": id, "amount": 40, "kind": "extra", "concept": "Late check-out"});
    let preview = h.ok("record_expense", fix.clone()).await;
    let fields: Vec<&str> =
        preview["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["concept", "amount"], "{preview}");
    assert_eq!(held(&h, id).unwrap().amount, -35.5, "a preview writes nothing");
    let mut confirm = fix.clone();
    confirm["confirm"] = json!(true);
    assert_eq!(h.ok("record_expense", confirm.clone()).await["status"], "done");
    let stored = held(&h, id).unwrap();
    assert_eq!((stored.amount, stored.concept.as_deref()), (40.0, Some("Late check-out")), "an extra is positive");
    assert_eq!(h.ok("record_expense", confirm).await["status"], "unchanged");

    let remove = json!({"expense_id": id, "remove": true});
    assert_eq!(h.ok("record_expense", remove.clone()).await["changes"][0]["after"], "removed");
    assert!(held(&h, id).is_some(), "a preview removes nothing");
    let mut confirm = remove.clone();
    confirm["confirm"] = json!(true);
    assert_eq!(h.ok("record_expense", confirm.clone()).await["status"], "done");
    assert!(held(&h, id).is_none(), "removed");
    let repeat = h.call("record_expense", confirm).await;
    assert_eq!(repeat.is_error, Some(true), "nothing left to remove: {repeat:?}");
    assert_eq!(writes(&h), 3, "one create, one correction, one removal");
}

/// Issue 32: an expense already in Hostaway (recorded there by someone, or by a confirm whose
/// answer was lost) is found before a new one is sent: the preview says so and the confirm answers
/// already_done without writing.
#[tokio::test]
async fn an_expense_hostaway_already_holds_is_not_recorded_again() {
    let h = mcp::start().await;
    let existing = h.sandbox.inspect(|s| {
        let past = (s.today - Duration::days(1)).to_string();
        let expense = s.expenses.iter().find(|e| {
            e.is_deleted != Some(1) && e.amount < 0.0 && e.expense_date.as_deref().is_some_and(|d| *d <= *past)
        });
        expense.unwrap().clone()
    });
    let same = json!({"listing_id": existing.listing_map_id, "date": existing.expense_date, "amount": -existing.amount,
        "concept": existing.concept.clone().unwrap().to_uppercase()});
    let preview = h.ok("record_expense", same.clone()).await;
    assert!(preview["note"].as_str().unwrap().contains(&existing.id.to_string()), "{preview}");
    let mut confirm = same;
    confirm["confirm"] = json!(true);
    let answer = h.ok("record_expense", confirm).await;
    assert_eq!(
        (answer["status"].clone(), answer["expense"]["expense_id"].clone()),
        (json!("already_done"), json!(existing.id))
    );
    assert_eq!(writes(&h), 0);
}

/// Issue 32: what cannot be right is refused, naming the argument, and nothing is written: a day
/// after the listing's today, an unknown expense, a removal with other fields, a new expense
/// without an amount, a booking at another listing.
#[tokio::test]
async fn a_wrong_expense_is_refused_and_nothing_is_written() {
    let h = mcp::start().await;
    let (listing, other, booking) = h.sandbox.inspect(|s| {
        let r = s.reservations.values().next().unwrap();
        let other = s.listings.keys().find(|l| **l != r.listing_map_id).copied().unwrap();
        (r.listing_map_id, other, r.id)
    });
    let later = (h.sandbox.inspect(|s| s.today) + Duration::days(3)).to_string();
    let cases = [
        (json!({"listing_id": listing, "date": later, "concept": "Paint", "amount": 10}), "after today"),
        (json!({"expense_id": 1, "amount": 10}), "no expense 1"),
        (json!({"expense_id": 80000, "remove": true, "amount": 10}), "amount"),
        (json!({"listing_id": listing, "concept": "Paint"}), "amount"),
        (json!({"listing_id": other, "reservation_id": booking, "concept": "Paint", "amount": 10}), "listing_id"),
        (json!({"listing_id": listing, "concept": "Paint", "amount": 0}), "amount"),
    ];
    for (args, says) in cases {
        let mut confirm = args.clone();
        confirm["confirm"] = json!(true);
        let error = h.err("record_expense", confirm).await;
        assert!(error.contains(says), "{args}: {error}");
    }
    assert_eq!(writes(&h), 0);
}
