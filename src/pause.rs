//! Pausing clients (Redis 7.0's pauseClients / unpauseClients, networking.c): CLIENT PAUSE
//! and UNPAUSE, and the API other parts use to hold writes (a failover, shutdown).
//!
//! What it owns: one pause per purpose (its kind and end time, Unix ms), the resulting pause
//! (the most restrictive kind among the live ones and the furthest end time of that kind), and
//! the postponed clients, in the order they were held.
//!
//! Rules, as Redis 7.0.15:
//! - `cmd::call` checks a command last, after every check that can reject it and before MULTI
//!   queueing: while the pause is ALL, every command is held; while it is WRITE, the commands
//!   that may replicate (write commands, EXEC of a transaction that queued one, PUBLISH,
//!   SPUBLISH, PFCOUNT, EVAL/EVALSHA/FCALL unless the script declares `no-writes`). Replica
//!   links are never held, commands inside EXEC or a script neither.
//! - A held client keeps its command (argv) here and executes nothing more (flag `POSTPONED`:
//!   `b` in CLIENT LIST, counted in INFO `blocked_clients`) but keeps reading, so a disconnect
//!   is noticed.
//! - When the pause ends or becomes less restrictive (UNPAUSE, or the end time passed, noticed by
//!   the cron or by the next check), every held client is released in the order it was held:
//!   its command is run again from the start (it may be held again) and then its buffered
//!   input (`resume`, from the event loop).
//! - While paused, the dataset stays still: active expiry and eviction do not run, and a lazy
//!   lookup of an expired key answers as if missing without deleting it (`Db::keep_expired`).
//!
//! Differences, on purpose: CLIENT UNBLOCK leaves a held client alone and answers 0 (Redis
//! 7.0.15 aborts on an assertion when asked to unblock one). Our master's link, on a replica, is
//! held like any client, as in Redis, but the held command counts in the replication offset when
//! it is received rather than when it runs.
//!
//! API for other parts (a failover, SHUTDOWN waiting for replicas): `Server::pause(purpose,
//! end_ms, kind)`, `Server::unpause(purpose)`, `Server::paused_now()`, `Pause::kind()`.

use std::collections::VecDeque;

use bytes::Bytes;

use crate::cmd::table::Command;
use crate::cmd::{Error, flags as cf};
use crate::keyspace::clock;
use crate::net::client::flag;
use crate::protocol::Reply;
use crate::server::Server;

/// How much is paused, least to most restrictive (Redis's pause_type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum PauseKind {
    #[default]
    Off,
    /// Commands that may replicate are held.
    Write,
    /// Every command is held.
    All,
}

/// Who paused (Redis's pause_purpose): each purpose has its own pause; the strictest wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// CLIENT PAUSE / UNPAUSE.
    ClientCommand = 0,
    /// SHUTDOWN waiting for replicas to catch up.
    Shutdown = 1,
    /// FAILOVER (Sentinel or the FAILOVER command) while the replica catches up.
    Failover = 2,
}

/// A client held by the pause, with the command it sent.
struct Held {
    slot: usize,
    id: u64,
    argv: Vec<Bytes>,
}

/// Server-wide pause state.
#[derive(Default)]
pub struct Pause {
    per: [Option<(PauseKind, i64)>; 3],
    kind: PauseKind,
    end: i64,
    held: VecDeque<Held>,
    /// Released clients, to run from the event loop in this order.
    release: VecDeque<Held>,
}

impl Pause {
    /// The pause in force (without looking at the clock).
    #[inline]
    pub fn kind(&self) -> PauseKind {
        self.kind
    }

    /// When the pause in force ends, Unix ms (0 when off).
    pub fn end(&self) -> i64 {
        self.end
    }

    /// Held clients (counted in INFO `blocked_clients`, as Redis's BLOCKED_POSTPONE).
    pub fn held_count(&self) -> usize {
        self.held.len()
    }
}

