//! Contract: reviews, through the generated client against the sandbox: paging with a count,
//! the type, reservation and departure filters, and the sort.

use crate::support::api;

use hostaway_mcp::hostaway::types;

fn ids(list: &types::ReviewList) -> Vec<i64> {
    list.result.iter().map(|r| r.id).collect()
}

#[tokio::test]
async fn reviews_page_with_a_count_newest_departure_first_by_default() {
    let (sandbox, client) = api::connected().await;
    let stored = sandbox.inspect(|s| s.reviews.len());
    assert!(stored > 50, "the sandbox has reviews: {stored}");
    let mut seen = Vec::new();
    loop {
        let page = client.list_reviews().limit(40).offset(seen.len() as i32).send().await.unwrap().into_inner();
        assert_eq!(page.status, types::EnvelopeStatus::Success);
        assert_eq!(page.count, Some(stored as i64));
        let n = page.result.len();
        seen.extend(page.result);
        if n < 40 {
            break;
        }
    }
    assert_eq!(seen.len(), stored);
    assert!(seen.windows(2).all(|w| w[0].departure_date >= w[1].departure_date), "newest departure first");
    let mut unique: Vec<i64> = seen.iter().map(|r| r.id).collect();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), stored, "every review once");
}

#[tokio::test]
async fn the_type_reservation_and_departure_filters_narrow_the_list() {
    let (sandbox, client) = api::connected().await;
    let all = sandbox.inspect(|s| s.reviews.clone());
    let guests =
        client.list_reviews().type_(types::ListReviewsType::GuestToHost).limit(1000).send().await.unwrap().into_inner();
    assert_eq!(guests.result.len(), all.iter().filter(|r| r.type_.as_deref() == Some("guest-to-host")).count());
    assert!(guests.result.iter().all(|r| r.type_.as_deref() == Some("guest-to-host")));

    let one = all.iter().find(|r| r.type_.as_deref() == Some("host-to-guest")).unwrap();
    let of_reservation =
        client.list_reviews().reservation_id(one.reservation_id.unwrap()).send().await.unwrap().into_inner();
    assert!(ids(&of_reservation).contains(&one.id));
    assert!(of_reservation.result.iter().all(|r| r.reservation_id == one.reservation_id));

    let day = |r: &types::Review| {
        chrono::NaiveDate::parse_from_str(&r.departure_date.clone().unwrap()[..10], "%Y-%m-%d").unwrap()
    };
    let (from, to) = (day(one) - chrono::Duration::days(10), day(one));
    let window = client
        .list_reviews()
        .departure_date_start(from)
        .departure_date_end(to)
        .limit(1000)
        .send()
        .await
        .unwrap()
        .into_inner();
    let expected = all.iter().filter(|r| day(r) >= from && day(r) <= to).count();
    assert_eq!(window.result.len(), expected);
    assert!(ids(&window).contains(&one.id));

    let by_id =
        client.list_reviews().sort_by(types::ListReviewsSortBy::Id).limit(1000).send().await.unwrap().into_inner();
    assert!(by_id.result.windows(2).all(|w| w[0].id < w[1].id), "sortBy id is ascending");
}

#[tokio::test]
async fn an_unknown_sort_is_a_failure_naming_the_choices() {
    // The generated client only sends the spec's sorts, so send a wrong one by hand.
    let sandbox = api::start(api::config()).await;
    let token = api::mint(&sandbox).await;
    let raw = reqwest::Client::new()
        .get(format!("{}/reviews?sortBy=rating", sandbox.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["status"], "fail");
    assert!(body["result"].as_str().unwrap_or_default().contains("departureDate"), "{body}");
}
