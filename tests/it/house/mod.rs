//! The house rules: the layering, the committed generated client, and the spec covered by the
//! sandbox and the contract tests.

mod architecture;
mod generated_client;
mod spec_coverage;
