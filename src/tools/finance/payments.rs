//! A booking's payments, as get_reservation answers them with `payments: true`: what it costs,
//! what is paid and what is due, from its guest charges, its finance fields and Hostaway's
//! remaining balance. `record_payment` answers its charges in the same shape.

use crate::tools::untrusted::Untrusted;
use schemars::JsonSchema;
use serde::Serialize;

use crate::{
    hostaway::{Fresh, types},
    tools::{
        ToolContext,
        args::{self, Money},
        channels,
        error::ToolError,
    },
};

/// One guest charge.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ChargeRow {
    /// Hostaway's id (record_payment takes it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_id: Option<i64>,
    /// What it is for, e.g. Deposit or Balance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Untrusted>,
    /// The amount charged or to charge.
    pub amount: Money,
    /// awaiting, paid, failed, pause or cancelled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// When it is (or was) scheduled, ISO 8601 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_for: Option<String>,
    /// When it was charged, ISO 8601 (absent until it is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charged_at: Option<String>,
    /// Payment method, e.g. credit_card or bank_transfer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<Untrusted>,
}

/// One line of the price breakdown.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct BreakdownRow {
    /// Hostaway's field name, e.g. baseRate, cleaningFee, totalPrice.
    pub name: String,
    /// Its display title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Untrusted>,
    /// Its amount.
    pub amount: Money,
}

/// What a booking costs, what is paid and what is due (get_reservation with `payments: true`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Payments {
    /// Charges collected so far.
    pub paid: Money,
    /// What the guest still owes, as Hostaway holds it for the booking (its remaining balance).
    pub due: Money,
    /// Of that, what charges not yet paid will collect (awaiting, failed or paused; cancelled ones left out).
    pub scheduled: Money,
    /// The guest charges, in Hostaway's order.
    pub charges: Vec<ChargeRow>,
    /// The price breakdown (finance fields).
    pub breakdown: Vec<BreakdownRow>,
    /// Said when the channel collects the guest's payment itself, or charges miss what is owed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ToolContext {
    /// The charges, price breakdown and balance of `reservation`, read from Hostaway.
    pub(crate) async fn payments_of(&self, reservation: &types::Reservation) -> Result<Payments, ToolError> {
        let id = reservation.id;
        let gateway = &self.gateway;
        let (charges, fields) =
            tokio::join!(gateway.guest_charges(id, Fresh::No), gateway.finance_fields(id, Fresh::No));
        let (charges, fields) = (charges?, fields?);
        let currency = args::currency_or_fallback(reservation.currency.as_deref());
        let money = |amount: f64| Money::new(amount, currency.clone());
        let paid: f64 = charges
            .iter()
            .filter(|c| c.status.as_deref() == Some("paid"))
            .map(|c| c.captured_amount.or(c.amount).unwrap_or(0.0))
            .sum();
        let scheduled: f64 = charges
            .iter()
            .filter(|c| !matches!(c.status.as_deref(), Some("paid" | "cancelled")))
            .map(|c| c.amount.unwrap_or(0.0))
            .sum();
        // Hostaway's remaining balance is the booking's own word on what is owed; without it, the
        // total less what the charges collected.
        let total = reservation.total_price.unwrap_or(0.0);
        let due = reservation.remaining_balance.unwrap_or_else(|| (total - paid).max(0.0));
        let channel = channels::name(reservation.channel_id, reservation.channel_name.as_deref());
        let collector = match channel.as_str() {
            "airbnb" => Some("Airbnb"),
            "booking.com" => Some("Booking.com"),
            _ => None,
        };
        let unscheduled = due - scheduled;
        let shown = |amount: f64| format!("{:.2} {currency}", money(amount).amount);
        let note = match collector.filter(|_| charges.is_empty()) {
            Some(channel) => Some(format!(
                "{channel} collects this guest's payment itself and pays out to you, so Hostaway holds no guest \
                 charges for it; paid and due cover only payments made through Hostaway."
            )),
            None if unscheduled >= 0.005 && scheduled < 0.005 => Some(format!(
                "no charge is scheduled: {} is still owed and nothing in Hostaway will collect it",
                shown(due)
            )),
            None if unscheduled >= 0.005 => Some(format!(
                "the scheduled charges collect {} of the {} still owed; {} has no charge scheduled",
                shown(scheduled),
                shown(due),
                shown(unscheduled)
            )),
            None => None,
        };
        Ok(Payments {
            paid: money(paid),
            due: money(due),
            scheduled: money(scheduled),
            charges: charges.iter().map(|c| charge_row(c, &currency)).collect(),
            breakdown: fields
                .iter()
                .filter(|f| f.is_deleted != Some(1))
                .map(|f| BreakdownRow {
                    name: f.name.clone(),
                    title: f.title.clone().map(Untrusted::from),
                    amount: money(f.total),
                })
                .collect(),
            note,
        })
    }
}

/// A guest charge as every tool answers it, its amount in its own currency, else `currency`.
pub(crate) fn charge_row(charge: &types::GuestCharge, currency: &str) -> ChargeRow {
    ChargeRow {
        charge_id: Some(charge.id),
        title: charge.title.clone().map(Untrusted::from),
        amount: Money::new(charge.amount.unwrap_or(0.0), charge.currency.clone().unwrap_or_else(|| currency.into())),
        status: charge.status.clone(),
        scheduled_for: charge.scheduled_date.as_deref().map(args::iso_datetime),
        charged_at: charge.charge_date.as_deref().map(args::iso_datetime),
        method: charge.payment_method.clone().map(Untrusted::from),
    }
}
