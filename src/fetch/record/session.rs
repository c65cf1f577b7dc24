//! One websocket connection per venue, kept up until a deadline: connect (within the connect
//! timeout), send the feed's subscription, read with a short timeout (so the deadline is kept
//! even when the server goes silent), answer the server's pings, send the feed's keep-alive,
//! hand each new event to a sink once (a repeat of an event already seen in this run, e.g.
//! resent after a reconnection, is counted, not passed on), count messages it does not know,
//! and after a lost connection connect again after an exponential backoff (1 s, 2 s, 4 s, ...
//! up to 60 s; back to 1 s after a connection that delivered something). At the deadline it
//! closes the connection and returns what happened ([`FeedReport`]), including every wait it
//! scheduled (what the tests check, instead of clock readings).

use std::collections::HashSet;
use std::io::ErrorKind;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tungstenite::handshake::HandshakeError;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use super::{Feed, Parsed};
use crate::fetch::Venue;
use crate::model::snapshot::Liquidation;

/// When the run ends.
pub trait Deadline: Sync {
    /// The time left; zero once the deadline has passed.
    fn remaining(&self) -> Duration;
}

/// A deadline at an instant of the monotonic clock (`--for 55m` from the start).
#[derive(Debug, Clone, Copy)]
pub struct At(pub Instant);

impl Deadline for At {
    fn remaining(&self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }
}

/// A deadline someone else calls (a test's stand-in when its script is done; a signal
/// handler), bounded by a latest instant.
#[derive(Debug)]
pub struct Flag {
    pub stop: AtomicBool,
    pub latest: Instant,
}

impl Flag {
    pub fn new(latest: Instant) -> Self {
        Flag { stop: AtomicBool::new(false), latest }
    }
    pub fn trip(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl Deadline for Flag {
    fn remaining(&self) -> Duration {
        if self.stop.load(Ordering::SeqCst) {
            Duration::ZERO
        } else {
            self.latest.saturating_duration_since(Instant::now())
        }
    }
}

/// Timeouts and backoff of a session.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// TCP connect plus the TLS and websocket handshakes.
    pub connect_timeout: Duration,
    /// The longest a read blocks before the deadline and the keep-alive are looked at again.
    pub poll: Duration,
    /// A connection that brought nothing (not even a ping or a pong) this long is given up.
    pub silence: Duration,
    /// The first wait after a failure; each further failure doubles it.
    pub backoff_first: Duration,
    /// The longest wait.
    pub backoff_max: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            connect_timeout: Duration::from_secs(10),
            poll: Duration::from_millis(500),
            silence: Duration::from_secs(600),
            backoff_first: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
        }
    }
}

/// The wait before connecting again after `failures` failures in a row (1, 2, ...).
pub fn backoff(failures: u32, s: &Settings) -> Duration {
    let factor = 1u32.checked_shl(failures.saturating_sub(1).min(20)).unwrap_or(u32::MAX);
    s.backoff_first.saturating_mul(factor).min(s.backoff_max)
}

/// What one venue's session did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedReport {
    pub venue: Option<Venue>,
    /// Connections made (websocket handshake done).
    pub connections: usize,
    /// New events passed to the sink.
    pub events: usize,
    /// Events seen again in this run and not passed on.
    pub repeats: usize,
    /// Entries of liquidation messages that could not be read.
    pub unreadable: usize,
    /// Messages of no known kind, ignored.
    pub unknown: usize,
    /// Pings of the server answered (with a pong of the same payload).
    pub pings: usize,
    /// Keep-alive frames sent.
    pub keepalives: usize,
    /// Waits scheduled before connecting again, in order.
    pub waits: Vec<Duration>,
    /// Why connections failed or ended early, and what the venue refused, in order.
    pub problems: Vec<String>,
    /// Events the sink could not keep, and its first reason.
    pub unsaved: usize,
    pub unsaved_why: Option<String>,
}

