//! Transactions end to end: MULTI/EXEC/DISCARD/WATCH against the real server, byte-for-byte
//! replies compared with redis-server, WATCH invalidation by every kind of change, a
//! check-and-set counter raced by many clients, atomicity of pipelined transactions, and what
//! a transaction propagates.

mod common;

use std::time::Duration;

use common::{Server, compat, wait_until};

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn replies_match_redis() {
    compat(&[
        &["MULTI"],
        &["SET", "k", "v"],
        &["LPUSH", "k", "x"],
        &["GET", "k"],
        &["EXEC"],
        &["MULTI"],
        &["EXEC"],
        &["WATCH", "k"],
        &["MULTI"],
        &["WATCH", "k"],
        &["INCR", "k"],
        &["EXEC"],
    ]);
}

/// Runs `change` on a second connection between WATCH and EXEC, and returns EXEC's reply.
fn exec_after(srv: &Server, setup: &[&[&str]], watch: &[&str], change: &[&[&str]]) -> String {
    let mut a = srv.raw();
    let mut b = srv.raw();
    a.call(&["FLUSHALL"]);
    for cmd in setup {
        a.call(cmd);
    }
    let mut w = vec!["WATCH"];
    w.extend_from_slice(watch);
    assert_eq!(s(&a.call(&w)), "+OK\r\n");
    for cmd in change {
        b.call(cmd);
    }
    assert_eq!(s(&a.call(&["MULTI"])), "+OK\r\n");
    assert_eq!(s(&a.call(&["SET", "out", "1"])), "+QUEUED\r\n");
    s(&a.call(&["EXEC"]))
}

const ABORTED: &str = "*-1\r\n";
const RAN: &str = "*1\r\n+OK\r\n";

#[test]
fn watch_is_invalidated_by_every_kind_of_change() {
    let srv = Server::start(&[]);
    let set_k: &[&str] = &["SET", "k", "1"];
    // Unchanged: the transaction runs.
    assert_eq!(exec_after(&srv, &[set_k], &["k"], &[]), RAN);
    assert_eq!(exec_after(&srv, &[set_k], &["k"], &[&["GET", "k"]]), RAN);
    // Changed by another client in every way Redis counts.
    for change in [
        &["SET", "k", "2"][..],
        &["DEL", "k"],
        &["INCR", "k"],
        &["APPEND", "k", "x"],
        &["EXPIRE", "k", "100"],
        &["PERSIST", "k"],
        &["RENAME", "k", "k2"],
        &["FLUSHDB"],
        &["FLUSHALL"],
        &["SWAPDB", "0", "1"],
    ] {
        let setup: &[&[&str]] = &[set_k, &["EXPIRE", "k", "1000"]];
        assert_eq!(
            exec_after(&srv, setup, &["k"], &[change]),
            ABORTED,
            "{change:?}"
        );
    }
    // A missing key that gets created.
    assert_eq!(
        exec_after(&srv, &[], &["nokey"], &[&["SET", "nokey", "x"]]),
        ABORTED
    );
    // A missing key that stays missing (a DEL of nothing changes nothing).
    assert_eq!(exec_after(&srv, &[], &["nokey"], &[&["DEL", "nokey"]]), RAN);
    // FLUSHDB of an empty watched key: nothing existed, nothing changed.
    assert_eq!(exec_after(&srv, &[], &["nokey"], &[&["FLUSHALL"]]), RAN);
    // Renamed onto the watched key.
    assert_eq!(
        exec_after(
            &srv,
            &[&["SET", "src", "v"]],
            &["k"],
            &[&["RENAME", "src", "k"]]
        ),
        ABORTED
    );
    // Moved away to another database.
    assert_eq!(
        exec_after(&srv, &[set_k], &["k"], &[&["MOVE", "k", "5"]]),
        ABORTED
    );
}

