//! Contract: guest charges, finance fields, the consolidated report and expenses, through the
//! generated client against the sandbox over a real socket.

use crate::support::api;
use hostaway_mcp::domain::Channel;
use hostaway_mcp::hostaway::id;

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use hostaway_mcp::{
    hostaway::{Client, finance_form::FinanceReportRequest, types},
    sandbox::{Sandbox, store::Store},
};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.01
}

async fn total_price(client: &Client, reservation_id: i64) -> f64 {
    client
        .get_reservation()
        .reservation_id(reservation_id)
        .send()
        .await
        .unwrap()
        .into_inner()
        .result
        .total_price
        .unwrap()
}

/// Reservations (by id) that have guest charges.
fn charged_reservations(store: &Store) -> BTreeSet<i64> {
    store.charges.iter().filter_map(|c| c.reservation_id).collect()
}

#[tokio::test]
async fn a_reservations_charges_belong_to_it_and_add_up_to_its_total() {
    let (sandbox, client) = api::connected().await;
    let charged: Vec<i64> = sandbox.inspect(|store| charged_reservations(store).into_iter().step_by(40).collect());
    assert!(charged.len() >= 3, "several reservations have charges");
    for id in charged {
        let listed = client.list_guest_charges().reservation_id(id).send().await.unwrap().into_inner();
        assert_eq!(listed.status, types::EnvelopeStatus::Success);
        assert!(!listed.result.is_empty(), "reservation {id} has charges");
        assert_eq!(listed.count, Some(listed.result.len() as i64));
        assert!(listed.result.iter().all(|c| c.reservation_id == Some(id)), "reservation {id}");
        let sum: f64 = listed.result.iter().map(|c| c.amount.unwrap()).sum();
        let total = total_price(&client, id).await;
        assert!(close(sum, total), "charges of {id} sum to {sum}, its total is {total}");
    }
}

#[tokio::test]
async fn charges_filtered_by_listing_are_exactly_that_listings_charges() {
    let (sandbox, client) = api::connected().await;
    let (listing, expected) = sandbox.inspect(|store| {
        let listing = store.charges[0].listing_map_id.unwrap();
        let ids: BTreeSet<i64> =
            store.charges.iter().filter(|c| c.listing_map_id == Some(listing)).map(|c| c.id).collect();
        (listing, ids)
    });
    let total = sandbox.inspect(|store| store.charges.len());
    assert!(expected.len() > 1 && expected.len() < total);
    let listed = client.list_guest_charges().listing_map_id(listing).send().await.unwrap().into_inner();
    assert_eq!(listed.count, Some(expected.len() as i64));
    assert!(listed.result.iter().all(|c| c.listing_map_id == Some(listing)));
    assert_eq!(listed.result.iter().map(|c| c.id).collect::<BTreeSet<_>>(), expected);
}

#[tokio::test]
async fn charge_paging_covers_every_charge_exactly_once() {
    let (sandbox, client) = api::connected().await;
    let stored: BTreeSet<i64> = sandbox.inspect(|store| store.charges.iter().map(|c| c.id).collect());
    let mut seen = Vec::new();
    loop {
        let page = client.list_guest_charges().limit(37).offset(seen.len() as i32).send().await.unwrap().into_inner();
        assert_eq!(page.count, Some(stored.len() as i64), "count is the total, not the page size");
        assert_eq!((page.limit, page.offset), (Some(37), Some(seen.len() as i64)));
        let fetched = page.result.len();
        seen.extend(page.result.iter().map(|c| c.id));
        if fetched < 37 {
            break;
        }
    }
    assert_eq!(seen.len(), stored.len(), "no charge appears twice");
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), stored);
}

