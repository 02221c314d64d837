//! End to end: three `hostaway-mcp serve --redis-url` replicas in front of one sandbox that
//! enforces Hostaway's real limits (15 per 10 s per IP, 20 per account), one MCP session per
//! replica. They share one budget and one token; losing a replica or Redis loses no correctness.
//! Each test starts its own `redis-server` (see `support/redis.rs`).

use crate::support::mcp;
use crate::support::redis;
use hostaway_mcp::hostaway::id;

use std::time::Duration;

use chrono::Duration as Days;
use hostaway_mcp::sandbox::{FaultPlan, RateLimits, Sandbox, SandboxConfig};
use rmcp::{
    RoleClient, ServiceExt,
    model::{CallToolRequestParams, CallToolResult},
    service::RunningService,
};
use serde_json::{Value, json};
use tokio::{process::Child, task::JoinSet};

type Session = RunningService<RoleClient, ()>;

/// A sandbox with Hostaway's limits and the one-second token activation.
async fn strict_sandbox() -> Sandbox {
    let config = SandboxConfig { clock: mcp::clock(), limits: RateLimits::default(), ..SandboxConfig::default() };
    Sandbox::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

/// A replica: the binary against `sandbox` with Hostaway's limits and `redis`, and its `/mcp` URL.
async fn replica_at(sandbox: &Sandbox, redis: &str, env: &[(&str, &str)]) -> (Child, String) {
    let mut command = mcp::binary_against(sandbox);
    command
        .env("RATE_LIMIT_IP", "15")
        .env("RATE_LIMIT_ACCOUNT", "20")
        .env("REDIS_URL", redis)
        .env("MCP_CLIENT_CALLS_PER_MINUTE", "0")
        .env("HOSTAWAY_MCP_CLOCK", mcp::clock().now().to_rfc3339())
        .envs(env.iter().copied())
        .args(["serve", "--bind", "127.0.0.1:0"]);
    mcp::spawn_serve(&mut command).await
}

/// A replica with one MCP session open on it.
async fn replica(sandbox: &Sandbox, redis: &str) -> (Child, Session) {
    let (child, url) = replica_at(sandbox, redis, &[]).await;
    let session = ().serve(rmcp::transport::StreamableHttpClientTransport::from_uri(url)).await.unwrap();
    (child, session)
}

async fn call(session: &Session, tool: &'static str, arguments: Value) -> Result<CallToolResult, String> {
    let arguments = mcp::previewed(session, tool, arguments).await;
    session
        .call_tool(CallToolRequestParams::new(tool).with_arguments(arguments.as_object().cloned().unwrap()))
        .await
        .map_err(|e| e.to_string())
}

/// `n` uncached `get_calendar` calls on `session`, all at once: distinct listings and, per replica,
/// distinct dates.
fn calendars(
    calls: &mut JoinSet<(usize, Result<CallToolResult, String>)>,
    session: &Session,
    replica: usize,
    listings: &[i64],
    n: usize,
) {
    let today = mcp::clock().today_utc();
    for k in 0..n {
        let start = today + Days::days(30 * replica as i64 + (k / listings.len()) as i64);
        let args = json!({"listing_id": listings[k % listings.len()], "start_date": start.to_string(), "end_date": (start + Days::days(6)).to_string()});
        let peer = session.peer().clone();
        calls.spawn(async move {
            let request = CallToolRequestParams::new("get_calendar").with_arguments(args.as_object().cloned().unwrap());
            (replica, peer.call_tool(request).await.map_err(|e| e.to_string()))
        });
    }
}

fn listings(sandbox: &Sandbox) -> Vec<i64> {
    sandbox.inspect(|s| s.listings.keys().copied().collect())
}

#[tokio::test]
async fn three_replicas_burst_within_the_real_limits_with_one_token() {
    let Some(redis) = redis::Redis::start() else { return };
    // Before the sessions open: their initialize reads the listings (the account's zone) as usual.
    redis.past_first_window().await;
    let sandbox = strict_sandbox().await;
    let ids = listings(&sandbox);
    let mut replicas = Vec::new();
    for _ in 0..3 {
        replicas.push(replica(&sandbox, &redis.url()).await);
    }
    let mut calls = JoinSet::new();
    for (i, (_, session)) in replicas.iter().enumerate() {
        calendars(&mut calls, session, i, &ids, 12);
    }
    let answers = calls.join_all().await;
    assert_eq!(answers.len(), 36);
    for (_, answer) in &answers {
        let answer = answer.as_ref().expect("every call is answered");
        assert_ne!(answer.is_error, Some(true), "{}", mcp::text(answer));
    }
    let stats = sandbox.stats();
    assert_eq!(stats.received(id::GET_CALENDAR), 36, "every call went upstream once");
    assert_eq!(stats.status("429"), 0, "the replicas kept within Hostaway's limits together");
    assert_eq!(stats.tokens_minted, 1, "one token for the three");
}

#[tokio::test]
async fn when_a_replica_dies_mid_burst_the_others_finish() {
    let Some(redis) = redis::Redis::start() else { return };
    redis.past_first_window().await;
    let sandbox = strict_sandbox().await;
    let ids = listings(&sandbox);
    let (mut doomed, doomed_session) = replica(&sandbox, &redis.url()).await;
    let (_a, first) = replica(&sandbox, &redis.url()).await;
    let (_b, second) = replica(&sandbox, &redis.url()).await;
    let (mut lost, mut calls) = (JoinSet::new(), JoinSet::new());
    calendars(&mut lost, &doomed_session, 0, &ids, 12);
    calendars(&mut calls, &first, 1, &ids, 12);
    calendars(&mut calls, &second, 2, &ids, 12);
    tokio::time::sleep(Duration::from_secs(2)).await;
    doomed.kill().await.unwrap();
    // A client of the dead replica may wait for its answers forever; only the others count.
    lost.abort_all();
    let survivors = calls.join_all().await;
    assert_eq!(survivors.len(), 24);
    for (_, answer) in survivors {
        let answer = answer.expect("the surviving replicas answer every call");
        assert_ne!(answer.is_error, Some(true), "{}", mcp::text(&answer));
    }
    assert_eq!(sandbox.stats().status("429"), 0);
}

#[tokio::test]
async fn while_redis_is_stopped_calls_fail_clearly_and_work_again_once_it_is_back() {
    let Some(mut redis) = redis::Redis::start_with_password(Some("hunter2-redis")) else { return };
    let sandbox = strict_sandbox().await;
    let ids = listings(&sandbox);
    let (_child, session) = replica(&sandbox, &redis.url()).await;
    let today = mcp::clock().today_utc();
    let calendar = |id: i64| json!({"listing_id": id, "start_date": today.to_string(), "end_date": (today + Days::days(3)).to_string()});
    let ok = call(&session, "get_calendar", calendar(ids[0])).await.unwrap();
    assert_ne!(ok.is_error, Some(true), "{}", mcp::text(&ok));

    redis.stop();
    let failed = call(&session, "get_calendar", calendar(ids[1])).await.unwrap();
    assert_eq!(failed.is_error, Some(true));
    let text = mcp::text(&failed);
    assert!(text.contains("Redis") && text.contains("127.0.0.1"), "{text}");
    assert!(!text.contains("hunter2-redis"), "the password never shows: {text}");

    redis.resume();
    let mut back = false;
    for _ in 0..50 {
        let answer = call(&session, "get_calendar", calendar(ids[1])).await.unwrap();
        if answer.is_error != Some(true) {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(back, "calls work again without a restart");
    assert_eq!(sandbox.stats().status("429"), 0);
    assert_eq!(sandbox.stats().received(id::GET_CALENDAR), 2, "the failed call never reached Hostaway");
}

/// Sets one of Redis's settings, as its operator would.
async fn configure(url: &str, name: &str, value: &str) {
    let mut connection = ::redis::Client::open(url).unwrap().get_multiplexed_async_connection().await.unwrap();
    let () = ::redis::cmd("CONFIG").arg("SET").arg(name).arg(value).query_async(&mut connection).await.unwrap();
}

#[tokio::test]
async fn health_says_so_while_the_shared_redis_may_evict_keys_before_they_expire() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = strict_sandbox().await;
    let (_child, url) = replica_at(&sandbox, &redis.url(), &[]).await;
    let health = || async { reqwest::get(url.replace("/mcp", "/health")).await.unwrap().text().await.unwrap() };
    assert_eq!(health().await.lines().next(), Some("ok"));

    configure(&redis.url(), "maxmemory", "64mb").await;
    configure(&redis.url(), "maxmemory-policy", "volatile-lru").await;
    let said = health().await;
    assert!(said.starts_with("degraded: "), "{said}");
    assert!(
        said.contains("maxmemory-policy volatile-lru") && said.contains("set maxmemory-policy noeviction"),
        "{said}"
    );

    configure(&redis.url(), "maxmemory-policy", "noeviction").await;
    assert_eq!(health().await.lines().next(), Some("ok"), "a cap that never evicts is no risk");
}

/// Sends `message` to each conversation, alternating between the sessions, all at once.
fn messages(
    calls: &mut JoinSet<(i64, Result<CallToolResult, String>)>,
    sessions: [&Session; 2],
    conversations: &[i64],
) {
    for (i, &conversation) in conversations.iter().enumerate() {
        let peer = sessions[i % 2].peer().clone();
        calls.spawn(async move {
            let send = json!({"conversation_id": conversation, "message": note(conversation), "confirm": true});
            let send = mcp::previewed(&peer, "send_guest_message", send).await;
            let request =
                CallToolRequestParams::new("send_guest_message").with_arguments(send.as_object().cloned().unwrap());
            (conversation, peer.call_tool(request).await.map_err(|e| e.to_string()))
        });
    }
}

fn note(conversation: i64) -> String {
    format!("The key safe code for your stay is on its way (ref {conversation}).")
}

/// An answer during a Redis outage: a result, or an error that says what to do. A confirm whose
/// preview failed in the outage went without a token: the approval gate refuses it, sends nothing
/// and says how to confirm again.
fn assert_clear(answer: &Result<CallToolResult, String>) -> bool {
    let answer = answer.as_ref().expect("every call is answered, none hangs");
    let failed = answer.is_error == Some(true);
    let text = mcp::text(answer);
    let says_what_to_do = ["Redis", "retry", "call send_guest_message again"].iter().any(|s| text.contains(s));
    assert!(!failed || says_what_to_do, "{text}");
    failed && text.contains("Redis")
}

#[tokio::test]
async fn redis_lost_mid_burst_and_back_empty_costs_no_429_and_no_duplicate() {
    let Some(mut redis) = redis::Redis::start() else { return };
    let sandbox = strict_sandbox().await;
    let ids = listings(&sandbox);
    let conversations: Vec<i64> = sandbox.inspect(|s| s.conversations.keys().take(2).copied().collect());
    let (_a, first) = replica(&sandbox, &redis.url()).await;
    let (_b, second) = replica(&sandbox, &redis.url()).await;
    let limit = Duration::from_secs(90);

    // More than the limits let through at once (a message takes several requests): the first
    // slots go, the rest wait in the budget.
    let (mut reads, mut writes) = (JoinSet::new(), JoinSet::new());
    calendars(&mut reads, &first, 0, &ids, 5);
    calendars(&mut reads, &second, 1, &ids, 5);
    messages(&mut writes, [&first, &second], &conversations);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    redis.stop();
    let mut during = JoinSet::new();
    calendars(&mut during, &first, 2, &ids, 2);
    let during = tokio::time::timeout(limit, during.join_all()).await.expect("calls fail fast while Redis is away");
    assert!(during.iter().all(|(_, answer)| assert_clear(answer)), "calls while Redis is away name it: {during:?}");
    // Back empty: the sends of the last window are forgotten by Redis, not by Hostaway, so these
    // wait out one window (within their deadline, as this load leaves room for them all then).
    redis.resume();
    let mut after = JoinSet::new();
    calendars(&mut after, &first, 3, &ids, 3);
    calendars(&mut after, &second, 4, &ids, 3);
    let first_burst = tokio::time::timeout(limit, reads.join_all()).await.expect("no call hangs");
    let sent = tokio::time::timeout(limit, writes.join_all()).await.expect("no write hangs");
    for answer in first_burst.iter().map(|(_, a)| a).chain(sent.iter().map(|(_, a)| a)) {
        assert_clear(answer);
    }
    for (_, answer) in tokio::time::timeout(limit, after.join_all()).await.expect("no call hangs") {
        let answer = answer.expect("answered");
        assert_ne!(answer.is_error, Some(true), "Redis is back: {}", mcp::text(&answer));
    }

    // The client cannot tell which messages went out, so it sends them all again.
    let mut again = JoinSet::new();
    messages(&mut again, [&second, &first], &conversations);
    for (_, answer) in tokio::time::timeout(limit, again.join_all()).await.expect("no write hangs") {
        let status = answer.expect("answered").structured_content.unwrap()["status"].clone();
        assert!(status == "done" || status == "already_done", "{status}");
    }
    assert_eq!(sandbox.stats().status("429"), 0, "the replicas never went over the limits, Redis lost or not");
    for conversation in conversations {
        let copies = sandbox.inspect(|s| {
            s.messages.values().filter(|m| m.body.as_deref() == Some(note(conversation).as_str())).count()
        });
        assert_eq!(copies, 1, "conversation {conversation} got its message once");
    }
}

#[tokio::test]
async fn dates_blocked_through_one_replica_show_blocked_through_another_at_once() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = strict_sandbox().await;
    let (listing, check_in, _) = sandbox.inspect(mcp::free_stay);
    let (_a, first) = replica(&sandbox, &redis.url()).await;
    let (_b, second) = replica(&sandbox, &redis.url()).await;
    let range = json!({"listing_id": listing, "start_date": check_in.to_string(), "end_date": (check_in + Days::days(1)).to_string()});
    let totals = |answer: CallToolResult| answer.structured_content.unwrap()["totals"].clone();

    let before = totals(call(&second, "get_calendar", range.clone()).await.unwrap());
    assert_eq!(before["blocked"], 0);
    assert_eq!(totals(call(&second, "get_calendar", range.clone()).await.unwrap()), before, "cached");
    // Previewed through one replica, confirmed through the other: they share the preview key.
    let preview = call(&second, "block_dates", range.clone()).await.unwrap().structured_content.unwrap();
    let mut block = range.clone();
    block["confirm"] = json!(true);
    block["preview_token"] = preview["preview_token"].clone();
    let blocked = call(&first, "block_dates", block).await.unwrap();
    assert_eq!(
        blocked.structured_content.unwrap()["status"],
        "done",
        "a preview shown by one replica confirms on another"
    );
    let after = totals(call(&second, "get_calendar", range).await.unwrap());
    assert_eq!(after["blocked"], 2, "the other replica's cached calendar was dropped: {after}");
}

#[tokio::test]
async fn the_same_message_confirmed_through_two_replicas_at_once_is_sent_once() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = strict_sandbox().await;
    let conversation = sandbox.inspect(|s| *s.conversations.keys().next().unwrap());
    let (_a, first) = replica(&sandbox, &redis.url()).await;
    let (_b, second) = replica(&sandbox, &redis.url()).await;
    let send = json!({"conversation_id": conversation, "message": "The hot tub is ready for you from 16:00.", "confirm": true});
    let (a, b) =
        tokio::join!(call(&first, "send_guest_message", send.clone()), call(&second, "send_guest_message", send));
    let mut statuses: Vec<String> = [a.unwrap(), b.unwrap()]
        .into_iter()
        .map(|answer| answer.structured_content.unwrap()["status"].as_str().unwrap().to_string())
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["already_done", "done"], "one sent it, the other found it sent");
    assert_eq!(sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 1, "the guest gets one copy");
}

