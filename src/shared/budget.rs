//! The rate budget every replica takes its slots from: Hostaway's two exact sliding windows (per
//! IP and per account) as sorted sets of send times, checked and taken in one Lua script, so no
//! two replicas can both see a free slot and take it. Times come from Redis's own clock, the one
//! clock all replicas agree on.
//!
//! Redis keeps the windows in memory only. Whenever the budget's keys are found gone (Redis
//! restarted empty, an operator's `FLUSHALL`, an eviction, a failover to an empty replica), no
//! replica sends until one whole window has passed since then, so the sends Redis forgot, which
//! Hostaway still counts, cannot add up with new ones.
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
/// window, since when the windows are whole. ARGV: the IP limit, the account limit (0: none), the
/// window in microseconds, a member unique to this request, the KEYS[3] this replica saw last
/// (0: none yet). Returns {0 when taken, else the microseconds until a slot frees up; KEYS[3]}.
///
/// Until a whole window has passed since KEYS[3] (in seconds) no slot is free, because before it
/// the windows may have lost sends Hostaway still counts:
/// - missing and never seen by this replica: a first use, or a Redis restarted empty; it is set to
///   Redis's start from `INFO` (rounded up), so only a recent restart holds sends back;
/// - missing though this replica saw it, or set to an older value than the one it saw (a replica
///   that never saw it set it from `INFO` after the loss): the keys were lost on a running Redis
///   (`FLUSHALL`, an eviction, a failover to an empty replica), and nobody knows when; it is set
///   to now (rounded up), holding every replica back for one window from the discovery;
/// - newer than the one this replica saw: another replica found the loss first; it stands.
const TAKE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[3])
local wait = 0
local seen = tonumber(ARGV[5])
if tonumber(ARGV[1]) + tonumber(ARGV[2]) > 0 then
  local began = tonumber(redis.call('GET', KEYS[3]))
  if seen > 0 and (not began or began < seen) then
    began = tonumber(t[1]) + 1
    redis.call('SET', KEYS[3], began)
  elseif not began then
    local uptime = tonumber(string.match(redis.call('INFO', 'server'), 'uptime_in_seconds:(%d+)'))
    began = tonumber(t[1]) - uptime + 1
    redis.call('SET', KEYS[3], began)
  end
  seen = began
  wait = math.max(0, began * 1000000 + window - now)
end
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
if wait > 0 then return {wait, seen} end
for i = 1, 2 do
  if tonumber(ARGV[i]) > 0 then
    redis.call('ZADD', KEYS[i], now, ARGV[4])
    redis.call('PEXPIRE', KEYS[i], math.ceil(window / 1000) + 1000)
  end
end
return {0, seen}
";

/// Hostaway's limits, kept in Redis for every replica of the account.
#[derive(Debug)]
pub struct RedisRateBudget {
    store: SharedStore,
    limits: Limits,
    script: Script,
    keys: [String; 3],
    replica: u64,
    sent: AtomicU64,
    /// Since when the windows were whole when this replica last looked (Redis's KEYS[3]), so it
    /// can tell when they were lost since.
    seen: AtomicU64,
}

impl RedisRateBudget {
    /// The shared budget for `limits` in `store`.
    pub fn new(store: SharedStore, limits: Limits) -> Self {
        let keys = [store.key("budget:ip"), store.key("budget:account"), store.key("budget:began")];
        Self {
            store,
            limits,
            script: Script::new(TAKE),
            keys,
            replica: rand::random(),
            sent: AtomicU64::new(0),
            seen: AtomicU64::new(0),
        }
    }

    async fn take(&self) -> Result<Result<(), Duration>, Unavailable> {
        let window = self.limits.window + self.limits.margin;
        let member = format!("{:016x}-{}", self.replica, self.sent.fetch_add(1, Ordering::Relaxed));
        let (script, keys, limits) = (&self.script, &self.keys, &self.limits);
        let window = u64::try_from(window.as_micros()).unwrap_or(u64::MAX);
        let member = &member;
        let seen = self.seen.load(Ordering::Relaxed);
        let (wait, began): (u64, u64) = self
            .store
            .run(|mut c| async move {
                script
                    .key(&keys[0])
                    .key(&keys[1])
                    .key(&keys[2])
                    .arg(limits.per_ip)
                    .arg(limits.per_account)
                    .arg(window)
                    .arg(member)
                    .arg(seen)
                    .invoke_async(&mut c)
                    .await
            })
            .await?;
        self.seen.fetch_max(began, Ordering::Relaxed);
        Ok(if wait == 0 { Ok(()) } else { Err(Duration::from_micros(wait)) })
    }
}

impl RateBudget for RedisRateBudget {
    fn try_acquire(&self) -> BoxFuture<'_, Result<Result<(), Duration>, Unavailable>> {
        Box::pin(self.take())
    }
}
