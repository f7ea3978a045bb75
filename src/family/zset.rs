//! Sorted set commands, as Redis 7.0's `t_zset.c`: ZADD, ZINCRBY, ZSCORE, ZMSCORE, ZCARD,
//! ZCOUNT, ZLEXCOUNT, ZRANK, ZREVRANK, ZRANGE (+ BYSCORE/BYLEX/REV/LIMIT), the legacy
//! ZRANGEBYSCORE/ZREVRANGEBYSCORE/ZRANGEBYLEX/ZREVRANGEBYLEX/ZREVRANGE, ZRANGESTORE, ZREM,
//! ZREMRANGEBY{RANK,SCORE,LEX}, ZPOPMIN/ZPOPMAX, BZPOPMIN/BZPOPMAX, ZMPOP/BZMPOP,
//! ZUNION/ZINTER/ZDIFF (+STORE), ZINTERCARD, ZRANDMEMBER and ZSCAN.
//!
//! Score and lex ranges are turned into rank ranges (`ZSet::count_while`, O(log n) on the
//! skiplist), so every range command works on ranks. Replies follow Redis's shapes: flat
//! member/score arrays in RESP2, nested [member, score] pairs in RESP3 where Redis nests, and
//! scores as doubles (`%.17g`).

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::family::keys::{ScanArgs, parse_scan_options, scan_cursor};
use crate::keyspace::events::class;
use crate::keyspace::{EntryMut, Ttl, Value};
use crate::protocol::Reply;
use crate::protocol::reply::format_double;
use crate::server::Server;
use crate::types::zset::{AddFlags, Added, Limits, ZSet};

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by the GEO family)

/// The listpack thresholds from the configuration.
pub fn limits(srv: &Server) -> Limits {
    Limits {
        entries: srv.config.zset_max_listpack_entries,
        value: srv.config.zset_max_listpack_value,
    }
}

/// Looks `key` up (`read`: as `lookupKeyRead`, see `keyspace::lookup`; else for writing).
pub fn lookup<'a>(srv: &'a mut Server, db: usize, key: &[u8], read: bool) -> Option<EntryMut<'a>> {
    if read {
        srv.lookup_read_mut(db, key, crate::keyspace::lookup::NONE)
    } else {
        srv.dbs[db].get_mut(key)
    }
}

/// The sorted set at `key`, `None` if absent, WRONGTYPE for another type.
pub fn zset_at<'a>(
    srv: &'a mut Server,
    db: usize,
    key: &[u8],
    read: bool,
) -> Result<Option<&'a mut ZSet>, Error> {
    match lookup(srv, db, key, read) {
        None => Ok(None),
        Some(e) => match e.value {
            Value::ZSet(z) => Ok(Some(z)),
            _ => Err(Error::WrongType),
        },
    }
}

/// A score argument as `getDoubleFromObject` accepts it: what `strtod` parses in full, no
/// leading space, no NaN, and no overflow or underflow to zero (ERANGE).
pub fn parse_score(arg: &[u8]) -> Result<f64, Error> {
    if let Some(v) = parse_hex_float(arg) {
        return if v.is_finite() {
            Ok(v)
        } else {
            Err(Error::NotFloat)
        };
    }
    let v = crate::cmd::parse_f64(arg)?;
    let text = std::str::from_utf8(arg).map_err(|_| Error::NotFloat)?;
    let lower = text.to_ascii_lowercase();
    if v.is_infinite() && !lower.contains("inf") {
        return Err(Error::NotFloat);
    }
    if v == 0.0 {
        let mantissa = lower.split('e').next().unwrap_or("");
        if mantissa.bytes().any(|c| (b'1'..=b'9').contains(&c)) {
            return Err(Error::NotFloat);
        }
    }
    Ok(v)
}

/// A C99 hexadecimal float as `strtod` reads it (`[+-]0x<hex>[.<hex>][p[+-]<dec>]`), in
/// full; `None` if `arg` is not one.
fn parse_hex_float(arg: &[u8]) -> Option<f64> {
    let (neg, rest) = match arg.first()? {
        b'-' => (true, &arg[1..]),
        b'+' => (false, &arg[1..]),
        _ => (false, arg),
    };
    let rest = rest
        .strip_prefix(b"0x")
        .or_else(|| rest.strip_prefix(b"0X"))?;
    let (mant, exp) = match rest.iter().position(|&c| c == b'p' || c == b'P') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int, frac) = match mant.iter().position(|&c| c == b'.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, &b""[..]),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for &c in int.iter().chain(frac) {
        v = v * 16.0 + f64::from((c as char).to_digit(16)?);
    }
    let mut e: i64 = -4 * frac.len() as i64;
    if let Some(x) = exp {
        let x = std::str::from_utf8(x).ok()?;
        if x.is_empty()
            || !x
                .trim_start_matches(['+', '-'])
                .bytes()
                .all(|c| c.is_ascii_digit())
        {
            return None;
        }
        e += x.parse::<i64>().ok()?.clamp(-100_000, 100_000);
    }
    let v = v * 2f64.powi(e.clamp(-2000, 2000) as i32);
    Some(if neg { -v } else { v })
}

/// `strtod` as `zslParseRange` uses it: leading spaces allowed, overflow gives infinity, the
/// text ends at the first NUL, the empty string is 0. `None` if not fully parsed or NaN.
fn strtod_full(arg: &[u8]) -> Option<f64> {
    let arg = arg.iter().position(|&c| c == 0).map_or(arg, |n| &arg[..n]);
    if arg.is_empty() {
        return Some(0.0);
    }
    let s = std::str::from_utf8(arg).ok()?;
    let t = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let lower = t.to_ascii_lowercase();
    if let Some(v) = parse_hex_float(t.as_bytes()) {
        return Some(v);
    }
    let (neg, body) = match lower.as_bytes().first() {
        Some(b'-') => (true, &lower[1..]),
        Some(b'+') => (false, &lower[1..]),
        _ => (false, &lower[..]),
    };
    let v = match body {
        "inf" | "infinity" => f64::INFINITY,
        _ => {
            if body.is_empty()
                || !body
                    .bytes()
                    .all(|c| c.is_ascii_digit() || b".e+-".contains(&c))
            {
                return None;
            }
            body.parse::<f64>().ok()?
        }
    };
    let v = if neg { -v } else { v };
    (!v.is_nan()).then_some(v)
}

/// A score range (`zrangespec`).
#[derive(Debug, Clone, Copy)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub minex: bool,
    pub maxex: bool,
}

impl ScoreRange {
    fn parse_bound(arg: &[u8]) -> Option<(f64, bool)> {
        match arg.first() {
            Some(b'(') => strtod_full(&arg[1..]).map(|v| (v, true)),
            _ => strtod_full(arg).map(|v| (v, false)),
        }
    }

