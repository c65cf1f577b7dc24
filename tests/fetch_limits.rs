//! The HTTP layer's limits against hostile stand-ins on 127.0.0.1 (findings B1, B3, D13, E1,
//! E3, E9 of the reliability run): a body that trickles in fails within the total timeout, a
//! host that accepts and never answers is remembered like one that does not accept, redirects
//! to another host are refused and named, HTML pages are named as such, a status shows once.
//! No assertion here is on the clock: each checks what the client says and does.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use common::mock_server::{MockServer, Reply};
use liqshot::fetch::{Http, HttpConfig};

fn http(retries: u32, timeout_ms: u64) -> Http {
    Http::new(HttpConfig {
        retries,
        backoff: Duration::from_millis(10),
        timeout: Duration::from_millis(timeout_ms),
        connect_timeout: Duration::from_millis(2000),
        max_body_bytes: 1 << 20,
        ..Default::default()
    })
    .unwrap()
}

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

/// A server whose every answer promises 100,000 bytes and sends one every 50 ms, for at most
/// 5 s (so the unfixed client, which waited for the whole trickle, also ends).
fn trickling() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            std::thread::spawn(move || {
                read_head(&s);
                let mut s = s;
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[");
                for _ in 0..100 {
                    std::thread::sleep(Duration::from_millis(50));
                    if s.write_all(b" ").and_then(|()| s.flush()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    base
}

/// A server that accepts every connection and never answers (each is held for at most 10 s).
fn silent() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(10));
                drop(s);
            });
        }
    });
    base
}

#[test]
fn a_trickling_body_fails_within_the_total_timeout() {
    let base = trickling();
    let e = http(0, 300).get("binance", &format!("{base}/fapi/v1/klines"), &[], no_decoder).unwrap_err();
    assert!(e.message.starts_with("binance: no complete answer within 0.3 s (the body was still arriving) (/fapi/v1/klines)"), "{}", e.message);
}

#[test]
fn a_host_that_never_answers_is_remembered_like_one_that_does_not_accept() {
    let base = silent();
    let h = http(1, 200);
    let e = h.get("okx", &format!("{base}/api/v5/public/instruments"), &[], no_decoder).unwrap_err();
    assert!(e.message.contains("no answer within 0.2 s (timed out)") && e.message.contains("gave up after 2 attempts"), "{}", e.message);
    assert_eq!(h.request_count(), 2);
    // The next request to that host is not sent at all.
    let e = h.get("okx", &format!("{base}/api/v5/market/candles"), &[], no_decoder).unwrap_err();
    assert!(e.message.contains("not tried (/api/v5/market/candles)") && e.message.contains("did not answer within 0.2 s in an earlier request (2 attempts)"), "{}", e.message);
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
    let page = |status: u16| Reply { status, headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())], body: b"<html>login</html>".to_vec(), delay: Duration::ZERO };
    srv.route("GET", "/portal", vec![page(200)]);
    srv.route("GET", "/ban", vec![page(403)]);
    let h = http(0, 2000);
    let e = h.get("bybit", &format!("{}/portal", srv.base), &[], no_decoder).unwrap_err();
    assert!(e.message.starts_with("bybit: /portal answered with an HTML page (text/html), not JSON"), "{}", e.message);
    let e = h.get("bybit", &format!("{}/ban", srv.base), &[], no_decoder).unwrap_err();
    assert!(e.message.contains("(HTTP 403)") && !e.message.contains("HTTP 403, HTTP 403"), "{}", e.message);
}
