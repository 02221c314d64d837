//! The portfolio's calendar at a glance: many listings' nights over up to 62 days in one answer,
//! instead of one get_calendar per listing, a page of listings at a time.
//!
//! One calendar read per listing of the page, all started at once: the gateway paces them within
//! Hostaway's limits and caches them, so asking again, or get_calendar for one of them, costs
//! nothing. Pages follow listing ids, so every listing comes once. A page ends early, and says so,
//! at the tool's deadline (after the listings read in order so far) or where the next listing
//! would pass the answer's size bound; `next_cursor` goes on from there.

use crate::tools::untrusted::Untrusted;
use chrono::{Duration, NaiveDate};
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

use super::rows::gaps;
use crate::{
    hostaway::{Fresh, GatewayError, deadline, types},
    tools::{
        ToolContext,
        args::{self, Cursor, Range},
        bound,
        days::{self, DayState},
        error::ToolError,
        listings,
        params::Parameters,
    },
};

/// Days one portfolio calendar covers at most.
const MAX_DAYS: i64 = 62;
/// Listings one page reads at most: a fan-out Hostaway's rate limits get through in about a
/// minute, and about as many as the size bound lets through over the longest range.
const PAGE: usize = 100;

/// Arguments of `portfolio_calendar`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortfolioCalendarArgs {
    /// First day.
    pub start_date: String,
    /// Last day, inclusive; at most 62 days.
    pub end_date: String,
    /// Only this city.
    #[serde(default)]
    pub city: Option<String>,
    /// Only these listings.
    #[serde(default, deserialize_with = "args::opt_ids")]
    #[schemars(inner(range(min = 1)))]
    pub listing_ids: Option<Vec<i64>>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Every listing's nights over a range.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PortfolioCalendar {
    /// First day.
    pub start_date: String,
    /// Last day (inclusive).
    pub end_date: String,
    /// One entry per listing of the page, by listing id.
    pub listings: Vec<ListingNights>,
    /// Pass as `cursor` (same arguments) for the next listings; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// False when the page stopped early: at the tool's deadline, or at the answer's size bound.
    pub complete: bool,
    /// Why the page stopped early, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incomplete_reason: Option<String>,
}

/// One listing's nights.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ListingNights {
    /// The listing.
    pub listing_id: i64,
    /// Its name.
    pub name: Untrusted,
    /// Free nights (gap nights included).
    pub free: u32,
    /// Free nights too short for the minimum stay, between unavailable nights.
    pub gap: u32,
    /// Booked nights.
    pub booked: u32,
    /// Blocked nights.
    pub blocked: u32,
    /// Consecutive nights in the same state, in date order.
    pub runs: Vec<NightRun>,
}

/// Consecutive nights in the same state (free ones also with the same minimum stay).
#[derive(Debug, Serialize, JsonSchema)]
pub struct NightRun {
    /// First night.
    pub from: String,
    /// Last night (inclusive).
    pub to: String,
    /// free, gap (free but shorter than the minimum stay), booked or blocked.
    pub state: NightState,
    /// Free nights: the lowest nightly price in the run, in the listing's currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_from: Option<f64>,
    /// Free nights: the highest, when prices differ within the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_to: Option<f64>,
    /// Free nights: the minimum stay for an arrival on them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_stay: Option<i32>,
}

/// What a night is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NightState {
    /// Can be booked.
    Free,
    /// Free, but in a stretch shorter than its minimum stay.
    Gap,
    /// Taken by a reservation.
    Booked,
    /// Closed by the host.
    Blocked,
}

