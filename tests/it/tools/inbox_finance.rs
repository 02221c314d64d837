//! The inbox and money tools end to end, checked against the sandbox's own data.

use crate::support::{api, mcp};
use hostaway_mcp::domain::Channel;

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use hostaway_mcp::sandbox::store::Store;
use serde_json::{Value, json};

fn ids(rows: &Value, field: &str) -> Vec<i64> {
    rows.as_array().unwrap().iter().map(|r| r[field].as_i64().unwrap()).collect()
}

fn amount(value: &Value) -> f64 {
    value["amount"].as_f64().unwrap()
}

fn close(actual: f64, expected: f64, what: &str) {
    assert!((actual - expected).abs() <= 0.01, "{what}: {actual} != {expected}");
}

#[tokio::test]
async fn unread_conversations_are_exactly_the_unread_ones_with_their_details() {
    let h = mcp::start().await;
    let answer = h.ok("unread_conversations", json!({"limit": 50})).await;
    let expected: Vec<(i64, String, Option<String>)> = h.sandbox.inspect(|s| {
        let mut unread: Vec<_> = s.conversations.values().filter(|c| c.has_unread_messages == Some(1)).collect();
        unread.sort_by_key(|c| (c.message_received_on.clone(), c.id));
        unread
            .iter()
            .map(|c| {
                let latest = s
                    .messages
                    .values()
                    .filter(|m| m.conversation_id == Some(c.id))
                    .max_by_key(|m| (m.inserted_on.clone(), m.id))
                    .and_then(|m| m.body.clone());
                (c.id, c.message_received_on.clone().unwrap(), latest)
            })
            .collect()
    });
    assert!(!expected.is_empty() && expected.len() <= 50, "{} unread", expected.len());
    assert_eq!(answer["unread_total"], json!(expected.len()));
    assert_eq!(answer["complete"], json!(true));
    // The order (who needs a reply first) is checked in `trust::vocabulary`.
    let rows = answer["conversations"].as_array().unwrap();
    let mut got = ids(&answer["conversations"], "conversation_id");
    got.sort_unstable();
    let mut want: Vec<i64> = expected.iter().map(|e| e.0).collect();
    want.sort_unstable();
    assert_eq!(got, want);
    for row in rows {
        let (id, received, latest) =
            expected.iter().find(|e| json!(e.0) == row["conversation_id"]).expect("an unread conversation");
        assert_eq!(row["waiting_since"], json!(format!("{}Z", received.replacen(' ', "T", 1))), "{id}");
        assert!(row["waiting_hours"].as_f64().unwrap() >= 0.0);
        assert_eq!(row["last_message"].as_str(), latest.as_deref(), "{id}");
        let (reservation, guest) = h.sandbox.inspect(|s| {
            let c = &s.conversations[id];
            (s.reservations[&c.reservation_id.unwrap()].clone(), c.recipient_name.clone())
        });
        assert_eq!(row["reservation_id"], json!(reservation.id));
        assert_eq!(row["listing_id"], json!(reservation.listing_map_id));
        assert_eq!(row["guest_name"], json!(guest));
        assert_eq!(row["check_in"], json!(reservation.arrival_date.to_string()));
        assert_eq!(row["check_out"], json!(reservation.departure_date.to_string()));
        assert_eq!(row["status"], json!(reservation.status.to_string()));
    }

    let first = h.ok("unread_conversations", json!({})).await;
    let expected_first: Vec<i64> = ids(&answer["conversations"], "conversation_id").into_iter().take(10).collect();
    assert_eq!(ids(&first["conversations"], "conversation_id"), expected_first, "default limit 10");
    let three = h.ok("unread_conversations", json!({"limit": "3"})).await;
    assert_eq!(ids(&three["conversations"], "conversation_id"), expected_first[..3].to_vec());
    assert_eq!(three["unread_total"], json!(expected.len()));
}

