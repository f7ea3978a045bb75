//! Deleting big collections without a pause: how long do `DEL` of a collection with N
//! elements, and a concurrent one-millisecond PING probe, take on uredis and on redis-server?
//!
//! For each server (alone on the machine, on a free port on 127.0.0.1, `--save ''`) and each
//! type (list, hash, set, zset): build one key of N elements with pipelined batches, then run a
//! probe thread that PINGs about every millisecond while the main thread sends `DEL`. Reports
//! DEL's own round trip and the worst probe round trip around it, side by side.
//!
//! The flush cases (`flushall` = FLUSHALL SYNC, `flushall-async`, `flushall-lazy` = plain
//! FLUSHALL with `lazyfree-lazy-user-flush yes`, `flushdb`) fill the keyspace with
//! `UREDIS_DEL_KEYS` small keys (MSET batches) and flush it; `unlink` is UNLINK of a big hash. For every case the table also shows the worst probe *sent after the reply* arrived
//! and the round trip of the first command after it on the same connection: work hidden after
//! the reply (a table freed on the loop, an allocator consolidating freed chunks) shows there.
//!
//! Run: `cargo bench --bench del_latency`. Options are env variables:
//!   UREDIS_DEL_ELEMENTS=1000000   elements per collection (N)
//!   UREDIS_DEL_KEYS=10000000      keys for the flush cases
//!   UREDIS_DEL_TYPES=list,hash,set,zset   also: flushall, flushall-async, flushall-lazy,
//!                                 flushdb, unlink, expire
//!   UREDIS_DEL_EXPIRE_KEYS=2000000  keys for the `expire` case
//!
//! The `expire` case sets `UREDIS_DEL_EXPIRE_KEYS` keys with the same 3 s TTL (pipelined
//! `SET key:<i> v PX 3000`), never reads them, and polls DBSIZE every 100 ms until it is 0
//! while the probe runs: it reports how long after the last SET the keyspace was empty
//! (active expiry's reclaim speed) and the probe's p99.9, worst and count over 10 ms.
//!   UREDIS_DEL_SERVERS=uredis,redis
//!   REDIS_SERVER                  path of redis-server (default: from PATH)
//!   UREDIS_DEL_PIN=1              before the measured command, pin the server's main (loop)
//!                                 thread to CPU 0 and every other thread of it (uredis's
//!                                 lazyfree thread, Redis's bio and jemalloc threads) to CPU 1,
//!                                 the same for both servers, so a background thread's work
//!                                 cannot delay the loop just by taking its core (0: no pinning;
//!                                 needs 2+ CPUs). A 100-field hash is UNLINKed first on both
//!                                 servers so a lazily started background thread exists by then.
//!   UREDIS_DEL_ROUNDS=1           repeat every case this many times (a fresh server each)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

mod common;
use common::{Server, env_u64, runs};

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
    common::resp(&args)
}

/// MSET of keys `from..to` (`key:<i>` -> an 8-byte value).
fn mset_cmd(from: u64, to: u64) -> Vec<u8> {
    let keys: Vec<Vec<u8>> = (from..to)
        .map(|i| format!("key:{i}").into_bytes())
        .collect();
    let mut args: Vec<&[u8]> = vec![b"MSET"];
    for k in &keys {
        args.push(k);
        args.push(b"value-xx");
    }
    common::resp(&args)
}

struct Outcome {
    del: Duration,
    worst_probe: Duration,
    /// Worst probe sent after the reply arrived.
    worst_after: Duration,
    /// The first command's round trip after the reply, on the same connection.
    first_after: Duration,
}

/// Pins thread `pid` of the server to CPU 0 and all its other threads to CPU 1; returns the
/// other threads' names.
fn pin_threads(pid: u32) -> Vec<String> {
    let mut others = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return others;
    };
    for t in tasks.flatten() {
        let Some(tid) = t.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let cpu = if tid == pid as i32 { 0 } else { 1 };
        if tid != pid as i32 {
            let name = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
            others.push(name.trim().to_string());
        }
        // SAFETY: a zeroed cpu_set_t with one CPU set, passed with its size.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut set);
            libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &set);
        }
    }
    others.sort();
    others
}

