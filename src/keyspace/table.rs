//! The keyspace's hash table: power-of-two arrays of single pointers to `node::Node`s, each
//! node one allocation holding its chain link, key and value (see `node`). Per key that is
//! one 8-byte bucket slot (at load factor <= 1) plus one small block.
//!
//! Resizing is incremental, as Redis's `dict`: while a resize is in progress there are two
//! arrays, lookups try both, new keys go to the new one, and every write moves one old bucket
//! across (`rehash_step`, skipping at most `EMPTY_VISITS` empty buckets); the cron moves more for
//! a bounded time. Moving a bucket only relinks pointers: no allocation, no key copy. Large
//! bucket arrays are mapped straight from the kernel (`mmap`), so a new array costs no up-front
//! zeroing (pages are zero-filled on first touch) and the old one is returned with `munmap`
//! on the lazyfree thread rather than on the event loop.
//!
//! First touch: right after a doubling nearly every insert and every bucket moved lands on a
//! page of the new array not yet touched, and each such page fault (zeroing 4 KB) cost ~2.7 µs
//! here: measured, the first loop turns after 2^21, 2^22 and 2^23 keys took 1.5–2.3 ms for one
//! 16 KB batch of SETs, ~650 faults each. So when a mapped table is nearly full (a 64th of its
//! buckets left) its next array is mapped ahead (`next`) and the lazyfree thread populates it
//! (`MADV_POPULATE_WRITE`, in small chunks so the address-space lock is never held long); the
//! doubling then takes it, already backed. Populating only faults pages in, it never writes
//! the memory, so the loop may use the array meanwhile. The array is released through the
//! lazyfree thread as well (its one FIFO queue runs the release after the populate).
//!
//! `scan` walks buckets in reverse-binary cursor order (Redis's `dictScan`): every key present
//! for the whole scan is returned at least once even if the table grows or shrinks between
//! calls. `random` picks a uniform non-empty bucket then a uniform node of its chain
//! (`dictGetRandomKey`).
//!
//! Invariants: every node reachable from a bucket is live, owned by the table, and linked in
//! exactly one chain of the array its hash selects; `used` counts the nodes of each array; while
//! rehashing, buckets of `t[0]` below `rehash_idx` are empty.

use std::hash::BuildHasher;
use std::ptr::NonNull;

use super::node::{self, Node, ValueRef};
use super::value::Value;
use crate::types::resize;

/// Bucket arrays at least this big (bytes) are mapped directly from the kernel.
const MMAP_MIN: usize = 1 << 20;
const INITIAL_SIZE: usize = 4;
/// Empty buckets a single step may skip before giving up (Redis: `n*10`).
const EMPTY_VISITS: usize = 10;
/// While rehashing a mapped array, its emptied front is returned to the kernel in chunks of
/// this many bytes, so RSS does not hold both arrays until the move ends.
const DISCARD_CHUNK: usize = 1 << 21;
/// A table with fewer than `len >> NEXT_HEADROOM_SHIFT` free buckets prepares its next array.
const NEXT_HEADROOM_SHIFT: u32 = 6;
/// Bytes populated per `madvise` call (64 pages, ~0.2 ms): the call holds the address-space
/// lock for reading, which an `mmap` on the loop thread would wait for.
const POPULATE_CHUNK: usize = 1 << 18;

/// One bucket array.
struct Buckets {
    ptr: *mut *mut Node,
    len: usize,
    used: usize,
}

// SAFETY: the arrays and nodes are plain owned memory; a `Buckets` is only ever moved to the
// lazyfree thread to be freed, never shared.
unsafe impl Send for Buckets {}

impl Buckets {
    const fn empty() -> Buckets {
        Buckets {
            ptr: std::ptr::null_mut(),
            len: 0,
            used: 0,
        }
    }

    /// An array of `n` null pointers (`n` a power of two).
    fn with_size(n: usize) -> Buckets {
        let bytes = n * std::mem::size_of::<*mut Node>();
        let ptr = if bytes >= MMAP_MIN {
            // SAFETY: an anonymous private mapping of `bytes`; the kernel zero-fills it, and
            // all-zero bytes are null pointers.
            let p = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    bytes,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            if p == libc::MAP_FAILED {
                std::alloc::handle_alloc_error(Self::layout(n));
            }
            crate::alloc::account_external(bytes as isize);
            p.cast()
        } else {
            // SAFETY: non-zero size (n >= INITIAL_SIZE); zeroed memory is n null pointers.
            let p = unsafe { std::alloc::alloc_zeroed(Self::layout(n)) };
            if p.is_null() {
                std::alloc::handle_alloc_error(Self::layout(n));
            }
            p.cast()
        };
        Buckets {
            ptr,
            len: n,
            used: 0,
        }
    }