#[tokio::test]
async fn a_replica_killed_while_its_message_is_on_the_way_holds_the_other_back_one_lease_and_it_is_sent_once() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = strict_sandbox().await;
    let conversation = sandbox.inspect(|s| *s.conversations.keys().next().unwrap());
    // One request may take 3 s, so a write lock is a 5 s lease; Hostaway answers everything in 1.5 s.
    let quick = [("HOSTAWAY_REQUEST_TIMEOUT_SECS", "3")];
    let (mut doomed, doomed_url) = replica_at(&sandbox, &redis.url(), &quick).await;
    let (_other, other_url) = replica_at(&sandbox, &redis.url(), &quick).await;
    let connect = |url: String| async move {
        ().serve(rmcp::transport::StreamableHttpClientTransport::from_uri(url)).await.unwrap()
    };
    let (first, second) = (connect(doomed_url).await, connect(other_url).await);
    sandbox.set_faults(FaultPlan { latency_ms: 1_500, ..FaultPlan::default() });
    let send =
        json!({"conversation_id": conversation, "message": "Your key is in the lockbox by the gate.", "confirm": true});

    let sending = tokio::spawn({
        let send = send.clone();
        async move { call(&first, "send_guest_message", send).await }
    });
    let on_the_way = tokio::time::timeout(Duration::from_secs(20), async {
        while sandbox.stats().received(id::SEND_CONVERSATION_MESSAGE) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(on_the_way.is_ok(), "the first replica sends the message");
    doomed.kill().await.unwrap();
    sending.abort();

    let started = std::time::Instant::now();
    let answer = call(&second, "send_guest_message", send).await.unwrap();
    let took = started.elapsed();
    assert_ne!(answer.is_error, Some(true), "{answer:?}");
    assert!(took < Duration::from_secs(15), "the other replica waited {took:?} for a dead holder");
    let sent = sandbox.inspect(|s| {
        s.messages.values().filter(|m| m.body.as_deref() == Some("Your key is in the lockbox by the gate.")).count()
    });
    assert_eq!(sent, 1, "the guest gets one copy");
}

#[tokio::test]
async fn one_task_confirmed_in_other_words_through_two_replicas_at_once_is_made_once() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = strict_sandbox().await;
    let (listing, day) = sandbox.inspect(|s| (*s.listings.keys().next().unwrap(), s.today + chrono::Duration::days(9)));
    let (_a, first) = replica(&sandbox, &redis.url()).await;
    let (_b, second) = replica(&sandbox, &redis.url()).await;
    let task = |title: &str, description: &str| {
        json!({"title": title, "description": description, "category": "maintenance",
               "listing_id": listing, "start": format!("{day} 08:00"), "confirm": true})
    };
    for round in 0..3 {
        let (a, b) = tokio::join!(
            call(&first, "create_task", task("Service the boiler", &format!("round {round}: annual check"))),
            call(&second, "create_task", task("Boiler service", &format!("round {round}: gas engineer")))
        );
        let mut statuses: Vec<String> = [a.unwrap(), b.unwrap()]
            .into_iter()
            .map(|answer| answer.structured_content.unwrap()["status"].as_str().unwrap().to_string())
            .collect();
        statuses.sort();
        let expected = if round == 0 { ["already_done", "done"] } else { ["already_done", "already_done"] };
        assert_eq!(statuses, expected, "round {round}: one made it, the other found it");
    }
    assert_eq!(sandbox.stats().applied(id::CREATE_TASK), 1, "one boiler service in all");
}

