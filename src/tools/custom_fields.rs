//! Custom fields by name: what managers keep beside a booking or a listing (a parking spot, an
//! arrival flight, cleaning notes), read as `{name: value}` and written the same way. Hostaway
//! holds values by field id, so names are matched (any case, accents; the field's `varName`
//! too) against the account's fields, and a value is checked against the field's type: a number,
//! one of a dropdown's choices (by value or label), one line for a text field. An empty value
//! clears a field.

use std::collections::BTreeMap;

use crate::{
    hostaway::{Fresh, types},
    tools::{ToolContext, ToolError, reservations::writes::FieldChange, text_match, untrusted},
};

/// Reservation or listing fields.
pub use crate::hostaway::types::ListCustomFieldsObjectType as FieldsOf;

/// Values by field name, as an answer shows them; empty values left out.
pub type Named = BTreeMap<String, untrusted::Untrusted>;

impl ToolContext {
    /// `values` by field name. Fields the account's list lacks (deleted since) are named by id.
    pub async fn custom_values(&self, of: FieldsOf, values: &[types::CustomFieldValue]) -> Result<Named, ToolError> {
        let values: Vec<&types::CustomFieldValue> =
            values.iter().filter(|v| v.value.as_deref().is_some_and(|v| !v.trim().is_empty())).collect();
        if values.is_empty() {
            return Ok(Named::new());
        }
        let (fields, _) = self.gateway.custom_fields(of, Fresh::No).await?;
        Ok(values
            .into_iter()
            .map(|v| {
                let name = fields
                    .iter()
                    .find(|f| f.id == v.custom_field_id)
                    .map_or_else(|| format!("field {}", v.custom_field_id), |f| f.name.clone());
                (name, v.value.clone().unwrap_or_default().into())
            })
            .collect())
    }

    /// The whole list of values to send with `wanted` (name → value; empty clears) applied over
    /// `current`, and the changes, named `<argument>.<field name>`. A name no field has, or a
    /// value the field cannot hold, is an error naming the argument and what it can be.
    pub async fn with_custom_values(
        &self,
        argument: &'static str,
        of: FieldsOf,
        current: &[types::CustomFieldValue],
        wanted: &BTreeMap<String, String>,
    ) -> Result<(Vec<types::CustomFieldValue>, Vec<FieldChange>), ToolError> {
        let (mut fields, _) = self.gateway.custom_fields(of, Fresh::No).await?;
        if wanted.keys().any(|name| field_named(&fields, name).is_none()) {
            fields = self.gateway.custom_fields(of, Fresh::Yes).await?.0;
        }
        let mut values = current.to_vec();
        let mut changes = Vec::new();
        for (name, value) in wanted {
            let field = field_named(&fields, name).ok_or_else(|| {
                let known: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                ToolError::invalid(
                    argument,
                    format!("no {of} custom field {name:?}; the account's are: {}", known.join(", ")),
                )
            })?;
            let value = checked(argument, field, value.trim())?;
            let before = values.iter().find(|v| v.custom_field_id == field.id).and_then(|v| v.value.clone());
            if before.as_deref().unwrap_or_default() == value {
                continue;
            }
            changes.push(FieldChange {
                field: format!("{argument}.{}", field.name),
                before: before.map(untrusted::Untrusted::from),
                after: value.as_str().into(),
            });
            match values.iter_mut().find(|v| v.custom_field_id == field.id) {
                Some(held) => held.value = Some(value),
                None => values.push(types::CustomFieldValue { custom_field_id: field.id, value: Some(value) }),
            }
        }
        Ok((values, changes))
    }
}

/// The field `name` means: by its name, else by its `varName` (any case, accents).
fn field_named<'a>(fields: &'a [types::CustomField], name: &str) -> Option<&'a types::CustomField> {
    fields
        .iter()
        .find(|f| text_match::same(&f.name, name))
        .or_else(|| fields.iter().find(|f| f.var_name.as_deref().is_some_and(|v| text_match::same(v, name))))
}

