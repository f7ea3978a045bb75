//! A cheap monotonic clock for timing commands (INFO commandstats, SLOWLOG, the latency
//! monitor): Redis 7's `monotonic.c`. Every command reads it twice, so it must cost less than
//! `clock_gettime`: where the CPU's time-stamp counter runs at a constant rate and keeps
//! running in every sleep state (`/proc/cpuinfo` flags `constant_tsc` and `nonstop_tsc`) it
//! is read with `rdtsc`, calibrated once against `CLOCK_MONOTONIC`; anywhere else (no such
//! flags, another architecture, a calibration that makes no sense) it falls back to
//! `CLOCK_MONOTONIC` through `std::time::Instant`.
//!
//! Invariants: the mode and the scale are set once, by `init` (or the first `now` that finds
//! them unset), before any reading that is converted with them; a reading is only compared
//! with readings of the same process. `elapsed_us` never goes negative: a counter that
//! appears to run backwards (a migration between CPUs whose counters differ) gives 0.
//! Single-threaded use is the norm; the statics are atomics only because Rust statics need
//! them, and are `Relaxed`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering::Relaxed};
use std::time::Instant;

/// `MODE` values.
const UNSET: u8 = 0;
const TSC: u8 = 1;
const POSIX: u8 = 2;

static MODE: AtomicU8 = AtomicU8::new(UNSET);
/// Microseconds per tick, as a 32.32 fixed-point number (TSC mode).
static US_PER_TICK: AtomicU64 = AtomicU64::new(0);
/// The origin of POSIX-mode readings.
static ORIGIN: OnceLock<Instant> = OnceLock::new();

/// A reading of the clock (ticks: TSC cycles or nanoseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mono(u64);

/// Picks the clock and calibrates it (about 2 ms in TSC mode). Called at start-up; calling it
/// again does nothing.
pub fn init() {
    if MODE.load(Relaxed) == UNSET {
        setup();
    }
}

/// Which clock `now` reads, in Redis's words (INFO `monotonic_clock`): `X86 TSC @ N
/// ticks/us` or `POSIX clock_gettime`.
pub fn describe() -> String {
    init();
    if MODE.load(Relaxed) == TSC {
        let per_us = ((1u64 << 32) as f64 / US_PER_TICK.load(Relaxed) as f64).round();
        format!("X86 TSC @ {per_us} ticks/us")
    } else {
        "POSIX clock_gettime".into()
    }
}

/// The current reading.
#[inline]
pub fn now() -> Mono {
    match MODE.load(Relaxed) {
        TSC => Mono(tsc()),
        POSIX => Mono(posix_ns()),
        _ => {
            setup();
            now()
        }
    }
}

/// Whole microseconds from `start` to now.
#[inline]
pub fn elapsed_us(start: Mono) -> u64 {
    let end = now();
    let ticks = end.0.saturating_sub(start.0);
    if MODE.load(Relaxed) == TSC {
        ((ticks as u128 * US_PER_TICK.load(Relaxed) as u128) >> 32) as u64
    } else {
        ticks / 1000
    }
}

#[inline]
fn posix_ns() -> u64 {
    ORIGIN.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn tsc() -> u64 {
    // SAFETY: `rdtsc` exists on every x86_64 CPU and only reads the time-stamp counter;
    // TSC mode is chosen only where /proc/cpuinfo says the counter is constant-rate and
    // non-stop, so its readings measure time.
    unsafe { core::arch::x86_64::_rdtsc() }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn tsc() -> u64 {
    posix_ns()
}

/// Whether /proc/cpuinfo lists both flags that make the TSC a clock (as Redis's
/// `monotonicInit_x86linux` requires).
fn tsc_is_invariant() -> bool {
    if !cfg!(target_arch = "x86_64") {
        return false;
    }
    let Ok(info) = std::fs::read_to_string("/proc/cpuinfo") else {
        return false;
    };
    let Some(flags) = info.lines().find(|l| l.starts_with("flags")) else {
        return false;
    };
    let has = |f: &str| flags.split_whitespace().any(|w| w == f);
    has("constant_tsc") && has("nonstop_tsc")
}

/// One paired reading (CLOCK_MONOTONIC ns, TSC) taken as close together as possible: of a
/// few attempts, the one whose monotonic bracket was narrowest (a preemption between the
/// two reads would skew the calibration).
fn paired(origin: Instant) -> (u64, u64) {
    let mut best = (u64::MAX, 0, 0);
    for _ in 0..16 {
        let a = origin.elapsed().as_nanos() as u64;
        let t = tsc();
        let b = origin.elapsed().as_nanos() as u64;
        if b - a < best.0 {
            best = (b - a, a + (b - a) / 2, t);
        }
    }
    (best.1, best.2)
}

fn setup() {
    ORIGIN.get_or_init(Instant::now);
    let mut mode = POSIX;
    if tsc_is_invariant() {
        let origin = Instant::now();
        let (n0, t0) = paired(origin);
        while origin.elapsed().as_micros() < 2000 {
            std::hint::spin_loop();
        }
        let (n1, t1) = paired(origin);
        let (ns, ticks) = (n1.saturating_sub(n0), t1.saturating_sub(t0));
        // A counter between 100 MHz and 100 GHz; anything else is not a usable clock.
        if ns > 0 && ticks / 10 > ns / 1000 && ticks < ns.saturating_mul(100) {
            let fixed = ((ns as u128) << 32) / (ticks as u128 * 1000);
            US_PER_TICK.store(fixed as u64, Relaxed);
            mode = TSC;
        }
    }
    MODE.store(mode, Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_a_sleep_in_microseconds() {
        init();
        // The clock's span lies inside the Instant span around it and covers the sleep:
        // ordering facts, which hold however slow the machine is (calibration error is far
        // below the 0.1% allowed).
        let outer = Instant::now();
        let start = now();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let us = elapsed_us(start);
        let outer_us = outer.elapsed().as_micros() as u64;
        let why = describe();
        assert!(us >= 49_999, "{us} µs for a 50 ms sleep ({why})");
        assert!(
            us <= outer_us + outer_us / 1000 + 1,
            "{us} > {outer_us} µs ({why})"
        );
    }

    #[test]
    fn a_start_after_now_gives_zero() {
        init();
        // A reading from a CPU whose counter is ahead of this one's.
        assert_eq!(elapsed_us(Mono(u64::MAX)), 0);
    }
}