/// A 2025-06-18 session (the protocol with `Mcp-Session-Id`) opened on `url`, handshake done.
async fn open_2025_session(url: &str) -> String {
    let opened = mcp::post(url).json(&mcp::initialize_request()).send().await.unwrap();
    assert_eq!(opened.status(), 200);
    let id = opened.headers()["mcp-session-id"].to_str().unwrap().to_string();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let acknowledged = in_session(url, &id).json(&initialized).send().await.unwrap();
    assert_eq!(acknowledged.status(), 202);
    id
}

fn in_session(url: &str, id: &str) -> reqwest::RequestBuilder {
    mcp::post(url).header("mcp-session-id", id).header("mcp-protocol-version", "2025-06-18")
}

/// `get_listing` in session `id` through `url`: the HTTP status, and the JSON-RPC answer if any.
async fn get_listing_in(url: &str, id: &str, listing: i64) -> (u16, Option<Value>) {
    let call = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"name": "get_listing", "arguments": {"listing_id": listing}}});
    let answer = in_session(url, id).json(&call).send().await.unwrap();
    let status = answer.status().as_u16();
    let body = answer.text().await.unwrap();
    // The answer comes as one server-sent event (or plain JSON); either way it is one JSON line.
    let message = body
        .lines()
        .map(|line| line.strip_prefix("data:").unwrap_or(line).trim())
        .find_map(|line| serde_json::from_str::<Value>(line).ok().filter(|m| m.get("id").is_some()));
    (status, message)
}

