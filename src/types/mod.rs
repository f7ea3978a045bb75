//! The data structures behind Redis's collection types, one file per type: lists (`list`),
//! hashes (`hash`), sets (`set`) and sorted sets (`zset`). Each owns its compact small encoding
//! and its big one, switches between them at Redis's thresholds (`*-max-listpack-*`,
//! `set-max-intset-entries`), and reports Redis's `OBJECT ENCODING` name. They know nothing of
//! commands or replies: the command families in `family/` drive them.

pub mod dict;
pub mod hash;
pub mod list;
pub mod set;
pub mod stream;
pub mod zset;

pub use hash::Hash;
pub use list::List;
pub use set::Set;
pub use stream::Stream;
pub use zset::ZSet;
