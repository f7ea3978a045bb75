//! The blocking mechanism across commands (`src/blocking.rs`): serving after a transaction or
//! a pipelined command completes, WATCH invalidated by a served client, CLIENT UNBLOCK, INFO
//! and CLIENT LIST while blocked, timeouts firing while the server is idle, what a served pop
//! propagates, and clients that disconnect while blocked. The per-command rules (FIFO, key
//! order, types) are in each family's tests.

mod common;

use std::time::{Duration, Instant};

use common::{Raw, Server, wait_until};

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Waits until the server reports `n` blocked clients.
fn wait_blocked(r: &mut Raw, n: usize) {
    let want = format!("blocked_clients:{n}\r\n");
    assert!(
        wait_until(Duration::from_secs(5), || s(&r.call(&["INFO", "clients"]))
            .contains(&want)),
        "never saw {want:?}"
    );
}

#[test]
fn served_after_the_transaction_or_command_that_made_the_key_ready() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    // Served once EXEC completes, with the state EXEC left.
    a.cmd(&[b"BLMOVE", b"src", b"dst", b"LEFT", b"RIGHT", b"0"]);
    wait_blocked(&mut b, 1);
    b.send(b"MULTI\r\nLPUSH src x\r\nLPUSH src y\r\nEXEC\r\n");
    assert_eq!(
        s(&b.replies(4)),
        "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n:2\r\n"
    );
    assert_eq!(s(&a.read_reply()), "$1\r\ny\r\n");
    // A push and a pop in one transaction leave nothing: the waiter stays blocked.
    a.cmd(&[b"BLPOP", b"q", b"0"]);
    wait_blocked(&mut b, 1);
    b.send(b"MULTI\r\nLPUSH q x\r\nLPOP q\r\nEXEC\r\n");
    assert_eq!(
        s(&b.replies(4)),
        "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n$1\r\nx\r\n"
    );
    wait_blocked(&mut b, 1);
    // In a pipeline, the waiter is served right after the push, before the next command.
    b.send(b"LPUSH q x\r\nLPOP q\r\n");
    assert_eq!(s(&b.replies(2)), ":1\r\n$-1\r\n");
    assert_eq!(s(&a.read_reply()), "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
    // A blocking command inside MULTI does not block: it answers as on an empty key.
    b.send(b"MULTI\r\nBLPOP empty 0\r\nEXEC\r\n");
    assert_eq!(s(&b.replies(3)), "+OK\r\n+QUEUED\r\n*1\r\n*-1\r\n");
}

#[test]
fn serving_a_blocked_client_touches_watched_keys() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    let mut c = srv.raw();
    a.cmd(&[b"BLMOVE", b"src", b"dst", b"LEFT", b"RIGHT", b"0"]);
    wait_blocked(&mut b, 1);
    c.call(&["WATCH", "dst"]);
    b.call(&["LPUSH", "src", "x"]);
    assert_eq!(s(&a.read_reply()), "$1\r\nx\r\n");
    c.call(&["MULTI"]);
    c.call(&["PING"]);
    assert_eq!(s(&c.call(&["EXEC"])), "*-1\r\n");
}

