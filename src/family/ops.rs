//! Operator commands: MONITOR, SLOWLOG (GET, LEN, RESET, HELP), LATENCY (LATEST, HISTORY,
//! RESET, GRAPH, DOCTOR, HISTOGRAM, HELP) and LOLWUT. The machinery they read (monitor list,
//! slow log, latency events, per-command histograms) is `crate::ops`, fed from `cmd::call`.

use bytes::Bytes;

use crate::cmd::table::{Command, NO_KEYS, flags::*};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::family::server::reply_help;
use crate::net::client::flag as client_flag;
use crate::ops::{self, Series};

// ---------------------------------------------------------------------------------------------
// MONITOR

/// MONITOR
///
/// Streams every command the server runs to this client (`crate::ops::feed_monitors`). A
/// client already monitoring (or a replica) gets no reply, as in Redis; inside MULTI it is
/// refused as a "DENY BLOCKING" client.
fn cmd_monitor(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if ctx.srv.exec_depth > 0 {
        return Err(Error::Msg(
            "ERR MONITOR isn't allowed for DENY BLOCKING client",
        ));
    }
    let c = &ctx.srv.clients[ctx.cid];
    if c.has(client_flag::MONITOR) || c.repl.as_ref().is_some_and(|l| l.is_replica()) {
        return Ok(());
    }
    ops::start_monitor(ctx.srv, ctx.cid);
    ctx.out.ok();
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// SLOWLOG

/// SLOWLOG GET [count]: the newest `count` entries (default 10, -1 = all).
fn cmd_slowlog_get(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        return Err(crate::cmd::subcommand_syntax_error(argv));
    }
    let mut count = 10usize;
    if let Some(a) = argv.get(2) {
        match parse_int(a) {
            Ok(-1) => count = usize::MAX,
            Ok(n) if n >= 0 => count = n as usize,
            _ => {
                return Err(Error::Msg(
                    "ERR count should be greater than or equal to -1",
                ));
            }
        }
    }
    let log = &ctx.srv.ops.slowlog;
    let n = count.min(log.len());
    ctx.out.array(n);
    for e in log.iter().take(n) {
        ctx.out.array(6);
        ctx.out.int(e.id as i64);
        ctx.out.int(e.time);
        ctx.out.int(e.duration as i64);
        ctx.out.array(e.args.len());
        for a in &e.args {
            ctx.out.bulk(a);
        }
        ctx.out.bulk(e.peer.as_bytes());
        ctx.out.bulk(&e.name);
    }
    Ok(())
}

/// SLOWLOG LEN
fn cmd_slowlog_len(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.int(ctx.srv.ops.slowlog.len() as i64);
    Ok(())
}

/// SLOWLOG RESET
fn cmd_slowlog_reset(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.srv.ops.slowlog.clear();
    ctx.out.ok();
    Ok(())
}

/// SLOWLOG HELP
fn cmd_slowlog_help(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    reply_help(
        ctx.out,
        &argv[0],
        &[
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ],
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// LATENCY

fn find_event<'a>(ctx: &'a Ctx, name: &[u8]) -> Option<&'a Series> {
    ctx.srv
        .ops
        .events
        .iter()
        .find(|s| s.event.as_bytes() == name)
}

/// LATENCY LATEST: `[event, time of last sample, its latency, all-time max]` per event.
fn cmd_latency_latest(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let events = &ctx.srv.ops.events;
    ctx.out.array(events.len());
    for s in events {
        let last = s.last();
        ctx.out.array(4);
        ctx.out.bulk(s.event.as_bytes());
        ctx.out.int(last.time);
        ctx.out.int(last.latency as i64);
        ctx.out.int(s.max as i64);
    }
    Ok(())
}

/// LATENCY HISTORY event: `[time, latency]` pairs, oldest first.
fn cmd_latency_history(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let samples: Vec<ops::Sample> = match find_event(ctx, &argv[2]) {
        Some(s) => s.ordered().copied().collect(),
        None => Vec::new(),
    };
    ctx.out.array(samples.len());
    for s in samples {
        ctx.out.array(2);
        ctx.out.int(s.time);
        ctx.out.int(s.latency as i64);
    }
    Ok(())
}

/// LATENCY RESET [event ...]: how many events were reset.
fn cmd_latency_reset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = if argv.len() == 2 {
        ops::latency_reset(&mut ctx.srv.ops, None)
    } else {
        argv[2..]
            .iter()
            .map(|e| ops::latency_reset(&mut ctx.srv.ops, Some(e)))
            .sum()
    };
    ctx.out.int(n as i64);
    Ok(())
}

/// LATENCY GRAPH event: Redis's ASCII sparkline of the event's samples.
fn cmd_latency_graph(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(s) = find_event(ctx, &argv[2]) else {
        return Err(no_samples(&argv[2]));
    };
    let graph = ops::report::graph(s, unix_secs());
    ctx.out.verbatim(graph.as_bytes());
    Ok(())
}

fn no_samples(event: &[u8]) -> Error {
    Error::err(format_args!(
        "No samples available for event '{}'",
        String::from_utf8_lossy(crate::ops::report::c_str(event))
    ))
}

fn unix_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// LATENCY DOCTOR: Redis's human readable analysis.
fn cmd_latency_doctor(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let report = ops::report::doctor(ctx.srv);
    ctx.out.verbatim(report.as_bytes());
    Ok(())
}

