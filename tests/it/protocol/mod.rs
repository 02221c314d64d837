//! MCP itself: the server over both transports, every tool through the built binary, completions
//! and the schema snapshots.

mod about;
mod completions;
mod freshness;
mod raw_2026;
mod server;
mod stdio_tools;
mod tool_schemas;
mod transports;
