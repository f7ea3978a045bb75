//! The one read lookup every command uses (Redis's `lookupKeyReadWithFlags`): expire the key if
//! due, update its access data (LRU clock or LFU counter) unless `NOTOUCH` or the client is
//! `CLIENT NO-TOUCH`, count a keyspace hit or miss unless `NOSTATS`, and log a miss for the
//! `keymiss` event unless `NONOTIFY` (published by `keyspace::events` before the command's own
//! events and after it).
//!
//! Write lookups (`lookupKeyWrite`) are plain `Db::get_mut` / `Db::get_ref`: they expire and
//! touch but neither count nor notify, as in Redis.
//!
//! The flags Redis's commands use: TYPE, EXISTS, TTL/PTTL/EXPIRETIME use `NOTOUCH`; OBJECT
//! uses `NOTOUCH | NONOTIFY`; every other read command `NONE`. MEMORY USAGE does not look
//! the key up at all (no expiry, no statistics), as Redis's `dictFind`.

pub use super::db::lookup::{NONE, NONOTIFY, NOSTATS, NOTOUCH};
use super::{EntryMut, EntryRef};
use crate::server::Server;

impl Server {
    /// Looks `key` up in database `db` for reading, with Redis's `LOOKUP_*` `flags`.
    #[inline]
    pub fn lookup_read(&mut self, db: usize, key: &[u8], flags: u32) -> Option<EntryRef<'_>> {
        let e = self.dbs[db].read_ref(key, flags);
        if flags & NOSTATS == 0 {
            if e.is_some() {
                self.stats.keyspace_hits += 1;
            } else {
                self.stats.keyspace_misses += 1;
            }
        }
        e
    }

    /// `lookup_read` handing out the value for modification (see `Db::read_mut`).
    #[inline]
    pub fn lookup_read_mut(&mut self, db: usize, key: &[u8], flags: u32) -> Option<EntryMut<'_>> {
        let e = self.dbs[db].read_mut(key, flags);
        if flags & NOSTATS == 0 {
            if e.is_some() {
                self.stats.keyspace_hits += 1;
            } else {
                self.stats.keyspace_misses += 1;
            }
        }
        e
    }
}
