//! The hash family end to end. Small (listpack) hashes are replayed byte for byte against a
//! real redis-server (`compat` here and `tests/compat/hash_*.txt`); big (hashtable) hashes,
//! whose order is Redis's hash order, are compared as sorted replies, and their iteration
//! (HSCAN) and sampling (HRANDFIELD) are checked for completeness and uniqueness.

mod collections;
mod common;

use std::collections::{BTreeMap, HashSet};

use collections::{assert_dirty_like_redis, q};
use common::{Server, compat, compat_with};

/// HSET of `n` fields `f<i>` = `v<i>` in one command.
fn fill(c: &mut redis::Connection, key: &str, n: usize) {
    let mut cmd = redis::cmd("HSET");
    cmd.arg(key);
    for i in 0..n {
        cmd.arg(format!("f{i}")).arg(format!("v{i}"));
    }
    let _: i64 = cmd.query(c).unwrap();
}

fn expected(n: usize) -> BTreeMap<String, String> {
    (0..n).map(|i| (format!("f{i}"), format!("v{i}"))).collect()
}

#[test]
fn hashtable_contents() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    fill(&mut c, "h", 1000);
    let enc: String = q(&mut c, &["OBJECT", "ENCODING", "h"]);
    assert_eq!(enc, "hashtable");
    let all: BTreeMap<String, String> = q(&mut c, &["HGETALL", "h"]);
    assert_eq!(all, expected(1000));
    let mut keys: Vec<String> = q(&mut c, &["HKEYS", "h"]);
    let mut vals: Vec<String> = q(&mut c, &["HVALS", "h"]);
    keys.sort();
    vals.sort();
    assert_eq!(keys, expected(1000).into_keys().collect::<Vec<_>>());
    assert_eq!(vals.len(), 1000);
    let got: Vec<Option<String>> = q(&mut c, &["HMGET", "h", "f7", "nope", "f999"]);
    assert_eq!(got, vec![Some("v7".into()), None, Some("v999".into())]);
    // Delete everything: the key goes away.
    for i in 0..1000 {
        let n: i64 = q(&mut c, &["HDEL", "h", &format!("f{i}"), "nope"]);
        assert_eq!(n, 1);
    }
    let exists: i64 = q(&mut c, &["EXISTS", "h"]);
    assert_eq!(exists, 0);
}

#[test]
fn big_hash_matches_redis_where_order_does_not_matter() {
    let mut script: Vec<Vec<String>> = vec![];
    let mut hset = vec!["HSET".to_string(), "h".into()];
    for i in 0..300 {
        hset.push(format!("field:{i}"));
        hset.push(i.to_string());
    }
    script.push(hset);
    for cmd in [
        "HLEN h",
        "OBJECT ENCODING h",
        "HGET h field:42",
        "HSTRLEN h field:299",
        "HEXISTS h field:300",
        "HINCRBY h field:1 10",
        "HINCRBYFLOAT h field:2 0.5",
        "HSETNX h field:3 x",
        "HDEL h field:4 field:5 nope",
        "HLEN h",
        "HRANDFIELD h 0",
        "HSCAN h 0 MATCH nothing COUNT 1000",
        "HSCAN h 0 MATCH field:10 COUNT 1000",
    ] {
        script.push(cmd.split(' ').map(String::from).collect());
    }
    let refs: Vec<Vec<&str>> = script
        .iter()
        .map(|c| c.iter().map(String::as_str).collect())
        .collect();
    let script: Vec<&[&str]> = refs.iter().map(|c| &c[..]).collect();
    compat(&script);
}