/// LATENCY HISTOGRAM [command ...]: per command, `calls` and the cumulative
/// `histogram_usec` distribution (powers of two from 1 µs).
fn cmd_latency_histogram(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut names: Vec<&'static str> = Vec::new();
    if argv.len() == 2 {
        for cmd in crate::cmd::table::all() {
            names.push(cmd.name);
            names.extend(cmd.subcommands.iter().map(|s| s.name));
        }
    } else {
        for a in &argv[2..] {
            let lower = String::from_utf8_lossy(a).to_ascii_lowercase();
            // A full name (`config|get`) or a container and all its subcommands, as Redis's
            // lookupCommandBySds.
            let found = match lower.split_once('|') {
                Some((c, _)) => crate::cmd::lookup(c.as_bytes())
                    .and_then(|cmd| cmd.subcommands.iter().find(|s| s.name == lower)),
                None => crate::cmd::lookup(lower.as_bytes()),
            };
            let Some(cmd) = found else {
                continue;
            };
            names.push(cmd.name);
            names.extend(cmd.subcommands.iter().map(|s| s.name));
        }
    }
    let stats = &ctx.srv.stats.commands;
    let with: Vec<(&str, &ops::hdr::Hdr)> = names
        .iter()
        .filter_map(|n| {
            stats
                .get(n)
                .and_then(|s| s.histogram.as_deref())
                .map(|h| (*n, h))
        })
        .collect();
    ctx.out.map(with.len());
    for (name, h) in with {
        ctx.out.bulk(name.as_bytes());
        ctx.out.map(2);
        ctx.out.bulk(b"calls");
        ctx.out.int(h.total() as i64);
        ctx.out.bulk(b"histogram_usec");
        let cdf = h.cdf_usec();
        ctx.out.map(cdf.len());
        for (usec, n) in cdf {
            ctx.out.int(usec);
            ctx.out.int(n as i64);
        }
    }
    Ok(())
}

/// LATENCY HELP
fn cmd_latency_help(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    reply_help(
        ctx.out,
        &argv[0],
        &[
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
        ],
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// LOLWUT

/// LOLWUT [VERSION v] [version-specific arguments]: computer art and the version. Redis 7.0
/// has no art of its own (its "unstable" text); VERSION 5 draws Schotter, VERSION 6 a skyline.
fn cmd_lolwut(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut args = argv;
    let mut ver: Option<u32> = None;
    if argv.len() >= 3 && argv[1].eq_ignore_ascii_case(b"version") {
        let v = parse_int(&argv[2]).map_err(|_| Error::NotInteger)?;
        ver = Some(v as u32);
        args = &argv[2..];
    }
    let text = match ver {
        Some(5) => ops::lolwut::v5(args)?,
        Some(6) => ops::lolwut::v6(args)?,
        _ => ops::lolwut::unstable().into_bytes(),
    };
    ctx.out.verbatim(&text);
    Ok(())
}

// ---------------------------------------------------------------------------------------------

const ADMIN_SUB: u32 = ADMIN | NOSCRIPT | LOADING | STALE;

static SLOWLOG_SUBCOMMANDS: &[Command] = &[
    Command::new(
        "slowlog|get",
        -2,
        ADMIN | LOADING | STALE,
        NO_KEYS,
        cmd_slowlog_get,
    ),
    Command::new(
        "slowlog|len",
        2,
        ADMIN | LOADING | STALE,
        NO_KEYS,
        cmd_slowlog_len,
    ),
    Command::new(
        "slowlog|reset",
        2,
        ADMIN | LOADING | STALE,
        NO_KEYS,
        cmd_slowlog_reset,
    ),
    Command::new(
        "slowlog|help",
        2,
        LOADING | STALE,
        NO_KEYS,
        cmd_slowlog_help,
    ),
];

static LATENCY_SUBCOMMANDS: &[Command] = &[
    Command::new("latency|latest", 2, ADMIN_SUB, NO_KEYS, cmd_latency_latest),
    Command::new(
        "latency|history",
        3,
        ADMIN_SUB,
        NO_KEYS,
        cmd_latency_history,
    ),
    Command::new("latency|reset", -2, ADMIN_SUB, NO_KEYS, cmd_latency_reset),
    Command::new("latency|graph", 3, ADMIN_SUB, NO_KEYS, cmd_latency_graph),
    Command::new("latency|doctor", 2, ADMIN_SUB, NO_KEYS, cmd_latency_doctor),
    Command::new(
        "latency|histogram",
        -2,
        ADMIN_SUB,
        NO_KEYS,
        cmd_latency_histogram,
    ),
    Command::new(
        "latency|help",
        2,
        LOADING | STALE,
        NO_KEYS,
        cmd_latency_help,
    ),
];

pub static COMMANDS: &[Command] = &[
    Command::new(
        "monitor",
        1,
        ADMIN | NOSCRIPT | LOADING | STALE,
        NO_KEYS,
        cmd_monitor,
    ),
    Command::container("slowlog", -2, 0, SLOWLOG_SUBCOMMANDS),
    Command::container("latency", -2, 0, LATENCY_SUBCOMMANDS),
    Command::new("lolwut", -1, READONLY | FAST, NO_KEYS, cmd_lolwut),
];
