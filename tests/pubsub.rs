//! Pub/Sub end to end: multi-connection replays compared byte for byte with redis-server
//! (RESP2 and RESP3, channels, patterns, shard channels, keyspace notifications, expiry),
//! configuration distribution with the `redis` crate, PUBSUB counts after connection churn,
//! and client-output-buffer-limit disconnecting a subscriber that never reads.

mod common;

use std::thread;
use std::time::Duration;

use common::{Raw, Server, redis_or_skip, show, wait_until};

/// One step of a multi-connection script.
#[derive(Clone, Copy)]
enum Step<'a> {
    /// Sends a command on connection `n` and reads one reply.
    Call(usize, &'a [&'a str]),
    /// Sends a command on connection `n` without reading.
    Send(usize, &'a [&'a str]),
    /// Reads `count` replies (or pushes) on connection `n`.
    Read(usize, usize),
    /// HELLO 3 on connection `n`; the reply (it holds the client id) is not compared.
    Hello3(usize),
    /// Sleeps (lets a key expire).
    Sleep(u64),
}

use Step::*;

fn run_steps(conns: &mut [Raw], steps: &[Step]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        match *s {
            Call(n, args) => {
                let r = conns[n].call(args);
                out.push((format!("step {i}: conn {n} {args:?}"), r));
            }
            Send(n, args) => {
                let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
                conns[n].cmd(&a);
            }
            Read(n, count) => {
                let r = conns[n].replies(count);
                out.push((format!("step {i}: conn {n} read {count}"), r));
            }
            Hello3(n) => {
                conns[n].call(&["HELLO", "3"]);
            }
            Sleep(ms) => thread::sleep(Duration::from_millis(ms)),
        }
    }
    out
}

/// Runs `steps` over `nconns` connections to uredis and to redis-server (both started with
/// `extra`) and asserts every reply read is byte-for-byte identical. Returns the uredis
/// replies, or None if redis-server is not installed (then the script still runs on uredis).
fn compat_multi(extra: &[&str], nconns: usize, steps: &[Step]) -> Vec<(String, Vec<u8>)> {
    let ours = Server::start(extra);
    let mut a: Vec<Raw> = (0..nconns).map(|_| ours.raw()).collect();
    let got = run_steps(&mut a, steps);
    if let Some(redis) = redis_or_skip(extra) {
        let mut b: Vec<Raw> = (0..nconns).map(|_| redis.raw()).collect();
        let want = run_steps(&mut b, steps);
        for ((what, g), (_, w)) in got.iter().zip(&want) {
            assert_eq!(
                show(g, 2000),
                show(w, 2000),
                "{what}: replies differ (left: uredis, right: redis-server)"
            );
        }
    }
    got
}

