//! The sandbox's control API (outside `/v1`, never rate limited or faulted).

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::State,
    routing::{get, post},
};

use super::{
    app::{Shared, lock},
    faults::FaultPlan,
    stats::Stats,
};

/// Routes under `/_sandbox`.
pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/stats/reset", post(reset))
        .route("/_sandbox/faults", get(faults).put(set_faults))
        .route("/_sandbox/tokens/revoke", post(revoke))
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
