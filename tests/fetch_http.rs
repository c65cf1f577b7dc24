//! The HTTP layer against a local server: retries, Retry-After, bans, timeouts, size cap.

mod common;

use std::time::{Duration, Instant};

use common::mock_server::{MockServer, Reply};
use liqshot::fetch::{Http, HttpConfig};

fn http(retries: u32, timeout_ms: u64) -> Http {
    Http::new(HttpConfig {
        retries,
        backoff: Duration::from_millis(20),
        timeout: Duration::from_millis(timeout_ms),
        connect_timeout: Duration::from_millis(500),
        max_body_bytes: 1 << 16,
        ..Default::default()
    })
    .unwrap()
}

fn binance_decoder(_status: u16, body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(format!("{} (code {})", v["msg"].as_str()?, v["code"]))
}

#[test]
fn retries_429_honouring_retry_after_then_succeeds() {
    let srv = MockServer::start();
    srv.route(
        "GET",
        "/x",
        vec![Reply::json("{}").status(429).header("Retry-After", "1"), Reply::json("[1,2,3]")],
    );
    let h = http(3, 2000);
    let t = Instant::now();
    let body = h.get("binance", &format!("{}/x", srv.base), &[("a", "1".into())], binance_decoder).unwrap();
    assert_eq!(body, b"[1,2,3]");
    assert!(t.elapsed() >= Duration::from_millis(950), "Retry-After 1 s was not honoured: {:?}", t.elapsed());
    assert_eq!(srv.seen_path("/x").len(), 2);
    assert_eq!(h.request_count(), 2);
    assert_eq!(srv.seen_path("/x")[0].param("a").as_deref(), Some("1"));
}

