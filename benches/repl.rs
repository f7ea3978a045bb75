//! Replication side by side with redis-server: a uredis master with a uredis replica against a
//! redis-server master with a redis-server replica, in one run.
//!
//! Cases, for each pair (fresh servers on free loopback ports, `--save ''`):
//! - `set+replica`: `redis-benchmark -t set` against the master while one replica is attached
//!   (requests/s as redis-benchmark reports them); meanwhile a sampler thread reads the
//!   master's `master_repl_offset` and then the replica's `slave_repl_offset` (one connection
//!   to each) about every 20 ms, and the replica lag in bytes (master minus replica, 0 when
//!   the replica read is already past it) is reported as mean / max of the samples. The
//!   replica is read after the master, so a sample is a lower bound of the lag at the moment
//!   the master answered. Under saturation on a small machine the replica competes for CPU
//!   with the master and the benchmark client: the lag mostly measures that share.
//! - `full sync`: the master holds N small string keys; a fresh replica runs REPLICAOF and the
//!   time until its link is up with all N keys loaded is measured, diskless
//!   (`repl-diskless-sync yes`, delay 0) and disk-backed (`repl-diskless-sync no`).
//!
//! Run: `cargo bench --bench repl`. Options are environment variables:
//!   UREDIS_REPL_REQUESTS=500000   SET requests (-n) of the set+replica case
//!   UREDIS_REPL_PIPELINE=16       pipeline depth (-P)
//!   UREDIS_REPL_CLIENTS=50        connections (-c)
//!   UREDIS_REPL_KEYS=1000000      keys of the full-sync case (10M: UREDIS_REPL_KEYS=10000000)
//!   UREDIS_REPL_SERVERS=uredis,redis
//!   REDIS_SERVER, REDIS_BENCHMARK paths of the reference binaries (default: from PATH)
//!
//! The machine is shared and the client, master and replica run on the same cores, so
//! absolute figures are only indicative; the ratios, measured in the same run, are what to
//! look at.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

mod common;
use common::{Server, env_u64, runs};

/// A blocking RESP connection reading whole replies.
struct Conn {
    w: TcpStream,
    r: BufReader<TcpStream>,
}

#[derive(Debug)]
enum Val {
    Str(Vec<u8>),
    Int(i64),
    Err(String),
    Nil,
}

impl Conn {
    fn new(srv: &Server) -> Conn {
        let s = srv.connect().expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(3600)))
            .expect("timeout");
        Conn {
            r: BufReader::new(s.try_clone().expect("clone")),
            w: s,
        }
    }

    fn send(&mut self, args: &[&[u8]]) {
        let mut b = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            b.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            b.extend_from_slice(a);
            b.extend_from_slice(b"\r\n");
        }
        self.w.write_all(&b).expect("write");
    }

    fn read(&mut self) -> Val {
        let mut line = Vec::new();
        self.r.read_until(b'\n', &mut line).expect("read");
        assert!(line.len() >= 3, "connection closed");
        let body = String::from_utf8_lossy(&line[1..line.len() - 2]).into_owned();
        match line[0] {
            b'+' => Val::Str(body.into_bytes()),
            b'-' => Val::Err(body),
            b':' => Val::Int(body.parse().unwrap_or(0)),
            b'$' => {
                let n: i64 = body.parse().unwrap_or(-1);
                if n < 0 {
                    return Val::Nil;
                }
                let mut v = vec![0u8; n as usize + 2];
                self.r.read_exact(&mut v).expect("read bulk");
                v.truncate(n as usize);
                Val::Str(v)
            }
            b'*' => {
                // Arrays are not needed here: read and dropped.
                let n: i64 = body.parse().unwrap_or(-1);
                for _ in 0..n.max(0) {
                    self.read();
                }
                Val::Nil
            }
            _ => Val::Err(format!("bad reply {line:?}")),
        }
    }

    fn call(&mut self, args: &[&str]) -> Val {
        let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
        self.send(&a);
        self.read()
    }

    fn info_field(&mut self, section: &str, field: &str) -> Option<String> {
        let Val::Str(text) = self.call(&["INFO", section]) else {
            return None;
        };
        let text = String::from_utf8_lossy(&text).into_owned();
        text.lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .map(|v| v.trim().to_string())
    }

    fn dbsize(&mut self) -> i64 {
        match self.call(&["DBSIZE"]) {
            Val::Int(n) => n,
            _ => -1,
        }
    }
}

