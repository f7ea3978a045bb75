//! The command dispatcher: the static command table, lookup, the checks Redis makes before
//! running a command (unknown name, unknown subcommand, arity), and `call()`, the one path every
//! command runs through. `call()` is where later work hooks in: MULTI queueing, blocking,
//! keyspace notifications, propagation (driven by the `dirty` counter), slowlog and latency.
//!
//! Handlers have one signature, `fn(&mut Ctx, &[Bytes]) -> CmdResult`, receive the whole argv
//! (argv[0] is the command name) already checked against the table's arity, write their reply
//! through `ctx.out`, and return errors as `Error` values that are turned into Redis's exact
//! text here, in one place.

pub mod args;
pub mod docs;
pub mod propagate;
pub mod table;

use std::borrow::Cow;

use bytes::Bytes;

use crate::keyspace::Db;
use crate::net::client::flag as client_flag;
use crate::protocol::Reply;
use crate::server::Server;

pub use args::{parse_f64, parse_int};
pub use table::{Command, flags, lookup};

/// An error reply. The common ones are named so their text lives in exactly one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    WrongType,
    NotInteger,
    NotFloat,
    Syntax,
    NoSuchKey,
    Overflow,
    /// A fixed text, including its code (`ERR ...`).
    Msg(&'static str),
    /// A text built at run time, including its code.
    Text(String),
    /// A text built at run time from raw bytes (client arguments, as Redis's `%s` prints
    /// them: not necessarily UTF-8), including its code.
    Bytes(Vec<u8>),
}

impl Error {
    pub fn text(&self) -> Cow<'static, str> {
        match self {
            Error::WrongType => {
                "WRONGTYPE Operation against a key holding the wrong kind of value".into()
            }
            Error::NotInteger => "ERR value is not an integer or out of range".into(),
            Error::NotFloat => "ERR value is not a valid float".into(),
            Error::Syntax => "ERR syntax error".into(),
            Error::NoSuchKey => "ERR no such key".into(),
            Error::Overflow => "ERR increment or decrement would overflow".into(),
            Error::Msg(s) => (*s).into(),
            Error::Text(s) => s.clone().into(),
            Error::Bytes(b) => String::from_utf8_lossy(b).into_owned().into(),
        }
    }

    /// The reply text as sent: `text()`, except that `Bytes` keeps its bytes as they are.
    pub fn bytes(&self) -> Cow<'static, [u8]> {
        match self {
            Error::Bytes(b) => b.clone().into(),
            other => match other.text() {
                Cow::Borrowed(s) => s.as_bytes().into(),
                Cow::Owned(s) => s.into_bytes().into(),
            },
        }
    }

    /// An error text concatenated from `parts` (text and raw argument bytes).
    pub fn concat(parts: &[&[u8]]) -> Error {
        Error::Bytes(parts.concat())
    }

    /// `ERR <formatted>` convenience.
    pub fn err(msg: impl std::fmt::Display) -> Error {
        Error::Text(format!("ERR {msg}"))
    }
}

/// Redis's `addReplySubcommandSyntaxError`: the subcommand as `%.128s` prints it (bytes as
/// sent, up to a NUL, at most 128 of them) and the command name upper-cased.
pub fn subcommand_syntax_error(argv: &[Bytes]) -> Error {
    let sub = c_str(&argv[1], 128);
    Error::concat(&[
        b"ERR unknown subcommand or wrong number of arguments for '",
        sub,
        b"'. Try ",
        &c_str(&argv[0], usize::MAX).to_ascii_uppercase(),
        b" HELP.",
    ])
}

pub type CmdResult = Result<(), Error>;

/// Everything a handler may touch: the whole server, the calling client's slot, its selected
/// database index and its reply buffer (borrowed out of the client for the duration of the
/// command, so a handler can hold `&mut Db` and write replies at once).
pub struct Ctx<'a> {
    pub srv: &'a mut Server,
    pub out: &'a mut Reply,
    /// Slab index of the calling client.
    pub cid: usize,
    /// The calling client's selected database; written back after the command (SELECT).
    pub db: usize,
    /// The command being run.
    pub cmd: &'static Command,
}

