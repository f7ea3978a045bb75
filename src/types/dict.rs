//! A hash table that grows and shrinks incrementally, as Redis's `dict` does.
//!
//! Two bucket arrays: while a resize is in progress, new entries go to the new table and every
//! write moves one old bucket across (`rehash_step`); the server's cron moves more for up to a
//! millisecond per tick. No operation ever rehashes the whole table at once, so a 10-million-key
//! keyspace grows without a stop-the-world pause.
//!
//! Buckets are chains of boxed nodes. Table sizes are powers of two, and `scan` walks buckets in
//! reverse-binary order (Redis's `dictScan`): a cursor visits every bucket index of the smaller
//! table exactly once and, for each, all of its expansions in the larger one, so every entry
//! present for the whole scan is returned at least once even if the table resizes in between.

use std::hash::BuildHasher;

type Link<V> = Option<Box<Node<V>>>;

/// Keys up to this length live inside the node: comparing them costs no extra cache miss
/// (a key on the heap is one more pointer to chase per lookup), and saves an allocation.
const INLINE_KEY: usize = 22;

enum Key {
    Inline { len: u8, buf: [u8; INLINE_KEY] },
    Heap(Box<[u8]>),
}

impl Key {
    #[inline]
    fn new(k: &[u8]) -> Key {
        if k.len() <= INLINE_KEY {
            let mut buf = [0u8; INLINE_KEY];
            buf[..k.len()].copy_from_slice(k);
            Key::Inline {
                len: k.len() as u8,
                buf,
            }
        } else {
            Key::Heap(k.into())
        }
    }

    #[inline]
    fn as_slice(&self) -> &[u8] {
        match self {
            Key::Inline { len, buf } => &buf[..*len as usize],
            Key::Heap(b) => b,
        }
    }
}

pub struct Node<V> {
    key: Key,
    val: V,
    next: Link<V>,
}

struct Table<V> {
    buckets: Vec<Link<V>>,
    used: usize,
}

impl<V> Table<V> {
    fn empty() -> Self {
        Table {
            buckets: Vec::new(),
            used: 0,
        }
    }

    /// A table of `n` empty buckets. The array comes from `alloc_zeroed`, so a large table
    /// costs no up-front work: the kernel hands out zero pages lazily, and doubling a
    /// 16M-bucket table does not stall the loop writing 128 MB of `None`s.
    fn with_size(n: usize) -> Self {
        let Ok(layout) = std::alloc::Layout::array::<Link<V>>(n) else {
            return Table::empty();
        };
        if n == 0 || layout.size() == 0 {
            return Table::empty();
        }
        // SAFETY: `Option<Box<_>>` is guaranteed to use the null pointer for `None`, so an
        // all-zero allocation is `n` valid `None`s. The pointer comes from the global allocator
        // with exactly the layout of a `Vec<Link<V>>` of capacity `n`, as from_raw_parts needs.
        let buckets = unsafe {
            let ptr = std::alloc::alloc_zeroed(layout).cast::<Link<V>>();
            if ptr.is_null() {
                std::alloc::handle_alloc_error(layout);
            }
            Vec::from_raw_parts(ptr, n, n)
        };
        Table { buckets, used: 0 }
    }

    #[inline]
    fn mask(&self) -> u64 {
        (self.buckets.len() as u64).wrapping_sub(1)
    }

    fn find(&self, h: u64, key: &[u8]) -> Option<&Node<V>> {
        if self.buckets.is_empty() {
            return None;
        }
        let mut cur = self.buckets[(h & self.mask()) as usize].as_deref();
        while let Some(n) = cur {
            if n.key.as_slice() == key {
                return Some(n);
            }
            cur = n.next.as_deref();
        }
        None
    }

    fn find_mut(&mut self, h: u64, key: &[u8]) -> Option<&mut Node<V>> {
        if self.buckets.is_empty() {
            return None;
        }
        let idx = (h & self.mask()) as usize;
        let mut cur = self.buckets[idx].as_deref_mut();
        while let Some(n) = cur {
            if n.key.as_slice() == key {
                return Some(n);
            }
            cur = n.next.as_deref_mut();
        }
        None
    }

    fn remove(&mut self, h: u64, key: &[u8]) -> Option<Box<Node<V>>> {
        if self.buckets.is_empty() {
            return None;
        }
        let idx = (h & self.mask()) as usize;
        let mut link = &mut self.buckets[idx];
        loop {
            match link {
                None => return None,
                Some(n) if n.key.as_slice() == key => {
                    let mut node = link.take()?;
                    *link = node.next.take();
                    self.used -= 1;
                    return Some(node);
                }
                Some(n) => link = &mut n.next,
            }
        }
    }

