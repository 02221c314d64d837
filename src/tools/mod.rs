//! The scenario tools: shaped around what a property manager asks, not around endpoints.
//!
//! One module per toolset (listings, calendar, reservations, messaging, finance, reviews, operations); each declares its
//! tools as `#[tool]` methods of [`ToolContext`], plain async functions that a test can call
//! without an MCP client, and names itself in a [`Toolset`]. A tool reads top to bottom: arguments
//! type, output type, the `#[tool]` method, then private helpers. Tools reach Hostaway only through
//! the typed operations of the gateway in [`ToolContext`]; they never build URLs, cache keys or
//! scopes, and nothing here knows about the MCP server that serves them.

pub mod args;
pub mod bound;
pub mod error;
pub mod guard;
mod known;
pub mod params;
pub mod schema;
pub mod today;
pub mod untrusted;
pub mod write_lease_file;

pub mod calendar;
mod channels;
mod custom_fields;
mod days;
pub mod finance;
pub mod listings;
pub mod messaging;
pub mod operations;
pub mod reservations;
pub mod reviews;
pub mod text_match;

use std::sync::Arc;

use rmcp::handler::server::router::tool::ToolRouter;

use crate::{clock::Clock, hostaway::Gateway};

pub use bound::MAX_ANSWER_CHARS;
pub use error::ToolError;
pub use guard::{WriteGuard, WriteStatus};

/// What every tool needs.
#[derive(Debug)]
pub struct ToolContext {
    /// The only way to Hostaway.
    pub gateway: Arc<Gateway>,
    /// Confirmation, repeat suppression and audit for writes.
    pub guard: WriteGuard,
    /// Whether get_listing and get_reservation may return door codes and Wi-Fi credentials, and
    /// update_reservation may write door details.
    pub expose_access_codes: bool,
    /// The current time, shared with the gateway and the sandbox; "today" is read from it in
    /// each listing's zone (see [`today`]).
    pub clock: Clock,
    /// The account's time zone once a call has learnt it, for the server's instructions.
    pub account_zone: today::KnownZone,
}

/// A domain an operator can switch on by itself (`--toolsets`). Each toolset declares itself in its
/// own module, next to its tools: the tool declarations (`#[tool]`: name, title, annotations,
/// argument type) are the only list of tools there is, and everything else (`--toolsets`,
/// `--read-only`, the instructions, the prompts, README's table, the tests) derives from them.
#[derive(Clone, Copy)]
pub struct Toolset {
    /// The name `--toolsets` takes.
    pub name: &'static str,
    /// What the server's instructions say about the toolset's read tools.
    pub guide: &'static str,
    /// The toolset's tools, reads and writes.
    pub tools: fn() -> ToolRouter<ToolContext>,
}

impl std::fmt::Debug for Toolset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Toolset").field("name", &self.name).finish()
    }
}

/// Every toolset, in the order README and `--help` list them.
pub const TOOLSETS: &[Toolset] = &[
    listings::TOOLSET,
    calendar::TOOLSET,
    reservations::TOOLSET,
    messaging::TOOLSET,
    finance::TOOLSET,
    reviews::TOOLSET,
    operations::TOOLSET,
];

impl Toolset {
    /// The toolset's tools as clients see them, their schemas compacted for the wire ([`schema`]).
    pub fn router(&self) -> ToolRouter<ToolContext> {
        let mut router = (self.tools)();
        for route in router.map.values_mut() {
            schema::compact(&mut route.attr);
        }
        router
    }
}

/// Every tool with its toolset, in toolset order and then by name: what tests and docs list.
pub fn catalogue() -> Vec<(&'static str, rmcp::model::Tool)> {
    TOOLSETS.iter().flat_map(|set| set.router().list_all().into_iter().map(move |tool| (set.name, tool))).collect()
}

/// The tools of the toolsets `enabled` (all when empty), without writes when `read_only`.
pub fn router(enabled: &[String], read_only: bool) -> ToolRouter<ToolContext> {
    let mut router = ToolRouter::new();
    for set in TOOLSETS.iter().filter(|set| enabled.is_empty() || enabled.iter().any(|name| name == set.name)) {
        router += set.router();
    }
    if read_only {
        for tool in router.list_all().iter().filter(|tool| is_write(tool)) {
            router.remove_route(&tool.name);
        }
    }
    router
}

/// A tool's declaration: the `*_tool_attr` function `#[tool]` generates next to the tool, which
/// prompts and resources hold to refer to a tool without restating its name.
pub type Declaration = fn() -> rmcp::model::Tool;

/// A tool's name from its declaration.
pub fn name_of(declaration: Declaration) -> String {
    declaration().name.into_owned()
}

/// Whether a tool changes anything (its `readOnlyHint` is not true).
pub fn is_write(tool: &rmcp::model::Tool) -> bool {
    !tool.annotations.as_ref().and_then(|a| a.read_only_hint).unwrap_or(false)
}
