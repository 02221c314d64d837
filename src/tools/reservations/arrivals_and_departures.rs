//! `arrivals_and_departures`: a day or up to two weeks of check-ins, check-outs and same-day
//! turnovers, counted on the listing's (or the account's) today. Only bookings that hold the
//! calendar count; each side reads at most three pages.

use crate::tools::untrusted::Untrusted;
use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::rows::{nights, occupies};
use crate::{
    hostaway::{ReservationQuery, types},
    tools::{ToolContext, args, bound, error::ToolError, params::Parameters},
};

/// Arguments of `arrivals_and_departures`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArrivalsArgs {
    /// First day (default today).
    #[serde(default)]
    pub date: Option<String>,
    /// Days from `date`, 1-14 (default 1).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1, max = 14))]
    pub days: Option<u32>,
    /// Only this listing.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub listing_id: Option<i64>,
}

/// Check-ins, check-outs and turnovers, day by day.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Operations {
    /// One entry per day asked for, in order (empty days included), unless `note` says otherwise.
    pub days: Vec<DayOperations>,
    /// True when more reservations arrive or leave in the period than were scanned (300 each way).
    pub capped: bool,
    /// Today's date in `time_zone`, which `date` and day words count from.
    pub today: String,
    /// The listing's time zone with `listing_id`, else the account's (the one most listings keep).
    pub time_zone: String,
    /// Why fewer days are here than asked for (the answer's size bound), and the `date` to go on from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What happens on one day.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DayOperations {
    /// The day.
    pub date: String,
    /// Guests arriving, by listing name.
    pub check_ins: Vec<Movement>,
    /// Guests leaving, by listing name.
    pub check_outs: Vec<Movement>,
    /// Listings with a check-out and a check-in that day: cleaning must fit between them.
    pub turnovers: Vec<Turnover>,
}

/// A guest arriving or leaving.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Movement {
    /// The reservation.
    pub reservation_id: i64,
    /// The listing.
    pub listing_id: i64,
    /// The listing's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_name: Option<Untrusted>,
    /// Guest's name ("Owner" for owner stays).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_name: Option<Untrusted>,
    /// Number of guests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guests: Option<i32>,
    /// Nights of the stay.
    pub nights: i64,
    /// Check-in hour for arrivals, check-out hour for departures (listing's local time), if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hour: Option<i32>,
}

/// A same-day check-out and check-in at one listing.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Turnover {
    /// The listing.
    pub listing_id: i64,
    /// The listing's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_name: Option<Untrusted>,
    /// The reservation leaving.
    pub check_out_reservation_id: i64,
    /// The reservation arriving.
    pub check_in_reservation_id: i64,
    /// Hour the leaving guests must be out, if known: the cleaning window opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_out_hour: Option<i32>,
    /// Hour the arriving guests may come in, if known: the cleaning window closes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in_hour: Option<i32>,
}

