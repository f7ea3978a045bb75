//! One logical database (`SELECT n`): the key -> entry table and the index of keys with a TTL.
//!
//! Every read and write of the keyspace goes through these methods, so expiry is enforced in one
//! place: a key whose time has passed is deleted when it is looked up (lazy expiry) or when the
//! cron's active cycle samples it, and is never returned to a command. The keyspace also
//! keeps what the rest of the server hooks onto keys (see `events`): the clients blocked on a
//! key and the keys that became ready for them, the clients WATCHing a key, and the log of
//! keys deleted by expiry.
//!
//! Layout: `main` is the keyspace table (`table`): one allocation per key holding key, value
//! (small strings and ints inline) and access time, with a has-expiry flag; `expires` maps only
//! the keys that have a TTL to their expiry time (Redis's `db->expires`), so a key without TTL
//! pays nothing for it.
//!
//! Invariant: a key is in `expires` exactly when its node's has-expiry flag is set, and then
//! with a non-zero time.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::clock;
use super::node::{self, Node, ValueRef};
use super::table::Table;
use super::value::{Entry, Value};
use crate::types::dict::Dict;

/// LFU mode, set from the configuration: 0 when maxmemory-policy is not an LFU policy, else
/// `1 << 63 | lfu-log-factor << 32 | lfu-decay-time`. Process-wide like Redis's
/// `server.maxmemory_policy`, which every lookup consults; when set, `Entry::lru` holds Redis's
/// LFU data (16 bits of minutes << 8 | an 8-bit logarithmic access counter).
static LFU: AtomicU64 = AtomicU64::new(0);

/// Set when any database logged an expired key; lets the server check once per command.
static EXPIRED_PENDING: AtomicBool = AtomicBool::new(false);

/// Whether new keys are logged (`notify-keyspace-events` has `n`).
static LOG_NEW: AtomicBool = AtomicBool::new(false);

/// Whether read misses are logged (`notify-keyspace-events` has `m`).
static LOG_MISS: AtomicBool = AtomicBool::new(false);

/// Whether keys were logged (expired, created, missed) since the last call (and clears the mark).
#[inline]
pub fn take_log_pending() -> bool {
    // A plain load first: the common case (nothing logged) costs no atomic write.
    EXPIRED_PENDING.load(Ordering::Relaxed) && EXPIRED_PENDING.swap(false, Ordering::Relaxed)
}

/// Turns logging of created keys (for `new` events) on or off.
pub fn set_log_new(on: bool) {
    LOG_NEW.store(on, Ordering::Relaxed);
}

/// Turns logging of read misses (for `keymiss` events) on or off.
pub fn set_log_miss(on: bool) {
    LOG_MISS.store(on, Ordering::Relaxed);
}

/// What happened to a key that the keyspace logged for the server to act on (`Db::log`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logged {
    /// Deleted because its TTL passed (lazy or active expiry): `expired` event, WATCH,
    /// propagated DEL.
    Expired,
    /// Created (Redis's `dbAdd`): `new` event, when enabled.
    New,
    /// Not found by a read lookup (Redis's `lookupKey` without `LOOKUP_NONOTIFY`): `keymiss`
    /// event, when enabled.
    Miss,
}

/// Flags of a read lookup (Redis's `LOOKUP_*`), for `Db::read_ref` / `Server::lookup_read`.
pub mod lookup {
    /// A plain read (`lookupKeyRead`): touch, count a hit or miss, `keymiss` on a miss.
    pub const NONE: u32 = 0;
    /// Leave the access time (LRU/LFU data) alone (`LOOKUP_NOTOUCH`: TYPE, EXISTS, TTL, OBJECT).
    pub const NOTOUCH: u32 = 1 << 0;
    /// No `keymiss` event on a miss (`LOOKUP_NONOTIFY`: OBJECT).
    pub const NONOTIFY: u32 = 1 << 1;
    /// No keyspace hit/miss statistics (`LOOKUP_NOSTATS`).
    pub const NOSTATS: u32 = 1 << 2;
}

/// Redis's `LFU_INIT_VAL`: the counter of a new key, so it is not evicted right away.
const LFU_INIT_VAL: u32 = 5;

/// Turns LFU tracking on (`Some((log_factor, decay_time))`) or off. Called when
/// `maxmemory-policy`, `lfu-log-factor` or `lfu-decay-time` change.
pub fn set_lfu(params: Option<(u32, u32)>) {
    let v = params.map_or(0, |(f, d)| 1 << 63 | (f as u64) << 32 | d as u64);
    LFU.store(v, Ordering::Relaxed);
}

/// `(log_factor, decay_time)` when an LFU policy is selected.
pub fn lfu() -> Option<(u32, u32)> {
    let v = LFU.load(Ordering::Relaxed);
    (v != 0).then_some(((v >> 32) as u32 & 0x7fff_ffff, v as u32))
}

/// Redis's `LFUGetTimeInMinutes`.
fn lfu_minutes() -> u32 {
    ((clock::now_ms() / 60_000) & 0xffff) as u32
}

/// The access counter of an entry after decay (Redis's `LFUDecrAndReturn`), without updating it.
pub fn lfu_counter(lru: u32, decay_time: u32) -> u32 {
    let ldt = lru >> 8;
    let counter = lru & 255;
    let now = lfu_minutes();
    let elapsed = if now >= ldt {
        now - ldt
    } else {
        65535 - ldt + now
    };
    let periods = elapsed.checked_div(decay_time).unwrap_or(0);
    counter.saturating_sub(periods)
}

/// The `lru` field for a value created now (Redis's `createObject`).
pub fn new_lru() -> u32 {
    match lfu() {
        Some(_) => lfu_minutes() << 8 | LFU_INIT_VAL,
        None => clock::lru_clock(),
    }
}

