//! Answers a manager can trust: dates in the listing's zone, one vocabulary, writes exactly once.

mod dates;
mod oracle;
mod vocabulary;
mod write_properties;
mod writes;
