//! Turns every shape of progenitor error into what the gateway does next.

use std::time::Duration;

use reqwest::{StatusCode, header::HeaderMap};

use super::{error::GatewayError, generated::types};

/// The client's error type for every operation (they all share the `Failure` schema).
pub type ClientError = progenitor_client::Error<types::Failure>;

/// What one attempt's failure means.
#[derive(Debug)]
pub enum Outcome {
    /// 401/403: the token is not accepted.
    Denied(String),
    /// 429: over the limit; wait as told, or back off.
    RateLimited(Option<Duration>),
    /// 5xx.
    ServerError(u16),
    /// The connection was never made, so nothing reached Hostaway.
    NotSent(String),
    /// The request may have reached Hostaway (reset, timeout, dropped answer).
    MaybeSent {
        /// What failed, without the URL.
        detail: String,
        /// Whether it was a timeout.
        timed_out: bool,
    },
    /// The answer could not be read.
    BadBody(String),
    /// Final: no retry helps.
    Final(GatewayError),
}

impl Outcome {
    /// Whether the attempt failed the way an outage does (5xx, no connection, no answer), as
    /// opposed to Hostaway answering: only these count towards opening the circuit.
    pub fn is_outage(&self) -> bool {
        matches!(self, Self::ServerError(_) | Self::NotSent(_) | Self::MaybeSent { .. })
    }

    /// A short label for metrics.
    pub fn label(&self) -> String {
        match self {
            Self::Denied(_) => "403".into(),
            Self::RateLimited(_) => "429".into(),
            Self::ServerError(status) => status.to_string(),
            Self::NotSent(_) => "connect_error".into(),
            Self::MaybeSent { timed_out: true, .. } => "timeout".into(),
            Self::MaybeSent { .. } => "network".into(),
            Self::BadBody(_) => "bad_body".into(),
            Self::Final(error) => error.kind().into(),
        }
    }
}

/// Reads `Retry-After` as seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((at.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO))
}

fn by_status(status: StatusCode, headers: &HeaderMap, message: String) -> Outcome {
    match status.as_u16() {
        401 | 403 => Outcome::Denied(message),
        429 => Outcome::RateLimited(retry_after(headers)),
        404 => Outcome::Final(GatewayError::NotFound { message }),
        code @ 500..=599 => Outcome::ServerError(code),
        code => Outcome::Final(GatewayError::Rejected { status: code, message }),
    }
}

fn transport(error: &reqwest::Error) -> Outcome {
    let detail = error_chain(error);
    if error.is_connect() {
        Outcome::NotSent(detail)
    } else {
        Outcome::MaybeSent { detail, timed_out: error.is_timeout() }
    }
}

/// The error and its causes in one line, without the URL (which may carry a token).
fn error_chain(error: &reqwest::Error) -> String {
    let mut text = reqwest_without_url(error).to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}

fn reqwest_without_url(error: &reqwest::Error) -> &'static str {
    if error.is_connect() {
        "connection failed"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "the response body broke off"
    } else {
        "the request failed"
    }
}

/// Classifies the failure of one attempt.
pub fn outcome(error: ClientError) -> Outcome {
    match error {
        ClientError::ErrorResponse(response) => {
            let (status, headers) = (response.status(), response.headers().clone());
            let body = response.into_inner();
            let message = body.result.or(body.message).unwrap_or_else(|| format!("HTTP {status}"));
            by_status(status, &headers, message)
        }
        ClientError::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            if status.is_success() {
                Outcome::BadBody(format!("unexpected HTTP {status}"))
            } else {
                by_status(status, &headers, format!("HTTP {status}"))
            }
        }
        ClientError::CommunicationError(e) | ClientError::InvalidUpgrade(e) => transport(&e),
        ClientError::ResponseBodyError(e) => Outcome::MaybeSent { detail: error_chain(&e), timed_out: e.is_timeout() },
        ClientError::InvalidResponsePayload(_, e) => Outcome::BadBody(e.to_string()),
        ClientError::InvalidRequest(message) | ClientError::Custom(message) => {
            Outcome::Final(GatewayError::InvalidRequest(message))
        }
    }
}

/// What a failed mint means: wrong credentials are final and named as such.
pub fn mint_error(error: ClientError) -> GatewayError {
    match outcome(error) {
        Outcome::Denied(_) => GatewayError::BadCredentials { status: 403 },
        Outcome::Final(GatewayError::Rejected { status: 401, .. }) => GatewayError::BadCredentials { status: 401 },
        other => final_error(other, false),
    }
}

/// The error to report when no retry is left (or allowed) after `outcome`.
pub fn final_error(outcome: Outcome, write: bool) -> GatewayError {
    match outcome {
        Outcome::Denied(message) => GatewayError::AccessDenied { message },
        Outcome::RateLimited(wait) => {
            GatewayError::RateLimited { retry_after: wait.unwrap_or(Duration::from_secs(10)) }
        }
        Outcome::ServerError(status) => GatewayError::Upstream { status, maybe_applied: write },
        Outcome::NotSent(detail) => GatewayError::Network { detail, maybe_applied: false },
        Outcome::MaybeSent { detail, .. } => GatewayError::Network { detail, maybe_applied: write },
        Outcome::BadBody(detail) => GatewayError::UnexpectedBody { detail, maybe_applied: write },
        Outcome::Final(error) => error,
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderValue, RETRY_AFTER};

    use super::*;

    #[test]
    fn retry_after_is_read_as_seconds_or_as_an_http_date() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let later = chrono::Utc::now() + chrono::Duration::seconds(30);
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&later.format("%a, %d %b %Y %H:%M:%S GMT").to_string()).unwrap(),
        );
        let wait = retry_after(&headers).unwrap();
        assert!(wait > Duration::from_secs(28) && wait <= Duration::from_secs(30), "{wait:?}");
        headers.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&headers), Some(Duration::ZERO), "a date in the past means now");
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }
}
