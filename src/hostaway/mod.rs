//! The Hostaway side of the crate: the generated client and the pieces it needs.

//!
//! Tools reach Hostaway only through [`Gateway`]: it owns the token, paces requests within
//! Hostaway's rate limits, retries what is safe to retry and turns every failure into a
//! [`GatewayError`] that says what to do next.

mod bearer;
pub mod budget;
pub mod cache;
pub mod circuit;
mod classify;
pub mod deadline;
mod error;
pub mod finance_form;
mod gateway;
mod generated;
pub mod held_writes;
pub mod last_good;
mod metrics;
mod operations;
pub mod paging;
pub mod stale;
mod surrogates;
pub mod token;

pub use bearer::Bearer;
pub use classify::ClientError;
pub use error::GatewayError;
pub use gateway::{Gateway, GatewayConfig, Idempotence};
pub use generated::{Client, Error, ResponseValue, types};
pub use metrics::MetricsSnapshot;
pub use operations::{
    AvailabilityQuery, Fresh, OPERATIONS, Operation, ReservationQuery, TaskQuery, TemplateQuery, id, is_write,
};
