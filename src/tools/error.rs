//! The one error type tools return; rmcp turns it into a result with `isError: true` whose text
//! tells the model what to change.

use rmcp::model::{ContentBlock, IntoContents};

use crate::hostaway::GatewayError;

/// Why a tool call failed.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// An argument is missing, malformed or out of range; the message names it and what is accepted.
    #[error("invalid argument `{field}`: {problem}")]
    Invalid {
        /// The argument's name as the tool's schema spells it.
        field: &'static str,
        /// What is wrong and what would be accepted.
        problem: String,
    },
    /// Hostaway could not be reached or refused the request.
    #[error("{0}")]
    Hostaway(#[from] GatewayError),
    /// The request is valid but cannot be carried out as asked (e.g. the dates are taken).
    #[error("{0}")]
    Refused(String),
}

impl ToolError {
    /// An invalid-argument error.
    pub fn invalid(field: &'static str, problem: impl Into<String>) -> Self {
        Self::Invalid { field, problem: problem.into() }
    }
}

impl IntoContents for ToolError {
    fn into_contents(self) -> Vec<ContentBlock> {
        vec![ContentBlock::text(self.to_string())]
    }
}