/// Where new events go: the venue, and (instrument, event) pairs; an error is counted.
pub(crate) type Sink<'a> = dyn Fn(Venue, &[(String, Liquidation)]) -> Result<(), String> + Sync + 'a;

/// Runs `feed` until `deadline`, passing every new event to `sink`.
pub fn run(feed: &dyn Feed, settings: &Settings, deadline: &dyn Deadline, sink: &Sink) -> FeedReport {
    let mut report = FeedReport { venue: Some(feed.venue()), ..FeedReport::default() };
    let mut seen = HashSet::new();
    let mut failures = 0u32;
    while !deadline.remaining().is_zero() {
        match connect(&feed.url(), settings, deadline) {
            Ok((mut ws, ctl)) => {
                report.connections += 1;
                let (ended, heard) =
                    read_until_lost(&mut ws, &ctl, feed, settings, deadline, &mut seen, &mut report, sink);
                if heard {
                    failures = 0;
                }
                match ended {
                    Ended::Deadline => {
                        let _ = ws.close(None);
                        let _ = ws.flush();
                        break;
                    }
                    Ended::Lost(why) => report.problems.push(why),
                }
            }
            Err(why) => report.problems.push(why),
        }
        if deadline.remaining().is_zero() {
            break;
        }
        failures += 1;
        let wait = backoff(failures, settings).min(deadline.remaining());
        report.waits.push(wait);
        pause(wait, deadline);
    }
    report
}

