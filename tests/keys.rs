//! End-to-end tests of the generic key commands: every command, option and error replayed
//! byte for byte against a real redis-server (`compat`), plus the behaviours a replay cannot
//! show: active and lazy expiry, SCAN's guarantee while the table grows and shrinks, moves
//! between databases, and asynchronous flushing.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{Server, compat, compat_with, wait_until};

fn q<T: redis::FromRedisValue>(c: &mut redis::Connection, args: &[&str]) -> T {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query(c).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// Runs `setup` then `query` on uredis and on redis-server (if installed) and returns both
/// replies as sorted lists of strings (for commands whose order is not defined).
fn sorted_on_both(setup: &[&[&str]], query: &[&str]) -> Option<(Vec<String>, Vec<String>)> {
    let redis = Server::start_redis(&[])?;
    let ours = Server::start(&[]);
    let mut out = vec![];
    for srv in [&ours, &redis] {
        let mut c = srv.conn();
        for cmd in setup {
            let _: redis::Value = q(&mut c, cmd);
        }
        let mut v: Vec<String> = q(&mut c, query);
        v.sort();
        out.push(v);
    }
    let b = out.pop()?;
    let a = out.pop()?;
    Some((a, b))
}

/// Fills the selected database with `keys` through one pipeline.
fn fill(c: &mut redis::Connection, keys: impl Iterator<Item = String>) {
    let mut p = redis::pipe();
    for k in keys {
        p.cmd("SET").arg(&k).arg("v").ignore();
    }
    let _: () = p.query(c).unwrap();
}

fn del(c: &mut redis::Connection, keys: impl Iterator<Item = String>) {
    let mut p = redis::pipe();
    for k in keys {
        p.cmd("DEL").arg(&k).ignore();
    }
    let _: () = p.query(c).unwrap();
}

/// A whole SCAN iteration with extra arguments; returns every key seen.
fn scan_all(c: &mut redis::Connection, extra: &[&str]) -> Vec<String> {
    let mut cursor = "0".to_string();
    let mut all = vec![];
    loop {
        let mut cmd = redis::cmd("SCAN");
        cmd.arg(&cursor);
        for a in extra {
            cmd.arg(*a);
        }
        let (next, keys): (String, Vec<String>) = cmd.query(c).unwrap();
        all.extend(keys);
        if next == "0" {
            return all;
        }
        cursor = next;
    }
}

#[test]
fn del_unlink_exists_type_dbsize() {
    compat(&[
        &["SET", "a", "1"],
        &["SET", "b", "2"],
        &["SET", "c", "3"],
        &["EXISTS", "a"],
        &["EXISTS", "a", "a", "b", "nope", "a"],
        &["EXISTS", "nope"],
        &["DBSIZE"],
        &["TYPE", "a"],
        &["TYPE", "nope"],
        &["DEL", "a", "a", "nope"],
        &["DEL", "a"],
        &["UNLINK", "b", "c", "nope"],
        &["UNLINK", "b"],
        &["DBSIZE"],
        &["DEL"],
        &["UNLINK"],
        &["EXISTS"],
        &["TYPE"],
        &["TYPE", "a", "b"],
        &["DBSIZE", "x"],
        &["SET", "", "empty key"],
        &["EXISTS", ""],
        &["TYPE", ""],
        &["DEL", ""],
    ]);
}

#[test]
fn keys_single_key_patterns_match_redis() {
    // One key at a time keeps the reply order defined.
    let cases: &[(&str, &str)] = &[
        ("hello", "h?llo"),
        ("hllo", "h?llo"),
        ("heeeello", "h*llo"),
        ("hallo", "h[ae]llo"),
        ("hillo", "h[ae]llo"),
        ("hallo", "h[^e]llo"),
        ("hello", "h[^e]llo"),
        ("hbllo", "h[a-b]llo"),
        ("hbllo", "h[b-a]llo"),
        ("h*llo", "h\\*llo"),
        ("hallo", "h\\*llo"),
        ("", "*"),
        ("", "**"),
        ("", ""),
        ("x", ""),
        ("a", "[a"),
        ("ab", "[a"),
        ("z", "[^"),
        ("_", "[a-]"),
        ("x", "[a-]x"),
        ("a\\", "a\\"),
        ("]", "[\\]]"),
        ("]", "[]"),
        ("Hello", "hello"),
        ("A", "[a-\u{7f}]"),
        ("user:42:name", "user:*:name"),
        (
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "*a*a*a*a*a*a*a*a*a*a*a*a*b",
        ),
    ];
    let mut script: Vec<Vec<&str>> = vec![];
    for (key, pat) in cases {
        script.push(vec!["SET", key, "v"]);
        script.push(vec!["KEYS", pat]);
        script.push(vec!["SCAN", "0", "MATCH", pat]);
        script.push(vec!["DEL", key]);
    }
    script.push(vec!["KEYS"]);
    script.push(vec!["KEYS", "a", "b"]);
    let script: Vec<&[&str]> = script.iter().map(|v| v.as_slice()).collect();
    compat(&script);
}

/// Deterministic pseudo-random globs and strings over a small, tricky alphabet, checked one
/// key at a time against redis-server's `stringmatchlen`.
#[test]
fn glob_fuzz_matches_redis() {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let pat_alphabet = ['a', 'b', 'A', '*', '?', '[', ']', '^', '-', '\\', 'z'];
    let str_alphabet = ['a', 'b', 'A', '*', '[', ']', '^', '-', '\\', 'z'];
    let mut owned: Vec<Vec<String>> = vec![];
    for _ in 0..400 {
        let plen = next(7);
        let slen = 1 + next(5);
        let pat: String = (0..plen)
            .map(|_| pat_alphabet[next(pat_alphabet.len())])
            .collect();
        let key: String = (0..slen)
            .map(|_| str_alphabet[next(str_alphabet.len())])
            .collect();
        owned.push(vec!["SET".into(), key.clone(), "v".into()]);
        owned.push(vec!["KEYS".into(), pat]);
        owned.push(vec!["DEL".into(), key]);
    }
    let refs: Vec<Vec<&str>> = owned
        .iter()
        .map(|v| v.iter().map(String::as_str).collect())
        .collect();
    let script: Vec<&[&str]> = refs.iter().map(|v| v.as_slice()).collect();
    compat(&script);
}

#[test]
fn keys_many_sorted_match_redis() {
    let setup: &[&[&str]] = &[
        &["SET", "user:1", "a"],
        &["SET", "user:2", "b"],
        &["SET", "user:10", "c"],
        &["SET", "other", "d"],
        &["SET", "", "e"],
    ];
    for pat in ["*", "user:*", "user:?", "*[0-9]", "nothing*"] {
        if let Some((a, b)) = sorted_on_both(setup, &["KEYS", pat]) {
            assert_eq!(a, b, "KEYS {pat}");
        }
    }
}

#[test]
fn scan_errors_and_deterministic_replies_match_redis() {
    compat(&[
        // Any valid cursor ends an empty scan; with keys, only cursor 0 gives a defined reply.
        &["SCAN", "0"],
        &["SCAN", "1"],
        &["SCAN", "-1"],
        &["SCAN", "18446744073709551615"],
        &["SCAN", "-18446744073709551615"],
        &["SCAN", "5\0garbage"],
        &["SET", "k", "v"],
        &["SCAN", "0"],
        &["SCAN", ""],
        &["SCAN", "+0"],
        &["SCAN", "-0"],
        &["SCAN", "18446744073709551616"],
        &["SCAN", "-18446744073709551616"],
        &["SCAN", " 1"],
        &["SCAN", "1 "],
        &["SCAN", "0x1"],
        &["SCAN", "abc"],
        &["SCAN", "+"],
        &["SCAN", "-"],
        &["SCAN", "0", "COUNT", "0"],
        &["SCAN", "0", "COUNT", "-1"],
        &["SCAN", "0", "COUNT", "x"],
        &["SCAN", "0", "COUNT", "1000"],
        &["SCAN", "0", "COUNT", "9223372036854775807"],
        &["SCAN", "0", "COUNT"],
        &["SCAN", "0", "MATCH"],
        &["SCAN", "0", "TYPE"],
        &["SCAN", "0", "BOGUS", "1"],
        &["SCAN", "0", "MATCH", "k"],
        &["SCAN", "0", "MATCH", "x*"],
        &["SCAN", "0", "MATCH", "x*", "MATCH", "*"],
        &["SCAN", "0", "TYPE", "string"],
        &["SCAN", "0", "TYPE", "STRING"],
        &["SCAN", "0", "TYPE", "list"],
        &["SCAN", "0", "TYPE", "nosuchtype"],
        &["SCAN", "0", "match", "k", "count", "5", "type", "string"],
        &["SCAN", "x", "COUNT", "0"],
        &["SCAN"],
    ]);
}

#[test]
fn scan_full_iteration_with_match_and_type() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    fill(&mut c, (0..1000).map(|i| format!("key:{i}")));
    fill(&mut c, (0..100).map(|i| format!("other:{i}")));
    for extra in [&[][..], &["COUNT", "7"], &["COUNT", "1000"]] {
        let seen: HashSet<String> = scan_all(&mut c, extra).into_iter().collect();
        assert_eq!(seen.len(), 1100, "{extra:?}");
    }
    let m: HashSet<String> = scan_all(&mut c, &["MATCH", "other:*"])
        .into_iter()
        .collect();
    let want: HashSet<String> = (0..100).map(|i| format!("other:{i}")).collect();
    assert_eq!(m, want);
    let t = scan_all(&mut c, &["TYPE", "string", "MATCH", "key:1?"]);
    let mut t: Vec<String> = t.into_iter().collect::<HashSet<_>>().into_iter().collect();
    t.sort();
    let mut want: Vec<String> = (10..20).map(|i| format!("key:{i}")).collect();
    want.sort();
    assert_eq!(t, want);
    assert!(scan_all(&mut c, &["TYPE", "hash"]).is_empty());
    // A reply never holds far more than COUNT keys from a table without long chains.
    let (_, keys): (String, Vec<String>) = redis::cmd("SCAN")
        .arg(0)
        .arg("COUNT")
        .arg(5)
        .query(&mut c)
        .unwrap();
    assert!(keys.len() < 50, "{}", keys.len());
}

