//! record_payment end to end: a payment taken outside Hostaway is recorded once on the booking, in
//! the booking's currency, as the raw charges list then holds it; an awaiting one is marked paid or
//! cancelled once; a card charge and unknown ids are refused.

use crate::support::{api, mcp};
use hostaway_mcp::{domain::BookingStatus, hostaway::id, sandbox::store::Store};

use chrono::{Duration, TimeZone};
use serde_json::{Value, json};

/// A booking holding its nights that arrives after UTC's tomorrow (so in every zone) and has no
/// charges yet.
fn future_booking(s: &Store) -> (i64, String, String) {
    let r = s
        .reservations
        .values()
        .filter(|r| BookingStatus::from_hostaway(&r.status).holds_nights() && r.currency.is_some())
        .filter(|r| !s.charges.iter().any(|c| c.reservation_id == Some(r.id)))
        .find(|r| r.arrival_date > s.today + Duration::days(1))
        .unwrap();
    (r.id, r.currency.clone().unwrap(), r.arrival_date.to_string())
}

/// The booking's charges as Hostaway's raw API lists them.
async fn raw_charges(h: &mcp::Harness, reservation: i64) -> Vec<Value> {
    let client = api::with_token(&h.sandbox, &api::mint(&h.sandbox).await);
    let listed = client.list_guest_charges().reservation_id(reservation).send().await.unwrap().into_inner();
    listed.result.iter().map(|c| serde_json::to_value(c).unwrap()).collect()
}

#[tokio::test]
async fn a_cash_payment_is_recorded_once_in_the_bookings_currency() {
    let h = mcp::start().await;
    let (booking, currency, _) = h.sandbox.inspect(future_booking);
    let args = json!({"reservation_id": booking, "amount": 200, "method": "cash", "title": "Cash at the door"});
    let preview = h.ok("record_payment", args.clone()).await;
    assert_eq!(preview["status"], "preview");
    assert_eq!(preview["charge"]["amount"], json!({"amount": 200.0, "currency": currency}));
    assert_eq!(preview["charge"]["status"], "paid");
    assert!(preview["charge"].get("scheduled_for").is_none(), "no clock time a confirm a second later would miss");
    assert_eq!(h.sandbox.stats().applied(id::CREATE_OFFLINE_CHARGE), 0, "a preview records nothing");

    let mut confirm = args.clone();
    confirm["confirm"] = json!(true);
    let done = h.ok("record_payment", confirm.clone()).await;
    assert_eq!(done["status"], "done", "{done}");
    let raw = raw_charges(&h, booking).await;
    assert_eq!(raw.len(), 1, "{raw:?}");
    let held = &raw[0];
    assert_eq!(done["charge"]["charge_id"], held["id"]);
    assert_eq!(
        [&held["amount"], &held["currency"], &held["status"], &held["paymentMethod"], &held["title"]],
        [&json!(200.0), &json!(currency), &json!("paid"), &json!("cash"), &json!("Cash at the door")]
    );
    assert_eq!(held["paymentProvider"], "offline");

    let again = h.ok("record_payment", confirm).await;
    assert_eq!(again["status"], "already_done", "{again}");
    assert_eq!(again["charge"]["charge_id"], held["id"]);
    assert_eq!(h.sandbox.stats().applied(id::CREATE_OFFLINE_CHARGE), 1, "the same payment twice is recorded once");

    let read = h.ok("get_reservation", json!({"reservation_id": booking, "payments": true})).await;
    let rows = read["payments"]["charges"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["charge_id"] == held["id"] && r["status"] == "paid"), "{read}");
}

