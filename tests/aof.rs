//! End-to-end tests of the append-only file: the directory uredis writes is accepted by
//! `redis-check-aof` and loaded by redis-server 7.0 with identical data and TTLs (and the other
//! way round), restarts keep data, CONFIG SET appendonly / BGREWRITEAOF write a base, a torn
//! last record is handled as Redis, kill -9 under load loses no acknowledged write with
//! `appendfsync always` (and at most ~2 s with `everysec`), and what is appended for each
//! command is what Redis appends.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Dump, Server, query as q, redis_or_skip, wait_until};

/// A directory that outlives the servers started in it (removed on drop).
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let d = std::env::temp_dir().join(format!(
            "uredis-aof-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn s(&self) -> String {
        self.0.display().to_string()
    }
    fn aof(&self) -> PathBuf {
        self.0.join("appendonlydir")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn uredis(dir: &Dir, extra: &[&str]) -> Server {
    let d = dir.s();
    let mut args = vec!["--dir", d.as_str(), "--appendonly", "yes"];
    args.extend_from_slice(extra);
    Server::start(&args)
}

/// Waits until a server answers PING with PONG (redis-server answers -LOADING while it
/// loads).
fn loaded(srv: &Server) -> redis::Connection {
    let mut c = srv.conn();
    let ok = wait_until(Duration::from_secs(30), || {
        redis::cmd("PING").query::<String>(&mut c).is_ok()
    });
    assert!(ok, "server still loading");
    c
}

fn info_field(c: &mut redis::Connection, field: &str) -> String {
    let text: String = q(c, &["INFO", "persistence"]);
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("{field} in {text}"))
        .trim()
        .to_string()
}

fn dump(c: &mut redis::Connection) -> Dump {
    common::dump_dbs(c, 2)
}

/// Writes a dataset with every type, both encodings of collections, TTLs, two databases.
fn fill(c: &mut redis::Connection) {
    let _: () = q(c, &["SET", "str", "hello"]);
    let _: () = q(c, &["SET", "int", "12345"]);
    let _: () = q(c, &["SET", "ttl", "v", "EX", "1000"]);
    let _: () = q(c, &["SETEX", "ttl2", "2000", "v"]);
    let _: String = q(c, &["INCRBYFLOAT", "float", "3.25"]);
    let _: i64 = q(c, &["RPUSH", "list", "a", "b", "c", "1", "2"]);
    let big: Vec<String> = (0..300).map(|i| format!("elem-{i}")).collect();
    let mut args = vec!["RPUSH", "biglist"];
    args.extend(big.iter().map(String::as_str));
    let _: i64 = q(c, &args);
    let _: i64 = q(c, &["SADD", "intset", "1", "2", "3"]);
    args[0] = "SADD";
    args[1] = "bigset";
    let _: i64 = q(c, &args);
    let _: i64 = q(c, &["HSET", "hash", "f1", "v1", "f2", "v2"]);
    let _: i64 = q(c, &["ZADD", "zset", "1.5", "a", "-2", "b", "inf", "c"]);
    let mut zargs = vec!["ZADD".to_string(), "bigzset".to_string()];
    for i in 0..200 {
        zargs.push(format!("{}.{}", i, i % 7));
        zargs.push(format!("m{i}"));
    }
    let zr: Vec<&str> = zargs.iter().map(String::as_str).collect();
    let _: i64 = q(c, &zr);
    let _: i64 = q(c, &["PEXPIRE", "hash", "5000000"]);
    let _: i64 = q(c, &["EXPIREAT", "list", "4102444800"]);
    let _: () = q(c, &["MSET", "m1", "x", "m2", "y"]);
    let _: i64 = q(c, &["DEL", "m2"]);
    for i in 1..=5 {
        let id = format!("{i}-1");
        let _: String = q(c, &["XADD", "stream", &id, "f", "v", "n", &i.to_string()]);
    }
    let _: i64 = q(c, &["XDEL", "stream", "2-1"]);
    let _: () = q(c, &["XGROUP", "CREATE", "stream", "g1", "0"]);
    let _: () = q(c, &["XGROUP", "CREATE", "stream", "g2", "$"]);
    let _: redis::Value = q(
        c,
        &[
            "XREADGROUP",
            "GROUP",
            "g1",
            "alice",
            "COUNT",
            "2",
            "STREAMS",
            "stream",
            ">",
        ],
    );
    let _: i64 = q(c, &["XGROUP", "CREATECONSUMER", "stream", "g1", "bob"]);
    let _: String = q(c, &["XADD", "emptystream", "9-9", "a", "b"]);
    let _: i64 = q(c, &["XDEL", "emptystream", "9-9"]);
    let _: () = q(c, &["SELECT", "1"]);
    let _: () = q(c, &["SET", "db1key", "in db 1", "PX", "7000000"]);
    let _: i64 = q(c, &["LPUSH", "db1list", "z"]);
    let _: () = q(c, &["SELECT", "0"]);
}

fn check_aof(dir: &Path) {
    let manifest = dir.join("appendonly.aof.manifest");
    let out = Command::new("redis-check-aof")
        .arg(&manifest)
        .output()
        .expect("redis-check-aof runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("All AOF files and manifest are valid"),
        "redis-check-aof:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn manifest(dir: &Dir) -> String {
    std::fs::read_to_string(dir.aof().join("appendonly.aof.manifest")).unwrap()
}

/// uredis's AOF directory, with a base from a rewrite and incr records after it, loads in
/// redis-server 7.0 with identical data and TTLs, and passes redis-check-aof.
fn uredis_aof_loads_in_redis(preamble: &str, extra: &[&str]) {
    let dir = Dir::new("u2r");
    let mut args = vec!["--aof-use-rdb-preamble", preamble];
    args.extend_from_slice(extra);
    let srv = uredis(&dir, &args);
    let mut c = srv.conn();
    fill(&mut c);
    let r: String = q(&mut c, &["BGREWRITEAOF"]);
    assert_eq!(r, "Background append only file rewriting started");
    assert!(wait_until(Duration::from_secs(20), || info_field(
        &mut c,
        "aof_rewrite_in_progress"
    ) == "0"));
    assert_eq!(info_field(&mut c, "aof_last_bgrewrite_status"), "ok");
    let m = manifest(&dir);
    let ext = if preamble == "yes" { "rdb" } else { "aof" };
    assert!(
        m.starts_with(&format!("file appendonly.aof.2.base.{ext} seq 2 type b\n")),
        "{m}"
    );
    // After the rewrite: more writes, into the new incr file.
    let _: () = q(&mut c, &["SET", "after", "rewrite", "PX", "9000000"]);
    let _: i64 = q(&mut c, &["RPUSH", "list", "tail"]);
    let _: () = q(&mut c, &["SELECT", "1"]);
    let _: i64 = q(&mut c, &["INCR", "counter"]);
    let _: () = q(&mut c, &["SELECT", "0"]);
    let want = dump(&mut c);
    let _: Result<(), _> = redis::cmd("SHUTDOWN").query::<()>(&mut c);
    drop(srv);
    check_aof(&dir.aof());
    if extra.contains(&"--aof-timestamp-enabled") {
        // The command base opens with an annotation (Redis's rewriteAppendOnlyFileRio); incr
        // records get one when their second differs from the last annotation's.
        let base = std::fs::read(dir.aof().join("appendonly.aof.2.base.aof")).unwrap();
        assert!(
            base.starts_with(b"#TS:"),
            "{:?}",
            &base[..base.len().min(20)]
        );
    }
    let copy = Dir::new("u2r-copy");
    copy_dir(&dir.aof(), &copy.aof());
    let c2 = copy.s();
    let Some(redis) = redis_or_skip(&["--appendonly", "yes", "--dir", &c2]) else {
        return;
    };
    let got = dump(&mut loaded(&redis));
    assert_eq!(got, want);
}

#[test]
fn uredis_aof_loads_in_redis_commands_base() {
    uredis_aof_loads_in_redis("no", &[]);
}

#[test]
fn uredis_aof_with_timestamps_loads_in_redis() {
    uredis_aof_loads_in_redis("no", &["--aof-timestamp-enabled", "yes"]);
}

#[test]
fn uredis_aof_loads_in_redis_rdb_base() {
    uredis_aof_loads_in_redis("yes", &[]);
}

/// redis-server 7.0's AOF directory loads in uredis with identical data and TTLs.
fn redis_aof_loads_in_uredis(preamble: &str) {
    let dir = Dir::new("r2u");
    let d = dir.s();
    let Some(redis) = redis_or_skip(&[
        "--appendonly",
        "yes",
        "--dir",
        &d,
        "--aof-use-rdb-preamble",
        preamble,
    ]) else {
        return;
    };
    let mut c = loaded(&redis);
    fill(&mut c);
    let _: String = q(&mut c, &["BGREWRITEAOF"]);
    assert!(wait_until(Duration::from_secs(20), || info_field(
        &mut c,
        "aof_rewrite_in_progress"
    ) == "0"));
    let _: () = q(&mut c, &["SET", "after", "rewrite"]);
    let _: i64 = q(&mut c, &["SADD", "intset", "99"]);
    let want = dump(&mut c);
    let _: Result<(), _> = redis::cmd("SHUTDOWN").query::<()>(&mut c);
    drop(redis);
    let copy = Dir::new("r2u-copy");
    copy_dir(&dir.aof(), &copy.aof());
    let srv = uredis(&copy, &[]);
    assert_eq!(dump(&mut srv.conn()), want);
}

#[test]
fn redis_aof_loads_in_uredis_commands_base() {
    redis_aof_loads_in_uredis("no");
}

#[test]
fn redis_aof_loads_in_uredis_rdb_base() {
    redis_aof_loads_in_uredis("yes");
}

#[test]
fn restart_keeps_data_and_info_fields() {
    let dir = Dir::new("restart");
    let want;
    {
        let srv = uredis(&dir, &["--aof-use-rdb-preamble", "no"]);
        let mut c = srv.conn();
        // A new, empty server gets a base file at start-up, then an incr file.
        assert_eq!(
            manifest(&dir),
            "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
        );
        fill(&mut c);
        let _: () = q(&mut c, &["MULTI"]);
        let _: String = q(&mut c, &["INCR", "tx"]);
        let _: String = q(&mut c, &["SET", "tx2", "v"]);
        let _: Vec<redis::Value> = q(&mut c, &["EXEC"]);
        want = dump(&mut c);
        assert_eq!(info_field(&mut c, "aof_enabled"), "1");
        assert_eq!(info_field(&mut c, "aof_last_write_status"), "ok");
        assert_eq!(info_field(&mut c, "aof_buffer_length"), "0");
        let size: u64 = info_field(&mut c, "aof_current_size").parse().unwrap();
        let on_disk: u64 = std::fs::read_dir(dir.aof())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| !e.file_name().to_string_lossy().ends_with("manifest"))
            .map(|e| e.metadata().unwrap().len())
            .sum();
        assert_eq!(size, on_disk);
        let _: Result<(), _> = redis::cmd("SHUTDOWN").query::<()>(&mut c);
    }
    let srv = uredis(&dir, &[]);
    // Like Redis, replayed commands are not counted, their changes are (unsaved changes).
    let stats = String::from_utf8_lossy(&srv.raw().call(&["INFO", "stats"])).into_owned();
    assert!(stats.contains("total_commands_processed:0\r\n"), "{stats}");
    let mut c = srv.conn();
    assert_ne!(info_field(&mut c, "rdb_changes_since_last_save"), "0");
    assert_eq!(dump(&mut c), want);
    check_aof(&dir.aof());
}

#[test]
fn config_set_appendonly_writes_a_base_and_bgrewriteaof_compacts() {
    let dir = Dir::new("cfgset");
    let d = dir.s();
    let srv = Server::start(&["--dir", &d, "--aof-use-rdb-preamble", "no"]);
    let mut c = srv.conn();
    for _ in 0..200 {
        let _: i64 = q(&mut c, &["INCR", "n"]);
    }
    assert_eq!(info_field(&mut c, "aof_enabled"), "0");
    let _: () = q(&mut c, &["CONFIG", "SET", "appendonly", "yes"]);
    assert!(wait_until(Duration::from_secs(20), || info_field(
        &mut c,
        "aof_rewrite_in_progress"
    ) == "0"
        && info_field(&mut c, "aof_rewrites") == "1"));
    assert_eq!(
        manifest(&dir),
        "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
    );
    let base = std::fs::read(dir.aof().join("appendonly.aof.1.base.aof")).unwrap();
    assert_eq!(
        base,
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nn\r\n$3\r\n200\r\n"
    );
    // Grow the incr file, then compact it.
    for _ in 0..500 {
        let _: i64 = q(&mut c, &["INCR", "n"]);
    }
    let before: u64 = info_field(&mut c, "aof_current_size").parse().unwrap();
    let r: String = q(&mut c, &["BGREWRITEAOF"]);
    assert_eq!(r, "Background append only file rewriting started");
    assert!(wait_until(Duration::from_secs(20), || info_field(
        &mut c,
        "aof_rewrite_in_progress"
    ) == "0"));
    let after: u64 = info_field(&mut c, "aof_current_size").parse().unwrap();
    assert!(after < before / 10, "{before} -> {after}");
    assert_eq!(info_field(&mut c, "aof_rewrites"), "2");
    assert_eq!(info_field(&mut c, "aof_last_bgrewrite_status"), "ok");
    assert_eq!(
        manifest(&dir),
        "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"
    );
    // History files are gone.
    let mut names: Vec<String> = std::fs::read_dir(dir.aof())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "appendonly.aof.2.base.aof",
            "appendonly.aof.2.incr.aof",
            "appendonly.aof.manifest"
        ]
    );
    // appendonly no stops appending.
    let _: () = q(&mut c, &["CONFIG", "SET", "appendonly", "no"]);
    assert_eq!(info_field(&mut c, "aof_enabled"), "0");
    let size = std::fs::metadata(dir.aof().join("appendonly.aof.2.incr.aof"))
        .unwrap()
        .len();
    let _: () = q(&mut c, &["SET", "x", "y"]);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        std::fs::metadata(dir.aof().join("appendonly.aof.2.incr.aof"))
            .unwrap()
            .len(),
        size
    );
    check_aof(&dir.aof());
}

