//! Webhooks against short cache times. Over the MCP bench's mixed workload, paced as an assistant
//! would be (10 sessions, a call a second each) while a channel changes a booking and a guest
//! writes every few seconds: Hostaway calls per tool call without webhooks (short cache times)
//! and with them (long times, each event dropping what it changed). Then, with webhooks, how long
//! after a channel's change the answer shows it. Prints figures.
//!
//! First the MCP bench's own soak (10 sessions back to back for `SOAK_SECS`, default 60, from a
//! cold start, then for `SOAK_MORE_SECS` more, default 120, on the same server) with each. Then,
//! paced, each server runs the mix from a cold cache for `WARM_SECS` (default 120), then for
//! `RUN_SECS` more (default 180) as a server that has been up a while. Every phase is reported on
//! its own: the first reads of a cold cache cost the same with or without webhooks, so only the
//! later phases show what the long cache times save. `cargo bench --bench webhooks` (about seventeen
//! minutes). `CHANGE_EVERY_MS` sets the pace of changes (default 5000).

mod driver;

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use driver::{
    Portfolio, Setup, call, close_sessions, connect, machine, mix_until, open_sessions, percentile, portfolio,
    spawn_with,
};
use hostaway_mcp::sandbox::{RateLimits, Sandbox, SandboxConfig};
use serde_json::{Value, json};

const LOGIN: &str = "bench-hooks";
const PASSWORD: &str = "bench-password-0123456789";
/// Sessions of the paced load, each calling once a second.
const SESSIONS: usize = 10;
/// Changes timed for the latency figures.
const TIMED_CHANGES: usize = 200;

