//! Load benchmark: `redis-benchmark` against uredis and a real `redis-server`, side by side.
//!
//! Builds nothing itself: it runs the `uredis-server` binary cargo built for this benchmark's
//! profile and `redis-server` / `redis-benchmark` from PATH (skipped, with a message, when they
//! are missing). Both servers run on free ports on 127.0.0.1 with `--save ''`. For every case
//! (one redis-benchmark test at one pipeline depth) it runs redis-benchmark against each server
//! in turn, alternating which goes first, and records the requests/s redis-benchmark reports and
//! the CPU time the server process consumed during the run (utime + stime from /proc/PID/stat,
//! all threads), then prints one table.
//!
//! Run: `cargo bench --bench load`. Arguments are ignored (cargo passes `--bench`); options are
//! environment variables:
//!   UREDIS_BENCH_QUICK=1               short run (20k unpipelined / 200k pipelined requests)
//!   UREDIS_BENCH_REQUESTS=200000       requests per unpipelined run (-n)
//!   UREDIS_BENCH_PIPELINED_REQUESTS=2000000  requests per pipelined run (-n)
//!   UREDIS_BENCH_PIPELINE=16           pipeline depth of the pipelined runs (-P); 1 = none
//!   UREDIS_BENCH_CLIENTS=50            connections (-c)
//!   UREDIS_BENCH_KEYSPACE=100000       random key space (-r)
//!   UREDIS_BENCH_TESTS=set,get,ping_inline,ping_mbulk,incr,mset   tests (-t), one run each;
//!                                      also the groups `fast` (that default), `data` (the data
//!                                      type tests of redis-benchmark's default run: lpush, rpush,
//!                                      lpop, rpop, sadd, hset, spop, zadd, zpopmin, lrange_100,
//!                                      lrange_300, lrange_500, lrange_600, mset) and `all`
//!                                      (redis-benchmark's whole default run: both)
//!                                      `evalsha_get` and `evalsha_incr` run EVALSHA of a script
//!                                      doing one GET / one INCR (loaded first with SCRIPT LOAD)
//!                                      (redis-benchmark's whole default run: both), and
//!                                      `stream` (`xadd`, `xreadgroup`, `xack`: custom commands, see
//!                                      `STREAM_TESTS`; run `xadd` first so there is something
//!                                      to read)
//!                                      `big` (GET of one big value: `get_16k`, `get_100k`,
//!                                      `get_1m`, `get_8m`, see below)
//!   UREDIS_BENCH_BIG_CLIENTS=10        connections of the big-value GET cases (unpipelined
//!                                      only): the value (`-d`) is SET once under
//!                                      `key:000000000000`, then `-t get` without `-r` fetches
//!                                      it; requests = UREDIS_BENCH_BIG_BYTES (1 GiB) / size,
//!                                      at least 64 and at most the unpipelined count
//!   UREDIS_BENCH_ROUNDS=1              repeat every case; the median of the rounds is shown
//!   UREDIS_BENCH_TLS=1                 both servers listen with TLS only (a self-signed
//!                                      certificate made with openssl; redis-benchmark --tls);
//!                                      tests with a set-up step are left out
//!   UREDIS_BENCH_ACL_USER=1            run as an ACL user whose every command is checked
//!                                      (`+@all -@dangerous ~key:* ~counter:* ~mylist ...`)
//!                                      instead of the unrestricted default user
//!   UREDIS_BENCH_MEMORY_KEYS=1000000   key counts of the memory case (comma-separated); the
//!                                      memory case runs when UREDIS_BENCH_TESTS has `memory`:
//!                                      on fresh servers, one pipelined client SETs
//!                                      `key:N` -> an 8-byte value, and the table shows bytes
//!                                      per key of RSS growth and of INFO used_memory growth
//!   UREDIS_BENCH_FLOOR=1               also measure the CPU floor: a minimal PING-only responder
//!                                      on the same ring set-up as uredis (`uredis::runtime`,
//!                                      this benchmark's own binary started with `--port`),
//!                                      run with `ping_mbulk` at every depth; a second table
//!                                      shows uredis's CPU per request of each case against
//!                                      the floor's PING at the same depth, each case run again
//!                                      there next to a floor run (`rounds` times, alternating)
//!   UREDIS_BENCH_IDLE=10000            also run the idle-connections case: `get` and `set`
//!                                      unpipelined on each server alone, then again with this
//!                                      many idle connections open (maxclients raised with
//!                                      CONFIG SET), and the RSS each idle connection costs
//!   UREDIS_BENCH_UNIX=1                the benchmarked runs go over a Unix socket (both servers,
//!                                      and the floor responder, also listen on `unixsocket`;
//!                                      redis-benchmark -s); set-up steps still use TCP
//!   REDIS_SERVER, REDIS_BENCHMARK      paths of the reference binaries (default: from PATH)
//!
//! The machine is shared and the client runs on the same cores as the server, so absolute
//! figures are only indicative; the ratios, measured in the same run, are what to look at.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

mod common;
use common::{Server, env_u64, runs};

/// The default tests: quick, and runnable with strings alone.
const FAST_TESTS: &[&str] = &["set", "get", "ping_inline", "ping_mbulk", "incr", "mset"];

