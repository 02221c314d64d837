//! `hostaway-mcp webhooks`: registering this server's receiver as the account's unified webhook,
//! and showing what Hostaway holds and how its latest deliveries went.

use std::fmt::Write as _;

use crate::{
    hostaway::{Gateway, GatewayError, types},
    secret::Secret,
};

/// Why a registration was refused before reaching Hostaway, or failed there.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The URL cannot be one Hostaway should deliver to.
    #[error("--url {url:?} {problem}")]
    BadUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// Hostaway refused or could not be reached.
    #[error(transparent)]
    Hostaway(#[from] GatewayError),
}

/// What `register` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Registered {
    /// No webhook had the URL: one was created, with this id.
    Created(i64),
    /// The webhook with this id had the URL: it was set to deliver, with the login and password.
    Updated(i64),
}

/// Checks that `url` is where Hostaway can deliver with basic auth: https (http only to this
/// machine, for a sandbox), ending in the receiver's path.
fn check_url(url: &str) -> Result<(), AdminError> {
    let bad = |problem| Err(AdminError::BadUrl { url: url.to_string(), problem });
    let Ok(parsed) = reqwest::Url::parse(url) else { return bad("is not a URL") };
    let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return bad("must be https: the webhook's basic auth would otherwise cross the internet in clear"),
    }
    if !parsed.path().ends_with(crate::server::webhooks::PATH) {
        return bad("must end in /webhooks/hostaway, where the server receives Hostaway's events");
    }
    Ok(())
}

/// Makes `url` the account's unified webhook, delivering with `login` and `password`: updates the
/// webhook that already has the URL (enabling it again if Hostaway disabled it), else creates one.
/// Running it twice leaves one webhook, as the first run left it.
pub async fn register(
    gateway: &Gateway,
    url: &str,
    login: &Secret,
    password: &Secret,
) -> Result<Registered, AdminError> {
    let url = url.trim();
    check_url(url)?;
    let existing = gateway.unified_webhooks().await?;
    let same = existing.iter().find(|hook| hook.url.trim() == url);
    let input = types::UnifiedWebhookInput {
        is_enabled: Some(1),
        url: url.to_string(),
        login: Some(login.expose().to_string()),
        password: Some(password.expose().to_string()),
        alerting_email_address: same.and_then(|hook| hook.alerting_email_address.clone()),
    };
    match same {
        Some(hook) => Ok(Registered::Updated(gateway.update_unified_webhook(hook.id, input).await?.id)),
        None => Ok(Registered::Created(gateway.create_unified_webhook(input).await?.id)),
    }
}

/// Deliveries shown per webhook.
const SHOWN: u32 = 10;

/// What Hostaway holds: each unified webhook (marking the one sending `login`) and its latest
/// deliveries, newest first. Passwords and the receivers' answers are never shown.
pub async fn status(gateway: &Gateway, login: Option<&Secret>) -> Result<String, AdminError> {
    let hooks = gateway.unified_webhooks().await?;
    let mut out = String::new();
    if hooks.is_empty() {
        out.push_str("Hostaway holds no unified webhook; run `hostaway-mcp webhooks register --url <public URL>`.\n");
    }
    for hook in &hooks {
        let ours = login.is_some_and(|login| hook.login.as_deref() == Some(login.expose()));
        let state = if hook.is_enabled == 1 { "enabled" } else { "DISABLED" };
        let mark = if ours { ", this server's login" } else { "" };
        let _ = writeln!(out, "webhook #{} {state} -> {}{mark}", hook.id, hook.url);
        let deliveries = gateway.unified_webhook_deliveries(hook.id, SHOWN, 0).await?;
        if deliveries.is_empty() {
            out.push_str("  no deliveries yet\n");
        }
        let failed = deliveries.iter().filter(|d| !(200..300).contains(&d.response_status)).count();
        if failed > 0 {
            let _ = writeln!(out, "  {failed} of the last {} deliveries failed", deliveries.len());
        }
        for delivery in &deliveries {
            let object = delivery.object_id.map(|id| format!(" {} {id}", delivery.object)).unwrap_or_default();
            let status = match delivery.response_status {
                0 => "unreachable".to_string(),
                status => status.to_string(),
            };
            let _ = writeln!(out, "  #{} {}{object}: {status}", delivery.id, delivery.event);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_urls_at_the_receivers_path_are_registered() {
        assert!(check_url("https://mcp.example.com/webhooks/hostaway").is_ok());
        assert!(check_url("http://127.0.0.1:8080/webhooks/hostaway").is_ok());
        let refused = |url| check_url(url).unwrap_err().to_string();
        assert!(refused("http://mcp.example.com/webhooks/hostaway").contains("https"));
        assert!(refused("https://mcp.example.com/mcp").contains("/webhooks/hostaway"));
        assert!(refused("not a url").contains("not a URL"));
    }
}
