//! `block_dates`: closing a listing's dates to bookings (maintenance, owner use), or with
//! `unblock: true` reopening them: one tool, since one undoes the other over the same arguments.
//! Booked nights stay booked; the body in `availability` previews or applies it.

use rmcp::{Json, tool, tool_router};

use super::availability::{AvailabilityArgs, AvailabilityOutcome, Target};
use crate::tools::{ToolContext, error::ToolError, params::Parameters};

#[tool_router(router = block_dates_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Block a listing's dates (maintenance, owner use), or reopen them with unblock; booked days stay booked.
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
        let target = if args.unblock { Target::Open } else { Target::Blocked };
        self.set_availability("block_dates", target, args).await.map(Json)
    }
}
