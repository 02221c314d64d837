//! `cancel_reservation`: a booking that has not begun is cancelled, by the host or the guest, and
//! its nights are free again. A stay under way or ended is not cancelled (its past nights cannot be
//! given back); a Booking.com guest who never came is reported with `no_show: true` instead (see
//! `no_show`), so one tool ends every booking that will not be stayed.

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::writes::{channel_warning, is_cancelled};
use crate::{
    domain::StayPhase,
    hostaway::{Fresh, types},
    tools::{
        ToolContext, WriteStatus, args,
        error::ToolError,
        params::Parameters,
        reservations::{self, ReservationRow},
    },
};

/// The tool's name, for the audit log and the write guard of both of its ways.
pub(super) const TOOL: &str = "cancel_reservation";

/// Who cancelled a reservation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CancelledBy {
    /// The host or property manager (default).
    #[default]
    Host,
    /// The guest asked to cancel.
    Guest,
}

/// Arguments of `cancel_reservation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelReservationArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub reservation_id: i64,
    /// Who asked to cancel.
    #[serde(default)]
    pub cancelled_by: CancelledBy,
    /// true: report a Booking.com guest who never came (from the arrival day) instead.
    #[serde(default)]
    pub no_show: bool,
    /// With no_show, true waives the guest's no-show fee.
    #[serde(default)]
    pub waive_fee: bool,
    /// true applies the preview.
    #[serde(default)]
    pub confirm: bool,
}

/// What `cancel_reservation` would cancel, or cancelled.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CancelReservationOut {
    /// preview (nothing changed), done (cancelled now) or unchanged (already cancelled; nothing sent).
    pub status: WriteStatus,
    /// Who, where, when, total and status: as it is (preview) or after cancelling.
    pub reservation: ReservationRow,
    /// Things to know before confirming, e.g. that the booking belongs to a channel.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Who is recorded as cancelling (absent for a no-show).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_by: Option<CancelledBy>,
    /// True when it was already cancelled, so nothing was (or would be) sent.
    pub already_cancelled: bool,
    /// For a no-show: whether its fee is (or would be) waived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee_waived: Option<bool>,
    /// For a no-show: when Hostaway recorded the report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_at: Option<String>,
    /// Anything else to know, e.g. that its nights become free.
    pub note: String,
}

#[tool_router(router = cancel_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Cancel a booking not yet begun, freeing its nights, or report a Booking.com no-show. Channel bookings: cancel there too.
    #[tool(
        name = "cancel_reservation",
        title = "Cancel reservation",
        annotations(
            title = "Cancel reservation",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn cancel_reservation(
        &self,
        Parameters(args): Parameters<CancelReservationArgs>,
    ) -> Result<Json<CancelReservationOut>, ToolError> {
        let id = args.reservation_id;
        if args.no_show {
            return Ok(Json(self.report_no_show(id, args.waive_fee, args.confirm).await?));
        }
        if args.waive_fee {
            return Err(ToolError::invalid("waive_fee", "goes with no_show: true; a cancellation has no no-show fee"));
        }
        let by = args.cancelled_by;
        if !args.confirm {
            let reservation = self.gateway.reservation(id, Fresh::No).await?;
            if !is_cancelled(&reservation) {
                self.refuse_cancelling_a_started_stay(&reservation).await?;
            }
            return Ok(Json(cancel_out(&reservation, by, WriteStatus::Preview)));
        }
        let summary = format!("reservation {id} cancelled by {}", cancelled_by(by));
        let (out, status) = self
            .guard
            .run(TOOL, &(id, by), &summary, async {
                let reservation = self.gateway.reservation(id, Fresh::Yes).await?;
                if is_cancelled(&reservation) {
                    return Ok((cancel_out(&reservation, by, WriteStatus::Unchanged), WriteStatus::Unchanged));
                }
                self.refuse_cancelling_a_started_stay(&reservation).await?;
                let body = types::CancelReservationRequest { cancelled_by: cancelled_by(by) };
                let cancelled = self
                    .gateway
                    .cancel_reservation(id, reservation.listing_map_id, body)
                    .await
                    .map_err(|e| ToolError::of_write(TOOL, "the booking was cancelled", e))?;
                let mut out = cancel_out(&cancelled, by, WriteStatus::Done);
                out.already_cancelled = false;
                out.note = format!(
                    "cancelled; nights {} to {} of listing {} are free again",
                    cancelled.arrival_date, cancelled.departure_date, cancelled.listing_map_id
                );
                Ok((out, WriteStatus::Done))
            })
            .await?;
        Ok(Json(CancelReservationOut { status, ..out }))
    }
}

impl ToolContext {
    /// Refuses to cancel a stay whose first night is over (on the listing's today): its past
    /// nights cannot be given back, and a guest who never came is a no-show, not a cancellation.
    async fn refuse_cancelling_a_started_stay(&self, reservation: &types::Reservation) -> Result<(), ToolError> {
        // Every zone's today is within a day of UTC's, so a stay arriving after UTC's today has not
        // begun anywhere, and the listing need not be read.
        if reservation.arrival_date > self.clock.today_utc() {
            return Ok(());
        }
        let today = self.listing_today(reservation.listing_map_id).await?;
        let (id, arrival, departure) = (reservation.id, reservation.arrival_date, reservation.departure_date);
        let why = match StayPhase::of(arrival, departure, today.date) {
            StayPhase::Upcoming => return Ok(()),
            StayPhase::UnderWay => format!(
                "reservation {id} began on {arrival} and runs until {departure}: a stay under way is not cancelled. \
                 To end it early, set an earlier check_out with update_reservation; a Booking.com guest who never \
                 came is reported with no_show: true"
            ),
            StayPhase::Ended => format!(
                "reservation {id} ended on {departure}: a stay that has ended is not cancelled. A Booking.com guest \
                 who never came is reported with no_show: true"
            ),
        };
        Err(ToolError::Refused(format!("{why} (today is {} in {}); nothing was changed", today.date, today.zone)))
    }
}

/// Hostaway's spelling of who cancelled.
fn cancelled_by(by: CancelledBy) -> types::CancelReservationRequestCancelledBy {
    match by {
        CancelledBy::Host => types::CancelReservationRequestCancelledBy::Host,
        CancelledBy::Guest => types::CancelReservationRequestCancelledBy::Guest,
    }
}

/// The answer for `reservation`, as it is or after cancelling.
fn cancel_out(reservation: &types::Reservation, by: CancelledBy, status: WriteStatus) -> CancelReservationOut {
    let already = is_cancelled(reservation);
    let note = if already {
        format!(
            "already cancelled{}{}; nothing is sent",
            reservation.cancelled_by.as_deref().map(|by| format!(" by {by}")).unwrap_or_default(),
            reservation.cancellation_date.as_deref().map(|on| format!(" on {on}")).unwrap_or_default()
        )
    } else {
        format!(
            "confirm: true cancels it and frees nights {} to {} of listing {}",
            reservation.arrival_date, reservation.departure_date, reservation.listing_map_id
        )
    };
    CancelReservationOut {
        status,
        reservation: reservations::row(reservation),
        warnings: channel_warning(reservation).into_iter().collect(),
        cancelled_by: Some(by),
        already_cancelled: already,
        fee_waived: None,
        reported_at: None,
        note,
    }
}
