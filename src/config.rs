//! Configuration: the parameter table (Redis 7.0.15's names, aliases, defaults and value
//! syntax), the redis.conf-style file reader, `--name value` command-line overrides, and the
//! typed view the server reads on its hot paths.
//!
//! One table drives everything: the config file, the command line, `CONFIG GET` (glob patterns)
//! and `CONFIG SET`. Values are kept in Redis's canonical text form (memory sizes in bytes,
//! booleans as yes/no), and typed fields are re-derived after every change.
//!
//! Invariants:
//! - Every parameter of Redis 7.0.15 is in `PARAMS` (hidden ones included), so any redis.conf
//!   Redis accepts is read here with the same syntax checks and the same error texts.
//! - No setting is accepted and ignored: each parameter says whether uredis implements what it
//!   controls (`Support`). A parameter whose feature is missing (`Support::No`) accepts only its
//!   default value, from a file, the command line or CONFIG SET; any other value is refused with
//!   "'<name>' is not supported by uredis yet".

use std::path::{Path, PathBuf};

use crate::keyspace::glob;
use crate::protocol::{Arg, parse::split_args};

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Bool,
    Int(i64, i64),
    Mem(u64, u64),
    Enum(&'static [&'static str]),
    Str,
    /// `save`: pairs of "<seconds> <changes>", or empty.
    Save,
    /// `bind`: one or more addresses.
    List,
    /// `client-output-buffer-limit`: class hard soft seconds, repeated.
    OutputLimit,
    /// `notify-keyspace-events`: flag letters.
    Flags,
    /// An integer read in base 8 and printed in base 8 (`unixsocketperm`).
    Octal(i64, i64),
    /// A memory value, or a percentage `N%` stored as `-N` (`maxmemory-clients`).
    MemPercent(i64, i64),
    /// `shutdown-on-sigint` / `shutdown-on-sigterm`: `default`, or any of save, nosave, now,
    /// force.
    SigFlags,
    /// `oom-score-adj-values`: three integers in -2000..=2000.
    OomValues,
    /// `latency-tracking-info-percentiles`: doubles in 0..=100, possibly none.
    Percentiles,
    /// `replicaof` / `slaveof`: `<host> <port>`, or `no one` (printed as "").
    ReplicaOf,
}

/// Whether uredis implements what a parameter controls. This is the one field to change when a
/// feature arrives (`No` -> `Yes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Implemented: every valid value is accepted and acts.
    Yes,
    /// The feature does not exist in uredis yet: only the default value is accepted (so a stock
    /// redis.conf, whose values are the defaults, loads); anything else is refused.
    No,
    /// Every valid value is accepted although uredis does not act on it, because it makes no
    /// difference a client or an operator can observe in uredis. The reason is written beside
    /// each such parameter.
    Moot,
}

pub struct Param {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub kind: Kind,
    pub default: &'static str,
    /// Whether uredis implements what this parameter controls.
    pub support: Support,
    /// Cannot be changed by CONFIG SET (takes effect at start-up only).
    pub immutable: bool,
    /// Changeable by CONFIG SET only when `enable-protected-configs` allows it (Redis's
    /// PROTECTED_CONFIG: `dir`, `dbfilename`).
    pub protected: bool,
    /// Redis's HIDDEN_CONFIG (test hooks): matched by CONFIG GET only when named exactly,
    /// never by a pattern.
    pub hidden: bool,
}

use Support::{Moot, No, Yes};

/// A parameter: `p(<support>, name, kind, default)`, then `.aka()`, `.fixed()`, `.guarded()`,
/// `.hidden()` as needed.
const fn p(support: Support, name: &'static str, kind: Kind, default: &'static str) -> Param {
    Param {
        name,
        alias: None,
        kind,
        default,
        support,
        immutable: false,
        protected: false,
        hidden: false,
    }
}

impl Param {
    /// Also known by an older name (`slave-read-only`, `hash-max-ziplist-entries`).
    const fn aka(mut self, alias: &'static str) -> Param {
        self.alias = Some(alias);
        self
    }

    /// Redis's IMMUTABLE_CONFIG: start-up only.
    const fn fixed(mut self) -> Param {
        self.immutable = true;
        self
    }

    /// Redis's PROTECTED_CONFIG.
    const fn guarded(mut self) -> Param {
        self.protected = true;
        self
    }

    /// Redis's HIDDEN_CONFIG.
    const fn hidden(mut self) -> Param {
        self.hidden = true;
        self
    }
}

const BOOL: Kind = Kind::Bool;
const STR: Kind = Kind::Str;
/// An `int` that cannot be negative.
const INT: Kind = Kind::Int(0, i32::MAX as i64);
/// Any `int`.
const ANY_INT: Kind = Kind::Int(i32::MIN as i64, i32::MAX as i64);
/// A `long` (or `size_t` bounded by LONG_MAX) that cannot be negative.
const LONG: Kind = Kind::Int(0, i64::MAX);
const PORT: Kind = Kind::Int(0, 65535);
const MEM: Kind = Kind::Mem(0, u64::MAX);
/// A memory value stored in a `long long` (or `size_t` bounded by LONG_MAX).
const LMEM: Kind = Kind::Mem(0, i64::MAX as u64);
const PROTECTED_ACTION: Kind = Kind::Enum(&["no", "yes", "local"]);
const LOGLEVELS: &[&str] = &["debug", "verbose", "notice", "warning"];

