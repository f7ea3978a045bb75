//! String commands, as Redis 7.0's `t_string.c`: GET, SET (EX/PX/EXAT/PXAT/NX/XX/KEEPTTL/GET),
//! SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX, APPEND, STRLEN, GETRANGE,
//! SUBSTR, SETRANGE, INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT and LCS.
//!
//! Encodings follow Redis: values written by SET & co. are built by `Value::string` (int or
//! embstr/raw), APPEND and SETRANGE turn a value into `Value::Raw`, INCR/DECR store ints and
//! INCRBYFLOAT stores its formatted result as a string. SET clears a TTL unless KEEPTTL; the
//! commands that modify a value in place (APPEND, SETRANGE, INCR*) keep it.
//!
//! Every read goes through `string_bytes`, which answers WRONGTYPE for any non-string value, so
//! these handlers stay correct as other types are added.

pub(crate) mod long_double;

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::keyspace::events::class;
use crate::keyspace::{Db, Ttl, Value, ValueRef, clock};
use crate::protocol::Reply;
use crate::server::Server;
use long_double::LongDouble;

/// The bytes of a string value (an int is formatted into `buf`), or WRONGTYPE.
#[inline]
pub fn string_bytes<'a: 'b, 'b>(
    v: impl Into<ValueRef<'a>>,
    buf: &'b mut itoa::Buffer,
) -> Result<&'b [u8], Error> {
    v.into().string_bytes(buf).ok_or(Error::WrongType)
}

/// Writes a string value as a bulk reply, or returns WRONGTYPE for other types.
#[inline]
pub fn reply_string<'a>(out: &mut Reply, v: impl Into<ValueRef<'a>>) -> CmdResult {
    match v.into() {
        // A big value goes out from where it is stored, without a copy.
        ValueRef::Obj(Value::Shared(b)) => out.bulk_shared(b),
        v => out.bulk(string_bytes(v, &mut itoa::Buffer::new())?),
    }
    Ok(())
}

/// A string value's length (`stringObjectLen`), or WRONGTYPE.
pub(crate) fn string_len<'a>(v: impl Into<ValueRef<'a>>) -> Result<usize, Error> {
    Ok(string_bytes(v, &mut itoa::Buffer::new())?.len())
}

/// Turns a string value into the raw encoding in place and returns its buffer for modification
/// (Redis's `dbUnshareStringValue`), or WRONGTYPE.
pub(crate) fn make_raw(v: &mut Value) -> Result<&mut Vec<u8>, Error> {
    if let Value::Int(n) = *v {
        *v = Value::Raw(itoa::Buffer::new().format(n).as_bytes().to_vec());
    } else if let Value::Str(s) = v {
        *v = Value::Raw(std::mem::take(s));
    } else if let Value::Shared(b) = v {
        // Takes the buffer back without copying unless a reply in flight still holds it.
        *v = Value::Raw(Vec::from(std::mem::take(&mut **b)));
    }
    if let Value::Raw(s) = v {
        Ok(s)
    } else {
        Err(Error::WrongType)
    }
}

/// Looks a key up for reading (`lookupKeyRead`, see `keyspace::lookup`).
#[inline]
pub(crate) fn lookup_read<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Option<ValueRef<'a>> {
    srv.lookup_read(db, key, crate::keyspace::lookup::NONE)
        .map(|e| e.value)
}

