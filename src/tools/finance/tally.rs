//! `revenue_report`'s arithmetic: Hostaway's consolidated report read row by row into stays, and
//! the stays' nights and money prorated over the period's groups, rounded so the groups add up to
//! the total to the cent.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::Value;

use super::revenue_report::{GroupBy, RevenueRow};
use crate::{
    domain::BookingStatus,
    hostaway::types,
    tools::{
        args::{Money, Range},
        channels,
        error::ToolError,
    },
};

/// The listings a report counts: their names, for rows that name rather than number their listing.
pub(super) struct Portfolio {
    /// Listings in scope, by id, with their names.
    listings: Vec<(i64, Option<String>)>,
    /// Listing id by name, for names only one listing has.
    by_name: HashMap<String, i64>,
    /// Listings counted for available nights.
    pub(super) count: u64,
}

impl Portfolio {
    /// The listings in scope: `filter`'s, or the whole `portfolio` when it is empty.
    pub(super) fn new(portfolio: &[types::Listing], filter: &[i64]) -> Self {
        let names: HashMap<i64, String> = portfolio.iter().map(|l| (l.id, l.name.clone())).collect();
        let mut seen: HashMap<String, Option<i64>> = HashMap::new();
        for listing in portfolio {
            seen.entry(listing.name.clone()).and_modify(|id| *id = None).or_insert(Some(listing.id));
        }
        let by_name = seen.into_iter().filter_map(|(name, id)| id.map(|id| (name, id))).collect();
        if filter.is_empty() {
            let listings = portfolio.iter().map(|l| (l.id, Some(l.name.clone()))).collect();
            return Self { listings, by_name, count: portfolio.len() as u64 };
        }
        let listings = filter.iter().map(|id| (*id, names.get(id).cloned())).collect();
        Self { listings, by_name, count: filter.len() as u64 }
    }
}

/// One stay from the report, with the money that its nights share.
pub(super) struct Stay {
    listing_id: Option<i64>,
    listing_name: String,
    channel: String,
    arrival: NaiveDate,
    departure: NaiveDate,
    room: f64,
    accommodation: f64,
    payout: f64,
}

/// Reads the report's rows by column name (Hostaway sends them positionally, aligned with `columns`).
pub(super) fn read_rows(report: &types::FinanceReport, portfolio: &Portfolio) -> Result<Vec<Stay>, ToolError> {
    let index: HashMap<&str, usize> = report.columns.iter().enumerate().map(|(i, c)| (c.name.as_str(), i)).collect();
    let required = |name: &str| {
        index.get(name).copied().ok_or_else(|| {
            ToolError::Refused(format!("Hostaway's consolidated report has no `{name}` column; cannot compute revenue"))
        })
    };
    let (arrival, departure) = (required("arrivalDate")?, required("departureDate")?);
    let (base, accommodation, payout) =
        (required("baseRate")?, required("accommodationFee")?, required("ownerPayout")?);
    let extra = index.get("priceForExtraPerson").copied();
    let listing_id = index.get("listingMapId").or_else(|| index.get("listingId")).copied();
    let listing_name = index.get("listingName").copied();
    let channel = index.get("channelName").copied();
    let status = index.get("status").copied();
    let mut stays = Vec::new();
    for row in &report.rows {
        let cell = |i: Option<usize>| i.and_then(|i| row.get(i));
        // Rows that are not a stay (e.g. a totals line) have no dates.
        let (Some(arrival), Some(departure)) = (date(cell(Some(arrival))), date(cell(Some(departure)))) else {
            continue;
        };
        if cell(status).and_then(Value::as_str).is_some_and(|s| !BookingStatus::from_hostaway(s).earns_revenue()) {
            continue;
        }
        let name = cell(listing_name).and_then(Value::as_str).unwrap_or_default().to_string();
        let id = cell(listing_id).and_then(number).map(|n| n as i64).or_else(|| portfolio.by_name.get(&name).copied());
        let amount = |i: Option<usize>| cell(i).and_then(number).unwrap_or(0.0);
        stays.push(Stay {
            listing_id: id,
            listing_name: name,
            channel: channels::name(None, cell(channel).and_then(Value::as_str)),
            arrival,
            departure,
            room: amount(Some(base)) + amount(extra),
            accommodation: amount(Some(accommodation)),
            payout: amount(Some(payout)),
        });
    }
    Ok(stays)
}

/// A cell as a number (Hostaway may send money as text).
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', "").parse().ok(),
        _ => None,
    }
}

/// A cell as a date (YYYY-MM-DD, possibly followed by a time).
fn date(value: Option<&Value>) -> Option<NaiveDate> {
    value.and_then(Value::as_str).and_then(|s| s.get(..10)).and_then(|d| d.parse().ok())
}

