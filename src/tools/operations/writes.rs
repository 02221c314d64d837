//! Changing tasks: create one, or a cleaning after each departure between two dates, and update
//! one.
//!
//! Both preview by default and write only with `confirm: true`. Before a confirmed write they ask
//! Hostaway whether it is still needed: a task already there (the same booking and kind, or the
//! same listing, title, kind and start) answers `already_done` and is not created again; a task
//! already as asked answers `unchanged`. So a lost answer, a restart or a second replica never
//! makes the same task twice.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Category, Sites, TaskRow, TaskStatus, local_time, to_utc};
use crate::tools::today::LocalToday;
use crate::{
    hostaway::{Fresh, ReservationQuery, TaskQuery, types},
    tools::{
        ToolContext, WriteStatus,
        args::{self, Range},
        error::ToolError,
        params::Parameters,
        reservations::{occupies, writes::FieldChange},
        untrusted,
    },
};

/// Days of departures one create_task covers at most.
const MAX_DEPARTURE_DAYS: i64 = 31;
/// Tasks one create_task makes at most.
const MAX_NEW_TASKS: usize = 100;
/// Days after a departure the next arrival (the cleaning's deadline) is looked for.
const NEXT_ARRIVAL_DAYS: i64 = 30;
/// Pages of departures, and of arrivals, read at most.
const STAY_PAGES: u32 = 10;
/// Title of the cleanings after departures unless another is given.
const TURNOVER_TITLE: &str = "Turnover cleaning";
/// Check-out and check-in hours for a listing that states none.
const DEFAULT_HOURS: (u32, u32) = (11, 15);

/// Departure days to schedule a task after, inclusive.
#[derive(Debug, Hash, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Departures {
    /// First departure day, YYYY-MM-DD; not in the past.
    pub start_date: String,
    /// Last departure day, inclusive; at most 31 days in all.
    pub end_date: String,
}

/// Arguments of `create_task`.
#[derive(Debug, Hash, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTaskArgs {
    /// What to do; default with after_departures: "Turnover cleaning".
    #[serde(default)]
    pub title: Option<String>,
    /// Kind of task.
    pub category: Category,
    /// From search_listings; without it after_departures covers every listing.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub listing_id: Option<i64>,
    /// The booking it is for (sets the listing).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub reservation_id: Option<i64>,
    /// When it can start: YYYY-MM-DD HH:MM, or a day (00:00), listing's time zone; not in the past.
    #[serde(default)]
    pub start: Option<String>,
    /// When it must be done by, the same way (a day means 23:59).
    #[serde(default)]
    pub due: Option<String>,
    /// Details for whoever does it.
    #[serde(default)]
    pub description: Option<String>,
    /// Hostaway user to assign, as list_tasks shows them.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub assignee_user_id: Option<i64>,
    /// Instead of start and due: a task per stay departing on these days, check-out to the next check-in.
    #[serde(default)]
    pub after_departures: Option<Departures>,
    /// true applies it; else a preview.
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

/// Arguments of `update_task`.
#[derive(Debug, Hash, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTaskArgs {
    /// From list_tasks.
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
    /// New start: YYYY-MM-DD HH:MM, or a day (00:00), listing's time zone.
    #[serde(default)]
    pub start: Option<String>,
    /// New deadline, the same way (a day means 23:59).
    #[serde(default)]
    pub due: Option<String>,
    /// Hostaway user to assign.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub assignee_user_id: Option<i64>,
    /// true applies it; else a preview.
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

/// One task to create, validated, its times local to its listing.
#[derive(Clone, Debug)]
struct Plan {
    title: String,
    category: Category,
    listing: Option<i64>,
    reservation: Option<i64>,
    start: NaiveDateTime,
    due: Option<NaiveDateTime>,
    zone: Tz,
    description: Option<String>,
    assignee: Option<i64>,
}

impl Plan {
    fn input(&self) -> types::TaskInput {
        types::TaskInput {
            title: Some(self.title.clone()),
            listing_map_id: self.listing,
            reservation_id: self.reservation,
            can_start_from: Some(to_utc(self.start, self.zone)),
            should_end_by: self.due.map(|due| to_utc(due, self.zone)),
            categories_map: vec![self.category.id()],
            description: self.description.clone(),
            assignee_user_id: self.assignee,
            status: Some(types::TaskStatus::Pending),
            priority: None,
        }
    }

