//! RDB snapshots side by side with redis-server: SAVE time, file size, start-up load time,
//! fork time, BGSAVE time and PING latency while a BGSAVE runs under a write load.
//!
//! For each dataset and each server (on a free loopback port, its own directory, `--save ''`):
//! fill it with pipelined batches, SAVE (client round trip), BGSAVE while a writer thread sends
//! pipelined SETs and a probe thread PINGs about every millisecond (`latest_fork_usec`, BGSAVE
//! wall time, probe p99/max, SETs per second acknowledged while the child ran, the parent's
//! copy-on-write size), then restart on the same directory and read the load time from
//! the server's own log line ("DB loaded from disk: X seconds", printed by both).
//!
//! `UREDIS_PERSIST_SETS=fsync` measures the fdatasync alone instead, in this process, on a file
//! in `UREDIS_PERSIST_DIR` (default /tmp): 200-byte appends each followed by an fdatasync, made
//! (1) with the plain syscall, as Redis's `appendfsync always` does, and (2) through an io_uring
//! as uredis does (the fdatasync goes to a kernel io-wq worker; the caller sleeps in
//! io_uring_enter until its completion). Per sync: latency median / p99, CPU of the calling
//! thread, CPU of the whole process (the io-wq workers are its threads) and context switches.
//! (2) minus (1) is the cost of handing the fsync off.
//!
//! Loading a file made by redis-server itself (DEBUG POPULATE, or many small collections) and
//! `appendfsync always` throughput have their own scripts: benches/scripts/rdb_load.sh and
//! benches/scripts/aof_always.sh.
//!
//! Run: `cargo bench --bench persist`. Options are env variables:
//!   UREDIS_PERSIST_KEYS=1000000      small string keys in the `keys` dataset
//!   UREDIS_PERSIST_ELEMENTS=1000000  elements of each collection in the `collections` dataset
//!   UREDIS_PERSIST_SETS=keys,collections (or fsync)
//!   UREDIS_PERSIST_FSYNCS=2000           fdatasyncs per way in the `fsync` set
//!   UREDIS_PERSIST_SERVERS=uredis,redis
//!   REDIS_SERVER                     path of redis-server (default: from PATH)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod common;
use common::{env_u64, free_port, runs};

/// A server process on `dir`, killed by pid when dropped (the directory is kept for restarts).
struct Proc {
    child: Child,
    port: u16,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(bin: &str, dir: &Path, log: &Path) -> Result<Proc, String> {
    for _ in 0..5 {
        let port = free_port().map_err(|e| e.to_string())?;
        let child = Command::new(bin)
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
            ])
            .arg("--dir")
            .arg(dir)
            .arg("--logfile")
            .arg(log)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run {bin}: {e}"))?;
        let mut p = Proc { child, port };
        let deadline = Instant::now() + Duration::from_secs(600);
        while Instant::now() < deadline {
            // Only a reply proves the dataset is loaded (the port is bound before).
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(600)));
                let mut b = [0u8; 7];
                // (Redis answers -LOADING while it loads.)
                if s.write_all(b"PING\r\n").is_ok()
                    && s.read_exact(&mut b).is_ok()
                    && &b == b"+PONG\r\n"
                {
                    return Ok(p);
                }
            }
            if let Ok(Some(_)) = p.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Err(format!("{bin} did not start"))
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_nodelay(true).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(600))).unwrap();
    s
}

/// Sends one command and reads one reply (a line, or a bulk: enough for what we send).
fn call(s: &mut TcpStream, args: &[&[u8]]) -> String {
    s.write_all(&common::resp(args)).unwrap();
    let mut out = Vec::new();
    let mut b = [0u8; 65536];
    loop {
        let n = s.read(&mut b).unwrap();
        assert!(n > 0, "connection closed");
        out.extend_from_slice(&b[..n]);
        if out.ends_with(b"\r\n") {
            if out[0] == b'$' {
                let head = out.iter().position(|&c| c == b'\n').unwrap();
                let len: usize = std::str::from_utf8(&out[1..head - 1])
                    .unwrap()
                    .parse()
                    .unwrap_or(0);
                if out.len() < head + 1 + len + 2 {
                    continue;
                }
            }
            return String::from_utf8_lossy(&out).into_owned();
        }
    }
}

