//! `block_dates`: closing a listing's dates to bookings (maintenance, owner use). Booked nights
//! stay booked; the shared body in `availability` previews or applies it. Undone by
//! `unblock_dates`.

use rmcp::{Json, tool, tool_router};

use super::availability::{AvailabilityArgs, AvailabilityOutcome, Target};
use crate::tools::{ToolContext, error::ToolError, params::Parameters};

#[tool_router(router = block_dates_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Block a listing's dates (maintenance, owner use); booked days stay booked. Undo: unblock_dates.
    #[tool(
        name = "block_dates",
        title = "Block dates",
        annotations(
            title = "Block dates",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn block_dates(
        &self,
        Parameters(args): Parameters<AvailabilityArgs>,
    ) -> Result<Json<AvailabilityOutcome>, ToolError> {
        self.set_availability("block_dates", Target::Blocked, args).await.map(Json)
    }
}
