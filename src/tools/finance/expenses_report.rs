//! `expenses_report`: what the properties cost and what guests paid on top: Hostaway's expenses
//! (negative amounts) and extras (positive), over a period, by listing, category or month.
//!
//! Hostaway lists expenses only page by page, with no date or listing filter, so the account's
//! expenses are read once (cached for five minutes) and grouped here. Deleted ones are left out,
//! as Hostaway leaves them out of owner statements.

use crate::tools::untrusted::Untrusted;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    hostaway::{Fresh, types},
    tools::{
        ToolContext,
        args::{self, Money, Range},
        bound,
        error::ToolError,
        params::Parameters,
    },
};

/// Days one report covers at most.
const MAX_DAYS: i64 = 366;

/// How `expenses_report` splits its figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExpensesBy {
    /// One row per listing.
    Listing,
    /// One row per category.
    Category,
    /// One row per month.
    Month,
    /// One row per expense, with its id.
    Item,
    /// One row for everything (default).
    #[default]
    Total,
}

/// Arguments of `expenses_report`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpensesReportArgs {
    /// First day.
    pub start_date: String,
    /// Last day, inclusive; at most 366 days.
    pub end_date: String,
    /// How to group rows (default: total).
    #[serde(default)]
    pub group_by: ExpensesBy,
    /// Only these listings.
    #[serde(default, deserialize_with = "args::opt_ids")]
    #[schemars(inner(range(min = 1)))]
    pub listing_ids: Option<Vec<i64>>,
}

/// Expenses and extras over a period.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ExpensesReport {
    /// First day.
    pub start_date: String,
    /// Last day (inclusive).
    pub end_date: String,
    /// One row per group, largest spend first; when they would pass the answer's size bound, the
    /// last row stands for the groups left out, together.
    pub rows: Vec<ExpensesRow>,
    /// All rows together.
    pub total: ExpensesRow,
    /// Whether every expense of the account was read (Hostaway lists at most 5,000 here).
    pub complete: bool,
}

/// One group's expenses and extras.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ExpensesRow {
    /// The listing's name, the category, the month (YYYY-MM), the item's day and concept, or "total".
    pub group: Untrusted,
    /// The item's id (group_by item), for record_expense.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expense_id: Option<i64>,
    /// Spent (the sum of expenses, as a positive amount).
    pub expenses: Money,
    /// Received on top (the sum of extras).
    pub extras: Money,
    /// extras minus expenses.
    pub net: Money,
    /// Expenses and extras counted.
    pub items: u32,
}

