//! SCRIPT DEBUG and the Lua debugger, end to end: sessions driven over raw sockets and with
//! `redis-cli --ldb` / `--ldb-sync-mode`, compared byte for byte with a real redis-server
//! 7.0.15; YES mode's rollback and SYNC mode's kept changes; other clients during a forked
//! session; aborted and abandoned sessions leave the server healthy.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Raw, Server, redis_or_skip};

/// Runs one debugging session on a fresh connection: `SCRIPT DEBUG <mode>`, the EVAL, then
/// the debugger commands one by one (each answered by exactly one array) until the session
/// ends; returns every byte received, up to the connection's close.
fn session(srv: &Server, mode: &str, eval: &[&str], cmds: &[&[&str]]) -> Vec<u8> {
    let mut c = srv.raw();
    let mut got = c.call(&["SCRIPT", "DEBUG", mode]);
    let mut cmds = cmds.iter();
    c.call(eval).iter().for_each(|&b| got.push(b));
    loop {
        if got.ends_with(b"+<endsession>\r\n") {
            break;
        }
        let next = cmds
            .next()
            .unwrap_or_else(|| panic!("session did not end: {}", String::from_utf8_lossy(&got)));
        got.extend(c.call(next));
    }
    // The EVAL reply follows <endsession>; then the connection closes.
    if got.ends_with(b"+<endsession>\r\n") {
        got.extend(c.read_reply());
    }
    got.extend(c.read_until_closed());
    got
}

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const SCRIPT: &str = "local a = 1
local t = {1, 2, 'x', {y = true}}
redis.call('set', KEYS[1], ARGV[1])
redis.debug('hi', a, t)
local r = redis.call('get', KEYS[1])
redis.breakpoint()
local z = {a = 1}
return r
";

type Case<'a> = (&'a str, Vec<&'a str>, Vec<Vec<&'a str>>);

