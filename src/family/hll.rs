//! HyperLogLog commands, as Redis 7.0's `hyperloglog.c`: PFADD, PFCOUNT (one key or several)
//! PFMERGE, PFDEBUG (GETREG, DECODE, ENCODING, TODENSE) and PFSELFTEST.
//!
//! An HLL is a plain string value in Redis's exact format, so GET/SET/DUMP/RESTORE carry it
//! between uredis and Redis unchanged: a 16-byte header ("HYLL", encoding byte 0 = dense or
//! 1 = sparse, 3 unused bytes, 8 bytes little-endian cached cardinality whose top bit set means
//! "stale"), then either 16384 six-bit registers packed little-endian (dense, 12304 bytes in
//! all) or the sparse opcodes ZERO (`00xxxxxx`, 1..64 zero registers), XZERO (`01xxxxxx
//! yyyyyyyy`, 1..16384 zero registers) and VAL (`1vvvvvxx`, 1..4 registers of value 1..32).
//! Elements are hashed with MurmurHash64A (seed 0xadc83b19), the low 14 bits pick the
//! register, the run of zeros after them (plus one) is the value. The sparse form is edited
//! exactly as `hllSparseSet` does (same splits, same merging of neighbouring VAL opcodes) and
//! promoted to dense when a value exceeds 32 or the string would outgrow
//! `hll-sparse-max-bytes`, so the bytes after any sequence of commands equal Redis's.
//! Cardinality is the "new estimator" (Ertl) of `hllCount`, computed in `f64` like Redis.
//!
//! Invariants: every string handed to `Hll` functions has passed `check` (header, magic,
//! encoding, dense length); a sparse body that does not cover exactly 16384 registers is
//! reported as `INVALIDOBJ`, never indexed out of bounds.

use bytes::Bytes;

use crate::cmd::table::{Command, NO_KEYS, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error};
use crate::keyspace::events::class;
use crate::keyspace::{Ttl, Value, ValueRef};

const P: u32 = 14;
const Q: u32 = 64 - P;
const REGISTERS: usize = 1 << P;
const P_MASK: u64 = (REGISTERS - 1) as u64;
const BITS: usize = 6;
const REGISTER_MAX: u8 = (1 << BITS) - 1;
const HDR: usize = 16;
/// Length of a dense HLL string.
pub const DENSE_SIZE: usize = HDR + (REGISTERS * BITS).div_ceil(8);
const DENSE: u8 = 0;
const SPARSE: u8 = 1;
const VAL_MAX_VALUE: u8 = 32;
const VAL_MAX_LEN: usize = 4;
const ZERO_MAX_LEN: usize = 64;
const XZERO_MAX_LEN: usize = 16384;
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

const INVALID_OBJ: Error = Error::Msg("INVALIDOBJ Corrupted HLL object detected");
const NOT_HLL: Error = Error::Msg("WRONGTYPE Key is not a valid HyperLogLog string value.");

