//! "Today" as a property sees it: the date in the listing's own time zone (`timeZoneName`), not
//! in UTC or on the server's wall. At 23:30 UTC it is already tomorrow in Berlin, and a guest
//! arriving "today" in Lisbon is arriving on another date than one in Berlin.
//!
//! Tools about one listing use that listing's today; tools about the whole account use the
//! account's zone, the one most of its listings keep (ties go to the zone of the lowest listing
//! id), and say in their answer which date and zone they used. A zone that is absent or unknown
//! counts as UTC. Zones come from the gateway's cached listing reads, so knowing today costs at
//! most one cached `getListing` or `listListings` per call.

use std::{collections::HashMap, sync::RwLock};

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::hostaway::{Fresh, types};

use super::{
    ToolContext, ToolError,
    args::{self, Range, Stay},
};

/// A date as seen in one time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalToday {
    /// Today's date there.
    pub date: NaiveDate,
    /// The zone the date was read in.
    pub zone: Tz,
}

impl LocalToday {
    /// Refuses `date` when it lies before today, naming today and the zone so the model can
    /// correct the call (writes and bookings cannot be made for days that are over).
    pub fn refuse_past(&self, field: &'static str, date: NaiveDate) -> Result<(), ToolError> {
        if date < self.date {
            return Err(ToolError::Refused(format!(
                "{field} {date} is in the past: today is {} in {}",
                self.date, self.zone
            )));
        }
        Ok(())
    }
}

/// The account's zone once some call has learnt it, for the server's instructions (which are
/// built synchronously and must not call Hostaway).
#[derive(Debug, Default)]
pub struct KnownZone(RwLock<Option<Tz>>);

impl KnownZone {
    /// The zone last learnt, if any.
    pub fn get(&self) -> Option<Tz> {
        self.0.read().ok().and_then(|zone| *zone)
    }

    fn set(&self, zone: Tz) {
        if let Ok(mut known) = self.0.write() {
            *known = Some(zone);
        }
    }
}

/// The zone named by a listing's `timeZoneName`; UTC when absent or not an IANA name.
pub fn zone_named(name: Option<&str>) -> Tz {
    name.and_then(|n| n.trim().parse().ok()).unwrap_or(Tz::UTC)
}

/// The zone most `listings` keep; among equally common zones, the one of the lowest listing
/// id, so the answer does not depend on the order Hostaway lists them in. UTC for no listings.
pub fn account_zone(listings: &[types::Listing]) -> Tz {
    let mut zones: HashMap<Tz, (usize, i64)> = HashMap::new();
    for listing in listings {
        let entry = zones.entry(zone_named(listing.time_zone_name.as_deref())).or_insert((0, listing.id));
        entry.0 += 1;
        entry.1 = entry.1.min(listing.id);
    }
    zones
        .into_iter()
        .max_by(|(_, (count_a, id_a)), (_, (count_b, id_b))| count_a.cmp(count_b).then(id_b.cmp(id_a)))
        .map_or(Tz::UTC, |(zone, _)| zone)
}

impl ToolContext {
    /// Today where listing `listing_id` is (one cached getListing).
    pub async fn listing_today(&self, listing_id: i64) -> Result<LocalToday, ToolError> {
        let listing = self.gateway.listing(listing_id, Fresh::No).await?;
        let zone = zone_named(listing.time_zone_name.as_deref());
        Ok(LocalToday { date: self.clock.today_in(zone), zone })
    }

    /// Today where a tool applies: at `listing` when it is about one, else in the account's zone.
    pub async fn today_at(&self, listing: Option<i64>) -> Result<LocalToday, ToolError> {
        match listing {
            Some(id) => self.listing_today(id).await,
            None => self.account_today().await,
        }
    }

    /// Today in the account's zone (from the cached listing catalogue the search tools share);
    /// remembers the zone for the server's instructions.
    pub async fn account_today(&self) -> Result<LocalToday, ToolError> {
        let listings = self.gateway.portfolio().await?;
        let zone = account_zone(&listings);
        self.account_zone.set(zone);
        Ok(LocalToday { date: self.clock.today_in(zone), zone })
    }

