//! End-to-end tests of `maxmemory`: every `maxmemory-policy` evicts the kind of keys it names
//! (volatile-* never a key without TTL, volatile-ttl the nearest expiries first, the LRU and LFU
//! policies the least recently / least frequently used more often than not), noeviction
//! refuses deny-oom commands with Redis's exact error while reads go on, evictions are counted
//! (`evicted_keys`), published (`evicted` events) and propagated (DEL / UNLINK), and under a
//! write load of random sizes `used_memory` stays near the limit while the server answers.

mod common;

use std::time::Duration;

use common::{Raw, Server, assert_same_replies, redis_or_skip, wait_until};

fn info_field(r: &mut Raw, section: &str, field: &str) -> u64 {
    let text = String::from_utf8_lossy(&r.call(&["INFO", section])).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in INFO {section}: {text}"))
}

fn used(r: &mut Raw) -> u64 {
    info_field(r, "memory", "used_memory")
}

fn evicted(r: &mut Raw) -> u64 {
    info_field(r, "stats", "evicted_keys")
}

fn exists(r: &mut Raw, key: &str) -> bool {
    r.call(&["EXISTS", key]) == b":1\r\n"
}

fn dbsize(r: &mut Raw) -> u64 {
    let rep = String::from_utf8_lossy(&r.call(&["DBSIZE"])).into_owned();
    rep.trim_start_matches(':').trim().parse().expect("DBSIZE")
}

const VALUE: usize = 1000;

/// Writes `n` keys `<prefix><i>` of VALUE bytes, with a TTL of `ttl(i)` seconds when Some.
fn fill(r: &mut Raw, prefix: &str, n: usize, ttl: impl Fn(usize) -> Option<u64>) {
    let v = "x".repeat(VALUE);
    for i in 0..n {
        let k = format!("{prefix}{i}");
        let rep = match ttl(i) {
            Some(s) => r.call(&["SET", &k, &v, "EX", &s.to_string()]),
            None => r.call(&["SET", &k, &v]),
        };
        assert_eq!(rep, b"+OK\r\n", "SET {k}");
    }
}

/// What INFO itself allocates while it reports `used_memory` (the reply text): the eviction
/// before the command got memory under the limit, the report may show a little more.
const INFO_SLACK: u64 = 32 * 1024;

/// Lowers maxmemory so that about `keep` of what the data uses above `base` stays, and waits
/// until eviction got memory under the limit (each INFO runs the eviction first, as any
/// command). Then lifts the limit so that inspecting keys evicts nothing more.
fn squeeze(r: &mut Raw, base: u64, keep: f64) -> u64 {
    let now = used(r);
    let limit = base + ((now - base) as f64 * keep) as u64;
    assert_eq!(
        r.call(&["CONFIG", "SET", "maxmemory", &limit.to_string()]),
        b"+OK\r\n"
    );
    assert!(
        wait_until(Duration::from_secs(30), || used(r) <= limit + INFO_SLACK),
        "memory never got under {limit}"
    );
    assert_eq!(r.call(&["CONFIG", "SET", "maxmemory", "0"]), b"+OK\r\n");
    limit
}

fn start(policy: &str, extra: &[&str]) -> (Server, Raw, u64) {
    let mut args = vec![
        "--maxmemory-policy",
        policy,
        "--enable-debug-command",
        "yes",
    ];
    args.extend_from_slice(extra);
    let srv = Server::start(&args);
    let mut r = srv.raw();
    let base = used(&mut r);
    (srv, r, base)
}

#[test]
fn volatile_policies_never_evict_keys_without_ttl() {
    for policy in [
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    ] {
        let (_srv, mut r, base) = start(policy, &[]);
        fill(&mut r, "p:", 1000, |_| None);
        fill(&mut r, "v:", 1000, |i| Some(10_000 + i as u64));
        squeeze(&mut r, base, 0.75);
        let gone = evicted(&mut r);
        assert!(gone > 0, "{policy}: nothing evicted");
        for i in 0..1000 {
            assert!(exists(&mut r, &format!("p:{i}")), "{policy}: p:{i} evicted");
        }
        assert_eq!(dbsize(&mut r), 2000 - gone, "{policy}");
    }
}

