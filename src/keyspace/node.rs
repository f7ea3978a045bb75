//! One key of the keyspace in one allocation: the chain link, the access time, the key bytes
//! and the value, so a small string key costs one size-class block (32 bytes for `key:123456`
//! -> an 8-byte string) where a `Box<Node>` + a `Value` + a heap string cost three.
//!
//! Two layouts, told apart by the `kind` bits of `meta`:
//!
//! ```text
//! small (ints, and strings up to EMBSTR_MAX bytes under keys up to 255 bytes):
//!   0  next: *mut Node        the bucket chain (owned by `table`)
//!   8  meta: u32              lru (24 bits) | HAS_EXPIRE | kind
//!   12 klen: u8
//!   13 vlen: u8               8 for an int (stored little-endian)
//!   14 key bytes, then value bytes
//! object (everything else):
//!   0  next, 8 meta as above
//!   12 klen: u32
//!   16 value: Value           a full `Value`, handed out as `&mut Value`
//!   48 key bytes
//! ```
//!
//! Invariants: a node is allocated with exactly `layout()` of its header, with alignment 8; a
//! small node's `kind` is `INT` or `STR` and its lengths fit the allocation; an object node's
//! `Value` is initialised and dropped exactly once, by `free` or `into_value`.
//!
//! The small layout preserves `OBJECT ENCODING`: an int is "int", a string kept inline is a
//! `Value::Str` of at most 44 bytes, "embstr". Converting back (`promote`, `into_value`) gives
//! the same `Value` that was stored.

use std::alloc::Layout;
use std::ptr::NonNull;

use super::value::{EMBSTR_MAX, Value};

const LRU_MASK: u32 = (1 << 24) - 1;
const HAS_EXPIRE: u32 = 1 << 24;
const KIND_SHIFT: u32 = 25;
const KIND_MASK: u32 = 3 << KIND_SHIFT;
const INT: u32 = 0;
const STR: u32 = 1;
const OBJ: u32 = 2;

const SMALL_KEY: usize = 14;
const OBJ_VALUE: usize = 16;
const OBJ_KEY: usize = OBJ_VALUE + std::mem::size_of::<Value>();

/// The fixed header; the rest of the allocation follows it.
#[repr(C)]
pub struct Node {
    pub(super) next: *mut Node,
    meta: u32,
    /// Small: `[klen, vlen, key...]` starts here; object: `klen: u32`.
    len: [u8; 4],
}

/// A value as stored: small strings and ints without a `Value` of their own.
#[derive(Debug, Clone, Copy)]
pub enum ValueRef<'a> {
    Int(i64),
    /// An embstr kept inline (`Value::Str`).
    Str(&'a [u8]),
    Obj(&'a Value),
}

impl<'a> From<&'a Value> for ValueRef<'a> {
    fn from(v: &'a Value) -> Self {
        ValueRef::Obj(v)
    }
}

impl<'a> From<&'a mut Value> for ValueRef<'a> {
    fn from(v: &'a mut Value) -> Self {
        ValueRef::Obj(v)
    }
}

impl<'a> ValueRef<'a> {
    /// The `Value` this stands for (allocates for an inline string).
    pub fn to_value(self) -> Value {
        match self {
            ValueRef::Int(n) => Value::Int(n),
            ValueRef::Str(s) => Value::Str(s.to_vec()),
            ValueRef::Obj(v) => v.clone(),
        }
    }

    /// The `Value`, borrowed when it is one, else built.
    pub fn to_cow(self) -> std::borrow::Cow<'a, Value> {
        match self {
            ValueRef::Obj(v) => std::borrow::Cow::Borrowed(v),
            other => std::borrow::Cow::Owned(other.to_value()),
        }
    }

    /// The bytes of a string (an int formatted into `buf`); `None` for other types.
    #[inline]
    pub fn string_bytes<'b>(self, buf: &'b mut itoa::Buffer) -> Option<&'b [u8]>
    where
        'a: 'b,
    {
        match self {
            ValueRef::Int(n) => Some(buf.format(n).as_bytes()),
            ValueRef::Str(s) => Some(s),
            ValueRef::Obj(Value::Int(n)) => Some(buf.format(*n).as_bytes()),
            ValueRef::Obj(Value::Str(s) | Value::Raw(s)) => Some(s),
            ValueRef::Obj(Value::Shared(b)) => Some(b),
            ValueRef::Obj(_) => None,
        }
    }

    pub fn type_name(self) -> &'static str {
        match self {
            ValueRef::Int(_) | ValueRef::Str(_) => "string",
            ValueRef::Obj(v) => v.type_name(),
        }
    }

    pub fn encoding(self) -> &'static str {
        match self {
            ValueRef::Int(_) => "int",
            ValueRef::Str(_) => "embstr",
            ValueRef::Obj(v) => v.encoding(),
        }
    }

    pub fn is_string(self) -> bool {
        !matches!(self, ValueRef::Obj(v) if !v.is_string())
    }

    pub fn is_blockable(self) -> bool {
        matches!(self, ValueRef::Obj(v) if v.is_blockable())
    }
}

