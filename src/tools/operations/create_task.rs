//! `create_task`: one task, or a cleaning after each departure between two dates. It previews by
//! default and writes only with `confirm: true`. A task is the same job as another when it has the
//! same identity (the booking and kind, or the listing, kind and start day; see
//! [`TaskIdentity`](super::plan::TaskIdentity)), whatever its title or details say. Confirms of the
//! same identity take turns, and each first asks Hostaway whether the task is still needed: one
//! already there answers `already_done`, saying how it differs from what was asked, so a lost
//! answer, a second confirm with other words, a restart or a second replica never makes it twice.

use chrono::{Duration, NaiveTime};
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    plan::Plan,
    rows::{Category, Sites, TaskRow, end_of_day, local_time},
    staff::Assignee,
};
use crate::{
    hostaway::{Fresh, TaskQuery, types},
    tools::{
        ToolContext, WriteStatus,
        args::{self, Range},
        error::ToolError,
        params::Parameters,
        untrusted,
    },
};

/// Days of departures one create_task covers at most.
const MAX_DEPARTURE_DAYS: i64 = 31;
/// Tasks one create_task makes at most.
const MAX_NEW_TASKS: usize = 100;
/// Title of the cleanings after departures unless another is given.
const TURNOVER_TITLE: &str = "Turnover cleaning";

/// Departure days to schedule a task after, inclusive.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Departures {
    /// First departure day.
    pub start_date: String,
    /// Last departure day, inclusive; at most 31 days in all.
    pub end_date: String,
}

/// Arguments of `create_task`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTaskArgs {
    /// What to do (after_departures: "Turnover cleaning").
    #[serde(default)]
    pub title: Option<String>,
    /// Kind of task.
    pub category: Category,
    /// From search_listings; absent, after_departures covers all listings.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub listing_id: Option<i64>,
    /// The booking it is for (sets the listing).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub reservation_id: Option<i64>,
    /// Start: YYYY-MM-DD HH:MM or a day (00:00).
    #[serde(default)]
    pub start: Option<String>,
    /// When it must be done by, the same way (a day means 23:59).
    #[serde(default)]
    pub due: Option<String>,
    /// Details for whoever does it.
    #[serde(default)]
    pub description: Option<String>,
    /// Who does it: a name or user id (list_staff).
    #[serde(default)]
    pub assignee: Option<Assignee>,
    /// Instead of start and due: a task per stay departing on these days.
    #[serde(default)]
    pub after_departures: Option<Departures>,
    /// true applies the preview.
    #[serde(default)]
    pub confirm: bool,
}

/// What happens to one task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Would be created (preview).
    New,
    /// Created now.
    Created,
    /// Already in Hostaway; not created again.
    Exists,
}

/// One task to create, and what happened to it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PlannedTask {
    /// new, created or exists.
    pub outcome: Outcome,
    /// The task: as it would be, or as Hostaway holds it.
    #[serde(flatten)]
    pub task: TaskRow,
}

/// What `create_task` would create, or created.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CreateTaskOut {
    /// preview, done (some created now) or already_done (all existed; nothing sent).
    pub status: WriteStatus,
    /// Each task, soonest first.
    pub tasks: Vec<PlannedTask>,
    /// Anything else to know, e.g. how many departures there were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The tasks a create_task call asks for, with what is needed to show them.
struct Wanted {
    plans: Vec<Plan>,
    sites: Sites,
    note: Option<String>,
}

#[tool_router(router = create_task_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Create a task, or with after_departures one per departing stay (check-out to next check-in).
    #[tool(
        name = "create_task",
        title = "Create task",
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = true)
    )]
    pub async fn create_task(
        &self,
        Parameters(args): Parameters<CreateTaskArgs>,
    ) -> Result<Json<CreateTaskOut>, ToolError> {
        let wanted = self.wanted_tasks(&args).await?;
        if !args.confirm {
            let existing = self.existing_tasks(&wanted.plans, Fresh::No).await?;
            let tasks = wanted
                .plans
                .iter()
                .map(|plan| match existing.iter().find(|t| plan.done_by(t, &wanted.sites)) {
                    Some(task) => PlannedTask { outcome: Outcome::Exists, task: wanted.sites.row(task) },
                    None => PlannedTask { outcome: Outcome::New, task: plan.row(&wanted.sites) },
                })
                .collect();
            return Ok(Json(CreateTaskOut { status: WriteStatus::Preview, tasks, note: wanted.note }));
        }
        let summary = format!("{} {:?} task(s)", wanted.plans.len(), args.category);
        let mut identities: Vec<_> = wanted.plans.iter().map(Plan::identity).collect();
        identities.sort_unstable();
        let (out, status) = self
            .guard
            .run("create_task", &identities, &summary, async {
                let existing = self.existing_tasks(&wanted.plans, Fresh::Yes).await?;
                let mut tasks = Vec::with_capacity(wanted.plans.len());
                let mut created: Vec<i64> = Vec::new();
                let mut differences = Vec::new();
                for plan in &wanted.plans {
                    if let Some(task) = existing.iter().find(|t| plan.done_by(t, &wanted.sites)) {
                        let differ = plan.differences(task, &wanted.sites);
                        if !differ.is_empty() {
                            differences.push(format!("task {} already does this job: {}", task.id, differ.join("; ")));
                        }
                        tasks.push(PlannedTask { outcome: Outcome::Exists, task: wanted.sites.row(task) });
                        continue;
                    }
                    match self.gateway.create_task(plan.input()).await {
                        Ok(task) => {
                            created.push(task.id);
                            tasks.push(PlannedTask { outcome: Outcome::Created, task: wanted.sites.row(&task) });
                        }
                        Err(error) if created.is_empty() => {
                            return Err(ToolError::of_write("create_task", "the task was created", error));
                        }
                        Err(error) => {
                            return Err(ToolError::Refused(format!(
                                "{} task(s) were created (ids {created:?}), then the next failed: {error}. Call \
                                 create_task again with the same arguments: tasks that exist are skipped",
                                created.len()
                            )));
                        }
                    }
                }
                let status = if created.is_empty() { WriteStatus::AlreadyDone } else { WriteStatus::Done };
                let note = if differences.is_empty() {
                    wanted.note.clone()
                } else {
                    let mut lines: Vec<String> = wanted.note.iter().cloned().collect();
                    lines.extend(differences);
                    lines.push(
                        "a task of the same kind for the same booking, or listing and day, is one job; change it \
                         with update_task"
                            .into(),
                    );
                    Some(lines.join(". "))
                };
                Ok((CreateTaskOut { status, tasks, note }, status))
            })
            .await?;
        Ok(Json(CreateTaskOut { status, ..out }))
    }
}

