//! Replicas sharing one Redis (`--redis-url`), as gateways in one test against a sandbox that
//! enforces rate limits: one budget and one token for all of them, a fast and clear failure while
//! Redis is away, and recovery without a restart once it is back. Each test starts its own
//! `redis-server` (see `support/redis.rs`).

use crate::support::redis;
use hostaway_mcp::hostaway::id;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use hostaway_mcp::{
    hostaway::{Fresh, Gateway, GatewayConfig, GatewayError, budget::Limits, token::Credentials, types},
    sandbox::{FaultPlan, RateLimits, Sandbox, SandboxConfig},
    secret::Secret,
    shared::{self, SharedStore},
};

/// A short window keeps the tests quick; the limits are Hostaway's.
const WINDOW: Duration = Duration::from_secs(1);

async fn sandbox() -> Sandbox {
    let config = SandboxConfig {
        token_activation: Duration::ZERO,
        limits: RateLimits { per_ip: 15, per_account: 20, window: WINDOW },
        ..SandboxConfig::default()
    };
    Sandbox::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

fn config(sandbox: &Sandbox) -> GatewayConfig {
    let credentials = Credentials { account_id: sandbox.account_id(), secret: Secret::new(sandbox.secret_key()) };
    let mut config = GatewayConfig::new(sandbox.base_url(), credentials);
    config.token_activation = Duration::ZERO;
    config.limits = Limits { per_ip: 15, per_account: 20, window: WINDOW, margin: Duration::from_millis(50) };
    config.min_backoff = Duration::from_millis(20);
    config.max_backoff = Duration::from_millis(200);
    config.deadline = Duration::from_secs(20);
    config
}

/// `n` replicas of one account: sharing `redis` when given, else each on its own.
fn replicas(sandbox: &Sandbox, redis: Option<&str>, n: usize) -> Vec<Arc<Gateway>> {
    (0..n)
        .map(|_| {
            let store = redis.map(|url| SharedStore::open(url, sandbox.account_id()).unwrap());
            Arc::new(shared::gateway(config(sandbox), store.as_ref()).unwrap())
        })
        .collect()
}

fn listings(sandbox: &Sandbox) -> Vec<i64> {
    sandbox.inspect(|s| s.listings.keys().copied().collect())
}

/// Every replica reads `per_replica` listings it has not read before, all at once.
async fn burst(replicas: &[Arc<Gateway>], ids: &[i64], per_replica: usize) -> Vec<Result<(), GatewayError>> {
    let mut calls = tokio::task::JoinSet::new();
    for gateway in replicas {
        for id in ids.iter().take(per_replica).copied() {
            let gateway = gateway.clone();
            calls.spawn(async move { gateway.listing(id, Fresh::No).await.map(drop) });
        }
    }
    calls.join_all().await
}

#[tokio::test]
async fn replicas_on_one_redis_share_one_budget_and_one_token_where_separate_ones_draw_429s() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = sandbox().await;
    let ids = listings(&sandbox);
    assert!(ids.len() >= 14);

    let shared = replicas(&sandbox, Some(&redis.url()), 3);
    let outcomes = burst(&shared, &ids, 14).await;
    assert!(outcomes.iter().all(Result::is_ok), "every call answered: {outcomes:?}");
    let stats = sandbox.stats();
    assert_eq!(stats.received(id::GET_LISTING), 42, "42 distinct reads went upstream");
    assert_eq!(stats.status("429"), 0, "one shared budget never passes the limit");
    assert_eq!(stats.tokens_minted, 1, "one token for the three replicas");

    // The same burst from replicas that each keep their own budget and token: the control.
    let alone = replicas(&sandbox, None, 3);
    tokio::time::sleep(WINDOW * 2).await;
    let _ = burst(&alone, &ids, 14).await;
    let stats = sandbox.stats();
    assert!(stats.status("429") > 0, "three separate budgets overrun the limit");
    assert_eq!(stats.tokens_minted, 4, "and mint a token each");
}

#[tokio::test]
async fn a_refused_token_is_minted_again_once_for_all_replicas() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = sandbox().await;
    let ids = listings(&sandbox);
    let pair = replicas(&sandbox, Some(&redis.url()), 2);
    pair[0].listing(ids[0], Fresh::No).await.unwrap();
    pair[1].listing(ids[1], Fresh::No).await.unwrap();
    assert_eq!(sandbox.stats().tokens_minted, 1);

    let client = ::redis::Client::open(redis.url()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let key = format!("hostaway-mcp:{{{}}}:token", sandbox.account_id());
    let stored: String = ::redis::cmd("GET").arg(&key).query_async(&mut connection).await.unwrap();
    let token =
        serde_json::from_str::<serde_json::Value>(&stored).unwrap()["access_token"].as_str().unwrap().to_string();
    let revoked = reqwest::Client::new()
        .delete(format!("{}/accessTokens?token={token}", sandbox.base_url()))
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_success());

    let (a, b) = tokio::join!(pair[0].listing(ids[2], Fresh::No), pair[1].listing(ids[3], Fresh::No));
    a.unwrap();
    b.unwrap();
    assert_eq!(sandbox.stats().status("403"), 2, "both replicas met the refused token");
    assert_eq!(sandbox.stats().tokens_minted, 2, "and one of them minted its replacement for both");
}