/// A value in the small layout's terms: an int, or the bytes of an embstr.
#[derive(Debug, Clone, Copy)]
pub enum Small<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl<'a> Small<'a> {
    /// How `value` under `key` is stored in the small layout, if it is.
    #[inline]
    fn of(key: &[u8], value: &'a Value) -> Option<Small<'a>> {
        if key.len() > u8::MAX as usize {
            return None;
        }
        match value {
            Value::Int(n) => Some(Small::Int(*n)),
            Value::Str(s) if s.len() <= EMBSTR_MAX => Some(Small::Str(s)),
            _ => None,
        }
    }

    /// What `Value::string(val)` under `key` would be stored as, if that is the small
    /// layout: the bytes of a request stored without building the `Value` (SET's hot path).
    #[inline]
    pub fn of_string(key: &[u8], val: &'a [u8]) -> Option<Small<'a>> {
        if key.len() > u8::MAX as usize {
            return None;
        }
        if val.len() <= 20
            && let Some(n) = crate::protocol::parse_i64(val)
        {
            return Some(Small::Int(n));
        }
        (val.len() <= EMBSTR_MAX).then_some(Small::Str(val))
    }

    /// The node kind and the stored bytes (an int little-endian, in `ibuf`).
    #[inline]
    fn parts<'b>(&self, ibuf: &'b mut [u8; 8]) -> (u32, &'b [u8])
    where
        'a: 'b,
    {
        match *self {
            Small::Int(n) => {
                *ibuf = n.to_le_bytes();
                (INT, &ibuf[..])
            }
            Small::Str(s) => (STR, s),
        }
    }

    /// The `Value` this stands for.
    pub fn to_value(self) -> Value {
        match self {
            Small::Int(n) => Value::Int(n),
            Small::Str(s) => Value::Str(s.to_vec()),
        }
    }
}

/// A value handed to the table to store: a `Value`, or a `Small` borrowed from the request.
pub trait Stored {
    /// Stores itself in place of `node`'s value when both are small and the same size (see
    /// `Node::overwrite_small`); false (nothing changed) otherwise.
    fn overwrite(&self, node: &mut Node, lru: u32, has_expire: bool) -> bool;
    /// A fresh node for `key` holding it.
    fn into_node(self, key: &[u8], lru: u32, has_expire: bool) -> NonNull<Node>;
}

impl Stored for Value {
    #[inline]
    fn overwrite(&self, node: &mut Node, lru: u32, has_expire: bool) -> bool {
        node.overwrite_small(self, lru, has_expire)
    }

    #[inline]
    fn into_node(self, key: &[u8], lru: u32, has_expire: bool) -> NonNull<Node> {
        new(key, self, lru, has_expire)
    }
}

/// Only built by `Small::of_string`, so the key fits the small layout.
impl Stored for Small<'_> {
    #[inline]
    fn overwrite(&self, node: &mut Node, lru: u32, has_expire: bool) -> bool {
        node.overwrite_small_with(*self, lru, has_expire)
    }

    #[inline]
    fn into_node(self, key: &[u8], lru: u32, has_expire: bool) -> NonNull<Node> {
        if key.len() > u8::MAX as usize {
            return new(key, self.to_value(), lru, has_expire);
        }
        new_small(key, self, lru, has_expire)
    }
}

#[inline]
fn layout(size: usize) -> Layout {
    // 8 is a valid power-of-two alignment and sizes here are far below isize::MAX.
    match Layout::from_size_align(size, 8) {
        Ok(l) => l,
        Err(_) => unreachable!("node sizes are bounded by key length + 48"),
    }
}

fn alloc(size: usize) -> NonNull<Node> {
    let l = layout(size);
    // SAFETY: `l` has a non-zero size (at least the 16-byte header).
    let p = unsafe { std::alloc::alloc(l) }.cast::<Node>();
    match NonNull::new(p) {
        Some(p) => p,
        None => std::alloc::handle_alloc_error(l),
    }
}

/// Allocates a node for `key` -> `value` (moved in), with `lru` and the expiry flag.
pub fn new(key: &[u8], value: Value, lru: u32, has_expire: bool) -> NonNull<Node> {
    match Small::of(key, &value) {
        Some(small) => new_small(key, small, lru, has_expire),
        None => new_obj(key, value, lru, has_expire),
    }
}

/// Allocates a small node for `key` (at most 255 bytes: the caller checked) -> `value`.
fn new_small(key: &[u8], value: Small<'_>, lru: u32, has_expire: bool) -> NonNull<Node> {
    let flags = (lru & LRU_MASK) | if has_expire { HAS_EXPIRE } else { 0 };
    let mut ibuf = [0u8; 8];
    let (kind, v) = value.parts(&mut ibuf);
    let size = SMALL_KEY + key.len() + v.len();
    let p = alloc(size);
    // SAFETY: `p` is a fresh allocation of `size` bytes, aligned 8: the header fields and
    // the two byte ranges written below lie inside it. Both lengths fit a byte (key: the
    // caller's check; value: at most EMBSTR_MAX or 8).
    unsafe {
        let base = p.as_ptr().cast::<u8>();
        p.as_ptr().write(Node {
            next: std::ptr::null_mut(),
            meta: flags | kind << KIND_SHIFT,
            len: [key.len() as u8, v.len() as u8, 0, 0],
        });
        std::ptr::copy_nonoverlapping(key.as_ptr(), base.add(SMALL_KEY), key.len());
        std::ptr::copy_nonoverlapping(v.as_ptr(), base.add(SMALL_KEY + key.len()), v.len());
    }
    p
}

impl Node {
    #[inline]
    fn kind(&self) -> u32 {
        (self.meta & KIND_MASK) >> KIND_SHIFT
    }

