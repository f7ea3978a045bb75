//! Stream commands, as Redis 7.0's `t_stream.c`: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM,
//! XSETID, XREAD (BLOCK), and consumer groups: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER,
//! DELCONSUMER, HELP), XREADGROUP (BLOCK, NOACK, history), XACK, XPENDING, XCLAIM,
//! XAUTOCLAIM, XINFO (STREAM [FULL], GROUPS, CONSUMERS, HELP).
//!
//! Arguments are checked in Redis's order, so a bad call gets Redis's error. Blocking uses
//! `crate::blocking` by re-execution: XREAD blocks with its `$` ids replaced by the concrete
//! last ids (the argv re-run is the one that waits for "newer than what existed"), XREADGROUP
//! blocks with kind `ANY_CHANGE` so that a deleted key or group fails it as Redis does. A
//! re-run serves only the key that became ready, as Redis's `serveClientsBlockedOnStreamKey`.
//!
//! Propagation is Redis's: XADD with the concrete id (and `=` plus the effective threshold
//! for `~` trimming), XREADGROUP / XCLAIM / XAUTOCLAIM as `XCLAIM ... FORCE JUSTID LASTID`
//! per entry and `XGROUP SETID ... ENTRIESREAD` / `XGROUP CREATECONSUMER` where Redis emits them.

use bytes::Bytes;

use crate::blocking::ANY_CHANGE;
use crate::cmd::args::is;
use crate::cmd::table::{Command, NO_KEYS, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int, subcommand_syntax_error};
use crate::keyspace::events::class;
use crate::keyspace::{Ttl, Value, clock};
use crate::protocol::Reply;
use crate::types::stream::{
    AppendError, Consumer, Entry, Group, INVALID_ENTRIES_READ, Nack, Stream, StreamId, Trim,
};

const INVALID_ID: Error = Error::Msg("ERR Invalid stream ID specified as stream command argument");

/// `streamGenericParseIDOrReply`. `strict`: `-`/`+` refused. `seq_star`: `<ms>-*` accepted
/// (returns `None` as sequence).
fn parse_id_full(
    arg: &[u8],
    missing_seq: u64,
    strict: bool,
    seq_star: bool,
) -> Result<(u64, Option<u64>), Error> {
    if arg.len() > 127 {
        return Err(INVALID_ID);
    }
    if arg == b"-" || arg == b"+" {
        if strict {
            return Err(INVALID_ID);
        }
        return Ok(if arg == b"-" {
            (0, Some(0))
        } else {
            (u64::MAX, Some(u64::MAX))
        });
    }
    // (C string semantics: stop at a NUL.)
    let arg = &arg[..memchr::memchr(0, arg).unwrap_or(arg.len())];
    let (ms, seq) = match memchr::memchr(b'-', arg) {
        Some(i) => (&arg[..i], Some(&arg[i + 1..])),
        None => (arg, None),
    };
    let ms = parse_u64(ms).ok_or(INVALID_ID)?;
    let seq = match seq {
        Some(b"*") if seq_star => None,
        Some(s) => Some(parse_u64(s).ok_or(INVALID_ID)?),
        None => Some(missing_seq),
    };
    Ok((ms, seq))
}

/// `string2ull`: what `string2ll` parses, if not negative; anything else as `strtoull`
/// (base 10) takes it whole: leading white space, a `+` or `-` sign (a negative value wraps),
/// leading zeros; no digits or an overflow fail. So `" 1"`, `"+1"`, `"007"` and `"-0"` are
/// ids, and `" -1"` is 18446744073709551615, as in Redis.
fn parse_u64(s: &[u8]) -> Option<u64> {
    let digits = |d: &[u8]| !d.is_empty() && d.iter().all(u8::is_ascii_digit);
    // string2ll's negative numbers: "-" then 1-9 and digits, within i64.
    if s.len() >= 2 && s[0] == b'-' && (b'1'..=b'9').contains(&s[1]) && digits(&s[1..]) {
        let fits = std::str::from_utf8(s).ok()?.parse::<i64>().is_ok();
        if fits && s.len() < 21 {
            return None;
        }
    }
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let d = &s[i..];
    if !digits(d) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in d {
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

fn parse_id(arg: &[u8], missing_seq: u64) -> Result<StreamId, Error> {
    let (ms, seq) = parse_id_full(arg, missing_seq, false, false)?;
    Ok(StreamId::new(ms, seq.unwrap_or(0)))
}

fn parse_strict_id(arg: &[u8], missing_seq: u64) -> Result<StreamId, Error> {
    let (ms, seq) = parse_id_full(arg, missing_seq, true, false)?;
    Ok(StreamId::new(ms, seq.unwrap_or(0)))
}

/// `streamParseIntervalIDOrReply`: `(` excludes (strict id after it).
fn parse_interval(arg: &[u8], missing_seq: u64) -> Result<(StreamId, bool), Error> {
    if arg.len() > 1 && arg[0] == b'(' {
        Ok((parse_strict_id(&arg[1..], missing_seq)?, true))
    } else {
        Ok((parse_id(arg, missing_seq)?, false))
    }
}

fn id_bytes(id: StreamId) -> Bytes {
    Bytes::from(id.to_bytes())
}

fn reply_id(out: &mut Reply, id: StreamId) {
    out.bulk(&id.to_bytes());
}

fn reply_entry(out: &mut Reply, e: &Entry) {
    out.array(2);
    reply_id(out, e.id);
    out.array(e.fields.len());
    for f in &e.fields {
        out.bulk(f);
    }
}

fn reply_entries(out: &mut Reply, es: &[Entry]) {
    out.array(es.len());
    for e in es {
        reply_entry(out, e);
    }
}

/// An argument as Redis's `%s` prints it: up to the first NUL.
fn cs(b: &[u8]) -> &[u8] {
    &b[..memchr::memchr(0, b).unwrap_or(b.len())]
}

fn nogroup(key: &[u8], group: &[u8], suffix: &str) -> Error {
    Error::concat(&[
        b"NOGROUP No such key '",
        cs(key),
        b"' or consumer group '",
        cs(group),
        b"'",
        suffix.as_bytes(),
    ])
}

/// "No such consumer group '<group>' for key name '<key>'".
fn nogroup_for_key(group: &[u8], key: &[u8]) -> Error {
    Error::concat(&[
        b"NOGROUP No such consumer group '",
        cs(group),
        b"' for key name '",
        cs(key),
        b"'",
    ])
}

/// The stream at `key` for reading (hit/miss counted), or WRONGTYPE.
fn read_stream<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a mut Stream>, Error> {
    match ctx.lookup_read(key) {
        None => Ok(None),
        Some(e) => match e.value {
            Value::Stream(s) => Ok(Some(s)),
            _ => Err(Error::WrongType),
        },
    }
}

/// `read_stream`, also lending the reply buffer.
fn read_stream_out<'a>(
    ctx: &'a mut Ctx,
    key: &[u8],
) -> Result<(Option<&'a mut Stream>, &'a mut Reply), Error> {
    let found = ctx.lookup_read(key).is_some();
    let out = &mut *ctx.out;
    if !found {
        return Ok((None, out));
    }
    match ctx.srv.dbs[ctx.db].get_mut_no_touch(key).map(|e| e.value) {
        Some(Value::Stream(s)) => Ok((Some(s), out)),
        Some(_) => Err(Error::WrongType),
        None => Ok((None, out)),
    }
}

/// The stream at `key` and the reply buffer, without counting a lookup (already counted).
fn read_stream_out_quiet<'a>(
    ctx: &'a mut Ctx,
    key: &[u8],
) -> Result<(Option<&'a mut Stream>, &'a mut Reply), Error> {
    let out = &mut *ctx.out;
    match ctx.srv.dbs[ctx.db].get_mut_no_touch(key).map(|e| e.value) {
        Some(Value::Stream(s)) => Ok((Some(s), out)),
        Some(_) => Err(Error::WrongType),
        None => Ok((None, out)),
    }
}

