//! Properties every write tool keeps (issue 25), over generated arguments: a listing, a window
//! some weeks or months ahead and a length drawn from a seeded generator, several cases a tool.
//!
//! - Nothing lands before the listing's today: the same call moved into the past is a tool error
//!   and Hostaway applies nothing (update_listing and send_guest_message take no date; a no-show report,
//!   about a stay that has begun, refuses one still ahead; record_expense, which records what
//!   happened, refuses a day after today instead).
//! - A preview applies nothing.
//! - The previewed effect is the applied effect, read back from what Hostaway (the sandbox's
//!   store) holds afterwards.
//! - The same confirmed call twice applies once: the second answers already_done or unchanged.

use crate::support::mcp;
use hostaway_mcp::domain::Channel;
use hostaway_mcp::hostaway::id;

use chrono::{Duration, NaiveDate};
use hostaway_mcp::{
    hostaway::types,
    sandbox::store::{Store, blocks_calendar},
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// Every operation that changes the account.
const WRITES: [&str; 18] = [
    id::CREATE_EXPENSE,
    id::CREATE_LISTING_FEE_SETTING,
    id::UPDATE_LISTING_FEE_SETTING,
    id::DELETE_LISTING_FEE_SETTING,
    id::UPDATE_FINANCE_FIELD,
    id::CREATE_OFFLINE_CHARGE,
    id::UPDATE_OFFLINE_CHARGE,
    id::UPDATE_EXPENSE,
    id::DELETE_EXPENSE,
    id::REPORT_NO_SHOW,
    id::UPDATE_LISTING,
    id::UPDATE_CALENDAR,
    id::UPDATE_CALENDAR_INTERVALS,
    id::CREATE_RESERVATION,
    id::UPDATE_RESERVATION,
    id::CANCEL_RESERVATION,
    id::SEND_CONVERSATION_MESSAGE,
    id::CREATE_TASK,
];

/// Cases generated per tool.
const CASES: u64 = 3;

fn applied(h: &mcp::Harness) -> u64 {
    let stats = h.sandbox.stats();
    WRITES.iter().map(|op| stats.applied(op)).sum::<u64>()
        + stats.applied(id::UPDATE_TASK)
        + stats.applied(id::DELETE_TASK)
}

/// The listing's today, in its own zone.
fn listing_today(s: &Store, listing: i64) -> NaiveDate {
    let zone: chrono_tz::Tz = s.listings[&listing].time_zone_name.as_deref().unwrap_or("UTC").parse().unwrap();
    mcp::clock().now().with_timezone(&zone).date_naive()
}

/// A free window of `nights` at a listing sleeping two, 20 to 150 days ahead, drawn from `rng`.
fn free_window(s: &Store, rng: &mut ChaCha8Rng, nights: i64) -> (i64, NaiveDate, NaiveDate) {
    let listings: Vec<&types::Listing> = s.listings.values().filter(|l| l.person_capacity.unwrap_or(0) >= 2).collect();
    for _ in 0..500 {
        let listing = listings[rng.random_range(0..listings.len())];
        let start = listing_today(s, listing.id) + Duration::days(rng.random_range(20..150));
        if s.is_free(listing, start, start + Duration::days(nights), None) {
            return (listing.id, start, start + Duration::days(nights));
        }
    }
    panic!("no free window of {nights} nights");
}

/// Calls a write: its preview must apply nothing and its confirmation must be done; the same
/// confirmation again must apply nothing more. Returns (preview, done).
async fn preview_then_twice(h: &mcp::Harness, tool: &str, args: &Value) -> (Value, Value) {
    let before = applied(h);
    let preview = h.ok(tool, args.clone()).await;
    assert_eq!(preview["status"], "preview", "{tool} {args}: {preview}");
    assert_eq!(applied(h), before, "{tool} {args}: a preview applied something");
    let mut confirm = args.clone();
    confirm["confirm"] = json!(true);
    let done = h.ok(tool, confirm.clone()).await;
    assert_eq!(done["status"], "done", "{tool} {confirm}: {done}");
    let once = applied(h);
    assert!(once > before, "{tool} {confirm}: done, but Hostaway applied nothing");
    let again = h.ok(tool, confirm.clone()).await;
    assert!(matches!(again["status"].as_str(), Some("already_done" | "unchanged")), "{tool} twice: {again}");
    assert_eq!(applied(h), once, "{tool} {confirm}: the same call twice applied twice");
    (preview, done)
}

/// The call moved before the listing's today is refused, and nothing is applied.
async fn refused_in_the_past(h: &mcp::Harness, tool: &str, mut args: Value) {
    args["confirm"] = json!(true);
    let before = applied(h);
    let answer = h.call(tool, args.clone()).await;
    assert_eq!(answer.is_error, Some(true), "{tool} {args} lands before the listing's today: {answer:?}");
    assert_eq!(applied(h), before, "{tool} {args}: a refused call applied something");
}

fn blocked_days(s: &Store, listing: i64, start: NaiveDate, end: NaiveDate) -> i64 {
    s.calendar(&s.listings[&listing], start, end, false)
        .iter()
        .filter(|d| d.status.as_deref() == Some("blocked"))
        .count() as i64
}

#[tokio::test]
async fn calendar_writes_keep_the_write_properties() {
    let h = mcp::start().await;
    for case in 0..CASES {
        let mut rng = ChaCha8Rng::seed_from_u64(case);
        let nights = rng.random_range(1..6);
        let (listing, start, end) = h.sandbox.inspect(|s| free_window(s, &mut rng, nights));
        let last = end - Duration::days(1);
        let range = json!({"listing_id": listing, "start_date": start.to_string(), "end_date": last.to_string()});
        let today = h.sandbox.inspect(|s| listing_today(s, listing));
        let mut past = range.clone();
        past["start_date"] = json!((today - Duration::days(1)).to_string());

        refused_in_the_past(&h, "block_dates", past.clone()).await;
        let before = h.sandbox.inspect(|s| blocked_days(s, listing, start, last));
        let (preview, _) = preview_then_twice(&h, "block_dates", &range).await;
        let after = h.sandbox.inspect(|s| blocked_days(s, listing, start, last));
        assert_eq!(preview["will_change"]["count"], json!(after - before), "block_dates {range}: previewed vs applied");

        let (mut reopen, mut past_reopen) = (range.clone(), past.clone());
        reopen["unblock"] = json!(true);
        past_reopen["unblock"] = json!(true);
        refused_in_the_past(&h, "block_dates", past_reopen).await;
        let (preview, _) = preview_then_twice(&h, "block_dates", &reopen).await;
        let freed = after - h.sandbox.inspect(|s| blocked_days(s, listing, start, last));
        assert_eq!(preview["will_change"]["count"], json!(freed), "block_dates {reopen}: previewed vs applied");

        let price = f64::from(rng.random_range(80..400));
        let min_stay = rng.random_range(1..5);
        let mut rates = range.clone();
        rates["price"] = json!(price);
        rates["min_stay"] = json!(min_stay);
        let mut past_rates = rates.clone();
        past_rates["start_date"] = past["start_date"].clone();
        refused_in_the_past(&h, "set_rates", past_rates).await;
        let (preview, _) = preview_then_twice(&h, "set_rates", &rates).await;
        let held = h.sandbox.inspect(|s| {
            let days = s.calendar(&s.listings[&listing], start, last, false);
            let prices: Vec<f64> = days.iter().filter_map(|d| d.price).collect();
            let stays: Vec<i32> = days.iter().filter_map(|d| d.minimum_stay).collect();
            json!({
                "price_min": prices.iter().copied().reduce(f64::min), "price_max": prices.iter().copied().reduce(f64::max),
                "min_stay_min": stays.iter().min(), "min_stay_max": stays.iter().max(),
            })
        });
        assert_eq!(preview["after"], held, "set_rates {rates}: previewed vs held");
    }
}

#[tokio::test]
async fn booking_writes_keep_the_write_properties() {
    let h = mcp::start().await;
    for case in 0..CASES {
        let mut rng = ChaCha8Rng::seed_from_u64(100 + case);
        let nights = rng.random_range(1..5);
        let (listing, check_in, check_out) = h.sandbox.inspect(|s| free_window(s, &mut rng, nights + 1));
        let check_out = check_out - Duration::days(1);
        let today = h.sandbox.inspect(|s| listing_today(s, listing));
        let stay = json!({"listing_id": listing, "check_in": check_in.to_string(), "check_out": check_out.to_string(),
            "guests": 2, "guest_name": format!("Oracle Guest {case}"), "guest_email": format!("guest{case}@example.org")});
        let mut past = stay.clone();
        past["check_in"] = json!((today - Duration::days(1)).to_string());
        past["check_out"] = json!((today + Duration::days(1)).to_string());
        refused_in_the_past(&h, "create_reservation", past).await;
        let (preview, done) = preview_then_twice(&h, "create_reservation", &stay).await;
        let id = done["reservation_id"].as_i64().unwrap();
        let held = h.sandbox.inspect(|s| s.reservations[&id].clone());
        assert_eq!(
            json!([
                preview["listing_id"],
                preview["check_in"],
                preview["check_out"],
                preview["guests"],
                preview["total_to_book"]["amount"]
            ]),
            json!([
                held.listing_map_id,
                held.arrival_date.to_string(),
                held.departure_date.to_string(),
                held.number_of_guests,
                held.total_price
            ]),
            "create_reservation {stay}: previewed vs held"
        );

        let change = json!({"reservation_id": id, "guests": 1});
        let mut into_past = change.clone();
        into_past["check_in"] = json!((today - Duration::days(3)).to_string());
        refused_in_the_past(&h, "update_reservation", into_past).await;
        let total_before = h.sandbox.inspect(|s| s.reservations[&id].total_price);
        let (preview, _) = preview_then_twice(&h, "update_reservation", &change).await;
        let held = h.sandbox.inspect(|s| s.reservations[&id].clone());
        assert_eq!(held.number_of_guests, Some(1), "update_reservation {change}: guests held");
        // A new price is previewed when the change re-prices the stay; otherwise the total stays.
        let previewed = preview["price"]["after"]["amount"].as_f64().or(total_before);
        assert_eq!(previewed, held.total_price, "update_reservation {change}: previewed price vs held: {preview}");

        let hours = json!({"reservation_id": id, "check_in_hour": rng.random_range(12..20), "check_out_hour": rng.random_range(7..12)});
        let (preview, _) = preview_then_twice(&h, "update_reservation", &hours).await;
        let held = h.sandbox.inspect(|s| s.reservations[&id].clone());
        let previewed: Vec<String> =
            preview["changes"].as_array().unwrap().iter().map(|c| c["after"].to_string()).collect();
        assert_eq!(
            previewed,
            [held.check_in_time, held.check_out_time].map(|h| format!("\"{}\"", h.unwrap())),
            "update_reservation {hours}: previewed vs held"
        );

        let spot = format!("P{}", rng.random_range(1..99));
        let custom = json!({"reservation_id": id, "custom_fields": {"Parking spot": spot}});
        let (preview, _) = preview_then_twice(&h, "update_reservation", &custom).await;
        let held = h.sandbox.inspect(|s| {
            let value = s.reservations[&id].custom_field_values.iter().find(|v| v.custom_field_id == 901).cloned();
            value.and_then(|v| v.value)
        });
        assert_eq!(preview["changes"][0]["after"], json!(held), "update_reservation {custom}: previewed vs held");

        let cancel = json!({"reservation_id": id});
        let (preview, _) = preview_then_twice(&h, "cancel_reservation", &cancel).await;
        assert_eq!(preview["reservation"]["reservation_id"], json!(id));
        assert_eq!(h.sandbox.inspect(|s| s.reservations[&id].status.to_string()), "cancelled");
    }
    let ended = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .find(|r| blocks_calendar(&r.status) && r.departure_date < listing_today(s, r.listing_map_id))
            .unwrap()
            .id
    });
    refused_in_the_past(&h, "cancel_reservation", json!({"reservation_id": ended})).await;
    let other_hour = h.sandbox.inspect(|s| (s.reservations[&ended].check_in_time.unwrap_or(14) + 1) % 24);
    refused_in_the_past(&h, "update_reservation", json!({"reservation_id": ended, "check_in_hour": other_hour})).await;

    // A no-show report is the one write about a stay that has begun: a Booking.com stay whose arrival day
    // has come is reported once, as previewed; one still ahead is refused like a past date elsewhere.
    let (begun, ahead) = h.sandbox.inspect(|s| {
        let booking_com =
            |r: &&types::Reservation| r.channel_id == Some(Channel::BookingCom.id()) && blocks_calendar(&r.status);
        let begun = s.reservations.values().filter(booking_com).find(|r| r.arrival_date < s.today).unwrap().id;
        let later = s.today + Duration::days(1);
        let ahead = s.reservations.values().filter(booking_com).find(|r| r.arrival_date > later).unwrap().id;
        (begun, ahead)
    });
    refused_in_the_past(&h, "cancel_reservation", json!({"reservation_id": ahead, "no_show": true})).await;
    let report = json!({"reservation_id": begun, "no_show": true, "waive_fee": true});
    let (preview, done) = preview_then_twice(&h, "cancel_reservation", &report).await;
    let held = h.sandbox.inspect(|s| s.reservations[&begun].clone());
    assert_eq!(preview["fee_waived"], json!(true));
    assert_eq!(held.bookingcom_no_show_fee_waived, Some(json!(true)), "no-show {report}: previewed vs held");
    assert_eq!(done["reported_at"], json!(held.bookingcom_no_show_reported_at));
}

