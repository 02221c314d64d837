//! The circuit breakers, one per operation, for every replica of an account: each operation's
//! failures in a row, whether its circuit is open, since when and until when, and the probe's
//! lease, in one Redis hash changed only by scripts, on Redis's clock; a set names the operations
//! that failed lately, for `/health`. So when Hostaway fails, every replica stops sending
//! together, and after the cool-down one probe goes out for all of them.

use redis::Script;

use super::SharedStore;
use crate::hostaway::{
    budget::{BoxFuture, Unavailable},
    circuit::{Admission, Circuit, CircuitSettings, CircuitStore, Outage},
};

/// The time now in milliseconds on Redis's clock (the clock all replicas agree on).
const NOW: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
";

/// The state of the circuit in hash `key` as {kind, a, b}: {0, failures, 0} closed, {2, open
/// for, probe in} open.
const STATE: &str = r"
local function state(key, now)
  local open_until = tonumber(redis.call('HGET', key, 'until'))
  if not open_until then return {0, tonumber(redis.call('HGET', key, 'failures')) or 0, 0} end
  local since = tonumber(redis.call('HGET', key, 'since')) or now
  local probe = tonumber(redis.call('HGET', key, 'probe')) or 0
  return {2, now - since, math.max(0, math.max(open_until, probe) - now)}
end
";

/// Whether a request may go: {0} send, {1} the probe, else the open state. ARGV: probe lease ms.
const ADMIT: &str = r"
local open_until = tonumber(redis.call('HGET', KEYS[1], 'until'))
if not open_until then return {0, 0, 0} end
if now >= open_until then
  local probe = tonumber(redis.call('HGET', KEYS[1], 'probe'))
  if not probe or now >= probe then
    redis.call('HSET', KEYS[1], 'probe', now + tonumber(ARGV[1]))
    return {1, 0, 0}
  end
end
return state(KEYS[1], now)
";

/// Records an outcome and returns the state after it. KEYS: the operation's hash, the set of
/// operations that failed lately. ARGV: 1 when Hostaway answered, the failures that open, the
/// cool-down ms, the ms after which a failure no longer adds up, the ms the hash lives after its
/// last change, the operation's name.
const RECORD: &str = r"
if ARGV[1] == '1' then
  redis.call('DEL', KEYS[1])
  return {0, 0, 0}
end
local last = tonumber(redis.call('HGET', KEYS[1], 'last'))
if last and now - last > tonumber(ARGV[4]) then redis.call('HSET', KEYS[1], 'failures', 0) end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HSET', KEYS[1], 'last', now)
local open_until = tonumber(redis.call('HGET', KEYS[1], 'until'))
local threshold = tonumber(ARGV[2])
if open_until then
  if now >= open_until then
    redis.call('HSET', KEYS[1], 'until', now + tonumber(ARGV[3]))
    redis.call('HDEL', KEYS[1], 'probe')
  end
elseif threshold > 0 and failures >= threshold then
  redis.call('HSET', KEYS[1], 'until', now + tonumber(ARGV[3]), 'since', now)
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('SADD', KEYS[2], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return state(KEYS[1], now)
";

/// The state of each circuit in KEYS, in order.
const EACH: &str = r"
local states = {}
for i, key in ipairs(KEYS) do states[i] = state(key, now) end
return states
";

/// The account's circuits, kept in Redis.
#[derive(Debug)]
pub struct RedisCircuit {
    store: SharedStore,
    settings: CircuitSettings,
    failed: String,
    admit: Script,
    record: Script,
    each: Script,
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn answer(reply: &[i64]) -> Result<Circuit, Unavailable> {
    let ms = |i: usize| std::time::Duration::from_millis(reply.get(i).copied().unwrap_or(0).max(0).unsigned_abs());
    match reply.first() {
        Some(0) => Ok(Circuit::Closed { failures: u32::try_from(reply.get(1).copied().unwrap_or(0)).unwrap_or(0) }),
        Some(2) => Ok(Circuit::Open(Outage { open_for: ms(1), probe_in: ms(2) })),
        _ => Err(Unavailable(format!("the shared circuit gave an unexpected answer {reply:?}"))),
    }
}

impl RedisCircuit {
    /// The circuits of `store`'s account, following `settings`.
    pub fn new(store: SharedStore, settings: CircuitSettings) -> Self {
        let script = |body: &str| Script::new(&format!("{NOW}{STATE}{body}"));
        Self {
            failed: store.key("circuit-failed"),
            store,
            settings,
            admit: script(ADMIT),
            record: script(RECORD),
            each: script(EACH),
        }
    }

    fn key(&self, operation: &str) -> String {
        self.store.key(&format!("circuit:{operation}"))
    }

    async fn run<T: redis::FromRedisValue>(
        &self,
        script: &Script,
        keys: &[String],
        args: &[String],
    ) -> Result<T, Unavailable> {
        self.store
            .run(|mut c| async move {
                let mut invocation = script.prepare_invoke();
                invocation.key(keys).arg(args);
                invocation.invoke_async(&mut c).await
            })
            .await
    }
}

impl CircuitStore for RedisCircuit {
    fn admit(&self, operation: &'static str) -> BoxFuture<'_, Result<Admission, Unavailable>> {
        Box::pin(async move {
            let lease = millis(self.settings.probe_lease).to_string();
            let reply: Vec<i64> = self.run(&self.admit, &[self.key(operation)], &[lease]).await?;
            match reply.first() {
                Some(0) => Ok(Admission::Send),
                Some(1) => Ok(Admission::Probe),
                _ => match answer(&reply)? {
                    Circuit::Open(outage) => Ok(Admission::Refuse(outage)),
                    Circuit::Closed { .. } => Ok(Admission::Send),
                },
            }
        })
    }

    fn record(&self, operation: &'static str, healthy: bool) -> BoxFuture<'_, Result<Circuit, Unavailable>> {
        Box::pin(async move {
            let s = &self.settings;
            let lives = s.forget_after + s.cool_down * 2 + s.probe_lease;
            let args = [
                u64::from(healthy).to_string(),
                s.failures.to_string(),
                millis(s.cool_down).to_string(),
                millis(s.forget_after).to_string(),
                millis(lives).to_string(),
                operation.to_string(),
            ];
            let keys = [self.key(operation), self.failed.clone()];
            answer(&self.run::<Vec<i64>>(&self.record, &keys, &args).await?)
        })
    }

    fn open(&self) -> BoxFuture<'_, Result<Vec<(String, Outage)>, Unavailable>> {
        Box::pin(async move {
            let failed = &self.failed;
            let mut operations: Vec<String> = self
                .store
                .run(|mut c| async move { redis::cmd("SMEMBERS").arg(failed).query_async(&mut c).await })
                .await?;
            operations.sort();
            if operations.is_empty() {
                return Ok(Vec::new());
            }
            let keys: Vec<String> = operations.iter().map(|operation| self.key(operation)).collect();
            let states: Vec<Vec<i64>> = self.run(&self.each, &keys, &[]).await?;
            let mut open = Vec::new();
            for (operation, state) in operations.into_iter().zip(states) {
                if let Circuit::Open(outage) = answer(&state)? {
                    open.push((operation, outage));
                }
            }
            Ok(open)
        })
    }
}