/// The data-type tests of redis-benchmark's default run (lists, sets, hashes, sorted sets).
/// `lrange_*` make redis-benchmark first fill the list with LPUSH; the figure shown is the
/// LRANGE one, the CPU time includes the fill.
const DATA_TESTS: &[&str] = &[
    "lpush",
    "rpush",
    "lpop",
    "rpop",
    "sadd",
    "hset",
    "spop",
    "zadd",
    "zpopmin",
    "lrange_100",
    "lrange_300",
    "lrange_500",
    "lrange_600",
    "mset",
];

/// Stream cases, run as redis-benchmark custom commands: (name, setup command run once
/// before the case with its error ignored, the benchmarked command). `xreadgroup` reads one
/// new entry per call into the PEL of one consumer (XREADGROUP's full path: group, consumer,
/// PEL insert), from what the `xadd` case appended.
const STREAM_TESTS: &[(&str, &[&str], &[&str])] = &[
    (
        "xadd",
        &[],
        &["XADD", "bench:stream", "*", "field", "__rand_int__"],
    ),
    (
        "xreadgroup",
        &["XGROUP", "CREATE", "bench:stream", "g", "0", "MKSTREAM"],
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "COUNT",
            "1",
            "STREAMS",
            "bench:stream",
            ">",
        ],
    ),
    // XACK of pending entries: `ack_setup` first fills bench:ack with ids 0-1 .. N-1 (N = the
    // key space) and delivers them all to one consumer, so each random id is acknowledged
    // once (later repeats answer 0 through the same lookups).
    ("xack", &[], &["XACK", "bench:ack", "g", "__rand_int__-1"]),
];

/// The XACK case's stream: `keys` entries, all pending in group `g` (see `STREAM_TESTS`), sent
/// through `redis-cli --pipe`.
fn ack_setup(opts: &Opts, port: u16) -> Result<(), String> {
    fn cmd(out: &mut Vec<u8>, args: &[&str]) {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        out.extend_from_slice(&common::resp(&args));
    }
    let mut payload = Vec::new();
    cmd(&mut payload, &["DEL", "bench:ack"]);
    for i in 0..opts.keyspace {
        cmd(
            &mut payload,
            &["XADD", "bench:ack", &format!("{i}-1"), "f", "v"],
        );
    }
    cmd(&mut payload, &["XGROUP", "CREATE", "bench:ack", "g", "0"]);
    let count = opts.keyspace.to_string();
    cmd(
        &mut payload,
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "COUNT",
            &count,
            "STREAMS",
            "bench:ack",
            ">",
        ],
    );
    let cli = opts.redis_benchmark.replace("redis-benchmark", "redis-cli");
    let mut child = Command::new(&cli)
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "--pipe"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {cli}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(&payload)
            .map_err(|e| format!("redis-cli --pipe: {e}"))?;
    }
    let status = child.wait().map_err(|e| format!("redis-cli --pipe: {e}"))?;
    if !status.success() {
        return Err("setting up the XACK stream failed".into());
    }
    Ok(())
}

/// GET of one big value: (test name, value size in bytes).
const BIG_TESTS: &[(&str, u64)] = &[
    ("get_16k", 16 * 1024),
    ("get_100k", 100 * 1024),
    ("get_1m", 1024 * 1024),
    ("get_8m", 8 * 1024 * 1024),
];

fn big_size(test: &str) -> Option<u64> {
    BIG_TESTS.iter().find(|t| t.0 == test).map(|t| t.1)
}

/// Expands `UREDIS_BENCH_TESTS` entries: groups (`fast`, `data`, `all`), `ping` as its two
/// tests (one test per run), without duplicates.
fn expand_tests(spec: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in spec.split(',').map(|t| t.trim().to_ascii_lowercase()) {
        let names: Vec<&str> = match t.as_str() {
            "" => vec![],
            "fast" => FAST_TESTS.to_vec(),
            "data" => DATA_TESTS.to_vec(),
            "stream" => STREAM_TESTS.iter().map(|t| t.0).collect(),
            "big" => BIG_TESTS.iter().map(|t| t.0).collect(),
            "all" => FAST_TESTS.iter().chain(DATA_TESTS).copied().collect(),
            // `-t ping` would run two tests in one run; keep one test per run.
            "ping" => vec!["ping_inline", "ping_mbulk"],
            other => vec![other],
        };
        for n in names {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        }
    }
    out
}

struct Opts {
    requests: u64,
    pipelined_requests: u64,
    pipeline: u64,
    clients: u64,
    keyspace: u64,
    tests: Vec<String>,
    rounds: usize,
    redis_server: String,
    redis_benchmark: String,
    acl_user: bool,
    big_clients: u64,
    big_bytes: u64,
    /// Both servers listen with TLS only (`UREDIS_BENCH_TLS=1`).
    tls: bool,
    /// The measured runs connect through the servers' Unix sockets (`UREDIS_BENCH_UNIX=1`).
    unix: bool,
}