    fn push_front(&mut self, h: u64, mut node: Box<Node<V>>) -> &mut Node<V> {
        let idx = (h & self.mask()) as usize;
        node.next = self.buckets[idx].take();
        self.used += 1;
        self.buckets[idx].insert(node)
    }
}

impl<V> Drop for Table<V> {
    fn drop(&mut self) {
        // An emptied table (the old one at the end of a resize) is only freed: walking (and
        // writing) millions of empty buckets would stall the loop for milliseconds.
        if self.used == 0 {
            return;
        }
        // Unlink chains iteratively so that a long chain can never overflow the stack.
        for b in self.buckets.iter_mut() {
            let mut cur = b.take();
            while let Some(mut n) = cur {
                cur = n.next.take();
            }
        }
    }
}

pub struct Dict<V> {
    t: [Table<V>; 2],
    /// Next bucket of `t[0]` to move into `t[1]`; `None` when no resize is in progress.
    rehash_idx: Option<usize>,
    hasher: foldhash::fast::RandomState,
}

impl<V> Default for Dict<V> {
    fn default() -> Self {
        Self::new()
    }
}

const INITIAL_SIZE: usize = 4;
/// Empty buckets a single step may skip before giving up (Redis: `n*10`).
const EMPTY_VISITS: usize = 10;