    /// `zslParseRange`, with Redis's error.
    pub fn parse(min: &[u8], max: &[u8]) -> Result<ScoreRange, Error> {
        let e = Error::Msg("ERR min or max is not a float");
        let (min, minex) = Self::parse_bound(min).ok_or(e.clone())?;
        let (max, maxex) = Self::parse_bound(max).ok_or(e)?;
        Ok(ScoreRange {
            min,
            max,
            minex,
            maxex,
        })
    }

    fn below_min(&self, s: f64) -> bool {
        if self.minex {
            s <= self.min
        } else {
            s < self.min
        }
    }

    fn lte_max(&self, s: f64) -> bool {
        if self.maxex {
            s < self.max
        } else {
            s <= self.max
        }
    }

    /// The ranks `lo..hi` of the elements in range.
    pub fn ranks(&self, z: &ZSet) -> (usize, usize) {
        let lo = z.count_while(&|_, s| self.below_min(s));
        let hi = z.count_while(&|_, s| self.lte_max(s));
        (lo, hi.max(lo))
    }
}

/// One end of a lex range.
#[derive(Debug, Clone)]
enum LexBound {
    Min,
    Max,
    Incl(Vec<u8>),
    Excl(Vec<u8>),
}

#[derive(Debug, Clone)]
struct LexRange {
    min: LexBound,
    max: LexBound,
}

impl LexRange {
    fn parse_item(arg: &[u8]) -> Option<LexBound> {
        let alone = arg.get(1).is_none_or(|&c| c == 0);
        match arg.first() {
            Some(b'+') if alone => Some(LexBound::Max),
            Some(b'-') if alone => Some(LexBound::Min),
            Some(b'(') => Some(LexBound::Excl(arg[1..].to_vec())),
            Some(b'[') => Some(LexBound::Incl(arg[1..].to_vec())),
            _ => None,
        }
    }

    fn parse(min: &[u8], max: &[u8]) -> Result<LexRange, Error> {
        let e = Error::Msg("ERR min or max not valid string range item");
        Ok(LexRange {
            min: Self::parse_item(min).ok_or(e.clone())?,
            max: Self::parse_item(max).ok_or(e)?,
        })
    }

    fn below_min(&self, m: &[u8]) -> bool {
        match &self.min {
            LexBound::Min => false,
            LexBound::Max => true,
            LexBound::Incl(b) => m < &b[..],
            LexBound::Excl(b) => m <= &b[..],
        }
    }

    fn lte_max(&self, m: &[u8]) -> bool {
        match &self.max {
            LexBound::Min => false,
            LexBound::Max => true,
            LexBound::Incl(b) => m <= &b[..],
            LexBound::Excl(b) => m < &b[..],
        }
    }

    /// `zslIsInLexRange`'s test of the range itself.
    fn is_empty(&self) -> bool {
        use std::cmp::Ordering::*;
        let rank = |b: &LexBound| match b {
            LexBound::Min => 0,
            LexBound::Max => 2,
            _ => 1,
        };
        let val = |b: &LexBound| match b {
            LexBound::Incl(v) | LexBound::Excl(v) => Some(v.clone()),
            _ => None,
        };
        let cmp = rank(&self.min)
            .cmp(&rank(&self.max))
            .then_with(|| val(&self.min).cmp(&val(&self.max)));
        let ex = |b: &LexBound| !matches!(b, LexBound::Incl(_));
        cmp == Greater || (cmp == Equal && (ex(&self.min) || ex(&self.max)))
    }

    /// The ranks ZREMRANGEBYLEX removes: as `ranks` for a listpack (`zzlDeleteRangeByLex`
    /// starts with `zzlFirstInLexRange`), but a skiplist's `zslDeleteRangeByLex` has no "is
    /// anything in range?" check first: it descends to the first element not below min and
    /// removes from there while elements are not above max. (The two differ only when
    /// members of different scores make the order non-lexicographic.) One descent and a
    /// forward walk over the removed members.
    fn remove_ranks(&self, z: &ZSet) -> (usize, usize) {
        if z.is_listpack() {
            return self.ranks(z, false);
        }
        z.run_after(&|m, _| self.below_min(m), &|m, _| self.lte_max(m))
    }

    /// The ranks `lo..hi` Redis selects for a lex range, walking from the first element in
    /// range (or back from the last one if `rev`). With elements of different scores the
    /// order is not lexicographic, and this follows Redis's listpack walk exactly.
    fn ranks(&self, z: &ZSet, rev: bool) -> (usize, usize) {
        let n = z.len();
        let (Some((first, _)), Some((last, _))) = (z.at(0), z.at(n.wrapping_sub(1))) else {
            return (0, 0);
        };
        if self.is_empty() || self.below_min(last) || !self.lte_max(first) {
            return (0, 0);
        }
        let ok = |i: usize, f: &dyn Fn(&[u8]) -> bool| z.at(i).is_some_and(|(m, _)| f(m));
        if !rev {
            let lo = z.count_while(&|m, _| self.below_min(m));
            if !ok(lo, &|m| self.lte_max(m)) {
                return (0, 0);
            }
            let hi = if z.is_listpack() {
                (lo..n).find(|&i| !ok(i, &|m| self.lte_max(m))).unwrap_or(n)
            } else {
                z.count_while(&|m, _| self.lte_max(m))
            };
            (lo, hi.max(lo))
        } else {
            let hi = if z.is_listpack() {
                (0..n)
                    .rev()
                    .find(|&i| ok(i, &|m| self.lte_max(m)))
                    .map_or(0, |i| i + 1)
            } else {
                z.count_while(&|m, _| self.lte_max(m))
            };
            if hi == 0 || ok(hi - 1, &|m| self.below_min(m)) {
                return (0, 0);
            }
            let lo = if z.is_listpack() {
                (0..hi)
                    .rev()
                    .find(|&i| ok(i, &|m| self.below_min(m)))
                    .map_or(0, |i| i + 1)
            } else {
                z.count_while(&|m, _| self.below_min(m))
            };
            (lo.min(hi), hi)
        }
    }
}

/// Normalises Redis rank arguments (`start`, `end`, negatives from the end) for a set of
/// `len` elements into a start rank and a count; `None` if empty.
fn rank_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let llen = len as i64;
    let mut start = if start < 0 { llen + start } else { start };
    let mut end = if end < 0 { llen + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return None;
    }
    if end >= llen {
        end = llen - 1;
    }
    Some((start as usize, (end - start + 1) as usize))
}

/// Writes elements as Redis does for range replies: member only, or with scores (flat in
/// RESP2, [member, score] pairs in RESP3).
pub fn reply_elements(out: &mut Reply, elems: &[(Vec<u8>, f64)], withscores: bool) {
    if withscores && !out.resp3 {
        out.array(elems.len() * 2);
    } else {
        out.array(elems.len());
    }
    for (m, s) in elems {
        if withscores && out.resp3 {
            out.array(2);
        }
        out.bulk(m);
        if withscores {
            out.double(*s);
        }
    }
}

