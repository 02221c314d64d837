//! The Hostaway side of the crate: the generated client and the pieces it needs.

pub mod finance_form;
mod generated;

pub use generated::{Client, Error, ResponseValue, types};