/// The SCAN guarantee: a key present from the start to the end of a full iteration is returned,
/// even though other keys are added and deleted between calls so that the table shrinks
/// (cron resize) and grows (incremental rehash) in the middle of the scan.
#[test]
fn scan_returns_every_stable_key_while_table_resizes() {
    let srv = Server::start(&["--hz", "100"]);
    let mut c = srv.conn();
    // 45k keys at the peak need 65536 buckets; with only the stable keys left the table is
    // under 10% full, so the cron shrinks it to 8192 while the scan runs; the next generation
    // of churn keys grows it back through 16384 and 32768 to 65536, and so on.
    const STABLE: usize = 5_000;
    const CHURN: usize = 40_000;
    const BATCH: usize = 1_000;
    let churn = |generation: usize, range: std::ops::Range<usize>| {
        range.map(move |i| format!("churn:{generation}:{i}"))
    };
    fill(&mut c, (0..STABLE).map(|i| format!("stable:{i}")));
    fill(&mut c, churn(0, 0..CHURN));

    let mut seen = HashSet::new();
    let mut cursor = "0".to_string();
    let mut calls = 0usize;
    let mut deleting = true;
    let mut next = 0usize; // next churn index to delete or add
    let mut generation = 0usize; // the live generation of churn keys
    let mut phases = 0usize;
    loop {
        let (cur, keys): (String, Vec<String>) = redis::cmd("SCAN")
            .arg(&cursor)
            .arg("COUNT")
            .arg(100)
            .query(&mut c)
            .unwrap();
        for k in keys {
            assert!(k.starts_with("stable:") || k.starts_with("churn:"), "{k}");
            seen.insert(k);
        }
        calls += 1;
        // Delete the live generation batch by batch, then add the next one batch by batch.
        let end = (next + BATCH).min(CHURN);
        if deleting {
            del(&mut c, churn(generation, next..end));
        } else {
            fill(&mut c, churn(generation + 1, next..end));
        }
        next = end;
        if next == CHURN {
            next = 0;
            phases += 1;
            if deleting {
                // Give the cron a few ticks to notice the sparse table and start shrinking.
                std::thread::sleep(Duration::from_millis(100));
            } else {
                generation += 1;
            }
            deleting = !deleting;
        }
        if cur == "0" {
            break;
        }
        cursor = cur;
        assert!(calls < 1_000_000, "scan does not terminate");
    }
    // The scan lasted through at least one shrink and one growth.
    assert!(phases >= 2, "only {phases} churn phases in {calls} calls");
    for i in 0..STABLE {
        assert!(
            seen.contains(&format!("stable:{i}")),
            "stable:{i} missed by SCAN"
        );
    }
    let n: usize = q(&mut c, &["DBSIZE"]);
    assert!(n >= STABLE);
}

