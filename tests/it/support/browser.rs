//! A real browser for the tests that look at the MCP Apps views: Debian's `chromium`, driven by
//! `playwright-core` from `ui/node_modules` (`npm ci --prefix ui`), through the test host in
//! `ui/test/`. Without them these tests skip with one line, unless `REQUIRE_BROWSER=1` (as
//! `.ci/run` sets), which makes them fail instead.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// The front-end project the views are built from.
pub fn ui() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui")
}

/// Chromium's path, when it and the front-end packages are on the machine; `None` (after saying
/// so) otherwise.
pub fn chromium() -> Option<PathBuf> {
    let node = Command::new("node").arg("--version").output().is_ok_and(|out| out.status.success());
    let packages = ui().join("node_modules/vite").is_dir() && ui().join("node_modules/playwright-core").is_dir();
    let browser =
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().map(PathBuf::from).find(|p| p.is_file());
    match browser {
        Some(browser) if node && packages => Some(browser),
        _ => {
            assert!(
                std::env::var("REQUIRE_BROWSER").map_or(true, |v| v != "1"),
                "REQUIRE_BROWSER=1 but chromium, node or ui/node_modules (npm ci --prefix ui) is missing"
            );
            eprintln!("skipping: chromium, node or ui/node_modules (npm ci --prefix ui) is missing");
            None
        }
    }
}

/// Builds `entry` (a view's name, or `test/host`) of the front-end project into `out` with Vite,
/// as `npm run build` does for the committed views; returns the built file.
pub fn build(entry: &str, out: &Path) -> PathBuf {
    // Vite refuses a second build of one project while another runs: tests take turns.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let built = Command::new("node")
        .arg("node_modules/vite/bin/vite.js")
        .arg("build")
        .arg("--logLevel=error")
        .current_dir(ui())
        .env("VIEW", entry)
        .env("VIEWS_OUT", out)
        .output()
        .expect("node runs");
    assert!(built.status.success(), "vite build of {entry}: {}", String::from_utf8_lossy(&built.stderr));
    out.join(format!("{entry}.html"))
}
