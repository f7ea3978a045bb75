//! `maxmemory`: evicting keys when the memory in use passes the limit (Redis's `evict.c`).
//!
//! `perform` is Redis's `performEvictions`: while `used_memory` (the allocator-backed count of
//! `crate::alloc`, less what is not counted: the AOF buffer) is over `maxmemory`, pick a key
//! by `maxmemory-policy` and delete it, until the excess has been freed or
//! `maxmemory-eviction-tenacity`'s time limit is reached (then eviction goes on from the event
//! loop, `running`, one slice per loop turn, as Redis's `evictionTimeProc`).
//!
//! Picking: the LRU, LFU and TTL policies use Redis's eviction pool: `maxmemory-samples` keys
//! are sampled from every database (`Db::sample`: the whole keyspace for `allkeys-*`, the keys
//! with a TTL for `volatile-*`) and merged into a pool of `EVPOOL_SIZE` candidates kept sorted
//! by idle score (ascending); the best (last) candidate that still exists is evicted. The pool
//! survives between calls, as Redis's static `EvictionPoolLRU`. The random policies take one
//! random key per database in turn.
//!
//! Each evicted key: `evicted_keys` grows, WATCHers are invalidated, an `evicted` keyspace
//! event is published, and the deletion is propagated as DEL (UNLINK with
//! `lazyfree-lazy-eviction`) to the AOF, all DELs of one call emitted without a MULTI wrapper
//! (Redis's `propagate_no_multi`).
//!
//! Invariant: pool entries with `key: Some` are sorted by `idle` ascending and packed at any
//! position (empty slots sort as "not present"), exactly as Redis's array.

use crate::keyspace::clock;
use crate::keyspace::events::class;
use crate::server::Server;

/// Candidates kept between calls (Redis's `EVPOOL_SIZE`).
pub const EVPOOL_SIZE: usize = 16;

/// `maxmemory-policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    VolatileLru,
    VolatileLfu,
    VolatileRandom,
    VolatileTtl,
    AllkeysLru,
    AllkeysLfu,
    AllkeysRandom,
    NoEviction,
}

impl Policy {
    pub fn parse(s: &str) -> Policy {
        match s {
            "volatile-lru" => Policy::VolatileLru,
            "volatile-lfu" => Policy::VolatileLfu,
            "volatile-random" => Policy::VolatileRandom,
            "volatile-ttl" => Policy::VolatileTtl,
            "allkeys-lru" => Policy::AllkeysLru,
            "allkeys-lfu" => Policy::AllkeysLfu,
            "allkeys-random" => Policy::AllkeysRandom,
            _ => Policy::NoEviction,
        }
    }

    fn allkeys(self) -> bool {
        matches!(
            self,
            Policy::AllkeysLru | Policy::AllkeysLfu | Policy::AllkeysRandom
        )
    }

    fn random(self) -> bool {
        matches!(self, Policy::AllkeysRandom | Policy::VolatileRandom)
    }
}

/// The outcome of `perform` (Redis's `EVICT_OK` / `EVICT_RUNNING` / `EVICT_FAIL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Under the limit (or nothing to do).
    Ok,
    /// Over the limit; eviction goes on from the event loop.
    Running,
    /// Over the limit and nothing can be evicted (noeviction, or no candidate key).
    Fail,
}

#[derive(Default, Clone)]
struct Candidate {
    key: Option<Vec<u8>>,
    idle: u64,
    db: usize,
}

/// Eviction state kept by the server.
pub struct Evictor {
    pool: Vec<Candidate>,
    /// Keys evicted so far (INFO `evicted_keys`).
    pub evicted_keys: u64,
    /// The time limit stopped the last `perform` before enough was freed: the loop calls
    /// `perform` again each turn until it is done (Redis's `evictionTimeProc`).
    pub running: bool,
    /// Where the random policies resume (Redis's static `next_db`).
    next_db: usize,
    /// Since when memory has been over the limit (Redis's `stat_last_eviction_exceeded_time`).
    exceeded_since: Option<std::time::Instant>,
    /// Total time spent over the limit before that (`stat_total_eviction_exceeded_time`).
    exceeded_total: std::time::Duration,
}

impl Evictor {
    /// INFO `current_eviction_exceeded_time`, in milliseconds.
    pub fn current_exceeded_ms(&self) -> u64 {
        self.exceeded_since
            .map_or(0, |t| t.elapsed().as_millis() as u64)
    }

    /// INFO `total_eviction_exceeded_time`, in milliseconds.
    pub fn total_exceeded_ms(&self) -> u64 {
        let current = self
            .exceeded_since
            .map_or(std::time::Duration::ZERO, |t| t.elapsed());
        (self.exceeded_total + current).as_millis() as u64
    }

    /// CONFIG RESETSTAT.
    pub fn reset_stats(&mut self) {
        self.evicted_keys = 0;
        self.exceeded_since = None;
        self.exceeded_total = std::time::Duration::ZERO;
    }

