//! Load generator for `nettx serve` (tests/load/server.sh runs it).
//!
//! Mints N tokens first (unique `jti`, ES384 or RS384, `kid`, 5-minute `exp`,
//! `aud` = base URL + path), then sends N `patient-view` calls over C
//! keep-alive HTTP/1.1 connections, each with its own `hookInstance` and the
//! 30-resource prefetch record of `load-record.json`. Only the calls are
//! timed: minting, reading the record and opening the connections are not.
//!
//! ```text
//! cargo run --release -p nettx-server --example load -- \
//!     --url http://127.0.0.1:8080 --alg es384 -n 20000 -c 64 --ok-file ok.txt
//! ```
//!
//! Prints throughput, p50/p99/max latency, the status counts and the errors,
//! then one JSON line with the same figures; writes the `hookInstance` of
//! every call answered 200 (with cards) to `--ok-file`, one a line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PATH: &str = "/cds-services/intestinal-net-treatment";
const USAGE: &str = "usage: load --url http://HOST:PORT [--base-url URL] [--alg es384|rs384]
            [--key PEM] [--kid KID] [--iss ISS] [-n CALLS] [-c CONNECTIONS]
            [--threads T] [--record FILE] [--patient ID] [--timeout-ms MS]
            [--ok-file FILE] [--latency-file FILE] [--exp-seconds S]
defaults: --alg es384, the test keys of crates/nettx-server/tests/keys, --iss
https://ehr.test.nettx, -n 20000, -c 64, --threads 1, --record the example's
load-record.json (patient pt-load-1), --timeout-ms 30000, --exp-seconds 300
(each token's exp is now + this at minting)";

struct Args {
    url: String,
    base_url: Option<String>,
    alg: Algorithm,
    key: Option<String>,
    kid: Option<String>,
    iss: String,
    n: usize,
    c: usize,
    threads: usize,
    record: String,
    patient: String,
    timeout: Duration,
    ok_file: Option<String>,
    latency_file: Option<String>,
    exp_seconds: u64,
}

fn parse_args() -> Result<Args, String> {
    let here = env!("CARGO_MANIFEST_DIR");
    let mut a = Args {
        url: String::new(),
        base_url: None,
        alg: Algorithm::ES384,
        key: None,
        kid: None,
        iss: "https://ehr.test.nettx".into(),
        n: 20_000,
        c: 64,
        threads: 1,
        record: format!("{here}/examples/load-record.json"),
        patient: "pt-load-1".into(),
        timeout: Duration::from_secs(30),
        ok_file: None,
        latency_file: None,
        exp_seconds: 300,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.into());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = |v: &str| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{flag}: `{v}` is not a positive number"))
        };
        match flag.as_str() {
            "--url" => a.url = value,
            "--base-url" => a.base_url = Some(value),
            "--alg" => {
                a.alg = match value.to_ascii_lowercase().as_str() {
                    "es384" => Algorithm::ES384,
                    "rs384" => Algorithm::RS384,
                    _ => return Err(format!("--alg: es384 or rs384, not `{value}`")),
                }
            }
            "--key" => a.key = Some(value),
            "--kid" => a.kid = Some(value),
            "--iss" => a.iss = value,
            "-n" => a.n = number(&value)?,
            "-c" => a.c = number(&value)?,
            "--threads" => a.threads = number(&value)?,
            "--record" => a.record = value,
            "--patient" => a.patient = value,
            "--timeout-ms" => a.timeout = Duration::from_millis(number(&value)? as u64),
            "--ok-file" => a.ok_file = Some(value),
            "--latency-file" => a.latency_file = Some(value),
            "--exp-seconds" => a.exp_seconds = number(&value)? as u64,
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    if a.url.is_empty() {
        return Err(format!("--url is required\n{USAGE}"));
    }
    Ok(a)
}

/// splitmix64: enough for ids that must differ, not for secrets.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A UUID-shaped (version 4 layout) id from a seed and a counter.
fn uuid_like(seed: u64, i: u64) -> String {
    let hi = mix(seed ^ mix(i));
    let lo = mix(hi ^ i.rotate_left(17));
    let hi = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000;
    let lo = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

#[derive(serde::Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: u64,
    iat: u64,
    jti: String,
}

struct Call {
    token: String,
    hook_instance: String,
}

fn mint(args: &Args, audience: &str, seed: u64) -> Result<Vec<Call>, String> {
    let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");
    let (default_key, default_kid) = match args.alg {
        Algorithm::RS384 => ("rs384-private.pem", "test-rs384"),
        _ => ("es384-private.pem", "test-es384"),
    };
    let key_path = args
        .key
        .clone()
        .unwrap_or_else(|| format!("{keys}/{default_key}"));
    let pem = std::fs::read(&key_path).map_err(|e| format!("{key_path}: {e}"))?;
    let key = match args.alg {
        Algorithm::RS384 => EncodingKey::from_rsa_pem(&pem),
        _ => EncodingKey::from_ec_pem(&pem),
    }
    .map_err(|e| format!("{key_path}: {e}"))?;
    let mut header = Header::new(args.alg);
    header.kid = Some(args.kid.clone().unwrap_or_else(|| default_kid.into()));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = args.n.div_ceil(workers);
    let results: Vec<Result<Vec<Call>, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (header, key, iss) = (&header, &key, args.iss.as_str());
                let range = (w * per).min(args.n)..((w + 1) * per).min(args.n);
                s.spawn(move || {
                    range
                        .map(|i| {
                            let claims = Claims {
                                iss,
                                sub: "load-generator",
                                aud: audience,
                                exp: now + args.exp_seconds,
                                iat: now,
                                jti: uuid_like(seed, 2 * i as u64),
                            };
                            let token = jsonwebtoken::encode(header, &claims, key)
                                .map_err(|e| format!("signing: {e}"))?;
                            Ok(Call {
                                token,
                                hook_instance: uuid_like(seed, 2 * i as u64 + 1),
                            })
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a minting thread panicked".into()))
            })
            .collect()
    });
    let mut calls = Vec::with_capacity(args.n);
    for r in results {
        calls.extend(r?);
    }
    Ok(calls)
}

#[derive(Default)]
struct Tally {
    status: BTreeMap<u16, u64>,
    errors: BTreeMap<String, u64>,
    ok: Vec<usize>,
    /// (connection, µs from the start to the call's start, latency in µs)
    /// of every answered call.
    samples: Vec<(u32, u32, u32)>,
}

/// One keep-alive HTTP/1.1 connection: requests written whole from a
/// reused buffer, responses read into another and parsed by httparse. Lean
/// on purpose: the generator shares the server's two cores, and what it
/// spends is taken from the server.
struct Conn {
    stream: tokio::net::TcpStream,
    out: Vec<u8>,
    input: Vec<u8>,
}

async fn connect(addr: SocketAddr) -> Result<Conn, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {}", e.kind()))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    Ok(Conn {
        stream,
        out: Vec::with_capacity(32 * 1024),
        input: Vec::with_capacity(16 * 1024),
    })
}

