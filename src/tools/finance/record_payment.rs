//! `record_payment`: a payment the guest made outside Hostaway (cash at the door, a bank
//! transfer) recorded on the booking as an offline charge, or an offline charge still awaiting
//! marked paid or cancelled. Hostaway has no payment links; this is how the money a manager took
//! by hand reaches the booking's charges and its owner's figures.
//!
//! Hostaway records the charge in the booking's currency (it takes none). A payment already made
//! is recorded as paid now; one still expected (`awaiting`) is due on the arrival day, or the
//! listing's today once the stay has begun, never before it. A new payment is one recording: a
//! confirm that finds an offline charge of the booking with the same title, amount, method and
//! status made on the same day answers `already_done`, so a retry after a lost answer or a restart
//! records nothing twice. Only an offline charge still awaiting changes, and only to paid or
//! cancelled, as Hostaway allows.

use chrono::NaiveTime;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::payments::{ChargeRow, charge_row};
use crate::{
    hostaway::{Fresh, types},
    tools::{
        ToolContext, WriteStatus,
        args::{self, Money},
        error::ToolError,
        params::Parameters,
        text_match, today,
        untrusted::{self, Untrusted},
    },
};

/// How the guest paid, in Hostaway's words for an offline charge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Cash (default).
    #[default]
    Cash,
    /// A bank transfer.
    BankTransfer,
    /// A cheque.
    BankCheck,
    /// A card taken on the manager's own terminal.
    CreditCard,
    /// A channel's virtual card.
    Vcc,
    /// PayPal.
    Paypal,
    /// Venmo.
    Venmo,
    /// Paid to the channel.
    Ota,
    /// Anything else.
    Other,
}

impl PaymentMethod {
    /// Hostaway's spelling.
    fn wire(self) -> types::OfflineChargeInputPaymentMethod {
        use types::OfflineChargeInputPaymentMethod as Wire;
        match self {
            Self::Cash => Wire::Cash,
            Self::BankTransfer => Wire::BankTransfer,
            Self::BankCheck => Wire::BankCheck,
            Self::CreditCard => Wire::CreditCard,
            Self::Vcc => Wire::Vcc,
            Self::Paypal => Wire::Paypal,
            Self::Venmo => Wire::Venmo,
            Self::Ota => Wire::Ota,
            Self::Other => Wire::Other,
        }
    }
}

/// Arguments of `record_payment`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordPaymentArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub reservation_id: i64,
    /// In the booking's currency.
    #[serde(default)]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub amount: Option<f64>,
    /// How it was paid (default cash).
    #[serde(default)]
    pub method: Option<PaymentMethod>,
    /// What for (default "Payment").
    #[serde(default)]
    pub title: Option<String>,
    /// true: not received yet; due on arrival.
    #[serde(default)]
    pub awaiting: bool,
    /// An awaiting charge to mark paid.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub charge_id: Option<i64>,
    /// With charge_id, true cancels it.
    #[serde(default)]
    pub cancel: bool,
    /// true applies the preview.
    #[serde(default)]
    pub confirm: bool,
}

/// What `record_payment` would do or did.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RecordPaymentOut {
    /// preview, done, unchanged (already so) or already_done (already recorded; nothing sent).
    pub status: WriteStatus,
    /// The booking.
    pub reservation_id: i64,
    /// The charge: as it will be or is held.
    pub charge: ChargeRow,
    /// What it means, and anything recorded already.
    pub note: String,
}

/// The default title of a payment.
const DEFAULT_TITLE: &str = "Payment";

/// What a call asks for, checked.
enum Wanted {
    /// A new offline charge.
    New(types::OfflineChargeInput),
    /// An awaiting charge moved to paid or cancelled.
    Settle(i64, types::OfflineChargeInputStatus),
}

/// What a confirm sends, decided on what Hostaway holds.
enum Effect {
    /// Nothing: already so (unchanged) or already recorded (already_done).
    None(WriteStatus),
    /// This new charge.
    Create(types::OfflineChargeInput),
    /// This charge changed.
    Update(i64, types::OfflineChargeInput),
}

