//! The last good answer of each cached read, kept well past its freshness (a day by default) so
//! that when Hostaway fails, a read can be answered from what Hostaway said last, marked stale
//! with its age, rather than with an error.
//!
//! Copies are kept apart from the read cache: writes and webhook events drop cached reads, but
//! never these, since an outage may need them; whatever is answered from here is marked stale
//! anyway. Copies are kept serialized, so the bound is in bytes, not in entries of unknown size.

use std::{any::TypeId, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use moka::future::Cache;
use serde::{Serialize, de::DeserializeOwned};

use super::cache::ReadKey;
use crate::clock::Clock;

/// How long and how much is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepSettings {
    /// How long a copy stays after it was fetched (zero: keep nothing).
    pub keep_for: Duration,
    /// The bytes all copies may take together (their JSON).
    pub max_bytes: u64,
}

impl Default for KeepSettings {
    fn default() -> Self {
        Self { keep_for: Duration::from_secs(24 * 3600), max_bytes: 32 * 1024 * 1024 }
    }
}

/// One copy: the answer as JSON, and when Hostaway gave it.
struct Copy {
    body: Vec<u8>,
    fetched: DateTime<Utc>,
}

/// The kept copies.
#[derive(Clone)]
pub(in crate::hostaway) struct LastGood {
    copies: Option<Cache<(ReadKey, TypeId), Arc<Copy>>>,
    clock: Clock,
}

impl std::fmt::Debug for LastGood {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.copies.as_ref().map_or(0, Cache::entry_count);
        f.debug_struct("LastGood").field("copies", &count).finish()
    }
}

impl LastGood {
    /// A store following `settings`, stamping copies with `clock`'s time.
    pub fn new(settings: KeepSettings, clock: Clock) -> Self {
        let copies = (!settings.keep_for.is_zero()).then(|| {
            Cache::builder()
                .max_capacity(settings.max_bytes)
                .weigher(|(key, _): &(ReadKey, TypeId), copy: &Arc<Copy>| {
                    u32::try_from(copy.body.len() + key.params.len()).unwrap_or(u32::MAX)
                })
                .time_to_live(settings.keep_for)
                .build()
        });
        Self { copies, clock }
    }

    /// Keeps `value` as the last good answer to `read`, fetched now.
    pub async fn keep<T: Serialize + 'static>(&self, read: &ReadKey, value: &T) {
        let Some(copies) = &self.copies else { return };
        match serde_json::to_vec(value) {
            Ok(body) => {
                let copy = Arc::new(Copy { body, fetched: self.clock.now() });
                copies.insert((read.clone(), TypeId::of::<T>()), copy).await;
            }
            Err(error) => tracing::debug!(%error, operation = read.operation, "an answer could not be kept"),
        }
    }

    /// The last good answer to `read`, and when it was fetched.
    pub async fn get<T: DeserializeOwned + 'static>(&self, read: &ReadKey) -> Option<(T, DateTime<Utc>)> {
        let copy = self.copies.as_ref()?.get(&(read.clone(), TypeId::of::<T>())).await?;
        let value = serde_json::from_slice(&copy.body).ok()?;
        Some((value, copy.fetched))
    }
}