struct Shared {
    calls: Vec<Call>,
    next: AtomicUsize,
    addr: SocketAddr,
    host: String,
    body_head: String,
    body_tail: String,
    timeout: Duration,
}

/// What a call got: the status, whether the body is cards, and whether the
/// connection may be used again.
struct Answer {
    status: u16,
    cards: bool,
    keep_alive: bool,
}

async fn one(shared: &Shared, conn: &mut Conn, call: &Call) -> Result<Answer, String> {
    let length = shared.body_head.len() + call.hook_instance.len() + shared.body_tail.len();
    conn.out.clear();
    write!(
        conn.out,
        "POST {PATH} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nAuthorization: Bearer {}\r\nContent-Length: {length}\r\n\r\n",
        shared.host, call.token
    )
    .map_err(|e| format!("request: {e}"))?;
    conn.out.extend_from_slice(shared.body_head.as_bytes());
    conn.out.extend_from_slice(call.hook_instance.as_bytes());
    conn.out.extend_from_slice(shared.body_tail.as_bytes());
    conn.stream
        .write_all(&conn.out)
        .await
        .map_err(|e| format!("send: {}", e.kind()))?;
    conn.input.clear();
    // The head, then the body to its Content-Length.
    let (head, status, body_length, keep_alive) = loop {
        read_more(conn).await?;
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut response = httparse::Response::new(&mut headers);
        match response.parse(&conn.input) {
            Ok(httparse::Status::Complete(head)) => {
                let status = response.code.unwrap_or(0);
                let header = |name: &str| {
                    response
                        .headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .map(|h| h.value)
                };
                let body_length = header("content-length")
                    .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<usize>().ok())
                    .ok_or("response: no Content-Length")?;
                let close = header("connection").is_some_and(|v| v.eq_ignore_ascii_case(b"close"));
                break (head, status, body_length, !close);
            }
            Ok(httparse::Status::Partial) => {}
            Err(e) => return Err(format!("response: {e}")),
        }
    };
    while conn.input.len() < head + body_length {
        read_more(conn).await?;
    }
    let body = conn.input.get(head..head + body_length).unwrap_or_default();
    Ok(Answer {
        status,
        cards: body.starts_with(b"{\"cards\":"),
        keep_alive,
    })
}

