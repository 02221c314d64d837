//! Changing bookings and answering guests: send a message, create, update and cancel reservations.
//!
//! Every tool here previews by default and writes only with `confirm: true`, inside the write guard,
//! so an identical confirmed request within the repeat window is answered from its first result.

use std::num::NonZeroU32;

use chrono::{Duration, NaiveDate};
use rmcp::{Json, handler::server::wrapper::Parameters, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::days::{self, DayState};
use super::{
    WriteStatus,
    args::{self, Money, Stay},
    error::ToolError,
};
use crate::{
    hostaway::{
        Idempotence,
        cache::{ReadKey, Scope},
        types,
    },
    server::HostawayServer,
};

/// Longest message Hostaway is sent, in characters.
const MAX_MESSAGE_CHARS: usize = 5000;
/// Longest stay these tools book or move to, in nights.
const MAX_STAY_NIGHTS: i64 = 365;
/// Hostaway's channel id for a direct booking.
const DIRECT_CHANNEL: i64 = 2000;

/// How a message reaches the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// Through the booking channel's own inbox (Airbnb, Booking.com, ...).
    Channel,
    /// By email.
    Email,
    /// By text message.
    Sms,
    /// By WhatsApp.
    Whatsapp,
}

/// Arguments of `send_guest_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendGuestMessageArgs {
    /// The conversation to answer, from unread_conversations or get_conversation.
    #[serde(deserialize_with = "args::int")]
    pub conversation_id: i64,
    /// The exact text to send, 1-5000 characters.
    pub message: String,
    /// "channel", "email", "sms" or "whatsapp". Default: the conversation's own kind (channel
    /// conversations are answered in the channel, others by email).
    #[serde(default)]
    pub via: Option<Via>,
    /// false (default) only previews; true makes the change.
    #[serde(default)]
    pub confirm: bool,
}

/// The stay a write is about, compactly.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct StaySummary {
    /// Hostaway reservation id (`reservation_id` in other tools).
    pub reservation_id: i64,
    /// The listing booked (`listing_id` in other tools).
    pub listing_id: i64,
    /// Guest's full name.
    pub guest_name: Option<String>,
    /// Arrival day.
    pub check_in: String,
    /// Departure day (not a night of the stay).
    pub check_out: String,
    /// Nights booked.
    pub nights: i64,
    /// Guests in the party.
    pub guests: Option<i32>,
    /// Hostaway status, e.g. new, modified, cancelled.
    pub status: String,
    /// Booking channel, e.g. airbnbOfficial, direct.
    pub channel: Option<String>,
    /// What the guest pays.
    pub total: Option<Money>,
}

/// What `send_guest_message` would send, or sent.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SendGuestMessageOut {
    /// preview (nothing sent), done (sent now) or repeated (sent moments ago; not sent again).
    pub status: WriteStatus,
    /// The conversation.
    pub conversation_id: i64,
    /// Who receives it.
    pub recipient: Option<String>,
    /// The booking the conversation is about, if any.
    pub reservation: Option<StaySummary>,
    /// How it is (or was) sent.
    pub via: Via,
    /// The exact text that would be sent (preview only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Hostaway's id of the sent message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<i64>,
    /// When it was sent, YYYY-MM-DD HH:MM:SS (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
}

/// Arguments of `create_reservation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReservationArgs {
    /// The listing to book, from search_listings or find_available_listings.
    #[serde(deserialize_with = "args::int")]
    pub listing_id: i64,
    /// Arrival day, YYYY-MM-DD, or today/tomorrow (in the listing's time zone); not in the past.
    pub check_in: String,
    /// Departure day, YYYY-MM-DD or tomorrow (exclusive: the last night is the day before).
    pub check_out: String,
    /// Guests in the party, at least 1.
    #[serde(deserialize_with = "args::int")]
    pub guests: u32,
    /// Guest's full name, e.g. "Ana Silva".
    pub guest_name: String,
    /// Guest's email address.
    #[serde(default)]
    pub guest_email: Option<String>,
    /// Guest's phone number, with country code.
    #[serde(default)]
    pub guest_phone: Option<String>,
    /// Total the guest pays, overriding Hostaway's quote (in the listing's currency).
    #[serde(default)]
    pub total_price: Option<f64>,
    /// Private note for the team, stored as the host note.
    #[serde(default)]
    pub note: Option<String>,
    /// false (default) only previews; true makes the change.
    #[serde(default)]
    pub confirm: bool,
}

