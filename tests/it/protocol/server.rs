//! End to end over streamable HTTP: rmcp's client against the real server with the sandbox behind it.

use crate::support::mcp;

use hostaway_mcp::{hostaway::id, server::ServerOptions};
use rmcp::model::CallToolRequestParams;
use serde_json::json;

#[tokio::test]
async fn initialize_reports_the_server_and_lists_every_tool_with_schemas() {
    let h = mcp::start().await;
    let info = h.client.peer_info().expect("initialized");
    assert_eq!(info.server_info.as_ref().map(|s| s.name.as_str()), Some("hostaway-mcp"));
    assert!(info.instructions.as_deref().unwrap_or_default().contains("confirm: true"));
    let tools = h.client.list_all_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "search_listings"));
    for tool in &tools {
        assert!(tool.output_schema.is_some(), "{} has no outputSchema", tool.name);
        assert!(tool.description.as_deref().is_some_and(|d| d.len() > 20), "{} needs a description", tool.name);
    }
}

#[tokio::test]
async fn search_listings_pages_through_the_portfolio_with_a_cursor() {
    let h = mcp::start().await;
    let total = h.sandbox.inspect(|s| s.listings.len());
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut args = json!({"limit": 10});
        if let Some(c) = &cursor {
            args["cursor"] = json!(c);
        }
        let page = h.ok("search_listings", args).await;
        assert_eq!(page["total"], json!(total));
        seen.extend(page["listings"].as_array().unwrap().iter().map(|l| l["listing_id"].as_i64().unwrap()));
        match page.get("next_cursor").and_then(|c| c.as_str()) {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), total);
}

#[tokio::test]
async fn search_listings_filters_by_city_and_size() {
    let h = mcp::start().await;
    let page = h.ok("search_listings", json!({"city": "Lisbon", "min_guests": "4"})).await;
    let expected = h.sandbox.inspect(|s| {
        s.listings
            .values()
            .filter(|l| l.city.as_deref() == Some("Lisbon") && l.person_capacity.unwrap_or(0) >= 4)
            .count()
    });
    let rows = page["listings"].as_array().unwrap();
    assert_eq!(rows.len(), expected);
    assert!(rows.iter().all(|r| r["city"] == "Lisbon" && r["max_guests"].as_i64().unwrap() >= 4));
    assert!(rows.iter().all(|r| r.get("more").is_none()), "summary rows stay compact");
}

#[tokio::test]
async fn get_listing_names_amenities_and_never_leaks_access_codes() {
    let h = mcp::start().await;
    let listing = h.sandbox.inspect(|s| s.listings.values().next().unwrap().clone());
    let answer = h.ok("get_listing", json!({"listing_id": listing.id})).await;
    assert_eq!(answer["name"], json!(listing.name));
    assert_eq!(answer["base_price"]["currency"], "EUR");
    let amenities = answer["more"]["amenities"].as_array().unwrap();
    assert_eq!(amenities.len(), listing.listing_amenities.len());
    assert!(amenities.iter().any(|a| a == "Internet"));
    let raw = answer.to_string();
    for secret in [listing.door_security_code.unwrap(), listing.wifi_password.unwrap()] {
        assert!(!raw.contains(&secret), "a door code or Wi-Fi password leaked");
    }
}

#[tokio::test]
async fn bad_arguments_are_tool_errors_naming_the_field_and_the_server_keeps_serving() {
    let h = mcp::start().await;
    let message = h.err("get_listing", json!({})).await;
    assert!(message.contains("listing_id"), "{message}");
    let message = h.err("search_listings", json!({"limit": 500})).await;
    assert!(message.contains("`limit`") && message.contains("1 to 100"), "{message}");
    let message = h.err("search_listings", json!({"cursor": "garbage"})).await;
    assert!(message.contains("`cursor`"), "{message}");
    let message = h.err("search_listings", json!({"detail": "everything"})).await;
    assert!(message.contains("detail") || message.contains("variant"), "{message}");
    let message = h.err("get_listing", json!({"listing_id": 1})).await;
    assert!(message.contains("not found"), "{message}");
    let message = h.err("get_listing", json!({"listing_id": "forty"})).await;
    assert!(message.contains("`listing_id`") && message.contains("forty"), "{message}");
    let message = h.err("search_listings", json!({"min_guests": {"at_least": 2}})).await;
    assert!(message.contains("`min_guests`"), "{message}");
    h.ok("search_listings", json!({"limit": 1})).await;
}

