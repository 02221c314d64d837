//! Streamable HTTP: `/mcp` for MCP, `/health` beside it, and the guards a public endpoint needs —
//! a bearer token, Host and Origin checks, and a body size limit.

use std::{future::Future, sync::Arc};

use axum::{
    Json, Router,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
};
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::HostawayServer;
use crate::hostaway::token::Secret;

/// Hosts a local server always answers to (the DNS-rebinding guard rejects any other `Host`).
const LOOPBACK_HOSTS: &[&str] = &["localhost", "127.0.0.1", "::1", "[::1]"];

/// Browser origins a local server accepts (MCP Inspector's web UI and the like).
const LOOPBACK_ORIGINS: &[&str] = &["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"];

/// Time given to the last answers to reach their clients after the last call finished.
const ANSWER_FLUSH: std::time::Duration = std::time::Duration::from_millis(500);

/// How the HTTP endpoint protects itself.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Required as `Authorization: Bearer <token>` on `/mcp` when set.
    pub auth_token: Option<Secret>,
    /// Extra `Host` values to accept besides loopback names (the public name behind a proxy).
    pub allowed_hosts: Vec<String>,
    /// Extra browser origins to accept besides loopback ones; any other `Origin` gets 403.
    pub allowed_origins: Vec<String>,
    /// Largest request body accepted, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Sessions open at once; a new session beyond this gets 503.
    pub max_sessions: usize,
    /// A session without activity for this long is closed.
    pub session_idle: std::time::Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            auth_token: None,
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            max_body_bytes: 1 << 20,
            max_sessions: 100,
            session_idle: std::time::Duration::from_secs(300),
        }
    }
}

/// The HTTP router: `/mcp` (streamable HTTP, one server per session), Prometheus `/metrics`
/// (behind the same token as `/mcp` when one is set) and `/health` (always open).
pub fn router(server: HostawayServer, shutdown: CancellationToken, options: &HttpOptions) -> Router {
    let hosts = LOOPBACK_HOSTS.iter().map(|h| h.to_string()).chain(options.allowed_hosts.iter().cloned());
    let origins = LOOPBACK_ORIGINS.iter().map(|o| o.to_string()).chain(options.allowed_origins.iter().cloned());
    let config = StreamableHttpServerConfig::default()
        .with_cancellation_token(shutdown)
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .enforce_origin_validation()
        .with_max_request_body_bytes(options.max_body_bytes);
    let metrics = server.metrics();
    let mut sessions = LocalSessionManager::default();
    sessions.session_config.keep_alive = Some(options.session_idle);
    let sessions = Arc::new(sessions);
    let mcp = StreamableHttpService::new(move || Ok(server.clone()), sessions.clone(), config);
    let cap = SessionCap { sessions: sessions.clone(), max: options.max_sessions };
    let mut guarded =
        Router::new().nest_service("/mcp", mcp).layer(middleware::from_fn_with_state(cap, limit_sessions)).route(
            "/metrics",
            get(move || async move {
                metrics.set_open_sessions(sessions.sessions.read().await.len());
                ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], metrics.render())
            }),
        );
    if let Some(token) = &options.auth_token {
        guarded = guarded.layer(middleware::from_fn_with_state(Arc::new(token.clone()), require_bearer));
    }
    guarded.route("/health", get(|| async { "ok" }))
}

/// The session table and how many sessions it may hold.
#[derive(Clone)]
struct SessionCap {
    sessions: Arc<LocalSessionManager>,
    max: usize,
}

/// Refuses to open a session (a POST without `Mcp-Session-Id`) when the table is full.
async fn limit_sessions(State(cap): State<SessionCap>, request: Request, next: Next) -> Response {
    let opens_session =
        request.method() == axum::http::Method::POST && !request.headers().contains_key("mcp-session-id");
    if opens_session && cap.sessions.sessions.read().await.len() >= cap.max {
        tracing::warn!(max = cap.max, "refused a new MCP session: too many open");
        let message = format!("the server already has {} open sessions; close one or retry later", cap.max);
        let body = serde_json::json!({"error": "too_many_sessions", "message": message});
        return (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, HeaderValue::from_static("30"))], Json(body))
            .into_response();
    }
    next.run(request).await
}

/// Refuses a request without the right bearer token; the comparison takes the same time whatever
/// the presented token, and neither token is ever logged.
async fn require_bearer(State(token): State<Arc<Secret>>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let accepted = presented.is_some_and(|p| bool::from(p.trim().as_bytes().ct_eq(token.expose().as_bytes())));
    if accepted {
        return next.run(request).await;
    }
    let why =
        if presented.is_some() { "the bearer token is wrong" } else { "an Authorization: Bearer token is required" };
    tracing::warn!(why, "refused an unauthenticated MCP request");
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(serde_json::json!({"error": "unauthorized", "message": format!("{why}; send the token set with MCP_AUTH_TOKEN")})),
    )
        .into_response();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"hostaway-mcp\""));
    response
}

/// Serves `server` on `listener` until `shutdown` completes. Sockets get TCP_NODELAY: with Nagle
/// on, keep-alive clients stall about 40 ms per call on delayed ACKs.
pub async fn serve(
    listener: TcpListener,
    server: HostawayServer,
    options: HttpOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let token = CancellationToken::new();
    let in_flight = server.in_flight();
    let app = router(server, token.child_token(), &options);
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });
    // On shutdown: stop accepting connections at once, let calls under way finish and their answers
    // go out, then close the sessions (their open streams would otherwise keep the server up).
    let (stop_accepting, stopped_accepting) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_accepting.send(());
        in_flight.idle().await;
        tokio::time::sleep(ANSWER_FLUSH).await;
        token.cancel();
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = stopped_accepting.await;
        })
        .await
}