/// Every parameter of Redis 7.0.15 with its name, alias, default and value syntax (config.c's
/// `static_configs`), and whether uredis implements it. The README lists which ones change
/// behaviour; the `No` ones are listed by CONFIG GET with Redis's default and refuse any other
/// value.
pub static PARAMS: &[Param] = &[
    // ---- Network and clients
    p(Yes, "bind", Kind::List, "* -::*").fixed(),
    p(Yes, "port", PORT, "6379").fixed(),
    p(Yes, "unixsocket", STR, "").fixed(),
    p(Yes, "unixsocketperm", Kind::Octal(0, 0o777), "0").fixed(),
    p(No, "socket-mark-id", Kind::Int(0, u32::MAX as i64), "0").fixed(),
    p(Yes, "tcp-backlog", INT, "511").fixed(),
    p(Yes, "protected-mode", BOOL, "yes"),
    p(Yes, "timeout", INT, "0"),
    p(Yes, "tcp-keepalive", INT, "300"),
    p(Yes, "maxclients", Kind::Int(1, u32::MAX as i64), "10000"),
    p(
        Yes,
        "proto-max-bulk-len",
        Kind::Mem(1024 * 1024, i64::MAX as u64),
        "536870912",
    ),
    p(
        Yes,
        "client-query-buffer-limit",
        Kind::Mem(1024 * 1024, i64::MAX as u64),
        "1073741824",
    ),
    p(
        Yes,
        "client-output-buffer-limit",
        Kind::OutputLimit,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    ),
    p(Yes, "tracking-table-max-keys", LONG, "1000000"),
    // ---- General
    p(Yes, "daemonize", BOOL, "no").fixed(),
    p(
        Yes,
        "supervised",
        Kind::Enum(&["upstart", "systemd", "auto", "no"]),
        "no",
    )
    .fixed(),
    p(Yes, "pidfile", STR, "").fixed(),
    p(Yes, "loglevel", Kind::Enum(LOGLEVELS), "notice"),
    p(Yes, "logfile", STR, "").fixed(),
    p(No, "syslog-enabled", BOOL, "no").fixed(),
    p(No, "syslog-ident", STR, "redis").fixed(),
    p(
        No,
        "syslog-facility",
        Kind::Enum(&[
            "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
        ]),
        "local0",
    )
    .fixed(),
    p(Yes, "databases", Kind::Int(1, i32::MAX as i64), "16").fixed(),
    // The ASCII-art logo is decoration of the log; uredis prints none in either case.
    p(Moot, "always-show-logo", BOOL, "no").fixed(),
    // uredis never rewrites its process title: 'no' is what it does, and the title is not
    // something clients or data depend on.
    p(Moot, "set-proc-title", BOOL, "yes").fixed(),
    // A custom template asks for a visible title, which uredis does not set.
    p(
        No,
        "proc-title-template",
        STR,
        "{title} {listen-addr} {server-mode}",
    ),
    // Accepts 0..INT_MAX like Redis; stored clamped to 1..500 (CONFIG GET shows the clamp).
    p(Yes, "hz", INT, "10"),
    p(Yes, "dynamic-hz", BOOL, "yes"),
    p(Yes, "activerehashing", BOOL, "yes"),
    p(Yes, "active-expire-effort", Kind::Int(1, 10), "1"),
    p(No, "io-threads", Kind::Int(1, 128), "1").fixed(),
    p(No, "io-threads-do-reads", BOOL, "no").fixed(),
    p(Yes, "enable-debug-command", PROTECTED_ACTION, "no").fixed(),
    p(Yes, "enable-protected-configs", PROTECTED_ACTION, "no").fixed(),
    // Allows MODULE LOAD/LOADEX/UNLOAD to run; they then fail as for a module that cannot be
    // loaded (`family::cluster`).
    p(Yes, "enable-module-command", PROTECTED_ACTION, "no").fixed(),
    p(Yes, "notify-keyspace-events", Kind::Flags, ""),
    // Only what is printed after a crash: no reply or data depends on it.
    p(Moot, "crash-log-enabled", BOOL, "yes"),
    p(Moot, "crash-memcheck-enabled", BOOL, "yes"),
    // Names start-up warnings to silence (ARM64-COW-BUG); uredis runs none of those checks.
    p(Moot, "ignore-warnings", STR, ""),
    p(No, "server_cpulist", STR, "").fixed(),
    p(No, "bio_cpulist", STR, "").fixed(),
    p(No, "aof_rewrite_cpulist", STR, "").fixed(),
    p(No, "bgsave_cpulist", STR, "").fixed(),
    p(
        No,
        "oom-score-adj",
        Kind::Enum(&["no", "yes", "relative", "absolute"]),
        "no",
    ),
    p(No, "oom-score-adj-values", Kind::OomValues, "0 200 800"),
    p(Yes, "disable-thp", BOOL, "yes").fixed(),
    // uredis does not use jemalloc: there is no background purge thread to start or stop.
    p(Moot, "jemalloc-bg-thread", BOOL, "yes"),
    p(Yes, "shutdown-on-sigint", Kind::SigFlags, "default"),
    p(Yes, "shutdown-on-sigterm", Kind::SigFlags, "default"),
    p(No, "shutdown-timeout", INT, "10"),
    p(
        No,
        "propagation-error-behavior",
        Kind::Enum(&["ignore", "panic", "panic-on-replicas"]),
        "ignore",
    ),
    // ---- Snapshots (RDB)
    p(Yes, "save", Kind::Save, "3600 1 300 100 60 10000"),
    p(Yes, "stop-writes-on-bgsave-error", BOOL, "yes"),
    p(Yes, "rdbcompression", BOOL, "yes"),
    p(Yes, "rdbchecksum", BOOL, "yes").fixed(),
    p(Yes, "dbfilename", STR, "dump.rdb").guarded(),
    p(Yes, "dir", STR, "").guarded(),
    // Only spreads the child's disk flushes over the save (Redis: fsync every 4 MB); our
    // children fsync once before the rename, so either value gives the same durable file.
    p(Moot, "rdb-save-incremental-fsync", BOOL, "yes"),
    // Deletes RDB files made only for replication: meaningful with replication alone.
    p(No, "rdb-del-sync-files", BOOL, "no"),
    // uredis validates every RDB and DUMP payload deeply whatever this says (as `yes`): a
    // payload Redis would accept unchecked with `no` is still checked, never trusted.
    p(
        Moot,
        "sanitize-dump-payload",
        Kind::Enum(&["no", "yes", "clients"]),
        "no",
    ),
    p(Yes, "rdb-key-save-delay", ANY_INT, "0").hidden(),
    p(No, "key-load-delay", ANY_INT, "0").hidden(),
    p(
        No,
        "loading-process-events-interval-bytes",
        Kind::Int(1024, i32::MAX as i64),
        "2097152",
    )
    .hidden(),
    // ---- Append-only file
    p(Yes, "appendonly", BOOL, "no"),
    p(Yes, "appendfilename", STR, "appendonly.aof").fixed(),
    p(Yes, "appenddirname", STR, "appendonlydir").fixed(),
    p(
        Yes,
        "appendfsync",
        Kind::Enum(&["everysec", "always", "no"]),
        "everysec",
    ),
    p(Yes, "no-appendfsync-on-rewrite", BOOL, "no"),
    p(Yes, "auto-aof-rewrite-percentage", INT, "100"),
    p(Yes, "auto-aof-rewrite-min-size", LMEM, "67108864"),
    p(Yes, "aof-load-truncated", BOOL, "yes"),
    p(Yes, "aof-use-rdb-preamble", BOOL, "yes"),
    // As rdb-save-incremental-fsync: the rewrite child fsyncs once before the rename.
    p(Moot, "aof-rewrite-incremental-fsync", BOOL, "yes"),
    p(Yes, "aof-timestamp-enabled", BOOL, "no"),
    p(No, "aof-disable-auto-gc", BOOL, "no"),
    // ---- Security
    // The default user's password (`crate::acl`).
    p(Yes, "requirepass", STR, ""),
    p(Yes, "aclfile", STR, "").fixed(),
    p(Yes, "acllog-max-len", LONG, "128"),
    p(
        Yes,
        "acl-pubsub-default",
        Kind::Enum(&["allchannels", "resetchannels"]),
        "resetchannels",
    ),
    // ---- Memory and eviction
    p(Yes, "maxmemory", MEM, "0"),
    // Selects LRU or LFU bookkeeping (OBJECT FREQ, the LFU counters) and how `maxmemory`
    // evicts (`crate::evict`); evicts nothing without maxmemory, as in Redis.
    p(
        Yes,
        "maxmemory-policy",
        Kind::Enum(&[
            "volatile-lru",
            "volatile-lfu",
            "volatile-random",
            "volatile-ttl",
            "allkeys-lru",
            "allkeys-lfu",
            "allkeys-random",
            "noeviction",
        ]),
        "noeviction",
    ),
    p(Yes, "maxmemory-samples", Kind::Int(1, i32::MAX as i64), "5"),
    p(Yes, "maxmemory-eviction-tenacity", Kind::Int(0, 100), "10"),
    p(
        No,
        "maxmemory-clients",
        Kind::MemPercent(-100, i64::MAX),
        "0",
    ),
    p(Yes, "lazyfree-lazy-eviction", BOOL, "no"),
    // Expired values are freed inline, whatever their size.
    p(No, "lazyfree-lazy-expire", BOOL, "no"),
    // Values overwritten by SET and the like are freed inline.
    p(No, "lazyfree-lazy-server-del", BOOL, "no"),
    // DEL already frees values of more than 64 elements on the lazyfree thread, like UNLINK:
    // the reply and the keyspace are the same either way, only when memory returns differs.
    p(Moot, "lazyfree-lazy-user-del", BOOL, "no"),
    p(Yes, "lazyfree-lazy-user-flush", BOOL, "no"),
    p(Yes, "lfu-log-factor", INT, "10"),
    p(Yes, "lfu-decay-time", INT, "1"),
    p(No, "activedefrag", BOOL, "no"),
    p(
        No,
        "active-defrag-ignore-bytes",
        Kind::Mem(1, i64::MAX as u64),
        "104857600",
    ),
    p(
        No,
        "active-defrag-threshold-lower",
        Kind::Int(0, 1000),
        "10",
    ),
    p(
        No,
        "active-defrag-threshold-upper",
        Kind::Int(0, 1000),
        "100",
    ),
    p(No, "active-defrag-cycle-min", Kind::Int(1, 99), "1"),
    p(No, "active-defrag-cycle-max", Kind::Int(1, 99), "25"),
    p(
        No,
        "active-defrag-max-scan-fields",
        Kind::Int(1, i64::MAX),
        "1000",
    ),
    // ---- Encodings of the data types
    p(Yes, "hash-max-listpack-entries", LONG, "512").aka("hash-max-ziplist-entries"),
    p(Yes, "hash-max-listpack-value", LMEM, "64").aka("hash-max-ziplist-value"),
    p(Yes, "list-max-listpack-size", ANY_INT, "-2").aka("list-max-ziplist-size"),
    // Honoured where it is observable: RDB files and DUMP payloads carry LZF-compressed
    // quicklist nodes exactly as Redis writes them. Lists are not compressed in memory.
    p(Yes, "list-compress-depth", INT, "0"),
    p(Yes, "set-max-intset-entries", LONG, "512"),
    p(Yes, "zset-max-listpack-entries", LONG, "128").aka("zset-max-ziplist-entries"),
    p(Yes, "zset-max-listpack-value", LMEM, "64").aka("zset-max-ziplist-value"),
    p(Yes, "hll-sparse-max-bytes", LMEM, "3000"),
    p(Yes, "stream-node-max-bytes", LMEM, "4096"),
    p(Yes, "stream-node-max-entries", LONG, "100"),
    // ---- Diagnostics and scripting
    p(
        Yes,
        "slowlog-log-slower-than",
        Kind::Int(-1, i64::MAX),
        "10000",
    ),
    p(Yes, "slowlog-max-len", LONG, "128"),
    p(Yes, "latency-monitor-threshold", LONG, "0"),
    p(Yes, "latency-tracking", BOOL, "yes"),
    p(
        Yes,
        "latency-tracking-info-percentiles",
        Kind::Percentiles,
        "50 99 99.9",
    ),
    p(Yes, "busy-reply-threshold", LONG, "5000").aka("lua-time-limit"),
    p(No, "watchdog-period", INT, "0").hidden(),
    p(No, "use-exit-on-panic", BOOL, "no").hidden(),
    // ---- Replication
    p(Yes, "replicaof", Kind::ReplicaOf, "")
        .aka("slaveof")
        .fixed(),
    p(Yes, "masterauth", STR, ""),
    p(Yes, "masteruser", STR, ""),
    p(Yes, "replica-serve-stale-data", BOOL, "yes").aka("slave-serve-stale-data"),
    p(Yes, "replica-read-only", BOOL, "yes").aka("slave-read-only"),
    p(No, "replica-ignore-maxmemory", BOOL, "yes").aka("slave-ignore-maxmemory"),
    p(No, "replica-lazy-flush", BOOL, "no").aka("slave-lazy-flush"),
    // Read by Sentinel from INFO (slave_priority, replica_announced) and sent to the master
    // in the handshake (REPLCONF ip-address / listening-port): src/repl/replica.rs.
    p(Yes, "replica-priority", INT, "100").aka("slave-priority"),
    p(Yes, "replica-announce-ip", STR, "").aka("slave-announce-ip"),
    p(Yes, "replica-announce-port", PORT, "0").aka("slave-announce-port"),
    p(Yes, "replica-announced", BOOL, "yes"),
    p(No, "replica-ignore-disk-write-errors", BOOL, "no"),
    // Values below 16kb are raised to 16kb (Redis's CONFIG_REPL_BACKLOG_MIN_SIZE).
    p(
        Yes,
        "repl-backlog-size",
        Kind::Mem(1, i64::MAX as u64),
        "1048576",
    ),
    // Freed by src/repl/mod.rs (`backlog_ttl`).
    p(Yes, "repl-backlog-ttl", LONG, "3600"),
    p(Yes, "repl-timeout", Kind::Int(1, i32::MAX as i64), "60"),
    p(
        Yes,
        "repl-ping-replica-period",
        Kind::Int(1, i32::MAX as i64),
        "10",
    )
    .aka("repl-ping-slave-period"),
    p(Yes, "repl-diskless-sync", BOOL, "yes"),
    p(Yes, "repl-diskless-sync-delay", INT, "5"),
    p(Yes, "repl-diskless-sync-max-replicas", INT, "0"),
    // The replica's RDB sink: src/repl/replica.rs (`Sink`).
    p(
        Yes,
        "repl-diskless-load",
        Kind::Enum(&["disabled", "on-empty-db", "swapdb"]),
        "disabled",
    ),
    p(No, "repl-disable-tcp-nodelay", BOOL, "no"),
    p(Yes, "min-replicas-to-write", INT, "0").aka("min-slaves-to-write"),
    p(Yes, "min-replicas-max-lag", INT, "10").aka("min-slaves-max-lag"),
    p(No, "bind-source-addr", STR, ""),
    // ---- Cluster
    p(No, "cluster-enabled", BOOL, "no").fixed(),
    p(No, "cluster-config-file", STR, "nodes.conf").fixed(),
    p(No, "cluster-port", PORT, "0").fixed(),
    p(No, "cluster-node-timeout", LONG, "15000"),
    p(No, "cluster-replica-validity-factor", INT, "10").aka("cluster-slave-validity-factor"),
    p(No, "cluster-migration-barrier", INT, "1"),
    p(No, "cluster-allow-replica-migration", BOOL, "yes"),
    p(No, "cluster-require-full-coverage", BOOL, "yes"),
    p(No, "cluster-replica-no-failover", BOOL, "no").aka("cluster-slave-no-failover"),
    p(No, "cluster-allow-reads-when-down", BOOL, "no"),
    p(No, "cluster-allow-pubsubshard-when-down", BOOL, "yes"),
    p(No, "cluster-link-sendbuf-limit", MEM, "0"),
    p(No, "cluster-announce-ip", STR, ""),
    p(No, "cluster-announce-hostname", STR, ""),
    p(No, "cluster-announce-port", PORT, "0"),
    p(No, "cluster-announce-bus-port", PORT, "0"),
    p(No, "cluster-announce-tls-port", PORT, "0"),
    p(
        No,
        "cluster-preferred-endpoint-type",
        Kind::Enum(&["ip", "hostname", "unknown-endpoint"]),
        "ip",
    ),
    // ---- TLS
    p(Yes, "tls-port", PORT, "0"),
    p(Yes, "tls-cert-file", STR, ""),
    p(Yes, "tls-key-file", STR, ""),
    p(No, "tls-key-file-pass", STR, ""),
    p(No, "tls-client-cert-file", STR, ""),
    p(No, "tls-client-key-file", STR, ""),
    p(No, "tls-client-key-file-pass", STR, ""),
    p(No, "tls-dh-params-file", STR, ""),
    p(Yes, "tls-ca-cert-file", STR, ""),
    p(Yes, "tls-ca-cert-dir", STR, ""),
    p(
        Yes,
        "tls-auth-clients",
        Kind::Enum(&["no", "yes", "optional"]),
        "yes",
    ),
    p(No, "tls-replication", BOOL, "no"),
    p(No, "tls-cluster", BOOL, "no"),
    p(Yes, "tls-protocols", STR, ""),
    p(Yes, "tls-ciphers", STR, ""),
    p(Yes, "tls-ciphersuites", STR, ""),
    p(Yes, "tls-prefer-server-ciphers", BOOL, "no"),
    p(Yes, "tls-session-caching", BOOL, "yes"),
    p(Yes, "tls-session-cache-size", INT, "20480"),
    p(No, "tls-session-cache-timeout", INT, "300"),
];

