//! What a host says about itself before anyone connects: `llms.txt` at the root (the repository's
//! copy is the one for every toolset), and the identity `initialize` gives: icon, and the website
//! when the deployment has a public address.
//!
//! Refresh the committed `llms.txt` with `REGENERATE=1 cargo test --test it llms_txt`.

use std::path::Path;

use hostaway_mcp::{server::llms_txt, tools};

use crate::support::mcp;

#[test]
fn the_committed_llms_txt_lists_every_tool_as_declared() {
    let every: Vec<_> = tools::catalogue().into_iter().map(|(_, tool)| tool).collect();
    let built = llms_txt::render(&every);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("llms.txt");
    if std::env::var_os("REGENERATE").is_some() {
        std::fs::write(&path, &built).expect("write llms.txt");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == built,
        "llms.txt is stale: run `REGENERATE=1 cargo test --test it llms_txt` and review the diff"
    );
    for tool in &every {
        assert!(built.contains(&format!("- `{}` (", tool.name)), "{} is missing", tool.name);
    }
}

#[tokio::test]
async fn the_root_serves_llms_txt_for_the_tools_this_deployment_offers() {
    let h = mcp::start().await;
    let root = h.url.trim_end_matches("/mcp");
    for path in ["/", "/llms.txt"] {
        let answer = reqwest::get(format!("{root}{path}")).await.unwrap();
        assert_eq!(answer.status(), 200);
        assert!(answer.headers()["content-type"].to_str().unwrap().starts_with("text/markdown"));
        let text = answer.text().await.unwrap();
        assert!(text.starts_with("# hostaway-mcp") && text.contains("- `block_dates` (write)"), "{text}");
    }
    let info = h.client.peer_info().unwrap().server_info.clone().expect("initialize names the server");
    let icon = &info.icons.as_ref().expect("the server has an icon")[0];
    assert!(icon.src.starts_with("data:image/svg+xml;base64,"), "{icon:?}");
    assert_eq!(icon.mime_type.as_deref(), Some("image/svg+xml"));
    assert!(info.website_url.is_none(), "no public address, no website");
}