/// Redis's MurmurHash64A (endian-neutral variant).
pub fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4a7935bd1e995;
    const R: u32 = 47;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let mut k = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        for (i, &b) in rest.iter().enumerate().rev() {
            h ^= (b as u64) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// (register index, run length) of an element (`hllPatLen`).
fn pat_len(ele: &[u8]) -> (usize, u8) {
    let hash = murmur64a(ele, 0xadc83b19);
    let index = (hash & P_MASK) as usize;
    let h = (hash >> P) | (1u64 << Q);
    (index, h.trailing_zeros() as u8 + 1)
}

fn dense_get(r: &[u8], i: usize) -> u8 {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let b0 = r[byte] as u16;
    let b1 = r.get(byte + 1).copied().unwrap_or(0) as u16;
    (((b0 >> fb) | (b1 << (8 - fb))) as u8) & REGISTER_MAX
}

fn dense_set(r: &mut [u8], i: usize, val: u8) {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let v = val as u16;
    let mask = REGISTER_MAX as u16;
    r[byte] &= !((mask << fb) as u8);
    r[byte] |= (v << fb) as u8;
    if byte + 1 < r.len() {
        r[byte + 1] &= !((mask >> (8 - fb)) as u8);
        r[byte + 1] |= (v >> (8 - fb)) as u8;
    }
}

/// `hllDenseSet`: true if the register grew.
fn dense_set_max(r: &mut [u8], i: usize, count: u8) -> bool {
    if count > dense_get(r, i) {
        dense_set(r, i, count);
        true
    } else {
        false
    }
}

fn is_zero(b: u8) -> bool {
    b & 0xc0 == 0
}
fn is_xzero(b: u8) -> bool {
    b & 0xc0 == 0x40
}
fn is_val(b: u8) -> bool {
    b & 0x80 != 0
}
fn zero_len(b: u8) -> usize {
    (b & 0x3f) as usize + 1
}
fn xzero_len(b: u8, b2: u8) -> usize {
    ((((b & 0x3f) as usize) << 8) | b2 as usize) + 1
}
fn val_value(b: u8) -> u8 {
    ((b >> 2) & 0x1f) + 1
}
fn val_len(b: u8) -> usize {
    (b & 0x3) as usize + 1
}
fn val_op(val: u8, len: usize) -> u8 {
    ((val - 1) << 2 | (len as u8 - 1)) | 0x80
}
fn push_zero(out: &mut Vec<u8>, len: usize) {
    if len > ZERO_MAX_LEN {
        let l = len - 1;
        out.push((l >> 8) as u8 | 0x40);
        out.push((l & 0xff) as u8);
    } else {
        out.push((len - 1) as u8);
    }
}

/// An empty HLL: sparse, all registers zero (`createHLLObject`).
pub fn new_hll() -> Vec<u8> {
    let mut s = vec![0u8; HDR];
    s[..4].copy_from_slice(b"HYLL");
    s[4] = SPARSE;
    let mut aux = REGISTERS;
    while aux > 0 {
        let x = aux.min(XZERO_MAX_LEN);
        let l = x - 1;
        s.push((l >> 8) as u8 | 0x40);
        s.push((l & 0xff) as u8);
        aux -= x;
    }
    s
}

/// `isHLLObjectOrReply`: the value must be a non-int string with a valid header.
fn check(v: ValueRef<'_>) -> Result<Vec<u8>, Error> {
    if !v.is_string() {
        return Err(Error::WrongType);
    }
    if matches!(v, ValueRef::Int(_) | ValueRef::Obj(&Value::Int(_))) {
        return Err(NOT_HLL);
    }
    let mut buf = itoa::Buffer::new();
    let s = v.string_bytes(&mut buf).ok_or(Error::WrongType)?;
    if s.len() < HDR || &s[..4] != b"HYLL" || s[4] > SPARSE {
        return Err(NOT_HLL);
    }
    if s[4] == DENSE && s.len() != DENSE_SIZE {
        return Err(NOT_HLL);
    }
    Ok(s.to_vec())
}

fn invalidate(s: &mut [u8]) {
    s[15] |= 0x80;
}

/// `hllSparseToDense`; `Err` if the sparse body is corrupt.
fn sparse_to_dense(s: &mut Vec<u8>) -> Result<(), Error> {
    if s[4] == DENSE {
        return Ok(());
    }
    let mut dense = vec![0u8; DENSE_SIZE];
    dense[..HDR].copy_from_slice(&s[..HDR]);
    dense[4] = DENSE;
    let mut idx = 0;
    let mut p = HDR;
    while p < s.len() {
        let b = s[p];
        if is_zero(b) {
            idx += zero_len(b);
            p += 1;
        } else if is_xzero(b) {
            idx += xzero_len(b, s.get(p + 1).copied().unwrap_or(0));
            p += 2;
        } else {
            let (len, v) = (val_len(b), val_value(b));
            if idx + len > REGISTERS {
                // A value run past the last register is corrupt: the reference
                // redis-server 7.0.15 binary refuses it (the 7.0.15 source only stops there).
                return Err(INVALID_OBJ);
            }
            for _ in 0..len {
                dense_set(&mut dense[HDR..], idx, v);
                idx += 1;
            }
            p += 1;
        }
    }
    if idx != REGISTERS {
        return Err(INVALID_OBJ);
    }
    *s = dense;
    Ok(())
}

/// `hllSparseSet`: Ok(true) if a register changed, Err on corruption. May promote `s`.
fn sparse_set(s: &mut Vec<u8>, index: usize, count: u8, max_bytes: usize) -> Result<bool, Error> {
    if count > VAL_MAX_VALUE {
        return promote(s, index, count);
    }
    let end = s.len();
    let mut p = HDR;
    let mut first = 0usize;
    let mut prev: Option<usize> = None;
    let mut span = 0usize;
    while p < end {
        let b = s[p];
        let mut oplen = 1;
        if is_zero(b) {
            span = zero_len(b);
        } else if is_val(b) {
            span = val_len(b);
        } else {
            // Redis reads the second byte without a bound; a truncated XZERO is corrupt.
            let Some(&b2) = s.get(p + 1) else {
                return Err(INVALID_OBJ);
            };
            span = xzero_len(b, b2);
            oplen = 2;
        }
        if index < first + span {
            break;
        }
        prev = Some(p);
        p += oplen;
        first += span;
    }
    if span == 0 || p >= end {
        return Err(INVALID_OBJ);
    }
    let b = s[p];
    let (zero, xzero, val) = (is_zero(b), is_xzero(b), is_val(b));
    let runlen = if zero {
        zero_len(b)
    } else if xzero {
        xzero_len(b, s[p + 1])
    } else {
        val_len(b)
    };
    let mut done = false;
    if val {
        if val_value(b) >= count {
            return Ok(false);
        }
        if runlen == 1 {
            s[p] = val_op(count, 1);
            done = true;
        }
    }
    if !done && zero && runlen == 1 {
        s[p] = val_op(count, 1);
        done = true;
    }
    if !done {
        let mut seq = Vec::with_capacity(5);
        let last = first + span - 1;
        if zero || xzero {
            if index != first {
                push_zero(&mut seq, index - first);
            }
            seq.push(val_op(count, 1));
            if index != last {
                push_zero(&mut seq, last - index);
            }
        } else {
            let cur = val_value(b);
            if index != first {
                seq.push(val_op(cur, index - first));
            }
            seq.push(val_op(count, 1));
            if index != last {
                seq.push(val_op(cur, last - index));
            }
        }
        let oldlen = if xzero { 2 } else { 1 };
        if seq.len() > oldlen && s.len() + seq.len() - oldlen > max_bytes {
            return promote(s, index, count);
        }
        s.splice(p..p + oldlen, seq);
    }
    // Merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from `prev`.
    let mut p = prev.unwrap_or(HDR);
    let mut scan = 5;
    while p < s.len() && scan > 0 {
        scan -= 1;
        let b = s[p];
        if is_xzero(b) {
            p += 2;
            continue;
        } else if is_zero(b) {
            p += 1;
            continue;
        }
        if p + 1 < s.len() && is_val(s[p + 1]) {
            let (v1, v2) = (val_value(b), val_value(s[p + 1]));
            if v1 == v2 {
                let len = val_len(b) + val_len(s[p + 1]);
                if len <= VAL_MAX_LEN {
                    s[p + 1] = val_op(v1, len);
                    s.remove(p);
                    continue;
                }
            }
        }
        p += 1;
    }
    invalidate(s);
    Ok(true)
}

fn promote(s: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Error> {
    sparse_to_dense(s)?;
    dense_set_max(&mut s[HDR..], index, count);
    Ok(true)
}

/// `hllAdd`: Ok(true) if the element changed a register.
fn add(s: &mut Vec<u8>, ele: &[u8], max_bytes: usize) -> Result<bool, Error> {
    let (index, count) = pat_len(ele);
    add_at(s, index, count, max_bytes)
}

/// `hllAdd` of an element already hashed to register `index` with value `count`.
fn add_at(s: &mut Vec<u8>, index: usize, count: u8, max_bytes: usize) -> Result<bool, Error> {
    match s[4] {
        DENSE => Ok(dense_set_max(&mut s[HDR..], index, count)),
        SPARSE => sparse_set(s, index, count, max_bytes),
        _ => Err(INVALID_OBJ),
    }
}

/// `hllMerge`: folds the registers of `s` into `max`.
fn merge(max: &mut [u8; REGISTERS], s: &[u8]) -> Result<(), Error> {
    if s[4] == DENSE {
        for (i, m) in max.iter_mut().enumerate() {
            *m = (*m).max(dense_get(&s[HDR..], i));
        }
        return Ok(());
    }
    let mut i = 0;
    let mut p = HDR;
    while p < s.len() {
        let b = s[p];
        if is_zero(b) {
            i += zero_len(b);
            p += 1;
        } else if is_xzero(b) {
            i += xzero_len(b, s.get(p + 1).copied().unwrap_or(0));
            p += 2;
        } else {
            let (len, v) = (val_len(b), val_value(b));
            if i + len > REGISTERS {
                // Corrupt, as in `sparse_to_dense` (the reference binary refuses it).
                return Err(INVALID_OBJ);
            }
            for m in &mut max[i..i + len] {
                *m = (*m).max(v);
            }
            i += len;
            p += 1;
        }
    }
    if i != REGISTERS {
        return Err(INVALID_OBJ);
    }
    Ok(())
}

fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let zp = z;
        z += x * y;
        y += y;
        if zp == z {
            return z;
        }
    }
}

fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let zp = z;
        y *= 0.5;
        z -= (1.0 - x).powi(2) * y;
        if zp == z {
            return z / 3.0;
        }
    }
}

/// `hllCount` from a register histogram.
fn estimate(histo: &[u32; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - histo[Q as usize + 1] as f64) / m);
    for j in (1..=Q as usize).rev() {
        z += histo[j] as f64;
        z *= 0.5;
    }
    z += m * sigma(histo[0] as f64 / m);
    (ALPHA_INF * m * m / z).round() as u64
}

/// Cardinality of a checked HLL string; `Err` if a sparse body is corrupt.
fn count(s: &[u8]) -> Result<u64, Error> {
    let mut histo = [0u32; 64];
    if s[4] == DENSE {
        for i in 0..REGISTERS {
            histo[dense_get(&s[HDR..], i) as usize] += 1;
        }
    } else {
        let mut idx = 0;
        let mut p = HDR;
        while p < s.len() {
            let b = s[p];
            if is_zero(b) {
                let l = zero_len(b);
                idx += l;
                histo[0] += l as u32;
                p += 1;
            } else if is_xzero(b) {
                let l = xzero_len(b, s.get(p + 1).copied().unwrap_or(0));
                idx += l;
                histo[0] += l as u32;
                p += 2;
            } else {
                let l = val_len(b);
                idx += l;
                histo[val_value(b) as usize] += l as u32;
                p += 1;
            }
        }
        if idx != REGISTERS {
            return Err(INVALID_OBJ);
        }
    }
    Ok(estimate(&histo))
}

