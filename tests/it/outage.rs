//! Hostaway down, through a real MCP client: reads answer from their last good copies, marked
//! with their age, at once once the circuit is open; writes are refused fast and nothing is sent;
//! `/health` says so; fresh answers return within one probe after Hostaway does; an outage of one
//! operation leaves the others fresh; and a server never waits on Hostaway to start.

use std::time::{Duration, Instant};

use hostaway_mcp::{
    hostaway::{GatewayConfig, cache::CacheTtls, id},
    sandbox::FaultPlan,
    server::ServerOptions,
};
use serde_json::{Value, json};

use crate::support::mcp::{self, Harness};

/// How long the open circuit waits before it probes, in these tests.
const COOL_DOWN: Duration = Duration::from_secs(1);

/// Every read is stale as soon as it is cached, so each call asks Hostaway; the circuit opens
/// after three failures and probes after [`COOL_DOWN`].
fn tune(config: &mut GatewayConfig) {
    config.cache_ttls = CacheTtls { default: Duration::from_millis(1), ..CacheTtls::disabled() };
    config.circuit.failures = 3;
    config.circuit.cool_down = COOL_DOWN;
}

async fn start() -> Harness {
    mcp::start_tuned(mcp::clock(), mcp::sandbox_config(), ServerOptions::default(), tune).await
}

async fn health(h: &Harness) -> String {
    reqwest::get(h.url.replace("/mcp", "/health")).await.unwrap().text().await.unwrap()
}

/// A reservation and a listing the sandbox holds.
fn ids(h: &Harness) -> (i64, i64) {
    h.sandbox.inspect(|s| {
        let reservation = s.reservations.values().next().expect("a reservation");
        (reservation.id, reservation.listing_map_id)
    })
}

/// The calls the outage test repeats: reads that each reach Hostaway.
fn reads(reservation: i64, listing: i64) -> Vec<(&'static str, Value)> {
    vec![
        ("get_reservation", json!({"reservation_id": reservation})),
        ("unread_conversations", json!({})),
        ("get_listing", json!({"listing_id": listing})),
    ]
}

/// `answer` without its `stale` mark.
fn unmarked(answer: &Value) -> Value {
    let mut copy = answer.clone();
    copy.as_object_mut().unwrap().remove("stale");
    copy
}

