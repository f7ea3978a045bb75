//! End-to-end tests of RDB snapshots with the real binaries: SAVE, BGSAVE (also under a write
//! load), save points, LASTSAVE, SHUTDOWN [SAVE|NOSAVE] [FORCE], SIGTERM/SIGINT, MISCONF,
//! start-up load (and refusal of a corrupt file), DEBUG RELOAD, INFO persistence; and files
//! exchanged with redis-server 7.0 both ways (checked with redis-check-rdb), with every type,
//! encoding and TTL compared by reads.

mod common;

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Server, compat_with, wait_until};

const UREDIS: &str = env!("CARGO_BIN_EXE_uredis-server");

/// A scratch directory removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let d = std::env::temp_dir().join(format!(
            "uredis-persist-{tag}-{}-{}",
            std::process::id(),
            free_port()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// Starts `bin` with `--dir dir` (no save points unless `extra` sets them) and a log file in
/// `dir`. `Err` carries the exit status and the log + stderr when it exits instead.
fn try_start(bin: &str, dir: &Path, extra: &[&str]) -> Result<Server, String> {
    for _ in 0..5 {
        let port = free_port();
        let log = dir.join(format!("server-{port}.log"));
        let errf = dir.join(format!("stderr-{port}.txt"));
        let mut args: Vec<String> = vec![
            "--port".into(),
            port.to_string(),
            "--bind".into(),
            "127.0.0.1".into(),
            "--save".into(),
            "".into(),
            "--dir".into(),
            dir.display().to_string(),
            "--logfile".into(),
            log.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let child = Command::new(bin)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&errf).unwrap())
            .spawn()
            .expect("spawn server");
        // The harness removes `dir` on drop: point it at a throwaway subdirectory so the data
        // directory outlives the process (restarts reuse it).
        let mut srv = Server {
            child,
            port,
            dir: dir.join(format!("nothing-{port}")),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            // Connecting is not enough: the port is bound before the dataset is loaded (as
            // Redis does), so only a reply proves the server runs.
            if ping(port) {
                return Ok(srv);
            }
            if let Ok(Some(status)) = srv.child.try_wait() {
                let text = format!(
                    "{}{}",
                    std::fs::read_to_string(&log).unwrap_or_default(),
                    std::fs::read_to_string(&errf).unwrap_or_default()
                );
                if text.contains("in use") {
                    break; // port taken: retry with another one
                }
                return Err(format!("exited with {status}:\n{text}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Err("did not start".into())
}

fn ping(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
    if s.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut b = [0u8; 7];
    s.read_exact(&mut b).is_ok() && &b == b"+PONG\r\n"
}

fn start(dir: &Path, extra: &[&str]) -> Server {
    try_start(UREDIS, dir, extra).unwrap_or_else(|e| panic!("uredis-server: {e}"))
}

fn redis_installed() -> bool {
    let ok = Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok();
    if !ok {
        if std::env::var_os("UREDIS_REQUIRE_REDIS").is_some() {
            panic!("UREDIS_REQUIRE_REDIS is set but redis-server is not installed");
        }
        eprintln!("note: redis-server not installed; comparison with Redis skipped");
    }
    ok
}

fn logs(dir: &Path) -> String {
    let mut s = String::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if n.ends_with(".log") || n.ends_with(".txt") {
            s.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    s
}

fn q<T: redis::FromRedisValue>(con: &mut redis::Connection, args: &[&str]) -> T {
    let mut c = redis::cmd(args[0]);
    for a in &args[1..] {
        c.arg(*a);
    }
    c.query(con)
        .unwrap_or_else(|e| panic!("{args:?} failed: {e}"))
}

fn try_q(con: &mut redis::Connection, args: &[&str]) -> Result<redis::Value, String> {
    let mut c = redis::cmd(args[0]);
    for a in &args[1..] {
        c.arg(*a);
    }
    c.query::<redis::Value>(con).map_err(|e| e.to_string())
}

fn info_field(con: &mut redis::Connection, section: &str, name: &str) -> String {
    let text: String = q(con, &["INFO", section]);
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name} in INFO {section}: {text}"))
        .trim()
        .to_string()
}

fn info_num(con: &mut redis::Connection, section: &str, name: &str) -> i64 {
    info_field(con, section, name).parse().unwrap()
}

/// Waits (bounded) until no BGSAVE runs; returns the last status.
fn wait_bgsave_done(con: &mut redis::Connection) -> String {
    assert!(
        wait_until(Duration::from_secs(60), || info_num(
            con,
            "persistence",
            "rdb_bgsave_in_progress"
        ) == 0),
        "BGSAVE did not finish"
    );
    info_field(con, "persistence", "rdb_last_bgsave_status")
}

fn wait_exit(srv: &mut Server) -> std::process::ExitStatus {
    let mut status = None;
    assert!(
        wait_until(Duration::from_secs(30), || {
            status = srv.child.try_wait().unwrap();
            status.is_some()
        }),
        "the server did not exit"
    );
    status.unwrap()
}

/// Sends SHUTDOWN (with modifiers) and waits for the process to exit.
fn shutdown(srv: &mut Server, args: &[&str]) -> std::process::ExitStatus {
    let mut r = srv.raw();
    let mut cmd: Vec<&[u8]> = vec![b"SHUTDOWN"];
    cmd.extend(args.iter().map(|a| a.as_bytes()));
    r.cmd(&cmd);
    assert!(
        r.is_closed(),
        "SHUTDOWN {args:?} should close the connection"
    );
    wait_exit(srv)
}

/// Every type and encoding Redis 7.0 writes, with TTLs, in two databases.
fn populate(con: &mut redis::Connection) {
    let big = "x".repeat(100);
    let compressible = "abc".repeat(50);
    let cmds: Vec<Vec<String>> = vec![
        vec!["SET".into(), "str:raw".into(), "hello world".into()],
        vec!["SET".into(), "str:int".into(), "123456".into()],
        vec!["SET".into(), "str:neg".into(), "-42".into()],
        vec!["SET".into(), "str:big".into(), "9223372036854775807".into()],
        vec!["SET".into(), "str:lzf".into(), compressible.clone()],
        vec!["SET".into(), "str:empty".into(), "".into()],
        vec!["SET".into(), "str:bin\x00\u{7f}".into(), "v\r\n\x00".into()],
        vec![
            "SET".into(),
            "str:ttl".into(),
            "t".into(),
            "PX".into(),
            "500000".into(),
        ],
        vec![
            "RPUSH".into(),
            "list:small".into(),
            "a".into(),
            "1".into(),
            "-7".into(),
            "c".into(),
        ],
        vec![
            "SADD".into(),
            "set:int".into(),
            "1".into(),
            "2".into(),
            "-3".into(),
            "70000".into(),
        ],
        vec![
            "SADD".into(),
            "set:str".into(),
            "a".into(),
            "b".into(),
            "c".into(),
        ],
        vec![
            "HSET".into(),
            "hash:small".into(),
            "f1".into(),
            "v1".into(),
            "f2".into(),
            "22".into(),
        ],
        vec!["HSET".into(), "hash:bigval".into(), "f".into(), big.clone()],
        vec![
            "ZADD".into(),
            "zset:small".into(),
            "1.5".into(),
            "a".into(),
            "-2".into(),
            "b".into(),
            "inf".into(),
            "c".into(),
            "0".into(),
            "d".into(),
        ],
        vec!["ZADD".into(), "zset:bigval".into(), "3".into(), big.clone()],
        vec!["PEXPIRE".into(), "hash:small".into(), "400000".into()],
    ];
    for c in &cmds {
        let args: Vec<&str> = c.iter().map(|s| s.as_str()).collect();
        let _: redis::Value = q(con, &args);
    }
    // Big collections (hashtable, skiplist, many quicklist nodes, intset past its limit).
    let mut list = redis::cmd("RPUSH");
    list.arg("list:big");
    let mut set = redis::cmd("SADD");
    set.arg("set:big");
    let mut setint = redis::cmd("SADD");
    setint.arg("set:bigint");
    let mut hash = redis::cmd("HSET");
    hash.arg("hash:big");
    let mut zset = redis::cmd("ZADD");
    zset.arg("zset:big");
    for i in 0..1000 {
        list.arg(format!("item-{i}-{}", "y".repeat(i % 40)));
        set.arg(format!("m{i}"));
        setint.arg(i as i64 * 3 - 500);
        hash.arg(format!("f{i}")).arg(i * 7);
        zset.arg(i as f64 / 3.0).arg(format!("z{i}"));
    }
    for c in [list, set, setint, hash, zset] {
        let _: redis::Value = c.query(con).unwrap();
    }
    let _: () = q(con, &["PEXPIRE", "zset:big", "300000"]);
    let _: () = q(con, &["SELECT", "3"]);
    let _: () = q(con, &["SET", "db3:key", "in db 3"]);
    let _: () = q(con, &["RPUSH", "db3:list", "x"]);
    let _: () = q(con, &["PEXPIRE", "db3:list", "200000"]);
    let _: () = q(con, &["SELECT", "0"]);
}

/// What a key looks like through ordinary reads: type, encoding, contents, TTL state.
#[derive(Debug, PartialEq)]
struct KeyView {
    kind: String,
    encoding: String,
    contents: Vec<Vec<u8>>,
    /// None: no TTL; Some(ms) remaining.
    pttl: Option<i64>,
}

fn view(con: &mut redis::Connection, dbs: &[u32]) -> BTreeMap<(u32, Vec<u8>), KeyView> {
    let mut out = BTreeMap::new();
    for &db in dbs {
        let _: () = redis::cmd("SELECT").arg(db).query(con).unwrap();
        let keys: Vec<Vec<u8>> = redis::cmd("KEYS").arg("*").query(con).unwrap();
        for k in keys {
            let kind: String = redis::cmd("TYPE").arg(&k).query(con).unwrap();
            let encoding: String = redis::cmd("OBJECT")
                .arg("ENCODING")
                .arg(&k)
                .query(con)
                .unwrap();
            let mut contents: Vec<Vec<u8>> = match kind.as_str() {
                "string" => vec![redis::cmd("GET").arg(&k).query(con).unwrap()],
                "list" => redis::cmd("LRANGE")
                    .arg(&k)
                    .arg(0)
                    .arg(-1)
                    .query(con)
                    .unwrap(),
                "set" => redis::cmd("SMEMBERS").arg(&k).query(con).unwrap(),
                "hash" => redis::cmd("HGETALL").arg(&k).query(con).unwrap(),
                "zset" => redis::cmd("ZRANGE")
                    .arg(&k)
                    .arg(0)
                    .arg(-1)
                    .arg("WITHSCORES")
                    .query(con)
                    .unwrap(),
                other => panic!("unexpected type {other}"),
            };
            match kind.as_str() {
                "set" => contents.sort(),
                "hash" => {
                    let mut pairs: Vec<Vec<u8>> = contents.chunks(2).map(|p| p.concat()).collect();
                    pairs.sort();
                    contents = pairs;
                }
                _ => {}
            }
            let pttl: i64 = redis::cmd("PTTL").arg(&k).query(con).unwrap();
            out.insert(
                (db, k),
                KeyView {
                    kind,
                    encoding,
                    contents,
                    pttl: (pttl >= 0).then_some(pttl),
                },
            );
        }
    }
    let _: () = redis::cmd("SELECT").arg(0).query(con).unwrap();
    out
}

/// Same keys, types, encodings and contents; TTLs present on the same keys and within the
/// range the populate step gave (they only count down).
fn assert_same_view(a: &BTreeMap<(u32, Vec<u8>), KeyView>, b: &BTreeMap<(u32, Vec<u8>), KeyView>) {
    let ka: Vec<_> = a.keys().collect();
    let kb: Vec<_> = b.keys().collect();
    assert_eq!(ka, kb, "key sets differ");
    for (k, va) in a {
        let vb = &b[k];
        let name = String::from_utf8_lossy(&k.1);
        assert_eq!(va.kind, vb.kind, "type of {name}");
        assert_eq!(va.encoding, vb.encoding, "encoding of {name}");
        assert_eq!(va.contents, vb.contents, "contents of {name}");
        match (va.pttl, vb.pttl) {
            (None, None) => {}
            (Some(x), Some(y)) => {
                assert!(
                    x > 0 && x <= 500_000 && y > 0 && y <= 500_000,
                    "pttl of {name}: {x} vs {y}"
                )
            }
            other => panic!("ttl of {name}: {other:?}"),
        }
    }
}

fn check_rdb(path: &Path) {
    let out = Command::new("redis-check-rdb").arg(path).output();
    let Ok(out) = out else {
        eprintln!("note: redis-check-rdb not installed; check skipped");
        return;
    };
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "redis-check-rdb failed:\n{text}");
    assert!(text.contains("RDB looks OK"), "{text}");
}

#[test]
fn restart_after_shutdown_keeps_every_type_and_ttl() {
    let dir = Dir::new("restart");
    let mut srv = start(&dir.0, &["--save", "3600 1"]);
    let mut con = srv.conn();
    populate(&mut con);
    let before = view(&mut con, &[0, 3]);
    assert!(before.len() > 20);
    assert!(shutdown(&mut srv, &[]).success());
    assert!(
        dir.path("dump.rdb").exists(),
        "SHUTDOWN with save points saves"
    );
    let srv2 = start(&dir.0, &[]);
    let mut con = srv2.conn();
    let after = view(&mut con, &[0, 3]);
    assert_same_view(&before, &after);
    assert_eq!(
        info_num(&mut con, "persistence", "rdb_last_load_keys_loaded") as usize,
        before.len()
    );
    let log = logs(&dir.0);
    for line in [
        "Loading RDB produced by version 7.0.15",
        "RDB age ",
        "RDB memory usage when created ",
        &format!(
            "Done loading RDB, keys loaded: {}, keys expired: 0.",
            before.len()
        ),
        "DB loaded from disk: ",
    ] {
        assert!(log.contains(line), "log lacks {line:?}:\n{log}");
    }
}

#[test]
fn shutdown_nosave_does_not_save_and_save_does() {
    let dir = Dir::new("nosave");
    let mut srv = start(&dir.0, &["--save", "3600 1"]);
    let mut con = srv.conn();
    let _: () = q(&mut con, &["SET", "k", "v"]);
    assert!(shutdown(&mut srv, &["NOSAVE"]).success());
    assert!(
        !dir.path("dump.rdb").exists(),
        "SHUTDOWN NOSAVE must not save"
    );

    // No save points: a plain SHUTDOWN does not save, SHUTDOWN SAVE does.
    let mut srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    let _: () = q(&mut con, &["SET", "k", "v"]);
    assert!(shutdown(&mut srv, &[]).success());
    assert!(!dir.path("dump.rdb").exists());
    let mut srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    let _: () = q(&mut con, &["SET", "k", "v2"]);
    assert!(shutdown(&mut srv, &["SAVE"]).success());
    assert!(dir.path("dump.rdb").exists());
    let srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    assert_eq!(q::<String>(&mut con, &["GET", "k"]), "v2");
}

#[test]
fn failed_final_save_cancels_shutdown_unless_force() {
    let dir = Dir::new("savefail");
    let mut srv = start(&dir.0, &["--save", "3600 1"]);
    // A directory where the dump goes: the rename fails (root ignores permissions, this not).
    std::fs::create_dir_all(dir.path("dump.rdb/x")).unwrap();
    let mut r = srv.raw();
    assert_eq!(r.call(&["SET", "k", "v"]), b"+OK\r\n");
    assert_eq!(
        r.call(&["SHUTDOWN"]),
        b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
    );
    assert_eq!(
        r.call(&["SHUTDOWN", "SAVE"]),
        b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
    );
    assert_eq!(r.call(&["SAVE"]), b"-ERR\r\n");
    assert_eq!(r.call(&["PING"]), b"+PONG\r\n");
    assert!(srv.child.try_wait().unwrap().is_none());
    let log = logs(&dir.0);
    assert!(
        log.contains("Error trying to save the DB, can't exit."),
        "{log}"
    );
    assert!(log.contains("Error moving temp DB file"), "{log}");
    assert!(shutdown(&mut srv, &["FORCE"]).success());
    // The temp file never stays behind.
    let temps: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("temp-"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}

fn signal_saves(sig: i32) {
    let dir = Dir::new("signal");
    let mut srv = start(&dir.0, &["--save", "3600 1"]);
    let mut con = srv.conn();
    let _: () = q(&mut con, &["SET", "survives", "yes"]);
    // SAFETY: signalling the server process this test started.
    unsafe { libc::kill(srv.pid() as i32, sig) };
    assert!(wait_exit(&mut srv).success());
    assert!(dir.path("dump.rdb").exists());
    let srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    assert_eq!(q::<String>(&mut con, &["GET", "survives"]), "yes");
    let log = logs(&dir.0);
    assert!(log.contains("scheduling shutdown..."), "{log}");
    assert!(
        log.contains("Saving the final RDB snapshot before exiting."),
        "{log}"
    );

    // Without save points nothing is saved.
    let dir = Dir::new("signal-nosave");
    let mut srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    let _: () = q(&mut con, &["SET", "k", "v"]);
    // SAFETY: as above.
    unsafe { libc::kill(srv.pid() as i32, sig) };
    assert!(wait_exit(&mut srv).success());
    assert!(!dir.path("dump.rdb").exists());
}

#[test]
fn sigterm_with_save_points_saves() {
    signal_saves(libc::SIGTERM);
}

#[test]
fn sigint_with_save_points_saves() {
    signal_saves(libc::SIGINT);
}

#[test]
fn save_points_trigger_a_bgsave() {
    let dir = Dir::new("savepoints");
    let srv = start(&dir.0, &["--save", "1 1"]);
    let mut con = srv.conn();
    assert_eq!(info_num(&mut con, "persistence", "rdb_saves"), 0);
    let _: () = q(&mut con, &["SET", "k", "v"]);
    assert_eq!(
        info_num(&mut con, "persistence", "rdb_changes_since_last_save"),
        1
    );
    assert!(
        wait_until(Duration::from_secs(30), || {
            info_num(&mut con, "persistence", "rdb_saves") >= 1
                && info_num(&mut con, "persistence", "rdb_bgsave_in_progress") == 0
        }),
        "no BGSAVE from the save point"
    );
    assert_eq!(
        info_field(&mut con, "persistence", "rdb_last_bgsave_status"),
        "ok"
    );
    assert_eq!(
        info_num(&mut con, "persistence", "rdb_changes_since_last_save"),
        0
    );
    assert!(info_num(&mut con, "stats", "total_forks") >= 1);
    assert!(dir.path("dump.rdb").exists());
    let log = logs(&dir.0);
    assert!(log.contains("1 changes in 1 seconds. Saving..."), "{log}");
    assert!(log.contains("Background saving started by pid"), "{log}");
    assert!(
        log.contains("Background saving terminated with success"),
        "{log}"
    );

    // CONFIG SET save "" stops it: changes accumulate.
    let _: () = q(&mut con, &["CONFIG", "SET", "save", ""]);
    let saves = info_num(&mut con, "persistence", "rdb_saves");
    let _: () = q(&mut con, &["SET", "k2", "v"]);
    assert_eq!(info_num(&mut con, "persistence", "rdb_saves"), saves);
    assert_eq!(
        info_num(&mut con, "persistence", "rdb_changes_since_last_save"),
        1
    );
}

#[test]
fn lastsave_moves_and_save_replies() {
    let dir = Dir::new("lastsave");
    let srv = start(&dir.0, &["--enable-protected-configs", "yes"]);
    let mut con = srv.conn();
    let first: i64 = q(&mut con, &["LASTSAVE"]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (first - now).abs() < 600,
        "LASTSAVE starts at start-up time"
    );
    let _: () = q(&mut con, &["SET", "k", "v"]);
    let mut last = first;
    assert!(
        wait_until(Duration::from_secs(15), || {
            let r: String = q(&mut con, &["SAVE"]);
            assert_eq!(r, "OK");
            last = q(&mut con, &["LASTSAVE"]);
            if last == first {
                std::thread::sleep(Duration::from_millis(200));
            }
            last > first
        }),
        "LASTSAVE did not move"
    );
    assert_eq!(
        info_num(&mut con, "persistence", "rdb_last_save_time"),
        last
    );
    assert_eq!(
        info_num(&mut con, "persistence", "rdb_changes_since_last_save"),
        0
    );
    check_rdb(&dir.path("dump.rdb"));
    // dbfilename applies at once.
    let _: () = q(&mut con, &["CONFIG", "SET", "dbfilename", "other.rdb"]);
    let _: String = q(&mut con, &["SAVE"]);
    assert!(dir.path("other.rdb").exists());
    check_rdb(&dir.path("other.rdb"));
}

#[test]
fn bgsave_while_another_client_writes() {
    let dir = Dir::new("bgsave-load");
    let mut srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    let mut p = redis::pipe();
    for i in 0..20_000 {
        p.cmd("SET").arg(format!("pre:{i}")).arg(i).ignore();
    }
    let _: () = p.query(&mut con).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let mut w = srv.conn();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _: () = redis::cmd("SET")
                    .arg(format!("during:{n}"))
                    .arg(n)
                    .query(&mut w)
                    .unwrap();
                let c: u64 = redis::cmd("INCR").arg("counter").query(&mut w).unwrap();
                n += 1;
                assert_eq!(c, n, "INCR reply during BGSAVE");
                let v: u64 = redis::cmd("GET")
                    .arg(format!("pre:{}", n % 20_000))
                    .query(&mut w)
                    .unwrap();
                assert_eq!(v, n % 20_000);
            }
            n
        })
    };
    std::thread::sleep(Duration::from_millis(50));
    let r: String = q(&mut con, &["BGSAVE"]);
    assert_eq!(r, "Background saving started");
    // A second one is refused while the child runs (if it is still running).
    if let Err(e) = try_q(&mut con, &["BGSAVE"]) {
        assert!(e.contains("Background save already in progress"), "{e}");
    }
    assert_eq!(wait_bgsave_done(&mut con), "ok");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().expect("writer saw correct replies");
    assert!(written > 0);
    assert!(info_num(&mut con, "stats", "latest_fork_usec") > 0);
    check_rdb(&dir.path("dump.rdb"));
    assert!(shutdown(&mut srv, &["NOSAVE"]).success());
    let srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    for i in (0..20_000).step_by(997) {
        let v: u64 = q(&mut con, &["GET", &format!("pre:{i}")]);
        assert_eq!(v, i);
    }
    let counter: u64 = q::<Option<u64>>(&mut con, &["GET", "counter"]).unwrap_or(0);
    assert!(counter <= written);
    let dbsize: u64 = q(&mut con, &["DBSIZE"]);
    assert!(dbsize >= 20_000 && dbsize <= 20_001 + written);
}

