//! What `/health` says about Hostaway itself: up, or failing, with the operations whose circuits
//! are open, since when, and when the next probe goes. `/health` stays 200 through a Hostaway
//! outage: the outage is upstream, every replica sees the same one, and a replica taken out of
//! rotation for it could not answer even from its last good copies.

use std::time::Duration;

use crate::hostaway::{Gateway, circuit::Outage};

/// The line on Hostaway, and the problem for the first line when it is failing. A circuit whose
/// cool-down has passed is not counted as down: Hostaway may be back, and that operation's next
/// call probes it.
pub async fn report(gateway: &Gateway) -> (String, Option<String>) {
    let circuits = match gateway.open_circuits().await {
        Ok(open) => open,
        Err(unknown) => return (format!("hostaway: unknown ({})", unknown.0), None),
    };
    let (due, open): (Vec<_>, Vec<_>) = circuits.iter().partition(|(_, outage)| outage.probe_in.is_zero());
    let names = |list: &[&(String, Outage)]| list.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ");
    let waiting =
        if due.is_empty() { String::new() } else { format!(" ({} to be probed on their next call)", names(&due)) };
    let (Some(longest), Some(next)) =
        (open.iter().map(|(_, o)| o.open_for).max(), open.iter().map(|(_, o)| o.probe_in).min())
    else {
        return (format!("hostaway: up{waiting}"), None);
    };
    let line = format!(
        "hostaway: down for {} s (circuit open for {}: nothing is sent to them; reads answer from their last good \
         copies, marked stale; writes that need them are refused); next probe in {} s{waiting}",
        secs(longest),
        names(&open),
        secs(next)
    );
    let problem = format!("Hostaway has been failing for {} s ({} operations)", secs(longest), open.len());
    (line, Some(problem))
}

fn secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}