/// Directives Redis 7.0 still reads from a file and ignores (config.c's `deprecated_configs`),
/// each with exactly one argument. They did nothing in Redis either.
const DEPRECATED: &[&str] = &[
    "list-max-ziplist-entries",
    "list-max-ziplist-value",
    "lua-replicate-commands",
];

/// Directives of a Redis 7.0 file that are not parameters and that uredis does not implement.
const UNSUPPORTED_DIRECTIVES: &[&str] = &["rename-command", "loadmodule", "sentinel"];

/// Applies a new `loglevel` to the running logger; installed by the binary (which owns the
/// logger), called after CONFIG SET changes `loglevel`.
static LOGLEVEL_HOOK: std::sync::OnceLock<fn(&str)> = std::sync::OnceLock::new();

/// Installs the function that applies `loglevel` changes (once, at start-up).
pub fn set_loglevel_hook(f: fn(&str)) {
    let _ = LOGLEVEL_HOOK.set(f);
}

/// Applies `level` to the running logger, if a logger hook is installed.
pub fn apply_loglevel(level: &str) {
    if let Some(f) = LOGLEVEL_HOOK.get() {
        f(level);
    }
}

/// The typed view of the configuration that the server reads at run time.
#[derive(Debug, Clone)]
pub struct Config {
    values: Vec<String>,
    /// Where the config file was read from (INFO `config_file`), if any.
    pub config_file: Option<PathBuf>,
    pub bind: Vec<String>,
    pub port: u16,
    pub databases: usize,
    pub hz: u32,
    pub maxclients: usize,
    pub timeout: u64,
    pub tcp_keepalive: u32,
    pub tcp_backlog: i32,
    pub loglevel: String,
    pub logfile: String,
    pub dir: PathBuf,
    pub proto_max_bulk_len: usize,
    pub client_query_buffer_limit: usize,
    pub activerehashing: bool,
    pub active_expire_effort: u32,
    /// `dynamic-hz`: the cron runs faster with many clients (`effective_hz`).
    pub dynamic_hz: bool,
    /// `protected-mode`: while the default user has no password, only loopback clients are
    /// accepted.
    pub protected_mode: bool,
    /// `disable-thp`: transparent huge pages are turned off for the process at start-up.
    pub disable_thp: bool,
    /// `slowlog-log-slower-than` (µs, negative = off) and `slowlog-max-len` (`crate::ops`).
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: usize,
    /// `latency-monitor-threshold` (ms, 0 = off).
    pub latency_monitor_threshold: u64,
    /// `latency-tracking`: per-command latency histograms.
    pub latency_tracking: bool,
    /// `latency-tracking-info-percentiles`.
    pub latency_percentiles: Vec<f64>,
    /// The supervisor found at start-up for `supervised` (`systemd`, `upstart`), if any.
    pub supervised_by: Option<&'static str>,
    pub requirepass: String,
    /// `min-replicas-to-write` (checked before every write: kept parsed).
    pub min_replicas_to_write: i64,
    /// The `user` lines of the configuration, validated: the name, then its rules (selectors
    /// merged), loaded into the ACL at start-up (`acl::file::load_at_startup`).
    pub acl_users: Vec<Vec<Vec<u8>>>,
    pub daemonize: bool,
    pub pidfile: String,
    /// `notify-keyspace-events` as class bits (`keyspace::events::class`).
    pub notify_flags: u32,
    /// `n` was given in `notify-keyspace-events` (its printed form may not show it).
    notify_new: bool,
    /// Encoding thresholds of the collection types.
    pub hash_max_listpack_entries: usize,
    pub hash_max_listpack_value: usize,
    pub list_max_listpack_size: i64,
    pub set_max_intset_entries: usize,
    pub zset_max_listpack_entries: usize,
    pub zset_max_listpack_value: usize,
    /// Largest sparse HyperLogLog (header included) before it turns dense.
    pub hll_sparse_max_bytes: usize,
    /// Stream node limits (`stream-node-max-bytes`, `stream-node-max-entries`).
    pub stream_node_max_bytes: i64,
    pub stream_node_max_entries: i64,
    /// `maxmemory` in bytes (0 = no limit).
    pub maxmemory: u64,
    pub maxmemory_policy: crate::evict::Policy,
    pub maxmemory_samples: usize,
    pub maxmemory_eviction_tenacity: u32,
    pub lazyfree_lazy_eviction: bool,
}

