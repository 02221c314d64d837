//! The words of the trade that several layers share, each a type that carries its rules: what a
//! booking's status means, which channel a booking came from, and where a stay stands against its
//! listing's today. A rule about any of them is written here once and asked everywhere else. This
//! module imports neither the gateway nor MCP, so tools, the sandbox and tests can all use it.

mod booking_status;
mod channel;
mod stay_phase;

pub use booking_status::BookingStatus;
pub use channel::Channel;
pub use stay_phase::StayPhase;
