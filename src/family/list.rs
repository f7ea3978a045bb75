//! List commands, as Redis 7.0's `t_list.c`: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP (with
//! COUNT), LLEN, LRANGE, LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS, LMOVE, RPOPLPUSH, LMPOP and
//! the blocking BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP.
//!
//! Argument checks, lookups and replies come in Redis's order (what is parsed before the key
//! is looked up decides which error a bad call gets). A list that becomes empty is deleted,
//! with the command's event followed by `del`. Read commands count keyspace hits and misses,
//! write commands don't (`lookupKeyWrite`).
//!
//! The blocking commands use `crate::blocking`: they serve from the first non-empty key in
//! `serve_order`, otherwise block (or, inside MULTI, answer as on empty keys). What they
//! propagate is the non-blocking command Redis rewrites them to: `LPOP key` / `RPOP key`,
//! `LPOP key n` for BLMPOP and LMPOP, `LMOVE` / `RPOPLPUSH` for BLMOVE and BRPOPLPUSH.

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::keyspace::events::class;
use crate::keyspace::{Db, Ttl, Value, ValueRef};
use crate::net::client::flag as client_flag;
use crate::protocol::Reply;
use crate::server::Server;
use crate::types::List;

/// The list at `key` for writing (`lookupKeyWrite` + `checkType`): `None` if missing.
fn write_list<'a>(db: &'a mut Db, key: &[u8]) -> Result<Option<&'a mut List>, Error> {
    match db.get_mut(key) {
        None => Ok(None),
        Some(e) => match e.value {
            Value::List(l) => Ok(Some(l)),
            _ => Err(Error::WrongType),
        },
    }
}

/// The list at `key` for reading (`lookupKeyRead` + `checkType`, see `keyspace::lookup`).
fn read_list<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<Option<&'a List>, Error> {
    match srv.lookup_read(db, key, crate::keyspace::lookup::NONE) {
        None => Ok(None),
        Some(e) => match e.value {
            ValueRef::Obj(Value::List(l)) => Ok(Some(l)),
            _ => Err(Error::WrongType),
        },
    }
}

#[inline]
fn fill(ctx: &Ctx) -> i64 {
    ctx.srv.config.list_max_listpack_size
}

/// `LEFT` / `RIGHT` (`getListPositionFromObjectOrReply`): true for left.
fn parse_where(arg: &[u8]) -> Result<bool, Error> {
    if is(arg, "left") {
        Ok(true)
    } else if is(arg, "right") {
        Ok(false)
    } else {
        Err(Error::Syntax)
    }
}

/// An integer in `min..=i64::MAX`, or `msg` for anything else (`getRangeLongFromObjectOrReply`
/// with a message).
fn parse_at_least(arg: &[u8], min: i64, msg: &'static str) -> Result<i64, Error> {
    match parse_int(arg) {
        Ok(n) if n >= min => Ok(n),
        _ => Err(Error::Msg(msg)),
    }
}

fn pop_event(left: bool) -> &'static str {
    if left { "lpop" } else { "rpop" }
}

fn push_event(left: bool) -> &'static str {
    if left { "lpush" } else { "rpush" }
}

/// Writes `l[start..=end]` (Redis indexes, negative from the tail) as an array, in reverse if
/// asked (`addListRangeReply`).
fn reply_range(out: &mut Reply, l: &List, start: i64, end: i64, reverse: bool) {
    let llen = l.len() as i64;
    let mut start = if start < 0 { llen + start } else { start };
    let mut end = if end < 0 { llen + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        out.array(0);
        return;
    }
    if end >= llen {
        end = llen - 1;
    }
    let n = (end - start + 1) as usize;
    out.array(n);
    if reverse {
        for v in l.iter_rev_from(end as usize).take(n) {
            out.bulk(v);
        }
    } else {
        for v in l.iter_from(start as usize).take(n) {
            out.bulk(v);
        }
    }
}

/// Replies with the first (`left`) or last `count` elements, nearest end first, and removes
/// them. Returns how many.
fn pop_range(out: &mut Reply, l: &mut List, left: bool, count: i64) -> usize {
    let n = (count.max(0) as u64).min(l.len() as u64) as i64;
    if left {
        reply_range(out, l, 0, n - 1, false);
        l.trim_front(n as usize);
    } else {
        reply_range(out, l, -n, -1, true);
        l.trim_back(n as usize);
    }
    n as usize
}

