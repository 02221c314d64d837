//! The scenario tools: shaped around what a property manager asks, not around endpoints.
//!
//! One module per domain; each declares its tools in a `#[tool_router]` impl block of
//! [`HostawayServer`] and this module joins them. A tool reads top to bottom: arguments type,
//! output type, the `#[tool]` method, then private helpers. Tools reach Hostaway only through the
//! gateway in [`ToolContext`]; they never build URLs.

pub mod args;
pub mod error;
pub mod guard;

mod calendar_writes;
mod listings;

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
    HostawayServer::listing_tools() + HostawayServer::calendar_write_tools()
}

/// Whether a tool changes anything (its `readOnlyHint` is not true).
pub fn is_write(tool: &rmcp::model::Tool) -> bool {
    !tool.annotations.as_ref().and_then(|a| a.read_only_hint).unwrap_or(false)
}
