//! No log level prints what guests wrote: the built binary run with `LOG_LEVEL=debug` or `trace` sends a
//! guest message and reads a booking, and its stderr carries neither the message body, nor the
//! guest's email, nor their phone number.

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
        let reservation =
            s.reservations.values().find(|r| r.guest_email.is_some() && r.phone.is_some()).unwrap().clone();
        (*s.conversations.keys().next().unwrap(), reservation)
    });
    let (email, phone) = (reservation.guest_email.clone().unwrap(), reservation.phone.clone().unwrap());
    let body = "Quokka-7731 says the heater code is 4412; write to quokka.7731@example.org";

    let command = mcp::binary_against(&sandbox).configure(|cmd| {
        cmd.arg("stdio").env("LOG_LEVEL", level).env_remove("LOG_FORMAT");
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
        let request =
            CallToolRequestParams::new(tool.to_string()).with_arguments(arguments.as_object().cloned().unwrap());
        let client = &client;
        async move { client.call_tool(request).await.unwrap() }
    };
    let sent =
        call("send_guest_message", json!({"conversation_id": conversation, "message": body, "confirm": true})).await;
    assert_ne!(sent.is_error, Some(true), "{sent:?}");
    let read = call("get_reservation", json!({"reservation_id": reservation.id})).await;
    let answer = serde_json::to_string(&read.structured_content).unwrap();
    assert!(answer.contains(&email) && answer.contains(&phone), "the tool does return them: {answer}");
    client.cancel().await.unwrap();
    reader.await.unwrap();

    let logged = logged.lock().await;
    assert!(logged.contains("hostaway call"), "{level} logging is on:\n{logged}");
    for private in ["Quokka-7731", "quokka.7731@example.org", &email, &phone] {
        assert!(!logged.contains(private), "{private} is in the {level} logs:\n{logged}");
    }
}