#[tokio::test]
async fn listing_message_and_task_writes_keep_the_write_properties() {
    let h = mcp::start().await;
    for case in 0..CASES {
        let mut rng = ChaCha8Rng::seed_from_u64(200 + case);
        let listing = h.sandbox.inspect(|s| *s.listings.keys().nth(rng.random_range(0..s.listings.len())).unwrap());
        let today = h.sandbox.inspect(|s| listing_today(s, listing));

        let price = f64::from(rng.random_range(90..300));
        let change = json!({"listing_id": listing, "base_price": price, "min_nights": rng.random_range(1..4)});
        let (preview, _) = preview_then_twice(&h, "update_listing", &change).await;
        let held = h.sandbox.inspect(|s| s.listings[&listing].clone());
        let previewed: Vec<String> =
            preview["changes"].as_array().unwrap().iter().map(|c| format!("{}={}", c["field"], c["after"])).collect();
        assert!(
            held.price == Some(price) && held.min_nights.map(i64::from) == change["min_nights"].as_i64(),
            "{change}: {held:?}"
        );
        assert_eq!(previewed.len(), 2, "update_listing {change}: previews the two changes: {previewed:?}");

        let conversation = h.sandbox.inspect(|s| {
            let ids: Vec<i64> = s.conversations.keys().copied().collect();
            ids[rng.random_range(0..ids.len())]
        });
        let text = format!("Property test message {case}: the keys are in the lockbox.");
        let message = json!({"conversation_id": conversation, "message": text});
        let (preview, done) = preview_then_twice(&h, "send_guest_message", &message).await;
        let id = done["message_id"].as_i64().unwrap();
        assert_eq!(
            h.sandbox.inspect(|s| s.messages[&id].body.clone()),
            preview["message"].as_str().map(str::to_string)
        );

        let day = today + Duration::days(rng.random_range(3..60));
        let (assignee, named) = h.sandbox.inspect(|s| {
            let active: Vec<&types::User> = s.users.values().filter(|u| u.is_disabled_by_account == Some(0)).collect();
            let u = active[rng.random_range(0..active.len())];
            (u.id, format!("{} {}", u.first_name.clone().unwrap(), u.last_name.clone().unwrap()))
        });
        let task = json!({"category": "maintenance", "title": format!("Check the boiler {case}"), "listing_id": listing,
            "start": format!("{day} 10:00"), "assignee": named});
        let mut past = task.clone();
        past["start"] = json!(format!("{} 10:00", today - Duration::days(1)));
        refused_in_the_past(&h, "create_task", past).await;
        let (preview, done) = preview_then_twice(&h, "create_task", &task).await;
        let id = done["tasks"][0]["task_id"].as_i64().unwrap();
        let held = h.sandbox.inspect(|s| s.tasks[&id].clone());
        assert_eq!(
            json!([preview["tasks"][0]["title"], preview["tasks"][0]["start"], preview["tasks"][0]["listing_id"]]),
            json!([held.title, held.can_start_from_listing_time.as_deref().map(|t| &t[..16]), held.listing_map_id]),
            "create_task {task}: previewed vs held"
        );
        assert_eq!(
            (preview["tasks"][0]["assignee_user_id"].as_i64(), held.assignee_user_id),
            (Some(assignee), Some(assignee)),
            "create_task {task}: previewed vs held"
        );

        let update = json!({"task_id": id, "title": format!("Service the boiler {case}")});
        let mut past = update.clone();
        past["start"] = json!(format!("{} 09:00", today - Duration::days(2)));
        refused_in_the_past(&h, "update_task", past).await;
        let (preview, _) = preview_then_twice(&h, "update_task", &update).await;
        let held = h.sandbox.inspect(|s| s.tasks[&id].title.clone());
        let previewed =
            preview["changes"].as_array().unwrap().iter().find(|c| c["field"] == "title").unwrap()["after"].clone();
        assert_eq!(previewed, json!(held), "update_task {update}: previewed vs held");

        // A delete has nothing to find a second time: the repeat is refused and applies nothing.
        let delete = json!({"task_id": id, "delete": true});
        let before = applied(&h);
        assert_eq!(h.ok("update_task", delete.clone()).await["status"], "preview");
        assert_eq!(applied(&h), before, "update_task {delete}: a preview applied something");
        let mut confirm = delete.clone();
        confirm["confirm"] = json!(true);
        assert_eq!(h.ok("update_task", confirm.clone()).await["status"], "done");
        assert!(!h.sandbox.inspect(|s| s.tasks.contains_key(&id)), "update_task {confirm}: the task is still held");
        let again = h.call("update_task", confirm.clone()).await;
        assert_eq!(again.is_error, Some(true), "update_task {confirm} twice: {again:?}");
        assert_eq!(applied(&h), before + 1, "update_task {confirm}: deleted once");
    }
}

