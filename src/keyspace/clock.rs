//! The server's cached clock, like Redis's `server.mstime`: read once per command (and per cron
//! tick) so that every key touched by one command sees the same "now", and so the hot path does
//! not call `clock_gettime` for every key. Single-threaded by design; the atomics are only there
//! because Rust statics need them, and are `Relaxed`.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static NOW_MS: AtomicI64 = AtomicI64::new(0);

/// Reads the system clock into the cache and returns it (Unix ms).
pub fn update() -> i64 {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    NOW_MS.store(ms, Ordering::Relaxed);
    ms
}

/// The cached time in Unix milliseconds.
#[inline]
pub fn now_ms() -> i64 {
    NOW_MS.load(Ordering::Relaxed)
}

/// The LRU clock: seconds, wrapping at 24 bits like Redis's `LRU_CLOCK`.
#[inline]
pub fn lru_clock() -> u32 {
    ((now_ms() / 1000) & ((1 << 24) - 1)) as u32
}

/// Seconds since `lru` on the LRU clock, accounting for wrap-around.
pub fn idle_secs(lru: u32) -> u64 {
    let now = lru_clock();
    if now >= lru {
        (now - lru) as u64
    } else {
        (now + ((1 << 24) - lru)) as u64
    }
}
