//! Big string values, which GET sends from the stored value without copying it into the reply
//! (`Value::Shared`, `Reply::bulk_shared`): the replies must be byte-identical to Redis's in
//! every path that writes a reply (plain, pipelined with small replies around, MULTI/EXEC,
//! scripts, CLIENT REPLY SKIP), the value must survive a DEL or an APPEND while a reply that
//! references it is still unsent, and a client that reads slowly must get every byte in order.

mod common;

use common::{Raw, Server, compat, encode};

/// A value of `n` bytes whose content shows any misplaced or lost range.
fn pattern(n: usize, seed: u8) -> String {
    (0..n)
        .map(|i| (b'a' + ((i / 7 + seed as usize) % 26) as u8) as char)
        .collect()
}

#[test]
fn big_values_reply_as_redis() {
    let v16k = pattern(16 * 1024, 1);
    let v100k = pattern(100 * 1024, 2);
    let v1m = pattern(1024 * 1024, 3);
    let edge = pattern(8 * 1024 - 1, 4);
    let lua = "return redis.call('get', KEYS[1])";
    compat(&[
        &["SET", "a", &v16k],
        &["SET", "b", &v100k],
        &["SET", "c", &v1m],
        &["SET", "e", &edge],
        &["GET", "a"],
        &["GET", "b"],
        &["GET", "c"],
        &["GET", "e"],
        &["OBJECT", "ENCODING", "c"],
        &["STRLEN", "c"],
        &["GETRANGE", "c", "1000", "1100"],
        &["MGET", "a", "nokey", "b"],
        &["MULTI"],
        &["GET", "a"],
        &["PING"],
        &["GET", "b"],
        &["EXEC"],
        &["EVAL", lua, "1", "b"],
        &["GET", "a"],
        &["APPEND", "a", "tail"],
        &["GET", "a"],
        &["OBJECT", "ENCODING", "a"],
        &["SETRANGE", "b", "5", "XYZ"],
        &["GET", "b"],
        &["GETDEL", "c"],
        &["EXISTS", "c"],
        &["SET", "c", &v1m, "GET"],
        &["GETEX", "c", "PX", "100000"],
        &["COPY", "c", "d"],
        &["APPEND", "d", "!"],
        &["STRLEN", "c"],
        &["STRLEN", "d"],
    ]);
}

/// Pipelined GETs of big values interleaved with small replies, the key deleted, replaced and
/// appended to before the client reads anything: every reply arrives whole and in order, with
/// the value as it was when GET ran.
#[test]
fn pipelined_big_gets_survive_changes_before_sending() {
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    let v = pattern(1024 * 1024, 5);
    let w = pattern(64 * 1024, 6);
    assert_eq!(c.call(&["SET", "v", &v]), b"+OK\r\n");
    assert_eq!(c.call(&["SET", "w", &w]), b"+OK\r\n");
    let mut req = Vec::new();
    // Under the 4 MB of pending output at which a client's execution pauses, so the DEL and
    // APPEND run while the earlier replies are still unsent.
    let rounds = 3;
    for _ in 0..rounds {
        req.extend(encode(&[b"GET", b"v"]));
        req.extend(encode(&[b"PING"]));
        req.extend(encode(&[b"GET", b"w"]));
        req.extend(encode(&[b"INCR", b"n"]));
    }
    req.extend(encode(&[b"DEL", b"v"]));
    req.extend(encode(&[b"APPEND", b"w", b"++"]));
    req.extend(encode(&[b"GET", b"w"]));
    c.send(&req);
    // Another connection replaces the deleted key while the first has not read a byte.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let mut other = srv.raw();
    assert_eq!(other.call(&["SET", "v", "replaced"]), b"+OK\r\n");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let got = c.replies(4 * rounds + 3);
    let mut want = Vec::new();
    for i in 0..rounds {
        want.extend(format!("${}\r\n{v}\r\n", v.len()).bytes());
        want.extend(b"+PONG\r\n");
        want.extend(format!("${}\r\n{w}\r\n", w.len()).bytes());
        want.extend(format!(":{}\r\n", i + 1).bytes());
    }
    want.extend(b":1\r\n");
    want.extend(format!(":{}\r\n", w.len() + 2).bytes());
    want.extend(format!("${}\r\n{w}++\r\n", w.len() + 2).bytes());
    if got != want {
        let at = got.iter().zip(&want).position(|(a, b)| a != b);
        panic!(
            "pipelined replies differ: {} bytes vs {} expected, first difference at {at:?}: {:?}",
            got.len(),
            want.len(),
            String::from_utf8_lossy(
                &got[at.unwrap_or(0).saturating_sub(40)..][..80.min(got.len())]
            )
        );
    }
}

/// Many clients fetching the same big value at once, each reading slowly in small pieces.
#[test]
fn slow_readers_of_one_big_value() {
    use std::io::Read;
    let srv = Server::start(&[]);
    let v = pattern(300 * 1024, 7);
    assert_eq!(srv.raw().call(&["SET", "k", &v]), b"+OK\r\n");
    let want = format!("${}\r\n{v}\r\n", v.len()).into_bytes();
    let mut conns: Vec<Raw> = (0..8).map(|_| srv.raw()).collect();
    for c in &mut conns {
        c.cmd(&[b"GET", b"k"]);
        c.cmd(&[b"GET", b"k"]);
    }
    let mut got = vec![Vec::new(); conns.len()];
    let mut buf = [0u8; 3000];
    while got.iter().any(|g| g.len() < 2 * want.len()) {
        for (c, g) in conns.iter_mut().zip(&mut got) {
            if g.len() < 2 * want.len() {
                let n = c.s.read(&mut buf).expect("read");
                assert!(n > 0, "closed");
                g.extend_from_slice(&buf[..n]);
            }
        }
    }
    for g in got {
        assert!(g[..want.len()] == want[..] && g[want.len()..] == want[..]);
    }
}
