//! The Set type, with Redis 7.0's two encodings (7.0 has no listpack sets):
//!
//! - `intset`: a sorted vector of integers, while every member is an integer in Redis's
//!   canonical form (`string2ll`: no sign but `-`, no leading zeros, fits an i64) and the set
//!   has at most `set-max-intset-entries` members. Iterates in ascending order, like Redis.
//! - `hashtable`: once a non-integer is added or the set grows past the limit. A set never
//!   converts back to an intset. Internally a small set of short strings (up to 128 members
//!   of up to 64 bytes, Redis 7.2's listpack limits) is packed in one buffer rather than a
//!   `Dict`, about a fifth of the memory; it is still reported as `hashtable`, its order is
//!   as arbitrary as a hash table's to clients, and SSCAN returns it whole. Past those limits
//!   it moves to a `Dict`.
//!
//! Both compact forms are one `Packed` buffer (the `kind` says which), so a `Set` is 24 bytes.

use crate::protocol::parse_i64;
use crate::types::dict::Dict;
use crate::types::hash::{put_len, read_str, scan_dict};

pub enum Set {
    /// An intset, or a small `hashtable`-encoded set of strings.
    Packed(Packed),
    /// Boxed, so a small set costs only its buffer.
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
        Set::Packed(Packed::empty_ints())
    }
}

impl Set {
    /// An empty set in the encoding Redis's `setTypeCreate` picks for its first member:
    /// `intset` if it is an integer, else `hashtable`.
    pub fn new_for(first: &[u8]) -> Set {
        if parse_i64(first).is_some() {
            Set::default()
        } else {
            Set::Packed(Packed::empty_strs())
        }
    }

    /// An empty intset (the destination of SINTERSTORE & co.).
    pub fn new() -> Set {
        Set::default()
    }

