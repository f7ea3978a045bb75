//! Full resynchronization details, end to end with the real binaries: `repl-diskless-load`
//! on a uredis replica (disabled: the RDB lands in `dbfilename`; on-empty-db; swapdb keeps the
//! old dataset when the master's RDB cannot be loaded, disabled does not), a disk-backed
//! master streaming a multi-megabyte RDB from its file to uredis and Redis replicas, and
//! `repl-backlog-ttl` freeing a master's backlog (uredis and Redis side by side). Waits are
//! polled with generous deadlines; nothing asserts a duration.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use common::{Server, query as q, wait_until};

const DEADLINE: Duration = Duration::from_secs(60);

fn info(c: &mut redis::Connection) -> BTreeMap<String, String> {
    let text: String = q(c, &["INFO", "replication"]);
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
}

fn synced(master: &Server, replica: &Server) -> bool {
    let mi = info(&mut master.conn());
    let ri = info(&mut replica.conn());
    ri.get("master_link_status").map(String::as_str) == Some("up")
        && mi.get("slave0").is_some_and(|s| s.contains("state=online"))
        && ri.get("slave_repl_offset") == mi.get("master_repl_offset")
}

fn fill(c: &mut redis::Connection, n: usize, size: usize) {
    let mut p = redis::pipe();
    for i in 0..n {
        let v = format!("{i:0size$}");
        p.cmd("SET").arg(format!("k{i}")).arg(v).ignore();
    }
    let _: () = p.query(c).unwrap();
}

#[test]
fn diskless_load_modes_end_with_the_masters_data() {
    // (mode, the replica has data of its own, the RDB goes through the disk)
    for (mode, prefill, disk) in [
        ("disabled", true, true),
        ("on-empty-db", true, true),
        ("on-empty-db", false, false),
        ("swapdb", true, false),
    ] {
        let master = Server::start(&["--repl-diskless-sync-delay", "0"]);
        let mut m = master.conn();
        fill(&mut m, 200, 100);
        let _: () = q(&mut m, &["SELECT", "5"]);
        let _: () = q(&mut m, &["SET", "in5", "x"]);
        let replica = Server::start(&["--repl-diskless-load", mode]);
        let mut r = replica.conn();
        // Data of its own, replaced by the master's.
        if prefill {
            let _: () = q(&mut r, &["SET", "old", "1"]);
        }
        let _: () = q(
            &mut r,
            &["REPLICAOF", "127.0.0.1", &master.port.to_string()],
        );
        assert!(
            wait_until(DEADLINE, || synced(&master, &replica)),
            "{mode}: no sync: {:?}",
            info(&mut r)
        );
        let n: i64 = q(&mut r, &["DBSIZE"]);
        assert_eq!(n, 200, "{mode}");
        let old: Option<String> = q(&mut r, &["GET", "old"]);
        assert_eq!(old, None, "{mode}");
        let v: String = q(&mut r, &["GET", "k7"]);
        assert_eq!(v, format!("{:0100}", 7), "{mode}");
        let _: () = q(&mut r, &["SELECT", "5"]);
        let v: String = q(&mut r, &["GET", "in5"]);
        assert_eq!(v, "x", "{mode}");
        let files: Vec<String> = std::fs::read_dir(&replica.dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .collect();
        assert!(
            !files.iter().any(|f| f.starts_with("temp-")),
            "{mode}: temp file left: {files:?}"
        );
        // As Redis, a disk-based load leaves the master's RDB as our dbfilename.
        assert_eq!(
            files.iter().any(|f| f == "dump.rdb"),
            disk,
            "{mode}: {files:?}"
        );
    }
}

/// A fake master that completes the handshake and sends an RDB that cannot be loaded.
fn bad_master() -> (u16, std::thread::JoinHandle<()>) {
    let id = "a".repeat(40);
    let bad = b"REDIS0009\xfa\x03bad";
    let mut reply = format!("+FULLRESYNC {id} 0\r\n${}\r\n", bad.len()).into_bytes();
    reply.extend_from_slice(bad);
    fake_master(reply, false)
}

/// A fake master: answers the handshake, then sends `reply` to PSYNC (one byte per write
/// when `bytewise`), then keeps the connection until the replica closes it.
fn fake_master(reply: Vec<u8>, bytewise: bool) -> (u16, std::thread::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let Ok((mut s, _)) = l.accept() else { return };
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut got = Vec::new();
        let mut wait_for = |s: &mut std::net::TcpStream, what: &[u8]| {
            while !got.windows(what.len()).any(|w| w == what) {
                let mut b = [0u8; 4096];
                match s.read(&mut b) {
                    Ok(n) if n > 0 => got.extend_from_slice(&b[..n]),
                    _ => return false,
                }
            }
            got.clear();
            true
        };
        if !wait_for(&mut s, b"PING") {
            return;
        }
        let _ = s.write_all(b"+PONG\r\n");
        if !wait_for(&mut s, b"psync2") {
            return;
        }
        let _ = s.write_all(b"+OK\r\n+OK\r\n");
        if !wait_for(&mut s, b"PSYNC") {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
        let _ = s.set_nodelay(true);
        if bytewise {
            for b in &reply {
                if s.write_all(std::slice::from_ref(b)).is_err() {
                    return;
                }
            }
        } else {
            let _ = s.write_all(&reply);
        }
        // Keep the socket until the replica gives up on it.
        let mut b = [0u8; 1024];
        while matches!(s.read(&mut b), Ok(n) if n > 0) {}
    });
    (port, h)
}

