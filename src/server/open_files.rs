//! The process's open-file limit: raised to the hard limit at start-up, because every connection,
//! every socket to Hostaway or Redis and every file costs a descriptor and the soft limit is often
//! far below what the machine allows; and the connection cap derived from it, so the cap follows
//! the machine instead of a number fixed for the smallest one.

use std::io;

/// The soft open-file limit at start-up and after raising it to the hard limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenFiles {
    /// The soft limit the process was started with.
    pub before: u64,
    /// The soft limit now: the hard limit, unless the platform caps it lower.
    pub after: u64,
}

/// Why the limit could not be raised; start-up goes on with the limit it has.
#[derive(Debug, thiserror::Error)]
pub enum OpenFilesError {
    /// The limit cannot be read (or the platform has none).
    #[error("cannot read the open-file limit: {0}")]
    Unreadable(#[source] io::Error),
    /// The limit was read but the system refused to raise it.
    #[error("cannot raise the open-file limit from {soft} to the hard limit {hard}: {source}")]
    NotRaised {
        /// The soft limit, which stays in force.
        soft: u64,
        /// The hard limit asked for.
        hard: u64,
        /// What the system answered.
        source: io::Error,
    },
}

impl OpenFilesError {
    /// The limit in force after the failure, when it is known, so the cap can still follow it.
    pub fn soft_limit(&self) -> Option<u64> {
        match self {
            OpenFilesError::Unreadable(_) => None,
            OpenFilesError::NotRaised { soft, .. } => Some(*soft),
        }
    }
}

/// Raises the soft open-file limit to the hard one (an unprivileged process may, up to the hard
/// limit); on macOS `rlimit` also keeps it within `kern.maxfilesperproc`.
#[cfg(unix)]
pub fn raise_to_hard_limit() -> Result<OpenFiles, OpenFilesError> {
    let (soft, hard) = rlimit::Resource::NOFILE.get().map_err(OpenFilesError::Unreadable)?;
    let after =
        rlimit::increase_nofile_limit(hard).map_err(|source| OpenFilesError::NotRaised { soft, hard, source })?;
    Ok(OpenFiles { before: soft, after })
}

/// Without `RLIMIT_NOFILE` there is nothing to raise; the cap falls back to its default.
#[cfg(not(unix))]
pub fn raise_to_hard_limit() -> Result<OpenFiles, OpenFilesError> {
    Err(OpenFilesError::Unreadable(io::ErrorKind::Unsupported.into()))
}

/// The fewest connections a default cap allows, however low the limit: below this the server
/// could not serve a handful of clients anyway.
pub const MIN_CONNECTIONS: usize = 64;

/// The most connections a default cap allows, however high the limit (often a million in
/// containers): each open connection holds buffers and a task, so this bounds the memory a flood
/// of connections can take (a few hundred MB at most) rather than the descriptors.
pub const MAX_CONNECTIONS: usize = 16_384;

/// The cap on open connections when `--max-connections` is not given, for a process that may open
/// `open_files` files (`None`: unknown, taken as Linux's usual 1024): half of them, between
/// [`MIN_CONNECTIONS`] and [`MAX_CONNECTIONS`]. The other half is left for what else needs a
/// descriptor: the connections kept for `/health`, the refusals being answered beyond the cap, the
/// pooled sockets to Hostaway, Redis, the token file, the listener and the runtime's own. At the
/// common limit of 1024 this is the 512 that was the fixed default before.
pub fn connection_cap(open_files: Option<u64>) -> usize {
    let half = open_files.unwrap_or(1024) / 2;
    usize::try_from(half).unwrap_or(usize::MAX).clamp(MIN_CONNECTIONS, MAX_CONNECTIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_half_the_open_file_limit_within_its_floor_and_ceiling() {
        assert_eq!(connection_cap(Some(1024)), 512, "the former fixed default at the common limit");
        assert_eq!(connection_cap(Some(20_000)), 10_000);
        assert_eq!(connection_cap(Some(20_001)), 10_000);
        assert_eq!(connection_cap(None), 512, "an unknown limit is taken as 1024");
        assert_eq!(connection_cap(Some(100)), MIN_CONNECTIONS);
        assert_eq!(connection_cap(Some(0)), MIN_CONNECTIONS);
        assert_eq!(connection_cap(Some(1 << 20)), MAX_CONNECTIONS);
        assert_eq!(connection_cap(Some(u64::MAX)), MAX_CONNECTIONS, "an unlimited hard limit");
    }

    #[cfg(unix)]
    #[test]
    fn raising_leaves_the_limit_at_least_where_it_was() {
        let raised = raise_to_hard_limit().expect("the test machine has an open-file limit");
        assert!(raised.after >= raised.before, "{raised:?}");
        assert_eq!(rlimit::Resource::NOFILE.get_soft().ok(), Some(raised.after));
    }
}
