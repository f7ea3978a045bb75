//! The RDB format (Redis 7.0, `rdb.c`): write version 10, read versions 1 to 11.
//!
//! API shared by the rest of the server (snapshots, DUMP/RESTORE, AOF preamble, replication):
//! - `write(dbs, opts, out)`: a complete file image (magic, aux fields, every non-empty
//!   database with RESIZEDB, keys with expiry and LRU/LFU opcodes, EOF, CRC64 trailer),
//!   streamed through a small buffer: never the whole image in memory.
//! - `load(bytes, dbs, opts)`: fills `dbs` from a file image; never panics on hostile input,
//!   never allocates more than the remaining input can justify; errors name what was wrong,
//!   the byte offset and the key when known.
//! - `dump_value` / `restore_value`: the DUMP payload (value + RDB version + CRC64).
//!
//! Files: `write.rs` (writer), `load.rs` (loader), and one file per blob or algorithm Redis
//! uses inside the format: `listpack.rs`, `ziplist.rs`, `intset.rs`, `zipmap.rs`, `lzf.rs`,
//! `crc64.rs`.
//!
//! Invariant: for the same value in the same encoding the bytes written are Redis 7.0's (lists
//! are cut into quicklist nodes as `RPUSH` fills them; hash-table sets and hashes follow our
//! table's order, which is as arbitrary as Redis's).

pub mod crc64;
pub mod intset;
pub mod listpack;
mod load;
pub mod lzf;
mod write;
pub mod ziplist;
pub mod zipmap;

use crate::keyspace::{Db, Value};

pub use crc64::crc64;

/// The RDB version this server writes (Redis 7.0).
pub const RDB_VERSION: u16 = 10;

/// Value types (`RDB_TYPE_*`) and opcodes (`RDB_OPCODE_*`) of rdb.h.
pub mod kind {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const MODULE: u8 = 6;
    pub const MODULE_2: u8 = 7;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
    pub const SET_LISTPACK: u8 = 20;
    pub const STREAM_LISTPACKS_3: u8 = 21;

    pub const OPCODE_FUNCTION2: u8 = 245;
    pub const OPCODE_FUNCTION: u8 = 246;
    pub const OPCODE_MODULE_AUX: u8 = 247;
    pub const OPCODE_IDLE: u8 = 248;
    pub const OPCODE_FREQ: u8 = 249;
    pub const OPCODE_AUX: u8 = 250;
    pub const OPCODE_RESIZEDB: u8 = 251;
    pub const OPCODE_EXPIRETIME_MS: u8 = 252;
    pub const OPCODE_EXPIRETIME: u8 = 253;
    pub const OPCODE_SELECTDB: u8 = 254;
    pub const OPCODE_EOF: u8 = 255;

    /// Quicklist node containers (`QUICKLIST_NODE_CONTAINER_*`).
    pub const CONTAINER_PLAIN: u64 = 1;
    pub const CONTAINER_PACKED: u64 = 2;
}

/// One element of a listpack or ziplist blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ent<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl Ent<'_> {
    /// The element as a string (integers in decimal).
    pub fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        match *self {
            Ent::Int(v) => itoa::Buffer::new().format(v).as_bytes().to_vec().into(),
            Ent::Str(s) => s.into(),
        }
    }
}