/// The stream at `key` for writing, or WRONGTYPE.
fn write_stream<'a>(ctx: &'a mut Ctx, key: &[u8]) -> Result<Option<&'a mut Stream>, Error> {
    match ctx.lookup_write(key) {
        None => Ok(None),
        Some(e) => match e.value {
            Value::Stream(s) => Ok(Some(s)),
            _ => Err(Error::WrongType),
        },
    }
}

/// `stream-node-max-bytes`, `stream-node-max-entries` (0 = no limit).
fn node_limits(ctx: &Ctx) -> (usize, usize) {
    let c = &ctx.srv.config;
    (
        c.stream_node_max_bytes.max(0) as usize,
        c.stream_node_max_entries.max(0) as usize,
    )
}

// ---------------------------------------------------------------------------------------------
// XADD / XTRIM

#[derive(Default)]
struct AddTrimArgs {
    id: Option<(u64, Option<u64>)>,
    no_mkstream: bool,
    trim: Option<Trim>,
    /// Index of the MAXLEN/MINID threshold argument.
    trim_arg: usize,
    approx: bool,
    limit: i64,
}

/// `streamParseAddOrTrimArgsOrReply`. Returns the args and the index of the id (XADD).
fn parse_add_trim(
    argv: &[Bytes],
    xadd: bool,
    node_max_entries: usize,
) -> Result<(AddTrimArgs, usize), Error> {
    let mut a = AddTrimArgs::default();
    let mut i = 2;
    let mut limit_given = false;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        let opt = &argv[i][..];
        if xadd && opt == b"*" {
            break;
        } else if (is(opt, "maxlen") || is(opt, "minid")) && more > 0 {
            if a.trim.is_some() {
                return Err(Error::Msg(
                    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
                ));
            }
            a.approx = false;
            let next = &argv[i + 1][..];
            if more >= 2 && next == b"~" {
                a.approx = true;
                i += 1;
            } else if more >= 2 && next == b"=" {
                i += 1;
            }
            if is(opt, "maxlen") {
                let n = parse_int(&argv[i + 1])?;
                if n < 0 {
                    return Err(Error::Msg("ERR The MAXLEN argument must be >= 0."));
                }
                a.trim = Some(Trim::MaxLen(n as u64));
            } else {
                a.trim = Some(Trim::MinId(parse_strict_id(&argv[i + 1], 0)?));
            }
            i += 1;
            a.trim_arg = i;
        } else if is(opt, "limit") && more > 0 {
            let n = parse_int(&argv[i + 1])?;
            if n < 0 {
                return Err(Error::Msg("ERR The LIMIT argument must be >= 0."));
            }
            a.limit = n;
            limit_given = true;
            i += 1;
        } else if xadd && is(opt, "nomkstream") {
            a.no_mkstream = true;
        } else if xadd {
            a.id = Some(parse_id_full(opt, 0, true, true)?);
            break;
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    if a.limit != 0 && a.trim.is_none() {
        return Err(Error::Msg(
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && a.trim.is_none() {
        return Err(Error::Msg(
            "ERR syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    if limit_given {
        if !a.approx {
            return Err(Error::Msg(
                "ERR syntax error, LIMIT cannot be used without the special ~ option",
            ));
        }
    } else if a.approx {
        // At most 100 nodes' worth of work, capped both ways as Redis does.
        let l = 100i64.saturating_mul(node_max_entries as i64);
        a.limit = if l <= 0 { 10000 } else { l.min(1_000_000) };
    } else {
        a.limit = 0;
    }
    Ok((a, i))
}

/// The argv Redis propagates for an approximate trim: `~` becomes `=` and the threshold the
/// effective one (`streamRewriteApproxSpecifier` / `streamRewriteTrimArgument`).
fn rewrite_trim(argv: &mut [Bytes], a: &AddTrimArgs, s: &Stream) {
    if !a.approx {
        return;
    }
    argv[a.trim_arg - 1] = Bytes::from_static(b"=");
    argv[a.trim_arg] = match a.trim {
        Some(Trim::MaxLen(_)) => Bytes::from(s.length.to_string()),
        _ => id_bytes(s.first_id_with_tombstones().unwrap_or(StreamId::MAX)),
    };
}

/// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value ...
fn cmd_xadd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (a, idpos) = parse_add_trim(argv, true, node_limits(ctx).1)?;
    let field_pos = idpos + 1;
    let nf = argv.len().saturating_sub(field_pos);
    if nf < 2 || !nf.is_multiple_of(2) {
        return Err(Error::Msg(
            "ERR wrong number of arguments for 'xadd' command",
        ));
    }
    if let Some((0, Some(0))) = a.id {
        return Err(Error::Msg(
            "ERR The ID specified in XADD must be greater than 0-0",
        ));
    }
    let key = &argv[1];
    let (max_bytes, max_entries) = node_limits(ctx);
    let exists = write_stream(ctx, key)?.is_some();
    if !exists {
        if a.no_mkstream {
            ctx.out.null();
            return Ok(());
        }
        ctx.db()
            .set(key, Value::Stream(Box::new(Stream::new())), Ttl::Clear);
    }
    let now = clock::now_ms().max(0) as u64;
    let Some(s) = write_stream(ctx, key)? else {
        return Ok(());
    };
    if s.last_id == StreamId::MAX {
        return Err(Error::Msg(
            "ERR The stream has exhausted the last possible ID, unable to add more items",
        ));
    }
    let too_small = Error::Msg(
        "ERR The ID specified in XADD is equal or smaller than the target stream top item",
    );
    let Some(id) = s.next_id(a.id, now) else {
        return Err(too_small);
    };
    match s.append(id, &argv[field_pos..], max_bytes, max_entries) {
        Ok(()) => {}
        Err(AppendError::TooSmall) => return Err(too_small),
        Err(AppendError::TooBig) => {
            return Err(Error::Msg("ERR Elements are too large to be stored"));
        }
    }
    let mut trimmed = 0;
    if let Some(t) = a.trim {
        trimmed = s.trim(t, a.approx, a.limit as u64);
    }
    let mut prop = argv.to_vec();
    rewrite_trim(&mut prop, &a, s);
    prop[idpos] = id_bytes(id);
    reply_id(ctx.out, id);
    ctx.changed(class::STREAM, "xadd", key);
    ctx.dirty(1);
    if trimmed > 0 {
        ctx.notify(class::STREAM, "xtrim", key);
    }
    ctx.propagate_as(prop);
    ctx.db().signal_key(key);
    Ok(())
}

/// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
fn cmd_xtrim(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let (a, _) = parse_add_trim(argv, false, node_limits(ctx).1)?;
    let Some(s) = write_stream(ctx, key)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let deleted = match a.trim {
        Some(t) => s.trim(t, a.approx, a.limit as u64),
        None => 0,
    };
    let mut prop = argv.to_vec();
    rewrite_trim(&mut prop, &a, s);
    if deleted > 0 {
        ctx.changed(class::STREAM, "xtrim", key);
        ctx.dirty(deleted);
        ctx.propagate_as(prop);
    }
    ctx.out.int(deleted as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reads

/// XRANGE / XREVRANGE (`xrangeGenericCommand`).
fn range_generic(ctx: &mut Ctx, argv: &[Bytes], rev: bool) -> CmdResult {
    let (sa, ea) = if rev {
        (&argv[3], &argv[2])
    } else {
        (&argv[2], &argv[3])
    };
    let (mut start, sx) = parse_interval(sa, 0)?;
    if sx {
        start = start
            .incr()
            .ok_or(Error::Msg("ERR invalid start ID for the interval"))?;
    }
    let (mut end, ex) = parse_interval(ea, u64::MAX)?;
    if ex {
        end = end
            .decr()
            .ok_or(Error::Msg("ERR invalid end ID for the interval"))?;
    }
    let mut count: i64 = -1;
    let mut j = 4;
    while j < argv.len() {
        if is(&argv[j], "count") && j + 1 < argv.len() {
            count = parse_int(&argv[j + 1])?.max(0);
            j += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let Some(s) = read_stream(ctx, &argv[1])? else {
        ctx.out.array(0);
        return Ok(());
    };
    if count == 0 {
        ctx.out.null_array();
        return Ok(());
    }
    let es = s.range(start, end, rev, count.max(0) as usize);
    reply_entries(ctx.out, &es);
    Ok(())
}

/// XRANGE key start end [COUNT count]
fn cmd_xrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    range_generic(ctx, argv, false)
}

/// XREVRANGE key end start [COUNT count]
fn cmd_xrevrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    range_generic(ctx, argv, true)
}

/// XLEN key
fn cmd_xlen(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = read_stream(ctx, &argv[1])?.map_or(0, |s| s.length);
    ctx.out.int(n as i64);
    Ok(())
}

/// XDEL key id [id ...]
fn cmd_xdel(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    if write_stream(ctx, key)?.is_none() {
        ctx.out.int(0);
        return Ok(());
    }
    let ids = argv[2..]
        .iter()
        .map(|a| parse_strict_id(a, 0))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(s) = write_stream(ctx, key)? else {
        return Ok(());
    };
    let mut deleted = 0u64;
    let mut first_entry = false;
    for id in ids {
        if s.delete(id) {
            if id == s.first_id {
                first_entry = true;
            }
            if id > s.max_deleted_id {
                s.max_deleted_id = id;
            }
            deleted += 1;
        }
    }
    if deleted > 0 {
        if s.length == 0 {
            s.first_id = StreamId::MIN;
        } else if first_entry {
            s.first_id = s.edge_id(true).unwrap_or(StreamId::MAX);
        }
        ctx.changed(class::STREAM, "xdel", key);
        ctx.dirty(deleted);
    }
    ctx.out.int(deleted as i64);
    Ok(())
}

/// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
fn cmd_xsetid(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let id = parse_strict_id(&argv[2], 0)?;
    let mut entries_added: i64 = -1;
    let mut max_xdel = StreamId::MIN;
    let mut i = 3;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        if is(&argv[i], "entriesadded") && more > 0 {
            entries_added = parse_int(&argv[i + 1])?;
            if entries_added < 0 {
                return Err(Error::Msg("ERR entries_added must be positive"));
            }
            i += 2;
        } else if is(&argv[i], "maxdeletedid") && more > 0 {
            max_xdel = parse_strict_id(&argv[i + 1], 0)?;
            if id < max_xdel {
                return Err(Error::Msg(
                    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                ));
            }
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let key = &argv[1];
    let Some(s) = write_stream(ctx, key)? else {
        return Err(Error::NoSuchKey);
    };
    if s.length > 0 {
        let maxid = s.edge_id(false).unwrap_or_default();
        if id < maxid {
            return Err(Error::Msg(
                "ERR The ID specified in XSETID is smaller than the target stream top item",
            ));
        }
        if entries_added != -1 && s.length > entries_added as u64 {
            return Err(Error::Msg(
                "ERR The entries_added specified in XSETID is smaller than the target stream length",
            ));
        }
    }
    s.last_id = id;
    if entries_added != -1 {
        s.entries_added = entries_added as u64;
    }
    if !max_xdel.is_zero() {
        s.max_deleted_id = max_xdel;
    }
    ctx.out.ok();
    ctx.dirty(1);
    ctx.changed(class::STREAM, "xsetid", key);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// XREAD / XREADGROUP

/// What one stream of an XREAD(GROUP) gave.
struct Served {
    key: Bytes,
    entries: Vec<ServedEntry>,
}

enum ServedEntry {
    Full(Entry),
    /// History entry no longer in the stream: `[id, nil]`.
    Gone(StreamId),
}

fn xclaim_prop(
    key: &Bytes,
    group: &Bytes,
    id: StreamId,
    nack: &Nack,
    last: StreamId,
) -> Vec<Bytes> {
    vec![
        Bytes::from_static(b"XCLAIM"),
        key.clone(),
        group.clone(),
        Bytes::from(nack.consumer.clone()),
        Bytes::from_static(b"0"),
        id_bytes(id),
        Bytes::from_static(b"TIME"),
        Bytes::from(nack.delivery_time.to_string()),
        Bytes::from_static(b"RETRYCOUNT"),
        Bytes::from(nack.delivery_count.to_string()),
        Bytes::from_static(b"FORCE"),
        Bytes::from_static(b"JUSTID"),
        Bytes::from_static(b"LASTID"),
        id_bytes(last),
    ]
}

fn setid_prop(key: &Bytes, group: &Bytes, g: &Group) -> Vec<Bytes> {
    vec![
        Bytes::from_static(b"XGROUP"),
        Bytes::from_static(b"SETID"),
        key.clone(),
        group.clone(),
        id_bytes(g.last_id),
        Bytes::from_static(b"ENTRIESREAD"),
        Bytes::from(g.entries_read.to_string()),
    ]
}

/// Looks a consumer up (refreshing its seen time) or creates it; returns whether created.
fn consumer_get_or_create(g: &mut Group, name: &[u8], now: i64) -> bool {
    match g.consumers.get_mut(name) {
        Some(c) => {
            c.seen_time = now;
            false
        }
        None => {
            g.consumers.insert(
                name.to_vec(),
                Consumer {
                    seen_time: now,
                    pel: Default::default(),
                },
            );
            true
        }
    }
}

/// Delivers new entries after `start` to a group's consumer (`streamReplyWithRange` with a
/// group): advances the group, fills the PELs (unless NOACK), records propagation.
#[allow(clippy::too_many_arguments)]
fn deliver_new(
    s: &mut Stream,
    gname: &Bytes,
    cname: &[u8],
    key: &Bytes,
    start: StreamId,
    count: usize,
    noack: bool,
    now: i64,
    prop: &mut Vec<Vec<Bytes>>,
) -> Vec<ServedEntry> {
    let es = s.range(start, StreamId::MAX, false, count);
    let mut propagate_last_id = false;
    let mut out = Vec::with_capacity(es.len());
    for e in es {
        let id = e.id;
        {
            let er = {
                let g = &s.groups[&gname[..]];
                if id > g.last_id {
                    if g.entries_read != INVALID_ENTRIES_READ
                        && !s.range_has_tombstones(Some(id), None)
                    {
                        Some(g.entries_read.wrapping_add(1))
                    } else if s.entries_added > 0 {
                        Some(s.estimate_distance(id))
                    } else {
                        Some(g.entries_read)
                    }
                } else {
                    None
                }
            };
            let Some(g) = s.groups.get_mut(&gname[..]) else {
                break;
            };
            if let Some(er) = er {
                g.entries_read = er;
                g.last_id = id;
                if noack {
                    propagate_last_id = true;
                }
            }
            if !noack {
                let nack = Nack {
                    delivery_time: now,
                    delivery_count: 1,
                    consumer: cname.to_vec(),
                };
                if let Some(old) = g.pel.insert(id, nack.clone())
                    && let Some(c) = g.consumers.get_mut(&old.consumer)
                {
                    c.pel.remove(&id);
                }
                if let Some(c) = g.consumers.get_mut(cname) {
                    c.pel.insert(id);
                }
                prop.push(xclaim_prop(key, gname, id, &nack, g.last_id));
            }
        }
        out.push(ServedEntry::Full(e));
    }
    if propagate_last_id && let Some(g) = s.groups.get(&gname[..]) {
        prop.push(setid_prop(key, gname, g));
    }
    out
}

/// Serves a consumer's history (`streamReplyWithRangeFromConsumerPEL`).
fn deliver_history(
    s: &mut Stream,
    gname: &[u8],
    cname: &[u8],
    start: StreamId,
    count: usize,
    now: i64,
) -> Vec<ServedEntry> {
    let ids: Vec<StreamId> = match s.groups.get(gname).and_then(|g| g.consumers.get(cname)) {
        Some(c) => c
            .pel
            .range(start..)
            .take(if count == 0 { usize::MAX } else { count })
            .copied()
            .collect(),
        None => vec![],
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        match s.range(id, id, false, 1).pop() {
            None => out.push(ServedEntry::Gone(id)),
            Some(e) => {
                if let Some(n) = s.groups.get_mut(gname).and_then(|g| g.pel.get_mut(&id)) {
                    n.delivery_time = now;
                    n.delivery_count = n.delivery_count.wrapping_add(1);
                }
                out.push(ServedEntry::Full(e));
            }
        }
    }
    out
}

fn reply_served(out: &mut Reply, served: &[Served]) {
    if out.resp3 {
        out.map(served.len());
    } else {
        out.array(served.len());
    }
    for s in served {
        if !out.resp3 {
            out.array(2);
        }
        out.bulk(&s.key);
        out.array(s.entries.len());
        for e in &s.entries {
            match e {
                ServedEntry::Full(e) => reply_entry(out, e),
                ServedEntry::Gone(id) => {
                    out.array(2);
                    reply_id(out, *id);
                    out.null_array();
                }
            }
        }
    }
}

/// XREAD [COUNT count] [BLOCK ms] STREAMS key ... id ...
/// XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK] STREAMS key ... id ...
fn xread_generic(ctx: &mut Ctx, argv: &[Bytes], xreadgroup: bool) -> CmdResult {
    let mut timeout: Option<i64> = None;
    let mut count: i64 = 0;
    let mut streams_arg = 0;
    let mut nstreams = 0;
    let mut noack = false;
    let mut group: Option<(&Bytes, &Bytes)> = None;
    let mut i = 1;
    while i < argv.len() {
        let more = argv.len() - i - 1;
        let o = &argv[i][..];
        if is(o, "block") && more > 0 {
            i += 1;
            timeout = Some(parse_block_ms(&argv[i])?);
        } else if is(o, "count") && more > 0 {
            i += 1;
            count = parse_int(&argv[i])?.max(0);
        } else if is(o, "streams") && more > 0 {
            streams_arg = i + 1;
            let n = argv.len() - streams_arg;
            if !n.is_multiple_of(2) {
                return Err(Error::Msg(
                    "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
                ));
            }
            nstreams = n / 2;
            break;
        } else if is(o, "group") && more >= 2 {
            if !xreadgroup {
                return Err(Error::Msg(
                    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            group = Some((&argv[i + 1], &argv[i + 2]));
            i += 2;
        } else if is(o, "noack") {
            if !xreadgroup {
                return Err(Error::Msg(
                    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            noack = true;
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    if streams_arg == 0 {
        return Err(Error::Syntax);
    }
    if xreadgroup && group.is_none() {
        return Err(Error::Msg("ERR Missing GROUP option for XREADGROUP"));
    }
    let keys = &argv[streams_arg..streams_arg + nstreams];
    let id_args = &argv[streams_arg + nstreams..];
    // Resolve ids (and check types and groups) in argument order. `None` = ">".
    let mut ids: Vec<Option<StreamId>> = Vec::with_capacity(nstreams);
    for (k, a) in keys.iter().zip(id_args) {
        let s = read_stream(ctx, k)?;
        if let Some((g, _)) = group
            && s.as_ref().is_none_or(|s| !s.groups.contains_key(&g[..]))
        {
            return Err(nogroup(k, g, " in XREADGROUP with GROUP option"));
        }
        if &a[..] == b"$" {
            if xreadgroup {
                return Err(Error::Msg(
                    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
                ));
            }
            ids.push(Some(s.map_or(StreamId::MIN, |s| s.last_id)));
        } else if &a[..] == b">" {
            if !xreadgroup {
                return Err(Error::Msg(
                    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
                ));
            }
            ids.push(None);
        } else {
            let id = parse_strict_id(a, 0)?;
            // Redis encodes ">" as the maximum id, so an explicit maximum id means ">".
            ids.push((!(xreadgroup && id == StreamId::MAX)).then_some(id));
        }
    }
    let serving = ctx.serving_key().map(|k| k.to_vec());
    let now = clock::now_ms();
    let mut served: Vec<Served> = Vec::new();
    let mut prop: Vec<Vec<Bytes>> = Vec::new();
    let mut dirty = 0;
    let read_count = if serving.is_some() && count == 0 {
        1000 // XREAD_BLOCKED_DEFAULT_COUNT
    } else {
        count as usize
    };
    for (idx, k) in keys.iter().enumerate() {
        if let Some(sk) = &serving
            && sk[..] != k[..]
        {
            continue;
        }
        let Some(s) = write_stream(ctx, k)? else {
            continue;
        };
        let gt = ids[idx];
        match group {
            None => {
                let gt = gt.unwrap_or_default();
                // A blocked XREAD is served when the stream's last id moved past its id, even
                // if those entries were deleted since (an empty list), as Redis.
                let ready = if serving.is_some() {
                    s.last_id > gt
                } else {
                    s.length > 0 && s.last_id > gt && s.edge_id(false).is_some_and(|m| m > gt)
                };
                if ready {
                    let start = gt.incr().unwrap_or(StreamId::MAX);
                    let es = s.range(start, StreamId::MAX, false, read_count);
                    served.push(Served {
                        key: k.clone(),
                        entries: es.into_iter().map(ServedEntry::Full).collect(),
                    });
                }
            }
            Some((gname, cname)) => {
                let Some(g) = s.groups.get(&gname[..]) else {
                    continue;
                };
                let glast = g.last_id;
                let history = gt.is_some();
                let ready = history
                    || (if serving.is_some() {
                        s.last_id > glast
                    } else {
                        s.length > 0
                            && s.last_id > glast
                            && s.edge_id(false).is_some_and(|m| m > glast)
                    });
                if !ready {
                    continue;
                }
                let g = s.groups.get_mut(&gname[..]).ok_or(Error::Syntax)?;
                if consumer_get_or_create(g, cname, now) {
                    dirty += 1;
                    if noack {
                        prop.push(vec![
                            Bytes::from_static(b"XGROUP"),
                            Bytes::from_static(b"CREATECONSUMER"),
                            k.clone(),
                            gname.clone(),
                            cname.clone(),
                        ]);
                    }
                    ctx.notify(class::STREAM, "xgroup-createconsumer", k);
                }
                let Some(s) = write_stream(ctx, k)? else {
                    continue;
                };
                let entries = match gt {
                    Some(gt) => {
                        let start = gt.incr().unwrap_or(StreamId::MAX);
                        deliver_history(s, gname, cname, start, read_count, now)
                    }
                    None => {
                        let start = glast.incr().unwrap_or(StreamId::MAX);
                        deliver_new(s, gname, cname, k, start, read_count, noack, now, &mut prop)
                    }
                };
                served.push(Served {
                    key: k.clone(),
                    entries,
                });
                dirty += 1;
            }
        }
    }
    if xreadgroup {
        if dirty > 0 {
            ctx.dirty(dirty);
        }
        ctx.propagate_instead(prop);
    }
    if !served.is_empty() {
        reply_served(ctx.out, &served);
        return Ok(());
    }
    if let Some(deadline) = timeout {
        if !ctx.may_block() {
            ctx.out.null_array();
            return Ok(());
        }
        if xreadgroup {
            ctx.block(keys, deadline, ANY_CHANGE);
        } else {
            ctx.block_argv(
                keys,
                deadline,
                "stream",
                resolved_argv(argv, streams_arg + nstreams, &ids),
            );
        }
        return Ok(());
    }
    ctx.out.null_array();
    Ok(())
}

/// XREAD's argv with each id concrete (`$` resolved), for the re-run of a blocked client.
fn resolved_argv(argv: &[Bytes], ids_at: usize, ids: &[Option<StreamId>]) -> Vec<Bytes> {
    let mut v = argv.to_vec();
    for (i, id) in ids.iter().enumerate() {
        if let Some(id) = id {
            v[ids_at + i] = id_bytes(*id);
        }
    }
    v
}

/// BLOCK's milliseconds (`getTimeoutFromObjectOrReply` in ms) as an absolute deadline.
fn parse_block_ms(arg: &[u8]) -> Result<i64, Error> {
    let ms = crate::protocol::parse_i64(arg)
        .ok_or(Error::Msg("ERR timeout is not an integer or out of range"))?;
    if ms < 0 {
        return Err(Error::Msg("ERR timeout is negative"));
    }
    if ms == 0 {
        return Ok(0);
    }
    // In Redis 7.0.15 a deadline that overflows wraps negative, which its timeout table
    // (keyed unsigned) never reaches: the client waits for ever.
    Ok(clock::now_ms().saturating_add(ms))
}

/// XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
fn cmd_xread(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    xread_generic(ctx, argv, false)
}

/// XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key ...
fn cmd_xreadgroup(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if let Some(key) = ctx.serving_key().map(|k| k.to_vec()) {
        // A blocked XREADGROUP re-run because its key changed: Redis's errors when the key
        // or the group went away.
        let gname = group_arg(argv);
        let ok = match ctx.db().get_mut_no_touch(&key).map(|e| &*e.value) {
            Some(Value::Stream(s)) => gname.is_none_or(|g| s.groups.contains_key(&g[..])),
            Some(_) | None => {
                return Err(Error::Msg("UNBLOCKED the stream key no longer exists"));
            }
        };
        if !ok {
            return Err(Error::Msg(
                "NOGROUP the consumer group this client was blocked on no longer exists",
            ));
        }
    }
    xread_generic(ctx, argv, true)
}

fn group_arg(argv: &[Bytes]) -> Option<&Bytes> {
    let mut i = 1;
    while i + 2 < argv.len() {
        if is(&argv[i], "streams") {
            return None;
        }
        if is(&argv[i], "group") {
            return Some(&argv[i + 1]);
        }
        i += 1;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// XGROUP

fn reply_help(out: &mut Reply, command: &str, lines: &[&str]) {
    out.array(lines.len() + 3);
    out.simple(
        format!("{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:").as_bytes(),
    );
    for l in lines {
        out.simple(l.as_bytes());
    }
    out.simple(b"HELP");
    out.simple(b"    Prints this help.");
}

/// XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER ... (`xgroupCommand`).
fn cmd_xgroup(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let opt = &argv[1][..];
    let create = is(opt, "create");
    let setid = is(opt, "setid");
    let mut mkstream = false;
    let mut entries_read = INVALID_ENTRIES_READ;
    let mut exists = false;
    if argv.len() >= 4 {
        let mut i = 5;
        while i < argv.len() {
            if create && is(&argv[i], "mkstream") {
                mkstream = true;
                i += 1;
            } else if (create || setid) && is(&argv[i], "entriesread") && i + 1 < argv.len() {
                entries_read = parse_int(&argv[i + 1])?;
                if entries_read < 0 && entries_read != INVALID_ENTRIES_READ {
                    return Err(Error::Msg(
                        "ERR value for ENTRIESREAD must be positive or -1",
                    ));
                }
                i += 2;
            } else {
                return Err(subcommand_syntax_error(argv));
            }
        }
        exists = write_stream(ctx, &argv[2])?.is_some();
    }
    if argv.len() >= 4 && !mkstream {
        if !exists {
            return Err(Error::Msg(
                "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
            ));
        }
        let has = write_stream(ctx, &argv[2])?.is_some_and(|s| s.groups.contains_key(&argv[3][..]));
        if !has && (setid || is(opt, "createconsumer") || is(opt, "delconsumer")) {
            return Err(nogroup_for_key(&argv[3], &argv[2]));
        }
    }
    let n = argv.len();
    if n == 2 && is(opt, "help") {
        reply_help(
            ctx.out,
            "XGROUP",
            &[
                "CREATE <key> <groupname> <id|$> [option]",
                "    Create a new consumer group. Options are:",
                "    * MKSTREAM",
                "      Create the empty stream if it does not exist.",
                "    * ENTRIESREAD entries_read",
                "      Set the group's entries_read counter (internal use).",
                "CREATECONSUMER <key> <groupname> <consumer>",
                "    Create a new consumer in the specified group.",
                "DELCONSUMER <key> <groupname> <consumer>",
                "    Remove the specified consumer.",
                "DESTROY <key> <groupname>",
                "    Remove the specified group.",
                "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                "    Set the current group ID and entries_read counter.",
            ],
        );
        return Ok(());
    }
    let key = &argv[2.min(n - 1)];
    if create && (5..=8).contains(&n) {
        let id = if &argv[4][..] == b"$" {
            write_stream(ctx, key)?.map_or(StreamId::MIN, |s| s.last_id)
        } else {
            parse_strict_id(&argv[4], 0)?
        };
        if !exists {
            ctx.db()
                .set(key, Value::Stream(Box::new(Stream::new())), Ttl::Clear);
            ctx.srv.signal_modified_key(ctx.db, key);
        }
        let Some(s) = write_stream(ctx, key)? else {
            return Ok(());
        };
        if s.groups.contains_key(&argv[3][..]) {
            return Err(Error::Msg("BUSYGROUP Consumer Group name already exists"));
        }
        s.groups
            .insert(argv[3].to_vec(), Group::new(id, entries_read));
        ctx.out.ok();
        ctx.dirty(1);
        ctx.notify(class::STREAM, "xgroup-create", key);
    } else if setid && (n == 5 || n == 7) {
        let Some(s) = write_stream(ctx, key)? else {
            return Ok(());
        };
        let id = if &argv[4][..] == b"$" {
            s.last_id
        } else {
            parse_id(&argv[4], 0)?
        };
        if let Some(g) = s.groups.get_mut(&argv[3][..]) {
            g.last_id = id;
            g.entries_read = entries_read;
        }
        ctx.out.ok();
        ctx.dirty(1);
        ctx.notify(class::STREAM, "xgroup-setid", key);
    } else if is(opt, "destroy") && n == 4 {
        let Some(s) = write_stream(ctx, key)? else {
            return Ok(());
        };
        if s.groups.remove(&argv[3][..]).is_some() {
            ctx.out.int(1);
            ctx.dirty(1);
            ctx.notify(class::STREAM, "xgroup-destroy", key);
            ctx.db().signal_key(key);
        } else {
            ctx.out.int(0);
        }
    } else if is(opt, "createconsumer") && n == 5 {
        let now = clock::now_ms();
        let Some(s) = write_stream(ctx, key)? else {
            return Ok(());
        };
        let created = match s.groups.get_mut(&argv[3][..]) {
            Some(g) if !g.consumers.contains_key(&argv[4][..]) => {
                g.consumers.insert(
                    argv[4].to_vec(),
                    Consumer {
                        seen_time: now,
                        pel: Default::default(),
                    },
                );
                true
            }
            _ => false,
        };
        if created {
            ctx.dirty(1);
            ctx.notify(class::STREAM, "xgroup-createconsumer", key);
        }
        ctx.out.int(created as i64);
    } else if is(opt, "delconsumer") && n == 5 {
        let Some(s) = write_stream(ctx, key)? else {
            return Ok(());
        };
        let mut pending = 0;
        let mut deleted = false;
        if let Some(g) = s.groups.get_mut(&argv[3][..])
            && let Some(c) = g.consumers.remove(&argv[4][..])
        {
            pending = c.pel.len();
            for id in &c.pel {
                g.pel.remove(id);
            }
            deleted = true;
        }
        if deleted {
            ctx.dirty(1);
            ctx.notify(class::STREAM, "xgroup-delconsumer", key);
        }
        ctx.out.int(pending as i64);
    } else {
        return Err(subcommand_syntax_error(argv));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// XACK / XPENDING / XCLAIM / XAUTOCLAIM

/// XACK key group id [id ...]
fn cmd_xack(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let has = match read_stream(ctx, &argv[1])? {
        Some(s) => s.groups.contains_key(&argv[2][..]),
        None => false,
    };
    if !has {
        ctx.out.int(0);
        return Ok(());
    }
    let ids = argv[3..]
        .iter()
        .map(|a| parse_strict_id(a, 0))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(g) = write_stream(ctx, &argv[1])?.and_then(|s| s.groups.get_mut(&argv[2][..])) else {
        return Ok(());
    };
    let mut acked = 0;
    for id in ids {
        if let Some(n) = g.pel.remove(&id) {
            if let Some(c) = g.consumers.get_mut(&n.consumer) {
                c.pel.remove(&id);
            }
            acked += 1;
        }
    }
    ctx.dirty(acked as u64);
    ctx.out.int(acked);
    Ok(())
}

/// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
fn cmd_xpending(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = argv.len();
    let justinfo = n == 3;
    if n != 3 && !(6..=9).contains(&n) {
        return Err(Error::Syntax);
    }
    let mut start = StreamId::MIN;
    let mut end = StreamId::MAX;
    let mut count = 0i64;
    let mut minidle = 0i64;
    let mut consumer: Option<&Bytes> = None;
    if n >= 6 {
        let mut si = 3;
        if is(&argv[3], "idle") {
            minidle = parse_int(&argv[4])?;
            if n < 8 {
                return Err(Error::Syntax);
            }
            si += 2;
        }
        count = parse_int(&argv[si + 2])?.max(0);
        let (s, sx) = parse_interval(&argv[si], 0)?;
        start = if sx {
            s.incr()
                .ok_or(Error::Msg("ERR invalid start ID for the interval"))?
        } else {
            s
        };
        let (e, ex) = parse_interval(&argv[si + 1], u64::MAX)?;
        end = if ex {
            e.decr()
                .ok_or(Error::Msg("ERR invalid end ID for the interval"))?
        } else {
            e
        };
        if si + 3 < n {
            consumer = Some(&argv[si + 3]);
        }
    }
    let (key, gname) = (&argv[1], &argv[2]);
    let (Some(s), out) = read_stream_out(ctx, key)? else {
        return Err(nogroup(key, gname, ""));
    };
    let Some(g) = s.groups.get(&gname[..]) else {
        return Err(nogroup(key, gname, ""));
    };
    if justinfo {
        out.array(4);
        out.int(g.pel.len() as i64);
        match (g.pel.first_key_value(), g.pel.last_key_value()) {
            (Some((f, _)), Some((l, _))) => {
                reply_id(out, *f);
                reply_id(out, *l);
                let with: Vec<_> = g
                    .consumers
                    .iter()
                    .filter(|(_, c)| !c.pel.is_empty())
                    .collect();
                out.array(with.len());
                for (name, c) in with {
                    out.array(2);
                    out.bulk(name);
                    out.bulk_int(c.pel.len() as i64);
                }
            }
            _ => {
                out.null();
                out.null();
                out.null_array();
            }
        }
        return Ok(());
    }
    let now = clock::now_ms();
    let ids: Vec<StreamId> = match consumer {
        Some(c) => match g.consumers.get(&c[..]) {
            None => {
                out.array(0);
                return Ok(());
            }
            Some(c) => c.pel.range(start..).copied().collect(),
        },
        None => g.pel.range(start..).map(|(k, _)| *k).collect(),
    };
    let mut rows = Vec::new();
    for id in ids {
        if count == 0 || id > end {
            break;
        }
        let Some(nack) = g.pel.get(&id) else { continue };
        if minidle != 0 && now.wrapping_sub(nack.delivery_time) < minidle {
            continue;
        }
        count -= 1;
        rows.push((id, nack));
    }
    out.array(rows.len());
    for (id, nack) in rows {
        out.array(4);
        reply_id(out, id);
        out.bulk(&nack.consumer);
        out.int((now.wrapping_sub(nack.delivery_time)).max(0));
        out.int(nack.delivery_count as i64);
    }
    Ok(())
}

/// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-ms]
/// [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]
fn cmd_xclaim(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (key, gname, cname) = (&argv[1], &argv[2], &argv[3]);
    let has = read_stream(ctx, key)?.is_some_and(|s| s.groups.contains_key(&gname[..]));
    if !has {
        return Err(nogroup(key, gname, ""));
    }
    let minidle = parse_int(&argv[4])
        .map_err(|_| Error::Msg("ERR Invalid min-idle-time argument for XCLAIM"))?
        .max(0);
    let mut ids = Vec::new();
    let mut j = 5;
    while j < argv.len() {
        match parse_strict_id(&argv[j], 0) {
            Ok(id) => ids.push((id, j)),
            Err(_) => break,
        }
        j += 1;
    }
    let now = clock::now_ms();
    let mut retrycount: i64 = -1;
    let mut deliverytime: i64 = -1;
    let mut force = false;
    let mut justid = false;
    let mut last_id = StreamId::MIN;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let opt = &argv[j][..];
        if is(opt, "force") {
            force = true;
        } else if is(opt, "justid") {
            justid = true;
        } else if is(opt, "idle") && more > 0 {
            j += 1;
            let v = parse_int(&argv[j])
                .map_err(|_| Error::Msg("ERR Invalid IDLE option argument for XCLAIM"))?;
            deliverytime = now.wrapping_sub(v);
        } else if is(opt, "time") && more > 0 {
            j += 1;
            deliverytime = parse_int(&argv[j])
                .map_err(|_| Error::Msg("ERR Invalid TIME option argument for XCLAIM"))?;
        } else if is(opt, "retrycount") && more > 0 {
            j += 1;
            retrycount = parse_int(&argv[j])
                .map_err(|_| Error::Msg("ERR Invalid RETRYCOUNT option argument for XCLAIM"))?;
        } else if is(opt, "lastid") && more > 0 {
            j += 1;
            last_id = parse_strict_id(&argv[j], 0)?;
        } else {
            return Err(Error::concat(&[
                b"ERR Unrecognized XCLAIM option '",
                cs(opt),
                b"'",
            ]));
        }
        j += 1;
    }
    if deliverytime != -1 {
        if deliverytime < 0 || deliverytime > now {
            deliverytime = now;
        }
    } else {
        deliverytime = now;
    }
    let db = ctx.db;
    let Some(s) = write_stream(ctx, key)? else {
        return Ok(());
    };
    let mut prop = Vec::new();
    let mut dirty = 0u64;
    let mut created = false;
    let mut replies: Vec<Result<Entry, StreamId>> = Vec::new();
    let mut propagate_last_id = false;
    {
        let exists: Vec<bool> = ids.iter().map(|(id, _)| s.contains(*id)).collect();
        let entries: Vec<Option<Entry>> = if justid {
            vec![None; ids.len()]
        } else {
            ids.iter()
                .zip(&exists)
                .map(|((id, _), e)| {
                    if *e {
                        s.range(*id, *id, false, 1).pop()
                    } else {
                        None
                    }
                })
                .collect()
        };
        let Some(g) = s.groups.get_mut(&gname[..]) else {
            return Ok(());
        };
        if last_id > g.last_id {
            g.last_id = last_id;
            propagate_last_id = true;
        }
        let mut have_consumer = false;
        for (k, (id, _)) in ids.iter().enumerate() {
            let id = *id;
            if !exists[k] {
                if let Some(n) = g.pel.remove(&id) {
                    prop.push(xclaim_prop(key, gname, id, &n, g.last_id));
                    propagate_last_id = false;
                    dirty += 1;
                    if let Some(c) = g.consumers.get_mut(&n.consumer) {
                        c.pel.remove(&id);
                    }
                }
                continue;
            }
            if force && !g.pel.contains_key(&id) {
                g.pel.insert(
                    id,
                    Nack {
                        delivery_time: now,
                        delivery_count: 1,
                        consumer: Vec::new(),
                    },
                );
            }
            let Some(nack) = g.pel.get(&id) else { continue };
            let orphan = nack.consumer.is_empty();
            if !orphan && minidle != 0 && now.wrapping_sub(nack.delivery_time) < minidle {
                continue;
            }
            if !have_consumer {
                if consumer_get_or_create(g, cname, now) {
                    created = true;
                    dirty += 1;
                }
                have_consumer = true;
            }
            let Some(nack) = g.pel.get_mut(&id) else {
                continue;
            };
            let old = std::mem::replace(&mut nack.consumer, cname.to_vec());
            nack.delivery_time = deliverytime;
            if retrycount >= 0 {
                nack.delivery_count = retrycount as u64;
            } else if !justid {
                nack.delivery_count = nack.delivery_count.wrapping_add(1);
            }
            let nack = nack.clone();
            if old[..] != cname[..] {
                if let Some(c) = g.consumers.get_mut(&old) {
                    c.pel.remove(&id);
                }
                if let Some(c) = g.consumers.get_mut(&cname[..]) {
                    c.pel.insert(id);
                }
            }
            replies.push(match &entries[k] {
                Some(e) if !justid => Ok(e.clone()),
                _ => Err(id),
            });
            prop.push(xclaim_prop(key, gname, id, &nack, g.last_id));
            propagate_last_id = false;
            dirty += 1;
        }
        if propagate_last_id {
            prop.push(setid_prop(key, gname, g));
            dirty += 1;
        }
    }
    let _ = db;
    if created {
        ctx.notify(class::STREAM, "xgroup-createconsumer", key);
    }
    ctx.out.array(replies.len());
    for r in &replies {
        match r {
            Ok(e) => reply_entry(ctx.out, e),
            Err(id) => reply_id(ctx.out, *id),
        }
    }
    ctx.dirty(dirty);
    ctx.propagate_instead(prop);
    Ok(())
}

/// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
fn cmd_xautoclaim(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (key, gname, cname) = (&argv[1], &argv[2], &argv[3]);
    // Redis looks the key up first (a logically expired key is deleted, the hit or miss
    // counted) and reports its type only after the arguments.
    let has = read_stream(ctx, key).map(|s| s.is_some_and(|s| s.groups.contains_key(&gname[..])));
    let minidle = parse_int(&argv[4])
        .map_err(|_| Error::Msg("ERR Invalid min-idle-time argument for XAUTOCLAIM"))?
        .max(0);
    let (mut start, sx) = parse_interval(&argv[5], 0)?;
    if sx {
        start = start
            .incr()
            .ok_or(Error::Msg("ERR invalid start ID for the interval"))?;
    }
    let mut count: i64 = 100;
    let mut justid = false;
    let mut j = 6;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if is(&argv[j], "count") && more > 0 {
            let max_count = i64::MAX / 16;
            count = match parse_int(&argv[j + 1]) {
                Ok(v) if (1..=max_count).contains(&v) => v,
                _ => return Err(Error::Msg("ERR COUNT must be > 0")),
            };
            j += 1;
        } else if is(&argv[j], "justid") {
            justid = true;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    if !has? {
        return Err(nogroup(key, gname, ""));
    }
    let now = clock::now_ms();
    let Some(s) = write_stream(ctx, key)? else {
        return Ok(());
    };
    let mut attempts = count.saturating_mul(10);
    let mut prop = Vec::new();
    let mut dirty = 0u64;
    let mut claimed: Vec<Result<Entry, StreamId>> = Vec::new();
    let mut deleted = Vec::new();
    let mut created = false;
    let mut have_consumer = false;
    let mut cur = Some(start);
    loop {
        if attempts == 0 {
            break;
        }
        attempts -= 1;
        if count == 0 {
            break;
        }
        let Some(id) = cur.and_then(|c| {
            s.groups
                .get(&gname[..])
                .and_then(|g| g.pel.range(c..).next().map(|(k, _)| *k))
        }) else {
            cur = None;
            break;
        };
        cur = id.incr();
        let entry = if s.contains(id) {
            Some(if justid {
                None
            } else {
                s.range(id, id, false, 1).pop()
            })
        } else {
            None
        };
        let Some(g) = s.groups.get_mut(&gname[..]) else {
            break;
        };
        let Some(entry) = entry else {
            if let Some(n) = g.pel.remove(&id) {
                prop.push(xclaim_prop(key, gname, id, &n, g.last_id));
                dirty += 1;
                if let Some(c) = g.consumers.get_mut(&n.consumer) {
                    c.pel.remove(&id);
                }
            }
            deleted.push(id);
            count -= 1;
            continue;
        };
        if minidle != 0
            && g.pel
                .get(&id)
                .is_some_and(|n| now.wrapping_sub(n.delivery_time) < minidle)
        {
            continue;
        }
        if !have_consumer {
            if consumer_get_or_create(g, cname, now) {
                created = true;
                dirty += 1;
            }
            have_consumer = true;
        }
        let Some(nack) = g.pel.get_mut(&id) else {
            continue;
        };
        let old = std::mem::replace(&mut nack.consumer, cname.to_vec());
        nack.delivery_time = now;
        if !justid {
            nack.delivery_count = nack.delivery_count.wrapping_add(1);
        }
        let nack = nack.clone();
        if old[..] != cname[..] {
            if let Some(c) = g.consumers.get_mut(&old) {
                c.pel.remove(&id);
            }
            if let Some(c) = g.consumers.get_mut(&cname[..]) {
                c.pel.insert(id);
            }
        }
        claimed.push(match entry {
            Some(e) => Ok(e),
            None => Err(id),
        });
        count -= 1;
        prop.push(xclaim_prop(key, gname, id, &nack, g.last_id));
        dirty += 1;
    }
    let endid = cur
        .and_then(|c| {
            s.groups
                .get(&gname[..])
                .and_then(|g| g.pel.range(c..).next().map(|(k, _)| *k))
        })
        .unwrap_or(StreamId::MIN);
    if created {
        ctx.notify(class::STREAM, "xgroup-createconsumer", key);
    }
    let out = &mut *ctx.out;
    out.array(3);
    reply_id(out, endid);
    out.array(claimed.len());
    for r in &claimed {
        match r {
            Ok(e) => reply_entry(out, e),
            Err(id) => reply_id(out, *id),
        }
    }
    out.array(deleted.len());
    for id in deleted {
        reply_id(out, id);
    }
    ctx.dirty(dirty);
    ctx.propagate_instead(prop);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// XINFO

fn reply_lag(out: &mut Reply, s: &Stream, g: &Group) {
    match s.lag(g) {
        Some(l) => out.int(l),
        None => out.null(),
    }
}

fn reply_entries_read(out: &mut Reply, g: &Group) {
    if g.entries_read != INVALID_ENTRIES_READ {
        out.int(g.entries_read);
    } else {
        out.null();
    }
}

/// XINFO STREAM key [FULL [COUNT count]]
fn cmd_xinfo_stream(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // The key is looked up before the options are parsed, as Redis does.
    if read_stream(ctx, &argv[2])?.is_none() {
        return Err(Error::NoSuchKey);
    }
    let opts = &argv[3..];
    let mut full = false;
    let mut count: i64 = 10;
    if !opts.is_empty() {
        if (opts.len() != 1 && opts.len() != 3) || !is(&opts[0], "full") {
            return Err(subcommand_syntax_error(argv));
        }
        full = true;
        if opts.len() == 3 {
            if !is(&opts[1], "count") {
                return Err(subcommand_syntax_error(argv));
            }
            count = parse_int(&opts[2])?;
            if count < 0 {
                count = 10;
            }
        }
    }
    let (Some(s), out) = read_stream_out_quiet(ctx, &argv[2])? else {
        return Err(Error::NoSuchKey);
    };
    out.map(if full { 9 } else { 10 });
    out.bulk(b"length");
    out.int(s.length as i64);
    out.bulk(b"radix-tree-keys");
    out.int(s.node_count() as i64);
    out.bulk(b"radix-tree-nodes");
    out.int(s.rax_nodes() as i64);
    out.bulk(b"last-generated-id");
    reply_id(out, s.last_id);
    out.bulk(b"max-deleted-entry-id");
    reply_id(out, s.max_deleted_id);
    out.bulk(b"entries-added");
    out.int(s.entries_added as i64);
    out.bulk(b"recorded-first-entry-id");
    reply_id(out, s.first_id);
    if !full {
        out.bulk(b"groups");
        out.int(s.groups.len() as i64);
        out.bulk(b"first-entry");
        match s.range(StreamId::MIN, StreamId::MAX, false, 1).first() {
            Some(e) => reply_entry(out, e),
            None => out.null(),
        }
        out.bulk(b"last-entry");
        match s.range(StreamId::MIN, StreamId::MAX, true, 1).first() {
            Some(e) => reply_entry(out, e),
            None => out.null(),
        }
        return Ok(());
    }
    let count = count as usize;
    out.bulk(b"entries");
    reply_entries(out, &s.range(StreamId::MIN, StreamId::MAX, false, count));
    out.bulk(b"groups");
    out.array(s.groups.len());
    for (name, g) in &s.groups {
        out.map(7);
        out.bulk(b"name");
        out.bulk(name);
        out.bulk(b"last-delivered-id");
        reply_id(out, g.last_id);
        out.bulk(b"entries-read");
        reply_entries_read(out, g);
        out.bulk(b"lag");
        reply_lag(out, s, g);
        out.bulk(b"pel-count");
        out.int(g.pel.len() as i64);
        out.bulk(b"pending");
        let pel: Vec<_> = g
            .pel
            .iter()
            .take(if count == 0 { usize::MAX } else { count })
            .collect();
        out.array(pel.len());
        for (id, n) in pel {
            out.array(4);
            reply_id(out, *id);
            out.bulk(&n.consumer);
            out.int(n.delivery_time);
            out.int(n.delivery_count as i64);
        }
        out.bulk(b"consumers");
        out.array(g.consumers.len());
        for (cname, c) in &g.consumers {
            out.map(4);
            out.bulk(b"name");
            out.bulk(cname);
            out.bulk(b"seen-time");
            out.int(c.seen_time);
            out.bulk(b"pel-count");
            out.int(c.pel.len() as i64);
            out.bulk(b"pending");
            let ids: Vec<_> = c
                .pel
                .iter()
                .take(if count == 0 { usize::MAX } else { count })
                .collect();
            out.array(ids.len());
            for id in ids {
                out.array(3);
                reply_id(out, *id);
                let n = g.pel.get(id);
                out.int(n.map_or(0, |n| n.delivery_time));
                out.int(n.map_or(0, |n| n.delivery_count as i64));
            }
        }
    }
    Ok(())
}

/// XINFO GROUPS key
fn cmd_xinfo_groups(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (Some(s), out) = read_stream_out(ctx, &argv[2])? else {
        return Err(Error::NoSuchKey);
    };
    out.array(s.groups.len());
    for (name, g) in &s.groups {
        out.map(6);
        out.bulk(b"name");
        out.bulk(name);
        out.bulk(b"consumers");
        out.int(g.consumers.len() as i64);
        out.bulk(b"pending");
        out.int(g.pel.len() as i64);
        out.bulk(b"last-delivered-id");
        reply_id(out, g.last_id);
        out.bulk(b"entries-read");
        reply_entries_read(out, g);
        out.bulk(b"lag");
        reply_lag(out, s, g);
    }
    Ok(())
}

/// XINFO CONSUMERS key group
fn cmd_xinfo_consumers(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let now = clock::now_ms();
    let (Some(s), out) = read_stream_out(ctx, &argv[2])? else {
        return Err(Error::NoSuchKey);
    };
    let Some(g) = s.groups.get(&argv[3][..]) else {
        return Err(nogroup_for_key(&argv[3], &argv[2]));
    };
    out.array(g.consumers.len());
    for (name, c) in &g.consumers {
        out.map(3);
        out.bulk(b"name");
        out.bulk(name);
        out.bulk(b"pending");
        out.int(c.pel.len() as i64);
        out.bulk(b"idle");
        out.int(now.wrapping_sub(c.seen_time).max(0));
    }
    Ok(())
}

/// XINFO HELP
fn cmd_xinfo_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    reply_help(
        ctx.out,
        "XINFO",
        &[
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream.",
        ],
    );
    Ok(())
}

static XGROUP_SUBCOMMANDS: &[Command] = &[
    Command::new(
        "xgroup|create",
        -5,
        WRITE | DENYOOM,
        keys(2, 2, 1),
        cmd_xgroup,
    ),
    Command::new(
        "xgroup|createconsumer",
        5,
        WRITE | DENYOOM,
        keys(2, 2, 1),
        cmd_xgroup,
    ),
    Command::new("xgroup|delconsumer", 5, WRITE, keys(2, 2, 1), cmd_xgroup),
    Command::new("xgroup|destroy", 4, WRITE, keys(2, 2, 1), cmd_xgroup),
    Command::new("xgroup|help", 2, LOADING | STALE, NO_KEYS, cmd_xgroup),
    Command::new("xgroup|setid", -5, WRITE, keys(2, 2, 1), cmd_xgroup),
];

static XINFO_SUBCOMMANDS: &[Command] = &[
    Command::new(
        "xinfo|consumers",
        4,
        READONLY,
        keys(2, 2, 1),
        cmd_xinfo_consumers,
    ),
    Command::new("xinfo|groups", 3, READONLY, keys(2, 2, 1), cmd_xinfo_groups),
    Command::new("xinfo|help", 2, LOADING | STALE, NO_KEYS, cmd_xinfo_help),
    Command::new(
        "xinfo|stream",
        -3,
        READONLY,
        keys(2, 2, 1),
        cmd_xinfo_stream,
    ),
];

pub static COMMANDS: &[Command] = &[
    Command::new("xadd", -5, WRITE | DENYOOM | FAST, keys(1, 1, 1), cmd_xadd),
    Command::new("xrange", -4, READONLY, keys(1, 1, 1), cmd_xrange),
    Command::new("xrevrange", -4, READONLY, keys(1, 1, 1), cmd_xrevrange),
    Command::new("xlen", 2, READONLY | FAST, keys(1, 1, 1), cmd_xlen),
    Command::new(
        "xread",
        -4,
        READONLY | BLOCKING | MOVABLE_KEYS,
        keys(0, 0, 0),
        cmd_xread,
    ),
    Command::new(
        "xreadgroup",
        -7,
        WRITE | BLOCKING | MOVABLE_KEYS,
        keys(0, 0, 0),
        cmd_xreadgroup,
    ),
    Command::new("xdel", -3, WRITE | FAST, keys(1, 1, 1), cmd_xdel),
    Command::new("xtrim", -4, WRITE, keys(1, 1, 1), cmd_xtrim),
    Command::new(
        "xsetid",
        -3,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_xsetid,
    ),
    Command::new("xack", -4, WRITE | FAST, keys(1, 1, 1), cmd_xack),
    Command::new("xpending", -3, READONLY, keys(1, 1, 1), cmd_xpending),
    Command::new("xclaim", -6, WRITE | FAST, keys(1, 1, 1), cmd_xclaim),
    Command::new(
        "xautoclaim",
        -6,
        WRITE | FAST,
        keys(1, 1, 1),
        cmd_xautoclaim,
    ),
    Command::container("xgroup", -2, 0, XGROUP_SUBCOMMANDS),
    Command::container("xinfo", -2, 0, XINFO_SUBCOMMANDS),
];
