//! End-to-end tests of configuration honesty: every parameter of Redis 7.0.15 is known (CONFIG
//! GET * lists the same names and default values as a real redis-server; the redis.conf Redis
//! ships loads unchanged), and a parameter whose feature uredis lacks accepts only its default
//! value — at start-up (a fatal error naming the directive and the line) and through CONFIG SET
//! (Redis's CONFIG SET error form). Also the parameters that now act: protected-mode and
//! dynamic-hz.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Raw, Server, redis_or_skip};

const UREDIS: &str = env!("CARGO_BIN_EXE_uredis-server");

/// The redis.conf of the Redis 7.0.15 source release, unchanged.
const STOCK_CONF: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/redis-7.0.15.conf");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("an ephemeral port")
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "uredis-config-{tag}-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Starts `bin [file] args...` on a free port (the last `--port` wins), waiting until it
/// accepts connections; None if it exited first.
fn start_with(bin: &str, file: Option<&Path>, args: &[&str]) -> Option<Server> {
    for _attempt in 0..5 {
        let port = free_port();
        let dir = temp_dir("srv");
        let mut cmd = Command::new(bin);
        if let Some(f) = file {
            cmd.arg(f);
        }
        cmd.args(args);
        cmd.args([
            "--port",
            &port.to_string(),
            "--dir",
            &dir.display().to_string(),
            "--pidfile",
            &dir.join("server.pid").display().to_string(),
            "--daemonize",
            "no",
            "--logfile",
            "",
        ]);
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut srv = Server { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(srv);
            }
            if let Ok(Some(_)) = srv.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    None
}

/// Runs `uredis-server args...` expecting it to refuse its configuration: returns its stderr.
/// Panics if it starts serving instead (it is killed after a while).
fn refused(file: Option<&Path>, args: &[&str]) -> String {
    let port = free_port().to_string();
    let mut all: Vec<&str> = vec!["--port", &port, "--bind", "127.0.0.1", "--save", ""];
    all.extend_from_slice(args);
    let mut cmd = Command::new(UREDIS);
    if let Some(f) = file {
        cmd.arg(f);
    }
    let mut child = cmd
        .args(&all)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn uredis-server");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            assert!(
                !status.success(),
                "uredis-server {args:?} exited with success"
            );
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("uredis-server {args:?} started instead of refusing its configuration");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut err = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read stderr");
    err
}

/// CONFIG GET <pattern> as a name -> value map.
fn config_get(c: &mut redis::Connection, pattern: &str) -> BTreeMap<String, String> {
    let v: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg(pattern)
        .query(c)
        .expect("CONFIG GET");
    v.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect()
}

/// Asserts two CONFIG GET results agree except for the named parameters (which must be present
/// in both).
fn assert_same_config(
    ours: &BTreeMap<String, String>,
    real: &BTreeMap<String, String>,
    differ: &[&str],
) {
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<BTreeSet<_>>();
    let (a, b) = (names(ours), names(real));
    assert_eq!(
        a.difference(&b).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "parameters uredis lists and Redis does not"
    );
    assert_eq!(
        b.difference(&a).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "parameters Redis lists and uredis does not"
    );
    for (name, value) in real {
        if differ.contains(&name.as_str()) {
            continue;
        }
        assert_eq!(&ours[name], value, "value of '{name}' (left: uredis)");
    }
}

#[test]
fn config_get_star_lists_every_parameter_with_redis_defaults() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let (mut a, mut b) = (ours.conn(), redis.conn());
    let (mine, real) = (config_get(&mut a, "*"), config_get(&mut b, "*"));
    assert!(real.len() >= 190, "{}", real.len());
    // The harness gives each server its own port and directory.
    assert_same_config(&mine, &real, &["port", "dir"]);
    // The old names are listed beside the new ones, as in Redis.
    for pat in [
        "slave*",
        "*ziplist*",
        "lua-*",
        "repl-ping-*",
        "*replicas*",
        "tls-*",
    ] {
        assert_eq!(config_get(&mut a, pat), config_get(&mut b, pat), "{pat}");
    }
    // Hidden parameters answer only when named exactly.
    for name in [
        "rdb-key-save-delay",
        "key-load-delay",
        "watchdog-period",
        "use-exit-on-panic",
        "loading-process-events-interval-bytes",
    ] {
        assert!(!mine.contains_key(name), "{name} listed by CONFIG GET *");
        assert_eq!(config_get(&mut a, name), config_get(&mut b, name), "{name}");
    }
}

