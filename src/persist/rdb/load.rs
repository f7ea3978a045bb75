//! The RDB loader (`rdbLoadRioWithLoadingCtx` and `rdbLoadObject`): every type and encoding
//! Redis 1.x to 7.2 writes, converted to this server's encodings as Redis 7.0 converts them at
//! load. Hostile input is expected: every length is checked against the remaining input before
//! anything is allocated or copied, every blob is validated in full before it is used, and
//! every failure is an `RdbError` naming what, where (byte offset) and the key when known.
//!
//! The value dispatch (`load_object`) is one `match` on the type byte; streams go through
//! `load_stream`, the place where a stream decoder plugs in.

use std::borrow::Cow;

use super::{
    Ent, LoadOptions, LoadSummary, RdbError, crc64, intset, kind, listpack, lzf, ziplist, zipmap,
};
use crate::keyspace::{Db, Entry, Value, clock, db};
use crate::types::{Hash, List, Set, ZSet, hash, zset};

type Res<T> = Result<T, RdbError>;

/// A cursor over the input.
struct Rd<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Rd<'a> {
    fn err(&self, msg: impl Into<String>) -> RdbError {
        RdbError {
            offset: self.pos,
            message: msg.into(),
        }
    }

    fn remaining(&self) -> usize {
        self.b.len() - self.pos
    }

    fn take(&mut self, n: usize, what: &str) -> Res<&'a [u8]> {
        if n > self.remaining() {
            return Err(self.err(format!(
                "unexpected end of input reading {what} ({n} bytes needed, {} left)",
                self.remaining()
            )));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u8(&mut self, what: &str) -> Res<u8> {
        Ok(self.take(1, what)?[0])
    }

    /// `rdbLoadLenByRef`: (value, is-encoded).
    fn len_enc(&mut self, what: &str) -> Res<(u64, bool)> {
        let at = self.pos;
        let b = self.u8(what)?;
        Ok(match b >> 6 {
            3 => ((b & 0x3f) as u64, true),
            0 => ((b & 0x3f) as u64, false),
            1 => (((b & 0x3f) as u64) << 8 | self.u8(what)? as u64, false),
            _ if b == 0x80 => {
                let d = self.take(4, what)?;
                (u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as u64, false)
            }
            _ if b == 0x81 => {
                let d = self.take(8, what)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(d);
                (u64::from_be_bytes(a), false)
            }
            _ => {
                return Err(RdbError {
                    offset: at,
                    message: format!("unknown length encoding 0x{b:02x} reading {what}"),
                });
            }
        })
    }

    /// A plain length (not a string encoding).
    fn len(&mut self, what: &str) -> Res<u64> {
        let at = self.pos;
        match self.len_enc(what)? {
            (n, false) => Ok(n),
            (_, true) => Err(RdbError {
                offset: at,
                message: format!("unexpected string encoding reading {what}"),
            }),
        }
    }

    /// A count of items that each take at least `min_bytes` of input: bounded by the input.
    fn count(&mut self, what: &str, min_bytes: usize) -> Res<usize> {
        let at = self.pos;
        let n = self.len(what)?;
        if n > (self.remaining() / min_bytes.max(1)) as u64 {
            return Err(RdbError {
                offset: at,
                message: format!(
                    "{what} of {n} cannot fit in the {} bytes left",
                    self.remaining()
                ),
            });
        }
        Ok(n as usize)
    }

    /// `rdbGenericLoadStringObject`: raw, integer or LZF-compressed.
    fn string(&mut self, what: &str) -> Res<Cow<'a, [u8]>> {
        let at = self.pos;
        let (n, encoded) = self.len_enc(what)?;
        if !encoded {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            return Ok(Cow::Borrowed(self.take(n, what)?));
        }
        let v = match n {
            0 => self.u8(what)? as i8 as i64,
            1 => {
                let d = self.take(2, what)?;
                i16::from_le_bytes([d[0], d[1]]) as i64
            }
            2 => {
                let d = self.take(4, what)?;
                i32::from_le_bytes([d[0], d[1], d[2], d[3]]) as i64
            }
            3 => {
                let clen = self.len(what)?;
                let ulen = self.len(what)?;
                if clen > self.remaining() as u64 {
                    return Err(self.err(format!(
                        "unexpected end of input reading {what} (LZF data of {clen} bytes, {} left)",
                        self.remaining()
                    )));
                }
                if ulen > lzf::max_expansion(clen as usize) as u64 {
                    return Err(RdbError {
                        offset: at,
                        message: format!(
                            "invalid LZF compressed string reading {what}: {clen} bytes cannot expand to {ulen}"
                        ),
                    });
                }
                let data = self.take(clen as usize, what)?;
                return lzf::decompress(data, ulen as usize)
                    .map(Cow::Owned)
                    .ok_or_else(|| RdbError {
                        offset: at,
                        message: format!("invalid LZF compressed string reading {what}"),
                    });
            }
            e => {
                return Err(RdbError {
                    offset: at,
                    message: format!("unknown RDB string encoding type {e} reading {what}"),
                });
            }
        };
        Ok(Cow::Owned(
            itoa::Buffer::new().format(v).as_bytes().to_vec(),
        ))
    }

    /// `rdbLoadDoubleValue`: the string form of RDB_TYPE_ZSET.
    fn string_double(&mut self) -> Res<f64> {
        let at = self.pos;
        let n = self.u8("score")?;
        match n {
            255 => Ok(f64::NEG_INFINITY),
            254 => Ok(f64::INFINITY),
            253 => Ok(f64::NAN),
            n => {
                let s = self.take(n as usize, "score")?;
                parse_double(s).ok_or_else(|| RdbError {
                    offset: at,
                    message: "invalid double reading score".into(),
                })
            }
        }
    }

    fn binary_double(&mut self) -> Res<f64> {
        let d = self.take(8, "score")?;
        let mut a = [0u8; 8];
        a.copy_from_slice(d);
        Ok(f64::from_le_bytes(a))
    }
}

