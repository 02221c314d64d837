//! `list_message_templates`: the account's saved message templates, filled for a booking when one
//! is given, with the placeholders Hostaway could not fill named. Filling one to send is in
//! `template_fill`.

use crate::tools::untrusted::Untrusted;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::template_fill::placeholders;
use crate::{
    hostaway::{TemplateQuery, types},
    tools::{ToolContext, args, channels, error::ToolError, params::Parameters},
};

/// Arguments of `list_message_templates`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTemplatesArgs {
    /// Only for this listing.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub listing_id: Option<i64>,
    /// Only for this channel.
    #[serde(default)]
    #[schemars(schema_with = "channels::schema")]
    pub channel: Option<String>,
    /// Fill placeholders for this booking; only its listing's and channel's templates.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub reservation_id: Option<i64>,
}

/// Saved templates.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Templates {
    /// The templates, by id.
    pub templates: Vec<Template>,
}

/// One saved template.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Template {
    /// Pass as `template_id` to send_guest_message.
    pub template_id: i64,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Untrusted>,
    /// What it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Untrusted>,
    /// Its text, filled for the booking when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Untrusted>,
    /// Placeholders left in the text, e.g. ["door_code"].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub placeholders: Vec<String>,
}

#[tool_router(router = list_message_templates_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Saved message templates, filled for reservation_id (unfilled placeholders listed). Send with send_guest_message.
    #[tool(
        name = "list_message_templates",
        title = "List message templates",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn list_message_templates(
        &self,
        Parameters(args): Parameters<ListTemplatesArgs>,
    ) -> Result<Json<Templates>, ToolError> {
        let channel_id = args.channel.as_deref().map(|c| channels::id("channel", c)).transpose()?;
        self.known_listings("listing_id", args.listing_id.as_slice()).await?;
        let query = match self.reservation_named("reservation_id", args.reservation_id).await? {
            Some(booking) => {
                let scoped = TemplateQuery::for_booking(&booking);
                if args.listing_id.is_some_and(|id| Some(id) != scoped.listing_id)
                    || channel_id.is_some_and(|id| Some(id) != scoped.channel_id)
                {
                    return Err(ToolError::invalid(
                        "reservation_id",
                        format!(
                            "booking {} is at listing {} on {}; leave listing_id and channel out, the booking sets them",
                            booking.id,
                            booking.listing_map_id,
                            channels::name(booking.channel_id, booking.channel_name.as_deref())
                        ),
                    ));
                }
                scoped
            }
            None => TemplateQuery { listing_id: args.listing_id, channel_id, reservation_id: None },
        };
        let mut found = self.gateway.message_templates(query).await?;
        found.sort_by_key(|t| t.id);
        Ok(Json(Templates { templates: found.into_iter().map(template).collect() }))
    }
}

/// Shapes a template.
fn template(t: types::MessageTemplate) -> Template {
    let placeholders = t.message.as_deref().map(placeholders).unwrap_or_default();
    Template {
        template_id: t.id,
        name: t.name.map(Untrusted::from),
        description: t.description.map(Untrusted::from),
        text: t.message.map(Untrusted::from),
        placeholders,
    }
}
