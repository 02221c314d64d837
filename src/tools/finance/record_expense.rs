//! `record_expense`: an expense (a cost: repairs, supplies) or an extra (what a guest paid on
//! top) recorded, corrected or removed, so owner statements and expenses_report hold it.
//!
//! Hostaway stores an expense's kind in its amount's sign and gives it no currency: it is in the
//! account's, shown as expenses_report shows it (the portfolio's most used). An expense
//! records what happened, so its day may be any day up to the listing's today, never after it
//! (a later day is a slip, most often of the year). A new expense is one recording: a confirm that
//! finds the same listing, day, concept and amount already recorded answers `already_done`.

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    hostaway::{Fresh, GatewayError, types},
    tools::{
        ToolContext, WriteStatus,
        args::{self, Money},
        error::ToolError,
        params::Parameters,
        reservations::writes::FieldChange,
        text_match,
        untrusted::{self, Untrusted},
    },
};

/// Whether an entry is a cost or income.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A cost (default).
    #[default]
    Expense,
    /// A guest paid it on top.
    Extra,
}

impl Kind {
    fn of(amount: f64) -> Self {
        if amount < 0.0 { Self::Expense } else { Self::Extra }
    }

    /// The amount as Hostaway signs it.
    fn signed(self, amount: f64) -> f64 {
        match self {
            Self::Expense => -amount.abs(),
            Self::Extra => amount.abs(),
        }
    }
}

/// Arguments of `record_expense`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordExpenseArgs {
    /// To correct or remove (expenses_report group_by item).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub expense_id: Option<i64>,
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub listing_id: Option<i64>,
    /// Its booking (sets the listing).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub reservation_id: Option<i64>,
    /// Day it happened (default today), not after today.
    #[serde(default)]
    pub date: Option<String>,
    /// What for, e.g. "Boiler repair".
    #[serde(default)]
    pub concept: Option<String>,
    /// In the account's currency.
    #[serde(default)]
    #[schemars(range(min = 0.01))]
    pub amount: Option<f64>,
    /// expense (default) or extra.
    #[serde(default)]
    pub kind: Option<Kind>,
    /// Category names (new ones are made).
    #[serde(default)]
    pub categories: Option<Vec<String>>,
    /// true removes expense_id.
    #[serde(default)]
    pub remove: bool,
    /// true applies the preview.
    #[serde(default)]
    pub confirm: bool,
}

/// One expense or extra.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ExpenseRow {
    /// Hostaway's id (absent before it is recorded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expense_id: Option<i64>,
    /// expense or extra.
    pub kind: Kind,
    /// How much.
    pub amount: Money,
    /// Day it happened.
    pub date: String,
    /// What for.
    pub concept: Untrusted,
    /// The listing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_id: Option<i64>,
    /// The booking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation_id: Option<i64>,
    /// Its categories.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Untrusted>,
}

/// What `record_expense` would do or did.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RecordExpenseOut {
    /// preview, done, unchanged (already so) or already_done (already recorded; nothing sent).
    pub status: WriteStatus,
    /// The expense: as it will be or is held.
    pub expense: ExpenseRow,
    /// A correction's or removal's changes, field by field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// Said when the same expense is already recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What a call asks for, checked.
enum Wanted {
    /// A new expense as Hostaway takes it.
    New(types::ExpenseInput),
    /// Corrections to `expense_id`.
    Correct(i64),
    /// `expense_id` removed.
    Remove(i64),
}