/// strtod over a score as Redis writes them (`%.17g`, inf, -inf, integers).
fn parse_double(s: &[u8]) -> Option<f64> {
    std::str::from_utf8(s).ok()?.trim().parse::<f64>().ok()
}

/// Redis's `moduleTypeNameByID`: the nine-character module type name in a module id.
fn module_name(id: u64) -> String {
    const CSET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut id = id >> 10;
    let mut name = [b'?'; 9];
    for j in (0..9).rev() {
        name[j] = CSET[(id & 63) as usize];
        id >>= 6;
    }
    String::from_utf8_lossy(&name).into_owned()
}

fn show(key: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(key)
}

/// Loads a whole image.
pub(super) fn load(input: &[u8], dbs: &mut [Db], opts: &LoadOptions) -> Res<LoadSummary> {
    let mut rd = Rd { b: input, pos: 0 };
    let magic = rd.take(9, "the signature").map_err(|mut e| {
        e.message = "not an RDB file: shorter than its signature".into();
        e
    })?;
    if &magic[..5] != b"REDIS" {
        return Err(RdbError {
            offset: 0,
            message: "wrong signature trying to load DB from file".into(),
        });
    }
    let ver = std::str::from_utf8(&magic[5..])
        .ok()
        .filter(|s| s.bytes().all(|c| c.is_ascii_digit()))
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(0);
    if !(1..=11).contains(&ver) {
        return Err(RdbError {
            offset: 5,
            message: format!(
                "can't handle RDB format version {}",
                String::from_utf8_lossy(&magic[5..])
            ),
        });
    }
    let mut sum = LoadSummary {
        version: ver,
        ..LoadSummary::default()
    };
    if dbs.is_empty() {
        return Err(rd.err("no database to load into"));
    }
    // Keys go through a short queue so the cache misses of their bucket lookups overlap
    // (see `Pipe`). Whatever stops the records, the keys before it are inserted first, so a
    // duplicate earlier in the file is reported before a later error, as a key-by-key load.
    let mut pipe = Pipe::default();
    let records = load_records(&mut rd, dbs, opts, &mut sum, &mut pipe);
    pipe.flush(dbs, opts, &mut sum)?;
    records?;
    let body_end = rd.pos;
    if ver >= 5 {
        let at = rd.pos;
        let d = rd.take(8, "the checksum")?;
        let mut a = [0u8; 8];
        a.copy_from_slice(d);
        let stored = u64::from_le_bytes(a);
        if stored != 0 && !opts.skip_checksum {
            let expected = crc64(0, &input[..body_end]);
            if stored != expected {
                return Err(RdbError {
                    offset: at,
                    message: format!(
                        "wrong RDB checksum expected: ({expected:x}) but got ({stored:x})"
                    ),
                });
            }
        }
    }
    sum.consumed = rd.pos;
    Ok(sum)
}