/// Sends `cmds` pipelined in batches, reading the replies of each batch.
fn pipeline(s: &mut TcpStream, cmds: impl Iterator<Item = Vec<u8>>) {
    let mut batch = Vec::new();
    let mut n = 0;
    let flush = |s: &mut TcpStream, batch: &mut Vec<u8>, n: &mut usize| {
        s.write_all(batch).unwrap();
        batch.clear();
        let mut lines = 0;
        let mut b = [0u8; 65536];
        while lines < *n {
            let got = s.read(&mut b).unwrap();
            assert!(got > 0);
            assert!(
                !b[..got].starts_with(b"-"),
                "{}",
                String::from_utf8_lossy(&b[..got])
            );
            lines += b[..got].iter().filter(|&&c| c == b'\n').count();
        }
        *n = 0;
    };
    for c in cmds {
        batch.extend_from_slice(&c);
        n += 1;
        if n == 1000 {
            flush(s, &mut batch, &mut n);
        }
    }
    if n > 0 {
        flush(s, &mut batch, &mut n);
    }
}

fn fill(port: u16, set: &str, keys: u64, elements: u64) {
    let mut s = connect(port);
    match set {
        "keys" => pipeline(
            &mut s,
            (0..keys).map(|i| {
                common::resp(&[
                    b"SET",
                    format!("key:{i:012}").as_bytes(),
                    format!("value:{i}").as_bytes(),
                ])
            }),
        ),
        _ => {
            let chunk = 100;
            let batches = elements.div_ceil(chunk);
            for ty in ["list", "hash", "set", "zset"] {
                pipeline(
                    &mut s,
                    (0..batches).map(|b| {
                        let from = b * chunk;
                        let to = (from + chunk).min(elements);
                        let items: Vec<Vec<u8>> = (from..to)
                            .map(|i| format!("element:{i}").into_bytes())
                            .collect();
                        let nums: Vec<Vec<u8>> =
                            (from..to).map(|i| i.to_string().into_bytes()).collect();
                        let mut args: Vec<&[u8]> = match ty {
                            "list" => vec![b"RPUSH", b"big:list"],
                            "hash" => vec![b"HSET", b"big:hash"],
                            "set" => vec![b"SADD", b"big:set"],
                            _ => vec![b"ZADD", b"big:zset"],
                        };
                        for (item, num) in items.iter().zip(&nums) {
                            match ty {
                                "hash" => args.extend([&item[..], &num[..]]),
                                "zset" => args.extend([&num[..], &item[..]]),
                                _ => args.push(item),
                            }
                        }
                        common::resp(&args)
                    }),
                );
            }
        }
    }
}

fn info_field(s: &mut TcpStream, section: &str, name: &str) -> String {
    let text = call(s, &[b"INFO", section.as_bytes()]);
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or("")
        .trim()
        .to_string()
}

struct Row {
    save: Duration,
    size: u64,
    fork_us: u64,
    bgsave: Duration,
    probe_p99: Duration,
    probe_max: Duration,
    /// SETs acknowledged between the BGSAVE reply and the end of the child, per second.
    writes_per_s: f64,
    /// INFO `rdb_last_cow_size` after the BGSAVE: parent pages copied while the child ran.
    cow: u64,
    load_s: f64,
}

