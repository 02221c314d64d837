//! Resource subscriptions: a client that subscribed to a reservation, or to the unread
//! conversations, is told the moment a Hostaway webhook event changes it.
//!
//! Two ways in, one source. Sessions on 2025 protocol versions send `resources/subscribe` and get
//! `notifications/resources/updated` on their session; on 2026-07-28 a client opens a
//! `subscriptions/listen` stream naming the URIs, and the same notifications arrive on it. Both
//! follow one broadcast of changed URIs, fed by the webhook receiver of this process and, with
//! Redis, by the other replicas' receivers.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock, Weak},
    time::Duration,
};

use rmcp::{Peer, RoleServer, model::ResourceUpdatedNotificationParam, service::SubscriptionContext};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio_util::sync::CancellationToken;

use crate::shared::RedisNotices;

/// Subscriptions one session may hold; more are refused, so a client cannot grow memory at will.
pub const PER_SESSION: usize = 100;
/// Changes buffered for a slow subscriber before it misses some (it is then told of its URIs).
const BUFFERED: usize = 1024;
/// How often a quiet subscription checks that its session still exists.
const SESSION_CHECK: Duration = Duration::from_secs(30);

/// Every subscription of the process, and the changes they follow.
#[derive(Debug)]
pub struct Subscriptions {
    changes: broadcast::Sender<Arc<str>>,
    legacy: Mutex<HashMap<(u64, String), CancellationToken>>,
    replicas: OnceLock<Arc<RedisNotices>>,
}

impl Default for Subscriptions {
    fn default() -> Self {
        Self { changes: broadcast::channel(BUFFERED).0, legacy: Mutex::default(), replicas: OnceLock::new() }
    }
}

/// Why a subscription was refused.
#[derive(Debug, thiserror::Error)]
#[error("this session already holds {PER_SESSION} subscriptions; unsubscribe from one first")]
pub struct TooMany;

impl Subscriptions {
    /// Tells this process's subscribers of `uri` that it changed.
    pub fn changed(&self, uri: String) {
        // No receiver means nobody subscribed: nothing to tell.
        let _ = self.changes.send(uri.into());
    }

    /// Tells the subscribers of `uri` on this replica and, with Redis, on every other.
    pub async fn publish(&self, uri: String) {
        if let Some(replicas) = self.replicas.get() {
            replicas.publish(&uri).await;
        }
        self.changed(uri);
    }

    /// Passes this replica's changes to the others and theirs to this one's subscribers, through
    /// `notices`, until `stop`.
    pub fn share_through(self: &Arc<Self>, notices: Arc<RedisNotices>, stop: CancellationToken) {
        if self.replicas.set(notices.clone()).is_ok() {
            let local = Arc::downgrade(self);
            let deliver = move |uri| {
                if let Some(local) = local.upgrade() {
                    local.changed(uri);
                }
            };
            tokio::spawn(notices.follow(deliver, stop));
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<(u64, String), CancellationToken>> {
        self.legacy.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Subscribes `session` (whose peer is `peer`) to `uri`, under a 2025 protocol version. A
    /// repeat is a no-op; the subscription ends on unsubscribe or when the session is gone.
    pub fn subscribe(self: &Arc<Self>, session: u64, uri: String, peer: Peer<RoleServer>) -> Result<(), TooMany> {
        let stop = {
            let mut table = self.table();
            if table.contains_key(&(session, uri.clone())) {
                return Ok(());
            }
            if table.keys().filter(|(s, _)| *s == session).count() >= PER_SESSION {
                return Err(TooMany);
            }
            let stop = CancellationToken::new();
            table.insert((session, uri.clone()), stop.clone());
            stop
        };
        let changes = self.changes.subscribe();
        let registry = Arc::downgrade(self);
        tokio::spawn(follow(changes, uri, peer, stop, registry, session));
        Ok(())
    }

    /// Ends `session`'s subscription to `uri`, if it has one.
    pub fn unsubscribe(&self, session: u64, uri: &str) {
        if let Some(stop) = self.table().remove(&(session, uri.to_string())) {
            stop.cancel();
        }
    }

    /// Runs one `subscriptions/listen` stream until the client cancels it: each change to a URI
    /// it accepted becomes a `notifications/resources/updated` on the stream.
    pub async fn listen(&self, context: SubscriptionContext) {
        let uris = context.accepted().resource_subscriptions.clone().unwrap_or_default();
        if uris.is_empty() {
            context.cancelled().await;
            return;
        }
        let mut changes = self.changes.subscribe();
        loop {
            let uri = tokio::select! {
                _ = context.cancelled() => return,
                got = changes.recv() => got,
            };
            let told: Vec<String> = match uri {
                Ok(uri) => uris.iter().filter(|u| u.as_str() == &*uri).cloned().collect(),
                Err(RecvError::Lagged(_)) => uris.clone(),
                Err(RecvError::Closed) => return,
            };
            for uri in told {
                if context.sink().notify_resource_updated(uri).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// One 2025 subscription: forwards the changes to `uri` to `peer` until stopped or the session ends.
async fn follow(
    mut changes: broadcast::Receiver<Arc<str>>,
    uri: String,
    peer: Peer<RoleServer>,
    stop: CancellationToken,
    registry: Weak<Subscriptions>,
    session: u64,
) {
    let mut check = tokio::time::interval(SESSION_CHECK);
    loop {
        let tell = tokio::select! {
            _ = stop.cancelled() => break,
            _ = check.tick() => {
                if peer.is_transport_closed() { break }
                false
            }
            got = changes.recv() => match got {
                Ok(changed) => *changed == *uri,
                Err(RecvError::Lagged(_)) => true,
                Err(RecvError::Closed) => break,
            },
        };
        if tell && peer.notify_resource_updated(ResourceUpdatedNotificationParam::new(uri.clone())).await.is_err() {
            break;
        }
    }
    if let Some(registry) = registry.upgrade() {
        let mut table = registry.table();
        if table.get(&(session, uri.clone())).is_some_and(|token| token.is_cancelled() || !stop.is_cancelled()) {
            table.remove(&(session, uri));
        }
    }
}