#[test]
fn watch_in_another_database() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    a.call(&["SELECT", "2"]);
    a.call(&["WATCH", "k"]);
    a.call(&["SELECT", "0"]);
    // The same name in database 0 is another key.
    b.call(&["SET", "k", "x"]);
    a.call(&["MULTI"]);
    a.call(&["PING"]);
    assert_eq!(s(&a.call(&["EXEC"])), "*1\r\n+PONG\r\n");
    // Database 2's key changes: abort.
    a.call(&["SELECT", "2"]);
    a.call(&["WATCH", "k"]);
    b.call(&["SELECT", "2"]);
    b.call(&["SET", "k", "y"]);
    a.call(&["MULTI"]);
    a.call(&["PING"]);
    assert_eq!(s(&a.call(&["EXEC"])), ABORTED);
}

#[test]
fn watch_sees_expiry_and_own_changes() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    // A key that expires after WATCH aborts the transaction, even before anything deletes it.
    a.call(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
    a.call(&["SET", "t", "1", "PX", "50"]);
    a.call(&["WATCH", "t"]);
    std::thread::sleep(Duration::from_millis(120));
    a.call(&["MULTI"]);
    a.call(&["PING"]);
    assert_eq!(s(&a.call(&["EXEC"])), ABORTED);
    // A key already expired when watched does not count as changed when it is deleted.
    a.call(&["SET", "t2", "1", "PX", "20"]);
    std::thread::sleep(Duration::from_millis(60));
    a.call(&["WATCH", "t2"]);
    a.call(&["MULTI"]);
    a.call(&["PING"]);
    assert_eq!(s(&a.call(&["EXEC"])), "*1\r\n+PONG\r\n");
    // The same client changing the key after WATCH aborts too.
    a.call(&["WATCH", "own"]);
    a.call(&["SET", "own", "1"]);
    a.call(&["MULTI"]);
    a.call(&["PING"]);
    assert_eq!(s(&a.call(&["EXEC"])), ABORTED);
    // EXEC and DISCARD unwatch: a later change does not affect the next transaction.
    let mut b = srv.raw();
    a.call(&["WATCH", "w"]);
    a.call(&["MULTI"]);
    a.call(&["DISCARD"]);
    b.call(&["SET", "w", "1"]);
    a.call(&["MULTI"]);
    a.call(&["PING"]);
    assert_eq!(s(&a.call(&["EXEC"])), "*1\r\n+PONG\r\n");
    // UNWATCH too.
    a.call(&["WATCH", "w"]);
    a.call(&["UNWATCH"]);
    b.call(&["SET", "w", "2"]);
    a.call(&["MULTI"]);
    a.call(&["PING"]);
    assert_eq!(s(&a.call(&["EXEC"])), "*1\r\n+PONG\r\n");
}

#[test]
fn check_and_set_counter_under_contention() {
    let srv = Server::start(&[]);
    let port = srv.port;
    let threads: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(move || {
                let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).unwrap();
                let mut con = client.get_connection().unwrap();
                let mut ok = 0u64;
                for _ in 0..200 {
                    let _: () = redis::cmd("WATCH").arg("counter").query(&mut con).unwrap();
                    let v: Option<i64> = redis::cmd("GET").arg("counter").query(&mut con).unwrap();
                    let next = v.unwrap_or(0) + 1;
                    let r: Option<(String,)> = redis::pipe()
                        .atomic()
                        .cmd("SET")
                        .arg("counter")
                        .arg(next)
                        .query(&mut con)
                        .unwrap();
                    if r.is_some() {
                        ok += 1;
                    }
                }
                ok
            })
        })
        .collect();
    let total: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let mut con = srv.conn();
    let v: i64 = redis::cmd("GET").arg("counter").query(&mut con).unwrap();
    assert!(total > 0);
    assert_eq!(
        v as u64, total,
        "every successful EXEC incremented exactly once"
    );
}

#[test]
fn pipelined_transactions_are_atomic() {
    let srv = Server::start(&[]);
    let port = srv.port;
    let threads: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(move || {
                let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).unwrap();
                let mut con = client.get_connection().unwrap();
                let mut pairs = vec![];
                for _ in 0..100 {
                    let (a, b): (i64, i64) = redis::pipe()
                        .atomic()
                        .cmd("INCR")
                        .arg("c")
                        .cmd("INCR")
                        .arg("c")
                        .query(&mut con)
                        .unwrap();
                    pairs.push((a, b));
                }
                pairs
            })
        })
        .collect();
    let mut all = vec![];
    for t in threads {
        for (a, b) in t.join().unwrap() {
            assert_eq!(b, a + 1, "no other command ran between the two INCRs");
            all.push(a);
        }
    }
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 800);
}

