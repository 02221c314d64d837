//! The reservations toolset: bookings searched, read, counted into the day's check-ins and
//! check-outs, followed across one guest, created, changed, cancelled and reported as no-shows.
//! Each tool has its own file; `rows` holds the one shape a booking is answered in, `writes` what
//! the booking writes share.

use rmcp::handler::server::router::tool::ToolRouter;

use super::{ToolContext, Toolset};

mod arrivals_and_departures;
mod cancel_reservation;
mod create_reservation;
pub mod get_reservation;
mod guests;
mod no_show;
mod rows;
mod search_reservations;
mod update_reservation;
pub mod writes;

pub(crate) use guests::guests_named;
pub use rows::{DetailedReservation, ListedReservation, ReservationDetails, ReservationRow};
pub(crate) use rows::{occupies, row};

/// The reservations toolset, as `--toolsets` names it and the instructions introduce it.
pub const TOOLSET: Toolset = Toolset {
    name: "reservations",
    guide: "Bookings: search_reservations (reservation_id; by_guest: a guest's stays and spend), get_reservation, arrivals_and_departures (check-ins, check-outs, turnovers).",
    tools,
};

fn tools() -> ToolRouter<ToolContext> {
    ToolContext::search_tool()
        + ToolContext::get_tool()
        + ToolContext::arrivals_tool()
        + ToolContext::create_tool()
        + ToolContext::update_tool()
        + ToolContext::cancel_tool()
}
