//! Unified webhooks (where the sandbox delivers its events) and their delivery log.

use crate::hostaway::id;
use std::sync::Arc;

use axum::extract::{Path, State};
use serde::Deserialize;

use crate::{
    hostaway::types,
    sandbox::{
        app::{Shared, lock},
        store::Store,
        wire::{self, Body, Failure, Params, Reply},
    },
};

/// The first id a webhook gets.
const FIRST_WEBHOOK_ID: i64 = 1;

/// `GET /webhooks/unifiedWebhooks`.
pub async fn list(State(shared): State<Arc<Shared>>) -> Reply {
    let hooks: Vec<types::UnifiedWebhook> = lock(&shared.store).webhooks.values().cloned().collect();
    wire::success(hooks)
}

/// `GET /webhooks/unifiedWebhooks/{webhookId}`.
pub async fn one(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Reply {
    let store = lock(&shared.store);
    wire::success(find(&store, id)?.clone())
}

fn find(store: &Store, id: i64) -> Result<&types::UnifiedWebhook, Failure> {
    store.webhooks.get(&id).ok_or_else(|| Failure::not_found("unified webhook", id))
}

/// The webhook `input` describes, under `id`: the URL must be an http(s) URL.
fn webhook(id: i64, input: types::UnifiedWebhookInput) -> Result<types::UnifiedWebhook, Failure> {
    let url = input.url.trim();
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
        _ => return Err(Failure::invalid(format!("url must be an http or https URL, not {url:?}"))),
    }
    Ok(types::UnifiedWebhook {
        id,
        is_enabled: input.is_enabled.unwrap_or(1),
        url: url.to_string(),
        login: input.login,
        password: input.password,
        alerting_email_address: input.alerting_email_address,
    })
}

/// `POST /webhooks/unifiedWebhooks`.
pub async fn create(State(shared): State<Arc<Shared>>, Body(input): Body<types::UnifiedWebhookInput>) -> Reply {
    let mut store = lock(&shared.store);
    let id = Store::next_id(&store.webhooks, FIRST_WEBHOOK_ID);
    let hook = webhook(id, input)?;
    store.webhooks.insert(id, hook.clone());
    shared.applied(id::CREATE_UNIFIED_WEBHOOK);
    wire::success(hook)
}

/// `PUT /webhooks/unifiedWebhooks/{webhookId}`: the body replaces the webhook.
pub async fn update(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Body(input): Body<types::UnifiedWebhookInput>,
) -> Reply {
    let mut store = lock(&shared.store);
    find(&store, id)?;
    let hook = webhook(id, input)?;
    store.webhooks.insert(id, hook.clone());
    shared.applied(id::UPDATE_UNIFIED_WEBHOOK);
    wire::success(hook)
}

/// `DELETE /webhooks/unifiedWebhooks/{webhookId}`.
pub async fn remove(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Reply {
    let mut store = lock(&shared.store);
    find(&store, id)?;
    store.webhooks.remove(&id);
    shared.applied(id::DELETE_UNIFIED_WEBHOOK);
    wire::empty()
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogQuery {
    limit: Option<usize>,
    offset: Option<usize>,
    unified_webhook_id: Option<i64>,
    listing_map_id: Option<i64>,
}

/// `GET /unifiedWebhookLogs`: the newest attempts first.
pub async fn logs(State(shared): State<Arc<Shared>>, Params(q): Params<LogQuery>) -> Reply {
    if q.limit == Some(0) {
        return Err(Failure::invalid("limit must be at least 1"));
    }
    let store = lock(&shared.store);
    let found: Vec<types::UnifiedWebhookLog> = store
        .webhook_logs
        .iter()
        .rev()
        .filter(|l| q.unified_webhook_id.is_none_or(|id| l.webhook_notification_setting_id == Some(id)))
        .filter(|l| q.listing_map_id.is_none_or(|id| l.listing_map_id == Some(id)))
        .cloned()
        .collect();
    let total = found.len();
    wire::page(&wire::slice(&found, q.limit, q.offset), total, q.limit, q.offset)
}