    pub fn len(&self) -> usize {
        match self {
            Set::Packed(p) => p.len as usize,
            Set::Table(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether this is an intset.
    pub fn is_intset(&self) -> bool {
        matches!(self, Set::Packed(p) if p.is_ints())
    }

    /// An intset as Redis's blob holds it: (integer width, count, little-endian contents in
    /// ascending order); `None` for other encodings. For the RDB writer.
    pub fn intset_parts(&self) -> Option<(usize, usize, &[u8])> {
        match self {
            Set::Packed(p) if p.is_ints() => Some((p.w(), p.len as usize, &p.buf)),
            _ => None,
        }
    }

    /// An intset from a blob's parts, kept at its width as Redis keeps a loaded intset. The
    /// caller has checked them (width 2, 4 or 8, `count * width` bytes, strictly ascending).
    pub fn from_intset(width: usize, count: usize, data: &[u8]) -> Set {
        let kind = match width {
            2 => Kind::Int2,
            4 => Kind::Int4,
            _ => Kind::Int8,
        };
        Set::Packed(Packed {
            buf: data.into(),
            len: count as u32,
            kind,
        })
    }

    /// The `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        if self.is_intset() {
            "intset"
        } else {
            "hashtable"
        }
    }

    /// Rough heap footprint.
    pub fn heap_size(&self) -> usize {
        self.heap_size_sampled(usize::MAX)
    }

    /// `heap_size` with a hashtable's entries extrapolated from the first `samples`.
    pub fn heap_size_sampled(&self, samples: usize) -> usize {
        match self {
            Set::Packed(p) => p.buf.len(),
            Set::Table(d) => {
                let sizes = d
                    .iter()
                    .map(|(k, _)| 40 + if k.len() > 22 { k.len() } else { 0 });
                d.buckets() * 8 + super::sampled_sum(d.len(), samples, sizes)
            }
        }
    }

    pub fn contains(&self, member: &[u8]) -> bool {
        match self {
            Set::Packed(p) if p.is_ints() => {
                parse_i64(member).is_some_and(|n| p.search_int(n).is_ok())
            }
            Set::Packed(p) => p.find_str(member).is_some(),
            Set::Table(d) => d.contains_key(member),
        }
    }

    pub fn contains_member(&self, m: Member) -> bool {
        match (self, m) {
            (Set::Packed(p), Member::Int(n)) if p.is_ints() => p.search_int(n).is_ok(),
            (_, m) => self.contains(m.bytes(&mut itoa::Buffer::new())),
        }
    }

    /// Adds `member`; true if new. `max_ints` is `set-max-intset-entries`.
    pub fn add(&mut self, member: &[u8], max_ints: usize) -> bool {
        if let Set::Packed(p) = self
            && p.is_ints()
        {
            match parse_i64(member) {
                Some(n) => {
                    if !p.insert_int(n) {
                        return false;
                    }
                    if p.len as usize > max_ints {
                        self.leave_intset();
                    }
                    return true;
                }
                None => self.leave_intset(),
            }
        }
        if let Set::Packed(p) = self {
            if p.find_str(member).is_some() {
                return false;
            }
            if (p.len as usize) < SMALL_MAX_ENTRIES && member.len() <= SMALL_MAX_LEN {
                p.push_str(member);
                return true;
            }
            self.make_table();
        }
        match self {
            Set::Table(d) => {
                let (_, existed) = d.get_or_insert_with(member, || ());
                !existed
            }
            Set::Packed(_) => false,
        }
    }

    /// Adds a member as the encoding produced it.
    pub fn add_member(&mut self, m: Member, max_ints: usize) -> bool {
        self.add(m.bytes(&mut itoa::Buffer::new()), max_ints)
    }

    /// Removes `member`; true if it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            Set::Packed(p) if p.is_ints() => parse_i64(member).is_some_and(|n| p.remove_int(n)),
            Set::Packed(p) => p.remove_str(member),
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

    /// Leaves the intset encoding: packed strings if small enough, else a table.
    fn leave_intset(&mut self) {
        let Set::Packed(p) = self else {
            return;
        };
        let mut buf = itoa::Buffer::new();
        if p.len as usize <= SMALL_MAX_ENTRIES {
            let mut strs = Packed::empty_strs();
            for n in p.ints() {
                strs.push_str(buf.format(n).as_bytes());
            }
            *self = Set::Packed(strs);
        } else {
            let mut d = Dict::new();
            for n in p.ints() {
                d.insert(buf.format(n).as_bytes(), ());
            }
            *self = Set::Table(Box::new(d));
        }
    }

    /// Moves packed strings into a table.
    fn make_table(&mut self) {
        if let Set::Packed(p) = self {
            let mut d = Dict::new();
            for m in p.strs_iter() {
                d.insert(m, ());
            }
            *self = Set::Table(Box::new(d));
        }
    }

    /// Every member, in the encoding's order (ascending for an intset).
    pub fn iter(&self) -> Box<dyn Iterator<Item = Member<'_>> + '_> {
        match self {
            Set::Packed(p) if p.is_ints() => Box::new(p.ints().map(Member::Int)),
            Set::Packed(p) => Box::new(p.strs_iter().map(Member::Str)),
            Set::Table(d) => Box::new(d.iter().map(|(k, _)| Member::Str(k))),
        }
    }

    /// One random member; `None` when empty.
    pub fn random(&self) -> Option<Member<'_>> {
        match self {
            Set::Packed(p) => {
                if p.len == 0 {
                    return None;
                }
                let i = crate::rand::below(u64::from(p.len)) as usize;
                if p.is_ints() {
                    Some(Member::Int(p.get_int(i)))
                } else {
                    p.strs_iter().nth(i).map(Member::Str)
                }
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

    /// One step of SSCAN: a packed set is returned whole with cursor 0, a table is walked
    /// bucket by bucket for up to `count * 10` buckets or until `count` members were seen.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(Member)) -> u64 {
        match self {
            Set::Packed(_) => {
                self.iter().for_each(f);
                0
            }
            Set::Table(d) => scan_dict(d, cursor, count, 1, |k, _| f(Member::Str(k))),
        }
    }
}

impl Clone for Set {
    fn clone(&self) -> Self {
        match self {
            Set::Packed(p) => Set::Packed(p.clone()),
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

/// Most members of a packed set of strings.
const SMALL_MAX_ENTRIES: usize = 128;
/// Longest member of a packed set of strings.
const SMALL_MAX_LEN: usize = 64;

/// What a `Packed` buffer holds. An enum rather than a number, so `Set` can keep its own tag
/// in the spare values and stay 24 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    /// Strings, each prefixed by its LEB128 length, in insertion order.
    Strs = 0,
    /// Redis's intset: sorted integers, little-endian, all at the narrowest width (2, 4 or
    /// 8 bytes) that holds them, widened when a larger value arrives and never narrowed.
    Int2 = 2,
    Int4 = 4,
    Int8 = 8,
}

/// One exactly sized buffer (a `Box`, not a `Vec`, as Redis resizes its intsets and
/// listpacks to fit) of `len` members.
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    buf: Box<[u8]>,
    len: u32,
    kind: Kind,
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

fn put_int(buf: &mut [u8], width: usize, n: i64) {
    match width {
        2 => buf.copy_from_slice(&(n as i16).to_le_bytes()),
        4 => buf.copy_from_slice(&(n as i32).to_le_bytes()),
        _ => buf.copy_from_slice(&n.to_le_bytes()),
    }
}

impl Packed {
    fn empty_ints() -> Packed {
        Packed {
            buf: Box::default(),
            len: 0,
            kind: Kind::Int2,
        }
    }

    fn empty_strs() -> Packed {
        Packed {
            buf: Box::default(),
            len: 0,
            kind: Kind::Strs,
        }
    }

    #[inline]
    fn is_ints(&self) -> bool {
        self.kind != Kind::Strs
    }

    /// The integer width in bytes.
    #[inline]
    fn w(&self) -> usize {
        self.kind as u8 as usize
    }

    /// The `i`-th smallest integer (`i` < `len`).
    #[inline]
    fn get_int(&self, i: usize) -> i64 {
        let at = i * self.w();
        match self.buf[at..at + self.w()] {
            [x, y] => i16::from_le_bytes([x, y]) as i64,
            [a, b, c, d] => i32::from_le_bytes([a, b, c, d]) as i64,
            [a, b, c, d, e, f, g, h] => i64::from_le_bytes([a, b, c, d, e, f, g, h]),
            _ => 0,
        }
    }

    /// Like `slice::binary_search` over the integers.
    fn search_int(&self, n: i64) -> Result<usize, usize> {
        let (mut lo, mut hi) = (0, self.len as usize);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get_int(mid).cmp(&n) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    /// Inserts an integer; false if already there.
    fn insert_int(&mut self, n: i64) -> bool {
        let w = width_of(n);
        if w > self.w() {
            // Widen: re-encode every member (a value that needs the new width is always the
            // smallest or the largest, so it is inserted at an end below).
            let len = self.len as usize;
            let mut data = vec![0u8; len * w];
            for i in 0..len {
                put_int(&mut data[i * w..(i + 1) * w], w, self.get_int(i));
            }
            self.buf = data.into_boxed_slice();
            self.kind = match w {
                2 => Kind::Int2,
                4 => Kind::Int4,
                _ => Kind::Int8,
            };
        }
        let Err(at) = self.search_int(n) else {
            return false;
        };
        let w = self.w();
        let mut enc = [0u8; 8];
        put_int(&mut enc[..w], w, n);
        let mut buf = std::mem::take(&mut self.buf).into_vec();
        buf.reserve_exact(w);
        buf.splice(at * w..at * w, enc[..w].iter().copied());
        self.buf = buf.into_boxed_slice();
        self.len += 1;
        true
    }

    /// Removes an integer; false if absent.
    fn remove_int(&mut self, n: i64) -> bool {
        let Ok(at) = self.search_int(n) else {
            return false;
        };
        let w = self.w();
        self.cut(at * w..(at + 1) * w);
        true
    }

    fn ints(&self) -> impl Iterator<Item = i64> + '_ {
        (0..self.len as usize).map(|i| self.get_int(i))
    }

    fn strs_iter(&self) -> impl Iterator<Item = &[u8]> {
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

    /// The bytes (length prefix included) of a string member, if present.
    fn find_str(&self, member: &[u8]) -> Option<std::ops::Range<usize>> {
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

    fn push_str(&mut self, member: &[u8]) {
        let mut buf = std::mem::take(&mut self.buf).into_vec();
        buf.reserve_exact(member.len() + 1);
        put_len(&mut buf, member.len());
        buf.extend_from_slice(member);
        self.buf = buf.into_boxed_slice();
        self.len += 1;
    }

    fn remove_str(&mut self, member: &[u8]) -> bool {
        let Some(r) = self.find_str(member) else {
            return false;
        };
        self.cut(r);
        true
    }

    /// Removes one member's bytes.
    fn cut(&mut self, r: std::ops::Range<usize>) {
        let mut buf = std::mem::take(&mut self.buf).into_vec();
        buf.drain(r);
        self.buf = buf.into_boxed_slice();
        self.len -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_set_is_small() {
        assert!(std::mem::size_of::<Set>() <= 24);
    }

    #[test]
    fn intset_widens_and_stays_sorted() {
        let mut s = Set::new();
        for n in ["5", "-3", "300", "5"] {
            s.add(n.as_bytes(), 512);
        }
        let Set::Packed(p) = &s else { panic!() };
        assert_eq!(p.w(), 2);
        assert!(s.add(b"1048576", 512));
        let Set::Packed(p) = &s else { panic!() };
        assert_eq!(p.w(), 4);
        assert!(s.add(b"-9223372036854775808", 512));
        assert!(s.add(b"9223372036854775807", 512));
        let all: Vec<Vec<u8>> = s.iter().map(|m| m.to_vec()).collect();
        let want = [
            "-9223372036854775808",
            "-3",
            "5",
            "300",
            "1048576",
            "9223372036854775807",
        ];
        assert_eq!(all, want.map(|w| w.as_bytes().to_vec()));
        assert!(s.remove(b"300") && !s.remove(b"300"));
        assert!(s.contains(b"-3") && !s.contains(b"4"));
        assert_eq!((s.len(), s.encoding()), (5, "intset"));
    }

    #[test]
    fn packed_strings_then_table() {
        let mut s = Set::new_for(b"a");
        for i in 0..SMALL_MAX_ENTRIES {
            assert!(s.add(format!("m{i}").as_bytes(), 512));
        }
        assert!(matches!(s, Set::Packed(_)));
        assert!(!s.add(b"m0", 512));
        assert!(s.add(b"one more", 512));
        assert!(matches!(s, Set::Table(_)));
        assert_eq!(s.len(), SMALL_MAX_ENTRIES + 1);
        let mut t = Set::new_for(b"a");
        t.add(b"a", 512);
        t.add(&[b'x'; SMALL_MAX_LEN + 1], 512);
        assert!(matches!(t, Set::Table(_)));
        assert!(t.remove(b"a") && t.len() == 1);
    }

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