impl Server {
    /// Pauses clients for `purpose` until `end_ms` (Unix ms). A pause already set for the
    /// purpose is extended to the later end and the stricter kind (Redis's pauseClients).
    pub fn pause(&mut self, purpose: Purpose, end_ms: i64, kind: PauseKind) {
        let p = &mut self.pause.per[purpose as usize];
        *p = Some(match *p {
            Some((k, e)) => (k.max(kind), e.max(end_ms)),
            None => (kind, end_ms),
        });
        update(self);
    }

    /// Ends the pause of `purpose` (Redis's unpauseClients); the held clients resume if no
    /// other purpose holds them.
    pub fn unpause(&mut self, purpose: Purpose) {
        if self.pause.per[purpose as usize].take().is_some() {
            update(self);
        }
    }

    /// Whether clients are paused now, ending a pause whose time has passed (Redis's
    /// checkClientPauseTimeoutAndReturnIfPaused).
    pub fn paused_now(&mut self) -> bool {
        if self.pause.kind == PauseKind::Off {
            return false;
        }
        if self.pause.end < clock::now_ms() {
            update(self);
        }
        self.pause.kind != PauseKind::Off
    }
}

/// Recomputes the pause from the live purposes (Redis's updateClientPauseTypeAndEndTime): drops
/// expired ones; if the pause became less restrictive, releases every held client.
fn update(srv: &mut Server) {
    let now = clock::now_ms();
    let old = srv.pause.kind;
    let mut kind = PauseKind::Off;
    for p in srv.pause.per.iter_mut() {
        match *p {
            Some((_, end)) if end < now => *p = None,
            Some((k, _)) if k > kind => kind = k,
            _ => {}
        }
    }
    let end = srv
        .pause
        .per
        .iter()
        .flatten()
        .filter(|(k, _)| *k == kind)
        .map(|&(_, e)| e)
        .max()
        .unwrap_or(0);
    srv.pause.kind = kind;
    srv.pause.end = end;
    let keep = kind != PauseKind::Off;
    for d in srv.dbs.iter_mut() {
        d.keep_expired = keep;
    }
    if kind < old {
        let held = std::mem::take(&mut srv.pause.held);
        srv.pause.release.extend(held);
    }
}

/// From the cron: ends a pause whose time has passed.
pub fn cron(srv: &mut Server) {
    srv.paused_now();
}

/// Whether `cmd` may replicate (Redis's is_may_replicate_command with getCommandFlags): write
/// commands, PUBLISH, SPUBLISH, PFCOUNT, scripts that do not declare `no-writes`, and EXEC of
/// a transaction with any of those.
fn may_replicate(srv: &Server, cid: usize, cmd: &Command, argv: &[Bytes]) -> bool {
    if cmd.has(cf::WRITE) {
        return true;
    }
    match cmd.name {
        "publish" | "spublish" | "pfcount" => true,
        "eval" | "evalsha" | "fcall" => script_may_write(srv, cmd.name, argv),
        "exec" => srv.clients[cid].multi.iter().any(|q| {
            crate::cmd::resolve(q).is_ok_and(|c| c.name != "exec" && may_replicate(srv, cid, c, q))
        }),
        _ => false,
    }
}

/// Redis's evalGetCommandFlags / fcallGetCommandFlags: a script with a shebang (or a function)
/// may replicate unless it declares `no-writes`; without one (or unknown) it may.
fn script_may_write(srv: &Server, name: &str, argv: &[Bytes]) -> bool {
    use crate::script::flags as sf;
    let Some(arg) = argv.get(1) else {
        return true;
    };
    let flags = match name {
        "fcall" => match srv.scripting.function(arg) {
            Some((_, f, _)) => f,
            None => return true,
        },
        "evalsha" => {
            if arg.len() != 40 {
                return true;
            }
            let sha = String::from_utf8_lossy(arg).to_ascii_lowercase();
            match srv.scripting.script(&sha) {
                Some((_, f)) => f,
                None => return true,
            }
        }
        _ => {
            let sha = crate::script::sha1hex(arg);
            match srv.scripting.script(&sha) {
                Some((_, f)) => f,
                None => match crate::script::parse_shebang(arg) {
                    Ok((f, _)) => f,
                    Err(_) => return true,
                },
            }
        }
    };
    if flags & sf::EVAL_COMPAT != 0 {
        return true;
    }
    flags & sf::NO_WRITES == 0
}

