//! Client-side caching (CLIENT TRACKING, CACHING, TRACKINGINFO, GETREDIR) and pausing (CLIENT
//! PAUSE / UNPAUSE), end to end.
//!
//! Each scenario is a script of steps over several raw connections (RESP3 clients receiving
//! invalidation pushes, RESP2 subscribers of `__redis__:invalidate`, clients held by a pause).
//! It is run against uredis and, when installed, against a real redis-server, and the bytes
//! every connection received are compared. Pushes to a client that is not the one running a
//! command are read with its next reply, so the transcripts do not depend on timing; waits are
//! for a state (INFO `blocked_clients`), never for a duration that would be asserted.

mod common;

use std::io::Read;
use std::time::Duration;

use common::{Raw, Server, frame_len, redis_or_skip, wait_until};

/// One step of a scenario. Arguments `$id<n>` are replaced by client n's CLIENT ID.
enum Step {
    /// Send a command on client i and read up to and including its reply (the pushes that
    /// came before it included).
    Cmd(usize, &'static [&'static str]),
    /// Send a command on client i without reading (it will be held or it subscribes).
    Send(usize, &'static [&'static str]),
    /// Read n whole frames on client i.
    Read(usize, usize),
    /// Sleep (only to let a TTL of a few milliseconds pass; nothing is timed).
    Sleep(u64),
    /// Wait until INFO reports this many blocked clients (read on a separate connection).
    Blocked(usize),
    /// Wait until `INFO <section>` contains the text (read on a separate connection).
    Info(&'static str, &'static str),
    /// Close client i.
    Close(usize),
    /// CLIENT GETREDIR of client i must be client j's id.
    GetRedir(usize, usize),
}

use Step::*;

/// The arguments of a step as written (ids unsubstituted, so transcripts compare).
fn step_args(step: &Step) -> &'static [&'static str] {
    match step {
        Cmd(_, a) | Send(_, a) => a,
        _ => &[],
    }
}

/// Reads one frame from `c`, or panics after the connection's read timeout.
fn frame(c: &mut Raw) -> Vec<u8> {
    c.read_reply()
}

/// Runs `steps` against the server on `port` with `n` clients; returns the transcript.
fn run(port: u16, n: usize, steps: &[Step]) -> Vec<String> {
    let mut clients: Vec<Option<Raw>> = (0..n)
        .map(|_| Some(Raw::connect(("127.0.0.1", port))))
        .collect();
    let mut ids = Vec::new();
    for c in clients.iter_mut() {
        let r = c.as_mut().unwrap().call(&["CLIENT", "ID"]);
        let s = String::from_utf8_lossy(&r[1..r.len() - 2]).into_owned();
        ids.push(s);
    }
    let mut control = Raw::connect(("127.0.0.1", port));
    let mut out = Vec::new();
    let norm = |mut t: String, ids: &[String]| {
        for (k, id) in ids.iter().enumerate() {
            for pat in [
                "redirect\r\n:",
                "tracking-redir-broken\r\n:",
                "$2\r\nid\r\n:",
            ] {
                t = t.replace(&format!("{pat}{id}\r\n"), &format!("{pat}$id{k}\r\n"));
            }
        }
        t
    };
    for (no, step) in steps.iter().enumerate() {
        match step {
            Cmd(i, args) | Send(i, args) => {
                let args: Vec<String> = args
                    .iter()
                    .map(|a| match a.strip_prefix("$id") {
                        Some(k) => ids[k.parse::<usize>().unwrap()].clone(),
                        None => a.to_string(),
                    })
                    .collect();
                let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
                let c = clients[*i].as_mut().expect("open client");
                c.cmd(&a);
                if matches!(step, Cmd(..)) {
                    let mut got = Vec::new();
                    loop {
                        let f = frame(c);
                        let push = f.first() == Some(&b'>');
                        got.extend_from_slice(&f);
                        if !push {
                            break;
                        }
                    }
                    let t = norm(String::from_utf8_lossy(&got).into_owned(), &ids);
                    out.push(format!("{no} c{i} {:?} -> {t:?}", step_args(step)));
                }
            }
            Read(i, n) => {
                let c = clients[*i].as_mut().expect("open client");
                let mut got = Vec::new();
                for _ in 0..*n {
                    got.extend_from_slice(&frame(c));
                }
                let t = norm(String::from_utf8_lossy(&got).into_owned(), &ids);
                out.push(format!("{no} c{i} <- {t:?}"));
            }
            Sleep(ms) => std::thread::sleep(Duration::from_millis(*ms)),
            Blocked(n) => {
                let want = format!("blocked_clients:{n}\r\n");
                let ok = wait_until(Duration::from_secs(10), || {
                    let r = control.call(&["INFO", "clients"]);
                    String::from_utf8_lossy(&r).contains(&want)
                });
                assert!(ok, "step {no}: never saw {want:?}");
            }
            Info(section, needle) => {
                let ok = wait_until(Duration::from_secs(10), || {
                    let r = control.call(&["INFO", section]);
                    String::from_utf8_lossy(&r).contains(needle)
                });
                assert!(ok, "step {no}: never saw {needle:?}");
            }
            Close(i) => {
                clients[*i] = None;
                // Wait until the server noticed.
                let gone = ids[*i].clone();
                let ok = wait_until(Duration::from_secs(10), || {
                    let r = control.call(&["CLIENT", "LIST"]);
                    !String::from_utf8_lossy(&r).contains(&format!("id={gone} "))
                });
                assert!(ok, "step {no}: client {i} still listed");
            }
            GetRedir(i, j) => {
                let c = clients[*i].as_mut().expect("open client");
                let r = c.call(&["CLIENT", "GETREDIR"]);
                assert_eq!(
                    String::from_utf8_lossy(&r),
                    format!(":{}\r\n", ids[*j]),
                    "step {no}"
                );
            }
        }
    }
    // Nothing unexpected left on any connection.
    for (i, c) in clients.iter_mut().enumerate() {
        if let Some(c) = c {
            let r = c.call(&["PING"]);
            out.push(format!("end c{i} -> {:?}", String::from_utf8_lossy(&r)));
        }
    }
    out
}

