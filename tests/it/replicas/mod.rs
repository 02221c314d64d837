//! Replicas sharing one Redis: as gateways in one process (`gateways`) and as `serve` processes
//! (`serve`).

mod gateways;
mod serve;