/// The `lru` field after an access (Redis's `updateLFU`, or the LRU clock).
pub fn touched_lru(lru: u32) -> u32 {
    let Some((log_factor, decay)) = lfu() else {
        return clock::lru_clock();
    };
    let mut counter = lfu_counter(lru, decay);
    if counter < 255 {
        // LFULogIncr: the higher the counter, the less likely it grows.
        let r = (crate::rand::next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let base = counter.saturating_sub(LFU_INIT_VAL) as f64;
        if r < 1.0 / (base * log_factor as f64 + 1.0) {
            counter += 1;
        }
    }
    lfu_minutes() << 8 | counter
}

/// What to do with an existing key's TTL when its value is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ttl {
    /// Remove any TTL (plain SET).
    Clear,
    /// Keep the current TTL (SET ... KEEPTTL, SETRANGE, APPEND, INCR).
    Keep,
    /// Expire at this Unix time in milliseconds.
    At(i64),
}

/// A key's entry as seen by a reader: the value as stored (small strings and ints are not a
/// `Value` of their own: `ValueRef::to_value` / `to_cow` build one), its expiry, its access time.
#[derive(Debug, Clone, Copy)]
pub struct EntryRef<'a> {
    pub value: ValueRef<'a>,
    /// Absolute expiry in Unix milliseconds; 0 = no expiry.
    pub expire: i64,
    /// Last access (LRU clock) or LFU data, 24 bits.
    pub lru: u32,
}

/// A key's entry for modification of its value in place (`Db::get_mut`).
#[derive(Debug)]
pub struct EntryMut<'a> {
    pub value: &'a mut Value,
    /// Absolute expiry in Unix milliseconds; 0 = no expiry (read-only: see `Db::set_expire`).
    pub expire: i64,
    /// Last access (read-only copy).
    pub lru: u32,
}

/// One database's share of an active expiry cycle.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExpireRun {
    /// Volatile keys looked at.
    pub sampled: usize,
    /// Keys deleted because their time had passed.
    pub deleted: usize,
    /// Whether the deadline stopped the cycle while many sampled keys were still expired.
    pub timed_out: bool,
}

/// Redis's `activeExpireCycle` across databases: a slow cycle from the cron and fast cycles
/// (up to 1 ms, effort-scaled) between loop iterations while the previous cycle ran out of
/// time or many sampled keys were stale.
///
/// One deliberate difference: Redis's slow cycle may run 25% of a cron period in one go
/// (25 ms at hz 10), a pause every client sees, and its fast cycles start at most every 2 ms.
/// Here the slow cycle runs at most `SLOW_SLICE_MAX`, fast cycles may start every 1.5 ms,
/// and while expiry is behind (`behind`) the server wakes up for them even when idle: up to
/// two thirds of the time in 1 ms slices, so mass expiry is reclaimed at least as fast as by
/// Redis with a fraction of its longest pause.
/// The longest slow cycle (see `ExpireCycle`).
pub const SLOW_SLICE_MAX: std::time::Duration = std::time::Duration::from_millis(3);

#[derive(Debug, Default)]
pub struct ExpireCycle {
    /// The last cycle stopped on its time limit (there is more to do).
    timelimit_exit: bool,
    /// Running average of the expired share of sampled keys (Redis's
    /// `stat_expired_stale_perc`), in percent.
    stale_perc: f64,
    last_fast: Option<std::time::Instant>,
    /// The database the next cycle starts with (fair when time runs out).
    next_db: usize,
}

impl ExpireCycle {
    /// Whether the last cycle ran out of time with expired keys left: the loop should wake
    /// up soon for a fast cycle.
    pub fn behind(&self) -> bool {
        self.timelimit_exit
    }

    /// Runs one cycle (`fast` or slow) over `dbs`; returns the keys deleted, or `None` if a
    /// fast cycle was not due.
    pub fn run(&mut self, dbs: &mut [Db], fast: bool, effort: u32, hz: u32) -> Option<usize> {
        let effort = effort.clamp(1, 10) as usize - 1;
        let keys_per_loop = 20 + 20 / 4 * effort;
        let fast_us = 1000 + 1000 / 4 * effort as u64;
        let slow_perc = 25 + 2 * effort as u64;
        let acceptable_stale = 10 - effort;
        let start = std::time::Instant::now();
        let limit = if fast {
            if !self.timelimit_exit && self.stale_perc < acceptable_stale as f64 {
                return None;
            }
            if let Some(last) = self.last_fast
                && start < last + std::time::Duration::from_micros(fast_us * 3 / 2)
            {
                return None;
            }
            self.last_fast = Some(start);
            std::time::Duration::from_micros(fast_us)
        } else {
            std::time::Duration::from_micros(1_000_000 * slow_perc / hz.max(1) as u64 / 100)
                .min(SLOW_SLICE_MAX)
        };
        let deadline = start + limit;
        let (mut sampled, mut deleted) = (0, 0);
        self.timelimit_exit = false;
        let n = dbs.len();
        for i in 0..n {
            let db = &mut dbs[(self.next_db + i) % n];
            if db.expires_len() == 0 {
                continue;
            }
            let r = db.active_expire_with(deadline, keys_per_loop, acceptable_stale);
            sampled += r.sampled;
            deleted += r.deleted;
            if r.timed_out {
                self.timelimit_exit = true;
                self.next_db = (self.next_db + i) % n;
                break;
            }
        }
        let current = if sampled > 0 {
            deleted as f64 * 100.0 / sampled as f64
        } else {
            0.0
        };
        self.stale_perc = current * 0.05 + self.stale_perc * 0.95;
        Some(deleted)
    }
}