const EXTRA: &[&str] = &["--enable-debug-command", "yes"];

/// Runs a scenario on uredis, and on redis-server when installed, comparing the transcripts;
/// returns uredis's.
fn scenario(n: usize, steps: &[Step]) -> Vec<String> {
    let ours = Server::start(EXTRA);
    let mine = run(ours.port, n, steps);
    if let Some(redis) = redis_or_skip(EXTRA) {
        let theirs = run(redis.port, n, steps);
        for (a, b) in mine.iter().zip(&theirs) {
            assert_eq!(a, b, "(left: uredis, right: redis-server)");
        }
        assert_eq!(mine.len(), theirs.len());
    }
    mine
}

fn has(t: &[String], needle: &str) -> bool {
    t.iter().any(|l| l.contains(needle))
}

#[test]
fn default_mode_resp3_pushes() {
    let t = scenario(
        2,
        &[
            Cmd(0, &["HELLO", "3"]),
            Cmd(0, &["CLIENT", "TRACKING", "on"]),
            Cmd(0, &["GET", "k"]),
            Cmd(0, &["MGET", "k", "k2", "k"]),
            Cmd(0, &["HGET", "h", "f"]),
            Cmd(1, &["SET", "k", "1"]),
            Cmd(1, &["HSET", "h", "f", "v"]),
            // Pushes that came meanwhile are read before the reply.
            Cmd(0, &["PING"]),
            // A key is invalidated once; read again to be told again.
            Cmd(1, &["SET", "k", "2"]),
            Cmd(0, &["PING"]),
            Cmd(0, &["GET", "k"]),
            // Its own change: the push follows the reply.
            Cmd(0, &["SET", "k", "3"]),
            Cmd(0, &["PING"]),
            Cmd(0, &["GET", "k2"]),
            Cmd(1, &["DEL", "k2"]),
            Cmd(1, &["RENAME", "k", "k2"]),
            Cmd(0, &["PING"]),
            Cmd(0, &["CLIENT", "TRACKINGINFO"]),
            Cmd(0, &["CLIENT", "GETREDIR"]),
            Cmd(0, &["CLIENT", "TRACKING", "off"]),
            Cmd(0, &["CLIENT", "TRACKINGINFO"]),
            Cmd(0, &["CLIENT", "GETREDIR"]),
        ],
    );
    assert!(has(
        &t,
        ">2\\r\\n$10\\r\\ninvalidate\\r\\n*1\\r\\n$1\\r\\nk\\r\\n"
    ));
    // After its own SET: the push follows the reply, so it is read before the next one.
    assert!(has(
        &t,
        "[\"PING\"] -> \">2\\r\\n$10\\r\\ninvalidate\\r\\n*1\\r\\n$1\\r\\nk\\r\\n+PONG"
    ));
}