fn wait_for(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("timed out waiting for {what}");
}

/// Attaches `replica` to `master` and waits until its link is up and it caught up.
fn attach(master: &Server, replica: &Server) -> Duration {
    let mut r = Conn::new(replica);
    let t = Instant::now();
    if let Val::Err(e) = r.call(&["REPLICAOF", "127.0.0.1", &master.port.to_string()]) {
        panic!("REPLICAOF: {e}");
    }
    wait_for("the replica link", Duration::from_secs(3600), || {
        r.info_field("replication", "master_link_status").as_deref() == Some("up")
    });
    t.elapsed()
}

/// Pipelined SETs of `key:<i>` -> 16-byte values, `n` keys.
fn fill(srv: &Server, n: u64) {
    let mut c = Conn::new(srv);
    let batch = 1000u64;
    let mut i = 0;
    while i < n {
        let m = batch.min(n - i);
        let mut buf = Vec::with_capacity(m as usize * 60);
        for k in i..i + m {
            let key = format!("key:{k}");
            let val = format!("{k:016}");
            buf.extend_from_slice(
                format!(
                    "*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n${}\r\n{val}\r\n",
                    key.len(),
                    val.len()
                )
                .as_bytes(),
            );
        }
        c.w.write_all(&buf).expect("fill write");
        for _ in 0..m {
            if let Val::Err(e) = c.read() {
                panic!("fill: {e}");
            }
        }
        i += m;
    }
}

struct SetResult {
    rps: f64,
    lag_mean: f64,
    lag_max: u64,
    samples: usize,
}

fn set_with_replica(name: &'static str, bin: &str, bench: &str) -> Result<SetResult, String> {
    let master = Server::start(name, bin)?;
    let replica = Server::start(name, bin)?;
    attach(&master, &replica);
    let requests = env_u64("UREDIS_REPL_REQUESTS", 500_000);
    let pipeline = env_u64("UREDIS_REPL_PIPELINE", 16);
    let clients = env_u64("UREDIS_REPL_CLIENTS", 50);
    let stop = Arc::new(AtomicBool::new(false));
    let (mp, rp) = (master.port, replica.port);
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            // One connection to each, opened before the load, read back to back.
            let open = |port: u16| -> Option<Conn> {
                let s = TcpStream::connect(("127.0.0.1", port)).ok()?;
                s.set_nodelay(true).ok()?;
                Some(Conn {
                    r: BufReader::new(s.try_clone().ok()?),
                    w: s,
                })
            };
            let (Some(mut mc), Some(mut rc)) = (open(mp), open(rp)) else {
                return Vec::new();
            };
            let mut lags = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let m = mc.info_field("replication", "master_repl_offset");
                let r = rc.info_field("replication", "slave_repl_offset");
                let parse = |v: Option<String>| v.and_then(|v| v.parse::<u64>().ok());
                if let (Some(m), Some(r)) = (parse(m), parse(r)) {
                    lags.push(m.saturating_sub(r));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            lags
        })
    };
    let out = Command::new(bench)
        .args([
            "-p",
            &mp.to_string(),
            "-t",
            "set",
            "-n",
            &requests.to_string(),
            "-P",
            &pipeline.to_string(),
            "-c",
            &clients.to_string(),
            "-r",
            "100000",
            "-q",
        ])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("redis-benchmark: {e}"))?;
    stop.store(true, Ordering::Relaxed);
    let lags = sampler.join().unwrap_or_default();
    let text = String::from_utf8_lossy(&out.stdout);
    // "SET: 123456.79 requests per second, p50=..." (the last \r-separated progress line).
    let rps = text
        .rsplit('\r')
        .find_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("SET: ")?;
            rest.split_whitespace().next()?.parse::<f64>().ok()
        })
        .ok_or_else(|| format!("cannot parse redis-benchmark output: {text:?}"))?;
    let samples = lags.len();
    let lag_mean = if samples > 0 {
        lags.iter().sum::<u64>() as f64 / samples as f64
    } else {
        0.0
    };
    let lag_max = lags.iter().copied().max().unwrap_or(0);
    Ok(SetResult {
        rps,
        lag_mean,
        lag_max,
        samples,
    })
}

