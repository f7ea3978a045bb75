//! Blocking commands (BLPOP, BLMOVE, BZPOPMIN, ... and later XREAD BLOCK, WAIT): one mechanism
//! for all of them.
//!
//! A handler that finds nothing to serve and may block calls `Ctx::block(keys, deadline, type)`
//! and writes no reply. `cmd::call` then parks the client: its argv is kept, it joins the FIFO
//! queue of every key in `Db::blocking`, its deadline goes into the timeout set, and it stops
//! executing input (it keeps reading, so a disconnect is noticed).
//!
//! When a list or sorted set is created under a key with waiters, `Db` queues the key as ready.
//! After each top-level command, `handle_ready_keys` walks the ready keys and, for each waiter in
//! arrival order whose awaited type the key holds, re-runs the waiter's own command through
//! `cmd::call` as if it had just been sent: the handler pops and replies (and the client is
//! unblocked), or calls `block` again, which leaves the client where it is in the queues. The key
//! that became ready is offered first (`Ctx::serve_order`), as Redis 7.0 serves from it.
//!
//! A deadline that passes replies a null array; CLIENT UNBLOCK replies the same or an error; a
//! disconnect just removes the client. Unblocked clients' buffered input is executed from the
//! event loop (`resume_unblocked`).

use std::collections::BTreeSet;

use bytes::Bytes;

use crate::cmd::{Ctx, Error};
use crate::net::client::flag;
use crate::protocol::Reply;
use crate::server::Server;

/// What a blocked client waits for.
#[derive(Debug)]
pub struct Blocked {
    pub db: usize,
    /// The keys, without duplicates, in argument order.
    pub keys: Vec<Vec<u8>>,
    /// Unix ms; 0 = forever.
    pub deadline: i64,
    /// The command to re-run when a key is ready.
    pub argv: Vec<Bytes>,
    /// The `TYPE` a key must hold to serve this client ("list", "zset", "stream"), or
    /// `ANY_CHANGE`: re-run whenever the key is signalled, whatever it holds (XREADGROUP,
    /// which must fail when its stream or group goes away).
    pub kind: &'static str,
}

/// `Blocked::kind` of a waiter re-run on every signal of its key (see there).
pub const ANY_CHANGE: &str = "*";

/// Server-wide blocking state.
#[derive(Default)]
pub struct Blocking {
    /// Blocked clients (INFO `blocked_clients`).
    pub count: usize,
    /// (deadline, slot) of clients with a timeout.
    timeouts: BTreeSet<(i64, usize)>,
    /// Clients unblocked since the loop last ran their buffered input.
    resume: Vec<usize>,
    /// While a waiter's command is re-run: the key that became ready.
    serving: Option<Vec<u8>>,
    /// Set by `Ctx::block` during a re-run: the waiter stays blocked.
    reblocked: bool,
    /// Set by `Ctx::block` during a first run: the client is to be parked.
    request: Option<(Vec<Vec<u8>>, i64, &'static str)>,
    /// Set by `Ctx::block_argv`: the command to re-run instead of the one sent.
    request_argv: Option<Vec<Bytes>>,
}

impl Blocking {
    /// Whether the command running now asked to block.
    #[inline]
    pub fn has_request(&self) -> bool {
        self.request.is_some()
    }

    /// Blocked clients with a deadline (INFO `clients_in_timeout_table`).
    pub fn timeouts_len(&self) -> usize {
        self.timeouts.len()
    }

