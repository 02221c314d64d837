//! `list_tasks`: the tasks starting on some days (default the coming week), at one listing or
//! all, for one booking, of one status or kind, soonest first, their times in each listing's zone.

use chrono::{Duration, NaiveDateTime};
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::rows::{Category, Sites, TaskRow, TaskStatus};
use crate::hostaway::{Fresh, TaskQuery};
use crate::tools::{
    ToolContext,
    args::{self, Range},
    error::ToolError,
    params::Parameters,
};

/// Days one list_tasks call covers at most.
const MAX_DAYS: i64 = 62;
/// Days list_tasks covers by default: a week from the first.
const DEFAULT_DAYS: i64 = 7;

/// Arguments of `list_tasks`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTasksArgs {
    /// First day tasks start (default today).
    #[serde(default)]
    pub start_date: Option<String>,
    /// Last day, inclusive (default: a week on); at most 62 days.
    #[serde(default)]
    pub end_date: Option<String>,
    /// Only this listing.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub listing_id: Option<i64>,
    /// Only this booking's tasks, on any day unless dates are given.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub reservation_id: Option<i64>,
    /// Only this status.
    #[serde(default)]
    pub status: Option<TaskStatus>,
    /// Only this kind.
    #[serde(default)]
    pub category: Option<Category>,
    /// Tasks to return (default 50).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<u32>,
}

/// Tasks over some days.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TaskList {
    /// First day covered (absent when listing one booking's tasks on any day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Last day covered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Tasks that match.
    pub count: u32,
    /// The first `limit` of them, soonest first.
    pub tasks: Vec<TaskRow>,
    /// Whether every task was read (at most 1,000 are).
    pub complete: bool,
}

#[tool_router(router = list_tasks_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Tasks starting on some days (default: the coming week), soonest first, in each listing's zone.
    #[tool(
        name = "list_tasks",
        title = "List tasks",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn list_tasks(&self, Parameters(args): Parameters<ListTasksArgs>) -> Result<Json<TaskList>, ToolError> {
        self.known_listings("listing_id", args.listing_id.as_slice()).await?;
        self.known_reservation("reservation_id", args.reservation_id).await?;
        let limit = args::limit(args.limit, 50, 100)? as usize;
        let dated = args.start_date.is_some() || args.end_date.is_some() || args.reservation_id.is_none();
        let range = if dated {
            let today = self.today_at(args.listing_id).await?;
            let start = args::opt_date("start_date", args.start_date.as_deref(), today.date)?.unwrap_or(today.date);
            let end = match args.end_date.as_deref() {
                Some(end) => end.to_string(),
                None => (start + Duration::days(DEFAULT_DAYS - 1)).to_string(),
            };
            Some(Range::parse(&start.to_string(), &end, MAX_DAYS, today.date)?)
        } else {
            None
        };
        // Hostaway filters by UTC day; a day either side covers every zone, and the listing's
        // own day is compared here.
        let query = TaskQuery {
            reservation_id: args.reservation_id,
            status: args.status.map(TaskStatus::wire),
            starts: range
                .map_or((None, None), |r| (Some(r.start - Duration::days(1)), Some(r.end + Duration::days(1)))),
        };
        let (found, listings, staff) = tokio::join!(
            self.gateway.tasks(&query, Fresh::No),
            self.gateway.portfolio(),
            self.gateway.staff(Fresh::No)
        );
        let ((found, capped), sites) = (found?, Sites::of(&listings?, &staff?));
        let mut rows: Vec<(Option<NaiveDateTime>, TaskRow)> = found
            .iter()
            .filter(|t| args.listing_id.is_none_or(|id| t.listing_map_id == Some(id)))
            .filter(|t| args.category.is_none_or(|c| t.categories_map.as_ref().is_some_and(|m| m.contains(&c.id()))))
            .map(|t| {
                (
                    sites.local(
                        t.listing_map_id,
                        t.can_start_from.as_deref(),
                        t.can_start_from_listing_time.as_deref(),
                    ),
                    t,
                )
            })
            .filter(|(start, _)| range.is_none_or(|r| start.is_some_and(|s| s.date() >= r.start && s.date() <= r.end)))
            .map(|(start, t)| (start, sites.row(t)))
            .collect();
        rows.sort_by_key(|a| (a.0, a.1.task_id));
        Ok(Json(TaskList {
            start_date: range.map(|r| r.start.to_string()),
            end_date: range.map(|r| r.end.to_string()),
            count: u32::try_from(rows.len()).unwrap_or(u32::MAX),
            tasks: rows.into_iter().take(limit).map(|(_, row)| row).collect(),
            complete: !capped,
        }))
    }
}