#[test]
fn bgrewriteaof_replies() {
    let dir = Dir::new("bgrw");
    let srv = uredis(&dir, &["--aof-use-rdb-preamble", "no"]);
    let mut raw = srv.raw();
    // Inside EXEC it is scheduled, then runs from the cron.
    raw.call(&["MULTI"]);
    raw.call(&["BGREWRITEAOF"]);
    assert_eq!(
        raw.call(&["EXEC"]),
        b"*1\r\n+Background append only file rewriting scheduled\r\n"
    );
    let mut c = srv.conn();
    assert!(wait_until(Duration::from_secs(20), || info_field(
        &mut c,
        "aof_rewrites"
    ) == "1"
        && info_field(&mut c, "aof_rewrite_in_progress") == "0"));
    assert_eq!(info_field(&mut c, "aof_rewrite_scheduled"), "0");
}

/// Appends a torn record to the last incr file of a stopped server.
fn tear(dir: &Dir) -> u64 {
    let path = dir.aof().join("appendonly.aof.1.incr.aof");
    let len = std::fs::metadata(&path).unwrap().len();
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(b"*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$5\r\nva")
        .unwrap();
    len
}

#[test]
fn torn_last_record() {
    let dir = Dir::new("torn");
    {
        let srv = uredis(&dir, &["--aof-use-rdb-preamble", "no"]);
        let mut c = srv.conn();
        let _: () = q(&mut c, &["SET", "kept", "1"]);
        let _: Result<(), _> = redis::cmd("SHUTDOWN").query::<()>(&mut c);
    }
    let good = tear(&dir);
    // aof-load-truncated no: refuses to start, naming the way out.
    let d = dir.s();
    let port = common::free_port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_uredis-server"))
        .args([
            "--port",
            &port,
            "--dir",
            &d,
            "--appendonly",
            "yes",
            "--aof-load-truncated",
            "no",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        log.contains(
            "Unexpected end of file reading the append only file appendonly.aof.1.incr.aof"
        ),
        "{log}"
    );
    // yes (the default): truncated at the last whole record, loaded, appended to.
    let srv = uredis(&dir, &[]);
    let mut c = srv.conn();
    let v: Option<String> = q(&mut c, &["GET", "kept"]);
    assert_eq!(v.as_deref(), Some("1"));
    let v: Option<String> = q(&mut c, &["GET", "torn"]);
    assert_eq!(v, None);
    let path = dir.aof().join("appendonly.aof.1.incr.aof");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), good);
    let _: () = q(&mut c, &["SET", "next", "2"]);
    check_aof(&dir.aof());
}