#[tool_router(router = arrivals_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Check-ins, check-outs and same-day turnovers per day, of the bookings holding the calendar.
    #[tool(
        name = "arrivals_and_departures",
        title = "Arrivals and departures",
        annotations(
            title = "Arrivals and departures",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn arrivals_and_departures(
        &self,
        Parameters(args): Parameters<ArrivalsArgs>,
    ) -> Result<Json<Operations>, ToolError> {
        self.known_listings("listing_id", args.listing_id.as_slice()).await?;
        let today = self.today_at(args.listing_id).await?;
        let start = args::opt_date("date", args.date.as_deref(), today.date)?.unwrap_or(today.date);
        let days = match args.days {
            None => 1,
            Some(n) if (1..=MAX_DAYS).contains(&n) => n,
            Some(n) => return Err(ToolError::invalid("days", format!("{n} is out of range; use 1 to {MAX_DAYS}"))),
        };
        let end = start + Duration::days(i64::from(days) - 1);
        let period = (Some(start), Some(end));
        let arriving = ReservationQuery {
            listing_id: args.listing_id,
            arrival: period,
            by_arrival: true,
            ..ReservationQuery::default()
        };
        let leaving =
            ReservationQuery { listing_id: args.listing_id, departure: period, ..ReservationQuery::default() };
        let gateway = &self.gateway;
        let (arrivals, departures, listings) = tokio::join!(
            gateway.reservations_walk(&arriving, DAY_PAGES),
            gateway.reservations_walk(&leaving, DAY_PAGES),
            gateway.portfolio(),
        );
        let ((arrivals, capped_in), (departures, capped_out)) = (arrivals?, departures?);
        let names: HashMap<i64, String> = listings?.into_iter().map(|l| (l.id, l.name)).collect();
        let occupying = |r: &&types::Reservation| occupies(&r.status);
        let days: Vec<DayOperations> = (0..i64::from(days))
            .map(|offset| {
                let date = start + Duration::days(offset);
                let ins: Vec<&types::Reservation> =
                    arrivals.iter().filter(occupying).filter(|r| r.arrival_date == date).collect();
                let outs: Vec<&types::Reservation> =
                    departures.iter().filter(occupying).filter(|r| r.departure_date == date).collect();
                day(date, &ins, &outs, &names)
            })
            .collect();
        let mut answer = Operations {
            days: Vec::new(),
            capped: capped_in || capped_out,
            today: today.date.to_string(),
            time_zone: today.zone.to_string(),
            note: None,
        };
        let shown = bound::fitting(&days, bound::chars(&answer));
        answer.note = (shown < days.len()).then(|| {
            let next = start + Duration::days(shown as i64);
            bound::stopped(shown, "days", &format!("call again with date {next} for the rest"))
        });
        answer.days = days;
        answer.days.truncate(shown);
        Ok(Json(answer))
    }
}

/// Pages of arrivals (and of departures) read at most.
const DAY_PAGES: u32 = 3;
/// Days arrivals_and_departures covers at most.
const MAX_DAYS: u32 = 14;

/// One day's check-ins, check-outs and turnovers.
fn day(
    date: NaiveDate,
    ins: &[&types::Reservation],
    outs: &[&types::Reservation],
    names: &HashMap<i64, String>,
) -> DayOperations {
    let movement = |r: &types::Reservation, hour: Option<i32>| Movement {
        reservation_id: r.id,
        listing_id: r.listing_map_id,
        listing_name: names.get(&r.listing_map_id).cloned().map(Untrusted::from),
        guest_name: r.guest_name.clone().map(Untrusted::from),
        guests: r.number_of_guests,
        nights: nights(r),
        hour,
    };
    let by_listing = |a: &Movement, b: &Movement| {
        (&a.listing_name, a.listing_id, a.reservation_id).cmp(&(&b.listing_name, b.listing_id, b.reservation_id))
    };
    let mut check_ins: Vec<Movement> = ins.iter().map(|r| movement(r, r.check_in_time)).collect();
    let mut check_outs: Vec<Movement> = outs.iter().map(|r| movement(r, r.check_out_time)).collect();
    check_ins.sort_by(by_listing);
    check_outs.sort_by(by_listing);
    let mut turnovers: Vec<Turnover> = outs
        .iter()
        .filter_map(|out| {
            let arriving = ins.iter().find(|r| r.listing_map_id == out.listing_map_id)?;
            Some(Turnover {
                listing_id: out.listing_map_id,
                listing_name: names.get(&out.listing_map_id).cloned().map(Untrusted::from),
                check_out_reservation_id: out.id,
                check_in_reservation_id: arriving.id,
                check_out_hour: out.check_out_time,
                check_in_hour: arriving.check_in_time,
            })
        })
        .collect();
    turnovers.sort_by(|a, b| (&a.listing_name, a.listing_id).cmp(&(&b.listing_name, b.listing_id)));
    DayOperations { date: date.to_string(), check_ins, check_outs, turnovers }
}
