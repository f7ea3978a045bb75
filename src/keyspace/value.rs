//! Values stored in the keyspace. One enum, one variant per Redis type (strings also per
//! encoding); collections are boxed so a `Value` stays 32 bytes, and their structures live in
//! `crate::types`.

use crate::types::{Hash, List, Set, Stream, ZSet};

/// Longest string Redis stores as `embstr` (OBJ_ENCODING_EMBSTR_SIZE_LIMIT).
pub const EMBSTR_MAX: usize = 44;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string that is the canonical decimal form of an i64 (`OBJECT ENCODING` "int").
    Int(i64),
    /// A string as written by SET & co.: "embstr" up to 44 bytes, "raw" above.
    Str(Vec<u8>),
    /// A string modified in place (APPEND, SETRANGE): always "raw", as in Redis.
    Raw(Vec<u8>),
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
        Value::Str(b.to_vec())
    }

    /// The `TYPE` name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) | Value::Str(_) | Value::Raw(_) => "string",
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
            Value::Str(_) | Value::Raw(_) => "raw",
            Value::List(l) => l.encoding(),
            Value::Hash(h) => h.encoding(),
            Value::Set(s) => s.encoding(),
            Value::ZSet(z) => z.encoding(),
            Value::Stream(_) => "stream",
        }
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Str(_) | Value::Raw(_))
    }

    /// The bytes of a string value (an int is formatted); `None` for other types.
    pub fn string_bytes(&self) -> Option<std::borrow::Cow<'_, [u8]>> {
        match self {
            Value::Int(n) => Some(itoa::Buffer::new().format(*n).as_bytes().to_vec().into()),
            Value::Str(s) | Value::Raw(s) => Some(s.as_slice().into()),
            _ => None,
        }
    }

    /// Rough heap footprint, for `used_memory` style estimates.
    pub fn heap_size(&self) -> usize {
        match self {
            Value::Int(_) => 0,
            Value::Str(s) | Value::Raw(s) => s.capacity(),
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
            Value::Int(_) | Value::Str(_) | Value::Raw(_) => 1,
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

/// What the keyspace stores per key.
#[derive(Debug, Clone)]
pub struct Entry {
    pub value: Value,
    /// Absolute expiry in Unix milliseconds; 0 = no expiry.
    pub expire: i64,
    /// Last access, in seconds of the LRU clock (`OBJECT IDLETIME`).
    pub lru: u32,
}
