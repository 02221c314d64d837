//! The server as an OAuth 2.1 resource server, against a real authorization server (oidc-provider,
//! see `support::oauth`): protected resource metadata, 401 and 403 challenges, tokens refused for
//! their audience, issuer, signature or age, and scopes deciding which tools a token sees and calls.

use crate::support::{mcp, oauth::AuthServers};

use std::{collections::BTreeSet, sync::Arc};

use hostaway_mcp::{
    clock::Clock,
    hostaway::Gateway,
    sandbox::Sandbox,
    server::{HostawayServer, ServerOptions, http},
    tools,
};
use reqwest::{StatusCode, header};
use rmcp::{
    ServiceExt,
    model::{CallToolRequestParams, ClientCapabilities, ClientConfig, Implementation},
    service::RunningService,
    transport::{StreamableHttpClientTransport, streamable_http_client::StreamableHttpClientTransportConfig},
};
use serde_json::{Value, json};
use tokio::sync::oneshot;

const ALL: &str = "hostaway:read hostaway:write hostaway:finance";

/// The server in front of a sandbox, trusting `auth`'s issuer, with its clock at `clock`.
struct Remote {
    sandbox: Sandbox,
    url: String,
    _stop: oneshot::Sender<()>,
}

impl Remote {
    async fn start(auth: &AuthServers, clock: Clock, options: ServerOptions) -> Self {
        let sandbox = Sandbox::start(mcp::sandbox_config(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let gateway = Arc::new(Gateway::new(mcp::gateway_config(&sandbox)).unwrap());
        let server = HostawayServer::new(gateway, ServerOptions { clock, ..options });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/mcp", listener.local_addr().unwrap());
        let options =
            http::HttpOptions { oauth: Some(http::OAuthOptions::new(&auth.issuer, &url)), ..Default::default() };
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(http::serve(listener, server, options, async {
            let _ = stopped.await;
        }));
        Self { sandbox, url, _stop: stop }
    }

    fn at(&self, path: &str) -> String {
        self.url.replace("/mcp", path)
    }

    /// An MCP session carrying `token`, from the loopback address `from`.
    async fn session(&self, token: &str, from: [u8; 4]) -> RunningService<rmcp::RoleClient, ClientConfig> {
        let http = reqwest::Client::builder().local_address(std::net::IpAddr::from(from)).build().unwrap();
        let config = StreamableHttpClientTransportConfig::with_uri(self.url.clone()).auth_header(token);
        let info = ClientConfig::new(ClientCapabilities::default(), Implementation::new("oauth-test", "0.0.0"));
        info.serve(StreamableHttpClientTransport::with_client(http, config)).await.unwrap()
    }

    /// A raw `tools/call` of `tool` with `token`.
    async fn call_raw(&self, token: &str, tool: &str) -> reqwest::Response {
        let call =
            json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": tool, "arguments": {}}});
        mcp::post(&self.url).bearer_auth(token).json(&call).send().await.unwrap()
    }
}

fn challenge(response: &reqwest::Response) -> String {
    response.headers().get(header::WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

#[tokio::test]
async fn metadata_points_at_the_issuer_and_requests_without_a_good_token_are_challenged() {
    let Some(auth) = AuthServers::start() else { return };
    let server = Remote::start(&auth, Clock::system(), ServerOptions::default()).await;
    for path in ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"] {
        let document: Value = reqwest::get(server.at(path)).await.unwrap().json().await.unwrap();
        assert_eq!(document["resource"], json!(server.url), "{path}: {document}");
        assert_eq!(document["authorization_servers"], json!([auth.issuer]), "{path}");
        assert_eq!(document["scopes_supported"], json!(["hostaway:read", "hostaway:write", "hostaway:finance"]));
    }

    let bare = mcp::post(&server.url).json(&mcp::initialize_request()).send().await.unwrap();
    assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);
    let metadata = server.at("/.well-known/oauth-protected-resource/mcp");
    assert_eq!(challenge(&bare), format!("Bearer resource_metadata=\"{metadata}\", scope=\"hostaway:read\""));

    // A client follows the challenge to the authorization server, whose metadata it can use.
    let document: Value = reqwest::get(&metadata).await.unwrap().json().await.unwrap();
    let issuer = document["authorization_servers"][0].as_str().unwrap();
    let found: Value =
        reqwest::get(format!("{issuer}/.well-known/openid-configuration")).await.unwrap().json().await.unwrap();
    assert_eq!(found["issuer"], json!(auth.issuer));
    assert!(found["token_endpoint"].is_string());

    let garbage = mcp::post(&server.url).bearer_auth("not-a-token").json(&mcp::initialize_request()).send().await;
    let garbage = garbage.unwrap();
    assert_eq!(garbage.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&garbage).contains("error=\"invalid_token\""), "{}", challenge(&garbage));
    assert!(challenge(&garbage).contains(&format!("resource_metadata=\"{metadata}\"")));
}

#[tokio::test]
async fn tokens_for_another_resource_from_another_issuer_forged_or_expired_are_refused() {
    let Some(auth) = AuthServers::start() else { return };
    let server = Remote::start(&auth, Clock::system(), ServerOptions::default()).await;
    let good = auth.token(&auth.issuer, "manager", ALL, &server.url).await;
    let initialize = |token: String| {
        let url = server.url.clone();
        async move { mcp::post(&url).bearer_auth(token).json(&mcp::initialize_request()).send().await.unwrap() }
    };
    assert_eq!(initialize(good.clone()).await.status(), StatusCode::OK);

    let refused = [
        (
            "for another resource",
            auth.token(&auth.issuer, "manager", ALL, "https://elsewhere.example/mcp").await,
            "not meant for",
        ),
        ("from another issuer", auth.token(&auth.stranger, "manager", ALL, &server.url).await, "issued by"),
        (
            "forged: the issuer's name, another key",
            auth.token(&auth.twin, "manager", ALL, &server.url).await,
            "signature",
        ),
    ];
    for (what, token, why) in refused {
        let answer = initialize(token).await;
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{what}");
        let challenge = challenge(&answer);
        assert!(challenge.contains("error=\"invalid_token\"") && challenge.contains(why), "{what}: {challenge}");
        let body: Value = answer.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains(why), "{what}: {body}");
    }

