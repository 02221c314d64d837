//! The `hostaway-mcp` command.

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};
use hostaway_mcp::{
    accounts,
    clock::Clock,
    config::HostawayArgs,
    hostaway::{Gateway, GatewayConfig, Idempotence, id, token::Credentials},
    sandbox::{FaultPlan, RateLimits, Sandbox, SandboxConfig},
    secret::Secret,
    server::{HostawayServer, ServerOptions, connections::HEALTH_RESERVE, http, open_files},
    shared::{RedisWriteLock, SharedStore},
    tools::{WriteGuard, write_lease_file::FileWriteLock},
};

/// An MCP server for Hostaway, and a Hostaway sandbox to try it on.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Pretend the current time is this RFC 3339 instant (e.g. 2027-02-28T23:30:00Z) and run on
    /// from it: for demos and for testing on a chosen date. Tools, gateway and sandbox all follow it.
    #[arg(long, global = true, env = "HOSTAWAY_MCP_CLOCK")]
    clock: Option<DateTime<Utc>>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the Hostaway simulator alone, as a fake Hostaway at http://<bind>/v1.
    Sandbox(SandboxArgs),
    /// Serve MCP over streamable HTTP at http://<bind>/mcp, with /health and Prometheus /metrics beside it.
    Serve(Box<ServeArgs>),
    /// Serve MCP over stdio (for Claude Desktop, Cursor and other local clients); logs go to stderr.
    Stdio(RunArgs),
    /// Check that Hostaway can be reached with the configured credentials: always mints a token, so
    /// a wrong secret fails here even while an older token would still work.
    Check(CheckArgs),
    /// Hostaway's unified webhook, which keeps `serve`'s answers fresh: register it or see how it does.
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
}

#[derive(Debug, Subcommand)]
enum WebhooksCommand {
    /// Make <URL> the account's unified webhook with the configured login and password (creates it,
    /// or updates the webhook that has the URL, enabling it again); safe to run again.
    Register(RegisterArgs),
    /// Show the unified webhooks Hostaway holds and their latest deliveries.
    Status(WebhookStatusArgs),
}

#[derive(Debug, Args)]
struct RegisterArgs {
    #[command(flatten)]
    hostaway: HostawayArgs,
    /// The receiver's public URL, as Hostaway will call it: https://<your host>/webhooks/hostaway.
    #[arg(long)]
    url: String,
    #[command(flatten)]
    auth: WebhookAuthArgs,
}

#[derive(Debug, Args)]
struct WebhookStatusArgs {
    #[command(flatten)]
    hostaway: HostawayArgs,
    /// The login `serve` expects, to mark its webhook.
    #[arg(long, env = "HOSTAWAY_WEBHOOK_LOGIN", hide_env_values = true)]
    webhook_login: Option<String>,
}

#[derive(Debug, Args)]
struct WebhookAuthArgs {
    /// Basic auth login Hostaway's unified webhooks send; with --webhook-password it turns on the
    /// receiver at /webhooks/hostaway (see `hostaway-mcp webhooks`).
    #[arg(long, env = "HOSTAWAY_WEBHOOK_LOGIN", hide_env_values = true)]
    webhook_login: Option<String>,
    /// Basic auth password Hostaway's unified webhooks send (at least 16 characters).
    #[arg(long, env = "HOSTAWAY_WEBHOOK_PASSWORD", hide_env_values = true)]
    webhook_password: Option<String>,
}

impl WebhookAuthArgs {
    /// The login and password: both or neither.
    fn pair(&self) -> anyhow::Result<Option<(Secret, Secret)>> {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        match (given(&self.webhook_login), given(&self.webhook_password)) {
            (None, None) => Ok(None),
            (Some(login), Some(password)) => {
                anyhow::ensure!(
                    password.chars().count() >= 16,
                    "HOSTAWAY_WEBHOOK_PASSWORD is too short; use at least 16 random characters (e.g. openssl rand -hex 16)"
                );
                Ok(Some((Secret::new(login), Secret::new(password))))
            }
            _ => anyhow::bail!(
                "set both HOSTAWAY_WEBHOOK_LOGIN and HOSTAWAY_WEBHOOK_PASSWORD (or neither): the webhook receiver needs both"
            ),
        }
    }
}

