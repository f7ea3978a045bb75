//! The skiplist encoding of a sorted set: Redis's `zskiplist` (spans give O(log n) ranks) and
//! its member index, in one module because both reach the nodes through raw pointers. All of
//! the sorted set's `unsafe` is here; the API (`SkipList`, `NodeRef`) is safe.
//!
//! Memory: every element is one allocation, sized by its height, as Redis's `zskiplistNode`
//! with its flexible level array, but with the member inline too:
//!
//! ```text
//! offset 0   score: f64
//!        8   backward: *mut Node       (previous node at level 0; null for the first)
//!        16  chain: *mut Node          (next node in the same member-index bucket)
//!        24  meta: u64                 (member length, low 56 bits; height, top 8 bits)
//!        32  fwd: [*mut Node; height]  (next node at each level)
//!   32+8*h   span: [u32; height]       (elements skipped by fwd[i], as Redis's span)
//!  32+12*h   member bytes
//! ```
//!
//! The member index is a chained hash table whose buckets hold node pointers and whose chains
//! run through the nodes' `chain` fields, hashing and comparing the member in the node: the
//! member is stored once (Redis shares one sds between its dict and its skiplist), and the
//! index costs one pointer per bucket plus the `chain` field. It grows and shrinks
//! incrementally like `types::dict::Dict` (two tables, one bucket moved per write) and scans
//! with the same reverse-binary cursor, so ZSCAN keeps Redis's guarantee: an element present
//! for the whole scan is returned at least once, across resizes.
//!
//! Invariants (every `unsafe` block relies on them):
//! - `head` is a live node of height `MAX_LEVEL` and member length 0; it is not in the index.
//! - The nodes reachable from `head` along `fwd[0]` are exactly the nodes in the index, each
//!   once; there are `len` of them, each a live allocation of `layout(height, member length)`
//!   owned by this list and freed only by `free_node` after it left both the list and the index.
//! - Levels `>= level` of `head` are null with span 0 (except transiently inside `link`).
//! - No `&mut` to a node's bytes is ever created: nodes are read and written through raw
//!   pointers (or shared slices of their member bytes, which are never written after creation),
//!   so references handed out by `NodeRef` (tied to a shared borrow of the list) stay valid.

use std::alloc::{Layout, alloc, dealloc, handle_alloc_error};
use std::hash::BuildHasher;
use std::marker::PhantomData;
use std::ptr::{self, NonNull};

pub const MAX_LEVEL: usize = 32;

#[repr(C)]
struct Node {
    score: f64,
    backward: *mut Node,
    chain: *mut Node,
    meta: u64,
}

const HDR: usize = std::mem::size_of::<Node>();
const LEN_MASK: u64 = (1 << 56) - 1;

fn layout(height: usize, len: usize) -> Layout {
    match Layout::from_size_align(HDR + 12 * height + len, 8) {
        Ok(l) => l,
        // Only for a member within a few hundred bytes of isize::MAX, which cannot exist.
        Err(_) => handle_alloc_error(Layout::new::<Node>()),
    }
}

// Field accessors. Each requires `n` to be a live node (see the module invariants) and `i` to
// be below its height.

#[inline(always)]
unsafe fn height(n: *const Node) -> usize {
    // SAFETY: the caller passes a live node.
    unsafe { ((*n).meta >> 56) as usize }
}

#[inline(always)]
unsafe fn fwd(n: *const Node, i: usize) -> *mut Node {
    // SAFETY: the fwd array starts at HDR (8-aligned) and has `height` entries, i < height.
    unsafe { *n.cast::<u8>().add(HDR).cast::<*mut Node>().add(i) }
}

#[inline(always)]
unsafe fn set_fwd(n: *mut Node, i: usize, to: *mut Node) {
    // SAFETY: as `fwd`.
    unsafe { *n.cast::<u8>().add(HDR).cast::<*mut Node>().add(i) = to }
}

#[inline(always)]
unsafe fn span_ptr(n: *mut Node, i: usize) -> *mut u32 {
    // SAFETY: the span array follows the fwd array (4-aligned) and has `height` entries.
    unsafe { n.cast::<u8>().add(HDR + 8 * height(n)).cast::<u32>().add(i) }
}

#[inline(always)]
unsafe fn span(n: *mut Node, i: usize) -> u32 {
    // SAFETY: as `span_ptr`.
    unsafe { *span_ptr(n, i) }
}

#[inline(always)]
unsafe fn set_span(n: *mut Node, i: usize, v: u32) {
    // SAFETY: as `span_ptr`.
    unsafe { *span_ptr(n, i) = v }
}

/// The member bytes of a live node, valid while the node lives.
#[inline(always)]
unsafe fn member<'a>(n: *const Node) -> &'a [u8] {
    // SAFETY: the member follows the span array and has the length recorded in `meta`; the
    // bytes are initialised at creation and never written again.
    unsafe {
        let h = height(n);
        let len = ((*n).meta & LEN_MASK) as usize;
        std::slice::from_raw_parts(n.cast::<u8>().add(HDR + 12 * h), len)
    }
}

