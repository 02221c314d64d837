//! `create_reservation`: a direct booking. The preview names the listing, checks the nights and the
//! party and shows Hostaway's quote; a confirmed booking first looks for the same guest already
//! holding the listing on those dates, so a lost answer, a restart or a second replica never books
//! twice.

use crate::tools::untrusted::Untrusted;
use std::num::NonZeroU32;

use chrono::Duration;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::writes::{MAX_STAY_NIGHTS, is_active, looks_like_email, over_capacity, taken_dates};
use crate::{
    domain::Channel,
    hostaway::{Fresh, ReservationQuery, types},
    tools::{
        ToolContext, WriteStatus,
        args::{self, Money, Stay},
        error::ToolError,
        params::Parameters,
        reservations,
    },
};

/// Arguments of `create_reservation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReservationArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub listing_id: i64,
    /// Arrival day.
    pub check_in: String,
    /// Departure day, exclusive.
    pub check_out: String,
    /// Guests in the party, at least 1.
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub guests: u32,
    /// Guest's full name.
    pub guest_name: String,
    /// Guest's email address.
    #[serde(default)]
    pub guest_email: Option<String>,
    /// Guest's phone, with country code.
    #[serde(default)]
    pub guest_phone: Option<String>,
    /// Total to charge instead of Hostaway's quote.
    #[serde(default)]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub total_price: Option<f64>,
    /// Private host note for the team.
    #[serde(default)]
    pub note: Option<String>,
    /// true applies the preview.
    #[serde(default)]
    pub confirm: bool,
}

/// One line of Hostaway's price quote.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct QuoteLine {
    /// What it is, e.g. "Base rate", "Cleaning fee", "Lodging tax".
    pub title: Untrusted,
    /// Its amount, in the listing's currency.
    pub amount: f64,
}

/// Hostaway's price quote for the stay (amounts in the listing's currency).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Quote {
    /// What the guest would pay in all.
    pub total: Money,
    /// How the total is made up.
    pub lines: Vec<QuoteLine>,
}

/// What `create_reservation` would book, or booked.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CreateReservationOut {
    /// preview (nothing booked), done (booked now) or already_done (an active booking of this
    /// listing, these dates and this guest exists; nothing was booked again).
    pub status: WriteStatus,
    /// The listing.
    pub listing_id: i64,
    /// The listing's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_name: Option<Untrusted>,
    /// The guest the booking is for.
    pub guest_name: Untrusted,
    /// Arrival day.
    pub check_in: String,
    /// Departure day.
    pub check_out: String,
    /// Nights.
    pub nights: i64,
    /// Guests.
    pub guests: u32,
    /// Whether every night is free; when false, confirm is refused.
    pub nights_free: bool,
    /// Nights already reserved or blocked (empty when free).
    pub taken_dates: Vec<String>,
    /// Hostaway's quote for the stay (absent for already_done).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<Quote>,
    /// The total that is (or would be) booked: total_price when given, else the quote.
    pub total_to_book: Money,
    /// Things to check before confirming, e.g. a minimum stay longer than this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The new reservation's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation_id: Option<i64>,
    /// The booked total as Hostaway stored it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<Money>,
}
#[tool_router(router = create_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Book a direct stay; the preview checks free nights and capacity and shows the quote.
    #[tool(
        name = "create_reservation",
        title = "Create reservation",
        annotations(
            title = "Create reservation",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    pub async fn create_reservation(
        &self,
        Parameters(args): Parameters<CreateReservationArgs>,
    ) -> Result<Json<CreateReservationOut>, ToolError> {
        crate::tools::untrusted::single_line("guest_name", Some(&args.guest_name))?;
        crate::tools::untrusted::single_line("guest_email", args.guest_email.as_deref())?;
        crate::tools::untrusted::single_line("guest_phone", args.guest_phone.as_deref())?;
        let stay = self.future_stay(Some(args.listing_id), &args.check_in, &args.check_out, MAX_STAY_NIGHTS).await?;
        let guests = NonZeroU32::new(args.guests).ok_or_else(|| ToolError::invalid("guests", "must be at least 1"))?;
        let guest_name = args.guest_name.split_whitespace().collect::<Vec<_>>().join(" ");
        if guest_name.is_empty() {
            return Err(ToolError::invalid("guest_name", "is blank; give the guest's full name"));
        }
        let guest_email = args::non_blank(args.guest_email.as_deref());
        if guest_email.as_deref().is_some_and(|e| !looks_like_email(e)) {
            return Err(ToolError::invalid("guest_email", "is not an email address, e.g. ana@example.com"));
        }
        let guest_phone = args::non_blank(args.guest_phone.as_deref());
        let note = args::non_blank(args.note.as_deref());
        if args.total_price.is_some_and(|p| !p.is_finite() || p <= 0.0) {
            return Err(ToolError::invalid("total_price", "must be a positive amount; omit it to use the quote"));
        }
        let listing_id = args.listing_id;
        let wanted = Booking { listing_id, stay, guests, guest_name, total_price: args.total_price };
        if !args.confirm {
            return Ok(Json(self.booking_plan(&wanted, Fresh::No).await?));
        }
        // The booking's identity, as the look-up for one made already sees it: the listing, the
        // dates and the guest. Confirms that differ in anything else are the same booking.
        let request = (listing_id, stay.check_in, stay.check_out, wanted.guest_name.to_lowercase());
        let asked =
            Asked { guest_email: guest_email.as_deref(), guest_phone: guest_phone.as_deref(), note: note.as_deref() };
        let summary = format!("listing {listing_id} {} to {} for {guests} guests", stay.check_in, stay.check_out);
        let (out, status) = self
            .guard
            .run("create_reservation", &request, &summary, async {
                if let Some(existing) = self.booked_already(&wanted).await? {
                    let listing = self.gateway.listing(listing_id, Fresh::No).await.ok();
                    let out = already_booked(&wanted, &asked, &existing, listing.as_ref());
                    return Ok((out, WriteStatus::AlreadyDone));
                }
                let mut plan = self.booking_plan(&wanted, Fresh::Yes).await?;
                if !plan.nights_free {
                    return Err(ToolError::Refused(format!(
                        "listing {listing_id} is not free from {} to {}: taken {}; nothing was booked. Pick other \
                         dates or another listing (find_available_listings)",
                        stay.check_in,
                        stay.check_out,
                        plan.taken_dates.join(", ")
                    )));
                }
                let (first, last) = split_name(&wanted.guest_name);
                let body = types::ReservationInput {
                    channel_id: Some(Channel::Direct.id()),
                    listing_map_id: Some(listing_id),
                    arrival_date: Some(stay.check_in),
                    departure_date: Some(stay.check_out),
                    number_of_guests: Some(guests),
                    adults: i32::try_from(guests.get()).ok(),
                    guest_name: Some(wanted.guest_name.clone()),
                    guest_first_name: first,
                    guest_last_name: last,
                    guest_email: guest_email.clone(),
                    phone: guest_phone.clone(),
                    total_price: Some(plan.total_to_book.amount),
                    host_note: note.clone(),
                    ..Default::default()
                };
                let created = self
                    .gateway
                    .create_reservation(listing_id, body)
                    .await
                    .map_err(|e| ToolError::of_write("create_reservation", "the booking was made", e))?;
                plan.reservation_id = Some(created.id);
                plan.total = reservations::row(&created).total;
                Ok((plan, WriteStatus::Done))
            })
            .await?;
        Ok(Json(CreateReservationOut { status, ..out }))
    }
}