/// Deletes `key` if its list became empty, with the `del` event Redis sends after the
/// command's own.
fn delete_if_empty(ctx: &mut Ctx, key: &[u8], empty: bool) {
    if empty {
        ctx.db().remove(key);
        ctx.notify(class::GENERIC, "del", key);
    }
}

/// After `n` elements were popped from `key` (`listElementsRemoved`): the pop event, the
/// deletion of an emptied list with its `del` event, the dirty count.
fn elements_removed(ctx: &mut Ctx, key: &[u8], left: bool, n: usize, empty: bool) {
    ctx.changed(class::LIST, pop_event(left), key);
    delete_if_empty(ctx, key, empty);
    ctx.dirty(n as u64);
}

// ---------------------------------------------------------------------------------------------
// Pushes and pops.

/// LPUSH/RPUSH/LPUSHX/RPUSHX (`pushGenericCommand`); `xx`: only onto an existing list.
fn push_generic(ctx: &mut Ctx, argv: &[Bytes], left: bool, xx: bool) -> CmdResult {
    let key = &argv[1];
    let fill = fill(ctx);
    let db = ctx.db();
    let len = match write_list(db, key)? {
        Some(l) => {
            for v in &argv[2..] {
                l.push(v, left, fill);
            }
            l.len()
        }
        None if xx => {
            ctx.out.int(0);
            return Ok(());
        }
        None => {
            let mut l = List::new();
            for v in &argv[2..] {
                l.push(v, left, fill);
            }
            let len = l.len();
            db.set(key, Value::List(Box::new(l)), Ttl::Clear);
            len
        }
    };
    ctx.dirty((argv.len() - 2) as u64);
    ctx.out.int(len as i64);
    ctx.changed(class::LIST, push_event(left), key);
    Ok(())
}

/// LPUSH key element [element ...]
fn cmd_lpush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    push_generic(ctx, argv, true, false)
}

/// RPUSH key element [element ...]
fn cmd_rpush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    push_generic(ctx, argv, false, false)
}

/// LPUSHX key element [element ...]
fn cmd_lpushx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    push_generic(ctx, argv, true, true)
}

/// RPUSHX key element [element ...]
fn cmd_rpushx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    push_generic(ctx, argv, false, true)
}

/// LPOP/RPOP key [count] (`popGenericCommand`): without a count a missing key is a null
/// bulk, with one a null array; COUNT 0 is an empty array.
fn pop_generic(ctx: &mut Ctx, argv: &[Bytes], left: bool) -> CmdResult {
    if argv.len() > 3 {
        return Err(Error::err(format_args!(
            "wrong number of arguments for '{}' command",
            ctx.cmd.name
        )));
    }
    let count = match argv.get(2) {
        Some(a) => Some(parse_at_least(
            a,
            0,
            "ERR value is out of range, must be positive",
        )?),
        None => None,
    };
    let key = &argv[1];
    let out = &mut *ctx.out;
    let Some(l) = write_list(&mut ctx.srv.dbs[ctx.db], key)? else {
        if count.is_some() {
            out.null_array();
        } else {
            out.null();
        }
        return Ok(());
    };
    let n = match count {
        Some(0) => {
            out.array(0);
            return Ok(());
        }
        Some(c) => pop_range(out, l, left, c),
        None => {
            if let Some(v) = l.pop(left) {
                out.bulk(&v);
            }
            1
        }
    };
    let empty = l.is_empty();
    elements_removed(ctx, key, left, n, empty);
    Ok(())
}

/// LPOP key [count]
fn cmd_lpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    pop_generic(ctx, argv, true)
}

/// RPOP key [count]
fn cmd_rpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    pop_generic(ctx, argv, false)
}

// ---------------------------------------------------------------------------------------------
// Reading.