/// Allocates a node of `h` levels (null forwards, zero spans) holding `m` and `score`.
fn new_node(h: usize, m: &[u8], score: f64) -> *mut Node {
    let l = layout(h, m.len());
    // SAFETY: `l` has a non-zero size (at least HDR). Every byte of the header, the two arrays
    // and the member is written before the node is used.
    unsafe {
        let n = alloc(l).cast::<Node>();
        if n.is_null() {
            handle_alloc_error(l);
        }
        n.write(Node {
            score,
            backward: ptr::null_mut(),
            chain: ptr::null_mut(),
            meta: m.len() as u64 | ((h as u64) << 56),
        });
        for i in 0..h {
            set_fwd(n, i, ptr::null_mut());
            set_span(n, i, 0);
        }
        ptr::copy_nonoverlapping(m.as_ptr(), n.cast::<u8>().add(HDR + 12 * h), m.len());
        n
    }
}

/// Frees a node that is in neither the list nor the index.
unsafe fn free_node(n: *mut Node) {
    // SAFETY: the caller passes a live node no longer reachable; its layout is recomputed from
    // its own header exactly as at allocation.
    unsafe {
        let l = layout(height(n), ((*n).meta & LEN_MASK) as usize);
        dealloc(n.cast(), l);
    }
}

/// Bytes of a node's allocation.
unsafe fn node_size(n: *const Node) -> usize {
    // SAFETY: the caller passes a live node.
    unsafe { HDR + 12 * height(n) + ((*n).meta & LEN_MASK) as usize }
}

/// Whether live node `n` sorts before (score, m). The member is only read on a score tie.
#[inline(always)]
unsafe fn node_before(n: *const Node, score: f64, m: &[u8]) -> bool {
    // SAFETY: the caller passes a live node.
    unsafe {
        let s = (*n).score;
        s < score || (s == score && member(n) < m)
    }
}

const INITIAL_SIZE: usize = 4;
/// Empty buckets a single rehash step may skip (Redis: `n*10`).
const EMPTY_VISITS: usize = 10;

/// The member -> node index (see the module comment).
struct Index {
    t: [Vec<*mut Node>; 2],
    used: [usize; 2],
    /// Next bucket of `t[0]` to move into `t[1]`; `None` when no resize is in progress.
    rehash: Option<usize>,
    hasher: foldhash::fast::RandomState,
}

impl Index {
    fn new() -> Index {
        Index {
            t: [Vec::new(), Vec::new()],
            used: [0, 0],
            rehash: None,
            hasher: foldhash::fast::RandomState::default(),
        }
    }

    fn len(&self) -> usize {
        self.used[0] + self.used[1]
    }

    fn buckets(&self) -> usize {
        self.t[0].len() + self.t[1].len()
    }

    #[inline]
    fn hash(&self, m: &[u8]) -> u64 {
        self.hasher.hash_one(m)
    }

    /// The node holding `m`, or null.
    fn get(&self, m: &[u8]) -> *mut Node {
        if self.len() == 0 {
            return ptr::null_mut();
        }
        let h = self.hash(m);
        let tables = if self.rehash.is_some() { 2 } else { 1 };
        for t in &self.t[..tables] {
            if t.is_empty() {
                continue;
            }
            let mut n = t[(h & (t.len() as u64 - 1)) as usize];
            while !n.is_null() {
                // SAFETY: every pointer in the index is a live node (module invariants).
                unsafe {
                    if member(n) == m {
                        return n;
                    }
                    n = (*n).chain;
                }
            }
        }
        ptr::null_mut()
    }

    /// Adds node `n`, whose member is not in the index yet.
    fn insert(&mut self, n: *mut Node) {
        self.step();
        self.expand_if_needed();
        // SAFETY: `n` is a live node (the caller just created or relinked it).
        let h = self.hash(unsafe { member(n) });
        let ti = if self.rehash.is_some() { 1 } else { 0 };
        let t = &mut self.t[ti];
        let b = (h & (t.len() as u64 - 1)) as usize;
        // SAFETY: as above; `n` is not in any chain, so linking it in front cannot make a cycle.
        unsafe { (*n).chain = t[b] };
        t[b] = n;
        self.used[ti] += 1;
    }

    /// Takes node `n`, which is in the index, out of it.
    fn remove(&mut self, n: *mut Node) {
        self.step();
        // SAFETY: `n` is a live node in the index.
        let h = self.hash(unsafe { member(n) });
        let tables = if self.rehash.is_some() { 2 } else { 1 };
        for ti in 0..tables {
            let t = &mut self.t[ti];
            if t.is_empty() {
                continue;
            }
            let b = (h & (t.len() as u64 - 1)) as usize;
            let mut prev: *mut Node = ptr::null_mut();
            let mut cur = t[b];
            while !cur.is_null() {
                // SAFETY: chain members are live nodes (module invariants).
                unsafe {
                    if cur == n {
                        if prev.is_null() {
                            t[b] = (*n).chain;
                        } else {
                            (*prev).chain = (*n).chain;
                        }
                        (*n).chain = ptr::null_mut();
                        self.used[ti] -= 1;
                        self.shrink_if_needed();
                        return;
                    }
                    prev = cur;
                    cur = (*cur).chain;
                }
            }
        }
    }

