//! Every tool's `tools/list` entry is snapshotted (`snapshots/` beside this file), so any change to a
//! name, description, schema or annotation shows up in review. Accept reviewed changes with
//! `INSTA_UPDATE=always cargo test --test it tool_schemas` (or `cargo insta review`).

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
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for tool in server(ServerOptions::default()).tools() {
            insta::assert_json_snapshot!(format!("tool_{}", tool.name), tool);
        }
    });
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
        assert!(tool.annotations.is_some(), "{name}: no annotations");
        let read_only = tool.annotations.as_ref().and_then(|a| a.read_only_hint) == Some(true);
        let input = serde_json::to_value(&*tool.input_schema).unwrap();
        assert_eq!(input["type"], "object", "{name}: inputSchema must be an object");
        let output =
            serde_json::to_value(tool.output_schema.as_deref().unwrap_or_else(|| panic!("{name}: no outputSchema")))
                .unwrap();
        assert_eq!(output["type"], "object", "{name}: outputSchema must be an object");
        if !read_only {
            let properties = input["properties"].as_object().unwrap_or_else(|| panic!("{name}: no properties"));
            assert!(properties.contains_key("confirm"), "{name}: a write takes confirm");
        }
    }
}

/// A hint as a client reads it: the value given, or MCP's default when absent.
fn effective(hints: &rmcp::model::ToolAnnotations) -> (bool, bool, bool, bool) {
    let read_only = hints.read_only_hint.unwrap_or(false);
    (
        read_only,
        // Destructive and idempotent mean something only for a tool that changes something.
        !read_only && hints.destructive_hint.unwrap_or(true),
        !read_only && hints.idempotent_hint.unwrap_or(false),
        hints.open_world_hint.unwrap_or(true),
    )
}

#[test]
fn every_tool_declares_all_four_hints_and_the_list_keeps_their_meaning() {
    for set in TOOLSETS {
        let listed = set.router().list_all();
        for declared in (set.tools)().list_all() {
            let name = declared.name.to_string();
            let hints = declared.annotations.clone().unwrap_or_else(|| panic!("{name}: no annotations"));
            for (hint, value) in [
                ("readOnlyHint", hints.read_only_hint),
                ("destructiveHint", hints.destructive_hint),
                ("idempotentHint", hints.idempotent_hint),
                ("openWorldHint", hints.open_world_hint),
            ] {
                assert!(value.is_some(), "{name}: {hint} is not declared");
            }
            let sent = listed.iter().find(|t| t.name == declared.name).unwrap().annotations.clone().unwrap();
            assert_eq!(effective(&sent), effective(&hints), "{name}: the list changed what its hints mean");
        }
    }
}

/// What `tools/list` may weigh with every tool on, as compact JSON: a client pays for it in every
/// conversation. README's tool table gives each tool's share.
const TOOL_LIST_BUDGET: usize = 50_000;

#[test]
fn the_tool_list_fits_its_budget() {
    let tools = server(ServerOptions::default()).tools();
    let list = serde_json::to_string(&serde_json::json!({ "tools": tools })).unwrap();
    let sizes: Vec<String> =
        tools.iter().map(|t| format!("{} {}", t.name, serde_json::to_string(t).unwrap().len())).collect();
    assert!(
        list.len() <= TOOL_LIST_BUDGET,
        "tools/list is {} bytes, over the {TOOL_LIST_BUDGET}-byte budget; per tool: {sizes:?}",
        list.len()
    );
}

/// Every schema node under `value`, with the path to it.
fn nodes<'a>(value: &'a Value, path: String, out: &mut Vec<(String, &'a serde_json::Map<String, Value>)>) {
    match value {
        Value::Object(object) => {
            out.push((path.clone(), object));
            for (key, child) in object {
                match (key.as_str(), child) {
                    ("properties" | "$defs", Value::Object(named)) => {
                        for (name, schema) in named {
                            nodes(schema, format!("{path}/{key}/{name}"), out);
                        }
                    }
                    ("enum" | "const" | "default" | "required" | "examples", _) => {}
                    (_, child) => nodes(child, format!("{path}/{key}"), out),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nodes(item, format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn only_shared_shapes_are_declared_apart() {
    for (_, tool) in catalogue() {
        for (side, schema) in [("input", Some(&tool.input_schema)), ("output", tool.output_schema.as_ref())] {
            let schema = Value::Object((**schema.unwrap()).clone());
            let text = schema.to_string();
            for name in schema.get("$defs").and_then(Value::as_object).into_iter().flat_map(|defs| defs.keys()) {
                let uses = text.matches(&format!("\"#/$defs/{name}\"")).count();
                assert!(
                    uses >= 2,
                    "{} {side}: {name} is used {uses} time(s); a shape used once is written inline",
                    tool.name
                );
            }
        }
    }
}

#[test]
fn schemas_use_only_standard_formats_and_no_input_is_nullable() {
    for (_, tool) in catalogue() {
        let input = Value::Object((*tool.input_schema).clone());
        let output = Value::Object((*tool.output_schema.clone().unwrap()).clone());
        for (side, schema) in [("input", &input), ("output", &output)] {
            let mut found = Vec::new();
            nodes(schema, String::new(), &mut found);
            for (path, node) in found {
                if let Some(format) = node.get("format").and_then(Value::as_str) {
                    assert!(
                        hostaway_mcp::tools::schema::is_standard_format(format),
                        "{} {side} {path}: format {format:?} is not one JSON Schema defines",
                        tool.name
                    );
                }
                if side == "input" {
                    let nullable = match node.get("type") {
                        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
                        Some(t) => t == "null",
                        None => false,
                    };
                    assert!(!nullable, "{} input {path}: an optional argument is left out, never null", tool.name);
                    assert!(node.get("anyOf").is_none() && node.get("oneOf").is_none(), "{} input {path}", tool.name);
                }
            }
        }
    }
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
