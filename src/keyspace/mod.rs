//! The keyspace: databases of keys -> values with expiry, on an incrementally rehashed table.
//! Commands change data only through `Db` methods.

pub mod clock;
pub mod db;
pub mod dict;
pub mod events;
pub mod glob;
pub mod lazyfree;
pub mod value;

pub use db::{Db, Ttl};
pub use value::{Entry, Value};
