//! Streams end to end. Non-blocking replies are compared byte for byte with a real
//! redis-server (random command streams here, and the scripts `tests/compat/stream_*.txt`);
//! blocking scenarios (XREAD / XREADGROUP with several clients, deletion while blocked, MULTI)
//! run on uredis and, when installed, on redis-server with the same expectations; propagation
//! is checked through `DEBUG PROPAGATED`; persistence through DUMP/RESTORE and RDB files
//! exchanged with redis-server both ways; and the broker example of the README runs as a test.

mod common;

use common::{Raw, Server, blocked_on, compat, on_both, redis_or_skip, s, send, wait_blocked};

/// A small deterministic generator, so a failing stream can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random stream of stream commands over a few keys, with explicit ids (so replies are
/// deterministic): appends with the same or other fields (SAMEFIELDS and not), integer and
/// string values, deletions, exact and approximate trims (which depend on the node layout),
/// ranges, group reads and acknowledgements.
fn random_script(seed: u64, n: usize) -> Vec<Vec<String>> {
    let mut r = Lcg(seed);
    let mut ms = [0u64; 3];
    let mut out = Vec::new();
    for _ in 0..n {
        let k = r.below(3) as usize;
        let key = format!("s{k}");
        let c: Vec<String> = match r.below(30) {
            0..=15 => {
                ms[k] += 1 + r.below(3);
                let mut v = vec!["XADD".into(), key];
                match r.below(12) {
                    0 => v.extend(["MAXLEN".into(), "~".into(), (r.below(300)).to_string()]),
                    1 => v.extend(["MAXLEN".into(), (r.below(300)).to_string()]),
                    2 => v.extend([
                        "MINID".into(),
                        "~".into(),
                        (ms[k].saturating_sub(r.below(200))).to_string(),
                    ]),
                    3 => v.extend([
                        "MAXLEN".into(),
                        "~".into(),
                        "50".into(),
                        "LIMIT".into(),
                        r.below(150).to_string(),
                    ]),
                    _ => {}
                }
                v.push(if r.below(4) == 0 {
                    format!("{}-*", ms[k])
                } else {
                    format!("{}-{}", ms[k], r.below(3))
                });
                let fields = if r.below(5) == 0 { 1 + r.below(3) } else { 2 };
                for f in 0..fields {
                    let name = if r.below(6) == 0 {
                        format!("x{f}")
                    } else {
                        ["a", "b", "c"][f as usize % 3].to_string()
                    };
                    v.push(name);
                    v.push(match r.below(4) {
                        0 => r.below(1000).to_string(),
                        1 => format!("-{}", r.below(100000)),
                        2 => "v".repeat(r.below(70) as usize),
                        _ => format!("value{}", r.below(50)),
                    });
                }
                v
            }
            16 | 17 => {
                let a = r.below(ms[k] + 2);
                vec![
                    "XRANGE".into(),
                    key,
                    a.to_string(),
                    "+".into(),
                    "COUNT".into(),
                    (1 + r.below(5)).to_string(),
                ]
            }
            18 => vec![
                "XREVRANGE".into(),
                key,
                "+".into(),
                "-".into(),
                "COUNT".into(),
                (1 + r.below(5)).to_string(),
            ],
            19 | 20 => {
                let mut v = vec!["XDEL".into(), key];
                for _ in 0..=r.below(3) {
                    v.push(format!("{}-{}", r.below(ms[k] + 1), r.below(3)));
                }
                v
            }
            21 => vec![
                "XTRIM".into(),
                key,
                "MAXLEN".into(),
                "~".into(),
                r.below(200).to_string(),
            ],
            22 => vec![
                "XTRIM".into(),
                key,
                "MINID".into(),
                r.below(ms[k] + 1).to_string(),
            ],
            23 => vec!["XLEN".into(), key],
            24 => vec![
                "XGROUP".into(),
                "CREATE".into(),
                key,
                "g".into(),
                "0".into(),
                "MKSTREAM".into(),
            ],
            25 => vec![
                "XREADGROUP".into(),
                "GROUP".into(),
                "g".into(),
                format!("c{}", r.below(3)),
                "COUNT".into(),
                (1 + r.below(4)).to_string(),
                "STREAMS".into(),
                key,
                ">".into(),
            ],
            26 => vec![
                "XACK".into(),
                key,
                "g".into(),
                format!("{}-{}", r.below(ms[k] + 1), r.below(3)),
            ],
            27 => vec!["XPENDING".into(), key, "g".into()],
            28 => vec!["XINFO".into(), "GROUPS".into(), key],
            _ => vec![
                "XREAD".into(),
                "COUNT".into(),
                "3".into(),
                "STREAMS".into(),
                key,
                format!("{}", r.below(ms[k] + 1)),
            ],
        };
        out.push(c);
    }
    // The whole content at the end.
    for k in 0..3 {
        out.push(vec![
            "XRANGE".into(),
            format!("s{k}"),
            "-".into(),
            "+".into(),
        ]);
        out.push(vec!["XLEN".into(), format!("s{k}")]);
    }
    out
}