/// Writes INCR/SET in a loop, recording what was acknowledged, until told to stop or the
/// connection breaks (the server was killed).
fn writer(
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> (i64, Vec<(u64, Instant)>) {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).unwrap();
    let mut c = client.get_connection().unwrap();
    let mut incr = 0;
    let mut acked = Vec::new();
    let mut i = 0u64;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let r: redis::RedisResult<i64> = redis::cmd("INCR").arg("counter").query(&mut c);
        match r {
            Ok(n) => incr = n,
            Err(_) => break,
        }
        let r: redis::RedisResult<()> =
            redis::cmd("SET").arg(format!("k:{i}")).arg(i).query(&mut c);
        if r.is_err() {
            break;
        }
        acked.push((i, Instant::now()));
        i += 1;
    }
    (incr, acked)
}

fn kill9(srv: &mut Server) {
    // SAFETY-free: kill(2) on the pid of the child we started.
    let pid = srv.pid() as i32;
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let _ = srv.child.wait();
}

fn kill9_under_load(fsync: &str, run_for: Duration) -> (Dir, i64, Vec<(u64, Instant)>, Instant) {
    let dir = Dir::new(&format!("kill9-{fsync}"));
    let mut srv = uredis(&dir, &["--appendfsync", fsync]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let (port, stop) = (srv.port, stop.clone());
            std::thread::spawn(move || writer(port, stop))
        })
        .collect();
    std::thread::sleep(run_for);
    kill9(&mut srv);
    let killed = Instant::now();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut max_incr = 0;
    let mut acked = Vec::new();
    for w in writers {
        let (n, a) = w.join().unwrap();
        max_incr = max_incr.max(n);
        acked.extend(a);
    }
    drop(srv);
    (dir, max_incr, acked, killed)
}

