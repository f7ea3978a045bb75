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