/// Replaces the value at `key` with `f(current)` (`lookupKeyWrite` then `dbOverwrite` or
/// `dbAdd`): an existing TTL is kept, a new key has none. Nothing changes if `f` fails.
fn write_generic(
    db: &mut Db,
    key: &[u8],
    f: impl FnOnce(Option<ValueRef<'_>>) -> Result<Value, Error>,
) -> CmdResult {
    if let Some(e) = db.get_ref(key) {
        let v = f(Some(e.value))?;
        db.overwrite(key, v);
    } else {
        let v = f(None)?;
        db.set(key, v, Ttl::Clear);
    }
    Ok(())
}

/// The size of a string grown to `size + append` bytes, if it fits `proto-max-bulk-len`
/// (`checkStringLength`, overflow included).
fn checked_size(max: usize, size: usize, append: usize) -> Result<usize, Error> {
    match size.checked_add(append) {
        Some(total) if total <= max => Ok(total),
        _ => Err(Error::Msg(
            "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
        )),
    }
}

/// GET's reply for `key` (`getGenericCommand`): the value or a null. Returns whether the key
/// exists; WRONGTYPE for non-strings.
fn get_generic(ctx: &mut Ctx, key: &[u8]) -> Result<bool, Error> {
    match lookup_read(ctx.srv, ctx.db, key) {
        Some(v) => {
            reply_string(ctx.out, v)?;
            Ok(true)
        }
        None => {
            ctx.out.null();
            Ok(false)
        }
    }
}

/// GET key
fn cmd_get(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    get_generic(ctx, &argv[1]).map(drop)
}

// Option flags of SET and GETEX (`OBJ_SET_NX` ...), as parsed by `parse_extended`.
const OPT_NX: u16 = 1 << 0;
const OPT_XX: u16 = 1 << 1;
const OPT_EX: u16 = 1 << 2;
const OPT_PX: u16 = 1 << 3;
const OPT_KEEPTTL: u16 = 1 << 4;
const OPT_GET: u16 = 1 << 5;
const OPT_EXAT: u16 = 1 << 6;
const OPT_PXAT: u16 = 1 << 7;
const OPT_PERSIST: u16 = 1 << 8;
/// The options that set or keep a TTL: at most one kind may be given.
const TTL_OPTS: u16 = OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT | OPT_KEEPTTL | OPT_PERSIST;

/// Parses SET's (`for_set`) or GETEX's options from argv[3] / argv[2] on, with Redis's
/// `parseExtendedStringArgumentsOrReply` rules: a conflicting, unknown or incomplete option is a
/// syntax error; repeating the same option is allowed (the last expire time wins). Returns the
/// flags and the expire time argument.
fn parse_extended(argv: &[Bytes], for_set: bool) -> Result<(u16, Option<&[u8]>), Error> {
    let mut flags = 0u16;
    let mut expire = None;
    let mut j = if for_set { 3 } else { 2 };
    while j < argv.len() {
        let opt = &argv[j][..];
        let next = argv.get(j + 1);
        let (flag, takes_time) = if is(opt, "nx") && for_set && flags & OPT_XX == 0 {
            (OPT_NX, false)
        } else if is(opt, "xx") && for_set && flags & OPT_NX == 0 {
            (OPT_XX, false)
        } else if is(opt, "get") && for_set {
            (OPT_GET, false)
        } else if is(opt, "keepttl") && for_set && flags & (TTL_OPTS & !OPT_KEEPTTL) == 0 {
            (OPT_KEEPTTL, false)
        } else if is(opt, "persist") && !for_set && flags & (TTL_OPTS & !OPT_PERSIST) == 0 {
            (OPT_PERSIST, false)
        } else {
            let flag = if is(opt, "ex") {
                OPT_EX
            } else if is(opt, "px") {
                OPT_PX
            } else if is(opt, "exat") {
                OPT_EXAT
            } else if is(opt, "pxat") {
                OPT_PXAT
            } else {
                return Err(Error::Syntax);
            };
            if flags & (TTL_OPTS & !flag) != 0 || next.is_none() {
                return Err(Error::Syntax);
            }
            (flag, true)
        };
        flags |= flag;
        if takes_time {
            expire = next.map(|b| &b[..]);
            j += 1;
        }
        j += 1;
    }
    Ok((flags, expire))
}

/// An expire argument as an absolute Unix time in ms (`getExpireMillisecondsOrReply`): seconds
/// unless PX/PXAT, relative for EX/PX. Rejects values <= 0 and overflows with Redis's error,
/// which names the command.
fn expire_at_ms(name: &str, flags: u16, arg: &[u8]) -> Result<i64, Error> {
    let invalid = || Error::Text(format!("ERR invalid expire time in '{name}' command"));
    let mut ms = parse_int(arg)?;
    let seconds = flags & (OPT_PX | OPT_PXAT) == 0;
    if ms <= 0 || (seconds && ms > i64::MAX / 1000) {
        return Err(invalid());
    }
    if seconds {
        ms *= 1000;
    }
    if flags & (OPT_EX | OPT_PX) != 0 {
        ms = ms.checked_add(clock::now_ms()).ok_or_else(invalid)?;
    }
    if ms <= 0 {
        return Err(invalid());
    }
    Ok(ms)
}

/// What SET-like commands reply when they set (`ok`) or skip because of NX/XX.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SetReply {
    /// `+OK` / null (SET, SETEX, PSETEX).
    OkNull,
    /// `:1` / `:0` (SETNX).
    OneZero,
}

