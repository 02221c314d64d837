//! Streamable HTTP: `/mcp` for MCP, `/health` beside it, and the guards a public endpoint needs —
//! connection limits (see [`super::connections`]), Host and Origin checks and a bearer token on
//! `/mcp` and `/metrics`, and a body size limit. Refusals are counted, and logged in summary lines.

use std::{future::Future, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService,
    session::{SessionId, SessionManager, SessionStore, local::LocalSessionManager},
};
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::{
    HostawayServer, connections,
    oauth::{self, Grant, Verifier},
    refusals::{self, Refusal, Refusals},
    webhook_health::WebhookHealth,
    webhooks,
};
use crate::{
    secret::Secret,
    shared::{RedisNotices, RedisSessionStore, SharedStore, Touched},
};

pub use super::{
    connections::{ConnectionLimits, listen},
    oauth::OAuthOptions,
    webhooks::WebhookOptions,
};

/// Hosts a local server always answers to (the DNS-rebinding guard rejects any other `Host`).
const LOOPBACK_HOSTS: &[&str] = &["localhost", "127.0.0.1", "::1", "[::1]"];

/// Browser origins a local server accepts (MCP Inspector's web UI and the like).
const LOOPBACK_ORIGINS: &[&str] = &[
    "http://localhost:*",
    "http://127.0.0.1:*",
    "http://[::1]:*",
    "https://localhost:*",
    "https://127.0.0.1:*",
    "https://[::1]:*",
];

/// Time given to the last answers to reach their clients after the last call finished.
const ANSWER_FLUSH: Duration = Duration::from_millis(500);

/// How the HTTP endpoint protects itself.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Required as `Authorization: Bearer <token>` on `/mcp` and `/metrics` when set.
    pub auth_token: Option<Secret>,
    /// The authorization server whose access tokens `/mcp` and `/metrics` take instead of a
    /// fixed token; its protected resource metadata is served beside `/health`.
    pub oauth: Option<OAuthOptions>,
    /// Extra `Host` values to accept besides loopback names (the public name behind a proxy).
    pub allowed_hosts: Vec<String>,
    /// Extra browser origins to accept besides loopback ones; any other `Origin` gets 403.
    pub allowed_origins: Vec<String>,
    /// Largest request body accepted, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Sessions open at once; a new session beyond this gets 503.
    pub max_sessions: usize,
    /// A session without activity for this long is closed.
    pub session_idle: Duration,
    /// What a connection may hold before it has sent anything useful.
    pub connections: ConnectionLimits,
    /// The Redis replicas share, if any: sessions live there too, and `/health` says when it
    /// cannot be reached.
    pub shared: Option<SharedStore>,
    /// The basic auth Hostaway's webhooks carry; with it, `/webhooks/hostaway` receives them.
    pub webhook: Option<WebhookOptions>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            auth_token: None,
            oauth: None,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            max_body_bytes: 1 << 20,
            max_sessions: 100,
            session_idle: Duration::from_secs(300),
            connections: ConnectionLimits::default(),
            shared: None,
            webhook: None,
        }
    }
}

