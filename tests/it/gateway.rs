//! The gateway against a real sandbox over a socket: pacing, retries, token handling, errors.

use crate::support::api;

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use hostaway_mcp::{
    hostaway::{
        Fresh, Gateway, GatewayConfig, GatewayError, Idempotence,
        budget::Limits,
        cache::CacheTtls,
        id,
        paging::{Caps, Page, PageRequest, Pager},
        token::{Credentials, FileTokenStore},
        types,
    },
    sandbox::{FaultPlan, RateLimits, Sandbox, SandboxConfig},
    secret::Secret,
};

/// A short rate window keeps the tests fast while exercising the same logic as Hostaway's 10 s.
const WINDOW: Duration = Duration::from_millis(500);

fn gateway_config(sandbox: &Sandbox) -> GatewayConfig {
    let mut config = GatewayConfig::new(
        sandbox.base_url(),
        Credentials { account_id: sandbox.account_id(), secret: Secret::new(sandbox.secret_key()) },
    );
    config.token_activation = Duration::ZERO;
    config.limits = Limits { per_ip: 0, per_account: 0, window: WINDOW, margin: Duration::from_millis(30) };
    config.min_backoff = Duration::from_millis(20);
    config.max_backoff = Duration::from_millis(200);
    config.deadline = Duration::from_secs(5);
    config.cache_ttls = CacheTtls::disabled();
    config
}

async fn amenities(gateway: &Gateway) -> Result<types::AmenityList, GatewayError> {
    gateway
        .call(id::LIST_AMENITIES, Idempotence::Safe, |client| async move { client.list_amenities().send().await })
        .await
}

/// `n` amenity reads started at once; their answers in order.
async fn amenities_concurrently(gateway: &Arc<Gateway>, n: usize) -> Vec<Result<types::AmenityList, GatewayError>> {
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let gateway = gateway.clone();
            tokio::spawn(async move { amenities(&gateway).await })
        })
        .collect();
    let mut answers = Vec::with_capacity(n);
    for call in calls {
        answers.push(call.await.expect("the task ran to the end"));
    }
    answers
}

fn some_conversation(sandbox: &Sandbox) -> i64 {
    sandbox.inspect(|store| *store.conversations.keys().next().unwrap())
}

async fn send_message(
    gateway: &Gateway,
    conversation: i64,
) -> Result<types::ConversationMessageEnvelope, GatewayError> {
    gateway
        .call(id::SEND_CONVERSATION_MESSAGE, Idempotence::Unsafe, move |client| async move {
            client
                .send_conversation_message()
                .conversation_id(conversation)
                .body(types::SendMessageRequest {
                    body: "See you tomorrow!".parse().unwrap(),
                    communication_type: None,
                })
                .send()
                .await
        })
        .await
}

#[tokio::test]
async fn burst_of_100_reads_never_sees_429_and_takes_about_the_minimum_the_limits_allow() {
    let limits = RateLimits { per_ip: 15, per_account: 20, window: WINDOW };
    let sandbox = api::start(SandboxConfig { limits, ..api::config() }).await;
    let mut config = gateway_config(&sandbox);
    // The margin covers the time between taking a slot and the request reaching the sandbox, which on a
    // loaded two-core machine running eight tests at once can exceed the production margin's share.
    let margin = Duration::from_millis(150);
    config.limits = Limits { per_ip: 15, per_account: 20, window: WINDOW, margin };
    config.deadline = Duration::from_secs(20);
    let gateway = Arc::new(Gateway::new(config).unwrap());

    let started = Instant::now();
    for answer in amenities_concurrently(&gateway, 100).await {
        answer.unwrap();
    }
    let elapsed = started.elapsed();

    let stats = sandbox.stats();
    assert_eq!(stats.status("429"), 0, "{stats:?}");
    assert_eq!(stats.received(id::LIST_AMENITIES), 100);
    // 101 requests (the mint included) at 15 per window need 6 full windows before the last batch; the
    // gateway paces by the window plus its margin.
    let minimum = WINDOW * 6;
    let paced = (WINDOW + margin) * 6;
    assert!(elapsed >= minimum, "{elapsed:?} is faster than the limits allow");
    assert!(elapsed < paced + WINDOW * 4, "{elapsed:?} is far above the paced minimum {paced:?}");
    assert_eq!(gateway.metrics().retries, 0);
}

