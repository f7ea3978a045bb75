//! The operator tools' machinery, fed from the one command path (`cmd::call`):
//!
//! - the MONITOR feed (Redis's `replicationFeedMonitors`): the slab indexes of clients in
//!   MONITOR mode and the line each sees per command, `+<sec>.<usec> [<db> <peer>] "arg" ...`
//!   with `sdscatrepr` escaping and AUTH-like arguments shown as `(redacted)`;
//! - the slow log (Redis's slowlog.c): a ring of at most `slowlog-max-len` entries, newest
//!   first, arguments truncated as Redis does (32 arguments, 128 bytes each);
//! - the latency monitor (Redis's latency.c): per event (`command`, `fast-command`, `fork`,
//!   `expire-cycle`, ...) a ring of 160 per-second maxima, sampled only when the latency reaches
//!   `latency-monitor-threshold` (ms, 0 = off), plus the LATENCY GRAPH/DOCTOR texts;
//! - the per-command latency histograms (`hdr`) behind INFO latencystats and LATENCY
//!   HISTOGRAM, which live in `stats::CmdStat` so CONFIG RESETSTAT clears them with the rest.
//!
//! Invariants: `monitors` holds only live clients that have the MONITOR flag (a closing
//! client is removed by `on_client_gone`, RESET by `stop_monitor`); nothing here allocates on
//! the path of a command when no client monitors, the slow log is disabled or the command is
//! under its threshold, and the latency monitor is off (the defaults, apart from slowlog's
//! 10 ms threshold, which ordinary commands stay under).

pub mod hdr;
pub mod lolwut;
pub mod report;

use std::collections::VecDeque;
use std::fmt::Write as _;

use bytes::Bytes;

use crate::cmd::Command;
use crate::net::client::flag as client_flag;
use crate::protocol::Reply;
use crate::server::Server;

/// Redis's SLOWLOG_ENTRY_MAX_ARGC / SLOWLOG_ENTRY_MAX_STRING.
const SLOWLOG_MAX_ARGC: usize = 32;
const SLOWLOG_MAX_STRING: usize = 128;
/// Redis's LATENCY_TS_LEN: samples kept per event.
pub const LATENCY_TS_LEN: usize = 160;

/// One slow log entry, as SLOWLOG GET reports it.
#[derive(Debug, Clone)]
pub struct SlowEntry {
    pub id: u64,
    /// Unix seconds when logged.
    pub time: i64,
    /// Microseconds.
    pub duration: u64,
    pub args: Vec<Bytes>,
    pub peer: String,
    pub name: Vec<u8>,
}

/// One latency sample: the maximum latency (ms) seen in second `time`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    pub time: i64,
    pub latency: u64,
}

/// A latency event's time series (Redis's `latencyTimeSeries`).
#[derive(Debug, Clone)]
pub struct Series {
    pub event: &'static str,
    /// Next slot to write.
    pub idx: usize,
    /// All-time maximum.
    pub max: u64,
    pub samples: [Sample; LATENCY_TS_LEN],
}

impl Series {
    /// The samples oldest first, skipping empty slots.
    pub fn ordered(&self) -> impl Iterator<Item = &Sample> {
        (0..LATENCY_TS_LEN)
            .map(move |j| &self.samples[(self.idx + j) % LATENCY_TS_LEN])
            .filter(|s| s.time != 0)
    }

