//! End to end: one vocabulary across tools and no answers that mislead — the same channel name
//! everywhere, no negative zero money, numbers as text, amenity names, accent-blind matching,
//! unknown places named as such, and an inbox ordered by who needs a reply first. Expectations are
//! derived from the sandbox's store, never from the date.

use crate::support::mcp;
use hostaway_mcp::domain::Channel;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Duration, NaiveDate};
use hostaway_mcp::hostaway::types;
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

/// Lowercase without accents, as a person types a name.
fn fold(text: &str) -> String {
    text.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

fn today(h: &mcp::Harness) -> NaiveDate {
    h.sandbox.inspect(|s| s.today)
}

/// Every row of a paged tool, following next_cursor.
async fn all_pages(h: &mcp::Harness, tool: &str, args: Value, rows_key: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..200 {
        let mut page_args = args.clone();
        if let Some(c) = &cursor {
            page_args["cursor"] = json!(c);
        }
        let page = h.ok(tool, page_args).await;
        rows.extend(page[rows_key].as_array().unwrap().iter().cloned());
        match page.get("next_cursor").and_then(Value::as_str) {
            Some(next) => cursor = Some(next.to_string()),
            None => return rows,
        }
    }
    panic!("{tool}: the cursor never ended");
}

#[tokio::test]
async fn one_reservation_has_one_channel_name_in_every_tool() {
    let h = mcp::start().await;
    // A confirmed Airbnb stay (Hostaway calls it airbnbOfficial) whose nights the revenue report counts.
    let stay: types::Reservation = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter(|r| r.channel_id == Some(Channel::Airbnb.id()) && matches!(r.status.as_str(), "new" | "modified"))
            .min_by_key(|r| ((r.arrival_date - s.today).num_days().abs(), r.id))
            .cloned()
            .expect("the sandbox has confirmed Airbnb stays")
    });
    assert_eq!(stay.channel_name.as_deref(), Some("airbnbOfficial"), "the sandbox names it the Hostaway way");
    let one = h.ok("get_reservation", json!({"reservation_id": stay.id})).await;
    let channel = one["channel"].as_str().unwrap().to_string();
    assert_eq!(channel, "airbnb");

    let found = h
        .ok(
            "search_reservations",
            json!({"channel": channel, "listing_id": stay.listing_map_id,
                   "arrival_start_date": stay.arrival_date.to_string(), "arrival_end_date": stay.arrival_date.to_string()}),
        )
        .await;
    let row = found["reservations"].as_array().unwrap().iter().find(|r| r["reservation_id"] == json!(stay.id));
    assert_eq!(row.expect("the channel filter accepts the name it answers with")["channel"], json!(channel));

    let payments = h.ok("get_reservation", json!({"reservation_id": stay.id, "payments": true})).await;
    assert_eq!(payments["channel"], json!(channel));

    let last_night = stay.departure_date - Duration::days(1);
    let report = h
        .ok(
            "revenue_report",
            json!({"start_date": stay.arrival_date.to_string(), "end_date": last_night.to_string(),
                   "group_by": "channel", "listing_ids": [stay.listing_map_id]}),
        )
        .await;
    let groups: Vec<&str> = report["groups"].as_array().unwrap().iter().map(|g| g["group"].as_str().unwrap()).collect();
    assert!(groups.contains(&channel.as_str()), "revenue groups {groups:?} lack {channel}");
    let hostaway_names: BTreeSet<String> = h.sandbox.inspect(|s| {
        s.reservations.values().filter_map(|r| r.channel_name.clone()).filter(|n| n != "direct").collect()
    });
    assert!(groups.iter().all(|g| !hostaway_names.contains(*g)), "Hostaway's own names leaked: {groups:?}");
}

#[tokio::test]
async fn money_is_never_negative_zero() {
    let h = mcp::start().await;
    let today = today(&h);
    // Reservations without guest charges (channel-collected) sum nothing paid and nothing due.
    let picks: Vec<i64> = h.sandbox.inspect(|s| {
        let charged: BTreeSet<i64> = s.charges.iter().filter_map(|c| c.reservation_id).collect();
        let uncharged = s.reservations.values().filter(|r| !charged.contains(&r.id)).take(5);
        let charged = s.reservations.values().filter(|r| charged.contains(&r.id)).take(5);
        uncharged.chain(charged).map(|r| r.id).collect()
    });
    assert!(picks.len() >= 6, "the sandbox has reservations with and without charges");
    let mut texts = Vec::new();
    for id in picks {
        texts.push(mcp::text(&h.call("get_reservation", json!({"reservation_id": id, "payments": true})).await));
    }
    for group_by in ["total", "listing", "channel", "month"] {
        let args = json!({"start_date": (today - Duration::days(120)).to_string(),
                          "end_date": (today + Duration::days(60)).to_string(), "group_by": group_by});
        texts.push(mcp::text(&h.call("revenue_report", args).await));
    }
    for text in texts {
        assert!(text.starts_with('{'), "a tool failed: {text}");
        for negative_zero in ["-0.0", "-0,", "-0}", "-0]"] {
            assert!(!text.contains(negative_zero), "{negative_zero} in {text}");
        }
    }
}