#[test]
fn random_command_streams_match_redis() {
    for seed in [1u64, 2, 3] {
        let script = random_script(seed, 1500);
        let refs: Vec<Vec<&str>> = script
            .iter()
            .map(|c| c.iter().map(|s| s.as_str()).collect())
            .collect();
        let refs: Vec<&[&str]> = refs.iter().map(|c| c.as_slice()).collect();
        if !compat(&refs) {
            return;
        }
    }
}

#[test]
fn small_nodes_and_trimming_match_redis() {
    // 1000 entries over 10 nodes: approximate trims remove whole nodes, exactly as Redis's.
    let mut script: Vec<Vec<String>> = Vec::new();
    for i in 1..=1000 {
        script.push(vec![
            "XADD".into(),
            "s".into(),
            format!("{i}-1"),
            "f".into(),
            i.to_string(),
            "g".into(),
            "x".repeat(i % 40),
        ]);
    }
    for cmd in [
        "XTRIM s MAXLEN ~ 950",
        "XLEN s",
        "XTRIM s MAXLEN ~ 899",
        "XLEN s",
        "XTRIM s MINID ~ 450",
        "XLEN s",
        "XTRIM s MAXLEN ~ 10 LIMIT 150",
        "XLEN s",
        "XTRIM s MINID 777",
        "XRANGE s - + COUNT 3",
        "XADD s MAXLEN ~ 100 2000-1 f v",
        "XLEN s",
        "XINFO GROUPS s",
    ] {
        script.push(cmd.split(' ').map(String::from).collect());
    }
    let refs: Vec<Vec<&str>> = script
        .iter()
        .map(|c| c.iter().map(|s| s.as_str()).collect())
        .collect();
    let refs: Vec<&[&str]> = refs.iter().map(|c| c.as_slice()).collect();
    compat(&refs);
}

// ---------------------------------------------------------------------------------------------
// Blocking

#[test]
fn xread_block_serves_every_waiter_with_new_entries() {
    on_both(|srv| {
        let mut c = srv.raw();
        c.call(&["XADD", "s", "1-1", "a", "1"]);
        // `$` means "after what exists now": three readers, one of them on two keys.
        let mut r1 = blocked_on(srv, &["XREAD", "BLOCK", "0", "STREAMS", "s", "$"], 1);
        let mut r2 = blocked_on(
            srv,
            &[
                "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "other", "s", "$", "$",
            ],
            2,
        );
        let mut r3 = blocked_on(srv, &["XREAD", "BLOCK", "0", "STREAMS", "s", "1-1"], 3);
        c.call(&["XADD", "s", "2-1", "b", "2"]);
        let want = "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n";
        assert_eq!(s(r1.read_reply()), want);
        assert_eq!(s(r2.read_reply()), want);
        assert_eq!(s(r3.read_reply()), want);
        wait_blocked(srv, 0);
        // A key created by XADD wakes a reader waiting on a missing key; only that key is
        // in the reply.
        let mut r4 = blocked_on(
            srv,
            &["XREAD", "BLOCK", "0", "STREAMS", "s", "new", "$", "$"],
            1,
        );
        c.call(&["XADD", "new", "5-5", "k", "v"]);
        assert_eq!(
            s(r4.read_reply()),
            "*1\r\n*2\r\n$3\r\nnew\r\n*1\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n"
        );
        // Timeout: a null array. Wrong type while waiting: not served, still blocked.
        assert_eq!(
            s(c.call(&["XREAD", "BLOCK", "10", "STREAMS", "s", "$"])),
            "*-1\r\n"
        );
        let mut r5 = blocked_on(srv, &["XREAD", "BLOCK", "0", "STREAMS", "t", "$"], 1);
        c.call(&["SET", "t", "x"]);
        c.call(&["DEL", "t"]);
        c.call(&["XADD", "t", "1-1", "f", "v"]);
        assert_eq!(
            s(r5.read_reply()),
            "*1\r\n*2\r\n$1\r\nt\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
        );
        c.call(&["FLUSHALL"]);
    });
}

