//! The accounts file (`--accounts`): the Hostaway accounts one deployment serves and which people
//! (by their OAuth token's `sub` or `email`) reach each. An agency runs one server for all its
//! accounts; each account keeps its own token, rate budget, cache, circuits, write locks and
//! webhooks route, and one account's load or outage never slows another.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

use serde::Deserialize;

use crate::secret::Secret;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsFile {
    accounts: Vec<Account>,
}

/// One Hostaway account and who reaches it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// A short name: the webhooks route (`/webhooks/hostaway/<name>`) and log lines use it.
    pub name: String,
    /// The Hostaway account id.
    pub account_id: i64,
    /// The environment variable holding the account's API secret.
    #[serde(default)]
    pub secret_key_env: Option<String>,
    /// A file holding the secret (first line), instead of an environment variable.
    #[serde(default)]
    pub secret_key_file: Option<PathBuf>,
    /// Another API base URL (a sandbox, say); Hostaway's when absent.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Token subjects or emails of the people who reach this account.
    pub users: Vec<String>,
}

/// What is wrong with an accounts file; each says where.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// The file cannot be read.
    #[error("cannot read the accounts file {path}: {error}")]
    Unreadable { path: String, error: std::io::Error },
    /// Not TOML of the expected shape.
    #[error("the accounts file {path} is not valid: {error}")]
    Invalid { path: String, error: String },
    /// Something about one account.
    #[error("account {name:?} in the accounts file: {problem}")]
    Account { name: String, problem: String },
}

impl Account {
    /// The account's API secret, read from its variable or file.
    pub fn secret(&self) -> Result<Secret, AccountsError> {
        let problem = |problem: String| AccountsError::Account { name: self.name.clone(), problem };
        let secret = match (&self.secret_key_env, &self.secret_key_file) {
            (Some(variable), None) => {
                std::env::var(variable).map_err(|_| problem(format!("the variable {variable} is not set")))?
            }
            (None, Some(path)) => std::fs::read_to_string(path)
                .map_err(|error| problem(format!("cannot read {}: {error}", path.display())))?
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
            _ => return Err(problem("give exactly one of secret_key_env and secret_key_file".into())),
        };
        let secret = secret.trim().to_string();
        if secret.is_empty() {
            return Err(problem("its secret is empty".into()));
        }
        Ok(Secret::new(secret))
    }
}

/// The accounts in the file at `path`, checked: at least one, names unique and fit for a URL path,
/// each with people and one secret source, and nobody in two accounts (who would reach which?).
pub fn load(path: &Path) -> Result<Vec<Account>, AccountsError> {
    let shown = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|error| AccountsError::Unreadable { path: shown.clone(), error })?;
    parse(&text).map_err(|error| match error {
        AccountsError::Invalid { error, .. } => AccountsError::Invalid { path: shown, error },
        other => other,
    })
}

fn parse(text: &str) -> Result<Vec<Account>, AccountsError> {
    let invalid = |error: String| AccountsError::Invalid { path: String::new(), error };
    let file: AccountsFile = toml::from_str(text).map_err(|error| invalid(error.to_string()))?;
    if file.accounts.is_empty() {
        return Err(invalid("it names no account ([[accounts]] entries)".into()));
    }
    let mut names = BTreeSet::new();
    let mut reached: BTreeMap<&str, &str> = BTreeMap::new();
    for account in &file.accounts {
        let problem = |problem: String| AccountsError::Account { name: account.name.clone(), problem };
        let fit = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        if account.name.is_empty() || !account.name.chars().all(fit) {
            return Err(problem("a name is lowercase letters, digits, - and _".into()));
        }
        if !names.insert(account.name.as_str()) {
            return Err(problem("the name is used twice".into()));
        }
        if account.users.is_empty() {
            return Err(problem("it lists no users, so nobody would reach it".into()));
        }
        if account.secret_key_env.is_some() == account.secret_key_file.is_some() {
            return Err(problem("give exactly one of secret_key_env and secret_key_file".into()));
        }
        for user in &account.users {
            if let Some(other) = reached.insert(user, &account.name) {
                return Err(problem(format!("{user:?} is also in account {other:?}; a person reaches one account")));
            }
        }
    }
    Ok(file.accounts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"
        [[accounts]]
        name = "lisbon"
        account_id = 101
        secret_key_env = "LISBON_SECRET"
        users = ["ana", "ana@example.com"]

        [[accounts]]
        name = "porto"
        account_id = 202
        secret_key_file = "/run/secrets/porto"
        base_url = "http://127.0.0.1:9000/v1"
        users = ["rui"]
    "#;

    #[test]
    fn a_file_of_two_accounts_reads_and_mistakes_are_named() {
        let accounts = parse(TWO).unwrap();
        assert_eq!(accounts.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["lisbon", "porto"]);
        assert_eq!(accounts[1].base_url.as_deref(), Some("http://127.0.0.1:9000/v1"));
        let error = |text: &str| parse(text).unwrap_err().to_string();
        assert!(error(&TWO.replace("\"rui\"", "\"ana\"")).contains("\"ana\" is also in account \"lisbon\""));
        assert!(error(&TWO.replace("porto", "lisbon")).contains("used twice"));
        assert!(error(&TWO.replace("name = \"porto\"", "name = \"Porto Norte\"")).contains("lowercase"));
        assert!(error(&TWO.replace("users = [\"rui\"]", "users = []")).contains("no users"));
        assert!(
            error(&TWO.replace("account_id = 101", "account_id = 101\nsecret_key_file = \"x\""))
                .contains("exactly one")
        );
        assert!(error(&TWO.replace("users = [\"rui\"]", "users = [\"rui\"]\nsecret = 1")).contains("not valid"));
        assert!(error("").contains("not valid"));
    }

    #[test]
    fn a_secret_comes_from_its_variable_or_file() {
        let mut account = parse(TWO).unwrap().remove(0);
        account.secret_key_env = Some("HOSTAWAY_MCP_TEST_NO_SUCH_VARIABLE".into());
        assert!(account.secret().unwrap_err().to_string().contains("is not set"));
        let file = std::env::temp_dir().join(format!("hostaway-mcp-secret-{}", std::process::id()));
        std::fs::write(&file, "s3cret\n").unwrap();
        account.secret_key_env = None;
        account.secret_key_file = Some(file.clone());
        assert_eq!(account.secret().unwrap().expose(), "s3cret");
        std::fs::remove_file(file).unwrap();
    }
}