#[test]
fn noloop_flush_and_transactions() {
    scenario(
        2,
        &[
            Cmd(0, &["HELLO", "3"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "noloop"]),
            Cmd(0, &["GET", "a"]),
            Cmd(0, &["GET", "b"]),
            // NOLOOP: its own change is not reported, another client's is.
            Cmd(0, &["SET", "a", "1"]),
            Cmd(1, &["SET", "b", "1"]),
            Cmd(0, &["PING"]),
            // Reads inside MULTI are tracked; the pushes follow EXEC's reply.
            Cmd(0, &["MULTI"]),
            Cmd(0, &["GET", "c"]),
            Cmd(0, &["GET", "d"]),
            Cmd(0, &["EXEC"]),
            Cmd(1, &["MSET", "c", "1", "d", "1"]),
            // FLUSHALL / FLUSHDB: the null invalidation, for the flusher after its reply.
            Cmd(0, &["GET", "e"]),
            Cmd(0, &["FLUSHALL"]),
            Cmd(0, &["PING"]),
            Cmd(1, &["FLUSHDB"]),
            Cmd(0, &["PING"]),
            Cmd(1, &["INFO", "keyspace"]),
        ],
    );
}

#[test]
fn redirect_to_resp2_subscriber_and_broken_redirect() {
    let t = scenario(
        4,
        &[
            Cmd(3, &["SUBSCRIBE", "__redis__:invalidate"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "REDIRECT", "$id3"]),
            GetRedir(0, 3),
            Cmd(0, &["CLIENT", "TRACKINGINFO"]),
            Cmd(0, &["GET", "k"]),
            Cmd(0, &["MGET", "k2", "k3"]),
            Cmd(1, &["SET", "k", "1"]),
            Read(3, 1),
            Cmd(1, &["MSET", "k2", "1", "k3", "1"]),
            Read(3, 2),
            // Scripts: a read tracks the script's declared keys.
            Cmd(0, &["EVAL", "return redis.call('get', KEYS[1])", "1", "s1"]),
            Cmd(
                0,
                &["EVAL_RO", "return redis.call('get', KEYS[1])", "1", "s2"],
            ),
            Cmd(0, &["EVAL", "return redis.call('get', 'other')", "1", "s3"]),
            Cmd(0, &["EVAL", "return 1", "1", "s4"]),
            Cmd(
                1,
                &[
                    "MSET", "s1", "1", "s2", "1", "s3", "1", "s4", "1", "other", "1",
                ],
            ),
            Read(3, 3),
            Cmd(1, &["FLUSHALL"]),
            Read(3, 1),
            // RESP3 client redirecting to a client that goes away.
            Cmd(2, &["HELLO", "3"]),
            Cmd(2, &["CLIENT", "TRACKING", "on", "REDIRECT", "$id3"]),
            Cmd(2, &["GET", "q"]),
            Close(3),
            Cmd(1, &["SET", "q", "1"]),
            Cmd(2, &["PING"]),
            Cmd(2, &["CLIENT", "TRACKINGINFO"]),
            // The redirecting RESP2 client gets nothing itself.
            Cmd(0, &["GET", "r"]),
            Cmd(1, &["SET", "r", "1"]),
            Cmd(0, &["CLIENT", "TRACKINGINFO"]),
        ],
    );
    assert!(has(
        &t,
        "*3\\r\\n$7\\r\\nmessage\\r\\n$20\\r\\n__redis__:invalidate\\r\\n*1\\r\\n$1\\r\\nk\\r\\n"
    ));
    assert!(has(&t, "tracking-redir-broken"));
    assert!(has(&t, "broken_redirect"));
}

