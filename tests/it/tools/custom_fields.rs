//! Custom fields by name end to end (issue 32): get_reservation and get_listing show a record's
//! values under the account's field names, as the sandbox holds them; update_reservation and
//! update_listing set them by name (any case; a dropdown by value or label), preview first, write
//! once, and refuse a name no field has or a value its field cannot hold, writing nothing.

use crate::support::mcp;
use hostaway_mcp::hostaway::{id, types};

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// A record's values by field name, from the sandbox's store.
fn by_name(fields: &[types::CustomField], values: &[types::CustomFieldValue]) -> Value {
    let named: BTreeMap<String, String> = values
        .iter()
        .filter(|v| v.value.as_deref().is_some_and(|v| !v.is_empty()))
        .map(|v| {
            let field = fields.iter().find(|f| f.id == v.custom_field_id).unwrap();
            (field.name.clone(), v.value.clone().unwrap())
        })
        .collect();
    json!(named)
}

#[tokio::test]
async fn a_bookings_custom_fields_are_read_and_set_by_name() {
    let h = mcp::start().await;
    let fields = h.sandbox.inspect(|s| s.custom_fields.clone());
    let booking = h.sandbox.inspect(|s| {
        let upcoming = |r: &&types::Reservation| r.arrival_date > s.today && !r.custom_field_values.is_empty();
        s.reservations.values().find(upcoming).unwrap().id
    });
    let held = |h: &mcp::Harness| h.sandbox.inspect(|s| s.reservations[&booking].custom_field_values.clone());
    let shown = h.ok("get_reservation", json!({"reservation_id": booking})).await;
    assert_eq!(shown["more"]["custom_fields"], by_name(&fields, &held(&h)), "{shown}");

    let set = json!({"reservation_id": booking, "custom_fields": {"parking SPOT": "P3", "Early check-in": "Yes", "arrival_flight": "LH 1782"}});
    let preview = h.ok("update_reservation", set.clone()).await;
    let mut fields_changed: Vec<&str> =
        preview["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    fields_changed.sort_unstable();
    assert_eq!(
        fields_changed,
        ["custom_fields.Arrival flight", "custom_fields.Early check-in", "custom_fields.Parking spot"],
        "{preview}"
    );
    let before = held(&h);
    assert_eq!(by_name(&fields, &before), shown["more"]["custom_fields"], "a preview writes nothing");
    let mut confirm = set.clone();
    confirm["confirm"] = json!(true);
    assert_eq!(h.ok("update_reservation", confirm.clone()).await["status"], "done");
    assert_eq!(
        by_name(&fields, &held(&h)),
        json!({"Arrival flight": "LH 1782", "Early check-in": "yes", "Parking spot": "P3"}),
        "a dropdown's label is sent as its value"
    );
    assert_eq!(h.ok("update_reservation", confirm).await["status"], "unchanged");
    let shown = h.ok("get_reservation", json!({"reservation_id": booking})).await;
    assert_eq!(shown["more"]["custom_fields"], by_name(&fields, &held(&h)));

    let clear = json!({"reservation_id": booking, "custom_fields": {"Arrival flight": ""}, "confirm": true});
    assert_eq!(h.ok("update_reservation", clear).await["status"], "done");
    assert_eq!(by_name(&fields, &held(&h)), json!({"Early check-in": "yes", "Parking spot": "P3"}), "\"\" clears");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_RESERVATION), 2);

    for (values, says) in [
        (json!({"Gate code": "1234"}), "Parking spot"),
        (json!({"Early check-in": "maybe"}), "yes, no"),
        (json!({"Cleaning notes": "x"}), "no reservation custom field"),
    ] {
        let wrong = json!({"reservation_id": booking, "custom_fields": values, "confirm": true});
        let error = h.err("update_reservation", wrong.clone()).await;
        assert!(error.contains(says), "{wrong}: {error}");
    }
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_RESERVATION), 2, "nothing written for a wrong value");
}

#[tokio::test]
async fn a_listings_custom_fields_are_read_and_set_by_name() {
    let h = mcp::start().await;
    let fields = h.sandbox.inspect(|s| s.custom_fields.clone());
    let listing = h.sandbox.inspect(|s| s.listings.values().find(|l| !l.custom_field_values.is_empty()).unwrap().id);
    let held = |h: &mcp::Harness| h.sandbox.inspect(|s| s.listings[&listing].custom_field_values.clone());
    let shown = h.ok("get_listing", json!({"listing_id": listing})).await;
    assert_eq!(shown["more"]["custom_fields"], by_name(&fields, &held(&h)), "{shown}");

    let two = json!({"listing_id": listing, "custom_fields": {"parking spaces": "2"}, "confirm": true});
    let done = h.ok("update_listing", two).await;
    assert_eq!(done["changes"][0]["field"], "custom_fields.Parking spaces", "{done}");
    assert_eq!(by_name(&fields, &held(&h))["Parking spaces"], "2");
    assert_eq!(
        by_name(&fields, &held(&h))["Cleaning notes"],
        shown["more"]["custom_fields"]["Cleaning notes"],
        "the others are kept"
    );
    let notes = json!({"listing_id": listing, "custom_fields": {"Cleaning notes": "Linen in the hall.\nKeys in the box."}, "confirm": true});
    assert_eq!(h.ok("update_listing", notes).await["status"], "done", "a textarea takes lines");
    let error = h
        .err(
            "update_listing",
            json!({"listing_id": listing, "custom_fields": {"Parking spaces": "two"}, "confirm": true}),
        )
        .await;
    assert!(error.contains("not a number"), "{error}");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_LISTING), 2);
}
