//! The finance toolset: money, one tool a file. Revenue over a period is `revenue_report` (its
//! arithmetic in `tally`), what one booking costs, what is paid and what is due is
//! `payments_for_reservation`, costs and extras are `expenses_report` (recorded, corrected and
//! removed with `record_expense`), and the owner statements Hostaway keeps are
//! `list_owner_statements` and `get_owner_statement`.

use rmcp::handler::server::router::tool::ToolRouter;

use super::{ToolContext, Toolset};

pub mod expenses_report;
pub mod get_owner_statement;
pub mod list_owner_statements;
pub mod payments_for_reservation;
pub mod record_expense;
pub mod revenue_report;
mod tally;

/// The finance toolset, as `--toolsets` names it and the instructions introduce it.
pub const TOOLSET: Toolset = Toolset {
    name: "finance",
    guide: "Money: revenue_report, payments_for_reservation, expenses_report (by item: each expense's id), \
            list_owner_statements (statement_id) / get_owner_statement.",
    tools,
};

fn tools() -> ToolRouter<ToolContext> {
    ToolContext::revenue_report_tool()
        + ToolContext::payments_for_reservation_tool()
        + ToolContext::expenses_report_tool()
        + ToolContext::record_expense_tool()
        + ToolContext::list_owner_statements_tool()
        + ToolContext::get_owner_statement_tool()
}