/// Stores `elems` (in order) at `dst` as a new sorted set (replacing any value and TTL), or
/// deletes `dst` if there are none; signals and notifies `event` like Redis's store commands.
/// Returns the stored cardinality.
pub fn store_result(ctx: &mut Ctx, dst: &[u8], elems: &[(Vec<u8>, f64)], event: &str) -> usize {
    if elems.is_empty() {
        if ctx.db().delete(dst) {
            ctx.changed(class::GENERIC, "del", dst);
            ctx.dirty(1);
        }
        return 0;
    }
    let maxlen = elems.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
    let mut z = ZSet::for_size(elems.len(), maxlen, limits(ctx.srv));
    for (m, s) in elems {
        z.insert_new(m, *s);
    }
    let n = z.len();
    ctx.db().set(dst, Value::ZSet(Box::new(z)), Ttl::Clear);
    ctx.changed(class::ZSET, event, dst);
    ctx.dirty(1);
    n
}

/// Collects `count` elements from rank `start` (downwards if `rev`).
fn collect(z: &ZSet, start: usize, count: usize, rev: bool) -> Vec<(Vec<u8>, f64)> {
    let mut v = Vec::with_capacity(count.min(z.len()));
    z.visit(start, count, rev, &mut |m, s| v.push((m.to_vec(), s)));
    v
}

/// Deletes `key` if its sorted set became empty, with the `del` event; returns whether it did.
fn delete_if_empty(ctx: &mut Ctx, key: &[u8]) -> bool {
    let empty = matches!(
        ctx.db().get_mut_no_touch(key).map(|e| &*e.value),
        Some(Value::ZSet(z)) if z.is_empty()
    );
    if empty {
        ctx.db().delete(key);
    }
    empty
}

// ---------------------------------------------------------------------------------------------
// ZADD / ZINCRBY

