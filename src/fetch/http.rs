//! HTTP for the venue clients: timeouts, retries with exponential backoff and jitter,
//! `Retry-After`, ban detection, a response-size cap and a request counter.

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;

use super::progress::{Display, Progress};

/// HTTP settings (all configurable from the command line).
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    /// Whole request, including reading the body.
    pub timeout: Duration,
    /// Retries after the first attempt (timeouts, connection errors, 429, 5xx).
    pub retries: u32,
    /// First backoff; doubles each retry (with up to 50 % jitter), capped at 30 s.
    pub backoff: Duration,
    /// Longest `Retry-After` to honour; a longer one fails the request instead of sleeping.
    pub max_retry_after: Duration,
    /// Largest response body accepted.
    pub max_body_bytes: u64,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            retries: 3,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
            max_body_bytes: 32 << 20,
        }
    }
}

/// Why a request failed, already worded for a user.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchError {
    pub message: String,
    /// The venue refused us (IP ban, rate-limit lockout): don't retry, don't hammer.
    pub banned: bool,
}

impl FetchError {
    pub fn new(message: impl Into<String>) -> Self {
        FetchError { message: message.into(), banned: false }
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A venue's way of turning an error response into a message, e.g.
/// `invalid symbol FOOUSDT (code -1121)`. `None` falls back to the HTTP status.
pub type ErrorDecoder = fn(status: u16, body: &[u8]) -> Option<String>;

/// Shared blocking client (connections are pooled across threads).
pub struct Http {
    client: reqwest::blocking::Client,
    pub config: HttpConfig,
    requests: AtomicUsize,
    progress: Arc<Progress>,
    /// Where fetches through this client show their progress (none: nothing is drawn).
    display: Option<Arc<dyn Display>>,
    /// Hosts (`host:port`) that did not accept a connection within the connect timeout on any
    /// attempt of a request: when, and how it was worded. Shared by forks.
    unreachable: Arc<Mutex<HashMap<String, (Instant, String)>>>,
    /// Host names that did not resolve, and when: not looked up again for [`UNREACHABLE_MEMORY`].
    /// Shared by forks.
    unresolved: Arc<Mutex<HashMap<String, Instant>>>,
}

/// What the venue asked for when it said "too many requests": seconds to wait.
fn retry_after(resp: &reqwest::blocking::Response) -> Option<Duration> {
    let v = resp.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0).map(Duration::from_secs_f64)
}

impl Http {
    pub fn new(config: HttpConfig) -> Result<Self, FetchError> {
        let tls =
            super::tls::client_config().map_err(|e| FetchError::new(format!("cannot build the HTTP client: {e}")))?;
        // reqwest's connect timeout covers the DNS lookup (getaddrinfo, on its blocking pool),
        // the TCP connect and the TLS handshake; the timeout covers the whole request.
        let client = reqwest::blocking::Client::builder()
            .user_agent(concat!("liqshot/", env!("CARGO_PKG_VERSION"), " (+https://crates.io/crates/liqshot)"))
            .tls_backend_preconfigured((*tls).clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .gzip(true)
            .redirect(same_host_redirects())
            .pool_max_idle_per_host(8)
            .build()
            .map_err(|e| FetchError::new(format!("cannot build the HTTP client: {e}")))?;
        Ok(Http {
            client,
            config,
            requests: AtomicUsize::new(0),
            progress: Arc::default(),
            display: None,
            unreachable: Arc::default(),
            unresolved: Arc::default(),
        })
    }

    /// A handle on the same client and connection pool (and display) with a request counter and
    /// progress of its own (cloning a reqwest client shares its pool).
    pub fn fork(&self) -> Http {
        Http {
            client: self.client.clone(),
            config: self.config.clone(),
            requests: AtomicUsize::new(0),
            progress: Arc::default(),
            display: self.display.clone(),
            unreachable: self.unreachable.clone(),
            unresolved: self.unresolved.clone(),
        }
    }

    /// This client, showing the progress of its fetches on `display` (the command line's
    /// terminal line; without one nothing is drawn).
    pub fn with_display(mut self, display: Arc<dyn Display>) -> Self {
        self.display = Some(display);
        self
    }

    /// The display fetches through this client draw their progress on.
    pub fn display(&self) -> Option<&dyn Display> {
        self.display.as_deref()
    }

    /// Requests planned and finished per venue (for a progress display).
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Requests sent so far (retries included).
    pub fn request_count(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// GET `url` with `query`; see [`Http::send`].
    pub fn get(
        &self,
        venue: &str,
        url: &str,
        query: &[(&str, String)],
        decode: ErrorDecoder,
    ) -> Result<Vec<u8>, FetchError> {
        self.send(venue, url, decode, || self.client.get(url).query(query))
    }

    /// POST a JSON body to `url`; see [`Http::send`].
    pub fn post_json(&self, venue: &str, url: &str, body: &str, decode: ErrorDecoder) -> Result<Vec<u8>, FetchError> {
        self.send(venue, url, decode, || {
            self.client.post(url).header(reqwest::header::CONTENT_TYPE, "application/json").body(body.to_string())
        })
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.config.backoff.as_secs_f64() * 2f64.powi(attempt as i32);
        let jitter = rand::rng().random_range(0.0..0.5);
        Duration::from_secs_f64((base * (1.0 + jitter)).min(30.0))
    }

    /// Sends with retries. Returns the body of a 2xx response. Retries timeouts, other
    /// connection errors, 429 and 5xx (honouring `Retry-After`); stops at once on a ban (HTTP
    /// 418, 403), a host that does not resolve and a refused connection (neither gets better
    /// within the backoff's seconds; offline, a run should fail at once and say why). A host
    /// that let every attempt of a request run into the connect timeout is not tried again for
    /// [`UNREACHABLE_MEMORY`]: the venue's queued requests fail at once instead of each waiting
    /// out the same timeouts (which made a run take rounds × attempts × the connect timeout
    /// while its message named one request's time).
    pub fn send(
        &self,
        venue: &str,
        url: &str,
        decode: ErrorDecoder,
        build: impl Fn() -> reqwest::blocking::RequestBuilder,
    ) -> Result<Vec<u8>, FetchError> {
        let r = self.send_once(venue, url, decode, build);
        self.progress.request_done(venue);
        r
    }

    /// [`Http::send`] without the progress count.
    fn send_once(
        &self,
        venue: &str,
        url: &str,
        decode: ErrorDecoder,
        build: impl Fn() -> reqwest::blocking::RequestBuilder,
    ) -> Result<Vec<u8>, FetchError> {
        // The endpoint path (without host and query) names the request in messages.
        let no_query = url.split('?').next().unwrap_or(url);
        let path =
            no_query.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..])).unwrap_or(no_query);
        let at = host_port(url).map_or_else(|| url.to_string(), |(h, p)| format!("{h}:{p}"));
        let known = lock(&self.unreachable).get(&at).filter(|(t, _)| t.elapsed() < UNREACHABLE_MEMORY).cloned();
        if let Some((_, why)) = known {
            return Err(FetchError::new(format!("{venue}: not tried ({path}): {at} {why}")));
        }
        let started = Instant::now();
        let mut attempt = 0;
        let mut connect_timeouts = 0;
        let mut timeouts = 0;
        let via = proxy_for(url).map(|p| format!(" through the proxy {p}")).unwrap_or_default();
        let unresolved = |host: &str, took: Duration| {
            let took = seconds(took);
            FetchError::new(format!(
                "{venue}: could not resolve host {host}{via} (DNS lookup failed) after {took} ({path})"
            ))
        };
        // A host that did not resolve a moment ago is not looked up again: same words at once.
        if let Some((host, _)) = host_port(url) {
            let failed = lock(&self.unresolved).get(&host).copied();
            if failed.is_some_and(|at| at.elapsed() < UNREACHABLE_MEMORY) {
                return Err(unresolved(&host, started.elapsed()));
            }
        }
        loop {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let sent = Instant::now();
            let (err, wait) = match build().send() {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    tracing::trace!(venue, path, status, attempt, "{venue}: {path}: HTTP {status}");
                    let wait = retry_after(&resp);
                    let html = is_html(&resp);
                    let body = match self.read_body(venue, path, resp, sent) {
                        Ok(b) => b,
                        Err(Body::Failed(e)) => return Err(e),
                        Err(Body::Late) => {
                            timeouts += 1;
                            let msg = format!(
                                "{venue}: no complete answer within {} (the body was still arriving) ({path})",
                                limit(self.config.timeout)
                            );
                            if let Some(e) =
                                self.retry_or_fail(msg, None, attempt, connect_timeouts, timeouts, &at, started)?
                            {
                                return Err(e);
                            }
                            attempt += 1;
                            continue;
                        }
                    };
                    if (200..300).contains(&status) {
                        if html {
                            return Err(FetchError::new(format!(
                                "{venue}: {path} answered with an HTML page (text/html), not JSON: a captive portal, proxy or wrong --{venue}-url?"
                            )));
                        }
                        return Ok(body);
                    }
                    let detail = decode(status, &body);
                    let status_text = match &detail {
                        Some(d) => format!("HTTP {status}, {d}"),
                        None => format!("HTTP {status}"),
                    };
                    let detail = detail.unwrap_or_else(|| format!("HTTP {status}"));
                    match status {
                        418 | 403 => {
                            let when = wait.map(|w| format!("; try again in {}", human(w))).unwrap_or_else(|| {
                                "; wait before trying again (Binance bans last 2 min to 3 days, Bybit 10 min)".into()
                            });
                            return Err(FetchError {
                                message: format!(
                                    "{venue}: refused by the venue ({status_text}): IP banned or rate-limited{when}"
                                ),
                                banned: true,
                            });
                        }
                        429 | 500..=599 => (format!("{venue}: {detail} from {path}"), wait),
                        _ => return Err(FetchError::new(format!("{venue}: {detail} ({path})"))),
                    }
                }
                Err(e) => {
                    // The address the failed request went to: after a redirect, not the venue's.
                    let at = e
                        .url()
                        .and_then(|u| host_port(u.as_str()))
                        .map_or_else(|| at.clone(), |(h, p)| format!("{h}:{p}"));
                    match classify(&e) {
                        Failure::Dns => {
                            let host = e.url().map_or(url, |u| u.as_str());
                            let host =
                                host_port(host).or_else(|| host_port(url)).map_or_else(|| url.to_string(), |h| h.0);
                            lock(&self.unresolved).insert(host.clone(), Instant::now());
                            return Err(unresolved(&host, sent.elapsed()));
                        }
                        Failure::Refused => {
                            let took = seconds(sent.elapsed());
                            let by = match proxy_for(url) {
                                Some(p) => format!("the proxy {p} (for {at})"),
                                None => at,
                            };
                            return Err(FetchError::new(format!(
                                "{venue}: connection refused by {by} after {took} ({path})"
                            )));
                        }
                        Failure::ConnectTimeout => {
                            connect_timeouts += 1;
                            (
                                format!(
                                    "{venue}: could not connect to {at}{via} within {} (connect timeout) ({path})",
                                    limit(self.config.connect_timeout)
                                ),
                                None,
                            )
                        }
                        Failure::Timeout => {
                            timeouts += 1;
                            (
                                format!(
                                    "{venue}: no answer within {} (timed out) ({path})",
                                    limit(self.config.timeout)
                                ),
                                None,
                            )
                        }
                        Failure::Connect => {
                            (format!("{venue}: cannot connect{via} ({path}): {}", root_cause(&e)), None)
                        }
                        Failure::Other => {
                            return Err(FetchError::new(format!(
                                "{venue}: request failed ({path}): {}",
                                root_cause(&e)
                            )))
                        }
                    }
                }
            };
            if let Some(e) = self.retry_or_fail(err, wait, attempt, connect_timeouts, timeouts, &at, started)? {
                return Err(e);
            }
            attempt += 1;
        }
    }

    /// After failed attempt `attempt` (from 0) with message `err`: sleeps the backoff (or the
    /// venue's `wait`) and returns `Ok(None)` to try again, or returns the final error. A host
    /// that let every attempt run into a timeout (connect or whole request) is remembered for
    /// [`UNREACHABLE_MEMORY`]: the venue's other requests fail at once.
    #[allow(clippy::too_many_arguments)]
    fn retry_or_fail(
        &self,
        err: String,
        wait: Option<Duration>,
        attempt: u32,
        connect_timeouts: u32,
        timeouts: u32,
        at: &str,
        started: Instant,
    ) -> Result<Option<FetchError>, FetchError> {
        if attempt >= self.config.retries {
            let n = attempts(attempt + 1);
            let why = if connect_timeouts == attempt + 1 {
                Some(format!(
                    "did not accept a connection within {} in an earlier request ({n})",
                    limit(self.config.connect_timeout)
                ))
            } else if connect_timeouts + timeouts == attempt + 1 {
                Some(format!("did not answer within {} in an earlier request ({n})", limit(self.config.timeout)))
            } else {
                None
            };
            if let Some(why) = why {
                lock(&self.unreachable).insert(at.to_string(), (Instant::now(), why));
            }
            return Ok(Some(FetchError::new(format!("{err}, gave up after {n} in {}", seconds(started.elapsed())))));
        }
        let delay = match wait {
            Some(w) if w > self.config.max_retry_after => {
                return Err(FetchError::new(format!("{err}; the venue asks to wait {}, try again later", human(w))))
            }
            Some(w) => w,
            None => self.backoff(attempt),
        };
        tracing::debug!(attempt, "{err}; retrying in {:.1} s", delay.as_secs_f64());
        std::thread::sleep(delay);
        Ok(None)
    }

    /// Reads the body of `resp` (sent at `sent`) up to the size cap, and within the total
    /// timeout counted from `sent`: a body that trickles in fails as [`Body::Late`] once the
    /// timeout has passed (reqwest's blocking reader times out each read, not the whole body).
    fn read_body(
        &self,
        venue: &str,
        path: &str,
        resp: reqwest::blocking::Response,
        sent: Instant,
    ) -> Result<Vec<u8>, Body> {
        let cap = self.config.max_body_bytes;
        let too_large =
            || Body::Failed(FetchError::new(format!("{venue}: response from {path} is larger than {cap} bytes")));
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(too_large());
        }
        let deadline = sent + self.config.timeout;
        let mut body = Vec::new();
        let mut chunk = [0u8; 16 << 10];
        let mut r = resp.take(cap + 1);
        loop {
            if Instant::now() > deadline {
                return Err(Body::Late);
            }
            match r.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => body.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) if Instant::now() > deadline => return Err(Body::Late),
                Err(e) => {
                    return Err(Body::Failed(FetchError::new(format!(
                        "{venue}: reading the response from {path} failed: {e}"
                    ))))
                }
            }
        }
        if body.len() as u64 > cap {
            return Err(too_large());
        }
        Ok(body)
    }
}

