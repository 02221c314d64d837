//! Contract: reservations — filters, orders, afterId paging, and writes visible to reads.

use crate::support::api;
use hostaway_mcp::domain::Channel;
use hostaway_mcp::hostaway::id;

use std::collections::BTreeSet;

use chrono::Duration;
use hostaway_mcp::{
    hostaway::{Client, types},
    sandbox::{Sandbox, store::blocks_calendar},
};

async fn walk_after_id(client: &Client, page: u32) -> Vec<types::Reservation> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let mut request = client.list_reservations().limit(std::num::NonZeroU32::new(page).unwrap());
        if let Some(id) = after {
            request = request.after_id(id);
        }
        let batch = request.send().await.unwrap().into_inner().result;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        all.extend(batch);
    }
    all
}

/// A listing free for two nights from `days_ahead` and for one more night after them.
fn free_stay(sandbox: &Sandbox, days_ahead: i64) -> (i64, chrono::NaiveDate, chrono::NaiveDate) {
    sandbox.inspect(|s| {
        let arrival = api::today() + Duration::days(days_ahead);
        let departure = arrival + Duration::days(2);
        let listing = s
            .listings
            .values()
            .find(|l| s.is_free(l, arrival, departure + Duration::days(1), None))
            .expect("a free listing");
        (listing.id, arrival, departure)
    })
}