/// The booking `create_reservation` was asked for, validated.
#[derive(Debug)]
struct Booking {
    listing_id: i64,
    stay: Stay,
    guests: NonZeroU32,
    guest_name: String,
    total_price: Option<f64>,
}

/// Bookings of one listing arriving on one day read at most, to find one made already.
const SAME_ARRIVAL_PAGE: u32 = 100;

impl ToolContext {
    /// An active booking of the same listing, dates and guest, as Hostaway holds it now.
    async fn booked_already(&self, wanted: &Booking) -> Result<Option<types::Reservation>, ToolError> {
        let (listing_id, stay) = (wanted.listing_id, wanted.stay);
        let query = ReservationQuery {
            listing_id: Some(listing_id),
            arrival: (Some(stay.check_in), Some(stay.check_in)),
            ..ReservationQuery::default()
        };
        let page = self.gateway.reservations_page(&query, SAME_ARRIVAL_PAGE, None, Fresh::Yes).await?;
        let name = same_name(&wanted.guest_name);
        Ok(page.result.into_iter().find(|r| {
            r.listing_map_id == listing_id
                && r.arrival_date == stay.check_in
                && r.departure_date == stay.check_out
                && is_active(r)
                && r.guest_name.as_deref().map(same_name).as_deref() == Some(name.as_str())
        }))
    }

