//! Operator tools against the real binary, compared with a real redis-server 7.0.15 wherever
//! the reply is deterministic: MONITOR lines (timestamps and client ports normalised),
//! SLOWLOG entries (ids, times and durations normalised), LATENCY and SLOWLOG help and
//! errors byte for byte, LOLWUT's deterministic drawings, INFO latencystats and LATENCY
//! HISTOGRAM shapes, and redis-cli's MONITOR / --latency-history / --latency-dist modes.
//! No timing thresholds: only facts that hold however slow the machine is.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Raw, Server, compat, redis_or_skip, wait_until};

/// Replaces `+<secs>.<usec> ` at the start of a MONITOR line with `+TS ` and every
/// `127.0.0.1:<port>` with `PEER`.
fn normalize_monitor(line: &[u8]) -> String {
    let s = String::from_utf8_lossy(line).into_owned();
    let rest = s
        .strip_prefix('+')
        .expect("monitor lines are status replies");
    let (ts, tail) = rest.split_once(' ').expect("timestamp");
    let (secs, usec) = ts.split_once('.').expect("secs.usec");
    assert!(
        secs.chars().all(|c| c.is_ascii_digit()) && !secs.is_empty(),
        "{s}"
    );
    assert!(
        usec.len() == 6 && usec.chars().all(|c| c.is_ascii_digit()),
        "{s}"
    );
    format!("+TS {}", strip_ports(tail))
}

