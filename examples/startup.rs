//! Cold start, as `scripts/bench.sh` measures it: spawn a server, read the port from its
//! `listening on http://127.0.0.1:PORT` line, and send GETs until one is answered 200.
//! The time from spawn to that answer is the cold start; the server's memory is read
//! from `/proc/PID/status` at that moment, then the server is killed.
//!
//! ```text
//! startup [--runs N] [--path /widgets/12000000025.json] [--header 'X-Widget-Id: 1']... -- COMMAND [ARGS...]
//! startup ms=4.812 rss_kb=9120 hwm_kb=9120
//! ```
//!
//! One line per run, for the caller to interleave runs of several servers and take
//! medians. Only the standard library, so that the measuring adds as little as possible.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Longest a server may take to answer its first 200.
const TIMEOUT: Duration = Duration::from_secs(120);
/// Pause between two GETs that were not answered 200.
const RETRY: Duration = Duration::from_micros(200);

struct Options {
    runs: usize,
    path: String,
    headers: Vec<String>,
    command: Vec<String>,
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        runs: 1,
        path: "/".into(),
        headers: Vec::new(),
        command: Vec::new(),
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                options.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--runs takes a positive number")?;
            }
            "--path" => options.path = args.next().ok_or("--path takes a path")?,
            "--header" => options
                .headers
                .push(args.next().ok_or("--header takes 'Name: value'")?),
            "--" => {
                options.command = args.by_ref().collect();
            }
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    if options.command.is_empty() {
        return Err(
            "usage: startup [--runs N] [--path PATH] [--header 'NAME: VALUE']... -- COMMAND [ARGS...]"
                .into(),
        );
    }
    Ok(options)
}

/// `VmRSS` and `VmHWM` (kB) of a process.
fn memory_kb(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Status code of one GET, or `None` when the server does not answer (yet).
fn get(addr: &str, options: &Options) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(TIMEOUT)).ok()?;
    let mut request = format!("GET {} HTTP/1.1\r\nHost: {addr}\r\n", options.path);
    for header in &options.headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    request.push_str("Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// Spawns the server and waits for its first 200: (milliseconds, RSS kB, peak RSS kB).
fn one_run(options: &Options) -> Result<(f64, u64, u64), String> {
    let started = Instant::now();
    let mut child = Command::new(&options.command[0])
        .args(&options.command[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", options.command[0]))?;
    let result = wait_ready(&mut child, options, started);
    let _ = child.kill();
    let _ = child.wait();
    result
}

fn wait_ready(
    child: &mut Child,
    options: &Options,
    started: Instant,
) -> Result<(f64, u64, u64), String> {
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines
            .next()
            .ok_or("the server exited before printing its address")?
            .map_err(|e| e.to_string())?;
        if let Some((_, rest)) = line.split_once("listening on http://") {
            let addr: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
                .collect();
            break addr;
        }
    };
    // Keep reading what the server prints, so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    loop {
        if get(&addr, options) == Some(200) {
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            let (rss, hwm) = memory_kb(child.id());
            return Ok((elapsed, rss, hwm));
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the server exited ({status}) before answering 200"));
        }
        if started.elapsed() > TIMEOUT {
            return Err(format!(
                "no 200 from {addr}{} within {TIMEOUT:?}",
                options.path
            ));
        }
        std::thread::sleep(RETRY);
    }
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("startup: {e}");
            return ExitCode::from(2);
        }
    };
    for _ in 0..options.runs {
        match one_run(&options) {
            Ok((ms, rss, hwm)) => println!("startup ms={ms:.3} rss_kb={rss} hwm_kb={hwm}"),
            Err(e) => {
                eprintln!("startup: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