fn booking(listing: i64, arrival: chrono::NaiveDate, departure: chrono::NaiveDate) -> types::ReservationInput {
    types::ReservationInput {
        channel_id: Some(Channel::Direct.id()),
        listing_map_id: Some(listing),
        arrival_date: Some(arrival),
        departure_date: Some(departure),
        guest_first_name: Some("Ada".into()),
        guest_last_name: Some("Lovelace".into()),
        guest_email: Some("ada@example.org".into()),
        number_of_guests: std::num::NonZeroU32::new(2),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_after_id_walk_returns_every_reservation_once_newest_change_first() {
    let (sandbox, client) = api::connected().await;
    let total = sandbox.inspect(|s| s.reservations.len());
    let first = client.list_reservations().send().await.unwrap().into_inner();
    assert_eq!(first.count, Some(total as i64));
    assert_eq!((first.result.len(), first.limit), (100, Some(100)), "Hostaway's default page is 100");

    let all = walk_after_id(&client, 250).await;
    let ids: BTreeSet<i64> = all.iter().map(|r| r.id).collect();
    assert_eq!((all.len(), ids.len()), (total, total));
    let keys: Vec<(String, i64)> = all.iter().map(|r| (r.updated_on.clone().unwrap(), r.id)).collect();
    assert!(keys.windows(2).all(|w| w[0] > w[1]), "default order is updatedOn DESC, id DESC");
}

#[tokio::test]
async fn after_id_follows_the_requested_sort_order() {
    let (_sandbox, client) = api::connected().await;
    let order = types::ReservationSortOrder::ArrivalDate;
    let first = client
        .list_reservations()
        .sort_order(order)
        .limit(std::num::NonZeroU32::new(50).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    let next = client
        .list_reservations()
        .sort_order(order)
        .after_id(first[49].id)
        .limit(std::num::NonZeroU32::new(50).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    let joined: Vec<_> = first.iter().chain(&next).map(|r| (r.arrival_date, r.id)).collect();
    assert!(joined.windows(2).all(|w| w[0] < w[1]));
}

#[tokio::test]
async fn filters_select_exactly_what_the_account_holds() {
    let (sandbox, client) = api::connected().await;
    let today = api::today();
    let week = today + Duration::days(7);
    let arriving: BTreeSet<i64> = client
        .list_reservations()
        .arrival_start_date(today)
        .arrival_end_date(week)
        .limit(std::num::NonZeroU32::new(1000).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner()
        .result
        .iter()
        .map(|r| r.id)
        .collect();
    let expected: BTreeSet<i64> = sandbox.inspect(|s| {
        s.reservations.values().filter(|r| r.arrival_date >= today && r.arrival_date <= week).map(|r| r.id).collect()
    });
    assert!(!expected.is_empty());
    assert_eq!(arriving, expected);

    let some = sandbox.inspect(|s| s.reservations.values().find(|r| r.status.as_str() == "new").unwrap().clone());
    let by_listing = client
        .list_reservations()
        .listing_id(some.listing_map_id)
        .channel_id(some.channel_id.unwrap())
        .send()
        .await
        .unwrap();
    assert!(
        by_listing.result.iter().all(|r| r.listing_map_id == some.listing_map_id && r.channel_id == some.channel_id)
    );
    assert!(by_listing.result.iter().any(|r| r.id == some.id));

    let by_email =
        client.list_reservations().guest_email(some.guest_email.clone().unwrap().to_uppercase()).send().await.unwrap();
    assert!(by_email.result.iter().any(|r| r.id == some.id));
    assert!(by_email.result.iter().all(|r| r.guest_email == some.guest_email));

    let last_name = some.guest_last_name.clone().unwrap();
    let by_name = client
        .list_reservations()
        .match_(last_name.to_lowercase())
        .limit(std::num::NonZeroU32::new(1000).unwrap())
        .send()
        .await
        .unwrap();
    assert!(by_name.result.iter().all(|r| r.guest_name.as_deref().unwrap().contains(&last_name)));
    assert!(by_name.result.iter().any(|r| r.id == some.id));
}

#[tokio::test]
async fn the_unread_filter_matches_conversations_with_unread_guest_messages() {
    let (sandbox, client) = api::connected().await;
    let unread =
        client.list_reservations().has_unread_conversation_messages(1).send().await.unwrap().into_inner().result;
    let expected: BTreeSet<i64> = sandbox.inspect(|s| {
        s.conversations.values().filter(|c| c.has_unread_messages == Some(1)).filter_map(|c| c.reservation_id).collect()
    });
    assert!(!expected.is_empty());
    assert_eq!(unread.iter().map(|r| r.id).collect::<BTreeSet<_>>(), expected);
}

#[tokio::test]
async fn fees_come_only_with_include_resources() {
    let (_sandbox, client) = api::connected().await;
    let plain = client
        .list_reservations()
        .limit(std::num::NonZeroU32::new(5).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    assert!(plain.iter().all(|r| r.reservation_fees.is_empty()));
    let rich = client
        .get_reservation()
        .reservation_id(plain[0].id)
        .include_resources(1)
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    assert!(!rich.reservation_fees.is_empty());
}

#[tokio::test]
async fn the_remaining_balance_comes_only_with_include_payments() {
    let (sandbox, client) = api::connected().await;
    let (id, held) = sandbox.inspect(|s| {
        let r = s.reservations.values().find(|r| r.remaining_balance.is_some_and(|b| b > 0.0)).unwrap();
        (r.id, r.remaining_balance)
    });
    let read = |payments: Option<i32>| {
        let request = client.get_reservation().reservation_id(id);
        let request = match payments {
            Some(flag) => request.include_payments(flag),
            None => request,
        };
        async move { request.send().await.unwrap().into_inner().result.remaining_balance }
    };
    assert_eq!(read(Some(1)).await, held);
    assert_eq!(read(Some(0)).await, None);
    assert_eq!(read(None).await, None);
    let listed = client.list_reservations().send().await.unwrap().into_inner().result;
    assert!(listed.iter().all(|r| r.remaining_balance.is_none()), "the list takes no includePayments");
}

#[tokio::test]
async fn a_created_booking_is_priced_blocks_its_nights_and_comes_first_in_the_default_order() {
    let (sandbox, client) = api::connected().await;
    let (listing, arrival, departure) = free_stay(&sandbox, 90);
    let created = client
        .create_reservation()
        .body(booking(listing, arrival, departure))
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    assert_eq!(
        (created.status.as_str(), created.guest_name.as_deref(), created.nights),
        ("new", Some("Ada Lovelace"), Some(2))
    );
    let expected =
        sandbox.inspect(|s| s.quote(&s.listings[&listing], arrival, departure, 2, Channel::Direct.id()).total());
    assert_eq!(created.total_price, Some(expected));

    let newest = client
        .list_reservations()
        .limit(std::num::NonZeroU32::new(1).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    assert_eq!(newest[0].id, created.id);
    let calendar = client
        .get_calendar()
        .listing_id(listing)
        .start_date(arrival)
        .end_date(departure)
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    assert_eq!(
        calendar.iter().map(|d| d.is_available.unwrap()).collect::<Vec<_>>(),
        vec![0, 0, calendar[2].is_available.unwrap()]
    );

    let (status, message) =
        api::failure(client.create_reservation().body(booking(listing, arrival, departure)).send().await);
    assert_eq!(status, 400);
    assert!(message.contains("not available"), "{message}");
    let forced =
        client.create_reservation().force_overbooking(1).body(booking(listing, arrival, departure)).send().await;
    assert!(forced.is_ok());
    assert_eq!(sandbox.stats().applied(id::CREATE_RESERVATION), 2);
}

#[tokio::test]
async fn creating_without_required_fields_names_them() {
    let (sandbox, client) = api::connected().await;
    let result = client
        .create_reservation()
        .body(types::ReservationInput { guest_name: Some("X".into()), ..Default::default() })
        .send()
        .await;
    let (status, message) = api::failure(result);
    assert_eq!(status, 400);
    for field in ["channelId", "listingMapId", "arrivalDate", "departureDate"] {
        assert!(message.contains(field), "{message}");
    }
    assert_eq!(sandbox.stats().applied(id::CREATE_RESERVATION), 0);
}

#[tokio::test]
async fn updating_dates_reprices_marks_modified_and_cannot_move_listing() {
    let (sandbox, client) = api::connected().await;
    let (listing, arrival, departure) = free_stay(&sandbox, 95);
    let created = client
        .create_reservation()
        .body(booking(listing, arrival, departure))
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    let longer = client
        .update_reservation()
        .reservation_id(created.id)
        .body(types::ReservationInput {
            departure_date: Some(departure + Duration::days(1)),
            host_note: Some("Late arrival".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    let updated = longer;
    assert_eq!((updated.status.as_str(), updated.nights), ("modified", Some(3)));
    assert!(updated.total_price.unwrap() > created.total_price.unwrap());
    assert_eq!(updated.guest_email, created.guest_email, "fields not sent are kept");
    let moved = client
        .update_reservation()
        .reservation_id(created.id)
        .body(types::ReservationInput { listing_map_id: Some(listing + 1), ..Default::default() })
        .send()
        .await;
    assert!(api::failure(moved).1.contains("cannot be changed"));
}

#[tokio::test]
async fn arrival_details_are_set_and_read_back_and_an_hour_past_23_is_refused() {
    let (sandbox, client) = api::connected().await;
    let id = sandbox.inspect(|s| *s.reservations.keys().next().unwrap());
    let details = types::ReservationInput {
        door_code: Some("4821".into()),
        door_code_vendor: Some("Nuki".into()),
        door_code_instruction: Some("Keypad left of the gate".into()),
        check_in_time: Some(16),
        check_out_time: Some(10),
        ..Default::default()
    };
    client.update_reservation().reservation_id(id).body(details).send().await.unwrap();
    let read = client.get_reservation().reservation_id(id).send().await.unwrap().into_inner().result;
    assert_eq!(
        (read.door_code.as_deref(), read.door_code_vendor.as_deref(), read.door_code_instruction.as_deref()),
        (Some("4821"), Some("Nuki"), Some("Keypad left of the gate"))
    );
    assert_eq!((read.check_in_time, read.check_out_time), (Some(16), Some(10)));
    let late = types::ReservationInput { check_in_time: Some(24), ..Default::default() };
    let (status, message) = api::failure(client.update_reservation().reservation_id(id).body(late).send().await);
    assert_eq!(status, 400, "{message}");
}

#[tokio::test]
async fn cancelling_frees_the_nights_and_is_idempotent() {
    let (sandbox, client) = api::connected().await;
    let (listing, arrival, departure) = free_stay(&sandbox, 110);
    let created = client
        .create_reservation()
        .body(booking(listing, arrival, departure))
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    let cancel = || {
        client
            .cancel_reservation()
            .reservation_id(created.id)
            .body(types::CancelReservationRequest { cancelled_by: types::CancelReservationRequestCancelledBy::Guest })
    };
    let cancelled = cancel().send().await.unwrap().into_inner().result;
    assert_eq!((cancelled.status.as_str(), cancelled.cancelled_by.as_deref()), ("cancelled", Some("guest")));
    assert!(!blocks_calendar(&cancelled.status));
    let read = client.get_reservation().reservation_id(created.id).send().await.unwrap().into_inner().result;
    assert_eq!(read.status.as_str(), "cancelled");
    assert!(sandbox.inspect(|s| s.is_free(&s.listings[&listing], arrival, departure, None)));
    cancel().send().await.unwrap();
    assert_eq!(sandbox.stats().applied(id::CANCEL_RESERVATION), 1, "a second cancel changes nothing");
    assert_eq!(api::failure(client.get_reservation().reservation_id(1).send().await).0, 404);
}

#[tokio::test]
async fn a_no_show_is_reported_for_a_begun_booking_com_stay_only() {
    let (sandbox, client) = api::connected().await;
    let (begun, ahead, direct) = sandbox.inspect(|s| {
        let holding = |r: &&types::Reservation| blocks_calendar(&r.status);
        let on = |channel: i64| s.reservations.values().filter(holding).filter(move |r| r.channel_id == Some(channel));
        let begun = on(Channel::BookingCom.id()).find(|r| r.arrival_date <= s.today).unwrap().id;
        let ahead = on(Channel::BookingCom.id()).find(|r| r.arrival_date > s.today).unwrap().id;
        let direct = on(Channel::Direct.id()).find(|r| r.arrival_date <= s.today).unwrap().id;
        (begun, ahead, direct)
    });
    let report = |id: i64, waived: bool| {
        client.report_no_show().reservation_id(id).body(types::NoShowRequest { waived_fees: waived })
    };
    let reported = report(begun, false).send().await.unwrap().into_inner().result;
    assert!(reported.bookingcom_no_show_reported_at.is_some());
    assert_eq!(reported.bookingcom_no_show_fee_waived, Some(serde_json::Value::Bool(false)));
    let read = client.get_reservation().reservation_id(begun).send().await.unwrap().into_inner().result;
    assert_eq!(read.bookingcom_no_show_reported_at, reported.bookingcom_no_show_reported_at);
    let again = report(begun, true).send().await.unwrap().into_inner().result;
    assert_eq!(
        again.bookingcom_no_show_fee_waived,
        Some(serde_json::Value::Bool(true)),
        "a new report can waive the fee"
    );

    let (status, message) = api::failure(report(direct, false).send().await);
    assert!(status == 400 && message.contains("Booking.com"), "{status} {message}");
    let (status, message) = api::failure(report(ahead, false).send().await);
    assert!(status == 400 && message.contains("not begun"), "{status} {message}");
    assert_eq!(api::failure(report(1, false).send().await).0, 404);
    assert_eq!(sandbox.stats().applied(id::REPORT_NO_SHOW), 2);
}