#[tokio::test]
async fn an_unread_cursor_past_the_end_is_an_error_not_an_empty_page() {
    let h = mcp::start().await;
    let all = h.ok("unread_conversations", json!({"limit": 50})).await;
    let total = all["unread_total"].as_u64().unwrap() as usize;
    assert!(total >= 3, "the seeded inbox has a few unread conversations");
    // A cursor to the last unread conversation, then two replies shrink the inbox under it.
    let page = h.ok("unread_conversations", json!({"limit": total - 1})).await;
    let cursor = page["next_cursor"].as_str().expect("one more page").to_string();
    for id in ids(&page["conversations"], "conversation_id").into_iter().take(2) {
        let reply = json!({"conversation_id": id, "message": "Thanks, noted!", "confirm": true});
        assert_eq!(h.ok("send_guest_message", reply).await["status"], "done");
    }
    let message = h.err("unread_conversations", json!({"limit": total - 1, "cursor": cursor})).await;
    assert!(message.contains("`cursor`") && message.contains("past the end"), "{message}");
    assert!(message.contains(&format!("{} conversations are unread now", total - 2)), "{message}");
}

#[tokio::test]
async fn get_conversation_shows_the_thread_oldest_first_with_who_wrote_each_message() {
    let h = mcp::start().await;
    let (conversation, thread, reservation) = h.sandbox.inspect(|s| {
        let longest = s
            .conversations
            .values()
            .max_by_key(|c| (s.messages.values().filter(|m| m.conversation_id == Some(c.id)).count(), c.id))
            .unwrap()
            .clone();
        let mut thread: Vec<_> =
            s.messages.values().filter(|m| m.conversation_id == Some(longest.id)).cloned().collect();
        thread.sort_by_key(|m| (m.inserted_on.clone(), m.id));
        let reservation = s.reservations[&longest.reservation_id.unwrap()].clone();
        (longest, thread, reservation)
    });
    assert!(thread.len() >= 3, "a thread with a few messages");
    let answer = h.ok("get_conversation", json!({"conversation_id": conversation.id})).await;
    assert_eq!(answer["conversation_id"], json!(conversation.id));
    assert_eq!(answer["guest_name"], json!(conversation.recipient_name));
    assert_eq!(answer["has_unread"], json!(conversation.has_unread_messages == Some(1)));
    assert_eq!(answer["total_messages"], json!(thread.len()));
    assert_eq!(answer["reservation"]["reservation_id"], json!(reservation.id));
    assert_eq!(answer["reservation"]["listing_id"], json!(reservation.listing_map_id));
    assert_eq!(answer["reservation"]["check_in"], json!(reservation.arrival_date.to_string()));
    assert_eq!(answer["reservation"]["check_out"], json!(reservation.departure_date.to_string()));
    assert_eq!(answer["reservation"]["status"], json!(reservation.status.to_string()));
    let messages = answer["messages"].as_array().unwrap();
    assert_eq!(messages.len(), thread.len());
    for (row, message) in messages.iter().zip(&thread) {
        assert_eq!(row["body"], json!(message.body));
        let direction = if message.is_incoming == Some(1) { "guest" } else { "host" };
        assert_eq!(row["direction"], direction);
        assert_eq!(row["via"], json!(message.communication_type));
        let stamp = message.inserted_on.clone().unwrap();
        assert_eq!(row["sent_at"], json!(format!("{}Z", stamp.replacen(' ', "T", 1))));
    }
    let sent: Vec<&str> = messages.iter().map(|m| m["sent_at"].as_str().unwrap()).collect();
    assert!(sent.windows(2).all(|w| w[0] <= w[1]), "oldest first: {sent:?}");

    let recent = h.ok("get_conversation", json!({"conversation_id": conversation.id, "limit": 2})).await;
    let bodies: Vec<&Value> = recent["messages"].as_array().unwrap().iter().map(|m| &m["body"]).collect();
    let newest: Vec<Value> = thread[thread.len() - 2..].iter().map(|m| json!(m.body)).collect();
    assert_eq!(bodies, newest.iter().collect::<Vec<_>>(), "the two newest, oldest first");
}