#[tokio::test]
async fn a_mint_given_up_midway_leaves_no_claim_behind_for_the_other_replicas() {
    let sandbox = sandbox().await;
    let ids = listings(&sandbox);
    // A Redis that just started holds every slot back for a window, so the first replica's mint
    // is still waiting there when its caller gives up (as `initialize` does after 3 s). Redis
    // starts after the sandbox, whose seeding on a busy machine can outlast that window.
    let Some(redis) = redis::Redis::start() else { return };
    let pair = replicas(&sandbox, Some(&redis.url()), 2);
    let gave_up = tokio::time::timeout(Duration::from_millis(200), pair[0].listing(ids[0], Fresh::No)).await;
    assert!(gave_up.is_err(), "the call was still waiting for its token");
    pair[1].listing(ids[1], Fresh::No).await.expect("the other replica mints rather than wait out a dead claim");
    assert_eq!(sandbox.stats().tokens_minted, 1);
}

#[tokio::test]
async fn while_redis_is_away_calls_fail_fast_naming_it_without_the_password_and_then_recover() {
    let Some(mut redis) = redis::Redis::start_with_password(Some("s3cret-pass")) else { return };
    let sandbox = sandbox().await;
    let ids = listings(&sandbox);
    let replica = replicas(&sandbox, Some(&redis.url()), 1).remove(0);
    replica.listing(ids[0], Fresh::No).await.unwrap();
    let sent = sandbox.stats().total_received();

    redis.stop();
    let started = Instant::now();
    let error = replica.listing(ids[1], Fresh::No).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "it fails fast, not at the 20 s deadline");
    assert!(matches!(error, GatewayError::SharedStateUnavailable { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("Redis") && message.contains("127.0.0.1"), "{message}");
    assert!(!message.contains("s3cret-pass"), "the password never shows: {message}");
    assert_eq!(sandbox.stats().total_received(), sent, "nothing reached Hostaway without the shared budget");
    let store = SharedStore::open(&redis.url(), sandbox.account_id()).unwrap();
    assert!(store.check().await.is_err());

    redis.resume();
    let until = Instant::now() + Duration::from_secs(10);
    let recovered = loop {
        match replica.listing(ids[1], Fresh::No).await {
            Ok(_) => break true,
            Err(_) if Instant::now() < until => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(_) => break false,
        }
    };
    assert!(recovered, "calls work again once Redis is back, without a restart");
    assert_eq!(store.check().await, Ok(None), "back, and keeping what it holds");
    assert_eq!(sandbox.stats().status("429"), 0);
}

/// The price of `listing`'s night `day` as `gateway` answers it (from its cache when it may).
async fn price(gateway: &Gateway, listing: i64, day: chrono::NaiveDate) -> serde_json::Value {
    let days = gateway.calendar(listing, day, day, Fresh::No).await.unwrap();
    serde_json::to_value(&days[0]).unwrap()["price"].clone()
}

async fn set_price(gateway: &Gateway, listing: i64, day: chrono::NaiveDate, price: f64) {
    let update = types::CalendarUpdate {
        start_date: day,
        end_date: day,
        price: Some(price),
        is_available: None,
        minimum_stay: None,
        maximum_stay: None,
        closed_on_arrival: None,
        closed_on_departure: None,
        note: None,
    };
    gateway.update_calendar(listing, update).await.unwrap();
}

#[tokio::test]
async fn a_write_through_one_replica_is_never_followed_by_a_stale_cached_read_through_another() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = sandbox().await;
    let (listing, day) = (listings(&sandbox)[0], sandbox.inspect(|s| s.today) + chrono::Duration::days(200));

    let pair = replicas(&sandbox, Some(&redis.url()), 2);
    let before = price(&pair[1], listing, day).await;
    assert_eq!(price(&pair[1], listing, day).await, before, "the second read is a cache hit");
    assert_eq!(sandbox.stats().received(id::GET_CALENDAR), 1);
    set_price(&pair[0], listing, day, 321.0).await;
    assert_eq!(price(&pair[1], listing, day).await, serde_json::json!(321.0), "the other replica reads afresh");
    assert_eq!(sandbox.stats().received(id::GET_CALENDAR), 2);

    // The control: replicas without Redis keep answering from their own caches.
    let alone = replicas(&sandbox, None, 2);
    assert_eq!(price(&alone[1], listing, day).await, serde_json::json!(321.0));
    set_price(&alone[0], listing, day, 123.0).await;
    assert_eq!(price(&alone[1], listing, day).await, serde_json::json!(321.0), "stale until its read expires");
}

