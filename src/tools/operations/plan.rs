//! The tasks create_task makes, planned before anything is sent: one as asked, or one per stay
//! departing between two dates (from the listing's check-out hour to its check-in hour on the day
//! the next guest arrives), and whether a task already in Hostaway does the same job.

use std::collections::HashMap;

use crate::tools::untrusted::Untrusted;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

use super::{
    create_task::CreateTaskArgs,
    rows::{Category, Sites, TaskRow},
};
use crate::tools::today::to_utc;
use crate::{
    hostaway::{ReservationQuery, types},
    tools::{ToolContext, args::Range, error::ToolError, reservations::occupies},
};

/// Days after a departure the next arrival (the cleaning's deadline) is looked for.
const NEXT_ARRIVAL_DAYS: i64 = 30;
/// Pages of departures, and of arrivals, read at most.
const STAY_PAGES: u32 = 10;
/// Check-out and check-in hours for a listing that states none.
const DEFAULT_HOURS: (u32, u32) = (11, 15);

/// One task to create, validated, its times local to its listing.
#[derive(Clone, Debug)]
pub(super) struct Plan {
    /// What to do.
    pub(super) title: String,
    /// Its kind.
    pub(super) category: Category,
    /// The listing, if any.
    pub(super) listing: Option<i64>,
    /// The booking it is for, if any.
    pub(super) reservation: Option<i64>,
    /// When it can start, local to `zone`.
    pub(super) start: NaiveDateTime,
    /// When it must be done by, local to `zone`.
    pub(super) due: Option<NaiveDateTime>,
    /// The listing's zone (the account's for a task of no listing).
    pub(super) zone: Tz,
    /// Details for whoever does it.
    pub(super) description: Option<String>,
    /// Hostaway user to assign.
    pub(super) assignee: Option<i64>,
}

impl Plan {
    /// The task as Hostaway takes it, its times in UTC.
    pub(super) fn input(&self) -> types::TaskInput {
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

    /// The task as the tools show it, before Hostaway has it.
    pub(super) fn row(&self, sites: &Sites) -> TaskRow {
        let shown = |at: NaiveDateTime| at.format("%Y-%m-%d %H:%M").to_string();
        TaskRow {
            task_id: None,
            title: self.title.clone().into(),
            status: "pending".into(),
            categories: vec![self.category],
            listing_id: self.listing,
            listing_name: self
                .listing
                .and_then(|id| sites.listings.get(&id))
                .map(|l| l.name.clone())
                .map(Untrusted::from),
            reservation_id: self.reservation,
            start: Some(shown(self.start)),
            due: self.due.map(shown),
            assignee_user_id: self.assignee,
            assignee: sites.staff_name(self.assignee),
            description: self.description.clone().map(Untrusted::from),
        }
    }

    /// What makes this task the same job in Hostaway, whatever its title, details or times say:
    /// the booking and kind for a booking's task, else the listing (or none), kind and start day.
    pub(super) fn identity(&self) -> TaskIdentity {
        let day = match self.reservation {
            Some(_) => None,
            None => Some(self.start.date()),
        };
        TaskIdentity { listing: self.listing, reservation: self.reservation, category: self.category, day }
    }

    /// Whether `task` already does this job: it has this plan's identity and is not cancelled.
    pub(super) fn done_by(&self, task: &types::Task, sites: &Sites) -> bool {
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
                alike && task.reservation_id.is_none() && start.map(|s| s.date()) == Some(self.start.date())
            }
        }
    }

    /// How `task`, which does this job already, differs from what this plan asked for.
    pub(super) fn differences(&self, task: &types::Task, sites: &Sites) -> Vec<String> {
        let asked = self.row(sites);
        let there = sites.row(task);
        let mut differ = Vec::new();
        let mut compare = |field: &str, there: Option<String>, asked: Option<String>| {
            if asked.is_some() && there != asked {
                let shown = |v: Option<String>| v.map_or_else(|| "none".to_string(), |v| format!("{v:?}"));
                differ.push(format!("{field} {} there, {} asked", shown(there), shown(asked)));
            }
        };
        // Both sides may be staff's text: compared as sent, shown cleaned.
        let text = |v: &Untrusted| crate::tools::untrusted::clean(v.raw());
        compare("title", Some(text(&there.title)), Some(text(&asked.title)));
        compare("start", there.start.clone(), asked.start.clone());
        compare("due", there.due.clone(), asked.due.clone());
        compare("description", there.description.as_ref().map(text), asked.description.as_ref().map(text));
        compare(
            "assignee",
            there.assignee_user_id.map(|a| a.to_string()),
            asked.assignee_user_id.map(|a| a.to_string()),
        );
        differ
    }
}

/// What makes two tasks the same job in Hostaway: the guard's key for concurrent confirms and the
/// rule the look-up for an existing task follows, so both agree on what "the same task" is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct TaskIdentity {
    listing: Option<i64>,
    reservation: Option<i64>,
    category: Category,
    /// The start day, local to the listing; none for a booking's task (one per booking and kind).
    day: Option<NaiveDate>,
}

impl ToolContext {
    /// One task per stay departing in `range` (at one listing, or all): from the listing's
    /// check-out hour that day to its check-in hour on the day the next guest arrives.
    pub(super) async fn turnovers(
        &self,
        args: &CreateTaskArgs,
        range: Range,
        title: &str,
        description: Option<String>,
        assignee: Option<i64>,
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
                    assignee,
                }
            })
            .collect())
    }
}
