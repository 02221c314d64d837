//! Filling a saved template for a conversation, for send_guest_message's `template_id`, and naming
//! the placeholders a text still holds, which list_message_templates shows too.
//!
//! Hostaway fills a template's placeholders (`{{guest_first_name}}`, `{{listing_name}}`, …) when it
//! is read for a reservation; whatever it cannot answer stays a placeholder, which must never reach
//! a guest, so [`ToolContext::filled_template`] refuses a text that still holds one, naming it.

use crate::{
    hostaway::{Fresh, TemplateQuery, types},
    tools::{ToolContext, error::ToolError},
};

impl ToolContext {
    /// Template `template_id`'s text filled for `conversation`'s booking; refused when the
    /// template is saved for another listing or channel than the booking's, and while any
    /// placeholder is left, naming them.
    pub(super) async fn filled_template(
        &self,
        template_id: i64,
        conversation: &types::Conversation,
    ) -> Result<String, ToolError> {
        let query = match conversation.reservation_id {
            Some(id) => TemplateQuery::for_booking(&self.gateway.reservation(id, Fresh::No).await?),
            None => TemplateQuery::default(),
        };
        let found = self.gateway.message_templates(query).await?;
        let Some(chosen) = found.into_iter().find(|t| t.id == template_id) else {
            let anywhere = self.gateway.message_templates(TemplateQuery::default()).await?;
            let problem = match anywhere.iter().any(|t| t.id == template_id) {
                true => format!(
                    "template {template_id} is saved for another listing or channel than this booking's, so Hostaway \
                     does not offer it here; list_message_templates with the reservation_id lists the ones that fit"
                ),
                false => format!("there is no template {template_id}; see list_message_templates"),
            };
            return Err(ToolError::invalid("template_id", problem));
        };
        let text = chosen.message.unwrap_or_default();
        let left = placeholders(&text);
        if !left.is_empty() {
            let booking =
                if conversation.reservation_id.is_some() { "its booking" } else { "a conversation without a booking" };
            return Err(ToolError::Refused(format!(
                "template {template_id} leaves {} unfilled for {booking}; write the message yourself instead",
                left.iter().map(|p| format!("{{{{{p}}}}}")).collect::<Vec<_>>().join(", ")
            )));
        }
        Ok(text)
    }
}

/// The names of the `{{placeholders}}` in `text`, in order, without repeats.
pub(super) fn placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start + 2..].find("}}") else { break };
        let name = rest[start + 2..start + 2 + end].trim().to_string();
        if !name.is_empty() && !found.contains(&name) {
            found.push(name);
        }
        rest = &rest[start + 2 + end + 2..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_named_once_each_in_order() {
        assert_eq!(
            placeholders("Hi {{guest_first_name}}, code {{ door_code }} {{guest_first_name}}"),
            ["guest_first_name", "door_code"]
        );
        assert!(placeholders("Hi Ana, see you {at} noon {{").is_empty());
    }
}
