//! Every tool through the built binary: over stdio pointed at a test sandbox (as a user would
//! point it at Hostaway with HOSTAWAY_BASE_URL), and over HTTP with `serve --sandbox` and its real
//! rate limits. Reads answer, writes preview, and a confirmed write lands.

use crate::support::mcp;
use hostaway_mcp::hostaway::id;

use std::collections::BTreeSet;

use chrono::Duration;
use hostaway_mcp::sandbox::Sandbox;
use rmcp::{
    RoleClient, ServiceExt,
    model::CallToolRequestParams,
    service::RunningService,
    transport::{ConfigureCommandExt, TokioChildProcess},
};
use serde_json::{Value, json};
use tokio::process::Command;

#[tokio::test]
async fn every_tool_answers_over_stdio_against_a_hostaway_at_a_configured_url() {
    let sandbox = Sandbox::start(mcp::sandbox_config(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let transport = TokioChildProcess::new(mcp::binary_against(&sandbox).configure(|cmd| {
        cmd.arg("stdio").env("LOG_LEVEL", "warn");
    }))
    .unwrap();
    let client = ().serve(transport).await.unwrap();

    let today = mcp::clock().today_utc();
    let day = |n: i64| (today + Duration::days(n)).to_string();
    let (listing, reservation, conversation) = sandbox.inspect(|s| {
        let listing = s
            .listings
            .values()
            .find(|l| s.is_free(l, today + Duration::days(150), today + Duration::days(153), None))
            .unwrap();
        let reservation =
            s.reservations.values().find(|r| r.status.as_str() == "new" && r.arrival_date > today).unwrap();
        (listing.id, reservation.id, *s.conversations.keys().next().unwrap())
    });
    call_every_tool(&client, listing, reservation, conversation).await;
    let stats = sandbox.stats();
    for write in [
        id::UPDATE_CALENDAR,
        id::UPDATE_LISTING,
        id::SEND_CONVERSATION_MESSAGE,
        id::CREATE_RESERVATION,
        id::UPDATE_RESERVATION,
        id::CANCEL_RESERVATION,
    ] {
        assert_eq!(stats.applied(write), 0, "a preview sent {write}");
    }

    let block = json!({"listing_id": listing, "start_date": day(150), "end_date": day(151), "confirm": true});
    let blocked = client
        .call_tool(
            CallToolRequestParams::new("block_dates")
                .with_arguments(mcp::previewed(&client, "block_dates", block).await.as_object().cloned().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(blocked.structured_content.unwrap()["status"], "done");
    assert!(!sandbox.inspect(|s| s.is_free(
        &s.listings[&listing],
        today + Duration::days(150),
        today + Duration::days(152),
        None
    )));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn every_tool_answers_through_serve_sandbox_within_the_real_rate_limits() {
    let (mut child, url) = mcp::spawn_serve(Command::new(env!("CARGO_BIN_EXE_hostaway-mcp")).args([
        "serve",
        "--sandbox",
        "--bind",
        "127.0.0.1:0",
    ]))
    .await;
    let client = ().serve(rmcp::transport::StreamableHttpClientTransport::from_uri(url)).await.unwrap();

    // Discover ids the way a model would: through the tools themselves.
    let call = |tool: &'static str, arguments: Value| {
        let client = &client;
        async move {
            let result = client
                .call_tool(CallToolRequestParams::new(tool).with_arguments(arguments.as_object().cloned().unwrap()))
                .await
                .unwrap();
            result.structured_content.unwrap()
        }
    };
    let listing = call("search_listings", json!({"limit": 1})).await["listings"][0]["listing_id"].as_i64().unwrap();
    let today = mcp::clock().today_utc();
    let upcoming = call(
        "search_reservations",
        json!({"arrival_start_date": (today + Duration::days(1)).to_string(), "arrival_end_date": (today + Duration::days(60)).to_string(), "status": ["new"], "limit": 1}),
    )
    .await;
    let reservation = upcoming["reservations"][0]["reservation_id"].as_i64().unwrap();
    let conversation = call("unread_conversations", json!({"limit": 1})).await["conversations"][0]["conversation_id"]
        .as_i64()
        .unwrap();
    call_every_tool(&client, listing, reservation, conversation).await;
    child.kill().await.unwrap();
}

/// One realistic call of every tool; writes without confirm (previews).
fn every_call(
    listing: i64,
    reservation: i64,
    conversation: i64,
    statement: i64,
    task: i64,
    begun: i64,
) -> Vec<(&'static str, Value)> {
    let today = mcp::clock().today_utc();
    let day = |n: i64| (today + Duration::days(n)).to_string();
    vec![
        ("search_listings", json!({"city": "Porto"})),
        ("get_listing", json!({"listing_id": listing})),
        ("find_available_listings", json!({"check_in": day(150), "check_out": day(153), "guests": 2, "limit": 2})),
        ("get_calendar", json!({"listing_id": listing, "start_date": day(0), "end_date": day(30)})),
        ("portfolio_calendar", json!({"start_date": day(0), "end_date": day(30)})),
        ("quote_stay", json!({"listing_id": listing, "check_in": day(150), "check_out": day(153), "guests": 2})),
        ("search_reservations", json!({"arrival_start_date": day(0), "arrival_end_date": day(7)})),
        ("get_reservation", json!({"reservation_id": reservation})),
        ("search_reservations", json!({"by_guest": true, "guest": "a"})),
        ("arrivals_and_departures", json!({"days": 7})),
        ("unread_conversations", json!({})),
        ("get_conversation", json!({"conversation_id": conversation})),
        ("list_message_templates", json!({"listing_id": listing})),
        ("revenue_report", json!({"start_date": day(-60), "end_date": day(-1), "group_by": "channel"})),
        ("get_reservation", json!({"reservation_id": reservation, "payments": true})),
        ("expenses_report", json!({"start_date": day(-90), "end_date": day(0), "group_by": "category"})),
        ("record_expense", json!({"listing_id": listing, "concept": "Light bulbs", "amount": 12.4})),
        ("record_payment", json!({"reservation_id": reservation, "amount": 50})),
        ("list_reviews", json!({"start_date": day(-90), "end_date": day(0), "lowest_first": true})),
        ("get_owner_statement", json!({})),
        ("get_owner_statement", json!({"statement_id": statement})),
        ("block_dates", json!({"listing_id": listing, "start_date": day(150), "end_date": day(151)})),
        ("block_dates", json!({"listing_id": listing, "start_date": day(150), "end_date": day(151), "unblock": true})),
        ("set_rates", json!({"listing_id": listing, "start_date": day(150), "end_date": day(151), "price": 199})),
        ("update_listing", json!({"listing_id": listing, "min_nights": 2})),
        ("send_guest_message", json!({"conversation_id": conversation, "message": "See you soon!"})),
        (
            "create_reservation",
            json!({"listing_id": listing, "check_in": day(150), "check_out": day(153), "guests": 2, "guest_name": "Ada Lovelace"}),
        ),
        ("update_reservation", json!({"reservation_id": reservation, "host_note": "VIP"})),
        ("cancel_reservation", json!({"reservation_id": reservation})),
        ("cancel_reservation", json!({"reservation_id": begun, "no_show": true})),
        ("list_tasks", json!({"start_date": day(0), "end_date": day(14)})),
        ("list_staff", json!({"name": "marta"})),
        (
            "create_task",
            json!({"category": "cleaning", "after_departures": {"start_date": day(1), "end_date": day(8)}}),
        ),
        ("update_task", json!({"task_id": task, "status": "confirmed"})),
    ]
}

/// Calls every listed tool once and checks each answers (writes with a preview).
async fn call_every_tool(client: &RunningService<RoleClient, ()>, listing: i64, reservation: i64, conversation: i64) {
    let tools = client.list_all_tools().await.unwrap();
    let listed: BTreeSet<String> = tools.iter().map(|t| t.name.to_string()).collect();
    let writes: BTreeSet<String> = tools
        .iter()
        .filter(|t| t.annotations.as_ref().and_then(|a| a.read_only_hint) != Some(true))
        .map(|t| t.name.to_string())
        .collect();
    assert!(!writes.is_empty() && writes.len() < listed.len());
    // The one id only a tool can tell: the first owner statement.
    let statements = client
        .call_tool(CallToolRequestParams::new("get_owner_statement").with_arguments(serde_json::Map::new()))
        .await
        .unwrap();
    let statement = statements.structured_content.unwrap()["statements"][0]["statement_id"].as_i64().unwrap();
    // And a task: the seeded maintenance jobs start within the coming two weeks on any date.
    let week = json!({"category": "maintenance"});
    let tasks = client
        .call_tool(CallToolRequestParams::new("list_tasks").with_arguments(week.as_object().cloned().unwrap()))
        .await
        .unwrap();
    let task = tasks.structured_content.unwrap()["tasks"][0]["task_id"].as_i64().unwrap();
    // And a Booking.com stay that has begun, the kind a no-show report takes.
    let yesterday = (mcp::clock().today_utc() - Duration::days(1)).to_string();
    let begun =
        json!({"channel": "booking.com", "arrival_end_date": yesterday, "status": ["new", "modified"], "limit": 1});
    let begun = client
        .call_tool(
            CallToolRequestParams::new("search_reservations").with_arguments(begun.as_object().cloned().unwrap()),
        )
        .await
        .unwrap();
    let begun = begun.structured_content.unwrap()["reservations"][0]["reservation_id"].as_i64().unwrap();
    let calls = every_call(listing, reservation, conversation, statement, task, begun);
    let called: BTreeSet<String> = calls.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(listed, called, "every listed tool is exercised here");
    for (tool, arguments) in calls {
        let result = client
            .call_tool(CallToolRequestParams::new(tool).with_arguments(arguments.as_object().cloned().unwrap()))
            .await
            .unwrap();
        assert_ne!(result.is_error, Some(true), "{tool}: {}", mcp::text(&result));
        let structured = result.structured_content.unwrap_or_else(|| panic!("{tool} has no structuredContent"));
        let schema = tools.iter().find(|t| t.name == tool).and_then(|t| t.output_schema.clone()).unwrap();
        let validator = jsonschema::validator_for(&Value::Object((*schema).clone())).unwrap();
        let errors: Vec<String> = validator.iter_errors(&structured).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{tool}: the answer does not fit its output schema: {errors:?}");
        if writes.contains(tool) {
            assert_eq!(structured["status"], "preview", "{tool} without confirm only previews");
        }
    }
}