    fn expand_if_needed(&mut self) {
        if self.rehash.is_some() {
            return;
        }
        let size = self.t[0].len();
        if size == 0 {
            self.t[0] = vec![ptr::null_mut(); INITIAL_SIZE];
        } else if self.used[0] >= size {
            self.resize_to((self.used[0] + 1).next_power_of_two());
        }
    }

    /// Starts shrinking when under 10% full (Redis's `htNeedsResize`, which ZREM and
    /// ZREMRANGEBY* check after deleting).
    fn shrink_if_needed(&mut self) {
        let size = self.t[0].len();
        if self.rehash.is_none() && size > INITIAL_SIZE && self.used[0] * 100 / size < 10 {
            self.resize_to(self.used[0].max(INITIAL_SIZE).next_power_of_two());
        }
    }

    /// Sizes an empty index for `n` members at once.
    fn reserve(&mut self, n: usize) {
        if self.len() == 0 && self.rehash.is_none() && n > self.t[0].len() {
            self.t[0] = vec![ptr::null_mut(); n.max(INITIAL_SIZE).next_power_of_two()];
        }
    }

    fn resize_to(&mut self, size: usize) {
        if self.rehash.is_some() || size == self.t[0].len() {
            return;
        }
        // `vec!` of null pointers comes from `alloc_zeroed`: a large table costs no up-front
        // writes.
        self.t[1] = vec![ptr::null_mut(); size];
        self.rehash = Some(0);
    }

    /// Moves one bucket (skipping at most a few empty ones) from `t[0]` to `t[1]`.
    fn step(&mut self) {
        let Some(mut idx) = self.rehash else {
            return;
        };
        if self.used[0] == 0 {
            self.finish_rehash();
            return;
        }
        let [t0, t1] = &mut self.t;
        let mut empty = 0;
        while idx < t0.len() && t0[idx].is_null() {
            idx += 1;
            empty += 1;
            if empty >= EMPTY_VISITS {
                self.rehash = Some(idx);
                return;
            }
        }
        if idx < t0.len() {
            let mask = t1.len() as u64 - 1;
            let mut cur = std::mem::replace(&mut t0[idx], ptr::null_mut());
            while !cur.is_null() {
                // SAFETY: chain members are live nodes; each is moved to the front of exactly
                // one bucket of `t1`.
                unsafe {
                    let next = (*cur).chain;
                    let b = (self.hasher.hash_one(member(cur)) & mask) as usize;
                    (*cur).chain = t1[b];
                    t1[b] = cur;
                    cur = next;
                }
                self.used[0] -= 1;
                self.used[1] += 1;
            }
            idx += 1;
        }
        if self.used[0] == 0 {
            self.finish_rehash();
        } else {
            self.rehash = Some(idx);
        }
    }

    fn finish_rehash(&mut self) {
        self.t.swap(0, 1);
        self.t[1] = Vec::new();
        self.used = [self.used[1], 0];
        self.rehash = None;
    }

    /// Calls `f` for the nodes of the bucket(s) under `cursor` and returns the next cursor
    /// (`types::cursor::step`).
    fn scan(&self, cursor: u64, mut f: impl FnMut(*mut Node)) -> u64 {
        if self.len() == 0 {
            return 0;
        }
        let sizes = (self.t[0].len(), self.rehash.map(|_| self.t[1].len()));
        crate::types::cursor::step(cursor, sizes, |t, idx| {
            let mut n = self.t[t][idx];
            while !n.is_null() {
                f(n);
                // SAFETY: chain members are live nodes.
                n = unsafe { (*n).chain };
            }
        })
    }
}

/// Redis's skiplist plus its member index.
pub struct SkipList {
    head: NonNull<Node>,
    tail: *mut Node,
    level: usize,
    len: usize,
    index: Index,
}

// SAFETY: the list exclusively owns every node it points to (nothing else holds their
// addresses beyond a borrow of the list), so moving it to another thread (lazy free) moves
// the nodes with it, and a shared borrow only ever reads them.
unsafe impl Send for SkipList {}
// SAFETY: as above: `&SkipList` gives read-only access to the nodes.
unsafe impl Sync for SkipList {}

/// A node of a list, borrowed from it.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    n: NonNull<Node>,
    _list: PhantomData<&'a SkipList>,
}

impl<'a> NodeRef<'a> {
    /// A live node of a list borrowed for `'a`, or None for null.
    fn new(n: *mut Node) -> Option<NodeRef<'a>> {
        NonNull::new(n).map(|n| NodeRef {
            n,
            _list: PhantomData,
        })
    }

    pub fn member(self) -> &'a [u8] {
        // SAFETY: the node lives while the list is borrowed for 'a, and member bytes are never
        // written after creation.
        unsafe { member(self.n.as_ptr()) }
    }

    pub fn score(self) -> f64 {
        // SAFETY: as `member`.
        unsafe { (*self.n.as_ptr()).score }
    }

    /// The next node in order.
    pub fn next(self) -> Option<NodeRef<'a>> {
        // SAFETY: as `member`; a node's fwd[0] is a live node or null.
        NodeRef::new(unsafe { fwd(self.n.as_ptr(), 0) })
    }

    /// The previous node in order.
    pub fn prev(self) -> Option<NodeRef<'a>> {
        // SAFETY: as `member`; backward is a live node or null.
        NodeRef::new(unsafe { (*self.n.as_ptr()).backward })
    }
}

