//! Contract: listings and amenities through the generated client against the sandbox.

use crate::support::api;
use hostaway_mcp::hostaway::id;

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use hostaway_mcp::hostaway::types;

#[tokio::test]
async fn the_list_carries_the_envelope_and_limit_offset_pages_cover_every_listing_once() {
    let (sandbox, client) = api::connected().await;
    let total = sandbox.inspect(|s| s.listings.len());
    let mut seen = BTreeSet::new();
    for offset in (0..total).step_by(7) {
        let page = client
            .list_listings()
            .limit(std::num::NonZeroU32::new(7).unwrap())
            .offset(offset as i32)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status, types::EnvelopeStatus::Success);
        assert_eq!(page.count, Some(total as i64));
        assert_eq!((page.limit, page.offset), (Some(7), Some(offset as i64)));
        for listing in &page.result {
            assert!(seen.insert(listing.id), "listing {} on two pages", listing.id);
        }
    }
    assert_eq!(seen.len(), total);
}

#[tokio::test]
async fn place_and_name_filters_select_exactly_the_matching_listings() {
    let (sandbox, client) = api::connected().await;
    let lisbon = client.list_listings().city("lisbon").send().await.unwrap().into_inner();
    let expected = sandbox.inspect(|s| s.listings.values().filter(|l| l.city.as_deref() == Some("Lisbon")).count());
    assert!(expected > 0);
    assert_eq!(lisbon.result.len(), expected);
    assert_eq!(lisbon.count, Some(expected as i64));

    let germany = client.list_listings().country("DE").send().await.unwrap().into_inner();
    assert!(germany.result.iter().all(|l| l.country.as_deref() == Some("Germany")));
    let by_name = client.list_listings().country("Germany").send().await.unwrap().into_inner();
    assert_eq!(germany.count, by_name.count);

    let word = lisbon.result[0].name.split(' ').nth(1).unwrap().to_lowercase();
    let matched = client.list_listings().match_(word.clone()).send().await.unwrap().into_inner();
    assert!(!matched.result.is_empty());
    assert!(matched.result.iter().all(|l| l.name.to_lowercase().contains(&word)));
}

#[tokio::test]
async fn the_availability_filter_returns_exactly_the_listings_free_for_every_night_with_room_for_the_party() {
    let (sandbox, client) = api::connected().await;
    for (start, nights, guests) in [(api::today(), 2, 2), (api::today() + Duration::days(40), 4, 4)] {
        let end = start + Duration::days(nights);
        let free: BTreeSet<i64> = client
            .list_listings()
            .availability_date_start(start)
            .availability_date_end(end)
            .availability_guest_number(guests)
            .send()
            .await
            .unwrap()
            .into_inner()
            .result
            .iter()
            .map(|l| l.id)
            .collect();
        // Cross-check every listing against its calendar: the filter must agree with the days.
        let listings: Vec<types::Listing> = sandbox.inspect(|s| s.listings.values().cloned().collect());
        for listing in listings {
            let days = client
                .get_calendar()
                .listing_id(listing.id)
                .start_date(start)
                .end_date(end - Duration::days(1))
                .send()
                .await
                .unwrap()
                .into_inner()
                .result;
            let open = days.len() == nights as usize && days.iter().all(|d| d.is_available == Some(1));
            let fits = listing.person_capacity.unwrap_or(0) >= guests;
            assert_eq!(free.contains(&listing.id), open && fits, "listing {} from {start}", listing.id);
        }
    }
}

#[tokio::test]
async fn availability_dates_must_come_together_and_in_order() {
    let (_sandbox, client) = api::connected().await;
    let day = NaiveDate::from_ymd_opt(2027, 1, 10).unwrap();
    let (status, message) = api::failure(client.list_listings().availability_date_start(day).send().await);
    assert_eq!(status, 400);
    assert!(message.contains("together"), "{message}");
    let backwards = client.list_listings().availability_date_start(day).availability_date_end(day).send().await;
    assert_eq!(api::failure(backwards).0, 400);
}