/// The MISCONF scenario on one server: returns the replies of the probe commands.
fn misconf_replies(bin: &str) -> Option<Vec<Vec<u8>>> {
    let dir = Dir::new("misconf");
    let srv = try_start(bin, &dir.0, &["--save", "3600 1"]).ok()?;
    // The dump's name is taken by a directory: the child's rename fails.
    std::fs::create_dir_all(dir.path("dump.rdb/x")).unwrap();
    let mut r = srv.raw();
    assert_eq!(r.call(&["SET", "before", "1"]), b"+OK\r\n");
    assert_eq!(r.call(&["BGSAVE"]), b"+Background saving started\r\n");
    let mut con = srv.conn();
    assert_eq!(wait_bgsave_done(&mut con), "err");
    let mut out = Vec::new();
    for c in [
        &["SET", "k", "v"][..],
        &["PING"],
        &["GET", "before"],
        &["DEL", "before"],
        &["MULTI"],
        &["SET", "k", "v"],
        &["EXEC"],
        &["MULTI"],
        &["GET", "before"],
        &["EXEC"],
        &["CONFIG", "SET", "stop-writes-on-bgsave-error", "no"],
        &["SET", "k", "v"],
        &["CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"],
        &["SET", "k", "v"],
    ] {
        out.push(r.call(c));
    }
    // Once a save succeeds, writes are accepted again.
    std::fs::remove_dir_all(dir.path("dump.rdb")).unwrap();
    assert_eq!(r.call(&["BGSAVE"]), b"+Background saving started\r\n");
    assert_eq!(wait_bgsave_done(&mut con), "ok");
    out.push(r.call(&["SET", "k", "v"]));
    Some(out)
}