fn count_registers(max: &[u8; REGISTERS]) -> u64 {
    let mut histo = [0u32; 64];
    for &r in max.iter() {
        histo[r as usize] += 1;
    }
    estimate(&histo)
}

/// Reads `key` as an HLL (None if missing): `read` as `lookupKeyRead` (see `keyspace::lookup`),
/// else for writing.
fn load(ctx: &mut Ctx, key: &[u8], read: bool) -> Result<Option<Vec<u8>>, Error> {
    let r = if read {
        ctx.srv
            .lookup_read(ctx.db, key, crate::keyspace::lookup::NONE)
            .map(|e| check(e.value))
    } else {
        ctx.srv.dbs[ctx.db].get(key).map(check)
    };
    r.transpose()
}

/// PFADD key [element ...]
fn cmd_pfadd(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[1];
    let max_bytes = ctx.srv.config.hll_sparse_max_bytes;
    let (mut s, mut updated) = match load(ctx, key, false)? {
        Some(s) => (s, 0u64),
        None => (new_hll(), 1),
    };
    let created = updated == 1;
    let mut err = None;
    for ele in &argv[2..] {
        match add(&mut s, ele, max_bytes) {
            Ok(true) => updated += 1,
            Ok(false) => {}
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    if let Some(e) = err {
        // Redis modified the (existing) string in place before failing.
        if !created {
            ctx.srv.dbs[ctx.db].set(key, Value::Raw(s), Ttl::Keep);
        }
        return Err(e);
    }
    if updated > 0 {
        invalidate(&mut s);
        ctx.srv.dbs[ctx.db].set(key, Value::Raw(s), Ttl::Keep);
        ctx.dirty(updated);
        ctx.changed(class::STRING, "pfadd", key);
        ctx.out.int(1);
    } else {
        ctx.out.int(0);
    }
    Ok(())
}

/// PFCOUNT key [key ...]: one key uses (and refreshes) the cached cardinality; several keys
/// are merged into a temporary register set, nothing is written.
fn cmd_pfcount(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 2 {
        let mut max = Box::new([0u8; REGISTERS]);
        for key in &argv[1..] {
            if let Some(s) = load(ctx, key, true)? {
                merge(&mut max, &s)?;
            }
        }
        ctx.out.int(count_registers(&max) as i64);
        return Ok(());
    }
    let key = &argv[1];
    let Some(mut s) = load(ctx, key, true)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let card;
    if s[15] & 0x80 == 0 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&s[8..16]);
        card = u64::from_le_bytes(b);
    } else {
        card = count(&s)?;
        s[8..16].copy_from_slice(&card.to_le_bytes());
        ctx.srv.dbs[ctx.db].set(key, Value::Raw(s), Ttl::Keep);
        ctx.srv.signal_modified_key(ctx.db, key);
        ctx.dirty(1);
    }
    ctx.out.int(card as i64);
    Ok(())
}