    fn row(&self, sites: &Sites) -> TaskRow {
        let shown = |at: NaiveDateTime| at.format("%Y-%m-%d %H:%M").to_string();
        TaskRow {
            task_id: None,
            title: self.title.clone(),
            status: "pending".into(),
            categories: vec![self.category],
            listing_id: self.listing,
            listing_name: self.listing.and_then(|id| sites.listings.get(&id)).map(|l| l.name.clone()),
            reservation_id: self.reservation,
            start: Some(shown(self.start)),
            due: self.due.map(shown),
            assignee_user_id: self.assignee,
            description: self.description.clone(),
        }
    }

    /// Whether `task` already does this job: the same booking and kind, or (for a task of no
    /// booking) the same listing, kind, title and start. A cancelled task does not.
    fn done_by(&self, task: &types::Task, sites: &Sites) -> bool {
        let alike = task.listing_map_id == self.listing
            && task.status.as_deref() != Some("cancelled")
            && task.categories_map.as_ref().is_some_and(|c| c.contains(&self.category.id()));
        match self.reservation {
            Some(reservation) => alike && task.reservation_id == Some(reservation),
            None => {
                let start = sites.local(
                    task.listing_map_id,
                    task.can_start_from.as_deref(),
                    task.can_start_from_listing_time.as_deref(),
                );
                alike && same_text(&task.title) == same_text(&self.title) && start == Some(self.start)
            }
        }
    }
}

/// A title as compared when looking for an existing task: case and spacing do not count.
fn same_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The tasks a create_task call asks for, with what is needed to show them.
struct Wanted {
    plans: Vec<Plan>,
    sites: Sites,
    note: Option<String>,
}

