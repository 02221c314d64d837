//! The token file cannot be redirected: a link planted where the old writer put its temporary
//! file is never followed, and the token lands 0600 in a directory private to its owner.

use std::os::unix::fs::PermissionsExt;

use hostaway_mcp::hostaway::token::{FileTokenStore, StoredToken, TokenStore};

fn token() -> StoredToken {
    StoredToken {
        account_id: 42,
        base_url: "http://127.0.0.1:1".into(),
        access_token: "the-secret-token".into(),
        expires_at: 4_000_000_000,
        minted_at: 1_700_000_000,
        secret_tag: "0123abcd".into(),
    }
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn a_symlink_planted_at_the_temporary_path_is_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
    let path = dir.path().join("token.json");
    std::os::unix::fs::symlink(&victim, dir.path().join("token.json.tmp")).unwrap();

    let store = FileTokenStore::new(&path);
    store.save(&token()).await;

    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious", "the victim was written through the link");
    assert_eq!(mode(&victim), 0o644, "the victim's permissions were changed through the link");
    assert!(std::fs::symlink_metadata(&path).unwrap().file_type().is_file(), "the token file is a plain file");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(store.load().await, Ok(Some(token())));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 3, "no temporary file is left behind: {left:?}");
}

#[tokio::test]
async fn a_new_token_directory_is_private_to_its_owner() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let nested = dir.path().join("cache").join("hostaway-mcp");
    let path = nested.join("token.json");
    FileTokenStore::new(&path).save(&token()).await;
    assert_eq!(mode(&nested), 0o700);
    assert_eq!(mode(&path), 0o600);
}