#[tokio::test]
async fn expense_writes_keep_the_write_properties() {
    let h = mcp::start().await;
    for case in 0..CASES {
        let mut rng = ChaCha8Rng::seed_from_u64(300 + case);
        let listing = h.sandbox.inspect(|s| *s.listings.keys().nth(rng.random_range(0..s.listings.len())).unwrap());
        let today = h.sandbox.inspect(|s| listing_today(s, listing));
        let day = today - Duration::days(rng.random_range(0..200));
        let amount = f64::from(rng.random_range(500..90_000)) / 100.0;
        let kind = if rng.random_bool(0.7) { "expense" } else { "extra" };
        let new = json!({"listing_id": listing, "date": day.to_string(), "concept": format!("Repair {case}"),
            "amount": amount, "kind": kind});
        let mut later = new.clone();
        later["date"] = json!((today + Duration::days(rng.random_range(1..30))).to_string());
        refused_in_the_past(&h, "record_expense", later).await;
        let (preview, done) = preview_then_twice(&h, "record_expense", &new).await;
        let id = done["expense"]["expense_id"].as_i64().unwrap();
        let held = h.sandbox.inspect(|s| s.expenses.iter().find(|e| e.id == id).cloned().unwrap());
        let sign = if kind == "expense" { -1.0 } else { 1.0 };
        assert_eq!(
            json!([
                preview["expense"]["date"],
                preview["expense"]["concept"],
                sign * preview["expense"]["amount"]["amount"].as_f64().unwrap()
            ]),
            json!([held.expense_date, held.concept, held.amount]),
            "record_expense {new}: previewed vs held"
        );

        let fix = json!({"expense_id": id, "amount": amount + 1.0});
        let (preview, _) = preview_then_twice(&h, "record_expense", &fix).await;
        let held = h.sandbox.inspect(|s| s.expenses.iter().find(|e| e.id == id).map(|e| e.amount).unwrap());
        assert_eq!(
            preview["expense"]["amount"]["amount"],
            json!(held.abs()),
            "record_expense {fix}: previewed vs held"
        );
    }
}

