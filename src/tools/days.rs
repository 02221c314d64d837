//! What a calendar day means for a booking, decided in one place for every tool.
//!
//! Hostaway describes a day by `isAvailable` and a `status` (available, blocked, reserved, pending,
//! hardBlock — a reservation's hard block — and deprecated mblocked, mreserved, conflicted). A day
//! that carries a reservation or a booking status is booked whatever its flag says; otherwise the
//! flag (or, without one, the status) decides between open and blocked.

use crate::hostaway::types;

/// Whether a night can be sold, and if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayState {
    /// Free to book.
    Open,
    /// Taken by a reservation (confirmed or pending).
    Booked,
    /// Closed by the host (a block).
    Blocked,
}

/// Classifies a calendar day.
pub fn state(day: &types::CalendarDay) -> DayState {
    let booked_status =
        matches!(day.status.as_deref(), Some("reserved" | "pending" | "hardBlock" | "mreserved" | "conflicted"));
    if booked_status || !day.reservations.is_empty() {
        return DayState::Booked;
    }
    let open = day.is_available.map_or_else(|| day.status.as_deref() == Some("available"), |flag| flag == 1);
    if open { DayState::Open } else { DayState::Blocked }
}