/// The HTTP router: `/mcp` (streamable HTTP, one server per session) and Prometheus `/metrics`,
/// both behind the Host, Origin and token checks, and `/health` (always open, for load balancers).
/// With `checked_outside`, the credentials were checked before the request reached this router
/// (by [`super::accounts_router`], which also picked the account), and only Host and Origin are
/// checked here.
fn router(
    server: HostawayServer,
    shutdown: CancellationToken,
    options: &HttpOptions,
    refusals: Arc<Refusals>,
    health: Option<Arc<WebhookHealth>>,
    checked_outside: bool,
) -> Router {
    let (hosts, origins) = hosts_and_origins(options);
    let guard = edge_guard(options, &server, refusals.clone(), checked_outside);
    let body_rules = BodyRules {
        max_bytes: options.max_body_bytes,
        oauth: options.oauth.clone(),
        offered: server.tools().into_iter().map(|tool| tool.name.into_owned()).collect(),
    };
    let metadata = options.oauth.as_ref().map(metadata_routes);
    // rmcp checks Host and Origin too; ours run first (for /metrics as well) and count refusals.
    let mut config = StreamableHttpServerConfig::default()
        .with_cancellation_token(shutdown.clone())
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .enforce_origin_validation()
        .with_max_request_body_bytes(options.max_body_bytes);
    let sessions_store = options.shared.clone().map(|shared| RedisSessionStore::new(shared, options.session_idle));
    config.session_store = sessions_store.clone().map(|store| Arc::new(store) as Arc<dyn SessionStore>);
    let metrics = server.metrics();
    let webhooks = options.webhook.as_ref().zip(health.clone()).map(|(webhook, health)| {
        let listeners =
            webhooks::Listeners { health, subscriptions: server.subscriptions(), metrics: server.metrics() };
        webhooks::route(webhook, server.gateway(), listeners)
    });
    let shared = options.shared.clone();
    let gateway = server.gateway();
    let about = super::llms_txt::render(&server.tools());
    let llms_txt =
        move || std::future::ready(([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], about.clone()));
    let mut sessions = LocalSessionManager::default();
    sessions.session_config.keep_alive = Some(options.session_idle);
    let sessions = Arc::new(sessions);
    tokio::spawn(super::memory::return_after_sessions_end(sessions.clone(), shutdown.clone()));
    let mcp = StreamableHttpService::new(move || Ok(server.for_session()), sessions.clone(), config);
    let cap = SessionCap { sessions: sessions.clone(), max: options.max_sessions, refusals };
    Router::new()
        .nest_service("/mcp", mcp)
        .layer(middleware::from_fn_with_state(Arc::new(body_rules), json_rpc_body))
        .layer(middleware::from_fn_with_state(
            EndedSessions { local: sessions.clone(), shared: sessions_store.clone() },
            end_session,
        ))
        .layer(middleware::from_fn_with_state(
            EndedSessions { local: sessions.clone(), shared: sessions_store },
            keep_session_alive,
        ))
        .layer(middleware::from_fn_with_state(cap, limit_sessions))
        .route(
            "/metrics",
            get(move || async move {
                metrics.set_open_sessions(sessions.sessions.read().await.len());
                ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], metrics.render())
            }),
        )
        .layer(middleware::from_fn_with_state(guard, check_the_edge))
        .route("/health", get(move || report_health(shared.clone(), health.clone(), gateway.clone())))
        .route("/", get(llms_txt.clone()))
        .route("/llms.txt", get(llms_txt))
        .merge(webhooks.unwrap_or_default())
        .merge(metadata.unwrap_or_default())
}

/// The `Host` values and browser origins the endpoint accepts: loopback ones, the operator's, and
/// the public URL's host with OAuth.
fn hosts_and_origins(options: &HttpOptions) -> (Vec<String>, Vec<String>) {
    let public_host = options.oauth.as_ref().and_then(OAuthOptions::public_host);
    let hosts = LOOPBACK_HOSTS
        .iter()
        .map(|h| h.to_string())
        .chain(options.allowed_hosts.iter().cloned())
        .chain(public_host)
        .collect();
    let origins =
        LOOPBACK_ORIGINS.iter().map(|o| o.to_string()).chain(options.allowed_origins.iter().cloned()).collect();
    (hosts, origins)
}

/// The checks of `/mcp` and `/metrics`; `open` leaves out the credentials (checked elsewhere).
pub(super) fn edge_guard(
    options: &HttpOptions,
    server: &HostawayServer,
    refusals: Arc<Refusals>,
    open: bool,
) -> Arc<EdgeGuard> {
    let (hosts, origins) = hosts_and_origins(options);
    Arc::new(EdgeGuard {
        hosts: hosts.iter().filter_map(|h| parse_authority(h)).collect(),
        origins: origins.iter().filter_map(|o| AllowedOrigin::parse(o)).collect(),
        access: match (&options.oauth, &options.auth_token) {
            _ if open => Access::Open,
            (Some(oauth), _) => Access::OAuth {
                verifier: Box::new(Verifier::new(oauth.clone(), server.clock())),
                options: oauth.clone(),
            },
            (None, Some(token)) => Access::Token(token.clone()),
            (None, None) => Access::Open,
        },
        refusals,
    })
}

