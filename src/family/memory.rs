//! MEMORY: uredis's account of the memory it uses (Redis's `memoryCommand`,
//! `getMemoryOverheadData` and `getMemoryDoctorReport` in object.c), with Redis's field names,
//! order, texts and errors.
//!
//! The figures are uredis's own, honest for its layout, not copies of what Redis would use:
//! - `MEMORY USAGE` is the key's node (key, header and an inline value or the `Value`), the
//!   heap of its value (aggregates extrapolated from `SAMPLES` elements, default 5, 0 = all,
//!   as Redis samples), its bucket slot and its expires entry (`Db::memory_usage`). Like Redis
//!   it finds the key as stored: no expiry, no access, no statistics.
//! - `MEMORY STATS` totals come from the counting allocator (`crate::alloc`: bytes requested
//!   by the server), the allocator fields from mimalloc (`allocator_stats`), the overheads from
//!   what each part holds: client buffers, the replication backlog, the AOF buffer, the script
//!   caches and the keyspace tables' bucket arrays and expires entries (`overhead`). Everything
//!   else allocated since start-up is the dataset. INFO memory reports the same figures.
//! - `MEMORY MALLOC-STATS` is mimalloc's own report (`mi_stats_print_out`), or Redis's
//!   "Stats not supported for the current allocator" when built without it; `MEMORY PURGE`
//!   asks mimalloc to return freed memory (`mi_collect`).

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, NO_KEYS, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::server::Server;

/// Redis's `OBJ_COMPUTE_SIZE_DEF_SAMPLES`.
const DEFAULT_SAMPLES: usize = 5;

/// One database's table overhead (Redis's `redisMemOverhead.db[]`).
#[derive(Debug, Clone, Copy)]
pub struct DbOverhead {
    pub id: usize,
    pub main: u64,
    pub expires: u64,
}

/// Redis's `struct redisMemOverhead`: where the allocated memory goes.
#[derive(Debug, Clone)]
pub struct Overhead {
    pub peak_allocated: u64,
    pub total_allocated: u64,
    pub startup_allocated: u64,
    pub repl_backlog: u64,
    pub clients_slaves: u64,
    pub clients_normal: u64,
    pub aof_buffer: u64,
    pub lua_caches: u64,
    pub functions_caches: u64,
    /// Databases holding keys only, as Redis lists them.
    pub dbs: Vec<DbOverhead>,
    pub overhead_total: u64,
    pub total_keys: u64,
    pub bytes_per_key: u64,
    pub dataset: u64,
    pub dataset_perc: f64,
    pub peak_perc: f64,
    pub allocator_allocated: u64,
    pub allocator_active: u64,
    pub allocator_resident: u64,
    pub allocator_frag: f64,
    pub allocator_frag_bytes: i64,
    pub allocator_rss: f64,
    pub allocator_rss_bytes: i64,
    pub rss_extra: f64,
    pub rss_extra_bytes: i64,
    pub total_frag: f64,
    pub total_frag_bytes: i64,
    pub rss: u64,
    /// Connected replicas and other clients (for the doctor's per-client averages).
    pub num_slaves: u64,
    pub num_clients: u64,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Resident set size of the process, from /proc/self/statm.
pub fn rss_bytes() -> u64 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let page = if page > 0 { page as u64 } else { 4096 };
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * page)
}

/// Computes where memory goes (Redis's `getMemoryOverheadData`).
pub fn overhead(srv: &Server) -> Overhead {
    let total = crate::alloc::used_memory() as u64;
    let peak = (crate::alloc::update_peak() as u64).max(total);
    let startup = crate::alloc::startup() as u64;
    let rss = rss_bytes();
    let (mut clients_slaves, mut clients_normal, mut num_slaves, mut num_clients) = (0, 0, 0, 0);
    for (cid, c) in srv.clients.iter() {
        let mem = (c.rbuf.capacity() + c.out.buf.capacity() + c.sending.capacity()) as u64;
        if crate::repl::is_replica(srv, cid) {
            clients_slaves += mem;
            num_slaves += 1;
        } else {
            clients_normal += mem;
            num_clients += 1;
        }
    }
    let repl_backlog = srv.repl.backlog.as_ref().map_or(0, |b| b.memory() as u64);
    let aof_buffer = srv.aof.buffered() as u64;
    let lua_caches = srv.scripting.scripts_mem as u64;
    let functions_caches = srv.scripting.functions_code_bytes();
    let mut mem_total = startup
        + repl_backlog
        + clients_slaves
        + clients_normal
        + aof_buffer
        + lua_caches
        + functions_caches;
    let mut dbs = Vec::new();
    let mut total_keys = 0u64;
    for db in &srv.dbs {
        if db.is_empty() {
            continue;
        }
        let (main, expires) = db.table_overhead();
        mem_total += (main + expires) as u64;
        total_keys += db.len() as u64;
        dbs.push(DbOverhead {
            id: db.id,
            main: main as u64,
            expires: expires as u64,
        });
    }
    let net = total.saturating_sub(startup);
    let dataset = total.saturating_sub(mem_total);
    let (alloc_allocated, alloc_active, alloc_resident) = match crate::alloc::allocator_stats() {
        Some((a, act, res)) if a > 0 => (a as u64, (act as u64).max(a as u64), res as u64),
        _ => (total, total, rss),
    };
    Overhead {
        peak_allocated: peak,
        total_allocated: total,
        startup_allocated: startup,
        repl_backlog,
        clients_slaves,
        clients_normal,
        aof_buffer,
        lua_caches,
        functions_caches,
        dbs,
        overhead_total: mem_total,
        total_keys,
        bytes_per_key: net.checked_div(total_keys).unwrap_or(0),
        dataset,
        dataset_perc: ratio(dataset, net) * 100.0,
        peak_perc: ratio(total, peak) * 100.0,
        allocator_allocated: alloc_allocated,
        allocator_active: alloc_active,
        allocator_resident: alloc_resident,
        allocator_frag: ratio(alloc_active, alloc_allocated),
        allocator_frag_bytes: alloc_active as i64 - alloc_allocated as i64,
        allocator_rss: ratio(alloc_resident, alloc_active),
        allocator_rss_bytes: alloc_resident as i64 - alloc_active as i64,
        rss_extra: ratio(rss, alloc_resident),
        rss_extra_bytes: rss as i64 - alloc_resident as i64,
        total_frag: ratio(rss, total),
        total_frag_bytes: rss as i64 - total as i64,
        rss,
        num_slaves,
        num_clients,
    }
}