#[tokio::test]
async fn finance_fields_add_up_to_the_reservation_total() {
    let (sandbox, client) = api::connected().await;
    let (with_extra, without_extra) = sandbox.inspect(|store| {
        let paid = |extra: bool| -> Vec<i64> {
            store
                .reservations
                .values()
                .filter(|r| r.status.as_str() != "ownerStay")
                .filter(|r| (store.money[&r.id].extra_person > 0.0) == extra)
                .take(3)
                .map(|r| r.id)
                .collect()
        };
        (paid(true), paid(false))
    });
    assert_eq!((with_extra.len(), without_extra.len()), (3, 3));
    for id in with_extra.iter().chain(&without_extra) {
        let fields = client.list_finance_fields().reservation_id(*id).send().await.unwrap().into_inner();
        assert_eq!(fields.status, types::EnvelopeStatus::Success);
        let amount = |name: &str| fields.result.iter().find(|f| f.name == name).map(|f| f.total);
        for required in ["baseRate", "cleaningFee", "lodgingTax"] {
            assert!(amount(required).is_some(), "reservation {id} lacks {required}");
        }
        assert_eq!(amount("priceForExtraPerson").is_some(), with_extra.contains(id), "reservation {id}");
        let sum: f64 = ["baseRate", "priceForExtraPerson", "cleaningFee", "lodgingTax"]
            .iter()
            .filter_map(|name| amount(name))
            .sum();
        let total = total_price(&client, *id).await;
        assert!(close(sum, total), "finance fields of {id} sum to {sum}, its total is {total}");
    }
}

#[tokio::test]
async fn finance_fields_of_an_unknown_reservation_are_a_404_failure() {
    let (_sandbox, client) = api::connected().await;
    let (status, message) = api::failure(client.list_finance_fields().reservation_id(1).send().await);
    assert_eq!(status, 404);
    assert!(message.contains("Reservation 1"), "{message}");
}

async fn report(client: &Client, request: FinanceReportRequest) -> types::FinanceReport {
    let envelope = client.get_consolidated_report().body(request).send().await.unwrap().into_inner();
    assert_eq!(envelope.status, types::EnvelopeStatus::Success);
    envelope.result
}

fn column(report: &types::FinanceReport, name: &str) -> usize {
    report.columns.iter().position(|c| c.name == name).unwrap_or_else(|| panic!("no {name} column"))
}

/// Reservation ids of a report's rows.
fn report_ids(report: &types::FinanceReport) -> BTreeSet<i64> {
    let id = column(report, "id");
    report.rows.iter().map(|row| row[id].as_i64().unwrap()).collect()
}

/// Reservation ids the store says match `request` (dates on arrivalDate).
fn expected_ids(sandbox: &Sandbox, request: &FinanceReportRequest) -> BTreeSet<i64> {
    sandbox.inspect(|store| {
        store
            .reservations
            .values()
            .filter(|r| request.listing_map_ids.is_empty() || request.listing_map_ids.contains(&r.listing_map_id))
            .filter(|r| {
                request.channel_ids.is_empty() || r.channel_id.is_some_and(|c| request.channel_ids.contains(&c))
            })
            .filter(|r| request.statuses.is_empty() || request.statuses.iter().any(|s| s == r.status.as_str()))
            .filter(|r| request.from_date.is_none_or(|from| r.arrival_date >= from))
            .filter(|r| request.to_date.is_none_or(|to| r.arrival_date <= to))
            .map(|r| r.id)
            .collect()
    })
}

fn listing_ids(sandbox: &Sandbox) -> Vec<i64> {
    sandbox.inspect(|store| store.listings.keys().copied().collect())
}

#[tokio::test]
async fn the_consolidated_report_has_one_aligned_row_per_reservation() {
    let (sandbox, client) = api::connected().await;
    let full = report(&client, FinanceReportRequest::default()).await;
    let names: Vec<&str> = full.columns.iter().map(|c| c.name.as_str()).collect();
    for wanted in ["id", "arrivalDate", "ownerPayout"] {
        assert!(names.contains(&wanted), "columns {names:?} lack {wanted}");
    }
    assert!(full.rows.iter().all(|row| row.len() == full.columns.len()), "every row has one cell per column");
    assert_eq!(full.totals.len(), full.columns.len());
    let stored: BTreeSet<i64> = sandbox.inspect(|store| store.reservations.keys().copied().collect());
    assert_eq!(full.rows.len(), stored.len());
    assert_eq!(report_ids(&full), stored);

    let arrival = column(&full, "arrivalDate");
    let payout = column(&full, "ownerPayout");
    let id = column(&full, "id");
    let (row_id, row_arrival, row_payout) =
        (full.rows[0][id].as_i64().unwrap(), &full.rows[0][arrival], &full.rows[0][payout]);
    let (stored_arrival, stored_payout) = sandbox
        .inspect(|store| (store.reservations[&row_id].arrival_date.to_string(), store.money[&row_id].owner_payout()));
    assert_eq!(row_arrival.as_str(), Some(stored_arrival.as_str()));
    assert!(close(row_payout.as_f64().unwrap(), stored_payout));
}

