//! End-to-end replication tests with the real binaries: a real `redis-server` 7.0 replica of a
//! uredis master (diskless and disk-backed full resync, a mixed write stream of every type,
//! TTLs, transactions, blocking pops, expiries and several databases, compared key by key
//! with absolute expiry times), partial resynchronization after the link is killed
//! (`sync_partial_ok`), WAIT, ROLE and INFO replication compared in shape with Redis's, and
//! REPLCONF/PSYNC/WAIT argument errors compared byte for byte. Waits are bounded; nothing
//! asserts a duration.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{Server, compat, query as q, redis_or_skip, wait_until};

fn info(c: &mut redis::Connection, section: &str) -> BTreeMap<String, String> {
    let text: String = q(c, &["INFO", section]);
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
}

fn info_keys(c: &mut redis::Connection, section: &str) -> Vec<String> {
    let text: String = q(c, &["INFO", section]);
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, _)| k.to_string())
        .collect()
}

fn dump(c: &mut redis::Connection) -> common::Dump {
    common::dump_dbs(c, 4)
}

/// The data written before the replica attaches (goes over in the RDB).
fn fill(c: &mut redis::Connection) {
    let _: () = q(c, &["SET", "str", "hello"]);
    let _: () = q(c, &["SET", "ttl", "v", "EX", "1000"]);
    let _: i64 = q(c, &["RPUSH", "list", "a", "b", "c", "1", "2"]);
    let big: Vec<String> = (0..300).map(|i| format!("elem-{i}")).collect();
    let mut args = vec!["RPUSH", "biglist"];
    args.extend(big.iter().map(String::as_str));
    let _: i64 = q(c, &args);
    let _: i64 = q(c, &["SADD", "intset", "1", "2", "3"]);
    let _: i64 = q(c, &["HSET", "hash", "f1", "v1", "f2", "v2"]);
    let _: i64 = q(c, &["ZADD", "zset", "1.5", "a", "-2", "b", "inf", "c"]);
    let _: () = q(c, &["SELECT", "2"]);
    let _: () = q(c, &["SET", "db2key", "in db 2", "PX", "7000000"]);
    let _: () = q(c, &["SELECT", "0"]);
}

/// A mixed write stream after the replica is online: every type, relative TTLs, random
/// effects, INCRBYFLOAT, MULTI/EXEC, a served blocking pop, several databases, MOVE, SWAPDB,
/// a key expired by the master.
fn stream(srv: &Server, c: &mut redis::Connection) {
    let _: i64 = q(c, &["INCR", "counter"]);
    let _: String = q(c, &["INCRBYFLOAT", "float", "3.25"]);
    let _: () = q(c, &["SET", "rel", "v", "EX", "5000"]);
    let _: i64 = q(c, &["EXPIRE", "str", "9000"]);
    let _: () = q(c, &["SETEX", "setex", "4000", "v"]);
    let _: i64 = q(c, &["LPUSH", "list", "head"]);
    let _: String = q(c, &["LPOP", "biglist"]);
    let _: i64 = q(c, &["SADD", "set", "a", "b", "c", "d", "e"]);
    let _: String = q(c, &["SPOP", "set"]);
    let _: i64 = q(c, &["HINCRBY", "hash", "n", "7"]);
    let _: String = q(c, &["HINCRBYFLOAT", "hash", "f", "1.5"]);
    let _: String = q(c, &["ZINCRBY", "zset", "2", "a"]);
    let _: Vec<String> = q(c, &["ZPOPMIN", "zset"]);
    let _: () = redis::pipe()
        .cmd("MULTI")
        .ignore()
        .cmd("SET")
        .arg("tx1")
        .arg("1")
        .ignore()
        .cmd("INCR")
        .arg("tx1")
        .ignore()
        .cmd("EXEC")
        .ignore()
        .query(c)
        .unwrap();
    // A blocking pop served by a push from another client.
    let mut blocked = srv.raw();
    blocked.cmd(&[b"BLPOP", b"queue", b"10"]);
    assert!(wait_until(Duration::from_secs(10), || {
        info(c, "clients")["blocked_clients"] == "1"
    }));
    let _: i64 = q(c, &["RPUSH", "queue", "job1", "job2"]);
    let r = blocked.read_reply();
    assert!(r.starts_with(b"*2\r\n"), "{}", String::from_utf8_lossy(&r));
    // Another database, MOVE and SWAPDB.
    let _: () = q(c, &["SELECT", "1"]);
    let _: () = q(c, &["SET", "db1", "x"]);
    let _: i64 = q(c, &["MOVE", "db1", "3"]);
    let _: () = q(c, &["SET", "swapme", "y"]);
    let _: () = q(c, &["SWAPDB", "1", "2"]);
    let _: () = q(c, &["SELECT", "0"]);
    // A key the master expires (active expiry propagates DEL).
    let _: () = q(c, &["SET", "short", "v", "PX", "50"]);
    assert!(wait_until(Duration::from_secs(10), || {
        q::<i64>(c, &["EXISTS", "short"]) == 0
    }));
    let _: i64 = q(c, &["DEL", "intset"]);
    let _: i64 = q(c, &["PUBLISH", "chan", "msg"]);
}

