//! The accept loop: our own instead of `axum::serve`, because a public endpoint must bound what a
//! client can hold without authenticating — how long it may take to send its headers and its body,
//! how long a connection may sit silent, how many connections are open at once, and how many of
//! them one address may hold while they carry no request — and must still answer the load
//! balancer's `GET /health` when a flood of connections holds every place under the cap (see
//! [`HEALTH_RESERVE`]), or the balancer would take a flooded server out of service.

use std::{
    collections::{HashMap, VecDeque},
    io,
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::Router;
use axum::extract::Request;
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf},
    net::{TcpListener, TcpSocket, TcpStream},
    sync::{Notify, Semaphore},
    time::Instant,
};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use super::refusals::{Refusal, Refusals};

/// What one client may hold on the server before it has proved anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// From a connection's opening (or the end of its previous response) to the end of the next
    /// request's headers; a slower client is disconnected. This also closes idle keep-alive
    /// connections, since hyper starts the clock as soon as it waits for the next request. A
    /// request body gets as long from the end of its headers, plus a second per
    /// [`MIN_BODY_RATE`] bytes it has sent, so a body trickled a byte at a time is cut off as
    /// trickled headers are, while a large body sent at any useful rate is not.
    pub header_read_timeout: Duration,
    /// A connection is closed when the server has waited this long on the client without a byte
    /// moving: for the rest of a request body (a stalled upload), or for the client to read its
    /// answer (a client that stopped reading). Time the server itself takes to answer (a slow
    /// tool call, a quiet event stream) never counts.
    pub idle_timeout: Duration,
    /// Connections open at once; one more goes to the health reserve ([`HEALTH_RESERVE`]), where
    /// only a `GET /health` is answered and anything else gets a 503 and is closed.
    pub max_connections: usize,
    /// Connections one client address may hold at once while they carry no request (not yet sent
    /// in full, or idle between requests); one more from that address is taken as one beyond the
    /// cap (the health reserve, else a 503), so one client cannot hold every place under the cap.
    /// Connections serving a request (a tool call, an event stream) do not count: a busy client is
    /// never refused for being busy. Behind a proxy every client has the proxy's address.
    pub max_connections_per_address: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            // What `open_files::connection_cap` derives from Linux's usual soft limit of 1024.
            max_connections: 512,
            max_connections_per_address: 64,
        }
    }
}

/// Bytes a second a request body must average, beyond the header timeout's allowance, to be kept
/// reading (see [`ConnectionLimits::header_read_timeout`]).
pub const MIN_BODY_RATE: u64 = 1024;

/// Refused connections being answered at once; beyond this they are closed without an answer, so
/// a flood of refusals costs no more than this many sockets.
const REFUSALS_ANSWERED_AT_ONCE: usize = 32;

/// How long a refused client gets to read the 503 before its socket is closed.
const REFUSAL_LINGER: Duration = Duration::from_secs(1);

/// Pause after an accept error that is not the client's (e.g. out of file descriptors), so the loop
/// does not spin while the condition lasts.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// Connections beyond the cap held to see whether they are a load balancer's `GET /health`, so a
/// flood that fills the cap does not also silence the health check. What a newcomer has sent is
/// read as it is accepted: a `GET /health` takes a place to be answered (one request, then closed),
/// anything else gets the cap's 503 at once, and one that has not sent its request line yet waits
/// for it in a place, for at most [`RESERVE_WAIT`]. When every place is taken, a newcomer pushes out
/// the connection that has waited longest, so idle sockets cannot keep the reserve full; only when
/// every place is answering a probe is a newcomer turned away.
pub const HEALTH_RESERVE: usize = 64;

/// How long a connection in the health reserve has to send its request line, and then how long its
/// `/health` may take to answer.
const RESERVE_WAIT: Duration = Duration::from_secs(2);

/// The most the health reserve reads looking for the end of the request line; `GET /health
/// HTTP/1.1` takes 22 bytes.
const MAX_REQUEST_LINE: usize = 256;

const REFUSAL_BODY: &str = "too many open connections; retry shortly\n";

/// Pending connections the kernel queues for us (Linux caps it at `net.core.somaxconn`). tokio's
/// `TcpListener::bind` asks for 128: a burst of a few hundred connects then overflows the queue and
/// the kernel drops handshakes or falls back to SYN cookies while we catch up.
const LISTEN_BACKLOG: u32 = 1024;

