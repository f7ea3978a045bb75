//! Set commands, as Redis 7.0's `t_set.c`: SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS,
//! SPOP, SRANDMEMBER, SMOVE, SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF,
//! SDIFFSTORE and SSCAN.
//!
//! The multi-key operations work like Redis's `sinterGenericCommand` and
//! `sunionDiffGenericCommand`: every key is looked up and type-checked first (a missing key is
//! an empty set), the result is built in a fresh set created as an `intset` (so its encoding,
//! and the order of a reply built from it, are Redis's), and the STORE forms replace the
//! destination (TTL cleared) or delete it when the result is empty. Since the keyspace lends
//! one value at a time, the sets are visited one after another: an intersection filters the
//! members of the smallest set through each other set in turn (in chunks, so SINTERCARD's
//! LIMIT stops early), a difference uses Redis's choice between its two algorithms.

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::family::hash::{
    REPEAT_REPLY_LIMIT, distinct_indexes, finish_removal, lookup_value, parse_random_count,
    remove_items, reply_overflowed, reply_scan,
};
use crate::family::keys::{parse_scan_options, scan_cursor};
use crate::keyspace::events::class;
use crate::keyspace::{Ttl, Value, glob};
use crate::protocol::Reply;
use crate::server::Server;
use crate::types::Set;
use crate::types::set::Member;

/// The set at `key` (see `lookup_value`); `None` if missing, WRONGTYPE for another type.
fn lookup<'a>(
    srv: &'a mut Server,
    db: usize,
    key: &[u8],
    read: bool,
) -> Result<Option<&'a mut Set>, Error> {
    match lookup_value(srv, db, key, read) {
        None => Ok(None),
        Some(Value::Set(s)) => Ok(Some(s)),
        Some(_) => Err(Error::WrongType),
    }
}

/// The set at `key` without touching statistics or access time (a key already looked up by
/// the running command).
fn peek<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Option<&'a mut Set> {
    match srv.dbs[db].get_mut_no_touch(key).map(|e| e.value) {
        Some(Value::Set(s)) => Some(s),
        _ => None,
    }
}

#[inline]
fn bulk_member(out: &mut Reply, m: Member) {
    match m {
        Member::Int(n) => out.bulk_int(n),
        Member::Str(s) => out.bulk(s),
    }
}

/// A member copied out of a set.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Elem {
    Int(i64),
    Str(Vec<u8>),
}

impl Elem {
    fn of(m: Member) -> Elem {
        match m {
            Member::Int(n) => Elem::Int(n),
            Member::Str(s) => Elem::Str(s.to_vec()),
        }
    }

    fn member(&self) -> Member<'_> {
        match self {
            Elem::Int(n) => Member::Int(*n),
            Elem::Str(s) => Member::Str(s),
        }
    }
}

/// SADD key member [member ...]
fn cmd_sadd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let max = ctx.srv.config.set_max_intset_entries;
    let key = &argv[1];
    let added = match lookup(ctx.srv, ctx.db, key, false)? {
        Some(s) => argv[2..].iter().filter(|m| s.add(m, max)).count(),
        None => {
            let mut s = Set::new_for(&argv[2]);
            let n = argv[2..].iter().filter(|m| s.add(m, max)).count();
            ctx.db().set(key, Value::Set(Box::new(s)), Ttl::Clear);
            n
        }
    };
    if added > 0 {
        ctx.changed(class::SET, "sadd", key);
        ctx.dirty(added as u64);
    }
    ctx.out.int(added as i64);
    Ok(())
}

/// SREM key member [member ...]: deletes the key once its last member is gone.
fn cmd_srem(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let outcome = match lookup(ctx.srv, ctx.db, &argv[1], false)? {
        Some(s) => remove_items(&argv[2..], |m| (s.remove(m), s.is_empty())),
        None => (0, false),
    };
    finish_removal(ctx, &argv[1], class::SET, "srem", outcome);
    Ok(())
}

