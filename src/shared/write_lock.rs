//! The lock that makes identical confirmed writes through different replicas take turns: the
//! first holds it while it writes; the others wait, then look in Hostaway and find it done. The
//! lock expires by itself if its holder dies mid-write.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use super::SharedStore;
use crate::{
    hostaway::budget::{BoxFuture, Unavailable},
    tools::guard::SharedWriteLock,
};

/// How long a lock outlives a holder that never gives it back.
const HOLD: Duration = Duration::from_secs(60);
/// How often a waiting replica tries again (the tool's deadline ends the wait).
const RETRY: Duration = Duration::from_millis(20);

/// Write locks in Redis, one key per write request.
#[derive(Debug)]
pub struct RedisWriteLock {
    store: SharedStore,
    holder: u64,
    taken: AtomicU64,
}

impl RedisWriteLock {
    /// The locks in `store`.
    pub fn new(store: SharedStore) -> Self {
        Self { store, holder: rand::random(), taken: AtomicU64::new(0) }
    }

    fn key(&self, key: u64) -> String {
        self.store.key(&format!("write:{key:016x}"))
    }

    async fn take(&self, key: u64) -> Result<String, Unavailable> {
        let name = self.key(key);
        let held = format!("{:016x}-{}", self.holder, self.taken.fetch_add(1, Ordering::Relaxed));
        while !self.store.claim(&name, &held, HOLD).await? {
            tokio::time::sleep(RETRY).await;
        }
        Ok(held)
    }
}

impl SharedWriteLock for RedisWriteLock {
    fn lock(&self, key: u64) -> BoxFuture<'_, Result<String, Unavailable>> {
        Box::pin(self.take(key))
    }

    fn unlock<'a>(&'a self, key: u64, held: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move { self.store.delete_if(&self.key(key), held).await })
    }
}
