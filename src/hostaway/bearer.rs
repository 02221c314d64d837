//! How a generated client carries the access token: the token rides in the client's inner value
//! and a `pre` hook puts it on every request, so each attempt can use the token current at that
//! moment without rebuilding the pooled HTTP client.

use std::{fmt, sync::Arc};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderValue};

use super::generated::Client;

/// The token a generated client sends; empty for the token endpoint itself.
#[derive(Clone, Default)]
pub struct Bearer(Option<Arc<str>>);

impl Bearer {
    /// A client value that sends `token`.
    pub fn new(token: impl Into<Arc<str>>) -> Self {
        Self(Some(token.into()))
    }
}

impl fmt::Debug for Bearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Bearer(***)" } else { "Bearer(none)" })
    }
}

impl ClientHooks<Bearer> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        if let Some(token) = &self.inner().0 {
            let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                progenitor_client::Error::InvalidRequest("the access token is not a valid header value".into())
            })?;
            value.set_sensitive(true);
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        Ok(())
    }
}
