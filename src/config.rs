//! Start-up configuration shared by every command: flags with environment fallbacks, validated
//! once and turned into the gateway's settings.

use std::{path::PathBuf, sync::Arc, time::Duration};

use clap::Args;

use crate::{
    hostaway::{
        GatewayConfig,
        budget::Limits,
        cache::CacheTtls,
        token::{Credentials, FileTokenStore, TokenStore},
    },
    secret::Secret,
};

/// Hostaway's public API.
pub const HOSTAWAY_API: &str = "https://api.hostaway.com/v1";

/// How to reach Hostaway and how hard to use it.
#[derive(Debug, Clone, Args)]
pub struct HostawayArgs {
    /// Hostaway account id (Settings > Hostaway API in the dashboard).
    #[arg(long, env = "HOSTAWAY_ACCOUNT_ID")]
    pub account_id: Option<i64>,
    /// Hostaway API secret. Prefer the environment variable over the flag, which shows in `ps`.
    #[arg(long, env = "HOSTAWAY_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Hostaway API base URL (point it at `hostaway-mcp sandbox` to use a standalone simulator).
    #[arg(long, env = "HOSTAWAY_BASE_URL", default_value = HOSTAWAY_API)]
    pub base_url: String,
    /// Where the access token is kept between runs (0600); defaults to the user's cache directory.
    #[arg(long, env = "HOSTAWAY_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// Do not keep the token on disk (mint one on every start).
    #[arg(long, env = "HOSTAWAY_NO_TOKEN_FILE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_token_file: bool,
    /// Requests per 10 s from this IP (Hostaway allows 15); lower it when other tools share the IP.
    #[arg(long, env = "RATE_LIMIT_IP", default_value_t = 15)]
    pub rate_limit_ip: u32,
    /// Requests per 10 s for the account (Hostaway allows 20); lower it when other integrations share it.
    #[arg(long, env = "RATE_LIMIT_ACCOUNT", default_value_t = 20)]
    pub rate_limit_account: u32,
    /// Upstream requests in flight at once.
    #[arg(long, env = "MAX_CONCURRENCY", default_value_t = 10)]
    pub max_concurrency: usize,
    /// TCP connect timeout, in seconds.
    #[arg(long, env = "HOSTAWAY_CONNECT_TIMEOUT_SECS", default_value_t = 5)]
    pub connect_timeout_secs: u64,
    /// Timeout of one upstream request, in seconds.
    #[arg(long, env = "HOSTAWAY_REQUEST_TIMEOUT_SECS", default_value_t = 20)]
    pub request_timeout_secs: u64,
    /// Overall deadline of one upstream call with its retries and waits, in seconds.
    #[arg(long, env = "HOSTAWAY_DEADLINE_SECS", default_value_t = 30)]
    pub deadline_secs: u64,
    /// Turn the read cache off (every read goes to Hostaway).
    #[arg(long, env = "NO_CACHE", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_cache: bool,
    /// Hostaway failures in a row (5xx, no connection, no answer) that open the circuit: calls then
    /// answer at once, from the last good copy or with an error, until a probe succeeds. 0: never.
    #[arg(long, env = "HOSTAWAY_CIRCUIT_FAILURES", default_value_t = 3)]
    pub circuit_failures: u32,
    /// How long an open circuit sends nothing before one probe, in seconds.
    #[arg(long, env = "HOSTAWAY_CIRCUIT_COOL_DOWN_SECS", default_value_t = 15)]
    pub circuit_cool_down_secs: u64,
    /// How long the last good answer of each read is kept to answer from (marked stale) while
    /// Hostaway fails, in seconds. 0: keep none.
    #[arg(long, env = "KEEP_LAST_GOOD_SECS", default_value_t = 86_400)]
    pub keep_last_good_secs: u64,
    /// Redis shared by several replicas of this server (redis://[:password@]host[:port][/db]): one
    /// rate budget and one token for all of them. Without it the process keeps both to itself.
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
}

/// A configuration that cannot work; the message names the flag or variable to fix.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// No account id.
    #[error(
        "set HOSTAWAY_ACCOUNT_ID (or --account-id) to your Hostaway account id, or use --sandbox to try without an account"
    )]
    MissingAccountId,
    /// No secret.
    #[error("set HOSTAWAY_SECRET_KEY to your Hostaway API secret, or use --sandbox to try without an account")]
    MissingSecret,
    /// A base URL that is not http(s).
    #[error("HOSTAWAY_BASE_URL must start with https:// (or http:// for a local sandbox), got {0:?}")]
    BadBaseUrl(String),
    /// A zero timeout or deadline.
    #[error("{0} must be at least 1 second")]
    ZeroDuration(&'static str),
}

