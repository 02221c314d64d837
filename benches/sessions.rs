//! What abandoned sessions leave behind: the release binary, with sessions closed after 2 s idle,
//! is sent rounds of 1,000 `initialize` requests over raw HTTP that never come back (no DELETE, no
//! further request). After each round the bench waits until the server reports no open session and
//! its resident memory has settled (the server trims its allocator a second after sessions end),
//! then reads it. Prints a markdown section for docs/BENCHMARKS.md.
//!
//! `cargo bench --bench sessions` (about a minute once built).

mod driver;

use std::time::{Duration, Instant};

use driver::{Setup, futures_join, machine, sandbox_config, spawn_with};
use hostaway_mcp::sandbox::Sandbox;
use serde_json::json;

/// Sessions opened and abandoned per round.
const SESSIONS: usize = 1_000;
/// Rounds.
const ROUNDS: usize = 4;
/// Sessions opened at once.
const AT_ONCE: usize = 50;
/// The longest the bench waits for the abandoned sessions to be closed.
const BOUND: Duration = Duration::from_secs(120);

/// Resident memory once it has stopped falling: two readings a second and a half apart within
/// 1 MiB, or the last reading after ten tries.
async fn settled_rss(server: &driver::Server) -> f64 {
    let mut last = server.rss_mib();
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        let now = server.rss_mib();
        if (last - now).abs() < 1.0 {
            return now;
        }
        last = now;
    }
    last
}

/// Opens one session with `initialize` and walks away from it.
async fn abandon(http: reqwest::Client, url: String) -> bool {
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "abandoner", "version": "1"}}});
    let sent = http
        .post(&url)
        .header(reqwest::header::ACCEPT, "application/json, text/event-stream")
        .json(&initialize)
        .send()
        .await;
    match sent {
        Ok(answer) => answer.headers().contains_key("mcp-session-id") && answer.text().await.is_ok(),
        Err(_) => false,
    }
}

/// The open-sessions gauge the server reports.
async fn open_sessions(http: &reqwest::Client, url: &str) -> Option<u64> {
    let metrics = http.get(url.replace("/mcp", "/metrics")).send().await.ok()?.text().await.ok()?;
    metrics
        .lines()
        .find(|line| line.starts_with("hostaway_mcp_open_sessions "))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::main]
async fn main() {
    let sandbox = Sandbox::start(sandbox_config(false), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let env =
        [("MCP_SESSION_IDLE_SECS", "2"), ("MCP_MAX_SESSIONS", "2000"), ("MCP_MAX_CONNECTIONS_PER_ADDRESS", "4096")];
    let server = spawn_with(&sandbox, Setup { real_limits: false, cache: true }, &env).await;
    let http = reqwest::Client::new();
    // One session first, so that what every session needs once (the tool list, the TLS-free
    // client pool, allocator arenas) is in the baseline.
    assert!(abandon(http.clone(), server.url.clone()).await, "a session opens");
    let settle = Instant::now();
    while open_sessions(&http, &server.url).await != Some(0) && settle.elapsed() < BOUND {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let start = settled_rss(&server).await;
    let mut rows = Vec::new();
    for round in 1..=ROUNDS {
        let opened = Instant::now();
        let mut ok = 0;
        for _ in 0..SESSIONS / AT_ONCE {
            let (http, url) = (http.clone(), server.url.clone());
            ok += futures_join(AT_ONCE, move |_| abandon(http.clone(), url.clone()))
                .await
                .into_iter()
                .filter(|o| *o)
                .count();
        }
        let open_time = opened.elapsed();
        let peak = server.rss_mib();
        let closing = Instant::now();
        while open_sessions(&http, &server.url).await != Some(0) && closing.elapsed() < BOUND {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let left = open_sessions(&http, &server.url).await.unwrap_or(u64::MAX);
        let closed = closing.elapsed();
        rows.push((round, ok, open_time, peak, closed, left, settled_rss(&server).await));
    }
    println!("## Abandoned sessions\n");
    println!("{}; `cargo bench --bench sessions`; sessions close after 2 s idle.\n", machine());
    println!("RSS before the first round (one session opened and closed): {start:.1} MiB.\n");
    println!(
        "| round | sessions opened | opening took | RSS with them open | closed within | still open | RSS after | vs start |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (round, ok, open_time, peak, closed, left, after) in rows {
        println!(
            "| {round} | {ok} / {SESSIONS} | {:.1} s | {peak:.1} MiB | {:.1} s | {left} | {after:.1} MiB | {:+.1} MiB |",
            open_time.as_secs_f64(),
            closed.as_secs_f64(),
            after - start
        );
    }
}
