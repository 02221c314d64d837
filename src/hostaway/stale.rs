//! Which reads of a tool call were answered from their last good copy because Hostaway failed,
//! so the server can say so in the tool's answer: when each copy was fetched, and why it could
//! not be refreshed. The server opens a record around each tool call ([`noting`]); the gateway
//! adds to it ([`note`]) wherever in the call the read happens.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

/// One read answered from its last good copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleRead {
    /// The operationId of the read.
    pub operation: &'static str,
    /// When the copy was fetched from Hostaway.
    pub fetched: DateTime<Utc>,
    /// Why it could not be refreshed (the failure, as a tool would have reported it).
    pub why: String,
}

type Record = Arc<Mutex<Vec<StaleRead>>>;

tokio::task_local! {
    static STALE: Record;
}

/// Runs `work`, returning its output and the reads it got from last good copies.
pub async fn noting<F: Future>(work: F) -> (F::Output, Vec<StaleRead>) {
    let record = Record::default();
    let output = STALE.scope(record.clone(), work).await;
    let reads = std::mem::take(&mut *record.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    (output, reads)
}

/// Notes a read answered from its last good copy (nothing outside [`noting`]).
pub(super) fn note(read: StaleRead) {
    let _ = STALE.try_with(|record| record.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(read));
}