#[test]
fn optin_optout_and_caching() {
    let t = scenario(
        2,
        &[
            Cmd(0, &["HELLO", "3"]),
            Cmd(0, &["CLIENT", "CACHING", "yes"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "optin"]),
            Cmd(0, &["GET", "o1"]),
            Cmd(0, &["CLIENT", "CACHING", "yes"]),
            Cmd(0, &["CLIENT", "TRACKINGINFO"]),
            Cmd(0, &["GET", "o2"]),
            Cmd(0, &["CLIENT", "TRACKINGINFO"]),
            Cmd(0, &["GET", "o3"]),
            Cmd(0, &["CLIENT", "CACHING", "yes"]),
            Cmd(0, &["MULTI"]),
            Cmd(0, &["GET", "o4"]),
            Cmd(0, &["GET", "o5"]),
            Cmd(0, &["EXEC"]),
            Cmd(0, &["CLIENT", "CACHING", "no"]),
            Cmd(
                1,
                &[
                    "MSET", "o1", "1", "o2", "2", "o3", "3", "o4", "4", "o5", "5",
                ],
            ),
            Cmd(0, &["PING"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "optout"]),
            Cmd(0, &["CLIENT", "TRACKING", "off"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "optout"]),
            Cmd(0, &["GET", "p1"]),
            Cmd(0, &["CLIENT", "CACHING", "no"]),
            Cmd(0, &["CLIENT", "TRACKINGINFO"]),
            Cmd(0, &["GET", "p2"]),
            Cmd(0, &["GET", "p3"]),
            Cmd(0, &["CLIENT", "CACHING", "yes"]),
            Cmd(1, &["MSET", "p1", "1", "p2", "2", "p3", "3"]),
            Cmd(0, &["PING"]),
        ],
    );
    assert!(has(&t, "$2\\r\\no2\\r\\n"));
    assert!(!has(&t, "$2\\r\\no1\\r\\n*"));
}

