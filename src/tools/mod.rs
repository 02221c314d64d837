//! The scenario tools: shaped around what a property manager asks, not around endpoints.
//!
//! One module per domain; each declares its tools in a `#[tool_router]` impl block of
//! [`HostawayServer`] and this module joins them. A tool reads top to bottom: arguments type,
//! output type, the `#[tool]` method, then private helpers. Tools reach Hostaway only through the
//! gateway in [`ToolContext`]; they never build URLs.

pub mod args;
pub mod error;
pub mod guard;
pub mod params;
pub mod today;
pub mod untrusted;

mod availability;
mod booking_writes;
mod calendar_writes;
mod channels;
mod days;
mod finance;
mod inbox;
pub(crate) mod listings;
pub(crate) mod reservations;
mod text_match;

use std::sync::Arc;

use rmcp::handler::server::router::tool::ToolRouter;

use crate::{clock::Clock, hostaway::Gateway, server::HostawayServer};

pub use error::ToolError;
pub use guard::{WriteGuard, WriteStatus};

/// What every tool needs.
#[derive(Debug)]
pub struct ToolContext {
    /// The only way to Hostaway.
    pub gateway: Arc<Gateway>,
    /// Confirmation, repeat suppression and audit for writes.
    pub guard: WriteGuard,
    /// Whether get_listing and get_reservation may return door codes and Wi-Fi credentials.
    pub expose_access_codes: bool,
    /// The current time, shared with the gateway and the sandbox; "today" is read from it in
    /// each listing's zone (see [`today`]).
    pub clock: Clock,
    /// The account's time zone once a call has learnt it, for the server's instructions.
    pub account_zone: today::KnownZone,
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

/// Each tool's argument type, so an argument that does not fit can be named precisely: rmcp
/// reports only serde's message ("invalid type: string, expected u32"), not which argument.
type Explain = fn(serde_json::Value) -> Option<String>;

fn explain_with<T: serde::de::DeserializeOwned>(arguments: serde_json::Value) -> Option<String> {
    serde_path_to_error::deserialize::<_, T>(arguments).err().map(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if path == "." { inner.to_string() } else { format!("invalid argument `{path}`: {inner}") }
    })
}

/// Argument types by tool name; a test checks every tool is here.
pub const ARGUMENT_TYPES: &[(&str, Explain)] = &[
    ("search_listings", explain_with::<listings::SearchListingsArgs>),
    ("get_listing", explain_with::<listings::GetListingArgs>),
    ("find_available_listings", explain_with::<availability::FindAvailableArgs>),
    ("get_calendar", explain_with::<availability::GetCalendarArgs>),
    ("quote_stay", explain_with::<availability::QuoteStayArgs>),
    ("search_reservations", explain_with::<reservations::SearchReservationsArgs>),
    ("get_reservation", explain_with::<reservations::GetReservationArgs>),
    ("find_guest", explain_with::<reservations::FindGuestArgs>),
    ("arrivals_and_departures", explain_with::<reservations::ArrivalsArgs>),
    ("unread_conversations", explain_with::<inbox::UnreadConversationsArgs>),
    ("get_conversation", explain_with::<inbox::GetConversationArgs>),
    ("revenue_report", explain_with::<finance::RevenueReportArgs>),
    ("payments_for_reservation", explain_with::<finance::PaymentsForReservationArgs>),
    ("block_dates", explain_with::<calendar_writes::AvailabilityArgs>),
    ("unblock_dates", explain_with::<calendar_writes::AvailabilityArgs>),
    ("set_rates", explain_with::<calendar_writes::SetRatesArgs>),
    ("update_listing", explain_with::<calendar_writes::UpdateListingArgs>),
    ("send_guest_message", explain_with::<booking_writes::SendGuestMessageArgs>),
    ("create_reservation", explain_with::<booking_writes::CreateReservationArgs>),
    ("update_reservation", explain_with::<booking_writes::UpdateReservationArgs>),
    ("cancel_reservation", explain_with::<booking_writes::CancelReservationArgs>),
];

/// Why `arguments` do not fit `tool`'s argument type, naming the argument, if they do not.
pub fn explain_arguments(tool: &str, arguments: serde_json::Value) -> Option<String> {
    ARGUMENT_TYPES.iter().find(|(name, _)| *name == tool).and_then(|(_, explain)| explain(arguments))
}

/// Whether a tool changes anything (its `readOnlyHint` is not true).
pub fn is_write(tool: &rmcp::model::Tool) -> bool {
    !tool.annotations.as_ref().and_then(|a| a.read_only_hint).unwrap_or(false)
}