#[test]
fn kill9_with_appendfsync_always_loses_no_acknowledged_write() {
    let (dir, max_incr, acked, _) = kill9_under_load("always", Duration::from_millis(1500));
    assert!(max_incr > 0 && !acked.is_empty());
    let srv = uredis(&dir, &[]);
    let mut c = srv.conn();
    let counter: i64 = q(&mut c, &["GET", "counter"]);
    assert!(
        counter >= max_incr,
        "counter {counter} < acknowledged {max_incr}"
    );
    // Every acknowledged SET is there (keys are shared by the writers: k:i for each i seen).
    for (i, _) in &acked {
        let v: Option<String> = q(&mut c, &["GET", &format!("k:{i}")]);
        assert_eq!(v, Some(i.to_string()), "acknowledged k:{i} lost");
    }
}

#[test]
fn kill9_with_appendfsync_everysec_loses_at_most_about_two_seconds() {
    let (dir, _, acked, killed) = kill9_under_load("everysec", Duration::from_millis(3500));
    let srv = uredis(&dir, &[]);
    let mut c = srv.conn();
    let old: Vec<u64> = acked
        .iter()
        .filter(|(_, t)| killed.duration_since(*t) > Duration::from_secs(3))
        .map(|(i, _)| *i)
        .collect();
    assert!(!old.is_empty());
    for i in old {
        let v: Option<String> = q(&mut c, &["GET", &format!("k:{i}")]);
        assert_eq!(
            v,
            Some(i.to_string()),
            "k:{i} acknowledged > 3 s before the kill, lost"
        );
    }
}