/// What `Db::flush` hands back: the old tables, to be dropped where the caller likes.
pub type Flushed = (Table, Dict<i64>);

#[derive(Default)]
pub struct Db {
    pub id: usize,
    main: Table,
    /// Expiry time of the keys that have a TTL; sampled by the active expiry cycle.
    expires: Dict<i64>,
    /// Keys deleted because their TTL passed (INFO `expired_keys`).
    pub expired_keys: u64,
    /// Running estimate of the average TTL of volatile keys (INFO keyspace `avg_ttl`).
    pub avg_ttl: i64,
    /// Where the active expiry cycle resumes (a `Dict::scan` cursor).
    expire_cursor: u64,
    /// Set by `cmd::call` while a `CLIENT NO-TOUCH` client runs a command: lookups leave the
    /// access time alone.
    pub no_touch: bool,
    /// Set while CLIENT PAUSE holds clients (`crate::pause`): an expired key found by a lookup
    /// answers as missing but is not deleted, so the dataset stays still.
    pub keep_expired: bool,
    /// Keys deleted by expiry (for `expired` notifications, WATCH and propagation), created
    /// (`new`, when enabled) and missed by reads (`keymiss`, when enabled), in the order it
    /// happened; drained by the server (`keyspace::events`).
    pub log: Vec<(Logged, Vec<u8>)>,
    /// Clients (slab slots) blocked on each key, first come first served (`crate::blocking`).
    pub blocking: HashMap<Vec<u8>, VecDeque<usize>>,
    /// Keys with blocked clients that received a list or sorted set, in signalling order.
    pub ready: Vec<Vec<u8>>,
    /// Clients (slab slots) WATCHing each key (`crate::multi`).
    pub watched: HashMap<Vec<u8>, Vec<usize>>,
}

impl Db {
    pub fn new(id: usize) -> Db {
        Db {
            id,
            ..Default::default()
        }
    }

    pub fn len(&self) -> usize {
        self.main.len()
    }

    pub fn is_empty(&self) -> bool {
        self.main.is_empty()
    }

    pub fn expires_len(&self) -> usize {
        self.expires.len()
    }

    /// Sizes the keyspace and expires tables for `keys` / `expires` entries up front (RDB
    /// `RESIZEDB`, as Redis's `dictExpand`): loading then never resizes. The caller bounds the
    /// counts; large arrays are mapped and zero-filled lazily by the kernel.
    pub fn reserve(&mut self, keys: usize, expires: usize) {
        self.main.reserve(keys);
        self.expires.reserve(expires);
    }

    /// The hash of `key` in the keyspace table: what `load_insert` takes, and what
    /// `prefetch_bucket` / `prefetch_chain` start fetching the entry of, so that a batch of
    /// lookups (the RDB loader's keys, a pipelined batch's keys in `crate::net`) overlaps its
    /// cache misses. See `Table::insert_absent` for the prefetch protocol.
    #[inline]
    pub fn key_hash(&self, key: &[u8]) -> u64 {
        self.main.hash_of(key)
    }

    /// Starts fetching the bucket of a key's hash (`key_hash`) into the cache. Only a hint.
    #[inline]
    pub fn prefetch_bucket(&self, h: u64) {
        self.main.prefetch_bucket(h);
    }

    /// Starts fetching the first node of that bucket's chain (some keys after the bucket).
    #[inline]
    pub fn prefetch_chain(&self, h: u64) {
        self.main.prefetch_chain(h);
    }

    /// Adds a key being loaded from a file (hash `h` from `key_hash`), unless it is already
    /// present: then `Err(entry)` gives it back and nothing changes. No blocked clients are
    /// signalled and no `new` event logged (loading is not a write, as in Redis's
    /// `dbAddRDBLoad`); the key is hashed once and looked up once.
    pub fn load_insert(&mut self, h: u64, key: &[u8], entry: Entry) -> Result<(), Entry> {
        let Entry { value, expire, lru } = entry;
        match self.main.insert_absent(h, key, value, lru, expire != 0) {
            Ok(()) => {
                if expire != 0 {
                    self.expires.insert(key, expire);
                }
                Ok(())
            }
            Err(value) => Err(Entry { value, expire, lru }),
        }
    }

    /// Bucket slots of the keyspace table (both arrays while resizing).
    pub fn buckets(&self) -> usize {
        self.main.buckets()
    }

    /// The expiry of a stored node (0 = none).
    #[inline]
    fn node_expire(expires: &Dict<i64>, key: &[u8], n: &Node) -> i64 {
        if n.has_expire() {
            expires.get(key).copied().unwrap_or(0)
        } else {
            0
        }
    }

    #[inline]
    fn due(expire: i64, now: i64) -> bool {
        expire != 0 && expire <= now
    }

    /// Deletes `key` if its TTL has passed. Returns true if it did.
    fn expire_if_needed(&mut self, key: &[u8]) -> bool {
        let now = clock::now_ms();
        let due = match self.main.get(key) {
            Some(n) => Self::due(Self::node_expire(&self.expires, key, n), now),
            None => false,
        };
        if due && !self.keep_expired {
            self.delete_expired(key);
        }
        due
    }

    /// Removes a key whose TTL passed, counting and logging it.
    fn delete_expired(&mut self, key: &[u8]) {
        self.drop_key(key);
        self.expired_keys += 1;
        self.log_expired(key);
    }

    /// Unlinks and frees `key` without building its value (a big one goes to the lazyfree
    /// thread); true if it was there.
    fn drop_key(&mut self, key: &[u8]) -> bool {
        let Some(n) = self.main.remove(key) else {
            return false;
        };
        if n.node().has_expire() {
            self.expires.remove(key);
        }
        if !n.node().is_small() {
            super::lazyfree::free(n.into_value());
        }
        true
    }

