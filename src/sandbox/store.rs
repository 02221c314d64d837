//! The sandbox's in-memory account: generated wire types plus the few facts they derive from.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use super::pricing::{self, Breakdown, Rates};
use crate::{clock::Clock, hostaway::types};

/// A day a listing's calendar was explicitly set (by seeding or by a calendar update).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DayOverride {
    /// 0 blocks the day, 1 opens it.
    pub is_available: Option<i32>,
    /// Nightly price instead of the seasonal one.
    pub price: Option<f64>,
    /// Minimum stay for an arrival that day.
    pub minimum_stay: Option<i32>,
    /// Maximum stay for an arrival that day.
    pub maximum_stay: Option<i32>,
    /// 1 when guests cannot arrive that day.
    pub closed_on_arrival: Option<i32>,
    /// 1 when guests cannot leave that day.
    pub closed_on_departure: Option<i32>,
    /// Free text shown on the day.
    pub note: Option<String>,
}

/// Everything the sandbox account holds.
#[derive(Debug, Default)]
pub struct Store {
    /// The date the seeded history is anchored on ("today" for the data).
    pub today: NaiveDate,
    /// The current time; writes are stamped with it, moved onto the anchor date.
    pub clock: Clock,
    /// The amenity catalogue.
    pub amenities: Vec<types::Amenity>,
    /// Listings by id.
    pub listings: BTreeMap<i64, types::Listing>,
    /// Reservations by id.
    pub reservations: BTreeMap<i64, types::Reservation>,
    /// Price breakdown of each reservation, the source of its finance fields and report rows.
    pub money: HashMap<i64, Breakdown>,
    /// Explicit calendar settings by listing and date.
    pub days: HashMap<(i64, NaiveDate), DayOverride>,
    /// Conversations by id, without their embedded latest message and reservation.
    pub conversations: BTreeMap<i64, types::Conversation>,
    /// Messages by id.
    pub messages: BTreeMap<i64, types::ConversationMessage>,
    /// Message templates.
    pub templates: Vec<types::MessageTemplate>,
    /// The listing and the channel a template is for, by template id; a template without an
    /// entry is for every listing and channel.
    pub template_scopes: HashMap<i64, TemplateScope>,
    /// Guest charges.
    pub charges: Vec<types::GuestCharge>,
    /// Expenses and extras.
    pub expenses: Vec<types::Expense>,
    /// Reviews, guest-to-host and host-to-guest.
    pub reviews: Vec<types::Review>,
    /// Owner statements.
    pub owner_statements: Vec<types::OwnerStatement>,
    /// Tasks by id.
    pub tasks: BTreeMap<i64, types::Task>,
    /// The account's custom fields (made in Hostaway's dashboard), of reservations and listings.
    pub custom_fields: Vec<types::CustomField>,
    /// The account's staff by id: the people tasks are assigned to.
    pub users: BTreeMap<i64, types::User>,
    /// Each listing's fee settings (pet, parking, resort fees, ...) in id order, by listing id; a listing
    /// without an entry has none. They stay out of the sandbox's quotes and reservation prices.
    pub fee_settings: BTreeMap<i64, Vec<types::ListingFeeSetting>>,
    /// The id the last fee setting got, so a new one never takes the id of one deleted before it.
    pub last_fee_setting_id: i64,
    /// Finance fields set through `PUT /financeField`, by reservation id and then field id: reads of the
    /// reservation's finance fields show them over what its breakdown gives (the breakdown itself, the
    /// reservation's totalPrice and the consolidated report do not follow them).
    pub finance_overrides: HashMap<i64, BTreeMap<i64, FieldOverride>>,
    /// Unified webhooks by id (none at the start).
    pub webhooks: BTreeMap<i64, types::UnifiedWebhook>,
    /// Every delivery attempt, oldest first.
    pub webhook_logs: Vec<types::UnifiedWebhookLog>,
}

/// What `PUT /financeField/{reservationId}/{financeFieldId}` set a finance field to, kept so that later
/// reads show it as Hostaway would.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldOverride {
    /// The field's new value (and total: the sandbox's fields have no quantity).
    pub value: f64,
    /// Whether the field counts in the total price (`isIncludedInTotalPrice`).
    pub included: bool,
    /// Whether the caller marked the value as set by hand (`isOverriddenByUser`).
    pub overridden: bool,
}

/// What a message template is limited to (Hostaway's `listingMapId` and `channelId`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TemplateScope {
    /// Only this listing's conversations.
    pub listing: Option<i64>,
    /// Only this channel's conversations.
    pub channel: Option<i64>,
}

/// Whether a reservation in `status` occupies the calendar: the domain's one rule of which
/// statuses hold nights, so the sandbox and the tools cannot drift apart on it.
pub fn blocks_calendar(status: &str) -> bool {
    crate::domain::BookingStatus::from_hostaway(status).holds_nights()
}

