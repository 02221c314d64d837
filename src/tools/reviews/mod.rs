//! The reviews toolset: what guests said about their stays, rated and written, by listing, period
//! and channel, with averages, and the low ones first when asked.

use rmcp::handler::server::router::tool::ToolRouter;

use super::{ToolContext, Toolset};

pub mod list_reviews;

/// The reviews toolset, as `--toolsets` names it and the instructions introduce it.
pub const TOOLSET: Toolset =
    Toolset { name: "reviews", guide: "Guests' reviews and average ratings: list_reviews.", tools };

fn tools() -> ToolRouter<ToolContext> {
    ToolContext::list_reviews_tool()
}