#[derive(Debug, Clone, Args)]
struct RunArgs {
    #[command(flatten)]
    hostaway: HostawayArgs,
    /// Run against an embedded Hostaway sandbox with seeded data instead of a real account.
    #[arg(long, env = "HOSTAWAY_SANDBOX", value_parser = clap::builder::FalseyValueParser::new())]
    sandbox: bool,
    /// Offer only tools that read; tools that change the account are not listed at all.
    #[arg(long, env = "READ_ONLY", value_parser = clap::builder::FalseyValueParser::new())]
    read_only: bool,
    /// Offer only these toolsets, comma-separated: listings, calendar, reservations, messaging, finance, reviews,
    /// operations.
    #[arg(long, env = "MCP_TOOLSETS", value_delimiter = ',')]
    toolsets: Vec<String>,
    /// Let get_listing and get_reservation return door codes and Wi-Fi credentials (e.g. to send
    /// check-in instructions), and update_reservation set a booking's door details. Off by default:
    /// the model never sees nor writes them.
    #[arg(long, env = "EXPOSE_ACCESS_CODES", value_parser = clap::builder::FalseyValueParser::new())]
    expose_access_codes: bool,
    /// How long one tool call may take in all, Hostaway waits and retries included, in seconds. A
    /// tool that pages stops there and answers what it has, marked incomplete.
    #[arg(long, env = "MCP_TOOL_DEADLINE_SECS", default_value_t = 60)]
    tool_deadline_secs: u64,
    /// Tool calls a minute one HTTP client may make (its MCP session, else its address), in bursts
    /// of a quarter of that, so a runaway client cannot take the whole Hostaway budget; 0 = no
    /// quota. stdio has a single client and no quota.
    #[arg(long, env = "MCP_CLIENT_CALLS_PER_MINUTE", default_value_t = hostaway_mcp::server::CLIENT_CALLS_PER_MINUTE)]
    client_calls_per_minute: u32,
    /// How long a write's preview can be confirmed, in seconds.
    #[arg(long, env = "MCP_PREVIEW_LIFETIME_SECS", default_value_t = 900)]
    preview_lifetime_secs: u64,
}

