//! Configuration: the parameter table (Redis's names, defaults and value syntax), the
//! redis.conf-style file reader, `--name value` command-line overrides, and the typed view
//! the server reads on its hot paths.
//!
//! One table drives everything: the config file, the command line, `CONFIG GET` (glob patterns)
//! and `CONFIG SET`. Values are kept in Redis's canonical text form (memory sizes in bytes,
//! booleans as yes/no), and typed fields are re-derived after every change.

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
}

pub struct Param {
    pub name: &'static str,
    pub alias: Option<&'static str>,
    pub kind: Kind,
    pub default: &'static str,
    /// Cannot be changed by CONFIG SET (takes effect at start-up only).
    pub immutable: bool,
    /// Changeable by CONFIG SET only when `enable-protected-configs` allows it (Redis's
    /// PROTECTED_CONFIG: `dir`, `dbfilename`).
    pub protected: bool,
}

const fn p(name: &'static str, kind: Kind, default: &'static str) -> Param {
    Param {
        name,
        alias: None,
        kind,
        default,
        immutable: false,
        protected: false,
    }
}

const fn guarded(name: &'static str, kind: Kind, default: &'static str) -> Param {
    Param {
        name,
        alias: None,
        kind,
        default,
        immutable: false,
        protected: true,
    }
}

const fn fixed(name: &'static str, kind: Kind, default: &'static str) -> Param {
    Param {
        name,
        alias: None,
        kind,
        default,
        immutable: true,
        protected: false,
    }
}

const fn aka(name: &'static str, alias: &'static str, kind: Kind, default: &'static str) -> Param {
    Param {
        name,
        alias: Some(alias),
        kind,
        default,
        immutable: false,
        protected: false,
    }
}

const INT: Kind = Kind::Int(0, i32::MAX as i64);
const LONG: Kind = Kind::Int(0, i64::MAX);
const MEM: Kind = Kind::Mem(0, u64::MAX);
/// A memory value stored in a `long long`.
const LMEM: Kind = Kind::Mem(0, i64::MAX as u64);
const LOGLEVELS: &[&str] = &["debug", "verbose", "notice", "warning"];

