//! 2026-07-28 as it goes over the wire, with no SDK between: stateless POSTs carrying the
//! protocol version and client capabilities in `_meta` and the routing headers. Every list and
//! every read names the server in `_meta`; lists and resource reads say how long they stay fresh
//! and for whom; every tool, prompt, template and resource has a title; every tool has hints
//! whose meaning matches its declaration.

use serde_json::{Value, json};

use crate::support::mcp;

const SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";

/// One stateless 2026-07-28 request: its result, or the whole answer when it failed.
async fn request(url: &str, method: &str, name: Option<&str>, mut params: Value) -> Value {
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "raw-http", "version": "0"},
    });
    let mut post = mcp::post(url)
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", method)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}));
    if let Some(name) = name {
        post = post.header("Mcp-Name", name);
    }
    let body = post.send().await.unwrap().text().await.unwrap();
    let json = body.lines().find_map(|line| line.strip_prefix("data: ")).unwrap_or(&body);
    let answer: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{method}: {e}: {body}"));
    answer.get("result").cloned().unwrap_or_else(|| panic!("{method} failed: {answer}"))
}

fn assert_names_the_server(method: &str, result: &Value) {
    let server = &result["_meta"][SERVER_INFO];
    assert_eq!(server["name"], "hostaway-mcp", "{method}: {result}");
    assert!(server["version"].is_string(), "{method}");
}

fn assert_fresh_for(method: &str, result: &Value, ttl_ms: u64, scope: &str) {
    assert_eq!((result["ttlMs"].as_u64(), result["cacheScope"].as_str()), (Some(ttl_ms), Some(scope)), "{method}");
}

#[tokio::test]
async fn every_2026_list_and_read_names_the_server_says_how_fresh_it_is_and_titles_everything() {
    let h = mcp::start().await;
    let url = h.url.as_str();

    let tools = request(url, "tools/list", None, json!({})).await;
    assert_names_the_server("tools/list", &tools);
    assert_fresh_for("tools/list", &tools, 3_600_000, "public");
    // The declarations, each stating all four hints (before the list leaves out MCP's defaults).
    let declared: Vec<_> = hostaway_mcp::tools::TOOLSETS.iter().flat_map(|set| (set.tools)().list_all()).collect();
    for tool in tools["tools"].as_array().unwrap() {
        let name = tool["name"].as_str().unwrap();
        assert!(tool["title"].is_string(), "{name} has a title");
        let hints = &tool["annotations"];
        let declaration = declared.iter().find(|t| t.name == name).unwrap();
        let said = declaration.annotations.clone().unwrap();
        // Every hint the spec gives a meaning for this tool is stated, as declared; a read-only
        // tool's destructive and idempotent hints mean nothing and are left out.
        let read_only = hints["readOnlyHint"].as_bool().unwrap_or_else(|| panic!("{name}: readOnlyHint unstated"));
        assert_eq!(Some(read_only), said.read_only_hint, "{name}: readOnlyHint");
        assert_eq!(hints["openWorldHint"].as_bool(), said.open_world_hint, "{name}: openWorldHint");
        if read_only {
            assert!(hints.get("destructiveHint").is_none() && hints.get("idempotentHint").is_none(), "{name}");
        } else {
            assert_eq!(hints["destructiveHint"].as_bool(), said.destructive_hint, "{name}: destructiveHint");
            assert_eq!(hints["idempotentHint"].as_bool(), said.idempotent_hint, "{name}: idempotentHint");
        }
    }

    let prompts = request(url, "prompts/list", None, json!({})).await;
    assert_names_the_server("prompts/list", &prompts);
    assert_fresh_for("prompts/list", &prompts, 3_600_000, "public");
    assert!(prompts["prompts"].as_array().unwrap().iter().all(|p| p["title"].is_string()), "{prompts}");
    let briefing = request(url, "prompts/get", Some("daily_briefing"), json!({"name": "daily_briefing"})).await;
    assert_names_the_server("prompts/get", &briefing);

    let templates = request(url, "resources/templates/list", None, json!({})).await;
    assert_names_the_server("resources/templates/list", &templates);
    assert_fresh_for("resources/templates/list", &templates, 3_600_000, "public");
    assert!(templates["resourceTemplates"].as_array().unwrap().iter().all(|t| t["title"].is_string()));

    let resources = request(url, "resources/list", None, json!({})).await;
    assert_names_the_server("resources/list", &resources);
    assert_fresh_for("resources/list", &resources, 60_000, "private");
    let listed = resources["resources"].as_array().unwrap();
    assert!(!listed.is_empty() && listed.iter().all(|r| r["title"].is_string()), "{resources}");
    let uri = listed.iter().map(|r| r["uri"].as_str().unwrap()).find(|u| u.contains("/listings/")).unwrap();
    let read = request(url, "resources/read", Some(uri), json!({"uri": uri})).await;
    assert_names_the_server("resources/read", &read);
    assert_fresh_for("resources/read", &read, 30_000, "private");

    let complete =
        json!({"ref": {"type": "ref/prompt", "name": "daily_briefing"}, "argument": {"name": "date", "value": "to"}});
    let completed = request(url, "completion/complete", None, complete).await;
    assert_names_the_server("completion/complete", &completed);
    assert_eq!(completed["completion"]["values"], json!(["today", "tomorrow"]));

    let called = request(
        url,
        "tools/call",
        Some("search_listings"),
        json!({"name": "search_listings", "arguments": {"limit": 1}}),
    )
    .await;
    assert_names_the_server("tools/call", &called);
    assert_eq!(called["isError"], false, "{called}");
}
