//! `hostaway-mcp check` proves the credentials, and a token minted with another secret is never
//! used (issue 25, repro 11).

use crate::support::mcp;

use std::sync::Arc;

use hostaway_mcp::{
    hostaway::{
        Gateway, GatewayError, Idempotence, id,
        token::{FileTokenStore, TokenStore},
    },
    sandbox::Sandbox,
    secret::Secret,
};

/// One read through a gateway keeping its token in `path`, with `secret`.
async fn read_with(sandbox: &Sandbox, path: &std::path::Path, secret: &str) -> (Result<(), GatewayError>, u64) {
    let mut config = mcp::gateway_config(sandbox);
    config.credentials.secret = Secret::new(secret);
    config.token_store = Some(Arc::new(FileTokenStore::new(path)) as Arc<dyn TokenStore>);
    let gateway = Gateway::new(config).unwrap();
    let answer = gateway
        .call(id::LIST_LISTINGS, Idempotence::Safe, |client| async move {
            client.list_listings().limit(std::num::NonZeroU32::MIN).send().await
        })
        .await
        .map(drop);
    (answer, gateway.metrics().token_mints)
}

#[tokio::test]
async fn a_wrong_secret_fails_check_and_never_reuses_the_stored_token() {
    let sandbox = Sandbox::start(mcp::sandbox_config(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.json");

    let (first, mints) = read_with(&sandbox, &path, sandbox.secret_key()).await;
    assert!(first.is_ok() && mints == 1 && path.exists(), "a good run stores its token: {first:?}");

    let out = mcp::binary_against(&sandbox)
        .arg("check")
        .env_remove("HOSTAWAY_NO_TOKEN_FILE")
        .env("HOSTAWAY_TOKEN_FILE", &path)
        .env("HOSTAWAY_SECRET_KEY", "wrong")
        .output()
        .await
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "check passed with a wrong secret: {stdout}");
    assert!(stderr.contains("credentials") || stderr.contains("secret"), "{stderr}");

    let (wrong, _) = read_with(&sandbox, &path, "wrong").await;
    assert!(matches!(wrong, Err(GatewayError::BadCredentials { .. })), "{wrong:?}");

    let (again, mints) = read_with(&sandbox, &path, sandbox.secret_key()).await;
    assert!(again.is_ok(), "{again:?}");
    assert_eq!(mints, 0, "the right secret still reuses the token it stored");
}

#[tokio::test]
async fn check_honours_hostaway_sandbox_like_serve_does() {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_hostaway-mcp"))
        .arg("check")
        .env("HOSTAWAY_SANDBOX", "true")
        .env_remove("HOSTAWAY_ACCOUNT_ID")
        .env_remove("HOSTAWAY_SECRET_KEY")
        .env("HOSTAWAY_NO_TOKEN_FILE", "1")
        .output()
        .await
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.starts_with("OK: reached http://127.0.0.1:"), "{stdout}");
}