/// The records between the header and EOF (`rdbLoadRioWithLoadingCtx`'s loop).
fn load_records<'a>(
    rd: &mut Rd<'a>,
    dbs: &mut [Db],
    opts: &LoadOptions,
    sum: &mut LoadSummary,
    pipe: &mut Pipe<'a>,
) -> Res<()> {
    let mut dbi = 0usize;
    let mut expire: Option<i64> = None;
    let mut lfu_freq: Option<u8> = None;
    let mut lru_idle: Option<u64> = None;
    let lru_clock = clock::lru_clock();
    loop {
        let op_at = rd.pos;
        let t = rd.u8("the next opcode (the file ends without EOF)")?;
        match t {
            kind::OPCODE_EXPIRETIME => {
                let d = rd.take(4, "an expire time")?;
                expire = Some(i32::from_le_bytes([d[0], d[1], d[2], d[3]]) as i64 * 1000);
                continue;
            }
            kind::OPCODE_EXPIRETIME_MS => {
                let d = rd.take(8, "an expire time")?;
                let mut a = [0u8; 8];
                a.copy_from_slice(d);
                expire = Some(i64::from_le_bytes(a));
                continue;
            }
            kind::OPCODE_FREQ => {
                lfu_freq = Some(rd.u8("an LFU frequency")?);
                continue;
            }
            kind::OPCODE_IDLE => {
                lru_idle = Some(rd.len("an LRU idle time")?);
                continue;
            }
            kind::OPCODE_EOF => return Ok(()),
            kind::OPCODE_SELECTDB => {
                let id = rd.len("a database number")?;
                if id >= dbs.len() as u64 {
                    return Err(RdbError {
                        offset: op_at,
                        message: format!(
                            "data file was created with a Redis server configured to handle more than {} databases (SELECTDB {id})",
                            dbs.len()
                        ),
                    });
                }
                dbi = id as usize;
                continue;
            }
            kind::OPCODE_RESIZEDB => {
                let keys = rd.len("a RESIZEDB size")?;
                let expires = rd.len("a RESIZEDB size")?;
                // Size the tables up front as Redis's dictExpand does, but only as far as the
                // rest of the file can hold: a key record takes at least 3 bytes (type, empty
                // name, empty value), an expiring one 9 more. A hostile size allocates nothing.
                let left = rd.remaining() as u64;
                let keys = keys.min(left / 3);
                let expires = expires.min(keys).min(left / 12);
                pipe.flush(dbs, opts, sum)?;
                dbs[dbi].reserve(keys as usize, expires as usize);
                continue;
            }
            kind::OPCODE_AUX => {
                let k = rd.string("an aux field name")?.into_owned();
                let v = rd.string("an aux field value")?.into_owned();
                sum.aux.push((k, v));
                continue;
            }
            kind::OPCODE_MODULE_AUX => {
                let id = rd.len("a module id")?;
                return Err(RdbError {
                    offset: op_at,
                    message: format!(
                        "the RDB file contains AUX module data I can't load: no matching module '{}'",
                        module_name(id)
                    ),
                });
            }
            kind::OPCODE_FUNCTION2 => {
                let code = rd.string("a function library")?.into_owned();
                if !opts.keep_functions {
                    let first = code.split(|&c| c == b'\n').next().unwrap_or_default();
                    return Err(RdbError {
                        offset: op_at,
                        message: format!(
                            "the RDB file contains a function library (FUNCTION2 '{}'), and functions are not supported",
                            String::from_utf8_lossy(first)
                        ),
                    });
                }
                sum.functions.push(code);
                continue;
            }
            kind::OPCODE_FUNCTION => {
                return Err(RdbError {
                    offset: op_at,
                    message: "pre-GA function format not supported".into(),
                });
            }
            _ => {}
        }
        let key_at = rd.pos;
        let key = rd.string("a key")?;
        let val = load_object(rd, t, opts).map_err(|mut e| {
            e.message = format!("{}: key '{}'", e.message, show(&key));
            e
        })?;
        let (exp, freq, idle) = (expire.take(), lfu_freq.take(), lru_idle.take());
        let Some(val) = val else {
            sum.empty_keys_skipped += 1;
            continue;
        };
        if opts.skip_expired && exp.is_some_and(|e| e < opts.now_ms) {
            sum.keys_expired += 1;
            continue;
        }
        // 0 means "no expiry" in an entry: a stored 0 (1970) is kept as already past.
        let expire = match exp {
            Some(0) => -1,
            Some(e) => e,
            None => 0,
        };
        let entry = Entry {
            value: val,
            expire,
            lru: lru_for(freq, idle, lru_clock),
        };
        pipe.push(dbs, dbi, key, key_at, entry, opts, sum)?;
    }
}

