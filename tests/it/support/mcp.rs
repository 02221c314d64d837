//! Shared set-up for end-to-end tests: a sandbox, the real MCP server over streamable HTTP on an
//! ephemeral port, and rmcp's own client talking to it.

use std::{sync::Arc, time::Duration};

use hostaway_mcp::{
    clock::Clock,
    hostaway::{Gateway, GatewayConfig, budget::Limits, token::Credentials},
    sandbox::{RateLimits, Sandbox, SandboxConfig},
    secret::Secret,
    server::{HostawayServer, ServerOptions, http},
};
use rmcp::{
    RoleClient, ServiceExt,
    model::{CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig, Implementation},
    service::RunningService,
    transport::StreamableHttpClientTransport,
};
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// A running server with its sandbox and a connected client.
pub struct Harness {
    /// The fake Hostaway behind the server, anchored on the real today.
    pub sandbox: Sandbox,
    /// An MCP client session.
    pub client: RunningService<RoleClient, ClientConfig>,
    /// The server's `/mcp` URL.
    pub url: String,
    stop: Option<oneshot::Sender<()>>,
    /// Each tool's output schema as listed, read on the first successful call.
    output_schemas: tokio::sync::OnceCell<std::collections::HashMap<String, Value>>,
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The clock every test runs on: the real time, or the moment in `HOSTAWAY_MCP_CLOCK` (RFC 3339)
/// when set, so the whole suite, spawned binaries included, can be run as if on another date.
pub fn clock() -> Clock {
    let pinned = std::env::var("HOSTAWAY_MCP_CLOCK").ok().filter(|at| !at.is_empty()).map(|at| {
        chrono::DateTime::parse_from_rfc3339(&at)
            .unwrap_or_else(|e| panic!("HOSTAWAY_MCP_CLOCK={at:?} is not RFC 3339: {e}"))
            .to_utc()
    });
    Clock::pinned_or_system(pinned)
}

/// A sandbox anchored on the test clock's today with rate limits off, so tests are fast.
pub fn sandbox_config() -> SandboxConfig {
    SandboxConfig {
        clock: clock(),
        token_activation: Duration::ZERO,
        limits: RateLimits { per_ip: 0, per_account: 0, window: Duration::from_secs(10) },
        ..SandboxConfig::default()
    }
}

/// Gateway settings for `sandbox`: no token file, no activation wait, limits off, fast retries.
pub fn gateway_config(sandbox: &Sandbox) -> GatewayConfig {
    let credentials = Credentials { account_id: sandbox.account_id(), secret: Secret::new(sandbox.secret_key()) };
    let mut config = GatewayConfig::new(sandbox.base_url(), credentials);
    config.token_activation = Duration::ZERO;
    config.limits = Limits { per_ip: 0, per_account: 0, window: Duration::from_secs(10), margin: Duration::ZERO };
    config.min_backoff = Duration::from_millis(10);
    config.max_backoff = Duration::from_millis(50);
    config.deadline = Duration::from_secs(5);
    config.clock = clock();
    config
}

/// Starts everything with default options.
pub async fn start() -> Harness {
    start_with(sandbox_config(), ServerOptions::default()).await
}

/// Starts everything with the given sandbox settings and server options.
pub async fn start_with(config: SandboxConfig, options: ServerOptions) -> Harness {
    start_on(clock(), config, options).await
}

/// Starts everything with sandbox, gateway and server all reading `at` as now (whatever
/// HOSTAWAY_MCP_CLOCK says), for tests about a particular moment such as a midnight.
pub async fn start_at(at: chrono::DateTime<chrono::Utc>) -> Harness {
    let clock = Clock::starting_at(at);
    start_on(clock, SandboxConfig { clock, ..sandbox_config() }, ServerOptions::default()).await
}

async fn start_on(clock: Clock, config: SandboxConfig, options: ServerOptions) -> Harness {
    start_tuned(clock, config, options, |_| {}).await
}

/// Starts everything as [`start_with`] does, with the gateway's settings changed by `tune`.
pub async fn start_tuned(
    clock: Clock,
    config: SandboxConfig,
    options: ServerOptions,
    tune: impl FnOnce(&mut GatewayConfig),
) -> Harness {
    let options = ServerOptions { clock, ..options };
    let sandbox = Sandbox::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut gateway = GatewayConfig { clock, ..gateway_config(&sandbox) };
    tune(&mut gateway);
    let gateway = Arc::new(Gateway::new(gateway).unwrap());
    let server = HostawayServer::new(gateway, options);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel();
    tokio::spawn(http::serve(listener, server, http::HttpOptions::default(), async {
        let _ = stopped.await;
    }));
    let client = connect(&url).await;
    Harness { sandbox, client, url, stop: Some(stop), output_schemas: Default::default() }
}

/// A new MCP client session against `url`.
pub async fn connect(url: &str) -> RunningService<RoleClient, ClientConfig> {
    let info = ClientConfig::new(ClientCapabilities::default(), Implementation::new("hostaway-mcp-tests", "0.0.0"));
    info.serve(StreamableHttpClientTransport::from_uri(url.to_string())).await.unwrap()
}

impl Harness {
    /// Calls `tool` with `arguments` (a JSON object) and returns the raw result. A confirm without
    /// a `preview_token` goes as a client following the flow sends it: after the preview, with
    /// the preview's token.
    pub async fn call(&self, tool: &str, arguments: Value) -> CallToolResult {
        let arguments = previewed(&self.client, tool, arguments).await;
        self.call_as_sent(tool, arguments).await
    }

