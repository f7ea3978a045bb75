//! Connection family end to end: PING, ECHO, QUIT, SELECT, HELLO (RESP2/RESP3), RESET and
//! CLIENT (ID, SETNAME, GETNAME, LIST, INFO, KILL, REPLY, NO-EVICT, NO-TOUCH, SETINFO, HELP),
//! replayed against a real redis-server wherever the output is deterministic.

mod common;

use std::collections::HashMap;

use common::{Raw, Server, compat, frame_len};

// ---------------------------------------------------------------------------------------------
// Helpers

/// A parsed RESP value (enough for these tests).
#[derive(Debug, Clone, PartialEq)]
enum V {
    Str(Vec<u8>),
    Int(i64),
    Arr(Vec<V>),
    Nil,
}

impl V {
    fn text(&self) -> String {
        match self {
            V::Str(s) => String::from_utf8_lossy(s).into_owned(),
            V::Int(n) => n.to_string(),
            other => panic!("not a string: {other:?}"),
        }
    }
    fn arr(&self) -> &[V] {
        match self {
            V::Arr(a) => a,
            other => panic!("not an array: {other:?}"),
        }
    }
    fn int(&self) -> i64 {
        match self {
            V::Int(n) => *n,
            other => panic!("not an integer: {other:?}"),
        }
    }
}

/// Parses one complete RESP2/RESP3 frame (as returned by `Raw::read_reply`).
fn parse(b: &[u8]) -> V {
    fn line(b: &[u8], at: usize) -> (&[u8], usize) {
        let end = at + b[at..].windows(2).position(|w| w == b"\r\n").unwrap();
        (&b[at + 1..end], end + 2)
    }
    fn value(b: &[u8], at: usize) -> (V, usize) {
        let (hdr, next) = line(b, at);
        let n = || std::str::from_utf8(hdr).unwrap().parse::<i64>().unwrap();
        match b[at] {
            b'+' | b'-' => (V::Str(hdr.to_vec()), next),
            b':' => (V::Int(n()), next),
            b'_' => (V::Nil, next),
            b'$' | b'=' if n() < 0 => (V::Nil, next),
            b'$' | b'=' => {
                let len = n() as usize;
                // Verbatim strings start with their format (`txt:`).
                let skip = if b[at] == b'=' { 4 } else { 0 };
                (V::Str(b[next + skip..next + len].to_vec()), next + len + 2)
            }
            b'*' | b'~' | b'%' if n() < 0 => (V::Nil, next),
            b'*' | b'~' | b'%' => {
                let items = if b[at] == b'%' { n() * 2 } else { n() };
                let mut pos = next;
                let mut v = Vec::new();
                for _ in 0..items {
                    let (x, p) = value(b, pos);
                    v.push(x);
                    pos = p;
                }
                (V::Arr(v), pos)
            }
            c => panic!("unexpected RESP type {:?}", c as char),
        }
    }
    assert_eq!(frame_len(b), Some(b.len()), "one frame expected");
    value(b, 0).0
}

fn raw_call(r: &mut Raw, args: &[&str]) -> V {
    parse(&r.call(args))
}

const END: &str = "__end_of_script__";

/// Sends every command of `script` without waiting, then `ECHO <END>`, and returns all reply
/// bytes up to and including the echo: commands that reply nothing (CLIENT REPLY OFF/SKIP)
/// simply contribute nothing.
fn run_script(r: &mut Raw, script: &[&[&str]]) -> Vec<u8> {
    let mut all = Vec::new();
    for cmd in script {
        let a: Vec<&[u8]> = cmd.iter().map(|s| s.as_bytes()).collect();
        all.extend_from_slice(&common::encode(&a));
    }
    all.extend_from_slice(&common::encode(&[b"ECHO", END.as_bytes()]));
    r.send(&all);
    let end = format!("${}\r\n{END}\r\n", END.len()).into_bytes();
    let mut got = Vec::new();
    loop {
        let reply = r.read_reply();
        got.extend_from_slice(&reply);
        if reply == end {
            return got;
        }
    }
}

