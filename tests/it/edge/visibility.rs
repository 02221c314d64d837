//! One filter for everything a session can see: with `--toolsets` and `--read-only`, resources,
//! resource templates and prompts follow the tools, so none of them reaches data or names a tool
//! the operator switched off.

use crate::support::mcp;

use hostaway_mcp::{server::ServerOptions, tools::catalogue};
use rmcp::model::{GetPromptRequestParams, ReadResourceRequestParams, ResourceContents};

fn options(toolsets: &[&str], read_only: bool) -> ServerOptions {
    ServerOptions { toolsets: toolsets.iter().map(|s| s.to_string()).collect(), read_only, ..Default::default() }
}

async fn read(h: &mcp::Harness, uri: String) -> Result<String, String> {
    match h.client.read_resource(ReadResourceRequestParams::new(uri)).await {
        Ok(read) => match &read.contents[0] {
            ResourceContents::TextResourceContents { text, .. } => Ok(text.clone()),
            other => panic!("text expected, got {other:?}"),
        },
        Err(error) => Err(error.to_string()),
    }
}

/// Every listed prompt, expanded, and the tools the session does not offer.
async fn prompt_texts_and_hidden_tools(h: &mcp::Harness) -> (Vec<(String, String)>, Vec<String>) {
    let offered: Vec<String> =
        h.client.list_all_tools().await.unwrap().into_iter().map(|t| t.name.to_string()).collect();
    let hidden = catalogue()
        .into_iter()
        .map(|(_, tool)| tool.name.into_owned())
        .filter(|tool| !offered.iter().any(|o| o == tool))
        .collect();
    let mut texts = Vec::new();
    for prompt in h.client.list_all_prompts().await.unwrap() {
        // Every prompt's arguments at once; a prompt ignores those it does not take.
        let arguments = serde_json::json!({"city": "Lisbon", "check_in": "tomorrow", "check_out": "2030-01-03"});
        let request =
            GetPromptRequestParams::new(prompt.name.clone()).with_arguments(arguments.as_object().cloned().unwrap());
        let got = h.client.get_prompt(request).await.unwrap();
        texts.push((prompt.name.to_string(), serde_json::to_string(&got.messages).unwrap()));
    }
    (texts, hidden)
}

#[tokio::test]
async fn with_only_listings_no_reservation_can_be_read_as_a_resource() {
    let h = mcp::start_with(mcp::sandbox_config(), options(&["listings"], false)).await;
    let reservation = h.sandbox.inspect(|s| s.reservations.values().find(|r| r.guest_email.is_some()).unwrap().clone());
    let templates = h.client.list_all_resource_templates().await.unwrap();
    let uris: Vec<&str> = templates.iter().map(|t| t.uri_template.as_str()).collect();
    assert_eq!(uris, ["hostaway://listings/{listing_id}"]);

    let refused = read(&h, format!("hostaway://reservations/{}", reservation.id)).await.unwrap_err();
    assert!(refused.contains("-32002") || refused.contains("unknown resource"), "{refused}");
    let email = reservation.guest_email.unwrap();
    assert!(!refused.contains(&email), "the guest's email leaked: {refused}");

    let listing = h.sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let shown = read(&h, format!("hostaway://listings/{listing}")).await.unwrap();
    assert!(shown.contains(&format!("\"listing_id\":{listing}")), "{shown}");
}

#[tokio::test]
async fn without_listings_no_listing_is_listed_or_readable_as_a_resource() {
    let h = mcp::start_with(mcp::sandbox_config(), options(&["reservations"], false)).await;
    assert!(h.client.list_all_resources().await.unwrap().is_empty());
    let templates = h.client.list_all_resource_templates().await.unwrap();
    let uris: Vec<&str> = templates.iter().map(|t| t.uri_template.as_str()).collect();
    assert_eq!(uris, ["hostaway://reservations/{reservation_id}"]);
    let listing = h.sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    assert!(read(&h, format!("hostaway://listings/{listing}")).await.is_err());
    let reservation = h.sandbox.inspect(|s| *s.reservations.keys().next().unwrap());
    assert!(read(&h, format!("hostaway://reservations/{reservation}")).await.is_ok());
}

#[tokio::test]
async fn read_only_hides_the_prompt_that_sends_messages_and_no_prompt_names_a_write() {
    let h = mcp::start_with(mcp::sandbox_config(), options(&[], true)).await;
    let (texts, hidden) = prompt_texts_and_hidden_tools(&h).await;
    let names: Vec<&str> = texts.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["daily_briefing", "find_a_stay"]);
    assert!(hidden.iter().any(|t| t == "send_guest_message"));
    for (name, text) in &texts {
        for tool in &hidden {
            assert!(!text.contains(tool), "{name} names the hidden {tool}: {text}");
        }
    }
    let error = h.client.get_prompt(GetPromptRequestParams::new("answer_unread_guests")).await.unwrap_err();
    assert!(error.to_string().contains("not found") || error.to_string().contains("-32602"), "{error}");
}

#[tokio::test]
async fn a_prompt_is_built_from_the_tools_that_are_on() {
    for (toolsets, expected) in [
        (&["reservations"][..], &["daily_briefing"][..]),
        (&["messaging"][..], &["answer_unread_guests"][..]),
        (&["listings", "finance", "calendar"][..], &["find_a_stay"][..]),
        (&["listings", "finance"][..], &[][..]),
        (&[][..], &["answer_unread_guests", "daily_briefing", "find_a_stay"][..]),
    ] {
        let h = mcp::start_with(mcp::sandbox_config(), options(toolsets, false)).await;
        let (texts, hidden) = prompt_texts_and_hidden_tools(&h).await;
        let mut names: Vec<&str> = texts.iter().map(|(name, _)| name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, expected, "toolsets {toolsets:?}");
        for (name, text) in &texts {
            for tool in &hidden {
                assert!(!text.contains(tool), "{name} under {toolsets:?} names the hidden {tool}: {text}");
            }
        }
    }
}

#[tokio::test]
async fn the_instructions_name_only_tools_the_session_has() {
    for (toolsets, read_only) in [(&[][..], true), (&["listings"][..], false), (&["messaging", "finance"][..], true)] {
        let h = mcp::start_with(mcp::sandbox_config(), options(toolsets, read_only)).await;
        let (_, hidden) = prompt_texts_and_hidden_tools(&h).await;
        let instructions = h.client.peer_info().and_then(|i| i.instructions.clone()).unwrap_or_default();
        assert!(!hidden.is_empty());
        for tool in hidden {
            assert!(
                !instructions.contains(tool.as_str()),
                "{toolsets:?} read-only {read_only}: names {tool}: {instructions}"
            );
        }
        for tool in h.client.list_all_tools().await.unwrap() {
            assert!(instructions.contains(tool.name.as_ref()), "{toolsets:?}: {} is not introduced", tool.name);
        }
    }
    let h = mcp::start().await;
    let instructions = h.client.peer_info().and_then(|i| i.instructions.clone()).unwrap_or_default();
    for (_, tool) in catalogue() {
        assert!(instructions.contains(tool.name.as_ref()), "{} is not introduced: {instructions}", tool.name);
    }
}
