//! A short-lived cache of Hostaway reads.
//!
//! Tools often read the same listing, calendar or reservation several times within a minute; the
//! cache answers repeats without spending the rate budget, and concurrent identical reads share one
//! upstream call. Every write through the gateway, and every change Hostaway reports by webhook,
//! drops the entries it may have made stale.
//!
//! A read still under way when such a change arrives may bring back the state from before it; the
//! cache numbers every change and remembers the recent ones, so an answer loaded across a change
//! that touches it is never kept, and a caller who asked after the change reads again.

use std::{
    any::{Any, TypeId},
    collections::{HashMap, VecDeque},
    future::Future,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use moka::{Expiry, future::Cache, ops::compute::Op};

use chrono::NaiveDate;

use super::{
    budget::{BoxFuture, Unavailable},
    error::GatewayError,
    types,
};

/// Which kinds of data a read shows, or a change alters, so that a change Hostaway reports drops
/// only the reads that show what it altered. Writes alter [`Topics::ALL`], as do reads that do not
/// say.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub(in crate::hostaway) struct Topics(u8);

impl Topics {
    /// A listing's own setup: its fields, the amenities.
    pub const LISTINGS: Self = Self(1);
    /// Bookings and what follows from them: availability, calendars, prices, reservation lists.
    pub const STAYS: Self = Self(2);
    /// Conversations and their messages.
    pub const MESSAGES: Self = Self(4);
    /// Everything.
    pub const ALL: Self = Self(u8::MAX);

    /// Both sets.
    pub const fn and(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    fn meets(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }
}

impl Default for Topics {
    fn default() -> Self {
        Self::ALL
    }
}

/// What a cached read is about, so writes can drop exactly what they touch.
#[derive(Clone, Copy, Debug, Default, Hash, PartialEq, Eq)]
pub(in crate::hostaway) struct Scope {
    /// The listing the read is about, if one.
    pub listing: Option<i64>,
    /// The reservation the read is about, if one.
    pub reservation: Option<i64>,
    /// What kinds of data it shows (a read) or alters (a change).
    pub about: Topics,
    /// A list of bookings: which bookings it can show (`None`: any, as far as the cache can tell).
    pub shows: Option<Bookings>,
    /// A change Hostaway reported to one booking: its dates and channel now, when the event said.
    pub now: Option<Stay>,
}

/// Which bookings a cached list of them can show: the filters a reported booking change is
/// judged against, so that a change to a booking the list neither holds nor can now show leaves
/// it cached.
#[derive(Clone, Copy, Debug, Default, Hash, PartialEq, Eq)]
pub(in crate::hostaway) struct Bookings {
    /// Only this listing's.
    pub listing: Option<i64>,
    /// Only this channel's.
    pub channel: Option<i64>,
    /// Arrival from, to (inclusive).
    pub arrival: (Option<NaiveDate>, Option<NaiveDate>),
    /// Departure from, to (inclusive).
    pub departure: (Option<NaiveDate>, Option<NaiveDate>),
    /// The page starts after this booking: a change to it may move the page.
    pub after: Option<i64>,
}

impl Bookings {
    /// Whether a booking of `listing` (when known) that is now `stay` may be among these. A day
    /// of margin either side of each date range, so a filter Hostaway applies in another zone or
    /// with exclusive bounds still counts as a match.
    fn may_show(&self, listing: Option<i64>, stay: &Stay) -> bool {
        // The last date there is has no next day; it stays itself (nothing lies beyond it anyway).
        let next = |day: NaiveDate| day.checked_add_days(chrono::Days::new(1)).unwrap_or(day);
        let within = |(from, to): (Option<NaiveDate>, Option<NaiveDate>), day: NaiveDate| {
            from.is_none_or(|from| from <= next(day)) && to.is_none_or(|to| day <= next(to))
        };
        let same = |wanted: Option<i64>, actual: Option<i64>| wanted.is_none() || actual.is_none() || wanted == actual;
        same(self.listing, listing)
            && same(self.channel, stay.channel)
            && within(self.arrival, stay.arrival)
            && within(self.departure, stay.departure)
    }
}

/// A booking's dates and channel as a webhook event reported them.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct Stay {
    /// Arrival day.
    pub arrival: NaiveDate,
    /// Departure day.
    pub departure: NaiveDate,
    /// The channel it came from, when the event said.
    pub channel: Option<i64>,
}

impl Stay {
    fn encode(&self) -> String {
        format!("{},{},{}", self.arrival, self.departure, self.channel.map(|c| c.to_string()).unwrap_or_default())
    }

    fn decode(text: &str) -> Option<Self> {
        let mut parts = text.split(',');
        let arrival = parts.next()?.parse().ok()?;
        let departure = parts.next()?.parse().ok()?;
        let channel = match parts.next()? {
            "" => None,
            id => Some(id.parse().ok()?),
        };
        Some(Self { arrival, departure, channel })
    }
}

/// Whether a change makes a cached read stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Touch {
    No,
    Yes,
    /// Only if the read (a list of bookings) holds this booking.
    IfListed(i64),
}

