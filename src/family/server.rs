//! Server commands: INFO, CONFIG (GET, SET, RESETSTAT, REWRITE, HELP), TIME, DEBUG (SLEEP,
//! SET-ACTIVE-EXPIRE, LOG, HELP) and SHUTDOWN, plus the open-files limit that `maxclients`
//! needs (checked at start-up and on CONFIG SET, as Redis does).
//!
//! INFO writes the same sections, field names and field order as Redis 7.0.15 so that tools
//! parsing it (redis-cli, exporters, client libraries) work unchanged. Fields for features
//! uredis does not have (replication links, forks, Lua, defragmentation, pub/sub, tracking)
//! report the values Redis reports when those are idle. The server section adds
//! `uredis_version` and `io_uring_setup` at its end.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::cmd::table::{Command, NO_KEYS, flags::*};
use crate::cmd::{CmdResult, Ctx, Error};
use crate::config::{self, Config, PARAMS};
use crate::persist::child::ChildKind;
use crate::persist::snapshot;
use crate::protocol::Reply;
use crate::server::{Shutdown, ShutdownFlags};

// ---------------------------------------------------------------------------------------------
// Helpers shared by the commands below
// ---------------------------------------------------------------------------------------------

/// Writes Redis's `addReplyHelp` format: a header naming the command, the given lines, and the
/// HELP entry, all as status replies.
pub(crate) fn reply_help(out: &mut Reply, command: &[u8], lines: &[&str]) {
    out.array(lines.len() + 3);
    let mut head = String::from_utf8_lossy(command).to_uppercase();
    head.push_str(" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    out.simple(head.as_bytes());
    for l in lines {
        out.simple(l.as_bytes());
    }
    out.simple(b"HELP");
    out.simple(b"    Prints this help.");
}

/// Redis's `islocalClient`: connected from 127.0.0.1 or ::1.
fn is_local_client(srv: &crate::server::Server, cid: usize) -> bool {
    let Some(c) = srv.clients.get(cid) else {
        return false;
    };
    c.addr
        .parse::<std::net::SocketAddr>()
        .is_ok_and(|a| match a.ip() {
            std::net::IpAddr::V4(ip) => ip == std::net::Ipv4Addr::LOCALHOST,
            std::net::IpAddr::V6(ip) => ip == std::net::Ipv6Addr::LOCALHOST,
        })
}

/// Redis's `allowProtectedAction`: a `yes`/`no`/`local` option allows an action by client
/// `cid` (also the dispatcher's check of protected commands, `cmd::precheck`).
pub(crate) fn protected_allowed(srv: &crate::server::Server, cid: usize, option: &str) -> bool {
    match srv.config.get(option) {
        Some("yes") => true,
        Some("local") => is_local_client(srv, cid),
        _ => false,
    }
}

/// `protected_allowed` for the running client.
fn protected_action_allowed(ctx: &Ctx, option: &str) -> bool {
    protected_allowed(ctx.srv, ctx.cid, option)
}

/// Redis's `bytesToHuman`.
fn bytes_to_human(n: u64) -> String {
    const K: f64 = 1024.0;
    let d = n as f64;
    match n {
        0..1024 => format!("{n}B"),
        1024..1_048_576 => format!("{:.2}K", d / K),
        1_048_576..1_073_741_824 => format!("{:.2}M", d / (K * K)),
        1_073_741_824..1_099_511_627_776 => format!("{:.2}G", d / (K * K * K)),
        1_099_511_627_776..1_125_899_906_842_624 => format!("{:.2}T", d / (K * K * K * K)),
        1_125_899_906_842_624..1_152_921_504_606_846_976 => {
            format!("{:.2}P", d / (K * K * K * K * K))
        }
        _ => format!("{n}B"),
    }
}

/// The longest prefix of `s` that C's `strtod` would read, as a number (0 when none).
fn strtod_prefix(s: &[u8]) -> f64 {
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_whitespace() {
        i += 1;
    }
    let start = i;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < s.len() && s[i] == b'.' {
        let frac_start = i + 1;
        let mut j = frac_start;
        while j < s.len() && s[j].is_ascii_digit() {
            j += 1;
        }
        digits += j - frac_start;
        i = j;
    }
    if digits == 0 {
        return 0.0;
    }
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        let mut j = i + 1;
        if j < s.len() && (s[j] == b'+' || s[j] == b'-') {
            j += 1;
        }
        let exp_digits = j;
        while j < s.len() && s[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_digits {
            i = j;
        }
    }
    std::str::from_utf8(&s[start..i])
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// C's `atoi`: optional spaces and sign, then digits; 0 when there are none.
fn atoi(s: &[u8]) -> i64 {
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_whitespace() {
        i += 1;
    }
    let neg = i < s.len() && s[i] == b'-';
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        i += 1;
    }
    let mut v: i64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        v = v.saturating_mul(10).saturating_add((s[i] - b'0') as i64);
        i += 1;
    }
    if neg { -v } else { v }
}

// ---------------------------------------------------------------------------------------------
// Open files limit (Redis's adjustOpenFilesLimit)
// ---------------------------------------------------------------------------------------------

/// File descriptors kept for purposes other than clients (Redis's CONFIG_MIN_RESERVED_FDS).
const MIN_RESERVED_FDS: u64 = 32;

/// Makes sure the process may open `maxclients` + 32 files, raising RLIMIT_NOFILE when
/// needed; when the system does not allow it, lowers `maxclients` to what fits and logs why,
/// as Redis does at start-up.
pub fn adjust_open_files_limit(cfg: &mut Config) {
    let maxclients = cfg.maxclients as u64;
    let maxfiles = maxclients + MIN_RESERVED_FDS;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we pass.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == -1 {
        let err = std::io::Error::last_os_error();
        tracing::warn!(
            "Unable to obtain the current NOFILE limit ({err}), assuming 1024 and setting the max clients configuration accordingly."
        );
        let _ = cfg.set("maxclients", &(1024 - MIN_RESERVED_FDS).to_string());
        return;
    }
    let old = limit.rlim_cur;
    if old >= maxfiles {
        return;
    }
    // Redis tries `maxfiles`, then walks down 16 at a time until setrlimit succeeds (setting
    // the soft and the hard limit). The walk is skipped ahead to the first of its values the
    // system can allow (at most the hard limit, or nr_open for a privileged process), which
    // ends on the same value without thousands of failing system calls.
    let mut best = maxfiles;
    let mut last_err = None;
    let try_set = |want: u64| {
        let l = libc::rlimit {
            rlim_cur: want,
            rlim_max: want,
        };
        // SAFETY: setrlimit reads the struct we pass.
        (unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &l) } == 0)
            .then_some(())
            .ok_or_else(std::io::Error::last_os_error)
    };
    let step_below = |from: u64, cap: u64| -> u64 {
        if from <= cap {
            from
        } else {
            from - (from - cap).div_ceil(16) * 16
        }
    };
    let nr_open = std::fs::read_to_string("/proc/sys/fs/nr_open")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(1 << 20);
    let mut caps = vec![limit.rlim_max.max(nr_open), limit.rlim_max].into_iter();
    let mut tries = 0u32;
    while best > old {
        match try_set(best) {
            Ok(()) => break,
            Err(e) => last_err = Some(e),
        }
        if best < 16 {
            best = old;
            break;
        }
        tries += 1;
        best = match caps.next() {
            Some(cap) if step_below(best, cap) < best => step_below(best, cap),
            _ if tries > 100_000 => old,
            _ => best - 16,
        };
    }
    let best = best.max(old);
    if best < maxfiles {
        if best <= MIN_RESERVED_FDS {
            tracing::warn!(
                "Your current 'ulimit -n' of {old} is not enough for the server to start. Please increase your open file limit to at least {maxfiles}. Exiting."
            );
            std::process::exit(1);
        }
        let reduced = best - MIN_RESERVED_FDS;
        let _ = cfg.set("maxclients", &reduced.to_string());
        tracing::warn!(
            "You requested maxclients of {maxclients} requiring at least {maxfiles} max file descriptors."
        );
        if let Some(e) = last_err {
            tracing::warn!(
                "Server can't set maximum open files to {maxfiles} because of OS error: {e}."
            );
        }
        tracing::warn!(
            "Current maximum open files is {best}. maxclients has been reduced to {reduced} to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'."
        );
    } else {
        tracing::info!(
            "Increased maximum number of open files to {maxfiles} (it was originally set to {old})."
        );
    }
}