/// Protected resource metadata at its well-known path, bare and with the endpoint's path.
pub(super) fn metadata_routes(oauth: &OAuthOptions) -> Router {
    let document = oauth.metadata();
    let serve = move || std::future::ready(Json(document.clone()));
    Router::new()
        .route(oauth::METADATA_PATH, get(serve.clone()))
        .route(&format!("{}/mcp", oauth::METADATA_PATH), get(serve))
}

/// `/health`: "ok", or "degraded: …" naming what is down (Redis, Hostaway) or what Redis may
/// drop; then with webhooks a line on how fresh answers are kept, and last a line on Hostaway
/// (`upstream::report`). It stays 200 while Redis or Hostaway is away, so a load balancer keeps
/// every replica in rotation (each would fail the same way), and calls fail fast, or answer from
/// last good copies, saying why.
async fn report_health(
    shared: Option<SharedStore>,
    webhooks: Option<Arc<WebhookHealth>>,
    gateway: Arc<crate::hostaway::Gateway>,
) -> String {
    let mut problems = Vec::new();
    if let Some(shared) = shared {
        match shared.check().await {
            Ok(None) => {}
            Ok(Some(risk)) => problems.push(risk),
            Err(down) => problems.push(down.to_string()),
        }
    }
    let (hostaway, down) = super::upstream::report(&gateway).await;
    problems.extend(down);
    let mut lines =
        vec![if problems.is_empty() { "ok".to_string() } else { format!("degraded: {}", problems.join("; ")) }];
    lines.extend(webhooks.map(|webhooks| webhooks.describe()));
    lines.push(hostaway);
    lines.join("\n")
}

/// Starts a shared session's idle time again on each of its requests, whichever replica takes it,
/// so a session kept busy through one replica can still move to another; and a session this
/// replica holds that Redis no longer does (ended through another replica) ends here too, with a
/// 404, instead of living on where it was opened.
async fn keep_session_alive(State(sessions): State<EndedSessions>, request: Request, next: Next) -> Response {
    if let Some(store) = &sessions.shared
        && let Some(id) = request.headers().get("mcp-session-id").and_then(|id| id.to_str().ok())
        && store.touch(id).await == Touched::Ended
        && sessions.local.sessions.read().await.contains_key(id)
    {
        // Ended through another replica (or lapsed there): it ends here too, at once.
        let _ = sessions.local.close_session(&SessionId::from(id)).await;
        return (StatusCode::NOT_FOUND, "Not Found: Session not found").into_response();
    }
    next.run(request).await
}

/// What a POST body to `/mcp` is held to.
struct BodyRules {
    max_bytes: usize,
    oauth: Option<OAuthOptions>,
    /// The tools the server offers: a call of another fails as unknown, not as forbidden.
    offered: std::collections::HashSet<String>,
}

/// A POST body that is not one JSON-RPC message gets the JSON-RPC answer for it, with 400: a parse
/// error (-32700) for what is not JSON, an invalid request (-32600) for a batch, which the MCP
/// versions served here do not take. rmcp would answer both with a bare 415, which tells a client
/// that its content type is wrong. The body read here is bounded like rmcp's own (413 past it).
/// With OAuth, a `tools/call` beyond the token's scopes gets the 403 scope challenge here, as
/// MCP authorization asks, so a client can step up.
async fn json_rpc_body(State(rules): State<Arc<BodyRules>>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, rules.max_bytes).await else {
        return refusal(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "the request body is too large");
    };
    let error = |code: i32, message: String| {
        let body = serde_json::json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}});
        (StatusCode::BAD_REQUEST, Json(body)).into_response()
    };
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Err(parse) => error(-32700, format!("Parse error: the body is not JSON ({parse})")),
        Ok(serde_json::Value::Array(_)) => {
            error(-32600, "Invalid Request: JSON-RPC batches are not supported; send one message per request".into())
        }
        Ok(message) => {
            let called = (message["method"] == "tools/call").then(|| message["params"]["name"].as_str()).flatten();
            if let (Some(oauth), Some(grant), Some(tool)) = (&rules.oauth, parts.extensions.get::<Grant>(), called)
                && rules.offered.contains(tool)
                && !grant.allows(tool)
            {
                return oauth::insufficient_scope(oauth, grant, tool);
            }
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await
        }
    }
}

