//! The MCP Apps views as a person sees them: each built view is the one `ui/` builds today, and
//! rendered in headless Chromium by a host on the SDK's host side, in a sandboxed frame, from a
//! real answer of the sandbox, it draws what the answer holds, in both themes, and asks the host
//! for what it offers to do.

use std::collections::BTreeMap;

use hostaway_mcp::server::views::VIEWS;
use rmcp::model::{CallToolRequestParams, ReadResourceRequestParams};
use serde_json::{Value, json};

use crate::support::{browser, mcp};

#[test]
fn the_committed_views_are_what_ui_builds() {
    if browser::chromium().is_none() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    for view in VIEWS {
        let built = std::fs::read_to_string(browser::build(view.name, out.path())).unwrap();
        assert!(
            built == view.html,
            "views/{}.html differs from what ui/ builds: run `npm run build --prefix ui` and commit views/",
            view.name
        );
    }
}

/// How many nights of each state a listing of a portfolio_calendar answer has, counted from its runs.
fn nights_by_state(listing: &Value) -> BTreeMap<String, u64> {
    let mut counted = BTreeMap::new();
    for run in listing["runs"].as_array().unwrap() {
        let from = chrono::NaiveDate::parse_from_str(run["from"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let to = chrono::NaiveDate::parse_from_str(run["to"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        *counted.entry(run["state"].as_str().unwrap().to_string()).or_default() += (to - from).num_days() as u64 + 1;
    }
    counted
}

/// `tool`'s answer to `args` from the sandbox behind `h`, and what headless Chromium shows of it
/// in the tool's view, served by the server, in each theme (see `ui/test/render.mjs`).
async fn rendered(h: &mcp::Harness, chromium: &std::path::Path, tool: &str, args: Value) -> (Value, Value) {
    let call = CallToolRequestParams::new(tool.to_string()).with_arguments(args.as_object().cloned().unwrap());
    let result = h.client.call_tool(call).await.unwrap();
    let listed = h.client.list_all_tools().await.unwrap().into_iter().find(|t| t.name == tool).unwrap();
    let uri = listed.meta.as_ref().and_then(|m| m.0.get("ui")).and_then(|ui| ui["resourceUri"].as_str());
    let uri = uri.unwrap_or_else(|| panic!("{tool} links no view")).to_string();
    let read = h.client.read_resource(ReadResourceRequestParams::new(uri.clone())).await.unwrap();
    let rmcp::model::ResourceContents::TextResourceContents { text: html, mime_type, .. } = &read.contents[0] else {
        panic!("{uri} is not text")
    };
    assert_eq!(mime_type.as_deref(), Some("text/html;profile=mcp-app"));
    let view = VIEWS.iter().find(|v| v.uri == uri).unwrap().name;

    let work = tempfile::tempdir().unwrap();
    let host = browser::build("test/host", work.path());
    let case = work.path().join("case.json");
    let seen = json!({"view": view, "html": html, "args": args, "result": serde_json::to_value(&result).unwrap()});
    std::fs::write(&case, seen.to_string()).unwrap();
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("view-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let run = tokio::process::Command::new("node")
        .arg("test/render.mjs")
        .arg(chromium)
        .arg(&host)
        .arg(&case)
        .arg(&shots)
        .current_dir(browser::ui())
        .output();
    let out =
        tokio::time::timeout(std::time::Duration::from_secs(90), run).await.expect("the browser finishes").unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    println!("screenshots of the views: {}", shots.display());
    let report: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
    for theme in ["light", "dark"] {
        let seen = &report["themes"][theme];
        assert_eq!(seen["errors"], json!([]), "{view}, {theme}: the view ran without errors");
        assert!(std::path::Path::new(seen["shot"].as_str().unwrap()).is_file());
    }
    let backgrounds = ["light", "dark"].map(|theme| report["themes"][theme]["background"].clone());
    assert_ne!(backgrounds[0], backgrounds[1], "{view}: the host's theme reaches the view");
    (result.structured_content.clone().unwrap(), report)
}

#[tokio::test]
async fn the_portfolio_calendar_view_draws_every_listing_and_night_of_a_real_answer_in_both_themes() {
    let Some(chromium) = browser::chromium() else { return };
    let h = mcp::start().await;
    let start = mcp::clock().today_utc() + chrono::Days::new(1);
    let end = start + chrono::Days::new(29);
    let args = json!({"start_date": start.to_string(), "end_date": end.to_string()});
    let (answer, report) = rendered(&h, &chromium, "portfolio_calendar", args).await;
    let listings = answer["listings"].as_array().unwrap();
    assert_eq!(listings.len(), h.sandbox.inspect(|s| s.listings.len()), "the sandbox's 24 listings, one page");

    let nights = (end - start).num_days() as u64 + 1;
    for theme in ["light", "dark"] {
        let seen = &report["themes"][theme];
        let rows = seen["rows"].as_array().unwrap();
        assert_eq!(rows.len(), listings.len(), "{theme}: a row per listing");
        assert_eq!(seen["columns"].as_u64(), Some(nights + 1), "{theme}: a column per night, and the names");
        for (row, listing) in rows.iter().zip(listings) {
            assert_eq!(row["listing"], listing["listing_id"], "{theme}: rows in the answer's order");
            assert_eq!(row["nights"].as_u64(), Some(nights), "{theme}: every night of {}", listing["listing_id"]);
            let drawn = |state: &str| row["states"][state].as_u64().unwrap();
            let counted = |state: &str| listing[state].as_u64().unwrap();
            let id = &listing["listing_id"];
            for state in ["free", "gap", "booked", "blocked"] {
                let runs = nights_by_state(listing).get(state).copied().unwrap_or(0);
                assert_eq!(drawn(state), runs, "{theme}: {state} nights of {id} as its runs say");
            }
            // The answer's `free` counts gap nights too.
            assert_eq!(drawn("free") + drawn("gap"), counted("free"), "{theme}: free nights of {id}");
            for state in ["gap", "booked", "blocked"] {
                assert_eq!(drawn(state), counted(state), "{theme}: {state} nights of {id}");
            }
        }
        let asked = seen["asked"]["content"][0]["text"].as_str().expect("a free night asks the host");
        let first_free = listings.iter().find(|l| l["free"].as_u64() > Some(0)).unwrap();
        assert!(
            asked.starts_with("Quote a stay") && asked.contains(&format!("listing {}", first_free["listing_id"])),
            "{asked}"
        );
    }
}

#[tokio::test]
async fn the_inbox_view_lists_every_unread_conversation_by_urgency_with_its_message() {
    let Some(chromium) = browser::chromium() else { return };
    let h = mcp::start().await;
    let (answer, report) = rendered(&h, &chromium, "unread_conversations", json!({"limit": 50})).await;
    let conversations = answer["conversations"].as_array().unwrap();
    assert!(!conversations.is_empty(), "the sandbox has unread conversations");
    for theme in ["light", "dark"] {
        let seen = &report["themes"][theme];
        assert_eq!(seen["heading"], format!("Unread: {}", answer["unread_total"]), "{theme}");
        let items = seen["items"].as_array().unwrap();
        assert_eq!(items.len(), conversations.len(), "{theme}: every conversation of the answer");
        // The answer's order is the reply order, and the view keeps it within each urgency.
        let order = ["in_house", "arriving", "other"];
        let mut expected: Vec<&Value> = conversations.iter().collect();
        expected.sort_by_key(|c| order.iter().position(|u| c["urgency"] == *u));
        for (item, conversation) in items.iter().zip(expected) {
            assert_eq!(item["conversation"], conversation["conversation_id"], "{theme}");
            assert_eq!(item["urgency"], conversation["urgency"], "{theme}");
            assert_eq!(item["message"], conversation["last_message"], "{theme}: the message as text");
        }
        let asked = seen["asked"]["content"][0]["text"].as_str().expect("Reply asks the host");
        assert!(asked.contains(&format!("conversation {}", items[0]["conversation"])), "{asked}");
    }
}

#[tokio::test]
async fn a_view_exists_only_where_its_tool_does() {
    use hostaway_mcp::server::ServerOptions;
    let uri = VIEWS[0].uri;
    let h = mcp::start().await;
    let listed = h.client.list_all_resources().await.unwrap();
    assert!(listed.iter().any(|r| r.uri == uri), "listed with its tool");
    assert!(h.client.read_resource(ReadResourceRequestParams::new(uri)).await.is_ok());
    let caps = h.client.peer_info().unwrap().capabilities.extensions.clone().unwrap_or_default();
    assert!(caps.contains_key("io.modelcontextprotocol/ui"), "the server declares the extension: {caps:?}");

    let options = ServerOptions { toolsets: vec!["finance".into()], ..ServerOptions::default() };
    let h = mcp::start_with(mcp::sandbox_config(), options).await;
    let listed = h.client.list_all_resources().await.unwrap();
    let views: Vec<&str> = listed.iter().map(|r| r.uri.as_str()).filter(|u| u.starts_with("ui://")).collect();
    assert_eq!(views, ["ui://hostaway/revenue", "ui://hostaway/statement"], "the finance toolset's views alone");
    assert!(
        h.client.read_resource(ReadResourceRequestParams::new(uri)).await.is_err(),
        "the calendar's is not readable"
    );
}

#[tokio::test]
async fn the_revenue_view_draws_a_bar_per_group_that_matches_its_table_and_sums_to_the_total() {
    let Some(chromium) = browser::chromium() else { return };
    let h = mcp::start().await;
    let today = mcp::clock().today_utc();
    let start = today - chrono::Days::new(90);
    let args = json!({"start_date": start.to_string(), "end_date": today.to_string(), "group_by": "month"});
    let (answer, report) = rendered(&h, &chromium, "revenue_report", args).await;
    let groups = answer["groups"].as_array().unwrap();
    assert!(groups.len() >= 3, "three months or more: {answer}");
    let amount = |row: &Value| row["accommodation_revenue"]["amount"].as_f64().unwrap();
    for theme in ["light", "dark"] {
        let seen = &report["themes"][theme];
        let bars = seen["bars"].as_array().unwrap();
        assert_eq!(bars.len(), groups.len(), "{theme}: a bar per month");
        let rows = seen["rows"].as_array().unwrap();
        for ((bar, row), group) in bars.iter().zip(rows).zip(groups) {
            assert_eq!(bar["label"], group["group"], "{theme}");
            assert_eq!(bar["amount"].as_f64(), Some(amount(group)), "{theme}: the bar is the group's revenue");
            assert_eq!(row.as_f64(), Some(amount(group)), "{theme}: and so is its table row");
        }
        let summed: f64 = bars.iter().map(|bar| bar["amount"].as_f64().unwrap()).sum();
        let total = seen["total"].as_f64().unwrap();
        assert_eq!(total, amount(&answer["totals"]), "{theme}: the table's total is the answer's");
        assert!((summed - total).abs() < 0.01, "{theme}: the bars sum to the total ({summed} against {total})");
        let widest = bars.iter().map(|bar| bar["width"].as_f64().unwrap()).fold(0.0, f64::max);
        let largest =
            bars.iter().max_by(|a, b| a["amount"].as_f64().partial_cmp(&b["amount"].as_f64()).unwrap()).unwrap();
        assert_eq!(largest["width"].as_f64(), Some(widest), "{theme}: the largest revenue draws the longest bar");
    }
}

#[tokio::test]
async fn the_owner_statement_view_shows_the_owner_period_and_every_total_with_its_currency() {
    let Some(chromium) = browser::chromium() else { return };
    let h = mcp::start().await;
    let (listed, report) = rendered(&h, &chromium, "get_owner_statement", json!({})).await;
    let ids: Vec<Value> = listed["statements"].as_array().unwrap().iter().map(|s| s["statement_id"].clone()).collect();
    assert!(!ids.is_empty(), "{listed}");
    for theme in ["light", "dark"] {
        assert_eq!(
            report["themes"][theme]["listed"],
            json!(ids),
            "{theme}: without an id, the view lists every statement"
        );
    }
    let id = ids[0].clone();
    let (answer, report) = rendered(&h, &chromium, "get_owner_statement", json!({"statement_id": id})).await;
    let totals = answer["totals"].as_array().unwrap();
    assert!(!totals.is_empty(), "{answer}");
    for theme in ["light", "dark"] {
        let seen = &report["themes"][theme];
        assert_eq!(seen["heading"], answer["name"], "{theme}");
        assert_eq!(seen["facts"]["Owner"], answer["owner"], "{theme}");
        assert_eq!(
            seen["facts"]["Period"],
            format!("{} to {}", answer["from"].as_str().unwrap(), answer["to"].as_str().unwrap())
        );
        let shown = seen["totals"].as_array().unwrap();
        assert_eq!(shown.len(), totals.len(), "{theme}: every total");
        for (line, total) in shown.iter().zip(totals) {
            assert_eq!(line[0], total["name"], "{theme}");
            let text = line[1].as_str().unwrap();
            assert!(
                text.ends_with(total["value"]["currency"].as_str().unwrap()),
                "{theme}: {text} carries its currency"
            );
        }
    }
}