    pub fn last(&self) -> &Sample {
        &self.samples[(self.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN]
    }
}

#[derive(Debug, Default)]
pub struct Ops {
    /// Clients in MONITOR mode, by slab index, in the order they started monitoring.
    pub monitors: Vec<usize>,
    /// Newest first.
    pub slowlog: VecDeque<SlowEntry>,
    pub slowlog_next_id: u64,
    /// Latency events in the order first seen.
    pub events: Vec<Series>,
    /// `total_forks` when the cron last looked (for the `fork` event).
    pub forks_seen: u64,
}

fn unix_now() -> std::time::Duration {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Redaction

/// Which arguments of `argv` Redis replaces with `(redacted)` in MONITOR and SLOWLOG (its
/// `redactClientCommandArgument` calls in AUTH, HELLO, ACL SETUSER, MIGRATE and CONFIG SET of
/// sensitive parameters), or `None` for commands that redact nothing.
pub fn redacted(cmd: &Command, argv: &[Bytes]) -> Option<Vec<bool>> {
    let is = |a: &Bytes, s: &str| a.eq_ignore_ascii_case(s.as_bytes());
    let mut mask = vec![false; argv.len()];
    match cmd.name {
        "auth" => {
            if argv.len() > 3 {
                return None;
            }
            mask[1] = true;
            if argv.len() == 3 {
                mask[2] = true;
            }
        }
        "hello" => {
            let ver = argv.get(1).map(|v| crate::cmd::parse_int(v));
            if !matches!(ver, Some(Ok(2..=3))) {
                return None;
            }
            let mut j = 2;
            while j < argv.len() {
                let more = argv.len() - 1 - j;
                if is(&argv[j], "auth") && more >= 2 {
                    mask[j + 1] = true;
                    mask[j + 2] = true;
                    j += 3;
                } else if is(&argv[j], "setname") && more >= 1 {
                    j += 2;
                } else {
                    break;
                }
            }
        }
        "acl|setuser" => mask.iter_mut().skip(2).for_each(|m| *m = true),
        "migrate" => {
            for j in crate::family::migrate::redacted_args(argv) {
                mask[j] = true;
            }
        }
        "config|set" => {
            let mut j = 2;
            while j + 1 < argv.len() {
                let name = String::from_utf8_lossy(&argv[j]).to_ascii_lowercase();
                if matches!(name.as_str(), "masteruser" | "masterauth" | "requirepass") {
                    mask[j + 1] = true;
                }
                j += 2;
            }
        }
        _ => return None,
    }
    Some(mask)
}

const REDACTED: &[u8] = b"(redacted)";

// ---------------------------------------------------------------------------------------------
// MONITOR

/// Redis's `sdscatrepr`: a double-quoted string with C escapes.
pub fn cat_repr(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            7 => out.extend_from_slice(b"\\a"),
            8 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(b),
            _ => {
                let _ = write!(HexOut(out), "\\x{b:02x}");
            }
        }
    }
    out.push(b'"');
}

