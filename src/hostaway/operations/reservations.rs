//! Reservations: one, a filtered page, and the three writes (create, update, cancel).

use chrono::NaiveDate;

use super::{Fresh, id, secs};
use crate::hostaway::{
    Gateway, GatewayError, Idempotence,
    cache::{Bookings, ReadKey, Scope, Topics},
    paging::{Caps, Page, Pager},
    types,
};

/// Bookings arrive from channels at any moment: half a minute.
pub(super) const TTLS: &[(&str, std::time::Duration)] =
    &[(id::GET_RESERVATION, secs(30)), (id::LIST_RESERVATIONS, secs(30))];
/// While Hostaway's webhooks arrive, each booking change drops these reads at once, so they may
/// stay far longer: 15 minutes bounds what a lost event costs.
pub(super) const LIVE_TTLS: &[(&str, std::time::Duration)] =
    &[(id::GET_RESERVATION, secs(900)), (id::LIST_RESERVATIONS, secs(900))];

/// The `listReservations` filters a tool sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReservationQuery {
    /// Only this listing's reservations.
    pub listing_id: Option<i64>,
    /// Only this guest email (exact).
    pub email: Option<String>,
    /// Hostaway's own text match (`match`), exact about accents.
    pub name: Option<String>,
    /// Arrival between these dates, inclusive.
    pub arrival: (Option<NaiveDate>, Option<NaiveDate>),
    /// Departure between these dates, inclusive.
    pub departure: (Option<NaiveDate>, Option<NaiveDate>),
    /// Only this channel.
    pub channel_id: Option<i64>,
    /// Sort by arrival date instead of Hostaway's default (newest change first).
    pub by_arrival: bool,
}

impl ReservationQuery {
    /// Which bookings a page of this query after `after_id` can show, as the cache judges reported
    /// changes; `None` when a text filter (guest name, email) decides, which the cache cannot judge.
    fn shows(&self, after_id: Option<i64>) -> Option<Bookings> {
        (self.email.is_none() && self.name.is_none()).then_some(Bookings {
            listing: self.listing_id,
            channel: self.channel_id,
            arrival: self.arrival,
            departure: self.departure,
            after: after_id,
        })
    }
}

impl Gateway {
    /// One reservation.
    pub async fn reservation(&self, reservation: i64, fresh: Fresh) -> Result<types::Reservation, GatewayError> {
        let key = ReadKey {
            operation: id::GET_RESERVATION,
            params: reservation.to_string(),
            scope: Scope::reservation(reservation, None).about(Topics::STAYS),
        };
        let envelope = self
            .fetch(key, fresh, move |client| async move {
                client.get_reservation().reservation_id(reservation).include_payments(1).send().await
            })
            .await?;
        Ok(envelope.result)
    }

    /// One page of reservations matching `query`: `limit` rows after the reservation `after_id`.
    pub async fn reservations_page(
        &self,
        query: &ReservationQuery,
        limit: u32,
        after_id: Option<i64>,
        fresh: Fresh,
    ) -> Result<types::ReservationList, GatewayError> {
        let key = ReadKey {
            operation: id::LIST_RESERVATIONS,
            params: format!("{query:?}&limit={limit}&after={after_id:?}"),
            scope: Scope { shows: query.shows(after_id), ..Scope::default().about(Topics::STAYS) },
        };
        self.fetch(key, fresh, |client| {
            let query = query.clone();
            async move {
                let mut call = client.list_reservations().limit(super::limit(limit));
                if let Some(id) = after_id {
                    call = call.after_id(id);
                }
                if query.by_arrival {
                    call = call.sort_order(types::ReservationSortOrder::ArrivalDate);
                }
                if let Some(id) = query.listing_id {
                    call = call.listing_id(id);
                }
                if let Some(email) = query.email {
                    call = call.guest_email(email);
                }
                if let Some(name) = query.name {
                    call = call.match_(name);
                }
                if let Some(id) = query.channel_id {
                    call = call.channel_id(id);
                }
                if let Some(date) = query.arrival.0 {
                    call = call.arrival_start_date(date);
                }
                if let Some(date) = query.arrival.1 {
                    call = call.arrival_end_date(date);
                }
                if let Some(date) = query.departure.0 {
                    call = call.departure_start_date(date);
                }
                if let Some(date) = query.departure.1 {
                    call = call.departure_end_date(date);
                }
                call.send().await
            }
        })
        .await
    }