/// `127.0.0.1:<digits>` -> `PEER`.
fn strip_ports(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("127.0.0.1:") {
        out.push_str(&rest[..i]);
        out.push_str("PEER");
        rest = rest[i + "127.0.0.1:".len()..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

/// The commands a client sends while another monitors (the last one ends the capture).
const MONITORED: &[&[&str]] = &[
    &["MULTI"],
    &["SET", "a", "1"],
    &["GET", "a"],
    &["EXEC"],
    &["AUTH", "foo"],
    &["AUTH", "u", "p"],
    &["HELLO", "2", "AUTH", "u", "p", "SETNAME", "x"],
    &["HELLO", "2", "SETNAME", "y"],
    &[
        "EVAL",
        "redis.call('set','k','v') return redis.call('get','k')",
        "0",
    ],
    &["SET", "a\u{0}b\n\t\r\"\\", "\u{7}\u{8}q"],
    &["CONFIG", "GET", "maxmemory"],
    &["SLOWLOG", "LEN"],
    &["SELECT", "3"],
    &["set", "x", "y"],
    &["MULTI"],
    &["FOO"],
    &["EXEC"],
    &["MULTI"],
    &["SET", "a", "b"],
    &["DISCARD"],
    &["WATCH", "w"],
    &["MULTI"],
    &["INCR", "w"],
    &["EXEC"],
    &["SELECT", "0"],
    &["ECHO", "done"],
];

/// Runs MONITORED on `srv` while a second connection monitors; returns the normalised lines.
fn monitor_capture(srv: &Server) -> Vec<String> {
    let mut mon = srv.raw();
    assert_eq!(mon.call(&["MONITOR"]), b"+OK\r\n");
    let mut c = srv.raw();
    for cmd in MONITORED {
        c.call(cmd);
    }
    let mut lines = Vec::new();
    loop {
        let line = mon.read_reply();
        let norm = normalize_monitor(&line);
        let done = norm.ends_with("\"ECHO\" \"done\"\r\n");
        lines.push(norm);
        if done {
            break;
        }
    }
    lines
}

#[test]
fn monitor_lines_match_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let a = monitor_capture(&ours);
    let b = monitor_capture(&redis);
    assert_eq!(a, b, "MONITOR lines (left: uredis, right: redis-server)");
    // What the capture must contain, so the comparison is not vacuous.
    let joined = a.concat();
    for want in [
        "+TS [0 PEER] \"AUTH\" \"(redacted)\" \"(redacted)\"\r\n",
        "+TS [0 lua] \"set\" \"k\" \"v\"\r\n",
        "+TS [3 PEER] \"SELECT\" \"3\"\r\n",
        "\"a\\x00b\\n\\t\\r\\\"\\\\\" \"\\a\\bq\"",
    ] {
        assert!(joined.contains(want), "missing {want:?} in {joined}");
    }
    assert!(!joined.contains("CONFIG") && !joined.contains("SLOWLOG"));
}

/// The monitoring client itself: its own commands are shown to it, keyspace commands are
/// refused, a second MONITOR is silent, RESET ends monitoring.
fn monitor_self(srv: &Server) -> Vec<String> {
    let mut m = srv.raw();
    let mut out = vec![String::from_utf8_lossy(&m.call(&["MONITOR"])).into_owned()];
    out.push(String::from_utf8_lossy(&m.call(&["GET", "a"])).into_owned());
    out.push(String::from_utf8_lossy(&m.call(&["SET", "a", "1"])).into_owned());
    // No reply to a second MONITOR: the next reply is PING's, then PING's own monitor line.
    m.cmd(&[b"MONITOR"]);
    out.push(String::from_utf8_lossy(&m.call(&["PING"])).into_owned());
    out.push(normalize_monitor(&m.read_reply()));
    let list = String::from_utf8_lossy(&m.call(&["CLIENT", "INFO"])).into_owned();
    assert!(list.contains(" flags=O "), "{list}");
    out.push(normalize_monitor(&m.read_reply()));
    out.push(String::from_utf8_lossy(&m.call(&["RESET"])).into_owned());
    out.push(String::from_utf8_lossy(&m.call(&["PING"])).into_owned());
    out.push(String::from_utf8_lossy(&m.call(&["GET", "a"])).into_owned());
    // Inside MULTI, MONITOR is refused when EXEC runs it.
    out.push(String::from_utf8_lossy(&m.call(&["MULTI"])).into_owned());
    out.push(String::from_utf8_lossy(&m.call(&["MONITOR"])).into_owned());
    out.push(String::from_utf8_lossy(&m.call(&["EXEC"])).into_owned());
    out
}

#[test]
fn monitoring_client_matches_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let a = monitor_self(&ours);
    assert_eq!(a, monitor_self(&redis));
    assert_eq!(a[1], "-ERR Replica can't interact with the keyspace\r\n");
    assert_eq!(a[3], "+PONG\r\n");
    assert_eq!(a[4], "+TS [0 PEER] \"PING\"\r\n");
}

#[test]
fn monitor_stops_feeding_a_closed_client() {
    let srv = Server::start(&[]);
    {
        let mut m = srv.raw();
        assert_eq!(m.call(&["MONITOR"]), b"+OK\r\n");
    }
    let mut c = srv.raw();
    // The closed monitor is forgotten; commands keep working. The server learns of the close
    // only when the kernel delivers the FIN to its socket, which on a loaded machine can come
    // after the new connection's commands (the two connections' packets are processed
    // independently, possibly on different CPUs): the monitor is gone soon, not at once, so
    // INFO is polled, as Redis's own tests wait_for_condition on connected_clients.
    for _ in 0..50 {
        assert_eq!(c.call(&["SET", "k", "v"]), b"+OK\r\n");
    }
    let mut info = String::new();
    let gone = wait_until(Duration::from_secs(20), || {
        info = String::from_utf8_lossy(&c.call(&["INFO", "clients"])).into_owned();
        info.contains("connected_clients:1\r\n")
    });
    assert!(gone, "{info}");
    assert_eq!(c.call(&["SET", "k", "v"]), b"+OK\r\n");
}

#[test]
fn redis_cli_monitor_mode() {
    let srv = Server::start(&[]);
    let Ok(mut child) = Command::new("redis-cli")
        .args(["-p", &srv.port.to_string(), "monitor"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        eprintln!("note: redis-cli not installed; skipped");
        return;
    };
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    assert_eq!(lines.next().and_then(|l| l.ok()).as_deref(), Some("OK"));
    let mut c = srv.raw();
    c.call(&["SET", "k", "v w"]);
    c.call(&["ECHO", "done"]);
    let mut got = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("line");
        let done = line.ends_with("\"ECHO\" \"done\"");
        got.push(normalize_monitor(format!("+{line}").as_bytes()));
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        got,
        vec![
            "+TS [0 PEER] \"SET\" \"k\" \"v w\"".to_string(),
            "+TS [0 PEER] \"ECHO\" \"done\"".to_string(),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// SLOWLOG

/// `:<digits>\r\n` -> `:N\r\n` (ids, times, durations), peers -> PEER.
fn normalize_slowlog(b: &[u8]) -> String {
    let s = strip_ports(&String::from_utf8_lossy(b));
    let mut out = String::new();
    for line in s.split_inclusive("\r\n") {
        if line.starts_with(':') {
            out.push_str(":N\r\n");
        } else if line == "$15\r\n" || line == "$16\r\n" || line == "$14\r\n" {
            // The length of a peer address depends on the port's digits.
            out.push_str("$P\r\n");
        } else {
            out.push_str(line);
        }
    }
    out
}

fn slowlog_session(srv: &Server) -> (String, Vec<String>) {
    let mut c = srv.raw();
    let mut small = Vec::new();
    let mut say = |r: Vec<u8>| small.push(String::from_utf8_lossy(&r).into_owned());
    say(c.call(&["CONFIG", "SET", "slowlog-log-slower-than", "0"]));
    say(c.call(&["CLIENT", "SETNAME", "nm"]));
    say(c.call(&["SLOWLOG", "RESET"]));
    let big = "x".repeat(200);
    c.call(&["SET", "k", &big]);
    let mut rpush = vec!["RPUSH", "l"];
    let items: Vec<String> = (0..40).map(|i| format!("a{i}")).collect();
    rpush.extend(items.iter().map(|s| s.as_str()));
    c.call(&rpush);
    c.call(&["AUTH", "foo"]);
    c.call(&[
        "CONFIG",
        "SET",
        "masterauth",
        "secret",
        "maxmemory-samples",
        "5",
    ]);
    c.call(&["EVAL", "return redis.call('get','k')", "0"]);
    c.call(&["MULTI"]);
    c.call(&["PING"]);
    c.call(&["EXEC"]);
    let entries = normalize_slowlog(&c.call(&["SLOWLOG", "GET", "-1"]));
    say(c.call(&["SLOWLOG", "LEN"]));
    say(c.call(&["SLOWLOG", "GET", "0"]));
    say(c.call(&["CONFIG", "SET", "slowlog-max-len", "2"]));
    say(c.call(&["SLOWLOG", "LEN"]));
    say(c.call(&["CONFIG", "SET", "slowlog-log-slower-than", "-1"]));
    say(c.call(&["SLOWLOG", "RESET"]));
    say(c.call(&["PING"]));
    say(c.call(&["SLOWLOG", "LEN"]));
    (entries, small)
}

#[test]
fn slowlog_entries_match_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let (a, a_small) = slowlog_session(&ours);
    let (b, b_small) = slowlog_session(&redis);
    assert_eq!(a, b, "SLOWLOG GET -1 (left: uredis, right: redis-server)");
    assert_eq!(a_small, b_small);
    for want in [
        "... (11 more arguments)",
        "... (72 more bytes)",
        "$10\r\n(redacted)\r\n",
        "$3\r\n?:0\r\n",
    ] {
        assert!(a.contains(want), "missing {want:?} in {a}");
    }
    assert!(!a.contains("EXEC") && !a.contains("secret"));
}

#[test]
fn slowlog_and_latency_replies_match_redis() {
    compat(&[
        &["SLOWLOG", "HELP"],
        &["SLOWLOG", "help"],
        &["SLOWLOG", "FOO"],
        &["SLOWLOG"],
        &["SLOWLOG", "GET", "x"],
        &["SLOWLOG", "GET", "-2"],
        &["SLOWLOG", "GET", "1", "2"],
        &["SLOWLOG", "LEN", "x"],
        &["SLOWLOG", "RESET", "x"],
        &["LATENCY", "HELP"],
        &["LATENCY", "FOO"],
        &["LATENCY"],
        &["LATENCY", "LATEST"],
        &["LATENCY", "HISTORY"],
        &["LATENCY", "HISTORY", "command"],
        &["LATENCY", "GRAPH", "command"],
        &["LATENCY", "GRAPH", "a\u{0}b"],
        &["LATENCY", "RESET"],
        &["LATENCY", "RESET", "a", "b"],
        &["LATENCY", "DOCTOR"],
        &["LATENCY", "HISTOGRAM", "nosuchcommand"],
        &["LATENCY", "HELP", "x"],
        &["CONFIG", "GET", "slowlog-max-len"],
        &["CONFIG", "GET", "slowlog-log-slower-than"],
        &["CONFIG", "GET", "latency-monitor-threshold"],
        &["CONFIG", "GET", "latency-tracking"],
        &["CONFIG", "SET", "slowlog-log-slower-than", "-2"],
        &["CONFIG", "SET", "latency-monitor-threshold", "-1"],
        &[
            "CONFIG",
            "SET",
            "latency-tracking-info-percentiles",
            "50 101",
        ],
        &[
            "CONFIG",
            "SET",
            "latency-tracking-info-percentiles",
            "1.5 99.990",
        ],
        &["CONFIG", "GET", "latency-tracking-info-percentiles"],
        &["MONITOR", "x"],
        &["CONFIG", "SET", "latency-monitor-threshold", "500"],
        &["LATENCY", "LATEST"],
    ]);
    // Monitoring enabled, nothing observed: Redis's "no latency spike" text, or its advice
    // about transparent huge pages when this process has some (Redis reads the same
    // AnonHugePages of /proc/self/smaps; which one applies depends on the allocator).
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    c.call(&["CONFIG", "SET", "latency-monitor-threshold", "500"]);
    let doctor = String::from_utf8_lossy(&c.call(&["LATENCY", "DOCTOR"])).into_owned();
    assert!(
        doctor.contains("Dave, no latency spike was observed during the lifetime of this Redis instance")
            || doctor.starts_with("$561\r\n\nI have a few advices for you:\n\n- I detected a non zero amount of anonymous huge pages"),
        "{doctor}"
    );
}

// ---------------------------------------------------------------------------------------------
// LATENCY

#[test]
fn latency_monitor_records_events() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = srv.raw();
    assert_eq!(
        c.call(&["CONFIG", "SET", "latency-monitor-threshold", "1"]),
        b"+OK\r\n"
    );
    // A 20 ms sleep is at least 20 ms, however loaded the machine.
    c.call(&["DEBUG", "SLEEP", "0.02"]);
    let latest = String::from_utf8_lossy(&c.call(&["LATENCY", "LATEST"])).into_owned();
    assert!(
        latest.starts_with("*1\r\n*4\r\n$7\r\ncommand\r\n:"),
        "{latest}"
    );
    let history = String::from_utf8_lossy(&c.call(&["LATENCY", "HISTORY", "command"])).into_owned();
    assert!(history.starts_with("*1\r\n*2\r\n:"), "{history}");
    let graph = String::from_utf8_lossy(&c.call(&["LATENCY", "GRAPH", "command"])).into_owned();
    assert!(graph.contains("command - high "), "{graph}");
    assert!(graph.contains(&format!("{}\n", "-".repeat(80))), "{graph}");
    let doctor = String::from_utf8_lossy(&c.call(&["LATENCY", "DOCTOR"])).into_owned();
    assert!(
        doctor.contains("Dave, I have observed latency spikes in this Redis instance.")
            && doctor.contains("1. command: 1 latency spikes (average ")
            && doctor.contains("- Check your Slow Log to understand"),
        "{doctor}"
    );
    assert_eq!(c.call(&["LATENCY", "RESET", "command", "nope"]), b":1\r\n");
    assert_eq!(c.call(&["LATENCY", "LATEST"]), b"*0\r\n");
    // Disabled (threshold 0): nothing is recorded.
    c.call(&["CONFIG", "SET", "latency-monitor-threshold", "0"]);
    c.call(&["DEBUG", "SLEEP", "0.02"]);
    assert_eq!(c.call(&["LATENCY", "LATEST"]), b"*0\r\n");
}

/// `latency_percentiles_usec_<name>:p50=<f>,p99=<f>,p99.9=<f>` lines of INFO latencystats.
fn latencystats(c: &mut Raw) -> Vec<String> {
    let info = String::from_utf8_lossy(&c.call(&["INFO", "latencystats"])).into_owned();
    assert!(info.contains("# Latencystats\r\n"), "{info}");
    info.lines()
        .filter(|l| l.starts_with("latency_percentiles_usec_"))
        .map(String::from)
        .collect()
}

/// The shape of a latencystats line: names and percentile labels, values replaced by F after
/// checking they are `<digits>.<3 digits>`.
fn latency_shape(line: &str) -> String {
    let (name, values) = line.split_once(':').expect("name:values");
    let parts: Vec<String> = values
        .split(',')
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("p=v");
            let (int, frac) = v.split_once('.').expect("a decimal");
            assert!(
                int.chars().all(|c| c.is_ascii_digit()) && frac.len() == 3,
                "{line}"
            );
            format!("{k}=F")
        })
        .collect();
    format!("{name}:{}", parts.join(","))
}