/// The same commands on uredis and on redis-server (both `appendonly yes`): the incr files
/// hold the same commands, timestamps aside.
#[test]
fn appended_commands_match_redis() {
    let script: &[&[&str]] = &[
        // Expired keys found by commands, not by the cron (which would make the order racy).
        &["DEBUG", "SET-ACTIVE-EXPIRE", "0"],
        &["SET", "a", "1"],
        &["SET", "b", "2", "EX", "100"],
        &["SET", "c", "3", "PX", "100000", "NX"],
        &["SET", "c", "4", "XX", "GET"],
        &["SET", "d", "5", "KEEPTTL"],
        &["SET", "e", "6", "EXAT", "4102444800", "GET"],
        &["SET", "f", "7", "PXAT", "4102444800000"],
        &["SETEX", "g", "100", "v"],
        &["PSETEX", "h", "100000", "v"],
        &["GETSET", "a", "10"],
        &["SETNX", "i", "1"],
        &["GETEX", "b", "EX", "200"],
        &["GETEX", "b", "PERSIST"],
        &["GETEX", "b", "PXAT", "1000"],
        &["GETEX", "c"],
        &["GETDEL", "d"],
        &["EXPIRE", "a", "100"],
        &["EXPIRE", "a", "200", "GT"],
        &["PEXPIRE", "e", "100000", "XX"],
        &["EXPIREAT", "f", "4102444800"],
        &["PEXPIREAT", "g", "4102444800000"],
        &["EXPIRE", "h", "0"],
        &["INCRBYFLOAT", "fl", "1.5"],
        &["INCRBYFLOAT", "fl", "2.25e2"],
        &["MULTI"],
        &["SET", "x", "1"],
        &["SET", "y", "2"],
        &["EXEC"],
        &["SELECT", "2"],
        &["SET", "z", "1"],
        &["PERSIST", "z"],
        &["SET", "px", "1", "PX", "1"],
        &["DEBUG", "SLEEP", "0.01"],
        &["GET", "px"],
        &["SELECT", "0"],
        &["SET", "k", "1", "PX", "1"],
        &["DEBUG", "SLEEP", "0.01"],
        &["SET", "k", "2"],
        &["RPUSH", "l", "a", "b"],
        &["LMOVE", "l", "l2", "LEFT", "RIGHT"],
        &["CONFIG", "SET", "lazyfree-lazy-user-del", "yes"],
        &["GETDEL", "k"],
    ];
    same_aof_as_redis(script, true);
}

