//! The set family end to end. Intsets (sorted, like Redis's) and one-member sets are replayed
//! byte for byte against a real redis-server (`compat` here and `tests/compat/set_*.txt`);
//! hashtable sets, whose order is Redis's hash order, are compared as sorted replies, and
//! SSCAN, SPOP and SRANDMEMBER are checked for completeness and uniqueness.

mod collections;
mod common;

use std::collections::BTreeSet;

use collections::{assert_dirty_like_redis, q};
use common::{Server, compat, compat_with, redis_or_skip};

/// SADD of `members` in one command.
fn sadd(c: &mut redis::Connection, key: &str, members: impl Iterator<Item = String>) {
    let mut cmd = redis::cmd("SADD");
    cmd.arg(key);
    for m in members {
        cmd.arg(m);
    }
    let _: i64 = cmd.query(c).unwrap();
}

fn words(r: std::ops::Range<usize>) -> impl Iterator<Item = String> {
    r.map(|i| format!("m{i}"))
}

fn set_of(c: &mut redis::Connection, args: &[&str]) -> BTreeSet<String> {
    let v: Vec<String> = q(c, args);
    let n = v.len();
    let s: BTreeSet<String> = v.into_iter().collect();
    assert_eq!(s.len(), n, "{args:?} repeated a member");
    s
}

/// Runs `setup` on both servers, then every query of `queries`, whose replies (arrays of
/// members or integers) must be equal once sorted.
fn sorted_on_both(setup: &[Vec<String>], queries: &[&[&str]]) {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let run = |srv: &Server| -> Vec<String> {
        let mut c = srv.conn();
        for cmd in setup {
            let _: redis::Value = redis::cmd(&cmd[0]).arg(&cmd[1..]).query(&mut c).unwrap();
        }
        queries
            .iter()
            .map(|qy| {
                let v: redis::RedisResult<redis::Value> =
                    redis::cmd(qy[0]).arg(&qy[1..]).query(&mut c);
                match v {
                    Ok(redis::Value::Array(items)) | Ok(redis::Value::Set(items)) => {
                        let mut s: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
                        s.sort();
                        format!("{qy:?} -> {s:?}")
                    }
                    other => format!("{qy:?} -> {other:?}"),
                }
            })
            .collect()
    };
    assert_eq!(run(&ours), run(&redis));
}

fn cmd(parts: impl IntoIterator<Item = String>) -> Vec<String> {
    parts.into_iter().collect()
}

#[test]
fn hashtable_set_algebra_matches_redis() {
    let with = |key: &str, r: std::ops::Range<usize>| {
        cmd(["SADD".to_string(), key.to_string()]
            .into_iter()
            .chain(words(r)))
    };
    let ints = |key: &str, r: std::ops::Range<usize>| {
        cmd(["SADD".to_string(), key.to_string()]
            .into_iter()
            .chain(r.map(|i| i.to_string())))
    };
    let setup = vec![
        with("a", 0..600),
        with("b", 300..900),
        with("c", 0..50),
        ints("i", 0..1000),
        ints("j", 500..520),
        // A hashtable of integers (a string member was added, then removed).
        cmd(["SADD", "k", "x", "1", "2", "3"].map(String::from)),
        cmd(["SREM", "k", "x"].map(String::from)),
    ];
    sorted_on_both(
        &setup,
        &[
            &["SMEMBERS", "a"],
            &["SCARD", "a"],
            &["OBJECT", "ENCODING", "a"],
            &["OBJECT", "ENCODING", "i"],
            &["OBJECT", "ENCODING", "k"],
            &["SINTER", "a", "b"],
            &["SINTER", "b", "a", "c"],
            &["SINTER", "i", "j"],
            &["SINTERCARD", "2", "a", "b"],
            &["SINTERCARD", "2", "a", "b", "LIMIT", "10"],
            &["SINTERCARD", "2", "i", "j", "LIMIT", "3000"],
            &["SUNION", "a", "b", "c"],
            &["SUNION", "i", "j", "nokey"],
            &["SDIFF", "a", "b"],
            &["SDIFF", "b", "a", "c"],
            &["SDIFF", "i", "j"],
            &["SDIFF", "j", "i"],
            &["SDIFF", "a", "c"],
            &["SDIFF", "c", "a"],
            &["SINTERSTORE", "d1", "a", "b"],
            &["OBJECT", "ENCODING", "d1"],
            &["SINTERSTORE", "d2", "i", "j"],
            &["OBJECT", "ENCODING", "d2"],
            &["SUNIONSTORE", "d3", "j", "k"],
            &["OBJECT", "ENCODING", "d3"],
            &["SMEMBERS", "d3"],
            &["SUNIONSTORE", "d4", "i", "j"],
            &["OBJECT", "ENCODING", "d4"],
            &["SDIFFSTORE", "d5", "i", "j"],
            &["OBJECT", "ENCODING", "d5"],
            &["SCARD", "d5"],
            &["SDIFFSTORE", "d6", "a", "b"],
            &["SMEMBERS", "d6"],
            &["SMISMEMBER", "a", "m1", "m600", "m599"],
            &["SISMEMBER", "i", "999"],
            &["SMOVE", "a", "j", "m0"],
            &["OBJECT", "ENCODING", "j"],
            &["SMOVE", "i", "j", "1"],
            &["SREM", "a", "m1", "m2", "nope"],
            &["SCARD", "a"],
        ],
    );
}