/// Where a `DELETE /mcp` looks for the session it ends: this replica's table, and Redis when
/// replicas share sessions.
#[derive(Clone)]
struct EndedSessions {
    local: Arc<LocalSessionManager>,
    shared: Option<RedisSessionStore>,
}

impl EndedSessions {
    /// Whether session `id` is open here or, shared, on some replica. A shared store that cannot be
    /// read counts as not knowing it: the session cannot be reached through this replica anyway.
    async fn knows(&self, id: &str) -> bool {
        if self.local.sessions.read().await.contains_key(id) {
            return true;
        }
        match &self.shared {
            Some(store) => matches!(store.load(id).await, Ok(Some(_))),
            None => false,
        }
    }
}

/// A successful `DELETE /mcp` is a 200, and one of a session that is unknown or already ended is a
/// 404, as MCP asks for any request naming such a session. rmcp answers both with 202, but the
/// Python MCP SDK checks for 200 (2.x also takes 204) and logs "Session termination failed: 202"
/// on every close, and a client deleting twice would be told the second time that it ended
/// something. Whether the session exists is read before rmcp ends it; other answers (a missing id,
/// a protocol version without DELETE) pass unchanged.
async fn end_session(State(ended): State<EndedSessions>, request: Request, next: Next) -> Response {
    let id = match request.method() {
        &Method::DELETE => request.headers().get("mcp-session-id").and_then(|id| id.to_str().ok()).map(str::to_string),
        _ => None,
    };
    let Some(id) = id else {
        return next.run(request).await;
    };
    let known = ended.knows(&id).await;
    let mut response = next.run(request).await;
    if response.status() == StatusCode::ACCEPTED {
        if !known {
            return (StatusCode::NOT_FOUND, "Not Found: Session not found").into_response();
        }
        *response.status_mut() = StatusCode::OK;
    }
    response
}

/// The session table and how many sessions it may hold.
#[derive(Clone)]
struct SessionCap {
    sessions: Arc<LocalSessionManager>,
    max: usize,
    refusals: Arc<Refusals>,
}

/// Refuses to open a session (a POST without `Mcp-Session-Id`) when the table is full.
async fn limit_sessions(State(cap): State<SessionCap>, request: Request, next: Next) -> Response {
    // A 2026-07-28 (or later) request is stateless: it names its version in a header and opens no
    // session, so the cap on legacy sessions is not its business.
    let stateless = request
        .headers()
        .get("mcp-protocol-version")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|version| version >= "2026-07-28");
    let opens_session =
        request.method() == Method::POST && !stateless && !request.headers().contains_key("mcp-session-id");
    if opens_session && cap.sessions.sessions.read().await.len() >= cap.max {
        cap.refusals.record(Refusal::TooManySessions);
        let message = format!("the server already has {} open sessions; close one or retry later", cap.max);
        let body = serde_json::json!({"error": "too_many_sessions", "message": message});
        return (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, HeaderValue::from_static("30"))], Json(body))
            .into_response();
    }
    next.run(request).await
}

/// What `/mcp` and `/metrics` demand of a request: an allowed `Host` (the DNS-rebinding guard), an
/// allowed `Origin` when a browser sends one, and the credentials [`Access`] asks for.
pub(super) struct EdgeGuard {
    hosts: Vec<Authority>,
    origins: Vec<AllowedOrigin>,
    access: Access,
    refusals: Arc<Refusals>,
}

