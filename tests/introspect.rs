//! Introspection end to end, against a real redis-server where behaviour must match: the one
//! read lookup (`keymiss` and `new` keyspace events, keyspace hits/misses), OBJECT, MEMORY,
//! PFSELFTEST, and the redis-cli modes built on them (`--bigkeys`, `--memkeys`, `--hotkeys`,
//! `--stat`).

mod common;

use common::{Raw, Server, redis_or_skip};

/// A mixed sequence of reads (hits and misses, of every family) and writes creating keys.
const MIXED: &[&[&str]] = &[
    &["GET", "missing"],
    &["SET", "a", "1"],
    &["GET", "a"],
    &["MGET", "a", "b", "c"],
    &["HGET", "h", "f"],
    &["HSET", "h", "f", "v"],
    &["HGET", "h", "f"],
    &["LPUSH", "l", "x", "y"],
    &["LRANGE", "nol", "0", "-1"],
    &["LRANGE", "l", "0", "-1"],
    &["SMEMBERS", "nos"],
    &["SADD", "s", "x"],
    &["SUNIONSTORE", "d", "s", "nos"],
    &["SINTERSTORE", "d2", "s", "nos"],
    &["SISMEMBER", "s", "x"],
    &["ZSCORE", "noz", "m"],
    &["ZADD", "z", "1", "m"],
    &["ZSCORE", "z", "m"],
    &["TYPE", "nokey"],
    &["TYPE", "a"],
    &["EXISTS", "nokey", "a"],
    &["TTL", "nokey"],
    &["OBJECT", "ENCODING", "nokey"],
    &["OBJECT", "ENCODING", "a"],
    &["TOUCH", "a", "nokey"],
    &["SET", "a", "2"],
    &["XADD", "st", "1-1", "f", "v"],
    &["XRANGE", "nost", "-", "+"],
    &["XRANGE", "st", "-", "+"],
    &["GETDEL", "nokey"],
    &["INCR", "counter"],
    &["PFCOUNT", "nohll"],
    &["PFADD", "p", "a"],
    &["PFCOUNT", "p", "nohll"],
    &["COPY", "a", "b2"],
    &["RENAME", "a", "a2"],
    &["SMOVE", "s", "s2", "x"],
    &["GETEX", "nokey"],
    &["SORT", "nolist"],
    &["BITCOUNT", "nob"],
    &["GEOPOS", "nog", "m"],
    &["DUMP", "nokey"],
    &["SORT", "l", "BY", "nosort", "GET", "w_*"],
    &["ZUNIONSTORE", "zd", "2", "z", "noz"],
    &["LMOVE", "nol", "l2", "LEFT", "LEFT"],
    &["RPOPLPUSH", "l", "l3"],
    &["HINCRBY", "h2", "f", "1"],
    &["SET", "sx", "v", "GET"],
    &["APPEND", "ap", "x"],
    &["SETRANGE", "sr", "1", "x"],
    &["PFMERGE", "pm", "p", "nop"],
    &["BITOP", "OR", "bo", "nob1", "nob2"],
    &["GEOADD", "g", "1", "1", "m"],
    &[
        "GEOSEARCHSTORE",
        "gs",
        "g",
        "FROMLONLAT",
        "1",
        "1",
        "BYRADIUS",
        "100",
        "km",
    ],
    &["LCS", "ap", "nolcs"],
    &["SRANDMEMBER", "nos"],
    &["HRANDFIELD", "noh"],
    &["ZRANDMEMBER", "noz"],
    &["XLEN", "nost"],
    &["STRLEN", "nos"],
    &["SETBIT", "sb", "1", "1"],
    &["GETBIT", "nob", "1"],
    &["BITFIELD_RO", "nob", "GET", "u8", "0"],
    &["EXPIRE", "nokey", "10"],
    &["PERSIST", "nokey"],
    &["HGETALL", "nohash"],
    &["ZRANGE", "z", "0", "-1"],
    &["LINDEX", "l", "0"],
    &["SCARD", "nos"],
];