impl Ctx<'_> {
    /// The selected database.
    #[inline]
    pub fn db(&mut self) -> &mut Db {
        &mut self.srv.dbs[self.db]
    }

    /// Counts `n` changes to the dataset (Redis's `server.dirty`), which decides propagation.
    #[inline]
    pub fn dirty(&mut self, n: u64) {
        self.srv.dirty += n;
    }

    /// `key` in the selected database was changed by this command: WATCHers fail their EXEC
    /// and, if `notify-keyspace-events` selects `class`, `event` is published (see
    /// `keyspace::events`). Call once per key changed, after changing it.
    #[inline]
    pub fn changed(&mut self, class: u32, event: &str, key: &[u8]) {
        self.srv.drain_expired(Some((self.cid, &mut *self.out)));
        self.srv.signal_modified_key(self.db, key);
        self.notify(class, event, key);
    }

    /// Publishes a keyspace notification for `key` in the selected database without touching
    /// WATCHers (for the extra events of a change already signalled, like `del` after the
    /// last element was popped).
    #[inline]
    pub fn notify(&mut self, class: u32, event: &str, key: &[u8]) {
        // What the keyspace logged before (a key created: `new`) is published first.
        self.srv.drain_expired(Some((self.cid, &mut *self.out)));
        if self.srv.config.notify_flags & class != 0 {
            let db = self.db;
            self.srv
                .notify(Some((self.cid, &mut *self.out)), class, event, key, db);
        }
    }

    /// Looks a key up for reading (Redis's `lookupKeyRead`, see `keyspace::lookup`).
    pub fn lookup_read(&mut self, key: &[u8]) -> Option<crate::keyspace::EntryMut<'_>> {
        self.srv
            .lookup_read_mut(self.db, key, crate::keyspace::lookup::NONE)
    }

    /// Looks a key up for writing (Redis's `lookupKeyWrite`): no hit/miss accounting.
    pub fn lookup_write(&mut self, key: &[u8]) -> Option<crate::keyspace::EntryMut<'_>> {
        self.srv.dbs[self.db].get_mut(key)
    }
}

/// Writes an error reply and accounts it in INFO errorstats.
pub fn reply_error(srv: &mut Server, out: &mut Reply, text: &[u8]) {
    out.error(text);
    srv.stats
        .count_error(&String::from_utf8_lossy(&text[..text.len().min(64)]));
}

/// An argument as Redis's `%.Ns` prints it: up to the first NUL, at most `max` bytes.
fn c_str(b: &[u8], max: usize) -> &[u8] {
    let end = memchr::memchr(0, b).unwrap_or(b.len()).min(max);
    &b[..end]
}

/// Formats the "unknown command" error exactly as Redis 7.0 does (bytes as sent, C-string
/// truncation, at most 128 bytes of arguments).
fn unknown_command_error(argv: &[Bytes]) -> Vec<u8> {
    let mut args = Vec::new();
    for a in &argv[1..] {
        if args.len() >= 128 {
            break;
        }
        let room = 128 - args.len();
        args.push(b'\'');
        args.extend_from_slice(c_str(a, room));
        args.extend_from_slice(b"' ");
    }
    let mut e = b"ERR unknown command '".to_vec();
    e.extend_from_slice(c_str(&argv[0], 128));
    e.extend_from_slice(b"', with args beginning with: ");
    e.extend_from_slice(&args);
    e
}

/// Resolves argv to a command, or the error Redis gives before running anything.
pub fn resolve(argv: &[Bytes]) -> Result<&'static Command, Vec<u8>> {
    let Some(cmd) = lookup(&argv[0]) else {
        return Err(unknown_command_error(argv));
    };
    let cmd = if cmd.subcommands.is_empty() || argv.len() < 2 {
        cmd
    } else {
        match cmd.subcommand(&argv[1]) {
            Some(sub) => sub,
            None => {
                let mut e = b"ERR unknown subcommand '".to_vec();
                e.extend_from_slice(c_str(&argv[1], 128));
                e.extend_from_slice(b"'. Try ");
                e.extend(c_str(&argv[0], usize::MAX).to_ascii_uppercase());
                e.extend_from_slice(b" HELP.");
                return Err(e);
            }
        }
    };
    if !cmd.arity_ok(argv.len()) {
        return Err(
            format!("ERR wrong number of arguments for '{}' command", cmd.name).into_bytes(),
        );
    }
    Ok(cmd)
}