#[test]
fn misconf_when_the_bgsave_fails() {
    let ours = misconf_replies(UREDIS).unwrap();
    let misconf = b"-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.\r\n";
    assert_eq!(ours[0], misconf);
    assert_eq!(ours[1], misconf, "PING is refused too, as in Redis");
    assert_eq!(ours[2], b"$1\r\n1\r\n");
    assert_eq!(ours[11], b"+OK\r\n");
    assert_eq!(ours[13], misconf);
    assert_eq!(ours[14], b"+OK\r\n");
    if redis_installed() {
        let theirs = misconf_replies("redis-server").expect("redis-server starts");
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            assert_eq!(
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b),
                "reply {i} differs from Redis"
            );
        }
    }
}

#[test]
fn bgsave_errors_and_schedule() {
    let dir = Dir::new("bgsave-errors");
    let srv = start(&dir.0, &[]);
    let mut r = srv.raw();
    assert_eq!(r.call(&["BGSAVE", "foo"]), b"-ERR syntax error\r\n");
    assert_eq!(
        r.call(&["BGSAVE", "SCHEDULE", "x"]),
        b"-ERR syntax error\r\n"
    );
    // Inside MULTI, BGSAVE is scheduled (Redis: in_exec), and the cron starts it.
    r.call(&["MULTI"]);
    r.call(&["BGSAVE"]);
    assert_eq!(r.call(&["EXEC"]), b"*1\r\n+Background saving scheduled\r\n");
    let mut con = srv.conn();
    assert!(
        wait_until(Duration::from_secs(30), || info_num(
            &mut con,
            "persistence",
            "rdb_saves"
        ) >= 1),
        "the scheduled BGSAVE never ran"
    );
    assert_eq!(wait_bgsave_done(&mut con), "ok");
    assert_eq!(r.call(&["MULTI"]), b"+OK\r\n");
    assert_eq!(
        r.call(&["SAVE"]),
        b"-ERR Command not allowed inside a transaction\r\n"
    );
    r.call(&["DISCARD"]);
}