/// The check of `cmd::call` while a pause is in force: holds the client and returns true if
/// `cmd` must wait.
pub fn hold_if_paused(srv: &mut Server, cid: usize, cmd: &Command, argv: &[Bytes]) -> bool {
    let c = &srv.clients[cid];
    // Replicas are never paused.
    if c.repl.as_ref().is_some_and(|l| l.is_replica()) {
        return false;
    }
    let hold = match srv.pause.kind {
        PauseKind::Off => false,
        PauseKind::All => true,
        PauseKind::Write => may_replicate(srv, cid, cmd, argv),
    };
    if hold {
        let c = &mut srv.clients[cid];
        c.flags |= flag::POSTPONED;
        let id = c.id;
        srv.pause.held.push_back(Held {
            slot: cid,
            id,
            argv: argv.to_vec(),
        });
    }
    hold
}

/// A held client disconnected.
pub fn on_client_gone(srv: &mut Server, cid: usize) {
    let gone = |h: &Held| h.slot == cid;
    srv.pause.held.retain(|h| !gone(h));
    srv.pause.release.retain(|h| !gone(h));
}

/// From the event loop: runs the released clients' commands, then their buffered input, in the
/// order they were held.
pub fn resume(srv: &mut Server) {
    while let Some(h) = srv.pause.release.pop_front() {
        let Some(c) = srv.clients.get_mut(h.slot) else {
            continue;
        };
        if c.id != h.id || c.closing {
            continue;
        }
        c.flags &= !flag::POSTPONED;
        let resp3 = c.out.resp3;
        let mut out = std::mem::replace(&mut c.out, Reply::empty(resp3));
        crate::cmd::call(srv, &mut out, h.slot, &h.argv);
        let Some(c) = srv.clients.get_mut(h.slot) else {
            continue;
        };
        c.restore_out(out);
        srv.mark_pending_write(h.slot);
        if !srv.clients[h.slot].waiting() {
            srv.process_input(h.slot);
        }
    }
}

/// CLIENT PAUSE timeout [WRITE|ALL]
pub fn client_pause(srv: &mut Server, argv: &[Bytes]) -> Result<(), Error> {
    let mut kind = PauseKind::All;
    if let Some(mode) = argv.get(3) {
        if mode.eq_ignore_ascii_case(b"write") {
            kind = PauseKind::Write;
        } else if mode.eq_ignore_ascii_case(b"all") {
            kind = PauseKind::All;
        } else {
            return Err(Error::Msg("ERR CLIENT PAUSE mode must be WRITE or ALL"));
        }
    }
    let end = parse_timeout_ms(&argv[2])?;
    srv.pause(Purpose::ClientCommand, end, kind);
    Ok(())
}

/// Redis's getTimeoutFromObjectOrReply in milliseconds: an integer, not negative; the end time
/// as an absolute Unix ms (0 stays 0, which is already past).
fn parse_timeout_ms(arg: &[u8]) -> Result<i64, Error> {
    let ms = crate::cmd::parse_int(arg)
        .map_err(|_| Error::Msg("ERR timeout is not an integer or out of range"))?;
    if ms < 0 {
        return Err(Error::Msg("ERR timeout is negative"));
    }
    if ms == 0 {
        return Ok(0);
    }
    Ok(ms.saturating_add(clock::now_ms()))
}
