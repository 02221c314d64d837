//! End to end: block_dates (both ways), set_rates and update_listing against the sandbox.

use crate::support::mcp;
use hostaway_mcp::hostaway::id;

use chrono::{Duration, NaiveDate};
use hostaway_mcp::{
    sandbox::store::{Store, blocks_calendar},
    server::ServerOptions,
};
use serde_json::{Value, json};

/// A listing and a range of a few days with both bookable and booked days in it.
struct Busy {
    listing: i64,
    start: NaiveDate,
    end: NaiveDate,
}

impl Busy {
    fn args(&self) -> Value {
        json!({"listing_id": self.listing, "start_date": self.start.to_string(), "end_date": self.end.to_string()})
    }

    fn with(&self, extra: Value) -> Value {
        let mut args = self.args();
        for (key, value) in extra.as_object().unwrap() {
            args[key] = value.clone();
        }
        args
    }
}

/// Finds a range ending in the first nights of a future reservation, with free days before it.
fn busy(h: &mcp::Harness) -> Busy {
    h.sandbox.inspect(|s| {
        for r in s
            .reservations
            .values()
            .filter(|r| blocks_calendar(&r.status) && r.arrival_date > s.today + Duration::days(10))
        {
            let (start, end) = (r.arrival_date - Duration::days(4), r.arrival_date + Duration::days(1));
            if r.departure_date <= end {
                continue;
            }
            let states = states(s, r.listing_map_id, start, end);
            if states.iter().filter(|(_, st)| st == "available").count() >= 2 {
                return Busy { listing: r.listing_map_id, start, end };
            }
        }
        panic!("no future reservation with free days before it")
    })
}

/// Each day's calendar status in the sandbox.
fn states(s: &Store, listing: i64, start: NaiveDate, end: NaiveDate) -> Vec<(NaiveDate, String)> {
    let listing = &s.listings[&listing];
    s.calendar(listing, start, end, false).into_iter().map(|d| (d.date, d.status.unwrap())).collect()
}

fn sandbox_states(h: &mcp::Harness, b: &Busy) -> Vec<(NaiveDate, String)> {
    h.sandbox.inspect(|s| states(s, b.listing, b.start, b.end))
}

fn count(states: &[(NaiveDate, String)], status: &str) -> u64 {
    states.iter().filter(|(_, s)| s == status).count() as u64
}

fn conflict_nights(answer: &Value) -> u64 {
    answer["conflicts"].as_array().unwrap().iter().map(|c| c["nights"].as_u64().unwrap()).sum()
}

/// Upstream requests the sandbox has received so far.
fn calls(h: &mcp::Harness) -> u64 {
    h.sandbox.stats().total_received()
}

/// One read first, so the token mint is not counted in a budget.
async fn warm_up(h: &mcp::Harness) {
    h.ok("search_listings", json!({"limit": 1})).await;
}

#[tokio::test]
async fn a_block_preview_reads_once_writes_nothing_and_names_the_booked_nights() {
    let h = mcp::start().await;
    let b = busy(&h);
    warm_up(&h).await;
    let before = sandbox_states(&h, &b);
    let overrides = h.sandbox.inspect(|s| s.days.clone());
    let start = calls(&h);
    let preview = h.ok("block_dates", b.with(json!({"note": "Maintenance"}))).await;
    assert_eq!(calls(&h) - start, 2, "a preview is one getCalendar and the listing's zone");
    assert_eq!(preview["status"], "preview");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_CALENDAR), 0);
    assert_eq!(sandbox_states(&h, &b), before, "a preview changes nothing");
    assert_eq!(h.sandbox.inspect(|s| s.days.clone()), overrides);

    assert_eq!(preview["will_change"]["count"], json!(count(&before, "available")));
    assert_eq!(preview["already"]["count"], json!(count(&before, "blocked")));
    let booked = count(&before, "reserved") + count(&before, "pending");
    assert!(booked >= 2);
    assert_eq!(conflict_nights(&preview), booked);
    let conflict = &preview["conflicts"].as_array().unwrap().last().unwrap();
    let reservation = conflict["reservation_id"].as_i64().expect("the preview names the reservation");
    let (arrival, listing) =
        h.sandbox.inspect(|s| (s.reservations[&reservation].arrival_date, s.reservations[&reservation].listing_map_id));
    assert_eq!(listing, b.listing);
    assert_eq!(conflict["start_date"], json!(arrival.to_string()));
    assert_eq!(conflict["end_date"], json!(b.end.to_string()));
    assert!(preview.get("now").is_none());
}

