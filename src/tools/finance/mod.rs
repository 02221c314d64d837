//! The finance toolset: money, one tool a file. Revenue over a period is `revenue_report` (its
//! arithmetic in `tally`), what one booking costs, what is paid and what is due is `payments`
//! (get_reservation's `payments: true`; a payment taken outside Hostaway is recorded with
//! `record_payment`), costs and extras are `expenses_report` (recorded, corrected and removed with
//! `record_expense`), and the owner statements Hostaway keeps are listed and read with
//! `get_owner_statement`.

use rmcp::handler::server::router::tool::ToolRouter;

use super::{ToolContext, Toolset};

pub mod expenses_report;
pub mod get_owner_statement;
pub mod payments;
pub mod record_expense;
pub mod record_payment;
pub mod revenue_report;
mod tally;

/// The finance toolset, as `--toolsets` names it and the instructions introduce it.
pub const TOOLSET: Toolset = Toolset {
    name: "finance",
    guide: "Money: revenue_report, expenses_report (by item: each expense's id), \
            get_owner_statement (without statement_id: the list).",
    tools,
};

fn tools() -> ToolRouter<ToolContext> {
    ToolContext::revenue_report_tool()
        + ToolContext::expenses_report_tool()
        + ToolContext::record_expense_tool()
        + ToolContext::record_payment_tool()
        + ToolContext::get_owner_statement_tool()
}