/// Waits until every replica acknowledged everything written so far (WAIT), and checks it.
fn sync_with(c: &mut redis::Connection, n: i64) {
    let acked: i64 = q(c, &["WAIT", &n.to_string(), "10000"]);
    assert_eq!(acked, n, "WAIT {n} 10000");
}

fn online(master: &mut redis::Connection, replicas: usize) -> bool {
    let i = info(master, "replication");
    i["connected_slaves"] == replicas.to_string()
        && (0..replicas).all(|n| {
            i.get(&format!("slave{n}"))
                .is_some_and(|s| s.contains("state=online"))
        })
}

fn redis_replica_of_uredis(diskless: &str) {
    let master = Server::start(&[
        "--repl-diskless-sync",
        diskless,
        "--repl-diskless-sync-delay",
        "0",
        "--repl-ping-replica-period",
        "1",
    ]);
    let mut m = master.conn();
    fill(&mut m);
    let port = master.port.to_string();
    let Some(replica) = redis_or_skip(&["--replicaof", "127.0.0.1", &port]) else {
        return;
    };
    let mut r = replica.conn();
    assert!(
        wait_until(Duration::from_secs(20), || online(&mut m, 1)),
        "{:?}",
        info(&mut m, "replication")
    );
    sync_with(&mut m, 1);
    assert_eq!(dump(&mut m), dump(&mut r), "after the initial sync");
    stream(&master, &mut m);
    sync_with(&mut m, 1);
    let want = dump(&mut m);
    assert!(want.contains_key(&(3, "db1".to_string())), "{want:?}");
    assert!(!want.contains_key(&(0, "short".to_string())));
    assert_eq!(want, dump(&mut r), "after the write stream");
    let mi = info(&mut m, "stats");
    assert_eq!(mi["sync_full"], "1");
    assert_eq!(mi["sync_partial_ok"], "0");
    // The replica's view: connected, at the master's offset.
    let ri = info(&mut r, "replication");
    assert_eq!(ri["role"], "slave");
    assert_eq!(ri["master_link_status"], "up");
    let mrep = info(&mut m, "replication");
    assert_eq!(ri["master_replid"], mrep["master_replid"]);
}

#[test]
fn redis_replica_of_uredis_master_diskless() {
    redis_replica_of_uredis("yes");
}

#[test]
fn redis_replica_of_uredis_master_disk_backed() {
    redis_replica_of_uredis("no");
}

/// The link is killed: the replica comes back with PSYNC and continues from the backlog.
#[test]
fn partial_resync_after_link_drop() {
    let master = Server::start(&["--repl-diskless-sync-delay", "0"]);
    let mut m = master.conn();
    fill(&mut m);
    let port = master.port.to_string();
    let Some(replica) = redis_or_skip(&["--replicaof", "127.0.0.1", &port]) else {
        return;
    };
    let mut r = replica.conn();
    assert!(wait_until(Duration::from_secs(20), || online(&mut m, 1)));
    let _: () = q(&mut m, &["SET", "before", "drop"]);
    sync_with(&mut m, 1);
    let killed: i64 = q(&mut m, &["CLIENT", "KILL", "TYPE", "replica"]);
    assert_eq!(killed, 1);
    // Writes while the replica is away go to the backlog.
    let _: () = q(&mut m, &["SET", "during", "drop"]);
    let _: i64 = q(&mut m, &["RPUSH", "list", "more"]);
    assert!(wait_until(Duration::from_secs(20), || {
        info(&mut m, "stats")["sync_partial_ok"] == "1" && online(&mut m, 1)
    }));
    sync_with(&mut m, 1);
    let st = info(&mut m, "stats");
    assert_eq!(st["sync_full"], "1", "{st:?}");
    assert_eq!(st["sync_partial_err"], "0");
    assert_eq!(dump(&mut m), dump(&mut r));
    let got: String = q(&mut r, &["GET", "during"]);
    assert_eq!(got, "drop");
}

