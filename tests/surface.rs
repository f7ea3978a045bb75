//! End-to-end tests of the rest of the command surface, each compared with a real
//! redis-server 7.0.15 byte for byte: CLUSTER / READONLY / READWRITE / ASKING / MODULE as a
//! non-cluster, module-less Redis answers them; MIGRATE between uredis and redis-server in
//! every direction (COPY, REPLACE, KEYS, AUTH, AUTH2, NOKEY, BUSYKEY and connection errors,
//! DEL propagation, cached connections); CONFIG GET of several patterns and CONFIG SET of
//! several parameters; CLIENT LIST / INFO fields and CLIENT KILL filters.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{Raw, Server, compat, compat_with, redis_or_skip, wait_until};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The text of a bulk or verbatim reply.
fn bulk(reply: &[u8]) -> String {
    let t = text(reply);
    let (head, body) = t.split_once("\r\n").expect("bulk reply");
    assert!(head.starts_with('$') || head.starts_with('='), "{t:?}");
    let body = body.strip_suffix("\r\n").expect("CRLF");
    body.strip_prefix("txt:").unwrap_or(body).to_string()
}

/// Every CLUSTER subcommand with a valid number of arguments.
const CLUSTER_CALLS: &[&[&str]] = &[
    &["CLUSTER", "ADDSLOTS", "1"],
    &["CLUSTER", "ADDSLOTSRANGE", "1", "2"],
    &["CLUSTER", "BUMPEPOCH"],
    &["CLUSTER", "COUNT-FAILURE-REPORTS", "x"],
    &["CLUSTER", "COUNTKEYSINSLOT", "1"],
    &["CLUSTER", "DELSLOTS", "1"],
    &["CLUSTER", "DELSLOTSRANGE", "1", "2"],
    &["CLUSTER", "FAILOVER"],
    &["CLUSTER", "FLUSHSLOTS"],
    &["CLUSTER", "FORGET", "x"],
    &["CLUSTER", "GETKEYSINSLOT", "1", "1"],
    &["CLUSTER", "HELP"],
    &["CLUSTER", "INFO"],
    &["CLUSTER", "KEYSLOT", "foo"],
    &["CLUSTER", "LINKS"],
    &["CLUSTER", "MEET", "127.0.0.1", "1"],
    &["CLUSTER", "MYID"],
    &["CLUSTER", "NODES"],
    &["CLUSTER", "REPLICAS", "x"],
    &["CLUSTER", "REPLICATE", "x"],
    &["CLUSTER", "RESET"],
    &["cluster", "saveconfig"],
    &["CLUSTER", "SET-CONFIG-EPOCH", "1"],
    &["CLUSTER", "SETSLOT", "1", "STABLE"],
    &["CLUSTER", "SHARDS"],
    &["CLUSTER", "SLAVES", "x"],
    &["CLUSTER", "SLOTS"],
];

#[test]
fn cluster_commands_answer_as_non_cluster_redis() {
    compat(CLUSTER_CALLS);
    compat(&[
        &["CLUSTER"],
        &["CLUSTER", "NOPE"],
        &["CLUSTER", "HELP", "x"],
        &["CLUSTER", "KEYSLOT"],
        &["CLUSTER", "ADDSLOTS"],
        &["CLUSTER", "INFO", "x"],
        &["READONLY"],
        &["READWRITE"],
        &["ASKING"],
        &["readonly", "x"],
        &["ASKING", "x"],
        &["MULTI"],
        &["CLUSTER", "INFO"],
        &["READONLY"],
        &["EXEC"],
    ]);
}

#[test]
fn module_commands_answer_as_module_less_redis() {
    compat(&[
        &["MODULE", "LIST"],
        &["MODULE", "HELP"],
        &["module", "help"],
        &["MODULE"],
        &["MODULE", "NOPE"],
        &["MODULE", "LIST", "x"],
        &["MODULE", "HELP", "x"],
        &["MODULE", "LOAD"],
        &["MODULE", "UNLOAD"],
        // Refused: enable-module-command is "no" by default.
        &["MODULE", "LOAD", "/nonexistent/module.so"],
        &[
            "MODULE",
            "LOADEX",
            "/nonexistent/module.so",
            "CONFIG",
            "a",
            "b",
        ],
        &["MODULE", "UNLOAD", "nosuch"],
        &["CONFIG", "GET", "enable-module-command"],
    ]);
    // Refused when queued (the transaction then aborts), and before authentication.
    compat(&[
        &["MULTI"],
        &["MODULE", "LOAD", "/x.so"],
        &["DEBUG", "SLEEP", "0"],
        &["MODULE", "LIST"],
        &["EXEC"],
    ]);
    compat_with(
        &["--requirepass", "pw"],
        &[
            &["MODULE", "LOAD", "/x.so"],
            &["MODULE", "UNLOAD", "x"],
            &["DEBUG", "SLEEP", "0"],
            &["MODULE", "LIST"],
            &["CLUSTER", "INFO"],
            &["READONLY"],
        ],
    );
    // Allowed: loading fails as for a library that cannot be loaded.
    for setting in ["yes", "local"] {
        compat_with(
            &["--enable-module-command", setting],
            &[
                &["MODULE", "LOAD", "/nonexistent/module.so"],
                &["MODULE", "LOAD", "/nonexistent/module.so", "arg1", "arg2"],
                &["MODULE", "LOADEX", "/nonexistent/module.so"],
                &[
                    "MODULE",
                    "LOADEX",
                    "/nonexistent/module.so",
                    "CONFIG",
                    "a",
                    "b",
                    "ARGS",
                    "x",
                ],
                &["MODULE", "LOADEX", "/nonexistent/module.so", "CONFIG", "a"],
                &["MODULE", "UNLOAD", "nosuch"],
                &["MODULE", "LIST"],
                &["CONFIG", "GET", "enable-module-command"],
            ],
        );
    }
}

