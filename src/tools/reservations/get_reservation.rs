//! `get_reservation`: one booking in full. Door codes only when the operator exposes them.

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;

use super::rows::{DetailedReservation, detailed};
use crate::tools::custom_fields::FieldsOf;
use crate::{
    hostaway::Fresh,
    tools::{
        ToolContext,
        args::{self, Detail},
        error::ToolError,
        params::Parameters,
    },
};

/// Arguments of `get_reservation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetReservationArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub reservation_id: i64,
    // Full unless the model asks for the summary: the schema says so with its default.
    #[serde(default)]
    #[schemars(extend("default" = "full"))]
    pub detail: Option<Detail>,
}

#[tool_router(router = get_tool, vis = "pub(crate)")]
impl ToolContext {
    /// One booking in full (price breakdown, balance, notes, contacts, custom fields); never door codes or card data.
    #[tool(
        name = "get_reservation",
        title = "Get reservation",
        annotations(
            title = "Get reservation",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn get_reservation(
        &self,
        Parameters(args): Parameters<GetReservationArgs>,
    ) -> Result<Json<DetailedReservation>, ToolError> {
        let id = args.reservation_id;
        let reservation = self.gateway.reservation(id, Fresh::No).await?;
        let mut shaped = detailed(&reservation, args.detail.unwrap_or(Detail::Full));
        if let Some(more) = shaped.more.as_mut() {
            if self.expose_access_codes {
                let access = |text: &Option<String>| text.clone().map(crate::tools::untrusted::Untrusted::from);
                more.door_code = access(&reservation.door_code);
                more.door_code_vendor = access(&reservation.door_code_vendor);
                more.door_code_instruction = access(&reservation.door_code_instruction);
            }
            more.custom_fields = self.custom_values(FieldsOf::Reservation, &reservation.custom_field_values).await?;
        }
        Ok(Json(shaped))
    }
}
