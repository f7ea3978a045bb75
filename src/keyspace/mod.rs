//! The keyspace: databases of keys -> values with expiry, on an incrementally rehashed table of
//! one-allocation-per-key nodes (`table`, `node`).
//! Commands change data only through `Db` methods.

pub mod clock;
pub mod db;
pub mod events;
pub mod glob;
pub mod lazyfree;
pub mod lookup;
pub mod node;
pub mod table;
pub mod value;

pub use db::{Db, EntryMut, EntryRef, Ttl};
pub use node::ValueRef;
pub use value::{Entry, Value};