#[tokio::test]
async fn a_429_storm_with_retry_after_is_waited_out_as_told() {
    let sandbox = Arc::new(api::start(api::config()).await);
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    amenities(&gateway).await.unwrap();
    sandbox.set_faults(FaultPlan { rate_limit_storm: true, retry_after_secs: Some(1), ..FaultPlan::default() });
    let calm = tokio::spawn({
        let sandbox = sandbox.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            sandbox.set_faults(FaultPlan::default());
        }
    });
    let started = Instant::now();
    amenities(&gateway).await.unwrap();
    calm.await.unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(1900), "Retry-After: 1 was not honoured: {elapsed:?}");
    assert_eq!(sandbox.stats().status("429"), 2, "one 429 per second of storm");
}

#[tokio::test]
async fn a_429_storm_without_retry_after_backs_off_and_then_succeeds() {
    let sandbox = Arc::new(api::start(api::config()).await);
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    amenities(&gateway).await.unwrap();
    sandbox.set_faults(FaultPlan { rate_limit_next: 3, ..FaultPlan::default() });
    amenities(&gateway).await.unwrap();
    assert_eq!(sandbox.stats().status("429"), 3);
    assert_eq!(gateway.metrics().retries, 3);
}

#[tokio::test]
async fn a_storm_longer_than_the_deadline_ends_in_a_rate_limited_error_in_time() {
    let sandbox = api::start(api::config()).await;
    let mut config = gateway_config(&sandbox);
    config.deadline = Duration::from_millis(800);
    let gateway = Gateway::new(config).unwrap();
    amenities(&gateway).await.unwrap();
    sandbox.set_faults(FaultPlan { rate_limit_storm: true, retry_after_secs: Some(5), ..FaultPlan::default() });
    let started = Instant::now();
    let error = amenities(&gateway).await.unwrap_err();
    assert!(
        matches!(error, GatewayError::RateLimited { retry_after } if retry_after == Duration::from_secs(5)),
        "{error:?}"
    );
    assert!(error.to_string().contains("retry in 5 s"), "{error}");
    assert!(started.elapsed() < Duration::from_millis(800));
}

#[tokio::test]
async fn server_errors_on_reads_are_retried() {
    let sandbox = api::start(api::config()).await;
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    amenities(&gateway).await.unwrap();
    sandbox.set_faults(FaultPlan { server_error_next: 2, ..FaultPlan::default() });
    assert!(!amenities(&gateway).await.unwrap().result.is_empty());
    assert_eq!(sandbox.stats().received(id::LIST_AMENITIES), 4);
}

#[tokio::test]
async fn a_mint_that_hits_a_server_error_is_retried() {
    let sandbox = api::start(api::config()).await;
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    sandbox.set_faults(FaultPlan { server_error_next: 1, ..FaultPlan::default() });
    amenities(&gateway).await.unwrap();
    let stats = sandbox.stats();
    assert_eq!((stats.received(id::CREATE_ACCESS_TOKEN), stats.tokens_minted), (2, 1));
}

#[tokio::test]
async fn a_server_error_on_a_post_is_sent_exactly_once_and_says_it_may_have_landed() {
    let sandbox = api::start(api::config()).await;
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    amenities(&gateway).await.unwrap();
    sandbox.set_faults(FaultPlan { server_error_next: 1, ..FaultPlan::default() });
    let error = send_message(&gateway, some_conversation(&sandbox)).await.unwrap_err();
    assert_eq!(error, GatewayError::Upstream { status: 500, maybe_applied: true });
    assert!(error.to_string().contains("check before repeating"), "{error}");
    assert_eq!(sandbox.stats().received(id::SEND_CONVERSATION_MESSAGE), 1);
}