/// Why a body could not be read.
enum Body {
    /// The total timeout passed while it was still arriving (retried like a timeout).
    Late,
    Failed(FetchError),
}

/// Whether `resp` says it is an HTML page (a captive portal or a proxy's error page).
fn is_html(resp: &reqwest::blocking::Response) -> bool {
    resp.headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("text/html"))
}

/// Redirects are followed (up to 10) only on the venue's own host and port: data from another
/// host would be taken, and cached, as the venue's. Another host is an error naming it.
fn same_host_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let origin = attempt.previous().first().and_then(|u| host_port(u.as_str()));
        let next = host_port(attempt.url().as_str());
        if attempt.previous().len() > 10 {
            attempt.error("too many redirects (more than 10)")
        } else if origin.is_some() && next != origin {
            let to = next.map_or_else(|| attempt.url().to_string(), |(h, p)| format!("{h}:{p}"));
            attempt.error(format!(
                "redirected to another host, {to}: not followed (give that host as the venue's URL if it is meant)"
            ))
        } else {
            attempt.follow()
        }
    })
}

/// The proxy the environment sets for `url` (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, also in
/// lower case, as reqwest reads them), unless `NO_PROXY` names its host: for messages.
fn proxy_for(url: &str) -> Option<String> {
    let u = reqwest::Url::parse(url).ok()?;
    let var = |names: &[&str]| names.iter().find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()));
    let proxy = match u.scheme() {
        "https" => var(&["HTTPS_PROXY", "https_proxy"]),
        _ => var(&["HTTP_PROXY", "http_proxy"]),
    }
    .or_else(|| var(&["ALL_PROXY", "all_proxy"]))?;
    let host = u.host_str()?.to_string();
    let excluded = var(&["NO_PROXY", "no_proxy"]).is_some_and(|list| {
        list.split(',').map(str::trim).any(|n| {
            n == "*"
                || (!n.is_empty()
                    && (host == n.trim_start_matches('.')
                        || host.ends_with(&format!(".{}", n.trim_start_matches('.')))))
        })
    });
    (!excluded).then_some(proxy)
}