fn measure(srv: &Server, ty: &str, n: u64, keys: u64, pin: bool) -> Result<Outcome, String> {
    let mut c = srv.connect().map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 1 << 16];
    const BATCH: u64 = 1000;
    let flush = ty.starts_with("flush");
    let fill_ty = if ty == "unlink" { "hash" } else { ty };
    let n = if flush { keys } else { n };
    let (command, after): (Vec<u8>, Duration) = match ty {
        "flushall" => (
            common::resp(&[b"FLUSHALL", b"SYNC"]),
            Duration::from_millis(1000),
        ),
        "flushall-async" => (
            common::resp(&[b"FLUSHALL", b"ASYNC"]),
            Duration::from_millis(1000),
        ),
        "flushall-lazy" => (common::resp(&[b"FLUSHALL"]), Duration::from_millis(1000)),
        "flushdb" => (common::resp(&[b"FLUSHDB"]), Duration::from_millis(1000)),
        "unlink" => (
            common::resp(&[b"UNLINK", b"big"]),
            Duration::from_millis(500),
        ),
        _ => (common::resp(&[b"DEL", b"big"]), Duration::from_millis(50)),
    };
    if ty == "flushall-lazy" {
        c.write_all(&common::resp(&[
            b"CONFIG",
            b"SET",
            b"lazyfree-lazy-user-flush",
            b"yes",
        ]))
        .map_err(|e| e.to_string())?;
        read_lines(&mut c, 1, &mut buf)?;
    }
    let mut sent = 0;
    let mut i = 0;
    while i < n {
        let to = (i + BATCH).min(n);
        let cmd = if flush {
            mset_cmd(i, to)
        } else {
            fill_cmd(fill_ty, i, to)
        };
        c.write_all(&cmd).map_err(|e| e.to_string())?;
        sent += 1;
        i = to;
        if sent == 16 {
            read_lines(&mut c, sent, &mut buf)?;
            sent = 0;
        }
    }
    read_lines(&mut c, sent, &mut buf)?;
    if pin {
        // Start a lazily created background thread (uredis's lazyfree thread) on both
        // servers alike, then pin.
        let fields: Vec<Vec<u8>> = (0..200).map(|i| format!("f{i}").into_bytes()).collect();
        let mut args: Vec<&[u8]> = vec![b"HSET", b"pin-warmup"];
        args.extend(fields.iter().map(|f| &f[..]));
        c.write_all(&common::resp(&args))
            .map_err(|e| e.to_string())?;
        c.write_all(&common::resp(&[b"UNLINK", b"pin-warmup"]))
            .map_err(|e| e.to_string())?;
        read_lines(&mut c, 2, &mut buf)?;
        std::thread::sleep(Duration::from_millis(20));
        let others = pin_threads(srv.child.id());
        eprintln!(
            "  {} {ty}: loop thread on CPU 0, on CPU 1: {}",
            srv.name,
            others.join(", ")
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let mut probe = srv.connect().map_err(|e| e.to_string())?;
    let stop2 = stop.clone();
    let prober = std::thread::spawn(move || -> Result<Vec<(Instant, Duration)>, String> {
        let mut probes = Vec::new();
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
            probes.push((t, t.elapsed()));
            std::thread::sleep(Duration::from_millis(1));
        }
        Ok(probes)
    });
    std::thread::sleep(Duration::from_millis(50));
    let t = Instant::now();
    c.write_all(&command).map_err(|e| e.to_string())?;
    read_lines(&mut c, 1, &mut buf)?;
    let replied = Instant::now();
    let del = replied - t;
    c.write_all(b"*1\r\n$4\r\nPING\r\n")
        .map_err(|e| e.to_string())?;
    read_lines(&mut c, 1, &mut buf)?;
    let first_after = replied.elapsed();
    std::thread::sleep(after);
    stop.store(true, Ordering::Relaxed);
    let probes = prober.join().map_err(|_| "probe panicked".to_string())??;
    let worst_probe = probes.iter().map(|p| p.1).max().unwrap_or_default();
    let worst_after = probes
        .iter()
        .filter(|p| p.0 >= replied)
        .map(|p| p.1)
        .max()
        .unwrap_or_default();
    Ok(Outcome {
        del,
        worst_probe,
        worst_after,
        first_after,
    })
}