fn number(var: &str, default: u64) -> u64 {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn sandbox() -> Sandbox {
    let config = SandboxConfig {
        limits: RateLimits { per_ip: 0, per_account: 0, window: Duration::from_secs(10) },
        ..SandboxConfig::default()
    };
    Sandbox::start(config, "127.0.0.1:0".parse().expect("addr")).await.expect("sandbox")
}

/// Registers `receiver` as the sandbox's unified webhook, as an operator would:
/// `hostaway-mcp webhooks register`.
async fn register(sandbox: &Sandbox, receiver: &str) {
    let done = tokio::process::Command::new(env!("CARGO_BIN_EXE_hostaway-mcp"))
        .args(["webhooks", "register", "--url", receiver])
        .env("HOSTAWAY_BASE_URL", sandbox.base_url())
        .env("HOSTAWAY_ACCOUNT_ID", sandbox.account_id().to_string())
        .env("HOSTAWAY_SECRET_KEY", sandbox.secret_key())
        .env("HOSTAWAY_NO_TOKEN_FILE", "1")
        .env("HOSTAWAY_WEBHOOK_LOGIN", LOGIN)
        .env("HOSTAWAY_WEBHOOK_PASSWORD", PASSWORD)
        .output()
        .await
        .expect("the binary runs");
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
}

/// Plays a channel's change of `reservation` to `guests` guests.
async fn change_guests(http: &reqwest::Client, sandbox: &Sandbox, reservation: i64, guests: i64) {
    let url = sandbox.base_url().replace("/v1", &format!("/_sandbox/channel/reservations/{reservation}"));
    let _ = http.put(url).json(&json!({"numberOfGuests": guests})).send().await;
}

/// Plays a guest's message into `conversation`.
async fn guest_writes(http: &reqwest::Client, sandbox: &Sandbox, conversation: i64, n: usize) {
    let url = sandbox.base_url().replace("/v1", &format!("/_sandbox/channel/conversations/{conversation}/messages"));
    let _ = http.post(url).json(&json!({"body": format!("Question number {n}")})).send().await;
}

/// Waits until `/health` mentions `state`.
async fn health_says(url: &str, state: &str) {
    let health = url.replace("/mcp", "/health");
    let until = Instant::now() + Duration::from_secs(30);
    while Instant::now() < until {
        if let Ok(answer) = reqwest::get(&health).await
            && answer.text().await.is_ok_and(|text| text.contains(state))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server never reported {state}");
}

struct Run {
    calls: usize,
    errors: usize,
    changes: usize,
    upstream: BTreeMap<String, u64>,
}

/// The mix for `secs` seconds, each session from its `first` call on, a call a `pace` (back to
/// back without one), with a change every `change_every`.
async fn exercise(
    sandbox: &Sandbox,
    url: &str,
    p: &Portfolio,
    (first, secs): (usize, u64),
    pace: Option<Duration>,
    change_every: Duration,
) -> Run {
    let clients = open_sessions(url, SESSIONS).await;
    sandbox.reset_stats();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let workers = mix_until(&clients, p, deadline, 7919, first, pace);
    let conversations: Vec<i64> = sandbox.inspect(|s| s.conversations.keys().copied().take(10).collect());
    let http = reqwest::Client::new();
    let mut changes = 0;
    let mut tick = tokio::time::interval(change_every);
    tick.tick().await;
    while Instant::now() < deadline {
        tick.tick().await;
        if changes % 2 == 0 {
            let reservation = p.reservations[(changes * 13) % p.reservations.len()];
            change_guests(&http, sandbox, reservation, (changes % 4 + 1) as i64).await;
        } else {
            guest_writes(&http, sandbox, conversations[(changes * 7) % conversations.len()], changes).await;
        }
        changes += 1;
    }
    let (mut calls, mut errors) = (0, 0);
    for worker in workers {
        let (c, e) = worker.await.unwrap_or_default();
        calls += c;
        errors += e;
    }
    let upstream = sandbox.stats().received;
    close_sessions(clients).await;
    Run { calls, errors, changes, upstream }
}

/// The p-th quantile's bucket bound, in ms, from a Prometheus histogram's cumulative buckets.
fn bucket_quantile(metrics: &str, name: &str, p: f64) -> Option<f64> {
    let buckets: Vec<(f64, f64)> = metrics
        .lines()
        .filter(|l| l.starts_with(&format!("{name}_bucket")))
        .filter_map(|l| {
            let le = l.split("le=\"").nth(1)?.split('"').next()?;
            let count: f64 = l.rsplit(' ').next()?.parse().ok()?;
            Some((if le == "+Inf" { f64::INFINITY } else { le.parse().ok()? }, count))
        })
        .collect();
    let total = buckets.last()?.1;
    buckets.iter().find(|(_, count)| *count >= total * p).map(|(le, _)| le * 1000.0)
}

/// A sandbox, its portfolio and a server in front of it, receiving its webhooks when `webhooks`
/// (registered and live before this returns).
async fn start(webhooks: bool) -> (Sandbox, Portfolio, driver::Server) {
    let sandbox = sandbox().await;
    let p = portfolio(&sandbox).await;
    let env: &[(&str, &str)] =
        if webhooks { &[("HOSTAWAY_WEBHOOK_LOGIN", LOGIN), ("HOSTAWAY_WEBHOOK_PASSWORD", PASSWORD)] } else { &[] };
    let server = spawn_with(&sandbox, Setup { real_limits: false, cache: true }, env).await;
    let warm = connect(&server.url).await;
    let _ = call(&warm, "search_listings", json!({"limit": 1})).await;
    let _ = warm.cancel().await;
    if webhooks {
        register(&sandbox, &server.url.replace("/mcp", "/webhooks/hostaway")).await;
        change_guests(&reqwest::Client::new(), &sandbox, p.reservations[0], 2).await;
        health_says(&server.url, "webhooks: live").await;
    }
    (sandbox, p, server)
}

/// Prints `run`'s row; yields its tool calls and Hostaway calls.
fn row(webhooks: bool, phase: &str, run: &Run) -> (usize, u64) {
    let upstream: u64 = run.upstream.values().sum();
    println!(
        "| {} | {phase} | {} | {} | {} | {upstream} | {:.2} |",
        if webhooks { "on (live)" } else { "off" },
        run.calls,
        run.errors,
        run.changes,
        per_thousand((run.calls, upstream))
    );
    (run.calls, upstream)
}

/// Hostaway calls per 1,000 tool calls.
fn per_thousand((calls, upstream): (usize, u64)) -> f64 {
    upstream as f64 * 1000.0 / calls.max(1) as f64
}

/// "with webhooks, … % of those without", from each side's tool calls and Hostaway calls.
fn compared(what: &str, without: (usize, u64), with: (usize, u64)) {
    println!(
        "- {what}: with webhooks, Hostaway calls per tool call are {:.0}% of those without.",
        per_thousand(with) * 100.0 / per_thousand(without)
    );
}

#[tokio::main]
async fn main() {
    let warm_secs = number("WARM_SECS", 120);
    let secs = number("RUN_SECS", 180);
    let soak_secs = number("SOAK_SECS", 60);
    let soak_more = number("SOAK_MORE_SECS", 120);
    let change_every = Duration::from_millis(number("CHANGE_EVERY_MS", 5000));
    println!("Command: `cargo bench --bench webhooks` (release build). Machine: {}.", machine());
    println!(
        "Workload: the MCP bench's mix (search_listings, get_listing, get_calendar, search_reservations, quote_stay, \
         get_reservation): first its soak, {SESSIONS} sessions calling back to back for {soak_secs} s from a cold start \
         and {soak_more} s more on the same server; then, on a new server, {SESSIONS} sessions calling once a second \
         each, from a cold cache for {warm_secs} s, then for {secs} s more. Throughout, every {} ms a channel changes a booking or a guest writes, alternately.",
        change_every.as_millis()
    );
    println!();
    println!("| webhooks | phase | tool calls | errors | changes | Hostaway calls | per 1,000 tool calls |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut per_call = BTreeMap::new();
    let mut breakdowns = Vec::new();
    let workloads = [
        (
            "soak",
            None,
            [
                (format!("back to back, first {soak_secs} s"), soak_secs),
                (format!("back to back, next {soak_more} s"), soak_more),
            ],
        ),
        (
            "paced",
            Some(Duration::from_secs(1)),
            [(format!("paced, first {warm_secs} s"), warm_secs), (format!("paced, next {secs} s"), secs)],
        ),
    ];
    for (workload, pace, phases) in &workloads {
        for webhooks in [false, true] {
            let (sandbox, p, server) = start(webhooks).await;
            let mut first = 0;
            for (index, (phase, length)) in phases.iter().enumerate() {
                let run = exercise(&sandbox, &server.url, &p, (first, *length), *pace, change_every).await;
                per_call.insert((*workload, index, webhooks), row(webhooks, phase, &run));
                breakdowns.push((webhooks, phase.clone(), run.upstream));
                first += run.calls / SESSIONS;
            }
            if webhooks && pace.is_some() {
                latency(&sandbox, &server.url, &p).await;
            }
        }
    }
    println!();
    let sum = |a: (usize, u64), b: (usize, u64)| (a.0 + b.0, a.1 + b.1);
    for (workload, _, phases) in &workloads {
        let mut whole = [(0, 0); 2];
        for (index, (phase, _)) in phases.iter().enumerate() {
            let side = |webhooks| per_call.get(&(*workload, index, webhooks)).copied().unwrap_or_default();
            compared(phase, side(false), side(true));
            whole = [sum(whole[0], side(false)), sum(whole[1], side(true))];
        }
        compared(&format!("{workload}, both phases together"), whole[0], whole[1]);
    }
    println!();
    println!("Hostaway calls by operation:");
    for (webhooks, phase, upstream) in breakdowns {
        let parts: Vec<String> = upstream.iter().map(|(op, n)| format!("{op} {n}")).collect();
        println!("- webhooks {}, {phase}: {}", if webhooks { "on" } else { "off" }, parts.join(", "));
    }
}

/// With webhooks on: for each of [`TIMED_CHANGES`] changes to a cached booking, the time from the
/// channel's change to the first answer that shows it; and the server's own arrival-to-invalidation
/// histogram.
async fn latency(sandbox: &Sandbox, url: &str, p: &Portfolio) {
    let client = connect(url).await;
    let http = reqwest::Client::new();
    let mut samples = Vec::with_capacity(TIMED_CHANGES);
    for n in 0..TIMED_CHANGES {
        let reservation = p.reservations[n % p.reservations.len()];
        let args = json!({"reservation_id": reservation});
        let before = call(&client, "get_reservation", args.clone()).await.unwrap_or(Value::Null);
        let guests = before["guests"].as_i64().unwrap_or(1) % 4 + 1;
        let started = Instant::now();
        change_guests(&http, sandbox, reservation, guests).await;
        loop {
            let now = call(&client, "get_reservation", args.clone()).await.unwrap_or(Value::Null);
            if now["guests"].as_i64() == Some(guests) || started.elapsed() > Duration::from_secs(10) {
                break;
            }
        }
        samples.push(started.elapsed());
    }
    samples.sort();
    let metrics =
        reqwest::get(url.replace("/mcp", "/metrics")).await.expect("metrics").text().await.unwrap_or_default();
    let name = "hostaway_mcp_webhook_invalidation_seconds";
    let bound = |q| bucket_quantile(&metrics, name, q).map_or("?".to_string(), |ms| format!("{ms:.1}"));
    println!();
    println!(
        "Event to fresh answer, {TIMED_CHANGES} changes to cached bookings (channel change sent → first get_reservation \
         showing it, polling back to back): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms.",
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        percentile(&samples, 1.0)
    );
    println!(
        "Event arrival to invalidation (server histogram, `{name}`, bucket bounds): p50 ≤ {} ms, p99 ≤ {} ms.",
        bound(0.5),
        bound(0.99)
    );
    let _ = client.cancel().await;
}
