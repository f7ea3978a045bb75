//! Bitmap commands on string values, as Redis 7.0's `bitops.c`: SETBIT, GETBIT, BITCOUNT,
//! BITPOS, BITOP, BITFIELD and BITFIELD_RO.
//!
//! Bits live in the bytes of an ordinary string value (`Value::Int`/`Str`/`Raw`), most
//! significant bit first, so they are shared with GET/GETRANGE/SETRANGE/APPEND. Readers format
//! an int-encoded value into a stack buffer (never changing it); writers turn the value into
//! `Value::Raw` in place (`make_raw`, Redis's `dbUnshareStringValue`) and zero-pad it up to the
//! highest byte written. Bit offsets are bounded by `proto-max-bulk-len` (in bytes) before any
//! allocation, so a write never grows a string past that limit. A write keeps the key's TTL;
//! BITOP stores a new raw string (clearing the TTL) or deletes the target if every source is
//! empty. Keyspace events: `setbit` (SETBIT, BITFIELD), `set`/`del` (BITOP).

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::family::string::{lookup_read, make_raw, string_bytes};
use crate::keyspace::events::class;
use crate::keyspace::{Ttl, Value};

const OFFSET_ERR: Error = Error::Msg("ERR bit offset is not an integer or out of range");
const TYPE_ERR: Error = Error::Msg(
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
);

/// A bit offset argument (`getBitOffsetFromArgument`); with `bits > 0` the `#n` form means
/// `n * bits`. Negative offsets and offsets whose byte reaches proto-max-bulk-len are refused.
fn bit_offset(ctx: &Ctx, arg: &[u8], bits: u32) -> Result<u64, Error> {
    let hash = bits > 0 && arg.first() == Some(&b'#');
    let n = crate::protocol::parse_i64(if hash { &arg[1..] } else { arg }).ok_or(OFFSET_ERR)?;
    let n = if hash { n.wrapping_mul(bits as i64) } else { n };
    if n < 0 || (n >> 3) as u64 >= ctx.srv.config.proto_max_bulk_len as u64 {
        return Err(OFFSET_ERR);
    }
    Ok(n as u64)
}

/// Looks `key` up for a bit write reaching bit `maxbit` (`lookupStringForBitCommand`): creates
/// a zeroed string or grows the existing one (made raw) with zeros. Returns the buffer and
/// whether the key was created or grown. WRONGTYPE for other types.
fn string_for_write<'a>(
    ctx: &'a mut Ctx,
    key: &[u8],
    maxbit: u64,
) -> Result<(&'a mut Vec<u8>, bool), Error> {
    let need = (maxbit >> 3) as usize + 1;
    let db = &mut ctx.srv.dbs[ctx.db];
    let mut grown = false;
    if db.get_mut(key).is_none() {
        db.set(key, Value::Raw(vec![0; need]), Ttl::Clear);
        grown = true;
    }
    let Some(e) = db.get_mut(key) else {
        return Err(Error::NoSuchKey);
    };
    let s = make_raw(e.value)?;
    if s.len() < need {
        s.resize(need, 0);
        grown = true;
    }
    Ok((s, grown))
}

/// SETBIT key offset value: returns the bit's previous value.
fn cmd_setbit(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    const BIT_ERR: Error = Error::Msg("ERR bit is not an integer or out of range");
    let off = bit_offset(ctx, &argv[2], 0)?;
    let on = crate::protocol::parse_i64(&argv[3]).ok_or(BIT_ERR)?;
    if on & !1 != 0 {
        return Err(BIT_ERR);
    }
    let key = &argv[1];
    let (s, grown) = string_for_write(ctx, key, off)?;
    let byte = (off >> 3) as usize;
    let mask = 1u8 << (7 - (off & 7));
    let old = s[byte] & mask != 0;
    if grown || old != (on == 1) {
        if on == 1 {
            s[byte] |= mask;
        } else {
            s[byte] &= !mask;
        }
        ctx.dirty(1);
        ctx.changed(class::STRING, "setbit", key);
    }
    ctx.out.int(old as i64);
    Ok(())
}