/// A listener on `addr` with a backlog of [`LISTEN_BACKLOG`], so a burst of connections waits in
/// the kernel's queue for the accept loop instead of being dropped.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serves `app` on `listener` within `limits` until `stop` is cancelled; then stops accepting, asks
/// every connection to close after its current response, and returns once all are closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    refusals: Arc<Refusals>,
    stop: CancellationToken,
) -> io::Result<()> {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let open = Arc::new(Semaphore::new(max));
    let addresses = Arc::new(PerAddress { max: limits.max_connections_per_address.max(1), idle: Mutex::default() });
    let answering = Arc::new(Semaphore::new(REFUSALS_ANSWERED_AT_ONCE));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let mut probes = http.clone();
    probes.header_read_timeout(RESERVE_WAIT).keep_alive(false);
    let beyond = Beyond {
        app: app.clone(),
        http: probes,
        reserve: Arc::new(Reserve::default()),
        refusals: refusals.clone(),
        answering: answering.clone(),
    };
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) if is_the_clients(&error) => continue,
                Err(error) => {
                    tracing::debug!(%error, "accept failed; pausing");
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                    continue;
                }
            },
        };
        if let Err(error) = stream.set_nodelay(true) {
            // With Nagle on, keep-alive clients stall about 40 ms per call on delayed ACKs.
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let Some(presence) = addresses.arrive(peer.ip()) else {
            beyond.take(stream, Refusal::TooManyConnectionsFromAddress);
            continue;
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            drop(presence);
            beyond.take(stream, Refusal::TooManyConnections);
            continue;
        };
        let activity = Arc::new(Activity::new(presence));
        let io = TokioIo::new(Watched { inner: stream, activity: activity.clone() });
        let (app, watching) = (app.clone(), activity.clone());
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            let activity = watching.clone();
            activity.request_began(request.body().is_end_stream());
            request.extensions_mut().insert(super::fair_share::ClientAddr(peer.ip()));
            let request = request.map(|body| axum::body::Body::new(WatchedBody { body, activity: activity.clone() }));
            let answering = app.clone().oneshot(request);
            async move {
                let response = answering.await?;
                Ok::<_, std::convert::Infallible>(response.map(|body| axum::body::Body::new(Answer { body, activity })))
            }
        });
        let connection = http.serve_connection(io, service);
        let (stop, idle, grace) = (stop.clone(), limits.idle_timeout, limits.header_read_timeout);
        tokio::spawn(async move {
            tokio::pin!(connection);
            let mut closing = false;
            loop {
                tokio::select! {
                    result = connection.as_mut() => {
                        if let Err(error) = result {
                            tracing::debug!(%error, "connection ended with an error");
                        }
                        break;
                    }
                    () = stop.cancelled(), if !closing => {
                        closing = true;
                        connection.as_mut().graceful_shutdown();
                    }
                    () = activity.waiting_began.notified() => {}
                    () = tokio::time::sleep_until(activity.deadline(idle, grace)) => {
                        let now = Instant::now();
                        if activity.waits_on_client() && activity.last() + idle <= now {
                            tracing::debug!(idle_secs = idle.as_secs_f64(), "closing a connection stalled by its client");
                            break;
                        }
                        if activity.body_overdue(grace, now) {
                            tracing::debug!("closing a connection whose request body comes too slowly");
                            break;
                        }
                    }
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    // Every connection holds a permit until it closes: having them all back means all are closed.
    let _all_closed = open.acquire_many(max as u32).await;
    Ok(())
}

/// Accept errors about one client's connection (it went away before we took it), not the server's.
fn is_the_clients(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

/// Counts a connection refused for the cap (`why`: the global one or its address's), and answers
/// it with [`refuse`] unless [`REFUSALS_ANSWERED_AT_ONCE`] are being answered already; then it is
/// closed without an answer.
fn turn_away(stream: TcpStream, why: Refusal, refusals: &Refusals, answering: &Arc<Semaphore>) {
    refusals.record(why);
    if let Ok(answer) = answering.clone().try_acquire_owned() {
        tokio::spawn(async move {
            refuse(stream).await;
            drop(answer);
        });
    }
}

/// What the connections beyond the cap need: the health reserve, the app and a one-request HTTP
/// server for their `/health`, and the cap's refusal for anything else.
#[derive(Clone)]
struct Beyond {
    app: Router,
    http: hyper::server::conn::http1::Builder,
    reserve: Arc<Reserve>,
    refusals: Arc<Refusals>,
    answering: Arc<Semaphore>,
}

impl Beyond {
    /// Takes a connection beyond the cap. What its client has sent already is read at once, in the
    /// accept loop, so a probe whose request is there is kept for answering before any newer
    /// connection can push it out, and any other request is turned away without taking a place; a
    /// connection that has not sent its request line yet waits for it in the reserve.
    fn take(&self, stream: TcpStream, why: Refusal) {
        let head = sent_already(&stream);
        let place = if !head.contains(&b'\n') {
            self.reserve.admit(true)
        } else if is_health_probe(&head) {
            self.reserve.admit(false)
        } else {
            None
        };
        match place {
            Some(place) => {
                tokio::spawn(self.clone().answer(stream, head, place, why));
            }
            None => turn_away(stream, why, &self.refusals, &self.answering),
        }
    }

    /// Answers a connection in the health reserve if its request line is `GET /health`; one that
    /// asks for anything else, stays silent past [`RESERVE_WAIT`] or is pushed out by a newer one is
    /// turned away like any connection beyond the cap.
    async fn answer(self, mut stream: TcpStream, mut head: Vec<u8>, place: Place, why: Refusal) {
        if !head.contains(&b'\n') {
            let ended = tokio::select! {
                ended = tokio::time::timeout(RESERVE_WAIT, finish_request_line(&mut stream, &mut head)) => {
                    ended.unwrap_or(false)
                }
                () = place.pushed_out.cancelled() => false,
            };
            if !(ended && is_health_probe(&head) && place.keep()) {
                drop(place);
                turn_away(stream, why, &self.refusals, &self.answering);
                return;
            }
        }
        let app = self.app;
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let io = TokioIo::new(Replayed { head, replayed: 0, inner: stream });
        match tokio::time::timeout(RESERVE_WAIT, self.http.serve_connection(io, service)).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::debug!(%error, "a health check beyond the cap ended with an error"),
            Err(_) => tracing::debug!("a health check beyond the cap was not answered in time"),
        }
        drop(place);
    }
}

/// What the client has sent so far, up to the end of its request line (or [`MAX_REQUEST_LINE`]
/// bytes), read straight from the socket without waiting: tokio would report nothing readable
/// until its reactor next looks at a socket it has just accepted.
fn sent_already(stream: &TcpStream) -> Vec<u8> {
    use std::io::Read as _;
    let socket = socket2::SockRef::from(stream);
    let mut head = Vec::new();
    let mut chunk = [0u8; MAX_REQUEST_LINE];
    while !head.contains(&b'\n') && head.len() < MAX_REQUEST_LINE {
        match (&*socket).read(&mut chunk[..MAX_REQUEST_LINE - head.len()]) {
            Ok(read) if read > 0 => head.extend_from_slice(&chunk[..read]),
            // Nothing more yet, closed, or failed: the wait for the rest finds out which.
            _ => break,
        }
    }
    head
}

/// Reads on into `head` until the end of the request line; false when the client closes or fails
/// first, or `head` reaches [`MAX_REQUEST_LINE`] bytes without ending the line.
async fn finish_request_line(stream: &mut TcpStream, head: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; MAX_REQUEST_LINE];
    while !head.contains(&b'\n') {
        let room = MAX_REQUEST_LINE.saturating_sub(head.len());
        if room == 0 {
            return false;
        }
        match stream.read(&mut chunk[..room]).await {
            Ok(read) if read > 0 => head.extend_from_slice(&chunk[..read]),
            _ => return false,
        }
    }
    true
}

/// Whether a request head starts with `GET /health` (a query string allowed) over HTTP/1: the one
/// request the health reserve answers.
fn is_health_probe(head: &[u8]) -> bool {
    let line = head.split(|byte| *byte == b'\n').next().unwrap_or_default();
    let mut words = line.trim_ascii().split(|byte| *byte == b' ');
    words.next() == Some(b"GET".as_slice())
        && words.next().is_some_and(|target| target == b"/health" || target.starts_with(b"/health?"))
        && words.next().is_some_and(|version| version.starts_with(b"HTTP/1."))
        && words.next().is_none()
}

/// The places of the health reserve.
#[derive(Debug, Default)]
struct Reserve {
    held: Mutex<Held>,
}

/// The connections in the health reserve, oldest first, and the number the next one gets.
#[derive(Debug, Default)]
struct Held {
    next: u64,
    places: VecDeque<Taken>,
}

/// One taken place: its connection's number, and the token that pushes it out while it still waits
/// for its request line (`None` once its `/health` is being answered, which nothing interrupts).
#[derive(Debug)]
struct Taken {
    number: u64,
    push_out: Option<CancellationToken>,
}

impl Reserve {
    /// A place for one more connection, still `waiting` for its request line or to be answered: a
    /// free one, or that of the connection that has waited longest for its request line, which is
    /// pushed out; `None` when every place is answering.
    fn admit(self: &Arc<Self>, waiting: bool) -> Option<Place> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if held.places.len() >= HEALTH_RESERVE {
            let oldest = held.places.iter().position(|taken| taken.push_out.is_some())?;
            if let Some(push_out) = held.places.remove(oldest).and_then(|taken| taken.push_out) {
                push_out.cancel();
            }
        }
        let number = held.next;
        held.next += 1;
        let pushed_out = CancellationToken::new();
        held.places.push_back(Taken { number, push_out: waiting.then(|| pushed_out.clone()) });
        Some(Place { reserve: self.clone(), number, pushed_out })
    }
}

/// One connection's place in the health reserve, given back when dropped.
struct Place {
    reserve: Arc<Reserve>,
    number: u64,
    /// Cancelled when a newer connection takes the place.
    pushed_out: CancellationToken,
}

impl Place {
    /// Keeps the place while `/health` is answered, so no newer connection can push it out; false
    /// if one already has.
    fn keep(&self) -> bool {
        let mut held = self.reserve.held.lock().unwrap_or_else(PoisonError::into_inner);
        match held.places.iter_mut().find(|taken| taken.number == self.number) {
            Some(taken) => {
                taken.push_out = None;
                true
            }
            None => false,
        }
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut held = self.reserve.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.places.retain(|taken| taken.number != self.number);
    }
}

/// A socket whose first bytes, read to find the request line, are read again by hyper.
struct Replayed {
    head: Vec<u8>,
    replayed: usize,
    inner: TcpStream,
}

impl AsyncRead for Replayed {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let rest = &this.head[this.replayed..];
        if rest.is_empty() {
            return Pin::new(&mut this.inner).poll_read(cx, buf);
        }
        let n = rest.len().min(buf.remaining());
        buf.put_slice(&rest[..n]);
        this.replayed += n;
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Replayed {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, data)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Answers a connection beyond the cap with a short 503 and closes it. A 503 rather than a bare
/// close so a client or load balancer sees why; the request is read and discarded for a moment
/// first, because closing a socket with unread data sends a reset that can destroy the answer.
async fn refuse(mut stream: TcpStream) {
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n{REFUSAL_BODY}",
        REFUSAL_BODY.len()
    );
    let linger = async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<_, io::Error>(())
    };
    let _ = tokio::time::timeout(REFUSAL_LINGER, linger).await;
}

