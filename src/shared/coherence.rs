//! The replicas' read caches kept coherent through Redis: every write is recorded in order (a
//! counter and a sorted set of the written scopes), and before answering from its cache a replica
//! catches up on what was recorded since it last looked. One script call each way, so a write
//! confirmed through one replica is never followed by a stale cached read through another; a
//! cache hit costs one Redis round trip.
//!
//! The record keeps the last [`KEPT`] writes. A replica that fell further behind, or a Redis that
//! restarted empty, makes the replica drop its whole cache instead.

use std::sync::atomic::{AtomicI64, Ordering};

use redis::Script;

use super::SharedStore;
use crate::hostaway::{
    budget::{BoxFuture, Unavailable},
    cache::{CacheCoherence, Missed},
};

/// Writes the record keeps.
const KEPT: i64 = 10_000;

/// Records one write. KEYS: the counter, the record. ARGV: the scope, how many to keep.
const ANNOUNCE: &str = r"
local n = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], n, n .. ' ' .. ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[2]) + 1))
return n
";

/// The writes after number ARGV[1] (-1: none, only the current number). Returns the current
/// number, 1 when the record does not reach back that far (else 0), then the entries.
const MISSED: &str = r"
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local seen = tonumber(ARGV[1])
if seen < 0 or n == seen then return {n, 0} end
if n < seen then return {n, 1} end
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if first[2] == nil or tonumber(first[2]) > seen + 1 then return {n, 1} end
local out = {n, 0}
for _, entry in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. seen, n)) do out[#out + 1] = entry end
return out
";

/// This replica's place in the shared record of writes.
#[derive(Debug)]
pub struct RedisCacheCoherence {
    store: SharedStore,
    keys: [String; 2],
    announce: Script,
    missed: Script,
    seen: AtomicI64,
}

impl RedisCacheCoherence {
    /// The record in `store`. A new replica starts with an empty cache, so it starts at the
    /// current write, whatever came before.
    pub fn new(store: SharedStore) -> Self {
        let keys = [store.key("writes:count"), store.key("writes")];
        Self { store, keys, announce: Script::new(ANNOUNCE), missed: Script::new(MISSED), seen: AtomicI64::new(-1) }
    }

    async fn record(&self, written: &str) -> Result<(), Unavailable> {
        let (script, keys) = (&self.announce, &self.keys);
        let _: i64 =
            self.store
                .run(|mut c| async move {
                    script.key(&keys[0]).key(&keys[1]).arg(written).arg(KEPT).invoke_async(&mut c).await
                })
                .await?;
        Ok(())
    }

    async fn catch_up(&self) -> Result<Missed, Unavailable> {
        let seen = self.seen.load(Ordering::Acquire);
        let (script, keys) = (&self.missed, &self.keys);
        let reply: Vec<redis::Value> = self
            .store
            .run(|mut c| async move { script.key(&keys[0]).key(&keys[1]).arg(seen).invoke_async(&mut c).await })
            .await?;
        let number = |i: usize| reply.get(i).and_then(|v| redis::from_redis_value_ref::<i64>(v).ok());
        let (now, lost) = (number(0).unwrap_or(0), number(1).unwrap_or(1));
        let entries = reply.iter().skip(2).filter_map(|v| redis::from_redis_value_ref::<String>(v).ok());
        if seen < 0 {
            self.seen.fetch_max(now, Ordering::AcqRel);
            return Ok(Missed::Writes(Vec::new()));
        }
        if lost == 1 {
            self.seen.store(now, Ordering::Release);
            return Ok(Missed::Everything);
        }
        self.seen.fetch_max(now, Ordering::AcqRel);
        let scopes =
            entries.into_iter().filter_map(|e| e.split_once(' ').map(|(_, scope)| scope.to_string())).collect();
        Ok(Missed::Writes(scopes))
    }
}

impl CacheCoherence for RedisCacheCoherence {
    fn announce<'a>(&'a self, written: &'a str) -> BoxFuture<'a, Result<(), Unavailable>> {
        Box::pin(self.record(written))
    }

    fn missed(&self) -> BoxFuture<'_, Result<Missed, Unavailable>> {
        Box::pin(self.catch_up())
    }
}