/// GETBIT key offset
fn cmd_getbit(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let off = bit_offset(ctx, &argv[2], 0)?;
    let Some(v) = lookup_read(ctx.srv, ctx.db, &argv[1]) else {
        ctx.out.int(0);
        return Ok(());
    };
    let mut buf = itoa::Buffer::new();
    let s = string_bytes(v, &mut buf)?;
    let byte = (off >> 3) as usize;
    let bit = s.get(byte).is_some_and(|b| b & (1 << (7 - (off & 7))) != 0);
    ctx.out.int(bit as i64);
    Ok(())
}

/// Parses BIT|BYTE.
fn unit_is_bit(arg: &[u8]) -> Result<bool, Error> {
    if is(arg, "bit") {
        Ok(true)
    } else if is(arg, "byte") {
        Ok(false)
    } else {
        Err(Error::Syntax)
    }
}

/// Clamps a start/end pair over `total` units as Redis does (negative from the end).
fn clamp_range(mut start: i64, mut end: i64, total: i64) -> (i64, i64) {
    if start < 0 {
        start += total;
    }
    if end < 0 {
        end += total;
    }
    let start = start.max(0);
    let end = end.max(0).min(total - 1);
    (start, end)
}

/// A clamped byte range as a bit range; an empty one (start past end, which may be as large
/// as `i64::MAX`) stays empty without overflowing.
fn byte_range_bits((a, b): (i64, i64)) -> (i64, i64) {
    if a > b { (1, 0) } else { (a * 8, b * 8 + 7) }
}

/// Counts the set bits of `s` in the bit range `[from, to]` (both inside `s`).
fn popcount_bits(s: &[u8], from: u64, to: u64) -> i64 {
    let (fb, lb) = ((from >> 3) as usize, (to >> 3) as usize);
    let mut n: i64 = s[fb..=lb].iter().map(|b| b.count_ones() as i64).sum();
    let head = !(0xFFu8 >> (from & 7)); // bits before `from` in the first byte
    let tail = 0xFFu8.checked_shr(((to & 7) + 1) as u32).unwrap_or(0); // bits after `to`
    n -= (s[fb] & head).count_ones() as i64;
    n -= (s[lb] & tail).count_ones() as i64;
    n
}

/// BITCOUNT key [start end [BIT|BYTE]]
fn cmd_bitcount(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(v) = lookup_read(ctx.srv, ctx.db, &argv[1]) else {
        ctx.out.int(0);
        return Ok(());
    };
    let mut buf = itoa::Buffer::new();
    let s = string_bytes(v, &mut buf)?;
    let len = s.len() as i64;
    let (from, to) = match argv.len() {
        2 => (0, len * 8 - 1),
        4 | 5 => {
            let start = parse_int(&argv[2])?;
            let end = parse_int(&argv[3])?;
            if start < 0 && end < 0 && start > end {
                ctx.out.int(0);
                return Ok(());
            }
            let bit = argv.len() == 5 && unit_is_bit(&argv[4])?;
            if bit {
                clamp_range(start, end, len * 8)
            } else {
                byte_range_bits(clamp_range(start, end, len))
            }
        }
        _ => return Err(Error::Syntax),
    };
    let n = if from > to || from >= len * 8 || to < 0 {
        0
    } else {
        popcount_bits(s, from as u64, to as u64)
    };
    ctx.out.int(n);
    Ok(())
}

