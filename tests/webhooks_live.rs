//! End to end: the real binary (`serve` with a webhook login and password) in front of a
//! standalone sandbox that delivers unified webhook events to it. A booking changed or created by
//! a channel, and a guest's message, show in the tools' answers within a second although the
//! answers were cached a moment before; a receiver Hostaway cannot authenticate to changes
//! nothing (the control). The receiver's own edge: 401 without the right basic auth, 400 for a
//! body that is not JSON, 413 beyond its limit, 200 for events of other kinds.

mod mcp;

use std::time::{Duration, Instant};

use hostaway_mcp::sandbox::{RateLimits, Sandbox, SandboxConfig};
use rmcp::{
    RoleClient, ServiceExt,
    model::{CallToolRequestParams, CallToolResult},
    service::RunningService,
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
    let mut command = mcp::binary_against(sandbox);
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
    let http = reqwest::Client::new();
    let minted: Value = http
        .post(format!("{}/accessTokens", sandbox.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &sandbox.account_id().to_string()),
            ("client_secret", sandbox.secret_key()),
            ("scope", "general"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = minted["access_token"].as_str().unwrap();
    let made = http
        .post(format!("{}/webhooks/unifiedWebhooks", sandbox.base_url()))
        .bearer_auth(token)
        .json(&json!({"isEnabled": 1, "url": url, "login": LOGIN, "password": password}))
        .send()
        .await
        .unwrap();
    assert!(made.status().is_success());
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
    let received = sandbox.stats().received("getReservation");
    assert_eq!(received, 1, "the second read came from the cache");

    let changed = reqwest::Client::new()
        .put(control(&sandbox, &format!("/_sandbox/channel/reservations/{id}")))
        .json(&json!({"numberOfGuests": guests}))
        .send()
        .await
        .unwrap();
    assert!(changed.status().is_success());
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
        .json(&json!({"channelId": 2018, "listingMapId": listing, "arrivalDate": arrival,
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
    reqwest::Client::new()
        .put(control(&sandbox, &format!("/_sandbox/channel/reservations/{id}")))
        .json(&json!({"numberOfGuests": guests}))
        .send()
        .await
        .unwrap();
    let fresh =
        shows_within(&session, "get_reservation", args, Duration::from_secs(1), |a| a["guests"] == guests).await;
    assert!(!fresh, "without webhooks the cached answer stays until its lifetime ends");
    let refused = sandbox.inspect(|s| s.webhook_logs.iter().map(|l| l.response_status).collect::<Vec<_>>());
    assert_eq!(refused, [401], "a 401 is final: Hostaway does not retry it");
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