/// PFMERGE destkey [sourcekey ...]
fn cmd_pfmerge(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut max = Box::new([0u8; REGISTERS]);
    let mut use_dense = false;
    for key in &argv[1..] {
        if let Some(s) = load(ctx, key, true)? {
            use_dense |= s[4] == DENSE;
            merge(&mut max, &s)?;
        }
    }
    let key = &argv[1];
    let max_bytes = ctx.srv.config.hll_sparse_max_bytes;
    let mut s = match load(ctx, key, false)? {
        Some(s) => s,
        None => new_hll(),
    };
    if use_dense {
        sparse_to_dense(&mut s)?;
    }
    for (j, &m) in max.iter().enumerate() {
        if m == 0 {
            continue;
        }
        if s[4] == DENSE {
            dense_set_max(&mut s[HDR..], j, m);
        } else {
            // Redis ignores the result here; the sources were already validated.
            let _ = sparse_set(&mut s, j, m, max_bytes);
        }
    }
    invalidate(&mut s);
    ctx.srv.dbs[ctx.db].set(key, Value::Raw(s), Ttl::Keep);
    ctx.changed(class::STRING, "pfadd", key);
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}

/// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: GETREG and TODENSE turn a sparse HLL dense
/// (and store it so), as Redis does.
fn cmd_pfdebug(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let key = &argv[2];
    let Some(mut s) = load(ctx, key, false)? else {
        return Err(Error::Msg("ERR The specified key does not exist"));
    };
    let sub = argv[1].to_ascii_lowercase();
    match sub.as_slice() {
        b"getreg" => {
            if s[4] == SPARSE {
                sparse_to_dense(&mut s)?;
                ctx.dirty(1);
            }
            ctx.out.array(REGISTERS);
            for i in 0..REGISTERS {
                ctx.out.int(dense_get(&s[HDR..], i) as i64);
            }
        }
        b"decode" => {
            if s[4] != SPARSE {
                return Err(Error::Msg("ERR HLL encoding is not sparse"));
            }
            let mut parts = Vec::new();
            let mut p = HDR;
            while p < s.len() {
                let b = s[p];
                if is_zero(b) {
                    parts.push(format!("z:{}", zero_len(b)));
                    p += 1;
                } else if is_xzero(b) {
                    parts.push(format!(
                        "Z:{}",
                        xzero_len(b, s.get(p + 1).copied().unwrap_or(0))
                    ));
                    p += 2;
                } else {
                    parts.push(format!("v:{},{}", val_value(b), val_len(b)));
                    p += 1;
                }
            }
            ctx.out.bulk(parts.join(" ").as_bytes());
        }
        b"encoding" => ctx
            .out
            .simple(if s[4] == DENSE { b"dense" } else { b"sparse" }),
        b"todense" => {
            let conv = s[4] == SPARSE;
            if conv {
                sparse_to_dense(&mut s)?;
                ctx.dirty(1);
            }
            ctx.out.int(conv as i64);
        }
        _ => {
            // Redis prints the name with %s: the bytes as sent, up to a NUL.
            let name = argv[1].split(|&c| c == 0).next().unwrap_or(&[]);
            return Err(Error::concat(&[
                b"ERR Unknown PFDEBUG subcommand '",
                name,
                b"'",
            ]));
        }
    }
    // Redis unshares the value (raw encoding) whatever the subcommand.
    ctx.srv.dbs[ctx.db].set(key, Value::Raw(s), Ttl::Keep);
    Ok(())
}

