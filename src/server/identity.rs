//! Who this server is, as `initialize` and `server/discover` say (name, version, title,
//! description, icon, website) and, briefer, as every 2026-07-28 result's `_meta` repeats it.

use base64::{Engine, engine::general_purpose::STANDARD};
use rmcp::model::{Icon, Implementation};

/// The server's icon: a house, small enough to travel inline as a data URI.
const ICON_SVG: &str = include_str!("../../assets/icon.svg");

/// The identity every result carries: enough to tell which server answered.
pub fn brief() -> Implementation {
    Implementation::new("hostaway-mcp", env!("CARGO_PKG_VERSION"))
        .with_title("Hostaway")
        .with_description(env!("CARGO_PKG_DESCRIPTION"))
}

/// The identity a client shows when it connects: the brief one with the icon and, when the
/// deployment has a public address, the page at its root (`website`, which serves `llms.txt`).
pub fn full(website: Option<&str>) -> Implementation {
    let icon = Icon::new(format!("data:image/svg+xml;base64,{}", STANDARD.encode(ICON_SVG.trim())))
        .with_mime_type("image/svg+xml")
        .with_sizes(vec!["any".into()]);
    let identity = brief().with_icons(vec![icon]);
    match website {
        Some(website) => identity.with_website_url(website),
        None => identity,
    }
}
