//! Contract: every fault the sandbox injects, and its rate limits, as the generated client sees
//! them over a real socket.

use crate::support::api;
use hostaway_mcp::hostaway::id;

use std::time::{Duration, Instant};

use hostaway_mcp::{
    hostaway::{Client, Error, ResponseValue, types},
    sandbox::{FaultPlan, RateLimits, Sandbox, SandboxConfig},
};
use reqwest::header::RETRY_AFTER;

const SEND: &str = id::SEND_CONVERSATION_MESSAGE;

/// Any cheap authenticated read.
async fn read(client: &Client) -> Result<ResponseValue<types::MessageTemplateList>, Error<types::Failure>> {
    client.list_message_templates().send().await
}

/// The Hostaway failure response of a failed call, headers included.
fn failure_response<T: std::fmt::Debug>(result: Result<T, Error<types::Failure>>) -> ResponseValue<types::Failure> {
    match result {
        Err(Error::ErrorResponse(response)) => response,
        other => panic!("expected a Hostaway failure response, got {other:?}"),
    }
}

fn some_conversation(sandbox: &Sandbox) -> i64 {
    sandbox.inspect(|store| *store.conversations.keys().next().unwrap())
}

fn messages_of(sandbox: &Sandbox, conversation: i64, body: &str) -> usize {
    sandbox.inspect(|store| {
        store
            .messages
            .values()
            .filter(|m| m.conversation_id == Some(conversation) && m.body.as_deref() == Some(body))
            .count()
    })
}

async fn send(
    client: &Client,
    conversation: i64,
    body: &str,
) -> Result<ResponseValue<types::ConversationMessageEnvelope>, Error<types::Failure>> {
    let request = types::SendMessageRequest { body: body.parse().unwrap(), communication_type: None };
    client.send_conversation_message().conversation_id(conversation).body(request).send().await
}

#[tokio::test]
async fn latency_delays_a_call_by_at_least_the_set_time() {
    let (sandbox, client) = api::connected().await;
    sandbox.set_faults(FaultPlan { latency_ms: 300, ..FaultPlan::default() });
    let started = Instant::now();
    read(&client).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300), "took only {:?}", started.elapsed());

    sandbox.set_faults(FaultPlan::default());
    let started = Instant::now();
    read(&client).await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(300), "without latency a call is quick");
}

#[tokio::test]
async fn an_injected_server_error_fails_one_call_with_500_then_calls_succeed() {
    let (sandbox, client) = api::connected().await;
    sandbox.set_faults(FaultPlan { server_error_next: 1, ..FaultPlan::default() });
    let (status, message) = api::failure(read(&client).await);
    assert_eq!(status, 500);
    assert!(!message.is_empty());
    read(&client).await.unwrap();
    let stats = sandbox.stats();
    assert_eq!(stats.status("500"), 1);
    assert_eq!(stats.received(id::LIST_MESSAGE_TEMPLATES), 2);
}

#[tokio::test]
async fn an_injected_429_announces_retry_after_when_one_is_set() {
    let (sandbox, client) = api::connected().await;
    sandbox.set_faults(FaultPlan { rate_limit_next: 1, retry_after_secs: Some(7), ..FaultPlan::default() });
    let response = failure_response(read(&client).await);
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()), Some("7"));
    let body = response.into_inner();
    assert_eq!(body.status.as_deref(), Some("fail"));
    assert!(body.message.is_some_and(|m| !m.is_empty()), "a 429 explains itself under message");
    assert_eq!(body.result, None, "a 429 carries message, not result");
    read(&client).await.unwrap();
}

#[tokio::test]
async fn an_injected_429_has_no_retry_after_when_none_is_set() {
    let (sandbox, client) = api::connected().await;
    sandbox.set_faults(FaultPlan { rate_limit_next: 1, ..FaultPlan::default() });
    let response = failure_response(read(&client).await);
    assert_eq!(response.status(), 429);
    assert!(response.headers().get(RETRY_AFTER).is_none());
    let body = response.into_inner();
    assert!(body.message.is_some_and(|m| !m.is_empty()));
    assert_eq!(body.result, None);
    read(&client).await.unwrap();
    assert_eq!(sandbox.stats().status("429"), 1);
}

#[tokio::test]
async fn a_rate_limit_storm_refuses_every_call_until_it_ends() {
    let (sandbox, client) = api::connected().await;
    sandbox.set_faults(FaultPlan { rate_limit_storm: true, ..FaultPlan::default() });
    for _ in 0..5 {
        assert_eq!(api::failure(read(&client).await).0, 429);
    }
    let conversation = some_conversation(&sandbox);
    assert_eq!(api::failure(send(&client, conversation, "During the storm").await).0, 429);
    assert_eq!(sandbox.stats().applied(SEND), 0, "a refused write is not applied");

    sandbox.set_faults(FaultPlan::default());
    read(&client).await.unwrap();
    assert_eq!(sandbox.stats().status("429"), 6);
}