/// Keys parsed but not inserted yet, oldest first. Each key's bucket is prefetched when it
/// enters, the bucket's first node `AHEAD` keys later, and the key is inserted `DEPTH` keys
/// later: by then both lines are usually in the cache, where a key-by-key load would wait
/// for two memory round trips per key (most of its time for millions of small keys).
#[derive(Default)]
struct Pipe<'a> {
    q: std::collections::VecDeque<Pending<'a>>,
}

struct Pending<'a> {
    dbi: usize,
    hash: u64,
    key: Cow<'a, [u8]>,
    key_at: usize,
    entry: Entry,
}

impl<'a> Pipe<'a> {
    const DEPTH: usize = 16;
    const AHEAD: usize = 8;

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        dbs: &mut [Db],
        dbi: usize,
        key: Cow<'a, [u8]>,
        key_at: usize,
        entry: Entry,
        opts: &LoadOptions,
        sum: &mut LoadSummary,
    ) -> Res<()> {
        let d = &dbs[dbi];
        let hash = d.key_hash(&key);
        d.prefetch_bucket(hash);
        self.q.push_back(Pending {
            dbi,
            hash,
            key,
            key_at,
            entry,
        });
        if let Some(p) = self
            .q
            .len()
            .checked_sub(Self::AHEAD + 1)
            .map(|i| &self.q[i])
        {
            dbs[p.dbi].prefetch_chain(p.hash);
        }
        if self.q.len() >= Self::DEPTH
            && let Some(p) = self.q.pop_front()
        {
            insert(dbs, p, opts, sum)?;
        }
        Ok(())
    }

    /// Inserts every queued key, in order.
    fn flush(&mut self, dbs: &mut [Db], opts: &LoadOptions, sum: &mut LoadSummary) -> Res<()> {
        while let Some(p) = self.q.pop_front() {
            insert(dbs, p, opts, sum)?;
        }
        Ok(())
    }
}

/// One key into its database: a key already there is an error, or replaces the old one with
/// `allow_dup` (Redis's RDBFLAGS_ALLOW_DUP, DEBUG RELOAD MERGE).
fn insert(dbs: &mut [Db], p: Pending, opts: &LoadOptions, sum: &mut LoadSummary) -> Res<()> {
    let d = &mut dbs[p.dbi];
    if let Err(entry) = d.load_insert(p.hash, &p.key, p.entry) {
        if !opts.allow_dup {
            return Err(RdbError {
                offset: p.key_at,
                message: format!("RDB has duplicated key '{}' in DB {}", show(&p.key), p.dbi),
            });
        }
        d.put_entry(&p.key, entry);
    }
    sum.keys_loaded += 1;
    Ok(())
}

/// Redis's `objectSetLRUOrLFU` with a one-second LRU resolution: the LFU counter under an LFU
/// policy, else the idle time, else a fresh access time.
pub(crate) fn lru_for(freq: Option<u8>, idle: Option<u64>, lru_clock: u32) -> u32 {
    const LRU_MAX: i64 = (1 << 24) - 1;
    if db::lfu().is_some() {
        if let Some(f) = freq {
            let minutes = ((clock::now_ms() / 60_000) & 0xffff) as u32;
            return minutes << 8 | f as u32;
        }
    } else if let Some(idle) = idle {
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        let mut abs = lru_clock as i64 - idle;
        if abs < 0 {
            abs += LRU_MAX;
        }
        // The 24-bit field keeps the low bits, as Redis's bitfield does.
        return (abs as u64 & LRU_MAX as u64) as u32;
    }
    db::new_lru()
}

/// The libraries of a FUNCTION DUMP payload (footer already checked and removed), with
/// FUNCTION RESTORE's error texts.
pub(super) fn load_function_payload(p: &[u8]) -> Result<Vec<Vec<u8>>, &'static str> {
    let mut rd = Rd { b: p, pos: 0 };
    let mut out = Vec::new();
    while rd.pos < p.len() {
        let t = rd.u8("the type").map_err(|_| "can not read data type")?;
        if t != kind::OPCODE_FUNCTION2 {
            return Err("given type is not a function");
        }
        let code = rd
            .string("a function library")
            .map_err(|_| "failed loading the given functions payload")?;
        out.push(code.into_owned());
    }
    Ok(out)
}