/// How long a host name that did not resolve, or a host that did not accept connections, is
/// remembered (see [`Http::send`]).
pub(crate) const UNREACHABLE_MEMORY: Duration = Duration::from_secs(30);

/// What went wrong with a request that got no HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// The host name did not resolve. (A lookup that does not answer runs into the connect
    /// timeout, which covers it.)
    Dns,
    /// Nobody listens on the port (or a firewall said no).
    Refused,
    /// No connection within the connect timeout.
    ConnectTimeout,
    /// No (complete) answer within the total timeout.
    Timeout,
    /// Another connection failure (TLS, unreachable network, reset).
    Connect,
    /// Anything else (a malformed URL, a redirect loop).
    Other,
}

/// Reads reqwest's error chain (reqwest → hyper-util's `ConnectError` → the source): a failed
/// lookup says `dns error` (hyper-util) or `failed to lookup address information` (getaddrinfo,
/// also through a proxy); a refused connection is an `io::Error` of kind `ConnectionRefused`.
fn classify(e: &reqwest::Error) -> Failure {
    let mut dns = false;
    let mut refused = false;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        let text = err.to_string();
        dns |= text.starts_with("dns error") || text.contains("failed to lookup address information");
        cur = err.source();
    }
    match () {
        _ if dns => Failure::Dns,
        _ if refused => Failure::Refused,
        _ if e.is_connect() && e.is_timeout() => Failure::ConnectTimeout,
        _ if e.is_timeout() => Failure::Timeout,
        _ if e.is_connect() => Failure::Connect,
        _ => Failure::Other,
    }
}

/// The memory of failed hosts, also after a thread panicked holding it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The host and port of `url` (the scheme's default port when none is given).
fn host_port(url: &str) -> Option<(String, u16)> {
    let u = reqwest::Url::parse(url).ok()?;
    Some((u.host_str()?.to_string(), u.port_or_known_default()?))
}

/// `1 attempt`, `3 attempts`.
pub fn attempts(n: u32) -> String {
    if n == 1 {
        "1 attempt".into()
    } else {
        format!("{n} attempts")
    }
}

/// A measured duration: `0.02 s` under 10 s, `31.4 s` above.
pub fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}

/// A configured limit: `10 s`, `0.2 s`.
fn limit(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// `90 s`, `10 min`, `2 h`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 120.0 {
        format!("{:.0} s", s.max(0.0).ceil())
    } else if s < 7200.0 {
        format!("{:.0} min", (s / 60.0).ceil())
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}