#[test]
fn xreadgroup_block_is_served_once_per_entry_and_fails_when_key_or_group_goes() {
    on_both(|srv| {
        let mut c = srv.raw();
        c.call(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
        let mut a = blocked_on(
            srv,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "alice",
                "BLOCK",
                "0",
                "STREAMS",
                "s",
                ">",
            ],
            1,
        );
        let mut b = blocked_on(
            srv,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "bob",
                "BLOCK",
                "0",
                "STREAMS",
                "s",
                ">",
            ],
            2,
        );
        c.call(&["XADD", "s", "1-1", "job", "1"]);
        // The first waiter gets the entry; the second stays blocked (nothing new for the group).
        assert_eq!(
            s(a.read_reply()),
            "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$3\r\njob\r\n$1\r\n1\r\n"
        );
        wait_blocked(srv, 1);
        c.call(&["XADD", "s", "2-1", "job", "2"]);
        assert_eq!(
            s(b.read_reply()),
            "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$3\r\njob\r\n$1\r\n2\r\n"
        );
        assert_eq!(
            s(c.call(&["XPENDING", "s", "g"])),
            "*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n"
        );
        // The group destroyed while waiting.
        let mut a = blocked_on(
            srv,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "alice",
                "BLOCK",
                "0",
                "STREAMS",
                "s",
                ">",
            ],
            1,
        );
        c.call(&["XGROUP", "DESTROY", "s", "g"]);
        assert_eq!(
            s(a.read_reply()),
            "-NOGROUP the consumer group this client was blocked on no longer exists\r\n"
        );
        // The key deleted (or overwritten) while waiting.
        c.call(&["XGROUP", "CREATE", "s", "g", "$"]);
        let mut a = blocked_on(
            srv,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "alice",
                "BLOCK",
                "0",
                "STREAMS",
                "s",
                ">",
            ],
            1,
        );
        c.call(&["DEL", "s"]);
        assert_eq!(
            s(a.read_reply()),
            "-UNBLOCKED the stream key no longer exists\r\n"
        );
        c.call(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
        let mut a = blocked_on(
            srv,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "alice",
                "BLOCK",
                "0",
                "STREAMS",
                "s",
                ">",
            ],
            1,
        );
        c.call(&["SET", "s", "x"]);
        assert_eq!(
            s(a.read_reply()),
            "-UNBLOCKED the stream key no longer exists\r\n"
        );
        // FLUSHALL and SWAPDB take the stream away too.
        c.call(&["DEL", "s"]);
        c.call(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
        let mut a = blocked_on(
            srv,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "alice",
                "BLOCK",
                "0",
                "STREAMS",
                "s",
                ">",
            ],
            1,
        );
        c.call(&["FLUSHALL"]);
        assert_eq!(
            s(a.read_reply()),
            "-UNBLOCKED the stream key no longer exists\r\n"
        );
        c.call(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
        let mut a = blocked_on(
            srv,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "alice",
                "BLOCK",
                "0",
                "STREAMS",
                "s",
                ">",
            ],
            1,
        );
        c.call(&["SWAPDB", "0", "1"]);
        assert_eq!(
            s(a.read_reply()),
            "-UNBLOCKED the stream key no longer exists\r\n"
        );
        c.call(&["FLUSHALL"]);
        // A plain XREAD waiter is not failed by a deletion.
        let mut r = blocked_on(srv, &["XREAD", "BLOCK", "0", "STREAMS", "q", "$"], 1);
        c.call(&["XADD", "q", "1-1", "a", "1"]);
        c.call(&["DEL", "q"]);
        assert_eq!(
            s(r.read_reply()),
            "*1\r\n*2\r\n$1\r\nq\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
        );
        // Timeout.
        c.call(&["DEL", "s"]);
        c.call(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
        assert_eq!(
            s(c.call(&[
                "XREADGROUP",
                "GROUP",
                "g",
                "x",
                "BLOCK",
                "10",
                "STREAMS",
                "s",
                ">"
            ])),
            "*-1\r\n"
        );
        c.call(&["FLUSHALL"]);
    });
}