impl HostawayArgs {
    /// The gateway settings these arguments describe, or what is wrong with them.
    pub fn gateway_config(&self) -> Result<GatewayConfig, ConfigError> {
        let account_id = self.account_id.ok_or(ConfigError::MissingAccountId)?;
        let secret = self.secret_key.clone().filter(|s| !s.trim().is_empty()).ok_or(ConfigError::MissingSecret)?;
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://")) {
            return Err(ConfigError::BadBaseUrl(self.base_url.clone()));
        }
        for (name, value) in [
            ("HOSTAWAY_CONNECT_TIMEOUT_SECS", self.connect_timeout_secs),
            ("HOSTAWAY_REQUEST_TIMEOUT_SECS", self.request_timeout_secs),
            ("HOSTAWAY_DEADLINE_SECS", self.deadline_secs),
        ] {
            if value == 0 {
                return Err(ConfigError::ZeroDuration(name));
            }
        }
        let mut config = GatewayConfig::new(&self.base_url, Credentials { account_id, secret: Secret::new(secret) });
        config.limits =
            Limits { per_ip: self.rate_limit_ip, per_account: self.rate_limit_account, ..Limits::default() };
        config.max_concurrency = self.max_concurrency.max(1);
        config.connect_timeout = Duration::from_secs(self.connect_timeout_secs);
        config.request_timeout = Duration::from_secs(self.request_timeout_secs);
        config.deadline = Duration::from_secs(self.deadline_secs);
        config.token_store = self.token_store();
        self.resilience(&mut config);
        if self.no_cache {
            config.cache_ttls = CacheTtls::disabled();
        }
        Ok(config)
    }

    /// Applies the circuit and last-good settings, which hold against the sandbox as well.
    pub fn resilience(&self, config: &mut GatewayConfig) {
        config.circuit.failures = self.circuit_failures;
        config.circuit.cool_down = Duration::from_secs(self.circuit_cool_down_secs.max(1));
        config.keep.keep_for = Duration::from_secs(self.keep_last_good_secs);
    }

    /// These arguments for one account of the accounts file: its id, secret and base URL (when it
    /// names one), and a token file of its own beside the configured one, so accounts never take
    /// each other's tokens.
    pub fn for_account(&self, account_id: i64, secret: Secret, base_url: Option<&str>) -> HostawayArgs {
        let token_file = self.token_file.clone().or_else(FileTokenStore::default_path).map(|path| {
            let stem = path.file_stem().map_or_else(|| "token".into(), |stem| stem.to_string_lossy().into_owned());
            let extension = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
            path.with_file_name(format!("{stem}-{account_id}{extension}"))
        });
        HostawayArgs {
            account_id: Some(account_id),
            secret_key: Some(secret.expose().to_string()),
            base_url: base_url.map_or_else(|| self.base_url.clone(), str::to_string),
            token_file,
            ..self.clone()
        }
    }

    /// Where a process without Redis keeps the leases of its confirmed writes for `account`, so a
    /// restart finds a write its previous life may have left in flight: beside the token file, or
    /// nowhere with `--no-token-file`.
    pub fn write_leases(&self, account: i64) -> Option<std::path::PathBuf> {
        if self.no_token_file {
            return None;
        }
        let token = self.token_file.clone().or_else(FileTokenStore::default_path)?;
        Some(token.parent()?.join(format!("writes-{account}")))
    }

    fn token_store(&self) -> Option<Arc<dyn TokenStore>> {
        if self.no_token_file {
            return None;
        }
        let path = self.token_file.clone().or_else(FileTokenStore::default_path)?;
        Some(Arc::new(FileTokenStore::new(path)))
    }
}

/// Log targets whose debug and trace events print whole MCP messages: tool arguments and results,
/// so guest messages, emails and phone numbers. They log at info at most, whatever the level,
/// unless the operator names them in `LOG_LEVEL` (e.g. `debug,rmcp=debug`) on purpose.
const MESSAGE_LOGGERS: &[&str] = &["rmcp"];

