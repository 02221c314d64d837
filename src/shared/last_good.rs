//! The last good copies of Hostaway's answers, shared by the replicas of an account, so one that
//! never made a read, or restarted during an outage, can still answer it from what another
//! fetched. Bounded in number: an index of when each copy was kept drops the oldest beyond
//! [`MAX_COPIES`], and copies larger than [`MAX_COPY_BYTES`] stay in their own replica, so the
//! copies cannot fill a Redis that is set never to evict.

use std::time::Duration;

use redis::Script;

use super::SharedStore;
use crate::hostaway::{
    budget::{BoxFuture, Unavailable},
    last_good::CopyStore,
};

/// Copies kept in Redis at most, per account.
pub const MAX_COPIES: usize = 1_000;

/// The largest copy shared (a page of reservations in full is about 500 KB; most are far smaller).
pub const MAX_COPY_BYTES: usize = 256 * 1024;

/// Keeps KEYS[1] = ARGV[1] for ARGV[2] ms and indexes it in KEYS[2] by time; returns the keys of
/// the oldest copies beyond ARGV[3], taken out of the index for the caller to delete.
const PUT: &str = r"
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[2], now, KEYS[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
local dropped = {}
if extra > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], extra)
  for i = 1, #oldest, 2 do dropped[#dropped + 1] = oldest[i] end
end
return dropped
";

/// The account's shared copies.
#[derive(Debug, Clone)]
pub struct RedisCopies {
    store: SharedStore,
    index: String,
    put: Script,
}

impl RedisCopies {
    /// The copies of `store`'s account.
    pub fn new(store: SharedStore) -> Self {
        Self { index: store.key("last-good"), store, put: Script::new(PUT) }
    }

    fn key(&self, key: &str) -> String {
        self.store.key(&format!("last-good:{key}"))
    }

    async fn keep(self, key: String, copy: Vec<u8>, keep_for: Duration) -> Result<(), Unavailable> {
        if copy.len() > MAX_COPY_BYTES {
            return Ok(());
        }
        let (script, index) = (&self.put, &self.index);
        let (key, copy) = (&self.key(&key), &copy);
        let keep_ms = u64::try_from(keep_for.as_millis()).unwrap_or(u64::MAX);
        let dropped: Vec<String> = self
            .store
            .run(|mut c| async move {
                script.key(key).key(index).arg(copy).arg(keep_ms).arg(MAX_COPIES).invoke_async(&mut c).await
            })
            .await?;
        if !dropped.is_empty() {
            let dropped = &dropped;
            let _: i64 =
                self.store.run(|mut c| async move { redis::cmd("DEL").arg(dropped).query_async(&mut c).await }).await?;
        }
        Ok(())
    }
}

impl CopyStore for RedisCopies {
    fn put(&self, key: String, copy: Vec<u8>, keep_for: Duration) -> BoxFuture<'static, Result<(), Unavailable>> {
        Box::pin(self.clone().keep(key, copy, keep_for))
    }

    fn get(&self, key: String) -> BoxFuture<'static, Result<Option<Vec<u8>>, Unavailable>> {
        let (store, key) = (self.store.clone(), self.key(&key));
        Box::pin(async move {
            let key = &key;
            store.run(|mut c| async move { redis::cmd("GET").arg(key).query_async(&mut c).await }).await
        })
    }
}