/// ROLE and INFO replication of a master with one online replica: the same shape as a
/// redis-server master's (field names in order, ROLE's element types).
#[test]
fn role_and_info_shape_match_redis() {
    let Some(rmaster) = redis_or_skip(&["--repl-diskless-sync-delay", "0"]) else {
        return;
    };
    let umaster = Server::start(&["--repl-diskless-sync-delay", "0"]);
    let rport = rmaster.port.to_string();
    let uport = umaster.port.to_string();
    let Some(_r1) = redis_or_skip(&["--replicaof", "127.0.0.1", &rport]) else {
        return;
    };
    let Some(_r2) = redis_or_skip(&["--replicaof", "127.0.0.1", &uport]) else {
        return;
    };
    let mut rm = rmaster.conn();
    let mut um = umaster.conn();
    assert!(wait_until(Duration::from_secs(20), || online(&mut rm, 1)));
    assert!(wait_until(Duration::from_secs(20), || online(&mut um, 1)));
    let _: () = q(&mut rm, &["SET", "k", "v"]);
    let _: () = q(&mut um, &["SET", "k", "v"]);
    sync_with(&mut rm, 1);
    sync_with(&mut um, 1);
    assert_eq!(
        info_keys(&mut um, "replication"),
        info_keys(&mut rm, "replication")
    );
    let ui = info(&mut um, "replication");
    let ri = info(&mut rm, "replication");
    for k in [
        "role",
        "connected_slaves",
        "repl_backlog_active",
        "second_repl_offset",
    ] {
        assert_eq!(ui[k], ri[k], "{k}");
    }
    let slave = &ui["slave0"];
    assert!(slave.starts_with("ip=127.0.0.1,port="), "{slave}");
    assert!(slave.contains(",state=online,offset="), "{slave}");
    // ROLE: master, offset, [[ip, port, offset]] with the same types as Redis's.
    let shape = |v: &redis::Value| -> String {
        fn s(v: &redis::Value) -> String {
            match v {
                redis::Value::Array(items) => {
                    format!("[{}]", items.iter().map(s).collect::<Vec<_>>().join(","))
                }
                redis::Value::Int(_) => "int".into(),
                redis::Value::BulkString(_) => "bulk".into(),
                other => format!("{other:?}"),
            }
        }
        s(v)
    };
    let ur: redis::Value = q(&mut um, &["ROLE"]);
    let rr: redis::Value = q(&mut rm, &["ROLE"]);
    assert_eq!(shape(&ur), shape(&rr));
    assert_eq!(shape(&ur), "[bulk,int,[[bulk,bulk,bulk]]]");
    let off: redis::Value = q(&mut um, &["ROLE"]);
    let redis::Value::Array(items) = off else {
        panic!()
    };
    assert_eq!(
        items[1],
        redis::Value::Int(ui["master_repl_offset"].parse().unwrap())
    );
}

/// WAIT without replicas, and argument errors, exactly as Redis.
#[test]
fn wait_replconf_psync_errors_match_redis() {
    compat(&[
        &["WAIT", "0", "0"],
        &["WAIT", "x", "0"],
        &["WAIT", "1", "-1"],
        &["WAIT", "1", "1.5"],
        &["WAIT", "1", "10"],
        &["REPLCONF", "foo", "bar"],
        &["REPLCONF", "listening-port"],
        &["REPLCONF", "listening-port", "x"],
        &["REPLCONF", "listening-port", "70000"],
        &["REPLCONF", "rdb-only", "2"],
        &["REPLCONF", "rdb-only", "x"],
        &["REPLCONF", "rdb-only", "0"],
        &[
            "REPLCONF",
            "listening-port",
            "6380",
            "capa",
            "eof",
            "capa",
            "psync2",
        ],
        &["PSYNC", "x"],
        &["SYNC", "x"],
        &["ROLE"],
        &["ROLE", "x"],
    ]);
}