#[test]
fn randomkey_matches_redis_when_defined() {
    compat(&[
        &["RANDOMKEY"],
        &["SET", "only", "1"],
        &["RANDOMKEY"],
        &["RANDOMKEY", "x"],
        &["DEL", "only"],
        &["RANDOMKEY"],
    ]);
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    fill(&mut c, (0..50).map(|i| format!("k{i}")));
    let mut seen = HashSet::new();
    for _ in 0..500 {
        let k: String = q(&mut c, &["RANDOMKEY"]);
        assert!(k.starts_with('k'));
        seen.insert(k);
    }
    assert!(seen.len() > 10, "RANDOMKEY is not random: {}", seen.len());
}

#[test]
fn rename_and_renamenx_match_redis() {
    compat(&[
        &["RENAME", "nokey", "x"],
        &["RENAME", "nokey", "nokey"],
        &["RENAMENX", "nokey", "x"],
        &["RENAMENX", "nokey", "nokey"],
        &["SET", "a", "1"],
        &["RENAME", "a", "a"],
        &["RENAMENX", "a", "a"],
        &["RENAME", "a", "b"],
        &["EXISTS", "a"],
        &["GET", "b"],
        &["SET", "c", "3"],
        &["RENAMENX", "b", "c"],
        &["GET", "b"],
        &["RENAME", "b", "c"],
        &["GET", "c"],
        &["EXISTS", "b"],
        // The TTL moves with the key; a plain destination's own TTL is replaced.
        &["EXPIRE", "c", "1000"],
        &["RENAME", "c", "d"],
        &["TTL", "d"],
        &["SET", "e", "5"],
        &["EXPIRE", "e", "2000"],
        &["RENAME", "d", "e"],
        &["TTL", "e"],
        &["SET", "f", "6"],
        &["RENAME", "f", "e"],
        &["TTL", "e"],
        &["RENAMENX", "e", "g"],
        &["GET", "g"],
        &["RENAME", "a"],
        &["RENAMENX", "a", "b", "c"],
    ]);
}

