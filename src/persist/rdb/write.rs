//! The RDB writer: values serialized exactly as Redis 7.0's `rdbSaveObject` does, keys with
//! `rdbSaveKeyValuePair`'s opcodes, the file framing of `rdbSaveRio`, and the DUMP payload of
//! `createDumpPayload`. Output goes through `Out`: a `Vec` for payloads, or `Stream`, a small
//! buffer in front of the caller's writer that also keeps the running CRC64.

use std::io;

use super::{RDB_VERSION, WriteOptions, crc64, intset, kind, listpack, lzf};
use crate::keyspace::{Db, Value, ValueRef, clock, db};
use crate::protocol::parse_i64;
use crate::types::set::Member;
use crate::types::{Hash, List, Set, ZSet};

/// Where serialized bytes go.
pub(super) trait Out {
    fn put(&mut self, b: &[u8]) -> io::Result<()>;
}

impl Out for Vec<u8> {
    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        self.extend_from_slice(b);
        Ok(())
    }
}

const STREAM_BUF: usize = 64 * 1024;

/// A buffered writer that keeps the CRC64 of everything written.
struct Stream<'a> {
    out: &'a mut dyn io::Write,
    buf: Vec<u8>,
    crc: u64,
}

impl Stream<'_> {
    fn flush_buf(&mut self) -> io::Result<()> {
        self.crc = crc64(self.crc, &self.buf);
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

impl Out for Stream<'_> {
    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        if self.buf.len() + b.len() > STREAM_BUF {
            self.flush_buf()?;
            if b.len() >= STREAM_BUF {
                self.crc = crc64(self.crc, b);
                return self.out.write_all(b);
            }
        }
        self.buf.extend_from_slice(b);
        Ok(())
    }
}

/// `rdbSaveLen`.
pub(super) fn save_len(o: &mut impl Out, n: u64) -> io::Result<()> {
    if n < 1 << 6 {
        o.put(&[n as u8])
    } else if n < 1 << 14 {
        o.put(&[((n >> 8) as u8) | 0x40, n as u8])
    } else if n <= u32::MAX as u64 {
        let mut b = [0x80u8, 0, 0, 0, 0];
        b[1..].copy_from_slice(&(n as u32).to_be_bytes());
        o.put(&b)
    } else {
        let mut b = [0x81u8, 0, 0, 0, 0, 0, 0, 0, 0];
        b[1..].copy_from_slice(&n.to_be_bytes());
        o.put(&b)
    }
}

/// `rdbEncodeInteger`: the 8/16/32-bit string encodings.
fn encode_int(v: i64, buf: &mut [u8; 5]) -> usize {
    if (-(1 << 7)..(1 << 7)).contains(&v) {
        buf[0] = 0xc0;
        buf[1] = v as u8;
        2
    } else if (-(1 << 15)..(1 << 15)).contains(&v) {
        buf[0] = 0xc1;
        buf[1..3].copy_from_slice(&(v as i16).to_le_bytes());
        3
    } else if (-(1i64 << 31)..(1i64 << 31)).contains(&v) {
        buf[0] = 0xc2;
        buf[1..5].copy_from_slice(&(v as i32).to_le_bytes());
        5
    } else {
        0
    }
}

/// `rdbSaveRawString`: integer encoding when the string is a small canonical integer, LZF
/// when compression is on, the string is over 20 bytes and it saves at least 4, else verbatim.
pub(super) fn save_string(o: &mut impl Out, s: &[u8], compress: bool) -> io::Result<()> {
    if s.len() <= 11
        && let Some(v) = parse_i64(s)
    {
        let mut buf = [0u8; 5];
        let n = encode_int(v, &mut buf);
        if n > 0 {
            return o.put(&buf[..n]);
        }
    }
    if compress
        && s.len() > 20
        && let Some(c) = lzf::compress(s, s.len() - 4)
    {
        o.put(&[0xc3])?;
        save_len(o, c.len() as u64)?;
        save_len(o, s.len() as u64)?;
        return o.put(&c);
    }
    save_len(o, s.len() as u64)?;
    o.put(s)
}

