//! The committed copy in `generated/` must match what build.rs produces from the spec, so every
//! change to the spec shows up as a reviewable diff of the client.
//!
//! Refresh the copy with `REGENERATE=1 cargo test --test it generated_client`.

use std::path::Path;

const BUILT: &str = include_str!(concat!(env!("OUT_DIR"), "/hostaway_client.rs"));
const COMMITTED: &str = "generated/hostaway_client.rs";

#[test]
fn committed_client_matches_build_output() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    if std::env::var_os("REGENERATE").is_some() {
        std::fs::write(&path, BUILT).expect("write generated/hostaway_client.rs");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != BUILT {
        let first_difference = committed
            .lines()
            .zip(BUILT.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| "length differs".to_string(), |line| format!("first difference at line {}", line + 1));
        panic!(
            "{COMMITTED} is stale ({first_difference}). Run `REGENERATE=1 cargo test --test it generated_client` \
             and review the diff."
        );
    }
}
