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
    #[error("{}", hostaway_text(.0))]
    Hostaway(#[from] GatewayError),
    /// The request is valid but cannot be carried out as asked (e.g. the dates are taken).
    #[error("{0}")]
    Refused(String),
    /// A write whose answer was lost: Hostaway may or may not have made it. The same call again
    /// resolves it, because writes look in Hostaway for their effect before sending.
    #[error(
        "{source}. The answer was lost, so it is not known whether {what}. Call {tool} again with the same \
         arguments: it looks in Hostaway first and answers already_done or unchanged instead of doing it twice"
    )]
    Unconfirmed {
        /// The tool to call again.
        tool: &'static str,
        /// What may or may not have happened, e.g. "the message was sent".
        what: &'static str,
        /// The failure.
        source: GatewayError,
    },
}

impl ToolError {
    /// An invalid-argument error.
    pub fn invalid(field: &'static str, problem: impl Into<String>) -> Self {
        Self::Invalid { field, problem: problem.into() }
    }

    /// The error of a failed write by `tool`: when the request may have reached Hostaway, says so
    /// and how to find out; otherwise the failure as it is.
    pub fn of_write(tool: &'static str, what: &'static str, error: GatewayError) -> Self {
        if error.maybe_applied() { Self::Unconfirmed { tool, what, source: error } } else { Self::Hostaway(error) }
    }
}

/// Hostaway's failure in words; an id Hostaway does not hold also says where valid ids come from,
/// so the model can correct the call instead of guessing.
fn hostaway_text(error: &GatewayError) -> String {
    match error {
        GatewayError::NotFound { .. } => format!(
            "{error}. Find valid ids with search_listings (listings), search_reservations (bookings), \
             unread_conversations (conversations), list_tasks (tasks) or get_owner_statement (statements)"
        ),
        other => other.to_string(),
    }
}

/// A tool error reaches the model cleaned like untrusted text: an error can echo what an account
/// or a guest wrote (a city, a name, Hostaway's own message), and nothing hidden may ride along.
impl IntoContents for ToolError {
    fn into_contents(self) -> Vec<ContentBlock> {
        vec![ContentBlock::text(super::untrusted::clean(&self.to_string()))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_echoing_account_text_reaches_the_model_cleaned() {
        let error = ToolError::invalid("city", "closest known: Sevi\u{202e}lla\u{E0041}, Ber\u{200b}lin");
        let text =
            error.into_contents().into_iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect::<String>();
        assert!(text.contains("closest known: Sevilla, Berlin"), "{text}");
    }
}