/// `rdbSaveLongLongAsStringObject` (an int-encoded string value).
fn save_int_string(o: &mut impl Out, v: i64) -> io::Result<()> {
    let mut buf = [0u8; 5];
    let n = encode_int(v, &mut buf);
    if n > 0 {
        return o.put(&buf[..n]);
    }
    let mut b = itoa::Buffer::new();
    let s = b.format(v).as_bytes();
    save_len(o, s.len() as u64)?;
    o.put(s)
}

/// The type byte `rdbSaveObjectType` writes.
pub(super) fn type_of(v: &Value) -> u8 {
    match v {
        Value::Int(_) | Value::Str(_) | Value::Raw(_) | Value::Shared(_) => kind::STRING,
        Value::List(_) => kind::LIST_QUICKLIST_2,
        Value::Set(s) if s.is_intset() => kind::SET_INTSET,
        Value::Set(_) => kind::SET,
        Value::ZSet(z) if z.is_listpack() => kind::ZSET_LISTPACK,
        Value::ZSet(_) => kind::ZSET_2,
        Value::Hash(h) if matches!(**h, Hash::Listpack(_)) => kind::HASH_LISTPACK,
        Value::Hash(_) => kind::HASH,
        Value::Stream(_) => kind::STREAM_LISTPACKS_2,
    }
}

/// `rdbSaveObject`.
pub(super) fn save_value(o: &mut impl Out, v: &Value, opts: &WriteOptions) -> io::Result<()> {
    let comp = opts.compression;
    match v {
        Value::Int(n) => save_int_string(o, *n),
        Value::Str(s) | Value::Raw(s) => save_string(o, s, comp),
        Value::Shared(s) => save_string(o, s, comp),
        Value::List(l) => save_list(o, l, opts),
        Value::Set(s) => save_set(o, s, comp),
        Value::ZSet(z) => save_zset(o, z, comp),
        Value::Hash(h) => save_hash(o, h, comp),
        Value::Stream(st) => save_stream(o, st, comp),
    }
}

/// A stream as `RDB_TYPE_STREAM_LISTPACKS_2` (Redis 7.0): the nodes as they are (16-byte
/// master id, listpack), the metadata, then each group with its PEL and consumers.
fn save_stream(o: &mut impl Out, s: &crate::types::Stream, comp: bool) -> io::Result<()> {
    save_len(o, s.node_count() as u64)?;
    for (id, lp) in s.nodes() {
        save_string(o, &id.encode(), comp)?;
        save_string(o, lp, comp)?;
    }
    save_len(o, s.length)?;
    for id in [s.last_id, s.first_id, s.max_deleted_id] {
        save_len(o, id.ms)?;
        save_len(o, id.seq)?;
    }
    save_len(o, s.entries_added)?;
    save_len(o, s.groups.len() as u64)?;
    for (name, g) in &s.groups {
        save_string(o, name, comp)?;
        save_len(o, g.last_id.ms)?;
        save_len(o, g.last_id.seq)?;
        save_len(o, g.entries_read as u64)?;
        save_len(o, g.pel.len() as u64)?;
        for (id, n) in &g.pel {
            o.put(&id.encode())?;
            o.put(&n.delivery_time.to_le_bytes())?;
            save_len(o, n.delivery_count)?;
        }
        save_len(o, g.consumers.len() as u64)?;
        for (cname, c) in &g.consumers {
            save_string(o, cname, comp)?;
            o.put(&c.seen_time.to_le_bytes())?;
            save_len(o, c.pel.len() as u64)?;
            for id in &c.pel {
                o.put(&id.encode())?;
            }
        }
    }
    Ok(())
}