/// Sleeps `d`, in steps of at most 100 ms, or until the deadline.
fn pause(d: Duration, deadline: &dyn Deadline) {
    let end = Instant::now() + d;
    loop {
        let left = end.saturating_duration_since(Instant::now()).min(deadline.remaining());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
}

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

/// Connects and does the handshakes; returns the socket and a handle to its TCP stream (for
/// the read timeout).
fn connect(url: &str, s: &Settings, deadline: &dyn Deadline) -> Result<(Socket, TcpStream), String> {
    let uri: tungstenite::http::Uri = url.parse().map_err(|e| format!("{url}: {e}"))?;
    let host =
        uri.host().ok_or_else(|| format!("{url}: no host"))?.trim_start_matches('[').trim_end_matches(']').to_string();
    let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("wss") { 443 } else { 80 });
    let limit = s.connect_timeout.min(deadline.remaining()).max(Duration::from_millis(1));
    let addrs: Vec<_> =
        (host.as_str(), port).to_socket_addrs().map_err(|e| format!("could not resolve {host}: {e}"))?.collect();
    let mut last = format!("{host}:{port}: no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, limit) {
            Ok(stream) => {
                let ctl = stream.try_clone().map_err(|e| e.to_string())?;
                ctl.set_read_timeout(Some(limit))
                    .and_then(|()| ctl.set_write_timeout(Some(limit)))
                    .map_err(|e| e.to_string())?;
                let _ = ctl.set_nodelay(true);
                // wss: the TLS set-up of the REST requests (rustls on ring, the system's roots).
                let tls = match uri.scheme_str() {
                    Some("wss") => Some(crate::fetch::tls::client_config().map_err(|e| format!("{url}: {e}"))?),
                    _ => None,
                };
                let tls = tls.map(tungstenite::Connector::Rustls);
                return match tungstenite::client_tls_with_config(url, stream, None, tls) {
                    Ok((ws, _)) => {
                        ctl.set_read_timeout(Some(s.poll)).map_err(|e| e.to_string())?;
                        Ok((ws, ctl))
                    }
                    Err(HandshakeError::Interrupted(_)) => {
                        Err(format!("{url}: no websocket handshake within {} s", limit.as_secs_f64()))
                    }
                    Err(HandshakeError::Failure(e)) => Err(format!("{url}: {e}")),
                };
            }
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    Err(last)
}

enum Ended {
    Deadline,
    Lost(String),
}

/// The identity of an event for "seen in this run".
fn identity(inst: &str, l: &Liquidation) -> (String, i64, bool, u64, u64) {
    (
        inst.to_string(),
        l.time.timestamp_millis(),
        matches!(l.side, crate::model::snapshot::Side::Long),
        l.price.to_bits(),
        l.usd.to_bits(),
    )
}

/// Reads one connection until the deadline or until it is lost; also says whether anything
/// was heard on it.
#[allow(clippy::too_many_arguments)]
fn read_until_lost(
    ws: &mut Socket,
    ctl: &TcpStream,
    feed: &dyn Feed,
    s: &Settings,
    deadline: &dyn Deadline,
    seen: &mut HashSet<(String, i64, bool, u64, u64)>,
    report: &mut FeedReport,
    sink: &Sink,
) -> (Ended, bool) {
    let mut heard = false;
    for text in feed.subscribe() {
        if let Err(e) = ws.send(Message::text(text)) {
            return (Ended::Lost(format!("subscribing: {e}")), heard);
        }
    }
    let keepalive = feed.keepalive();
    let (mut last_heard, mut last_sent) = (Instant::now(), Instant::now());
    loop {
        let left = deadline.remaining();
        if left.is_zero() {
            return (Ended::Deadline, heard);
        }
        let _ = ctl.set_read_timeout(Some(s.poll.min(left).max(Duration::from_millis(1))));
        if let Some((text, every)) = &keepalive {
            if last_sent.elapsed() >= *every {
                if let Err(e) = ws.send(Message::text(text.clone())) {
                    return (Ended::Lost(format!("keep-alive: {e}")), heard);
                }
                report.keepalives += 1;
                last_sent = Instant::now();
            }
        }
        if last_heard.elapsed() >= s.silence {
            return (Ended::Lost(format!("nothing received for {} s", s.silence.as_secs())), heard);
        }
        let msg = match ws.read() {
            Ok(m) => m,
            Err(tungstenite::Error::Io(e)) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                continue
            }
            Err(e) => return (Ended::Lost(format!("connection lost: {e}")), heard),
        };
        heard = true;
        last_heard = Instant::now();
        match msg {
            Message::Text(text) => match feed.parse(text.as_str()) {
                Parsed::Events { events, unreadable } => {
                    report.unreadable += unreadable;
                    let got = events.len();
                    let fresh: Vec<(String, Liquidation)> =
                        events.into_iter().filter(|(i, l)| seen.insert(identity(i, l))).collect();
                    report.repeats += got - fresh.len();
                    deliver(feed.venue(), fresh, report, sink);
                }
                Parsed::Control => {}
                Parsed::Refused(why) => report.problems.push(format!("refused: {why}")),
                Parsed::Unknown => report.unknown += 1,
            },
            Message::Ping(_) => {
                // tungstenite queued the pong; send it now.
                report.pings += 1;
                if let Err(e) = ws.flush() {
                    return (Ended::Lost(format!("answering a ping: {e}")), heard);
                }
            }
            Message::Pong(_) | Message::Frame(_) => {}
            Message::Binary(_) => report.unknown += 1,
            Message::Close(_) => {
                // tungstenite queued the closing reply; send it.
                let _ = ws.flush();
                return (Ended::Lost("closed by the server".into()), heard);
            }
        }
    }
}

/// Hands new events to the sink and counts them.
fn deliver(venue: Venue, fresh: Vec<(String, Liquidation)>, report: &mut FeedReport, sink: &Sink) {
    if fresh.is_empty() {
        return;
    }
    report.events += fresh.len();
    if let Err(why) = sink(venue, &fresh) {
        report.unsaved += fresh.len();
        report.unsaved_why.get_or_insert(why);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_first_wait_up_to_the_longest() {
        let s = Settings::default();
        let waits: Vec<u64> = (1..=8).map(|f| backoff(f, &s).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(backoff(1000, &s), s.backoff_max);
    }

    #[test]
    fn a_tripped_flag_is_a_passed_deadline() {
        let f = Flag::new(Instant::now() + Duration::from_secs(3600));
        assert!(!f.remaining().is_zero());
        f.trip();
        assert!(f.remaining().is_zero());
    }
}
