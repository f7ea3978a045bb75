//! The Set type, with Redis 7.0's two encodings (7.0 has no listpack sets):
//!
//! - `intset`: a sorted vector of integers, while every member is an integer in Redis's
//!   canonical form (`string2ll`: no sign but `-`, no leading zeros, fits an i64) and the set
//!   has at most `set-max-intset-entries` members. Iterates in ascending order, like Redis.
//! - `hashtable`: once a non-integer is added or the set grows past the limit. A set never
//!   converts back to an intset. Internally a small set of short strings (up to 128 members
//!   of up to 64 bytes, Redis 7.2's listpack limits) is packed in one buffer (`Strs`) rather
//!   than a `Dict`, about a fifth of the memory; it is still reported as `hashtable`, its
//!   order is as arbitrary as a hash table's to clients, and SSCAN returns it whole. Past
//!   those limits it moves to a `Dict`.

use crate::keyspace::dict::Dict;
use crate::protocol::parse_i64;
use crate::types::hash::{put_len, read_str, scan_dict};

pub enum Set {
    Ints(IntSet),
    /// A small `hashtable`-encoded set, packed.
    Small(Strs),
    /// Boxed, so a small set costs only its intset.
    Table(Box<Dict<()>>),
}

/// A member as the encoding holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Member<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl Member<'_> {
    /// The member's bytes (an integer is formatted into `buf`).
    pub fn bytes<'b>(&'b self, buf: &'b mut itoa::Buffer) -> &'b [u8] {
        match self {
            Member::Int(n) => buf.format(*n).as_bytes(),
            Member::Str(s) => s,
        }
    }

    pub fn to_vec(self) -> Vec<u8> {
        self.bytes(&mut itoa::Buffer::new()).to_vec()
    }
}

impl Default for Set {
    fn default() -> Self {
        Set::Ints(IntSet::default())
    }
}

impl Set {
    /// An empty set in the encoding Redis's `setTypeCreate` picks for its first member:
    /// `intset` if it is an integer, else `hashtable`.
    pub fn new_for(first: &[u8]) -> Set {
        if parse_i64(first).is_some() {
            Set::Ints(IntSet::default())
        } else {
            Set::Small(Strs::default())
        }
    }

    /// An empty intset (the destination of SINTERSTORE & co.).
    pub fn new() -> Set {
        Set::default()
    }

    pub fn len(&self) -> usize {
        match self {
            Set::Ints(v) => v.len(),
            Set::Small(p) => p.len as usize,
            Set::Table(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        match self {
            Set::Ints(_) => "intset",
            Set::Small(_) | Set::Table(_) => "hashtable",
        }
    }

    /// Rough heap footprint.
    pub fn heap_size(&self) -> usize {
        match self {
            Set::Ints(v) => v.heap_size(),
            Set::Small(p) => p.buf.len(),
            Set::Table(d) => {
                d.buckets() * 8
                    + d.iter()
                        .map(|(k, _)| 40 + if k.len() > 22 { k.len() } else { 0 })
                        .sum::<usize>()
            }
        }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        match self {
            Set::Ints(v) => parse_i64(member).is_some_and(|n| v.contains(n)),
            Set::Small(p) => p.find(member).is_some(),
            Set::Table(d) => d.contains_key(member),
        }
    }

    pub fn contains_member(&self, m: Member) -> bool {
        match (self, m) {
            (Set::Ints(v), Member::Int(n)) => v.contains(n),
            (_, m) => self.contains(m.bytes(&mut itoa::Buffer::new())),
        }
    }

    /// Adds `member`; true if new. `max_ints` is `set-max-intset-entries`.
    pub fn add(&mut self, member: &[u8], max_ints: usize) -> bool {
        if let Set::Ints(v) = self {
            match parse_i64(member) {
                Some(n) => {
                    if !v.insert(n) {
                        return false;
                    }
                    if v.len() > max_ints {
                        self.convert();
                    }
                    return true;
                }
                None => self.convert(),
            }
        }
        if let Set::Small(p) = self {
            if p.find(member).is_some() {
                return false;
            }
            if p.fits(member) {
                p.push(member);
                return true;
            }
            self.to_table();
        }
        match self {
            Set::Table(d) => {
                let (_, existed) = d.get_or_insert_with(member, || ());
                !existed
            }
            Set::Ints(_) | Set::Small(_) => false,
        }
    }

    /// Adds a member as the encoding produced it.
    pub fn add_member(&mut self, m: Member, max_ints: usize) -> bool {
        self.add(m.bytes(&mut itoa::Buffer::new()), max_ints)
    }

    /// Removes `member`; true if it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            Set::Ints(v) => parse_i64(member).is_some_and(|n| v.remove(n)),
            Set::Small(p) => p.remove(member),
            Set::Table(d) => {
                let found = d.remove(member).is_some();
                if found {
                    // Redis checks whether a set's table should shrink after every delete.
                    d.shrink_if_needed();
                }
                found
            }
        }
    }

