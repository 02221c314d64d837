//! `list_staff`: who works for the account, by name, with their group (Hostaway's nearest thing
//! to a role) and whether they are an admin, so a task can be given to a person by name. Staff
//! the account disabled are left out unless asked for, and the answer says how many.

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::staff::{disabled, full_name, matches};
use crate::{
    hostaway::{Fresh, types},
    tools::{ToolContext, bound, error::ToolError, params::Parameters, untrusted::Untrusted},
};

/// Arguments of `list_staff`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListStaffArgs {
    /// Words of the name (any case, accents).
    #[serde(default)]
    pub name: Option<String>,
    /// Also those the account disabled.
    #[serde(default)]
    pub include_disabled: bool,
}

/// The staff found.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StaffList {
    /// By name.
    pub staff: Vec<StaffMember>,
    /// Disabled staff left out (include_disabled shows them).
    #[serde(skip_serializing_if = "is_zero")]
    pub disabled_left_out: usize,
    /// Said when the list stopped short of every match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One staff member.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StaffMember {
    /// Pass as assignee, or give the name.
    pub user_id: i64,
    /// First and last name.
    pub name: Untrusted,
    /// Their group in Hostaway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<Untrusted>,
    /// An admin of the account.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub admin: bool,
    /// Disabled by the account: no task can go to them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[tool_router(router = list_staff_tool, vis = "pub(crate)")]
impl ToolContext {
    /// The account's staff by name, with their group and admin flag. "Who can I give Friday's cleaning to?"
    #[tool(
        name = "list_staff",
        title = "List staff",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn list_staff(&self, Parameters(args): Parameters<ListStaffArgs>) -> Result<Json<StaffList>, ToolError> {
        let staff = self.gateway.staff(Fresh::No).await?;
        let named: Vec<&types::User> =
            staff.iter().filter(|u| args.name.as_deref().is_none_or(|name| matches(u, name))).collect();
        let disabled_left_out = if args.include_disabled { 0 } else { named.iter().filter(|u| disabled(u)).count() };
        let mut rows: Vec<StaffMember> = named
            .into_iter()
            .filter(|u| args.include_disabled || !disabled(u))
            .map(|u| StaffMember {
                user_id: u.id,
                name: full_name(u).into(),
                group: u.user_group_name.clone().filter(|g| !g.trim().is_empty()).map(Untrusted::from),
                admin: u.is_admin == Some(1),
                disabled: disabled(u),
            })
            .collect();
        rows.sort_by(|a, b| {
            a.name.raw().to_lowercase().cmp(&b.name.raw().to_lowercase()).then(a.user_id.cmp(&b.user_id))
        });
        let fit = bound::fitting(&rows, 200);
        let note =
            (fit < rows.len()).then(|| bound::stopped(fit, "staff members", "give words of a name to narrow it"));
        rows.truncate(fit);
        Ok(Json(StaffList { staff: rows, disabled_left_out, note }))
    }
}