fn assert_answered(answer: &(u16, Option<Value>), listing: i64) {
    assert_eq!(answer.0, 200);
    let result = &answer.1.as_ref().expect("a JSON-RPC answer")["result"];
    assert_ne!(result["isError"], true, "{result}");
    assert_eq!(result["structuredContent"]["listing_id"], listing, "{result}");
}

#[tokio::test]
async fn a_2025_session_opened_on_one_replica_goes_on_on_another_and_ends_everywhere() {
    let Some(redis) = redis::Redis::start() else { return };
    let sandbox = strict_sandbox().await;
    let listing = listings(&sandbox)[0];
    let (_a, first) = replica_at(&sandbox, &redis.url(), &[]).await;
    let (_b, second) = replica_at(&sandbox, &redis.url(), &[]).await;
    let (_c, third) = replica_at(&sandbox, &redis.url(), &[]).await;

    let id = open_2025_session(&first).await;
    assert_answered(&get_listing_in(&first, &id, listing).await, listing);
    assert_answered(&get_listing_in(&second, &id, listing).await, listing);
    assert_eq!(get_listing_in(&second, "not-a-session-anyone-opened", listing).await.0, 404, "only real sessions move");

    let ended = reqwest::Client::new()
        .delete(&second)
        .header("mcp-session-id", &id)
        .header("mcp-protocol-version", "2025-06-18")
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 200);
    assert_eq!(
        get_listing_in(&third, &id, listing).await.0,
        404,
        "a session ended on one replica is gone for the others"
    );
    assert_eq!(
        get_listing_in(&first, &id, listing).await.0,
        404,
        "and at once on the replica that opened it and still held it"
    );
    let again = reqwest::Client::new()
        .delete(&third)
        .header("mcp-session-id", &id)
        .header("mcp-protocol-version", "2025-06-18")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404, "ending it again through another replica finds nothing to end");
}