/// BITPOS key bit [start [end [BIT|BYTE]]]
fn cmd_bitpos(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let bit = parse_int(&argv[2])?;
    if bit != 0 && bit != 1 {
        return Err(Error::Msg("ERR The bit argument must be 1 or 0."));
    }
    let want = bit == 1;
    let Some(v) = lookup_read(ctx.srv, ctx.db, &argv[1]) else {
        ctx.out.int(if want { -1 } else { 0 });
        return Ok(());
    };
    let mut buf = itoa::Buffer::new();
    let s = string_bytes(v, &mut buf)?;
    let len = s.len() as i64;
    let mut end_given = false;
    let (from, to) = match argv.len() {
        3 => (0, len * 8 - 1),
        4..=6 => {
            let start = parse_int(&argv[3])?;
            let isbit = argv.len() == 6 && unit_is_bit(&argv[5])?;
            let end = if argv.len() >= 5 {
                end_given = true;
                parse_int(&argv[4])?
            } else {
                len - 1
            };
            if isbit {
                clamp_range(start, end, len * 8)
            } else {
                byte_range_bits(clamp_range(start, end, len))
            }
        }
        _ => return Err(Error::Syntax),
    };
    if from > to || to < 0 {
        ctx.out.int(-1);
        return Ok(());
    }
    let found = (from as u64..=to as u64)
        .find(|&i| (s[(i >> 3) as usize] & (0x80 >> (i & 7)) != 0) == want);
    let pos = match found {
        Some(i) => i as i64,
        None if want || end_given => -1,
        // Looking for a clear bit without an explicit end: the string is zero-padded.
        None => to + 1,
    };
    ctx.out.int(pos);
    Ok(())
}

/// BITOP AND|OR|XOR|NOT destkey key [key ...]: stores the result (as long as the longest
/// source, shorter ones zero-padded) and returns its length; deletes destkey if it is empty.
fn cmd_bitop(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    #[derive(Clone, Copy, PartialEq)]
    enum Op {
        And,
        Or,
        Xor,
        Not,
    }
    let op = if is(&argv[1], "and") {
        Op::And
    } else if is(&argv[1], "or") {
        Op::Or
    } else if is(&argv[1], "xor") {
        Op::Xor
    } else if is(&argv[1], "not") {
        Op::Not
    } else {
        return Err(Error::Syntax);
    };
    if op == Op::Not && argv.len() != 4 {
        return Err(Error::Msg(
            "ERR BITOP NOT must be called with a single source key.",
        ));
    }
    let mut srcs: Vec<Vec<u8>> = Vec::with_capacity(argv.len() - 3);
    for key in &argv[3..] {
        match lookup_read(ctx.srv, ctx.db, key) {
            Some(v) => srcs.push(string_bytes(v, &mut itoa::Buffer::new())?.to_vec()),
            None => srcs.push(Vec::new()),
        }
    }
    let maxlen = srcs.iter().map(Vec::len).max().unwrap_or(0);
    let dest = &argv[2];
    if maxlen > 0 {
        let mut res = vec![0u8; maxlen];
        for (j, out) in res.iter_mut().enumerate() {
            let byte = |s: &Vec<u8>| s.get(j).copied().unwrap_or(0);
            let mut acc = byte(&srcs[0]);
            for s in &srcs[1..] {
                match op {
                    Op::And => acc &= byte(s),
                    Op::Or => acc |= byte(s),
                    Op::Xor => acc ^= byte(s),
                    Op::Not => {}
                }
            }
            *out = if op == Op::Not { !acc } else { acc };
        }
        ctx.srv.dbs[ctx.db].set(dest, Value::Raw(res), Ttl::Clear);
        ctx.dirty(1);
        ctx.changed(class::STRING, "set", dest);
    } else if ctx.srv.dbs[ctx.db].delete(dest) {
        ctx.dirty(1);
        ctx.changed(class::GENERIC, "del", dest);
    }
    ctx.out.int(maxlen as i64);
    Ok(())
}

/// Overflow behaviour of BITFIELD's SET and INCRBY.
#[derive(Clone, Copy, PartialEq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

/// One parsed BITFIELD operation.
struct FieldOp {
    offset: u64,
    value: i64,
    /// None for GET; Some(true) for INCRBY, Some(false) for SET.
    write: Option<bool>,
    overflow: Overflow,
    bits: u32,
    signed: bool,
}

/// Reads `bits` bits at bit `offset` of `s` (zero past its end) as an unsigned number.
fn get_field(s: &[u8], offset: u64, bits: u32) -> u64 {
    let mut v = 0u64;
    for i in 0..bits as u64 {
        let o = offset + i;
        let b = s.get((o >> 3) as usize).copied().unwrap_or(0);
        v = (v << 1) | ((b >> (7 - (o & 7))) & 1) as u64;
    }
    v
}