#[test]
fn volatile_policies_fail_when_no_key_has_a_ttl() {
    let (_srv, mut r, base) = start("volatile-lru", &[]);
    fill(&mut r, "p:", 500, |_| None);
    let limit = base + (used(&mut r) - base) / 2;
    r.call(&["CONFIG", "SET", "maxmemory", &limit.to_string()]);
    assert_eq!(
        r.call(&["SET", "more", "x"]),
        b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
    );
    assert_eq!(dbsize(&mut r), 500);
    assert_eq!(evicted(&mut r), 0);
}

#[test]
fn allkeys_policies_evict_any_key() {
    for policy in ["allkeys-lru", "allkeys-lfu", "allkeys-random"] {
        let (_srv, mut r, base) = start(policy, &[]);
        fill(&mut r, "p:", 1000, |_| None);
        fill(&mut r, "v:", 1000, |i| Some(10_000 + i as u64));
        squeeze(&mut r, base, 0.5);
        let gone = evicted(&mut r);
        assert!(gone > 0, "{policy}: nothing evicted");
        assert_eq!(dbsize(&mut r), 2000 - gone, "{policy}");
        let plain_gone = (0..1000)
            .filter(|i| !exists(&mut r, &format!("p:{i}")))
            .count();
        assert!(plain_gone > 0, "{policy}: no key without TTL evicted");
    }
}

#[test]
fn volatile_ttl_prefers_the_nearest_expiry() {
    let (_srv, mut r, base) = start("volatile-ttl", &["--maxmemory-samples", "10"]);
    fill(&mut r, "v:", 2000, |i| Some(10_000 + 10 * i as u64));
    squeeze(&mut r, base, 0.5);
    let (mut near_gone, mut far_gone) = (0, 0);
    for i in 0..2000 {
        if !exists(&mut r, &format!("v:{i}")) {
            if i < 1000 {
                near_gone += 1;
            } else {
                far_gone += 1;
            }
        }
    }
    eprintln!("volatile-ttl evicted {near_gone} near and {far_gone} far keys");
    assert!(near_gone + far_gone > 0);
    assert!(
        near_gone > 2 * far_gone,
        "near expiries evicted {near_gone}, far ones {far_gone}"
    );
}

#[test]
fn allkeys_lru_keeps_recently_used_keys_more_often() {
    let (_srv, mut r, base) = start("allkeys-lru", &["--maxmemory-samples", "10"]);
    fill(&mut r, "k:", 2000, |_| None);
    // The LRU clock has a resolution of one second: let it move on before touching.
    std::thread::sleep(Duration::from_millis(2100));
    for i in (0..2000).step_by(2) {
        r.call(&["GET", &format!("k:{i}")]);
    }
    squeeze(&mut r, base, 0.6);
    let (mut touched, mut untouched) = (0, 0);
    for i in 0..2000 {
        if exists(&mut r, &format!("k:{i}")) {
            if i % 2 == 0 {
                touched += 1;
            } else {
                untouched += 1;
            }
        }
    }
    eprintln!("allkeys-lru kept {touched} touched and {untouched} untouched keys");
    assert!(
        touched > untouched,
        "kept {touched} touched keys and {untouched} untouched ones"
    );
}

#[test]
fn allkeys_lfu_keeps_frequently_used_keys_more_often() {
    let (_srv, mut r, base) = start("allkeys-lfu", &["--maxmemory-samples", "10"]);
    fill(&mut r, "k:", 2000, |_| None);
    for _ in 0..20 {
        for i in (0..2000).step_by(2) {
            r.call(&["GET", &format!("k:{i}")]);
        }
    }
    squeeze(&mut r, base, 0.6);
    let (mut hot, mut cold) = (0, 0);
    for i in 0..2000 {
        if exists(&mut r, &format!("k:{i}")) {
            if i % 2 == 0 {
                hot += 1;
            } else {
                cold += 1;
            }
        }
    }
    eprintln!("allkeys-lfu kept {hot} hot and {cold} cold keys");
    assert!(hot > cold, "kept {hot} hot keys and {cold} cold ones");
}

