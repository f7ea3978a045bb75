//! HyperLogLog commands end to end against a real redis-server: replies byte for byte, the
//! raw string bytes (GET) after PFADD/PFCOUNT/PFMERGE equal Redis's for the same inputs
//! (sparse, promotion, dense), and HLL strings move between the two servers with GET/SET and
//! count the same on both sides.

mod common;

use common::{Raw, Server, compat, redis_or_skip};

/// Sends the same byte-argument command to both and asserts identical replies; returns it.
fn both(a: &mut Raw, b: &mut Raw, args: &[&[u8]]) -> Vec<u8> {
    let ra = a.call_bytes(args);
    let rb = b.call_bytes(args);
    assert_eq!(
        ra,
        rb,
        "reply to {:?} differs (left uredis, right redis)",
        args.iter()
            .map(|x| String::from_utf8_lossy(x))
            .collect::<Vec<_>>()
    );
    ra
}

fn pair() -> Option<(Server, Server)> {
    let r = redis_or_skip(&[])?;
    Some((Server::start(&[]), r))
}

#[test]
fn replies_and_errors() {
    compat(&[
        &["PFADD", "h", "a", "b", "c"],
        &["PFADD", "h", "a"],
        &["PFADD", "h"],
        &["PFADD", "new"],
        &["PFADD", "new"],
        &["GET", "new"],
        &["PFCOUNT", "h"],
        &["PFCOUNT", "h"],
        &["GET", "h"],
        &["PFCOUNT", "missing"],
        &["PFCOUNT", "h", "missing", "new"],
        &["PFADD", "h2", "c", "d", "e", "f"],
        &["PFCOUNT", "h", "h2"],
        &["PFMERGE", "m", "h", "h2"],
        &["GET", "m"],
        &["PFCOUNT", "m"],
        &["PFMERGE", "m"],
        &["PFMERGE", "empty"],
        &["GET", "empty"],
        &["SET", "s", "hello"],
        &["PFADD", "s", "x"],
        &["PFCOUNT", "s"],
        &["PFCOUNT", "s", "h"],
        &["PFMERGE", "m", "s"],
        &["SET", "i", "12345"],
        &["PFADD", "i", "x"],
        &["SET", "short", "HYL"],
        &["PFCOUNT", "short"],
        &["SET", "badenc", "HYLL\x02\0\0\0\0\0\0\0\0\0\0\0"],
        &["PFCOUNT", "badenc"],
        &["SET", "baddense", "HYLL\x00\0\0\0\0\0\0\0\0\0\0\0abc"],
        &["PFCOUNT", "baddense"],
        &["RPUSH", "l", "x"],
        &["PFADD", "l", "x"],
        &["PFCOUNT", "l"],
        &["PFCOUNT", "l", "h"],
        &["PFMERGE", "l", "h"],
        &["PFMERGE", "h", "l"],
        &["PFADD"],
        &["PFCOUNT"],
        &["PFMERGE"],
        &["TYPE", "h"],
        &["OBJECT", "ENCODING", "h"],
    ]);
}

#[test]
fn corrupted_sparse() {
    let Some((u, r)) = pair() else { return };
    let (mut a, mut b) = (u.raw(), r.raw());
    // Stale cache, a sparse body covering only 1 register.
    let mut short = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    short.push(0x00);
    // Covers too many registers: XZERO 16384 twice.
    let mut long = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    long.extend_from_slice(&[0x7f, 0xff, 0x7f, 0xff]);
    // Truncated XZERO.
    let mut trunc = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    trunc.push(0x7f);
    for (k, v) in [(&b"c1"[..], &short), (b"c2", &long), (b"c3", &trunc)] {
        both(&mut a, &mut b, &[b"SET", k, v]);
        both(&mut a, &mut b, &[b"PFCOUNT", k]);
        both(&mut a, &mut b, &[b"PFCOUNT", k, b"nokey"]);
        both(&mut a, &mut b, &[b"PFMERGE", b"dst", k]);
    }
    both(&mut a, &mut b, &[b"SET", b"c1", &short]);
    both(&mut a, &mut b, &[b"PFADD", b"c1", b"a", b"b", b"c"]);
    both(&mut a, &mut b, &[b"SET", b"c2", &long]);
    both(&mut a, &mut b, &[b"PFADD", b"c2", b"a", b"b", b"c"]);
    both(&mut a, &mut b, &[b"GET", b"c2"]);
}

/// Adds elements in batches to both servers and compares the string bytes after each batch,
/// through sparse growth, promotion to dense and dense updates; PFCOUNT (which writes the
/// cached cardinality) in between.
fn grow_and_compare(a: &mut Raw, b: &mut Raw, key: &[u8], total: usize, batch: usize) {
    let mut i = 0;
    while i < total {
        let eles: Vec<Vec<u8>> = (i..(i + batch).min(total))
            .map(|n| format!("ele:{n}").into_bytes())
            .collect();
        let mut args: Vec<&[u8]> = vec![b"PFADD", key];
        args.extend(eles.iter().map(|e| e.as_slice()));
        both(a, b, &args);
        both(a, b, &[b"GET", key]);
        both(a, b, &[b"PFCOUNT", key]);
        both(a, b, &[b"GET", key]);
        i += batch;
    }
}

