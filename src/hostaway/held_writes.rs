//! Writes held back for one tool call.
//!
//! A confirm whose preview no longer matches Hostaway must not write what the human did not see,
//! yet it may find that its write was already made (a repeated confirm), and then it answers
//! `unchanged` or `already_done` like any other. The server runs such a confirm inside
//! [`holding`]: the tool reads and decides as usual, and a write it reaches fails with
//! [`GatewayError::WriteHeld`] instead of going out. [`holding`] says whether that happened.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use super::GatewayError;

tokio::task_local! {
    static HELD: Arc<AtomicBool>;
}

/// Runs `work` with every Hostaway write held back; the flag says whether one was reached.
pub async fn holding<F: Future>(work: F) -> (F::Output, bool) {
    let reached = Arc::new(AtomicBool::new(false));
    let output = HELD.scope(reached.clone(), work).await;
    (output, reached.load(Ordering::SeqCst))
}

/// Refuses `operation` when it is a write inside [`holding`], noting that one was reached.
pub(super) fn check(operation: &'static str) -> Result<(), GatewayError> {
    let held = HELD.try_with(|reached| reached.clone()).ok();
    match held {
        Some(reached) if super::is_write(operation) => {
            reached.store(true, Ordering::SeqCst);
            Err(GatewayError::WriteHeld)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hostaway::id;

    #[tokio::test]
    async fn inside_the_scope_writes_are_refused_and_noted_and_reads_go() {
        let ((read, write), reached) = holding(async { (check(id::LIST_LISTINGS), check(id::CREATE_TASK)) }).await;
        assert!(read.is_ok());
        assert!(matches!(write, Err(GatewayError::WriteHeld)));
        assert!(reached);
        let (read, reached) = holding(async { check(id::LIST_LISTINGS) }).await;
        assert!(read.is_ok() && !reached, "a call that only reads reaches no write");
        assert!(check(id::CREATE_TASK).is_ok(), "outside the scope writes go");
    }
}
