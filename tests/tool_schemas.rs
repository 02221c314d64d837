//! Every tool's `tools/list` entry is snapshotted (tests/snapshots/), so any change to a name,
//! description, schema or annotation shows up in review. Accept reviewed changes with
//! `INSTA_UPDATE=always cargo test --test tool_schemas` (or `cargo insta review`).

use std::sync::Arc;

use hostaway_mcp::{
    hostaway::{Gateway, GatewayConfig, token::Credentials},
    secret::Secret,
    server::{HostawayServer, ServerOptions},
    tools::{TOOLSETS, catalogue},
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
fn read_only_offers_exactly_the_tools_declared_read_only() {
    let names = |tools: Vec<rmcp::model::Tool>| tools.into_iter().map(|t| t.name.into_owned()).collect::<Vec<_>>();
    let read_only = names(server(ServerOptions { read_only: true, ..Default::default() }).tools());
    let declared: Vec<String> = catalogue()
        .into_iter()
        .filter(|(_, tool)| tool.annotations.as_ref().and_then(|a| a.read_only_hint) == Some(true))
        .map(|(_, tool)| tool.name.into_owned())
        .collect();
    let mut declared_sorted = declared.clone();
    declared_sorted.sort();
    assert_eq!(read_only, declared_sorted);
    assert!(read_only.len() < catalogue().len(), "some tools write");
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
    let declared = catalogue();
    assert_eq!(tools.len(), declared.len(), "the server offers every declared tool");
    for tool in &tools {
        let sets = declared.iter().filter(|(_, t)| t.name == tool.name).count();
        assert_eq!(sets, 1, "{} must be in exactly one toolset", tool.name);
    }
    for set in TOOLSETS {
        let names = |tools: Vec<rmcp::model::Tool>| tools.into_iter().map(|t| t.name.into_owned()).collect::<Vec<_>>();
        let mut own: Vec<String> =
            declared.iter().filter(|(name, _)| *name == set.name).map(|(_, t)| t.name.to_string()).collect();
        own.sort();
        assert!(!own.is_empty(), "toolset {} has no tools", set.name);
        let alone = names(server(ServerOptions { toolsets: vec![set.name.into()], ..Default::default() }).tools());
        assert_eq!(alone, own, "--toolsets {} offers exactly its own tools", set.name);
        let reads = names(
            server(ServerOptions { read_only: true, toolsets: vec![set.name.into()], ..Default::default() }).tools(),
        );
        assert!(reads.iter().all(|t| own.contains(t)) && !reads.is_empty(), "{}: read-only keeps its reads", set.name);
    }
}