#[test]
fn corrupt_dump_stops_start_up() {
    let dir = Dir::new("corrupt");
    // A valid file first, then damage it.
    let mut srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    populate(&mut con);
    let _: String = q(&mut con, &["SAVE"]);
    assert!(shutdown(&mut srv, &["NOSAVE"]).success());
    let good = std::fs::read(dir.path("dump.rdb")).unwrap();
    // Truncated.
    std::fs::write(dir.path("dump.rdb"), &good[..good.len() / 2]).unwrap();
    let e = try_start(UREDIS, &dir.0, &[])
        .err()
        .expect("a truncated file stops start-up");
    assert!(e.contains("exited with exit status: 1"), "{e}");
    assert!(e.contains("RDB"), "the error names the RDB: {e}");
    assert!(
        e.contains("at byte") || e.contains("offset"),
        "and where: {e}"
    );
    // Bad magic.
    std::fs::write(dir.path("dump.rdb"), b"NOTREDIS0010garbage").unwrap();
    let e = try_start(UREDIS, &dir.0, &[])
        .err()
        .expect("a bad magic stops start-up");
    assert!(e.contains("exit status: 1"), "{e}");
    // A flipped byte in the middle: the checksum catches it.
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x55;
    std::fs::write(dir.path("dump.rdb"), &bad).unwrap();
    let e = try_start(UREDIS, &dir.0, &[])
        .err()
        .expect("a corrupt file stops start-up");
    assert!(e.contains("exit status: 1"), "{e}");
    // A missing file is an empty dataset.
    std::fs::remove_file(dir.path("dump.rdb")).unwrap();
    let srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    assert_eq!(q::<u64>(&mut con, &["DBSIZE"]), 0);
}

