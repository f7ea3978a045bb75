//! A small, fast, non-cryptographic random generator (xorshift64*) for sampling keys
//! (RANDOMKEY, active expiry) and random members. Seeded from the clock and pid at first use.

use std::cell::Cell;

thread_local! {
    static STATE: Cell<u64> = Cell::new(seed());
}

fn seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    (t ^ ((std::process::id() as u64) << 32)) | 1
}

/// The next random u64.
pub fn next_u64() -> u64 {
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

/// A random number in `0..n` (`n` > 0).
pub fn below(n: u64) -> u64 {
    next_u64() % n
}