#[tokio::test]
async fn a_dropped_connection_is_a_communication_error_and_the_next_call_succeeds() {
    let (sandbox, client) = api::connected().await;
    sandbox.set_faults(FaultPlan { drop_next: 1, ..FaultPlan::default() });
    match read(&client).await {
        Err(Error::CommunicationError(_)) => {}
        other => panic!("expected a communication error, got {other:?}"),
    }
    read(&client).await.unwrap();
    let stats = sandbox.stats();
    assert_eq!(stats.status("dropped"), 1);
    assert_eq!(stats.received(id::LIST_MESSAGE_TEMPLATES), 2, "the client did not silently retry");
}

#[tokio::test]
async fn a_post_dropped_before_handling_is_never_applied() {
    let (sandbox, client) = api::connected().await;
    let conversation = some_conversation(&sandbox);
    sandbox.set_faults(FaultPlan { drop_next: 1, ..FaultPlan::default() });
    let result = send(&client, conversation, "Lost on the way").await;
    assert!(matches!(result, Err(Error::CommunicationError(_))), "{result:?}");
    assert_eq!(sandbox.stats().received(SEND), 1);
    assert_eq!(sandbox.stats().applied(SEND), 0);
    assert_eq!(messages_of(&sandbox, conversation, "Lost on the way"), 0);

    send(&client, conversation, "Second try").await.unwrap();
    assert_eq!(sandbox.stats().applied(SEND), 1);
}

#[tokio::test]
async fn a_post_dropped_after_handling_is_applied_once_though_the_client_saw_an_error() {
    let (sandbox, client) = api::connected().await;
    let conversation = some_conversation(&sandbox);
    sandbox.set_faults(FaultPlan { drop_next: 1, drop_after_handling: true, ..FaultPlan::default() });
    let result = send(&client, conversation, "Answer lost").await;
    assert!(matches!(result, Err(Error::CommunicationError(_))), "{result:?}");
    assert_eq!(sandbox.stats().applied(SEND), 1);
    assert_eq!(messages_of(&sandbox, conversation, "Answer lost"), 1, "the message was stored once");

    let thread = client.list_conversation_messages().conversation_id(conversation).send().await.unwrap();
    let listed = thread.result.iter().filter(|m| m.body.as_deref() == Some("Answer lost")).count();
    assert_eq!(listed, 1, "the message is in the thread once");
}

#[tokio::test]
async fn a_malformed_answer_is_an_invalid_payload_though_the_write_was_applied() {
    let (sandbox, client) = api::connected().await;
    let conversation = some_conversation(&sandbox);
    sandbox.set_faults(FaultPlan { malformed_next: 1, ..FaultPlan::default() });
    let result = send(&client, conversation, "Garbled reply").await;
    assert!(matches!(result, Err(Error::InvalidResponsePayload(..))), "{result:?}");
    assert_eq!(sandbox.stats().applied(SEND), 1);
    assert_eq!(sandbox.stats().status("malformed"), 1);
    assert_eq!(messages_of(&sandbox, conversation, "Garbled reply"), 1);
    read(&client).await.unwrap();
}

#[tokio::test]
async fn revoked_tokens_get_403_until_a_fresh_token_is_minted() {
    let (sandbox, client) = api::connected().await;
    read(&client).await.unwrap();
    sandbox.revoke_tokens();
    let (status, message) = api::failure(read(&client).await);
    assert_eq!(status, 403);
    assert!(message.contains("access token"), "{message}");

    let fresh = api::with_token(&sandbox, &api::mint(&sandbox).await);
    read(&fresh).await.unwrap();
    assert_eq!(api::failure(read(&client).await).0, 403, "the revoked token stays revoked");
}

fn limited(per_ip: u32, per_account: u32, window: Duration) -> SandboxConfig {
    SandboxConfig { limits: RateLimits { per_ip, per_account, window }, ..api::config() }
}

/// Asserts a call is refused by a rate limit, with Hostaway's `message` body.
async fn assert_rate_limited(client: &Client, which: &str) {
    let response = failure_response(read(client).await);
    assert_eq!(response.status(), 429);
    let body = response.into_inner();
    let message = body.message.unwrap_or_default();
    assert!(message.contains(which), "the message names the {which} limit: {message:?}");
    assert_eq!(body.result, None);
}

#[tokio::test]
async fn the_per_ip_limit_refuses_the_call_over_the_limit_until_the_window_passes() {
    let window = Duration::from_millis(500);
    let (sandbox, client) = api::connected_with(limited(3, 0, window)).await;
    tokio::time::sleep(window).await; // minting the token counted against the IP too
    for _ in 0..3 {
        read(&client).await.unwrap();
    }
    assert_rate_limited(&client, "per-IP").await;
    tokio::time::sleep(window).await;
    read(&client).await.unwrap();
    assert_eq!(sandbox.stats().status("429"), 1);
}

#[tokio::test]
async fn the_per_account_limit_refuses_the_call_over_the_limit_until_the_window_passes() {
    let window = Duration::from_millis(500);
    let (sandbox, client) = api::connected_with(limited(0, 3, window)).await;
    for _ in 0..3 {
        read(&client).await.unwrap();
    }
    assert_rate_limited(&client, "per-account").await;
    let other_token = api::with_token(&sandbox, &api::mint(&sandbox).await);
    assert_rate_limited(&other_token, "per-account").await;
    tokio::time::sleep(window).await;
    read(&client).await.unwrap();
    assert_eq!(sandbox.stats().status("429"), 2);
}
