//! The list family end to end. Replies of the non-blocking commands are compared byte for byte
//! with a real redis-server (`compat` here, and the scripts `tests/compat/list_*.txt`); the
//! blocking rules are scenarios over several connections whose expected replies are written
//! out and checked on uredis and, when installed, on redis-server too (so each expectation is
//! Redis's behaviour, not ours).

mod common;

use std::time::Duration;

use common::{blocked, blocked_on, compat, encode, on_both, s, send, wait_blocked};

const NULL_ARRAY: &str = "*-1\r\n";

// ---------------------------------------------------------------------------------------------
// Non-blocking commands, replayed against redis-server.

#[test]
fn push_pop_compat() {
    compat(&[
        &["RPUSH", "l", "a", "b", "c"],
        &["LPUSH", "l", "z"],
        &["LRANGE", "l", "0", "-1"],
        &["LPOP", "l", "2"],
        &["RPOP", "l", "5"],
        &["EXISTS", "l"],
        &["LPOP", "l"],
        &["LPOP", "l", "3"],
        &["LPOP", "l", "0"],
        &["RPUSHX", "l", "a"],
        &["LPUSH", "l", "only"],
        &["RPOP", "l"],
        &["EXISTS", "l"],
        &["SET", "s", "1"],
        &["LPUSH", "s", "1"],
        &["LPOP", "s", "1"],
        &["LPOP", "s", "x"],
        &["LPOP", "l", "1", "2"],
    ]);
}

#[test]
fn many_elements_across_nodes_compat() {
    // Enough data to span many nodes at the default 8 KB, with elements of assorted sizes
    // (some over 127 bytes, whose lengths take two bytes).
    let vals: Vec<String> = (0..600)
        .map(|i| format!("{i}-{}", "v".repeat(i * 7 % 300)))
        .collect();
    let mut push: Vec<&str> = vec!["RPUSH", "big"];
    push.extend(vals.iter().map(|v| v.as_str()));
    let mut lpush: Vec<&str> = vec!["LPUSH", "big"];
    lpush.extend(vals.iter().take(200).map(|v| v.as_str()));
    compat(&[
        &push,
        &lpush,
        &["LLEN", "big"],
        &["LRANGE", "big", "0", "-1"],
        &["LRANGE", "big", "150", "450"],
        &["LINDEX", "big", "333"],
        &["LINDEX", "big", "-333"],
        &["LSET", "big", "400", "replaced"],
        &["LINSERT", "big", "AFTER", "replaced", "inserted"],
        &["LRANGE", "big", "395", "405"],
        &["LPOS", "big", "399-v", "COUNT", "0"],
        &["LREM", "big", "-3", "5-vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"],
        &["LTRIM", "big", "100", "-100"],
        &["LLEN", "big"],
        &["LPOP", "big", "77"],
        &["RPOP", "big", "99"],
        &["LRANGE", "big", "0", "-1"],
        &["LMOVE", "big", "big", "LEFT", "RIGHT"],
        &["LRANGE", "big", "-3", "-1"],
        &["LMPOP", "1", "big", "RIGHT", "COUNT", "1000"],
        &["EXISTS", "big"],
    ]);
}

#[test]
fn wrongtype_compat() {
    compat(&[
        &["SET", "s", "v"],
        &["RPUSH", "l", "a"],
        &["LMOVE", "l", "s", "LEFT", "LEFT"],
        &["LRANGE", "l", "0", "-1"],
        &["LMOVE", "s", "l", "LEFT", "LEFT"],
        &["LMOVE", "nokey", "s", "LEFT", "LEFT"],
        &["RPOPLPUSH", "nokey", "s"],
        &["LMPOP", "2", "nokey", "s", "LEFT"],
        &["LMPOP", "2", "l", "s", "LEFT"],
        &["LPOS", "s", "x", "RANK", "0"],
        &["LINSERT", "s", "middle", "a", "b"],
        &["LREM", "s", "x", "a"],
    ]);
}

// ---------------------------------------------------------------------------------------------
// Blocking.

