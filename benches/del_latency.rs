//! Deleting big collections without a pause: how long do `DEL` of a collection with N
//! elements, and a concurrent one-millisecond PING probe, take on uredis and on redis-server?
//!
//! For each server (alone on the machine, on a free port on 127.0.0.1, `--save ''`) and each
//! type (list, hash, set, zset): build one key of N elements with pipelined batches, then run a
//! probe thread that PINGs about every millisecond while the main thread sends `DEL`. Reports
//! DEL's own round trip and the worst probe round trip around it, side by side.
//!
//! Run: `cargo bench --bench del_latency`. Options are env variables:
//!   UREDIS_DEL_ELEMENTS=1000000   elements per collection (N)
//!   UREDIS_DEL_TYPES=list,hash,set,zset
//!   UREDIS_DEL_SERVERS=uredis,redis
//!   REDIS_SERVER                  path of redis-server (default: from PATH)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

mod common;
use common::{Server, env_u64, runs};

fn resp(args: &[&[u8]]) -> Vec<u8> {
    let mut b = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        b.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        b.extend_from_slice(a);
        b.extend_from_slice(b"\r\n");
    }
    b
}

/// Reads until `n` complete replies (each one line: `:`/`+`/`-`) have arrived.
fn read_lines(s: &mut TcpStream, n: usize, buf: &mut [u8]) -> Result<(), String> {
    let mut lines = 0;
    while lines < n {
        let got = s.read(buf).map_err(|e| format!("read: {e}"))?;
        if got == 0 {
            return Err("connection closed".into());
        }
        if buf[..got].contains(&b'-') && buf[..got].starts_with(b"-") {
            return Err(String::from_utf8_lossy(&buf[..got]).into_owned());
        }
        lines += buf[..got].iter().filter(|&&c| c == b'\n').count();
    }
    Ok(())
}

/// The command that adds elements `from..to` to `key` of type `ty`.
fn fill_cmd(ty: &str, from: u64, to: u64) -> Vec<u8> {
    let items: Vec<Vec<u8>> = (from..to)
        .map(|i| format!("element:{i}").into_bytes())
        .collect();
    let scores: Vec<Vec<u8>> = (from..to).map(|i| i.to_string().into_bytes()).collect();
    let mut args: Vec<&[u8]> = Vec::new();
    match ty {
        "list" => args.extend([&b"RPUSH"[..], b"big"]),
        "set" => args.extend([&b"SADD"[..], b"big"]),
        "hash" => args.extend([&b"HSET"[..], b"big"]),
        _ => args.extend([&b"ZADD"[..], b"big"]),
    }
    for (i, item) in items.iter().enumerate() {
        match ty {
            "hash" => args.extend([&item[..], &scores[i][..]]),
            "zset" => args.extend([&scores[i][..], &item[..]]),
            _ => args.push(item),
        }
    }
    resp(&args)
}

struct Outcome {
    del: Duration,
    worst_probe: Duration,
}

fn measure(srv: &Server, ty: &str, n: u64) -> Result<Outcome, String> {
    let mut c = srv.connect().map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 1 << 16];
    const BATCH: u64 = 1000;
    let mut sent = 0;
    let mut i = 0;
    while i < n {
        let to = (i + BATCH).min(n);
        c.write_all(&fill_cmd(ty, i, to))
            .map_err(|e| e.to_string())?;
        sent += 1;
        i = to;
        if sent == 16 {
            read_lines(&mut c, sent, &mut buf)?;
            sent = 0;
        }
    }
    read_lines(&mut c, sent, &mut buf)?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut probe = srv.connect().map_err(|e| e.to_string())?;
    let stop2 = stop.clone();
    let prober = std::thread::spawn(move || -> Result<Duration, String> {
        let mut worst = Duration::ZERO;
        let mut b = [0u8; 64];
        while !stop2.load(Ordering::Relaxed) {
            let t = Instant::now();
            probe
                .write_all(b"*1\r\n$4\r\nPING\r\n")
                .map_err(|e| e.to_string())?;
            let mut got = 0;
            while got < 7 {
                let r = probe.read(&mut b[got..7]).map_err(|e| e.to_string())?;
                if r == 0 {
                    return Err("probe closed".into());
                }
                got += r;
            }
            worst = worst.max(t.elapsed());
            std::thread::sleep(Duration::from_millis(1));
        }
        Ok(worst)
    });
    std::thread::sleep(Duration::from_millis(50));
    let t = Instant::now();
    c.write_all(&resp(&[b"DEL", b"big"]))
        .map_err(|e| e.to_string())?;
    read_lines(&mut c, 1, &mut buf)?;
    let del = t.elapsed();
    std::thread::sleep(Duration::from_millis(50));
    stop.store(true, Ordering::Relaxed);
    let worst_probe = prober.join().map_err(|_| "probe panicked".to_string())??;
    Ok(Outcome { del, worst_probe })
}

fn main() {
    let n = env_u64("UREDIS_DEL_ELEMENTS", 1_000_000);
    let types = std::env::var("UREDIS_DEL_TYPES").unwrap_or_else(|_| "list,hash,set,zset".into());
    let servers = std::env::var("UREDIS_DEL_SERVERS").unwrap_or_else(|_| "uredis,redis".into());
    let redis_bin = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
    let ours = env!("CARGO_BIN_EXE_uredis-server");
    println!("DEL of one collection of {n} elements, with a PING probe every ~1 ms");
    println!(
        "{:<6} {:<8} {:>12} {:>16}",
        "type", "server", "DEL ms", "worst probe ms"
    );
    for ty in types.split(',') {
        for name in servers.split(',') {
            let (label, bin): (&'static str, &str) = match name {
                "uredis" => ("uredis", ours),
                _ if runs(&redis_bin) => ("redis", &redis_bin),
                _ => {
                    println!("{ty:<6} redis    (redis-server not found, skipped)");
                    continue;
                }
            };
            let srv = match Server::start(label, bin) {
                Ok(s) => s,
                Err(e) => {
                    println!("{ty:<6} {label:<8} failed to start: {e}");
                    continue;
                }
            };
            match measure(&srv, ty, n) {
                Ok(o) => println!(
                    "{ty:<6} {label:<8} {:>12.2} {:>16.2}",
                    o.del.as_secs_f64() * 1e3,
                    o.worst_probe.as_secs_f64() * 1e3
                ),
                Err(e) => println!("{ty:<6} {label:<8} error: {e}"),
            }
        }
    }
}
