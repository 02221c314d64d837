//! Replicas on one Redis: what the shared budget check costs against the in-process one, and a
//! burst of reads through three replicas against a sandbox with Hostaway's real limits. Prints
//! figures; asserts nothing. Starts its own `redis-server` on a free loopback port.
//!
//! `cargo bench --bench shared` (about two and a half minutes: the limits allow 15 requests per
//! 10 s). `BENCH_SHARED_BURST=200` sets the burst; `BENCH_BUDGET_CHECKS=5000` the check sample.

#[path = "../tests/it/support/redis.rs"]
mod redis;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use hostaway_mcp::{
    hostaway::{
        Gateway, GatewayConfig, Idempotence,
        budget::{Limits, LocalRateBudget, RateBudget},
        cache::CacheTtls,
        id,
        token::Credentials,
    },
    sandbox::{Sandbox, SandboxConfig},
    secret::Secret,
    shared::{self, RedisRateBudget, SharedStore},
};

const WINDOW: Duration = Duration::from_secs(10);
const PER_IP: usize = 15;
const REPLICAS: usize = 3;

fn number(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|n| n.trim().parse().ok()).unwrap_or(default)
}

/// p50, p99 and mean of `samples`, in microseconds.
fn summary(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    let mean = samples.iter().map(Duration::as_secs_f64).sum::<f64>() / samples.len() as f64 * 1e6;
    (at(0.5), at(0.99), mean)
}

async fn checks(budget: &dyn RateBudget, n: usize) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        let taken = budget.try_acquire().await.expect("the budget answers");
        samples.push(started.elapsed());
        assert!(taken.is_ok(), "limits this high never refuse");
    }
    samples
}

async fn check_cost(url: &str) {
    let n = number("BENCH_BUDGET_CHECKS", 5_000);
    // Limits high enough never to refuse: what is measured is the check itself.
    let limits = Limits { per_ip: 1_000_000, per_account: 1_000_000, window: WINDOW, margin: Duration::ZERO };
    let local = LocalRateBudget::new(limits);
    let store = SharedStore::open(url, 1).expect("a Redis URL");
    let redis = RedisRateBudget::new(store, limits);
    checks(&redis, 200).await;
    println!("\n### One budget check ({n} sequential, loopback Redis)\n");
    println!("| budget | p50 | p99 | mean |\n|---|---:|---:|---:|");
    for (name, samples) in [("in-process", checks(&local, n).await), ("Redis (Lua script)", checks(&redis, n).await)] {
        let (p50, p99, mean) = summary(samples);
        println!("| {name} | {p50:.1} µs | {p99:.1} µs | {mean:.1} µs |");
    }
}

async fn burst(url: &str) {
    let calls = number("BENCH_SHARED_BURST", 200);
    let sandbox = Sandbox::start(SandboxConfig::default(), "127.0.0.1:0".parse().expect("loopback address"))
        .await
        .expect("sandbox starts");
    let replicas: Vec<Arc<Gateway>> = (0..REPLICAS)
        .map(|_| {
            let credentials =
                Credentials { account_id: sandbox.account_id(), secret: Secret::new(sandbox.secret_key()) };
            let mut config = GatewayConfig::new(sandbox.base_url(), credentials);
            config.cache_ttls = CacheTtls::disabled();
            config.deadline = Duration::from_secs(600);
            let store = SharedStore::open(url, sandbox.account_id()).expect("a Redis URL");
            Arc::new(shared::gateway(config, Some(&store)).expect("gateway builds"))
        })
        .collect();
    let started = Instant::now();
    let tasks: Vec<_> = (0..calls)
        .map(|i| {
            let gateway = replicas[i % REPLICAS].clone();
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
    let stats = sandbox.stats();
    // The mint takes the first slot; the last read starts once enough windows have passed.
    let minimum = WINDOW * u32::try_from(calls / PER_IP).unwrap_or(u32::MAX);
    println!(
        "\n### A burst through {REPLICAS} replicas on one Redis, real limits (15 per 10 s per IP, 20 per account)\n"
    );
    println!(
        "| reads | elapsed | minimum | over | 429s | tokens minted | failed |\n|---:|---:|---:|---:|---:|---:|---:|"
    );
    println!(
        "| {calls} | {:.1} s | {:.1} s | {:+.1}% | {} | {} | {failed} |",
        elapsed.as_secs_f64(),
        minimum.as_secs_f64(),
        (elapsed.as_secs_f64() / minimum.as_secs_f64().max(1.0) - 1.0) * 100.0,
        stats.status("429"),
        stats.tokens_minted,
    );
}

#[tokio::main]
async fn main() {
    let Some(redis) = redis::Redis::start() else { return };
    // A Redis younger than one window holds every slot back (src/shared/budget.rs); what is
    // measured here is the check and the pacing, so they start once that is over.
    redis.past_first_window().await;
    check_cost(&redis.url()).await;
    burst(&redis.url()).await;
}