#[tokio::test]
async fn payment_writes_keep_the_write_properties() {
    let h = mcp::start().await;
    let methods = ["cash", "bank_transfer", "bank_check", "paypal", "other"];
    for case in 0..CASES {
        let mut rng = ChaCha8Rng::seed_from_u64(400 + case);
        let booking = h.sandbox.inspect(|s| {
            let holding: Vec<i64> =
                s.reservations.values().filter(|r| blocks_calendar(&r.status)).map(|r| r.id).collect();
            holding[rng.random_range(0..holding.len())]
        });
        let amount = f64::from(rng.random_range(500..90_000)) / 100.0;
        let awaiting = rng.random_bool(0.5);
        let method = methods[rng.random_range(0..methods.len())];
        let new = json!({"reservation_id": booking, "amount": amount, "method": method, "awaiting": awaiting,
            "title": format!("Payment {case}")});
        let (preview, done) = preview_then_twice(&h, "record_payment", &new).await;
        let id = done["charge"]["charge_id"].as_i64().unwrap();
        let held = h.sandbox.inspect(|s| s.charges.iter().find(|c| c.id == id).cloned().unwrap());
        let shown = &preview["charge"];
        assert_eq!(
            json!([
                shown["amount"]["amount"],
                shown["amount"]["currency"],
                shown["status"],
                shown["method"],
                shown["title"]
            ]),
            json!([held.amount, held.currency, held.status, held.payment_method, held.title]),
            "record_payment {new}: previewed vs held"
        );
        if awaiting {
            let settle = json!({"reservation_id": booking, "charge_id": id});
            let (preview, _) = preview_then_twice(&h, "record_payment", &settle).await;
            let held = h.sandbox.inspect(|s| s.charges.iter().find(|c| c.id == id).and_then(|c| c.status.clone()));
            assert_eq!(held.as_deref(), Some("paid"), "record_payment {settle}: {preview}");
        }
    }
}

