//! What a tool's schemas look like on the wire: standard JSON Schema only, and small.
//!
//! A client pays for `tools/list` in every conversation, and clients validate with standard
//! validators (ajv, jsonschema) that warn about formats JSON Schema does not define. schemars
//! writes what Rust knows (`format: "uint32"`, optional arguments as `["integer", "null"]`,
//! enums as `oneOf` of `const` behind `$ref`); [`compact`] rewrites each tool once, when the
//! router is built, into what a client needs:
//!
//! - only the formats JSON Schema defines (`date`, `date-time`, `email`, ...);
//! - optional arguments that are simply not required, never nullable;
//! - small closed sets as inline `enum`s of strings;
//! - a shape used once written where it is used; only shared ones (money, a row used twice) sit in
//!   `$defs`;
//! - no `additionalProperties: false` on the arguments: an unknown one is refused by name anyway;
//! - output schemas that keep every field's type but none of the prose, and the `x-untrusted` mark
//!   on untrusted text: the input descriptions are the ones that teach the model; below the root,
//!   an object with `properties` and an `enum` of strings say no `type` (see
//!   [`without_implied_type`]).

use rmcp::model::{JsonObject, Tool};
use serde_json::{Map, Value};

/// The formats JSON Schema (2020-12) defines; any other is dropped.
const STANDARD_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Whether a format is one JSON Schema defines.
pub fn is_standard_format(format: &str) -> bool {
    STANDARD_FORMATS.contains(&format)
}

/// `T`'s schema with its `more` property (the full detail a row carries on request) left an
/// open object: list tools answer with the rows of a get tool, and describing the detail once, in
/// the get tool, keeps the tool list small.
pub fn with_open_detail<T: schemars::JsonSchema>(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut schema = T::json_schema(generator);
    if let Some(more) = schema.get_mut("properties").and_then(|p| p.get_mut("more")) {
        *more = serde_json::json!({"type": "object"});
    }
    schema
}

/// Rewrites a tool's input and output schemas for the wire (see the module docs).
pub fn compact(tool: &mut Tool) {
    if let Some(description) = tool.description.as_mut().filter(|d| d.contains('\n')) {
        *description = description.replace('\n', " ").into();
    }
    let mut input = (*tool.input_schema).clone();
    shape(&mut input, Side::Input);
    tool.input_schema = input.into();
    if let Some(output) = tool.output_schema.as_deref() {
        let mut output = output.clone();
        shape(&mut output, Side::Output);
        tool.output_schema = Some(output.into());
    }
    if super::is_write(tool) {
        with_preview_token(tool);
    }
    without_empty_defaults(tool);
    if let Some(annotations) = tool.annotations.as_mut() {
        // The tool's own `title` says it already; clients read that first.
        annotations.title = None;
        without_meaningless_hints(annotations);
    }
}

/// Drops an argument's `default` when it is `false` or `[]`: what an absent flag or list means
/// anyway.
fn without_empty_defaults(tool: &mut Tool) {
    let mut input = (*tool.input_schema).clone();
    if let Some(Value::Object(properties)) = input.get_mut("properties") {
        for property in properties.values_mut().filter_map(Value::as_object_mut) {
            if matches!(property.get("default"), Some(Value::Bool(false)))
                || property.get("default") == Some(&Value::Array(vec![]))
            {
                property.remove("default");
            }
        }
    }
    tool.input_schema = input.into();
}

/// The argument a write's confirm takes back from its preview, and the preview's answer field.
pub const PREVIEW_TOKEN: &str = "preview_token";

/// Declares the [`PREVIEW_TOKEN`] a write's preview answers with and its confirm takes back. The
/// server, not the tool, seals and checks it (`server::approval`), so no tool's types carry it.
/// `confirm` says no more than its type: the instructions' sentence on writes tells, once for all
/// of them, that a write only previews until `confirm: true` comes with the preview's token.
fn with_preview_token(tool: &mut Tool) {
    let mut input = (*tool.input_schema).clone();
    if let Some(Value::Object(properties)) = input.get_mut("properties") {
        properties.insert(PREVIEW_TOKEN.into(), serde_json::json!({"type": "string"}));
        if let Some(Value::Object(confirm)) = properties.get_mut("confirm") {
            confirm.remove("description");
        }
    }
    tool.input_schema = input.into();
    if let Some(output) = tool.output_schema.as_deref() {
        let mut output = output.clone();
        if let Some(Value::Object(properties)) = output.get_mut("properties") {
            properties.insert(PREVIEW_TOKEN.into(), serde_json::json!({"type": "string"}));
        }
        tool.output_schema = Some(output.into());
    }
}

