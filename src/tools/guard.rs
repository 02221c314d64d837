//! The write guard: identical confirmed writes that arrive together share one upstream call, and
//! every confirmed write leaves one audit line.
//!
//! The guard keeps no memory of finished writes. Whether a write is still needed is decided by
//! asking Hostaway, in the tool, right before writing: a state-setting write compares the request
//! with the current state (`unchanged` when it already holds), and an additive write looks for its
//! own effect (`already_done` when the message or booking exists). That answer survives a lost
//! response, a restart and a second replica, which a memory in this process cannot.

use std::{
    any::Any,
    hash::{DefaultHasher, Hash, Hasher},
    sync::Arc,
};

use moka::future::Cache;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::error::ToolError;
use crate::hostaway::{
    GatewayError,
    budget::{BoxFuture, Unavailable},
};

/// A lock that spans replicas: identical confirmed writes arriving through two replicas at once
/// run one after the other, and the second then finds the first's effect in Hostaway. One process
/// needs none (its own in-flight joining does the same).
pub trait SharedWriteLock: Send + Sync + std::fmt::Debug {
    /// Takes the lock named `key`, waiting while another replica holds it; returns what
    /// [`SharedWriteLock::unlock`] needs, or why the lock cannot be asked.
    fn lock(&self, key: u64) -> BoxFuture<'_, Result<String, Unavailable>>;
    /// Gives the lock back (only if it is still the holder's).
    fn unlock<'a>(&'a self, key: u64, held: &'a str) -> BoxFuture<'a, ()>;
    /// How long the lock lasts unless renewed: how long a holder that died holds up the others.
    fn lease(&self) -> std::time::Duration;
    /// Extends the lock by a lease while it is still the holder's; `false` when it was not.
    fn renew<'a>(&'a self, key: u64, held: &'a str) -> BoxFuture<'a, bool>;
}

/// What happened to a write request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WriteStatus {
    /// Nothing was sent: this is what `confirm: true` would do.
    Preview,
    /// The change was made now.
    Done,
    /// Hostaway already holds what was asked for; nothing was sent.
    Unchanged,
    /// The message or booking already exists in Hostaway (an earlier call made it); nothing was sent again.
    AlreadyDone,
}

impl WriteStatus {
    /// The word the audit log uses.
    fn as_str(self) -> &'static str {
        match self {
            Self::Preview => "preview",
            Self::Done => "done",
            Self::Unchanged => "unchanged",
            Self::AlreadyDone => "already_done",
        }
    }
}

type Shared = Arc<dyn Any + Send + Sync>;

/// Joins identical confirmed writes that are under way at the same moment, in this process and,
/// with a shared lock, across replicas.
#[derive(Clone)]
pub struct WriteGuard {
    in_flight: Cache<u64, Shared>,
    shared: Option<Arc<dyn SharedWriteLock>>,
}

impl std::fmt::Debug for WriteGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteGuard").field("in_flight", &self.in_flight.entry_count()).finish()
    }
}

impl Default for WriteGuard {
    fn default() -> Self {
        Self { in_flight: Cache::builder().max_capacity(10_000).build(), shared: None }
    }
}

impl WriteGuard {
    /// A guard that also holds `lock` (shared by replicas) around every confirmed write.
    pub fn shared(lock: Arc<dyn SharedWriteLock>) -> Self {
        Self { shared: Some(lock), ..Self::default() }
    }

    /// Runs `write` for `tool` + `request`, where `request` is what makes the write the same one
    /// (a tool may pass less than its arguments, such as a task's identity). Requests arriving
    /// while it runs get its result, marked `already_done` since they wrote nothing, instead of
    /// running again, and through other replicas wait for it to finish. The key is a hash of both
    /// with fixed keys, the same in every replica of one build. A failed write is not shared with
    /// later callers. `summary` goes to the audit log and must carry no secrets, personal data or
    /// message text.
    pub async fn run<T, F>(
        &self,
        tool: &'static str,
        request: &impl Hash,
        summary: &str,
        write: F,
    ) -> Result<(T, WriteStatus), ToolError>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<(T, WriteStatus), ToolError>>,
    {
        let mut hasher = DefaultHasher::new();
        (tool, request).hash(&mut hasher);
        let key = hasher.finish();
        let entry = self
            .in_flight
            .entry(key)
            .or_try_insert_with(async {
                let held = match &self.shared {
                    Some(lock) => Some(lock.lock(key).await.map_err(|down| {
                        ToolError::Hostaway(GatewayError::SharedStateUnavailable { detail: down.0 })
                    })?),
                    None => None,
                };
                let done = match (&self.shared, &held) {
                    (Some(lock), Some(held)) => renewing(lock.as_ref(), key, held, write).await,
                    _ => write.await,
                };
                if let (Some(lock), Some(held)) = (&self.shared, held) {
                    lock.unlock(key, &held).await;
                }
                done.map(|done| Arc::new(done) as Shared)
            })
            .await;
        match entry {
            Ok(entry) => {
                let joined = !entry.is_fresh();
                if !joined {
                    self.in_flight.invalidate(&key).await;
                }
                let value = entry.into_value().downcast_ref::<(T, WriteStatus)>().cloned();
                let (value, first) =
                    value.ok_or_else(|| ToolError::Refused("internal: a joined write of another kind".into()))?;
                // A confirm that joined another already under way did not write: the first did.
                let status = if joined && first == WriteStatus::Done { WriteStatus::AlreadyDone } else { first };
                tracing::info!(target: "audit", tool, summary, outcome = status.as_str(), joined, "write");
                Ok((value, status))
            }
            Err(error) => {
                tracing::warn!(target: "audit", tool, summary, outcome = "failed", error = %error, "write");
                Err(Arc::try_unwrap(error).unwrap_or_else(|shared| ToolError::Refused(shared.to_string())))
            }
        }
    }
}

/// Runs `write` while renewing the lock `key` every third of its lease, so a write that takes
/// longer than one lease (retries, a slow Hostaway) keeps it.
async fn renewing<F: Future>(lock: &dyn SharedWriteLock, key: u64, held: &str, write: F) -> F::Output {
    let renew = async {
        loop {
            tokio::time::sleep(lock.lease() / 3).await;
            if !lock.renew(key, held).await {
                tracing::warn!(
                    "a write lock could not be renewed; an identical write elsewhere may start before this one ends"
                );
            }
        }
    };
    tokio::select! {
        done = write => done,
        never = renew => never,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test]
    async fn identical_writes_under_way_together_run_once_but_a_later_one_runs_again() {
        let guard = WriteGuard::default();
        let sent = AtomicU32::new(0);
        let write = || async {
            sent.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            Ok::<_, ToolError>(("sent".to_string(), WriteStatus::Done))
        };
        let (a, b) =
            tokio::join!(guard.run("t", &"hello", "audit", write()), guard.run("t", &"hello", "audit", write()));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.0, b.0, "both show the one write's effect");
        let mut statuses = [a.1, b.1];
        statuses.sort_by_key(|s| s.as_str());
        assert_eq!(statuses, [WriteStatus::AlreadyDone, WriteStatus::Done], "the one that joined wrote nothing");
        assert_eq!(sent.load(Ordering::SeqCst), 1, "two identical writes under way together share one");
        guard.run("t", &"hello", "audit", write()).await.unwrap();
        assert_eq!(sent.load(Ordering::SeqCst), 2, "a finished write is not remembered: Hostaway decides");
        guard.run("t", &"other", "audit", write()).await.unwrap();
        assert_eq!(sent.load(Ordering::SeqCst), 3);
    }
}