#[tool_router(router = record_payment_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Record a payment taken outside Hostaway, or mark an awaiting one paid or cancelled. "Guest 4012 paid 200 EUR cash."
    #[tool(
        name = "record_payment",
        title = "Record payment",
        annotations(read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn record_payment(
        &self,
        Parameters(args): Parameters<RecordPaymentArgs>,
    ) -> Result<Json<RecordPaymentOut>, ToolError> {
        let booking = self.reservation_named("reservation_id", Some(args.reservation_id)).await?;
        let booking = booking.ok_or_else(|| ToolError::invalid("reservation_id", "is needed"))?;
        let wanted = self.wanted_payment(&args, &booking).await?;
        if !args.confirm {
            let (out, _) = self.payment_effect(&booking, &wanted, Fresh::No).await?;
            return Ok(Json(out));
        }
        let id = booking.id;
        let summary = match &wanted {
            Wanted::New(_) => format!("new offline charge on reservation {id}"),
            Wanted::Settle(charge, status) => format!("offline charge {charge} of reservation {id} set {status}"),
        };
        let request = format!("{args:?}");
        let (out, status) = self
            .guard
            .run("record_payment", &request, &summary, async {
                let (out, effect) = self.payment_effect(&booking, &wanted, Fresh::Yes).await?;
                let failed = |e| ToolError::of_write("record_payment", "the payment was recorded", e);
                let listing = booking.listing_map_id;
                let done = match effect {
                    Effect::None(status) => return Ok((RecordPaymentOut { status, ..out }, status)),
                    Effect::Create(input) => {
                        self.gateway.create_offline_charge(id, listing, input).await.map_err(failed)?
                    }
                    Effect::Update(charge, input) => {
                        self.gateway.update_offline_charge(id, listing, charge, input).await.map_err(failed)?
                    }
                };
                let currency = currency_of(&booking);
                let note = done_note(&done);
                let out =
                    RecordPaymentOut { status: WriteStatus::Done, charge: charge_row(&done, &currency), note, ..out };
                Ok((out, WriteStatus::Done))
            })
            .await?;
        Ok(Json(RecordPaymentOut { status, ..out }))
    }
}

impl ToolContext {
    /// Checks the arguments into what they ask for.
    async fn wanted_payment(
        &self,
        args: &RecordPaymentArgs,
        booking: &types::Reservation,
    ) -> Result<Wanted, ToolError> {
        untrusted::single_line("title", args.title.as_deref())?;
        if let Some(charge) = args.charge_id {
            let given = [
                ("amount", args.amount.is_some()),
                ("method", args.method.is_some()),
                ("title", args.title.is_some()),
                ("awaiting", args.awaiting),
            ];
            if let Some((field, _)) = given.into_iter().find(|(_, given)| *given) {
                return Err(ToolError::invalid(
                    field,
                    "means nothing with charge_id, which only marks a charge paid or (cancel: true) cancelled; to \
                     change what is awaited, cancel it and record a new payment",
                ));
            }
            let status = if args.cancel {
                types::OfflineChargeInputStatus::Cancelled
            } else {
                types::OfflineChargeInputStatus::Paid
            };
            return Ok(Wanted::Settle(charge, status));
        }
        if args.cancel {
            return Err(ToolError::invalid("cancel", "needs charge_id: the awaiting charge to cancel"));
        }
        let amount = args.amount.ok_or_else(|| {
            ToolError::invalid("amount", "is needed for a new payment: how much, in the booking's currency")
        })?;
        if !(amount.is_finite() && amount >= 0.01) {
            return Err(ToolError::invalid("amount", "give how much as a number above 0"));
        }
        let title = args.title.as_deref().map_or(DEFAULT_TITLE, str::trim);
        if title.is_empty() || title.chars().count() > 255 {
            return Err(ToolError::invalid("title", "say what it was for, in at most 255 characters"));
        }
        let today = self.listing_today(booking.listing_map_id).await?;
        let (status, scheduled) = if args.awaiting {
            let due = booking.arrival_date.max(today.date);
            let at = today::to_utc(due.and_time(NaiveTime::MIN), today.zone);
            (types::OfflineChargeInputStatus::Awaiting, at)
        } else {
            (types::OfflineChargeInputStatus::Paid, self.clock.now().format("%Y-%m-%d %H:%M:%S").to_string())
        };
        Ok(Wanted::New(types::OfflineChargeInput {
            title: title.to_string(),
            description: None,
            amount: (amount * 100.0).round() / 100.0,
            payment_method: args.method.unwrap_or_default().wire(),
            status,
            scheduled_date: scheduled,
        }))
    }