impl Opts {
    fn from_env() -> Opts {
        let quick = std::env::var("UREDIS_BENCH_QUICK").is_ok_and(|v| v != "0" && !v.is_empty());
        let (n1, np) = if quick {
            (20_000, 200_000)
        } else {
            (200_000, 2_000_000)
        };
        let tests = expand_tests(
            &std::env::var("UREDIS_BENCH_TESTS").unwrap_or_else(|_| FAST_TESTS.join(",")),
        );
        Opts {
            requests: env_u64("UREDIS_BENCH_REQUESTS", n1).max(1),
            pipelined_requests: env_u64("UREDIS_BENCH_PIPELINED_REQUESTS", np).max(1),
            pipeline: env_u64("UREDIS_BENCH_PIPELINE", 16).max(1),
            clients: env_u64("UREDIS_BENCH_CLIENTS", 50).max(1),
            keyspace: env_u64("UREDIS_BENCH_KEYSPACE", 100_000).max(1),
            tests,
            rounds: env_u64("UREDIS_BENCH_ROUNDS", 1).max(1) as usize,
            redis_server: std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".into()),
            redis_benchmark: std::env::var("REDIS_BENCHMARK")
                .unwrap_or_else(|_| "redis-benchmark".into()),
            acl_user: std::env::var("UREDIS_BENCH_ACL_USER")
                .is_ok_and(|v| v != "0" && !v.is_empty()),
            big_clients: env_u64("UREDIS_BENCH_BIG_CLIENTS", 10).max(1),
            big_bytes: env_u64("UREDIS_BENCH_BIG_BYTES", 1 << 30).max(1),
            tls: std::env::var("UREDIS_BENCH_TLS").is_ok_and(|v| v != "0" && !v.is_empty()),
            unix: std::env::var("UREDIS_BENCH_UNIX").is_ok_and(|v| v != "0" && !v.is_empty()),
        }
    }
}

/// One measurement: requests/s as redis-benchmark reports it, server CPU µs per request.
#[derive(Clone, Copy)]
struct Sample {
    rps: f64,
    cpu_per_req: f64,
}

/// The user of `UREDIS_BENCH_ACL_USER` (name and password), and its rules: every command
/// redis-benchmark sends is allowed, but not through the unrestricted fast path, so each one
/// is checked against the command bits and the key patterns.
const ACL_USER: &str = "bench";
const ACL_RULES: &[&str] = &[
    "on",
    ">bench",
    "+@all",
    "-@dangerous",
    "+config",
    "~key:*",
    "~counter:*",
    "~mylist",
    "~myset",
    "~myhash",
    "~myzset",
    "~myset:*",
    "&*",
];

/// Creates the `UREDIS_BENCH_ACL_USER` user on a server with redis-cli.
fn create_acl_user(srv: &Server) -> Result<(), String> {
    let out = Command::new("redis-cli")
        .args(["-p", &srv.port.to_string(), "ACL", "SETUSER", ACL_USER])
        .args(ACL_RULES)
        .output()
        .map_err(|e| format!("cannot run redis-cli: {e}"))?;
    if String::from_utf8_lossy(&out.stdout).trim() == "OK" {
        Ok(())
    } else {
        Err(format!(
            "ACL SETUSER on {}: {}",
            srv.name,
            String::from_utf8_lossy(&out.stdout)
        ))
    }
}

/// The scripts of the `evalsha_*` tests.
fn eval_script(test: &str) -> Option<&'static str> {
    match test {
        "evalsha_get" => Some("return redis.call('get', KEYS[1])"),
        "evalsha_incr" => Some("return redis.call('incr', KEYS[1])"),
        _ => None,
    }
}