fn cases() -> Vec<Case<'static>> {
    let big: &'static str = Box::leak("x".repeat(200).into_boxed_str());
    let bigger: &'static str = Box::leak("y".repeat(300).into_boxed_str());
    let eval = |script: &'static str| vec!["EVAL", script, "1", "k", "v"];
    vec![
        // Stepping, printing, the redis command (replies and errors), breakpoints (with
        // Redis's removal quirk), trace, eval, list, whole, maxlen, help, abort.
        (
            "yes",
            eval(SCRIPT),
            vec![
                vec!["step"],
                vec!["n"],
                vec!["print"],
                vec!["p", "t"],
                vec!["p", "KEYS"],
                vec!["print", "ARGV"],
                vec!["p", "nosuch"],
                vec!["redis", "incr", "counter"],
                vec!["r", "set", "str", "abc"],
                vec!["r", "incr", "str"],
                vec!["r", "hset", "str", "f", "v"],
                vec!["r", "incr"],
                vec!["r", "nosuchcommand"],
                vec!["r", "mget", "str", "nokey", "counter"],
                vec!["r", "ping"],
                vec!["redis"],
                vec!["break", "3", "5", "7"],
                vec!["b"],
                vec!["b", "-3"],
                vec!["b"],
                vec!["b", "-9", "x", "0", "99"],
                vec!["b", "6"],
                vec!["continue"],
                vec!["trace"],
                vec!["eval", "1", "+", "2"],
                vec!["e", "a"],
                vec!["e", "x("],
                vec!["e", "error('no')"],
                vec!["e", "{1, 2, nil, 4}"],
                vec!["list"],
                vec!["l", "0"],
                vec!["l", "5", "1"],
                vec!["l", "-1", "-1"],
                vec!["list", "2", "0"],
                vec!["whole"],
                vec!["maxlen"],
                vec!["m", "0"],
                vec!["m", "5"],
                vec!["maxlen", "70"],
                vec!["m", "1", "2"],
                vec!["r", "set", "big", big],
                vec!["r", "get", "big"],
                vec!["nosuch"],
                vec!["help"],
                vec!["h"],
                vec!["c"],
                vec!["abort"],
            ],
        ),
        // The default maxlen trims and hints once.
        (
            "sync",
            eval(SCRIPT),
            vec![
                vec!["r", "set", "big", bigger],
                vec!["r", "get", "big"],
                vec!["r", "get", "big"],
                vec!["c"],
                vec!["s"],
                vec!["s"],
                vec!["s"],
            ],
        ),
        // Values of every kind; RESP3 replies in human form; a runtime error ends it.
        (
            "yes",
            vec![
                "EVAL",
                "local t = {a=1, b={c=true}, [3]='x\\n\\001'}\nlocal n = 0/0\nlocal f = 1e300*10\nlocal s = 'q\"\\\\'\nredis.setresp(3)\nlocal h = redis.call('hset','hh','a','1')\nerror('boom')\n",
                "0",
            ],
            vec![
                vec!["s"],
                vec!["s"],
                vec!["s"],
                vec!["s"],
                vec!["s"],
                vec!["p"],
                vec!["r", "hgetall", "hh"],
                vec!["r", "smembers", "nokey"],
                vec!["r", "get", "nokey"],
                vec!["r", "incrbyfloat", "fl", "1.5"],
                vec!["r", "zadd", "z", "1", "a"],
                vec!["r", "zrange", "z", "0", "-1", "withscores"],
                vec!["r", "exists", "hh"],
                vec!["s"],
                vec!["s"],
            ],
        ),
        // Errors before the script runs are answered after <endsession>.
        ("yes", vec!["EVAL", "return 1", "-1"], vec![]),
        ("sync", vec!["EVAL", "return (", "0"], vec![]),
        ("yes", vec!["EVAL", "return 1", "2", "a"], vec![]),
        // Read-only scripts, shebangs and the reply of a finished script.
        (
            "yes",
            vec![
                "EVAL",
                "#!lua flags=no-writes\nlocal x = 1\nreturn redis.call('set','a','b')\n",
                "0",
            ],
            vec![vec!["s"], vec!["s"], vec!["s"]],
        ),
        (
            "sync",
            vec!["EVAL_RO", "return redis.call('incr','a')", "0"],
            vec![vec!["s"]],
        ),
        (
            "sync",
            vec!["EVAL", "return {1, 'two', {3}}\r\n\r\n", "0"],
            vec![vec!["w"], vec!["c"]],
        ),
        // Functions: trace shows the caller, print finds outer locals.
        (
            "yes",
            vec![
                "EVAL",
                "local outer = 'o'\nlocal function f(x)\n  local y = x * 2\n  return y\nend\nreturn f(21)\n",
                "0",
            ],
            vec![
                vec!["s"],
                vec!["s"],
                vec!["s"],
                vec!["s"],
                vec!["p"],
                vec!["p", "outer"],
                vec!["p", "x"],
                vec!["t"],
                vec!["c"],
            ],
        ),
        // An empty script.
        ("yes", vec!["EVAL", "", "0"], vec![vec!["c"]]),
    ]
}

#[test]
fn sessions_match_redis_byte_for_byte() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    for (mode, eval, cmds) in cases() {
        let cmds: Vec<&[&str]> = cmds.iter().map(|c| c.as_slice()).collect();
        let a = session(&ours, mode, &eval, &cmds);
        let b = session(&redis, mode, &eval, &cmds);
        assert_eq!(
            show(&a),
            show(&b),
            "session {mode} {eval:?} differs (left: uredis, right: redis-server)"
        );
        assert!(contains(&a, b"+<endsession>\r\n"));
    }
}

#[test]
fn script_debug_replies_match_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let script: &[&[&str]] = &[
        &["SCRIPT", "DEBUG", "maybe"],
        &["SCRIPT", "DEBUG"],
        &["SCRIPT", "DEBUG", "no", "x"],
        &["SCRIPT", "HELP"],
        &["MULTI"],
        &["SCRIPT", "DEBUG", "yes"],
        &["EXEC"],
        &["SCRIPT", "DEBUG", "YES"],
        &["EVALSHA", "abc", "0"],
        &["EVALSHA", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "0"],
        &[
            "EVALSHA_RO",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "0",
        ],
        &["SCRIPT", "DEBUG", "no"],
        &["EVAL", "return redis.breakpoint()", "0"],
        &["EVAL", "return redis.debug('x')", "0"],
        &["SCRIPT", "DEBUG", "sync"],
        &["SCRIPT", "DEBUG", "NO"],
        &["EVAL", "return 1", "0"],
        &["EVAL", "return redis.call('script', 'debug', 'yes')", "0"],
    ];
    let (mut a, mut b) = (ours.raw(), redis.raw());
    common::assert_same_replies(&mut a, &mut b, script);
    // In a pipeline: refused (the earlier reply is pending).
    for c in [&mut a, &mut b] {
        c.send(b"PING\r\nSCRIPT DEBUG YES\r\n");
    }
    assert_eq!(show(&a.replies(2)), show(&b.replies(2)));
    assert_eq!(
        show(&a.call(&["PING"])),
        "+PONG\r\n",
        "still in normal mode"
    );
}