    fn layout(n: usize) -> std::alloc::Layout {
        match std::alloc::Layout::array::<*mut Node>(n) {
            Ok(l) => l,
            Err(_) => unreachable!("bucket arrays are far below isize::MAX"),
        }
    }

    /// Returns the pages of buckets `from..to` (all empty) to the kernel, for a mapped array:
    /// reading them again yields zero pages, i.e. empty buckets, which they are.
    fn discard(&self, from: usize, to: usize) {
        let slot = std::mem::size_of::<*mut Node>();
        if self.len * slot < MMAP_MIN {
            return;
        }
        let (lo, hi) = (
            (from * slot).next_multiple_of(DISCARD_CHUNK),
            (to * slot) & !(DISCARD_CHUNK - 1),
        );
        if hi > lo {
            // SAFETY: `lo..hi` lies inside the mapping (hi <= len * slot) and is page-aligned
            // (the mapping is, and DISCARD_CHUNK is a multiple of the page size); the buckets
            // there are null, and MADV_DONTNEED makes them read back as zeroes, i.e. null.
            unsafe {
                libc::madvise(
                    self.ptr.cast::<u8>().add(lo).cast(),
                    hi - lo,
                    libc::MADV_DONTNEED,
                )
            };
        }
    }

    #[inline]
    fn mask(&self) -> usize {
        self.len.wrapping_sub(1)
    }

    /// The head pointer of bucket `i` (`i < len`).
    #[inline]
    fn slot(&self, i: usize) -> *mut *mut Node {
        debug_assert!(i < self.len);
        // SAFETY: `i < len`, inside the array.
        unsafe { self.ptr.add(i) }
    }

    #[inline]
    fn head(&self, i: usize) -> *mut Node {
        // SAFETY: `slot` is inside the live array.
        unsafe { *self.slot(i) }
    }

    /// The link (bucket slot or a node's `next`) that points at the node holding `key`.
    fn find_link(&self, h: u64, key: &[u8]) -> Option<*mut *mut Node> {
        if self.len == 0 {
            return None;
        }
        let mut link = self.slot(h as usize & self.mask());
        // SAFETY: links point into the live array or into live nodes of this table.
        unsafe {
            while !(*link).is_null() {
                let n = *link;
                if (*n).key() == key {
                    return Some(link);
                }
                link = &raw mut (*n).next;
            }
        }
        None
    }

    /// Links `n` at the head of its bucket.
    #[inline]
    fn push(&mut self, h: u64, n: NonNull<Node>) {
        let slot = self.slot(h as usize & self.mask());
        // SAFETY: `n` is a live node not linked anywhere; `slot` is inside the array.
        unsafe {
            (*n.as_ptr()).next = *slot;
            *slot = n.as_ptr();
        }
        self.used += 1;
    }

    /// Frees the array itself (its chains must be empty or already freed).
    fn release(self) {
        if self.len == 0 {
            return;
        }
        let bytes = self.len * std::mem::size_of::<*mut Node>();
        if bytes >= MMAP_MIN {
            // Drop the pages chunk by chunk first: MADV_DONTNEED holds the address-space lock
            // only for reading, while munmap of a populated 128 MB range holds it for writing
            // for milliseconds, stalling the loop thread's page faults.
            let mut at = 0;
            while at < bytes {
                let len = DISCARD_CHUNK.min(bytes - at);
                // SAFETY: inside the mapping, page-aligned; it is about to be unmapped.
                unsafe {
                    libc::madvise(
                        self.ptr.cast::<u8>().add(at).cast(),
                        len,
                        libc::MADV_DONTNEED,
                    )
                };
                at += len;
            }
            // SAFETY: mapped by `with_size` with this size, unmapped once.
            unsafe { libc::munmap(self.ptr.cast(), bytes) };
            crate::alloc::account_external(-(bytes as isize));
        } else {
            // SAFETY: allocated by `with_size` with this layout.
            unsafe { std::alloc::dealloc(self.ptr.cast(), Self::layout(self.len)) };
        }
    }

    /// Frees every node of every chain, then the array.
    fn free_all(self) {
        for i in 0..self.len {
            let mut cur = self.head(i);
            while let Some(n) = NonNull::new(cur) {
                // SAFETY: every linked node is live and owned; read `next` before freeing.
                unsafe {
                    cur = n.as_ref().next;
                    node::free(n);
                }
            }
        }
        self.release();
    }
}