impl ToolContext {
    /// Validates create_task's arguments into the tasks to create (none yet looked up in Hostaway).
    async fn wanted_tasks(&self, args: &CreateTaskArgs) -> Result<Wanted, ToolError> {
        untrusted::single_line("title", args.title.as_deref())?;
        let title = args::non_blank(args.title.as_deref());
        let description = args::non_blank(args.description.as_deref());
        let (assignee, staff) = match &args.assignee {
            Some(named) => self.assignee("assignee", named).await.map(|(id, staff)| (Some(id), staff))?,
            None => (None, self.gateway.staff(Fresh::No).await?),
        };
        let listings = self.gateway.portfolio().await?;
        let sites = Sites::of(&listings, &staff);
        if let Some(id) = args.listing_id.filter(|id| !sites.listings.contains_key(id)) {
            return Err(ToolError::invalid("listing_id", format!("no listing {id}; find one with search_listings")));
        }
        let today = self.today_at(args.listing_id).await?;
        if let Some(departures) = &args.after_departures {
            for (field, given) in [
                ("reservation_id", args.reservation_id.is_some()),
                ("start", args.start.is_some()),
                ("due", args.due.is_some()),
            ] {
                if given {
                    return Err(ToolError::invalid(field, "comes from each stay with after_departures; leave it out"));
                }
            }
            let range = Range::parse(&departures.start_date, &departures.end_date, MAX_DEPARTURE_DAYS, today.date)
                .map_err(|e| ToolError::invalid("after_departures", e.to_string()))?;
            today.refuse_past("after_departures.start_date", range.start)?;
            let title = title.unwrap_or_else(|| TURNOVER_TITLE.to_string());
            let plans = self.turnovers(args, range, &title, description, assignee, &sites).await?;
            if plans.len() > MAX_NEW_TASKS {
                return Err(ToolError::Refused(format!(
                    "{} stays depart from {} to {}; one call creates at most {MAX_NEW_TASKS} tasks: narrow the dates \
                     or give listing_id",
                    plans.len(),
                    range.start,
                    range.end
                )));
            }
            let note = Some(format!("{} stay(s) depart from {} to {}", plans.len(), range.start, range.end));
            return Ok(Wanted { plans, sites, note });
        }
        let title =
            title.ok_or_else(|| ToolError::invalid("title", "is needed; say what to do, e.g. \"Fix the tap\""))?;
        let mut listing = args.listing_id;
        if let Some(id) = args.reservation_id {
            let reservation = self.gateway.reservation(id, Fresh::No).await?;
            if listing.is_some_and(|l| l != reservation.listing_map_id) {
                return Err(ToolError::invalid(
                    "listing_id",
                    format!("reservation {id} is at listing {}; leave listing_id out", reservation.listing_map_id),
                ));
            }
            listing = Some(reservation.listing_map_id);
        }
        // A booking's listing sets the day and zone when no listing was named.
        let today = if listing != args.listing_id { self.today_at(listing).await? } else { today };
        let start = args.start.as_deref().ok_or_else(|| {
            ToolError::invalid("start", "is needed: YYYY-MM-DD HH:MM in the listing's time zone, or after_departures")
        })?;
        let start = local_time("start", start, today.date, NaiveTime::MIN)?;
        today.refuse_past("start", start.date())?;
        let due = args.due.as_deref().map(|due| local_time("due", due, today.date, end_of_day())).transpose()?;
        if due.is_some_and(|due| due < start) {
            return Err(ToolError::invalid("due", "is before start"));
        }
        let zone = sites.zone(listing);
        let plan = Plan {
            title,
            category: args.category,
            listing,
            reservation: args.reservation_id,
            start,
            due,
            zone,
            description,
            assignee,
        };
        Ok(Wanted { plans: vec![plan], sites, note: None })
    }

    /// The tasks that start around `plans`' starts, to find the ones already there.
    async fn existing_tasks(&self, plans: &[Plan], fresh: Fresh) -> Result<Vec<types::Task>, ToolError> {
        let days = plans.iter().map(|p| p.start.date());
        let (Some(first), Some(last)) = (days.clone().min(), days.max()) else {
            return Ok(Vec::new());
        };
        let query = TaskQuery {
            starts: (Some(first - Duration::days(1)), Some(last + Duration::days(2))),
            ..TaskQuery::default()
        };
        let (tasks, capped) = self.gateway.tasks(&query, fresh).await?;
        if capped {
            return Err(ToolError::Refused(format!(
                "too many tasks from {first} to {last} to check for existing ones; narrow the dates or give listing_id"
            )));
        }
        Ok(tasks)
    }
}
