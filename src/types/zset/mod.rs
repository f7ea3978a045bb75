//! The sorted set: members ordered by (score, member bytes), with Redis's two encodings.
//!
//! - `listpack`: one byte buffer of (member, score) entries in order (`Pack`: varint length,
//!   member, score as a zigzag varint when it is an integer, else 8 bytes), searched linearly
//!   like Redis's listpack (at most `zset-max-listpack-entries` elements of at most
//!   `zset-max-listpack-value` bytes). A listpack turns -0 into 0, as Redis's does.
//! - `skiplist`: Redis's skiplist with spans (rank and range queries in O(log n)) and its
//!   member index (`skiplist::SkipList`: one allocation per element holding its score, its
//!   levels and its member, which the index hashes and compares in place).
//!
//! A set converts from listpack to skiplist when it outgrows the thresholds (the callers pass
//! them in as `Limits`) and never back, as Redis. Scores are never NaN. Ranks are 0-based.

mod skiplist;

use crate::types::hash::put_varint;
use skiplist::{NodeRef, SkipList};

/// The listpack thresholds (`zset-max-listpack-entries`, `zset-max-listpack-value`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub entries: usize,
    pub value: usize,
}

/// ZADD's input flags.
#[derive(Debug, Clone, Copy, Default)]
pub struct AddFlags {
    pub nx: bool,
    pub xx: bool,
    pub gt: bool,
    pub lt: bool,
    pub incr: bool,
}

/// What `ZSet::add` did (Redis's `ZADD_OUT_*`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Added {
    /// A new member.
    Added(f64),
    /// An existing member whose score changed.
    Updated(f64),
    /// Processed, nothing changed (same score).
    Same(f64),
    /// Not processed (NX/XX/GT/LT said no).
    Nop,
    /// The resulting score would be NaN.
    Nan,
}

/// (score, member) ordering, as `zslInsert` compares.
#[inline]
fn before(s1: f64, e1: &[u8], s2: f64, e2: &[u8]) -> bool {
    s1 < s2 || (s1 == s2 && e1 < e2)
}

/// The listpack encoding: entries `[member length, varint][member][score]` back to back in
/// one allocation, sorted by (score, member). A score is `0` + 8 bytes LE, or, when it is an
/// integer of at most 53 bits, `1` + its zigzag varint (2 bytes for small scores, as Redis's
/// listpack stores integers compactly). Every operation is a linear walk, as in Redis (the
/// encoding only holds small sets).
#[derive(Clone, Default)]
struct Pack {
    buf: Vec<u8>,
    len: u32,
}

#[inline]
fn read_varint(buf: &[u8], mut p: usize) -> (u64, usize) {
    let mut v = 0u64;
    let mut shift = 0;
    while let Some(&b) = buf.get(p) {
        p += 1;
        v |= ((b & 0x7f) as u64) << shift;
        shift += 7;
        if b & 0x80 == 0 || shift >= 64 {
            break;
        }
    }
    (v, p)
}

/// One entry of a `Pack` at a byte offset: (member, score, offset of the next entry).
#[inline]
fn pack_entry(buf: &[u8], at: usize) -> (&[u8], f64, usize) {
    let (len, p) = read_varint(buf, at);
    let end = (p + len as usize).min(buf.len());
    let m = &buf[p..end];
    match buf.get(end) {
        Some(1) => {
            let (z, next) = read_varint(buf, end + 1);
            let n = ((z >> 1) as i64) ^ -((z & 1) as i64);
            (m, n as f64, next)
        }
        _ => {
            let mut sb = [0u8; 8];
            let sc = buf.get(end + 1..end + 9).unwrap_or(&[0; 8]);
            sb.copy_from_slice(sc);
            (m, f64::from_le_bytes(sb), end + 9)
        }
    }
}

/// Encodes one entry.
fn pack_encode(m: &[u8], score: f64) -> Vec<u8> {
    let mut e = Vec::with_capacity(m.len() + 11);
    put_varint(&mut e, m.len() as u64);
    e.extend_from_slice(m);
    const LIMIT: f64 = (1u64 << 53) as f64;
    if score.fract() == 0.0 && score.abs() < LIMIT && !(score == 0.0 && score.is_sign_negative()) {
        let n = score as i64;
        e.push(1);
        put_varint(&mut e, ((n << 1) ^ (n >> 63)) as u64);
    } else {
        e.push(0);
        e.extend_from_slice(&score.to_le_bytes());
    }
    e
}

