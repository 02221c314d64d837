//! What the operations tools share: a task as they show it (its kinds, its status, its times in
//! its listing's zone), what they need to know of the listings, and the reading of time
//! arguments in a listing's zone and their conversion to Hostaway's UTC.

use crate::tools::untrusted::Untrusted;
use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::hostaway::types;
use crate::tools::{args, error::ToolError, today::zone_named};

/// What a task is for, as Hostaway's `categoriesMap` numbers them (1 to 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Cleaning.
    Cleaning,
    /// Maintenance and repairs.
    Maintenance,
    /// Meeting guests on arrival.
    CheckIn,
    /// Seeing guests out.
    CheckOut,
    /// Office work.
    BackOffice,
    /// Anything else.
    Other,
}

impl Category {
    const ALL: [Self; 6] =
        [Self::Cleaning, Self::Maintenance, Self::CheckIn, Self::CheckOut, Self::BackOffice, Self::Other];

    /// Hostaway's number for it.
    pub(super) fn id(self) -> i32 {
        match self {
            Self::Cleaning => 1,
            Self::Maintenance => 2,
            Self::CheckIn => 3,
            Self::CheckOut => 4,
            Self::BackOffice => 5,
            Self::Other => 6,
        }
    }

    /// The kind Hostaway's number stands for, if it is one of the six.
    pub(super) fn of(id: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// Where a task stands, as Hostaway's statuses (in this server's snake case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Not yet accepted.
    Pending,
    /// Accepted by whoever does it.
    Confirmed,
    /// Under way.
    InProgress,
    /// Done.
    Completed,
    /// Called off.
    Cancelled,
}

impl TaskStatus {
    /// The status as Hostaway spells it.
    pub(super) fn wire(self) -> types::TaskStatus {
        match self {
            Self::Pending => types::TaskStatus::Pending,
            Self::Confirmed => types::TaskStatus::Confirmed,
            Self::InProgress => types::TaskStatus::InProgress,
            Self::Completed => types::TaskStatus::Completed,
            Self::Cancelled => types::TaskStatus::Cancelled,
        }
    }

    /// The status Hostaway reports, in this server's words; unknown ones pass as they came.
    pub(super) fn name(hostaway: Option<&str>) -> String {
        match hostaway {
            Some("inProgress") => "in_progress".into(),
            Some(other) => other.to_string(),
            None => "pending".into(),
        }
    }
}

/// One task, its times in its listing's zone.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct TaskRow {
    /// The task (absent for one not created yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<i64>,
    /// What to do.
    pub title: Untrusted,
    /// pending, confirmed, in_progress, completed or cancelled.
    pub status: String,
    /// Its kinds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Category>,
    /// The listing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_id: Option<i64>,
    /// The listing's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_name: Option<Untrusted>,
    /// The booking it is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation_id: Option<i64>,
    /// When it can start, YYYY-MM-DD HH:MM in the listing's zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// When it must be done by, the same way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Hostaway user it is assigned to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_user_id: Option<i64>,
    /// Their name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Untrusted>,
    /// Details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Untrusted>,
}

/// What tasks need to know about listings (names, zones and check-in and check-out hours) and
/// about the staff (names).
pub(super) struct Sites {
    /// The portfolio's listings by id.
    pub(super) listings: HashMap<i64, types::Listing>,
    /// The zone of a task without a listing: the account's, as create_task reads its times.
    account: Tz,
    /// Staff names by user id.
    staff: HashMap<i64, String>,
}

impl Sites {
    /// What the portfolio's listings and the account's staff tell about their tasks.
    pub(super) fn of(listings: &[types::Listing], staff: &[types::User]) -> Self {
        Self {
            listings: listings.iter().map(|l| (l.id, l.clone())).collect(),
            account: crate::tools::today::account_zone(listings),
            staff: super::staff::names(staff),
        }
    }

    /// The name of the staff member `user` is, as a task shows it.
    pub(super) fn staff_name(&self, user: Option<i64>) -> Option<Untrusted> {
        user.and_then(|id| self.staff.get(&id)).map(|name| Untrusted::from(name.as_str()))
    }