/// Hostaway's datetime format, "YYYY-MM-DD HH:MM:SS" in UTC.
pub fn format_datetime(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

impl Store {
    /// The account's clock: the clock's time of day on the anchor date moved as far as the clock's
    /// date moved, so writes always sort after the seeded history whatever date the data is anchored on.
    pub fn now(&self) -> NaiveDateTime {
        let now = self.clock.now().naive_utc();
        now + (self.today - now.date())
    }

    /// [`Store::now`] in Hostaway's datetime format.
    pub fn now_string(&self) -> String {
        format_datetime(self.now())
    }

    /// The time zone `listing` keeps (UTC when it names none); `None` when there is no such listing.
    pub fn listing_zone(&self, listing: i64) -> Option<chrono_tz::Tz> {
        let listing = self.listings.get(&listing)?;
        Some(listing.time_zone_name.as_deref().and_then(|n| n.parse().ok()).unwrap_or(chrono_tz::Tz::UTC))
    }

    /// Next free id in a map.
    pub fn next_id<T>(map: &BTreeMap<i64, T>, floor: i64) -> i64 {
        map.keys().next_back().map_or(floor, |last| last + 1).max(floor)
    }

    /// The reservation occupying `listing`'s night of `date`, if one does.
    fn occupant<'a>(&self, stays: &[&'a types::Reservation], date: NaiveDate) -> Option<&'a types::Reservation> {
        stays.iter().copied().find(|r| r.arrival_date <= date && date < r.departure_date)
    }

    /// Calendar-blocking reservations of one listing.
    pub fn blocking_stays(&self, listing_id: i64) -> Vec<&types::Reservation> {
        self.reservations.values().filter(|r| r.listing_map_id == listing_id && blocks_calendar(&r.status)).collect()
    }

    /// The calendar of a listing from `start` to `end` inclusive.
    pub fn calendar(
        &self,
        listing: &types::Listing,
        start: NaiveDate,
        end: NaiveDate,
        with_reservations: bool,
    ) -> Vec<types::CalendarDay> {
        let stays = self.blocking_stays(listing.id);
        let mut days = Vec::new();
        let mut date = start;
        while date <= end {
            days.push(self.day(listing, &stays, date, with_reservations));
            date += Duration::days(1);
        }
        days
    }

    fn day(
        &self,
        listing: &types::Listing,
        stays: &[&types::Reservation],
        date: NaiveDate,
        with_reservations: bool,
    ) -> types::CalendarDay {
        let set = self.days.get(&(listing.id, date)).cloned().unwrap_or_default();
        let occupant = self.occupant(stays, date);
        let blocked = set.is_available == Some(0);
        let (status, is_available) = match occupant {
            Some(r) if r.status.as_str() == "pending" => ("pending", 0),
            Some(_) => ("reserved", 0),
            None if blocked => ("blocked", 0),
            None => ("available", 1),
        };
        let reservations = match (occupant, with_reservations) {
            (Some(r), true) => vec![types::CalendarReservation {
                id: r.id,
                listing_map_id: Some(r.listing_map_id),
                channel_id: r.channel_id,
                guest_name: r.guest_name.clone(),
                arrival_date: Some(r.arrival_date),
                departure_date: Some(r.departure_date),
                status: Some(r.status.to_string()),
            }],
            _ => Vec::new(),
        };
        types::CalendarDay {
            id: Some(listing.id * 100_000 + i64::from(date.num_days_from_ce() % 100_000)),
            date,
            is_available: Some(is_available),
            is_processed: Some(1),
            status: Some(status.to_string()),
            price: Some(set.price.unwrap_or_else(|| self.seasonal_price(listing, date))),
            minimum_stay: Some(
                set.minimum_stay.unwrap_or_else(|| pricing::minimum_stay(listing.min_nights.unwrap_or(1), date)),
            ),
            maximum_stay: Some(set.maximum_stay.unwrap_or(listing.max_nights.unwrap_or(365))),
            closed_on_arrival: set.closed_on_arrival,
            closed_on_departure: set.closed_on_departure,
            note: set.note,
            reservations,
        }
    }

    fn seasonal_price(&self, listing: &types::Listing, date: NaiveDate) -> f64 {
        pricing::nightly(listing.price.unwrap_or(100.0), date)
    }

    /// Whether every night from `arrival` to the night before `departure` is free, ignoring one reservation.
    pub fn is_free(
        &self,
        listing: &types::Listing,
        arrival: NaiveDate,
        departure: NaiveDate,
        ignore: Option<i64>,
    ) -> bool {
        let stays: Vec<_> = self.blocking_stays(listing.id).into_iter().filter(|r| Some(r.id) != ignore).collect();
        nights(arrival, departure).all(|date| {
            self.occupant(&stays, date).is_none()
                && self.days.get(&(listing.id, date)).and_then(|d| d.is_available) != Some(0)
        })
    }

    /// Prices a stay against the listing's calendar.
    pub fn quote(
        &self,
        listing: &types::Listing,
        arrival: NaiveDate,
        departure: NaiveDate,
        guests: i32,
        channel_id: i64,
    ) -> Breakdown {
        let prices: Vec<f64> = nights(arrival, departure)
            .map(|date| {
                self.days
                    .get(&(listing.id, date))
                    .and_then(|d| d.price)
                    .unwrap_or_else(|| self.seasonal_price(listing, date))
            })
            .collect();
        let rates = Rates {
            base: listing.price.unwrap_or(100.0),
            cleaning_fee: listing.cleaning_fee.unwrap_or(0.0),
            guests_included: listing.guests_included.unwrap_or(1),
            extra_person: listing.price_for_extra_person.unwrap_or(0.0),
            country_code: listing.country_code.as_deref().unwrap_or(""),
        };
        pricing::quote(&rates, &prices, guests, channel_id)
    }
}

/// The nights of a stay: arrival up to the day before departure.
pub fn nights(arrival: NaiveDate, departure: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    arrival.iter_days().take_while(move |d| *d < departure)
}

/// Applies a breakdown to a reservation's money fields.
pub fn apply_money(reservation: &mut types::Reservation, money: &Breakdown) {
    reservation.total_price = Some(money.total());
    reservation.tax_amount = Some(money.tax);
    reservation.cleaning_fee = Some(money.cleaning_fee);
    reservation.channel_commission_amount = Some(money.channel_fee);
}
