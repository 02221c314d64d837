//! Random and hostile input: generated arguments for every tool, hostile strings, and malformed
//! JSON-RPC frames over stdio. Never a panic or a hang; always a valid response naming the problem;
//! the server keeps serving.

use crate::support::mcp;
use hostaway_mcp::domain::Channel;

use std::{process::Stdio, time::Duration};

use proptest::{
    prelude::*,
    strategy::ValueTree,
    test_runner::{Config, TestRunner},
};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Strings a model or an attacker might send.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("2027-13-45".to_string()),
        Just("'; DROP TABLE reservations; --".to_string()),
        Just("{{guest_first_name}} <script>alert(1)</script>".to_string()),
        Just("\u{0000}\u{0007}\u{001b}[31m\r\n\t".to_string()),
        Just("ℌ𝔬𝔰𝔱𝔞𝔴𝔞𝔶 🏠 مرحبا".to_string()),
        Just("x".repeat(20_000)),
        Just("-1".to_string()),
        Just("99999999999999999999999".to_string()),
        "\\PC{0,40}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![Just(0i64), Just(-1), Just(1), Just(i64::MAX), Just(40_100), Just(700_010)].prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        hostile_string().prop_map(Value::from),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Arguments built from the tool's own argument names plus stray ones, with random values.
fn arguments(names: Vec<String>) -> impl Strategy<Value = Map<String, Value>> {
    let known = prop::collection::vec((prop::sample::select(names), value()), 0..6);
    let stray = prop::collection::vec(("[a-z]{1,8}", value()), 0..2);
    (known, stray).prop_map(|(known, stray)| known.into_iter().chain(stray).collect())
}

#[tokio::test]
async fn random_arguments_to_every_tool_get_a_valid_answer_and_never_break_the_server() {
    let h = mcp::start().await;
    let tools = h.client.list_all_tools().await.unwrap();
    let mut runner = TestRunner::new(Config { cases: 24, ..Config::default() });
    let mut calls = 0;
    for tool in &tools {
        let names: Vec<String> = tool
            .input_schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let strategy = arguments(if names.is_empty() { vec!["x".into()] } else { names.clone() });
        for _ in 0..24 {
            let args = strategy.new_tree(&mut runner).unwrap().current();
            let request = rmcp::model::CallToolRequestParams::new(tool.name.to_string()).with_arguments(args.clone());
            let answer = tokio::time::timeout(Duration::from_secs(10), h.client.call_tool(request))
                .await
                .unwrap_or_else(|_| panic!("{} hung on {}", tool.name, Value::Object(args.clone())));
            let result = answer.unwrap_or_else(|e| {
                panic!("{} gave a protocol error {e} on {}", tool.name, Value::Object(args.clone()))
            });
            calls += 1;
            if result.is_error == Some(true) {
                let message = mcp::text(&result);
                assert!(!message.trim().is_empty() && !message.contains("panicked"), "{}: {message:?}", tool.name);
                // An error that names an argument names a real one: sent, or in the tool's schema.
                if let Some(named) = message.split('`').nth(1).filter(|_| message.contains("argument `")) {
                    let root = named.split(['.', '[']).next().unwrap_or(named);
                    assert!(
                        args.contains_key(root) || names.iter().any(|n| n == root),
                        "{}: the error names `{root}`, which is neither sent nor an argument: {message}",
                        tool.name
                    );
                }
            }
        }
    }
    assert_eq!(calls, tools.len() * 24);
    h.ok("search_listings", json!({"limit": 1})).await;
}

#[tokio::test]
async fn hostile_text_in_a_guest_message_round_trips_exactly() {
    let h = mcp::start().await;
    let conversation = h.sandbox.inspect(|s| *s.conversations.keys().next().unwrap());
    let text = "Hi! '; DROP TABLE guests; -- <b>bold</b> {{door_code}} \u{1F3E0} مرحبا\nLine two\ttab";
    let sent =
        h.ok("send_guest_message", json!({"conversation_id": conversation, "message": text, "confirm": true})).await;
    assert_eq!(sent["status"], "done");
    let stored = h.sandbox.inspect(|s| s.messages.values().filter(|m| m.body.as_deref() == Some(text)).count());
    assert_eq!(stored, 1, "the text reached Hostaway byte for byte");
    let thread = h.ok("get_conversation", json!({"conversation_id": conversation})).await;
    let last = thread["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["body"], text);
}

#[tokio::test]
async fn malformed_frames_over_stdio_get_errors_and_the_server_keeps_serving() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hostaway-mcp"))
        .args(["stdio", "--sandbox"])
        .env("LOG_LEVEL", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let frames = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}).to_string(),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
        "this is not json".to_string(),
        "{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"ping\"".to_string(),
        json!([{"jsonrpc": "2.0", "id": 8, "method": "ping"}]).to_string(),
        json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "search_listings", "arguments": {"query": "x".repeat(1 << 20)}}}).to_string(),
        json!({"jsonrpc": "2.0", "id": 2, "method": "no/such/method"}).to_string(),
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "no_such_tool"}}).to_string(),
        json!({"jsonrpc": "2.0", "id": 4, "method": "ping"}).to_string(),
    ];
    for frame in frames {
        stdin.write_all(frame.as_bytes()).await.unwrap();
        stdin.write_all(b"\n").await.unwrap();
    }
    stdin.flush().await.unwrap();
    let mut answers = std::collections::BTreeMap::new();
    let mut untagged_errors = 0;
    while ![1, 2, 3, 4, 9].iter().all(|id| answers.contains_key(id)) {
        let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
            .await
            .expect("an answer in time")
            .unwrap()
            .expect("stdout stays open");
        let message: Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("stdout carried a non-JSON line: {line:?}"));
        match message.get("id").and_then(Value::as_i64) {
            Some(id) => {
                answers.insert(id, message);
            }
            None => untagged_errors += 1,
        }
    }
    assert!(answers[&1]["result"]["serverInfo"]["name"] == "hostaway-mcp");
    assert_eq!(answers[&2]["error"]["code"], -32601, "unknown method");
    assert_eq!(answers[&3]["error"]["code"], -32602, "unknown tool");
    assert_eq!(answers[&4]["result"], json!({}), "still serving after garbage");
    assert!(answers[&9].get("result").or(answers[&9].get("error")).is_some(), "a 1 MiB frame gets an answer");
    assert!(!answers.contains_key(&8), "a batch is not executed");
    assert!(untagged_errors >= 1, "the batch is refused with an error");
    child.kill().await.unwrap();
}