#[test]
fn swapdb_keeps_the_old_dataset_when_the_load_fails() {
    for (mode, kept) in [("swapdb", true), ("disabled", false)] {
        let replica = Server::start(&["--repl-diskless-load", mode]);
        let mut r = replica.conn();
        let _: () = q(&mut r, &["SET", "old", "1"]);
        let (port, h) = bad_master();
        let _: () = q(&mut r, &["REPLICAOF", "127.0.0.1", &port.to_string()]);
        // The fake master serves one connection; the replica closes it after the failed load.
        let _ = h.join();
        let _: () = q(&mut r, &["REPLICAOF", "NO", "ONE"]);
        let old: Option<String> = q(&mut r, &["GET", "old"]);
        assert_eq!(old.is_some(), kept, "{mode}");
        assert_ne!(
            info(&mut r).get("master_replid").map(String::as_str),
            Some("a".repeat(40).as_str()),
            "{mode}: the failed sync must not adopt the master's id"
        );
    }
}

/// The EOF form of the payload with stream commands right after the mark, in the same
/// write or one byte per write: every load mode finds the mark and applies the stream.
#[test]
fn eof_marked_payload_followed_by_the_stream() {
    for (mode, bytewise) in [
        ("disabled", false),
        ("disabled", true),
        ("swapdb", true),
        ("on-empty-db", false),
    ] {
        let mark = "0123456789abcdefghij0123456789abcdefghij";
        // An empty RDB: header, EOF opcode, a zero checksum (not checked).
        let mut rdb = b"REDIS0009\xff".to_vec();
        rdb.extend_from_slice(&[0u8; 8]);
        let mut reply = format!("+FULLRESYNC {} 0\r\n$EOF:{mark}\r\n", "b".repeat(40)).into_bytes();
        reply.extend_from_slice(&rdb);
        reply.extend_from_slice(mark.as_bytes());
        reply.extend_from_slice(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nafter\r\n");
        let replica = Server::start(&["--repl-diskless-load", mode]);
        let mut r = replica.conn();
        let (port, _h) = fake_master(reply, bytewise);
        let _: () = q(&mut r, &["REPLICAOF", "127.0.0.1", &port.to_string()]);
        assert!(
            wait_until(DEADLINE, || {
                q::<Option<String>>(&mut r, &["GET", "k"]).as_deref() == Some("after")
            }),
            "{mode} bytewise={bytewise}: {:?}",
            info(&mut r)
        );
        let i = info(&mut r);
        assert_eq!(i["master_link_status"], "up");
        assert_eq!(i["master_replid"], "b".repeat(40));
        // The SET's 31 bytes were counted into the offset.
        assert_eq!(i["slave_repl_offset"], "31", "{mode}");
        let _: () = q(&mut r, &["REPLICAOF", "NO", "ONE"]);
    }
}

#[test]
fn disk_backed_master_streams_a_big_rdb() {
    // ~12 MB of values: several chunks of the file streamed to each replica.
    let master = Server::start(&["--repl-diskless-sync", "no"]);
    let mut m = master.conn();
    for batch in 0..6 {
        let mut p = redis::pipe();
        for i in 0..100 {
            let k = batch * 100 + i;
            p.cmd("SET")
                .arg(format!("big{k}"))
                .arg(vec![b'a' + (k % 26) as u8; 20_000])
                .ignore();
        }
        let _: () = p.query(&mut m).unwrap();
    }
    let ours = Server::start(&[]);
    let mut replicas = vec![ours];
    if let Some(r) = common::redis_or_skip(&[]) {
        replicas.push(r);
    }
    for r in &replicas {
        let _: () = q(
            &mut r.conn(),
            &["REPLICAOF", "127.0.0.1", &master.port.to_string()],
        );
    }
    // Written while the RDB is produced or streamed: kept and sent after it.
    let _: () = q(&mut m, &["SET", "during", "1"]);
    for r in &replicas {
        let mut c = r.conn();
        assert!(
            wait_until(DEADLINE, || {
                let i = info(&mut c);
                i.get("master_link_status").map(String::as_str) == Some("up")
                    && q::<Option<String>>(&mut c, &["GET", "during"]).is_some()
            }),
            "replica on {} did not sync: {:?}",
            r.port,
            info(&mut c)
        );
        let n: i64 = q(&mut c, &["DBSIZE"]);
        assert_eq!(n, 601);
        let v: Vec<u8> = q(&mut c, &["GET", "big599"]);
        assert_eq!(v, vec![b'a' + (599 % 26) as u8; 20_000]);
    }
    let _: () = q(&mut m, &["SET", "after", "2"]);
    for r in &replicas {
        let mut c = r.conn();
        assert!(wait_until(DEADLINE, || q::<Option<String>>(
            &mut c,
            &["GET", "after"]
        )
        .is_some()));
    }
}

#[test]
fn backlog_ttl_frees_the_backlog_like_redis() {
    let mut servers = vec![(Server::start(&[]), Server::start(&[]))];
    if let Some(rm) = common::redis_or_skip(&[]) {
        servers.push((rm, Server::start_redis(&[]).expect("redis replica")));
    }
    for (master, replica) in &servers {
        let mut m = master.conn();
        let _: () = q(&mut m, &["CONFIG", "SET", "repl-backlog-ttl", "1"]);
        let mut r = replica.conn();
        let _: () = q(
            &mut r,
            &["REPLICAOF", "127.0.0.1", &master.port.to_string()],
        );
        assert!(wait_until(DEADLINE, || synced(master, replica)));
        let id = info(&mut m)["master_replid"].clone();
        assert_eq!(info(&mut m)["repl_backlog_active"], "1");
        let _: () = q(&mut r, &["REPLICAOF", "NO", "ONE"]);
        assert!(
            wait_until(DEADLINE, || {
                let i = info(&mut m);
                i["repl_backlog_active"] == "0" && i["master_replid"] != id
            }),
            "backlog not freed on {}: {:?}",
            master.port,
            info(&mut m)
        );
        // A replica attaching again gets a full sync with the new id.
        let _: () = q(
            &mut r,
            &["REPLICAOF", "127.0.0.1", &master.port.to_string()],
        );
        assert!(wait_until(DEADLINE, || synced(master, replica)));
        assert_eq!(info(&mut m)["repl_backlog_active"], "1");
    }
}
