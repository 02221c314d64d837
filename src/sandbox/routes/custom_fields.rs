//! Custom fields: the list of the account's fields, and the check Hostaway makes of the values a
//! reservation or listing write carries.

use std::sync::Arc;

use axum::extract::State;
use serde::Deserialize;

use crate::{
    hostaway::types,
    sandbox::{
        app::{Shared, lock},
        store::Store,
        wire::{self, Failure, Params, Reply},
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldsQuery {
    limit: Option<usize>,
    offset: Option<usize>,
    object_type: Option<String>,
}

/// `GET /customFields`: default page 100, at most 500, of one object type or all.
pub async fn list(State(shared): State<Arc<Shared>>, Params(q): Params<FieldsQuery>) -> Reply {
    let limit = q.limit.unwrap_or(100);
    if limit == 0 || limit > 500 {
        return Err(Failure::invalid("limit must be between 1 and 500"));
    }
    let store = lock(&shared.store);
    let fields: Vec<types::CustomField> = store
        .custom_fields
        .iter()
        .filter(|f| q.object_type.as_deref().is_none_or(|o| f.object_type.as_deref() == Some(o)))
        .cloned()
        .collect();
    wire::page(&wire::slice(&fields, Some(limit), q.offset), fields.len(), Some(limit), q.offset)
}

/// Refuses values for fields the account lacks, of another object type, or outside a dropdown's
/// choices (an empty value clears any field).
pub fn check(store: &Store, object: &str, values: &[types::CustomFieldValue]) -> Result<(), Failure> {
    for value in values {
        let field = store
            .custom_fields
            .iter()
            .find(|f| f.id == value.custom_field_id && f.object_type.as_deref() == Some(object))
            .ok_or_else(|| {
                Failure::invalid(format!("customFieldId {} is not a {object} field", value.custom_field_id))
            })?;
        let text = value.value.as_deref().unwrap_or_default();
        if field.type_.as_deref() == Some("dropdown") && !text.is_empty() {
            let choices = field.possible_values.as_ref().and_then(|p| p.as_str()).unwrap_or("[]");
            let choices: Vec<serde_json::Value> = serde_json::from_str(choices).unwrap_or_default();
            if !choices.iter().any(|c| c["value"] == text) {
                return Err(Failure::invalid(format!("{text:?} is not a choice of custom field {}", field.id)));
            }
        }
    }
    Ok(())
}