/// noeviction over the limit: deny-oom commands (and queueing in MULTI) are refused with
/// Redis's error, byte for byte; reads, deletes and EXEC/DISCARD still run.
#[test]
fn noeviction_refuses_writes_like_redis() {
    let script: &[&[&str]] = &[
        &["SET", "k", "v"],
        &["RPUSH", "l", "a", "b"],
        &["CONFIG", "SET", "maxmemory", "1"],
        &["SET", "a", "b"],
        &["GET", "k"],
        &["LRANGE", "l", "0", "-1"],
        &["APPEND", "k", "more"],
        &["INCR", "n"],
        &["LPOP", "l"],
        &["EXISTS", "k"],
        &["MULTI"],
        &["GET", "k"],
        &["EXEC"],
        &["MULTI"],
        &["DISCARD"],
        &["DEL", "k"],
        &["DBSIZE"],
        &["PING"],
        &["CONFIG", "SET", "maxmemory", "0"],
        &["SET", "a", "b"],
        &["MULTI"],
        &["SET", "x", "y"],
        &["CONFIG", "SET", "maxmemory", "1"],
        &["EXEC"],
        &["CONFIG", "SET", "maxmemory", "0"],
        &["GET", "x"],
    ];
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let mut a = ours.raw();
    let mut b = redis.raw();
    assert_same_replies(&mut a, &mut b, script);
    // The replies themselves, so the test also says what Redis does.
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    r.call(&["SET", "k", "v"]);
    r.call(&["CONFIG", "SET", "maxmemory", "1"]);
    assert_eq!(
        r.call(&["SET", "a", "b"]),
        b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
    );
    assert_eq!(r.call(&["GET", "k"]), b"$1\r\nv\r\n");
}

/// EXEC of a transaction holding a deny-oom command, once over the limit, aborts as Redis.
#[test]
fn exec_with_a_write_over_the_limit_aborts_like_redis() {
    let script: &[&[&str]] = &[
        &["MULTI"],
        &["SET", "x", "y"],
        &["GET", "x"],
        &["CONFIG", "SET", "maxmemory", "1"],
        &["EXEC"],
        &["GET", "x"],
    ];
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let (mut a, mut b) = (ours.raw(), redis.raw());
    // CONFIG SET runs on another connection while the transaction is open.
    let (mut ca, mut cb) = (ours.raw(), redis.raw());
    for cmd in script {
        if cmd[0] == "CONFIG" {
            assert_eq!(ca.call(cmd), cb.call(cmd));
            continue;
        }
        let (ra, rb) = (a.call(cmd), b.call(cmd));
        assert_eq!(
            String::from_utf8_lossy(&ra),
            String::from_utf8_lossy(&rb),
            "{cmd:?}"
        );
    }
}

#[test]
fn evictions_are_counted_published_and_propagated() {
    for (lazy, del) in [("no", "DEL"), ("yes", "UNLINK")] {
        let (srv, mut r, base) = start(
            "allkeys-random",
            &[
                "--notify-keyspace-events",
                "Ee",
                "--lazyfree-lazy-eviction",
                lazy,
            ],
        );
        let mut sub = srv.raw();
        assert!(
            String::from_utf8_lossy(&sub.call(&["SUBSCRIBE", "__keyevent@0__:evicted"]))
                .contains("subscribe")
        );
        fill(&mut r, "k:", 1000, |_| None);
        r.call(&["DEBUG", "PROPAGATED", "ON"]);
        assert_eq!(evicted(&mut r), 0);
        squeeze(&mut r, base, 0.5);
        let gone = evicted(&mut r);
        assert!(gone > 0);
        // An `evicted` event for an evicted key.
        let msg = String::from_utf8_lossy(&sub.read_reply()).into_owned();
        assert!(msg.contains("__keyevent@0__:evicted"), "{msg}");
        let key = msg
            .lines()
            .rev()
            .find(|l| l.starts_with("k:"))
            .expect("a key in the event")
            .to_string();
        assert!(!exists(&mut r, &key), "{key} was reported evicted");
        let log = String::from_utf8_lossy(&r.call(&["DEBUG", "PROPAGATED"])).into_owned();
        assert!(
            log.contains(&format!("0 {del} {key}\r\n")),
            "{key} not propagated as {del}: {}",
            &log[..log.len().min(500)]
        );
        let dels = log.matches(&format!(" {del} k:")).count() as u64;
        assert_eq!(dels, gone, "one {del} per evicted key");
        assert!(!log.contains("MULTI"), "evictions are propagated unwrapped");
    }
}

#[test]
fn config_set_maxmemory_below_usage_evicts_at_once() {
    let (_srv, mut r, base) = start("allkeys-lru", &[]);
    fill(&mut r, "k:", 1000, |_| None);
    let limit = base + (used(&mut r) - base) / 2;
    r.call(&["CONFIG", "SET", "maxmemory", &limit.to_string()]);
    // DBSIZE itself is no reason to evict (it is not deny-oom), but CONFIG SET already did.
    assert!(dbsize(&mut r) < 1000);
    assert!(evicted(&mut r) > 0);
}

