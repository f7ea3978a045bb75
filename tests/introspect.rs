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
    &["MSET", "m1", "1", "m2", "2"],
    &["MSETNX", "m3", "1", "m4", "2"],
    &["SETNX", "snx", "1"],
    &["SETEX", "sex", "100", "v"],
    &["PSETEX", "psex", "100000", "v"],
    &["GETSET", "gs1", "v"],
    &["INCRBYFLOAT", "fl", "1.5"],
    &["HSETNX", "hnx", "f", "v"],
    &["BITFIELD", "bf", "SET", "u8", "0", "1"],
    &["SORT", "l", "ALPHA", "STORE", "sorted"],
    &["ZRANGESTORE", "zrs", "z", "0", "-1"],
    &["XGROUP", "CREATE", "xg", "g", "$", "MKSTREAM"],
    &["LINSERT", "nol", "BEFORE", "a", "b"],
    &["LPUSHX", "nol", "a"],
    &["RPUSH", "l4", "a"],
    &["LMPOP", "2", "nol", "l4", "LEFT"],
    &["SINTERCARD", "2", "s2", "nos"],
    &["ZINTERCARD", "2", "z", "noz"],
    &["ZMSCORE", "noz", "a"],
    &["SMISMEMBER", "nos", "a"],
    &["HMGET", "noh", "a"],
    &["HSTRLEN", "noh", "a"],
    &["ZCARD", "noz"],
    &["ZCOUNT", "noz", "0", "1"],
    &["ZRANK", "noz", "a"],
    &["LPOS", "nol", "a"],
    &["XINFO", "STREAM", "nost"],
    &["GETRANGE", "nokey", "0", "1"],
    &["SUBSTR", "nokey", "0", "1"],
    &["BITPOS", "nob", "1"],
    &["GEODIST", "nog", "a", "b"],
    &["GEOHASH", "nog", "a"],
    &["RENAMENX", "m1", "m5"],
    &["MOVE", "m2", "1"],
    &["SET", "m2", "again"],
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
        if let Some(i) = (0..mine.len().max(theirs.len())).find(|&i| mine.get(i) != theirs.get(i)) {
            let lo = i.saturating_sub(4);
            panic!(
                "events with notify-keyspace-events {flags} differ at #{i}:\nuredis: {:?}\nRedis:  {:?}",
                &mine[lo..(i + 4).min(mine.len())],
                &theirs[lo..(i + 4).min(theirs.len())]
            );
        }
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

/// OBJECT: every subcommand's replies and errors, FREQ under an LFU policy (a new key starts
/// at 5, its first access makes it 6: both deterministic), IDLETIME's error under LFU.
#[test]
fn object_matches_redis() {
    common::compat(&[
        &["OBJECT", "HELP"],
        &["OBJECT"],
        &["OBJECT", "NOSUCH", "k"],
        &["OBJECT", "ENCODING"],
        &["SET", "k", "v"],
        &["SET", "n", "123"],
        &["RPUSH", "l", "a"],
        &["OBJECT", "ENCODING", "k"],
        &["OBJECT", "ENCODING", "n"],
        &["OBJECT", "ENCODING", "l"],
        &["OBJECT", "ENCODING", "nokey"],
        &["OBJECT", "REFCOUNT", "n"],
        &["OBJECT", "REFCOUNT", "k"],
        &["OBJECT", "IDLETIME", "nokey"],
        &["OBJECT", "FREQ", "nokey"],
        &["OBJECT", "FREQ", "k"],
        &["OBJECT", "FREQ", "k", "extra"],
        &["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"],
        &["OBJECT", "IDLETIME", "k"],
        &["OBJECT", "IDLETIME", "nokey"],
        &["SET", "fresh", "v"],
        &["OBJECT", "FREQ", "fresh"],
        &["GET", "fresh"],
        &["OBJECT", "FREQ", "fresh"],
        &["OBJECT", "FREQ", "nokey"],
        &["CONFIG", "SET", "maxmemory-policy", "volatile-lfu"],
        &["OBJECT", "IDLETIME", "k"],
        &["CONFIG", "SET", "maxmemory-policy", "allkeys-lru"],
        &["OBJECT", "FREQ", "k"],
    ]);
}