/// The value of a DUMP payload (footer already checked and removed).
pub(super) fn load_payload(p: &[u8], opts: &LoadOptions) -> Res<Value> {
    let mut rd = Rd { b: p, pos: 0 };
    let t = rd.u8("the type")?;
    // rdbLoadObjectType: the object types Redis 7.0 knows.
    if !(t <= 7 || (9..=19).contains(&t)) {
        return Err(rd.err(format!("unknown object type {t}")));
    }
    match load_object(&mut rd, t, opts)? {
        Some(v) => Ok(v),
        None => Err(rd.err("empty collection")),
    }
}

/// `rdbLoadObject`: one value of type `t`. `Ok(None)` for an empty collection (skipped).
fn load_object(rd: &mut Rd, t: u8, o: &LoadOptions) -> Res<Option<Value>> {
    let hlim = hash::Limits {
        entries: o.hash_max_listpack_entries,
        value: o.hash_max_listpack_value,
    };
    let zlim = zset::Limits {
        entries: o.zset_max_listpack_entries,
        value: o.zset_max_listpack_value,
    };
    let fill = o.list_max_listpack_size;
    let v = match t {
        kind::STRING => Value::string(&rd.string("a string value")?),
        kind::LIST => {
            let n = rd.count("a list length", 1)?;
            let mut l = List::new();
            for _ in 0..n {
                l.push(&rd.string("a list element")?, false, fill);
            }
            Value::List(Box::new(l))
        }
        kind::SET => {
            let n = rd.count("a set size", 1)?;
            let mut s = Set::new();
            for _ in 0..n {
                let at = rd.pos;
                let m = rd.string("a set member")?;
                if !s.add(&m, o.set_max_intset_entries) {
                    return Err(RdbError {
                        offset: at,
                        message: "duplicate set members detected".into(),
                    });
                }
            }
            Value::Set(Box::new(s))
        }
        kind::ZSET | kind::ZSET_2 => {
            let n = rd.count("a sorted set size", if t == kind::ZSET_2 { 9 } else { 2 })?;
            let mut items: Vec<(Cow<[u8]>, f64, usize)> = Vec::new();
            let mut maxlen = 0;
            for _ in 0..n {
                let at = rd.pos;
                let m = rd.string("a sorted set member")?;
                let s = if t == kind::ZSET_2 {
                    rd.binary_double()?
                } else {
                    rd.string_double()?
                };
                if s.is_nan() {
                    return Err(rd.err("zset with NAN score detected"));
                }
                maxlen = maxlen.max(m.len());
                items.push((m, s, at));
            }
            zset_from(items, maxlen, zlim, false)?
        }
        kind::HASH => {
            let n = rd.count("a hash size", 2)?;
            let at = rd.pos;
            let mut pairs = Vec::new();
            for _ in 0..n {
                let f = rd.string("a hash field")?;
                let v = rd.string("a hash value")?;
                pairs.push((f, v));
            }
            // Redis converts while loading: too many pairs or a too long string.
            let small = n <= hlim.entries
                && pairs
                    .iter()
                    .all(|(f, v)| f.len() <= hlim.value && v.len() <= hlim.value);
            hash_from(pairs.iter().map(|(f, v)| (&f[..], &v[..])), small, hlim).ok_or_else(
                || RdbError {
                    offset: at,
                    message: "duplicate hash fields detected".into(),
                },
            )?
        }
        kind::LIST_QUICKLIST | kind::LIST_QUICKLIST_2 => {
            let n = rd.count("a quicklist node count", 2)?;
            let mut l = List::new();
            for _ in 0..n {
                let container = if t == kind::LIST_QUICKLIST_2 {
                    rd.len("a quicklist node container")?
                } else {
                    kind::CONTAINER_PACKED
                };
                if container != kind::CONTAINER_PACKED && container != kind::CONTAINER_PLAIN {
                    return Err(rd.err("quicklist integrity check failed: unknown container"));
                }
                let at = rd.pos;
                let data = rd.string("a quicklist node")?;
                if data.is_empty() {
                    return Err(RdbError {
                        offset: at,
                        message: "quicklist node is empty".into(),
                    });
                }
                if container == kind::CONTAINER_PLAIN {
                    l.push(&data, false, fill);
                    continue;
                }
                let ents = if t == kind::LIST_QUICKLIST_2 {
                    listpack::parse(&data).map_err(|e| blob_err(at, "listpack", e))?
                } else {
                    ziplist::parse(&data).map_err(|e| blob_err(at, "ziplist", e))?
                };
                for e in &ents {
                    l.push(&e.bytes(), false, fill);
                }
            }
            if l.is_empty() {
                return Ok(None);
            }
            Value::List(Box::new(l))
        }
        kind::LIST_ZIPLIST => {
            let at = rd.pos;
            let data = rd.string("a ziplist")?;
            let ents = ziplist::parse(&data).map_err(|e| blob_err(at, "list ziplist", e))?;
            let mut l = List::new();
            for e in &ents {
                l.push(&e.bytes(), false, fill);
            }
            if l.is_empty() {
                return Ok(None);
            }
            Value::List(Box::new(l))
        }
        kind::SET_INTSET => {
            let at = rd.pos;
            let data = rd.string("an intset")?;
            let (width, count, ints) =
                intset::parse(&data).map_err(|e| blob_err(at, "intset", e))?;
            if count <= o.set_max_intset_entries {
                Value::Set(Box::new(Set::from_intset(width, count, ints)))
            } else {
                let mut s = Set::new();
                let mut buf = itoa::Buffer::new();
                for c in ints.chunks_exact(width) {
                    s.add(
                        buf.format(intset::get(c)).as_bytes(),
                        o.set_max_intset_entries,
                    );
                }
                Value::Set(Box::new(s))
            }
        }
        kind::SET_LISTPACK => {
            let at = rd.pos;
            let data = rd.string("a set listpack")?;
            let ents = listpack::parse(&data).map_err(|e| blob_err(at, "set listpack", e))?;
            let Some(first) = ents.first() else {
                return Ok(None);
            };
            let mut s = Set::new_for(&first.bytes());
            for e in &ents {
                if !s.add(&e.bytes(), o.set_max_intset_entries) {
                    return Err(blob_err(at, "set listpack", "duplicate members"));
                }
            }
            Value::Set(Box::new(s))
        }
        kind::HASH_ZIPMAP => {
            let at = rd.pos;
            let data = rd.string("a zipmap")?;
            let pairs = zipmap::parse(&data).map_err(|e| blob_err(at, "zipmap", e))?;
            if pairs.is_empty() {
                return Ok(None);
            }
            let small = pairs.len() <= hlim.entries
                && pairs
                    .iter()
                    .all(|(f, v)| f.len() <= hlim.value && v.len() <= hlim.value);
            hash_from(pairs.into_iter(), small, hlim)
                .ok_or_else(|| blob_err(at, "hash zipmap", "duplicate fields"))?
        }
        kind::HASH_ZIPLIST | kind::HASH_LISTPACK => {
            let at = rd.pos;
            let zl = t == kind::HASH_ZIPLIST;
            let what = if zl { "hash ziplist" } else { "hash listpack" };
            let data = rd.string(if zl {
                "a hash ziplist"
            } else {
                "a hash listpack"
            })?;
            let parsed = if zl {
                ziplist::parse(&data)
            } else {
                listpack::parse(&data)
            };
            let parsed = parsed.map_err(|e| blob_err(at, what, e))?;
            // Borrowed from the blob (integers formatted): no copy per element.
            let ents: Vec<Cow<[u8]>> = parsed.iter().map(|e| e.bytes()).collect();
            if !ents.len().is_multiple_of(2) {
                return Err(blob_err(at, what, "odd number of elements"));
            }
            if ents.is_empty() {
                return Ok(None);
            }
            // Redis keeps a loaded listpack as it is unless it has too many entries.
            let small = ents.len() / 2 <= hlim.entries;
            let pairs = ents.chunks_exact(2).map(|p| (&p[0][..], &p[1][..]));
            hash_from(pairs, small, hlim).ok_or_else(|| blob_err(at, what, "duplicate fields"))?
        }
        kind::ZSET_ZIPLIST | kind::ZSET_LISTPACK => {
            let at = rd.pos;
            let zl = t == kind::ZSET_ZIPLIST;
            let what = if zl { "zset ziplist" } else { "zset listpack" };
            let data = rd.string(if zl {
                "a sorted set ziplist"
            } else {
                "a sorted set listpack"
            })?;
            let parsed = if zl {
                ziplist::parse(&data)
            } else {
                listpack::parse(&data)
            };
            let ents = parsed.map_err(|e| blob_err(at, what, e))?;
            if ents.len() % 2 != 0 {
                return Err(blob_err(at, what, "odd number of elements"));
            }
            let mut items = Vec::with_capacity(ents.len() / 2);
            for p in ents.chunks_exact(2) {
                let score = match p[1] {
                    Ent::Int(v) => v as f64,
                    Ent::Str(s) => {
                        parse_double(s).ok_or_else(|| blob_err(at, what, "invalid score"))?
                    }
                };
                if score.is_nan() {
                    return Err(blob_err(at, what, "NaN score"));
                }
                items.push((p[0].bytes(), score, at));
            }
            if items.is_empty() {
                return Ok(None);
            }
            // Kept as a listpack unless it has too many entries (member length not checked).
            zset_from(items, 0, zlim, true)?
        }
        kind::STREAM_LISTPACKS | kind::STREAM_LISTPACKS_2 | kind::STREAM_LISTPACKS_3 => {
            return load_stream(rd, t);
        }
        kind::MODULE | kind::MODULE_2 => {
            let at = rd.pos;
            let id = rd.len("a module id")?;
            return Err(RdbError {
                offset: at,
                message: format!(
                    "the RDB file contains module data I can't load: no matching module type '{}'",
                    module_name(id)
                ),
            });
        }
        t => return Err(rd.err(format!("unknown RDB encoding type {t}"))),
    };
    if v.is_empty() {
        return Ok(None);
    }
    Ok(Some(v))
}

