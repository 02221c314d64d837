//! A short-lived cache of Hostaway reads.
//!
//! Tools often read the same listing, calendar or reservation several times within a minute; the
//! cache answers repeats without spending the rate budget, and concurrent identical reads share one
//! upstream call. Every write through the gateway drops the entries it may have made stale.

use std::{
    any::{Any, TypeId},
    collections::HashMap,
    sync::Arc,
    time::Duration,
};

use moka::{Expiry, future::Cache};

use super::{
    budget::{BoxFuture, Unavailable},
    error::GatewayError,
};

/// What a cached read is about, so writes can drop exactly what they touch.
#[derive(Clone, Copy, Debug, Default, Hash, PartialEq, Eq)]
pub(in crate::hostaway) struct Scope {
    /// The listing the read is about, if one.
    pub listing: Option<i64>,
    /// The reservation the read is about, if one.
    pub reservation: Option<i64>,
}

impl Scope {
    /// A read (or write) about one listing.
    pub fn listing(id: i64) -> Self {
        Self { listing: Some(id), reservation: None }
    }

    /// A read (or write) about one reservation of a listing (the listing may be unknown).
    pub fn reservation(id: i64, listing: Option<i64>) -> Self {
        Self { listing, reservation: Some(id) }
    }

    /// The scope as text for other replicas: "listing/reservation", each part empty when absent.
    pub fn encode(&self) -> String {
        let part = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        format!("{}/{}", part(self.listing), part(self.reservation))
    }

    /// A scope another replica encoded; `None` when the text is not one.
    pub fn decode(text: &str) -> Option<Self> {
        let (listing, reservation) = text.split_once('/')?;
        let part = |p: &str| if p.is_empty() { Ok(None) } else { p.parse().map(Some) };
        Some(Self { listing: part(listing).ok()?, reservation: part(reservation).ok()? })
    }

    /// Whether a read with this scope may be stale after a write to `written`. Reads about the
    /// whole account (lists, searches) may include anything, so every write drops them.
    fn touched_by(&self, written: &Scope) -> bool {
        let account_wide = self.listing.is_none() && self.reservation.is_none();
        let same_listing = self.listing.is_some() && self.listing == written.listing;
        let same_reservation = self.reservation.is_some() && self.reservation == written.reservation;
        account_wide || same_listing || same_reservation
    }
}

/// One cacheable read: the operation, its parameters rendered to text, and its scope.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub(in crate::hostaway) struct ReadKey {
    /// The spec's operationId.
    pub operation: &'static str,
    /// The request's parameters, e.g. `listingId=1&startDate=2026-01-01`.
    pub params: String,
    /// What the read is about.
    pub scope: Scope,
}

/// What other replicas wrote since this one last asked: the scopes of their writes (as
/// [`Scope::encode`] wrote them), or that the record was lost, so every cached read must go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missed {
    /// The writes' scopes, oldest first.
    Writes(Vec<String>),
    /// The record does not reach back far enough (Redis restarted, or it was trimmed).
    Everything,
}

/// How the read caches of replicas learn of each other's writes. One process needs none; with a
/// shared store every write is recorded in order, and a replica catches up before it answers
/// from its cache, so a write confirmed through one replica is never followed by a stale read
/// through another.
pub trait CacheCoherence: Send + Sync + std::fmt::Debug {
    /// Records a write to the scope `written` (encoded), before the write's answer is returned.
    fn announce<'a>(&'a self, written: &'a str) -> BoxFuture<'a, Result<(), Unavailable>>;
    /// The writes recorded since this replica last asked.
    fn missed(&self) -> BoxFuture<'_, Result<Missed, Unavailable>>;
}

/// How long reads of each operation stay fresh; zero disables caching for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheTtls {
    /// For operations without their own entry.
    pub default: Duration,
    /// Per operationId.
    pub per_operation: HashMap<&'static str, Duration>,
}

impl CacheTtls {
    /// Caching off.
    pub fn disabled() -> Self {
        Self { default: Duration::ZERO, per_operation: HashMap::new() }
    }