impl Default for Config {
    fn default() -> Self {
        let mut values: Vec<String> = PARAMS.iter().map(|p| p.default.to_string()).collect();
        if let Some(i) = index("dir")
            && let Ok(cwd) = std::env::current_dir()
        {
            values[i] = cwd.display().to_string();
        }
        let mut c = Config {
            values,
            config_file: None,
            bind: vec![],
            port: 6379,
            databases: 16,
            hz: 10,
            maxclients: 10000,
            timeout: 0,
            tcp_keepalive: 300,
            tcp_backlog: 511,
            loglevel: "notice".into(),
            logfile: String::new(),
            dir: PathBuf::from("."),
            proto_max_bulk_len: 512 << 20,
            client_query_buffer_limit: 1 << 30,
            activerehashing: true,
            active_expire_effort: 1,
            dynamic_hz: true,
            protected_mode: true,
            disable_thp: true,
            slowlog_log_slower_than: 10000,
            slowlog_max_len: 128,
            latency_monitor_threshold: 0,
            latency_tracking: true,
            latency_percentiles: vec![50.0, 99.0, 99.9],
            supervised_by: None,
            requirepass: String::new(),
            min_replicas_to_write: 0,
            acl_users: Vec::new(),
            daemonize: false,
            pidfile: String::new(),
            notify_flags: 0,
            notify_new: false,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            list_max_listpack_size: -2,
            set_max_intset_entries: 512,
            zset_max_listpack_entries: 128,
            hll_sparse_max_bytes: 3000,
            zset_max_listpack_value: 64,
            stream_node_max_bytes: 4096,
            stream_node_max_entries: 100,
            maxmemory: 0,
            maxmemory_policy: crate::evict::Policy::NoEviction,
            maxmemory_samples: 5,
            maxmemory_eviction_tenacity: 10,
            lazyfree_lazy_eviction: false,
        };
        c.refresh();
        c
    }
}

/// The index of a parameter by name or alias (case-insensitive).
pub fn index(name: &str) -> Option<usize> {
    PARAMS.iter().position(|p| {
        p.name.eq_ignore_ascii_case(name) || p.alias.is_some_and(|a| a.eq_ignore_ascii_case(name))
    })
}

/// Parses Redis's memory units (`memtoull`): `1k`=1000, `1kb`=1024, `1m`, `1mb`, `1g`, `1gb`,
/// an optional `b`; digits only before the unit (no sign), leading zeros allowed.
pub fn parse_memory(s: &str) -> Option<u64> {
    let digits_end = s
        .bytes()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(digits_end);
    let mul: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if num.is_empty() {
        // strtoull("") is 0 without an error, so Redis takes "" and "kb" as 0.
        return Some(0);
    }
    num.parse::<u64>().ok()?.checked_mul(mul)
}

/// The words of a multi-argument value: each argument split at spaces (Redis splits a single
/// argument such as `--save "60 1"`), empty ones dropped.
fn split_words(args: &[String]) -> Vec<&str> {
    args.iter()
        .flat_map(|a| a.split_ascii_whitespace())
        .collect()
}