#[tool_router(router = task_write_tools, vis = "pub(crate)")]
impl ToolContext {
    /// Create a task, or with after_departures one per stay departing on some days (check-out to next check-in).
    /// already_done if they exist, so retrying is safe.
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
        let (out, status) = self
            .guard
            .run("create_task", &args, &summary, async {
                let existing = self.existing_tasks(&wanted.plans, Fresh::Yes).await?;
                let mut tasks = Vec::with_capacity(wanted.plans.len());
                let mut created: Vec<i64> = Vec::new();
                for plan in &wanted.plans {
                    if let Some(task) = existing.iter().find(|t| plan.done_by(t, &wanted.sites)) {
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
                Ok((CreateTaskOut { status, tasks, note: wanted.note.clone() }, status))
            })
            .await?;
        Ok(Json(CreateTaskOut { status, ..out }))
    }

    /// Change a task's status, title, details, times or assignee; the preview shows each change, and only what differs
    /// is sent.
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
        self.known_assignee("assignee_user_id", args.assignee_user_id).await?;
        let sites = Sites::of(&self.gateway.portfolio().await?);
        if !args.confirm {
            let task = self.gateway.task(args.task_id, Fresh::No).await?;
            let (changes, _) = self.task_changes(&task, &args, &sites)?;
            return Ok(Json(UpdateTaskOut { status: WriteStatus::Preview, task: sites.row(&task), changes }));
        }
        let summary = format!("task {}", args.task_id);
        let (out, status) = self
            .guard
            .run("update_task", &args, &summary, async {
                let task = self.gateway.task(args.task_id, Fresh::Yes).await?;
                let (changes, input) = self.task_changes(&task, &args, &sites)?;
                if changes.is_empty() {
                    let out = UpdateTaskOut { status: WriteStatus::Unchanged, task: sites.row(&task), changes };
                    return Ok((out, WriteStatus::Unchanged));
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
    /// Validates create_task's arguments into the tasks to create (none yet looked up in Hostaway).
    async fn wanted_tasks(&self, args: &CreateTaskArgs) -> Result<Wanted, ToolError> {
        untrusted::single_line("title", args.title.as_deref())?;
        let title = args::non_blank(args.title.as_deref());
        let description = args::non_blank(args.description.as_deref());
        self.known_assignee("assignee_user_id", args.assignee_user_id).await?;
        let listings = self.gateway.portfolio().await?;
        let sites = Sites::of(&listings);
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
            let plans = self.turnovers(args, range, &title, description, &sites).await?;
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
            assignee: args.assignee_user_id,
        };
        Ok(Wanted { plans: vec![plan], sites, note: None })
    }

    /// One task per stay departing in `range` (at one listing, or all): from the listing's
    /// check-out hour that day to its check-in hour on the day the next guest arrives.
    async fn turnovers(
        &self,
        args: &CreateTaskArgs,
        range: Range,
        title: &str,
        description: Option<String>,
        sites: &Sites,
    ) -> Result<Vec<Plan>, ToolError> {
        let leaving = ReservationQuery {
            listing_id: args.listing_id,
            departure: (Some(range.start), Some(range.end)),
            ..ReservationQuery::default()
        };
        let arriving = ReservationQuery {
            listing_id: args.listing_id,
            arrival: (Some(range.start), Some(range.end + Duration::days(NEXT_ARRIVAL_DAYS))),
            by_arrival: true,
            ..ReservationQuery::default()
        };
        let (leaving, arriving) = tokio::join!(
            self.gateway.reservations_walk(&leaving, STAY_PAGES),
            self.gateway.reservations_walk(&arriving, STAY_PAGES)
        );
        let ((leaving, capped_out), (arriving, capped_in)) = (leaving?, arriving?);
        if capped_out || capped_in {
            return Err(ToolError::Refused(format!(
                "too many stays from {} to {} to read at once: narrow the dates or give listing_id",
                range.start, range.end
            )));
        }
        let mut next_arrivals: HashMap<i64, Vec<(NaiveDate, i64)>> = HashMap::new();
        for r in arriving.iter().filter(|r| occupies(&r.status)) {
            next_arrivals.entry(r.listing_map_id).or_default().push((r.arrival_date, r.id));
        }
        let mut departing: Vec<&types::Reservation> = leaving
            .iter()
            .filter(|r| occupies(&r.status) && r.departure_date >= range.start && r.departure_date <= range.end)
            .collect();
        departing.sort_by_key(|r| (r.departure_date, r.listing_map_id, r.id));
        Ok(departing
            .into_iter()
            .map(|r| {
                let listing = sites.listings.get(&r.listing_map_id);
                let hour = |h: Option<i32>, default: u32| {
                    h.and_then(|h| u32::try_from(h).ok()).filter(|h| *h < 24).unwrap_or(default)
                };
                let out = hour(listing.and_then(|l| l.check_out_time), DEFAULT_HOURS.0);
                let check_in = hour(listing.and_then(|l| l.check_in_time_start), DEFAULT_HOURS.1);
                let at =
                    |day: NaiveDate, h: u32| day.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN));
                let start = at(r.departure_date, out);
                let next = next_arrivals
                    .get(&r.listing_map_id)
                    .into_iter()
                    .flatten()
                    .filter(|(day, id)| *id != r.id && *day >= r.departure_date)
                    .map(|(day, _)| *day)
                    .min();
                Plan {
                    title: title.to_string(),
                    category: args.category,
                    listing: Some(r.listing_map_id),
                    reservation: Some(r.id),
                    start,
                    due: next.map(|day| at(day, check_in)).filter(|due| *due > start),
                    zone: sites.zone(Some(r.listing_map_id)),
                    description: description.clone(),
                    assignee: args.assignee_user_id,
                }
            })
            .collect())
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

    /// What update_task changes in `task`, field by field, and the whole task to send.
    fn task_changes(
        &self,
        task: &types::Task,
        args: &UpdateTaskArgs,
        sites: &Sites,
    ) -> Result<(Vec<FieldChange>, types::TaskInput), ToolError> {
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
                changes.push(FieldChange { field: field.into(), before, after });
            }
        };
        let word = |s: Option<&str>| s.map(|s| TaskStatus::name(Some(s)));
        change("status", word(task.status.as_deref()), word(status.as_deref()));
        change("title", Some(task.title.clone()), args.title.as_deref().map(|t| t.trim().to_string()));
        change("description", task.description.clone(), args.description.clone());
        change("start", now_start.map(shown), start.map(shown));
        change("due", now_due.map(shown), due.map(shown));
        change(
            "assignee_user_id",
            task.assignee_user_id.map(|id| id.to_string()),
            args.assignee_user_id.map(|id| id.to_string()),
        );
        let input = types::TaskInput {
            title: Some(args.title.as_deref().map_or_else(|| task.title.clone(), |t| t.trim().to_string())),
            listing_map_id: task.listing_map_id,
            reservation_id: task.reservation_id,
            assignee_user_id: args.assignee_user_id.or(task.assignee_user_id),
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

/// The time a bare day means for a deadline.
fn end_of_day() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN)
}