#[test]
fn client_unblock_info_and_client_list() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    let id = s(&a.call(&["CLIENT", "ID"]));
    let id = id.trim_start_matches(':').trim().to_string();
    assert_eq!(s(&b.call(&["CLIENT", "UNBLOCK", &id])), ":0\r\n");
    a.cmd(&[b"BLPOP", b"q", b"0"]);
    wait_blocked(&mut b, 1);
    let list = s(&b.call(&["CLIENT", "LIST"]));
    assert!(
        list.contains(" flags=b ") && list.contains("cmd=blpop"),
        "{list}"
    );
    let info = s(&b.call(&["INFO", "clients"]));
    assert!(info.contains("clients_in_timeout_table:0\r\n"), "{info}");
    assert_eq!(s(&b.call(&["CLIENT", "UNBLOCK", &id, "ERROR"])), ":1\r\n");
    assert_eq!(
        s(&a.read_reply()),
        "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    );
    wait_blocked(&mut b, 0);
    // TIMEOUT answers as a timeout would; the connection goes on working.
    a.cmd(&[b"BLPOP", b"q", b"100"]);
    wait_blocked(&mut b, 1);
    let info = s(&b.call(&["INFO", "clients"]));
    assert!(info.contains("clients_in_timeout_table:1\r\n"), "{info}");
    assert_eq!(s(&b.call(&["CLIENT", "UNBLOCK", &id, "TIMEOUT"])), ":1\r\n");
    assert_eq!(s(&a.read_reply()), "*-1\r\n");
    assert_eq!(s(&a.call(&["PING"])), "+PONG\r\n");
    assert_eq!(
        s(&b.call(&["CLIENT", "UNBLOCK", &id, "MAYBE"])),
        "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n"
    );
    // The unblocked client's pipelined commands run after it.
    a.send(b"BLPOP q 0\r\nSET after 1\r\n");
    wait_blocked(&mut b, 1);
    assert_eq!(s(&b.call(&["GET", "after"])), "$-1\r\n");
    b.call(&["RPUSH", "q", "v"]);
    assert_eq!(s(&a.replies(2)), "*2\r\n$1\r\nq\r\n$1\r\nv\r\n+OK\r\n");
    assert_eq!(s(&b.call(&["GET", "after"])), "$1\r\n1\r\n");
}

#[test]
fn timeouts_fire_while_idle() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let start = Instant::now();
    // Nothing else happens on the server while waiting.
    assert_eq!(s(&a.call(&["BLPOP", "q", "0.3"])), "*-1\r\n");
    assert!(start.elapsed() >= Duration::from_millis(290));
    a.call(&["HELLO", "3"]);
    assert_eq!(s(&a.call(&["BLPOP", "q", "0.05"])), "_\r\n");
}

#[test]
fn disconnect_while_blocked_loses_nothing() {
    let srv = Server::start(&[]);
    let mut b = srv.raw();
    {
        let mut a = srv.raw();
        a.cmd(&[b"BLPOP", b"q", b"0"]);
        wait_blocked(&mut b, 1);
    }
    wait_blocked(&mut b, 0);
    assert_eq!(s(&b.call(&["RPUSH", "q", "kept"])), ":1\r\n");
    assert_eq!(
        s(&b.call(&["LRANGE", "q", "0", "-1"])),
        "*1\r\n$4\r\nkept\r\n"
    );
    // CLIENT KILL of a blocked client.
    let mut a = srv.raw();
    let id = s(&a.call(&["CLIENT", "ID"]));
    let id = id.trim_start_matches(':').trim().to_string();
    a.cmd(&[b"BLPOP", b"other", b"0"]);
    wait_blocked(&mut b, 1);
    assert_eq!(s(&b.call(&["CLIENT", "KILL", "ID", &id])), ":1\r\n");
    wait_blocked(&mut b, 0);
    assert!(a.is_closed());
    b.call(&["RPUSH", "other", "kept"]);
    assert_eq!(s(&b.call(&["LLEN", "other"])), ":1\r\n");
}

#[test]
fn served_pops_propagate_as_non_blocking_commands() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    b.call(&["DEBUG", "PROPAGATED", "ON"]);
    a.cmd(&[b"BLPOP", b"q", b"0"]);
    wait_blocked(&mut b, 1);
    b.call(&["RPUSH", "q", "x", "y"]);
    assert_eq!(s(&a.read_reply()), "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
    // Served immediately, too.
    a.call(&["BRPOP", "q", "0"]);
    let log = s(&b.call(&["DEBUG", "PROPAGATED"]));
    assert_eq!(
        log,
        "*3\r\n$13\r\n0 RPUSH q x y\r\n$8\r\n0 LPOP q\r\n$8\r\n0 RPOP q\r\n"
    );
}