    /// Leaves the intset encoding: packed if small enough, else a table.
    fn convert(&mut self) {
        if let Set::Ints(v) = self {
            let mut buf = itoa::Buffer::new();
            if v.len() <= SMALL_MAX_ENTRIES {
                let mut p = Strs::default();
                for n in v.iter() {
                    p.push(buf.format(n).as_bytes());
                }
                *self = Set::Small(p);
            } else {
                let mut d = Dict::new();
                for n in v.iter() {
                    d.insert(buf.format(n).as_bytes(), ());
                }
                *self = Set::Table(Box::new(d));
            }
        }
    }

    /// Moves a packed set into a table.
    fn to_table(&mut self) {
        if let Set::Small(p) = self {
            let mut d = Dict::new();
            for m in p.iter() {
                d.insert(m, ());
            }
            *self = Set::Table(Box::new(d));
        }
    }

    /// Every member, in the encoding's order (ascending for an intset).
    pub fn iter(&self) -> Box<dyn Iterator<Item = Member<'_>> + '_> {
        match self {
            Set::Ints(v) => Box::new(v.iter().map(Member::Int)),
            Set::Small(p) => Box::new(p.iter().map(Member::Str)),
            Set::Table(d) => Box::new(d.iter().map(|(k, _)| Member::Str(k))),
        }
    }

    /// One random member; `None` when empty.
    pub fn random(&self) -> Option<Member<'_>> {
        match self {
            Set::Ints(v) => {
                if v.is_empty() {
                    return None;
                }
                Some(Member::Int(
                    v.get(crate::rand::below(v.len() as u64) as usize),
                ))
            }
            Set::Small(p) => {
                if p.len == 0 {
                    return None;
                }
                let i = crate::rand::below(u64::from(p.len)) as usize;
                p.iter().nth(i).map(Member::Str)
            }
            Set::Table(d) => d.random(crate::rand::next_u64).map(|(k, _)| Member::Str(k)),
        }
    }

    /// Removes and returns one random member.
    pub fn pop_random(&mut self) -> Option<Vec<u8>> {
        let m = self.random()?.to_vec();
        self.remove(&m);
        Some(m)
    }

    /// One step of SSCAN: an intset is returned whole with cursor 0, a table is walked bucket
    /// by bucket for up to `count * 10` buckets or until `count` members were seen.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(Member)) -> u64 {
        match self {
            Set::Ints(v) => {
                v.iter().for_each(|n| f(Member::Int(n)));
                0
            }
            Set::Small(p) => {
                p.iter().for_each(|m| f(Member::Str(m)));
                0
            }
            Set::Table(d) => scan_dict(d, cursor, count, 1, |k, _| f(Member::Str(k))),
        }
    }
}

impl Clone for Set {
    fn clone(&self) -> Self {
        match self {
            Set::Ints(v) => Set::Ints(v.clone()),
            Set::Small(p) => Set::Small(p.clone()),
            Set::Table(d) => {
                let mut n = Dict::new();
                for (k, _) in d.iter() {
                    n.insert(k, ());
                }
                Set::Table(Box::new(n))
            }
        }
    }
}