#[tokio::test]
async fn a_session_kept_busy_on_one_replica_outlives_its_idle_time_for_the_others() {
    let Some(redis) = redis::Redis::start() else { return };
    redis.past_first_window().await;
    let sandbox = strict_sandbox().await;
    let listing = listings(&sandbox)[0];
    let idle = [("MCP_SESSION_IDLE_SECS", "2")];
    let (_a, first) = replica_at(&sandbox, &redis.url(), &idle).await;
    let (_b, second) = replica_at(&sandbox, &redis.url(), &idle).await;

    let busy = open_2025_session(&first).await;
    let forgotten = open_2025_session(&first).await;
    for _ in 0..8 {
        assert_answered(&get_listing_in(&first, &busy, listing).await, listing);
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    assert_answered(&get_listing_in(&second, &busy, listing).await, listing);
    assert_eq!(get_listing_in(&second, &forgotten, listing).await.0, 404, "an idle session lapses everywhere");
}

#[tokio::test]
async fn a_client_subscribed_through_one_replica_hears_of_an_event_another_replica_received() {
    let Some(redis) = redis::Redis::start() else { return };
    redis.past_first_window().await;
    let config = SandboxConfig { token_activation: Duration::ZERO, ..mcp::sandbox_config() };
    let sandbox = Sandbox::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (login, password) = ("hostaway-hooks", "correct-horse-battery-staple");
    let hooks = [("HOSTAWAY_WEBHOOK_LOGIN", login), ("HOSTAWAY_WEBHOOK_PASSWORD", password)];
    let (_a, receiving) = replica_at(&sandbox, &redis.url(), &hooks).await;
    let (_b, subscribed) = replica_at(&sandbox, &redis.url(), &hooks).await;
    mcp::register_webhook(&sandbox, &receiving.replace("/mcp", "/webhooks/hostaway"), login, password).await;

    let (tx, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let info = rmcp::model::ClientConfig::default().with_protocol_version(rmcp::model::ProtocolVersion::V_2025_06_18);
    let client = mcp::Heard { info, uris: tx }
        .serve(rmcp::transport::StreamableHttpClientTransport::from_uri(subscribed))
        .await
        .unwrap();
    let reservation = sandbox.inspect(|s| *s.reservations.keys().next().unwrap());
    let uri = format!("hostaway://reservations/{reservation}");
    #[allow(deprecated)]
    client.subscribe(rmcp::model::SubscribeRequestParams::new(uri.clone())).await.unwrap();

    let changed = reqwest::Client::new()
        .put(sandbox.base_url().replace("/v1", &format!("/_sandbox/channel/reservations/{reservation}")))
        .json(&json!({"numberOfGuests": 3}))
        .send()
        .await
        .unwrap();
    assert!(changed.status().is_success());
    let told = tokio::time::timeout(Duration::from_secs(3), heard.recv()).await.expect("told within 3 s");
    assert_eq!(told, Some(uri), "the event reached the other replica's subscriber");
}