#[tokio::test]
async fn fee_and_price_line_writes_keep_the_write_properties() {
    let h = mcp::start().await;
    let kinds = ["petFee", "parkingFee", "towelChangeFee", "extraBedsFee", "skiPassFee"];
    let bases =
        [("stay", "reservation"), ("night", "night"), ("person", "person"), ("person per night", "person_per_night")];
    for case in 0..CASES {
        let mut rng = ChaCha8Rng::seed_from_u64(500 + case);
        let listing = h.sandbox.inspect(|s| *s.listings.keys().nth(rng.random_range(0..s.listings.len())).unwrap());
        let kind = kinds[rng.random_range(0..kinds.len())];
        let (said, wire) = bases[rng.random_range(0..bases.len())];
        let amount = f64::from(rng.random_range(100..9_000)) / 100.0;
        let mandatory = rng.random_bool(0.5);
        let phrase = format!("{amount} per {said} {}", if mandatory { "mandatory" } else { "optional" });
        let set = json!({"listing_id": listing, "fees": {kind: phrase}});
        let (preview, _) = preview_then_twice(&h, "update_listing", &set).await;
        let held =
            h.sandbox.inspect(|s| s.fee_settings[&listing].iter().find(|f| f.fee_type == kind).cloned().unwrap());
        assert_eq!(
            (held.amount, held.fee_applied_per.as_str(), held.amount_type.as_str(), held.is_mandatory),
            (amount, wire, "flat", Some(i32::from(mandatory))),
            "update_listing {set}: held"
        );
        let shown = preview["changes"][0]["after"].as_str().unwrap();
        assert!(
            shown.starts_with(&format!("{amount:.2} ")) && shown.contains(said),
            "update_listing {set}: previewed {shown}"
        );

        let booking = h.sandbox.inspect(|s| {
            let ahead: Vec<i64> = s
                .reservations
                .values()
                .filter(|r| blocks_calendar(&r.status) && r.arrival_date > s.today + Duration::days(1))
                .map(|r| r.id)
                .collect();
            ahead[rng.random_range(0..ahead.len())]
        });
        let line = f64::from(rng.random_range(1_000..30_000)) / 100.0;
        let lines = json!({"reservation_id": booking, "price_lines": {"cleaningFee": line}});
        refused_in_the_past(
            &h,
            "update_reservation",
            json!({"reservation_id": ended_booking(&h), "price_lines": {"cleaningFee": line}}),
        )
        .await;
        let (preview, _) = preview_then_twice(&h, "update_reservation", &lines).await;
        let held = h.sandbox.inspect(|s| s.finance_overrides[&booking].values().map(|o| o.value).collect::<Vec<f64>>());
        assert_eq!(held, vec![line], "update_reservation {lines}: held");
        assert!(
            preview["changes"][0]["after"].as_str().unwrap().starts_with(&format!("{line:.2} ")),
            "update_reservation {lines}: previewed {preview}"
        );
    }
}

/// A booking whose stay ended before its listing's today.
fn ended_booking(h: &mcp::Harness) -> i64 {
    h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .find(|r| blocks_calendar(&r.status) && r.departure_date < listing_today(s, r.listing_map_id))
            .unwrap()
            .id
    })
}
