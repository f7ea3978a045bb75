//! Network security and limits end to end: the Unix socket (`unixsocket`, `unixsocketperm`),
//! `maxclients`, and TLS (`tls-port` and the other tls-* parameters), each compared with a real
//! redis-server where the behaviour is visible to a client.

mod common;

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::process::Command;
use std::time::Duration;

use common::*;

/// Sends one command over a Unix socket and reads one reply (a single line or bulk).
fn unix_call(s: &mut UnixStream, args: &[&str]) -> Vec<u8> {
    let a: Vec<&[u8]> = args.iter().map(|x| x.as_bytes()).collect();
    s.write_all(&encode(&a)).expect("write");
    let mut buf = Vec::new();
    loop {
        if let Some(n) = frame_len(&buf) {
            buf.truncate(n);
            return buf;
        }
        let mut chunk = [0u8; 4096];
        let n = s.read(&mut chunk).expect("read");
        assert!(n > 0, "closed; got {:?}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn unix_connect(path: &std::path::Path) -> UnixStream {
    let s = UnixStream::connect(path).expect("unix connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// The fields of a CLIENT INFO line that do not depend on timing or memory.
fn stable_fields(line: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(line)
        .split_whitespace()
        .filter(|f| {
            ["addr=", "laddr=", "flags=", "name=", "db=", "cmd=", "user="]
                .iter()
                .any(|p| f.starts_with(p))
        })
        .map(|f| f.to_string())
        .collect()
}

fn client_info_over_unix(path: &std::path::Path) -> Vec<String> {
    let mut s = unix_connect(path);
    assert_eq!(unix_call(&mut s, &["PING"]), b"+PONG\r\n");
    let info = unix_call(&mut s, &["CLIENT", "INFO"]);
    stable_fields(&info)
}

#[test]
fn unix_socket_serves_clients_like_redis() {
    let dir = std::env::temp_dir().join(format!("uredis-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ours = dir.join("u.sock");
    let srv = Server::start(&[
        "--unixsocket",
        ours.to_str().unwrap(),
        "--unixsocketperm",
        "700",
    ]);
    let mode = std::fs::metadata(&ours)
        .expect("socket file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    let got = client_info_over_unix(&ours);
    let want_addr = format!("addr={}:0", ours.display());
    assert!(got.contains(&want_addr), "{got:?}");
    assert!(
        got.contains(&format!("laddr={}:0", ours.display())),
        "{got:?}"
    );
    assert!(got.contains(&"flags=U".to_string()), "{got:?}");
    // CONFIG GET prints both as set.
    let mut r = srv.raw();
    let cfg = r.call(&["CONFIG", "GET", "unixsocket*"]);
    let text = String::from_utf8_lossy(&cfg);
    assert!(
        text.contains(ours.to_str().unwrap()) && text.contains("\r\n700\r\n"),
        "{text}"
    );
    // TCP clients are not marked U.
    let tcp = String::from_utf8_lossy(&r.call(&["CLIENT", "INFO"])).to_string();
    assert!(tcp.contains("flags=N"), "{tcp}");
    // The socket is read-only configuration, as in Redis.
    let e = r.call(&["CONFIG", "SET", "unixsocket", "/tmp/x.sock"]);
    assert!(e.starts_with(b"-ERR"), "{}", show(&e, 200));

    // redis-cli -s works.
    if let Ok(out) = Command::new("redis-cli")
        .args(["-s", ours.to_str().unwrap(), "SET", "k", "v"])
        .output()
    {
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "OK");
        let out = Command::new("redis-cli")
            .args(["-s", ours.to_str().unwrap(), "GET", "k"])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "v");
    }

    // Side by side with Redis: the same fields for a unix client.
    let theirs = dir.join("r.sock");
    if let Some(_redis) = redis_or_skip(&["--unixsocket", theirs.to_str().unwrap()]) {
        let want: Vec<String> = client_info_over_unix(&theirs)
            .into_iter()
            .map(|f| f.replace(theirs.to_str().unwrap(), ours.to_str().unwrap()))
            .collect();
        let mut mine = client_info_over_unix(&ours);
        mine.sort();
        let mut want = want;
        want.sort();
        assert_eq!(mine, want);
    }
    // SHUTDOWN removes the socket file, as Redis does.
    let mut s = unix_connect(&ours);
    let _ = s.write_all(&encode(&[b"SHUTDOWN", b"NOSAVE"]));
    let mut b = [0u8; 16];
    let _ = s.read(&mut b);
    assert!(wait_until(Duration::from_secs(10), || !ours.exists()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unix_clients_are_local_for_protected_mode() {
    // With protected mode on and no password, a unix client is served (Redis's islocalClient
    // counts unix sockets as local); the server listens on TCP only on loopback here, so the
    // non-local refusal itself is covered by the ACL tests.
    let dir = std::env::temp_dir().join(format!("uredis-unixpm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("p.sock");
    let _srv = Server::start(&[
        "--unixsocket",
        path.to_str().unwrap(),
        "--protected-mode",
        "yes",
    ]);
    let mut s = unix_connect(&path);
    assert_eq!(unix_call(&mut s, &["SET", "a", "1"]), b"+OK\r\n");
    assert_eq!(unix_call(&mut s, &["GET", "a"]), b"$1\r\n1\r\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts `bin` under `prlimit --nofile=<soft>:<hard>` with `--maxclients <n>` and returns the
/// maxclients it ended up with (CONFIG GET), or None when prlimit is missing.
fn maxclients_under_limit(bin: &str, soft: u64, hard: u64, n: &str) -> Option<String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let mut child = Command::new("prlimit")
        .arg(format!("--nofile={soft}:{hard}"))
        .args([
            "--",
            bin,
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--maxclients",
            n,
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut got = None;
    if wait_until(Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    }) {
        let mut r = Raw::connect(("127.0.0.1", port));
        let reply = r.call(&["CONFIG", "GET", "maxclients"]);
        got = Some(String::from_utf8_lossy(&reply).to_string());
    }
    let _ = child.kill();
    let _ = child.wait();
    got
}

#[test]
fn maxclients_lowered_to_the_open_files_limit_as_redis() {
    let ours = env!("CARGO_BIN_EXE_uredis-server");
    let Some(mine) = maxclients_under_limit(ours, 1000, 5000, "10000") else {
        eprintln!("note: prlimit not available; skipped");
        return;
    };
    // Redis walks down from 10032 in steps of 16 to the first value the hard limit allows:
    // 4992 files, so 4960 clients.
    assert!(mine.ends_with("\r\n4960\r\n"), "{mine}");
    if Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok()
    {
        let theirs = maxclients_under_limit("redis-server", 1000, 5000, "10000");
        assert_eq!(Some(mine.clone()), theirs);
    }
    // A limit that already suffices leaves maxclients alone.
    let fine = maxclients_under_limit(ours, 1000, 5000, "100").unwrap();
    assert!(fine.ends_with("\r\n100\r\n"), "{fine}");
}

#[test]
fn maxclients_refuses_the_extra_connection_as_redis() {
    // The extra client reads Redis's error and then EOF; counted in rejected_connections.
    for srv in [
        Some(Server::start(&["--maxclients", "2"])),
        redis_or_skip(&["--maxclients", "2"]),
    ]
    .into_iter()
    .flatten()
    {
        let mut a = srv.raw();
        assert_eq!(a.call(&["PING"]), b"+PONG\r\n");
        let mut b = srv.raw();
        assert_eq!(b.call(&["PING"]), b"+PONG\r\n");
        let mut c = srv.raw();
        assert_eq!(c.read_reply(), b"-ERR max number of clients reached\r\n");
        assert!(c.is_closed());
        let info = String::from_utf8_lossy(&a.call(&["INFO", "stats"])).to_string();
        assert!(info.contains("rejected_connections:1\r\n"), "{info}");
        drop(b);
        // The freed slot is usable again (Redis frees it once it sees the close).
        assert!(wait_until(Duration::from_secs(10), || {
            let mut d = srv.raw();
            d.call(&["PING"]) == b"+PONG\r\n"
        }));
    }
}
