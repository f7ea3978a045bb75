//! One deeply pipelining client and the others: a client's buffered requests run a turn's
//! budget at a time (`net::process_input`, `run_backlog`), so other clients are answered while
//! a big pipeline is in progress, and the pipeline's remainder always runs to the end, in order,
//! whatever stops it meanwhile (its turn budget, replies it does not read, the end of its
//! input). Real servers over raw sockets; nothing here depends on timing.

mod common;

use std::io::{Read, Write};
use std::net::Shutdown;
use std::time::Duration;

use common::{Raw, Server, encode, on_both, wait_until};

/// `n` copies of one encoded command per `i`, built by `f`.
fn batch(n: usize, f: impl Fn(usize) -> Vec<u8>) -> Vec<u8> {
    let mut b = Vec::with_capacity(n * 40);
    for i in 0..n {
        b.extend_from_slice(&f(i));
    }
    b
}

/// Reads exactly `want.len()` bytes from `s` and checks they are `want`, reporting the first
/// difference with its context.
fn expect_bytes(s: &mut std::net::TcpStream, want: &[u8]) {
    let mut got = vec![0u8; want.len()];
    let mut at = 0;
    while at < want.len() {
        let n = s.read(&mut got[at..]).expect("read replies");
        assert!(
            n > 0,
            "connection closed after {at} of {} bytes",
            want.len()
        );
        at += n;
    }
    if got != want {
        let i = got.iter().zip(want).position(|(a, b)| a != b).unwrap_or(0);
        let ctx = |b: &[u8]| {
            String::from_utf8_lossy(&b[i.saturating_sub(20)..(i + 40).min(b.len())]).into_owned()
        };
        panic!(
            "replies differ at byte {i}: got {:?}, want {:?}",
            ctx(&got),
            ctx(want)
        );
    }
}

/// Writes `bytes` on a clone of `s` from another thread (the server answers while it reads,
/// so one thread must not do both), then optionally closes the write side.
fn write_in_background(
    s: &std::net::TcpStream,
    bytes: Vec<u8>,
    half_close: bool,
) -> std::thread::JoinHandle<()> {
    let mut w = s.try_clone().expect("clone socket");
    std::thread::spawn(move || {
        w.write_all(&bytes).expect("write pipeline");
        if half_close {
            w.shutdown(Shutdown::Write).expect("half close");
        }
    })
}

#[test]
fn a_deep_pipeline_runs_whole_and_in_order_while_another_client_is_answered() {
    const N: usize = 200_000;
    on_both(|srv| {
        let mut a = srv.raw();
        let mut b = srv.raw();
        // 200k RPUSHes in one write (~7 MB): each reply is the list's new length.
        let req = batch(N, |i| encode(&[b"RPUSH", b"l", i.to_string().as_bytes()]));
        let writer = write_in_background(&a.s, req, false);
        // Once the first reply is here the pipeline is being executed: the other client is
        // answered all along.
        expect_bytes(&mut a.s, b":1\r\n");
        for _ in 0..20 {
            assert_eq!(b.call(&["PING"]), b"+PONG\r\n");
            assert_eq!(b.call(&["SET", "other", "v"]), b"+OK\r\n");
        }
        let want = batch(N - 1, |i| format!(":{}\r\n", i + 2).into_bytes());
        expect_bytes(&mut a.s, &want);
        writer.join().expect("writer");
        assert_eq!(a.call(&["LLEN", "l"]), format!(":{N}\r\n").as_bytes());
        assert_eq!(a.call(&["LINDEX", "l", "0"]), b"$1\r\n0\r\n");
        let last = (N - 1).to_string();
        assert_eq!(
            a.call(&["LINDEX", "l", "-1"]),
            format!("${}\r\n{last}\r\n", last.len()).as_bytes()
        );
        assert_eq!(b.call(&["GET", "other"]), b"$1\r\nv\r\n");
    });
}