/// Every parameter set to the value CONFIG GET shows is accepted, or refused for the same
/// reason as Redis (immutable or protected). This is what a stock redis.conf does.
#[test]
fn config_set_of_every_current_value_matches_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let (mut a, mut b) = (ours.raw(), redis.raw());
    let mine = config_get(&mut ours.conn(), "*");
    // Redis can rebind these at run time; uredis reads them at start-up only.
    let rebinds = ["port", "bind"];
    for (name, value) in &mine {
        if rebinds.contains(&name.as_str()) {
            let r = a.call(&["CONFIG", "SET", name, value]);
            let expect = format!(
                "-ERR CONFIG SET failed (possibly related to argument '{name}') - can't set immutable config\r\n"
            );
            assert_eq!(String::from_utf8_lossy(&r), expect);
            continue;
        }
        let cmd = ["CONFIG", "SET", name.as_str(), value.as_str()];
        let (ra, rb) = (a.call(&cmd), b.call(&cmd));
        assert_eq!(
            String::from_utf8_lossy(&ra),
            String::from_utf8_lossy(&rb),
            "CONFIG SET {name} {value:?} (left: uredis)"
        );
    }
}

#[test]
fn config_set_refuses_what_uredis_does_not_implement() {
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    let refusal = |name: &str, default: &str| {
        format!(
            "-ERR CONFIG SET failed (possibly related to argument '{name}') - '{name}' is not supported by uredis yet (only its default value '{default}' is accepted)\r\n"
        )
    };
    for (name, value, default) in [
        ("slave-lazy-flush", "yes", "no"),
        ("replica-lazy-flush", "yes", "no"),
        ("replica-ignore-disk-write-errors", "yes", "no"),
        ("tls-replication", "yes", "no"),
        ("oom-score-adj", "relative", "no"),
        ("oom-score-adj-values", "0 100 800", "0 200 800"),
        ("maxmemory-clients", "10%", "0"),
        ("aof-disable-auto-gc", "yes", "no"),
        ("rdb-del-sync-files", "yes", "no"),
        ("lazyfree-lazy-expire", "yes", "no"),
        ("activedefrag", "yes", "no"),
    ] {
        assert_eq!(
            String::from_utf8_lossy(&r.call(&["CONFIG", "SET", name, value])),
            refusal(name, default),
            "CONFIG SET {name} {value}"
        );
        let shown = r.call(&["CONFIG", "GET", name]);
        assert!(
            String::from_utf8_lossy(&shown)
                .contains(&format!("${}\r\n{default}\r\n", default.len())),
            "{name} changed: {}",
            String::from_utf8_lossy(&shown)
        );
    }
    // The default itself, in any spelling Redis reads as it, stays accepted.
    for (name, value) in [
        ("requirepass", ""),
        ("maxmemory", "0kb"),
        ("slave-read-only", "YES"),
        ("oom-score-adj-values", "0 200 +800"),
        ("shutdown-on-sigint", "DEFAULT"),
        ("maxmemory-clients", "0%"),
        ("latency-tracking-info-percentiles", "50.0 99 99.90"),
    ] {
        assert_eq!(
            r.call(&["CONFIG", "SET", name, value]),
            b"+OK\r\n",
            "CONFIG SET {name} {value:?}"
        );
    }
    // All or nothing: a refused parameter leaves the others of the same CONFIG SET unchanged.
    assert_eq!(
        String::from_utf8_lossy(&r.call(&["CONFIG", "SET", "hz", "50", "activedefrag", "yes"])),
        refusal("activedefrag", "no")
    );
    assert_eq!(
        r.call(&["CONFIG", "GET", "hz"]),
        b"*2\r\n$2\r\nhz\r\n$2\r\n10\r\n"
    );
}