// ---------------------------------------------------------------------------------------------
// INFO
// ---------------------------------------------------------------------------------------------

/// INFO sections in the order Redis prints them, and whether `INFO` / `INFO default` shows
/// them.
const SECTIONS: &[(&str, bool)] = &[
    ("server", true),
    ("clients", true),
    ("memory", true),
    ("persistence", true),
    ("stats", true),
    ("replication", true),
    ("cpu", true),
    ("modules", true),
    ("commandstats", false),
    ("errorstats", true),
    ("latencystats", false),
    ("cluster", true),
    ("keyspace", true),
];

/// Which sections an INFO call asked for (Redis's `genInfoSectionDict`): no argument or
/// `default` means the default set, `all`/`everything` every section, and any other name
/// that section; unknown names are ignored.
fn wanted_sections(args: &[Bytes]) -> [bool; SECTIONS.len()] {
    let mut want = [false; SECTIONS.len()];
    let mut add_defaults = args.is_empty();
    for a in args {
        let name = a.to_ascii_lowercase();
        match name.as_slice() {
            b"default" => add_defaults = true,
            b"all" | b"everything" => want = [true; SECTIONS.len()],
            _ => {
                if let Some(i) = SECTIONS.iter().position(|(s, _)| s.as_bytes() == name) {
                    want[i] = true;
                }
            }
        }
    }
    if add_defaults {
        for (i, (_, default)) in SECTIONS.iter().enumerate() {
            want[i] |= *default;
        }
    }
    want
}

fn unix_now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// `sysname release machine` from uname(2), as Redis's `os` field.
fn os_name() -> &'static str {
    static OS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    OS.get_or_init(|| {
        // SAFETY: utsname is plain old data; uname fills it with NUL-terminated strings.
        let mut u: libc::utsname = unsafe { std::mem::zeroed() };
        if unsafe { libc::uname(&mut u) } != 0 {
            return std::env::consts::OS.to_string();
        }
        let field = |f: &[libc::c_char]| {
            let bytes: Vec<u8> = f
                .iter()
                .take_while(|&&c| c != 0)
                .map(|&c| c as u8)
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        format!(
            "{} {} {}",
            field(&u.sysname),
            field(&u.release),
            field(&u.machine)
        )
    })
}

fn executable() -> &'static str {
    static EXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    EXE.get_or_init(|| {
        std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    })
}

/// A stable build id derived from our version (Redis derives it from its build).
fn build_id() -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in crate::VERSION
        .bytes()
        .chain(crate::REDIS_COMPAT_VERSION.bytes())
    {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:x}")
}

fn page_size() -> u64 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 { n as u64 } else { 4096 }
}

/// Resident set size from /proc/self/statm (Redis's `zmalloc_get_rss`).
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|v| v.parse::<u64>().ok())
        })
        .map_or(0, |pages| pages * page_size())
}

fn total_system_memory() -> u64 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let pages = unsafe { libc::sysconf(libc::_SC_PHYS_PAGES) };
    if pages > 0 {
        pages as u64 * page_size()
    } else {
        0
    }
}

/// (allocated, active, resident) bytes as the allocator sees them, for the allocator_* fields.
fn allocator_stats(used: u64, rss: u64) -> (u64, u64, u64) {
    match crate::alloc::allocator_stats() {
        Some((a, act, res)) if a > 0 => (a as u64, (act as u64).max(a as u64), res as u64),
        _ => (used, used, rss),
    }
}

/// (user, system) CPU time of `who`, formatted as Redis's `%ld.%06ld`.
fn rusage(who: libc::c_int) -> (String, String) {
    // SAFETY: rusage is plain old data; getrusage fills it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(who, &mut ru) } != 0 {
        return ("0.000000".into(), "0.000000".into());
    }
    let fmt = |tv: libc::timeval| format!("{}.{:06}", tv.tv_sec, tv.tv_usec);
    (fmt(ru.ru_utime), fmt(ru.ru_stime))
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Builds the INFO text for the requested sections.
pub fn info_string(ctx: &Ctx, args: &[Bytes]) -> String {
    let want = wanted_sections(args);
    let mut sections: Vec<String> = Vec::new();
    for (i, (name, _)) in SECTIONS.iter().enumerate() {
        if !want[i] {
            continue;
        }
        let mut s = String::with_capacity(1024);
        match *name {
            "server" => info_server(ctx, &mut s),
            "clients" => info_clients(ctx, &mut s),
            "memory" => info_memory(ctx, &mut s),
            "persistence" => info_persistence(ctx, &mut s),
            "stats" => info_stats(ctx, &mut s),
            "replication" => info_replication(ctx, &mut s),
            "cpu" => info_cpu(&mut s),
            "modules" => s.push_str("# Modules\r\n"),
            "commandstats" => info_commandstats(ctx, &mut s),
            "errorstats" => info_errorstats(ctx, &mut s),
            // Per-command latency percentiles (`crate::ops::info_latencystats`).
            "latencystats" => crate::ops::info_latencystats(ctx.srv, &mut s),
            "cluster" => s.push_str("# Cluster\r\ncluster_enabled:0\r\n"),
            "keyspace" => info_keyspace(ctx, &mut s),
            _ => {}
        }
        sections.push(s);
    }
    sections.join("\r\n")
}

/// Appends `name:value\r\n` lines.
macro_rules! fields {
    ($s:expr, $($name:literal => $val:expr),+ $(,)?) => {
        $( let _ = write!($s, concat!($name, ":{}\r\n"), $val); )+
    };
}