fn latency_session(srv: &Server) -> (Vec<String>, Vec<String>, String) {
    let mut c = srv.raw();
    c.call(&["CONFIG", "RESETSTAT"]);
    for _ in 0..3 {
        c.call(&["SET", "k", "v"]);
    }
    c.call(&[
        "CONFIG",
        "SET",
        "latency-tracking-info-percentiles",
        "50 99.99 0",
    ]);
    let mut first: Vec<String> = latencystats(&mut c)
        .iter()
        .map(|l| latency_shape(l))
        .collect();
    first.sort();
    c.call(&["CONFIG", "SET", "latency-tracking", "no"]);
    let second = latencystats(&mut c);
    c.call(&["CONFIG", "SET", "latency-tracking", "yes"]);
    let hist = String::from_utf8_lossy(&c.call(&["LATENCY", "HISTOGRAM", "set"])).into_owned();
    (first, second, hist)
}

#[test]
fn latencystats_and_histogram_match_redis() {
    let ours = Server::start(&[]);
    let (a1, a2, ah) = latency_session(&ours);
    assert!(
        a1.contains(&"latency_percentiles_usec_set:p50=F,p99.99=F,p0=F".to_string()),
        "{a1:?}"
    );
    assert!(a2.is_empty());
    // `calls` is 3 and the last cumulative count of the distribution is 3.
    assert!(
        ah.starts_with("*2\r\n$3\r\nset\r\n*4\r\n$5\r\ncalls\r\n:3\r\n$14\r\nhistogram_usec\r\n*"),
        "{ah}"
    );
    assert!(ah.ends_with(":3\r\n"), "{ah}");
    // INFO's default sections leave latencystats out, as Redis.
    let mut c = ours.raw();
    let info = String::from_utf8_lossy(&c.call(&["INFO"])).into_owned();
    assert!(!info.contains("# Latencystats"));
    let all = String::from_utf8_lossy(&c.call(&["INFO", "everything"])).into_owned();
    assert!(all.contains("# Errorstats\r\n") && all.contains("# Latencystats\r\n"));
    assert!(all.find("# Latencystats").unwrap_or(0) > all.find("# Errorstats").unwrap_or(0));
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let (b1, b2, bh) = latency_session(&redis);
    assert_eq!(a1, b1);
    assert_eq!(a2, b2);
    // Both report calls=3 and end at a cumulative 3 (bucket values depend on timing).
    assert!(
        bh.ends_with(":3\r\n") && bh.contains("calls\r\n:3\r\n"),
        "{bh}"
    );
}