#[test]
fn debug_reload_round_trips_the_dataset() {
    let dir = Dir::new("reload");
    let srv = start(&dir.0, &["--enable-debug-command", "yes"]);
    let mut con = srv.conn();
    populate(&mut con);
    let before = view(&mut con, &[0, 3]);
    let r: String = q(&mut con, &["DEBUG", "RELOAD"]);
    assert_eq!(r, "OK");
    assert_same_view(&before, &view(&mut con, &[0, 3]));
    // NOSAVE loads the file as it is: a key set since is gone.
    let _: () = q(&mut con, &["SET", "later", "x"]);
    let r: String = q(&mut con, &["DEBUG", "RELOAD", "NOSAVE"]);
    assert_eq!(r, "OK");
    assert_eq!(q::<Option<String>>(&mut con, &["GET", "later"]), None);
    let e = try_q(&mut con, &["DEBUG", "RELOAD", "BOGUS"]).unwrap_err();
    assert!(
        e.contains("DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."),
        "{e}"
    );
}

/// DEBUG RELOAD MERGE / NOFLUSH / NOSAVE replies and resulting data as Redis 7.0, including a
/// failed load (no file) after which the flushed dataset stays empty.
#[test]
fn debug_reload_options_as_redis() {
    let dbg = ["--enable-debug-command", "yes"];
    let script: &[&[&str]] = &[
        &["SET", "a", "1"],
        &["DEBUG", "RELOAD", "NOSAVE"],
        &["DBSIZE"],
        &["SET", "a", "1"],
        &["SET", "b", "2"],
        &["PEXPIREAT", "b", "4000000000000"],
        &["RPUSH", "l", "x", "y"],
        &["SAVE"],
        &["SET", "a", "10"],
        &["SET", "c", "3"],
        &["PERSIST", "b"],
        &["DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"],
        &["MGET", "a", "b", "c"],
        &["PEXPIRETIME", "b"],
        &["LRANGE", "l", "0", "-1"],
        &["DBSIZE"],
        &["SET", "a", "11"],
        &["DEBUG", "RELOAD", "NOSAVE", "MERGE"],
        &["MGET", "a", "b", "c"],
        &["DEBUG", "RELOAD", "merge", "noflush"],
        &["MGET", "a", "b", "c"],
        &["DEBUG", "RELOAD", "NOSAVE", "BOGUS"],
        &["DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE", "NOSAVE"],
        &["DBSIZE"],
    ];
    if !compat_with(&dbg, script) {
        return;
    }
    // NOFLUSH without MERGE adds the file's keys to the dataset.
    let dir = Dir::new("reload-noflush");
    let srv = start(&dir.0, &dbg);
    let mut con = srv.conn();
    let _: () = q(&mut con, &["SET", "k1", "v1"]);
    let _: () = q(&mut con, &["SAVE"]);
    let _: () = q(&mut con, &["DEL", "k1"]);
    let _: () = q(&mut con, &["SET", "k2", "v2"]);
    let r: String = q(&mut con, &["DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"]);
    assert_eq!(r, "OK");
    let got: Vec<Option<String>> = q(&mut con, &["MGET", "k1", "k2"]);
    assert_eq!(got, vec![Some("v1".into()), Some("v2".into())]);
    // A key of the file already present: Redis stops the server ("RDB has duplicated key");
    // uredis refuses the reload and leaves the dataset as it was.
    let _: () = q(&mut con, &["SET", "k1", "changed"]);
    let e = try_q(&mut con, &["DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"]).unwrap_err();
    assert!(e.contains("Error trying to load the RDB dump"), "{e}");
    let got: Vec<Option<String>> = q(&mut con, &["MGET", "k1", "k2"]);
    assert_eq!(got, vec![Some("changed".into()), Some("v2".into())]);
}

