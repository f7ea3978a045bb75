//! The Set type, with Redis 7.0's two encodings (7.0 has no listpack sets):
//!
//! - `intset`: a sorted vector of integers, while every member is an integer in Redis's
//!   canonical form (`string2ll`: no sign but `-`, no leading zeros, fits an i64) and the set
//!   has at most `set-max-intset-entries` members. Iterates in ascending order, like Redis.
//! - `hashtable`: a `Dict` of members, once a non-integer is added or the set grows past the
//!   limit. A set never converts back.

use crate::keyspace::dict::Dict;
use crate::protocol::parse_i64;

pub enum Set {
    Ints(Vec<i64>),
    Table(Dict<()>),
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
        Set::Ints(Vec::new())
    }
}

impl Set {
    /// An empty set in the encoding Redis's `setTypeCreate` picks for its first member:
    /// `intset` if it is an integer, else `hashtable`.
    pub fn new_for(first: &[u8]) -> Set {
        if parse_i64(first).is_some() {
            Set::Ints(Vec::new())
        } else {
            Set::Table(Dict::new())
        }
    }

    /// An empty intset (the destination of SINTERSTORE & co.).
    pub fn new() -> Set {
        Set::default()
    }

    pub fn len(&self) -> usize {
        match self {
            Set::Ints(v) => v.len(),
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
            Set::Table(_) => "hashtable",
        }
    }

    /// Rough heap footprint.
    pub fn heap_size(&self) -> usize {
        match self {
            Set::Ints(v) => v.capacity() * 8,
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
            Set::Ints(v) => parse_i64(member).is_some_and(|n| v.binary_search(&n).is_ok()),
            Set::Table(d) => d.contains_key(member),
        }
    }

    pub fn contains_member(&self, m: Member) -> bool {
        match (self, m) {
            (Set::Ints(v), Member::Int(n)) => v.binary_search(&n).is_ok(),
            (_, m) => self.contains(m.bytes(&mut itoa::Buffer::new())),
        }
    }

    /// Adds `member`; true if new. `max_ints` is `set-max-intset-entries`.
    pub fn add(&mut self, member: &[u8], max_ints: usize) -> bool {
        if let Set::Ints(v) = self {
            match parse_i64(member) {
                Some(n) => {
                    let Err(at) = v.binary_search(&n) else {
                        return false;
                    };
                    v.insert(at, n);
                    if v.len() > max_ints {
                        self.convert();
                    }
                    return true;
                }
                None => self.convert(),
            }
        }
        match self {
            Set::Table(d) => {
                let (_, existed) = d.get_or_insert_with(member, || ());
                !existed
            }
            Set::Ints(_) => false,
        }
    }

    /// Adds a member as the encoding produced it.
    pub fn add_member(&mut self, m: Member, max_ints: usize) -> bool {
        self.add(m.bytes(&mut itoa::Buffer::new()), max_ints)
    }

    /// Removes `member`; true if it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            Set::Ints(v) => match parse_i64(member).map(|n| v.binary_search(&n)) {
                Some(Ok(at)) => {
                    v.remove(at);
                    if v.capacity() > 16 && v.capacity() > v.len() * 2 {
                        v.shrink_to_fit();
                    }
                    true
                }
                _ => false,
            },
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

    fn convert(&mut self) {
        if let Set::Ints(v) = self {
            let mut d = Dict::new();
            let mut buf = itoa::Buffer::new();
            for n in v.iter() {
                d.insert(buf.format(*n).as_bytes(), ());
            }
            *self = Set::Table(d);
        }
    }

    /// Every member, in the encoding's order (ascending for an intset).
    pub fn iter(&self) -> Box<dyn Iterator<Item = Member<'_>> + '_> {
        match self {
            Set::Ints(v) => Box::new(v.iter().map(|&n| Member::Int(n))),
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
                Some(Member::Int(v[crate::rand::below(v.len() as u64) as usize]))
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
                v.iter().for_each(|&n| f(Member::Int(n)));
                0
            }
            Set::Table(d) => {
                let mut cursor = cursor;
                let mut seen = 0usize;
                let mut budget = count.saturating_mul(10);
                // Redis's loop: one bucket, then more while the budget lasts and fewer than
                // `count` items were collected.
                loop {
                    cursor = d.scan(cursor, |k, _| {
                        seen += 1;
                        f(Member::Str(k))
                    });
                    if cursor == 0 || budget == 0 || seen >= count {
                        break;
                    }
                    budget -= 1;
                }
                cursor
            }
        }
    }
}

impl Clone for Set {
    fn clone(&self) -> Self {
        match self {
            Set::Ints(v) => Set::Ints(v.clone()),
            Set::Table(d) => {
                let mut n = Dict::new();
                for (k, _) in d.iter() {
                    n.insert(k, ());
                }
                Set::Table(n)
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
