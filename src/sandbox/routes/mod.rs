//! The sandbox's API routes, one module per Hostaway domain, matched to the spec's operations
//! (`hostaway::OPERATIONS`) for call counting.

use std::sync::Arc;

use axum::{
    Router,
    http::Method,
    routing::{get, post, put},
};

use super::app::Shared;
use crate::hostaway::{OPERATIONS, id};

mod auth;
mod calendar;
pub(super) mod conversations;
mod custom_fields;
mod fees;
mod finance;
mod listings;
pub(super) mod reservations;
pub(super) mod reviews;
mod tasks;
mod webhooks;

/// The operationId served at `method` + matched `path`.
pub fn operation_id(method: &Method, path: &str) -> Option<&'static str> {
    OPERATIONS.iter().find(|o| o.path == path && o.method == method.as_str()).map(|o| o.id)
}

/// Operations that need no access token.
pub fn is_public(operation: &str) -> bool {
    matches!(operation, id::CREATE_ACCESS_TOKEN | id::REVOKE_ACCESS_TOKEN)
}

/// The `/v1` API router.
pub fn api() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/accessTokens", post(auth::create).delete(auth::revoke))
        .route("/v1/listings", get(listings::list).post(listings::create))
        .route("/v1/listings/{listingId}", get(listings::one).put(listings::update).delete(listings::remove))
        .route("/v1/listings/{listingId}/calendar", get(calendar::days).put(calendar::update))
        .route("/v1/listings/{listingId}/calendarIntervals", put(calendar::intervals))
        .route("/v1/listings/{listingId}/calendar/priceDetails", post(calendar::price_details))
        .route("/v1/listingFeeSettings/{id}", get(fees::list).post(fees::create).delete(fees::delete))
        .route("/v1/listingFeeSettings/{listingId}/{feeSettingId}", put(fees::update))
        .route("/v1/reservations", get(reservations::list).post(reservations::create))
        .route("/v1/reservations/{reservationId}", get(reservations::one).put(reservations::update))
        .route("/v1/reservations/{reservationId}/statuses/cancelled", put(reservations::cancel))
        .route("/v1/reservations/{reservationId}/statuses/noShow", put(reservations::no_show))
        .route("/v1/conversations", get(conversations::list))
        .route("/v1/conversations/{conversationId}", get(conversations::one))
        .route("/v1/conversations/{conversationId}/messages", get(conversations::messages).post(conversations::send))
        .route("/v1/messageTemplates", get(conversations::templates))
        .route("/v1/guestPayments/charges", get(finance::charges))
        .route("/v1/guestPayments/charges/{reservationId}", post(finance::create_charge))
        .route("/v1/guestPayments/charges/{reservationId}/{chargeId}", put(finance::update_charge))
        .route("/v1/financeField/{reservationId}", get(finance::fields))
        .route("/v1/financeField/{reservationId}/{financeFieldId}", put(finance::update_field))
        .route("/v1/finance/report/consolidated", post(finance::consolidated))
        .route("/v1/expenses", get(finance::expenses).post(finance::create_expense))
        .route(
            "/v1/expenses/{expenseId}",
            get(finance::expense).put(finance::update_expense).delete(finance::delete_expense),
        )
        .route("/v1/reviews", get(reviews::list))
        .route("/v1/ownerStatements", get(finance::statements))
        .route("/v1/ownerStatement/{ownerStatementId}", get(finance::statement))
        .route("/v1/tasks", get(tasks::list).post(tasks::create))
        .route("/v1/tasks/{taskId}", get(tasks::one).put(tasks::update).delete(tasks::delete))
        .route("/v1/users", get(tasks::users))
        .route("/v1/user/{userId}", get(tasks::user))
        .route("/v1/amenities", get(listings::amenities))
        .route("/v1/customFields", get(custom_fields::list))
        .route("/v1/webhooks/unifiedWebhooks", get(webhooks::list).post(webhooks::create))
        .route(
            "/v1/webhooks/unifiedWebhooks/{webhookId}",
            get(webhooks::one).put(webhooks::update).delete(webhooks::remove),
        )
        .route("/v1/unifiedWebhookLogs", get(webhooks::logs))
}