/// Hands a big emptied array to the lazyfree thread (unmapping 100+ MB takes milliseconds).
/// On the lazyfree thread itself (a table dropped there) it is released at once.
fn release_later(b: Buckets) {
    if b.len * std::mem::size_of::<*mut Node>() >= MMAP_MIN && !super::lazyfree::on_worker() {
        super::lazyfree::run(move || b.release());
    } else {
        b.release();
    }
}

/// Backs the pages of `bytes` at `addr` (a mapped bucket array) without writing them, on the
/// lazyfree thread. Stops quietly where the kernel lacks `MADV_POPULATE_WRITE` (Linux < 5.14).
fn populate(addr: usize, bytes: usize) {
    let mut at = 0;
    while at < bytes {
        let len = POPULATE_CHUNK.min(bytes - at);
        // SAFETY: `addr..addr+bytes` is a live private anonymous mapping: it is only unmapped
        // by a job queued on this same thread after this one. MADV_POPULATE_WRITE faults the
        // pages in as a write would, without accessing the memory, so the loop thread's
        // concurrent reads and writes of the array see exactly what they wrote.
        let r = unsafe {
            libc::madvise(
                (addr + at) as *mut libc::c_void,
                len,
                libc::MADV_POPULATE_WRITE,
            )
        };
        if r != 0 {
            return;
        }
        at += len;
    }
}

pub struct Table {
    t: [Buckets; 2],
    /// The array the next growth will take, mapped ahead and being populated by the lazyfree
    /// thread (see the module comment); empty when none.
    next: Buckets,
    /// Next bucket of `t[0]` to move into `t[1]`; `None` when no resize is in progress.
    rehash_idx: Option<usize>,
    /// Buckets of `t[0]` below this were returned to the kernel during the current resize.
    discarded: usize,
    hasher: foldhash::fast::RandomState,
}

// SAFETY: the table owns its arrays and nodes outright (no sharing, no thread-bound data); it
// is moved whole to the lazyfree thread to be dropped there.
unsafe impl Send for Table {}

impl Default for Table {
    fn default() -> Self {
        Table::new()
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        let [a, b] = std::mem::replace(&mut self.t, [Buckets::empty(), Buckets::empty()]);
        a.free_all();
        b.free_all();
        self.drop_next();
    }
}

impl Table {
    pub fn new() -> Table {
        Table {
            t: [Buckets::empty(), Buckets::empty()],
            next: Buckets::empty(),
            rehash_idx: None,
            discarded: 0,
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

    /// Total bucket slots of both arrays.
    pub fn buckets(&self) -> usize {
        self.t[0].len + self.t[1].len
    }

    #[inline]
    pub fn is_rehashing(&self) -> bool {
        self.rehash_idx.is_some()
    }

    #[inline]
    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    fn find_link(&self, h: u64, key: &[u8]) -> Option<*mut *mut Node> {
        self.t[0].find_link(h, key).or_else(|| {
            if self.is_rehashing() {
                self.t[1].find_link(h, key)
            } else {
                None
            }
        })
    }

    pub fn get(&self, key: &[u8]) -> Option<&Node> {
        if self.is_empty() {
            return None;
        }
        let link = self.find_link(self.hash(key), key)?;
        // SAFETY: the link points at a live node owned by `self`, borrowed for `&self`.
        Some(unsafe { &**link })
    }

    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut Node> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let link = self.find_link(self.hash(key), key)?;
        // SAFETY: as in `get`, with `&mut self` giving exclusive access.
        Some(unsafe { &mut **link })
    }

    /// The `Value` of `key`, turning a small node into an object node first if needed.
    pub fn get_value_mut(&mut self, key: &[u8]) -> Option<&mut Node> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let link = self.find_link(self.hash(key), key)?;
        // SAFETY: `link` points at a live node of this table; the node is replaced in its
        // chain by its promoted copy (same key, so same bucket) before anything reads it.
        unsafe {
            if (**link).is_small() {
                let old = NonNull::new_unchecked(*link);
                let next = old.as_ref().next;
                let fresh = node::promote(old);
                (*fresh.as_ptr()).next = next;
                *link = fresh.as_ptr();
            }
            Some(&mut **link)
        }
    }