/// The SET family (`setGenericCommand`): SET, SETNX, SETEX, PSETEX and GETSET. The expire
/// time is validated first, then GET replies with the old value, then NX/XX decide. An
/// already-past EXAT/PXAT stores the key and lets expiry remove it, as Redis 7.0 does.
fn set_generic(
    ctx: &mut Ctx,
    flags: u16,
    key: &Bytes,
    val: &Bytes,
    expire: Option<&[u8]>,
    reply: SetReply,
) -> CmdResult {
    let ttl = match expire {
        Some(arg) => Ttl::At(expire_at_ms(ctx.cmd.name, flags, arg)?),
        None if flags & OPT_KEEPTTL != 0 => Ttl::Keep,
        None => Ttl::Clear,
    };
    let conditional = flags & (OPT_NX | OPT_XX) != 0;
    let found = if flags & OPT_GET != 0 {
        get_generic(ctx, key)?
    } else {
        conditional && ctx.db().contains(key)
    };
    if conditional && ((flags & OPT_NX != 0 && found) || (flags & OPT_XX != 0 && !found)) {
        if flags & OPT_GET == 0 {
            match reply {
                SetReply::OkNull => ctx.out.null(),
                SetReply::OneZero => ctx.out.int(0),
            }
        }
        return Ok(());
    }
    ctx.srv.dbs[ctx.db].set_string(key, val, ttl);
    ctx.dirty(1);
    if ctx.propagating() {
        propagate_set(ctx, flags, key, val, ttl);
    }
    ctx.changed(class::STRING, "set", key);
    if expire.is_some() {
        ctx.notify(class::GENERIC, "expire", key);
    }
    if flags & OPT_GET == 0 {
        match reply {
            SetReply::OkNull => ctx.out.ok(),
            SetReply::OneZero => ctx.out.int(1),
        }
    }
    Ok(())
}

/// What a SET-family command propagates (Redis 7.0's `setGenericCommand` / `getsetCommand`):
/// with a TTL `SET key value PXAT <ms>`; GETSET as `SET key value`; otherwise the command as
/// sent (SET ... GET without its GET, see `cmd_set`).
fn propagate_set(ctx: &mut Ctx, flags: u16, key: &Bytes, val: &Bytes, ttl: Ttl) {
    if let Ttl::At(ms) = ttl {
        ctx.propagate_as(vec![
            Bytes::from_static(b"SET"),
            key.clone(),
            val.clone(),
            Bytes::from_static(b"PXAT"),
            Bytes::copy_from_slice(itoa::Buffer::new().format(ms).as_bytes()),
        ]);
    } else if ctx.cmd.name == "getset" {
        ctx.propagate_as(vec![Bytes::from_static(b"SET"), key.clone(), val.clone()]);
    }
    let _ = flags;
}

/// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
/// PXAT unix-time-milliseconds | KEEPTTL]
fn cmd_set(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (flags, expire) = parse_extended(argv, true)?;
    set_generic(ctx, flags, &argv[1], &argv[2], expire, SetReply::OkNull)?;
    if flags & OPT_GET != 0 && expire.is_none() && ctx.propagating() {
        // Propagated without GET (used only if the key was set).
        let kept = argv
            .iter()
            .enumerate()
            .filter(|(j, a)| *j < 3 || !is(a, "get"))
            .map(|(_, a)| a.clone())
            .collect();
        ctx.propagate_as(kept);
    }
    Ok(())
}

/// SETNX key value
fn cmd_setnx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    set_generic(ctx, OPT_NX, &argv[1], &argv[2], None, SetReply::OneZero)
}

/// SETEX key seconds value
fn cmd_setex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    set_generic(
        ctx,
        OPT_EX,
        &argv[1],
        &argv[3],
        Some(&argv[2]),
        SetReply::OkNull,
    )
}

/// PSETEX key milliseconds value
fn cmd_psetex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    set_generic(
        ctx,
        OPT_PX,
        &argv[1],
        &argv[3],
        Some(&argv[2]),
        SetReply::OkNull,
    )
}

/// GETSET key value
fn cmd_getset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    set_generic(ctx, OPT_GET, &argv[1], &argv[2], None, SetReply::OkNull)
}

/// GETDEL key
fn cmd_getdel(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if get_generic(ctx, &argv[1])? && ctx.db().delete(&argv[1]) {
        ctx.dirty(1);
        if ctx.propagating() {
            let lazy = ctx.srv.config.get("lazyfree-lazy-user-del") == Some("yes");
            let del: &'static [u8] = if lazy { b"UNLINK" } else { b"DEL" };
            ctx.propagate_as(vec![Bytes::from_static(del), argv[1].clone()]);
        }
        ctx.changed(class::GENERIC, "del", &argv[1]);
    }
    Ok(())
}

/// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
/// PXAT unix-time-milliseconds | PERSIST]
fn cmd_getex(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (flags, expire) = parse_extended(argv, false)?;
    let key = &argv[1][..];
    let name = ctx.cmd.name;
    let Some(v) = lookup_read(ctx.srv, ctx.db, key) else {
        ctx.out.null();
        return Ok(());
    };
    let mut buf = itoa::Buffer::new();
    let bytes = string_bytes(v, &mut buf)?;
    // The expire time is validated only once the key is known to hold a string.
    let at = expire
        .map(|arg| expire_at_ms(name, flags, arg))
        .transpose()?;
    ctx.out.bulk(bytes);
    let db = &mut ctx.srv.dbs[ctx.db];
    let changed = match at {
        Some(ms) if flags & (OPT_EXAT | OPT_PXAT) != 0 && ms <= clock::now_ms() => {
            db.delete(key).then_some("del")
        }
        Some(ms) => db.set_expire(key, ms).then_some("expire"),
        None => (flags & OPT_PERSIST != 0 && db.persist(key)).then_some("persist"),
    };
    if let Some(event) = changed {
        ctx.dirty(1);
        if ctx.propagating() {
            // Never propagated as sent: PEXPIREAT, DEL/UNLINK or PERSIST (Redis 7.0).
            let k = argv[1].clone();
            let lazy = ctx.srv.config.get("lazyfree-lazy-expire") == Some("yes");
            let prop = match (event, at) {
                ("expire", Some(ms)) => vec![
                    Bytes::from_static(b"PEXPIREAT"),
                    k,
                    Bytes::copy_from_slice(itoa::Buffer::new().format(ms).as_bytes()),
                ],
                ("del", _) if lazy => vec![Bytes::from_static(b"UNLINK"), k],
                ("del", _) => vec![Bytes::from_static(b"DEL"), k],
                _ => vec![Bytes::from_static(b"PERSIST"), k],
            };
            ctx.propagate_as(prop);
        }
        ctx.changed(class::GENERIC, event, key);
    }
    Ok(())
}

/// MGET key [key ...]
fn cmd_mget(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let keys = &argv[1..];
    ctx.out.array(keys.len());
    let mut buf = itoa::Buffer::new();
    for key in keys {
        // A key of another type reads as a null here, not as an error.
        match lookup_read(ctx.srv, ctx.db, key).map(|v| string_bytes(v, &mut buf)) {
            Some(Ok(s)) => ctx.out.bulk(s),
            _ => {
                // A miss's `keymiss` is published now: Redis's pushes to a RESP3 client
                // subscribed to its own events come between MGET's elements.
                ctx.srv.drain_expired(Some((ctx.cid, &mut *ctx.out)));
                ctx.out.null()
            }
        }
    }
    Ok(())
}

/// MSET and MSETNX (`msetGenericCommand`): every pair is set (TTLs cleared), or with `nx`
/// nothing at all if any key exists.
fn mset_generic(ctx: &mut Ctx, argv: &[Bytes], nx: bool) -> CmdResult {
    if argv.len().is_multiple_of(2) {
        return Err(Error::Text(format!(
            "ERR wrong number of arguments for '{}' command",
            ctx.cmd.name
        )));
    }
    let db = &mut ctx.srv.dbs[ctx.db];
    if nx && argv[1..].iter().step_by(2).any(|k| db.contains(k)) {
        ctx.out.int(0);
        return Ok(());
    }
    // Each key's events (`new`, then `set`) before the next key is set, as Redis.
    for pair in argv[1..].chunks_exact(2) {
        ctx.srv.dbs[ctx.db].set_string(&pair[0], &pair[1], Ttl::Clear);
        ctx.changed(class::STRING, "set", &pair[0]);
    }
    ctx.dirty((argv.len() as u64 - 1) / 2);
    if nx {
        ctx.out.int(1);
    } else {
        ctx.out.ok();
    }
    Ok(())
}

/// MSET key value [key value ...]
fn cmd_mset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    mset_generic(ctx, argv, false)
}

/// MSETNX key value [key value ...]
fn cmd_msetnx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    mset_generic(ctx, argv, true)
}

/// APPEND key value
fn cmd_append(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (key, tail) = (&argv[1], &argv[2]);
    let max = ctx.srv.config.proto_max_bulk_len;
    let db = &mut ctx.srv.dbs[ctx.db];
    let len = if let Some(e) = db.get_mut(key) {
        checked_size(max, string_len(&*e.value)?, tail.len())?;
        let s = make_raw(e.value)?;
        s.extend_from_slice(tail);
        s.len()
    } else {
        // A new key is stored as SET would store it (an int if it looks like one).
        db.set(key, Value::string(tail), Ttl::Clear);
        tail.len()
    };
    ctx.dirty(1);
    ctx.changed(class::STRING, "append", key);
    ctx.out.int(len as i64);
    Ok(())
}

/// STRLEN key
fn cmd_strlen(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let len = match lookup_read(ctx.srv, ctx.db, &argv[1]) {
        Some(v) => string_len(v)?,
        None => 0,
    };
    ctx.out.int(len as i64);
    Ok(())
}

/// GETRANGE key start end (and its old name SUBSTR): negative indexes count from the end,
/// the range is clamped, an empty range is an empty string.
fn cmd_getrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut start = parse_int(&argv[2])?;
    let mut end = parse_int(&argv[3])?;
    let Some(v) = lookup_read(ctx.srv, ctx.db, &argv[1]) else {
        ctx.out.bulk(b"");
        return Ok(());
    };
    let mut buf = itoa::Buffer::new();
    let s = string_bytes(v, &mut buf)?;
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        ctx.out.bulk(b"");
        return Ok(());
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    let start = start.max(0);
    let end = end.max(0).min(len - 1);
    if start > end || len == 0 {
        ctx.out.bulk(b"");
    } else {
        ctx.out.bulk(&s[start as usize..=end as usize]);
    }
    Ok(())
}