#[test]
fn debugger_input_protocol_matches_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let eval = common::encode(&[b"EVAL", b"local a = 1\nreturn a", b"0"]);
    let with_step = {
        let mut v = eval.clone();
        v.extend_from_slice(b"*1\r\n$1\r\ns\r\n");
        v
    };
    let c = b"*1\r\n$1\r\nc\r\n".to_vec();
    // What is sent after SCRIPT DEBUG: raw chunks, each with whether a reply follows it.
    let runs: Vec<Vec<(Vec<u8>, bool)>> = vec![
        // An inline command is a protocol error that ends the script.
        vec![(eval.clone(), true), (b"step\r\n".to_vec(), true)],
        // Two commands in one read: the second is dropped, as Redis does.
        vec![
            (eval.clone(), true),
            (b"*1\r\n$1\r\ns\r\n*1\r\n$1\r\ns\r\n".to_vec(), true),
            (c.clone(), true),
        ],
        // A command split over two writes.
        vec![
            (eval.clone(), true),
            (b"*2\r\n$1\r\np".to_vec(), false),
            (b"\r\n$1\r\na\r\n".to_vec(), true),
            (c.clone(), true),
        ],
        // A debugger command sent with the EVAL stays unread (Redis's query buffer).
        vec![(with_step, true), (c.clone(), true)],
        // Inside a transaction: the EXEC array holds the replies up to the EVAL's; later
        // queued commands run without replies; what was pipelined after EXEC stays unread.
        vec![
            (b"MULTI\r\n".to_vec(), true),
            (b"SET a 1\r\n".to_vec(), true),
            (
                common::encode(&[b"EVAL", b"return redis.call('get', 'a')", b"0"]),
                true,
            ),
            (b"SET b 2\r\n".to_vec(), true),
            (b"EXEC\r\nPING\r\n".to_vec(), true),
            (b"*1\r\n$1\r\ns\r\n".to_vec(), true),
        ],
        // Zero-length and oversized arguments are protocol errors.
        vec![(eval.clone(), true), (b"*1\r\n$0\r\n\r\n".to_vec(), true)],
        vec![(eval.clone(), true), (b"*1\r\n$2000\r\n".to_vec(), true)],
    ];
    for mode in ["YES", "SYNC"] {
        for run in &runs {
            let mut outs = vec![];
            for srv in [&ours, &redis] {
                let mut c = srv.raw();
                let mut got = c.call(&["SCRIPT", "DEBUG", mode]);
                for (chunk, reply) in run {
                    c.send(chunk);
                    if *reply {
                        got.extend(c.read_reply());
                    }
                }
                // (The EVAL reply, and then the close: an EXEC array may stay incomplete.)
                got.extend(c.read_until_closed());
                outs.push(got);
            }
            assert_eq!(show(&outs[0]), show(&outs[1]), "{mode} {run:?}");
            assert!(contains(&outs[0], b"+<endsession>\r\n"));
        }
    }
}