    #[inline]
    fn base(&self) -> *const u8 {
        (self as *const Node).cast()
    }

    #[inline]
    fn size(&self) -> usize {
        if self.kind() == OBJ {
            OBJ_KEY + u32::from_ne_bytes(self.len) as usize
        } else {
            SMALL_KEY + self.len[0] as usize + self.len[1] as usize
        }
    }

    #[inline]
    pub fn key(&self) -> &[u8] {
        // SAFETY: by the layout invariant the key bytes lie inside this node's allocation,
        // which lives as long as `&self`.
        unsafe {
            if self.kind() == OBJ {
                let klen = u32::from_ne_bytes(self.len) as usize;
                std::slice::from_raw_parts(self.base().add(OBJ_KEY), klen)
            } else {
                std::slice::from_raw_parts(self.base().add(SMALL_KEY), self.len[0] as usize)
            }
        }
    }

    #[inline]
    pub fn value(&self) -> ValueRef<'_> {
        let kind = self.kind();
        // SAFETY: the value bytes (small) or the initialised `Value` (object) lie inside the
        // allocation, by the layout invariant.
        unsafe {
            if kind == OBJ {
                ValueRef::Obj(&*self.base().add(OBJ_VALUE).cast::<Value>())
            } else {
                let at = self.base().add(SMALL_KEY + self.len[0] as usize);
                let v = std::slice::from_raw_parts(at, self.len[1] as usize);
                if kind == INT {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(v);
                    ValueRef::Int(i64::from_le_bytes(b))
                } else {
                    ValueRef::Str(v)
                }
            }
        }
    }

    /// The `Value` of an object node; `None` for a small node (see `promote`).
    #[inline]
    pub fn value_mut(&mut self) -> Option<&mut Value> {
        if self.kind() != OBJ {
            return None;
        }
        // SAFETY: an object node holds an initialised `Value` at OBJ_VALUE, and `&mut self`
        // is the only access to it.
        Some(unsafe {
            &mut *(self as *mut Node)
                .cast::<u8>()
                .add(OBJ_VALUE)
                .cast::<Value>()
        })
    }

    #[inline]
    pub fn is_small(&self) -> bool {
        self.kind() != OBJ
    }

    #[inline]
    pub fn lru(&self) -> u32 {
        self.meta & LRU_MASK
    }