impl RunArgs {
    /// The server options, refusing unknown toolset names.
    fn server_options(&self, clock: Clock) -> anyhow::Result<ServerOptions> {
        let known: Vec<&str> = hostaway_mcp::tools::TOOLSETS.iter().map(|set| set.name).collect();
        let toolsets: Vec<String> =
            self.toolsets.iter().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect();
        if let Some(unknown) = toolsets.iter().find(|s| !known.contains(&s.as_str())) {
            anyhow::bail!("unknown toolset {unknown:?} in MCP_TOOLSETS / --toolsets; choose from {}", known.join(", "));
        }
        if self.tool_deadline_secs == 0 {
            anyhow::bail!("MCP_TOOL_DEADLINE_SECS / --tool-deadline-secs must be at least 1 second");
        }
        Ok(ServerOptions {
            read_only: self.read_only,
            toolsets,
            expose_access_codes: self.expose_access_codes,
            clock,
            tool_deadline: Duration::from_secs(self.tool_deadline_secs),
            client_calls_per_minute: self.client_calls_per_minute,
            preview_lifetime: Duration::from_secs(self.preview_lifetime_secs.max(1)),
        })
    }
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Address to listen on. A non-loopback address needs an auth token.
    #[arg(long, env = "MCP_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Bearer token clients must send on /mcp (required beyond loopback). Prefer the env var or a file.
    #[arg(long, env = "MCP_AUTH_TOKEN", hide_env_values = true)]
    auth_token: Option<String>,
    /// File holding the bearer token (first line), instead of --auth-token.
    #[arg(long, env = "MCP_AUTH_TOKEN_FILE", conflicts_with = "auth_token")]
    auth_token_file: Option<std::path::PathBuf>,
    /// OAuth authorization server (its issuer identifier) whose JWT access tokens /mcp takes, instead
    /// of a fixed token; needs --public-url. Remote clients (claude.ai, ChatGPT) connect this way.
    #[arg(long, env = "MCP_OAUTH_ISSUER", conflicts_with_all = ["auth_token", "auth_token_file"], requires = "public_url")]
    oauth_issuer: Option<String>,
    /// The MCP endpoint's URL as clients reach it, e.g. https://mcp.example.com/mcp: the audience
    /// access tokens must name, and where protected resource metadata points.
    #[arg(long, env = "MCP_PUBLIC_URL", requires = "oauth_issuer")]
    public_url: Option<String>,
    /// TOML file of the Hostaway accounts this server serves and who reaches each (by OAuth token
    /// subject or email); needs --oauth-issuer. Without it, the one account of HOSTAWAY_ACCOUNT_ID.
    #[arg(long, env = "MCP_ACCOUNTS_FILE", requires = "oauth_issuer")]
    accounts: Option<PathBuf>,
    /// Host names to accept besides loopback (e.g. the public name behind a reverse proxy), comma-separated.
    #[arg(long, env = "MCP_ALLOWED_HOSTS", value_delimiter = ',')]
    allowed_hosts: Vec<String>,
    /// Browser origins to accept besides loopback ones, comma-separated (e.g. https://app.example.com).
    #[arg(long, env = "MCP_ALLOWED_ORIGINS", value_delimiter = ',')]
    allowed_origins: Vec<String>,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "MCP_MAX_BODY_BYTES", default_value_t = 1 << 20)]
    max_body_bytes: usize,
    /// Sessions open at once; a new session beyond this gets 503.
    #[arg(long, env = "MCP_MAX_SESSIONS", default_value_t = 100)]
    max_sessions: usize,
    #[command(flatten)]
    webhook: WebhookAuthArgs,
    /// How often, in seconds, to ask Hostaway whether the unified webhook is enabled and delivering.
    #[arg(long, env = "HOSTAWAY_WEBHOOK_CHECK_SECS", default_value_t = 60)]
    webhook_check_secs: u64,
    /// Seconds without an event after which failed deliveries in Hostaway's log bring back the short
    /// cache times.
    #[arg(long, env = "HOSTAWAY_WEBHOOK_QUIET_SECS", default_value_t = 300)]
    webhook_quiet_secs: u64,
    /// Close a session after this many seconds without activity.
    #[arg(long, env = "MCP_SESSION_IDLE_SECS", default_value_t = 300)]
    session_idle_secs: u64,
    /// Seconds a client has to send a request's headers, from its connection's opening or the end of
    /// its previous response, and then its body (plus a second per KiB sent); slower clients (and
    /// idle keep-alive connections) are disconnected.
    #[arg(long, env = "MCP_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    header_read_timeout_secs: u64,
    /// Close a connection after waiting this many seconds on its client without a byte moving: a
    /// stalled request body, or a client that stopped reading its answer (slow tool calls never count).
    #[arg(long, env = "MCP_IDLE_TIMEOUT_SECS", default_value_t = 60)]
    idle_timeout_secs: u64,
    /// Connections open at once; beyond them only GET /health is answered (from a reserve of 64),
    /// anything else gets 503 and is closed. By default half the open-file limit (raised to the hard
    /// limit at start-up), between 64 and 16384; if set, keep it under that limit with room for calls
    /// to Hostaway.
    #[arg(long, env = "MCP_MAX_CONNECTIONS")]
    max_connections: Option<usize>,
    /// Connections one client address may hold while they carry no request (not yet sent in full,
    /// or idle between requests); more from that address are refused like connections beyond the
    /// cap, so one client cannot take every place. Behind a proxy every client has its address:
    /// keep this above the proxy's idle upstream connections.
    #[arg(long, env = "MCP_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 64)]
    max_connections_per_address: usize,
    /// On SIGTERM or Ctrl-C, how long in-flight calls may take to finish before the server exits.
    #[arg(long, env = "MCP_DRAIN_SECS", default_value_t = 20)]
    drain_secs: u64,
}