/// The credentials a request must carry.
enum Access {
    /// None (a loopback server without a token).
    Open,
    /// The one bearer token the operator set.
    Token(Secret),
    /// An access token of the authorization server, checked by `verifier`.
    OAuth { options: OAuthOptions, verifier: Box<Verifier> },
}

/// Checks Host, then Origin, then the token; a refusal is counted and summarised in the log, never
/// logged one line per request, and neither token is ever logged.
pub(super) async fn check_the_edge(State(guard): State<Arc<EdgeGuard>>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).or(request.uri().host());
    if !host.and_then(parse_authority).is_some_and(|host| guard.hosts.iter().any(|allowed| allowed.admits(&host))) {
        guard.refusals.record(Refusal::ForbiddenHost);
        return refusal(
            StatusCode::FORBIDDEN,
            "forbidden_host",
            "the Host header is not allowed; add the server's public name with MCP_ALLOWED_HOSTS",
        );
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().ok().and_then(Origin::parse);
        if !origin.is_some_and(|origin| guard.origins.iter().any(|allowed| allowed.admits(&origin))) {
            guard.refusals.record(Refusal::ForbiddenOrigin);
            return refusal(
                StatusCode::FORBIDDEN,
                "forbidden_origin",
                "the Origin is not allowed; add it with MCP_ALLOWED_ORIGINS",
            );
        }
    }
    let presented =
        request.headers().get(header::AUTHORIZATION).and_then(|value| value.to_str().ok()).and_then(bearer_token);
    let token = match &guard.access {
        Access::Open => return next.run(request).await,
        Access::OAuth { options, verifier } => {
            let Some(presented) = presented.map(str::to_string) else {
                guard.refusals.record(Refusal::Unauthorized);
                return oauth::unauthorized(options, None);
            };
            return match verifier.verify(&presented).await {
                Ok(grant) => {
                    let mut request = request;
                    request.extensions_mut().insert(grant);
                    next.run(request).await
                }
                Err(refused) if refused.is_unavailable() => oauth::unavailable(&refused),
                Err(refused) => {
                    guard.refusals.record(Refusal::Unauthorized);
                    oauth::unauthorized(options, Some(&refused))
                }
            };
        }
        Access::Token(token) => token,
    };
    if presented.is_some_and(|p| bool::from(p.as_bytes().ct_eq(token.expose().as_bytes()))) {
        return next.run(request).await;
    }
    guard.refusals.record(Refusal::Unauthorized);
    let why =
        if presented.is_some() { "the bearer token is wrong" } else { "an Authorization: Bearer token is required" };
    let mut response =
        refusal(StatusCode::UNAUTHORIZED, "unauthorized", &format!("{why}; send the token set with MCP_AUTH_TOKEN"));
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"hostaway-mcp\""));
    response
}

/// The token of an `Authorization` value using the Bearer scheme.
fn bearer_token(value: &str) -> Option<&str> {
    credentials(value, "bearer")
}

/// The credentials of an `Authorization` value using `scheme`, whose name is case-insensitive (RFC
/// 9110 section 11.1): `bearer` and `BEARER` are as good as `Bearer`, `basic` as `Basic`. Shared
/// by the bearer check and the webhook receiver so no endpoint reads the scheme more strictly.
pub(super) fn credentials<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let (named, credentials) = value.trim().split_once([' ', '\t'])?;
    named.eq_ignore_ascii_case(scheme).then(|| credentials.trim())
}

fn refusal(status: StatusCode, error: &str, message: &str) -> Response {
    (status, Json(serde_json::json!({"error": error, "message": message}))).into_response()
}

/// A host and optional port, as in a `Host` header or an allowed-hosts entry.
#[derive(Debug, PartialEq, Eq)]
struct Authority {
    host: String,
    port: Option<u16>,
}