#[tokio::test]
async fn a_confirmed_block_closes_the_free_days_keeps_bookings_and_is_sent_once() {
    let h = mcp::start().await;
    let b = busy(&h);
    let before = sandbox_states(&h, &b);
    let free: Vec<NaiveDate> = before.iter().filter(|(_, s)| s == "available").map(|(d, _)| *d).collect();
    let (first_free, last_free) = (free[0], *free.last().unwrap());
    let listing = h.sandbox.inspect(|s| s.listings[&b.listing].clone());
    assert!(h.sandbox.inspect(|s| s.is_free(&listing, first_free, first_free + Duration::days(1), None)));

    h.ok("block_dates", b.args()).await; // preview, cached
    let start = calls(&h);
    let done = h.ok("block_dates", b.with(json!({"note": "Maintenance", "confirm": true}))).await;
    assert_eq!(calls(&h) - start, 2, "a confirmed block reads the calendar fresh, then sends one updateCalendar");
    assert_eq!(done["status"], "done");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_CALENDAR), 1);

    let after = sandbox_states(&h, &b);
    for ((date, was), (_, now)) in before.iter().zip(&after) {
        match was.as_str() {
            "reserved" | "pending" => assert_eq!(now, was, "{date} stays booked"),
            _ => assert_eq!(now, "blocked", "{date} is blocked"),
        }
    }
    assert_eq!(done["now"]["count"], json!(count(&after, "blocked")));
    assert_eq!(conflict_nights(&done), count(&after, "reserved") + count(&after, "pending"));
    let (free_now, note) = h.sandbox.inspect(|s| {
        (
            s.is_free(&listing, first_free, last_free + Duration::days(1), None),
            s.days[&(b.listing, first_free)].note.clone(),
        )
    });
    assert!(!free_now, "the listing no longer shows up as available for those dates");
    assert_eq!(note.as_deref(), Some("Maintenance"));

    let again = h.ok("block_dates", b.with(json!({"note": "Maintenance", "confirm": true}))).await;
    assert_eq!(again["status"], "unchanged", "Hostaway already holds the block");
    assert_eq!(again["now"], done["now"]);
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_CALENDAR), 1);

    let fresh = h.ok("block_dates", b.args()).await;
    assert_eq!(fresh["will_change"]["count"], 0, "the write dropped the cached calendar");
    assert_eq!(fresh["already"]["count"], json!(count(&after, "blocked")));
}

#[tokio::test]
async fn unblock_reopens_only_the_blocked_days() {
    let h = mcp::start().await;
    let b = busy(&h);
    let before = sandbox_states(&h, &b);
    let free = count(&before, "available") + count(&before, "blocked");
    h.ok("block_dates", b.with(json!({"confirm": true}))).await;

    let preview = h.ok("block_dates", b.with(json!({"unblock": true}))).await;
    assert_eq!(preview["status"], "preview");
    assert_eq!(preview["will_change"]["count"], json!(free));
    assert_eq!(preview["already"]["count"], 0);
    assert_eq!(conflict_nights(&preview), count(&before, "reserved") + count(&before, "pending"));
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_CALENDAR), 1);

    let start = calls(&h);
    let done = h.ok("block_dates", b.with(json!({"unblock": true, "confirm": true}))).await;
    assert_eq!(calls(&h) - start, 2, "a fresh read, then the write");
    assert_eq!(done["status"], "done");
    assert_eq!(done["now"]["count"], json!(free));
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_CALENDAR), 2);
    let after = sandbox_states(&h, &b);
    for ((date, was), (_, now)) in before.iter().zip(&after) {
        match was.as_str() {
            "reserved" | "pending" => assert_eq!(now, was, "{date} stays booked"),
            _ => assert_eq!(now, "available", "{date} is open again"),
        }
    }
    let again = h.ok("block_dates", b.with(json!({"unblock": true, "confirm": true}))).await;
    assert_eq!(again["status"], "unchanged");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_CALENDAR), 2);
}