    /// Calls `tool` with exactly `arguments` and returns the raw result.
    pub async fn call_as_sent(&self, tool: &str, arguments: Value) -> CallToolResult {
        let arguments = arguments.as_object().cloned().expect("arguments are a JSON object");
        self.client.call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(arguments)).await.unwrap()
    }

    /// Calls a tool that must succeed and returns its structured content, checking that the text
    /// block carries the same JSON.
    pub async fn ok(&self, tool: &str, arguments: Value) -> Value {
        let result = self.call(tool, arguments).await;
        assert_ne!(result.is_error, Some(true), "{tool} failed: {}", text(&result));
        let structured =
            result.structured_content.clone().unwrap_or_else(|| panic!("{tool} returned no structuredContent"));
        let copy: Value = serde_json::from_str(&text(&result)).expect("the text block is the same JSON");
        assert_eq!(copy, structured, "{tool}: text and structuredContent differ");
        self.assert_fits_output_schema(tool, &structured).await;
        structured
    }

    /// Checks an answer against the output schema `tools/list` gives for `tool`, with a standard
    /// JSON Schema validator, as clients that check answers do.
    pub async fn assert_fits_output_schema(&self, tool: &str, answer: &Value) {
        let schemas = self
            .output_schemas
            .get_or_init(|| async {
                let tools = self.client.list_all_tools().await.unwrap();
                tools
                    .into_iter()
                    .filter_map(|t| Some((t.name.to_string(), Value::Object((*t.output_schema?).clone()))))
                    .collect()
            })
            .await;
        let schema = schemas.get(tool).unwrap_or_else(|| panic!("{tool} lists no output schema"));
        let validator = jsonschema::validator_for(schema).unwrap_or_else(|e| panic!("{tool}: bad output schema: {e}"));
        let errors: Vec<String> =
            validator.iter_errors(answer).map(|e| format!("{e} at {}", e.instance_path)).collect();
        assert!(errors.is_empty(), "{tool}: the answer does not fit its output schema: {errors:?}");
    }

    /// Calls a tool that must fail as a tool error and returns its message.
    pub async fn err(&self, tool: &str, arguments: Value) -> String {
        let result = self.call(tool, arguments).await;
        assert_eq!(result.is_error, Some(true), "{tool} should have failed: {}", text(&result));
        text(&result)
    }
}

/// `arguments` as a client following the preview-then-confirm flow sends them: a confirm without
/// a `preview_token` gets the one its preview (asked on `peer` now) answers with.
pub async fn previewed(peer: &rmcp::Peer<RoleClient>, tool: &str, arguments: Value) -> Value {
    let mut arguments = arguments.as_object().cloned().expect("arguments are a JSON object");
    if arguments.get("confirm") == Some(&Value::Bool(true)) && !arguments.contains_key("preview_token") {
        let mut previewing = arguments.clone();
        previewing.insert("confirm".into(), Value::Bool(false));
        let request = CallToolRequestParams::new(tool.to_string()).with_arguments(previewing);
        if let Ok(preview) = peer.call_tool(request).await
            && let Some(token) = preview.structured_content.as_ref().and_then(|p| p.get("preview_token"))
        {
            arguments.insert("preview_token".into(), token.clone());
        }
    }
    Value::Object(arguments)
}

/// The text of a result's first content block.
pub fn text(result: &CallToolResult) -> String {
    result.content.first().and_then(|c| c.as_text()).map(|t| t.text.clone()).unwrap_or_default()
}

