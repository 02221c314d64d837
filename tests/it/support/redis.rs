//! A real `redis-server` for the tests that need one: started on a free loopback port with
//! persistence off, stopped (and startable again on the same port) by the test, killed on drop.
//!
//! Without `redis-server` on the PATH these tests skip with one line, unless `REQUIRE_REDIS=1`
//! (as `.ci/run` sets), which makes them fail instead.

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A running (or stopped) `redis-server` of one test.
pub struct Redis {
    port: u16,
    password: Option<String>,
    child: Option<Child>,
    started: Instant,
}

impl Redis {
    /// Starts one, or `None` (after saying so) when `redis-server` is missing and not required.
    pub fn start() -> Option<Self> {
        Self::start_with_password(None)
    }

    /// Starts one that wants `password`.
    pub fn start_with_password(password: Option<&str>) -> Option<Self> {
        if Command::new("redis-server").arg("--version").stdout(Stdio::null()).status().is_err() {
            assert!(
                std::env::var("REQUIRE_REDIS").map_or(true, |v| v != "1"),
                "REQUIRE_REDIS=1 but redis-server is not on the PATH"
            );
            eprintln!("skipping: redis-server is not on the PATH (REQUIRE_REDIS=1 makes this a failure)");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut redis = Self { port, password: password.map(str::to_string), child: None, started: Instant::now() };
        redis.resume();
        Some(redis)
    }

    /// The URL clients use, password included.
    pub fn url(&self) -> String {
        match &self.password {
            Some(password) => format!("redis://:{password}@127.0.0.1:{}/0", self.port),
            None => format!("redis://127.0.0.1:{}/0", self.port),
        }
    }

    /// Waits until it has run for one of Hostaway's windows (10 s, our 0.2 s margin, and the second
    /// its start is rounded up to): until then the shared budget holds back every slot, as a Redis
    /// that just started may have lost the sends of the last window. Tests that measure pacing
    /// or race a short deadline start their replicas after that, so that each session's
    /// `initialize` reads the account's zone as it would against a settled Redis.
    pub async fn past_first_window(&self) {
        let settled = self.started + Duration::from_millis(11_300);
        tokio::time::sleep_until(settled.into()).await;
    }

    /// Stops it (like a crash: no save, nothing kept).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty, and waits until it answers.
    pub fn resume(&mut self) {
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(password) = &self.password {
            command.args(["--requirepass", password]);
        }
        self.child = Some(command.spawn().expect("redis-server starts"));
        self.started = Instant::now();
        let until = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < until, "redis-server did not listen on {} within 10 s", self.port);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}
