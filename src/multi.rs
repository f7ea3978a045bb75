//! Transactions: MULTI/EXEC/DISCARD queueing state and WATCH (Redis's multi.c).
//!
//! Queueing is one path in `cmd::call`: while a client is in MULTI, every command other than
//! EXEC, DISCARD, MULTI, WATCH, QUIT and RESET passes the same checks as when run, then is
//! appended to `Client::multi` and answered `+QUEUED`; a command rejected by those checks
//! flags the transaction (EXECABORT). EXEC re-enters `cmd::call` for each queued command with
//! `Server::exec_depth` raised, so blocking commands do not block and blocked clients are
//! served only after the whole transaction.
//!
//! WATCH: `Db::watched` maps a key to the clients watching it. Every change to a key goes
//! through `Server::signal_modified_key` (from `Ctx::changed`, expiry, FLUSHDB/FLUSHALL,
//! SWAPDB), which marks those clients DIRTY_CAS; EXEC of a dirty client replies a null array.

use crate::net::client::flag;
use crate::server::Server;

impl Server {
    /// A key changed: every client WATCHing it will fail its EXEC, and clients caching it are
    /// sent an invalidation (Redis's `signalModifiedKey`: touchWatchedKey and
    /// trackingInvalidateKey with the running client as the one that changed it).
    pub fn signal_modified_key(&mut self, db: usize, key: &[u8]) {
        self.touch_watched_key(db, key);
        if self.tracking.active() {
            let by = self.tracking.current();
            crate::tracking::invalidate_key(self, key, true, by);
        }
    }

    /// A key was deleted by expiry or eviction, not by a client (Redis's
    /// `signalModifiedKey(NULL, ...)`).
    pub fn signal_deleted_key(&mut self, db: usize, key: &[u8]) {
        self.touch_watched_key(db, key);
        if self.tracking.active() {
            crate::tracking::invalidate_key(self, key, true, None);
        }
    }

    /// WATCHers of `key` will fail their EXEC (Redis's `touchWatchedKey`).
    fn touch_watched_key(&mut self, db: usize, key: &[u8]) {
        let Some(d) = self.dbs.get(db) else {
            return;
        };
        if d.watched.is_empty() {
            return;
        }
        if let Some(cids) = d.watched.get(key) {
            for &cid in cids {
                if let Some(c) = self.clients.get_mut(cid) {
                    c.flags |= flag::DIRTY_CAS;
                }
            }
        }
    }

    /// FLUSHDB/FLUSHALL/SWAPDB: every watched key of `db` that exists now (in `db`, or in
    /// `other` when the contents are being replaced by `other`'s) makes its watchers fail
    /// (Redis's `touchAllWatchedKeysInDb`). Call before the change.
    pub fn touch_all_watched_keys(&mut self, db: usize, other: Option<usize>) {
        if self.dbs[db].watched.is_empty() {
            return;
        }
        let keys: Vec<Vec<u8>> = self.dbs[db].watched.keys().cloned().collect();
        for k in keys {
            let exists =
                self.dbs[db].contains(&k) || other.is_some_and(|o| self.dbs[o].contains(&k));
            if exists {
                self.touch_watched_key(db, &k);
            }
        }
    }
}

/// WATCH key: starts watching `key` in `db` for client `cid` (once per key).
pub fn watch(srv: &mut Server, cid: usize, db: usize, key: &[u8]) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    if c.watched.iter().any(|(d, k)| *d == db && k[..] == key[..]) {
        return;
    }
    c.watched.push((db, key.to_vec()));
    srv.dbs[db]
        .watched
        .entry(key.to_vec())
        .or_default()
        .push(cid);
}

/// UNWATCH, and what EXEC, DISCARD, RESET and a disconnect do: forget every watched key.
pub fn unwatch_all(srv: &mut Server, cid: usize) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    c.flags &= !flag::DIRTY_CAS;
    let watched = std::mem::take(&mut c.watched);
    for (db, key) in watched {
        let d = &mut srv.dbs[db];
        if let Some(v) = d.watched.get_mut(&key) {
            v.retain(|&x| x != cid);
            if v.is_empty() {
                d.watched.remove(&key);
            }
        }
    }
}

/// Leaves MULTI state: drops the queue and the flags (and, like Redis, unwatches).
pub fn discard(srv: &mut Server, cid: usize) {
    if let Some(c) = srv.clients.get_mut(cid) {
        c.multi = Vec::new();
        c.flags &= !(flag::MULTI | flag::DIRTY_EXEC);
    }
    unwatch_all(srv, cid);
}

/// Marks the transaction of a client in MULTI as failed (a command was rejected while queueing).
pub fn flag_transaction(srv: &mut Server, cid: usize) {
    if let Some(c) = srv.clients.get_mut(cid)
        && c.has(flag::MULTI)
    {
        c.flags |= flag::DIRTY_EXEC;
    }
}
