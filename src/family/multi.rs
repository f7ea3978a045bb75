//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. The queueing itself is in `cmd::call`
//! and the WATCH bookkeeping in `crate::multi`; these handlers only start, run and end them.

use bytes::Bytes;

use crate::cmd::table::{Command, NO_KEYS, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error};
use crate::keyspace::clock;
use crate::multi;
use crate::net::client::flag;

/// MULTI
fn cmd_multi(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let c = &mut ctx.srv.clients[ctx.cid];
    if c.has(flag::MULTI) {
        return Err(Error::Msg("ERR MULTI calls can not be nested"));
    }
    c.flags |= flag::MULTI;
    ctx.out.ok();
    Ok(())
}

/// DISCARD
fn cmd_discard(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if !ctx.srv.clients[ctx.cid].has(flag::MULTI) {
        return Err(Error::Msg("ERR DISCARD without MULTI"));
    }
    multi::discard(ctx.srv, ctx.cid);
    ctx.out.ok();
    Ok(())
}

/// Whether a key the client WATCHes has expired since (Redis's `isWatchedKeyExpired`): a
/// logically expired key counts as changed even before it is deleted.
fn watched_key_expired(ctx: &Ctx) -> bool {
    let now = clock::now_ms();
    ctx.srv.clients[ctx.cid].watched.iter().any(|(db, key)| {
        ctx.srv.dbs[*db]
            .expire_at(key)
            .is_some_and(|at| at != 0 && at <= now)
    })
}

/// EXEC: runs the queued commands back to back through `cmd::call`, replying one array.
fn cmd_exec(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let cid = ctx.cid;
    if !ctx.srv.clients[cid].has(flag::MULTI) {
        return Err(Error::Msg("ERR EXEC without MULTI"));
    }
    if watched_key_expired(ctx) {
        ctx.srv.clients[cid].flags |= flag::DIRTY_CAS;
    }
    let c = &ctx.srv.clients[cid];
    if c.has(flag::DIRTY_EXEC) {
        multi::discard(ctx.srv, cid);
        return Err(Error::Msg(
            "EXECABORT Transaction discarded because of previous errors.",
        ));
    }
    if c.has(flag::DIRTY_CAS) {
        multi::discard(ctx.srv, cid);
        ctx.out.null_array();
        return Ok(());
    }
    multi::unwatch_all(ctx.srv, cid);
    let queue = std::mem::take(&mut ctx.srv.clients[cid].multi);
    ctx.out.array(queue.len());
    // The selected database may change inside (SELECT): commands run with the client's own.
    ctx.srv.clients[cid].db = ctx.db;
    ctx.srv.exec_depth += 1;
    for argv in &queue {
        if ctx.srv.clients.get(cid).is_none_or(|c| c.closing) {
            break;
        }
        crate::cmd::call(ctx.srv, ctx.out, cid, argv);
    }
    ctx.srv.exec_depth -= 1;
    if let Some(c) = ctx.srv.clients.get(cid) {
        ctx.db = c.db;
    }
    multi::discard(ctx.srv, cid);
    Ok(())
}

/// WATCH key [key ...]
fn cmd_watch(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if ctx.srv.clients[ctx.cid].has(flag::MULTI) {
        return Err(Error::Msg("ERR WATCH inside MULTI is not allowed"));
    }
    for key in &argv[1..] {
        // An already expired key is deleted now, so that its deletion does not count as a
        // change after WATCH.
        ctx.srv.dbs[ctx.db].contains(key);
        ctx.srv.drain_expired(Some((ctx.cid, &mut *ctx.out)));
        multi::watch(ctx.srv, ctx.cid, ctx.db, key);
    }
    ctx.out.ok();
    Ok(())
}

/// UNWATCH
fn cmd_unwatch(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    multi::unwatch_all(ctx.srv, ctx.cid);
    ctx.out.ok();
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command::new(
        "multi",
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        NO_KEYS,
        cmd_multi,
    ),
    Command::new(
        "exec",
        1,
        NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG,
        NO_KEYS,
        cmd_exec,
    ),
    Command::new(
        "discard",
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        NO_KEYS,
        cmd_discard,
    ),
    Command::new(
        "watch",
        -2,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        keys(1, -1, 1),
        cmd_watch,
    ),
    Command::new(
        "unwatch",
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        NO_KEYS,
        cmd_unwatch,
    ),
];