fn zadd_generic(ctx: &mut Ctx, argv: &[Bytes], mut f: AddFlags) -> CmdResult {
    let key = &argv[1];
    let mut ch = false;
    let mut idx = 2;
    while idx < argv.len() {
        let o = &argv[idx];
        if is(o, "nx") {
            f.nx = true;
        } else if is(o, "xx") {
            f.xx = true;
        } else if is(o, "ch") {
            ch = true;
        } else if is(o, "incr") {
            f.incr = true;
        } else if is(o, "gt") {
            f.gt = true;
        } else if is(o, "lt") {
            f.lt = true;
        } else {
            break;
        }
        idx += 1;
    }
    let elements = argv.len() - idx;
    if elements % 2 == 1 || elements == 0 {
        return Err(Error::Syntax);
    }
    let elements = elements / 2;
    if f.nx && f.xx {
        return Err(Error::Msg(
            "ERR XX and NX options at the same time are not compatible",
        ));
    }
    if (f.nx && (f.gt || f.lt)) || (f.gt && f.lt) {
        return Err(Error::Msg(
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if f.incr && elements > 1 {
        return Err(Error::Msg(
            "ERR INCR option supports a single increment-element pair",
        ));
    }
    let mut scores = Vec::with_capacity(elements);
    for j in 0..elements {
        scores.push(parse_score(&argv[idx + j * 2])?);
    }
    let lim = limits(ctx.srv);
    let db = ctx.db;
    let exists = zset_at(ctx.srv, db, key, false)?.is_some();
    if !exists {
        if f.xx {
            return zadd_reply(ctx, f.incr, ch, 0, 0, 0, 0.0);
        }
        let first = argv[idx + 1].len();
        let z = if lim.entries == 0 || lim.value < first {
            ZSet::new_skiplist()
        } else {
            ZSet::new_listpack()
        };
        ctx.db().set(key, Value::ZSet(Box::new(z)), Ttl::Clear);
    }
    let (mut added, mut updated, mut processed) = (0usize, 0usize, 0usize);
    let mut score = 0.0;
    let mut nan = false;
    if let Some(z) = zset_at(ctx.srv, db, key, false)? {
        for (j, &sc) in scores.iter().enumerate() {
            match z.add(&argv[idx + j * 2 + 1], sc, f, lim) {
                Added::Added(s) => {
                    added += 1;
                    processed += 1;
                    score = s;
                }
                Added::Updated(s) => {
                    updated += 1;
                    processed += 1;
                    score = s;
                }
                Added::Same(s) => {
                    processed += 1;
                    score = s;
                }
                Added::Nop => {}
                Added::Nan => {
                    nan = true;
                    break;
                }
            }
        }
    }
    if added + updated > 0 {
        ctx.changed(class::ZSET, if f.incr { "zincr" } else { "zadd" }, key);
    }
    if nan {
        return Err(Error::Msg("ERR resulting score is not a number (NaN)"));
    }
    ctx.dirty((added + updated) as u64);
    zadd_reply(ctx, f.incr, ch, added, updated, processed, score)
}

fn zadd_reply(
    ctx: &mut Ctx,
    incr: bool,
    ch: bool,
    added: usize,
    updated: usize,
    processed: usize,
    score: f64,
) -> CmdResult {
    if incr {
        if processed > 0 {
            ctx.out.double(score);
        } else {
            ctx.out.null();
        }
    } else {
        ctx.out.int(if ch { added + updated } else { added } as i64);
    }
    Ok(())
}

/// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] (also GEOADD's
/// translation).
pub fn cmd_zadd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zadd_generic(ctx, argv, AddFlags::default())
}

/// ZINCRBY key increment member
fn cmd_zincrby(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zadd_generic(
        ctx,
        argv,
        AddFlags {
            incr: true,
            ..AddFlags::default()
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Point lookups

/// ZSCORE key member
fn cmd_zscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let db = ctx.db;
    match zset_at(ctx.srv, db, &argv[1], true)?.and_then(|z| z.score(&argv[2])) {
        Some(s) => ctx.out.double(s),
        None => ctx.out.null(),
    }
    Ok(())
}

/// ZMSCORE key member [member ...]
fn cmd_zmscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let db = ctx.db;
    let scores: Vec<Option<f64>> = match zset_at(ctx.srv, db, &argv[1], true)? {
        Some(z) => argv[2..].iter().map(|m| z.score(m)).collect(),
        None => vec![None; argv.len() - 2],
    };
    ctx.out.array(scores.len());
    for s in scores {
        match s {
            Some(s) => ctx.out.double(s),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// ZCARD key
fn cmd_zcard(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let db = ctx.db;
    let n = zset_at(ctx.srv, db, &argv[1], true)?.map_or(0, |z| z.len());
    ctx.out.int(n as i64);
    Ok(())
}

fn zrank_generic(ctx: &mut Ctx, argv: &[Bytes], rev: bool) -> CmdResult {
    let db = ctx.db;
    match zset_at(ctx.srv, db, &argv[1], true)?.and_then(|z| z.rank(&argv[2], rev)) {
        Some(r) => ctx.out.int(r as i64),
        None => ctx.out.null(),
    }
    Ok(())
}

/// ZRANK key member
fn cmd_zrank(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrank_generic(ctx, argv, false)
}

/// ZREVRANK key member
fn cmd_zrevrank(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrank_generic(ctx, argv, true)
}

/// ZCOUNT key min max
fn cmd_zcount(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let range = ScoreRange::parse(&argv[2], &argv[3])?;
    let db = ctx.db;
    let n = zset_at(ctx.srv, db, &argv[1], true)?.map_or(0, |z| {
        let (lo, hi) = range.ranks(z);
        hi - lo
    });
    ctx.out.int(n as i64);
    Ok(())
}

/// ZLEXCOUNT key min max
fn cmd_zlexcount(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let range = LexRange::parse(&argv[2], &argv[3])?;
    let db = ctx.db;
    let n = zset_at(ctx.srv, db, &argv[1], true)?.map_or(0, |z| {
        let (lo, hi) = range.ranks(z, false);
        hi - lo
    });
    ctx.out.int(n as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZRANGE family

#[derive(Clone, Copy, PartialEq)]
enum RangeType {
    Auto,
    Rank,
    Score,
    Lex,
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Auto,
    Forward,
    Reverse,
}

/// Redis's `zrangeGenericCommand`: `first` is the index of the source key; `store` the
/// destination for ZRANGESTORE.
fn zrange_generic(
    ctx: &mut Ctx,
    argv: &[Bytes],
    first: usize,
    store: Option<&Bytes>,
    mut rtype: RangeType,
    mut dir: Dir,
) -> CmdResult {
    let key = &argv[first];
    let mut minidx = first + 1;
    let mut maxidx = first + 2;
    let mut withscores = false;
    let mut offset: i64 = 0;
    let mut limit: i64 = -1;
    let mut j = first + 3;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let a = &argv[j];
        if store.is_none() && is(a, "withscores") {
            withscores = true;
        } else if is(a, "limit") && left >= 2 {
            offset = parse_int(&argv[j + 1])?;
            limit = parse_int(&argv[j + 2])?;
            j += 2;
        } else if dir == Dir::Auto && is(a, "rev") {
            dir = Dir::Reverse;
        } else if rtype == RangeType::Auto && is(a, "bylex") {
            rtype = RangeType::Lex;
        } else if rtype == RangeType::Auto && is(a, "byscore") {
            rtype = RangeType::Score;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    if dir == Dir::Auto {
        dir = Dir::Forward;
    }
    if rtype == RangeType::Auto {
        rtype = RangeType::Rank;
    }
    if limit != -1 && rtype == RangeType::Rank {
        return Err(Error::Msg(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && rtype == RangeType::Lex {
        return Err(Error::Msg(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    let rev = dir == Dir::Reverse;
    if rev && rtype != RangeType::Rank {
        std::mem::swap(&mut minidx, &mut maxidx);
    }
    enum Spec {
        Rank(i64, i64),
        Score(ScoreRange),
        Lex(LexRange),
    }
    let spec = match rtype {
        RangeType::Score => Spec::Score(ScoreRange::parse(&argv[minidx], &argv[maxidx])?),
        RangeType::Lex => Spec::Lex(LexRange::parse(&argv[minidx], &argv[maxidx])?),
        _ => Spec::Rank(parse_int(&argv[minidx])?, parse_int(&argv[maxidx])?),
    };
    let db = ctx.db;
    let Some(z) = zset_at(ctx.srv, db, key, true)? else {
        match store {
            Some(dst) => {
                store_result(ctx, dst, &[], "zrangestore");
                ctx.out.int(0);
            }
            None => ctx.out.array(0),
        }
        return Ok(());
    };
    // The selection as (first rank visited, count, direction).
    let (first, count) = match spec {
        Spec::Rank(start, end) => match rank_range(start, end, z.len()) {
            None => (0, 0),
            Some((start, count)) if rev => (z.len() - 1 - start, count),
            Some(sel) => sel,
        },
        Spec::Score(r) => {
            let (lo, hi) = r.ranks(z);
            limited(lo, hi, offset, limit, rev)
        }
        Spec::Lex(r) => {
            let (lo, hi) = r.ranks(z, rev);
            limited(lo, hi, offset, limit, rev)
        }
    };
    match store {
        Some(dst) => {
            let elems = collect(z, first, count, rev);
            let n = store_result(ctx, dst, &elems, "zrangestore");
            ctx.out.int(n as i64);
        }
        None => {
            // Replied straight from the set, without copying the members.
            let out = &mut *ctx.out;
            let resp3 = out.resp3;
            out.array(if withscores && !resp3 {
                count * 2
            } else {
                count
            });
            z.visit(first, count, rev, &mut |m, s| {
                if withscores && resp3 {
                    out.array(2);
                }
                out.bulk(m);
                if withscores {
                    out.double(s);
                }
            });
        }
    }
    Ok(())
}

/// The selection `(first rank visited, count)` of ranks `lo..hi` after skipping `offset` and
/// taking at most `limit` (< 0 = all), from the top if `rev`. A negative offset selects
/// nothing, as in Redis.
fn limited(lo: usize, hi: usize, offset: i64, limit: i64, rev: bool) -> (usize, usize) {
    if offset < 0 || hi <= lo {
        return (0, 0);
    }
    let avail = hi - lo;
    let off = offset as u64;
    if off >= avail as u64 {
        return (0, 0);
    }
    let off = off as usize;
    let n = avail - off;
    let n = if limit < 0 {
        n
    } else {
        n.min(limit as u64 as usize)
    };
    if rev {
        (hi - 1 - off, n)
    } else {
        (lo + off, n)
    }
}

/// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
fn cmd_zrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Auto, Dir::Auto)
}

/// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
fn cmd_zrangestore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 2, Some(&argv[1]), RangeType::Auto, Dir::Auto)
}

/// ZREVRANGE key start stop [WITHSCORES]
fn cmd_zrevrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Rank, Dir::Reverse)
}

/// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
fn cmd_zrangebyscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Score, Dir::Forward)
}

/// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
fn cmd_zrevrangebyscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Score, Dir::Reverse)
}

/// ZRANGEBYLEX key min max [LIMIT offset count]
fn cmd_zrangebylex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Lex, Dir::Forward)
}

/// ZREVRANGEBYLEX key max min [LIMIT offset count]
fn cmd_zrevrangebylex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zrange_generic(ctx, argv, 1, None, RangeType::Lex, Dir::Reverse)
}

// ---------------------------------------------------------------------------------------------
// Removal

/// ZREM key member [member ...]
fn cmd_zrem(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let db = ctx.db;
    let mut deleted = 0;
    let mut removed = false;
    if let Some(z) = zset_at(ctx.srv, db, key, false)? {
        for m in &argv[2..] {
            if z.remove(m) {
                deleted += 1;
            }
            if z.is_empty() {
                removed = true;
                break;
            }
        }
    }
    if removed {
        ctx.db().delete(key);
    }
    if deleted > 0 {
        ctx.changed(class::ZSET, "zrem", key);
        if removed {
            ctx.notify(class::GENERIC, "del", key);
        }
        ctx.dirty(deleted);
    }
    ctx.out.int(deleted as i64);
    Ok(())
}

fn zremrange_generic(ctx: &mut Ctx, argv: &[Bytes], rtype: RangeType) -> CmdResult {
    let key = &argv[1];
    enum Spec {
        Rank(i64, i64),
        Score(ScoreRange),
        Lex(LexRange),
    }
    let (spec, event) = match rtype {
        RangeType::Score => (
            Spec::Score(ScoreRange::parse(&argv[2], &argv[3])?),
            "zremrangebyscore",
        ),
        RangeType::Lex => (
            Spec::Lex(LexRange::parse(&argv[2], &argv[3])?),
            "zremrangebylex",
        ),
        _ => (
            Spec::Rank(parse_int(&argv[2])?, parse_int(&argv[3])?),
            "zremrangebyrank",
        ),
    };
    let db = ctx.db;
    let Some(z) = zset_at(ctx.srv, db, key, false)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let (start, count) = match spec {
        Spec::Rank(s, e) => rank_range(s, e, z.len()).unwrap_or((0, 0)),
        Spec::Score(r) => {
            let (lo, hi) = r.ranks(z);
            (lo, hi - lo)
        }
        Spec::Lex(r) => {
            let (lo, hi) = r.remove_ranks(z);
            (lo, hi - lo)
        }
    };
    let deleted = if count > 0 {
        z.remove_range(start, count)
    } else {
        0
    };
    if deleted > 0 {
        let removed = delete_if_empty(ctx, key);
        ctx.changed(class::ZSET, event, key);
        if removed {
            ctx.notify(class::GENERIC, "del", key);
        }
    }
    ctx.dirty(deleted as u64);
    ctx.out.int(deleted as i64);
    Ok(())
}

/// ZREMRANGEBYRANK key start stop
fn cmd_zremrangebyrank(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zremrange_generic(ctx, argv, RangeType::Rank)
}

/// ZREMRANGEBYSCORE key min max
fn cmd_zremrangebyscore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zremrange_generic(ctx, argv, RangeType::Score)
}

/// ZREMRANGEBYLEX key min max
fn cmd_zremrangebylex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zremrange_generic(ctx, argv, RangeType::Lex)
}