pub struct PackIter<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Iterator for PackIter<'a> {
    type Item = (&'a [u8], f64);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.buf.len() {
            return None;
        }
        let (m, s, next) = pack_entry(self.buf, self.at);
        self.at = next;
        Some((m, s))
    }
}

impl Pack {
    fn len(&self) -> usize {
        self.len as usize
    }

    fn iter(&self) -> PackIter<'_> {
        PackIter {
            buf: &self.buf,
            at: 0,
        }
    }

    /// Byte offset of entry `i` (`buf.len()` for `i == len`).
    fn offset(&self, i: usize) -> usize {
        let mut at = 0;
        for _ in 0..i.min(self.len()) {
            at = pack_entry(&self.buf, at).2;
        }
        at
    }

    fn get(&self, i: usize) -> Option<(&[u8], f64)> {
        if i >= self.len() {
            return None;
        }
        let (m, s, _) = pack_entry(&self.buf, self.offset(i));
        Some((m, s))
    }

    fn position(&self, m: &[u8]) -> Option<usize> {
        self.iter().position(|(e, _)| e == m)
    }

    /// Inserts in order. A listpack stores -0 as the integer 0, so it reads back as 0.
    fn insert(&mut self, m: &[u8], score: f64) {
        let score = if score == 0.0 { 0.0 } else { score };
        let mut at = 0;
        while at < self.buf.len() {
            let (e, s, next) = pack_entry(&self.buf, at);
            if !before(s, e, score, m) {
                break;
            }
            at = next;
        }
        let entry = pack_encode(m, score);
        self.buf.reserve_exact(entry.len());
        self.buf.splice(at..at, entry);
        self.len += 1;
    }

    /// Removes entries `start..start + count`.
    fn drain(&mut self, start: usize, count: usize) {
        let count = count.min(self.len().saturating_sub(start));
        if count == 0 {
            return;
        }
        let a = self.offset(start);
        let mut b = a;
        for _ in 0..count {
            b = pack_entry(&self.buf, b).2;
        }
        self.buf.drain(a..b);
        self.len -= count as u32;
        if self.buf.capacity() > 2 * self.buf.len() + 64 {
            self.buf.shrink_to_fit();
        }
    }
}

enum Repr {
    Listpack(Pack),
    Skiplist(Box<SkipList>),
}

/// A sorted set.
pub struct ZSet {
    repr: Repr,
}

impl Default for ZSet {
    fn default() -> Self {
        ZSet::new_listpack()
    }
}

impl std::fmt::Debug for ZSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZSet")
            .field("encoding", &self.encoding())
            .field("len", &self.len())
            .finish()
    }
}

impl Clone for ZSet {
    fn clone(&self) -> Self {
        match &self.repr {
            Repr::Listpack(v) => ZSet {
                repr: Repr::Listpack(v.clone()),
            },
            Repr::Skiplist(sl) => {
                let mut z = ZSet::new_skiplist();
                z.reserve(sl.len());
                for (m, s) in self.iter() {
                    z.insert_new(m, s);
                }
                z
            }
        }
    }
}

impl PartialEq for ZSet {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// Iterator over (member, score) in order.
pub enum Iter<'a> {
    Listpack(PackIter<'a>),
    Skiplist(Option<NodeRef<'a>>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Listpack(it) => it.next(),
            Iter::Skiplist(pos) => {
                let n = (*pos)?;
                *pos = n.next();
                Some((n.member(), n.score()))
            }
        }
    }
}

impl ZSet {
    pub fn new_listpack() -> ZSet {
        ZSet {
            repr: Repr::Listpack(Pack::default()),
        }
    }

    pub fn new_skiplist() -> ZSet {
        ZSet {
            repr: Repr::Skiplist(Box::default()),
        }
    }

    /// A new set for `n` elements whose longest member is `maxlen` bytes: listpack if that
    /// fits the limits (`zsetConvertToListpackIfNeeded` for results built in full).
    pub fn for_size(n: usize, maxlen: usize, lim: Limits) -> ZSet {
        if n <= lim.entries && maxlen <= lim.value {
            ZSet::new_listpack()
        } else {
            let mut z = ZSet::new_skiplist();
            z.reserve(n);
            z
        }
    }