    #[inline]
    pub fn set_lru(&mut self, lru: u32) {
        self.meta = (self.meta & !LRU_MASK) | (lru & LRU_MASK);
    }

    #[inline]
    pub fn has_expire(&self) -> bool {
        self.meta & HAS_EXPIRE != 0
    }

    #[inline]
    pub fn set_has_expire(&mut self, on: bool) {
        if on {
            self.meta |= HAS_EXPIRE;
        } else {
            self.meta &= !HAS_EXPIRE;
        }
    }

    /// Stores `value` in place of a small node's value when it takes the small layout with
    /// the same length (SET of a same-sized string, INCR): no allocation. Returns false (and
    /// changes nothing) otherwise.
    pub fn overwrite_small(&mut self, value: &Value, lru: u32, has_expire: bool) -> bool {
        match value {
            Value::Int(n) => self.overwrite_small_with(Small::Int(*n), lru, has_expire),
            Value::Str(s) if s.len() <= EMBSTR_MAX => {
                self.overwrite_small_with(Small::Str(s), lru, has_expire)
            }
            _ => false,
        }
    }

    /// `overwrite_small` of a value in the small layout's terms.
    #[inline]
    pub fn overwrite_small_with(&mut self, value: Small<'_>, lru: u32, has_expire: bool) -> bool {
        if self.kind() == OBJ {
            return false;
        }
        let mut ibuf = [0u8; 8];
        let (kind, v) = value.parts(&mut ibuf);
        if v.len() != self.len[1] as usize {
            return false;
        }
        let at = SMALL_KEY + self.len[0] as usize;
        // SAFETY: the value bytes of a small node lie at `at..at + len[1]` inside its
        // allocation, and `v` has exactly that length.
        unsafe {
            let dst = (self as *mut Node).cast::<u8>().add(at);
            std::ptr::copy_nonoverlapping(v.as_ptr(), dst, v.len());
        }
        self.meta = (lru & LRU_MASK) | if has_expire { HAS_EXPIRE } else { 0 } | kind << KIND_SHIFT;
        true
    }

    /// Bytes of this allocation (for memory estimates).
    pub fn alloc_size(&self) -> usize {
        self.size()
    }
}

/// The same key, lru and flag with the value as an object node; frees `node`.
///
/// # Safety
/// `node` must be a live node from `new`, not linked anywhere the caller will read it from
/// again (the caller relinks the returned node in its place).
pub unsafe fn promote(node: NonNull<Node>) -> NonNull<Node> {
    // SAFETY: caller's contract: `node` is live.
    let n = unsafe { node.as_ref() };
    let p = new_obj(n.key(), n.value().to_value(), n.lru(), n.has_expire());
    // SAFETY: `node` is live and unlinked by the caller's contract.
    unsafe { free(node) };
    p
}

/// An object node whatever the value (`new`'s other branch, and `promote`).
fn new_obj(key: &[u8], value: Value, lru: u32, has_expire: bool) -> NonNull<Node> {
    let flags = (lru & LRU_MASK) | if has_expire { HAS_EXPIRE } else { 0 };
    let klen = u32::try_from(key.len()).unwrap_or(u32::MAX);
    let size = OBJ_KEY + key.len();
    let p = alloc(size);
    // SAFETY: a fresh allocation of `size` bytes, aligned 8; the `Value` goes to offset
    // 16 (aligned 8 as `Value` needs) and the key after it, both inside.
    unsafe {
        let base = p.as_ptr().cast::<u8>();
        p.as_ptr().write(Node {
            next: std::ptr::null_mut(),
            meta: flags | OBJ << KIND_SHIFT,
            len: klen.to_ne_bytes(),
        });
        base.add(OBJ_VALUE).cast::<Value>().write(value);
        std::ptr::copy_nonoverlapping(key.as_ptr(), base.add(OBJ_KEY), key.len());
    }
    p
}

/// Frees a node and drops its value.
///
/// # Safety
/// `node` must be a live node from `new` and never used again.
pub unsafe fn free(node: NonNull<Node>) {
    // SAFETY: caller's contract; the size is read before the memory goes away, and an object
    // node's `Value` is dropped exactly once here.
    unsafe {
        let size = node.as_ref().size();
        if node.as_ref().kind() == OBJ {
            std::ptr::drop_in_place(node.as_ptr().cast::<u8>().add(OBJ_VALUE).cast::<Value>());
        }
        std::alloc::dealloc(node.as_ptr().cast(), layout(size));
    }
}