/// The `expire` case: (seconds from the last SET's reply to an empty keyspace, probe p99.9,
/// probe max, probes over 10 ms).
fn measure_expire(srv: &Server, keys: u64) -> Result<(f64, Duration, Duration, usize), String> {
    let mut c = srv.connect().map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 1 << 16];
    const BATCH: u64 = 1000;
    let mut i = 0;
    let mut pending = 0;
    while i < keys {
        let to = (i + BATCH).min(keys);
        let mut cmd = Vec::with_capacity(64 * BATCH as usize);
        for k in i..to {
            let key = format!("key:{k}");
            cmd.extend_from_slice(&common::resp(&[
                b"SET",
                key.as_bytes(),
                b"value-xx",
                b"PX",
                b"3000",
            ]));
        }
        c.write_all(&cmd).map_err(|e| e.to_string())?;
        pending += (to - i) as usize;
        i = to;
        if pending >= 16 * BATCH as usize {
            read_lines(&mut c, pending, &mut buf)?;
            pending = 0;
        }
    }
    read_lines(&mut c, pending, &mut buf)?;
    let loaded = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let mut probe = srv.connect().map_err(|e| e.to_string())?;
    let stop2 = stop.clone();
    let prober = std::thread::spawn(move || -> Result<Vec<Duration>, String> {
        let mut probes = Vec::new();
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
            probes.push(t.elapsed());
            std::thread::sleep(Duration::from_millis(1));
        }
        Ok(probes)
    });
    let deadline = loaded + Duration::from_secs(60);
    let reclaimed = loop {
        std::thread::sleep(Duration::from_millis(100));
        c.write_all(b"*1\r\n$6\r\nDBSIZE\r\n")
            .map_err(|e| e.to_string())?;
        let got = c.read(&mut buf).map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&buf[..got]);
        if text.trim() == ":0" {
            break loaded.elapsed().as_secs_f64();
        }
        if Instant::now() > deadline {
            break f64::INFINITY;
        }
    };
    stop.store(true, Ordering::Relaxed);
    let mut probes = prober.join().map_err(|_| "probe panicked".to_string())??;
    probes.sort();
    let p999 = probes
        .get((probes.len() * 999 / 1000).min(probes.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default();
    let max = probes.last().copied().unwrap_or_default();
    let over = probes.iter().filter(|d| d.as_millis() >= 10).count();
    Ok((reclaimed, p999, max, over))
}

fn main() {
    let n = env_u64("UREDIS_DEL_ELEMENTS", 1_000_000);
    let keys = env_u64("UREDIS_DEL_KEYS", 10_000_000);
    let types = std::env::var("UREDIS_DEL_TYPES").unwrap_or_else(|_| "list,hash,set,zset".into());
    let servers = std::env::var("UREDIS_DEL_SERVERS").unwrap_or_else(|_| "uredis,redis".into());
    let redis_bin = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
    let ours = env!("CARGO_BIN_EXE_uredis-server");
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pin = env_u64("UREDIS_DEL_PIN", 1) != 0 && cpus >= 2;
    let rounds = env_u64("UREDIS_DEL_ROUNDS", 1).max(1);
    println!(
        "DEL of one collection of {n} elements (flush cases: {keys} keys), with a PING probe \
         every ~1 ms"
    );
    println!(
        "{:<14} {:<8} {:>12} {:>16} {:>18} {:>16}",
        "case", "server", "reply ms", "worst probe ms", "worst after ms", "next cmd ms"
    );
    for ty in types.split(',') {
        for name in (0..rounds).flat_map(|_| servers.split(',')) {
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
            if ty == "expire" {
                let ekeys = env_u64("UREDIS_DEL_EXPIRE_KEYS", 2_000_000);
                match measure_expire(&srv, ekeys) {
                    Ok((secs, p999, max, over)) => println!(
                        "{ty:<14} {label:<8} {ekeys} keys with a 3 s TTL gone after {secs:.2} s; \
                         probe p99.9 {:.2} ms, max {:.2} ms, {over} over 10 ms",
                        p999.as_secs_f64() * 1e3,
                        max.as_secs_f64() * 1e3
                    ),
                    Err(e) => println!("{ty:<14} {label:<8} error: {e}"),
                }
                continue;
            }
            match measure(&srv, ty, n, keys, pin) {
                Ok(o) => println!(
                    "{ty:<14} {label:<8} {:>12.2} {:>16.2} {:>18.2} {:>16.2}",
                    o.del.as_secs_f64() * 1e3,
                    o.worst_probe.as_secs_f64() * 1e3,
                    o.worst_after.as_secs_f64() * 1e3,
                    o.first_after.as_secs_f64() * 1e3
                ),
                Err(e) => println!("{ty:<14} {label:<8} error: {e}"),
            }
        }
    }
}