#[test]
fn blocking_reads_inside_multi_answer_at_once() {
    on_both(|srv| {
        let mut c = srv.raw();
        c.call(&["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]);
        c.call(&["MULTI"]);
        c.call(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "BLOCK",
            "0",
            "STREAMS",
            "s",
            ">",
        ]);
        c.call(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]);
        c.call(&["XADD", "s", "1-1", "a", "1"]);
        c.call(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "c",
            "BLOCK",
            "0",
            "STREAMS",
            "s",
            ">",
        ]);
        assert_eq!(
            s(c.call(&["EXEC"])),
            "*4\r\n*-1\r\n*-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
        );
        c.call(&["FLUSHALL"]);
    });
}

// ---------------------------------------------------------------------------------------------
// Propagation

#[test]
fn effects_propagate_as_redis_does() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = srv.raw();
    c.call(&["DEBUG", "PROPAGATED", "ON"]);
    // XADD * propagates the concrete id; an approximate trim its effective threshold.
    let id = s(c.call(&["XADD", "s", "*", "a", "1"]));
    let id = id.lines().nth(1).unwrap_or_default().to_string();
    for i in 1..=150 {
        c.call(&["XADD", "t", &format!("{i}-1"), "f", "v"]);
    }
    c.call(&["XADD", "t", "MAXLEN", "~", "10", "151-1", "f", "v"]);
    c.call(&["XGROUP", "CREATE", "s", "g", "0"]);
    c.call(&["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"]);
    c.call(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "bob",
        "NOACK",
        "STREAMS",
        "s",
        "0",
    ]);
    c.call(&[
        "XCLAIM",
        "s",
        "g",
        "bob",
        "0",
        &id,
        "TIME",
        "1000",
        "RETRYCOUNT",
        "3",
    ]);
    c.call(&["XACK", "s", "g", &id]);
    let log = s(c.call(&["DEBUG", "PROPAGATED"]));
    let lines: Vec<&str> = log.lines().filter(|l| !l.starts_with(['*', '$'])).collect();
    assert_eq!(lines[0], format!("0 XADD s {id} a 1"));
    assert_eq!(lines[151], "0 XADD t MAXLEN = 51 151-1 f v");
    assert_eq!(lines[152], "0 XGROUP CREATE s g 0");
    assert!(
        lines[153].starts_with(&format!("0 XCLAIM s g alice 0 {id} TIME ")),
        "{}",
        lines[153]
    );
    assert!(
        lines[153].ends_with(&format!(" RETRYCOUNT 1 FORCE JUSTID LASTID {id}")),
        "{}",
        lines[153]
    );
    // A NOACK consumer created by XREADGROUP is propagated as XGROUP CREATECONSUMER.
    assert_eq!(lines[154], "0 XGROUP CREATECONSUMER s g bob");
    assert_eq!(
        lines[155],
        format!("0 XCLAIM s g bob 0 {id} TIME 1000 RETRYCOUNT 3 FORCE JUSTID LASTID {id}")
    );
    assert_eq!(lines[156], format!("0 XACK s g {id}"));
}

// ---------------------------------------------------------------------------------------------
// Persistence

fn fill_stream(c: &mut Raw) {
    for i in 1..=230 {
        let f = if i % 7 == 0 { "other" } else { "field" };
        c.call(&[
            "XADD",
            "s",
            &format!("{i}-{}", i % 3),
            f,
            &i.to_string(),
            "v",
            &"x".repeat(i % 50),
        ]);
    }
    c.call(&["XDEL", "s", "5-2", "100-1", "101-2"]);
    c.call(&["XGROUP", "CREATE", "s", "g1", "0"]);
    c.call(&["XGROUP", "CREATE", "s", "g2", "50-0", "ENTRIESREAD", "40"]);
    c.call(&[
        "XREADGROUP",
        "GROUP",
        "g1",
        "alice",
        "COUNT",
        "5",
        "STREAMS",
        "s",
        ">",
    ]);
    c.call(&[
        "XREADGROUP",
        "GROUP",
        "g1",
        "bob",
        "COUNT",
        "3",
        "STREAMS",
        "s",
        ">",
    ]);
    c.call(&[
        "XCLAIM",
        "s",
        "g1",
        "carol",
        "0",
        "2-2",
        "TIME",
        "1000",
        "RETRYCOUNT",
        "7",
    ]);
    c.call(&["XGROUP", "CREATECONSUMER", "s", "g2", "dave"]);
    c.call(&["XADD", "empty", "1-1", "a", "1"]);
    c.call(&["XDEL", "empty", "1-1"]);
}

