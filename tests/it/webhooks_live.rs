//! End to end: the real binary (`serve` with a webhook login and password) in front of a
//! standalone sandbox that delivers unified webhook events to it. A booking changed or created by
//! a channel, and a guest's message, show in the tools' answers within a second although the
//! answers were cached a moment before; a receiver Hostaway cannot authenticate to changes
//! nothing (the control). The receiver's own edge: 401 without the right basic auth (its scheme
//! name in any case), 400 for a body that is not a JSON event, 413 beyond its limit, 200 for
//! events of other kinds.

use crate::support::mcp;
use hostaway_mcp::domain::Channel;
use hostaway_mcp::hostaway::id;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use hostaway_mcp::sandbox::{RateLimits, Sandbox, SandboxConfig};
use rmcp::{
    RoleClient, ServiceExt,
    model::{
        CallToolRequestParams, CallToolResult, ClientConfig, ProtocolVersion, ServerNotification,
        SubscribeRequestParams, SubscriptionFilter, UnsubscribeRequestParams,
    },
    service::{ClientLifecycleMode, ClientServiceExt, RunningService},
};
use serde_json::{Value, json};
use tokio::process::Child;

type Session = RunningService<RoleClient, ()>;

const LOGIN: &str = "hostaway-hooks";
const PASSWORD: &str = "correct-horse-battery-staple";

