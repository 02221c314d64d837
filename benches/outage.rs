//! What an outage of Hostaway costs through a real MCP client: how fast the release binary starts
//! and answers `initialize` + `tools/list` while Hostaway is healthy, slow, hanging or unreachable,
//! and how fast reads answer from their last good copy (and a confirmed write is refused) once the
//! circuit is open, next to the same reads while Hostaway answers. Prints a markdown section for
//! docs/BENCHMARKS.md.
//!
//! `cargo bench --bench outage` (well under a minute once built).

mod driver;

use std::{
    net::TcpListener,
    time::{Duration, Instant},
};

use chrono::Utc;
use driver::{Setup, call, connect, machine, percentile, portfolio, sandbox_config, spawn_with};
use hostaway_mcp::sandbox::{FaultPlan, Sandbox};
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

/// Starts per Hostaway condition.
const STARTS: usize = 10;
/// Calls per measured phase of the stale-answer part.
const CALLS: usize = 300;
/// Reservations the stale-answer part rotates.
const RESERVATIONS: usize = 20;
/// The most one start (to the first answer) or one call may take before the bench gives up.
const BOUND: Duration = Duration::from_secs(60);

/// How Hostaway behaves while the server starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Condition {
    Healthy,
    Slow,
    Hanging,
    Unreachable,
}

impl Condition {
    fn label(self) -> &'static str {
        match self {
            Self::Healthy => "healthy (sandbox)",
            Self::Slow => "slow (sandbox, +2,000 ms per request)",
            Self::Hanging => "hanging (port takes connections, never answers)",
            Self::Unreachable => "unreachable (connection refused)",
        }
    }
}

