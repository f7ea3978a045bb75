//! Sentinel end-to-end: three real `redis-server --sentinel` processes (ephemeral ports, config
//! files in a temporary directory) watch a uredis master with two replicas. They discover the
//! replicas through INFO replication and each other through `__sentinel__:hello`; when the
//! master is killed with SIGKILL they fail over (`MULTI; SLAVEOF NO ONE | SLAVEOF host port;
//! CONFIG REWRITE; CLIENT KILL TYPE normal; CLIENT KILL TYPE pubsub; EXEC` on the instances),
//! the other replica follows the new master, writes to the new master reach it, the rewritten
//! config files name the new master, and the old master, restarted from its config file, is
//! turned into a replica of the new one by the Sentinels.
//!
//! A mixed deployment too: a real `redis-server` replica and a uredis replica with
//! `replica-priority 0` (never promoted) under a uredis master; Sentinel promotes the Redis
//! replica and the uredis instances follow it.
//!
//! Both tests are skipped when `redis-server` is not installed. Waits are polled against
//! generous deadlines; nothing asserts a duration.

mod common;

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{free_port, wait_until};

const DEADLINE: Duration = Duration::from_secs(45);

/// A server process started from a config file in `dir` (restartable on the same port).
struct Proc {
    child: Option<Child>,
    bin: String,
    port: u16,
    conf: PathBuf,
    sentinel: bool,
}

impl Proc {
    /// Writes `<dir>/<name>/node.conf` with the port, bind, dir and `extra`, and starts `bin`.
    fn start(bin: &str, root: &Path, name: &str, extra: &str, sentinel: bool) -> Proc {
        for _ in 0..5 {
            let port = free_port();
            let dir = root.join(name);
            std::fs::create_dir_all(&dir).expect("node dir");
            let conf = dir.join("node.conf");
            let text = format!(
                "port {port}\nbind 127.0.0.1\ndir \"{}\"\nlogfile \"{}\"\n{extra}",
                dir.display(),
                dir.join("log").display()
            );
            std::fs::write(&conf, text).expect("write config");
            let mut p = Proc {
                child: None,
                bin: bin.to_string(),
                port,
                conf,
                sentinel,
            };
            if p.spawn() {
                return p;
            }
        }
        panic!("{bin} {name} did not start");
    }

    fn spawn(&mut self) -> bool {
        let mut cmd = Command::new(&self.bin);
        cmd.arg(&self.conf);
        if self.sentinel {
            cmd.arg("--sentinel");
        }
        let Ok(child) = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn() else {
            return false;
        };
        self.child = Some(child);
        let port = self.port;
        let up = wait_until(Duration::from_secs(10), || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        if !up {
            self.kill();
        }
        up
    }

    /// SIGKILL, and reap.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn conn(&self) -> Option<redis::Connection> {
        let c = redis::Client::open(format!("redis://127.0.0.1:{}/", self.port)).ok()?;
        c.get_connection_with_timeout(Duration::from_secs(5)).ok()
    }