#[tokio::test]
async fn sort_orders_order_by_name_and_id() {
    let (_sandbox, client) = api::connected().await;
    let names: Vec<String> = client
        .list_listings()
        .sort_order(types::ListingSortOrder::Name)
        .send()
        .await
        .unwrap()
        .into_inner()
        .result
        .into_iter()
        .map(|l| l.name.to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));
    let ids: Vec<i64> = client
        .list_listings()
        .sort_order(types::ListingSortOrder::OrderReversed)
        .send()
        .await
        .unwrap()
        .into_inner()
        .result
        .into_iter()
        .map(|l| l.id)
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]));
}

#[tokio::test]
async fn get_returns_the_listing_and_an_unknown_id_is_404() {
    let (sandbox, client) = api::connected().await;
    let id = sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let listing = client.get_listing().listing_id(id).send().await.unwrap().into_inner().result;
    assert_eq!(listing.id, id);
    assert!(listing.address.is_some() && listing.person_capacity.is_some() && !listing.listing_amenities.is_empty());
    let (status, message) = api::failure(client.get_listing().listing_id(1).send().await);
    assert_eq!(status, 404);
    assert!(message.contains('1'));
}

#[tokio::test]
async fn create_update_and_delete_are_visible_to_reads() {
    let (sandbox, client) = api::connected().await;
    let before = sandbox.inspect(|s| s.listings.len());
    let created = client
        .create_listing()
        .body(types::ListingInput {
            name: Some("Harbour View Loft".into()),
            city: Some("Porto".into()),
            person_capacity: Some(3),
            price: Some(120.0),
            currency_code: Some("EUR".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    assert_eq!((created.name.as_str(), created.person_capacity), ("Harbour View Loft", Some(3)));
    let listed = client.list_listings().match_("harbour view").send().await.unwrap().into_inner();
    assert_eq!(listed.result.iter().map(|l| l.id).collect::<Vec<_>>(), vec![created.id]);

    let updated = client
        .update_listing()
        .listing_id(created.id)
        .body(types::ListingInput { price: Some(135.0), ..Default::default() })
        .send()
        .await
        .unwrap()
        .into_inner()
        .result;
    assert_eq!(
        (updated.price, updated.city.as_deref(), updated.name.as_str()),
        (Some(135.0), Some("Porto"), "Harbour View Loft")
    );
    let read = client.get_listing().listing_id(created.id).send().await.unwrap().into_inner().result;
    assert_eq!(read.price, Some(135.0));

    client.delete_listing().listing_id(created.id).send().await.unwrap();
    assert_eq!(api::failure(client.get_listing().listing_id(created.id).send().await).0, 404);
    assert_eq!(sandbox.inspect(|s| s.listings.len()), before);
    assert_eq!(api::failure(client.delete_listing().listing_id(created.id).send().await).0, 404);
}

#[tokio::test]
async fn creating_a_listing_without_a_name_fails_with_a_message() {
    let (sandbox, client) = api::connected().await;
    let result = client
        .create_listing()
        .body(types::ListingInput { city: Some("Berlin".into()), ..Default::default() })
        .send()
        .await;
    let (status, message) = api::failure(result);
    assert_eq!(status, 400);
    assert!(message.contains("name"), "{message}");
    assert_eq!(sandbox.stats().applied(id::CREATE_LISTING), 0);
}

#[tokio::test]
async fn amenities_name_every_amenity_a_listing_refers_to() {
    let (sandbox, client) = api::connected().await;
    let catalogue: BTreeSet<i64> =
        client.list_amenities().send().await.unwrap().into_inner().result.iter().map(|a| a.id).collect();
    assert!(catalogue.len() >= 20);
    let referenced: BTreeSet<i64> = sandbox
        .inspect(|s| s.listings.values().flat_map(|l| l.listing_amenities.iter().map(|a| a.amenity_id)).collect());
    assert!(referenced.is_subset(&catalogue));
}