/// One start's figures.
struct Start {
    to_endpoint: Duration,
    to_tools: Duration,
    to_answer: Option<Duration>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and max of `values`, in ms.
fn median_max(values: &mut [Duration]) -> String {
    values.sort();
    let max = values.last().copied().unwrap_or_default();
    format!("{:.1} | {:.1}", percentile(values, 0.5), ms(max))
}

/// p50, p95, p99 and max of `values`, in ms.
fn spread(values: &mut [Duration]) -> String {
    values.sort();
    let max = values.last().copied().unwrap_or_default();
    format!(
        "{:.2} | {:.2} | {:.2} | {:.2}",
        percentile(values, 0.5),
        percentile(values, 0.95),
        percentile(values, 0.99),
        ms(max)
    )
}

/// Spawns the server against Hostaway in `condition` (reached at `base_url` when given) and
/// times it to its endpoint line, to `initialize` + `tools/list`, and (when `answer`) to its first
/// tool answer.
async fn start_once(sandbox: &Sandbox, base_url: Option<&str>, answer: bool) -> Start {
    let env: Vec<(&str, &str)> = base_url.map(|url| vec![("HOSTAWAY_BASE_URL", url)]).unwrap_or_default();
    let server = spawn_with(sandbox, Setup { real_limits: false, cache: true }, &env).await;
    let to_endpoint = server.started.elapsed();
    assert!(!server.url.is_empty(), "the server printed its endpoint");
    let open = Instant::now();
    let client = tokio::time::timeout(BOUND, connect(&server.url)).await.expect("initialize is answered");
    let tools = tokio::time::timeout(BOUND, client.list_all_tools())
        .await
        .expect("tools/list is answered in time")
        .expect("tools/list is answered");
    let to_tools = open.elapsed();
    assert!(tools.len() >= 30, "{} tools", tools.len());
    let to_answer = if answer {
        call(&client, "search_listings", json!({"limit": 1})).await.expect("the first tool call is answered");
        Some(server.started.elapsed())
    } else {
        None
    };
    let _ = client.cancel().await;
    drop(server);
    Start { to_endpoint, to_tools, to_answer }
}

/// `count` calls of `tool`, each with the arguments `args(i)`: their latencies, how many were
/// not answered, and how many answers had (`want_stale`) or lacked (otherwise) the `stale` mark
/// against the expectation.
async fn phase(
    client: &driver::Client,
    tool: &'static str,
    count: usize,
    want_stale: bool,
    args: impl Fn(usize) -> Value,
) -> (Vec<Duration>, usize, usize) {
    let (mut latencies, mut errors, mut off) = (Vec::with_capacity(count), 0, 0);
    for i in 0..count {
        let started = Instant::now();
        match call(client, tool, args(i)).await {
            Ok(answer) => {
                latencies.push(started.elapsed());
                if answer.get("stale").is_some() != want_stale {
                    off += 1;
                }
            }
            Err(_) => errors += 1,
        }
    }
    (latencies, errors, off)
}

/// The text of a tool's answer and whether it is an error, with the time it took.
async fn call_text(client: &driver::Client, tool: &'static str, args: Value) -> (Duration, bool, String) {
    let request = CallToolRequestParams::new(tool).with_arguments(args.as_object().cloned().unwrap_or_default());
    let started = Instant::now();
    let result = tokio::time::timeout(BOUND, client.call_tool(request))
        .await
        .expect("the call is answered in time")
        .expect("the call is answered");
    let took = started.elapsed();
    let text = result.content.first().and_then(|c| c.as_text()).map(|t| t.text.clone()).unwrap_or_default();
    (took, result.is_error == Some(true), text)
}

#[tokio::main]
async fn main() {
    let mut report = String::new();
    let out = |report: &mut String, line: String| {
        println!("{line}");
        report.push_str(&line);
        report.push('\n');
    };
    let begun = Instant::now();
    out(&mut report, "## Outages and start-up".into());
    out(&mut report, String::new());
    out(
        &mut report,
        format!(
            "Command: `cargo bench --bench outage` (release build). Machine: {}. Date: {}.",
            machine(),
            Utc::now().format("%Y-%m-%d")
        ),
    );
    out(&mut report, String::new());

    let sandbox = Sandbox::start(sandbox_config(false), "127.0.0.1:0".parse().expect("addr")).await.expect("sandbox");
    let p = portfolio(&sandbox).await;

    // Start-up under each condition.
    out(&mut report, "### Start-up while Hostaway is healthy, slow, hanging or unreachable".into());
    out(&mut report, String::new());
    out(
        &mut report,
        format!(
            "{STARTS} starts per condition (after one start not counted, to warm the page cache); the read cache on. \"Endpoint\": from spawning the process to its endpoint line on stderr (the port is listening). \"initialize + tools/list\": from there to a new rmcp client's `initialize` and `tools/list` answered (target: 100 ms). \"First answer\": from spawning to the first `search_listings {{\"limit\": 1}}` answered, which includes minting a token and the second Hostaway needs before a new token works."
        ),
    );
    out(&mut report, String::new());
    out(&mut report, "| Hostaway | starts | endpoint, median ms | endpoint, max ms | initialize + tools/list, median ms | initialize + tools/list, max ms | first answer, median ms | first answer, max ms |".into());
    out(&mut report, "|---|---:|---:|---:|---:|---:|---:|---:|".into());
    let _ = start_once(&sandbox, None, false).await;
    for condition in [Condition::Healthy, Condition::Slow, Condition::Hanging, Condition::Unreachable] {
        sandbox.set_faults(match condition {
            Condition::Slow => FaultPlan { latency_ms: 2000, ..FaultPlan::default() },
            _ => FaultPlan::default(),
        });
        // Held for the whole condition: bound, listening, never accepted.
        let hanging = TcpListener::bind("127.0.0.1:0").expect("a port for the hanging Hostaway");
        let base_url = match condition {
            Condition::Healthy | Condition::Slow => None,
            Condition::Hanging => Some(format!("http://{}/v1", hanging.local_addr().expect("its address"))),
            Condition::Unreachable => {
                let closed = TcpListener::bind("127.0.0.1:0").expect("a port to close");
                let addr = closed.local_addr().expect("its address");
                drop(closed);
                Some(format!("http://{addr}/v1"))
            }
        };
        let mut starts = Vec::with_capacity(STARTS);
        for _ in 0..STARTS {
            starts.push(start_once(&sandbox, base_url.as_deref(), condition == Condition::Healthy).await);
        }
        drop(hanging);
        let mut endpoint: Vec<_> = starts.iter().map(|s| s.to_endpoint).collect();
        let mut tools: Vec<_> = starts.iter().map(|s| s.to_tools).collect();
        let mut answer: Vec<_> = starts.iter().filter_map(|s| s.to_answer).collect();
        let answer = if answer.is_empty() { "n/a | n/a".to_string() } else { median_max(&mut answer) };
        out(
            &mut report,
            format!(
                "| {} | {STARTS} | {} | {} | {answer} |",
                condition.label(),
                median_max(&mut endpoint),
                median_max(&mut tools)
            ),
        );
    }
    sandbox.set_faults(FaultPlan::default());
    out(&mut report, String::new());

    // Answers from the last good copy.
    let server =
        spawn_with(&sandbox, Setup { real_limits: false, cache: false }, &[("HOSTAWAY_CIRCUIT_COOL_DOWN_SECS", "600")])
            .await;
    let health = server.url.replace("/mcp", "/health");
    let client = connect(&server.url).await;
    let reservations: Vec<i64> = p.reservations.iter().copied().take(RESERVATIONS).collect();
    let get_reservation = |i: usize| json!({"reservation_id": reservations[i % reservations.len()]});
    let unread = |_: usize| json!({});
    for i in 0..reservations.len() {
        call(&client, "get_reservation", get_reservation(i)).await.expect("warm-up get_reservation");
    }
    call(&client, "unread_conversations", json!({})).await.expect("warm-up unread_conversations");

    out(&mut report, "### Reads while Hostaway fails: fresh, the call that opens the circuit, stale".into());
    out(&mut report, String::new());
    out(
        &mut report,
        format!(
            "One server, `NO_CACHE=1` (every fresh read asks Hostaway), `HOSTAWAY_CIRCUIT_FAILURES=3` (the default), `HOSTAWAY_CIRCUIT_COOL_DOWN_SECS=600` (no probe during the run), one session, calls back to back. `get_reservation` rotates {} reservations, each read once before (its last good copy). Fresh: the sandbox healthy. Then every request is answered 500: the first call spends its attempts (1 + 2 retries with backoff from 250 ms) and opens the operation's circuit; the next {CALLS} are answered from the last good copy without sending anything. \"Off\" counts answers without the `stale` mark when it was due (or with it when fresh).",
            reservations.len()
        ),
    );
    out(&mut report, String::new());
    out(
        &mut report,
        "| tool | phase | calls | p50 ms | p95 ms | p99 ms | max ms | errors | off | Hostaway requests |".into(),
    );
    out(&mut report, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|".into());
    let tools: [(&'static str, &dyn Fn(usize) -> Value); 2] =
        [("get_reservation", &get_reservation), ("unread_conversations", &unread)];
    for (tool, args) in tools {
        sandbox.reset_stats();
        let (mut latencies, errors, off) = phase(&client, tool, CALLS, false, args).await;
        let sent = sandbox.stats().total_received();
        out(
            &mut report,
            format!(
                "| {tool} | fresh | {} | {} | {errors} | {off} | {sent} |",
                latencies.len(),
                spread(&mut latencies)
            ),
        );
    }
    sandbox.set_faults(FaultPlan { server_error_rate: 1.0, ..FaultPlan::default() });
    for (tool, args) in tools {
        sandbox.reset_stats();
        let (mut latencies, errors, off) = phase(&client, tool, 1, true, args).await;
        let sent = sandbox.stats().total_received();
        out(
            &mut report,
            format!(
                "| {tool} | first failing call (circuit closed) | {} | {} | {errors} | {off} | {sent} |",
                latencies.len(),
                spread(&mut latencies)
            ),
        );
        sandbox.reset_stats();
        let (mut latencies, errors, off) = phase(&client, tool, CALLS, true, args).await;
        let sent = sandbox.stats().total_received();
        out(
            &mut report,
            format!(
                "| {tool} | stale (circuit open) | {} | {} | {errors} | {off} | {sent} |",
                latencies.len(),
                spread(&mut latencies)
            ),
        );
    }
    let report_health = reqwest::get(&health).await.expect("/health answers").text().await.unwrap_or_default();
    out(&mut report, String::new());
    out(&mut report, format!("`/health` then: `{}`.", report_health.lines().take(2).collect::<Vec<_>>().join(" / ")));
    out(&mut report, String::new());

    // A confirmed write while Hostaway fails.
    out(&mut report, "### A confirmed write while Hostaway fails".into());
    out(&mut report, String::new());
    let today = sandbox.inspect(|s| s.today);
    let night = today + chrono::Duration::days(150);
    let block = json!({
        "listing_id": p.listings[0],
        "start_date": night.to_string(),
        "end_date": (night + chrono::Duration::days(1)).to_string(),
        "confirm": true,
    });
    out(
        &mut report,
        format!(
            "Same server, every request still answered 500: `block_dates` with `confirm: true` on listing {} for the night of {night} (the sandbox's today + 150). The first try's calendar read still has its circuit closed and spends its attempts; the tries after it find that circuit open.",
            p.listings[0]
        ),
    );
    out(&mut report, String::new());
    out(&mut report, "| try | ms | error | Hostaway requests | updateCalendar sent | the answer begins |".into());
    out(&mut report, "|---|---:|---|---:|---:|---|".into());
    let mut later = Vec::new();
    let mut later_errors = 0;
    let mut later_sent = 0;
    for attempt in 0..11 {
        sandbox.reset_stats();
        let (took, is_error, text) = call_text(&client, "block_dates", block.clone()).await;
        let stats = sandbox.stats();
        let sent = stats.total_received();
        let writes = stats.received(hostaway_mcp::hostaway::id::UPDATE_CALENDAR);
        if attempt == 0 {
            let begins: String = text.chars().take(90).collect();
            out(
                &mut report,
                format!(
                    "| first (circuit closed) | {:.1} | {} | {sent} | {writes} | {} |",
                    ms(took),
                    if is_error { "yes" } else { "NO" },
                    begins.replace('|', "\\|").replace('\n', " ")
                ),
            );
        } else {
            later.push(took);
            later_errors += usize::from(is_error);
            later_sent += sent;
            if attempt == 1 {
                let begins: String = text.chars().take(90).collect();
                out(
                    &mut report,
                    format!(
                        "| second (circuit open) | {:.1} | {} | {sent} | {writes} | {} |",
                        ms(took),
                        if is_error { "yes" } else { "NO" },
                        begins.replace('|', "\\|").replace('\n', " ")
                    ),
                );
            }
        }
    }
    later.sort();
    out(&mut report, String::new());
    out(
        &mut report,
        format!(
            "Tries 2 to {}: median {:.2} ms, max {:.2} ms; {later_errors} of {} were errors; {later_sent} requests reached Hostaway.",
            later.len() + 1,
            percentile(&later, 0.5),
            ms(later.last().copied().unwrap_or_default()),
            later.len()
        ),
    );
    let _ = client.cancel().await;
    drop(server);
    out(&mut report, String::new());
    eprintln!("outage bench took {:.1} s", begun.elapsed().as_secs_f64());
}
