//! uredis: a Redis-compatible in-memory data server on a single-threaded io_uring loop.
//!
//! Data flows one way: socket bytes (`net`) -> RESP parser (`protocol`) -> dispatcher and
//! command table (`cmd`) -> family handler (`family`) -> keyspace (`keyspace`) -> reply buffer
//! -> one send per read batch. `runtime` is the io_uring engine underneath `net`; `server` owns
//! all state and runs the loop.

pub mod acl;
pub mod alloc;
pub mod blocking;
pub mod cmd;
pub mod config;
pub mod evict;
pub mod family;
pub mod keyspace;
pub mod multi;
pub mod net;
pub mod ops;
pub mod persist;
pub mod protocol;
pub mod pubsub;
pub mod rand;
pub mod repl;
pub mod runtime;
pub mod script;
pub mod server;
pub mod stats;
pub mod types;

/// The Redis version we are compatible with, reported as `redis_version`.
pub const REDIS_COMPAT_VERSION: &str = "7.0.15";
/// Our own version, reported as `uredis_version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
