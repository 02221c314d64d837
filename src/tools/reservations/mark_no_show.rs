//! `mark_no_show`: a guest who never came. A stay that has begun or ended is not cancelled; Hostaway
//! records a no-show instead (`PUT /reservations/{id}/statuses/noShow`), for Booking.com bookings
//! only, which then charges or waives Booking.com's no-show fee. Reporting again only refreshes the
//! report, so a second identical confirmation sends nothing.

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    domain::{BookingStatus, StayPhase},
    hostaway::{Fresh, types},
    tools::{ToolContext, WriteStatus, args, channels, error::ToolError, params::Parameters},
};

/// The only channel Hostaway reports no-shows for, as `channels` names it.
const BOOKING_COM: &str = "booking.com";

/// Arguments of `mark_no_show`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkNoShowArgs {
    /// A Booking.com booking whose arrival day has come.
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub reservation_id: i64,
    /// true waives the guest's no-show fee.
    #[serde(default)]
    pub waive_fee: bool,
    /// true reports the preview_token's preview.
    #[serde(default)]
    pub confirm: bool,
}

/// What `mark_no_show` would do or did.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct NoShowOut {
    /// preview (nothing sent), done (reported now) or unchanged (already reported so; nothing sent).
    pub status: WriteStatus,
    /// The booking.
    pub reservation_id: i64,
    /// Whether the no-show fee is (or would be) waived.
    pub fee_waived: bool,
    /// When Hostaway recorded the report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_at: Option<String>,
    /// Which stay (dates, listing) and what it means.
    pub note: String,
}

#[tool_router(router = no_show_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Report that a Booking.com guest never came (from the arrival day on), fee charged or waived.
    #[tool(
        name = "mark_no_show",
        title = "Mark no-show",
        annotations(
            title = "Mark no-show",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn mark_no_show(
        &self,
        Parameters(args): Parameters<MarkNoShowArgs>,
    ) -> Result<Json<NoShowOut>, ToolError> {
        let (id, waive) = (args.reservation_id, args.waive_fee);
        if !args.confirm {
            let reservation = self.gateway.reservation(id, Fresh::No).await?;
            self.refuse_unless_a_no_show_fits(&reservation).await?;
            return Ok(Json(out(&reservation, waive, WriteStatus::Preview)));
        }
        let summary = format!("reservation {id} reported a no-show, fee waived: {waive}");
        let (out, status) = self
            .guard
            .run("mark_no_show", &(id, waive), &summary, async {
                let reservation = self.gateway.reservation(id, Fresh::Yes).await?;
                self.refuse_unless_a_no_show_fits(&reservation).await?;
                if reported(&reservation) && waived(&reservation) == Some(waive) {
                    return Ok((out(&reservation, waive, WriteStatus::Unchanged), WriteStatus::Unchanged));
                }
                let done = self
                    .gateway
                    .report_no_show(id, reservation.listing_map_id, waive)
                    .await
                    .map_err(|e| ToolError::of_write("mark_no_show", "the no-show was reported", e))?;
                Ok((out(&done, waive, WriteStatus::Done), WriteStatus::Done))
            })
            .await?;
        Ok(Json(NoShowOut { status, ..out }))
    }
}

impl ToolContext {
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
                 {}); nothing was changed",
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
fn out(reservation: &types::Reservation, waive: bool, status: WriteStatus) -> NoShowOut {
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
    NoShowOut {
        status,
        reservation_id: r.id,
        fee_waived: waive,
        reported_at: reservation.bookingcom_no_show_reported_at.clone().filter(|_| reported(reservation)),
        note,
    }
}
