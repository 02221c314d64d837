//! What `block_dates` does either way (blocking, or reopening with `unblock`): its arguments and
//! answer, the nights it changes as runs of days, the booked nights it cannot touch, and the one
//! body that previews or applies it. Every write previews unless called with `confirm: true`.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::update::{MAX_DAYS, update};
use crate::{
    hostaway::{Fresh, types},
    tools::{
        ToolContext, WriteStatus, args,
        days::{self, DayState},
        error::ToolError,
    },
};

/// Arguments of `block_dates`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub listing_id: i64,
    /// First day.
    pub start_date: String,
    /// Last day, inclusive; at most 366 days.
    pub end_date: String,
    /// Note shown on the days in Hostaway.
    #[serde(default)]
    pub note: Option<String>,
    /// true reopens blocked days instead.
    #[serde(default)]
    pub unblock: bool,
    /// true applies the preview.
    #[serde(default)]
    pub confirm: bool,
}

/// A run of consecutive days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Span {
    /// First day.
    pub start_date: String,
    /// Last day (inclusive).
    pub end_date: String,
}

/// A set of days as a count and runs of consecutive dates.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub struct Days {
    /// How many days.
    pub count: u32,
    /// The days as runs of consecutive dates, earliest first.
    pub spans: Vec<Span>,
}

/// Booked nights in the range: a reservation wins over a block or reopening, so they stay booked.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Conflict {
    /// The reservation holding the nights (known in previews).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation_id: Option<i64>,
    /// Calendar status of the nights: reserved or pending.
    pub status: String,
    /// First booked night in the range.
    pub start_date: String,
    /// Last booked night in the range (inclusive).
    pub end_date: String,
    /// Booked nights in the range.
    pub nights: u32,
}

/// What `block_dates` would do or did.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct AvailabilityOutcome {
    /// preview (nothing changed), done (changed now) or unchanged (Hostaway already holds this; nothing sent).
    pub status: WriteStatus,
    /// The listing.
    pub listing_id: i64,
    /// First day of the range.
    pub start_date: String,
    /// Last day of the range (inclusive).
    pub end_date: String,
    /// Preview only: days that would become blocked (or bookable, unblocking).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub will_change: Option<Days>,
    /// Preview only: days already blocked (or bookable, unblocking); nothing changes for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub already: Option<Days>,
    /// After the change: days now blocked (or bookable, unblocking).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now: Option<Days>,
    /// Booked nights in the range; they stay booked whatever this tool does.
    pub conflicts: Vec<Conflict>,
    /// One line for the user.
    pub summary: String,
}

/// The state `block_dates` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    /// Closed to bookings.
    Blocked,
    /// Bookable.
    Open,
}

impl ToolContext {
    /// The body of `block_dates`, either way.
    pub(super) async fn set_availability(
        &self,
        tool: &'static str,
        target: Target,
        args: AvailabilityArgs,
    ) -> Result<AvailabilityOutcome, ToolError> {
        let range = self.future_range(args.listing_id, &args.start_date, &args.end_date, MAX_DAYS).await?;
        let note = args.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            return Err(ToolError::invalid("note", "at most 500 characters"));
        }
        let id = args.listing_id;
        let wanted = match target {
            Target::Blocked => DayState::Blocked,
            Target::Open => DayState::Open,
        };
        let (verb, state_word) = match target {
            Target::Blocked => ("block", "blocked"),
            Target::Open => ("reopen", "bookable"),
        };
        let (start_date, end_date) = (range.start.to_string(), range.end.to_string());
        if !args.confirm {
            let calendar = self.gateway.calendar_with_reservations(id, range.start, range.end, Fresh::No).await?;
            let pick = |s: DayState| days(calendar.iter().filter(|d| days::state(d) == s).map(|d| d.date));
            let from = match target {
                Target::Blocked => DayState::Open,
                Target::Open => DayState::Blocked,
            };
            let (will_change, already) = (pick(from), pick(wanted));
            let conflicts = conflicts(&calendar);
            let summary = format!(
                "Would {verb} {} day(s); {} already {state_word}; {} booked night(s) stay booked.",
                will_change.count,
                already.count,
                conflicts.iter().map(|c| c.nights).sum::<u32>()
            );
            return Ok(AvailabilityOutcome {
                status: WriteStatus::Preview,
                listing_id: id,
                start_date,
                end_date,
                will_change: Some(will_change),
                already: Some(already),
                now: None,
                conflicts,
                summary,
            });
        }
        let is_available = match target {
            Target::Blocked => 0,
            Target::Open => 1,
        };
        let body = types::CalendarUpdate { is_available: Some(is_available), note, ..update(range) };
        let audit = format!("listing {id} {start_date}..{end_date} isAvailable={is_available}");
        let from = match target {
            Target::Blocked => DayState::Open,
            Target::Open => DayState::Blocked,
        };
        let differs = move |day: &types::CalendarDay| days::state(day) == from;
        let (calendar, status) = self.update_calendar(tool, id, range, body, &audit, differs).await?;
        let now = days(calendar.iter().filter(|d| days::state(d) == wanted).map(|d| d.date));
        let conflicts = conflicts(&calendar);
        let already = if status == WriteStatus::Unchanged { " already" } else { " now" };
        let summary = format!(
            "{} day(s) from {start_date} to {end_date} are{already} {state_word}; {} booked night(s) stay booked.",
            now.count,
            conflicts.iter().map(|c| c.nights).sum::<u32>()
        );
        Ok(AvailabilityOutcome {
            status,
            listing_id: id,
            start_date,
            end_date,
            will_change: None,
            already: None,
            now: Some(now),
            conflicts,
            summary,
        })
    }
}

/// Groups dates (ascending) into runs of consecutive days.
fn days(dates: impl Iterator<Item = NaiveDate>) -> Days {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let mut count = 0;
    for date in dates {
        count += 1;
        match runs.last_mut() {
            Some((_, end)) if end.succ_opt() == Some(date) => *end = date,
            _ => runs.push((date, date)),
        }
    }
    let spans = runs.into_iter().map(|(s, e)| Span { start_date: s.to_string(), end_date: e.to_string() }).collect();
    Days { count, spans }
}

/// Booked nights grouped by reservation (or by status when the reservation is unknown).
fn conflicts(calendar: &[types::CalendarDay]) -> Vec<Conflict> {
    let mut out: Vec<(Conflict, NaiveDate)> = Vec::new();
    for day in calendar.iter().filter(|d| days::state(d) == DayState::Booked) {
        let reservation_id = day.reservations.first().map(|r| r.id);
        let status = match day.status.as_deref() {
            Some("pending") => "pending",
            _ => "reserved",
        };
        match out.last_mut() {
            Some((c, last))
                if c.reservation_id == reservation_id && c.status == status && last.succ_opt() == Some(day.date) =>
            {
                c.end_date = day.date.to_string();
                c.nights += 1;
                *last = day.date;
            }
            _ => out.push((
                Conflict {
                    reservation_id,
                    status: status.to_string(),
                    start_date: day.date.to_string(),
                    end_date: day.date.to_string(),
                    nights: 1,
                },
                day.date,
            )),
        }
    }
    out.into_iter().map(|(c, _)| c).collect()
}
