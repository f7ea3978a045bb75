//! The list type: a deque of byte strings, stored the way Redis 7.0's quicklist stores it — a
//! sequence of nodes, each one compact buffer of entries (like a listpack), so a small list is
//! one allocation for its data and a big one costs a few bytes of overhead per element.
//!
//! An entry is `varint(len) bytes reverse-varint(len)`: the length before the data lets a
//! node be walked forwards, the length after it (its bytes in reverse order) backwards, as
//! listpack's back-length does. Each node keeps free room before its first entry (`head`), so
//! pushing and popping at either end of the list is amortized O(1); popping from the front just
//! moves `head`, and the buffer is compacted once more than half of it is dead.
//!
//! Node size follows `list-max-listpack-size` (the `fill` argument): negative values -1..-5
//! cap a node at 4/8/16/32/64 KB, positive values at that many entries (and 8 KB, Redis's
//! safety limit). Redis 7.0 reports every list as `quicklist`, whatever its size.

use std::collections::VecDeque;

/// Redis's `SIZE_SAFETY_LIMIT`: most bytes of a count-limited node.
const SIZE_SAFETY_LIMIT: usize = 8192;

/// (most bytes, most entries) of a node for a `list-max-listpack-size` value.
fn node_limits(fill: i64) -> (usize, usize) {
    if fill >= 0 {
        (SIZE_SAFETY_LIMIT, fill.max(1) as usize)
    } else {
        let level = (-fill).min(5) as u32;
        (4096usize << (level - 1), usize::MAX)
    }
}

fn varint_len(mut n: usize) -> usize {
    let mut k = 1;
    n >>= 7;
    while n > 0 {
        k += 1;
        n >>= 7;
    }
    k
}

/// Bytes an entry of `n` data bytes takes.
#[inline]
fn entry_size(n: usize) -> usize {
    2 * varint_len(n) + n
}

/// Writes an entry into `dst`, which is exactly `entry_size(v.len())` bytes.
fn put_entry(dst: &mut [u8], v: &[u8]) {
    let k = varint_len(v.len());
    let mut n = v.len();
    for i in 0..k {
        let mut b = (n & 0x7f) as u8;
        n >>= 7;
        if i + 1 < k {
            b |= 0x80;
        }
        dst[i] = b;
        // The back length holds the same bytes in reverse order.
        dst[dst.len() - 1 - i] = b;
    }
    dst[k..k + v.len()].copy_from_slice(v);
}

