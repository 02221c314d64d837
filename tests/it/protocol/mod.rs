//! MCP itself: the server over both transports, every tool through the built binary, completions
//! and the schema snapshots.

mod completions;
mod freshness;
mod server;
mod stdio_tools;
mod tool_schemas;
mod transports;
