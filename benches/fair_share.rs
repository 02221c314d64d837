//! What the per-client fair share costs a tool call: the time of one quota check, with one client
//! and with a thousand clients taking turns. Prints figures; asserts nothing.

use std::time::Instant;

use hostaway_mcp::server::fair_share::{ClientKey, FairShare};

fn main() {
    let checks = 1_000_000_u32;
    for clients in [1_u32, 1_000] {
        // A quota so large that every check passes: the cost of the bookkeeping, not of refusals.
        let share = FairShare::new(u32::MAX).expect("a non-zero quota");
        let keys: Vec<ClientKey> =
            (0..clients).map(|n: u32| ClientKey::Address(std::net::Ipv4Addr::from(0x0a00_0000 + n).into())).collect();
        let started = Instant::now();
        let mut passed = 0_u32;
        for n in 0..checks {
            passed += u32::from(share.take(&keys[(n % clients) as usize]).is_ok());
        }
        let each = started.elapsed().as_nanos() as f64 / f64::from(checks);
        println!("fair share: {clients} client(s), {checks} checks, {passed} passed, {each:.0} ns per check");
    }
}
