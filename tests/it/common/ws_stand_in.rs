//! A websocket stand-in for a venue's stream on 127.0.0.1 (tungstenite's server side): each
//! connection plays the next script (send text, send a ping and wait for its pong, end the
//! connection without a websocket close), then, after the last script, calls `on_done` and keeps the connection
//! open, reading until the client closes. It logs what the client sent (its request path,
//! text frames, pongs). After the last scripted connection it stops listening.
#![allow(dead_code)]

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tungstenite::handshake::server::{Request, Response};
use tungstenite::Message;

/// One step of a connection's script.
#[derive(Clone, Debug)]
pub enum Step {
    /// Send a text frame.
    Text(String),
    /// Send a ping with this payload and wait (up to 10 s) for the pong.
    Ping(Vec<u8>),
    /// Wait (up to 10 s) for a text frame from the client that contains this.
    Expect(String),
    /// End the TCP connection without a websocket close (a connection lost mid-stream), after the
    /// frames already sent.
    Drop,
}

/// What the clients did.
#[derive(Clone, Debug, Default)]
pub struct Log {
    pub connections: usize,
    pub paths: Vec<String>,
    pub texts: Vec<String>,
    pub pongs: Vec<Vec<u8>>,
    /// Connections whose client sent a websocket close.
    pub closed_by_client: usize,
}

pub struct StandIn {
    pub url: String,
    pub port: u16,
    pub log: Arc<Mutex<Log>>,
    thread: Option<JoinHandle<()>>,
}

impl StandIn {
    /// Starts serving `scripts` (one per connection, in order) at `path` (the URL's path);
    /// `on_done` runs when the last script is through.
    pub fn start(path: &str, scripts: Vec<Vec<Step>>, on_done: impl FnOnce() + Send + 'static) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let log: Arc<Mutex<Log>> = Arc::default();
        let l = log.clone();
        let thread = std::thread::spawn(move || {
            let mut on_done = Some(on_done);
            let n = scripts.len();
            for (i, script) in scripts.into_iter().enumerate() {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let last = i + 1 == n;
                let done = if last { on_done.take() } else { None };
                serve(stream, script, last, done, &l);
            }
        });
        StandIn { url: format!("ws://127.0.0.1:{port}{path}"), port, log, thread: Some(thread) }
    }

    /// Like [`start`](Self::start), but the port also answers plain HTTP by passing it to
    /// `http` (`host:port` of a REST stand-in), so one address is both the venue's stream and
    /// its REST API, as for the cache one server. Serves until the test ends.
    pub fn start_beside(http: &str, path: &str, scripts: Vec<Vec<Step>>) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let log: Arc<Mutex<Log>> = Arc::default();
        let (l, http) = (log.clone(), http.to_string());
        std::thread::spawn(move || {
            let mut scripts = scripts.into_iter().peekable();
            for stream in listener.incoming().flatten() {
                let mut head = [0u8; 2048];
                let n = peek_head(&stream, &mut head);
                let upgrade = String::from_utf8_lossy(&head[..n]).to_ascii_lowercase().contains("upgrade: websocket");
                if !upgrade {
                    let http = http.clone();
                    std::thread::spawn(move || proxy(stream, &http));
                    continue;
                }
                let Some(script) = scripts.next() else {
                    continue;
                };
                let last = scripts.peek().is_none();
                let l = l.clone();
                stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                std::thread::spawn(move || serve(stream, script, last, None::<fn()>, &l));
            }
        });
        StandIn { url: format!("ws://127.0.0.1:{port}{path}"), port, log, thread: None }
    }

    pub fn log(&self) -> Log {
        self.log.lock().unwrap().clone()
    }

    /// Waits until every scripted connection ended and the port is free again.
    pub fn join(mut self) -> Log {
        if let Some(t) = self.thread.take() {
            t.join().expect("stand-in thread");
        }
        self.log()
    }
}

#[allow(clippy::result_large_err)] // tungstenite's handshake callback returns its own large error type
fn serve(stream: std::net::TcpStream, script: Vec<Step>, last: bool, on_done: Option<impl FnOnce()>, log: &Mutex<Log>) {
    let mut path = String::new();
    let callback = |req: &Request, resp: Response| {
        path = req.uri().to_string();
        Ok(resp)
    };
    let Ok(mut ws) = tungstenite::accept_hdr(stream, callback) else {
        return;
    };
    {
        let mut l = log.lock().unwrap();
        l.connections += 1;
        l.paths.push(path);
    }
    let record = |m: &Message| match m {
        Message::Text(t) => log.lock().unwrap().texts.push(t.to_string()),
        Message::Pong(p) => log.lock().unwrap().pongs.push(p.to_vec()),
        Message::Close(_) => log.lock().unwrap().closed_by_client += 1,
        _ => {}
    };
    for step in script {
        match step {
            Step::Text(t) => ws.send(Message::text(t)).expect("stand-in send"),
            Step::Ping(p) => {
                ws.send(Message::Ping(p.into())).expect("stand-in ping");
                loop {
                    let m = ws.read().expect("a pong within 10 s");
                    record(&m);
                    if matches!(m, Message::Pong(_)) {
                        break;
                    }
                }
            }
            Step::Expect(want) => loop {
                let m = ws.read().expect("a text frame within 10 s");
                record(&m);
                if matches!(&m, Message::Text(t) if t.contains(want.as_str())) {
                    break;
                }
            },
            Step::Drop => {
                // The frames sent arrive first: end the stream (FIN), then read and drop what the
                // client still sends (its subscription, its pings) until it closes. Closing with
                // unread input would send a reset, which can overtake the last frames in the
                // client's receive queue and make the test depend on which read comes first.
                let s = ws.get_mut();
                let _ = s.shutdown(std::net::Shutdown::Write);
                let mut sink = [0u8; 4096];
                while matches!(std::io::Read::read(s, &mut sink), Ok(n) if n > 0) {}
                return;
            }
        }
    }
    if !last {
        return;
    }
    if let Some(f) = on_done {
        f();
    }
    // Silent until the client closes (or 10 s without anything from it).
    loop {
        match ws.read() {
            Ok(m) => {
                let close = matches!(m, Message::Close(_));
                record(&m);
                if close {
                    let _ = ws.flush();
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

/// Copies bytes both ways between `client` and a new connection to `to`.
fn proxy(client: std::net::TcpStream, to: &str) {
    let Ok(server) = std::net::TcpStream::connect(to) else {
        return;
    };
    let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c_read, &mut s_write);
        let _ = s_write.shutdown(std::net::Shutdown::Write);
    });
    let (mut s_read, mut c_write) = (server, client);
    let _ = std::io::copy(&mut s_read, &mut c_write);
    let _ = c_write.shutdown(std::net::Shutdown::Write);
    let _ = up.join();
}

/// Peeks at a request's head (up to its blank line, or as much as `buf` holds; 10 s at most).
fn peek_head(stream: &std::net::TcpStream, buf: &mut [u8]) -> usize {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut n = 0;
    for _ in 0..1000 {
        n = stream.peek(buf).unwrap_or(0);
        if n == 0 || n == buf.len() || buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    n
}