/// The command or subcommand argv names, if any, without checking arity (for accounting a
/// rejected call to the right command).
fn lookup_argv(argv: &[Bytes]) -> Option<&'static Command> {
    let cmd = lookup(&argv[0])?;
    match argv.get(1) {
        Some(sub) if !cmd.subcommands.is_empty() => cmd.subcommand(sub),
        _ => Some(cmd),
    }
}

/// Commands a RESP2 client in subscribed mode may run.
const PUBSUB_ALLOWED: &[&str] = &[
    "ping",
    "subscribe",
    "ssubscribe",
    "unsubscribe",
    "sunsubscribe",
    "psubscribe",
    "punsubscribe",
    "quit",
    "reset",
];

/// Commands whose effects are propagated as the commands they ran, not as themselves.
const PROPAGATES_OWN_COMMANDS: &[&str] = &[
    "exec",
    "eval",
    "evalsha",
    "eval_ro",
    "evalsha_ro",
    "fcall",
    "fcall_ro",
];

/// Commands that run rather than queue while in MULTI.
const MULTI_CONTROL: &[&str] = &["exec", "discard", "multi", "watch", "quit", "reset"];

/// The checks Redis's `processCommand` makes once the command is known, before it is queued
/// or run, in its order: authentication, MULTI restrictions, ACL permissions, maxmemory
/// (eviction, then OOM: `crate::evict`), MISCONF, subscribed-mode restrictions. Clients with
/// none of the flags involved (the common case) pay one test, plus one for maxmemory when set.
fn precheck(
    srv: &mut Server,
    cid: usize,
    cmd: &'static Command,
    argv: &[Bytes],
    resp3: bool,
) -> Result<(), Vec<u8>> {
    if cmd.has(flags::PROTECTED) {
        protected_check(srv, cid, cmd)?;
    }
    let c = &srv.clients[cid];
    let slow_path =
        client_flag::PUBSUB | client_flag::MULTI | client_flag::ACL_CHECK | client_flag::MONITOR;
    if c.flags & slow_path == 0 {
        if srv.config.maxmemory != 0 {
            oom_check(srv, cid, cmd)?;
        }
        misconf_check(srv, cid, cmd)?;
        return busy_check(srv, cmd);
    }
    let acl = c.has(client_flag::ACL_CHECK);
    if acl && srv.acl.auth_required(c) && !cmd.has(flags::NO_AUTH) {
        return Err(b"NOAUTH Authentication required.".to_vec());
    }
    if c.has(client_flag::MULTI) && cmd.has(flags::NO_MULTI) && cmd.name != "watch" {
        return Err(b"ERR Command not allowed inside a transaction".to_vec());
    }
    if acl {
        crate::acl::check_command(srv, cid, cmd, argv)?;
    }
    if srv.config.maxmemory != 0 {
        oom_check(srv, cid, cmd)?;
    }
    misconf_check(srv, cid, cmd)?;
    let c = &srv.clients[cid];
    if c.has(client_flag::PUBSUB) && !resp3 && !PUBSUB_ALLOWED.contains(&cmd.container_name()) {
        return Err(format!(
            "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
            cmd.name
        )
        .into_bytes());
    }
    // A MONITOR client is a replica to Redis (CLIENT_SLAVE): no keyspace access.
    if c.has(client_flag::MONITOR) && cmd.has(flags::WRITE | flags::READONLY | flags::MAY_REPLICATE)
    {
        return Err(b"ERR Replica can't interact with the keyspace".to_vec());
    }
    busy_check(srv, cmd)
}

/// Redis's check of CMD_PROTECTED commands, made right after the arity check (before
/// authentication): DEBUG and MODULE LOAD/LOADEX/UNLOAD run only as `enable-debug-command` /
/// `enable-module-command` allow.
fn protected_check(srv: &Server, cid: usize, cmd: &Command) -> Result<(), Vec<u8>> {
    let (what, option) = if cmd.container_name() == "debug" {
        ("DEBUG", "enable-debug-command")
    } else {
        ("MODULE", "enable-module-command")
    };
    if crate::family::server::protected_allowed(srv, cid, option) {
        return Ok(());
    }
    Err(format!(
        "ERR {what} command not allowed. If the {option} option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."
    )
    .into_bytes())
}