    // A good token for a server whose clock is two hours on: past its ten minutes.
    let later = Clock::starting_at(chrono::Utc::now() + chrono::Duration::hours(2));
    let later = Remote::start(&auth, later, ServerOptions::default()).await;
    let aged = auth.token(&auth.issuer, "manager", ALL, &later.url).await;
    let answer = mcp::post(&later.url).bearer_auth(&aged).json(&mcp::initialize_request()).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&answer).contains("expired"), "{}", challenge(&answer));
}

#[tokio::test]
async fn scopes_decide_which_tools_a_token_sees_and_calls_beyond_them_get_the_scope_challenge() {
    let Some(auth) = AuthServers::start() else { return };
    let server = Remote::start(&auth, Clock::system(), ServerOptions::default()).await;
    // What each token should see, read off the tool catalogue: its annotations and toolsets.
    let catalogue = tools::catalogue();
    let names = |keep: &dyn Fn(&str, &rmcp::model::Tool) -> bool| -> BTreeSet<String> {
        catalogue.iter().filter(|(set, tool)| keep(set, tool)).map(|(_, tool)| tool.name.to_string()).collect()
    };
    let read_only = |tool: &rmcp::model::Tool| tool.annotations.as_ref().and_then(|a| a.read_only_hint) == Some(true);
    let expected = [
        ("reader", "hostaway:read", names(&|set, tool| read_only(tool) && set != "finance")),
        ("writer", "hostaway:read hostaway:write", names(&|set, _| set != "finance")),
        ("manager", ALL, names(&|_, _| true)),
    ];
    for (client, scope, sees) in &expected {
        let token = auth.token(&auth.issuer, client, scope, &server.url).await;
        let session = server.session(&token, [127, 0, 0, 1]).await;
        let listed: BTreeSet<String> =
            session.list_all_tools().await.unwrap().into_iter().map(|t| t.name.to_string()).collect();
        assert_eq!(&listed, sees, "{client}");
        let call = CallToolRequestParams::new("search_listings")
            .with_arguments(json!({"limit": 1}).as_object().cloned().unwrap());
        assert_ne!(session.call_tool(call).await.unwrap().is_error, Some(true), "{client} reads");
    }
    assert_eq!(expected[2].2.len(), catalogue.len(), "the manager sees every tool");

    let reader = auth.token(&auth.issuer, "reader", "hostaway:read", &server.url).await;
    let answer = server.call_raw(&reader, "block_dates").await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    let said = challenge(&answer);
    assert!(said.starts_with("Bearer error=\"insufficient_scope\", scope=\"hostaway:read hostaway:write\""), "{said}");
    let writer = auth.token(&auth.issuer, "writer", "hostaway:read hostaway:write", &server.url).await;
    let answer = server.call_raw(&writer, "revenue_report").await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert!(
        challenge(&answer).contains("scope=\"hostaway:read hostaway:write hostaway:finance\""),
        "{}",
        challenge(&answer)
    );

    // Stepped up, the same client calls it.
    let stepped = auth.token(&auth.issuer, "manager", ALL, &server.url).await;
    let session = server.session(&stepped, [127, 0, 0, 1]).await;
    let period = json!({"start_date": "2026-01-01", "end_date": "2026-01-31"});
    let call = CallToolRequestParams::new("revenue_report").with_arguments(period.as_object().cloned().unwrap());
    let report = session.call_tool(call).await.unwrap();
    assert_ne!(report.is_error, Some(true), "{}", mcp::text(&report));
}

