//! Freeing big values off the event loop (Redis's lazyfree): dropping a collection of millions
//! of elements, a whole table (FLUSHALL ASYNC) or unmapping a big bucket array takes
//! milliseconds to seconds, so that work is handed to one background thread. What is sent is
//! plain owned data shared with nothing, so this needs no locking beyond the channel; the
//! allocator (mimalloc) frees blocks of the loop thread's pages from another thread without a
//! lock the loop waits on. The one exception is populating a bucket array the keyspace table
//! maps ahead (`table::populate`): the job only faults its pages in, never touching the bytes,
//! and the array's release is queued behind it (jobs run one at a time, in order).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Sender, channel};

use super::Value;

/// Below this many elements a value is freed inline (Redis's `LAZYFREE_THRESHOLD`).
pub const LAZYFREE_THRESHOLD: usize = 64;

type Job = Box<dyn FnOnce() + Send>;

/// Jobs sent and not finished yet (Redis's `bioPendingJobsOfType(BIO_LAZY_FREE)`).
static PENDING: AtomicUsize = AtomicUsize::new(0);

/// Jobs handed to the lazyfree thread that have not finished.
pub fn pending() -> usize {
    PENDING.load(Ordering::Relaxed)
}

thread_local! {
    /// The channel to the lazyfree thread, started on first use by the event loop's thread.
    static TX: Option<Sender<Job>> = {
        let (tx, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name("lazyfree".into())
            .spawn(move || {
                WORKER.with(|w| w.set(true));
                rx.into_iter().for_each(|job| job())
            })
            .ok()
            .map(|_| tx)
    };
    /// Set on the lazyfree thread.
    static WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this is the lazyfree thread (where jobs run in the order they were sent, so work
/// that must follow a job already queued can simply be done here).
pub fn on_worker() -> bool {
    WORKER.with(|w| w.get())
}

/// Runs `job` on the lazyfree thread (inline if the thread could not be started).
pub fn run(job: impl FnOnce() + Send + 'static) {
    PENDING.fetch_add(1, Ordering::Relaxed);
    let job: Job = Box::new(move || {
        job();
        PENDING.fetch_sub(1, Ordering::Relaxed);
    });
    TX.with(|tx| match tx {
        Some(tx) => {
            if let Err(e) = tx.send(job) {
                (e.0)()
            }
        }
        None => job(),
    });
}

/// Frees a value: inline if small, else on the lazyfree thread.
pub fn free(v: Value) {
    if v.len() <= LAZYFREE_THRESHOLD {
        return;
    }
    run(move || drop(v));
}
