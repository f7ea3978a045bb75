//! Persistence: RDB snapshots and the append-only file, in Redis 7.0's formats.
//!
//! - `rdb`: the RDB format itself (writer for version 10, loader for versions 6 to 11, the
//!   DUMP/RESTORE payload). Pure functions over the keyspace: no I/O policy, no server state.
//!   Replication reuses it for full resynchronisation.
//!
//! Later parts (each owns its file): `snapshot` (SAVE, BGSAVE by fork, save points, start-up
//! load), `aof` (the multi-part append-only file fed by `cmd::propagate`).

pub mod aof;
pub mod rdb;