fn measure(bin: &str, set: &str, keys: u64, elements: u64) -> Result<Row, String> {
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "uredis-bench-persist-{}-{}",
        std::process::id(),
        free_port().map_err(|e| e.to_string())?
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let result = (|| {
        let p = start(bin, &dir, &dir.join("first.log"))?;
        fill(p.port, set, keys, elements);
        let mut c = connect(p.port);
        let t = Instant::now();
        let r = call(&mut c, &[b"SAVE"]);
        let save = t.elapsed();
        if !r.starts_with("+OK") {
            return Err(format!("SAVE: {r}"));
        }
        let size = std::fs::metadata(dir.join("dump.rdb"))
            .map(|m| m.len())
            .unwrap_or(0);

        // BGSAVE with a pipelined writer and a PING probe running. The writer counts its
        // acknowledged SETs in `acked`, read when the BGSAVE starts and when it ends.
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(AtomicU64::new(0));
        let writer = {
            let stop = stop.clone();
            let acked = acked.clone();
            let port = p.port;
            std::thread::spawn(move || {
                let mut w = connect(port);
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    pipeline(
                        &mut w,
                        (0..100u64).map(|i| {
                            common::resp(&[
                                b"SET",
                                format!("w:{}", (n + i) % 100_000).as_bytes(),
                                b"x",
                            ])
                        }),
                    );
                    n += 100;
                    acked.store(n, Ordering::Relaxed);
                }
                n
            })
        };
        let probe = {
            let stop = stop.clone();
            let port = p.port;
            std::thread::spawn(move || {
                let mut s = connect(port);
                let mut lat = Vec::new();
                let mut b = [0u8; 64];
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    s.write_all(b"PING\r\n").unwrap();
                    let _ = s.read(&mut b).unwrap();
                    lat.push(t.elapsed());
                    std::thread::sleep(Duration::from_millis(1));
                }
                lat
            })
        };
        std::thread::sleep(Duration::from_millis(200));
        let t = Instant::now();
        let r = call(&mut c, &[b"BGSAVE"]);
        let acked_at_start = acked.load(Ordering::Relaxed);
        if !r.contains("started") {
            return Err(format!("BGSAVE: {r}"));
        }
        while info_field(&mut c, "persistence", "rdb_bgsave_in_progress") != "0" {
            std::thread::sleep(Duration::from_millis(5));
        }
        let bgsave = t.elapsed();
        let writes_during = acked.load(Ordering::Relaxed) - acked_at_start;
        stop.store(true, Ordering::Relaxed);
        writer.join().map_err(|_| "writer failed")?;
        let mut lat = probe.join().map_err(|_| "probe failed")?;
        lat.sort();
        let probe_p99 = lat.get(lat.len() * 99 / 100).copied().unwrap_or_default();
        let probe_max = lat.last().copied().unwrap_or_default();
        let cow = info_field(&mut c, "persistence", "rdb_last_cow_size")
            .parse()
            .unwrap_or(0);
        let fork_us = info_field(&mut c, "stats", "latest_fork_usec")
            .parse()
            .unwrap_or(0);
        drop(c);
        drop(p);

        // Restart on the same directory: the server's own load time.
        let log = dir.join("second.log");
        let p = start(bin, &dir, &log)?;
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let load_s = text
            .lines()
            .find_map(|l| l.split("DB loaded from disk: ").nth(1))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN);
        drop(p);
        Ok(Row {
            save,
            size,
            fork_us,
            bgsave,
            probe_p99,
            probe_max,
            writes_per_s: writes_during as f64 / bgsave.as_secs_f64(),
            cow,
            load_s,
        })
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// CPU time (µs) of a `clock_gettime` clock.
fn cpu_us(clock: libc::clockid_t) -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as f64 * 1e6 + ts.tv_nsec as f64 / 1e3
}

/// Voluntary + involuntary context switches of the whole process.
fn switches() -> i64 {
    // SAFETY: getrusage fills the struct we own.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    ru.ru_nvcsw + ru.ru_nivcsw
}

/// 200-byte appends, each followed by an fdatasync made with the syscall or through a ring.
fn fsync_way(
    dir: &Path,
    n: u64,
    ring: Option<&mut uredis::runtime::Ring>,
) -> Result<String, String> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join(format!("uredis-fsync-probe-{}", std::process::id()));
    let f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .custom_flags(libc::O_APPEND)
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let fd = f.as_raw_fd();
    let rec = [b'x'; 200];
    let mut ring = ring;
    let mut comps = Vec::new();
    let mut lat = Vec::with_capacity(n as usize);
    let (t0, p0, s0) = (
        cpu_us(libc::CLOCK_THREAD_CPUTIME_ID),
        cpu_us(libc::CLOCK_PROCESS_CPUTIME_ID),
        switches(),
    );
    for _ in 0..n {
        // SAFETY: writing our own buffer to our own fd.
        let w = unsafe { libc::write(fd, rec.as_ptr().cast(), rec.len()) };
        if w != rec.len() as isize {
            return Err("short write".into());
        }
        let t = Instant::now();
        match ring.as_deref_mut() {
            None => {
                // SAFETY: fdatasync of our own fd.
                if unsafe { libc::fdatasync(fd) } != 0 {
                    return Err(std::io::Error::last_os_error().to_string());
                }
            }
            Some(r) => {
                r.fdatasync(fd, 1);
                comps.clear();
                while comps.is_empty() {
                    r.submit_and_wait(None, &mut comps)
                        .map_err(|e| e.to_string())?;
                }
                if comps[0].result < 0 {
                    return Err(format!("fdatasync: {}", comps[0].result));
                }
            }
        }
        lat.push(t.elapsed());
    }
    let (t1, p1, s1) = (
        cpu_us(libc::CLOCK_THREAD_CPUTIME_ID),
        cpu_us(libc::CLOCK_PROCESS_CPUTIME_ID),
        switches(),
    );
    drop(f);
    let _ = std::fs::remove_file(&path);
    lat.sort();
    let q = |p: usize| lat[(lat.len() * p / 100).min(lat.len() - 1)].as_secs_f64() * 1e6;
    let nf = n as f64;
    Ok(format!(
        "{:.0} | {:.0} | {:.1} | {:.1} | {:.1} |",
        q(50),
        q(99),
        (t1 - t0) / nf,
        (p1 - p0) / nf,
        (s1 - s0) as f64 / nf
    ))
}

