//! Values stored in the keyspace. One enum, one variant per Redis type (strings also per
//! encoding); collections are boxed so a `Value` stays 32 bytes, and their structures live in
//! `crate::types`.
//!
//! Big strings written by SET & co. (`Value::Shared`, at least `SHARED_MIN` bytes) are held
//! refcounted, so GET hands the stored bytes to the kernel without copying them into the
//! reply (`Reply::bulk_shared`); a reply in flight keeps them alive if the key goes away.
//! They are immutable: APPEND and SETRANGE turn them into `Raw` first (`make_raw`), which
//! takes the buffer back without copying unless a send still holds it.

use bytes::Bytes;

use crate::protocol::reply::SHARED_MIN;
use crate::types::{Hash, List, Set, Stream, ZSet};

/// Longest string Redis stores as `embstr` (OBJ_ENCODING_EMBSTR_SIZE_LIMIT).
pub const EMBSTR_MAX: usize = 44;

#[derive(Debug, Clone)]
pub enum Value {
    /// A string that is the canonical decimal form of an i64 (`OBJECT ENCODING` "int").
    Int(i64),
    /// A string as written by SET & co.: "embstr" up to 44 bytes, "raw" above.
    Str(Vec<u8>),
    /// A string modified in place (APPEND, SETRANGE): always "raw", as in Redis.
    Raw(Vec<u8>),
    /// A string of at least `SHARED_MIN` bytes as written by SET & co. ("raw"), shared with
    /// replies in flight (boxed: a `Value` stays 32 bytes).
    Shared(Box<Bytes>),
    List(Box<List>),
    Hash(Box<Hash>),
    Set(Box<Set>),
    ZSet(Box<ZSet>),
    Stream(Box<Stream>),
}

impl Value {
    /// Builds a string value the way Redis's `tryObjectEncoding` would store it.
    pub fn string(b: &[u8]) -> Value {
        if b.len() <= 20
            && let Some(n) = crate::protocol::parse_i64(b)
        {
            return Value::Int(n);
        }
        if b.len() >= SHARED_MIN {
            return Value::Shared(Box::new(Bytes::copy_from_slice(b)));
        }
        Value::Str(b.to_vec())
    }

    /// The `TYPE` name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) | Value::Str(_) | Value::Raw(_) | Value::Shared(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// The `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Str(s) if s.len() <= EMBSTR_MAX => "embstr",
            Value::Str(_) | Value::Raw(_) | Value::Shared(_) => "raw",
            Value::List(l) => l.encoding(),
            Value::Hash(h) => h.encoding(),
            Value::Set(s) => s.encoding(),
            Value::ZSet(z) => z.encoding(),
            Value::Stream(_) => "stream",
        }
    }

    pub fn is_string(&self) -> bool {
        matches!(
            self,
            Value::Int(_) | Value::Str(_) | Value::Raw(_) | Value::Shared(_)
        )
    }

    /// The bytes of a string value (an int is formatted); `None` for other types.
    pub fn string_bytes(&self) -> Option<std::borrow::Cow<'_, [u8]>> {
        match self {
            Value::Int(n) => Some(itoa::Buffer::new().format(*n).as_bytes().to_vec().into()),
            Value::Str(s) | Value::Raw(s) => Some(s.as_slice().into()),
            Value::Shared(b) => Some(b[..].into()),
            _ => None,
        }
    }

    /// Rough heap footprint, for `used_memory` style estimates.
    pub fn heap_size(&self) -> usize {
        match self {
            Value::Int(_) => 0,
            Value::Str(s) | Value::Raw(s) => s.capacity(),
            Value::Shared(b) => b.len() + std::mem::size_of::<Bytes>(),
            Value::List(l) => l.heap_size(),
            Value::Hash(h) => h.heap_size(),
            Value::Set(s) => s.heap_size(),
            Value::ZSet(z) => z.heap_size(),
            Value::Stream(s) => s.heap_size(),
        }
    }

    /// `heap_size` with aggregates' elements extrapolated from the first `samples` of them
    /// (MEMORY USAGE ... SAMPLES; `usize::MAX` = all).
    pub fn heap_size_sampled(&self, samples: usize) -> usize {
        match self {
            Value::Int(_) => 0,
            Value::Str(s) | Value::Raw(s) => s.capacity(),
            Value::Shared(b) => b.len() + std::mem::size_of::<Bytes>(),
            Value::List(l) => std::mem::size_of::<List>() + l.heap_size_sampled(samples),
            Value::Hash(h) => std::mem::size_of::<Hash>() + h.heap_size_sampled(samples),
            Value::Set(s) => std::mem::size_of::<Set>() + s.heap_size_sampled(samples),
            Value::ZSet(z) => std::mem::size_of::<ZSet>() + z.heap_size_sampled(samples),
            Value::Stream(s) => std::mem::size_of::<Stream>() + s.heap_size_sampled(samples),
        }
    }

    /// Whether clients can block waiting for this key to hold this kind of value (BLPOP,
    /// BZPOPMIN, ...): creating such a key wakes them.
    pub fn is_blockable(&self) -> bool {
        matches!(self, Value::List(_) | Value::ZSet(_) | Value::Stream(_))
    }

    /// Number of elements of a collection (1 for a string); an empty collection is deleted.
    pub fn len(&self) -> usize {
        match self {
            Value::Int(_) | Value::Str(_) | Value::Raw(_) | Value::Shared(_) => 1,
            Value::List(l) => l.len(),
            Value::Hash(h) => h.len(),
            Value::Set(s) => s.len(),
            Value::ZSet(z) => z.len(),
            // Streams are not deleted when empty; this is their freeing effort (nodes).
            Value::Stream(s) => s.node_count().max(1),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Values compare as Redis would see them: a shared string equals the same bytes stored as
/// `Str` (only the storage differs), otherwise variant and content must match.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Str(a), Value::Str(b)) | (Value::Raw(a), Value::Raw(b)) => a == b,
            (Value::Shared(a), Value::Shared(b)) => a == b,
            (Value::Shared(a), Value::Str(b)) | (Value::Str(b), Value::Shared(a)) => a[..] == b[..],
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Hash(a), Value::Hash(b)) => a == b,
            (Value::Set(a), Value::Set(b)) => a == b,
            (Value::ZSet(a), Value::ZSet(b)) => a == b,
            (Value::Stream(a), Value::Stream(b)) => a == b,
            _ => false,
        }
    }
}

const _: () = assert!(std::mem::size_of::<Value>() == 32);

/// What the keyspace stores per key.
#[derive(Debug, Clone)]
pub struct Entry {
    pub value: Value,
    /// Absolute expiry in Unix milliseconds; 0 = no expiry.
    pub expire: i64,
    /// Last access, in seconds of the LRU clock (`OBJECT IDLETIME`).
    pub lru: u32,
}
