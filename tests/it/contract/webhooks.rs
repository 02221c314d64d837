//! Contract: unified webhooks, through the generated client against the sandbox: create, read,
//! update and delete; deliveries of reservation and message events to a real HTTP receiver with
//! basic auth; Hostaway's retries (network errors, 5xx and 429 only) and the delivery log; and the
//! fault plan's failed, doubled and delayed deliveries.

use crate::support::api;
use hostaway_mcp::domain::Channel;

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{Router, extract::State, http::HeaderMap, routing::post};
use hostaway_mcp::{
    hostaway::{Client, types},
    sandbox::{Sandbox, SandboxConfig, faults::FaultPlan, webhooks::DeliveryFaults},
};
use serde_json::{Value, json};

/// What a receiver got: the Authorization header and the body.
type Got = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// A webhook receiver on a loopback port that answers each delivery with the next scripted
/// status (200 once the script is used up).
struct Receiver {
    url: String,
    got: Got,
}

#[derive(Clone)]
struct Script {
    got: Got,
    statuses: Arc<Mutex<VecDeque<u16>>>,
}

async fn record(State(script): State<Script>, headers: HeaderMap, body: String) -> axum::http::StatusCode {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_string);
    script.got.lock().unwrap().push((auth, serde_json::from_str(&body).unwrap_or(Value::Null)));
    let status = script.statuses.lock().unwrap().pop_front().unwrap_or(200);
    axum::http::StatusCode::from_u16(status).unwrap()
}