/// Frees a node, returning its value (moved out, or built for a small node).
///
/// # Safety
/// As for `free`.
pub unsafe fn into_value(node: NonNull<Node>) -> Value {
    // SAFETY: caller's contract; an object node's `Value` is moved out once and the memory is
    // then released without dropping it again.
    unsafe {
        let size = node.as_ref().size();
        let v = if node.as_ref().kind() == OBJ {
            node.as_ptr()
                .cast::<u8>()
                .add(OBJ_VALUE)
                .cast::<Value>()
                .read()
        } else {
            node.as_ref().value().to_value()
        };
        std::alloc::dealloc(node.as_ptr().cast(), layout(size));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(key: &[u8], v: Value) {
        let n = new(key, v.clone(), 1234, true);
        // SAFETY: test-local node, freed once at the end.
        unsafe {
            assert_eq!(n.as_ref().key(), key);
            assert_eq!(n.as_ref().value().to_value(), v);
            assert_eq!(n.as_ref().value().encoding(), v.encoding());
            assert_eq!(n.as_ref().lru(), 1234);
            assert!(n.as_ref().has_expire());
            let p = promote(n);
            assert!(!p.as_ref().is_small());
            assert_eq!(p.as_ref().key(), key);
            assert_eq!(p.as_ref().lru(), 1234);
            assert_eq!(into_value(p), v);
        }
    }

    #[test]
    fn layouts_round_trip() {
        roundtrip(b"key:1", Value::Int(-5));
        roundtrip(b"key:1", Value::Int(i64::MIN));
        roundtrip(b"", Value::Str(Vec::new()));
        roundtrip(b"k", Value::Str(vec![b'x'; EMBSTR_MAX]));
        roundtrip(b"k", Value::Str(vec![b'x'; EMBSTR_MAX + 1]));
        roundtrip(b"k", Value::Raw(b"ab".to_vec()));
        roundtrip(b"k", Value::string(&[b'y'; 20_000]));
        roundtrip(&[b'k'; 255], Value::Str(b"v".to_vec()));
        roundtrip(&[b'k'; 256], Value::Str(b"v".to_vec()));
        roundtrip(&[b'k'; 1000], Value::Int(7));
    }

    #[test]
    fn request_bytes_store_as_value_string_would() {
        let long = vec![b'z'; EMBSTR_MAX + 1];
        let inputs: [&[u8]; 9] = [
            b"xxx",
            b"123",
            b"-7",
            b"007",
            b"9223372036854775808",
            b"",
            &[b'v'; EMBSTR_MAX],
            &long,
            b" 1",
        ];
        for key in [&b"k"[..], &[b'k'; 255], &[b'k'; 256]] {
            for v in inputs {
                let want = Value::string(v);
                let small = Small::of_string(key, v);
                // Inline exactly when `new` would store Value::string inline.
                assert_eq!(small.is_some(), Small::of(key, &want).is_some(), "{v:?}");
                let Some(small) = small else { continue };
                assert_eq!(small.to_value(), want);
                let n = small.into_node(key, 77, false);
                // SAFETY: test-local node, freed once.
                unsafe {
                    assert_eq!(n.as_ref().key(), key);
                    assert_eq!(n.as_ref().value().to_value(), want);
                    assert_eq!(n.as_ref().value().encoding(), want.encoding());
                    free(n);
                }
                // In place over a small node of the same value size, never over another size.
                let same = new(key, Value::string(v), 1, true);
                let other = new(key, Value::Str(vec![b'q'; 50]), 1, true);
                // SAFETY: test-local nodes, freed once.
                unsafe {
                    assert!(small.overwrite(&mut *same.as_ptr(), 9, false));
                    assert_eq!(same.as_ref().value().to_value(), want);
                    assert_eq!(
                        (same.as_ref().lru(), same.as_ref().has_expire()),
                        (9, false)
                    );
                    assert!(!small.overwrite(&mut *other.as_ptr(), 9, false));
                    free(same);
                    free(other);
                }
            }
        }
    }

    #[test]
    fn small_key_is_one_small_block() {
        let n = new(b"key:123456", Value::Str(b"value-xx".to_vec()), 0, false);
        // SAFETY: test-local node.
        unsafe {
            assert!(n.as_ref().is_small());
            assert_eq!(n.as_ref().alloc_size(), 32);
            free(n);
        }
    }
}