#[test]
fn channels_and_patterns_resp2() {
    let got = compat_multi(
        &[],
        3,
        &[
            Send(0, &["SUBSCRIBE", "news", "sport", "news"]),
            Read(0, 3),
            Call(1, &["PUBLISH", "news", "hello"]),
            Read(0, 1),
            Call(1, &["PUBLISH", "weather", "nobody"]),
            Call(1, &["PUBSUB", "NUMSUB", "news", "sport", "weather"]),
            // A channel subscriber and a pattern subscriber on another connection.
            Call(2, &["PSUBSCRIBE", "n*"]),
            Call(1, &["PUBLISH", "news", "both"]),
            Read(0, 1),
            Read(2, 1),
            // Channel first, then the pattern, on one connection.
            Call(0, &["PSUBSCRIBE", "s?ort"]),
            Call(1, &["PUBLISH", "sport", "goal"]),
            Read(0, 2),
            Call(1, &["PUBSUB", "NUMPAT"]),
            Call(1, &["PUBSUB", "CHANNELS", "s*"]),
            Call(0, &["UNSUBSCRIBE", "sport"]),
            Call(1, &["PUBLISH", "sport", "pattern only"]),
            Read(0, 1),
            Call(0, &["PUNSUBSCRIBE"]),
            Call(0, &["UNSUBSCRIBE"]),
            Call(0, &["PING"]),
            Call(1, &["PUBSUB", "NUMSUB", "news", "sport"]),
            Call(1, &["PUBLISH", "news", "last"]),
            Read(2, 1),
            // Binary-safe channel and message.
            Call(0, &["SUBSCRIBE", "bin\r\nchan"]),
            Call(1, &["PUBLISH", "bin\r\nchan", "a\0b\r\n"]),
            Read(0, 1),
            // QUIT while subscribed.
            Call(2, &["QUIT"]),
        ],
    );
    assert!(
        got.iter()
            .any(|(_, r)| r == b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n"),
        "the subscriber got the message"
    );
}

#[test]
fn resp3_push_frames_and_self_delivery() {
    let got = compat_multi(
        &[],
        2,
        &[
            Hello3(0),
            Call(0, &["SUBSCRIBE", "me"]),
            // The push to itself comes before PUBLISH's own reply.
            Send(0, &["PUBLISH", "me", "to myself"]),
            Read(0, 2),
            Call(0, &["PSUBSCRIBE", "m*"]),
            Send(0, &["PUBLISH", "me", "twice"]),
            Read(0, 3),
            Call(1, &["PUBLISH", "me", "from other"]),
            Read(0, 2),
            Call(0, &["SSUBSCRIBE", "sh"]),
            Send(0, &["SPUBLISH", "sh", "shard"]),
            Read(0, 2),
            Call(1, &["SPUBLISH", "sh", "shard2"]),
            Read(0, 1),
            Call(0, &["SET", "k", "v"]),
            Call(0, &["GET", "k"]),
            Call(0, &["UNSUBSCRIBE", "me", "other"]),
            Read(0, 1),
            Call(0, &["PUNSUBSCRIBE"]),
            Call(0, &["SUNSUBSCRIBE"]),
            Call(0, &["UNSUBSCRIBE"]),
            Call(0, &["PING"]),
        ],
    );
    assert!(
        got.iter()
            .any(|(_, r)| r == b">3\r\n$7\r\nmessage\r\n$2\r\nme\r\n$9\r\nto myself\r\n:1\r\n")
    );
}

/// Big messages (shared between subscribers rather than copied) interleaved with small ones,
/// to RESP2 and RESP3 subscribers, on a channel and a pattern.
#[test]
fn big_and_small_messages_keep_their_order() {
    let big = "b".repeat(10_000);
    let huge = "h".repeat(300_000);
    let got = compat_multi(
        &[],
        3,
        &[
            Call(0, &["SUBSCRIBE", "ch"]),
            Hello3(1),
            Call(1, &["SUBSCRIBE", "ch"]),
            Call(1, &["PSUBSCRIBE", "c*"]),
            Call(2, &["PUBLISH", "ch", "small 1"]),
            Call(2, &["PUBLISH", "ch", &big]),
            Call(2, &["PUBLISH", "ch", "small 2"]),
            Call(2, &["PUBLISH", "ch", &huge]),
            Call(2, &["PUBLISH", "ch", "small 3"]),
            Read(0, 5),
            Read(1, 10),
            // The publisher itself, in RESP3, gets its big message before PUBLISH's reply.
            Hello3(2),
            Call(2, &["SUBSCRIBE", "ch"]),
            Send(2, &["PUBLISH", "ch", &big]),
            Read(2, 2),
            Read(0, 1),
            Read(1, 2),
        ],
    );
    assert!(got.iter().any(|(_, r)| r.len() > 2 * 300_000));
}

/// Confirmations and messages are pushes: Redis delivers them under CLIENT REPLY OFF/SKIP.
#[test]
fn pushes_survive_client_reply_off_and_skip() {
    compat_multi(
        &[],
        2,
        &[
            Send(0, &["CLIENT", "REPLY", "OFF"]),
            Send(0, &["SUBSCRIBE", "x"]),
            Read(0, 1),
            Call(1, &["PUBLISH", "x", "m"]),
            Read(0, 1),
            Send(0, &["UNSUBSCRIBE"]),
            Read(0, 1),
            Send(0, &["CLIENT", "REPLY", "ON"]),
            Read(0, 1),
            Send(0, &["CLIENT", "REPLY", "SKIP"]),
            Send(0, &["SUBSCRIBE", "y"]),
            Read(0, 1),
            Call(0, &["PING"]),
            Call(0, &["UNSUBSCRIBE"]),
            // RESP3: its own message is pushed, PUBLISH's reply is not.
            Hello3(1),
            Send(1, &["CLIENT", "REPLY", "OFF"]),
            Send(1, &["SUBSCRIBE", "z"]),
            Read(1, 1),
            Send(1, &["PUBLISH", "z", "self"]),
            Read(1, 1),
            Send(1, &["CLIENT", "REPLY", "ON"]),
            Read(1, 1),
            Call(1, &["PUBLISH", "z", "again"]),
            Read(1, 1),
        ],
    );
}

#[test]
fn sharded_pubsub() {
    compat_multi(
        &[],
        2,
        &[
            Send(0, &["SSUBSCRIBE", "a", "b"]),
            Read(0, 2),
            Call(0, &["SUBSCRIBE", "c"]),
            Call(1, &["SPUBLISH", "a", "m1"]),
            Read(0, 1),
            // PUBLISH and SPUBLISH are separate namespaces.
            Call(1, &["PUBLISH", "a", "not delivered"]),
            Call(1, &["SPUBLISH", "c", "not delivered"]),
            Call(1, &["PUBSUB", "SHARDNUMSUB", "a", "b", "c"]),
            Call(1, &["PUBSUB", "SHARDCHANNELS", "a*"]),
            Call(1, &["PUBSUB", "NUMSUB", "a", "c"]),
            Send(0, &["SUNSUBSCRIBE", "a", "nosuch"]),
            Read(0, 2),
            Call(0, &["SUNSUBSCRIBE"]),
            Call(0, &["PING"]),
            Call(0, &["UNSUBSCRIBE"]),
            Call(0, &["PING"]),
            Call(1, &["PUBSUB", "SHARDNUMSUB", "a", "b"]),
            // SSUBSCRIBE is refused inside a transaction, SUBSCRIBE is not.
            Call(1, &["MULTI"]),
            Call(1, &["SUBSCRIBE", "x"]),
            Call(1, &["SSUBSCRIBE", "y"]),
            Call(1, &["EXEC"]),
            Call(1, &["PING"]),
        ],
    );
}

#[test]
fn keyspace_notifications_and_expiry() {
    compat_multi(
        &[],
        2,
        &[
            Call(1, &["CONFIG", "SET", "notify-keyspace-events", "KEA"]),
            Call(0, &["PSUBSCRIBE", "__key*@0__:*"]),
            Call(1, &["SET", "k", "v"]),
            Read(0, 2),
            Call(1, &["EXPIRE", "k", "100"]),
            Read(0, 2),
            Call(1, &["DEL", "k", "nosuch"]),
            Read(0, 2),
            // Lazy expiry: the key is found expired on access.
            Call(1, &["DEBUG", "SET-ACTIVE-EXPIRE", "0"]),
            Call(1, &["SET", "lazy", "v", "PX", "1"]),
            Read(0, 4),
            Sleep(30),
            Call(1, &["GET", "lazy"]),
            Read(0, 2),
            // Active expiry: the cron deletes it without any access.
            Call(1, &["DEBUG", "SET-ACTIVE-EXPIRE", "1"]),
            Call(1, &["SET", "active", "v", "PX", "1"]),
            Read(0, 4),
            Read(0, 2),
            // Only keyevents of class g from now on.
            Call(1, &["CONFIG", "SET", "notify-keyspace-events", "Eg"]),
            Call(1, &["SET", "k2", "v"]),
            Call(1, &["DEL", "k2"]),
            Read(0, 1),
            // Another database.
            Call(1, &["SELECT", "3"]),
            Call(1, &["SET", "k3", "v"]),
            Call(1, &["DEL", "k3"]),
            Call(1, &["CONFIG", "SET", "notify-keyspace-events", ""]),
            Call(1, &["SELECT", "0"]),
            Call(1, &["SET", "k4", "v"]),
            Call(1, &["DEL", "k4"]),
            Call(0, &["PUNSUBSCRIBE"]),
        ],
    );
}

/// RESP3 client subscribed to its own keyspace events: the events come before the reply of
/// the command that caused them.
#[test]
fn keyspace_events_to_self_resp3() {
    compat_multi(
        &["--notify-keyspace-events", "KEA"],
        1,
        &[
            Hello3(0),
            Call(0, &["SUBSCRIBE", "__keyevent@0__:set"]),
            Send(0, &["SET", "a", "1"]),
            Read(0, 2),
            Call(0, &["DEL", "a"]),
            // Inside EXEC the push lands between the transaction's replies, as in Redis.
            Call(0, &["MULTI"]),
            Call(0, &["SET", "b", "1"]),
            Call(0, &["INCR", "b"]),
            Send(0, &["EXEC"]),
            Read(0, 2),
        ],
    );
}

/// A reply of a RESP2 subscriber as (kind, channel, payload).
fn read_message(r: &mut Raw) -> Vec<u8> {
    r.read_reply()
}

/// A subscriber connection of the `redis` crate on `channel`, with its client id. Leaked so
/// the `PubSub` (which unsubscribes when dropped) lives for the whole test.
fn subscriber(client: &redis::Client, channel: &str) -> (i64, redis::PubSub<'static>) {
    let c: &'static mut redis::Connection = Box::leak(Box::new(client.get_connection().unwrap()));
    let id: i64 = redis::cmd("CLIENT").arg("ID").query(c).unwrap();
    let mut p = c.as_pubsub();
    p.subscribe(channel).unwrap();
    p.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    (id, p)
}

fn publish(admin: &mut redis::Connection, channel: &str, msg: &str) -> i64 {
    redis::cmd("PUBLISH")
        .arg(channel)
        .arg(msg)
        .query(admin)
        .unwrap()
}

fn numsub(admin: &mut redis::Connection, channel: &str) -> i64 {
    let v: (String, i64) = redis::cmd("PUBSUB")
        .arg("NUMSUB")
        .arg(channel)
        .query(admin)
        .unwrap();
    v.1
}

/// Several processes follow a configuration channel; one is killed, reconnects, subscribes
/// again and gets the next update like the others.
#[test]
fn configuration_distribution() {
    let srv = Server::start(&[]);
    let client = redis::Client::open(format!("redis://{}/", srv.addr())).unwrap();
    const N: usize = 5;
    let mut subs: Vec<(i64, redis::PubSub<'static>)> =
        (0..N).map(|_| subscriber(&client, "config")).collect();
    let mut admin = srv.conn();
    assert_eq!(publish(&mut admin, "config", "v1"), N as i64);
    for (_, p) in &mut subs {
        let m = p.get_message().unwrap();
        assert_eq!(m.get_channel_name(), "config");
        assert_eq!(m.get_payload::<String>().unwrap(), "v1");
    }
    // Kill one subscriber; the others stay.
    let killed: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("ID")
        .arg(subs[2].0)
        .query(&mut admin)
        .unwrap();
    assert_eq!(killed, 1);
    let (_, mut dead) = subs.remove(2);
    assert!(dead.get_message().is_err(), "killed subscriber sees EOF");
    std::mem::forget(dead);
    assert_eq!(numsub(&mut admin, "config"), N as i64 - 1);
    assert_eq!(publish(&mut admin, "config", "v2"), N as i64 - 1);
    for (_, p) in &mut subs {
        assert_eq!(
            p.get_message().unwrap().get_payload::<String>().unwrap(),
            "v2"
        );
    }
    // It reconnects and subscribes again, then gets the next publish with everyone else.
    subs.push(subscriber(&client, "config"));
    assert_eq!(numsub(&mut admin, "config"), N as i64);
    assert_eq!(publish(&mut admin, "config", "v3"), N as i64);
    for (_, p) in &mut subs {
        assert_eq!(
            p.get_message().unwrap().get_payload::<String>().unwrap(),
            "v3"
        );
    }
}

fn info_field(admin: &mut Raw, field: &str) -> i64 {
    let info = admin.call(&["INFO", "stats"]);
    let text = String::from_utf8_lossy(&info).to_string();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in INFO stats"))
}

#[test]
fn pubsub_counts_after_churn() {
    let srv = Server::start(&[]);
    let mut admin = srv.raw();
    let mut conns = Vec::new();
    for i in 0..60 {
        let mut r = srv.raw();
        r.call(&["SUBSCRIBE", &format!("c{}", i % 6)]);
        r.call(&["PSUBSCRIBE", &format!("p{}*", i % 4)]);
        r.call(&["SSUBSCRIBE", &format!("s{}", i % 5)]);
        conns.push(r);
    }
    // Every other connection goes away; of the rest, a third unsubscribes explicitly.
    let mut kept = Vec::new();
    for (i, mut r) in conns.into_iter().enumerate() {
        if i % 2 == 0 {
            drop(r);
            continue;
        }
        if i % 3 == 0 {
            r.call(&["UNSUBSCRIBE"]);
            r.call(&["PUNSUBSCRIBE"]);
            r.call(&["SUNSUBSCRIBE"]);
        }
        kept.push((i, r));
    }
    let subscribed: Vec<usize> = kept
        .iter()
        .map(|(i, _)| *i)
        .filter(|i| i % 3 != 0)
        .collect();
    let mut chans = [0i64; 6];
    let mut shards = [0i64; 5];
    let mut pats = std::collections::BTreeSet::new();
    for &i in &subscribed {
        chans[i % 6] += 1;
        shards[i % 5] += 1;
        pats.insert(i % 4);
    }
    let mut want = "*12\r\n".to_string();
    for (k, n) in chans.iter().enumerate() {
        want.push_str(&format!("$2\r\nc{k}\r\n:{n}\r\n"));
    }
    let numsub = &["PUBSUB", "NUMSUB", "c0", "c1", "c2", "c3", "c4", "c5"];
    assert!(
        wait_until(Duration::from_secs(10), || admin.call(numsub)
            == want.as_bytes()),
        "NUMSUB: {} want {want}",
        show(&admin.call(numsub), 500)
    );
    let mut want_s = "*10\r\n".to_string();
    for (k, n) in shards.iter().enumerate() {
        want_s.push_str(&format!("$2\r\ns{k}\r\n:{n}\r\n"));
    }
    let r = admin.call(&["PUBSUB", "SHARDNUMSUB", "s0", "s1", "s2", "s3", "s4"]);
    assert_eq!(show(&r, 500), show(want_s.as_bytes(), 500));
    let r = admin.call(&["PUBSUB", "NUMPAT"]);
    assert_eq!(r, format!(":{}\r\n", pats.len()).as_bytes());
    let active = chans.iter().filter(|&&n| n > 0).count() as i64;
    assert_eq!(info_field(&mut admin, "pubsub_channels"), active);
    assert_eq!(info_field(&mut admin, "pubsub_patterns"), pats.len() as i64);
    let active_s = shards.iter().filter(|&&n| n > 0).count() as i64;
    assert_eq!(info_field(&mut admin, "pubsubshard_channels"), active_s);
    // PUBLISH counts channel and pattern receivers.
    let r = admin.call(&["PUBLISH", "c1", "x"]);
    assert_eq!(r, format!(":{}\r\n", chans[1]).as_bytes());
    let p1 = subscribed.iter().filter(|&&i| i % 4 == 1).count();
    let r = admin.call(&["PUBLISH", "p1-chan", "x"]);
    assert_eq!(r, format!(":{p1}\r\n").as_bytes());
    // Everyone leaves: nothing is left.
    drop(kept);
    assert!(wait_until(Duration::from_secs(10), || {
        info_field(&mut admin, "pubsub_channels") == 0
            && info_field(&mut admin, "pubsub_patterns") == 0
            && info_field(&mut admin, "pubsubshard_channels") == 0
    }));
    assert_eq!(
        admin.call(&["PUBSUB", "CHANNELS"]),
        b"*0\r\n",
        "no channel left"
    );
}

#[test]
fn unsubscribe_all_confirms_each_channel() {
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    r.cmd(&[b"SUBSCRIBE", b"a", b"b", b"c"]);
    r.replies(3);
    r.call(&["PSUBSCRIBE", "p*"]);
    r.cmd(&[b"UNSUBSCRIBE"]);
    let got = r.replies(3);
    let text = String::from_utf8_lossy(&got).to_string();
    for ch in ["a", "b", "c"] {
        assert!(text.contains(&format!("$1\r\n{ch}\r\n")), "{text}");
    }
    // The running count ends at the pattern still subscribed.
    assert!(text.ends_with(":1\r\n"), "{text}");
    assert!(text.contains(":3\r\n") && text.contains(":2\r\n"), "{text}");
    // Still subscribed (to the pattern): other commands are refused.
    let e = r.call(&["GET", "x"]);
    assert!(
        e.starts_with(b"-ERR Can't execute 'get'"),
        "{}",
        show(&e, 200)
    );
    assert_eq!(
        r.call(&["PUNSUBSCRIBE"]),
        b"*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n"
    );
    assert_eq!(r.call(&["GET", "x"]), b"$-1\r\n");
}

#[test]
fn client_list_and_kill_by_type() {
    let srv = Server::start(&[]);
    let mut admin = srv.raw();
    let mut sub = srv.raw();
    sub.call(&["CLIENT", "SETNAME", "subscriber"]);
    sub.cmd(&[b"SUBSCRIBE", b"a", b"b"]);
    sub.replies(2);
    sub.call(&["PSUBSCRIBE", "p*"]);
    sub.call(&["SSUBSCRIBE", "s"]);
    let list = admin.call(&["CLIENT", "LIST"]);
    let text = String::from_utf8_lossy(&list).to_string();
    let line = text
        .lines()
        .find(|l| l.contains("name=subscriber"))
        .expect("subscriber listed");
    assert!(line.contains(" flags=P "), "{line}");
    assert!(line.contains(" sub=2 psub=1 ssub=1 "), "{line}");
    assert!(line.contains(" cmd=ssubscribe "), "{line}");
    let list = admin.call(&["CLIENT", "LIST", "TYPE", "pubsub"]);
    assert!(String::from_utf8_lossy(&list).contains("name=subscriber"));
    let list = admin.call(&["CLIENT", "LIST", "TYPE", "normal"]);
    assert!(!String::from_utf8_lossy(&list).contains("name=subscriber"));
    assert_eq!(admin.call(&["CLIENT", "KILL", "TYPE", "pubsub"]), b":1\r\n");
    assert!(sub.is_closed());
    assert_eq!(admin.call(&["PUBSUB", "NUMPAT"]), b":0\r\n");
    // RESET leaves subscribed mode and drops the subscriptions.
    let mut c = srv.raw();
    c.call(&["SUBSCRIBE", "x"]);
    assert_eq!(c.call(&["RESET"]), b"+RESET\r\n");
    assert_eq!(c.call(&["PING"]), b"+PONG\r\n");
    assert_eq!(admin.call(&["PUBLISH", "x", "m"]), b":0\r\n");
}

/// Starts a subscriber on `channel` that reads every message in a thread; returns how many
/// messages it read once it has seen `stop`.
fn reader(srv: &Server, channel: &'static str, stop: &'static str) -> thread::JoinHandle<usize> {
    let mut r = srv.raw();
    r.call(&["SUBSCRIBE", channel]);
    thread::spawn(move || {
        let mut n = 0;
        loop {
            let m = read_message(&mut r);
            if m.ends_with(format!("{stop}\r\n").as_bytes()) {
                return n;
            }
            n += 1;
        }
    })
}

/// Sets a small receive buffer so that a subscriber that never reads fills up sooner.
fn small_rcvbuf(r: &Raw) {
    use std::os::fd::AsRawFd;
    let v: libc::c_int = 4096;
    // SAFETY: setsockopt on a socket we own with a pointer to a live int and its size.
    unsafe {
        libc::setsockopt(
            r.s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            &v as *const libc::c_int as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as u32,
        );
    }
}

/// A subscriber that never reads is disconnected at the hard limit; the others get every
/// message.
#[test]
fn slow_subscriber_hits_hard_limit() {
    // 4 MB of slack for the reading subscriber: on a busy 2-core machine its thread can fall
    // behind for a while; the slow one (4 KiB window) passes the limit anyway.
    let srv = Server::start(&["--client-output-buffer-limit", "pubsub 4mb 2mb 60"]);
    let mut slow = srv.raw();
    small_rcvbuf(&slow);
    slow.call(&["CLIENT", "SETNAME", "slow"]);
    slow.call(&["SUBSCRIBE", "feed"]);
    let fast = reader(&srv, "feed", "STOP");
    let mut publisher = srv.raw();
    let payload = "x".repeat(16 * 1024);
    const MESSAGES: usize = 800; // 12.8 MB: far more than the socket buffers hold
    let mut receivers = Vec::new();
    for _ in 0..MESSAGES {
        receivers.push(publisher.call(&["PUBLISH", "feed", &payload]));
    }
    // Its subscription went with it.
    assert_eq!(
        publisher.call(&["PUBSUB", "NUMSUB", "feed"]),
        b"*2\r\n$4\r\nfeed\r\n:1\r\n"
    );
    publisher.call(&["PUBLISH", "feed", "STOP"]);
    assert_eq!(
        fast.join().unwrap(),
        MESSAGES,
        "the reading subscriber got everything"
    );
    // The slow one was counted while connected, then dropped: 2 receivers, later 1.
    assert_eq!(receivers[0], b":2\r\n");
    assert_eq!(receivers[MESSAGES - 1], b":1\r\n");
    let list = publisher.call(&["CLIENT", "LIST"]);
    assert!(!String::from_utf8_lossy(&list).contains("name=slow"));
    // (Reading what it was sent before the limit through a 4 KiB window would take long.)
    drop(slow);
}

/// Over the soft limit for longer than its seconds: disconnected at a later publish.
#[test]
fn slow_subscriber_hits_soft_limit() {
    let srv = Server::start(&["--client-output-buffer-limit", "pubsub 0 256kb 1"]);
    let mut slow = srv.raw();
    small_rcvbuf(&slow);
    slow.call(&["SUBSCRIBE", "feed"]);
    let mut publisher = srv.raw();
    let payload = "y".repeat(64 * 1024);
    // No hard limit: one burst never disconnects by itself...
    for _ in 0..200 {
        publisher.call(&["PUBLISH", "feed", &payload]);
    }
    // ...but staying above the soft limit does, at a later publish.
    assert!(wait_until(Duration::from_secs(20), || {
        publisher.call(&["PUBLISH", "feed", "tick"]) == b":0\r\n"
    }));
    assert_eq!(
        publisher.call(&["PUBSUB", "NUMSUB", "feed"]),
        b"*2\r\n$4\r\nfeed\r\n:0\r\n"
    );
}

/// CLIENT LIST `omem` grows with the messages a subscriber does not read (Redis's own test).
#[test]
fn omem_grows_for_unread_messages() {
    let srv = Server::start(&["--client-output-buffer-limit", "pubsub 100000 0 0"]);
    let mut sub = srv.raw();
    small_rcvbuf(&sub);
    sub.call(&["CLIENT", "SETNAME", "sub"]);
    sub.call(&["SUBSCRIBE", "foo"]);
    let mut admin = srv.raw();
    let mut max_omem = 0u64;
    let payload = "z".repeat(1000);
    for _ in 0..50_000 {
        admin.call(&["PUBLISH", "foo", &payload]);
        let list = String::from_utf8_lossy(&admin.call(&["CLIENT", "LIST"])).to_string();
        let Some(line) = list.lines().find(|l| l.contains("name=sub")) else {
            break;
        };
        let omem: u64 = line
            .split(' ')
            .find_map(|f| f.strip_prefix("omem="))
            .and_then(|v| v.parse().ok())
            .unwrap();
        max_omem = max_omem.max(omem);
    }
    assert!(
        max_omem > 0 && max_omem < 100_000,
        "omem grew up to the hard limit, then the client was closed: {max_omem}"
    );
}

/// The `normal` class too: a reply over the hard limit closes the connection instead of being
/// sent (as Redis does); one under it is sent.
#[test]
fn normal_client_over_hard_limit_gets_no_reply() {
    let run = |srv: &Server| {
        let mut r = srv.raw();
        let big = "x".repeat(200_000);
        assert_eq!(r.call(&["SET", "big", &big]), b"+OK\r\n");
        assert_eq!(r.call(&["SET", "mid", &big[..90_000]]), b"+OK\r\n");
        assert_eq!(r.call(&["GET", "mid"]).len(), 90_000 + 10);
        r.cmd(&[b"GET", b"big"]);
        assert_eq!(show(&r.read_until_closed(), 100), "");
    };
    let args = ["--client-output-buffer-limit", "normal 100000 0 0"];
    run(&Server::start(&args));
    if let Some(redis) = redis_or_skip(&args) {
        run(&redis);
    }
}

/// Redis also checks the limits in its cron: a subscriber left over the soft limit is closed
/// even if nothing more is published. Needs `pubsub::output_limits_cron` called from the
/// server cron (see the pub/sub branch notes).
#[test]
fn soft_limit_enforced_by_cron_without_new_messages() {
    let srv = Server::start(&["--client-output-buffer-limit", "pubsub 0 256kb 1"]);
    let mut slow = srv.raw();
    small_rcvbuf(&slow);
    slow.call(&["SUBSCRIBE", "feed"]);
    let mut publisher = srv.raw();
    let payload = "y".repeat(64 * 1024);
    for _ in 0..200 {
        publisher.call(&["PUBLISH", "feed", &payload]);
    }
    assert!(wait_until(Duration::from_secs(20), || {
        publisher.call(&["PUBSUB", "NUMSUB", "feed"]) == b"*2\r\n$4\r\nfeed\r\n:0\r\n"
    }));
}

/// The message payload number `i` of `pipelined_big_messages_arrive_whole_and_in_order`:
/// distinct content and length per message, 16 KB to 24 KB (several per receive turn).
fn numbered_payload(i: usize) -> Vec<u8> {
    let mut p = format!("{i:06}:").into_bytes();
    p.resize(16 * 1024 + (i * 41) % (8 * 1024), b'a' + (i % 26) as u8);
    p
}

/// A pipelined publisher of 16-24 KB messages (many queued in each subscriber's output at
/// once, none read yet): every subscriber later reads every message whole and in order, on a
/// single-subscriber channel (frames copied) and a two-subscriber one (frames shared, RESP2
/// and RESP3).
#[test]
fn pipelined_big_messages_arrive_whole_and_in_order() {
    let srv = Server::start(&["--client-output-buffer-limit", "pubsub 0 0 0"]);
    let mut alone = srv.raw();
    alone.call(&["SUBSCRIBE", "one"]);
    let mut shared2 = srv.raw();
    shared2.call(&["SUBSCRIBE", "two"]);
    let mut shared3 = srv.raw();
    shared3.call(&["HELLO", "3"]);
    shared3.call(&["SUBSCRIBE", "two"]);
    let mut publisher = srv.raw();
    const MESSAGES: usize = 300; // ~6 MB, sent as one pipeline
    let mut pipeline = Vec::new();
    for i in 0..MESSAGES {
        let channel: &[u8] = if i % 2 == 0 { b"one" } else { b"two" };
        pipeline.extend_from_slice(&common::encode(&[
            b"PUBLISH",
            channel,
            &numbered_payload(i),
        ]));
    }
    publisher.send(&pipeline);
    let replies = publisher.replies(MESSAGES);
    let want: Vec<u8> = (0..MESSAGES)
        .flat_map(|i| if i % 2 == 0 { b":1\r\n" } else { b":2\r\n" }.to_vec())
        .collect();
    assert_eq!(replies, want);
    for i in 0..MESSAGES {
        let payload = numbered_payload(i);
        if i % 2 == 0 {
            let frame = common::encode(&[b"message", b"one", &payload]);
            assert_eq!(alone.read_reply(), frame, "message {i}");
        } else {
            let mut frame = common::encode(&[b"message", b"two", &payload]);
            assert_eq!(shared2.read_reply(), frame, "message {i} (RESP2)");
            frame[0] = b'>';
            assert_eq!(shared3.read_reply(), frame, "message {i} (RESP3)");
        }
    }
}

/// The hard limit holds for frames queued by one pipelined burst (several big messages per
/// receive turn): the subscriber that never reads is dropped, the publisher sees it go.
#[test]
fn pipelined_big_messages_still_hit_the_hard_limit() {
    let srv = Server::start(&["--client-output-buffer-limit", "pubsub 1mb 0 0"]);
    let mut slow = srv.raw();
    small_rcvbuf(&slow);
    slow.call(&["SUBSCRIBE", "feed"]);
    let mut publisher = srv.raw();
    const MESSAGES: usize = 600; // ~10 MB: far more than the limit plus the socket buffers
    let mut pipeline = Vec::new();
    for i in 0..MESSAGES {
        pipeline.extend_from_slice(&common::encode(&[
            b"PUBLISH",
            b"feed",
            &numbered_payload(i),
        ]));
    }
    publisher.send(&pipeline);
    let replies = publisher.replies(MESSAGES);
    assert!(replies.starts_with(b":1\r\n"), "{}", show(&replies, 40));
    assert!(replies.ends_with(b":0\r\n"), "{}", show(&replies, 40));
    assert_eq!(
        publisher.call(&["PUBSUB", "NUMSUB", "feed"]),
        b"*2\r\n$4\r\nfeed\r\n:0\r\n"
    );
}
