//! `revenue_report`: revenue, nights sold, occupancy, ADR and RevPAR over a period, for the whole
//! portfolio or split by listing, channel or month. The arithmetic (reading Hostaway's
//! consolidated report and prorating stays by their nights) is in `tally`.

use crate::tools::untrusted::Untrusted;
use chrono::Duration;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use super::tally::{Portfolio, read_rows, summarize};
use crate::{
    domain::BookingStatus,
    hostaway::finance_form::FinanceReportRequest,
    tools::{
        ToolContext,
        args::{self, Money, Range},
        bound,
        error::ToolError,
        params::Parameters,
    },
};

/// How `revenue_report` splits its figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// One row per listing.
    Listing,
    /// One row per booking channel (airbnb, booking.com, direct, ...: the names every tool uses).
    Channel,
    /// One row per calendar month (a stay across a month end is split by its nights).
    Month,
    /// One row for the whole portfolio (default).
    #[default]
    Total,
}

/// Arguments of `revenue_report`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevenueReportArgs {
    /// First night.
    pub start_date: String,
    /// Last night, inclusive; at most 366 days in all.
    pub end_date: String,
    /// How to group rows.
    #[serde(default, deserialize_with = "group_by")]
    pub group_by: GroupBy,
    /// Only these listings.
    #[serde(default, deserialize_with = "args::opt_ids")]
    #[schemars(inner(range(min = 1)))]
    pub listing_ids: Option<Vec<i64>>,
}

/// Figures of one group (or of the whole period).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RevenueRow {
    /// The listing's name, the channel's name, the month (YYYY-MM) or "total".
    pub group: Untrusted,
    /// The listing's id, in rows grouped by listing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_id: Option<i64>,
    /// Bookings with at least one night in the group.
    pub bookings: u64,
    /// Booked nights inside the period.
    pub nights_sold: i64,
    /// Nights that could have been sold: days in the period, times the listings counted.
    pub available_nights: i64,
    /// nights_sold / available_nights, 0 to 1.
    pub occupancy: f64,
    /// Nightly rates plus extra-guest charges, for the nights inside the period.
    pub room_revenue: Money,
    /// Accommodation fee as Hostaway reports it (room revenue plus cleaning), for the nights inside the period.
    pub accommodation_revenue: Money,
    /// Average daily rate: room_revenue / nights_sold (absent when nothing was sold).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adr: Option<Money>,
    /// Revenue per available night: room_revenue / available_nights.
    pub revpar: Money,
    /// What the owners receive after channel fees and the manager's commission, for the nights inside the period.
    pub owner_payout: Money,
}

/// Revenue over a period.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RevenueReport {
    /// First night of the period.
    pub start_date: String,
    /// Last night of the period (inclusive).
    pub end_date: String,
    /// How the rows are split.
    pub group_by: GroupBy,
    /// Listings counted for available nights.
    pub listings: u64,
    /// One row per group; when they would pass the answer's size bound, the last row stands for
    /// the groups left out (the lowest revenue), together.
    pub groups: Vec<RevenueRow>,
    /// The whole period.
    pub totals: RevenueRow,
}

/// Days before the period whose arrivals are read, so stays that began earlier are counted.
const LOOKBACK_DAYS: i64 = 31;
/// Longest period of a revenue report, in days.
const MAX_DAYS: i64 = 366;
/// Listings read for names and the portfolio size.
const LISTINGS_PAGE: u32 = 100;