#[test]
fn a_ban_is_not_retried_and_says_when_to_come_back() {
    let srv = MockServer::start();
    srv.route("GET", "/x", vec![Reply::json(r#"{"code":-1003,"msg":"Way too many requests; IP banned."}"#).status(418).header("Retry-After", "600")]);
    let h = http(3, 2000);
    let e = h.get("binance", &format!("{}/x", srv.base), &[], binance_decoder).unwrap_err();
    assert!(e.banned);
    assert!(e.message.contains("HTTP 418") && e.message.contains("10 min") && e.message.contains("IP banned"), "{}", e.message);
    assert_eq!(srv.seen_path("/x").len(), 1, "a ban must not be retried");
}

#[test]
fn server_errors_are_retried_then_reported() {
    let srv = MockServer::start();
    srv.route("GET", "/x", vec![Reply::json("oops").status(503)]);
    let h = http(2, 2000);
    let e = h.get("okx", &format!("{}/x", srv.base), &[], |_, _| None).unwrap_err();
    assert!(e.message.contains("HTTP 503") && e.message.contains("gave up after 3 attempts"), "{}", e.message);
    assert_eq!(srv.seen_path("/x").len(), 3);
}

#[test]
fn timeouts_are_retried_and_named() {
    let srv = MockServer::start();
    srv.route("GET", "/slow", vec![Reply::json("[]").delay(Duration::from_millis(800))]);
    let h = http(1, 200);
    let e = h.get("bybit", &format!("{}/slow", srv.base), &[], |_, _| None).unwrap_err();
    assert!(e.message.starts_with("bybit: no answer within 0.2 s (timed out) (/slow), gave up after 2 attempts in "), "{}", e.message);
    assert!(e.message.ends_with(" s"), "{}", e.message);
    assert_eq!(srv.seen_path("/slow").len(), 2);
    // One attempt is one attempt, not "1 attempts".
    let e = http(0, 200).get("bybit", &format!("{}/slow", srv.base), &[], |_, _| None).unwrap_err();
    assert!(e.message.contains("(/slow), gave up after 1 attempt in 0.2"), "{}", e.message);
}

#[test]
fn client_errors_use_the_venue_decoder_and_are_not_retried() {
    let srv = MockServer::start();
    srv.route("GET", "/fapi/v1/klines", vec![Reply::json(r#"{"code":-1121,"msg":"Invalid symbol."}"#).status(400)]);
    let h = http(3, 2000);
    let e = h.get("binance", &format!("{}/fapi/v1/klines", srv.base), &[], binance_decoder).unwrap_err();
    assert_eq!(e.message, "binance: Invalid symbol. (code -1121) (/fapi/v1/klines)");
    assert_eq!(srv.seen_path("/fapi/v1/klines").len(), 1);
}

#[test]
fn oversized_bodies_are_refused() {
    let srv = MockServer::start();
    srv.route("GET", "/big", vec![Reply::json(vec![b'x'; 100_000])]);
    let e = http(0, 2000).get("okx", &format!("{}/big", srv.base), &[], |_, _| None).unwrap_err();
    assert!(e.message.contains("larger than 65536 bytes"), "{}", e.message);
}

#[test]
fn sends_a_user_agent_naming_liqshot_and_posts_json() {
    let srv = MockServer::start();
    srv.route("POST", "/info", vec![Reply::json("[]")]);
    http(0, 2000).post_json("hyperliquid", &format!("{}/info", srv.base), r#"{"type":"meta"}"#, |_, _| None).unwrap();
    let seen = &srv.seen_path("/info")[0];
    let ua = seen.headers.iter().find(|(k, _)| k == "user-agent").map(|(_, v)| v.clone()).unwrap_or_default();
    assert!(ua.starts_with(concat!("liqshot/", env!("CARGO_PKG_VERSION"))), "{ua}");
    assert_eq!(seen.body, r#"{"type":"meta"}"#);
    assert!(seen.headers.iter().any(|(k, v)| k == "content-type" && v == "application/json"));
}

/// An HTTP client whose retries would take seconds (3 retries, backoff from 1 s).
fn slow_retrying() -> Http {
    Http::new(HttpConfig { retries: 3, backoff: Duration::from_secs(1), ..Default::default() }).unwrap()
}

#[test]
fn connection_refused_is_reported_at_once_without_retries() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let h = slow_retrying();
    let t = Instant::now();
    let e = h.get("binance", &format!("http://127.0.0.1:{port}/x"), &[], |_, _| None).unwrap_err();
    let prefix = format!("binance: connection refused by 127.0.0.1:{port} after 0.");
    assert!(e.message.starts_with(&prefix) && e.message.ends_with(" s (/x)"), "{}", e.message);
    assert_eq!(h.request_count(), 1, "a refused connection is not retried");
    assert!(t.elapsed() < Duration::from_millis(900), "{:?}", t.elapsed());
}

#[test]
fn a_host_that_cannot_resolve_fails_fast_without_retries() {
    // `.invalid` never resolves (RFC 6761): a local resolver failure, no network needed.
    let h = slow_retrying();
    let t = Instant::now();
    let e = h.get("bybit", "http://nonexistent.invalid:1/v5/market/kline", &[], |_, _| None).unwrap_err();
    let prefix = "bybit: could not resolve host nonexistent.invalid (DNS lookup failed) after ";
    assert!(e.message.starts_with(prefix) && e.message.ends_with(" s (/v5/market/kline)"), "{}", e.message);
    assert_eq!(h.request_count(), 1, "a DNS failure is not retried");
    assert!(t.elapsed() < Duration::from_millis(900), "{:?}", t.elapsed());
}

#[test]
fn attempt_counts_and_durations_read_well() {
    use liqshot::fetch::http::{attempts, seconds};
    assert_eq!(attempts(1), "1 attempt");
    assert_eq!(attempts(4), "4 attempts");
    assert_eq!(seconds(Duration::from_millis(3)), "0.00 s");
    assert_eq!(seconds(Duration::from_millis(20)), "0.02 s");
    assert_eq!(seconds(Duration::from_millis(31_449)), "31.4 s");
    assert_eq!(seconds(Duration::from_secs(20)), "20.0 s");
}

#[test]
fn host_names_resolve_and_a_failed_one_is_not_looked_up_again() {
    let srv = MockServer::start();
    srv.route("GET", "/x", vec![Reply::json("[1]")]);
    let port = srv.base.rsplit(':').next().unwrap();
    let h = slow_retrying();
    assert_eq!(h.get("okx", &format!("http://localhost:{port}/x"), &[], |_, _| None).unwrap(), b"[1]");
    // The second request to a host that did not resolve is answered from memory, same words.
    let first = h.get("okx", "http://nonexistent.invalid/a", &[], |_, _| None).unwrap_err();
    let t = Instant::now();
    let again = h.fork().get("okx", "http://nonexistent.invalid/b", &[], |_, _| None).unwrap_err();
    assert!(t.elapsed() < Duration::from_millis(50), "{:?}", t.elapsed());
    assert!(first.message.contains("could not resolve host nonexistent.invalid (DNS lookup failed)"), "{}", first.message);
    assert!(again.message.starts_with("okx: could not resolve host nonexistent.invalid (DNS lookup failed) after 0.0"), "{}", again.message);
}

/// A listener whose accept queue is full, so a further connection attempt is never answered
/// (the SYN is dropped) and times out: a host that does not accept connections, on 127.0.0.1.
/// Returns the port and what keeps the queue full.
fn port_that_never_accepts() -> (u16, std::net::TcpListener, Vec<std::net::TcpStream>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fill = Vec::new();
    // Never accepted: each completes in the kernel until the queue (backlog 128) is full.
    while let Ok(s) = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
        fill.push(s);
        assert!(fill.len() < 10_000, "the accept queue never filled");
    }
    (addr.port(), listener, fill)
}

#[test]
fn after_a_connect_timeout_the_other_requests_to_that_host_fail_at_once() {
    let (port, _listener, _fill) = port_that_never_accepts();
    let h = Http::new(HttpConfig { retries: 1, backoff: Duration::from_millis(20), connect_timeout: Duration::from_millis(300), ..Default::default() }).unwrap();
    let url = |p: &str| format!("http://127.0.0.1:{port}{p}");
    let t = Instant::now();
    let first = h.get("okx", &url("/a"), &[], |_, _| None).unwrap_err();
    assert!(t.elapsed() >= Duration::from_millis(600), "two connect timeouts: {:?}", t.elapsed());
    let want = format!("okx: could not connect to 127.0.0.1:{port} within 0.3 s (connect timeout) (/a), gave up after 2 attempts in ");
    assert!(first.message.starts_with(&want), "{}", first.message);
    // The venue's other planned requests (queued behind the first ones) do not each wait the
    // same connect timeouts again: they fail at once, saying why, and send nothing.
    // (A fork, as a batch's symbols use, shares what the client learnt.)
    let fork = h.fork();
    let t = Instant::now();
    let again = fork.get("okx", &url("/b"), &[], |_, _| None).unwrap_err();
    assert!(t.elapsed() < Duration::from_millis(100), "{:?}", t.elapsed());
    assert_eq!(fork.request_count(), 0, "nothing sent");
    let want = format!("okx: not tried (/b): 127.0.0.1:{port} did not accept a connection within 0.3 s in an earlier request (2 attempts)");
    assert_eq!(again.message, want);
}
