//! Hands memory back to the system once sessions end. glibc's allocator keeps what a crowd of
//! sessions used, even after every one of them has ended: 1,000 sessions opened at once left the
//! process about 80 MB larger after they were all gone, whether they timed out or were ended by
//! `DELETE` (`cargo bench --bench sessions`); `malloc_trim` returns it. So whenever the session
//! table has shrunk since its last peak, this trims.

use std::{sync::Arc, time::Duration};

use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use tokio_util::sync::CancellationToken;

/// How often the session table is looked at.
const EVERY: Duration = Duration::from_secs(1);

/// Sessions that must have ended since the peak before a trim: a few coming and going are not
/// worth one.
const ENDED_BEFORE_TRIM: usize = 16;

/// Trims after sessions of `table` end, until `stop`.
pub async fn return_after_sessions_end(table: Arc<LocalSessionManager>, stop: CancellationToken) {
    let mut tick = tokio::time::interval(EVERY);
    let mut peak = 0;
    while stop.run_until_cancelled(tick.tick()).await.is_some() {
        let open = table.sessions.read().await.len();
        peak = peak.max(open);
        if peak - open >= ENDED_BEFORE_TRIM || (open == 0 && peak > 0) {
            trim();
            peak = open;
        }
    }
}

/// Returns the allocator's free memory to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    // SAFETY: malloc_trim takes a padding size and only walks and releases the allocator's own
    // free lists; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Other allocators return memory on their own.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
