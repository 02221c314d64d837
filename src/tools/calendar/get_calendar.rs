//! `get_calendar`: one listing's calendar over up to a year, folded into runs of days alike in
//! status, price and minimum stay, with totals and the gap nights no guest can book as things
//! stand; every day as a row with `detail: "full"`.

use crate::tools::untrusted::Untrusted;
use chrono::{Duration, NaiveDate};
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    bookable,
    rows::{Gap, gaps},
};
use crate::hostaway::{Fresh, types};
use crate::tools::{
    ToolContext,
    args::{self, Detail, Range},
    days::{self, DayState},
    error::ToolError,
    params::Parameters,
};

/// Longest range one `get_calendar` call covers, in days.
const MAX_CALENDAR_DAYS: i64 = 366;

/// Arguments of `get_calendar`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetCalendarArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub listing_id: i64,
    /// First day.
    pub start_date: String,
    /// Last day, inclusive; at most 366 days.
    pub end_date: String,
    /// `full` adds a row per day.
    #[serde(default)]
    pub detail: Detail,
}

/// A listing's calendar over a range.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Calendar {
    /// The listing.
    pub listing_id: i64,
    /// First day.
    pub start_date: String,
    /// Last day (inclusive).
    pub end_date: String,
    /// Nights by kind over the range.
    pub totals: CalendarTotals,
    /// Consecutive days with the same status, price and minimum stay, in date order.
    pub runs: Vec<CalendarRun>,
    /// Free nights between two unavailable days that are fewer than the minimum stay of their
    /// first day, so no guest can book them as things stand.
    pub gaps: Vec<Gap>,
    /// One row per day (`detail: "full"` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<Vec<CalendarDayRow>>,
}

/// Nights by kind.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct CalendarTotals {
    /// Days in the range.
    pub days: u64,
    /// Days that can be booked.
    pub available: u64,
    /// Days taken by reservations (reserved or pending).
    pub booked: u64,
    /// Days closed by the host (blocked) or otherwise unavailable.
    pub blocked: u64,
    /// Available days that sit in gaps (see `gaps`).
    pub gap_nights: u64,
}

/// Consecutive days that look alike.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CalendarRun {
    /// First day.
    pub start_date: String,
    /// Last day (inclusive).
    pub end_date: String,
    /// Days in the run.
    pub days: u64,
    /// Hostaway's day status: available, reserved, pending, blocked, ...
    pub status: String,
    /// Nightly price in the listing's currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// Minimum stay for an arrival on these days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_stay: Option<i32>,
}

/// One calendar day.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CalendarDayRow {
    /// The day.
    pub date: String,
    /// Hostaway's day status.
    pub status: String,
    /// Nightly price in the listing's currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// Minimum stay for an arrival that day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_stay: Option<i32>,
    /// Maximum stay for an arrival that day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_stay: Option<i32>,
    /// Guests cannot arrive that day.
    pub closed_on_arrival: bool,
    /// Guests cannot leave that day.
    pub closed_on_departure: bool,
    /// The host's note on the day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Untrusted>,
}

#[tool_router(router = get_calendar_tool, vis = "pub(crate)")]
impl ToolContext {
    /// A listing's calendar as runs of days alike in status, price and min stay, with totals and gap nights.
    #[tool(
        name = "get_calendar",
        title = "Get calendar",
        annotations(
            title = "Get calendar",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn get_calendar(
        &self,
        Parameters(args): Parameters<GetCalendarArgs>,
    ) -> Result<Json<Calendar>, ToolError> {
        let words = [Some(args.start_date.as_str()), Some(args.end_date.as_str())];
        let today = self.today_for_words(Some(args.listing_id), &words).await?;
        let range = Range::parse(&args.start_date, &args.end_date, MAX_CALENDAR_DAYS, today)?;
        let days = self.gateway.calendar(args.listing_id, range.start, range.end, Fresh::No).await?;
        let mut totals = CalendarTotals { days: days.len() as u64, ..CalendarTotals::default() };
        for day in &days {
            match days::state(day) {
                DayState::Open => totals.available += 1,
                DayState::Booked => totals.booked += 1,
                DayState::Blocked => totals.blocked += 1,
            }
        }
        let gaps = gaps(&days);
        totals.gap_nights = gaps.iter().map(|g| g.nights).sum();
        Ok(Json(Calendar {
            listing_id: args.listing_id,
            start_date: range.start.to_string(),
            end_date: range.end.to_string(),
            totals,
            runs: runs(&days),
            gaps,
            days: (args.detail == Detail::Full).then(|| days.iter().map(day_row).collect()),
        }))
    }
}

/// Folds consecutive days with the same status, price and minimum stay.
fn runs(days: &[types::CalendarDay]) -> Vec<CalendarRun> {
    let mut runs: Vec<CalendarRun> = Vec::new();
    let mut last: Option<NaiveDate> = None;
    for day in days {
        let status = bookable::status(day);
        let extends = runs.last().is_some_and(|run| {
            last.is_some_and(|l| l + Duration::days(1) == day.date)
                && run.status == status
                && run.price == day.price
                && run.min_stay == day.minimum_stay
        });
        match runs.last_mut() {
            Some(run) if extends => {
                run.end_date = day.date.to_string();
                run.days += 1;
            }
            _ => runs.push(CalendarRun {
                start_date: day.date.to_string(),
                end_date: day.date.to_string(),
                days: 1,
                status,
                price: day.price,
                min_stay: day.minimum_stay,
            }),
        }
        last = Some(day.date);
    }
    runs
}

/// One day as a full-detail row.
fn day_row(day: &types::CalendarDay) -> CalendarDayRow {
    CalendarDayRow {
        date: day.date.to_string(),
        status: bookable::status(day),
        price: day.price,
        min_stay: day.minimum_stay,
        max_stay: day.maximum_stay,
        closed_on_arrival: day.closed_on_arrival == Some(1),
        closed_on_departure: day.closed_on_departure == Some(1),
        note: day.note.clone().map(Untrusted::from),
    }
}
