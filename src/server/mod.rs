//! The MCP server: one [`HostawayServer`] per session over stdio or streamable HTTP.

pub mod http;
mod prompts;

use std::sync::Arc;

use rmcp::{
    ServerHandler,
    handler::server::router::{prompt::PromptRouter, tool::ToolRouter},
    model::{Implementation, ServerCapabilities, ServerConfig},
    prompt_handler, tool_handler,
};

use crate::{
    hostaway::Gateway,
    tools::{self, ToolContext, WriteGuard},
};

/// What the operator chose at start-up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerOptions {
    /// Hide every tool that can change the account.
    pub read_only: bool,
}

/// The MCP handler; cheap to clone per session (the context is shared).
#[derive(Clone)]
pub struct HostawayServer {
    pub(crate) ctx: Arc<ToolContext>,
    tool_router: ToolRouter<Self>,
    prompt_router: PromptRouter<Self>,
}

impl std::fmt::Debug for HostawayServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostawayServer").field("tools", &self.tool_router.list_all().len()).finish()
    }
}

const INSTRUCTIONS: &str = "Tools for a short-term-rental business on Hostaway. \
Find properties with search_listings / get_listing, free ones for dates with find_available_listings, \
prices and stay rules with get_calendar and quote_stay. Bookings: search_reservations, get_reservation, \
find_guest, arrivals_and_departures (check-ins, check-outs, turnovers). Guests: unread_conversations \
(longest waiting first), get_conversation, send_guest_message. Money: revenue_report, payments_for_reservation. \
Writes (block_dates, unblock_dates, set_rates, create/update/cancel_reservation, update_listing, \
send_guest_message) only preview unless called with confirm: true; show the preview to the user first. \
Dates are YYYY-MM-DD; a stay is check_in..check_out with check_out exclusive. Lists take limit and return \
next_cursor when there is more. Answers are compact; pass detail: \"full\" for every field.";

impl HostawayServer {
    /// A server over `gateway`; `options` decides which tools exist.
    pub fn new(gateway: Arc<Gateway>, options: ServerOptions) -> Self {
        let mut tool_router = tools::all();
        if options.read_only {
            for tool in tool_router.list_all().iter().filter(|t| tools::is_write(t)) {
                tool_router.remove_route(&tool.name);
            }
        }
        Self {
            ctx: Arc::new(ToolContext { gateway, guard: WriteGuard::default() }),
            tool_router,
            prompt_router: Self::prompts(),
        }
    }

    /// The tools this server offers, in `tools/list` order.
    pub fn tools(&self) -> Vec<rmcp::model::Tool> {
        self.tool_router.list_all()
    }
}

#[tool_handler(router = self.tool_router)]
#[prompt_handler(router = self.prompt_router)]
impl ServerHandler for HostawayServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_prompts().build())
            .with_server_info(Implementation::new("hostaway-mcp", env!("CARGO_PKG_VERSION")).with_title("Hostaway"))
            .with_instructions(INSTRUCTIONS)
    }
}
