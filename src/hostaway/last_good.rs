//! The last good answer of each cached read, kept well past its freshness (a day by default) so
//! that when Hostaway fails, a read can be answered from what Hostaway said last, marked stale
//! with its age, rather than with an error.
//!
//! Copies are kept apart from the read cache: writes and webhook events drop cached reads, but
//! never these, since an outage may need them; whatever is answered from here is marked stale
//! anyway. Copies are kept serialized, so the bound is in bytes, not in entries of unknown size.
//!
//! With replicas, copies are also written to the shared store ([`CopyStore`], in Redis), in the
//! background and bounded there too, so a replica that never made a read, or restarted during
//! the outage, can still answer it.

use std::{any::TypeId, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use moka::future::Cache;
use serde::{Serialize, de::DeserializeOwned};

use super::{
    budget::{BoxFuture, Unavailable},
    cache::ReadKey,
};
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

/// Copies kept where every replica finds them: raw bytes under a key, each for a while.
pub trait CopyStore: Send + Sync + std::fmt::Debug {
    /// Keeps `copy` under `key` for `keep_for`.
    fn put(&self, key: String, copy: Vec<u8>, keep_for: Duration) -> BoxFuture<'static, Result<(), Unavailable>>;
    /// The copy under `key`, if one is kept.
    fn get(&self, key: String) -> BoxFuture<'static, Result<Option<Vec<u8>>, Unavailable>>;
}

/// The kept copies.
#[derive(Clone)]
pub(in crate::hostaway) struct LastGood {
    copies: Option<Cache<(ReadKey, TypeId), Arc<Copy>>>,
    shared: Option<Arc<dyn CopyStore>>,
    keep_for: Duration,
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
        Self { copies, shared: None, keep_for: settings.keep_for, clock }
    }

    /// The same, also keeping copies in `shared` for other replicas.
    pub fn sharing(self, shared: Arc<dyn CopyStore>) -> Self {
        Self { shared: Some(shared), ..self }
    }

    /// The shared store's key of `read`'s copy: the operation and its parameters.
    fn shared_key(read: &ReadKey) -> String {
        format!("{}?{}", read.operation, read.params)
    }

    /// Keeps `value` as the last good answer to `read`, fetched now.
    pub async fn keep<T: Serialize + 'static>(&self, read: &ReadKey, value: &T) {
        let Some(copies) = &self.copies else { return };
        match serde_json::to_vec(value) {
            Ok(body) => {
                let copy = Arc::new(Copy { body, fetched: self.clock.now() });
                if let Some(shared) = &self.shared {
                    let put = shared.put(Self::shared_key(read), encode(&copy), self.keep_for);
                    tokio::spawn(async move {
                        if let Err(down) = put.await {
                            tracing::debug!(error = %down.0, "a last good copy was not shared");
                        }
                    });
                }
                copies.insert((read.clone(), TypeId::of::<T>()), copy).await;
            }
            Err(error) => tracing::debug!(%error, operation = read.operation, "an answer could not be kept"),
        }
    }

    /// The last good answer to `read`, and when it was fetched: the newer of this process's copy
    /// and the one replicas share.
    pub async fn get<T: DeserializeOwned + 'static>(&self, read: &ReadKey) -> Option<(T, DateTime<Utc>)> {
        let local = self.copies.as_ref()?.get(&(read.clone(), TypeId::of::<T>())).await;
        let shared = match &self.shared {
            Some(shared) => match shared.get(Self::shared_key(read)).await {
                Ok(bytes) => bytes.and_then(|bytes| decode(&bytes)).map(Arc::new),
                Err(down) => {
                    tracing::debug!(error = %down.0, "the shared last good copies cannot be read");
                    None
                }
            },
            None => None,
        };
        let copy = [local, shared].into_iter().flatten().max_by_key(|copy| copy.fetched)?;
        let value = serde_json::from_slice(&copy.body).ok()?;
        Some((value, copy.fetched))
    }
}

/// A copy as the shared store keeps it: when it was fetched (RFC 3339), a newline, the JSON.
fn encode(copy: &Copy) -> Vec<u8> {
    let mut bytes = copy.fetched.to_rfc3339().into_bytes();
    bytes.push(b'\n');
    bytes.extend_from_slice(&copy.body);
    bytes
}

fn decode(bytes: &[u8]) -> Option<Copy> {
    let newline = bytes.iter().position(|b| *b == b'\n')?;
    let fetched = std::str::from_utf8(&bytes[..newline]).ok()?.parse::<DateTime<Utc>>().ok()?;
    Some(Copy { body: bytes[newline + 1..].to_vec(), fetched })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_copy_reads_back_with_its_time() {
        let copy = Copy { body: br#"{"a":"x\ny"}"#.to_vec(), fetched: "2026-03-01T10:30:00Z".parse().unwrap() };
        let back = decode(&encode(&copy)).unwrap();
        assert_eq!((back.body, back.fetched), (copy.body, copy.fetched));
        assert!(decode(b"not a time\n{}").is_none());
    }
}