impl Authority {
    /// An allowed entry without a port admits the host on any port.
    fn admits(&self, presented: &Authority) -> bool {
        self.host == presented.host && self.port.is_none_or(|port| presented.port == Some(port))
    }
}

/// Reads a host and optional port. An authority with userinfo (`evil@localhost`) is refused: a
/// `Host` header never carries it (RFC 9110 section 7.2), and reading past it would admit any name.
fn parse_authority(text: &str) -> Option<Authority> {
    let text = text.trim();
    if text.contains('@') {
        return None;
    }
    let (host, port) = match text.parse::<axum::http::uri::Authority>() {
        Ok(authority) => (authority.host().to_string(), authority.port_u16()),
        Err(_) => (text.to_string(), None),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    (!host.is_empty()).then_some(Authority { host, port })
}

/// A browser origin as sent: `null`, or scheme, host and port.
#[derive(Debug, PartialEq, Eq)]
enum Origin {
    Null,
    Site { scheme: String, host: String, port: Option<u16> },
}

impl Origin {
    fn parse(text: &str) -> Option<Origin> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("null") {
            return Some(Origin::Null);
        }
        let uri = text.parse::<axum::http::Uri>().ok()?;
        let authority = parse_authority(uri.authority()?.as_str())?;
        Some(Origin::Site {
            scheme: uri.scheme_str()?.to_ascii_lowercase(),
            host: authority.host,
            port: authority.port,
        })
    }

    /// The port an origin without one implies (RFC 6454).
    fn port(&self) -> Option<u16> {
        match self {
            Origin::Null => None,
            Origin::Site { scheme, port, .. } => port.or(match scheme.as_str() {
                "http" => Some(80),
                "https" => Some(443),
                _ => None,
            }),
        }
    }
}

/// An allowed-origins entry: `scheme://host` (any port, as rmcp reads it), `scheme://host:port`,
/// `scheme://host:*`, or `null`.
#[derive(Debug)]
struct AllowedOrigin {
    origin: Origin,
    any_port: bool,
}

impl AllowedOrigin {
    fn parse(text: &str) -> Option<AllowedOrigin> {
        let text = text.trim();
        match text.strip_suffix(":*") {
            Some(base) => Some(AllowedOrigin { origin: Origin::parse(base)?, any_port: true }),
            None => {
                let origin = Origin::parse(text)?;
                let any_port = matches!(origin, Origin::Site { port: None, .. });
                Some(AllowedOrigin { origin, any_port })
            }
        }
    }

    fn admits(&self, presented: &Origin) -> bool {
        match (&self.origin, presented) {
            (Origin::Null, Origin::Null) => true,
            (Origin::Site { scheme, host, .. }, Origin::Site { scheme: s, host: h, .. }) => {
                scheme == s && host == h && (self.any_port || self.origin.port() == presented.port())
            }
            _ => false,
        }
    }
}

/// Serves `server` on `listener` until `shutdown` completes, within the connection limits of
/// `options` (see [`connections::serve`]).
pub async fn serve(
    listener: TcpListener,
    server: HostawayServer,
    options: HttpOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let shared = options.shared.clone();
    let everyone = Account { name: String::new(), server, shared, users: Vec::new() };
    serve_accounts(listener, vec![everyone], options, shutdown).await
}

/// One Hostaway account a deployment serves: its server (gateway, cache, circuits, write guard),
/// the Redis namespace its replicas share, and who reaches it (token subjects or emails). An
/// account with no users is the whole deployment's one account, reached by every client.
pub struct Account {
    /// The account's name: its webhooks route is `/webhooks/hostaway/<name>`.
    pub name: String,
    /// The server over the account's own gateway.
    pub server: HostawayServer,
    /// The Redis its replicas share, namespaced by its account id.
    pub shared: Option<SharedStore>,
    /// Who reaches it; empty for a deployment of one account, reached by everyone.
    pub users: Vec<String>,
}