/// Reads what the connection has into `conn.input`; an error at its end.
async fn read_more(conn: &mut Conn) -> Result<(), String> {
    conn.input.reserve(16 * 1024);
    match conn.stream.read_buf(&mut conn.input).await {
        Ok(0) => Err("connection closed before the response".into()),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("receive: {}", e.kind())),
    }
}

async fn worker(shared: Arc<Shared>, first: Option<Conn>, connection: u32, t0: Instant) -> Tally {
    let mut tally = Tally::default();
    let mut sender = first;
    loop {
        let i = shared.next.fetch_add(1, Ordering::Relaxed);
        let Some(call) = shared.calls.get(i) else {
            break;
        };
        let start = Instant::now();
        let mut s = match sender.take() {
            Some(s) => s,
            None => match connect(shared.addr).await {
                Ok(s) => s,
                Err(e) => {
                    *tally.errors.entry(e).or_default() += 1;
                    continue;
                }
            },
        };
        match tokio::time::timeout(shared.timeout, one(&shared, &mut s, call)).await {
            Ok(Ok(Answer {
                status,
                cards,
                keep_alive,
            })) => {
                let latency = start.elapsed().as_micros().min(u32::MAX as u128) as u32;
                let at = start.duration_since(t0).as_micros().min(u32::MAX as u128) as u32;
                tally.samples.push((connection, at, latency));
                *tally.status.entry(status).or_default() += 1;
                if status == 200 {
                    if cards {
                        tally.ok.push(i);
                    } else {
                        *tally.errors.entry("200 without cards".into()).or_default() += 1;
                    }
                }
                if keep_alive {
                    sender = Some(s);
                }
            }
            Ok(Err(e)) => *tally.errors.entry(e).or_default() += 1,
            Err(_) => *tally.errors.entry("timeout".into()).or_default() += 1,
        }
    }
    tally
}

/// This process's CPU time (user + system) so far, from /proc/self/stat
/// (Linux; `None` elsewhere).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(ticks as f64 / 100.0)
}

/// All CPUs' busy and steal time so far, in seconds, from /proc/stat (to
/// tell what other processes took during the run).
fn system_seconds() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = cpu
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal
    let busy = v.first()? + v.get(1)? + v.get(2)? + v.get(5)? + v.get(6)?;
    Some((busy as f64 / 100.0, *v.get(7)? as f64 / 100.0))
}

/// Writes `lines` to the file at `path`, one a line.
fn write_lines(path: &str, lines: impl IntoIterator<Item = String>) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{path}: {e}");
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(fail)?);
    for line in lines {
        writeln!(out, "{line}").map_err(fail)?;
    }
    out.flush().map_err(fail)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    let idx = rank.clamp(1, sorted.len()) - 1;
    sorted.get(idx).copied().unwrap_or(0) as f64 / 1000.0
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(args) {
        eprintln!("load: {e}");
        std::process::exit(2);
    }
}