// ---------------------------------------------------------------------------------------------
// Pops

/// How a pop replies (Redis's `emitkey` / `use_nested_array` / `reply_nil_when_empty`).
#[derive(Clone, Copy)]
struct PopStyle {
    emit_key: bool,
    nested: bool,
    nil_when_empty: bool,
}

/// Redis's `genericZpopCommand` over `keys` (the first existing one is popped from); `count`
/// -1 means a plain single pop. Returns the key popped from, if any.
fn zpop_generic(
    ctx: &mut Ctx,
    keys: &[&Bytes],
    max: bool,
    count: i64,
    style: PopStyle,
) -> Result<Option<Bytes>, Error> {
    let db = ctx.db;
    let mut found: Option<&Bytes> = None;
    for k in keys {
        if zset_at(ctx.srv, db, k, false)?.is_some() {
            found = Some(k);
            break;
        }
    }
    let Some(key) = found else {
        if style.nil_when_empty {
            ctx.out.null_array();
        } else {
            ctx.out.array(0);
        }
        return Ok(None);
    };
    if count == 0 {
        ctx.out.array(0);
        return Ok(None);
    }
    let count = if count == -1 { 1 } else { count } as u64;
    let mut popped: Vec<(Vec<u8>, f64)> = Vec::new();
    if let Some(z) = zset_at(ctx.srv, db, key, false)? {
        let n = count.min(z.len() as u64) as usize;
        popped.reserve(n);
        for _ in 0..n {
            match z.pop(max) {
                Some(e) => popped.push(e),
                None => break,
            }
        }
    }
    let out = &mut *ctx.out;
    match (style.nested, style.emit_key) {
        (false, false) => out.array(popped.len() * 2),
        (true, false) => out.array(popped.len()),
        (false, true) => {
            out.array(popped.len() * 2 + 1);
            out.bulk(key);
        }
        (true, true) => {
            out.array(2);
            out.bulk(key);
            out.array(popped.len());
        }
    }
    for (m, s) in &popped {
        if style.nested {
            out.array(2);
        }
        out.bulk(m);
        out.double(*s);
    }
    if !popped.is_empty() {
        ctx.changed(class::ZSET, if max { "zpopmax" } else { "zpopmin" }, key);
    }
    if delete_if_empty(ctx, key) {
        ctx.notify(class::GENERIC, "del", key);
    }
    ctx.dirty(popped.len() as u64);
    Ok(Some(key.clone()))
}

fn zpop_cmd(ctx: &mut Ctx, argv: &[Bytes], max: bool) -> CmdResult {
    if argv.len() > 3 {
        return Err(Error::Syntax);
    }
    let mut count = -1;
    if argv.len() == 3 {
        let e = Error::Msg("ERR value is out of range, must be positive");
        count = parse_int(&argv[2]).map_err(|_| e.clone())?;
        if count < 0 {
            return Err(e);
        }
    }
    let style = PopStyle {
        emit_key: false,
        nested: ctx.out.resp3 && count != -1,
        nil_when_empty: false,
    };
    zpop_generic(ctx, &[&argv[1]], max, count, style)?;
    Ok(())
}

/// ZPOPMIN key [count]
fn cmd_zpopmin(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zpop_cmd(ctx, argv, false)
}

/// ZPOPMAX key [count]
fn cmd_zpopmax(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zpop_cmd(ctx, argv, true)
}

/// Redis's `blockingGenericZpopCommand`: pops from the first non-empty key (the ready key
/// first when re-run), or blocks.
fn bzpop_generic(
    ctx: &mut Ctx,
    keys: &[Bytes],
    deadline: i64,
    max: bool,
    count: i64,
    style: PopStyle,
) -> CmdResult {
    let db = ctx.db;
    let order: Vec<Bytes> = ctx.serve_order(keys).into_iter().cloned().collect();
    for k in &order {
        if zset_at(ctx.srv, db, k, false)?.is_none_or(|z| z.is_empty()) {
            continue;
        }
        zpop_generic(ctx, &[k], max, count, style)?;
        let name = Bytes::from_static(if max { b"ZPOPMAX" } else { b"ZPOPMIN" });
        if count == -1 {
            ctx.propagate_as(vec![name, k.clone()]);
        } else {
            let c = Bytes::copy_from_slice(itoa::Buffer::new().format(count.max(1)).as_bytes());
            ctx.propagate_as(vec![name, k.clone(), c]);
        }
        return Ok(());
    }
    if !ctx.may_block() {
        ctx.out.null_array();
        return Ok(());
    }
    ctx.block(keys, deadline, "zset");
    Ok(())
}

fn bzpop_cmd(ctx: &mut Ctx, argv: &[Bytes], max: bool) -> CmdResult {
    let deadline = crate::blocking::parse_timeout(&argv[argv.len() - 1])?;
    let style = PopStyle {
        emit_key: true,
        nested: false,
        nil_when_empty: false,
    };
    bzpop_generic(ctx, &argv[1..argv.len() - 1], deadline, max, -1, style)
}