#[tool_router(router = revenue_report_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Revenue, nights sold, occupancy, ADR and RevPAR for a period, total or by listing, channel or month; stays count
    /// by their nights in it.
    #[tool(
        name = "revenue_report",
        title = "Revenue report",
        annotations(
            title = "Revenue report",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn revenue_report(
        &self,
        Parameters(args): Parameters<RevenueReportArgs>,
    ) -> Result<Json<RevenueReport>, ToolError> {
        let words = [Some(args.start_date.as_str()), Some(args.end_date.as_str())];
        let today = self.today_for_words(None, &words).await?;
        let range = Range::parse(&args.start_date, &args.end_date, MAX_DAYS, today)?;
        let filter = match args.listing_ids {
            Some(ids) if ids.is_empty() => {
                return Err(ToolError::invalid("listing_ids", "give at least one listing id, or leave it out"));
            }
            Some(ids) if ids.len() > LISTINGS_PAGE as usize => {
                return Err(ToolError::invalid("listing_ids", format!("at most {LISTINGS_PAGE} listings")));
            }
            Some(mut ids) => {
                ids.sort_unstable();
                ids.dedup();
                ids
            }
            None => Vec::new(),
        };
        self.known_listings("listing_ids", &filter).await?;
        let request = FinanceReportRequest {
            listing_map_ids: filter.clone(),
            from_date: Some(range.start - Duration::days(LOOKBACK_DAYS)),
            to_date: Some(range.end),
            date_type: Some("arrivalDate".into()),
            statuses: BookingStatus::ALL
                .into_iter()
                .filter(|s| s.earns_revenue())
                .map(|s| s.as_str().to_string())
                .collect(),
            ..FinanceReportRequest::default()
        };
        let gateway = &self.gateway;
        let (report, listings) = tokio::join!(gateway.consolidated_report(request), gateway.portfolio());
        let (report, listings) = (report?, listings?);
        let portfolio = Portfolio::new(&listings, &filter);
        let stays = read_rows(&report, &portfolio)?;
        let currency = report
            .currency
            .clone()
            .or_else(|| listings.first().and_then(|l| l.currency_code.clone()))
            .unwrap_or_else(|| args::FALLBACK_CURRENCY.into());
        let (mut groups, totals) = summarize(&stays, &portfolio, range, args.group_by, &currency);
        let mut report = RevenueReport {
            start_date: range.start.to_string(),
            end_date: range.end.to_string(),
            group_by: args.group_by,
            listings: portfolio.count,
            groups: Vec::new(),
            totals,
        };
        let shown = bound::fitting(&groups, bound::chars(&report));
        if shown < groups.len() {
            let rest = groups.split_off(shown);
            groups.push(together(&rest, shown, &currency));
        }
        report.groups = groups;
        Ok(Json(report))
    }
}

/// The groups left out at the size bound as one row, labelled as such, so that the rows still add
/// up to the totals.
fn together(rest: &[RevenueRow], shown: usize, currency: &str) -> RevenueRow {
    let money = |field: fn(&RevenueRow) -> &Money| Money::new(rest.iter().map(|r| field(r).amount).sum(), currency);
    let ratio = |part: f64, whole: i64| if whole > 0 { part / whole as f64 } else { 0.0 };
    let nights: i64 = rest.iter().map(|r| r.nights_sold).sum();
    let available: i64 = rest.iter().map(|r| r.available_nights).sum();
    let room = money(|r| &r.room_revenue);
    let go_on = "this row adds up the rest; ask with listing_ids for their own rows";
    RevenueRow {
        group: format!("{} more groups: {}", rest.len(), bound::stopped(shown, "rows", go_on)).into(),
        listing_id: None,
        bookings: rest.iter().map(|r| r.bookings).sum(),
        nights_sold: nights,
        available_nights: available,
        occupancy: (ratio(nights as f64, available) * 10_000.0).round() / 10_000.0,
        adr: (nights > 0).then(|| Money::new(ratio(room.amount, nights), currency)),
        revpar: Money::new(ratio(room.amount, available), currency),
        room_revenue: room,
        accommodation_revenue: money(|r| &r.accommodation_revenue),
        owner_payout: money(|r| &r.owner_payout),
    }
}

/// Reads `group_by`, naming the argument when the value is not one of the four.
fn group_by<'de, D: Deserializer<'de>>(deserializer: D) -> Result<GroupBy, D::Error> {
    match Option::<String>::deserialize(deserializer)?.as_deref().map(str::trim) {
        None => Ok(GroupBy::default()),
        Some("listing") => Ok(GroupBy::Listing),
        Some("channel") => Ok(GroupBy::Channel),
        Some("month") => Ok(GroupBy::Month),
        Some("total") => Ok(GroupBy::Total),
        Some(other) => Err(serde::de::Error::custom(format!(
            "invalid argument `group_by`: {other:?} is not accepted; use listing, channel, month or total"
        ))),
    }
}
