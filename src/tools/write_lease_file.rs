//! The write lock of a process without Redis, kept in files beside the token, so that it outlives
//! the process: the record that a write may be on its way to Hostaway.
//!
//! A confirmed write takes a lease on its identity before it reads Hostaway and sends, and renews
//! it while it runs. If the process dies (kill -9, a crash) with the request in flight, the file
//! stays; the restarted process's same confirm finds the lease live and waits for it to run out,
//! one request's timeout at most, by when the write it may have sent has landed or failed. Its look
//! in Hostaway then sees the write, and it is not sent twice.

use std::{
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use super::guard::SharedWriteLock;
use crate::hostaway::budget::{BoxFuture, Unavailable};

/// How often a waiting confirm looks again (the tool's deadline ends the wait).
const RETRY: Duration = Duration::from_millis(50);

/// Write leases as files in one directory, one per write identity: the holder and the moment
/// (milliseconds since the epoch) the lease runs out.
#[derive(Debug)]
pub struct FileWriteLock {
    dir: PathBuf,
    lease: Duration,
    holder: u64,
    taken: AtomicU64,
}

impl FileWriteLock {
    /// Leases of `lease` (one request's timeout and a margin) in `dir`, created 0700 if missing.
    pub fn new(dir: PathBuf, lease: Duration) -> Self {
        Self { dir, lease, holder: rand::random(), taken: AtomicU64::new(0) }
    }

    fn path(&self, key: u64) -> PathBuf {
        self.dir.join(format!("{key:016x}"))
    }

    fn until(&self) -> u128 {
        now_ms() + self.lease.as_millis()
    }

    async fn take(&self, key: u64) -> Result<String, Unavailable> {
        create_dir(&self.dir).await?;
        let held = format!("{:016x}-{}", self.holder, self.taken.fetch_add(1, Ordering::Relaxed));
        let path = self.path(key);
        loop {
            match read(&path).await {
                Some((_, until)) if until > now_ms() => tokio::time::sleep(RETRY).await,
                _ => {
                    write(&path, &held, self.until()).await?;
                    return Ok(held);
                }
            }
        }
    }
}

fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_millis())
}

fn unavailable(what: &str, path: &Path, error: &std::io::Error) -> Unavailable {
    Unavailable(format!("cannot {what} the write record {} ({error})", path.display()))
}

async fn create_dir(dir: &Path) -> Result<(), Unavailable> {
    let mut builder = tokio::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir).await.map_err(|e| unavailable("create", dir, &e))
}

/// The holder and end of the lease at `path`, if a readable one is there.
async fn read(path: &Path) -> Option<(String, u128)> {
    let text = tokio::fs::read_to_string(path).await.ok()?;
    let (holder, until) = text.trim().split_once(' ')?;
    Some((holder.to_string(), until.parse().ok()?))
}

/// Writes a lease whole: to a fresh temporary file, then renamed over `path`.
async fn write(path: &Path, held: &str, until: u128) -> Result<(), Unavailable> {
    let temporary = path.with_extension(format!("{held}.tmp"));
    tokio::fs::write(&temporary, format!("{held} {until}")).await.map_err(|e| unavailable("write", &temporary, &e))?;
    tokio::fs::rename(&temporary, path).await.map_err(|e| unavailable("write", path, &e))
}

impl SharedWriteLock for FileWriteLock {
    fn lock(&self, key: u64) -> BoxFuture<'_, Result<String, Unavailable>> {
        Box::pin(self.take(key))
    }

    fn unlock<'a>(&'a self, key: u64, held: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(key);
            if read(&path).await.is_some_and(|(holder, _)| holder == held)
                && let Err(error) = tokio::fs::remove_file(&path).await
            {
                tracing::warn!(%error, "a write record could not be removed; it runs out by itself");
            }
        })
    }

    fn lease(&self) -> Duration {
        self.lease
    }

    fn renew<'a>(&'a self, key: u64, held: &'a str) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let path = self.path(key);
            match read(&path).await {
                Some((holder, _)) if holder == held => write(&path, held, self.until()).await.is_ok(),
                _ => false,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_lease_left_by_a_dead_holder_holds_the_next_one_back_until_it_runs_out() {
        let dir = tempfile::tempdir().unwrap();
        let lease = Duration::from_millis(300);
        let dead = FileWriteLock::new(dir.path().join("writes"), lease);
        let held = dead.lock(7).await.unwrap();
        assert!(dead.renew(7, &held).await);
        drop(dead);

        let restarted = FileWriteLock::new(dir.path().join("writes"), lease);
        let started = std::time::Instant::now();
        let mine = restarted.lock(7).await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(250), "waited {:?}", started.elapsed());
        assert!(!restarted.renew(7, &held).await, "the dead holder's lease is gone");
        let other = restarted.lock(8).await.unwrap();
        restarted.unlock(7, &mine).await;
        restarted.unlock(8, &other).await;
        assert!(std::fs::read_dir(dir.path().join("writes")).unwrap().next().is_none(), "nothing left behind");
    }
}
