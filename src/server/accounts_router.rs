//! Several Hostaway accounts behind one endpoint: a request's OAuth token names a person, the
//! accounts file says which account that person reaches, and the request goes to that account's
//! own router (its sessions, tools and gateway). A person in no account is told so with a 403.
//! `/health` answers for every account, and each account's webhooks arrive at
//! `/webhooks/hostaway/<name>`.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{Path, Request, State},
    http::{StatusCode, Uri},
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use tower::ServiceExt;

use super::{
    http::{EdgeGuard, check_the_edge, metadata_routes},
    oauth::{Grant, OAuthOptions},
};

/// Largest `/health` answer read from one account.
const HEALTH_BYTES: usize = 64 * 1024;

/// One account's router and who reaches it.
pub struct Route {
    /// The account's name in the accounts file.
    pub name: String,
    /// Token subjects or emails that reach it.
    pub users: Vec<String>,
    /// Its own `/mcp`, `/metrics`, `/health` and webhooks.
    pub app: Router,
}

impl Route {
    fn reached_by(&self, grant: &Grant) -> bool {
        self.users.iter().any(|user| *user == grant.subject || grant.email.as_ref() == Some(user))
    }
}

type Routes = Arc<Vec<Route>>;

/// The endpoint for `routes`: `guard` checks the credentials, then the grant picks the account.
pub fn router(routes: Vec<Route>, guard: Arc<EdgeGuard>, oauth: Option<&OAuthOptions>) -> Router {
    let routes: Routes = Arc::new(routes);
    let to_account = Router::new()
        .fallback(to_account)
        .with_state(routes.clone())
        .layer(middleware::from_fn_with_state(guard, check_the_edge));
    Router::new()
        .route("/health", get(health_of_all))
        .route("/webhooks/hostaway/{name}", post(webhook_of))
        .with_state(routes)
        .merge(oauth.map(metadata_routes).unwrap_or_default())
        .fallback_service(to_account)
}

/// Hands the request to the account its token's person reaches.
async fn to_account(State(routes): State<Routes>, request: Request) -> Response {
    let Some(grant) = request.extensions().get::<Grant>().cloned() else {
        // Only an OAuth grant names a person; the edge lets nothing else through with accounts.
        return refusal(StatusCode::UNAUTHORIZED, "unauthorized", "an OAuth access token is required".into());
    };
    match routes.iter().find(|route| route.reached_by(&grant)) {
        Some(route) => route.app.clone().oneshot(request).await.into_response(),
        None => refusal(
            StatusCode::FORBIDDEN,
            "no_account",
            format!(
                "{} reaches no Hostaway account on this server; ask its operator to add them to an account in the \
                 accounts file",
                grant.subject
            ),
        ),
    }
}

/// Every account's `/health`, each under its name; 200 like a single account's.
async fn health_of_all(State(routes): State<Routes>) -> String {
    let mut lines = Vec::new();
    for route in routes.iter() {
        let ask = Request::get("/health").body(axum::body::Body::empty()).unwrap_or_default();
        let answer = route.app.clone().oneshot(ask).await.into_response();
        let text = axum::body::to_bytes(answer.into_body(), HEALTH_BYTES).await.unwrap_or_default();
        lines.push(format!("account {}:", route.name));
        lines.extend(String::from_utf8_lossy(&text).lines().map(|line| format!("  {line}")));
    }
    lines.join("\n")
}

/// A webhook delivery for the account `name`, handed to its receiver.
async fn webhook_of(State(routes): State<Routes>, Path(name): Path<String>, mut request: Request) -> Response {
    let Some(route) = routes.iter().find(|route| route.name == name) else {
        return refusal(StatusCode::NOT_FOUND, "unknown_account", format!("no account is named {name:?}"));
    };
    *request.uri_mut() = Uri::from_static("/webhooks/hostaway");
    route.app.clone().oneshot(request).await.into_response()
}

fn refusal(status: StatusCode, error: &str, message: String) -> Response {
    (status, Json(serde_json::json!({"error": error, "message": message}))).into_response()
}