/// A bad value of a parameter uredis does not implement gets Redis's syntax error first, as if
/// the parameter were implemented.
#[test]
fn invalid_values_of_unsupported_parameters_get_redis_errors() {
    common::compat(&[
        &["CONFIG", "SET", "maxmemory", "-1"],
        &["CONFIG", "SET", "maxmemory", "lots"],
        &["CONFIG", "SET", "maxmemory-clients", "x"],
        &["CONFIG", "SET", "maxmemory-clients", "101%"],
        &["CONFIG", "SET", "maxmemory-samples", "0"],
        &["CONFIG", "SET", "slave-read-only", "maybe"],
        &["CONFIG", "SET", "oom-score-adj", "sometimes"],
        &["CONFIG", "SET", "oom-score-adj-values", "1 2"],
        &["CONFIG", "SET", "oom-score-adj-values", "0 200 3000"],
        &["CONFIG", "SET", "latency-tracking-info-percentiles", "50 x"],
        &[
            "CONFIG",
            "SET",
            "latency-tracking-info-percentiles",
            "50 101",
        ],
        &["CONFIG", "SET", "shutdown-on-sigint", "save nosave"],
        &["CONFIG", "SET", "shutdown-on-sigint", "later"],
        &["CONFIG", "SET", "shutdown-on-sigint", ""],
        &["CONFIG", "SET", "repl-diskless-load", "always"],
        &["CONFIG", "SET", "active-defrag-cycle-max", "100"],
        &["CONFIG", "SET", "tls-auth-clients", "maybe"],
        &["CONFIG", "SET", "replicaof", "no one"],
        &["CONFIG", "SET", "slaveof", "127.0.0.1 6379"],
        &["CONFIG", "SET", "cluster-enabled", "yes"],
        &["CONFIG", "SET", "unixsocketperm", "700"],
        &["CONFIG", "SET", "io-threads", "4"],
    ]);
}

/// The redis.conf shipped with Redis 7.0.15 (and Debian's variant of it) loads unchanged, and
/// the server then reports the same configuration as redis-server given the same file.
#[test]
fn stock_redis_conf_loads_unchanged() {
    let mut files = vec![PathBuf::from(STOCK_CONF)];
    // Debian's copy differs in daemonize, pidfile, logfile and dir (overridden below). It is
    // readable only by the redis group on most machines: used when it can be read.
    let debian = PathBuf::from("/etc/redis/redis.conf");
    if std::fs::read(&debian).is_ok() {
        files.push(debian);
    }
    for file in files {
        let ours = start_with(UREDIS, Some(&file), &[])
            .unwrap_or_else(|| panic!("uredis-server {} did not start", file.display()));
        let mut a = ours.conn();
        let _: () = redis::cmd("SET").arg("k").arg("v").query(&mut a).unwrap();
        let Some(redis) = start_with("redis-server", Some(&file), &[]) else {
            if std::env::var_os("UREDIS_REQUIRE_REDIS").is_some() {
                panic!("UREDIS_REQUIRE_REDIS is set but redis-server could not be started");
            }
            eprintln!("note: redis-server not installed; comparison skipped");
            continue;
        };
        let mut b = redis.conn();
        let (mine, real) = (config_get(&mut a, "*"), config_get(&mut b, "*"));
        assert_same_config(&mine, &real, &["port", "dir", "pidfile"]);
    }
}

