//! Hostaway's wire conventions on the server side: the success envelope and the failure body.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::json;

/// A failure the sandbox answers the way Hostaway does: `{"status":"fail","result":"<message>"}`.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Missing, malformed, unknown, expired or revoked token; Hostaway answers 403, not 401.
    #[error("{0}")]
    Forbidden(String),
    /// No such object.
    #[error("{0}")]
    NotFound(String),
    /// The request breaks a documented rule; the message says which.
    #[error("{0}")]
    Invalid(String),
    /// Over one of the rate limits; Hostaway puts this message under `message`, not `result`.
    #[error("{message}")]
    RateLimited {
        /// Why the request was refused.
        message: String,
        /// Seconds to announce in `Retry-After`, if any.
        retry_after: Option<u64>,
    },
    /// An injected server error.
    #[error("{0}")]
    Internal(String),
}

impl Failure {
    /// A validation failure with the given message.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    /// A not-found failure naming the kind of object and its id.
    pub fn not_found(kind: &str, id: i64) -> Self {
        Self::NotFound(format!("{kind} {id} was not found"))
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Invalid(_) => StatusCode::BAD_REQUEST,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = self.status();
        match self {
            Self::RateLimited { message, retry_after } => {
                let mut response = (status, Json(json!({"status": "fail", "message": message}))).into_response();
                if let Some(seconds) = retry_after {
                    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                }
                response
            }
            other => (status, Json(json!({"status": "fail", "result": other.to_string()}))).into_response(),
        }
    }
}

/// What a handler returns: a serialized envelope or a failure.
pub type Reply = Result<Response, Failure>;

/// A success envelope around one object or a fixed array.
pub fn success<T: Serialize>(result: T) -> Reply {
    Ok(Json(json!({"status": "success", "result": result})).into_response())
}

/// A success envelope around one page of a list, with Hostaway's paging fields.
pub fn page<T: Serialize>(items: &[T], total: usize, limit: Option<usize>, offset: Option<usize>) -> Reply {
    Ok(Json(json!({
        "status": "success",
        "result": items,
        "count": total,
        "limit": limit,
        "offset": offset,
    }))
    .into_response())
}

/// The "empty success" Hostaway returns from deletes and batch updates.
pub fn empty() -> Reply {
    Ok(Json(json!({"status": "success", "result": []})).into_response())
}

/// Cuts a page out of already filtered and ordered rows.
pub fn slice<T: Clone>(rows: &[T], limit: Option<usize>, offset: Option<usize>) -> Vec<T> {
    let start = offset.unwrap_or(0).min(rows.len());
    let end = limit.map_or(rows.len(), |n| start.saturating_add(n).min(rows.len()));
    rows[start..end].to_vec()
}

/// Query parameters parsed with Hostaway's failure shape on bad input.
pub struct Params<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for Params<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Failure> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map(Params)
            .map_err(|e| Failure::invalid(format!("Invalid query parameter: {e}")))
    }
}

/// A JSON body parsed with Hostaway's failure shape on bad input.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = Failure;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Failure> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| Body(value))
            .map_err(|rejection| Failure::invalid(format!("Invalid request body: {}", rejection.body_text())))
    }
}

/// Merges the set fields of `patch` into `target`, the way a partial PUT does.
pub fn merge<T: Serialize + serde::de::DeserializeOwned>(target: &T, patch: &impl Serialize) -> Result<T, Failure> {
    let mut value = serde_json::to_value(target).map_err(|e| Failure::Internal(e.to_string()))?;
    let patch = serde_json::to_value(patch).map_err(|e| Failure::Internal(e.to_string()))?;
    if let (Some(object), Some(changes)) = (value.as_object_mut(), patch.as_object()) {
        for (key, change) in changes {
            object.insert(key.clone(), change.clone());
        }
    }
    serde_json::from_value(value).map_err(|e| Failure::invalid(format!("Invalid field value: {e}")))
}
