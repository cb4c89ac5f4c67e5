//! A small HTTP/1.1 server on 127.0.0.1 for the tests, built on std::net, that can
//! misbehave in the ways real servers do. Each route's reply can be changed while
//! it runs (to show drift). It stops when dropped.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

#[derive(Clone)]
pub enum Reply {
    /// 200 with this content type and body.
    Ok(&'static str, Vec<u8>),
    /// 200 with these headers and body.
    With(Vec<(&'static str, &'static str)>, Vec<u8>),
    /// 200, the body sent in two chunks with `Transfer-Encoding: chunked`.
    Chunked(&'static str, Vec<u8>),
    /// This status with a short HTML body.
    Status(u16),
    /// A redirect with this status to this location.
    Redirect(u16, String),
    /// Headers promising `claimed` bytes, then `body`, then close.
    ShortBody { claimed: usize, body: Vec<u8> },
    /// 200, then one byte every `every`, forever.
    Drip(Duration),
    /// Accepts the connection and never answers.
    Hang,
    /// 200 with no Content-Length, streaming `total` bytes of 'x'.
    Endless { total: u64 },
}

pub struct Server {
    pub port: u16,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    stop: Arc<AtomicBool>,
    /// Every request line seen, with its headers: to check what the client sent.
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let (r, s, q) = (routes.clone(), stop.clone(), requests.clone());
        thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (r, s, q) = (r.clone(), s.clone(), q.clone());
                        thread::spawn(move || serve(stream, &r, &s, &q));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            port,
            routes,
            stop,
            requests,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn route(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(path.to_string(), reply);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(
    stream: TcpStream,
    routes: &Mutex<HashMap<String, Reply>>,
    stop: &AtomicBool,
    requests: &Mutex<Vec<String>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    requests.lock().unwrap().push(head.clone());
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let reply = routes
        .lock()
        .unwrap()
        .get(&path)
        .cloned()
        .unwrap_or(Reply::Status(404));
    let mut out = stream;
    let _ = match reply {
        Reply::Ok(ct, body) => write_response(&mut out, "200 OK", &[("Content-Type", ct)], &body),
        Reply::With(headers, body) => write_response(&mut out, "200 OK", &headers, &body),
        Reply::Chunked(ct, body) => {
            let (a, b) = body.split_at(body.len() / 2);
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
            let chunks = format!("{:x}\r\n", a.len())
                .into_bytes()
                .into_iter()
                .chain(a.iter().copied())
                .chain(format!("\r\n{:x}\r\n", b.len()).into_bytes())
                .chain(b.iter().copied())
                .chain(b"\r\n0\r\n\r\n".iter().copied())
                .collect::<Vec<u8>>();
            out.write_all(head.as_bytes())
                .and_then(|_| out.write_all(&chunks))
        }
        Reply::Status(code) => {
            let body = format!("<html><body><h1>{code}</h1></body></html>");
            write_response(
                &mut out,
                &format!("{code} Status"),
                &[("Content-Type", "text/html")],
                body.as_bytes(),
            )
        }
        Reply::Redirect(code, to) => write_response(
            &mut out,
            &format!("{code} Redirect"),
            &[("Location", &to)],
            b"",
        ),
        Reply::ShortBody { claimed, body } => {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {claimed}\r\nConnection: close\r\n\r\n");
            out.write_all(head.as_bytes())
                .and_then(|_| out.write_all(&body))
        }
        Reply::Drip(every) => {
            let _ = out.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n",
            );
            while !stop.load(Ordering::Relaxed) {
                if out.write_all(b"x").is_err() {
                    break;
                }
                thread::sleep(every);
            }
            Ok(())
        }
        Reply::Hang => {
            while !stop.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_millis(50));
            }
            Ok(())
        }
        Reply::Endless { total } => {
            let _ = out.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n");
            let chunk = vec![b'x'; 64 * 1024];
            let mut sent = 0;
            while sent < total && !stop.load(Ordering::Relaxed) {
                if out.write_all(&chunk).is_err() {
                    break;
                }
                sent += chunk.len() as u64;
            }
            Ok(())
        }
    };
    let _ = out.shutdown(Shutdown::Both);
}

fn write_response(
    out: &mut TcpStream,
    status: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    out.write_all(head.as_bytes())?;
    out.write_all(body)
}
