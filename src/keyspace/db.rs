//! One logical database (`SELECT n`): the key -> entry table and the index of keys with a TTL.
//!
//! Every read and write of the keyspace goes through these methods, so expiry is enforced in one
//! place: a key whose time has passed is deleted when it is looked up (lazy expiry) or when the
//! cron's active cycle samples it, and is never returned to a command. The keyspace also
//! keeps what the rest of the server hooks onto keys (see `events`): the clients blocked on a
//! key and the keys that became ready for them, the clients WATCHing a key, and the log of
//! keys deleted by expiry.
//!
//! Invariant: a key is in `expires` exactly when its entry's `expire` is non-zero.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::clock;
use super::dict::Dict;
use super::value::{Entry, Value};

/// LFU mode, set from the configuration: 0 when maxmemory-policy is not an LFU policy, else
/// `1 << 63 | lfu-log-factor << 32 | lfu-decay-time`. Process-wide like Redis's
/// `server.maxmemory_policy`, which every lookup consults; when set, `Entry::lru` holds Redis's
/// LFU data (16 bits of minutes << 8 | an 8-bit logarithmic access counter).
static LFU: AtomicU64 = AtomicU64::new(0);

/// Set when any database logged an expired key; lets the server check once per command.
static EXPIRED_PENDING: AtomicBool = AtomicBool::new(false);

/// Whether new keys are logged (`notify-keyspace-events` has `n`).
static LOG_NEW: AtomicBool = AtomicBool::new(false);

/// Whether keys were logged as expired or created since the last call (and clears the mark).
#[inline]
pub fn take_log_pending() -> bool {
    // A plain load first: the common case (nothing logged) costs no atomic write.
    EXPIRED_PENDING.load(Ordering::Relaxed) && EXPIRED_PENDING.swap(false, Ordering::Relaxed)
}