#[tokio::test]
async fn set_rates_previews_then_changes_exactly_the_range() {
    let h = mcp::start().await;
    let b = busy(&h);
    let wide = |s: &Store| {
        let listing = &s.listings[&b.listing];
        s.calendar(listing, b.start - Duration::days(3), b.end + Duration::days(3), false)
    };
    let before = h.sandbox.inspect(wide);
    warm_up(&h).await;

    let start = calls(&h);
    let preview = h.ok("set_rates", b.with(json!({"price": 321.5, "min_stay": "4"}))).await;
    assert_eq!(calls(&h) - start, 2, "a preview is one getCalendar and the listing's zone");
    assert_eq!(preview["status"], "preview");
    let inside: Vec<_> = before.iter().filter(|d| d.date >= b.start && d.date <= b.end).collect();
    let low = inside.iter().map(|d| d.price.unwrap()).fold(f64::MAX, f64::min);
    let high = inside.iter().map(|d| d.price.unwrap()).fold(f64::MIN, f64::max);
    assert_eq!(preview["before"]["price_min"], json!(low));
    assert_eq!(preview["before"]["price_max"], json!(high));
    assert_eq!(preview["before"]["min_stay_min"], json!(inside.iter().map(|d| d.minimum_stay.unwrap()).min()));
    assert_eq!(preview["after"], json!({"price_min": 321.5, "price_max": 321.5, "min_stay_min": 4, "min_stay_max": 4}));
    assert_eq!(preview["days"], json!(inside.len()));
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_CALENDAR), 0);
    assert!(h.sandbox.inspect(wide).iter().zip(&before).all(|(a, b)| a.price == b.price));

    let start = calls(&h);
    let done = h.ok("set_rates", b.with(json!({"price": 321.5, "min_stay": 4, "confirm": true}))).await;
    assert_eq!(calls(&h) - start, 2, "a confirmed change reads the calendar fresh, then sends one updateCalendar");
    assert_eq!(done["status"], "done");
    assert_eq!(done["after"], preview["after"]);
    for (now, was) in h.sandbox.inspect(wide).iter().zip(&before) {
        if now.date >= b.start && now.date <= b.end {
            assert_eq!((now.price, now.minimum_stay), (Some(321.5), Some(4)), "{}", now.date);
        } else {
            assert_eq!((now.price, now.minimum_stay), (was.price, was.minimum_stay), "{} is outside", now.date);
        }
        assert_eq!(now.status, was.status, "availability is untouched");
    }
    let again = h.ok("set_rates", b.with(json!({"price": 321.5, "min_stay": 4, "confirm": true}))).await;
    assert_eq!(again["status"], "unchanged");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_CALENDAR), 1);

    let fresh = h.ok("set_rates", b.with(json!({"min_stay": 2}))).await;
    assert_eq!(fresh["before"]["price_max"], 321.5, "the write dropped the cached calendar");
    assert_eq!(fresh["after"]["price_min"], 321.5, "only min_stay changes");
}

#[tokio::test]
async fn update_listing_changes_only_the_given_fields() {
    let h = mcp::start().await;
    let original = h.sandbox.inspect(|s| s.listings.values().next().unwrap().clone());
    let id = original.id;
    let read = h.ok("get_listing", json!({"listing_id": id})).await; // warms the cache
    let new_price = original.price.unwrap() + 17.0;
    let args = json!({
        "listing_id": id,
        "name": original.name,
        "base_price": new_price,
        "check_out_by": 10,
        "house_rules": "No parties.",
    });
    let preview = h.ok("update_listing", args.clone()).await;
    assert_eq!(preview["status"], "preview");
    let changes = preview["changes"].as_array().unwrap();
    let fields: Vec<&str> = changes.iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert!(!fields.contains(&"name"), "an unchanged value is skipped: {fields:?}");
    assert!(fields.contains(&"base_price") && fields.contains(&"house_rules"));
    let price = changes.iter().find(|c| c["field"] == "base_price").unwrap();
    assert_eq!((&price["before"], &price["after"]), (&json!(original.price.unwrap()), &json!(new_price)));
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_LISTING), 0);
    assert_eq!(h.sandbox.inspect(|s| s.listings[&id].clone()).price, original.price);

    let mut confirmed = args.clone();
    confirmed["confirm"] = json!(true);
    let start = calls(&h);
    let done = h.ok("update_listing", confirmed.clone()).await;
    assert_eq!(calls(&h) - start, 2, "confirming reads the listing fresh, then sends one updateListing");
    assert_eq!(done["status"], "done");
    assert_eq!(done["changes"], preview["changes"]);
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_LISTING), 1);

    let updated = h.sandbox.inspect(|s| s.listings[&id].clone());
    let mut expected = serde_json::to_value(&original).unwrap();
    expected["price"] = json!(new_price);
    expected["checkOutTime"] = json!(10);
    expected["houseRules"] = json!("No parties.");
    assert_eq!(serde_json::to_value(&updated).unwrap(), expected, "every other field is untouched");

    let again = h.ok("update_listing", confirmed).await;
    assert_eq!(again["status"], "unchanged");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_LISTING), 1);

    let reread = h.ok("get_listing", json!({"listing_id": id})).await;
    assert_ne!(reread["base_price"], read["base_price"]);
    assert_eq!(reread["base_price"]["amount"], json!(new_price), "the write dropped the cached listing");
    assert_eq!(reread["more"]["check_out_by"], 10);
}