    /// The TTL of `operation`.
    pub fn of(&self, operation: &str) -> Duration {
        self.per_operation.get(operation).copied().unwrap_or(self.default)
    }
}

impl Default for CacheTtls {
    /// Each operation's own time to live, as `src/hostaway/operations/` declares it: static data
    /// for minutes, live data (availability, bookings, messages) for seconds.
    fn default() -> Self {
        super::operations::default_ttls()
    }
}

type Value = Arc<dyn Any + Send + Sync>;

/// A read key plus the Rust type it yields, so one entry can only ever be read back as its own type.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct Key {
    read: ReadKey,
    kind: TypeId,
}

struct PerOperation(CacheTtls);

impl Expiry<Key, Value> for PerOperation {
    fn expire_after_create(&self, key: &Key, _: &Value, _: std::time::Instant) -> Option<Duration> {
        Some(self.0.of(key.read.operation))
    }
}

/// The read cache.
#[derive(Clone)]
pub(in crate::hostaway) struct ReadCache {
    entries: Cache<Key, Value>,
    ttls: CacheTtls,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache").field("entries", &self.entries.entry_count()).field("ttls", &self.ttls).finish()
    }
}

impl ReadCache {
    /// A cache holding at most `capacity` reads.
    pub fn new(ttls: CacheTtls, capacity: u64) -> Self {
        let entries = Cache::builder()
            .max_capacity(capacity)
            .expire_after(PerOperation(ttls.clone()))
            .support_invalidation_closures()
            .build();
        Self { entries, ttls }
    }

    /// Whether reads of `operation` are cached at all.
    pub fn caches(&self, operation: &str) -> bool {
        !self.ttls.of(operation).is_zero()
    }

    /// The cached value for `key`, or the result of `load`, which runs once for concurrent
    /// identical keys. Returns whether the value came from the cache (or another caller's load).
    pub async fn get_or_load<T, F>(&self, read: ReadKey, load: F) -> Result<(T, bool), GatewayError>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, GatewayError>>,
    {
        let key = Key { read, kind: TypeId::of::<T>() };
        let entry = self
            .entries
            .entry(key)
            .or_try_insert_with(async { load.await.map(|value| Arc::new(value) as Value) })
            .await
            .map_err(|error| (*error).clone())?;
        let hit = !entry.is_fresh();
        // The key carries T's TypeId, so the entry holds a T.
        let value = entry.into_value().downcast_ref::<T>().cloned();
        value
            .map(|value| (value, hit))
            .ok_or_else(|| GatewayError::InvalidRequest("cache entry of the wrong type".into()))
    }

    /// Replaces the cached value for `read` with one just read from Hostaway.
    pub async fn put<T: Send + Sync + 'static>(&self, read: ReadKey, value: T) {
        self.entries.insert(Key { read, kind: TypeId::of::<T>() }, Arc::new(value) as Value).await;
    }

    /// Drops every read.
    pub fn invalidate_all(&self) {
        self.entries.invalidate_all();
    }

    /// Drops every read a write to `written` may have made stale.
    pub fn invalidate(&self, written: Scope) {
        // The closure registry only fails when closures were not enabled at build time; they are.
        let _ = self.entries.invalidate_entries_if(move |key, _| key.read.scope.touched_by(&written));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_drops_its_own_reads_and_account_wide_lists_but_not_other_listings() {
        let written = Scope::reservation(7, Some(1));
        assert!(Scope::default().touched_by(&written));
        assert!(Scope::listing(1).touched_by(&written));
        assert!(Scope::reservation(7, None).touched_by(&written));
        assert!(!Scope::listing(2).touched_by(&written));
        assert!(!Scope::reservation(8, Some(2)).touched_by(&written));
    }

    #[test]
    fn a_scope_travels_as_text_and_back() {
        for scope in [Scope::default(), Scope::listing(4), Scope::reservation(7, Some(1)), Scope::reservation(7, None)]
        {
            assert_eq!(Scope::decode(&scope.encode()), Some(scope));
        }
        assert_eq!(Scope::decode("x/1"), None);
        assert_eq!(Scope::decode("12"), None);
    }
}