/// A replica that does not ACK: WAIT times out replying how many acknowledged (0).
#[test]
fn wait_times_out_with_the_count() {
    let master = Server::start(&["--repl-diskless-sync-delay", "0"]);
    let mut fake = master.raw();
    assert_eq!(fake.call(&["REPLCONF", "capa", "eof"]), b"+OK\r\n");
    fake.cmd(&[b"PSYNC", b"?", b"-1"]);
    let head = fake.read_reply();
    assert!(
        head.starts_with(b"+FULLRESYNC "),
        "{}",
        String::from_utf8_lossy(&head)
    );
    let mut m = master.conn();
    let _: () = q(&mut m, &["SET", "a", "b"]);
    let n: i64 = q(&mut m, &["WAIT", "1", "200"]);
    assert_eq!(n, 0);
    assert_eq!(info(&mut m, "stats")["sync_full"], "1");
    // A WAIT without timeout, ended by CLIENT UNBLOCK: the count, as a timeout would.
    let mut w = master.raw();
    let id = String::from_utf8(w.call(&["CLIENT", "ID"])).unwrap();
    let id = id.trim_start_matches(':').trim().to_string();
    w.cmd(&[b"WAIT", b"1", b"0"]);
    assert!(wait_until(Duration::from_secs(10), || {
        info(&mut m, "clients")["blocked_clients"] == "1"
    }));
    let un: i64 = q(&mut m, &["CLIENT", "UNBLOCK", &id]);
    assert_eq!(un, 1);
    assert_eq!(w.read_reply(), b":0\r\n");
}

fn role_connected(c: &mut redis::Connection) -> bool {
    let v: redis::Value = q(c, &["ROLE"]);
    matches!(&v, redis::Value::Array(items)
        if items.get(3) == Some(&redis::Value::BulkString(b"connected".to_vec())))
}

/// A uredis replica of a redis-server master, with a redis-server replica of that uredis
/// replica (chained): data identical everywhere after the initial sync and after the write
/// stream; the replica refuses writes; its INFO replication has Redis's fields; the link
/// killed by the master continues partially.
#[test]
fn uredis_replica_of_redis_master_and_chained_replica() {
    let Some(master) = redis_or_skip(&["--repl-diskless-sync-delay", "0"]) else {
        return;
    };
    let mut m = master.conn();
    fill(&mut m);
    let mport = master.port.to_string();
    let replica = Server::start(&[
        "--replicaof",
        "127.0.0.1",
        &mport,
        "--repl-diskless-sync-delay",
        "0",
    ]);
    let mut r = replica.conn();
    assert!(wait_until(Duration::from_secs(20), || role_connected(
        &mut r
    )));
    sync_with(&mut m, 1);
    assert_eq!(dump(&mut m), dump(&mut r), "after the initial sync");
    // A redis-server replica of the uredis replica.
    let rport = replica.port.to_string();
    let Some(sub) = redis_or_skip(&["--replicaof", "127.0.0.1", &rport]) else {
        return;
    };
    let mut s = sub.conn();
    assert!(wait_until(Duration::from_secs(20), || online(&mut r, 1)));
    stream(&master, &mut m);
    sync_with(&mut m, 1);
    let want = dump(&mut m);
    assert_eq!(want, dump(&mut r), "replica after the write stream");
    let mo = info(&mut m, "replication")["master_repl_offset"].clone();
    assert!(wait_until(Duration::from_secs(20), || {
        info(&mut s, "replication")["master_repl_offset"] == mo
    }));
    assert_eq!(want, dump(&mut s), "chained replica after the write stream");
    // The whole chain shares the master's replication id and offset.
    let ri = info(&mut r, "replication");
    assert_eq!(
        ri["master_replid"],
        info(&mut m, "replication")["master_replid"]
    );
    assert_eq!(ri["master_repl_offset"], mo);
    // Read-only.
    let e = redis::cmd("SET")
        .arg("x")
        .arg("y")
        .query::<()>(&mut r)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("You can't write against a read only replica."),
        "{e}"
    );
    // INFO replication of a replica: Redis's fields, in order (the redis sub-replica is
    // itself a replica with one... no replicas: compare with a plain redis replica).
    let Some(plain) = redis_or_skip(&["--replicaof", "127.0.0.1", &mport]) else {
        return;
    };
    let mut p = plain.conn();
    assert!(wait_until(Duration::from_secs(20), || role_connected(
        &mut p
    )));
    let mut ukeys = info_keys(&mut r, "replication");
    ukeys.retain(|k| !k.starts_with("slave0"));
    let mut pkeys = info_keys(&mut p, "replication");
    pkeys.retain(|k| !k.starts_with("slave0"));
    assert_eq!(ukeys, pkeys);
    // The link is killed (on the replica's side): it continues partially.
    let before: u64 = info(&mut m, "stats")["sync_partial_ok"].parse().unwrap();
    let killed: i64 = q(&mut r, &["CLIENT", "KILL", "TYPE", "master"]);
    assert_eq!(killed, 1);
    let _: () = q(&mut m, &["SET", "after", "kill"]);
    assert!(wait_until(Duration::from_secs(20), || {
        info(&mut m, "stats")["sync_partial_ok"] == (before + 1).to_string()
            && role_connected(&mut r)
    }));
    sync_with(&mut m, 2);
    assert_eq!(dump(&mut m), dump(&mut r));
    assert_eq!(
        info(&mut m, "stats")["sync_full"],
        "2",
        "the two replicas' initial syncs only"
    );
}

