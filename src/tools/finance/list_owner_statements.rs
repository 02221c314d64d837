//! `list_owner_statements`: the owner statements Hostaway keeps (what the owners of the properties
//! were shown), by id and name.

use crate::tools::untrusted::Untrusted;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::tools::{ToolContext, args, error::ToolError, params::Parameters, text_match};

/// Arguments of `list_owner_statements`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListStatementsArgs {
    /// Words of the name (any case, accents).
    #[serde(default)]
    pub name: Option<String>,
}

/// The account's owner statements.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Statements {
    /// By id.
    pub statements: Vec<StatementName>,
}

/// One statement, named.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StatementName {
    /// Pass to get_owner_statement.
    pub statement_id: i64,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Untrusted>,
}

#[tool_router(router = list_owner_statements_tool, vis = "pub(crate)")]
impl ToolContext {
    /// The account's owner statements (id and name), optionally filtered by name.
    #[tool(
        name = "list_owner_statements",
        title = "List owner statements",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn list_owner_statements(
        &self,
        Parameters(args): Parameters<ListStatementsArgs>,
    ) -> Result<Json<Statements>, ToolError> {
        let wanted = args::search_text("name", args.name.as_deref())?;
        let mut found = self.gateway.owner_statements().await?;
        found.sort_by_key(|s| s.id);
        Ok(Json(Statements {
            statements: found
                .into_iter()
                .filter(|s| {
                    wanted
                        .as_deref()
                        .is_none_or(|w| s.statement_name.as_deref().is_some_and(|n| text_match::contains(n, w)))
                })
                .map(|s| StatementName { statement_id: s.id, name: s.statement_name.map(Untrusted::from) })
                .collect(),
        }))
    }
}