/// While a script runs past busy-reply-threshold only `allow_busy` commands run.
#[inline]
fn busy_check(srv: &Server, cmd: &Command) -> Result<(), Vec<u8>> {
    match &srv.scripting.run {
        Some(run) if run.timed_out && !cmd.has(flags::ALLOW_BUSY) => Err(if run.eval {
            crate::script::BUSY_ERROR.as_bytes().to_vec()
        } else {
            crate::script::BUSY_FUNCTION_ERROR.as_bytes().to_vec()
        }),
        _ => Ok(()),
    }
}

/// maxmemory (Redis's `processCommand`): evict first, then refuse a deny-oom command (EXEC
/// counts as one when it queued one) while memory is still over the limit; in MULTI, queueing
/// any command (but EXEC, DISCARD, QUIT, RESET) is refused too, as queues use memory.
fn oom_check(srv: &mut Server, cid: usize, cmd: &Command) -> Result<(), Vec<u8>> {
    // A replica ignores maxmemory (Redis's default `replica-ignore-maxmemory yes`, the only
    // value uredis accepts): its master evicts and sends the DELs.
    if srv.repl.master.is_some() {
        return Ok(());
    }
    let c = &srv.clients[cid];
    if c.fd < 0 {
        // A fake client (the AOF loader): Redis's loader runs commands without
        // processCommand, so loading neither evicts nor is refused.
        return Ok(());
    }
    let denyoom = cmd.has(flags::DENYOOM)
        || (cmd.name == "exec"
            && c.multi
                .iter()
                .any(|argv| lookup_argv(argv).is_some_and(|k| k.has(flags::DENYOOM))));
    let queueing =
        c.has(client_flag::MULTI) && !matches!(cmd.name, "exec" | "discard" | "quit" | "reset");
    crate::evict::oom_check(srv, denyoom, queueing)
}

/// A failed BGSAVE with stop-writes-on-bgsave-error: writes (and PING, as Redis) are refused;
/// EXEC counts as a write when it queued one. Redis makes this check after the ACL check and
/// before the subscribed-mode one.
fn misconf_check(srv: &Server, cid: usize, cmd: &Command) -> Result<(), Vec<u8>> {
    // Our master's stream is always obeyed (Redis's mustObeyClient).
    if srv.clients[cid].has(client_flag::MASTER) {
        return Ok(());
    }
    if crate::persist::snapshot::writes_denied(srv)
        && (cmd.has(flags::WRITE)
            || cmd.name == "ping"
            || (cmd.name == "exec" && queues_write(&srv.clients[cid])))
    {
        return Err(crate::persist::snapshot::MISCONF_ERROR.as_bytes().to_vec());
    }
    // The AOF part of writeCommandsDeniedByDiskError: a write or fsync error.
    if srv.aof.deny_writes
        && (cmd.has(flags::WRITE)
            || cmd.name == "ping"
            || (cmd.name == "exec" && queues_write(&srv.clients[cid])))
    {
        return Err(srv.aof.write_error_text().into_bytes());
    }
    if srv.config.min_replicas_to_write > 0
        && (cmd.has(flags::WRITE) || (cmd.name == "exec" && queues_write(&srv.clients[cid])))
        && crate::repl::writes_denied(srv)
    {
        return Err(crate::repl::NOREPLICAS.as_bytes().to_vec());
    }
    if srv.repl.master.is_some() {
        crate::repl::replica::precheck(srv, cid, cmd)?;
    }
    Ok(())
}

/// Whether a client's MULTI queue holds a write command.
fn queues_write(c: &crate::net::client::Client) -> bool {
    c.multi
        .iter()
        .any(|argv| lookup_argv(argv).is_some_and(|k| k.has(flags::WRITE)))
}

/// Replies to a command rejected before running. Inside MULTI the transaction is flagged
/// (EXEC will fail), and a rejected EXEC discards the transaction with Redis's EXECABORT.
fn reject(srv: &mut Server, out: &mut Reply, cid: usize, err: &[u8], exec: bool) {
    let in_multi = srv.clients[cid].has(client_flag::MULTI);
    if in_multi && exec {
        crate::multi::discard(srv, cid);
        let msg = err.strip_prefix(b"ERR ").unwrap_or(err);
        let mut e = b"EXECABORT Transaction discarded because of: ".to_vec();
        e.extend_from_slice(msg);
        reply_error(srv, out, &e);
    } else {
        crate::multi::flag_transaction(srv, cid);
        reply_error(srv, out, err);
    }
}