#[test]
fn intset_limit_at_default() {
    let ints: Vec<String> = (0..512).map(|i| (i * 3).to_string()).collect();
    let mut add: Vec<&str> = vec!["SADD", "s"];
    add.extend(ints.iter().map(String::as_str));
    compat(&[
        &add,
        &["OBJECT", "ENCODING", "s"],
        &["SADD", "s", "0"],
        &["OBJECT", "ENCODING", "s"],
        &["SSCAN", "s", "0", "COUNT", "5", "MATCH", "1?"],
        &["SRANDMEMBER", "s", "1000"],
        &["SADD", "s", "1"],
        &["OBJECT", "ENCODING", "s"],
        &["SREM", "s", "1", "3", "6"],
        &["OBJECT", "ENCODING", "s"],
        &["SCARD", "s"],
    ]);
}

#[test]
fn spop_and_srandmember_samples() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    for (key, n, ints) in [
        ("words", 300, false),
        ("ints", 300, true),
        ("bigints", 2000, true),
    ] {
        let all: BTreeSet<String> = if ints {
            (0..n).map(|i| i.to_string()).collect()
        } else {
            words(0..n).collect()
        };
        sadd(&mut c, key, all.iter().cloned());
        for count in [1, 3, n / 4, n / 2, n - 1, n, n + 1] {
            let got = set_of(&mut c, &["SRANDMEMBER", key, &count.to_string()]);
            assert_eq!(got.len(), count.min(n), "{key} {count}");
            assert!(got.is_subset(&all));
        }
        let got: Vec<String> = q(&mut c, &["SRANDMEMBER", key, "-1000"]);
        assert_eq!(got.len(), 1000);
        assert!(got.iter().all(|m| all.contains(m)));
        let one: String = q(&mut c, &["SRANDMEMBER", key]);
        assert!(all.contains(&one));
        // SPOP: few members (one by one), then most of the rest (the kept ones move to a new
        // set), then everything.
        let mut left = all.clone();
        for count in [1, n / 10, n / 2] {
            let popped = set_of(&mut c, &["SPOP", key, &count.to_string()]);
            assert_eq!(popped.len(), count);
            for m in &popped {
                assert!(left.remove(m), "{m} popped twice or never there");
            }
            assert_eq!(set_of(&mut c, &["SMEMBERS", key]), left);
        }
        let single: String = q(&mut c, &["SPOP", key]);
        assert!(left.remove(&single));
        let rest = set_of(&mut c, &["SPOP", key, &n.to_string()]);
        assert_eq!(rest, left);
        let exists: i64 = q(&mut c, &["EXISTS", key]);
        assert_eq!(exists, 0);
    }
}

/// SPOP of most of a hashtable of integers rebuilds the kept members as an intset when they
/// fit, as Redis's `setTypeCreate` does.
#[test]
fn spop_most_of_a_set_recreates_an_intset() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    sadd(&mut c, "s", (0..600).map(|i| i.to_string()));
    let enc: String = q(&mut c, &["OBJECT", "ENCODING", "s"]);
    assert_eq!(enc, "hashtable");
    let _: i64 = q(&mut c, &["EXPIRE", "s", "1000"]);
    let popped: Vec<String> = q(&mut c, &["SPOP", "s", "590"]);
    assert_eq!(popped.len(), 590);
    let enc: String = q(&mut c, &["OBJECT", "ENCODING", "s"]);
    assert_eq!(enc, "intset");
    let ttl: i64 = q(&mut c, &["TTL", "s"]);
    assert!(ttl > 0, "the TTL is kept");
    let left = set_of(&mut c, &["SMEMBERS", "s"]);
    assert_eq!(left.len(), 10);
}

#[test]
fn sscan_visits_every_member() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    sadd(&mut c, "s", words(0..3000));
    let all: BTreeSet<String> = words(0..3000).collect();
    for count in ["1", "7", "500"] {
        let mut seen = BTreeSet::new();
        let mut cursor = "0".to_string();
        loop {
            let (next, items): (String, Vec<String>) =
                q(&mut c, &["SSCAN", "s", &cursor, "COUNT", count]);
            seen.extend(items);
            cursor = next;
            if cursor == "0" {
                break;
            }
        }
        assert_eq!(seen, all, "COUNT {count}");
    }
    let mut seen = BTreeSet::new();
    let mut cursor = "0".to_string();
    loop {
        let (next, items): (String, Vec<String>) =
            q(&mut c, &["SSCAN", "s", &cursor, "MATCH", "m1??"]);
        seen.extend(items);
        cursor = next;
        if cursor == "0" {
            break;
        }
    }
    let want: BTreeSet<String> = (100..200).map(|i| format!("m{i}")).collect();
    assert_eq!(seen, want);
}

