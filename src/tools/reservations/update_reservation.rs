//! `update_reservation`: a booking's dates, party, contact, note, arrival details (door code,
//! its vendor and instructions, arrival and departure hours), custom field values by name, or the
//! lines of its price breakdown by name (Hostaway's finance fields, set by hand so no
//! recalculation replaces them). The preview lists each field that changes and, for dates or party,
//! the new nights, capacity and total; only what differs is sent, and a booking already as asked
//! answers `unchanged`. Nothing before the listing's today is rewritten, and a stay that has ended
//! keeps its arrival details and its price lines. Hostaway's docs do not say whether the booking's
//! total follows a price line, so the total after such a change is read back, not assumed. Door
//! details are written only when the server runs with `--expose-access-codes`; they go to the
//! audit log by name only.

use std::{collections::BTreeMap, num::NonZeroU32};

use chrono::{Duration, NaiveDate};
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::writes::{
    FieldChange, MAX_STAY_NIGHTS, channel_warning, is_active, looks_like_email, over_capacity, status_of, taken_dates,
};
use crate::{
    domain::StayPhase,
    hostaway::{Fresh, types},
    tools::{
        ToolContext, WriteStatus,
        args::{self, Money, Stay},
        custom_fields::FieldsOf,
        error::ToolError,
        params::Parameters,
        reservations::{self, ReservationRow},
        text_match,
        today::LocalToday,
    },
};

/// A booking's total before and after a change of dates or party.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PriceChange {
    /// What the guest pays now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Money>,
    /// Hostaway's quote for the changed stay: what the total becomes.
    pub after: Money,
    /// after minus before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<Money>,
}

/// Arguments of `update_reservation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateReservationArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub reservation_id: i64,
    /// New arrival day.
    #[serde(default)]
    pub check_in: Option<String>,
    /// New departure day.
    #[serde(default)]
    pub check_out: Option<String>,
    /// New party size.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub guests: Option<u32>,
    /// New guest email.
    #[serde(default)]
    pub guest_email: Option<String>,
    /// New guest phone, with country code.
    #[serde(default)]
    pub guest_phone: Option<String>,
    /// Replaces the team's private note.
    #[serde(default)]
    pub host_note: Option<String>,
    /// Guest's door code.
    #[serde(default)]
    pub door_code: Option<String>,
    /// Lock maker or service.
    #[serde(default)]
    pub door_code_vendor: Option<String>,
    /// How the guest gets in.
    #[serde(default)]
    pub door_code_instruction: Option<String>,
    /// Arrival hour.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(max = 23))]
    pub check_in_hour: Option<u8>,
    /// Departure hour.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(max = 23))]
    pub check_out_hour: Option<u8>,
    /// Values by field name; "" clears.
    #[serde(default)]
    pub custom_fields: Option<BTreeMap<String, String>>,
    /// Price lines set by name (get_reservation payments), booking's currency.
    #[serde(default)]
    pub price_lines: Option<BTreeMap<String, f64>>,
    /// true applies the preview.
    #[serde(default)]
    pub confirm: bool,
}

/// What `update_reservation` would change, or changed.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct UpdateReservationOut {
    /// preview (nothing changed), done (changed now) or unchanged (Hostaway already holds these
    /// values; nothing was sent).
    pub status: WriteStatus,
    /// The reservation: as it is (preview) or as Hostaway stored it after the change.
    pub reservation: ReservationRow,
    /// Field by field, what changes (empty when it already matches).
    pub changes: Vec<FieldChange>,
    /// When the dates or the party change: the total before, the re-quoted total and the difference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceChange>,
    /// Things to know before confirming, e.g. that the booking belongs to a channel.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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