    /// A listing's zone; the account's for no listing or an unknown one.
    pub(super) fn zone(&self, listing: Option<i64>) -> Tz {
        listing.and_then(|id| self.listings.get(&id)).map_or(self.account, |l| zone_named(l.time_zone_name.as_deref()))
    }

    /// A task time in its listing's zone: Hostaway's own listing-time twin, else the UTC time moved
    /// into the zone. A task without a listing has no listing time; its UTC time is moved into the
    /// account's zone, the one create_task read it in.
    pub(super) fn local(
        &self,
        listing: Option<i64>,
        utc: Option<&str>,
        listing_time: Option<&str>,
    ) -> Option<NaiveDateTime> {
        if let Some(local) = listing_time.filter(|_| listing.is_some()).and_then(args::hostaway_datetime) {
            return Some(local);
        }
        let utc = utc.and_then(args::hostaway_datetime)?;
        Some(utc.and_utc().with_timezone(&self.zone(listing)).naive_local())
    }

    /// A task as the tools show it.
    pub(super) fn row(&self, t: &types::Task) -> TaskRow {
        let shown = |at: Option<NaiveDateTime>| at.map(|at| at.format("%Y-%m-%d %H:%M").to_string());
        TaskRow {
            task_id: Some(t.id),
            title: t.title.clone().into(),
            status: TaskStatus::name(t.status.as_deref()),
            categories: t.categories_map.iter().flatten().filter_map(|id| Category::of(*id)).collect(),
            listing_id: t.listing_map_id,
            listing_name: t
                .listing_map_id
                .and_then(|id| self.listings.get(&id))
                .map(|l| l.name.clone())
                .map(Untrusted::from),
            reservation_id: t.reservation_id,
            start: shown(self.local(
                t.listing_map_id,
                t.can_start_from.as_deref(),
                t.can_start_from_listing_time.as_deref(),
            )),
            due: shown(self.local(
                t.listing_map_id,
                t.should_end_by.as_deref(),
                t.should_end_by_listing_time.as_deref(),
            )),
            assignee_user_id: t.assignee_user_id,
            assignee: self.staff_name(t.assignee_user_id),
            description: t.description.clone().map(Untrusted::from),
        }
    }
}

/// Reads a task time argument in `zone`: YYYY-MM-DD HH:MM (or with a T), or a bare day (or
/// today, tomorrow), which means `bare` o'clock that day.
pub(super) fn local_time(
    field: &'static str,
    value: &str,
    today: NaiveDate,
    bare: NaiveTime,
) -> Result<NaiveDateTime, ToolError> {
    let value = value.trim();
    for format in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(value, format) {
            return Ok(at);
        }
    }
    args::date(field, value, today)
        .map(|day| day.and_time(bare))
        .map_err(|_| ToolError::invalid(field, format!("{value:?} is not a time; use YYYY-MM-DD HH:MM or YYYY-MM-DD")))
}

/// The time a bare day means for a deadline.
pub(super) fn end_of_day() -> NaiveTime {
    NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_argument_takes_a_day_or_a_minute_and_names_itself_otherwise() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 28).unwrap();
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        let at = |h, m| today.and_hms_opt(h, m, 0).unwrap();
        assert_eq!(local_time("start", "2026-03-28 14:30", today, nine).unwrap(), at(14, 30));
        assert_eq!(local_time("start", "2026-03-28T14:30", today, nine).unwrap(), at(14, 30));
        assert_eq!(local_time("start", "today", today, nine).unwrap(), at(9, 0));
        let error = local_time("due", "soon", today, nine).unwrap_err().to_string();
        assert!(error.contains("`due`") && error.contains("YYYY-MM-DD HH:MM"), "{error}");
    }

    #[test]
    fn categories_and_statuses_keep_hostaways_numbers_and_words() {
        assert!(Category::ALL.iter().all(|c| Category::of(c.id()) == Some(*c)));
        assert_eq!(Category::of(7), None);
        assert_eq!(TaskStatus::name(Some("inProgress")), "in_progress");
        assert_eq!(TaskStatus::InProgress.wire().to_string(), "inProgress");
    }
}