#[test]
fn bcast_prefixes() {
    let t = scenario(
        3,
        &[
            Cmd(0, &["HELLO", "3"]),
            Cmd(1, &["HELLO", "3"]),
            Cmd(
                0,
                &[
                    "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "obj:",
                ],
            ),
            Cmd(1, &["CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"]),
            Cmd(0, &["CLIENT", "TRACKINGINFO"]),
            Cmd(1, &["CLIENT", "TRACKINGINFO"]),
            // Batched per prefix, keys in order, sent once per event-loop iteration.
            Cmd(
                2,
                &[
                    "MSET", "user:2", "a", "user:1", "b", "other", "c", "obj:9", "d",
                ],
            ),
            Cmd(0, &["PING"]),
            Cmd(1, &["PING"]),
            // NOLOOP: client 1's own change is left out of its message, not of others'.
            Cmd(1, &["SET", "user:3", "x"]),
            Cmd(1, &["PING"]),
            Cmd(0, &["PING"]),
            // Expiry (lazily found by a read) is reported too. Active expiry is off, so the
            // key cannot expire (and be reported) before the read on a slow machine.
            Cmd(2, &["DEBUG", "SET-ACTIVE-EXPIRE", "0"]),
            Cmd(2, &["SET", "user:tmp", "v", "PX", "1"]),
            Cmd(0, &["PING"]),
            Cmd(1, &["PING"]),
            Sleep(20),
            Cmd(2, &["GET", "user:tmp"]),
            Cmd(0, &["PING"]),
            Cmd(1, &["PING"]),
            Cmd(
                2,
                &[
                    "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab",
                ],
            ),
            Cmd(0, &["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "obj:x"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "new:"]),
            Cmd(0, &["CLIENT", "TRACKINGINFO"]),
        ],
    );
    assert!(has(&t, "*2\\r\\n$6\\r\\nuser:1\\r\\n$6\\r\\nuser:2\\r\\n"));
}

#[test]
fn expiry_invalidates_tracked_keys() {
    scenario(
        2,
        &[
            Cmd(0, &["HELLO", "3"]),
            Cmd(0, &["CLIENT", "TRACKING", "on"]),
            Cmd(0, &["DEBUG", "SET-ACTIVE-EXPIRE", "0"]),
            Cmd(1, &["SET", "f", "v", "PX", "1"]),
            Cmd(1, &["SET", "g", "v", "PX", "1"]),
            Sleep(20),
            // Paused, the expired keys stay (so that client 0 can track them while expired).
            Cmd(1, &["CLIENT", "PAUSE", "100000", "WRITE"]),
            Cmd(0, &["GET", "f"]),
            Cmd(0, &["GET", "g"]),
            Cmd(1, &["CLIENT", "UNPAUSE"]),
            // Lazy expiry by another client's read, then the active cycle: both invalidate.
            Cmd(1, &["GET", "f"]),
            Cmd(0, &["PING"]),
            Cmd(0, &["DEBUG", "SET-ACTIVE-EXPIRE", "1"]),
            Info("stats", "expired_keys:2\r\n"),
            Cmd(0, &["PING"]),
        ],
    );
}

/// The keys of every kind of read command are tracked (key positions from the command table
/// and key specs, as Redis's getKeysFromCommand), across databases (tracking keys are
/// global); pushes survive CLIENT REPLY OFF; RESET turns tracking off.
#[test]
fn read_commands_track_their_keys() {
    let t = scenario(
        2,
        &[
            Cmd(0, &["HELLO", "3"]),
            Cmd(0, &["CLIENT", "TRACKING", "on"]),
            Cmd(0, &["SELECT", "1"]),
            Cmd(0, &["SORT_RO", "l"]),
            Cmd(0, &["XREAD", "STREAMS", "s1", "s2", "0", "0"]),
            Cmd(0, &["BITFIELD_RO", "bf", "GET", "u8", "0"]),
            Cmd(0, &["SINTERCARD", "2", "set1", "set2"]),
            Cmd(0, &["LCS", "l1", "l2"]),
            Cmd(0, &["ZUNION", "2", "z1", "z2"]),
            Cmd(0, &["GEORADIUS_RO", "g", "0", "0", "1", "km"]),
            Cmd(0, &["HSTRLEN", "h", "f"]),
            Cmd(0, &["EXISTS", "e1", "e2"]),
            Cmd(0, &["OBJECT", "ENCODING", "oe"]),
            Cmd(0, &["TTL", "ttl"]),
            Cmd(0, &["KEYS", "*"]),
            Cmd(
                1,
                &[
                    "MSET", "l", "v", "s1", "v", "s2", "v", "bf", "v", "set1", "v",
                ],
            ),
            Cmd(
                1,
                &[
                    "MSET", "set2", "v", "l1", "v", "l2", "v", "z1", "v", "z2", "v",
                ],
            ),
            Cmd(
                1,
                &[
                    "MSET", "g", "v", "h", "v", "e1", "v", "e2", "v", "oe", "v", "ttl", "v",
                ],
            ),
            Cmd(0, &["PING"]),
            // Its own change while its replies are off: the push still comes.
            Cmd(0, &["GET", "r1"]),
            Send(0, &["CLIENT", "REPLY", "OFF"]),
            Send(0, &["SET", "r1", "w"]),
            Cmd(0, &["CLIENT", "REPLY", "ON"]),
            Cmd(0, &["GET", "x"]),
            Cmd(0, &["GETEX", "x", "PX", "100000"]),
            Cmd(1, &["SET", "x", "1"]),
            Cmd(0, &["PING"]),
            Cmd(0, &["GET", "y"]),
            Cmd(0, &["RESET"]),
            Cmd(1, &["SET", "y", "1"]),
            Cmd(0, &["PING"]),
        ],
    );
    assert!(has(
        &t,
        "[\"CLIENT\", \"REPLY\", \"ON\"] -> \">2\\r\\n$10\\r\\ninvalidate\\r\\n*1\\r\\n$2\\r\\nr1\\r\\n+OK"
    ));
    assert!(has(&t, "$4\\r\\nset2\\r\\n"));
}

/// Every error text of CLIENT TRACKING / CACHING / PAUSE, byte for byte.
#[test]
fn errors() {
    scenario(
        2,
        &[
            Cmd(0, &["CLIENT", "TRACKING", "on", "REDIRECT", "999999"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "REDIRECT", "0"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "REDIRECT", "x"]),
            Cmd(
                0,
                &[
                    "CLIENT", "TRACKING", "on", "REDIRECT", "$id1", "REDIRECT", "$id1",
                ],
            ),
            Cmd(0, &["CLIENT", "TRACKING", "on", "REDIRECT"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "optin", "optout"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "optin", "bcast"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "optout", "bcast"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "prefix", "x"]),
            Cmd(
                0,
                &[
                    "CLIENT", "TRACKING", "on", "bcast", "prefix", "ab", "prefix", "a",
                ],
            ),
            Cmd(
                0,
                &[
                    "CLIENT", "TRACKING", "on", "bcast", "prefix", "x", "prefix", "x",
                ],
            ),
            Cmd(0, &["CLIENT", "TRACKING", "on", "bcast", "prefix"]),
            Cmd(0, &["CLIENT", "TRACKING", "maybe"]),
            Cmd(0, &["CLIENT", "TRACKING", "off", "foo"]),
            Cmd(0, &["CLIENT", "TRACKING"]),
            Cmd(0, &["CLIENT", "CACHING", "yes"]),
            Cmd(0, &["CLIENT", "CACHING"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "optin"]),
            Cmd(0, &["CLIENT", "CACHING", "no"]),
            Cmd(0, &["CLIENT", "CACHING", "maybe"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "optout"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "bcast"]),
            Cmd(0, &["CLIENT", "TRACKING", "off"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "optout"]),
            Cmd(0, &["CLIENT", "CACHING", "yes"]),
            Cmd(0, &["CLIENT", "TRACKING", "off"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "bcast", "prefix", "b"]),
            Cmd(0, &["CLIENT", "TRACKING", "on", "bcast", "prefix", "bc"]),
            Cmd(
                0,
                &[
                    "CLIENT", "TRACKING", "on", "bcast", "prefix", "c", "prefix", "cd",
                ],
            ),
            Cmd(0, &["CLIENT", "TRACKING", "on"]),
            Cmd(0, &["CLIENT", "TRACKINGINFO", "x"]),
            Cmd(0, &["CLIENT", "GETREDIR", "x"]),
            Cmd(0, &["CLIENT", "PAUSE"]),
            Cmd(0, &["CLIENT", "PAUSE", "abc"]),
            Cmd(0, &["CLIENT", "PAUSE", "1.5"]),
            Cmd(0, &["CLIENT", "PAUSE", "-1"]),
            Cmd(0, &["CLIENT", "PAUSE", "10", "foo"]),
            Cmd(0, &["CLIENT", "PAUSE", "10", "write", "x"]),
            Cmd(0, &["CLIENT", "UNPAUSE", "x"]),
            Cmd(0, &["CLIENT", "NO-EVICT", "on"]),
            Cmd(0, &["CLIENT", "NO-EVICT", "maybe"]),
            Cmd(0, &["CLIENT", "NO-EVICT", "off"]),
        ],
    );
}

#[test]
fn pause_write_holds_writes_and_releases_in_order() {
    let t = scenario(
        6,
        &[
            Cmd(0, &["CLIENT", "PAUSE", "100000", "WRITE"]),
            Send(1, &["SET", "x", "1"]),
            Blocked(1),
            // Reads go on; the write is not done.
            Cmd(2, &["GET", "x"]),
            Cmd(
                2,
                &[
                    "EVAL",
                    "#!lua flags=no-writes\nreturn redis.call('get','x')",
                    "0",
                ],
            ),
            Cmd(2, &["EVAL_RO", "return 1", "0"]),
            // Commands that may replicate are held too.
            Send(3, &["PFCOUNT", "h"]),
            Blocked(2),
            Send(4, &["EVAL", "return redis.call('incr','x')", "0"]),
            Blocked(3),
            Cmd(5, &["MULTI"]),
            Cmd(5, &["GET", "x"]),
            Send(5, &["SET", "x", "5"]),
            Blocked(4),
            Send(2, &["PUBLISH", "ch", "m"]),
            Blocked(5),
            Cmd(0, &["GET", "x"]),
            Cmd(0, &["CLIENT", "UNPAUSE"]),
            // Released in the order they were held.
            Read(1, 1),
            Read(3, 1),
            Read(4, 1),
            Read(5, 1),
            Read(2, 1),
            Cmd(5, &["EXEC"]),
            Cmd(0, &["GET", "x"]),
            Cmd(0, &["INFO", "keyspace"]),
        ],
    );
    assert!(has(&t, "c2 [\"GET\", \"x\"] -> \"$-1\\r\\n\""));
}

#[test]
fn pause_keeps_the_dataset_still() {
    let t = scenario(
        2,
        &[
            Cmd(0, &["DEBUG", "SET-ACTIVE-EXPIRE", "0"]),
            Cmd(0, &["SET", "e1", "v", "PX", "1"]),
            Cmd(0, &["SET", "e2", "v", "PX", "1"]),
            Cmd(0, &["SET", "keep", "v"]),
            Sleep(20),
            Cmd(0, &["CLIENT", "PAUSE", "100000", "WRITE"]),
            Cmd(0, &["DEBUG", "SET-ACTIVE-EXPIRE", "1"]),
            // Expired keys read as missing but are not deleted, by lookups or the cron.
            Cmd(1, &["GET", "e1"]),
            Cmd(1, &["EXISTS", "e2"]),
            Sleep(300),
            Cmd(1, &["DBSIZE"]),
            Cmd(1, &["INFO", "keyspace"]),
            Cmd(0, &["CLIENT", "UNPAUSE"]),
            Cmd(1, &["GET", "e1"]),
            Cmd(1, &["DBSIZE"]),
        ],
    );
    assert!(has(&t, "c1 [\"DBSIZE\"] -> \":3\\r\\n\""));
}

/// A pause that ends by its time releases the held clients by itself.
#[test]
fn pause_ends_by_itself() {
    scenario(
        3,
        &[
            Cmd(0, &["CLIENT", "PAUSE", "300", "WRITE"]),
            Send(1, &["SET", "x", "1"]),
            Send(2, &["INCR", "y"]),
            Read(1, 1),
            Read(2, 1),
            Cmd(0, &["MGET", "x", "y"]),
            Cmd(0, &["INFO", "keyspace"]),
        ],
    );
}

/// PAUSE ALL holds every command, CLIENT UNPAUSE included (as Redis 7.0), until the end time.
/// The pause is long enough that the "not answered yet" check cannot race with its end on a
/// working server.
#[test]
fn pause_all_holds_everything_until_it_ends() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    let mut c = srv.raw();
    assert_eq!(a.call(&["SET", "x", "1"]), b"+OK\r\n");
    assert_eq!(a.call(&["CLIENT", "PAUSE", "3000", "ALL"]), b"+OK\r\n");
    b.cmd(&[b"GET", b"x"]);
    c.cmd(&[b"CLIENT", b"UNPAUSE"]);
    c.cmd(&[b"SET", b"x", b"2"]);
    b.cmd(&[b"GET", b"x"]);
    b.s.set_nonblocking(true).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let mut buf = [0u8; 64];
    let early = b.s.read(&mut buf);
    assert!(
        matches!(&early, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "answered during PAUSE ALL: {early:?}"
    );
    b.s.set_nonblocking(false).unwrap();
    // Released in the order they were held when the pause ends, each client running all its
    // waiting input (as Redis's processUnblockedClients): b's two GETs, then c's UNPAUSE and
    // SET.
    assert_eq!(b.read_reply(), b"$1\r\n1\r\n");
    assert_eq!(b.read_reply(), b"$1\r\n1\r\n");
    assert_eq!(c.read_reply(), b"+OK\r\n");
    assert_eq!(c.read_reply(), b"+OK\r\n");
    assert_eq!(a.call(&["GET", "x"]), b"$1\r\n2\r\n");
}

#[test]
fn client_list_flags_and_info_fields() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    let mut sub = srv.raw();
    sub.call(&["SUBSCRIBE", "__redis__:invalidate"]);
    let sub_id = {
        let mut ctl = srv.raw();
        let r = ctl.call(&["CLIENT", "LIST"]);
        let text = String::from_utf8_lossy(&r).into_owned();
        let line = text
            .lines()
            .find(|l| l.contains("cmd=subscribe"))
            .expect("subscriber listed")
            .to_string();
        line.split(' ').next().unwrap()[3..].to_string()
    };
    a.call(&["CLIENT", "TRACKING", "on", "REDIRECT", &sub_id]);
    b.call(&["HELLO", "3"]);
    b.call(&[
        "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p:", "PREFIX", "q:",
    ]);
    a.call(&["GET", "k1"]);
    a.call(&["MGET", "k1", "k2"]);
    let info = String::from_utf8_lossy(&a.call(&["CLIENT", "INFO"])).into_owned();
    assert!(info.contains(" flags=t "), "{info}");
    assert!(info.contains(&format!(" redir={sub_id} ")), "{info}");
    let info = String::from_utf8_lossy(&b.call(&["CLIENT", "INFO"])).into_owned();
    assert!(info.contains(" flags=tB "), "{info}");
    assert!(info.contains(" redir=0 "), "{info}");
    let stats = String::from_utf8_lossy(&a.call(&["INFO", "stats"])).into_owned();
    assert!(stats.contains("tracking_total_keys:2\r\n"), "{stats}");
    assert!(stats.contains("tracking_total_items:2\r\n"), "{stats}");
    assert!(stats.contains("tracking_total_prefixes:2\r\n"), "{stats}");
    let clients = String::from_utf8_lossy(&a.call(&["INFO", "clients"])).into_owned();
    assert!(clients.contains("tracking_clients:2\r\n"), "{clients}");
    // The redirect client goes away: `R` once an invalidation found it gone.
    drop(sub);
    let mut c = srv.raw();
    assert!(wait_until(Duration::from_secs(10), || {
        !String::from_utf8_lossy(&c.call(&["CLIENT", "LIST"])).contains("cmd=subscribe")
    }));
    c.call(&["SET", "k1", "v"]);
    let info = String::from_utf8_lossy(&a.call(&["CLIENT", "INFO"])).into_owned();
    assert!(info.contains(" flags=tR "), "{info}");
    a.call(&["CLIENT", "TRACKING", "off"]);
    let info = String::from_utf8_lossy(&a.call(&["CLIENT", "INFO"])).into_owned();
    assert!(
        info.contains(" flags=N ") && info.contains(" redir=-1 "),
        "{info}"
    );
    // RESET turns tracking off; NO-EVICT sets `e`.
    b.call(&["RESET"]);
    b.call(&["CLIENT", "NO-EVICT", "on"]);
    let info = String::from_utf8_lossy(&b.call(&["CLIENT", "INFO"])).into_owned();
    assert!(info.contains(" flags=e "), "{info}");
    let stats = String::from_utf8_lossy(&a.call(&["INFO", "stats"])).into_owned();
    assert!(stats.contains("tracking_total_prefixes:0\r\n"), "{stats}");
    let clients = String::from_utf8_lossy(&a.call(&["INFO", "clients"])).into_owned();
    assert!(clients.contains("tracking_clients:0\r\n"), "{clients}");
    // A held client shows `b` and counts as blocked.
    a.call(&["CLIENT", "PAUSE", "100000", "WRITE"]);
    b.cmd(&[b"SET", b"x", b"1"]);
    assert!(wait_until(Duration::from_secs(10), || {
        String::from_utf8_lossy(&a.call(&["INFO", "clients"])).contains("blocked_clients:1\r\n")
    }));
    let list = String::from_utf8_lossy(&a.call(&["CLIENT", "LIST"])).into_owned();
    assert!(
        list.contains(" flags=be ") && list.contains("cmd=set"),
        "{list}"
    );
    a.call(&["CLIENT", "UNPAUSE"]);
    assert_eq!(b.read_reply(), b"+OK\r\n");
}

/// tracking-table-max-keys: over the limit, keys are dropped from the table with an
/// invalidation, as if they had changed.
#[test]
fn tracking_table_max_keys() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    a.call(&["HELLO", "3"]);
    assert_eq!(
        a.call(&["CONFIG", "SET", "tracking-table-max-keys", "3"]),
        b"+OK\r\n"
    );
    a.call(&["CLIENT", "TRACKING", "on"]);
    a.call(&["MGET", "k1", "k2", "k3", "k4", "k5"]);
    // The next command first brings the table back under the limit.
    a.cmd(&[b"PING"]);
    let mut pushes = 0;
    loop {
        let f = a.read_reply();
        if f.starts_with(b">2\r\n$10\r\ninvalidate\r\n*1\r\n") {
            pushes += 1;
            continue;
        }
        assert_eq!(f, b"+PONG\r\n");
        break;
    }
    assert_eq!(pushes, 2);
    let stats = String::from_utf8_lossy(&a.call(&["INFO", "stats"])).into_owned();
    assert!(stats.contains("tracking_total_keys:3\r\n"), "{stats}");
    assert_eq!(
        a.call(&["CONFIG", "GET", "tracking-table-max-keys"]),
        b"%1\r\n$23\r\ntracking-table-max-keys\r\n$1\r\n3\r\n"
    );
}