#[tokio::test]
async fn report_filters_select_exactly_the_reservations_the_store_matches() {
    let (sandbox, client) = api::connected().await;
    let listings = listing_ids(&sandbox);
    let today = api::today();
    let range = |from: NaiveDate, to: NaiveDate| FinanceReportRequest {
        from_date: Some(from),
        to_date: Some(to),
        date_type: Some("arrivalDate".into()),
        ..FinanceReportRequest::default()
    };
    let cases = [
        ("listings", FinanceReportRequest { listing_map_ids: listings[3..6].to_vec(), ..Default::default() }),
        (
            "channels",
            FinanceReportRequest {
                channel_ids: vec![Channel::BookingCom.id(), Channel::Vrbo.id()],
                ..Default::default()
            },
        ),
        (
            "statuses",
            FinanceReportRequest { statuses: vec!["cancelled".into(), "ownerStay".into()], ..Default::default() },
        ),
        ("dates", range(today - Duration::days(60), today - Duration::days(30))),
        (
            "everything",
            FinanceReportRequest {
                listing_map_ids: listings[..12].to_vec(),
                channel_ids: vec![Channel::Airbnb.id(), Channel::Direct.id()],
                statuses: vec!["new".into(), "modified".into()],
                ..range(today - Duration::days(120), today + Duration::days(30))
            },
        ),
    ];
    let all = sandbox.inspect(|store| store.reservations.len());
    for (name, request) in cases {
        let expected = expected_ids(&sandbox, &request);
        assert!(!expected.is_empty() && expected.len() < all, "{name}: the filter selects some, not all");
        let got = report(&client, request).await;
        assert_eq!(got.rows.len(), expected.len(), "{name}: one row per reservation");
        assert_eq!(report_ids(&got), expected, "{name}");
    }
}

#[tokio::test]
async fn report_dates_are_inclusive_on_both_ends() {
    let (sandbox, client) = api::connected().await;
    let day = sandbox.inspect(|store| store.reservations.values().nth(100).unwrap().arrival_date);
    let request = FinanceReportRequest {
        from_date: Some(day),
        to_date: Some(day),
        date_type: Some("arrivalDate".into()),
        ..FinanceReportRequest::default()
    };
    let expected = expected_ids(&sandbox, &request);
    assert!(!expected.is_empty());
    let got = report(&client, request).await;
    let arrival = column(&got, "arrivalDate");
    assert!(got.rows.iter().all(|row| row[arrival].as_str() == Some(day.to_string().as_str())));
    assert_eq!(report_ids(&got), expected);
}

#[tokio::test]
async fn report_totals_are_the_column_sums_of_its_rows() {
    let (sandbox, client) = api::connected().await;
    let listings = listing_ids(&sandbox);
    let got = report(
        &client,
        FinanceReportRequest {
            listing_map_ids: listings[..8].to_vec(),
            from_date: Some(api::today() - Duration::days(90)),
            to_date: Some(api::today()),
            date_type: Some("arrivalDate".into()),
            ..FinanceReportRequest::default()
        },
    )
    .await;
    assert!(got.rows.len() > 10);
    let money: Vec<(usize, &str)> = got
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.value_type.as_deref() == Some("money"))
        .map(|(i, c)| (i, c.name.as_str()))
        .collect();
    assert!(money.iter().any(|&(_, name)| name == "ownerPayout"), "ownerPayout is a money column");
    for (i, name) in money {
        let sum: f64 = got.rows.iter().map(|row| row[i].as_f64().unwrap()).sum();
        let total = got.totals[i].as_f64().unwrap_or_else(|| panic!("total of {name} is not a number"));
        assert!(close(sum, total), "{name}: rows sum to {sum}, totals say {total}");
    }
    assert!(got.totals.iter().any(|t| t.as_f64().is_some_and(|v| v > 0.0)), "the totals are not all zero");
}

