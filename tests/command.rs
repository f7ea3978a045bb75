//! The COMMAND family against a real redis-server 7.0.15: for every command in our table,
//! `COMMAND INFO` and `COMMAND DOCS` must be byte-identical to Redis's (which also proves our
//! arity, flags and key positions), in RESP2 and RESP3; plus COUNT, LIST, GETKEYS,
//! GETKEYSANDFLAGS and HELP.
//!
//! Redis walks its command dictionaries in hash order, which is random per process, so replies
//! that list several commands (COMMAND, INFO/DOCS without names, LIST, a container's
//! subcommands) are compared after sorting by name and keeping only the commands we register.
//!
//! Also home of the generator of `src/cmd/docs.rs` (ignored test `regenerate_docs`).

mod common;

use std::collections::{BTreeSet, HashSet};

use common::{Raw, Server, compat};
use uredis::cmd::table;

// ---------------------------------------------------------------------------------------------
// A small RESP2/RESP3 reader into a tree.

#[derive(Debug, Clone, PartialEq)]
enum V {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(String),
    Null,
    Array(Vec<V>),
    Set(Vec<V>),
    Map(Vec<(V, V)>),
    Other(Vec<u8>),
}

fn parse(b: &[u8]) -> V {
    let (v, n) = parse_at(b, 0);
    assert_eq!(n, b.len(), "trailing bytes after a reply");
    v
}

fn parse_at(b: &[u8], at: usize) -> (V, usize) {
    let end = at + b[at..].windows(2).position(|w| w == b"\r\n").expect("line");
    let line = std::str::from_utf8(&b[at + 1..end])
        .expect("utf8 header")
        .to_string();
    let next = end + 2;
    let n = || line.parse::<i64>().expect("length");
    match b[at] {
        b'+' => (V::Simple(line), next),
        b'-' => (V::Error(line), next),
        b':' => (V::Int(n()), next),
        b'_' => (V::Null, next),
        b'$' if n() < 0 => (V::Null, next),
        b'*' if n() < 0 => (V::Null, next),
        b'$' => {
            let len = n() as usize;
            (
                V::Bulk(String::from_utf8_lossy(&b[next..next + len]).into_owned()),
                next + len + 2,
            )
        }
        b'*' | b'~' => {
            let mut pos = next;
            let mut items = vec![];
            for _ in 0..n() {
                let (v, p) = parse_at(b, pos);
                items.push(v);
                pos = p;
            }
            let v = if b[at] == b'*' {
                V::Array(items)
            } else {
                V::Set(items)
            };
            (v, pos)
        }
        b'%' => {
            let mut pos = next;
            let mut items = vec![];
            for _ in 0..n() {
                let (k, p) = parse_at(b, pos);
                let (v, p) = parse_at(b, p);
                items.push((k, v));
                pos = p;
            }
            (V::Map(items), pos)
        }
        _ => (V::Other(b[at..next].to_vec()), next),
    }
}

impl V {
    fn str(&self) -> &str {
        match self {
            V::Simple(s) => s,
            V::Bulk(b) => b,
            other => panic!("not a string: {other:?}"),
        }
    }

    fn int(&self) -> i64 {
        match self {
            V::Int(i) => *i,
            other => panic!("not an integer: {other:?}"),
        }
    }

    fn items(&self) -> &[V] {
        match self {
            V::Array(v) | V::Set(v) => v,
            other => panic!("not an aggregate: {other:?}"),
        }
    }

    /// Key/value pairs of a RESP3 map or of a RESP2 flat array.
    fn pairs(&self) -> Vec<(V, V)> {
        match self {
            V::Map(p) => p.clone(),
            V::Array(v) => v.chunks(2).map(|c| (c[0].clone(), c[1].clone())).collect(),
            other => panic!("not a map: {other:?}"),
        }
    }

