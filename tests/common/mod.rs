//! Test harness shared by the end-to-end tests: starts the real `uredis-server` binary (and,
//! when installed, a real `redis-server`) on ephemeral ports, and talks to them with the `redis`
//! crate or raw sockets. Servers are killed by pid when dropped.
//!
//! `compat(&[...])` replays commands against both servers and asserts the raw reply bytes are
//! identical; it is skipped (with a note on stderr) when `redis-server` is not installed.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub port: u16,
    pub dir: std::path::PathBuf,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("an ephemeral port")
}

/// Whether process `pid` owns a listening TCP socket on `port` (from /proc/net/tcp{,6} and
/// the process's descriptors), so a test never talks to another test's server that happens
/// to have taken the port first.
pub fn listens_on(pid: u32, port: u16) -> bool {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            // local_address is HEXIP:HEXPORT; st 0A is LISTEN; inode is field 9.
            let listening = f.get(3) == Some(&"0A");
            let on_port = f
                .get(1)
                .and_then(|a| a.rsplit(':').next())
                .and_then(|p| u16::from_str_radix(p, 16).ok())
                == Some(port);
            if listening
                && on_port
                && let Some(inode) = f.get(9)
            {
                inodes.push(format!("socket:[{inode}]"));
            }
        }
    }
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten().any(|fd| {
        std::fs::read_link(fd.path())
            .is_ok_and(|l| inodes.iter().any(|i| l.as_os_str() == i.as_str()))
    })
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "uredis-test-{tag}-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

impl Server {
    /// Starts `uredis-server` with extra `--directive value` arguments.
    pub fn start(extra: &[&str]) -> Server {
        Self::spawn(env!("CARGO_BIN_EXE_uredis-server"), "uredis", extra)
            .expect("uredis-server starts")
    }

    /// Starts a real `redis-server`, if one is installed.
    pub fn start_redis(extra: &[&str]) -> Option<Server> {
        let found = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !found {
            return None;
        }
        Self::spawn("redis-server", "redis", extra)
    }

