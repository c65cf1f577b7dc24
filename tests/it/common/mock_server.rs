//! A tiny HTTP/1.1 server on 127.0.0.1 for venue-client tests: it serves canned bodies by
//! method and path (first matching route wins; a route with several responses hands them out
//! in order and repeats the last), can add latency, and records every request it saw.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One canned response.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    /// Value of query parameter `k`.
    pub fn param(&self, k: &str) -> Option<String> {
        self.query.split('&').filter_map(|kv| kv.split_once('=')).find(|(a, _)| *a == k).map(|(_, v)| v.to_string())
    }
}

/// A responder: given the request, the reply (or `None` to try the next route).
pub type Handler = Box<dyn Fn(&Seen) -> Option<Reply> + Send + Sync>;

struct Route {
    method: String,
    path: String,
    replies: Mutex<Vec<Reply>>,
    handler: Option<Handler>,
}

pub struct MockServer {
    pub base: String,
    routes: Arc<Mutex<Vec<Arc<Route>>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Latency added to every reply.
    latency: Arc<Mutex<Duration>>,
    /// (requests being answered now, the most there ever were at once).
    in_flight: Arc<Mutex<(usize, usize)>>,
}

impl MockServer {
    pub fn start() -> Self {
        Self::start_on("127.0.0.1:0")
    }

    /// Starts on `addr` (`127.0.0.1:PORT`: a port a websocket stand-in just released, so both
    /// are one server for the cache).
    pub fn start_on(addr: &str) -> Self {
        let listener = TcpListener::bind(addr).expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<Vec<Arc<Route>>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let latency = Arc::new(Mutex::new(Duration::ZERO));
        let in_flight: Arc<Mutex<(usize, usize)>> = Arc::default();
        let (r, s, l, f) = (routes.clone(), seen.clone(), latency.clone(), in_flight.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, s, l, f) = (r.clone(), s.clone(), l.clone(), f.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &r, &s, &l, &f);
                });
            }
        });
        MockServer { base, routes, seen, latency, in_flight }
    }

    /// Serves `replies` (in order, the last repeating) for `method path`.
    pub fn route(&self, method: &str, path: &str, replies: Vec<Reply>) -> &Self {
        self.routes.lock().unwrap().push(Arc::new(Route {
            method: method.into(),
            path: path.into(),
            replies: Mutex::new(replies),
            handler: None,
        }));
        self
    }

    /// Serves `method path` with a function of the request (e.g. pages by `startTime`).
    pub fn handle(
        &self,
        method: &str,
        path: &str,
        f: impl Fn(&Seen) -> Option<Reply> + Send + Sync + 'static,
    ) -> &Self {
        self.routes.lock().unwrap().push(Arc::new(Route {
            method: method.into(),
            path: path.into(),
            replies: Mutex::new(vec![]),
            handler: Some(Box::new(f)),
        }));
        self
    }

    pub fn set_latency(&self, d: Duration) {
        *self.latency.lock().unwrap() = d;
    }

    /// The most requests that were being answered at the same moment (concurrency seen).
    pub fn max_in_flight(&self) -> usize {
        self.in_flight.lock().unwrap().1
    }

    /// Requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Requests received for `path`.
    pub fn seen_path(&self, path: &str) -> Vec<Seen> {
        self.seen().into_iter().filter(|s| s.path == path).collect()
    }
}

fn serve(
    stream: TcpStream,
    routes: &Mutex<Vec<Arc<Route>>>,
    seen: &Mutex<Vec<Seen>>,
    latency: &Mutex<Duration>,
    in_flight: &Mutex<(usize, usize)>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.trim_end().split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0);
            }
            headers.push((k.to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let (path, query) =
        target.split_once('?').map(|(p, q)| (p.to_string(), q.to_string())).unwrap_or((target.clone(), String::new()));
    let req = Seen {
        method: method.clone(),
        path: path.clone(),
        query,
        body: String::from_utf8_lossy(&body).into_owned(),
        headers,
    };
    seen.lock().unwrap().push(req.clone());
    let candidates: Vec<Arc<Route>> =
        routes.lock().unwrap().iter().filter(|r| r.method == method && r.path == path).cloned().collect();
    let mut reply = None;
    for r in candidates {
        if let Some(h) = &r.handler {
            if let Some(x) = h(&req) {
                reply = Some(x);
                break;
            }
        } else {
            let mut q = r.replies.lock().unwrap();
            if !q.is_empty() {
                reply = Some(if q.len() > 1 { q.remove(0) } else { q[0].clone() });
                break;
            }
        }
    }
    let reply = reply
        .unwrap_or_else(|| Reply::json(format!("{{\"error\":\"no mock route for {method} {path}\"}}")).status(404));
    let wait = *latency.lock().unwrap() + reply.delay;
    {
        let mut f = in_flight.lock().unwrap();
        f.0 += 1;
        f.1 = f.1.max(f.0);
    }
    if !wait.is_zero() {
        std::thread::sleep(wait);
    }
    in_flight.lock().unwrap().0 -= 1;
    let mut out = stream;
    let mut head =
        format!("HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n", reply.status, reply.body.len());
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(&reply.body)?;
    out.flush()
}