    /// Rebuilds a map of the same kind as `self` (RESP3 map or RESP2 flat array).
    fn with_pairs(&self, pairs: Vec<(V, V)>) -> V {
        match self {
            V::Map(_) => V::Map(pairs),
            _ => V::Array(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Canonical forms for replies whose order Redis randomises.

/// Commands we implement from Redis 7.2 that redis-server 7.0.15 does not have; they are
/// left out of comparisons of listings (their own entries are checked by other tests).
const NEWER_THAN_7_0: &[&str] = &["client|setinfo", "client|no-touch"];

/// Every full name we register (top-level commands and subcommands) that Redis 7.0 also has.
fn our_names() -> HashSet<String> {
    let mut s = HashSet::new();
    for c in table::all() {
        s.insert(c.name.to_string());
        for sub in c.subcommands {
            s.insert(sub.name.to_string());
        }
    }
    for n in NEWER_THAN_7_0 {
        s.remove(*n);
    }
    s
}

/// One COMMAND INFO entry with its subcommands filtered to ours and sorted.
fn canon_info(v: &V, ours: &HashSet<String>) -> V {
    let V::Array(f) = v else {
        return v.clone();
    };
    let mut f = f.clone();
    if let Some(V::Array(subs)) = f.get_mut(9) {
        subs.retain(|s| ours.contains(s.items()[0].str()));
        subs.sort_by(|a, b| a.items()[0].str().cmp(b.items()[0].str()));
    }
    V::Array(f)
}

/// A list of COMMAND INFO entries, filtered to ours, sorted, each canonical.
fn canon_info_list(v: &V, ours: &HashSet<String>) -> V {
    let mut items: Vec<V> = v
        .items()
        .iter()
        .filter(|i| *i == &V::Null || ours.contains(i.items()[0].str()))
        .map(|i| canon_info(i, ours))
        .collect();
    items.sort_by(|a, b| a.items()[0].str().cmp(b.items()[0].str()));
    V::Array(items)
}

/// One COMMAND DOCS value with its subcommands filtered to ours and sorted.
fn canon_doc(v: &V, ours: &HashSet<String>) -> V {
    let pairs = v
        .pairs()
        .into_iter()
        .map(|(k, val)| {
            if k.str() == "subcommands" {
                let subs = canon_doc_map(&val, ours);
                (k, subs)
            } else {
                (k, val)
            }
        })
        .collect();
    v.with_pairs(pairs)
}

/// A COMMAND DOCS map (name -> docs) filtered to ours, sorted, each canonical.
fn canon_doc_map(v: &V, ours: &HashSet<String>) -> V {
    let mut pairs: Vec<(V, V)> = v
        .pairs()
        .into_iter()
        .filter(|(k, _)| ours.contains(k.str()))
        .map(|(k, d)| {
            let d = canon_doc(&d, ours);
            (k, d)
        })
        .collect();
    pairs.sort_by(|a, b| a.0.str().cmp(b.0.str()));
    v.with_pairs(pairs)
}

/// Asserts two canonical lists of COMMAND INFO entries (`info`) or of COMMAND DOCS pairs are
/// equal, naming the first command that differs.
fn assert_same_list(info: bool, ours: &V, theirs: &V, what: &str) {
    let entries = |v: &V| -> Vec<(String, V)> {
        if info {
            v.items()
                .iter()
                .map(|i| match i {
                    V::Null => ("(nil)".to_string(), V::Null),
                    i => (i.items()[0].str().to_string(), i.clone()),
                })
                .collect()
        } else {
            v.pairs()
                .into_iter()
                .map(|(k, d)| (k.str().to_string(), d))
                .collect()
        }
    };
    let (a, b) = (entries(ours), entries(theirs));
    let names = |e: &[(String, V)]| e.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "{what}: the commands listed differ");
    for ((n, x), (_, y)) in a.iter().zip(&b) {
        assert_eq!(
            x, y,
            "{what}: the entry of {n} differs (left: uredis, right: redis)"
        );
    }
}

fn canon_name_list(v: &V, ours: &HashSet<String>) -> Vec<String> {
    let mut names: Vec<String> = v
        .items()
        .iter()
        .map(|n| n.str().to_string())
        .filter(|n| ours.contains(n))
        .collect();
    names.sort();
    names
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Our server and a real one, each with a RESP2 and a RESP3 connection.
struct Pair {
    _ours: Server,
    _redis: Server,
    conns: Vec<(&'static str, Raw, Raw)>,
}

fn pair() -> Option<Pair> {
    let Some(redis) = Server::start_redis(&[]) else {
        if std::env::var_os("UREDIS_REQUIRE_REDIS").is_some() {
            panic!("UREDIS_REQUIRE_REDIS is set but redis-server could not be started");
        }
        eprintln!("note: redis-server not installed; comparison skipped");
        return None;
    };
    let ours = Server::start(&[]);
    let mut conns = vec![("RESP2", ours.raw(), redis.raw())];
    let mut a = ours.raw();
    let mut b = redis.raw();
    let ra = a.call(&["HELLO", "3"]);
    b.call(&["HELLO", "3"]);
    if ra.starts_with(b"-") {
        eprintln!("note: HELLO is not registered yet; RESP3 comparisons skipped");
    } else {
        conns.push(("RESP3", a, b));
    }
    Some(Pair {
        _ours: ours,
        _redis: redis,
        conns,
    })
}

// ---------------------------------------------------------------------------------------------
// The invariant: every registered command is described exactly as Redis describes it.

#[test]
fn info_and_docs_match_redis_for_every_registered_command() {
    let Some(mut p) = pair() else { return };
    let ours = our_names();
    let mut compared = 0;
    let mut skipped = BTreeSet::new();
    let mut failures: Vec<String> = vec![];
    for (proto, a, b) in &mut p.conns {
        for cmd in table::all() {
            let names = std::iter::once(*cmd).chain(cmd.subcommands.iter());
            for c in names {
                let upper = c.name.to_uppercase();
                for name in [c.name, upper.as_str()] {
                    let ri = b.call(&["COMMAND", "INFO", name]);
                    if parse(&ri) == V::Array(vec![V::Null]) {
                        skipped.insert(c.name);
                        continue;
                    }
                    let oi = a.call(&["COMMAND", "INFO", name]);
                    let rd = b.call(&["COMMAND", "DOCS", name]);
                    let od = a.call(&["COMMAND", "DOCS", name]);
                    let (same_info, same_docs) = if c.subcommands.is_empty() {
                        (oi == ri, od == rd)
                    } else {
                        // A container lists the subcommands we register, in table order.
                        (
                            canon_info_list(&parse(&oi), &ours)
                                == canon_info_list(&parse(&ri), &ours),
                            canon_doc_map(&parse(&od), &ours) == canon_doc_map(&parse(&rd), &ours),
                        )
                    };
                    if !same_info {
                        failures.push(format!(
                            "{proto} COMMAND INFO {name}\n  uredis: {:?}\n  redis:  {:?}",
                            show(&oi),
                            show(&ri)
                        ));
                    }
                    if !same_docs {
                        failures.push(format!(
                            "{proto} COMMAND DOCS {name}\n  uredis: {:?}\n  redis:  {:?}",
                            show(&od),
                            show(&rd)
                        ));
                    }
                    compared += 1;
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Only 7.2 additions may be missing from Redis 7.0.15.
    for s in &skipped {
        assert!(
            ["client|setinfo", "client|no-touch"].contains(s),
            "redis-server 7.0.15 does not know {s}"
        );
    }
    assert!(compared > 0);
}

/// Every registered command has generated data (else COMMAND INFO/DOCS would be incomplete).
#[test]
fn every_registered_command_has_docs() {
    for c in table::all() {
        assert!(uredis::cmd::docs::get(c.name).is_some(), "{}", c.name);
        for s in c.subcommands {
            assert!(uredis::cmd::docs::get(s.name).is_some(), "{}", s.name);
        }
    }
    let names: Vec<&str> = uredis::cmd::docs::DOCS.iter().map(|d| d.name).collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "DOCS must be sorted");
}

#[test]
fn listings_match_redis() {
    let Some(mut p) = pair() else { return };
    let ours = our_names();
    let top: HashSet<String> = table::all().iter().map(|c| c.name.to_string()).collect();
    for (proto, a, b) in &mut p.conns {
        for args in [&["COMMAND"][..], &["COMMAND", "INFO"]] {
            let (o, r) = (parse(&a.call(args)), parse(&b.call(args)));
            assert_eq!(o.items().len(), top.len(), "{proto} {args:?}");
            let what = format!("{proto} {args:?}");
            assert_same_list(
                true,
                &canon_info_list(&o, &ours),
                &canon_info_list(&r, &ours),
                &what,
            );
        }
        let (o, r) = (
            parse(&a.call(&["COMMAND", "DOCS"])),
            parse(&b.call(&["COMMAND", "DOCS"])),
        );
        assert_eq!(o.pairs().len(), top.len(), "{proto} COMMAND DOCS");
        let what = format!("{proto} COMMAND DOCS");
        assert_same_list(
            false,
            &canon_doc_map(&o, &ours),
            &canon_doc_map(&r, &ours),
            &what,
        );
        // Several names, unknown ones, duplicates, odd spellings.
        let names = [
            "COMMAND",
            "INFO",
            "get",
            "nosuch",
            "CONFIG|GET",
            "get|x",
            "config|get|x",
            "|",
            "config|",
            "",
            "GET",
            "ping",
        ];
        let (o, r) = (parse(&a.call(&names)), parse(&b.call(&names)));
        let keep = |v: &V| {
            V::Array(
                v.items()
                    .iter()
                    .map(|i| match i {
                        V::Null => V::Null,
                        i if ours.contains(i.items()[0].str()) => canon_info(i, &ours),
                        _ => V::Null,
                    })
                    .collect(),
            )
        };
        assert_same_list(true, &keep(&o), &keep(&r), &format!("{proto} {names:?}"));
        let mut names = names;
        names[1] = "DOCS";
        let (o, r) = (parse(&a.call(&names)), parse(&b.call(&names)));
        let keep = |v: &V| {
            v.with_pairs(
                v.pairs()
                    .into_iter()
                    .filter(|(k, _)| ours.contains(k.str()))
                    .map(|(k, d)| {
                        let d = canon_doc(&d, &ours);
                        (k, d)
                    })
                    .collect(),
            )
        };
        assert_same_list(false, &keep(&o), &keep(&r), &format!("{proto} {names:?}"));

        for args in [
            &["COMMAND", "LIST"][..],
            &["COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection"],
            &["COMMAND", "LIST", "FILTERBY", "aclcat", "WRITE"],
            &["COMMAND", "LIST", "FILTERBY", "aclcat", "keyspace"],
            &["COMMAND", "LIST", "FILTERBY", "PATTERN", "*get*"],
            &["COMMAND", "LIST", "FILTERBY", "pattern", "CONFIG|*"],
            &["COMMAND", "LIST", "FILTERBY", "pattern", "c[lo]*"],
            &["COMMAND", "LIST", "FILTERBY", "pattern", "*|*"],
            &["COMMAND", "LIST", "FILTERBY", "aclcat", "DANGEROUS"],
            &["COMMAND", "LIST", "FILTERBY", "aclcat", "@read"],
        ] {
            let (o, r) = (parse(&a.call(args)), parse(&b.call(args)));
            let mut mine: Vec<String> = o
                .items()
                .iter()
                .map(|n| n.str().to_string())
                .filter(|n| !NEWER_THAN_7_0.contains(&n.as_str()))
                .collect();
            mine.sort();
            assert_eq!(mine, canon_name_list(&r, &ours), "{proto} {args:?}");
        }
        let all = parse(&a.call(&["COMMAND", "LIST"]));
        let newer = all
            .items()
            .iter()
            .filter(|n| NEWER_THAN_7_0.contains(&n.str()))
            .count();
        assert_eq!(
            all.items().len(),
            ours.len() + newer,
            "{proto} COMMAND LIST has every name"
        );
    }
}

/// Every name Redis 7.0.15 lists (366, SCRIPT DEBUG included) is ours too, and ours adds
/// only the 7.2 names clients send on connect.
#[test]
fn command_list_has_every_redis_name() {
    let Some(mut p) = pair() else { return };
    let (_, a, b) = &mut p.conns[0];
    let names = |v: V| {
        let mut n: Vec<String> = v.items().iter().map(|n| n.str().to_string()).collect();
        n.sort();
        n
    };
    let theirs = names(parse(&b.call(&["COMMAND", "LIST"])));
    let mine: Vec<String> = names(parse(&a.call(&["COMMAND", "LIST"])))
        .into_iter()
        .filter(|n| !NEWER_THAN_7_0.contains(&n.as_str()))
        .collect();
    assert_eq!(theirs.len(), 366);
    assert_eq!(mine, theirs);
    assert!(mine.iter().any(|n| n == "script|debug"));
}

#[test]
fn count_is_our_table_size() {
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    let n = format!(":{}\r\n", table::all().len());
    assert_eq!(show(&c.call(&["COMMAND", "COUNT"])), n);
    assert_eq!(show(&c.call(&["command", "count"])), n);
}

/// Replies that do not depend on which commands are registered.
#[test]
fn fixed_replies_match_redis() {
    compat(&[
        &["COMMAND", "HELP"],
        &["COMMAND", "help"],
        &["COMMAND", "COUNT", "x"],
        &["COMMAND", "NOPE"],
        &["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nope"],
        &["COMMAND", "LIST", "FILTERBY", "ACLCAT", ""],
        &["COMMAND", "LIST", "FILTERBY", "MODULE", "x"],
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "zz*"],
        &["COMMAND", "LIST", "FILTERBY", "foo", "x"],
        &["COMMAND", "LIST", "FILTERBY", "pattern", "x", "y"],
        &["COMMAND", "LIST", "FILTERBY", "pattern"],
        &["COMMAND", "LIST", "foo"],
        &[
            "COMMAND", "LIST", "FILTERBY", "PATTERN", "a", "FILTERBY", "ACLCAT", "b",
        ],
        &["COMMAND", "DOCS", "nosuch"],
        &["COMMAND", "DOCS", "nosuch", "get|x"],
        &["COMMAND", "INFO", "nosuch"],
        &["COMMAND", "INFO", "a|b|c", ""],
        &["COMMAND", "GETKEYS"],
        &["COMMAND", "GETKEYS", "nosuch"],
        &["COMMAND", "GETKEYS", "nosuch", "a"],
        &["COMMAND", "GETKEYSANDFLAGS", "nosuch", "a"],
        &["COMMAND", "GETKEYS", "COMMAND", "GETKEYS", "GET", "k"],
        &["COMMAND", "GETKEYS", "COMMAND", "nosuch"],
        &["COMMAND", "GETKEYS", "COMMAND", "INFO"],
    ]);
}

/// GETKEYS / GETKEYSANDFLAGS for every registered command among these cases. Cases whose
/// command we do not register (yet) are left out, so this grows as families land.
#[test]
fn getkeys_matches_redis() {
    let cases: &[&[&str]] = &[
        &["GET", "k"],
        &["GET", "a", "b"],
        &["GET"],
        &["SET", "k", "v"],
        &["SET", "k", "v", "GET"],
        &["SET", "k", "v", "EX", "10", "get"],
        &["SET", "k", "v", "GETX"],
        &["set", "k", "v", "nx", "get"],
        &["SET", "k", "v", "KEEPTTL"],
        &["SET", "k"],
        &["MSET", "a", "1", "b", "2"],
        &["MSET", "a", "1", "b"],
        &["MSET", "a"],
        &["MSETNX", "a", "1", "b", "2"],
        &["MGET", "a", "b", "c"],
        &["DEL", "a", "b", "c"],
        &["DEL", "a"],
        &["UNLINK", "a", "b"],
        &["EXISTS", "a", "a"],
        &["TOUCH", "a", "b"],
        &["LCS", "a", "b"],
        &["LCS", "a", "b", "LEN"],
        &["COPY", "a", "b", "DB", "1", "REPLACE"],
        &["RENAME", "a", "b"],
        &["RENAMENX", "a", "b"],
        &["MOVE", "a", "1"],
        &["GETEX", "a", "PERSIST"],
        &["GETSET", "a", "b"],
        &["GETDEL", "a"],
        &["SETEX", "a", "10", "v"],
        &["PSETEX", "a", "10", "v"],
        &["SETNX", "a", "v"],
        &["APPEND", "a", "v"],
        &["STRLEN", "a"],
        &["GETRANGE", "a", "0", "1"],
        &["SUBSTR", "a", "0", "1"],
        &["SETRANGE", "a", "0", "x"],
        &["INCR", "a"],
        &["DECR", "a"],
        &["INCRBY", "a", "1"],
        &["DECRBY", "a", "1"],
        &["INCRBYFLOAT", "a", "1"],
        &["TYPE", "a"],
        &["EXPIRE", "a", "1", "NX"],
        &["PEXPIRE", "a", "1"],
        &["EXPIREAT", "a", "1"],
        &["PEXPIREAT", "a", "1"],
        &["TTL", "a"],
        &["PTTL", "a"],
        &["EXPIRETIME", "a"],
        &["PEXPIRETIME", "a"],
        &["PERSIST", "a"],
        &["OBJECT", "ENCODING", "a"],
        &["OBJECT", "FREQ", "a"],
        &["OBJECT", "HELP"],
        &["OBJECT", "NOPE"],
        &["object", "encoding"],
        &["object", "Encoding", "k"],
        &["OBJECT", "IDLETIME", "k", "x"],
        &["CONFIG", "SET", "a", "b"],
        &["CLIENT", "KILL", "ID", "1"],
        &["KEYS", "*"],
        &["SCAN", "0"],
        &["RANDOMKEY"],
        &["SWAPDB", "0", "1"],
        &["DBSIZE"],
        &["FLUSHDB"],
        &["PING"],
        &["ECHO", "x"],
        &["CONFIG", "GET", "x"],
        &["CONFIG", "NOPE", "x"],
        &["CLIENT", "ID"],
        &["CLIENT", "NOPE"],
        &["INFO", "all"],
        &["DEBUG", "x"],
    ];
    let mut script: Vec<Vec<&str>> = vec![];
    let mut used = 0;
    for case in cases {
        // A command we register, or a subcommand we register (or one nobody has: NOPE).
        let registered = match case.first().and_then(|n| table::lookup(n.as_bytes())) {
            None => false,
            Some(c) if c.subcommands.is_empty() || case.len() < 2 => true,
            Some(c) => c.subcommand(case[1].as_bytes()).is_some() || case[1] == "NOPE",
        };
        if !registered {
            continue;
        }
        used += 1;
        for sub in ["GETKEYS", "GETKEYSANDFLAGS"] {
            let mut line = vec!["COMMAND", sub];
            line.extend_from_slice(case);
            script.push(line);
        }
    }
    assert!(used > 0, "GET is always registered");
    let script: Vec<&[&str]> = script.iter().map(|l| l.as_slice()).collect();
    compat(&script);
}

/// Exact GETKEYS replies for the commands the brief names, independent of Redis.
#[test]
fn getkeys_basics() {
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    assert_eq!(
        show(&c.call(&["COMMAND", "GETKEYS", "GET", "k"])),
        "*1\r\n$1\r\nk\r\n"
    );
    assert_eq!(
        show(&c.call(&["COMMAND", "GETKEYS", "GET", "a", "b"])),
        "-ERR Invalid number of arguments specified for command\r\n"
    );
    assert_eq!(
        show(&c.call(&["COMMAND", "GETKEYS", "nosuch", "a"])),
        "-ERR Invalid command specified\r\n"
    );
    assert_eq!(
        show(&c.call(&["COMMAND", "GETKEYS", "COMMAND", "INFO"])),
        "-ERR The command has no key arguments\r\n"
    );
    assert_eq!(
        show(&c.call(&["COMMAND", "GETKEYSANDFLAGS", "GET", "k"])),
        "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n"
    );
    if table::lookup(b"del").is_some() {
        assert_eq!(
            show(&c.call(&["COMMAND", "GETKEYS", "DEL", "a", "b"])),
            "*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        );
    }
    if table::lookup(b"mset").is_some() {
        assert_eq!(
            show(&c.call(&["COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"])),
            "*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        );
    }
}

/// RESP3 shapes of our own commands: sets for flags/categories/tips/key specs, maps for docs.
#[test]
fn resp3_shapes() {
    let Some(mut p) = pair() else { return };
    for (proto, a, b) in &mut p.conns {
        for args in [
            &["COMMAND", "INFO", "command|info", "get", "nosuch"][..],
            &["COMMAND", "DOCS", "command|info", "get", "nosuch"],
            &["COMMAND", "DOCS"],
            &["COMMAND", "GETKEYSANDFLAGS", "GET", "k"],
        ] {
            let (o, r) = (a.call(args), b.call(args));
            if args.len() == 2 {
                assert!(o.starts_with(if *proto == "RESP3" { b"%" } else { b"*" }));
                continue;
            }
            assert_eq!(show(&o), show(&r), "{proto} {args:?}");
        }
        if *proto == "RESP3" {
            let info = a.call(&["COMMAND", "INFO", "get"]);
            assert!(show(&info).contains("~2\r\n+readonly\r\n+fast\r\n"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The generator of src/cmd/docs.rs.

/// Every command whose data we generate: the commands being implemented across the project.
const GENERATE: &[&str] = &[
    "auth",
    "acl",
    "acl|cat",
    "acl|deluser",
    "acl|dryrun",
    "acl|genpass",
    "acl|getuser",
    "acl|help",
    "acl|list",
    "acl|load",
    "acl|log",
    "acl|save",
    "acl|setuser",
    "acl|users",
    "acl|whoami",
    "subscribe",
    "unsubscribe",
    "psubscribe",
    "punsubscribe",
    "publish",
    "ssubscribe",
    "sunsubscribe",
    "spublish",
    "pubsub",
    "pubsub|channels",
    "pubsub|numsub",
    "pubsub|numpat",
    "pubsub|shardchannels",
    "pubsub|shardnumsub",
    "pubsub|help",
    "ping",
    "echo",
    "quit",
    "reset",
    "hello",
    "select",
    "client",
    "client|id",
    "client|unblock",
    "multi",
    "exec",
    "discard",
    "watch",
    "unwatch",
    "replconf",
    "psync",
    "sync",
    "wait",
    "role",
    "replicaof",
    "slaveof",
    "failover",
    "client|setname",
    "client|getname",
    "client|list",
    "client|info",
    "client|kill",
    "client|reply",
    "client|no-evict",
    "client|help",
    "client|tracking",
    "client|caching",
    "client|getredir",
    "client|trackinginfo",
    "client|pause",
    "client|unpause",
    "command",
    "command|count",
    "command|docs",
    "command|getkeys",
    "command|getkeysandflags",
    "command|help",
    "command|info",
    "command|list",
    "get",
    "set",
    "setnx",
    "setex",
    "psetex",
    "getset",
    "getdel",
    "getex",
    "mget",
    "mset",
    "msetnx",
    "append",
    "pfadd",
    "pfcount",
    "pfmerge",
    "pfdebug",
    "strlen",
    "getrange",
    "substr",
    "setrange",
    "setbit",
    "getbit",
    "bitcount",
    "bitpos",
    "bitop",
    "bitfield",
    "bitfield_ro",
    "incr",
    "decr",
    "incrby",
    "decrby",
    "incrbyfloat",
    "lcs",
    "lpush",
    "rpush",
    "lpushx",
    "rpushx",
    "lpop",
    "rpop",
    "llen",
    "lrange",
    "lindex",
    "lset",
    "linsert",
    "lrem",
    "ltrim",
    "lpos",
    "lmove",
    "rpoplpush",
    "lmpop",
    "blpop",
    "brpop",
    "blmove",
    "brpoplpush",
    "blmpop",
    "del",
    "unlink",
    "exists",
    "type",
    "keys",
    "scan",
    "randomkey",
    "rename",
    "renamenx",
    "copy",
    "move",
    "dump",
    "restore",
    "eval",
    "evalsha",
    "eval_ro",
    "evalsha_ro",
    "script",
    "script|exists",
    "script|debug",
    "script|flush",
    "script|help",
    "script|kill",
    "script|load",
    "fcall",
    "fcall_ro",
    "function",
    "function|delete",
    "function|dump",
    "function|flush",
    "function|help",
    "function|kill",
    "function|list",
    "function|load",
    "function|restore",
    "function|stats",
    "swapdb",
    "expire",
    "pexpire",
    "expireat",
    "pexpireat",
    "ttl",
    "pttl",
    "expiretime",
    "pexpiretime",
    "persist",
    "touch",
    "object",
    "object|encoding",
    "object|refcount",
    "object|idletime",
    "object|freq",
    "object|help",
    "dbsize",
    "flushdb",
    "flushall",
    "info",
    "config",
    "config|get",
    "config|set",
    "config|resetstat",
    "config|help",
    "config|rewrite",
    "time",
    "debug",
    "shutdown",
    "save",
    "bgsave",
    "lastsave",
    "bgrewriteaof",
    "hset",
    "hsetnx",
    "hmset",
    "hget",
    "hmget",
    "hgetall",
    "hkeys",
    "hvals",
    "hdel",
    "hlen",
    "hexists",
    "hstrlen",
    "hincrby",
    "hincrbyfloat",
    "hrandfield",
    "hscan",
    "sadd",
    "srem",
    "scard",
    "sismember",
    "smismember",
    "smembers",
    "spop",
    "srandmember",
    "smove",
    "sort",
    "sort_ro",
    "sinter",
    "sintercard",
    "sinterstore",
    "sunion",
    "sunionstore",
    "sdiff",
    "sdiffstore",
    "sscan",
    "zadd",
    "xadd",
    "xrange",
    "xrevrange",
    "xlen",
    "xread",
    "xreadgroup",
    "xdel",
    "xtrim",
    "xsetid",
    "xack",
    "xpending",
    "xclaim",
    "xautoclaim",
    "xgroup",
    "xgroup|create",
    "xgroup|createconsumer",
    "xgroup|delconsumer",
    "xgroup|destroy",
    "xgroup|setid",
    "xgroup|help",
    "xinfo",
    "xinfo|stream",
    "xinfo|groups",
    "xinfo|consumers",
    "xinfo|help",
    "zincrby",
    "zscore",
    "zmscore",
    "zcard",
    "zcount",
    "zlexcount",
    "zrank",
    "zrevrank",
    "zrange",
    "zrangebyscore",
    "zrevrangebyscore",
    "zrangebylex",
    "zrevrangebylex",
    "zrevrange",
    "zrangestore",
    "zrem",
    "zremrangebyrank",
    "zremrangebyscore",
    "zremrangebylex",
    "zpopmin",
    "zpopmax",
    "bzpopmin",
    "bzpopmax",
    "zmpop",
    "bzmpop",
    "zunion",
    "zunionstore",
    "zinter",
    "zinterstore",
    "zintercard",
    "zdiff",
    "zdiffstore",
    "zrandmember",
    "zscan",
    "geoadd",
    "geopos",
    "geodist",
    "geohash",
    "geosearch",
    "geosearchstore",
    "georadius",
    "georadiusbymember",
    "georadius_ro",
    "georadiusbymember_ro",
    "memory",
    "memory|doctor",
    "memory|help",
    "memory|malloc-stats",
    "memory|purge",
    "memory|stats",
    "memory|usage",
    "pfselftest",
    // surface: cluster/module commands as a non-cluster Redis, MIGRATE.
    "cluster",
    "cluster|addslots",
    "cluster|addslotsrange",
    "cluster|bumpepoch",
    "cluster|count-failure-reports",
    "cluster|countkeysinslot",
    "cluster|delslots",
    "cluster|delslotsrange",
    "cluster|failover",
    "cluster|flushslots",
    "cluster|forget",
    "cluster|getkeysinslot",
    "cluster|help",
    "cluster|info",
    "cluster|keyslot",
    "cluster|links",
    "cluster|meet",
    "cluster|myid",
    "cluster|nodes",
    "cluster|replicas",
    "cluster|replicate",
    "cluster|reset",
    "cluster|saveconfig",
    "cluster|set-config-epoch",
    "cluster|setslot",
    "cluster|shards",
    "cluster|slaves",
    "cluster|slots",
    "asking",
    "readonly",
    "readwrite",
    "module",
    "module|help",
    "module|list",
    "module|load",
    "module|loadex",
    "module|unload",
    "migrate",
    "restore-asking",
    "monitor",
    "slowlog",
    "slowlog|get",
    "slowlog|len",
    "slowlog|reset",
    "slowlog|help",
    "latency",
    "latency|latest",
    "latency|history",
    "latency|reset",
    "latency|graph",
    "latency|doctor",
    "latency|histogram",
    "latency|help",
    "lolwut",
];

/// Commands Redis 7.0.15 lacks, written from Redis 7.2's command JSON files.
const HAND_WRITTEN: &[(&str, &str)] = &[
    (
        "client|no-touch",
        r#"    Doc {
        name: "client|no-touch",
        summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
        since: "7.2.0",
        group: "connection",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "enabled",
            kind: "oneof",
            arguments: Some(&[
                Arg { name: "on", kind: "pure-token", token: Some("ON"), ..Arg::EMPTY },
                Arg { name: "off", kind: "pure-token", token: Some("OFF"), ..Arg::EMPTY },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
"#,
    ),
    (
        "client|setinfo",
        r#"    Doc {
        name: "client|setinfo",
        summary: "Sets information specific to the client or connection.",
        since: "7.2.0",
        group: "connection",
        complexity: Some("O(1)"),
        arguments: Some(&[Arg {
            name: "attr",
            kind: "oneof",
            arguments: Some(&[
                Arg { name: "libname", kind: "string", token: Some("lib-name"), ..Arg::EMPTY },
                Arg { name: "libver", kind: "string", token: Some("lib-ver"), ..Arg::EMPTY },
            ]),
            ..Arg::EMPTY
        }]),
        acl_categories: &["@slow", "@connection"],
        ..Doc::EMPTY
    },
"#,
    ),
];

const MARKER: &str = "// ---- GENERATED:";

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn opt(v: Option<&V>) -> String {
    v.map_or("None".into(), |v| format!("Some({})", lit(v.str())))
}

fn str_slice(items: &[V]) -> String {
    let v: Vec<String> = items.iter().map(|i| lit(i.str())).collect();
    format!("&[{}]", v.join(", "))
}

/// Checks that a map's keys are known and in the order the writer emits them, and returns the
/// map as a lookup.
fn ordered<'a>(pairs: &'a [(V, V)], order: &[&str], what: &str) -> Vec<(&'a str, &'a V)> {
    let mut last = 0;
    let mut out = vec![];
    for (k, v) in pairs {
        let k = k.str();
        let pos = order
            .iter()
            .position(|o| *o == k)
            .unwrap_or_else(|| panic!("{what}: unknown field {k}"));
        assert!(pos >= last, "{what}: field {k} out of the expected order");
        last = pos;
        out.push((k, v));
    }
    out
}

fn field<'a>(m: &[(&str, &'a V)], k: &str) -> Option<&'a V> {
    m.iter().find(|(n, _)| *n == k).map(|(_, v)| *v)
}

fn gen_args(args: &V) -> String {
    let mut out = String::from("&[");
    for a in args.items() {
        let pairs = a.pairs();
        let m = ordered(
            &pairs,
            &[
                "name",
                "type",
                "key_spec_index",
                "token",
                "summary",
                "since",
                "deprecated_since",
                "flags",
                "arguments",
            ],
            "argument",
        );
        out.push_str("Arg {");
        out.push_str(&format!(
            " name: {},",
            lit(field(&m, "name").expect("name").str())
        ));
        out.push_str(&format!(
            " kind: {},",
            lit(field(&m, "type").expect("type").str())
        ));
        if let Some(i) = field(&m, "key_spec_index") {
            out.push_str(&format!(" key_spec_index: Some({}),", i.int()));
        }
        for k in ["token", "summary", "since", "deprecated_since"] {
            if let Some(v) = field(&m, k) {
                out.push_str(&format!(" {k}: {},", opt(Some(v))));
            }
        }
        if let Some(f) = field(&m, "flags") {
            out.push_str(&format!(" flags: {},", str_slice(f.items())));
        }
        if let Some(sub) = field(&m, "arguments") {
            out.push_str(&format!(" arguments: Some({}),", gen_args(sub)));
        }
        out.push_str(" ..Arg::EMPTY },");
    }
    out.push(']');
    out
}

fn gen_key_spec(spec: &V) -> String {
    let pairs = spec.pairs();
    let m = ordered(
        &pairs,
        &["notes", "flags", "begin_search", "find_keys"],
        "key spec",
    );
    let part = |k: &str| -> (String, Vec<(V, V)>) {
        let p = field(&m, k).expect(k).pairs();
        let t = p[0].1.str().to_string();
        assert_eq!(p[0].0.str(), "type");
        assert_eq!(p[1].0.str(), "spec");
        (t, p[1].1.pairs())
    };
    let int = |p: &[(V, V)], i: usize, name: &str| {
        assert_eq!(p[i].0.str(), name);
        p[i].1.int()
    };
    let (bt, bs) = part("begin_search");
    let begin = match bt.as_str() {
        "unknown" => "BeginSearch::Unknown".to_string(),
        "index" => format!("BeginSearch::Index({})", int(&bs, 0, "index")),
        "keyword" => {
            assert_eq!(bs[0].0.str(), "keyword");
            format!(
                "BeginSearch::Keyword {{ keyword: {}, startfrom: {} }}",
                lit(bs[0].1.str()),
                int(&bs, 1, "startfrom")
            )
        }
        other => panic!("begin_search type {other}"),
    };
    let (ft, fs) = part("find_keys");
    let find = match ft.as_str() {
        "unknown" => "FindKeys::Unknown".to_string(),
        "range" => format!(
            "FindKeys::Range {{ lastkey: {}, keystep: {}, limit: {} }}",
            int(&fs, 0, "lastkey"),
            int(&fs, 1, "keystep"),
            int(&fs, 2, "limit")
        ),
        "keynum" => format!(
            "FindKeys::Keynum {{ keynumidx: {}, firstkey: {}, keystep: {} }}",
            int(&fs, 0, "keynumidx"),
            int(&fs, 1, "firstkey"),
            int(&fs, 2, "keystep")
        ),
        other => panic!("find_keys type {other}"),
    };
    format!(
        "KeySpec {{ notes: {}, flags: {}, begin_search: {begin}, find_keys: {find} }}",
        opt(field(&m, "notes")),
        str_slice(field(&m, "flags").expect("flags").items())
    )
}

/// One `Doc { ... }` entry from Redis's RESP3 COMMAND INFO entry and COMMAND DOCS value.
fn gen_entry(name: &str, info: &V, docs: &V) -> String {
    let f = info.items();
    assert_eq!(f.len(), 10, "{name}: COMMAND INFO entry");
    assert_eq!(f[0].str(), name);
    let pairs = docs.pairs();
    let m = ordered(
        &pairs,
        &[
            "summary",
            "since",
            "group",
            "complexity",
            "doc_flags",
            "deprecated_since",
            "replaced_by",
            "history",
            "arguments",
            "subcommands",
        ],
        name,
    );
    let mut out = String::from("    Doc {\n");
    out.push_str(&format!("        name: {},\n", lit(name)));
    for k in ["summary", "since", "group"] {
        out.push_str(&format!(
            "        {k}: {},\n",
            lit(field(&m, k).expect(k).str())
        ));
    }
    for k in ["complexity", "deprecated_since", "replaced_by"] {
        if let Some(v) = field(&m, k) {
            out.push_str(&format!("        {k}: {},\n", opt(Some(v))));
        }
    }
    if let Some(v) = field(&m, "doc_flags") {
        out.push_str(&format!("        doc_flags: {},\n", str_slice(v.items())));
    }
    if let Some(h) = field(&m, "history") {
        let entries: Vec<String> = h
            .items()
            .iter()
            .map(|e| {
                let e = e.items();
                format!("({}, {})", lit(e[0].str()), lit(e[1].str()))
            })
            .collect();
        out.push_str(&format!(
            "        history: Some(&[{}]),\n",
            entries.join(", ")
        ));
    }
    if let Some(a) = field(&m, "arguments") {
        out.push_str(&format!("        arguments: Some({}),\n", gen_args(a)));
    }
    out.push_str(&format!(
        "        acl_categories: {},\n",
        str_slice(f[6].items())
    ));
    if !f[7].items().is_empty() {
        out.push_str(&format!("        tips: {},\n", str_slice(f[7].items())));
    }
    if !f[8].items().is_empty() {
        let specs: Vec<String> = f[8].items().iter().map(gen_key_spec).collect();
        out.push_str(&format!("        key_specs: &[{}],\n", specs.join(", ")));
    }
    out.push_str("        ..Doc::EMPTY\n    },\n");
    out
}

/// Rewrites the generated part of `src/cmd/docs.rs` from a real redis-server 7.0.15.
#[test]
#[ignore = "regenerates src/cmd/docs.rs from a real redis-server 7.0.15"]
fn regenerate_docs() {
    let redis = Server::start_redis(&[]).expect("redis-server is needed to regenerate");
    let mut c = redis.raw();
    let version = show(&c.call(&["INFO", "server"]));
    assert!(
        version.contains("redis_version:7.0.15\r\n"),
        "docs must come from redis-server 7.0.15"
    );
    c.call(&["HELLO", "3"]);
    let mut entries: Vec<(String, String)> = vec![];
    for name in GENERATE {
        let info = parse(&c.call(&["COMMAND", "INFO", name]));
        let info = &info.items()[0];
        assert_ne!(info, &V::Null, "redis-server 7.0.15 does not know {name}");
        let docs = parse(&c.call(&["COMMAND", "DOCS", name]));
        let pairs = docs.pairs();
        assert_eq!(pairs.len(), 1, "COMMAND DOCS {name}");
        assert_eq!(pairs[0].0.str(), *name);
        entries.push((name.to_string(), gen_entry(name, info, &pairs[0].1)));
    }
    for (name, src) in HAND_WRITTEN {
        entries.push((name.to_string(), src.to_string()));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/cmd/docs.rs");
    let old = std::fs::read_to_string(path).expect("read docs.rs");
    let head_end = old.find(MARKER).expect("marker in docs.rs");
    let marker_end = head_end + old[head_end..].find('\n').expect("marker line") + 1;
    let mut out = old[..marker_end].to_string();
    out.push_str("pub static DOCS: &[Doc] = &[\n");
    for (_, src) in &entries {
        out.push_str(src);
    }
    out.push_str("];\n");
    std::fs::write(path, out).expect("write docs.rs");
    // Best effort: keep the file rustfmt-clean.
    let _ = std::process::Command::new("rustfmt")
        .args(["--edition", "2024", path])
        .status();
}
