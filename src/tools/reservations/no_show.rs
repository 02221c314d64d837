//! `cancel_reservation` with `no_show: true`: a guest who never came. A stay that has begun or ended
//! is not cancelled; Hostaway records a no-show instead (`PUT /reservations/{id}/statuses/noShow`),
//! for Booking.com bookings only, which then charges or waives Booking.com's no-show fee. Reporting
//! again only refreshes the report, so a second identical confirmation sends nothing.

use super::cancel_reservation::{CancelReservationOut, TOOL};
use crate::{
    domain::{BookingStatus, StayPhase},
    hostaway::{Fresh, types},
    tools::{ToolContext, WriteStatus, channels, error::ToolError, reservations},
};

/// The only channel Hostaway reports no-shows for, as `channels` names it.
const BOOKING_COM: &str = "booking.com";

impl ToolContext {
    /// Previews or reports that reservation `id`'s guest never came, the fee waived or not.
    pub(super) async fn report_no_show(
        &self,
        id: i64,
        waive: bool,
        confirm: bool,
    ) -> Result<CancelReservationOut, ToolError> {
        if !confirm {
            let reservation = self.gateway.reservation(id, Fresh::No).await?;
            self.refuse_unless_a_no_show_fits(&reservation).await?;
            return Ok(out(&reservation, waive, WriteStatus::Preview));
        }
        let summary = format!("reservation {id} reported a no-show, fee waived: {waive}");
        let (out, status) = self
            .guard
            .run(TOOL, &(id, "no_show", waive), &summary, async {
                let reservation = self.gateway.reservation(id, Fresh::Yes).await?;
                self.refuse_unless_a_no_show_fits(&reservation).await?;
                if reported(&reservation) && waived(&reservation) == Some(waive) {
                    return Ok((out(&reservation, waive, WriteStatus::Unchanged), WriteStatus::Unchanged));
                }
                let done = self
                    .gateway
                    .report_no_show(id, reservation.listing_map_id, waive)
                    .await
                    .map_err(|e| ToolError::of_write(TOOL, "the no-show was reported", e))?;
                Ok((out(&done, waive, WriteStatus::Done), WriteStatus::Done))
            })
            .await?;
        Ok(CancelReservationOut { status, ..out })
    }

    /// Refuses a booking Hostaway cannot report: another channel's, one that holds no nights
    /// (cancelled, an inquiry), or one whose arrival day has not come in the listing's zone.
    async fn refuse_unless_a_no_show_fits(&self, reservation: &types::Reservation) -> Result<(), ToolError> {
        let id = reservation.id;
        let channel = channels::name(reservation.channel_id, reservation.channel_name.as_deref());
        if channel != BOOKING_COM {
            return Err(ToolError::Refused(format!(
                "reservation {id} is a {channel} booking: Hostaway reports no-shows for Booking.com bookings only; \
                 nothing was changed"
            )));
        }
        if !BookingStatus::from_hostaway(&reservation.status).holds_nights() {
            return Err(ToolError::Refused(format!(
                "reservation {id} is {}: only a booking that holds its nights can be a no-show; nothing was changed",
                reservation.status
            )));
        }
        let today = self.listing_today(reservation.listing_map_id).await?;
        if StayPhase::of(reservation.arrival_date, reservation.departure_date, today.date) == StayPhase::Upcoming {
            return Err(ToolError::Refused(format!(
                "reservation {id} arrives on {}: a guest is a no-show only from the arrival day on (today is {} in \
                 {}); to call the stay off, cancel without no_show; nothing was changed",
                reservation.arrival_date, today.date, today.zone
            )));
        }
        Ok(())
    }
}

/// Whether Hostaway holds a no-show report for the booking.
fn reported(reservation: &types::Reservation) -> bool {
    reservation.bookingcom_no_show_reported_at.as_deref().is_some_and(|at| !at.trim().is_empty())
}

/// The waived flag of the report, read as true/false or 1/0 (the docs give no type).
fn waived(reservation: &types::Reservation) -> Option<bool> {
    match reservation.bookingcom_no_show_fee_waived.as_ref()? {
        serde_json::Value::Bool(flag) => Some(*flag),
        serde_json::Value::Number(n) => n.as_i64().map(|n| n != 0),
        _ => None,
    }
}

/// The answer for `reservation`, the fee choice asked for and the outcome.
fn out(reservation: &types::Reservation, waive: bool, status: WriteStatus) -> CancelReservationOut {
    let fee = if waive { "the no-show fee is waived" } else { "Booking.com charges the guest its no-show fee" };
    let r = reservation;
    let stay = format!(
        "the guest of reservation {} ({} to {}, listing {})",
        r.id, r.arrival_date, r.departure_date, r.listing_map_id
    );
    let note = match status {
        WriteStatus::Preview => format!("would report that {stay} never came; {fee}"),
        WriteStatus::Unchanged => format!("already reported that {stay} never came; {fee}; nothing was sent"),
        _ => format!("reported that {stay} never came; {fee}"),
    };
    CancelReservationOut {
        status,
        reservation: reservations::row(reservation),
        warnings: Vec::new(),
        cancelled_by: None,
        already_cancelled: false,
        fee_waived: Some(waive),
        reported_at: reservation.bookingcom_no_show_reported_at.clone().filter(|_| reported(reservation)),
        note,
    }
}