    /// The earliest deadline of a blocked client, if any.
    pub fn next_deadline(&self) -> Option<i64> {
        self.timeouts.first().map(|&(d, _)| d)
    }
}

/// Parses a blocking timeout in seconds (a double, like Redis 7.0's
/// `getTimeoutFromObjectOrReply`) into an absolute deadline in Unix ms; 0 means forever.
/// As in Redis 7.0.15, a timeout too large for milliseconds reads as negative, and one whose
/// deadline would overflow is already past.
pub fn parse_timeout(arg: &[u8]) -> Result<i64, Error> {
    const NEGATIVE: Error = Error::Msg("ERR timeout is negative");
    let ms: i128 = match crate::protocol::parse_i64(arg) {
        // Whole seconds, exactly (Redis computes in long double, which holds them exactly).
        Some(secs) => secs as i128 * 1000,
        None => {
            let secs = crate::cmd::parse_f64(arg)
                .map_err(|_| Error::Msg("ERR timeout is not a float or out of range"))?;
            let ms = (secs * 1000.0).ceil();
            if ms >= i64::MAX as f64 {
                return Err(NEGATIVE);
            }
            ms as i128
        }
    };
    if ms < 0 || ms > i64::MAX as i128 {
        return Err(NEGATIVE);
    }
    if ms == 0 {
        return Ok(0);
    }
    let now = crate::keyspace::clock::now_ms() as i128;
    Ok(i64::try_from(now + ms).unwrap_or(1))
}

impl Ctx<'_> {
    /// Whether the running command may block (not inside MULTI/EXEC). A blocking command that
    /// may not block answers as its non-blocking form would on empty keys (a null array).
    pub fn may_block(&self) -> bool {
        self.srv.exec_depth == 0
    }

    /// Blocks the calling client on `keys` until `deadline` (Unix ms, 0 = forever), waiting
    /// for one of them to hold a value whose `TYPE` is `kind`. The handler writes no reply.
    pub fn block(&mut self, keys: &[Bytes], deadline: i64, kind: &'static str) {
        let b = &mut self.srv.blocking;
        if b.serving.is_some() {
            b.reblocked = true;
            return;
        }
        let mut uniq: Vec<Vec<u8>> = Vec::with_capacity(keys.len());
        for k in keys {
            if !uniq.iter().any(|u| u[..] == k[..]) {
                uniq.push(k.to_vec());
            }
        }
        b.request = Some((uniq, deadline, kind));
    }

    /// `block`, re-running `argv` instead of the command as sent when a key is ready (XREAD
    /// blocks with its `$` ids made concrete).
    pub fn block_argv(
        &mut self,
        keys: &[Bytes],
        deadline: i64,
        kind: &'static str,
        argv: Vec<Bytes>,
    ) {
        self.block(keys, deadline, kind);
        if self.srv.blocking.request.is_some() {
            self.srv.blocking.request_argv = Some(argv);
        }
    }

    /// While a blocked client's command is re-run: the key that became ready.
    pub fn serving_key(&self) -> Option<&[u8]> {
        self.srv.blocking.serving.as_deref()
    }

    /// The keys of a blocking command in the order to try them: argument order, except that
    /// while a waiter is being served the key that became ready comes first.
    pub fn serve_order<'k>(&self, keys: &'k [Bytes]) -> Vec<&'k Bytes> {
        let mut v: Vec<&Bytes> = keys.iter().collect();
        if let Some(ready) = &self.srv.blocking.serving
            && let Some(i) = v.iter().position(|k| k[..] == ready[..])
        {
            let k = v.remove(i);
            v.insert(0, k);
        }
        v
    }
}

/// What `cmd::call` does after a handler ran, for blocking: parks a client that asked to
/// block, or unblocks a re-run waiter that was served. Returns true if the command did not
/// complete (the client is, or stays, blocked), so it is not counted as a call.
pub(crate) fn after_handler(srv: &mut Server, cid: usize, argv: &[Bytes], rerun: bool) -> bool {
    if rerun {
        if std::mem::take(&mut srv.blocking.reblocked) {
            return true;
        }
        unblock(srv, cid, true);
        return false;
    }
    let Some((keys, deadline, kind)) = srv.blocking.request.take() else {
        return false;
    };
    let argv = srv
        .blocking
        .request_argv
        .take()
        .unwrap_or_else(|| argv.to_vec());
    let Some(c) = srv.clients.get_mut(cid) else {
        return true;
    };
    let db = c.db;
    c.flags |= flag::BLOCKED;
    for k in &keys {
        srv.dbs[db]
            .blocking
            .entry(k.clone())
            .or_default()
            .push_back(cid);
    }
    if deadline > 0 {
        srv.blocking.timeouts.insert((deadline, cid));
    }
    srv.blocking.count += 1;
    c.blocked = Some(Box::new(Blocked {
        db,
        keys,
        deadline,
        argv,
        kind,
    }));
    true
}

