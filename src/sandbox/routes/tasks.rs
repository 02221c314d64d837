//! Tasks: cleaning, maintenance and other jobs at a listing, with their times in UTC and in the
//! listing's own zone.

use crate::hostaway::id;
use std::sync::Arc;

use axum::extract::{Path, State};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use serde_json::json;

use crate::{
    hostaway::types,
    sandbox::{
        app::{Shared, lock},
        seed::FIRST_TASK_ID,
        store::{Store, format_datetime},
        wire::{self, Failure, Params, Reply},
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TasksQuery {
    limit: Option<usize>,
    offset: Option<usize>,
    channel_id: Option<i64>,
    reservation_id: Option<i64>,
    #[serde(rename = "match")]
    text: Option<String>,
    status: Option<String>,
    can_start_from_start: Option<NaiveDate>,
    can_start_from_end: Option<NaiveDate>,
    should_end_by_start: Option<NaiveDate>,
    should_end_by_end: Option<NaiveDate>,
}

/// The day part of a "YYYY-MM-DD HH:MM:SS" time.
fn day(at: Option<&str>) -> Option<NaiveDate> {
    at.and_then(|a| a.get(..10)).and_then(|d| d.parse().ok())
}

/// Whether the day of `at` lies within `from`..=`to` (open ends match anything; no time matches
/// only when both ends are open).
fn within(at: Option<&str>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    day(at).is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t))
}

/// `GET /tasks`: filtered, in id order, paged.
pub async fn list(State(shared): State<Arc<Shared>>, Params(q): Params<TasksQuery>) -> Reply {
    if q.limit == Some(0) {
        return Err(Failure::invalid("limit must be at least 1"));
    }
    let text = q.text.as_deref().map(str::to_lowercase);
    let store = lock(&shared.store);
    let found: Vec<types::Task> = store
        .tasks
        .values()
        .filter(|t| q.channel_id.is_none_or(|id| t.channel_id == Some(id)))
        .filter(|t| q.reservation_id.is_none_or(|id| t.reservation_id == Some(id)))
        .filter(|t| q.status.as_deref().is_none_or(|s| t.status.as_deref() == Some(s)))
        .filter(|t| {
            text.as_deref().is_none_or(|m| {
                t.title.to_lowercase().contains(m)
                    || t.description.as_deref().is_some_and(|d| d.to_lowercase().contains(m))
            })
        })
        .filter(|t| within(t.can_start_from.as_deref(), q.can_start_from_start, q.can_start_from_end))
        .filter(|t| within(t.should_end_by.as_deref(), q.should_end_by_start, q.should_end_by_end))
        .cloned()
        .collect();
    let total = found.len();
    wire::page(&wire::slice(&found, q.limit, q.offset), total, q.limit, q.offset)
}

fn find(store: &Store, id: i64) -> Result<&types::Task, Failure> {
    store.tasks.get(&id).ok_or_else(|| Failure::not_found("task", id))
}

/// `GET /tasks/{taskId}`.
pub async fn one(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Reply {
    let store = lock(&shared.store);
    wire::success(find(&store, id)?)
}

/// `GET /user/{userId}`: one of the account's staff.
pub async fn user(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Reply {
    let store = lock(&shared.store);
    wire::success(store.users.get(&id).cloned().ok_or_else(|| Failure::not_found("User", id))?)
}

/// `GET /users`: every user of the account, in id order (the docs give this list no paging).
pub async fn users(State(shared): State<Arc<Shared>>) -> Reply {
    let store = lock(&shared.store);
    wire::success(store.users.values().cloned().collect::<Vec<_>>())
}

/// `DELETE /tasks/{taskId}`: the task goes for good; a second delete finds nothing.
pub async fn delete(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Reply {
    let mut store = lock(&shared.store);
    find(&store, id)?;
    store.tasks.remove(&id);
    shared.applied(id::DELETE_TASK);
    wire::success(json!({}))
}

/// Checks the references a task makes and fills what Hostaway derives: the listing from the
/// reservation, the channel, and both times in the listing's zone.
fn settle(store: &Store, task: &mut types::Task) -> Result<(), Failure> {
    if task.title.trim().is_empty() {
        return Err(Failure::invalid("title is required"));
    }
    if let Some(id) = task.reservation_id {
        let reservation = store.reservations.get(&id).ok_or_else(|| Failure::not_found("reservation", id))?;
        if task.listing_map_id.is_some_and(|l| l != reservation.listing_map_id) {
            return Err(Failure::invalid(format!("reservation {id} is not at listing {:?}", task.listing_map_id)));
        }
        task.listing_map_id = Some(reservation.listing_map_id);
        task.channel_id = reservation.channel_id;
    }
    let zone = match task.listing_map_id {
        Some(id) => store.listing_zone(id).ok_or_else(|| Failure::not_found("listing", id))?,
        None => chrono_tz::Tz::UTC,
    };
    let local = |at: Option<&str>| -> Result<Option<String>, Failure> {
        let Some(at) = at else { return Ok(None) };
        let utc = NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S")
            .map_err(|_| Failure::invalid(format!("{at:?} is not a time as YYYY-MM-DD HH:MM:SS")))?;
        Ok(Some(format_datetime(utc.and_utc().with_timezone(&zone).naive_local())))
    };
    task.can_start_from_listing_time = local(task.can_start_from.as_deref())?;
    task.should_end_by_listing_time = local(task.should_end_by.as_deref())?;
    if let (Some(start), Some(end)) = (&task.can_start_from, &task.should_end_by)
        && end < start
    {
        return Err(Failure::invalid("shouldEndBy is before canStartFrom"));
    }
    Ok(())
}

/// `POST /tasks`.
pub async fn create(State(shared): State<Arc<Shared>>, wire::Body(input): wire::Body<types::TaskInput>) -> Reply {
    let Some(title) = input.title.clone() else {
        return Err(Failure::invalid("Required fields are missing: title"));
    };
    let mut store = lock(&shared.store);
    let id = Store::next_id(&store.tasks, FIRST_TASK_ID);
    let blank: types::Task = serde_json::from_value(json!({"id": id, "title": title, "status": "pending"}))
        .map_err(|e| Failure::Internal(e.to_string()))?;
    let mut task: types::Task = wire::merge(&blank, &input)?;
    settle(&store, &mut task)?;
    if task.status.as_deref() == Some("completed") {
        task.completed_at = Some(store.now_string());
    }
    store.tasks.insert(id, task.clone());
    shared.applied(id::CREATE_TASK);
    wire::success(task)
}

/// `PUT /tasks/{taskId}`: the fields sent replace the task's.
pub async fn update(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    wire::Body(input): wire::Body<types::TaskInput>,
) -> Reply {
    let mut store = lock(&shared.store);
    let current = find(&store, id)?.clone();
    let mut task: types::Task = wire::merge(&current, &input)?;
    settle(&store, &mut task)?;
    if task.status.as_deref() == Some("completed") && current.status.as_deref() != Some("completed") {
        task.completed_at = Some(store.now_string());
    }
    store.tasks.insert(id, task.clone());
    shared.applied(id::UPDATE_TASK);
    wire::success(task)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_filter_compares_the_utc_day_inclusively() {
        let may = |d| NaiveDate::from_ymd_opt(2026, 5, d);
        assert!(within(Some("2026-05-03 22:00:00"), may(3), may(3)));
        assert!(!within(Some("2026-05-04 00:00:00"), may(3), may(3)));
        assert!(within(None, None, None));
        assert!(!within(None, may(1), None));
    }
}
