//! Tail latency while the keyspace grows: how long can one request wait while a pipelined
//! loader grows the keyspace from 0 to N keys (the hash table doubling many times)?
//!
//! For uredis and then a real `redis-server` (each alone on the machine, on a free port on
//! 127.0.0.1, `--save ''`): one loader connection pipelines `SET key:<i> <value>` in batches
//! (a writer thread keeps a bounded window of batches in flight, a reader thread checks every
//! `+OK`), while a probe connection sends one PING (or GET) about every millisecond and times
//! each round trip. Reports the probe's p50 / p99 / p99.9 / max latency, where the worst one
//! happened, the loader's throughput and the server's resident memory at the end.
//!
//! Run: `cargo bench --bench grow_latency`. Arguments are ignored; options are env variables:
//!   UREDIS_GROW_KEYS=10000000     keys to load (N)
//!   UREDIS_GROW_BATCH=1000        SETs per pipelined batch
//!   UREDIS_GROW_WINDOW=4          batches in flight at most
//!   UREDIS_GROW_VALUE_SIZE=8      bytes per value
//!   UREDIS_GROW_PROBE=ping        ping | get (GET of a missing key)
//!   UREDIS_GROW_PROBE_US=1000     probe interval, microseconds
//!   UREDIS_GROW_SERVERS=uredis,redis   which servers to measure, in order
//!   REDIS_SERVER                  path of redis-server (default: from PATH)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod common;
use common::{Server, env_u64, runs};

/// Sends `req` and reads exactly `reply`; returns an error on anything else.
fn round_trip(s: &mut TcpStream, req: &[u8], reply: &[u8], buf: &mut [u8]) -> Result<(), String> {
    s.write_all(req).map_err(|e| format!("write: {e}"))?;
    let mut got = 0;
    while got < reply.len() {
        let n = s
            .read(&mut buf[got..reply.len()])
            .map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err("connection closed".into());
        }
        got += n;
    }
    if &buf[..reply.len()] != reply {
        return Err(format!(
            "unexpected reply {:?}",
            String::from_utf8_lossy(&buf[..reply.len()])
        ));
    }
    Ok(())
}

struct Opts {
    keys: u64,
    batch: u64,
    window: usize,
    value: Vec<u8>,
    probe_get: bool,
    probe_every: Duration,
}

struct Outcome {
    load_secs: f64,
    /// (round-trip µs, keys acknowledged when the probe was sent)
    probes: Vec<(f64, u64)>,
    dbsize: Vec<u8>,
    rss_mib: Option<f64>,
}

