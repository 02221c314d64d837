//! What every test starts: `api` a sandbox reached through the generated client (the raw `/v1`
//! API), `mcp` the real server in front of a sandbox with an MCP client, `redis` a real
//! `redis-server`, `oauth` a real OAuth authorization server, `browser` a real headless Chromium.

pub mod api;
pub mod browser;
pub mod mcp;
pub mod oauth;
pub mod redis;