fn info_server(ctx: &Ctx, s: &mut String) {
    let srv = &*ctx.srv;
    let uptime = srv.uptime();
    s.push_str("# Server\r\n");
    fields!(s,
        "redis_version" => crate::REDIS_COMPAT_VERSION,
        "redis_git_sha1" => "00000000",
        "redis_git_dirty" => 0,
        "redis_build_id" => build_id(),
        "redis_mode" => "standalone",
        "os" => os_name(),
        "arch_bits" => usize::BITS,
        "monotonic_clock" => crate::runtime::monotonic::describe(),
        "multiplexing_api" => "io_uring",
        "atomicvar_api" => "c11-builtin",
        "gcc_version" => "0.0.0",
        "process_id" => std::process::id(),
        "process_supervised" => srv.config.supervised_by.unwrap_or("no"),
        "run_id" => srv.run_id,
        "tcp_port" => srv.port,
        "server_time_usec" => unix_now().as_micros(),
        "uptime_in_seconds" => uptime,
        "uptime_in_days" => uptime / 86400,
        "hz" => srv.config.effective_hz(srv.clients.len()),
        "configured_hz" => srv.config.hz,
        "lru_clock" => crate::keyspace::clock::lru_clock(),
        "executable" => executable(),
        "config_file" => srv.config.config_file.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
        "io_threads_active" => 0,
        "uredis_version" => crate::VERSION,
        "io_uring_setup" => srv.ring.description,
    );
}

fn info_clients(ctx: &Ctx, s: &mut String) {
    let srv = &*ctx.srv;
    let mut connected = 0usize;
    let mut max_in = 0usize;
    let mut max_out = 0usize;
    for (_, c) in srv.clients.iter() {
        if c.closing {
            continue;
        }
        connected += 1;
        max_in = max_in.max(c.rbuf.capacity());
        max_out = max_out.max(c.pending_output());
    }
    s.push_str("# Clients\r\n");
    fields!(s,
        "connected_clients" => connected,
        "cluster_connections" => 0,
        "maxclients" => srv.config.maxclients,
        "client_recent_max_input_buffer" => max_in,
        "client_recent_max_output_buffer" => max_out,
        "blocked_clients" => srv.blocking.count + srv.pause.held_count(),
        "tracking_clients" => srv.tracking.clients(),
        "clients_in_timeout_table" => srv.blocking.timeouts_len(),
    );
}

fn info_memory(ctx: &Ctx, s: &mut String) {
    let srv = &*ctx.srv;
    let used = crate::alloc::used_memory() as u64;
    let peak = (crate::alloc::update_peak() as u64).max(used);
    let startup = crate::alloc::startup() as u64;
    let rss = rss_bytes();
    // The same account as MEMORY STATS (family::memory::overhead).
    let mh = super::memory::overhead(srv);
    let (overhead, dataset) = (mh.overhead_total, mh.dataset);
    let net = used.saturating_sub(startup);
    let (alloc_allocated, alloc_active, alloc_resident) = allocator_stats(used, rss);
    let system = total_system_memory();
    let lua_mem = srv.scripting.memory() as u64;
    let functions_vm = srv.scripting.functions_memory() as u64;
    let scripts_eval = srv.scripting.scripts_mem as u64;
    let functions_mem = srv.scripting.functions_code_bytes();
    let maxmemory = srv.config.maxmemory;
    s.push_str("# Memory\r\n");
    fields!(s,
        "used_memory" => used,
        "used_memory_human" => bytes_to_human(used),
        "used_memory_rss" => rss,
        "used_memory_rss_human" => bytes_to_human(rss),
        "used_memory_peak" => peak,
        "used_memory_peak_human" => bytes_to_human(peak),
        "used_memory_peak_perc" => format!("{:.2}%", ratio(used, peak) * 100.0),
        "used_memory_overhead" => overhead,
        "used_memory_startup" => startup,
        "used_memory_dataset" => dataset,
        "used_memory_dataset_perc" => format!("{:.2}%", ratio(dataset, net) * 100.0),
        "allocator_allocated" => alloc_allocated,
        "allocator_active" => alloc_active,
        "allocator_resident" => alloc_resident,
        "total_system_memory" => system,
        "total_system_memory_human" => bytes_to_human(system),
        "used_memory_lua" => lua_mem,
        "used_memory_vm_eval" => lua_mem,
        "used_memory_lua_human" => bytes_to_human(lua_mem),
        "used_memory_scripts_eval" => scripts_eval,
        "number_of_cached_scripts" => srv.scripting.scripts.len(),
        "number_of_functions" => srv.scripting.functions.functions.len(),
        "number_of_libraries" => srv.scripting.functions.libraries.len(),
        "used_memory_vm_functions" => functions_vm,
        "used_memory_vm_total" => lua_mem + functions_vm,
        "used_memory_vm_total_human" => bytes_to_human(lua_mem + functions_vm),
        "used_memory_functions" => functions_mem,
        "used_memory_scripts" => scripts_eval + functions_mem,
        "used_memory_scripts_human" => bytes_to_human(scripts_eval + functions_mem),
        "maxmemory" => maxmemory,
        "maxmemory_human" => bytes_to_human(maxmemory),
        "maxmemory_policy" => srv.config.get("maxmemory-policy").unwrap_or("noeviction"),
        "allocator_frag_ratio" => format!("{:.2}", ratio(alloc_active, alloc_allocated)),
        "allocator_frag_bytes" => alloc_active as i64 - alloc_allocated as i64,
        "allocator_rss_ratio" => format!("{:.2}", ratio(alloc_resident, alloc_active)),
        "allocator_rss_bytes" => alloc_resident as i64 - alloc_active as i64,
        "rss_overhead_ratio" => format!("{:.2}", ratio(rss, alloc_resident)),
        "rss_overhead_bytes" => rss as i64 - alloc_resident as i64,
        "mem_fragmentation_ratio" => format!("{:.2}", ratio(rss, used)),
        "mem_fragmentation_bytes" => rss as i64 - used as i64,
        "mem_not_counted_for_evict" => crate::evict::not_counted(srv),
        "mem_replication_backlog" => mh.repl_backlog,
        "mem_total_replication_buffers" => 0,
        "mem_clients_slaves" => mh.clients_slaves,
        "mem_clients_normal" => mh.clients_normal,
        "mem_cluster_links" => 0,
        "mem_aof_buffer" => ctx.srv.aof.buffered(),
        "mem_allocator" => crate::alloc::ALLOCATOR,
        "active_defrag_running" => 0,
        "lazyfree_pending_objects" => 0,
        "lazyfreed_objects" => 0,
    );
}