    /// Inserts `key` -> `value` with `lru`/expiry flag, or replaces the node of an existing
    /// key (calling `keep(old)` to decide the new node's `(lru, has_expire)`). Returns whether
    /// the key existed.
    pub fn upsert(
        &mut self,
        key: &[u8],
        value: impl node::Stored,
        lru: u32,
        keep: impl FnOnce(&Node) -> (u32, bool),
    ) -> bool {
        self.rehash_step();
        self.expand_if_needed();
        let h = self.hash(key);
        if let Some(link) = self.find_link(h, key) {
            // SAFETY: `link` points at a live node; the new node takes its place in the same
            // chain and the old one is freed once unlinked.
            unsafe {
                let old = NonNull::new_unchecked(*link);
                let (lru, exp) = keep(old.as_ref());
                if value.overwrite(&mut *old.as_ptr(), lru, exp) {
                    return true;
                }
                let fresh = value.into_node(key, lru, exp);
                (*fresh.as_ptr()).next = old.as_ref().next;
                *link = fresh.as_ptr();
                node::free(old);
            }
            return true;
        }
        let n = value.into_node(key, lru, false);
        let t = if self.is_rehashing() { 1 } else { 0 };
        self.t[t].push(h, n);
        false
    }

    /// Unlinks `key`'s node and hands it over.
    pub fn remove(&mut self, key: &[u8]) -> Option<Owned> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let h = self.hash(key);
        for i in 0..2 {
            if i == 1 && !self.is_rehashing() {
                break;
            }
            if let Some(link) = self.t[i].find_link(h, key) {
                // SAFETY: unlink the live node `link` points at; it is owned by the caller
                // from here on.
                unsafe {
                    let n = NonNull::new_unchecked(*link);
                    *link = n.as_ref().next;
                    self.t[i].used -= 1;
                    return Some(Owned(n));
                }
            }
        }
        None
    }

    /// Moves the whole contents out, leaving an empty table.
    pub fn take(&mut self) -> Table {
        std::mem::take(self)
    }

    fn expand_if_needed(&mut self) {
        if self.is_rehashing() {
            return;
        }
        let size = self.t[0].len;
        if size == 0 {
            self.t[0] = Buckets::with_size(INITIAL_SIZE);
        } else if resize::may_grow(self.t[0].used, size) {
            self.resize_to((self.t[0].used + 1).next_power_of_two());
        } else if self.next.len == 0
            && self.t[0].used >= size - (size >> NEXT_HEADROOM_SHIFT)
            && 2 * size * std::mem::size_of::<*mut Node>() >= MMAP_MIN
            && !resize::avoid()
        {
            self.prepare_next(2 * size);
        }
    }

    /// Maps the array of `size` buckets the next growth will take and has the lazyfree thread
    /// back its pages meanwhile.
    fn prepare_next(&mut self, size: usize) {
        let b = Buckets::with_size(size);
        let (addr, bytes) = (b.ptr as usize, b.len * std::mem::size_of::<*mut Node>());
        super::lazyfree::run(move || populate(addr, bytes));
        self.next = b;
    }

    /// Gives up the prepared array (released behind its populate job).
    fn drop_next(&mut self) {
        let b = std::mem::replace(&mut self.next, Buckets::empty());
        release_later(b);
    }

    /// Sizes the table for `n` keys up front (Redis's `dictExpand`, used on RDB `RESIZEDB`):
    /// an empty table gets its final array at once (a mapped one costs no zeroing until
    /// touched); a non-empty one starts an ordinary incremental resize. Never shrinks, and
    /// does nothing while a resize is in progress.
    pub fn reserve(&mut self, n: usize) {
        if self.is_rehashing() || n <= self.t[0].len {
            return;
        }
        let size = n.max(INITIAL_SIZE).next_power_of_two();
        if self.next.len != 0 && self.next.len != size {
            self.drop_next();
        }
        if self.t[0].used == 0 {
            let fresh = if self.next.len == size {
                std::mem::replace(&mut self.next, Buckets::empty())
            } else {
                Buckets::with_size(size)
            };
            let old = std::mem::replace(&mut self.t[0], fresh);
            release_later(old);
        } else {
            self.resize_to(size);
        }
    }

    fn resize_to(&mut self, size: usize) {
        if self.is_rehashing() || size == self.t[0].len {
            return;
        }
        self.t[1] = if self.next.len == size {
            std::mem::replace(&mut self.next, Buckets::empty())
        } else {
            self.drop_next();
            Buckets::with_size(size)
        };
        self.rehash_idx = Some(0);
        self.discarded = 0;
    }

    /// Starts shrinking if the table is under 10% full (Redis's `htNeedsResize`), from cron.
    pub fn shrink_if_needed(&mut self) {
        let size = self.t[0].len;
        if !self.is_rehashing()
            && size > INITIAL_SIZE
            && self.t[0].used * 100 / size < 10
            && resize::may_shrink()
        {
            self.resize_to(self.t[0].used.max(INITIAL_SIZE).next_power_of_two());
        }
    }

    /// Moves one bucket (skipping at most a few empty ones) from the old array to the new one.
    /// Returns false when no resize is in progress any more, or none may move now
    /// (`types::resize`, while a fork child runs).
    pub fn rehash_step(&mut self) -> bool {
        let Some(mut idx) = self.rehash_idx else {
            return false;
        };
        if !resize::may_rehash(self.t[0].len, self.t[1].len) {
            return false;
        }
        let mut empty = 0;
        while idx < self.t[0].len && self.t[0].head(idx).is_null() {
            idx += 1;
            empty += 1;
            if empty >= EMPTY_VISITS {
                self.discard_below(idx);
                self.rehash_idx = Some(idx);
                return true;
            }
        }
        if idx < self.t[0].len {
            let mut cur = self.t[0].head(idx);
            // SAFETY: the bucket's chain is detached first, then each live node is relinked
            // into the new array exactly once.
            unsafe { *self.t[0].slot(idx) = std::ptr::null_mut() };
            while let Some(n) = NonNull::new(cur) {
                // SAFETY: `n` is live; `next` is read before `push` overwrites it.
                let h = unsafe {
                    cur = n.as_ref().next;
                    self.hasher.hash_one(n.as_ref().key())
                };
                self.t[0].used -= 1;
                self.t[1].push(h, n);
            }
            idx += 1;
        }
        if self.t[0].used == 0 {
            self.t.swap(0, 1);
            let old = std::mem::replace(&mut self.t[1], Buckets::empty());
            release_later(old);
            self.rehash_idx = None;
            false
        } else {
            self.discard_below(idx);
            self.rehash_idx = Some(idx);
            true
        }
    }

    /// Returns whole chunks of the old array below bucket `idx` to the kernel.
    #[inline]
    fn discard_below(&mut self, idx: usize) {
        let slots = DISCARD_CHUNK / std::mem::size_of::<*mut Node>();
        if idx >= self.discarded + slots {
            let to = idx - idx % slots;
            self.t[0].discard(self.discarded, to);
            self.discarded = to;
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

    fn each_in(b: &Buckets, idx: usize, f: &mut dyn FnMut(&Node)) {
        let mut cur = b.head(idx);
        // SAFETY: chains hold live nodes owned by the table, borrowed for the call.
        while let Some(n) = unsafe { cur.as_ref() } {
            f(n);
            cur = n.next;
        }
    }

    /// Calls `f` for the nodes of the bucket(s) under `cursor` and returns the next cursor;
    /// 0 means the scan is complete. See the module comment for the guarantee.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&Node)) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let sizes = (self.t[0].len, self.is_rehashing().then_some(self.t[1].len));
        crate::types::cursor::step(cursor, sizes, |t, idx| {
            Self::each_in(&self.t[t], idx, &mut f)
        })
    }

    /// A uniformly chosen non-empty bucket, then a uniform node of its chain.
    pub fn random(&self, mut rand: impl FnMut() -> u64) -> Option<&Node> {
        if self.is_empty() {
            return None;
        }
        let (lo, total) = match self.rehash_idx {
            Some(idx) => (idx, self.t[0].len + self.t[1].len),
            None => (0, self.t[0].len),
        };
        loop {
            let i = lo + (rand() % (total - lo) as u64) as usize;
            let (t, i) = if i < self.t[0].len {
                (&self.t[0], i)
            } else {
                (&self.t[1], i - self.t[0].len)
            };
            let head = t.head(i);
            if head.is_null() {
                continue;
            }
            let mut len = 0u64;
            Self::each_in(t, i, &mut |_| len += 1);
            let mut pick = rand() % len;
            let mut cur = head;
            // SAFETY: `pick < len`, so every node stepped on is a live node of the chain.
            unsafe {
                while pick > 0 {
                    cur = (*cur).next;
                    pick -= 1;
                }
                return Some(&*cur);
            }
        }
    }

    /// Iterates over all nodes (no particular order).
    pub fn iter(&self) -> impl Iterator<Item = &Node> {
        self.t.iter().flat_map(|t| {
            (0..t.len).flat_map(move |i| {
                let mut cur = t.head(i);
                std::iter::from_fn(move || {
                    // SAFETY: chains hold live nodes owned by the table, borrowed with it.
                    let n = unsafe { cur.as_ref()? };
                    cur = n.next;
                    Some(n)
                })
            })
        })
    }
}