fn full_sync(name: &'static str, bin: &str, keys: u64, diskless: bool) -> Result<f64, String> {
    let master = Server::start(name, bin)?;
    let mut m = Conn::new(&master);
    m.call(&[
        "CONFIG",
        "SET",
        "repl-diskless-sync",
        if diskless { "yes" } else { "no" },
    ]);
    m.call(&["CONFIG", "SET", "repl-diskless-sync-delay", "0"]);
    fill(&master, keys);
    let replica = Server::start(name, bin)?;
    let t = attach(&master, &replica);
    let mut r = Conn::new(&replica);
    let got = r.dbsize();
    if got != keys as i64 {
        return Err(format!("replica has {got} keys, want {keys}"));
    }
    Ok(t.as_secs_f64())
}

fn main() {
    let redis_bin = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
    let bench = std::env::var("REDIS_BENCHMARK").unwrap_or_else(|_| "redis-benchmark".into());
    if !runs(&bench) {
        eprintln!("redis-benchmark not found: replication benchmark skipped");
        return;
    }
    let wanted = std::env::var("UREDIS_REPL_SERVERS").unwrap_or_else(|_| "uredis,redis".into());
    let mut servers: Vec<(&'static str, String)> = Vec::new();
    if wanted.contains("uredis") {
        servers.push(("uredis", env!("CARGO_BIN_EXE_uredis-server").to_string()));
    }
    if wanted.split(',').any(|s| s == "redis") {
        if runs(&redis_bin) {
            servers.push(("redis", redis_bin.clone()));
        } else {
            eprintln!("redis-server not found: uredis only");
        }
    }
    let keys = env_u64("UREDIS_REPL_KEYS", 1_000_000);

    println!("SET with one replica attached (requests/s; replica lag in bytes, sampled)");
    let mut set_rps = Vec::new();
    for (name, bin) in &servers {
        match set_with_replica(name, bin, &bench) {
            Ok(r) => {
                println!(
                    "  {name:<7} {:>12.0} req/s   lag mean {:>10.0} B   max {:>10} B   ({} samples)",
                    r.rps, r.lag_mean, r.lag_max, r.samples
                );
                set_rps.push(r.rps);
            }
            Err(e) => println!("  {name:<7} failed: {e}"),
        }
    }
    if set_rps.len() == 2 && set_rps[1] > 0.0 {
        println!("  uredis/redis throughput: {:.2}", set_rps[0] / set_rps[1]);
    }

    for diskless in [true, false] {
        let mode = if diskless { "diskless" } else { "disk-backed" };
        println!("Full sync of {keys} keys, {mode} (REPLICAOF to link up with every key)");
        let mut times = Vec::new();
        for (name, bin) in &servers {
            match full_sync(name, bin, keys, diskless) {
                Ok(s) => {
                    println!("  {name:<7} {s:>8.2} s");
                    times.push(s);
                }
                Err(e) => println!("  {name:<7} failed: {e}"),
            }
        }
        if times.len() == 2 && times[1] > 0.0 {
            println!("  uredis/redis time: {:.2}", times[0] / times[1]);
        }
    }
}