/// BZPOPMIN key [key ...] timeout
fn cmd_bzpopmin(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bzpop_cmd(ctx, argv, false)
}

/// BZPOPMAX key [key ...] timeout
fn cmd_bzpopmax(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bzpop_cmd(ctx, argv, true)
}

/// Redis's `zmpopGenericCommand`: `numkeys_idx` is where numkeys is.
fn zmpop_generic(ctx: &mut Ctx, argv: &[Bytes], numkeys_idx: usize, block: bool) -> CmdResult {
    let e = Error::Msg("ERR numkeys should be greater than 0");
    let numkeys = parse_int(&argv[numkeys_idx]).map_err(|_| e.clone())?;
    if numkeys < 1 {
        return Err(e);
    }
    let where_idx = (numkeys as u64)
        .checked_add(numkeys_idx as u64 + 1)
        .filter(|&w| w < argv.len() as u64)
        .ok_or(Error::Syntax)? as usize;
    let max = if is(&argv[where_idx], "min") {
        false
    } else if is(&argv[where_idx], "max") {
        true
    } else {
        return Err(Error::Syntax);
    };
    let mut count: i64 = -1;
    let mut j = where_idx + 1;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if count == -1 && is(&argv[j], "count") && more > 0 {
            j += 1;
            let ce = Error::Msg("ERR count should be greater than 0");
            count = parse_int(&argv[j]).map_err(|_| ce.clone())?;
            if count < 1 {
                return Err(ce);
            }
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    if count == -1 {
        count = 1;
    }
    let keys = &argv[numkeys_idx + 1..where_idx];
    let style = PopStyle {
        emit_key: true,
        nested: true,
        nil_when_empty: true,
    };
    if block {
        let deadline = crate::blocking::parse_timeout(&argv[1])?;
        return bzpop_generic(ctx, keys, deadline, max, count, style);
    }
    let refs: Vec<&Bytes> = keys.iter().collect();
    if let Some(k) = zpop_generic(ctx, &refs, max, count, style)? {
        let name = Bytes::from_static(if max { b"ZPOPMAX" } else { b"ZPOPMIN" });
        let c = Bytes::copy_from_slice(itoa::Buffer::new().format(count).as_bytes());
        ctx.propagate_as(vec![name, k, c]);
    }
    Ok(())
}

/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
fn cmd_zmpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zmpop_generic(ctx, argv, 1, false)
}

/// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
fn cmd_bzmpop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zmpop_generic(ctx, argv, 2, true)
}

// ---------------------------------------------------------------------------------------------
// ZUNION / ZINTER / ZDIFF

#[derive(Clone, Copy, PartialEq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy, PartialEq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

#[inline]
fn aggregate(target: &mut f64, val: f64, a: Aggregate) {
    match a {
        Aggregate::Sum => {
            *target += val;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if val < *target {
                *target = val;
            }
        }
        Aggregate::Max => {
            if val > *target {
                *target = val;
            }
        }
    }
}

/// The members of a plain set used as an input of ZUNION/ZINTER/ZDIFF (each with score 1,
/// as Redis).
fn set_members(s: &crate::types::Set) -> Vec<Vec<u8>> {
    s.iter().map(|m| m.to_vec()).collect()
}

/// One input of a set operation, read out of the keyspace.
enum Input {
    Missing,
    /// Index of an earlier input with the same key (same object).
    Alias(usize),
    Z(Box<ZSet>),
    Set(Vec<Vec<u8>>, std::collections::HashSet<Vec<u8>>),
}

impl Input {
    fn len(&self, all: &[Input]) -> usize {
        match self {
            Input::Missing => 0,
            Input::Alias(i) => all[*i].len(all),
            Input::Z(z) => z.len(),
            Input::Set(v, _) => v.len(),
        }
    }

    fn elems(&self, all: &[Input]) -> Vec<(Vec<u8>, f64)> {
        match self {
            Input::Missing => Vec::new(),
            Input::Alias(i) => all[*i].elems(all),
            Input::Z(z) => z.iter().map(|(m, s)| (m.to_vec(), s)).collect(),
            Input::Set(v, _) => v.iter().map(|m| (m.clone(), 1.0)).collect(),
        }
    }

    fn find(&self, all: &[Input], m: &[u8]) -> Option<f64> {
        match self {
            Input::Missing => None,
            Input::Alias(i) => all[*i].find(all, m),
            Input::Z(z) => z.score(m),
            Input::Set(_, h) => h.contains(m).then_some(1.0),
        }
    }
}

