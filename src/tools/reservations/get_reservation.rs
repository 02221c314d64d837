//! `get_reservation`: one booking in full, and with `payments: true` its charges, price lines and
//! balance (`finance::payments`). Door codes only when the operator exposes them.

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::rows::{DetailedReservation, detailed};
use crate::tools::{custom_fields::FieldsOf, finance::payments::Payments};
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
    /// true adds charges, price lines, paid and due.
    #[serde(default)]
    pub payments: bool,
}

/// One booking, and what it costs, what is paid and what is due when asked.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReservationAnswer {
    /// The booking.
    #[serde(flatten)]
    pub reservation: DetailedReservation,
    /// With payments: true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payments: Option<Payments>,
}

#[tool_router(router = get_tool, vis = "pub(crate)")]
impl ToolContext {
    /// One booking in full (notes, contacts, custom fields; payments: charges, price lines, due); never door codes or card data.
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
    ) -> Result<Json<ReservationAnswer>, ToolError> {
        let id = args.reservation_id;
        if id <= 0 {
            return Err(ToolError::invalid("reservation_id", "must be a positive Hostaway reservation id"));
        }
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
        let payments = if args.payments { Some(self.payments_of(&reservation).await?) } else { None };
        Ok(Json(ReservationAnswer { reservation: shaped, payments }))
    }
}
