//! The deadline of the tool call a Hostaway request serves.
//!
//! A tool that pages or fans out makes several requests; each has its own deadline, but the whole
//! call must end by the tool's. The server sets the tool's deadline around the call
//! ([`within`]) and every request made inside it ends by the earlier of the two, so a rate-limit
//! wait that cannot finish in time fails at once with "retry in N s" instead of running past it.

use std::time::Instant;

use super::GatewayError;

tokio::task_local! {
    static TOOL_DEADLINE: Instant;
}

/// Runs `work` with `deadline` as the deadline of every Hostaway request it makes.
pub async fn within<F: Future>(deadline: Instant, work: F) -> F::Output {
    TOOL_DEADLINE.scope(deadline, work).await
}

/// The deadline of the tool call under way, if any.
pub fn current() -> Option<Instant> {
    TOOL_DEADLINE.try_with(|deadline| *deadline).ok()
}

/// Whether the tool call under way has run out of time.
pub fn passed() -> bool {
    current().is_some_and(|deadline| Instant::now() >= deadline)
}

/// Whether a failed request means the tool ran out of time (its deadline passed, or a rate-limit
/// wait could not end before it) rather than a wrong request: then what a tool that pages has
/// found so far is worth answering with.
pub fn ran_out(error: &GatewayError) -> bool {
    passed() || matches!(error, GatewayError::Busy { .. } | GatewayError::Timeout { .. })
}
