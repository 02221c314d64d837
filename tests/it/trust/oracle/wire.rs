//! Hostaway's wire as a person reading the docs would: plain HTTP and JSON, no generated types,
//! nothing from the server. A token is minted with the client-credentials form, lists are read
//! page by page with `limit` and `offset` until a short page.

use crate::support::mcp;

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
        Self { http: reqwest::Client::new(), base: sandbox.base_url(), token: mcp::raw_token(sandbox).await }
    }

    /// `GET path?query`, the `result` of its envelope.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Value {
        let request = self.http.get(format!("{}{path}", self.base)).query(query);
        self.result(request, || format!("GET {path} {query:?}")).await
    }

    /// `POST path` with a JSON body, the `result` of its envelope (reads such as price quotes).
    pub async fn post(&self, path: &str, body: Value) -> Value {
        let request = self.http.post(format!("{}{path}", self.base)).json(&body);
        self.result(request, || format!("POST {path} {body}")).await
    }

    /// Sends `request` with the token and unwraps Hostaway's `{status, result}` envelope.
    async fn result(&self, request: reqwest::RequestBuilder, what: impl Fn() -> String) -> Value {
        let answer: Value = request.bearer_auth(&self.token).send().await.unwrap().json().await.unwrap();
        assert_eq!(answer["status"], "success", "{}: {answer}", what());
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