impl Receiver {
    async fn start(statuses: &[u16]) -> Self {
        let got: Got = Arc::default();
        let script = Script { got: got.clone(), statuses: Arc::new(Mutex::new(statuses.iter().copied().collect())) };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let app = Router::new().route("/hook", post(record)).with_state(script);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, got }
    }

    /// The deliveries so far, once at least `n` have arrived (or after 5 s).
    async fn wait_for(&self, n: usize) -> Vec<(Option<String>, Value)> {
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            let got = self.got.lock().unwrap().clone();
            if got.len() >= n || Instant::now() > until {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

fn config() -> SandboxConfig {
    SandboxConfig { webhook_retry: Duration::from_millis(20), ..api::config() }
}

async fn register(client: &Client, url: &str, auth: Option<(&str, &str)>) -> types::UnifiedWebhook {
    let input = types::UnifiedWebhookInput {
        is_enabled: Some(1),
        url: url.to_string(),
        login: auth.map(|a| a.0.to_string()),
        password: auth.map(|a| a.1.to_string()),
        alerting_email_address: None,
    };
    client.create_unified_webhook().body(input).send().await.unwrap().into_inner().result
}

/// A new reservation through the API, on a stay the sandbox has free.
async fn book(sandbox: &Sandbox, client: &Client) -> types::Reservation {
    let (listing, arrival, departure) = sandbox.inspect(|s| {
        let listing = *s.listings.keys().next().unwrap();
        let arrival = (0..400)
            .map(|d| api::today() + chrono::Duration::days(200 + d))
            .find(|d| s.is_free(&s.listings[&listing], *d, *d + chrono::Duration::days(2), None))
            .unwrap();
        (listing, arrival, arrival + chrono::Duration::days(2))
    });
    let input = json!({"channelId": Channel::Direct.id(), "listingMapId": listing, "arrivalDate": arrival, "departureDate": departure,
        "guestFirstName": "Ines", "guestLastName": "Vidal"});
    client
        .create_reservation()
        .body(serde_json::from_value::<types::ReservationInput>(input).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner()
        .result
}

async fn logs(client: &Client) -> Vec<types::UnifiedWebhookLog> {
    client.list_unified_webhook_logs().limit(1000).send().await.unwrap().into_inner().result
}

#[tokio::test]
async fn webhooks_are_created_read_updated_and_deleted() {
    let (_sandbox, client) = api::connected().await;
    let made = register(&client, "https://hooks.example.com/hostaway", Some(("hook-user", "hook-pass"))).await;
    assert_eq!((made.is_enabled, made.login.as_deref()), (1, Some("hook-user")));
    let read = client.get_unified_webhook().webhook_id(made.id).send().await.unwrap().into_inner().result;
    let json = |v: &types::UnifiedWebhook| serde_json::to_value(v).unwrap();
    assert_eq!(json(&read), json(&made));
    let listed = client.list_unified_webhooks().send().await.unwrap().into_inner().result;
    assert_eq!(listed.iter().map(json).collect::<Vec<_>>(), [json(&made)]);

    let off = types::UnifiedWebhookInput {
        is_enabled: Some(0),
        url: made.url.clone(),
        login: None,
        password: None,
        alerting_email_address: Some("ops@example.com".into()),
    };
    let updated =
        client.update_unified_webhook().webhook_id(made.id).body(off).send().await.unwrap().into_inner().result;
    assert_eq!((updated.is_enabled, updated.login), (0, None), "the body replaces the webhook");

    client.delete_unified_webhook().webhook_id(made.id).send().await.unwrap();
    let (status, message) = api::failure(client.get_unified_webhook().webhook_id(made.id).send().await);
    assert_eq!(status, 404, "{message}");

    let bad = types::UnifiedWebhookInput {
        is_enabled: Some(1),
        url: "ftp://hooks.example.com".into(),
        login: None,
        password: None,
        alerting_email_address: None,
    };
    let (status, message) = api::failure(client.create_unified_webhook().body(bad).send().await);
    assert!(status >= 400 && message.contains("url"), "{status} {message}");
}

#[tokio::test]
async fn reservation_and_message_events_reach_the_receiver_with_basic_auth() {
    let (sandbox, client) = api::connected_with(config()).await;
    let receiver = Receiver::start(&[]).await;
    register(&client, &receiver.url, Some(("hook-user", "hook-pass"))).await;

    let booked = book(&sandbox, &client).await;
    let changed = json!({"numberOfGuests": 2});
    client
        .update_reservation()
        .reservation_id(booked.id)
        .body(serde_json::from_value::<types::ReservationInput>(changed).unwrap())
        .send()
        .await
        .unwrap();
    let got = receiver.wait_for(2).await;
    assert_eq!(got.len(), 2);
    // base64("hook-user:hook-pass")
    let expected_auth = "Basic aG9vay11c2VyOmhvb2stcGFzcw==".to_string();
    assert!(got.iter().all(|(auth, _)| auth.as_deref() == Some(expected_auth.as_str())), "{got:?}");
    let mut events: Vec<(String, i64)> = got
        .iter()
        .map(|(_, e)| (e["event"].as_str().unwrap().to_string(), e["data"]["id"].as_i64().unwrap()))
        .collect();
    events.sort();
    assert_eq!(
        events,
        [("reservation.created".to_string(), booked.id), ("reservation.updated".to_string(), booked.id)]
    );
    assert!(got.iter().all(|(_, e)| e["object"] == "reservation" && e["accountId"] == sandbox.account_id()));

    let conversation = sandbox.inspect(|s| *s.conversations.keys().next().unwrap());
    let control =
        sandbox.base_url().replace("/v1", &format!("/_sandbox/channel/conversations/{conversation}/messages"));
    let played = reqwest::Client::new()
        .post(control)
        .json(&json!({"body": "Is early check-in possible?"}))
        .send()
        .await
        .unwrap();
    assert!(played.status().is_success());
    let got = receiver.wait_for(3).await;
    let (_, message) = got.iter().find(|(_, e)| e["event"] == "message.received").expect("the message event");
    assert_eq!(message["object"], "conversationMessage");
    assert_eq!(message["data"]["conversationId"], conversation);
    assert_eq!(message["data"]["isIncoming"], 1);
    assert_eq!(sandbox.inspect(|s| s.conversations[&conversation].has_unread_messages), Some(1));
}

#[tokio::test]
async fn failed_deliveries_are_retried_on_5xx_and_429_only_and_every_attempt_is_logged() {
    let (sandbox, client) = api::connected_with(config()).await;
    let receiver = Receiver::start(&[500, 429]).await;
    let hook = register(&client, &receiver.url, None).await;
    let booked = book(&sandbox, &client).await;
    assert_eq!(receiver.wait_for(3).await.len(), 3, "two failures, then the delivery that worked");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let statuses: Vec<i32> = logs(&client).await.iter().rev().map(|l| l.response_status).collect();
    assert_eq!(statuses, [500, 429, 200]);
    assert!(logs(&client).await.iter().all(|l| l.object_id == Some(booked.id)
        && l.webhook_notification_setting_id == Some(hook.id)
        && l.event == "reservation.created"));

    let refusing = Receiver::start(&[401]).await;
    let second = register(&client, &refusing.url, None).await;
    client.delete_unified_webhook().webhook_id(hook.id).send().await.unwrap();
    book(&sandbox, &client).await;
    refusing.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(refusing.got.lock().unwrap().len(), 1, "a 401 is not retried");
    let of_second =
        client.list_unified_webhook_logs().unified_webhook_id(second.id).send().await.unwrap().into_inner().result;
    assert_eq!(of_second.iter().map(|l| l.response_status).collect::<Vec<_>>(), [401]);
}

#[tokio::test]
async fn the_fault_plan_fails_doubles_and_delays_deliveries_and_disabled_hooks_get_nothing() {
    let (sandbox, client) = api::connected_with(config()).await;
    let receiver = Receiver::start(&[]).await;
    register(&client, &receiver.url, None).await;
    let idle = Receiver::start(&[]).await;
    let disabled = types::UnifiedWebhookInput {
        is_enabled: Some(0),
        url: idle.url.clone(),
        login: None,
        password: None,
        alerting_email_address: None,
    };
    client.create_unified_webhook().body(disabled).send().await.unwrap();

    sandbox.set_faults(FaultPlan {
        deliveries: DeliveryFaults { fail_next: 2, duplicate_rate: 1.0, delay_ms: 100, ..DeliveryFaults::default() },
        ..FaultPlan::default()
    });
    let mut booked = Vec::new();
    for _ in 0..5 {
        booked.push(book(&sandbox, &client).await.id);
    }
    let got = receiver.wait_for(10).await;
    assert_eq!(got.len(), 10, "each of 5 events twice, the 2 failed attempts retried");
    let mut ids: Vec<i64> = got.iter().map(|(_, e)| e["objectId"].as_i64().unwrap()).collect();
    ids.sort();
    let mut twice: Vec<i64> = booked.iter().flat_map(|id| [*id, *id]).collect();
    twice.sort();
    assert_eq!(ids, twice);
    let failed = logs(&client).await.iter().filter(|l| l.response_status == 0).count();
    assert_eq!(failed, 2);
    assert!(idle.got.lock().unwrap().is_empty(), "a disabled webhook gets no delivery");
}
