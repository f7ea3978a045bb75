//! Authentication and ACLs end to end: AUTH / HELLO AUTH / requirepass, every kind of rule and
//! its errors, ACL subcommands, the permission checks (commands, keys, channels, MULTI), the ACL
//! log, disconnections (DELUSER, CLIENT KILL USER, revoked channels), the ACL file and `user`
//! lines. Where a client can see it, replies are compared byte for byte with a real
//! redis-server running the same commands on the same number of connections.

mod common;

use std::net::UdpSocket;
use std::time::Duration;

use common::{Raw, Server, compat, redis_or_skip, wait_until};

/// Runs `steps` (connection index, command) against uredis and, when installed, redis-server,
/// each started with `extra`; asserts identical replies. Returns uredis's replies.
fn replay(extra: &[&str], conns: usize, steps: &[(usize, &[&str])]) -> Vec<Vec<u8>> {
    // Connections are opened on first use, so a connection made after a password was set
    // starts unauthenticated.
    let ours = Server::start(extra);
    let mut a: Vec<Option<Raw>> = (0..conns).map(|_| None).collect();
    let theirs = redis_or_skip(extra);
    let mut b: Vec<Option<Raw>> = (0..conns).map(|_| None).collect();
    let mut out = Vec::new();
    for (i, cmd) in steps {
        let ra = a[*i].get_or_insert_with(|| ours.raw()).call(cmd);
        if let Some(r) = &theirs {
            let rb = b[*i].get_or_insert_with(|| r.raw()).call(cmd);
            assert_eq!(
                no_id(&ra),
                no_id(&rb),
                "reply to {cmd:?} on connection {i} differs (left: uredis, right: redis-server)"
            );
        }
        out.push(ra);
    }
    out
}

/// A reply with the client id of a HELLO reply blanked (ids differ between the servers).
fn no_id(b: &[u8]) -> String {
    let t = s(b);
    match t.find("$2\r\nid\r\n:") {
        Some(i) => {
            let start = i + 9;
            let end = start + t[start..].find("\r\n").unwrap_or(0);
            format!("{}{}", &t[..start], &t[end..])
        }
        None => t,
    }
}

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn rules_and_their_errors_like_redis() {
    let steps: &[(usize, &[&str])] = &[
        (0, &["ACL", "SETUSER", "alice"]),
        (0, &["ACL", "GETUSER", "alice"]),
        (
            0,
            &[
                "ACL", "SETUSER", "alice", "on", ">p1", ">p2", "<p1", "~k:*", "%R~r:*", "%W~w:*",
                "%RW~rw", "&ch:*", "+@read", "-get",
            ],
        ),
        (0, &["ACL", "GETUSER", "alice"]),
        (0, &["ACL", "LIST"]),
        (0, &["ACL", "USERS"]),
        (
            0,
            &[
                "ACL",
                "SETUSER",
                "bob",
                "reset",
                "nopass",
                "allkeys",
                "allchannels",
                "allcommands",
                "-config|set",
            ],
        ),
        (0, &["ACL", "GETUSER", "bob"]),
        (
            0,
            &[
                "ACL",
                "SETUSER",
                "bob",
                "resetpass",
                "resetkeys",
                "resetchannels",
                "nocommands",
                "+select|0",
            ],
        ),
        (0, &["ACL", "GETUSER", "bob"]),
        (
            0,
            &[
                "ACL",
                "SETUSER",
                "bob",
                "#5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
                "skip-sanitize-payload",
            ],
        ),
        (
            0,
            &[
                "ACL",
                "SETUSER",
                "bob",
                "!5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
            ],
        ),
        (
            0,
            &[
                "ACL",
                "SETUSER",
                "bob",
                "(+get ~x)",
                "(+set",
                "%W~y)",
                "+@string",
            ],
        ),
        (0, &["ACL", "GETUSER", "bob"]),
        (0, &["ACL", "LIST"]),
        (0, &["ACL", "SETUSER", "bob", "clearselectors"]),
        (0, &["ACL", "GETUSER", "bob"]),
        (0, &["ACL", "SETUSER", "bob", "+@all", "-@dangerous"]),
        (0, &["ACL", "LIST"]),
        (
            0,
            &[
                "ACL", "SETUSER", "bob", "-@all", "+@hash", "+@list", "-lpush",
            ],
        ),
        (0, &["ACL", "LIST"]),
        // Errors, each naming the modifier; nothing of a failing SETUSER is applied.
        (0, &["ACL", "SETUSER", "bob", "on", "+nosuchcommand"]),
        (0, &["ACL", "SETUSER", "bob", "+@nosuchcategory"]),
        (0, &["ACL", "SETUSER", "bob", "bogus"]),
        (0, &["ACL", "SETUSER", "bob", "allkeys", "~x"]),
        (0, &["ACL", "SETUSER", "bob", "allchannels", "&x"]),
        (0, &["ACL", "SETUSER", "bob", "<nosuchpass"]),
        (0, &["ACL", "SETUSER", "bob", "#abc"]),
        (0, &["ACL", "SETUSER", "bob", "!ABC"]),
        (0, &["ACL", "SETUSER", "bob", "+config|get|x"]),
        (0, &["ACL", "SETUSER", "bob", "+get|"]),
        (0, &["ACL", "SETUSER", "bob", "%"]),
        (0, &["ACL", "SETUSER", "bob", "%X~k"]),
        (0, &["ACL", "SETUSER", "bob", "%RR~k"]),
        (0, &["ACL", "SETUSER", "bob", "~a b"]),
        (0, &["ACL", "SETUSER", "bob", "(+get"]),
        (0, &["ACL", "SETUSER", "bob", "(+nosuch)"]),
        (0, &["ACL", "SETUSER", "bad user"]),
        (0, &["ACL", "GETUSER", "bob"]),
        (0, &["ACL", "GETUSER", "nobody"]),
        (0, &["ACL", "DELUSER", "default"]),
        (0, &["ACL", "DELUSER", "alice", "nobody", "bob"]),
        (0, &["ACL", "LIST"]),
        (0, &["ACL", "CAT"]),
        (0, &["ACL", "CAT", "nosuch"]),
        (0, &["ACL", "CAT", "read", "x"]),
        (0, &["ACL", "GENPASS", "0"]),
        (0, &["ACL", "GENPASS", "4097"]),
        (0, &["ACL", "GENPASS", "x"]),
        (0, &["ACL", "LOG", "1", "2"]),
        (0, &["ACL", "LOG", "x"]),
        (0, &["ACL", "WHOAMI"]),
        (0, &["ACL", "HELP"]),
        (0, &["ACL", "NOSUCH"]),
        (0, &["ACL", "LOAD"]),
        (0, &["ACL", "SAVE"]),
        (0, &["ACL", "SETUSER", "default", "resetchannels"]),
        (0, &["ACL", "GETUSER", "default"]),
        // acl-pubsub-default decides what new users and `reset` start with.
        (0, &["CONFIG", "SET", "acl-pubsub-default", "allchannels"]),
        (0, &["ACL", "SETUSER", "p", "(+get)"]),
        (0, &["ACL", "GETUSER", "p"]),
        (0, &["ACL", "SETUSER", "q", "&x", "reset"]),
        (0, &["ACL", "LIST"]),
        (0, &["CONFIG", "GET", "acl-pubsub-default"]),
    ];
    replay(&[], 1, steps);
}

