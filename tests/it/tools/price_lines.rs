//! update_reservation's price_lines end to end: a line of a booking's price breakdown is set by
//! hand once, as Hostaway's raw finance fields then hold it, and the answer gives the total
//! Hostaway holds afterwards rather than one it assumed.

use crate::support::{api, mcp};
use hostaway_mcp::{domain::BookingStatus, hostaway::id, sandbox::store::Store};

use chrono::Duration;
use serde_json::json;

/// A direct booking holding its nights that arrives after UTC's tomorrow, so in every zone.
fn future_booking(s: &Store) -> i64 {
    s.reservations
        .values()
        .filter(|r| BookingStatus::from_hostaway(&r.status).holds_nights())
        .find(|r| r.arrival_date > s.today + Duration::days(1))
        .unwrap()
        .id
}

#[tokio::test]
async fn a_price_line_is_set_once_and_read_back_with_the_total_hostaway_holds() {
    let h = mcp::start().await;
    let booking = h.sandbox.inspect(future_booking);
    let client = api::with_token(&h.sandbox, &api::mint(&h.sandbox).await);
    let raw_line = |fields: &[hostaway_mcp::hostaway::types::FinanceField]| {
        fields.iter().find(|f| f.name == "cleaningFee").cloned().unwrap()
    };
    let before = client.list_finance_fields().reservation_id(booking).send().await.unwrap().into_inner().result;
    let was = raw_line(&before).total;
    let wanted = (was + 17.5).round();
    let args = json!({"reservation_id": booking, "price_lines": {"Cleaning fee": wanted}});
    let preview = h.ok("update_reservation", args.clone()).await;
    assert_eq!(preview["status"], "preview");
    let change = &preview["changes"][0];
    assert_eq!(change["field"], "price_lines.cleaningFee", "{preview}");
    assert!(change["before"].as_str().unwrap().starts_with(&format!("{was:.2} ")), "{preview}");
    assert!(change["after"].as_str().unwrap().starts_with(&format!("{wanted:.2} ")), "{preview}");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_FINANCE_FIELD), 0, "a preview writes nothing");

    let mut confirm = args.clone();
    confirm["confirm"] = json!(true);
    let done = h.ok("update_reservation", confirm.clone()).await;
    assert_eq!(done["status"], "done", "{done}");
    let after = client.list_finance_fields().reservation_id(booking).send().await.unwrap().into_inner().result;
    let line = raw_line(&after);
    assert_eq!((line.value, line.is_overridden_by_user), (Some(wanted), Some(1)));
    let raw = client.get_reservation().reservation_id(booking).send().await.unwrap().into_inner().result;
    assert_eq!(done["price"]["after"]["amount"], json!(raw.total_price.unwrap()), "the total Hostaway holds: {done}");
    let again = h.ok("update_reservation", confirm).await;
    assert!(matches!(again["status"].as_str(), Some("unchanged" | "already_done")), "{again}");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_FINANCE_FIELD), 1, "the same line twice is set once");
}

#[tokio::test]
async fn unknown_lines_the_total_ended_stays_and_new_dates_are_refused() {
    let h = mcp::start().await;
    let booking = h.sandbox.inspect(future_booking);
    let refused = h.err("update_reservation", json!({"reservation_id": booking, "price_lines": {"spa": 5}})).await;
    assert!(refused.contains("cleaningFee") && refused.contains("`price_lines`"), "{refused}");
    let refused =
        h.err("update_reservation", json!({"reservation_id": booking, "price_lines": {"totalPrice": 5}})).await;
    assert!(refused.contains("sums the lines"), "{refused}");
    let later = h.sandbox.inspect(|s| s.reservations[&booking].departure_date + Duration::days(1)).to_string();
    let refused = h
        .err(
            "update_reservation",
            json!({"reservation_id": booking, "check_out": later, "price_lines": {"cleaningFee": 5}, "confirm": true}),
        )
        .await;
    assert!(refused.contains("call of their own"), "{refused}");
    let ended = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .find(|r| BookingStatus::from_hostaway(&r.status).holds_nights() && r.departure_date < s.today)
            .unwrap()
            .id
    });
    let refused = h
        .err("update_reservation", json!({"reservation_id": ended, "price_lines": {"cleaningFee": 5}, "confirm": true}))
        .await;
    assert!(refused.contains("keeps its price lines"), "{refused}");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_FINANCE_FIELD), 0);
}