/// How to write a file (or a DUMP payload).
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// LZF-compress strings longer than 20 bytes when it saves space (`rdbcompression`).
    pub compression: bool,
    /// Append the CRC64 of the file (`rdbchecksum`); when off, eight zero bytes.
    pub checksum: bool,
    /// Aux fields written after the magic, in order (`redis-ver`, `redis-bits`, `ctime`,
    /// `used-mem`, `repl-id`, `repl-offset`, `aof-base`, ...).
    pub aux: Vec<(String, String)>,
    /// Write an IDLE opcode per key (`maxmemory-policy` is an LRU policy). FREQ opcodes are
    /// written when the keyspace runs in LFU mode (`keyspace::db::lfu()`), as Redis does.
    pub save_lru: bool,
    /// `list-max-listpack-size`: how lists are cut into quicklist nodes.
    pub list_max_listpack_size: i64,
    /// `list-compress-depth`: inner quicklist nodes are saved LZF-compressed, as Redis's
    /// quicklist holds them.
    pub list_compress_depth: usize,
    /// Function libraries' code, written as `FUNCTION2` opcodes before the databases.
    pub functions: Vec<bytes::Bytes>,
    /// `rdb-key-save-delay`: microseconds to sleep after each key (Redis's `debugDelay`: a
    /// negative -N sleeps 1 microsecond with probability 1/N). A testing aid for BGSAVE.
    pub key_save_delay: i64,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            compression: true,
            checksum: true,
            aux: Vec::new(),
            save_lru: false,
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            functions: Vec::new(),
            key_save_delay: 0,
        }
    }
}

/// How to load a file (or a RESTORE payload).
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Keys whose TTL has passed are skipped (a master's load); a replica keeps them.
    pub skip_expired: bool,
    /// Unix time in ms used to decide what has expired.
    pub now_ms: i64,
    /// Do not verify the trailing CRC64 (`rdbchecksum no`). A stored 0 is never checked.
    pub skip_checksum: bool,
    /// Encoding thresholds: loaded values are converted as Redis converts them at load.
    /// Defaults are Redis 7.0's compiled-in ones (hash 512/64, intset 512, zset 128/64, -2).
    pub hash_max_listpack_entries: usize,
    pub hash_max_listpack_value: usize,
    pub set_max_intset_entries: usize,
    pub zset_max_listpack_entries: usize,
    pub zset_max_listpack_value: usize,
    pub list_max_listpack_size: i64,
    /// Hand function libraries (`FUNCTION2` opcodes) back in `LoadSummary::functions`; when
    /// false (the default) a file holding any is refused, naming them, so none is lost
    /// silently.
    pub keep_functions: bool,
    /// A key already present (in the file or in the target databases) replaces the old one
    /// instead of failing the load (Redis's RDBFLAGS_ALLOW_DUP: DEBUG RELOAD MERGE).
    pub allow_dup: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            skip_expired: false,
            now_ms: 0,
            skip_checksum: false,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            set_max_intset_entries: 512,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            list_max_listpack_size: -2,
            keep_functions: false,
            allow_dup: false,
        }
    }
}

/// What a load found.
#[derive(Debug, Clone, Default)]
pub struct LoadSummary {
    pub version: u16,
    pub keys_loaded: u64,
    pub keys_expired: u64,
    /// Keys whose value was an empty collection (Redis skips them, see its issue #8453).
    pub empty_keys_skipped: u64,
    /// Aux fields as found in the file.
    pub aux: Vec<(Vec<u8>, Vec<u8>)>,
    /// The code of each function library (`FUNCTION2` opcodes), when `keep_functions`.
    pub functions: Vec<Vec<u8>>,
    /// Bytes of the input the image took, checksum included (an AOF with an RDB preamble
    /// continues there).
    pub consumed: usize,
}

