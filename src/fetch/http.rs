//! HTTP for the venue clients: timeouts, retries with exponential backoff and jitter,
//! `Retry-After`, ban detection, a response-size cap and a request counter.

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rand::Rng;

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
}

/// What the venue asked for when it said "too many requests": seconds to wait.
fn retry_after(resp: &reqwest::blocking::Response) -> Option<Duration> {
    let v = resp.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0).map(Duration::from_secs_f64)
}

impl Http {
    pub fn new(config: HttpConfig) -> Result<Self, FetchError> {
        let client = reqwest::blocking::Client::builder()
            .user_agent(concat!("liqshot/", env!("CARGO_PKG_VERSION"), " (+https://crates.io/crates/liqshot)"))
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .gzip(true)
            .pool_max_idle_per_host(8)
            .build()
            .map_err(|e| FetchError::new(format!("cannot build the HTTP client: {e}")))?;
        Ok(Http { client, config, requests: AtomicUsize::new(0) })
    }

    /// A handle on the same client and connection pool with a request counter of its own
    /// (cloning a reqwest client shares its pool).
    pub fn fork(&self) -> Http {
        Http { client: self.client.clone(), config: self.config.clone(), requests: AtomicUsize::new(0) }
    }

    /// Requests sent so far (retries included).
    pub fn request_count(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// GET `url` with `query`; see [`Http::send`].
    pub fn get(&self, venue: &str, url: &str, query: &[(&str, String)], decode: ErrorDecoder) -> Result<Vec<u8>, FetchError> {
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

    /// Sends with retries. Returns the body of a 2xx response. Retries timeouts, connection
    /// errors, 429 and 5xx (honouring `Retry-After`); stops at once on a ban (HTTP 418, 403).
    pub fn send(
        &self,
        venue: &str,
        url: &str,
        decode: ErrorDecoder,
        build: impl Fn() -> reqwest::blocking::RequestBuilder,
    ) -> Result<Vec<u8>, FetchError> {
        // The endpoint path (without host and query) names the request in messages.
        let no_query = url.split('?').next().unwrap_or(url);
        let path = no_query.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..])).unwrap_or(no_query);
        let mut attempt = 0;
        loop {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let (err, wait) = match build().send() {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    tracing::trace!(venue, path, status, attempt, "{venue}: {path}: HTTP {status}");
                    let wait = retry_after(&resp);
                    let body = self.read_body(venue, path, resp)?;
                    if (200..300).contains(&status) {
                        return Ok(body);
                    }
                    let detail = decode(status, &body).unwrap_or_else(|| format!("HTTP {status}"));
                    match status {
                        418 | 403 => {
                            let when = wait.map(|w| format!("; try again in {}", human(w))).unwrap_or_else(|| {
                                "; wait before trying again (Binance bans last 2 min to 3 days, Bybit 10 min)".into()
                            });
                            return Err(FetchError {
                                message: format!("{venue}: refused by the venue (HTTP {status}, {detail}): IP banned or rate-limited{when}"),
                                banned: true,
                            });
                        }
                        429 | 500..=599 => (format!("{venue}: {detail} from {path}"), wait),
                        _ => return Err(FetchError::new(format!("{venue}: {detail} ({path})"))),
                    }
                }
                Err(e) if e.is_timeout() => (format!("{venue}: timed out after {} ({path})", human(self.config.timeout)), None),
                Err(e) if e.is_connect() => (format!("{venue}: cannot connect ({path}): {}", root_cause(&e)), None),
                Err(e) => return Err(FetchError::new(format!("{venue}: request failed ({path}): {}", root_cause(&e)))),
            };
            if attempt >= self.config.retries {
                return Err(FetchError::new(format!("{err} (gave up after {} attempts)", attempt + 1)));
            }
            let delay = match wait {
                Some(w) if w > self.config.max_retry_after => {
                    return Err(FetchError::new(format!("{err}; the venue asks to wait {}, try again later", human(w))))
                }
                Some(w) => w,
                None => self.backoff(attempt),
            };
            tracing::debug!(venue, path, attempt, "{err}; retrying in {:.1} s", delay.as_secs_f64());
            std::thread::sleep(delay);
            attempt += 1;
        }
    }

    fn read_body(&self, venue: &str, path: &str, resp: reqwest::blocking::Response) -> Result<Vec<u8>, FetchError> {
        let cap = self.config.max_body_bytes;
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(FetchError::new(format!("{venue}: response from {path} is larger than {cap} bytes")));
        }
        let mut body = Vec::new();
        resp.take(cap + 1)
            .read_to_end(&mut body)
            .map_err(|e| FetchError::new(format!("{venue}: reading the response from {path} failed: {e}")))?;
        if body.len() as u64 > cap {
            return Err(FetchError::new(format!("{venue}: response from {path} is larger than {cap} bytes")));
        }
        Ok(body)
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
