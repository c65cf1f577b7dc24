//! The HTTP layer against a local server: retries, Retry-After, bans, timeouts, size cap.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
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
    srv.route("GET", "/x", vec![Reply::json("{}").status(429).header("Retry-After", "1"), Reply::json("[1,2,3]")]);
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
    srv.route(
        "GET",
        "/x",
        vec![Reply::json(r#"{"code":-1003,"msg":"Way too many requests; IP banned."}"#)
            .status(418)
            .header("Retry-After", "600")],
    );
    let h = http(3, 2000);
    let e = h.get("binance", &format!("{}/x", srv.base), &[], binance_decoder).unwrap_err();
    assert!(e.banned);
    assert!(
        e.message.contains("HTTP 418") && e.message.contains("10 min") && e.message.contains("IP banned"),
        "{}",
        e.message
    );
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
    assert!(
        e.message.starts_with("bybit: no answer within 0.2 s (timed out) (/slow), gave up after 2 attempts in "),
        "{}",
        e.message
    );
    assert!(e.message.ends_with(" s"), "{}", e.message);
    assert_eq!(srv.seen_path("/slow").len(), 2);
    // One attempt is one attempt, not "1 attempts".
    let e = http(0, 200).get("bybit", &format!("{}/slow", srv.base), &[], |_, _| None).unwrap_err();
    // The time taken is what the clock saw: at least the timeout, more on a busy machine.
    let took = e.message.split("(/slow), gave up after 1 attempt in ").nth(1).expect("one attempt, named");
    let secs: f64 = took.trim_end_matches(" s").parse().unwrap_or_else(|_| panic!("{}", e.message));
    assert!(secs >= 0.2, "{}", e.message);
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
    let e = h.get("binance", &format!("http://127.0.0.1:{port}/x"), &[], |_, _| None).unwrap_err();
    let prefix = format!("binance: connection refused by 127.0.0.1:{port} after 0.");
    assert!(e.message.starts_with(&prefix) && e.message.ends_with(" s (/x)"), "{}", e.message);
    assert_eq!(h.request_count(), 1, "a refused connection is not retried");
}

#[test]
fn a_host_that_cannot_resolve_fails_fast_without_retries() {
    // `.invalid` never resolves (RFC 6761): a local resolver failure, no network needed.
    let h = slow_retrying();
    let e = h.get("bybit", "http://nonexistent.invalid:1/v5/market/kline", &[], |_, _| None).unwrap_err();
    let prefix = "bybit: could not resolve host nonexistent.invalid (DNS lookup failed) after ";
    assert!(e.message.starts_with(prefix) && e.message.ends_with(" s (/v5/market/kline)"), "{}", e.message);
    assert_eq!(h.request_count(), 1, "a DNS failure is not retried");
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
    let fork = h.fork();
    let again = fork.get("okx", "http://nonexistent.invalid/b", &[], |_, _| None).unwrap_err();
    assert_eq!(fork.request_count(), 0, "answered from memory: nothing tried");
    assert!(
        first.message.contains("could not resolve host nonexistent.invalid (DNS lookup failed)"),
        "{}",
        first.message
    );
    assert!(
        again.message.starts_with("okx: could not resolve host nonexistent.invalid (DNS lookup failed) after "),
        "{}",
        again.message
    );
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
    let h = Http::new(HttpConfig {
        retries: 1,
        backoff: Duration::from_millis(20),
        connect_timeout: Duration::from_millis(300),
        ..Default::default()
    })
    .unwrap();
    let url = |p: &str| format!("http://127.0.0.1:{port}{p}");
    let t = Instant::now();
    let first = h.get("okx", &url("/a"), &[], |_, _| None).unwrap_err();
    assert!(t.elapsed() >= Duration::from_millis(600), "two connect timeouts: {:?}", t.elapsed());
    let want = format!(
        "okx: could not connect to 127.0.0.1:{port} within 0.3 s (connect timeout) (/a), gave up after 2 attempts in "
    );
    assert!(first.message.starts_with(&want), "{}", first.message);
    // The venue's other planned requests (queued behind the first ones) do not each wait the
    // same connect timeouts again: they fail at once, saying why, and send nothing.
    // (A fork, as a batch's symbols use, shares what the client learnt.)
    let fork = h.fork();
    let again = fork.get("okx", &url("/b"), &[], |_, _| None).unwrap_err();
    assert_eq!(fork.request_count(), 0, "nothing sent");
    let want = format!("okx: not tried (/b): 127.0.0.1:{port} did not accept a connection within 0.3 s in an earlier request (2 attempts)");
    assert_eq!(again.message, want);
}

// Hostile stand-ins (issue 19: B1, B3, D13, E1, E3, E9). No assertion below is on the clock:
// each checks what the client says and does.

fn no_decoder(_: u16, _: &[u8]) -> Option<String> {
    None
}

/// Reads one request's head from `s`.
fn read_head(s: &TcpStream) {
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut line = String::new();
    while r.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
        line.clear();
    }
}

