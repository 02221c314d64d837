//! The real binary over both transports: `stdio --sandbox` driven through rmcp's child-process
//! client, and `serve --sandbox` over streamable HTTP; plus prompts.

use crate::support::mcp;

use std::{process::Stdio, time::Duration};

use rmcp::{
    ServiceExt,
    model::{CallToolRequestParams, GetPromptRequestParams},
    object,
    transport::{ConfigureCommandExt, TokioChildProcess},
};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
};

const BINARY: &str = env!("CARGO_BIN_EXE_hostaway-mcp");

#[tokio::test]
async fn the_binary_serves_stdio_on_the_embedded_sandbox() {
    let transport = TokioChildProcess::new(Command::new(BINARY).configure(|cmd| {
        cmd.arg("stdio").arg("--sandbox").env("LOG_LEVEL", "info");
    }))
    .unwrap();
    let client = ().serve(transport).await.unwrap();
    let info = client.peer_info().unwrap();
    assert_eq!(info.server_info.as_ref().map(|s| s.name.as_str()), Some("hostaway-mcp"));
    let tools = client.list_all_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "get_listing"));
    let result = client
        .call_tool(CallToolRequestParams::new("search_listings").with_arguments(object!({"city": "Berlin"})))
        .await
        .unwrap();
    assert_ne!(result.is_error, Some(true));
    let listings = result.structured_content.unwrap()["listings"].as_array().unwrap().len();
    assert!(listings >= 1);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn the_binary_serves_streamable_http_with_health_on_the_embedded_sandbox() {
    let mut child = Command::new(BINARY)
        .args(["serve", "--sandbox", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(start) = line.find("http://") {
                let url: String = line[start..].split_whitespace().next().unwrap().to_string();
                if url.ends_with("/mcp") {
                    return url;
                }
            }
        }
        panic!("the server ended without printing its endpoint")
    })
    .await
    .expect("the server printed its endpoint in time");
    let health = reqwest::get(url.replace("/mcp", "/health")).await.unwrap();
    assert_eq!((health.status().as_u16(), health.text().await.unwrap()), (200, "ok\nhostaway: up".to_string()));

    let client = mcp::connect(&url).await;
    let result = client
        .call_tool(CallToolRequestParams::new("search_listings").with_arguments(object!({"country": "PT"})))
        .await
        .unwrap();
    assert_ne!(result.is_error, Some(true));
    let rows = result.structured_content.unwrap()["listings"].as_array().unwrap().clone();
    assert!(!rows.is_empty() && rows.iter().all(|r| r["country_code"] == "PT"));
    child.kill().await.unwrap();
}

#[tokio::test]
async fn serve_refuses_a_public_bind_without_authentication() {
    let output = Command::new(BINARY)
        .args(["serve", "--sandbox", "--bind", "0.0.0.0:0"])
        .env_remove("MCP_AUTH_TOKEN")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a loopback address") && stderr.contains("MCP_AUTH_TOKEN"), "{stderr}");
}

#[tokio::test]
async fn prompts_are_listed_and_expand_into_tool_driven_requests() {
    let h = mcp::start().await;
    let prompts = h.client.list_all_prompts().await.unwrap();
    let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert!(names.contains(&"daily_briefing") && names.contains(&"answer_unread_guests"), "{names:?}");
    let briefing = h
        .client
        .get_prompt(GetPromptRequestParams::new("daily_briefing").with_arguments(object!({"date": "2027-02-03"})))
        .await
        .unwrap();
    let text = serde_json::to_string(&briefing.messages).unwrap();
    assert!(
        text.contains("2027-02-03")
            && text.contains("arrivals_and_departures")
            && text.contains("unread_conversations")
    );
    let answer = h.client.get_prompt(GetPromptRequestParams::new("answer_unread_guests")).await.unwrap();
    assert!(serde_json::to_string(&answer.messages).unwrap().contains("confirm: true"));
}