#[test]
fn genpass_lengths() {
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    assert!(s(&c.call(&["ACL", "GENPASS"])).starts_with("$64\r\n"));
    assert!(s(&c.call(&["ACL", "GENPASS", "5"])).starts_with("$2\r\n"));
    let a = c.call(&["ACL", "GENPASS"]);
    assert_ne!(a, c.call(&["ACL", "GENPASS"]));
}

#[test]
fn auth_flows_like_redis() {
    let steps: &[(usize, &[&str])] = &[
        (0, &["AUTH", "x"]),
        (0, &["AUTH", "default", "x"]),
        (0, &["AUTH", "a", "b", "c"]),
        (0, &["ACL", "SETUSER", "u", "on", ">pw", "+@all", "~*"]),
        (0, &["AUTH", "u", "wrong"]),
        (0, &["AUTH", "nobody", "pw"]),
        (0, &["AUTH", "u", "pw"]),
        (0, &["ACL", "WHOAMI"]),
        (0, &["ACL", "SETUSER", "default", "resetpass", ">secret"]),
        // A new connection must authenticate now; the old one stays authenticated.
        (1, &["PING"]),
        (1, &["GET", "k"]),
        (1, &["HELLO", "3"]),
        (1, &["HELLO", "2", "AUTH", "default", "bad"]),
        (1, &["HELLO", "2", "AUTH", "nobody", "bad"]),
        (1, &["AUTH", "bad"]),
        (1, &["AUTH", "secret"]),
        (1, &["ACL", "WHOAMI"]),
        (2, &["HELLO", "2", "AUTH", "u", "pw", "SETNAME", "n"]),
        (2, &["ACL", "WHOAMI"]),
        (2, &["CLIENT", "GETNAME"]),
        (2, &["RESET"]),
        (2, &["ACL", "WHOAMI"]),
        (2, &["GET", "k"]),
        (0, &["ACL", "SETUSER", "u", "off"]),
        (3, &["AUTH", "u", "pw"]),
        (0, &["PING"]),
        (0, &["ACL", "SETUSER", "default", "nopass"]),
        (3, &["GET", "k"]),
        (3, &["HELLO", "3"]),
        (4, &["HELLO", "2", "SETNAME", "x"]),
    ];
    replay(&[], 5, steps);
}