impl ServeArgs {
    /// The endpoint's protection, refusing a public bind without a token; without
    /// `--max-connections`, the connection cap follows `open_files`, the process's open-file limit.
    fn http_options(&self, open_files: Option<u64>) -> anyhow::Result<http::HttpOptions> {
        let token = match (&self.auth_token, &self.auth_token_file) {
            (Some(token), _) => Some(token.trim().to_string()),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read --auth-token-file {}", path.display()))?;
                Some(text.lines().next().unwrap_or_default().trim().to_string())
            }
            (None, None) => None,
        }
        .filter(|t| !t.is_empty());
        if let Some(token) = &token {
            anyhow::ensure!(
                token.len() >= 16,
                "the auth token is too short; use at least 16 random characters (e.g. openssl rand -hex 32)"
            );
        }
        let oauth = self.oauth_issuer.as_ref().zip(self.public_url.as_ref()).map(|(issuer, public_url)| {
            http::OAuthOptions::new(issuer.trim_end_matches('/'), public_url.trim_end_matches('/'))
        });
        if let Some(oauth) = &oauth {
            for (flag, url) in [("--oauth-issuer", &oauth.issuer), ("--public-url", &oauth.public_url)] {
                anyhow::ensure!(
                    url.starts_with("https://") || is_loopback_url(url),
                    "{flag} {url} must be an https URL (plain http only for a loopback host)"
                );
            }
        }
        anyhow::ensure!(
            self.bind.ip().is_loopback() || token.is_some() || oauth.is_some(),
            "--bind {} is not a loopback address: set MCP_AUTH_TOKEN (or --auth-token-file), or MCP_OAUTH_ISSUER with MCP_PUBLIC_URL, so the endpoint is not open to anyone who can reach it",
            self.bind
        );
        Ok(http::HttpOptions {
            auth_token: token.map(Secret::new),
            oauth,
            allowed_hosts: self.allowed_hosts.clone(),
            allowed_origins: self.allowed_origins.clone(),
            max_body_bytes: self.max_body_bytes,
            max_sessions: self.max_sessions.max(1),
            session_idle: Duration::from_secs(self.session_idle_secs.max(1)),
            connections: http::ConnectionLimits {
                header_read_timeout: Duration::from_secs(self.header_read_timeout_secs.max(1)),
                idle_timeout: Duration::from_secs(self.idle_timeout_secs.max(1)),
                max_connections: self.max_connections.unwrap_or_else(|| open_files::connection_cap(open_files)).max(1),
                max_connections_per_address: self.max_connections_per_address.max(1),
            },
            shared: None,
            webhook: self.webhook.pair()?.map(|(login, password)| http::WebhookOptions {
                check_every: Duration::from_secs(self.webhook_check_secs.max(1)),
                quiet: Duration::from_secs(self.webhook_quiet_secs.max(1)),
                ..http::WebhookOptions::new(login, password)
            }),
        })
    }
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    hostaway: HostawayArgs,
    /// Check against an embedded sandbox instead of Hostaway (no account needed).
    #[arg(long, env = "HOSTAWAY_SANDBOX", value_parser = clap::builder::FalseyValueParser::new())]
    sandbox: bool,
}

#[derive(Debug, Args)]
struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, env = "SANDBOX_BIND", default_value = "127.0.0.1:8090")]
    bind: SocketAddr,
    /// Seed of the generated account.
    #[arg(long, env = "SANDBOX_SEED", default_value_t = 42)]
    seed: u64,
    /// Date the data is anchored on (YYYY-MM-DD); today when absent.
    #[arg(long, env = "SANDBOX_TODAY")]
    today: Option<NaiveDate>,
    /// Listings in the account (at least the 24 seeded ones), to try a large portfolio.
    #[arg(long, env = "SANDBOX_LISTINGS", default_value_t = hostaway_mcp::sandbox::seed::SEEDED_LISTINGS)]
    listings: usize,
    /// Requests per window allowed from one IP (0 = no limit).
    #[arg(long, env = "SANDBOX_RATE_LIMIT_IP", default_value_t = 15)]
    rate_limit_ip: u32,
    /// Requests per window allowed for the account (0 = no limit).
    #[arg(long, env = "SANDBOX_RATE_LIMIT_ACCOUNT", default_value_t = 20)]
    rate_limit_account: u32,
    /// Rate-limit window in seconds.
    #[arg(long, env = "SANDBOX_RATE_WINDOW_SECS", default_value_t = 10)]
    rate_window_secs: u64,
    /// Faults from the start, as the JSON of `PUT /_sandbox/faults`, e.g. '{"latency_ms":150}'.
    #[arg(long, env = "SANDBOX_FAULTS")]
    faults: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter = hostaway_mcp::config::log_filter(std::env::var("LOG_LEVEL").ok().as_deref());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        logs.json().init();
    } else {
        logs.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).init();
    }
    let cli = Cli::parse();
    let clock = Clock::pinned_or_system(cli.clock);
    match cli.command {
        Command::Sandbox(args) => run_sandbox(args, clock).await,
        Command::Check(args) => check(args, clock).await,
        Command::Serve(args) => serve(*args, clock).await,
        Command::Stdio(args) => stdio(args, clock).await,
        Command::Webhooks(command) => webhooks(command, clock).await,
    }
}