/// The count, per client address, of connections that carry no request.
#[derive(Debug)]
struct PerAddress {
    /// The most one address may hold.
    max: usize,
    idle: Mutex<HashMap<IpAddr, usize>>,
}

impl PerAddress {
    /// A place for one more connection from `ip`, counted as carrying no request yet; `None` when
    /// the address holds its most already.
    fn arrive(self: &Arc<Self>, ip: IpAddr) -> Option<Presence> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let held = idle.entry(ip).or_default();
        if *held >= self.max {
            return None;
        }
        *held += 1;
        Some(Presence { addresses: self.clone(), ip, idle: AtomicBool::new(true) })
    }

    fn count(&self, ip: IpAddr, more: bool) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if more {
            *idle.entry(ip).or_default() += 1;
        } else if let Some(held) = idle.get_mut(&ip) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                idle.remove(&ip);
            }
        }
    }
}

/// One connection in its address's count: counted while it carries no request, until it closes.
#[derive(Debug)]
struct Presence {
    addresses: Arc<PerAddress>,
    ip: IpAddr,
    idle: AtomicBool,
}

impl Presence {
    /// Counts the connection as carrying no request (`idle`) or as serving one.
    fn set_idle(&self, idle: bool) {
        if self.idle.swap(idle, Ordering::Relaxed) != idle {
            self.addresses.count(self.ip, idle);
        }
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        if self.idle.load(Ordering::Relaxed) {
            self.addresses.count(self.ip, false);
        }
    }
}

