//! The HTTP endpoint's guards: bearer token, Host and Origin checks, body limit, malformed requests.

use crate::support::mcp;

use std::sync::Arc;

use hostaway_mcp::{
    hostaway::Gateway,
    sandbox::Sandbox,
    secret::Secret,
    server::{HostawayServer, ServerOptions, http},
};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST, ORIGIN, WWW_AUTHENTICATE};
use rmcp::{
    ServiceExt,
    model::{ClientCapabilities, ClientConfig, Implementation},
    transport::{StreamableHttpClientTransport, streamable_http_client::StreamableHttpClientTransportConfig},
};
use serde_json::json;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

struct Endpoint {
    url: String,
    _sandbox: Sandbox,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn endpoint() -> Endpoint {
    endpoint_with(http::HttpOptions {
        auth_token: Some(Secret::new(TOKEN)),
        allowed_origins: vec!["https://ops.example.com".into()],
        max_body_bytes: 64 * 1024,
        ..http::HttpOptions::default()
    })
    .await
}

async fn endpoint_with(options: http::HttpOptions) -> Endpoint {
    let sandbox = Sandbox::start(mcp::sandbox_config(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let gateway = Arc::new(Gateway::new(mcp::gateway_config(&sandbox)).unwrap());
    let server = HostawayServer::new(gateway, ServerOptions::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel();
    tokio::spawn(http::serve(listener, server, options, async {
        let _ = stopped.await;
    }));
    Endpoint { url, _sandbox: sandbox, _stop: stop }
}

#[tokio::test]
async fn requests_without_the_right_token_get_401_with_a_challenge() {
    let e = endpoint().await;
    let missing = mcp::post(&e.url).json(&mcp::initialize_request()).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers()[WWW_AUTHENTICATE], "Bearer realm=\"hostaway-mcp\"");
    assert!(missing.text().await.unwrap().contains("MCP_AUTH_TOKEN"));
    let wrong = mcp::post(&e.url)
        .header(AUTHORIZATION, "Bearer 0123456789abcdef0123456789abcdeX")
        .json(&mcp::initialize_request())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let prefix = mcp::post(&e.url)
        .header(AUTHORIZATION, "Bearer 0123456789abcdef")
        .json(&mcp::initialize_request())
        .send()
        .await
        .unwrap();
    assert_eq!(prefix.status(), 401, "a prefix of the token is not the token");
    let health = reqwest::get(e.url.replace("/mcp", "/health")).await.unwrap();
    assert_eq!(health.status(), 200, "/health stays open");
    let metrics = reqwest::get(e.url.replace("/mcp", "/metrics")).await.unwrap();
    assert_eq!(metrics.status(), 401, "/metrics is behind the token");
    let metrics = reqwest::Client::new()
        .get(e.url.replace("/mcp", "/metrics"))
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
}

#[tokio::test]
async fn a_client_with_the_token_works() {
    let e = endpoint().await;
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(e.url.clone()).auth_header(TOKEN),
    );
    let client =
        ClientConfig::new(ClientCapabilities::default(), Implementation::new("t", "1")).serve(transport).await.unwrap();
    let tools = client.list_all_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "search_listings"));
    let ok = mcp::post(&e.url)
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .json(&mcp::initialize_request())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn foreign_origins_and_hosts_are_refused_and_allowed_ones_pass() {
    let e = endpoint().await;
    let authed = || mcp::post(&e.url).header(AUTHORIZATION, format!("Bearer {TOKEN}"));
    let foreign =
        authed().header(ORIGIN, "https://evil.example").json(&mcp::initialize_request()).send().await.unwrap();
    assert_eq!(foreign.status(), 403);
    let allowed =
        authed().header(ORIGIN, "https://ops.example.com").json(&mcp::initialize_request()).send().await.unwrap();
    assert_eq!(allowed.status(), 200);
    let local = authed().header(ORIGIN, "http://localhost:6274").json(&mcp::initialize_request()).send().await.unwrap();
    assert_eq!(local.status(), 200);
    let rebinding = authed().header(HOST, "attacker.example").json(&mcp::initialize_request()).send().await.unwrap();
    assert!(rebinding.status().is_client_error(), "{}", rebinding.status());
    // Issue 27: a Host is an authority without userinfo, and loopback origins count on both schemes.
    for host in ["evil@localhost", "evil@127.0.0.1:80", "localhost@attacker.example"] {
        let answer = authed().header(HOST, host).json(&mcp::initialize_request()).send().await.unwrap();
        assert_eq!(answer.status(), 403, "Host: {host}");
    }
    for origin in ["https://127.0.0.1:6274", "https://localhost", "https://[::1]:8443", "http://127.0.0.1:6274"] {
        let answer = authed().header(ORIGIN, origin).json(&mcp::initialize_request()).send().await.unwrap();
        assert_eq!(answer.status(), 200, "Origin: {origin}");
    }
}

#[tokio::test]
async fn oversized_malformed_and_mistyped_requests_get_clear_errors_and_the_server_keeps_serving() {
    let e = endpoint().await;
    let authed = || mcp::post(&e.url).header(AUTHORIZATION, format!("Bearer {TOKEN}"));
    let huge = "x".repeat(100 * 1024);
    let too_big = authed()
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": huge}}))
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 413);
    let garbage = authed().body("{not json").send().await.unwrap();
    assert_eq!(garbage.status(), 400, "a JSON-RPC parse error, not a content-type complaint");
    let answer: serde_json::Value = garbage.json().await.unwrap();
    assert_eq!((answer["error"]["code"].clone(), answer["id"].clone()), (json!(-32700), json!(null)), "{answer}");
    let batch = authed().json(&json!([mcp::initialize_request(), mcp::initialize_request()])).send().await.unwrap();
    assert_eq!(batch.status(), 400);
    let answer: serde_json::Value = batch.json().await.unwrap();
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    let truncated = authed()
        .body(r#"{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion""#)
        .send()
        .await
        .unwrap();
    assert!(truncated.status().is_client_error(), "{}", truncated.status());
    let wrong_type = reqwest::Client::new()
        .post(&e.url)
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(ACCEPT, "application/json, text/event-stream")
        .header(CONTENT_TYPE, "text/plain")
        .body(mcp::initialize_request().to_string())
        .send()
        .await
        .unwrap();
    assert!(wrong_type.status().is_client_error(), "{}", wrong_type.status());
    let no_accept = reqwest::Client::new()
        .post(&e.url)
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(CONTENT_TYPE, "application/json")
        .body(mcp::initialize_request().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(no_accept.status(), 406);
    let ok = authed().json(&mcp::initialize_request()).send().await.unwrap();
    assert_eq!(ok.status(), 200, "the server still serves");
}

/// Opens a session with `initialize` and returns its id.
async fn open_session(url: &str) -> reqwest::Response {
    mcp::post(url)
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .json(&mcp::initialize_request())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn sessions_are_capped_and_idle_ones_expire() {
    let e = endpoint_with(http::HttpOptions {
        auth_token: Some(Secret::new(TOKEN)),
        max_sessions: 2,
        session_idle: std::time::Duration::from_millis(800),
        ..http::HttpOptions::default()
    })
    .await;
    let first = open_session(&e.url).await;
    assert_eq!(first.status(), 200);
    let id = first.headers()["mcp-session-id"].to_str().unwrap().to_string();
    assert_eq!(open_session(&e.url).await.status(), 200);
    let third = open_session(&e.url).await;
    assert_eq!(third.status(), 503);
    assert!(third.text().await.unwrap().contains("open sessions"));
    let metrics = reqwest::Client::new()
        .get(e.url.replace("/mcp", "/metrics"))
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("hostaway_mcp_open_sessions 2"), "{metrics}");

    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let ping = json!({"jsonrpc": "2.0", "id": 2, "method": "ping"});
    let expired = mcp::post(&e.url)
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header("mcp-session-id", &id)
        .header("mcp-protocol-version", "2025-06-18")
        .json(&ping)
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 404, "an idle session is closed and its id unknown");
    assert_eq!(open_session(&e.url).await.status(), 200, "expired sessions free their places");
}

#[tokio::test]
async fn an_unsupported_protocol_version_header_is_a_400() {
    let e = endpoint().await;
    let opened = open_session(&e.url).await;
    let id = opened.headers()["mcp-session-id"].to_str().unwrap().to_string();
    let ping = json!({"jsonrpc": "2.0", "id": 2, "method": "ping"});
    let response = mcp::post(&e.url)
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header("mcp-session-id", &id)
        .header("mcp-protocol-version", "1999-01-01")
        .json(&ping)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}