#[tokio::test]
async fn a_check_in_window_that_ends_before_it_starts_is_refused_against_what_the_listing_holds() {
    let h = mcp::start().await;
    let listing = h.sandbox.inspect(|s| {
        s.listings.values().find(|l| l.check_in_time_start.is_some_and(|from| from >= 12)).unwrap().clone()
    });
    let from = listing.check_in_time_start.unwrap();
    let cases = [
        (json!({"check_in_from": 20, "check_in_until": 18}), "check_in_from"),
        // Only the end given: it is compared with the start the listing holds.
        (json!({"check_in_until": from - 1}), "check_in_until"),
    ];
    for (fields, named) in cases {
        let mut args = fields.clone();
        args["listing_id"] = json!(listing.id);
        for confirm in [false, true] {
            args["confirm"] = json!(confirm);
            let message = h.err("update_listing", args.clone()).await;
            assert!(
                message.contains(&format!("`{named}`")) && message.contains("ending before it starts"),
                "{message}"
            );
        }
    }
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_LISTING), 0);
    assert_eq!(h.sandbox.inspect(|s| s.listings[&listing.id].check_in_time_start), Some(from));
}

#[tokio::test]
async fn bad_arguments_are_tool_errors_naming_the_field() {
    let h = mcp::start().await;
    let b = busy(&h);
    let listing = h.sandbox.inspect(|s| s.listings[&b.listing].clone());
    let cases = [
        ("block_dates", b.with(json!({"start_date": "next monday"})), "`start_date`"),
        ("block_dates", b.with(json!({"end_date": (b.start - Duration::days(1)).to_string()})), "`end_date`"),
        (
            "block_dates",
            b.with(json!({"unblock": true, "end_date": (b.start + Duration::days(366)).to_string()})),
            "366",
        ),
        ("block_dates", b.with(json!({"reason": "x"})), "reason"),
        ("set_rates", b.args(), "min_stay"),
        ("set_rates", b.with(json!({"price": -5})), "`price`"),
        ("set_rates", b.with(json!({"min_stay": 0})), "`min_stay`"),
        ("update_listing", json!({"listing_id": b.listing}), "at least one"),
        ("update_listing", json!({"listing_id": b.listing, "check_out_by": 24}), "`check_out_by`"),
        ("update_listing", json!({"listing_id": b.listing, "check_in_from": -1}), "`check_in_from`"),
        ("update_listing", json!({"listing_id": b.listing, "base_price": 0}), "`base_price`"),
        ("update_listing", json!({"listing_id": b.listing, "cleaning_fee": -1}), "`cleaning_fee`"),
        ("update_listing", json!({"listing_id": b.listing, "name": "  "}), "`name`"),
        ("update_listing", json!({"listing_id": b.listing, "min_nights": 5, "max_nights": 3}), "`min_nights`"),
        ("update_listing", json!({"listing_id": b.listing, "max_guests": 0}), "`max_guests`"),
        (
            "update_listing",
            json!({"listing_id": b.listing, "min_nights": listing.max_nights.unwrap() + 1, "confirm": true}),
            "`min_nights`",
        ),
    ];
    for (tool, args, needle) in cases {
        let message = h.err(tool, args.clone()).await;
        assert!(message.contains(needle), "{tool} {args}: {message}");
    }
    let message = h.err("set_rates", b.args()).await;
    assert!(message.contains("price") && message.contains("min_stay"), "{message}");
    let stats = h.sandbox.stats();
    assert_eq!(stats.applied(id::UPDATE_CALENDAR) + stats.applied(id::UPDATE_LISTING), 0);
}