#[test]
fn module_load_logs_why_it_fails() {
    let dir = std::env::temp_dir().join(format!("uredis-surface-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("log");
    let log_s = log.display().to_string();
    let srv = Server::start(&["--enable-module-command", "yes", "--logfile", &log_s]);
    let mut c = srv.raw();
    assert_eq!(
        text(&c.call(&["MODULE", "LOAD", "/some/where/mod.so"])),
        "-ERR Error loading the extension. Please check the server logs.\r\n"
    );
    let found = wait_until(Duration::from_secs(5), || {
        std::fs::read_to_string(&log).is_ok_and(|l| {
            l.contains("Module /some/where/mod.so failed to load")
                && l.contains("does not support Redis modules")
        })
    });
    let _ = std::fs::remove_dir_all(&dir);
    assert!(found, "the failure is logged");
}

/// The names this part of the work registers; each must be listed by both servers.
fn surface_names() -> Vec<String> {
    let mut v: Vec<String> = vec![
        "cluster".into(),
        "asking".into(),
        "readonly".into(),
        "readwrite".into(),
        "module".into(),
        "module|help".into(),
        "module|list".into(),
        "module|load".into(),
        "module|loadex".into(),
        "module|unload".into(),
        "migrate".into(),
        "restore-asking".into(),
    ];
    for call in CLUSTER_CALLS {
        v.push(format!("cluster|{}", call[1].to_lowercase()));
    }
    v
}

/// The names of a `COMMAND LIST` reply.
fn list_names(reply: &[u8]) -> BTreeSet<String> {
    text(reply)
        .split("\r\n")
        .filter(|l| !l.is_empty() && !l.starts_with('*') && !l.starts_with('$'))
        .map(str::to_string)
        .collect()
}

#[test]
fn command_list_has_the_cluster_module_and_migrate_entries() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let (mut a, mut b) = (ours.raw(), redis.raw());
    let mine = list_names(&a.call(&["COMMAND", "LIST"]));
    let theirs = list_names(&b.call(&["COMMAND", "LIST"]));
    for n in surface_names() {
        assert!(mine.contains(&n), "uredis lists {n}");
        assert!(theirs.contains(&n), "redis lists {n}");
    }
    assert_eq!(
        text(&a.call(&["COMMAND", "LIST", "FILTERBY", "PATTERN", "cluster|*"])).len(),
        text(&b.call(&["COMMAND", "LIST", "FILTERBY", "PATTERN", "cluster|*"])).len()
    );
    for cmd in [
        &["COMMAND", "GETKEYS", "MIGRATE", "h", "1", "k", "0", "5"][..],
        &[
            "COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "5", "KEYS", "a", "b",
        ],
        &[
            "COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "5", "AUTH", "KEYS", "KEYS", "a",
        ],
        &[
            "COMMAND", "GETKEYS", "MIGRATE", "h", "1", "x", "0", "5", "KEYS", "a",
        ],
        &[
            "COMMAND",
            "GETKEYSANDFLAGS",
            "MIGRATE",
            "h",
            "1",
            "",
            "0",
            "5",
            "COPY",
            "KEYS",
            "a",
        ],
        &["COMMAND", "GETKEYS", "RESTORE-ASKING", "k", "0", "x"],
        &["COMMAND", "GETKEYS", "CLUSTER", "INFO"],
    ] {
        assert_eq!(text(&a.call(cmd)), text(&b.call(cmd)), "{cmd:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// MIGRATE

/// Loads a few keys of every type, some with a TTL, into db 0 of `c`.
fn load_keys(c: &mut Raw) {
    for cmd in [
        &["SET", "s", "hello"][..],
        &["SET", "n", "12345"],
        &["SET", "ttl", "v", "PX", "100000000"],
        &["RPUSH", "l", "a", "b", "c"],
        &["HSET", "h", "f1", "v1", "f2", "v2"],
        &["SADD", "set", "x", "y", "1"],
        &["ZADD", "z", "1", "a", "2.5", "b"],
        &["XADD", "x", "1-1", "f", "v"],
        &["PFADD", "hll", "a", "b", "c"],
    ] {
        c.call(cmd);
    }
}

/// What the target holds for each key name.
fn snapshot(c: &mut Raw, db: &str, names: &[&str]) -> Vec<String> {
    c.call(&["SELECT", db]);
    names
        .iter()
        .map(|k| {
            let ty = text(&c.call(&["TYPE", k]));
            let body = match ty.as_str() {
                "+string\r\n" => text(&c.call(&["GET", k])),
                "+list\r\n" => text(&c.call(&["LRANGE", k, "0", "-1"])),
                "+hash\r\n" => text(&c.call(&["HGETALL", k])),
                "+set\r\n" => text(&c.call(&["SORT", k, "ALPHA"])),
                "+zset\r\n" => text(&c.call(&["ZRANGE", k, "0", "-1", "WITHSCORES"])),
                "+stream\r\n" => text(&c.call(&["XRANGE", k, "-", "+"])),
                _ => String::new(),
            };
            let has_ttl = !text(&c.call(&["PTTL", k])).starts_with(":-");
            format!("{k} {ty} {body} ttl:{has_ttl}")
        })
        .collect()
}

const ALL_KEYS: &[&str] = &["s", "n", "ttl", "l", "h", "set", "z", "x", "hll"];

/// Runs the same MIGRATE script from a uredis source and from a redis-server source, each
/// into its own target (`target` starts it: uredis or redis-server), and asserts identical
/// replies, target contents and source contents.
fn migrate_matches_redis(target_is_uredis: bool, target_extra: &[&str]) {
    let Some(redis_src) = redis_or_skip(&[]) else {
        return;
    };
    let start_target = || {
        if target_is_uredis {
            Server::start(target_extra)
        } else {
            Server::start_redis(target_extra).expect("redis-server")
        }
    };
    let (t1, t2) = (start_target(), start_target());
    let ours = Server::start(&[]);
    let mut runs: Vec<(Vec<String>, Vec<String>, Vec<String>)> = vec![];
    let auth: Vec<&str> = match target_extra {
        ["--requirepass", p] => vec!["AUTH", p],
        _ => vec![],
    };
    for (src, tgt) in [(&ours, &t1), (&redis_src, &t2)] {
        let mut s = src.raw();
        let mut t = tgt.raw();
        if !auth.is_empty() {
            t.call(&auth);
        }
        load_keys(&mut s);
        t.call(&["SELECT", "2"]);
        t.call(&["SET", "busy", "old"]);
        t.call(&["SET", "n", "already-there"]);
        s.call(&["SET", "busy", "new"]);
        let port = tgt.port.to_string();
        let p = port.as_str();
        let mut extra_auth: Vec<&str> = vec![];
        if let Some(pass) = auth.get(1) {
            extra_auth = vec!["AUTH", pass];
        }
        let with_auth = |mut v: Vec<&'static str>, at: usize| {
            let mut v2: Vec<&str> = v.drain(..at).collect();
            v2.extend(extra_auth.iter().copied());
            v2.extend(v);
            v2
        };
        let mut replies = vec![];
        let script: Vec<Vec<&str>> = vec![
            with_auth(vec!["MIGRATE", "127.0.0.1", "PORT", "s", "2", "1000"], 6),
            with_auth(
                vec!["MIGRATE", "127.0.0.1", "PORT", "nokey", "2", "1000"],
                6,
            ),
            with_auth(
                vec!["MIGRATE", "127.0.0.1", "PORT", "ttl", "2", "5000", "COPY"],
                7,
            ),
            with_auth(
                vec![
                    "MIGRATE",
                    "127.0.0.1",
                    "PORT",
                    "",
                    "2",
                    "1000",
                    "KEYS",
                    "l",
                    "h",
                    "missing",
                    "set",
                ],
                6,
            ),
            // BUSYKEY from the target: the error names it; nothing is deleted here.
            with_auth(vec!["MIGRATE", "127.0.0.1", "PORT", "busy", "2", "1000"], 6),
            with_auth(
                vec![
                    "MIGRATE",
                    "127.0.0.1",
                    "PORT",
                    "",
                    "2",
                    "1000",
                    "KEYS",
                    "z",
                    "n",
                    "x",
                ],
                6,
            ),
            with_auth(
                vec![
                    "MIGRATE",
                    "127.0.0.1",
                    "PORT",
                    "busy",
                    "2",
                    "1000",
                    "REPLACE",
                ],
                7,
            ),
            with_auth(
                vec![
                    "MIGRATE",
                    "127.0.0.1",
                    "PORT",
                    "",
                    "3",
                    "1000",
                    "COPY",
                    "REPLACE",
                    "KEYS",
                    "hll",
                    "n",
                ],
                8,
            ),
            vec![
                "MIGRATE",
                "127.0.0.1",
                "PORT",
                "",
                "3",
                "1000",
                "KEYS",
                "nope",
            ],
            vec!["DBSIZE"],
        ];
        for cmd in script {
            let sent: Vec<&str> = cmd
                .iter()
                .map(|a| if *a == "PORT" { p } else { a })
                .collect();
            replies.push(format!("{cmd:?} -> {}", text(&s.call(&sent))));
        }
        let tgt2 = snapshot(&mut t, "2", &[ALL_KEYS, &["busy"]].concat());
        let mut tgt = snapshot(&mut t, "3", ALL_KEYS);
        tgt.extend(tgt2);
        let src_state = snapshot(&mut s, "0", &[ALL_KEYS, &["busy"]].concat());
        runs.push((replies, tgt, src_state));
    }
    assert_eq!(runs[0].0, runs[1].0, "replies (left: uredis source)");
    assert_eq!(runs[0].1, runs[1].1, "target contents");
    assert_eq!(runs[0].2, runs[1].2, "source contents");
}

#[test]
fn migrate_uredis_to_redis_as_redis_does() {
    migrate_matches_redis(false, &[]);
}

#[test]
fn migrate_uredis_to_uredis_as_redis_does() {
    migrate_matches_redis(true, &[]);
}

#[test]
fn migrate_with_auth_as_redis_does() {
    migrate_matches_redis(false, &["--requirepass", "sesame"]);
    migrate_matches_redis(true, &["--requirepass", "sesame"]);
}

#[test]
fn migrate_errors_match_redis() {
    let Some(target) = redis_or_skip(&["--requirepass", "pw"]) else {
        return;
    };
    let closed = common::free_port().to_string();
    let tp = target.port.to_string();
    let script: Vec<Vec<&str>> = vec![
        vec!["SET", "k", "v"],
        vec!["SET", "k2", "v"],
        vec!["MIGRATE", "127.0.0.1", &closed, "k", "0", "1000"],
        vec!["MIGRATE", "127.0.0.1", &closed, "nokey", "0", "1000"],
        vec!["MIGRATE", "127.0.0.1", "notaport", "k", "0", "1000"],
        vec!["MIGRATE", "127.0.0.1", "-5", "k", "0", "1000"],
        vec!["MIGRATE", "", "1", "k", "0", "1000"],
        vec!["MIGRATE", "127.0.0.1", &tp, "k", "0", "1000"],
        vec!["MIGRATE", "127.0.0.1", &tp, "k", "0", "1000", "AUTH", "bad"],
        vec![
            "MIGRATE",
            "127.0.0.1",
            &tp,
            "k",
            "0",
            "1000",
            "AUTH2",
            "default",
            "bad",
        ],
        vec![
            "MIGRATE",
            "127.0.0.1",
            &tp,
            "k",
            "0",
            "1000",
            "AUTH2",
            "nouser",
            "pw",
        ],
        vec!["MIGRATE", "127.0.0.1", &tp, "k", "99", "1000", "AUTH", "pw"],
        vec!["MIGRATE", "127.0.0.1", &tp, "k", "0", "1000", "AUTH"],
        vec!["MIGRATE", "127.0.0.1", &tp, "k", "0", "1000", "AUTH2", "x"],
        vec!["MIGRATE", "127.0.0.1", &tp, "k", "0", "1000", "KEYS", "k"],
        vec!["MIGRATE", "127.0.0.1", &tp, "", "0", "1000", "KEYS"],
        vec!["MIGRATE", "127.0.0.1", &tp, "k", "0", "1000", "NOPE"],
        vec!["MIGRATE", "127.0.0.1", &tp, "k", "x", "1000"],
        vec!["MIGRATE", "127.0.0.1", &tp, "k", "0", "x"],
        vec!["MIGRATE", "127.0.0.1", &tp, "k", "0"],
        vec!["EXISTS", "k"],
        vec!["MIGRATE", "127.0.0.1", &tp, "k", "0", "0", "AUTH", "pw"],
        vec!["MIGRATE", "127.0.0.1", &tp, "k2", "0", "-5", "AUTH", "pw"],
        vec!["EXISTS", "k", "k2"],
        vec!["RESTORE-ASKING", "k3", "0", "bad"],
        vec!["RESTORE-ASKING", "k2", "0", "bad"],
    ];
    let script: Vec<&[&str]> = script.iter().map(|v| v.as_slice()).collect();
    // Each source migrates into its own copy of the target (the keys must not collide).
    let Some(redis) = Server::start_redis(&[]) else {
        return;
    };
    let target2 = Server::start_redis(&["--requirepass", "pw"]).expect("redis-server");
    let ours = Server::start(&[]);
    let (mut a, mut b) = (ours.raw(), redis.raw());
    let tp2 = target2.port.to_string();
    for cmd in &script {
        let other: Vec<&str> = cmd
            .iter()
            .map(|&x| if x == tp { &tp2 } else { x })
            .collect();
        let ra = text(&a.call(cmd));
        let rb = text(&b.call(&other));
        assert_eq!(ra, rb, "{cmd:?} (left: uredis)");
    }
}

/// The DEL of the migrated keys is what replicas and the AOF see; COPY propagates nothing.
#[test]
fn migrate_propagates_del_of_moved_keys() {
    let target = Server::start(&[]);
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut a = srv.raw();
    let tp = target.port.to_string();
    a.call(&["MSET", "a", "1", "b", "2", "c", "3"]);
    a.call(&["DEBUG", "PROPAGATED", "ON"]);
    assert_eq!(
        text(&a.call(&["MIGRATE", "127.0.0.1", &tp, "a", "0", "1000", "COPY"])),
        "+OK\r\n"
    );
    assert_eq!(
        text(&a.call(&[
            "MIGRATE",
            "127.0.0.1",
            &tp,
            "",
            "0",
            "1000",
            "REPLACE",
            "KEYS",
            "a",
            "x",
            "c"
        ])),
        "+OK\r\n"
    );
    let log = text(&a.call(&["DEBUG", "PROPAGATED"]));
    assert_eq!(log, "*1\r\n$9\r\n0 DEL a c\r\n");
    let mut t = target.raw();
    assert_eq!(
        text(&t.call(&["MGET", "a", "b", "c"])),
        "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n"
    );
}

/// A cached connection the target closed is replaced by a new one (Redis's retry), and
/// INFO counts the cached connections.
#[test]
fn migrate_reconnects_after_the_target_closed_the_cached_connection() {
    let target = Server::start(&[]);
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut t = target.raw();
    let tp = target.port.to_string();
    a.call(&["SET", "k1", "v"]);
    a.call(&["SET", "k2", "v"]);
    assert_eq!(
        text(&a.call(&["MIGRATE", "127.0.0.1", &tp, "k1", "0", "1000"])),
        "+OK\r\n"
    );
    let info = bulk(&a.call(&["INFO", "stats"]));
    assert!(info.contains("migrate_cached_sockets:1\r\n"), "{info}");
    // The target kills every other client: the cached connection is gone.
    assert_eq!(
        text(&t.call(&["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"])),
        ":1\r\n"
    );
    assert_eq!(
        text(&a.call(&["MIGRATE", "127.0.0.1", &tp, "k2", "3", "1000"])),
        "+OK\r\n"
    );
    t.call(&["SELECT", "3"]);
    assert_eq!(text(&t.call(&["GET", "k2"])), "$1\r\nv\r\n");
    assert_eq!(text(&a.call(&["EXISTS", "k1", "k2"])), ":0\r\n");
}

/// redis-server as the source, uredis as the target: every type arrives intact.
#[test]
fn migrate_from_redis_into_uredis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let reference = Server::start_redis(&[]).expect("redis-server");
    let (mut r, mut u, mut refc) = (redis.raw(), ours.raw(), reference.raw());
    load_keys(&mut r);
    load_keys(&mut refc);
    let mut cmd = vec!["MIGRATE", "127.0.0.1", "", "", "4", "1000", "KEYS"];
    let up = ours.port.to_string();
    cmd[2] = &up;
    cmd.extend_from_slice(ALL_KEYS);
    assert_eq!(text(&r.call(&cmd)), "+OK\r\n");
    assert_eq!(
        snapshot(&mut u, "4", ALL_KEYS),
        snapshot(&mut refc, "0", ALL_KEYS)
    );
    assert_eq!(text(&r.call(&["DBSIZE"])), ":0\r\n");
    // RESTORE (not -ASKING) with an existing key: Redis relays uredis's BUSYKEY.
    r.call(&["SET", "s", "other"]);
    assert_eq!(
        text(&r.call(&["MIGRATE", "127.0.0.1", &up, "s", "4", "1000"])),
        "-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n"
    );
}

// ---------------------------------------------------------------------------------------------
// CONFIG GET / SET with several parameters

/// The (name, value) pairs of a CONFIG GET reply, as a set (Redis's order is its dict's).
fn config_pairs(reply: &[u8]) -> BTreeSet<(String, String)> {
    let t = text(reply);
    let lines: Vec<&str> = t.split("\r\n").collect();
    let vals: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0 && *i > 0)
        .map(|(_, l)| *l)
        .collect();
    let mut out = BTreeSet::new();
    for p in vals.chunks(2) {
        if p.len() == 2 {
            out.insert((p[0].to_string(), p[1].to_string()));
        }
    }
    out
}

#[test]
fn config_get_several_patterns_as_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let (mut a, mut b) = (ours.raw(), redis.raw());
    for cmd in [
        &["CONFIG", "GET", "maxmemory", "save", "appendonly"][..],
        &["CONFIG", "GET", "maxmemory", "MAXMEMORY", "max*"],
        &["CONFIG", "GET", "hash-max-*"],
        &["CONFIG", "GET", "hash-max-z*", "hash-max-l*"],
        &[
            "CONFIG",
            "GET",
            "hash-max-ziplist-entries",
            "hash-max-listpack-entries",
        ],
        &["CONFIG", "GET", "nosuch", "HZ", "*nosuch*", "hz"],
        &["CONFIG", "GET", "*max-*-entries", "*max-*-value", "list-*"],
        &["CONFIG", "GET", "slave*", "replica*"],
    ] {
        let (ra, rb) = (a.call(cmd), b.call(cmd));
        // The same number of pairs, and the same pairs.
        assert_eq!(
            text(&ra).lines().next(),
            text(&rb).lines().next(),
            "{cmd:?}"
        );
        assert_eq!(config_pairs(&ra), config_pairs(&rb), "{cmd:?}");
    }
}