/// Commands of the other families: blocking pops served at once, SPOP of a whole set, MOVE,
/// SWAPDB, FLUSHALL, HINCRBYFLOAT ... append what Redis appends.
#[test]
fn appended_commands_of_other_families_match_redis() {
    let script: &[&[&str]] = &[
        &["DEBUG", "SET-ACTIVE-EXPIRE", "0"],
        &["SADD", "s", "a", "b", "c"],
        &["SPOP", "s", "5"],
        &["SADD", "s2", "x"],
        &["SPOP", "s2"],
        &["HSET", "h", "f", "1"],
        &["HINCRBYFLOAT", "h", "f", "0.5"],
        &["HINCRBY", "h", "g", "2"],
        &["RPUSH", "l", "a", "b", "c", "d"],
        &["LMPOP", "1", "l", "LEFT", "COUNT", "2"],
        &["BLPOP", "l", "0"],
        &["BRPOPLPUSH", "l", "l3", "0"],
        &["ZADD", "z", "1", "a", "2", "b", "3", "c"],
        &["ZPOPMIN", "z"],
        &["ZMPOP", "1", "z", "MAX", "COUNT", "1"],
        &["BZPOPMIN", "z", "0"],
        &["ZADD", "z", "INCR", "5", "q"],
        &["ZINCRBY", "z", "1", "q"],
        &["GEOADD", "g", "13.361389", "38.115556", "Palermo"],
        &["SMOVE", "s2", "s3", "x"],
        &["SADD", "s4", "1"],
        &["SMOVE", "s4", "s5", "1"],
        &["SET", "r", "1"],
        &["RENAME", "r", "r2"],
        &["COPY", "r2", "r3"],
        &["MOVE", "r3", "5"],
        &["SWAPDB", "0", "5"],
        &["SWAPDB", "0", "5"],
        &["APPEND", "ap", "x"],
        &["SETRANGE", "ap", "3", "y"],
        &["INCR", "n"],
        &["DECRBY", "n", "5"],
        &["MSET", "m1", "1", "m2", "2"],
        &["MSETNX", "m3", "1"],
        &["SINTERSTORE", "si", "s3", "s3"],
        &["DEL", "nosuch"],
        &["UNLINK", "m1"],
        &["EXPIRE", "m2", "100", "NX"],
        &["PERSIST", "m2"],
        &["FLUSHDB"],
        &["SELECT", "3"],
        &["SET", "a", "1"],
        &["FLUSHALL"],
        &["SET", "b", "1"],
    ];
    same_aof_as_redis(script, false);
}

