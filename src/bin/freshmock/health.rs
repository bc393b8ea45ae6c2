//! `freshmock health`: asks a running server's `GET /_freshmock/health` whether it is ready.
//!
//! A container image holds only this binary (no shell, no curl), so its HEALTHCHECK runs
//! this. One HTTP/1.1 GET over a std `TcpStream` is all it takes; a full HTTP client would
//! add more to the binary than the whole command is worth.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use serde_json::Value;

/// How long the server may take to accept, and then to answer.
const TIMEOUT: Duration = Duration::from_secs(5);
/// The health path, under the server's URL.
const PATH: &str = "/_freshmock/health";
/// The most of an answer read (the health document is a few hundred bytes).
const MAX_ANSWER: u64 = 1024 * 1024;

/// The URL `health` asks when given none: this machine, at the port `serve` would use.
/// A wildcard or loopback host is asked on loopback.
pub fn default_url(host: &str, port: u16) -> String {
    let host = match host {
        "0.0.0.0" | "127.0.0.1" | "localhost" | "" => "127.0.0.1",
        "::" | "[::]" | "::1" | "[::1]" => "[::1]",
        other if other.contains(':') && !other.starts_with('[') => {
            return format!("http://[{other}]:{port}")
        }
        other => other,
    };
    format!("http://{host}:{port}")
}

/// Asks the server; `Ok` with a one-line summary when ready, `Err` with the one-line
/// reason otherwise.
pub fn check(url: &str, token: Option<&str>) -> Result<String, String> {
    let target = Target::parse(url)?;
    let addr = target.resolve()?;
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT)
        .map_err(|e| format!("{url} is not answering: {}", describe(&e)))?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(TIMEOUT)))
        .map_err(|e| format!("{url}: {e}"))?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "GET {}{PATH} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n{auth}Connection: close\r\nUser-Agent: freshmock-health\r\n\r\n",
        target.prefix, target.authority
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("{url}: cannot send the request: {}", describe(&e)))?;
    let mut raw = Vec::new();
    stream
        .take(MAX_ANSWER)
        .read_to_end(&mut raw)
        .map_err(|e| format!("{url} did not answer: {}", describe(&e)))?;
    let answer = Answer::parse(&raw).ok_or_else(|| format!("{url} did not answer in HTTP"))?;
    verdict(&answer)
}

/// Ready, indexing or refused, from the health answer.
fn verdict(answer: &Answer) -> Result<String, String> {
    let doc: Option<Value> = serde_json::from_slice(&answer.body).ok();
    if answer.status != 200 {
        let why = doc
            .as_ref()
            .and_then(|d| {
                Some(format!(
                    "{}: {}",
                    d.get("code")?.as_str()?,
                    d.get("message")?.as_str()?
                ))
            })
            .or_else(|| answer.reason.clone())
            .unwrap_or_else(|| String::from_utf8_lossy(&answer.body).trim().to_owned());
        return Err(format!("answered {} ({why})", answer.status));
    }
    let doc = doc.ok_or("answered 200 without a health document: is this freshmock?")?;
    let list = |key: &str| -> String {
        doc[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    match doc["status"].as_str() {
        Some("ready") => Ok(format!(
            "ready: {} articles indexed in {}",
            doc["articles"],
            list("languages")
        )),
        Some("indexing") => Err(format!(
            "indexing: the search index is built in [{}] of [{}]",
            list("indexed"),
            list("languages")
        )),
        other => Err(format!("answered status {other:?}, not \"ready\"")),
    }
}

/// What `check` needs of a URL: `http://host[:port][/prefix]`.
#[derive(Debug, PartialEq)]
struct Target {
    host: String,
    port: u16,
    authority: String,
    prefix: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{url}: only http:// URLs are supported"))?;
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => (
                host,
                port.parse()
                    .map_err(|_| format!("{url}: '{port}' is not a port"))?,
            ),
            _ => (authority, 80),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("{url}: no host"));
        }
        Ok(Target {
            host: host.to_owned(),
            port,
            authority: authority.to_owned(),
            prefix: prefix.to_owned(),
        })
    }

    /// The address to connect to. `localhost` is loopback without a name lookup: a static
    /// binary in an empty container has no /etc/hosts to look it up in.
    fn resolve(&self) -> Result<SocketAddr, String> {
        if self.host.eq_ignore_ascii_case("localhost") {
            return Ok(SocketAddr::from(([127, 0, 0, 1], self.port)));
        }
        (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {}: {e}", self.host))?
            .next()
            .ok_or_else(|| format!("cannot resolve {}: no address", self.host))
    }
}