/// Running sums of one group.
#[derive(Default)]
struct Tally {
    label: String,
    listing_id: Option<i64>,
    available: i64,
    bookings: u64,
    nights: i64,
    room: f64,
    accommodation: f64,
    payout: f64,
}

impl Tally {
    fn new(label: String, listing_id: Option<i64>, available: i64) -> Self {
        Self { label, listing_id, available, ..Self::default() }
    }

    /// Adds `nights` of `stay`, with the same share of its money.
    fn add(&mut self, stay: &Stay, nights: i64) {
        let share = nights as f64 / (stay.departure - stay.arrival).num_days() as f64;
        self.bookings += 1;
        self.nights += nights;
        self.room += stay.room * share;
        self.accommodation += stay.accommodation * share;
        self.payout += stay.payout * share;
    }

    fn row(&self, currency: &str) -> RevenueRow {
        let money = |amount: f64| Money::new(amount, currency);
        let ratio = |part: f64, whole: i64| if whole > 0 { part / whole as f64 } else { 0.0 };
        RevenueRow {
            group: self.label.clone().into(),
            listing_id: self.listing_id,
            bookings: self.bookings,
            nights_sold: self.nights,
            available_nights: self.available,
            occupancy: (ratio(self.nights as f64, self.available) * 10_000.0).round() / 10_000.0,
            room_revenue: money(self.room),
            accommodation_revenue: money(self.accommodation),
            adr: (self.nights > 0).then(|| money(ratio(self.room, self.nights))),
            revpar: money(ratio(self.room, self.available)),
            owner_payout: money(self.payout),
        }
    }
}

/// The first day of the month after `date`'s.
fn next_month(date: NaiveDate) -> NaiveDate {
    let (year, month) = if date.month() == 12 { (date.year() + 1, 1) } else { (date.year(), date.month() + 1) };
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MAX)
}

/// The period's nights split by calendar month: (month, first night, night after the last).
fn months(start: NaiveDate, end: NaiveDate) -> Vec<(String, NaiveDate, NaiveDate)> {
    let mut parts = Vec::new();
    let mut from = start;
    while from < end {
        let to = next_month(from).min(end);
        parts.push((from.format("%Y-%m").to_string(), from, to));
        from = to;
    }
    parts
}

/// Tallies in the order their groups were first met, found by key.
#[derive(Default)]
struct Groups {
    tallies: Vec<Tally>,
    at: HashMap<String, usize>,
}

impl Groups {
    /// The tally of `key`, made by `make` the first time.
    fn entry(&mut self, key: String, make: impl FnOnce() -> Tally) -> &mut Tally {
        let tallies = &mut self.tallies;
        let at = *self.at.entry(key).or_insert_with(|| {
            tallies.push(make());
            tallies.len() - 1
        });
        &mut self.tallies[at]
    }
}

/// Groups and totals of `stays` over `range`; money is prorated by nights inside each group.
pub(super) fn summarize(
    stays: &[Stay],
    portfolio: &Portfolio,
    range: Range,
    group_by: GroupBy,
    currency: &str,
) -> (Vec<RevenueRow>, RevenueRow) {
    let (start, end) = (range.start, range.end + Duration::days(1));
    let days = range.days();
    let listings = portfolio.count as i64;
    let mut total = Tally::new("total".into(), None, listings * days);
    let mut groups = Groups::default();
    // Every listing and month of the period gets a row, sold or not.
    match group_by {
        GroupBy::Listing => {
            for (id, name) in &portfolio.listings {
                let label = name.clone().unwrap_or_else(|| format!("listing {id}"));
                groups.entry(format!("id:{id}"), || Tally::new(label, Some(*id), days));
            }
        }
        GroupBy::Month => {
            for (month, from, to) in months(start, end) {
                groups.entry(month.clone(), || Tally::new(month, None, listings * (to - from).num_days()));
            }
        }
        GroupBy::Channel | GroupBy::Total => {}
    }
    for stay in stays {
        let (from, to) = (stay.arrival.max(start), stay.departure.min(end));
        if from >= to {
            continue;
        }
        total.add(stay, (to - from).num_days());
        match group_by {
            GroupBy::Total => {}
            GroupBy::Listing => {
                let key =
                    stay.listing_id.map_or_else(|| format!("name:{}", stay.listing_name), |id| format!("id:{id}"));
                groups
                    .entry(key, || Tally::new(stay.listing_name.clone(), stay.listing_id, days))
                    .add(stay, (to - from).num_days());
            }
            GroupBy::Channel => {
                groups
                    .entry(stay.channel.clone(), || Tally::new(stay.channel.clone(), None, listings * days))
                    .add(stay, (to - from).num_days());
            }
            GroupBy::Month => {
                // Every month of the period already has its row.
                for (month, month_from, month_to) in months(from, to) {
                    groups.entry(month, Tally::default).add(stay, (month_to - month_from).num_days());
                }
            }
        }
    }
    let mut rows: Vec<RevenueRow> = match group_by {
        GroupBy::Total => vec![total.row(currency)],
        _ => groups.tallies.iter().map(|g| g.row(currency)).collect(),
    };
    if group_by != GroupBy::Total {
        // Each group's money is rounded so that the rows add up to the total to the cent.
        let parts = |part: fn(&Tally) -> f64| (groups.tallies.iter().map(part).collect::<Vec<_>>(), part(&total));
        set_cents(&mut rows, parts(|t| t.room), currency, |r| &mut r.room_revenue);
        set_cents(&mut rows, parts(|t| t.accommodation), currency, |r| &mut r.accommodation_revenue);
        set_cents(&mut rows, parts(|t| t.payout), currency, |r| &mut r.owner_payout);
    }
    if matches!(group_by, GroupBy::Listing | GroupBy::Channel) {
        rows.sort_by(|a, b| b.room_revenue.amount.total_cmp(&a.room_revenue.amount).then(a.group.cmp(&b.group)));
    }
    (rows, total.row(currency))
}