    /// Today as the instructions state it: in the account's zone once known, else in UTC
    /// (`false`: not yet known).
    pub fn instructions_today(&self) -> (LocalToday, bool) {
        let known = self.account_zone.get();
        let zone = known.unwrap_or(Tz::UTC);
        (LocalToday { date: self.clock.today_in(zone), zone }, known.is_some())
    }

    /// The date day words in `values` count from: the listing's today, or the account's without
    /// a listing. Hostaway is asked only when some value is a day word; otherwise nothing counts
    /// from today and UTC's date is returned unread.
    pub async fn today_for_words(
        &self,
        listing_id: Option<i64>,
        values: &[Option<&str>],
    ) -> Result<NaiveDate, ToolError> {
        if !values.iter().flatten().any(|v| args::is_day_word(v)) {
            return Ok(self.clock.today_utc());
        }
        Ok(self.today_at(listing_id).await?.date)
    }

    /// A stay that can still be booked or priced: parsed against the listing's today (the
    /// account's without a listing), refused when check-in is before that today.
    pub async fn future_stay(
        &self,
        listing_id: Option<i64>,
        check_in: &str,
        check_out: &str,
        max_nights: i64,
    ) -> Result<Stay, ToolError> {
        let today = self.today_at(listing_id).await?;
        let stay = Stay::parse_on(check_in, check_out, max_nights, today.date)?;
        today.refuse_past("check_in", stay.check_in)?;
        Ok(stay)
    }

    /// A range of a listing's days that can still be changed: parsed against the listing's
    /// today, refused when it starts before that today.
    pub async fn future_range(
        &self,
        listing_id: i64,
        start: &str,
        end: &str,
        max_days: i64,
    ) -> Result<Range, ToolError> {
        let today = self.listing_today(listing_id).await?;
        let range = Range::parse(start, end, max_days, today.date)?;
        today.refuse_past("start_date", range.start)?;
        Ok(range)
    }
}

/// A local time in `zone` as Hostaway's UTC "YYYY-MM-DD HH:MM:SS". A time the clocks skip (the
/// hour lost to summer time) moves an hour on.
pub(crate) fn to_utc(local: NaiveDateTime, zone: Tz) -> String {
    let at = zone
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| zone.from_local_datetime(&(local + Duration::hours(1))).earliest())
        .map_or(local, |at| at.naive_utc());
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_become_utc_and_the_skipped_hour_moves_on() {
        let berlin = chrono_tz::Europe::Berlin;
        let day = |d, h| NaiveDate::from_ymd_opt(2026, 3, d).unwrap().and_hms_opt(h, 30, 0).unwrap();
        assert_eq!(to_utc(day(28, 11), berlin), "2026-03-28 10:30:00", "winter: UTC+1");
        assert_eq!(to_utc(day(29, 11), berlin), "2026-03-29 09:30:00", "summer: UTC+2");
        assert_eq!(to_utc(day(29, 2), berlin), "2026-03-29 01:30:00", "02:30 does not exist; 03:30 does");
    }

    fn listing(id: i64, zone: Option<&str>) -> types::Listing {
        serde_json::from_value(serde_json::json!({"id": id, "name": format!("L{id}"), "timeZoneName": zone})).unwrap()
    }

    #[test]
    fn the_account_keeps_its_most_common_zone_and_ties_go_to_the_lowest_id() {
        let berlin = chrono_tz::Europe::Berlin;
        let lisbon = chrono_tz::Europe::Lisbon;
        let two_to_one =
            [listing(3, Some("Europe/Lisbon")), listing(1, Some("Europe/Berlin")), listing(2, Some("Europe/Lisbon"))];
        assert_eq!(account_zone(&two_to_one), lisbon);
        let tie = [listing(9, Some("Europe/Berlin")), listing(4, Some("Europe/Lisbon"))];
        assert_eq!(account_zone(&tie), lisbon);
        assert_eq!(account_zone(&[listing(5, Some("Mars/Olympus")), listing(6, None)]), Tz::UTC);
        assert_eq!(account_zone(&[]), Tz::UTC);
        assert_eq!(zone_named(Some(" Europe/Berlin ")), berlin);
    }
}