#[test]
fn copy_matches_redis() {
    compat(&[
        &["SET", "k", "v"],
        &["COPY", "k", "k"],
        &["COPY", "k", "k", "DB", "0"],
        &["COPY", "k", "k", "DB", "1"],
        &["COPY", "k", "k", "DB"],
        &["COPY", "k", "x", "DB", "abc"],
        &["COPY", "k", "x", "DB", "16"],
        &["COPY", "k", "x", "DB", "-1"],
        &["COPY", "k", "x", "DB", "2147483648"],
        &["COPY", "k", "x", "foo"],
        &["COPY", "k", "x", "REPLACE", "foo"],
        &["COPY", "nokey", "x"],
        &["COPY", "nokey", "x", "DB", "99"],
        &["COPY", "k", "k2"],
        &["GET", "k2"],
        &["SET", "k", "new"],
        &["COPY", "k", "k2"],
        &["GET", "k2"],
        &["COPY", "k", "k2", "replace"],
        &["GET", "k2"],
        &["EXPIRE", "k", "1000"],
        &["COPY", "k", "k3"],
        &["TTL", "k3"],
        &["TTL", "k"],
        &["COPY", "k", "k", "DB", "2"],
        &["COPY", "k", "k", "DB", "2"],
        &["COPY", "k", "k", "DB", "2", "REPLACE", "REPLACE"],
        &["SELECT", "2"],
        &["GET", "k"],
        &["TTL", "k"],
        &["OBJECT", "ENCODING", "k"],
        &["SELECT", "0"],
        &["SET", "n", "12345"],
        &["COPY", "n", "n2"],
        &["OBJECT", "ENCODING", "n2"],
        &["COPY", "a"],
    ]);
}

#[test]
fn move_matches_redis() {
    compat(&[
        &["SET", "k", "v"],
        &["MOVE", "k", "abc"],
        &["MOVE", "k", "16"],
        &["MOVE", "k", "-1"],
        &["MOVE", "k", "2147483648"],
        &["MOVE", "k", "0"],
        &["MOVE", "nokey", "1"],
        &["MOVE", "nokey", "0"],
        &["EXPIRE", "k", "1000"],
        &["MOVE", "k", "1"],
        &["EXISTS", "k"],
        &["SELECT", "1"],
        &["GET", "k"],
        &["TTL", "k"],
        &["SET", "dup", "in1"],
        &["SELECT", "0"],
        &["SET", "dup", "in0"],
        &["MOVE", "dup", "1"],
        &["GET", "dup"],
        &["SELECT", "1"],
        &["GET", "dup"],
        &["MOVE", "k"],
    ]);
}

#[test]
fn swapdb_matches_redis() {
    compat(&[
        &["SWAPDB", "0", "abc"],
        &["SWAPDB", "abc", "0"],
        &["SWAPDB", "abc", "def"],
        &["SWAPDB", "0", "16"],
        &["SWAPDB", "-1", "0"],
        &["SWAPDB", "2147483648", "0"],
        &["SWAPDB", "0", "2147483648"],
        &["SWAPDB", "0", "0"],
        &["SET", "a", "in0"],
        &["EXPIRE", "a", "1000"],
        &["SELECT", "3"],
        &["SET", "b", "in3"],
        &["SWAPDB", "0", "3"],
        &["GET", "a"],
        &["TTL", "a"],
        &["GET", "b"],
        &["DBSIZE"],
        &["SELECT", "0"],
        &["GET", "a"],
        &["GET", "b"],
        &["SWAPDB", "3", "0"],
        &["GET", "a"],
        &["SWAPDB", "0"],
    ]);
}

