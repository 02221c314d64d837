//! Gateway benchmark: bursts against the sandbox with Hostaway's real limits, and the gateway's own
//! overhead per call. Prints figures; asserts nothing.
//!
//! `cargo bench --bench gateway` (about four minutes: the limits allow 15 requests per 10 s).
//! `BENCH_BURSTS=50,100` picks the burst sizes; `BENCH_OVERHEAD_CALLS=2000` the overhead sample.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use hostaway_mcp::{
    hostaway::{
        Bearer, Client, Gateway, GatewayConfig, Idempotence, budget::Limits, cache::CacheTtls, id, token::Credentials,
    },
    sandbox::{RateLimits, Sandbox, SandboxConfig},
    secret::Secret,
};

const WINDOW: Duration = Duration::from_secs(10);
const PER_IP: u32 = 15;

fn numbers(var: &str, default: &str) -> Vec<usize> {
    std::env::var(var).unwrap_or_else(|_| default.into()).split(',').filter_map(|n| n.trim().parse().ok()).collect()
}

async fn sandbox(limits: RateLimits) -> Sandbox {
    let config = SandboxConfig { limits, ..SandboxConfig::default() };
    Sandbox::start(config, "127.0.0.1:0".parse().expect("loopback address")).await.expect("sandbox starts")
}

fn gateway(sandbox: &Sandbox, limits: Limits) -> Gateway {
    let credentials = Credentials { account_id: sandbox.account_id(), secret: Secret::new(sandbox.secret_key()) };
    let mut config = GatewayConfig::new(sandbox.base_url(), credentials);
    config.limits = limits;
    config.cache_ttls = CacheTtls::disabled();
    config.deadline = Duration::from_secs(600);
    Gateway::new(config).expect("gateway builds")
}

/// The earliest the last of `calls` reads (after one mint) can start under a sliding window.
fn theoretical_minimum(calls: usize) -> Duration {
    WINDOW * (calls / PER_IP as usize) as u32
}

async fn burst(calls: usize) {
    let sandbox = sandbox(RateLimits::default()).await;
    let gateway = Arc::new(gateway(&sandbox, Limits::default()));
    let started = Instant::now();
    let tasks: Vec<_> = (0..calls)
        .map(|_| {
            let gateway = gateway.clone();
            tokio::spawn(async move {
                gateway
                    .call(id::LIST_AMENITIES, Idempotence::Safe, |client| async move {
                        client.list_amenities().send().await
                    })
                    .await
            })
        })
        .collect();
    let mut failed = 0;
    for task in tasks {
        if !matches!(task.await, Ok(Ok(_))) {
            failed += 1;
        }
    }
    let elapsed = started.elapsed();
    let minimum = theoretical_minimum(calls);
    let stats = sandbox.stats();
    let metrics = gateway.metrics();
    println!(
        "| {calls:>5} | {:>9.1} s | {:>9.1} s | {:>+7.1}% | {:>5} | {:>7} | {:>6} | {:>18.1} s |",
        elapsed.as_secs_f64(),
        minimum.as_secs_f64(),
        (elapsed.as_secs_f64() / minimum.as_secs_f64().max(1.0) - 1.0) * 100.0,
        stats.status("429"),
        metrics.retries,
        failed,
        metrics.limiter_wait_ms as f64 / 1000.0,
    );
}

async fn overhead(calls: usize) {
    let sandbox = sandbox(RateLimits { per_ip: 0, per_account: 0, window: WINDOW }).await;
    let off = Limits { per_ip: 0, per_account: 0, window: WINDOW, margin: Duration::ZERO };
    let gateway = gateway(&sandbox, off);
    let call =
        || gateway.call(id::LIST_AMENITIES, Idempotence::Safe, |c| async move { c.list_amenities().send().await });
    call().await.expect("warm-up through the gateway");
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let token = {
        let minter = Client::new(&sandbox.base_url(), Bearer::default());
        let body = hostaway_mcp::hostaway::types::AccessTokenRequest {
            client_id: sandbox.account_id(),
            client_secret: sandbox.secret_key().to_string(),
            grant_type: hostaway_mcp::hostaway::types::AccessTokenRequestGrantType::ClientCredentials,
            scope: hostaway_mcp::hostaway::types::AccessTokenRequestScope::General,
        };
        minter.create_access_token().body(body).send().await.expect("mint").into_inner().access_token
    };
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let direct = Client::new_with_client(&sandbox.base_url(), reqwest::Client::new(), Bearer::new(token));

    let mut best_direct = Duration::MAX;
    let mut best_gateway = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        for _ in 0..calls {
            direct.list_amenities().send().await.expect("direct call");
        }
        best_direct = best_direct.min(started.elapsed());
        let started = Instant::now();
        for _ in 0..calls {
            call().await.expect("gateway call");
        }
        best_gateway = best_gateway.min(started.elapsed());
    }
    let per = |total: Duration| total.as_secs_f64() * 1e6 / calls as f64;
    println!(
        "{calls} sequential reads, best of 3: direct client {:.0} µs/call, through the gateway {:.0} µs/call, overhead {:.0} µs/call",
        per(best_direct),
        per(best_gateway),
        per(best_gateway) - per(best_direct)
    );
}

#[tokio::main]
async fn main() {
    println!("Gateway bursts against the sandbox with Hostaway's limits (15/10 s per IP, 20/10 s per account):\n");
    println!("| calls | elapsed     | minimum     | over     | 429s  | retries | failed | limiter wait, summed |");
    println!("|------:|------------:|------------:|---------:|------:|--------:|-------:|---------------------:|");
    for calls in numbers("BENCH_BURSTS", "50,100,200") {
        burst(calls).await;
    }
    println!();
    for calls in numbers("BENCH_OVERHEAD_CALLS", "2000") {
        overhead(calls).await;
    }
}
