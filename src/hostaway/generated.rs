//! The progenitor output for `openapi/hostaway.yaml`, built by `build.rs`.
#![allow(
    clippy::all,
    clippy::pedantic,
    missing_docs,
    unused_imports,
    unreachable_pub,
    dead_code,
    irrefutable_let_patterns
)]

include!(concat!(env!("OUT_DIR"), "/hostaway_client.rs"));
