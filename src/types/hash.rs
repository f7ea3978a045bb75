//! The Hash type, with Redis 7.0's two encodings:
//!
//! - `listpack`: every field and value in one `Vec<u8>`, each as a LEB128 length followed by
//!   its bytes, field then value, in insertion order (an updated field keeps its place, new
//!   fields go to the end), scanned linearly. Used while the hash has at most
//!   `hash-max-listpack-entries` fields and no field or value longer than
//!   `hash-max-listpack-value` bytes.
//! - `hashtable`: a `Dict` from field to value, once either limit is exceeded. A hash never
//!   converts back, as in Redis.

use crate::types::dict::Dict;

/// The thresholds of the compact encoding (`hash-max-listpack-entries`/`-value`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub entries: usize,
    pub value: usize,
}

pub enum Hash {
    Listpack(Pairs),
    /// Boxed, so a small hash costs only its listpack.
    Table(Box<Dict<Val>>),
}

impl Default for Hash {
    fn default() -> Self {
        Hash::Listpack(Pairs::default())
    }
}

impl Hash {
    pub fn new() -> Hash {
        Hash::default()
    }

    /// A `listpack` hash from (field, value) pairs whose fields the caller knows to be
    /// distinct, kept in their order, in one allocation (the RDB loader).
    pub fn from_distinct_pairs<'a>(pairs: impl Iterator<Item = (&'a [u8], &'a [u8])>) -> Hash {
        let mut buf = Vec::new();
        let mut len = 0u32;
        for (f, v) in pairs {
            put_len(&mut buf, f.len());
            buf.extend_from_slice(f);
            put_len(&mut buf, v.len());
            buf.extend_from_slice(v);
            len += 1;
        }
        Hash::Listpack(Pairs {
            buf: buf.into_boxed_slice(),
            len,
        })
    }

    pub fn len(&self) -> usize {
        match self {
            Hash::Listpack(p) => p.len as usize,
            Hash::Table(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        match self {
            Hash::Listpack(_) => "listpack",
            Hash::Table(_) => "hashtable",
        }
    }

    /// Rough heap footprint.
    pub fn heap_size(&self) -> usize {
        self.heap_size_sampled(usize::MAX)
    }

    /// `heap_size` with a hashtable's entries extrapolated from the first `samples` (MEMORY
    /// USAGE ... SAMPLES).
    pub fn heap_size_sampled(&self, samples: usize) -> usize {
        match self {
            Hash::Listpack(p) => p.buf.len(),
            Hash::Table(d) => {
                let sizes = d
                    .iter()
                    .map(|(k, v)| 64 + v.heap_len() + if k.len() > 22 { k.len() } else { 0 });
                d.buckets() * 8 + super::sampled_sum(d.len(), samples, sizes)
            }
        }
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match self {
            Hash::Listpack(p) => p.find(field).map(|f| &p.buf[f.value.clone()]),
            Hash::Table(d) => d.get(field).map(Val::as_slice),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        self.get(field).is_some()
    }

    /// Converts to `hashtable` if `field` or `value` is too long for the listpack (Redis's
    /// `hashTypeTryConversion`, also applied by `hashTypeSet`).
    pub fn convert_for(&mut self, args: &[&[u8]], limits: Limits) {
        if matches!(self, Hash::Listpack(_)) && args.iter().any(|a| a.len() > limits.value) {
            self.convert();
        }
    }

    /// Sets `field` to `value`; true if the field is new. Converts to `hashtable` when the
    /// field or value is too long, or when the hash grows past the entry limit.
    pub fn set(&mut self, field: &[u8], value: &[u8], limits: Limits) -> bool {
        self.convert_for(&[field, value], limits);
        match self {
            Hash::Listpack(p) => {
                let new = p.set(field, value);
                if p.len as usize > limits.entries {
                    self.convert();
                }
                new
            }
            Hash::Table(d) => d.insert(field, Val::new(value)).is_none(),
        }
    }

    /// Removes `field`; true if it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(p) => p.remove(field),
            Hash::Table(d) => {
                let found = d.remove(field).is_some();
                if found {
                    // Redis checks whether a hash's table should shrink after every delete.
                    d.shrink_if_needed();
                }
                found
            }
        }
    }

    fn convert(&mut self) {
        if let Hash::Listpack(p) = self {
            let mut d = Dict::new();
            for (f, v) in p.iter() {
                d.insert(f, Val::new(v));
            }
            *self = Hash::Table(Box::new(d));
        }
    }

    /// Every (field, value), in the encoding's order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&[u8], &[u8])> + '_> {
        match self {
            Hash::Listpack(p) => Box::new(p.iter()),
            Hash::Table(d) => Box::new(d.iter().map(|(k, v)| (k, v.as_slice()))),
        }
    }

    /// One random (field, value); `None` when empty.
    pub fn random(&self) -> Option<(&[u8], &[u8])> {
        match self {
            Hash::Listpack(p) => {
                if p.len == 0 {
                    return None;
                }
                p.iter().nth(crate::rand::below(p.len as u64) as usize)
            }
            Hash::Table(d) => d
                .random(crate::rand::next_u64)
                .map(|(k, v)| (k, v.as_slice())),
        }
    }

    /// One step of HSCAN: the listpack is returned whole with cursor 0, a table is walked
    /// bucket by bucket (Redis's `dictScan`) for up to `count * 10` buckets or until `count`
    /// entries were seen.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(&[u8], &[u8])) -> u64 {
        match self {
            Hash::Listpack(p) => {
                for (k, v) in p.iter() {
                    f(k, v);
                }
                0
            }
            // Redis counts fields and values against COUNT.
            Hash::Table(d) => scan_dict(d, cursor, count, 2, |k, v| f(k, v.as_slice())),
        }
    }
}