/// C's `strtoll(s, &end, radix)` required to consume all of `s` (`*end == '\0'`): leading
/// white space and a sign are allowed, an empty string is 0, out-of-range values saturate.
fn strtoll_full(s: &str, radix: u32) -> Option<i64> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() {
        // No conversion: the end pointer stays at the start, which is the end only for "".
        return s.is_empty().then_some(0);
    }
    let mut v: i128 = 0;
    for c in digits.chars() {
        v = (v * radix as i128 + c.to_digit(radix)? as i128).min(i64::MAX as i128 + 1);
    }
    let v = if neg { -v } else { v };
    Some(v.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
}

/// Validates `args` for a parameter and returns its canonical text, or Redis's reason.
fn normalize(param: &Param, args: &[String]) -> Result<String, String> {
    let one = || -> Result<&str, String> {
        match args {
            [a] => Ok(a.as_str()),
            _ => Err("wrong number of arguments".into()),
        }
    };
    match param.kind {
        Kind::Bool => match one()?.to_ascii_lowercase().as_str() {
            "yes" => Ok("yes".into()),
            "no" => Ok("no".into()),
            _ => Err("argument must be 'yes' or 'no'".into()),
        },
        Kind::Int(min, max) => {
            // Redis's string2ll: no sign other than '-', no leading zeros, no spaces.
            let v: i64 = crate::protocol::parse_i64(one()?.as_bytes())
                .ok_or_else(|| "argument couldn't be parsed into an integer".to_string())?;
            if v < min || v > max {
                return Err(format!(
                    "argument must be between {min} and {max} inclusive"
                ));
            }
            Ok(v.to_string())
        }
        Kind::Mem(min, max) => {
            let s = one()?;
            let v = parse_memory(s).ok_or_else(|| "argument must be a memory value".to_string())?;
            if v < min || v > max {
                return Err(format!(
                    "argument must be between {min} and {max} inclusive"
                ));
            }
            Ok(v.to_string())
        }
        Kind::Enum(names) => {
            let s = one()?.to_ascii_lowercase();
            if names.contains(&s.as_str()) {
                Ok(s)
            } else {
                Err(format!(
                    "argument(s) must be one of the following: {}",
                    names.join(", ")
                ))
            }
        }
        Kind::Str => Ok(one()?.to_string()),
        Kind::Save => {
            let joined: Vec<&str> = args
                .iter()
                .flat_map(|a| a.split_ascii_whitespace())
                .collect();
            // Pairs of <seconds> (>= 1) <changes> (>= 0), each read like strtoll (optional
            // sign), printed back canonically (`0100 +1` becomes `100 1`).
            if !joined.len().is_multiple_of(2) {
                return Err("Invalid save parameters".into());
            }
            let mut canon = Vec::with_capacity(joined.len());
            for (j, n) in joined.iter().enumerate() {
                let v = n
                    .parse::<i64>()
                    .ok()
                    .filter(|&v| if j.is_multiple_of(2) { v >= 1 } else { v >= 0 })
                    .ok_or_else(|| "Invalid save parameters".to_string())?;
                canon.push(v.to_string());
            }
            Ok(canon.join(" "))
        }
        Kind::List => {
            let items: Vec<&str> = args
                .iter()
                .flat_map(|a| a.split_ascii_whitespace())
                .collect();
            if items.is_empty() {
                return Err("wrong number of arguments".into());
            }
            Ok(items.join(" "))
        }
        Kind::OutputLimit => {
            let items: Vec<&str> = args
                .iter()
                .flat_map(|a| a.split_ascii_whitespace())
                .collect();
            if !items.len().is_multiple_of(4) {
                return Err("Wrong number of arguments in buffer limit configuration.".into());
            }
            for chunk in items.chunks(4) {
                let class = chunk[0].to_ascii_lowercase();
                if !matches!(class.as_str(), "normal" | "slave" | "replica" | "pubsub") {
                    return Err(
                        "Invalid client class specified in buffer limit configuration.".into(),
                    );
                }
                if chunk[1..3].iter().any(|m| parse_memory(m).is_none())
                    || chunk[3].parse::<u64>().is_err()
                {
                    return Err("Error in hard, soft or soft_seconds setting in buffer limit configuration.".into());
                }
            }
            // Merge into the current value, class by class, in Redis's canonical order.
            Ok(items.join(" "))
        }
        Kind::Octal(min, max) => {
            let v = strtoll_full(one()?, 8)
                .ok_or_else(|| "argument couldn't be parsed as an octal number".to_string())?;
            if v < min || v > max {
                return Err(format!(
                    "argument must be between {min:o} and {max:o} inclusive"
                ));
            }
            Ok(format!("{v:o}"))
        }
        Kind::MemPercent(min, max) => {
            let s = one()?;
            let v = match parse_memory(s) {
                Some(m) => i64::try_from(m).ok(),
                None => s
                    .strip_suffix('%')
                    .filter(|n| !n.is_empty())
                    .and_then(|n| crate::protocol::parse_i64(n.as_bytes()))
                    .filter(|&n| n >= 0)
                    .map(|n| -n),
            }
            .ok_or_else(|| "argument must be a memory or percent value".to_string())?;
            if v < 0 && v < min {
                return Err(format!(
                    "percentage argument must be less or equal to {}",
                    -min
                ));
            }
            if v > max {
                return Err(format!(
                    "argument must be between {min} and {max} inclusive"
                ));
            }
            Ok(if v < 0 {
                format!("{}%", -v)
            } else {
                v.to_string()
            })
        }
        Kind::SigFlags => {
            const NAMES: [&str; 4] = ["save", "nosave", "now", "force"];
            let words = split_words(args);
            let mut set = [false; 4];
            for w in &words {
                if w.eq_ignore_ascii_case("default") {
                    continue;
                }
                let Some(i) = NAMES.iter().position(|n| w.eq_ignore_ascii_case(n)) else {
                    return Err(
                        "argument(s) must be one of the following: default, save, nosave, now, force"
                            .into(),
                    );
                };
                set[i] = true;
            }
            if words.is_empty() {
                return Err(
                    "argument(s) must be one of the following: default, save, nosave, now, force"
                        .into(),
                );
            }
            if set[0] && set[1] {
                return Err("shutdown options SAVE and NOSAVE can't be used simultaneously".into());
            }
            let chosen: Vec<&str> = NAMES
                .iter()
                .zip(set)
                .filter_map(|(n, on)| on.then_some(*n))
                .collect();
            Ok(if chosen.is_empty() {
                "default".into()
            } else {
                chosen.join(" ")
            })
        }
        Kind::OomValues => {
            let words = split_words(args);
            if words.len() != 3 {
                return Err("wrong number of arguments".into());
            }
            let mut out = Vec::with_capacity(3);
            for w in words {
                let v = strtoll_full(w, 10)
                    .filter(|v| (-2000..=2000).contains(v))
                    .ok_or_else(|| {
                        "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
                            .to_string()
                    })?;
                out.push(v.to_string());
            }
            Ok(out.join(" "))
        }
        Kind::Percentiles => {
            let mut out = Vec::new();
            for w in split_words(args) {
                let v: f64 = w
                    .parse()
                    .ok()
                    .filter(|v: &f64| {
                        !v.is_nan() && !w.starts_with(|c: char| c.is_ascii_whitespace())
                    })
                    .ok_or_else(|| {
                        "Invalid latency-tracking-info-percentiles parameters".to_string()
                    })?;
                if !(0.0..=100.0).contains(&v) {
                    return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into());
                }
                // Redis prints "%f" with the trailing zeros (and a bare '.') removed.
                let text = format!("{v:.6}");
                out.push(text.trim_end_matches('0').trim_end_matches('.').to_string());
            }
            Ok(out.join(" "))
        }
        Kind::ReplicaOf => {
            let words = split_words(args);
            let [host, port] = words.as_slice() else {
                return Err("wrong number of arguments".into());
            };
            if host.eq_ignore_ascii_case("no") && port.eq_ignore_ascii_case("one") {
                return Ok(String::new());
            }
            let port = strtoll_full(port, 10)
                .filter(|p| (0..=65535).contains(p))
                .ok_or_else(|| "Invalid master port".to_string())?;
            Ok(format!("{host} {port}"))
        }
        Kind::Flags => {
            // Stored the way Redis prints it back (keyspaceEventsFlagsToString): the type
            // classes in a fixed order, or `A` when all of them are set, then K, E, m.
            let s = one()?;
            if !s.chars().all(|c| "Ag$lshzxeKEtmdn".contains(c)) {
                return Err("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into());
            }
            const ALL: &str = "g$lshzxetd";
            let has = |c: char| s.contains(c) || (s.contains('A') && ALL.contains(c));
            let mut out = String::new();
            if ALL.chars().all(has) {
                // Redis prints no `n` after `A` (it keeps the flag internally; here it is
                // dropped, which only matters once new-key events exist).
                out.push('A');
            } else {
                out.extend("g$lshzxetdn".chars().filter(|&c| has(c)));
            }
            out.extend("KEm".chars().filter(|&c| has(c)));
            Ok(out)
        }
    }
}