#[test]
fn bytes_match_sparse_and_dense() {
    let Some((u, r)) = pair() else { return };
    let (mut a, mut b) = (u.raw(), r.raw());
    grow_and_compare(&mut a, &mut b, b"one", 40, 1);
    grow_and_compare(&mut a, &mut b, b"big", 5000, 97);
    let enc = both(&mut a, &mut b, &[b"GETRANGE", b"big", b"4", b"4"]);
    assert_eq!(enc, b"$1\r\n\x00\r\n", "5000 elements must be dense");
    both(&mut a, &mut b, &[b"PFMERGE", b"m1", b"one", b"nokey"]);
    both(&mut a, &mut b, &[b"GET", b"m1"]);
    both(&mut a, &mut b, &[b"PFMERGE", b"m1", b"big"]);
    both(&mut a, &mut b, &[b"GET", b"m1"]);
    both(&mut a, &mut b, &[b"PFCOUNT", b"m1", b"one", b"big"]);
    both(&mut a, &mut b, &[b"PFCOUNT", b"m1"]);
}

#[test]
fn sparse_max_bytes_setting() {
    let Some((u, r)) = pair() else { return };
    let (mut a, mut b) = (u.raw(), r.raw());
    both(
        &mut a,
        &mut b,
        &[b"CONFIG", b"SET", b"hll-sparse-max-bytes", b"60"],
    );
    both(
        &mut a,
        &mut b,
        &[b"CONFIG", b"GET", b"hll-sparse-max-bytes"],
    );
    grow_and_compare(&mut a, &mut b, b"k", 60, 3);
    let enc = both(&mut a, &mut b, &[b"GETRANGE", b"k", b"4", b"4"]);
    assert_eq!(
        enc, b"$1\r\n\x00\r\n",
        "60 elements past 60 bytes must be dense"
    );
}

fn bulk_body(reply: &[u8]) -> Vec<u8> {
    let nl = reply.iter().position(|&c| c == b'\n').expect("bulk header");
    reply[nl + 1..reply.len() - 2].to_vec()
}

#[test]
fn exchange_with_redis() {
    let Some((u, r)) = pair() else { return };
    let (mut a, mut b) = (u.raw(), r.raw());
    for (n, key) in [(30usize, &b"small"[..]), (20000, b"large")] {
        let eles: Vec<Vec<u8>> = (0..n).map(|i| format!("x{i}").into_bytes()).collect();
        // Built in Redis, counted in uredis.
        for chunk in eles.chunks(500) {
            let mut args: Vec<&[u8]> = vec![b"PFADD", key];
            args.extend(chunk.iter().map(|e| e.as_slice()));
            b.call_bytes(&args);
        }
        let want = b.call_bytes(&[b"PFCOUNT", key]);
        let stale = bulk_body(&b.call_bytes(&[b"GET", key]));
        a.call_bytes(&[b"SET", key, &stale]);
        assert_eq!(a.call_bytes(&[b"PFCOUNT", key]), want);
        // Built in uredis, counted in Redis.
        let other = [key, b"-u"].concat();
        for chunk in eles.chunks(500) {
            let mut args: Vec<&[u8]> = vec![b"PFADD", &other];
            args.extend(chunk.iter().map(|e| e.as_slice()));
            a.call_bytes(&args);
        }
        let bytes = bulk_body(&a.call_bytes(&[b"GET", &other]));
        b.call_bytes(&[b"SET", &other, &bytes]);
        assert_eq!(b.call_bytes(&[b"PFCOUNT", &other]), want);
        assert_eq!(a.call_bytes(&[b"PFCOUNT", &other]), want);
    }
}

#[test]
fn pfdebug() {
    compat(&[
        &["PFDEBUG", "ENCODING", "nokey"],
        &["PFADD", "h", "a", "b", "c", "d", "e"],
        &["PFDEBUG", "ENCODING", "h"],
        &["PFDEBUG", "DECODE", "h"],
        &["PFDEBUG", "nosuch", "h"],
        &["PFDEBUG", "TODENSE", "h"],
        &["PFDEBUG", "TODENSE", "h"],
        &["PFDEBUG", "ENCODING", "h"],
        &["PFDEBUG", "DECODE", "h"],
        &["GET", "h"],
        &["PFADD", "g", "x"],
        &["PFDEBUG", "GETREG", "g"],
        &["GET", "g"],
        &["SET", "s", "str"],
        &["PFDEBUG", "ENCODING", "s"],
        &["PFDEBUG", "ENCODING"],
    ]);
}
