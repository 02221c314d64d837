//! `update_task`: a task's status, title, details, times or assignee, or the task deleted (one
//! made by mistake). It previews each change by default and writes only with `confirm: true`;
//! before a confirmed write it reads the task afresh, and a task already as asked answers
//! `unchanged` with nothing sent.

use chrono::{NaiveDateTime, NaiveTime};
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    rows::{Sites, TaskRow, TaskStatus, end_of_day, local_time},
    staff::Assignee,
};
use crate::tools::today::LocalToday;
use crate::tools::today::to_utc;
use crate::{
    hostaway::{Fresh, GatewayError, types},
    tools::{
        ToolContext, WriteStatus, args, error::ToolError, params::Parameters, reservations::writes::FieldChange,
        untrusted,
    },
};

/// Arguments of `update_task`.
#[derive(Debug, Hash, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTaskArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub task_id: i64,
    /// New status.
    #[serde(default)]
    pub status: Option<TaskStatus>,
    /// New title.
    #[serde(default)]
    pub title: Option<String>,
    /// Replaces the details.
    #[serde(default)]
    pub description: Option<String>,
    /// New start: YYYY-MM-DD HH:MM or a day (00:00).
    #[serde(default)]
    pub start: Option<String>,
    /// New deadline, the same way (a day means 23:59).
    #[serde(default)]
    pub due: Option<String>,
    /// Who does it: a name or user id (list_staff).
    #[serde(default)]
    pub assignee: Option<Assignee>,
    /// true deletes the task instead; it cannot be undone.
    #[serde(default)]
    pub delete: bool,
    /// true applies the preview.
    #[serde(default)]
    pub confirm: bool,
}

/// What `update_task` would change, or changed.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct UpdateTaskOut {
    /// preview, done (changed now) or unchanged (already so; nothing sent).
    pub status: WriteStatus,
    /// The task: as it is (preview) or as Hostaway stored it.
    pub task: TaskRow,
    /// Field by field, what changes.
    pub changes: Vec<FieldChange>,
}

#[tool_router(router = update_task_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Change a task's status, title, details, times or assignee (by name), or delete it; only what differs is sent.
    #[tool(
        name = "update_task",
        title = "Update task",
        annotations(read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn update_task(
        &self,
        Parameters(args): Parameters<UpdateTaskArgs>,
    ) -> Result<Json<UpdateTaskOut>, ToolError> {
        untrusted::single_line("title", args.title.as_deref())?;
        if args.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(ToolError::invalid("title", "is blank; give the task's new title or leave it out"));
        }
        if args.delete
            && let Some(field) = [
                ("status", args.status.is_some()),
                ("title", args.title.is_some()),
                ("description", args.description.is_some()),
                ("start", args.start.is_some()),
                ("due", args.due.is_some()),
                ("assignee", args.assignee.is_some()),
            ]
            .into_iter()
            .find_map(|(field, given)| given.then_some(field))
        {
            return Err(ToolError::invalid(field, "means nothing with delete: true; leave it out"));
        }
        let (assignee, staff) = match &args.assignee {
            Some(named) => self.assignee("assignee", named).await.map(|(id, staff)| (Some(id), staff))?,
            None => (None, self.gateway.staff(Fresh::No).await?),
        };
        let sites = Sites::of(&self.gateway.portfolio().await?, &staff);
        if !args.confirm {
            let task = self.gateway.task(args.task_id, Fresh::No).await?;
            let (changes, _) = self.task_changes(&task, &args, assignee, &sites)?;
            return Ok(Json(UpdateTaskOut { status: WriteStatus::Preview, task: sites.row(&task), changes }));
        }
        let summary = format!("task {}", args.task_id);
        let (out, status) = self
            .guard
            .run("update_task", &args, &summary, async {
                let task = self.gateway.task(args.task_id, Fresh::Yes).await?;
                let (changes, input) = self.task_changes(&task, &args, assignee, &sites)?;
                if changes.is_empty() {
                    let out = UpdateTaskOut { status: WriteStatus::Unchanged, task: sites.row(&task), changes };
                    return Ok((out, WriteStatus::Unchanged));
                }
                if args.delete {
                    // A 404 here means it went between the read and the delete: an earlier
                    // attempt of this delete whose answer was lost, or someone else. Gone either way.
                    match self.gateway.delete_task(args.task_id).await {
                        Ok(()) | Err(GatewayError::NotFound { .. }) => {}
                        Err(error) => return Err(ToolError::of_write("update_task", "the task was deleted", error)),
                    }
                    let out = UpdateTaskOut { status: WriteStatus::Done, task: sites.row(&task), changes };
                    return Ok((out, WriteStatus::Done));
                }
                let updated = self
                    .gateway
                    .update_task(args.task_id, input)
                    .await
                    .map_err(|e| ToolError::of_write("update_task", "the task was changed", e))?;
                Ok((UpdateTaskOut { status: WriteStatus::Done, task: sites.row(&updated), changes }, WriteStatus::Done))
            })
            .await?;
        Ok(Json(UpdateTaskOut { status, ..out }))
    }
}

