//! The rate budget every replica takes its slots from: Hostaway's two exact sliding windows (per
//! IP and per account) as sorted sets of send times, checked and taken in one Lua script, so no
//! two replicas can both see a free slot and take it. Times come from Redis's own clock, the one
//! clock all replicas agree on.
//!
//! The per-IP window is shared too: replicas cannot tell whether they leave through one address
//! (the usual case behind one NAT or on one host), and sharing it can only make them slower,
//! never push them over Hostaway's limit.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use redis::Script;

use super::SharedStore;
use crate::hostaway::budget::{BoxFuture, Limits, RateBudget, Unavailable};

/// Checks both windows and takes a slot in both, or neither. KEYS: the IP window, the account
/// window. ARGV: the IP limit, the account limit (0: none), the window in microseconds, a member
/// unique to this request. Returns 0 when taken, else the microseconds until a slot frees up.
const TAKE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[3])
local wait = 0
for i = 1, 2 do
  local limit = tonumber(ARGV[i])
  if limit > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
    if redis.call('ZCARD', KEYS[i]) >= limit then
      local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
      local free = tonumber(oldest[2]) + window - now
      if free > wait then wait = free end
    end
  end
end
if wait > 0 then return wait end
for i = 1, 2 do
  if tonumber(ARGV[i]) > 0 then
    redis.call('ZADD', KEYS[i], now, ARGV[4])
    redis.call('PEXPIRE', KEYS[i], math.ceil(window / 1000) + 1000)
  end
end
return 0
";

/// Hostaway's limits, kept in Redis for every replica of the account.
#[derive(Debug)]
pub struct RedisRateBudget {
    store: SharedStore,
    limits: Limits,
    script: Script,
    keys: [String; 2],
    replica: u64,
    sent: AtomicU64,
}

impl RedisRateBudget {
    /// The shared budget for `limits` in `store`.
    pub fn new(store: SharedStore, limits: Limits) -> Self {
        let keys = [store.key("budget:ip"), store.key("budget:account")];
        Self { store, limits, script: Script::new(TAKE), keys, replica: rand::random(), sent: AtomicU64::new(0) }
    }

    async fn take(&self) -> Result<Result<(), Duration>, Unavailable> {
        let window = self.limits.window + self.limits.margin;
        let member = format!("{:016x}-{}", self.replica, self.sent.fetch_add(1, Ordering::Relaxed));
        let mut connection = self.store.connection();
        let wait: u64 = self
            .script
            .key(&self.keys[0])
            .key(&self.keys[1])
            .arg(self.limits.per_ip)
            .arg(self.limits.per_account)
            .arg(u64::try_from(window.as_micros()).unwrap_or(u64::MAX))
            .arg(member)
            .invoke_async(&mut connection)
            .await
            .map_err(|e| self.store.down(&e))?;
        Ok(if wait == 0 { Ok(()) } else { Err(Duration::from_micros(wait)) })
    }
}

impl RateBudget for RedisRateBudget {
    fn try_acquire(&self) -> BoxFuture<'_, Result<Result<(), Duration>, Unavailable>> {
        Box::pin(self.take())
    }
}
