//! What happens around a change to the keyspace, in one place (Redis's `signalModifiedKey`,
//! `notifyKeyspaceEvent` and `signalKeyAsReady`):
//!
//! - a command that changes a key calls `Ctx::changed(class, event, key)` once per key it
//!   changed: watchers of the key (WATCH) are invalidated and, when `notify-keyspace-events`
//!   selects the class, `__keyspace@<db>__:<key>` / `__keyevent@<db>__:<event>` are published;
//! - the keyspace itself reports what no command asked for: keys deleted by expiry (lazy or
//!   active) are logged by `Db` and turned into `expired` events here, and a list or sorted set
//!   created under a key that clients are blocked on is queued as ready by `Db` (served by
//!   `crate::blocking` after the command).

use crate::protocol::Reply;
use crate::server::Server;

/// Event classes, with Redis's bit values and flag letters.
pub mod class {
    pub const KEYSPACE: u32 = 1 << 0; // K
    pub const KEYEVENT: u32 = 1 << 1; // E
    pub const GENERIC: u32 = 1 << 2; // g
    pub const STRING: u32 = 1 << 3; // $
    pub const LIST: u32 = 1 << 4; // l
    pub const SET: u32 = 1 << 5; // s
    pub const HASH: u32 = 1 << 6; // h
    pub const ZSET: u32 = 1 << 7; // z
    pub const EXPIRED: u32 = 1 << 8; // x
    pub const EVICTED: u32 = 1 << 9; // e
    pub const STREAM: u32 = 1 << 10; // t
    pub const KEY_MISS: u32 = 1 << 11; // m
    pub const MODULE: u32 = 1 << 13; // d
    pub const NEW: u32 = 1 << 14; // n
    /// `A`: every type class (not `m` nor `n`).
    pub const ALL: u32 =
        GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
}

/// Parses `notify-keyspace-events` letters into class bits (the config layer has already
/// validated them).
pub fn parse_flags(s: &str) -> u32 {
    s.chars()
        .map(|c| match c {
            'A' => class::ALL,
            'g' => class::GENERIC,
            '$' => class::STRING,
            'l' => class::LIST,
            's' => class::SET,
            'h' => class::HASH,
            'z' => class::ZSET,
            'x' => class::EXPIRED,
            'e' => class::EVICTED,
            'K' => class::KEYSPACE,
            'E' => class::KEYEVENT,
            't' => class::STREAM,
            'm' => class::KEY_MISS,
            'd' => class::MODULE,
            'n' => class::NEW,
            _ => 0,
        })
        .fold(0, |a, b| a | b)
}

impl Server {
    /// Publishes a keyspace notification for `key` in `db` if `notify-keyspace-events`
    /// selects `class` (Redis's `notifyKeyspaceEvent`). `cur` is the running client and its
    /// reply buffer, so a RESP3 client subscribed to its own events gets them in order.
    pub fn notify(
        &mut self,
        cur: Option<(usize, &mut Reply)>,
        class: u32,
        event: &str,
        key: &[u8],
        db: usize,
    ) {
        let flags = self.config.notify_flags;
        if flags & class == 0 {
            return;
        }
        let mut cur = cur;
        let mut dbbuf = itoa::Buffer::new();
        let dbs = dbbuf.format(db).as_bytes();
        if flags & class::KEYSPACE != 0 {
            let mut chan = Vec::with_capacity(16 + key.len());
            chan.extend_from_slice(b"__keyspace@");
            chan.extend_from_slice(dbs);
            chan.extend_from_slice(b"__:");
            chan.extend_from_slice(key);
            let cur = cur.as_mut().map(|(c, o)| (*c, &mut **o));
            crate::pubsub::publish(self, cur, &chan, event.as_bytes());
        }
        if flags & class::KEYEVENT != 0 {
            let mut chan = Vec::with_capacity(16 + event.len());
            chan.extend_from_slice(b"__keyevent@");
            chan.extend_from_slice(dbs);
            chan.extend_from_slice(b"__:");
            chan.extend_from_slice(event.as_bytes());
            crate::pubsub::publish(self, cur, &chan, key);
        }
    }

    /// Turns what the keyspace logged into events, in the order it happened: keys deleted by
    /// expiry become `expired` events and WATCH invalidations, created keys `new` events, keys
    /// missed by reads `keymiss` events. Called before a command's own events (so they come in
    /// Redis's order), after every command and after the active expiry cycle.
    ///
    /// One difference from Redis, which publishes these at the moment they happen: a RESP3
    /// client subscribed to the events its own command causes receives those pushes after the
    /// command's reply when the command sends no event of its own (a read that missed).
    #[inline]
    pub fn drain_expired(&mut self, cur: Option<(usize, &mut Reply)>) {
        if crate::keyspace::db::take_log_pending() {
            self.drain_logs(cur);
        }
    }

    /// `drain_expired` after a command ran, for client `cid` whose reply starts at `mark` in
    /// `out`: events the command caused without publishing them itself (a read's `keymiss`, a
    /// lazily expired key) were published by Redis as they happened, before the reply, so
    /// pushes to this client (RESP3, subscribed to its own events) go in before the reply.
    pub fn drain_before_reply(&mut self, cid: usize, out: &mut Reply, mark: usize) {
        if !crate::keyspace::db::take_log_pending() {
            return;
        }
        let mut pushes = Reply::empty(out.resp3);
        self.drain_logs(Some((cid, &mut pushes)));
        if !pushes.buf.is_empty() {
            let at = mark.min(out.buf.len());
            let n = pushes.buf.len();
            out.buf.splice(at..at, pushes.buf);
            // Referenced chunks of the reply (big values) move with the bytes they precede.
            for (off, _) in out.chunks.iter_mut() {
                if *off >= at {
                    *off += n;
                }
            }
        }
    }

    fn drain_logs(&mut self, mut cur: Option<(usize, &mut Reply)>) {
        use crate::keyspace::db::Logged;
        for db in 0..self.dbs.len() {
            if self.dbs[db].log.is_empty() {
                continue;
            }
            let log = std::mem::take(&mut self.dbs[db].log);
            let lazyfree = self.config.get("lazyfree-lazy-expire") == Some("yes");
            for (what, key) in &log {
                let c = cur.as_mut().map(|(c, o)| (*c, &mut **o));
                match what {
                    Logged::Expired => {
                        // Propagated as DEL/UNLINK: with the command that found it expired,
                        // or alone when the cron's active expiry deleted it.
                        self.propagation.record_expired(db, key, lazyfree);
                        if c.is_none() {
                            crate::cmd::propagate::flush(self);
                        }
                        self.notify(c, class::EXPIRED, "expired", key, db);
                        self.signal_deleted_key(db, key);
                    }
                    Logged::New => self.notify(c, class::NEW, "new", key, db),
                    Logged::Miss => self.notify(c, class::KEY_MISS, "keymiss", key, db),
                }
            }
        }
    }
}