#[test]
fn dump_restore_both_ways_with_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let mut r = redis.raw();
    let mut u = ours.raw();
    fill_stream(&mut r);
    fill_stream(&mut u);
    // Without groups the payload is byte for byte Redis's.
    r.call(&["XADD", "plain", "1-1", "a", "1", "b", "2"]);
    u.call(&["XADD", "plain", "1-1", "a", "1", "b", "2"]);
    r.call(&["XADD", "plain", "2-1", "a", "3", "c", "hello"]);
    u.call(&["XADD", "plain", "2-1", "a", "3", "c", "hello"]);
    assert_eq!(s(u.call(&["DUMP", "plain"])), s(r.call(&["DUMP", "plain"])));
    for key in ["s", "empty"] {
        let pr = r.call(&["DUMP", key]);
        let pu = u.call(&["DUMP", key]);
        let body = |p: &[u8]| {
            // "$<n>\r\n<payload>\r\n"
            let i = p.iter().position(|&b| b == b'\n').unwrap_or(0) + 1;
            p[i..p.len() - 2].to_vec()
        };
        let (pr, pu) = (body(&pr), body(&pu));
        // Redis's payload restored here reads back exactly as Redis shows it.
        u.call_bytes(&[b"RESTORE", b"from-redis", b"0", &pr]);
        r.call_bytes(&[b"RESTORE", b"from-uredis", b"0", &pu]);
        let here = r.call(&["XINFO", "STREAM", key, "FULL"]);
        let got = u.call(&["XINFO", "STREAM", "from-redis", "FULL"]);
        assert_eq!(
            String::from_utf8_lossy(&got).into_owned(),
            String::from_utf8_lossy(&here).into_owned(),
            "{key} restored in uredis"
        );
        let want = u.call(&["XINFO", "STREAM", key, "FULL"]);
        let got = r.call(&["XINFO", "STREAM", "from-uredis", "FULL"]);
        assert_eq!(
            String::from_utf8_lossy(&got).into_owned(),
            String::from_utf8_lossy(&want).into_owned(),
            "{key} restored in redis"
        );
        assert_eq!(
            s(u.call(&["XRANGE", "from-redis", "-", "+"])),
            s(r.call(&["XRANGE", key, "-", "+"]))
        );
        assert_eq!(
            s(u.call(&["XINFO", "GROUPS", "from-redis"])),
            s(r.call(&["XINFO", "GROUPS", key]))
        );
        u.call(&["DEL", "from-redis"]);
        r.call(&["DEL", "from-uredis"]);
    }
}