/// A second client sees the other database's data after SWAPDB; expiry still works there.
#[test]
fn swapdb_move_copy_across_databases() {
    let srv = Server::start(&["--hz", "100"]);
    let mut a = srv.conn();
    let mut b = srv.conn();
    let _: () = q(&mut b, &["SELECT", "5"]);
    fill(&mut a, (0..100).map(|i| format!("a{i}")));
    let _: i64 = q(&mut a, &["PEXPIRE", "a0", "50"]);
    let _: () = q(&mut a, &["SWAPDB", "0", "5"]);
    let n: i64 = q(&mut b, &["DBSIZE"]);
    assert!(n >= 99);
    let n: i64 = q(&mut a, &["DBSIZE"]);
    assert_eq!(n, 0);
    assert!(wait_until(Duration::from_secs(10), || {
        q::<i64>(&mut b, &["DBSIZE"]) == 99
    }));
    let moved: i64 = q(&mut b, &["MOVE", "a1", "0"]);
    assert_eq!(moved, 1);
    let copied: i64 = q(&mut b, &["COPY", "a2", "c2", "DB", "0"]);
    assert_eq!(copied, 1);
    let keys: Vec<String> = q(&mut a, &["KEYS", "*"]);
    let keys: HashSet<String> = keys.into_iter().collect();
    assert_eq!(
        keys,
        ["a1".to_string(), "c2".to_string()].into_iter().collect()
    );
    let n: i64 = q(&mut b, &["DBSIZE"]);
    assert_eq!(n, 98);
}

#[test]
fn expire_family_matches_redis() {
    compat(&[
        &["SET", "k", "v"],
        &["EXPIRE", "k", "100", "nx", "xx"],
        &["EXPIRE", "k", "100", "gt", "lt"],
        &["EXPIRE", "k", "100", "NX", "GT"],
        &["EXPIRE", "k", "100", "NX", "LT"],
        &["EXPIRE", "k", "100", "foo"],
        &["EXPIRE", "k", "abc", "foo"],
        &["EXPIRE", "k", "abc", "nx", "xx"],
        &["EXPIRE", "k", "abc"],
        &["EXPIRE", "k", "1.5"],
        &["EXPIRE", "k", "9223372036854775"],
        &["EXPIRE", "k", "9223372036854776"],
        &["EXPIRE", "k", "-9223372036854775"],
        &["SET", "k", "v"],
        &["EXPIRE", "k", "-9223372036854776"],
        &["PEXPIRE", "k", "9223372036854775807"],
        &["EXPIREAT", "k", "9223372036854776"],
        &["PEXPIREAT", "k", "9223372036854775807"],
        &["PEXPIRETIME", "k"],
        &["EXPIRETIME", "k"],
        &["EXPIREAT", "k", "9223372036854775"],
        &["PEXPIRETIME", "k"],
        &["EXPIRETIME", "k"],
        &["PERSIST", "k"],
        &["PERSIST", "k"],
        &["EXPIRE", "nokey", "10"],
        &["EXPIRE", "nokey", "10", "xx"],
        &["EXPIRE", "k", "100", "XX"],
        &["EXPIRE", "k", "100", "GT"],
        &["EXPIRE", "k", "100", "LT"],
        &["TTL", "k"],
        &["EXPIRE", "k", "200", "NX"],
        &["EXPIRE", "k", "200", "XX"],
        &["TTL", "k"],
        &["EXPIRE", "k", "100", "GT"],
        &["EXPIRE", "k", "300", "GT"],
        &["TTL", "k"],
        &["EXPIRE", "k", "400", "LT"],
        &["EXPIRE", "k", "50", "lt"],
        &["TTL", "k"],
        &["EXPIRE", "k", "60", "xx", "gt"],
        &["TTL", "k"],
        // Equal times are neither greater nor less (absolute times: no clock in the way).
        &["PEXPIREAT", "k", "33177117420000"],
        &["PEXPIREAT", "k", "33177117420000", "xx", "gt", "xx"],
        &["PEXPIREAT", "k", "33177117420000", "LT"],
        &["PEXPIREAT", "k", "33177117420001", "gt"],
        &["PEXPIREAT", "k", "33177117420001", "lt"],
        &["PEXPIREAT", "k", "33177117420000", "lt"],
        &["PEXPIRETIME", "k"],
        &["PEXPIREAT", "k", "33177117420000"],
        &["PEXPIRETIME", "k"],
        &["EXPIRETIME", "k"],
        &["EXPIREAT", "k", "33177117420"],
        &["PEXPIRETIME", "k"],
        &["PEXPIREAT", "k", "33177117420499"],
        &["EXPIRETIME", "k"],
        &["PEXPIREAT", "k", "33177117420500"],
        &["EXPIRETIME", "k"],
        // A time in the past deletes the key and replies 1.
        &["EXPIRE", "k", "-1"],
        &["EXISTS", "k"],
        &["SET", "k", "v"],
        &["PEXPIRE", "k", "0"],
        &["EXISTS", "k"],
        &["SET", "k", "v"],
        &["EXPIREAT", "k", "1"],
        &["GET", "k"],
        &["SET", "k", "v"],
        &["PEXPIREAT", "k", "-5", "NX"],
        &["GET", "k"],
        &["SET", "k", "v"],
        &["EXPIRE", "k", "0", "GT"],
        &["EXPIRE", "k", "0", "LT"],
        &["EXISTS", "k"],
        &["EXPIRE", "k"],
        &["PEXPIRE", "k"],
        &["EXPIREAT", "k"],
        &["PEXPIREAT", "k"],
        &["PEXPIRE", "k", "1", "bad"],
        &["PEXPIREAT", "k", "99999999999999999999"],
    ]);
}

