//! Persistence: RDB snapshots and the append-only file, in Redis 7.0's formats.
//!
//! - `rdb`: the RDB format itself (writer for version 10, loader for versions 1 to 11, the
//!   DUMP/RESTORE payload). Pure functions over the keyspace: no I/O policy, no server state.
//!   Replication reuses it for full resynchronisation.
//!
//! - `child`: forked children (BGSAVE, BGREWRITEAOF, full sync): fork, report pipe, reaping,
//!   fork statistics; and the temp-file + fsync + rename helper.
//!
//! - `snapshot`: SAVE, BGSAVE (by `child`), save points, start-up load, DEBUG RELOAD, the
//!   MISCONF condition.
//!
//! - `mapped`: a file's bytes for the loaders (mapped when big: no copy, no zero-filling).
//!
//! - `unlink`: deleting big files with their blocks freed off the loop (`bg_unlink`).
//!
//! - `aof`: the multi-part append-only file fed by `cmd::propagate` (writer, loader, rewrite).

pub mod aof;
pub mod child;
pub mod mapped;
pub mod rdb;
pub mod snapshot;
pub mod unlink;