/// SETRANGE key offset value: overwrites from `offset`, zero-padding a shorter string.
fn cmd_setrange(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (key, value) = (&argv[1], &argv[3]);
    let offset = parse_int(&argv[2])?;
    let Ok(offset) = usize::try_from(offset) else {
        return Err(Error::Msg("ERR offset is out of range"));
    };
    let max = ctx.srv.config.proto_max_bulk_len;
    let db = &mut ctx.srv.dbs[ctx.db];
    let len = if let Some(e) = db.get_mut(key) {
        let cur = string_len(&*e.value)?;
        if value.is_empty() {
            ctx.out.int(cur as i64);
            return Ok(());
        }
        let end = checked_size(max, offset, value.len())?;
        let s = make_raw(e.value)?;
        if s.len() < end {
            s.resize(end, 0);
        }
        s[offset..end].copy_from_slice(value);
        s.len()
    } else {
        if value.is_empty() {
            ctx.out.int(0);
            return Ok(());
        }
        // Bounded by proto-max-bulk-len, like every string Redis builds.
        let end = checked_size(max, offset, value.len())?;
        let mut s = vec![0u8; end];
        s[offset..].copy_from_slice(value);
        db.set(key, Value::Raw(s), Ttl::Clear);
        end
    };
    ctx.dirty(1);
    ctx.changed(class::STRING, "setrange", key);
    ctx.out.int(len as i64);
    Ok(())
}

/// INCR, DECR, INCRBY and DECRBY (`incrDecrCommand`): the value must be a 64-bit integer
/// string; the result is stored int-encoded and keeps the TTL.
fn incr_decr_generic(ctx: &mut Ctx, key: &[u8], incr: i64) -> CmdResult {
    let mut result = 0;
    write_generic(&mut ctx.srv.dbs[ctx.db], key, |cur| {
        let old = match cur {
            Some(ValueRef::Int(n) | ValueRef::Obj(&Value::Int(n))) => n,
            Some(v) => parse_int(string_bytes(v, &mut itoa::Buffer::new())?)?,
            None => 0,
        };
        result = old.checked_add(incr).ok_or(Error::Overflow)?;
        Ok(Value::Int(result))
    })?;
    ctx.dirty(1);
    ctx.changed(class::STRING, "incrby", key);
    ctx.out.int(result);
    Ok(())
}

/// INCR key
fn cmd_incr(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    incr_decr_generic(ctx, &argv[1], 1)
}

/// DECR key
fn cmd_decr(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    incr_decr_generic(ctx, &argv[1], -1)
}

/// INCRBY key increment
fn cmd_incrby(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let incr = parse_int(&argv[2])?;
    incr_decr_generic(ctx, &argv[1], incr)
}

/// DECRBY key decrement
fn cmd_decrby(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let decr = parse_int(&argv[2])?;
    if decr == i64::MIN {
        return Err(Error::Msg("ERR decrement would overflow"));
    }
    incr_decr_generic(ctx, &argv[1], -decr)
}