/// Bulk insertion for the RDB loader: the caller hashes a key once (`hash_of`), asks for its
/// bucket early (`prefetch_bucket`, then `prefetch_chain` a few keys later, once the bucket's
/// line has arrived) and inserts it later (`insert_absent`), so the cache misses of several
/// keys overlap instead of stalling one insertion each. Prefetches are hints only: a resize
/// in between makes them useless, never wrong.
impl Table {
    /// The hash `insert_absent` expects for `key`.
    #[inline]
    pub fn hash_of(&self, key: &[u8]) -> u64 {
        self.hash(key)
    }

    /// The array a new key with hash `h` goes to, and its slot.
    #[inline]
    fn insert_slot(&self, h: u64) -> Option<*mut *mut Node> {
        let b = &self.t[if self.is_rehashing() { 1 } else { 0 }];
        (b.len != 0).then(|| b.slot(h as usize & b.mask()))
    }

    /// Starts fetching the bucket slot of hash `h` into the cache.
    #[inline]
    pub fn prefetch_bucket(&self, h: u64) {
        if let Some(slot) = self.insert_slot(h) {
            prefetch(slot.cast());
        }
    }

    /// Starts fetching the first node of hash `h`'s chain (reads the slot: call it some time
    /// after `prefetch_bucket`).
    #[inline]
    pub fn prefetch_chain(&self, h: u64) {
        if let Some(slot) = self.insert_slot(h) {
            // SAFETY: `slot` is inside the live array `insert_slot` picked.
            let head = unsafe { *slot };
            if !head.is_null() {
                prefetch(head.cast());
            }
        }
    }

