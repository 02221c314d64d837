//! A real OAuth 2.1 authorization server for the tests that need one: `tests/oauth/server.mjs`
//! (the oidc-provider package on the machine's Node), three instances on free loopback ports —
//! the issuer the server trusts, a twin that claims its name with keys of its own, and a stranger
//! — stopped when the test drops it.
//!
//! Without Node or `tests/oauth/node_modules` (`npm ci --prefix tests/oauth`) these tests skip with
//! one line, unless `REQUIRE_OAUTH_SERVER=1` (as `.ci/run` sets), which makes them fail instead. The
//! same holds for [`python_sdk`], the venv holding the Python MCP SDK (`tests/oauth/.venv`, made by
//! `.ci/run` from `tests/oauth/requirements.txt`).

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
};

use serde_json::Value;

/// Says a test skips for want of `what`, or fails when `REQUIRE_OAUTH_SERVER=1`.
fn missing(what: &str) {
    assert!(
        std::env::var("REQUIRE_OAUTH_SERVER").map_or(true, |v| v != "1"),
        "REQUIRE_OAUTH_SERVER=1 but {what} is missing"
    );
    eprintln!("skipping: {what} is missing");
}

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oauth")
}

/// The Python of the venv with the MCP SDK, or `None` (after saying so) when it is missing.
pub fn python_sdk() -> Option<PathBuf> {
    let python = folder().join(".venv/bin/python");
    if !python.is_file() {
        missing(
            "tests/oauth/.venv (python3 -m venv tests/oauth/.venv && tests/oauth/.venv/bin/pip install -r tests/oauth/requirements.txt)",
        );
        return None;
    }
    Some(python)
}

/// The three running authorization servers.
pub struct AuthServers {
    child: Child,
    /// The issuer the MCP server is told to trust (its base URL is its issuer identifier).
    pub issuer: String,
    /// Signs with its own keys but names [`Self::issuer`] as the issuer.
    pub twin: String,
    /// Another issuer altogether.
    pub stranger: String,
}

impl Drop for AuthServers {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl AuthServers {
    /// Starts them, or `None` (after saying so) when Node or the package is missing and not required.
    pub fn start() -> Option<Self> {
        let node = Command::new("node").arg("--version").stdout(Stdio::null()).status().is_ok();
        if !node || !folder().join("node_modules/oidc-provider").is_dir() {
            missing("node or tests/oauth/node_modules (npm ci --prefix tests/oauth)");
            return None;
        }
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(folder())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts");
        // Its first line, waited for with a bound (read on a thread: std pipes do not time out). The
        // bound is wide: a cold Node loading oidc-provider while the suite keeps both cores busy took
        // over 30 s once in CI.
        let stdout = child.stdout.take().unwrap();
        let (sender, first) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = first.recv_timeout(std::time::Duration::from_secs(120)).expect("the authorization servers start");
        let urls: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        let url = |name: &str| urls[name].as_str().unwrap().to_string();
        Some(Self { issuer: url("issuer"), twin: url("twin"), stranger: url("stranger"), child })
    }

    /// An access token from the authorization server at `base` for `client` (reader, writer or
    /// manager), naming `resource` as its audience, by the client credentials grant.
    pub async fn token(&self, base: &str, client: &str, scope: &str, resource: &str) -> String {
        let answer: Value = reqwest::Client::new()
            .post(format!("{base}/token"))
            .basic_auth(client, Some("secret"))
            .form(&[("grant_type", "client_credentials"), ("scope", scope), ("resource", resource)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answer["access_token"].as_str().unwrap_or_else(|| panic!("no token: {answer}")).to_string()
    }
}