/// The `fsync` set: the fdatasync alone, plain and through the ring, alternating rounds.
fn fsync_alone() {
    let dir = PathBuf::from(std::env::var("UREDIS_PERSIST_DIR").unwrap_or_else(|_| "/tmp".into()));
    let n = env_u64("UREDIS_PERSIST_FSYNCS", 2000).max(1);
    let mut ring = match uredis::runtime::Ring::new(64) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("no io_uring: {e:?}");
            return;
        }
    };
    println!(
        "fdatasync after a 200-byte append, {n} per row, in {}",
        dir.display()
    );
    println!(
        "| way | latency median µs | p99 µs | caller CPU µs/sync | process CPU µs/sync | context switches/sync |"
    );
    println!("|---|---|---|---|---|---|");
    for _ in 0..3 {
        for (way, r) in [("syscall", None), ("io_uring", Some(&mut ring))] {
            match fsync_way(&dir, n, r) {
                Ok(row) => println!("| {way} | {row}"),
                Err(e) => println!("| {way} | error: {e} |"),
            }
        }
    }
}

fn main() {
    if std::env::var("UREDIS_PERSIST_SETS").as_deref() == Ok("fsync") {
        fsync_alone();
        return;
    }
    let keys = env_u64("UREDIS_PERSIST_KEYS", 1_000_000);
    let elements = env_u64("UREDIS_PERSIST_ELEMENTS", 1_000_000);
    let sets = std::env::var("UREDIS_PERSIST_SETS").unwrap_or_else(|_| "keys,collections".into());
    let servers = std::env::var("UREDIS_PERSIST_SERVERS").unwrap_or_else(|_| "uredis,redis".into());
    let redis = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
    let ours = env!("CARGO_BIN_EXE_uredis-server");
    println!(
        "| dataset | server | SAVE s | file MB | load s | fork µs | BGSAVE s (under writes) | PING p99 ms | PING max ms | SETs/s during BGSAVE | COW MB |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for set in sets.split(',') {
        let label = match set {
            "keys" => format!("{keys} small keys"),
            _ => format!("list+hash+set+zset, {elements} elements each"),
        };
        for name in servers.split(',') {
            let bin = if name == "redis" {
                redis.as_str()
            } else {
                ours
            };
            if name == "redis" && !runs(bin) {
                eprintln!("redis-server not found; skipped");
                continue;
            }
            match measure(bin, set, keys, elements) {
                Ok(r) => println!(
                    "| {label} | {name} | {:.2} | {:.1} | {:.2} | {} | {:.2} | {:.2} | {:.2} | {:.0} | {:.1} |",
                    r.save.as_secs_f64(),
                    r.size as f64 / (1 << 20) as f64,
                    r.load_s,
                    r.fork_us,
                    r.bgsave.as_secs_f64(),
                    r.probe_p99.as_secs_f64() * 1e3,
                    r.probe_max.as_secs_f64() * 1e3,
                    r.writes_per_s,
                    r.cow as f64 / (1 << 20) as f64
                ),
                Err(e) => println!("| {label} | {name} | error: {e} |"),
            }
        }
    }
}