#[test]
fn requirepass_from_config_and_config_set() {
    let steps: &[(usize, &[&str])] = &[
        (0, &["PING"]),
        (0, &["CONFIG", "GET", "requirepass"]),
        (0, &["AUTH", "pw1"]),
        (0, &["CONFIG", "GET", "requirepass"]),
        (0, &["ACL", "LIST"]),
        (0, &["CONFIG", "SET", "requirepass", "pw2"]),
        (0, &["ACL", "LIST"]),
        (1, &["GET", "x"]),
        (1, &["AUTH", "pw1"]),
        (1, &["AUTH", "pw2"]),
        (0, &["CONFIG", "SET", "requirepass", ""]),
        (0, &["ACL", "LIST"]),
        (2, &["AUTH", "pw2"]),
        (2, &["GET", "x"]),
    ];
    replay(&["--requirepass", "pw1"], 3, steps);
}

#[test]
fn permissions_commands_keys_channels_like_redis() {
    let steps: &[(usize, &[&str])] = &[
        (
            0,
            &[
                "ACL",
                "SETUSER",
                "u",
                "on",
                "nopass",
                "+@string",
                "+@keyspace",
                "-del",
                "+client|getname",
                "+publish",
                "+subscribe",
                "+psubscribe",
                "~k:*",
                "%R~r:*",
                "%W~w:*",
                "&news.*",
                "+select|0",
            ],
        ),
        (1, &["AUTH", "u", "x"]),
        (1, &["SET", "k:1", "v"]),
        (1, &["GET", "k:1"]),
        (1, &["GET", "other"]),
        (1, &["GET", "r:1"]),
        (1, &["SET", "r:1", "v"]),
        (1, &["SET", "w:1", "v"]),
        (1, &["GET", "w:1"]),
        (1, &["EXISTS", "w:1", "r:1"]),
        (1, &["COPY", "r:1", "w:2"]),
        (1, &["COPY", "w:1", "r:2"]),
        (1, &["MSET", "k:1", "a", "zzz", "b"]),
        (1, &["DEL", "k:1"]),
        (1, &["LPUSH", "k:1", "x"]),
        (1, &["CLIENT", "GETNAME"]),
        (1, &["CLIENT", "ID"]),
        (1, &["CLIENT", "LIST"]),
        (1, &["CONFIG", "GET", "port"]),
        (1, &["SELECT", "0"]),
        (1, &["SELECT", "1"]),
        (1, &["PUBLISH", "news.a", "m"]),
        (1, &["PUBLISH", "sport", "m"]),
        (1, &["PSUBSCRIBE", "news.*"]),
        (2, &["AUTH", "u", "x"]),
        (2, &["PSUBSCRIBE", "news.a*"]),
        (2, &["SUBSCRIBE", "news.a", "sport"]),
        (2, &["SUBSCRIBE", "news.a"]),
        (0, &["ACL", "DRYRUN", "u", "get", "k:1"]),
        (0, &["ACL", "DRYRUN", "u", "get", "zz"]),
        (0, &["ACL", "DRYRUN", "u", "del", "k:1"]),
        (0, &["ACL", "DRYRUN", "u", "publish", "sport", "m"]),
        (0, &["ACL", "DRYRUN", "u", "config", "get", "x"]),
        (0, &["ACL", "DRYRUN", "u", "config", "nosuch"]),
        (0, &["ACL", "DRYRUN", "u", "nosuch"]),
        (0, &["ACL", "DRYRUN", "u", "get"]),
        (0, &["ACL", "DRYRUN", "nobody", "get", "x"]),
        // Selectors: a second set of permissions is enough.
        (0, &["ACL", "SETUSER", "u", "(+hset ~h:*)"]),
        (1, &["HSET", "h:1", "f", "v"]),
        (1, &["HSET", "k:1", "f", "v"]),
        (1, &["HGET", "h:1", "f"]),
    ];
    replay(&[], 3, steps);
}

#[test]
fn multi_checks_at_queue_time_and_at_exec_like_redis() {
    let steps: &[(usize, &[&str])] = &[
        (
            0,
            &[
                "ACL",
                "SETUSER",
                "u",
                "on",
                "nopass",
                "+@all",
                "-flushall",
                "~*",
            ],
        ),
        (1, &["AUTH", "u", "x"]),
        (1, &["MULTI"]),
        (1, &["SET", "a", "1"]),
        (1, &["FLUSHALL"]),
        (1, &["EXEC"]),
        (1, &["MULTI"]),
        (1, &["SET", "a", "1"]),
        (1, &["GET", "a"]),
        (0, &["ACL", "SETUSER", "u", "-get"]),
        (1, &["EXEC"]),
        (0, &["ACL", "SETUSER", "u", "-exec"]),
        (1, &["MULTI"]),
        (1, &["EXEC"]),
    ];
    replay(&[], 2, steps);
}

