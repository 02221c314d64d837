//! The reservation shapes every tool answers with: the compact row, the full detail, and the
//! rule of which bookings hold the calendar, so a booking reads the same in every answer.

use crate::tools::untrusted::Untrusted;
use schemars::JsonSchema;
use serde::Serialize;

use crate::{
    domain::BookingStatus,
    hostaway::types,
    tools::{
        args::{self, Detail, Money},
        channels,
    },
};

/// One reservation as a compact row: the same shape wherever a tool answers with a booking,
/// reads and writes alike.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ReservationRow {
    /// Hostaway reservation id (`reservation_id` in other tools).
    pub reservation_id: i64,
    /// The booked listing.
    pub listing_id: i64,
    /// Guest's full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_name: Option<Untrusted>,
    /// Arrival day.
    pub check_in: String,
    /// Departure day (not a night of the stay).
    pub check_out: String,
    /// Nights booked.
    pub nights: i64,
    /// Number of guests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guests: Option<i32>,
    /// Hostaway status: new, modified, cancelled, ownerStay, pending, inquiry, ...
    pub status: String,
    /// Booking channel: airbnb, booking.com, vrbo, expedia, direct, booking_engine, ... (the same
    /// name in every tool).
    pub channel: String,
    /// What the guest pays in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<Money>,
}

/// A reservation as the read tools answer: its row and, with `detail: "full"`, the rest.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DetailedReservation {
    /// The compact row.
    #[serde(flatten)]
    pub row: ReservationRow,
    /// Fields only in `detail: "full"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<ReservationDetails>,
}

/// A reservation as search_reservations lists it: get_reservation's answer, whose full detail
/// (`more`) the output schema leaves open, so the tool list carries that detail schema once.
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub struct ListedReservation(pub DetailedReservation);

impl JsonSchema for ListedReservation {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ListedReservation".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        crate::tools::schema::with_open_detail::<DetailedReservation>(generator)
    }
}

/// The rest of a reservation. Door codes and payment card data are never returned.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ReservationDetails {
    /// Guest's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Untrusted>,
    /// Guest's phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Untrusted>,
    /// Guest's country (ISO code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_country: Option<Untrusted>,
    /// Adults in the party.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adults: Option<i32>,
    /// Children in the party.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<i32>,
    /// Note from the guest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_note: Option<Untrusted>,
    /// Internal note by the host team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_note: Option<Untrusted>,
    /// The channel's confirmation code (e.g. Airbnb's HM...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation_code: Option<Untrusted>,
    /// When it was booked (YYYY-MM-DD HH:MM:SS, UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booked_at: Option<String>,
    /// Check-in hour (listing's local time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in_hour: Option<i32>,
    /// Check-out hour (listing's local time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_out_hour: Option<i32>,
    /// Commission the channel keeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_commission: Option<Money>,
    /// Cleaning fee charged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleaning_fee: Option<Money>,
    /// Taxes charged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax: Option<Money>,
    /// What the guest still owes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_balance: Option<Money>,
    /// Whether it is fully paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid: Option<bool>,
    /// When it was cancelled, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<String>,
    /// Who cancelled: guest or host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_by: Option<Untrusted>,
    /// The stay's door code, only when the operator started the server with --expose-access-codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub door_code: Option<Untrusted>,
    /// The lock's maker or service, and how the guest gets in: with the door code only, and left
    /// out of the output schema, which every session pays for, since few servers ever send them.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub door_code_vendor: Option<Untrusted>,
    /// See `door_code_vendor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub door_code_instruction: Option<Untrusted>,
    /// Custom field values by field name.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub custom_fields: crate::tools::custom_fields::Named,
}

/// Whether `status` (as Hostaway spells it) holds the calendar: stays that happened or will happen.
pub(crate) fn occupies(status: &str) -> bool {
    BookingStatus::from_hostaway(status).holds_nights()
}

/// Shapes a reservation for the read tools: its row, and the rest when `detail` is full.
pub(crate) fn detailed(r: &types::Reservation, detail: Detail) -> DetailedReservation {
    let currency = args::currency_or_fallback(r.currency.as_deref());
    let money = |amount: Option<f64>| amount.map(|a| Money::new(a, currency.clone()));
    let more = (detail == Detail::Full).then(|| ReservationDetails {
        email: r.guest_email.clone().map(Untrusted::from),
        phone: r.phone.clone().map(Untrusted::from),
        guest_country: r.guest_country.clone().map(Untrusted::from),
        adults: r.adults,
        children: r.children,
        guest_note: r.guest_note.clone().map(Untrusted::from),
        host_note: r.host_note.clone().map(Untrusted::from),
        confirmation_code: r.confirmation_code.clone().map(Untrusted::from),
        booked_at: r.reservation_date.clone(),
        check_in_hour: r.check_in_time,
        check_out_hour: r.check_out_time,
        channel_commission: money(r.channel_commission_amount),
        cleaning_fee: money(r.cleaning_fee),
        tax: money(r.tax_amount),
        remaining_balance: money(r.remaining_balance),
        paid: r.is_paid.map(|v| v == 1),
        cancelled_at: r.cancellation_date.clone(),
        cancelled_by: r.cancelled_by.clone().map(Untrusted::from),
        door_code: None,
        door_code_vendor: None,
        door_code_instruction: None,
        custom_fields: Default::default(),
    });
    DetailedReservation { row: row(r), more }
}

/// Shapes a reservation as the compact row every tool shares.
pub(crate) fn row(r: &types::Reservation) -> ReservationRow {
    let currency = args::currency_or_fallback(r.currency.as_deref());
    ReservationRow {
        reservation_id: r.id,
        listing_id: r.listing_map_id,
        guest_name: r.guest_name.clone().map(Untrusted::from),
        check_in: r.arrival_date.to_string(),
        check_out: r.departure_date.to_string(),
        nights: nights(r),
        guests: r.number_of_guests,
        status: r.status.to_string(),
        channel: channels::name(r.channel_id, r.channel_name.as_deref()),
        total: r.total_price.map(|a| Money::new(a, currency)),
    }
}

/// Nights of a stay, from its dates.
pub(crate) fn nights(r: &types::Reservation) -> i64 {
    (r.departure_date - r.arrival_date).num_days()
}