#[tool_router(router = expenses_report_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Expenses and extras (spent, received, net) for a period, total or by listing, category or month.
    #[tool(
        name = "expenses_report",
        title = "Expenses report",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn expenses_report(
        &self,
        Parameters(args): Parameters<ExpensesReportArgs>,
    ) -> Result<Json<ExpensesReport>, ToolError> {
        let words = [Some(args.start_date.as_str()), Some(args.end_date.as_str())];
        let today = self.today_for_words(None, &words).await?;
        let range = Range::parse(&args.start_date, &args.end_date, MAX_DAYS, today)?;
        let (portfolio, expenses) = tokio::join!(self.gateway.portfolio(), self.gateway.expenses(Fresh::No));
        let (portfolio, (expenses, capped)) = (portfolio?, expenses?);
        self.known_listings("listing_ids", args.listing_ids.as_deref().unwrap_or_default()).await?;
        let currency = args::currency_or_fallback(args::most_used_currency(&portfolio));
        let names: BTreeMap<i64, &str> = portfolio.iter().map(|l| (l.id, l.name.as_str())).collect();
        let mut groups: BTreeMap<(String, Option<i64>), Sums> = BTreeMap::new();
        let mut total = Sums::default();
        for expense in expenses.iter().filter(|e| counts(e, range, args.listing_ids.as_deref())) {
            let group = match args.group_by {
                ExpensesBy::Total => None,
                ExpensesBy::Listing => Some(
                    expense
                        .listing_map_id
                        .and_then(|id| names.get(&id).map(|n| n.to_string()))
                        .or(expense.listing_name.clone())
                        .unwrap_or_else(|| "no listing".into()),
                ),
                ExpensesBy::Category => {
                    Some(expense.categories_names.first().cloned().unwrap_or_else(|| "uncategorised".into()))
                }
                ExpensesBy::Month => date_of(expense).map(|d| d.format("%Y-%m").to_string()),
                ExpensesBy::Item => Some(format!(
                    "{} {}",
                    expense.expense_date.as_deref().unwrap_or_default(),
                    expense.concept.as_deref().unwrap_or_default()
                )),
            };
            if let Some(group) = group {
                let item = (args.group_by == ExpensesBy::Item).then_some(expense.id);
                groups.entry((group, item)).or_default().add(expense.amount);
            }
            total.add(expense.amount);
        }
        let mut rows: Vec<ExpensesRow> = groups
            .into_iter()
            .map(|((group, item), sums)| ExpensesRow { expense_id: item, ..sums.row(group, &currency) })
            .collect();
        rows.sort_by(|a, b| b.expenses.amount.total_cmp(&a.expenses.amount).then(a.group.cmp(&b.group)));
        let mut report = ExpensesReport {
            start_date: range.start.to_string(),
            end_date: range.end.to_string(),
            rows: Vec::new(),
            total: total.row("total".into(), &currency),
            complete: !capped,
        };
        let shown = bound::fitting(&rows, bound::chars(&report));
        if shown < rows.len() {
            let rest = rows.split_off(shown);
            rows.push(together(&rest, shown, &currency));
        }
        report.rows = rows;
        Ok(Json(report))
    }
}

/// Whether an expense counts: not deleted, dated inside the period, and of a chosen listing.
fn counts(expense: &types::Expense, range: Range, listings: Option<&[i64]>) -> bool {
    expense.is_deleted != Some(1)
        && date_of(expense).is_some_and(|d| d >= range.start && d <= range.end)
        && listings.is_none_or(|ids| expense.listing_map_id.is_some_and(|id| ids.contains(&id)))
}

/// The groups left out at the size bound as one row, labelled as such.
fn together(rest: &[ExpensesRow], shown: usize, currency: &str) -> ExpensesRow {
    let money = |field: fn(&ExpensesRow) -> &Money| Money::new(rest.iter().map(|r| field(r).amount).sum(), currency);
    let go_on = "this row adds up the rest; ask with listing_ids for their own rows";
    ExpensesRow {
        group: format!("{} more groups: {}", rest.len(), bound::stopped(shown, "rows", go_on)).into(),
        expense_id: None,
        expenses: money(|r| &r.expenses),
        extras: money(|r| &r.extras),
        net: money(|r| &r.net),
        items: rest.iter().map(|r| r.items).sum(),
    }
}

/// An expense's date (Hostaway sends `Y-m-d`, sometimes with a time).
fn date_of(expense: &types::Expense) -> Option<NaiveDate> {
    let text = expense.expense_date.as_deref()?;
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// Running sums of one group.
#[derive(Debug, Default)]
struct Sums {
    expenses: f64,
    extras: f64,
    items: u32,
}

impl Sums {
    fn add(&mut self, amount: f64) {
        if amount < 0.0 {
            self.expenses -= amount;
        } else {
            self.extras += amount;
        }
        self.items += 1;
    }

    fn row(&self, group: String, currency: &str) -> ExpensesRow {
        let money = |amount: f64| Money::new(amount, currency);
        ExpensesRow {
            group: group.into(),
            expense_id: None,
            expenses: money(self.expenses),
            extras: money(self.extras),
            net: money(self.extras - self.expenses),
            items: self.items,
        }
    }
}