#[test]
fn ttl_pttl_persist_touch_match_redis() {
    compat(&[
        &["TTL", "nokey"],
        &["PTTL", "nokey"],
        &["EXPIRETIME", "nokey"],
        &["PEXPIRETIME", "nokey"],
        &["SET", "k", "v"],
        &["TTL", "k"],
        &["PTTL", "k"],
        &["EXPIRETIME", "k"],
        &["PEXPIRETIME", "k"],
        &["EXPIRE", "k", "100"],
        &["TTL", "k"],
        &["PERSIST", "k"],
        &["TTL", "k"],
        &["PERSIST", "k"],
        &["PERSIST", "nokey"],
        &["EXPIRE", "k", "100"],
        &["SET", "k", "overwritten"],
        &["TTL", "k"],
        &["TOUCH", "k"],
        &["TOUCH", "k", "k", "nokey"],
        &["TOUCH", "nokey"],
        &["TTL"],
        &["PTTL", "a", "b"],
        &["PERSIST"],
        &["TOUCH"],
        &["EXPIRETIME"],
    ]);
}

#[test]
fn object_matches_redis() {
    let long = "x".repeat(45);
    compat(&[
        &["OBJECT", "HELP"],
        &["object", "help"],
        &["OBJECT", "HELP", "extra"],
        &["OBJECT"],
        &["OBJECT", "foo"],
        &["OBJECT", "foo", "k"],
        &["OBJECT", "ENCODING"],
        &["OBJECT", "ENCODING", "k", "extra"],
        &["OBJECT", "ENCODING", "nokey"],
        &["OBJECT", "REFCOUNT", "nokey"],
        &["OBJECT", "IDLETIME", "nokey"],
        &["OBJECT", "FREQ", "nokey"],
        &["SET", "i", "12345"],
        &["SET", "s", "hello"],
        &["SET", "l", &long],
        &["SET", "e", &long[..44]],
        &["SET", "small", "100"],
        &["SET", "zero", "0"],
        &["SET", "edge", "9999"],
        &["SET", "big", "10000"],
        &["SET", "neg", "-1"],
        &["SET", "lead", "0100"],
        &["OBJECT", "ENCODING", "i"],
        &["OBJECT", "ENCODING", "s"],
        &["OBJECT", "ENCODING", "l"],
        &["OBJECT", "ENCODING", "e"],
        &["OBJECT", "ENCODING", "lead"],
        &["object", "encoding", "small"],
        &["OBJECT", "REFCOUNT", "i"],
        &["OBJECT", "REFCOUNT", "s"],
        &["OBJECT", "REFCOUNT", "small"],
        &["OBJECT", "REFCOUNT", "zero"],
        &["OBJECT", "REFCOUNT", "edge"],
        &["OBJECT", "REFCOUNT", "big"],
        &["OBJECT", "REFCOUNT", "neg"],
        &["OBJECT", "FREQ", "s"],
    ]);
}

