//! Contract: calendar reads and writes and price quotes.

use crate::support::api;
use hostaway_mcp::hostaway::id;

use std::num::NonZeroU32;

use chrono::{Duration, NaiveDate};
use hostaway_mcp::{
    hostaway::{Client, types},
    sandbox::{Sandbox, store::blocks_calendar},
};

fn update(start: NaiveDate, end: NaiveDate) -> types::CalendarUpdate {
    types::CalendarUpdate {
        start_date: start,
        end_date: end,
        closed_on_arrival: None,
        closed_on_departure: None,
        is_available: None,
        maximum_stay: None,
        minimum_stay: None,
        note: None,
        price: None,
    }
}

async fn days(client: &Client, listing: i64, start: NaiveDate, end: NaiveDate) -> Vec<types::CalendarDay> {
    client.get_calendar().listing_id(listing).start_date(start).end_date(end).send().await.unwrap().into_inner().result
}

fn first_listing(sandbox: &Sandbox) -> i64 {
    sandbox.inspect(|s| *s.listings.keys().next().unwrap())
}

#[tokio::test]
async fn a_range_has_one_day_per_date_and_booked_nights_are_reserved() {
    let (sandbox, client) = api::connected().await;
    let listing = first_listing(&sandbox);
    let (start, end) = (api::today() - Duration::days(30), api::today() + Duration::days(60));
    let calendar = days(&client, listing, start, end).await;
    assert_eq!(calendar.len(), 91);
    assert!(calendar.windows(2).all(|w| w[1].date == w[0].date + Duration::days(1)));
    let stays: Vec<(NaiveDate, NaiveDate)> = sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter(|r| r.listing_map_id == listing && blocks_calendar(&r.status))
            .map(|r| (r.arrival_date, r.departure_date))
            .collect()
    });
    let mut reserved = 0;
    for day in &calendar {
        let booked = stays.iter().any(|(a, d)| *a <= day.date && day.date < *d);
        if booked {
            reserved += 1;
            assert_eq!(day.is_available, Some(0), "{} is booked", day.date);
            assert!(matches!(day.status.as_deref(), Some("reserved" | "pending")));
        }
        if day.is_available == Some(1) {
            assert!(!booked && day.status.as_deref() == Some("available"));
        }
        assert!(day.price.unwrap() > 0.0 && day.minimum_stay.unwrap() >= 1);
    }
    assert!(reserved > 20, "a busy listing has bookings in three months");
}

#[tokio::test]
async fn reservations_on_days_come_only_with_include_resources() {
    let (sandbox, client) = api::connected().await;
    let listing = first_listing(&sandbox);
    let (start, end) = (api::today() - Duration::days(30), api::today());
    let plain = days(&client, listing, start, end).await;
    assert!(plain.iter().all(|d| d.reservations.is_empty()));
    let rich = client
        .get_calendar()
        .listing_id(listing)
        .start_date(start)
        .end_date(end)
        .include_resources(1)
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    let booked: Vec<_> = rich.iter().filter(|d| d.status.as_deref() == Some("reserved")).collect();
    assert!(!booked.is_empty());
    assert!(booked.iter().all(|d| d.reservations.len() == 1 && d.reservations[0].listing_map_id == Some(listing)));
}

#[tokio::test]
async fn blocking_a_free_range_makes_it_unavailable_to_calendar_and_availability_search() {
    let (sandbox, client) = api::connected().await;
    let (start, end) = (api::today() + Duration::days(100), api::today() + Duration::days(102));
    let free = client
        .list_listings()
        .availability_date_start(start)
        .availability_date_end(end + Duration::days(1))
        .send()
        .await
        .unwrap();
    let listing = free.result.first().expect("some listing is free 100 days ahead").id;

    let blocked = client
        .update_calendar()
        .listing_id(listing)
        .body(types::CalendarUpdate { is_available: Some(0), note: Some("Renovation".into()), ..update(start, end) })
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    assert_eq!(blocked.len(), 3, "the range is inclusive");
    assert!(blocked.iter().all(|d| d.is_available == Some(0) && d.status.as_deref() == Some("blocked")));
    assert!(days(&client, listing, start, end).await.iter().all(|d| d.note.as_deref() == Some("Renovation")));
    let after = client
        .list_listings()
        .availability_date_start(start)
        .availability_date_end(end + Duration::days(1))
        .send()
        .await
        .unwrap();
    assert!(after.result.iter().all(|l| l.id != listing));
    assert_eq!(after.count.unwrap() + 1, free.count.unwrap());

    client
        .update_calendar()
        .listing_id(listing)
        .body(types::CalendarUpdate { is_available: Some(1), ..update(start, end) })
        .send()
        .await
        .unwrap();
    assert!(days(&client, listing, start, end).await.iter().all(|d| d.is_available == Some(1)));
    assert_eq!(sandbox.stats().applied(id::UPDATE_CALENDAR), 2);
}