impl ToolContext {
    /// What update_task changes in `task`, field by field, and the whole task to send.
    fn task_changes(
        &self,
        task: &types::Task,
        args: &UpdateTaskArgs,
        assignee: Option<i64>,
        sites: &Sites,
    ) -> Result<(Vec<FieldChange>, types::TaskInput), ToolError> {
        if args.delete {
            let deleted =
                FieldChange { field: "task".into(), before: Some(task.title.clone().into()), after: "deleted".into() };
            return Ok((vec![deleted], types::TaskInput::default()));
        }
        let zone = sites.zone(task.listing_map_id);
        let today = self.clock.today_in(zone);
        let local_today = LocalToday { date: today, zone };
        let shown = |at: NaiveDateTime| at.format("%Y-%m-%d %H:%M").to_string();
        let now_start = sites.local(
            task.listing_map_id,
            task.can_start_from.as_deref(),
            task.can_start_from_listing_time.as_deref(),
        );
        let now_due =
            sites.local(task.listing_map_id, task.should_end_by.as_deref(), task.should_end_by_listing_time.as_deref());
        let start = args.start.as_deref().map(|s| local_time("start", s, today, NaiveTime::MIN)).transpose()?;
        let due = args.due.as_deref().map(|d| local_time("due", d, today, end_of_day())).transpose()?;
        // A task is never moved to start or be due before the listing's today.
        if let Some(start) = start {
            local_today.refuse_past("start", start.date())?;
        }
        if let Some(due) = due {
            local_today.refuse_past("due", due.date())?;
        }
        if let (Some(start), Some(due)) = (start.or(now_start), due.or(now_due))
            && due < start
        {
            return Err(ToolError::invalid(
                if args.due.is_some() { "due" } else { "start" },
                "due would be before start",
            ));
        }
        let status = args.status.map(|s| s.wire().to_string());
        let mut changes = Vec::new();
        let mut change = |field: &str, before: Option<String>, after: Option<String>| {
            if let Some(after) = after.filter(|after| before.as_ref() != Some(after)) {
                changes.push(FieldChange {
                    field: field.into(),
                    before: before.map(crate::tools::untrusted::Untrusted::from),
                    after: after.into(),
                });
            }
        };
        let word = |s: Option<&str>| s.map(|s| TaskStatus::name(Some(s)));
        change("status", word(task.status.as_deref()), word(status.as_deref()));
        change("title", Some(task.title.clone()), args.title.as_deref().map(|t| t.trim().to_string()));
        change("description", task.description.clone(), args.description.clone());
        change("start", now_start.map(shown), start.map(shown));
        change("due", now_due.map(shown), due.map(shown));
        let who = |id: Option<i64>| {
            id.map(|id| {
                sites.staff_name(Some(id)).map_or_else(|| id.to_string(), |name| format!("{} ({id})", name.raw()))
            })
        };
        change("assignee", who(task.assignee_user_id), who(assignee));
        let input = types::TaskInput {
            title: Some(args.title.as_deref().map_or_else(|| task.title.clone(), |t| t.trim().to_string())),
            listing_map_id: task.listing_map_id,
            reservation_id: task.reservation_id,
            assignee_user_id: assignee.or(task.assignee_user_id),
            description: args.description.clone().or_else(|| task.description.clone()),
            can_start_from: start.map(|at| to_utc(at, zone)).or_else(|| task.can_start_from.clone()),
            should_end_by: due.map(|at| to_utc(at, zone)).or_else(|| task.should_end_by.clone()),
            status: status.or_else(|| task.status.clone()).and_then(|s| s.parse().ok()),
            priority: task.priority,
            categories_map: task.categories_map.clone().unwrap_or_default(),
        };
        Ok((changes, input))
    }
}