impl PartialEq for Set {
    /// Same members (whatever the encodings).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|m| other.contains_member(m))
    }
}

impl std::fmt::Debug for Set {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(
                self.iter()
                    .map(|m| String::from_utf8_lossy(&m.to_vec()).into_owned()),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intset_sorted_then_table() {
        let mut s = Set::new_for(b"3");
        assert!(s.add(b"3", 4));
        assert!(s.add(b"-1", 4));
        assert!(!s.add(b"3", 4));
        assert!(s.add(b"2", 4));
        let all: Vec<Vec<u8>> = s.iter().map(|m| m.to_vec()).collect();
        assert_eq!(all, vec![b"-1".to_vec(), b"2".to_vec(), b"3".to_vec()]);
        assert_eq!(s.encoding(), "intset");
        assert!(!s.contains(b"03"));
        assert!(s.add(b"03", 4));
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"3") && s.contains(b"03"));
        assert!(s.remove(b"3"));
        assert_eq!(s.len(), 3);
        let mut t = Set::new();
        for i in 0..5 {
            t.add(i.to_string().as_bytes(), 4);
        }
        assert_eq!(t.encoding(), "hashtable");
        assert_eq!(t.clone(), t);
        assert_eq!(Set::new_for(b"x").encoding(), "hashtable");
    }
}

/// Most members of a packed `Strs` set.
const SMALL_MAX_ENTRIES: usize = 128;
/// Longest member of a packed `Strs` set.
const SMALL_MAX_LEN: usize = 64;

/// A small set of strings packed in one exactly sized buffer, each member prefixed by its
/// LEB128 length, in insertion order, scanned linearly.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strs {
    buf: Box<[u8]>,
    len: u32,
}

impl Strs {
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let buf = &self.buf[..];
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= buf.len() {
                return None;
            }
            let (m, next) = read_str(buf, at);
            at = next;
            Some(&buf[m])
        })
    }

    /// The bytes (length prefix included) of `member`, if present.
    fn find(&self, member: &[u8]) -> Option<std::ops::Range<usize>> {
        let mut at = 0;
        while at < self.buf.len() {
            let (m, next) = read_str(&self.buf, at);
            if &self.buf[m] == member {
                return Some(at..next);
            }
            at = next;
        }
        None
    }

    /// Whether `member` may join without leaving the packed form.
    fn fits(&self, member: &[u8]) -> bool {
        (self.len as usize) < SMALL_MAX_ENTRIES && member.len() <= SMALL_MAX_LEN
    }

    fn push(&mut self, member: &[u8]) {
        let mut buf = std::mem::take(&mut self.buf).into_vec();
        buf.reserve_exact(member.len() + 1);
        put_len(&mut buf, member.len());
        buf.extend_from_slice(member);
        self.buf = buf.into_boxed_slice();
        self.len += 1;
    }

    fn remove(&mut self, member: &[u8]) -> bool {
        let Some(r) = self.find(member) else {
            return false;
        };
        let mut buf = std::mem::take(&mut self.buf).into_vec();
        buf.drain(r);
        self.buf = buf.into_boxed_slice();
        self.len -= 1;
        true
    }
}

/// Redis's intset: sorted integers packed at the narrowest width that holds them all (2, 4
/// or 8 bytes, little-endian), widened when a larger value arrives and never narrowed.
#[derive(Debug, Clone, PartialEq)]
pub struct IntSet {
    width: Width,
    /// Exactly sized (a `Box`, not a `Vec`), as Redis resizes its intsets.
    data: Box<[u8]>,
}

impl Default for IntSet {
    fn default() -> Self {
        IntSet {
            width: Width::W2,
            data: Box::default(),
        }
    }
}

/// An intset's integer width in bytes (an enum, so `Set` can keep its tag in the spare values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Width {
    W2 = 2,
    W4 = 4,
    W8 = 8,
}