#[tokio::test]
async fn the_fair_share_follows_the_tokens_subject_not_the_address_or_session() {
    let Some(auth) = AuthServers::start() else { return };
    // 8 a minute: a burst of 2 per subject.
    let options = ServerOptions { client_calls_per_minute: 8, ..Default::default() };
    let server = Remote::start(&auth, Clock::system(), options).await;
    let manager = auth.token(&auth.issuer, "manager", ALL, &server.url).await;
    let reader = auth.token(&auth.issuer, "reader", "hostaway:read", &server.url).await;
    let call = || {
        CallToolRequestParams::new("search_listings").with_arguments(json!({"limit": 1}).as_object().cloned().unwrap())
    };
    let mut answered = 0;
    // One person through four sessions from two addresses: one share.
    for from in [[127, 0, 0, 1], [127, 0, 0, 2], [127, 0, 0, 1], [127, 0, 0, 2]] {
        let session = server.session(&manager, from).await;
        for _ in 0..2 {
            answered += usize::from(session.call_tool(call()).await.unwrap().is_error != Some(true));
        }
    }
    assert_eq!(answered, 2, "8 calls of one subject through 4 sessions and 2 addresses: the burst of 2");
    // Another person from the same address has a share of their own.
    let other = server.session(&reader, [127, 0, 0, 1]).await;
    assert_ne!(other.call_tool(call()).await.unwrap().is_error, Some(true));
}

/// The Python MCP SDK's OAuth client (`tests/oauth/client.py`) signed in as `user`, its report.
async fn python_client(python: &std::path::Path, server: &Remote, user: &str) -> Value {
    let (listing, start, end) = server.sandbox.inspect(mcp::free_stay);
    let block = json!({"listing_id": listing, "start_date": start.to_string(), "end_date": end.to_string()});
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oauth/client.py");
    let run = tokio::process::Command::new(python).args([script, &server.url, user, &block.to_string()]).output();
    let output = tokio::time::timeout(std::time::Duration::from_secs(60), run).await.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&output.stderr)))
}