#[test]
fn object_under_lfu_and_lru_policies_matches_redis() {
    compat_with(
        &["--maxmemory-policy", "allkeys-lfu"],
        &[
            &["SET", "a", "v"],
            &["OBJECT", "FREQ", "a"],
            &["EXISTS", "a"],
            &["TYPE", "a"],
            &["TTL", "a"],
            &["OBJECT", "FREQ", "a"],
            // The first access always counts (the counter is at its initial value).
            &["GET", "a"],
            &["OBJECT", "FREQ", "a"],
            &["SET", "b", "v"],
            &["SET", "b", "w"],
            &["OBJECT", "FREQ", "b"],
            &["COPY", "b", "c"],
            &["OBJECT", "FREQ", "c"],
            &["SET", "d", "v"],
            &["RENAME", "d", "e"],
            &["OBJECT", "FREQ", "e"],
            &["SET", "f", "v"],
            &["TOUCH", "f"],
            &["OBJECT", "FREQ", "f"],
            &["OBJECT", "IDLETIME", "a"],
            &["OBJECT", "IDLETIME", "nokey"],
            &["SET", "n", "100"],
            &["OBJECT", "REFCOUNT", "n"],
        ],
    );
    // Without maxmemory (refused until eviction exists) an LRU policy keeps shared integers.
    compat_with(
        &["--maxmemory-policy", "allkeys-lru"],
        &[
            &["SET", "n", "100"],
            &["OBJECT", "REFCOUNT", "n"],
            &["OBJECT", "FREQ", "n"],
        ],
    );
}

#[test]
fn idletime_grows_and_touch_resets_it() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    let _: () = q(&mut c, &["SET", "k", "v"]);
    let _: () = q(&mut c, &["SET", "t", "v"]);
    assert!(wait_until(Duration::from_secs(10), || {
        q::<i64>(&mut c, &["OBJECT", "IDLETIME", "k"]) >= 2
    }));
    // Reads without touching leave it alone; TOUCH and GET reset it.
    let _: i64 = q(&mut c, &["EXISTS", "k"]);
    let _: String = q(&mut c, &["TYPE", "k"]);
    let _: i64 = q(&mut c, &["TTL", "k"]);
    assert!(q::<i64>(&mut c, &["OBJECT", "IDLETIME", "k"]) >= 2);
    let _: i64 = q(&mut c, &["TOUCH", "k"]);
    assert!(q::<i64>(&mut c, &["OBJECT", "IDLETIME", "k"]) <= 1);
    assert!(q::<i64>(&mut c, &["OBJECT", "IDLETIME", "t"]) >= 2);
    let _: String = q(&mut c, &["GET", "t"]);
    assert!(q::<i64>(&mut c, &["OBJECT", "IDLETIME", "t"]) <= 1);
}

#[test]
fn flush_matches_redis() {
    compat(&[
        &["SET", "a", "1"],
        &["SELECT", "1"],
        &["SET", "b", "2"],
        &["FLUSHDB", "foo"],
        &["FLUSHDB", "sync", "async"],
        &["FLUSHALL", "foo"],
        &["FLUSHALL", "SYNC", "SYNC"],
        &["FLUSHDB"],
        &["DBSIZE"],
        &["SELECT", "0"],
        &["DBSIZE"],
        &["SET", "b", "2"],
        &["FLUSHDB", "ASYNC"],
        &["DBSIZE"],
        &["SET", "c", "3"],
        &["FLUSHDB", "sync"],
        &["DBSIZE"],
        &["SET", "d", "4"],
        &["SELECT", "9"],
        &["SET", "e", "5"],
        &["FLUSHALL"],
        &["DBSIZE"],
        &["SELECT", "0"],
        &["DBSIZE"],
        &["SET", "f", "6"],
        &["FLUSHALL", "Async"],
        &["DBSIZE"],
        &["SET", "g", "7"],
        &["FLUSHALL", "sync"],
        &["GET", "g"],
    ]);
    compat_with(
        &["--lazyfree-lazy-user-flush", "yes"],
        &[
            &["SET", "a", "1"],
            &["FLUSHALL"],
            &["DBSIZE"],
            &["SET", "a", "1"],
            &["FLUSHDB"],
            &["DBSIZE"],
        ],
    );
}

#[test]
fn flushall_async_frees_in_background_and_keeps_serving() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    for db in ["0", "1", "2"] {
        let _: () = q(&mut c, &["SELECT", db]);
        fill(&mut c, (0..20_000).map(|i| format!("k{i}")));
        let _: i64 = q(&mut c, &["EXPIRE", "k1", "1000"]);
    }
    let _: () = q(&mut c, &["FLUSHALL", "ASYNC"]);
    for db in ["0", "1", "2"] {
        let _: () = q(&mut c, &["SELECT", db]);
        assert_eq!(q::<i64>(&mut c, &["DBSIZE"]), 0);
        assert_eq!(q::<i64>(&mut c, &["TTL", "k1"]), -2);
    }
    // The emptied databases are immediately usable, expiry included.
    fill(&mut c, (0..1000).map(|i| format!("n{i}")));
    let _: i64 = q(&mut c, &["PEXPIRE", "n1", "1000000"]);
    assert_eq!(q::<i64>(&mut c, &["DBSIZE"]), 1000);
    assert_eq!(q::<i64>(&mut c, &["TTL", "n1"]), 1000);
    let _: () = q(&mut c, &["FLUSHDB", "ASYNC"]);
    assert_eq!(q::<i64>(&mut c, &["DBSIZE"]), 0);
    let pong: String = q(&mut c, &["PING"]);
    assert_eq!(pong, "PONG");
}