impl Scope {
    /// A read (or write) about one listing.
    pub fn listing(id: i64) -> Self {
        Self { listing: Some(id), ..Self::default() }
    }

    /// A read (or write) about one reservation of a listing (the listing may be unknown).
    pub fn reservation(id: i64, listing: Option<i64>) -> Self {
        Self { listing, reservation: Some(id), ..Self::default() }
    }

    /// The same scope, showing or altering only `topics`.
    pub fn about(self, topics: Topics) -> Self {
        Self { about: topics, ..self }
    }

    /// The scope as text for other replicas: "listing/reservation/topics", the ids empty when
    /// absent, then "/arrival,departure,channel" for a reported booking change.
    pub fn encode(&self) -> String {
        let part = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        let base = format!("{}/{}/{}", part(self.listing), part(self.reservation), self.about.0);
        match &self.now {
            Some(stay) => format!("{base}/{}", stay.encode()),
            None => base,
        }
    }

    /// A scope another replica encoded (one without topics alters everything); `None` when the
    /// text is not one.
    pub fn decode(text: &str) -> Option<Self> {
        let mut parts = text.split('/');
        let (listing, reservation) = (parts.next()?, parts.next()?);
        let about = match parts.next() {
            Some(topics) => Topics(topics.parse().ok()?),
            None => Topics::ALL,
        };
        let now = match parts.next() {
            Some(stay) => Some(Stay::decode(stay)?),
            None => None,
        };
        let part = |p: &str| if p.is_empty() { Ok(None) } else { p.parse().map(Some) };
        Some(Self { listing: part(listing).ok()?, reservation: part(reservation).ok()?, about, shows: None, now })
    }

    /// Whether a read with this scope may be stale after a change to `written`.
    fn touched_by(&self, written: &Scope) -> bool {
        self.touch(written) != Touch::No
    }

    /// How a change to `written` bears on a read with this scope. Reads about the whole account
    /// (lists, searches) may include anything the change is about, so they go whenever it alters
    /// what they show; a list of bookings that says which it can show stays when a reported booking
    /// change can neither have been in it nor be in it now.
    fn touch(&self, written: &Scope) -> Touch {
        let account_wide = self.listing.is_none() && self.reservation.is_none();
        let same_listing = self.listing.is_some() && self.listing == written.listing;
        let same_reservation = self.reservation.is_some() && self.reservation == written.reservation;
        if !((account_wide || same_listing || same_reservation) && self.about.meets(written.about)) {
            return Touch::No;
        }
        match (&self.shows, &written.now, written.reservation) {
            (Some(shows), Some(stay), Some(booking))
                if shows.after != Some(booking) && !shows.may_show(written.listing, stay) =>
            {
                Touch::IfListed(booking)
            }
            _ => Touch::Yes,
        }
    }
}

/// Whether a cached answer lists `booking` (or may: an answer of another kind).
fn lists(value: &(dyn Any + Send + Sync), booking: i64) -> bool {
    value.downcast_ref::<types::ReservationList>().is_none_or(|list| list.result.iter().any(|r| r.id == booking))
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
    /// Longer times for the operations Hostaway's webhooks report every change of, used while
    /// those webhooks are known to arrive (each event drops what it makes stale).
    pub live: HashMap<&'static str, Duration>,
}