/// Redis's quicklist `packed_threshold`: elements this big get a node of their own (PLAIN).
const PACKED_THRESHOLD: usize = 1 << 30;
const SIZE_SAFETY_LIMIT: usize = 8192;
const SIZE_ESTIMATE_OVERHEAD: usize = 8;
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// A quicklist node is only compressed from this size, and when it saves this much.
const MIN_COMPRESS_BYTES: usize = 48;
const MIN_COMPRESS_IMPROVE: usize = 8;

/// `_quicklistNodeAllowInsert` for a node of `sz` bytes and `count` entries.
fn node_allows(sz: usize, count: usize, fill: i64, elem: usize) -> bool {
    if elem >= PACKED_THRESHOLD {
        return false;
    }
    let new_sz = sz + elem + SIZE_ESTIMATE_OVERHEAD;
    if fill < 0 {
        let offset = (-fill - 1) as usize;
        if offset < OPTIMIZATION_LEVEL.len() && new_sz <= OPTIMIZATION_LEVEL[offset] {
            return true;
        }
    }
    if new_sz > SIZE_SAFETY_LIMIT {
        return false;
    }
    (count as i64) < fill
}

/// A list as the quicklist `RPUSH` would have built: the nodes are cut where
/// `quicklistPushTail` would start a new one for `list-max-listpack-size`.
fn save_list(o: &mut impl Out, l: &List, opts: &WriteOptions) -> io::Result<()> {
    let fill = opts.list_max_listpack_size.clamp(-5, (1 << 15) - 1);
    // First pass: the entries of each node (0 = a PLAIN node of one element).
    let mut nodes: Vec<usize> = Vec::new();
    let mut cur: Option<(usize, usize)> = None; // (listpack bytes, entries) of the tail node
    for e in l.iter() {
        match cur {
            Some((sz, count)) if node_allows(sz, count, fill, e.len()) => {
                cur = Some((sz + listpack::entry_size(e), count + 1));
            }
            _ => {
                if let Some((_, count)) = cur.take() {
                    nodes.push(count);
                }
                if e.len() >= PACKED_THRESHOLD {
                    nodes.push(0);
                } else {
                    cur = Some((7 + listpack::entry_size(e), 1));
                }
            }
        }
    }
    if let Some((_, count)) = cur {
        nodes.push(count);
    }
    save_len(o, nodes.len() as u64)?;
    // `list-compress-depth`: the nodes past `depth` from either end are LZF-compressed by
    // the quicklist itself (when that saves 8 bytes or more), and saved as such whatever
    // `rdbcompression` says; a list of 2 * depth nodes or fewer has none.
    let depth = opts.list_compress_depth;
    let n = nodes.len();
    let compressed = |i: usize| depth > 0 && n > 2 * depth && i >= depth && i < n - depth;
    let mut it = l.iter();
    for (i, count) in nodes.into_iter().enumerate() {
        if count == 0 {
            save_len(o, kind::CONTAINER_PLAIN)?;
            let e = it.next().unwrap_or_default();
            save_string(o, e, opts.compression)?;
            continue;
        }
        save_len(o, kind::CONTAINER_PACKED)?;
        let mut w = listpack::Writer::new();
        for e in it.by_ref().take(count) {
            w.append(e);
        }
        let lp = w.finish();
        if compressed(i)
            && lp.len() >= MIN_COMPRESS_BYTES
            && let Some(c) = lzf::compress(&lp, lp.len())
            && c.len() + MIN_COMPRESS_IMPROVE < lp.len()
        {
            o.put(&[0xc3])?;
            save_len(o, c.len() as u64)?;
            save_len(o, lp.len() as u64)?;
            o.put(&c)?;
            continue;
        }
        save_string(o, &lp, opts.compression)?;
    }
    Ok(())
}

