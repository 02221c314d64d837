//! The one integration-test binary: the crate links once, and `support` starts what the tests
//! need (a sandbox, the real server, Redis, a client).
//!
//! Layout:
//! - `contract`: the generated client against the sandbox, per API area;
//! - `tools`: each toolset through a real MCP client;
//! - `trust`: dates, vocabulary and exactly-once writes across tools;
//! - `protocol`: MCP over both transports, the built binary, completions, schema snapshots;
//! - `edge`: hostile input, connections, deadlines, fair share, logs, visibility;
//! - `gateway`: pacing, retries, tokens and errors against the sandbox;
//! - `outage`: Hostaway down, through a real client: last good answers, circuits, start-up;
//! - `webhooks_live`: Hostaway's webhook events keeping answers fresh;
//! - `replicas`: several gateways or processes sharing Redis;
//! - `remote`: OAuth 2.1 against a real authorization server;
//! - `house`: the layering, the generated copy, spec coverage;
//! - `views`: the MCP Apps views built from `ui/`, rendered in headless Chromium.
//!
//! Tests about the calendar live in `contract`, `tools`, `trust`, `protocol` and `webhooks_live`;
//! `.ci/run` runs those again at pinned moments (`HOSTAWAY_MCP_CLOCK`).

mod contract;
mod edge;
mod gateway;
mod house;
mod outage;
mod protocol;
mod remote;
mod replicas;
mod support;
mod tools;
mod trust;
mod views;
mod webhooks_live;