    fn log_expired(&mut self, key: &[u8]) {
        self.log.push((Logged::Expired, key.to_vec()));
        EXPIRED_PENDING.store(true, Ordering::Relaxed);
    }

    #[inline]
    fn log_new(log: &mut Vec<(Logged, Vec<u8>)>, key: &[u8]) {
        if LOG_NEW.load(Ordering::Relaxed) {
            log.push((Logged::New, key.to_vec()));
            EXPIRED_PENDING.store(true, Ordering::Relaxed);
        }
    }

    #[inline]
    fn log_miss(log: &mut Vec<(Logged, Vec<u8>)>, key: &[u8], flags: u32) {
        if flags & lookup::NONOTIFY == 0 && LOG_MISS.load(Ordering::Relaxed) {
            log.push((Logged::Miss, key.to_vec()));
            EXPIRED_PENDING.store(true, Ordering::Relaxed);
        }
    }

    /// Queues `key` as ready if clients are blocked on it (Redis's `signalKeyAsReady`, which
    /// `dbAdd` calls for lists and sorted sets).
    pub fn signal_ready(&mut self, key: &[u8], value: &Value) {
        if !self.blocking.is_empty()
            && value.is_blockable()
            && self.blocking.contains_key(key)
            && !self.ready.iter().any(|k| k == key)
        {
            self.ready.push(key.to_vec());
        }
    }

    /// Queues `key` as ready if clients are blocked on it, whatever it holds now: a stream was
    /// changed, deleted or overwritten (Redis signals those for XREAD/XREADGROUP waiters).
    pub fn signal_key(&mut self, key: &[u8]) {
        if !self.blocking.is_empty()
            && self.blocking.contains_key(key)
            && !self.ready.iter().any(|k| k == key)
        {
            self.ready.push(key.to_vec());
        }
    }

    /// Before `key` is overwritten or deleted: if it holds a stream with waiters, signal them
    /// (a blocked XREADGROUP must fail).
    fn signal_if_stream(&mut self, key: &[u8]) {
        if !self.blocking.is_empty()
            && self.blocking.contains_key(key)
            && self
                .main
                .get(key)
                .is_some_and(|n| matches!(n.value(), ValueRef::Obj(Value::Stream(_))))
        {
            self.signal_key(key);
        }
    }

    /// Expires `key` if due, then updates its access time if `touch`; true if it is live.
    fn lookup(&mut self, key: &[u8], touch: bool) -> bool {
        if !self.expires.is_empty() && self.expire_if_needed(key) {
            return false;
        }
        let no_touch = self.no_touch;
        match self.main.get_mut(key) {
            Some(n) => {
                if touch && !no_touch {
                    n.set_lru(touched_lru(n.lru()));
                }
                true
            }
            None => false,
        }
    }