fn zsetop_generic(
    ctx: &mut Ctx,
    argv: &[Bytes],
    dst: Option<&Bytes>,
    numkeys_idx: usize,
    op: SetOp,
    card_only: bool,
) -> CmdResult {
    let setnum = parse_int(&argv[numkeys_idx])?;
    if setnum < 1 {
        return Err(Error::err(format_args!(
            "at least 1 input key is needed for '{}' command",
            ctx.cmd.name
        )));
    }
    if setnum > (argv.len() - (numkeys_idx + 1)) as i64 {
        return Err(Error::Syntax);
    }
    let setnum = setnum as usize;
    let keys = &argv[numkeys_idx + 1..numkeys_idx + 1 + setnum];
    let db = ctx.db;
    // Lookups and type checks first, as Redis does before parsing options.
    let mut present = Vec::with_capacity(setnum);
    for k in keys {
        match lookup(ctx.srv, db, k, true) {
            None => present.push(false),
            Some(e) => match e.value {
                Value::ZSet(_) | Value::Set(_) => present.push(true),
                _ => return Err(Error::WrongType),
            },
        }
    }
    let mut weights = vec![1.0f64; setnum];
    let mut agg = Aggregate::Sum;
    let mut withscores = false;
    let mut limit: i64 = 0;
    let mut j = numkeys_idx + 1 + setnum;
    while j < argv.len() {
        let remaining = argv.len() - j;
        let a = &argv[j];
        if op != SetOp::Diff && !card_only && remaining > setnum && is(a, "weights") {
            j += 1;
            for w in weights.iter_mut() {
                *w = parse_score(&argv[j])
                    .map_err(|_| Error::Msg("ERR weight value is not a float"))?;
                j += 1;
            }
        } else if op != SetOp::Diff && !card_only && remaining >= 2 && is(a, "aggregate") {
            let v = &argv[j + 1];
            agg = if is(v, "sum") {
                Aggregate::Sum
            } else if is(v, "min") {
                Aggregate::Min
            } else if is(v, "max") {
                Aggregate::Max
            } else {
                return Err(Error::Syntax);
            };
            j += 2;
        } else if dst.is_none() && !card_only && is(a, "withscores") {
            withscores = true;
            j += 1;
        } else if card_only && remaining >= 2 && is(a, "limit") {
            let e = Error::Msg("ERR LIMIT can't be negative");
            limit = parse_int(&argv[j + 1]).map_err(|_| e.clone())?;
            if limit < 0 {
                return Err(e);
            }
            j += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    // Take the inputs out of the keyspace for the computation (put back below).
    let mut inputs: Vec<Input> = Vec::with_capacity(setnum);
    for (i, k) in keys.iter().enumerate() {
        if let Some(first) = keys[..i].iter().position(|x| x == k) {
            inputs.push(Input::Alias(first));
            continue;
        }
        if !present[i] {
            inputs.push(Input::Missing);
            continue;
        }
        let input = match ctx.srv.dbs[db].get_mut_no_touch(k) {
            Some(e) => match e.value {
                Value::ZSet(z) => Input::Z(std::mem::take(z)),
                Value::Set(s) => {
                    let v = set_members(s);
                    let h = v.iter().cloned().collect();
                    Input::Set(v, h)
                }
                _ => Input::Missing,
            },
            None => Input::Missing,
        };
        inputs.push(input);
    }
    let (result, card) = compute_setop(&inputs, &weights, op, agg, card_only, limit);
    for (i, input) in inputs.into_iter().enumerate() {
        if let Input::Z(z) = input
            && let Some(e) = ctx.srv.dbs[db].get_mut_no_touch(&keys[i])
        {
            *e.value = Value::ZSet(z);
        }
    }
    if let Some(dst) = dst {
        let event = match op {
            SetOp::Union => "zunionstore",
            SetOp::Inter => "zinterstore",
            SetOp::Diff => "zdiffstore",
        };
        let n = store_result(ctx, dst, &result, event);
        ctx.out.int(n as i64);
    } else if card_only {
        ctx.out.int(card as i64);
    } else {
        reply_elements(ctx.out, &result, withscores);
    }
    Ok(())
}

/// The sorted result of a set operation (and, for ZINTERCARD, the count).
fn compute_setop(
    inputs: &[Input],
    weights: &[f64],
    op: SetOp,
    agg: Aggregate,
    card_only: bool,
    limit: i64,
) -> (Vec<(Vec<u8>, f64)>, usize) {
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    if op != SetOp::Diff {
        order.sort_by_key(|&i| inputs[i].len(inputs));
    }
    let mut result: Vec<(Vec<u8>, f64)> = Vec::new();
    let mut card = 0usize;
    match op {
        SetOp::Inter => {
            let first = order[0];
            if inputs[first].len(inputs) > 0 {
                let same = |a: usize, b: usize| {
                    let root = |i: usize| match inputs[i] {
                        Input::Alias(r) => r,
                        _ => i,
                    };
                    root(a) == root(b)
                };
                for (m, s) in inputs[first].elems(inputs) {
                    let mut score = weights[first] * s;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    let mut all = true;
                    for &o in &order[1..] {
                        let v = if same(o, first) {
                            Some(s)
                        } else {
                            inputs[o].find(inputs, &m)
                        };
                        match v {
                            Some(v) => aggregate(&mut score, v * weights[o], agg),
                            None => {
                                all = false;
                                break;
                            }
                        }
                    }
                    if !all {
                        continue;
                    }
                    if card_only {
                        card += 1;
                        if limit > 0 && card as i64 >= limit {
                            break;
                        }
                    } else {
                        result.push((m, score));
                    }
                }
            }
        }
        SetOp::Union => {
            let mut acc: std::collections::HashMap<Vec<u8>, f64, foldhash::fast::RandomState> =
                Default::default();
            for &i in &order {
                for (m, s) in inputs[i].elems(inputs) {
                    let mut score = weights[i] * s;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    match acc.get_mut(&m) {
                        Some(t) => aggregate(t, score, agg),
                        None => {
                            acc.insert(m, score);
                        }
                    }
                }
            }
            result = acc.into_iter().collect();
        }
        SetOp::Diff => {
            for (m, s) in inputs[0].elems(inputs) {
                if !inputs[1..].iter().any(|x| x.find(inputs, &m).is_some()) {
                    result.push((m, s));
                }
            }
        }
    }
    result.sort_by(|a, b| {
        a.1.partial_cmp(&b.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.0.cmp(&b.0))
    });
    (result, card)
}

/// ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
fn cmd_zunion(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Union, false)
}

/// ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
fn cmd_zinter(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Inter, false)
}

/// ZDIFF numkeys key [key ...] [WITHSCORES]
fn cmd_zdiff(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Diff, false)
}

/// ZUNIONSTORE dst numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]
fn cmd_zunionstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, Some(&argv[1]), 2, SetOp::Union, false)
}

/// ZINTERSTORE dst numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX]
fn cmd_zinterstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, Some(&argv[1]), 2, SetOp::Inter, false)
}

/// ZDIFFSTORE dst numkeys key [key ...]
fn cmd_zdiffstore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, Some(&argv[1]), 2, SetOp::Diff, false)
}

/// ZINTERCARD numkeys key [key ...] [LIMIT limit]
fn cmd_zintercard(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    zsetop_generic(ctx, argv, None, 1, SetOp::Inter, true)
}

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER / ZSCAN

/// The most elements ZRANDMEMBER with a negative count returns (Redis has no bound and
/// would build the whole reply; we refuse counts whose reply could not fit in memory).
const RANDMEMBER_MAX: u64 = 1 << 24;

/// ZRANDMEMBER key [count [WITHSCORES]]
fn cmd_zrandmember(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let db = ctx.db;
    if argv.len() >= 3 {
        let l = parse_int(&argv[2])?;
        if l == i64::MIN {
            return Err(Error::Msg(
                "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
            ));
        }
        let withscores = argv.len() == 4;
        if argv.len() > 4 || (withscores && !is(&argv[3], "withscores")) {
            return Err(Error::Syntax);
        }
        if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
            return Err(Error::Msg("ERR value is out of range"));
        }
        let Some(z) = zset_at(ctx.srv, db, &argv[1], true)? else {
            ctx.out.array(0);
            return Ok(());
        };
        let size = z.len();
        let (count, uniq) = if l >= 0 {
            (l as u64, true)
        } else {
            (l.unsigned_abs(), false)
        };
        if !uniq && count > RANDMEMBER_MAX {
            return Err(Error::Msg("ERR value is out of range"));
        }
        // A listpack is walked once, not once per pick.
        let all: Option<Vec<(&[u8], f64)>> = z.is_listpack().then(|| z.iter().collect());
        let get = |r: usize| match &all {
            Some(a) => a.get(r).copied(),
            None => z.at(r),
        };
        let n = if uniq { count.min(size as u64) } else { count } as usize;
        let out = &mut *ctx.out;
        out.array(if withscores && !out.resp3 { n * 2 } else { n });
        let mut emit = |r: usize| {
            if let Some((m, s)) = get(r) {
                if withscores && out.resp3 {
                    out.array(2);
                }
                out.bulk(m);
                if withscores {
                    out.double(s);
                }
            }
        };
        if !uniq || n == 1 {
            for _ in 0..n {
                emit(crate::rand::below(size as u64) as usize);
            }
        } else if n == size {
            // The whole set, highest score first, as Redis 7.0 replies.
            (0..size).rev().for_each(emit);
        } else {
            let mut idx: Vec<usize> = (0..size).collect();
            for i in 0..n {
                let j = i + crate::rand::below((size - i) as u64) as usize;
                idx.swap(i, j);
                emit(idx[i]);
            }
        }
        return Ok(());
    }
    let pick = match zset_at(ctx.srv, db, &argv[1], true)? {
        None => None,
        Some(z) => {
            let r = crate::rand::below(z.len().max(1) as u64) as usize;
            z.at(r).map(|(m, _)| m.to_vec())
        }
    };
    match pick {
        Some(m) => ctx.out.bulk(&m),
        None => ctx.out.null(),
    }
    Ok(())
}