#[test]
fn flushall_saves_with_save_points() {
    let dir = Dir::new("flushall");
    let mut srv = start(&dir.0, &["--save", "3600 1000"]);
    let mut con = srv.conn();
    let _: () = q(&mut con, &["SET", "k", "v"]);
    let _: () = q(&mut con, &["FLUSHALL"]);
    assert!(
        dir.path("dump.rdb").exists(),
        "FLUSHALL saves when save points exist"
    );
    assert_eq!(
        info_num(&mut con, "persistence", "rdb_changes_since_last_save"),
        0
    );
    let _: () = q(&mut con, &["SET", "k2", "v"]);
    // Killed without saving: the restart sees the empty dataset FLUSHALL saved.
    let _ = srv.child.kill();
    let _ = srv.child.wait();
    let srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    assert_eq!(q::<u64>(&mut con, &["DBSIZE"]), 0);
}

fn section_fields(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && l.contains(':'))
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect()
}

#[test]
fn info_persistence_fields_as_redis() {
    let dir = Dir::new("info");
    let srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    let _: () = q(&mut con, &["SET", "a", "1"]);
    let r: String = q(&mut con, &["BGSAVE"]);
    assert_eq!(r, "Background saving started");
    assert_eq!(wait_bgsave_done(&mut con), "ok");
    let text: String = q(&mut con, &["INFO", "persistence"]);
    assert_eq!(info_num(&mut con, "persistence", "rdb_saves"), 1);
    assert_eq!(
        info_num(&mut con, "persistence", "rdb_changes_since_last_save"),
        0
    );
    assert!(info_num(&mut con, "persistence", "rdb_last_bgsave_time_sec") >= 0);
    assert_eq!(
        info_num(&mut con, "persistence", "rdb_current_bgsave_time_sec"),
        -1
    );
    assert_eq!(info_num(&mut con, "persistence", "current_cow_size"), 0);
    assert_eq!(info_num(&mut con, "stats", "total_forks"), 1);
    assert!(info_num(&mut con, "stats", "latest_fork_usec") > 0);
    let _: () = q(&mut con, &["CONFIG", "RESETSTAT"]);
    assert_eq!(info_num(&mut con, "stats", "total_forks"), 0);
    assert_eq!(info_num(&mut con, "persistence", "rdb_saves"), 0);
    if redis_installed() {
        let rdir = Dir::new("info-redis");
        let redis = try_start("redis-server", &rdir.0, &[]).expect("redis-server starts");
        let mut rc = redis.conn();
        let theirs: String = q(&mut rc, &["INFO", "persistence"]);
        assert_eq!(section_fields(&text), section_fields(&theirs));
    }
}