/// `hostaway-mcp webhooks register|status`.
async fn webhooks(command: WebhooksCommand, clock: Clock) -> anyhow::Result<()> {
    use hostaway_mcp::webhook_admin::{self, Registered};
    let hostaway = match &command {
        WebhooksCommand::Register(args) => &args.hostaway,
        WebhooksCommand::Status(args) => &args.hostaway,
    };
    let config = GatewayConfig { clock, ..hostaway.gateway_config()? };
    let base_url = config.base_url.clone();
    let gateway = Gateway::new(config)?;
    match command {
        WebhooksCommand::Register(args) => {
            let Some((login, password)) = args.auth.pair()? else {
                anyhow::bail!(
                    "set HOSTAWAY_WEBHOOK_LOGIN and HOSTAWAY_WEBHOOK_PASSWORD (as `serve` will have them) before registering"
                );
            };
            let done = webhook_admin::register(&gateway, &args.url, &login, &password)
                .await
                .with_context(|| format!("cannot register the webhook at {base_url}"))?;
            match done {
                Registered::Created(id) => {
                    println!("Created unified webhook #{id}: Hostaway delivers to {}.", args.url)
                }
                Registered::Updated(id) => {
                    println!("Updated unified webhook #{id}: enabled, delivering to {} with this login.", args.url)
                }
            }
        }
        WebhooksCommand::Status(args) => {
            let login = args.webhook_login.filter(|l| !l.trim().is_empty()).map(Secret::new);
            let shown = webhook_admin::status(&gateway, login.as_ref())
                .await
                .with_context(|| format!("cannot read the webhooks at {base_url}"))?;
            print!("{shown}");
        }
    }
    Ok(())
}

/// The gateway the server uses, the embedded sandbox behind it when asked for, and the Redis it
/// shares with other replicas when given one.
async fn connect(args: &RunArgs, clock: Clock) -> anyhow::Result<(Arc<Gateway>, Option<Sandbox>, Option<SharedStore>)> {
    let (mut config, sandbox) = if args.sandbox {
        let sandbox =
            Sandbox::start(SandboxConfig { clock, ..SandboxConfig::default() }, "127.0.0.1:0".parse()?).await?;
        let credentials = Credentials { account_id: sandbox.account_id(), secret: Secret::new(sandbox.secret_key()) };
        let mut config = GatewayConfig::new(sandbox.base_url(), credentials);
        args.hostaway.resilience(&mut config);
        (config, Some(sandbox))
    } else {
        (args.hostaway.gateway_config()?, None)
    };
    config.clock = clock;
    let shared = match &args.hostaway.redis_url {
        Some(url) => Some(SharedStore::open(url, config.credentials.account_id)?),
        None => None,
    };
    if let Some(shared) = shared.clone() {
        tokio::spawn(async move {
            if let Ok(Some(risk)) = shared.check().await {
                tracing::warn!("{risk}");
            }
        });
    }
    let gateway = hostaway_mcp::shared::gateway(config, shared.as_ref())?;
    Ok((Arc::new(gateway), sandbox, shared))
}

/// The server of one account of the accounts file: its own gateway (token file, budget, cache,
/// circuits), Redis namespace and write leases, with the other settings of `run`.
async fn account_server(run: &RunArgs, account: accounts::Account, clock: Clock) -> anyhow::Result<http::Account> {
    let mut run = run.clone();
    run.hostaway = run.hostaway.for_account(account.account_id, account.secret()?, account.base_url.as_deref());
    let (gateway, _, shared) = connect(&run, clock).await?;
    let leases = run.hostaway.write_leases(gateway.account_id());
    let guard = write_guard(shared.as_ref(), leases, Duration::from_secs(run.hostaway.request_timeout_secs));
    let server = HostawayServer::with_guard(gateway, run.server_options(clock)?, guard);
    tracing::info!(account = account.name, users = account.users.len(), "serving account {}", account.account_id);
    Ok(http::Account { name: account.name, server, shared, users: account.users })
}