/// What one listing earned over `start..=end`, computed straight from the store with the same proration.
#[derive(Debug, Default)]
struct Earned {
    bookings: u64,
    nights: i64,
    room: f64,
    accommodation: f64,
    payout: f64,
}

fn earned(store: &Store, start: NaiveDate, end: NaiveDate) -> HashMap<i64, Earned> {
    let mut by_listing: HashMap<i64, Earned> = HashMap::new();
    let after = end + Duration::days(1);
    for r in store.reservations.values() {
        if !matches!(r.status.as_str(), "new" | "modified") {
            continue;
        }
        let (from, to) = (r.arrival_date.max(start), r.departure_date.min(after));
        if from >= to {
            continue;
        }
        let nights = (to - from).num_days();
        let share = nights as f64 / (r.departure_date - r.arrival_date).num_days() as f64;
        let m = store.money[&r.id];
        let e = by_listing.entry(r.listing_map_id).or_default();
        e.bookings += 1;
        e.nights += nights;
        e.room += (m.base_rate + m.extra_person) * share;
        e.accommodation += m.accommodation() * share;
        e.payout += m.owner_payout() * share;
    }
    by_listing
}

fn check_row(row: &Value, expected: &Earned, available: i64, what: &str) {
    assert_eq!(row["bookings"], json!(expected.bookings), "{what} bookings");
    assert_eq!(row["nights_sold"], json!(expected.nights), "{what} nights");
    assert_eq!(row["available_nights"], json!(available), "{what} available");
    close(row["occupancy"].as_f64().unwrap(), expected.nights as f64 / available as f64, what);
    close(amount(&row["room_revenue"]), expected.room, what);
    close(amount(&row["accommodation_revenue"]), expected.accommodation, what);
    close(amount(&row["owner_payout"]), expected.payout, what);
    close(amount(&row["revpar"]), expected.room / available as f64, what);
    if expected.nights > 0 {
        close(amount(&row["adr"]), expected.room / expected.nights as f64, what);
    } else {
        assert!(row["adr"].is_null(), "{what}: no ADR without nights");
    }
    assert_eq!(row["room_revenue"]["currency"], "EUR");
}

#[tokio::test]
async fn revenue_report_matches_the_store_in_total_and_by_listing() {
    let h = mcp::start().await;
    let today = h.sandbox.inspect(|s| s.today);
    let (start, end) = (today - Duration::days(75), today - Duration::days(16));
    let days = (end - start).num_days() + 1;
    let (by_listing, listings) = h.sandbox.inspect(|s| (earned(s, start, end), s.listings.len() as i64));
    let all = by_listing.values().fold(Earned::default(), |mut sum, e| {
        sum.bookings += e.bookings;
        sum.nights += e.nights;
        sum.room += e.room;
        sum.accommodation += e.accommodation;
        sum.payout += e.payout;
        sum
    });
    assert!(all.nights > 100, "a busy period");
    let range = json!({"start_date": start.to_string(), "end_date": end.to_string()});

    let total = h.ok("revenue_report", range.clone()).await;
    assert_eq!(total["listings"], json!(listings));
    check_row(&total["totals"], &all, listings * days, "total");
    assert_eq!(total["groups"].as_array().unwrap().len(), 1);
    check_row(&total["groups"][0], &all, listings * days, "total group");

    let mut args = range.clone();
    args["group_by"] = json!("listing");
    let report = h.ok("revenue_report", args).await;
    let rows = report["groups"].as_array().unwrap();
    assert_eq!(rows.len() as i64, listings, "every listing has a row");
    for row in rows {
        let id = row["listing_id"].as_i64().unwrap();
        let name = h.sandbox.inspect(|s| s.listings[&id].name.clone());
        assert_eq!(row["group"], json!(name));
        let none = Earned::default();
        check_row(row, by_listing.get(&id).unwrap_or(&none), days, &format!("listing {id}"));
    }
    check_row(&report["totals"], &all, listings * days, "totals by listing");

    for group_by in ["channel", "month"] {
        let mut args = range.clone();
        args["group_by"] = json!(group_by);
        let report = h.ok("revenue_report", args).await;
        let rows = report["groups"].as_array().unwrap();
        let nights: i64 = rows.iter().map(|r| r["nights_sold"].as_i64().unwrap()).sum();
        let room: f64 = rows.iter().map(|r| amount(&r["room_revenue"])).sum();
        assert_eq!(nights, all.nights, "{group_by} nights add up");
        close(room, all.room, &format!("{group_by} revenue adds up"));
        check_row(&report["totals"], &all, listings * days, group_by);
    }
}