/// A rejected EXEC aborts its transaction: Redis's `execCommandAbort` shows it to monitors.
fn monitor_aborted_exec(
    srv: &mut Server,
    out: &mut Reply,
    cid: usize,
    db: usize,
    is_exec: bool,
    argv: &[Bytes],
) {
    if is_exec && !srv.ops.monitors.is_empty() && srv.clients[cid].has(client_flag::MULTI) {
        crate::ops::feed_monitors(srv, (cid, out), db, false, None, argv);
    }
}

/// Runs one request from client `cid`. The single entry point for every command: resolving,
/// the pre-run checks, MULTI queueing, running, error replies, statistics, blocking,
/// propagation and, after a top-level command, serving clients blocked on keys it made ready.
pub fn call(srv: &mut Server, out: &mut Reply, cid: usize, argv: &[Bytes]) {
    // Client-side caching (`crate::tracking`): while a top-level command runs, invalidations
    // for its client are held and follow its reply (Redis's tracking_pending_keys).
    if srv.exec_depth > 0 || !srv.tracking.active() {
        return run(srv, out, cid, argv);
    }
    let saved = crate::tracking::enter(srv, cid, out.resp3);
    // tracking-table-max-keys, before the command as Redis's processCommand: what that sends
    // to this client precedes its reply.
    crate::tracking::limit_used_slots(srv);
    crate::tracking::flush_current(srv, out);
    run(srv, out, cid, argv);
    crate::tracking::after_command(srv, cid, &argv[0]);
    let msgs = crate::tracking::leave(srv, saved);
    out.buf.extend_from_slice(&msgs);
}