    fn spawn(bin: &str, tag: &str, extra: &[&str]) -> Option<Server> {
        for _attempt in 0..5 {
            let port = free_port();
            let dir = temp_dir(tag);
            let mut args: Vec<String> = vec![
                "--port".into(),
                port.to_string(),
                "--bind".into(),
                "127.0.0.1".into(),
                "--save".into(),
                "".into(),
                "--dir".into(),
                dir.display().to_string(),
            ];
            args.extend(extra.iter().map(|s| s.to_string()));
            let child = Command::new(bin)
                .args(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let mut srv = Server { child, port, dir };
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                // The port was free when picked, but a server started by a concurrently
                // running test may have taken it since: only our own child counts.
                if TcpStream::connect(("127.0.0.1", port)).is_ok()
                    && listens_on(srv.child.id(), port)
                {
                    return Some(srv);
                }
                if let Ok(Some(_)) = srv.child.try_wait() {
                    break; // exited (port taken?) — retry with another port
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = srv.child.kill();
            let _ = srv.child.wait();
        }
        None
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// A `redis` crate connection.
    pub fn conn(&self) -> redis::Connection {
        let client = redis::Client::open(format!("redis://127.0.0.1:{}/", self.port)).unwrap();
        client.get_connection().expect("connect")
    }

    /// A raw socket with a read timeout.
    pub fn raw(&self) -> Raw {
        Raw::connect(("127.0.0.1", self.port))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A raw connection that can send bytes and read whole RESP replies.
pub struct Raw {
    pub s: TcpStream,
    buf: Vec<u8>,
}

impl Raw {
    /// A raw socket to `addr` with a read timeout.
    pub fn connect(addr: impl std::net::ToSocketAddrs) -> Raw {
        let s = TcpStream::connect(addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.set_nodelay(true).unwrap();
        Raw { s, buf: Vec::new() }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.s.write_all(bytes).expect("write");
    }

    /// Sends one command as a RESP multibulk.
    pub fn cmd(&mut self, args: &[&[u8]]) {
        let b = encode(args);
        self.send(&b);
    }

    /// Sends a command and reads its reply.
    pub fn call(&mut self, args: &[&str]) -> Vec<u8> {
        let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
        self.cmd(&a);
        self.read_reply()
    }

    /// Reads exactly one RESP reply (RESP2 or RESP3) and returns its raw bytes.
    pub fn read_reply(&mut self) -> Vec<u8> {
        self.try_reply().unwrap_or_else(|e| panic!("{e}"))
    }

    /// Reads exactly one RESP reply or push frame, or says why none came: the connection
    /// closed, or the read failed (e.g. the read timeout: a hung server).
    pub fn try_reply(&mut self) -> Result<Vec<u8>, String> {
        loop {
            if let Some(n) = frame_len(&self.buf) {
                let rest = self.buf.split_off(n);
                return Ok(std::mem::replace(&mut self.buf, rest));
            }
            let mut chunk = [0u8; 65536];
            match self.s.read(&mut chunk) {
                Ok(0) => {
                    return Err(format!(
                        "connection closed while waiting for a reply; got so far: {:?}",
                        String::from_utf8_lossy(&self.buf)
                    ));
                }
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) => return Err(format!("read reply: {e:?}")),
            }
        }
    }

    /// Sends a command and reads its reply, or says why none came (`try_reply`).
    pub fn try_call(&mut self, args: &[Vec<u8>]) -> Result<Vec<u8>, String> {
        let a: Vec<&[u8]> = args.iter().map(|a| a.as_slice()).collect();
        self.s
            .write_all(&encode(&a))
            .map_err(|e| format!("write: {e}"))?;
        self.try_reply()
    }

    /// `try_call` with text arguments.
    pub fn try_cmd(&mut self, args: &[&str]) -> Result<Vec<u8>, String> {
        let a: Vec<Vec<u8>> = args.iter().map(|s| s.as_bytes().to_vec()).collect();
        self.try_call(&a)
    }

    /// True if the server closed the connection (reads EOF within the timeout).
    pub fn is_closed(&mut self) -> bool {
        let mut b = [0u8; 1024];
        matches!(self.s.read(&mut b), Ok(0) | Err(_))
    }
}

/// Encodes a command as a RESP multibulk.
pub fn encode(args: &[&[u8]]) -> Vec<u8> {
    let mut b = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        b.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        b.extend_from_slice(a);
        b.extend_from_slice(b"\r\n");
    }
    b
}

/// The length of the first complete RESP value in `b`, if complete.
pub fn frame_len(b: &[u8]) -> Option<usize> {
    fn line(b: &[u8], from: usize) -> Option<(usize, &[u8])> {
        let rel = b[from..].windows(2).position(|w| w == b"\r\n")?;
        Some((from + rel + 2, &b[from + 1..from + rel]))
    }
    fn value(b: &[u8], at: usize) -> Option<usize> {
        if at >= b.len() {
            return None;
        }
        let (next, hdr) = line(b, at)?;
        let n = || std::str::from_utf8(hdr).ok()?.parse::<i64>().ok();
        match b[at] {
            b'+' | b'-' | b':' | b',' | b'#' | b'_' | b'(' => Some(next),
            b'$' | b'=' | b'!' => {
                let len = n()?;
                if len < 0 {
                    return Some(next);
                }
                let end = next + len as usize + 2;
                (b.len() >= end).then_some(end)
            }
            b'*' | b'~' | b'>' | b'%' | b'|' => {
                let len = n()?;
                if len < 0 {
                    return Some(next);
                }
                let items = if matches!(b[at], b'%' | b'|') {
                    len * 2
                } else {
                    len
                };
                let mut pos = next;
                for _ in 0..items {
                    pos = value(b, pos)?;
                }
                Some(pos)
            }
            _ => None,
        }
    }
    value(b, 0)
}

/// Replays `script` (each entry one command) against uredis and a real redis-server, started
/// with the same extra directives, and asserts every reply is byte-for-byte identical.
/// Returns false (and prints why) if redis-server is not installed.
pub fn compat_with(extra: &[&str], script: &[&[&str]]) -> bool {
    let Some(redis) = Server::start_redis(extra) else {
        // CI sets this so a missing redis-server is a failure, never a silent skip.
        if std::env::var_os("UREDIS_REQUIRE_REDIS").is_some() {
            panic!("UREDIS_REQUIRE_REDIS is set but redis-server could not be started");
        }
        eprintln!("note: redis-server not installed; compatibility replay skipped");
        return false;
    };
    let ours = Server::start(extra);
    let mut a = ours.raw();
    let mut b = redis.raw();
    assert_same_replies(&mut a, &mut b, script);
    true
}

/// Sends each command of `script` on both connections (`a` to uredis, `b` to redis-server)
/// and asserts the raw replies are identical.
pub fn assert_same_replies(a: &mut Raw, b: &mut Raw, script: &[&[&str]]) {
    for cmd in script {
        let ra = a.call(cmd);
        let rb = b.call(cmd);
        assert_eq!(
            String::from_utf8_lossy(&ra),
            String::from_utf8_lossy(&rb),
            "reply to {cmd:?} differs (left: uredis, right: redis-server)"
        );
    }
}

/// `compat_with` with default settings.
pub fn compat(script: &[&[&str]]) -> bool {
    compat_with(&[], script)
}

/// Polls `f` until it returns true or `timeout` passes.
pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    f()
}

impl Raw {
    /// Sends one command given as raw byte arguments and reads its reply.
    pub fn call_bytes(&mut self, args: &[&[u8]]) -> Vec<u8> {
        self.cmd(args);
        self.read_reply()
    }

    /// Reads `n` whole replies and returns their bytes concatenated.
    pub fn replies(&mut self, n: usize) -> Vec<u8> {
        let (mut pos, mut got) = (0, 0);
        while got < n {
            match frame_len(&self.buf[pos..]) {
                Some(len) => {
                    pos += len;
                    got += 1;
                }
                None => {
                    let mut chunk = [0u8; 65536];
                    let r = self.s.read(&mut chunk).expect("read replies");
                    assert!(
                        r > 0,
                        "connection closed after {got} of {n} replies; got so far: {:?}",
                        String::from_utf8_lossy(&self.buf)
                    );
                    self.buf.extend_from_slice(&chunk[..r]);
                }
            }
        }
        let rest = self.buf.split_off(pos);
        std::mem::replace(&mut self.buf, rest)
    }

    /// Reads until the server closes the connection (EOF or reset) and returns every byte
    /// received, including any already buffered. Panics if the server keeps the connection
    /// open past the read timeout.
    pub fn read_until_closed(&mut self) -> Vec<u8> {
        let mut out = std::mem::take(&mut self.buf);
        let mut chunk = [0u8; 65536];
        loop {
            match self.s.read(&mut chunk) {
                Ok(0) => return out,
                Ok(n) => out.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    panic!(
                        "server did not close the connection; received so far: {:?}",
                        String::from_utf8_lossy(&out)
                    )
                }
                // A reset after the server closed with our data still unread counts as closed.
                Err(_) => return out,
            }
        }
    }
}

/// Starts a real `redis-server` for a side-by-side comparison, or returns None (with a note)
/// when it is not installed. Like `compat_with`, panics instead when `UREDIS_REQUIRE_REDIS` is
/// set, so CI never skips silently.
pub fn redis_or_skip(extra: &[&str]) -> Option<Server> {
    let r = Server::start_redis(extra);
    if r.is_none() {
        if std::env::var_os("UREDIS_REQUIRE_REDIS").is_some() {
            panic!("UREDIS_REQUIRE_REDIS is set but redis-server could not be started");
        }
        eprintln!("note: redis-server not installed; comparison with Redis skipped");
    }
    r
}

/// Resident memory of process `pid` in KiB (VmRSS from /proc/PID/status).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

/// Bytes shown readably for assertion messages: printable ASCII as is, the rest escaped,
/// cut after `max` bytes.
pub fn show(b: &[u8], max: usize) -> String {
    let mut s: String = b[..b.len().min(max)]
        .iter()
        .map(|&c| match c {
            b' '..=b'~' if c != b'\\' => char::from(c).to_string(),
            _ => std::ascii::escape_default(c).to_string(),
        })
        .collect();
    if b.len() > max {
        s.push_str(&format!("... ({} bytes)", b.len()));
    }
    s
}

/// Runs one command with the `redis` crate, panicking with the command on an error.
pub fn query<T: redis::FromRedisValue>(c: &mut redis::Connection, args: &[&str]) -> T {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(c).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// Every key of databases `0..dbs`: type, value (collections in a canonical order, streams as
/// their entries, counters and groups) and absolute expiry (PEXPIRETIME, exact across
/// servers). The end-to-end tests of files and replication compare whole datasets with it.
pub type Dump = BTreeMap<(u8, String), (String, String, i64)>;

pub fn dump_dbs(c: &mut redis::Connection, dbs: u8) -> Dump {
    let mut out = BTreeMap::new();
    for db in 0..dbs {
        let _: () = query(c, &["SELECT", &db.to_string()]);
        let mut keys: Vec<String> = query(c, &["KEYS", "*"]);
        keys.sort();
        for k in keys {
            let t: String = query(c, &["TYPE", &k]);
            let v = match t.as_str() {
                "string" => query::<String>(c, &["GET", &k]),
                "list" => query::<Vec<String>>(c, &["LRANGE", &k, "0", "-1"]).join(","),
                "set" => {
                    let mut m: Vec<String> = query(c, &["SMEMBERS", &k]);
                    m.sort();
                    m.join(",")
                }
                "hash" => {
                    let m: BTreeMap<String, String> = query(c, &["HGETALL", &k]);
                    format!("{m:?}")
                }
                "zset" => {
                    query::<Vec<String>>(c, &["ZRANGE", &k, "0", "-1", "WITHSCORES"]).join(",")
                }
                "stream" => {
                    // Entries, the stream's ids and counters, groups and their pending
                    // summaries: everything deterministic the rewrite must carry.
                    let range: redis::Value = query(c, &["XRANGE", &k, "-", "+"]);
                    let info: Vec<redis::Value> = query(c, &["XINFO", "STREAM", &k]);
                    let ids: Vec<String> = info
                        .chunks(2)
                        .filter(|p| {
                            matches!(&p[0], redis::Value::BulkString(n) if matches!(
                                &n[..],
                                b"length" | b"last-generated-id" | b"max-deleted-entry-id"
                                    | b"entries-added" | b"groups"
                            ))
                        })
                        .map(|p| format!("{:?}", p[1]))
                        .collect();
                    let groups: Vec<Vec<redis::Value>> = query(c, &["XINFO", "GROUPS", &k]);
                    let mut pend = Vec::new();
                    for g in &groups {
                        if let Some(redis::Value::BulkString(name)) = g.get(1) {
                            let name = String::from_utf8_lossy(name).to_string();
                            let p: redis::Value = query(c, &["XPENDING", &k, &name]);
                            let cons: redis::Value = query(c, &["XINFO", "CONSUMERS", &k, &name]);
                            // Consumer idle/inactive times differ; keep names and counts.
                            let cons = format!("{cons:?}");
                            let names: Vec<&str> =
                                cons.split("BulkString(").skip(1).take(1).collect();
                            pend.push(format!("{p:?} {names:?}"));
                        }
                    }
                    format!("{range:?} {ids:?} {groups:?} {pend:?}")
                }
                other => panic!("type {other}"),
            };
            let at: i64 = query(c, &["PEXPIRETIME", &k]);
            out.insert((db, k), (t, v, at));
        }
    }
    let _: () = query(c, &["SELECT", "0"]);
    out
}

/// Runs `f` against uredis, then against redis-server if it is installed.
pub fn on_both(mut f: impl FnMut(&Server)) {
    let ours = Server::start(&[]);
    f(&ours);
    if let Some(redis) = redis_or_skip(&[]) {
        f(&redis);
    }
}

/// How many clients are blocked (flag `b` in CLIENT LIST).
pub fn blocked(srv: &Server) -> usize {
    let mut c = srv.raw();
    let list = c.call(&["CLIENT", "LIST"]);
    String::from_utf8_lossy(&list)
        .lines()
        .filter(|l| l.contains(" flags=b "))
        .count()
}

/// Waits until exactly `n` clients are blocked.
pub fn wait_blocked(srv: &Server, n: usize) {
    assert!(
        wait_until(Duration::from_secs(10), || blocked(srv) == n),
        "expected {n} blocked clients, have {}",
        blocked(srv)
    );
}

/// Sends a command without reading its reply.
pub fn send(c: &mut Raw, args: &[&str]) {
    let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
    c.cmd(&a);
}

/// A connection blocked on `args` (waits until the server counts `n` blocked clients).
pub fn blocked_on(srv: &Server, args: &[&str], n: usize) -> Raw {
    let mut c = srv.raw();
    send(&mut c, args);
    wait_blocked(srv, n);
    c
}

/// A reply as text.
pub fn s(b: Vec<u8>) -> String {
    String::from_utf8_lossy(&b).into_owned()
}