    /// Sizes an empty skiplist's member index for `n` members at once (Redis's `dictExpand`
    /// with a size hint); does nothing otherwise.
    pub fn reserve(&mut self, n: usize) {
        if let Repr::Skiplist(s) = &mut self.repr {
            s.reserve(n);
        }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Listpack(v) => v.len(),
            Repr::Skiplist(s) => s.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        match &self.repr {
            Repr::Listpack(_) => "listpack",
            Repr::Skiplist(_) => "skiplist",
        }
    }

    pub fn is_listpack(&self) -> bool {
        matches!(self.repr, Repr::Listpack(_))
    }

    /// Rough heap footprint.
    pub fn heap_size(&self) -> usize {
        self.heap_size_sampled(usize::MAX)
    }

    /// `heap_size` with the skiplist's elements extrapolated from the first `samples`.
    pub fn heap_size_sampled(&self, samples: usize) -> usize {
        match &self.repr {
            Repr::Listpack(v) => v.buf.capacity(),
            Repr::Skiplist(s) => std::mem::size_of::<SkipList>() + s.heap_size_sampled(samples),
        }
    }

    /// Switches to the skiplist encoding (no-op if already there).
    pub fn convert_to_skiplist(&mut self) {
        if let Repr::Listpack(v) = &mut self.repr {
            let v = std::mem::take(v);
            let mut sl: Box<SkipList> = Box::default();
            sl.reserve(v.len());
            for (m, s) in v.iter() {
                sl.insert(m, s);
            }
            self.repr = Repr::Skiplist(sl);
        }
    }