/// `value` as `field` holds it, or why it cannot: a dropdown takes one of its choices (a label
/// becomes its value), a number a number, and a one-line field one line.
fn checked(argument: &'static str, field: &types::CustomField, value: &str) -> Result<String, ToolError> {
    let refuse = |why: String| ToolError::invalid(argument, format!("{}: {why}", field.name));
    if value.is_empty() {
        return Ok(String::new());
    }
    if value.chars().any(untrusted::hidden) {
        return Err(refuse("holds invisible characters".into()));
    }
    match field.type_.as_deref() {
        Some("number") if value.parse::<f64>().is_err() => Err(refuse(format!("{value:?} is not a number"))),
        Some("dropdown") | Some("dropDown") => {
            let choices = choices(field);
            choices
                .iter()
                .find(|(v, label)| text_match::same(v, value) || text_match::same(label, value))
                .map(|(v, _)| v.clone())
                .ok_or_else(|| {
                    let listed: Vec<&str> = choices.iter().map(|(v, _)| v.as_str()).collect();
                    refuse(format!("{value:?} is not one of its choices: {}", listed.join(", ")))
                })
        }
        Some("textarea") => Ok(value.to_string()),
        _ if value.contains('\n') => Err(refuse("takes one line".into())),
        _ => Ok(value.to_string()),
    }
}

/// A dropdown's choices as (value, label): Hostaway gives them as JSON text or as an array.
fn choices(field: &types::CustomField) -> Vec<(String, String)> {
    let parsed = match &field.possible_values {
        Some(serde_json::Value::String(text)) => serde_json::from_str(text).unwrap_or_default(),
        Some(other) => other.clone(),
        None => serde_json::Value::Null,
    };
    parsed
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let value = c.get("value").and_then(serde_json::Value::as_str)?;
            let label = c.get("label").and_then(serde_json::Value::as_str).unwrap_or(value);
            Some((value.to_string(), label.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: &str, choices: Option<serde_json::Value>) -> types::CustomField {
        types::CustomField {
            id: 1,
            name: "Early check-in".into(),
            var_name: Some("early_check_in".into()),
            type_: Some(kind.into()),
            object_type: Some("reservation".into()),
            possible_values: choices,
            is_public: Some(1),
        }
    }

    #[test]
    fn a_value_is_checked_against_its_field() {
        let text = serde_json::json!(r#"[{"value":"yes","label":"Yes please"},{"value":"no","label":"No"}]"#);
        let dropdown = field("dropdown", Some(text));
        assert_eq!(checked("f", &dropdown, "YES").unwrap(), "yes");
        assert_eq!(checked("f", &dropdown, "yes please").unwrap(), "yes", "a label becomes its value");
        assert!(checked("f", &dropdown, "maybe").unwrap_err().to_string().contains("yes, no"));
        let array = field("dropdown", Some(serde_json::json!([{"value": "a"}])));
        assert_eq!(checked("f", &array, "a").unwrap(), "a");
        assert!(checked("f", &field("number", None), "two").is_err());
        assert_eq!(checked("f", &field("number", None), "2").unwrap(), "2");
        assert!(checked("f", &field("text", None), "a\nb").is_err());
        assert_eq!(checked("f", &field("textarea", None), "a\nb").unwrap(), "a\nb");
        assert_eq!(checked("f", &field("text", None), "").unwrap(), "", "empty clears");
        assert!(checked("f", &field("text", None), "a\u{200b}b").is_err());
    }

    #[test]
    fn a_field_is_found_by_name_or_var_name() {
        let fields = [field("text", None)];
        assert!(field_named(&fields, "early CHECK-IN").is_some());
        assert!(field_named(&fields, "early_check_in").is_some());
        assert!(field_named(&fields, "late check-out").is_none());
    }
}