fn run(args: Args) -> Result<(), String> {
    let rest = args
        .url
        .strip_prefix("http://")
        .ok_or("--url must be http://HOST:PORT (the generator speaks plain HTTP/1.1)")?
        .trim_end_matches('/');
    let addr: SocketAddr = rest
        .parse()
        .map_err(|_| format!("--url: `{rest}` is not ip:port"))?;
    let base = args
        .base_url
        .clone()
        .unwrap_or_else(|| args.url.trim_end_matches('/').to_owned());
    let audience = format!("{base}{PATH}");
    let record =
        std::fs::read_to_string(&args.record).map_err(|e| format!("{}: {e}", args.record))?;
    let record = record.trim();
    let seed = mix(SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        ^ u64::from(std::process::id()).rotate_left(32));

    let t = Instant::now();
    let calls = mint(&args, &audience, seed)?;
    let alg = format!("{:?}", args.alg);
    eprintln!(
        "minted {} {alg} tokens in {:.2} s (not timed); aud {audience}",
        calls.len(),
        t.elapsed().as_secs_f64()
    );
    let body_head = String::from("{\"hook\":\"patient-view\",\"hookInstance\":\"");
    let body_tail = format!(
        "\",\"fhirServer\":\"https://ehr.example.org/fhir\",\"context\":{{\"userId\":\"Practitioner/load\",\"patientId\":\"{}\"}},\"prefetch\":{record}}}",
        args.patient
    );
    eprintln!(
        "request body {} bytes (record {} bytes)",
        body_head.len() + 36 + body_tail.len(),
        record.len()
    );
    let shared = Arc::new(Shared {
        calls,
        next: AtomicUsize::new(0),
        addr,
        host: rest.to_owned(),
        body_head,
        body_tail,
        timeout: args.timeout,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let (tallies, seconds, load_cpu, started, system) = runtime.block_on(async {
        let mut senders = Vec::with_capacity(args.c);
        for _ in 0..args.c {
            senders.push(connect(addr).await?);
        }
        let cpu_before = cpu_seconds();
        let system_before = system_seconds();
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let start = Instant::now();
        let handles: Vec<_> = senders
            .into_iter()
            .enumerate()
            .map(|(i, s)| tokio::spawn(worker(shared.clone(), Some(s), i as u32, start)))
            .collect();
        let mut tallies = Vec::with_capacity(handles.len());
        for h in handles {
            tallies.push(h.await.map_err(|e| format!("a worker failed: {e}"))?);
        }
        let seconds = start.elapsed().as_secs_f64();
        let cpu = cpu_before.zip(cpu_seconds()).map(|(a, b)| b - a);
        let system = system_before
            .zip(system_seconds())
            .map(|(a, b)| (b.0 - a.0, b.1 - a.1));
        Ok::<_, String>((tallies, seconds, cpu, started, system))
    })?;

    let mut all = Tally::default();
    for t in tallies {
        for (k, v) in t.status {
            *all.status.entry(k).or_default() += v;
        }
        for (k, v) in t.errors {
            *all.errors.entry(k).or_default() += v;
        }
        all.ok.extend(t.ok);
        all.samples.extend(t.samples);
    }
    let mut latencies_us: Vec<u32> = all.samples.iter().map(|s| s.2).collect();
    latencies_us.sort_unstable();
    let answered = latencies_us.len();
    let errors: u64 = all.errors.values().sum();
    let rps = answered as f64 / seconds;
    let (p50, p99, max) = (
        percentile(&latencies_us, 50.0),
        percentile(&latencies_us, 99.0),
        latencies_us.last().copied().unwrap_or(0) as f64 / 1000.0,
    );
    println!(
        "{alg}: {} calls, {} connections, {:.2} s: {rps:.0} calls/s; latency p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms",
        shared.calls.len(),
        args.c,
        seconds
    );
    let status: Vec<String> = all
        .status
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    println!(
        "status: {}",
        if status.is_empty() {
            "none".into()
        } else {
            status.join(", ")
        }
    );
    println!("errors: {errors}");
    if let Some(cpu) = load_cpu {
        println!(
            "load generator CPU during the run: {cpu:.2} s ({:.0} µs per call)",
            cpu * 1e6 / shared.calls.len() as f64
        );
    }
    for (e, n) in &all.errors {
        println!("  {n} × {e}");
    }
    if let Some(path) = &args.latency_file {
        all.samples.sort_unstable_by_key(|s| s.1);
        let rows = all.samples.iter().map(|(c, at, l)| format!("{c} {at} {l}"));
        write_lines(
            path,
            std::iter::once("connection start_us latency_us".to_owned()).chain(rows),
        )?;
    }
    if let Some(path) = &args.ok_file {
        let ids = all.ok.iter().filter_map(|&i| shared.calls.get(i));
        write_lines(path, ids.map(|call| call.hook_instance.clone()))?;
    }
    let summary = serde_json::json!({
        "alg": alg,
        "calls": shared.calls.len(),
        "connections": args.c,
        "seconds": seconds,
        "calls_per_second": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "max_ms": max,
        "status": all.status.iter().map(|(k, v)| (k.to_string(), *v)).collect::<BTreeMap<_, _>>(),
        "ok_with_cards": all.ok.len(),
        "errors": errors,
        "load_cpu_seconds": load_cpu,
        "started_unix_ms": started,
        "system_busy_seconds": system.map(|s| s.0),
        "steal_seconds": system.map(|s| s.1),
    });
    println!("{summary}");
    Ok(())
}