#[tool_router(router = record_expense_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Record, correct or remove an expense or extra. "Log the 180 EUR plumber at the loft yesterday."
    #[tool(
        name = "record_expense",
        title = "Record expense",
        annotations(read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn record_expense(
        &self,
        Parameters(args): Parameters<RecordExpenseArgs>,
    ) -> Result<Json<RecordExpenseOut>, ToolError> {
        let wanted = self.wanted_expense(&args).await?;
        let currency = self.expense_currency().await?;
        if !args.confirm {
            let (out, _) = self.expense_effect(&args, &wanted, &currency, Fresh::No).await?;
            return Ok(Json(RecordExpenseOut { status: WriteStatus::Preview, ..out }));
        }
        let summary = match &wanted {
            Wanted::New(input) => format!("new expense at listing {:?}", input.listing_map_id),
            Wanted::Correct(id) => format!("expense {id} corrected"),
            Wanted::Remove(id) => format!("expense {id} removed"),
        };
        let request = format!("{args:?}");
        let (out, status) = self
            .guard
            .run("record_expense", &request, &summary, async {
                let (out, effect) = self.expense_effect(&args, &wanted, &currency, Fresh::Yes).await?;
                let failed = |e| ToolError::of_write("record_expense", "the expense was recorded", e);
                let done = match effect {
                    Effect::None(status) => return Ok((RecordExpenseOut { status, ..out }, status)),
                    Effect::Create(input) => self.gateway.create_expense(input).await.map_err(failed)?,
                    Effect::Update(id, input) => self.gateway.update_expense(id, input).await.map_err(failed)?,
                    Effect::Delete(id) => {
                        // A 404 here means it went between the read and the delete (an earlier
                        // attempt whose answer was lost, or someone else): gone either way.
                        match self.gateway.delete_expense(id).await {
                            Ok(()) | Err(GatewayError::NotFound { .. }) => {}
                            Err(error) => return Err(failed(error)),
                        }
                        return Ok((RecordExpenseOut { status: WriteStatus::Done, ..out }, WriteStatus::Done));
                    }
                };
                let expense = row(&done, &currency);
                Ok((RecordExpenseOut { status: WriteStatus::Done, expense, ..out }, WriteStatus::Done))
            })
            .await?;
        Ok(Json(RecordExpenseOut { status, ..out }))
    }
}

/// What a call would send, decided on what Hostaway holds.
enum Effect {
    /// Nothing: already as asked (unchanged) or already recorded (already_done).
    None(WriteStatus),
    /// This new expense.
    Create(types::ExpenseInput),
    /// This correction of an expense.
    Update(i64, types::ExpenseInput),
    /// The expense removed.
    Delete(i64),
}

impl ToolContext {
    /// Checks the arguments into what they ask for.
    async fn wanted_expense(&self, args: &RecordExpenseArgs) -> Result<Wanted, ToolError> {
        untrusted::single_line("concept", args.concept.as_deref())?;
        if let Some(concept) = &args.concept
            && (concept.trim().is_empty() || concept.trim().chars().count() > 255)
        {
            return Err(ToolError::invalid("concept", "say what it was for, in at most 255 characters"));
        }
        if let Some(amount) = args.amount
            && !(amount.is_finite() && amount >= 0.01)
        {
            return Err(ToolError::invalid("amount", "give how much as a number above 0; kind says expense or extra"));
        }
        if args.categories.iter().flatten().any(|c| c.trim().is_empty()) {
            return Err(ToolError::invalid("categories", "a category name is blank"));
        }
        self.known_listings("listing_id", args.listing_id.as_slice()).await?;
        let booking = self.reservation_named("reservation_id", args.reservation_id).await?;
        if let (Some(listing), Some(booking)) = (args.listing_id, &booking)
            && listing != booking.listing_map_id
        {
            return Err(ToolError::invalid(
                "listing_id",
                format!("booking {} is at listing {}; leave listing_id out", booking.id, booking.listing_map_id),
            ));
        }
        if args.remove {
            let Some(id) = args.expense_id else {
                return Err(ToolError::invalid("remove", "needs expense_id: the expense to remove"));
            };
            let given = [
                ("listing_id", args.listing_id.is_some()),
                ("reservation_id", args.reservation_id.is_some()),
                ("date", args.date.is_some()),
                ("concept", args.concept.is_some()),
                ("amount", args.amount.is_some()),
                ("kind", args.kind.is_some()),
                ("categories", args.categories.is_some()),
            ];
            if let Some((field, _)) = given.into_iter().find(|(_, given)| *given) {
                return Err(ToolError::invalid(field, "means nothing with remove: true; leave it out"));
            }
            return Ok(Wanted::Remove(id));
        }
        if let Some(id) = args.expense_id {
            return Ok(Wanted::Correct(id));
        }
        let concept = args.concept.as_deref().map(str::trim).ok_or_else(|| {
            ToolError::invalid("concept", "is needed for a new expense: what it was for, e.g. \"Boiler repair\"")
        })?;
        let amount = args.amount.ok_or_else(|| ToolError::invalid("amount", "is needed for a new expense"))?;
        let listing = args.listing_id.or(booking.as_ref().map(|b| b.listing_map_id));
        let date = self.expense_day(listing, args.date.as_deref()).await?;
        Ok(Wanted::New(types::ExpenseInput {
            listing_map_id: listing,
            reservation_id: args.reservation_id,
            expense_date: date,
            concept: concept.to_string(),
            amount: args.kind.unwrap_or_default().signed(amount),
            categories_names: categories(args.categories.as_deref().unwrap_or_default()),
        }))
    }

