//! The `hostaway-mcp` command.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use hostaway_mcp::{
    config::HostawayArgs,
    hostaway::{
        Gateway, GatewayConfig, Idempotence,
        token::{Credentials, Secret},
    },
    sandbox::{FaultPlan, RateLimits, Sandbox, SandboxConfig},
    server::{HostawayServer, ServerOptions},
};
use tracing_subscriber::EnvFilter;

/// An MCP server for Hostaway, and a Hostaway sandbox to try it on.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the Hostaway simulator alone, as a fake Hostaway at http://<bind>/v1.
    Sandbox(SandboxArgs),
    /// Serve MCP over streamable HTTP at http://<bind>/mcp (health at /health).
    Serve(ServeArgs),
    /// Serve MCP over stdio (for Claude Desktop, Cursor and other local clients); logs go to stderr.
    Stdio(RunArgs),
    /// Check that Hostaway can be reached with the configured credentials (mints or reuses the token).
    Check(CheckArgs),
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    hostaway: HostawayArgs,
    /// Run against an embedded Hostaway sandbox with seeded data instead of a real account.
    #[arg(long, env = "HOSTAWAY_SANDBOX")]
    sandbox: bool,
    /// Offer only tools that read; tools that change the account are not listed at all.
    #[arg(long, env = "READ_ONLY")]
    read_only: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Address to listen on. Only loopback addresses are accepted until endpoint authentication lands.
    #[arg(long, env = "MCP_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    hostaway: HostawayArgs,
    /// Check against an embedded sandbox instead of Hostaway (no account needed).
    #[arg(long)]
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
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("LOG_LEVEL").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match Cli::parse().command {
        Command::Sandbox(args) => run_sandbox(args).await,
        Command::Check(args) => check(args).await,
        Command::Serve(args) => serve(args).await,
        Command::Stdio(args) => stdio(args).await,
    }
}

/// The gateway the server uses, and the embedded sandbox behind it when asked for.
async fn connect(args: &RunArgs) -> anyhow::Result<(Arc<Gateway>, Option<Sandbox>)> {
    let (config, sandbox) = if args.sandbox {
        let sandbox = Sandbox::start(SandboxConfig::default(), "127.0.0.1:0".parse()?).await?;
        let credentials = Credentials { account_id: sandbox.account_id(), secret: Secret::new(sandbox.secret_key()) };
        (GatewayConfig::new(sandbox.base_url(), credentials), Some(sandbox))
    } else {
        (args.hostaway.gateway_config()?, None)
    };
    Ok((Arc::new(Gateway::new(config)?), sandbox))
}

fn describe(args: &RunArgs, sandbox: Option<&Sandbox>) -> String {
    let target = sandbox.map_or_else(
        || format!("Hostaway at {}", args.hostaway.base_url),
        |s| format!("the embedded sandbox at {}", s.base_url()),
    );
    let mode = if args.read_only { "read-only" } else { "read-write (writes need confirm: true)" };
    format!("{target}, {mode}")
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.bind.ip().is_loopback(),
        "--bind {} is not a loopback address; until endpoint authentication lands the server only listens on 127.0.0.1 or ::1",
        args.bind
    );
    let (gateway, sandbox) = connect(&args.run).await?;
    let server = HostawayServer::new(gateway, ServerOptions { read_only: args.run.read_only });
    let listener =
        tokio::net::TcpListener::bind(args.bind).await.with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    tracing::info!("MCP server at http://{addr}/mcp on {}", describe(&args.run, sandbox.as_ref()));
    eprintln!(
        "hostaway-mcp: MCP endpoint http://{addr}/mcp ({}); health at http://{addr}/health",
        describe(&args.run, sandbox.as_ref())
    );
    hostaway_mcp::server::http::serve(listener, server, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

async fn stdio(args: RunArgs) -> anyhow::Result<()> {
    let (gateway, sandbox) = connect(&args).await?;
    let server = HostawayServer::new(gateway, ServerOptions { read_only: args.read_only });
    tracing::info!("MCP server on stdio, {}", describe(&args, sandbox.as_ref()));
    let running = rmcp::ServiceExt::serve(server, rmcp::transport::stdio())
        .await
        .context("MCP initialisation over stdio failed")?;
    running.waiting().await.context("the stdio session ended with an error")?;
    Ok(())
}

async fn check(args: CheckArgs) -> anyhow::Result<()> {
    let sandbox = match args.sandbox {
        true => Some(Sandbox::start(SandboxConfig::default(), "127.0.0.1:0".parse()?).await?),
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
    let (base_url, account_id) = (config.base_url.clone(), config.credentials.account_id);
    let gateway = Gateway::new(config)?;
    let listings = gateway
        .call("listListings", Idempotence::Safe, |client| async move {
            client.list_listings().limit(std::num::NonZeroU32::MIN).send().await
        })
        .await
        .with_context(|| format!("cannot list listings at {base_url}"))?;
    let token = if gateway.metrics().token_mints == 0 { "reused the stored token" } else { "minted a token" };
    println!(
        "OK: reached {base_url} as account {account_id} ({token}); the account has {} listings.",
        listings.count.unwrap_or(listings.result.len() as i64)
    );
    Ok(())
}

async fn run_sandbox(args: SandboxArgs) -> anyhow::Result<()> {
    let faults: FaultPlan = match &args.faults {
        Some(json) => serde_json::from_str(json).context("--faults is not a valid fault plan")?,
        None => FaultPlan::default(),
    };
    let config = SandboxConfig {
        seed: args.seed,
        today: args.today,
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
