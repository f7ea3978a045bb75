//! Protocol-level end-to-end tests against the real `uredis-server` binary: pipelining, frames
//! split at every byte, inline commands, every protocol error (exact text, connection closed),
//! hostile lengths and the query-buffer limit (memory checked through /proc), binary safety,
//! many concurrent clients, slow readers, unknown-command texts, random garbage and expiry.
//!
//! Wherever Redis's behaviour is the expectation, the same scenario also runs against a real
//! `redis-server` (when installed) and both results must be identical, so the expected values
//! written here are themselves checked against Redis.

mod common;

use std::fmt;
use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

use common::{Raw, Server, compat, encode, redis_or_skip, rss_kib, show, wait_until};

/// Far above what the server needs for these tests, far below what any of the hostile inputs
/// would cost if the server trusted them.
const RSS_BOUND_KIB: u64 = 100 * 1024;

/// Raw reply bytes that print readably in assertion messages.
#[derive(PartialEq, Eq, Clone)]
struct B(Vec<u8>);

impl fmt::Debug for B {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", show(&self.0, 400))
    }
}

fn b(s: &[u8]) -> B {
    B(s.to_vec())
}

/// A bulk string reply.
fn bulk(v: &[u8]) -> Vec<u8> {
    let mut out = format!("${}\r\n", v.len()).into_bytes();
    out.extend_from_slice(v);
    out.extend_from_slice(b"\r\n");
    out
}

fn err(text: &str) -> Vec<u8> {
    format!("-{text}\r\n").into_bytes()
}

/// uredis and, when installed, a real redis-server started with the same directives.
struct Pair {
    ours: Server,
    redis: Option<Server>,
}

impl Pair {
    fn start(extra: &[&str]) -> Pair {
        Pair {
            ours: Server::start(extra),
            redis: redis_or_skip(extra),
        }
    }

    /// Runs `f` against uredis and redis-server, asserts both give the same result, and
    /// returns uredis's.
    fn same<T: PartialEq + fmt::Debug>(&self, what: &str, f: impl Fn(&Server) -> T) -> T {
        let ours = f(&self.ours);
        if let Some(redis) = &self.redis {
            let theirs = f(redis);
            assert_eq!(
                ours, theirs,
                "{what}: uredis (left) and redis-server (right) differ"
            );
        }
        ours
    }
}

/// Writes `bytes` from another thread, so a large input can't deadlock against replies we
/// have not read yet. The thread's result is the write's outcome.
fn write_in_background(raw: &Raw, bytes: Vec<u8>) -> JoinHandle<std::io::Result<()>> {
    let mut s = raw.s.try_clone().expect("clone socket");
    std::thread::spawn(move || s.write_all(&bytes))
}

/// Sends `input` on a fresh connection and reads `n` replies.
fn exchange(srv: &Server, input: &[u8], n: usize) -> B {
    let mut raw = srv.raw();
    let w = write_in_background(&raw, input.to_vec());
    let got = raw.replies(n);
    w.join().expect("writer").expect("write");
    B(got)
}

/// Sends `input` on a fresh connection and returns everything received until the server
/// closes the connection (the test fails if it doesn't). Write errors are ignored: the server
/// may close before it has read all of the input.
fn until_closed(srv: &Server, input: &[u8]) -> B {
    let mut raw = srv.raw();
    let w = write_in_background(&raw, input.to_vec());
    let got = raw.read_until_closed();
    let _ = w.join();
    B(got)
}

fn ping(srv: &Server) {
    assert_eq!(b(&srv.raw().call(&["PING"])), b(b"+PONG\r\n"));
}

/// Asserts two reply lists are equal, naming the first difference instead of dumping both.
fn assert_same_replies(what: &str, got: &[Vec<u8>], want: &[Vec<u8>]) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(B(g.clone()), B(w.clone()), "{what}: reply #{i} differs");
    }
    assert_eq!(got.len(), want.len(), "{what}: number of replies");
}

// ---------------------------------------------------------------------------------------------
// 1. Pipelining

