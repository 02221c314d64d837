//! The circuit breakers: after an operation of Hostaway's has failed several times in a row (5xx,
//! connections that fail or time out), stop sending it for a cool-down, so calls answer at once
//! (from the last good copy, or with an error that says so) instead of each spending seconds on
//! retries that cannot succeed. After the cool-down one request goes out as a probe; its success
//! closes the circuit, its failure opens it for another cool-down.
//!
//! The account has one circuit per operation: when all of Hostaway is down every operation's
//! opens within its first call, and when one endpoint fails (Hostaway's outages are often
//! partial) the others stay fresh. Any answer Hostaway gives (a 404, a 429, a refusal) proves it
//! is up and counts as a success: only the failures of an outage open a circuit. Replicas that
//! share Redis share the circuits (`crate::shared::circuit`), so they stop and probe together.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use super::budget::{BoxFuture, Unavailable};

/// When the circuit opens and how long it stays open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CircuitSettings {
    /// Failures in a row that open the circuit (0: never open).
    pub failures: u32,
    /// How long an open circuit sends nothing before it probes.
    pub cool_down: Duration,
    /// Failures further apart than this do not add up: a fault an hour after the last is not an outage.
    pub forget_after: Duration,
    /// How long a probe may be out before another may go (its caller may have given up on it).
    pub probe_lease: Duration,
}

impl Default for CircuitSettings {
    /// Three failures in a row: one 5xx now and then is retried and forgotten, while in an outage
    /// the third attempt (after 0.25 + 0.5 s of backoff) already opens the circuit, so even the
    /// first call of an outage ends within a second.
    fn default() -> Self {
        Self {
            failures: 3,
            cool_down: Duration::from_secs(15),
            forget_after: Duration::from_secs(60),
            probe_lease: Duration::from_secs(25),
        }
    }
}

/// What the circuit says about sending one request now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Closed: send.
    Send,
    /// The cool-down is over and this request is the one probe: send, and its outcome decides.
    Probe,
    /// Open: send nothing.
    Refuse(Outage),
}

/// An open circuit, as a caller is told of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outage {
    /// How long the circuit has been open (since the failure that opened it).
    pub open_for: Duration,
    /// How long until the next probe may go.
    pub probe_in: Duration,
}

/// One operation's circuit, for `/health` and the metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Circuit {
    /// Hostaway answers; `failures` in a row so far (below the threshold).
    Closed {
        /// Recent failures in a row.
        failures: u32,
    },
    /// Hostaway is failing: nothing is sent until the next probe.
    Open(Outage),
}

impl Circuit {
    /// Whether the circuit is open.
    pub fn is_open(&self) -> bool {
        matches!(self, Self::Open(_))
    }
}