#[test]
fn encoding_thresholds_at_defaults() {
    let long = "x".repeat(65);
    let max = "x".repeat(64);
    compat(&[
        &["CONFIG", "GET", "hash-max-listpack-entries"],
        &["CONFIG", "GET", "hash-max-listpack-value"],
        &["HSET", "a", "f", &max],
        &["OBJECT", "ENCODING", "a"],
        &["HSET", "a", "f", &long],
        &["OBJECT", "ENCODING", "a"],
        &["HSET", "b", &long, "v"],
        &["OBJECT", "ENCODING", "b"],
        &["HINCRBY", "c", &long, "1"],
        &["OBJECT", "ENCODING", "c"],
        &["HSETNX", "d", &long, "1"],
        &["OBJECT", "ENCODING", "d"],
    ]);
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    // Redis 7.0's default is 512 entries (its sample redis.conf says 128).
    fill(&mut c, "h", 512);
    let enc: String = q(&mut c, &["OBJECT", "ENCODING", "h"]);
    assert_eq!(enc, "listpack");
    let _: i64 = q(&mut c, &["HSET", "h", "f0", "again"]);
    let enc: String = q(&mut c, &["OBJECT", "ENCODING", "h"]);
    assert_eq!(enc, "listpack", "updating a field does not grow the hash");
    let _: i64 = q(&mut c, &["HSET", "h", "one", "more"]);
    let enc: String = q(&mut c, &["OBJECT", "ENCODING", "h"]);
    assert_eq!(enc, "hashtable");
    for i in 0..512 {
        let _: i64 = q(&mut c, &["HDEL", "h", &format!("f{i}")]);
    }
    let enc: String = q(&mut c, &["OBJECT", "ENCODING", "h"]);
    assert_eq!(enc, "hashtable", "never converted back");
    let all: BTreeMap<String, String> = q(&mut c, &["HGETALL", "h"]);
    assert_eq!(all.len(), 1);
}

#[test]
fn listpack_order_after_updates_and_deletes() {
    compat_with(
        &["--hash-max-listpack-entries", "1000"],
        &[
            &["HSET", "h", "c", "1", "a", "2", "b", "3"],
            &["HSET", "h", "a", "updated", "d", "4"],
            &["HDEL", "h", "c"],
            &["HSET", "h", "c", "back"],
            &["HINCRBY", "h", "n", "5"],
            &["HINCRBYFLOAT", "h", "b", "0.5"],
            &["HGETALL", "h"],
            &["HSCAN", "h", "0"],
            &["HRANDFIELD", "h", "100", "WITHVALUES"],
        ],
    );
}

/// Every field of a hashtable is returned by a full HSCAN, for several COUNTs, and MATCH
/// filters on the field (its value goes with it).
#[test]
fn hscan_visits_every_field() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    fill(&mut c, "h", 2000);
    for count in ["1", "10", "1000"] {
        let mut seen = BTreeMap::new();
        let mut cursor = "0".to_string();
        let mut calls = 0;
        loop {
            let (next, items): (String, Vec<String>) =
                q(&mut c, &["HSCAN", "h", &cursor, "COUNT", count]);
            assert_eq!(items.len() % 2, 0);
            for p in items.chunks(2) {
                seen.insert(p[0].clone(), p[1].clone());
            }
            calls += 1;
            cursor = next;
            if cursor == "0" {
                break;
            }
            assert!(calls < 100_000, "HSCAN does not finish");
        }
        assert_eq!(seen, expected(2000), "COUNT {count}");
    }
    let mut matched = HashSet::new();
    let mut cursor = "0".to_string();
    loop {
        let (next, items): (String, Vec<String>) =
            q(&mut c, &["HSCAN", "h", &cursor, "MATCH", "f1?"]);
        for p in items.chunks(2) {
            assert_eq!(p[1], format!("v{}", &p[0][1..]));
            matched.insert(p[0].clone());
        }
        cursor = next;
        if cursor == "0" {
            break;
        }
    }
    let want: HashSet<String> = (10..20).map(|i| format!("f{i}")).collect();
    assert_eq!(matched, want);
}