struct HexOut<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for HexOut<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Where a command came from, as a MONITOR line names it.
pub enum Origin<'a> {
    /// `redis.call` from a script: `lua`.
    Script,
    /// A unix-socket client: `unix:<unixsocket>`.
    Unix(&'a str),
    /// A TCP client: its address.
    Peer(&'a str),
}

/// The MONITOR line for one command (without sending it).
pub fn monitor_line(db: usize, origin: Origin, cmd: Option<&Command>, argv: &[Bytes]) -> Vec<u8> {
    let now = unix_now();
    let mut line = Vec::with_capacity(64 + argv.iter().map(|a| a.len() + 3).sum::<usize>());
    let _ = write!(
        HexOut(&mut line),
        "+{}.{:06} [{db} ",
        now.as_secs(),
        now.subsec_micros()
    );
    match origin {
        Origin::Script => line.extend_from_slice(b"lua"),
        Origin::Unix(path) => {
            line.extend_from_slice(b"unix:");
            line.extend_from_slice(path.as_bytes());
        }
        Origin::Peer(addr) => line.extend_from_slice(addr.as_bytes()),
    }
    line.extend_from_slice(b"] ");
    let mask = cmd.and_then(|c| redacted(c, argv));
    for (j, a) in argv.iter().enumerate() {
        if j > 0 {
            line.push(b' ');
        }
        if mask.as_ref().is_some_and(|m| m[j]) {
            cat_repr(&mut line, REDACTED);
        } else {
            cat_repr(&mut line, a);
        }
    }
    line.extend_from_slice(b"\r\n");
    line
}

/// Sends a command to every monitor (Redis's `replicationFeedMonitors`). `cur` is the running
/// client and its borrowed reply buffer: a client monitoring itself gets the line there.
pub fn feed_monitors(
    srv: &mut Server,
    cur: (usize, &mut Reply),
    db: usize,
    from_script: bool,
    cmd: Option<&Command>,
    argv: &[Bytes],
) {
    let (cid, out) = cur;
    let Some(c) = srv.clients.get(cid) else {
        return;
    };
    let unix;
    let origin = if from_script {
        Origin::Script
    } else if c.has(client_flag::UNIX_SOCKET) {
        unix = srv.config.get("unixsocket").unwrap_or("");
        Origin::Unix(unix)
    } else {
        Origin::Peer(&c.addr)
    };
    let line = monitor_line(db, origin, cmd, argv);
    for i in 0..srv.ops.monitors.len() {
        let m = srv.ops.monitors[i];
        if m == cid {
            out.raw(&line);
            continue;
        }
        let Some(mc) = srv.clients.get_mut(m) else {
            continue;
        };
        // A client to be closed gets nothing more (Redis's `prepareClientToWrite`), also
        // after its end of input arrived while output was pending (CLOSE_AFTER_REPLY): fed
        // on, a monitor could stay open for as long as commands keep coming.
        if mc.closing || mc.has(client_flag::CLOSE_AFTER_REPLY | client_flag::CLOSE_ASAP) {
            continue;
        }
        mc.out.raw(&line);
        srv.mark_pending_write(m);
    }
}

/// Puts a client in MONITOR mode.
pub fn start_monitor(srv: &mut Server, cid: usize) {
    if let Some(c) = srv.clients.get_mut(cid) {
        c.flags |= client_flag::MONITOR;
        if !srv.ops.monitors.contains(&cid) {
            srv.ops.monitors.push(cid);
        }
    }
}

/// Leaves MONITOR mode (RESET, or the client is gone).
pub fn stop_monitor(srv: &mut Server, cid: usize) {
    if let Some(c) = srv.clients.get_mut(cid) {
        c.flags &= !client_flag::MONITOR;
    }
    srv.ops.monitors.retain(|&m| m != cid);
}

/// A client is closing: forget it.
pub fn on_client_gone(srv: &mut Server, cid: usize) {
    if !srv.ops.monitors.is_empty() {
        srv.ops.monitors.retain(|&m| m != cid);
    }
}

// ---------------------------------------------------------------------------------------------
// Slow log

/// Redis's `slowlogPushEntryIfNeeded`: logs the command if it took at least
/// `slowlog-log-slower-than` µs (negative: never), then trims to `slowlog-max-len`. A
/// command run by a script is logged as Redis logs its Lua client's: peer `?:0`, no name.
pub fn slowlog_push(
    srv: &mut Server,
    cid: usize,
    from_script: bool,
    cmd: &Command,
    argv: &[Bytes],
    usec: u64,
) {
    let threshold = srv.config.slowlog_log_slower_than;
    if threshold < 0 {
        return;
    }
    if usec as i64 >= threshold {
        let mask = redacted(cmd, argv);
        let argc = argv.len().min(SLOWLOG_MAX_ARGC);
        let mut args = Vec::with_capacity(argc);
        for (j, a) in argv.iter().take(argc).enumerate() {
            if argc != argv.len() && j == argc - 1 {
                let more = argv.len() - argc + 1;
                args.push(Bytes::from(format!("... ({more} more arguments)")));
            } else if mask.as_ref().is_some_and(|m| m[j]) {
                args.push(Bytes::from_static(REDACTED));
            } else if a.len() > SLOWLOG_MAX_STRING {
                let mut s = a[..SLOWLOG_MAX_STRING].to_vec();
                let _ = write!(
                    HexOut(&mut s),
                    "... ({} more bytes)",
                    a.len() - SLOWLOG_MAX_STRING
                );
                args.push(Bytes::from(s));
            } else {
                // A copy, not a slice of the client's read buffer (which it would pin).
                args.push(Bytes::copy_from_slice(a));
            }
        }
        let (peer, name) = match srv.clients.get(cid) {
            Some(_) if from_script => ("?:0".to_string(), Vec::new()),
            Some(c) => (c.addr.clone(), c.name.clone().unwrap_or_default()),
            None => (String::new(), Vec::new()),
        };
        let id = srv.ops.slowlog_next_id;
        srv.ops.slowlog_next_id += 1;
        srv.ops.slowlog.push_front(SlowEntry {
            id,
            time: unix_now().as_secs() as i64,
            duration: usec,
            args,
            peer,
            name,
        });
    }
    let max = srv.config.slowlog_max_len;
    if srv.ops.slowlog.len() > max {
        srv.ops.slowlog.truncate(max);
    }
}

// ---------------------------------------------------------------------------------------------
// Latency monitor

/// Redis's `latencyAddSampleIfNeeded`: records `ms` for `event` when the latency monitor is on
/// and `ms` reaches its threshold.
#[inline]
pub fn latency_sample_if_needed(srv: &mut Server, event: &'static str, ms: u64) {
    let threshold = srv.config.latency_monitor_threshold;
    if threshold != 0 && ms >= threshold {
        latency_add_sample(&mut srv.ops, event, ms);
    }
}

/// Redis's `latencyAddSample`: one sample per second per event, the maximum of that second.
pub fn latency_add_sample(ops: &mut Ops, event: &'static str, ms: u64) {
    let now = unix_now().as_secs() as i64;
    let pos = match ops.events.iter().position(|s| s.event == event) {
        Some(p) => p,
        None => {
            ops.events.push(Series {
                event,
                idx: 0,
                max: 0,
                samples: [Sample::default(); LATENCY_TS_LEN],
            });
            ops.events.len() - 1
        }
    };
    let ts = &mut ops.events[pos];
    ts.max = ts.max.max(ms);
    let prev = (ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN;
    if ts.samples[prev].time == now {
        ts.samples[prev].latency = ts.samples[prev].latency.max(ms);
        return;
    }
    ts.samples[ts.idx] = Sample {
        time: now,
        latency: ms,
    };
    ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
}

/// Redis's `latencyResetEvent`: forgets one event (or all with `None`); returns how many.
pub fn latency_reset(ops: &mut Ops, event: Option<&[u8]>) -> usize {
    let before = ops.events.len();
    match event {
        None => ops.events.clear(),
        Some(e) => ops.events.retain(|s| s.event.as_bytes() != e),
    }
    before - ops.events.len()
}

// ---------------------------------------------------------------------------------------------
// The hook in `cmd::call`

/// What `cmd::call` knows about a command that ran, for the operator tools.
pub struct Ran<'a> {
    pub cid: usize,
    pub cmd: &'static Command,
    pub argv: &'a [Bytes],
    /// The database selected after the command (MONITOR shows SELECT's new one).
    pub db: usize,
    /// Microseconds the handler took (the `Instant` pair `call` takes anyway).
    pub usec: u64,
    /// Called by `redis.call` from a script.
    pub from_script: bool,
    /// Run again after being blocked (already fed to monitors the first time).
    pub rerun: bool,
    /// Still blocked: slowlog and latency histograms wait for its completion, as Redis.
    pub blocked: bool,
}

/// Redis's `call()` after the handler: latency event, slow log, MONITOR feed, latency
/// histogram. Cheap when nothing is enabled: two comparisons and a flag test.
#[inline]
pub fn after_call(srv: &mut Server, out: &mut Reply, r: Ran) {
    if srv.config.latency_monitor_threshold != 0 {
        let event = if r.cmd.has(crate::cmd::flags::FAST) {
            "fast-command"
        } else {
            "command"
        };
        latency_sample_if_needed(srv, event, r.usec / 1000);
    }
    if !r.blocked
        && !r.cmd.has(crate::cmd::flags::SKIP_SLOWLOG)
        && srv.config.slowlog_log_slower_than >= 0
    {
        slowlog_push(srv, r.cid, r.from_script, r.cmd, r.argv, r.usec);
    }
    if !srv.ops.monitors.is_empty()
        && !r.rerun
        && !r
            .cmd
            .has(crate::cmd::flags::SKIP_MONITOR | crate::cmd::flags::ADMIN)
    {
        feed_monitors(srv, (r.cid, out), r.db, r.from_script, Some(r.cmd), r.argv);
    }
}

/// A blocked command ended without running again (timeout, CLIENT UNBLOCK, WAIT): Redis's
/// `updateStatsOnUnblock` logs it to the slow log and records its latency then. The time
/// spent blocked is not counted, as in Redis; the duration of its first run is not kept, so
/// it is logged as 0 µs.
pub fn after_unblock(srv: &mut Server, cid: usize, argv: &[Bytes]) {
    if argv.is_empty() {
        return;
    }
    let Ok(cmd) = crate::cmd::resolve(argv) else {
        return;
    };
    if srv.config.latency_tracking {
        record_histogram(srv.stats.command(cmd.name), 0);
    }
    if !cmd.has(crate::cmd::flags::SKIP_SLOWLOG) && srv.config.slowlog_log_slower_than >= 0 {
        slowlog_push(srv, cid, false, cmd, argv, 0);
    }
}

/// Per-command latency histogram (INFO latencystats, LATENCY HISTOGRAM): Redis records
/// `duration_us * 1000` ns once the command completes (not while it is blocked).
#[inline]
pub fn record_histogram(stat: &mut crate::stats::CmdStat, usec: u64) {
    stat.histogram
        .get_or_insert_with(|| Box::new(hdr::Hdr::new()))
        .record((usec as i64).saturating_mul(1000));
}

// ---------------------------------------------------------------------------------------------
// Cron and INFO

/// From the cron: a fork made since the last look is sampled as the `fork` latency event
/// (Redis samples it right after fork(); the cron sees it within one tick, same second in
/// practice, with the duration the fork measured).
pub fn cron(srv: &mut Server) {
    let forks = srv.children.stats.total_forks;
    if forks != srv.ops.forks_seen {
        srv.ops.forks_seen = forks;
        let ms = srv.children.stats.latest_fork_usec / 1000;
        latency_sample_if_needed(srv, "fork", ms);
    }
}

/// INFO latencystats: `latency_percentiles_usec_<cmd>:p50=...,p99=...` per command that has a
/// histogram (Redis's `fillPercentileDistributionLatencies`), when `latency-tracking` is on.
pub fn info_latencystats(srv: &Server, s: &mut String) {
    s.push_str("# Latencystats\r\n");
    if !srv.config.latency_tracking {
        return;
    }
    let write_one = |s: &mut String, name: &str| {
        let Some(h) = srv
            .stats
            .commands
            .get(name)
            .and_then(|c| c.histogram.as_deref())
        else {
            return;
        };
        let _ = write!(s, "latency_percentiles_usec_{name}:");
        for (j, p) in srv.config.latency_percentiles.iter().enumerate() {
            if j > 0 {
                s.push(',');
            }
            let text = format!("{p:.6}");
            let text = text.trim_end_matches('0').trim_end_matches('.');
            let _ = write!(
                s,
                "p{text}={:.3}",
                h.value_at_percentile(*p) as f64 / 1000.0
            );
        }
        s.push_str("\r\n");
    };
    for cmd in crate::cmd::table::all() {
        write_one(s, cmd.name);
        for sub in cmd.subcommands {
            write_one(s, sub.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_escapes_as_redis() {
        let mut v = Vec::new();
        cat_repr(&mut v, b"a\x00b\n\"\\\xff\x07\x08\t\r ~");
        assert_eq!(v, b"\"a\\x00b\\n\\\"\\\\\\xff\\a\\b\\t\\r ~\"");
    }

    fn nop(_: &mut crate::cmd::Ctx, _: &[Bytes]) -> crate::cmd::CmdResult {
        Ok(())
    }

    fn mask(name: &'static str, argv: &[&str]) -> Option<Vec<bool>> {
        let cmd = Command::new(name, -1, 0, crate::cmd::table::NO_KEYS, nop);
        let argv: Vec<Bytes> = argv
            .iter()
            .map(|a| Bytes::copy_from_slice(a.as_bytes()))
            .collect();
        redacted(&cmd, &argv)
    }

    #[test]
    fn redaction_follows_redis() {
        let t = true;
        let f = false;
        assert_eq!(mask("auth", &["auth", "p"]), Some(vec![f, t]));
        assert_eq!(mask("auth", &["auth", "u", "p"]), Some(vec![f, t, t]));
        assert_eq!(mask("auth", &["auth", "u", "p", "x"]), None);
        assert_eq!(
            mask("hello", &["hello", "3", "setname", "n", "auth", "u", "p"]),
            Some(vec![f, f, f, f, f, t, t])
        );
        assert_eq!(mask("hello", &["hello", "4", "auth", "u", "p"]), None);
        assert_eq!(
            mask(
                "migrate",
                &[
                    "migrate", "h", "1", "", "0", "5", "copy", "auth", "pw", "keys", "a"
                ]
            ),
            Some(vec![f, f, f, f, f, f, f, f, t, f, f])
        );
        assert_eq!(
            mask(
                "migrate",
                &["migrate", "h", "1", "k", "0", "5", "auth2", "u", "pw"]
            ),
            Some(vec![f, f, f, f, f, f, f, t, t])
        );
        assert_eq!(
            mask(
                "config|set",
                &["config", "set", "maxmemory", "1", "requirepass", "x"]
            ),
            Some(vec![f, f, f, f, f, t])
        );
        assert_eq!(
            mask("acl|setuser", &["acl", "setuser", "u", ">p"]),
            Some(vec![f, f, t, t])
        );
        assert_eq!(mask("get", &["get", "k"]), None);
    }

    #[test]
    fn latency_series_keeps_max_per_second() {
        let mut ops = Ops::default();
        latency_add_sample(&mut ops, "command", 5);
        latency_add_sample(&mut ops, "command", 3);
        latency_add_sample(&mut ops, "command", 9);
        let s = &ops.events[0];
        assert_eq!(s.max, 9);
        assert!(s.last().latency == 9 || s.ordered().count() == 2);
        assert_eq!(latency_reset(&mut ops, Some(b"nope")), 0);
        assert_eq!(latency_reset(&mut ops, None), 1);
    }
}