/// A write load of random sizes against a limit: memory stays within maxmemory plus a small
/// slack (one command's worth, client buffers), the server keeps answering, and reads work.
#[test]
fn random_write_load_stays_near_the_limit() {
    for policy in ["allkeys-lru", "allkeys-random", "allkeys-lfu"] {
        let (srv, mut r, base) = start(policy, &[]);
        let limit = base + 4 * 1024 * 1024;
        r.call(&["CONFIG", "SET", "maxmemory", &limit.to_string()]);
        let slack = 256 * 1024;
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut worst = 0;
        for i in 0..3000 {
            let size = (next() % 20_000) as usize + 1;
            let key = format!("k:{}", next() % 5000);
            let rep = match i % 3 {
                0 => r.call(&["SET", &key, &"v".repeat(size)]),
                1 => r.call(&["RPUSH", &format!("l{key}"), &"e".repeat(size % 2000)]),
                _ => r.call(&[
                    "HSET",
                    &format!("h{key}"),
                    &i.to_string(),
                    &"f".repeat(size % 500),
                ]),
            };
            assert!(
                !rep.starts_with(b"-"),
                "{policy}: {}",
                String::from_utf8_lossy(&rep)
            );
            if i % 100 == 0 {
                worst = worst.max(used(&mut r));
                assert_eq!(r.call(&["PING"]), b"+PONG\r\n");
            }
        }
        worst = worst.max(used(&mut r));
        assert!(
            worst <= limit + slack,
            "{policy}: used {worst} with maxmemory {limit}"
        );
        assert!(evicted(&mut r) > 0, "{policy}");
        assert!(dbsize(&mut r) > 0);
        let mut other = srv.raw();
        assert_eq!(other.call(&["PING"]), b"+PONG\r\n");
    }
}

/// Loading the AOF neither evicts nor is refused, whatever the limit (Redis's loader runs
/// commands outside processCommand); the limit applies to clients once loaded.
#[test]
fn aof_loading_ignores_the_limit() {
    let dir = std::env::temp_dir().join(format!("uredis-evict-aof-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let d = dir.display().to_string();
    {
        let srv = Server::start(&[
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--dir",
            &d,
        ]);
        let mut r = srv.raw();
        fill(&mut r, "k:", 200, |_| None);
    }
    for policy in ["noeviction", "allkeys-lru"] {
        let srv = Server::start(&[
            "--appendonly",
            "yes",
            "--dir",
            &d,
            "--maxmemory",
            "1",
            "--maxmemory-policy",
            policy,
        ]);
        let mut r = srv.raw();
        if policy == "noeviction" {
            assert_eq!(dbsize(&mut r), 200, "{policy}");
            assert_eq!(evicted(&mut r), 0, "{policy}");
            assert_eq!(
                r.call(&["SET", "more", "x"]),
                b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
            );
        } else {
            // Commands evict (a time-limited slice each, then the event loop goes on).
            assert!(wait_until(Duration::from_secs(30), || dbsize(&mut r) == 0));
            assert_eq!(evicted(&mut r), 200, "{policy}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eviction_settings_read_back_like_redis() {
    common::compat(&[
        &["CONFIG", "SET", "maxmemory", "1gb"],
        &["CONFIG", "GET", "maxmemory"],
        &["CONFIG", "SET", "maxmemory-samples", "7"],
        &["CONFIG", "GET", "maxmemory-samples"],
        &["CONFIG", "SET", "maxmemory-samples", "0"],
        &["CONFIG", "SET", "maxmemory-eviction-tenacity", "101"],
        &["CONFIG", "SET", "maxmemory-eviction-tenacity", "50"],
        &["CONFIG", "GET", "maxmemory-eviction-tenacity"],
        &["CONFIG", "SET", "lazyfree-lazy-eviction", "yes"],
        &["CONFIG", "GET", "lazyfree-lazy-eviction"],
        &["CONFIG", "SET", "maxmemory-policy", "volatile-ttl"],
        &["CONFIG", "GET", "maxmemory-policy"],
        &["CONFIG", "SET", "maxmemory", "0"],
    ]);
}
