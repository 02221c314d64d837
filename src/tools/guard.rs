//! The write guard: no write without `confirm: true`, no identical write sent twice within the
//! repeat window, and one audit line per write.

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

/// How long an identical confirmed write is answered from its first result.
pub const REPEAT_WINDOW: Duration = Duration::from_secs(600);

/// Remembers recent confirmed writes.
#[derive(Clone)]
pub struct WriteGuard {
    recent: Cache<u64, Arc<dyn Any + Send + Sync>>,
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
        Self { recent: Cache::builder().time_to_live(window).max_capacity(10_000).build() }
    }

    /// Runs `write` once for `tool` + `request` within the window; concurrent and later identical
    /// requests get the first result with `repeated = true`. A failed write is not remembered, so
    /// it can be retried. `summary` goes to the audit log and must carry no secrets or message text.
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
        let mut hasher = DefaultHasher::new();
        (tool, request).hash(&mut hasher);
        let key = hasher.finish();
        let entry = self
            .recent
            .entry(key)
            .or_try_insert_with(async { write.await.map(|value| Arc::new(value) as Arc<dyn Any + Send + Sync>) })
            .await;
        match entry {
            Ok(entry) => {
                let repeated = !entry.is_fresh();
                tracing::info!(target: "audit", tool, summary, outcome = if repeated { "repeated" } else { "done" }, "write");
                let value = entry.into_value().downcast_ref::<T>().cloned();
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
