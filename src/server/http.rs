//! Streamable HTTP: `/mcp` for MCP, `/health` beside it.

use std::{future::Future, sync::Arc};

use axum::{Router, routing::get};
use rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::HostawayServer;

/// The HTTP router: `/mcp` (streamable HTTP, one server per session) and `/health`.
pub fn router(server: HostawayServer, shutdown: CancellationToken) -> Router {
    let config = StreamableHttpServerConfig::default().with_cancellation_token(shutdown);
    let mcp = StreamableHttpService::new(move || Ok(server.clone()), Arc::new(LocalSessionManager::default()), config);
    Router::new().nest_service("/mcp", mcp).route("/health", get(|| async { "ok" }))
}

/// Serves `server` on `listener` until `shutdown` completes. Sockets get TCP_NODELAY: with Nagle
/// on, keep-alive clients stall about 40 ms per call on delayed ACKs.
pub async fn serve(
    listener: TcpListener,
    server: HostawayServer,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let token = CancellationToken::new();
    let app = router(server, token.child_token());
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            token.cancel();
        })
        .await
}