#[test]
fn unsupported_values_are_fatal_at_start_up() {
    // From a file: the line and the directive are named, in the format of every other
    // configuration error.
    let dir = temp_dir("fatal");
    let conf = dir.join("redis.conf");
    std::fs::write(&conf, "# a comment\nport 0\nio-threads \"4\"\n").unwrap();
    let err = refused(Some(&conf), &[]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(err.contains("*** FATAL CONFIG FILE ERROR"), "{err}");
    assert!(
        err.contains("Reading the configuration file, at line 3\n"),
        "{err}"
    );
    assert!(err.contains(">>> 'io-threads \"4\"'\n"), "{err}");
    assert!(
        err.contains(
            "'io-threads' is not supported by uredis yet (only its default value '1' is accepted)"
        ),
        "{err}"
    );
    // From the command line, old names included.
    for (args, name) in [
        (&["--activedefrag", "yes"][..], "activedefrag"),
        (&["--io-threads", "4"], "io-threads"),
        (&["--tls-key-file-pass", "secret"], "tls-key-file-pass"),
        (&["--tls-cluster", "yes"], "tls-cluster"),
        (&["--cluster-enabled", "yes"], "cluster-enabled"),
        (&["--slave-lazy-flush", "yes"], "slave-lazy-flush"),
        (
            &["--appendonly", "no", "--aof-disable-auto-gc", "yes"],
            "aof-disable-auto-gc",
        ),
    ] {
        let err = refused(None, args);
        assert!(
            err.contains(&format!("'{name}' is not supported by uredis yet")),
            "{args:?}: {err}"
        );
        assert!(err.contains(&format!(">>> '{name} ")), "{args:?}: {err}");
    }
    // Directives of a Redis file that are not parameters and are not implemented.
    for args in [
        &["--rename-command", "KEYS", "NOKEYS"][..],
        &["--loadmodule", "/x.so"],
    ] {
        let err = refused(None, args);
        assert!(
            err.contains("is not supported by uredis yet"),
            "{args:?}: {err}"
        );
    }
    // A bad value of an unsupported parameter is a syntax error first, as in Redis.
    let err = refused(None, &["--maxmemory", "-1"]);
    assert!(err.contains("argument must be a memory value"), "{err}");
}

#[test]
fn defaults_and_deprecated_directives_are_accepted_at_start_up() {
    let srv = start_with(
        UREDIS,
        None,
        &[
            "--slaveof",
            "no",
            "one",
            "--requirepass",
            "",
            "--maxmemory",
            "0",
            "--oom-score-adj-values",
            "0 200 800",
            "--slave-priority",
            "100",
            "--lua-time-limit",
            "5000",
            // Read and ignored by Redis 7.0 too.
            "--list-max-ziplist-entries",
            "512",
            "--lua-replicate-commands",
            "yes",
            // Accepted with any value: no observable effect in uredis (see src/config.rs).
            "--jemalloc-bg-thread",
            "no",
            "--set-proc-title",
            "no",
        ],
    )
    .expect("uredis-server starts");
    let mut c = srv.conn();
    assert_eq!(config_get(&mut c, "slaveof")["slaveof"], "");
    assert_eq!(
        config_get(&mut c, "jemalloc-bg-thread")["jemalloc-bg-thread"],
        "no"
    );
}

/// A non-loopback address of this machine, if it has one (the source address the kernel would
/// use for an outside destination; nothing is sent).
fn outside_address() -> Option<std::net::IpAddr> {
    let s = UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

fn raw_to(ip: std::net::IpAddr, port: u16) -> Raw {
    Raw::connect((ip, port))
}

#[test]
fn protected_mode_denies_outside_clients_like_redis() {
    let Some(ip) = outside_address() else {
        eprintln!("note: no non-loopback address; protected-mode test skipped");
        return;
    };
    let bind = ["--bind", "0.0.0.0"];
    let ours = Server::start(&bind);
    let mut outside = raw_to(ip, ours.port);
    outside.send(b"PING\r\n");
    let denied = outside.read_reply();
    assert!(denied.starts_with(b"-DENIED Redis is running in protected mode"));
    assert!(outside.is_closed());
    // Loopback clients are served, and the refusal counts as a rejected connection.
    let mut local = ours.raw();
    assert_eq!(local.call(&["PING"]), b"+PONG\r\n");
    let stats = String::from_utf8_lossy(&local.call(&["INFO", "stats"])).into_owned();
    assert!(stats.contains("rejected_connections:1\r\n"), "{stats}");
    if let Some(redis) = redis_or_skip(&bind) {
        let mut theirs = raw_to(ip, redis.port);
        theirs.send(b"PING\r\n");
        assert_eq!(
            String::from_utf8_lossy(&denied),
            String::from_utf8_lossy(&theirs.read_reply())
        );
    }
    // Turned off at run time, from the loopback interface.
    assert_eq!(
        local.call(&["CONFIG", "SET", "protected-mode", "no"]),
        b"+OK\r\n"
    );
    let mut outside = raw_to(ip, ours.port);
    assert_eq!(outside.call(&["PING"]), b"+PONG\r\n");
}

fn info_hz(srv: &Server) -> (String, String) {
    let mut r = srv.raw();
    let info = String::from_utf8_lossy(&r.call(&["INFO", "server"])).into_owned();
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .unwrap_or_default()
            .to_string()
    };
    (field("hz"), field("configured_hz"))
}

/// dynamic-hz doubles the cron frequency while there are more than 200 clients per tick.
#[test]
fn dynamic_hz_follows_the_number_of_clients() {
    for (dynamic, expect) in [("yes", "2"), ("no", "1")] {
        let srv = Server::start(&["--hz", "1", "--dynamic-hz", dynamic]);
        let mut clients: Vec<Raw> = (0..250).map(|_| srv.raw()).collect();
        for c in &mut clients {
            assert_eq!(c.call(&["PING"]), b"+PONG\r\n");
        }
        assert_eq!(
            info_hz(&srv),
            (expect.to_string(), "1".to_string()),
            "dynamic-hz {dynamic}"
        );
    }
}

/// Starts `bin` supervised by a fake systemd (a datagram socket in NOTIFY_SOCKET), with
/// `daemonize yes` (ignored when supervised, as in Redis); returns the messages received up
/// to READY=1 and the running server.
fn start_supervised(bin: &str) -> Option<(Vec<String>, Server, std::os::unix::net::UnixDatagram)> {
    let dir = temp_dir("notify");
    let sock_path = dir.join("notify.sock");
    let sock = std::os::unix::net::UnixDatagram::bind(&sock_path).expect("bind notify socket");
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let port = free_port();
    let child = Command::new(bin)
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            &dir.display().to_string(),
            "--supervised",
            "systemd",
            "--daemonize",
            "yes",
            "--pidfile",
            &dir.join("server.pid").display().to_string(),
        ])
        .env("NOTIFY_SOCKET", &sock_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let srv = Server { child, port, dir };
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while got.last().map(String::as_str) != Some("READY=1\n") {
        let n = sock.recv(&mut buf).ok()?;
        got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    Some((got, srv, sock))
}

#[test]
fn supervised_by_systemd_like_redis() {
    let (got, mut ours, sock) = start_supervised(UREDIS).expect("uredis-server notifies systemd");
    assert_eq!(
        got,
        [
            "STATUS=Redis is loading...\n",
            "STATUS=Ready to accept connections\n",
            "READY=1\n"
        ]
    );
    // Still the process systemd started (not daemonized), and INFO says who supervises it.
    assert!(matches!(ours.child.try_wait(), Ok(None)));
    let mut r = ours.raw();
    let info = String::from_utf8_lossy(&r.call(&["INFO", "server"])).into_owned();
    assert!(info.contains("process_supervised:systemd\r\n"), "{info}");
    r.send(b"SHUTDOWN NOSAVE\r\n");
    let mut buf = [0u8; 4096];
    let n = sock.recv(&mut buf).expect("STOPPING=1");
    assert_eq!(&buf[..n], b"STOPPING=1\n");
    if let Some(redis) = redis_or_skip(&[]) {
        drop(redis);
        if let Some((theirs, redis, _sock)) = start_supervised("redis-server") {
            assert_eq!(got, theirs);
            let mut r = redis.raw();
            let info = String::from_utf8_lossy(&r.call(&["INFO", "server"])).into_owned();
            assert!(info.contains("process_supervised:systemd\r\n"), "{info}");
        }
    }
}

/// CONFIG REWRITE of the stock redis.conf gives Redis's file (apart from the lines that name
/// each server's port, pidfile and directory, and the ACL user Redis appends).
#[test]
fn config_rewrite_of_the_stock_file_matches_redis() {
    let rewrite = |bin: &str| -> Option<Vec<String>> {
        let dir = temp_dir("rewrite");
        let conf = dir.join("redis.conf");
        std::fs::copy(STOCK_CONF, &conf).expect("copy the stock file");
        let srv = start_with(bin, Some(&conf), &[])?;
        let ok: String = redis::cmd("CONFIG")
            .arg("REWRITE")
            .query(&mut srv.conn())
            .expect("CONFIG REWRITE");
        assert_eq!(ok, "OK");
        drop(srv);
        let text = std::fs::read_to_string(&conf).expect("rewritten file");
        let _ = std::fs::remove_dir_all(&dir);
        Some(
            text.lines()
                .filter(|l| {
                    !["port ", "pidfile ", "dir ", "user "]
                        .iter()
                        .any(|p| l.starts_with(p))
                })
                .map(String::from)
                .collect(),
        )
    };
    let ours = rewrite(UREDIS).expect("uredis-server starts");
    if redis_or_skip(&[]).is_none() {
        return;
    }
    let theirs = rewrite("redis-server").expect("redis-server starts");
    // The file is rewritten in place line by line; the options appended after the signature
    // come in hash order in Redis, so they are compared as a set.
    let split = |lines: &[String]| {
        let at = lines
            .iter()
            .position(|l| l == "# Generated by CONFIG REWRITE")
            .expect("signature");
        let tail: BTreeSet<String> = lines[at..].iter().cloned().collect();
        (lines[..at].to_vec(), tail)
    };
    let ((head, tail), (their_head, their_tail)) = (split(&ours), split(&theirs));
    assert_eq!(head.len(), their_head.len());
    for (a, b) in head.iter().zip(&their_head) {
        assert_eq!(a, b);
    }
    assert_eq!(tail, their_tail);
}