#[test]
fn intersections_with_many_candidates() {
    // More candidates than one chunk, with LIMIT stopping early and without.
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    sadd(&mut c, "a", words(0..5000));
    sadd(&mut c, "b", words(2500..10000));
    let n: i64 = q(&mut c, &["SINTERCARD", "2", "a", "b"]);
    assert_eq!(n, 2500);
    let n: i64 = q(&mut c, &["SINTERCARD", "2", "a", "b", "LIMIT", "1500"]);
    assert_eq!(n, 1500);
    let n: i64 = q(&mut c, &["SINTERCARD", "2", "a", "b", "LIMIT", "0"]);
    assert_eq!(n, 2500);
    let got = set_of(&mut c, &["SINTER", "b", "a"]);
    assert_eq!(got, words(2500..5000).collect());
    let n: i64 = q(&mut c, &["SINTERSTORE", "d", "a", "b", "a"]);
    assert_eq!(n, 2500);
    let got = set_of(&mut c, &["SDIFF", "a", "b"]);
    assert_eq!(got, words(0..2500).collect());
    let n: i64 = q(&mut c, &["SUNIONSTORE", "u", "a", "b"]);
    assert_eq!(n, 10000);
}

#[test]
fn huge_negative_count_is_bounded() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    let long = "m".repeat(2000);
    let _: i64 = q(&mut c, &["SADD", "s", &long]);
    let mut r = srv.raw();
    // An earlier reply in the same pipeline is still delivered.
    r.send(b"PING\r\nSRANDMEMBER s -9223372036854775807\r\n");
    let got = r.read_until_closed();
    assert_eq!(got, b"+PONG\r\n");
    let pong: String = q(&mut c, &["PING"]);
    assert_eq!(pong, "PONG");
}

/// `rdb_changes_since_last_save` (Redis's dirty counter) moves like Redis's.
#[test]
fn dirty_counts_match_redis() {
    assert_dirty_like_redis(&[
        &["SADD", "s", "1", "2", "3", "1"],
        &["SADD", "s", "1"],
        &["SREM", "s", "1", "9"],
        &["SREM", "s", "9"],
        &["SMOVE", "s", "d", "2"],
        &["SMOVE", "s", "d", "2"],
        &["SADD", "s", "2"],
        &["SMOVE", "s", "d", "2"],
        &["SADD", "p", "1", "2", "3", "4", "5"],
        &["SPOP", "p"],
        &["SPOP", "p", "2"],
        &["SPOP", "p", "10"],
        &["SPOP", "p", "10"],
        &["SINTERSTORE", "x", "s", "d"],
        &["SINTERSTORE", "x", "s", "nokey"],
        &["SINTERSTORE", "x", "s", "nokey"],
        &["SUNIONSTORE", "x", "s", "d"],
        &["SDIFFSTORE", "x", "s", "s"],
        &["SDIFFSTORE", "x", "s", "s"],
        &["SUNION", "s", "d"],
        &["SRANDMEMBER", "d", "3"],
    ]);
}

#[test]
fn resp3_shapes_of_hashtable_sets() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    sadd(&mut c, "s", words(0..10));
    let mut r = srv.raw();
    r.call(&["HELLO", "3"]);
    for (cmd, prefix) in [
        (&["SMEMBERS", "s"][..], "~10\r\n"),
        (&["SINTER", "s", "s"][..], "~10\r\n"),
        (&["SUNION", "s", "nokey"][..], "~10\r\n"),
        (&["SDIFF", "s", "nokey"][..], "~10\r\n"),
        (&["SRANDMEMBER", "s", "3"][..], "*3\r\n"),
        (&["SRANDMEMBER", "s", "-3"][..], "*3\r\n"),
        (&["SPOP", "s", "2"][..], "~2\r\n"),
        (&["SMISMEMBER", "s", "m1", "x"][..], "*2\r\n"),
    ] {
        let reply = r.call(cmd);
        assert!(
            reply.starts_with(prefix.as_bytes()),
            "{cmd:?}: {:?}",
            String::from_utf8_lossy(&reply)
        );
    }
}

#[test]
fn sintercard_numkeys_and_limit_errors() {
    compat_with(
        &["--set-max-intset-entries", "2"],
        &[
            &["SADD", "a", "1", "2", "3"],
            &["SADD", "b", "2", "3"],
            &["SINTERCARD", "1", "a", "b"],
            &["SINTERCARD", "2", "a", "b", "LIMIT"],
            &["SINTERCARD", "2", "a", "b", "LIMIT", "1", "extra"],
            &["SINTERCARD", "9223372036854775808", "a"],
            &["SINTERCARD", "2", "a", "b", "LIMIT", "9223372036854775808"],
            &["SINTERCARD", "2", "a", "b", "LIMIT", "9223372036854775807"],
            &["SINTERCARD", "2", "b", "a", "LIMIT", "1"],
        ],
    );
}