    /// The day of an expense at `listing`: today there by default, never after it.
    async fn expense_day(&self, listing: Option<i64>, given: Option<&str>) -> Result<String, ToolError> {
        let today = self.today_at(listing).await?;
        let day = match given {
            Some(day) => args::date("date", day, today.date)?,
            None => today.date,
        };
        if day > today.date {
            return Err(ToolError::invalid(
                "date",
                format!(
                    "{day} is after today ({} in {}); an expense records what happened, so give the day it did",
                    today.date, today.zone
                ),
            ));
        }
        Ok(day.to_string())
    }

    /// The currency expenses are in: Hostaway gives them none, so the account's, as
    /// expenses_report shows them (the portfolio's most used).
    async fn expense_currency(&self) -> Result<String, ToolError> {
        let portfolio = self.gateway.portfolio().await?;
        Ok(args::currency_or_fallback(args::most_used_currency(&portfolio)))
    }

    /// What the call would do on what Hostaway holds (read `fresh`), as an answer and an effect.
    async fn expense_effect(
        &self,
        args: &RecordExpenseArgs,
        wanted: &Wanted,
        currency: &str,
        fresh: Fresh,
    ) -> Result<(RecordExpenseOut, Effect), ToolError> {
        let held = |id: i64| async move {
            match self.gateway.expense(id, fresh).await {
                Ok(expense) if expense.is_deleted != Some(1) => Ok(expense),
                Ok(_) | Err(GatewayError::NotFound { .. }) => Err(ToolError::invalid(
                    "expense_id",
                    format!("no expense {id} in this account; expenses_report with group_by item shows their ids"),
                )),
                Err(other) => Err(other.into()),
            }
        };
        match wanted {
            Wanted::New(input) => {
                let (recorded, _) = self.gateway.expenses(fresh).await?;
                let same = recorded.iter().find(|e| e.is_deleted != Some(1) && same_expense(e, input));
                let expense = same.map_or_else(|| row_of_input(input, currency), |e| row(e, currency));
                let note =
                    same.map(|e| format!("already recorded as expense {}: confirming records nothing again", e.id));
                let effect =
                    if same.is_some() { Effect::None(WriteStatus::AlreadyDone) } else { Effect::Create(input.clone()) };
                Ok((RecordExpenseOut { status: WriteStatus::Preview, expense, changes: Vec::new(), note }, effect))
            }
            Wanted::Remove(id) => {
                let expense = held(*id).await?;
                let removed = FieldChange {
                    field: "expense".into(),
                    before: Some(expense.concept.clone().unwrap_or_default().into()),
                    after: "removed".into(),
                };
                let out = RecordExpenseOut {
                    status: WriteStatus::Preview,
                    expense: row(&expense, currency),
                    changes: vec![removed],
                    note: None,
                };
                Ok((out, Effect::Delete(*id)))
            }
            Wanted::Correct(id) => {
                let expense = held(*id).await?;
                let (input, changes) = self.corrected(&expense, args).await?;
                let effect = if changes.is_empty() {
                    Effect::None(WriteStatus::Unchanged)
                } else {
                    Effect::Update(*id, input.clone())
                };
                let mut shown = row_of_input(&input, currency);
                shown.expense_id = Some(expense.id);
                Ok((RecordExpenseOut { status: WriteStatus::Preview, expense: shown, changes, note: None }, effect))
            }
        }
    }

