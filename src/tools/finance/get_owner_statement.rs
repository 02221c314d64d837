//! `get_owner_statement`: one owner statement as Hostaway keeps it (owner, period, listings and
//! totals), its totals in the statement's currency.

use crate::tools::untrusted::Untrusted;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::hostaway::types;
use crate::tools::{
    ToolContext,
    args::{self, Money},
    error::ToolError,
    params::Parameters,
};

/// Arguments of `get_owner_statement`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetStatementArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub statement_id: i64,
}

/// One owner statement.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Statement {
    /// The statement.
    pub statement_id: i64,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Untrusted>,
    /// The owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Untrusted>,
    /// First day it covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day it covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The listings it covers.
    pub listing_ids: Vec<i64>,
    /// The currency of every total: the statement's own, else the one its listings keep.
    pub currency: String,
    /// Its totals by Hostaway's formula name, e.g. ownerPayout, pmCommission, rentalRevenue.
    pub totals: Vec<StatementTotal>,
    /// Notes on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Untrusted>,
}

/// One total of a statement.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StatementTotal {
    /// Hostaway's formula name.
    pub name: Untrusted,
    /// Its value, with its currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Money>,
}

#[tool_router(router = get_owner_statement_tool, vis = "pub(crate)")]
impl ToolContext {
    /// One owner statement: owner, period, listings and totals.
    #[tool(
        name = "get_owner_statement",
        title = "Get owner statement",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn get_owner_statement(
        &self,
        Parameters(args): Parameters<GetStatementArgs>,
    ) -> Result<Json<Statement>, ToolError> {
        let (found, portfolio) =
            tokio::join!(self.gateway.owner_statement(args.statement_id), self.gateway.portfolio());
        let (found, portfolio) = (found?, portfolio?);
        let filter = found.filter_parameters_json.unwrap_or_default();
        let covered: Vec<types::Listing> =
            portfolio.iter().filter(|l| filter.listing_map_ids.contains(&l.id)).cloned().collect();
        let currency = args::currency_or_fallback(
            found
                .finance_data_json
                .as_ref()
                .and_then(|f| f.currency.as_deref())
                .or_else(|| args::most_used_currency(&covered))
                .or_else(|| args::most_used_currency(&portfolio)),
        );
        Ok(Json(Statement {
            statement_id: found.id,
            name: found.statement_name.map(Untrusted::from),
            owner: found.property_owner_name.map(Untrusted::from),
            from: filter.from_date,
            to: filter.to_date,
            listing_ids: filter.listing_map_ids,
            totals: found
                .summary_data_json
                .into_iter()
                .map(|t| StatementTotal {
                    name: t.formula_name.into(),
                    value: t.total_value.map(|v| Money::new(v, currency.clone())),
                })
                .collect(),
            currency,
            notes: found.notes.map(Untrusted::from),
        }))
    }
}