#[tokio::test]
async fn revenue_report_for_chosen_listings_counts_only_their_nights() {
    let h = mcp::start().await;
    let today = h.sandbox.inspect(|s| s.today);
    let (start, end) = (today - Duration::days(40), today + Duration::days(20));
    let days = (end - start).num_days() + 1;
    let (by_listing, chosen) = h.sandbox.inspect(|s| {
        let chosen: Vec<i64> = s.listings.keys().copied().take(2).collect();
        (earned(s, start, end), chosen)
    });
    let answer = h
        .ok(
            "revenue_report",
            json!({"start_date": start.to_string(), "end_date": end.to_string(), "group_by": "listing",
                   "listing_ids": [chosen[0], chosen[1].to_string()]}),
        )
        .await;
    assert_eq!(answer["listings"], json!(2));
    let rows = answer["groups"].as_array().unwrap();
    let mut seen = ids(&answer["groups"], "listing_id");
    seen.sort_unstable();
    assert_eq!(seen, chosen);
    for row in rows {
        let id = row["listing_id"].as_i64().unwrap();
        check_row(row, &by_listing[&id], days, &format!("listing {id}"));
    }
    let nights = by_listing[&chosen[0]].nights + by_listing[&chosen[1]].nights;
    assert_eq!(answer["totals"]["nights_sold"], json!(nights));
    assert_eq!(answer["totals"]["available_nights"], json!(2 * days));
}

#[tokio::test]
async fn reservation_payments_match_the_store_charges_and_breakdown() {
    let h = mcp::start().await;
    let (reservation, charges, money) = h.sandbox.inspect(|s| {
        let today = s.today;
        // A direct booking with one paid deposit and a balance still to come.
        let r = s
            .reservations
            .values()
            .find(|r| {
                let charges: Vec<_> = s.charges.iter().filter(|c| c.reservation_id == Some(r.id)).collect();
                r.arrival_date > today + Duration::days(15)
                    && charges.len() == 2
                    && charges.iter().any(|c| c.status.as_deref() == Some("paid"))
                    && charges.iter().any(|c| c.status.as_deref() == Some("awaiting"))
            })
            .unwrap()
            .clone();
        let charges: Vec<_> = s.charges.iter().filter(|c| c.reservation_id == Some(r.id)).cloned().collect();
        (r.clone(), charges, s.money[&r.id])
    });
    let whole = h.ok("get_reservation", json!({"reservation_id": reservation.id, "payments": true})).await;
    assert_eq!(whole["reservation_id"], json!(reservation.id));
    close(amount(&whole["total"]), reservation.total_price.unwrap(), "total");
    assert_eq!(whole["total"]["currency"], "EUR");
    let answer = &whole["payments"];
    let sum = |status: &str| -> f64 {
        charges
            .iter()
            .filter(|c| (c.status.as_deref() == Some("paid")) == (status == "paid"))
            .map(|c| c.amount.unwrap())
            .sum()
    };
    close(amount(&answer["paid"]), sum("paid"), "paid");
    close(amount(&answer["scheduled"]), sum("due"), "scheduled");
    close(amount(&answer["due"]), reservation.remaining_balance.unwrap(), "due is the booking's remaining balance");
    close(
        amount(&answer["paid"]) + amount(&answer["due"]),
        reservation.total_price.unwrap(),
        "charges cover the total",
    );
    let rows = answer["charges"].as_array().unwrap();
    assert_eq!(rows.len(), charges.len());
    for (row, charge) in rows.iter().zip(&charges) {
        assert_eq!(row["title"], json!(charge.title));
        close(amount(&row["amount"]), charge.amount.unwrap(), "charge amount");
        assert_eq!(row["status"], json!(charge.status));
        assert_eq!(row["method"], json!(charge.payment_method));
        assert!(row["scheduled_for"].as_str().unwrap().ends_with('Z'));
        assert_eq!(row["charge_id"], json!(charge.id));
    }
    let breakdown: HashMap<&str, f64> = answer["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), amount(&f["amount"])))
        .collect();
    close(breakdown["baseRate"], money.base_rate, "baseRate");
    close(breakdown["cleaningFee"], money.cleaning_fee, "cleaningFee");
    close(breakdown["totalPrice"], money.total(), "totalPrice");
    assert!(answer.get("note").is_none(), "Hostaway collects a direct booking");

    let airbnb = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .find(|r| {
                r.channel_id == Some(Channel::Airbnb.id()) && !s.charges.iter().any(|c| c.reservation_id == Some(r.id))
            })
            .unwrap()
            .id
    });
    let answer = &h.ok("get_reservation", json!({"reservation_id": airbnb, "payments": true})).await["payments"];
    assert!(answer["note"].as_str().unwrap().contains("Airbnb collects"), "{answer}");
    assert_eq!(answer["charges"], json!([]));
    assert_eq!(amount(&answer["due"]), 0.0);
}