/// MEMORY: HELP, the doctor's report for a (nearly) empty instance, errors, USAGE of a
/// missing key, PURGE.
#[test]
fn memory_texts_and_errors_match_redis() {
    common::compat(&[
        &["MEMORY", "HELP"],
        &["MEMORY"],
        &["MEMORY", "NOSUCH"],
        &["MEMORY", "DOCTOR"],
        &["MEMORY", "DOCTOR", "x"],
        &["MEMORY", "STATS", "x"],
        &["MEMORY", "USAGE"],
        &["MEMORY", "USAGE", "nokey"],
        &["MEMORY", "USAGE", "nokey", "SAMPLES"],
        &["MEMORY", "USAGE", "nokey", "SAMPLES", "-1"],
        &["MEMORY", "USAGE", "nokey", "SAMPLES", "x"],
        &["MEMORY", "USAGE", "nokey", "SAMPLES", "5", "FOO"],
        &["MEMORY", "USAGE", "nokey", "SAMPLES", "0"],
        &["MEMORY", "PURGE"],
        &["MEMORY", "PURGE", "x"],
        &["MEMORY", "MALLOC-STATS", "x"],
    ]);
}

fn int(r: &[u8]) -> i64 {
    let s = String::from_utf8_lossy(r);
    s.trim()
        .strip_prefix(':')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not an integer reply: {s:?}"))
}