// ---------------------------------------------------------------------------------------------
// LOLWUT

#[test]
fn lolwut_matches_redis() {
    compat(&[
        &["LOLWUT"],
        &["LOLWUT", "10"],
        &["LOLWUT", "VERSION", "7"],
        &["LOLWUT", "VERSION", "x"],
        &["LOLWUT", "VERSION", "5", "x"],
        &["LOLWUT", "VERSION", "6", "10", "x"],
        // Schotter's first two rows are not randomised: with two rows it is deterministic.
        &["LOLWUT", "VERSION", "5", "20", "4", "2"],
        &["LOLWUT", "VERSION", "5", "66", "8", "1"],
        &["LOLWUT", "VERSION", "5", "1", "1", "1"],
        &["LOLWUT", "VERSION", "5", "-5", "0", "2"],
        &["LOLWUT", "VERSION", "5", "3000", "500", "1"],
    ]);
}

#[test]
fn lolwut_random_versions_keep_their_shape() {
    let srv = Server::start(&[]);
    let mut c = srv.raw();
    let v5 = String::from_utf8_lossy(&c.call(&["LOLWUT", "VERSION", "5"])).into_owned();
    assert!(
        v5.ends_with("\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n\r\n")
    );
    // 66 columns of braille per row.
    let first_row = v5.split('\n').nth(1).expect("a row");
    assert_eq!(first_row.chars().count(), 66);
    let v6 = String::from_utf8_lossy(&c.call(&["LOLWUT", "VERSION", "6", "10", "3"])).into_owned();
    assert!(v6.ends_with(
        "\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. Redis ver. 7.0.15\n\r\n"
    ));
    assert_eq!(v6.matches("\u{1b}[0m").count(), 30);
}

