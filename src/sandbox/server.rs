//! The sandbox's accept loop.
//!
//! The sandbox serves connections itself instead of through `axum::serve` so that it can drop a
//! connection on purpose (fault injection) without answering, exactly as a broken network would,
//! and so that every accepted socket gets TCP_NODELAY (Nagle plus delayed ACK costs ~40 ms a call).

use std::{future::Future, net::SocketAddr, sync::Arc};

use axum::{Router, extract::ConnectInfo, extract::Request};
use hyper_util::{rt::TokioIo, service::TowerToHyperService};
use tokio::{net::TcpListener, sync::Notify};
use tower::ServiceExt;

/// Lets a request handler cut its own connection: the connection task drops the socket unanswered.
#[derive(Clone, Debug, Default)]
pub struct ConnectionKill(Arc<Notify>);

impl ConnectionKill {
    /// Drops the connection this request arrived on, then never returns.
    pub async fn kill(&self) -> std::convert::Infallible {
        self.0.notify_one();
        std::future::pending().await
    }
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(listener: TcpListener, router: Router, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    tracing::warn!(%error, "sandbox accept failed");
                    continue;
                }
            },
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        tokio::spawn(serve_connection(stream, peer, router.clone()));
    }
}

async fn serve_connection(stream: tokio::net::TcpStream, peer: SocketAddr, router: Router) {
    let kill = ConnectionKill::default();
    let signal = kill.0.clone();
    let service = router.map_request(move |mut request: Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request.extensions_mut().insert(kill.clone());
        request
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    tokio::select! {
        result = connection => {
            if let Err(error) = result {
                tracing::debug!(%error, %peer, "sandbox connection ended with an error");
            }
        }
        () = signal.notified() => tracing::debug!(%peer, "sandbox dropped a connection on purpose"),
    }
}
