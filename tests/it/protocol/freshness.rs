//! What a 2026-07-28 client is told it may cache, and who answered: the tool, prompt and template
//! lists fresh for an hour and shareable, the resource list (the account's listings) for a minute
//! and this client's alone; `serverInfo` in every result's `_meta`; a title on every prompt,
//! template and resource. A 2025 session gets none of the 2026 fields.

use crate::support::mcp;

use rmcp::{
    model::{CacheScope, CallToolRequestParams, ClientConfig, ProtocolVersion},
    service::{ClientLifecycleMode, ClientServiceExt},
};
use serde_json::{Value, json};

const SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";

fn server_info(meta: Option<&rmcp::model::MetaObject>) -> Value {
    meta.and_then(|meta| meta.0.get(SERVER_INFO)).cloned().unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_2026_client_is_told_how_long_each_list_stays_fresh_and_who_answered() {
    let h = mcp::start().await;
    let info = ClientConfig::default().with_protocol_version(ProtocolVersion::V_2026_07_28);
    let session = info
        .serve_with_lifecycle(
            rmcp::transport::StreamableHttpClientTransport::from_uri(h.url.clone()),
            ClientLifecycleMode::Discover { preferred_versions: vec![ProtocolVersion::V_2026_07_28] },
        )
        .await
        .unwrap();
    let peer = session.peer();
    let hour = Some(3_600_000);

    let tools = peer.list_tools(None).await.unwrap();
    assert_eq!((tools.ttl_ms, tools.cache_scope), (hour, Some(CacheScope::Public)));
    assert_eq!(server_info(tools.meta.as_ref())["name"], "hostaway-mcp");
    assert!(tools.tools.iter().all(|t| t.title.is_some()), "every tool has a title");

    let prompts = peer.list_prompts(None).await.unwrap();
    assert_eq!((prompts.ttl_ms, prompts.cache_scope), (hour, Some(CacheScope::Public)));
    assert!(!prompts.prompts.is_empty() && prompts.prompts.iter().all(|p| p.title.is_some()), "{prompts:?}");
    assert_eq!(server_info(prompts.meta.as_ref())["title"], "Hostaway");

    let templates = peer.list_resource_templates(None).await.unwrap();
    assert_eq!((templates.ttl_ms, templates.cache_scope), (hour, Some(CacheScope::Public)));
    assert!(templates.resource_templates.iter().all(|t| t.title.is_some()), "{templates:?}");

    let resources = peer.list_resources(None).await.unwrap();
    assert_eq!((resources.ttl_ms, resources.cache_scope), (Some(60_000), Some(CacheScope::Private)));
    assert!(!resources.resources.is_empty() && resources.resources.iter().all(|r| r.title.is_some()));
    assert!(server_info(resources.meta.as_ref())["version"].is_string());

    let listing = h.sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let call = CallToolRequestParams::new("get_listing")
        .with_arguments(json!({"listing_id": listing}).as_object().cloned().unwrap());
    let answer = peer.call_tool(call).await.unwrap();
    assert_eq!(server_info(answer.meta.as_ref())["name"], "hostaway-mcp", "{answer:?}");
}

#[tokio::test]
async fn a_2025_session_gets_no_2026_fields() {
    let h = mcp::start().await;
    let tools = h.client.peer().list_tools(None).await.unwrap();
    assert_eq!((tools.ttl_ms, tools.cache_scope), (None, None));
    assert!(tools.meta.is_none());
    let prompts = h.client.peer().list_prompts(None).await.unwrap();
    assert!(prompts.prompts.iter().all(|p| p.title.is_some()), "titles are not 2026's alone");
}