#[test]
fn blocked_clients_are_served_first_come_first_served() {
    on_both(|srv| {
        let mut c1 = blocked_on(srv, &["BLPOP", "q", "0"], 1);
        let mut c2 = blocked_on(srv, &["BLPOP", "q", "0"], 2);
        let mut c3 = blocked_on(srv, &["BRPOP", "q", "0"], 3);
        let mut p = srv.raw();
        assert_eq!(s(p.call(&["RPUSH", "q", "x"])), ":1\r\n");
        assert_eq!(s(c1.read_reply()), "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
        wait_blocked(srv, 2);
        // One push of several elements serves several waiters, in arrival order.
        assert_eq!(s(p.call(&["RPUSH", "q", "a", "b", "c"])), ":3\r\n");
        assert_eq!(s(c2.read_reply()), "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
        assert_eq!(s(c3.read_reply()), "*2\r\n$1\r\nq\r\n$1\r\nc\r\n");
        wait_blocked(srv, 0);
        assert_eq!(s(p.call(&["LRANGE", "q", "0", "-1"])), "*1\r\n$1\r\nb\r\n");
    });
}

#[test]
fn push_serves_some_waiters_and_the_rest_keep_waiting() {
    on_both(|srv| {
        let mut c1 = blocked_on(srv, &["BLPOP", "q", "0"], 1);
        let mut c2 = blocked_on(srv, &["BLPOP", "q", "0"], 2);
        let mut c3 = blocked_on(srv, &["BLPOP", "q", "0"], 3);
        let mut p = srv.raw();
        assert_eq!(s(p.call(&["RPUSH", "q", "a", "b"])), ":2\r\n");
        assert_eq!(s(c1.read_reply()), "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
        assert_eq!(s(c2.read_reply()), "*2\r\n$1\r\nq\r\n$1\r\nb\r\n");
        wait_blocked(srv, 1);
        assert_eq!(s(p.call(&["EXISTS", "q"])), ":0\r\n");
        assert_eq!(s(p.call(&["LPUSH", "q", "c"])), ":1\r\n");
        assert_eq!(s(c3.read_reply()), "*2\r\n$1\r\nq\r\n$1\r\nc\r\n");
        wait_blocked(srv, 0);
    });
}

#[test]
fn first_non_empty_key_in_argument_order() {
    on_both(|srv| {
        let mut c = srv.raw();
        c.call(&["RPUSH", "k2", "two"]);
        c.call(&["RPUSH", "k3", "three"]);
        assert_eq!(
            s(c.call(&["BLPOP", "k1", "k3", "k2", "0"])),
            "*2\r\n$2\r\nk3\r\n$5\r\nthree\r\n"
        );
        assert_eq!(
            s(c.call(&["BRPOP", "k1", "k3", "k2", "0"])),
            "*2\r\n$2\r\nk2\r\n$3\r\ntwo\r\n"
        );
        // Blocked on several keys: served from the one that receives data.
        let mut w = blocked_on(srv, &["BLPOP", "a", "b", "c", "0"], 1);
        c.call(&["RPUSH", "b", "x"]);
        assert_eq!(s(w.read_reply()), "*2\r\n$1\r\nb\r\n$1\r\nx\r\n");
        // A key named twice is waited on once and served once.
        let mut w = blocked_on(srv, &["BLPOP", "d", "d", "0"], 1);
        c.call(&["RPUSH", "d", "1", "2"]);
        assert_eq!(s(w.read_reply()), "*2\r\n$1\r\nd\r\n$1\r\n1\r\n");
        assert_eq!(s(c.call(&["LLEN", "d"])), ":1\r\n");
    });
}

#[test]
fn timeouts_reply_a_null_array() {
    on_both(|srv| {
        let mut c = srv.raw();
        assert_eq!(s(c.call(&["BLPOP", "q", "0.05"])), NULL_ARRAY);
        assert_eq!(s(c.call(&["BRPOP", "q", "r", "0.05"])), NULL_ARRAY);
        assert_eq!(s(c.call(&["BLMPOP", "0.05", "1", "q", "LEFT"])), NULL_ARRAY);
        // BLMOVE answers a null bulk when not blocking, but a timeout is a null array.
        assert_eq!(
            s(c.call(&["BLMOVE", "q", "d", "LEFT", "LEFT", "0.05"])),
            NULL_ARRAY
        );
        assert_eq!(s(c.call(&["BRPOPLPUSH", "q", "d", "0.05"])), NULL_ARRAY);
        c.call(&["HELLO", "3"]);
        assert_eq!(s(c.call(&["BLPOP", "q", "0.05"])), "_\r\n");
        assert_eq!(
            s(c.call(&["BLMOVE", "q", "d", "LEFT", "LEFT", "0.05"])),
            "_\r\n"
        );
        // The connection works normally afterwards.
        assert_eq!(s(c.call(&["RPUSH", "q", "v"])), ":1\r\n");
        assert_eq!(
            s(c.call(&["BLPOP", "q", "0.05"])),
            "*2\r\n$1\r\nq\r\n$1\r\nv\r\n"
        );
    });
}

#[test]
fn timeout_zero_waits_until_served() {
    on_both(|srv| {
        let mut w = blocked_on(srv, &["BLPOP", "q", "0"], 1);
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(blocked(srv), 1, "a zero timeout never expires");
        srv.raw().call(&["RPUSH", "q", "late"]);
        assert_eq!(s(w.read_reply()), "*2\r\n$1\r\nq\r\n$4\r\nlate\r\n");
    });
}

#[test]
fn a_key_that_becomes_a_non_list_does_not_serve() {
    on_both(|srv| {
        let mut w = blocked_on(srv, &["BLPOP", "q", "0"], 1);
        let mut p = srv.raw();
        assert_eq!(s(p.call(&["SET", "q", "string"])), "+OK\r\n");
        wait_blocked(srv, 1);
        assert_eq!(s(p.call(&["DEL", "q"])), ":1\r\n");
        assert_eq!(s(p.call(&["RPUSH", "q", "v"])), ":1\r\n");
        assert_eq!(s(w.read_reply()), "*2\r\n$1\r\nq\r\n$1\r\nv\r\n");
    });
}

#[test]
fn disconnected_waiter_loses_nothing() {
    on_both(|srv| {
        let w = blocked_on(srv, &["BLPOP", "q", "0"], 1);
        drop(w);
        wait_blocked(srv, 0);
        let mut p = srv.raw();
        assert_eq!(s(p.call(&["RPUSH", "q", "kept"])), ":1\r\n");
        assert_eq!(
            s(p.call(&["LRANGE", "q", "0", "-1"])),
            "*1\r\n$4\r\nkept\r\n"
        );
    });
}

#[test]
fn blmove_and_brpoplpush_are_served() {
    on_both(|srv| {
        let mut p = srv.raw();
        let mut w = blocked_on(srv, &["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"], 1);
        p.call(&["RPUSH", "dst", "old"]);
        assert_eq!(s(p.call(&["RPUSH", "src", "a", "b"])), ":2\r\n");
        assert_eq!(s(w.read_reply()), "$1\r\nb\r\n");
        assert_eq!(
            s(p.call(&["LRANGE", "dst", "0", "-1"])),
            "*2\r\n$1\r\nb\r\n$3\r\nold\r\n"
        );
        let mut w = blocked_on(srv, &["BRPOPLPUSH", "e", "dst", "0"], 1);
        p.call(&["LPUSH", "e", "x"]);
        assert_eq!(s(w.read_reply()), "$1\r\nx\r\n");
        assert_eq!(s(p.call(&["EXISTS", "e"])), ":0\r\n");
        assert_eq!(s(p.call(&["LINDEX", "dst", "0"])), "$1\r\nx\r\n");
        // Rotation of a list onto itself, served.
        let mut w = blocked_on(srv, &["BLMOVE", "r", "r", "LEFT", "RIGHT", "0"], 1);
        p.call(&["RPUSH", "r", "1", "2"]);
        assert_eq!(s(w.read_reply()), "$1\r\n1\r\n");
        assert_eq!(
            s(p.call(&["LRANGE", "r", "0", "-1"])),
            "*2\r\n$1\r\n2\r\n$1\r\n1\r\n"
        );
    });
}

#[test]
fn blmove_chain_serves_the_next_waiter() {
    on_both(|srv| {
        let mut mover = blocked_on(srv, &["BLMOVE", "a", "b", "LEFT", "LEFT", "0"], 1);
        let mut popper = blocked_on(srv, &["BLPOP", "b", "0"], 2);
        srv.raw().call(&["RPUSH", "a", "v"]);
        assert_eq!(s(mover.read_reply()), "$1\r\nv\r\n");
        assert_eq!(s(popper.read_reply()), "*2\r\n$1\r\nb\r\n$1\r\nv\r\n");
        wait_blocked(srv, 0);
        let mut p = srv.raw();
        assert_eq!(s(p.call(&["EXISTS", "a", "b"])), ":0\r\n");
    });
}

#[test]
fn blmove_served_onto_a_wrong_type_destination_errors() {
    on_both(|srv| {
        let mut w = blocked_on(srv, &["BLMOVE", "src", "dst", "LEFT", "LEFT", "0"], 1);
        let mut p = srv.raw();
        p.call(&["SET", "dst", "string"]);
        p.call(&["RPUSH", "src", "a"]);
        assert_eq!(
            s(w.read_reply()),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        );
        wait_blocked(srv, 0);
        assert_eq!(
            s(p.call(&["LRANGE", "src", "0", "-1"])),
            "*1\r\n$1\r\na\r\n"
        );
    });
}

#[test]
fn blmpop_is_served_with_count() {
    on_both(|srv| {
        let mut w = blocked_on(
            srv,
            &["BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "2"],
            1,
        );
        let mut p = srv.raw();
        p.call(&["RPUSH", "b", "1", "2", "3"]);
        assert_eq!(
            s(w.read_reply()),
            "*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n"
        );
        assert_eq!(s(p.call(&["LRANGE", "b", "0", "-1"])), "*1\r\n$1\r\n1\r\n");
        let mut w = blocked_on(srv, &["BLMPOP", "0", "1", "c", "LEFT", "COUNT", "5"], 1);
        p.call(&["RPUSH", "c", "x", "y"]);
        assert_eq!(
            s(w.read_reply()),
            "*2\r\n$1\r\nc\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n"
        );
        assert_eq!(s(p.call(&["EXISTS", "c"])), ":0\r\n");
    });
}

#[test]
fn commands_pipelined_after_a_blocking_one_wait_for_it() {
    on_both(|srv| {
        let mut c = srv.raw();
        let mut bytes = encode(&[b"BLPOP", b"q", b"0"]);
        bytes.extend(encode(&[b"PING"]));
        bytes.extend(encode(&[b"LLEN", b"q"]));
        c.send(&bytes);
        wait_blocked(srv, 1);
        srv.raw().call(&["RPUSH", "q", "a", "b"]);
        assert_eq!(s(c.read_reply()), "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
        assert_eq!(s(c.read_reply()), "+PONG\r\n");
        assert_eq!(s(c.read_reply()), ":1\r\n");
    });
}

#[test]
fn waiter_is_served_between_commands_of_a_pipeline() {
    on_both(|srv| {
        let mut w = blocked_on(srv, &["BLPOP", "q", "0"], 1);
        let mut p = srv.raw();
        let mut bytes = encode(&[b"RPUSH", b"q", b"a"]);
        bytes.extend(encode(&[b"LPOP", b"q"]));
        p.send(&bytes);
        assert_eq!(s(p.read_reply()), ":1\r\n");
        // The waiter was served as soon as RPUSH finished: LPOP finds nothing.
        assert_eq!(s(p.read_reply()), "$-1\r\n");
        assert_eq!(s(w.read_reply()), "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
    });
}

#[test]
fn lmove_and_rename_wake_waiters() {
    on_both(|srv| {
        let mut p = srv.raw();
        p.call(&["RPUSH", "src", "1", "2"]);
        let mut w = blocked_on(srv, &["BLPOP", "dst", "0"], 1);
        assert_eq!(
            s(p.call(&["LMOVE", "src", "dst", "LEFT", "LEFT"])),
            "$1\r\n1\r\n"
        );
        assert_eq!(s(w.read_reply()), "*2\r\n$3\r\ndst\r\n$1\r\n1\r\n");
        let mut w = blocked_on(srv, &["BRPOP", "other", "0"], 1);
        assert_eq!(s(p.call(&["RENAME", "src", "other"])), "+OK\r\n");
        assert_eq!(s(w.read_reply()), "*2\r\n$5\r\nother\r\n$1\r\n2\r\n");
        assert_eq!(s(p.call(&["EXISTS", "other", "src"])), ":0\r\n");
    });
}

#[test]
fn errors_before_blocking() {
    on_both(|srv| {
        let mut c = srv.raw();
        c.call(&["SET", "s", "v"]);
        for (args, want) in [
            (&["BLPOP", "q", "-1"][..], "-ERR timeout is negative\r\n"),
            (
                &["BLPOP", "q", "x"][..],
                "-ERR timeout is not a float or out of range\r\n",
            ),
            (
                &["BLPOP", "q", "s", "0"][..],
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                &["BLMOVE", "s", "q", "LEFT", "LEFT", "0"][..],
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                &["BLMPOP", "0", "2", "q", "s", "LEFT"][..],
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            ),
            (
                &["BLMPOP", "0", "0", "q", "LEFT"][..],
                "-ERR numkeys should be greater than 0\r\n",
            ),
        ] {
            assert_eq!(s(c.call(args)), want, "{args:?}");
        }
        assert_eq!(blocked(srv), 0);
    });
}

// ---------------------------------------------------------------------------------------------
// Keyspace events.

/// (event, key) of a `pmessage` from `__keyevent@0__:*`.
fn keyevent(reply: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(reply).into_owned();
    let parts: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(parts.get(2), Some(&"pmessage"), "{text:?}");
    let event = parts[6].trim_start_matches("__keyevent@0__:").to_string();
    (event, parts[8].to_string())
}

#[test]
fn keyspace_events_as_redis() {
    let script: &[&[&str]] = &[
        &["RPUSH", "l", "a", "b", "c"],
        &["LPUSH", "l", "z"],
        &["LPUSHX", "nokey", "v"],
        &["LPOP", "l"],
        &["RPOP", "l", "2"],
        &["LSET", "l", "0", "x"],
        &["LINSERT", "l", "BEFORE", "x", "y"],
        &["LINSERT", "l", "BEFORE", "nothere", "q"],
        &["LREM", "l", "0", "y"],
        &["LREM", "l", "0", "nothere"],
        &["LTRIM", "l", "0", "-1"],
        &["RPUSH", "m", "1"],
        &["LMOVE", "l", "d", "LEFT", "RIGHT"],
        &["RPOPLPUSH", "d", "d"],
        &["LTRIM", "m", "1", "0"],
        &["RPUSH", "e", "1", "2"],
        &["LMPOP", "1", "e", "RIGHT", "COUNT", "5"],
        &["BLPOP", "d", "0"],
        &["RPUSH", "f", "1", "2"],
        &["LREM", "f", "0", "1"],
        &["LREM", "f", "0", "2"],
        &["RPUSH", "end", "x"],
    ];
    let want: Vec<(&str, &str)> = vec![
        ("rpush", "l"),
        ("lpush", "l"),
        ("lpop", "l"),
        ("rpop", "l"),
        ("lset", "l"),
        ("linsert", "l"),
        ("lrem", "l"),
        ("ltrim", "l"),
        ("rpush", "m"),
        ("rpush", "d"),
        ("lpop", "l"),
        ("del", "l"),
        ("lpush", "d"),
        ("rpop", "d"),
        ("ltrim", "m"),
        ("del", "m"),
        ("rpush", "e"),
        ("rpop", "e"),
        ("del", "e"),
        ("lpop", "d"),
        ("del", "d"),
        ("rpush", "f"),
        ("lrem", "f"),
        ("lrem", "f"),
        ("del", "f"),
        ("rpush", "end"),
    ];
    on_both(|srv| {
        let mut sub = srv.raw();
        let r = sub.call(&["PSUBSCRIBE", "__keyevent@0__:*"]);
        if r.starts_with(b"-ERR unknown command") {
            eprintln!("note: PSUBSCRIBE not available; keyspace events not checked here");
            return;
        }
        let mut c = srv.raw();
        assert_eq!(
            s(c.call(&["CONFIG", "SET", "notify-keyspace-events", "Elg"])),
            "+OK\r\n"
        );
        for args in script {
            c.call(args);
        }
        let mut got = Vec::new();
        loop {
            let e = keyevent(&sub.read_reply());
            let end = e == ("rpush".to_string(), "end".to_string());
            got.push(e);
            if end {
                break;
            }
        }
        let got: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(got, want);
    });
}

// ---------------------------------------------------------------------------------------------
// With commands owned elsewhere (skipped, with a note, where uredis lacks them).

#[test]
fn client_unblock_timeout_and_error() {
    on_both(|srv| {
        let mut w = srv.raw();
        let id = s(w.call(&["CLIENT", "ID"]));
        let id = id.trim_start_matches(':').trim().to_string();
        send(&mut w, &["BLPOP", "q", "0"]);
        wait_blocked(srv, 1);
        let mut c = srv.raw();
        let r = s(c.call(&["CLIENT", "UNBLOCK", &id]));
        if r.starts_with("-ERR unknown subcommand") {
            eprintln!("note: CLIENT UNBLOCK not available; not checked here");
            return;
        }
        assert_eq!(r, ":1\r\n");
        assert_eq!(s(w.read_reply()), NULL_ARRAY);
        assert_eq!(s(c.call(&["CLIENT", "UNBLOCK", &id])), ":0\r\n");
        send(&mut w, &["BLMOVE", "q", "d", "LEFT", "LEFT", "0"]);
        wait_blocked(srv, 1);
        assert_eq!(s(c.call(&["CLIENT", "UNBLOCK", &id, "ERROR"])), ":1\r\n");
        assert_eq!(
            s(w.read_reply()),
            "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
        );
        // Nothing was lost meanwhile, and the connection goes on.
        assert_eq!(s(w.call(&["RPUSH", "q", "v"])), ":1\r\n");
        assert_eq!(s(w.call(&["LLEN", "q"])), ":1\r\n");
    });
}

#[test]
fn blocking_commands_inside_multi_do_not_block() {
    on_both(|srv| {
        let mut c = srv.raw();
        let r = s(c.call(&["MULTI"]));
        if r.starts_with("-ERR unknown command") {
            eprintln!("note: MULTI not available; not checked here");
            return;
        }
        assert_eq!(r, "+OK\r\n");
        for args in [
            &["BLPOP", "q", "0"][..],
            &["BLMOVE", "q", "d", "LEFT", "LEFT", "0"][..],
            &["BRPOPLPUSH", "q", "d", "0"][..],
            &["BLMPOP", "0", "1", "q", "LEFT"][..],
            &["RPUSH", "q", "a"][..],
            &["BRPOP", "q", "0"][..],
        ] {
            assert_eq!(s(c.call(args)), "+QUEUED\r\n");
        }
        assert_eq!(
            s(c.call(&["EXEC"])),
            "*6\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n:1\r\n*2\r\n$1\r\nq\r\n$1\r\na\r\n"
        );
        // A push inside a transaction serves waiters once EXEC is done.
        let mut w = blocked_on(srv, &["BLPOP", "t", "0"], 1);
        c.call(&["MULTI"]);
        c.call(&["RPUSH", "t", "x", "y"]);
        c.call(&["LPOP", "t"]);
        assert_eq!(s(c.call(&["EXEC"])), "*2\r\n:2\r\n$1\r\nx\r\n");
        assert_eq!(s(w.read_reply()), "*2\r\n$1\r\nt\r\n$1\r\ny\r\n");
    });
}

#[test]
fn waiters_are_served_from_their_own_database() {
    on_both(|srv| {
        let mut w = srv.raw();
        assert_eq!(s(w.call(&["SELECT", "1"])), "+OK\r\n");
        send(&mut w, &["BLPOP", "q", "0"]);
        wait_blocked(srv, 1);
        let mut p = srv.raw();
        assert_eq!(s(p.call(&["RPUSH", "q", "db0"])), ":1\r\n");
        wait_blocked(srv, 1);
        p.call(&["SELECT", "1"]);
        assert_eq!(s(p.call(&["RPUSH", "q", "db1"])), ":1\r\n");
        assert_eq!(s(w.read_reply()), "*2\r\n$1\r\nq\r\n$3\r\ndb1\r\n");
        p.call(&["SELECT", "0"]);
        assert_eq!(s(p.call(&["LLEN", "q"])), ":1\r\n");
        // SWAPDB brings a list to the waiters of the other database.
        w.call(&["SELECT", "1"]);
        send(&mut w, &["BLPOP", "q", "0"]);
        wait_blocked(srv, 1);
        assert_eq!(s(p.call(&["SWAPDB", "0", "1"])), "+OK\r\n");
        assert_eq!(s(w.read_reply()), "*2\r\n$1\r\nq\r\n$3\r\ndb0\r\n");
    });
}