impl<V> Dict<V> {
    pub fn new() -> Self {
        Dict {
            t: [Table::empty(), Table::empty()],
            rehash_idx: None,
            hasher: foldhash::fast::RandomState::default(),
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.t[0].used + self.t[1].used
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total buckets in both tables (for `DEBUG HTSTATS`-style reporting and memory estimates).
    pub fn buckets(&self) -> usize {
        self.t[0].buckets.len() + self.t[1].buckets.len()
    }

    /// Bytes of one entry's node (key inline up to 22 bytes).
    pub fn node_size(&self) -> usize {
        std::mem::size_of::<Node<V>>()
    }

    /// Bytes one entry for `key` costs: its node, plus the key's own allocation when it is
    /// too long to be kept inline.
    pub fn entry_overhead(&self, key: &[u8]) -> usize {
        self.node_size() + if key.len() > INLINE_KEY { key.len() } else { 0 }
    }

    #[inline]
    pub fn is_rehashing(&self) -> bool {
        self.rehash_idx.is_some()
    }

    #[inline]
    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// The stored key and value.
    pub fn get_entry(&self, key: &[u8]) -> Option<(&[u8], &V)> {
        if self.is_empty() {
            return None;
        }
        let h = self.hash(key);
        let n = self.t[0].find(h, key).or_else(|| {
            if self.is_rehashing() {
                self.t[1].find(h, key)
            } else {
                None
            }
        })?;
        Some((n.key.as_slice(), &n.val))
    }

    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.get_entry(key).is_some()
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let h = self.hash(key);
        let rehashing = self.is_rehashing();
        let [t0, t1] = &mut self.t;
        if let Some(n) = t0.find_mut(h, key) {
            return Some(&mut n.val);
        }
        if rehashing {
            return t1.find_mut(h, key).map(|n| &mut n.val);
        }
        None
    }

    /// Finds `key` or inserts `make()` under a copy of it. Returns the value and whether it
    /// already existed. One hash computation either way.
    pub fn get_or_insert_with(&mut self, key: &[u8], make: impl FnOnce() -> V) -> (&mut V, bool) {
        self.rehash_step();
        self.expand_if_needed();
        let h = self.hash(key);
        let rehashing = self.is_rehashing();
        // Two lookups to satisfy the borrow checker without unsafe; both are cheap chain walks.
        let found_in = if self.t[0].find(h, key).is_some() {
            Some(0)
        } else if rehashing && self.t[1].find(h, key).is_some() {
            Some(1)
        } else {
            None
        };
        match found_in {
            Some(i) => {
                let n = self.t[i].find_mut(h, key).map(|n| &mut n.val);
                match n {
                    Some(v) => (v, true),
                    None => unreachable!("entry found a moment ago"),
                }
            }
            None => {
                let node = Box::new(Node {
                    key: Key::new(key),
                    val: make(),
                    next: None,
                });
                let t = if rehashing { 1 } else { 0 };
                (&mut self.t[t].push_front(h, node).val, false)
            }
        }
    }

    /// Inserts or replaces; returns the previous value.
    pub fn insert(&mut self, key: &[u8], val: V) -> Option<V> {
        let mut val = Some(val);
        let (slot, existed) = self.get_or_insert_with(key, || val.take().expect("taken once"));
        if existed {
            val.map(|v| std::mem::replace(slot, v))
        } else {
            None
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &[u8]) -> Option<V> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let h = self.hash(key);
        let node = match self.t[0].remove(h, key) {
            Some(n) => Some(n),
            None if self.is_rehashing() => self.t[1].remove(h, key),
            None => None,
        }?;
        Some(node.val)
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.t = [Table::empty(), Table::empty()];
        self.rehash_idx = None;
    }

    /// Moves the whole contents out, leaving an empty dict (for freeing in the background).
    pub fn take(&mut self) -> Dict<V> {
        std::mem::take(self)
    }

    fn expand_if_needed(&mut self) {
        if self.is_rehashing() {
            return;
        }
        let size = self.t[0].buckets.len();
        if size == 0 {
            self.t[0] = Table::with_size(INITIAL_SIZE);
        } else if super::resize::may_grow(self.t[0].used, size) {
            self.resize_to((self.t[0].used + 1).next_power_of_two());
        }
    }

    /// Sizes the dict for `n` entries up front (Redis's `dictExpand`): an empty dict gets its
    /// final table at once, a non-empty one starts an incremental resize. Never shrinks, and
    /// does nothing while a resize is in progress.
    pub fn reserve(&mut self, n: usize) {
        if self.is_rehashing() || n <= self.t[0].buckets.len() {
            return;
        }
        let size = n.max(INITIAL_SIZE).next_power_of_two();
        if self.t[0].used == 0 {
            self.t[0] = Table::with_size(size);
        } else {
            self.resize_to(size);
        }
    }

    /// Starts moving into a table of `size` buckets (a power of two).
    fn resize_to(&mut self, size: usize) {
        if self.is_rehashing() || size == self.t[0].buckets.len() {
            return;
        }
        self.t[1] = Table::with_size(size);
        self.rehash_idx = Some(0);
    }

    /// Starts shrinking if the table is under 10% full (Redis's `htNeedsResize`), from cron.
    pub fn shrink_if_needed(&mut self) {
        let size = self.t[0].buckets.len();
        if !self.is_rehashing()
            && size > INITIAL_SIZE
            && self.t[0].used * 100 / size < 10
            && super::resize::may_shrink()
        {
            self.resize_to(self.t[0].used.max(INITIAL_SIZE).next_power_of_two());
        }
    }

    /// Moves one bucket (skipping at most a few empty ones) from the old table to the new one.
    /// Returns false when no resize is in progress any more, or none may move now
    /// (`types::resize`, while a fork child runs).
    pub fn rehash_step(&mut self) -> bool {
        let Some(mut idx) = self.rehash_idx else {
            return false;
        };
        if !super::resize::may_rehash(self.t[0].buckets.len(), self.t[1].buckets.len()) {
            return false;
        }
        let [t0, t1] = &mut self.t;
        let mut empty = 0;
        while idx < t0.buckets.len() && t0.buckets[idx].is_none() {
            idx += 1;
            empty += 1;
            if empty >= EMPTY_VISITS {
                self.rehash_idx = Some(idx);
                return true;
            }
        }
        if idx < t0.buckets.len() {
            let mut cur = t0.buckets[idx].take();
            while let Some(mut n) = cur {
                cur = n.next.take();
                let h = self.hasher.hash_one(n.key.as_slice());
                t0.used -= 1;
                t1.push_front(h, n);
            }
            idx += 1;
        }
        if t0.used == 0 {
            self.t.swap(0, 1);
            self.t[1] = Table::empty();
            self.rehash_idx = None;
            false
        } else {
            self.rehash_idx = Some(idx);
            true
        }
    }

    /// Rehashes in steps of 100 buckets until done or `budget` has elapsed.
    pub fn rehash_for(&mut self, budget: std::time::Duration) {
        let start = std::time::Instant::now();
        while self.is_rehashing() {
            for _ in 0..100 {
                if !self.rehash_step() {
                    return;
                }
            }
            if start.elapsed() >= budget {
                return;
            }
        }
    }

    /// Calls `f` for the entries of the bucket(s) under `cursor` and returns the next cursor;
    /// 0 means the scan is complete. See the module comment for the guarantee.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], &V)) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let sizes = (
            self.t[0].buckets.len(),
            self.is_rehashing().then(|| self.t[1].buckets.len()),
        );
        super::cursor::step(cursor, sizes, |t, idx| {
            let mut cur = self.t[t].buckets[idx].as_deref();
            while let Some(n) = cur {
                f(n.key.as_slice(), &n.val);
                cur = n.next.as_deref();
            }
        })
    }

    /// A uniformly chosen bucket, then a uniformly chosen entry of its chain (Redis's
    /// `dictGetRandomKey`). `rand` returns a random u64.
    pub fn random(&self, mut rand: impl FnMut() -> u64) -> Option<(&[u8], &V)> {
        if self.is_empty() {
            return None;
        }
        let (lo, total) = match self.rehash_idx {
            // Buckets of t[0] below rehash_idx are empty: skip them.
            Some(idx) => (idx, self.t[0].buckets.len() + self.t[1].buckets.len()),
            None => (0, self.t[0].buckets.len()),
        };
        loop {
            let i = lo + (rand() % (total - lo) as u64) as usize;
            let (t, i) = if i < self.t[0].buckets.len() {
                (&self.t[0], i)
            } else {
                (&self.t[1], i - self.t[0].buckets.len())
            };
            if let Some(head) = t.buckets[i].as_deref() {
                let mut len = 0;
                let mut cur = Some(head);
                while let Some(n) = cur {
                    len += 1;
                    cur = n.next.as_deref();
                }
                let mut pick = rand() % len;
                let mut cur = head;
                while pick > 0 {
                    cur = cur.next.as_deref()?;
                    pick -= 1;
                }
                return Some((cur.key.as_slice(), &cur.val));
            }
        }
    }

    /// Iterates over all entries (no particular order).
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.t.iter().flat_map(|t| {
            t.buckets.iter().flat_map(|b| {
                let mut cur = b.as_deref();
                std::iter::from_fn(move || {
                    let n = cur?;
                    cur = n.next.as_deref();
                    Some((n.key.as_slice(), &n.val))
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn insert_get_remove_across_resizes() {
        let mut d = Dict::new();
        for i in 0..10_000u32 {
            assert!(d.insert(&i.to_be_bytes(), i).is_none());
        }
        assert_eq!(d.len(), 10_000);
        for i in 0..10_000u32 {
            assert_eq!(d.get(&i.to_be_bytes()), Some(&i));
        }
        for i in (0..10_000u32).step_by(2) {
            assert_eq!(d.remove(&i.to_be_bytes()), Some(i));
        }
        assert_eq!(d.len(), 5_000);
        assert_eq!(d.iter().count(), 5_000);
        d.shrink_if_needed();
        d.rehash_for(std::time::Duration::from_secs(1));
        assert!(!d.is_rehashing());
    }

    #[test]
    fn scan_returns_every_stable_key_across_growth() {
        let mut d = Dict::new();
        for i in 0..1000u32 {
            d.insert(format!("k{i}").as_bytes(), ());
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut extra = 0u32;
        loop {
            cursor = d.scan(cursor, |k, _| {
                seen.insert(k.to_vec());
            });
            // Grow the table while scanning (for a while: a table that grows forever would keep
            // adding buckets for the cursor to visit).
            for _ in 0..if extra < 20_000 { 50 } else { 0 } {
                d.insert(format!("x{extra}").as_bytes(), ());
                extra += 1;
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1000u32 {
            assert!(seen.contains(format!("k{i}").as_bytes()), "missed k{i}");
        }
    }

    #[test]
    fn scan_survives_shrink() {
        let mut d = Dict::new();
        for i in 0..5000u32 {
            d.insert(format!("k{i}").as_bytes(), ());
        }
        let mut seen = HashSet::new();
        let mut cursor = d.scan(0, |k, _| {
            seen.insert(k.to_vec());
        });
        for i in 100..5000u32 {
            d.remove(format!("k{i}").as_bytes());
        }
        d.shrink_if_needed();
        while cursor != 0 {
            cursor = d.scan(cursor, |k, _| {
                seen.insert(k.to_vec());
            });
            d.rehash_step();
        }
        for i in 0..100u32 {
            assert!(seen.contains(format!("k{i}").as_bytes()));
        }
    }

    #[test]
    fn inline_and_heap_keys() {
        let mut d = Dict::new();
        let long = vec![b'x'; 100];
        let edge = vec![b'y'; INLINE_KEY];
        let over = vec![b'z'; INLINE_KEY + 1];
        for k in [&b""[..], &long, &edge, &over] {
            d.insert(k, k.len());
        }
        for k in [&b""[..], &long, &edge, &over] {
            assert_eq!(d.get_entry(k), Some((k, &k.len())));
        }
        assert_eq!(d.remove(&over), Some(INLINE_KEY + 1));
        assert!(d.get(&over).is_none());
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn random_finds_entries() {
        let mut d = Dict::new();
        for i in 0..100u32 {
            d.insert(&i.to_be_bytes(), i);
        }
        let mut x = 12345u64;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..100 {
            assert!(d.random(&mut rnd).is_some());
        }
    }
}
