//! `get_listing`: one property in full, its access codes only when the operator started the
//! server with --expose-access-codes.

use crate::tools::custom_fields::FieldsOf;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::rows::{AccessCodes, ListingRow, amenity_names, row};
use crate::{
    hostaway::{Fresh, types},
    tools::{
        ToolContext,
        args::{self, Detail},
        error::ToolError,
        params::Parameters,
    },
};

/// Arguments of `get_listing`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetListingArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub listing_id: i64,
    // Full unless the model asks for the summary: the schema says so with its default.
    #[serde(default)]
    #[schemars(extend("default" = "full"))]
    pub detail: Option<Detail>,
}

#[tool_router(router = get_listing_tool, vis = "pub(crate)")]
impl ToolContext {
    /// One listing in full: prices, fees, rules, times, policies, amenities (access codes only if allowed).
    #[tool(
        name = "get_listing",
        title = "Get listing",
        annotations(
            title = "Get listing",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn get_listing(
        &self,
        Parameters(args): Parameters<GetListingArgs>,
    ) -> Result<Json<ListingRow>, ToolError> {
        let id = args.listing_id;
        let gateway = &self.gateway;
        let detail = args.detail.unwrap_or(Detail::Full);
        let (listing, amenities) = tokio::join!(gateway.listing(id, Fresh::No), amenity_names(gateway, detail));
        let (listing, amenities) = (listing?, amenities?);
        let mut shaped = row(&listing, detail, &amenities);
        if let Some(more) = shaped.more.as_mut() {
            more.custom_fields = self.custom_values(FieldsOf::Listing, &listing.custom_field_values).await?;
            let currency = args::currency_or_fallback(listing.currency_code.as_deref());
            more.fees = self.fee_phrases(id, &currency, Fresh::No).await?;
        }
        Ok(Json(if self.expose_access_codes { with_access(shaped, &listing) } else { shaped }))
    }
}

/// Adds the listing's access codes to a full row (only call when the operator allows it).
fn with_access(mut row: ListingRow, l: &types::Listing) -> ListingRow {
    if let Some(more) = row.more.as_mut() {
        more.access = Some(AccessCodes {
            door_code: l.door_security_code.clone().map(crate::tools::untrusted::Untrusted::from),
            wifi_username: l.wifi_username.clone(),
            wifi_password: l.wifi_password.clone(),
        });
    }
    row
}