    /// Redis's `update_metrics` at the end of `performEvictions`.
    fn update_metrics(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Running | Outcome::Fail => {
                self.exceeded_since
                    .get_or_insert_with(std::time::Instant::now);
            }
            Outcome::Ok => {
                if let Some(t) = self.exceeded_since.take() {
                    self.exceeded_total += t.elapsed();
                }
            }
        }
    }
}

impl Default for Evictor {
    fn default() -> Self {
        Evictor {
            pool: vec![Candidate::default(); EVPOOL_SIZE],
            evicted_keys: 0,
            running: false,
            next_db: 0,
            exceeded_since: None,
            exceeded_total: std::time::Duration::ZERO,
        }
    }
}

/// Memory not counted against maxmemory (Redis's `freeMemoryGetNotCountedMemory`): the AOF
/// buffer, while the AOF is on. (uredis has no replication buffers.)
pub fn not_counted(srv: &Server) -> usize {
    if srv.aof.feeding() {
        srv.aof.buffered()
    } else {
        0
    }
}

/// Bytes to free to get back under maxmemory, `None` when under it (or no limit). Redis's
/// `getMaxmemoryState`.
pub fn to_free(srv: &Server) -> Option<usize> {
    let max = srv.config.maxmemory;
    let reported = crate::alloc::used_memory();
    if max == 0 || reported as u64 <= max {
        return None;
    }
    let used = reported.saturating_sub(not_counted(srv));
    if used as u64 <= max {
        return None;
    }
    Some(used - max as usize)
}

/// Redis's `evictionTimeLimitUs`, from `maxmemory-eviction-tenacity`.
fn time_limit_us(tenacity: u32) -> u64 {
    if tenacity <= 10 {
        50 * tenacity as u64
    } else if tenacity < 100 {
        (500.0 * 1.15f64.powf(tenacity as f64 - 10.0)) as u64
    } else {
        u64::MAX
    }
}

/// Redis's `evictionPoolPopulate` for one database.
fn populate(srv: &Server, dbid: usize, policy: Policy, pool: &mut [Candidate]) {
    let samples = srv.config.maxmemory_samples;
    let lfu = crate::keyspace::db::lfu();
    let mut taken: Vec<(Vec<u8>, u64)> = Vec::with_capacity(samples);
    srv.dbs[dbid].sample(
        !policy.allkeys(),
        samples,
        crate::rand::next_u64,
        |k, lru, expire| {
            let idle = match policy {
                Policy::AllkeysLru | Policy::VolatileLru => clock::idle_secs(lru) * 1000,
                Policy::AllkeysLfu | Policy::VolatileLfu => {
                    let decay = lfu.map_or(1, |(_, d)| d);
                    255 - crate::keyspace::db::lfu_counter(lru, decay) as u64
                }
                // The nearer the expiry, the better the candidate.
                _ => u64::MAX - expire.max(0) as u64,
            };
            taken.push((k.to_vec(), idle));
        },
    );
    for (key, idle) in taken {
        // The first empty slot, or the first with a smaller idle score than ours.
        let mut k = 0;
        while k < EVPOOL_SIZE && pool[k].key.is_some() && pool[k].idle < idle {
            k += 1;
        }
        if k == 0 && pool[EVPOOL_SIZE - 1].key.is_some() {
            // Worse than every candidate of a full pool.
            continue;
        } else if k < EVPOOL_SIZE && pool[k].key.is_none() {
            // An empty slot: insert here.
        } else if pool[EVPOOL_SIZE - 1].key.is_none() {
            // Room on the right: shift k.. right by one.
            pool[k..].rotate_right(1);
        } else {
            // Full: drop the leftmost (worst) and insert at k-1.
            k -= 1;
            pool[..=k].rotate_left(1);
        }
        pool[k] = Candidate {
            key: Some(key),
            idle,
            db: dbid,
        };
    }
}

/// Picks the next key to evict: `(db, key)`, or `None` when no key qualifies.
fn pick(srv: &mut Server, policy: Policy) -> Option<(usize, Vec<u8>)> {
    let volatile = !policy.allkeys();
    if policy.random() {
        let n = srv.dbs.len();
        for _ in 0..n {
            srv.evict.next_db = srv.evict.next_db.wrapping_add(1);
            let j = srv.evict.next_db % n;
            if let Some(k) = srv.dbs[j].random_stored(volatile) {
                return Some((j, k));
            }
        }
        return None;
    }
    let mut pool = std::mem::take(&mut srv.evict.pool);
    let mut best = None;
    while best.is_none() {
        let mut total = 0;
        for i in 0..srv.dbs.len() {
            let db = &srv.dbs[i];
            let keys = if volatile { db.expires_len() } else { db.len() };
            if keys != 0 {
                populate(srv, i, policy, &mut pool);
                total += keys;
            }
        }
        if total == 0 {
            break;
        }
        // From the best candidate down; a candidate deleted meanwhile is a ghost: skip it.
        for c in pool.iter_mut().rev() {
            let Some(key) = c.key.take() else { continue };
            c.idle = 0;
            if srv.dbs[c.db].stored(&key, volatile) {
                best = Some((c.db, key));
                break;
            }
        }
    }
    srv.evict.pool = pool;
    best
}