impl CacheTtls {
    /// Caching off.
    pub fn disabled() -> Self {
        Self { default: Duration::ZERO, per_operation: HashMap::new(), live: HashMap::new() }
    }

    /// The TTL of `operation`.
    pub fn of(&self, operation: &str) -> Duration {
        self.per_operation.get(operation).copied().unwrap_or(self.default)
    }

    /// The TTL of `operation` while webhooks are live (`live`) or not.
    pub fn when(&self, operation: &str, live: bool) -> Duration {
        let own = self.of(operation);
        match self.live.get(operation) {
            Some(longer) if live && !own.is_zero() => *longer,
            _ => own,
        }
    }
}

impl Default for CacheTtls {
    /// Each operation's own time to live, as `src/hostaway/operations/` declares it: static data
    /// for minutes, live data (availability, bookings, messages) for seconds.
    fn default() -> Self {
        super::operations::default_ttls()
    }
}

/// One cached answer: the value, the number of the last change before its read began, and
/// whether a reader has since checked that no change overlapped the read.
struct Stored {
    value: Arc<dyn Any + Send + Sync>,
    began: u64,
    checked: AtomicBool,
}

type Value = Arc<Stored>;

/// Changes that dropped cached reads, numbered, with the scopes of the most recent (`None`: all).
#[derive(Debug, Default)]
struct Changes {
    count: u64,
    recent: VecDeque<(u64, Option<Scope>)>,
}

/// Changes remembered; a read overlapping more than this many is thrown away whatever they touched.
const RECENT_CHANGES: usize = 1024;

impl Changes {
    fn record(&mut self, scope: Option<Scope>) {
        self.count += 1;
        self.recent.push_back((self.count, scope));
        if self.recent.len() > RECENT_CHANGES {
            self.recent.pop_front();
        }
    }

    /// The number of the latest change after change `since` that may have made a read of `scope`
    /// stale, if any; the latest change when the record does not reach back to `since`.
    fn touching(&self, since: u64, scope: &Scope) -> Option<u64> {
        if self.count <= since {
            return None;
        }
        if self.recent.front().is_none_or(|(first, _)| *first > since + 1) {
            return Some(self.count);
        }
        self.recent
            .iter()
            .rev()
            .take_while(|(n, _)| *n > since)
            .find(|(_, changed)| changed.is_none_or(|changed| scope.touched_by(&changed)))
            .map(|(n, _)| *n)
    }
}

/// A read key plus the Rust type it yields, so one entry can only ever be read back as its own type.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct Key {
    read: ReadKey,
    kind: TypeId,
}

struct PerOperation {
    ttls: CacheTtls,
    live: Arc<AtomicBool>,
}

impl Expiry<Key, Value> for PerOperation {
    fn expire_after_create(&self, key: &Key, _: &Value, _: std::time::Instant) -> Option<Duration> {
        Some(self.ttls.when(key.read.operation, self.live.load(Ordering::Acquire)))
    }
}

/// The read cache.
#[derive(Clone)]
pub(in crate::hostaway) struct ReadCache {
    entries: Cache<Key, Value>,
    ttls: CacheTtls,
    live: Arc<AtomicBool>,
    changes: Arc<Mutex<Changes>>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache").field("entries", &self.entries.entry_count()).field("ttls", &self.ttls).finish()
    }
}

impl ReadCache {
    /// A cache holding at most `capacity` reads.
    pub fn new(ttls: CacheTtls, capacity: u64) -> Self {
        let live = Arc::new(AtomicBool::new(false));
        let entries = Cache::builder()
            .max_capacity(capacity)
            .expire_after(PerOperation { ttls: ttls.clone(), live: live.clone() })
            .support_invalidation_closures()
            .build();
        Self { entries, ttls, live, changes: Arc::default() }
    }

    /// Whether reads of `operation` are cached at all.
    pub fn caches(&self, operation: &str) -> bool {
        !self.ttls.of(operation).is_zero()
    }

