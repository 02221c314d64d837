//! The one source of the current time for tools, gateway and sandbox.
//!
//! Everything that asks "what is today?" or "what time is it?" goes through a [`Clock`], so a
//! demo or a test can move the whole program to another moment (`--clock` /
//! `HOSTAWAY_MCP_CLOCK`) and every part agrees on it. A moved clock keeps running from the moment
//! it was set to; only the calendar moves, never the pace of time.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;

/// Wall-clock time, possibly moved to another moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    shift: TimeDelta,
}

impl Clock {
    /// The real time.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that reads `at` now and runs on from there.
    pub fn starting_at(at: DateTime<Utc>) -> Self {
        Self { shift: at - Utc::now() }
    }

    /// A clock that reads `at` now when given one, the real time otherwise.
    pub fn pinned_or_system(at: Option<DateTime<Utc>>) -> Self {
        at.map_or_else(Self::system, Self::starting_at)
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.shift
    }

    /// Today's date in UTC.
    pub fn today_utc(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Today's date where `zone` keeps its calendar.
    pub fn today_in(&self, zone: Tz) -> NaiveDate {
        self.now().with_timezone(&zone).date_naive()
    }

    /// Seconds since the Unix epoch, for expiry times kept on disk.
    pub fn unix_seconds(&self) -> u64 {
        u64::try_from(self.now().timestamp()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_clock_reads_its_moment_and_runs_on() {
        let at = DateTime::parse_from_rfc3339("2028-02-29T23:30:00Z").unwrap().with_timezone(&Utc);
        let clock = Clock::starting_at(at);
        let read = clock.now();
        assert!(read >= at && read - at < TimeDelta::seconds(5));
        assert_eq!(clock.today_utc(), NaiveDate::from_ymd_opt(2028, 2, 29).unwrap());
        assert_eq!(clock.today_in(chrono_tz::Europe::Berlin), NaiveDate::from_ymd_opt(2028, 3, 1).unwrap());
        assert_eq!(clock.today_in(chrono_tz::Europe::Lisbon), NaiveDate::from_ymd_opt(2028, 2, 29).unwrap());
    }
}