/// The entry starting at `p`: (data start, data length, next entry's offset).
#[inline]
fn read_fwd(buf: &[u8], p: usize) -> (usize, usize, usize) {
    let mut n = 0usize;
    let mut shift = 0;
    let mut i = p;
    loop {
        let b = buf[i];
        n |= ((b & 0x7f) as usize) << shift;
        i += 1;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let k = i - p;
    (i, n, i + n + k)
}

/// The entry ending at `e` (exclusive): (entry start, data start, data length).
#[inline]
fn read_back(buf: &[u8], e: usize) -> (usize, usize, usize) {
    let mut n = 0usize;
    let mut shift = 0;
    let mut i = e;
    loop {
        i -= 1;
        let b = buf[i];
        n |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let k = e - i;
    let start = e - k - n - k;
    (start, start + k, n)
}

/// One node: entries in `buf[head..]`.
#[derive(Clone)]
struct Node {
    buf: Vec<u8>,
    head: u32,
    count: u32,
}

impl Node {
    fn with_entry(v: &[u8]) -> Node {
        let sz = entry_size(v.len());
        let mut buf = vec![0; sz];
        put_entry(&mut buf, v);
        Node {
            buf,
            head: 0,
            count: 1,
        }
    }

    #[inline]
    fn head(&self) -> usize {
        self.head as usize
    }

    #[inline]
    fn bytes(&self) -> usize {
        self.buf.len() - self.head()
    }

    fn allows(&self, add: usize, fill: i64) -> bool {
        let (max_bytes, max_count) = node_limits(fill);
        (self.count as usize) < max_count && self.bytes() + add <= max_bytes
    }

    fn too_big(&self, fill: i64) -> bool {
        let (max_bytes, max_count) = node_limits(fill);
        self.count > 1 && (self.count as usize > max_count || self.bytes() > max_bytes)
    }

    /// Drops the free room of a node that will not grow any more (a new node is being
    /// started next to it): no slack stays behind in the full nodes of a long list.
    fn seal(&mut self) {
        if self.head > 0 {
            self.buf.drain(..self.head());
            self.head = 0;
        }
        self.buf.shrink_to_fit();
    }

    fn push_back(&mut self, v: &[u8]) {
        let sz = entry_size(v.len());
        let at = self.buf.len();
        self.buf.resize(at + sz, 0);
        put_entry(&mut self.buf[at..], v);
        self.count += 1;
    }

    fn push_front(&mut self, v: &[u8]) {
        let sz = entry_size(v.len());
        if self.head() < sz {
            // Make room in front, with slack proportional to the data so that a run of
            // pushes at the front costs amortized O(1).
            let live = self.bytes();
            let slack = sz + live / 4;
            let mut nb = Vec::with_capacity(slack + live);
            nb.resize(slack, 0);
            nb.extend_from_slice(&self.buf[self.head()..]);
            self.buf = nb;
            self.head = slack as u32;
        }
        let at = self.head() - sz;
        put_entry(&mut self.buf[at..at + sz], v);
        self.head = at as u32;
        self.count += 1;
    }

    /// Drops the bytes before `new_head` (whole entries); compacts once most of the buffer
    /// is dead.
    fn advance_head(&mut self, new_head: usize, n: u32) {
        self.head = new_head as u32;
        self.count -= n;
        if self.head() > 64 && self.head() > self.bytes() {
            self.buf.drain(..self.head());
            self.head = 0;
            if self.buf.capacity() > 2 * self.buf.len() + 64 {
                self.buf.shrink_to_fit();
            }
        }
    }

    fn pop_front(&mut self) -> Vec<u8> {
        let (ds, n, next) = read_fwd(&self.buf, self.head());
        let v = self.buf[ds..ds + n].to_vec();
        self.advance_head(next, 1);
        v
    }

    fn pop_back(&mut self) -> Vec<u8> {
        let (start, ds, n) = read_back(&self.buf, self.buf.len());
        let v = self.buf[ds..ds + n].to_vec();
        self.buf.truncate(start);
        self.count -= 1;
        v
    }

    /// (start, end) byte offsets of entry `i` (< count), walking from the nearer end.
    fn entry_at(&self, i: usize) -> (usize, usize) {
        let count = self.count as usize;
        if i <= count / 2 {
            let mut p = self.head();
            for _ in 0..i {
                p = read_fwd(&self.buf, p).2;
            }
            (p, read_fwd(&self.buf, p).2)
        } else {
            let mut e = self.buf.len();
            for _ in 0..count - 1 - i {
                e = read_back(&self.buf, e).0;
            }
            (read_back(&self.buf, e).0, e)
        }
    }

    /// Replaces the bytes `start..end` (whole entries) with the entry for `v`.
    fn splice(&mut self, start: usize, end: usize, v: &[u8]) {
        let sz = entry_size(v.len());
        let mut e = vec![0; sz];
        put_entry(&mut e, v);
        self.buf.splice(start..end, e);
    }

    /// Splits off the second half of the entries into a new node.
    fn split(&mut self) -> Node {
        let keep = self.count as usize / 2;
        let (at, _) = self.entry_at(keep);
        let tail = self.buf.split_off(at);
        let moved = self.count - keep as u32;
        self.count = keep as u32;
        self.buf.shrink_to_fit();
        Node {
            buf: tail,
            head: 0,
            count: moved,
        }
    }
}

/// A Redis list.
#[derive(Clone, Default)]
pub struct List {
    nodes: VecDeque<Node>,
    len: usize,
}

impl std::fmt::Debug for List {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(String::from_utf8_lossy))
            .finish()
    }
}

impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl List {
    pub fn new() -> List {
        List::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `OBJECT ENCODING` name: Redis 7.0 reports every list as a quicklist.
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    /// Heap bytes held.
    pub fn heap_size(&self) -> usize {
        self.heap_size_sampled(usize::MAX)
    }

    /// `heap_size` with the nodes' buffers extrapolated from the first `samples` nodes.
    pub fn heap_size_sampled(&self, samples: usize) -> usize {
        let sizes = self.nodes.iter().map(|n| n.buf.capacity());
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + super::sampled_sum(self.nodes.len(), samples, sizes)
    }

    /// Pushes at the head (`left`) or the tail.
    pub fn push(&mut self, v: &[u8], left: bool, fill: i64) {
        let sz = entry_size(v.len());
        self.len += 1;
        let end = if left {
            self.nodes.front_mut()
        } else {
            self.nodes.back_mut()
        };
        match end {
            Some(n) if n.allows(sz, fill) => {
                if left {
                    n.push_front(v)
                } else {
                    n.push_back(v)
                }
            }
            end => {
                if let Some(full) = end {
                    full.seal();
                }
                if self.nodes.capacity() == 0 {
                    self.nodes.reserve_exact(1);
                }
                let n = Node::with_entry(v);
                if left {
                    self.nodes.push_front(n)
                } else {
                    self.nodes.push_back(n)
                }
            }
        }
    }

    /// Pops from the head (`left`) or the tail.
    pub fn pop(&mut self, left: bool) -> Option<Vec<u8>> {
        let n = if left {
            self.nodes.front_mut()?
        } else {
            self.nodes.back_mut()?
        };
        let v = if left { n.pop_front() } else { n.pop_back() };
        if n.count == 0 {
            if left {
                self.nodes.pop_front();
            } else {
                self.nodes.pop_back();
            }
        }
        self.len -= 1;
        Some(v)
    }

    /// A Redis index (negative counts from the tail) as a position, if in range.
    pub fn index(&self, i: i64) -> Option<usize> {
        let len = self.len as i64;
        let i = if i < 0 { i.checked_add(len)? } else { i };
        (0..len).contains(&i).then_some(i as usize)
    }

    /// (node, index in node) of position `i` (< len), walking from the nearer end.
    fn locate(&self, i: usize) -> (usize, usize) {
        if i < self.len / 2 {
            let mut i = i;
            for (ni, n) in self.nodes.iter().enumerate() {
                if i < n.count as usize {
                    return (ni, i);
                }
                i -= n.count as usize;
            }
        } else {
            let mut from_end = self.len - 1 - i;
            for (ni, n) in self.nodes.iter().enumerate().rev() {
                if from_end < n.count as usize {
                    return (ni, n.count as usize - 1 - from_end);
                }
                from_end -= n.count as usize;
            }
        }
        (0, 0)
    }

    /// The element at position `i`.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        if i >= self.len {
            return None;
        }
        let (ni, li) = self.locate(i);
        let n = &self.nodes[ni];
        let (s, _) = n.entry_at(li);
        let (ds, len, _) = read_fwd(&n.buf, s);
        Some(&n.buf[ds..ds + len])
    }

    /// Replaces the element at position `i`; false if out of range.
    pub fn set(&mut self, i: usize, v: &[u8], fill: i64) -> bool {
        if i >= self.len {
            return false;
        }
        let (ni, li) = self.locate(i);
        let n = &mut self.nodes[ni];
        let (s, e) = n.entry_at(li);
        n.splice(s, e, v);
        self.rebalance(ni, fill);
        true
    }

    /// Splits node `ni` until no part of it is past the limits (an entry larger than a node
    /// ends up alone in its node), so that a node holding several entries stays small.
    fn rebalance(&mut self, ni: usize, fill: i64) {
        let (mut i, mut end) = (ni, ni + 1);
        while i < end {
            if self.nodes[i].too_big(fill) {
                let tail = self.nodes[i].split();
                self.nodes.insert(i + 1, tail);
                end += 1;
            } else {
                i += 1;
            }
        }
    }

    /// Iterates from the head.
    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0)
    }

    /// Iterates towards the tail starting at position `i`.
    pub fn iter_from(&self, i: usize) -> Iter<'_> {
        if i >= self.len {
            return Iter {
                nodes: &self.nodes,
                ni: self.nodes.len(),
                off: 0,
            };
        }
        let (ni, li) = self.locate(i);
        let off = self.nodes[ni].entry_at(li).0;
        Iter {
            nodes: &self.nodes,
            ni,
            off,
        }
    }

    /// Iterates towards the head starting at position `i` (inclusive).
    pub fn iter_rev_from(&self, i: usize) -> RevIter<'_> {
        if i >= self.len {
            return RevIter {
                nodes: &self.nodes,
                ni: 0,
                end: 0,
                done: true,
            };
        }
        let (ni, li) = self.locate(i);
        let end = self.nodes[ni].entry_at(li).1;
        RevIter {
            nodes: &self.nodes,
            ni,
            end,
            done: false,
        }
    }

    /// Iterates from the tail towards the head.
    pub fn iter_rev(&self) -> RevIter<'_> {
        self.iter_rev_from(self.len.saturating_sub(1))
    }

    /// Inserts `v` before or after the first element equal to `pivot`; false if none.
    pub fn insert(&mut self, pivot: &[u8], v: &[u8], after: bool, fill: i64) -> bool {
        for ni in 0..self.nodes.len() {
            let n = &mut self.nodes[ni];
            let mut p = n.head();
            while p < n.buf.len() {
                let (ds, len, next) = read_fwd(&n.buf, p);
                if &n.buf[ds..ds + len] == pivot {
                    let at = if after { next } else { p };
                    n.splice(at, at, v);
                    n.count += 1;
                    self.len += 1;
                    self.rebalance(ni, fill);
                    return true;
                }
                p = next;
            }
        }
        false
    }

    /// Removes elements equal to `v`: the first `limit` from the head, or from the tail if
    /// `from_tail`; all of them if `limit` is 0. Returns how many were removed.
    pub fn remove(&mut self, v: &[u8], limit: usize, from_tail: bool) -> usize {
        // Matches are removed in one forward pass; from the tail that means skipping all but
        // the last `limit` of them.
        let mut skip = 0;
        if from_tail && limit > 0 {
            let total = self.iter().filter(|e| *e == v).count();
            skip = total.saturating_sub(limit);
        }
        let mut removed = 0;
        for n in self.nodes.iter_mut() {
            if limit > 0 && removed == limit {
                break;
            }
            let mut p = n.head();
            let mut kept: Option<Vec<u8>> = None;
            let mut copied_to = n.head();
            let mut gone = 0u32;
            while p < n.buf.len() {
                let (ds, len, next) = read_fwd(&n.buf, p);
                let hit = &n.buf[ds..ds + len] == v && (limit == 0 || removed < limit);
                let hit = if hit && skip > 0 {
                    skip -= 1;
                    false
                } else {
                    hit
                };
                if hit {
                    let k = kept.get_or_insert_with(|| Vec::with_capacity(n.bytes()));
                    k.extend_from_slice(&n.buf[copied_to..p]);
                    copied_to = next;
                    gone += 1;
                    removed += 1;
                }
                p = next;
            }
            if let Some(mut k) = kept {
                k.extend_from_slice(&n.buf[copied_to..]);
                k.shrink_to_fit();
                n.buf = k;
                n.head = 0;
                n.count -= gone;
            }
        }
        self.nodes.retain(|n| n.count > 0);
        self.len -= removed;
        removed
    }

    /// Removes `n` elements from the head.
    pub fn trim_front(&mut self, mut n: usize) {
        n = n.min(self.len);
        self.len -= n;
        while n > 0 {
            let Some(node) = self.nodes.front_mut() else {
                break;
            };
            if node.count as usize <= n {
                n -= node.count as usize;
                self.nodes.pop_front();
            } else {
                let (at, _) = node.entry_at(n);
                node.advance_head(at, n as u32);
                n = 0;
            }
        }
    }

    /// Removes `n` elements from the tail.
    pub fn trim_back(&mut self, mut n: usize) {
        n = n.min(self.len);
        self.len -= n;
        while n > 0 {
            let Some(node) = self.nodes.back_mut() else {
                break;
            };
            if node.count as usize <= n {
                n -= node.count as usize;
                self.nodes.pop_back();
            } else {
                let keep = node.count as usize - n;
                let (at, _) = node.entry_at(keep);
                node.buf.truncate(at);
                node.count = keep as u32;
                n = 0;
            }
        }
    }
}