/// Sets one money `field` of `rows` from their exact `parts`, in cents that add up to `whole`.
fn set_cents(
    rows: &mut [RevenueRow],
    (parts, whole): (Vec<f64>, f64),
    currency: &str,
    field: fn(&mut RevenueRow) -> &mut Money,
) {
    for (row, amount) in rows.iter_mut().zip(cents_adding_up(&parts, whole)) {
        *field(row) = Money::new(amount, currency);
    }
}

/// Each of `parts` in whole cents such that they add up to `whole` rounded to the cent: every part
/// rounded down, and the cents left over given one each to the parts with the largest remainders
/// (the largest remainder method), ties to the earlier part.
fn cents_adding_up(parts: &[f64], whole: f64) -> Vec<f64> {
    let exact: Vec<f64> = parts.iter().map(|part| part * 100.0).collect();
    let mut cents: Vec<f64> = exact.iter().map(|c| c.floor()).collect();
    let left = ((whole * 100.0).round() - cents.iter().sum::<f64>()).round().clamp(0.0, parts.len() as f64) as usize;
    let mut by_remainder: Vec<usize> = (0..parts.len()).collect();
    by_remainder.sort_by(|&a, &b| (exact[b] - cents[b]).total_cmp(&(exact[a] - cents[a])).then(a.cmp(&b)));
    for &i in by_remainder.iter().take(left) {
        cents[i] += 1.0;
    }
    cents.into_iter().map(|c| c / 100.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounded_parts_add_up_to_their_rounded_whole() {
        // Three thirds of 100.00: rounded alone they make 99.99.
        let third = 100.0 / 3.0;
        let cents = cents_adding_up(&[third, third, third], 100.0);
        assert_eq!(cents, [33.34, 33.33, 33.33]);
        let parts = [0.004, 0.004, 0.004, 10.127];
        let rounded: f64 = cents_adding_up(&parts, parts.iter().sum()).iter().sum();
        assert!((rounded - 10.14).abs() < 1e-9, "{rounded}");
        assert_eq!(cents_adding_up(&[], 0.0), Vec::<f64>::new());
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn months_split_a_period_at_month_ends() {
        let parts = months(day("2027-01-30"), day("2027-03-02"));
        let spans: Vec<_> = parts.iter().map(|(m, f, t)| (m.as_str(), (*t - *f).num_days())).collect();
        assert_eq!(spans, [("2027-01", 2), ("2027-02", 28), ("2027-03", 1)]);
    }

    #[test]
    fn a_stay_across_the_edge_counts_its_share() {
        let stay = Stay {
            listing_id: Some(1),
            listing_name: "A".into(),
            channel: "direct".into(),
            arrival: day("2027-01-29"),
            departure: day("2027-02-02"),
            room: 400.0,
            accommodation: 440.0,
            payout: 300.0,
        };
        let portfolio = Portfolio { listings: vec![(1, Some("A".into()))], by_name: HashMap::new(), count: 1 };
        let range = Range::parse("2027-02-01", "2027-02-28", 366, NaiveDate::MIN).unwrap();
        let (_, totals) = summarize(&[stay], &portfolio, range, GroupBy::Total, "EUR");
        assert_eq!(totals.nights_sold, 1);
        assert_eq!(totals.room_revenue.amount, 100.0);
        assert_eq!(totals.accommodation_revenue.amount, 110.0);
        assert_eq!(totals.available_nights, 28);
    }
}
