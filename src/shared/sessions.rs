//! MCP sessions of the 2025 protocol versions in Redis, so a session opened on one replica goes on
//! on any other: rmcp keeps each session in the memory of the replica that opened it, and with a
//! store it records the client's `initialize` there, so a replica that meets an unknown session id
//! finds it here and replays the handshake before serving the request.
//!
//! An entry lives as long as the session may stay idle, and every request of the session (through
//! any replica) starts that time again; a `DELETE` removes it. A session id is a bearer secret:
//! it is a Redis key, never a log field.

use std::{sync::Arc, time::Duration};

use redis::AsyncCommands;
use rmcp::transport::streamable_http_server::session::{SessionState, SessionStore, SessionStoreError};

use super::SharedStore;
use crate::log_limit::{LASTING, LogLimit};

/// The sessions of one account's replicas in Redis.
#[derive(Debug, Clone)]
pub struct RedisSessionStore {
    store: SharedStore,
    idle: Duration,
    /// Lines about sessions that could not be recorded in Redis.
    unstored: Arc<LogLimit>,
    /// Lines about ended sessions that could not be removed from Redis.
    undeleted: Arc<LogLimit>,
}

impl RedisSessionStore {
    /// Sessions in `store` that lapse after `idle` without a request, as they do in one process.
    pub fn new(store: SharedStore, idle: Duration) -> Self {
        Self { store, idle, unstored: Arc::new(LogLimit::new(LASTING)), undeleted: Arc::new(LogLimit::new(LASTING)) }
    }

    fn key(&self, session_id: &str) -> String {
        self.store.key(&format!("session:{session_id}"))
    }

    fn idle_ms(&self) -> u64 {
        u64::try_from(self.idle.as_millis()).unwrap_or(u64::MAX).clamp(1, i64::MAX as u64)
    }

    /// Starts the session's idle time again (a request of it arrived here). A failure only costs
    /// the session its move to another replica, so it is not the request's failure.
    pub async fn touch(&self, session_id: &str) {
        let (key, idle) = (&self.key(session_id), self.idle_ms());
        let touched: Result<bool, _> = self.store.run(|mut c| async move { c.pexpire(key, idle as i64).await }).await;
        if let Err(error) = touched {
            tracing::debug!(%error, "cannot extend a session's life in Redis");
        }
    }
}

#[async_trait::async_trait]
impl SessionStore for RedisSessionStore {
    async fn load(&self, session_id: &str) -> Result<Option<SessionState>, SessionStoreError> {
        let key = &self.key(session_id);
        let raw: Option<String> = self.store.run(|mut c| async move { c.get(key).await }).await?;
        // An entry this version cannot read is a session it cannot continue: the client starts anew.
        Ok(raw.and_then(|raw| serde_json::from_str(&raw).ok()))
    }

    /// A session that cannot be recorded goes on on this replica only; that is not the client's
    /// failure, so it is only logged, once per [`LASTING`] and without the session id, instead of
    /// rmcp's line per session (which names the id).
    async fn store(&self, session_id: &str, state: &SessionState) -> Result<(), SessionStoreError> {
        let (key, json, idle) = (&self.key(session_id), &serde_json::to_string(state)?, self.idle_ms());
        let stored: Result<(), _> = self.store.run(|mut c| async move { c.pset_ex(key, json, idle).await }).await;
        if let Err(error) = stored
            && let Some(due) = self.unstored.occurred()
        {
            tracing::warn!(%error, "a new session is not shared through Redis; it goes on on this replica only ({due})");
        }
        Ok(())
    }

    /// An ended session left in Redis lapses after its idle time, so a failure is only logged, as
    /// in [`Self::store`].
    async fn delete(&self, session_id: &str) -> Result<(), SessionStoreError> {
        let key = &self.key(session_id);
        let deleted: Result<i64, _> = self.store.run(|mut c| async move { c.del(key).await }).await;
        if let Err(error) = deleted
            && let Some(due) = self.undeleted.occurred()
        {
            tracing::warn!(%error, "an ended session is not removed from Redis; it lapses there by itself ({due})");
        }
        Ok(())
    }
}
