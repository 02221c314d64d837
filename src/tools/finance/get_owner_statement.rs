//! `get_owner_statement`: the owner statements Hostaway keeps (what the owners of the properties
//! were shown), listed by id and name, or one of them as Hostaway keeps it (owner, period,
//! listings and totals), its totals in the statement's currency. One tool for both, as a manager
//! asks for "the statements" and then for one.

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
    text_match,
};

/// Arguments of `get_owner_statement`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetStatementArgs {
    /// Absent: the list.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub statement_id: Option<i64>,
    /// Listed by words of the name (any case, accents).
    #[serde(default)]
    pub name: Option<String>,
}

/// One statement in full, or the account's statements by name.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Statements {
    /// The statement asked for.
    #[serde(flatten)]
    pub statement: Option<Statement>,
    /// Without statement_id: the statements, by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statements: Option<Vec<StatementName>>,
}

/// One statement, named.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StatementName {
    /// Pass back as statement_id.
    pub statement_id: i64,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Untrusted>,
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
    /// Owner statements by name, or with statement_id one in full: owner, period, listings and totals.
    #[tool(
        name = "get_owner_statement",
        title = "Get owner statement",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn get_owner_statement(
        &self,
        Parameters(args): Parameters<GetStatementArgs>,
    ) -> Result<Json<Statements>, ToolError> {
        let Some(id) = args.statement_id else {
            return Ok(Json(Statements { statement: None, statements: Some(self.statement_names(&args).await?) }));
        };
        if args.name.is_some() {
            return Err(ToolError::invalid("name", "lists statements; leave it out with statement_id"));
        }
        let (found, portfolio) = tokio::join!(self.gateway.owner_statement(id), self.gateway.portfolio());
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
        let statement = Statement {
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
        };
        Ok(Json(Statements { statement: Some(statement), statements: None }))
    }
}

impl ToolContext {
    /// The account's statements by id, those whose name holds the words asked for.
    async fn statement_names(&self, args: &GetStatementArgs) -> Result<Vec<StatementName>, ToolError> {
        let wanted = args::search_text("name", args.name.as_deref())?;
        let mut found = self.gateway.owner_statements().await?;
        found.sort_by_key(|s| s.id);
        Ok(found
            .into_iter()
            .filter(|s| {
                wanted
                    .as_deref()
                    .is_none_or(|w| s.statement_name.as_deref().is_some_and(|n| text_match::contains(n, w)))
            })
            .map(|s| StatementName { statement_id: s.id, name: s.statement_name.map(Untrusted::from) })
            .collect())
    }
}
