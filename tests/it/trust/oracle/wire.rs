//! Hostaway's wire as a person reading the docs would: plain HTTP and JSON, no generated types,
//! nothing from the server. A token is minted with the client-credentials form, lists are read
//! page by page with `limit` and `offset` until a short page.

use hostaway_mcp::sandbox::Sandbox;
use serde_json::Value;

/// A reader of one sandbox's `/v1`.
pub struct Wire {
    http: reqwest::Client,
    base: String,
    token: String,
}

/// Rows per page when reading a whole list.
const PAGE: usize = 100;

impl Wire {
    /// Mints a token the way the docs describe (`POST /accessTokens`, form-encoded).
    pub async fn new(sandbox: &Sandbox) -> Self {
        let http = reqwest::Client::new();
        let base = sandbox.base_url();
        let minted: Value = http
            .post(format!("{base}/accessTokens"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", &sandbox.account_id().to_string()),
                ("client_secret", sandbox.secret_key()),
                ("scope", "general"),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = minted["access_token"].as_str().expect("a token").to_string();
        Self { http, base, token }
    }

    /// `GET path?query`, the `result` of its envelope.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Value {
        let answer: Value = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .query(query)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer["status"], "success", "GET {path} {query:?}: {answer}");
        answer["result"].clone()
    }

    /// `POST path` with a JSON body, the `result` of its envelope (reads such as price quotes).
    pub async fn post(&self, path: &str, body: Value) -> Value {
        let answer: Value = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer["status"], "success", "POST {path} {body}: {answer}");
        answer["result"].clone()
    }

    /// Every row of a paged list.
    pub async fn all(&self, path: &str, query: &[(&str, String)]) -> Vec<Value> {
        let mut rows = Vec::new();
        loop {
            let mut paged = query.to_vec();
            paged.push(("limit", PAGE.to_string()));
            paged.push(("offset", rows.len().to_string()));
            let page = self.get(path, &paged).await;
            let page = page.as_array().expect("a list").clone();
            let short = page.len() < PAGE;
            rows.extend(page);
            if short {
                return rows;
            }
        }
    }
}
