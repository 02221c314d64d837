//! The calendar toolset. Here, availability and prices: which properties are free for a stay, what
//! a listing's calendar looks like, every listing's nights at once, and what one stay costs and
//! whether it can be booked; and changing calendars: blocking and reopening dates, setting rates.
//!
//! One tool a file, named after it. What the read tools share is in `rows`, whether a stay can be
//! booked in `bookable`; what blocking and reopening share is in `availability`, and the one
//! calendar write every writing tool sends in `update`.

use rmcp::handler::server::router::tool::ToolRouter;

use super::{ToolContext, Toolset};

mod availability;
mod block_dates;
pub mod bookable;
mod find_available_listings;
mod get_calendar;
mod portfolio_calendar;
mod quote_stay;
mod rows;
mod set_rates;
mod update;

/// The calendar toolset, as `--toolsets` names it and the instructions introduce it.
pub const TOOLSET: Toolset = Toolset {
    name: "calendar",
    guide: "Free listings for dates with find_available_listings, prices and stay rules with get_calendar and quote_stay, every listing's nights at once with portfolio_calendar.",
    tools,
};

fn tools() -> ToolRouter<ToolContext> {
    ToolContext::get_calendar_tool()
        + ToolContext::quote_stay_tool()
        + ToolContext::find_available_listings_tool()
        + ToolContext::portfolio_calendar_tool()
        + ToolContext::block_dates_tool()
        + ToolContext::set_rates_tool()
}