#[tokio::test]
async fn revenue_rows_add_up_to_their_total_to_the_cent() {
    // Moments at which rounding each row alone once left the rows a cent off their total.
    for at in ["2027-06-20T09:00:00Z", "2026-12-07T00:12:00Z"] {
        let at = chrono::DateTime::parse_from_rfc3339(at).unwrap().to_utc();
        let h = mcp::start_at(at).await;
        let today = h.sandbox.inspect(|s| s.today);
        let (start, end) = (today - Duration::days(75), today - Duration::days(16));
        for group_by in ["channel", "listing", "month"] {
            let args = json!({"start_date": start.to_string(), "end_date": end.to_string(), "group_by": group_by});
            let report = h.ok("revenue_report", args).await;
            let cents = |value: &Value| (amount(value) * 100.0).round() as i64;
            for field in ["room_revenue", "accommodation_revenue", "owner_payout"] {
                let rows: i64 = report["groups"].as_array().unwrap().iter().map(|r| cents(&r[field])).sum();
                assert_eq!(rows, cents(&report["totals"][field]), "{at} by {group_by}: {field} rows against the total");
            }
        }
    }
}

#[tokio::test]
async fn a_new_unpaid_booking_owes_its_remaining_balance_and_says_no_charge_collects_it() {
    let h = mcp::start().await;
    let (listing, check_in, check_out) = h.sandbox.inspect(mcp::free_stay);
    let made = h
        .ok(
            "create_reservation",
            json!({"listing_id": listing, "check_in": check_in.to_string(), "check_out": check_out.to_string(),
                   "guests": 2, "guest_name": "Jonas Weber", "confirm": true}),
        )
        .await;
    let id = made["reservation_id"].as_i64().unwrap();
    // What Hostaway holds, read raw: the booking's remaining balance comes with includePayments=1.
    let client = api::with_token(&h.sandbox, &api::mint(&h.sandbox).await);
    let raw = client.get_reservation().reservation_id(id).include_payments(1).send().await.unwrap().into_inner().result;
    let owed = raw.remaining_balance.expect("includePayments=1 carries the remaining balance");
    assert!(owed > 0.0, "a new unpaid booking owes something");

    let answer = &h.ok("get_reservation", json!({"reservation_id": id, "payments": true})).await["payments"];
    close(amount(&answer["due"]), owed, "due");
    assert_eq!(answer["due"]["currency"], json!(raw.currency));
    assert_eq!(amount(&answer["scheduled"]), 0.0);
    assert_eq!(amount(&answer["paid"]), 0.0);
    assert_eq!(answer["charges"], json!([]));
    let note = answer["note"].as_str().unwrap_or_default();
    assert!(note.contains("no charge is scheduled") && note.contains(&format!("{owed:.2}")), "{answer}");
}