impl Config {
    /// The canonical value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        index(name).map(|i| self.values[i].as_str())
    }

    /// The cron frequency in effect with `clients` connected (INFO `hz`): `hz`, doubled while
    /// there are more than 200 clients per tick when `dynamic-hz` is on, up to 500 (Redis's
    /// serverCron with MAX_CLIENTS_PER_CLOCK_TICK and CONFIG_MAX_HZ).
    pub fn effective_hz(&self, clients: usize) -> u32 {
        let mut hz = self.hz.max(1);
        if self.dynamic_hz {
            while clients / hz as usize > 200 {
                hz *= 2;
                if hz > 500 {
                    hz = 500;
                    break;
                }
            }
        }
        hz
    }

    /// Parameters (canonical name, value) whose name or alias matches a glob pattern, each
    /// at most once, for CONFIG GET.
    pub fn matching(&self, pattern: &[u8]) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        for (i, p) in PARAMS.iter().enumerate().filter(|(_, p)| !p.hidden) {
            if glob::matches(pattern, p.name.as_bytes(), true) {
                out.push((p.name, self.values[i].as_str()));
            }
            if let Some(a) = p.alias
                && glob::matches(pattern, a.as_bytes(), true)
            {
                out.push((a, self.values[i].as_str()));
            }
        }
        out
    }

    /// Records the master set at run time by REPLICAOF (`"host port"`, or `""` for none):
    /// CONFIG GET and CONFIG REWRITE show the current master, as Redis's
    /// get/rewriteConfigReplicaOfOption read `server.masterhost` (used by src/repl/replica.rs).
    pub fn set_replicaof(&mut self, value: &str) {
        if let Some(i) = index("replicaof") {
            self.values[i] = value.to_string();
        }
    }

    /// Sets a parameter at run time (CONFIG SET). `Err` carries Redis's reason text.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let i = index(name).ok_or_else(|| "unknown".to_string())?;
        let param = &PARAMS[i];
        if param.immutable {
            return Err("can't set immutable config".into());
        }
        let args = match param.kind {
            Kind::Save
            | Kind::List
            | Kind::OutputLimit
            | Kind::SigFlags
            | Kind::OomValues
            | Kind::Percentiles
            | Kind::ReplicaOf => value.split_ascii_whitespace().map(String::from).collect(),
            _ => vec![value.to_string()],
        };
        self.apply(i, name, &args, false)
    }

    /// Validates and stores a value. `typed` is the name as given (an alias stays the alias in
    /// messages).
    fn apply(
        &mut self,
        i: usize,
        typed: &str,
        args: &[String],
        from_file: bool,
    ) -> Result<(), String> {
        let param = &PARAMS[i];
        let mut v = normalize(param, args)?;
        if param.support == Support::No && v != param.default {
            return Err(unsupported(param, typed));
        }
        if param.name == "notify-keyspace-events" {
            // Redis prints `A` without `n` but keeps the flag: remember it beside the text.
            self.notify_new = args.iter().any(|a| a.contains('n'));
        }
        if param.name == "dir" {
            let path = Path::new(&v);
            std::env::set_current_dir(path)
                .map_err(|e| format!("No such file or directory: {e}"))?;
            v = std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or(v);
        }
        if param.name == "hz" {
            // Redis clamps the configured hz to CONFIG_MIN_HZ..CONFIG_MAX_HZ and reports the
            // clamped value.
            let hz: i64 = v.parse().unwrap_or(10);
            v = hz.clamp(1, 500).to_string();
        }
        if param.name == "repl-backlog-size" {
            let size: u64 = v.parse().unwrap_or(1 << 20);
            v = size.max(16 * 1024).to_string();
        }
        if param.name == "client-output-buffer-limit" {
            v = merge_output_limits(&self.values[i], &v);
        }
        if from_file && param.name == "save" && !self.values[i].is_empty() && !v.is_empty() {
            // Repeated `save` lines in a file accumulate; `save ""` resets.
            v = format!("{} {}", self.values[i], v);
        }
        self.values[i] = v;
        self.refresh();
        Ok(())
    }

    fn refresh(&mut self) {
        let num = |c: &Config, n: &str| c.get(n).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
        self.bind = self
            .get("bind")
            .unwrap_or("")
            .split_ascii_whitespace()
            .map(String::from)
            .collect();
        self.port = num(self, "port") as u16;
        self.databases = num(self, "databases").max(1) as usize;
        self.hz = num(self, "hz").clamp(1, 500) as u32;
        self.maxclients = num(self, "maxclients").max(1) as usize;
        self.timeout = num(self, "timeout").max(0) as u64;
        self.tcp_keepalive = num(self, "tcp-keepalive").max(0) as u32;
        self.tcp_backlog = num(self, "tcp-backlog").clamp(1, i32::MAX as i64) as i32;
        self.loglevel = self.get("loglevel").unwrap_or("notice").to_string();
        self.logfile = self.get("logfile").unwrap_or("").to_string();
        self.dir = PathBuf::from(self.get("dir").unwrap_or("."));
        self.proto_max_bulk_len = num(self, "proto-max-bulk-len") as usize;
        self.client_query_buffer_limit = num(self, "client-query-buffer-limit") as usize;
        self.activerehashing = self.get("activerehashing") == Some("yes");
        self.active_expire_effort = num(self, "active-expire-effort").clamp(1, 10) as u32;
        self.dynamic_hz = self.get("dynamic-hz") == Some("yes");
        self.protected_mode = self.get("protected-mode") == Some("yes");
        self.disable_thp = self.get("disable-thp") == Some("yes");
        self.requirepass = self.get("requirepass").unwrap_or("").to_string();
        self.min_replicas_to_write = num(self, "min-replicas-to-write");
        self.slowlog_log_slower_than = num(self, "slowlog-log-slower-than");
        self.slowlog_max_len = num(self, "slowlog-max-len").max(0) as usize;
        self.latency_monitor_threshold = num(self, "latency-monitor-threshold").max(0) as u64;
        self.latency_tracking = self.get("latency-tracking") == Some("yes");
        self.latency_percentiles = self
            .get("latency-tracking-info-percentiles")
            .unwrap_or("")
            .split_ascii_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        crate::acl::set_pubsub_default(self.get("acl-pubsub-default") == Some("allchannels"));
        self.daemonize = self.get("daemonize") == Some("yes");
        self.pidfile = self.get("pidfile").unwrap_or("").to_string();
        self.notify_flags =
            crate::keyspace::events::parse_flags(self.get("notify-keyspace-events").unwrap_or(""));
        if self.notify_new {
            self.notify_flags |= crate::keyspace::events::class::NEW;
        }
        crate::keyspace::db::set_log_new(
            self.notify_flags & crate::keyspace::events::class::NEW != 0,
        );
        crate::keyspace::db::set_log_miss(
            self.notify_flags & crate::keyspace::events::class::KEY_MISS != 0,
        );
        self.hash_max_listpack_entries = num(self, "hash-max-listpack-entries") as usize;
        self.hash_max_listpack_value = num(self, "hash-max-listpack-value") as usize;
        self.list_max_listpack_size = num(self, "list-max-listpack-size");
        self.set_max_intset_entries = num(self, "set-max-intset-entries") as usize;
        self.zset_max_listpack_entries = num(self, "zset-max-listpack-entries") as usize;
        self.zset_max_listpack_value = num(self, "zset-max-listpack-value") as usize;
        self.hll_sparse_max_bytes = num(self, "hll-sparse-max-bytes") as usize;
        self.stream_node_max_bytes = num(self, "stream-node-max-bytes");
        self.stream_node_max_entries = num(self, "stream-node-max-entries");
        self.maxmemory = self.get("maxmemory").and_then(parse_memory).unwrap_or(0);
        self.maxmemory_policy =
            crate::evict::Policy::parse(self.get("maxmemory-policy").unwrap_or("noeviction"));
        self.maxmemory_samples = num(self, "maxmemory-samples").max(1) as usize;
        self.maxmemory_eviction_tenacity =
            num(self, "maxmemory-eviction-tenacity").clamp(0, 100) as u32;
        self.lazyfree_lazy_eviction = self.get("lazyfree-lazy-eviction") == Some("yes");
        let lfu = self
            .get("maxmemory-policy")
            .is_some_and(|p| p.ends_with("-lfu"));
        crate::keyspace::db::set_lfu(lfu.then(|| {
            (
                num(self, "lfu-log-factor") as u32,
                num(self, "lfu-decay-time") as u32,
            )
        }));
    }

    /// Builds the configuration from an optional file and `--name value...` overrides, the way
    /// `redis-server [file] [--opt val ...]` does. Errors are formatted like Redis's fatal
    /// config error, naming the line and the directive.
    pub fn load(file: Option<&Path>, overrides: &[String]) -> Result<Config, String> {
        let mut cfg = Config::default();
        let mut text = String::new();
        if let Some(path) = file {
            text = std::fs::read_to_string(path).map_err(|e| {
                format!(
                    "Fatal error, can't open config file '{}': {e}",
                    path.display()
                )
            })?;
            cfg.config_file = Some(std::fs::canonicalize(path).unwrap_or(path.to_path_buf()));
        }
        // Command-line options become config lines appended after the file, as in Redis.
        let mut extra = String::new();
        for arg in overrides {
            if let Some(name) = arg.strip_prefix("--") {
                if !extra.is_empty() {
                    extra.push('\n');
                }
                extra.push_str(name);
            } else {
                extra.push(' ');
                extra.push_str(&quote(arg));
            }
        }
        if !extra.is_empty() {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&extra);
        }
        cfg.apply_text(&text)?;
        Ok(cfg)
    }

    fn apply_text(&mut self, text: &str) -> Result<(), String> {
        for (lineno, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fail = |reason: &str| {
                format!(
                    "\n*** FATAL CONFIG FILE ERROR (uredis {}) ***\nReading the configuration file, at line {}\n>>> '{}'\n{}",
                    env!("CARGO_PKG_VERSION"),
                    lineno + 1,
                    line,
                    reason
                )
            };
            let mut spans = Vec::new();
            if split_args(line.as_bytes(), &mut spans).is_err() {
                return Err(fail("Unbalanced quotes in configuration line"));
            }
            let words: Vec<String> = spans
                .iter()
                .map(|a| match a {
                    Arg::Span(s, e) => {
                        String::from_utf8_lossy(&line.as_bytes()[*s..*e]).into_owned()
                    }
                    Arg::Owned(v) => String::from_utf8_lossy(v).into_owned(),
                })
                .collect();
            let Some((name, args)) = words.split_first() else {
                continue;
            };
            if name.eq_ignore_ascii_case("include") {
                let [path] = args else {
                    return Err(fail("Bad directive or wrong number of arguments"));
                };
                let inner = std::fs::read_to_string(path)
                    .map_err(|e| fail(&format!("Can't open included file: {e}")))?;
                self.apply_text(&inner)?;
                continue;
            }
            if name.eq_ignore_ascii_case("user") && !args.is_empty() {
                let user = crate::acl::file::parse_config_user(&words, &self.acl_users)
                    .map_err(|reason| fail(&reason))?;
                self.acl_users.push(user);
                continue;
            }
            let Some(i) = index(name) else {
                if args.len() == 1 && DEPRECATED.iter().any(|d| d.eq_ignore_ascii_case(name)) {
                    continue;
                }
                if let Some(d) = UNSUPPORTED_DIRECTIVES
                    .iter()
                    .find(|d| d.eq_ignore_ascii_case(name))
                {
                    return Err(fail(&format!("'{d}' is not supported by uredis yet")));
                }
                if name.contains('.') {
                    return Err(fail("Module configuration is not supported by uredis yet"));
                }
                return Err(fail("Bad directive or wrong number of arguments"));
            };
            self.apply(i, name, args, true)
                .map_err(|reason| fail(&reason))?;
        }
        Ok(())
    }
}