#[test]
fn config_set_several_parameters_as_redis() {
    compat(&[
        &[
            "CONFIG",
            "SET",
            "hz",
            "20",
            "maxmemory",
            "10mb",
            "maxmemory-policy",
            "allkeys-lru",
        ],
        &["CONFIG", "GET", "hz"],
        &["CONFIG", "GET", "maxmemory"],
        &["CONFIG", "GET", "maxmemory-policy"],
        // Rejected values: nothing changes.
        &["CONFIG", "SET", "hz", "30", "maxmemory-policy", "nope"],
        &["CONFIG", "SET", "hz", "30", "maxmemory", "abc", "hz", "x"],
        &["CONFIG", "SET", "maxmemory", "abc", "hz", "abc"],
        &["CONFIG", "SET", "maxmemory", "1mb", "save", "abc"],
        &["CONFIG", "GET", "hz"],
        &["CONFIG", "GET", "maxmemory"],
        // Name errors come first, in Redis's order.
        &["CONFIG", "SET", "hz", "10", "hz", "11"],
        &["CONFIG", "SET", "hz", "10", "HZ", "11"],
        &["CONFIG", "SET", "hz", "x", "nosuch", "1"],
        &["CONFIG", "SET", "nosuch", "1", "daemonize", "yes"],
        &["CONFIG", "SET", "daemonize", "yes", "nosuch", "1"],
        &["CONFIG", "SET", "hz", "10", "daemonize", "yes"],
        &["CONFIG", "SET", "hz", "10", "dir", "/tmp"],
        &["CONFIG", "SET", "hz", "10", "dir", "/tmp", "hz", "1"],
        &["CONFIG", "SET", "hz", "10", "maxmemory"],
        &["CONFIG", "SET", "hz"],
        // An alias and its parameter are distinct entries: no duplicate, the last wins.
        &[
            "CONFIG",
            "SET",
            "hash-max-ziplist-entries",
            "1",
            "hash-max-listpack-entries",
            "2",
        ],
        &["CONFIG", "GET", "hash-max-listpack-entries"],
        &[
            "CONFIG",
            "SET",
            "hash-max-listpack-entries",
            "7",
            "hash-max-ziplist-entries",
            "8",
        ],
        &["CONFIG", "GET", "hash-max-ziplist-entries"],
        &[
            "CONFIG",
            "SET",
            "hash-max-ziplist-entries",
            "1",
            "hash-max-ziplist-entries",
            "2",
        ],
        &[
            "CONFIG",
            "SET",
            "slave-read-only",
            "yes",
            "replica-read-only",
            "no",
        ],
        &["CONFIG", "GET", "hz"],
    ]);
}