/// Replaces the value of every `id` entry of a HELLO reply: client ids are allocation order,
/// which differs between servers (Redis creates internal clients at start-up).
fn hide_ids(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b).into_owned();
    let key = "$2\r\nid\r\n:";
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find(key) {
        out.push_str(&rest[..i + key.len()]);
        rest = &rest[i + key.len()..];
        let digits = rest.find("\r\n").unwrap();
        out.push_str("ID");
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// A real redis-server to compare with, if installed (required when UREDIS_REQUIRE_REDIS is set).
fn real_redis() -> Option<Server> {
    let redis = Server::start_redis(&[]);
    if redis.is_none() {
        if std::env::var_os("UREDIS_REQUIRE_REDIS").is_some() {
            panic!("UREDIS_REQUIRE_REDIS is set but redis-server could not be started");
        }
        eprintln!("note: redis-server not installed; comparison with Redis skipped");
    }
    redis
}

/// Runs `script` pipelined on uredis and on a real redis-server and asserts the reply streams
/// are byte-for-byte identical (client ids in HELLO replies aside). False if no redis-server.
fn replay(script: &[&[&str]]) -> bool {
    let Some(redis) = real_redis() else {
        return false;
    };
    let ours = Server::start(&[]);
    let a = hide_ids(&run_script(&mut ours.raw(), script));
    let b = hide_ids(&run_script(&mut redis.raw(), script));
    assert_eq!(a, b, "replies differ (left: uredis, right: redis-server)");
    true
}

/// Parses one CLIENT LIST / CLIENT INFO line into ordered (field, value) pairs.
fn fields(line: &str) -> Vec<(String, String)> {
    line.split(' ')
        .map(|kv| {
            let (k, v) = kv
                .split_once('=')
                .unwrap_or_else(|| panic!("bad field {kv:?}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn field_map(line: &str) -> HashMap<String, String> {
    fields(line).into_iter().collect()
}

/// CLIENT LIST of `r`, one field map per client.
fn client_list(r: &mut Raw, extra: &[&str]) -> Vec<HashMap<String, String>> {
    let mut args = vec!["CLIENT", "LIST"];
    args.extend_from_slice(extra);
    let text = raw_call(r, &args).text();
    assert!(text.is_empty() || text.ends_with('\n'), "{text:?}");
    text.lines().map(field_map).collect()
}

fn client_info(r: &mut Raw) -> HashMap<String, String> {
    let text = raw_call(r, &["CLIENT", "INFO"]).text();
    assert_eq!(text.matches('\n').count(), 1, "{text:?}");
    field_map(text.trim_end_matches('\n'))
}

fn local_addr(r: &Raw) -> String {
    r.s.local_addr().unwrap().to_string()
}

fn client_id(r: &mut Raw) -> i64 {
    raw_call(r, &["CLIENT", "ID"]).int()
}

// ---------------------------------------------------------------------------------------------
// PING, ECHO, SELECT, QUIT

#[test]
fn ping_echo_select_match_redis() {
    compat(&[
        &["PING"],
        &["ping", "hello"],
        &["PING", ""],
        &["PING", "a", "b"],
        &["ECHO", "hello world"],
        &["ECHO", ""],
        &["ECHO"],
        &["ECHO", "a", "b"],
        &["SELECT", "15"],
        &["SELECT", "16"],
        &["SELECT", "-1"],
        &["SELECT", "x"],
        &["SELECT", "1.5"],
        &["SELECT", "3000000000"],
        &["SELECT", "-3000000000"],
        &["SELECT", "99999999999999999999"],
        &["SELECT"],
        &["SELECT", "0", "1"],
        &["SELECT", "0"],
    ]);
}

#[test]
fn select_switches_keyspace() {
    compat(&[
        &["SET", "k", "db0"],
        &["SELECT", "3"],
        &["GET", "k"],
        &["SET", "k", "db3"],
        &["SELECT", "0"],
        &["GET", "k"],
        &["SELECT", "3"],
        &["GET", "k"],
    ]);
}

#[test]
fn quit_replies_ok_then_closes() {
    compat(&[&["PING"], &["QUIT", "now"]]);
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    assert_eq!(r.call(&["QUIT"]), b"+OK\r\n");
    assert!(r.is_closed());
    // Commands pipelined after QUIT are not executed.
    let mut r = srv.raw();
    let mut pipe = common::encode(&[b"PING"]);
    pipe.extend_from_slice(&common::encode(&[b"QUIT"]));
    pipe.extend_from_slice(&common::encode(&[b"SET", b"after", b"quit"]));
    r.send(&pipe);
    assert_eq!(r.read_reply(), b"+PONG\r\n");
    assert_eq!(r.read_reply(), b"+OK\r\n");
    assert!(r.is_closed());
    let mut r = srv.raw();
    assert_eq!(r.call(&["GET", "after"]), b"$-1\r\n");
    // With replies off, QUIT still closes (silently).
    let mut r = srv.raw();
    let mut pipe = common::encode(&[b"CLIENT", b"REPLY", b"OFF"]);
    pipe.extend_from_slice(&common::encode(&[b"QUIT"]));
    r.send(&pipe);
    assert!(r.is_closed());
}

// ---------------------------------------------------------------------------------------------
// HELLO and RESP3

#[test]
fn hello_errors_match_redis() {
    compat(&[
        &["HELLO", "4"],
        &["HELLO", "1"],
        &["HELLO", "0"],
        &["HELLO", "-1"],
        &["HELLO", "x"],
        &["HELLO", "3.0"],
        &["HELLO", "3", "AUTH", "default"],
        &["HELLO", "3", "AUTH"],
        &["HELLO", "3", "SETNAME"],
        &["HELLO", "3", "auth", "bob", "pw"],
        &["HELLO", "3", "AUTH", "Default", "pw"],
        &["HELLO", "2", "SETNAME", "a b"],
        &["HELLO", "2", "SETNAME", "a\nb"],
        &["HELLO", "2", "foo"],
        &["HELLO", "2", "SETNAME", "x", "bar"],
        // None of the failed HELLOs above switched protocol or set a name.
        &["CLIENT", "GETNAME"],
        &["PING"],
    ]);
}

#[test]
fn hello_replies_match_redis() {
    replay(&[
        &["HELLO"],
        &["HELLO", "2"],
        &["HELLO", "3"],
        &["HELLO"],
        &["HELLO", "2"],
        &["CLIENT", "GETNAME"],
        &["HELLO", "3", "AUTH", "default", "anything", "SETNAME", "me"],
        &["CLIENT", "GETNAME"],
        &["HELLO", "2", "setname", "other", "SETNAME", "last"],
        &["CLIENT", "GETNAME"],
        &["HELLO", "3", "SETNAME", ""],
        &["CLIENT", "GETNAME"],
        // A failed AUTH leaves the protocol alone (still RESP3 here).
        &["HELLO", "2", "AUTH", "nobody", "pw"],
        &["CLIENT", "GETNAME"],
        // A bad name after a good AUTH fails the whole HELLO.
        &["HELLO", "2", "AUTH", "default", "x", "SETNAME", "bad name"],
        &["GET", "nokey"],
    ]);
}

#[test]
fn resp3_replies_match_redis() {
    replay(&[
        &["HELLO", "3"],
        &["PING"],
        &["PING", "hi"],
        &["ECHO", "x"],
        &["SET", "k", "v"],
        &["GET", "k"],
        &["GET", "missing"],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME", "resp3-client"],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "LIST", "ID", "999999"],
        &["CLIENT", "LIST", "TYPE", "master"],
        &["CLIENT", "NO-EVICT", "on"],
        &["CLIENT", "KILL", "ID", "999999"],
        &["CLIENT", "KILL", "9.9.9.9:9"],
        &["SELECT", "2"],
        &["NOSUCH"],
        &["CLIENT", "REPLY", "ON"],
        &["HELLO", "2"],
        &["CLIENT", "GETNAME"],
        &["GET", "missing"],
    ]);
}

#[test]
fn resp3_client_info_is_verbatim_text() {
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    raw_call(&mut r, &["HELLO", "3"]);
    let raw = r.call(&["CLIENT", "INFO"]);
    let s = String::from_utf8_lossy(&raw).into_owned();
    let (hdr, body) = s.split_once("\r\n").unwrap();
    assert!(hdr.starts_with('='), "{s:?}");
    assert!(body.starts_with("txt:id="), "{s:?}");
    assert_eq!(hdr[1..].parse::<usize>().unwrap(), body.len() - 2);
    assert!(body.ends_with(" resp=3\n\r\n"), "{s:?}");
    let raw = r.call(&["CLIENT", "LIST"]);
    assert!(raw.starts_with(b"="), "{:?}", String::from_utf8_lossy(&raw));
}

// ---------------------------------------------------------------------------------------------
// RESET

#[test]
fn reset_matches_redis() {
    replay(&[
        &["HELLO", "3", "SETNAME", "before"],
        &["SELECT", "5"],
        &["SET", "k5", "v"],
        &["CLIENT", "NO-EVICT", "on"],
        &["RESET"],
        &["CLIENT", "GETNAME"],
        &["GET", "k5"],
        &["SELECT", "5"],
        &["GET", "k5"],
        &["GET", "missing"],
        &["RESET", "extra"],
        // CLIENT REPLY OFF is cleared by RESET, whose own reply is sent.
        &["CLIENT", "REPLY", "OFF"],
        &["PING"],
        &["RESET"],
        &["PING"],
    ]);
}

#[test]
fn reset_clears_connection_state() {
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    let id = client_id(&mut r);
    raw_call(&mut r, &["HELLO", "3", "SETNAME", "n"]);
    raw_call(&mut r, &["SELECT", "7"]);
    raw_call(&mut r, &["CLIENT", "NO-EVICT", "on"]);
    raw_call(&mut r, &["CLIENT", "NO-TOUCH", "on"]);
    let info = client_info(&mut r);
    assert_eq!(info["flags"], "eT");
    assert_eq!(info["db"], "7");
    assert_eq!(info["resp"], "3");
    assert_eq!(info["name"], "n");
    assert_eq!(r.call(&["RESET"]), b"+RESET\r\n");
    let info = client_info(&mut r);
    assert_eq!(info["flags"], "N");
    assert_eq!(info["db"], "0");
    assert_eq!(info["resp"], "2");
    assert_eq!(info["name"], "");
    // Same connection, same id.
    assert_eq!(client_id(&mut r), id);
}

// ---------------------------------------------------------------------------------------------
// CLIENT ID / SETNAME / GETNAME / errors

#[test]
fn client_simple_subcommands_match_redis() {
    compat(&[
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME", "worker-1"],
        &["CLIENT", "GETNAME"],
        &["client", "setname", "two words"],
        &["CLIENT", "SETNAME", "new\nline"],
        &["CLIENT", "SETNAME", "caf\u{e9}"],
        &["CLIENT", "SETNAME", "tab\t"],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME", "~!@#$%^&*()"],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME", ""],
        &["CLIENT", "GETNAME"],
        &["CLIENT", "SETNAME"],
        &["CLIENT", "SETNAME", "a", "b"],
        &["CLIENT", "GETNAME", "x"],
        &["CLIENT", "ID", "x"],
        &["CLIENT", "INFO", "x"],
        &["CLIENT"],
        &["CLIENT", "NOPE"],
        &["CLIENT", "NOPE", "a", "b"],
        &["CLIENT", "HELP", "x"],
        &["CLIENT", "REPLY"],
        &["CLIENT", "REPLY", "foo"],
        &["CLIENT", "REPLY", "on", "x"],
        &["CLIENT", "REPLY", "ON"],
        &["CLIENT", "NO-EVICT"],
        &["CLIENT", "NO-EVICT", "maybe"],
        &["CLIENT", "NO-EVICT", "ON"],
        &["CLIENT", "NO-EVICT", "off"],
        &["CLIENT", "LIST", "foo"],
        &["CLIENT", "LIST", "TYPE"],
        &["CLIENT", "LIST", "TYPE", "foo"],
        &["CLIENT", "LIST", "TYPE", "normal", "x"],
        &["CLIENT", "LIST", "TYPE", "master"],
        &["CLIENT", "LIST", "TYPE", "REPLICA"],
        &["CLIENT", "LIST", "TYPE", "slave"],
        &["CLIENT", "LIST", "TYPE", "pubsub"],
        &["CLIENT", "LIST", "ID"],
        &["CLIENT", "LIST", "ID", "x"],
        &["CLIENT", "LIST", "ID", "1", "x"],
        &["CLIENT", "LIST", "ID", "-5", "0", "999999"],
        &["CLIENT", "LIST", "id", "99999999999999999999"],
    ]);
}

#[test]
fn client_id_is_unique_and_increasing() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    let ia = client_id(&mut a);
    let ib = client_id(&mut b);
    assert!(ib > ia, "{ia} {ib}");
    assert_eq!(client_id(&mut a), ia);
    drop(a);
    let mut c = srv.raw();
    assert!(client_id(&mut c) > ib);
    // HELLO reports the same id.
    let hello = raw_call(&mut b, &["HELLO"]);
    let m = hello.arr();
    let pos = m.iter().position(|v| *v == V::Str(b"id".to_vec())).unwrap();
    assert_eq!(m[pos + 1].int(), ib);
}

#[test]
fn client_help_lists_what_is_implemented() {
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    let raw = r.call(&["CLIENT", "HELP"]);
    let lines: Vec<String> = parse(&raw).arr().iter().map(|v| v.text()).collect();
    assert!(raw.starts_with(b"*"));
    assert!(raw[raw.iter().position(|&b| b == b'\n').unwrap() + 1..].starts_with(b"+CLIENT "));
    assert_eq!(
        lines[0],
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    );
    assert_eq!(lines.last().unwrap(), "    Prints this help.");
    let subs: Vec<&str> = lines[1..]
        .iter()
        .filter(|l| !l.starts_with(' '))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        subs,
        [
            "CACHING",
            "GETREDIR",
            "GETNAME",
            "ID",
            "INFO",
            "KILL",
            "KILL",
            "LIST",
            "UNPAUSE",
            "PAUSE",
            "REPLY",
            "SETNAME",
            "SETINFO",
            "TRACKING",
            "TRACKINGINFO",
            "NO-EVICT",
            "NO-TOUCH",
            "HELP"
        ]
    );
    // Every listed subcommand answers something other than "unknown subcommand".
    for s in subs {
        let reply =
            String::from_utf8_lossy(&r.call(&["CLIENT", s, "x", "y", "z", "w"])).into_owned();
        // (CLIENT PAUSE with too many arguments is Redis's "unknown subcommand or wrong
        // number of arguments for 'PAUSE'", which names it: known.)
        assert!(!reply.contains("unknown subcommand '"), "{s}: {reply}");
    }
    // The help text is Redis's, line for line, for what both have.
    let Some(redis) = real_redis() else {
        return;
    };
    let theirs: Vec<String> = parse(&redis.raw().call(&["CLIENT", "HELP"]))
        .arr()
        .iter()
        .map(|v| v.text())
        .collect();
    let mut i = 0;
    for line in &lines {
        if line.starts_with("SETINFO") || line.starts_with("NO-TOUCH") {
            // Redis 7.2 text, checked below.
            continue;
        }
        if line.starts_with(' ')
            && (lines_before(&lines, line).starts_with("SETINFO")
                || lines_before(&lines, line).starts_with("NO-TOUCH"))
        {
            continue;
        }
        while i < theirs.len() && theirs[i] != *line {
            i += 1;
        }
        assert!(
            i < theirs.len(),
            "{line:?} is not in Redis's help, in this order"
        );
    }
    assert!(lines.contains(&"    Will not touch LRU/LFU stats when this mode is on.".into()));
    assert!(lines.contains(&"    * LIB-NAME: the client lib name.".into()));
}

/// The last non-indented help line at or before `line`.
fn lines_before<'a>(lines: &'a [String], line: &String) -> &'a str {
    let at = lines.iter().position(|l| std::ptr::eq(l, line)).unwrap();
    lines[..=at]
        .iter()
        .rev()
        .find(|l| !l.starts_with(' '))
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// CLIENT LIST / INFO

const FIELD_ORDER: &[&str] = &[
    "id",
    "addr",
    "laddr",
    "fd",
    "name",
    "age",
    "idle",
    "flags",
    "db",
    "sub",
    "psub",
    "ssub",
    "multi",
    "qbuf",
    "qbuf-free",
    "argv-mem",
    "multi-mem",
    "rbs",
    "rbp",
    "obl",
    "oll",
    "omem",
    "tot-mem",
    "events",
    "cmd",
    "user",
    "redir",
    "resp",
];

/// Field names in order, and the values that do not depend on timing, ports or allocation.
fn stable_view(line: &HashMap<String, String>) -> Vec<(String, String)> {
    [
        "name",
        "flags",
        "db",
        "sub",
        "psub",
        "ssub",
        "multi",
        "multi-mem",
        "oll",
        "omem",
        "cmd",
        "user",
        "redir",
        "resp",
    ]
    .iter()
    .map(|k| (k.to_string(), line[*k].clone()))
    .collect()
}

#[test]
fn client_list_fields_like_redis() {
    let ours = Server::start(&[]);
    let redis = real_redis();
    let mut servers = vec![("uredis", &ours)];
    if let Some(r) = &redis {
        servers.push(("redis", r));
    }
    let mut views = Vec::new();
    for (label, srv) in servers {
        let srv_addr = srv.addr();
        let mut a = srv.raw();
        let mut b = srv.raw();
        let id_a = client_id(&mut a);
        let id_b = client_id(&mut b);
        raw_call(&mut a, &["CLIENT", "SETNAME", "alpha"]);
        raw_call(&mut a, &["SELECT", "3"]);
        raw_call(&mut a, &["HELLO", "3"]);
        raw_call(&mut a, &["CLIENT", "NO-EVICT", "on"]);
        raw_call(&mut a, &["GET", "k"]);

        let list = client_list(&mut b, &[]);
        let text = raw_call(&mut b, &["CLIENT", "LIST"]).text();
        for line in text.lines() {
            let names: Vec<String> = fields(line).into_iter().map(|(k, _)| k).collect();
            assert_eq!(names, FIELD_ORDER, "{label}: {line}");
        }
        let la = list.iter().find(|l| l["id"] == id_a.to_string()).unwrap();
        let lb = list.iter().find(|l| l["id"] == id_b.to_string()).unwrap();
        // Oldest first.
        let ids: Vec<u64> = list.iter().map(|l| l["id"].parse().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "{label}");
        assert_eq!(la["addr"], local_addr(&a), "{label}");
        assert_eq!(lb["addr"], local_addr(&b), "{label}");
        assert_eq!(la["laddr"], srv_addr, "{label}");
        for l in [la, lb] {
            for k in [
                "fd",
                "age",
                "idle",
                "qbuf",
                "qbuf-free",
                "argv-mem",
                "rbs",
                "rbp",
                "obl",
                "tot-mem",
            ] {
                assert!(l[k].parse::<u64>().is_ok(), "{label}: {k}={}", l[k]);
            }
        }
        assert_eq!(lb["argv-mem"], "10", "{label}: argv of CLIENT LIST");
        assert_eq!(lb["events"], "r");

        // TYPE and ID filters.
        assert_eq!(client_list(&mut b, &["TYPE", "normal"]).len(), list.len());
        assert_eq!(client_list(&mut b, &["type", "PUBSUB"]).len(), 0);
        let by_id = client_list(
            &mut b,
            &["ID", &id_a.to_string(), "999999", &id_a.to_string()],
        );
        assert_eq!(by_id.len(), 2, "{label}: duplicate ids are listed twice");
        assert_eq!(by_id[0]["name"], "alpha");

        // The last command is reported by its full name, NULL after an unknown one.
        raw_call(&mut a, &["NOSUCHCMD"]);
        let after_unknown = client_list(&mut b, &["ID", &id_a.to_string()])[0]["cmd"].clone();
        raw_call(&mut a, &["CLIENT", "NOSUCHSUB"]);
        let after_unknown_sub = client_list(&mut b, &["ID", &id_a.to_string()])[0]["cmd"].clone();
        raw_call(&mut a, &["GET"]);
        let after_arity = client_list(&mut b, &["ID", &id_a.to_string()])[0]["cmd"].clone();
        raw_call(&mut a, &["CLIENT", "ID", "x"]);
        let after_sub_arity = client_list(&mut b, &["ID", &id_a.to_string()])[0]["cmd"].clone();
        let info = client_info(&mut a);
        views.push((
            stable_view(la),
            stable_view(lb),
            [
                after_unknown,
                after_unknown_sub,
                after_arity,
                after_sub_arity,
            ],
            stable_view(&info),
        ));
        assert_eq!(info["id"], id_a.to_string());
        assert_eq!(info["addr"], local_addr(&a));
        assert_eq!(info["cmd"], "client|info");
    }
    let (la, lb, cmds, info) = &views[0];
    let v = |x: &[(String, String)]| {
        x.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        v(la),
        "name=alpha flags=e db=3 sub=0 psub=0 ssub=0 multi=-1 multi-mem=0 oll=0 omem=0 cmd=get \
         user=default redir=-1 resp=3"
    );
    assert_eq!(
        v(lb),
        "name= flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 multi-mem=0 oll=0 omem=0 \
         cmd=client|list user=default redir=-1 resp=2"
    );
    assert_eq!(
        cmds,
        &["NULL", "NULL", "get", "client|id"].map(String::from)
    );
    assert_eq!(info[1].1, "e");
    if let Some(theirs) = views.get(1) {
        assert_eq!(&views[0], theirs, "left: uredis, right: redis-server");
    }
}

#[test]
fn client_list_omits_closed_clients() {
    let srv = Server::start(&[]);
    let mut a = srv.raw();
    let mut b = srv.raw();
    let id_b = client_id(&mut b);
    assert_eq!(client_list(&mut a, &[]).len(), 2);
    drop(b);
    assert!(common::wait_until(
        std::time::Duration::from_secs(10),
        || {
            client_list(&mut a, &[])
                .iter()
                .all(|l| l["id"] != id_b.to_string())
        }
    ));
}

// ---------------------------------------------------------------------------------------------
// CLIENT KILL

#[test]
fn client_kill_errors_match_redis() {
    compat(&[
        &["CLIENT", "KILL"],
        &["CLIENT", "KILL", "ID"],
        &["CLIENT", "KILL", "1.2.3.4:5"],
        &["CLIENT", "KILL", "a", "b"],
        &["CLIENT", "KILL", "ID", "abc"],
        &["CLIENT", "KILL", "ID", "0"],
        &["CLIENT", "KILL", "ID", "-1"],
        &["CLIENT", "KILL", "ID", "1.5"],
        &["CLIENT", "KILL", "ID", "999999"],
        &["CLIENT", "KILL", "ID", "5", "TYPE"],
        &["CLIENT", "KILL", "TYPE", "foo"],
        &["CLIENT", "KILL", "TYPE", "master"],
        &["CLIENT", "KILL", "TYPE", "pubsub"],
        &["CLIENT", "KILL", "TYPE", "replica"],
        &["CLIENT", "KILL", "USER", "bob"],
        &["CLIENT", "KILL", "SKIPME", "maybe"],
        &["CLIENT", "KILL", "ADDR", "1.2.3.4:5"],
        &["CLIENT", "KILL", "LADDR", "x", "SKIPME", "no"],
        &["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "BOGUS", "x"],
        // Only this connection exists, and SKIPME defaults to yes.
        &["CLIENT", "KILL", "USER", "default"],
        &["CLIENT", "KILL", "TYPE", "normal"],
        &["PING"],
    ]);
}

#[test]
fn client_kill_old_form_closes_other_connection() {
    let srv = Server::start(&[]);
    let mut killer = srv.raw();
    let mut victim = srv.raw();
    assert_eq!(victim.call(&["PING"]), b"+PONG\r\n");
    let addr = local_addr(&victim);
    assert_eq!(killer.call(&["CLIENT", "KILL", &addr]), b"+OK\r\n");
    assert!(victim.is_closed());
    assert_eq!(
        killer.call(&["CLIENT", "KILL", &addr]),
        b"-ERR No such client\r\n"
    );
    assert_eq!(client_list(&mut killer, &[]).len(), 1);
}

#[test]
fn client_kill_filters() {
    let srv = Server::start(&[]);
    let mut k = srv.raw();
    let mut v1 = srv.raw();
    let mut v2 = srv.raw();
    let mut v3 = srv.raw();
    let id1 = client_id(&mut v1);
    client_id(&mut v2);
    client_id(&mut v3);

    // ID
    assert_eq!(
        k.call(&["CLIENT", "KILL", "ID", &id1.to_string()]),
        b":1\r\n"
    );
    assert!(v1.is_closed());
    assert_eq!(
        k.call(&["CLIENT", "KILL", "ID", &id1.to_string()]),
        b":0\r\n"
    );

    // ADDR combined with a non-matching ID kills nothing; with the right one it kills v2.
    let a2 = local_addr(&v2);
    assert_eq!(
        k.call(&["CLIENT", "KILL", "ADDR", &a2, "ID", "999999"]),
        b":0\r\n"
    );
    assert_eq!(v2.call(&["PING"]), b"+PONG\r\n");
    assert_eq!(
        k.call(&["client", "kill", "addr", &a2, "skipme", "yes"]),
        b":1\r\n"
    );
    assert!(v2.is_closed());

    // LADDR (the server's address) matches everyone but the caller (SKIPME yes).
    let laddr = format!("127.0.0.1:{}", srv.port);
    let mut v4 = srv.raw();
    client_id(&mut v4);
    assert_eq!(k.call(&["CLIENT", "KILL", "LADDR", &laddr]), b":2\r\n");
    assert!(v3.is_closed());
    assert!(v4.is_closed());
    assert_eq!(k.call(&["PING"]), b"+PONG\r\n");

    // TYPE normal / USER default.
    let mut v5 = srv.raw();
    client_id(&mut v5);
    assert_eq!(k.call(&["CLIENT", "KILL", "TYPE", "normal"]), b":1\r\n");
    assert!(v5.is_closed());
    let mut v6 = srv.raw();
    client_id(&mut v6);
    assert_eq!(k.call(&["CLIENT", "KILL", "USER", "default"]), b":1\r\n");
    assert!(v6.is_closed());
    assert_eq!(client_list(&mut k, &[]).len(), 1);
}

#[test]
fn client_kill_self() {
    let srv = Server::start(&[]);
    // New form with SKIPME no: the count is replied, then the connection closes.
    let mut k = srv.raw();
    let id = client_id(&mut k);
    assert_eq!(
        k.call(&["CLIENT", "KILL", "ID", &id.to_string(), "SKIPME", "no"]),
        b":1\r\n"
    );
    assert!(k.is_closed());
    // Old form: OK, then closed; commands pipelined after it are not run.
    let mut k = srv.raw();
    let addr = local_addr(&k);
    let mut pipe = common::encode(&[b"CLIENT", b"KILL", addr.as_bytes()]);
    pipe.extend_from_slice(&common::encode(&[b"SET", b"x", b"1"]));
    k.send(&pipe);
    assert_eq!(k.read_reply(), b"+OK\r\n");
    assert!(k.is_closed());
    let mut r = srv.raw();
    assert_eq!(r.call(&["GET", "x"]), b"$-1\r\n");
    // With SKIPME yes (the default) the caller survives.
    let id = client_id(&mut r);
    assert_eq!(
        r.call(&["CLIENT", "KILL", "ID", &id.to_string()]),
        b":0\r\n"
    );
    assert_eq!(r.call(&["PING"]), b"+PONG\r\n");
}

// ---------------------------------------------------------------------------------------------
// CLIENT REPLY

#[test]
fn client_reply_matches_redis() {
    replay(&[
        &["CLIENT", "REPLY", "OFF"],
        &["PING"],
        &["SET", "a", "1"],
        &["GET", "a"],
        &["NOSUCHCOMMAND"],
        &["GET"],
        &["CLIENT", "REPLY", "SKIP"],
        &["CLIENT", "REPLY", "ON"],
        &["GET", "a"],
        &["CLIENT", "REPLY", "SKIP"],
        &["GET", "a"],
        &["PING", "after-skip"],
        &["CLIENT", "REPLY", "SKIP"],
        &["NOSUCHCOMMAND"],
        &["PING", "after-skipped-error"],
        &["CLIENT", "REPLY", "SKIP"],
        &["CLIENT", "REPLY", "SKIP"],
        &["PING", "double-skip"],
        &["CLIENT", "REPLY", "SKIP"],
        &["CLIENT", "REPLY", "ON"],
        &["PING", "on-after-skip"],
        &["CLIENT", "REPLY", "OFF"],
        &["CLIENT", "REPLY", "bogus"],
        &["CLIENT", "REPLY", "ON"],
        &["HELLO", "3"],
        &["CLIENT", "REPLY", "SKIP"],
        &["HELLO", "2"],
        &["PING"],
    ]);
}

#[test]
fn client_reply_off_and_skip_on_raw_socket() {
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    let out = run_script(
        &mut r,
        &[
            &["CLIENT", "REPLY", "OFF"],
            &["SET", "k", "v"],
            &["PING"],
            &["CLIENT", "REPLY", "ON"],
            &["CLIENT", "REPLY", "SKIP"],
            &["GET", "k"],
            &["GET", "k"],
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&out),
        format!("+OK\r\n$1\r\nv\r\n${}\r\n{END}\r\n", END.len())
    );
    // The command run with replies off did run.
    assert_eq!(r.call(&["GET", "k"]), b"$1\r\nv\r\n");
}

// ---------------------------------------------------------------------------------------------
// NO-EVICT, NO-TOUCH, SETINFO (the last two are Redis 7.2 syntax)

#[test]
fn no_evict_no_touch_and_setinfo_replies() {
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    assert_eq!(r.call(&["CLIENT", "NO-TOUCH", "on"]), b"+OK\r\n");
    assert_eq!(client_info(&mut r)["flags"], "T");
    assert_eq!(r.call(&["CLIENT", "NO-EVICT", "ON"]), b"+OK\r\n");
    assert_eq!(client_info(&mut r)["flags"], "eT");
    assert_eq!(r.call(&["CLIENT", "NO-TOUCH", "OFF"]), b"+OK\r\n");
    assert_eq!(r.call(&["CLIENT", "NO-EVICT", "off"]), b"+OK\r\n");
    assert_eq!(client_info(&mut r)["flags"], "N");
    assert_eq!(
        r.call(&["CLIENT", "NO-TOUCH", "maybe"]),
        b"-ERR syntax error\r\n"
    );
    assert_eq!(
        r.call(&["CLIENT", "NO-TOUCH"]),
        b"-ERR wrong number of arguments for 'client|no-touch' command\r\n"
    );

    assert_eq!(
        r.call(&["CLIENT", "SETINFO", "LIB-NAME", "redis-py"]),
        b"+OK\r\n"
    );
    assert_eq!(
        r.call(&["CLIENT", "SETINFO", "lib-ver", "5.0.1"]),
        b"+OK\r\n"
    );
    assert_eq!(r.call(&["CLIENT", "SETINFO", "lib-ver", ""]), b"+OK\r\n");
    assert_eq!(
        r.call(&["CLIENT", "SETINFO", "LIB-NAME", "a b"]),
        b"-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n"
    );
    assert_eq!(
        r.call(&["CLIENT", "SETINFO", "lib-ver", "1\n2"]),
        b"-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n"
    );
    assert_eq!(
        r.call(&["CLIENT", "SETINFO", "foo", "bar"]),
        b"-ERR Unrecognized option 'foo'\r\n"
    );
    assert_eq!(
        r.call(&["CLIENT", "SETINFO", "lib-name"]),
        b"-ERR wrong number of arguments for 'client|setinfo' command\r\n"
    );
    // The redis crate (a real client library) sends SETINFO-style handshakes happily.
    let mut c = srv.conn();
    let _: () = redis::cmd("CLIENT")
        .arg("SETINFO")
        .arg("LIB-NAME")
        .arg("redis-rs")
        .query(&mut c)
        .unwrap();
    let name: Option<String> = redis::cmd("CLIENT").arg("GETNAME").query(&mut c).unwrap();
    assert_eq!(name, None);
}

/// In-process: CLIENT NO-TOUCH keeps GET from updating a key's access time, through the real
/// dispatcher (`cmd::call`) and keyspace; SETINFO stores the library name and version.
#[test]
fn no_touch_leaves_access_time_alone() {
    use bytes::Bytes;
    use uredis::keyspace::{Entry, Value, clock};

    let ring = uredis::runtime::Ring::new(8).expect("io_uring");
    let mut srv = uredis::server::Server::new(uredis::config::Config::default(), ring);
    clock::update();
    let cid = srv.clients.insert(uredis::net::client::Client::new(
        1,
        -1,
        "127.0.0.1:1".into(),
        "127.0.0.1:2".into(),
        clock::now_ms(),
    ));
    let mut out = uredis::protocol::Reply::new();
    let mut run = |srv: &mut uredis::server::Server, args: &[&str]| {
        out.buf.clear();
        let argv: Vec<Bytes> = args.iter().map(|a| Bytes::from(a.to_string())).collect();
        uredis::cmd::call(srv, &mut out, cid, &argv);
        String::from_utf8_lossy(&out.buf).into_owned()
    };
    let old_lru = clock::lru_clock().wrapping_sub(1000) & ((1 << 24) - 1);
    let entry = || Entry {
        value: Value::string(b"v"),
        expire: 0,
        lru: old_lru,
    };
    let lru = |srv: &mut uredis::server::Server, db: usize| {
        srv.dbs[db]
            .iter()
            .find(|(k, _)| *k == b"k")
            .map(|(_, e)| e.lru)
            .unwrap()
    };
    srv.dbs[0].put_entry(b"k", entry());
    srv.dbs[4].put_entry(b"k", entry());

    assert_eq!(run(&mut srv, &["CLIENT", "NO-TOUCH", "on"]), "+OK\r\n");
    assert_eq!(run(&mut srv, &["GET", "k"]), "$1\r\nv\r\n");
    assert_eq!(lru(&mut srv, 0), old_lru);
    assert_eq!(run(&mut srv, &["SELECT", "4"]), "+OK\r\n");
    assert_eq!(run(&mut srv, &["GET", "k"]), "$1\r\nv\r\n");
    assert_eq!(lru(&mut srv, 4), old_lru);

    assert_eq!(run(&mut srv, &["CLIENT", "NO-TOUCH", "off"]), "+OK\r\n");
    assert_eq!(run(&mut srv, &["GET", "k"]), "$1\r\nv\r\n");
    assert_eq!(lru(&mut srv, 4), clock::lru_clock());
    assert_eq!(lru(&mut srv, 0), old_lru);
    assert!(srv.dbs.iter().all(|d| !d.no_touch));

    // RESET clears NO-TOUCH too.
    run(&mut srv, &["CLIENT", "NO-TOUCH", "on"]);
    assert_eq!(run(&mut srv, &["RESET"]), "+RESET\r\n");
    assert_eq!(run(&mut srv, &["GET", "k"]), "$1\r\nv\r\n");
    assert_eq!(lru(&mut srv, 0), clock::lru_clock());

    assert_eq!(
        run(&mut srv, &["CLIENT", "SETINFO", "lib-name", "jedis"]),
        "+OK\r\n"
    );
    assert_eq!(
        run(&mut srv, &["CLIENT", "SETINFO", "LIB-VER", "5.1"]),
        "+OK\r\n"
    );
    assert_eq!(srv.clients[cid].lib_name, b"jedis");
    assert_eq!(srv.clients[cid].lib_ver, b"5.1");
    assert_eq!(
        run(&mut srv, &["CLIENT", "SETINFO", "LIB-VER", ""]),
        "+OK\r\n"
    );
    assert!(srv.clients[cid].lib_ver.is_empty());
}

// ---------------------------------------------------------------------------------------------
// The command table against Redis's COMMAND INFO

#[test]
fn arity_and_flags_match_redis() {
    let Some(redis) = real_redis() else {
        return;
    };
    let mut r = redis.raw();
    let names = ["ping", "echo", "quit", "select", "hello", "reset", "client"];
    let mut args = vec!["COMMAND", "INFO"];
    args.extend(names);
    let reply = raw_call(&mut r, &args);

    fn flag_names(c: &uredis::cmd::Command) -> Vec<String> {
        uredis::cmd::flags::NAMES
            .iter()
            .filter(|(f, _)| c.flags & f != 0)
            .map(|(_, n)| n.to_string())
            .collect()
    }
    fn check(info: &V) -> usize {
        let info = info.arr();
        let name = info[0].text();
        let ours = match name.split_once('|') {
            None => uredis::cmd::lookup(name.as_bytes()),
            Some((c, s)) => {
                uredis::cmd::lookup(c.as_bytes()).and_then(|c| c.subcommand(s.as_bytes()))
            }
        };
        let Some(ours) = ours else {
            // CLIENT subcommands not implemented here (PAUSE, TRACKING, ...).
            assert!(name.starts_with("client|"), "{name} missing");
            return 0;
        };
        assert_eq!(ours.arity as i64, info[1].int(), "arity of {name}");
        let theirs: Vec<String> = info[2].arr().iter().map(|f| f.text()).collect();
        assert_eq!(flag_names(ours), theirs, "flags of {name}");
        let mut n = 1;
        if let Some(subs) = info.get(9) {
            for s in subs.arr() {
                n += check(s);
            }
        }
        n
    }
    let mut checked = 0;
    for info in reply.arr() {
        checked += check(info);
    }
    // 7 commands and the 16 CLIENT subcommands Redis 7.0 has that are implemented here.
    assert_eq!(checked, 7 + 16);
    // The two Redis 7.2 subcommands, per Redis 7.2's command table.
    let client = uredis::cmd::lookup(b"client").unwrap();
    let no_touch = client.subcommand(b"no-touch").unwrap();
    assert_eq!(
        (no_touch.arity, flag_names(no_touch)),
        (3, vec!["noscript".into(), "loading".into(), "stale".into()])
    );
    let setinfo = client.subcommand(b"setinfo").unwrap();
    assert_eq!(
        (setinfo.arity, flag_names(setinfo)),
        (4, vec!["noscript".into(), "loading".into(), "stale".into()])
    );
}
