//! Each toolset end to end through a real MCP client, checked against what the sandbox holds.

mod availability;
mod booking_writes;
mod bounded;
mod calendar_writes;
mod custom_fields;
mod direct;
mod expenses;
mod fees;
mod inbox_finance;
mod no_show;
mod payments;
mod price_lines;
mod reservations;
mod reviews;
mod statements;
mod tasks;
mod templates;