#[test]
fn client_list_shows_multi_state() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let info = s(&a.call(&["CLIENT", "INFO"]));
    assert!(
        info.contains(" flags=N ") && info.contains(" multi=-1 "),
        "{info}"
    );
    a.call(&["MULTI"]);
    a.call(&["SET", "a", "1"]);
    a.call(&["SET", "b", "1"]);
    let mut b = srv.raw();
    let list = s(&b.call(&["CLIENT", "LIST"]));
    let line = list
        .lines()
        .find(|l| l.contains(" flags=x "))
        .unwrap_or_else(|| panic!("no client in MULTI: {list}"));
    assert!(line.contains(" multi=2 "), "{line}");
    // WATCHed key changed: flag d.
    let mut c = srv.raw();
    c.call(&["WATCH", "w"]);
    b.call(&["SET", "w", "1"]);
    let list = s(&b.call(&["CLIENT", "LIST"]));
    assert!(list.contains(" flags=d "), "{list}");
    a.call(&["DISCARD"]);
}

#[test]
fn admin_commands_inside_multi() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut victim = srv.raw();
    let id = s(&victim.call(&["CLIENT", "ID"]));
    let id = id.trim_start_matches(':').trim();
    a.call(&["MULTI"]);
    a.call(&["CONFIG", "SET", "hz", "20"]);
    a.call(&["CLIENT", "KILL", "ID", id]);
    a.call(&["CONFIG", "GET", "hz"]);
    let r = s(&a.call(&["EXEC"]));
    assert_eq!(r, "*3\r\n+OK\r\n:1\r\n*2\r\n$2\r\nhz\r\n$2\r\n20\r\n");
    assert!(victim.is_closed());
}

#[test]
fn transactions_propagate_wrapped() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut a = srv.raw();
    a.call(&["DEBUG", "PROPAGATED", "ON"]);
    a.call(&["SET", "x", "1"]);
    a.call(&["GET", "x"]);
    a.call(&["MULTI"]);
    a.call(&["INCR", "x"]);
    a.call(&["GET", "x"]);
    a.call(&["SET", "y", "2"]);
    a.call(&["EXEC"]);
    // A transaction with a single write is not wrapped, like Redis 7.0.
    a.call(&["MULTI"]);
    a.call(&["GET", "x"]);
    a.call(&["DEL", "y"]);
    a.call(&["EXEC"]);
    let log = s(&a.call(&["DEBUG", "PROPAGATED"]));
    assert_eq!(
        log,
        "*6\r\n$9\r\n0 SET x 1\r\n$7\r\n0 MULTI\r\n$8\r\n0 INCR x\r\n$9\r\n0 SET y 2\r\n\
         $6\r\n0 EXEC\r\n$7\r\n0 DEL y\r\n"
    );
}

#[test]
fn queued_state_survives_pipelining_and_disconnect() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    // A whole transaction in one write.
    a.send(b"MULTI\r\nSET p 1\r\nINCR p\r\nEXEC\r\nGET p\r\n");
    let r = s(&a.replies(5));
    assert_eq!(
        r,
        "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n:2\r\n$1\r\n2\r\n"
    );
    // A client that disconnects in MULTI leaves nothing behind.
    let mut b = srv.raw();
    b.call(&["WATCH", "p"]);
    b.call(&["MULTI"]);
    b.call(&["SET", "p", "never"]);
    drop(b);
    assert!(wait_until(Duration::from_secs(5), || {
        !s(&a.call(&["CLIENT", "LIST"])).contains(" flags=x ")
    }));
    a.call(&["SET", "p", "3"]);
    assert_eq!(s(&a.call(&["GET", "p"])), "$1\r\n3\r\n");
}