/// The write guard: joining identical writes in this process, and across replicas through `shared`
/// or across restarts through lease files in `leases`; a lease lasts as long as one request to
/// Hostaway may (`request_timeout`) and a margin.
fn write_guard(shared: Option<&SharedStore>, leases: Option<PathBuf>, request_timeout: Duration) -> WriteGuard {
    let lease = request_timeout + Duration::from_secs(2);
    match (shared, leases) {
        (Some(store), _) => WriteGuard::shared(Arc::new(RedisWriteLock::new(store.clone(), lease))),
        (None, Some(dir)) => WriteGuard::shared(Arc::new(FileWriteLock::new(dir, lease))),
        (None, None) => WriteGuard::default(),
    }
}

fn describe(args: &RunArgs, sandbox: Option<&Sandbox>, shared: Option<&SharedStore>) -> String {
    let target = sandbox.map_or_else(
        || format!("Hostaway at {}", args.hostaway.base_url),
        |s| format!("the embedded sandbox at {}", s.base_url()),
    );
    let mode = if args.read_only { "read-only" } else { "read-write (writes need confirm: true)" };
    let toolsets = if args.toolsets.is_empty() {
        "all toolsets".to_string()
    } else {
        format!("toolsets {}", args.toolsets.join(","))
    };
    match shared {
        Some(shared) => {
            format!("{target}, {mode}, {toolsets}, shared with other replicas through Redis at {}", shared.shown())
        }
        None => format!("{target}, {mode}, {toolsets}"),
    }
}

