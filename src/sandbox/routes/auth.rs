//! `POST /accessTokens` and `DELETE /accessTokens`.

use crate::hostaway::id;
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{Form, extract::State, response::IntoResponse};
use rand::RngExt;
use serde::Deserialize;

use crate::{
    hostaway::types,
    sandbox::{
        app::{Shared, Token, lock},
        wire::{self, Failure, Params, Reply},
    },
};

/// Mints a token for the sandbox credentials.
pub async fn create(
    State(shared): State<Arc<Shared>>,
    form: Result<Form<types::AccessTokenRequest>, axum::extract::rejection::FormRejection>,
) -> Reply {
    let Form(request) = form.map_err(|e| {
        Failure::invalid(format!(
            "grant_type=client_credentials, client_id (your account id), client_secret and scope=general are required: {}",
            e.body_text()
        ))
    })?;
    let config = &shared.config;
    if request.client_id != config.account_id || request.client_secret != config.secret_key {
        return Err(Failure::Forbidden("Invalid client credentials".into()));
    }
    let token: String = {
        let mut rng = rand::rng();
        (0..48).map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.random_range(0..36)])).collect()
    };
    let now = Instant::now();
    let ttl = config.token_ttl;
    lock(&shared.tokens).insert(
        token.clone(),
        Token {
            account_id: config.account_id,
            valid_from: now + config.token_activation,
            expires_at: now + ttl.max(Duration::from_secs(1)),
        },
    );
    lock(&shared.stats).tokens_minted += 1;
    lock(&shared.issued).push(token.clone());
    shared.applied(id::CREATE_ACCESS_TOKEN);
    // The token endpoint answers without the envelope.
    Ok(axum::Json(types::AccessToken {
        access_token: token,
        expires_in: ttl.as_secs() as i64,
        token_type: "Bearer".into(),
    })
    .into_response())
}

#[derive(Deserialize)]
pub struct RevokeQuery {
    token: Option<String>,
}

/// Revokes one token.
pub async fn revoke(State(shared): State<Arc<Shared>>, Params(query): Params<RevokeQuery>) -> Reply {
    let token = query
        .token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Failure::invalid("The token query parameter is required"))?;
    lock(&shared.tokens).remove(&token);
    shared.applied(id::REVOKE_ACCESS_TOKEN);
    wire::empty()
}