/// Every hint the spec gives a meaning for the tool goes out stated, not left to MCP's defaults
/// (clients that ask before destructive calls, and directory reviews, read them): `readOnlyHint`
/// and `openWorldHint` for all, `destructiveHint` and `idempotentHint` for the tools that change
/// something. A read-only tool's destructive and idempotent hints, which the spec says mean
/// nothing there, are left out.
fn without_meaningless_hints(hints: &mut rmcp::model::ToolAnnotations) {
    if hints.read_only_hint == Some(true) {
        hints.destructive_hint = None;
        hints.idempotent_hint = None;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Input,
    Output,
}

fn shape(schema: &mut JsonObject, side: Side) {
    schema.remove("$schema");
    // The server refuses an unknown argument itself, naming it (see `params`); saying so in every
    // tool's schema costs more than it tells.
    schema.remove("additionalProperties");
    let mut defs = match schema.remove("$defs") {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    };
    for def in defs.values_mut() {
        node(def, side);
    }
    let mut root = Value::Object(std::mem::take(schema));
    node(&mut root, side);
    let snapshot = defs.clone();
    inline_enums(&mut root, &snapshot);
    for def in defs.values_mut() {
        inline_enums(def, &snapshot);
    }
    inline_single_use(&mut root, &mut defs);
    let Value::Object(mut root) = root else { return };
    let mut kept = reachable(&Value::Object(root.clone()), &defs);
    if side == Side::Output {
        root.values_mut().for_each(without_implied_type);
        kept.values_mut().for_each(without_implied_type);
    }
    if !kept.is_empty() {
        root.insert("$defs".into(), Value::Object(kept));
    }
    *schema = root;
}

/// Drops a `type` the node says already, under an output schema's root: `"object"` where
/// `properties` stands, `"string"` beside an `enum` of strings. An answer is JSON this server
/// writes, so the looser schema admits no other answer, and a client reading it sees the same
/// shape either way. The root keeps its type, as MCP asks.
fn without_implied_type(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let implied = match object.get("type").and_then(Value::as_str) {
                Some("object") => object.contains_key("properties"),
                Some("string") => {
                    matches!(object.get("enum"), Some(Value::Array(values)) if values.iter().all(Value::is_string))
                }
                _ => false,
            };
            if implied {
                object.remove("type");
            }
            object.values_mut().for_each(without_implied_type);
        }
        Value::Array(items) => items.iter_mut().for_each(without_implied_type),
        _ => {}
    }
}

/// A definition referred to once is written where it is used: a `$defs` entry and its `$ref`
/// cost bytes and tell nothing when the shape is not shared. Shared shapes (money, a row used
/// twice) stay declared once. The referring node's own keys (its description) win.
fn inline_single_use(root: &mut Value, defs: &mut Map<String, Value>) {
    // Only uses that survive count: a definition left behind by an open detail refers to nothing.
    *defs = reachable(root, defs);
    let mut names = Vec::new();
    references(root, &mut names);
    defs.values().for_each(|def| references(def, &mut names));
    let once: Map<String, Value> = defs
        .iter()
        .filter(|(name, def)| {
            let mut own = Vec::new();
            references(def, &mut own);
            names.iter().filter(|n| n == name).count() == 1 && !own.contains(name)
        })
        .map(|(name, def)| (name.clone(), def.clone()))
        .collect();
    if once.is_empty() {
        return;
    }
    substitute(root, &once);
    defs.retain(|name, _| !once.contains_key(name));
    defs.values_mut().for_each(|def| substitute(def, &once));
}

/// Replaces every `$ref` under `value` to one of `inlined` by that definition's keys.
fn substitute(value: &mut Value, inlined: &Map<String, Value>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Object(def)) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .and_then(|name| inlined.get(name))
            {
                let def = def.clone();
                object.remove("$ref");
                for (key, v) in def {
                    object.entry(key).or_insert(v);
                }
            }
            object.values_mut().for_each(|child| substitute(child, inlined));
        }
        Value::Array(items) => items.iter_mut().for_each(|item| substitute(item, inlined)),
        _ => {}
    }
}

/// The definitions `root` refers to, directly or through other definitions.
fn reachable(root: &Value, defs: &Map<String, Value>) -> Map<String, Value> {
    let mut kept = Map::new();
    let mut pending = vec![root.clone()];
    while let Some(value) = pending.pop() {
        let mut names = Vec::new();
        references(&value, &mut names);
        for name in names {
            if !kept.contains_key(&name)
                && let Some(def) = defs.get(&name)
            {
                kept.insert(name, def.clone());
                pending.push(def.clone());
            }
        }
    }
    kept
}