#[tokio::test]
async fn invalid_arguments_are_tool_errors_naming_the_field() {
    let h = mcp::start().await;
    let cases = [
        ("unread_conversations", json!({"limit": 0}), "`limit`"),
        ("unread_conversations", json!({"limit": 51}), "`limit`"),
        ("get_conversation", json!({}), "conversation_id"),
        ("get_conversation", json!({"conversation_id": 90000, "limit": 101}), "`limit`"),
        ("revenue_report", json!({"start_date": "2026-13-01", "end_date": "2026-12-31"}), "`start_date`"),
        ("revenue_report", json!({"start_date": "2026-03-01", "end_date": "2026-02-01"}), "`end_date`"),
        ("revenue_report", json!({"start_date": "2026-01-01", "end_date": "2027-01-02"}), "`end_date`"),
        (
            "revenue_report",
            json!({"start_date": "2026-01-01", "end_date": "2026-01-31", "group_by": "weekly"}),
            "group_by",
        ),
        (
            "revenue_report",
            json!({"start_date": "2026-01-01", "end_date": "2026-01-31", "listing_ids": []}),
            "`listing_ids`",
        ),
        (
            "revenue_report",
            json!({"start_date": "2026-01-01", "end_date": "2026-01-31", "listing_ids": [1]}),
            "`listing_ids`",
        ),
        ("get_reservation", json!({"reservation_id": 0, "payments": true}), "`reservation_id`"),
    ];
    for (tool, args, field) in cases {
        let message = h.err(tool, args.clone()).await;
        assert!(message.contains(field), "{tool} {args}: {message}");
    }
    // A malformed number is a tool error naming the argument and quoting the bad value.
    for (tool, args, field, value) in [
        ("get_conversation", json!({"conversation_id": "abc"}), "`conversation_id`", "abc"),
        ("get_reservation", json!({"reservation_id": "x1", "payments": true}), "`reservation_id`", "x1"),
    ] {
        let message = h.err(tool, args).await;
        assert!(message.contains(field) && message.contains(value), "{tool}: {message}");
    }
    let message = h.err("get_conversation", json!({"conversation_id": 1})).await;
    assert!(message.contains("not found"), "{message}");
}

#[tokio::test]
async fn each_tool_stays_within_its_upstream_call_budget() {
    let h = mcp::start().await;
    h.ok("search_listings", json!({"limit": 1})).await;
    let (conversation, reservation, today) = h.sandbox.inspect(|s| {
        let r = s.reservations.values().find(|r| s.charges.iter().any(|c| c.reservation_id == Some(r.id))).unwrap();
        (*s.conversations.keys().next().unwrap(), r.id, s.today)
    });
    let conversations = h.sandbox.inspect(|s| s.conversations.len());
    let range = json!({"start_date": (today - Duration::days(60)).to_string(), "end_date": today.to_string(), "group_by": "month"});
    let budgets = [
        ("unread_conversations", json!({"limit": 50}), conversations.div_ceil(100) as u64),
        ("get_conversation", json!({"conversation_id": conversation}), 2),
        // The report names listings from the portfolio search_listings has just read: one shared cache entry.
        ("revenue_report", range, 1),
        ("get_reservation", json!({"reservation_id": reservation, "payments": true}), 3),
    ];
    assert!(budgets[0].2 <= 2, "about 100 conversations take at most two pages");
    for (tool, args, budget) in budgets {
        let before = h.sandbox.stats().total_received();
        h.ok(tool, args).await;
        let calls = h.sandbox.stats().total_received() - before;
        assert_eq!(calls, budget, "{tool}: upstream calls for a typical request");
    }
}