#[tokio::test]
async fn an_unknown_tool_is_a_json_rpc_error_not_a_tool_result() {
    let h = mcp::start().await;
    let error = h.client.call_tool(CallToolRequestParams::new("drop_all_tables")).await.unwrap_err();
    assert!(error.to_string().contains("tool not found") || error.to_string().contains("-32602"), "{error}");
    h.ok("search_listings", json!({"limit": 1})).await;
}

#[tokio::test]
async fn upstream_failures_come_back_as_actionable_tool_errors() {
    let h = mcp::start().await;
    h.sandbox.set_faults(hostaway_mcp::sandbox::FaultPlan {
        rate_limit_storm: true,
        retry_after_secs: Some(30),
        ..Default::default()
    });
    // The listing catalogue was read when the session began; one listing is not cached yet.
    let id = h.sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let message = h.err("get_listing", json!({"listing_id": id})).await;
    assert!(message.contains("rate limiting") && message.contains("retry in 30 s"), "{message}");
    h.sandbox.set_faults(Default::default());
    h.ok("get_listing", json!({"listing_id": id})).await;
}

#[tokio::test]
async fn read_only_mode_lists_no_tool_that_can_change_the_account() {
    let h = mcp::start_with(mcp::sandbox_config(), ServerOptions { read_only: true, ..Default::default() }).await;
    let tools = h.client.list_all_tools().await.unwrap();
    assert!(!tools.is_empty());
    for tool in &tools {
        let hints = tool.annotations.as_ref().unwrap();
        assert_eq!(hints.read_only_hint, Some(true), "{} is offered in read-only mode", tool.name);
    }
}