/// The deterministic fields of every ACL LOG entry (not age or client info).
fn log_summary(c: &mut Raw) -> Vec<String> {
    let reply = s(&c.call(&["ACL", "LOG"]));
    let lines: Vec<&str> = reply.split("\r\n").collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if matches!(
            lines[i],
            "count" | "reason" | "context" | "object" | "username"
        ) {
            let v = if lines[i + 1].starts_with(':') {
                lines[i + 1]
            } else {
                lines[i + 2]
            };
            out.push(format!("{}={v}", lines[i]));
        }
        i += 1;
    }
    out
}

#[test]
fn acl_log_like_redis() {
    let script: &[(usize, &[&str])] = &[
        (
            0,
            &[
                "ACL", "SETUSER", "u", "on", ">pw", "+get", "~k*", "&c*", "+publish", "+multi",
                "+discard",
            ],
        ),
        (1, &["AUTH", "u", "bad"]),
        (1, &["AUTH", "u", "pw"]),
        (1, &["SET", "k", "v"]),
        (1, &["SET", "k", "v"]),
        (1, &["GET", "other"]),
        (1, &["PUBLISH", "x", "m"]),
        (1, &["MULTI"]),
        (1, &["GET", "zz"]),
        (1, &["DISCARD"]),
    ];
    let ours = Server::start(&["--acllog-max-len", "5"]);
    let mut a: Vec<Raw> = (0..2).map(|_| ours.raw()).collect();
    for (i, cmd) in script {
        a[*i].call(cmd);
    }
    let mine = log_summary(&mut a[0]);
    assert!(mine.contains(&"reason=auth".to_string()), "{mine:?}");
    assert!(mine.contains(&"object=set".to_string()), "{mine:?}");
    assert!(mine.contains(&"context=multi".to_string()), "{mine:?}");
    assert!(mine.contains(&"count=:2".to_string()), "{mine:?}");
    let full = s(&a[0].call(&["ACL", "LOG", "1"]));
    assert!(
        full.contains("age-seconds") && full.contains("user=u"),
        "{full}"
    );
    if let Some(redis) = redis_or_skip(&["--acllog-max-len", "5"]) {
        let mut b: Vec<Raw> = (0..2).map(|_| redis.raw()).collect();
        for (i, cmd) in script {
            b[*i].call(cmd);
        }
        assert_eq!(mine, log_summary(&mut b[0]));
    }
    // acllog-max-len trims the log when the next entry is added.
    a[0].call(&["CONFIG", "SET", "acllog-max-len", "2"]);
    a[1].call(&["GET", "another"]);
    assert!(s(&a[0].call(&["ACL", "LOG"])).starts_with("*2\r\n"));
    assert_eq!(a[0].call(&["ACL", "LOG", "RESET"]), b"+OK\r\n");
    assert_eq!(a[0].call(&["ACL", "LOG"]), b"*0\r\n");
}

#[test]
fn deluser_and_client_kill_user_disconnect() {
    let srv = Server::start(&[]);
    let mut admin = srv.raw();
    admin.call(&["ACL", "SETUSER", "u", "on", "nopass", "+@all", "~*"]);
    admin.call(&["ACL", "SETUSER", "v", "on", "nopass", "+@all", "~*"]);
    let mut u1 = srv.raw();
    let mut v1 = srv.raw();
    assert_eq!(u1.call(&["AUTH", "u", "x"]), b"+OK\r\n");
    assert_eq!(v1.call(&["AUTH", "v", "x"]), b"+OK\r\n");
    let list = s(&admin.call(&["CLIENT", "LIST"]));
    assert!(
        list.contains(" user=u ") && list.contains(" user=v "),
        "{list}"
    );
    assert_eq!(
        admin.call(&["CLIENT", "KILL", "USER", "nobody"]),
        b"-ERR No such user 'nobody'\r\n"
    );
    assert_eq!(admin.call(&["CLIENT", "KILL", "USER", "v"]), b":1\r\n");
    assert!(v1.is_closed());
    assert_eq!(admin.call(&["ACL", "DELUSER", "u"]), b":1\r\n");
    assert!(u1.is_closed());
    // A client deleting its own user gets its reply, then is closed.
    admin.call(&["ACL", "SETUSER", "w", "on", "nopass", "+@all", "~*"]);
    let mut w = srv.raw();
    w.call(&["AUTH", "w", "x"]);
    assert_eq!(w.call(&["ACL", "DELUSER", "w"]), b":1\r\n");
    assert!(w.is_closed());
    assert_eq!(admin.call(&["PING"]), b"+PONG\r\n");
}