/// Turns logging of created keys (for `new` events) on or off.
pub fn set_log_new(on: bool) {
    LOG_NEW.store(on, Ordering::Relaxed);
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

#[derive(Default)]
pub struct Db {
    pub id: usize,
    main: Dict<Entry>,
    /// Keys that have a TTL; sampled by the active expiry cycle.
    expires: Dict<()>,
    /// Keys deleted because their TTL passed (INFO `expired_keys`).
    pub expired_keys: u64,
    /// Running estimate of the average TTL of volatile keys (INFO keyspace `avg_ttl`).
    pub avg_ttl: i64,
    /// Where the active expiry cycle resumes (a `Dict::scan` cursor).
    expire_cursor: u64,
    /// Set by `cmd::call` while a `CLIENT NO-TOUCH` client runs a command: lookups leave the
    /// access time alone.
    pub no_touch: bool,
    /// Keys deleted by expiry, for `expired` notifications and WATCH (drained by the server).
    pub expired_log: Vec<Vec<u8>>,
    /// Keys created, for `new` notifications, when enabled (drained by the server).
    pub new_log: Vec<Vec<u8>>,
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

    #[inline]
    fn is_expired(e: &Entry, now: i64) -> bool {
        e.expire != 0 && e.expire <= now
    }

    /// Deletes `key` if its TTL has passed. Returns true if it did.
    fn expire_if_needed(&mut self, key: &[u8]) -> bool {
        let now = clock::now_ms();
        match self.main.get(key) {
            Some(e) if Self::is_expired(e, now) => {
                self.remove_entry(key);
                self.expired_keys += 1;
                self.log_expired(key);
                true
            }
            _ => false,
        }
    }

    fn log_expired(&mut self, key: &[u8]) {
        self.expired_log.push(key.to_vec());
        EXPIRED_PENDING.store(true, Ordering::Relaxed);
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

    /// Looks a key up for a command: expires it if due, updates its access time.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.lookup(key, true)
    }

    /// Like `get_mut` but leaves the access time alone (`CLIENT NO-TOUCH`, `OBJECT`, `TYPE`...).
    pub fn get_mut_no_touch(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.lookup(key, false)
    }

    fn lookup(&mut self, key: &[u8], touch: bool) -> Option<&mut Entry> {
        if !self.expires.is_empty() {
            self.expire_if_needed(key);
        }
        let e = self.main.get_mut(key)?;
        if touch && !self.no_touch {
            e.lru = touched_lru(e.lru);
        }
        Some(e)
    }

    /// The value under `key`, if present and not expired.
    pub fn get(&mut self, key: &[u8]) -> Option<&Value> {
        self.get_mut(key).map(|e| &e.value)
    }

    pub fn contains(&mut self, key: &[u8]) -> bool {
        self.get_mut_no_touch(key).is_some()
    }

    /// Sets `key` to `value`. Returns the previous value, if any.
    pub fn set(&mut self, key: &[u8], value: Value, ttl: Ttl) -> Option<Value> {
        if !self.expires.is_empty() {
            self.expire_if_needed(key);
        }
        if !self.blocking.is_empty() {
            self.signal_ready(key, &value);
        }
        let mut value = Some(value);
        let (e, existed) = self.main.get_or_insert_with(key, || Entry {
            value: Value::Int(0),
            expire: 0,
            lru: new_lru(),
        });
        let new = value.take().unwrap_or(Value::Int(0));
        let old = std::mem::replace(&mut e.value, new);
        let was_stream = matches!(old, Value::Stream(_));
        if existed {
            // Redis looks the key up for writing (an access) and, under LFU, keeps the old
            // counter on overwrite; under LRU the new value's access time is now.
            e.lru = touched_lru(e.lru);
        }
        let old_expire = e.expire;
        let new_expire = match ttl {
            Ttl::Clear => 0,
            Ttl::Keep => old_expire,
            Ttl::At(ms) => ms,
        };
        e.expire = new_expire;
        self.sync_expires(key, old_expire, new_expire);
        if was_stream && !self.blocking.is_empty() {
            self.signal_key(key);
        }
        if !existed && LOG_NEW.load(Ordering::Relaxed) {
            self.new_log.push(key.to_vec());
            EXPIRED_PENDING.store(true, Ordering::Relaxed);
        }
        existed.then_some(old)
    }

    /// Inserts an entry with its own expiry and LRU (MOVE, COPY, RENAME, SWAPDB helpers).
    /// Replaces any existing key.
    pub fn put_entry(&mut self, key: &[u8], entry: Entry) {
        if !self.blocking.is_empty() {
            self.signal_ready(key, &entry.value);
        }
        let new_expire = entry.expire;
        let old = self.main.insert(key, entry);
        if old.is_none() && LOG_NEW.load(Ordering::Relaxed) {
            self.new_log.push(key.to_vec());
            EXPIRED_PENDING.store(true, Ordering::Relaxed);
        }
        let old_expire = old.map(|e| e.expire).unwrap_or(0);
        self.sync_expires(key, old_expire, new_expire);
    }

    fn sync_expires(&mut self, key: &[u8], old: i64, new: i64) {
        match (old != 0, new != 0) {
            (false, true) => {
                self.expires.insert(key, ());
            }
            (true, false) => {
                self.expires.remove(key);
            }
            _ => {}
        }
    }

    fn remove_entry(&mut self, key: &[u8]) -> Option<Entry> {
        let e = self.main.remove(key)?;
        if matches!(e.value, Value::Stream(_)) && !self.blocking.is_empty() {
            self.signal_key(key);
        }
        if e.expire != 0 {
            self.expires.remove(key);
        }
        Some(e)
    }

    /// Deletes `key` (if present and not expired). Returns its entry.
    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        if !self.expires.is_empty() && self.expire_if_needed(key) {
            return None;
        }
        self.remove_entry(key)
    }

    /// Deletes `key`; true if it existed.
    pub fn delete(&mut self, key: &[u8]) -> bool {
        self.remove(key).is_some()
    }

    /// Sets an absolute expiry on an existing key; false if the key does not exist.
    pub fn set_expire(&mut self, key: &[u8], at_ms: i64) -> bool {
        let Some(e) = self.get_mut_no_touch(key) else {
            return false;
        };
        let old = e.expire;
        e.expire = at_ms;
        self.sync_expires(key, old, at_ms);
        true
    }

    /// Removes the TTL of a key; true if there was one.
    pub fn persist(&mut self, key: &[u8]) -> bool {
        let Some(e) = self.get_mut_no_touch(key) else {
            return false;
        };
        let old = e.expire;
        e.expire = 0;
        self.sync_expires(key, old, 0);
        old != 0
    }

    /// The stored expiry of a key without expiring it (0 = none): `None` if not stored.
    pub fn expire_at(&self, key: &[u8]) -> Option<i64> {
        self.main.get(key).map(|e| e.expire)
    }

    /// The absolute expiry of a key: `None` if missing, `Some(0)` if it has no TTL.
    pub fn expire_of(&mut self, key: &[u8]) -> Option<i64> {
        self.get_mut_no_touch(key).map(|e| e.expire)
    }

    /// A random live key.
    pub fn random_key(&mut self) -> Option<Vec<u8>> {
        // Bounded retries: if every sample is expired (all keys volatile and due), give up like
        // Redis does after enough tries rather than loop forever.
        for _ in 0..100 {
            let key = self.main.random(crate::rand::next_u64)?.0.to_vec();
            if !self.expire_if_needed(&key) {
                return Some(key);
            }
        }
        None
    }

    /// One step of a SCAN over the keys: calls `f` for each live key of the visited buckets.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], &Entry)) -> u64 {
        let now = clock::now_ms();
        self.main.scan(cursor, |k, e| {
            if !Self::is_expired(e, now) {
                f(k, e)
            }
        })
    }

    /// Iterates over every live key.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &Entry)> {
        let now = clock::now_ms();
        self.main
            .iter()
            .filter(move |(_, e)| !Self::is_expired(e, now))
    }

    /// Removes every key, returning the old tables so the caller can free them where it likes
    /// (FLUSHALL ASYNC frees them off the event loop).
    pub fn flush(&mut self) -> (Dict<Entry>, Dict<()>) {
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
            if self
                .main
                .get(&k)
                .is_some_and(|e| matches!(e.value, Value::Stream(_)))
            {
                self.signal_key(&k);
            }
        }
    }

    /// Queues every blocked-on key that now holds a list or sorted set (after SWAPDB).
    fn scan_for_ready_keys(&mut self) {
        let keys: Vec<Vec<u8>> = self.blocking.keys().cloned().collect();
        for k in keys {
            if let Some(e) = self.main.get(&k)
                && e.value.is_blockable()
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

    /// Active expiry, Redis's `activeExpireCycle` for one database: walk the volatile keys 20 at
    /// a time and delete the expired ones; go on while more than 10% of a sample was expired and
    /// the time budget lasts. Returns the number of keys deleted.
    pub fn active_expire(&mut self, deadline: std::time::Instant) -> usize {
        const KEYS_PER_LOOP: usize = 20;
        let now = clock::now_ms();
        let mut deleted = 0;
        let mut due: Vec<Vec<u8>> = Vec::with_capacity(KEYS_PER_LOOP);
        let mut iterations = 0u32;
        loop {
            if self.expires.is_empty() {
                break;
            }
            due.clear();
            let mut sampled = 0;
            let mut ttl_sum = 0i64;
            let mut ttl_n = 0i64;
            // Visit buckets by cursor until we have sampled enough keys (Redis does the same since
            // 6.0, so that the cycle is fair to every bucket and resumes where it stopped).
            let mut visited = 0;
            while sampled < KEYS_PER_LOOP && visited < KEYS_PER_LOOP * 20 {
                let main = &self.main;
                self.expire_cursor = self.expires.scan(self.expire_cursor, |k, _| {
                    sampled += 1;
                    if let Some(e) = main.get(k) {
                        if Self::is_expired(e, now) {
                            due.push(k.to_vec());
                        } else if e.expire != 0 {
                            ttl_sum += e.expire - now;
                            ttl_n += 1;
                        }
                    }
                });
                visited += 1;
                if self.expire_cursor == 0 {
                    break;
                }
            }
            for k in &due {
                if self.remove_entry(k).is_some() {
                    deleted += 1;
                    self.expired_keys += 1;
                    self.expired_log.push(k.clone());
                    EXPIRED_PENDING.store(true, Ordering::Relaxed);
                }
            }
            if ttl_n > 0 {
                let avg = ttl_sum / ttl_n;
                self.avg_ttl = if self.avg_ttl == 0 {
                    avg
                } else {
                    (self.avg_ttl / 50) * 49 + avg / 50
                };
            }
            iterations += 1;
            // Stop when the sample was mostly live, or the whole set was walked, or time is up.
            if sampled == 0 || due.len() * 10 <= sampled || self.expire_cursor == 0 {
                break;
            }
            if iterations.is_multiple_of(16) && std::time::Instant::now() >= deadline {
                break;
            }
        }
        deleted
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
}