/// Why a value of a parameter whose feature uredis lacks is refused.
fn unsupported(param: &Param, typed: &str) -> String {
    let name = match param.alias {
        Some(a) if a.eq_ignore_ascii_case(typed) => a,
        _ => param.name,
    };
    format!(
        "'{name}' is not supported by uredis yet (only its default value '{}' is accepted)",
        param.default
    )
}

/// Replaces the classes named in `new` inside `old`, keeping Redis's order and units.
fn merge_output_limits(old: &str, new: &str) -> String {
    let mut classes: Vec<(String, [String; 3])> = vec![];
    for src in [old, new] {
        let items: Vec<&str> = src.split_ascii_whitespace().collect();
        for c in items.chunks(4) {
            if c.len() < 4 {
                continue;
            }
            let mut name = c[0].to_ascii_lowercase();
            if name == "replica" {
                name = "slave".into();
            }
            let vals = [
                parse_memory(c[1]).unwrap_or(0).to_string(),
                parse_memory(c[2]).unwrap_or(0).to_string(),
                c[3].to_string(),
            ];
            match classes.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = vals,
                None => classes.push((name, vals)),
            }
        }
    }
    classes
        .iter()
        .map(|(n, v)| format!("{n} {} {} {}", v[0], v[1], v[2]))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Quotes a command-line value so the config line parser reads it back as one argument.