/// Whether the client in `cid` is blocked.
pub fn is_blocked(srv: &Server, cid: usize) -> bool {
    srv.clients.get(cid).is_some_and(|c| c.blocked.is_some())
}

/// Takes a client out of every queue. `resume`: run its buffered input from the event loop
/// (false when it is going away).
fn unblock(srv: &mut Server, cid: usize, resume: bool) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    let Some(b) = c.blocked.take() else {
        return;
    };
    c.flags &= !flag::BLOCKED;
    let db = &mut srv.dbs[b.db];
    for k in &b.keys {
        if let Some(q) = db.blocking.get_mut(k) {
            q.retain(|&x| x != cid);
            if q.is_empty() {
                db.blocking.remove(k);
            }
        }
    }
    if b.deadline > 0 {
        srv.blocking.timeouts.remove(&(b.deadline, cid));
    }
    srv.blocking.count -= 1;
    if resume {
        srv.blocking.resume.push(cid);
    }
}

/// Removes a disconnecting client from the blocking state.
pub fn on_client_gone(srv: &mut Server, cid: usize) {
    unblock(srv, cid, false);
}

/// Serves clients blocked on keys that became ready, until no key is ready. Called after each
/// top-level command.
pub(crate) fn handle_ready_keys(srv: &mut Server) {
    while srv.blocking.count > 0 {
        let mut any = false;
        for db in 0..srv.dbs.len() {
            if srv.dbs[db].ready.is_empty() {
                continue;
            }
            any = true;
            let ready = std::mem::take(&mut srv.dbs[db].ready);
            for key in ready {
                serve_key(srv, db, &key);
            }
        }
        if !any {
            break;
        }
    }
    for db in &mut srv.dbs {
        db.ready.clear();
    }
}

fn serve_key(srv: &mut Server, db: usize, key: &[u8]) {
    let Some(queue) = srv.dbs[db].blocking.get(key) else {
        return;
    };
    let waiters: Vec<usize> = queue.iter().copied().collect();
    for cid in waiters {
        let Some(kind) = srv
            .clients
            .get(cid)
            .and_then(|c| c.blocked.as_ref())
            .map(|b| b.kind)
        else {
            continue;
        };
        match srv.dbs[db]
            .get_mut_no_touch(key)
            .map(|e| e.value.type_name())
        {
            _ if kind == ANY_CHANGE => rerun(srv, cid, key),
            Some(t) if t == kind => rerun(srv, cid, key),
            _ => continue,
        }
    }
}

/// Runs a blocked client's command again, with its reply going to its own buffer.
fn rerun(srv: &mut Server, cid: usize, key: &[u8]) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    let Some(argv) = c.blocked.as_ref().map(|b| b.argv.clone()) else {
        return;
    };
    let resp3 = c.out.resp3;
    let mut out = std::mem::replace(&mut c.out, Reply::empty(resp3));
    srv.blocking.serving = Some(key.to_vec());
    crate::cmd::call(srv, &mut out, cid, &argv);
    crate::cmd::propagate::flush(srv);
    srv.blocking.serving = None;
    srv.blocking.reblocked = false;
    put_back(srv, cid, out);
}