#[tokio::test]
async fn dropped_connections_are_retried_for_reads_but_not_for_posts() {
    let sandbox = api::start(api::config()).await;
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    amenities(&gateway).await.unwrap();
    sandbox.set_faults(FaultPlan { drop_next: 2, ..FaultPlan::default() });
    amenities(&gateway).await.unwrap();
    assert_eq!(sandbox.stats().status("dropped"), 2);

    sandbox.set_faults(FaultPlan { drop_next: 1, drop_after_handling: true, ..FaultPlan::default() });
    let error = send_message(&gateway, some_conversation(&sandbox)).await.unwrap_err();
    assert!(matches!(error, GatewayError::Network { maybe_applied: true, .. }), "{error:?}");
    let stats = sandbox.stats();
    assert_eq!((stats.received(id::SEND_CONVERSATION_MESSAGE), stats.applied(id::SEND_CONVERSATION_MESSAGE)), (1, 1));
}

#[tokio::test]
async fn a_post_that_could_not_connect_is_retried_because_it_never_left() {
    // Nothing listens on this port: every attempt fails to connect, so retrying is safe.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let mut config =
        GatewayConfig::new(format!("http://{addr}/v1"), Credentials { account_id: 1, secret: Secret::new("x") });
    config.min_backoff = Duration::from_millis(10);
    config.max_backoff = Duration::from_millis(20);
    config.deadline = Duration::from_secs(3);
    let gateway = Gateway::new(config).unwrap();
    let error = amenities(&gateway).await.unwrap_err();
    assert!(matches!(error, GatewayError::Network { maybe_applied: false, .. }), "{error:?}");
    assert!(error.to_string().contains("could not reach Hostaway"), "{error}");
}

#[tokio::test]
async fn malformed_bodies_are_retried_for_reads_and_reported_for_writes() {
    let sandbox = api::start(api::config()).await;
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    amenities(&gateway).await.unwrap();
    sandbox.set_faults(FaultPlan { malformed_next: 1, ..FaultPlan::default() });
    amenities(&gateway).await.unwrap();
    assert_eq!(sandbox.stats().received(id::LIST_AMENITIES), 3);

    sandbox.set_faults(FaultPlan { malformed_next: 1, ..FaultPlan::default() });
    let error = send_message(&gateway, some_conversation(&sandbox)).await.unwrap_err();
    assert!(matches!(error, GatewayError::UnexpectedBody { maybe_applied: true, .. }), "{error:?}");
    assert_eq!(sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 1);
}

#[tokio::test]
async fn a_hundred_concurrent_first_calls_mint_exactly_one_token() {
    let sandbox = api::start(api::config()).await;
    let gateway = Arc::new(Gateway::new(gateway_config(&sandbox)).unwrap());
    for answer in amenities_concurrently(&gateway, 100).await {
        answer.unwrap();
    }
    assert_eq!(sandbox.stats().tokens_minted, 1);
    assert_eq!(gateway.metrics().token_mints, 1);
}

#[tokio::test]
async fn a_revoked_token_is_reminted_exactly_once_even_under_concurrency() {
    let sandbox = api::start(api::config()).await;
    let gateway = Arc::new(Gateway::new(gateway_config(&sandbox)).unwrap());
    amenities(&gateway).await.unwrap();
    sandbox.revoke_tokens();
    for answer in amenities_concurrently(&gateway, 20).await {
        answer.unwrap();
    }
    assert_eq!(sandbox.stats().tokens_minted, 2);
}

#[tokio::test]
async fn wrong_credentials_cause_one_mint_attempt_and_a_clear_error() {
    let sandbox = api::start(api::config()).await;
    let mut config = gateway_config(&sandbox);
    config.credentials.secret = Secret::new("wrong-secret");
    let gateway = Arc::new(Gateway::new(config).unwrap());
    for answer in amenities_concurrently(&gateway, 10).await {
        let error = answer.unwrap_err();
        assert_eq!(error, GatewayError::BadCredentials { status: 403 });
        assert!(error.to_string().contains("HOSTAWAY_SECRET_KEY"));
    }
    let stats = sandbox.stats();
    assert_eq!((stats.received(id::CREATE_ACCESS_TOKEN), stats.received(id::LIST_AMENITIES)), (1, 0));
}