/// One step of a SCAN-family walk over a table, as Redis's loop does it: one bucket, then
/// more while fewer than `count` items were collected (each entry counting `per_entry`) and
/// the budget of `count * 10` further buckets lasts. Returns the next cursor.
pub(crate) fn scan_dict<V>(
    d: &Dict<V>,
    mut cursor: u64,
    count: usize,
    per_entry: usize,
    mut f: impl FnMut(&[u8], &V),
) -> u64 {
    let mut seen = 0usize;
    let mut budget = count.saturating_mul(10);
    loop {
        cursor = d.scan(cursor, |k, v| {
            seen += per_entry;
            f(k, v)
        });
        if cursor == 0 || budget == 0 || seen >= count {
            return cursor;
        }
        budget -= 1;
    }
}

impl Clone for Hash {
    fn clone(&self) -> Self {
        match self {
            Hash::Listpack(p) => Hash::Listpack(p.clone()),
            Hash::Table(d) => {
                let mut n = Dict::new();
                for (k, v) in d.iter() {
                    n.insert(k, v.clone());
                }
                Hash::Table(Box::new(n))
            }
        }
    }
}

impl PartialEq for Hash {
    /// Same fields with the same values (whatever the encodings).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(k, v)| {
                (
                    String::from_utf8_lossy(k).into_owned(),
                    String::from_utf8_lossy(v).into_owned(),
                )
            }))
            .finish()
    }
}

/// Values up to this length live inside the table's node, like its keys (no allocation of
/// their own: one cache miss and about 32 bytes less per field).
const INLINE_VAL: usize = 22;

/// A value in the `hashtable` encoding.
#[derive(Clone)]
pub enum Val {
    Inline { len: u8, buf: [u8; INLINE_VAL] },
    Heap(Box<[u8]>),
}

impl Val {
    fn new(v: &[u8]) -> Val {
        if v.len() <= INLINE_VAL {
            let mut buf = [0u8; INLINE_VAL];
            buf[..v.len()].copy_from_slice(v);
            Val::Inline {
                len: v.len() as u8,
                buf,
            }
        } else {
            Val::Heap(v.into())
        }
    }

    #[inline]
    fn as_slice(&self) -> &[u8] {
        match self {
            Val::Inline { len, buf } => &buf[..*len as usize],
            Val::Heap(b) => b,
        }
    }

    fn heap_len(&self) -> usize {
        match self {
            Val::Inline { .. } => 0,
            Val::Heap(b) => b.len(),
        }
    }
}

/// The compact encoding: `len` (field, value) pairs in one buffer, each string prefixed by its
/// LEB128 length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairs {
    /// Exactly sized (a `Box`, not a `Vec`): no spare capacity, 8 bytes less per hash.
    buf: Box<[u8]>,
    len: u32,
}

/// Where a pair lives in the buffer.
struct Found {
    /// The whole pair, length prefixes included.
    pair: std::ops::Range<usize>,
    /// The value's bytes.
    value: std::ops::Range<usize>,
}

/// Appends a length as a varint (`put_varint`).
pub(crate) fn put_len(buf: &mut Vec<u8>, n: usize) {
    put_varint(buf, n as u64);
}