// ---------------------------------------------------------------------------------------------
// CLIENT LIST / INFO / KILL

/// `name=value` pairs of one CLIENT LIST line.
fn fields(line: &str) -> Vec<(String, String)> {
    line.trim_end()
        .split(' ')
        .map(|f| {
            let (k, v) = f.split_once('=').unwrap_or((f, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn field(line: &str, name: &str) -> String {
    fields(line)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {name} in {line}"))
}

#[test]
fn client_list_has_redis_fields_in_order() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    for (srv_a, srv_b) in [(&ours, &redis)] {
        let (mut a, mut b) = (srv_a.raw(), srv_b.raw());
        let (la, lb) = (
            bulk(&a.call(&["CLIENT", "INFO"])),
            bulk(&b.call(&["CLIENT", "INFO"])),
        );
        let names = |l: &str| fields(l).into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        assert_eq!(names(&la), names(&lb));
        for f in [
            "name", "flags", "db", "sub", "psub", "ssub", "multi", "cmd", "user", "redir", "resp",
        ] {
            assert_eq!(field(&la, f), field(&lb, f), "{f}");
        }
        // Another client in MULTI with two queued commands, seen from here.
        let (mut ma, mut mb) = (srv_a.raw(), srv_b.raw());
        for m in [&mut ma, &mut mb] {
            m.call(&["CLIENT", "SETNAME", "queuer"]);
            m.call(&["SELECT", "3"]);
            m.call(&["SUBSCRIBE", "ch"]);
            m.call(&["UNSUBSCRIBE"]);
            m.call(&["MULTI"]);
            m.call(&["SET", "key", "value"]);
            m.call(&["LPUSH", "l", "a", "b", "c"]);
        }
        let ida = text(&ma.call(&["CLIENT", "ID"]));
        let idb = text(&mb.call(&["CLIENT", "ID"]));
        // (CLIENT ID was queued; look the client up by name instead.)
        let _ = (ida, idb);
        let find = |c: &mut Raw| {
            bulk(&c.call(&["CLIENT", "LIST", "TYPE", "normal"]))
                .lines()
                .find(|l| l.contains(" name=queuer "))
                .expect("listed")
                .to_string()
        };
        let (qa, qb) = (find(&mut a), find(&mut b));
        for f in [
            "name",
            "flags",
            "db",
            "sub",
            "psub",
            "multi",
            "multi-mem",
            "cmd",
            "redir",
        ] {
            assert_eq!(field(&qa, f), field(&qb, f), "{f}: {qa} / {qb}");
        }
        assert_eq!(field(&qa, "multi"), "3");
    }
}

#[test]
fn client_kill_errors_match_redis() {
    compat(&[
        &["CLIENT", "KILL"],
        &["CLIENT", "KILL", "1.2.3.4:5"],
        &["CLIENT", "KILL", "ID"],
        &["CLIENT", "KILL", "ID", "0"],
        &["CLIENT", "KILL", "ID", "-1"],
        &["CLIENT", "KILL", "ID", "abc"],
        &["CLIENT", "KILL", "ID", "9223372036854775808"],
        &["CLIENT", "KILL", "ID", "99999"],
        &["CLIENT", "KILL", "TYPE", "foo"],
        &["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "maybe"],
        &["CLIENT", "KILL", "USER", "nouser"],
        &["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "LADDR", "1.1.1.1:1"],
        &["CLIENT", "KILL", "ID", "1", "TYPE"],
        &["CLIENT", "KILL", "foo", "bar"],
        &["CLIENT", "KILL", "TYPE", "master"],
        &["CLIENT", "KILL", "TYPE", "replica"],
        &["CLIENT", "KILL", "TYPE", "slave"],
        &["CLIENT", "KILL", "TYPE", "pubsub"],
        &["CLIENT", "KILL", "USER", "default", "ADDR", "1:1"],
        &["CLIENT", "KILL", "SKIPME", "yes", "ADDR", "1:1"],
        &["CLIENT", "LIST", "TYPE", "foo"],
        &["CLIENT", "LIST", "ID", "abc"],
        &["CLIENT", "LIST", "ID"],
        &["CLIENT", "LIST", "foo"],
        &["CLIENT", "LIST", "ID", "0", "-1"],
        &["CLIENT", "INFO", "x"],
    ]);
}

/// Each filter kills what Redis kills, counted the same.
#[test]
fn client_kill_filters_as_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    for srv in [&ours, &redis] {
        srv.raw()
            .call(&["ACL", "SETUSER", "bob", "on", "nopass", "+@all", "~*"]);
    }
    let mut results: Vec<Vec<String>> = vec![];
    for srv in [&ours, &redis] {
        let mut me = srv.raw();
        let mut out = vec![];
        // Victims: two normal clients, one subscriber, one of user bob.
        let mut n1 = srv.raw();
        let mut n2 = srv.raw();
        let mut ps = srv.raw();
        let mut bob = srv.raw();
        n1.call(&["PING"]);
        n2.call(&["PING"]);
        ps.call(&["SUBSCRIBE", "x"]);
        bob.call(&["AUTH", "bob", "any"]);
        let info = |c: &mut Raw| bulk(&c.call(&["CLIENT", "INFO"]));
        let n1_info = info(&mut n1);
        let n2_info = info(&mut n2);
        let me_info = info(&mut me);
        out.push(text(&me.call(&["CLIENT", "KILL", "TYPE", "pubsub"])));
        assert!(ps.is_closed());
        out.push(text(&me.call(&["CLIENT", "KILL", "USER", "bob"])));
        assert!(bob.is_closed());
        let id = field(&n1_info, "id");
        out.push(text(
            &me.call(&["CLIENT", "KILL", "ID", &id, "TYPE", "pubsub"]),
        ));
        out.push(text(
            &me.call(&["CLIENT", "KILL", "ID", &id, "TYPE", "normal"]),
        ));
        assert!(n1.is_closed());
        let addr = field(&n2_info, "addr");
        let laddr = field(&n2_info, "laddr");
        out.push(text(&me.call(&[
            "CLIENT",
            "KILL",
            "ADDR",
            &addr,
            "LADDR",
            "1.1.1.1:1",
        ])));
        out.push(text(
            &me.call(&["CLIENT", "KILL", "LADDR", &laddr, "ADDR", &addr]),
        ));
        assert!(n2.is_closed());
        out.push(text(&me.call(&["CLIENT", "KILL", "ADDR", &addr])));
        // Myself: skipped unless SKIPME no.
        let my_addr = field(&me_info, "addr");
        out.push(text(&me.call(&["CLIENT", "KILL", "ADDR", &my_addr])));
        out.push(text(
            &me.call(&["CLIENT", "KILL", "ADDR", &my_addr, "SKIPME", "no"]),
        ));
        assert!(me.is_closed());
        // The old form kills its caller too, replying +OK first.
        let mut me2 = srv.raw();
        let my2 = field(&info(&mut me2), "addr");
        out.push(text(&me2.call(&["CLIENT", "KILL", &my2])));
        assert!(me2.is_closed());
        results.push(out);
    }
    assert_eq!(results[0], results[1], "left: uredis");
}

/// RESTORE-ASKING is RESTORE: the same payload, options and errors.
#[test]
fn restore_asking_is_restore() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let (mut a, mut b) = (ours.raw(), redis.raw());
    b.call(&["RPUSH", "src", "a", "b", "c"]);
    let dumped = b.call(&["DUMP", "src"]);
    // The bulk's body: after the first CRLF, without the last.
    let start = dumped.iter().position(|&c| c == b'\n').expect("bulk") + 1;
    let payload = &dumped[start..dumped.len() - 2];
    for args in [
        &[&b"RESTORE-ASKING"[..], b"k", b"0", payload][..],
        &[b"RESTORE-ASKING", b"k", b"0", payload],
        &[b"RESTORE-ASKING", b"k", b"100000", payload, b"REPLACE"],
        &[
            b"restore-asking",
            b"k2",
            b"0",
            payload,
            b"ABSTTL",
            b"IDLETIME",
            b"10",
        ],
        &[b"RESTORE-ASKING", b"k3", b"0", b"bad payload"],
        &[b"RESTORE-ASKING", b"k3", b"-1", payload],
        &[b"RESTORE-ASKING", b"k3", b"0", payload, b"NOPE"],
        &[b"LRANGE", b"k", b"0", b"-1"],
        &[b"OBJECT", b"IDLETIME", b"k2"],
    ] {
        assert_eq!(
            text(&a.call_bytes(args)),
            text(&b.call_bytes(args)),
            "{:?}",
            String::from_utf8_lossy(args[0])
        );
    }
}

/// A target that accepts but never answers: the read times out (no retry after a timeout);
/// a target that closes every connection: the read fails, is retried once, then reported.
#[test]
fn migrate_timeouts_and_closed_connections_as_redis() {
    use std::io::Read;
    use std::net::TcpListener;
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    // Silent: keeps every connection open, reads and discards.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port().to_string();
    std::thread::spawn(move || {
        for s in silent.incoming().flatten() {
            std::thread::spawn(move || {
                let mut s = s;
                let mut buf = [0u8; 4096];
                while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
            });
        }
    });
    // Closing: reads the request, then closes without a reply.
    let closing = TcpListener::bind("127.0.0.1:0").unwrap();
    let closing_port = closing.local_addr().unwrap().port().to_string();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for s in closing.incoming().flatten() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut s = s;
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
        }
    });
    let mut replies = vec![];
    for srv in [&ours, &redis] {
        let mut c = srv.raw();
        c.call(&["SET", "k", "v"]);
        let before = accepted.load(std::sync::atomic::Ordering::SeqCst);
        let r1 = text(&c.call(&["MIGRATE", "127.0.0.1", &silent_port, "k", "0", "100"]));
        let r2 = text(&c.call(&["MIGRATE", "127.0.0.1", &closing_port, "k", "0", "1000"]));
        let tries = accepted.load(std::sync::atomic::Ordering::SeqCst) - before;
        let r3 = text(&c.call(&["EXISTS", "k"]));
        let info = bulk(&c.call(&["INFO", "stats"]));
        let cached = info
            .lines()
            .find(|l| l.starts_with("migrate_cached_sockets:"))
            .unwrap_or_default()
            .to_string();
        replies.push((r1, r2, tries, r3, cached));
    }
    assert_eq!(replies[0], replies[1], "left: uredis");
    assert_eq!(
        replies[0].0,
        "-IOERR error or timeout reading to target instance\r\n"
    );
    assert_eq!(replies[0].2, 2, "one retry on a fresh connection");
}
