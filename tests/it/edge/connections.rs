//! The hardened edge, against the real binary (`serve --sandbox`): slow and idle connections (and
//! trickled bodies) are closed on time without delaying anyone else, one address cannot hold every
//! place with idle connections, connections beyond the cap get a clear 503 while
//! `/health` is still answered through a flood past the cap, a finished `DELETE /mcp` is a 200
//! (and one of a session already ended a 404), `/metrics` checks Host and Origin like `/mcp`, the
//! bearer scheme is case-insensitive, and refusals are counted instead of logged one line each.
//!
//! Counts stay under the default open-file limit of 1024 per process, with margin.

use crate::support::mcp;

use std::{
    process::Stdio,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use reqwest::header::{AUTHORIZATION, HOST, ORIGIN};
use serde_json::json;
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
    process::{Child, Command},
};
use tokio_util::sync::CancellationToken;

const BINARY: &str = env!("CARGO_BIN_EXE_hostaway-mcp");
const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// A spawned `serve --sandbox` and everything it has written to stderr so far.
struct Server {
    _child: Child,
    /// `http://127.0.0.1:<port>`, without a path.
    base: String,
    addr: String,
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
        let addr = base.trim_start_matches("http://").to_string();
        Server { _child: child, base, addr, log }
    }

    fn warn_lines(&self) -> Vec<String> {
        self.log.lock().unwrap().iter().filter(|l| l.contains(" WARN ")).cloned().collect()
    }
}