#[tokio::test]
async fn a_report_for_two_listings_returns_both_listings_and_no_others() {
    let (sandbox, client) = api::connected().await;
    let listings = listing_ids(&sandbox);
    let pair = vec![listings[2], listings[17]];
    let request = FinanceReportRequest { listing_map_ids: pair.clone(), ..FinanceReportRequest::default() };
    let form = serde_urlencoded::to_string(&request).unwrap();
    assert!(form.contains("listingMapIds%5B0%5D=") && form.contains("listingMapIds%5B1%5D="), "{form}");

    let got = report(&client, request.clone()).await;
    let expected = expected_ids(&sandbox, &request);
    assert_eq!(report_ids(&got), expected);
    let listing_of = |id: &i64| sandbox.inspect(|store| store.reservations[id].listing_map_id);
    let seen: BTreeSet<i64> = report_ids(&got).iter().map(listing_of).collect();
    assert_eq!(seen, pair.into_iter().collect(), "rows of both listings, and only of them");
}

#[tokio::test]
async fn expenses_come_in_pages_of_100_by_default() {
    let (sandbox, client) = api::connected().await;
    let stored = sandbox.inspect(|store| store.expenses.len());
    assert!(stored > 100);
    let page = client.list_expenses().send().await.unwrap().into_inner();
    assert_eq!(page.status, types::EnvelopeStatus::Success);
    assert_eq!(page.result.len(), 100);
    assert_eq!((page.count, page.limit, page.offset), (Some(stored as i64), Some(100), Some(0)));
}

#[tokio::test]
async fn expenses_accept_a_limit_of_500_and_refuse_501() {
    let (sandbox, client) = api::connected().await;
    let stored = sandbox.inspect(|store| store.expenses.len());
    let big = client.list_expenses().limit(500).send().await.unwrap().into_inner();
    assert_eq!(big.result.len(), stored.min(500));
    assert_eq!(big.limit, Some(500));
    let (status, message) = api::failure(client.list_expenses().limit(501).send().await);
    assert_eq!(status, 400);
    assert!(message.contains("500"), "the failure names the maximum: {message}");
}

#[tokio::test]
async fn expense_paging_covers_every_row_once_and_the_sign_tells_expenses_from_extras() {
    let (sandbox, client) = api::connected().await;
    let stored: BTreeSet<i64> = sandbox.inspect(|store| store.expenses.iter().map(|e| e.id).collect());
    let mut seen = Vec::new();
    let mut count = None;
    loop {
        let page = client.list_expenses().limit(150).offset(seen.len() as i32).send().await.unwrap().into_inner();
        count = count.or(page.count);
        assert_eq!(page.count, count);
        for item in &page.result {
            let sign = if item.amount < 0.0 { "expense" } else { "extra" };
            assert_eq!(item.type_.as_deref(), Some(sign), "an expense is negative, an extra positive: {item:?}");
        }
        let fetched = page.result.len();
        seen.extend(page.result.iter().map(|e| e.id));
        if fetched < 150 {
            break;
        }
    }
    assert_eq!(count, Some(seen.len() as i64), "count is the number of rows");
    let unique: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no expense appears twice");
    assert_eq!(unique, stored);
}