fn info_persistence(ctx: &Ctx, s: &mut String) {
    let srv = &*ctx.srv;
    let fork = &srv.children.stats;
    let rdb = &srv.rdb;
    let bgsave_running = srv.children.active_kind() == Some(ChildKind::Rdb);
    let fork_perc = if fork.current_save_keys_total > 0 {
        fork.current_save_keys_processed as f64 * 100.0 / fork.current_save_keys_total as f64
    } else {
        0.0
    };
    let now_s = unix_now().as_secs() as i64;
    s.push_str("# Persistence\r\n");
    fields!(s,
        // Loading happens before the server accepts clients: never seen as in progress.
        "loading" => 0,
        "async_loading" => 0,
        "current_cow_peak" => fork.current_cow_peak,
        "current_cow_size" => fork.current_cow_size,
        "current_cow_size_age" => fork.current_cow_updated.map_or(0, |t| t.elapsed().as_secs()),
        "current_fork_perc" => format!("{fork_perc:.2}"),
        "current_save_keys_processed" => fork.current_save_keys_processed,
        "current_save_keys_total" => fork.current_save_keys_total,
        "rdb_changes_since_last_save" => srv.dirty,
        "rdb_bgsave_in_progress" => bgsave_running as u8,
        "rdb_last_save_time" => rdb.lastsave,
        "rdb_last_bgsave_status" => if rdb.lastbgsave_ok { "ok" } else { "err" },
        "rdb_last_bgsave_time_sec" => rdb.save_time_last,
        "rdb_current_bgsave_time_sec" => if bgsave_running { now_s - rdb.save_time_start } else { -1 },
        "rdb_saves" => rdb.saves,
        "rdb_last_cow_size" => rdb.last_cow_size,
        "rdb_last_load_keys_expired" => rdb.last_load_keys_expired,
        "rdb_last_load_keys_loaded" => rdb.last_load_keys_loaded,
    );
    crate::persist::aof::info_fields(srv, s);
}

fn info_stats(ctx: &Ctx, s: &mut String) {
    let srv = &*ctx.srv;
    let st = &srv.stats;
    s.push_str("# Stats\r\n");
    fields!(s,
        "total_connections_received" => st.total_connections,
        "total_commands_processed" => st.total_commands,
        "instantaneous_ops_per_sec" => st.ops_meter.rate() as i64,
        "total_net_input_bytes" => st.net_input_bytes,
        "total_net_output_bytes" => st.net_output_bytes,
        "total_net_repl_input_bytes" => 0,
        "total_net_repl_output_bytes" => 0,
        "instantaneous_input_kbps" => format!("{:.2}", st.net_in_meter.rate() / 1024.0),
        "instantaneous_output_kbps" => format!("{:.2}", st.net_out_meter.rate() / 1024.0),
        "instantaneous_input_repl_kbps" => "0.00",
        "instantaneous_output_repl_kbps" => "0.00",
        "rejected_connections" => st.rejected_connections,
        "sync_full" => srv.repl.sync_full,
        "sync_partial_ok" => srv.repl.sync_partial_ok,
        "sync_partial_err" => srv.repl.sync_partial_err,
        "expired_keys" => srv.expired_keys(),
        "expired_stale_perc" => "0.00",
        "expired_time_cap_reached_count" => 0,
        "expire_cycle_cpu_milliseconds" => st.expire_cycle_us / 1000,
        "evicted_keys" => srv.evict.evicted_keys,
        "evicted_clients" => 0,
        "total_eviction_exceeded_time" => srv.evict.total_exceeded_ms(),
        "current_eviction_exceeded_time" => srv.evict.current_exceeded_ms(),
        "keyspace_hits" => st.keyspace_hits,
        "keyspace_misses" => st.keyspace_misses,
        "pubsub_channels" => srv.pubsub.channel_count(),
        "pubsub_patterns" => srv.pubsub.pattern_count(),
        "pubsubshard_channels" => srv.pubsub.shard_channel_count(),
        "latest_fork_usec" => srv.children.stats.latest_fork_usec,
        "total_forks" => srv.children.stats.total_forks,
        "migrate_cached_sockets" => srv.migrate_sockets.len(),
        "slave_expires_tracked_keys" => 0,
        "active_defrag_hits" => 0,
        "active_defrag_misses" => 0,
        "active_defrag_key_hits" => 0,
        "active_defrag_key_misses" => 0,
        "total_active_defrag_time" => 0,
        "current_active_defrag_time" => 0,
        "tracking_total_keys" => srv.tracking.total_keys(),
        "tracking_total_items" => srv.tracking.total_items() as usize,
        "tracking_total_prefixes" => srv.tracking.total_prefixes(),
        "unexpected_error_replies" => 0,
        "total_error_replies" => st.total_error_replies,
        "dump_payload_sanitizations" => 0,
        "total_reads_processed" => st.reads_processed,
        "total_writes_processed" => st.writes_processed,
        "io_threaded_reads_processed" => 0,
        "io_threaded_writes_processed" => 0,
        "reply_buffer_shrinks" => 0,
        "reply_buffer_expands" => 0,
    );
}

fn info_replication(ctx: &Ctx, s: &mut String) {
    crate::repl::info(ctx.srv, s);
}

fn info_cpu(s: &mut String) {
    let (user, sys) = rusage(libc::RUSAGE_SELF);
    let (cuser, csys) = rusage(libc::RUSAGE_CHILDREN);
    let (tuser, tsys) = rusage(libc::RUSAGE_THREAD);
    s.push_str("# CPU\r\n");
    fields!(s,
        "used_cpu_sys" => sys,
        "used_cpu_user" => user,
        "used_cpu_sys_children" => csys,
        "used_cpu_user_children" => cuser,
        "used_cpu_sys_main_thread" => tsys,
        "used_cpu_user_main_thread" => tuser,
    );
}

fn info_commandstats(ctx: &Ctx, s: &mut String) {
    s.push_str("# Commandstats\r\n");
    let stats = &ctx.srv.stats.commands;
    let mut write_one = |name: &str| {
        let Some(c) = stats.get(name) else {
            return;
        };
        if c.calls == 0 && c.failed == 0 && c.rejected == 0 {
            return;
        }
        let per_call = if c.calls == 0 {
            0.0
        } else {
            c.usec as f64 / c.calls as f64
        };
        let _ = write!(
            s,
            "cmdstat_{name}:calls={},usec={},usec_per_call={per_call:.2},rejected_calls={},failed_calls={}\r\n",
            c.calls, c.usec, c.rejected, c.failed
        );
    };
    for cmd in crate::cmd::table::all() {
        write_one(cmd.name);
        for sub in cmd.subcommands {
            write_one(sub.name);
        }
    }
}

fn info_errorstats(ctx: &Ctx, s: &mut String) {
    s.push_str("# Errorstats\r\n");
    let mut codes: Vec<(&String, &u64)> = ctx.srv.stats.errors.iter().collect();
    codes.sort();
    for (code, n) in codes {
        let _ = write!(s, "errorstat_{code}:count={n}\r\n");
    }
}

fn info_keyspace(ctx: &Ctx, s: &mut String) {
    s.push_str("# Keyspace\r\n");
    for (i, db) in ctx.srv.dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        let _ = write!(
            s,
            "db{i}:keys={},expires={},avg_ttl={}\r\n",
            db.len(),
            db.expires_len(),
            db.avg_ttl
        );
    }
}