/// A load failure, naming what was wrong and where (byte offset, key when known).
#[derive(Debug, Clone)]
pub struct RdbError {
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for RdbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for RdbError {}

/// Writes a complete RDB image of `dbs` (database number = position in the slice) to `out`,
/// through a buffer of its own: pass the raw file. Keys already expired by the cached clock
/// are left out, as `Db::iter` hides them.
pub fn write(dbs: &[Db], opts: &WriteOptions, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write::write(dbs, opts, out, &mut |_| {})
}

/// Keys written between two calls of a writer's progress callback.
pub const PROGRESS_EVERY: u64 = 1024;

/// `write`, calling `progress(keys written so far)` every `PROGRESS_EVERY` keys and once at
/// the end (a BGSAVE child reports it as INFO `current_save_keys_processed`).
pub fn write_with_progress(
    dbs: &[Db],
    opts: &WriteOptions,
    out: &mut dyn std::io::Write,
    progress: &mut dyn FnMut(u64),
) -> std::io::Result<()> {
    write::write(dbs, opts, out, progress)
}

/// Loads an RDB image into `dbs` (expected empty).
pub fn load(input: &[u8], dbs: &mut [Db], opts: &LoadOptions) -> Result<LoadSummary, RdbError> {
    load::load(input, dbs, opts)
}

/// The DUMP payload of a value: type byte, serialized value, RDB version (2 bytes LE), CRC64.
pub fn dump_value(value: &Value, compression: bool) -> Vec<u8> {
    dump_value_with(
        value,
        &WriteOptions {
            compression,
            ..WriteOptions::default()
        },
    )
}

/// `dump_value` with every writing option (`compression`, `list_max_listpack_size`,
/// `list_compress_depth`).
pub fn dump_value_with(value: &Value, opts: &WriteOptions) -> Vec<u8> {
    let mut p = Vec::new();
    write::dump_payload(value, opts, &mut p);
    p
}

/// FUNCTION DUMP's payload: each library's code after a `FUNCTION2` opcode, then the RDB
/// version (2 bytes LE) and the CRC64.
pub fn dump_functions(codes: &[bytes::Bytes], compression: bool) -> Vec<u8> {
    let mut p = Vec::new();
    for c in codes {
        p.push(kind::OPCODE_FUNCTION2);
        // Writing to a Vec cannot fail.
        let _ = write::save_string(&mut p, c, compression);
    }
    p.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = crc64(0, &p);
    p.extend_from_slice(&crc.to_le_bytes());
    p
}

/// FUNCTION RESTORE: the libraries' code in a payload, or Redis's error text.
pub fn restore_functions(payload: &[u8]) -> Result<Vec<Vec<u8>>, &'static str> {
    if !verify_payload(payload) {
        return Err("DUMP payload version or checksum are wrong");
    }
    load::load_function_payload(&payload[..payload.len() - 10])
}

/// Redis's `verifyDumpPayload`: at least 10 bytes, an RDB version this server reads, and a
/// matching CRC64 (Redis 7.0 accepts versions up to its own, 10).
pub fn verify_payload(payload: &[u8]) -> bool {
    if payload.len() < 10 {
        return false;
    }
    let footer = &payload[payload.len() - 10..];
    let ver = u16::from_le_bytes([footer[0], footer[1]]);
    if ver > RDB_VERSION {
        return false;
    }
    let crc = crc64(0, &payload[..payload.len() - 8]);
    crc.to_le_bytes() == footer[2..10]
}

/// Decodes a DUMP payload (checks the version and CRC64 first, as Redis's `verifyDumpPayload`).
pub fn restore_value(payload: &[u8]) -> Result<Value, RdbError> {
    restore_value_with(payload, &LoadOptions::default())
}

/// `restore_value` with the encoding thresholds of `opts`. `Ok(None)`-like empty collections
/// are an error here, as RESTORE answers "Bad data format" for them.
pub fn restore_value_with(payload: &[u8], opts: &LoadOptions) -> Result<Value, RdbError> {
    if !verify_payload(payload) {
        return Err(RdbError {
            offset: 0,
            message: "DUMP payload version or checksum are wrong".into(),
        });
    }
    load::load_payload(&payload[..payload.len() - 10], opts)
}

/// The `lru` field of a loaded or restored key (Redis's `objectSetLRUOrLFU`): the FREQ
/// counter under an LFU policy, else the IDLE seconds, else a fresh access time.
pub fn lru_for(freq: Option<u8>, idle: Option<u64>) -> u32 {
    load::lru_for(freq, idle, crate::keyspace::clock::lru_clock())
}

#[cfg(test)]
mod tests;
