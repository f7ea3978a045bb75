//! SORT and SORT_RO beyond the scripted replays (tests/compat/sort_*.txt): keyspace events,
//! the change counter that drives propagation, and SORT inside a script, each checked against
//! a real redis-server.

mod common;

use common::{Server, compat, on_both, redis_or_skip, s};

fn keyevent(reply: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(reply).into_owned();
    let parts: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(parts.get(2), Some(&"pmessage"), "{text:?}");
    let event = parts[6].trim_start_matches("__keyevent@0__:").to_string();
    (event, parts[8].to_string())
}

#[test]
fn keyspace_events_as_redis() {
    on_both(|srv| {
        let mut sub = srv.raw();
        sub.call(&["PSUBSCRIBE", "__keyevent@0__:*"]);
        let mut c = srv.raw();
        assert_eq!(
            s(c.call(&["CONFIG", "SET", "notify-keyspace-events", "Elg"])),
            "+OK\r\n"
        );
        for args in [
            &["RPUSH", "l", "2", "1"][..],
            &["SORT", "l", "STORE", "d"],
            &["SORT", "l"],
            &["SORT", "l", "LIMIT", "5", "1", "STORE", "d"],
            &["SORT", "l", "LIMIT", "5", "1", "STORE", "d"],
            &["SORT", "nokey", "STORE", "d"],
            &["RPUSH", "end", "x"],
        ] {
            c.call(args);
        }
        let mut got = Vec::new();
        loop {
            let e = keyevent(&sub.read_reply());
            let end = e.1 == "end";
            got.push(e);
            if end {
                break;
            }
        }
        let got: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(
            got,
            [
                ("rpush", "l"),
                ("sortstore", "d"),
                ("del", "d"),
                ("rpush", "end")
            ]
        );
    });
}

fn changes(c: &mut common::Raw) -> i64 {
    let info = s(c.call(&["INFO", "persistence"]));
    info.lines()
        .find_map(|l| l.strip_prefix("rdb_changes_since_last_save:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(-1)
}

/// The dirty counter decides propagation: a plain SORT adds nothing, a STORE adds the stored
/// length (or 1 for a deletion), as in Redis.
#[test]
fn changes_counted_as_redis() {
    let mut results = vec![];
    on_both(|srv| {
        let mut c = srv.raw();
        c.call(&["RPUSH", "l", "3", "1", "2"]);
        let mut seen = vec![changes(&mut c)];
        for args in [
            &["SORT", "l"][..],
            &["SORT", "l", "STORE", "d"],
            &["SORT", "l", "GET", "#", "GET", "x*", "STORE", "d"],
            &["SORT", "l", "LIMIT", "9", "9", "STORE", "d"],
            &["SORT", "l", "LIMIT", "9", "9", "STORE", "d"],
            &["SORT_RO", "l"],
        ] {
            c.call(args);
            seen.push(changes(&mut c));
        }
        results.push(seen);
    });
    assert_eq!(results[0], [3, 3, 6, 12, 13, 13, 13]);
    if let Some(r) = results.get(1) {
        assert_eq!(&results[0], r);
    }
}

/// Inside a script a set sorted BY a constant is sorted ALPHA (deterministic), as in Redis.
#[test]
fn sort_in_scripts_compat() {
    compat(&[
        &["SADD", "s", "b", "c", "a", "10", "9"],
        &[
            "EVAL",
            "return redis.call('sort', KEYS[1], 'by', 'nosort')",
            "1",
            "s",
        ],
        &["EVAL", "return redis.call('sort_ro', KEYS[1])", "1", "s"],
        &["SADD", "n", "3", "1", "2"],
        &[
            "EVAL",
            "return redis.call('sort', KEYS[1], 'by', 'nosort', 'desc')",
            "1",
            "n",
        ],
        &[
            "EVAL",
            "return redis.call('sort', KEYS[1], 'store', 'x')",
            "1",
            "n",
        ],
        &["LRANGE", "x", "0", "-1"],
    ]);
}

/// SORT BY with a LIMIT that leaves part out uses Redis's partial quicksort (pqsort), whose
/// order of equal elements differs from a full sort's: ties (equal or missing weights) come
/// out in the same order as Redis for many limits, ALPHA and numeric, ASC and DESC (found by
/// tests/fuzz_compat.rs, seed 917879).
#[test]
fn sort_by_with_limit_orders_ties_as_redis() {
    let run = |srv: &Server| {
        let mut c = srv.raw();
        let mut replies = Vec::new();
        for i in 0..130 {
            c.call(&["RPUSH", "b", &format!("m{}", (i * 37) % 101)]);
            if i % 3 != 0 {
                c.call(&["SET", &format!("wm{i}"), &format!("{}", i % 4)]);
            }
        }
        for (start, count) in [
            (10, -5),
            (0, 7),
            (3, 50),
            (60, 100),
            (0, 129),
            (128, 1),
            (5, 0),
        ] {
            for extra in [&["ALPHA"][..], &[], &["DESC"], &["ALPHA", "DESC"]] {
                let mut args = vec!["SORT_RO", "b", "BY", "w*", "LIMIT"];
                let (s, n) = (start.to_string(), count.to_string());
                args.push(&s);
                args.push(&n);
                args.extend_from_slice(extra);
                replies.push((args.join(" "), c.call(&args)));
            }
        }
        replies
    };
    let ours = run(&Server::start(&[]));
    if let Some(redis) = redis_or_skip(&[]) {
        for ((cmd, a), (_, b)) in ours.iter().zip(run(&redis).iter()) {
            assert_eq!(
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b),
                "{cmd}"
            );
        }
    }
}