/// Keys that are never read again are deleted by the cron's active expiry cycle.
#[test]
fn active_expiry_deletes_unread_keys() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    fill(&mut c, (0..1000).map(|i| format!("vol{i}")));
    fill(&mut c, (0..10).map(|i| format!("keep{i}")));
    let mut p = redis::pipe();
    for i in 0..1000 {
        p.cmd("PEXPIRE")
            .arg(format!("vol{i}"))
            .arg(1 + i % 50)
            .ignore();
    }
    let _: () = p.query(&mut c).unwrap();
    assert!(
        wait_until(Duration::from_secs(30), || q::<i64>(&mut c, &["DBSIZE"])
            == 10),
        "active expiry did not remove the volatile keys"
    );
    let left: Vec<String> = q(&mut c, &["KEYS", "*"]);
    assert!(left.iter().all(|k| k.starts_with("keep")));
}

/// An expired key is invisible to every command as soon as its time has passed, whoever
/// deletes it (a lookup or the cron).
#[test]
fn expired_keys_are_invisible() {
    let srv = Server::start(&["--hz", "1"]);
    let mut c = srv.conn();
    let _: () = q(&mut c, &["SET", "k", "v"]);
    let _: () = q(&mut c, &["SET", "other", "v"]);
    let _: i64 = q(&mut c, &["PEXPIRE", "k", "20"]);
    assert!(wait_until(Duration::from_secs(10), || {
        q::<i64>(&mut c, &["PTTL", "k"]) == -2
    }));
    assert_eq!(q::<Option<String>>(&mut c, &["GET", "k"]), None);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "k"]), 0);
    assert_eq!(q::<String>(&mut c, &["TYPE", "k"]), "none");
    assert_eq!(q::<i64>(&mut c, &["TTL", "k"]), -2);
    assert_eq!(q::<i64>(&mut c, &["PERSIST", "k"]), 0);
    assert_eq!(q::<i64>(&mut c, &["EXPIRE", "k", "100"]), 0);
    assert_eq!(q::<i64>(&mut c, &["TOUCH", "k"]), 0);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["KEYS", "*"]),
        vec!["other".to_string()]
    );
    assert_eq!(scan_all(&mut c, &[]), vec!["other".to_string()]);
    assert_eq!(q::<String>(&mut c, &["RANDOMKEY"]), "other");
    assert_eq!(q::<i64>(&mut c, &["DBSIZE"]), 1);
    // Lazy expiry on a write: renaming or moving an expired key finds nothing.
    let _: () = q(&mut c, &["SET", "k2", "v"]);
    let _: i64 = q(&mut c, &["PEXPIRE", "k2", "20"]);
    assert!(wait_until(Duration::from_secs(10), || {
        q::<i64>(&mut c, &["PTTL", "k2"]) == -2
    }));
    let err = redis::cmd("RENAME")
        .arg("k2")
        .arg("x")
        .query::<()>(&mut c)
        .unwrap_err();
    assert!(err.to_string().contains("no such key"), "{err}");
    assert_eq!(q::<i64>(&mut c, &["MOVE", "k2", "1"]), 0);
    assert_eq!(q::<i64>(&mut c, &["COPY", "k2", "x"]), 0);
}

/// Many volatile keys expiring while being read: lazy expiry deletes each key it meets.
#[test]
fn lazy_expiry_on_read() {
    let srv = Server::start(&["--hz", "1"]);
    let mut c = srv.conn();
    fill(&mut c, (0..2000).map(|i| format!("v{i}")));
    let mut p = redis::pipe();
    for i in 0..2000 {
        p.cmd("PEXPIRE").arg(format!("v{i}")).arg(30).ignore();
    }
    let _: () = p.query(&mut c).unwrap();
    std::thread::sleep(Duration::from_millis(60));
    let mut p = redis::pipe();
    for i in 0..2000 {
        p.cmd("GET").arg(format!("v{i}"));
    }
    let got: Vec<Option<String>> = p.query(&mut c).unwrap();
    assert!(got.iter().all(Option::is_none));
    // Every key read after its expiry is gone, whether or not the cron got there first.
    assert_eq!(q::<i64>(&mut c, &["DBSIZE"]), 0);
}
