//! The operations toolset: cleaning, maintenance and other tasks at the listings, read by day,
//! listing and status (`list_tasks`), created one by one or one per departure (`create_task`), and
//! changed or deleted (`update_task`), and the staff they are assigned to (`list_staff`). One
//! tool a file, named after it; the task row and the time helpers they share are in `rows`, the
//! planning of new tasks in `plan`, staff names and finding one by name in `staff`.
//!
//! Times are shown and taken in the listing's own time zone, as a cleaner reads them on site;
//! Hostaway stores them in UTC (`canStartFrom`, `shouldEndBy`) and mirrors them in the listing's
//! zone (`…ListingTime`).

use rmcp::handler::server::router::tool::ToolRouter;

use super::{ToolContext, Toolset};

mod create_task;
mod list_staff;
mod list_tasks;
mod plan;
mod rows;
mod staff;
mod update_task;

/// The operations toolset, as `--toolsets` names it and the instructions introduce it.
pub const TOOLSET: Toolset = Toolset {
    name: "operations",
    guide: "Cleaning and maintenance tasks by day, listing and status: list_tasks (task_id); who is on the staff, by name and \
            group: list_staff (tasks are assigned by name).",
    tools,
};

fn tools() -> ToolRouter<ToolContext> {
    ToolContext::list_tasks_tool()
        + ToolContext::list_staff_tool()
        + ToolContext::create_task_tool()
        + ToolContext::update_task_tool()
}