/// Iterator towards the tail.
pub struct Iter<'a> {
    nodes: &'a VecDeque<Node>,
    ni: usize,
    off: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            let n = self.nodes.get(self.ni)?;
            if self.off < n.buf.len() {
                let (ds, len, next) = read_fwd(&n.buf, self.off);
                self.off = next;
                return Some(&n.buf[ds..ds + len]);
            }
            self.ni += 1;
            self.off = self.nodes.get(self.ni).map_or(0, |n| n.head());
        }
    }
}

/// Iterator towards the head.
pub struct RevIter<'a> {
    nodes: &'a VecDeque<Node>,
    ni: usize,
    /// End (exclusive) of the next entry in node `ni`.
    end: usize,
    done: bool,
}

impl<'a> Iterator for RevIter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        while !self.done {
            let n = self.nodes.get(self.ni)?;
            if self.end > n.head() {
                let (start, ds, len) = read_back(&n.buf, self.end);
                self.end = start;
                return Some(&n.buf[ds..ds + len]);
            }
            if self.ni == 0 {
                self.done = true;
            } else {
                self.ni -= 1;
                self.end = self.nodes[self.ni].buf.len();
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_check(l: &List, m: &VecDeque<Vec<u8>>) {
        assert_eq!(l.len(), m.len());
        let fwd: Vec<&[u8]> = l.iter().collect();
        let want: Vec<&[u8]> = m.iter().map(|v| v.as_slice()).collect();
        assert_eq!(fwd, want);
        let mut rev: Vec<&[u8]> = l.iter_rev().collect();
        rev.reverse();
        assert_eq!(rev, want);
        for (i, v) in m.iter().enumerate() {
            assert_eq!(l.get(i), Some(v.as_slice()));
        }
        for n in &l.nodes {
            assert!(n.count > 0);
        }
        assert_eq!(
            l.nodes.iter().map(|n| n.count as usize).sum::<usize>(),
            l.len()
        );
    }

    fn val(i: u64) -> Vec<u8> {
        // Mixed sizes, some over 127 bytes (two-byte lengths).
        let len = (i * 37 % 300) as usize;
        let mut v = format!("{i}-").into_bytes();
        v.resize(len.max(v.len()), b'x');
        v
    }

    #[test]
    fn random_ops_match_a_model() {
        for fill in [-2i64, -1, 3, 1, 0] {
            let mut l = List::new();
            let mut m: VecDeque<Vec<u8>> = VecDeque::new();
            let mut seed = 12345u64.wrapping_add(fill as u64);
            let mut rnd = || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed
            };
            for step in 0..4000u64 {
                let r = rnd();
                match r % 9 {
                    0 | 1 => {
                        let v = val(r >> 8);
                        l.push(&v, true, fill);
                        m.push_front(v);
                    }
                    2 | 3 => {
                        let v = val(r >> 8);
                        l.push(&v, false, fill);
                        m.push_back(v);
                    }
                    4 => assert_eq!(l.pop(true), m.pop_front()),
                    5 => assert_eq!(l.pop(false), m.pop_back()),
                    6 if !m.is_empty() => {
                        let i = (r >> 8) as usize % m.len();
                        let v = val(r >> 20);
                        assert!(l.set(i, &v, fill));
                        m[i] = v;
                    }
                    7 if !m.is_empty() => {
                        let i = (r >> 8) as usize % m.len();
                        let pivot = m[i].clone();
                        let first = m.iter().position(|x| *x == pivot).unwrap_or(0);
                        let after = r & 1 == 0;
                        let v = val(r >> 20);
                        assert!(l.insert(&pivot, &v, after, fill));
                        m.insert(first + after as usize, v);
                    }
                    8 if step % 50 == 0 && !m.is_empty() => {
                        let a = (r >> 8) as usize % (m.len() / 4 + 1);
                        let b = (r >> 30) as usize % (m.len() / 4 + 1);
                        l.trim_front(a);
                        l.trim_back(b);
                        for _ in 0..a.min(m.len()) {
                            m.pop_front();
                        }
                        for _ in 0..b.min(m.len()) {
                            m.pop_back();
                        }
                    }
                    _ => {}
                }
                if step % 97 == 0 {
                    model_check(&l, &m);
                }
            }
            model_check(&l, &m);
            for i in 0..m.len() {
                let a: Vec<&[u8]> = l.iter_from(i).collect();
                let b: Vec<&[u8]> = m.iter().skip(i).map(|v| v.as_slice()).collect();
                assert_eq!(a, b);
                let a: Vec<&[u8]> = l.iter_rev_from(i).collect();
                let b: Vec<&[u8]> = m.iter().take(i + 1).rev().map(|v| v.as_slice()).collect();
                assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn an_oversized_entry_ends_up_alone_in_its_node() {
        let mut l = List::new();
        for i in 0..100 {
            l.push(format!("{i}").as_bytes(), false, -1);
        }
        let big = vec![b'x'; 10_000];
        assert!(l.set(50, &big, -1));
        assert!(l.insert(b"10", &big, true, -1));
        for n in &l.nodes {
            assert!(
                n.count == 1 || n.bytes() <= 4096,
                "{} entries, {} bytes",
                n.count,
                n.bytes()
            );
        }
        assert!(l.get(51) == Some(&big[..]));
        assert!(l.get(11) == Some(&big[..]));
        assert_eq!(l.get(50), Some(&b"49"[..]));
        assert_eq!(l.len(), 101);
    }

    #[test]
    fn remove_from_either_end() {
        let items = ["a", "b", "a", "c", "a", "a", "d"];
        for (limit, tail, want) in [
            (0, false, vec!["b", "c", "d"]),
            (2, false, vec!["b", "c", "a", "a", "d"]),
            (2, true, vec!["a", "b", "a", "c", "d"]),
            (10, true, vec!["b", "c", "d"]),
        ] {
            for fill in [-2, 2] {
                let mut l = List::new();
                for i in items {
                    l.push(i.as_bytes(), false, fill);
                }
                let before = l.len();
                let n = l.remove(b"a", limit, tail);
                let got: Vec<String> = l
                    .iter()
                    .map(|v| String::from_utf8_lossy(v).into())
                    .collect();
                assert_eq!(got, want, "limit {limit} tail {tail} fill {fill}");
                assert_eq!(n, before - l.len());
            }
        }
    }
}
