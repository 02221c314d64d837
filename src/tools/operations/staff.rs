//! The account's staff as the task tools meet them: who a task is assigned to by name, and a
//! name or id a manager gives turned into the one active user it means. Hostaway's users carry
//! no role beyond their group and the admin flag, so those are what a staff member is shown with.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

use crate::{
    hostaway::{Fresh, types},
    tools::{ToolContext, ToolError, text_match},
};

/// A staff member as an argument names them: their Hostaway user id, or words of their name
/// ("marta", "Jonas Weber"; any case, accents).
#[derive(Clone, Debug, Hash, PartialEq, Eq, JsonSchema)]
#[schemars(with = "String")]
pub enum Assignee {
    /// A user id (a number, or digits as text).
    Id(i64),
    /// Words of a name.
    Name(String),
}

impl<'de> Deserialize<'de> for Assignee {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Number(n) => {
                n.as_i64().map(Self::Id).ok_or_else(|| serde::de::Error::custom(format!("{n} is not a user id")))
            }
            serde_json::Value::String(text) => {
                let text = text.trim();
                Ok(text.parse().map_or_else(|_| Self::Name(text.to_string()), Self::Id))
            }
            other => Err(serde::de::Error::custom(format!("expected a staff member's name or user id, got {other}"))),
        }
    }
}

/// A user's name as a person reads it: first and last name, else the email, else the id.
pub(super) fn full_name(user: &types::User) -> String {
    let name = [user.first_name.as_deref(), user.last_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !name.is_empty() {
        return name;
    }
    user.email.clone().filter(|e| !e.trim().is_empty()).unwrap_or_else(|| format!("user {}", user.id))
}

/// Whether the account disabled `user`: they can no longer see tasks.
pub(super) fn disabled(user: &types::User) -> bool {
    user.is_disabled_by_account == Some(1)
}

/// Staff names by user id, for showing who a task is assigned to.
pub(super) fn names(staff: &[types::User]) -> HashMap<i64, String> {
    staff.iter().map(|u| (u.id, full_name(u))).collect()
}

/// Whether every word of `wanted` is in `user`'s name (any case, accents).
pub(super) fn matches(user: &types::User, wanted: &str) -> bool {
    let name = text_match::fold(&full_name(user));
    let words: Vec<&str> = name.split_whitespace().collect();
    text_match::fold(wanted).split_whitespace().all(|w| words.iter().any(|n| n.starts_with(w)))
}

impl ToolContext {
    /// The active user `assignee` names (the argument `field`), with the staff list it was found
    /// in. An unknown id or name, a disabled user or a name that fits several people is an error
    /// saying whom it could mean: a task assigned to nobody who can see it would never be done.
    /// A miss in the cached list is read again from Hostaway before it is refused.
    pub(super) async fn assignee(
        &self,
        field: &'static str,
        assignee: &Assignee,
    ) -> Result<(i64, Vec<types::User>), ToolError> {
        let mut staff = self.gateway.staff(Fresh::No).await?;
        if found(&staff, assignee).is_empty() {
            staff = self.gateway.staff(Fresh::Yes).await?;
        }
        let candidates = found(&staff, assignee);
        let active: Vec<&types::User> = candidates.iter().copied().filter(|u| !disabled(u)).collect();
        let listed = |users: &[&types::User]| {
            users.iter().map(|u| format!("{} ({})", full_name(u), u.id)).collect::<Vec<_>>().join(", ")
        };
        match (active.as_slice(), candidates.as_slice()) {
            ([one], _) => Ok((one.id, staff.clone())),
            ([], []) => {
                let active_names: Vec<String> = staff.iter().filter(|u| !disabled(u)).map(full_name).collect();
                let wanted = match assignee {
                    Assignee::Id(id) => id.to_string(),
                    Assignee::Name(name) => name.clone(),
                };
                let near = text_match::closest(&wanted, active_names.iter().map(String::as_str));
                Err(ToolError::invalid(
                    field,
                    format!(
                        "no staff member {} in this account (near: {}); list_staff shows who is on the staff",
                        describe(assignee),
                        near.join(", ")
                    ),
                ))
            }
            ([], disabled) => Err(ToolError::invalid(
                field,
                format!(
                    "{} is disabled in this account; assign the task to someone active (list_staff), or leave it out",
                    listed(disabled)
                ),
            )),
            (several, _) => Err(ToolError::invalid(
                field,
                format!("{} fits {}; give more of the name, or the user id", describe(assignee), listed(several)),
            )),
        }
    }
}

/// The users `assignee` could mean.
fn found<'a>(staff: &'a [types::User], assignee: &Assignee) -> Vec<&'a types::User> {
    match assignee {
        Assignee::Id(id) => staff.iter().filter(|u| u.id == *id).collect(),
        Assignee::Name(name) if name.trim().is_empty() => Vec::new(),
        Assignee::Name(name) => {
            let exact: Vec<&types::User> = staff.iter().filter(|u| text_match::same(&full_name(u), name)).collect();
            if exact.is_empty() { staff.iter().filter(|u| matches(u, name)).collect() } else { exact }
        }
    }
}

/// `assignee` as an error message names it.
fn describe(assignee: &Assignee) -> String {
    match assignee {
        Assignee::Id(id) => format!("with user id {id}"),
        Assignee::Name(name) => format!("{name:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, first: &str, last: &str) -> types::User {
        types::User {
            id,
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            email: None,
            user_group_name: None,
            is_disabled_by_account: Some(0),
            is_admin: Some(0),
        }
    }

    #[test]
    fn a_name_is_found_by_the_starts_of_its_words_and_an_exact_name_wins() {
        let staff = [user(1, "Marta", "Kowalski"), user(2, "Mart", "Weber"), user(3, "Jonas", "Müller")];
        let ids = |a: Assignee| found(&staff, &a).iter().map(|u| u.id).collect::<Vec<_>>();
        assert_eq!(ids(Assignee::Name("marta".into())), [1]);
        assert_eq!(ids(Assignee::Name("mart".into())), [1, 2], "a start of a word fits both");
        assert_eq!(ids(Assignee::Name("Mart Weber".into())), [2]);
        assert_eq!(ids(Assignee::Name("jonas muller".into())), [3], "any case, accents");
        assert_eq!(ids(Assignee::Name("kowal".into())), [1]);
        assert!(ids(Assignee::Name("anna".into())).is_empty());
        assert_eq!(ids(Assignee::Id(2)), [2]);
    }

    #[test]
    fn an_assignee_reads_from_a_number_digits_or_a_name() {
        let read = |v: serde_json::Value| serde_json::from_value::<Assignee>(v).unwrap();
        assert_eq!(read(serde_json::json!(501)), Assignee::Id(501));
        assert_eq!(read(serde_json::json!(" 501 ")), Assignee::Id(501));
        assert_eq!(read(serde_json::json!("Marta")), Assignee::Name("Marta".into()));
        assert!(serde_json::from_value::<Assignee>(serde_json::json!([1])).is_err());
    }

    #[test]
    fn a_user_without_a_name_is_named_by_email_then_id() {
        let mut nameless = user(7, "", " ");
        assert_eq!(full_name(&nameless), "user 7");
        nameless.email = Some("ops@example.com".into());
        assert_eq!(full_name(&nameless), "ops@example.com");
    }
}
