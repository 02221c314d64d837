//! What can go wrong talking to Hostaway, each with a message that says what to do next.
//!
//! Messages never carry the API secret or a token: URLs are stripped from transport errors and
//! Hostaway's own failure text is passed on as it came.

use std::time::Duration;

use super::budget::Limits;

/// A failed Hostaway call, after the gateway's retries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// Minting a token failed: the account id or secret is wrong or revoked.
    #[error(
        "Hostaway refused the API credentials (HTTP {status}): check HOSTAWAY_ACCOUNT_ID and HOSTAWAY_SECRET_KEY \
         (Hostaway dashboard > Settings > Hostaway API)"
    )]
    BadCredentials {
        /// HTTP status of the refusal.
        status: u16,
    },
    /// A fresh token was still refused: the account lacks access to this resource.
    #[error("Hostaway denied access even with a fresh token: {message}")]
    AccessDenied {
        /// Hostaway's message.
        message: String,
    },
    /// The object does not exist (or is not visible to this account).
    #[error("not found in Hostaway: {message}")]
    NotFound {
        /// Hostaway's message.
        message: String,
    },
    /// Hostaway rejected the request as invalid; its message says why.
    #[error("Hostaway rejected the request: {message}")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// Hostaway's message.
        message: String,
    },
    /// Hostaway kept answering 429 within the call's deadline.
    #[error("Hostaway is rate limiting this account; retry in {} s", secs(*retry_after))]
    RateLimited {
        /// How long to wait before trying again.
        retry_after: Duration,
    },
    /// The local rate budget is spent and the call's deadline would pass before a slot frees up.
    #[error("busy: the Hostaway request budget ({limits}) is used up; retry in {} s", secs(*retry_after))]
    Busy {
        /// How long until the budget has room.
        retry_after: Duration,
        /// The limits the gateway paces by, as configured.
        limits: Limits,
    },
    /// Hostaway had a server error and the call could not (or must not) be retried.
    #[error("Hostaway had a server error (HTTP {status}){}; try again in a minute", if *maybe_applied { ", and the change may or may not have been made: check before repeating it" } else { "" })]
    Upstream {
        /// HTTP status.
        status: u16,
        /// Whether a write may have taken effect.
        maybe_applied: bool,
    },
    /// The connection failed.
    #[error("could not reach Hostaway: {detail}{}", if *maybe_applied { "; the change may or may not have been made: check before repeating it" } else { "" })]
    Network {
        /// What failed, without the URL.
        detail: String,
        /// Whether a write may have taken effect.
        maybe_applied: bool,
    },
    /// The call did not finish within its deadline.
    #[error("Hostaway did not answer within {} s; try again, or narrow the request", secs(*deadline))]
    Timeout {
        /// The deadline that passed.
        deadline: Duration,
    },
    /// Hostaway answered with something that is not the documented shape.
    #[error("Hostaway sent a response that could not be read ({detail}){}", if *maybe_applied { "; the change was probably made: check before repeating it" } else { "; try again" })]
    UnexpectedBody {
        /// What did not fit.
        detail: String,
        /// Whether a write may have taken effect.
        maybe_applied: bool,
    },
    /// Hostaway failed several times in a row and the circuit is open: nothing was sent, and no
    /// answer held from before was there to give instead.
    #[error(
        "Hostaway is failing (server errors or no connection, for {} s now), so nothing was sent to it; the next \
         try goes out in {} s. Try again then, and check Hostaway's status page if it lasts",
        secs(*open_for),
        secs(*probe_in)
    )]
    Down {
        /// How long the circuit has been open.
        open_for: Duration,
        /// How long until the next probe.
        probe_in: Duration,
    },
    /// The store replicas share (Redis) cannot be reached, so this replica cannot know the shared
    /// rate budget or token: nothing was sent to Hostaway.
    #[error("{detail}; nothing was sent to Hostaway. Try again once Redis is back")]
    SharedStateUnavailable {
        /// What failed, naming the store without its password.
        detail: String,
    },
    /// The request could not be built (a bug or a bad argument).
    #[error("the request could not be sent: {0}")]
    InvalidRequest(String),
    /// A write reached while writes are held back (see [`super::held_writes`]): nothing was sent.
    #[error("not sent: Hostaway changed since the preview the user saw; show a fresh preview first")]
    WriteHeld,
}

fn secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

impl GatewayError {
    /// Whether trying again soon may succeed (a passing fault rather than a wrong request).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. } | Self::Upstream { .. } | Self::Network { .. } | Self::UnexpectedBody { .. }
        )
    }

    /// Whether the failure is Hostaway's being down or refusing to keep up (5xx, no connection,
    /// no answer in time, 429s past the deadline, an open circuit) rather than an answer about
    /// the request: then a read may be answered from its last good copy.
    pub fn is_outage(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::Upstream { .. }
                | Self::Network { .. }
                | Self::Timeout { .. }
                | Self::Down { .. }
        )
    }

    /// Whether a write that failed this way may still have taken effect: the request may have
    /// reached Hostaway and only the answer was lost.
    pub fn maybe_applied(&self) -> bool {
        match self {
            Self::Upstream { maybe_applied, .. }
            | Self::Network { maybe_applied, .. }
            | Self::UnexpectedBody { maybe_applied, .. } => *maybe_applied,
            Self::Timeout { .. } => true,
            _ => false,
        }
    }

    /// A short label for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::BadCredentials { .. } => "bad_credentials",
            Self::AccessDenied { .. } => "access_denied",
            Self::NotFound { .. } => "not_found",
            Self::Rejected { .. } => "rejected",
            Self::RateLimited { .. } => "rate_limited",
            Self::Busy { .. } => "busy",
            Self::Upstream { .. } => "upstream",
            Self::Network { .. } => "network",
            Self::Timeout { .. } => "timeout",
            Self::Down { .. } => "hostaway_down",
            Self::UnexpectedBody { .. } => "unexpected_body",
            Self::SharedStateUnavailable { .. } => "shared_state_unavailable",
            Self::InvalidRequest(_) => "invalid_request",
            Self::WriteHeld => "write_held",
        }
    }
}
