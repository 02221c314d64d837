//! The OAuth 2.1 resource-server role of MCP authorization (2025-11-25 and 2026-07-28): protected
//! resource metadata (RFC 9728) that points clients at the authorization server, JWT access tokens
//! checked on every request ([`verifier`]), challenges that say what is missing (401 for no or a
//! bad token, 403 `insufficient_scope` for a call beyond the token's scopes, so a client can step
//! up), and scopes that decide which tools, resources and prompts a token sees ([`scopes`]).

mod scopes;
mod verifier;

use std::{collections::BTreeSet, time::Duration};

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use rmcp::{RoleServer, service::RequestContext};

pub use scopes::{TokenScope, needed};
pub use verifier::{Refusal, Verifier};

/// The path protected resource metadata is served at (RFC 9728), and with the MCP endpoint's
/// path after it.
pub const METADATA_PATH: &str = "/.well-known/oauth-protected-resource";

/// How the server trusts an authorization server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthOptions {
    /// The authorization server's issuer identifier, exactly as its tokens name it.
    pub issuer: String,
    /// The MCP endpoint's URL as clients reach it (behind any proxy): the audience tokens must name.
    pub public_url: String,
    /// Slack on `exp` and `nbf` for clocks that differ a little.
    pub leeway: Duration,
}

impl OAuthOptions {
    /// Options for `issuer` and `public_url`, with a minute of leeway.
    pub fn new(issuer: impl Into<String>, public_url: impl Into<String>) -> Self {
        Self { issuer: issuer.into(), public_url: public_url.into(), leeway: Duration::from_secs(60) }
    }

    /// Where clients find the protected resource metadata: the well-known path with the public
    /// URL's path after it (RFC 9728 section 3.1).
    pub fn metadata_url(&self) -> String {
        let (origin, path) = split_origin(&self.public_url);
        format!("{origin}{METADATA_PATH}{path}")
    }

    /// The deployment's public root, whose page (`llms.txt`) says what the server is.
    pub fn website(&self) -> String {
        format!("{}/", split_origin(&self.public_url).0)
    }

    /// The public URL's host (with port), which the Host check must accept.
    pub fn public_host(&self) -> Option<String> {
        let (origin, _) = split_origin(&self.public_url);
        origin.split_once("://").map(|(_, host)| host.to_string())
    }

    /// The protected resource metadata document.
    pub fn metadata(&self) -> serde_json::Value {
        serde_json::json!({
            "resource": self.public_url,
            "authorization_servers": [self.issuer],
            "scopes_supported": TokenScope::ALL.map(TokenScope::name),
            "bearer_methods_supported": ["header"],
            "resource_name": "Hostaway MCP",
        })
    }
}

/// `url` split into its origin and its path (without a trailing slash).
fn split_origin(url: &str) -> (&str, &str) {
    let url = url.trim_end_matches('/');
    let start = url.find("://").map_or(0, |at| at + 3);
    match url[start..].find('/') {
        Some(slash) => url.split_at(start + slash),
        None => (url, ""),
    }
}

/// Who a verified token speaks for and what it may do; put into the request's extensions by the
/// HTTP edge, read by the handlers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The token's subject: who the audit log names.
    pub subject: String,
    /// The token's email claim, when it has one (never logged).
    pub email: Option<String>,
    /// The scopes of ours the token carries.
    pub scopes: BTreeSet<TokenScope>,
}

impl Grant {
    /// Whether the token may call `tool`.
    pub fn allows(&self, tool: &str) -> bool {
        needed(tool).iter().all(|scope| self.scopes.contains(scope))
    }

    /// The scopes to ask for to call `tool`: the token's own and what the tool needs beyond them.
    pub fn stepped_up(&self, tool: &str) -> BTreeSet<TokenScope> {
        self.scopes.iter().chain(needed(tool)).copied().collect()
    }
}

/// The grant of the HTTP request behind `context`; `None` over stdio or without OAuth.
pub fn grant_of(context: &RequestContext<RoleServer>) -> Option<&Grant> {
    context.extensions.get::<axum::http::request::Parts>()?.extensions.get::<Grant>()
}

/// Whether the request behind `context` may use `tool`: always without OAuth.
pub fn allows(context: &RequestContext<RoleServer>, tool: &str) -> bool {
    grant_of(context).is_none_or(|grant| grant.allows(tool))
}

