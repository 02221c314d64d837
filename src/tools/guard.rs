//! The write guard: no write without `confirm: true`, no identical write sent twice within the
//! repeat window, and one audit line per write.
//!
//! Additive writes (a message, a new booking) are remembered for the whole window. Writes that set
//! state (block, price, a reservation's fields) are remembered only until another write sets the
//! same listing or reservation: otherwise block -> unblock -> block would answer the third call
//! from the first result and leave the calendar open.

use std::{
    any::Any,
    hash::{DefaultHasher, Hash, Hasher},
    sync::Arc,
    time::Duration,
};

use moka::future::Cache;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::error::ToolError;
use crate::hostaway::cache::Scope;

/// What happened to a write request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WriteStatus {
    /// Nothing was sent: this is what `confirm: true` would do.
    Preview,
    /// The change was made.
    Done,
    /// The same request was made moments ago; this is its result, and nothing was sent again.
    Repeated,
}

impl WriteStatus {
    /// The status of a confirmed write, from whether the guard answered it from memory.
    pub fn confirmed(repeated: bool) -> Self {
        if repeated { Self::Repeated } else { Self::Done }
    }
}

/// How long an identical confirmed write is answered from its first result.
pub const REPEAT_WINDOW: Duration = Duration::from_secs(600);

/// A confirmed write's result, and for state-setting writes what they set.
struct Remembered {
    sets: Option<Scope>,
    value: Arc<dyn Any + Send + Sync>,
}

/// Remembers recent confirmed writes.
#[derive(Clone)]
pub struct WriteGuard {
    recent: Cache<u64, Arc<Remembered>>,
}

impl std::fmt::Debug for WriteGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteGuard").field("recent", &self.recent.entry_count()).finish()
    }
}

impl Default for WriteGuard {
    fn default() -> Self {
        Self::new(REPEAT_WINDOW)
    }
}

impl WriteGuard {
    /// A guard answering repeats for `window`.
    pub fn new(window: Duration) -> Self {
        Self {
            recent: Cache::builder().time_to_live(window).max_capacity(10_000).support_invalidation_closures().build(),
        }
    }

    /// Runs an additive `write` once for `tool` + `request` within the window; concurrent and later
    /// identical requests get the first result with `repeated = true`. A failed write is not
    /// remembered, so it can be retried. `summary` goes to the audit log and must carry no secrets
    /// or message text.
    pub async fn once<T, F>(
        &self,
        tool: &'static str,
        request: &impl Hash,
        summary: &str,
        write: F,
    ) -> Result<(T, bool), ToolError>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, ToolError>>,
    {
        self.remember(tool, None, request, summary, write).await
    }

    /// Like [`WriteGuard::once`] for a write that sets the state of `sets`: once it is made, the
    /// remembered results of other writes to the same listing or reservation are forgotten.
    pub async fn once_setting<T, F>(
        &self,
        tool: &'static str,
        sets: Scope,
        request: &impl Hash,
        summary: &str,
        write: F,
    ) -> Result<(T, bool), ToolError>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, ToolError>>,
    {
        self.remember(tool, Some(sets), request, summary, write).await
    }

    async fn remember<T, F>(
        &self,
        tool: &'static str,
        sets: Option<Scope>,
        request: &impl Hash,
        summary: &str,
        write: F,
    ) -> Result<(T, bool), ToolError>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, ToolError>>,
    {
        let mut hasher = DefaultHasher::new();
        (tool, sets, request).hash(&mut hasher);
        let key = hasher.finish();
        let entry = self
            .recent
            .entry(key)
            .or_try_insert_with(async {
                write.await.map(|value| Arc::new(Remembered { sets, value: Arc::new(value) }))
            })
            .await;
        match entry {
            Ok(entry) => {
                let repeated = !entry.is_fresh();
                tracing::info!(target: "audit", tool, summary, outcome = if repeated { "repeated" } else { "done" }, "write");
                if let (false, Some(sets)) = (repeated, sets) {
                    // Closures are enabled on this cache, so registering one cannot fail.
                    let _ = self.recent.invalidate_entries_if(move |other, remembered| {
                        *other != key && remembered.sets.is_some_and(|s| s.overlaps(&sets))
                    });
                }
                let value = entry.into_value().value.downcast_ref::<T>().cloned();
                value
                    .map(|value| (value, repeated))
                    .ok_or_else(|| ToolError::Refused("internal: repeated write of another kind".into()))
            }
            Err(error) => {
                tracing::warn!(target: "audit", tool, summary, outcome = "failed", error = %error, "write");
                Err(Arc::try_unwrap(error).unwrap_or_else(|shared| ToolError::Refused(shared.to_string())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn write(
        guard: &WriteGuard,
        sets: Option<Scope>,
        request: &str,
        count: &std::sync::atomic::AtomicU32,
    ) -> bool {
        let work = async {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, ToolError>(request.to_string())
        };
        let (_, repeated) = match sets {
            Some(scope) => guard.once_setting("t", scope, &request, "audit", work).await.unwrap(),
            None => guard.once("t", &request, "audit", work).await.unwrap(),
        };
        repeated
    }

    #[tokio::test]
    async fn a_setting_write_forgets_earlier_settings_of_the_same_listing_but_additive_writes_stay_remembered() {
        let guard = WriteGuard::default();
        let sent = std::sync::atomic::AtomicU32::new(0);
        let listing = Some(Scope::listing(1));
        assert!(!write(&guard, listing, "block", &sent).await);
        assert!(write(&guard, listing, "block", &sent).await, "an immediate repeat is answered from memory");
        assert!(!write(&guard, listing, "unblock", &sent).await);
        assert!(!write(&guard, listing, "block", &sent).await, "blocking again after an unblock is a real write");
        assert!(!write(&guard, Some(Scope::listing(2)), "block", &sent).await);
        assert!(write(&guard, listing, "block", &sent).await, "another listing's write does not clear this one");
        assert_eq!(sent.load(std::sync::atomic::Ordering::SeqCst), 4);

        assert!(!write(&guard, None, "hello", &sent).await);
        assert!(!write(&guard, None, "bye", &sent).await);
        assert!(write(&guard, None, "hello", &sent).await, "a message is never sent twice in the window");
    }
}