fn run_case(
    opts: &Opts,
    srv: &mut Server,
    test: &str,
    pipeline: u64,
    n: u64,
) -> Result<Sample, String> {
    // EVALSHA tests: load the script (its SHA1 is the one redis-benchmark then sends).
    let mut test_args: Vec<String> = vec!["-t".into(), test.into()];
    if let Some(script) = eval_script(test) {
        let cli = opts.redis_benchmark.replace("redis-benchmark", "redis-cli");
        let loaded = Command::new(&cli)
            .args(["-h", "127.0.0.1", "-p", &srv.port.to_string()])
            .args(["SCRIPT", "LOAD", script])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {cli}: {e}"))?;
        let sha = String::from_utf8_lossy(&loaded.stdout).trim().to_string();
        if sha != uredis::script::sha1hex(script.as_bytes()) {
            return Err(format!("SCRIPT LOAD against {} answered {sha:?}", srv.name));
        }
        // INCR gets keys of its own: `set` (run before it in a later round) fills key:* with
        // non-integer values.
        let key = if test == "evalsha_incr" {
            "counter:__rand_int__"
        } else {
            "key:__rand_int__"
        };
        test_args = ["EVALSHA", &sha, "1", key]
            .iter()
            .map(|s| s.to_string())
            .collect();
    }
    if test == "xack" {
        ack_setup(opts, srv.port)?;
    }
    // Stream tests: a custom command, after a one-off setup command.
    let custom = STREAM_TESTS.iter().find(|t| t.0 == test);
    if let Some((_, setup, command)) = custom {
        if !setup.is_empty() {
            let _ = Command::new(&opts.redis_benchmark)
                .args(["-h", "127.0.0.1", "-p", &srv.port.to_string()])
                .args(["-c", "1", "-n", "1"])
                .args(*setup)
                .stdin(Stdio::null())
                .output();
        }
        test_args = command.iter().map(|s| s.to_string()).collect();
    }
    // Big-value GET: store the one value first (`-t set` without `-r` writes
    // key:000000000000), then GET it without `-r`.
    let big = big_size(test);
    let mut clients = opts.clients;
    let mut keyspace = vec!["-r".to_string(), opts.keyspace.to_string()];
    if let Some(size) = big {
        let out = Command::new(&opts.redis_benchmark)
            .args(["-h", "127.0.0.1", "-p", &srv.port.to_string()])
            .args(["-c", "1", "-n", "1", "-d", &size.to_string(), "-t", "set"])
            .arg("--csv")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", opts.redis_benchmark))?;
        if !out.status.success() {
            return Err(format!("storing the {size}-byte value failed"));
        }
        test_args = vec!["-t".into(), "get".into(), "-d".into(), size.to_string()];
        clients = opts.big_clients;
        keyspace.clear();
    }
    let before = srv
        .cpu_us()
        .ok_or("cannot read the server's /proc/PID/stat")?;
    let mut cmd = Command::new(&opts.redis_benchmark);
    if opts.acl_user {
        cmd.args(["--user", ACL_USER, "-a", ACL_USER]);
    }
    if opts.tls {
        // The servers' certificate is self-signed: not verified.
        cmd.args(["--tls", "--insecure"]);
    }
    if opts.unix {
        cmd.arg("-s").arg(srv.unix_socket());
    } else {
        cmd.args(["-h", "127.0.0.1", "-p", &srv.port.to_string()]);
    }
    // A custom command (EVALSHA, XADD ...) must come last.
    cmd.args(["-c", &clients.to_string()])
        .args(["-n", &n.to_string()])
        .args(&keyspace)
        .args(["-P", &pipeline.to_string()])
        .arg("--csv")
        .args(&test_args);
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", opts.redis_benchmark))?;
    let after = srv
        .cpu_us()
        .ok_or("cannot read the server's /proc/PID/stat")?;
    if let Ok(Some(status)) = srv.child.try_wait() {
        return Err(format!("{} exited during the run: {status}", srv.name));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    // --csv: a header line `"test","rps",...` then one line per test: `"SET","12345.67",...`.
    // Some tests run a preparation test first (`-t lrange_100` prints "LPUSH (needed to
    // benchmark LRANGE)" then "LRANGE_100 (first 100 elements)"): take the row named as asked.
    let rps = stdout
        .lines()
        .filter(|l| l.starts_with('"') && !l.starts_with("\"test\""))
        // A custom command's row is named by the command itself.
        .filter(|l| {
            eval_script(test).is_some()
                || custom.is_some()
                || row_is(l, if big.is_some() { "get" } else { test })
        })
        .find_map(|l| l.split(',').nth(1)?.trim_matches('"').parse::<f64>().ok())
        .ok_or_else(|| {
            format!(
                "no result from redis-benchmark -t {test} against {} ({}): {}{}",
                srv.name,
                out.status,
                stdout.trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            )
        })?;
    Ok(Sample {
        rps,
        cpu_per_req: (after - before) / n as f64,
    })
}

/// Whether a CSV row of redis-benchmark reports `test` (its name, then the end or a space).
fn row_is(row: &str, test: &str) -> bool {
    let name = row.trim_start_matches('"').to_ascii_lowercase();
    name.strip_prefix(test)
        .is_some_and(|rest| rest.starts_with('"') || rest.starts_with(' '))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// INFO used_memory of `srv`.
fn used_memory(srv: &Server) -> Result<f64, String> {
    let mut s = srv.connect().map_err(|e| format!("connect: {e}"))?;
    s.write_all(b"*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n")
        .map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut got = 0;
    loop {
        let n = s.read(&mut buf[got..]).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("closed".into());
        }
        got += n;
        let text = String::from_utf8_lossy(&buf[..got]);
        if let Some(hdr) = text.find("\r\n")
            && let Ok(len) = text[1..hdr].parse::<usize>()
            && got >= hdr + 2 + len
        {
            return text
                .lines()
                .find_map(|l| l.strip_prefix("used_memory:")?.trim().parse().ok())
                .ok_or_else(|| "no used_memory".to_string());
        }
    }
}

/// The memory case: (RSS bytes/key, used_memory bytes/key) after loading `keys` small keys
/// into a fresh server.
fn memory_case(name: &'static str, bin: &str, keys: u64) -> Result<(f64, f64), String> {
    let srv = Server::start(name, bin)?;
    let mut s = srv.connect().map_err(|e| format!("connect: {e}"))?;
    std::thread::sleep(std::time::Duration::from_millis(200));
    let rss0 = srv.rss_mib().ok_or("no RSS")? * 1048576.0;
    let used0 = used_memory(&srv)?;
    const BATCH: u64 = 1000;
    let mut buf = Vec::with_capacity(64 * BATCH as usize);
    let mut reply = vec![0u8; 5 * BATCH as usize];
    let mut i = 0;
    while i < keys {
        let n = BATCH.min(keys - i);
        buf.clear();
        for k in i..i + n {
            let key = format!("key:{k}");
            write!(
                buf,
                "*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n$8\r\nvalue-xx\r\n",
                key.len()
            )
            .map_err(|e| e.to_string())?;
        }
        s.write_all(&buf).map_err(|e| e.to_string())?;
        let want = 5 * n as usize;
        let mut got = 0;
        while got < want {
            let r = s.read(&mut reply[got..want]).map_err(|e| e.to_string())?;
            if r == 0 {
                return Err("closed".into());
            }
            got += r;
        }
        i += n;
    }
    // Let lazy rehashing and the allocator settle.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let rss1 = srv.rss_mib().ok_or("no RSS")? * 1048576.0;
    let used1 = used_memory(&srv)?;
    Ok(((rss1 - rss0) / keys as f64, (used1 - used0) / keys as f64))
}

fn memory_cases(opts: &Opts) {
    let counts: Vec<u64> = std::env::var("UREDIS_BENCH_MEMORY_KEYS")
        .unwrap_or_else(|_| "1000000".into())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    println!(
        "\n{:<18} {:>12} {:>12} {:>7} {:>13} {:>13} {:>7}",
        "memory (B/key)", "uredis RSS", "redis RSS", "ratio", "uredis used", "redis used", "ratio"
    );
    println!("{}", "-".repeat(88));
    for keys in counts {
        let u = memory_case("uredis", env!("CARGO_BIN_EXE_uredis-server"), keys);
        let r = memory_case("redis", &opts.redis_server, keys);
        match (u, r) {
            (Ok(u), Ok(r)) => println!(
                "{:<18} {:>12.1} {:>12.1} {:>7.2} {:>13.1} {:>13.1} {:>7.2}",
                format!("{keys} keys"),
                u.0,
                r.0,
                u.0 / r.0,
                u.1,
                r.1,
                u.1 / r.1
            ),
            (Err(e), _) | (_, Err(e)) => println!("{keys} keys: FAILED: {e}"),
        }
    }
}

/// The PING-only floor responder: started as this benchmark's own binary with the arguments
/// `common::Server::start` passes (`--port N ...`). One ring with uredis's flags, a multishot
/// accept, one receive per connection into a fixed buffer and one `+PONG` per `PING` in the
/// input (an error per `CONFIG`, which redis-benchmark sends first), all replies of a receive
/// in one send. Never returns.
fn floor_server(port: u16, unix: Option<&str>) -> ! {
    use uredis::runtime::{Ring, token, untoken};
    const BUF: usize = 16 * 1024;
    struct Conn {
        fd: i32,
        buf: Box<[u8; BUF]>,
        /// The last bytes of the previous receive (a PING split across two).
        carry: usize,
        out: Vec<u8>,
    }
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap_or_else(|e| {
        eprintln!("floor: bind {port}: {e}");
        std::process::exit(1)
    });
    let mut lfds = vec![std::os::fd::IntoRawFd::into_raw_fd(listener)];
    if let Some(path) = unix {
        match std::os::unix::net::UnixListener::bind(path) {
            Ok(l) => lfds.push(std::os::fd::IntoRawFd::into_raw_fd(l)),
            Err(e) => {
                eprintln!("floor: bind {path}: {e}");
                std::process::exit(1)
            }
        }
    }
    let mut ring = Ring::new(4096).unwrap_or_else(|e| {
        eprintln!("floor: {e}");
        std::process::exit(1)
    });
    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut done = Vec::new();
    for (i, &lfd) in lfds.iter().enumerate() {
        ring.accept_multi(lfd, token(i, 1));
    }
    loop {
        done.clear();
        if ring.submit_and_wait(None, &mut done).is_err() {
            continue;
        }
        for c in done.drain(..) {
            let (slot, tag) = untoken(c.token);
            match tag {
                1 => {
                    if !c.more {
                        ring.accept_multi(lfds[slot], token(slot, 1));
                    }
                    if c.result < 0 {
                        continue;
                    }
                    let one: libc::c_int = 1;
                    // SAFETY: setsockopt on the socket just accepted, with a live int.
                    unsafe {
                        libc::setsockopt(
                            c.result,
                            libc::IPPROTO_TCP,
                            libc::TCP_NODELAY,
                            (&one as *const libc::c_int).cast(),
                            4,
                        )
                    };
                    let slot = conns.iter().position(|c| c.is_none()).unwrap_or_else(|| {
                        conns.push(None);
                        conns.len() - 1
                    });
                    let mut conn = Conn {
                        fd: c.result,
                        buf: Box::new([0; BUF]),
                        carry: 0,
                        out: Vec::with_capacity(BUF),
                    };
                    // SAFETY: the buffer is boxed and lives in `conns` until the fd closes.
                    unsafe {
                        ring.recv(conn.fd, conn.buf.as_mut_ptr(), BUF as u32, token(slot, 2))
                    };
                    conns[slot] = Some(conn);
                }
                2 => {
                    let Some(conn) = conns.get_mut(slot).and_then(|c| c.as_mut()) else {
                        continue;
                    };
                    if c.result <= 0 {
                        // SAFETY: closing the connection's own fd; nothing else is in flight.
                        unsafe { libc::close(conn.fd) };
                        conns[slot] = None;
                        continue;
                    }
                    let end = conn.carry + c.result as usize;
                    let data = &conn.buf[..end];
                    let pings = memchr::memmem::find_iter(data, b"PING\r\n").count();
                    // redis-benchmark asks for CONFIG GET save / appendonly first.
                    let others = memchr::memmem::find_iter(data, b"CONFIG\r\n").count();
                    let keep = end.min(5);
                    conn.buf.copy_within(end - keep..end, 0);
                    conn.carry = keep;
                    conn.out.clear();
                    for _ in 0..others {
                        conn.out.extend_from_slice(b"-ERR unknown command\r\n");
                    }
                    for _ in 0..pings {
                        conn.out.extend_from_slice(b"+PONG\r\n");
                    }
                    if conn.out.is_empty() {
                        let (fd, at) = (conn.fd, conn.carry);
                        // SAFETY: as above, into the buffer after the carried bytes.
                        unsafe {
                            ring.recv(
                                fd,
                                conn.buf.as_mut_ptr().add(at),
                                (BUF - at) as u32,
                                token(slot, 2),
                            )
                        };
                    } else {
                        // SAFETY: `out` is not touched until this send completes.
                        unsafe {
                            ring.send(
                                conn.fd,
                                conn.out.as_ptr(),
                                conn.out.len() as u32,
                                token(slot, 3),
                            )
                        };
                    }
                }
                _ => {
                    let Some(conn) = conns.get_mut(slot).and_then(|c| c.as_mut()) else {
                        continue;
                    };
                    // Replies are short: a partial send is not expected on loopback; the
                    // receive is re-armed either way.
                    let (fd, at) = (conn.fd, conn.carry);
                    // SAFETY: as above.
                    unsafe {
                        ring.recv(
                            fd,
                            conn.buf.as_mut_ptr().add(at),
                            (BUF - at) as u32,
                            token(slot, 2),
                        )
                    };
                }
            }
        }
    }
}

/// Opens `n` idle connections to `srv`, each checked with one PING.
fn open_idle(srv: &Server, n: u64) -> Result<Vec<std::net::TcpStream>, String> {
    let mut v = Vec::with_capacity(n as usize);
    for i in 0..n {
        let mut s = srv
            .connect()
            .map_err(|e| format!("idle connection {i}: {e}"))?;
        s.write_all(b"PING\r\n").map_err(|e| e.to_string())?;
        let mut b = [0u8; 7];
        s.read_exact(&mut b)
            .map_err(|e| format!("idle connection {i}: {e}"))?;
        v.push(s);
    }
    Ok(v)
}

fn config_set(srv: &Server, name: &str, value: &str) -> Result<(), String> {
    let out = Command::new("redis-cli")
        .args(["-p", &srv.port.to_string(), "CONFIG", "SET", name, value])
        .output()
        .map_err(|e| format!("cannot run redis-cli: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim() == "OK" {
        Ok(())
    } else {
        Err(format!("CONFIG SET {name} {value} on {}: {text}", srv.name))
    }
}

/// The idle-connections case: CPU per request of `get` and `set` (unpipelined) on each server
/// alone and with `idle` idle connections open, and RSS per idle connection.
fn idle_cases(opts: &Opts, servers: &mut [Server; 2], idle: u64) {
    println!(
        "\n{:<18} {:>11} {:>11} {:>7} {:>11} {:>11} {:>7}",
        format!("{idle} idle conns"),
        "uredis µs",
        "+idle µs",
        "ratio",
        "redis µs",
        "+idle µs",
        "ratio"
    );
    println!("{}", "-".repeat(82));
    let mut per_conn = [f64::NAN; 2];
    let mut rows: Vec<[f64; 4]> = vec![[f64::NAN; 4]; 2];
    for (si, srv) in servers.iter_mut().enumerate() {
        if let Err(e) = config_set(srv, "maxclients", &(idle + 1000).to_string()) {
            println!("idle: {e}");
            return;
        }
        for (ti, test) in ["get", "set"].iter().enumerate() {
            let alone = run_case(opts, srv, test, 1, opts.requests);
            rows[ti][si * 2] = alone.map_or(f64::NAN, |s| s.cpu_per_req);
        }
        let rss0 = srv.rss_mib().unwrap_or(f64::NAN);
        let conns = match open_idle(srv, idle) {
            Ok(c) => c,
            Err(e) => {
                println!("idle: {}: {e}", srv.name);
                continue;
            }
        };
        std::thread::sleep(std::time::Duration::from_millis(500));
        per_conn[si] = (srv.rss_mib().unwrap_or(f64::NAN) - rss0) * 1048576.0 / idle as f64;
        for (ti, test) in ["get", "set"].iter().enumerate() {
            let with = run_case(opts, srv, test, 1, opts.requests);
            rows[ti][si * 2 + 1] = with.map_or(f64::NAN, |s| s.cpu_per_req);
        }
        drop(conns);
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    for (ti, test) in ["get", "set"].iter().enumerate() {
        let r = rows[ti];
        println!(
            "{:<18} {:>11.2} {:>11.2} {:>7.2} {:>11.2} {:>11.2} {:>7.2}",
            format!("{test} P1"),
            r[0],
            r[1],
            r[1] / r[0],
            r[2],
            r[3],
            r[3] / r[2]
        );
    }
    println!(
        "RSS per idle connection: uredis {:.0} B, redis {:.0} B (ratio {:.2})",
        per_conn[0],
        per_conn[1],
        per_conn[0] / per_conn[1]
    );
}

/// The floor table: every (non-big) uredis case's CPU per request against the PING-only
/// responder's at the same depth, each case measured again next to a floor run, alternating
/// which goes first, `rounds` times.
fn floor_cases(opts: &Opts, uredis: &mut Server, depths: &[u64], cases: &[(String, u64, u64)]) {
    let exe = match std::env::current_exe() {
        Ok(e) => e.to_string_lossy().into_owned(),
        Err(e) => {
            println!("floor: {e}");
            return;
        }
    };
    let mut floor = match Server::start_opts("floor", &exe, None, opts.unix) {
        Ok(f) => f,
        Err(e) => {
            println!("floor: cannot start the responder: {e}");
            return;
        }
    };
    println!(
        "\n{:<18} {:>12} {:>12} {:>7} {:>13} {:>13} {:>7}",
        "vs PING floor",
        "uredis rps",
        "floor rps",
        "ratio",
        "uredis µs/req",
        "floor µs/req",
        "ratio"
    );
    println!("{}", "-".repeat(88));
    for &p in depths {
        let n = if p == 1 {
            opts.requests
        } else {
            opts.pipelined_requests
        };
        // Every case at this depth (big values are not comparable with a PING), each run
        // right next to a floor run, alternating which goes first: CPU per request moves with
        // the machine's load, so a ratio is only sound between neighbouring runs.
        let mut tests: Vec<&str> = vec!["ping_mbulk"];
        for (test, cp, _) in cases {
            if *cp == p && big_size(test).is_none() && !tests.contains(&test.as_str()) {
                tests.push(test);
            }
        }
        for test in tests {
            let mut fl = Vec::new();
            let mut up = Vec::new();
            for round in 0..opts.rounds {
                let order: [bool; 2] = if round % 2 == 0 {
                    [true, false]
                } else {
                    [false, true]
                };
                for is_floor in order {
                    let (srv, t) = if is_floor {
                        (&mut floor, "ping_mbulk")
                    } else {
                        (&mut *uredis, test)
                    };
                    match run_case(opts, srv, t, p, n) {
                        Ok(s) if is_floor => fl.push(s),
                        Ok(s) => up.push(s),
                        Err(e) => println!("floor: {e}"),
                    }
                }
            }
            let f_cpu = median(fl.iter().map(|s| s.cpu_per_req).collect());
            let f_rps = median(fl.iter().map(|s| s.rps).collect());
            let u_cpu = median(up.iter().map(|s| s.cpu_per_req).collect());
            let u_rps = median(up.iter().map(|s| s.rps).collect());
            println!(
                "{:<18} {:>12.0} {:>12.0} {:>7.2} {:>13.2} {:>13.2} {:>7.2}",
                format!("{test} P{p}"),
                u_rps,
                f_rps,
                u_rps / f_rps,
                u_cpu,
                f_cpu,
                u_cpu / f_cpu
            );
        }
    }
    println!("each row measured again here, alternating with the floor's PING at the same depth");
}

fn main() {
    // Started as the floor responder (`common::Server::start` passes `--port N ...`).
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "--port") {
        let port = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(0);
        let unix = args
            .iter()
            .position(|a| a == "--unixsocket")
            .and_then(|i| args.get(i + 1));
        floor_server(port, unix.map(String::as_str));
    }
    // `cargo bench` passes `--bench` and any filter meant for criterion: ignored on purpose.
    let mut opts = Opts::from_env();
    for bin in [&opts.redis_server, &opts.redis_benchmark] {
        if !runs(bin) {
            println!(
                "load: SKIPPED: `{bin}` is not installed or not runnable (install redis-server \
                 and redis-tools, or set REDIS_SERVER / REDIS_BENCHMARK)"
            );
            return;
        }
    }
    let tls_dir = std::env::temp_dir().join(format!("uredis-bench-tls-{}", std::process::id()));
    let tls = if opts.tls {
        // Only the tests without a set-up step run over TLS (the set-ups talk plain TCP).
        let mut opts_tests = opts.tests.clone();
        opts_tests.retain(|t| {
            eval_script(t).is_none()
                && big_size(t).is_none()
                && !STREAM_TESTS.iter().any(|s| s.0 == t)
                && t != "memory"
        });
        if opts_tests.len() != opts.tests.len() {
            println!("load: over TLS only the tests without a set-up step run: {opts_tests:?}");
        }
        opts.tests = opts_tests;
        match common::Tls::make(&tls_dir) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("load: {e}");
                std::process::exit(1);
            }
        }
    } else {
        None
    };
    let mut servers = match (
        Server::start_opts(
            "uredis",
            env!("CARGO_BIN_EXE_uredis-server"),
            tls.as_ref(),
            opts.unix,
        ),
        Server::start_opts("redis", &opts.redis_server, tls.as_ref(), opts.unix),
    ) {
        (Ok(u), Ok(r)) => [u, r],
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("load: cannot start the servers: {e}");
            std::process::exit(1);
        }
    };

    if opts.acl_user {
        for srv in &servers {
            if let Err(e) = create_acl_user(srv) {
                eprintln!("load: {e}");
                std::process::exit(1);
            }
        }
        println!("load: as ACL user `{ACL_USER}` ({})", ACL_RULES.join(" "));
    }
    let mut cases: Vec<(String, u64, u64)> = Vec::new();
    let mut depths = vec![1];
    if opts.pipeline > 1 {
        depths.push(opts.pipeline);
    }
    for &p in &depths {
        let n = if p == 1 {
            opts.requests
        } else {
            opts.pipelined_requests
        };
        for t in opts.tests.iter().filter(|t| *t != "memory") {
            match big_size(t) {
                // Big values: unpipelined only, a fixed number of bytes per run.
                Some(_) if p > 1 => {}
                Some(size) => {
                    let n = (opts.big_bytes / size).clamp(64, opts.requests.max(64));
                    cases.push((t.clone(), p, n));
                }
                None => cases.push((t.clone(), p, n)),
            }
        }
    }
    println!(
        "load: redis-benchmark -c {} -r {} --csv, -n {} unpipelined / -n {} at -P {}; {} round(s); \
         uredis pid {} port {}, redis pid {} port {}{}",
        opts.clients,
        opts.keyspace,
        opts.requests,
        opts.pipelined_requests,
        opts.pipeline,
        opts.rounds,
        servers[0].child.id(),
        servers[0].port,
        servers[1].child.id(),
        servers[1].port,
        if opts.unix { "; over Unix sockets" } else { "" },
    );

    // samples[case][server] -> one Sample per round
    let mut samples: Vec<[Vec<Sample>; 2]> = vec![[Vec::new(), Vec::new()]; cases.len()];
    // A failed run (e.g. a command uredis does not implement yet) is reported and skipped.
    let mut failures: Vec<[bool; 2]> = vec![[false; 2]; cases.len()];
    let started = Instant::now();
    for round in 0..opts.rounds {
        for (ci, (test, p, n)) in cases.iter().enumerate() {
            // Alternate which server goes first, so neither always runs on a warmer machine.
            let order = if (ci + round) % 2 == 0 {
                [0, 1]
            } else {
                [1, 0]
            };
            for si in order {
                match run_case(&opts, &mut servers[si], test, *p, *n) {
                    Ok(s) => {
                        eprintln!(
                            "  round {} {:<12} P{:<3} {:<7} {:>12.0} rps {:>8.2} µs CPU/req",
                            round + 1,
                            test,
                            p,
                            servers[si].name,
                            s.rps,
                            s.cpu_per_req
                        );
                        samples[ci][si].push(s);
                    }
                    Err(e) => {
                        let name = servers[si].name;
                        let e: String = e.chars().take(240).collect();
                        eprintln!(
                            "  round {} {test:<12} P{p:<3} {name:<7} FAILED: {e}",
                            round + 1
                        );
                        if let Ok(Some(status)) = servers[si].child.try_wait() {
                            eprintln!("load: {name} exited ({status}); stopping");
                            std::process::exit(1);
                        }
                        failures[ci][si] = true;
                    }
                }
            }
        }
    }

    println!();
    println!(
        "{:<18} {:>12} {:>12} {:>7} {:>13} {:>13} {:>7}",
        "case", "uredis rps", "redis rps", "ratio", "uredis µs/req", "redis µs/req", "ratio"
    );
    println!("{}", "-".repeat(88));
    for (ci, (test, p, _)) in cases.iter().enumerate() {
        let med =
            |si: usize, f: fn(&Sample) -> f64| median(samples[ci][si].iter().map(f).collect());
        let (ur, rr) = (med(0, |s| s.rps), med(1, |s| s.rps));
        let (uc, rc) = (med(0, |s| s.cpu_per_req), med(1, |s| s.cpu_per_req));
        println!(
            "{:<18} {:>12.0} {:>12.0} {:>7.2} {:>13.2} {:>13.2} {:>7.2}",
            format!("{test} P{p}"),
            ur,
            rr,
            ur / rr,
            uc,
            rc,
            uc / rc
        );
    }
    if std::env::var("UREDIS_BENCH_FLOOR").is_ok_and(|v| v != "0" && !v.is_empty()) {
        floor_cases(&opts, &mut servers[0], &depths, &cases);
    }
    let idle = env_u64("UREDIS_BENCH_IDLE", 0);
    if idle > 0 {
        idle_cases(&opts, &mut servers, idle);
    }
    if opts.tests.iter().any(|t| t == "memory") {
        memory_cases(&opts);
    }
    let failed = failures.iter().flatten().filter(|&&f| f).count();
    if failed > 0 {
        println!("\n{failed} run(s) FAILED (messages above); cases without a result show NaN.");
    }
    println!(
        "\nrps ratio = uredis/redis (higher is better for uredis); CPU ratio = uredis/redis \
         (lower is better for uredis). CPU is server utime+stime during the run \
         (clock-tick resolution). Took {:.0} s.",
        started.elapsed().as_secs_f64()
    );
}
