//! What the end-to-end benches share: the release binary as a child process, rmcp clients, the
//! typical call mix and the figures' arithmetic.
#![allow(dead_code)]

use std::{
    process::Stdio,
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::Utc;
use hostaway_mcp::sandbox::{RateLimits, Sandbox, SandboxConfig};
use rmcp::{
    RoleClient, ServiceExt,
    model::{CallToolRequestParams, ClientCapabilities, ClientConfig, Implementation},
    service::RunningService,
    transport::StreamableHttpClientTransport,
};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

pub type Client = RunningService<RoleClient, ClientConfig>;

/// The server under test, as a child process.
pub struct Server {
    pub child: tokio::process::Child,
    pub url: String,
    pub started: Instant,
}

#[derive(Clone, Copy)]
pub struct Setup {
    pub real_limits: bool,
    pub cache: bool,
}

pub async fn spawn(sandbox: &Sandbox, setup: Setup) -> Server {
    spawn_with(sandbox, setup, &[]).await
}

/// The same with extra environment variables.
pub async fn spawn_with(sandbox: &Sandbox, setup: Setup, env: &[(&str, &str)]) -> Server {
    let limit = |real: u32| if setup.real_limits { real.to_string() } else { "0".to_string() };
    let started = Instant::now();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hostaway-mcp"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("HOSTAWAY_BASE_URL", sandbox.base_url())
        .env("HOSTAWAY_ACCOUNT_ID", sandbox.account_id().to_string())
        .env("HOSTAWAY_SECRET_KEY", sandbox.secret_key())
        .env("HOSTAWAY_NO_TOKEN_FILE", "1")
        .env("RATE_LIMIT_IP", limit(15))
        .env("RATE_LIMIT_ACCOUNT", limit(20))
        .env("NO_CACHE", if setup.cache { "0" } else { "1" })
        .env("HOSTAWAY_DEADLINE_SECS", "600")
        .env("MCP_MAX_SESSIONS", "500")
        // The bench drives thousands of calls per session on purpose: no per-client quota, and
        // the tool deadline as long as the upstream one.
        .env("MCP_CLIENT_CALLS_PER_MINUTE", "0")
        .env("MCP_TOOL_DEADLINE_SECS", "600")
        .env("LOG_LEVEL", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the release binary starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
    let mut url = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(found) = line.split_whitespace().find(|w| w.starts_with("http://") && w.ends_with("/mcp")) {
            url = found.to_string();
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Server { child, url, started }
}

impl Server {
    pub fn rss_mib(&self) -> f64 {
        let pid = self.child.id().unwrap_or(0);
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let kib: f64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0.0);
        kib / 1024.0
    }
}

pub async fn connect(url: &str) -> Client {
    let info = ClientConfig::new(ClientCapabilities::default(), Implementation::new("bench", "1"));
    info.serve(StreamableHttpClientTransport::from_uri(url.to_string())).await.expect("client connects")
}

/// Ids a typical session works with.
#[derive(Clone)]
pub struct Portfolio {
    pub listings: Vec<i64>,
    pub reservations: Vec<i64>,
}

pub const CITIES: [&str; 5] = ["Berlin", "Munich", "Lisbon", "Porto", "Barcelona"];

/// The i-th call of a typical read mix, with arguments that vary so the cache does not answer all.
pub fn typical(i: usize, p: &Portfolio) -> (&'static str, Value) {
    let today = Utc::now().date_naive();
    let day = |n: usize| (today + chrono::Duration::days(n as i64)).to_string();
    let listing = p.listings[i % p.listings.len()];
    match i % 6 {
        0 => ("search_listings", json!({"city": CITIES[i % CITIES.len()]})),
        1 => ("get_listing", json!({"listing_id": listing})),
        2 => ("get_calendar", json!({"listing_id": listing, "start_date": day(i % 30), "end_date": day(i % 30 + 30)})),
        3 => ("search_reservations", json!({"arrival_start_date": day(i % 20), "arrival_end_date": day(i % 20 + 7)})),
        4 => (
            "quote_stay",
            json!({"listing_id": listing, "check_in": day(40 + i % 30), "check_out": day(43 + i % 30), "guests": 2}),
        ),
        _ => ("get_reservation", json!({"reservation_id": p.reservations[i % p.reservations.len()]})),
    }
}

pub async fn call(client: &Client, tool: &'static str, args: Value) -> Result<Value, String> {
    let request = CallToolRequestParams::new(tool).with_arguments(args.as_object().cloned().unwrap_or_default());
    match tokio::time::timeout(Duration::from_secs(600), client.call_tool(request)).await {
        Err(_) => Err(format!("{tool} hung")),
        Ok(Err(e)) => Err(format!("{tool}: {e}")),
        Ok(Ok(result)) if result.is_error == Some(true) => Err(format!("{tool}: tool error")),
        Ok(Ok(result)) => Ok(result.structured_content.unwrap_or(Value::Null)),
    }
}

pub struct Load {
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
    pub errors: usize,
}

pub async fn load(url: &str, sessions: usize, calls: usize, p: &Portfolio) -> Load {
    let clients = open_sessions(url, sessions).await;
    let per = calls.div_ceil(sessions);
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .iter()
        .enumerate()
        .map(|(s, client)| {
            let (client, p) = (client.clone(), p.clone());
            tokio::spawn(async move {
                let mut out = (Vec::with_capacity(per), 0);
                for k in 0..per {
                    let (tool, args) = typical(s * 7919 + k, &p);
                    let t = Instant::now();
                    match call(&client, tool, args).await {
                        Ok(_) => out.0.push(t.elapsed()),
                        Err(_) => out.1 += 1,
                    }
                }
                out
            })
        })
        .collect();
    let mut result = Load { latencies: Vec::new(), elapsed: Duration::ZERO, errors: 0 };
    for task in tasks {
        let (latencies, errors) = task.await.unwrap_or_default();
        result.latencies.extend(latencies);
        result.errors += errors;
    }
    result.elapsed = started.elapsed();
    close_sessions(clients).await;
    result
}

/// One task per session calling the typical mix until `deadline`: session `s` makes calls
/// `s * stride + first`, `+ 1`, …, one per `pace` tick when given, else back to back. Each task
/// yields its answered and failed calls.
pub fn mix_until(
    clients: &[Arc<Client>],
    p: &Portfolio,
    deadline: Instant,
    stride: usize,
    first: usize,
    pace: Option<Duration>,
) -> Vec<tokio::task::JoinHandle<(usize, usize)>> {
    clients
        .iter()
        .enumerate()
        .map(|(s, client)| {
            let (client, p) = (client.clone(), p.clone());
            tokio::spawn(async move {
                let mut tick = pace.map(tokio::time::interval);
                let (mut ok, mut errors, mut k) = (0, 0, 0);
                while Instant::now() < deadline {
                    if let Some(tick) = &mut tick {
                        tick.tick().await;
                    }
                    let (tool, args) = typical(s * stride + first + k, &p);
                    match call(&client, tool, args).await {
                        Ok(_) => ok += 1,
                        Err(_) => errors += 1,
                    }
                    k += 1;
                }
                (ok, errors)
            })
        })
        .collect()
}

/// `n` sessions on `url`, opened at once.
pub async fn open_sessions(url: &str, n: usize) -> Vec<Arc<Client>> {
    let url = url.to_string();
    futures_join(n, move |_| {
        let url = url.clone();
        async move { connect(&url).await }
    })
    .await
    .into_iter()
    .map(Arc::new)
    .collect()
}

/// Ends the sessions no task holds any more.
pub async fn close_sessions(clients: Vec<Arc<Client>>) {
    for client in clients {
        if let Ok(client) = Arc::try_unwrap(client) {
            let _ = client.cancel().await;
        }
    }
}

pub async fn futures_join<T, F, Fut>(n: usize, make: F) -> Vec<T>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = (0..n).map(|i| tokio::spawn(make(i))).collect();
    let mut out = Vec::with_capacity(n);
    for handle in handles {
        out.push(handle.await.expect("task ran"));
    }
    out
}

pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

pub fn sandbox_config(real_limits: bool) -> SandboxConfig {
    let limits = if real_limits {
        RateLimits::default()
    } else {
        RateLimits { per_ip: 0, per_account: 0, window: Duration::from_secs(10) }
    };
    SandboxConfig { limits, ..SandboxConfig::default() }
}

pub async fn portfolio(sandbox: &Sandbox) -> Portfolio {
    sandbox.inspect(|s| Portfolio {
        listings: s.listings.keys().copied().collect(),
        reservations: s.reservations.keys().copied().step_by(7).collect(),
    })
}

pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("MemTotal"))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    format!("{cores} cores ({cpu}), {mem:.0} GiB RAM, Linux")
}
