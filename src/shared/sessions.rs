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

/// What Redis said of a session a request named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Touched {
    /// It holds the session; its idle time starts again.
    Held,
    /// A replica ended it (a DELETE): it is over everywhere.
    Ended,
    /// Redis could not be asked, or no longer knows the session (its keys were lost).
    Unknown,
}

impl RedisSessionStore {
    /// Sessions in `store` that lapse after `idle` without a request, as they do in one process.
    pub fn new(store: SharedStore, idle: Duration) -> Self {
        Self { store, idle, unstored: Arc::new(LogLimit::new(LASTING)), undeleted: Arc::new(LogLimit::new(LASTING)) }
    }

    fn key(&self, session_id: &str) -> String {
        self.store.key(&format!("session:{session_id}"))
    }

    /// The mark that session `session_id` was ended (not merely lost with Redis's keys).
    fn ended_key(&self, session_id: &str) -> String {
        self.store.key(&format!("session-ended:{session_id}"))
    }

    fn idle_ms(&self) -> u64 {
        u64::try_from(self.idle.as_millis()).unwrap_or(u64::MAX).clamp(1, i64::MAX as u64)
    }

    /// Starts the session's idle time again (a request of it arrived here), and says whether a
    /// replica ended it. A failure only costs the session its move to another replica, so it is
    /// not the request's failure.
    pub async fn touch(&self, session_id: &str) -> Touched {
        let (key, ended, idle) = (&self.key(session_id), &self.ended_key(session_id), self.idle_ms());
        let touched: Result<(bool, bool), _> = self
            .store
            .run(|mut c| async move { redis::pipe().pexpire(key, idle as i64).exists(ended).query_async(&mut c).await })
            .await;
        match touched {
            Ok((_, true)) => Touched::Ended,
            Ok((true, false)) => Touched::Held,
            // Not held and not ended: Redis lost its keys (a restart, a flush); the session goes on.
            Ok((false, false)) => Touched::Unknown,
            Err(error) => {
                tracing::debug!(%error, "cannot extend a session's life in Redis");
                Touched::Unknown
            }
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
        let (key, ended, idle) = (&self.key(session_id), &self.ended_key(session_id), self.idle_ms());
        let deleted: Result<((), i64), _> = self
            .store
            .run(|mut c| async move { redis::pipe().pset_ex(ended, 1, idle).del(key).query_async(&mut c).await })
            .await;
        if let Err(error) = deleted
            && let Some(due) = self.undeleted.occurred()
        {
            tracing::warn!(%error, "an ended session is not removed from Redis; it lapses there by itself ({due})");
        }
        Ok(())
    }
}
