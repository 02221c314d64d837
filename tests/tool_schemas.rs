//! Every tool's `tools/list` entry is snapshotted (tests/snapshots/), so any change to a name,
//! description, schema or annotation shows up in review. Accept reviewed changes with
//! `INSTA_UPDATE=always cargo test --test tool_schemas` (or `cargo insta review`).

use std::sync::Arc;

use hostaway_mcp::{
    hostaway::{
        Gateway, GatewayConfig,
        token::{Credentials, Secret},
    },
    server::{HostawayServer, ServerOptions},
};
use serde_json::Value;

fn server(options: ServerOptions) -> HostawayServer {
    let config =
        GatewayConfig::new("http://127.0.0.1:9/v1", Credentials { account_id: 1, secret: Secret::new("unused") });
    HostawayServer::new(Arc::new(Gateway::new(config).unwrap()), options)
}

#[test]
fn every_tool_schema_matches_its_snapshot() {
    for tool in server(ServerOptions::default()).tools() {
        insta::assert_json_snapshot!(format!("tool_{}", tool.name), tool);
    }
}

#[test]
fn the_read_only_tool_list_matches_its_snapshot() {
    let names: Vec<String> = server(ServerOptions { read_only: true, ..Default::default() })
        .tools()
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    insta::assert_json_snapshot!("read_only_tools", names);
}

#[test]
fn every_tool_is_described_titled_annotated_and_well_named() {
    let tools = server(ServerOptions::default()).tools();
    assert!(!tools.is_empty());
    for tool in &tools {
        let name = tool.name.as_ref();
        assert!(
            name.len() <= 64 && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{name}: snake_case, at most 64 chars"
        );
        assert!(tool.description.as_deref().is_some_and(|d| d.len() >= 40), "{name}: needs a real description");
        let hints = tool.annotations.as_ref().unwrap_or_else(|| panic!("{name}: no annotations"));
        assert!(hints.title.is_some(), "{name}: no title");
        for (hint, value) in [
            ("readOnlyHint", hints.read_only_hint),
            ("destructiveHint", hints.destructive_hint),
            ("idempotentHint", hints.idempotent_hint),
            ("openWorldHint", hints.open_world_hint),
        ] {
            assert!(value.is_some(), "{name}: {hint} is not set");
        }
        let input = serde_json::to_value(&*tool.input_schema).unwrap();
        assert_eq!(input["type"], "object", "{name}: inputSchema must be an object");
        let output =
            serde_json::to_value(tool.output_schema.as_deref().unwrap_or_else(|| panic!("{name}: no outputSchema")))
                .unwrap();
        assert_eq!(output["type"], "object", "{name}: outputSchema must be an object");
        if hints.read_only_hint == Some(false) {
            let properties = input["properties"].as_object().unwrap_or_else(|| panic!("{name}: no properties"));
            assert!(properties.contains_key("confirm"), "{name}: a write takes confirm");
        }
    }
    let value: Value = serde_json::to_value(&tools).unwrap();
    assert!(value.to_string().len() < 120_000, "the tool list should stay compact for models");
}

#[test]
fn every_tool_is_in_exactly_one_toolset_and_toolsets_filter_the_list() {
    let tools = server(ServerOptions::default()).tools();
    for tool in &tools {
        let sets =
            hostaway_mcp::tools::TOOLSETS.iter().filter(|(_, names)| names.contains(&tool.name.as_ref())).count();
        assert_eq!(sets, 1, "{} must be in exactly one toolset", tool.name);
    }
    for (set, names) in hostaway_mcp::tools::TOOLSETS {
        for name in *names {
            assert!(tools.iter().any(|t| t.name == *name), "toolset {set} names {name}, which is not a tool");
        }
    }
    let finance = server(ServerOptions { toolsets: vec!["finance".into()], ..Default::default() }).tools();
    let names: Vec<&str> = finance.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["payments_for_reservation", "revenue_report"]);
    let read_only_messaging =
        server(ServerOptions { read_only: true, toolsets: vec!["messaging".into()], ..Default::default() }).tools();
    let names: Vec<&str> = read_only_messaging.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["get_conversation", "unread_conversations"]);
}

#[test]
fn every_tool_can_name_a_bad_argument() {
    for tool in server(ServerOptions::default()).tools() {
        let message = hostaway_mcp::tools::explain_arguments(&tool.name, serde_json::json!({"not_an_argument": 1}))
            .unwrap_or_else(|| panic!("{}: no argument type registered, or unknown arguments are accepted", tool.name));
        assert!(message.contains("not_an_argument"), "{}: {message}", tool.name);
    }
}
