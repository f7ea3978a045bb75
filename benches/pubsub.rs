//! Pub/Sub load benchmark: one publisher, 1 / 100 / 1000 subscribers on one channel, uredis
//! and a real `redis-server` side by side in the same run.
//!
//! For every subscriber count it connects the subscribers (one reader thread drains them all
//! with poll(2)), publishes with a pipelined publisher, and measures until every subscriber
//! has received every message: messages delivered per second (publishes × subscribers / time)
//! and the server's CPU time per delivered message (utime + stime from /proc). Servers run with
//! `client-output-buffer-limit pubsub 0 0 0` so a momentarily slow reader is never dropped.
//!
//! Run: `cargo bench --bench pubsub`. Options (environment):
//!   UREDIS_BENCH_PUBSUB_DELIVERIES=1000000  messages delivered per case (publishes = this / subscribers)
//!   UREDIS_BENCH_PUBSUB_SUBSCRIBERS=1,100,1000
//!   UREDIS_BENCH_PUBSUB_PAYLOAD=64          message size in bytes
//!   UREDIS_BENCH_PIPELINE=64                publishes per batch
//!   REDIS_SERVER                            path of the reference binary (default: from PATH)
//!
//! The machine is shared and the clients run on the same cores as the server: absolute figures
//! are indicative, the ratios measured in the same run are what to look at.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

mod common;
use common::{Server, env_u64, runs};

const CHANNEL: &str = "bench";

/// Sends `cmd` and reads until `lines` CRLF-terminated lines have arrived.
fn call_lines(s: &mut TcpStream, cmd: &[u8], lines: usize) -> std::io::Result<()> {
    s.write_all(cmd)?;
    let mut seen = 0;
    let mut buf = [0u8; 65536];
    while seen < lines {
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Err(std::io::Error::other("connection closed"));
        }
        seen += memchr_count(&buf[..n]);
    }
    Ok(())
}

