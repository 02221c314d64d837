#![recursion_limit = "256"]
//! hostaway-mcp: an MCP server that lets AI assistants run a short-term-rental business on Hostaway.
//!
//! # Layout
//! - [`hostaway`]: the typed Hostaway client generated from `openapi/hostaway.yaml`.
//! - [`sandbox`]: an embedded Hostaway simulator speaking the same wire format, for tries and tests.

pub mod hostaway;
pub mod sandbox;