impl Default for SkipList {
    fn default() -> Self {
        Self::new()
    }
}

impl SkipList {
    pub fn new() -> SkipList {
        let head = new_node(MAX_LEVEL, b"", 0.0);
        SkipList {
            // SAFETY: `new_node` never returns null (it aborts on allocation failure).
            head: unsafe { NonNull::new_unchecked(head) },
            tail: ptr::null_mut(),
            level: 1,
            len: 0,
            index: Index::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Sizes the member index of an empty list for `n` members (RDB load, conversion).
    pub fn reserve(&mut self, n: usize) {
        self.index.reserve(n);
    }

    fn random_level() -> usize {
        let mut level = 1;
        // p = 1/4 per level, as ZSKIPLIST_P.
        let mut r = crate::rand::next_u64();
        while r & 3 == 0 && level < MAX_LEVEL {
            level += 1;
            r >>= 2;
            if r == 0 {
                r = crate::rand::next_u64();
            }
        }
        level
    }

    #[inline]
    fn head(&self) -> *mut Node {
        self.head.as_ptr()
    }

    pub fn first(&self) -> Option<NodeRef<'_>> {
        // SAFETY: head is live.
        NodeRef::new(unsafe { fwd(self.head(), 0) })
    }

    /// The score of `m`.
    pub fn score(&self, m: &[u8]) -> Option<f64> {
        NodeRef::new(self.index.get(m)).map(|n| n.score())
    }

    /// Inserts a member known to be absent.
    pub fn insert(&mut self, m: &[u8], score: f64) {
        let x = new_node(Self::random_level(), m, score);
        self.link(x);
        self.index.insert(x);
    }

    /// The one descent of Redis's walks (`zslInsert`, `zslDelete`, `zslGetRank`,
    /// `zslGetElementByRank`, `zslDeleteRangeByRank`): from the head, at each level in use
    /// from the top down, steps forward while `go(next, rank of next)` holds, then calls
    /// `level_done(i, x, rank of x)` with the last node `x` reached at level `i` (the
    /// predecessor at that level, Redis's `update[i]` and `rank[i]`). Ranks are 1-based, 0
    /// being the head. Returns the last node reached and its rank: the last element for
    /// which `go` held (when `go` is monotone), or the head.
    #[inline]
    fn descend(
        &self,
        mut go: impl FnMut(*mut Node, usize) -> bool,
        mut level_done: impl FnMut(usize, *mut Node, usize),
    ) -> (*mut Node, usize) {
        let mut x = self.head();
        let mut rank = 0usize;
        for i in (0..self.level).rev() {
            // SAFETY: x is the head or a node reached through fwd pointers: live (invariants);
            // `go` is handed only such nodes.
            unsafe {
                loop {
                    let f = fwd(x, i);
                    let r = rank + span(x, i) as usize;
                    if !f.is_null() && go(f, r) {
                        rank = r;
                        x = f;
                    } else {
                        break;
                    }
                }
            }
            level_done(i, x, rank);
        }
        (x, rank)
    }

    /// `descend` to the element of 1-based rank `target` (to the head for 0; to the last
    /// element if there are fewer), with the predecessors at every level in `update` if
    /// asked for.
    fn descend_to_rank(
        &self,
        target: usize,
        mut update: Option<&mut [*mut Node; MAX_LEVEL]>,
    ) -> (*mut Node, usize) {
        self.descend(
            |_, r| r <= target,
            |i, x, _| {
                if let Some(u) = update.as_deref_mut() {
                    u[i] = x;
                }
            },
        )
    }

    /// The predecessors of (score, m) at every level in use (`update` of Redis's walks).
    fn predecessors(&self, score: f64, m: &[u8], update: &mut [*mut Node; MAX_LEVEL]) {
        // SAFETY: `descend` hands over live nodes.
        self.descend(
            |f, _| unsafe { node_before(f, score, m) },
            |i, x, _| update[i] = x,
        );
    }

    /// Links the unlinked live node `x` (member, score, height set; levels unused) at its
    /// place (`zslInsert` without the allocation).
    fn link(&mut self, x: *mut Node) {
        let mut update = [ptr::null_mut::<Node>(); MAX_LEVEL];
        let mut rank = [0u32; MAX_LEVEL];
        // SAFETY: x is live (the caller's); `ele` borrows its member bytes, which nothing
        // writes; `descend` hands over live nodes.
        unsafe {
            let ele = member(x);
            let score = (*x).score;
            self.descend(
                |f, _| node_before(f, score, ele),
                |i, p, r| {
                    update[i] = p;
                    rank[i] = r as u32;
                },
            );
        }
        self.splice(x, &mut update, &mut rank);
    }

    /// Links `x` after `update[i]` at each of its levels, `rank[i]` being the 1-based rank of
    /// `update[i]` (0 for the head); both cover the levels in use (the second half of
    /// `zslInsert`).
    fn splice(
        &mut self,
        x: *mut Node,
        update: &mut [*mut Node; MAX_LEVEL],
        rank: &mut [u32; MAX_LEVEL],
    ) {
        let head = self.head();
        // SAFETY: x, head and update[..] are live nodes (invariants).
        unsafe {
            let level = height(x);
            if level > self.level {
                for i in self.level..level {
                    rank[i] = 0;
                    update[i] = head;
                    set_span(head, i, self.len as u32);
                }
                self.level = level;
            }
            for i in 0..level {
                let u = update[i];
                set_fwd(x, i, fwd(u, i));
                set_span(x, i, span(u, i) - (rank[0] - rank[i]));
                set_fwd(u, i, x);
                set_span(u, i, (rank[0] - rank[i]) + 1);
            }
            for (i, &u) in update.iter().enumerate().take(self.level).skip(level) {
                set_span(u, i, span(u, i) + 1);
            }
            (*x).backward = if update[0] == head {
                ptr::null_mut()
            } else {
                update[0]
            };
            let f0 = fwd(x, 0);
            if f0.is_null() {
                self.tail = x;
            } else {
                (*f0).backward = x;
            }
        }
        self.len += 1;
    }

    /// Moves node `x` (member `m`) from score `cur` to `new` (the other half of
    /// `zslUpdateScore`). Both descents, to `x`'s predecessors and to the new place's, run in
    /// one loop a step of each at a time, so that their cache misses overlap instead of
    /// following each other. The new place's walk sees the list with `x` still in it; its
    /// result is then corrected for the list without `x`: a predecessor that is `x` itself
    /// becomes `x`'s own predecessor at that level, and the ranks of nodes after `x` drop by
    /// one.
    fn relocate(&mut self, x: *mut Node, m: &[u8], cur: f64, new: f64) {
        let mut old = [ptr::null_mut::<Node>(); MAX_LEVEL];
        let mut update = [ptr::null_mut::<Node>(); MAX_LEVEL];
        let mut rank = [0u32; MAX_LEVEL];
        let head = self.head();
        // SAFETY: x, head and every node reached through fwd pointers are live (invariants).
        unsafe {
            let (mut a, mut b, mut r) = (head, head, 0u32);
            for i in (0..self.level).rev() {
                let (mut a_go, mut b_go) = (true, true);
                while a_go || b_go {
                    if a_go {
                        let f = fwd(a, i);
                        if !f.is_null() && node_before(f, cur, m) {
                            a = f;
                        } else {
                            a_go = false;
                        }
                    }
                    if b_go {
                        let f = fwd(b, i);
                        if !f.is_null() && node_before(f, new, m) {
                            r += span(b, i);
                            b = f;
                        } else {
                            b_go = false;
                        }
                    }
                }
                old[i] = a;
                update[i] = b;
                rank[i] = r;
            }
            debug_assert!(fwd(old[0], 0) == x);
            for i in 0..self.level {
                if update[i] == x {
                    // Spans as they are before the unlink: rank(x) - span(old[i] -> x).
                    rank[i] -= span(old[i], i);
                    update[i] = old[i];
                } else if cur < new && update[i] != head && !node_before(update[i], cur, m) {
                    // After x (not equal to it): one fewer element before it once x is gone.
                    rank[i] -= 1;
                }
            }
            self.unlink(x, &old);
            (*x).score = new;
        }
        self.splice(x, &mut update, &mut rank);
    }

    /// Takes node `x` out of the list's links (`zslDeleteNode`), `update` being its
    /// predecessors; leaves the node and the index alone.
    fn unlink(&mut self, x: *mut Node, update: &[*mut Node; MAX_LEVEL]) {
        let head = self.head();
        // SAFETY: x, head and update[..level] are live nodes (invariants).
        unsafe {
            for (i, &u) in update.iter().enumerate().take(self.level) {
                if fwd(u, i) == x {
                    set_span(u, i, span(u, i) + span(x, i) - 1);
                    set_fwd(u, i, fwd(x, i));
                } else {
                    set_span(u, i, span(u, i) - 1);
                }
            }
            let f0 = fwd(x, 0);
            let back = (*x).backward;
            if f0.is_null() {
                self.tail = back;
            } else {
                (*f0).backward = back;
            }
            while self.level > 1 && fwd(head, self.level - 1).is_null() {
                self.level -= 1;
            }
            for i in 0..height(x) {
                set_fwd(x, i, ptr::null_mut());
                set_span(x, i, 0);
            }
        }
        self.len -= 1;
    }

    /// Unlinks, unindexes and frees `x` (predecessors `update`).
    fn delete_node(&mut self, x: *mut Node, update: &[*mut Node; MAX_LEVEL]) {
        self.unlink(x, update);
        self.index.remove(x);
        // SAFETY: x is out of the list and of the index now; nothing else points to it.
        unsafe { free_node(x) };
    }

    /// Looks `m` up and, if it is there, lets `decide` pick a new score from the current one
    /// (None: leave it), which is applied as Redis's `zslUpdateScore` does: in place when the
    /// node keeps its position, else the node is moved. Returns the score `m` had, None if `m`
    /// is absent.
    pub fn rescore(&mut self, m: &[u8], decide: impl FnOnce(f64) -> Option<f64>) -> Option<f64> {
        let x = self.index.get(m);
        if x.is_null() {
            return None;
        }
        // SAFETY: x came from the index: a live node of this list; its neighbours are live.
        unsafe {
            let cur = (*x).score;
            let Some(new) = decide(cur) else {
                return Some(cur);
            };
            let back = (*x).backward;
            let f0 = fwd(x, 0);
            if (back.is_null() || (*back).score < new) && (f0.is_null() || (*f0).score > new) {
                (*x).score = new;
                return Some(cur);
            }
            self.relocate(x, m, cur, new);
            Some(cur)
        }
    }

    /// Removes `m`; returns whether it was there.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        let x = self.index.get(m);
        if x.is_null() {
            return false;
        }
        let mut update = [ptr::null_mut(); MAX_LEVEL];
        // SAFETY: x came from the index: live.
        let score = unsafe { (*x).score };
        self.predecessors(score, m, &mut update);
        self.delete_node(x, &update);
        true
    }