/// Spawns `command`, a `hostaway-mcp serve` on port 0, and returns it (killed when dropped) with
/// its `/mcp` URL.
pub async fn spawn_serve(command: &mut tokio::process::Command) -> (tokio::process::Child, String) {
    let mut child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let url = endpoint_of(&mut child).await;
    (child, url)
}

/// The `/mcp` URL a spawned `hostaway-mcp serve` prints on stderr; the rest of its stderr is drained.
pub async fn endpoint_of(child: &mut tokio::process::Child) -> String {
    endpoint_and_log(child).await.0
}

/// The same, with the stderr the server goes on writing after that line.
pub async fn endpoint_and_log(child: &mut tokio::process::Child) -> (String, Arc<tokio::sync::Mutex<String>>) {
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stderr));
    let url = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://") && w.ends_with("/mcp")) {
                return url.to_string();
            }
        }
        panic!("no endpoint line")
    })
    .await
    .unwrap();
    let logged = Arc::new(tokio::sync::Mutex::new(String::new()));
    let writing = logged.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            writing.lock().await.push_str(&(line + "\n"));
        }
    });
    (url, logged)
}

/// A listing sleeping at least two with three free nights starting some weeks ahead.
pub fn free_stay(store: &hostaway_mcp::sandbox::store::Store) -> (i64, chrono::NaiveDate, chrono::NaiveDate) {
    for listing in store.listings.values().filter(|l| l.person_capacity.unwrap_or(0) >= 2) {
        for ahead in 30..200 {
            let check_in = store.today + chrono::Duration::days(ahead);
            let check_out = check_in + chrono::Duration::days(3);
            if store.is_free(listing, check_in, check_out, None) {
                return (listing.id, check_in, check_out);
            }
        }
    }
    panic!("no free stay in the sandbox");
}

/// The `hostaway-mcp` binary pointed at `sandbox` as a user would point it at Hostaway: its URL
/// and credentials, no token file, no pacing. The caller adds the command and its flags.
pub fn binary_against(sandbox: &Sandbox) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_hostaway-mcp"));
    command
        .env("HOSTAWAY_BASE_URL", sandbox.base_url())
        .env("HOSTAWAY_ACCOUNT_ID", sandbox.account_id().to_string())
        .env("HOSTAWAY_SECRET_KEY", sandbox.secret_key())
        .env("HOSTAWAY_NO_TOKEN_FILE", "1")
        .env("RATE_LIMIT_IP", "0")
        .env("RATE_LIMIT_ACCOUNT", "0");
    command
}

/// A raw JSON-RPC `initialize` for tests that speak HTTP without an MCP client.
pub fn initialize_request() -> Value {
    serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw-http-test", "version": "1"}}})
}

/// A POST to `/mcp` with the headers streamable HTTP requires.
pub fn post(url: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(url)
        .header(reqwest::header::ACCEPT, "application/json, text/event-stream")
        .header(reqwest::header::CONTENT_TYPE, "application/json")
}

/// An MCP client on the protocol version `info` names that passes on every resource it hears has
/// changed.
#[derive(Clone)]
pub struct Heard {
    pub info: ClientConfig,
    pub uris: tokio::sync::mpsc::UnboundedSender<String>,
}

impl rmcp::ClientHandler for Heard {
    fn get_info(&self) -> ClientConfig {
        self.info.clone()
    }

    async fn on_resource_updated(
        &self,
        params: rmcp::model::ResourceUpdatedNotificationParam,
        _: rmcp::service::NotificationContext<rmcp::RoleClient>,
    ) {
        let _ = self.uris.send(params.uri);
    }
}

/// Registers `url` as the sandbox's unified webhook, through its API, delivering with `login`
/// and `password`.
pub async fn register_webhook(sandbox: &Sandbox, url: &str, login: &str, password: &str) {
    let token = raw_token(sandbox).await;
    let made = reqwest::Client::new()
        .post(format!("{}/webhooks/unifiedWebhooks", sandbox.base_url()))
        .bearer_auth(token)
        .json(&json!({"isEnabled": 1, "url": url, "login": login, "password": password}))
        .send()
        .await
        .unwrap();
    assert!(made.status().is_success());
}

/// A token minted the way Hostaway's docs describe (`POST /accessTokens`, form-encoded), with plain
/// HTTP and no generated types, for tests that read the wire as a person would.
pub async fn raw_token(sandbox: &Sandbox) -> String {
    let minted: Value = reqwest::Client::new()
        .post(format!("{}/accessTokens", sandbox.base_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &sandbox.account_id().to_string()),
            ("client_secret", sandbox.secret_key()),
            ("scope", "general"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    minted["access_token"].as_str().expect("a token").to_string()
}
