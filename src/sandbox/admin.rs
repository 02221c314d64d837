//! The sandbox's control API (outside `/v1`, never rate limited or faulted): stats, faults, token
//! revocation, and the channel's side of the account — a booking or a change arriving from a
//! channel and a guest writing in — each followed by its webhook event.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::State,
    routing::{get, post, put},
};

use super::{
    app::{Shared, lock},
    faults::FaultPlan,
    routes::{conversations, reservations, reviews},
    stats::Stats,
};

/// Routes under `/_sandbox`.
pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/stats/reset", post(reset))
        .route("/_sandbox/faults", get(faults).put(set_faults))
        .route("/_sandbox/tokens/revoke", post(revoke))
        // What a channel does to the account, with the events Hostaway would send for it.
        .route("/_sandbox/channel/reservations", post(reservations::create))
        .route("/_sandbox/channel/reservations/{reservationId}", put(reservations::update))
        .route("/_sandbox/channel/conversations/{conversationId}/messages", post(conversations::receive))
        .route("/_sandbox/channel/reviews", post(reviews::receive))
}

async fn stats(State(shared): State<Arc<Shared>>) -> Json<Stats> {
    Json(lock(&shared.stats).clone())
}

async fn reset(State(shared): State<Arc<Shared>>) -> Json<Stats> {
    Json(std::mem::take(&mut *lock(&shared.stats)))
}

async fn faults(State(shared): State<Arc<Shared>>) -> Json<FaultPlan> {
    Json(lock(&shared.faults).plan.clone())
}

async fn set_faults(State(shared): State<Arc<Shared>>, Json(plan): Json<FaultPlan>) -> Json<FaultPlan> {
    lock(&shared.faults).plan = plan.clone();
    Json(plan)
}

async fn revoke(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    let revoked = std::mem::take(&mut *lock(&shared.tokens)).len();
    Json(serde_json::json!({"revoked": revoked}))
}