#[test]
fn ten_thousand_pipelined_commands_in_one_write() {
    const N: usize = 10_000;
    let mut input = Vec::new();
    let mut want = Vec::with_capacity(N);
    for i in 0..N {
        let (cmd, reply): (Vec<Vec<u8>>, Vec<u8>) = match i % 6 {
            0 => (
                vec![
                    b"SET".to_vec(),
                    format!("key:{i}").into(),
                    format!("value:{i}").into(),
                ],
                b"+OK\r\n".to_vec(),
            ),
            1 => (
                vec![b"GET".to_vec(), format!("key:{}", i - 1).into()],
                bulk(format!("value:{}", i - 1).as_bytes()),
            ),
            2 => {
                let msg = format!("message\r\n{i}\0");
                (
                    vec![b"ECHO".to_vec(), msg.clone().into()],
                    bulk(msg.as_bytes()),
                )
            }
            3 => (vec![b"PING".to_vec()], b"+PONG\r\n".to_vec()),
            4 => (
                vec![b"GET".to_vec(), format!("missing:{i}").into()],
                b"$-1\r\n".to_vec(),
            ),
            _ => (
                vec![b"PING".to_vec(), format!("{i}").into()],
                bulk(format!("{i}").as_bytes()),
            ),
        };
        let args: Vec<&[u8]> = cmd.iter().map(|a| a.as_slice()).collect();
        input.extend(encode(&args));
        want.push(reply);
    }
    let run = |srv: &Server| {
        let mut raw = srv.raw();
        let w = write_in_background(&raw, input.clone());
        let got: Vec<Vec<u8>> = (0..N).map(|_| raw.read_reply()).collect();
        w.join()
            .expect("writer")
            .expect("one write of the whole pipeline");
        // Nothing else is pending: the next reply is the next command's.
        assert_eq!(b(&raw.call(&["PING", "end"])), b(&bulk(b"end")));
        got
    };
    let pair = Pair::start(&[]);
    let ours = run(&pair.ours);
    assert_same_replies("uredis vs expected", &ours, &want);
    if let Some(redis) = &pair.redis {
        assert_same_replies("uredis vs redis-server", &ours, &run(redis));
    }
    let mut c = pair.ours.raw();
    assert_eq!(
        b(&c.call(&["DBSIZE"])),
        b(format!(":{}\r\n", N / 6 + 1).as_bytes())
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Frames split at every byte boundary

/// Several requests of every shape in one byte string, and the replies they must produce.
fn mixed_requests() -> (Vec<u8>, Vec<u8>, usize) {
    let key: &[u8] = b"k\0\r\nbin";
    let val: &[u8] = b"v\r\n\0\x01\xff\r\n$3\r\n*1\r\n";
    let mut input = Vec::new();
    let mut want = Vec::new();
    input.extend(encode(&[b"SET", key, val]));
    want.extend_from_slice(b"+OK\r\n");
    input.extend(encode(&[b"GET", key]));
    want.extend(bulk(val));
    input.extend_from_slice(b"SET \"inline key\" 'it\\'s \"q\"'\r\n");
    want.extend_from_slice(b"+OK\r\n");
    input.extend_from_slice(b"  GET \"inline\\x20key\"  \r\n");
    want.extend(bulk(b"it's \"q\""));
    input.extend_from_slice(b"\r\n"); // an empty inline line is skipped
    input.extend(encode(&[b"ECHO", b""]));
    want.extend(bulk(b""));
    input.extend_from_slice(b"ECHO \"a\\r\\nb\\x00c\"\n"); // \n without \r
    want.extend(bulk(b"a\r\nb\0c"));
    input.extend_from_slice(b"*0\r\n*-1\r\n"); // empty multibulks are skipped
    input.extend(encode(&[b"PING"]));
    want.extend_from_slice(b"+PONG\r\n");
    (input, want, 7)
}

#[test]
fn mixed_requests_match_redis() {
    let (input, want, n) = mixed_requests();
    let pair = Pair::start(&[]);
    let got = pair.same("mixed requests", |srv| exchange(srv, &input, n));
    assert_eq!(got, B(want));
}

#[test]
fn frames_split_at_every_byte_boundary() {
    let (input, want, n) = mixed_requests();
    let srv = Server::start(&[]);
    for cut in 1..input.len() {
        let mut raw = srv.raw();
        raw.send(&input[..cut]);
        raw.s.flush().unwrap();
        std::thread::sleep(Duration::from_millis(2));
        raw.send(&input[cut..]);
        assert_eq!(B(raw.replies(n)), B(want.clone()), "split after byte {cut}");
        // Nothing was left behind or duplicated.
        assert_eq!(
            b(&raw.call(&["PING", "after"])),
            b(&bulk(b"after")),
            "split after byte {cut}"
        );
    }
}

#[test]
fn frames_sent_one_byte_at_a_time() {
    let (input, want, n) = mixed_requests();
    let pair = Pair::start(&[]);
    let got = pair.same("one byte at a time", |srv| {
        let mut raw = srv.raw();
        for (i, byte) in input.iter().enumerate() {
            raw.send(std::slice::from_ref(byte));
            if i % 4 == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        B(raw.replies(n))
    });
    assert_eq!(got, B(want));
}

// ---------------------------------------------------------------------------------------------
// 3. Inline commands

#[test]
fn inline_commands_match_redis() {
    let cases: &[(&[u8], usize, &[u8])] = &[
        (b"PING\r\n", 1, b"+PONG\r\n"),
        (b"ping\n", 1, b"+PONG\r\n"),
        (b"PING\nPING\r\n", 2, b"+PONG\r\n+PONG\r\n"),
        (b"\r\n\n   \r\n\t\r\nPING\r\n", 1, b"+PONG\r\n"),
        (b"   PING    hello   \r\n", 1, b"$5\r\nhello\r\n"),
        (b"SET k \"a b\"\r\nGET k\r\n", 2, b"+OK\r\n$3\r\na b\r\n"),
        (b"ECHO 'it\\'s'\r\n", 1, b"$4\r\nit's\r\n"),
        (b"ECHO 'a\\nb'\r\n", 1, b"$4\r\na\\nb\r\n"),
        (b"ECHO \"a\\\"b\"\r\n", 1, b"$3\r\na\"b\r\n"),
        (
            b"ECHO \"\\x41\\x4a\\x00\\xff\"\r\n",
            1,
            b"$4\r\nAJ\x00\xff\r\n",
        ),
        (b"ECHO \"\\xZZ\"\r\n", 1, b"$3\r\nxZZ\r\n"),
        (
            b"ECHO \"\\t\\r\\n\\b\\a\\\\\"\r\n",
            1,
            b"$6\r\n\t\r\n\x08\x07\\\r\n",
        ),
        (b"ECHO \"\"\r\n", 1, b"$0\r\n\r\n"),
        (b"ECHO ''\r\n", 1, b"$0\r\n\r\n"),
        (b"ECHO ab\"c d\"\r\n", 1, b"$5\r\nabc d\r\n"),
        (b"PING\rfoo\n", 1, b"$3\r\nfoo\r\n"),
        // (A raw NUL in an inline line is not tested: Redis looks for the newline with
        // strchr(), so it never sees a line past the NUL and waits for more input.)
        (
            b"PING\r\n*1\r\n$4\r\nPING\r\nPING\r\n",
            3,
            b"+PONG\r\n+PONG\r\n+PONG\r\n",
        ),
        (b"ECHO \"\xc3\xa9\"\r\n", 1, b"$2\r\n\xc3\xa9\r\n"),
        (
            b"GET\r\n",
            1,
            b"-ERR wrong number of arguments for 'get' command\r\n",
        ),
    ];
    let pair = Pair::start(&[]);
    for &(input, n, want) in cases {
        let what = format!("inline {}", show(input, 80));
        let got = pair.same(&what, |srv| exchange(srv, input, n));
        assert_eq!(got, b(want), "{what}");
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Protocol errors

const INVALID_MULTIBULK: &str = "ERR Protocol error: invalid multibulk length";
const INVALID_BULK: &str = "ERR Protocol error: invalid bulk length";
const UNBALANCED: &str = "ERR Protocol error: unbalanced quotes in request";

#[test]
fn protocol_errors_have_redis_text_and_close_the_connection() {
    let long_line = |prefix: &[u8]| {
        let mut v = prefix.to_vec();
        v.extend(std::iter::repeat_n(b'1', 70_000));
        v
    };
    let cases: Vec<(Vec<u8>, Vec<u8>)> = vec![
        (b"*x\r\n".to_vec(), err(INVALID_MULTIBULK)),
        (b"*99999999999\r\n".to_vec(), err(INVALID_MULTIBULK)),
        (b"*2147483648\r\n".to_vec(), err(INVALID_MULTIBULK)),
        (b"*01\r\n".to_vec(), err(INVALID_MULTIBULK)),
        (b"*+1\r\n".to_vec(), err(INVALID_MULTIBULK)),
        (b"*1 \r\n".to_vec(), err(INVALID_MULTIBULK)),
        (b"*\r\n".to_vec(), err(INVALID_MULTIBULK)),
        (b"*1\r\n$-5\r\n".to_vec(), err(INVALID_BULK)),
        (b"*1\r\n$-1\r\n".to_vec(), err(INVALID_BULK)),
        (b"*1\r\n$x\r\n".to_vec(), err(INVALID_BULK)),
        (b"*1\r\n$01\r\n".to_vec(), err(INVALID_BULK)),
        (b"*1\r\n$\r\n".to_vec(), err(INVALID_BULK)),
        (b"*1\r\n$536870913\r\n".to_vec(), err(INVALID_BULK)),
        (
            b"*1\r\n$99999999999999999999\r\n".to_vec(),
            err(INVALID_BULK),
        ),
        (
            b"*1\r\nx\r\n".to_vec(),
            err("ERR Protocol error: expected '$', got 'x'"),
        ),
        (
            b"*2\r\n$4\r\nECHO\r\n:5\r\n".to_vec(),
            err("ERR Protocol error: expected '$', got ':'"),
        ),
        (
            b"*2\r\n$4\r\nECHO\r\n\r\n".to_vec(),
            // Redis turns the \r in the error text into a space.
            err("ERR Protocol error: expected '$', got ' '"),
        ),
        (b"SET k \"abc\r\n".to_vec(), err(UNBALANCED)),
        (b"SET k \"abc\"def\r\n".to_vec(), err(UNBALANCED)),
        (b"ECHO 'abc\r\n".to_vec(), err(UNBALANCED)),
        (b"ECHO 'abc'd\r\n".to_vec(), err(UNBALANCED)),
        (b"ECHO \"\\\"\r\n".to_vec(), err(UNBALANCED)),
        (b"ECHO a\"b\"c\r\n".to_vec(), err(UNBALANCED)),
        (
            long_line(b"a"),
            err("ERR Protocol error: too big inline request"),
        ),
        (
            long_line(b"*"),
            err("ERR Protocol error: too big mbulk count string"),
        ),
        (
            long_line(b"*1\r\n$"),
            err("ERR Protocol error: too big bulk count string"),
        ),
    ];
    let pair = Pair::start(&[]);
    for (input, want) in &cases {
        let what = format!("protocol error for {}", show(input, 60));
        let got = pair.same(&what, |srv| until_closed(srv, input));
        assert_eq!(got, B(want.clone()), "{what}");
    }
    ping(&pair.ours);
}

#[test]
fn commands_before_a_protocol_error_run_and_those_after_do_not() {
    let pair = Pair::start(&[]);
    let input = b"SET before 1\r\n*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n*1\r\n$x\r\nSET after 1\r\n";
    let got = pair.same("error after commands", |srv| until_closed(srv, input));
    let mut want = b"+OK\r\n+PONG\r\n$3\r\nabc\r\n".to_vec();
    want.extend(err(INVALID_BULK));
    assert_eq!(got, B(want));
    let state = pair.same("state after the error", |srv| {
        let mut c = srv.raw();
        (B(c.call(&["GET", "before"])), B(c.call(&["GET", "after"])))
    });
    assert_eq!(state, (b(b"$1\r\n1\r\n"), b(b"$-1\r\n")));
}

#[test]
fn empty_and_negative_multibulk_counts_are_skipped() {
    let pair = Pair::start(&[]);
    let got = pair.same("skipped multibulks", |srv| {
        exchange(srv, b"*0\r\n*-1\r\n*-100\r\nPING\r\n", 1)
    });
    assert_eq!(got, b(b"+PONG\r\n"));
}

#[test]
fn lowered_proto_max_bulk_len() {
    let pair = Pair::start(&["--proto-max-bulk-len", "1mb"]);
    let got = pair.same("bulk over proto-max-bulk-len", |srv| {
        until_closed(srv, b"*2\r\n$4\r\nECHO\r\n$1048577\r\n")
    });
    assert_eq!(got, B(err(INVALID_BULK)));
    let max = vec![b'x'; 1 << 20];
    let got = pair.same("bulk at proto-max-bulk-len", |srv| {
        exchange(srv, &encode(&[b"ECHO", &max]), 1)
    });
    assert_eq!(got, B(bulk(&max)));
}

/// A client announcing a huge request and then stopping costs the server nothing: it stays
/// responsive to others and its memory doesn't jump.
#[test]
fn hostile_lengths_do_not_allocate() {
    let srv = Server::start(&[]);
    let before = rss_kib(srv.pid());
    let mut hostile = Vec::new();
    for input in [
        b"*1000000000\r\n".to_vec(),
        b"*2147483647\r\n$4\r\nECHO\r\n".to_vec(),
        b"*2\r\n$4\r\nECHO\r\n$536870000\r\n".to_vec(),
        {
            // A huge multibulk that keeps delivering tiny arguments.
            let mut v = b"*1000000000\r\n".to_vec();
            for _ in 0..50_000 {
                v.extend_from_slice(b"$1\r\na\r\n");
            }
            v
        },
        {
            // A huge bulk that has received 2 MB so far.
            let mut v = b"*2\r\n$4\r\nECHO\r\n$536870000\r\n".to_vec();
            v.extend(std::iter::repeat_n(b'z', 2 << 20));
            v
        },
    ] {
        let mut raw = srv.raw();
        raw.send(&input);
        hostile.push(raw);
        // Everyone else is still served.
        let mut c = srv.raw();
        assert_eq!(b(&c.call(&["SET", "k", "v"])), b(b"+OK\r\n"));
        assert_eq!(b(&c.call(&["GET", "k"])), b(b"$1\r\nv\r\n"));
    }
    // Let the server take in everything that was sent before measuring.
    for _ in 0..5 {
        ping(&srv);
        std::thread::sleep(Duration::from_millis(50));
    }
    let after = rss_kib(srv.pid());
    assert!(
        after < RSS_BOUND_KIB,
        "server RSS grew from {before} KiB to {after} KiB"
    );
    // The hostile clients are still connected and waiting; closing them is fine too.
    for mut raw in hostile {
        raw.s.shutdown(Shutdown::Write).unwrap();
        assert_eq!(raw.read_until_closed(), b"");
    }
    ping(&srv);
}

#[test]
fn client_query_buffer_limit_closes_like_redis() {
    let pair = Pair::start(&["--client-query-buffer-limit", "1mb"]);
    let set_with = |len: usize, sent: usize| {
        let mut v = format!("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${len}\r\n").into_bytes();
        v.extend(std::iter::repeat_n(b'a', sent));
        if sent == len {
            v.extend_from_slice(b"\r\n");
        }
        v
    };
    // An incomplete request over the limit: closed without a reply.
    let got = pair.same("incomplete request over the limit", |srv| {
        until_closed(srv, &set_with(2_000_000, 1_100_000))
    });
    assert_eq!(got, b(b""));
    // A complete argument bigger than the limit is refused as well (Redis holds a big
    // argument whole in its query buffer, so it counts the argument plus its CRLF).
    let got = pair.same("argument over the limit", |srv| {
        until_closed(srv, &set_with(1_048_575, 1_048_575))
    });
    assert_eq!(got, b(b""));
    // The largest argument that fits.
    let got = pair.same("argument at the limit", |srv| {
        exchange(srv, &set_with(1_048_574, 1_048_574), 1)
    });
    assert_eq!(got, b(b"+OK\r\n"));
    // A request far bigger than the limit made of small arguments is fine: Redis only holds
    // the argument being received, not the whole request.
    let mut del: Vec<Vec<u8>> = vec![b"DEL".to_vec()];
    del.extend((0..200_000).map(|i| format!("key:{i}").into_bytes()));
    let del: Vec<&[u8]> = del.iter().map(|a| a.as_slice()).collect();
    let input = encode(&del);
    assert!(input.len() > 2_000_000);
    let got = pair.same("large request of small arguments", |srv| {
        exchange(srv, &input, 1)
    });
    assert_eq!(got, b(b":0\r\n"));
    // So is a long pipeline of small requests.
    let payload = [b'p'; 100];
    let pipeline: Vec<u8> = (0..14_000)
        .flat_map(|_| encode(&[b"ECHO", &payload]))
        .collect();
    assert!(pipeline.len() > 1_500_000);
    let got = pair.same("long pipeline", |srv| exchange(srv, &pipeline, 14_000));
    assert!(got.0 == bulk(&payload).repeat(14_000));
    ping(&pair.ours);
}

// ---------------------------------------------------------------------------------------------
// 5. Binary safety

fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    (0..len).map(|_| rng.next() as u8).collect()
}

#[test]
fn binary_keys_and_values() {
    let all: Vec<u8> = (0..=255u8).collect();
    let rev: Vec<u8> = (0..=255u8).rev().collect();
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = vec![
        (b"nul\0key".to_vec(), b"nul\0value\0".to_vec()),
        (
            b"crlf\r\nkey".to_vec(),
            b"\r\n*1\r\n$4\r\nPING\r\n".to_vec(),
        ),
        (b"\0".to_vec(), b"\0".to_vec()),
        (b"\r\n".to_vec(), b"".to_vec()),
        (all.clone(), rev.clone()),
        (rev, all),
    ];
    let pair = Pair::start(&[]);
    let got = pair.same("binary keys and values (raw)", |srv| {
        let mut raw = srv.raw();
        let mut out = Vec::new();
        for (k, v) in &pairs {
            out.extend(raw.call_bytes(&[b"SET", k, v]));
        }
        for (k, _) in &pairs {
            out.extend(raw.call_bytes(&[b"GET", k]));
        }
        out.extend(raw.call(&["DBSIZE"]));
        B(out)
    });
    let mut want = b"+OK\r\n".repeat(pairs.len());
    for (_, v) in &pairs {
        want.extend(bulk(v));
    }
    want.extend(format!(":{}\r\n", pairs.len()).as_bytes());
    assert_eq!(got, B(want));

    // The same through the redis crate.
    let mut c = pair.ours.conn();
    for (k, v) in &pairs {
        let _: () = redis::cmd("SET")
            .arg(&k[..])
            .arg(&v[..])
            .query(&mut c)
            .unwrap();
        let back: Vec<u8> = redis::cmd("GET").arg(&k[..]).query(&mut c).unwrap();
        assert_eq!(B(back), B(v.clone()));
    }
}

#[test]
fn large_values_round_trip() {
    let srv = Server::start(&[]);
    for (len, seed) in [(1 << 20, 1), (20 << 20, 2)] {
        let value = pattern(len, seed);
        // redis crate
        let mut c = srv.conn();
        let _: () = redis::cmd("SET")
            .arg("big")
            .arg(&value[..])
            .query(&mut c)
            .unwrap();
        let back: Vec<u8> = redis::cmd("GET").arg("big").query(&mut c).unwrap();
        assert!(back == value, "{len}-byte value via the redis crate");
        // raw, with a pipelined command after the big one
        let mut raw = srv.raw();
        let mut input = encode(&[b"SET", b"big2", &value]);
        input.extend(encode(&[b"GET", b"big2"]));
        input.extend(encode(&[b"PING"]));
        let w = write_in_background(&raw, input);
        assert_eq!(b(&raw.read_reply()), b(b"+OK\r\n"));
        let got = raw.read_reply();
        assert!(got == bulk(&value), "{len}-byte value via raw RESP");
        assert_eq!(b(&raw.read_reply()), b(b"+PONG\r\n"));
        w.join().unwrap().unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Many clients

#[test]
fn many_concurrent_clients() {
    const THREADS: usize = 200;
    const OPS: usize = 200;
    let srv = Server::start(&[]);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let srv = &srv;
            s.spawn(move || {
                let mut c = srv.conn();
                for i in 0..OPS {
                    let key = format!("t{t}:k{i}");
                    let val = format!("value {t} {i}");
                    let _: () = redis::cmd("SET").arg(&key).arg(&val).query(&mut c).unwrap();
                    let back: String = redis::cmd("GET").arg(&key).query(&mut c).unwrap();
                    assert_eq!(back, val);
                }
            });
        }
    });
    let mut c = srv.raw();
    assert_eq!(
        b(&c.call(&["DBSIZE"])),
        b(format!(":{}\r\n", THREADS * OPS).as_bytes())
    );

    // 1000 connections open at once, some with unread replies, all dropped together...
    let mut held = Vec::new();
    for i in 0..1000 {
        let mut s = TcpStream::connect(("127.0.0.1", srv.port)).expect("connect");
        if i % 2 == 0 {
            s.write_all(b"PING\r\n").unwrap();
        }
        if i % 3 == 0 {
            // an incomplete request left behind
            s.write_all(b"*2\r\n$4\r\nECHO\r\n$10\r\nabc").unwrap();
        }
        held.push(s);
    }
    ping(&srv);
    drop(held);
    // ...then 1000 opened and closed one after another.
    for _ in 0..1000 {
        drop(TcpStream::connect(("127.0.0.1", srv.port)).expect("connect"));
    }
    ping(&srv);
    assert_eq!(
        b(&c.call(&["DBSIZE"])),
        b(format!(":{}\r\n", THREADS * OPS).as_bytes())
    );
}

#[test]
fn half_closed_client_still_gets_its_replies() {
    // `printf 'PING\r\n' | nc -N host port`: the client shuts its side down after the request.
    let pair = Pair::start(&[]);
    for _ in 0..20 {
        let got = pair.same("half-closed client", |srv| {
            let mut raw = srv.raw();
            raw.send(b"PING\r\nECHO hello\r\n");
            raw.s.shutdown(Shutdown::Write).unwrap();
            B(raw.read_until_closed())
        });
        assert_eq!(got, b(b"+PONG\r\n$5\r\nhello\r\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Slow readers

#[test]
fn slow_reader_is_paused_and_memory_stays_bounded() {
    const GETS: usize = 200;
    let srv = Server::start(&[]);
    let value = pattern(1 << 20, 7);
    let mut c = srv.raw();
    assert_eq!(b(&c.call_bytes(&[b"SET", b"big", &value])), b(b"+OK\r\n"));

    // 200 MB of replies requested, none read for now.
    let mut slow = srv.raw();
    let input: Vec<u8> = (0..GETS).flat_map(|_| encode(&[b"GET", b"big"])).collect();
    slow.send(&input);

    // Meanwhile everyone else is served and the server's memory stays bounded: it stops
    // executing the slow client's commands while its unsent replies pile up.
    let mut peak = 0;
    for i in 0..40 {
        assert_eq!(b(&c.call(&["PING"])), b(b"+PONG\r\n"));
        let k = format!("other:{i}");
        assert_eq!(b(&c.call(&["SET", &k, "x"])), b(b"+OK\r\n"));
        assert_eq!(b(&c.call(&["GET", &k])), b(b"$1\r\nx\r\n"));
        peak = peak.max(rss_kib(srv.pid()));
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(peak < RSS_BOUND_KIB, "server RSS reached {peak} KiB");

    // Now the slow client reads everything, and every reply is right.
    let want = bulk(&value);
    for i in 0..GETS {
        let got = slow.read_reply();
        assert!(
            got == want,
            "reply #{i} to the slow client is wrong ({} bytes)",
            got.len()
        );
        if i % 20 == 0 {
            peak = peak.max(rss_kib(srv.pid()));
        }
    }
    assert!(peak < RSS_BOUND_KIB, "server RSS reached {peak} KiB");
    assert_eq!(b(&slow.call(&["PING"])), b(b"+PONG\r\n"));
}

// ---------------------------------------------------------------------------------------------
// 8. Unknown commands and arity errors

#[test]
fn unknown_command_and_arity_errors_match_redis() {
    let long_name = "x".repeat(300);
    let long_arg = "y".repeat(300);
    let fifty = "z".repeat(50);
    let crlf_name = "foo\r\nbar";
    let many: Vec<&str> = std::iter::once("nosuch")
        .chain(std::iter::repeat_n("ab", 100))
        .collect();
    let tens: Vec<&str> = std::iter::once("nosuch")
        .chain(std::iter::repeat_n(fifty.as_str(), 5))
        .collect();
    compat(&[
        &["NOSUCH"],
        &["nosuch", "a", "b"],
        &["NoSuCh", ""],
        &[""],
        &["", ""],
        &[&long_name],
        &[&long_name, &long_arg],
        &["nosuch", &long_arg],
        &["nosuch", "a", &long_arg, "b"],
        &many[..],
        &tens[..],
        &[crlf_name, "a\r\nb", "\n", "\r"],
        &["nosuch", "it's", "\"q\""],
        &["G\u{e9}T", "\u{e9}"],
        // arity
        &["GET"],
        &["get", "a", "b"],
        &["GeT"],
        &["SET", "k"],
        &["set"],
        &["ECHO"],
        &["ECHO", "a", "b"],
        &["SELECT"],
        &["SELECT", "1", "2"],
        &["DBSIZE", "x"],
        &["DEL"],
        // containers and subcommands
        &["CONFIG"],
        &["config"],
        &["CONFIG", "GET"],
        &["CONFIG", "NOSUCH"],
        &["config", "nosuch", "a"],
        &["CONFIG", &long_arg],
        &["CONFIG", "a\r\nb"],
        &["PING"],
    ]);
}

#[test]
fn ping_with_two_arguments_is_an_arity_error() {
    compat(&[&["PING", "a", "b"], &["PING", "a", "b", "c"]]);
}

/// Redis formats these names and arguments with C strings (`%.128s`): bytes go out as they
/// are, and a NUL ends the text.
#[test]
fn unknown_command_error_with_binary_bytes_matches_redis() {
    let cases: &[&[&[u8]]] = &[
        &[b"foo", b"a\0b", b"c"],
        &[b"fo\0o", b"a"],
        &[b"foo", b"\xff\xfe", b"c"],
        &[b"\xff\xff\xff"],
        &[b"config", b"\xff"],
    ];
    let pair = Pair::start(&[]);
    for args in cases {
        pair.same(&format!("{args:?}"), |srv| B(srv.raw().call_bytes(args)));
    }
}

// ---------------------------------------------------------------------------------------------
// 9. Random garbage

/// xorshift64*: deterministic test data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Garbage that is mostly protocol-shaped, so it reaches deep into the parser.
fn garbage(rng: &mut Rng) -> Vec<u8> {
    const TOKENS: &[&[u8]] = &[
        b"*",
        b"$",
        b"\r\n",
        b"\r",
        b"\n",
        b"\"",
        b"'",
        b"\\",
        b"\\x",
        b" ",
        b"\0",
        b"-",
        b"0",
        b"1",
        b"2",
        b"9",
        b"10",
        b"99999999999",
        b"-1",
        b"4294967296",
        b"ECHO",
        b"PING",
        b"GET",
        b"SET",
        b"DEL",
        b"SELECT",
        b"CONFIG",
        b"k",
        b"\xff",
        b"*1\r\n",
        b"*2\r\n$4\r\nECHO\r\n",
        b"$3\r\n",
        b"$0\r\n\r\n",
    ];
    let mut v = Vec::new();
    let parts = 1 + rng.below(40);
    for _ in 0..parts {
        if rng.below(4) == 0 {
            v.push(rng.next() as u8);
        } else {
            v.extend_from_slice(TOKENS[rng.below(TOKENS.len())]);
        }
    }
    v
}

#[test]
fn random_garbage_never_crashes_the_server() {
    let mut srv = Server::start(&[]);
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for case in 0..200 {
        let input = garbage(&mut rng);
        let mut raw = srv.raw();
        // The server may close first (protocol error): a failed write is fine.
        let _ = raw.s.write_all(&input);
        let _ = raw.s.shutdown(Shutdown::Write);
        raw.read_until_closed();
        assert!(
            srv.child.try_wait().unwrap().is_none(),
            "server died on garbage #{case}: {}",
            show(&input, 200)
        );
    }
    ping(&srv);
}

// ---------------------------------------------------------------------------------------------
// 10. Expiry end to end

/// Keys with short TTLs read after expiry are gone (however they were removed).
fn lazy_expiry_scenario(srv: &Server) {
    let mut c = srv.raw();
    assert_eq!(b(&c.call(&["SET", "k", "v"])), b(b"+OK\r\n"));
    assert_eq!(b(&c.call(&["PEXPIRE", "k", "100"])), b(b":1\r\n"));
    assert_eq!(b(&c.call(&["SET", "kept", "v"])), b(b"+OK\r\n"));
    assert_eq!(b(&c.call(&["PEXPIRE", "kept", "100"])), b(b":1\r\n"));
    assert_eq!(b(&c.call(&["SET", "kept", "v2"])), b(b"+OK\r\n")); // SET clears the TTL
    assert_eq!(b(&c.call(&["PEXPIRE", "missing", "100"])), b(b":0\r\n"));
    // Sleeping only guarantees the TTL has passed; nothing is asserted about timing.
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(b(&c.call(&["GET", "k"])), b(b"$-1\r\n"));
    assert_eq!(b(&c.call(&["PTTL", "k"])), b(b":-2\r\n"));
    assert_eq!(b(&c.call(&["GET", "kept"])), b(b"$2\r\nv2\r\n"));
    assert_eq!(b(&c.call(&["PTTL", "kept"])), b(b":-1\r\n"));
    assert_eq!(b(&c.call(&["DBSIZE"])), b(b":1\r\n"));
    // A TTL in the past deletes at once.
    assert_eq!(b(&c.call(&["SET", "gone", "v"])), b(b"+OK\r\n"));
    assert_eq!(b(&c.call(&["PEXPIRE", "gone", "-1"])), b(b":1\r\n"));
    assert_eq!(b(&c.call(&["GET", "gone"])), b(b"$-1\r\n"));
    // The redis crate sees the same.
    let mut rc = srv.conn();
    let _: () = redis::cmd("SET").arg("rc").arg("v").query(&mut rc).unwrap();
    let set: i64 = redis::cmd("PEXPIRE")
        .arg("rc")
        .arg(100)
        .query(&mut rc)
        .unwrap();
    assert_eq!(set, 1);
    std::thread::sleep(Duration::from_millis(150));
    let v: Option<String> = redis::cmd("GET").arg("rc").query(&mut rc).unwrap();
    assert_eq!(v, None);
}

/// Keys with short TTLs that are never read disappear on their own.
fn active_expiry_scenario(srv: &Server) {
    let mut c = srv.raw();
    let mut input = Vec::new();
    for i in 0..1000 {
        let k = format!("volatile:{i}");
        input.extend(encode(&[b"SET", k.as_bytes(), b"v"]));
        input.extend(encode(&[b"PEXPIRE", k.as_bytes(), b"100"]));
    }
    input.extend(encode(&[b"SET", b"persistent", b"v"]));
    let w = write_in_background(&c, input);
    let replies = c.replies(2001);
    w.join().unwrap().unwrap();
    let mut want = b"+OK\r\n:1\r\n".repeat(1000);
    want.extend_from_slice(b"+OK\r\n");
    assert_eq!(B(replies), B(want));
    let emptied = wait_until(Duration::from_secs(5), || c.call(&["DBSIZE"]) == b":1\r\n");
    assert!(
        emptied,
        "expired keys were not removed: {}",
        show(&c.call(&["DBSIZE"]), 40)
    );
    assert_eq!(b(&c.call(&["GET", "persistent"])), b(b"$1\r\nv\r\n"));
}

#[test]
fn lazy_expiry() {
    lazy_expiry_scenario(&Server::start(&["--hz", "1"]));
}

#[test]
fn active_expiry() {
    active_expiry_scenario(&Server::start(&["--hz", "100"]));
}

/// The expiry scenarios' expectations hold on real Redis.
#[test]
fn expiry_scenarios_hold_on_redis() {
    if let Some(redis) = redis_or_skip(&["--hz", "1"]) {
        lazy_expiry_scenario(&redis);
    }
    if let Some(redis) = redis_or_skip(&["--hz", "100"]) {
        active_expiry_scenario(&redis);
    }
}