fn run(srv: &mut Server, out: &mut Reply, cid: usize, argv: &[Bytes]) {
    let db = srv.clients[cid].db;
    let mark = out.len();
    let is_exec = argv[0].eq_ignore_ascii_case(b"exec");
    let cmd = match resolve(argv) {
        Ok(c) => c,
        Err(e) => {
            // Like Redis: a rejected command still becomes the client's last command (`NULL` if
            // unknown), and CLIENT REPLY OFF/SKIP applies to its error too.
            let known = lookup_argv(argv);
            if let Some(cmd) = known {
                srv.stats.command(cmd.name).rejected += 1;
            }
            monitor_aborted_exec(srv, out, cid, db, is_exec, argv);
            reject(srv, out, cid, &e, is_exec);
            if let Some(c) = srv.clients.get_mut(cid) {
                c.last_cmd = known.map_or("NULL", |k| k.name);
                c.after_command(out, mark);
            }
            return;
        }
    };
    if srv.exec_depth > 0 {
        // Queued commands were checked when queued; only permissions are checked again, as
        // they may have changed since.
        if srv.clients[cid].has(client_flag::ACL_CHECK)
            && let Err(e) = crate::acl::check_exec(srv, cid, cmd, argv)
        {
            reply_error(srv, out, &e);
            if let Some(c) = srv.clients.get_mut(cid) {
                c.after_command(out, mark);
            }
            return;
        }
    } else if srv.clients[cid].has(client_flag::BLOCKED) {
        // A blocked client's command is run again: it passed the checks when it was sent.
    } else if let Err(e) = precheck(srv, cid, cmd, argv, out.resp3) {
        srv.stats.command(cmd.name).rejected += 1;
        monitor_aborted_exec(srv, out, cid, db, is_exec, argv);
        reject(srv, out, cid, &e, is_exec);
        if let Some(c) = srv.clients.get_mut(cid) {
            c.last_cmd = cmd.name;
            c.after_command(out, mark);
        }
        return;
    }
    // CLIENT PAUSE holds the command, checked last as in Redis's processCommand (`crate::pause`).
    if srv.pause.kind() != crate::pause::PauseKind::Off
        && srv.exec_depth == 0
        && !srv.clients[cid].has(client_flag::BLOCKED)
        && crate::pause::hold_if_paused(srv, cid, cmd, argv)
    {
        srv.clients[cid].last_cmd = cmd.name;
        return;
    }
    let c = &mut srv.clients[cid];
    if c.has(client_flag::MULTI) && srv.exec_depth == 0 && !MULTI_CONTROL.contains(&cmd.name) {
        c.multi.push(argv.to_vec());
        c.last_cmd = cmd.name;
        out.simple(b"QUEUED");
        c.after_command(out, mark);
        return;
    }
    let rerun = c.has(client_flag::BLOCKED);
    // CLIENT NO-TOUCH: keys looked up by this command keep their access time (except TOUCH).
    // Every database carries the same value, so checking the selected one is enough.
    let no_touch = c.has(client_flag::NO_TOUCH) && cmd.name != "touch";
    if srv.dbs[db].no_touch != no_touch {
        srv.dbs.iter_mut().for_each(|d| d.no_touch = no_touch);
    }
    srv.clients[cid].last_cmd = cmd.name;
    let top = srv.exec_depth == 0 && !rerun;
    // ops (MONITOR): `redis.call` from a script shows as `[db lua]`; scripts (SKIP_MONITOR)
    // are shown before the commands they run, as Redis's evalCommand/fcallCommand feed
    // themselves first.
    let from_script =
        srv.exec_depth > 0 && srv.scripting.run.as_ref().is_some_and(|r| r.caller == cid);
    if !srv.ops.monitors.is_empty() && !rerun && cmd.has(flags::SKIP_MONITOR) {
        crate::ops::feed_monitors(srv, (cid, &mut *out), db, from_script, Some(cmd), argv);
    }
    let dirty_before = srv.dirty;
    let start = crate::runtime::monotonic::now();
    let result = {
        let mut ctx = Ctx {
            srv,
            out,
            cid,
            db,
            cmd,
        };
        // A script reading for a tracking client tracks the script's keys (`crate::tracking`).
        let script = ctx.srv.tracking.active()
            && cmd.has(flags::NOSCRIPT)
            && matches!(
                cmd.name,
                "eval" | "evalsha" | "eval_ro" | "evalsha_ro" | "fcall" | "fcall_ro"
            )
            && crate::tracking::script_start(ctx.srv, cid, cmd, argv);
        let r = (cmd.handler)(&mut ctx, argv);
        if script {
            crate::tracking::script_end(ctx.srv);
        }
        let db = ctx.db;
        if let Some(c) = ctx.srv.clients.get_mut(cid) {
            c.db = db;
        }
        r
    };
    if cmd.has(flags::READONLY) && srv.tracking.active() {
        crate::tracking::remember_keys(srv, cid, cmd, argv);
    }
    let usec = crate::runtime::monotonic::elapsed_us(start);
    let failed = result.is_err();
    if let Err(e) = result {
        reply_error(srv, out, &e.bytes());
    }
    let waiting = (rerun || srv.blocking.has_request())
        && crate::blocking::after_handler(srv, cid, argv, rerun);
    if !waiting {
        // Like Redis, only commands that ran count (not unknown, rejected or still blocked).
        srv.stats.total_commands += 1;
        let tracking = srv.config.latency_tracking;
        let stat = srv.stats.command(cmd.name);
        stat.calls += 1;
        stat.usec += usec;
        if failed {
            stat.failed += 1;
        }
        if tracking {
            crate::ops::record_histogram(stat, usec);
        }
    }
    // ops: latency event, slow log, MONITOR feed (Redis's call() after the command).
    let db_after = srv.clients.get(cid).map_or(db, |c| c.db);
    crate::ops::after_call(
        srv,
        out,
        crate::ops::Ran {
            cid,
            cmd,
            argv,
            db: db_after,
            usec,
            from_script,
            rerun,
            blocked: waiting,
        },
    );
    if srv.dirty != dirty_before && !PROPAGATES_OWN_COMMANDS.contains(&cmd.name) {
        // (EXEC's and scripts' commands were recorded one by one as they ran.)
        srv.propagation.record(db, argv);
    } else {
        srv.propagation.clear_rewrite(db, argv);
    }
    // (Events logged by the keyspace: pushes to this client go before its reply.)
    srv.drain_before_reply(cid, out, mark);
    if let Some(c) = srv.clients.get_mut(cid) {
        c.after_command(out, mark);
    }
    if top {
        propagate::flush(srv);
        if let Some(c) = srv.clients.get_mut(cid) {
            c.woff = srv.repl.offset;
        }
        if srv.blocking.count > 0 {
            crate::blocking::handle_ready_keys(srv);
        }
    }
}