#[tokio::test]
async fn prices_accept_numbers_sent_as_text_and_junk_is_named() {
    let h = mcp::start().await;
    let today = today(&h);
    let listing = h.sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let (check_in, check_out) = ((today + Duration::days(200)).to_string(), (today + Duration::days(203)).to_string());
    let found = h
        .ok(
            "find_available_listings",
            json!({"check_in": check_in, "check_out": check_out, "guests": "2", "max_total_price": "250"}),
        )
        .await;
    assert!(found["listings"].as_array().unwrap().iter().all(|l| l["total"]["amount"].as_f64().unwrap() <= 250.0));
    let preview = h
        .ok(
            "set_rates",
            json!({"listing_id": listing.to_string(), "start_date": check_in, "end_date": check_out,
                               "price": "480.5"}),
        )
        .await;
    assert!(preview.to_string().contains("480.5"), "the preview shows the new price: {preview}");

    let error = h
        .err(
            "find_available_listings",
            json!({"check_in": check_in, "check_out": check_out, "guests": 2,
                                                "max_total_price": "cheap"}),
        )
        .await;
    assert!(error.contains("`max_total_price`"), "{error}");
    let error = h
        .err(
            "set_rates",
            json!({"listing_id": listing, "start_date": check_in, "end_date": check_out, "price": "a lot"}),
        )
        .await;
    assert!(error.contains("`price`"), "{error}");
}

/// Amenity names of each listing, from the store.
fn amenities(h: &mcp::Harness) -> HashMap<i64, BTreeSet<String>> {
    h.sandbox.inspect(|s| {
        let names: HashMap<i64, String> = s.amenities.iter().map(|a| (a.id, a.name.clone())).collect();
        s.listings
            .values()
            .map(|l| (l.id, l.listing_amenities.iter().filter_map(|a| names.get(&a.amenity_id).cloned()).collect()))
            .collect()
    })
}