#[tool_router(router = update_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Change a booking's dates, party, contact, note, arrival details, custom fields or price lines; previews each
    /// change and any new total.
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
    pub async fn update_reservation(
        &self,
        Parameters(args): Parameters<UpdateReservationArgs>,
    ) -> Result<Json<UpdateReservationOut>, ToolError> {
        let words = [args.check_in.as_deref(), args.check_out.as_deref()];
        let wanted = Wanted::parse(&args, self.today_for_words(None, &words).await?, self.expose_access_codes)?;
        let id = args.reservation_id;
        if !args.confirm {
            return Ok(Json(self.update_plan(id, &wanted, Fresh::No).await?.out));
        }
        let summary = format!("reservation {id}: {}", wanted.fields().join(", "));
        let (out, status) = self
            .guard
            .run("update_reservation", &(id, &wanted), &summary, async {
                let plan = self.update_plan(id, &wanted, Fresh::Yes).await?;
                if let Some(refusal) = plan.refusal {
                    return Err(ToolError::Refused(format!("{refusal}; nothing was changed")));
                }
                if plan.out.changes.is_empty() {
                    return Ok((plan.out, WriteStatus::Unchanged));
                }
                let listing = plan.out.reservation.listing_id;
                let failed = |e| ToolError::of_write("update_reservation", "the booking was changed", e);
                let mut updated = None;
                if plan.reservation_changes {
                    updated =
                        Some(self.gateway.update_reservation(id, listing, plan.body.clone()).await.map_err(failed)?);
                }
                if plan.lines.is_empty() {
                    let updated = updated.ok_or_else(|| ToolError::Refused("nothing was sent".into()))?;
                    let row = reservations::row(&updated);
                    return Ok((UpdateReservationOut { reservation: row, note: None, ..plan.out }, WriteStatus::Done));
                }
                for (field, value, included) in &plan.lines {
                    let input = types::FinanceFieldInput {
                        value: *value,
                        is_included_in_total_price: *included,
                        is_overridden_by_user: 1,
                    };
                    self.gateway.update_finance_field(id, listing, *field, input).await.map_err(failed)?;
                }
                let now = self.gateway.reservation(id, Fresh::Yes).await?;
                let out = lines_done(plan.out, &now);
                Ok((out, WriteStatus::Done))
            })
            .await?;
        Ok(Json(UpdateReservationOut { status, ..out }))
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
    door_code: Option<String>,
    door_code_vendor: Option<String>,
    door_code_instruction: Option<String>,
    check_in_hour: Option<u8>,
    check_out_hour: Option<u8>,
    custom_fields: Option<BTreeMap<String, String>>,
    /// Amounts in cents (a float cannot be hashed for the write guard), by line name.
    price_lines: Option<BTreeMap<String, i64>>,
}