    /// `expense` with the corrections `args` ask for, as Hostaway takes it, and the changes.
    async fn corrected(
        &self,
        expense: &types::Expense,
        args: &RecordExpenseArgs,
    ) -> Result<(types::ExpenseInput, Vec<FieldChange>), ToolError> {
        let booking = self.reservation_named("reservation_id", args.reservation_id).await?;
        let listing = args.listing_id.or(booking.as_ref().map(|b| b.listing_map_id)).or(expense.listing_map_id);
        let date = match args.date.as_deref() {
            Some(day) => self.expense_day(listing, Some(day)).await?,
            None => expense.expense_date.clone().unwrap_or_default(),
        };
        let kind = args.kind.unwrap_or(Kind::of(expense.amount));
        let amount = kind.signed(args.amount.unwrap_or(expense.amount));
        let input = types::ExpenseInput {
            listing_map_id: listing,
            reservation_id: args.reservation_id.or(expense.reservation_id),
            expense_date: date,
            concept: args
                .concept
                .as_deref()
                .map_or_else(|| expense.concept.clone().unwrap_or_default(), |c| c.trim().to_string()),
            amount,
            categories_names: args.categories.as_deref().map_or_else(|| expense.categories_names.clone(), categories),
        };
        let mut changes = Vec::new();
        let mut change = |field: &str, before: String, after: String| {
            if before != after {
                changes.push(FieldChange { field: field.into(), before: Some(before.into()), after: after.into() });
            }
        };
        let id_text = |id: Option<i64>| id.map_or_else(|| "none".to_string(), |id| id.to_string());
        change("listing_id", id_text(expense.listing_map_id), id_text(input.listing_map_id));
        change("reservation_id", id_text(expense.reservation_id), id_text(input.reservation_id));
        change("date", expense.expense_date.clone().unwrap_or_default(), input.expense_date.clone());
        change("concept", expense.concept.clone().unwrap_or_default(), input.concept.clone());
        change("amount", format!("{:.2}", expense.amount), format!("{:.2}", input.amount));
        change("categories", expense.categories_names.join(", "), input.categories_names.join(", "));
        Ok((input, changes))
    }
}

/// Category names trimmed, each once.
fn categories(names: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for name in names.iter().map(|n| n.trim()) {
        if !kept.iter().any(|k| text_match::same(k, name)) {
            kept.push(name.to_string());
        }
    }
    kept
}

/// Whether `held` records what `input` would: the same listing, booking, day, amount to the cent
/// and concept (any case, accents).
fn same_expense(held: &types::Expense, input: &types::ExpenseInput) -> bool {
    held.listing_map_id == input.listing_map_id
        && held.reservation_id == input.reservation_id
        && held.expense_date.as_deref() == Some(input.expense_date.as_str())
        && (held.amount * 100.0).round() == (input.amount * 100.0).round()
        && held.concept.as_deref().is_some_and(|c| text_match::same(c, &input.concept))
}

/// An expense Hostaway holds, as the tool shows it.
fn row(e: &types::Expense, currency: &str) -> ExpenseRow {
    ExpenseRow {
        expense_id: Some(e.id),
        kind: Kind::of(e.amount),
        amount: Money::new(e.amount.abs(), currency),
        date: e.expense_date.clone().unwrap_or_default(),
        concept: e.concept.clone().unwrap_or_default().into(),
        listing_id: e.listing_map_id,
        reservation_id: e.reservation_id,
        categories: e.categories_names.iter().map(|c| Untrusted::from(c.as_str())).collect(),
    }
}

/// An expense about to be sent, as the tool shows it.
fn row_of_input(input: &types::ExpenseInput, currency: &str) -> ExpenseRow {
    ExpenseRow {
        expense_id: None,
        kind: Kind::of(input.amount),
        amount: Money::new(input.amount.abs(), currency),
        date: input.expense_date.clone(),
        concept: input.concept.as_str().into(),
        listing_id: input.listing_map_id,
        reservation_id: input.reservation_id,
        categories: input.categories_names.iter().map(|c| Untrusted::from(c.as_str())).collect(),
    }
}