/// SCARD key
fn cmd_scard(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = lookup(ctx.srv, ctx.db, &argv[1], true)?.map_or(0, |s| s.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// SISMEMBER key member
fn cmd_sismember(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let found = lookup(ctx.srv, ctx.db, &argv[1], true)?.is_some_and(|s| s.contains(&argv[2]));
    ctx.out.int(found as i64);
    Ok(())
}

/// SMISMEMBER key member [member ...]
fn cmd_smismember(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let s = lookup(ctx.srv, ctx.db, &argv[1], true)?;
    let out = &mut *ctx.out;
    out.array(argv.len() - 2);
    for m in &argv[2..] {
        out.int(s.as_ref().is_some_and(|s| s.contains(m)) as i64);
    }
    Ok(())
}

/// SMOVE source destination member
fn cmd_smove(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (src, dst, ele) = (&argv[1], &argv[2], &argv[3]);
    let max = ctx.srv.config.set_max_intset_entries;
    let src_found = ctx
        .db()
        .get_mut(src)
        .map(|e| matches!(e.value, Value::Set(_)));
    let dst_found = ctx
        .db()
        .get_mut(dst)
        .map(|e| matches!(e.value, Value::Set(_)));
    let Some(src_is_set) = src_found else {
        ctx.out.int(0);
        return Ok(());
    };
    if !src_is_set || dst_found == Some(false) {
        return Err(Error::WrongType);
    }
    if src == dst {
        let found = peek(ctx.srv, ctx.db, src).is_some_and(|s| s.contains(ele));
        ctx.out.int(found as i64);
        return Ok(());
    }
    let Some(s) = peek(ctx.srv, ctx.db, src) else {
        ctx.out.int(0);
        return Ok(());
    };
    if !s.remove(ele) {
        ctx.out.int(0);
        return Ok(());
    }
    let emptied = s.is_empty();
    ctx.changed(class::SET, "srem", src);
    if emptied {
        ctx.db().delete(src);
        ctx.notify(class::GENERIC, "del", src);
    }
    ctx.dirty(1);
    let added = match peek(ctx.srv, ctx.db, dst) {
        Some(d) => d.add(ele, max),
        None => {
            let mut d = Set::new_for(ele);
            d.add(ele, max);
            ctx.db().set(dst, Value::Set(Box::new(d)), Ttl::Clear);
            true
        }
    };
    if added {
        ctx.dirty(1);
        ctx.changed(class::SET, "sadd", dst);
    }
    ctx.out.int(1);
    Ok(())
}

/// SPOP key [count]
fn cmd_spop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    match argv.len() {
        2 => {}
        3 => return spop_with_count(ctx, argv),
        _ => return Err(Error::Syntax),
    }
    let key = &argv[1];
    let Some(s) = lookup(ctx.srv, ctx.db, key, false)? else {
        ctx.out.null();
        return Ok(());
    };
    let Some(ele) = s.pop_random() else {
        ctx.out.null();
        return Ok(());
    };
    let emptied = s.is_empty();
    ctx.changed(class::SET, "spop", key);
    ctx.out.bulk(&ele);
    if emptied {
        ctx.db().delete(key);
        ctx.notify(class::GENERIC, "del", key);
    }
    ctx.dirty(1);
    ctx.propagate_as(vec![
        Bytes::from_static(b"SREM"),
        key.clone(),
        Bytes::from(ele),
    ]);
    Ok(())
}

/// A non-negative count, with the message Redis's `getPositiveLongFromObjectOrReply` gives.
fn parse_positive(arg: &[u8]) -> Result<u64, Error> {
    match parse_int(arg) {
        Ok(n) if n >= 0 => Ok(n as u64),
        _ => Err(Error::Msg("ERR value is out of range, must be positive")),
    }
}

/// SPOP key count: the whole set (and the key deleted) when count reaches its size, else
/// `count` random members. Propagated as DEL, or as one SREM of the popped members.
fn spop_with_count(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let count = parse_positive(&argv[2])?;
    let key = &argv[1];
    let max = ctx.srv.config.set_max_intset_entries;
    let Some(s) = lookup(ctx.srv, ctx.db, key, false)? else {
        ctx.out.set(0);
        return Ok(());
    };
    if count == 0 {
        ctx.out.set(0);
        return Ok(());
    }
    let size = s.len();
    // Redis notifies before replying (a RESP3 client subscribed to its own events sees the
    // event first).
    ctx.changed(class::SET, "spop", key);
    let Some(s) = peek(ctx.srv, ctx.db, key) else {
        return Ok(());
    };
    let out = &mut *ctx.out;
    if count >= size as u64 {
        // Redis replies with SUNION of the key: a result built afresh (an intset, sorted,
        // when the members allow it).
        let mut union = Set::new();
        for m in s.iter() {
            union.add_member(m, max);
        }
        out.set(size);
        for m in union.iter() {
            bulk_member(out, m);
        }
        ctx.db().delete(key);
        ctx.notify(class::GENERIC, "del", key);
        ctx.dirty(size as u64);
        ctx.propagate_as(vec![Bytes::from_static(b"DEL"), key.clone()]);
        return Ok(());
    }
    let count = count as usize;
    let remaining = size - count;
    let mut popped: Vec<Bytes> = Vec::with_capacity(count + 2);
    popped.push(Bytes::from_static(b"SREM"));
    popped.push(key.clone());
    out.set(count);
    if remaining * 5 > count {
        // Few members: pop them one by one.
        for _ in 0..count {
            if let Some(m) = s.pop_random() {
                out.bulk(&m);
                popped.push(Bytes::from(m));
            }
        }
    } else {
        // Most of the set: move the members that stay into a new set (created the way
        // Redis's `setTypeCreate` would for the first of them) and reply with the rest.
        let mut kept: Option<Set> = None;
        for _ in 0..remaining {
            if let Some(m) = s.pop_random() {
                kept.get_or_insert_with(|| {
                    if s.is_intset() {
                        Set::new()
                    } else {
                        Set::new_for(&m)
                    }
                })
                .add(&m, max);
            }
        }
        for m in s.iter() {
            bulk_member(out, m);
            popped.push(Bytes::from(m.to_vec()));
        }
        *s = kept.unwrap_or_default();
    }
    ctx.dirty(count as u64);
    ctx.propagate_as(popped);
    Ok(())
}

/// SRANDMEMBER key [count]
fn cmd_srandmember(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    match argv.len() {
        2 => {}
        3 => return srandmember_with_count(ctx, argv),
        _ => return Err(Error::Syntax),
    }
    match lookup(ctx.srv, ctx.db, &argv[1], true)?.and_then(|s| s.random()) {
        Some(m) => bulk_member(ctx.out, m),
        None => ctx.out.null(),
    }
    Ok(())
}

fn srandmember_with_count(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let l = parse_random_count(&argv[2])?;
    let mark = ctx.out.len();
    let Some(s) = lookup(ctx.srv, ctx.db, &argv[1], true)? else {
        ctx.out.array(0);
        return Ok(());
    };
    let out = &mut *ctx.out;
    let count = l.unsigned_abs() as usize;
    let size = s.len();
    if count == 0 {
        out.array(0);
        return Ok(());
    }
    if l < 0 || count == 1 {
        out.array(count);
        for i in 0..count {
            if let Some(m) = s.random() {
                bulk_member(out, m);
            }
            if i % 1024 == 0 && out.len() - mark > REPEAT_REPLY_LIMIT {
                break;
            }
        }
        reply_overflowed(ctx, mark);
        return Ok(());
    }
    if count >= size {
        out.array(size);
        for m in s.iter() {
            bulk_member(out, m);
        }
        return Ok(());
    }
    out.array(count);
    if count.saturating_mul(3) > size {
        let all: Vec<Member> = s.iter().collect();
        for i in distinct_indexes(all.len(), count) {
            bulk_member(out, all[i]);
        }
    } else {
        let mut seen = std::collections::HashSet::with_capacity(count);
        while seen.len() < count {
            let Some(m) = s.random() else { break };
            if seen.insert(m) {
                bulk_member(out, m);
            }
        }
    }
    Ok(())
}

/// Looks every key up for reading (Redis's `lookupKeyRead`, also when storing) and checks
/// its type, in order, like Redis: the sizes, `None` for a missing key.
fn load(ctx: &mut Ctx, keys: &[Bytes]) -> Result<Vec<Option<usize>>, Error> {
    keys.iter()
        .map(|k| Ok(lookup(ctx.srv, ctx.db, k, true)?.map(|s| s.len())))
        .collect()
}

/// What a set operation does with its result.
#[derive(Clone, Copy, PartialEq)]
enum Dest<'a> {
    Reply,
    Card(usize),
    Store(&'a [u8], &'static str),
}