/// `GET /health` over a fresh connection: its status and how long the whole exchange took.
async fn health(addr: &str) -> (u16, Duration) {
    exchange(addr, &format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")).await
}

/// A raw MCP `initialize` POST to `/mcp`, whole, on a connection the client closes after it.
fn initialize(addr: &str) -> String {
    let body = mcp::initialize_request().to_string();
    format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAccept: application/json, \
         text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Sends `request` over a fresh connection and reads the answer's status line: the status (0 when
/// the server closed the connection without answering) and how long that took.
async fn exchange(addr: &str, request: &str) -> (u16, Duration) {
    exchange_from(None, addr, request).await
}

/// [`exchange`] from the loopback address `source` (another client than 127.0.0.1) when given.
async fn exchange_from(source: Option<&str>, addr: &str, request: &str) -> (u16, Duration) {
    let started = Instant::now();
    let mut stream = match source {
        None => TcpStream::connect(addr).await.unwrap(),
        Some(source) => {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind(format!("{source}:0").parse().unwrap()).unwrap();
            socket.connect(addr.parse().unwrap()).await.unwrap()
        }
    };
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 1024];
    tokio::time::timeout(Duration::from_secs(5), async {
        while !answer.contains(&b'\n') {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await
    .unwrap();
    let status = String::from_utf8_lossy(&answer).split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, started.elapsed())
}

/// Waits until the server closes `stream` (EOF or reset) and returns when, or `None` after `limit`.
async fn closed_within(mut stream: TcpStream, limit: Duration) -> Option<Instant> {
    let mut sink = [0u8; 1024];
    tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => return Instant::now(),
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
}

/// How one test connection behaves before it waits for the server to close it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slow {
    /// Connects and sends nothing.
    Idle,
    /// Sends part of a request head and stops.
    HalfSent,
    /// Sends a request head one byte every 200 ms, never finishing it.
    Trickling,
    /// Sends one complete request, reads the answer, then stays silent on the keep-alive connection.
    KeptAlive,
}

/// Opens one connection that behaves as `slow`, and returns when it was opened and when the server
/// closed it (`None`: still open after `limit`).
async fn hold(addr: String, slow: Slow, limit: Duration) -> (Instant, Option<Instant>) {
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let opened = Instant::now();
    match slow {
        Slow::Idle => {}
        Slow::HalfSent => {
            stream.write_all(format!("POST /mcp HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").as_bytes()).await.unwrap()
        }
        Slow::KeptAlive => {
            stream.write_all(format!("GET /health HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()).await.unwrap();
            let mut answer = [0u8; 256];
            let n = stream.read(&mut answer).await.unwrap();
            assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"));
        }
        Slow::Trickling => {
            stream.write_all(b"GET /health HTTP/1.1\r\nX-Drip: ").await.unwrap();
            let (mut read, mut write) = stream.into_split();
            let drip = async {
                while write.write_all(b"a").await.is_ok() {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            };
            let mut sink = [0u8; 256];
            let closed = tokio::time::timeout(limit, async {
                tokio::select! {
                    () = drip => {}
                    _ = async { while read.read(&mut sink).await.is_ok_and(|n| n > 0) {} } => {}
                }
                Instant::now()
            })
            .await
            .ok();
            return (opened, closed);
        }
    }
    (opened, closed_within(stream, limit).await)
}

#[tokio::test]
async fn idle_and_half_sent_connections_are_closed_within_the_header_timeout_while_health_stays_fast() {
    let timeout = Duration::from_secs(2);
    // Thousands of connections need thousands of descriptors in this process and in the server
    // (which inherits the limit): raise the soft limit towards the hard one, and hold fewer
    // connections where the machine allows fewer.
    let limit = rlimit::increase_nofile_limit(6_000).unwrap_or(1_024);
    let scale = |n: usize| n * (limit.saturating_sub(300) as usize).min(2_400) / 2_400;
    // All from one address: its cap on connections without a request is raised out of the way.
    let server = Server::spawn(
        &["--header-read-timeout-secs", "2", "--max-connections", "3000", "--max-connections-per-address", "3000"],
        None,
    )
    .await;
    let addr = server.addr.clone();
    let plan = [
        (Slow::Idle, scale(1_200)),
        (Slow::HalfSent, scale(900)),
        (Slow::Trickling, scale(150)),
        (Slow::KeptAlive, scale(150)),
    ];
    let started = Instant::now();
    let mut held = Vec::new();
    for (slow, count) in plan {
        for n in 0..count {
            held.push((slow, tokio::spawn(hold(addr.clone(), slow, Duration::from_secs(8)))));
            if n % 200 == 199 {
                // Let the server's accept loop keep pace with the listen backlog.
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    // /health over fresh connections while the slow ones are held.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut checks = Vec::new();
    for _ in 0..20 {
        let at = Instant::now();
        let (status, took) = health(&addr).await;
        assert_eq!(status, 200);
        checks.push((at, took));
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    let mut outcomes = Vec::new();
    for (slow, handle) in held {
        let (opened, closed) = handle.await.unwrap();
        outcomes.push((slow, opened, closed));
    }
    let total = outcomes.len();
    let held_during_checks: Vec<usize> = checks
        .iter()
        .map(|(at, _)| outcomes.iter().filter(|(_, o, c)| o <= at && c.is_none_or(|c| c > *at)).count())
        .collect();
    let worst_health = checks.iter().map(|(_, took)| *took).max().unwrap();
    let mut median = checks.iter().map(|(_, took)| *took).collect::<Vec<_>>();
    median.sort();
    let lifetimes = |kind: Slow| {
        let times: Vec<Duration> =
            outcomes.iter().filter(|(s, ..)| *s == kind).filter_map(|(_, o, c)| c.map(|c| c - *o)).collect();
        (times.iter().min().copied(), times.iter().max().copied(), times.len())
    };
    eprintln!(
        "edge figures: {total} slow connections opened in {:?} (header timeout {timeout:?}); held at once while \
         /health was checked: {}..{}; /health median {:?}, worst {worst_health:?} over {} checks",
        outcomes.iter().map(|(_, o, _)| *o).max().unwrap() - started,
        held_during_checks.iter().min().unwrap(),
        held_during_checks.iter().max().unwrap(),
        median[median.len() / 2],
        checks.len(),
    );
    for (slow, _) in plan {
        let (fastest, slowest, closed) = lifetimes(slow);
        eprintln!("edge figures: {slow:?}: {closed} closed by the server, after {fastest:?}..{slowest:?} open");
    }
    let unclosed: Vec<Slow> = outcomes.iter().filter(|(_, _, c)| c.is_none()).map(|(s, ..)| *s).collect();
    assert!(unclosed.is_empty(), "{} connections still open 8 s in: {unclosed:?}", unclosed.len());
    for (slow, _) in plan {
        let slowest = lifetimes(slow).1.unwrap();
        assert!(slowest < timeout + Duration::from_millis(1500), "{slow:?} held for {slowest:?}");
    }
    assert!(*held_during_checks.iter().max().unwrap() >= 500, "{held_during_checks:?}: too few held to prove anything");
    assert!(worst_health < Duration::from_millis(100), "/health took {worst_health:?} while connections were held");
    assert_eq!(health(&addr).await.0, 200, "the server still serves");
}

/// Runs the futures concurrently and collects their outputs in order.
async fn futures_join<F: std::future::Future + Send + 'static>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F::Output: Send,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}

#[tokio::test]
async fn connections_beyond_the_cap_get_a_503_and_the_server_recovers() {
    let server = Server::spawn(&["--max-connections", "20", "--header-read-timeout-secs", "2"], None).await;
    let addr = server.addr.clone();
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(TcpStream::connect(&addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let (status, took) = exchange(&addr, &initialize(&addr)).await;
    eprintln!("edge figures: connection 21 of a cap of 20 answered {status} in {took:?}");
    assert_eq!(status, 503, "one connection over the cap is refused with a 503");
    assert!(took < Duration::from_secs(1));
    assert_eq!(health(&addr).await.0, 200, "/health is answered from the reserve beyond the cap");
    let closes = futures_join(held.into_iter().map(|s| closed_within(s, Duration::from_secs(5)))).await;
    assert!(closes.iter().all(Option::is_some), "the held connections are closed by the header timeout");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(exchange(&addr, &initialize(&addr)).await.0, 200, "places free up once the idle connections are closed");
    eprintln!("edge figures: the cap freed up {:?} after the refusal", started.elapsed());
    let metrics = reqwest::get(format!("{}/metrics", server.base)).await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"hostaway_mcp_refused_requests_total{reason="too_many_connections"} 1"#), "{metrics}");
}

#[tokio::test]
async fn one_address_holding_idle_connections_cannot_take_every_place_while_others_are_served() {
    // The default of 64 connections without a request per address, under a cap of 500.
    let server = Server::spawn(&["--max-connections", "500", "--header-read-timeout-secs", "60"], None).await;
    let addr = server.addr.clone();
    let other = Some("127.0.0.2");
    let mut held = Vec::new();
    for n in 0..70 {
        let mut stream = TcpStream::connect(&addr).await.unwrap();
        if n % 2 == 1 {
            stream.write_all(format!("POST /mcp HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").as_bytes()).await.unwrap();
        }
        held.push(stream);
    }
    // The server has met them all once the address's next request is refused: each fresh
    // connection is taken after them. (A request that opens no session, so the session cap stays
    // out of it.)
    let metrics = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let (status, took) = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let (status, took) = exchange(&addr, &metrics).await;
            if status != 200 {
                return (status, took);
            }
        }
    })
    .await
    .expect("the address's connections beyond its 64 are refused");
    eprintln!("edge figures: with 70 idle connections from 127.0.0.1, its next request answered {status} in {took:?}");
    assert_eq!(status, 503, "the same short refusal as beyond the cap");
    assert!(took < Duration::from_secs(1), "{took:?}");
    for round in 0..5 {
        assert_eq!(health(&addr).await.0, 200, "round {round}: /health from the flooding address, from the reserve");
        let (status, _) = exchange_from(other, &addr, &initialize(&addr)).await;
        assert_eq!(status, 200, "round {round}: another client is served");
        assert_eq!(exchange(&addr, &metrics).await.0, 503, "round {round}: the flooding address is not");
    }
    drop(held);
    // Its connections closed, the address is served again.
    tokio::time::timeout(Duration::from_secs(10), async {
        while exchange(&addr, &metrics).await.0 != 200 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the address is served once its idle connections are gone");
    let metrics = reqwest::get(format!("{}/metrics", server.base)).await.unwrap().text().await.unwrap();
    let refused = metrics
        .lines()
        .find_map(|l| {
            l.strip_prefix(r#"hostaway_mcp_refused_requests_total{reason="too_many_connections_per_address"} "#)
        })
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    assert!(refused >= 6 + 5, "{metrics}");
}

#[tokio::test]
async fn a_request_body_trickled_a_byte_at_a_time_is_cut_off_like_trickled_headers() {
    let server = Server::spawn(&["--header-read-timeout-secs", "2"], None).await;
    let addr = server.addr.clone();
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAccept: application/json, \
         text/event-stream\r\nContent-Length: 1000\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let (mut read, mut write) = stream.into_split();
    // A byte every 300 ms: far inside the idle timeout (60 s), which each byte starts again.
    let drip = async {
        while write.write_all(b" ").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    };
    let mut sink = [0u8; 256];
    let closed = tokio::time::timeout(Duration::from_secs(8), async {
        tokio::select! {
            () = drip => {}
            _ = async { while read.read(&mut sink).await.is_ok_and(|n| n > 0) {} } => {}
        }
        started.elapsed()
    })
    .await
    .ok();
    eprintln!("edge figures: a body trickled a byte every 300 ms was cut off after {closed:?} (header timeout 2 s)");
    assert!(closed.is_some_and(|t| t >= Duration::from_millis(1900) && t < Duration::from_secs(4)), "{closed:?}");
    assert_eq!(health(&addr).await.0, 200, "the server still serves");
}

/// One flooding connection of kind `slow`: idle, or with half a request head sent.
async fn flood_one(addr: String, slow: Slow) -> Option<TcpStream> {
    let mut stream = TcpStream::connect(&addr).await.ok()?;
    if slow == Slow::HalfSent {
        stream.write_all(format!("POST /mcp HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").as_bytes()).await.ok()?;
    }
    Some(stream)
}

/// Opens `count` flooding connections, alternately idle and half-sent, and returns once all are
/// connected (so the server meets them before anything sent after); each is held until the server
/// closes it or the flood is called off.
async fn flood(addr: String, count: usize, stop: CancellationToken) -> Vec<tokio::task::JoinHandle<()>> {
    let kinds = (0..count).map(|n| if n % 2 == 0 { Slow::Idle } else { Slow::HalfSent });
    let streams = futures_join(kinds.map(|slow| flood_one(addr.clone(), slow))).await;
    streams
        .into_iter()
        .flatten()
        .map(|mut stream| {
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut sink = [0u8; 512];
                tokio::select! {
                    () = stop.cancelled() => {}
                    () = async { while stream.read(&mut sink).await.is_ok_and(|n| n > 0) {} } => {}
                }
            })
        })
        .collect()
}

#[tokio::test]
async fn health_is_answered_through_a_flood_past_the_cap_while_other_requests_are_refused() {
    // The connections within the cap stay held for the whole test: the header timeout outlasts it.
    let server = Server::spawn(&["--max-connections", "32", "--header-read-timeout-secs", "60"], None).await;
    let addr = server.addr.clone();
    let stop = CancellationToken::new();
    let mut flooding = flood(addr.clone(), 300, stop.clone()).await;
    let full = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let (status, _) = exchange(&addr, &initialize(&addr)).await;
            if status != 200 {
                return status;
            }
        }
    })
    .await
    .expect("the flood fills the cap of 32");
    assert!(matches!(full, 503 | 0), "{full}");
    // Each round, fresh flooding connections reach the server before /health and /mcp are asked
    // and more arrive alongside: the reserve is full of idle ones that never say what they want.
    let rounds = 25;
    let (mut answered, mut refused_503) = (Vec::new(), 0);
    for round in 0..rounds {
        flooding.extend(flood(addr.clone(), 64, stop.clone()).await);
        let alongside = tokio::spawn(flood(addr.clone(), 64, stop.clone()));
        let (status, took) = health(&addr).await;
        assert_eq!(status, 200, "round {round}: /health during the flood answered {status} after {took:?}");
        answered.push(took);
        let (status, _) = exchange(&addr, &initialize(&addr)).await;
        assert!(matches!(status, 503 | 0), "round {round}: /mcp beyond the cap answered {status}");
        refused_503 += usize::from(status == 503);
        flooding.extend(alongside.await.unwrap());
    }
    answered.sort();
    eprintln!(
        "edge figures: {} flooding connections against a cap of 32; /health answered 200 {rounds} times out of \
         {rounds} (median {:?}, worst {:?}); /mcp refused {rounds} times ({refused_503} with a 503)",
        flooding.len(),
        answered[answered.len() / 2],
        answered[answered.len() - 1],
    );
    assert!(refused_503 > 0, "a refused /mcp request is told why with a 503");
    stop.cancel();
    for handle in flooding {
        handle.await.unwrap();
    }
    // The flood's connections are gone: the cap frees up and ordinary requests get through again.
    let metrics = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            // Refused with a 503, or closed unanswered, while the cap is still full.
            if let Ok(answer) = reqwest::get(format!("{}/metrics", server.base)).await
                && answer.status() == 200
            {
                return answer.text().await.unwrap();
            }
        }
    })
    .await
    .expect("the cap frees up once the flood ends");
    let refusals = metrics
        .lines()
        .find_map(|line| line.strip_prefix(r#"hostaway_mcp_refused_requests_total{reason="too_many_connections"} "#))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    assert!(refusals >= rounds, "every refused /mcp request is counted: {refusals}");
}

#[tokio::test]
async fn a_stalled_body_is_cut_off_by_the_idle_timeout_but_a_quiet_session_stays_up() {
    let server = Server::spawn(&["--idle-timeout-secs", "1"], None).await;
    let addr = server.addr.clone();
    let client = mcp::connect(&format!("{}/mcp", server.base)).await;

    let mut stalled = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n{{\"jsonrpc\""
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let closed = closed_within(stalled, Duration::from_secs(5)).await.map(|at| at.duration_since(started));
    eprintln!("edge figures: a request body stalled after its headers was cut off after {closed:?} (idle timeout 1 s)");
    assert!(closed.is_some_and(|t| t >= Duration::from_millis(900) && t < Duration::from_secs(3)), "{closed:?}");

    // The session's event stream is pinged more often than the idle timeout, so it outlives it.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let tools = client.list_all_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "search_listings"));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn delete_ends_a_session_with_a_200_as_the_python_sdk_expects_and_a_second_delete_is_a_404() {
    let server = Server::spawn(&[], None).await;
    let url = format!("{}/mcp", server.base);
    let opened = mcp::post(&url).json(&mcp::initialize_request()).send().await.unwrap();
    assert_eq!(opened.status(), 200);
    let id = opened.headers()["mcp-session-id"].to_str().unwrap().to_string();
    let delete = |id: &str| {
        reqwest::Client::new()
            .delete(&url)
            .header("mcp-session-id", id)
            .header("mcp-protocol-version", "2025-06-18")
            .send()
    };
    assert_eq!(delete(&id).await.unwrap().status(), 200, "the Python SDK accepts only 200 or 204 here");
    assert_eq!(delete(&id).await.unwrap().status(), 404, "the session was already ended");
    assert_eq!(delete("no-such-session").await.unwrap().status(), 404, "an unknown session");
    let ping = json!({"jsonrpc": "2.0", "id": 2, "method": "ping"});
    let after = mcp::post(&url)
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
    assert_eq!(
        mcp::post(&mcp).header(HOST, "evil.example").json(&mcp::initialize_request()).send().await.unwrap().status(),
        403
    );
    assert_eq!(
        mcp::post(&mcp)
            .header(ORIGIN, "https://evil.example")
            .json(&mcp::initialize_request())
            .send()
            .await
            .unwrap()
            .status(),
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
        let answer = mcp::post(&mcp)
            .header(AUTHORIZATION, format!("{scheme} {TOKEN}"))
            .json(&mcp::initialize_request())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{scheme}");
        let metrics = reqwest::Client::new()
            .get(format!("{}/metrics", server.base))
            .header(AUTHORIZATION, format!("{scheme} {TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(metrics.status(), 200, "{scheme} on /metrics");
    }
    let basic = mcp::post(&mcp)
        .header(AUTHORIZATION, format!("Basic {TOKEN}"))
        .json(&mcp::initialize_request())
        .send()
        .await
        .unwrap();
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
        let answer = client.post(&mcp).json(&mcp::initialize_request()).send().await.unwrap();
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
