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

#[tokio::test]
async fn the_portfolio_calendar_view_draws_every_listing_and_night_of_a_real_answer_in_both_themes() {
    let Some(chromium) = browser::chromium() else { return };
    let h = mcp::start().await;
    let start = mcp::clock().today_utc() + chrono::Days::new(1);
    let end = start + chrono::Days::new(29);
    let args = json!({"start_date": start.to_string(), "end_date": end.to_string()});
    let call = CallToolRequestParams::new("portfolio_calendar").with_arguments(args.as_object().cloned().unwrap());
    let result = h.client.call_tool(call).await.unwrap();
    let answer = result.structured_content.clone().unwrap();
    let listings = answer["listings"].as_array().unwrap();
    assert_eq!(listings.len(), h.sandbox.inspect(|s| s.listings.len()), "the sandbox's 24 listings, one page");

    let tool = h.client.list_all_tools().await.unwrap().into_iter().find(|t| t.name == "portfolio_calendar").unwrap();
    let uri =
        tool.meta.as_ref().and_then(|m| m.0.get("ui")).and_then(|ui| ui["resourceUri"].as_str()).unwrap().to_string();
    let read = h.client.read_resource(ReadResourceRequestParams::new(uri.clone())).await.unwrap();
    let rmcp::model::ResourceContents::TextResourceContents { text: html, mime_type, .. } = &read.contents[0] else {
        panic!("{uri} is not text")
    };
    assert_eq!(mime_type.as_deref(), Some("text/html;profile=mcp-app"));

    let work = tempfile::tempdir().unwrap();
    let host = browser::build("test/host", work.path());
    let case = work.path().join("case.json");
    let seen = json!({"view": "portfolio-calendar", "html": html, "args": args, "result": serde_json::to_value(&result).unwrap()});
    std::fs::write(&case, seen.to_string()).unwrap();
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("view-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let run = tokio::process::Command::new("node")
        .arg("test/render.mjs")
        .arg(&chromium)
        .arg(&host)
        .arg(&case)
        .arg(&shots)
        .current_dir(browser::ui())
        .output();
    let out =
        tokio::time::timeout(std::time::Duration::from_secs(90), run).await.expect("the browser finishes").unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
    println!("screenshots of the views: {}", shots.display());

    let nights = (end - start).num_days() as u64 + 1;
    let mut backgrounds = Vec::new();
    for theme in ["light", "dark"] {
        let seen = &report["themes"][theme];
        assert_eq!(seen["errors"], json!([]), "{theme}: the view ran without errors");
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
        assert!(std::path::Path::new(seen["shot"].as_str().unwrap()).is_file());
        backgrounds.push(seen["background"].as_str().unwrap().to_string());
    }
    assert_ne!(backgrounds[0], backgrounds[1], "the host's theme reaches the view");
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
    assert!(listed.iter().all(|r| !r.uri.starts_with("ui://")), "{listed:?}");
    assert!(h.client.read_resource(ReadResourceRequestParams::new(uri)).await.is_err(), "nor readable");
}