    /// Names the listing, checks the nights and the party, and prices the stay, concurrently: the
    /// preview of `create_reservation`.
    async fn booking_plan(&self, wanted: &Booking, fresh: Fresh) -> Result<CreateReservationOut, ToolError> {
        let (listing_id, stay, guests) = (wanted.listing_id, wanted.stay, wanted.guests);
        let (listing, days, quote) = tokio::join!(
            self.gateway.listing(listing_id, Fresh::No),
            self.gateway.calendar(listing_id, stay.check_in, stay.check_out - Duration::days(1), fresh),
            self.gateway.price_details(listing_id, stay.check_in, stay.check_out, guests)
        );
        let listing = listing?;
        if let Some(refusal) = over_capacity(&listing, guests) {
            return Err(ToolError::Refused(format!("{refusal}; nothing was booked")));
        }
        let (days, quote) = (days?, quote?);
        let currency = args::currency_or_fallback(listing.currency_code.as_deref());
        let taken = taken_dates(&days, |_| false);
        let mut warnings = Vec::new();
        if let Some(arrival) = days.iter().find(|d| d.date == stay.check_in) {
            if let Some(min) = arrival.minimum_stay.filter(|min| i64::from(*min) > stay.nights()) {
                warnings.push(format!("arrivals on {} usually need at least {min} nights", stay.check_in));
            }
            if arrival.closed_on_arrival == Some(1) {
                warnings.push(format!("{} is closed to arrivals", stay.check_in));
            }
        }
        if wanted.total_price.is_some() {
            warnings.push(format!("total_price overrides Hostaway's quote of {} {currency}", quote.total_price));
        }
        let lines = quote
            .components
            .iter()
            .filter(|c| c.is_included_in_total_price != Some(0) && c.is_deleted != Some(1))
            .map(|c| QuoteLine { title: c.title.clone().unwrap_or_else(|| c.name.clone()).into(), amount: c.total })
            .collect();
        let out = CreateReservationOut {
            status: WriteStatus::Preview,
            listing_id,
            listing_name: Some(listing.name.clone().into()),
            guest_name: wanted.guest_name.clone().into(),
            check_in: stay.check_in.to_string(),
            check_out: stay.check_out.to_string(),
            nights: stay.nights(),
            guests: guests.get(),
            nights_free: taken.is_empty(),
            taken_dates: taken,
            quote: Some(Quote { total: Money::new(quote.total_price, currency.clone()), lines }),
            total_to_book: Money::new(wanted.total_price.unwrap_or(quote.total_price), currency),
            warnings,
            reservation_id: None,
            total: None,
        };
        Ok(out)
    }
}

/// What a confirm asked for beyond the booking's identity and party.
struct Asked<'a> {
    guest_email: Option<&'a str>,
    guest_phone: Option<&'a str>,
    note: Option<&'a str>,
}

/// The fields in which the booking that exists differs from what this confirm asked for.
fn differences(wanted: &Booking, asked: &Asked<'_>, existing: &types::Reservation) -> Vec<&'static str> {
    let differs = |asked: Option<&str>, held: Option<&str>| asked.is_some_and(|a| held != Some(a));
    let cents = |amount: f64| (amount * 100.0).round() as i64;
    let mut fields = Vec::new();
    if existing.number_of_guests.and_then(|n| u32::try_from(n).ok()) != Some(wanted.guests.get()) {
        fields.push("guests");
    }
    if differs(asked.guest_email, existing.guest_email.as_deref()) {
        fields.push("guest_email");
    }
    if differs(asked.guest_phone, existing.phone.as_deref()) {
        fields.push("guest_phone");
    }
    if differs(asked.note, existing.host_note.as_deref()) {
        fields.push("note");
    }
    if wanted.total_price.is_some_and(|p| existing.total_price.map(cents) != Some(cents(p))) {
        fields.push("total_price");
    }
    fields
}

/// What `create_reservation` answers when the booking it would make already exists: that one,
/// and where it differs from what was asked.
fn already_booked(
    wanted: &Booking,
    asked: &Asked<'_>,
    existing: &types::Reservation,
    listing: Option<&types::Listing>,
) -> CreateReservationOut {
    let differ = differences(wanted, asked, existing);
    let mut warnings = vec![format!(
        "reservation {} of {} for this guest and these dates already exists (status {}); nothing was booked again",
        existing.id,
        existing.guest_name.as_deref().map(crate::tools::untrusted::clean).as_deref().unwrap_or("the guest"),
        existing.status.as_str()
    )];
    if !differ.is_empty() {
        warnings.push(format!(
            "it differs from this request in {}: change it with update_reservation if this request is right",
            differ.join(", ")
        ));
    }
    let total = reservations::row(existing).total;
    let currency = args::currency_or_fallback(existing.currency.as_deref());
    CreateReservationOut {
        status: WriteStatus::AlreadyDone,
        listing_id: wanted.listing_id,
        listing_name: listing.map(|l| l.name.clone()).map(Untrusted::from),
        guest_name: existing.guest_name.clone().unwrap_or_else(|| wanted.guest_name.clone()).into(),
        check_in: existing.arrival_date.to_string(),
        check_out: existing.departure_date.to_string(),
        nights: (existing.departure_date - existing.arrival_date).num_days(),
        guests: existing.number_of_guests.and_then(|n| u32::try_from(n).ok()).unwrap_or(wanted.guests.get()),
        nights_free: false,
        taken_dates: Vec::new(),
        quote: None,
        total_to_book: total.clone().unwrap_or_else(|| Money::new(0.0, currency)),
        warnings,
        reservation_id: Some(existing.id),
        total,
    }
}

/// First and last name of a full name ("Ana Maria Silva" -> "Ana Maria", "Silva").
fn split_name(full: &str) -> (Option<String>, Option<String>) {
    match full.rsplit_once(' ') {
        Some((first, last)) => (Some(first.trim().to_string()), Some(last.trim().to_string())),
        None => (Some(full.to_string()), None),
    }
}

/// A guest name as compared when looking for an existing booking: case and spacing do not count.
fn same_name(name: &str) -> String {
    name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}