    /// Looks a key up without statistics or `keymiss` (Redis's `lookupKeyWrite`, and the
    /// second look of a command that already counted its read): expires it if due, updates
    /// its access time. Read commands use `Server::lookup_read`.
    #[inline]
    pub fn get_ref(&mut self, key: &[u8]) -> Option<EntryRef<'_>> {
        self.read_ref(key, lookup::NONOTIFY)
    }

    /// Like `get_ref` but leaves the access time alone (`OBJECT`, `TYPE`, `CLIENT NO-TOUCH`...).
    pub fn get_ref_no_touch(&mut self, key: &[u8]) -> Option<EntryRef<'_>> {
        self.read_ref(key, lookup::NOTOUCH | lookup::NONOTIFY)
    }

    /// Looks a key up for a read command (Redis's `lookupKeyReadWithFlags`, less the
    /// statistics, which `Server::lookup_read` keeps): expires it if due, updates its access
    /// time unless `lookup::NOTOUCH`, logs a miss for `keymiss` unless `lookup::NONOTIFY`.
    #[inline]
    pub fn read_ref(&mut self, key: &[u8], flags: u32) -> Option<EntryRef<'_>> {
        if !self.expires.is_empty() && self.expire_if_needed(key) {
            Self::log_miss(&mut self.log, key, flags);
            return None;
        }
        let no_touch = self.no_touch || flags & lookup::NOTOUCH != 0;
        let Some(n) = self.main.get_mut(key) else {
            Self::log_miss(&mut self.log, key, flags);
            return None;
        };
        if !no_touch {
            n.set_lru(touched_lru(n.lru()));
        }
        let n: &Node = n;
        Some(EntryRef {
            value: n.value(),
            expire: Self::node_expire(&self.expires, key, n),
            lru: n.lru(),
        })
    }

    /// `read_ref` handing out the value for modification (aggregates read by commands that
    /// also change them, or share a helper with writers). An inline string becomes a `Value`.
    #[inline]
    pub fn read_mut(&mut self, key: &[u8], flags: u32) -> Option<EntryMut<'_>> {
        if !self.expires.is_empty() && self.expire_if_needed(key) {
            Self::log_miss(&mut self.log, key, flags);
            return None;
        }
        let no_touch = self.no_touch || flags & lookup::NOTOUCH != 0;
        let Some(n) = self.main.get_value_mut(key) else {
            Self::log_miss(&mut self.log, key, flags);
            return None;
        };
        if !no_touch {
            n.set_lru(touched_lru(n.lru()));
        }
        let expire = Self::node_expire(&self.expires, key, n);
        let lru = n.lru();
        Some(EntryMut {
            value: n.value_mut()?,
            expire,
            lru,
        })
    }

    /// Looks a key up for modifying its value in place: expires it if due, updates its access
    /// time. A string stored inline becomes a `Value` of its own here (same encoding).
    pub fn get_mut(&mut self, key: &[u8]) -> Option<EntryMut<'_>> {
        self.read_mut(key, lookup::NONOTIFY)
    }

    /// Like `get_mut` but leaves the access time alone.
    pub fn get_mut_no_touch(&mut self, key: &[u8]) -> Option<EntryMut<'_>> {
        self.read_mut(key, lookup::NOTOUCH | lookup::NONOTIFY)
    }

    /// The value under `key`, if present and not expired (an access).
    pub fn get(&mut self, key: &[u8]) -> Option<ValueRef<'_>> {
        self.get_ref(key).map(|e| e.value)
    }

    pub fn contains(&mut self, key: &[u8]) -> bool {
        self.lookup(key, false)
    }

    /// Sets `key` to `value`. Returns whether the key existed.
    pub fn set(&mut self, key: &[u8], value: Value, ttl: Ttl) -> bool {
        if !self.expires.is_empty() {
            self.expire_if_needed(key);
        }
        if !self.blocking.is_empty() {
            self.signal_if_stream(key);
            self.signal_ready(key, &value);
        }
        self.set_stored(key, value, ttl)
    }

    /// `set(key, Value::string(val), ttl)` without building the `Value` when it would be
    /// stored inline (SET of a small string or an int): no allocation when an existing
    /// key's small value of the same size is overwritten.
    pub fn set_string(&mut self, key: &[u8], val: &[u8], ttl: Ttl) -> bool {
        match node::Small::of_string(key, val) {
            Some(small) if self.blocking.is_empty() => {
                if !self.expires.is_empty() {
                    self.expire_if_needed(key);
                }
                self.set_stored(key, small, ttl)
            }
            _ => self.set(key, Value::string(val), ttl),
        }
    }

    /// `set` after the expiry check and the blocked clients' signal.
    #[inline]
    fn set_stored(&mut self, key: &[u8], value: impl node::Stored, ttl: Ttl) -> bool {
        let new_expire = match ttl {
            Ttl::Clear => 0,
            Ttl::Keep => -1,
            Ttl::At(ms) => ms,
        };
        let mut had_expire = false;
        let existed = self.main.upsert(key, value, new_lru(), |old| {
            had_expire = old.has_expire();
            // Redis looks the key up for writing (an access) and, under LFU, keeps the old
            // counter on overwrite; under LRU the new value's access time is now.
            let keep = if new_expire == -1 {
                had_expire
            } else {
                new_expire != 0
            };
            (touched_lru(old.lru()), keep)
        });
        match new_expire {
            -1 => {}
            0 if had_expire => {
                self.expires.remove(key);
            }
            0 => {}
            at => self.put_expire(key, at),
        }
        if !existed {
            Self::log_new(&mut self.log, key);
        }
        existed
    }

    /// Replaces the value of an existing key in place of the old one, keeping its TTL and
    /// access time (the caller has just looked it up: INCR, INCRBYFLOAT). A value that fits
    /// the small layout is stored inline again.
    pub fn overwrite(&mut self, key: &[u8], value: Value) {
        self.main
            .upsert(key, value, new_lru(), |old| (old.lru(), old.has_expire()));
    }

    /// Records `at` as `key`'s expiry (the node exists) and sets its flag.
    fn put_expire(&mut self, key: &[u8], at: i64) {
        if let Some(n) = self.main.get_mut(key) {
            n.set_has_expire(true);
            self.expires.insert(key, at);
        }
    }

    /// Inserts an entry with its own expiry and LRU (MOVE, COPY, RENAME, SWAPDB helpers, the
    /// RDB loader). Replaces any existing key.
    pub fn put_entry(&mut self, key: &[u8], entry: Entry) {
        if !self.blocking.is_empty() {
            self.signal_if_stream(key);
            self.signal_ready(key, &entry.value);
        }
        let mut had_expire = false;
        let existed = self.main.upsert(key, entry.value, entry.lru, |old| {
            had_expire = old.has_expire();
            (entry.lru, entry.expire != 0)
        });
        if !existed {
            Self::log_new(&mut self.log, key);
        }
        if entry.expire != 0 {
            self.put_expire(key, entry.expire);
        } else if had_expire {
            self.expires.remove(key);
        }
    }

    fn remove_entry(&mut self, key: &[u8]) -> Option<Entry> {
        self.signal_if_stream(key);
        let n = self.main.remove(key)?;
        let expire = if n.node().has_expire() {
            self.expires.remove(key).unwrap_or(0)
        } else {
            0
        };
        let lru = n.node().lru();
        Some(Entry {
            value: n.into_value(),
            expire,
            lru,
        })
    }

    /// Deletes `key` (if present and not expired). Returns its entry.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        if !self.expires.is_empty() && self.expire_if_needed(key) {
            return None;
        }
        self.remove_entry(key)
    }

    /// Deletes `key`; true if it existed. A big value is freed on the lazyfree thread.
    pub fn delete(&mut self, key: &[u8]) -> bool {
        if !self.expires.is_empty() && self.expire_if_needed(key) {
            return false;
        }
        self.drop_key(key)
    }

    /// Sets an absolute expiry on an existing key; false if the key does not exist.
    pub fn set_expire(&mut self, key: &[u8], at_ms: i64) -> bool {
        if !self.lookup(key, false) {
            return false;
        }
        if at_ms == 0 {
            self.persist(key);
        } else {
            self.put_expire(key, at_ms);
        }
        true
    }

    /// Removes the TTL of a key; true if there was one.
    pub fn persist(&mut self, key: &[u8]) -> bool {
        if !self.lookup(key, false) {
            return false;
        }
        match self.main.get_mut(key) {
            Some(n) if n.has_expire() => {
                n.set_has_expire(false);
                self.expires.remove(key);
                true
            }
            _ => false,
        }
    }

    /// MEMORY USAGE: the bytes `key` uses, found as stored (expired or not, no access, as
    /// Redis's `dictFind`): its node (key, header, inline value or `Value`), the heap of its
    /// value (aggregates extrapolated from `samples` elements), its bucket slot, and its
    /// expiry entry if it has a TTL. `None` if not stored.
    pub fn memory_usage(&self, key: &[u8], samples: usize) -> Option<usize> {
        let n = self.main.get(key)?;
        let value = match n.value() {
            ValueRef::Obj(v) => v.heap_size_sampled(samples),
            ValueRef::Int(_) | ValueRef::Str(_) => 0,
        };
        let expire = if n.has_expire() {
            self.expires.entry_overhead(key)
        } else {
            0
        };
        Some(n.alloc_size() + value + std::mem::size_of::<usize>() + expire)
    }

    /// Bytes of the keyspace table's bucket arrays and of the expires table (bucket arrays
    /// and entries): MEMORY STATS `overhead.hashtable.main` / `.expires`. The keyspace's
    /// per-key link lives in each key's node, counted with the dataset.
    pub fn table_overhead(&self) -> (usize, usize) {
        let main = self.main.buckets() * std::mem::size_of::<usize>();
        let expires = self.expires.buckets() * std::mem::size_of::<usize>()
            + self.expires.len() * self.expires.node_size();
        (main, expires)
    }

    /// The stored expiry of a key without expiring it (0 = none): `None` if not stored.
    pub fn expire_at(&self, key: &[u8]) -> Option<i64> {
        self.main
            .get(key)
            .map(|n| Self::node_expire(&self.expires, key, n))
    }

    /// The absolute expiry of a key: `None` if missing, `Some(0)` if it has no TTL.
    pub fn expire_of(&mut self, key: &[u8]) -> Option<i64> {
        self.get_ref_no_touch(key).map(|e| e.expire)
    }

    /// A random live key.
    pub fn random_key(&mut self) -> Option<Vec<u8>> {
        // Bounded retries: if every sample is expired (all keys volatile and due), give up like
        // Redis does after enough tries rather than loop forever.
        for _ in 0..100 {
            let key = self.main.random(crate::rand::next_u64)?.key().to_vec();
            if !self.expire_if_needed(&key) {
                return Some(key);
            }
        }
        None
    }

    /// Samples up to `count` stored keys for eviction, as Redis's `dictGetSomeKeys`: from a
    /// random bucket on, consecutive buckets (in scan order) are visited, at most `count * 10`
    /// of them, and their keys reported. With `volatile`, the keys are drawn from the expiry
    /// table (keys with a TTL only). Keys are reported as stored: an expired key not yet
    /// reclaimed may be among them (as in Redis). `f` gets the key, its access data
    /// (`lru`) and its expiry (0 = none).
    pub fn sample(
        &self,
        volatile: bool,
        count: usize,
        mut rand: impl FnMut() -> u64,
        mut f: impl FnMut(&[u8], u32, i64),
    ) {
        let mut cursor = rand();
        let mut got = 0usize;
        let mut steps = count.saturating_mul(10);
        if volatile {
            if self.expires.is_empty() {
                return;
            }
            while got < count && steps > 0 {
                cursor = self.expires.scan(cursor, |k, &at| {
                    if got < count
                        && let Some(n) = self.main.get(k)
                    {
                        got += 1;
                        f(k, n.lru(), at);
                    }
                });
                steps -= 1;
            }
        } else {
            if self.main.is_empty() {
                return;
            }
            while got < count && steps > 0 {
                cursor = self.main.scan(cursor, |n| {
                    if got < count {
                        got += 1;
                        let k = n.key();
                        f(k, n.lru(), Self::node_expire(&self.expires, k, n));
                    }
                });
                steps -= 1;
            }
        }
    }

    /// A uniformly random stored key (from the expiry table with `volatile`), for the random
    /// eviction policies (Redis's `dictGetRandomKey`); expired or not.
    pub fn random_stored(&self, volatile: bool) -> Option<Vec<u8>> {
        if volatile {
            self.expires
                .random(crate::rand::next_u64)
                .map(|(k, _)| k.to_vec())
        } else {
            self.main
                .random(crate::rand::next_u64)
                .map(|n| n.key().to_vec())
        }
    }

    /// Whether `key` is stored (in the expiry table with `volatile`), expired or not.
    pub fn stored(&self, key: &[u8], volatile: bool) -> bool {
        if volatile {
            self.expires.contains_key(key)
        } else {
            self.main.get(key).is_some()
        }
    }

    /// Deletes `key` for eviction, whether or not its TTL passed (Redis's `dbGenericDelete`
    /// from `performEvictions`). With `lazy` (`lazyfree-lazy-eviction`) a big value is freed
    /// on the lazyfree thread, else here, so the memory it held is released before this
    /// returns. True if the key was stored.
    pub fn evict(&mut self, key: &[u8], lazy: bool) -> bool {
        let Some(n) = self.main.remove(key) else {
            return false;
        };
        if n.node().has_expire() {
            self.expires.remove(key);
        }
        if lazy && !n.node().is_small() {
            super::lazyfree::free(n.into_value());
        } else {
            drop(n);
        }
        true
    }

    /// One step of a SCAN over the keys: calls `f` for each live key of the visited buckets.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], EntryRef<'_>)) -> u64 {
        let now = clock::now_ms();
        self.main.scan(cursor, |n| {
            let key = n.key();
            let expire = Self::node_expire(&self.expires, key, n);
            if !Self::due(expire, now) {
                f(
                    key,
                    EntryRef {
                        value: n.value(),
                        expire,
                        lru: n.lru(),
                    },
                )
            }
        })
    }

    /// Iterates over every live key.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], EntryRef<'_>)> {
        let now = clock::now_ms();
        self.main.iter().filter_map(move |n| {
            let key = n.key();
            let expire = Self::node_expire(&self.expires, key, n);
            (!Self::due(expire, now)).then(|| {
                (
                    key,
                    EntryRef {
                        value: n.value(),
                        expire,
                        lru: n.lru(),
                    },
                )
            })
        })
    }

    /// Removes every key, returning the old tables so the caller can free them where it likes
    /// (FLUSHALL ASYNC frees them off the event loop).
    pub fn flush(&mut self) -> Flushed {
        self.signal_blocked_streams();
        self.expire_cursor = 0;
        self.avg_ttl = 0;
        (self.main.take(), self.expires.take())
    }

    /// Swaps contents with another database (SWAPDB), keeping each one's id.
    pub fn swap_contents(&mut self, other: &mut Db) {
        self.signal_blocked_streams();
        other.signal_blocked_streams();
        std::mem::swap(&mut self.main, &mut other.main);
        std::mem::swap(&mut self.expires, &mut other.expires);
        std::mem::swap(&mut self.avg_ttl, &mut other.avg_ttl);
        self.expire_cursor = 0;
        other.expire_cursor = 0;
        self.scan_for_ready_keys();
        other.scan_for_ready_keys();
    }

    /// Queues every blocked-on key holding a stream, before the database is emptied or swapped
    /// (Redis's `scanDatabaseForDeletedStreams`: XREADGROUP waiters must fail).
    fn signal_blocked_streams(&mut self) {
        if self.blocking.is_empty() {
            return;
        }
        let keys: Vec<Vec<u8>> = self.blocking.keys().cloned().collect();
        for k in keys {
            self.signal_if_stream(&k);
        }
    }

    /// Queues every blocked-on key that now holds a list or sorted set (after SWAPDB).
    fn scan_for_ready_keys(&mut self) {
        let keys: Vec<Vec<u8>> = self.blocking.keys().cloned().collect();
        for k in keys {
            if let Some(n) = self.main.get(&k)
                && n.value().is_blockable()
                && !self.ready.contains(&k)
            {
                self.ready.push(k);
            }
        }
    }

    /// Incremental maintenance from cron: shrink sparse tables and rehash for up to `budget`.
    pub fn rehash_cron(&mut self, budget: std::time::Duration) {
        self.main.shrink_if_needed();
        self.expires.shrink_if_needed();
        self.main.rehash_for(budget);
        self.expires.rehash_for(budget);
    }

    pub fn is_rehashing(&self) -> bool {
        self.main.is_rehashing()
    }

    /// Active expiry, Redis's `activeExpireCycle` for one database: walk the volatile keys
    /// `keys_per_loop` at a time (by cursor, so the cycle is fair to every bucket and resumes
    /// where it stopped, as Redis since 6.0) and delete the expired ones; go on while more than
    /// `stale_perc`% of a sample was expired and until `deadline` (checked after every sample:
    /// a clock read costs far less than deleting 20 keys).
    /// Returns what was sampled and deleted, and whether the deadline cut it short.
    pub fn active_expire_with(
        &mut self,
        deadline: std::time::Instant,
        keys_per_loop: usize,
        stale_perc: usize,
    ) -> ExpireRun {
        let now = clock::now_ms();
        let mut deleted = 0;
        let mut total_sampled = 0;
        let mut due: Vec<Vec<u8>> = Vec::with_capacity(keys_per_loop);
        loop {
            if self.expires.is_empty() {
                return ExpireRun {
                    sampled: total_sampled,
                    deleted,
                    timed_out: false,
                };
            }
            due.clear();
            let mut sampled = 0;
            let mut ttl_sum = 0i64;
            let mut ttl_n = 0i64;
            let mut visited = 0;
            while sampled < keys_per_loop && visited < keys_per_loop * 20 {
                self.expire_cursor = self.expires.scan(self.expire_cursor, |k, &at| {
                    sampled += 1;
                    if Self::due(at, now) {
                        due.push(k.to_vec());
                    } else {
                        ttl_sum += at - now;
                        ttl_n += 1;
                    }
                });
                visited += 1;
                if self.expire_cursor == 0 {
                    break;
                }
            }
            let n_due = due.len();
            for k in due.drain(..) {
                if self.drop_key(&k) {
                    deleted += 1;
                    self.expired_keys += 1;
                    self.log.push((Logged::Expired, k));
                    EXPIRED_PENDING.store(true, Ordering::Relaxed);
                }
            }
            total_sampled += sampled;
            if ttl_n > 0 {
                let avg = ttl_sum / ttl_n;
                self.avg_ttl = if self.avg_ttl == 0 {
                    avg
                } else {
                    (self.avg_ttl / 50) * 49 + avg / 50
                };
            }
            // Stop when the sample was mostly live, or time is up.
            if sampled == 0 || n_due * 100 <= sampled * stale_perc {
                return ExpireRun {
                    sampled: total_sampled,
                    deleted,
                    timed_out: false,
                };
            }
            if std::time::Instant::now() >= deadline {
                return ExpireRun {
                    sampled: total_sampled,
                    deleted,
                    timed_out: true,
                };
            }
        }
    }

    /// `active_expire_with` at the default effort (20 keys per loop, 10% acceptable stale).
    pub fn active_expire(&mut self, deadline: std::time::Instant) -> usize {
        self.active_expire_with(deadline, 20, 10).deleted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_lazy_and_active() {
        clock::update();
        let now = clock::now_ms();
        let mut db = Db::new(0);
        db.set(b"a", Value::string(b"1"), Ttl::At(now - 1));
        db.set(b"b", Value::string(b"2"), Ttl::Clear);
        for i in 0..1000 {
            db.set(format!("v{i}").as_bytes(), Value::Int(i), Ttl::At(now - 1));
        }
        assert_eq!(db.len(), 1002);
        assert!(db.get(b"a").is_none());
        assert!(db.get(b"b").is_some());
        let far = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while db.expires_len() > 0 {
            db.active_expire(far);
        }
        assert_eq!(db.len(), 1);
        assert_eq!(db.expired_keys, 1001);
    }

    #[test]
    fn read_lookups_log_misses_when_asked() {
        clock::update();
        let mut db = Db::new(0);
        db.set(b"k", Value::Int(1), Ttl::Clear);
        set_log_miss(false);
        assert!(db.read_ref(b"nokey", lookup::NONE).is_none());
        assert!(db.log.is_empty());
        set_log_miss(true);
        assert!(db.read_ref(b"k", lookup::NONE).is_some());
        assert!(db.read_ref(b"nokey", lookup::NONOTIFY).is_none());
        assert!(db.get_ref(b"nokey").is_none());
        assert!(db.log.is_empty());
        assert!(db.read_mut(b"miss1", lookup::NOTOUCH).is_none());
        assert!(db.read_ref(b"miss2", lookup::NONE).is_none());
        // An expired key: `expired`, then the miss.
        db.set(b"old", Value::Int(1), Ttl::At(clock::now_ms() - 1));
        assert!(db.read_ref(b"old", lookup::NONE).is_none());
        set_log_miss(false);
        let log: Vec<(Logged, &[u8])> = db.log.iter().map(|(l, k)| (*l, &k[..])).collect();
        assert_eq!(
            log,
            [
                (Logged::Miss, &b"miss1"[..]),
                (Logged::Miss, b"miss2"),
                (Logged::Expired, b"old"),
                (Logged::Miss, b"old"),
            ]
        );
    }

    #[test]
    fn lfu_counter_decays_per_period() {
        clock::update();
        let now = lfu_minutes();
        if now < 3 {
            return; // Redis's wrap-around arithmetic counts one minute less here
        }
        let three_min_ago = now - 3;
        let lru = three_min_ago << 8 | 10;
        assert_eq!(lfu_counter(lru, 0), 10);
        assert_eq!(lfu_counter(lru, 1), 7);
        assert_eq!(lfu_counter(lru, 2), 9);
        assert_eq!(lfu_counter(three_min_ago << 8 | 2, 1), 0);
        assert_eq!(lfu_counter(now << 8 | 5, 1), 5);
    }

    #[test]
    fn ttl_kept_or_cleared() {
        clock::update();
        let mut db = Db::new(0);
        let at = clock::now_ms() + 100_000;
        db.set(b"k", Value::string(b"x"), Ttl::At(at));
        db.set(b"k", Value::string(b"y"), Ttl::Keep);
        assert_eq!(db.expire_of(b"k"), Some(at));
        assert_eq!(db.expires_len(), 1);
        db.set(b"k", Value::string(b"z"), Ttl::Clear);
        assert_eq!(db.expire_of(b"k"), Some(0));
        assert_eq!(db.expires_len(), 0);
    }

    #[test]
    fn entries_keep_ttl_and_lru_through_every_path() {
        clock::update();
        let at = clock::now_ms() + 100_000;
        let mut db = Db::new(0);
        db.put_entry(
            b"k",
            Entry {
                value: Value::Int(7),
                expire: at,
                lru: 1234,
            },
        );
        let e = db.get_ref_no_touch(b"k").expect("present");
        assert_eq!((e.value.encoding(), e.expire, e.lru), ("int", at, 1234));
        // In-place modification turns the inline int into a Value, same TTL and encoding.
        let e = db.get_mut_no_touch(b"k").expect("present");
        assert_eq!((&*e.value, e.expire, e.lru), (&Value::Int(7), at, 1234));
        *e.value = Value::Raw(b"abc".to_vec());
        db.overwrite(b"k", Value::Int(8));
        assert_eq!(db.expire_of(b"k"), Some(at));
        assert_eq!(db.expires_len(), 1);
        assert!(db.persist(b"k"));
        assert_eq!((db.expire_of(b"k"), db.expires_len()), (Some(0), 0));
        assert!(db.set_expire(b"k", at));
        let e = db.remove(b"k").expect("present");
        assert_eq!((e.value, e.expire), (Value::Int(8), at));
        assert_eq!((db.len(), db.expires_len()), (0, 0));
        // Iteration and scan see every key with its TTL.
        for i in 0..100 {
            let ttl = if i % 2 == 0 { Ttl::At(at) } else { Ttl::Clear };
            db.set(format!("k{i}").as_bytes(), Value::string(b"v"), ttl);
        }
        assert_eq!(db.iter().filter(|(_, e)| e.expire == at).count(), 50);
        let mut seen = 0;
        let mut c = 0;
        loop {
            c = db.scan(c, |_, e| {
                assert_eq!(e.value.to_value(), Value::Str(b"v".to_vec()));
                seen += 1;
            });
            if c == 0 {
                break;
            }
        }
        assert_eq!(seen, 100);
        assert!(db.delete(b"k0"));
        assert_eq!(db.expires_len(), 49);
        let (t, e) = db.flush();
        assert_eq!((t.len(), e.len(), db.len()), (99, 49, 0));
    }
}