/// Streams (types 15, 19, 21, `rdbLoadObject`): the nodes (16-byte master id, listpack,
/// validated in full, the listpack and its stream layout), the metadata, then the groups with
/// their PELs and consumers (21, Redis 7.2's, adds each consumer's active time, dropped).
fn load_stream(rd: &mut Rd, t: u8) -> Res<Option<Value>> {
    use crate::types::stream::{self, Consumer, Group, Nack, StreamId};
    let mut s = stream::Stream::new();
    let nodes = rd.count("stream listpacks", 2)?;
    let mut prev: Option<StreamId> = None;
    for _ in 0..nodes {
        let at = rd.pos;
        let key = rd.string("a stream node key")?;
        let Some(master) = StreamId::decode(&key) else {
            return Err(blob_err(
                at,
                "stream",
                "node key is not the size of a stream ID",
            ));
        };
        if prev.is_some_and(|p| p >= master) {
            return Err(blob_err(
                at,
                "stream",
                "Listpack re-added with existing key",
            ));
        }
        prev = Some(master);
        let at = rd.pos;
        let lp = rd.string("a stream listpack")?.into_owned();
        listpack::parse(&lp).map_err(|e| blob_err(at, "stream listpack", e))?;
        stream::validate_node(master, &lp).map_err(|e| blob_err(at, "stream listpack", e))?;
        s.push_node(master, lp);
    }
    s.length = rd.len("the stream length")?;
    s.last_id = StreamId::new(rd.len("the last id")?, rd.len("the last id")?);
    if t == kind::STREAM_LISTPACKS {
        s.entries_added = s.length;
        s.first_id = s.edge_id(true).unwrap_or(StreamId::MAX);
    } else {
        s.first_id = StreamId::new(rd.len("the first id")?, rd.len("the first id")?);
        s.max_deleted_id =
            StreamId::new(rd.len("the max deleted id")?, rd.len("the max deleted id")?);
        s.entries_added = rd.len("the entries added")?;
    }
    if s.length != 0 && s.node_count() == 0 {
        return Err(rd.err("Stream length inconsistent with rax entries"));
    }
    if s.live_count() != s.length {
        return Err(rd.err("stream length does not match its entries"));
    }
    let groups = rd.count("stream groups", 3)?;
    for _ in 0..groups {
        let name = rd.string("a consumer group name")?.into_owned();
        let last = StreamId::new(rd.len("a group id")?, rd.len("a group id")?);
        let entries_read = if t == kind::STREAM_LISTPACKS {
            s.estimate_distance(last)
        } else {
            rd.len("a group's entries read")? as i64
        };
        if s.groups.contains_key(&name) {
            return Err(rd.err(format!(
                "Duplicated consumer group name {}",
                String::from_utf8_lossy(&name)
            )));
        }
        let mut g = Group::new(last, entries_read);
        let pel = rd.count("a group PEL", 17)?;
        for _ in 0..pel {
            let id = StreamId::decode(rd.take(16, "a PEL id")?).unwrap_or_default();
            let d = rd.take(8, "a delivery time")?;
            let delivery_time = i64::from_le_bytes(d.try_into().unwrap_or([0; 8]));
            let delivery_count = rd.len("a delivery count")?;
            let nack = Nack {
                delivery_time,
                delivery_count,
                consumer: Vec::new(),
            };
            if g.pel.insert(id, nack).is_some() {
                return Err(rd.err("Duplicated global PEL entry loading stream consumer group"));
            }
        }
        let consumers = rd.count("a group's consumers", 10)?;
        for _ in 0..consumers {
            let cname = rd.string("a consumer name")?.into_owned();
            let d = rd.take(8, "a seen time")?;
            let seen_time = i64::from_le_bytes(d.try_into().unwrap_or([0; 8]));
            if t == kind::STREAM_LISTPACKS_3 {
                rd.take(8, "an active time")?;
            }
            if g.consumers.contains_key(&cname) {
                return Err(rd.err("Duplicate stream consumer detected."));
            }
            let mut c = Consumer {
                seen_time,
                pel: Default::default(),
            };
            let n = rd.count("a consumer PEL", 16)?;
            for _ in 0..n {
                let id = StreamId::decode(rd.take(16, "a PEL id")?).unwrap_or_default();
                let Some(nack) = g.pel.get_mut(&id) else {
                    return Err(rd.err("Consumer entry not found in group global PEL"));
                };
                if !nack.consumer.is_empty() || !c.pel.insert(id) {
                    return Err(
                        rd.err("Duplicated consumer PEL entry  loading a stream consumer group")
                    );
                }
                nack.consumer = cname.clone();
            }
            g.consumers.insert(cname, c);
        }
        if g.pel
            .values()
            .any(|n| !g.consumers.contains_key(&n.consumer))
        {
            return Err(rd.err("Stream CG PEL entry without consumer"));
        }
        s.groups.insert(name, g);
    }
    Ok(Some(Value::Stream(Box::new(s))))
}