fn width_of(n: i64) -> usize {
    if i16::try_from(n).is_ok() {
        2
    } else if i32::try_from(n).is_ok() {
        4
    } else {
        8
    }
}

impl IntSet {
    #[inline]
    fn w(&self) -> usize {
        self.width as u8 as usize
    }

    pub fn len(&self) -> usize {
        self.data.len() / self.w()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn heap_size(&self) -> usize {
        self.data.len()
    }

    /// The `i`-th smallest member (`i` < `len`).
    #[inline]
    pub fn get(&self, i: usize) -> i64 {
        let at = i * self.w();
        let b = &self.data[at..at + self.w()];
        match *b {
            [x, y] => i16::from_le_bytes([x, y]) as i64,
            [a, b, c, d] => i32::from_le_bytes([a, b, c, d]) as i64,
            [a, b, c, d, e, f, g, h] => i64::from_le_bytes([a, b, c, d, e, f, g, h]),
            _ => 0,
        }
    }

    fn put(buf: &mut [u8], width: usize, n: i64) {
        match width {
            2 => buf.copy_from_slice(&(n as i16).to_le_bytes()),
            4 => buf.copy_from_slice(&(n as i32).to_le_bytes()),
            _ => buf.copy_from_slice(&n.to_le_bytes()),
        }
    }

    /// Like `slice::binary_search`.
    pub fn binary_search(&self, n: i64) -> Result<usize, usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(&n) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    pub fn contains(&self, n: i64) -> bool {
        self.binary_search(n).is_ok()
    }

    /// Inserts `n`; false if already there.
    pub fn insert(&mut self, n: i64) -> bool {
        let w = width_of(n);
        if w > self.w() {
            // Widen: re-encode every member (a value that needs the new width is always the
            // smallest or the largest, so it is inserted at an end below).
            let len = self.len();
            let mut data = vec![0u8; (len + 1) * w];
            for i in 0..len {
                Self::put(&mut data[i * w..(i + 1) * w], w, self.get(i));
            }
            data.truncate(len * w);
            self.data = data.into_boxed_slice();
            self.width = match w {
                2 => Width::W2,
                4 => Width::W4,
                _ => Width::W8,
            };
        }
        let Err(at) = self.binary_search(n) else {
            return false;
        };
        let w = self.w();
        let mut enc = [0u8; 8];
        Self::put(&mut enc[..w], w, n);
        let mut data = std::mem::take(&mut self.data).into_vec();
        data.reserve_exact(w);
        data.splice(at * w..at * w, enc[..w].iter().copied());
        self.data = data.into_boxed_slice();
        true
    }

    /// Removes `n`; false if absent.
    pub fn remove(&mut self, n: i64) -> bool {
        let Ok(at) = self.binary_search(n) else {
            return false;
        };
        let w = self.w();
        let mut data = std::mem::take(&mut self.data).into_vec();
        data.drain(at * w..(at + 1) * w);
        self.data = data.into_boxed_slice();
        true
    }

    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

#[cfg(test)]
mod intset_tests {
    use super::*;

    #[test]
    fn small_set_is_small() {
        assert!(std::mem::size_of::<Set>() <= 24);
    }

    #[test]
    fn widens_and_stays_sorted() {
        let mut s = IntSet::default();
        for n in [5, -3, 300, 5] {
            s.insert(n);
        }
        assert_eq!(s.w(), 2);
        assert!(s.insert(1 << 20));
        assert_eq!(s.w(), 4);
        assert!(s.insert(i64::MIN));
        assert!(s.insert(i64::MAX));
        assert_eq!(s.w(), 8);
        let all: Vec<i64> = s.iter().collect();
        assert_eq!(all, vec![i64::MIN, -3, 5, 300, 1 << 20, i64::MAX]);
        assert!(s.remove(300) && !s.remove(300));
        assert!(s.contains(-3) && !s.contains(4));
        assert_eq!(s.len(), 5);
    }
}