    pub fn iter(&self) -> Iter<'_> {
        match &self.repr {
            Repr::Listpack(v) => Iter::Listpack(v.iter()),
            Repr::Skiplist(s) => Iter::Skiplist(s.first()),
        }
    }

    /// The score of `m`.
    pub fn score(&self, m: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Listpack(v) => v.iter().find(|(e, _)| *e == m).map(|(_, s)| s),
            Repr::Skiplist(s) => s.score(m),
        }
    }

    /// Inserts a member known to be absent, without conversion checks.
    pub fn insert_new(&mut self, m: &[u8], score: f64) {
        match &mut self.repr {
            Repr::Listpack(v) => v.insert(m, score),
            Repr::Skiplist(s) => s.insert(m, score),
        }
    }

    /// Adds (or inserts) a member converting the encoding when `lim` says so, like
    /// `zsetAdd` on a member known to be absent.
    pub fn insert_checked(&mut self, m: &[u8], score: f64, lim: Limits) {
        if let Repr::Listpack(v) = &self.repr
            && (v.len() + 1 > lim.entries || m.len() > lim.value)
        {
            self.convert_to_skiplist();
        }
        self.insert_new(m, score);
    }

    /// Redis's `zsetAdd`: adds `m` or updates its score according to `f`.
    pub fn add(&mut self, m: &[u8], score: f64, f: AddFlags, lim: Limits) -> Added {
        if score.is_nan() {
            return Added::Nan;
        }
        // What to do with an existing member whose score is `cur`.
        let decide = |cur: f64| -> Added {
            if f.nx {
                return Added::Nop;
            }
            let mut score = score;
            if f.incr {
                score += cur;
                if score.is_nan() {
                    return Added::Nan;
                }
            }
            if (f.lt && score >= cur) || (f.gt && score <= cur) {
                Added::Nop
            } else if score != cur {
                Added::Updated(score)
            } else {
                Added::Same(score)
            }
        };
        let found = match &mut self.repr {
            Repr::Listpack(v) => {
                let at = v.iter().enumerate().find(|(_, (e, _))| *e == m);
                at.map(|(i, (_, cur))| (i, cur)).map(|(i, cur)| {
                    let out = decide(cur);
                    if let Added::Updated(new) = out {
                        v.drain(i, 1);
                        v.insert(m, new);
                    }
                    out
                })
            }
            Repr::Skiplist(s) => {
                // One index lookup: `rescore` applies the update while it holds the node.
                let mut out = Added::Nop;
                s.rescore(m, |cur| {
                    out = decide(cur);
                    match out {
                        Added::Updated(new) => Some(new),
                        _ => None,
                    }
                })
                .map(|_| out)
            }
        };
        match found {
            Some(out) => out,
            None if f.xx => Added::Nop,
            None => {
                self.insert_checked(m, score, lim);
                Added::Added(score)
            }
        }
    }

    /// Removes `m`; returns whether it was there.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Listpack(v) => match v.position(m) {
                Some(i) => {
                    v.drain(i, 1);
                    true
                }
                None => false,
            },
            Repr::Skiplist(s) => s.remove(m),
        }
    }

    /// The 0-based rank of `m` (from the highest score if `rev`).
    pub fn rank(&self, m: &[u8], rev: bool) -> Option<usize> {
        let r = match &self.repr {
            Repr::Listpack(v) => v.position(m)?,
            Repr::Skiplist(s) => s.rank(m)?,
        };
        Some(if rev { self.len() - 1 - r } else { r })
    }

    /// Number of leading elements (in order) for which `pred` holds. For the listpack this is
    /// a linear scan, for the skiplist a descent; they agree whenever `pred` is monotone.
    pub fn count_while(&self, pred: &dyn Fn(&[u8], f64) -> bool) -> usize {
        match &self.repr {
            Repr::Listpack(v) => v.iter().position(|(e, s)| !pred(e, s)).unwrap_or(v.len()),
            Repr::Skiplist(s) => s.count_while(pred),
        }
    }

    /// The ranks `lo..hi` of the run of elements for which `take` holds that starts right
    /// after the leading elements for which `skip` holds (both true then false from there).
    /// On a skiplist: one descent to `lo`, then a forward walk over the taken elements.
    pub fn run_after(
        &self,
        skip: &dyn Fn(&[u8], f64) -> bool,
        take: &dyn Fn(&[u8], f64) -> bool,
    ) -> (usize, usize) {
        let (lo, rest) = match &self.repr {
            Repr::Listpack(_) => {
                let lo = self.count_while(skip);
                let mut it = self.iter();
                if lo > 0 {
                    it.nth(lo - 1);
                }
                (lo, it)
            }
            Repr::Skiplist(s) => {
                let (lo, first) = s.skip_while(skip);
                (lo, Iter::Skiplist(first))
            }
        };
        (lo, lo + rest.take_while(|&(m, s)| take(m, s)).count())
    }

    /// The element at 0-based rank `r`.
    pub fn at(&self, r: usize) -> Option<(&[u8], f64)> {
        match &self.repr {
            Repr::Listpack(v) => v.get(r),
            Repr::Skiplist(s) => s.at(r).map(|n| (n.member(), n.score())),
        }
    }

    /// Visits `count` elements starting at rank `start`, going towards higher ranks, or
    /// towards lower ranks if `rev`.
    pub fn visit(&self, start: usize, count: usize, rev: bool, f: &mut dyn FnMut(&[u8], f64)) {
        match &self.repr {
            Repr::Listpack(v) => {
                if rev {
                    let from = (start + 1).saturating_sub(count);
                    let items: Vec<(&[u8], f64)> =
                        v.iter().skip(from).take(start + 1 - from).collect();
                    for (e, s) in items.into_iter().rev() {
                        f(e, s);
                    }
                } else {
                    for (e, s) in v.iter().skip(start).take(count) {
                        f(e, s);
                    }
                }
            }
            Repr::Skiplist(s) => {
                let mut x = s.at(start);
                for _ in 0..count {
                    let Some(n) = x else {
                        break;
                    };
                    f(n.member(), n.score());
                    x = if rev { n.prev() } else { n.next() };
                }
            }
        }
    }

    /// Removes `count` elements from rank `start` upwards; returns how many.
    pub fn remove_range(&mut self, start: usize, count: usize) -> usize {
        let count = count.min(self.len().saturating_sub(start));
        match &mut self.repr {
            Repr::Listpack(v) => v.drain(start, count),
            Repr::Skiplist(s) => {
                s.remove_range(start, count);
            }
        }
        count
    }

    /// Removes and returns the lowest (or highest, `max`) element.
    pub fn pop(&mut self, max: bool) -> Option<(Vec<u8>, f64)> {
        if self.is_empty() {
            return None;
        }
        let r = if max { self.len() - 1 } else { 0 };
        let (m, s) = self.at(r).map(|(m, s)| (m.to_vec(), s))?;
        self.remove_range(r, 1);
        Some((m, s))
    }

    /// One scan step (skiplist: the member dictionary's cursor; listpack: everything, cursor
    /// 0, as Redis).
    pub fn scan(&self, cursor: u64, f: &mut dyn FnMut(&[u8], f64)) -> u64 {
        match &self.repr {
            Repr::Listpack(v) => {
                for (e, s) in v.iter() {
                    f(e, s);
                }
                0
            }
            Repr::Skiplist(s) => s.scan(cursor, f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIM: Limits = Limits {
        entries: 4,
        value: 8,
    };

    fn model_check(z: &ZSet, model: &[(Vec<u8>, f64)]) {
        assert_eq!(z.len(), model.len());
        let got: Vec<(Vec<u8>, f64)> = z.iter().map(|(m, s)| (m.to_vec(), s)).collect();
        assert_eq!(got, model);
        for (i, (m, s)) in model.iter().enumerate() {
            assert_eq!(z.rank(m, false), Some(i));
            assert_eq!(z.score(m), Some(*s));
            assert_eq!(z.at(i).map(|(m, s)| (m.to_vec(), s)), Some((m.clone(), *s)));
        }
    }

    #[test]
    fn random_ops_match_a_model() {
        for round in 0..4 {
            // Rounds 2 and 3 stay listpacks, the others convert early.
            let lim = if round >= 2 {
                Limits {
                    entries: 1000,
                    value: 1000,
                }
            } else {
                LIM
            };
            let mut z = ZSet::new_listpack();
            let mut model: Vec<(Vec<u8>, f64)> = Vec::new();
            for step in 0..600 {
                let r = crate::rand::next_u64();
                let m = if round == 1 {
                    // Members too long to sit inline in a skiplist node.
                    format!("a-member-name-longer-than-22-bytes-{}", r % 50).into_bytes()
                } else {
                    format!("m{}", r % 50).into_bytes()
                };
                let score = ((r >> 8) % 20) as f64 / 4.0 - 2.0;
                match (r >> 16) % 4 {
                    0 | 1 => {
                        z.add(&m, score, AddFlags::default(), lim);
                        model.retain(|(e, _)| *e != m);
                        model.push((m, score));
                    }
                    2 => {
                        assert_eq!(z.remove(&m), model.iter().any(|(e, _)| *e == m));
                        model.retain(|(e, _)| *e != m);
                    }
                    _ => {
                        if !model.is_empty() {
                            let start = (r >> 24) as usize % model.len();
                            let n = (r >> 40) as usize % 3;
                            model.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                            let want = n.min(model.len() - start);
                            assert_eq!(z.remove_range(start, n), want);
                            model.drain(start..start + want);
                        }
                    }
                }
                model.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                if step % 50 == 0 || round % 2 == 0 {
                    model_check(&z, &model);
                    let mut rev = Vec::new();
                    if !model.is_empty() {
                        z.visit(model.len() - 1, 3, true, &mut |m, s| {
                            rev.push((m.to_vec(), s))
                        });
                        let want: Vec<_> = model.iter().rev().take(3).cloned().collect();
                        assert_eq!(rev, want);
                    }
                }
            }
            model_check(&z, &model);
            assert_eq!(
                z.encoding(),
                if round >= 2 { "listpack" } else { "skiplist" }
            );
            assert_eq!(z.count_while(&|_, s| s < 1.0), {
                model.iter().filter(|(_, s)| *s < 1.0).count()
            });
            // The run after the skipped elements stops at the first one not taken.
            for (lo_s, hi_s) in [(-3.0, -2.5), (0.0, 1.0), (1.0, 0.0), (2.0, 9.0)] {
                let lo = model.iter().filter(|(_, s)| *s < lo_s).count();
                let taken = model[lo..].iter().take_while(|(_, s)| *s <= hi_s).count();
                assert_eq!(
                    z.run_after(&|_, s| s < lo_s, &|_, s| s <= hi_s),
                    (lo, lo + taken)
                );
            }
        }
    }
}