    fn log(&self) -> String {
        let path = self.conf.with_file_name("log");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(25)..].join("\n")
    }

    fn config_text(&self) -> String {
        std::fs::read_to_string(&self.conf).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!(
            "uredis-sentinel-{tag}-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&d).expect("temp dir");
        TempDir(d)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn redis_installed() -> bool {
    let ok = Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var_os("UREDIS_REQUIRE_REDIS").is_some() {
            panic!("UREDIS_REQUIRE_REDIS is set but redis-server is not installed");
        }
        eprintln!("note: redis-server not installed; Sentinel tests skipped");
    }
    ok
}

fn try_q<T: redis::FromRedisValue>(p: &Proc, args: &[&str]) -> Option<T> {
    let mut c = p.conn()?;
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(&mut c).ok()
}

fn info(p: &Proc, section: &str) -> BTreeMap<String, String> {
    let text: String = try_q(p, &["INFO", section]).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
}

/// `SENTINEL MASTER m` as a map.
fn sentinel_master(s: &Proc) -> BTreeMap<String, String> {
    let flat: Vec<String> = try_q(s, &["SENTINEL", "MASTER", "m"]).unwrap_or_default();
    flat.chunks(2)
        .filter(|kv| kv.len() == 2)
        .map(|kv| (kv[0].clone(), kv[1].clone()))
        .collect()
}

/// The master's port as `s` sees it.
fn sentinel_master_port(s: &Proc) -> Option<u16> {
    let addr: Option<Vec<String>> = try_q(s, &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m"])?;
    addr?.get(1)?.parse().ok()
}

/// Whether `p` is a replica of `master_port` with its link up.
fn follows(p: &Proc, master_port: u16) -> bool {
    let i = info(p, "replication");
    i.get("role").map(String::as_str) == Some("slave")
        && i.get("master_port") == Some(&master_port.to_string())
        && i.get("master_link_status").map(String::as_str) == Some("up")
}

fn get(p: &Proc, db: &str, key: &str) -> Option<String> {
    let mut c = p.conn()?;
    redis::pipe()
        .cmd("SELECT")
        .arg(db)
        .ignore()
        .cmd("GET")
        .arg(key)
        .query::<(Option<String>,)>(&mut c)
        .ok()?
        .0
}

fn diag(sentinels: &[Proc], nodes: &[&Proc]) -> String {
    let mut s = String::new();
    for (i, p) in sentinels.iter().enumerate() {
        s += &format!("\n--- sentinel {i} (port {}) log:\n{}", p.port, p.log());
    }
    for p in nodes {
        s += &format!("\n--- node {} log:\n{}", p.port, p.log());
    }
    s
}

/// Three Sentinels monitoring `master_port` as `m`, quorum 2. On a loaded machine they must
/// neither fail over a live master nor sit out the failover: `down-after-milliseconds` is
/// 2000 and the TILT period (30 s by default: a Sentinel whose timer ran more than 2 s late
/// does nothing for that long) is cut to 5 s with `SENTINEL DEBUG tilt-period`, as in Redis's
/// own Sentinel tests (tests/sentinel/tests/includes/init-tests.tcl).
fn start_sentinels(root: &Path, master_port: u16) -> Vec<Proc> {
    let conf = format!(
        "sentinel monitor m 127.0.0.1 {master_port} 2\n\
         sentinel down-after-milliseconds m 2000\n\
         sentinel failover-timeout m 5000\n\
         sentinel parallel-syncs m 1\n"
    );
    let sentinels: Vec<Proc> = (0..3)
        .map(|i| Proc::start("redis-server", root, &format!("sentinel{i}"), &conf, true))
        .collect();
    for s in &sentinels {
        let ok: Option<String> = try_q(s, &["SENTINEL", "DEBUG", "tilt-period", "5000"]);
        assert_eq!(ok.as_deref(), Some("OK"), "SENTINEL DEBUG tilt-period");
    }
    sentinels
}

/// Every Sentinel knows the two replicas and the two other Sentinels.
fn wait_discovery(sentinels: &[Proc], nodes: &[&Proc]) {
    let ok = wait_until(DEADLINE, || {
        sentinels.iter().all(|s| {
            let m = sentinel_master(s);
            m.get("num-slaves").map(String::as_str) == Some("2")
                && m.get("num-other-sentinels").map(String::as_str) == Some("2")
        })
    });
    assert!(
        ok,
        "Sentinels did not discover the replicas and each other: {:?}{}",
        sentinels.iter().map(sentinel_master).collect::<Vec<_>>(),
        diag(sentinels, nodes)
    );
}

/// The port every Sentinel names as the master, if they agree.
fn agreed_master(sentinels: &[Proc]) -> Option<u16> {
    let first = sentinel_master_port(&sentinels[0])?;
    sentinels[1..]
        .iter()
        .all(|s| sentinel_master_port(s) == Some(first))
        .then_some(first)
}

/// The topology after a failover away from `old`, once settled: every Sentinel names the same
/// master, one of `nodes`, which reports role master, and every other node of `nodes` follows
/// it. Returns the master's index in `nodes`. (On a stalled machine the Sentinels may fail
/// over again, so callers re-read this rather than keep the first new master they saw.)
fn settled(sentinels: &[Proc], old: u16, nodes: &[&Proc]) -> Option<usize> {
    let np = agreed_master(sentinels).filter(|&p| p != old)?;
    let at = nodes.iter().position(|n| n.port == np)?;
    let is_master = info(nodes[at], "replication")
        .get("role")
        .map(String::as_str)
        == Some("master");
    let others_follow = nodes
        .iter()
        .enumerate()
        .all(|(i, n)| i == at || follows(n, np));
    (is_master && others_follow).then_some(at)
}

/// The failover: every Sentinel names a new master; returns its port.
fn wait_new_master(sentinels: &[Proc], old: u16, nodes: &[&Proc]) -> u16 {
    let mut port = None;
    let ok = wait_until(DEADLINE, || {
        let seen: Vec<Option<u16>> = sentinels.iter().map(sentinel_master_port).collect();
        match seen[0] {
            Some(p) if p != old && seen.iter().all(|s| *s == Some(p)) => {
                port = Some(p);
                true
            }
            _ => false,
        }
    });
    assert!(ok, "no failover{}", diag(sentinels, nodes));
    port.expect("set with ok")
}

fn uredis() -> &'static str {
    env!("CARGO_BIN_EXE_uredis-server")
}

#[test]
fn three_sentinels_fail_over_a_uredis_master() {
    if !redis_installed() {
        return;
    }
    let root = TempDir::new("uredis");
    let node_conf = "repl-diskless-sync-delay 0\n";
    let mut master = Proc::start(uredis(), &root.0, "master", node_conf, false);
    let replica_conf = format!("{node_conf}replicaof 127.0.0.1 {}\n", master.port);
    let r1 = Proc::start(uredis(), &root.0, "r1", &replica_conf, false);
    let r2 = Proc::start(uredis(), &root.0, "r2", &replica_conf, false);
    {
        let mut c = master.conn().expect("master");
        let _: () = redis::cmd("SET")
            .arg("before")
            .arg("1")
            .query(&mut c)
            .unwrap();
        let _: () = redis::pipe()
            .cmd("SELECT")
            .arg(3)
            .cmd("SET")
            .arg("db3")
            .arg("x")
            .query(&mut c)
            .unwrap();
    }
    let mp = master.port;
    assert!(
        wait_until(DEADLINE, || {
            [&r1, &r2]
                .iter()
                .all(|r| follows(r, mp) && get(r, "3", "db3").as_deref() == Some("x"))
        }),
        "replicas did not sync: {:?} {:?}",
        info(&r1, "replication"),
        info(&r2, "replication")
    );

    let sentinels = start_sentinels(&root.0, mp);
    wait_discovery(&sentinels, &[&master, &r1, &r2]);

    master.kill();
    wait_new_master(&sentinels, mp, &[&r1, &r2]);
    // The promoted replica is a master and the other follows it. Every check from here on
    // reads the current topology from the Sentinels (`settled`): should they fail over once
    // more (a stall longer than down-after-milliseconds), the test follows them.
    let replicas = [&r1, &r2];
    assert!(
        wait_until(DEADLINE, || settled(&sentinels, mp, &replicas).is_some()),
        "the other replica did not follow the new master: {:?} {:?}{}",
        info(&r1, "replication"),
        info(&r2, "replication"),
        diag(&sentinels, &replicas)
    );
    // Writes to the new master reach the other replica; the old data survived. (The write is
    // repeated on whichever node is master: one sent just before another failover may be
    // lost, as asynchronous replication allows.)
    let replicated = |nodes: &[&Proc], check_old: bool| {
        let Some(at) = settled(&sentinels, mp, nodes) else {
            return false;
        };
        let new = nodes[at];
        let _: Option<()> = try_q(new, &["SET", "after", "2"]);
        nodes.iter().all(|n| {
            get(n, "0", "after").as_deref() == Some("2")
                && (!check_old
                    || get(n, "0", "before").as_deref() == Some("1")
                        && get(n, "3", "db3").as_deref() == Some("x"))
        })
    };
    assert!(
        wait_until(DEADLINE, || replicated(&replicas, true)),
        "write after failover not replicated (or old data lost): {:?} {:?}",
        info(&r1, "replication"),
        info(&r2, "replication")
    );

    // CONFIG REWRITE (sent by the Sentinels in the MULTI) recorded the new topology.
    let rewritten = |nodes: &[&Proc]| {
        let Some(at) = settled(&sentinels, mp, nodes) else {
            return false;
        };
        let want = format!("replicaof 127.0.0.1 {}", nodes[at].port);
        nodes.iter().enumerate().all(|(i, n)| {
            let conf = n.config_text();
            if i == at {
                !conf.lines().any(|l| l.starts_with("replicaof"))
            } else {
                conf.lines().any(|l| l == want)
            }
        })
    };
    assert!(
        wait_until(DEADLINE, || rewritten(&replicas)),
        "config files do not name the new topology:\n{}\n---\n{}",
        r1.config_text(),
        r2.config_text()
    );

    // The old master, restarted from its (unchanged) config file, comes back as a master; the
    // Sentinels turn it into a replica of the new master and it gets the new data (its config
    // file is rewritten to name it).
    assert!(master.spawn(), "old master restarts on its port");
    let all = [&master, &r1, &r2];
    assert!(
        wait_until(Duration::from_secs(60), || {
            replicated(&all, false) && rewritten(&all)
        }),
        "old master did not rejoin as a replica: {:?}\n{}{}",
        info(&master, "replication"),
        master.config_text(),
        diag(&sentinels, &all)
    );
}

#[test]
fn sentinel_promotes_a_redis_replica_of_a_uredis_master() {
    if !redis_installed() {
        return;
    }
    let root = TempDir::new("mixed");
    let mut master = Proc::start(
        uredis(),
        &root.0,
        "master",
        "repl-diskless-sync-delay 0\n",
        false,
    );
    let mp = master.port;
    // The Redis replica is the only candidate: the uredis one has replica-priority 0.
    let red = Proc::start(
        "redis-server",
        &root.0,
        "redis",
        &format!("save \"\"\nreplicaof 127.0.0.1 {mp}\n"),
        false,
    );
    let ur = Proc::start(
        uredis(),
        &root.0,
        "ureplica",
        &format!("replica-priority 0\nreplicaof 127.0.0.1 {mp}\n"),
        false,
    );
    let _: () = try_q(&master, &["SET", "before", "1"]).expect("write");
    assert!(
        wait_until(DEADLINE, || {
            [&red, &ur]
                .iter()
                .all(|r| follows(r, mp) && get(r, "0", "before").as_deref() == Some("1"))
        }),
        "replicas did not sync: {:?} {:?}",
        info(&red, "replication"),
        info(&ur, "replication")
    );
    assert_eq!(
        info(&ur, "replication")
            .get("slave_priority")
            .map(String::as_str),
        Some("0")
    );

    let sentinels = start_sentinels(&root.0, mp);
    wait_discovery(&sentinels, &[&master, &red, &ur]);
    master.kill();
    let np = wait_new_master(&sentinels, mp, &[&red, &ur]);
    assert_eq!(
        np, red.port,
        "Sentinel promotes the replica with a non-zero priority"
    );
    assert!(
        wait_until(DEADLINE, || follows(&ur, np)),
        "uredis replica did not follow the Redis master: {:?}{}",
        info(&ur, "replication"),
        diag(&sentinels, &[&red, &ur])
    );
    let _: () = try_q(&red, &["SET", "after", "2"]).expect("write to the new master");
    assert!(
        wait_until(DEADLINE, || get(&ur, "0", "after").as_deref() == Some("2")),
        "write to the Redis master not replicated to uredis"
    );
    assert_eq!(get(&ur, "0", "before").as_deref(), Some("1"));

    assert!(master.spawn(), "old master restarts on its port");
    assert!(
        wait_until(Duration::from_secs(60), || {
            follows(&master, np) && get(&master, "0", "after").as_deref() == Some("2")
        }),
        "old uredis master did not rejoin under the Redis master: {:?}{}",
        info(&master, "replication"),
        diag(&sentinels, &[&master, &red])
    );
}

// ---- FAILOVER (the coordinated failover command, no Sentinel)

use common::{Server, compat, query as q};

fn server_info(c: &mut redis::Connection) -> BTreeMap<String, String> {
    let text: String = q(c, &["INFO", "replication"]);
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
}

fn stats(c: &mut redis::Connection) -> BTreeMap<String, String> {
    let text: String = q(c, &["INFO", "stats"]);
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
}

/// Makes `replica` a replica of `master` and waits until it is online and caught up.
fn attach(master: &Server, replica: &Server) {
    let mut r = replica.conn();
    let _: () = q(
        &mut r,
        &["REPLICAOF", "127.0.0.1", &master.port.to_string()],
    );
    let mut m = master.conn();
    let ok = wait_until(DEADLINE, || {
        let i = server_info(&mut r);
        let mi = server_info(&mut m);
        i.get("master_link_status").map(String::as_str) == Some("up")
            && mi.get("slave0").is_some_and(|s| s.contains("state=online"))
            && i.get("slave_repl_offset") == mi.get("master_repl_offset")
    });
    assert!(ok, "replica did not attach: {:?}", server_info(&mut r));
}

fn is_replica_of(c: &mut redis::Connection, port: u16) -> bool {
    let i = server_info(c);
    i.get("role").map(String::as_str) == Some("slave")
        && i.get("master_port") == Some(&port.to_string())
        && i.get("master_link_status").map(String::as_str) == Some("up")
}

/// FAILOVER on `master` to `replica` (any of uredis or Redis on either side): the roles swap
/// with a partial resync (no full sync on the new master), the failover state goes back to
/// `no-failover`, and writes to the new master reach the old one.
fn failover_swaps_roles(master: &Server, replica: &Server, args: &[&str]) {
    let mut m = master.conn();
    let mut r = replica.conn();
    let _: () = q(&mut m, &["SET", "k", "before"]);
    attach(master, replica);
    let full_before = stats(&mut r)["sync_full"].clone();
    let mut cmd = vec!["FAILOVER"];
    cmd.extend_from_slice(args);
    let _: () = q(&mut m, &cmd);
    let ok = wait_until(DEADLINE, || {
        is_replica_of(&mut m, replica.port)
            && server_info(&mut r).get("role").map(String::as_str) == Some("master")
            && server_info(&mut m)
                .get("master_failover_state")
                .map(String::as_str)
                == Some("no-failover")
    });
    assert!(
        ok,
        "roles did not swap: old master {:?}, old replica {:?}",
        server_info(&mut m),
        server_info(&mut r)
    );
    assert_eq!(
        stats(&mut r)["sync_full"],
        full_before,
        "the swap was a full sync"
    );
    let _: () = q(&mut r, &["SET", "k", "after"]);
    assert!(
        wait_until(DEADLINE, || q::<Option<String>>(&mut m, &["GET", "k"])
            .as_deref()
            == Some("after")),
        "write to the new master did not reach the old one"
    );
    let e = redis::cmd("SET").arg("x").arg("1").query::<()>(&mut m);
    assert!(
        e.is_err_and(|e| e.to_string().contains("read only replica")),
        "old master accepts writes"
    );
}

#[test]
fn failover_command_uredis_to_uredis() {
    let master = Server::start(&[]);
    let replica = Server::start(&[]);
    failover_swaps_roles(&master, &replica, &[]);
}

#[test]
fn failover_command_uredis_to_redis_replica() {
    let Some(replica) = common::redis_or_skip(&[]) else {
        return;
    };
    let master = Server::start(&[]);
    let port = replica.port.to_string();
    failover_swaps_roles(&master, &replica, &["TO", "127.0.0.1", &port]);
}

#[test]
fn failover_command_redis_master_to_uredis_replica() {
    let Some(master) = common::redis_or_skip(&[]) else {
        return;
    };
    let replica = Server::start(&[]);
    let port = replica.port.to_string();
    failover_swaps_roles(
        &master,
        &replica,
        &["TO", "127.0.0.1", &port, "TIMEOUT", "60000"],
    );
}

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill {sig} {pid}");
}