/// MEMORY USAGE key [SAMPLES count]
fn cmd_memory_usage(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut samples = DEFAULT_SAMPLES;
    let mut j = 3;
    while j < argv.len() {
        if is(&argv[j], "samples") && j + 1 < argv.len() {
            let n = parse_int(&argv[j + 1])?;
            if n < 0 {
                return Err(Error::Syntax);
            }
            samples = if n == 0 { usize::MAX } else { n as usize };
            j += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    match ctx.srv.dbs[ctx.db].memory_usage(&argv[2], samples) {
        Some(n) => ctx.out.int(n as i64),
        None => ctx.out.null(),
    }
    Ok(())
}

/// MEMORY STATS
fn cmd_memory_stats(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let mh = overhead(ctx.srv);
    let out = &mut *ctx.out;
    out.map(27 + mh.dbs.len());
    let ints: [(&str, u64); 10] = [
        ("peak.allocated", mh.peak_allocated),
        ("total.allocated", mh.total_allocated),
        ("startup.allocated", mh.startup_allocated),
        ("replication.backlog", mh.repl_backlog),
        ("clients.slaves", mh.clients_slaves),
        ("clients.normal", mh.clients_normal),
        ("cluster.links", 0),
        ("aof.buffer", mh.aof_buffer),
        ("lua.caches", mh.lua_caches),
        ("functions.caches", mh.functions_caches),
    ];
    for (name, v) in ints {
        out.bulk(name.as_bytes());
        out.int(v as i64);
    }
    for db in &mh.dbs {
        out.bulk(format!("db.{}", db.id).as_bytes());
        out.map(3);
        out.bulk(b"overhead.hashtable.main");
        out.int(db.main as i64);
        out.bulk(b"overhead.hashtable.expires");
        out.int(db.expires as i64);
        // Cluster mode's slot-to-keys index: uredis has no cluster mode.
        out.bulk(b"overhead.hashtable.slot-to-keys");
        out.int(0);
    }
    let rest: [(&str, Num); 17] = [
        ("overhead.total", Num::I(mh.overhead_total as i64)),
        ("keys.count", Num::I(mh.total_keys as i64)),
        ("keys.bytes-per-key", Num::I(mh.bytes_per_key as i64)),
        ("dataset.bytes", Num::I(mh.dataset as i64)),
        ("dataset.percentage", Num::D(mh.dataset_perc)),
        ("peak.percentage", Num::D(mh.peak_perc)),
        ("allocator.allocated", Num::I(mh.allocator_allocated as i64)),
        ("allocator.active", Num::I(mh.allocator_active as i64)),
        ("allocator.resident", Num::I(mh.allocator_resident as i64)),
        ("allocator-fragmentation.ratio", Num::D(mh.allocator_frag)),
        (
            "allocator-fragmentation.bytes",
            Num::I(mh.allocator_frag_bytes),
        ),
        ("allocator-rss.ratio", Num::D(mh.allocator_rss)),
        ("allocator-rss.bytes", Num::I(mh.allocator_rss_bytes)),
        ("rss-overhead.ratio", Num::D(mh.rss_extra)),
        ("rss-overhead.bytes", Num::I(mh.rss_extra_bytes)),
        ("fragmentation", Num::D(mh.total_frag)),
        ("fragmentation.bytes", Num::I(mh.total_frag_bytes)),
    ];
    for (name, v) in rest {
        out.bulk(name.as_bytes());
        match v {
            Num::I(n) => out.int(n),
            // Redis's addReplyDouble of a float field: the value rounded to a float first.
            Num::D(d) => out.double(f64::from(d as f32)),
        }
    }
    Ok(())
}

enum Num {
    I(i64),
    D(f64),
}

/// Redis's `getMemoryDoctorReport`, on uredis's figures.
pub fn doctor_report(srv: &Server) -> String {
    let mh = overhead(srv);
    let mut empty = false;
    let (mut big_peak, mut high_frag, mut high_alloc_frag) = (false, false, false);
    let (mut high_alloc_rss, mut high_proc_rss) = (false, false);
    let (mut big_client_buf, mut big_slave_buf, mut many_scripts) = (false, false, false);
    let mut num_reports = 0;
    if mh.total_allocated < 1024 * 1024 * 5 {
        empty = true;
        num_reports += 1;
    } else {
        if (mh.peak_allocated as f32 / mh.total_allocated as f32) > 1.5 {
            big_peak = true;
            num_reports += 1;
        }
        if mh.total_frag > 1.4 && mh.total_frag_bytes > 10 << 20 {
            high_frag = true;
            num_reports += 1;
        }
        if mh.allocator_frag > 1.1 && mh.allocator_frag_bytes > 10 << 20 {
            high_alloc_frag = true;
            num_reports += 1;
        }
        if mh.allocator_rss > 1.1 && mh.allocator_rss_bytes > 10 << 20 {
            high_alloc_rss = true;
            num_reports += 1;
        }
        if mh.rss_extra > 1.1 && mh.rss_extra_bytes > 10 << 20 {
            high_proc_rss = true;
            num_reports += 1;
        }
        if mh.clients_normal.checked_div(mh.num_clients).unwrap_or(0) > 1024 * 200 {
            big_client_buf = true;
            num_reports += 1;
        }
        if mh.num_slaves > 0 && mh.clients_slaves > 1024 * 1024 * 10 {
            big_slave_buf = true;
            num_reports += 1;
        }
        if srv.scripting.scripts.len() > 1000 {
            many_scripts = true;
            num_reports += 1;
        }
    }
    if num_reports == 0 {
        return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n".into();
    }
    if empty {
        return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n".into();
    }
    let mut s =
        String::from("Sam, I detected a few issues in this Redis instance memory implants:\n\n");
    if big_peak {
        s.push_str(" * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n");
    }
    if high_frag {
        s.push_str(&format!(" * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"{}\".\n\n", crate::alloc::ALLOCATOR));
    }
    if high_alloc_frag {
        s.push_str(" * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n");
    }
    if high_alloc_rss {
        s.push_str(" * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n");
    }
    if high_proc_rss {
        s.push_str(" * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator holds). This problem may be due to Lua scripts or Modules.\n\n");
    }
    if big_slave_buf {
        s.push_str(" * Big replica buffers: The replica output buffers in this instance are greater than 10MB for each replica (on average). This likely means that there is some replica instance that is struggling receiving data, either because it is too slow or because of networking issues. As a result, data piles on the master output buffers. Please try to identify what replica is not receiving data correctly and why. You can use the INFO output in order to check the replicas delays and the CLIENT LIST command to check the output buffers of each replica.\n\n");
    }
    if big_client_buf {
        s.push_str(" * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n");
    }
    if many_scripts {
        s.push_str(" * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.\n\n");
    }
    s.push_str("I'm here to keep you safe, Sam. I want to help you.\n");
    s
}

/// MEMORY DOCTOR
fn cmd_memory_doctor(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let report = doctor_report(ctx.srv);
    ctx.out.verbatim(report.as_bytes());
    Ok(())
}

/// MEMORY MALLOC-STATS: mimalloc's own report.
fn cmd_memory_malloc_stats(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    match crate::alloc::malloc_stats() {
        Some(text) => ctx.out.verbatim(text.as_bytes()),
        None => ctx
            .out
            .bulk(b"Stats not supported for the current allocator"),
    }
    Ok(())
}

/// MEMORY PURGE
fn cmd_memory_purge(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    crate::alloc::purge();
    ctx.out.ok();
    Ok(())
}

const MEMORY_HELP: &[&str] = &[
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
];

/// MEMORY HELP
fn cmd_memory_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    super::server::reply_help(ctx.out, b"MEMORY", MEMORY_HELP);
    Ok(())
}

static MEMORY_SUBCOMMANDS: &[Command] = &[
    Command::new("memory|doctor", 2, 0, NO_KEYS, cmd_memory_doctor),
    Command::new("memory|help", 2, LOADING | STALE, NO_KEYS, cmd_memory_help),
    Command::new(
        "memory|malloc-stats",
        2,
        0,
        NO_KEYS,
        cmd_memory_malloc_stats,
    ),
    Command::new("memory|purge", 2, 0, NO_KEYS, cmd_memory_purge),
    Command::new("memory|stats", 2, 0, NO_KEYS, cmd_memory_stats),
    Command::new(
        "memory|usage",
        -3,
        READONLY,
        keys(2, 2, 1),
        cmd_memory_usage,
    ),
];

pub static COMMANDS: &[Command] = &[Command::container("memory", -2, 0, MEMORY_SUBCOMMANDS)];
