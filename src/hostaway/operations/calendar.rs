//! Calendars and quotes: a listing's days, Hostaway's price for a stay, and calendar updates.

use std::num::NonZeroU32;

use chrono::{Datelike, Months, NaiveDate};

use super::{Fresh, id, secs};
use crate::hostaway::{
    Gateway, GatewayError, Idempotence,
    cache::{ReadKey, Scope, Topics},
    types,
};

/// Availability and prices move with every booking: a minute at most.
pub(super) const TTLS: &[(&str, std::time::Duration)] =
    &[(id::GET_CALENDAR, secs(60)), (id::GET_PRICE_DETAILS, secs(60))];

/// The calendar range actually read for days `first` to `last`: from the first of `first`'s month
/// to the end of `last`'s. Questions about a listing's next weeks start on many different days;
/// reading whole months makes them share one cached read, and one call to Hostaway, instead of one
/// each. At most two months' days more travel than were asked for.
fn whole_months(first: NaiveDate, last: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = first.with_day(1).unwrap_or(first);
    let end = last
        .with_day(1)
        .and_then(|day| day.checked_add_months(Months::new(1)))
        .and_then(|next| next.pred_opt())
        .unwrap_or(last);
    (start, end)
}

impl Gateway {
    /// A listing's calendar days from `first` to `last` inclusive, in date order.
    pub async fn calendar(
        &self,
        listing: i64,
        first: NaiveDate,
        last: NaiveDate,
        fresh: Fresh,
    ) -> Result<Vec<types::CalendarDay>, GatewayError> {
        self.calendar_days(listing, first, last, false, fresh).await
    }

    /// The same days with the reservations that hold them (`includeResources`), for writes that
    /// must tell a booked night from a blocked one.
    pub async fn calendar_with_reservations(
        &self,
        listing: i64,
        first: NaiveDate,
        last: NaiveDate,
        fresh: Fresh,
    ) -> Result<Vec<types::CalendarDay>, GatewayError> {
        self.calendar_days(listing, first, last, true, fresh).await
    }

    /// Reads whole calendar months (see [`whole_months`]) and keeps the days asked for.
    async fn calendar_days(
        &self,
        listing: i64,
        first: NaiveDate,
        last: NaiveDate,
        reservations: bool,
        fresh: Fresh,
    ) -> Result<Vec<types::CalendarDay>, GatewayError> {
        let (start, end) = whole_months(first, last);
        let key = ReadKey {
            operation: id::GET_CALENDAR,
            params: format!("{start}..{end}&reservations={reservations}"),
            scope: Scope::listing(listing).about(Topics::STAYS.and(Topics::LISTINGS)),
        };
        let list = self
            .fetch(key, fresh, move |client| async move {
                let call = client.get_calendar().listing_id(listing).start_date(start).end_date(end);
                if reservations { call.include_resources(1).send().await } else { call.send().await }
            })
            .await?;
        let mut days: Vec<_> = list.result.into_iter().filter(|d| first <= d.date && d.date <= last).collect();
        days.sort_by_key(|d| d.date);
        Ok(days)
    }

    /// Hostaway's quote for a stay (price details version 2).
    pub async fn price_details(
        &self,
        listing: i64,
        check_in: NaiveDate,
        check_out: NaiveDate,
        guests: NonZeroU32,
    ) -> Result<types::PriceDetails, GatewayError> {
        let key = ReadKey {
            operation: id::GET_PRICE_DETAILS,
            params: format!("{check_in}..{check_out}&guests={guests}"),
            scope: Scope::listing(listing).about(Topics::STAYS.and(Topics::LISTINGS)),
        };
        let envelope = self
            .read(key, move |client| async move {
                let body = types::PriceDetailsRequest::builder()
                    .starting_date(check_in)
                    .ending_date(check_out)
                    .number_of_guests(guests)
                    .version(2);
                client.get_price_details().listing_id(listing).body(body).send().await
            })
            .await?;
        Ok(envelope.result)
    }

    /// Sets availability, prices or stay rules over a range (a PUT of absolute values, so safe to
    /// repeat); returns the days as Hostaway now holds them.
    pub async fn update_calendar(
        &self,
        listing: i64,
        update: types::CalendarUpdate,
    ) -> Result<Vec<types::CalendarDay>, GatewayError> {
        let list = self
            .write(id::UPDATE_CALENDAR, Idempotence::Safe, Scope::listing(listing), move |client| {
                let update = update.clone();
                async move { client.update_calendar().listing_id(listing).body(update).send().await }
            })
            .await?;
        Ok(list.result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn reads_cover_whole_months() {
        assert_eq!(whole_months(day("2026-12-02"), day("2027-01-01")), (day("2026-12-01"), day("2027-01-31")));
        assert_eq!(whole_months(day("2026-12-26"), day("2027-01-25")), (day("2026-12-01"), day("2027-01-31")));
        assert_eq!(whole_months(day("2028-02-10"), day("2028-02-10")), (day("2028-02-01"), day("2028-02-29")));
        assert_eq!(whole_months(day("2026-11-30"), day("2026-12-31")), (day("2026-11-01"), day("2026-12-31")));
        assert_eq!(whole_months(NaiveDate::MAX, NaiveDate::MAX).1, NaiveDate::MAX, "no month after the last");
    }
}