#[test]
fn uredis_dump_loads_in_redis() {
    if !redis_installed() {
        return;
    }
    let dir = Dir::new("to-redis");
    let mut srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    populate(&mut con);
    let ours = view(&mut con, &[0, 3]);
    let _: String = q(&mut con, &["SAVE"]);
    assert!(shutdown(&mut srv, &["NOSAVE"]).success());
    check_rdb(&dir.path("dump.rdb"));
    let rdir = Dir::new("to-redis-r");
    std::fs::copy(dir.path("dump.rdb"), rdir.path("dump.rdb")).unwrap();
    let redis = try_start("redis-server", &rdir.0, &[]).expect("redis-server loads our dump");
    let mut rc = redis.conn();
    assert_same_view(&ours, &view(&mut rc, &[0, 3]));
    // And the uncompressed form too (CONFIG SET rdbcompression applies at once).
    let compressed = std::fs::metadata(dir.path("dump.rdb")).unwrap().len();
    let mut srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    let _: () = q(&mut con, &["CONFIG", "SET", "rdbcompression", "no"]);
    let _: String = q(&mut con, &["SAVE"]);
    assert!(shutdown(&mut srv, &["NOSAVE"]).success());
    check_rdb(&dir.path("dump.rdb"));
    let plain = std::fs::metadata(dir.path("dump.rdb")).unwrap().len();
    assert!(
        plain > compressed,
        "rdbcompression no: {plain} vs {compressed}"
    );
    let redis = try_start("redis-server", &dir.0, &[]).expect("redis-server loads it");
    let mut rc = redis.conn();
    assert_same_view(&ours, &view(&mut rc, &[0, 3]));
}