#[tokio::test]
async fn a_persisted_token_is_reused_after_a_restart() {
    let sandbox = api::start(api::config()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("token.json");
    for _ in 0..2 {
        let mut config = gateway_config(&sandbox);
        config.token_store = Some(Arc::new(FileTokenStore::new(&path)));
        let gateway = Gateway::new(config).unwrap();
        amenities(&gateway).await.unwrap();
    }
    assert_eq!(sandbox.stats().tokens_minted, 1, "the second gateway used the stored token");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[tokio::test]
async fn a_stored_token_for_another_account_is_not_used() {
    let sandbox = api::start(api::config()).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FileTokenStore::new(dir.path().join("token.json")));
    let mut config = gateway_config(&sandbox);
    config.token_store = Some(store.clone());
    amenities(&Gateway::new(config.clone()).unwrap()).await.unwrap();
    config.base_url = config.base_url.replace("127.0.0.1", "localhost");
    amenities(&Gateway::new(config).unwrap()).await.unwrap();
    assert_eq!(sandbox.stats().tokens_minted, 2, "a token minted at another base URL is not reused");
}

#[tokio::test]
async fn a_call_that_would_wait_past_its_deadline_for_the_budget_is_busy() {
    let sandbox = api::start(api::config()).await;
    let mut config = gateway_config(&sandbox);
    config.limits = Limits { per_ip: 3, per_account: 0, window: Duration::from_secs(10), margin: Duration::ZERO };
    config.deadline = Duration::from_secs(1);
    let gateway = Gateway::new(config).unwrap();
    amenities(&gateway).await.unwrap();
    amenities(&gateway).await.unwrap();
    let started = Instant::now();
    let error = amenities(&gateway).await.unwrap_err();
    assert!(
        matches!(error, GatewayError::Busy { retry_after, .. } if retry_after > Duration::from_secs(9)),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("busy"), "{error}");
    assert!(error.to_string().contains("(3 per 10 s per IP, no account limit)"), "the configured limits: {error}");
    assert!(started.elapsed() < Duration::from_millis(100), "busy is answered at once, not after waiting");
}

#[tokio::test]
async fn a_slow_hostaway_ends_in_a_timeout_at_the_deadline() {
    let sandbox = api::start(api::config()).await;
    let mut config = gateway_config(&sandbox);
    config.deadline = Duration::from_millis(400);
    let gateway = Gateway::new(config).unwrap();
    amenities(&gateway).await.unwrap();
    sandbox.set_faults(FaultPlan { latency_ms: 2_000, ..FaultPlan::default() });
    let started = Instant::now();
    let error = amenities(&gateway).await.unwrap_err();
    assert_eq!(error, GatewayError::Timeout { deadline: Duration::from_millis(400) });
    assert!(started.elapsed() < Duration::from_millis(600));
}

#[tokio::test]
async fn not_found_and_validation_failures_carry_hostaways_message_and_are_not_retried() {
    let sandbox = api::start(api::config()).await;
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    let missing =
        gateway
            .call(id::GET_LISTING, Idempotence::Safe, |client| async move {
                client.get_listing().listing_id(7).send().await
            })
            .await
            .unwrap_err();
    assert!(matches!(&missing, GatewayError::NotFound { message } if message.contains("7")), "{missing:?}");
    let invalid = gateway
        .call(id::LIST_EXPENSES, Idempotence::Safe, |client| async move {
            client.list_expenses().limit(std::num::NonZeroU32::new(501).unwrap()).send().await
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&invalid, GatewayError::Rejected { status: 400, message } if message.contains("500")),
        "{invalid:?}"
    );
    assert_eq!(sandbox.stats().received(id::LIST_EXPENSES), 1);
}

/// A log sink shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_of_a_full_run_carry_neither_the_secret_nor_the_token() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || sink.clone()).finish();
    // While only one subscriber is registered, tracing decides whether a log line is wanted by asking
    // the subscriber of whichever thread reaches it first, and remembers. Other tests' threads have
    // none, so they would switch the gateway's lines off for this one. With a global subscriber
    // registered too (one that wants nothing), tracing asks both.
    let _ = tracing::subscriber::set_global_default(tracing::subscriber::NoSubscriber::default());
    let _guard = tracing::subscriber::set_default(subscriber);

    let sandbox = api::start(api::config()).await;
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    amenities(&gateway).await.unwrap();
    sandbox.revoke_tokens();
    sandbox.set_faults(FaultPlan { server_error_next: 1, malformed_next: 1, ..FaultPlan::default() });
    amenities(&gateway).await.unwrap();
    let _ = send_message(&gateway, some_conversation(&sandbox)).await;
    let debug = format!("{gateway:?}");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("minted a Hostaway access token"), "the run was logged: {logs}");
    let tokens = sandbox.issued_tokens();
    assert_eq!(tokens.len(), 2, "first token and one re-mint after the revocation");
    for text in [&logs, &debug] {
        assert!(!text.contains(sandbox.secret_key()), "the secret leaked");
        for token in &tokens {
            assert!(!text.contains(token.as_str()), "a token leaked");
        }
    }
}