#[tokio::test]
async fn prompt_counts_out_of_range_are_refused_with_the_range_never_replaced() {
    let h = mcp::start().await;
    let stay = |guests: &str| {
        GetPromptRequestParams::new("find_a_stay").with_arguments(object!({
            "city": "Berlin", "check_in": "2027-05-01", "check_out": "2027-05-04", "guests": guests
        }))
    };
    for guests in ["51", "4.0", "0", "two"] {
        let error = h.client.get_prompt(stay(guests)).await.unwrap_err();
        let text = error.to_string();
        assert!(text.contains("-32602") || text.contains("nvalid param"), "{guests}: {text}");
        assert!(text.contains("`guests` must be a whole number from 1 to 50") && text.contains(guests), "{text}");
    }
    let four = h.client.get_prompt(stay(" 4 ")).await.unwrap();
    assert!(serde_json::to_string(&four.messages).unwrap().contains("for 4 guests"));
    let limit = GetPromptRequestParams::new("answer_unread_guests").with_arguments(object!({"limit": "500"}));
    let error = h.client.get_prompt(limit).await.unwrap_err().to_string();
    assert!(error.contains("`limit` must be a whole number from 1 to 50"), "{error}");

    let tomorrow = GetPromptRequestParams::new("daily_briefing").with_arguments(object!({"date": "tomorrow"}));
    let text = serde_json::to_string(&h.client.get_prompt(tomorrow).await.unwrap().messages).unwrap();
    assert!(text.contains("what needs doing tomorrow") && !text.contains("doing today"), "{text}");
}

#[tokio::test]
async fn serve_accepts_a_public_bind_with_a_strong_token_and_refuses_a_weak_one() {
    let weak = Command::new(BINARY)
        .args(["serve", "--sandbox", "--bind", "0.0.0.0:0", "--auth-token", "short"])
        .output()
        .await
        .unwrap();
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("too short"));

    let mut child = Command::new(BINARY)
        .args(["serve", "--sandbox", "--bind", "0.0.0.0:0"])
        .env("MCP_AUTH_TOKEN", "a-long-enough-random-token-0123456789")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let announced = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("bearer token required") {
                return true;
            }
        }
        false
    })
    .await
    .unwrap();
    assert!(announced);
    child.kill().await.unwrap();
}

/// Starts `serve --sandbox` and returns the child, its MCP URL and the embedded sandbox's base URL.
async fn spawn_server(extra: &[&str]) -> (tokio::process::Child, String, String) {
    let mut child = Command::new(BINARY)
        .args(["serve", "--sandbox", "--bind", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let (url, sandbox) = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("MCP endpoint") {
                let urls: Vec<&str> = line.split_whitespace().filter(|w| w.starts_with("http://")).collect();
                return (urls[0].trim_end_matches(',').to_string(), urls[1].trim_end_matches(',').to_string());
            }
        }
        panic!("no endpoint line")
    })
    .await
    .unwrap();
    // Keep reading stderr so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url, sandbox)
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_call_finish_before_the_server_exits() {
    let (mut child, url, sandbox) = spawn_server(&["--drain-secs", "10"]).await;
    let client = mcp::connect(&url).await;
    tokio::time::timeout(Duration::from_secs(10), client.call_tool(CallToolRequestParams::new("search_listings")))
        .await
        .unwrap()
        .unwrap();
    let control = sandbox.replace("/v1", "/_sandbox/faults");
    reqwest::Client::new().put(&control).json(&serde_json::json!({"latency_ms": 1500})).send().await.unwrap();
    let slow = tokio::spawn(async move {
        client.call_tool(CallToolRequestParams::new("get_listing").with_arguments(object!({"listing_id": 40100}))).await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = child.id().unwrap().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let result = tokio::time::timeout(Duration::from_secs(10), slow)
        .await
        .expect("the in-flight call finished in time")
        .unwrap()
        .expect("the in-flight call got its answer");
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait()).await.expect("the server exited").unwrap();
    assert!(status.success(), "{status:?}");
}