/// Runs `script` on uredis and on redis-server (`appendonly yes`, `appendfsync always`) and
/// compares the commands of their incr files.
fn same_aof_as_redis(script: &[&[&str]], expect_pxat: bool) {
    let run = |srv: &Server, dir: &Dir| -> Vec<String> {
        let mut raw = srv.raw();
        for cmd in script {
            raw.call(cmd);
        }
        let _ = raw.call(&["PING"]);
        let text = std::fs::read(dir.aof().join("appendonly.aof.1.incr.aof")).unwrap();
        commands(&text)
    };
    let dir = Dir::new("cmp-u");
    let srv = uredis(
        &dir,
        &["--appendfsync", "always", "--enable-debug-command", "yes"],
    );
    let ours = run(&srv, &dir);
    let rdir = Dir::new("cmp-r");
    let rd = rdir.s();
    let Some(redis) = redis_or_skip(&[
        "--dir",
        &rd,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--enable-debug-command",
        "yes",
    ]) else {
        return;
    };
    let theirs = run(&redis, &rdir);
    assert_eq!(ours, theirs);
    if expect_pxat {
        assert!(ours.iter().any(|c| c == "SET b 2 PXAT <ms>"), "{ours:?}");
    }
}

/// The commands of an AOF text, one line each, with Unix-ms timestamps masked.
fn commands(text: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(text);
    let lines: Vec<&str> = text.split("\r\n").collect();
    let mut out = Vec::new();
    let mut j = 0;
    while j < lines.len() {
        if let Some(n) = lines[j].strip_prefix('*') {
            let n: usize = n.parse().unwrap();
            let args: Vec<String> = (0..n)
                .map(|k| {
                    let a = lines[j + 2 + 2 * k];
                    let now_ish = a.len() == 13
                        && a.starts_with('1')
                        && a.bytes().all(|b| b.is_ascii_digit());
                    if now_ish {
                        "<ms>".into()
                    } else {
                        a.to_string()
                    }
                })
                .collect();
            out.push(args.join(" "));
            j += 1 + 2 * n;
        } else {
            j += 1;
        }
    }
    out
}

#[test]
fn debug_propagated_shows_the_rewrites() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut a = srv.raw();
    a.call(&["DEBUG", "PROPAGATED", "ON"]);
    a.call(&["SET", "k", "v", "PXAT", "4102444800000", "GET"]);
    a.call(&["EXPIREAT", "k", "4102444801"]);
    a.call(&["SET", "f", "1"]);
    a.call(&["INCRBYFLOAT", "f", "0.5"]);
    a.call(&["EXPIRE", "f", "-1"]);
    let log = String::from_utf8_lossy(&a.call(&["DEBUG", "PROPAGATED"])).into_owned();
    assert_eq!(
        log,
        "*5\r\n$28\r\n0 SET k v PXAT 4102444800000\r\n$27\r\n0 PEXPIREAT k 4102444801000\r\n\
         $9\r\n0 SET f 1\r\n$19\r\n0 SET f 1.5 KEEPTTL\r\n$7\r\n0 DEL f\r\n"
    );
}

#[test]
fn active_expiry_propagates_del() {
    let srv = Server::start(&["--enable-debug-command", "yes", "--hz", "100"]);
    let mut a = srv.raw();
    a.call(&["DEBUG", "PROPAGATED", "ON"]);
    a.call(&["SET", "gone", "v", "PXAT", "1"]);
    a.call(&["SET", "gone2", "v", "PX", "5"]);
    assert!(wait_until(Duration::from_secs(5), || {
        String::from_utf8_lossy(&a.call(&["DBSIZE"])).contains(":0")
    }));
    let log = String::from_utf8_lossy(&a.call(&["DEBUG", "PROPAGATED"])).into_owned();
    assert!(log.contains("0 DEL gone2"), "{log}");
    // Each active-expiry deletion alone, not wrapped.
    assert!(!log.contains("MULTI"), "{log}");
}