/// INFO [section [section ...]]
fn cmd_info(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let text = info_string(ctx, &argv[1..]);
    ctx.out.verbatim(text.as_bytes());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// CONFIG
// ---------------------------------------------------------------------------------------------

/// CONFIG GET parameter [parameter ...]
///
/// A name without glob characters is looked up directly and answered under the name as typed
/// (`CONFIG GET HZ` answers `HZ`); a pattern matches every parameter and alias. Each
/// parameter is reported once.
fn cmd_config_get(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let seen = |pairs: &[(String, String)], name: &str| {
        pairs.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    for pat in &argv[2..] {
        if !pat.iter().any(|c| matches!(c, b'[' | b'*' | b'?')) {
            let Ok(name) = std::str::from_utf8(pat) else {
                continue;
            };
            if seen(&pairs, name) {
                continue;
            }
            if let Some(value) = ctx.srv.config.get(name) {
                pairs.push((name.to_string(), value.to_string()));
            }
            continue;
        }
        for (name, value) in ctx.srv.config.matching(pat) {
            if !seen(&pairs, name) {
                pairs.push((name.to_string(), value.to_string()));
            }
        }
    }
    ctx.out.map(pairs.len());
    for (n, v) in pairs {
        ctx.out.bulk(n.as_bytes());
        ctx.out.bulk(v.as_bytes());
    }
    Ok(())
}

/// CONFIG SET parameter value [parameter value ...]
///
/// All or nothing, as in Redis 7.0: every name is checked first (unknown, immutable,
/// protected, duplicate), then every value is set; if any value is rejected, or applying the
/// new values fails, the previous configuration is restored.
fn cmd_config_set(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if !argv.len().is_multiple_of(2) {
        return Err(Error::Syntax);
    }
    let pairs: Vec<(&Bytes, &Bytes)> = argv[2..].chunks_exact(2).map(|p| (&p[0], &p[1])).collect();
    // (parameter, named by its alias): Redis registers an alias as its own entry, so
    // `hash-max-ziplist-entries 1 hash-max-listpack-entries 2` is no duplicate (the last wins).
    let mut chosen: Vec<(usize, bool)> = Vec::with_capacity(pairs.len());
    let mut invalid_name: Option<String> = None;
    let mut failure: Option<(String, &str)> = None;
    for (name, _) in &pairs {
        let typed = String::from_utf8_lossy(name).into_owned();
        let Some(i) = config::index(&typed) else {
            if invalid_name.is_none() && failure.is_none() {
                invalid_name = Some(typed);
            }
            continue;
        };
        if invalid_name.is_some() || failure.is_some() {
            continue;
        }
        let param = &PARAMS[i];
        if param.immutable {
            failure = Some((typed, "can't set immutable config"));
            continue;
        }
        if param.protected && !protected_action_allowed(ctx, "enable-protected-configs") {
            failure = Some((typed, "can't set protected config"));
            continue;
        }
        let entry = (i, !param.name.eq_ignore_ascii_case(&typed));
        if chosen.contains(&entry) {
            failure = Some((typed, "duplicate parameter"));
            continue;
        }
        chosen.push(entry);
    }
    if let Some(name) = invalid_name {
        return Err(Error::err(format_args!(
            "Unknown option or number of arguments for CONFIG SET - '{name}'"
        )));
    }
    if let Some((name, reason)) = failure {
        return Err(config_set_failed(&name, reason));
    }

    let backup = ctx.srv.config.clone();
    for (name, value) in &pairs {
        let name = String::from_utf8_lossy(name);
        let value = String::from_utf8_lossy(value);
        if let Err(reason) = ctx.srv.config.set(&name, &value) {
            ctx.srv.config = backup;
            // Named as the table names it (an alias stays the alias), lower case.
            return Err(config_set_failed(&canonical_name(&name), &reason));
        }
    }
    if let Err((name, reason)) = apply_config_changes(ctx, &backup) {
        tracing::warn!(
            "Failed applying new configuration. Possibly related to new {name} setting. Restoring previous settings."
        );
        // Put the old values back and undo what was already applied (loglevel, limits).
        let attempted = std::mem::replace(&mut ctx.srv.config, backup);
        let _ = apply_config_changes(ctx, &attempted);
        return Err(config_set_failed(name, &reason));
    }
    if let Some(i) = config::index("maxmemory")
        && chosen.iter().any(|&(c, _)| c == i)
        && ctx.srv.config.maxmemory != 0
    {
        // Redis's updateMaxmemory: a limit under the current usage evicts at once.
        let used = crate::alloc::used_memory().saturating_sub(crate::evict::not_counted(ctx.srv));
        if ctx.srv.config.maxmemory < used as u64 {
            tracing::warn!(
                "WARNING: the new maxmemory value set via CONFIG SET ({}) is smaller than the current memory usage ({}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.",
                ctx.srv.config.maxmemory,
                used
            );
        }
        crate::evict::perform(ctx.srv);
    }
    if let Some(i) = config::index("requirepass")
        && chosen.iter().any(|&(c, _)| c == i)
    {
        // Like Redis's updateRequirePass: the default user's passwords follow the setting.
        crate::acl::requirepass_changed(ctx.srv);
    }
    ctx.out.ok();
    Ok(())
}

fn config_set_failed(name: &str, reason: &str) -> Error {
    Error::err(format_args!(
        "CONFIG SET failed (possibly related to argument '{name}') - {reason}"
    ))
}

/// The table's spelling of a parameter name or alias, as Redis names it in errors.
fn canonical_name(typed: &str) -> String {
    for p in PARAMS {
        if p.name.eq_ignore_ascii_case(typed) {
            return p.name.to_string();
        }
        if let Some(a) = p.alias
            && a.eq_ignore_ascii_case(typed)
        {
            return a.to_string();
        }
    }
    typed.to_ascii_lowercase()
}

/// Acts on the parameters that need more than a new value in `srv.config` (Redis's apply
/// functions). Most are read live from `srv.config`: hz, timeout, tcp-keepalive,
/// proto-max-bulk-len, client-query-buffer-limit, activerehashing, active-expire-effort.
fn apply_config_changes(ctx: &mut Ctx, old: &Config) -> Result<(), (&'static str, String)> {
    crate::net::tls::reconfigure(&mut ctx.srv.tls, &ctx.srv.config, old)?;
    crate::persist::aof::config_changed(ctx.srv, old).map_err(|e| ("appendonly", e))?;
    let cfg = &mut ctx.srv.config;
    if cfg.loglevel != old.loglevel {
        config::apply_loglevel(&cfg.loglevel);
    }
    if cfg.maxclients != old.maxclients {
        let wanted = cfg.maxclients;
        adjust_open_files_limit(cfg);
        if cfg.maxclients != wanted {
            return Err((
                "maxclients",
                format!(
                    "The operating system is not able to handle the specified number of clients, try with {}",
                    cfg.maxclients
                ),
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// CONFIG REWRITE (Redis's rewriteConfig)
// ---------------------------------------------------------------------------------------------

const REWRITE_SIGNATURE: &str = "# Generated by CONFIG REWRITE";

/// The old file, line by line, and where each option appears in it.
struct RewriteState {
    lines: Vec<String>,
    /// Option (primary name) -> line numbers still available for it, first first.
    option_lines: std::collections::HashMap<String, std::collections::VecDeque<usize>>,
    /// Options the rewrite handled: their unused old lines are blanked at the end.
    rewritten: std::collections::HashSet<String>,
    needs_signature: bool,
}

impl RewriteState {
    /// Reads `path`; a missing file is an empty one.
    fn read(path: &std::path::Path) -> std::io::Result<RewriteState> {
        let mut st = RewriteState {
            lines: Vec::new(),
            option_lines: Default::default(),
            rewritten: Default::default(),
            needs_signature: true,
        };
        let text = match std::fs::read(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(st),
            Err(e) => return Err(e),
        };
        if text.is_empty() {
            return Ok(st);
        }
        for raw in text.split(|&c| c == b'\n') {
            let line = String::from_utf8_lossy(raw.trim_ascii()).into_owned();
            if line.is_empty() || line.starts_with('#') {
                if line == REWRITE_SIGNATURE {
                    st.needs_signature = false;
                }
                st.lines.push(line);
                continue;
            }
            let mut spans = Vec::new();
            let parsed = crate::protocol::parse::split_args(line.as_bytes(), &mut spans).is_ok();
            let name = spans.first().map(|a| match a {
                crate::protocol::Arg::Span(s, e) => line[*s..*e].to_ascii_lowercase(),
                crate::protocol::Arg::Owned(v) => String::from_utf8_lossy(v).to_ascii_lowercase(),
            });
            let known = name.as_deref().and_then(config::index);
            let Some(name) =
                name.filter(|n| parsed && (known.is_some() || n == "include" || n == "user"))
            else {
                // Unparsable, or an option that no longer exists: kept, as a comment.
                st.lines.push(format!("# ??? {line}"));
                continue;
            };
            // An alias (`hash-max-ziplist-entries`) counts as its primary name.
            let option = known.map_or(name, |i| PARAMS[i].name.to_string());
            st.option_lines
                .entry(option)
                .or_default()
                .push_back(st.lines.len());
            st.lines.push(line);
        }
        Ok(st)
    }

    /// Puts `line` where `option` was (its next unused old line), or appends it when the
    /// option was not in the file and `force` says it must be written (non-default value).
    fn rewrite_line(&mut self, option: &str, line: String, force: bool) {
        self.rewritten.insert(option.to_string());
        if let Some(at) = self
            .option_lines
            .get_mut(option)
            .and_then(|l| l.pop_front())
        {
            self.lines[at] = line;
        } else if force {
            if self.needs_signature {
                self.lines.push(REWRITE_SIGNATURE.to_string());
                self.needs_signature = false;
            }
            self.lines.push(line);
        }
    }

    /// Blanks the old lines of rewritten options that were not reused, and joins the lines,
    /// squeezing runs of empty lines into one.
    fn content(mut self) -> String {
        for (option, lines) in &self.option_lines {
            if self.rewritten.contains(option) {
                for &at in lines {
                    self.lines[at].clear();
                }
            }
        }
        let mut out = String::new();
        let mut was_empty = false;
        for l in &self.lines {
            if l.is_empty() {
                if was_empty {
                    continue;
                }
                was_empty = true;
            } else {
                was_empty = false;
            }
            out.push_str(l);
            out.push('\n');
        }
        out
    }
}

/// Redis's `rewriteConfigFormatMemory`: the largest of gb/mb/kb that divides the value.
fn format_memory(bytes: u64) -> String {
    const KB: u64 = 1024;
    match bytes {
        0 => "0".into(),
        b if b.is_multiple_of(KB * KB * KB) => format!("{}gb", b / (KB * KB * KB)),
        b if b.is_multiple_of(KB * KB) => format!("{}mb", b / (KB * KB)),
        b if b.is_multiple_of(KB) => format!("{}kb", b / KB),
        b => b.to_string(),
    }
}

/// Redis's `sdscatrepr`: a double-quoted string with C escapes.
fn quote_repr(s: &str) -> String {
    let mut out = String::from("\"");
    for &b in s.as_bytes() {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            7 => out.push_str("\\a"),
            8 => out.push_str("\\b"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
    out
}

/// The new configuration file text for `cfg`, keeping the structure and comments of the old
/// file at `path`.
fn rewrite_config_text(
    cfg: &Config,
    acl: &crate::acl::Acl,
    path: &std::path::Path,
) -> std::io::Result<String> {
    let mut st = RewriteState::read(path)?;
    for p in PARAMS {
        let name = p.name;
        let value = cfg.get(name).unwrap_or(p.default);
        match (name, p.kind) {
            ("dir", _) => {
                // Always written, as an absolute path.
                let cwd = std::env::current_dir().map(|d| d.display().to_string());
                match cwd {
                    Ok(d) => st.rewrite_line(name, format!("dir {}", quote_repr(&d)), true),
                    Err(_) => {
                        st.rewritten.insert(name.to_string());
                    }
                }
            }
            ("bind", _) => {
                if value == p.default {
                    st.rewritten.insert(name.to_string());
                } else {
                    st.rewrite_line(name, format!("bind {value}"), true);
                }
            }
            ("notify-keyspace-events", _) => {
                let line = format!("{name} {}", quote_repr(value));
                st.rewrite_line(name, line, !value.is_empty());
            }
            (_, config::Kind::ReplicaOf) if value.is_empty() => {
                // No master: every replicaof line of the old file goes (Redis's
                // rewriteConfigReplicaOfOption).
                st.rewritten.insert(name.to_string());
            }
            (_, config::Kind::Percentiles) => {
                // Always written, "" for none, so a reload never falls back to the defaults.
                let v = if value.is_empty() { "\"\"" } else { value };
                st.rewrite_line(name, format!("{name} {v}"), true);
            }
            (_, config::Kind::Save) => {
                let nums: Vec<&str> = value.split_ascii_whitespace().collect();
                if nums.is_empty() {
                    st.rewrite_line(name, "save \"\"".into(), true);
                }
                for pair in nums.chunks(2) {
                    st.rewrite_line(name, format!("save {}", pair.join(" ")), true);
                }
                st.rewritten.insert(name.to_string());
            }
            (_, config::Kind::OutputLimit) => {
                let defaults: Vec<&str> = p.default.split_ascii_whitespace().collect();
                let current: Vec<&str> = value.split_ascii_whitespace().collect();
                for (class, default) in current.chunks(4).zip(defaults.chunks(4)) {
                    let [c, hard, soft, secs] = class else {
                        continue;
                    };
                    let mem = |v: &str| format_memory(v.parse().unwrap_or(0));
                    let c = if *c == "slave" { "replica" } else { c };
                    let line = format!("{name} {c} {} {} {secs}", mem(hard), mem(soft));
                    st.rewrite_line(name, line, class[1..] != default[1..]);
                }
            }
            (_, config::Kind::Mem(..)) => {
                let line = format!("{name} {}", format_memory(value.parse().unwrap_or(0)));
                st.rewrite_line(name, line, value != p.default);
            }
            (_, config::Kind::Str) => {
                let line = format!("{name} {}", quote_repr(value));
                st.rewrite_line(name, line, value != p.default);
            }
            _ => {
                st.rewrite_line(name, format!("{name} {value}"), value != p.default);
            }
        }
    }
    // Users (Redis's rewriteConfigUserOption): written here unless an ACL file holds them;
    // either way the old `user` lines go.
    if cfg.get("aclfile").is_none_or(|f| f.is_empty()) {
        for &slot in acl.names.values() {
            let u = &acl.users[slot];
            let line = format!(
                "user {} {}",
                String::from_utf8_lossy(&u.name),
                String::from_utf8_lossy(&u.describe())
            );
            st.rewrite_line("user", line, true);
        }
    }
    st.rewritten.insert("user".to_string());
    Ok(st.content())
}

/// Replaces `path` with `content` atomically: a temporary file beside it, fsync, rename,
/// fsync of the directory.
fn overwrite_file(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt as _;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = std::path::PathBuf::from(tmp);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
        f.sync_all()?;
        // SAFETY: umask has no memory-safety preconditions; set it back at once.
        let mask = unsafe {
            let m = libc::umask(0);
            libc::umask(m);
            m
        };
        f.set_permissions(std::fs::Permissions::from_mode(0o644 & !(mask as u32)))?;
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent() {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// C's `strerror` text for an I/O error (Redis puts it in its replies).
pub(crate) fn strerror(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        // SAFETY: strerror returns a pointer to a NUL-terminated static (or thread-local)
        // string, copied out at once.
        Some(code) => unsafe { std::ffi::CStr::from_ptr(libc::strerror(code)) }
            .to_string_lossy()
            .into_owned(),
        None => e.to_string(),
    }
}

/// CONFIG REWRITE: writes the running configuration into the config file the server was
/// started with, keeping its comments and layout; options at their default value are only
/// written if the file already mentions them.
fn cmd_config_rewrite(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let Some(path) = ctx.srv.config.config_file.clone() else {
        return Err(Error::Msg(
            "ERR The server is running without a config file",
        ));
    };
    let result = rewrite_config_text(&ctx.srv.config, &ctx.srv.acl, &path)
        .and_then(|t| overwrite_file(&path, &t));
    match result {
        Ok(()) => {
            tracing::info!("CONFIG REWRITE executed with success.");
            ctx.out.ok();
            Ok(())
        }
        Err(e) => {
            let reason = strerror(&e);
            tracing::warn!("CONFIG-REWRITE failed: {reason}");
            Err(Error::err(format_args!("Rewriting config file: {reason}")))
        }
    }
}

/// CONFIG RESETSTAT: zeroes INFO stats, commandstats and errorstats.
fn cmd_config_resetstat(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.srv.stats.reset();
    ctx.srv.children.stats.latest_fork_usec = 0;
    ctx.srv.children.stats.total_forks = 0;
    ctx.srv.rdb.saves = 0;
    for db in &mut ctx.srv.dbs {
        db.expired_keys = 0;
    }
    ctx.srv.evict.reset_stats();
    ctx.out.ok();
    Ok(())
}

/// CONFIG HELP
fn cmd_config_help(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    reply_help(
        ctx.out,
        &argv[0],
        &[
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
        ],
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// TIME, DEBUG, SHUTDOWN
// ---------------------------------------------------------------------------------------------

/// TIME: [unix seconds, microseconds] as bulk strings.
fn cmd_time(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let now = unix_now();
    ctx.out.array(2);
    ctx.out.bulk_int(now.as_secs() as i64);
    ctx.out.bulk_int(now.subsec_micros() as i64);
    Ok(())
}

const DEBUG_HELP: &[&str] = &[
    "LOG <message>",
    "    Write <message> to the server log.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, but",
    "      conflicting keys will generate an exception and kill the server.",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "    Examples:",
    "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
    "      the database.",
    "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
    "      existing RDB file.",
    "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
    "      file to the database.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
];

/// DEBUG SLEEP seconds | SET-ACTIVE-EXPIRE 0|1 | LOG message | RELOAD [MERGE] [NOFLUSH] [NOSAVE] | HELP
///
/// Allowed only as `enable-debug-command` says (`no` by default, like Redis): the dispatcher
/// checks it (`cmd::precheck`).
fn cmd_debug(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // (`enable-debug-command` is checked by the dispatcher: DEBUG is PROTECTED.)
    let sub = argv[1].to_ascii_lowercase();
    match (sub.as_slice(), argv.len()) {
        (b"help", 2) => reply_help(ctx.out, &argv[0], DEBUG_HELP),
        (b"sleep", 3) => {
            // Blocks the whole server, as in Redis: that is the point of the command.
            let secs = strtod_prefix(&argv[2]);
            let usec = (secs * 1_000_000.0) as i64;
            if usec > 0 {
                std::thread::sleep(Duration::from_micros(usec as u64));
            }
            crate::keyspace::clock::update();
            ctx.out.ok();
        }
        (b"reload", _) => {
            let mut o = snapshot::Reload {
                save: true,
                flush: true,
                merge: false,
            };
            for opt in &argv[2..] {
                match opt.to_ascii_lowercase().as_slice() {
                    b"nosave" => o.save = false,
                    b"noflush" => o.flush = false,
                    b"merge" => o.merge = true,
                    _ => {
                        return Err(Error::Msg(
                            "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.",
                        ));
                    }
                }
            }
            snapshot::debug_reload(ctx.srv, o).map_err(Error::Msg)?;
            ctx.out.ok();
        }
        (b"set-active-expire", 3) => {
            ctx.srv.active_expire_enabled = atoi(&argv[2]) != 0;
            ctx.out.ok();
        }
        (b"log", 3) => {
            tracing::warn!("DEBUG LOG: {}", String::from_utf8_lossy(&argv[2]));
            ctx.out.ok();
        }
        // uredis only, for tests of propagation until replication and the AOF consume it:
        // `DEBUG PROPAGATED ON|OFF` starts/stops recording what would be propagated;
        // `DEBUG PROPAGATED` replies the recorded commands (each "db argv...") and clears them.
        (b"propagated", 3) => {
            let on = argv[2].eq_ignore_ascii_case(b"on");
            ctx.srv.propagation.log = on.then(Vec::new);
            ctx.out.ok();
        }
        (b"propagated", 2) => {
            let log = ctx.srv.propagation.log.as_mut().map(std::mem::take);
            let log = log.unwrap_or_default();
            ctx.out.array(log.len());
            for (db, cmd) in log {
                let mut line = db.to_string().into_bytes();
                for a in cmd {
                    line.push(b' ');
                    line.extend_from_slice(&a);
                }
                ctx.out.bulk(&line);
            }
        }
        _ => {
            return Err(crate::cmd::subcommand_syntax_error(argv));
        }
    }
    Ok(())
}

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
///
/// On success nothing is replied: the server closes every connection and exits. The final
/// save (with save points unless NOSAVE, or with SAVE) runs here, synchronously, as in Redis;
/// if it fails without FORCE the shutdown is cancelled with Redis's error.
fn cmd_shutdown(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut flags = ShutdownFlags::default();
    let mut abort = false;
    for a in &argv[1..] {
        match a.to_ascii_lowercase().as_slice() {
            b"nosave" => flags.nosave = true,
            b"save" => flags.save = true,
            b"now" => flags.now = true,
            b"force" => flags.force = true,
            b"abort" => abort = true,
            _ => return Err(Error::Syntax),
        }
    }
    if (abort && flags != ShutdownFlags::default()) || (flags.nosave && flags.save) {
        return Err(Error::Syntax);
    }
    if abort {
        // A shutdown never waits (no replicas to catch up), so none is ever in progress.
        return Err(Error::Msg("ERR No shutdown in progress."));
    }
    // While a script is past busy-reply-threshold only SHUTDOWN NOSAVE may end the server.
    if !flags.nosave
        && let Some(run) = ctx.srv.scripting.run.as_ref().filter(|r| r.timed_out)
    {
        return Err(Error::Msg(if run.eval {
            crate::script::BUSY_ERROR
        } else {
            crate::script::BUSY_FUNCTION_ERROR
        }));
    }
    if !ctx.srv.prepare_for_shutdown(flags) {
        return Err(Error::Msg("ERR Errors trying to SHUTDOWN. Check logs."));
    }
    ctx.srv.shutdown = Some(Shutdown::Ready);
    // Nothing after SHUTDOWN runs: stop executing this client's pipeline.
    if let Some(c) = ctx.srv.clients.get_mut(ctx.cid) {
        c.flags |= crate::net::client::flag::CLOSE_ASAP;
    }
    Ok(())
}

/// SAVE: a blocking save in the server process.
fn cmd_save(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if ctx.srv.children.active_kind() == Some(ChildKind::Rdb) {
        return Err(Error::Msg("ERR Background save already in progress"));
    }
    ctx.srv.rdb.saves += 1;
    if snapshot::rdb_save(ctx.srv) {
        ctx.out.ok();
        Ok(())
    } else {
        Err(Error::Msg("ERR"))
    }
}

/// BGSAVE [SCHEDULE]: a forked child writes the snapshot while the server keeps serving.
fn cmd_bgsave(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let schedule = match argv.len() {
        1 => false,
        2 if argv[1].eq_ignore_ascii_case(b"schedule") => true,
        _ => return Err(Error::Syntax),
    };
    let in_exec = ctx.srv.exec_depth > 0;
    if ctx.srv.children.active_kind() == Some(ChildKind::Rdb) {
        Err(Error::Msg("ERR Background save already in progress"))
    } else if ctx.srv.children.has_active() || in_exec {
        if schedule || in_exec {
            ctx.srv.rdb.bgsave_scheduled = true;
            ctx.out.simple(b"Background saving scheduled");
            Ok(())
        } else {
            Err(Error::Msg(
                "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
            ))
        }
    } else if snapshot::bgsave(ctx.srv).is_some() {
        ctx.out.simple(b"Background saving started");
        Ok(())
    } else {
        Err(Error::Msg("ERR"))
    }
}

/// BGREWRITEAOF: rewrite the append-only file in a forked child (Redis's
/// `bgrewriteaofCommand`); scheduled when another child (BGSAVE) runs or inside EXEC.
fn cmd_bgrewriteaof(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let srv = &mut *ctx.srv;
    if srv.children.active_kind() == Some(ChildKind::Aof) {
        Err(Error::Msg(
            "ERR Background append only file rewriting already in progress",
        ))
    } else if srv.children.has_active() || srv.exec_depth > 0 {
        srv.aof.rewrite_scheduled = true;
        // A manual request may run at once, whatever the earlier failures.
        srv.aof.consecutive_failures = 0;
        ctx.out
            .simple(b"Background append only file rewriting scheduled");
        Ok(())
    } else if crate::persist::aof::start_rewrite(srv).is_ok() {
        ctx.out
            .simple(b"Background append only file rewriting started");
        Ok(())
    } else {
        Err(Error::Msg(
            "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
        ))
    }
}

/// LASTSAVE: Unix time of the last successful save.
fn cmd_lastsave(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.int(ctx.srv.rdb.lastsave);
    Ok(())
}

static CONFIG_SUBCOMMANDS: &[Command] = &[
    Command::new(
        "config|get",
        -3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        NO_KEYS,
        cmd_config_get,
    ),
    Command::new(
        "config|set",
        -4,
        ADMIN | NOSCRIPT | LOADING | STALE,
        NO_KEYS,
        cmd_config_set,
    ),
    Command::new(
        "config|resetstat",
        2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        NO_KEYS,
        cmd_config_resetstat,
    ),
    Command::new("config|help", 2, LOADING | STALE, NO_KEYS, cmd_config_help),
    Command::new(
        "config|rewrite",
        2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        NO_KEYS,
        cmd_config_rewrite,
    ),
];

pub static COMMANDS: &[Command] = &[
    Command::container("config", -2, 0, CONFIG_SUBCOMMANDS),
    Command::new("info", -1, LOADING | STALE, NO_KEYS, cmd_info),
    Command::new("time", 1, LOADING | STALE | FAST, NO_KEYS, cmd_time),
    Command::new(
        "debug",
        -2,
        ADMIN | NOSCRIPT | LOADING | STALE | PROTECTED,
        NO_KEYS,
        cmd_debug,
    ),
    Command::new(
        "save",
        1,
        NO_ASYNC_LOADING | ADMIN | NOSCRIPT | NO_MULTI,
        NO_KEYS,
        cmd_save,
    ),
    Command::new(
        "bgsave",
        -1,
        NO_ASYNC_LOADING | ADMIN | NOSCRIPT,
        NO_KEYS,
        cmd_bgsave,
    ),
    Command::new("lastsave", 1, LOADING | STALE | FAST, NO_KEYS, cmd_lastsave),
    Command::new(
        "bgrewriteaof",
        1,
        NO_ASYNC_LOADING | ADMIN | NOSCRIPT,
        NO_KEYS,
        cmd_bgrewriteaof,
    ),
    Command::new(
        "shutdown",
        -1,
        ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY,
        NO_KEYS,
        cmd_shutdown,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        assert_eq!(bytes_to_human(0), "0B");
        assert_eq!(bytes_to_human(1023), "1023B");
        assert_eq!(bytes_to_human(965_904), "943.27K");
        assert_eq!(bytes_to_human(12_292_096), "11.72M");
        assert_eq!(bytes_to_human(25_276_063_744), "23.54G");
    }

    #[test]
    fn c_number_prefixes() {
        assert_eq!(strtod_prefix(b"0.5"), 0.5);
        assert_eq!(strtod_prefix(b" 2xyz"), 2.0);
        assert_eq!(strtod_prefix(b"abc"), 0.0);
        assert_eq!(strtod_prefix(b"1e-3"), 0.001);
        assert_eq!(strtod_prefix(b"1e"), 1.0);
        assert_eq!(strtod_prefix(b".25s"), 0.25);
        assert_eq!(strtod_prefix(b"-"), 0.0);
        assert_eq!(atoi(b"2"), 2);
        assert_eq!(atoi(b"abc"), 0);
        assert_eq!(atoi(b" -1x"), -1);
    }

    #[test]
    fn sections() {
        let d = wanted_sections(&[]);
        assert!(d[0] && !d[8]);
        let all = wanted_sections(&[Bytes::from_static(b"ALL")]);
        assert!(all.iter().all(|&w| w));
        let some = wanted_sections(&[Bytes::from_static(b"cpu"), Bytes::from_static(b"nosuch")]);
        assert_eq!(some.iter().filter(|&&w| w).count(), 1);
    }
}
