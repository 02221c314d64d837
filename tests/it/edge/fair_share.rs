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