/// When a connection last moved a byte, whether the server is waiting on its client, and how its
/// current request's body is coming.
#[derive(Debug)]
struct Activity {
    opened: Instant,
    /// Milliseconds after `opened` of the last byte moved, or of the start of the current wait.
    last_ms: AtomicU64,
    /// [`WAITING_FOR_BODY`] and [`WAITING_TO_WRITE`] flags.
    waiting: AtomicU8,
    /// Wakes the connection's watchdog when a wait on the client begins.
    waiting_began: Notify,
    /// Milliseconds after `opened` at which the current request's headers ended.
    request_ms: AtomicU64,
    /// Bytes of the current request's body received so far.
    body_bytes: AtomicU64,
    /// The connection in its address's count of connections carrying no request.
    presence: Presence,
}

/// The service wants more of the request body and the client has not sent it.
const WAITING_FOR_BODY: u8 = 1;
/// The socket's send buffer is full: the client is not reading its answer.
const WAITING_TO_WRITE: u8 = 2;

impl Activity {
    fn new(presence: Presence) -> Self {
        Self {
            opened: Instant::now(),
            last_ms: AtomicU64::new(0),
            waiting: AtomicU8::new(0),
            waiting_began: Notify::new(),
            request_ms: AtomicU64::new(0),
            body_bytes: AtomicU64::new(0),
            presence,
        }
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn touch(&self) {
        self.last_ms.store(self.elapsed_ms(), Ordering::Relaxed);
    }

    /// A request's headers have arrived: its body's clock starts, and the connection carries a
    /// request once the body is complete (`complete`: it has none).
    fn request_began(&self, complete: bool) {
        self.request_ms.store(self.elapsed_ms(), Ordering::Relaxed);
        self.body_bytes.store(0, Ordering::Relaxed);
        if complete {
            self.presence.set_idle(false);
        }
    }

    /// `bytes` more of the request body arrived; `complete` when it has all arrived.
    fn body_received(&self, bytes: usize, complete: bool) {
        self.body_bytes.fetch_add(u64::try_from(bytes).unwrap_or(u64::MAX), Ordering::Relaxed);
        if complete {
            self.presence.set_idle(false);
        }
    }

    /// When the current request body must have arrived by, at the rate it has come so far.
    fn body_due(&self, grace: Duration) -> Instant {
        let earned = Duration::from_secs(self.body_bytes.load(Ordering::Relaxed) / MIN_BODY_RATE);
        self.opened + Duration::from_millis(self.request_ms.load(Ordering::Relaxed)) + grace + earned
    }

    /// Whether the server waits for a request body that has come too slowly (see
    /// [`ConnectionLimits::header_read_timeout`]).
    fn body_overdue(&self, grace: Duration, now: Instant) -> bool {
        self.waiting.load(Ordering::Relaxed) & WAITING_FOR_BODY != 0 && self.body_due(grace) <= now
    }

    fn last(&self) -> Instant {
        self.opened + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }

    /// Marks a wait on the client as begun (the clock starts now) or as over (a byte moved).
    fn set_waiting(&self, flag: u8, waiting: bool) {
        if waiting {
            if self.waiting.fetch_or(flag, Ordering::Relaxed) & flag == 0 {
                self.touch();
                self.waiting_began.notify_one();
            }
        } else {
            self.waiting.fetch_and(!flag, Ordering::Relaxed);
        }
    }

    fn waits_on_client(&self) -> bool {
        self.waiting.load(Ordering::Relaxed) != 0
    }

    /// When the watchdog should look again: when the current wait would expire (or the body it
    /// waits for fall due), or, with no wait under way, an idle period from now (a wait beginning
    /// wakes it sooner).
    fn deadline(&self, idle: Duration, grace: Duration) -> Instant {
        if !self.waits_on_client() {
            return Instant::now() + idle;
        }
        let stalled = self.last() + idle;
        if self.waiting.load(Ordering::Relaxed) & WAITING_FOR_BODY != 0 {
            stalled.min(self.body_due(grace))
        } else {
            stalled
        }
    }
}

/// A request body that tells [`Activity`] when the service is left waiting for the client.
struct WatchedBody {
    body: Incoming,
    activity: Arc<Activity>,
}

impl Body for WatchedBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        self.activity.set_waiting(WAITING_FOR_BODY, polled.is_pending());
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                self.activity.touch();
                let bytes = frame.data_ref().map_or(0, Bytes::len);
                self.activity.body_received(bytes, self.body.is_end_stream());
            }
            Poll::Ready(None) => self.activity.body_received(0, true),
            Poll::Ready(Some(Err(_))) | Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for WatchedBody {
    fn drop(&mut self) {
        self.activity.set_waiting(WAITING_FOR_BODY, false);
    }
}