#[tokio::test]
async fn an_expense_is_recorded_read_corrected_and_removed() {
    let (sandbox, client) = api::connected().await;
    let booking = sandbox.inspect(|s| s.reservations.values().next().unwrap().clone());
    let input = types::ExpenseInput {
        listing_map_id: None,
        reservation_id: Some(booking.id),
        expense_date: "2026-03-02".into(),
        concept: "Broken lamp".into(),
        amount: -35.5,
        categories_names: vec!["Repairs".into()],
    };
    let made = client.create_expense().body(input.clone()).send().await.unwrap().into_inner().result;
    assert_eq!(made.listing_map_id, Some(booking.listing_map_id), "the booking sets the listing");
    assert_eq!((made.amount, made.type_.as_deref()), (-35.5, Some("expense")), "a negative amount is an expense");
    let read = client.get_expense().expense_id(made.id).send().await.unwrap().into_inner().result;
    assert_eq!((read.concept.as_deref(), read.expense_date.as_deref()), (Some("Broken lamp"), Some("2026-03-02")));
    let count = client.list_expenses().limit(1).send().await.unwrap().into_inner().count.unwrap();
    let last = client.list_expenses().limit(1).offset(count as i32 - 1).send().await.unwrap().into_inner().result;
    assert_eq!(last[0].id, made.id, "listed, last");

    let extra = types::ExpenseInput { amount: 40.0, concept: "Late check-out".into(), ..input.clone() };
    let corrected = client.update_expense().expense_id(made.id).body(extra).send().await.unwrap().into_inner().result;
    assert_eq!((corrected.amount, corrected.type_.as_deref()), (40.0, Some("extra")), "a positive amount is an extra");

    let (status, message) = api::failure(
        client
            .create_expense()
            .body(types::ExpenseInput { expense_date: "02/03/2026".into(), ..input.clone() })
            .send()
            .await,
    );
    assert_eq!(status, 400, "{message}");
    assert_eq!(
        client.delete_expense().expense_id(made.id).send().await.unwrap().into_inner().status,
        types::EnvelopeStatus::Success
    );
    let (status, _) = api::failure(client.get_expense().expense_id(made.id).send().await);
    assert_eq!(status, 404, "removed");
    let (status, _) = api::failure(client.delete_expense().expense_id(made.id).send().await);
    assert_eq!(status, 404, "a second delete finds nothing");
    let stats = sandbox.stats();
    assert_eq!(
        [stats.applied(id::CREATE_EXPENSE), stats.applied(id::UPDATE_EXPENSE), stats.applied(id::DELETE_EXPENSE)],
        [1, 1, 1]
    );
}

#[tokio::test]
async fn an_offline_charge_is_recorded_in_the_bookings_currency_and_changed_only_while_awaiting() {
    let (sandbox, client) = api::connected().await;
    let booking = sandbox.inspect(|s| s.reservations.values().find(|r| r.currency.is_some()).unwrap().clone());
    let cash = types::OfflineChargeInput {
        title: "Cash at check-in".into(),
        description: None,
        amount: 120.0,
        payment_method: types::OfflineChargeInputPaymentMethod::Cash,
        status: types::OfflineChargeInputStatus::Awaiting,
        scheduled_date: "2026-12-08 16:00:00".into(),
    };
    let made = client.create_offline_charge().reservation_id(booking.id).body(cash.clone()).send().await.unwrap();
    let made = made.into_inner().result;
    assert_eq!(
        (made.payment_provider.as_deref(), made.status.as_deref(), made.currency.clone(), made.amount),
        (Some("offline"), Some("awaiting"), booking.currency.clone(), Some(120.0))
    );
    let listed = client.list_guest_charges().reservation_id(booking.id).send().await.unwrap().into_inner().result;
    assert!(listed.iter().any(|c| c.id == made.id), "listed with the booking's charges");

    let paid = types::OfflineChargeInput { status: types::OfflineChargeInputStatus::Paid, ..cash.clone() };
    let changed = client.update_offline_charge().reservation_id(booking.id).charge_id(made.id).body(paid.clone());
    let changed = changed.send().await.unwrap().into_inner().result;
    assert_eq!(changed.status.as_deref(), Some("paid"));
    assert!(changed.charge_date.is_some(), "a paid charge has a charge date");
    let again = client.update_offline_charge().reservation_id(booking.id).charge_id(made.id).body(paid).send().await;
    assert_eq!(api::failure(again).0, 400, "only an awaiting charge changes");

    let cancelled = types::OfflineChargeInput { status: types::OfflineChargeInputStatus::Cancelled, ..cash.clone() };
    let refused = client.create_offline_charge().reservation_id(booking.id).body(cancelled).send().await;
    assert_eq!(api::failure(refused).0, 400, "a new charge is awaiting or paid");
    let undated = types::OfflineChargeInput { scheduled_date: "tomorrow".into(), ..cash };
    assert_eq!(
        api::failure(client.create_offline_charge().reservation_id(booking.id).body(undated).send().await).0,
        400
    );
    let stats = sandbox.stats();
    assert_eq!([stats.applied(id::CREATE_OFFLINE_CHARGE), stats.applied(id::UPDATE_OFFLINE_CHARGE)], [1, 1]);
}

fn set_to(value: f64, included: i32, overridden: i32) -> types::FinanceFieldInput {
    types::FinanceFieldInput { value, is_included_in_total_price: included, is_overridden_by_user: overridden }
}