#[tokio::test]
async fn price_and_minimum_stay_updates_show_on_the_days_and_in_quotes() {
    let (sandbox, client) = api::connected().await;
    let listing = first_listing(&sandbox);
    let start = api::today() + Duration::days(200);
    let end = start + Duration::days(1);
    client
        .update_calendar()
        .listing_id(listing)
        .body(types::CalendarUpdate { price: Some(321.0), minimum_stay: NonZeroU32::new(4), ..update(start, end) })
        .send()
        .await
        .unwrap();
    let changed = days(&client, listing, start, end).await;
    assert!(changed.iter().all(|d| d.price == Some(321.0) && d.minimum_stay == Some(4)));
    let quote = client
        .get_price_details()
        .listing_id(listing)
        .body(types::PriceDetailsRequest {
            starting_date: start,
            ending_date: end + Duration::days(1),
            number_of_guests: NonZeroU32::new(1).unwrap(),
            version: 2.try_into().unwrap(),
            markup: None,
            reservation_coupon_id: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    let base = quote.components.iter().find(|c| c.name == "baseRate").unwrap();
    assert_eq!(base.total, 642.0);
}

#[tokio::test]
async fn batch_intervals_apply_every_interval_and_refuse_more_than_200() {
    let (sandbox, client) = api::connected().await;
    let listing = first_listing(&sandbox);
    let base = api::today() + Duration::days(300);
    let intervals: Vec<_> = (0..3)
        .map(|i| types::CalendarUpdate {
            price: Some(200.0 + f64::from(i)),
            ..update(base + Duration::days(i64::from(i) * 2), base + Duration::days(i64::from(i) * 2))
        })
        .collect();
    let done = client.update_calendar_intervals().listing_id(listing).body(intervals).send().await.unwrap();
    assert_eq!(done.status, types::EnvelopeStatus::Success);
    let prices: Vec<f64> =
        days(&client, listing, base, base + Duration::days(4)).await.iter().map(|d| d.price.unwrap()).collect();
    assert_eq!((prices[0], prices[2], prices[4]), (200.0, 201.0, 202.0));

    let too_many: Vec<_> = (0..201).map(|i| update(base + Duration::days(i), base + Duration::days(i))).collect();
    let (status, message) =
        api::failure(client.update_calendar_intervals().listing_id(listing).body(too_many).send().await);
    assert_eq!(status, 400);
    assert!(message.contains("200"), "{message}");
}

#[tokio::test]
async fn bad_ranges_and_unknown_listings_are_refused() {
    let (sandbox, client) = api::connected().await;
    let listing = first_listing(&sandbox);
    let day = api::today();
    let backwards =
        client.get_calendar().listing_id(listing).start_date(day).end_date(day - Duration::days(1)).send().await;
    assert_eq!(api::failure(backwards).0, 400);
    let write = client.update_calendar().listing_id(listing).body(update(day, day - Duration::days(3))).send().await;
    assert_eq!(api::failure(write).0, 400);
    assert_eq!(api::failure(client.get_calendar().listing_id(99).send().await).0, 404);
    assert_eq!(sandbox.stats().applied(id::UPDATE_CALENDAR), 0);
}

#[tokio::test]
async fn a_quote_adds_its_components_up_and_charges_extra_guests() {
    let (sandbox, client) = api::connected().await;
    let listing = sandbox.inspect(|s| s.listings.values().find(|l| l.person_capacity.unwrap() >= 4).unwrap().clone());
    let quote = |guests: u32| {
        client.get_price_details().listing_id(listing.id).body(types::PriceDetailsRequest {
            starting_date: api::today() + Duration::days(10),
            ending_date: api::today() + Duration::days(13),
            number_of_guests: NonZeroU32::new(guests).unwrap(),
            version: 2.try_into().unwrap(),
            markup: None,
            reservation_coupon_id: None,
        })
    };
    let small = quote(1).send().await.unwrap().into_inner().result;
    let sum: f64 = small.components.iter().map(|c| c.total).sum();
    assert!((sum - small.total_price).abs() < 0.01, "{sum} vs {}", small.total_price);
    assert!(small.components.iter().any(|c| c.name == "cleaningFee" && Some(c.total) == listing.cleaning_fee));
    let full = quote(listing.person_capacity.unwrap() as u32).send().await.unwrap().into_inner().result;
    assert!(full.total_price > small.total_price);
    assert!(full.components.iter().any(|c| c.name == "priceForExtraPerson"));
    let too_many = quote(listing.person_capacity.unwrap() as u32 + 1).send().await;
    assert!(api::failure(too_many).1.contains("capacity"));
}
