//! The hardened edge, against the real binary (`serve --sandbox`): a finished `DELETE /mcp` is a 200, `/metrics` checks Host and Origin like `/mcp`, the bearer
//! scheme is case-insensitive, and refusals are counted instead of logged one line each.

mod mcp;

use std::{
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST, ORIGIN};
use serde_json::json;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

const BINARY: &str = env!("CARGO_BIN_EXE_hostaway-mcp");
const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// A spawned `serve --sandbox` and everything it has written to stderr so far.
struct Server {
    _child: Child,
    /// `http://127.0.0.1:<port>`, without a path.
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    async fn spawn(flags: &[&str], token: Option<&str>) -> Server {
        let mut command = Command::new(BINARY);
        command
            .args(["serve", "--sandbox", "--bind", "127.0.0.1:0"])
            .args(flags)
            .env_remove("MCP_AUTH_TOKEN")
            .env("LOG_LEVEL", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(token) = token {
            command.env("MCP_AUTH_TOKEN", token);
        }
        let mut child = command.spawn().unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let log = Arc::new(Mutex::new(Vec::new()));
        let url = tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                log.lock().unwrap().push(line.clone());
                if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://") && w.ends_with("/mcp")) {
                    return url.to_string();
                }
            }
            panic!("the server ended without printing its endpoint")
        })
        .await
        .unwrap();
        let keep = log.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                keep.lock().unwrap().push(line);
            }
        });
        let base = url.trim_end_matches("/mcp").to_string();
        Server { _child: child, base, log }
    }

    fn warn_lines(&self) -> Vec<String> {
        self.log.lock().unwrap().iter().filter(|l| l.contains(" WARN ")).cloned().collect()
    }
}

fn initialize() -> serde_json::Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "edge-test", "version": "1"}}})
}

fn post(url: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(url)
        .header(ACCEPT, "application/json, text/event-stream")
        .header(CONTENT_TYPE, "application/json")
}

#[tokio::test]
async fn delete_ends_a_session_with_a_200_as_the_python_sdk_expects() {
    let server = Server::spawn(&[], None).await;
    let url = format!("{}/mcp", server.base);
    let opened = post(&url).json(&initialize()).send().await.unwrap();
    assert_eq!(opened.status(), 200);
    let id = opened.headers()["mcp-session-id"].to_str().unwrap().to_string();
    let deleted = reqwest::Client::new()
        .delete(&url)
        .header("mcp-session-id", &id)
        .header("mcp-protocol-version", "2025-06-18")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200, "the Python SDK accepts only 200 or 204 here");
    let ping = json!({"jsonrpc": "2.0", "id": 2, "method": "ping"});
    let after = post(&url)
        .header("mcp-session-id", &id)
        .header("mcp-protocol-version", "2025-06-18")
        .json(&ping)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 404, "the session is gone");
}

#[tokio::test]
async fn metrics_checks_host_and_origin_like_mcp() {
    let server = Server::spawn(&["--allowed-origins", "https://ops.example.com"], None).await;
    let metrics = format!("{}/metrics", server.base);
    let get = || reqwest::Client::new().get(&metrics);
    assert_eq!(get().header(HOST, "evil.example").send().await.unwrap().status(), 403);
    assert_eq!(get().header(ORIGIN, "https://evil.example").send().await.unwrap().status(), 403);
    assert_eq!(get().send().await.unwrap().status(), 200);
    assert_eq!(get().header(ORIGIN, "https://ops.example.com").send().await.unwrap().status(), 200);
    assert_eq!(get().header(ORIGIN, "http://localhost:6274").send().await.unwrap().status(), 200);
    let mcp = format!("{}/mcp", server.base);
    assert_eq!(post(&mcp).header(HOST, "evil.example").json(&initialize()).send().await.unwrap().status(), 403);
    assert_eq!(
        post(&mcp).header(ORIGIN, "https://evil.example").json(&initialize()).send().await.unwrap().status(),
        403
    );
    let counted = get().send().await.unwrap().text().await.unwrap();
    assert!(counted.contains(r#"hostaway_mcp_refused_requests_total{reason="forbidden_host"} 2"#), "{counted}");
    assert!(counted.contains(r#"hostaway_mcp_refused_requests_total{reason="forbidden_origin"} 2"#), "{counted}");
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let server = Server::spawn(&[], Some(TOKEN)).await;
    let mcp = format!("{}/mcp", server.base);
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let answer =
            post(&mcp).header(AUTHORIZATION, format!("{scheme} {TOKEN}")).json(&initialize()).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{scheme}");
        let metrics = reqwest::Client::new()
            .get(format!("{}/metrics", server.base))
            .header(AUTHORIZATION, format!("{scheme} {TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(metrics.status(), 200, "{scheme} on /metrics");
    }
    let basic = post(&mcp).header(AUTHORIZATION, format!("Basic {TOKEN}")).json(&initialize()).send().await.unwrap();
    assert_eq!(basic.status(), 401, "another scheme is still refused");
}

#[tokio::test]
async fn a_flood_of_unauthenticated_requests_is_counted_not_logged_line_by_line() {
    let server = Server::spawn(&[], Some(TOKEN)).await;
    let mcp = format!("{}/mcp", server.base);
    let before = server.warn_lines().len();
    let client = reqwest::Client::new();
    let refused = 500;
    for _ in 0..refused {
        let answer = client.post(&mcp).json(&initialize()).send().await.unwrap();
        assert_eq!(answer.status(), 401);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let warns: Vec<String> = server.warn_lines().into_iter().skip(before).collect();
    eprintln!("edge figures: {refused} unauthenticated requests wrote {} WARN lines: {warns:?}", warns.len());
    assert!(!warns.is_empty() && warns.len() <= 3, "{} WARN lines for {refused} refusals", warns.len());
    assert!(warns[0].contains("refused 1 "), "the first refusal is reported at once: {}", warns[0]);
    let metrics = client
        .get(format!("{}/metrics", server.base))
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains(r#"hostaway_mcp_refused_requests_total{reason="unauthorized"} 500"#), "{metrics}");
}