/// A response body: once it has gone out (or the connection ended), the connection carries no
/// request any more and counts in its address's count again.
struct Answer {
    body: axum::body::Body,
    activity: Arc<Activity>,
}

impl Body for Answer {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Answer {
    fn drop(&mut self) {
        self.activity.presence.set_idle(true);
    }
}

/// A socket that notes in [`Activity`] each byte read or written, and writes the client blocks.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl Watched {
    /// Notes a write: a full send buffer starts a wait on the client, any byte ends it.
    fn wrote(&self, polled: &Poll<io::Result<usize>>) {
        match polled {
            Poll::Pending => self.activity.set_waiting(WAITING_TO_WRITE, true),
            Poll::Ready(Ok(n)) if *n > 0 => {
                self.activity.set_waiting(WAITING_TO_WRITE, false);
                self.activity.touch();
            }
            Poll::Ready(_) => self.activity.set_waiting(WAITING_TO_WRITE, false),
        }
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        self.wrote(&polled);
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, data);
        self.wrote(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_get_of_health_is_a_health_probe() {
        assert!(is_health_probe(b"GET /health HTTP/1.1\r\nHost: x\r\n"));
        assert!(is_health_probe(b"GET /health?from=lb HTTP/1.0\n"));
        assert!(!is_health_probe(b"POST /health HTTP/1.1\r\n"));
        assert!(!is_health_probe(b"GET /healthz HTTP/1.1\r\n"));
        assert!(!is_health_probe(b"GET /mcp HTTP/1.1\r\n"));
        assert!(!is_health_probe(b"GET http://x/health HTTP/1.1\r\n"));
        assert!(!is_health_probe(b"GET /health HTTP/1.1 extra\r\n"));
    }

    #[test]
    fn a_full_reserve_pushes_out_the_longest_waiting_connection_but_never_one_being_answered() {
        let reserve = Arc::new(Reserve::default());
        let places: Vec<Place> = (0..HEALTH_RESERVE).filter_map(|_| reserve.admit(true)).collect();
        assert_eq!(places.len(), HEALTH_RESERVE);
        assert!(places[0].keep(), "the first is being answered");
        let newcomer = reserve.admit(true).expect("a waiting connection gives up its place");
        assert!(!places[0].pushed_out.is_cancelled(), "one being answered stays");
        assert!(places[1].pushed_out.is_cancelled(), "the longest waiting goes");
        assert!(!places[1].keep(), "and cannot be answered any more");
        assert!(places[2..].iter().all(|place| !place.pushed_out.is_cancelled()));
        drop(newcomer);
        assert!(reserve.admit(true).is_some(), "a place given back is free again");
        let all_answering = Arc::new(Reserve::default());
        let kept: Vec<Place> = (0..HEALTH_RESERVE).filter_map(|_| all_answering.admit(false)).collect();
        assert_eq!(kept.len(), HEALTH_RESERVE);
        assert!(kept.iter().all(Place::keep));
        assert!(all_answering.admit(true).is_none(), "with every place answering, a newcomer is turned away");
    }
}