fn save_set(o: &mut impl Out, s: &Set, comp: bool) -> io::Result<()> {
    if let Some((width, count, data)) = s.intset_parts() {
        return save_string(o, &intset::build(width, count, data), comp);
    }
    save_len(o, s.len() as u64)?;
    let mut buf = itoa::Buffer::new();
    for m in s.iter() {
        match m {
            Member::Str(b) => save_string(o, b, comp)?,
            Member::Int(n) => save_string(o, buf.format(n).as_bytes(), comp)?,
        }
    }
    Ok(())
}

fn save_hash(o: &mut impl Out, h: &Hash, comp: bool) -> io::Result<()> {
    if let Hash::Listpack(_) = h {
        let mut w = listpack::Writer::new();
        for (f, v) in h.iter() {
            w.append(f);
            w.append(v);
        }
        return save_string(o, &w.finish(), comp);
    }
    save_len(o, h.len() as u64)?;
    for (f, v) in h.iter() {
        save_string(o, f, comp)?;
        save_string(o, v, comp)?;
    }
    Ok(())
}

/// Redis's `double2ll`: the integer a score is, when it is one in the safe range.
pub(super) fn double_as_int(d: f64) -> Option<i64> {
    let lim = (i64::MAX / 2) as f64;
    if !(-lim..=lim).contains(&d) {
        return None;
    }
    let ll = d as i64;
    (ll as f64 == d).then_some(ll)
}

/// Redis's `d2string` for a value that is not a safe integer: "%.17g" (or inf/-inf/nan).
pub(super) fn d2string(v: f64) -> String {
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v < 0.0 { "-inf" } else { "inf" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    if let Some(n) = double_as_int(v) {
        return n.to_string();
    }
    fn strip(s: &str) -> &str {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.')
        } else {
            s
        }
    }
    let e = format!("{v:.16e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..17).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", strip(mant), exp.unsigned_abs())
    } else {
        let s = format!("{:.*}", (16 - exp) as usize, v);
        strip(&s).to_string()
    }
}

fn save_zset(o: &mut impl Out, z: &ZSet, comp: bool) -> io::Result<()> {
    if z.is_listpack() {
        let mut w = listpack::Writer::new();
        for (m, s) in z.iter() {
            w.append(m);
            match double_as_int(s) {
                Some(n) => w.append_int(n),
                None => w.append(d2string(s).as_bytes()),
            }
        }
        return save_string(o, &w.finish(), comp);
    }
    // From the greatest to the smallest, as rdb.c walks the skiplist from its tail.
    save_len(o, z.len() as u64)?;
    let mut res = Ok(());
    if !z.is_empty() {
        z.visit(z.len() - 1, z.len(), true, &mut |m, s| {
            if res.is_ok() {
                res = save_string(o, m, comp).and_then(|_| o.put(&s.to_le_bytes()));
            }
        });
    }
    res
}

/// `createDumpPayload`.
pub(super) fn dump_payload(v: &Value, opts: &WriteOptions, p: &mut Vec<u8>) {
    p.push(type_of(v));
    // Writing to a Vec cannot fail.
    let _ = save_value(p, v, opts);
    p.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(0, p);
    p.extend_from_slice(&crc.to_le_bytes());
}