#[tokio::test]
async fn the_python_sdk_registers_signs_in_with_pkce_and_steps_up_for_a_write_when_the_person_may() {
    let (Some(auth), Some(python)) = (AuthServers::start(), crate::support::oauth::python_sdk()) else { return };
    let server = Remote::start(&auth, Clock::system(), ServerOptions::default()).await;
    let catalogue = tools::catalogue();
    let names = |keep: &dyn Fn(&str, &rmcp::model::Tool) -> bool| -> Vec<String> {
        let mut names: Vec<String> =
            catalogue.iter().filter(|(set, tool)| keep(set, tool)).map(|(_, tool)| tool.name.to_string()).collect();
        names.sort();
        names
    };
    let reads = names(&|set, tool| !tools::is_write(tool) && set != "finance");
    let reads_and_writes = names(&|set, _| set != "finance");

    // Ana may have every scope: asked for read by the 401, she steps up to write on the 403.
    let ana = python_client(&python, &server, "ana").await;
    assert_eq!(ana["registered"], json!(true), "{ana}");
    assert_eq!(ana["scopes_asked"], json!(["hostaway:read", "hostaway:read hostaway:write"]), "{ana}");
    assert_eq!(ana["tools_first"], json!(reads), "{ana}");
    assert_eq!(ana["read_is_error"], json!(false), "{ana}");
    assert_eq!(ana["write_is_error"], json!(false), "{ana}");
    assert!(ana["write_text"].as_str().unwrap().contains("\"status\":\"preview\""), "the write previews: {ana}");
    assert_eq!(ana["tools_after"], json!(reads_and_writes), "{ana}");

    // Carl may only read: the authorization server refuses his step-up, and the write never runs.
    let carl = python_client(&python, &server, "carl").await;
    assert_eq!(carl["tools_first"], json!(reads), "{carl}");
    assert!(carl["failed"].as_str().unwrap().contains("carl may not have hostaway:write"), "{carl}");
    assert!(carl.get("write_is_error").is_none(), "{carl}");
}

