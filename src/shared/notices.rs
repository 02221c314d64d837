//! Resource changes told to every replica through Redis pub/sub, so a client subscribed through
//! any replica hears of a webhook event whichever replica received it.
//!
//! Pub/sub keeps nothing: a replica cut off from Redis misses what was published meanwhile. A
//! notification only says "read this again", and the caches stay coherent through the record of
//! writes (`coherence.rs`), so a missed one costs a client a prompt, never a stale answer.

use std::{sync::Arc, time::Duration};

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::SharedStore;
use crate::log_limit::{LASTING, LogLimit};

/// How long to wait before subscribing again after the connection was lost.
const RESUBSCRIBE: Duration = Duration::from_secs(1);

/// This replica's end of the account's change channel.
#[derive(Debug)]
pub struct RedisNotices {
    store: SharedStore,
    channel: String,
    origin: String,
    /// Lines about changes not told to the other replicas.
    unpublished: LogLimit,
}

impl RedisNotices {
    /// The account's channel in `store`; this replica marks what it publishes, to skip it when it
    /// comes back (it has told its own subscribers already).
    pub fn new(store: SharedStore) -> Self {
        let channel = store.key("changes");
        let origin = format!("{:016x}", rand::random::<u64>());
        Self { store, channel, origin, unpublished: LogLimit::new(LASTING) }
    }

    /// Tells the other replicas that `uri` changed. A failure is only logged: their subscribers
    /// miss one notification, their caches still catch up.
    pub async fn publish(&self, uri: &str) {
        let message = format!("{} {uri}", self.origin);
        let (channel, message) = (&self.channel, &message);
        let sent: Result<i64, _> = self
            .store
            .run(|mut c| async move { redis::cmd("PUBLISH").arg(channel).arg(message).query_async(&mut c).await })
            .await;
        if let Err(error) = sent
            && let Some(due) = self.unpublished.occurred()
        {
            tracing::warn!(%error, "other replicas' subscribers are not told of this change ({due})");
        }
    }

    /// Passes every URI the other replicas publish to `deliver`, until `stop`; subscribes again
    /// whenever the connection is lost, every second while Redis is away, with one line about it
    /// per [`LASTING`].
    pub async fn follow(self: Arc<Self>, deliver: impl Fn(String), stop: CancellationToken) {
        let unfollowed = LogLimit::new(LASTING);
        loop {
            let lost = match self.store.client.get_async_pubsub().await {
                Ok(mut pubsub) => match pubsub.subscribe(&self.channel).await {
                    Ok(()) => {
                        let mut messages = pubsub.on_message();
                        while let Some(Some(message)) = stop.run_until_cancelled(messages.next()).await {
                            let Ok(payload) = message.get_payload::<String>() else { continue };
                            if let Some((origin, uri)) = payload.split_once(' ')
                                && origin != self.origin
                            {
                                deliver(uri.to_string());
                            }
                        }
                        None
                    }
                    Err(error) => Some(error),
                },
                Err(error) => Some(error),
            };
            if let Some(error) = lost
                && let Some(due) = unfollowed.occurred()
            {
                tracing::warn!(error = %self.store.down(&error), "cannot follow other replicas' changes ({due})");
            }
            if stop.run_until_cancelled(tokio::time::sleep(RESUBSCRIBE)).await.is_none() {
                return;
            }
        }
    }
}