/// ZSCAN key cursor [MATCH pattern] [COUNT count]
fn cmd_zscan(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let cursor = scan_cursor(&argv[2])?;
    let db = ctx.db;
    let Some(z) = zset_at(ctx.srv, db, &argv[1], true)? else {
        ctx.out.raw(b"*2\r\n$1\r\n0\r\n*0\r\n");
        return Ok(());
    };
    let ScanArgs { count, pattern, .. } = parse_scan_options(&argv[3..], false)?;
    let mut found: Vec<(Vec<u8>, f64)> = Vec::new();
    let mut cursor = cursor;
    let mut iterations = count.saturating_mul(10);
    loop {
        cursor = z.scan(cursor, &mut |m, s| found.push((m.to_vec(), s)));
        if cursor == 0 || iterations == 0 || (found.len() * 2) as u64 >= count as u64 {
            break;
        }
        iterations -= 1;
    }
    if let Some(p) = pattern {
        found.retain(|(m, _)| crate::keyspace::glob::matches(p, m, false));
    }
    let out = &mut *ctx.out;
    out.array(2);
    out.bulk(itoa::Buffer::new().format(cursor).as_bytes());
    out.array(found.len() * 2);
    for (m, s) in &found {
        out.bulk(m);
        out.bulk(format_double(*s).as_bytes());
    }
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command::new("zadd", -4, WRITE | DENYOOM | FAST, keys(1, 1, 1), cmd_zadd),
    Command::new(
        "zincrby",
        4,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_zincrby,
    ),
    Command::new("zscore", 3, READONLY | FAST, keys(1, 1, 1), cmd_zscore),
    Command::new("zmscore", -3, READONLY | FAST, keys(1, 1, 1), cmd_zmscore),
    Command::new("zcard", 2, READONLY | FAST, keys(1, 1, 1), cmd_zcard),
    Command::new("zcount", 4, READONLY | FAST, keys(1, 1, 1), cmd_zcount),
    Command::new(
        "zlexcount",
        4,
        READONLY | FAST,
        keys(1, 1, 1),
        cmd_zlexcount,
    ),
    Command::new("zrank", 3, READONLY | FAST, keys(1, 1, 1), cmd_zrank),
    Command::new("zrevrank", 3, READONLY | FAST, keys(1, 1, 1), cmd_zrevrank),
    Command::new("zrange", -4, READONLY, keys(1, 1, 1), cmd_zrange),
    Command::new(
        "zrangebyscore",
        -4,
        READONLY,
        keys(1, 1, 1),
        cmd_zrangebyscore,
    ),
    Command::new(
        "zrevrangebyscore",
        -4,
        READONLY,
        keys(1, 1, 1),
        cmd_zrevrangebyscore,
    ),
    Command::new("zrangebylex", -4, READONLY, keys(1, 1, 1), cmd_zrangebylex),
    Command::new(
        "zrevrangebylex",
        -4,
        READONLY,
        keys(1, 1, 1),
        cmd_zrevrangebylex,
    ),
    Command::new("zrevrange", -4, READONLY, keys(1, 1, 1), cmd_zrevrange),
    Command::new(
        "zrangestore",
        -5,
        WRITE | DENYOOM,
        keys(1, 2, 1),
        cmd_zrangestore,
    ),
    Command::new("zrem", -3, WRITE | FAST, keys(1, 1, 1), cmd_zrem),
    Command::new(
        "zremrangebyrank",
        4,
        WRITE,
        keys(1, 1, 1),
        cmd_zremrangebyrank,
    ),
    Command::new(
        "zremrangebyscore",
        4,
        WRITE,
        keys(1, 1, 1),
        cmd_zremrangebyscore,
    ),
    Command::new(
        "zremrangebylex",
        4,
        WRITE,
        keys(1, 1, 1),
        cmd_zremrangebylex,
    ),
    Command::new("zpopmin", -2, WRITE | FAST, keys(1, 1, 1), cmd_zpopmin),
    Command::new("zpopmax", -2, WRITE | FAST, keys(1, 1, 1), cmd_zpopmax),
    Command::new(
        "bzpopmin",
        -3,
        WRITE | NOSCRIPT | BLOCKING | FAST,
        keys(1, -2, 1),
        cmd_bzpopmin,
    ),
    Command::new(
        "bzpopmax",
        -3,
        WRITE | NOSCRIPT | BLOCKING | FAST,
        keys(1, -2, 1),
        cmd_bzpopmax,
    ),
    Command::new("zmpop", -4, WRITE | MOVABLE_KEYS, keys(0, 0, 0), cmd_zmpop),
    Command::new(
        "bzmpop",
        -5,
        WRITE | BLOCKING | MOVABLE_KEYS,
        keys(0, 0, 0),
        cmd_bzmpop,
    ),
    Command::new(
        "zunion",
        -3,
        READONLY | MOVABLE_KEYS,
        keys(0, 0, 0),
        cmd_zunion,
    ),
    Command::new(
        "zunionstore",
        -4,
        WRITE | DENYOOM | MOVABLE_KEYS,
        keys(1, 1, 1),
        cmd_zunionstore,
    ),
    Command::new(
        "zinter",
        -3,
        READONLY | MOVABLE_KEYS,
        keys(0, 0, 0),
        cmd_zinter,
    ),
    Command::new(
        "zinterstore",
        -4,
        WRITE | DENYOOM | MOVABLE_KEYS,
        keys(1, 1, 1),
        cmd_zinterstore,
    ),
    Command::new(
        "zintercard",
        -3,
        READONLY | MOVABLE_KEYS,
        keys(0, 0, 0),
        cmd_zintercard,
    ),
    Command::new(
        "zdiff",
        -3,
        READONLY | MOVABLE_KEYS,
        keys(0, 0, 0),
        cmd_zdiff,
    ),
    Command::new(
        "zdiffstore",
        -4,
        WRITE | DENYOOM | MOVABLE_KEYS,
        keys(1, 1, 1),
        cmd_zdiffstore,
    ),
    Command::new("zrandmember", -2, READONLY, keys(1, 1, 1), cmd_zrandmember),
    Command::new("zscan", -3, READONLY, keys(1, 1, 1), cmd_zscan),
];