/// The definition names `$ref`s under `value` point to.
fn references(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) = object.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
                names.push(name.to_string());
            }
            object.values().for_each(|child| references(child, names));
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, names)),
        _ => {}
    }
}

/// One schema node and everything under it.
fn node(value: &mut Value, side: Side) {
    match value {
        Value::Object(object) => {
            object.remove("title");
            if object.get("default").is_some_and(Value::is_null) {
                object.remove("default");
            }
            if let Some(Value::String(format)) = object.get("format")
                && !is_standard_format(format)
            {
                object.remove("format");
            }
            if let Some(Value::String(text)) = object.get_mut("description") {
                *text = text.replace('\n', " ");
            }
            if side == Side::Output {
                output_only(object);
            } else {
                not_nullable(object);
            }
            one_of_consts(object);
            for (key, child) in object.iter_mut() {
                match (key.as_str(), child) {
                    // Maps from names to schemas: each value is a schema, the map itself is not.
                    ("properties" | "$defs" | "patternProperties", Value::Object(named)) => {
                        named.values_mut().for_each(|schema| node(schema, side));
                    }
                    ("enum" | "const" | "default" | "examples" | "required", _) => {}
                    (_, child) => node(child, side),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| node(item, side)),
        _ => {}
    }
}

/// An optional argument is one that is not required: its type loses `null`, and an
/// `anyOf: [X, {type: null}]` becomes X.
fn not_nullable(object: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = object.get("type") {
        let kept: Vec<Value> = types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect();
        let replacement = if kept.len() == 1 { kept[0].clone() } else { Value::Array(kept) };
        object.insert("type".into(), replacement);
    }
    let Some(Value::Array(branches)) = object.get("anyOf") else { return };
    let kept: Vec<Value> =
        branches.iter().filter(|b| b.get("type").and_then(Value::as_str) != Some("null")).cloned().collect();
    if kept.len() == 1
        && kept.len() < branches.len()
        && let Value::Object(only) = kept[0].clone()
    {
        object.remove("anyOf");
        for (key, value) in only {
            object.entry(key).or_insert(value);
        }
    }
}

/// Output schemas keep their shape and drop the prose: descriptions go (the mark on untrusted
/// text is a keyword, and stays); bounds that only restate the Rust type go. A field a tool leaves
/// out when it has no value (serde's `skip_serializing_if`, which is why it is not `required`) is
/// never `null`, so it loses the null type; `required` itself goes, since an answer carries every
/// other field anyway.
fn output_only(object: &mut Map<String, Value>) {
    let required: Vec<String> = match object.remove("required") {
        Some(Value::Array(names)) => names.into_iter().filter_map(|n| n.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    };
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            if let (false, Value::Object(property)) = (required.contains(name), property) {
                not_nullable(property);
            }
        }
    }
    object.remove("description");
    if object.get("minimum").and_then(Value::as_f64) == Some(0.0) {
        object.remove("minimum");
    }
}

/// `oneOf` of string constants (how schemars writes a documented enum) becomes an `enum`.
fn one_of_consts(object: &mut Map<String, Value>) {
    let Some(Value::Array(branches)) = object.get("oneOf") else { return };
    let consts: Option<Vec<Value>> =
        branches.iter().map(|b| b.get("const").filter(|c| c.is_string()).cloned()).collect();
    if let Some(values) = consts {
        object.remove("oneOf");
        object.insert("type".into(), Value::String("string".into()));
        object.insert("enum".into(), Value::Array(values));
    }
}

/// A `$ref` to a definition that is only an enum is replaced by the enum itself, keeping the
/// referring node's own description and default.
fn inline_enums(value: &mut Value, defs: &Map<String, Value>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref")
                && let Some(def) = reference.strip_prefix("#/$defs/").and_then(|name| defs.get(name))
                && def.get("enum").is_some()
            {
                object.remove("$ref");
                for key in ["type", "enum"] {
                    if let Some(v) = def.get(key) {
                        object.insert(key.into(), v.clone());
                    }
                }
                if !object.contains_key("description")
                    && let Some(description) = def.get("description")
                {
                    object.insert("description".into(), description.clone());
                }
            }
            for (key, child) in object.iter_mut() {
                if key != "enum" && key != "const" && key != "default" {
                    inline_enums(child, defs);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| inline_enums(item, defs)),
        _ => {}
    }
}