/// Appends `n` as a varint: 7 bits per byte, low first, the high bit set on all but the last
/// (also the sorted sets' packed entries).
pub(crate) fn put_varint(buf: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            buf.push(b);
            return;
        }
        buf.push(b | 0x80);
    }
}

/// Reads a string at `at`: (its byte range, the offset after it).
#[inline]
pub(crate) fn read_str(buf: &[u8], mut at: usize) -> (std::ops::Range<usize>, usize) {
    let mut n = 0usize;
    let mut shift = 0;
    while let Some(&b) = buf.get(at) {
        at += 1;
        n |= ((b & 0x7f) as usize).checked_shl(shift).unwrap_or(0);
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    let end = (at + n).min(buf.len());
    (at..end, end)
}

impl Pairs {
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        let buf = &self.buf[..];
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= buf.len() {
                return None;
            }
            let (f, next) = read_str(buf, at);
            let (v, next) = read_str(buf, next);
            at = next;
            Some((&buf[f], &buf[v]))
        })
    }

    fn find(&self, field: &[u8]) -> Option<Found> {
        let buf = &self.buf[..];
        let mut at = 0;
        while at < buf.len() {
            let (f, next) = read_str(buf, at);
            let (v, end) = read_str(buf, next);
            if &buf[f] == field {
                return Some(Found {
                    pair: at..end,
                    value: v,
                });
            }
            at = end;
        }
        None
    }

    /// Sets a field in place or appends it; true if new.
    fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        match self.find(field) {
            Some(found) => {
                let mut enc = Vec::with_capacity(value.len() + 5);
                put_len(&mut enc, value.len());
                enc.extend_from_slice(value);
                // The value's length prefix starts where the field ends.
                let (_, field_end) = read_str(&self.buf, found.pair.start);
                let mut buf = std::mem::take(&mut self.buf).into_vec();
                buf.splice(field_end..found.pair.end, enc);
                self.buf = buf.into_boxed_slice();
                false
            }
            None => {
                // Grown exactly, like a listpack.
                let mut buf = std::mem::take(&mut self.buf).into_vec();
                buf.reserve_exact(field.len() + value.len() + 4);
                put_len(&mut buf, field.len());
                buf.extend_from_slice(field);
                put_len(&mut buf, value.len());
                buf.extend_from_slice(value);
                self.buf = buf.into_boxed_slice();
                self.len += 1;
                true
            }
        }
    }

    fn remove(&mut self, field: &[u8]) -> bool {
        match self.find(field) {
            Some(found) => {
                let mut buf = std::mem::take(&mut self.buf).into_vec();
                buf.drain(found.pair);
                self.buf = buf.into_boxed_slice();
                self.len -= 1;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Limits = Limits {
        entries: 4,
        value: 8,
    };

    #[test]
    fn listpack_keeps_order_and_updates_in_place() {
        let mut h = Hash::new();
        assert!(h.set(b"a", b"1", L));
        assert!(h.set(b"b", b"2", L));
        assert!(!h.set(b"a", b"longer", L));
        assert_eq!(h.get(b"a"), Some(&b"longer"[..]));
        let fields: Vec<&[u8]> = h.iter().map(|(k, _)| k).collect();
        assert_eq!(fields, vec![&b"a"[..], &b"b"[..]]);
        assert!(h.remove(b"a"));
        assert!(!h.remove(b"a"));
        assert_eq!(h.len(), 1);
        assert_eq!(h.encoding(), "listpack");
    }

    #[test]
    fn small_hash_is_small() {
        // What a small hash costs besides its listpack bytes (one allocation of this size).
        assert!(std::mem::size_of::<Hash>() <= 24);
        assert!(std::mem::size_of::<Val>() <= 24);
    }

    #[test]
    fn converts_on_limits() {
        let mut h = Hash::new();
        for i in 0..4 {
            h.set(format!("f{i}").as_bytes(), b"v", L);
        }
        assert_eq!(h.encoding(), "listpack");
        let copy = h.clone();
        h.set(b"f4", b"v", L);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 5);
        let mut g = copy;
        g.set(b"f0", b"123456789", L);
        assert_eq!(g.encoding(), "hashtable");
        assert_eq!(g.get(b"f0"), Some(&b"123456789"[..]));
        let long = vec![b'x'; 300];
        let mut big = Hash::new();
        big.set(
            &long,
            &long,
            Limits {
                entries: 10,
                value: 1000,
            },
        );
        assert_eq!(big.get(&long), Some(&long[..]));
    }
}
