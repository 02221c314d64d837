//! Contract tests: the generated client against the sandbox over a real socket, one module per
//! area of the Hostaway API.

mod auth;
mod calendar;
mod conversations;
mod custom_fields;
mod faults;
mod fees;
mod finance;
mod listings;
mod owner_statements;
mod reservations;
mod reviews;
mod tasks;
mod webhooks;