    /// Inserts `key` (whose hash is `h`, from `hash_of`) unless it is present: `Err(value)`
    /// hands the value back when the key exists, and nothing changes.
    pub fn insert_absent(
        &mut self,
        h: u64,
        key: &[u8],
        value: Value,
        lru: u32,
        has_expire: bool,
    ) -> Result<(), Value> {
        self.rehash_step();
        self.expand_if_needed();
        if self.find_link(h, key).is_some() {
            return Err(value);
        }
        let n = node::new(key, value, lru, has_expire);
        let t = if self.is_rehashing() { 1 } else { 0 };
        self.t[t].push(h, n);
        Ok(())
    }
}

/// A cache prefetch hint for the line at `p` (no-op where no intrinsic is used).
#[inline]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults, whatever the address; SSE is baseline on x86_64.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// A node unlinked from the table, owned by the holder (freed on drop).
pub struct Owned(NonNull<Node>);

impl Owned {
    pub fn node(&self) -> &Node {
        // SAFETY: an `Owned` holds a live node exclusively.
        unsafe { self.0.as_ref() }
    }

    pub fn value(&self) -> ValueRef<'_> {
        self.node().value()
    }

    /// Frees the node, returning its value.
    pub fn into_value(self) -> Value {
        let n = self.0;
        std::mem::forget(self);
        // SAFETY: the node is live and owned, and `forget` keeps `Drop` from freeing it again.
        unsafe { node::into_value(n) }
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: the node is live and owned by this `Owned` alone.
        unsafe { node::free(self.0) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn put(t: &mut Table, k: &[u8], v: i64) -> bool {
        t.upsert(k, Value::Int(v), 0, |n| (n.lru(), n.has_expire()))
    }

    fn int(n: &Node) -> i64 {
        match n.value() {
            ValueRef::Int(i) => i,
            other => panic!("not an int: {other:?}"),
        }
    }

    #[test]
    fn insert_get_remove_grow_shrink() {
        let mut t = Table::new();
        for i in 0..20_000i64 {
            assert!(!put(&mut t, format!("k{i}").as_bytes(), i));
        }
        assert_eq!(t.len(), 20_000);
        for i in 0..20_000i64 {
            assert_eq!(t.get(format!("k{i}").as_bytes()).map(int), Some(i));
        }
        assert!(put(&mut t, b"k5", 55));
        assert_eq!(t.get(b"k5").map(int), Some(55));
        assert_eq!(t.len(), 20_000);
        for i in (0..20_000i64).step_by(2).chain(1..19_000) {
            let _ = t.remove(format!("k{i}").as_bytes());
        }
        assert_eq!(t.len(), 500);
        assert_eq!(t.iter().count(), 500);
        t.shrink_if_needed();
        assert!(t.is_rehashing());
        t.rehash_for(std::time::Duration::from_secs(5));
        assert!(!t.is_rehashing());
        assert!(t.buckets() <= 1024);
        for i in (19_001..20_000i64).step_by(2) {
            assert_eq!(t.get(format!("k{i}").as_bytes()).map(int), Some(i));
        }
        assert!(t.get(b"k2").is_none());
    }

    /// While a fork child runs (`types::resize` avoid), the table neither grows nor rehashes
    /// until it is more than 5x overloaded, and keys stay reachable; afterwards it catches up.
    #[test]
    fn no_resize_while_a_child_shares_the_pages() {
        let mut t = Table::new();
        for i in 0..1024i64 {
            put(&mut t, format!("k{i}").as_bytes(), i);
        }
        t.rehash_for(std::time::Duration::from_secs(5));
        let size = t.buckets();
        // A resize in progress when the child starts pauses too.
        put(&mut t, b"extra", 0);
        let rehashing = t.is_rehashing();
        resize::set_avoid(true);
        for i in 1024..(size as i64 * 5) {
            put(&mut t, format!("k{i}").as_bytes(), i);
        }
        let paused = (t.is_rehashing(), t.buckets());
        for i in (size as i64 * 5)..(size as i64 * 6 + 10) {
            put(&mut t, format!("k{i}").as_bytes(), i);
        }
        let forced = t.buckets();
        resize::set_avoid(false);
        if rehashing {
            // A 2x resize started before the child stays paused (its arrays differ by less
            // than 5x), and no other resize can start meanwhile: as Redis.
            assert!(paused.0, "the resize started before the child stays paused");
            assert_eq!(forced, paused.1);
        } else {
            assert_eq!(paused.1, size, "no growth below 5x");
            assert!(forced > paused.1, "growth past 5x: {forced}");
        }
        for i in 0..(size as i64 * 6 + 10) {
            assert_eq!(t.get(format!("k{i}").as_bytes()).map(int), Some(i));
        }
        // After the child: the paused resize completes, the next insert grows to fit.
        t.rehash_for(std::time::Duration::from_secs(5));
        put(&mut t, b"after", 0);
        t.rehash_for(std::time::Duration::from_secs(5));
        assert!(!t.is_rehashing());
        assert!(t.buckets() >= t.len(), "{} {}", t.buckets(), t.len());
    }

    #[test]
    fn scan_returns_every_stable_key_across_growth_and_shrink() {
        let mut t = Table::new();
        for i in 0..1000 {
            put(&mut t, format!("k{i}").as_bytes(), i);
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut extra = 0;
        loop {
            cursor = t.scan(cursor, |n| {
                seen.insert(n.key().to_vec());
            });
            if extra < 30_000 {
                for _ in 0..100 {
                    put(&mut t, format!("x{extra}").as_bytes(), extra);
                    extra += 1;
                }
            } else if extra < 60_000 {
                // Then shrink: remove the extra keys again while the scan goes on.
                for _ in 0..300 {
                    let _ = t.remove(format!("x{}", extra - 30_000).as_bytes());
                    extra += 1;
                }
                t.shrink_if_needed();
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1000 {
            assert!(seen.contains(format!("k{i}").as_bytes()), "missed k{i}");
        }
    }

    #[test]
    fn overwrite_in_place_or_by_a_new_node() {
        let mut t = Table::new();
        let keep = |n: &Node| (n.lru(), n.has_expire());
        t.upsert(b"k", Value::Str(b"abc".to_vec()), 5, keep);
        assert!(t.upsert(b"k", Value::Str(b"xyz".to_vec()), 0, keep));
        assert_eq!(
            t.get(b"k").map(|n| (n.value().to_value(), n.lru())),
            Some((Value::Str(b"xyz".to_vec()), 5))
        );
        // Same length, other kind: "12345678" as an int is 8 bytes too.
        t.upsert(b"i", Value::Str(b"abcdefgh".to_vec()), 0, keep);
        assert!(t.upsert(b"i", Value::Int(-9), 0, keep));
        assert_eq!(
            t.get(b"i").map(|n| n.value().to_value()),
            Some(Value::Int(-9))
        );
        assert!(t.upsert(b"i", Value::Str(b"ab".to_vec()), 0, keep));
        assert_eq!(
            t.get(b"i").map(|n| n.value().to_value()),
            Some(Value::Str(b"ab".to_vec()))
        );
        assert!(t.upsert(b"i", Value::Raw(b"ab".to_vec()), 0, keep));
        assert_eq!(t.get(b"i").map(|n| n.value().encoding()), Some("raw"));
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn promote_keeps_the_key_findable() {
        let mut t = Table::new();
        for i in 0..100 {
            put(&mut t, format!("k{i}").as_bytes(), i);
        }
        let n = t.get_value_mut(b"k7").expect("present");
        assert!(!n.is_small());
        *n.value_mut().expect("object") = Value::Raw(b"x".to_vec());
        assert_eq!(
            t.get(b"k7").map(|n| n.value().to_value()),
            Some(Value::Raw(b"x".to_vec()))
        );
        assert_eq!(t.len(), 100);
        assert_eq!(
            t.remove(b"k7").map(Owned::into_value),
            Some(Value::Raw(b"x".to_vec()))
        );
        for i in (0..100).filter(|&i| i != 7) {
            assert_eq!(t.get(format!("k{i}").as_bytes()).map(int), Some(i));
        }
    }

    #[test]
    fn random_finds_every_key_eventually() {
        let mut t = Table::new();
        for i in 0..50 {
            put(&mut t, format!("k{i}").as_bytes(), i);
        }
        let mut x = 88172645463325252u64;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut seen = HashSet::new();
        for _ in 0..5000 {
            seen.insert(t.random(&mut rnd).map(int));
        }
        assert_eq!(seen.len(), 50);
        assert!(Table::new().random(&mut rnd).is_none());
    }

    #[test]
    fn big_arrays_are_mapped_and_released() {
        let mut t = Table::new();
        // 2^18 buckets = 2 MiB of slots: past MMAP_MIN.
        for i in 0..300_000i64 {
            put(&mut t, &i.to_le_bytes(), i);
        }
        while t.is_rehashing() {
            t.rehash_step();
        }
        assert!(t.buckets() >= 1 << 18);
        assert_eq!(t.get(&77i64.to_le_bytes()).map(int), Some(77));
        drop(t);
    }

    #[test]
    fn a_nearly_full_table_prepares_its_next_array_and_grows_into_it() {
        let mut t = Table::new();
        // 2^16 buckets: the next array (2^17 slots, 1 MiB) is mapped; prepared once fewer
        // than 2^16 / 64 buckets are left.
        let size = 1usize << 16;
        let at = size - (size >> NEXT_HEADROOM_SHIFT);
        for i in 0..at as i64 - 1 {
            put(&mut t, &i.to_le_bytes(), i);
        }
        while t.is_rehashing() {
            t.rehash_step();
        }
        assert_eq!((t.buckets(), t.next.len), (size, 0));
        put(&mut t, &(at as i64 - 1).to_le_bytes(), at as i64 - 1);
        put(&mut t, &(at as i64).to_le_bytes(), at as i64);
        assert_eq!(t.next.len, 2 * size);
        let prepared = t.next.ptr;
        // The lazyfree thread backs its pages (all resident once its jobs are done).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while super::super::lazyfree::pending() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let bytes = t.next.len * std::mem::size_of::<*mut Node>();
        let mut vec = vec![0u8; bytes.div_ceil(4096)];
        // SAFETY: mincore on the live mapping, one status byte per page into `vec`.
        let r = unsafe { libc::mincore(prepared.cast(), bytes, vec.as_mut_ptr()) };
        assert_eq!(r, 0);
        assert!(
            vec.iter().all(|&v| v & 1 == 1),
            "prepared array not populated"
        );
        // Growing takes it.
        for i in at as i64 + 1..=size as i64 {
            put(&mut t, &i.to_le_bytes(), i);
        }
        assert!(t.is_rehashing());
        assert_eq!(
            (t.t[1].ptr, t.t[1].len, t.next.len),
            (prepared, 2 * size, 0)
        );
        while t.is_rehashing() {
            t.rehash_step();
        }
        assert_eq!(t.len(), size + 1);
        for i in (0..=size as i64).step_by(7) {
            assert_eq!(t.get(&i.to_le_bytes()).map(int), Some(i));
        }
        // Emptied and shrunk, a table gives a prepared array back.
        for i in 0..=size as i64 {
            t.remove(&i.to_le_bytes());
        }
        t.shrink_if_needed();
        assert_eq!(t.next.len, 0);
        assert!(t.is_empty());
    }

    #[test]
    fn keys_stay_findable_while_the_old_array_is_discarded() {
        let mut t = Table::new();
        // 2^19 buckets (4 MiB) fill up at 524288 keys; the next insert starts the move to 2^20
        // and the old array's front is discarded chunk by chunk as the move proceeds.
        let n = (1i64 << 19) + 1;
        for i in 0..n {
            put(&mut t, &i.to_le_bytes(), i);
        }
        assert!(t.is_rehashing());
        let mut rounds = 0;
        while t.is_rehashing() {
            for _ in 0..100_000 {
                t.rehash_step();
            }
            rounds += 1;
            for i in (0..n).step_by(97) {
                assert_eq!(t.get(&i.to_le_bytes()).map(int), Some(i));
            }
            let mut seen = 0;
            let mut c = 0;
            loop {
                c = t.scan(c, |_| seen += 1);
                if c == 0 {
                    break;
                }
            }
            assert!(seen >= n as usize);
        }
        assert!(rounds > 2);
        assert!(t.discarded == 0 || t.buckets() == 1 << 20);
        assert_eq!(t.len(), n as usize);
    }
}