/// The parts of an HTTP answer the verdict reads.
struct Answer {
    status: u16,
    /// `X-Freshmock-Reason`, when sent.
    reason: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn parse(raw: &[u8]) -> Option<Answer> {
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&raw[..split]).ok()?;
        let mut lines = head.split("\r\n");
        let status = lines
            .next()?
            .strip_prefix("HTTP/1.")?
            .split(' ')
            .nth(1)?
            .parse()
            .ok()?;
        let mut reason = None;
        let mut chunked = false;
        for line in lines {
            let (name, value) = line.split_once(':')?;
            let value = value.trim();
            if name.eq_ignore_ascii_case("x-freshmock-reason") {
                reason = Some(value.to_owned());
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            }
        }
        let body = &raw[split + 4..];
        let body = if chunked {
            dechunk(body)?
        } else {
            body.to_vec()
        };
        Some(Answer {
            status,
            reason,
            body,
        })
    }
}

/// The body of a `Transfer-Encoding: chunked` answer.
fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

/// An I/O error in the words a person checking a server expects.
fn describe(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::ConnectionRefused => "connection refused (is freshmock running?)".into(),
        ErrorKind::TimedOut | ErrorKind::WouldBlock => {
            format!("no answer within {} s", TIMEOUT.as_secs())
        }
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_gives_host_port_and_path_prefix() {
        let t = Target::parse("http://127.0.0.1:8787").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.prefix.as_str()),
            ("127.0.0.1", 8787, "")
        );
        let t = Target::parse("http://mock/behind/proxy/").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.prefix.as_str()),
            ("mock", 80, "/behind/proxy")
        );
        let t = Target::parse("http://[::1]:9000").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.authority.as_str()),
            ("::1", 9000, "[::1]:9000")
        );
        assert!(Target::parse("https://mock").is_err());
        assert!(Target::parse("http://mock:port").is_err());
    }

    #[test]
    fn the_default_url_asks_a_wildcard_server_on_loopback() {
        assert_eq!(default_url("0.0.0.0", 8787), "http://127.0.0.1:8787");
        assert_eq!(default_url("::", 8787), "http://[::1]:8787");
        assert_eq!(default_url("10.0.0.5", 1), "http://10.0.0.5:1");
        assert_eq!(default_url("fd00::5", 1), "http://[fd00::5]:1");
    }

    #[test]
    fn a_chunked_answer_is_read_whole() {
        let raw = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n";
        let answer = Answer::parse(raw).unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"{\"a\":1}");
    }

    #[test]
    fn the_verdict_names_indexing_and_refusals() {
        let answer = |status, body: &str| Answer {
            status,
            reason: None,
            body: body.as_bytes().to_vec(),
        };
        assert!(verdict(&answer(
            200,
            r#"{"status":"ready","articles":46,"languages":["en"]}"#
        ))
        .is_ok());
        let indexing = verdict(&answer(
            200,
            r#"{"status":"indexing","indexed":["en"],"languages":["en","fr"]}"#,
        ))
        .unwrap_err();
        assert!(indexing.starts_with("indexing"), "{indexing}");
        let refused = verdict(&answer(
            401,
            r#"{"code":"control_token_required","message":"needs a token"}"#,
        ))
        .unwrap_err();
        assert_eq!(
            refused,
            "answered 401 (control_token_required: needs a token)"
        );
    }
}
