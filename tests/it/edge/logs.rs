//! No log level prints what guests wrote: the built binary run with `LOG_LEVEL=debug` or `trace` sends a
//! guest message, sets a door code and reads a booking, and its stderr carries neither the message
//! body, nor the guest's email, nor their phone number, nor the door code or its instructions. And a lasting condition (Redis away) is logged once per
//! interval, not once per occurrence.

use crate::support::mcp;

use std::{process::Stdio, sync::Arc};

use hostaway_mcp::sandbox::Sandbox;
use rmcp::{
    ServiceExt,
    model::CallToolRequestParams,
    transport::{ConfigureCommandExt, TokioChildProcess},
};
use serde_json::{Value, json};
use tokio::{io::AsyncBufReadExt, sync::Mutex};

#[tokio::test]
async fn debug_logs_carry_no_message_body_email_or_phone() {
    logs_carry_no_guest_text("debug").await;
}

#[tokio::test]
async fn trace_logs_carry_no_message_body_email_or_phone() {
    logs_carry_no_guest_text("trace").await;
}

/// Runs the binary over stdio at `level`, sends a message and reads a booking, and checks stderr.
async fn logs_carry_no_guest_text(level: &str) {
    let sandbox = Sandbox::start(mcp::sandbox_config(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (conversation, reservation) = sandbox.inspect(|s| {
        let reservation = s
            .reservations
            .values()
            .find(|r| {
                r.guest_email.is_some() && r.phone.is_some() && r.departure_date > s.today + chrono::Duration::days(2)
            })
            .unwrap()
            .clone();
        (*s.conversations.keys().next().unwrap(), reservation)
    });
    let (email, phone) = (reservation.guest_email.clone().unwrap(), reservation.phone.clone().unwrap());
    let body = "Quokka-7731 says the heater code is 4412; write to quokka.7731@example.org";

    let command = mcp::binary_against(&sandbox).configure(|cmd| {
        cmd.arg("stdio").env("LOG_LEVEL", level).env("EXPOSE_ACCESS_CODES", "1").env_remove("LOG_FORMAT");
    });
    let (transport, stderr) = TokioChildProcess::builder(command).stderr(Stdio::piped()).spawn().unwrap();
    let logged = Arc::new(Mutex::new(String::new()));
    let reader = tokio::spawn({
        let logged = logged.clone();
        async move {
            let mut lines = tokio::io::BufReader::new(stderr.expect("stderr is piped")).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                logged.lock().await.push_str(&(line + "\n"));
            }
        }
    });
    let client = ().serve(transport).await.unwrap();
    let call = |tool: &str, arguments: Value| {
        let client = &client;
        let tool = tool.to_string();
        async move {
            let arguments = mcp::previewed(client, &tool, arguments).await;
            let request = CallToolRequestParams::new(tool).with_arguments(arguments.as_object().cloned().unwrap());
            client.call_tool(request).await.unwrap()
        }
    };
    let sent =
        call("send_guest_message", json!({"conversation_id": conversation, "message": body, "confirm": true})).await;
    assert_ne!(sent.is_error, Some(true), "{sent:?}");
    let door = json!({"reservation_id": reservation.id, "door_code": "Door-5519", "door_code_instruction": "Gate-2207",
        "confirm": true});
    let coded = call("update_reservation", door).await;
    assert_ne!(coded.is_error, Some(true), "{coded:?}");
    let read = call("get_reservation", json!({"reservation_id": reservation.id})).await;
    let answer = serde_json::to_string(&read.structured_content).unwrap();
    assert!(answer.contains(&email) && answer.contains(&phone), "the tool does return them: {answer}");
    client.cancel().await.unwrap();
    reader.await.unwrap();

    let logged = logged.lock().await;
    assert!(logged.contains("hostaway call"), "{level} logging is on:\n{logged}");
    for private in ["Quokka-7731", "quokka.7731@example.org", &email, &phone, "Door-5519", "Gate-2207"] {
        assert!(!logged.contains(private), "{private} is in the {level} logs:\n{logged}");
    }
}

/// A lasting condition costs one WARN line per interval, not one per occurrence: the built binary
/// against a Redis that cannot be reached, with clients opening sessions and calling tools for a
/// few seconds, writes at most one WARN line of each kind (its first, at once).
#[tokio::test]
async fn redis_down_writes_at_most_one_warn_line_per_kind_while_calls_go_on() {
    let sandbox = Sandbox::start(mcp::sandbox_config(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    // A port nothing listens on: taken, then given back.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let mut command = mcp::binary_against(&sandbox);
    command
        .args(["serve", "--bind", "127.0.0.1:0", "--redis-url", &format!("redis://{closed}")])
        .env("LOG_LEVEL", "info")
        .env_remove("LOG_FORMAT")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().unwrap();
    let logged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    tokio::spawn({
        let logged = logged.clone();
        async move {
            while let Ok(Some(line)) = lines.next_line().await {
                logged.lock().await.push(line);
            }
        }
    });
    let url = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            let found = logged.lock().await.iter().find_map(|line| {
                line.split_whitespace().find(|w| w.starts_with("http://") && w.ends_with("/mcp")).map(str::to_string)
            });
            if let Some(url) = found {
                return url;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the server prints its endpoint");
    let warns =
        |logged: &[String]| -> Vec<String> { logged.iter().filter(|l| l.contains(" WARN ")).cloned().collect() };
    // The first line about Redis comes at once; then calls go on for four seconds, four times the
    // pace at which the server tries Redis again.
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while warns(&logged.lock().await).is_empty() {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        std::time::Instant::now()
    })
    .await
    .expect("a WARN line says Redis cannot be reached");
    let mut calls = 0;
    while first.elapsed() < std::time::Duration::from_secs(4) {
        let client = mcp::connect(&url).await;
        let answer = client
            .call_tool(
                CallToolRequestParams::new("get_listing")
                    .with_arguments(json!({"listing_id": 40100}).as_object().cloned().unwrap()),
            )
            .await
            .unwrap();
        assert_eq!(answer.is_error, Some(true), "Redis is down: {answer:?}");
        client.cancel().await.unwrap();
        calls += 1;
    }
    let warned = warns(&logged.lock().await);
    // A line's kind: its message, without the time, the level and the fields after it.
    let kind = |line: &str| {
        let message = line.split_once(" WARN ").map_or(line, |(_, rest)| rest);
        message.split(" error=").next().unwrap_or(message).split(" session").next().unwrap_or(message).to_string()
    };
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for line in &warned {
        *kinds.entry(kind(line)).or_default() += 1;
    }
    eprintln!(
        "edge figures: {calls} sessions with a tool call each over 4 s with Redis down wrote {} WARN lines: {kinds:#?}",
        warned.len()
    );
    assert!(calls >= 3, "calls went on: {calls}");
    assert!(kinds.keys().any(|k| k.contains("cannot follow other replicas' changes")), "{kinds:#?}");
    assert!(kinds.values().all(|n| *n == 1), "one WARN line per kind: {kinds:#?}\n{}", warned.join("\n"));
}