fn blob_err(at: usize, what: &str, e: &str) -> RdbError {
    RdbError {
        offset: at,
        message: format!("{what} integrity check failed: {e}"),
    }
}

/// A hash from pairs: `listpack` when `small` (fields checked distinct with a set, then laid
/// out in one buffer), else through `Hash::set`, which converts at the limits. `None` when a
/// field repeats.
fn hash_from<'a>(
    pairs: impl Iterator<Item = (&'a [u8], &'a [u8])> + Clone,
    small: bool,
    lim: hash::Limits,
) -> Option<Value> {
    if small {
        // Distinct fields: pairwise for the few fields most small hashes have, else a set.
        let fields: Vec<&[u8]> = pairs.clone().map(|(f, _)| f).collect();
        let distinct = if fields.len() <= 16 {
            fields
                .iter()
                .enumerate()
                .all(|(i, f)| !fields[..i].contains(f))
        } else {
            let mut seen = std::collections::HashSet::with_capacity(fields.len());
            fields.iter().all(|f| seen.insert(*f))
        };
        if !distinct {
            return None;
        }
        return Some(Value::Hash(Box::new(Hash::from_distinct_pairs(pairs))));
    }
    let mut h = Hash::new();
    for (f, v) in pairs {
        if !h.set(f, v, lim) {
            return None;
        }
    }
    Some(Value::Hash(Box::new(h)))
}

/// A sorted set from (member, score, offset) items. `listpack_kept`: the items came from a
/// listpack, which stays one unless it has too many entries; otherwise the encoding is chosen
/// after loading (`zsetConvert` to listpack when small enough).
fn zset_from(
    items: Vec<(Cow<[u8]>, f64, usize)>,
    maxlen: usize,
    lim: zset::Limits,
    listpack_kept: bool,
) -> Res<Value> {
    let small = if listpack_kept {
        items.len() <= lim.entries
    } else {
        items.len() <= lim.entries && maxlen <= lim.value
    };
    let mut z = if small {
        ZSet::new_listpack()
    } else {
        ZSet::new_skiplist()
    };
    // The member index sized once (RDB gives the count up front), as Redis's dictExpand.
    z.reserve(items.len());
    for (m, s, at) in items {
        if z.score(&m).is_some() {
            return Err(RdbError {
                offset: at,
                message: "duplicate zset fields detected".into(),
            });
        }
        z.insert_new(&m, s);
    }
    Ok(Value::ZSet(Box::new(z)))
}