    /// Removes up to `count` elements from 0-based rank `start` upwards
    /// (`zslDeleteRangeByRank`); returns how many.
    pub fn remove_range(&mut self, start: usize, count: usize) -> usize {
        let mut update = [ptr::null_mut(); MAX_LEVEL];
        let (x, _) = self.descend_to_rank(start, Some(&mut update));
        // SAFETY: x and the nodes reached through fwd pointers are live (invariants).
        unsafe {
            let mut removed = 0;
            let mut x = fwd(x, 0);
            while !x.is_null() && removed < count {
                let next = fwd(x, 0);
                self.delete_node(x, &update);
                removed += 1;
                x = next;
            }
            removed
        }
    }

    /// The node at 0-based rank `r`.
    pub fn at(&self, r: usize) -> Option<NodeRef<'_>> {
        if r >= self.len {
            return None;
        }
        let (x, rank) = self.descend_to_rank(r + 1, None);
        // r < len: the element of rank r + 1 exists, and the descent stops on it.
        debug_assert_eq!(rank, r + 1);
        NodeRef::new(x)
    }

    /// Number of leading elements for which `pred` holds (`pred` true then false).
    pub fn count_while(&self, pred: &dyn Fn(&[u8], f64) -> bool) -> usize {
        self.skip_while(pred).0
    }

    /// Skips the leading elements for which `pred` holds (`pred` true then false): their
    /// number and the first element after them, found with one descent.
    pub fn skip_while(&self, pred: &dyn Fn(&[u8], f64) -> bool) -> (usize, Option<NodeRef<'_>>) {
        // SAFETY: `descend` hands over live nodes; the last one it reached is live and its
        // fwd[0] is a live node or null.
        unsafe {
            let (x, rank) = self.descend(|f, _| pred(member(f), (*f).score), |_, _, _| {});
            (rank, NodeRef::new(fwd(x, 0)))
        }
    }

    /// The 0-based rank of `m`.
    pub fn rank(&self, m: &[u8]) -> Option<usize> {
        let score = self.score(m)?;
        // SAFETY: `descend` hands over live nodes.
        let (_, rank) = self.descend(|f, _| unsafe { node_before(f, score, m) }, |_, _, _| {});
        Some(rank)
    }

    /// One ZSCAN step over the member index; returns the next cursor (0: done).
    pub fn scan(&self, cursor: u64, f: &mut dyn FnMut(&[u8], f64)) -> u64 {
        self.index.scan(cursor, |n| {
            // SAFETY: index entries are live nodes.
            unsafe { f(member(n), (*n).score) }
        })
    }

    /// Bytes the list owns on the heap: its nodes (extrapolated from the first `samples`),
    /// the head and the index's bucket arrays.
    pub fn heap_size_sampled(&self, samples: usize) -> usize {
        let sizes = std::iter::successors(self.first(), |n| n.next()).map(|n| {
            // SAFETY: a NodeRef is a live node.
            unsafe { node_size(n.n.as_ptr()) }
        });
        let nodes = crate::types::sampled_sum(self.len, samples, sizes);
        // SAFETY: head is live.
        let head = unsafe { node_size(self.head()) };
        head + self.index.buckets() * std::mem::size_of::<*mut Node>() + nodes
    }

    /// Checks every structural invariant (tests only): order, spans, backward links, tail,
    /// level, the index.
    #[cfg(test)]
    pub fn check(&self) {
        // SAFETY: read-only walk over live nodes.
        unsafe {
            let head = self.head();
            let mut nodes = Vec::new();
            let mut x = fwd(head, 0);
            let mut prev: *mut Node = ptr::null_mut();
            while !x.is_null() {
                assert_eq!((*x).backward, prev);
                if !prev.is_null() {
                    assert!(super::before(
                        (*prev).score,
                        member(prev),
                        (*x).score,
                        member(x)
                    ));
                }
                assert_eq!(self.index.get(member(x)), x);
                nodes.push(x);
                prev = x;
                x = fwd(x, 0);
            }
            assert_eq!(self.tail, prev);
            assert_eq!(nodes.len(), self.len);
            assert_eq!(self.index.len(), self.len);
            let pos = |p: *mut Node| -> usize {
                if p == head {
                    0
                } else {
                    nodes.iter().position(|&n| n == p).expect("linked") + 1
                }
            };
            for i in 0..MAX_LEVEL {
                if i >= self.level {
                    assert!(fwd(head, i).is_null());
                    continue;
                }
                let mut p = head;
                loop {
                    let f = fwd(p, i);
                    if f.is_null() {
                        break;
                    }
                    assert!(height(f) > i);
                    assert_eq!(span(p, i) as usize, pos(f) - pos(p));
                    p = f;
                }
            }
            if self.level > 1 {
                assert!(!fwd(head, self.level - 1).is_null());
            }
        }
    }
}