/// Redis's `performEvictions`: frees memory down to maxmemory by the policy.
pub fn perform(srv: &mut Server) -> Outcome {
    // While clients are paused the dataset stays still (Redis's isSafeToPerformEvictions).
    if srv.paused_now() {
        return Outcome::Ok;
    }
    let outcome = evict_some(srv);
    srv.evict.update_metrics(outcome);
    outcome
}

fn evict_some(srv: &mut Server) -> Outcome {
    let Some(mem_tofree) = to_free(srv) else {
        srv.evict.running = false;
        return Outcome::Ok;
    };
    let policy = srv.config.maxmemory_policy;
    if policy == Policy::NoEviction {
        srv.evict.running = false;
        return Outcome::Fail;
    }
    let limit_us = time_limit_us(srv.config.maxmemory_eviction_tenacity);
    let lazy = srv.config.lazyfree_lazy_eviction;
    let start = std::time::Instant::now();
    // Whatever a running command recorded stays its own unit; the DELs go out on their own.
    let aside = srv.propagation.set_aside();
    let mut freed = 0usize;
    let mut keys_freed = 0u64;
    let mut outcome = Outcome::Fail;
    let mut timed_out = false;
    loop {
        if freed >= mem_tofree {
            outcome = Outcome::Ok;
            break;
        }
        let Some((db, key)) = pick(srv, policy) else {
            break;
        };
        let before = crate::alloc::used_memory();
        // The latency monitor's `eviction-del` event (`crate::ops`), timed only when it is on.
        let del_start = (srv.config.latency_monitor_threshold != 0).then(std::time::Instant::now);
        srv.dbs[db].evict(&key, lazy);
        if let Some(t) = del_start {
            let ms = t.elapsed().as_millis() as u64;
            crate::ops::latency_sample_if_needed(srv, "eviction-del", ms);
        }
        freed += before.saturating_sub(crate::alloc::used_memory());
        srv.evict.evicted_keys += 1;
        srv.signal_deleted_key(db, &key);
        srv.notify(None, class::EVICTED, "evicted", &key, db);
        srv.propagation.record_expired(db, &key, lazy);
        keys_freed += 1;
        if keys_freed.is_multiple_of(16) {
            // Values freed on the lazyfree thread are not in `freed`: look at the total.
            if lazy && to_free(srv).is_none() {
                outcome = Outcome::Ok;
                break;
            }
            if start.elapsed().as_micros() as u64 > limit_us {
                timed_out = true;
                outcome = Outcome::Running;
                break;
            }
        }
    }
    if outcome == Outcome::Fail {
        // Out of candidates: values may still be being freed on the lazyfree thread. Wait for
        // them a little, within the time limit, as Redis does.
        let limit = std::time::Duration::from_micros(limit_us.min(1_000_000_000));
        while crate::keyspace::lazyfree::pending() > 0 && start.elapsed() < limit {
            if to_free(srv).is_none() {
                outcome = Outcome::Ok;
                break;
            }
            std::thread::sleep(std::time::Duration::from_micros(limit_us.min(1000)));
        }
    }
    srv.evict.running = timed_out;
    let ms = start.elapsed().as_millis() as u64;
    crate::ops::latency_sample_if_needed(srv, "eviction-cycle", ms);
    crate::cmd::propagate::flush_unwrapped(srv);
    srv.propagation.restore(aside);
    outcome
}

/// Redis's `evictionTimeProc`: one more slice of eviction from the event loop while the last
/// one ran out of time.
pub fn time_proc(srv: &mut Server) {
    if srv.evict.running && perform(srv) != Outcome::Running {
        srv.evict.running = false;
    }
}

/// The OOM part of Redis's `processCommand`: with maxmemory set, evicts first; then refuses a
/// deny-oom command (or, in MULTI, any command but EXEC, DISCARD, QUIT, RESET) if memory is
/// still over the limit. `denyoom` is the command's flag, or for EXEC whether it queued a
/// deny-oom command.
pub fn oom_check(srv: &mut Server, denyoom: bool, in_multi_queueing: bool) -> Result<(), Vec<u8>> {
    if srv.config.maxmemory == 0 {
        return Ok(());
    }
    let out_of_memory = perform(srv) == Outcome::Fail;
    if out_of_memory && (denyoom || in_multi_queueing) {
        return Err(OOM_ERROR.as_bytes().to_vec());
    }
    Ok(())
}

/// Redis's `shared.oomerr`.
pub const OOM_ERROR: &str = "OOM command not allowed when used memory > 'maxmemory'.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenacity_limits() {
        assert_eq!(time_limit_us(0), 0);
        assert_eq!(time_limit_us(10), 500);
        assert_eq!(time_limit_us(11), 575);
        assert_eq!(time_limit_us(100), u64::MAX);
    }
}
