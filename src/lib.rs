#![recursion_limit = "256"]
//! hostaway-mcp: an MCP server that lets AI assistants run a short-term-rental business on Hostaway.
//!
//! # Layout
//! - [`hostaway`]: the typed Hostaway client generated from `openapi/hostaway.yaml`, and the
//!   gateway every call goes through (token, rate budget, retries, cache, errors).
//! - [`sandbox`]: an embedded Hostaway simulator speaking the same wire format, for tries and tests.
//! - [`domain`]: the trade's shared words as types (booking statuses, a stay's phase), each rule once.
//! - [`clock`]: the one source of the current time, movable for demos and tests.
//! - [`log_limit`]: at most one log line per interval about a lasting condition.
//! - [`config`]: flags and environment variables, validated once at start-up.
//! - [`tools`]: the scenario tools a model calls, built on the gateway.
//! - [`server`]: the MCP server (rmcp) over stdio and streamable HTTP.
//! - [`shared`]: what replicas share in Redis (`--redis-url`): the rate budget, the token and cache coherence.
//! - [`webhook_admin`]: `hostaway-mcp webhooks`, registering the receiver with Hostaway and showing its deliveries.

pub mod accounts;
pub mod clock;
pub mod config;
pub mod domain;
pub mod hostaway;
pub mod log_limit;
pub mod sandbox;
pub mod secret;
pub mod server;
pub mod shared;
pub mod sliding_window;
pub mod tools;
pub mod webhook_admin;
