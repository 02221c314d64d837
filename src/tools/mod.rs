//! The scenario tools: shaped around what a property manager asks, not around endpoints.
//!
//! One module per domain; each declares its tools in a `#[tool_router]` impl block of
//! [`HostawayServer`] and this module joins them. A tool reads top to bottom: arguments type,
//! output type, the `#[tool]` method, then private helpers. Tools reach Hostaway only through the
//! gateway in [`ToolContext`]; they never build URLs.

pub mod args;
pub mod error;
pub mod guard;

mod availability;
mod booking_writes;
mod calendar_writes;
mod finance;
mod inbox;
mod listings;
mod reservations;

use std::sync::Arc;

use chrono::NaiveDate;
use rmcp::handler::server::router::tool::ToolRouter;

use crate::{hostaway::Gateway, server::HostawayServer};

pub use error::ToolError;
pub use guard::{WriteGuard, WriteStatus};

/// What every tool needs.
#[derive(Debug)]
pub struct ToolContext {
    /// The only way to Hostaway.
    pub gateway: Arc<Gateway>,
    /// Confirmation, repeat suppression and audit for writes.
    pub guard: WriteGuard,
}

impl ToolContext {
    /// Today's date (UTC), for "today" and "this week" questions.
    pub fn today(&self) -> NaiveDate {
        chrono::Utc::now().date_naive()
    }
}

/// Every tool, reads and writes.
pub fn all() -> ToolRouter<HostawayServer> {
    HostawayServer::listing_tools()
        + HostawayServer::availability_tools()
        + HostawayServer::reservation_tools()
        + HostawayServer::inbox_tools()
        + HostawayServer::finance_tools()
        + HostawayServer::calendar_write_tools()
        + HostawayServer::booking_write_tools()
}

/// The domains an operator can switch on one by one (`--toolsets`), with their tools. Every tool
/// is in exactly one toolset; a test keeps this table complete.
pub const TOOLSETS: &[(&str, &[&str])] = &[
    ("listings", &["search_listings", "get_listing", "update_listing"]),
    (
        "calendar",
        &["find_available_listings", "get_calendar", "quote_stay", "block_dates", "unblock_dates", "set_rates"],
    ),
    (
        "reservations",
        &[
            "search_reservations",
            "get_reservation",
            "find_guest",
            "arrivals_and_departures",
            "create_reservation",
            "update_reservation",
            "cancel_reservation",
        ],
    ),
    ("messaging", &["unread_conversations", "get_conversation", "send_guest_message"]),
    ("finance", &["revenue_report", "payments_for_reservation"]),
];

/// The toolset a tool belongs to.
pub fn toolset_of(tool: &str) -> Option<&'static str> {
    TOOLSETS.iter().find(|(_, tools)| tools.contains(&tool)).map(|(name, _)| *name)
}

/// Whether a tool changes anything (its `readOnlyHint` is not true).
pub fn is_write(tool: &rmcp::model::Tool) -> bool {
    !tool.annotations.as_ref().and_then(|a| a.read_only_hint).unwrap_or(false)
}