#[test]
fn subscribers_dropped_when_channels_revoked() {
    let srv = Server::start(&[]);
    let mut admin = srv.raw();
    admin.call(&[
        "ACL", "SETUSER", "u", "on", "nopass", "+@all", "~*", "&a*", "&b",
    ]);
    let mut sub = srv.raw();
    sub.call(&["AUTH", "u", "x"]);
    sub.call(&["SUBSCRIBE", "b"]);
    let mut psub = srv.raw();
    psub.call(&["AUTH", "u", "x"]);
    psub.call(&["PSUBSCRIBE", "a*"]);
    // Adding a channel keeps everyone.
    admin.call(&["ACL", "SETUSER", "u", "&c"]);
    assert_eq!(admin.call(&["PUBLISH", "b", "m"]), b":1\r\n");
    sub.read_reply();
    // Revoking `b` drops its subscriber only.
    admin.call(&["ACL", "SETUSER", "u", "resetchannels", "&a*"]);
    assert!(sub.is_closed());
    assert_eq!(admin.call(&["PUBLISH", "a1", "m"]), b":1\r\n");
    psub.read_reply();
    admin.call(&["ACL", "SETUSER", "u", "resetchannels"]);
    assert!(psub.is_closed());
}

#[test]
fn aclfile_load_save_and_errors() {
    let dir = std::env::temp_dir().join(format!("uredis-aclfile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("users.acl");
    std::fs::write(
        &path,
        "user alice on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~a:* +get\n\nuser default on nopass ~* &* +@all\n",
    )
    .unwrap();
    let p = path.display().to_string();
    let srv = Server::start(&["--aclfile", &p]);
    let mut c = srv.raw();
    assert_eq!(
        s(&c.call(&["ACL", "LIST"])),
        "*2\r\n$109\r\nuser alice on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~a:* resetchannels -@all +get\r\n$34\r\nuser default on nopass ~* &* +@all\r\n"
    );
    let mut alice = srv.raw();
    assert_eq!(alice.call(&["AUTH", "alice", "password"]), b"+OK\r\n");
    c.call(&["ACL", "SETUSER", "bob", "on", ">x", "+@read", "~*"]);
    assert_eq!(c.call(&["ACL", "SAVE"]), b"+OK\r\n");
    let saved = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        saved,
        "user alice on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~a:* resetchannels -@all +get\nuser bob on #2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881 ~* resetchannels -@all +@read\nuser default on nopass ~* &* +@all\n"
    );
    // A broken file changes nothing and names every problem.
    std::fs::write(&path, "user x +nosuch\nfoo\nuser y %\nuser y\n").unwrap();
    let err = s(&c.call(&["ACL", "LOAD"]));
    assert_eq!(
        err,
        format!(
            "-ERR {p}:1: Error in applying operation '+nosuch': Unknown command or category name in ACL. {p}:2 should start with user keyword followed by the username. {p}:3: Syntax error. WARNING: Duplicate user 'y' found on line 4. WARNING: ACL errors detected, no change to the previously active ACL rules was performed\r\n"
        )
    );
    assert_eq!(
        s(&c.call(&["ACL", "USERS"])),
        "*3\r\n$5\r\nalice\r\n$3\r\nbob\r\n$7\r\ndefault\r\n"
    );
    // A good file replaces the users; clients of the old ones are disconnected.
    std::fs::write(&path, "user carol on nopass +@all ~*\n").unwrap();
    assert_eq!(c.call(&["ACL", "LOAD"]), b"+OK\r\n");
    assert!(alice.is_closed());
    assert_eq!(
        s(&c.call(&["ACL", "USERS"])),
        "*2\r\n$5\r\ncarol\r\n$7\r\ndefault\r\n"
    );
    assert_eq!(c.call(&["PING"]), b"+PONG\r\n");
    if let Some(redis) = redis_or_skip(&["--aclfile", &p]) {
        let mut r = redis.raw();
        std::fs::write(&path, "user x +nosuch\nfoo\nuser y %\nuser y\n").unwrap();
        assert_eq!(err, s(&r.call(&["ACL", "LOAD"])));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn user_lines_in_redis_conf() {
    let dir = std::env::temp_dir().join(format!("uredis-aclconf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("redis.conf");
    std::fs::write(
        &conf,
        "user default on >topsecret ~* &* +@all\nuser ro on nopass ~* +@read\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_uredis-server");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(bin)
        .arg(&conf)
        .args(["--port", &port.to_string(), "--save", ""])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_until(Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    }));
    let mut c = Raw::connect(("127.0.0.1", port));
    assert_eq!(
        c.call(&["GET", "x"]),
        b"-NOAUTH Authentication required.\r\n"
    );
    assert_eq!(c.call(&["AUTH", "ro", "x"]), b"+OK\r\n");
    assert_eq!(
        c.call(&["SET", "x", "1"]),
        b"-NOPERM this user has no permissions to run the 'set' command\r\n"
    );
    assert_eq!(c.call(&["AUTH", "topsecret"]), b"+OK\r\n");
    assert_eq!(c.call(&["SET", "x", "1"]), b"+OK\r\n");
    let _ = child.kill();
    let _ = child.wait();
    // A bad rule stops start-up naming it; users and an ACL file together are refused.
    for text in [
        "user bob on %X~k\n".to_string(),
        format!("user bob on\naclfile {}\n", dir.join("x.acl").display()),
    ] {
        std::fs::write(&conf, text).unwrap();
        let out = std::process::Command::new(bin)
            .arg(&conf)
            .args(["--port", &common::free_port().to_string()])
            .output()
            .unwrap();
        assert!(!out.status.success());
        // Refused for the rule or the combination, not for anything else.
        let log = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(!log.contains("not listen anywhere"), "{log}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A small deterministic generator for the rule fuzz.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn random_rule(r: &mut Rng) -> String {
    const WORDS: &[&str] = &[
        "on",
        "off",
        "nopass",
        "resetpass",
        "reset",
        "allkeys",
        "resetkeys",
        "allchannels",
        "resetchannels",
        "allcommands",
        "nocommands",
        "clearselectors",
        "sanitize-payload",
        "skip-sanitize-payload",
        "+@all",
        "-@all",
        "+@read",
        "-@write",
        "+@string",
        "-@string",
        "+@hash",
        "+@dangerous",
        "-@admin",
        "+@pubsub",
        "+get",
        "-get",
        "+set",
        "-set",
        "+config|get",
        "-config|set",
        "+client",
        "-client|kill",
        "+select|0",
        "+debug|x",
        "+acl",
        "-acl|setuser",
        "+nosuch",
        "+@nosuch",
        "+",
        "-",
        "%",
        "%R",
        "%W~",
        "(",
        ")",
        "()",
        "#x",
    ];
    const CHARS: &[&str] = &[
        "a", "*", "?", "[", "]", "\\", "x", "|", "~", "(", ")", "{", "%",
    ];
    match r.next() % 8 {
        0 => format!(">{}{}", r.pick(CHARS), r.pick(CHARS)),
        1 => format!("~{}{}", r.pick(CHARS), r.pick(CHARS)),
        // (Not `%RW~*`: Redis prints it as `~*`, which reads back as `allkeys`.)
        2 => format!(
            "%{}~{}x",
            r.pick(&["R", "W", "RW", "WR", "r"]),
            r.pick(CHARS)
        ),
        3 => format!("&{}{}", r.pick(CHARS), r.pick(CHARS)),
        4 => format!(
            "({} {} {})",
            r.pick(WORDS),
            r.pick(&["~a*", "%R~b", "&c", "+get", "-@all"]),
            r.pick(WORDS)
        ),
        _ => r.pick(WORDS).to_string(),
    }
}

/// The user's rules as ACL LIST prints them (after `user <name> `).
fn listed(c: &mut Raw, name: &str) -> Option<String> {
    let list = s(&c.call(&["ACL", "LIST"]));
    let prefix = format!("user {name} ");
    list.split("\r\n")
        .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
}

#[test]
fn random_rules_never_panic_and_round_trip() {
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..300 {
        let n = 1 + (r.next() % 6) as usize;
        let rules: Vec<String> = (0..n).map(|_| random_rule(&mut r)).collect();
        let mut cmd: Vec<&str> = vec!["ACL", "SETUSER", "fuzz"];
        cmd.extend(rules.iter().map(String::as_str));
        let reply = c.call(&cmd);
        assert!(
            reply == b"+OK\r\n" || reply.starts_with(b"-ERR "),
            "{rules:?}: {}",
            s(&reply)
        );
        let Some(printed) = listed(&mut c, "fuzz") else {
            continue;
        };
        let getuser = c.call(&["ACL", "GETUSER", "fuzz"]);
        // Set the printed rules on a fresh user: the same print and the same GETUSER.
        let fresh = format!("copy{i}");
        let mut again: Vec<String> = vec!["ACL".into(), "SETUSER".into(), fresh.clone()];
        again.extend(printed.split(' ').map(str::to_string));
        let again: Vec<&str> = again.iter().map(String::as_str).collect();
        assert_eq!(c.call(&again), b"+OK\r\n", "{printed}");
        assert_eq!(listed(&mut c, &fresh).as_deref(), Some(printed.as_str()));
        assert_eq!(s(&c.call(&["ACL", "GETUSER", &fresh])), s(&getuser));
        c.call(&["ACL", "DELUSER", &fresh]);
    }
    assert_eq!(c.call(&["PING"]), b"+PONG\r\n");
}

/// A non-loopback address of this machine, if it has one.
fn outside_address() -> Option<std::net::IpAddr> {
    let s = UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn protected_mode_lets_outside_clients_in_once_default_has_a_password() {
    let Some(ip) = outside_address() else {
        eprintln!("note: no non-loopback address; protected-mode test skipped");
        return;
    };
    let srv = Server::start(&["--bind", "0.0.0.0"]);
    let mut local = srv.raw();
    let mut outside = Raw::connect((ip, srv.port));
    outside.send(b"PING\r\n");
    assert!(outside.read_reply().starts_with(b"-DENIED"));
    local.call(&["ACL", "SETUSER", "default", ">pw"]);
    let mut outside = Raw::connect((ip, srv.port));
    assert_eq!(
        outside.call(&["PING"]),
        b"-NOAUTH Authentication required.\r\n"
    );
    assert_eq!(outside.call(&["AUTH", "pw"]), b"+OK\r\n");
    assert_eq!(outside.call(&["PING"]), b"+PONG\r\n");
}

#[test]
fn config_rewrite_writes_users_and_they_load_back() {
    let dir = std::env::temp_dir().join(format!("uredis-aclrewrite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("redis.conf");
    std::fs::write(&conf, "user old on nopass ~* +@all\nsave \"\"\n").unwrap();
    let bin = env!("CARGO_BIN_EXE_uredis-server");
    let start = || {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(bin)
            .arg(&conf)
            .args(["--port", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        assert!(wait_until(Duration::from_secs(10), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        }));
        (child, Raw::connect(("127.0.0.1", port)))
    };
    let (mut child, mut c) = start();
    c.call(&["ACL", "DELUSER", "old"]);
    c.call(&["ACL", "SETUSER", "new", "on", ">pw", "~k*", "+get"]);
    assert_eq!(c.call(&["CONFIG", "REWRITE"]), b"+OK\r\n");
    let text = std::fs::read_to_string(&conf).unwrap();
    assert!(!text.contains("user old"), "{text}");
    assert!(
        text.contains("user new on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~k* resetchannels -@all +get\n"),
        "{text}"
    );
    assert!(
        text.contains("user default on nopass ~* &* +@all\n"),
        "{text}"
    );
    let _ = child.kill();
    let _ = child.wait();
    let (mut child, mut c) = start();
    assert_eq!(
        s(&c.call(&["ACL", "USERS"])),
        "*2\r\n$7\r\ndefault\r\n$3\r\nnew\r\n"
    );
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn key_permissions_follow_key_specs_like_redis() {
    let steps: &[(usize, &[&str])] = &[
        (
            0,
            &[
                "ACL", "SETUSER", "u", "on", "nopass", "+@all", "%R~r*", "%W~w*", "~rw*",
            ],
        ),
        (0, &["RPUSH", "r1", "a"]),
        (0, &["ZADD", "rz", "1", "a"]),
        (1, &["AUTH", "u", "x"]),
        // SET without GET only writes; with GET it also reads.
        (1, &["SET", "w1", "v"]),
        (1, &["SET", "w1", "v", "GET"]),
        (1, &["SET", "rw1", "v", "GET"]),
        (1, &["GETDEL", "w1"]),
        (1, &["RENAME", "r1", "w2"]),
        (1, &["LMOVE", "r1", "w3", "LEFT", "LEFT"]),
        (1, &["LMOVE", "rw2", "r4", "LEFT", "LEFT"]),
        (1, &["ZUNIONSTORE", "w4", "2", "rz", "r9"]),
        (1, &["ZUNIONSTORE", "w4", "2", "rz", "w9"]),
        (1, &["ZUNIONSTORE", "r4", "1", "rz"]),
        (1, &["ZUNION", "2", "rz", "rw"]),
        (1, &["SINTERCARD", "2", "r1", "x1"]),
        (1, &["LMPOP", "2", "rw1", "r1", "LEFT"]),
        (1, &["BLMPOP", "0.01", "1", "w1", "LEFT"]),
        (1, &["GEOADD", "wg", "0", "0", "m"]),
        (1, &["GEORADIUS", "rg", "0", "0", "1", "km"]),
        (1, &["GEORADIUS", "rg", "0", "0", "1", "km", "STORE", "r5"]),
        (1, &["GEORADIUS", "rg", "0", "0", "1", "km", "STORE", "w5"]),
        (
            1,
            &[
                "GEOSEARCHSTORE",
                "w6",
                "rg",
                "FROMLONLAT",
                "0",
                "0",
                "BYRADIUS",
                "1",
                "km",
            ],
        ),
        (1, &["COPY", "rw1", "rw2"]),
        (1, &["OBJECT", "ENCODING", "w1"]),
        (1, &["TTL", "w1"]),
        (1, &["EXISTS", "w1"]),
        (1, &["TOUCH", "w1"]),
        (1, &["DEL", "r1"]),
        (1, &["MGET", "rw1", "r1", "w1"]),
        (1, &["MSET", "w1", "a", "rw1", "b"]),
        (1, &["DBSIZE"]),
        (1, &["FLUSHALL"]),
        (1, &["MULTI"]),
        (1, &["GET", "r1"]),
        (1, &["GET", "w1"]),
        (1, &["EXEC"]),
        (0, &["ACL", "DRYRUN", "u", "set", "w1", "v", "GET"]),
        (
            0,
            &["ACL", "DRYRUN", "u", "lmove", "r1", "w3", "left", "left"],
        ),
        (
            0,
            &["ACL", "DRYRUN", "u", "zunionstore", "w4", "2", "rz", "x"],
        ),
    ];
    replay(&[], 2, steps);
}

/// The bulk strings of a flat array reply.
fn bulks(reply: &[u8]) -> Vec<String> {
    let t = s(reply);
    let lines: Vec<&str> = t.split("\r\n").collect();
    let mut out = Vec::new();
    let mut i = 1;
    while i + 1 < lines.len() {
        if lines[i].starts_with('$') {
            out.push(lines[i + 1].to_string());
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn categories_are_redis_categories() {
    let ours = Server::start(&[]);
    let mut a = ours.raw();
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let mut b = redis.raw();
    assert_eq!(a.call(&["ACL", "CAT"]), b.call(&["ACL", "CAT"]));
    let mut have: Vec<String> = bulks(&a.call(&["COMMAND", "LIST"]));
    have.sort();
    for cat in bulks(&a.call(&["ACL", "CAT"])) {
        // (Less the Redis 7.2 commands uredis has and 7.0 lacks.)
        let mut mine: Vec<String> = bulks(&a.call(&["ACL", "CAT", &cat]))
            .into_iter()
            .filter(|n| n != "client|no-touch" && n != "client|setinfo")
            .collect();
        mine.sort();
        let mut theirs: Vec<String> = bulks(&b.call(&["ACL", "CAT", &cat]))
            .into_iter()
            .filter(|n| have.binary_search(n).is_ok())
            .collect();
        theirs.sort();
        assert_eq!(mine, theirs, "ACL CAT {cat}");
    }
}

#[test]
fn scripts_run_with_the_callers_permissions_like_redis() {
    let steps: &[(usize, &[&str])] = &[
        (
            0,
            &[
                "ACL", "SETUSER", "s", "on", "nopass", "+@all", "-del", "~k*", "&chan",
            ],
        ),
        (1, &["AUTH", "s", "x"]),
        (
            1,
            &["EVAL", "return redis.call('set', KEYS[1], 'v')", "1", "k1"],
        ),
        (1, &["EVAL", "return redis.call('del', KEYS[1])", "1", "k1"]),
        (1, &["EVAL", "return redis.call('get', 'other')", "0"]),
        (
            1,
            &["EVAL", "return redis.pcall('publish', 'other', 'm')", "0"],
        ),
        (
            1,
            &["EVAL", "return redis.call('publish', 'chan', 'm')", "0"],
        ),
        (1, &["EVAL", "return redis.acl_check_cmd('del', 'k1')", "0"]),
        (1, &["EVAL", "return redis.acl_check_cmd('get', 'k1')", "0"]),
        (
            1,
            &["EVAL", "return redis.acl_check_cmd('get', 'zzz')", "0"],
        ),
        (0, &["EVAL", "return redis.acl_check_cmd('del', 'x')", "0"]),
    ];
    replay(&[], 2, steps);
    // The denials are logged with context `lua`, as Redis logs them.
    let srv = Server::start(&[]);
    let mut admin = srv.raw();
    admin.call(&["ACL", "SETUSER", "s", "on", "nopass", "+@all", "-del", "~*"]);
    let mut c = srv.raw();
    c.call(&["AUTH", "s", "x"]);
    c.call(&["EVAL", "return redis.call('del', 'k')", "0"]);
    let log = s(&admin.call(&["ACL", "LOG", "1"]));
    assert!(log.contains("$7\r\ncontext\r\n$3\r\nlua\r\n"), "{log}");
}

/// Every ACL category, granted and removed, prints back in ACL LIST / GETUSER exactly as in
/// Redis (a category whose commands uredis lacked used to vanish from the printed rules).
#[test]
fn every_category_prints_as_redis() {
    let mut script: Vec<Vec<String>> = vec![vec!["ACL".into(), "CAT".into()]];
    // ACL CAT (compared first) checks uredis's list against Redis's.
    for c in uredis::acl::CATEGORIES {
        let user = format!("u-{c}");
        script.push(
            [
                "ACL",
                "SETUSER",
                &user,
                "reset",
                "on",
                "nopass",
                &format!("+@{c}"),
            ]
            .map(String::from)
            .to_vec(),
        );
        script.push(
            [
                "ACL",
                "SETUSER",
                &format!("v-{c}"),
                "on",
                "+@all",
                &format!("-@{c}"),
            ]
            .map(String::from)
            .to_vec(),
        );
        script.push(["ACL", "GETUSER", &user].map(String::from).to_vec());
    }
    script.push(vec!["ACL".into(), "LIST".into()]);
    let lines: Vec<Vec<&str>> = script
        .iter()
        .map(|c| c.iter().map(String::as_str).collect())
        .collect();
    let refs: Vec<&[&str]> = lines.iter().map(Vec::as_slice).collect();
    compat(&refs);
}