/// `rdbSaveRio`: the whole image.
pub(super) fn write(
    dbs: &[Db],
    opts: &WriteOptions,
    out: &mut dyn io::Write,
    progress: &mut dyn FnMut(u64),
) -> io::Result<()> {
    let mut keys_done = 0u64;
    let mut o = Stream {
        out,
        buf: Vec::with_capacity(STREAM_BUF),
        crc: 0,
    };
    o.put(format!("REDIS{RDB_VERSION:04}").as_bytes())?;
    for (k, v) in &opts.aux {
        o.put(&[kind::OPCODE_AUX])?;
        save_string(&mut o, k.as_bytes(), opts.compression)?;
        save_string(&mut o, v.as_bytes(), opts.compression)?;
    }
    for code in &opts.functions {
        o.put(&[kind::OPCODE_FUNCTION2])?;
        save_string(&mut o, code, opts.compression)?;
    }
    let lfu = db::lfu();
    // Database numbers are positions in `dbs`, as Redis's `server.db[j]`.
    for (dbid, d) in dbs.iter().enumerate() {
        if d.is_empty() {
            continue;
        }
        o.put(&[kind::OPCODE_SELECTDB])?;
        save_len(&mut o, dbid as u64)?;
        o.put(&[kind::OPCODE_RESIZEDB])?;
        save_len(&mut o, d.len() as u64)?;
        save_len(&mut o, d.expires_len() as u64)?;
        for (key, e) in d.iter() {
            if e.expire != 0 {
                o.put(&[kind::OPCODE_EXPIRETIME_MS])?;
                o.put(&e.expire.to_le_bytes())?;
            }
            if opts.save_lru && lfu.is_none() {
                o.put(&[kind::OPCODE_IDLE])?;
                save_len(&mut o, clock::idle_secs(e.lru))?;
            }
            if let Some((_, decay)) = lfu {
                o.put(&[kind::OPCODE_FREQ, db::lfu_counter(e.lru, decay) as u8])?;
            }
            // Inline strings and ints are written straight from the node (no `Value` built).
            match e.value {
                ValueRef::Int(n) => {
                    o.put(&[kind::STRING])?;
                    save_string(&mut o, key, opts.compression)?;
                    save_int_string(&mut o, n)?;
                }
                ValueRef::Str(s) => {
                    o.put(&[kind::STRING])?;
                    save_string(&mut o, key, opts.compression)?;
                    save_string(&mut o, s, opts.compression)?;
                }
                ValueRef::Obj(v) => {
                    o.put(&[type_of(v)])?;
                    save_string(&mut o, key, opts.compression)?;
                    save_value(&mut o, v, opts)?;
                }
            }
            if opts.key_save_delay != 0 {
                debug_delay(opts.key_save_delay);
            }
            keys_done += 1;
            if keys_done.is_multiple_of(super::PROGRESS_EVERY) {
                progress(keys_done);
            }
        }
    }
    progress(keys_done);
    o.put(&[kind::OPCODE_EOF])?;
    o.flush_buf()?;
    let crc = if opts.checksum { o.crc } else { 0 };
    o.out.write_all(&crc.to_le_bytes())?;
    o.out.flush()
}

/// Redis's `debugDelay`: sleep `usec` microseconds; a negative -N sleeps 1 microsecond with
/// probability 1/N (short sleeps made cheap statistically).
fn debug_delay(usec: i64) {
    let usec = if usec < 0 {
        u64::from(crate::rand::next_u64().is_multiple_of(usec.unsigned_abs()))
    } else {
        usec as u64
    };
    if usec > 0 {
        std::thread::sleep(std::time::Duration::from_micros(usec));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d2string_is_percent_17g() {
        for (v, s) in [
            (1.5, "1.5"),
            (0.1, "0.10000000000000001"),
            (-2.25, "-2.25"),
            (1e20, "1e+20"),
            (1.5e-7, "1.4999999999999999e-07"),
            (123456.789, "123456.789"),
            (3.0e18, "3000000000000000000"),
            (5.0e18, "5e+18"),
            (0.0001, "0.0001"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(d2string(v), s, "{v}");
        }
    }

    #[test]
    fn quicklist_cut_matches_redis_rules() {
        // 8 KB nodes (-2): small elements fill a node up to ~8 KB of listpack.
        assert!(node_allows(7, 1, -2, 10));
        assert!(!node_allows(8180, 900, -2, 10));
        // Count limits keep the 8 KB safety limit.
        assert!(node_allows(7, 2, 3, 10));
        assert!(!node_allows(7, 3, 3, 10));
        assert!(!node_allows(8000, 1, 100, 500));
    }
}
