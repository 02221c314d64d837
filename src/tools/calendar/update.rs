//! The one write block_dates (either way) and set_rates send: `updateCalendar` over a range,
//! guarded (confirmation, repeat suppression, audit) and sent only when Hostaway's calendar, read
//! fresh, differs from what it sets.

use crate::{
    hostaway::{Fresh, types},
    tools::{ToolContext, WriteStatus, args::Range, error::ToolError},
};

/// Longest range one calendar write may cover, in days.
pub(super) const MAX_DAYS: i64 = 366;

impl ToolContext {
    /// One `updateCalendar`, sent only when Hostaway's calendar over `range`, read fresh, has a
    /// day that `differs` from what the update sets; returns the days as they now are and whether
    /// anything was sent.
    pub(super) async fn update_calendar(
        &self,
        tool: &'static str,
        id: i64,
        range: Range,
        body: types::CalendarUpdate,
        audit: &str,
        differs: impl Fn(&types::CalendarDay) -> bool,
    ) -> Result<(Vec<types::CalendarDay>, WriteStatus), ToolError> {
        let text = format!("{body:?}");
        let request = (id, text);
        let write = async {
            let current = self.gateway.calendar_with_reservations(id, range.start, range.end, Fresh::Yes).await?;
            if !current.iter().any(&differs) {
                return Ok((current, WriteStatus::Unchanged));
            }
            let days = self
                .gateway
                .update_calendar(id, body)
                .await
                .map_err(|e| ToolError::of_write(tool, "the calendar was changed", e))?;
            Ok((days, WriteStatus::Done))
        };
        self.guard.run(tool, &request, audit, write).await
    }
}

/// A calendar update over `range` that sets nothing yet.
pub(super) fn update(range: Range) -> types::CalendarUpdate {
    types::CalendarUpdate {
        start_date: range.start,
        end_date: range.end,
        closed_on_arrival: None,
        closed_on_departure: None,
        is_available: None,
        maximum_stay: None,
        minimum_stay: None,
        note: None,
        price: None,
    }
}