#[tokio::test]
async fn every_tool_names_an_argument_it_does_not_take() {
    let h = mcp::start().await;
    for (_, tool) in hostaway_mcp::tools::catalogue() {
        let message = h.err(&tool.name, json!({"not_an_argument": 1})).await;
        assert!(message.contains("not_an_argument"), "{}: {message}", tool.name);
        assert!(message.contains(&format!("inputSchema of {}", tool.name)), "{}: {message}", tool.name);
        assert!(
            !message.starts_with("failed to deserialize"),
            "{}: rmcp's prefix reached the model: {message}",
            tool.name
        );
    }
}

#[tokio::test]
async fn an_unknown_listing_or_reservation_id_is_an_error_on_every_tool_never_an_empty_answer() {
    let h = mcp::start().await;
    // No listing, reservation or conversation of the seeded sandbox has id 1.
    assert!(h.sandbox.inspect(|s| !s.listings.contains_key(&1) && !s.reservations.contains_key(&1)));
    assert!(h.sandbox.inspect(|s| !s.conversations.contains_key(&1)));
    let cases = [
        ("search_reservations", json!({"listing_id": 1}), "search_listings"),
        ("arrivals_and_departures", json!({"listing_id": 1}), "search_listings"),
        (
            "revenue_report",
            json!({"start_date": "today", "end_date": "tomorrow", "listing_ids": [1]}),
            "search_listings",
        ),
        (
            "expenses_report",
            json!({"start_date": "today", "end_date": "tomorrow", "listing_ids": [1]}),
            "search_listings",
        ),
        (
            "portfolio_calendar",
            json!({"start_date": "today", "end_date": "tomorrow", "listing_ids": [1]}),
            "search_listings",
        ),
        ("list_reviews", json!({"start_date": "today", "end_date": "tomorrow", "listing_ids": [1]}), "search_listings"),
        ("list_tasks", json!({"listing_id": 1}), "search_listings"),
        ("list_tasks", json!({"reservation_id": 1}), "search_reservations"),
        ("list_message_templates", json!({"listing_id": 1}), "search_listings"),
        ("list_message_templates", json!({"reservation_id": 1}), "search_reservations"),
        ("get_listing", json!({"listing_id": 1}), "not found"),
        ("get_calendar", json!({"listing_id": 1, "start_date": "today", "end_date": "tomorrow"}), "not found"),
        ("get_reservation", json!({"reservation_id": 1}), "not found"),
        ("get_reservation", json!({"reservation_id": 1, "payments": true}), "not found"),
        ("get_conversation", json!({"conversation_id": 1}), "not found"),
    ];
    for (tool, arguments, hint) in cases {
        let message = h.err(tool, arguments.clone()).await;
        assert!(message.contains(" 1") && message.contains(hint), "{tool} {arguments}: {message}");
    }
}

#[tokio::test]
async fn a_fraction_or_a_word_where_an_id_belongs_is_named_as_such_never_as_serde_internals() {
    let h = mcp::start().await;
    let cases = [
        ("get_listing", json!({"listing_id": "40111.5"})),
        ("get_listing", json!({"listing_id": 40111.5})),
        ("get_reservation", json!({"reservation_id": [1]})),
        ("search_reservations", json!({"channel": Channel::Airbnb.id() as f64 + 0.5})),
        ("revenue_report", json!({"start_date": "today", "end_date": "today", "listing_ids": [40111.5]})),
    ];
    for (tool, arguments) in cases {
        let message = h.err(tool, arguments.clone()).await;
        assert!(!message.contains("untagged") && !message.contains("variant"), "{tool} {arguments}: {message}");
        assert!(message.contains("such as"), "{tool} {arguments}: {message}");
    }
}
