//! Shared set-up for tests that talk to a real sandbox over a socket through the generated client.

use std::time::Duration;

use chrono::NaiveDate;
use hostaway_mcp::{
    hostaway::{Bearer, Client, types},
    sandbox::{RateLimits, Sandbox, SandboxConfig},
};

/// The anchor date of test data, so answers can be checked against fixed dates.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

/// Sandbox settings for tests: fixed data, tokens usable at once, rate limits off.
pub fn config() -> SandboxConfig {
    SandboxConfig {
        today: Some(today()),
        token_activation: Duration::ZERO,
        limits: RateLimits { per_ip: 0, per_account: 0, window: Duration::from_secs(10) },
        ..SandboxConfig::default()
    }
}

/// Starts a sandbox on an ephemeral loopback port.
pub async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

/// A client without credentials.
pub fn anonymous(sandbox: &Sandbox) -> Client {
    Client::new(&sandbox.base_url(), Bearer::default())
}

/// Mints a token with the sandbox credentials through the generated client.
pub async fn mint(sandbox: &Sandbox) -> String {
    anonymous(sandbox)
        .create_access_token()
        .body(types::AccessTokenRequest {
            client_id: sandbox.account_id(),
            client_secret: sandbox.secret_key().to_string(),
            grant_type: types::AccessTokenRequestGrantType::ClientCredentials,
            scope: types::AccessTokenRequestScope::General,
        })
        .send()
        .await
        .unwrap()
        .into_inner()
        .access_token
}

/// A client that sends `token` as a bearer token.
pub fn with_token(sandbox: &Sandbox, token: &str) -> Client {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    Client::new_with_client(&sandbox.base_url(), http, Bearer::new(token))
}

/// A sandbox with test settings and a client holding a fresh token.
pub async fn connected() -> (Sandbox, Client) {
    connected_with(config()).await
}

/// A sandbox with `config` and a client holding a fresh token.
pub async fn connected_with(config: SandboxConfig) -> (Sandbox, Client) {
    let sandbox = start(config).await;
    let token = mint(&sandbox).await;
    let client = with_token(&sandbox, &token);
    (sandbox, client)
}

/// The HTTP status and Hostaway failure message of a failed call.
pub fn failure<T: std::fmt::Debug>(result: Result<T, hostaway_mcp::hostaway::Error<types::Failure>>) -> (u16, String) {
    match result {
        Err(hostaway_mcp::hostaway::Error::ErrorResponse(response)) => {
            let status = response.status().as_u16();
            let body = response.into_inner();
            assert_eq!(body.status.as_deref(), Some("fail"), "failure bodies carry status fail");
            (status, body.result.or(body.message).unwrap_or_default())
        }
        other => panic!("expected a Hostaway failure, got {other:?}"),
    }
}