#[test]
fn a_transaction_spanning_many_turns_stays_atomic() {
    const N: usize = 50_000;
    on_both(|srv| {
        let mut a = srv.raw();
        let mut req = encode(&[b"MULTI"]);
        req.extend(batch(N, |_| encode(&[b"INCR", b"n"])));
        req.extend(encode(&[b"EXEC"]));
        let writer = write_in_background(&a.s, req, false);
        let mut want = b"+OK\r\n".to_vec();
        want.extend(batch(N, |_| b"+QUEUED\r\n".to_vec()));
        want.extend(format!("*{N}\r\n").as_bytes());
        want.extend(batch(N, |i| format!(":{}\r\n", i + 1).into_bytes()));
        expect_bytes(&mut a.s, &want);
        writer.join().expect("writer");
    });
}

#[test]
fn a_pipeline_held_back_by_unread_replies_lets_others_run_and_then_finishes() {
    // Pairs of INCR n / GET big with a 1 KB value: ~100 MB of replies, far more than the
    // server buffers (4 MB) plus the sockets' buffers, so while the client reads nothing its
    // pipeline must stop part-way; then it resumes once the client reads.
    const PAIRS: usize = 100_000;
    let value = vec![b'v'; 1024];
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    let mut req = encode(&[b"SET", b"big", &value]);
    req.extend(batch(PAIRS, |_| {
        let mut r = encode(&[b"INCR", b"n"]);
        r.extend(encode(&[b"GET", b"big"]));
        r
    }));
    let writer = write_in_background(&a.s, req, false);
    assert!(
        wait_until(Duration::from_secs(10), || b.call(&["EXISTS", "n"])
            == b":1\r\n"),
        "the pipeline never started"
    );
    assert_eq!(b.call(&["PING"]), b"+PONG\r\n");
    let n = String::from_utf8(b.call(&["GET", "n"])).unwrap();
    let done: usize = n
        .lines()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("a count");
    assert!(done < PAIRS, "{done} pairs ran though no reply was read");
    let mut one = Vec::new();
    one.extend_from_slice(b"$1024\r\n");
    one.extend_from_slice(&value);
    one.extend_from_slice(b"\r\n");
    expect_bytes(&mut a.s, b"+OK\r\n");
    // Check in slices, so the expected bytes need not all be in memory at once.
    for chunk in 0..PAIRS / 1000 {
        let want = batch(1000, |i| {
            let mut r = format!(":{}\r\n", chunk * 1000 + i + 1).into_bytes();
            r.extend_from_slice(&one);
            r
        });
        expect_bytes(&mut a.s, &want);
    }
    writer.join().expect("writer");
    assert_eq!(
        b.call(&["GET", "n"]),
        format!("${}\r\n{PAIRS}\r\n", PAIRS.to_string().len()).as_bytes()
    );
}

#[test]
fn end_of_input_behind_a_deep_pipeline_answers_everything_then_closes() {
    // The peer half-closes right after a big pipeline: every request before the end of input
    // still runs and is answered, then the server closes (Redis reads the end of input only
    // after the requests before it). Small pipelines arrive whole with their end of input
    // (one batch of completions holds both); the big one is read a turn at a time.
    let srv = Server::start(&[]);
    let mut total = 0;
    for n in [3_000, 10_000, 30_000, 3_000, 10_000, 30_000, 200_000] {
        let mut a = srv.raw();
        let req = batch(n, |_| encode(&[b"INCR", b"n"]));
        let writer = write_in_background(&a.s, req, true);
        let got = a.read_until_closed();
        writer.join().expect("writer");
        let want = batch(n, |i| format!(":{}\r\n", total + i + 1).into_bytes());
        assert!(
            got == want,
            "{n} requests: got {} bytes of replies, want {}",
            got.len(),
            want.len()
        );
        total += n;
    }
    let mut b: Raw = srv.raw();
    assert_eq!(
        b.call(&["GET", "n"]),
        format!("${}\r\n{total}\r\n", total.to_string().len()).as_bytes()
    );
}