    /// Books a stay. A POST: never repeated once it may have reached Hostaway, so a lost answer
    /// is reported as such, for the caller to check what Hostaway holds.
    pub async fn create_reservation(
        &self,
        listing: i64,
        input: types::ReservationInput,
    ) -> Result<types::Reservation, GatewayError> {
        let created = self
            .write(id::CREATE_RESERVATION, Idempotence::Unsafe, Scope::listing(listing), move |client| {
                let input = input.clone();
                async move { client.create_reservation().body(input).send().await }
            })
            .await?;
        Ok(created.result)
    }

    /// Changes a booking (a PUT of absolute values, so safe to repeat).
    pub async fn update_reservation(
        &self,
        reservation: i64,
        listing: i64,
        input: types::ReservationInput,
    ) -> Result<types::Reservation, GatewayError> {
        let scope = Scope::reservation(reservation, Some(listing));
        let updated = self
            .write(id::UPDATE_RESERVATION, Idempotence::Safe, scope, move |client| {
                let input = input.clone();
                async move { client.update_reservation().reservation_id(reservation).body(input).send().await }
            })
            .await?;
        Ok(updated.result)
    }

    /// Cancels a booking (cancelling twice changes nothing, so safe to repeat).
    pub async fn cancel_reservation(
        &self,
        reservation: i64,
        listing: i64,
        request: types::CancelReservationRequest,
    ) -> Result<types::Reservation, GatewayError> {
        let scope = Scope::reservation(reservation, Some(listing));
        let cancelled = self
            .write(id::CANCEL_RESERVATION, Idempotence::Safe, scope, move |client| {
                let request = request.clone();
                async move { client.cancel_reservation().reservation_id(reservation).body(request).send().await }
            })
            .await?;
        Ok(cancelled.result)
    }

    /// Reports that a Booking.com guest never came. Reporting again only refreshes the report, so
    /// it is safe to repeat.
    pub async fn report_no_show(
        &self,
        reservation: i64,
        listing: i64,
        waived_fees: bool,
    ) -> Result<types::Reservation, GatewayError> {
        let scope = Scope::reservation(reservation, Some(listing));
        let reported = self
            .write(id::REPORT_NO_SHOW, Idempotence::Safe, scope, move |client| async move {
                let body = types::NoShowRequest { waived_fees };
                client.report_no_show().reservation_id(reservation).body(body).send().await
            })
            .await?;
        Ok(reported.result)
    }
}

impl Gateway {
    /// Every reservation matching `query`, at most `max_pages` pages of 100, newest change first
    /// (by arrival when the query sorts so); stops at the first short page so a small result costs
    /// one call. Says whether the walk stopped at its cap with more left unread.
    pub async fn reservations_walk(
        &self,
        query: &ReservationQuery,
        max_pages: u32,
    ) -> Result<(Vec<types::Reservation>, bool), GatewayError> {
        let caps = Caps { max_pages, max_items: (WALK_PAGE * max_pages) as usize };
        let mut pager = Pager::after_id(WALK_PAGE, caps, |r: &types::Reservation| r.id);
        let mut all = Vec::new();
        while let Some(page) = pager
            .next_page(|request| async move {
                self.reservations_page(query, request.limit, request.after_id, Fresh::No)
                    .await
                    .map(|list| Page { items: list.result, total: None })
            })
            .await?
        {
            let short = page.len() < WALK_PAGE as usize;
            all.extend(page);
            if short {
                return Ok((all, false));
            }
        }
        Ok((all, pager.capped()))
    }
}

/// Rows per page of a full walk (Hostaway's largest page).
const WALK_PAGE: u32 = 100;
