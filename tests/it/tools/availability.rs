//! Availability tools end to end: find_available_listings, get_calendar and quote_stay, checked
//! against the sandbox's own calendar, reservations and price rules.

use crate::support::mcp;
use hostaway_mcp::domain::Channel;
use hostaway_mcp::hostaway::id;

use chrono::{Duration, NaiveDate};
use hostaway_mcp::{hostaway::types, sandbox::store::Store};
use serde_json::{Value, json};

fn today(h: &mcp::Harness) -> NaiveDate {
    h.sandbox.inspect(|s| s.today)
}

fn date(value: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(value.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

fn money(value: &Value) -> f64 {
    value["amount"].as_f64().unwrap()
}

/// Listings the sandbox says are free for the stay and sleep the party.
fn free_for(store: &Store, arrival: NaiveDate, departure: NaiveDate, guests: i32) -> Vec<types::Listing> {
    store
        .listings
        .values()
        .filter(|l| l.person_capacity.unwrap_or(0) >= guests && store.is_free(l, arrival, departure, None))
        .cloned()
        .collect()
}

fn ids(answer: &Value) -> Vec<i64> {
    answer["listings"].as_array().unwrap().iter().map(|r| r["listing_id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn find_available_listings_returns_only_free_listings_priced_like_the_sandbox_cheapest_first() {
    let h = mcp::start().await;
    let (arrival, departure) = (today(&h) + Duration::days(20), today(&h) + Duration::days(24));
    let args = json!({"check_in": arrival.to_string(), "check_out": departure.to_string(), "guests": 2, "limit": 20});
    let answer = h.ok("find_available_listings", args).await;
    let free = h.sandbox.inspect(|s| free_for(s, arrival, departure, 2));
    assert_eq!(answer["free_total"], json!(free.len()));
    assert_eq!(answer["nights"], 4);
    let eligible: Vec<i64> = free.iter().filter(|l| l.min_nights.unwrap_or(1) <= 4).map(|l| l.id).collect();
    assert_eq!(answer["eligible"], json!(eligible.len()));
    let rows = answer["listings"].as_array().unwrap();
    assert!(!rows.is_empty(), "some listing is free three weeks ahead");
    let mut last = 0.0;
    for row in rows {
        let id = row["listing_id"].as_i64().unwrap();
        let (free, quote, listing) = h.sandbox.inspect(|s| {
            let listing = s.listings[&id].clone();
            (
                s.is_free(&listing, arrival, departure, None),
                s.quote(&listing, arrival, departure, 2, Channel::Direct.id()),
                listing,
            )
        });
        assert!(free, "listing {id} has a reservation or block on a night of the stay");
        assert!(listing.person_capacity.unwrap() >= 2);
        assert_eq!(money(&row["total"]), quote.total(), "listing {id}: total differs from the sandbox's quote");
        assert!((money(&row["per_night"]) - quote.total() / 4.0).abs() < 0.01);
        assert_eq!(row["total"]["currency"], "EUR");
        assert!(row.get("components").is_none(), "summary rows carry no price lines");
        assert!(money(&row["total"]) >= last, "rows are sorted by total");
        last = money(&row["total"]);
    }
    if eligible.len() <= 20 {
        let mut got = ids(&answer);
        got.sort_unstable();
        assert_eq!(got, eligible, "every eligible free listing is returned when they fit in the limit");
        assert_eq!(answer["more"], false);
    }
}

#[tokio::test]
async fn a_free_listing_left_out_is_explained_only_by_the_limit() {
    let h = mcp::start().await;
    let (arrival, departure) = (today(&h) + Duration::days(30), today(&h) + Duration::days(33));
    let args = json!({"check_in": arrival.to_string(), "check_out": departure.to_string(), "guests": "2", "limit": 3});
    let answer = h.ok("find_available_listings", args).await;
    let returned = ids(&answer);
    assert!(returned.len() <= 3);
    let free = h.sandbox.inspect(|s| free_for(s, arrival, departure, 2));
    assert!(free.len() > 3, "the seeded portfolio has more than three free listings a month ahead");
    let left_out: Vec<_> =
        free.iter().filter(|l| l.min_nights.unwrap_or(1) <= 3 && !returned.contains(&l.id)).map(|l| l.id).collect();
    assert!(!left_out.is_empty());
    assert_eq!(returned.len(), 3, "listings {left_out:?} were left out although the limit was not reached");
    assert_eq!(answer["more"], true);
    assert_eq!(answer["quoted"], 3);
    assert!(answer["note"].as_str().unwrap().contains("limit"));
    for id in &returned {
        assert!(free.iter().any(|l| l.id == *id), "listing {id} is not free");
    }
}

#[tokio::test]
async fn find_available_listings_applies_bedrooms_minimum_nights_and_budget() {
    let h = mcp::start().await;
    // A night some free listings take alone and others only as part of a longer stay (in peak
    // summer every listing asks for three), found in the store rather than assumed of a date.
    let arrival = h.sandbox.inspect(|s| {
        (40..300)
            .map(|n| s.today + Duration::days(n))
            .find(|day| {
                let mins: Vec<i32> = free_for(s, *day, *day + Duration::days(1), 1)
                    .iter()
                    .map(|l| s.calendar(l, *day, *day, false)[0].minimum_stay.unwrap_or(1))
                    .collect();
                mins.iter().filter(|m| **m == 1).count() > 1 && mins.iter().any(|m| *m > 1)
            })
            .expect("a night some listings take alone and others do not")
    });
    let departure = arrival + Duration::days(1);
    let base = json!({"check_in": arrival.to_string(), "check_out": departure.to_string(), "guests": 1, "limit": 20});
    let all = h.ok("find_available_listings", base.clone()).await;
    // The arrival day's minimum stay (else the listing's) decides, as Hostaway's docs put it.
    let long: Vec<i64> = h.sandbox.inspect(|s| {
        let mut ids: Vec<i64> = free_for(s, arrival, departure, 1)
            .iter()
            .filter(|l| s.calendar(l, arrival, arrival, false)[0].minimum_stay.unwrap_or(1) > 1)
            .map(|l| l.id)
            .collect();
        ids.sort_unstable();
        ids
    });
    assert!(!long.is_empty(), "some listing needs more than one night");
    assert_eq!(all["excluded"]["not_bookable"], json!(long), "one-night stays skip listings needing more");
    assert!(all["listings"].as_array().unwrap().iter().all(|r| r["min_nights"].as_i64().unwrap() <= 1));

    let mut args = base.clone();
    args["min_bedrooms"] = json!(2);
    args["detail"] = json!("full");
    let big = h.ok("find_available_listings", args).await;
    for row in big["listings"].as_array().unwrap() {
        assert!(row["bedrooms"].as_i64().unwrap() >= 2);
        assert!(row["more"].is_object(), "full detail adds the listing's details");
        let lines = row["components"].as_array().unwrap();
        let sum: f64 = lines.iter().filter(|l| l["in_total"] == true).map(|l| money(&l["amount"])).sum();
        assert!((sum - money(&row["total"])).abs() < 0.01, "the lines add up to the total");
        assert!(lines.iter().any(|l| l["name"] == "baseRate"));
    }

    let totals: Vec<f64> = all["listings"].as_array().unwrap().iter().map(|r| money(&r["total"])).collect();
    let budget = totals[totals.len() / 2];
    let mut args = base;
    args["max_total_price"] = json!(budget);
    let cheap = h.ok("find_available_listings", args).await;
    let kept = cheap["listings"].as_array().unwrap();
    assert!(kept.iter().all(|r| money(&r["total"]) <= budget));
    assert_eq!(kept.len(), totals.iter().filter(|t| **t <= budget).count());
    assert_eq!(cheap["excluded"]["over_budget"], json!(totals.len() - kept.len()));
}

#[tokio::test]
async fn get_calendar_runs_and_totals_match_the_sandbox_calendar() {
    let h = mcp::start().await;
    let (start, end) = (today(&h), today(&h) + Duration::days(89));
    let id = h.sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let args = json!({"listing_id": id, "start_date": start.to_string(), "end_date": end.to_string()});
    let answer = h.ok("get_calendar", args).await;
    let days = h.sandbox.inspect(|s| s.calendar(&s.listings[&id], start, end, false));
    let count = |statuses: &[&str]| days.iter().filter(|d| statuses.contains(&d.status.as_deref().unwrap())).count();
    let totals = &answer["totals"];
    assert_eq!(totals["days"], 90);
    assert_eq!(totals["available"], json!(count(&["available"])));
    assert_eq!(totals["booked"], json!(count(&["reserved", "pending"])));
    assert_eq!(totals["blocked"], json!(count(&["blocked"])));
    assert!(answer.get("days").is_none(), "summary has no per-day rows");

    // Runs cover the range in order, and every day of a run has the run's status, price and minimum stay.
    let mut next = start;
    let mut by_status = std::collections::HashMap::<String, u64>::new();
    for run in answer["runs"].as_array().unwrap() {
        let (first, last) = (date(&run["start_date"]), date(&run["end_date"]));
        assert_eq!(first, next, "runs are contiguous");
        assert_eq!(run["days"].as_i64().unwrap(), (last - first).num_days() + 1);
        for day in days.iter().filter(|d| d.date >= first && d.date <= last) {
            assert_eq!(run["status"], json!(day.status));
            assert_eq!(run["price"], json!(day.price));
            assert_eq!(run["min_stay"], json!(day.minimum_stay));
        }
        *by_status.entry(run["status"].as_str().unwrap().to_string()).or_default() += run["days"].as_u64().unwrap();
        next = last + Duration::days(1);
    }
    assert_eq!(next, end + Duration::days(1));
    for (status, days_in_runs) in by_status {
        assert_eq!(days_in_runs as usize, count(&[status.as_str()]), "run days of {status}");
    }
    assert!(answer["runs"].as_array().unwrap().len() < 90, "alike days are folded");

    let full = h
        .ok(
            "get_calendar",
            json!({"listing_id": id, "start_date": start.to_string(), "end_date": end.to_string(), "detail": "full"}),
        )
        .await;
    let rows = full["days"].as_array().unwrap();
    assert_eq!(rows.len(), 90);
    assert_eq!(rows[0]["date"], start.to_string());
}

/// Free stretches between two unavailable days shorter than their first day's minimum stay,
/// computed straight from the sandbox's calendar.
fn expected_gaps(days: &[types::CalendarDay]) -> Vec<(NaiveDate, NaiveDate)> {
    let free = |d: &types::CalendarDay| d.is_available == Some(1);
    let mut gaps = Vec::new();
    for (i, day) in days.iter().enumerate() {
        if i == 0 || !free(day) || free(&days[i - 1]) {
            continue;
        }
        let len = days[i..].iter().take_while(|d| free(d)).count();
        if i + len < days.len() && (len as i32) < day.minimum_stay.unwrap() {
            gaps.push((day.date, days[i + len - 1].date));
        }
    }
    gaps
}

#[tokio::test]
async fn gap_nights_are_short_free_runs_between_unavailable_days() {
    let h = mcp::start().await;
    let (start, end) = (today(&h), today(&h) + Duration::days(119));
    let listings: Vec<i64> = h.sandbox.inspect(|s| s.listings.keys().copied().collect());
    let mut found = 0;
    for id in listings {
        let days = h.sandbox.inspect(|s| s.calendar(&s.listings[&id], start, end, false));
        let expected = expected_gaps(&days);
        if expected.is_empty() {
            continue;
        }
        let answer = h
            .ok("get_calendar", json!({"listing_id": id, "start_date": start.to_string(), "end_date": end.to_string()}))
            .await;
        let gaps: Vec<(NaiveDate, NaiveDate)> =
            answer["gaps"].as_array().unwrap().iter().map(|g| (date(&g["start_date"]), date(&g["end_date"]))).collect();
        assert_eq!(gaps, expected, "listing {id}");
        for gap in answer["gaps"].as_array().unwrap() {
            let (first, last) = (date(&gap["start_date"]), date(&gap["end_date"]));
            let at = |d: NaiveDate| days.iter().find(|x| x.date == d).unwrap();
            assert_eq!(at(first - Duration::days(1)).is_available, Some(0), "a gap starts after an unavailable day");
            assert_eq!(at(last + Duration::days(1)).is_available, Some(0), "a gap ends before an unavailable day");
            assert!(days.iter().filter(|d| d.date >= first && d.date <= last).all(|d| d.is_available == Some(1)));
            assert!(gap["nights"].as_i64().unwrap() < i64::from(at(first).minimum_stay.unwrap()));
            assert_eq!(gap["min_stay"], json!(at(first).minimum_stay));
        }
        let nights: i64 = answer["gaps"].as_array().unwrap().iter().map(|g| g["nights"].as_i64().unwrap()).sum();
        assert_eq!(answer["totals"]["gap_nights"], json!(nights));
        found += 1;
        if found == 3 {
            break;
        }
    }
    assert!(found > 0, "the seeded calendars have gap nights somewhere");
}

#[tokio::test]
async fn quote_stay_prices_a_free_stay_like_the_sandbox() {
    let h = mcp::start().await;
    let (listing, arrival) = h.sandbox.inspect(|s| {
        let today = s.today;
        s.listings
            .values()
            .filter(|l| l.person_capacity.unwrap_or(0) >= 2)
            .find_map(|l| {
                (10..60).map(|n| today + Duration::days(n)).find_map(|d| {
                    let first = s.calendar(l, d, d, false).remove(0);
                    (s.is_free(l, d, d + Duration::days(3), None) && first.minimum_stay.unwrap() <= 3)
                        .then(|| (l.clone(), d))
                })
            })
            .unwrap()
    });
    let departure = arrival + Duration::days(3);
    let args = json!({"listing_id": listing.id, "check_in": arrival.to_string(), "check_out": departure.to_string(), "guests": 2});
    let answer = h.ok("quote_stay", args).await;
    let quote = h.sandbox.inspect(|s| s.quote(&listing, arrival, departure, 2, Channel::Direct.id()));
    assert_eq!(answer["bookable"], true, "{answer}");
    assert_eq!(answer["reasons"], json!([]));
    assert_eq!(money(&answer["total"]), quote.total());
    assert!((money(&answer["per_night"]) - quote.total() / 3.0).abs() < 0.01);
    let lines = answer["components"].as_array().unwrap();
    let base = lines.iter().find(|l| l["name"] == "baseRate").unwrap();
    assert_eq!(money(&base["amount"]), quote.base_rate);
    let sum: f64 = lines.iter().map(|l| money(&l["amount"])).sum();
    assert!((sum - quote.total()).abs() < 0.01);
    assert_eq!(answer["max_guests"], json!(listing.person_capacity));
}

#[tokio::test]
async fn quote_stay_reports_a_booked_stay_as_not_bookable_with_the_booked_dates() {
    let h = mcp::start().await;
    let reservation = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .find(|r| {
                matches!(r.status.as_str(), "new" | "modified")
                    && r.arrival_date > s.today
                    && (r.departure_date - r.arrival_date).num_days() >= 2
            })
            .unwrap()
            .clone()
    });
    let args = json!({
        "listing_id": reservation.listing_map_id,
        "check_in": reservation.arrival_date.to_string(),
        "check_out": reservation.departure_date.to_string(),
        "guests": 1,
    });
    let answer = h.ok("quote_stay", args).await;
    assert_eq!(answer["bookable"], false);
    let booked: Vec<String> = answer["unavailable_nights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            assert_eq!(n["status"], "reserved");
            n["date"].as_str().unwrap().to_string()
        })
        .collect();
    let nights: Vec<String> =
        hostaway_mcp::sandbox::store::nights(reservation.arrival_date, reservation.departure_date)
            .map(|d| d.to_string())
            .collect();
    assert_eq!(booked, nights);
    let reasons = answer["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|r| {
            let r = r.as_str().unwrap();
            r.contains(&nights[0]) && r.contains(nights.last().unwrap()) && r.contains("reserved")
        }),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn quote_stay_refuses_a_party_over_capacity_with_the_reason() {
    let h = mcp::start().await;
    let listing = h.sandbox.inspect(|s| s.listings.values().next().unwrap().clone());
    let capacity = listing.person_capacity.unwrap();
    let arrival = today(&h) + Duration::days(200);
    let args = json!({
        "listing_id": listing.id,
        "check_in": arrival.to_string(),
        "check_out": (arrival + Duration::days(4)).to_string(),
        "guests": capacity + 1,
    });
    let answer = h.ok("quote_stay", args).await;
    assert_eq!(answer["bookable"], false);
    assert!(answer.get("total").is_none_or(Value::is_null));
    let reasons = answer["reasons"].to_string();
    assert!(reasons.contains(&format!("capacity of {capacity}")), "{reasons}");
}

#[tokio::test]
async fn bad_arguments_are_tool_errors_naming_the_field() {
    let h = mcp::start().await;
    let d = |n: i64| (today(&h) + Duration::days(n)).to_string();
    let find = |extra: Value| {
        let mut args = json!({"check_in": d(10), "check_out": d(12), "guests": 2});
        args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        args
    };
    let cases = [
        ("find_available_listings", find(json!({"guests": 0})), "`guests`"),
        ("find_available_listings", find(json!({"check_out": d(10)})), "`check_out`"),
        ("find_available_listings", find(json!({"check_in": "next friday"})), "`check_in`"),
        ("find_available_listings", find(json!({"limit": 21})), "`limit`"),
        ("find_available_listings", find(json!({"max_total_price": -5})), "`max_total_price`"),
        ("find_available_listings", find(json!({"check_out": d(200)})), "`check_out`"),
        ("get_calendar", json!({"listing_id": 40100, "start_date": d(0), "end_date": d(400)}), "`end_date`"),
        ("get_calendar", json!({"listing_id": 40100, "start_date": "2027/01/01", "end_date": d(4)}), "`start_date`"),
        ("get_calendar", json!({"listing_id": 40100, "start_date": d(5), "end_date": d(4)}), "`end_date`"),
        ("quote_stay", json!({"listing_id": 40100, "check_in": d(5), "check_out": d(7), "guests": 0}), "`guests`"),
    ];
    for (tool, args, field) in cases {
        let message = h.err(tool, args.clone()).await;
        assert!(message.contains(field), "{tool} {args}: {message}");
    }
    let message = h.err("get_calendar", json!({"listing_id": 1, "start_date": d(0), "end_date": d(3)})).await;
    assert!(message.contains("not found"), "{message}");
    let message = h.err("quote_stay", json!({"listing_id": 1, "check_in": d(5), "check_out": d(7), "guests": 2})).await;
    assert!(message.contains("not found"), "{message}");
    let message = h.err("find_available_listings", find(json!({"dates": "soon"}))).await;
    assert!(message.contains("dates"), "{message}");
}

#[tokio::test]
async fn upstream_call_budgets_hold() {
    let h = mcp::start().await;
    h.ok("search_listings", json!({"limit": 1})).await;
    let calls = || h.sandbox.stats().total_received();
    let d = |n: i64| (today(&h) + Duration::days(n)).to_string();

    let before = calls();
    let answer =
        h.ok("find_available_listings", json!({"check_in": d(50), "check_out": d(53), "guests": 2, "limit": 3})).await;
    assert_eq!(answer["quoted"], 3);
    // The search, three calendars and three quotes, and the listings that give the account's zone.
    assert!(calls() - before <= 8, "find_available_listings made {} calls", calls() - before);

    let before = calls();
    h.ok("get_calendar", json!({"listing_id": 40101, "start_date": d(0), "end_date": d(365)})).await;
    assert_eq!(calls() - before, 1, "get_calendar makes one call");

    let before = calls();
    h.ok("quote_stay", json!({"listing_id": 40102, "check_in": d(60), "check_out": d(63), "guests": 1})).await;
    assert!(calls() - before <= 3, "quote_stay made {} calls", calls() - before);
    let before = calls();
    h.ok("quote_stay", json!({"listing_id": 40102, "check_in": d(60), "check_out": d(63), "guests": 1})).await;
    assert_eq!(calls() - before, 0, "a repeated quote is answered from the cache");
}

#[tokio::test]
async fn portfolio_calendar_gives_every_listing_the_sandbox_calendars_nights_in_one_answer() {
    let h = mcp::start().await;
    let (start, end) = (today(&h), today(&h) + Duration::days(61));
    let before = h.sandbox.stats().total_received();
    let args = json!({"start_date": start.to_string(), "end_date": end.to_string()});
    let answer = h.ok("portfolio_calendar", args.clone()).await;
    let calls = h.sandbox.stats().total_received() - before;
    let listings: Vec<i64> = h.sandbox.inspect(|s| s.listings.keys().copied().collect());
    assert_eq!(ids(&answer), listings, "every listing, by id");
    assert_eq!(answer["complete"], true);
    assert_eq!(h.sandbox.stats().received(id::GET_CALENDAR), listings.len() as u64, "one calendar read per listing");
    assert!(calls <= listings.len() as u64 + 2, "and little else: {calls}");

    for row in answer["listings"].as_array().unwrap() {
        let id = row["listing_id"].as_i64().unwrap();
        let days = h.sandbox.inspect(|s| s.calendar(&s.listings[&id], start, end, false));
        let count =
            |statuses: &[&str]| days.iter().filter(|d| statuses.contains(&d.status.as_deref().unwrap())).count();
        let gap_nights: usize =
            expected_gaps(&days).iter().map(|(first, last)| ((*last - *first).num_days() + 1) as usize).sum();
        assert_eq!(row["free"], json!(count(&["available"])), "listing {id}");
        assert_eq!(row["booked"], json!(count(&["reserved", "pending"])), "listing {id}");
        assert_eq!(row["blocked"], json!(count(&["blocked"])), "listing {id}");
        assert_eq!(row["gap"], json!(gap_nights), "listing {id}");
        // Runs cover the range in order; a free run's nights share its minimum stay and lie in its price range.
        let mut next = start;
        for run in row["runs"].as_array().unwrap() {
            let (first, last) = (date(&run["from"]), date(&run["to"]));
            assert_eq!(first, next, "listing {id}: runs are contiguous");
            let nights: Vec<&types::CalendarDay> = days.iter().filter(|d| d.date >= first && d.date <= last).collect();
            let free = nights.iter().all(|d| d.status.as_deref() == Some("available"));
            assert_eq!(free, ["free", "gap"].contains(&run["state"].as_str().unwrap()), "listing {id} {first}");
            if free {
                let prices: Vec<f64> = nights.iter().map(|d| d.price.unwrap()).collect();
                let (low, high) = prices.iter().fold((f64::MAX, f64::MIN), |(l, h), p| (l.min(*p), h.max(*p)));
                assert_eq!(run["price_from"], json!(low), "listing {id} {first}");
                assert_eq!(run["price_to"], if high > low { json!(high) } else { Value::Null }, "listing {id} {first}");
                assert!(nights.iter().all(|d| json!(d.minimum_stay) == run["min_stay"]), "listing {id} {first}");
            } else {
                assert!(run.get("price_from").is_none() && run.get("min_stay").is_none());
            }
            next = last + Duration::days(1);
        }
        assert_eq!(next, end + Duration::days(1), "listing {id}: runs end with the range");
    }

    let again = h.sandbox.stats().total_received();
    h.ok("portfolio_calendar", args).await;
    assert_eq!(h.sandbox.stats().total_received(), again, "asking again is answered from the cache");
}

#[tokio::test]
async fn portfolio_calendar_narrows_to_a_city_or_listings_and_refuses_what_it_cannot_do() {
    let h = mcp::start().await;
    let start = today(&h) + Duration::days(10);
    let end = start + Duration::days(30);
    let range = |extra: Value| {
        let mut args = json!({"start_date": start.to_string(), "end_date": end.to_string()});
        args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        args
    };
    let city = h.sandbox.inspect(|s| s.listings.values().find_map(|l| l.city.clone()).unwrap());
    let in_city: Vec<i64> =
        h.sandbox.inspect(|s| s.listings.values().filter(|l| l.city.as_deref() == Some(&city)).map(|l| l.id).collect());
    let answer = h.ok("portfolio_calendar", range(json!({"city": city.to_lowercase()}))).await;
    assert_eq!(ids(&answer), in_city);
    let last = h.sandbox.inspect(|s| *s.listings.keys().last().unwrap());
    let two = [in_city[0], last];
    let answer = h.ok("portfolio_calendar", range(json!({"listing_ids": [two[0].to_string(), two[1]]}))).await;
    let mut expected = two.to_vec();
    expected.sort_unstable();
    expected.dedup();
    assert_eq!(ids(&answer), expected);

    let message = h.err("portfolio_calendar", range(json!({"listing_ids": [1]}))).await;
    assert!(message.contains("listing_ids") && message.contains("no listing 1"), "{message}");
    let message = h.err("portfolio_calendar", range(json!({"city": "Atlantis"}))).await;
    assert!(message.contains("city"), "{message}");
    let too_long = json!({"start_date": start.to_string(), "end_date": (start + Duration::days(62)).to_string()});
    let message = h.err("portfolio_calendar", too_long).await;
    assert!(message.contains("end_date"), "{message}");
}

/// Issue 25, repro 5: availability and bookability are one rule. A listing whose nights ask for a
/// longer stay is not offered, quote_stay agrees on every listing offered or refused, and a party
/// no listing sleeps is told how many the largest sleeps.
#[tokio::test]
async fn find_available_listings_offers_only_what_quote_stay_would_book() {
    let h = mcp::start().await;
    let (arrival, departure) = (today(&h) + Duration::days(61), today(&h) + Duration::days(63));
    let stay = json!({"check_in": arrival.to_string(), "check_out": departure.to_string(), "guests": 2});
    let listing = h.sandbox.inspect(|s| {
        let free = free_for(s, arrival, departure, 2);
        free.iter().find(|l| s.calendar(l, arrival, arrival, false)[0].minimum_stay == Some(1)).unwrap().id
    });
    let mut search = stay.clone();
    search["limit"] = json!(20);
    let offered = ids(&h.ok("find_available_listings", search.clone()).await);
    assert!(offered.contains(&listing), "free and bookable before the rule changes");

    let rule = json!({"listing_id": listing, "start_date": arrival.to_string(), "end_date": departure.to_string(),
        "min_stay": 3, "confirm": true});
    assert_eq!(h.ok("set_rates", rule).await["status"], "done");
    let answer = h.ok("find_available_listings", search).await;
    assert!(!ids(&answer).contains(&listing), "a stay of 2 nights is not offered where 3 are needed: {answer}");
    let refused: Vec<i64> =
        answer["excluded"]["not_bookable"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert!(refused.contains(&listing), "{answer}");
    for id in ids(&answer) {
        let mut quote = stay.clone();
        quote["listing_id"] = json!(id);
        let quoted = h.ok("quote_stay", quote).await;
        assert_eq!(quoted["bookable"], true, "offered, but quote_stay refuses listing {id}: {quoted}");
    }
    for id in refused {
        let mut quote = stay.clone();
        quote["listing_id"] = json!(id);
        assert_eq!(h.ok("quote_stay", quote).await["bookable"], false, "refused, but quote_stay books listing {id}");
    }

    let largest = h.sandbox.inspect(|s| s.listings.values().filter_map(|l| l.person_capacity).max().unwrap());
    let mut party = stay;
    party["guests"] = json!(largest + 1);
    let none = h.ok("find_available_listings", party).await;
    assert_eq!(none["listings"], json!([]));
    assert_eq!(none["largest_sleeps"], json!(largest), "{none}");
    assert!(none["note"].as_str().unwrap().contains(&format!("the largest here sleeps {largest}")), "{none}");
}
