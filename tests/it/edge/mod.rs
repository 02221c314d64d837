//! The edge: hostile input, connections, deadlines, fair shares, logs, secrets on disk, untrusted
//! text and what a session may see.

mod bad_input;
mod check;
mod connections;
mod deadline;
mod fair_share;
mod fault_matrix;
mod http_security;
mod logs;
#[cfg(unix)]
mod token_file;
mod untrusted;
mod visibility;