async fn sandbox() -> Sandbox {
    let config = SandboxConfig {
        clock: mcp::clock(),
        limits: RateLimits { per_ip: 0, per_account: 0, window: Duration::from_secs(10) },
        token_activation: Duration::ZERO,
        webhook_retry: Duration::from_millis(50),
        ..SandboxConfig::default()
    };
    Sandbox::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

/// The server against `sandbox`, receiving webhooks; its `/mcp` URL and an MCP session on it.
async fn server(sandbox: &Sandbox) -> (Child, String, Session) {
    server_with(sandbox, &[]).await
}

/// The same with extra environment variables.
async fn server_with(sandbox: &Sandbox, env: &[(&str, &str)]) -> (Child, String, Session) {
    let mut command = mcp::binary_against(sandbox);
    command.envs(env.iter().copied());
    command
        .env("HOSTAWAY_WEBHOOK_LOGIN", LOGIN)
        .env("HOSTAWAY_WEBHOOK_PASSWORD", PASSWORD)
        .env("MCP_CLIENT_CALLS_PER_MINUTE", "0")
        .env("HOSTAWAY_MCP_CLOCK", mcp::clock().now().to_rfc3339())
        .args(["serve", "--bind", "127.0.0.1:0"]);
    let (child, url) = mcp::spawn_serve(&mut command).await;
    let session = ().serve(rmcp::transport::StreamableHttpClientTransport::from_uri(url.clone())).await.unwrap();
    (child, url, session)
}

fn receiver_url(mcp_url: &str) -> String {
    mcp_url.replace("/mcp", "/webhooks/hostaway")
}

/// Registers `url` as the sandbox's unified webhook, through its API, with `password`.
async fn register(sandbox: &Sandbox, url: &str, password: &str) {
    mcp::register_webhook(sandbox, url, LOGIN, password).await;
}

/// A control route of the sandbox (`/_sandbox/...`).
fn control(sandbox: &Sandbox, path: &str) -> String {
    sandbox.base_url().replace("/v1", path)
}

async fn call(session: &Session, tool: &str, arguments: Value) -> Value {
    let request = CallToolRequestParams::new(tool.to_string()).with_arguments(arguments.as_object().cloned().unwrap());
    let answer: CallToolResult = session.call_tool(request).await.unwrap();
    assert_ne!(answer.is_error, Some(true), "{}", mcp::text(&answer));
    answer.structured_content.unwrap()
}

/// Calls `tool` until `done` holds of its answer, for at most `within`; whether it came to hold.
async fn shows_within(
    session: &Session,
    tool: &str,
    arguments: Value,
    within: Duration,
    done: impl Fn(&Value) -> bool,
) -> bool {
    let until = Instant::now() + within;
    loop {
        if done(&call(session, tool, arguments.clone()).await) {
            return true;
        }
        if Instant::now() > until {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A confirmed reservation and a guest count it does not have.
fn some_booking(sandbox: &Sandbox) -> (i64, i64) {
    sandbox.inspect(|s| {
        let r = s
            .reservations
            .values()
            .rev()
            .find(|r| r.status.as_str() == "new" || r.status.as_str() == "modified")
            .unwrap();
        (r.id, i64::from(r.number_of_guests.unwrap_or(1)) % 4 + 1)
    })
}

#[tokio::test]
async fn a_channel_change_shows_in_get_reservation_within_a_second_though_it_was_cached() {
    let sandbox = sandbox().await;
    let (_child, url, session) = server(&sandbox).await;
    register(&sandbox, &receiver_url(&url), PASSWORD).await;
    let (id, guests) = some_booking(&sandbox);
    let args = json!({"reservation_id": id});
    let before = call(&session, "get_reservation", args.clone()).await;
    assert_ne!(before["guests"], guests);
    call(&session, "get_reservation", args.clone()).await;
    let received = sandbox.stats().received(id::GET_RESERVATION);
    assert_eq!(received, 1, "the second read came from the cache");

    change_guests(&sandbox, id, guests).await;
    let fresh =
        shows_within(&session, "get_reservation", args, Duration::from_secs(1), |a| a["guests"] == guests).await;
    assert!(fresh, "the change showed within 1 s");
}

#[tokio::test]
async fn a_channel_booking_shows_in_search_reservations_within_a_second_though_the_search_was_cached() {
    let sandbox = sandbox().await;
    let (_child, url, session) = server(&sandbox).await;
    register(&sandbox, &receiver_url(&url), PASSWORD).await;
    let (listing, arrival, departure) = sandbox.inspect(mcp::free_stay);
    let search = json!({"guest": "Okonkwo", "limit": 10});
    assert_eq!(call(&session, "search_reservations", search.clone()).await["reservations"], json!([]));

    let booked = reqwest::Client::new()
        .post(control(&sandbox, "/_sandbox/channel/reservations"))
        .json(&json!({"channelId": Channel::Airbnb.id(), "listingMapId": listing, "arrivalDate": arrival,
            "departureDate": departure, "guestFirstName": "Adaeze", "guestLastName": "Okonkwo"}))
        .send()
        .await
        .unwrap();
    assert!(booked.status().is_success());
    let fresh = shows_within(&session, "search_reservations", search, Duration::from_secs(1), |a| {
        a["reservations"].as_array().is_some_and(|rows| rows.len() == 1)
    })
    .await;
    assert!(fresh, "the new booking showed within 1 s");
}

/// The bookings `search_reservations` answers for arrivals from `from` to `from + 6 days`.
async fn arrivals(session: &Session, from: chrono::NaiveDate) -> Vec<Value> {
    let to = from + chrono::Duration::days(6);
    let args = json!({"arrival_start_date": from.to_string(), "arrival_end_date": to.to_string(), "limit": 50});
    call(session, "search_reservations", args).await["reservations"].as_array().unwrap().clone()
}

/// Polls `arrivals` from `from` (at most 1 s) until `done` holds of the booking `id`'s row there.
async fn arrivals_until(session: &Session, from: chrono::NaiveDate, id: i64, done: impl Fn(Option<&Value>) -> bool) {
    let until = Instant::now() + Duration::from_secs(1);
    loop {
        let rows = arrivals(session, from).await;
        if done(rows.iter().find(|r| r["reservation_id"] == id)) {
            return;
        }
        let ids: Vec<&Value> = rows.iter().map(|r| &r["reservation_id"]).collect();
        assert!(Instant::now() < until, "the search for arrivals from {from} never showed the change: {ids:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_booking_event_drops_the_searches_that_held_it_or_can_show_it_and_keeps_the_rest() {
    let sandbox = sandbox().await;
    let (_child, url, session) = server(&sandbox).await;
    register(&sandbox, &receiver_url(&url), PASSWORD).await;
    let (listing, arrival, departure) = sandbox.inspect(mcp::free_stay);
    let later = sandbox.inspect(|s| {
        let listing = &s.listings[&listing];
        (20..300)
            .map(|ahead| arrival + chrono::Duration::days(ahead))
            .find(|day| s.is_free(listing, *day, *day + chrono::Duration::days(3), None))
            .unwrap()
    });
    let elsewhere = later + chrono::Duration::days(20);
    let booked: Value = reqwest::Client::new()
        .post(control(&sandbox, "/_sandbox/channel/reservations"))
        .json(&json!({"channelId": Channel::Airbnb.id(), "listingMapId": listing, "arrivalDate": arrival, "departureDate": departure,
            "numberOfGuests": 1, "guestFirstName": "Ines", "guestLastName": "Duarte"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = booked["result"]["id"].as_i64().unwrap();
    arrivals_until(&session, arrival, id, |row| row.is_some()).await;
    assert!(arrivals(&session, later).await.iter().all(|r| r["reservation_id"] != id));
    let untouched = arrivals(&session, elsewhere).await;
    let reads = || sandbox.stats().received(id::LIST_RESERVATIONS);

    change_guests(&sandbox, id, 3).await;
    arrivals_until(&session, arrival, id, |row| row.is_some_and(|r| r["guests"] == 3)).await;
    let before = reads();
    arrivals(&session, later).await;
    assert_eq!(arrivals(&session, elsewhere).await, untouched);
    assert_eq!(reads(), before, "searches that neither held the booking nor can show it stayed cached");

    let moved = reqwest::Client::new()
        .put(control(&sandbox, &format!("/_sandbox/channel/reservations/{id}")))
        .json(&json!({"arrivalDate": later, "departureDate": later + chrono::Duration::days(3)}))
        .send()
        .await
        .unwrap();
    assert!(moved.status().is_success(), "{}", moved.text().await.unwrap());
    arrivals_until(&session, later, id, |row| row.is_some()).await;
    arrivals_until(&session, arrival, id, |row| row.is_none()).await;
    let before = reads();
    assert_eq!(arrivals(&session, elsewhere).await, untouched);
    assert_eq!(reads(), before, "the search far from both stays stayed cached");
}

#[tokio::test]
async fn a_guest_message_shows_in_unread_conversations_within_a_second() {
    let sandbox = sandbox().await;
    let (_child, url, session) = server(&sandbox).await;
    register(&sandbox, &receiver_url(&url), PASSWORD).await;
    let conversation =
        sandbox.inspect(|s| s.conversations.values().find(|c| c.has_unread_messages != Some(1)).map(|c| c.id).unwrap());
    let unread = |a: &Value| {
        a["conversations"].as_array().is_some_and(|rows| rows.iter().any(|c| c["conversation_id"] == conversation))
    };
    assert!(!unread(&call(&session, "unread_conversations", json!({"limit": 50})).await));

    let wrote = reqwest::Client::new()
        .post(control(&sandbox, &format!("/_sandbox/channel/conversations/{conversation}/messages")))
        .json(&json!({"body": "Hello! Could we check in at 13:00?"}))
        .send()
        .await
        .unwrap();
    assert!(wrote.status().is_success());
    let fresh =
        shows_within(&session, "unread_conversations", json!({"limit": 50}), Duration::from_secs(1), unread).await;
    assert!(fresh, "the message showed within 1 s");
}

#[tokio::test]
async fn deliveries_the_receiver_cannot_authenticate_change_nothing() {
    let sandbox = sandbox().await;
    let (_child, url, session) = server(&sandbox).await;
    register(&sandbox, &receiver_url(&url), "the-wrong-password").await;
    let (id, guests) = some_booking(&sandbox);
    let args = json!({"reservation_id": id});
    call(&session, "get_reservation", args.clone()).await;
    change_guests(&sandbox, id, guests).await;
    let fresh =
        shows_within(&session, "get_reservation", args, Duration::from_secs(1), |a| a["guests"] == guests).await;
    assert!(!fresh, "without webhooks the cached answer stays until its lifetime ends");
    let refused = sandbox.inspect(|s| s.webhook_logs.iter().map(|l| l.response_status).collect::<Vec<_>>());
    assert_eq!(refused, [401], "a 401 is final: Hostaway does not retry it");
}

/// Issue 27: four flooders posting without credentials as fast as they can do not turn away one of
/// Hostaway's authentic deliveries; they get 401 and, past their own budget, 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_without_credentials_never_turns_away_an_authentic_delivery() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let sandbox = sandbox().await;
    let (_child, url, _session) = server(&sandbox).await;
    let receiver = receiver_url(&url);
    let stop = Arc::new(AtomicBool::new(false));
    let (refused, throttled) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut flooders = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let (receiver, stop, refused, throttled) = (receiver.clone(), stop.clone(), refused.clone(), throttled.clone());
        flooders.spawn(async move {
            let http = reqwest::Client::new();
            while !stop.load(Ordering::Relaxed) {
                match http.post(&receiver).json(&json!({})).send().await.map(|r| r.status().as_u16()) {
                    Ok(401) => refused.fetch_add(1, Ordering::Relaxed),
                    Ok(429) => throttled.fetch_add(1, Ordering::Relaxed),
                    other => panic!("a delivery without credentials got {other:?}"),
                };
            }
        });
    }
    let until = Instant::now() + Duration::from_secs(10);
    while throttled.load(Ordering::Relaxed) == 0 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(throttled.load(Ordering::Relaxed) > 0, "the flood went past its budget");
    let http = reqwest::Client::new();
    for id in 1..=20 {
        let event = json!({"object": "reservation", "event": "reservation.updated", "data": {"id": id}});
        let answer = http.post(&receiver).basic_auth(LOGIN, Some(PASSWORD)).json(&event).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 200, "authentic delivery {id} during the flood");
    }
    stop.store(true, Ordering::Relaxed);
    while let Some(done) = flooders.join_next().await {
        done.unwrap();
    }
    let (refused, throttled) = (refused.load(Ordering::Relaxed), throttled.load(Ordering::Relaxed));
    assert!(refused > 0 && throttled > refused, "{refused} × 401 and {throttled} × 429");
}

#[tokio::test]
async fn the_receiver_refuses_what_is_not_an_authentic_event_and_ignores_other_kinds() {
    let sandbox = sandbox().await;
    let (_child, url, _session) = server(&sandbox).await;
    let receiver = receiver_url(&url);
    let http = reqwest::Client::new();
    let event = json!({"object": "reservation", "event": "reservation.updated", "data": {"id": 1}});
    let status = |r: reqwest::Response| r.status().as_u16();

    assert_eq!(status(http.post(&receiver).json(&event).send().await.unwrap()), 401, "no credentials");
    let wrong = http.post(&receiver).basic_auth(LOGIN, Some("nope")).json(&event).send().await.unwrap();
    assert_eq!(status(wrong), 401);
    let right = || http.post(&receiver).basic_auth(LOGIN, Some(PASSWORD));
    assert_eq!(status(right().json(&event).send().await.unwrap()), 200);
    assert_eq!(status(right().body("not json").send().await.unwrap()), 400);
    let other = json!({"object": "listing", "event": "listing.updated", "data": {"id": 1}});
    assert_eq!(status(right().json(&other).send().await.unwrap()), 200, "unknown events are acknowledged");
    let huge = json!({"event": "reservation.updated", "data": {"id": 1, "notes": "x".repeat(300_000)}});
    assert_eq!(status(right().json(&huge).send().await.unwrap()), 413);
    let mcp_token_free = http.post(&receiver).basic_auth(LOGIN, Some(PASSWORD)).json(&event).send().await.unwrap();
    assert_eq!(status(mcp_token_free), 200, "the MCP bearer token is not asked for here");
}

/// RFC 9110: an authentication scheme's name is case-insensitive, so `basic` and `BASIC` carry
/// Hostaway's credentials as well as `Basic`; the credentials themselves are still checked.
#[tokio::test]
async fn the_basic_scheme_is_case_insensitive_but_the_credentials_are_not() {
    use base64::Engine;
    let sandbox = sandbox().await;
    let (_child, url, _session) = server(&sandbox).await;
    let receiver = receiver_url(&url);
    let http = reqwest::Client::new();
    let encoded = |pair: &str| base64::engine::general_purpose::STANDARD.encode(pair);
    let right = encoded(&format!("{LOGIN}:{PASSWORD}"));
    let event = json!({"object": "reservation", "event": "reservation.updated", "data": {"id": 1}});
    let status = |authorization: String| {
        let (http, receiver, event) = (&http, &receiver, &event);
        async move {
            let answer = http.post(receiver).header("authorization", &authorization).json(event).send().await;
            answer.unwrap().status().as_u16()
        }
    };
    for scheme in ["Basic", "basic", "BASIC", "bAsIc"] {
        assert_eq!(status(format!("{scheme} {right}")).await, 200, "{scheme}");
    }
    assert_eq!(status(format!("basic {}", encoded(&format!("{LOGIN}:nope")))).await, 401, "a wrong password");
    assert_eq!(status(format!("basic {}", right.to_lowercase())).await, 401, "the credentials keep their case");
    assert_eq!(status(format!("Bearer {right}")).await, 401, "another scheme");
}

/// An authentic delivery whose body is JSON but no event (not an object with an `event` name and
/// a `data` object) is a 400 and counts as nothing: no event in the metrics, no sign that events
/// arrive (which would turn on the long cache times), no cached read dropped.
#[tokio::test]
async fn an_authentic_body_that_is_not_an_event_is_a_400_and_counts_as_nothing() {
    let sandbox = sandbox().await;
    let (_child, url, session) = server(&sandbox).await;
    let receiver = receiver_url(&url);
    let http = reqwest::Client::new();
    let (id, guests) = some_booking(&sandbox);
    let args = json!({"reservation_id": id});
    call(&session, "get_reservation", args.clone()).await;
    change_guests(&sandbox, id, guests).await;
    let bodies =
        [json!([1, 2, 3]), json!({}), json!({"event": "x"}), json!({"event": "reservation.updated", "id": id})];
    for body in &bodies {
        let answer = http.post(&receiver).basic_auth(LOGIN, Some(PASSWORD)).json(body).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 400, "{body}");
    }
    let metrics = reqwest::get(url.replace("/mcp", "/metrics")).await.unwrap().text().await.unwrap();
    let events: Vec<&str> = metrics.lines().filter(|l| l.starts_with("hostaway_mcp_webhook_events_total")).collect();
    assert_eq!(events, [r#"hostaway_mcp_webhook_events_total{outcome="bad_request"} 4"#], "{metrics}");
    let health = reqwest::get(url.replace("/mcp", "/health")).await.unwrap().text().await.unwrap();
    assert!(!health.contains("webhooks: live"), "no event arrived: {health}");
    let cached = call(&session, "get_reservation", args).await;
    assert_ne!(cached["guests"], guests, "the cached answer was not dropped");
}

/// Plays a channel's change of booking `id` to `guests` guests.
async fn change_guests(sandbox: &Sandbox, id: i64, guests: i64) {
    let changed = reqwest::Client::new()
        .put(control(sandbox, &format!("/_sandbox/channel/reservations/{id}")))
        .json(&json!({"numberOfGuests": guests}))
        .send()
        .await
        .unwrap();
    assert!(changed.status().is_success(), "{}", changed.text().await.unwrap());
}

/// Plays a guest's message into `conversation`.
async fn guest_writes(sandbox: &Sandbox, conversation: i64, body: &str) {
    let wrote = reqwest::Client::new()
        .post(control(sandbox, &format!("/_sandbox/channel/conversations/{conversation}/messages")))
        .json(&json!({"body": body}))
        .send()
        .await
        .unwrap();
    assert!(wrote.status().is_success(), "{}", wrote.text().await.unwrap());
}

#[tokio::test]
async fn a_session_subscribed_under_2025_hears_the_booking_it_follows_change_and_no_other() {
    let sandbox = sandbox().await;
    let (_child, url, _session) = server(&sandbox).await;
    register(&sandbox, &receiver_url(&url), PASSWORD).await;
    let (tx, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let info = ClientConfig::default().with_protocol_version(ProtocolVersion::V_2025_06_18);
    let client = mcp::Heard { info, uris: tx }
        .serve(rmcp::transport::StreamableHttpClientTransport::from_uri(url.clone()))
        .await
        .unwrap();
    let (id, guests) = some_booking(&sandbox);
    let other = sandbox.inspect(|s| s.reservations.keys().copied().find(|r| *r != id).unwrap());
    let uri = format!("hostaway://reservations/{id}");
    #[allow(deprecated)]
    client.subscribe(SubscribeRequestParams::new(uri.clone())).await.unwrap();
    #[allow(deprecated)]
    let refused = client.subscribe(SubscribeRequestParams::new("hostaway://listings/1")).await.unwrap_err();
    assert!(refused.to_string().contains("hostaway://reservations/<id>"), "{refused}");

    change_guests(&sandbox, other, 2).await;
    change_guests(&sandbox, id, guests).await;
    let told = tokio::time::timeout(Duration::from_secs(2), heard.recv()).await.expect("notified within 2 s");
    assert_eq!(told.as_deref(), Some(uri.as_str()), "only the booking subscribed to");

    #[allow(deprecated)]
    client.unsubscribe(UnsubscribeRequestParams::new(uri.clone())).await.unwrap();
    change_guests(&sandbox, id, guests % 4 + 1).await;
    let after = tokio::time::timeout(Duration::from_millis(700), heard.recv()).await;
    assert!(after.is_err(), "nothing after unsubscribing: {after:?}");
}

#[tokio::test]
async fn a_2026_listen_stream_hears_of_changed_bookings_and_new_guest_messages() {
    let sandbox = sandbox().await;
    let (_child, url, _) = server(&sandbox).await;
    register(&sandbox, &receiver_url(&url), PASSWORD).await;
    let info = ClientConfig::default().with_protocol_version(ProtocolVersion::V_2026_07_28);
    let session = mcp::Heard { info, uris: tokio::sync::mpsc::unbounded_channel().0 }
        .serve_with_lifecycle(
            rmcp::transport::StreamableHttpClientTransport::from_uri(url.clone()),
            ClientLifecycleMode::Discover { preferred_versions: vec![ProtocolVersion::V_2026_07_28] },
        )
        .await
        .unwrap();
    assert_eq!(session.peer_info().map(|i| i.protocol_version.to_string()).as_deref(), Some("2026-07-28"));
    let (id, guests) = some_booking(&sandbox);
    let uri = format!("hostaway://reservations/{id}");
    let filter = SubscriptionFilter::builder()
        .resource_subscription(uri.clone())
        .resource_subscription("hostaway://conversations/unread")
        .resource_subscription("hostaway://nothing/here")
        .build();
    let mut stream = session.listen(filter).await.unwrap();
    assert_eq!(
        stream.acknowledged().resource_subscriptions.as_deref(),
        Some(&[uri.clone(), "hostaway://conversations/unread".to_string()][..]),
        "unknown URIs are not accepted"
    );
    let mut next_uri = async || loop {
        let notification = tokio::time::timeout(Duration::from_secs(2), stream.next()).await.expect("within 2 s");
        if let Some(ServerNotification::ResourceUpdatedNotification(updated)) = notification.unwrap() {
            return updated.params.uri;
        }
    };
    change_guests(&sandbox, id, guests).await;
    assert_eq!(next_uri().await, uri);
    let conversation = sandbox.inspect(|s| *s.conversations.keys().next().unwrap());
    guest_writes(&sandbox, conversation, "Is there parking nearby?").await;
    assert_eq!(next_uri().await, "hostaway://conversations/unread");
}

/// A sandbox whose deliveries follow `deliveries` (the JSON of the fault plan's `deliveries`).
async fn faulty_sandbox(deliveries: Value) -> Sandbox {
    let sandbox = sandbox().await;
    let set = reqwest::Client::new()
        .put(control(&sandbox, "/_sandbox/faults"))
        .json(&json!({"deliveries": deliveries}))
        .send()
        .await
        .unwrap();
    assert!(set.status().is_success(), "{}", set.text().await.unwrap());
    sandbox
}

#[tokio::test]
async fn duplicate_and_reordered_deliveries_never_bring_back_an_older_answer() {
    // Every event twice, each copy after its own random delay: copies of older changes keep
    // arriving after newer ones.
    let sandbox = faulty_sandbox(json!({"duplicate_rate": 1.0, "delay_ms": 300})).await;
    let (_child, url, session) = server(&sandbox).await;
    register(&sandbox, &receiver_url(&url), PASSWORD).await;
    let (id, _) = some_booking(&sandbox);
    let args = json!({"reservation_id": id});
    for guests in [1, 2, 3, 4, 3, 2] {
        change_guests(&sandbox, id, guests).await;
        call(&session, "get_reservation", args.clone()).await;
    }
    let last = 2;
    // Bounds are generous: on a loaded machine a delivery can take seconds; what is checked is
    // the order of what the answers show, never how fast.
    assert!(
        shows_within(&session, "get_reservation", args.clone(), Duration::from_secs(10), |a| a["guests"] == last).await
    );
    // The late copies land now: until the last of the twelve deliveries is answered, no answer may
    // go back to an older count.
    let until = Instant::now() + Duration::from_secs(10);
    while sandbox.inspect(|s| s.webhook_logs.len()) < 12 {
        assert_eq!(call(&session, "get_reservation", args.clone()).await["guests"], last);
        assert!(Instant::now() < until, "the twelve deliveries were made within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(call(&session, "get_reservation", args.clone()).await["guests"], last, "after every copy landed");
    let duplicates = sandbox.inspect(|s| s.webhook_logs.len());
    assert_eq!(duplicates, 12, "each of the 6 changes was delivered twice");
}

/// Every booking in `ids` and the unread inbox as the tools answer them, against the sandbox's own.
async fn answers_match_the_sandbox(sandbox: &Sandbox, session: &Session, ids: &[i64]) -> Result<(), String> {
    for id in ids {
        let held = sandbox.inspect(|s| s.reservations[id].number_of_guests.map(i64::from));
        let answered = call(session, "get_reservation", json!({"reservation_id": id})).await;
        if answered["guests"].as_i64() != held {
            return Err(format!("booking {id}: answered {} guests, the sandbox holds {held:?}", answered["guests"]));
        }
    }
    let held: std::collections::BTreeSet<i64> = sandbox
        .inspect(|s| s.conversations.values().filter(|c| c.has_unread_messages == Some(1)).map(|c| c.id).collect());
    let inbox = call(session, "unread_conversations", json!({"limit": 50})).await;
    let answered: std::collections::BTreeSet<i64> =
        inbox["conversations"].as_array().unwrap().iter().map(|c| c["conversation_id"].as_i64().unwrap()).collect();
    if held.len() <= 50 && answered != held {
        return Err(format!("unread: answered {answered:?}, the sandbox holds {held:?}"));
    }
    Ok(())
}

#[tokio::test]
async fn two_hundred_random_changes_through_faulty_deliveries_end_with_every_answer_as_the_sandbox_holds() {
    use rand::{RngExt, SeedableRng};
    let sandbox = faulty_sandbox(json!({"fail_rate": 0.2, "duplicate_rate": 0.2, "delay_ms": 150})).await;
    // Checking the log every second applies deliveries that failed for good.
    let (_child, url, session) = server_with(&sandbox, &[("HOSTAWAY_WEBHOOK_CHECK_SECS", "1")]).await;
    register(&sandbox, &receiver_url(&url), PASSWORD).await;
    let ids: Vec<i64> = sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter(|r| matches!(r.status.as_str(), "new" | "modified"))
            .map(|r| r.id)
            .take(6)
            .collect()
    });
    let conversations: Vec<i64> = sandbox.inspect(|s| s.conversations.keys().copied().take(4).collect());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
    answers_match_the_sandbox(&sandbox, &session, &ids).await.unwrap();
    for change in 0..200 {
        if rng.random_bool(0.7) {
            let id = ids[rng.random_range(0..ids.len())];
            change_guests(&sandbox, id, rng.random_range(1..=4)).await;
        } else {
            let conversation = conversations[rng.random_range(0..conversations.len())];
            guest_writes(&sandbox, conversation, &format!("message {change}")).await;
        }
        // Reads in between fill the cache while deliveries are still on their way.
        if rng.random_bool(0.5) {
            let id = ids[rng.random_range(0..ids.len())];
            call(&session, "get_reservation", json!({"reservation_id": id})).await;
        }
        if rng.random_bool(0.2) {
            call(&session, "unread_conversations", json!({"limit": 50})).await;
        }
    }
    let until = Instant::now() + Duration::from_secs(10);
    let mut outcome = answers_match_the_sandbox(&sandbox, &session, &ids).await;
    while outcome.is_err() && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(200)).await;
        outcome = answers_match_the_sandbox(&sandbox, &session, &ids).await;
    }
    outcome.unwrap();
    let cached = sandbox.stats().received(id::GET_RESERVATION);
    assert!(cached < 200, "the reads were mostly answered from the cache ({cached} reached the sandbox)");
}

/// `/health` and the webhook lines of `/metrics`, polled until `done` holds of both (at most 5 s).
async fn health_until(url: &str, done: impl Fn(&str, &str) -> bool) -> (String, String) {
    let http = reqwest::Client::new();
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let health = http.get(url.replace("/mcp", "/health")).send().await.unwrap().text().await.unwrap();
        let metrics = http.get(url.replace("/mcp", "/metrics")).send().await.unwrap().text().await.unwrap();
        let metrics: String =
            metrics.lines().filter(|l| l.starts_with("hostaway_mcp_webhook")).collect::<Vec<_>>().join("\n");
        if done(&health, &metrics) || Instant::now() > until {
            return (health, metrics);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn long_cache_times_hold_only_while_events_arrive_and_health_and_metrics_say_which() {
    let sandbox = sandbox().await;
    let env = [("HOSTAWAY_WEBHOOK_CHECK_SECS", "1"), ("HOSTAWAY_WEBHOOK_QUIET_SECS", "1")];
    let (_child, url, session) = server_with(&sandbox, &env).await;
    let (health, metrics) = health_until(&url, |h, _| h.contains("fallback")).await;
    assert!(health.starts_with("ok\nwebhooks: fallback: Hostaway holds no enabled unified webhook"), "{health}");
    assert!(health.contains("bookings cached 30 s, conversations 15 s"), "{health}");
    assert!(metrics.contains("hostaway_mcp_webhooks{state=\"fallback\"} 1"), "{metrics}");

    register(&sandbox, &receiver_url(&url), PASSWORD).await;
    let (id, guests) = some_booking(&sandbox);
    change_guests(&sandbox, id, guests).await;
    let (health, metrics) = health_until(&url, |h, _| h.contains("live")).await;
    assert!(
        health.contains("webhooks: live") && health.contains("bookings cached 900 s, conversations 600 s"),
        "{health}"
    );
    assert!(metrics.contains("hostaway_mcp_webhooks{state=\"live\"} 1"), "{metrics}");
    assert!(metrics.contains("hostaway_mcp_webhook_events_total{outcome=\"applied\"} 1"), "{metrics}");

    // From now on every delivery fails, and no event comes: the log shows it, the short times
    // return, and the failed deliveries found in the log are applied all the same.
    let set = reqwest::Client::new()
        .put(control(&sandbox, "/_sandbox/faults"))
        .json(&json!({"deliveries": {"fail_rate": 1.0}}))
        .send()
        .await
        .unwrap();
    assert!(set.status().is_success());
    let args = json!({"reservation_id": id});
    call(&session, "get_reservation", args.clone()).await;
    change_guests(&sandbox, id, guests % 4 + 1).await;
    let (health, metrics) = health_until(&url, |h, _| h.contains("fallback")).await;
    assert!(health.contains("webhooks: fallback: no event for 1 s and"), "{health}");
    assert!(health.contains("bookings cached 30 s, conversations 15 s"), "{health}");
    assert!(metrics.contains("hostaway_mcp_webhooks{state=\"fallback\"} 1"), "{metrics}");
    let fresh =
        shows_within(&session, "get_reservation", args, Duration::from_secs(3), |a| a["guests"] == guests % 4 + 1)
            .await;
    assert!(fresh, "the failed delivery, found in the log, dropped the cached booking");
    let (_, metrics) = health_until(&url, |_, m| m.contains("outcome=\"recovered\"")).await;
    assert!(metrics.contains("hostaway_mcp_webhook_events_total{outcome=\"recovered\"}"), "{metrics}");
}

/// `hostaway-mcp webhooks <args>` against `sandbox` with the receiver's login and `password`:
/// whether it succeeded, and what it printed.
async fn webhooks_command(sandbox: &Sandbox, password: &str, args: &[&str]) -> (bool, String) {
    let out = mcp::binary_against(sandbox)
        .env("HOSTAWAY_WEBHOOK_LOGIN", LOGIN)
        .env("HOSTAWAY_WEBHOOK_PASSWORD", password)
        .arg("webhooks")
        .args(args)
        .output()
        .await
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr))
}

#[tokio::test]
async fn webhooks_register_is_idempotent_and_status_shows_the_webhook_and_its_deliveries() {
    let sandbox = sandbox().await;
    let (_child, url, _session) = server(&sandbox).await;
    let receiver = receiver_url(&url);
    let (ok, said) =
        webhooks_command(&sandbox, "a-first-password-that-is-long", &["register", "--url", &receiver]).await;
    assert!(ok && said.contains("Created unified webhook #"), "{said}");
    // Registering again with the password the server has updates the same webhook.
    let (ok, said) = webhooks_command(&sandbox, PASSWORD, &["register", "--url", &receiver]).await;
    assert!(ok && said.contains("Updated unified webhook #"), "{said}");
    let held = sandbox.inspect(|s| s.webhooks.values().cloned().collect::<Vec<_>>());
    assert_eq!(held.len(), 1, "one webhook, however often it is registered");
    assert_eq!((held[0].url.as_str(), held[0].password.as_deref()), (receiver.as_str(), Some(PASSWORD)));

    let (id, guests) = some_booking(&sandbox);
    change_guests(&sandbox, id, guests).await;
    let until = Instant::now() + Duration::from_secs(2);
    while sandbox.inspect(|s| s.webhook_logs.is_empty()) && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (ok, said) = webhooks_command(&sandbox, PASSWORD, &["status"]).await;
    assert!(ok, "{said}");
    assert!(said.contains(&format!("enabled -> {receiver}, this server's login")), "{said}");
    assert!(said.contains(&format!("reservation.updated reservation {id}: 200")), "{said}");
    assert!(!said.contains(PASSWORD), "the password is never shown: {said}");

    let (ok, said) =
        webhooks_command(&sandbox, PASSWORD, &["register", "--url", "http://example.com/webhooks/hostaway"]).await;
    assert!(!ok && said.contains("must be https"), "{said}");
}

#[tokio::test]
async fn a_change_back_to_an_earlier_state_within_one_second_is_applied_not_taken_for_a_repeat() {
    let sandbox = sandbox().await;
    let (_child, url, session) = server(&sandbox).await;
    let receiver = receiver_url(&url);
    // No webhook is registered with the sandbox: the test plays Hostaway's deliveries itself, so
    // the bodies are exactly what it says, down to one updatedOn second for all three changes.
    let (id, _) = some_booking(&sandbox);
    let args = json!({"reservation_id": id});
    let deliver = |guests: i64| {
        let body = json!({"object": "reservation", "event": "reservation.updated",
            "data": {"id": id, "numberOfGuests": guests, "updatedOn": "2027-01-08 10:00:00"}});
        let request = reqwest::Client::new().post(&receiver).basic_auth(LOGIN, Some(PASSWORD)).json(&body);
        async move { assert_eq!(request.send().await.unwrap().status().as_u16(), 200) }
    };
    for guests in [2, 3, 2] {
        change_guests(&sandbox, id, guests).await;
        deliver(guests).await;
        assert!(
            shows_within(&session, "get_reservation", args.clone(), Duration::from_secs(5), |a| a["guests"] == guests)
                .await,
            "the change to {guests} guests shows, though its event's body was seen before"
        );
    }
}

#[tokio::test]
async fn a_delivery_that_failed_for_good_behind_more_than_a_page_of_newer_ones_is_still_applied() {
    use hostaway_mcp::{
        hostaway::{Fresh, Gateway},
        server::{metrics::ServerMetrics, subscriptions::Subscriptions, webhook_health::WebhookHealth},
    };
    let sandbox = sandbox().await;
    // The health check in process, driven by the test instead of a timer, and a receiver that
    // takes every delivery and changes nothing: only the check can drop a cached answer here.
    let gateway = std::sync::Arc::new(Gateway::new(mcp::gateway_config(&sandbox)).unwrap());
    let health = WebhookHealth::new(
        gateway.clone(),
        std::sync::Arc::new(ServerMetrics::new(gateway.clone())),
        std::sync::Arc::new(Subscriptions::default()),
        LOGIN.into(),
        Duration::from_secs(300),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let receiver = format!("http://{}/webhooks/hostaway", listener.local_addr().unwrap());
    let accept_all = axum::Router::new().fallback(|| async { axum::http::StatusCode::OK });
    tokio::spawn(async move { axum::serve(listener, accept_all).await });
    health.check().await;
    register(&sandbox, &receiver, PASSWORD).await;

    let ids: Vec<i64> = sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter(|r| matches!(r.status.as_str(), "new" | "modified"))
            .map(|r| r.id)
            .take(2)
            .collect()
    });
    let (lost, busy) = (ids[0], ids[1]);
    let guests_of = |id: i64| {
        let gateway = gateway.clone();
        async move { gateway.reservation(id, Fresh::No).await.unwrap().number_of_guests.unwrap_or_default() }
    };
    let before = guests_of(lost).await;
    let guests = before % 4 + 1;
    // The change to `lost` fails on its first attempt and on Hostaway's three retries...
    let set = reqwest::Client::new()
        .put(control(&sandbox, "/_sandbox/faults"))
        .json(&json!({"deliveries": {"fail_next": 4}}))
        .send()
        .await
        .unwrap();
    assert!(set.status().is_success());
    change_guests(&sandbox, lost, i64::from(guests)).await;
    // ...and then more than a page of the log's newest deliveries are about another booking.
    for n in 0..60 {
        change_guests(&sandbox, busy, n % 4 + 1).await;
    }
    let logged = Instant::now() + Duration::from_secs(20);
    while sandbox.inspect(|s| s.webhook_logs.len()) < 64 {
        assert!(Instant::now() < logged, "the 64 delivery attempts were made within 20 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(guests_of(lost).await, before, "still cached: nothing but the check drops it");
    health.check().await;
    assert_eq!(guests_of(lost).await, guests, "the check found the failed delivery behind the newer ones");
}
