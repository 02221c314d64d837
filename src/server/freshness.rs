//! What a 2026-07-28 client may cache, for how long and for whom (SEP-2549's `ttlMs` and
//! `cacheScope`), and the `serverInfo` every result carries in its `_meta` there: the tool,
//! prompt and template lists never change while the server runs, so clients may keep them an
//! hour and share them; the resource list names the account's listings, so it is this client's
//! and kept a minute. Older clients get neither (they do not know the fields).

use rmcp::{
    RoleServer,
    model::{CacheScope, Implementation, MetaObject, ProtocolVersion},
    service::RequestContext,
};

/// How long the tool, prompt and resource-template lists stay fresh: they are fixed at start-up.
pub const LISTS_TTL_MS: u64 = 3_600_000;

/// How long the resource list stays fresh: listings come and go by the day, not the second.
pub const RESOURCES_TTL_MS: u64 = 60_000;

/// How long one listing or booking read as a resource stays fresh: it is account data that a
/// guest or a channel may change at any moment, so a client should ask again soon.
pub const RECORD_TTL_MS: u64 = 30_000;

/// The `_meta` key of the server's identity in a 2026-07-28 result.
pub const SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";

/// Whether the session speaks 2026-07-28 or later, where results carry cache hints and `serverInfo`.
pub fn hints(context: &RequestContext<RoleServer>) -> bool {
    context.protocol_version().is_some_and(|version| version >= ProtocolVersion::V_2026_07_28)
}

/// The cache hints of a list for `context`: `(ttlMs, cacheScope)`, none for older sessions.
pub fn of_list(
    context: &RequestContext<RoleServer>,
    ttl_ms: u64,
    scope: CacheScope,
) -> (Option<u64>, Option<CacheScope>) {
    if hints(context) { (Some(ttl_ms), Some(scope)) } else { (None, None) }
}

/// A result's `_meta` with `serverInfo` for a 2026-07-28 session, else nothing.
pub fn meta(context: &RequestContext<RoleServer>, server: &Implementation) -> Option<MetaObject> {
    if !hints(context) {
        return None;
    }
    let mut meta = MetaObject::new();
    meta.0.insert(SERVER_INFO.into(), serde_json::to_value(server).unwrap_or_default());
    Some(meta)
}
