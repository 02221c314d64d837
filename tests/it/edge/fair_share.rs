//! A fair share per client: one client looping on tool calls is told to wait once past its share,
//! while a client next to it keeps being answered.

use crate::support::mcp;

use std::time::Instant;

use hostaway_mcp::server::ServerOptions;
use rmcp::{
    ServiceExt,
    model::{CallToolRequestParams, ClientCapabilities, ClientConfig, Implementation},
    transport::{StreamableHttpClientTransport, streamable_http_client::StreamableHttpClientTransportConfig},
};
use serde_json::json;

#[tokio::test]
async fn a_runaway_client_is_held_to_its_share_and_another_client_is_not() {
    // 8 a minute: bursts of 2, then one call every 7.5 s.
    let options = ServerOptions { client_calls_per_minute: 8, ..Default::default() };
    let h = mcp::start_with(mcp::sandbox_config(), options).await;
    let mut answered = 0;
    let mut refusal = None;
    let started = Instant::now();
    for _ in 0..6 {
        let result = h.call("search_listings", json!({"limit": 1})).await;
        if result.is_error == Some(true) {
            refusal.get_or_insert(mcp::text(&result));
        } else {
            answered += 1;
        }
    }
    eprintln!("fair share: 6 calls in {:?}, {answered} answered", started.elapsed());
    assert_eq!(answered, 2, "the burst is answered, the rest is refused");
    let refusal = refusal.unwrap();
    assert!(refusal.contains("share") && refusal.contains("retry in"), "{refusal}");

    // Another client, from another loopback address and with its own session, is not affected.
    let http = reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, 2])).build().unwrap();
    let transport =
        StreamableHttpClientTransport::with_client(http, StreamableHttpClientTransportConfig::with_uri(h.url.clone()));
    let info = ClientConfig::new(ClientCapabilities::default(), Implementation::new("second-client", "0.0.0"));
    let other = info.serve(transport).await.unwrap();
    let call =
        CallToolRequestParams::new("search_listings").with_arguments(json!({"limit": 1}).as_object().cloned().unwrap());
    let result = other.call_tool(call).await.unwrap();
    assert_ne!(result.is_error, Some(true), "{}", mcp::text(&result));
    let metrics = reqwest::get(h.url.replace("/mcp", "/metrics")).await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"tool="search_listings",outcome="throttled"} 4"#), "{metrics}");
}

#[tokio::test]
async fn ten_sessions_from_one_address_share_one_share() {
    // 40 a minute: a burst of 10 for the address, however many sessions it opens.
    let options = ServerOptions { client_calls_per_minute: 40, ..Default::default() };
    let h = mcp::start_with(mcp::sandbox_config(), options).await;
    let mut sessions = Vec::new();
    for _ in 0..10 {
        sessions.push(mcp::connect(&h.url).await);
    }
    let mut answered = 0;
    for session in &sessions {
        for _ in 0..3 {
            let call = CallToolRequestParams::new("search_listings")
                .with_arguments(json!({"limit": 1}).as_object().cloned().unwrap());
            if session.call_tool(call).await.unwrap().is_error != Some(true) {
                answered += 1;
            }
        }
    }
    assert!(answered <= 11, "30 calls through 10 sessions of one address: {answered} answered, not 30");
}

#[tokio::test]
async fn a_stateless_2026_client_is_served_while_the_legacy_session_cap_is_full() {
    use rmcp::{
        model::ProtocolVersion,
        service::{ClientLifecycleMode, ClientServiceExt},
    };
    let sandbox = crate::support::api::start(mcp::sandbox_config()).await;
    let (_server, url) =
        mcp::spawn_serve(mcp::binary_against(&sandbox).args(["serve", "--bind", "127.0.0.1:0", "--max-sessions", "1"]))
            .await;
    let _legacy = mcp::connect(&url).await;
    let refused = mcp::post(&url).json(&mcp::initialize_request()).send().await.unwrap();
    assert_eq!(refused.status(), 503, "a second legacy session is over the cap");

    let info = ClientConfig::default().with_protocol_version(ProtocolVersion::V_2026_07_28);
    let stateless = info
        .serve_with_lifecycle(
            StreamableHttpClientTransport::from_uri(url.clone()),
            ClientLifecycleMode::Discover { preferred_versions: vec![ProtocolVersion::V_2026_07_28] },
        )
        .await
        .expect("a stateless client opens no session, so the cap does not refuse it");
    let tools = stateless.peer().list_tools(None).await.unwrap();
    assert_eq!(tools.tools.len(), hostaway_mcp::tools::catalogue().len(), "every tool is listed");
}

#[tokio::test]
async fn calls_that_each_invent_a_session_id_share_their_addresss_share() {
    use rmcp::{
        model::ProtocolVersion,
        service::{ClientLifecycleMode, ClientServiceExt},
    };
    // 8 a minute: a burst of 2 for the address, whatever session id each call claims.
    let options = ServerOptions { client_calls_per_minute: 8, ..Default::default() };
    let h = mcp::start_with(mcp::sandbox_config(), options).await;
    let mut answered = 0;
    for invented in 0..10 {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("mcp-session-id", format!("invented-{invented}").parse().unwrap());
        let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
        let transport = StreamableHttpClientTransport::with_client(
            http,
            StreamableHttpClientTransportConfig::with_uri(h.url.clone()),
        );
        let client = ClientConfig::default()
            .with_protocol_version(ProtocolVersion::V_2026_07_28)
            .serve_with_lifecycle(
                transport,
                ClientLifecycleMode::Discover { preferred_versions: vec![ProtocolVersion::V_2026_07_28] },
            )
            .await
            .unwrap();
        let call = CallToolRequestParams::new("search_listings")
            .with_arguments(json!({"limit": 1}).as_object().cloned().unwrap());
        if client.peer().call_tool(call).await.unwrap().is_error != Some(true) {
            answered += 1;
        }
    }
    // The burst, and at most one more if the bucket refilled (one call every 7.5 s) during the test.
    assert!(answered <= 3, "10 calls each with a session id of its own: {answered} answered");
}