/// Where the circuits' state lives: in this process, or in Redis for every replica. Each
/// method is about one `operation` (an operationId) but `open`, which looks at them all.
pub trait CircuitStore: Send + Sync + std::fmt::Debug {
    /// Whether a request may go now (taking the probe when one is due).
    fn admit(&self, operation: &'static str) -> BoxFuture<'_, Result<Admission, Unavailable>>;
    /// Records one request's outcome (`healthy`: Hostaway answered) and returns the state after it.
    fn record(&self, operation: &'static str, healthy: bool) -> BoxFuture<'_, Result<Circuit, Unavailable>>;
    /// The operations whose circuits are open now, by name.
    fn open(&self) -> BoxFuture<'_, Result<Vec<(String, Outage)>, Unavailable>>;
}

/// The circuits of one process.
#[derive(Debug)]
pub struct LocalCircuit {
    settings: CircuitSettings,
    states: Mutex<HashMap<&'static str, State>>,
}

#[derive(Debug, Default)]
struct State {
    failures: u32,
    last_failure: Option<Instant>,
    /// Since when it is open, and until when it sends nothing.
    open: Option<(Instant, Instant)>,
    /// Until when the probe that went out holds its lease.
    probe_until: Option<Instant>,
}

impl LocalCircuit {
    /// Closed circuits following `settings`.
    pub fn new(settings: CircuitSettings) -> Self {
        Self { settings, states: Mutex::default() }
    }

    fn states(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, State>> {
        // Each change below is a few plain assignments, consistent even after a panic elsewhere.
        self.states.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long a circuit's state outlives its last failure (then it is closed and forgotten),
    /// as the shared store's keys expire.
    fn lifetime(&self) -> Duration {
        self.settings.forget_after + self.settings.cool_down * 2 + self.settings.probe_lease
    }

    fn admit_at(&self, operation: &'static str, now: Instant) -> Admission {
        let mut states = self.states();
        let lifetime = self.lifetime();
        states.retain(|_, state| state.last_failure.is_none_or(|last| now.saturating_duration_since(last) <= lifetime));
        let Some(state) = states.get_mut(operation) else { return Admission::Send };
        let Some((since, until)) = state.open else { return Admission::Send };
        let waiting = |until: Instant| Outage { open_for: now - since, probe_in: until.saturating_duration_since(now) };
        if now < until {
            return Admission::Refuse(waiting(until));
        }
        match state.probe_until {
            Some(lease) if now < lease => Admission::Refuse(waiting(lease)),
            _ => {
                state.probe_until = Some(now + self.settings.probe_lease);
                Admission::Probe
            }
        }
    }

    fn record_at(&self, operation: &'static str, healthy: bool, now: Instant) -> Circuit {
        let mut states = self.states();
        if healthy {
            states.remove(operation);
            return Circuit::Closed { failures: 0 };
        }
        let state = states.entry(operation).or_default();
        if state.last_failure.is_some_and(|last| now - last > self.settings.forget_after) {
            state.failures = 0;
        }
        state.failures = state.failures.saturating_add(1);
        state.last_failure = Some(now);
        match state.open {
            // The probe (or a request sent before the circuit opened) failed: another cool-down.
            Some((since, until)) if now >= until => {
                state.open = Some((since, now + self.settings.cool_down));
                state.probe_until = None;
            }
            Some(_) => {}
            None if self.settings.failures > 0 && state.failures >= self.settings.failures => {
                state.open = Some((now, now + self.settings.cool_down));
            }
            None => return Circuit::Closed { failures: state.failures },
        }
        Self::open_state(state, now)
    }

    fn open_state(state: &State, now: Instant) -> Circuit {
        match state.open {
            Some((since, until)) => {
                let next = state.probe_until.map_or(until, |lease| lease.max(until));
                Circuit::Open(Outage { open_for: now - since, probe_in: next.saturating_duration_since(now) })
            }
            None => Circuit::Closed { failures: state.failures },
        }
    }
}

impl CircuitStore for LocalCircuit {
    fn admit(&self, operation: &'static str) -> BoxFuture<'_, Result<Admission, Unavailable>> {
        Box::pin(std::future::ready(Ok(self.admit_at(operation, Instant::now()))))
    }

    fn record(&self, operation: &'static str, healthy: bool) -> BoxFuture<'_, Result<Circuit, Unavailable>> {
        Box::pin(std::future::ready(Ok(self.record_at(operation, healthy, Instant::now()))))
    }

    fn open(&self) -> BoxFuture<'_, Result<Vec<(String, Outage)>, Unavailable>> {
        Box::pin(std::future::ready(Ok(self.open_at(Instant::now()))))
    }
}

impl LocalCircuit {
    fn open_at(&self, now: Instant) -> Vec<(String, Outage)> {
        let lifetime = self.lifetime();
        let mut states = self.states();
        states.retain(|_, state| state.last_failure.is_none_or(|last| now.saturating_duration_since(last) <= lifetime));
        let mut open: Vec<(String, Outage)> = states
            .iter()
            .filter_map(|(operation, state)| match Self::open_state(state, now) {
                Circuit::Open(outage) => Some((operation.to_string(), outage)),
                Circuit::Closed { .. } => None,
            })
            .collect();
        open.sort_by(|a, b| a.0.cmp(&b.0));
        open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: &str = "getReservation";

    fn circuit() -> LocalCircuit {
        LocalCircuit::new(CircuitSettings {
            failures: 3,
            cool_down: Duration::from_secs(10),
            forget_after: Duration::from_secs(60),
            probe_lease: Duration::from_secs(5),
        })
    }

    /// A circuit opened by three failures at `t`.
    fn opened() -> (LocalCircuit, Instant) {
        let (c, t) = (circuit(), Instant::now());
        for _ in 0..3 {
            c.record_at(OP, false, t);
        }
        (c, t)
    }

    #[test]
    fn opens_after_failures_in_a_row_and_a_success_between_starts_the_count_again() {
        let c = circuit();
        let t = Instant::now();
        assert_eq!(c.record_at(OP, false, t), Circuit::Closed { failures: 1 });
        assert_eq!(c.record_at(OP, false, t), Circuit::Closed { failures: 2 });
        assert_eq!(c.record_at(OP, true, t), Circuit::Closed { failures: 0 });
        c.record_at(OP, false, t);
        c.record_at(OP, false, t);
        assert!(c.record_at(OP, false, t).is_open());
        assert_eq!(
            c.admit_at(OP, t + Duration::from_secs(4)),
            Admission::Refuse(Outage { open_for: Duration::from_secs(4), probe_in: Duration::from_secs(6) })
        );
    }

    #[test]
    fn failures_far_apart_do_not_add_up() {
        let c = circuit();
        let t = Instant::now();
        c.record_at(OP, false, t);
        c.record_at(OP, false, t + Duration::from_secs(30));
        assert_eq!(c.record_at(OP, false, t + Duration::from_secs(100)), Circuit::Closed { failures: 1 });
    }

    #[test]
    fn after_the_cool_down_one_probe_goes_and_its_outcome_closes_or_reopens() {
        let (c, t) = opened();
        let later = t + Duration::from_secs(10);
        assert_eq!(c.admit_at(OP, later), Admission::Probe);
        assert!(matches!(c.admit_at(OP, later), Admission::Refuse(_)), "one probe at a time");
        assert!(c.record_at(OP, false, later).is_open(), "a failed probe opens it again");
        assert!(matches!(c.admit_at(OP, later + Duration::from_secs(9)), Admission::Refuse(_)));
        let again = later + Duration::from_secs(10);
        assert_eq!(c.admit_at(OP, again), Admission::Probe);
        assert_eq!(c.record_at(OP, true, again), Circuit::Closed { failures: 0 });
        assert_eq!(c.admit_at(OP, again), Admission::Send);
    }

    #[test]
    fn a_probe_whose_caller_gave_up_lets_another_go_after_its_lease() {
        let (c, t) = opened();
        let later = t + Duration::from_secs(10);
        assert_eq!(c.admit_at(OP, later), Admission::Probe);
        assert!(matches!(c.admit_at(OP, later + Duration::from_secs(4)), Admission::Refuse(_)));
        assert_eq!(c.admit_at(OP, later + Duration::from_secs(5)), Admission::Probe);
    }

    #[test]
    fn one_operation_failing_leaves_the_others_closed() {
        let (c, t) = opened();
        assert_eq!(c.admit_at("listListings", t), Admission::Send);
        let open = c.open_at(t);
        assert_eq!(open.iter().map(|(op, _)| op.as_str()).collect::<Vec<_>>(), [OP]);
    }

    #[test]
    fn zero_failures_never_opens() {
        let c = LocalCircuit::new(CircuitSettings { failures: 0, ..CircuitSettings::default() });
        let t = Instant::now();
        for _ in 0..100 {
            c.record_at(OP, false, t);
        }
        assert_eq!(c.admit_at(OP, t), Admission::Send);
    }
}