impl Drop for SkipList {
    fn drop(&mut self) {
        // SAFETY: every node reachable along fwd[0] is live and owned by the list; each is
        // freed once, then the head. The index only holds pointers to these nodes and is
        // dropped without dereferencing them.
        unsafe {
            let mut x = fwd(self.head(), 0);
            while !x.is_null() {
                let next = fwd(x, 0);
                free_node(x);
                x = next;
            }
            free_node(self.head());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashMap, HashSet};

    /// The model: members by score, and the (score, member) order.
    #[derive(Default)]
    struct Model {
        score: HashMap<Vec<u8>, f64>,
        order: BTreeSet<(Key, Vec<u8>)>,
    }

    #[derive(PartialEq, Eq, PartialOrd, Ord, Clone, Copy, Debug)]
    struct Key(i64);

    fn key(s: f64) -> Key {
        // Test scores are multiples of 1/4 without -0: exact and ordered as integers.
        Key((s * 4.0) as i64)
    }

    impl Model {
        fn insert(&mut self, m: &[u8], s: f64) {
            if let Some(old) = self.score.insert(m.to_vec(), s) {
                self.order.remove(&(key(old), m.to_vec()));
            }
            self.order.insert((key(s), m.to_vec()));
        }

        fn remove(&mut self, m: &[u8]) -> bool {
            match self.score.remove(m) {
                Some(old) => self.order.remove(&(key(old), m.to_vec())),
                None => false,
            }
        }

        fn sorted(&self) -> Vec<(Vec<u8>, f64)> {
            self.order
                .iter()
                .map(|(k, m)| (m.clone(), k.0 as f64 / 4.0))
                .collect()
        }
    }

    fn compare(sl: &SkipList, model: &Model) {
        sl.check();
        let want = model.sorted();
        let mut got = Vec::new();
        let mut n = sl.first();
        while let Some(x) = n {
            got.push((x.member().to_vec(), x.score()));
            n = x.next();
        }
        assert_eq!(got, want);
        // Backwards from the end.
        let mut back = Vec::new();
        let mut n = sl.at(sl.len().wrapping_sub(1));
        while let Some(x) = n {
            back.push((x.member().to_vec(), x.score()));
            n = x.prev();
        }
        back.reverse();
        assert_eq!(back, want);
        for (i, (m, s)) in want.iter().enumerate() {
            assert_eq!(sl.rank(m), Some(i));
            assert_eq!(sl.score(m), Some(*s));
            let at = sl.at(i).map(|n| (n.member().to_vec(), n.score()));
            assert_eq!(at.as_ref(), Some(&want[i]));
        }
        assert!(sl.at(want.len()).is_none());
        // A full scan returns every member exactly once when nothing changes meanwhile.
        let mut seen = HashSet::new();
        let mut cursor = 0;
        loop {
            cursor = sl.scan(cursor, &mut |m, s| {
                assert_eq!(model.score.get(m), Some(&s));
                assert!(seen.insert(m.to_vec()), "scan returned a member twice");
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), want.len());
    }

    #[test]
    fn random_ops_match_a_btree_model() {
        for round in 0..3u64 {
            let mut sl = SkipList::new();
            let mut model = Model::default();
            let members = [40u64, 400, 3000][round as usize];
            for step in 0..6000u64 {
                let r = crate::rand::next_u64();
                let id = r % members;
                // Some members long enough to span cache lines.
                let m = if id.is_multiple_of(7) {
                    format!("a-much-longer-member-name-{id:040}").into_bytes()
                } else {
                    format!("m{id}").into_bytes()
                };
                let score = ((r >> 12) % 41) as f64 / 4.0 - 5.0;
                match (r >> 20) % 8 {
                    0..=3 => match sl.score(&m) {
                        Some(_) => {
                            // Nudges (often in place) or jumps anywhere.
                            let old = sl.rescore(&m, |cur| {
                                Some(if r & (1 << 30) != 0 {
                                    cur + 0.25
                                } else {
                                    score
                                })
                            });
                            let new = sl.score(&m).expect("still there");
                            assert_eq!(old, model.score.get(&m).copied());
                            model.insert(&m, new);
                        }
                        None => {
                            sl.insert(&m, score);
                            model.insert(&m, score);
                        }
                    },
                    4 => {
                        // A refused update leaves everything alone.
                        let old = sl.rescore(&m, |_| None);
                        assert_eq!(old, model.score.get(&m).copied());
                    }
                    5 | 6 => assert_eq!(sl.remove(&m), model.remove(&m)),
                    _ => {
                        let len = model.score.len();
                        let start = ((r >> 32) as usize) % (len + 2);
                        let count = ((r >> 48) as usize) % 4;
                        let want: Vec<_> =
                            model.sorted().into_iter().skip(start).take(count).collect();
                        assert_eq!(sl.remove_range(start, count), want.len());
                        for (m, _) in want {
                            model.remove(&m);
                        }
                    }
                }
                assert_eq!(sl.len(), model.score.len());
                if step.is_multiple_of(500) || members == 40 && step.is_multiple_of(20) {
                    compare(&sl, &model);
                    let lim = ((r >> 40) % 41) as f64 / 4.0 - 5.0;
                    let want = model.score.values().filter(|&&s| s < lim).count();
                    assert_eq!(sl.count_while(&|_, s| s < lim), want);
                    // The first element after the skipped ones is the model's next one.
                    let (n, next) = sl.skip_while(&|_, s| s < lim);
                    let sorted = model.sorted();
                    assert_eq!(n, want);
                    assert_eq!(
                        next.map(|x| (x.member().to_vec(), x.score())),
                        sorted.get(want).cloned()
                    );
                }
            }
            compare(&sl, &model);
            // Empty it (the index shrinks on the way down) and refill.
            let all: Vec<_> = model.score.keys().cloned().collect();
            for m in &all {
                assert!(sl.remove(m));
                model.remove(m);
            }
            compare(&sl, &model);
            sl.insert(b"again", 1.0);
            model.insert(b"again", 1.0);
            compare(&sl, &model);
        }
    }

    #[test]
    fn scan_returns_stable_members_across_growth_and_shrink() {
        let mut sl = SkipList::new();
        for i in 0..1000u32 {
            sl.insert(format!("k{i}").as_bytes(), i as f64);
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut extra = 0u32;
        let mut steps = 0;
        loop {
            cursor = sl.scan(cursor, &mut |m, _| {
                seen.insert(m.to_vec());
            });
            steps += 1;
            // Grow for a while, then delete the extra members again (shrinking the index).
            if steps < 40 {
                for _ in 0..200 {
                    sl.insert(format!("x{extra}").as_bytes(), 0.5);
                    extra += 1;
                }
            } else if extra > 0 {
                for _ in 0..400.min(extra) {
                    extra -= 1;
                    assert!(sl.remove(format!("x{extra}").as_bytes()));
                }
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1000u32 {
            assert!(seen.contains(format!("k{i}").as_bytes()), "missed k{i}");
        }
        sl.check();
    }

    #[test]
    fn moves_keep_every_invariant() {
        let mut sl = SkipList::new();
        let mut model = Model::default();
        for i in 0..300u64 {
            let s = (i % 37) as f64 / 4.0;
            sl.insert(format!("m{i}").as_bytes(), s);
            model.insert(format!("m{i}").as_bytes(), s);
        }
        for step in 0..3000u64 {
            let r = crate::rand::next_u64();
            let m = format!("m{}", r % 300).into_bytes();
            // Ties (same score, other members), small and large moves both ways.
            let new = match (r >> 10) % 3 {
                0 => ((r >> 20) % 37) as f64 / 4.0,
                1 => ((r >> 20) % 3) as f64 / 4.0 + 4.0,
                _ => -(((r >> 20) % 5) as f64),
            };
            sl.rescore(&m, |_| Some(new));
            model.insert(&m, new);
            sl.check();
            if step % 100 == 0 {
                compare(&sl, &model);
            }
        }
        compare(&sl, &model);
    }

    #[test]
    fn empty_and_long_members() {
        let mut sl = SkipList::new();
        let long = vec![b'x'; 100_000];
        sl.insert(b"", 1.0);
        sl.insert(&long, 1.0);
        sl.insert(b"a", -1.0);
        sl.check();
        assert_eq!(sl.rank(b""), Some(1));
        assert_eq!(sl.rank(&long), Some(2));
        assert_eq!(sl.at(2).map(|n| n.member().len()), Some(100_000));
        assert_eq!(sl.rescore(&long, |s| Some(s - 5.0)), Some(1.0));
        assert_eq!(sl.rank(&long), Some(0));
        assert!(sl.remove(b""));
        assert!(!sl.remove(b""));
        sl.check();
        assert!(sl.heap_size_sampled(usize::MAX) > 100_000);
    }

    #[test]
    fn node_layout() {
        assert_eq!(HDR, 32);
        let n = new_node(1, b"member:123456", 1.5);
        // SAFETY: a fresh node, freed once.
        unsafe {
            assert_eq!(node_size(n), 32 + 12 + 13);
            assert_eq!(member(n), b"member:123456");
            assert_eq!(height(n), 1);
            assert!(fwd(n, 0).is_null());
            free_node(n);
        }
    }
}