#[tokio::test]
async fn an_awaiting_payment_is_due_on_arrival_and_is_marked_paid_or_cancelled_once() {
    let h = mcp::start().await;
    let (booking, _, arrival) = h.sandbox.inspect(future_booking);
    let expected = json!({"reservation_id": booking, "amount": 80, "method": "bank_transfer", "awaiting": true,
                          "title": "Balance", "confirm": true});
    let made = h.ok("record_payment", expected).await;
    assert_eq!(made["charge"]["status"], "awaiting", "{made}");
    let charge = made["charge"]["charge_id"].as_i64().unwrap();
    let held = raw_charges(&h, booking).await;
    let scheduled = held[0]["scheduledDate"].as_str().unwrap();
    let listing_zone_midnight = h.sandbox.inspect(|s| {
        let r = &s.reservations[&booking];
        let zone = s.listing_zone(r.listing_map_id).unwrap();
        zone.from_local_datetime(&r.arrival_date.and_hms_opt(0, 0, 0).unwrap())
            .earliest()
            .unwrap()
            .naive_utc()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    });
    assert_eq!(scheduled, listing_zone_midnight, "due at the start of arrival day {arrival}, local");

    let settle = json!({"reservation_id": booking, "charge_id": charge, "confirm": true});
    let paid = h.ok("record_payment", settle.clone()).await;
    assert_eq!(paid["status"], "done", "{paid}");
    assert_eq!(raw_charges(&h, booking).await[0]["status"], "paid");
    let again = h.ok("record_payment", settle).await;
    assert!(matches!(again["status"].as_str(), Some("unchanged" | "already_done")), "{again}");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_OFFLINE_CHARGE), 1);
    let refused =
        h.err("record_payment", json!({"reservation_id": booking, "charge_id": charge, "cancel": true})).await;
    assert!(refused.contains("only a charge still awaiting"), "{refused}");

    let second =
        json!({"reservation_id": booking, "amount": 20, "awaiting": true, "title": "Parking", "confirm": true});
    let second = h.ok("record_payment", second).await["charge"]["charge_id"].as_i64().unwrap();
    let cancel = json!({"reservation_id": booking, "charge_id": second, "cancel": true, "confirm": true});
    assert_eq!(h.ok("record_payment", cancel).await["status"], "done");
    let held = raw_charges(&h, booking).await;
    let parking = held.iter().find(|c| c["id"] == json!(second)).unwrap();
    assert_eq!(parking["status"], "cancelled");
}

#[tokio::test]
async fn card_charges_unknown_ids_and_loose_arguments_are_refused() {
    let h = mcp::start().await;
    let (booking, _, _) = h.sandbox.inspect(future_booking);
    let (carded, card) = h.sandbox.inspect(|s| {
        let stripe = |c: &&hostaway_mcp::hostaway::types::GuestCharge| c.payment_provider.as_deref() == Some("stripe");
        let c = s.charges.iter().filter(stripe).find(|c| c.status.as_deref() == Some("awaiting")).unwrap();
        (c.reservation_id.unwrap(), c.id)
    });
    let refused = h.err("record_payment", json!({"reservation_id": carded, "charge_id": card, "confirm": true})).await;
    assert!(refused.contains("only an offline charge"), "{refused}");
    let unknown = h.sandbox.inspect(|s| s.reservations.keys().max().unwrap() + 1000);
    let refused = h.err("record_payment", json!({"reservation_id": unknown, "amount": 10})).await;
    assert!(refused.contains("search_reservations"), "{refused}");
    let refused = h.err("record_payment", json!({"reservation_id": booking, "charge_id": 999_999})).await;
    assert!(refused.contains("get_reservation"), "{refused}");
    let refused = h.err("record_payment", json!({"reservation_id": booking})).await;
    assert!(refused.contains("`amount`"), "{refused}");
    let refused = h.err("record_payment", json!({"reservation_id": booking, "charge_id": 1, "amount": 5})).await;
    assert!(refused.contains("`amount`") && refused.contains("charge_id"), "{refused}");
    let refused = h.err("record_payment", json!({"reservation_id": booking, "amount": 5, "cancel": true})).await;
    assert!(refused.contains("`cancel`"), "{refused}");
    let stats = h.sandbox.stats();
    assert_eq!([stats.applied(id::CREATE_OFFLINE_CHARGE), stats.applied(id::UPDATE_OFFLINE_CHARGE)], [0, 0]);
}