    /// How long a read of `operation` cached now stays.
    pub fn ttl(&self, operation: &str) -> Duration {
        self.ttls.when(operation, self.live.load(Ordering::Acquire))
    }

    /// Switches the longer times of webhook-reported reads on or off. Switching off drops the reads
    /// cached under the longer times, since the events that kept them fresh may no longer come.
    pub fn set_live(&self, live: bool) {
        if self.live.swap(live, Ordering::AcqRel) && !live {
            let ttls = self.ttls.clone();
            self.changes().record(None);
            let _ = self.entries.invalidate_entries_if(move |key, _| ttls.live.contains_key(key.read.operation));
        }
    }

    /// The number of the last change so far.
    fn last_change(&self) -> u64 {
        self.changes().count
    }

    fn changes(&self) -> std::sync::MutexGuard<'_, Changes> {
        // A panic while holding this lock leaves a consistent record (each step is one push).
        self.changes.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached value for `key`, or the result of `load`, which runs once for concurrent
    /// identical keys. Returns whether the value came from the cache (or another caller's load).
    ///
    /// An answer whose read overlapped a change to its scope is not kept; it is still returned to
    /// callers who asked before that change (their question and the change overlap), while one who
    /// asked after it loads again, up to twice, so a change is never followed by an older answer.
    pub async fn get_or_load<T, F, Fut>(&self, read: ReadKey, load: F) -> Result<(T, bool), GatewayError>
    where
        T: Clone + Send + Sync + 'static,
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, GatewayError>>,
    {
        let key = Key { read, kind: TypeId::of::<T>() };
        let mut attempts = 0;
        loop {
            attempts += 1;
            let asked = self.last_change();
            let entry = self
                .entries
                .entry(key.clone())
                .or_try_insert_with(async {
                    let began = self.last_change();
                    let value = load().await?;
                    Ok::<_, GatewayError>(Arc::new(Stored { value: Arc::new(value), began, checked: false.into() }))
                })
                .await
                .map_err(|error| (*error).clone())?;
            let hit = !entry.is_fresh();
            let stored = entry.into_value();
            // The key carries T's TypeId, so the entry holds a T.
            let value = stored
                .value
                .downcast_ref::<T>()
                .cloned()
                .ok_or_else(|| GatewayError::InvalidRequest("cache entry of the wrong type".into()))?;
            if stored.checked.load(Ordering::Acquire) {
                return Ok((value, hit));
            }
            let overlapped = self.changes().touching(stored.began, &key.read.scope);
            match overlapped {
                None => {
                    // Changes from now on drop the entry themselves.
                    stored.checked.store(true, Ordering::Release);
                    return Ok((value, hit));
                }
                Some(change) => {
                    self.remove_if_same(&key, &stored).await;
                    if change > asked || attempts >= 3 {
                        return Ok((value, false));
                    }
                }
            }
        }
    }

    /// Drops `key`'s entry if it still holds `stored` (a newer answer may have replaced it).
    async fn remove_if_same(&self, key: &Key, stored: &Value) {
        self.entries
            .entry(key.clone())
            .and_compute_with(|current| {
                let same = current.is_some_and(|current| Arc::ptr_eq(current.value(), stored));
                std::future::ready(if same { Op::Remove } else { Op::Nop })
            })
            .await;
    }

    /// The number of the last change, to pass to [`ReadCache::put`] for a read that begins now.
    pub fn begin(&self) -> u64 {
        self.last_change()
    }