async fn serve(args: ServeArgs, clock: Clock) -> anyhow::Result<()> {
    let (before, after) = match open_files::raise_to_hard_limit() {
        Ok(files) => (Some(files.before), Some(files.after)),
        Err(error) => {
            tracing::warn!(%error, "going on with the open-file limit as it is");
            (error.soft_limit(), error.soft_limit())
        }
    };
    let mut options = args.http_options(after)?;
    let shown = |limit: Option<u64>| limit.map_or_else(|| "unknown".to_string(), |limit| limit.to_string());
    let cap = options.connections.max_connections;
    let source = if args.max_connections.is_some() { "--max-connections" } else { "half the open-file limit" };
    tracing::info!(
        open_files_before = before,
        open_files_after = after,
        max_connections = cap,
        health_reserve = HEALTH_RESERVE,
        "open-file limit {} at start, {} now; up to {cap} connections at once ({source}), and beyond them \
         {HEALTH_RESERVE} more kept for GET /health",
        shown(before),
        shown(after),
    );
    // The embedded sandbox, if any, lives as long as the server.
    let (accounts, described, _sandbox) = match &args.accounts {
        Some(path) => {
            anyhow::ensure!(
                !args.run.sandbox,
                "--accounts and --sandbox do not go together: point an account's base_url at a sandbox instead"
            );
            let accounts = accounts::load(path)?;
            let names: Vec<String> = accounts.iter().map(|account| account.name.clone()).collect();
            let mut served = Vec::new();
            for account in accounts {
                served.push(account_server(&args.run, account, clock).await?);
            }
            (served, format!("{} accounts ({})", names.len(), names.join(", ")), None)
        }
        None => {
            let (gateway, sandbox, shared) = connect(&args.run, clock).await?;
            let described = describe(&args.run, sandbox.as_ref(), shared.as_ref());
            let leases = args.run.hostaway.write_leases(gateway.account_id());
            let timeout = Duration::from_secs(args.run.hostaway.request_timeout_secs);
            let guard = write_guard(shared.as_ref(), leases, timeout);
            let server = HostawayServer::with_guard(gateway, args.run.server_options(clock)?, guard);
            options.shared = shared.clone();
            (vec![http::Account { name: String::new(), server, shared, users: Vec::new() }], described, sandbox)
        }
    };
    let website = options.oauth.as_ref().map(http::OAuthOptions::website);
    let accounts: Vec<http::Account> = accounts
        .into_iter()
        .map(|account| match &website {
            Some(website) => http::Account { server: account.server.with_website(website), ..account },
            None => account,
        })
        .collect();
    let listener = http::listen(args.bind).with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    tracing::info!("MCP server at http://{addr}/mcp on {described}");
    eprintln!("hostaway-mcp: MCP endpoint http://{addr}/mcp ({described}); health at http://{addr}/health");
    let auth = match (&options.oauth, &options.auth_token) {
        (Some(oauth), _) => format!("OAuth access tokens of {} required", oauth.issuer),
        (None, Some(_)) => "bearer token required".into(),
        (None, None) => "no auth (loopback only)".into(),
    };
    eprintln!("hostaway-mcp: {auth}");
    let (signalled, mut drain) = tokio::sync::oneshot::channel::<()>();
    let serving = http::serve_accounts(listener, accounts, options, async move {
        stop_signal().await;
        let _ = signalled.send(());
    });
    tokio::pin!(serving);
    tokio::select! {
        result = &mut serving => result?,
        _ = &mut drain => {
            tracing::info!("shutting down: draining in-flight calls for up to {} s", args.drain_secs);
            if tokio::time::timeout(Duration::from_secs(args.drain_secs), serving).await.is_err() {
                tracing::warn!("drain deadline passed; exiting with calls still in flight");
            }
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops the server");
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

async fn stdio(args: RunArgs, clock: Clock) -> anyhow::Result<()> {
    let (gateway, sandbox, shared) = connect(&args, clock).await?;
    let leases = args.hostaway.write_leases(gateway.account_id());
    let guard = write_guard(shared.as_ref(), leases, Duration::from_secs(args.hostaway.request_timeout_secs));
    let server = HostawayServer::with_guard(gateway, args.server_options(clock)?, guard);
    tracing::info!("MCP server on stdio, {}", describe(&args, sandbox.as_ref(), shared.as_ref()));
    tokio::spawn(server.learn_account_zone());
    let running = rmcp::ServiceExt::serve(server, rmcp::transport::stdio())
        .await
        .context("MCP initialisation over stdio failed")?;
    running.waiting().await.context("the stdio session ended with an error")?;
    Ok(())
}

async fn check(args: CheckArgs, clock: Clock) -> anyhow::Result<()> {
    let sandbox = match args.sandbox {
        true => {
            Some(Sandbox::start(SandboxConfig { clock, ..SandboxConfig::default() }, "127.0.0.1:0".parse()?).await?)
        }
        false => None,
    };
    let config = match &sandbox {
        Some(sandbox) => {
            let credentials =
                Credentials { account_id: sandbox.account_id(), secret: Secret::new(sandbox.secret_key()) };
            GatewayConfig::new(sandbox.base_url(), credentials)
        }
        None => args.hostaway.gateway_config()?,
    };
    // No stored token: the check proves the credentials by minting one with them.
    let config = GatewayConfig { clock, token_store: None, ..config };
    let (base_url, account_id) = (config.base_url.clone(), config.credentials.account_id);
    let gateway = Gateway::new(config)?;
    let listings = gateway
        .call(id::LIST_LISTINGS, Idempotence::Safe, |client| async move {
            client.list_listings().limit(std::num::NonZeroU32::MIN).send().await
        })
        .await
        .with_context(|| format!("cannot list listings at {base_url}"))?;
    println!(
        "OK: reached {base_url} as account {account_id} (the credentials minted a token); the account has {} listings.",
        listings.count.unwrap_or(listings.result.len() as i64)
    );
    Ok(())
}

async fn run_sandbox(args: SandboxArgs, clock: Clock) -> anyhow::Result<()> {
    let faults: FaultPlan = match &args.faults {
        Some(json) => serde_json::from_str(json).context("--faults is not a valid fault plan")?,
        None => FaultPlan::default(),
    };
    let config = SandboxConfig {
        seed: args.seed,
        today: args.today,
        listings: args.listings,
        clock,
        limits: RateLimits {
            per_ip: args.rate_limit_ip,
            per_account: args.rate_limit_account,
            window: Duration::from_secs(args.rate_window_secs.max(1)),
        },
        faults,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config, args.bind).await?;
    println!("Hostaway sandbox listening at {}", sandbox.base_url());
    println!("  HOSTAWAY_BASE_URL={}", sandbox.base_url());
    println!("  HOSTAWAY_ACCOUNT_ID={}", sandbox.account_id());
    println!("  HOSTAWAY_SECRET_KEY={}", sandbox.secret_key());
    println!("Control API: http://{}/_sandbox/{{stats,faults,tokens/revoke}}. Ctrl-C stops.", sandbox.addr());
    tokio::signal::ctrl_c().await.context("cannot wait for Ctrl-C")?;
    drop(sandbox);
    Ok(())
}

/// Whether `url` is plain http to a loopback host (a local authorization server or a test).
fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once(':').filter(|(_, port)| port.parse::<u16>().is_ok()).map_or(host, |(host, _)| host);
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}
