//! The lock that makes identical confirmed writes through different replicas take turns: the
//! first holds it while it writes; the others wait, then look in Hostaway and find it done.
//!
//! The lock is a lease the holder renews while it writes. A holder that dies leaves it to expire
//! one lease later, and the lease is as long as one request to Hostaway may take (its timeout, and
//! a margin): a write the dead holder had already sent has landed or failed by then, so the next
//! holder's look in Hostaway sees it, and the same write is not sent twice.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use super::SharedStore;
use crate::{
    hostaway::budget::{BoxFuture, Unavailable},
    tools::guard::SharedWriteLock,
};

/// How often a waiting replica tries again (the tool's deadline ends the wait).
const RETRY: Duration = Duration::from_millis(20);

/// Extends KEYS[1] to ARGV[2] ms while it still holds ARGV[1]; 1 when it did.
const RENEW: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
";

/// Write locks in Redis, one key per write request.
#[derive(Debug)]
pub struct RedisWriteLock {
    store: SharedStore,
    lease: Duration,
    holder: u64,
    taken: AtomicU64,
}

impl RedisWriteLock {
    /// The locks in `store`, each a lease of `lease`: the longest one request to Hostaway may take
    /// (the request timeout), plus a margin.
    pub fn new(store: SharedStore, lease: Duration) -> Self {
        Self { store, lease, holder: rand::random(), taken: AtomicU64::new(0) }
    }

    fn key(&self, key: u64) -> String {
        self.store.key(&format!("write:{key:016x}"))
    }

    async fn take(&self, key: u64) -> Result<String, Unavailable> {
        let name = self.key(key);
        let held = format!("{:016x}-{}", self.holder, self.taken.fetch_add(1, Ordering::Relaxed));
        while !self.store.claim(&name, &held, self.lease).await? {
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

    fn lease(&self) -> Duration {
        self.lease
    }

    fn renew<'a>(&'a self, key: u64, held: &'a str) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let (name, script) = (&self.key(key), &redis::Script::new(RENEW));
            let lease = u64::try_from(self.lease.as_millis()).unwrap_or(u64::MAX);
            let renewed: Result<i64, _> = self
                .store
                .run(|mut c| async move { script.key(name).arg(held).arg(lease).invoke_async(&mut c).await })
                .await;
            renewed.is_ok_and(|done| done == 1)
        })
    }
}
