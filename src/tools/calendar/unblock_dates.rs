//! `unblock_dates`: reopening a listing's blocked dates for bookings. Booked nights stay booked;
//! the shared body in `availability` previews or applies it. The opposite of `block_dates`.

use rmcp::{Json, tool, tool_router};

use super::availability::{AvailabilityArgs, AvailabilityOutcome, Target};
use crate::tools::{ToolContext, error::ToolError, params::Parameters};

#[tool_router(router = unblock_dates_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Reopen a listing's blocked dates; booked days stay booked. To block: block_dates.
    #[tool(
        name = "unblock_dates",
        title = "Unblock dates",
        annotations(
            title = "Unblock dates",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn unblock_dates(
        &self,
        Parameters(args): Parameters<AvailabilityArgs>,
    ) -> Result<Json<AvailabilityOutcome>, ToolError> {
        self.set_availability("unblock_dates", Target::Open, args).await.map(Json)
    }
}