#[tokio::test]
async fn metrics_move_when_tools_are_called() {
    let h = mcp::start().await;
    h.ok("search_listings", json!({"limit": 2})).await;
    h.err("get_listing", json!({"listing_id": 1})).await;
    let text = reqwest::get(h.url.replace("/mcp", "/metrics")).await.unwrap().text().await.unwrap();
    let upstream = |operation: &str, outcome: &str| {
        format!(r#"hostaway_mcp_upstream_calls_total{{operation="{operation}",outcome="{outcome}"}} 1"#)
    };
    for expected in [
        r#"hostaway_mcp_tool_calls_total{tool="search_listings",outcome="ok"} 1"#.to_string(),
        r#"hostaway_mcp_tool_calls_total{tool="get_listing",outcome="tool_error"} 1"#.to_string(),
        // Once, when the session began (the catalogue, for the account's time zone); the search
        // is answered from that same cached catalogue.
        upstream(id::LIST_LISTINGS, "200"),
        upstream(id::GET_LISTING, "not_found"),
        "hostaway_mcp_token_mints_total 1".to_string(),
        "hostaway_mcp_tool_duration_seconds_count{tool=\"search_listings\"} 1".to_string(),
    ] {
        assert!(text.contains(&expected), "missing {expected} in:\n{text}");
    }
}

#[tokio::test]
async fn oversized_search_text_is_refused_before_reaching_hostaway() {
    let h = mcp::start().await;
    h.ok("search_listings", json!({"limit": 1})).await;
    let before = h.sandbox.stats().total_received();
    let message = h.err("search_listings", json!({"query": "x".repeat(5000)})).await;
    assert!(message.contains("`query`") && message.contains("at most 200"), "{message}");
    let message = h.err("search_reservations", json!({"by_guest": true, "guest": "y".repeat(300)})).await;
    assert!(message.contains("`guest`"), "{message}");
    assert_eq!(h.sandbox.stats().total_received(), before, "nothing was sent upstream");
}

#[tokio::test]
async fn listings_and_reservations_are_readable_as_resources() {
    use rmcp::model::{PaginatedRequestParams, ReadResourceRequestParams, ResourceContents};
    let h = mcp::start().await;
    let mut listed = h.client.list_all_resources().await.unwrap();
    assert_eq!(listed.remove(0).uri, "hostaway://conversations/unread", "the inbox comes first");
    let views: Vec<_> = listed.drain(..4).collect();
    assert!(
        views.iter().all(|v| v.uri.starts_with("ui://hostaway/") && v.mime_type.as_deref() == Some("text/html;profile=mcp-app")),
        "then the four views: {views:?}"
    );
    let total = h.sandbox.inspect(|s| s.listings.len());
    assert_eq!(listed.len(), total);
    assert!(
        listed
            .iter()
            .all(|r| r.uri.starts_with("hostaway://listings/") && r.mime_type.as_deref() == Some("application/json"))
    );
    let contents =
        h.client.read_resource(ReadResourceRequestParams::new("hostaway://conversations/unread")).await.unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &contents.contents[0] else { panic!("text expected") };
    let mut from_resource: serde_json::Value = serde_json::from_str(text).unwrap();
    let mut from_tool = h.ok("unread_conversations", json!({"limit": 50})).await;
    for inbox in [&mut from_resource, &mut from_tool] {
        // Waiting times count up between the two reads.
        for row in inbox["conversations"].as_array_mut().unwrap() {
            row.as_object_mut().unwrap().retain(|field, _| !field.contains("waiting"));
        }
    }
    assert_eq!(from_resource, from_tool, "the inbox resource reads like unread_conversations");
    let templates = h.client.list_all_resource_templates().await.unwrap();
    let uris: Vec<&str> = templates.iter().map(|t| t.uri_template.as_str()).collect();
    assert_eq!(uris, ["hostaway://listings/{listing_id}", "hostaway://reservations/{reservation_id}"]);

    let read = |uri: String| {
        let client = &h.client;
        async move { client.read_resource(ReadResourceRequestParams::new(uri)).await }
    };
    let listing = h.sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let contents = read(format!("hostaway://listings/{listing}")).await.unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &contents.contents[0] else { panic!("text expected") };
    let from_resource: serde_json::Value = serde_json::from_str(text).unwrap();
    let from_tool = h.ok("get_listing", json!({"listing_id": listing})).await;
    assert_eq!(from_resource, from_tool, "a resource reads like the tool");

    let reservation = h.sandbox.inspect(|s| *s.reservations.keys().next().unwrap());
    let contents = read(format!("hostaway://reservations/{reservation}")).await.unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &contents.contents[0] else { panic!("text expected") };
    assert!(text.contains(&format!("\"reservation_id\":{reservation}")), "{text}");

    let unknown = read("hostaway://owners/1".into()).await.unwrap_err().to_string();
    assert!(unknown.contains("-32002") || unknown.contains("unknown resource"), "{unknown}");
    let missing = read("hostaway://listings/1".into()).await.unwrap_err().to_string();
    assert!(missing.contains("-32002") || missing.contains("not found"), "{missing}");
    let bad_cursor =
        h.client.list_resources(Some(PaginatedRequestParams::default().with_cursor(Some("zz".into())))).await;
    assert!(bad_cursor.unwrap_err().to_string().contains("cursor"));
}

#[tokio::test]
async fn access_codes_stay_hidden_unless_the_operator_exposes_them() {
    let (listing, reservation) = {
        let h = mcp::start().await;
        let (listing, reservation) = h.sandbox.inspect(|s| {
            (s.listings.values().next().unwrap().clone(), s.reservations.values().next().unwrap().clone())
        });
        let hidden = h.ok("get_listing", json!({"listing_id": listing.id})).await.to_string()
            + &h.ok("get_reservation", json!({"reservation_id": reservation.id})).await.to_string();
        for secret in [
            listing.door_security_code.clone().unwrap(),
            listing.wifi_password.clone().unwrap(),
            reservation.door_code.clone().unwrap(),
        ] {
            assert!(!hidden.contains(&format!("\"{secret}\"")), "{secret} leaked by default");
        }
        (listing, reservation)
    };
    let h =
        mcp::start_with(mcp::sandbox_config(), ServerOptions { expose_access_codes: true, ..Default::default() }).await;
    let shown = h.ok("get_listing", json!({"listing_id": listing.id})).await;
    assert_eq!(shown["more"]["access"]["door_code"], json!(listing.door_security_code));
    assert_eq!(shown["more"]["access"]["wifi_password"], json!(listing.wifi_password));
    let booking = h.ok("get_reservation", json!({"reservation_id": reservation.id})).await;
    assert_eq!(booking["more"]["door_code"], json!(reservation.door_code));
    let search = h.ok("search_listings", json!({"detail": "full", "limit": 3})).await.to_string();
    assert!(!search.contains("wifi_password"), "searches never carry codes");
}

/// Issue 25 (smaller): a subscription to a reservation the account does not hold is refused,
/// not accepted and then never heard of.
#[tokio::test]
async fn subscribing_to_an_unknown_reservation_is_refused() {
    use rmcp::model::SubscribeRequestParams;
    let h = mcp::start().await;
    let known = h.sandbox.inspect(|s| *s.reservations.keys().next().unwrap());
    let unknown = h.sandbox.inspect(|s| s.reservations.keys().max().unwrap() + 1000);
    #[allow(deprecated)]
    let accepted = h.client.subscribe(SubscribeRequestParams::new(format!("hostaway://reservations/{known}"))).await;
    assert!(accepted.is_ok(), "{accepted:?}");
    #[allow(deprecated)]
    let refused = h
        .client
        .subscribe(SubscribeRequestParams::new(format!("hostaway://reservations/{unknown}")))
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains(&format!("no reservation {unknown}")), "{refused}");
}
