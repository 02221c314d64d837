//! At most one log line per interval about one lasting condition (Redis away, a flood of refused
//! requests), with the count of the occurrences left out since the line before. A condition that
//! recurs every second, or on every request, would otherwise grow the log by a line each time and
//! bury everything else; the first occurrence is still logged at once, so nothing goes unseen.

use std::{
    fmt,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

/// How often, at most, a line about a lasting condition (one of each kind) is logged.
pub const LASTING: Duration = Duration::from_secs(30);

/// The record of one kind of line: when it was last written and how many occurrences were left out
/// since. Keep one per kind of condition, so one condition never silences another.
#[derive(Debug)]
pub struct LogLimit {
    interval: Duration,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// When the last line was written; `None`: never, so the first occurrence is logged at once.
    last_line: Option<Instant>,
    /// Occurrences since then that were not logged.
    left_out: u64,
}

/// What a line that is due reports besides its own occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    /// Occurrences not logged since the line before.
    pub left_out: u64,
    /// How long ago the line before was written (`None`: this is the first).
    pub since: Option<Duration>,
    /// The most one line per this long.
    pub interval: Duration,
}

impl LogLimit {
    /// Lines at most once per `interval`.
    pub const fn new(interval: Duration) -> Self {
        Self { interval, state: Mutex::new(State { last_line: None, left_out: 0 }) }
    }

    /// Counts one occurrence: `Some` when its line is due now (the caller writes it, with the
    /// [`Due`] in it), `None` when it is left out and counted for the next line.
    pub fn occurred(&self) -> Option<Due> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(due) = self.due_now(&state) else {
            state.left_out += 1;
            return None;
        };
        state.last_line = Some(Instant::now());
        state.left_out = 0;
        Some(due)
    }

    /// For a caller that keeps its own counts (several reasons summed in one line): when a line is
    /// due, `gather` is asked what it would say; if it has something (`Some`), the line counts as
    /// written and that is returned with the [`Due`].
    pub fn due<T>(&self, gather: impl FnOnce() -> Option<T>) -> Option<(T, Due)> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let due = self.due_now(&state)?;
        let said = gather()?;
        state.last_line = Some(Instant::now());
        state.left_out = 0;
        Some((said, due))
    }

    fn due_now(&self, state: &State) -> Option<Due> {
        let since = state.last_line.map(|at| at.elapsed());
        if since.is_some_and(|since| since < self.interval) {
            return None;
        }
        Some(Due { left_out: state.left_out, since, interval: self.interval })
    }
}

/// The tail of a limited line: how many like it were left out, and how often such a line comes.
impl fmt::Display for Due {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.since {
            Some(since) if self.left_out > 0 => write!(
                f,
                "{} more like it in the last {} s not logged; at most one such line per {} s",
                self.left_out,
                since.as_secs(),
                self.interval.as_secs()
            ),
            _ => write!(f, "at most one such line per {} s", self.interval.as_secs()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_occurrence_is_logged_and_the_rest_of_the_interval_counted_for_the_next_line() {
        let limit = LogLimit::new(Duration::from_millis(50));
        let first = limit.occurred().expect("the first is logged at once");
        assert_eq!((first.left_out, first.since), (0, None));
        assert!((0..5).all(|_| limit.occurred().is_none()), "the rest of the interval is left out");
        std::thread::sleep(Duration::from_millis(60));
        let next = limit.occurred().expect("a line once the interval is over");
        assert_eq!(next.left_out, 5);
        assert!(next.since.is_some_and(|since| since >= Duration::from_millis(50)));
        assert!(next.to_string().starts_with("5 more like it"), "{next}");
        assert!(limit.occurred().is_none());
    }

    #[test]
    fn a_caller_with_nothing_to_say_keeps_the_line_due() {
        let limit = LogLimit::new(Duration::from_secs(60));
        assert_eq!(limit.due(|| None::<u64>), None, "nothing gathered, no line");
        assert_eq!(limit.due(|| Some(3)).map(|(n, _)| n), Some(3), "still due");
        assert_eq!(limit.due(|| Some(4)), None, "written less than an interval ago");
    }
}
