//! Answers a manager can trust: dates in the listing's zone, one vocabulary, writes exactly once.

mod approval;
mod dates;
mod oracle;
mod vocabulary;
mod write_properties;
mod writes;
