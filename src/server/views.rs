//! MCP Apps views (the `io.modelcontextprotocol/ui` extension): HTML a host renders in a
//! sandboxed frame beside a tool's answer, fed the answer's `structuredContent`. They are built
//! from `ui/` into `views/` with the official SDK and committed there; the binary embeds them, so
//! the Rust build never needs Node. A view exists only where its tool does (toolsets, read-only,
//! scopes), like every other resource; the text answer stays for clients without the extension.

use rmcp::{
    handler::server::router::tool::ToolRouter,
    model::{MetaObject, ReadResourceResult, Resource, ResourceContents},
};
use serde_json::json;

use crate::tools::{Declaration, ToolContext, name_of};

/// The extension's id, under which the server says it has views.
pub const EXTENSION: &str = "io.modelcontextprotocol/ui";

/// The MIME type of a view.
pub const MIME: &str = "text/html;profile=mcp-app";

/// One view: its resource, the tool whose answers it shows, and its built HTML.
pub struct View {
    /// The `ui://` resource a host reads.
    pub uri: &'static str,
    /// The resource's name.
    pub name: &'static str,
    /// What a host shows as its title.
    pub title: &'static str,
    /// What it shows.
    pub description: &'static str,
    /// The tool that links to it.
    pub tool: Declaration,
    /// The single-file HTML built from `ui/`.
    pub html: &'static str,
}

/// Every view.
pub const VIEWS: &[View] = &[
    View {
        uri: "ui://hostaway/calendar",
        name: "portfolio-calendar",
        title: "Portfolio calendar view",
        description: "Listings by nights as a grid: free, gap, booked and blocked; a free run asks for a quote.",
        tool: ToolContext::portfolio_calendar_tool_attr,
        html: include_str!("../../views/portfolio-calendar.html"),
    },
    View {
        uri: "ui://hostaway/inbox",
        name: "inbox",
        title: "Inbox view",
        description: "Unread conversations by urgency, with waiting time, the stay and the latest message.",
        tool: ToolContext::unread_conversations_tool_attr,
        html: include_str!("../../views/inbox.html"),
    },
    View {
        uri: "ui://hostaway/revenue",
        name: "revenue",
        title: "Revenue view",
        description: "A revenue report as bars by month, listing or channel, and the table they come from.",
        tool: ToolContext::revenue_report_tool_attr,
        html: include_str!("../../views/revenue.html"),
    },
    View {
        uri: "ui://hostaway/statement",
        name: "owner-statement",
        title: "Owner statement view",
        description: "An owner statement as a printable page: owner, period, listings, totals and notes.",
        tool: ToolContext::get_owner_statement_tool_attr,
        html: include_str!("../../views/owner-statement.html"),
    },
];

/// The server's capability entry: it serves views of this type.
pub fn capability() -> (String, rmcp::model::JsonObject) {
    let settings = json!({ "mimeTypes": [MIME] });
    (EXTENSION.to_string(), settings.as_object().cloned().unwrap_or_default())
}

/// Links each view from its tool (`_meta.ui.resourceUri`), where the tool is in `router`.
pub fn link(router: &mut ToolRouter<ToolContext>) {
    for view in VIEWS {
        if let Some(route) = router.map.get_mut(name_of(view.tool).as_str()) {
            let meta = route.attr.meta.get_or_insert_with(MetaObject::new);
            meta.0.insert("ui".into(), json!({ "resourceUri": view.uri }));
        }
    }
}

/// The views whose tools `offers`, as resources.
pub fn listed(offers: impl Fn(&str) -> bool) -> impl Iterator<Item = Resource> {
    VIEWS.iter().filter(move |view| offers(&name_of(view.tool))).map(|view| {
        Resource::new(view.uri, view.name)
            .with_title(view.title)
            .with_description(view.description)
            .with_mime_type(MIME)
    })
}

/// The view at `uri`, if its tool is offered.
pub fn read(uri: &str, offers: impl Fn(&str) -> bool) -> Option<ReadResourceResult> {
    let view = VIEWS.iter().find(|view| view.uri == uri && offers(&name_of(view.tool)))?;
    // No network at all: no connect or resource domains, which the view's own CSP says too.
    let meta = json!({ "ui": { "csp": { "connectDomains": [], "resourceDomains": [] }, "prefersBorder": true } });
    let contents = ResourceContents::text(view.html, view.uri)
        .with_mime_type(MIME)
        .with_meta(meta.as_object().cloned().map(MetaObject).unwrap_or_default());
    Some(ReadResourceResult::new(vec![contents]))
}