#[tokio::test]
async fn a_full_outage_answers_from_marked_last_good_copies_refuses_writes_fast_and_recovers_after_one_probe() {
    let h = start().await;
    let (reservation, listing) = ids(&h);
    let mut fresh = Vec::new();
    for (tool, arguments) in reads(reservation, listing) {
        let answer = h.ok(tool, arguments).await;
        assert!(answer.get("stale").is_none(), "{tool} is fresh while Hostaway answers");
        fresh.push(answer);
    }
    assert!(health(&h).await.ends_with("hostaway: up"));

    h.sandbox.set_faults(FaultPlan { server_error_rate: 1.0, ..FaultPlan::default() });
    // The first calls spend the failures that open the circuit; from then on nothing is sent.
    for (tool, arguments) in reads(reservation, listing) {
        h.ok(tool, arguments).await;
    }
    let sent = h.sandbox.stats().received;
    let open = Instant::now();
    assert!(health(&h).await.contains("hostaway: down for"), "{}", health(&h).await);
    for round in 0..3 {
        for ((tool, arguments), before) in reads(reservation, listing).into_iter().zip(&fresh) {
            let started = Instant::now();
            let answer = h.ok(tool, arguments).await;
            let took = started.elapsed();
            assert!(took < Duration::from_secs(1), "{tool} took {took:?} with the circuit open");
            let stale = &answer["stale"];
            assert!(stale["fetched_at"].is_string(), "{tool} round {round}: {answer}");
            assert!(stale["age_seconds"].as_i64().is_some_and(|age| age >= 0), "{stale}");
            assert!(stale["why"].as_str().unwrap().contains("Hostaway"), "{stale}");
            assert!(stale["note"].as_str().unwrap().contains("may be out of date"), "{stale}");
            assert_eq!(&unmarked(&answer), before, "{tool} answers what Hostaway said last");
        }
    }
    // Each operation has its own circuit, opened a moment apart: on a slow machine the rounds
    // outlast a cool-down and each may probe once per cool-down, never more.
    let due = open.elapsed().as_millis().div_ceil(COOL_DOWN.as_millis()) as u64;
    for (operation, now) in h.sandbox.stats().received {
        let probes = now - sent.get(&operation).copied().unwrap_or(0);
        assert!(probes <= due, "{operation}'s open circuit sent {probes} probes in {:?}", open.elapsed());
    }

    let report = health(&h).await;
    assert!(report.starts_with("degraded: Hostaway has been failing for"), "{report}");
    assert!(report.contains("circuit open") && report.contains("next probe in"), "{report}");

    let started = Instant::now();
    let day = mcp::clock().today_utc() + chrono::Duration::days(150);
    let block = json!({"listing_id": listing, "start_date": day.to_string(), "end_date": (day + chrono::Duration::days(1)).to_string(), "confirm": true});
    let refused = h.err("block_dates", block.clone()).await;
    assert!(started.elapsed() < Duration::from_secs(3), "a write is refused within 3 s: {:?}", started.elapsed());
    // Its preview meets the failing Hostaway first, or the circuit that preview opened.
    assert!(refused.contains("Hostaway had a server error") || refused.contains("Hostaway is failing"), "{refused}");
    // The read the write decides on has its circuit open now: the next try is refused at once.
    let started = Instant::now();
    let refused = h.err("block_dates", block).await;
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert!(refused.contains("Hostaway is failing") && refused.contains("nothing was sent"), "{refused}");
    assert_eq!(h.sandbox.stats().received(id::UPDATE_CALENDAR), 0, "no write was sent, nor queued");

    h.sandbox.set_faults(FaultPlan::default());
    let back = Instant::now();
    let answer = tokio::time::timeout(COOL_DOWN * 3, async {
        loop {
            let answer = h.ok("get_reservation", json!({"reservation_id": reservation})).await;
            if answer.get("stale").is_none() {
                return answer;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("fresh answers once Hostaway is back");
    assert!(back.elapsed() <= COOL_DOWN + Duration::from_secs(1), "fresh after {:?}", back.elapsed());
    assert_eq!(answer, fresh[0]);
    // Circuits that no call has probed yet count as up once their cool-down is over.
    let up = tokio::time::timeout(COOL_DOWN * 3, async {
        while !health(&h).await.starts_with("ok\nhostaway: up") {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(up.is_ok(), "/health says Hostaway is up again: {}", health(&h).await);
}

#[tokio::test]
async fn an_outage_of_one_operation_answers_it_stale_and_the_others_fresh() {
    let h = start().await;
    let (reservation, listing) = ids(&h);
    let before = h.ok("get_reservation", json!({"reservation_id": reservation})).await;
    h.sandbox.set_faults(FaultPlan {
        server_error_rate: 1.0,
        only: vec![id::GET_RESERVATION.to_string()],
        ..FaultPlan::default()
    });
    for _ in 0..2 {
        let listing = h.ok("get_listing", json!({"listing_id": listing})).await;
        assert!(listing.get("stale").is_none(), "{listing}");
        let answer = h.ok("get_reservation", json!({"reservation_id": reservation})).await;
        assert!(answer["stale"]["why"].as_str().unwrap().contains("server error"), "{answer}");
        assert_eq!(unmarked(&answer), before);
    }
}

#[tokio::test]
async fn without_a_last_good_copy_an_outage_is_a_clear_error() {
    let h = start().await;
    let (reservation, _) = ids(&h);
    h.sandbox.set_faults(FaultPlan { server_error_rate: 1.0, ..FaultPlan::default() });
    let error = h.err("get_reservation", json!({"reservation_id": reservation})).await;
    assert!(error.contains("Hostaway"), "{error}");
}

/// A port that takes connections and never answers: Hostaway hanging.
async fn hanging_hostaway() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    (listener, url)
}

#[tokio::test]
async fn initialize_and_tools_list_answer_at_once_while_hostaway_hangs() {
    let (_hostaway, url) = hanging_hostaway().await;
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_hostaway-mcp"));
    command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("HOSTAWAY_BASE_URL", url)
        .env("HOSTAWAY_ACCOUNT_ID", "1")
        .env("HOSTAWAY_SECRET_KEY", "s")
        .env("HOSTAWAY_NO_TOKEN_FILE", "1");
    let (_server, endpoint) = mcp::spawn_serve(&mut command).await;
    // Raw HTTP on one kept-alive connection, so what is timed is the server, not a client's set-up;
    // the best of five sessions, so a busy machine's one slow moment is not taken for waiting.
    let http = reqwest::Client::new();
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        let (session, instructions) = initialize(&http, &endpoint).await;
        let tools =
            rpc(&http, &endpoint, Some(&session), json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})).await;
        best = best.min(started.elapsed());
        let tools = tools["result"]["tools"].as_array().map_or(0, Vec::len);
        assert_eq!(tools, hostaway_mcp::tools::catalogue().len(), "every tool is listed");
        assert!(instructions.contains("not known yet"), "{instructions}");
    }
    assert!(best <= Duration::from_millis(100), "initialize + tools/list took {best:?}");
}

/// Opens a 2025 session: `initialize`, then `notifications/initialized`; its id and instructions.
async fn initialize(http: &reqwest::Client, endpoint: &str) -> (String, String) {
    let answer = streamable(http, endpoint, None).json(&mcp::initialize_request()).send().await.unwrap();
    let session = answer.headers()["mcp-session-id"].to_str().unwrap().to_string();
    let result = message(answer).await;
    let instructions = result["result"]["instructions"].as_str().unwrap_or_default().to_string();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let accepted = streamable(http, endpoint, Some(&session)).json(&initialized).send().await.unwrap();
    assert_eq!(accepted.status(), 202);
    (session, instructions)
}

/// Sends one request in `session` and returns its answer.
async fn rpc(http: &reqwest::Client, endpoint: &str, session: Option<&str>, request: Value) -> Value {
    message(streamable(http, endpoint, session).json(&request).send().await.unwrap()).await
}

fn streamable(http: &reqwest::Client, endpoint: &str, session: Option<&str>) -> reqwest::RequestBuilder {
    let request = http
        .post(endpoint)
        .header(reqwest::header::ACCEPT, "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18");
    match session {
        Some(id) => request.header("mcp-session-id", id),
        None => request,
    }
}

/// The JSON-RPC message of an answer, sent as JSON or as one server-sent event.
async fn message(answer: reqwest::Response) -> Value {
    let body = answer.text().await.unwrap();
    let data = body
        .lines()
        .filter_map(|line| line.strip_prefix("data:").map(str::trim))
        .find(|data| !data.is_empty())
        .unwrap_or(body.as_str());
    serde_json::from_str(data).unwrap_or_else(|e| panic!("{e}: {body}"))
}