impl Wanted {
    /// Validates `args`; day words count from `today` (the account's). Door details need the
    /// server to allow access codes (`expose`).
    fn parse(args: &UpdateReservationArgs, today: NaiveDate, expose: bool) -> Result<Self, ToolError> {
        crate::tools::untrusted::single_line("guest_email", args.guest_email.as_deref())?;
        crate::tools::untrusted::single_line("guest_phone", args.guest_phone.as_deref())?;
        let door = [
            ("door_code", &args.door_code),
            ("door_code_vendor", &args.door_code_vendor),
            ("door_code_instruction", &args.door_code_instruction),
        ];
        for (field, value) in door {
            crate::tools::untrusted::single_line(field, value.as_deref())?;
            if value.is_some() && !expose {
                return Err(ToolError::invalid(
                    field,
                    "door details are written only when the server runs with --expose-access-codes \
                     (EXPOSE_ACCESS_CODES=1); ask whoever runs it, or set them in Hostaway",
                ));
            }
        }
        for (field, hour) in [("check_in_hour", args.check_in_hour), ("check_out_hour", args.check_out_hour)] {
            if hour.is_some_and(|h| h > 23) {
                return Err(ToolError::invalid(field, "is an hour of the day, 0-23"));
            }
        }
        let guests = match args.guests {
            None => None,
            Some(n) => Some(NonZeroU32::new(n).ok_or_else(|| ToolError::invalid("guests", "must be at least 1"))?),
        };
        let guest_email = args.guest_email.as_deref().map(str::trim).map(str::to_string);
        if guest_email.as_deref().is_some_and(|e| !looks_like_email(e)) {
            return Err(ToolError::invalid("guest_email", "is not an email address, e.g. ana@example.com"));
        }
        let mut price_lines = BTreeMap::new();
        for (name, amount) in args.price_lines.iter().flatten() {
            if name.trim().is_empty() || !amount.is_finite() {
                return Err(ToolError::invalid(
                    "price_lines",
                    "maps a line's name (e.g. cleaningFee) to its amount as a number",
                ));
            }
            price_lines.insert(name.trim().to_string(), (amount * 100.0).round() as i64);
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
            door_code: args.door_code.as_deref().map(str::trim).map(str::to_string),
            door_code_vendor: args.door_code_vendor.as_deref().map(str::trim).map(str::to_string),
            door_code_instruction: args.door_code_instruction.as_deref().map(str::trim).map(str::to_string),
            check_in_hour: args.check_in_hour,
            check_out_hour: args.check_out_hour,
            custom_fields: args.custom_fields.clone().filter(|values| !values.is_empty()),
            price_lines: (!price_lines.is_empty()).then_some(price_lines),
        };
        if let (Some(check_in), Some(check_out)) = (wanted.check_in, wanted.check_out) {
            Stay::new(check_in, check_out, MAX_STAY_NIGHTS)?;
        }
        if wanted.fields().is_empty() {
            return Err(ToolError::Refused(
                "nothing to change: give at least one of check_in, check_out, guests, guest_email, guest_phone, \
                 host_note, door_code, door_code_vendor, door_code_instruction, check_in_hour, check_out_hour, \
                 custom_fields, price_lines"
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
            ("door_code", self.door_code.is_some()),
            ("door_code_vendor", self.door_code_vendor.is_some()),
            ("door_code_instruction", self.door_code_instruction.is_some()),
            ("check_in_hour", self.check_in_hour.is_some()),
            ("check_out_hour", self.check_out_hour.is_some()),
            ("custom_fields", self.custom_fields.is_some()),
            ("price_lines", self.price_lines.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }
}

/// The arrival details `wanted` changes in `current`, as (field, before, after), each also set in
/// `body`.
fn arrival_changes(
    current: &types::Reservation,
    wanted: &Wanted,
    body: &mut types::ReservationInput,
) -> Vec<(&'static str, Option<String>, String)> {
    let mut changes = Vec::new();
    let texts = [
        ("door_code", &current.door_code, &wanted.door_code, &mut body.door_code),
        ("door_code_vendor", &current.door_code_vendor, &wanted.door_code_vendor, &mut body.door_code_vendor),
        (
            "door_code_instruction",
            &current.door_code_instruction,
            &wanted.door_code_instruction,
            &mut body.door_code_instruction,
        ),
    ];
    for (field, now, asked, sent) in texts {
        if let Some(asked) = asked.as_ref().filter(|asked| now.as_ref() != Some(*asked)) {
            changes.push((field, now.clone(), asked.clone()));
            *sent = Some(asked.clone());
        }
    }
    let hours = [
        ("check_in_hour", current.check_in_time, wanted.check_in_hour, &mut body.check_in_time),
        ("check_out_hour", current.check_out_time, wanted.check_out_hour, &mut body.check_out_time),
    ];
    for (field, now, asked, sent) in hours {
        if let Some(asked) = asked.map(i32::from).filter(|asked| now != Some(*asked)) {
            changes.push((field, now.map(|h| h.to_string()), asked.to_string()));
            *sent = Some(asked);
        }
    }
    changes
}

/// A previewed update, the body that would carry it out, and why confirming it would be refused.
struct UpdatePlan {
    out: UpdateReservationOut,
    body: types::ReservationInput,
    /// Whether a field of the reservation itself changes (else only price lines are sent).
    reservation_changes: bool,
    /// Price lines to set: (finance field id, its value, whether it counts in the total).
    lines: Vec<(i64, f64, i32)>,
    refusal: Option<String>,
}

/// The prefix a price line's change is named with.
const LINE: &str = "price_lines.";

impl ToolContext {
    /// Reads the reservation, compares it field by field with `wanted` and, when the dates or the
    /// party change, checks the new nights, the listing's capacity and the new total: the preview
    /// of `update_reservation`.
    async fn update_plan(&self, id: i64, wanted: &Wanted, fresh: Fresh) -> Result<UpdatePlan, ToolError> {
        let current = self.gateway.reservation(id, fresh).await?;
        let mut changes = Vec::new();
        let mut body = types::ReservationInput::default();
        let mut change = |field: &str, before: Option<String>, after: String| -> bool {
            let differs = before.as_deref() != Some(after.as_str());
            if differs {
                changes.push(FieldChange {
                    field: field.to_string(),
                    before: before.map(crate::tools::untrusted::Untrusted::from),
                    after: after.into(),
                });
            }
            differs
        };
        let check_in = wanted.check_in.unwrap_or(current.arrival_date);
        let check_out = wanted.check_out.unwrap_or(current.departure_date);
        let moves_in = change("check_in", Some(current.arrival_date.to_string()), check_in.to_string());
        let moves_out = change("check_out", Some(current.departure_date.to_string()), check_out.to_string());
        let mut regroups = false;
        if let Some(guests) = wanted.guests
            && change("guests", current.number_of_guests.map(|n| n.to_string()), guests.to_string())
        {
            regroups = true;
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
        let arrival = arrival_changes(&current, wanted, &mut body);
        for (field, before, after) in &arrival {
            change(field, before.clone(), after.clone());
        }
        if let Some(wanted) = &wanted.custom_fields {
            let of = FieldsOf::Reservation;
            let (values, custom) =
                self.with_custom_values("custom_fields", of, &current.custom_field_values, wanted).await?;
            if !custom.is_empty() {
                body.custom_field_values = values;
                changes.extend(custom);
            }
        }
        let reservation_changes = !changes.is_empty();
        let mut lines = Vec::new();
        if let Some(asked) = &wanted.price_lines {
            if moves_in || moves_out || regroups {
                return Err(ToolError::invalid(
                    "price_lines",
                    "set price lines in a call of their own: new dates or a new party re-price the booking",
                ));
            }
            self.refuse_once_ended(&current, "price lines").await?;
            let held = self.gateway.finance_fields(id, fresh).await?;
            let currency = args::currency_or_fallback(current.currency.as_deref());
            for (name, cents) in asked {
                let (field, line) = price_line(id, &held, name)?;
                let (before, after) = (line.value.unwrap_or(line.total), *cents as f64 / 100.0);
                if (before - after).abs() >= 0.005 {
                    changes.push(FieldChange {
                        field: format!("{LINE}{}", line.name),
                        before: Some(format!("{before:.2} {currency}").into()),
                        after: format!("{after:.2} {currency}").into(),
                    });
                    lines.push((field, after, line.is_included_in_total_price.unwrap_or(1)));
                }
            }
        }
        if moves_in || moves_out || regroups {
            let today = self.listing_today(current.listing_map_id).await?;
            refuse_rewriting_the_past(&current, (moves_in, moves_out), (check_in, check_out), today)?;
        }
        if !arrival.is_empty() {
            self.refuse_once_ended(&current, "arrival details").await?;
        }
        let mut refusal = status_of(&current).is_over().then(|| {
            format!(
                "reservation {id} is {}: it cannot be changed. Book the stay anew with create_reservation",
                current.status.as_str()
            )
        });
        let (mut nights_free, mut taken, mut price) = (None, Vec::new(), None);
        if moves_in || moves_out || regroups {
            let field = if wanted.check_out.is_some() { "check_out" } else { "check_in" };
            if check_out <= check_in {
                return Err(ToolError::invalid(
                    field,
                    format!("the stay would end on {check_out}, not after its check-in on {check_in}"),
                ));
            }
            let stay = Stay::new(check_in, check_out, MAX_STAY_NIGHTS)?;
            let listing_id = current.listing_map_id;
            let guests = wanted
                .guests
                .or_else(|| current.number_of_guests.and_then(|n| NonZeroU32::new(n.try_into().unwrap_or(0))))
                .unwrap_or(NonZeroU32::MIN);
            let (listing, quote) = tokio::join!(
                self.gateway.listing(listing_id, Fresh::No),
                self.gateway.price_details(listing_id, stay.check_in, stay.check_out, guests)
            );
            let listing = listing?;
            if let Some(refusal) = over_capacity(&listing, guests).filter(|_| regroups) {
                return Err(ToolError::Refused(format!("{refusal}; nothing was changed")));
            }
            let quote = quote?;
            let currency = args::currency_or_fallback(current.currency.as_deref().or(listing.currency_code.as_deref()));
            let before = current.total_price.map(|t| Money::new(t, currency.clone()));
            price = Some(PriceChange {
                difference: before.as_ref().map(|b| Money::new(quote.total_price - b.amount, currency.clone())),
                before,
                after: Money::new(quote.total_price, currency),
            });
            if moves_in || moves_out {
                body.arrival_date = Some(check_in);
                body.departure_date = Some(check_out);
                let own = (current.arrival_date, current.departure_date);
                let days =
                    self.gateway.calendar(listing_id, stay.check_in, stay.check_out - Duration::days(1), fresh).await?;
                taken = taken_dates(&days, |date| is_active(&current) && own.0 <= date && date < own.1);
                nights_free = Some(taken.is_empty());
                if !taken.is_empty() && refusal.is_none() {
                    refusal =
                        Some(format!("reservation {id} cannot move: taken {}. Pick other dates", taken.join(", ")));
                }
            }
        }
        let mut warnings: Vec<String> = channel_warning(&current).into_iter().collect();
        if !lines.is_empty() {
            warnings.push(
                "price lines are set by hand and kept through Hostaway's recalculations; its docs do not say whether \
                 the booking's total follows them, so the answer reads the total back"
                    .into(),
            );
        }
        if let Some(refusal) = &refusal {
            warnings.push(format!("{refusal}: confirm will be refused"));
        }
        let note = changes.is_empty().then(|| "the reservation already has these values; nothing to change".into());
        let out = UpdateReservationOut {
            status: WriteStatus::Preview,
            reservation: reservations::row(&current),
            changes,
            price,
            warnings,
            nights_free,
            taken_dates: taken,
            note,
        };
        Ok(UpdatePlan { out, body, reservation_changes, lines, refusal })
    }
}

impl ToolContext {
    /// Refuses a change of `what` (arrival details, price lines) to a stay that has ended by the
    /// listing's today: what it was is what happened.
    async fn refuse_once_ended(&self, current: &types::Reservation, what: &str) -> Result<(), ToolError> {
        let today = self.listing_today(current.listing_map_id).await?;
        if StayPhase::of(current.arrival_date, current.departure_date, today.date) != StayPhase::Ended {
            return Ok(());
        }
        Err(ToolError::Refused(format!(
            "reservation {} ended on {}: a stay that has ended keeps its {what} (today is {} in {}); nothing was \
             changed",
            current.id, current.departure_date, today.date, today.zone
        )))
    }
}

/// Refuses a change of dates or party that would write before the listing's today: an ended stay
/// keeps its dates and price, a stay under way keeps its arrival, and neither end moves into the
/// past. Shortening a stay under way to end today is allowed.
fn refuse_rewriting_the_past(
    current: &types::Reservation,
    (moves_in, moves_out): (bool, bool),
    (check_in, check_out): (NaiveDate, NaiveDate),
    today: LocalToday,
) -> Result<(), ToolError> {
    let (id, arrival, departure) = (current.id, current.arrival_date, current.departure_date);
    let on = format!("today is {} in {}; nothing was changed", today.date, today.zone);
    match StayPhase::of(arrival, departure, today.date) {
        StayPhase::Ended => Err(ToolError::Refused(format!(
            "reservation {id} ended on {departure}: a stay that has ended is neither moved nor re-priced ({on})"
        ))),
        StayPhase::UnderWay if moves_in => Err(ToolError::Refused(format!(
            "reservation {id} began on {arrival}: a stay under way keeps its arrival; change only check_out ({on})"
        ))),
        _ if moves_in && check_in < today.date => today.refuse_past("check_in", check_in),
        _ if moves_out && check_out < today.date => today.refuse_past("check_out", check_out),
        _ => Ok(()),
    }
}

/// The one line of `held` named `name` (its Hostaway name or title, any case), with its field id.
/// The total is refused: it sums the lines.
fn price_line<'a>(
    id: i64,
    held: &'a [types::FinanceField],
    name: &str,
) -> Result<(i64, &'a types::FinanceField), ToolError> {
    let live: Vec<&types::FinanceField> = held.iter().filter(|f| f.is_deleted != Some(1)).collect();
    let named: Vec<&&types::FinanceField> = live
        .iter()
        .filter(|f| text_match::same(&f.name, name) || f.title.as_deref().is_some_and(|t| text_match::same(t, name)))
        .collect();
    let names = || live.iter().map(|f| f.name.as_str()).filter(|n| *n != TOTAL_LINE).collect::<Vec<_>>().join(", ");
    let line = match named.as_slice() {
        [one] => **one,
        [] => {
            return Err(ToolError::invalid(
                "price_lines",
                format!("reservation {id} has no price line {name:?}; its lines are {}", names()),
            ));
        }
        _ => {
            return Err(ToolError::invalid(
                "price_lines",
                format!("{name:?} names several lines of reservation {id}; change it in Hostaway"),
            ));
        }
    };
    if line.name == TOTAL_LINE {
        return Err(ToolError::invalid(
            "price_lines",
            format!("totalPrice sums the lines; set them instead: {}", names()),
        ));
    }
    let field = line.id.ok_or_else(|| {
        ToolError::Refused(format!("Hostaway gives line {} of reservation {id} no id; nothing was changed", line.name))
    })?;
    Ok((field, line))
}

/// The name of the breakdown line that is the booking's total.
const TOTAL_LINE: &str = "totalPrice";

/// The answer once price lines were set: the booking and its total as Hostaway now holds them.
fn lines_done(planned: UpdateReservationOut, now: &types::Reservation) -> UpdateReservationOut {
    let row = reservations::row(now);
    let before = planned.reservation.total.clone();
    let after = row.total.clone();
    let note = match (&before, &after) {
        (Some(b), Some(a)) if (b.amount - a.amount).abs() < 0.005 => {
            Some(format!("the lines are set; Hostaway's total for the booking stays {:.2} {}", a.amount, a.currency))
        }
        _ => None,
    };
    let price = after.map(|after| PriceChange {
        difference: before.as_ref().map(|b| Money::new(after.amount - b.amount, after.currency.clone())),
        before,
        after,
    });
    UpdateReservationOut { reservation: row, price, note, warnings: Vec::new(), ..planned }
}
