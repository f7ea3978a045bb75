//! A first end-to-end check: the binary starts, answers redis-cli-style clients, and its
//! replies match a real redis-server for the basics.

mod common;

use common::{Server, compat};

#[test]
fn ping_set_get_with_redis_crate() {
    let srv = Server::start(&[]);
    let mut c = srv.conn();
    let pong: String = redis::cmd("PING").query(&mut c).unwrap();
    assert_eq!(pong, "PONG");
    let _: () = redis::cmd("SET").arg("k").arg("v").query(&mut c).unwrap();
    let v: String = redis::cmd("GET").arg("k").query(&mut c).unwrap();
    assert_eq!(v, "v");
}

#[test]
fn basics_match_redis() {
    compat(&[
        &["PING"],
        &["PING", "hello"],
        &["SET", "k", "v"],
        &["GET", "k"],
        &["GET", "missing"],
        &["NOSUCHCOMMAND", "a", "b"],
        &["GET"],
        &["CONFIG", "NOPE"],
        &["SELECT", "16"],
        &["SELECT", "x"],
    ]);
}