/// 401 for a request without a token, or with one that is refused: the challenge names the
/// metadata (and, for a refused token, `invalid_token` with why), so a client can find the
/// authorization server and start over.
pub fn unauthorized(options: &OAuthOptions, refused: Option<&Refusal>) -> Response {
    let mut challenge =
        format!("Bearer resource_metadata=\"{}\", scope=\"{}\"", options.metadata_url(), TokenScope::Read);
    let message = match refused {
        Some(refusal) => {
            challenge.push_str(&format!(
                ", error=\"invalid_token\", error_description=\"{}\"",
                quoted(&refusal.to_string())
            ));
            refusal.to_string()
        }
        None => "an OAuth access token is required: see the WWW-Authenticate header for where to get one".into(),
    };
    let body =
        serde_json::json!({"error": if refused.is_some() {"invalid_token"} else {"unauthorized"}, "message": message});
    with_challenge(StatusCode::UNAUTHORIZED, &challenge, body)
}

/// 503 when the authorization server cannot be reached to check a token.
pub fn unavailable(refusal: &Refusal) -> Response {
    let body = serde_json::json!({"error": "authorization_server_unreachable", "message": refusal.to_string()});
    (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, HeaderValue::from_static("5"))], Json(body))
        .into_response()
}

/// 403 `insufficient_scope` for a call of `tool` the token's scopes do not reach: the challenge
/// names the scopes to ask for (RFC 6750 section 3.1), for step-up authorization.
pub fn insufficient_scope(options: &OAuthOptions, grant: &Grant, tool: &str) -> Response {
    let wanted: Vec<&str> = grant.stepped_up(tool).into_iter().map(TokenScope::name).collect();
    let missing: Vec<&str> = needed(tool).iter().filter(|s| !grant.scopes.contains(s)).map(|s| s.name()).collect();
    let challenge = format!(
        "Bearer error=\"insufficient_scope\", scope=\"{}\", resource_metadata=\"{}\", error_description=\"{tool} needs {}\"",
        wanted.join(" "),
        options.metadata_url(),
        missing.join(" ")
    );
    let message = format!(
        "{tool} needs the scope {}, which this token does not carry; authorize again with it",
        missing.join(" and ")
    );
    with_challenge(
        StatusCode::FORBIDDEN,
        &challenge,
        serde_json::json!({"error": "insufficient_scope", "message": message}),
    )
}

fn with_challenge(status: StatusCode, challenge: &str, body: serde_json::Value) -> Response {
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// `text` fit for a quoted-string in a header: no quotes, backslashes or control characters.
fn quoted(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, '"' | '\\') && !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_metadata_url_puts_the_well_known_path_before_the_endpoints_path() {
        let options = OAuthOptions::new("https://auth.example.com", "https://mcp.example.com/mcp");
        assert_eq!(options.metadata_url(), "https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
        assert_eq!(options.public_host().as_deref(), Some("mcp.example.com"));
        let root = OAuthOptions::new("https://auth.example.com", "https://mcp.example.com:8443/");
        assert_eq!(root.metadata_url(), "https://mcp.example.com:8443/.well-known/oauth-protected-resource");
        assert_eq!(root.public_host().as_deref(), Some("mcp.example.com:8443"));
    }

    #[test]
    fn a_step_up_asks_for_what_the_token_has_and_what_the_tool_needs() {
        let first = |keep: &dyn Fn(&str, &rmcp::model::Tool) -> bool| {
            crate::tools::catalogue().into_iter().find(|(set, tool)| keep(set, tool)).unwrap().1.name.into_owned()
        };
        let read = first(&|set, tool| set != "finance" && !crate::tools::is_write(tool));
        let write = first(&|set, tool| set != "finance" && crate::tools::is_write(tool));
        let money = first(&|set, tool| set == "finance" && !crate::tools::is_write(tool));
        let grant = Grant { subject: "u".into(), email: None, scopes: [TokenScope::Read].into() };
        assert!(grant.allows(&read) && !grant.allows(&write) && !grant.allows(&money));
        assert_eq!(grant.stepped_up(&write), [TokenScope::Read, TokenScope::Write].into());
        assert_eq!(grant.stepped_up(&money), [TokenScope::Read, TokenScope::Finance].into());
    }
}