/// INCRBYFLOAT key increment: long double arithmetic and `%.17Lf` formatting, exactly as
/// Redis (see `long_double`); the result is stored as a plain string and keeps the TTL.
fn cmd_incrbyfloat(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut reply = Vec::new();
    write_generic(&mut ctx.srv.dbs[ctx.db], &argv[1], |cur| {
        let value = match cur {
            Some(ValueRef::Int(n) | ValueRef::Obj(&Value::Int(n))) => LongDouble::from_i64(n),
            Some(v) => LongDouble::parse(string_bytes(v, &mut itoa::Buffer::new())?)
                .ok_or(Error::NotFloat)?,
            None => LongDouble::ZERO,
        };
        let incr = LongDouble::parse(&argv[2]).ok_or(Error::NotFloat)?;
        let sum = value
            .checked_add(incr)
            .ok_or(Error::Msg("ERR increment would produce NaN or Infinity"))?;
        let text = sum.to_human().into_bytes();
        reply.clone_from(&text);
        Ok(Value::Str(text))
    })?;
    ctx.dirty(1);
    if ctx.propagating() {
        // The final value, so float formatting can't make a replay differ (Redis 7.0).
        ctx.propagate_as(vec![
            Bytes::from_static(b"SET"),
            argv[1].clone(),
            Bytes::from(reply.clone()),
            Bytes::from_static(b"KEEPTTL"),
        ]);
    }
    // The event goes before the reply, as in Redis.
    ctx.changed(class::STRING, "incrbyfloat", &argv[1]);
    ctx.out.bulk(&reply);
    Ok(())
}

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]: the longest common
/// subsequence by the classic dynamic-programming table, its length, or its matching ranges
/// (from the end of the strings backwards, as Redis emits them).
fn cmd_lcs(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let max = ctx.srv.config.proto_max_bulk_len;
    let mut buf = itoa::Buffer::new();
    let mut fetch = |key: &[u8]| match lookup_read(ctx.srv, ctx.db, key) {
        Some(v) => string_bytes(v, &mut buf).map(<[u8]>::to_vec),
        None => Ok(Vec::new()),
    };
    let (a, b) = match (fetch(&argv[1]), fetch(&argv[2])) {
        (Ok(a), Ok(b)) => (a, b),
        _ => {
            return Err(Error::Msg(
                "ERR The specified keys must contain string values",
            ));
        }
    };
    let (mut getlen, mut getidx, mut withmatchlen) = (false, false, false);
    let mut minmatchlen = 0i64;
    let mut j = 3;
    while j < argv.len() {
        let opt = &argv[j][..];
        if is(opt, "idx") {
            getidx = true;
        } else if is(opt, "len") {
            getlen = true;
        } else if is(opt, "withmatchlen") {
            withmatchlen = true;
        } else if is(opt, "minmatchlen") && j + 1 < argv.len() {
            minmatchlen = parse_int(&argv[j + 1])?.max(0);
            j += 1;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    if getlen && getidx {
        return Err(Error::Msg(
            "ERR If you want both the length and indexes, please just use IDX.",
        ));
    }
    if a.len() >= u32::MAX as usize - 1 || b.len() >= u32::MAX as usize - 1 {
        return Err(Error::Msg("ERR String too long for LCS"));
    }
    let (alen, blen) = (a.len(), b.len());
    let cells = (alen + 1).checked_mul(blen + 1);
    let failed = Error::Msg("ERR Insufficient memory, failed allocating transient memory for LCS");
    let Some((cells, bytes)) = cells.zip(cells.and_then(|c| c.checked_mul(4))) else {
        return Err(failed);
    };
    if bytes > max {
        return Err(Error::Msg(
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ));
    }
    let mut lcs: Vec<u32> = Vec::new();
    if lcs.try_reserve_exact(cells).is_err() {
        return Err(failed);
    }
    // lcs[i * (blen + 1) + j] = length of the LCS of a[..i] and b[..j].
    let w = blen + 1;
    lcs.resize(cells, 0);
    for i in 1..=alen {
        for j in 1..=blen {
            lcs[i * w + j] = if a[i - 1] == b[j - 1] {
                lcs[(i - 1) * w + j - 1] + 1
            } else {
                lcs[(i - 1) * w + j].max(lcs[i * w + j - 1])
            };
        }
    }
    let total = lcs[alen * w + blen];
    let out = &mut *ctx.out;
    if getlen {
        out.int(total as i64);
        return Ok(());
    }
    // Walk back from the end, building the subsequence and (for IDX) the matching ranges.
    let mut result = vec![0u8; total as usize];
    let mut idx = total as usize;
    let mut arraylen = 0;
    let mut deferred = None;
    if getidx {
        out.map(2);
        out.bulk(b"matches");
        deferred = Some(out.deferred_array());
    }
    // `arange_start == alen` means no range is open.
    let (mut arange_start, mut arange_end, mut brange_start, mut brange_end) = (alen, 0, 0, 0);
    let (mut i, mut j) = (alen, blen);
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            result[idx - 1] = a[i - 1];
            if arange_start == alen {
                (arange_start, arange_end) = (i - 1, i - 1);
                (brange_start, brange_end) = (j - 1, j - 1);
            } else if arange_start == i && brange_start == j {
                arange_start -= 1;
                brange_start -= 1;
            } else {
                emit = true;
            }
            if arange_start == 0 || brange_start == 0 {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if lcs[(i - 1) * w + j] > lcs[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            if arange_start != alen {
                emit = true;
            }
        }
        if emit {
            let match_len = arange_end.wrapping_sub(arange_start).wrapping_add(1);
            if deferred.is_some() && (minmatchlen == 0 || match_len as i64 >= minmatchlen) {
                out.array(2 + withmatchlen as usize);
                out.array(2);
                out.int(arange_start as i64);
                out.int(arange_end as i64);
                out.array(2);
                out.int(brange_start as i64);
                out.int(brange_end as i64);
                if withmatchlen {
                    out.int(match_len as i64);
                }
                arraylen += 1;
            }
            arange_start = alen;
        }
    }
    if let Some(at) = deferred {
        out.bulk(b"len");
        out.int(total as i64);
        out.patch_array(at, arraylen);
    } else {
        out.bulk(&result);
    }
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command::new("get", 2, READONLY | FAST, keys(1, 1, 1), cmd_get),
    Command::new("set", -3, WRITE | DENYOOM, keys(1, 1, 1), cmd_set),
    Command::new("setnx", 3, WRITE | DENYOOM | FAST, keys(1, 1, 1), cmd_setnx),
    Command::new("setex", 4, WRITE | DENYOOM, keys(1, 1, 1), cmd_setex),
    Command::new("psetex", 4, WRITE | DENYOOM, keys(1, 1, 1), cmd_psetex),
    Command::new(
        "getset",
        3,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_getset,
    ),
    Command::new("getdel", 2, WRITE | FAST, keys(1, 1, 1), cmd_getdel),
    Command::new("getex", -2, WRITE | FAST, keys(1, 1, 1), cmd_getex),
    Command::new("mget", -2, READONLY | FAST, keys(1, -1, 1), cmd_mget),
    Command::new("mset", -3, WRITE | DENYOOM, keys(1, -1, 2), cmd_mset),
    Command::new("msetnx", -3, WRITE | DENYOOM, keys(1, -1, 2), cmd_msetnx),
    Command::new(
        "append",
        3,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_append,
    ),
    Command::new("strlen", 2, READONLY | FAST, keys(1, 1, 1), cmd_strlen),
    Command::new("getrange", 4, READONLY, keys(1, 1, 1), cmd_getrange),
    Command::new("substr", 4, READONLY, keys(1, 1, 1), cmd_getrange),
    Command::new("setrange", 4, WRITE | DENYOOM, keys(1, 1, 1), cmd_setrange),
    Command::new("incr", 2, WRITE | DENYOOM | FAST, keys(1, 1, 1), cmd_incr),
    Command::new("decr", 2, WRITE | DENYOOM | FAST, keys(1, 1, 1), cmd_decr),
    Command::new(
        "incrby",
        3,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_incrby,
    ),
    Command::new(
        "decrby",
        3,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_decrby,
    ),
    Command::new(
        "incrbyfloat",
        3,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_incrbyfloat,
    ),
    Command::new("lcs", -3, READONLY, keys(1, 2, 1), cmd_lcs),
];

#[cfg(test)]
mod tests {
    //! What the wire can't show yet: `dirty` counts, keyspace hits/misses and the stored
    //! encodings, checked by running commands through `cmd::call` on an in-process server.

    use super::*;
    use crate::config::Config;
    use crate::net::client::Client;
    use crate::runtime::Ring;

    struct T {
        srv: Server,
        cid: usize,
    }

    impl T {
        fn new() -> T {
            let ring = Ring::new(8).expect("io_uring ring");
            let mut srv = Server::new(Config::default(), ring);
            let cid = srv
                .clients
                .insert(Client::new(1, -1, "test".into(), "test".into(), 0));
            T { srv, cid }
        }

        /// Runs a command; returns (reply, dirty increment, hits increment, misses increment).
        fn run(&mut self, args: &[&str]) -> (String, u64, u64, u64) {
            self.run_proto(args, false)
        }

        fn run_proto(&mut self, args: &[&str], resp3: bool) -> (String, u64, u64, u64) {
            let argv: Vec<Bytes> = args
                .iter()
                .map(|a| Bytes::copy_from_slice(a.as_bytes()))
                .collect();
            let (d, h, m) = (
                self.srv.dirty,
                self.srv.stats.keyspace_hits,
                self.srv.stats.keyspace_misses,
            );
            let mut out = Reply::new();
            out.resp3 = resp3;
            crate::cmd::call(&mut self.srv, &mut out, self.cid, &argv);
            (
                String::from_utf8_lossy(&out.buf).into_owned(),
                self.srv.dirty - d,
                self.srv.stats.keyspace_hits - h,
                self.srv.stats.keyspace_misses - m,
            )
        }

        fn value(&mut self, key: &str) -> Option<Value> {
            self.srv.dbs[0].get(key.as_bytes()).map(|v| v.to_value())
        }
    }

    #[test]
    fn dirty_counts_like_redis() {
        let mut t = T::new();
        let cases: &[(&[&str], u64)] = &[
            (&["SET", "k", "v"], 1),
            (&["SET", "k", "v", "NX"], 0),
            (&["SET", "k", "v", "XX", "GET"], 1),
            (&["SET", "k", "v", "EX", "0"], 0),
            (&["SETNX", "k", "v"], 0),
            (&["SETNX", "n", "v"], 1),
            (&["GETSET", "k", "w"], 1),
            (&["MSET", "a", "1", "b", "2", "c", "3"], 3),
            (&["MSETNX", "a", "1", "z", "2"], 0),
            (&["MSETNX", "y", "1", "z", "2"], 2),
            (&["APPEND", "k", ""], 1),
            (&["SETRANGE", "k", "0", ""], 0),
            (&["SETRANGE", "new", "0", ""], 0),
            (&["SETRANGE", "k", "1", "x"], 1),
            (&["INCR", "a"], 1),
            (&["INCR", "k"], 0),
            (&["INCRBYFLOAT", "a", "1.5"], 1),
            (&["GETEX", "a"], 0),
            (&["GETEX", "a", "PERSIST"], 0),
            (&["GETEX", "a", "EX", "100"], 1),
            (&["GETEX", "a", "PERSIST"], 1),
            (&["GETEX", "a", "PXAT", "1"], 1),
            (&["GETDEL", "a"], 0),
            (&["GETDEL", "b"], 1),
            (&["GET", "c"], 0),
            (&["LCS", "c", "k"], 0),
        ];
        for (args, dirty) in cases {
            assert_eq!(t.run(args).1, *dirty, "{args:?}");
        }
    }

    #[test]
    fn keyspace_hits_and_misses() {
        let mut t = T::new();
        t.run(&["MSET", "a", "1", "b", "2"]);
        let cases: &[(&[&str], u64, u64)] = &[
            (&["GET", "a"], 1, 0),
            (&["GET", "nope"], 0, 1),
            (&["MGET", "a", "nope", "b"], 2, 1),
            (&["STRLEN", "a"], 1, 0),
            (&["GETRANGE", "nope", "0", "1"], 0, 1),
            (&["GETRANGE", "a", "x", "1"], 0, 0),
            (&["LCS", "a", "nope"], 1, 1),
            (&["GETSET", "a", "3"], 1, 0),
            (&["SET", "a", "4", "GET"], 1, 0),
            (&["SET", "a", "4", "NX"], 0, 0),
            (&["GETEX", "a", "EX", "10"], 1, 0),
            (&["GETDEL", "nope"], 0, 1),
            (&["INCR", "a"], 0, 0),
            (&["APPEND", "a", "x"], 0, 0),
            (&["SETRANGE", "a", "0", "x"], 0, 0),
            (&["INCRBYFLOAT", "b", "1"], 0, 0),
        ];
        for (args, hits, misses) in cases {
            let (_, _, h, m) = t.run(args);
            assert_eq!((h, m), (*hits, *misses), "{args:?}");
        }
    }

    #[test]
    fn encodings() {
        let mut t = T::new();
        let long = "x".repeat(45);
        t.run(&["SET", "i", "-123"]);
        assert_eq!(t.value("i"), Some(Value::Int(-123)));
        t.run(&["SET", "e", "0123"]);
        assert_eq!(t.value("e").map(|v| v.encoding()), Some("embstr"));
        t.run(&["SET", "r", &long]);
        assert_eq!(t.value("r").map(|v| v.encoding()), Some("raw"));
        t.run(&["APPEND", "i", "4"]);
        assert_eq!(t.value("i"), Some(Value::Raw(b"-1234".to_vec())));
        t.run(&["INCR", "i"]);
        assert_eq!(t.value("i"), Some(Value::Int(-1233)));
        t.run(&["INCRBYFLOAT", "i", "1"]);
        assert_eq!(t.value("i"), Some(Value::Str(b"-1232".to_vec())));
        t.run(&["SETRANGE", "e", "0", "9"]);
        assert_eq!(t.value("e"), Some(Value::Raw(b"9123".to_vec())));
        t.run(&["SETRANGE", "n", "2", "ab"]);
        assert_eq!(t.value("n"), Some(Value::Raw(b"\0\0ab".to_vec())));
        t.run(&["APPEND", "m", "42"]);
        assert_eq!(t.value("m"), Some(Value::Int(42)));
        t.run(&["MSET", "m", "abc"]);
        assert_eq!(t.value("m").map(|v| v.encoding()), Some("embstr"));
    }

    /// RESP3 shapes, as captured from redis-server 7.0.15 after `HELLO 3`.
    #[test]
    fn resp3_replies() {
        let mut t = T::new();
        let cases: &[(&[&str], &str)] = &[
            (&["GET", "nope"], "_\r\n"),
            (&["SET", "a", "ohmytext"], "+OK\r\n"),
            (&["SET", "b", "mynewtext"], "+OK\r\n"),
            (&["SET", "a", "x", "NX"], "_\r\n"),
            (&["MGET", "a", "nope"], "*2\r\n$8\r\nohmytext\r\n_\r\n"),
            (
                &["LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
                "%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n\
                 $3\r\nlen\r\n:6\r\n",
            ),
            (
                &["LCS", "nope", "b", "IDX"],
                "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n",
            ),
            (&["INCRBYFLOAT", "f", "1.5"], "$3\r\n1.5\r\n"),
        ];
        for (args, want) in cases {
            assert_eq!(t.run_proto(args, true).0, *want, "{args:?}");
        }
    }
}