/// MEMORY USAGE is plausible: a missing key is nil, a value's bytes are counted, bigger values
/// and longer collections use more, SAMPLES 0 counts every element, an expired key not yet
/// reclaimed is still measured (as Redis's `dictFind`). MEMORY STATS has Redis's field names
/// in Redis's order, and its key count.
#[test]
fn memory_usage_and_stats() {
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    assert_eq!(c.call(&["MEMORY", "USAGE", "nokey"]), b"$-1\r\n");
    c.call(&["SET", "small", "v"]);
    let big = "x".repeat(10_000);
    c.call(&["SET", "big", &big]);
    let small = int(&c.call(&["MEMORY", "USAGE", "small"]));
    let bigu = int(&c.call(&["MEMORY", "USAGE", "big"]));
    assert!(small > 0 && small < 200, "small string: {small}");
    assert!(
        (10_000..11_000).contains(&bigu),
        "10000-byte string: {bigu}"
    );
    let mut sizes = Vec::new();
    for n in [10usize, 1000, 10_000] {
        let mut args = vec!["RPUSH".to_string(), format!("list{n}")];
        args.extend((0..n).map(|i| format!("element-{i}")));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        c.call(&a);
        let u = int(&c.call(&["MEMORY", "USAGE", &format!("list{n}")]));
        assert!(u as usize > n * 8, "list of {n}: {u}");
        sizes.push(u);
    }
    assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    // A hashtable-encoded hash: sampled (default 5) and exact (SAMPLES 0) agree roughly, as
    // every field has the same size.
    let mut args = vec!["HSET".to_string(), "h".to_string()];
    for i in 0..1000 {
        args.push(format!("field-{i:05}"));
        args.push(format!("value-{i:05}"));
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    c.call(&a);
    let sampled = int(&c.call(&["MEMORY", "USAGE", "h"]));
    let all = int(&c.call(&["MEMORY", "USAGE", "h", "SAMPLES", "0"]));
    assert!(all > 1000 * 20, "hash of 1000: {all}");
    assert!(
        (sampled - all).abs() < all / 10,
        "sampled {sampled} vs all {all}"
    );
    // An expired key is measured until it is reclaimed.
    c.call(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
    c.call(&["SET", "gone", "v", "PX", "1"]);
    c.call(&["DEBUG", "SLEEP", "0.01"]);
    assert!(int(&c.call(&["MEMORY", "USAGE", "gone"])) > 0);
    c.call(&["DEL", "gone"]);

    let names = |r: &mut Raw| -> Vec<String> {
        let reply = r.call(&["MEMORY", "STATS"]);
        let text = String::from_utf8_lossy(&reply).into_owned();
        let mut lines = text.split("\r\n");
        let mut names = Vec::new();
        let mut want_name = true;
        // Top-level map entries (RESP2: name, value; a db entry's value is a nested array).
        lines.next();
        while let Some(l) = lines.next() {
            if l.starts_with('*') {
                // db.N's three name/value pairs
                for _ in 0..6 {
                    lines.next();
                    lines.next();
                }
                want_name = true;
                continue;
            }
            if want_name {
                if let Some(v) = l.strip_prefix('$')
                    && v != "-1"
                {
                    names.push(lines.next().unwrap_or("").to_string());
                }
                want_name = false;
            } else {
                if l.starts_with('$') {
                    lines.next();
                }
                want_name = true;
            }
        }
        names
    };
    let ours = names(&mut c);
    assert_eq!(ours[0], "peak.allocated");
    assert!(ours.contains(&"db.0".to_string()));
    let stats = String::from_utf8_lossy(&c.call(&["MEMORY", "STATS"])).into_owned();
    let after = stats.split("keys.count\r\n").nth(1).expect("keys.count");
    assert!(after.starts_with(":6\r\n"), "keys.count: {after:.20}");
    if let Some(redis) = redis_or_skip(&[]) {
        let mut r = redis.raw();
        r.call(&["SET", "k", "v"]);
        assert_eq!(
            ours,
            names(&mut r),
            "MEMORY STATS field names (uredis, Redis)"
        );
    }
    // DOCTOR, MALLOC-STATS and PURGE answer with a loaded instance too.
    let doc = c.call(&["MEMORY", "DOCTOR"]);
    assert!(String::from_utf8_lossy(&doc).contains("Sam"));
    let ms = c.call(&["MEMORY", "MALLOC-STATS"]);
    assert!(ms.len() > 100, "{}", String::from_utf8_lossy(&ms));
    assert_eq!(c.call(&["MEMORY", "PURGE"]), b"+OK\r\n");
}

/// PFSELFTEST passes (Redis's checks of register access, sparse/dense agreement and error).
#[test]
fn pfselftest_ok() {
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    // Ten million additions: seconds in a debug build on a busy machine.
    c.s.set_read_timeout(Some(std::time::Duration::from_secs(300)))
        .expect("timeout");
    assert_eq!(c.call(&["PFSELFTEST"]), b"+OK\r\n");
    assert_eq!(
        c.call(&["PFSELFTEST", "x"]),
        b"-ERR wrong number of arguments for 'pfselftest' command\r\n"
    );
}

/// Runs `redis-cli -p <port> <args>` to completion (with `timeout` as a guard); `None` when
/// redis-cli is not installed.
fn redis_cli(port: u16, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("timeout")
        .arg("120")
        .arg("redis-cli")
        .args(["-p", &port.to_string()])
        .args(args)
        .output()
        .ok()?;
    if out.status.code() == Some(127) {
        eprintln!("note: redis-cli not installed; skipped");
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// A keyspace with one obviously biggest key of each type, and one hot key.
fn populate(c: &mut Raw) {
    for i in 0..50 {
        c.call(&["SET", &format!("str:{i}"), &format!("value-{i}")]);
    }
    c.call(&["SET", "bigstr", &"s".repeat(20_000)]);
    let mut list = vec!["RPUSH".to_string(), "biglist".to_string()];
    list.extend((0..500).map(|i| format!("item-{i}")));
    let mut hash = vec!["HSET".to_string(), "bighash".to_string()];
    hash.extend((0..300).flat_map(|i| [format!("f{i}"), format!("v{i}")]));
    let mut set = vec!["SADD".to_string(), "bigset".to_string()];
    set.extend((0..400).map(|i| format!("m{i}")));
    let mut zset = vec!["ZADD".to_string(), "bigzset".to_string()];
    zset.extend((0..200).flat_map(|i| [i.to_string(), format!("z{i}")]));
    for cmd in [list, hash, set, zset] {
        let a: Vec<&str> = cmd.iter().map(String::as_str).collect();
        c.call(&a);
    }
    c.call(&["RPUSH", "smalllist", "a"]);
    c.call(&["HSET", "smallhash", "a", "1"]);
    c.call(&["SADD", "smallset", "a"]);
    c.call(&["ZADD", "smallzset", "1", "a"]);
    for i in 1..=300 {
        c.call(&[
            "XADD",
            "bigstream",
            &format!("1-{i}"),
            "field",
            &format!("value-{i}"),
        ]);
    }
    c.call(&["XADD", "smallstream", "1-1", "a", "1"]);
}

/// `redis-cli --bigkeys` and `--memkeys` name the biggest key of each type.
#[test]
fn redis_cli_bigkeys_and_memkeys() {
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    populate(&mut c);
    let Some(out) = redis_cli(srv.port, &["--bigkeys"]) else {
        return;
    };
    for want in [
        "Biggest string found '\"bigstr\"' has 20000 bytes",
        "Biggest   list found '\"biglist\"' has 500 items",
        "Biggest   hash found '\"bighash\"' has 300 fields",
        "Biggest    set found '\"bigset\"' has 400 members",
        "Biggest   zset found '\"bigzset\"' has 200 members",
        "Biggest stream found '\"bigstream\"' has 300 entries",
        "Sampled 61 keys in the keyspace!",
    ] {
        assert!(out.contains(want), "--bigkeys lacks {want:?}:\n{out}");
    }
    let Some(out) = redis_cli(srv.port, &["--memkeys"]) else {
        return;
    };
    for want in [
        "Biggest string found '\"bigstr\"' has",
        "Biggest   list found '\"biglist\"' has",
        "Biggest   hash found '\"bighash\"' has",
        "Biggest    set found '\"bigset\"' has",
        "Biggest   zset found '\"bigzset\"' has",
        "Biggest stream found '\"bigstream\"' has",
        "Sampled 61 keys in the keyspace!",
    ] {
        assert!(out.contains(want), "--memkeys lacks {want:?}:\n{out}");
    }
    // The string's bytes as MEMORY USAGE reports them.
    let usage = int(&c.call(&["MEMORY", "USAGE", "bigstr"]));
    assert!(
        out.contains(&format!(
            "Biggest string found '\"bigstr\"' has {usage} bytes"
        )),
        "{out}"
    );
}

/// `redis-cli --hotkeys` needs an LFU policy (Redis's error otherwise) and then names the key
/// that was accessed: a new key's counter is 5 and its first access makes it 6 for sure.
#[test]
fn redis_cli_hotkeys() {
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    populate(&mut c);
    let Some(out) = redis_cli(srv.port, &["--hotkeys"]) else {
        return;
    };
    assert!(
        out.contains("ERR An LFU maxmemory policy is not selected, access frequency not tracked."),
        "{out}"
    );
    c.call(&["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"]);
    c.call(&["FLUSHALL"]);
    // Keys written once each (a write access counts too: no key is written twice here).
    for i in 0..50 {
        c.call(&["SET", &format!("str:{i}"), "v"]);
    }
    for _ in 0..100 {
        c.call(&["GET", "str:7"]);
    }
    let Some(out) = redis_cli(srv.port, &["--hotkeys"]) else {
        return;
    };
    let summary = out.split("-------- summary -------").nth(1).unwrap_or("");
    let first = summary
        .lines()
        .find(|l| l.starts_with("hot key found"))
        .unwrap_or_else(|| panic!("no hot key in:\n{out}"));
    assert!(first.ends_with("keyname: \"str:7\""), "{first}\n{out}");
    assert!(out.contains("Sampled 50 keys in the keyspace!"), "{out}");
}

/// `redis-cli --stat` prints its table from INFO: read its first rows, then stop it.
#[test]
fn redis_cli_stat() {
    use std::io::{BufRead, BufReader};
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    populate(&mut c);
    // A short interval fills redis-cli's stdout buffer (a pipe is block-buffered) quickly.
    let child = std::process::Command::new("redis-cli")
        .args(["-p", &srv.port.to_string(), "--stat", "-i", "0.01"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("note: redis-cli not installed; skipped");
        return;
    };
    let Some(stdout) = child.stdout.take() else {
        panic!("no stdout");
    };
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .take(4)
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    assert!(lines[0].starts_with("------- data ------"), "{lines:?}");
    assert!(lines[1].starts_with("keys       mem"), "{lines:?}");
    // keys, mem, clients, blocked, requests, connections.
    let row: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(row[0], "61", "{lines:?}");
    assert!(row[1].ends_with('M') || row[1].ends_with('K'), "{lines:?}");
    assert_eq!(row[3], "0", "{lines:?}");
}

/// A RESP3 client subscribed to its own `keymiss` / `expired` events gets the pushes before
/// the reply of the read that caused them (Redis publishes them during the lookup), also
/// inside a transaction: the same bytes as Redis.
#[test]
fn keymiss_pushes_to_self_resp3_come_before_the_reply() {
    let debug = ["--enable-debug-command", "yes"];
    let Some(redis) = redis_or_skip(&debug) else {
        return;
    };
    let ours = Server::start(&debug);
    let mut got = Vec::new();
    for srv in [&ours, &redis] {
        let mut c = srv.raw();
        let mut t = Vec::new();
        c.call(&["HELLO", "3"]);
        c.call(&["CONFIG", "SET", "notify-keyspace-events", "Exm"]);
        c.call(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
        c.call(&[
            "SUBSCRIBE",
            "__keyevent@0__:keymiss",
            "__keyevent@0__:expired",
        ]);
        let steps: &[(&[&str], usize)] = &[
            (&["GET", "nokey"], 2),
            (&["SET", "a", "1"], 1),
            (&["MGET", "a", "b", "c"], 3),
            (&["SET", "gone", "v", "PX", "1"], 1),
            (&["DEBUG", "SLEEP", "0.01"], 1),
            (&["GET", "gone"], 3),
            (&["MULTI"], 1),
            (&["GET", "nokey"], 1),
            (&["GET", "a"], 1),
            (&["EXEC"], 2),
        ];
        for (cmd, n) in steps {
            let a: Vec<&[u8]> = cmd.iter().map(|s| s.as_bytes()).collect();
            c.cmd(&a);
            t.push(String::from_utf8_lossy(&c.replies(*n)).into_owned());
        }
        got.push(t);
    }
    assert_eq!(got[0], got[1], "(uredis, Redis)");
}