#[tokio::test]
async fn read_only_mode_hides_the_calendar_and_listing_writes() {
    let h = mcp::start_with(mcp::sandbox_config(), ServerOptions { read_only: true, ..Default::default() }).await;
    let names: Vec<String> = h.client.list_all_tools().await.unwrap().into_iter().map(|t| t.name.to_string()).collect();
    assert!(names.iter().any(|n| n == "get_listing"));
    for tool in ["block_dates", "set_rates", "update_listing"] {
        assert!(!names.iter().any(|n| n == tool), "{tool} is offered in read-only mode");
    }
    let full = mcp::start().await;
    let tools = full.client.list_all_tools().await.unwrap();
    for name in ["block_dates", "set_rates", "update_listing"] {
        let tool = tools.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("{name} is missing"));
        // As a client reads them, with MCP's defaults for the hints the list leaves out.
        let hints = tool.annotations.as_ref().unwrap();
        assert_eq!(
            (
                hints.read_only_hint.unwrap_or(false),
                hints.destructive_hint.unwrap_or(true),
                hints.idempotent_hint.unwrap_or(false),
                hints.open_world_hint.unwrap_or(true)
            ),
            (false, true, true, true),
            "{name}"
        );
    }
}

#[tokio::test]
async fn blocking_again_after_an_unblock_is_a_new_write_not_a_repeat() {
    let h = mcp::start().await;
    let b = busy(&h);
    let confirm = b.with(json!({"confirm": true}));
    assert_eq!(h.ok("block_dates", confirm.clone()).await["status"], "done");
    assert_eq!(h.ok("block_dates", b.with(json!({"unblock": true, "confirm": true}))).await["status"], "done");
    let again = h.ok("block_dates", confirm.clone()).await;
    assert_eq!(again["status"], "done", "the state changed in between, so this is sent");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_CALENDAR), 3);
    let states = sandbox_states(&h, &b);
    assert_eq!(again["now"]["count"], json!(count(&states, "blocked")));
    assert!(count(&states, "blocked") >= 2 && count(&states, "available") == 0);
    assert_eq!(h.ok("block_dates", confirm).await["status"], "unchanged");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_CALENDAR), 3);

    let id = b.listing;
    let price = h.sandbox.inspect(|s| s.listings[&id].price.unwrap());
    for (value, status) in [(price + 1.0, "done"), (price, "done"), (price + 1.0, "done"), (price + 1.0, "unchanged")] {
        let answer = h.ok("update_listing", json!({"listing_id": id, "base_price": value, "confirm": true})).await;
        assert_eq!(answer["status"], status, "base_price {value}");
    }
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_LISTING), 3);
    assert_eq!(h.sandbox.inspect(|s| s.listings[&id].price), Some(price + 1.0));
}

/// Issue 25 (smaller): a nightly price far outside what the listing asks (a slip of the finger)
/// is called out in the preview and in the answer, while a usual one is not.
#[tokio::test]
async fn set_rates_calls_out_a_price_far_from_the_listings_usual_range() {
    let h = mcp::start().await;
    let (listing, base) = h.sandbox.inspect(|s| {
        let l = s.listings.values().next().unwrap();
        (l.id, l.price.unwrap())
    });
    let day = h.sandbox.inspect(|s| s.today) + chrono::Duration::days(120);
    let range = json!({"listing_id": listing, "start_date": day.to_string(), "end_date": day.to_string()});
    let with = |price: f64| {
        let mut args = range.clone();
        args["price"] = json!(price);
        args
    };
    for slip in [1_000_000.0, 1.5] {
        let preview = h.ok("set_rates", with(slip)).await;
        assert!(preview["summary"].as_str().unwrap().starts_with("Warning:"), "{slip}: {preview}");
    }
    let usual = h.ok("set_rates", with(base.round())).await;
    assert!(!usual["summary"].as_str().unwrap().contains("Warning"), "{usual}");
    let mut confirm = with(1_000_000.0);
    confirm["confirm"] = json!(true);
    let done = h.ok("set_rates", confirm).await;
    assert_eq!(done["status"], "done");
    assert!(done["summary"].as_str().unwrap().starts_with("Warning:"), "{done}");
}