/// LLEN key
fn cmd_llen(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = read_list(ctx.srv, ctx.db, &argv[1])?.map_or(0, |l| l.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// LRANGE key start stop
fn cmd_lrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let start = parse_int(&argv[2])?;
    let end = parse_int(&argv[3])?;
    match read_list(ctx.srv, ctx.db, &argv[1])? {
        Some(l) => reply_range(ctx.out, l, start, end, false),
        None => ctx.out.array(0),
    }
    Ok(())
}

/// LINDEX key index: a missing key answers null before the index is parsed.
fn cmd_lindex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(l) = read_list(ctx.srv, ctx.db, &argv[1])? else {
        ctx.out.null();
        return Ok(());
    };
    let i = parse_int(&argv[2])?;
    match l.index(i).and_then(|i| l.get(i)) {
        Some(v) => ctx.out.bulk(v),
        None => ctx.out.null(),
    }
    Ok(())
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
fn cmd_lpos(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut rank: i64 = 1;
    let mut count: i64 = -1;
    let mut maxlen: i64 = 0;
    let mut j = 3;
    while j < argv.len() {
        let more = j + 1 < argv.len();
        let opt = &argv[j];
        if is(opt, "rank") && more {
            j += 1;
            rank = parse_int(&argv[j])?;
            if rank == 0 {
                return Err(Error::Msg(
                    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
                ));
            }
        } else if is(opt, "count") && more {
            j += 1;
            count = parse_at_least(&argv[j], 0, "ERR COUNT can't be negative")?;
        } else if is(opt, "maxlen") && more {
            j += 1;
            maxlen = parse_at_least(&argv[j], 0, "ERR MAXLEN can't be negative")?;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    let mut from_tail = false;
    if rank < 0 {
        // Like Redis, -LONG_MIN stays negative (and then matches from the first one).
        rank = rank.wrapping_neg();
        from_tail = true;
    }
    let ele = &argv[2];
    let out = &mut *ctx.out;
    let Some(l) = read_list(ctx.srv, ctx.db, &argv[1])? else {
        if count != -1 {
            out.array(0);
        } else {
            out.null();
        }
        return Ok(());
    };
    let llen = l.len() as i64;
    let iter: Box<dyn Iterator<Item = &[u8]>> = if from_tail {
        Box::new(l.iter_rev())
    } else {
        Box::new(l.iter())
    };
    let mut found: Vec<i64> = Vec::new();
    let mut matches: i64 = 0;
    let mut single: Option<i64> = None;
    for (index, v) in (0i64..).zip(iter) {
        if maxlen != 0 && index >= maxlen {
            break;
        }
        if v != &ele[..] {
            continue;
        }
        matches += 1;
        if matches < rank {
            continue;
        }
        let at = if from_tail { llen - index - 1 } else { index };
        if count == -1 {
            single = Some(at);
            break;
        }
        found.push(at);
        if count != 0 && matches.wrapping_sub(rank).wrapping_add(1) >= count {
            break;
        }
    }
    if count != -1 {
        out.array(found.len());
        for i in found {
            out.int(i);
        }
    } else {
        match single {
            Some(i) => out.int(i),
            None => out.null(),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Changes in place.

/// LSET key index element
fn cmd_lset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let fill = fill(ctx);
    let Some(l) = write_list(ctx.db(), &argv[1])? else {
        return Err(Error::NoSuchKey);
    };
    let i = parse_int(&argv[2])?;
    let done = match l.index(i) {
        Some(i) => l.set(i, &argv[3], fill),
        None => false,
    };
    if !done {
        return Err(Error::Msg("ERR index out of range"));
    }
    ctx.out.ok();
    ctx.changed(class::LIST, "lset", &argv[1]);
    ctx.dirty(1);
    Ok(())
}

/// LINSERT key BEFORE|AFTER pivot element: the new length, -1 if the pivot is not found, 0
/// if the key does not exist.
fn cmd_linsert(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let after = if is(&argv[2], "after") {
        true
    } else if is(&argv[2], "before") {
        false
    } else {
        return Err(Error::Syntax);
    };
    let fill = fill(ctx);
    let Some(l) = write_list(ctx.db(), &argv[1])? else {
        ctx.out.int(0);
        return Ok(());
    };
    if !l.insert(&argv[3], &argv[4], after, fill) {
        ctx.out.int(-1);
        return Ok(());
    }
    let len = l.len();
    ctx.changed(class::LIST, "linsert", &argv[1]);
    ctx.dirty(1);
    ctx.out.int(len as i64);
    Ok(())
}

/// LREM key count element
fn cmd_lrem(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let count = parse_int(&argv[2])?;
    let key = &argv[1];
    let Some(l) = write_list(ctx.db(), key)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let removed = l.remove(
        &argv[3],
        count.unsigned_abs().try_into().unwrap_or(usize::MAX),
        count < 0,
    );
    let empty = l.is_empty();
    ctx.dirty(removed as u64);
    if removed > 0 {
        ctx.changed(class::LIST, "lrem", key);
    }
    delete_if_empty(ctx, key, empty);
    ctx.out.int(removed as i64);
    Ok(())
}

/// LTRIM key start stop
fn cmd_ltrim(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let start = parse_int(&argv[2])?;
    let end = parse_int(&argv[3])?;
    let key = &argv[1];
    let Some(l) = write_list(ctx.db(), key)? else {
        ctx.out.ok();
        return Ok(());
    };
    let llen = l.len() as i64;
    let mut start = if start < 0 { llen + start } else { start };
    let mut end = if end < 0 { llen + end } else { end };
    if start < 0 {
        start = 0;
    }
    let (ltrim, rtrim) = if start > end || start >= llen {
        (llen, 0)
    } else {
        if end >= llen {
            end = llen - 1;
        }
        (start, llen - end - 1)
    };
    l.trim_front(ltrim as usize);
    l.trim_back(rtrim as usize);
    let empty = l.is_empty();
    ctx.changed(class::LIST, "ltrim", key);
    delete_if_empty(ctx, key, empty);
    ctx.dirty((ltrim + rtrim) as u64);
    ctx.out.ok();
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Moves.

/// Moves one element from the `from_left` end of `src` to the `to_left` end of `dst` and
/// replies with it (`lmoveGenericCommand`). Returns false, having replied nothing, if `src`
/// does not exist.
fn lmove_generic(
    ctx: &mut Ctx,
    src: &[u8],
    dst: &[u8],
    from_left: bool,
    to_left: bool,
) -> Result<bool, Error> {
    let fill = fill(ctx);
    let db = ctx.db();
    let Some(l) = write_list(db, src)? else {
        return Ok(false);
    };
    let src_empty;
    let v;
    if src == dst {
        // Rotation: the element goes back into the same list, which never empties.
        let Some(x) = l.pop(from_left) else {
            return Ok(false);
        };
        l.push(&x, to_left, fill);
        src_empty = false;
        v = x;
    } else {
        // The destination's type is checked before anything changes.
        write_list(db, dst)?;
        let Some(l) = write_list(db, src)? else {
            return Ok(false);
        };
        let Some(x) = l.pop(from_left) else {
            return Ok(false);
        };
        src_empty = l.is_empty();
        match write_list(db, dst)? {
            Some(d) => d.push(&x, to_left, fill),
            None => {
                let mut d = List::new();
                d.push(&x, to_left, fill);
                db.set(dst, Value::List(Box::new(d)), Ttl::Clear);
            }
        }
        v = x;
    }
    ctx.changed(class::LIST, push_event(to_left), dst);
    ctx.out.bulk(&v);
    ctx.changed(class::LIST, pop_event(from_left), src);
    delete_if_empty(ctx, src, src_empty);
    ctx.dirty(1);
    Ok(true)
}

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
fn cmd_lmove(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let from = parse_where(&argv[3])?;
    let to = parse_where(&argv[4])?;
    if !lmove_generic(ctx, &argv[1], &argv[2], from, to)? {
        ctx.out.null();
    }
    Ok(())
}

/// RPOPLPUSH source destination
fn cmd_rpoplpush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if !lmove_generic(ctx, &argv[1], &argv[2], false, true)? {
        ctx.out.null();
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Multi-key pops and blocking.

fn side_name(left: bool) -> Bytes {
    Bytes::from_static(if left { b"LEFT" } else { b"RIGHT" })
}

/// Pops from the first non-empty list of `keys` (in `serve_order`): one element replied as
/// `[key, element]` when `count` is `None` (BLPOP), else up to `count` as `[key, [elements]]`
/// (LMPOP). WRONGTYPE for a non-list met before it. Returns whether it served.
fn mpop_serve(
    ctx: &mut Ctx,
    keys: &[Bytes],
    left: bool,
    count: Option<i64>,
) -> Result<bool, Error> {
    for key in ctx.serve_order(keys) {
        let out = &mut *ctx.out;
        let Some(l) = write_list(&mut ctx.srv.dbs[ctx.db], key)? else {
            continue;
        };
        if l.is_empty() {
            continue;
        }
        let cmd = Bytes::from_static(if left { b"LPOP" } else { b"RPOP" });
        let n;
        let propagate = match count {
            Some(c) => {
                out.array(2);
                out.bulk(key);
                n = pop_range(out, l, left, c);
                vec![cmd, key.clone(), Bytes::from(n.to_string())]
            }
            None => {
                let Some(v) = l.pop(left) else {
                    continue;
                };
                out.array(2);
                out.bulk(key);
                out.bulk(&v);
                n = 1;
                vec![cmd, key.clone()]
            }
        };
        let empty = l.is_empty();
        elements_removed(ctx, key, left, n, empty);
        ctx.propagate_as(propagate);
        return Ok(true);
    }
    Ok(false)
}

/// BLPOP/BRPOP/BLMPOP (`blockingPopGenericCommand`): the timeout is checked first.
fn blocking_pop(
    ctx: &mut Ctx,
    keys: &[Bytes],
    left: bool,
    timeout_arg: &[u8],
    count: Option<i64>,
) -> CmdResult {
    let deadline = crate::blocking::parse_timeout(timeout_arg)?;
    if mpop_serve(ctx, keys, left, count)? {
        return Ok(());
    }
    if !ctx.may_block() {
        ctx.out.null_array();
        return Ok(());
    }
    ctx.block(keys, deadline, "list");
    Ok(())
}

/// BLPOP key [key ...] timeout
fn cmd_blpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = argv.len();
    blocking_pop(ctx, &argv[1..n - 1], true, &argv[n - 1], None)
}

/// BRPOP key [key ...] timeout
fn cmd_brpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = argv.len();
    blocking_pop(ctx, &argv[1..n - 1], false, &argv[n - 1], None)
}

/// LMPOP/BLMPOP argument parsing (`lmpopGenericCommand`): numkeys at `numkeys_idx`, then the
/// keys, LEFT|RIGHT and an optional COUNT. Returns (keys, left, count).
fn parse_mpop(argv: &[Bytes], numkeys_idx: usize) -> Result<(&[Bytes], bool, i64), Error> {
    let numkeys = parse_at_least(
        &argv[numkeys_idx],
        1,
        "ERR numkeys should be greater than 0",
    )?;
    let where_idx = usize::try_from(numkeys)
        .ok()
        .and_then(|n| n.checked_add(numkeys_idx + 1))
        .filter(|&w| w < argv.len())
        .ok_or(Error::Syntax)?;
    let left = parse_where(&argv[where_idx])?;
    let mut count = -1;
    let mut j = where_idx + 1;
    while j < argv.len() {
        if count == -1 && is(&argv[j], "count") && j + 1 < argv.len() {
            j += 1;
            count = parse_at_least(&argv[j], 1, "ERR count should be greater than 0")?;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    if count == -1 {
        count = 1;
    }
    Ok((&argv[numkeys_idx + 1..where_idx], left, count))
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
fn cmd_lmpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (keys, left, count) = parse_mpop(argv, 1)?;
    if !mpop_serve(ctx, keys, left, Some(count))? {
        ctx.out.null_array();
    }
    Ok(())
}

/// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
fn cmd_blmpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (keys, left, count) = parse_mpop(argv, 2)?;
    blocking_pop(ctx, keys, left, &argv[1], Some(count))
}

/// BLMOVE/BRPOPLPUSH (`blmoveGenericCommand`): blocks on the source only. Inside MULTI an
/// empty source answers a null bulk, as LMOVE would.
fn blmove_generic(
    ctx: &mut Ctx,
    argv: &[Bytes],
    from: bool,
    to: bool,
    deadline: i64,
    rpoplpush: bool,
) -> CmdResult {
    let (src, dst) = (&argv[1], &argv[2]);
    let served = ctx
        .srv
        .clients
        .get(ctx.cid)
        .is_some_and(|c| c.has(client_flag::BLOCKED));
    if lmove_generic(ctx, src, dst, from, to)? {
        // Redis rewrites an immediate BLMOVE with its own direction arguments and a served
        // one with LEFT/RIGHT.
        let propagate = if rpoplpush {
            vec![Bytes::from_static(b"RPOPLPUSH"), src.clone(), dst.clone()]
        } else if served {
            vec![
                Bytes::from_static(b"LMOVE"),
                src.clone(),
                dst.clone(),
                side_name(from),
                side_name(to),
            ]
        } else {
            vec![
                Bytes::from_static(b"LMOVE"),
                src.clone(),
                dst.clone(),
                argv[3].clone(),
                argv[4].clone(),
            ]
        };
        ctx.propagate_as(propagate);
        return Ok(());
    }
    if !ctx.may_block() {
        ctx.out.null();
        return Ok(());
    }
    ctx.block(std::slice::from_ref(src), deadline, "list");
    Ok(())
}

/// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
fn cmd_blmove(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let from = parse_where(&argv[3])?;
    let to = parse_where(&argv[4])?;
    let deadline = crate::blocking::parse_timeout(&argv[5])?;
    blmove_generic(ctx, argv, from, to, deadline, false)
}

/// BRPOPLPUSH source destination timeout
fn cmd_brpoplpush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let deadline = crate::blocking::parse_timeout(&argv[3])?;
    blmove_generic(ctx, argv, false, true, deadline, true)
}

pub static COMMANDS: &[Command] = &[
    Command::new(
        "lpush",
        -3,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_lpush,
    ),
    Command::new(
        "rpush",
        -3,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_rpush,
    ),
    Command::new(
        "lpushx",
        -3,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_lpushx,
    ),
    Command::new(
        "rpushx",
        -3,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_rpushx,
    ),
    Command::new("lpop", -2, WRITE | FAST, keys(1, 1, 1), cmd_lpop),
    Command::new("rpop", -2, WRITE | FAST, keys(1, 1, 1), cmd_rpop),
    Command::new("llen", 2, READONLY | FAST, keys(1, 1, 1), cmd_llen),
    Command::new("lrange", 4, READONLY, keys(1, 1, 1), cmd_lrange),
    Command::new("lindex", 3, READONLY, keys(1, 1, 1), cmd_lindex),
    Command::new("lset", 4, WRITE | DENYOOM, keys(1, 1, 1), cmd_lset),
    Command::new("linsert", 5, WRITE | DENYOOM, keys(1, 1, 1), cmd_linsert),
    Command::new("lrem", 4, WRITE, keys(1, 1, 1), cmd_lrem),
    Command::new("ltrim", 4, WRITE, keys(1, 1, 1), cmd_ltrim),
    Command::new("lpos", -3, READONLY, keys(1, 1, 1), cmd_lpos),
    Command::new("lmove", 5, WRITE | DENYOOM, keys(1, 2, 1), cmd_lmove),
    Command::new(
        "rpoplpush",
        3,
        WRITE | DENYOOM,
        keys(1, 2, 1),
        cmd_rpoplpush,
    ),
    Command::new("lmpop", -4, WRITE | MOVABLE_KEYS, keys(0, 0, 0), cmd_lmpop),
    Command::new(
        "blpop",
        -3,
        WRITE | NOSCRIPT | BLOCKING,
        keys(1, -2, 1),
        cmd_blpop,
    ),
    Command::new(
        "brpop",
        -3,
        WRITE | NOSCRIPT | BLOCKING,
        keys(1, -2, 1),
        cmd_brpop,
    ),
    Command::new(
        "blmove",
        6,
        WRITE | DENYOOM | NOSCRIPT | BLOCKING,
        keys(1, 2, 1),
        cmd_blmove,
    ),
    Command::new(
        "brpoplpush",
        4,
        WRITE | DENYOOM | NOSCRIPT | BLOCKING,
        keys(1, 2, 1),
        cmd_brpoplpush,
    ),
    Command::new(
        "blmpop",
        -5,
        WRITE | BLOCKING | MOVABLE_KEYS,
        keys(0, 0, 0),
        cmd_blmpop,
    ),
];

#[cfg(test)]
mod tests {
    //! What the wire can't show yet: `dirty` counts, keyspace hits/misses, what is propagated
    //! (immediate and served blocking pops), and the replies of blocking commands that may
    //! not block (inside MULTI/EXEC), checked through `cmd::call` on an in-process server.

    use super::*;
    use crate::config::Config;
    use crate::net::client::Client;
    use crate::runtime::Ring;

    struct T {
        srv: Server,
        cid: usize,
    }

    fn argv(args: &[&str]) -> Vec<Bytes> {
        args.iter()
            .map(|a| Bytes::copy_from_slice(a.as_bytes()))
            .collect()
    }

    impl T {
        fn new() -> T {
            let ring = Ring::new(8).expect("io_uring ring");
            let mut srv = Server::new(Config::default(), ring);
            let cid = srv
                .clients
                .insert(Client::new(1, -1, "t".into(), "t".into(), 0));
            srv.propagation.log = Some(Vec::new());
            T { srv, cid }
        }

        fn client(&mut self) -> usize {
            let id = self.srv.clients.len() as u64 + 1;
            self.srv
                .clients
                .insert(Client::new(id, -1, "t".into(), "t".into(), 0))
        }

        /// Runs a command as client `cid`; returns (reply, dirty increment, hits, misses).
        fn run_as(&mut self, cid: usize, args: &[&str]) -> (String, u64, u64, u64) {
            let (d, h, m) = (
                self.srv.dirty,
                self.srv.stats.keyspace_hits,
                self.srv.stats.keyspace_misses,
            );
            let mut out = Reply::new();
            crate::cmd::call(&mut self.srv, &mut out, cid, &argv(args));
            (
                String::from_utf8_lossy(&out.buf).into_owned(),
                self.srv.dirty - d,
                self.srv.stats.keyspace_hits - h,
                self.srv.stats.keyspace_misses - m,
            )
        }

        fn run(&mut self, args: &[&str]) -> (String, u64, u64, u64) {
            self.run_as(self.cid, args)
        }

        /// The commands propagated since the last call, as strings.
        fn propagated(&mut self) -> Vec<String> {
            let log = self.srv.propagation.log.as_mut().map(std::mem::take);
            log.unwrap_or_default()
                .into_iter()
                .map(|(_, a)| {
                    a.iter()
                        .map(|x| String::from_utf8_lossy(x).into_owned())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        }
    }

    #[test]
    fn dirty_counts_like_redis() {
        let mut t = T::new();
        let cases: &[(&[&str], u64)] = &[
            (&["RPUSH", "l", "a", "b", "c", "a"], 4),
            (&["LPUSHX", "nokey", "a"], 0),
            (&["LPUSHX", "l", "x", "y"], 2),
            (&["LPOP", "l"], 1),
            (&["RPOP", "l", "2"], 2),
            (&["LPOP", "l", "0"], 0),
            (&["LPOP", "nokey", "5"], 0),
            (&["LSET", "l", "0", "z"], 1),
            (&["LINSERT", "l", "BEFORE", "z", "w"], 1),
            (&["LINSERT", "l", "BEFORE", "nothere", "w"], 0),
            (&["LREM", "l", "0", "nothere"], 0),
            (&["RPUSH", "l", "a", "a", "a"], 3),
            (&["LREM", "l", "2", "a"], 2),
            (&["LTRIM", "l", "0", "-1"], 0),
            (&["LTRIM", "l", "1", "-2"], 2),
            (&["LMOVE", "l", "m", "LEFT", "LEFT"], 1),
            (&["RPOPLPUSH", "nokey", "m"], 0),
            (&["LMPOP", "2", "nokey", "l", "LEFT", "COUNT", "10"], 2),
            (&["BLPOP", "m", "0"], 1),
            (&["RPUSH", "q", "1", "2", "3"], 3),
            (&["BLMPOP", "0", "1", "q", "RIGHT", "COUNT", "2"], 2),
            (&["LRANGE", "q", "0", "-1"], 0),
        ];
        for (args, dirty) in cases {
            assert_eq!(t.run(args).1, *dirty, "{args:?}");
        }
    }

    #[test]
    fn keyspace_hits_and_misses() {
        let mut t = T::new();
        t.run(&["RPUSH", "l", "a"]);
        let cases: &[(&[&str], u64, u64)] = &[
            (&["LLEN", "l"], 1, 0),
            (&["LLEN", "nokey"], 0, 1),
            (&["LRANGE", "l", "0", "-1"], 1, 0),
            (&["LRANGE", "l", "x", "-1"], 0, 0),
            (&["LINDEX", "nokey", "0"], 0, 1),
            (&["LPOS", "l", "a"], 1, 0),
            (&["LPOS", "l", "a", "RANK", "0"], 0, 0),
            (&["LPUSH", "l", "b"], 0, 0),
            (&["LPOP", "nokey"], 0, 0),
            (&["BLPOP", "l", "0"], 0, 0),
        ];
        for (args, hits, misses) in cases {
            let (_, _, h, m) = t.run(args);
            assert_eq!((h, m), (*hits, *misses), "{args:?}");
        }
    }

    #[test]
    fn immediate_blocking_commands_propagate_their_non_blocking_form() {
        let mut t = T::new();
        t.run(&["RPUSH", "l", "a", "b", "c", "d", "e", "f"]);
        t.propagated();
        let cases: &[(&[&str], &str)] = &[
            (&["BLPOP", "nokey", "l", "0"], "LPOP l"),
            (&["BRPOP", "l", "0"], "RPOP l"),
            (
                &["BLMOVE", "l", "d", "left", "Right", "0"],
                "LMOVE l d left Right",
            ),
            (&["BRPOPLPUSH", "l", "d", "0"], "RPOPLPUSH l d"),
            (&["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "5"], "LPOP l 2"),
            (&["LMPOP", "1", "d", "RIGHT", "COUNT", "1"], "RPOP d 1"),
            (&["LPOP", "d", "1"], "LPOP d 1"),
        ];
        for (args, want) in cases {
            t.run(args);
            assert_eq!(t.propagated(), vec![want.to_string()], "{args:?}");
        }
        // Nothing served, nothing propagated.
        t.run(&["LMPOP", "1", "nokey", "LEFT"]);
        assert!(t.propagated().is_empty());
    }

    #[test]
    fn served_waiters_propagate_their_non_blocking_form() {
        let mut t = T::new();
        let cases: &[(&[&str], &[&str], &[&str])] = &[
            (&["BLPOP", "a", "q", "0"], &["RPUSH", "q", "x"], &["LPOP q"]),
            (&["BRPOP", "q", "0"], &["LPUSH", "q", "x"], &["RPOP q"]),
            (
                &["BLMOVE", "q", "d", "right", "left", "0"],
                &["RPUSH", "q", "x"],
                &["LMOVE q d RIGHT LEFT"],
            ),
            (
                &["BRPOPLPUSH", "q", "d", "0"],
                &["RPUSH", "q", "x"],
                &["RPOPLPUSH q d"],
            ),
            (
                &["BLMPOP", "0", "1", "q", "LEFT", "COUNT", "3"],
                &["RPUSH", "q", "x", "y"],
                &["LPOP q 2"],
            ),
        ];
        for (block, push, want) in cases {
            t.run(&["DEL", "q", "d"]);
            let w = t.client();
            assert_eq!(t.run_as(w, block).0, "", "{block:?} blocks");
            assert!(crate::blocking::is_blocked(&t.srv, w));
            t.propagated();
            t.run(push);
            assert!(!crate::blocking::is_blocked(&t.srv, w), "{block:?} served");
            let mut got = t.propagated();
            assert_eq!(got.remove(0), push.join(" "));
            assert_eq!(got, *want, "{block:?}");
            t.srv.clients.remove(w);
        }
    }

    #[test]
    fn blocking_commands_that_may_not_block() {
        // Inside MULTI/EXEC (exec_depth > 0): answers as on empty keys.
        let mut t = T::new();
        t.srv.exec_depth = 1;
        assert_eq!(t.run(&["BLPOP", "q", "0"]).0, "*-1\r\n");
        assert_eq!(t.run(&["BRPOP", "q", "r", "1"]).0, "*-1\r\n");
        assert_eq!(t.run(&["BLMPOP", "0", "1", "q", "LEFT"]).0, "*-1\r\n");
        assert_eq!(
            t.run(&["BLMOVE", "q", "d", "LEFT", "LEFT", "0"]).0,
            "$-1\r\n"
        );
        assert_eq!(t.run(&["BRPOPLPUSH", "q", "d", "0"]).0, "$-1\r\n");
        assert_eq!(
            t.run(&["BLPOP", "q", "-1"]).0,
            "-ERR timeout is negative\r\n"
        );
        assert!(!crate::blocking::is_blocked(&t.srv, t.cid));
        t.run(&["RPUSH", "q", "v"]);
        assert_eq!(
            t.run(&["BLPOP", "q", "0"]).0,
            "*2\r\n$1\r\nq\r\n$1\r\nv\r\n"
        );
    }

    #[test]
    fn lists_are_quicklists_and_emptied_lists_are_deleted() {
        let mut t = T::new();
        t.run(&["RPUSH", "l", "a"]);
        let enc = t.srv.dbs[0].get(b"l").map(|v| v.encoding());
        assert_eq!(enc, Some("quicklist"));
        t.run(&["LREM", "l", "0", "a"]);
        assert!(t.srv.dbs[0].get(b"l").is_none());
    }
}