#[tokio::test]
async fn replicas_on_one_redis_share_the_circuit_and_one_probe_reopens_hostaway_for_all() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = sandbox().await;
    let ids = listings(&sandbox);
    let cool_down = Duration::from_secs(1);
    let pair: Vec<Gateway> = (0..2)
        .map(|_| {
            let store = SharedStore::open(&redis.url(), sandbox.account_id()).unwrap();
            let mut config = config(&sandbox);
            config.circuit.failures = 3;
            config.circuit.cool_down = cool_down;
            shared::gateway(config, Some(&store)).unwrap()
        })
        .collect();
    pair[0].listing(ids[0], Fresh::Yes).await.unwrap();

    sandbox.set_faults(FaultPlan { server_error_rate: 1.0, ..FaultPlan::default() });
    let failed = pair[0].listing(ids[0], Fresh::Yes).await.unwrap_err();
    assert!(matches!(failed, GatewayError::Upstream { status: 500, .. }), "{failed:?}");
    let sent = sandbox.stats().received(id::GET_LISTING);

    let started = Instant::now();
    let refused = pair[1].listing(ids[1], Fresh::Yes).await.unwrap_err();
    assert!(matches!(refused, GatewayError::Down { .. }), "the other replica does not send: {refused:?}");
    assert!(started.elapsed() < Duration::from_millis(500), "refused at once: {:?}", started.elapsed());
    assert_eq!(sandbox.stats().received(id::GET_LISTING), sent, "nothing reached Hostaway");
    let open = pair[1].open_circuits().await.unwrap();
    assert_eq!(open.iter().map(|(operation, _)| operation.as_str()).collect::<Vec<_>>(), [id::GET_LISTING]);

    sandbox.set_faults(FaultPlan::default());
    let back = Instant::now();
    let probed = tokio::time::timeout(cool_down * 3, async {
        loop {
            match pair[1].listing(ids[1], Fresh::Yes).await {
                Ok(_) => return,
                Err(GatewayError::Down { probe_in, .. }) => tokio::time::sleep(probe_in).await,
                Err(other) => panic!("{other:?}"),
            }
        }
    })
    .await;
    assert!(probed.is_ok() && back.elapsed() <= cool_down + Duration::from_millis(500), "{:?}", back.elapsed());
    pair[0].listing(ids[2], Fresh::Yes).await.expect("the probe through one replica closed it for the other");
    assert!(pair[0].open_circuits().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_replica_that_never_read_a_listing_answers_it_in_an_outage_from_the_copy_another_kept() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = sandbox().await;
    let id = listings(&sandbox)[0];
    let pair = replicas(&sandbox, Some(&redis.url()), 2);
    let fresh = pair[0].listing(id, Fresh::No).await.unwrap();

    // The copy is shared in the background: wait (bounded) until Redis holds it.
    let client = ::redis::Client::open(redis.url()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let key = format!("hostaway-mcp:{{{}}}:last-good:{}?{id}", sandbox.account_id(), id::GET_LISTING);
    let shared = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let exists: bool = ::redis::cmd("EXISTS").arg(&key).query_async(&mut connection).await.unwrap();
            if exists {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(shared.is_ok(), "{key} is never written");

    sandbox.set_faults(FaultPlan { server_error_rate: 1.0, ..FaultPlan::default() });
    let (answer, stale) = hostaway_mcp::hostaway::stale::noting(pair[1].listing(id, Fresh::No)).await;
    let value = |listing: &types::Listing| serde_json::to_value(listing).unwrap();
    assert_eq!(value(&answer.unwrap()), value(&fresh), "the other replica's copy");
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(stale[0].operation, id::GET_LISTING);
    assert!(stale[0].why.contains("server error"), "{}", stale[0].why);
}

#[tokio::test]
async fn a_flushall_during_a_burst_of_three_replicas_draws_no_429() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = sandbox().await;
    let ids = listings(&sandbox);
    let trio = replicas(&sandbox, Some(&redis.url()), 3);
    // Past Redis's own start-up hold, and the budget in use: every slot of this window taken.
    tokio::time::sleep(WINDOW * 2).await;
    let warm = burst(&trio, &ids[..5], 5).await;
    assert!(warm.iter().all(Result::is_ok), "{warm:?}");

    let client = ::redis::Client::open(redis.url()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let () = ::redis::cmd("FLUSHALL").query_async(&mut connection).await.unwrap();

    let outcomes = burst(&trio, &ids[5..], 5).await;
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    let stats = sandbox.stats();
    assert_eq!(stats.status("429"), 0, "the sends Redis forgot still count at Hostaway: {stats:?}");
}