/// A client that goes away while tracking or held leaves nothing behind.
#[test]
fn disconnects_clean_up() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    {
        let mut b = srv.raw();
        b.call(&["HELLO", "3"]);
        b.call(&["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x"]);
        let mut h = srv.raw();
        a.call(&["CLIENT", "PAUSE", "100000", "WRITE"]);
        h.cmd(&[b"SET", b"k", b"v"]);
        assert!(wait_until(Duration::from_secs(10), || {
            String::from_utf8_lossy(&a.call(&["INFO", "clients"])).contains("blocked_clients:1\r\n")
        }));
    }
    assert!(wait_until(Duration::from_secs(10), || {
        let c = String::from_utf8_lossy(&a.call(&["INFO", "clients"])).into_owned();
        c.contains("blocked_clients:0\r\n") && c.contains("tracking_clients:0\r\n")
    }));
    a.call(&["CLIENT", "UNPAUSE"]);
    // The held SET of the closed client never ran.
    assert_eq!(a.call(&["EXISTS", "k"]), b":0\r\n");
    let stats = String::from_utf8_lossy(&a.call(&["INFO", "stats"])).into_owned();
    assert!(stats.contains("tracking_total_prefixes:0\r\n"), "{stats}");
    let _ = frame_len(b"+OK\r\n");
}