/// `redis-cli --ldb` and `--ldb-sync-mode`, fed debugger commands on stdin.
fn redis_cli_session(srv: &Server, sync: bool, file: &std::path::Path, input: &str) -> String {
    let mut cmd = Command::new("redis-cli");
    cmd.args(["-p", &srv.port.to_string()]);
    cmd.arg(if sync { "--ldb-sync-mode" } else { "--ldb" });
    cmd.arg("--eval").arg(file).args(["k", ",", "v"]);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("redis-cli runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write to redis-cli");
    let out = child.wait_with_output().expect("redis-cli exits");
    // redis-cli prints how long a command took when it took 500 ms or more: not ours to
    // compare on a busy machine.
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| {
            !(l.starts_with('(') && l.ends_with("s)") && l[1..l.len() - 2].parse::<f64>().is_ok())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn redis_cli_ldb_transcripts_match_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    if Command::new("redis-cli").arg("--version").output().is_err() {
        eprintln!("note: redis-cli not installed; skipped");
        return;
    }
    let ours = Server::start(&[]);
    let file = ours.dir.join("debug.lua");
    std::fs::write(&file, SCRIPT).expect("script file");
    let input = "step\nstep\nprint\nprint t\nredis incr k2\nredis get k\nbreak 6\nbreak\n\
                 continue\ntrace\neval a+1\neval x(\nlist\nwhole\nmaxlen\nmaxlen 5\nfoo\nhelp\n\
                 continue\ncontinue\n";
    for sync in [false, true] {
        let a = redis_cli_session(&ours, sync, &file, input);
        let b = redis_cli_session(&redis, sync, &file, input);
        assert_eq!(
            a, b,
            "redis-cli sync={sync} (left: uredis, right: redis-server)"
        );
        let end = if sync {
            "(Lua debugging session ended)"
        } else {
            "(Lua debugging session ended -- dataset changes rolled back)"
        };
        assert!(a.contains(end), "{a}");
        // The dataset: rolled back in YES mode, kept in SYNC mode.
        let mut c = ours.raw();
        let got = c.call(&["GET", "k"]);
        assert_eq!(show(&got), if sync { "$1\r\nv\r\n" } else { "$-1\r\n" });
        c.call(&["DEL", "k"]);
        redis.raw().call(&["DEL", "k"]);
    }
}

/// Starts a session and returns the connection stopped at the first line.
fn start(srv: &Server, mode: &str, script: &str, keys: &[&str]) -> Raw {
    let mut c = srv.raw();
    assert_eq!(c.call(&["SCRIPT", "DEBUG", mode]), b"+OK\r\n");
    let n = keys.len().to_string();
    let mut eval = vec!["EVAL", script, &n];
    eval.extend_from_slice(keys);
    let first = c.call(&eval);
    assert!(
        first.starts_with(b"*2\r\n+* Stopped at 1, stop reason = step over\r\n"),
        "{}",
        show(&first)
    );
    c
}

/// Ends a session with `continue` and returns the EVAL reply; the connection closes.
fn finish(c: &mut Raw) -> Vec<u8> {
    let end = c.call(&["c"]);
    assert_eq!(show(&end), "*1\r\n+<endsession>\r\n");
    let reply = c.read_reply();
    assert!(c.read_until_closed().is_empty());
    reply
}

#[test]
fn forked_session_rolls_back_and_others_are_served() {
    let srv = Server::start(&[]);
    let mut other = srv.raw();
    assert_eq!(other.call(&["SET", "counter", "10"]), b"+OK\r\n");
    let mut dbg = start(
        &srv,
        "yes",
        "local a = 1\nredis.call('set', KEYS[1], 'changed')\nreturn redis.call('get', 'counter')",
        &["k"],
    );
    // The parent serves other clients while the child is stopped in the debugger.
    assert_eq!(other.call(&["INCR", "counter"]), b":11\r\n");
    assert_eq!(other.call(&["SET", "k", "parent"]), b"+OK\r\n");
    // The parent closed its side of the debugging client.
    assert!(common::wait_until(Duration::from_secs(10), || {
        show(&other.call(&["CLIENT", "LIST"]))
            .matches("id=")
            .count()
            == 1
    }));
    assert!(show(&other.call(&["INFO", "stats"])).contains("total_forks:1\r\n"));
    // The child sees the dataset as it was at the fork.
    assert_eq!(show(&finish(&mut dbg)), "$2\r\n10\r\n");
    // And its changes are gone with it.
    assert_eq!(other.call(&["GET", "k"]), b"$6\r\nparent\r\n");
    assert_eq!(other.call(&["GET", "counter"]), b"$2\r\n11\r\n");
}

#[test]
fn sync_session_keeps_changes_and_blocks_the_server() {
    let srv = Server::start(&[]);
    let mut other = srv.raw();
    assert_eq!(other.call(&["SET", "counter", "10"]), b"+OK\r\n");
    let mut dbg = start(
        &srv,
        "sync",
        "local a = 1\nredis.call('set', KEYS[1], 'changed')\nreturn redis.call('get', 'counter')",
        &["k"],
    );
    // Sent while the server serves only the debugging client: it runs after the session.
    other.send(&common::encode(&[b"INCR", b"counter"]));
    assert_eq!(show(&finish(&mut dbg)), "$2\r\n10\r\n");
    assert_eq!(other.read_reply(), b":11\r\n");
    assert_eq!(other.call(&["GET", "k"]), b"$7\r\nchanged\r\n");
    // The debugging client was closed after the reply.
    assert!(common::wait_until(Duration::from_secs(10), || {
        show(&other.call(&["CLIENT", "LIST"]))
            .matches("id=")
            .count()
            == 1
    }));
}

#[test]
fn aborted_and_abandoned_sessions_leave_the_server_healthy() {
    let srv = Server::start(&["--busy-reply-threshold", "100"]);
    let mut other = srv.raw();
    for mode in ["yes", "sync"] {
        // abort: the script stops with Redis's error; SYNC keeps what ran before.
        let mut dbg = start(
            &srv,
            mode,
            "redis.call('set', KEYS[1], 'x')\nlocal b = 2\nreturn 1",
            &["ab"],
        );
        dbg.call(&["s"]);
        let end = show(&dbg.call(&["abort"]));
        assert_eq!(end, "*1\r\n+<endsession>\r\n");
        let reply = show(&dbg.read_reply());
        assert!(
            reply.starts_with("-ERR script aborted for user request script: ")
                && reply.ends_with(", on @user_script:2.\r\n"),
            "{reply}"
        );
        assert!(dbg.read_until_closed().is_empty());
        let kept = if mode == "sync" {
            "$1\r\nx\r\n"
        } else {
            "$-1\r\n"
        };
        assert_eq!(show(&other.call(&["GET", "ab"])), kept);
        other.call(&["DEL", "ab"]);

        // The client goes away mid-session: the script runs to its end without stopping.
        let dbg = start(
            &srv,
            mode,
            "local a = 1\nredis.breakpoint()\nredis.call('set', KEYS[1], 'done')\nreturn 1",
            &["gone"],
        );
        drop(dbg);
        if mode == "sync" {
            assert_eq!(other.call(&["GET", "gone"]), b"$4\r\ndone\r\n");
        }

        // An endless loop past busy-reply-threshold stops with the timeout reason; with the
        // client gone it is killed instead of blocking forever.
        let mut dbg = start(&srv, mode, "local i = 0\nwhile true do i = i + 1 end", &[]);
        let stop = show(&dbg.call(&["c"]));
        assert!(
            stop.contains("+* Stopped at 2, stop reason = timeout reached, infinite loop?\r\n"),
            "{stop}"
        );
        drop(dbg);
        assert_eq!(other.call(&["PING"]), b"+PONG\r\n");
    }
    // A new session works after all that.
    let mut dbg = start(&srv, "sync", "local a = 1\nreturn 'ok'", &[]);
    assert_eq!(finish(&mut dbg), b"$2\r\nok\r\n");
    assert_eq!(other.call(&["PING"]), b"+PONG\r\n");
    assert!(common::wait_until(Duration::from_secs(10), || {
        show(&other.call(&["CLIENT", "LIST"]))
            .matches("id=")
            .count()
            == 1
    }));
}

#[test]
fn shutdown_kills_forked_sessions() {
    let srv = Server::start(&[]);
    let mut dbg = start(&srv, "yes", "local a = 1\nreturn 1", &[]);
    let mut other = srv.raw();
    other.send(&common::encode(&[b"SHUTDOWN", b"NOSAVE"]));
    assert!(other.read_until_closed().is_empty());
    // The child was killed: the debugging connection ends without a reply.
    assert!(dbg.read_until_closed().is_empty());
}

/// A CA and a server certificate for 127.0.0.1 in a temporary directory (None without
/// openssl).
fn tls_certs(dir: &std::path::Path) -> Option<()> {
    let steps: &[&[&str]] = &[
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=ldb-test-ca",
        ],
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    ];
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .ok()?;
    for s in steps {
        let ok = Command::new("openssl")
            .args(*s)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?
            .success();
        if !ok {
            return None;
        }
    }
    Some(())
}