#[test]
fn redis_dump_loads_in_uredis() {
    if !redis_installed() {
        return;
    }
    let rdir = Dir::new("from-redis-r");
    let mut redis = try_start("redis-server", &rdir.0, &[]).expect("redis-server starts");
    let mut rc = redis.conn();
    populate(&mut rc);
    let theirs = view(&mut rc, &[0, 3]);
    let _: String = q(&mut rc, &["SAVE"]);
    assert!(shutdown(&mut redis, &["NOSAVE"]).success());
    let dir = Dir::new("from-redis");
    std::fs::copy(rdir.path("dump.rdb"), dir.path("dump.rdb")).unwrap();
    let srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    assert_same_view(&theirs, &view(&mut con, &[0, 3]));
    assert!(logs(&dir.0).contains("Loading RDB produced by version 7.0"));
}

/// INFO persistence's save progress fields while a BGSAVE child runs (slowed down with the
/// hidden `rdb-key-save-delay`, as Redis's own tests do) and after it ends.
#[test]
fn bgsave_reports_keys_processed() {
    let dir = Dir::new("bgsave-progress");
    let srv = start(&dir.0, &[]);
    let mut con = srv.conn();
    let mut p = redis::pipe();
    for i in 0..20_000 {
        p.cmd("SET").arg(format!("k:{i}")).arg(i).ignore();
    }
    let _: () = p.query(&mut con).unwrap();
    let _: () = q(&mut con, &["CONFIG", "SET", "rdb-key-save-delay", "100"]);
    let r: String = q(&mut con, &["BGSAVE"]);
    assert_eq!(r, "Background saving started");
    let field = |text: &str, name: &str| -> String {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .unwrap_or_else(|| panic!("no {name}: {text}"))
            .trim()
            .to_string()
    };
    let mut seen = None;
    assert!(wait_until(Duration::from_secs(60), || {
        let text: String = q(&mut con, &["INFO", "persistence"]);
        if field(&text, "rdb_bgsave_in_progress") != "1" {
            return true;
        }
        let done: u64 = field(&text, "current_save_keys_processed").parse().unwrap();
        let total: u64 = field(&text, "current_save_keys_total").parse().unwrap();
        assert_eq!(total, 20_000, "{text}");
        assert!(done <= total, "{text}");
        assert_eq!(
            field(&text, "current_fork_perc"),
            format!("{:.2}", done as f64 * 100.0 / total as f64)
        );
        if done > 0 {
            seen = Some(done);
        }
        false
    }));
    assert_eq!(wait_bgsave_done(&mut con), "ok");
    let done = seen.expect("progress seen while the child ran");
    // Every 1024 keys, and once more with the total when the child has written them all.
    assert!(done > 0 && (done % 1024 == 0 || done == 20_000), "{done}");
    assert_eq!(
        info_num(&mut con, "persistence", "current_save_keys_processed"),
        0
    );
    assert_eq!(
        info_num(&mut con, "persistence", "current_save_keys_total"),
        0
    );
    check_rdb(&dir.path("dump.rdb"));
}