/// A year of a listing's calendar through the typed operation (cached unless caching is off).
async fn calendar(gateway: &Gateway, listing: i64) -> Result<Vec<types::CalendarDay>, GatewayError> {
    let first = api::today();
    gateway.calendar(listing, first, first + chrono::Duration::days(364), Fresh::No).await
}

#[tokio::test]
async fn identical_concurrent_reads_share_one_upstream_call() {
    let sandbox = api::start(api::config()).await;
    let mut config = gateway_config(&sandbox);
    config.cache_ttls = CacheTtls::default();
    let gateway = Arc::new(Gateway::new(config).unwrap());
    let listing = sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let reads: Vec<_> = (0..20)
        .map(|_| {
            tokio::spawn({
                let gateway = gateway.clone();
                async move { calendar(&gateway, listing).await }
            })
        })
        .collect();
    let mut answers = Vec::new();
    for read in reads {
        answers.push(read.await.unwrap().unwrap().len());
    }
    assert!(answers.iter().all(|n| *n == answers[0] && *n > 300));
    assert_eq!(sandbox.stats().received(id::GET_CALENDAR), 1);
    let metrics = gateway.metrics();
    assert_eq!((metrics.cache_misses, metrics.cache_hits), (1, 19));
}

#[tokio::test]
async fn a_write_drops_the_cached_reads_it_touches_and_keeps_the_others() {
    let sandbox = api::start(api::config()).await;
    let mut config = gateway_config(&sandbox);
    config.cache_ttls = CacheTtls::default();
    let gateway = Gateway::new(config).unwrap();
    let (a, b) = sandbox.inspect(|s| {
        let mut ids = s.listings.keys();
        (*ids.next().unwrap(), *ids.next().unwrap())
    });
    calendar(&gateway, a).await.unwrap();
    calendar(&gateway, b).await.unwrap();
    let day = api::today() + chrono::Duration::days(300);
    let block = types::CalendarUpdate {
        start_date: day,
        end_date: day,
        is_available: Some(0),
        closed_on_arrival: None,
        closed_on_departure: None,
        maximum_stay: None,
        minimum_stay: None,
        note: None,
        price: None,
    };
    gateway.update_calendar(a, block).await.unwrap();
    let fresh = calendar(&gateway, a).await.unwrap();
    assert!(fresh.iter().any(|d| d.date == day && d.is_available == Some(0)), "the write is visible at once");
    calendar(&gateway, b).await.unwrap();
    assert_eq!(sandbox.stats().received(id::GET_CALENDAR), 3, "listing b stayed cached, listing a was read again");
}

#[tokio::test]
async fn calendar_questions_within_the_same_months_share_one_read_and_get_exactly_their_days() {
    let sandbox = api::start(api::config()).await;
    let mut config = gateway_config(&sandbox);
    config.cache_ttls = CacheTtls::default();
    let gateway = Gateway::new(config).unwrap();
    let listing = sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let month = chrono::Datelike::with_day(&api::today(), 1).unwrap() + chrono::Months::new(2);
    let day = |n: u32| chrono::Datelike::with_day(&month, n).unwrap();
    for (first, last) in [(day(3), day(20)), (day(10), day(28)), (day(1), day(1))] {
        let days = gateway.calendar(listing, first, last, Fresh::No).await.unwrap();
        let dates: Vec<_> = days.iter().map(|d| d.date).collect();
        let asked: Vec<_> = first.iter_days().take_while(|d| *d <= last).collect();
        assert_eq!(dates, asked, "exactly the days asked for");
    }
    assert_eq!(sandbox.stats().received(id::GET_CALENDAR), 1, "one read of the whole month answered all three");
    gateway.calendar(listing, day(20), day(5) + chrono::Months::new(1), Fresh::No).await.unwrap();
    assert_eq!(sandbox.stats().received(id::GET_CALENDAR), 2, "a question reaching into the next month reads again");
}