/// Runs `script` on `srv` while a second connection listens to every keyspace event of
/// database 0; returns the events as (channel, payload) in the order they were published.
fn events_of(srv: &Server, script: &[&[&str]]) -> Vec<(String, String)> {
    let mut sub = srv.raw();
    sub.call(&["PSUBSCRIBE", "__key*@0__:*"]);
    let mut c = srv.raw();
    for cmd in script {
        c.call(cmd);
    }
    // A message on a matching channel marks the end of the events.
    c.call(&["PUBLISH", "__keyevent@0__:end-of-test", "end"]);
    let mut got = Vec::new();
    loop {
        let r = sub.read_reply();
        let parts = bulks(&r);
        assert_eq!(
            parts.len(),
            4,
            "not a pmessage: {}",
            String::from_utf8_lossy(&r)
        );
        if parts[3] == "end" {
            return got;
        }
        got.push((parts[2].clone(), parts[3].clone()));
    }
}

/// The bulk strings of a flat RESP2 array (or the simple/bulk reply itself).
fn bulks(r: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(r);
    let mut out = Vec::new();
    let mut lines = text.split("\r\n");
    while let Some(l) = lines.next() {
        if l.starts_with('$') && l != "$-1" {
            out.push(lines.next().unwrap_or("").to_string());
        } else if let Some(s) = l.strip_prefix('+') {
            out.push(s.to_string());
        }
    }
    out
}

fn info_field(r: &mut Raw, section: &str, name: &str) -> String {
    let reply = r.call(&["INFO", section]);
    let text = String::from_utf8_lossy(&reply);
    text.lines()
        .find_map(|l| Some(l.strip_prefix(&format!("{name}:"))?.trim().to_string()))
        .unwrap_or_else(|| panic!("INFO has no field {name}"))
}

/// `keymiss` (class m) from every read command and `new` (class n) when a key is created,
/// before the command's own event, as Redis: the same events in the same order.
#[test]
fn keymiss_and_new_events_match_redis() {
    let debug = ["--enable-debug-command", "yes"];
    let Some(redis) = redis_or_skip(&debug) else {
        return;
    };
    let ours = Server::start(&debug);
    for flags in ["KEAmn", "Enm", "Km"] {
        let set_flags = ["CONFIG", "SET", "notify-keyspace-events", flags];
        let mut script: Vec<&[&str]> = vec![&["FLUSHALL"], &set_flags];
        script.extend_from_slice(MIXED);
        // Lazy expiry: `expired` then `keymiss` for a read, `expired` then `new` for a write.
        script.extend_from_slice(&[
            &["DEBUG", "SET-ACTIVE-EXPIRE", "0"],
            &["SET", "lazy", "v", "PX", "1"],
            &["SET", "lazy2", "v", "PX", "1"],
            &["DEBUG", "SLEEP", "0.02"],
            &["GET", "lazy"],
            &["SET", "lazy2", "w"],
            &["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
        ]);
        let theirs = events_of(&redis, &script);
        let mine = events_of(&ours, &script);
        let has = |e: &str| {
            theirs
                .iter()
                .any(|(c, p)| p == e || c.ends_with(&format!(":{e}")))
        };
        assert!(has("keymiss"));
        if flags.contains('n') {
            assert!(has("new"));
        }
        assert_eq!(mine, theirs, "events with notify-keyspace-events {flags}");
    }
}

/// INFO keyspace_hits / keyspace_misses after the mixed sequence equal Redis's.
#[test]
fn keyspace_hits_and_misses_match_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let mut counts = Vec::new();
    for srv in [&ours, &redis] {
        let mut c = srv.raw();
        for cmd in MIXED {
            c.call(cmd);
        }
        counts.push((
            info_field(&mut c, "stats", "keyspace_hits"),
            info_field(&mut c, "stats", "keyspace_misses"),
        ));
    }
    assert_ne!(counts[1].0, "0");
    assert_eq!(counts[0], counts[1], "(hits, misses): uredis vs Redis");
}