/// Every parameter uredis accepts, with Redis 7.0's name and default. The README lists which
/// of them change behaviour today; the others are accepted so a stock redis.conf loads, and
/// are reported by CONFIG GET exactly as Redis reports them.
pub static PARAMS: &[Param] = &[
    // Network and clients
    fixed("bind", Kind::List, "* -::*"),
    fixed("port", Kind::Int(0, 65535), "6379"),
    fixed("unixsocket", Kind::Str, ""),
    fixed("unixsocketperm", Kind::Int(0, 0o777), "0"),
    fixed("tcp-backlog", INT, "511"),
    p("protected-mode", Kind::Bool, "yes"),
    p("timeout", INT, "0"),
    p("tcp-keepalive", INT, "300"),
    p("maxclients", Kind::Int(1, u32::MAX as i64), "10000"),
    p(
        "proto-max-bulk-len",
        Kind::Mem(1024 * 1024, i64::MAX as u64),
        "536870912",
    ),
    p(
        "client-query-buffer-limit",
        Kind::Mem(1024 * 1024, i64::MAX as u64),
        "1073741824",
    ),
    p(
        "client-output-buffer-limit",
        Kind::OutputLimit,
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    ),
    // General
    fixed("daemonize", Kind::Bool, "no"),
    fixed(
        "supervised",
        Kind::Enum(&["upstart", "systemd", "auto", "no"]),
        "no",
    ),
    fixed("pidfile", Kind::Str, ""),
    p("loglevel", Kind::Enum(LOGLEVELS), "notice"),
    fixed("logfile", Kind::Str, ""),
    fixed("syslog-enabled", Kind::Bool, "no"),
    fixed("syslog-ident", Kind::Str, "redis"),
    fixed("databases", Kind::Int(1, i32::MAX as i64), "16"),
    fixed("always-show-logo", Kind::Bool, "no"),
    fixed("set-proc-title", Kind::Bool, "yes"),
    // Accepts 0..INT_MAX like Redis; stored clamped to 1..500 (CONFIG GET shows the clamp).
    p("hz", INT, "10"),
    p("dynamic-hz", Kind::Bool, "yes"),
    p("activerehashing", Kind::Bool, "yes"),
    p("active-expire-effort", Kind::Int(1, 10), "1"),
    fixed("io-threads", Kind::Int(1, 128), "1"),
    fixed("io-threads-do-reads", Kind::Bool, "no"),
    fixed(
        "enable-debug-command",
        Kind::Enum(&["no", "yes", "local"]),
        "no",
    ),
    fixed(
        "enable-protected-configs",
        Kind::Enum(&["no", "yes", "local"]),
        "no",
    ),
    fixed(
        "enable-module-command",
        Kind::Enum(&["no", "yes", "local"]),
        "no",
    ),
    p("notify-keyspace-events", Kind::Flags, ""),
    // Persistence (accepted now; used by the persistence work)
    p("save", Kind::Save, "3600 1 300 100 60 10000"),
    p("stop-writes-on-bgsave-error", Kind::Bool, "yes"),
    p("rdbcompression", Kind::Bool, "yes"),
    fixed("rdbchecksum", Kind::Bool, "yes"),
    guarded("dbfilename", Kind::Str, "dump.rdb"),
    guarded("dir", Kind::Str, ""),
    p("appendonly", Kind::Bool, "no"),
    fixed("appendfilename", Kind::Str, "appendonly.aof"),
    fixed("appenddirname", Kind::Str, "appendonlydir"),
    p(
        "appendfsync",
        Kind::Enum(&["everysec", "always", "no"]),
        "everysec",
    ),
    p("no-appendfsync-on-rewrite", Kind::Bool, "no"),
    p("auto-aof-rewrite-percentage", INT, "100"),
    p("auto-aof-rewrite-min-size", LMEM, "67108864"),
    p("aof-load-truncated", Kind::Bool, "yes"),
    p("aof-use-rdb-preamble", Kind::Bool, "yes"),
    // Security (accepted now; used by the ACL work)
    p("requirepass", Kind::Str, ""),
    // Memory
    p("maxmemory", MEM, "0"),
    p(
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
    p("maxmemory-samples", Kind::Int(1, i32::MAX as i64), "5"),
    p("lazyfree-lazy-eviction", Kind::Bool, "no"),
    p("lazyfree-lazy-expire", Kind::Bool, "no"),
    p("lazyfree-lazy-server-del", Kind::Bool, "no"),
    p("lazyfree-lazy-user-del", Kind::Bool, "no"),
    p("lazyfree-lazy-user-flush", Kind::Bool, "no"),
    p("lfu-log-factor", INT, "10"),
    p("lfu-decay-time", INT, "1"),
    // Encoding thresholds (used by the data-type work)
    aka(
        "hash-max-listpack-entries",
        "hash-max-ziplist-entries",
        LONG,
        "512",
    ),
    aka(
        "hash-max-listpack-value",
        "hash-max-ziplist-value",
        LMEM,
        "64",
    ),
    aka(
        "list-max-listpack-size",
        "list-max-ziplist-size",
        Kind::Int(i32::MIN as i64, i32::MAX as i64),
        "-2",
    ),
    p("list-compress-depth", INT, "0"),
    p("set-max-intset-entries", LONG, "512"),
    aka(
        "zset-max-listpack-entries",
        "zset-max-ziplist-entries",
        LONG,
        "128",
    ),
    aka(
        "zset-max-listpack-value",
        "zset-max-ziplist-value",
        LMEM,
        "64",
    ),
    p("hll-sparse-max-bytes", LMEM, "3000"),
    p("stream-node-max-bytes", LMEM, "4096"),
    p("stream-node-max-entries", LONG, "100"),
    // Diagnostics
    p("slowlog-log-slower-than", Kind::Int(-1, i64::MAX), "10000"),
    p("slowlog-max-len", LONG, "128"),
    p("latency-monitor-threshold", LONG, "0"),
    p("latency-tracking", Kind::Bool, "yes"),
    p("busy-reply-threshold", LONG, "5000"),
    // Replication (accepted now; used by the replication work)
    p("replica-read-only", Kind::Bool, "yes"),
    p("replica-serve-stale-data", Kind::Bool, "yes"),
    // Values below 16kb are raised to 16kb (Redis's CONFIG_REPL_BACKLOG_MIN_SIZE).
    p(
        "repl-backlog-size",
        Kind::Mem(1, i64::MAX as u64),
        "1048576",
    ),
    p("repl-timeout", Kind::Int(1, i32::MAX as i64), "60"),
    p("repl-diskless-sync", Kind::Bool, "yes"),
    p("repl-diskless-sync-delay", INT, "5"),
    p("masterauth", Kind::Str, ""),
    p("masteruser", Kind::Str, ""),
];

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
    pub requirepass: String,
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
            requirepass: String::new(),
            daemonize: false,
            pidfile: String::new(),
            notify_flags: 0,
            notify_new: false,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            list_max_listpack_size: -2,
            set_max_intset_entries: 512,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
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

    /// Parameters (canonical name, value) whose name or alias matches a glob pattern, each
    /// at most once, for CONFIG GET.
    pub fn matching(&self, pattern: &[u8]) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        for (i, p) in PARAMS.iter().enumerate() {
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

    /// Sets a parameter at run time (CONFIG SET). `Err` carries Redis's reason text.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        let i = index(name).ok_or_else(|| "unknown".to_string())?;
        let param = &PARAMS[i];
        if param.immutable {
            return Err("can't set immutable config".into());
        }
        let args = match param.kind {
            Kind::Save | Kind::List | Kind::OutputLimit => {
                value.split_ascii_whitespace().map(String::from).collect()
            }
            _ => vec![value.to_string()],
        };
        self.apply(i, &args, false)
    }

    fn apply(&mut self, i: usize, args: &[String], from_file: bool) -> Result<(), String> {
        let param = &PARAMS[i];
        let mut v = normalize(param, args)?;
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
        self.requirepass = self.get("requirepass").unwrap_or("").to_string();
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
        self.hash_max_listpack_entries = num(self, "hash-max-listpack-entries") as usize;
        self.hash_max_listpack_value = num(self, "hash-max-listpack-value") as usize;
        self.list_max_listpack_size = num(self, "list-max-listpack-size");
        self.set_max_intset_entries = num(self, "set-max-intset-entries") as usize;
        self.zset_max_listpack_entries = num(self, "zset-max-listpack-entries") as usize;
        self.zset_max_listpack_value = num(self, "zset-max-listpack-value") as usize;
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
            let Some(i) = index(name) else {
                return Err(fail("Bad directive or wrong number of arguments"));
            };
            self.apply(i, args, true).map_err(|reason| fail(&reason))?;
        }
        Ok(())
    }
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
