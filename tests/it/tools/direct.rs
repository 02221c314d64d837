//! Tools are plain async functions over a [`ToolContext`]: called here straight, with no MCP
//! client or server, against a real sandbox over a socket.

use crate::support::api;

use std::{sync::Arc, time::Duration};

use hostaway_mcp::{
    clock::Clock,
    hostaway::{Gateway, GatewayConfig, token::Credentials},
    secret::Secret,
    tools::{
        ToolContext, ToolError,
        args::Detail,
        listings::{get_listing::GetListingArgs, search_listings::SearchListingsArgs},
        params::Parameters,
    },
};

fn context(sandbox: &hostaway_mcp::sandbox::Sandbox) -> ToolContext {
    let mut config = GatewayConfig::new(
        sandbox.base_url(),
        Credentials { account_id: sandbox.account_id(), secret: Secret::new(sandbox.secret_key()) },
    );
    config.token_activation = Duration::ZERO;
    ToolContext {
        gateway: Arc::new(Gateway::new(config).unwrap()),
        guard: Default::default(),
        expose_access_codes: false,
        clock: Clock::system(),
        account_zone: Default::default(),
    }
}

#[tokio::test]
async fn a_read_tool_answers_from_the_sandbox_without_an_mcp_client() {
    let sandbox = api::start(api::config()).await;
    let ctx = context(&sandbox);
    let (id, name, city) = sandbox.inspect(|s| {
        let listing = s.listings.values().next().unwrap();
        (listing.id, listing.name.clone(), listing.city.clone())
    });
    let shown =
        ctx.get_listing(Parameters(GetListingArgs { listing_id: id, detail: Some(Detail::Summary) })).await.unwrap().0;
    assert_eq!(
        (shown.listing_id, shown.name.raw(), shown.city.as_ref().map(|c| c.raw())),
        (id, name.as_str(), city.as_deref())
    );
    let page = ctx.search_listings(Parameters(SearchListingsArgs { limit: Some(100), ..Default::default() })).await;
    let page = page.unwrap().0;
    assert_eq!(page.total, sandbox.inspect(|s| s.listings.len()) as u64);
    assert!(page.listings.iter().any(|l| l.0.listing_id == id));
}

#[tokio::test]
async fn a_tool_error_comes_back_as_a_value() {
    let sandbox = api::start(api::config()).await;
    let missing = sandbox.inspect(|s| s.listings.keys().max().unwrap() + 1);
    let answer = context(&sandbox).get_listing(Parameters(GetListingArgs { listing_id: missing, detail: None })).await;
    let Err(error) = answer else { panic!("listing {missing} does not exist") };
    assert!(matches!(error, ToolError::Hostaway(_)), "{error}");
    assert!(error.to_string().contains("not found"), "{error}");
}