/// A server on 127.0.0.1 handing each connection to `each` on a thread of its own; its base URL.
fn serve(each: fn(TcpStream)) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            std::thread::spawn(move || each(s));
        }
    });
    base
}

/// A server whose every answer promises 50,000 bytes and sends one every 50 ms, for at most
/// 5 s (so the unfixed client, which waited for the whole trickle, also ends).
fn trickling() -> String {
    serve(|mut s| {
        read_head(&s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 50000\r\n\r\n[");
        for _ in 0..100 {
            std::thread::sleep(Duration::from_millis(50));
            if s.write_all(b" ").and_then(|()| s.flush()).is_err() {
                return;
            }
        }
    })
}

/// A server that accepts every connection and never answers (each is held for at most 10 s).
fn silent() -> String {
    serve(|s| {
        std::thread::sleep(Duration::from_secs(10));
        drop(s);
    })
}

#[test]
fn a_trickling_body_fails_within_the_total_timeout() {
    let base = trickling();
    let e = http(0, 300).get("binance", &format!("{base}/fapi/v1/klines"), &[], no_decoder).unwrap_err();
    assert!(
        e.message
            .starts_with("binance: no complete answer within 0.3 s (the body was still arriving) (/fapi/v1/klines)"),
        "{}",
        e.message
    );
}

#[test]
fn a_host_that_never_answers_is_remembered_like_one_that_does_not_accept() {
    let base = silent();
    let h = http(1, 200);
    let e = h.get("okx", &format!("{base}/api/v5/public/instruments"), &[], no_decoder).unwrap_err();
    assert!(
        e.message.contains("no answer within 0.2 s (timed out)") && e.message.contains("gave up after 2 attempts"),
        "{}",
        e.message
    );
    assert_eq!(h.request_count(), 2);
    // The next request to that host is not sent at all.
    let e = h.get("okx", &format!("{base}/api/v5/market/candles"), &[], no_decoder).unwrap_err();
    assert!(
        e.message.contains("not tried (/api/v5/market/candles)")
            && e.message.contains("did not answer within 0.2 s in an earlier request (2 attempts)"),
        "{}",
        e.message
    );
    assert_eq!(h.request_count(), 2);
}

#[test]
fn redirects_to_another_host_are_refused_naming_it() {
    let srv = MockServer::start();
    let other = MockServer::start();
    other.route("GET", "/x", vec![Reply::json("[1]")]);
    srv.route("GET", "/x", vec![Reply::json("").status(302).header("Location", &format!("{}/x", other.base))]);
    srv.route("GET", "/gone", vec![Reply::json("").status(307).header("Location", "http://127.0.0.1:9/x")]);
    srv.route("GET", "/here", vec![Reply::json("").status(302).header("Location", "/x2")]);
    srv.route("GET", "/x2", vec![Reply::json("[2]")]);
    let h = http(0, 2000);
    let e = h.get("binance", &format!("{}/x", srv.base), &[], no_decoder).unwrap_err();
    let to = other.base.trim_start_matches("http://");
    assert!(e.message.contains(&format!("redirected to another host, {to}: not followed")), "{}", e.message);
    assert!(other.seen_path("/x").is_empty());
    let e = h.get("binance", &format!("{}/gone", srv.base), &[], no_decoder).unwrap_err();
    assert!(e.message.contains("127.0.0.1:9"), "{}", e.message);
    // On the venue's own host a redirect is followed.
    assert_eq!(h.get("binance", &format!("{}/here", srv.base), &[], no_decoder).unwrap(), b"[2]");
}

#[test]
fn an_html_page_is_named_and_a_status_shows_once() {
    let srv = MockServer::start();
    let page = |status: u16| Reply {
        status,
        headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
        body: b"<html>login</html>".to_vec(),
        delay: Duration::ZERO,
    };
    srv.route("GET", "/portal", vec![page(200)]);
    srv.route("GET", "/ban", vec![page(403)]);
    let h = http(0, 2000);
    let e = h.get("bybit", &format!("{}/portal", srv.base), &[], no_decoder).unwrap_err();
    assert!(e.message.starts_with("bybit: /portal answered with an HTML page (text/html), not JSON"), "{}", e.message);
    let e = h.get("bybit", &format!("{}/ban", srv.base), &[], no_decoder).unwrap_err();
    assert!(e.message.contains("(HTTP 403)") && !e.message.contains("HTTP 403, HTTP 403"), "{}", e.message);
}

/// No candles at all (issue 19, E4): the message suspects this computer's clock as well as a
/// new listing, and says what the clock reads.
#[test]
fn no_candles_names_the_local_clock() {
    let server = common::fake_exchange::start(|s| {
        s.route("GET", "/fapi/v1/klines", vec![Reply::json("[]")]);
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.json");
    let r = common::liqshot([
        "fetch",
        "--symbol",
        "BTC",
        "--exchange",
        "binance",
        "--binance-url",
        &server.base,
        "--no-cache",
        "--lookback",
        "1d",
        "-o",
        common::arg(&out),
    ]);
    let line = r.one_line_error(3);
    assert!(line.contains("a new listing, or is this computer's clock ahead (it reads "), "{line}");
}