/// Serves several accounts on `listener`: each request goes to the account its OAuth token's
/// person is listed in (see [`super::accounts_router`]), each account with its own sessions,
/// webhooks route, health line and everything behind its gateway. One account without users
/// is served as [`serve`] does.
pub async fn serve_accounts(
    listener: TcpListener,
    accounts: Vec<Account>,
    options: HttpOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let Some(first) = accounts.first().map(|account| account.server.clone()) else {
        return Err(std::io::Error::other("no account to serve"));
    };
    let sessions_token = CancellationToken::new();
    let stop_accepting = CancellationToken::new();
    let refusals = Arc::new(Refusals::new(first.metrics(), refusals::LOG_INTERVAL));
    let single = accounts.len() == 1 && accounts[0].users.is_empty();
    let mut in_flight = Vec::new();
    let mut routes = Vec::new();
    for account in accounts {
        let server = account.server;
        in_flight.push(server.in_flight());
        if let Some(shared) = &account.shared {
            server.subscriptions().share_through(Arc::new(RedisNotices::new(shared.clone())), stop_accepting.clone());
        }
        let learning = server.learn_account_zone();
        let stop_learning = stop_accepting.clone();
        tokio::spawn(async move { stop_learning.run_until_cancelled(learning).await });
        let health = options.webhook.as_ref().map(|webhook| {
            let login = webhook.login.expose().to_string();
            let health = Arc::new(WebhookHealth::new(
                server.gateway(),
                server.metrics(),
                server.subscriptions(),
                login,
                webhook.quiet,
            ));
            tokio::spawn(health.clone().run(webhook.check_every, stop_accepting.clone()));
            health
        });
        let own = HttpOptions { shared: account.shared.clone(), ..options.clone() };
        let app = router(server, sessions_token.child_token(), &own, refusals.clone(), health, !single);
        routes.push(super::accounts_router::Route { name: account.name, users: account.users, app });
    }
    let app = match routes.pop() {
        Some(route) if single => route.app,
        last => {
            routes.extend(last);
            let guard = edge_guard(&options, &first, refusals.clone(), false);
            super::accounts_router::router(routes, guard, options.oauth.as_ref())
        }
    };
    // On shutdown: stop accepting connections at once, let calls under way finish and their answers
    // go out, then close the sessions (their open streams would otherwise keep the server up).
    let stopping = stop_accepting.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopping.cancel();
        for calls in in_flight {
            calls.idle().await;
        }
        tokio::time::sleep(ANSWER_FLUSH).await;
        sessions_token.cancel();
    });
    // The tail of a burst of refusals is reported even if no further refusal comes to flush it.
    let summaries = refusals.clone();
    let ticking = stop_accepting.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(refusals::LOG_INTERVAL);
        while ticking.run_until_cancelled(tick.tick()).await.is_some() {
            summaries.flush();
        }
    });
    connections::serve(listener, app, options.connections, refusals, stop_accepting).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_names_are_case_insensitive() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("BEARER  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearerabc"), None);
        assert_eq!(credentials("basic dXNlcjpwdw==", "basic"), Some("dXNlcjpwdw=="));
        assert_eq!(credentials("BASIC\tdXNlcjpwdw==", "basic"), Some("dXNlcjpwdw=="));
        assert_eq!(credentials("Bearer dXNlcjpwdw==", "basic"), None);
    }

    #[test]
    fn allowed_origins_match_scheme_host_and_port() {
        let admits = |allowed: &str, origin: &str| {
            AllowedOrigin::parse(allowed).is_some_and(|a| Origin::parse(origin).is_some_and(|o| a.admits(&o)))
        };
        assert!(admits("http://localhost:*", "http://localhost:6274"));
        assert!(admits("https://ops.example.com", "https://ops.example.com"));
        assert!(admits("https://ops.example.com:443", "https://ops.example.com"));
        assert!(!admits("https://ops.example.com", "http://ops.example.com"));
        assert!(!admits("https://ops.example.com:8443", "https://ops.example.com"));
        assert!(!admits("http://localhost:*", "https://evil.example"));
    }
}