    /// What the call would do on what Hostaway holds (read `fresh`), as an answer and an effect.
    async fn payment_effect(
        &self,
        booking: &types::Reservation,
        wanted: &Wanted,
        fresh: Fresh,
    ) -> Result<(RecordPaymentOut, Effect), ToolError> {
        let charges = self.gateway.guest_charges(booking.id, fresh).await?;
        let currency = currency_of(booking);
        let out = |charge: ChargeRow, note: String| RecordPaymentOut {
            status: WriteStatus::Preview,
            reservation_id: booking.id,
            charge,
            note,
        };
        match wanted {
            Wanted::New(input) => {
                if let Some(same) = charges.iter().find(|c| same_payment(c, input)) {
                    let note = format!(
                        "already recorded as charge {} ({}); confirming records nothing again. A second payment \
                         alike needs another title",
                        same.id,
                        same.status.as_deref().unwrap_or("awaiting")
                    );
                    return Ok((out(charge_row(same, &currency), note), Effect::None(WriteStatus::AlreadyDone)));
                }
                let shown = ChargeRow {
                    charge_id: None,
                    title: Some(Untrusted::from(input.title.clone())),
                    amount: Money::new(input.amount, currency.clone()),
                    status: Some(input.status.to_string()),
                    // A payment made now shows no time: the preview a person approves must read
                    // the same when the confirm builds it again a moment later.
                    scheduled_for: (input.status == types::OfflineChargeInputStatus::Awaiting)
                        .then(|| args::iso_datetime(&input.scheduled_date)),
                    charged_at: None,
                    method: Some(Untrusted::from(input.payment_method.to_string())),
                };
                let note = match input.status {
                    types::OfflineChargeInputStatus::Awaiting => format!(
                        "would record {:.2} {currency} as awaiting, due {}; mark it paid with its charge_id once received",
                        input.amount,
                        &input.scheduled_date[..10]
                    ),
                    _ => format!("would record {:.2} {currency} as paid now", input.amount),
                };
                Ok((out(shown, note), Effect::Create(input.clone())))
            }
            Wanted::Settle(id, status) => {
                let held = charges.iter().find(|c| c.id == *id).ok_or_else(|| {
                    ToolError::invalid(
                        "charge_id",
                        format!(
                            "reservation {} has no charge {id}; get_reservation with payments: true lists its charges",
                            booking.id
                        ),
                    )
                })?;
                let row = charge_row(held, &currency);
                let now = held.status.as_deref().unwrap_or_default();
                if now == status.to_string() {
                    let note = format!("charge {id} is already {now}; nothing is sent");
                    return Ok((out(row, note), Effect::None(WriteStatus::Unchanged)));
                }
                if !is_offline(held) {
                    return Err(ToolError::Refused(format!(
                        "charge {id} was made through {}; only an offline charge (one recorded by hand) can be \
                         marked paid or cancelled here; nothing was changed",
                        held.payment_provider.as_deref().unwrap_or("a payment provider")
                    )));
                }
                if now != "awaiting" {
                    return Err(ToolError::Refused(format!(
                        "charge {id} is {now}: Hostaway changes only a charge still awaiting; nothing was changed"
                    )));
                }
                let input = types::OfflineChargeInput {
                    title: held.title.clone().unwrap_or_else(|| DEFAULT_TITLE.into()),
                    description: held.description.clone(),
                    amount: held.amount.unwrap_or_default(),
                    payment_method: method_of(held),
                    status: *status,
                    scheduled_date: held.scheduled_date.clone().unwrap_or_default(),
                };
                let note = format!("would mark charge {id} {status}");
                Ok((out(row, note), Effect::Update(*id, input)))
            }
        }
    }
}

/// The booking's currency, as its charges are recorded in it.
fn currency_of(booking: &types::Reservation) -> String {
    args::currency_or_fallback(booking.currency.as_deref())
}

/// Whether the charge was recorded by hand rather than taken by a payment provider.
fn is_offline(charge: &types::GuestCharge) -> bool {
    charge.payment_provider.as_deref() == Some("offline") || charge.is_manual == Some(1)
}

/// The held charge's method in Hostaway's input words; one outside the list is `other`.
fn method_of(charge: &types::GuestCharge) -> types::OfflineChargeInputPaymentMethod {
    charge
        .payment_method
        .as_deref()
        .and_then(|m| m.parse().ok())
        .unwrap_or(types::OfflineChargeInputPaymentMethod::Other)
}

/// Whether `charge` is the offline payment `input` records: same title, amount, method and status,
/// on the same day (paid: charged on the day now is; awaiting: due the same day).
fn same_payment(charge: &types::GuestCharge, input: &types::OfflineChargeInput) -> bool {
    let day = |at: Option<&str>| at.map(|at| at.chars().take(10).collect::<String>());
    let when = match input.status {
        types::OfflineChargeInputStatus::Paid => day(charge.charge_date.as_deref()),
        _ => day(charge.scheduled_date.as_deref()),
    };
    is_offline(charge)
        && charge.status.as_deref() == Some(&input.status.to_string())
        && charge.title.as_deref().is_some_and(|t| text_match::same(t, &input.title))
        && charge.amount.is_some_and(|a| (a - input.amount).abs() < 0.005)
        && charge.payment_method.as_deref() == Some(&input.payment_method.to_string())
        && when == day(Some(&input.scheduled_date))
}

/// One line on what a confirmed call recorded.
fn done_note(charge: &types::GuestCharge) -> String {
    format!(
        "charge {} is {}; get_reservation with payments: true shows the booking's balance as Hostaway holds it",
        charge.id,
        charge.status.as_deref().unwrap_or("recorded")
    )
}
