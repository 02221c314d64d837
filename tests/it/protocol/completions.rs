//! `completion/complete` end to end: listing ids by a fragment of the name, cities by their start,
//! reservation ids by the guest's name, day words; nothing for what the session cannot see.

use crate::support::mcp;

use hostaway_mcp::server::ServerOptions;
use rmcp::model::CompletionInfo;

const LISTING: &str = "hostaway://listings/{listing_id}";
const RESERVATION: &str = "hostaway://reservations/{reservation_id}";

async fn resource(h: &mcp::Harness, uri: &str, argument: &str, value: &str) -> CompletionInfo {
    h.client.complete_resource_argument(uri, argument, value, None).await.unwrap()
}

async fn prompt(h: &mcp::Harness, name: &str, argument: &str, value: &str) -> CompletionInfo {
    h.client.complete_prompt_argument(name, argument, value, None).await.unwrap()
}

#[tokio::test]
async fn a_listing_id_completes_from_a_fragment_of_its_name_in_any_case() {
    let h = mcp::start().await;
    let (id, name) = h.sandbox.inspect(|s| {
        let listing = s.listings.values().nth(5).unwrap();
        (listing.id, listing.name.clone())
    });
    // An ASCII word, so that upper-casing it changes only its case ("ß" would become "SS").
    let word = name
        .split_whitespace()
        .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
        .max_by_key(|w| w.len())
        .unwrap()
        .to_uppercase();
    let found = resource(&h, LISTING, "listing_id", &word).await;
    assert!(found.values.contains(&id.to_string()), "{word:?} should find {id} ({name}): {:?}", found.values);
    let names = h.sandbox.inspect(|s| s.listings.clone());
    for value in &found.values {
        let listing = &names[&value.parse::<i64>().unwrap()];
        assert!(listing.name.to_uppercase().contains(&word), "{} does not contain {word}", listing.name);
    }
    assert_eq!(found.total, Some(found.values.len() as u32));

    let prefix = id.to_string()[..3].to_string();
    let by_id = resource(&h, LISTING, "listing_id", &prefix).await;
    assert!(by_id.values.contains(&id.to_string()));
    assert!(by_id.values.iter().all(|v| v.starts_with(&prefix)), "{:?}", by_id.values);
}

#[tokio::test]
async fn a_city_completes_from_its_first_letters_without_accents() {
    let h = mcp::start().await;
    let city = h.sandbox.inspect(|s| s.listings.values().find_map(|l| l.city.clone()).unwrap());
    let typed: String = city.chars().take(3).collect::<String>().to_lowercase();
    let found = prompt(&h, "find_a_stay", "city", &typed).await;
    assert!(found.values.contains(&city), "{typed:?} should find {city}: {:?}", found.values);
    let fold = |s: &str| hostaway_mcp::tools::text_match::fold(s);
    assert!(found.values.iter().all(|c| fold(c).starts_with(&fold(&typed))), "{:?}", found.values);
}

#[tokio::test]
async fn a_reservation_id_completes_from_the_guests_name() {
    let h = mcp::start().await;
    let (id, last) = h.sandbox.inspect(|s| {
        let r = s.reservations.values().nth(7).unwrap();
        (r.id, r.guest_last_name.clone().unwrap())
    });
    let found = resource(&h, RESERVATION, "reservation_id", &last.to_lowercase()).await;
    assert!(found.values.contains(&id.to_string()), "{last} should find reservation {id}: {:?}", found.values);
    let guests = h.sandbox.inspect(|s| s.reservations.clone());
    for value in &found.values {
        let guest = guests[&value.parse::<i64>().unwrap()].guest_name.clone().unwrap_or_default();
        assert!(guest.to_lowercase().contains(&last.to_lowercase()), "{guest} does not match {last}");
    }
    assert!(resource(&h, RESERVATION, "reservation_id", "a").await.values.is_empty(), "one letter matches everyone");
}

/// Issue 25 (smaller): a name typed without its accents ("muller") completes to Müller's
/// bookings too, like search_reservations' by_guest match. Hostaway's own match is exact about accents, so the
/// plain spelling is matched here over the newest 1,000 bookings, and says so when it stopped there.
#[tokio::test]
async fn a_guests_name_completes_without_its_accents() {
    let h = mcp::start().await;
    let want: std::collections::BTreeSet<String> = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter(|r| r.guest_name.as_deref().is_some_and(|g| g.contains("Müller")))
            .map(|r| r.id.to_string())
            .collect()
    });
    assert!(!want.is_empty(), "the seed has Müllers");
    let accented = resource(&h, RESERVATION, "reservation_id", "Müller").await;
    assert_eq!(accented.total, Some(want.len() as u32));
    let plain = resource(&h, RESERVATION, "reservation_id", "muller").await;
    assert!(!plain.values.is_empty(), "muller finds nobody");
    assert!(plain.values.iter().all(|id| want.contains(id)), "{:?}", plain.values);
    let stored = h.sandbox.inspect(|s| s.reservations.len());
    match plain.total {
        Some(total) => assert_eq!(total as usize, want.len(), "a whole scan finds them all"),
        None => assert!(stored > 1000 && plain.has_more == Some(true), "only a capped scan has no total"),
    }
}

#[tokio::test]
async fn day_words_complete_and_unknown_references_complete_to_nothing() {
    let h = mcp::start().await;
    assert_eq!(prompt(&h, "daily_briefing", "date", "to").await.values, ["today", "tomorrow"]);
    // What the conformance suite asks of any server: an unknown prompt gets an empty list, not an error.
    let unknown = prompt(&h, "test_prompt_with_arguments", "arg1", "test").await;
    assert!(unknown.values.is_empty());
    assert!(resource(&h, "hostaway://nothing/{id}", "id", "1").await.values.is_empty());
}

#[tokio::test]
async fn completions_follow_the_tools_the_session_has() {
    let options = ServerOptions { toolsets: vec!["finance".into()], ..Default::default() };
    let h = mcp::start_with(mcp::sandbox_config(), options).await;
    let name = h.sandbox.inspect(|s| s.listings.values().next().unwrap().name.clone());
    let word = name.split_whitespace().next().unwrap();
    assert!(resource(&h, LISTING, "listing_id", word).await.values.is_empty(), "get_listing is not offered");
    assert!(prompt(&h, "find_a_stay", "city", "").await.values.is_empty(), "no listing tools, no cities");
    let last = h.sandbox.inspect(|s| s.reservations.values().next().unwrap().guest_last_name.clone().unwrap());
    assert!(resource(&h, RESERVATION, "reservation_id", &last).await.values.is_empty());
}