#[tool_router(router = portfolio_calendar_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Many listings' free, gap, booked and blocked nights at once, as counts and runs.
    #[tool(
        name = "portfolio_calendar",
        title = "Portfolio calendar",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn portfolio_calendar(
        &self,
        Parameters(args): Parameters<PortfolioCalendarArgs>,
    ) -> Result<Json<PortfolioCalendar>, ToolError> {
        let offset = match Cursor::decode(args.cursor.as_deref())? {
            Some(Cursor::Offset(n)) => n as usize,
            None => 0,
            Some(Cursor::After(_)) => return Err(ToolError::invalid("cursor", "this cursor belongs to another tool")),
        };
        let words = [Some(args.start_date.as_str()), Some(args.end_date.as_str())];
        let today = self.today_for_words(None, &words).await?;
        let range = Range::parse(&args.start_date, &args.end_date, MAX_DAYS, today)?;
        let city = args::search_text("city", args.city.as_deref())?;
        let portfolio = self.gateway.portfolio().await?;
        let city = city.map(|c| listings::place("city", &c, &portfolio)).transpose()?;
        self.known_listings("listing_ids", args.listing_ids.as_deref().unwrap_or_default()).await?;
        let mut chosen: Vec<types::Listing> = portfolio
            .into_iter()
            .filter(|l| city.as_deref().is_none_or(|c| l.city.as_deref() == Some(c)))
            .filter(|l| args.listing_ids.as_ref().is_none_or(|ids| ids.contains(&l.id)))
            .collect();
        chosen.sort_by_key(|l| l.id);
        let total = chosen.len();
        if offset > total || (offset == total && offset > 0) {
            return Err(ToolError::invalid(
                "cursor",
                format!("this cursor points past the end: {total} listings match now; call again without a cursor"),
            ));
        }
        let page: Vec<types::Listing> = chosen.into_iter().skip(offset).take(PAGE).collect();
        let asked = page.len();
        let mut reads = JoinSet::new();
        for (at, listing) in page.into_iter().enumerate() {
            let gateway = self.gateway.clone();
            // Spawned reads keep the tool's deadline, so the whole fan-out ends by it.
            let read = async move {
                let days = gateway.calendar(listing.id, range.start, range.end, Fresh::No).await;
                (at, listing, days)
            };
            match deadline::current() {
                Some(by) => reads.spawn(deadline::within(by, read)),
                None => reads.spawn(read),
            };
        }
        let mut answered: Vec<Option<ListingNights>> = (0..asked).map(|_| None).collect();
        let mut stopped: Option<GatewayError> = None;
        while let Some(done) = reads.join_next().await {
            let (at, listing, days) = done.map_err(|e| ToolError::Refused(format!("a calendar read failed: {e}")))?;
            match days {
                Ok(days) => answered[at] = Some(nights(&listing, &days)),
                Err(error) if deadline::ran_out(&error) => stopped = Some(error),
                Err(error) => return Err(error.into()),
            }
        }
        // The listings read in order up to the first one the deadline cut off: the next page
        // starts there, so none is skipped (those read after it are cached for that page).
        let read: Vec<ListingNights> = answered.into_iter().map_while(|nights| nights).collect();
        let mut answer = PortfolioCalendar {
            start_date: range.start.to_string(),
            end_date: range.end.to_string(),
            listings: Vec::new(),
            next_cursor: None,
            complete: true,
            incomplete_reason: None,
        };
        let fit = bound::fitting(&read, bound::chars(&answer));
        let shown = read.len().min(fit);
        let next = offset + shown;
        answer.next_cursor = (next < total).then(|| Cursor::Offset(next as u32).encode());
        answer.incomplete_reason = if read.len() < asked {
            let why = stopped.map_or_else(String::new, |e| format!(" ({e})"));
            Some(format!(
                "{shown} of {asked} listings read before the tool's deadline{why}; pass next_cursor for the rest"
            ))
        } else if shown < read.len() {
            Some(bound::stopped(shown, "listings", "pass next_cursor for the rest, or ask for fewer days"))
        } else {
            None
        };
        answer.complete = answer.incomplete_reason.is_none();
        answer.listings = read;
        answer.listings.truncate(shown);
        Ok(Json(answer))
    }
}

/// One listing's nights, folded into runs.
fn nights(listing: &types::Listing, days: &[types::CalendarDay]) -> ListingNights {
    let gap_nights: Vec<NaiveDate> = gaps(days)
        .iter()
        .filter_map(|gap| {
            let first = NaiveDate::parse_from_str(&gap.start_date, "%Y-%m-%d").ok()?;
            Some((0..gap.nights as i64).map(move |i| first + Duration::days(i)))
        })
        .flatten()
        .collect();
    let mut out = ListingNights {
        listing_id: listing.id,
        name: listing.name.clone().into(),
        free: 0,
        gap: 0,
        booked: 0,
        blocked: 0,
        runs: Vec::new(),
    };
    let mut last: Option<NaiveDate> = None;
    for day in days {
        let state = match days::state(day) {
            DayState::Open if gap_nights.contains(&day.date) => NightState::Gap,
            DayState::Open => NightState::Free,
            DayState::Booked => NightState::Booked,
            DayState::Blocked => NightState::Blocked,
        };
        match state {
            NightState::Free => out.free += 1,
            NightState::Gap => {
                out.free += 1;
                out.gap += 1;
            }
            NightState::Booked => out.booked += 1,
            NightState::Blocked => out.blocked += 1,
        }
        let free = matches!(state, NightState::Free | NightState::Gap);
        let min_stay = if free { day.minimum_stay } else { None };
        let price = if free { day.price } else { None };
        let extends = out.runs.last().is_some_and(|run| {
            last.is_some_and(|l| l + Duration::days(1) == day.date) && run.state == state && run.min_stay == min_stay
        });
        match out.runs.last_mut() {
            Some(run) if extends => {
                run.to = day.date.to_string();
                if let Some(price) = price {
                    let low = run.price_from.map_or(price, |p| p.min(price));
                    let high = run.price_to.or(run.price_from).map_or(price, |p| p.max(price));
                    run.price_from = Some(low);
                    run.price_to = (high > low).then_some(high);
                }
            }
            _ => out.runs.push(NightRun {
                from: day.date.to_string(),
                to: day.date.to_string(),
                state,
                price_from: price,
                price_to: None,
                min_stay,
            }),
        }
        last = Some(day.date);
    }
    out
}