// ---------------------------------------------------------------------------------------------
// redis-cli

/// Runs `redis-cli <args>` for up to 3 seconds on a pseudo-terminal (`script`), as the
/// interactive latency modes print nothing when stdout is not a terminal (in Redis too).
fn cli_on_tty(port: u16, args: &str) -> Option<String> {
    let line = format!("timeout 3 redis-cli -p {port} {args}");
    let out = Command::new("script")
        .args(["-qc", &line, "/dev/null"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn redis_cli_latency_modes() {
    let srv = Server::start(&[]);
    let Some(history) = cli_on_tty(srv.port, "--latency-history -i 1") else {
        eprintln!("note: script/redis-cli not installed; skipped");
        return;
    };
    assert!(
        history.contains("min: ") && history.contains("avg: "),
        "{history}"
    );
    let dist = cli_on_tty(srv.port, "--latency-dist -i 1").unwrap_or_default();
    assert!(dist.contains("milliseconds"), "{dist}");
    // Non-interactive --latency prints one summary line and exits.
    let out = Command::new("timeout")
        .args(["5", "redis-cli", "-p", &srv.port.to_string(), "--latency"])
        .stdin(Stdio::null())
        .output()
        .expect("redis-cli runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(text.split_whitespace().count(), 4, "{text}");
}

/// Blocked commands are logged when their wait ends (timeout or served), as Redis's
/// updateStatsOnUnblock does, after the command that served them.
fn slowlog_blocked(srv: &Server) -> String {
    let mut c = srv.raw();
    c.call(&["CONFIG", "SET", "slowlog-log-slower-than", "0"]);
    c.call(&["SLOWLOG", "RESET"]);
    c.call(&["BLPOP", "nolist", "0.01"]);
    let mut waiter = srv.raw();
    waiter.cmd(&[b"BLPOP", b"l", b"0"]);
    // The waiter is blocked once CLIENT LIST shows it so.
    assert!(common::wait_until(
        std::time::Duration::from_secs(5),
        || { String::from_utf8_lossy(&c.call(&["CLIENT", "LIST"])).contains("cmd=blpop") }
    ));
    c.call(&["RPUSH", "l", "x"]);
    assert_eq!(waiter.read_reply(), b"*2\r\n$1\r\nl\r\n$1\r\nx\r\n");
    let mut entries = Vec::new();
    let log = normalize_slowlog(&c.call(&["SLOWLOG", "GET", "3"]));
    for cmd in ["BLPOP", "RPUSH", "CLIENT"] {
        entries.push((cmd, log.find(&format!("${}\r\n{cmd}\r\n", cmd.len()))));
    }
    format!("{log}\n{entries:?}")
}

#[test]
fn slowlog_blocked_commands_match_redis() {
    let Some(redis) = redis_or_skip(&[]) else {
        return;
    };
    let ours = Server::start(&[]);
    let a = slowlog_blocked(&ours);
    assert_eq!(a, slowlog_blocked(&redis));
    assert!(
        a.starts_with("*3\r\n*6\r\n:N\r\n:N\r\n:N\r\n*3\r\n$5\r\nBLPOP\r\n"),
        "{a}"
    );
}

/// A unix-socket client shows as `[db unix:<unixsocket>]`; its slow log peer is
/// `<unixsocket>:0`. Compared with Redis with the socket paths replaced.
fn unix_origin(srv: &Server, sock: &std::path::Path) -> (String, String) {
    use std::io::{Read, Write};
    let mut mon = srv.raw();
    assert_eq!(mon.call(&["MONITOR"]), b"+OK\r\n");
    let mut admin = srv.raw();
    admin.call(&["CONFIG", "SET", "slowlog-log-slower-than", "0"]);
    let mut u = std::os::unix::net::UnixStream::connect(sock).expect("unix connect");
    u.write_all(b"*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n")
        .expect("write");
    let mut buf = [0u8; 64];
    let n = u.read(&mut buf).expect("read");
    assert_eq!(&buf[..n], b"$2\r\nhi\r\n");
    let path = sock.to_str().expect("utf8 path");
    let line = normalize_monitor(&mon.read_reply()).replace(path, "SOCK");
    let log = String::from_utf8_lossy(&admin.call(&["SLOWLOG", "GET", "1"]))
        .replace(&format!("${}\r\n{path}:0\r\n", path.len() + 2), "PEER\r\n");
    (line, normalize_slowlog(log.as_bytes()))
}

#[test]
fn unix_socket_clients_match_redis() {
    let Some(probe) = redis_or_skip(&[]) else {
        return;
    };
    drop(probe);
    let dir = std::env::temp_dir().join(format!("uredis-ops-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (a_sock, b_sock) = (dir.join("u.sock"), dir.join("r.sock"));
    let ours = Server::start(&["--unixsocket", a_sock.to_str().expect("path")]);
    let Some(redis) = Server::start_redis(&["--unixsocket", b_sock.to_str().expect("path")]) else {
        return;
    };
    let a = unix_origin(&ours, &a_sock);
    assert_eq!(a, unix_origin(&redis, &b_sock));
    assert_eq!(a.0, "+TS [0 unix:SOCK] \"ECHO\" \"hi\"\r\n");
    assert!(a.1.contains("PEER\r\n"), "{}", a.1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// One sampled event: LATENCY LATEST/HISTORY/GRAPH have Redis's shapes (digits normalised:
/// the latency of a sleep and the age label depend on the machine).
fn one_event(srv: &Server) -> Vec<String> {
    let mut c = srv.raw();
    c.call(&["CONFIG", "SET", "latency-monitor-threshold", "1"]);
    c.call(&["DEBUG", "SLEEP", "0.02"]);
    // Every run of digits becomes one `9`.
    let digits = |b: Vec<u8>| -> String {
        let mut out = String::new();
        let mut in_run = false;
        for ch in String::from_utf8_lossy(&b).chars() {
            if ch.is_ascii_digit() {
                if !in_run {
                    out.push('9');
                }
                in_run = true;
            } else {
                out.push(ch);
                in_run = false;
            }
        }
        out
    };
    vec![
        digits(c.call(&["LATENCY", "LATEST"])),
        digits(c.call(&["LATENCY", "HISTORY", "command"])),
        digits(c.call(&["LATENCY", "GRAPH", "command"])),
        digits(c.call(&["LATENCY", "RESET"])),
    ]
}

#[test]
fn latency_event_replies_match_redis() {
    let Some(redis) = redis_or_skip(&["--enable-debug-command", "yes"]) else {
        return;
    };
    let ours = Server::start(&["--enable-debug-command", "yes"]);
    let a = one_event(&ours);
    assert_eq!(a, one_event(&redis));
    assert!(
        a[2].contains("command - high 9 ms, low 9 ms (all time high 9 ms)\n"),
        "{}",
        a[2]
    );
}