/// REPLICAOF NO ONE on a uredis replica keeps the old id as replid2: the old redis-server
/// master, made a replica of it, continues partially (PSYNC2) and gets the new writes.
#[test]
fn promotion_keeps_replid2_and_old_master_continues_partially() {
    let Some(old) = redis_or_skip(&["--repl-diskless-sync-delay", "0"]) else {
        return;
    };
    let mut o = old.conn();
    fill(&mut o);
    let oport = old.port.to_string();
    let u = Server::start(&["--replicaof", "127.0.0.1", &oport]);
    let mut c = u.conn();
    assert!(wait_until(Duration::from_secs(20), || role_connected(
        &mut c
    )));
    // (WAIT counts from this connection's last write: write first.)
    let _: () = q(&mut o, &["SET", "before", "promotion"]);
    sync_with(&mut o, 1);
    let oo = info(&mut o, "replication")["master_repl_offset"].clone();
    assert!(wait_until(Duration::from_secs(20), || {
        info(&mut c, "replication")["master_repl_offset"] == oo
    }));
    let old_id = info(&mut o, "replication")["master_replid"].clone();
    let _: () = q(&mut c, &["REPLICAOF", "NO", "ONE"]);
    let ui = info(&mut c, "replication");
    assert_eq!(ui["role"], "master");
    assert_eq!(ui["master_replid2"], old_id);
    assert_ne!(ui["master_replid"], old_id);
    let _: () = q(&mut c, &["SET", "promoted", "yes"]);
    let uport = u.port.to_string();
    let _: () = q(&mut o, &["REPLICAOF", "127.0.0.1", &uport]);
    assert!(wait_until(Duration::from_secs(20), || online(&mut c, 1)));
    sync_with(&mut c, 1);
    let st = info(&mut c, "stats");
    assert_eq!(st["sync_partial_ok"], "1", "{st:?}");
    assert_eq!(st["sync_full"], "0");
    let got: String = q(&mut o, &["GET", "promoted"]);
    assert_eq!(got, "yes");
    assert_eq!(dump(&mut c), dump(&mut o));
}

/// Errors of a replica whose master is unreachable, as Redis: READONLY, MASTERDOWN with
/// replica-serve-stale-data no, WAIT refused, REPLICAOF argument errors.
#[test]
fn replica_errors_match_redis() {
    common::compat_with(
        &["--replicaof", "127.0.0.1", "1"],
        &[
            &["SET", "x", "y"],
            &["GET", "x"],
            &["WAIT", "0", "0"],
            &["REPLICAOF", "127.0.0.1", "x"],
            &["REPLICAOF", "127.0.0.1", "70000"],
            &["REPLICAOF", "127.0.0.1", "1"],
            &["SLAVEOF", "127.0.0.1"],
        ],
    );
    common::compat_with(
        &[
            "--replicaof",
            "127.0.0.1",
            "1",
            "--replica-serve-stale-data",
            "no",
        ],
        &[
            &["GET", "x"],
            &["SET", "x", "y"],
            &["INFO", "nosuchsection"],
        ],
    );
}

/// min-replicas-to-write without enough good replicas: writes refused as Redis (EXEC with a
/// queued write too); a replica that ACKs makes them pass.
#[test]
fn min_replicas_to_write() {
    common::compat_with(
        &["--min-replicas-to-write", "1"],
        &[
            &["SET", "x", "y"],
            &["GET", "x"],
            &["MULTI"],
            &["SET", "x", "y"],
            &["EXEC"],
            &["MULTI"],
            &["GET", "x"],
            &["EXEC"],
        ],
    );
    let master = Server::start(&[
        "--min-replicas-to-write",
        "1",
        "--repl-diskless-sync-delay",
        "0",
    ]);
    let mut m = master.conn();
    let port = master.port.to_string();
    let Some(_replica) = redis_or_skip(&["--replicaof", "127.0.0.1", &port]) else {
        return;
    };
    assert!(wait_until(Duration::from_secs(20), || online(&mut m, 1)
        && info(&mut m, "replication")["min_slaves_good_slaves"] == "1"));
    let _: () = q(&mut m, &["SET", "x", "y"]);
    sync_with(&mut m, 1);
}

