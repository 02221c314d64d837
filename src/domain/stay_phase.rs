//! Where a stay stands against its listing's today. Nothing is written before that today, so a
//! stay that has ended is neither moved, re-priced nor cancelled, and one under way keeps the
//! nights it has already had.

use chrono::NaiveDate;

/// A stay's place in time, judged on the listing's own today (check-out exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StayPhase {
    /// Every night is today or later: arriving today counts, the guest may not be in yet.
    Upcoming,
    /// Some nights are over and some are still to come.
    UnderWay,
    /// The last night is over: check-out was today or earlier.
    Ended,
}

impl StayPhase {
    /// The phase of the stay from `arrival` to `departure` on `today` (all the listing's dates).
    pub fn of(arrival: NaiveDate, departure: NaiveDate, today: NaiveDate) -> Self {
        if departure <= today {
            Self::Ended
        } else if arrival < today {
            Self::UnderWay
        } else {
            Self::Upcoming
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stay_is_upcoming_until_its_first_night_is_over_and_ended_from_check_out_day() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2027, 3, d).unwrap();
        let (arrival, departure) = (day(10), day(13));
        assert_eq!(StayPhase::of(arrival, departure, day(9)), StayPhase::Upcoming);
        assert_eq!(StayPhase::of(arrival, departure, day(10)), StayPhase::Upcoming);
        assert_eq!(StayPhase::of(arrival, departure, day(11)), StayPhase::UnderWay);
        assert_eq!(StayPhase::of(arrival, departure, day(12)), StayPhase::UnderWay);
        assert_eq!(StayPhase::of(arrival, departure, day(13)), StayPhase::Ended);
        assert_eq!(StayPhase::of(arrival, departure, day(20)), StayPhase::Ended);
    }
}
