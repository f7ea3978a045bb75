//! The counting global allocator behind INFO `used_memory` (Redis's `zmalloc_used_memory`).
//!
//! `Counting` wraps a size-class allocator (mimalloc; jemalloc with the `jemalloc` feature, for
//! comparison) and keeps a running total of the bytes handed out (requested sizes, not the
//! allocator's rounded-up sizes). A size-class allocator, as Redis ships jemalloc, matters here:
//! glibc's malloc keeps small freed chunks in bins that it consolidates on a later allocation,
//! so freeing ten million keys (FLUSHALL) stalled the next command for seconds, and its
//! per-chunk header costs 8-16 bytes per key. It is installed with
//! `#[global_allocator]` by the `uredis-server` binary only; in a process that did not install
//! it (unit tests of the library) `used_memory()` reports 0.
//!
//! Cost on the hot path: every allocation adds its size to a thread-local counter (a plain
//! add, no atomic read-modify-write); the counter is folded into the shared atomic total only
//! when it drifts past `BATCH` bytes either way. The event-loop thread reads its own pending
//! delta too, so for it `used_memory()` is exact; another thread's allocations are seen to
//! within `BATCH` bytes.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering::Relaxed};

/// Flushed totals of every thread.
static USED: AtomicIsize = AtomicIsize::new(0);
/// Highest `used_memory()` seen by `update_peak()` (INFO `used_memory_peak`).
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// `used_memory()` when the server finished starting (INFO `used_memory_startup`).
static STARTUP: AtomicUsize = AtomicUsize::new(0);

/// How far a thread's local delta may drift before it is folded into `USED`.
const BATCH: isize = 64 * 1024;

thread_local! {
    // Const-initialised and without a destructor: access is a plain TLS load/store, never
    // allocates, and stays valid while the thread is being torn down.
    static PENDING: Cell<isize> = const { Cell::new(0) };
}

#[inline(always)]
fn account(delta: isize) {
    PENDING.with(|p| {
        let v = p.get().wrapping_add(delta);
        if !(-BATCH..=BATCH).contains(&v) {
            USED.fetch_add(v, Relaxed);
            p.set(0);
        } else {
            p.set(v);
        }
    });
}

#[cfg(not(feature = "jemalloc"))]
static INNER: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[cfg(feature = "jemalloc")]
static INNER: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The allocator's name for INFO `mem_allocator`.
pub const ALLOCATOR: &str = if cfg!(feature = "jemalloc") {
    "jemalloc-5.3.0"
} else {
    "mimalloc-3"
};

/// The size-class allocator, counting the bytes it hands out.
pub struct Counting;

// SAFETY: every method forwards to `INNER` with the caller's arguments unchanged and only
// adds bookkeeping; the layout contracts are exactly `INNER`'s.
unsafe impl GlobalAlloc for Counting {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { INNER.alloc(layout) };
        if !p.is_null() {
            account(layout.size() as isize);
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { INNER.alloc_zeroed(layout) };
        if !p.is_null() {
            account(layout.size() as isize);
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { INNER.dealloc(ptr, layout) };
        account(-(layout.size() as isize));
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { INNER.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            account((new_size as isize).wrapping_sub(layout.size() as isize));
        }
        p
    }
}

/// Counts memory obtained outside the global allocator (the keyspace's `mmap`ed bucket
/// arrays) in `used_memory`: `delta` bytes more (or fewer, negative).
pub fn account_external(delta: isize) {
    account(delta);
}

/// Bytes currently allocated through `Counting` (exact for the calling thread's own
/// allocations, within `BATCH` per other thread).
pub fn used_memory() -> usize {
    let local = PENDING.with(Cell::get);
    USED.load(Relaxed).wrapping_add(local).max(0) as usize
}

/// Records the current usage as a candidate peak and returns the peak.
pub fn update_peak() -> usize {
    let used = used_memory();
    PEAK.fetch_max(used, Relaxed).max(used)
}

/// The highest usage recorded by `update_peak`.
pub fn peak() -> usize {
    PEAK.load(Relaxed)
}

/// Records the usage after start-up (INFO `used_memory_startup`).
pub fn mark_startup() {
    STARTUP.store(used_memory(), Relaxed);
    update_peak();
}

/// The usage recorded by `mark_startup`.
pub fn startup() -> usize {
    STARTUP.load(Relaxed)
}

/// What the allocator itself reports, for INFO memory: `(allocated, active, resident)` in
/// bytes, as Redis's `allocator_allocated` / `allocator_active` / `allocator_resident`.
/// `None` where the allocator does not say.
pub fn allocator_stats() -> Option<(usize, usize, usize)> {
    #[cfg(not(feature = "jemalloc"))]
    {
        let (mut elapsed, mut user, mut sys) = (0usize, 0usize, 0usize);
        let (mut rss, mut peak_rss, mut commit, mut peak_commit, mut faults) =
            (0usize, 0usize, 0usize, 0usize, 0usize);
        // SAFETY: every pointer is to a live local of the type the C function writes.
        unsafe {
            libmimalloc_sys::mi_process_info(
                &mut elapsed,
                &mut user,
                &mut sys,
                &mut rss,
                &mut peak_rss,
                &mut commit,
                &mut peak_commit,
                &mut faults,
            )
        };
        // mimalloc does not track bytes in live blocks cheaply: report our own count as
        // allocated, the memory it has committed as active, the process RSS as resident.
        Some((used_memory(), commit, rss))
    }
    #[cfg(feature = "jemalloc")]
    {
        None
    }
}

/// The allocator's own statistics report (MEMORY MALLOC-STATS); `None` where not available.
pub fn malloc_stats() -> Option<String> {
    #[cfg(not(feature = "jemalloc"))]
    {
        unsafe extern "C" fn append(msg: *const std::ffi::c_char, arg: *mut std::ffi::c_void) {
            if msg.is_null() || arg.is_null() {
                return;
            }
            // SAFETY: `arg` is the `&mut String` passed to `mi_stats_print_out` below, alive
            // for the whole call; `msg` is a NUL-terminated string mimalloc hands us.
            let (out, msg) = unsafe { (&mut *arg.cast::<String>(), std::ffi::CStr::from_ptr(msg)) };
            out.push_str(&msg.to_string_lossy());
        }
        let mut s = String::new();
        // SAFETY: `append` matches `mi_output_fun`; the pointer is to a live local used only
        // during this call, on this thread.
        unsafe {
            libmimalloc_sys::mi_stats_print_out(Some(append), (&raw mut s).cast());
        }
        Some(s)
    }
    #[cfg(feature = "jemalloc")]
    {
        None
    }
}

/// Returns freed memory the allocator still holds to the system (MEMORY PURGE).
pub fn purge() {
    #[cfg(not(feature = "jemalloc"))]
    // SAFETY: `mi_collect` has no preconditions; it only affects this thread's heap and the
    // shared segments mimalloc owns.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}
