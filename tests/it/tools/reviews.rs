//! list_reviews end to end: counts, averages and order recomputed from the sandbox's reviews.

use crate::support::mcp;
use hostaway_mcp::domain::Channel;

use chrono::{Duration, NaiveDate};
use hostaway_mcp::hostaway::types;
use serde_json::{Value, json};

/// Guests' reviews of stays that ended in `start..=end`.
fn guest_reviews(h: &mcp::Harness, start: NaiveDate, end: NaiveDate) -> Vec<types::Review> {
    h.sandbox.inspect(|s| {
        s.reviews
            .iter()
            .filter(|r| r.type_.as_deref() == Some("guest-to-host"))
            .filter(|r| {
                let day = NaiveDate::parse_from_str(&r.departure_date.clone().unwrap()[..10], "%Y-%m-%d").unwrap();
                day >= start && day <= end
            })
            .cloned()
            .collect()
    })
}

fn average(reviews: &[&types::Review]) -> f64 {
    let sum: f64 = reviews.iter().map(|r| r.rating.unwrap()).sum();
    (sum / reviews.len() as f64 * 100.0).round() / 100.0
}

fn period(h: &mcp::Harness) -> (NaiveDate, NaiveDate, Value) {
    let today = h.sandbox.inspect(|s| s.today);
    let (start, end) = (today - Duration::days(180), today);
    (start, end, json!({"start_date": start.to_string(), "end_date": end.to_string()}))
}

#[tokio::test]
async fn counts_averages_and_order_follow_the_sandboxs_reviews() {
    let h = mcp::start().await;
    let (start, end, args) = period(&h);
    let all = guest_reviews(&h, start, end);
    let rated: Vec<&types::Review> = all.iter().filter(|r| r.rating.is_some()).collect();
    assert!(rated.len() > 20 && rated.iter().any(|r| r.rating.unwrap() <= 2.0), "the data has low ones too");
    let answer = h.ok("list_reviews", args.clone()).await;
    assert_eq!(answer["count"], json!(rated.len()));
    assert_eq!(answer["average"], json!(average(&rated)));
    assert_eq!(answer["awaiting"], json!(all.len() - rated.len()));
    assert_eq!(answer["complete"], true);
    let rows = answer["reviews"].as_array().unwrap();
    assert_eq!(rows.len(), 20, "the default limit");
    let departures: Vec<&str> = rows.iter().map(|r| r["departure"].as_str().unwrap()).collect();
    assert!(departures.windows(2).all(|w| w[0] >= w[1]), "latest stay first: {departures:?}");

    for entry in answer["by_listing"].as_array().unwrap() {
        let id = entry["listing_id"].as_i64().unwrap();
        let own: Vec<&types::Review> = rated.iter().copied().filter(|r| r.listing_map_id == Some(id)).collect();
        assert_eq!(entry["count"], json!(own.len()), "listing {id}");
        assert_eq!(entry["average"], json!(average(&own)), "listing {id}");
    }
    let averages: Vec<f64> =
        answer["by_listing"].as_array().unwrap().iter().map(|e| e["average"].as_f64().unwrap()).collect();
    assert!(averages.windows(2).all(|w| w[0] <= w[1]), "lowest average first");

    let mut lowest = args.clone();
    lowest["lowest_first"] = json!(true);
    lowest["limit"] = json!(50);
    let worst = h.ok("list_reviews", lowest).await;
    let ratings: Vec<f64> =
        worst["reviews"].as_array().unwrap().iter().map(|r| r["rating"].as_f64().unwrap()).collect();
    assert!(ratings.windows(2).all(|w| w[0] <= w[1]), "lowest first: {ratings:?}");
    let min = rated.iter().map(|r| r.rating.unwrap()).fold(f64::MAX, f64::min);
    assert_eq!(ratings[0], min);
    let first = &worst["reviews"][0];
    assert!(first["text"].is_string(), "{first}");
}

#[tokio::test]
async fn listing_and_channel_filters_narrow_the_reviews() {
    let h = mcp::start().await;
    let (start, end, args) = period(&h);
    let rated: Vec<types::Review> = guest_reviews(&h, start, end).into_iter().filter(|r| r.rating.is_some()).collect();
    let listing = rated[0].listing_map_id.unwrap();
    let mut one = args.clone();
    one["listing_ids"] = json!([listing]);
    let answer = h.ok("list_reviews", one).await;
    assert_eq!(answer["count"], json!(rated.iter().filter(|r| r.listing_map_id == Some(listing)).count()));
    assert!(answer["reviews"].as_array().unwrap().iter().all(|r| r["listing_id"] == listing));

    let mut booking = args.clone();
    booking["channel"] = json!("booking.com");
    let answer = h.ok("list_reviews", booking).await;
    assert_eq!(answer["count"], json!(rated.iter().filter(|r| r.channel_id == Some(Channel::BookingCom.id())).count()));
    assert!(answer["reviews"].as_array().unwrap().iter().all(|r| r["channel"] == "booking.com"));

    let long = json!({"start_date": start.to_string(), "end_date": (start + Duration::days(366)).to_string()});
    assert!(h.err("list_reviews", long).await.contains("end_date"));
    let mut bad = args;
    bad["channel"] = json!("carrier pigeon");
    assert!(h.err("list_reviews", bad).await.contains("channel"));
}