/// Stores `result` at `dst` (or deletes `dst` if empty), with Redis's replies and events.
fn store(ctx: &mut Ctx, dst: &[u8], event: &str, result: Set) {
    let n = result.len();
    if n > 0 {
        ctx.db().set(dst, Value::Set(Box::new(result)), Ttl::Clear);
        ctx.out.int(n as i64);
        ctx.changed(class::SET, event, dst);
        ctx.dirty(1);
    } else {
        ctx.out.int(0);
        if ctx.db().delete(dst) {
            ctx.dirty(1);
            ctx.changed(class::GENERIC, "del", dst);
        }
    }
}

/// Candidates are checked against the other sets this many at a time.
const INTER_CHUNK: usize = 1024;

/// SINTER / SINTERSTORE / SINTERCARD / SMEMBERS.
fn sinter_generic(ctx: &mut Ctx, keys: &[Bytes], dest: Dest) -> CmdResult {
    let max = ctx.srv.config.set_max_intset_entries;
    let sizes = load(ctx, keys)?;
    if sizes.iter().any(Option::is_none) {
        match dest {
            Dest::Reply => ctx.out.set(0),
            Dest::Card(_) => ctx.out.int(0),
            Dest::Store(dst, _) => {
                if ctx.db().delete(dst) {
                    ctx.changed(class::GENERIC, "del", dst);
                    ctx.dirty(1);
                }
                ctx.out.int(0);
            }
        }
        return Ok(());
    }
    // Smallest first (Redis sorts by cardinality); the same key twice is checked once.
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| sizes[i]);
    let first = &keys[order[0]];
    let others: Vec<&Bytes> = order[1..]
        .iter()
        .map(|&i| &keys[i])
        .filter(|k| *k != first)
        .collect();
    let limit = match dest {
        Dest::Card(l) if l > 0 => l,
        _ => usize::MAX,
    };

    if others.is_empty() && dest == Dest::Reply {
        // SMEMBERS, or SINTER of one set: straight from the set.
        if let Some(s) = peek(ctx.srv, ctx.db, first) {
            ctx.out.set(s.len());
            for m in s.iter() {
                bulk_member(ctx.out, m);
            }
        }
        return Ok(());
    }

    let candidates: Vec<Elem> = match peek(ctx.srv, ctx.db, first) {
        Some(s) => s.iter().map(Elem::of).collect(),
        None => Vec::new(),
    };
    let mut result: Vec<Elem> = Vec::new();
    let mut card = 0usize;
    for chunk in candidates.chunks(INTER_CHUNK) {
        let mut keep = chunk.to_vec();
        for k in &others {
            let Some(s) = peek(ctx.srv, ctx.db, k) else {
                keep.clear();
                break;
            };
            keep.retain(|e| s.contains_member(e.member()));
        }
        card += keep.len();
        if dest == Dest::Reply || matches!(dest, Dest::Store(..)) {
            result.extend(keep);
        }
        if card >= limit {
            card = limit;
            break;
        }
    }
    match dest {
        Dest::Reply => {
            ctx.out.set(result.len());
            for e in &result {
                bulk_member(ctx.out, e.member());
            }
        }
        Dest::Card(_) => ctx.out.int(card as i64),
        Dest::Store(dst, event) => {
            let mut set = Set::new();
            for e in &result {
                set.add_member(e.member(), max);
            }
            store(ctx, dst, event, set);
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Union,
    Diff,
}

/// SUNION / SUNIONSTORE / SDIFF / SDIFFSTORE (`sunionDiffGenericCommand`).
fn sunion_diff_generic(ctx: &mut Ctx, keys: &[Bytes], op: Op, dest: Dest) -> CmdResult {
    let max = ctx.srv.config.set_max_intset_entries;
    let sizes = load(ctx, keys)?;
    let mut result = Set::new();
    match op {
        Op::Union => {
            for (k, size) in keys.iter().zip(&sizes) {
                if size.is_none() {
                    continue;
                }
                if let Some(s) = peek(ctx.srv, ctx.db, k) {
                    for m in s.iter() {
                        result.add_member(m, max);
                    }
                }
            }
        }
        Op::Diff => {
            let same = sizes[0].is_some() && keys[1..].iter().any(|k| *k == keys[0]);
            if let (Some(first_size), false) = (sizes[0], same) {
                // Redis's choice: algorithm 1 checks each member of the first set against
                // the others, algorithm 2 adds the first set and removes the others.
                let present = sizes.iter().flatten().count();
                let one = (first_size * present) / 2;
                let two: usize = sizes.iter().flatten().sum();
                if one <= two {
                    diff_by_lookup(ctx, keys, &sizes, &mut result, max);
                } else {
                    for (j, k) in keys.iter().enumerate() {
                        if sizes[j].is_none() {
                            continue;
                        }
                        if let Some(s) = peek(ctx.srv, ctx.db, k) {
                            for m in s.iter() {
                                if j == 0 {
                                    result.add_member(m, max);
                                } else {
                                    result.remove(m.bytes(&mut itoa::Buffer::new()));
                                }
                            }
                        }
                        if result.is_empty() {
                            break;
                        }
                    }
                }
            }
        }
    }
    match dest {
        Dest::Store(dst, event) => store(ctx, dst, event, result),
        _ => {
            ctx.out.set(result.len());
            for m in result.iter() {
                bulk_member(ctx.out, m);
            }
        }
    }
    Ok(())
}

/// SDIFF algorithm 1: the members of the first set found in none of the others, added to
/// `result` in the first set's order.
fn diff_by_lookup(
    ctx: &mut Ctx,
    keys: &[Bytes],
    sizes: &[Option<usize>],
    result: &mut Set,
    max: usize,
) {
    let candidates: Vec<Elem> = match peek(ctx.srv, ctx.db, &keys[0]) {
        Some(s) => s.iter().map(Elem::of).collect(),
        None => return,
    };
    for chunk in candidates.chunks(INTER_CHUNK) {
        let mut keep = chunk.to_vec();
        for (k, size) in keys[1..].iter().zip(&sizes[1..]) {
            if size.is_none() {
                continue;
            }
            if let Some(s) = peek(ctx.srv, ctx.db, k) {
                keep.retain(|e| !s.contains_member(e.member()));
            }
        }
        for e in &keep {
            result.add_member(e.member(), max);
        }
    }
}

/// SMEMBERS key
fn cmd_smembers(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sinter_generic(ctx, &argv[1..], Dest::Reply)
}

/// SINTER key [key ...]
fn cmd_sinter(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sinter_generic(ctx, &argv[1..], Dest::Reply)
}

/// SINTERSTORE destination key [key ...]
fn cmd_sinterstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sinter_generic(ctx, &argv[2..], Dest::Store(&argv[1], "sinterstore"))
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit]
fn cmd_sintercard(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let numkeys = match parse_int(&argv[1]) {
        Ok(n) if n >= 1 => n as u64,
        _ => return Err(Error::Msg("ERR numkeys should be greater than 0")),
    };
    if numkeys > (argv.len() - 2) as u64 {
        return Err(Error::Msg(
            "ERR Number of keys can't be greater than number of args",
        ));
    }
    let numkeys = numkeys as usize;
    let mut limit = 0usize;
    let mut j = 2 + numkeys;
    while j < argv.len() {
        if is(&argv[j], "limit") && j + 1 < argv.len() {
            j += 1;
            limit = match parse_int(&argv[j]) {
                Ok(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
                _ => return Err(Error::Msg("ERR LIMIT can't be negative")),
            };
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    sinter_generic(ctx, &argv[2..2 + numkeys], Dest::Card(limit))
}

/// SUNION key [key ...]
fn cmd_sunion(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sunion_diff_generic(ctx, &argv[1..], Op::Union, Dest::Reply)
}

/// SUNIONSTORE destination key [key ...]
fn cmd_sunionstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let dest = Dest::Store(&argv[1], "sunionstore");
    sunion_diff_generic(ctx, &argv[2..], Op::Union, dest)
}

/// SDIFF key [key ...]
fn cmd_sdiff(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    sunion_diff_generic(ctx, &argv[1..], Op::Diff, Dest::Reply)
}

/// SDIFFSTORE destination key [key ...]
fn cmd_sdiffstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let dest = Dest::Store(&argv[1], "sdiffstore");
    sunion_diff_generic(ctx, &argv[2..], Op::Diff, dest)
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]
fn cmd_sscan(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let cursor = scan_cursor(&argv[2])?;
    let Some(s) = lookup(ctx.srv, ctx.db, &argv[1], true)? else {
        reply_scan(ctx.out, 0, &[]);
        return Ok(());
    };
    let a = parse_scan_options(&argv[3..], false)?;
    let mut items = Vec::new();
    let cursor = s.scan(cursor, a.count, |m| {
        let mut buf = itoa::Buffer::new();
        let b = m.bytes(&mut buf);
        if a.pattern.is_none_or(|p| glob::matches(p, b, false)) {
            items.push(b.to_vec());
        }
    });
    reply_scan(ctx.out, cursor, &items);
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command::new("sadd", -3, WRITE | DENYOOM | FAST, keys(1, 1, 1), cmd_sadd),
    Command::new("srem", -3, WRITE | FAST, keys(1, 1, 1), cmd_srem),
    Command::new("scard", 2, READONLY | FAST, keys(1, 1, 1), cmd_scard),
    Command::new(
        "sismember",
        3,
        READONLY | FAST,
        keys(1, 1, 1),
        cmd_sismember,
    ),
    Command::new(
        "smismember",
        -3,
        READONLY | FAST,
        keys(1, 1, 1),
        cmd_smismember,
    ),
    Command::new("smembers", 2, READONLY, keys(1, 1, 1), cmd_smembers),
    Command::new("spop", -2, WRITE | FAST, keys(1, 1, 1), cmd_spop),
    Command::new("srandmember", -2, READONLY, keys(1, 1, 1), cmd_srandmember),
    Command::new("smove", 4, WRITE | FAST, keys(1, 2, 1), cmd_smove),
    Command::new("sinter", -2, READONLY, keys(1, -1, 1), cmd_sinter),
    Command::new(
        "sintercard",
        -3,
        READONLY | MOVABLE_KEYS,
        keys(0, 0, 0),
        cmd_sintercard,
    ),
    Command::new(
        "sinterstore",
        -3,
        WRITE | DENYOOM,
        keys(1, -1, 1),
        cmd_sinterstore,
    ),
    Command::new("sunion", -2, READONLY, keys(1, -1, 1), cmd_sunion),
    Command::new(
        "sunionstore",
        -3,
        WRITE | DENYOOM,
        keys(1, -1, 1),
        cmd_sunionstore,
    ),
    Command::new("sdiff", -2, READONLY, keys(1, -1, 1), cmd_sdiff),
    Command::new(
        "sdiffstore",
        -3,
        WRITE | DENYOOM,
        keys(1, -1, 1),
        cmd_sdiffstore,
    ),
    Command::new("sscan", -3, READONLY, keys(1, 1, 1), cmd_sscan),
];

#[cfg(test)]
mod tests {
    use crate::family::hash::harness::T;

    #[test]
    fn watched_keys_and_propagation() {
        let mut t = T::new();
        let keys = ["s", "d", "x"];
        let cases: &[(&[&str], &str, &[&str])] = &[
            (&["SADD", "s", "1", "2", "3"], ":3\r\n", &["s"]),
            (&["SADD", "s", "1"], ":0\r\n", &[]),
            (&["SREM", "s", "9"], ":0\r\n", &[]),
            (&["SMOVE", "s", "d", "9"], ":0\r\n", &[]),
            (&["SMOVE", "s", "s", "1"], ":1\r\n", &[]),
            (&["SMOVE", "s", "d", "1"], ":1\r\n", &["s", "d"]),
            (&["SADD", "s", "1"], ":1\r\n", &["s"]),
            // Already in the destination: only the source changes.
            (&["SMOVE", "s", "d", "1"], ":1\r\n", &["s"]),
            (&["SINTERSTORE", "x", "s", "nokey"], ":0\r\n", &[]),
            (&["SUNIONSTORE", "x", "s", "d"], ":3\r\n", &["x"]),
            (&["SINTERSTORE", "x", "s", "nokey"], ":0\r\n", &["x"]),
            (&["SDIFFSTORE", "x", "s", "s"], ":0\r\n", &[]),
            (&["SPOP", "s", "0"], "*0\r\n", &[]),
            (&["SPOP", "nokey"], "$-1\r\n", &[]),
            (&["SADD", "d", "2"], ":1\r\n", &["d"]),
            (&["SREM", "d", "1"], ":1\r\n", &["d"]),
            (&["SPOP", "d"], "$1\r\n2\r\n", &["d"]),
            (&["EXISTS", "d"], ":0\r\n", &[]),
        ];
        for (args, reply, touched) in cases {
            let (r, w) = t.run(args, &keys);
            assert_eq!(r, *reply, "{args:?}");
            assert_eq!(w, *touched, "{args:?}");
        }
        let log = t.propagated();
        assert!(log.contains(&"SREM d 2".to_string()), "{log:?}");
        assert!(!log.iter().any(|c| c.starts_with("SPOP")), "{log:?}");
        t.run(&["SADD", "p", "1", "2", "3"], &[]);
        t.propagated();
        let (r, w) = t.run(&["SPOP", "p", "5"], &["p"]);
        assert_eq!(
            (r.as_str(), w),
            (
                "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
                vec!["p".to_string()]
            )
        );
        assert_eq!(t.propagated(), vec!["DEL p".to_string()]);
        t.run(&["SADD", "p", "1", "2", "3"], &[]);
        t.propagated();
        let (_, w) = t.run(&["SPOP", "p", "2"], &["p"]);
        assert_eq!(w, vec!["p".to_string()]);
        let log = t.propagated();
        assert_eq!(log.len(), 1);
        assert!(log[0].starts_with("SREM p "), "{log:?}");
        assert_eq!(log[0].split(' ').count(), 4);
    }
}