/// One line of Hostaway's price quote.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct QuoteLine {
    /// What it is, e.g. "Base rate", "Cleaning fee", "Lodging tax".
    pub title: String,
    /// Its amount, in the listing's currency.
    pub amount: f64,
}

/// Hostaway's price quote for the stay (amounts in the listing's currency).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Quote {
    /// What the guest would pay in all.
    pub total: f64,
    /// How the total is made up.
    pub lines: Vec<QuoteLine>,
}

/// What `create_reservation` would book, or booked.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CreateReservationOut {
    /// preview (nothing booked), done (booked now) or repeated (booked moments ago; not booked again).
    pub status: WriteStatus,
    /// The listing.
    pub listing_id: i64,
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
    /// Hostaway's quote for the stay.
    pub quote: Quote,
    /// The total that is (or would be) booked: total_price when given, else the quote.
    pub total_to_book: f64,
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

/// Arguments of `update_reservation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateReservationArgs {
    /// The reservation to change, from search_reservations or get_reservation.
    #[serde(deserialize_with = "args::int")]
    pub reservation_id: i64,
    /// New arrival day, YYYY-MM-DD.
    #[serde(default)]
    pub check_in: Option<String>,
    /// New departure day, YYYY-MM-DD (exclusive).
    #[serde(default)]
    pub check_out: Option<String>,
    /// New number of guests, at least 1.
    #[serde(default, deserialize_with = "args::opt_int")]
    pub guests: Option<u32>,
    /// New guest email address.
    #[serde(default)]
    pub guest_email: Option<String>,
    /// New guest phone number, with country code.
    #[serde(default)]
    pub guest_phone: Option<String>,
    /// New private note for the team (replaces the current one).
    #[serde(default)]
    pub host_note: Option<String>,
    /// false (default) only previews; true makes the change.
    #[serde(default)]
    pub confirm: bool,
}

/// One field that changes.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct FieldChange {
    /// The argument's name, e.g. check_in.
    pub field: String,
    /// Its current value (null when unset).
    pub before: Option<String>,
    /// Its new value.
    pub after: String,
}

/// What `update_reservation` would change, or changed.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct UpdateReservationOut {
    /// preview (nothing changed), done (changed now) or repeated (changed moments ago; not sent again).
    pub status: WriteStatus,
    /// The reservation: as it is (preview) or as Hostaway stored it after the change.
    pub reservation: StaySummary,
    /// Field by field, what changes (empty when it already matches).
    pub changes: Vec<FieldChange>,
    /// When the dates change: whether the new nights are free (its own current nights count as free).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nights_free: Option<bool>,
    /// New nights already reserved or blocked by something else.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub taken_dates: Vec<String>,
    /// Anything else to know, e.g. that nothing needed changing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Who cancelled a reservation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CancelledBy {
    /// The host or property manager (default).
    #[default]
    Host,
    /// The guest asked to cancel.
    Guest,
}

/// Arguments of `cancel_reservation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelReservationArgs {
    /// The reservation to cancel, from search_reservations or get_reservation.
    #[serde(deserialize_with = "args::int")]
    pub reservation_id: i64,
    /// "host" (default) or "guest": who asked for the cancellation.
    #[serde(default)]
    pub cancelled_by: CancelledBy,
    /// false (default) only previews; true makes the change.
    #[serde(default)]
    pub confirm: bool,
}

