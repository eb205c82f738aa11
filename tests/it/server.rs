//! A real HTTP/1.1 server on 127.0.0.1:0 whose answers a test scripts, byte for
//! byte where needed (hangs, truncated bodies), and which records every request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Status, extra headers, body (Content-Length is added). The body is shared,
    /// so serving a 50 MB answer does not copy it (the memory figures stay the client's).
    Full { status: u16, headers: Vec<(String, String)>, body: std::sync::Arc<[u8]> },
    /// Accept the request and never answer.
    Hang,
    /// Promise `declared` bytes, send `body`, close.
    Truncated { declared: usize, body: Vec<u8> },
    /// A 200 whose body trickles out one byte every `every`.
    Drip { body: Vec<u8>, every: Duration },
    /// Accept the connection and close it without a word.
    Close,
}

impl Reply {
    pub fn json(body: &[u8]) -> Reply {
        Reply::Full {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    pub fn status(status: u16, body: &str) -> Reply {
        Reply::Full { status, headers: vec![], body: body.as_bytes().into() }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// A request as the server saw it: the request line and lower-cased headers.
#[derive(Clone, Debug)]
pub struct Seen {
    pub line: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

type Script = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

pub struct TestServer {
    pub base: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Starts a server on the current tokio runtime; `script` picks each answer.
    pub async fn start(script: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script: Script = Arc::new(script);
        let task = tokio::spawn(serve(listener, script, seen.clone()));
        TestServer { base, seen, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    pub fn stop(self) {
        self.task.abort();
    }

    /// Stops the server and returns once its listener is closed (new
    /// connections are refused from then on).
    pub async fn shut_down(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

async fn serve(listener: TcpListener, script: Script, seen: Arc<Mutex<Vec<Seen>>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        let script = script.clone();
        let seen = seen.clone();
        tokio::spawn(async move {
            let _ = answer(stream, script, seen).await;
        });
    }
}

async fn answer(mut stream: TcpStream, script: Script, seen: Arc<Mutex<Vec<Seen>>>) -> std::io::Result<()> {
    loop {
        let Some(request) = read_head(&mut stream).await? else { return Ok(()) };
        seen.lock().expect("lock").push(request.clone());
        match script(&request) {
            Reply::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Ok(());
            }
            Reply::Truncated { declared, body } => {
                let head =
                    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n");
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(&body).await?;
                return stream.shutdown().await;
            }
            Reply::Drip { body, every } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes()).await?;
                for byte in body {
                    stream.write_all(&[byte]).await?;
                    tokio::time::sleep(every).await;
                }
                return Ok(());
            }
            Reply::Close => return Ok(()),
            Reply::Full { status, headers, body } => {
                let mut head = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(&body).await?;
            }
        }
    }
}

async fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<Seen>> {
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await? == 0 {
            return Ok(None);
        }
        bytes.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.split("\r\n");
    let line = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_string()))
        .collect();
    Ok(Some(Seen { line, headers }))
}