/// While the target has not caught up, writes are held (the client shows flag `b`), reads are
/// served; ABORT (or the timeout) ends the failover and the held write then runs on the still
/// master. With FORCE the timeout fails over anyway.
#[test]
fn failover_pauses_writes_until_abort_or_timeout() {
    for how in ["abort", "timeout", "force"] {
        let master = Server::start(&[]);
        let replica = Server::start(&[]);
        attach(&master, &replica);
        let mut m = master.conn();
        // The replica stops acknowledging; the master moves ahead of it.
        signal(replica.pid(), "-STOP");
        let _: () = q(&mut m, &["SET", "ahead", "1"]);
        let port = replica.port.to_string();
        let mut args = vec!["FAILOVER", "TO", "127.0.0.1", &port];
        match how {
            "abort" => {}
            "timeout" => args.extend(["TIMEOUT", "300"]),
            _ => args.extend(["TIMEOUT", "300", "FORCE"]),
        }
        let _: () = q(&mut m, &args);
        if how == "abort" {
            assert_eq!(
                server_info(&mut m)["master_failover_state"],
                "waiting-for-sync"
            );
            let e = redis::cmd("FAILOVER").query::<()>(&mut m);
            assert!(e.is_err_and(|e| e.to_string().contains("already in progress")));
            let e = redis::cmd("REPLICAOF")
                .arg("NO")
                .arg("ONE")
                .query::<()>(&mut m);
            assert!(e.is_err_and(|e| e.to_string().contains("not allowed while failing over")));
        }
        let mut w = master.raw();
        w.cmd(&[b"CLIENT", b"SETNAME", b"writer"]);
        assert_eq!(w.read_reply(), b"+OK\r\n");
        w.cmd(&[b"SET", b"held", b"v"]);
        if how == "abort" {
            let held = wait_until(DEADLINE, || {
                let list: String = q(&mut m, &["CLIENT", "LIST"]);
                list.lines()
                    .any(|l| l.contains("name=writer") && l.contains("flags=b"))
            });
            assert!(held, "the write was not held");
            let got: Option<String> = q(&mut m, &["GET", "ahead"]);
            assert_eq!(got.as_deref(), Some("1"), "reads are served while paused");
            let _: () = q(&mut m, &["FAILOVER", "ABORT"]);
        }
        if how == "force" {
            // The timeout fails over to the stopped replica; let it answer.
            assert!(wait_until(DEADLINE, || {
                server_info(&mut m)["master_failover_state"] == "failover-in-progress"
            }));
            signal(replica.pid(), "-CONT");
            assert!(
                wait_until(DEADLINE, || is_replica_of(&mut m, replica.port)),
                "forced failover did not happen: {:?}",
                server_info(&mut m)
            );
            // The held write runs on what is now a replica.
            let reply = w.read_reply();
            assert!(
                reply.starts_with(b"-READONLY"),
                "{:?}",
                String::from_utf8_lossy(&reply)
            );
            assert_eq!(server_info(&mut m)["master_failover_state"], "no-failover");
            continue;
        }
        assert_eq!(w.read_reply(), b"+OK\r\n", "{how}: the held write runs");
        let i = server_info(&mut m);
        assert_eq!(i["role"], "master", "{how}");
        assert_eq!(i["master_failover_state"], "no-failover", "{how}");
        signal(replica.pid(), "-CONT");
    }
}