/// The log filter for `LOG_LEVEL` (default `info`; an unreadable filter also means `info`), with
/// the targets that print whole messages held at info (see [`MESSAGE_LOGGERS`]), so `debug` or
/// `trace` never writes what guests wrote to the logs.
pub fn log_filter(spec: Option<&str>) -> tracing_subscriber::EnvFilter {
    use tracing_subscriber::filter::{Directive, LevelFilter};
    let spec = spec.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("info");
    let (mut filter, spec) = match tracing_subscriber::EnvFilter::try_new(spec) {
        Ok(filter) => (filter, spec),
        Err(_) => (tracing_subscriber::EnvFilter::new("info"), "info"),
    };
    let directives = || spec.split(',').map(str::trim);
    // The level a target no directive names gets; held messages stay at it if that is quieter.
    let everything = directives().filter_map(|d| d.parse::<LevelFilter>().ok()).max().unwrap_or(LevelFilter::OFF);
    let held = everything.min(LevelFilter::INFO);
    for target in MESSAGE_LOGGERS {
        let named = directives().any(|d| {
            let named = d.split(['=', '[']).next().unwrap_or_default();
            named == *target || named.strip_prefix(target).is_some_and(|rest| rest.starts_with("::"))
        });
        if let (false, Ok(directive)) = (named, format!("{target}={held}").parse::<Directive>()) {
            filter = filter.add_directive(directive);
        }
    }
    filter
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        hostaway: HostawayArgs,
    }

    fn parse(args: &[&str]) -> HostawayArgs {
        Cli::try_parse_from(std::iter::once("test").chain(args.iter().copied())).unwrap().hostaway
    }

    #[test]
    fn missing_credentials_name_the_variable_to_set() {
        let error = parse(&["--no-token-file"]).gateway_config().unwrap_err();
        assert_eq!(error, ConfigError::MissingAccountId);
        assert!(error.to_string().contains("HOSTAWAY_ACCOUNT_ID"));
        let error = parse(&["--account-id", "1"]).gateway_config().unwrap_err();
        assert!(error.to_string().contains("HOSTAWAY_SECRET_KEY"));
    }

    #[test]
    fn flags_reach_the_gateway_settings() {
        let config = parse(&[
            "--account-id=5",
            "--secret-key=hunter2-secret",
            "--rate-limit-ip=7",
            "--deadline-secs=9",
            "--no-cache",
            "--token-file=/tmp/x.json",
        ])
        .gateway_config()
        .unwrap();
        assert_eq!((config.limits.per_ip, config.limits.per_account), (7, 20));
        assert_eq!(config.deadline, Duration::from_secs(9));
        assert_eq!(config.cache_ttls, CacheTtls::disabled());
        assert!(config.token_store.is_some());
        assert!(!format!("{config:?}").contains("hunter2-secret"), "the secret stays out of Debug");
    }

    #[test]
    fn zero_timeouts_and_odd_urls_are_refused() {
        let error = parse(&["--account-id=5", "--secret-key=s", "--deadline-secs=0"]).gateway_config().unwrap_err();
        assert_eq!(error, ConfigError::ZeroDuration("HOSTAWAY_DEADLINE_SECS"));
        let error = parse(&["--account-id=5", "--secret-key=s", "--base-url=ftp://x"]).gateway_config().unwrap_err();
        assert!(matches!(error, ConfigError::BadBaseUrl(_)));
    }

    /// Whether `spec` lets through rmcp's debug, rmcp's trace, rmcp's info and our own debug events.
    fn opens(spec: Option<&str>) -> [bool; 4] {
        let subscriber =
            tracing_subscriber::layer::SubscriberExt::with(tracing_subscriber::registry(), log_filter(spec));
        tracing::subscriber::with_default(subscriber, || {
            [
                tracing::enabled!(target: "rmcp::service", tracing::Level::DEBUG),
                tracing::enabled!(target: "rmcp::transport::streamable_http_server::tower", tracing::Level::TRACE),
                tracing::enabled!(target: "rmcp::service", tracing::Level::INFO),
                tracing::enabled!(target: "hostaway_mcp::hostaway::gateway", tracing::Level::DEBUG),
            ]
        })
    }

    #[test]
    fn debug_and_trace_never_open_the_loggers_that_print_messages() {
        for spec in ["debug", "trace", " trace ", "hostaway_mcp=trace,debug"] {
            assert_eq!(opens(Some(spec)), [false, false, true, true], "{spec}");
        }
        assert_eq!(opens(None), [false, false, true, false]);
        assert_eq!(opens(Some("warn")), [false, false, false, false], "a quieter level stays quieter");
        assert_eq!(opens(Some("warn,hostaway_mcp=debug")), [false, false, false, true]);
        assert_eq!(opens(Some("not a = filter[[")), [false, false, true, false], "unreadable means info");
        assert_eq!(opens(Some("debug,rmcp=debug")), [true, false, true, true], "named on purpose, honoured");
        assert_eq!(opens(Some("info,rmcp::service=debug")), [true, false, true, false]);
    }
}
