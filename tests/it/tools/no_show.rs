//! cancel_reservation with no_show end to end: a Booking.com guest who never came is reported once, with the fee
//! charged or waived, and nothing else can be reported (issue 25, repro 2).

use crate::support::mcp;
use hostaway_mcp::domain::Channel;
use hostaway_mcp::hostaway::id;

use hostaway_mcp::{domain::BookingStatus, hostaway::types, sandbox::store::Store};
use serde_json::json;

/// A booking holding its nights on `channel` that has begun (arrived before UTC's today, so in
/// every zone) or lies ahead (arrives after UTC's tomorrow, so in every zone).
fn booking(s: &Store, channel: i64, begun: bool) -> types::Reservation {
    s.reservations
        .values()
        .filter(|r| r.channel_id == Some(channel) && BookingStatus::from_hostaway(&r.status).holds_nights())
        .find(|r| if begun { r.arrival_date < s.today } else { r.arrival_date > s.today + chrono::Duration::days(1) })
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn a_booking_com_guest_who_never_came_is_reported_once() {
    let h = mcp::start().await;
    let id = h.sandbox.inspect(|s| booking(s, Channel::BookingCom.id(), true)).id;
    let preview = h.ok("cancel_reservation", json!({"reservation_id": id, "no_show": true})).await;
    assert_eq!(preview["status"], "preview");
    assert_eq!(preview["reservation"]["reservation_id"], id);
    assert_eq!(preview["fee_waived"], false);
    assert_eq!(h.sandbox.stats().applied(id::REPORT_NO_SHOW), 0, "a preview reports nothing");

    let confirm = json!({"reservation_id": id, "no_show": true, "confirm": true});
    let done = h.ok("cancel_reservation", confirm.clone()).await;
    assert_eq!(done["status"], "done", "{done}");
    let held = h.sandbox.inspect(|s| s.reservations[&id].clone());
    assert_eq!(done["reported_at"], json!(held.bookingcom_no_show_reported_at));
    assert_eq!(held.bookingcom_no_show_fee_waived, Some(json!(false)));
    let again = h.ok("cancel_reservation", confirm).await;
    assert!(matches!(again["status"].as_str(), Some("already_done" | "unchanged")), "{again}");
    assert_eq!(h.sandbox.stats().applied(id::REPORT_NO_SHOW), 1, "the same report twice is sent once");

    let waived = h
        .ok("cancel_reservation", json!({"reservation_id": id, "no_show": true, "waive_fee": true, "confirm": true}))
        .await;
    assert_eq!(waived["status"], "done", "waiving the fee is a new report: {waived}");
    assert_eq!(h.sandbox.inspect(|s| s.reservations[&id].bookingcom_no_show_fee_waived.clone()), Some(json!(true)));
    assert_eq!(h.sandbox.stats().applied(id::REPORT_NO_SHOW), 2);
}

#[tokio::test]
async fn other_channels_stays_ahead_and_unknown_bookings_are_refused() {
    let h = mcp::start().await;
    let (direct, ahead) = h
        .sandbox
        .inspect(|s| (booking(s, Channel::Direct.id(), true).id, booking(s, Channel::BookingCom.id(), false).id));
    let refused =
        h.err("cancel_reservation", json!({"reservation_id": direct, "no_show": true, "confirm": true})).await;
    assert!(refused.contains("Booking.com bookings only"), "{refused}");
    let refused = h.err("cancel_reservation", json!({"reservation_id": ahead, "no_show": true, "confirm": true})).await;
    assert!(refused.contains("only from the arrival day on"), "{refused}");
    let unknown = h.sandbox.inspect(|s| s.reservations.keys().max().unwrap() + 1000);
    let refused = h.err("cancel_reservation", json!({"reservation_id": unknown, "no_show": true})).await;
    assert!(refused.contains("search_reservations"), "{refused}");
    assert_eq!(h.sandbox.stats().applied(id::REPORT_NO_SHOW), 0);
}