    /// Replaces the cached value for `read` with one just read from Hostaway, the read having begun
    /// after change `began`; readers throw it away if a change overlapped that read.
    pub async fn put<T: Send + Sync + 'static>(&self, read: ReadKey, value: T, began: u64) {
        let stored = Arc::new(Stored { value: Arc::new(value), began, checked: false.into() });
        self.entries.insert(Key { read, kind: TypeId::of::<T>() }, stored).await;
    }

    /// Drops every read.
    pub fn invalidate_all(&self) {
        self.changes().record(None);
        self.entries.invalidate_all();
    }

    /// Drops every read a write to `written` may have made stale.
    pub fn invalidate(&self, written: Scope) {
        self.changes().record(Some(written));
        // The closure registry only fails when closures were not enabled at build time; they are.
        let _ = self.entries.invalidate_entries_if(move |key, stored| match key.read.scope.touch(&written) {
            Touch::No => false,
            Touch::Yes => true,
            Touch::IfListed(booking) => lists(stored.value.as_ref(), booking),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Channel;

    #[test]
    fn a_write_drops_its_own_reads_and_account_wide_lists_but_not_other_listings() {
        let written = Scope::reservation(7, Some(1));
        assert!(Scope::default().touched_by(&written));
        assert!(Scope::listing(1).touched_by(&written));
        assert!(Scope::reservation(7, None).touched_by(&written));
        assert!(!Scope::listing(2).touched_by(&written));
        assert!(!Scope::reservation(8, Some(2)).touched_by(&written));
    }

    /// A cache of 60 s reads and a loader whose first call waits for `release` (after telling
    /// `started`) and answers "old"; later calls answer "new" at once.
    fn slow_first_read() -> (ReadCache, Arc<tokio::sync::Notify>, Arc<tokio::sync::Notify>, ReadKey) {
        let ttls = CacheTtls { default: Duration::from_secs(60), ..CacheTtls::disabled() };
        let key = ReadKey { operation: "getReservation", params: "7".into(), scope: Scope::reservation(7, Some(1)) };
        (ReadCache::new(ttls, 100), Arc::default(), Arc::default(), key)
    }

    async fn load(
        calls: &std::sync::atomic::AtomicU32,
        started: &tokio::sync::Notify,
        release: &tokio::sync::Notify,
    ) -> Result<&'static str, GatewayError> {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            started.notify_one();
            release.notified().await;
            return Ok("old");
        }
        Ok("new")
    }

    /// Reads `key` through `load` on another task.
    fn read_in_background(
        cache: &ReadCache,
        key: &ReadKey,
        calls: &Arc<std::sync::atomic::AtomicU32>,
        started: &Arc<tokio::sync::Notify>,
        release: &Arc<tokio::sync::Notify>,
    ) -> tokio::task::JoinHandle<Result<(&'static str, bool), GatewayError>> {
        let (cache, key, calls, started, release) =
            (cache.clone(), key.clone(), calls.clone(), started.clone(), release.clone());
        tokio::spawn(async move { cache.get_or_load(key, || load(&calls, &started, &release)).await })
    }

    #[tokio::test]
    async fn a_read_under_way_when_its_scope_changes_is_not_kept_and_later_callers_read_again() {
        let (cache, started, release, key) = slow_first_read();
        let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let first = read_in_background(&cache, &key, &calls, &started, &release);
        started.notified().await;
        cache.invalidate(Scope::reservation(7, None));
        let joiner = read_in_background(&cache, &key, &calls, &started, &release);
        tokio::time::sleep(Duration::from_millis(20)).await;
        release.notify_one();
        assert_eq!(first.await.unwrap().unwrap().0, "old", "the first question overlapped the change");
        assert_eq!(joiner.await.unwrap().unwrap().0, "new", "asked after the change, it must not get the older answer");
        let later = cache.get_or_load(key, || load(&calls, &started, &release)).await.unwrap();
        assert_eq!(later.0, "new");
    }

    #[tokio::test]
    async fn a_change_elsewhere_during_a_read_keeps_its_answer() {
        let (cache, started, release, key) = slow_first_read();
        let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let first = read_in_background(&cache, &key, &calls, &started, &release);
        started.notified().await;
        cache.invalidate(Scope::reservation(8, Some(2)));
        release.notify_one();
        assert_eq!(first.await.unwrap().unwrap().0, "old");
        assert_eq!(cache.get_or_load(key, || load(&calls, &started, &release)).await.unwrap(), ("old", true));
    }

    #[tokio::test]
    async fn a_fresh_read_that_overlapped_a_change_is_not_served_afterwards() {
        let (cache, _, _, key) = slow_first_read();
        let began = cache.begin();
        cache.invalidate(Scope::reservation(7, None));
        cache.put(key.clone(), "old", began).await;
        let read = cache.get_or_load(key.clone(), || async { Ok::<_, GatewayError>("new") }).await.unwrap();
        assert_eq!(read, ("new", false), "the change came before this question, so the older answer must not do");
        let read = cache.get_or_load(key, || async { Ok::<_, GatewayError>("newer") }).await.unwrap();
        assert_eq!(read, ("new", true));
    }

    #[tokio::test]
    async fn live_times_apply_while_webhooks_arrive_and_leaving_them_drops_what_they_cached() {
        let mut ttls = CacheTtls { default: Duration::from_secs(30), ..CacheTtls::disabled() };
        ttls.live.insert("getReservation", Duration::from_secs(900));
        let cache = ReadCache::new(ttls, 100);
        assert_eq!(cache.ttl("getReservation"), Duration::from_secs(30));
        cache.set_live(true);
        assert_eq!(cache.ttl("getReservation"), Duration::from_secs(900));
        assert_eq!(cache.ttl("getListing"), Duration::from_secs(30));
        let key = ReadKey { operation: "getReservation", params: "7".into(), scope: Scope::reservation(7, None) };
        let other = ReadKey { operation: "getListing", params: "1".into(), scope: Scope::listing(1) };
        cache.get_or_load(key.clone(), || async { Ok::<_, GatewayError>(1) }).await.unwrap();
        cache.get_or_load(other.clone(), || async { Ok::<_, GatewayError>(1) }).await.unwrap();
        cache.set_live(false);
        assert_eq!(cache.get_or_load(key, || async { Ok::<_, GatewayError>(2) }).await.unwrap(), (2, false));
        assert_eq!(cache.get_or_load(other, || async { Ok::<_, GatewayError>(2) }).await.unwrap(), (1, true));
    }

    #[test]
    fn a_booking_event_drops_what_shows_bookings_and_a_message_what_shows_messages() {
        let booked = Scope::reservation(7, Some(1)).about(Topics::STAYS);
        let calendar = Scope::listing(1).about(Topics::STAYS.and(Topics::LISTINGS));
        let inbox = Scope::default().about(Topics::MESSAGES.and(Topics::STAYS));
        assert!(calendar.touched_by(&booked));
        assert!(Scope::default().about(Topics::STAYS).touched_by(&booked), "the reservation lists");
        assert!(inbox.touched_by(&booked), "the inbox shows each conversation's booking");
        assert!(!Scope::listing(1).about(Topics::LISTINGS).touched_by(&booked), "the listing itself");
        assert!(!Scope::default().about(Topics::LISTINGS).touched_by(&booked), "the portfolio, the amenities");
        let message = Scope::reservation(7, None).about(Topics::MESSAGES);
        assert!(inbox.touched_by(&message));
        assert!(!Scope::reservation(7, None).about(Topics::STAYS).touched_by(&message), "the booking");
        assert!(Scope::listing(1).about(Topics::LISTINGS).touched_by(&Scope::listing(1)), "writes alter everything");
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn stay(arrival: &str, departure: &str) -> Option<Stay> {
        Some(Stay { arrival: day(arrival), departure: day(departure), channel: Some(Channel::Airbnb.id()) })
    }

    /// A list of bookings arriving in the first week of December 2026.
    fn first_week() -> Scope {
        let shows = Bookings { arrival: (Some(day("2026-12-01")), Some(day("2026-12-07"))), ..Bookings::default() };
        Scope { shows: Some(shows), ..Scope::default().about(Topics::STAYS) }
    }

    #[test]
    fn a_booking_change_outside_a_lists_filters_drops_it_only_if_it_held_the_booking() {
        let changed = |now| Scope { now, ..Scope::reservation(7, Some(1)).about(Topics::STAYS) };
        let list = first_week();
        assert_eq!(list.touch(&changed(stay("2026-12-20", "2026-12-23"))), Touch::IfListed(7));
        assert_eq!(list.touch(&changed(stay("2026-12-05", "2026-12-08"))), Touch::Yes, "it can show the booking now");
        assert_eq!(list.touch(&changed(stay("2026-12-08", "2026-12-10"))), Touch::Yes, "a day of margin");
        assert_eq!(list.touch(&changed(None)), Touch::Yes, "an event without dates");
        assert_eq!(list.touch(&Scope::reservation(7, Some(1))), Touch::Yes, "a write");
        let other_listing = Scope { shows: Some(Bookings { listing: Some(2), ..Bookings::default() }), ..list };
        assert_eq!(other_listing.touch(&changed(stay("2026-12-05", "2026-12-08"))), Touch::IfListed(7));
        let other_channel =
            Scope { shows: Some(Bookings { channel: Some(Channel::Direct.id()), ..Bookings::default() }), ..list };
        assert_eq!(other_channel.touch(&changed(stay("2026-12-05", "2026-12-08"))), Touch::IfListed(7));
        let after_it = Scope { shows: list.shows.map(|b| Bookings { after: Some(7), ..b }), ..list };
        assert_eq!(after_it.touch(&changed(stay("2026-12-20", "2026-12-23"))), Touch::Yes, "its page starts there");
        let to_the_end = Scope {
            shows: Some(Bookings { arrival: (Some(day("2026-12-01")), Some(NaiveDate::MAX)), ..Bookings::default() }),
            ..list
        };
        let at_the_end = Some(Stay { arrival: NaiveDate::MAX, departure: NaiveDate::MAX, channel: None });
        assert_eq!(to_the_end.touch(&changed(at_the_end)), Touch::Yes, "the last date there is, without overflow");
        let unfiltered = Scope::default().about(Topics::STAYS);
        assert_eq!(unfiltered.touch(&changed(stay("2026-12-20", "2026-12-23"))), Touch::Yes);
    }

    #[tokio::test]
    async fn a_booking_change_keeps_the_lists_that_never_held_it_and_cannot_show_it() {
        let cache = ReadCache::new(CacheTtls { default: Duration::from_secs(60), ..CacheTtls::disabled() }, 100);
        let page = |ids: &[i64]| -> types::ReservationList {
            let rows: Vec<_> = ids
                .iter()
                .map(|id| serde_json::json!({"id": id, "listingMapId": 1, "arrivalDate": "2026-12-02", "departureDate": "2026-12-04", "status": "new"}))
                .collect();
            serde_json::from_value(serde_json::json!({"status": "success", "result": rows})).unwrap()
        };
        let holding = ReadKey { operation: "listReservations", params: "a".into(), scope: first_week() };
        let without = ReadKey { operation: "listReservations", params: "b".into(), scope: first_week() };
        cache.get_or_load(holding.clone(), || async { Ok::<_, GatewayError>(page(&[7, 8])) }).await.unwrap();
        cache.get_or_load(without.clone(), || async { Ok::<_, GatewayError>(page(&[8])) }).await.unwrap();
        cache.invalidate(Scope {
            now: stay("2026-12-20", "2026-12-23"),
            ..Scope::reservation(7, Some(1)).about(Topics::STAYS)
        });
        let again = |key: ReadKey| {
            let cache = cache.clone();
            async move { cache.get_or_load(key, || async { Ok::<_, GatewayError>(page(&[])) }).await.unwrap().1 }
        };
        assert!(!again(holding).await, "the list that held the booking was read again");
        assert!(again(without).await, "the other stayed cached");
    }

    #[test]
    fn a_scope_travels_as_text_and_back() {
        for scope in [
            Scope::default(),
            Scope::listing(4),
            Scope::reservation(7, Some(1)),
            Scope::reservation(7, None).about(Topics::MESSAGES),
            Scope { now: stay("2026-12-01", "2026-12-04"), ..Scope::reservation(7, Some(1)).about(Topics::STAYS) },
            Scope {
                now: Some(Stay { channel: None, ..stay("2026-12-01", "2026-12-04").unwrap() }),
                ..Scope::reservation(7, None)
            },
        ] {
            assert_eq!(Scope::decode(&scope.encode()), Some(scope));
        }
        assert_eq!(Scope::decode("4/"), Some(Scope::listing(4)), "from a replica that sends no topics");
        assert_eq!(Scope::decode("x/1"), None);
        assert_eq!(Scope::decode("12"), None);
        assert_eq!(Scope::decode("1/7/2/2026-12-01"), None, "a stay without its departure");
    }
}