#[test]
fn rdb_files_with_streams_both_ways() {
    use uredis::keyspace::Db;
    use uredis::persist::rdb::{self, LoadOptions, WriteOptions};
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let mut r = redis.raw();
    fill_stream(&mut r);
    r.call(&["SAVE"]);
    let want_s = r.call(&["XINFO", "STREAM", "s", "FULL"]);
    let want_e = r.call(&["XINFO", "STREAM", "empty", "FULL"]);
    let file = std::fs::read(redis.dir.join("dump.rdb")).expect("dump.rdb");
    let mut dbs: Vec<Db> = (0..16).map(Db::new).collect();
    let sum = rdb::load(&file, &mut dbs, &LoadOptions::default()).expect("redis's file loads");
    assert_eq!(sum.keys_loaded, 2);
    let dir = std::env::temp_dir().join(format!("uredis-stream-rdb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("ours.rdb");
    {
        let mut f = std::fs::File::create(&path).expect("create");
        rdb::write(&dbs, &WriteOptions::default(), &mut f).expect("write");
    }
    let check = std::process::Command::new("redis-check-rdb")
        .arg(&path)
        .output()
        .expect("redis-check-rdb runs");
    let out = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(
        check.status.success() && out.contains("RDB looks OK"),
        "{out}"
    );
    let redis2 = Server::start_redis(&[
        "--dir",
        dir.to_str().expect("utf-8"),
        "--dbfilename",
        "ours.rdb",
    ])
    .expect("redis-server starts on our file");
    let mut r2 = redis2.raw();
    assert_eq!(
        String::from_utf8_lossy(&r2.call(&["XINFO", "STREAM", "s", "FULL"])).into_owned(),
        String::from_utf8_lossy(&want_s).into_owned()
    );
    assert_eq!(
        String::from_utf8_lossy(&r2.call(&["XINFO", "STREAM", "empty", "FULL"])).into_owned(),
        String::from_utf8_lossy(&want_e).into_owned()
    );
    drop(redis2);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Keys: TYPE, OBJECT ENCODING, SCAN TYPE, COPY / RENAME / MOVE, events, WATCH

#[test]
fn streams_as_keys_match_redis() {
    compat(&[
        &["XADD", "s", "1-1", "a", "1"],
        &["XGROUP", "CREATE", "s", "g", "0"],
        &["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"],
        &["TYPE", "s"],
        &["OBJECT", "ENCODING", "s"],
        &["SET", "str", "v"],
        &["SCAN", "0", "TYPE", "stream"],
        &["COPY", "s", "s2"],
        &["XINFO", "GROUPS", "s2"],
        &["XPENDING", "s2", "g"],
        &["RENAME", "s2", "s3"],
        &["XINFO", "GROUPS", "s3"],
        &["MOVE", "s3", "1"],
        &["SELECT", "1"],
        &["XPENDING", "s3", "g"],
        &["SELECT", "0"],
    ]);
    // Events as Redis sends them, in order.
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    for srv in [&ours, &redis] {
        let mut c = srv.raw();
        c.call(&["CONFIG", "SET", "notify-keyspace-events", "Et"]);
        let mut sub = srv.raw();
        sub.call(&["PSUBSCRIBE", "__keyevent@0__:*"]);
        for cmd in [
            &["XADD", "s", "1-1", "a", "1"][..],
            &["XADD", "s", "MAXLEN", "0", "2-1", "a", "1"],
            &["XADD", "s", "3-1", "a", "1"],
            &["XDEL", "s", "3-1"],
            &["XTRIM", "s", "MAXLEN", "0"],
            &["XSETID", "s", "9-9"],
            &["XGROUP", "CREATE", "s", "g", "0"],
            &["XGROUP", "CREATECONSUMER", "s", "g", "c"],
            &["XGROUP", "DELCONSUMER", "s", "g", "c"],
            &["XGROUP", "SETID", "s", "g", "0"],
            &["XGROUP", "DESTROY", "s", "g"],
            &["PUBLISH", "__keyevent@0__:end", "end"],
        ] {
            c.call(cmd);
        }
        let mut events = Vec::new();
        loop {
            let m = s(sub.read_reply());
            let ev = m.split("\r\n").nth(6).unwrap_or_default().to_string();
            if ev.ends_with(":end") {
                break;
            }
            events.push(ev);
        }
        assert_eq!(
            events,
            [
                "xadd",
                "xadd",
                "xtrim",
                "xadd",
                "xdel",
                "xsetid",
                "xgroup-create",
                "xgroup-createconsumer",
                "xgroup-delconsumer",
                "xgroup-setid",
                "xgroup-destroy"
            ]
            .iter()
            .map(|e| format!("__keyevent@0__:{e}"))
            .collect::<Vec<_>>()
        );
    }
    // WATCH: XADD to a watched stream fails the transaction.
    let mut a = ours.raw();
    let mut b = ours.raw();
    a.call(&["WATCH", "w"]);
    b.call(&["XADD", "w", "1-1", "a", "1"]);
    a.call(&["MULTI"]);
    a.call(&["XLEN", "w"]);
    assert_eq!(s(a.call(&["EXEC"])), "*-1\r\n");
}

// ---------------------------------------------------------------------------------------------
// The broker example

#[test]
fn broker_example_producers_consumers_and_a_janitor() {
    let srv = Server::start(&[]);
    let mut admin = srv.raw();
    admin.call(&["XGROUP", "CREATE", "jobs", "workers", "$", "MKSTREAM"]);
    // Two consumers wait for work.
    let mut w1 = srv.raw();
    let mut w2 = srv.raw();
    send(
        &mut w1,
        &[
            "XREADGROUP",
            "GROUP",
            "workers",
            "w1",
            "COUNT",
            "1",
            "BLOCK",
            "0",
            "STREAMS",
            "jobs",
            ">",
        ],
    );
    send(
        &mut w2,
        &[
            "XREADGROUP",
            "GROUP",
            "workers",
            "w2",
            "COUNT",
            "1",
            "BLOCK",
            "0",
            "STREAMS",
            "jobs",
            ">",
        ],
    );
    wait_blocked(&srv, 2);
    // Producers add jobs.
    let mut p = srv.raw();
    for i in 1..=4 {
        p.call(&[
            "XADD",
            "jobs",
            &format!("{i}-0"),
            "task",
            &format!("job{i}"),
        ]);
    }
    let r1 = s(w1.read_reply());
    let r2 = s(w2.read_reply());
    assert!(r1.contains("job1"), "{r1}");
    assert!(r2.contains("job2"), "{r2}");
    // w1 finishes its job and acknowledges it; w2 "dies" holding job2.
    assert_eq!(s(w1.call(&["XACK", "jobs", "workers", "1-0"])), ":1\r\n");
    let r = s(w1.call(&[
        "XREADGROUP",
        "GROUP",
        "workers",
        "w1",
        "COUNT",
        "1",
        "STREAMS",
        "jobs",
        ">",
    ]));
    assert!(r.contains("job3"), "{r}");
    w1.call(&["XACK", "jobs", "workers", "3-0"]);
    drop(w2);
    // The janitor claims what has been pending (here: anything) from dead consumers.
    let mut janitor = srv.raw();
    let r = s(janitor.call(&[
        "XAUTOCLAIM",
        "jobs",
        "workers",
        "janitor",
        "0",
        "0-0",
        "COUNT",
        "10",
    ]));
    assert_eq!(
        r,
        "*3\r\n$3\r\n0-0\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$4\r\ntask\r\n$4\r\njob2\r\n*0\r\n"
    );
    janitor.call(&["XACK", "jobs", "workers", "2-0"]);
    let r = s(janitor.call(&[
        "XREADGROUP",
        "GROUP",
        "workers",
        "janitor",
        "STREAMS",
        "jobs",
        ">",
    ]));
    assert!(r.contains("job4"), "{r}");
    janitor.call(&["XACK", "jobs", "workers", "4-0"]);
    assert_eq!(
        s(admin.call(&["XPENDING", "jobs", "workers"])),
        "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n"
    );
    assert_eq!(s(admin.call(&["XLEN", "jobs"])), ":4\r\n");
}

/// The commands of a RESP stream (an AOF file), each as its arguments joined by spaces.
fn aof_commands(b: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut p = 0;
    let line = |p: &mut usize| -> Option<String> {
        let start = *p;
        let end = start + b[start..].windows(2).position(|w| w == b"\r\n")?;
        *p = end + 2;
        Some(String::from_utf8_lossy(&b[start..end]).into_owned())
    };
    while p < b.len() {
        let Some(h) = line(&mut p) else { break };
        let Some(n) = h.strip_prefix('*').and_then(|n| n.parse::<usize>().ok()) else {
            break;
        };
        let mut args = Vec::new();
        for _ in 0..n {
            let Some(len) = line(&mut p).and_then(|l| l[1..].parse::<usize>().ok()) else {
                break;
            };
            args.push(String::from_utf8_lossy(&b[p..p + len]).into_owned());
            p += len + 2;
        }
        out.push(args.join(" "));
    }
    out
}

/// Delivery times chosen by the server (XCLAIM ... TIME <now>) are not comparable.
fn mask_times(cmds: Vec<String>) -> Vec<String> {
    cmds.into_iter()
        .map(|c| {
            let mut w: Vec<String> = c.split(' ').map(String::from).collect();
            for i in 1..w.len() {
                if w[i - 1] == "TIME" && w[0] == "XCLAIM" && w[i].len() >= 12 {
                    w[i] = "<now>".into();
                }
            }
            w.join(" ")
        })
        .collect()
}

#[test]
fn propagation_matches_redis_aof() {
    let Some(redis) = redis_or_skip(&["--appendonly", "yes", "--appendfsync", "always"]) else {
        return;
    };
    let ours = Server::start(&["--enable-debug-command", "yes"]);
    let mut r = redis.raw();
    let mut u = ours.raw();
    u.call(&["DEBUG", "PROPAGATED", "ON"]);
    let mut script: Vec<Vec<String>> = Vec::new();
    let mut add = |c: &str| script.push(c.split(' ').map(String::from).collect());
    add("XADD s 5-1 a 1");
    for i in 1..=130 {
        add(&format!("XADD t {i}-1 f v"));
    }
    for c in [
        "XADD t MAXLEN ~ 10 131-1 f v",
        "XADD t MINID ~ 120 132-1 f v",
        "XTRIM t MAXLEN ~ 5",
        "XTRIM t MAXLEN 20",
        "XADD t NOMKSTREAM 133-* f v",
        "XADD none NOMKSTREAM 1-1 f v",
        "XGROUP CREATE s g 0",
        "XGROUP CREATE s g2 $ ENTRIESREAD 1",
        "XREADGROUP GROUP g alice STREAMS s >",
        "XREADGROUP GROUP g alice STREAMS s >",
        "XREADGROUP GROUP g bob NOACK STREAMS s 0",
        "XCLAIM s g bob 0 5-1 TIME 1000 RETRYCOUNT 3",
        "XADD s 6-1 a 2",
        "XADD s 7-1 a 3",
        "XREADGROUP GROUP g carol NOACK STREAMS s >",
        "XREADGROUP GROUP g2 dan COUNT 1 STREAMS s >",
        "XCLAIM s g bob 0 9-9 LASTID 10-0",
        "XCLAIM s g2 erin 0 6-1 7-1 JUSTID",
        "XDEL s 6-1",
        "XAUTOCLAIM s g2 frank 0 0",
        "XACK s g 5-1",
        "XACK s g 5-1",
        "XGROUP CREATECONSUMER s g gina",
        "XGROUP DELCONSUMER s g gina",
        "XGROUP SETID s g 0 ENTRIESREAD 0",
        "XGROUP DESTROY s g2",
        "XSETID s 100-1 ENTRIESADDED 10 MAXDELETEDID 6-1",
        "XGROUP CREATE m g $ MKSTREAM",
        "XGROUP CREATE s gb $",
    ] {
        add(c);
    }
    for c in &script {
        let a: Vec<&str> = c.iter().map(|s| s.as_str()).collect();
        r.call(&a);
        u.call(&a);
    }
    // A blocked XREADGROUP served by an XADD propagates what it did.
    let block = [
        "XREADGROUP",
        "GROUP",
        "gb",
        "hank",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ];
    let mut rb = redis.raw();
    send(&mut rb, &block);
    wait_blocked(&redis, 1);
    let mut ub = ours.raw();
    send(&mut ub, &block);
    wait_blocked(&ours, 1);
    r.call(&["XADD", "s", "200-1", "a", "9"]);
    u.call(&["XADD", "s", "200-1", "a", "9"]);
    assert_eq!(s(rb.read_reply()), s(ub.read_reply()));
    // Redis's AOF (after its SELECT), and ours.
    let dir = redis.dir.join("appendonlydir");
    let incr = std::fs::read_dir(&dir)
        .expect("appendonlydir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".incr.aof"))
        .expect("incr file");
    let want = mask_times(
        aof_commands(&std::fs::read(incr).expect("read aof"))
            .into_iter()
            .filter(|c| !c.starts_with("SELECT"))
            .collect(),
    );
    let log = u.call(&["DEBUG", "PROPAGATED"]);
    // The log is one array with a bulk string per command: "<db> <args...>"; parsed as a
    // RESP array, its "arguments" are those strings.
    let mut got = Vec::new();
    {
        let text = String::from_utf8_lossy(&log).into_owned();
        let mut lines = text.split("\r\n").skip(1);
        while let (Some(_len), Some(cmd)) = (lines.next(), lines.next()) {
            if let Some((_, rest)) = cmd.split_once(' ') {
                got.push(rest.to_string());
            }
        }
    }
    let got = mask_times(got);
    assert_eq!(got, want);
}