#[test]
fn hrandfield_samples() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    let all = expected(300);
    for (key, n) in [("small", 50), ("big", 300)] {
        fill(&mut c, key, n);
        // Distinct fields: few of many (random draws), most of them (shuffle), all of them.
        for count in [1, 5, n / 2, n - 1, n, n + 10] {
            let got: Vec<String> = q(&mut c, &["HRANDFIELD", key, &count.to_string()]);
            let distinct: HashSet<&String> = got.iter().collect();
            assert_eq!(got.len(), count.min(n), "{key} {count}");
            assert_eq!(distinct.len(), got.len(), "{key} {count}: repeated fields");
            assert!(got.iter().all(|f| all.contains_key(f)));
            let pairs: Vec<String> = q(
                &mut c,
                &["HRANDFIELD", key, &count.to_string(), "WITHVALUES"],
            );
            assert_eq!(pairs.len(), 2 * count.min(n));
            for p in pairs.chunks(2) {
                assert_eq!(all.get(&p[0]), Some(&p[1]));
            }
        }
        // Negative counts repeat fields.
        let got: Vec<String> = q(&mut c, &["HRANDFIELD", key, "-1000"]);
        assert_eq!(got.len(), 1000);
        assert!(got.iter().all(|f| all.contains_key(f)));
        let distinct: HashSet<&String> = got.iter().collect();
        assert!(distinct.len() > 1);
        let one: String = q(&mut c, &["HRANDFIELD", key]);
        assert!(all.contains_key(&one));
    }
    // RESP3: WITHVALUES pairs are two-element arrays, for the big encoding too.
    let mut r = srv.raw();
    r.call(&["HELLO", "3"]);
    let reply = r.call(&["HRANDFIELD", "big", "-3", "WITHVALUES"]);
    assert!(
        reply.starts_with(b"*3\r\n*2\r\n$"),
        "{:?}",
        String::from_utf8_lossy(&reply)
    );
    let reply = r.call(&["HRANDFIELD", "big", "2", "WITHVALUES"]);
    assert!(
        reply.starts_with(b"*2\r\n*2\r\n$"),
        "{:?}",
        String::from_utf8_lossy(&reply)
    );
    let reply = r.call(&["HGETALL", "big"]);
    assert!(reply.starts_with(b"%300\r\n"));
}

/// A negative count asks for as many repeated picks as the client likes; a reply that would
/// outgrow the output bound closes the client instead of eating memory, and the server goes on.
#[test]
fn huge_negative_count_is_bounded() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    let long = "v".repeat(1000);
    let _: i64 = q(&mut c, &["HSET", "h", "f", &long]);
    let mut r = srv.raw();
    r.cmd(&[b"HRANDFIELD", b"h", b"-4611686018427387903", b"WITHVALUES"]);
    let got = r.read_until_closed();
    assert!(got.len() < 1 << 20, "the reply was not dropped");
    let pong: String = q(&mut c, &["PING"]);
    assert_eq!(pong, "PONG");
}

/// `rdb_changes_since_last_save` (Redis's dirty counter) moves like Redis's.
#[test]
fn dirty_counts_match_redis() {
    assert_dirty_like_redis(&[
        &["HSET", "h", "a", "1", "b", "2"],
        &["HSET", "h", "a", "1"],
        &["HMSET", "h", "c", "3", "d", "4", "e", "5"],
        &["HSETNX", "h", "a", "x"],
        &["HSETNX", "h", "z", "x"],
        &["HDEL", "h", "nope"],
        &["HDEL", "h", "a", "b", "nope"],
        &["HINCRBY", "h", "n", "1"],
        &["HINCRBY", "h", "c", "x"],
        &["HINCRBYFLOAT", "h", "n", "1.5"],
        &["HDEL", "h", "c", "d", "e", "z", "n"],
        &["HGET", "h", "a"],
    ]);
}

/// Reads count keyspace hits and misses, writes do not.
#[test]
fn keyspace_hits_and_misses() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    let stats = |c: &mut redis::Connection| -> (i64, i64) {
        let info: String = q(c, &["INFO", "stats"]);
        let get = |k: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(k))
                .and_then(|v| v.trim().parse().ok())
                .unwrap()
        };
        (get("keyspace_hits:"), get("keyspace_misses:"))
    };
    let _: i64 = q(&mut c, &["HSET", "h", "a", "1"]);
    let _: i64 = q(&mut c, &["HDEL", "nope", "a"]);
    assert_eq!(stats(&mut c), (0, 0));
    let _: Option<String> = q(&mut c, &["HGET", "h", "a"]);
    let _: Option<String> = q(&mut c, &["HGET", "nope", "a"]);
    let _: i64 = q(&mut c, &["HLEN", "nope"]);
    assert_eq!(stats(&mut c), (1, 2));
}

#[test]
fn binary_and_empty_fields() {
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    let field: &[u8] = b"\x00\xff\r\n";
    assert_eq!(
        r.call_bytes(&[b"HSET", b"h", field, b"", b"", field]),
        b":2\r\n"
    );
    assert_eq!(r.call_bytes(&[b"HGET", b"h", field]), b"$0\r\n\r\n");
    assert_eq!(
        r.call_bytes(&[b"HGET", b"h", b""]),
        b"$4\r\n\x00\xff\r\n\r\n"
    );
    assert_eq!(r.call_bytes(&[b"HSTRLEN", b"h", b""]), b":4\r\n");
}
