//! Shared state of a running sandbox and the gate every API request passes: operation lookup,
//! faults, the per-IP limit, the token check and the per-account limit, in Hostaway's order.

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex, MutexGuard},
    time::{Duration, Instant},
};

use axum::{
    body::Body,
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::sliding_window::SlidingWindow;

use super::{
    SandboxConfig,
    faults::{Fault, Faults},
    routes,
    server::ConnectionKill,
    stats::Stats,
    store::Store,
    wire::Failure,
};

/// An issued access token.
#[derive(Clone, Copy, Debug)]
pub struct Token {
    /// The account it belongs to.
    pub account_id: i64,
    /// When it starts to work (Hostaway: about a second after issue).
    pub valid_from: Instant,
    /// When it stops working.
    pub expires_at: Instant,
}

/// Everything a running sandbox shares between connections.
#[derive(Debug)]
pub struct Shared {
    /// Start-up configuration.
    pub config: SandboxConfig,
    /// The account's data.
    pub store: Mutex<Store>,
    /// Live access tokens.
    pub tokens: Mutex<HashMap<String, Token>>,
    /// Every token ever minted, so tests can prove none leaks.
    pub issued: Mutex<Vec<String>>,
    /// Faults in force.
    pub faults: Mutex<Faults>,
    /// What was served.
    pub stats: Mutex<Stats>,
    /// The client webhook deliveries go out with.
    pub webhook_client: reqwest::Client,
    ip_window: Mutex<SlidingWindow<IpAddr>>,
    account_window: Mutex<SlidingWindow<i64>>,
}

/// Locks a mutex, recovering the data if a previous holder panicked (the sandbox never leaves
/// half-written state behind a lock, so the data is still consistent).
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// State for a sandbox with `config` over `store`.
    pub fn new(config: SandboxConfig, store: Store) -> Self {
        let limits = config.limits;
        Self {
            faults: Mutex::new(Faults::new(config.faults.clone(), config.seed)),
            store: Mutex::new(store),
            tokens: Mutex::new(HashMap::new()),
            issued: Mutex::new(Vec::new()),
            stats: Mutex::new(Stats::default()),
            webhook_client: reqwest::Client::new(),
            ip_window: Mutex::new(SlidingWindow::new(limits.per_ip, limits.window)),
            account_window: Mutex::new(SlidingWindow::new(limits.per_account, limits.window)),
            config,
        }
    }

    fn count_status(&self, status: &str) {
        Stats::count(&mut lock(&self.stats).statuses, status);
    }

    /// Records that `operation` was carried out.
    pub fn applied(&self, operation: &str) {
        Stats::count(&mut lock(&self.stats).applied, operation);
    }

    fn check_token(&self, headers: &HeaderMap) -> Result<i64, Failure> {
        let denied = |why: &str| Failure::Forbidden(format!("Access denied: {why}. Request a new access token."));
        let value = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| denied("no access token"))?;
        let token =
            value.strip_prefix("Bearer ").ok_or_else(|| denied("the Authorization header is not a Bearer token"))?;
        let now = Instant::now();
        let mut tokens = lock(&self.tokens);
        let found = *tokens.get(token.trim()).ok_or_else(|| denied("unknown or revoked access token"))?;
        if now >= found.expires_at {
            tokens.remove(token.trim());
            return Err(denied("the access token has expired"));
        }
        if now < found.valid_from {
            return Err(denied("the access token is not valid yet (wait one second after issuing it)"));
        }
        Ok(found.account_id)
    }

    fn check_window<K: Eq + std::hash::Hash + Clone>(
        window: &Mutex<SlidingWindow<K>>,
        key: K,
        what: &str,
    ) -> Result<(), Failure> {
        let now = Instant::now();
        let mut window = lock(window);
        match window.check(&key, now) {
            Ok(()) => {
                window.record(key, now);
                Ok(())
            }
            Err(wait) => Err(Failure::RateLimited {
                message: format!(
                    "Too many requests: the {what} rate limit was exceeded. Retry in {} s.",
                    wait.as_secs().max(1)
                ),
                retry_after: None,
            }),
        }
    }
}

/// The gate in front of every `/v1` route.
pub async fn gate(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let operation = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|path| routes::operation_id(request.method(), path.as_str()))
        .unwrap_or("unknown");
    Stats::count(&mut lock(&shared.stats).received, operation);
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let kill = request.extensions().get::<ConnectionKill>().cloned();

    let (fault, latency, lone_surrogates) = {
        let mut faults = lock(&shared.faults);
        let slowed = faults.plan.only.is_empty() || faults.plan.only.iter().any(|o| o == operation);
        let latency = if slowed { faults.plan.latency_ms } else { 0 };
        (faults.draw(operation), latency, faults.plan.lone_surrogates)
    };
    // Handled apart from the connection, as a real server does: a request that arrived is carried
    // out even when its client has gone (killed while the answer was on its way back).
    let handling = tokio::spawn({
        let shared = shared.clone();
        async move {
            if latency > 0 {
                tokio::time::sleep(Duration::from_millis(latency)).await;
            }
            match admit(&shared, operation, peer, request.headers(), fault) {
                Err(failure) => failure.into_response(),
                Ok(()) => next.run(request).await,
            }
        }
    });
    let response = handling.await.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    match (fault, kill) {
        (Some(Fault::DropBefore | Fault::DropAfter), Some(kill)) => {
            shared.count_status("dropped");
            match kill.kill().await {}
        }
        (Some(Fault::Malformed), _) if response.status().is_success() => {
            shared.count_status("malformed");
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                Body::from("{\"status\":\"success\",\"result\":[{\"id\":"),
            )
                .into_response()
        }
        _ if lone_surrogates && response.status().is_success() => {
            shared.count_status(response.status().as_str());
            with_lone_surrogates(response).await
        }
        _ => {
            shared.count_status(response.status().as_str());
            if let Some(size) = axum::body::HttpBody::size_hint(response.body()).exact() {
                *lock(&shared.stats).bytes.entry(operation.to_string()).or_default() += size;
            }
            response
        }
    }
}

/// `response` with every U+FFFD of its body sent as the lone surrogate escape `\ud800`.
async fn with_lone_surrogates(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let text = String::from_utf8_lossy(&bytes).replace('\u{FFFD}', r"\ud800");
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(text))
}

fn admit(
    shared: &Shared,
    operation: &str,
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    fault: Option<Fault>,
) -> Result<(), Failure> {
    match fault {
        Some(Fault::DropBefore) => return Err(Failure::Internal("dropped".into())),
        Some(Fault::RateLimited) => {
            return Err(Failure::RateLimited {
                message: "Too many requests. Please slow down.".into(),
                retry_after: lock(&shared.faults).plan.retry_after_secs,
            });
        }
        Some(Fault::ServerError) => {
            return Err(Failure::Internal("Internal server error (injected by the sandbox)".into()));
        }
        _ => {}
    }
    if let Some(ip) = peer {
        Shared::check_window(&shared.ip_window, ip, "per-IP")?;
    }
    if routes::is_public(operation) {
        return Ok(());
    }
    let account = shared.check_token(headers)?;
    Shared::check_window(&shared.account_window, account, "per-account")
}