/// PUBLISH reaches the replicas' subscribers, both ways (Redis propagates it to replicas).
#[test]
fn publish_reaches_replica_subscribers() {
    let master = Server::start(&["--repl-diskless-sync-delay", "0"]);
    let mut m = master.conn();
    let port = master.port.to_string();
    let Some(rr) = redis_or_skip(&["--replicaof", "127.0.0.1", &port]) else {
        return;
    };
    assert!(wait_until(Duration::from_secs(20), || online(&mut m, 1)));
    let mut sub = rr.raw();
    sub.cmd(&[b"SUBSCRIBE", b"news"]);
    let _ = sub.read_reply();
    let _: i64 = q(&mut m, &["PUBLISH", "news", "from-uredis"]);
    let msg = sub.read_reply();
    assert!(
        String::from_utf8_lossy(&msg).contains("from-uredis"),
        "{}",
        String::from_utf8_lossy(&msg)
    );
    // The other way: a uredis replica of redis-server.
    let Some(rm) = redis_or_skip(&["--repl-diskless-sync-delay", "0"]) else {
        return;
    };
    let rport = rm.port.to_string();
    let u = Server::start(&["--replicaof", "127.0.0.1", &rport]);
    let mut uc = u.conn();
    assert!(wait_until(Duration::from_secs(20), || role_connected(
        &mut uc
    )));
    let mut usub = u.raw();
    usub.cmd(&[b"SUBSCRIBE", b"news"]);
    let _ = usub.read_reply();
    let mut rmc = rm.conn();
    let _: i64 = q(&mut rmc, &["PUBLISH", "news", "from-redis"]);
    let msg = usub.read_reply();
    assert!(
        String::from_utf8_lossy(&msg).contains("from-redis"),
        "{}",
        String::from_utf8_lossy(&msg)
    );
}

/// uredis replica of a uredis master: the write stream, then a partial resync after the
/// master kills the link.
#[test]
fn uredis_replica_of_uredis_master() {
    let master = Server::start(&["--repl-diskless-sync-delay", "0"]);
    let mut m = master.conn();
    fill(&mut m);
    let port = master.port.to_string();
    let replica = Server::start(&["--replicaof", "127.0.0.1", &port]);
    let mut r = replica.conn();
    assert!(wait_until(Duration::from_secs(20), || role_connected(
        &mut r
    )));
    stream(&master, &mut m);
    sync_with(&mut m, 1);
    assert_eq!(dump(&mut m), dump(&mut r));
    let killed: i64 = q(&mut m, &["CLIENT", "KILL", "TYPE", "replica"]);
    assert_eq!(killed, 1);
    let _: () = q(&mut m, &["SET", "after", "kill"]);
    assert!(wait_until(Duration::from_secs(20), || {
        info(&mut m, "stats")["sync_partial_ok"] == "1" && online(&mut m, 1)
    }));
    sync_with(&mut m, 1);
    assert_eq!(dump(&mut m), dump(&mut r));
    assert_eq!(info(&mut m, "stats")["sync_full"], "1");
}

/// `redis-cli --rdb` (REPLCONF rdb-only 1 + a full sync) saves a snapshot of uredis that
/// redis-check-rdb accepts.
#[test]
fn redis_cli_rdb_backup() {
    let master = Server::start(&["--repl-diskless-sync-delay", "0"]);
    let mut m = master.conn();
    fill(&mut m);
    let file = master.dir.join("backup.rdb");
    let out = std::process::Command::new("redis-cli")
        .args(["-p", &master.port.to_string(), "--rdb"])
        .arg(&file)
        .output();
    let Ok(out) = out else {
        eprintln!("note: redis-cli not installed; skipped");
        return;
    };
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let check = std::process::Command::new("redis-check-rdb")
        .arg(&file)
        .output()
        .expect("redis-check-rdb runs");
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success() && text.contains("RDB looks OK"),
        "{text}"
    );
    // The backup client is gone; no replica stays listed.
    assert!(wait_until(Duration::from_secs(10), || {
        info(&mut m, "replication")["connected_slaves"] == "0"
    }));
}
