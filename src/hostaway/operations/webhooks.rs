//! Hostaway's unified webhooks: what `hostaway-mcp webhooks` registers and shows, and what the
//! server reads to judge whether events are arriving. Never cached: each answer is a check.

use super::id;
use crate::hostaway::{Gateway, GatewayError, Idempotence, types};

impl Gateway {
    /// Every unified webhook the account holds.
    pub async fn unified_webhooks(&self) -> Result<Vec<types::UnifiedWebhook>, GatewayError> {
        let list = self
            .call(id::LIST_UNIFIED_WEBHOOKS, Idempotence::Safe, |client| async move {
                client.list_unified_webhooks().send().await
            })
            .await?;
        Ok(list.result)
    }

    /// Creates a unified webhook. A POST: sent again only when it certainly never arrived.
    pub async fn create_unified_webhook(
        &self,
        input: types::UnifiedWebhookInput,
    ) -> Result<types::UnifiedWebhook, GatewayError> {
        let made = self
            .call(id::CREATE_UNIFIED_WEBHOOK, Idempotence::Unsafe, move |client| {
                let input = input.clone();
                async move { client.create_unified_webhook().body(input).send().await }
            })
            .await?;
        Ok(made.result)
    }

    /// Sets a unified webhook's fields (a PUT of the whole webhook, so safe to repeat).
    pub async fn update_unified_webhook(
        &self,
        webhook: i64,
        input: types::UnifiedWebhookInput,
    ) -> Result<types::UnifiedWebhook, GatewayError> {
        let updated = self
            .call(id::UPDATE_UNIFIED_WEBHOOK, Idempotence::Safe, move |client| {
                let input = input.clone();
                async move { client.update_unified_webhook().webhook_id(webhook).body(input).send().await }
            })
            .await?;
        Ok(updated.result)
    }

    /// The newest `limit` delivery attempts to `webhook`, newest first (the docs give no order,
    /// so they are sorted here by id, which grows with each attempt).
    pub async fn unified_webhook_deliveries(
        &self,
        webhook: i64,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<types::UnifiedWebhookLog>, GatewayError> {
        let page = self
            .call(id::LIST_UNIFIED_WEBHOOK_LOGS, Idempotence::Safe, move |client| async move {
                client
                    .list_unified_webhook_logs()
                    .unified_webhook_id(webhook)
                    .limit(super::limit(limit))
                    .offset(offset)
                    .send()
                    .await
            })
            .await?;
        let mut entries = page.result;
        entries.sort_by_key(|entry| std::cmp::Reverse(entry.id));
        Ok(entries)
    }
}