#[test]
fn failover_errors_match_redis() {
    compat(&[
        &["FAILOVER", "ABORT"],
        &["FAILOVER", "BOGUS"],
        &["FAILOVER", "TIMEOUT", "0"],
        &["FAILOVER", "TIMEOUT", "-5"],
        &["FAILOVER", "TIMEOUT", "x"],
        &["FAILOVER", "TO", "127.0.0.1", "port"],
        &["FAILOVER", "TO", "127.0.0.1"],
        &["FAILOVER", "FORCE", "FORCE"],
        &["FAILOVER", "TIMEOUT", "10", "TIMEOUT", "20"],
        &["FAILOVER"],
        &["FAILOVER", "TO", "127.0.0.1", "1", "FORCE"],
        &["FAILOVER", "TO", "127.0.0.1", "1"],
        &["PSYNC", "?", "-1", "FAILOVER"],
        &["REPLICAOF", "NO", "ONE"],
        &["FAILOVER", "ABORT"],
    ]);
}

#[test]
fn failover_target_errors_match_redis() {
    // A uredis master with a replica that is uredis vs Redis, the same errors on the
    // replica for PSYNC FAILOVER with a wrong replid, and the master's target checks.
    let Some(rm) = common::redis_or_skip(&[]) else {
        return;
    };
    let rr = Server::start_redis(&[]).expect("redis replica");
    let um = Server::start(&[]);
    let ur = Server::start(&[]);
    attach(&rm, &rr);
    attach(&um, &ur);
    let mut a = ur.raw();
    let mut b = rr.raw();
    common::assert_same_replies(&mut a, &mut b, &[&["PSYNC", "abc", "1", "FAILOVER"]]);
    let mut a = um.raw();
    let mut b = rm.raw();
    common::assert_same_replies(
        &mut a,
        &mut b,
        &[
            &["FAILOVER", "TO", "127.0.0.1", "1"],
            &["FAILOVER", "TO", "10.1.1.1", "1", "TIMEOUT", "10", "FORCE"],
            &["FAILOVER", "TO", "127.0.0.1", "99999999999999999999"],
            &["FAILOVER", "ABORT"],
        ],
    );
}
