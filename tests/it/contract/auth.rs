//! Contract: the token endpoint and the 403 rules, over a real socket.

use crate::support::api;

use std::time::Duration;

use hostaway_mcp::{hostaway::types, sandbox::SandboxConfig};

fn request(account: i64, secret: &str) -> types::AccessTokenRequest {
    types::AccessTokenRequest {
        client_id: account,
        client_secret: secret.to_string(),
        grant_type: types::AccessTokenRequestGrantType::ClientCredentials,
        scope: types::AccessTokenRequestScope::General,
    }
}

#[tokio::test]
async fn minting_returns_an_unenveloped_bearer_token_with_its_lifetime() {
    let sandbox = api::start(api::config()).await;
    let token = api::anonymous(&sandbox)
        .create_access_token()
        .body(request(sandbox.account_id(), sandbox.secret_key()))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, 15_897_600);
    assert!(token.access_token.len() >= 32);
    assert_eq!(sandbox.stats().tokens_minted, 1);
    let listings = api::with_token(&sandbox, &token.access_token).list_listings().send().await.unwrap();
    assert!(!listings.result.is_empty());
}

#[tokio::test]
async fn wrong_credentials_are_refused_with_403() {
    let sandbox = api::start(api::config()).await;
    let client = api::anonymous(&sandbox);
    let wrong_secret = client.create_access_token().body(request(sandbox.account_id(), "not-the-secret")).send().await;
    assert_eq!(api::failure(wrong_secret).0, 403);
    let wrong_account = client.create_access_token().body(request(1, sandbox.secret_key())).send().await;
    assert_eq!(api::failure(wrong_account).0, 403);
    assert_eq!(sandbox.stats().tokens_minted, 0);
}

#[tokio::test]
async fn a_token_endpoint_call_without_the_form_fields_is_a_validation_failure() {
    let sandbox = api::start(api::config()).await;
    let response = reqwest::Client::new()
        .post(format!("{}/accessTokens", sandbox.base_url()))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "fail");
    assert!(body["result"].as_str().unwrap().contains("client_secret"));
}

#[tokio::test]
async fn missing_malformed_and_unknown_tokens_get_403_with_a_fail_body() {
    let sandbox = api::start(api::config()).await;
    let (status, message) = api::failure(api::anonymous(&sandbox).list_listings().send().await);
    assert_eq!((status, message.contains("no access token")), (403, true));
    let (status, _) = api::failure(api::with_token(&sandbox, "made-up").list_listings().send().await);
    assert_eq!(status, 403);
    let basic = reqwest::Client::new()
        .get(format!("{}/listings", sandbox.base_url()))
        .header("Authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 403);
}

#[tokio::test]
async fn a_fresh_token_works_only_after_its_activation_delay() {
    let sandbox = api::start(SandboxConfig { token_activation: Duration::from_millis(300), ..api::config() }).await;
    let client = api::with_token(&sandbox, &api::mint(&sandbox).await);
    let (status, message) = api::failure(client.list_amenities().send().await);
    assert_eq!(status, 403);
    assert!(message.contains("not valid yet"), "{message}");
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(client.list_amenities().send().await.is_ok());
}

#[tokio::test]
async fn an_expired_token_gets_403() {
    let sandbox = api::start(SandboxConfig { token_ttl: Duration::from_secs(1), ..api::config() }).await;
    let client = api::with_token(&sandbox, &api::mint(&sandbox).await);
    assert!(client.list_amenities().send().await.is_ok());
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, message) = api::failure(client.list_amenities().send().await);
    assert_eq!(status, 403);
    assert!(message.contains("expired"), "{message}");
}

#[tokio::test]
async fn a_revoked_token_gets_403_while_others_keep_working() {
    let sandbox = api::start(api::config()).await;
    let (first, second) = (api::mint(&sandbox).await, api::mint(&sandbox).await);
    let revoked = api::anonymous(&sandbox).revoke_access_token().token(first.clone()).send().await.unwrap();
    assert_eq!(revoked.status, types::EnvelopeStatus::Success);
    assert_eq!(api::failure(api::with_token(&sandbox, &first).list_amenities().send().await).0, 403);
    assert!(api::with_token(&sandbox, &second).list_amenities().send().await.is_ok());
}