#[tokio::test]
async fn with_caching_disabled_every_read_goes_upstream() {
    let sandbox = api::start(api::config()).await;
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    let listing = sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    for _ in 0..3 {
        calendar(&gateway, listing).await.unwrap();
    }
    assert_eq!(sandbox.stats().received(id::GET_CALENDAR), 3);
}

#[tokio::test]
async fn an_after_id_walk_visits_every_reservation_once_and_ends_on_an_empty_page() {
    let sandbox = api::start(api::config()).await;
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    let total = sandbox.inspect(|s| s.reservations.len());
    let mut pager = Pager::after_id(400, Caps { max_pages: 50, max_items: 10_000 }, |r: &types::Reservation| r.id);
    let all = pager.collect(|request| reservations_page(&gateway, request)).await.unwrap();
    let ids: std::collections::BTreeSet<i64> = all.iter().map(|r| r.id).collect();
    assert_eq!((all.len(), ids.len()), (total, total));
    assert!(!pager.capped());
    assert_eq!(sandbox.stats().received(id::LIST_RESERVATIONS) as usize, total.div_ceil(400) + 1);
}

#[tokio::test]
async fn a_walk_stops_at_its_caps_and_says_so() {
    let sandbox = api::start(api::config()).await;
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    let mut by_pages = Pager::after_id(100, Caps { max_pages: 2, max_items: 10_000 }, |r: &types::Reservation| r.id);
    assert_eq!(by_pages.collect(|request| reservations_page(&gateway, request)).await.unwrap().len(), 200);
    assert!(by_pages.capped());
    let mut by_items = Pager::after_id(100, Caps { max_pages: 50, max_items: 150 }, |r: &types::Reservation| r.id);
    assert_eq!(by_items.collect(|request| reservations_page(&gateway, request)).await.unwrap().len(), 150);
    assert!(by_items.capped());
    assert_eq!(sandbox.stats().received(id::LIST_RESERVATIONS), 4);
}

#[tokio::test]
async fn an_offset_walk_stops_when_the_count_is_reached() {
    let sandbox = api::start(api::config()).await;
    let gateway = Gateway::new(gateway_config(&sandbox)).unwrap();
    let total = sandbox.inspect(|s| s.listings.len());
    let mut pager = Pager::offset(10, Caps { max_pages: 50, max_items: 1_000 });
    let gateway = &gateway;
    let all = pager
        .collect(|request| async move {
            let page = gateway
                .call(id::LIST_LISTINGS, Idempotence::Safe, move |client| async move {
                    client
                        .list_listings()
                        .limit(std::num::NonZeroU32::new(request.limit).unwrap())
                        .offset(request.offset as i32)
                        .send()
                        .await
                })
                .await?;
            Ok(Page { items: page.result, total: page.count.map(|c| c as u64) })
        })
        .await
        .unwrap();
    assert_eq!(all.len(), total);
    assert_eq!(
        sandbox.stats().received(id::LIST_LISTINGS) as usize,
        total.div_ceil(10),
        "no extra call past the count"
    );
}

async fn reservations_page(gateway: &Gateway, request: PageRequest) -> Result<Page<types::Reservation>, GatewayError> {
    let page = gateway
        .call(id::LIST_RESERVATIONS, Idempotence::Safe, move |client| async move {
            let mut call = client.list_reservations().limit(std::num::NonZeroU32::new(request.limit).unwrap());
            if let Some(after) = request.after_id {
                call = call.after_id(after);
            }
            call.send().await
        })
        .await?;
    Ok(Page { items: page.result, total: page.count.map(|c| c as u64) })
}