/// Loads `opts.keys` keys into `srv` while probing; returns the measurements.
fn measure(srv: &Server, opts: &Opts) -> Result<Outcome, String> {
    let io = |e: std::io::Error| format!("connect: {e}");
    let mut probe = srv.connect().map_err(io)?;
    let loader = srv.connect().map_err(io)?;
    let mut loader_rd = loader.try_clone().map_err(io)?;
    let mut loader_wr = loader;

    let (probe_req, probe_reply): (Vec<u8>, &[u8]) = if opts.probe_get {
        (common::resp(&[b"GET", b"probe:missing"]), b"$-1\r\n")
    } else {
        (common::resp(&[b"PING"]), b"+PONG\r\n")
    };
    let mut scratch = [0u8; 64];
    // Warm the probe connection up (and check the reply is what we expect).
    round_trip(&mut probe, &probe_req, probe_reply, &mut scratch)?;

    let acked = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let failed = Arc::new(AtomicBool::new(false));
    // One token per batch in flight: the writer blocks once `window` batches are unanswered.
    let (tx, rx) = std::sync::mpsc::sync_channel::<u64>(opts.window);

    let started = Instant::now();
    let writer = {
        let (keys, batch, value) = (opts.keys, opts.batch, opts.value.clone());
        let failed = failed.clone();
        std::thread::spawn(move || -> Result<(), String> {
            let mut buf = Vec::with_capacity(batch as usize * (40 + value.len()));
            let mut next = 0u64;
            let mut key = Vec::with_capacity(32);
            while next < keys {
                let n = batch.min(keys - next);
                buf.clear();
                for i in next..next + n {
                    key.clear();
                    write!(key, "key:{i:010}").map_err(|e| e.to_string())?;
                    buf.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$");
                    buf.extend_from_slice(key.len().to_string().as_bytes());
                    buf.extend_from_slice(b"\r\n");
                    buf.extend_from_slice(&key);
                    buf.extend_from_slice(b"\r\n$");
                    buf.extend_from_slice(value.len().to_string().as_bytes());
                    buf.extend_from_slice(b"\r\n");
                    buf.extend_from_slice(&value);
                    buf.extend_from_slice(b"\r\n");
                }
                if tx.send(n).is_err() || failed.load(Ordering::Relaxed) {
                    return Err("reader stopped".into());
                }
                loader_wr
                    .write_all(&buf)
                    .map_err(|e| format!("loader write: {e}"))?;
                next += n;
            }
            Ok(())
        })
    };
    let reader = {
        let (acked, failed, keys) = (acked.clone(), failed.clone(), opts.keys);
        std::thread::spawn(move || -> Result<f64, String> {
            const OK: &[u8] = b"+OK\r\n";
            let mut buf = vec![0u8; 64 * 1024];
            let mut pos = 0u64; // bytes of replies read so far
            let mut total = 0u64;
            let result = (|| {
                while total < keys {
                    let n = rx.recv().map_err(|_| "writer stopped".to_string())?;
                    let want = pos + n * OK.len() as u64;
                    while pos < want {
                        let room = ((want - pos) as usize).min(buf.len());
                        let got = loader_rd
                            .read(&mut buf[..room])
                            .map_err(|e| format!("loader read: {e}"))?;
                        if got == 0 {
                            return Err("loader connection closed".to_string());
                        }
                        for (j, &b) in buf[..got].iter().enumerate() {
                            if b != OK[((pos + j as u64) % OK.len() as u64) as usize] {
                                let ctx = &buf[j.saturating_sub(8)..(j + 64).min(got)];
                                return Err(format!(
                                    "loader got an unexpected reply near {:?}",
                                    String::from_utf8_lossy(ctx)
                                ));
                            }
                        }
                        pos += got as u64;
                        acked.store(pos / OK.len() as u64, Ordering::Relaxed);
                    }
                    total += n;
                }
                Ok(started.elapsed().as_secs_f64())
            })();
            if result.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            result
        })
    };

    // Probe from this thread until the loader is done.
    let capacity = (opts.keys / 100_000).max(1000) as usize * 100;
    let mut probes: Vec<(f64, u64)> = Vec::with_capacity(capacity.min(10_000_000));
    let mut next = Instant::now();
    let mut probe_err = None;
    while !reader.is_finished() && !done.load(Ordering::Relaxed) {
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        }
        next = Instant::now().max(next) + opts.probe_every;
        let at = acked.load(Ordering::Relaxed);
        let t0 = Instant::now();
        if let Err(e) = round_trip(&mut probe, &probe_req, probe_reply, &mut scratch) {
            probe_err = Some(format!("probe: {e}"));
            done.store(true, Ordering::Relaxed);
            break;
        }
        probes.push((t0.elapsed().as_secs_f64() * 1e6, at));
    }
    let load = reader.join().map_err(|_| "reader panicked".to_string())?;
    let wrote = writer.join().map_err(|_| "writer panicked".to_string())?;
    let load_secs = load?;
    wrote?;
    if let Some(e) = probe_err {
        return Err(e);
    }
    let mut buf = [0u8; 64];
    probe
        .write_all(&common::resp(&[b"DBSIZE"]))
        .map_err(|e| format!("DBSIZE: {e}"))?;
    let n = probe.read(&mut buf).map_err(|e| format!("DBSIZE: {e}"))?;
    Ok(Outcome {
        load_secs,
        probes,
        dbsize: buf[..n].to_vec(),
        rss_mib: srv.rss_mib(),
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p / 100.0).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn main() {
    // `cargo bench` passes `--bench` and any criterion filter: ignored on purpose.
    let keys = env_u64("UREDIS_GROW_KEYS", 10_000_000).max(1);
    let opts = Opts {
        keys,
        batch: env_u64("UREDIS_GROW_BATCH", 1000).clamp(1, 1_000_000),
        window: env_u64("UREDIS_GROW_WINDOW", 4).clamp(1, 1024) as usize,
        value: vec![b'x'; env_u64("UREDIS_GROW_VALUE_SIZE", 8).clamp(1, 1 << 20) as usize],
        probe_get: std::env::var("UREDIS_GROW_PROBE").is_ok_and(|v| v.eq_ignore_ascii_case("get")),
        probe_every: Duration::from_micros(env_u64("UREDIS_GROW_PROBE_US", 1000).max(1)),
    };
    let redis_bin = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
    let which = std::env::var("UREDIS_GROW_SERVERS").unwrap_or_else(|_| "uredis,redis".into());
    println!(
        "grow_latency: {} keys (SET key:<10 digits> <{} bytes>), batches of {} with up to {} in \
         flight; probe {} every {} µs",
        opts.keys,
        opts.value.len(),
        opts.batch,
        opts.window,
        if opts.probe_get { "GET" } else { "PING" },
        opts.probe_every.as_micros()
    );

    let mut rows = Vec::new();
    for name in which.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, bin) = match name {
            "uredis" => ("uredis", env!("CARGO_BIN_EXE_uredis-server").to_string()),
            "redis" => {
                if !runs(&redis_bin) {
                    println!("grow_latency: redis SKIPPED: `{redis_bin}` is not installed");
                    continue;
                }
                ("redis", redis_bin.clone())
            }
            other => {
                eprintln!("grow_latency: unknown server {other:?} (uredis, redis)");
                std::process::exit(2);
            }
        };
        let srv = match Server::start(name, &bin) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("grow_latency: cannot start {name}: {e}");
                std::process::exit(1);
            }
        };
        eprintln!(
            "  {name}: loading (pid {}, port {})...",
            srv.child.id(),
            srv.port
        );
        let out = match measure(&srv, &opts) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("grow_latency: {name}: {e}");
                std::process::exit(1);
            }
        };
        drop(srv);
        let expect = format!(":{}\r\n", opts.keys);
        if out.dbsize != expect.as_bytes() {
            eprintln!(
                "grow_latency: {name}: DBSIZE replied {:?}, expected {expect:?}",
                String::from_utf8_lossy(&out.dbsize)
            );
        }
        let worst = out
            .probes
            .iter()
            .copied()
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .unwrap_or((f64::NAN, 0));
        let mut lat: Vec<f64> = out.probes.iter().map(|p| p.0).collect();
        lat.sort_by(|a, b| a.total_cmp(b));
        let over = |ms: f64| lat.iter().filter(|&&l| l > ms * 1000.0).count();
        rows.push(format!(
            "{:<7} {:>9.2} {:>10.0} {:>7} {:>8.0} {:>8.0} {:>9.0} {:>9.0} {:>11} {:>6} {:>6} {:>8}",
            name,
            out.load_secs,
            opts.keys as f64 / out.load_secs,
            lat.len(),
            percentile(&lat, 50.0),
            percentile(&lat, 99.0),
            percentile(&lat, 99.9),
            worst.0,
            worst.1,
            over(1.0),
            over(10.0),
            out.rss_mib.map_or("?".into(), |m| format!("{m:.0}")),
        ));
    }
    println!();
    println!(
        "{:<7} {:>9} {:>10} {:>7} {:>8} {:>8} {:>9} {:>9} {:>11} {:>6} {:>6} {:>8}",
        "server",
        "load s",
        "keys/s",
        "probes",
        "p50 µs",
        "p99 µs",
        "p99.9 µs",
        "max µs",
        "max at key",
        ">1ms",
        ">10ms",
        "RSS MiB"
    );
    println!("{}", "-".repeat(112));
    for r in rows {
        println!("{r}");
    }
    println!(
        "\nLatency = one probe round trip (client-measured, includes the client's own scheduling \
         on this machine); `max at key` = keys acknowledged when the worst probe was sent."
    );
}