fn memchr_count(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// Reads from every subscriber until `want` bytes in total arrived (or 120 s passed).
fn drain(subs: Vec<TcpStream>, want: u64) -> u64 {
    let mut fds: Vec<libc::pollfd> = subs
        .iter()
        .map(|s| {
            let _ = s.set_nonblocking(true);
            libc::pollfd {
                fd: s.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            }
        })
        .collect();
    let mut subs = subs;
    let mut got = 0u64;
    let mut buf = vec![0u8; 256 * 1024];
    let deadline = Instant::now() + Duration::from_secs(120);
    while got < want && Instant::now() < deadline {
        // SAFETY: `fds` is a live array of `fds.len()` pollfd structures.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 100) };
        if n <= 0 {
            continue;
        }
        for (i, p) in fds.iter_mut().enumerate() {
            if p.revents == 0 {
                continue;
            }
            p.revents = 0;
            loop {
                match subs[i].read(&mut buf) {
                    Ok(0) => {
                        p.fd = -1; // closed: stop polling it
                        break;
                    }
                    Ok(k) => got += k as u64,
                    Err(_) => break,
                }
            }
        }
    }
    got
}

struct Sample {
    delivered_per_s: f64,
    cpu_us_per_msg: f64,
}

fn run_case(
    srv: &Server,
    subscribers: usize,
    publishes: u64,
    payload: &[u8],
    pipeline: u64,
) -> Result<Sample, String> {
    let err = |e: std::io::Error| format!("{}: {e}", srv.name);
    let mut subs = Vec::with_capacity(subscribers);
    let sub_cmd = common::resp(&[b"SUBSCRIBE", CHANNEL.as_bytes()]);
    for _ in 0..subscribers {
        let mut s = srv.connect().map_err(err)?;
        // The confirmation: *3, $9, subscribe, $5, bench, :1 → 6 lines.
        call_lines(&mut s, &sub_cmd, 6).map_err(err)?;
        subs.push(s);
    }
    let frame_len = common::resp(&[b"message", CHANNEL.as_bytes(), payload]).len() as u64;
    let want = frame_len * publishes * subscribers as u64;
    let mut publisher = srv.connect().map_err(err)?;
    let one = common::resp(&[b"PUBLISH", CHANNEL.as_bytes(), payload]);
    let cpu0 = srv.cpu_us().unwrap_or(0.0);
    let start = Instant::now();
    let reader = std::thread::spawn(move || drain(subs, want));
    let mut left = publishes;
    let mut batch = Vec::new();
    while left > 0 {
        let k = left.min(pipeline);
        batch.clear();
        (0..k).for_each(|_| batch.extend_from_slice(&one));
        call_lines(&mut publisher, &batch, k as usize).map_err(err)?;
        left -= k;
    }
    let got = reader.join().map_err(|_| "reader panicked".to_string())?;
    let secs = start.elapsed().as_secs_f64();
    let cpu = srv.cpu_us().unwrap_or(0.0) - cpu0;
    if got < want {
        return Err(format!(
            "{}: {subscribers} subscribers received {got} of {want} bytes",
            srv.name
        ));
    }
    let delivered = (publishes * subscribers as u64) as f64;
    Ok(Sample {
        delivered_per_s: delivered / secs,
        cpu_us_per_msg: cpu / delivered,
    })
}

fn main() {
    let redis_bin = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
    if !runs(&redis_bin) {
        println!("pubsub: SKIPPED: `{redis_bin}` is not installed (or set REDIS_SERVER)");
        return;
    }
    let deliveries = env_u64("UREDIS_BENCH_PUBSUB_DELIVERIES", 1_000_000).max(1);
    let payload = vec![b'p'; env_u64("UREDIS_BENCH_PUBSUB_PAYLOAD", 64) as usize];
    let pipeline = env_u64("UREDIS_BENCH_PIPELINE", 64).max(1);
    let counts: Vec<usize> = std::env::var("UREDIS_BENCH_PUBSUB_SUBSCRIBERS")
        .unwrap_or_else(|_| "1,100,1000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .filter(|&n| n > 0)
        .collect();
    let servers = match (
        Server::start("uredis", env!("CARGO_BIN_EXE_uredis-server")),
        Server::start("redis", &redis_bin),
    ) {
        (Ok(u), Ok(r)) => [u, r],
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("pubsub: cannot start the servers: {e}");
            std::process::exit(1);
        }
    };
    let unlimited = common::resp(&[
        b"CONFIG",
        b"SET",
        b"client-output-buffer-limit",
        b"pubsub 0 0 0",
    ]);
    for s in &servers {
        let ok = s
            .connect()
            .and_then(|mut c| call_lines(&mut c, &unlimited, 1));
        if let Err(e) = ok {
            eprintln!("pubsub: {}: CONFIG SET failed: {e}", s.name);
            std::process::exit(1);
        }
    }
    println!(
        "pubsub: one publisher (pipeline {pipeline}), {}-byte messages, {deliveries} deliveries \
         per case; uredis pid {}, redis pid {}",
        payload.len(),
        servers[0].child.id(),
        servers[1].child.id()
    );
    println!(
        "{:>11} {:>10} | {:>14} {:>14} {:>6} | {:>12} {:>12} {:>6}",
        "subscribers",
        "publishes",
        "uredis msg/s",
        "redis msg/s",
        "ratio",
        "uredis us/msg",
        "redis us/msg",
        "ratio"
    );
    for (ci, &n) in counts.iter().enumerate() {
        let publishes = (deliveries / n as u64).max(1);
        // Alternate which server goes first.
        let order = if ci % 2 == 0 { [0, 1] } else { [1, 0] };
        let mut res: [Option<Sample>; 2] = [None, None];
        for i in order {
            match run_case(&servers[i], n, publishes, &payload, pipeline) {
                Ok(s) => res[i] = Some(s),
                Err(e) => eprintln!("pubsub: {e}"),
            }
        }
        match (&res[0], &res[1]) {
            (Some(u), Some(r)) => println!(
                "{:>11} {:>10} | {:>14.0} {:>14.0} {:>6.2} | {:>12.3} {:>12.3} {:>6.2}",
                n,
                publishes,
                u.delivered_per_s,
                r.delivered_per_s,
                u.delivered_per_s / r.delivered_per_s,
                u.cpu_us_per_msg,
                r.cpu_us_per_msg,
                u.cpu_us_per_msg / r.cpu_us_per_msg
            ),
            _ => println!("{n:>11} {publishes:>10} | failed (see above)"),
        }
    }
    println!("(msg/s ratio > 1: uredis delivers faster; us/msg ratio < 1: uredis uses less CPU)");
}