/// Restores a client's reply buffer taken for a nested call, keeping anything appended to
/// it meanwhile after it, and schedules a write.
fn put_back(srv: &mut Server, cid: usize, out: Reply) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    c.restore_out(out);
    if c.has_unsent() {
        srv.mark_pending_write(cid);
    }
}

/// Ends the wait of a blocked client with `reply` (a timeout's null array, or CLIENT UNBLOCK's
/// error) and counts the call, as Redis's `updateStatsOnUnblock` does.
fn end_wait(srv: &mut Server, cid: usize, error: Option<&[u8]>) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    match error {
        Some(e) => c.out.error(e),
        None => c.out.null_array(),
    }
    let name = c.last_cmd;
    // Slow log and latency histogram of the ended command (`crate::ops`).
    let argv = c
        .blocked
        .as_ref()
        .map(|b| b.argv.clone())
        .unwrap_or_default();
    unblock(srv, cid, true);
    crate::ops::after_unblock(srv, cid, &argv);
    srv.stats.total_commands += 1;
    let stat = srv.stats.command(name);
    stat.calls += 1;
    if let Some(e) = error {
        stat.failed += 1;
        srv.stats
            .count_error(&String::from_utf8_lossy(&e[..e.len().min(64)]));
    }
    srv.mark_pending_write(cid);
}

/// Ends the wait of a blocked client that waits for something other than keys (WAIT) with
/// the reply `reply` writes, counting the call.
pub fn release_with(srv: &mut Server, cid: usize, reply: impl FnOnce(&mut Reply)) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    if c.blocked.is_none() {
        return;
    }
    reply(&mut c.out);
    let name = c.last_cmd;
    // Slow log and latency histogram of the ended command (`crate::ops`).
    let argv = c
        .blocked
        .as_ref()
        .map(|b| b.argv.clone())
        .unwrap_or_default();
    unblock(srv, cid, true);
    crate::ops::after_unblock(srv, cid, &argv);
    srv.stats.total_commands += 1;
    srv.stats.command(name).calls += 1;
    srv.mark_pending_write(cid);
}

/// Ends a wait as its timeout does: a null array, or for WAIT the number of replicas that
/// acknowledged (`crate::repl`).
fn time_out(srv: &mut Server, cid: usize) {
    let wait = srv
        .clients
        .get(cid)
        .and_then(|c| c.blocked.as_ref())
        .is_some_and(|b| b.kind == "wait");
    if wait {
        let n = crate::repl::wait_timeout_count(srv, cid);
        release_with(srv, cid, |out| out.int(n));
    } else {
        end_wait(srv, cid, None);
    }
}

/// Times out every blocked client whose deadline has passed.
pub(crate) fn handle_timeouts(srv: &mut Server) {
    let now = crate::keyspace::clock::now_ms();
    while let Some(&(deadline, cid)) = srv.blocking.timeouts.first() {
        if deadline > now {
            break;
        }
        srv.blocking.timeouts.remove(&(deadline, cid));
        time_out(srv, cid);
    }
}

/// CLIENT UNBLOCK: ends a blocked client's wait as a timeout (`error` false) or with Redis's
/// UNBLOCKED error. Returns false if the client was not blocked.
pub fn client_unblock(srv: &mut Server, cid: usize, error: bool) -> bool {
    if !is_blocked(srv, cid) {
        return false;
    }
    let e: &[u8] = b"UNBLOCKED client unblocked via CLIENT UNBLOCK";
    if error {
        end_wait(srv, cid, Some(e));
    } else {
        time_out(srv, cid);
    }
    true
}

/// Executes the buffered input of clients unblocked since the last call (from the event loop).
pub(crate) fn resume_unblocked(srv: &mut Server) {
    while !srv.blocking.resume.is_empty() {
        let resume = std::mem::take(&mut srv.blocking.resume);
        for cid in resume {
            if srv.clients.get(cid).is_some_and(|c| !c.closing) {
                srv.process_input(cid);
            }
        }
    }
}