#[tokio::test]
async fn two_people_reach_two_accounts_each_only_their_own_and_a_third_reaches_none() {
    let Some(auth) = AuthServers::start() else { return };
    // Porto's portfolio is larger, so the two hold different listings.
    let start = |listings: usize, account_id: i64, secret: &str| {
        let config = hostaway_mcp::sandbox::SandboxConfig {
            listings,
            account_id,
            secret_key: secret.to_string(),
            ..mcp::sandbox_config()
        };
        crate::support::api::start(config)
    };
    let (lisbon, porto) =
        (start(24, 1001, "lisbon-secret-0123456789").await, start(30, 2002, "porto-secret-0123456789").await);
    let ids = |sandbox: &Sandbox| sandbox.inspect(|s| s.listings.keys().copied().collect::<BTreeSet<i64>>());
    assert_ne!(ids(&lisbon), ids(&porto), "the two accounts hold different listings");

    let folder = std::env::temp_dir().join(format!("hostaway-mcp-accounts-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("porto-secret"), "porto-secret-0123456789\n").unwrap();
    let file = folder.join("accounts.toml");
    let accounts = format!(
        "[[accounts]]\nname = \"lisbon\"\naccount_id = 1001\nsecret_key_env = \"LISBON_SECRET\"\nbase_url = \"{}\"\nusers = [\"manager\"]\n\n\
         [[accounts]]\nname = \"porto\"\naccount_id = 2002\nsecret_key_file = \"{}\"\nbase_url = \"{}\"\nusers = [\"writer\"]\n",
        lisbon.base_url(),
        folder.join("porto-secret").display(),
        porto.base_url()
    );
    std::fs::write(&file, accounts).unwrap();
    let public = "https://mcp.example.com/mcp";
    let mut command = mcp::binary_against(&lisbon);
    command.env("LISBON_SECRET", "lisbon-secret-0123456789").args(["serve", "--bind", "127.0.0.1:0"]);
    command.args(["--oauth-issuer", &auth.issuer, "--public-url", public, "--accounts"]).arg(&file);
    command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).kill_on_drop(true);
    let mut server = command.spawn().unwrap();
    let (url, logged) = mcp::endpoint_and_log(&mut server).await;

    let session = |client: &str, scope: &str| {
        let (auth, url) = (&auth, url.clone());
        let (client, scope) = (client.to_string(), scope.to_string());
        async move {
            let token = auth.token(&auth.issuer, &client, &scope, public).await;
            let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header(token);
            let info = ClientConfig::new(ClientCapabilities::default(), Implementation::new(client, "0.0.0"));
            info.serve(StreamableHttpClientTransport::with_client(reqwest::Client::new(), config)).await.unwrap()
        }
    };
    let listed = |session: RunningService<rmcp::RoleClient, ClientConfig>| async move {
        let call = CallToolRequestParams::new("search_listings")
            .with_arguments(json!({"limit": 100}).as_object().cloned().unwrap());
        let page = session.call_tool(call).await.unwrap().structured_content.unwrap();
        page["listings"].as_array().unwrap().iter().map(|l| l["listing_id"].as_i64().unwrap()).collect::<BTreeSet<_>>()
    };
    let received = |sandbox: &Sandbox| sandbox.stats().received.get("listListings").copied().unwrap_or(0);

    // Each account reads its listings once at start-up to learn its time zone: wait for both.
    let settled = async {
        while received(&lisbon) == 0 || received(&porto) == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), settled).await.expect("both accounts learn their zone");
    let porto_before = received(&porto);
    let manager = session("manager", ALL).await;
    let named = manager.peer_info().and_then(|info| info.server_info.clone()).and_then(|s| s.website_url);
    assert_eq!(named.as_deref(), Some("https://mcp.example.com/"), "the public root is the server's website");
    assert_eq!(listed(manager).await, ids(&lisbon), "the manager sees Lisbon's listings");
    assert_eq!(received(&porto), porto_before, "nothing of the manager's reached Porto's Hostaway");
    let lisbon_before = received(&lisbon);
    assert_eq!(listed(session("writer", "hostaway:read").await).await, ids(&porto), "the writer sees Porto's");
    assert_eq!(received(&lisbon), lisbon_before, "nothing of the writer's reached Lisbon's Hostaway");
    assert!(lisbon.stats().tokens_minted >= 1 && porto.stats().tokens_minted >= 1, "each account its own token");

    let reader = auth.token(&auth.issuer, "reader", "hostaway:read", public).await;
    let refused = mcp::post(&url).bearer_auth(reader).json(&mcp::initialize_request()).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "no_account", "{body}");
    assert!(body["message"].as_str().unwrap().contains("reader reaches no Hostaway account"), "{body}");

    let health = reqwest::get(url.replace("/mcp", "/health")).await.unwrap().text().await.unwrap();
    assert!(health.contains("account lisbon:") && health.contains("account porto:"), "{health}");

    // A confirmed write's audit line names who made it.
    let (listing, start, end) = lisbon.inspect(mcp::free_stay);
    let block = json!({"listing_id": listing, "start_date": start.to_string(), "end_date": end.to_string()});
    let manager = session("manager", ALL).await;
    for arguments in [
        block.clone(),
        json!({"confirm": true, "listing_id": listing, "start_date": start.to_string(), "end_date": end.to_string()}),
    ] {
        let arguments = mcp::previewed(&manager, "block_dates", arguments).await;
        let call = CallToolRequestParams::new("block_dates").with_arguments(arguments.as_object().cloned().unwrap());
        let done = manager.call_tool(call).await.unwrap();
        assert_ne!(done.is_error, Some(true), "{done:?}");
    }
    let audit = async {
        loop {
            if let Some(line) = logged.lock().await.lines().find(|line| line.contains("audit")) {
                return line.to_string();
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    let line = tokio::time::timeout(std::time::Duration::from_secs(10), audit).await.expect("an audit line");
    assert!(line.contains("user=manager") && line.contains("block_dates"), "{line}");
    std::fs::remove_dir_all(folder).unwrap();
}