/// Redis's `HLL_TEST_CYCLES`.
const TEST_CYCLES: usize = 1000;

/// PFSELFTEST: Redis's `pfselftestCommand` checks on this implementation: (1) random values
/// written to every dense register read back unchanged, 1000 times; (2) the same 10 million
/// distinct elements added to a dense HLL and to a sparse one (promoted to dense on the way)
/// give the same count at every power of ten, within six standard errors of the truth, with
/// the sparse encoding kept for small cardinalities.
fn cmd_pfselftest(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    selftest(ctx.srv.config.hll_sparse_max_bytes)?;
    ctx.out.ok();
    Ok(())
}

fn selftest(max_bytes: usize) -> Result<(), Error> {
    let mut dense = vec![0u8; DENSE_SIZE];
    dense[..4].copy_from_slice(b"HYLL");
    dense[4] = DENSE;
    let mut bytecounters = [0u8; REGISTERS];
    for _ in 0..TEST_CYCLES {
        for (i, b) in bytecounters.iter_mut().enumerate() {
            let r = crate::rand::next_u64() as u8 & REGISTER_MAX;
            *b = r;
            dense_set(&mut dense[HDR..], i, r);
        }
        for (i, &b) in bytecounters.iter().enumerate() {
            let val = dense_get(&dense[HDR..], i);
            if val != b {
                return Err(Error::Text(format!(
                    "ERR TESTFAILED Register {i} should be {b} but is {val}"
                )));
            }
        }
    }
    dense[HDR..].fill(0);
    let mut o = new_hll();
    let relerr = 1.04 / (REGISTERS as f64).sqrt();
    let mut checkpoint: u64 = 1;
    let seed = crate::rand::next_u64();
    for j in 1..=10_000_000u64 {
        // Redis hashes the element's 8 bytes in memory order.
        let (index, cnt) = pat_len(&(j ^ seed).to_ne_bytes());
        dense_set_max(&mut dense[HDR..], index, cnt);
        add_at(&mut o, index, cnt, max_bytes)?;
        if j != checkpoint {
            continue;
        }
        if (j as usize) < max_bytes / 2 && o[4] != SPARSE {
            return Err(Error::Msg("ERR TESTFAILED sparse encoding not used"));
        }
        let card = count(&dense)?;
        if card != count(&o)? {
            return Err(Error::Msg("ERR TESTFAILED dense/sparse disagree"));
        }
        let abserr = checkpoint.abs_diff(card);
        // Cardinality 10 is allowed an error of 1 only, as in Redis.
        let maxerr = if j == 10 {
            1
        } else {
            (relerr * 6.0 * checkpoint as f64).ceil() as u64
        };
        if abserr > maxerr {
            return Err(Error::Text(format!(
                "ERR TESTFAILED Too big error. card:{checkpoint} abserr:{abserr}"
            )));
        }
        checkpoint *= 10;
    }
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command::new(
        "pfadd",
        -2,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_pfadd,
    ),
    Command::new("pfcount", -2, READONLY, keys(1, -1, 1), cmd_pfcount),
    Command::new("pfmerge", -2, WRITE | DENYOOM, keys(1, -1, 1), cmd_pfmerge),
    Command::new(
        "pfdebug",
        3,
        WRITE | DENYOOM | ADMIN,
        keys(2, 2, 1),
        cmd_pfdebug,
    ),
    Command::new("pfselftest", 1, ADMIN, NO_KEYS, cmd_pfselftest),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_counts_zero() {
        let s = new_hll();
        assert_eq!(s.len(), HDR + 2);
        assert_eq!(count(&s).unwrap(), 0);
    }

    #[test]
    fn dense_register_roundtrip() {
        let mut r = vec![0u8; DENSE_SIZE - HDR];
        for i in 0..REGISTERS {
            dense_set(&mut r, i, (i % 64) as u8);
        }
        for i in 0..REGISTERS {
            assert_eq!(dense_get(&r, i), (i % 64) as u8);
        }
    }
}