/// What `cancel_reservation` would cancel, or cancelled.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CancelReservationOut {
    /// preview (nothing changed), done (cancelled now, or found already cancelled) or repeated.
    pub status: WriteStatus,
    /// Who, where, when, total and status: as it is (preview) or after cancelling.
    pub reservation: StaySummary,
    /// Who is recorded as cancelling.
    pub cancelled_by: CancelledBy,
    /// True when it was already cancelled, so nothing was (or would be) sent.
    pub already_cancelled: bool,
    /// Anything else to know, e.g. that its nights become free.
    pub note: String,
}

#[tool_router(router = booking_write_tools, vis = "pub(crate)")]
impl HostawayServer {
    /// Send a message to the guest of a conversation (reply in the inbox). Without confirm it shows
    /// the recipient, the booking, the route and the exact text; with confirm: true it sends once.
    /// The same text to the same conversation within 10 minutes is never sent twice. By default it
    /// answers the way the conversation came in (channel inbox or email), not Hostaway's email
    /// default. Text only: attachments are not supported.
    #[tool(
        name = "send_guest_message",
        title = "Send guest message",
        annotations(
            title = "Send guest message",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn send_guest_message(
        &self,
        Parameters(args): Parameters<SendGuestMessageArgs>,
    ) -> Result<Json<SendGuestMessageOut>, ToolError> {
        let text = args.message.clone();
        let chars = text.chars().count();
        if text.trim().is_empty() {
            return Err(ToolError::invalid("message", "is blank; write the text to send"));
        }
        if chars > MAX_MESSAGE_CHARS {
            return Err(ToolError::invalid(
                "message",
                format!("is {chars} characters; at most {MAX_MESSAGE_CHARS} are accepted"),
            ));
        }
        let id = args.conversation_id;
        if !args.confirm {
            let conversation = self.conversation(id).await?;
            let mut out = message_out(&conversation, args.via, WriteStatus::Preview);
            out.message = Some(text);
            return Ok(Json(out));
        }
        let summary = match args.via {
            Some(via) => format!("conversation {id} via {}", communication_type(via)),
            None => format!("conversation {id}"),
        };
        let (mut out, repeated) = self
            .ctx
            .guard
            .once("send_guest_message", &(id, text.trim()), &summary, async {
                let conversation = self.conversation(id).await?;
                let mut out = message_out(&conversation, args.via, WriteStatus::Done);
                let body = types::SendMessageRequest {
                    body: text
                        .as_str()
                        .try_into()
                        .map_err(|_| ToolError::invalid("message", "is empty; write the text to send"))?,
                    communication_type: Some(communication_type(out.via)),
                };
                let scope = Scope { listing: conversation.listing_map_id, reservation: conversation.reservation_id };
                let sent = self
                    .ctx
                    .gateway
                    .write("sendConversationMessage", Idempotence::Unsafe, scope, |client| {
                        let body = body.clone();
                        async move { client.send_conversation_message().conversation_id(id).body(body).send().await }
                    })
                    .await?
                    .result;
                out.message_id = Some(sent.id);
                out.sent_at = sent.inserted_on.or(sent.date);
                Ok(out)
            })
            .await?;
        out.status = WriteStatus::confirmed(repeated);
        Ok(Json(out))
    }

    /// Book a stay directly (a direct booking, channel "direct") for a guest. Without confirm it
    /// checks that every night is free and shows Hostaway's price quote; with confirm: true it
    /// creates the reservation once, at total_price when given or else at the quote. Taken nights
    /// are never overbooked: pick other dates or another listing (find_available_listings). To
    /// change or cancel a booking use update_reservation or cancel_reservation.
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
    async fn create_reservation(
        &self,
        Parameters(args): Parameters<CreateReservationArgs>,
    ) -> Result<Json<CreateReservationOut>, ToolError> {
        let stay =
            self.ctx.future_stay(Some(args.listing_id), &args.check_in, &args.check_out, MAX_STAY_NIGHTS).await?;
        let guests = NonZeroU32::new(args.guests).ok_or_else(|| ToolError::invalid("guests", "must be at least 1"))?;
        let guest_name = args.guest_name.trim().to_string();
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
        if !args.confirm {
            return Ok(Json(self.booking_plan(listing_id, stay, guests, args.total_price).await?));
        }
        let request = (
            listing_id,
            stay.check_in,
            stay.check_out,
            guests,
            &guest_name,
            &guest_email,
            &guest_phone,
            args.total_price.map(f64::to_bits),
            &note,
        );
        let summary = format!("listing {listing_id} {} to {} for {guests} guests", stay.check_in, stay.check_out);
        let (mut out, repeated) = self
            .ctx
            .guard
            .once("create_reservation", &request, &summary, async {
                let mut plan = self.booking_plan(listing_id, stay, guests, args.total_price).await?;
                if !plan.nights_free {
                    return Err(ToolError::Refused(format!(
                        "listing {listing_id} is not free from {} to {}: taken {}; nothing was booked. Pick other \
                         dates or another listing (find_available_listings)",
                        stay.check_in,
                        stay.check_out,
                        plan.taken_dates.join(", ")
                    )));
                }
                let (first, last) = split_name(&guest_name);
                let body = types::ReservationInput {
                    channel_id: Some(DIRECT_CHANNEL),
                    listing_map_id: Some(listing_id),
                    arrival_date: Some(stay.check_in),
                    departure_date: Some(stay.check_out),
                    number_of_guests: Some(guests),
                    adults: i32::try_from(guests.get()).ok(),
                    guest_name: Some(guest_name.clone()),
                    guest_first_name: first,
                    guest_last_name: last,
                    guest_email: guest_email.clone(),
                    phone: guest_phone.clone(),
                    total_price: Some(plan.total_to_book),
                    host_note: note.clone(),
                    ..Default::default()
                };
                let created = self
                    .ctx
                    .gateway
                    .write("createReservation", Idempotence::Unsafe, Scope::listing(listing_id), |client| {
                        let body = body.clone();
                        async move { client.create_reservation().body(body).send().await }
                    })
                    .await?
                    .result;
                plan.status = WriteStatus::Done;
                plan.reservation_id = Some(created.id);
                plan.total = stay_summary(&created).total;
                Ok(plan)
            })
            .await?;
        out.status = WriteStatus::confirmed(repeated);
        Ok(Json(out))
    }

    /// Change a booking's dates, party size, guest contact details or host note. Without confirm it
    /// lists each field's current and new value and, when the dates move, whether the new nights
    /// are free; with confirm: true it sends only the changed fields, once. Hostaway may re-price
    /// the stay when dates or guests change. To cancel use cancel_reservation.
    #[tool(
        name = "update_reservation",
        title = "Update reservation",
        annotations(
            title = "Update reservation",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn update_reservation(
        &self,
        Parameters(args): Parameters<UpdateReservationArgs>,
    ) -> Result<Json<UpdateReservationOut>, ToolError> {
        let words = [args.check_in.as_deref(), args.check_out.as_deref()];
        let wanted = Wanted::parse(&args, self.ctx.today_for_words(None, &words).await?)?;
        let id = args.reservation_id;
        if !args.confirm {
            return Ok(Json(self.update_plan(id, &wanted).await?.out));
        }
        let summary = format!("reservation {id}: {}", wanted.fields().join(", "));
        let (mut out, repeated) = self
            .ctx
            .guard
            .once_setting("update_reservation", Scope::reservation(id, None), &(id, &wanted), &summary, async {
                let plan = self.update_plan(id, &wanted).await?;
                if plan.out.changes.is_empty() {
                    return Ok(UpdateReservationOut { status: WriteStatus::Done, ..plan.out });
                }
                if plan.out.nights_free == Some(false) {
                    return Err(ToolError::Refused(format!(
                        "reservation {id} cannot move: taken {}; nothing was changed. Pick other dates",
                        plan.out.taken_dates.join(", ")
                    )));
                }
                let listing = plan.out.reservation.listing_id;
                let updated = self
                    .ctx
                    .gateway
                    .write("updateReservation", Idempotence::Safe, Scope::reservation(id, Some(listing)), |client| {
                        let body = plan.body.clone();
                        async move { client.update_reservation().reservation_id(id).body(body).send().await }
                    })
                    .await?
                    .result;
                Ok(UpdateReservationOut {
                    status: WriteStatus::Done,
                    reservation: stay_summary(&updated),
                    note: None,
                    ..plan.out
                })
            })
            .await?;
        out.status = WriteStatus::confirmed(repeated);
        Ok(Json(out))
    }

    /// Cancel a booking, recording whether the host or the guest cancelled it; its nights become
    /// free. Without confirm it shows who, where, when, the total and the current status; with
    /// confirm: true it cancels once. An already cancelled booking is reported and left alone.
    /// Refunds and channel penalties are not handled here.
    #[tool(
        name = "cancel_reservation",
        title = "Cancel reservation",
        annotations(
            title = "Cancel reservation",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn cancel_reservation(
        &self,
        Parameters(args): Parameters<CancelReservationArgs>,
    ) -> Result<Json<CancelReservationOut>, ToolError> {
        let id = args.reservation_id;
        let by = args.cancelled_by;
        if !args.confirm {
            let reservation = self.reservation(id).await?;
            return Ok(Json(cancel_out(&reservation, by, WriteStatus::Preview)));
        }
        let summary = format!("reservation {id} cancelled by {}", cancelled_by(by));
        let (mut out, repeated) = self
            .ctx
            .guard
            .once_setting("cancel_reservation", Scope::reservation(id, None), &(id, by), &summary, async {
                let reservation = self.reservation(id).await?;
                if is_cancelled(&reservation) {
                    return Ok(cancel_out(&reservation, by, WriteStatus::Done));
                }
                let scope = Scope::reservation(id, Some(reservation.listing_map_id));
                let body = types::CancelReservationRequest { cancelled_by: cancelled_by(by) };
                let cancelled = self
                    .ctx
                    .gateway
                    .write("cancelReservation", Idempotence::Safe, scope, |client| {
                        let body = body.clone();
                        async move { client.cancel_reservation().reservation_id(id).body(body).send().await }
                    })
                    .await?
                    .result;
                let mut out = cancel_out(&cancelled, by, WriteStatus::Done);
                out.already_cancelled = false;
                out.note = format!(
                    "cancelled; nights {} to {} of listing {} are free again",
                    cancelled.arrival_date, cancelled.departure_date, cancelled.listing_map_id
                );
                Ok(out)
            })
            .await?;
        out.status = WriteStatus::confirmed(repeated);
        Ok(Json(out))
    }
}

/// The changes `update_reservation` was asked for, validated.
#[derive(Debug, Hash)]
struct Wanted {
    check_in: Option<NaiveDate>,
    check_out: Option<NaiveDate>,
    guests: Option<NonZeroU32>,
    guest_email: Option<String>,
    guest_phone: Option<String>,
    host_note: Option<String>,
}

impl Wanted {
    /// Validates `args`; day words count from `today` (the account's).
    fn parse(args: &UpdateReservationArgs, today: NaiveDate) -> Result<Self, ToolError> {
        let guests = match args.guests {
            None => None,
            Some(n) => Some(NonZeroU32::new(n).ok_or_else(|| ToolError::invalid("guests", "must be at least 1"))?),
        };
        let guest_email = args.guest_email.as_deref().map(str::trim).map(str::to_string);
        if guest_email.as_deref().is_some_and(|e| !looks_like_email(e)) {
            return Err(ToolError::invalid("guest_email", "is not an email address, e.g. ana@example.com"));
        }
        let guest_phone = args.guest_phone.as_deref().map(str::trim).map(str::to_string);
        if guest_phone.as_deref().is_some_and(str::is_empty) {
            return Err(ToolError::invalid("guest_phone", "is blank; give a phone number with country code"));
        }
        let wanted = Self {
            check_in: args::opt_date("check_in", args.check_in.as_deref(), today)?,
            check_out: args::opt_date("check_out", args.check_out.as_deref(), today)?,
            guests,
            guest_email,
            guest_phone,
            host_note: args.host_note.clone(),
        };
        if let (Some(check_in), Some(check_out)) = (wanted.check_in, wanted.check_out) {
            Stay::new(check_in, check_out, MAX_STAY_NIGHTS)?;
        }
        if wanted.fields().is_empty() {
            return Err(ToolError::Refused(
                "nothing to change: give at least one of check_in, check_out, guests, guest_email, guest_phone, \
                 host_note"
                    .into(),
            ));
        }
        Ok(wanted)
    }

    /// Names of the fields asked for (no values: this goes to the audit log).
    fn fields(&self) -> Vec<&'static str> {
        [
            ("check_in", self.check_in.is_some()),
            ("check_out", self.check_out.is_some()),
            ("guests", self.guests.is_some()),
            ("guest_email", self.guest_email.is_some()),
            ("guest_phone", self.guest_phone.is_some()),
            ("host_note", self.host_note.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }
}

/// A previewed update and the body that would carry it out.
struct UpdatePlan {
    out: UpdateReservationOut,
    body: types::ReservationInput,
}

impl HostawayServer {
    /// One conversation (cached briefly), with its reservation when Hostaway embeds it.
    async fn conversation(&self, id: i64) -> Result<types::Conversation, ToolError> {
        let key = ReadKey { operation: "getConversation", params: id.to_string(), scope: Scope::default() };
        let envelope = self
            .ctx
            .gateway
            .read(key, move |client| async move { client.get_conversation().conversation_id(id).send().await })
            .await?;
        Ok(envelope.result)
    }

    /// One reservation (cached briefly).
    async fn reservation(&self, id: i64) -> Result<types::Reservation, ToolError> {
        let key = ReadKey { operation: "getReservation", params: id.to_string(), scope: Scope::reservation(id, None) };
        let envelope = self
            .ctx
            .gateway
            .read(key, move |client| async move { client.get_reservation().reservation_id(id).send().await })
            .await?;
        Ok(envelope.result)
    }

    /// The calendar days of a stay's nights (check-in up to the day before check-out).
    async fn nights(&self, listing_id: i64, stay: Stay) -> Result<Vec<types::CalendarDay>, ToolError> {
        let last = stay.check_out - Duration::days(1);
        let key = ReadKey {
            operation: "getCalendar",
            params: format!("{}|{last}", stay.check_in),
            scope: Scope::listing(listing_id),
        };
        let envelope = self
            .ctx
            .gateway
            .read(key, move |client| async move {
                client.get_calendar().listing_id(listing_id).start_date(stay.check_in).end_date(last).send().await
            })
            .await?;
        Ok(envelope.result)
    }

    /// Hostaway's quote for a stay (cached briefly).
    async fn quote(&self, listing_id: i64, stay: Stay, guests: NonZeroU32) -> Result<types::PriceDetails, ToolError> {
        let key = ReadKey {
            operation: "getPriceDetails",
            params: format!("{}|{}|{guests}", stay.check_in, stay.check_out),
            scope: Scope::listing(listing_id),
        };
        let envelope = self
            .ctx
            .gateway
            .read(key, move |client| async move {
                let body = types::PriceDetailsRequest::builder()
                    .starting_date(stay.check_in)
                    .ending_date(stay.check_out)
                    .number_of_guests(guests)
                    .version(2);
                client.get_price_details().listing_id(listing_id).body(body).send().await
            })
            .await?;
        Ok(envelope.result)
    }

    /// Checks the nights and prices the stay, concurrently: the preview of `create_reservation`.
    async fn booking_plan(
        &self,
        listing_id: i64,
        stay: Stay,
        guests: NonZeroU32,
        total_price: Option<f64>,
    ) -> Result<CreateReservationOut, ToolError> {
        let (days, quote) = tokio::join!(self.nights(listing_id, stay), self.quote(listing_id, stay, guests));
        let (days, quote) = (days?, quote?);
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
        if total_price.is_some() {
            warnings.push(format!("total_price overrides Hostaway's quote of {}", quote.total_price));
        }
        let lines = quote
            .components
            .iter()
            .filter(|c| c.is_included_in_total_price != Some(0) && c.is_deleted != Some(1))
            .map(|c| QuoteLine { title: c.title.clone().unwrap_or_else(|| c.name.clone()), amount: c.total })
            .collect();
        Ok(CreateReservationOut {
            status: WriteStatus::Preview,
            listing_id,
            check_in: stay.check_in.to_string(),
            check_out: stay.check_out.to_string(),
            nights: stay.nights(),
            guests: guests.get(),
            nights_free: taken.is_empty(),
            taken_dates: taken,
            quote: Quote { total: quote.total_price, lines },
            total_to_book: total_price.unwrap_or(quote.total_price),
            warnings,
            reservation_id: None,
            total: None,
        })
    }

    /// Reads the reservation, compares it field by field with `wanted` and, when the dates move,
    /// checks the new nights: the preview of `update_reservation`.
    async fn update_plan(&self, id: i64, wanted: &Wanted) -> Result<UpdatePlan, ToolError> {
        let current = self.reservation(id).await?;
        let mut changes = Vec::new();
        let mut body = types::ReservationInput::default();
        let mut change = |field: &str, before: Option<String>, after: String| -> bool {
            let differs = before.as_deref() != Some(after.as_str());
            if differs {
                changes.push(FieldChange { field: field.to_string(), before, after });
            }
            differs
        };
        let check_in = wanted.check_in.unwrap_or(current.arrival_date);
        let check_out = wanted.check_out.unwrap_or(current.departure_date);
        let moves_in = change("check_in", Some(current.arrival_date.to_string()), check_in.to_string());
        let moves_out = change("check_out", Some(current.departure_date.to_string()), check_out.to_string());
        if let Some(guests) = wanted.guests
            && change("guests", current.number_of_guests.map(|n| n.to_string()), guests.to_string())
        {
            body.number_of_guests = Some(guests);
            body.adults = i32::try_from(guests.get()).ok();
        }
        if let Some(email) = &wanted.guest_email
            && change("guest_email", current.guest_email.clone(), email.clone())
        {
            body.guest_email = Some(email.clone());
        }
        if let Some(phone) = &wanted.guest_phone
            && change("guest_phone", current.phone.clone(), phone.clone())
        {
            body.phone = Some(phone.clone());
        }
        if let Some(note) = &wanted.host_note
            && change("host_note", current.host_note.clone(), note.clone())
        {
            body.host_note = Some(note.clone());
        }
        let (mut nights_free, mut taken) = (None, Vec::new());
        if moves_in || moves_out {
            let field = if wanted.check_out.is_some() { "check_out" } else { "check_in" };
            if check_out <= check_in {
                return Err(ToolError::invalid(
                    field,
                    format!("the stay would end on {check_out}, not after its check-in on {check_in}"),
                ));
            }
            let stay = Stay::new(check_in, check_out, MAX_STAY_NIGHTS)?;
            body.arrival_date = Some(check_in);
            body.departure_date = Some(check_out);
            let own = (current.arrival_date, current.departure_date);
            let days = self.nights(current.listing_map_id, stay).await?;
            taken = taken_dates(&days, |date| !is_cancelled(&current) && own.0 <= date && date < own.1);
            nights_free = Some(taken.is_empty());
        }
        let note = changes.is_empty().then(|| "the reservation already has these values; nothing to change".into());
        let out = UpdateReservationOut {
            status: WriteStatus::Preview,
            reservation: stay_summary(&current),
            changes,
            nights_free,
            taken_dates: taken,
            note,
        };
        Ok(UpdatePlan { out, body })
    }
}

/// The route a reply takes by default: the conversation's own kind.
fn default_via(conversation: &types::Conversation) -> Via {
    match &conversation.type_ {
        Some(kind) if kind.contains("channel") => Via::Channel,
        _ => Via::Email,
    }
}

fn communication_type(via: Via) -> types::SendMessageRequestCommunicationType {
    match via {
        Via::Channel => types::SendMessageRequestCommunicationType::Channel,
        Via::Email => types::SendMessageRequestCommunicationType::Email,
        Via::Sms => types::SendMessageRequestCommunicationType::Sms,
        Via::Whatsapp => types::SendMessageRequestCommunicationType::Whatsapp,
    }
}

fn cancelled_by(by: CancelledBy) -> types::CancelReservationRequestCancelledBy {
    match by {
        CancelledBy::Host => types::CancelReservationRequestCancelledBy::Host,
        CancelledBy::Guest => types::CancelReservationRequestCancelledBy::Guest,
    }
}

fn message_out(conversation: &types::Conversation, via: Option<Via>, status: WriteStatus) -> SendGuestMessageOut {
    SendGuestMessageOut {
        status,
        conversation_id: conversation.id,
        recipient: conversation
            .recipient_name
            .clone()
            .or_else(|| conversation.reservation.as_ref().and_then(|r| r.guest_name.clone())),
        reservation: conversation.reservation.as_ref().map(stay_summary),
        via: via.unwrap_or_else(|| default_via(conversation)),
        message: None,
        message_id: None,
        sent_at: None,
    }
}

fn cancel_out(reservation: &types::Reservation, by: CancelledBy, status: WriteStatus) -> CancelReservationOut {
    let already = is_cancelled(reservation);
    let note = if already {
        format!(
            "already cancelled{}{}; nothing is sent",
            reservation.cancelled_by.as_deref().map(|by| format!(" by {by}")).unwrap_or_default(),
            reservation.cancellation_date.as_deref().map(|on| format!(" on {on}")).unwrap_or_default()
        )
    } else {
        format!(
            "confirm: true cancels it and frees nights {} to {} of listing {}",
            reservation.arrival_date, reservation.departure_date, reservation.listing_map_id
        )
    };
    CancelReservationOut {
        status,
        reservation: stay_summary(reservation),
        cancelled_by: by,
        already_cancelled: already,
        note,
    }
}

fn is_cancelled(reservation: &types::Reservation) -> bool {
    reservation.status.as_str() == "cancelled"
}

fn stay_summary(r: &types::Reservation) -> StaySummary {
    let currency = args::currency_or_fallback(r.currency.as_deref());
    StaySummary {
        reservation_id: r.id,
        listing_id: r.listing_map_id,
        guest_name: r.guest_name.clone(),
        check_in: r.arrival_date.to_string(),
        check_out: r.departure_date.to_string(),
        nights: (r.departure_date - r.arrival_date).num_days(),
        guests: r.number_of_guests,
        status: r.status.to_string(),
        channel: r.channel_name.clone(),
        total: r.total_price.map(|t| Money::new(t, currency)),
    }
}

/// Days that cannot be booked, except those `own` says belong to the stay being moved.
fn taken_dates(days: &[types::CalendarDay], own: impl Fn(NaiveDate) -> bool) -> Vec<String> {
    days.iter().filter(|d| days::state(d) != DayState::Open && !own(d.date)).map(|d| d.date.to_string()).collect()
}

fn looks_like_email(value: &str) -> bool {
    value.split_once('@').is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'))
        && !value.contains(char::is_whitespace)
}

/// First and last name of a full name ("Ana Maria Silva" -> "Ana Maria", "Silva").
fn split_name(full: &str) -> (Option<String>, Option<String>) {
    match full.rsplit_once(' ') {
        Some((first, last)) => (Some(first.trim().to_string()), Some(last.trim().to_string())),
        None => (Some(full.to_string()), None),
    }
}