fn quote(s: &str) -> String {
    if !s.is_empty()
        && !s
            .bytes()
            .any(|c| c.is_ascii_whitespace() || c == b'"' || c == b'\'' || c == b'\\')
    {
        return s.to_string();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_units() {
        let cfg = Config::load(
            None,
            &[
                "--port".into(),
                "7000".into(),
                "--save".into(),
                "".into(),
                "--proto-max-bulk-len".into(),
                "2mb".into(),
            ],
        )
        .unwrap();
        assert_eq!(cfg.port, 7000);
        assert_eq!(cfg.get("save"), Some(""));
        assert_eq!(cfg.get("proto-max-bulk-len"), Some("2097152"));
    }

    #[test]
    fn unknown_directive_names_line() {
        let err = Config::load(
            None,
            &["--port".into(), "1".into(), "--nosuch".into(), "x".into()],
        )
        .unwrap_err();
        assert!(err.contains("at line 2"), "{err}");
        assert!(err.contains(">>> 'nosuch x'"), "{err}");
        assert!(err.contains("Bad directive or wrong number of arguments"));
    }

    /// The arguments a config line would give for `value`.
    fn args_of(p: &Param, value: &str) -> Vec<String> {
        match p.kind {
            // No master is written `no one` and printed as "".
            Kind::ReplicaOf if value.is_empty() => vec!["no".into(), "one".into()],
            Kind::Save
            | Kind::List
            | Kind::OutputLimit
            | Kind::SigFlags
            | Kind::OomValues
            | Kind::Percentiles
            | Kind::ReplicaOf => value.split_ascii_whitespace().map(String::from).collect(),
            _ => vec![value.to_string()],
        }
    }

    /// A valid value different from the default.
    fn other_value(p: &Param) -> String {
        let d = p.default;
        match p.kind {
            Kind::Bool => if d == "yes" { "no" } else { "yes" }.into(),
            Kind::Int(_, max) | Kind::MemPercent(_, max) => {
                let v: i64 = d.parse().unwrap();
                if v < max { v + 1 } else { v - 1 }.to_string()
            }
            Kind::Mem(_, max) => {
                let v: u64 = d.parse().unwrap();
                if v < max { v + 1 } else { v - 1 }.to_string()
            }
            Kind::Octal(..) => "1".into(),
            Kind::Enum(names) => names.iter().find(|n| **n != d).unwrap().to_string(),
            Kind::Str => "x".into(),
            Kind::Save => "1 1".into(),
            Kind::List => "127.0.0.1".into(),
            Kind::OutputLimit => "normal 1 1 1".into(),
            Kind::Flags => "K$".into(),
            Kind::SigFlags => "now".into(),
            Kind::OomValues => "1 2 3".into(),
            Kind::Percentiles => "1".into(),
            Kind::ReplicaOf => "localhost 6379".into(),
        }
    }

    #[test]
    fn table_names_are_unique_and_defaults_canonical() {
        let mut seen = std::collections::HashSet::new();
        for p in PARAMS {
            for n in std::iter::once(p.name).chain(p.alias) {
                assert!(seen.insert(n), "{n} twice");
                assert_eq!(n, n.to_ascii_lowercase());
            }
            for d in DEPRECATED.iter().chain(UNSUPPORTED_DIRECTIVES) {
                assert!(!seen.contains(d), "{d}");
            }
            // The default is stored as given, so "value == default" is a plain comparison.
            if p.name != "dir" {
                assert_eq!(
                    normalize(p, &args_of(p, p.default)).as_deref(),
                    Ok(p.default),
                    "{}",
                    p.name
                );
            }
        }
        // Redis 7.0.15 (built with TLS) lists 192 names for CONFIG GET *, aliases included.
        let listed = PARAMS
            .iter()
            .filter(|p| !p.hidden)
            .map(|p| 1 + p.alias.is_some() as usize)
            .sum::<usize>();
        assert_eq!(listed, 192);
    }

    /// Every parameter accepts its default; one whose feature is missing refuses anything
    /// else, under its name or its alias, from a file and through CONFIG SET alike.
    #[test]
    fn unsupported_parameters_accept_only_their_default() {
        for (i, p) in PARAMS.iter().enumerate() {
            if p.name == "dir" {
                continue;
            }
            let mut cfg = Config::default();
            cfg.apply(i, p.name, &args_of(p, p.default), true)
                .unwrap_or_else(|e| panic!("{} {:?}: {e}", p.name, p.default));
            let other = other_value(p);
            for name in std::iter::once(p.name).chain(p.alias) {
                let r = cfg.apply(i, name, &args_of(p, &other), true);
                match p.support {
                    Support::No => {
                        let e = r.expect_err(p.name);
                        assert!(
                            e.starts_with(&format!("'{name}' is not supported by uredis yet")),
                            "{e}"
                        );
                        assert_eq!(cfg.get(p.name), Some(p.default));
                    }
                    Support::Yes | Support::Moot => {
                        r.unwrap_or_else(|e| panic!("{name} {other:?}: {e}"));
                    }
                }
            }
            if p.support == Support::No && !p.immutable {
                let e = cfg.set(p.name, &other).unwrap_err();
                assert!(e.contains("not supported by uredis yet"), "{e}");
            }
        }
    }

    #[test]
    fn file_reader_matches_redis_directives() {
        // Deprecated directives Redis ignores, with one argument only.
        let mut cfg = Config::default();
        cfg.apply_text(
            "list-max-ziplist-entries 5
lua-replicate-commands yes
",
        )
        .unwrap();
        let err = cfg.apply_text("list-max-ziplist-value 1 2").unwrap_err();
        assert!(err.contains("Bad directive"), "{err}");
        let err = cfg.apply_text("\n\nrename-command KEYS \"\"").unwrap_err();
        assert!(err.contains("at line 3\n"), "{err}");
        assert!(
            err.contains("'rename-command' is not supported by uredis yet"),
            "{err}"
        );
        cfg.apply_text("slaveof 10.0.0.1 6379").unwrap();
        assert_eq!(cfg.get("replicaof"), Some("10.0.0.1 6379"));
        cfg.apply_text("slaveof no one\nreplicaof NO ONE").unwrap();
        let err = cfg.apply_text("slaveof 10.0.0.1 x").unwrap_err();
        assert!(err.ends_with("\nInvalid master port"), "{err}");
    }

    #[test]
    fn special_values_print_as_redis_prints_them() {
        let p = |name: &str, v: &str| {
            let param = &PARAMS[index(name).unwrap()];
            normalize(param, &args_of(param, v))
        };
        assert_eq!(p("unixsocketperm", "0700").as_deref(), Ok("700"));
        assert_eq!(p("unixsocketperm", "").as_deref(), Ok("0"));
        assert!(p("unixsocketperm", "9").is_err());
        assert_eq!(p("maxmemory-clients", "5%").as_deref(), Ok("5%"));
        assert_eq!(p("maxmemory-clients", "1kb").as_deref(), Ok("1024"));
        assert_eq!(
            p("maxmemory-clients", "101%").unwrap_err(),
            "percentage argument must be less or equal to 100"
        );
        assert_eq!(
            p("shutdown-on-sigint", "force save").as_deref(),
            Ok("save force")
        );
        assert_eq!(p("shutdown-on-sigint", "default now").as_deref(), Ok("now"));
        assert_eq!(
            p("oom-score-adj-values", "+1 -2 3").as_deref(),
            Ok("1 -2 3")
        );
        assert_eq!(
            p("latency-tracking-info-percentiles", "50.5 99.990 100").as_deref(),
            Ok("50.5 99.99 100")
        );
        assert_eq!(
            p("latency-tracking-info-percentiles", "").as_deref(),
            Ok("")
        );
        assert_eq!(p("replicaof", "host 0007").as_deref(), Ok("host 7"));
    }

    #[test]
    fn dynamic_hz_doubles_per_200_clients() {
        let mut cfg = Config::default();
        cfg.set("hz", "1").unwrap();
        assert_eq!(cfg.effective_hz(200), 1);
        assert_eq!(cfg.effective_hz(201), 2);
        assert_eq!(cfg.effective_hz(1_000_000), 500);
        cfg.set("dynamic-hz", "no").unwrap();
        assert_eq!(cfg.effective_hz(1_000_000), 1);
    }

    #[test]
    fn set_validates() {
        let mut cfg = Config::default();
        assert!(cfg.set("hz", "100").is_ok());
        assert_eq!(cfg.hz, 100);
        assert!(cfg.set("hz", "abc").is_err());
        assert!(cfg.set("appendonly", "maybe").is_err());
        assert!(cfg.set("databases", "4").is_err());
        cfg.set("client-output-buffer-limit", "pubsub 64mb 16mb 30")
            .unwrap();
        assert_eq!(
            cfg.get("client-output-buffer-limit"),
            Some("normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 30")
        );
        assert_eq!(cfg.matching(b"hash-max-*").len(), 4);
    }
}