/// Over TLS: SYNC sessions match Redis through `redis-cli --tls --ldb-sync-mode`; forked
/// sessions work too (Redis 7.0.15's forked child closes a TLS connection at once, so there
/// is nothing to compare them with).
#[test]
fn tls_sessions() {
    let dir = std::env::temp_dir().join(format!("uredis-ldb-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    if tls_certs(&dir).is_none() {
        eprintln!("note: openssl not available; skipped");
        return;
    }
    let f = |n: &str| dir.join(n).display().to_string();
    let start = |redis: bool| {
        let port = common::free_port();
        let args = [
            "--tls-port".to_string(),
            port.to_string(),
            "--tls-cert-file".into(),
            f("server.crt"),
            "--tls-key-file".into(),
            f("server.key"),
            "--tls-ca-cert-file".into(),
            f("ca.crt"),
            "--tls-auth-clients".into(),
            "no".into(),
        ];
        let args: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        let srv = if redis {
            redis_or_skip(&args)
        } else {
            Some(Server::start(&args))
        };
        srv.map(|s| (s, port))
    };
    let file = dir.join("debug.lua");
    std::fs::write(&file, SCRIPT).expect("script file");
    let cli = |port: u16, sync: bool| {
        let mut child = Command::new("redis-cli")
            .args(["--tls", "--cacert", &f("ca.crt"), "-p", &port.to_string()])
            .arg(if sync { "--ldb-sync-mode" } else { "--ldb" })
            .arg("--eval")
            .arg(&file)
            .args(["k", ",", "v"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("redis-cli runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(b"step\nprint\nredis get k\nc\nc\n")
            .expect("write");
        let out = child.wait_with_output().expect("redis-cli exits");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let Some((ours, port)) = start(false) else {
        return;
    };
    // After a session redis-cli (which does not ignore SIGPIPE with --eval) may die writing
    // to the closed TLS connection before it prints its "session ended" line: transcripts
    // are checked up to the EVAL reply.
    let upto_reply = |t: String| match t.find("\"v\"\n") {
        Some(i) => t[..i + 4].to_string(),
        None => t,
    };
    let yes = cli(port, false);
    assert!(
        yes.contains("<value> a = 1") && yes.contains("\"v\"\n"),
        "{yes}"
    );
    assert_eq!(ours.raw().call(&["GET", "k"]), b"$-1\r\n");
    let sync = upto_reply(cli(port, true));
    assert!(sync.ends_with("\"v\"\n"), "{sync}");
    assert_eq!(ours.raw().call(&["GET", "k"]), b"$1\r\nv\r\n");
    if let Some((_redis, rport)) = start(true) {
        assert_eq!(sync, upto_reply(cli(rport, true)));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A debugged EVAL inside MULTI/EXEC: in YES mode the parent still runs the rest of the
/// transaction (its changes stay) while the script's are rolled back; in SYNC mode everything
/// runs in the server. The resulting datasets match Redis.
#[test]
fn transactions_around_a_debugged_eval_match_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    for mode in ["yes", "sync"] {
        let mut seen = vec![];
        for srv in [&ours, &redis] {
            let mut c = srv.raw();
            c.call(&["FLUSHALL"]);
            c.call(&["SCRIPT", "DEBUG", mode]);
            c.call(&["MULTI"]);
            c.call(&["SET", "before", "1"]);
            c.call(&["EVAL", "redis.call('set', 'script', '1')\nreturn 1", "0"]);
            c.call(&["SET", "after", "1"]);
            let stop = c.call(&["EXEC"]);
            assert!(
                stop.starts_with(b"*2\r\n+* Stopped at 1"),
                "{}",
                show(&stop)
            );
            assert_eq!(show(&c.call(&["c"])), "*1\r\n+<endsession>\r\n");
            let rest = c.read_until_closed();
            let mut o = srv.raw();
            let keys = o.call(&["MGET", "before", "script", "after"]);
            seen.push((show(&rest), show(&keys)));
        }
        assert_eq!(
            seen[0], seen[1],
            "{mode} (left: uredis, right: redis-server)"
        );
    }
}