#[tokio::test]
async fn a_finance_field_set_by_hand_is_kept_and_the_reservations_total_stays() {
    let (sandbox, client) = api::connected().await;
    let booking = sandbox.inspect(|s| *s.reservations.keys().find(|r| s.money[r].cleaning_fee > 0.0).unwrap());
    let before = client.list_finance_fields().reservation_id(booking).send().await.unwrap().into_inner().result;
    let cleaning = before.iter().find(|f| f.name == "cleaningFee").unwrap().clone();
    assert_eq!(cleaning.is_overridden_by_user, Some(0));
    let total = total_price(&client, booking).await;

    let field = cleaning.id.unwrap();
    let set = client.update_finance_field().reservation_id(booking).finance_field_id(field).body(set_to(80.0, 1, 1));
    let set = set.send().await.unwrap().into_inner();
    assert_eq!(set.status, types::EnvelopeStatus::Success);
    assert_eq!(
        (set.result.id, set.result.name.as_str(), set.result.value, set.result.total, set.result.is_overridden_by_user),
        (Some(field), "cleaningFee", Some(80.0), 80.0, Some(1))
    );

    let after = client.list_finance_fields().reservation_id(booking).send().await.unwrap().into_inner().result;
    let read = after.iter().find(|f| f.id == Some(field)).unwrap();
    assert_eq!(
        (read.value, read.total, read.is_overridden_by_user),
        (Some(80.0), 80.0, Some(1)),
        "a later read shows it"
    );
    for (old, new) in before.iter().zip(&after).filter(|(old, _)| old.id != Some(field)) {
        assert_eq!((old.id, old.total, old.is_overridden_by_user), (new.id, new.total, new.is_overridden_by_user));
    }
    assert_eq!(total_price(&client, booking).await, total, "the docs do not say the total moves, so it stays");

    let left_out =
        client.update_finance_field().reservation_id(booking).finance_field_id(field).body(set_to(80.0, 0, 1));
    let left_out = left_out.send().await.unwrap().into_inner().result;
    assert_eq!(left_out.is_included_in_total_price, Some(0));
    assert_eq!(sandbox.stats().applied(id::UPDATE_FINANCE_FIELD), 2);
}

#[tokio::test]
async fn the_total_an_unknown_field_or_reservation_and_a_flag_not_0_or_1_are_refused() {
    let (sandbox, client) = api::connected().await;
    let (booking, other) = sandbox.inspect(|s| {
        let mut ids = s.reservations.keys();
        (*ids.next().unwrap(), *ids.next().unwrap())
    });
    let fields = client.list_finance_fields().reservation_id(booking).send().await.unwrap().into_inner().result;
    let id_of = |name: &str| fields.iter().find(|f| f.name == name).and_then(|f| f.id).unwrap();
    let update = |reservation: i64, field: i64, body: types::FinanceFieldInput| {
        client.update_finance_field().reservation_id(reservation).finance_field_id(field).body(body).send()
    };

    let (status, message) = api::failure(update(booking, id_of("totalPrice"), set_to(1.0, 1, 1)).await);
    assert_eq!(status, 400, "{message}");
    assert!(message.contains("totalPrice"), "{message}");
    let (status, message) = api::failure(update(other, id_of("baseRate"), set_to(1.0, 1, 1)).await);
    assert_eq!(status, 404, "another reservation's field: {message}");
    assert_eq!(api::failure(update(booking, 1, set_to(1.0, 1, 1)).await).0, 404);
    assert_eq!(api::failure(update(1, id_of("baseRate"), set_to(1.0, 1, 1)).await).0, 404);
    assert_eq!(api::failure(update(booking, id_of("baseRate"), set_to(1.0, 2, 1)).await).0, 400);
    assert_eq!(api::failure(update(booking, id_of("baseRate"), set_to(1.0, 1, -1)).await).0, 400);

    let again = client.list_finance_fields().reservation_id(booking).send().await.unwrap().into_inner().result;
    assert!(again.iter().all(|f| f.is_overridden_by_user == Some(0)), "nothing was set");
    assert_eq!(sandbox.stats().applied(id::UPDATE_FINANCE_FIELD), 0);
}