fn row_amenities(row: &Value) -> BTreeSet<String> {
    row["more"]["amenities"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn full_listing_rows_carry_their_amenity_names() {
    let h = mcp::start().await;
    let expected = amenities(&h);
    assert!(expected.values().all(|names| !names.is_empty()), "every seeded listing has amenities");
    let rows = all_pages(&h, "search_listings", json!({"detail": "full", "limit": 100}), "listings").await;
    assert_eq!(rows.len(), expected.len());
    for row in &rows {
        assert_eq!(row_amenities(row), expected[&row["listing_id"].as_i64().unwrap()], "{}", row["name"]);
    }
    let today = today(&h);
    let found = h
        .ok(
            "find_available_listings",
            json!({"check_in": (today + Duration::days(300)).to_string(),
                   "check_out": (today + Duration::days(303)).to_string(), "guests": 1, "limit": 20, "detail": "full"}),
        )
        .await;
    let rows = found["listings"].as_array().unwrap();
    assert!(!rows.is_empty(), "listings are free ten months ahead: {found}");
    for row in rows {
        assert_eq!(row_amenities(row), expected[&row["listing_id"].as_i64().unwrap()], "{}", row["name"]);
    }
}

#[tokio::test]
async fn names_and_places_match_without_case_or_accents() {
    let h = mcp::start().await;
    let lisbon: BTreeSet<i64> = h
        .sandbox
        .inspect(|s| s.listings.values().filter(|l| l.city.as_deref() == Some("Lisbon")).map(|l| l.id).collect());
    assert!(!lisbon.is_empty());
    for spelling in ["lisbon", "LISBON"] {
        let rows = all_pages(&h, "search_listings", json!({"city": spelling}), "listings").await;
        let ids: BTreeSet<i64> = rows.iter().map(|r| r["listing_id"].as_i64().unwrap()).collect();
        assert_eq!(ids, lisbon, "{spelling}");
    }
    let sao: BTreeSet<i64> =
        h.sandbox.inspect(|s| s.listings.values().filter(|l| l.name.contains("São")).map(|l| l.id).collect());
    assert!(!sao.is_empty(), "a seeded listing name has São");
    let rows = all_pages(&h, "search_listings", json!({"query": "Sao"}), "listings").await;
    let ids: BTreeSet<i64> = rows.iter().map(|r| r["listing_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, sao);

    let mullers: BTreeMap<i64, String> = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter_map(|r| r.guest_name.clone().filter(|n| fold(n).contains("muller")).map(|n| (r.id, n)))
            .collect()
    });
    assert!(mullers.values().any(|n| n.contains("Müller")), "the sandbox has a Müller");
    let rows = all_pages(&h, "search_reservations", json!({"guest": "Muller", "limit": 100}), "reservations").await;
    let ids: BTreeSet<i64> = rows.iter().map(|r| r["reservation_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, mullers.keys().copied().collect::<BTreeSet<_>>());

    let guests = h.ok("search_reservations", json!({"by_guest": true, "guest": "MULLER"})).await;
    let profiles = guests["guests"].as_array().unwrap();
    assert!(!profiles.is_empty());
    for profile in profiles {
        let name = profile["guest_name"].as_str().unwrap();
        assert!(fold(name).contains("muller"), "{name}");
        for id in profile["reservation_ids"].as_array().unwrap() {
            assert!(mullers.contains_key(&id.as_i64().unwrap()), "{profile}");
        }
    }
}

#[tokio::test]
async fn an_unknown_place_is_named_as_unknown_not_as_fully_booked() {
    let h = mcp::start().await;
    let today = today(&h);
    let error = h.err("search_listings", json!({"city": "Lisboa"})).await;
    assert!(error.contains("`city`") && error.contains("no listing is in \"Lisboa\""), "{error}");
    assert!(error.contains("Lisbon"), "the closest city is offered: {error}");
    let stay = json!({"check_in": (today + Duration::days(40)).to_string(),
                      "check_out": (today + Duration::days(42)).to_string(), "guests": 2});
    let mut args = stay.clone();
    args["city"] = json!("Lisboa");
    let error = h.err("find_available_listings", args).await;
    assert!(error.contains("Lisbon") && !error.contains("free"), "{error}");
    let mut args = stay.clone();
    args["country"] = json!("Portgual");
    let error = h.err("find_available_listings", args).await;
    assert!(error.contains("`country`") && error.contains("Portugal"), "{error}");
    // A known place in another spelling still searches.
    let mut args = stay;
    args["country"] = json!("pt");
    h.ok("find_available_listings", args).await;
}

/// An unread conversation's place in reply order: (group, arrival, no wait known, waiting since, id), and its
/// listing name.
type ReplyKey = (u8, Option<NaiveDate>, bool, String, i64, Option<String>);

#[tokio::test]
async fn unread_conversations_come_in_reply_order_and_page_through_all() {
    let h = mcp::start().await;
    let first = h.ok("unread_conversations", json!({})).await;
    let today = NaiveDate::parse_from_str(first["today"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let utc_today = h.sandbox.inspect(|s| s.today);
    assert!(today >= utc_today && today <= utc_today + Duration::days(1), "the account's today is UTC's or the next");
    // (group, arrival for arriving, longest waiting first, id): the order the tool, the server's
    // instructions and the answer_unread_guests prompt all state (issue 25).
    let expected: Vec<(i64, Option<String>)> = h.sandbox.inspect(|s| {
        let mut unread: Vec<ReplyKey> = s
            .conversations
            .values()
            .filter(|c| c.has_unread_messages == Some(1))
            .map(|c| {
                let r = c.reservation_id.and_then(|id| s.reservations.get(&id));
                let holds = r.filter(|r| {
                    matches!(
                        r.status.as_str(),
                        "new" | "modified" | "pending" | "awaitingPayment" | "awaitingGuestVerification" | "ownerStay"
                    )
                });
                let (group, arrival) = match holds {
                    Some(r) if r.arrival_date <= today && today < r.departure_date => (0, None),
                    Some(r) if r.arrival_date > today => (1, Some(r.arrival_date)),
                    _ => (2, None),
                };
                let received = c.message_received_on.clone();
                let listing = c.listing_map_id.and_then(|id| s.listings.get(&id)).map(|l| l.name.clone());
                (group, arrival, received.is_none(), received.unwrap_or_default(), c.id, listing)
            })
            .collect();
        unread.sort();
        unread.into_iter().map(|(_, _, _, _, id, listing)| (id, listing)).collect()
    });
    assert!(expected.len() > 7, "enough unread conversations to page: {}", expected.len());
    let rows = all_pages(&h, "unread_conversations", json!({"limit": 7}), "conversations").await;
    let got: Vec<(i64, Option<String>)> = rows
        .iter()
        .map(|r| (r["conversation_id"].as_i64().unwrap(), r["listing_name"].as_str().map(str::to_string)))
        .collect();
    assert_eq!(got, expected);
    assert!(got.iter().all(|(_, name)| name.is_some()), "every row names its listing");
    assert_eq!(first["unread_total"], json!(expected.len()));
}

/// The inbox order is stated once and the same everywhere a model reads it: the tool's
/// description, the server's instructions and the answer_unread_guests prompt (issue 25).
#[tokio::test]
async fn the_inbox_order_reads_the_same_in_the_tool_the_instructions_and_the_prompt() {
    let h = mcp::start().await;
    let order = "in-house guests, then arrivals, each longest waiting first";
    let instructions = h.client.peer_info().unwrap().instructions.clone().unwrap_or_default();
    assert!(instructions.contains(order), "{instructions}");
    let tools = h.client.list_all_tools().await.unwrap();
    let tool = tools.iter().find(|t| t.name == "unread_conversations").unwrap();
    let described = tool.description.as_deref().unwrap_or_default().replace('\n', " ");
    assert!(described.contains("longest waiting first"), "{described}");
    let prompt = h.client.get_prompt(rmcp::model::GetPromptRequestParams::new("answer_unread_guests")).await.unwrap();
    let text = serde_json::to_string(&prompt.messages).unwrap();
    assert!(text.contains(order), "{text}");
}