/// Writes the low `bits` bits of `v` at bit `offset` of `s` (which is long enough).
fn set_field(s: &mut [u8], offset: u64, bits: u32, v: u64) {
    for i in 0..bits as u64 {
        let o = offset + i;
        let mask = 0x80u8 >> (o & 7);
        let on = (v >> (bits as u64 - 1 - i)) & 1 == 1;
        let b = &mut s[(o >> 3) as usize];
        if on {
            *b |= mask;
        } else {
            *b &= !mask;
        }
    }
}

/// Sign-extends a `bits`-wide field.
fn signed_of(v: u64, bits: u32) -> i64 {
    if bits == 64 {
        v as i64
    } else {
        let shift = 64 - bits;
        ((v << shift) as i64) >> shift
    }
}

/// `checkUnsignedBitfieldOverflow`: Some(result on overflow) (wrapped or saturated), or None.
fn unsigned_overflow(value: u64, incr: i64, bits: u32, ow: Overflow) -> Option<u64> {
    let max = (1u64 << bits) - 1; // bits <= 63
    let maxincr = max.wrapping_sub(value) as i64;
    let minincr = value.wrapping_neg() as i64;
    let wrap = || value.wrapping_add(incr as u64) & max;
    if value > max || (incr > 0 && incr > maxincr) {
        Some(if ow == Overflow::Sat { max } else { wrap() })
    } else if incr < 0 && incr < minincr {
        Some(if ow == Overflow::Sat { 0 } else { wrap() })
    } else {
        None
    }
}

/// `checkSignedBitfieldOverflow`: Some(result on overflow) (wrapped or saturated), or None.
fn signed_overflow(value: i64, incr: i64, bits: u32, ow: Overflow) -> Option<i64> {
    let max = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let maxincr = (max as u64).wrapping_sub(value as u64) as i64;
    let minincr = min.wrapping_sub(value);
    let wrap = || {
        let c = (value as u64).wrapping_add(incr as u64);
        signed_of(c, bits)
    };
    if value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
        Some(if ow == Overflow::Sat { max } else { wrap() })
    } else if value < min
        || (bits != 64 && incr < minincr)
        || (value < 0 && incr < 0 && incr < minincr)
    {
        Some(if ow == Overflow::Sat { min } else { wrap() })
    } else {
        None
    }
}

/// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
/// [OVERFLOW WRAP|SAT|FAIL] ... (and BITFIELD_RO with GET only).
fn bitfield_generic(ctx: &mut Ctx, argv: &[Bytes], readonly_cmd: bool) -> CmdResult {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut highest = 0u64;
    let mut writes = false;
    let mut j = 2;
    while j < argv.len() {
        let rem = argv.len() - j - 1;
        let sub = &argv[j];
        let write = if is(sub, "get") && rem >= 2 {
            None
        } else if is(sub, "set") && rem >= 3 {
            Some(false)
        } else if is(sub, "incrby") && rem >= 3 {
            Some(true)
        } else if is(sub, "overflow") && rem >= 1 {
            let t = &argv[j + 1];
            overflow = if is(t, "wrap") {
                Overflow::Wrap
            } else if is(t, "sat") {
                Overflow::Sat
            } else if is(t, "fail") {
                Overflow::Fail
            } else {
                return Err(Error::Msg("ERR Invalid OVERFLOW type specified"));
            };
            j += 2;
            continue;
        } else {
            return Err(Error::Syntax);
        };
        let t = &argv[j + 1];
        let signed = match t.first() {
            Some(b'i') => true,
            Some(b'u') => false,
            _ => return Err(TYPE_ERR),
        };
        let bits = crate::protocol::parse_i64(&t[1..]).ok_or(TYPE_ERR)?;
        if bits < 1 || bits > if signed { 64 } else { 63 } {
            return Err(TYPE_ERR);
        }
        let bits = bits as u32;
        let offset = bit_offset(ctx, &argv[j + 2], bits)?;
        let mut value = 0;
        if write.is_some() {
            writes = true;
            highest = highest.max(offset + bits as u64 - 1);
            value = parse_int(&argv[j + 3])?;
        }
        ops.push(FieldOp {
            offset,
            value,
            write,
            overflow,
            bits,
            signed,
        });
        j += if write.is_some() { 4 } else { 3 };
    }

    if !writes {
        let Some(v) = lookup_read(ctx.srv, ctx.db, &argv[1]) else {
            ctx.out.array(ops.len());
            for _ in &ops {
                ctx.out.int(0);
            }
            return Ok(());
        };
        let mut buf = itoa::Buffer::new();
        let s = string_bytes(v, &mut buf)?;
        ctx.out.array(ops.len());
        for op in &ops {
            let raw = get_field(s, op.offset, op.bits);
            let n = if op.signed {
                signed_of(raw, op.bits)
            } else {
                raw as i64
            };
            ctx.out.int(n);
        }
        return Ok(());
    }
    if readonly_cmd {
        return Err(Error::Msg(
            "ERR BITFIELD_RO only supports the GET subcommand",
        ));
    }
    let key = &argv[1];
    let (s, grown) = string_for_write(ctx, key, highest)?;
    let mut replies: Vec<Option<i64>> = Vec::with_capacity(ops.len());
    let mut changes = 0u64;
    for op in &ops {
        let raw = get_field(s, op.offset, op.bits);
        let Some(incr) = op.write else {
            replies.push(Some(if op.signed {
                signed_of(raw, op.bits)
            } else {
                raw as i64
            }));
            continue;
        };
        let (old, new, ret, over) = if op.signed {
            let old = signed_of(raw, op.bits);
            let (new, over) = if incr {
                match signed_overflow(old, op.value, op.bits, op.overflow) {
                    Some(w) => (w, true),
                    None => (old.wrapping_add(op.value), false),
                }
            } else {
                match signed_overflow(op.value, 0, op.bits, op.overflow) {
                    Some(w) => (w, true),
                    None => (op.value, false),
                }
            };
            let ret = if incr { new } else { old };
            (old as u64, new as u64, ret, over)
        } else {
            let (new, over) = if incr {
                match unsigned_overflow(raw, op.value, op.bits, op.overflow) {
                    Some(w) => (w, true),
                    None => (raw.wrapping_add(op.value as u64), false),
                }
            } else {
                match unsigned_overflow(op.value as u64, 0, op.bits, op.overflow) {
                    Some(w) => (w, true),
                    None => (op.value as u64, false),
                }
            };
            let ret = if incr { new as i64 } else { raw as i64 };
            (raw, new, ret, over)
        };
        if over && op.overflow == Overflow::Fail {
            replies.push(None);
            continue;
        }
        replies.push(Some(ret));
        set_field(s, op.offset, op.bits, new);
        if grown || old != new {
            changes += 1;
        }
    }
    ctx.out.array(replies.len());
    for r in replies {
        match r {
            Some(n) => ctx.out.int(n),
            None => ctx.out.null(),
        }
    }
    if changes > 0 {
        ctx.dirty(changes);
        ctx.changed(class::STRING, "setbit", key);
    }
    Ok(())
}

/// BITFIELD key [GET|SET|INCRBY|OVERFLOW ...]
fn cmd_bitfield(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bitfield_generic(ctx, argv, false)
}

/// BITFIELD_RO key [GET type offset ...]
fn cmd_bitfield_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    bitfield_generic(ctx, argv, true)
}

pub static COMMANDS: &[Command] = &[
    Command::new("setbit", 4, WRITE | DENYOOM, keys(1, 1, 1), cmd_setbit),
    Command::new("getbit", 3, READONLY | FAST, keys(1, 1, 1), cmd_getbit),
    Command::new("bitcount", -2, READONLY, keys(1, 1, 1), cmd_bitcount),
    Command::new("bitpos", -3, READONLY, keys(1, 1, 1), cmd_bitpos),
    Command::new("bitop", -4, WRITE | DENYOOM, keys(2, -1, 1), cmd_bitop),
    Command::new("bitfield", -2, WRITE | DENYOOM, keys(1, 1, 1), cmd_bitfield),
    Command::new(
        "bitfield_ro",
        -2,
        READONLY | FAST,
        keys(1, 1, 1),
        cmd_bitfield_ro,
    ),
];