#[test]
fn auto_rewrite_on_growth() {
    let dir = Dir::new("auto");
    let srv = uredis(
        &dir,
        &[
            "--aof-use-rdb-preamble",
            "no",
            "--auto-aof-rewrite-percentage",
            "100",
            "--auto-aof-rewrite-min-size",
            "4096",
        ],
    );
    let mut c = srv.conn();
    let mut raw = srv.raw();
    // 200 INCRs of one key: ~8 KB appended, far more than twice the (empty) base.
    let mut batch = Vec::new();
    for _ in 0..200 {
        batch.extend_from_slice(b"INCR n\r\n");
    }
    raw.send(&batch);
    raw.replies(200);
    assert!(wait_until(Duration::from_secs(20), || info_field(
        &mut c,
        "aof_rewrites"
    ) == "1"
        && info_field(&mut c, "aof_rewrite_in_progress") == "0"));
    let size: u64 = info_field(&mut c, "aof_current_size").parse().unwrap();
    assert!(size < 4096, "{size}");
    assert_eq!(info_field(&mut c, "aof_base_size"), size.to_string());
}

#[test]
fn bgrewriteaof_in_progress_and_scheduled_behind_bgsave() {
    let dir = Dir::new("sched");
    let srv = uredis(&dir, &["--aof-use-rdb-preamble", "no"]);
    let mut raw = srv.raw();
    let mut c = srv.conn();
    // Children are reaped by the cron, so within one pipeline the first child still runs.
    raw.send(b"BGREWRITEAOF\r\nBGREWRITEAOF\r\n");
    assert_eq!(
        raw.replies(2),
        b"+Background append only file rewriting started\r\n\
          -ERR Background append only file rewriting already in progress\r\n"
    );
    assert!(wait_until(Duration::from_secs(20), || info_field(
        &mut c,
        "aof_rewrite_in_progress"
    ) == "0"));
    raw.send(b"BGSAVE\r\nBGREWRITEAOF\r\n");
    assert_eq!(
        raw.replies(2),
        b"+Background saving started\r\n+Background append only file rewriting scheduled\r\n"
    );
    assert_eq!(info_field(&mut c, "aof_rewrite_scheduled"), "1");
    assert_eq!(info_field(&mut c, "aof_pending_rewrite"), "1");
    assert!(wait_until(Duration::from_secs(20), || info_field(
        &mut c,
        "aof_rewrites"
    ) == "2"
        && info_field(&mut c, "aof_rewrite_in_progress") == "0"));
    assert_eq!(info_field(&mut c, "aof_rewrite_scheduled"), "0");
    check_aof(&dir.aof());
}

#[test]
fn info_persistence_fields_match_redis_with_aof_on() {
    let names = |srv: &Server| -> Vec<String> {
        let text: String = q(&mut loaded(srv), &["INFO", "persistence"]);
        text.lines()
            .filter_map(|l| l.split_once(':').map(|(k, _)| k.to_string()))
            .collect()
    };
    let dir = Dir::new("info");
    let ours = names(&uredis(&dir, &[]));
    let rdir = Dir::new("info-r");
    let rd = rdir.s();
    let Some(redis) = redis_or_skip(&["--dir", &rd, "--appendonly", "yes"]) else {
        return;
    };
    assert_eq!(ours, names(&redis));
}

#[test]
fn old_style_single_aof_is_migrated() {
    let dir = Dir::new("upgrade");
    std::fs::write(
        dir.0.join("appendonly.aof"),
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n",
    )
    .unwrap();
    let srv = uredis(&dir, &[]);
    let mut c = srv.conn();
    let v: Option<String> = q(&mut c, &["GET", "old"]);
    assert_eq!(v.as_deref(), Some("style"));
    assert!(!dir.0.join("appendonly.aof").exists());
    assert_eq!(
        manifest(&dir),
        "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
    );
    let _: () = q(&mut c, &["SET", "new", "1"]);
    check_aof(&dir.aof());
}
