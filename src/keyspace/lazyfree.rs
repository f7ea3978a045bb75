//! Freeing big values off the event loop (Redis's lazyfree): dropping a collection of millions
//! of elements takes tens of milliseconds, so values with more than `LAZYFREE_THRESHOLD`
//! elements are handed to one background thread that drops them. Values are plain owned data
//! shared with nothing, so this needs no locking beyond the channel.

use std::sync::mpsc::{Sender, channel};

use super::Value;

/// Below this many elements a value is freed inline (Redis's `LAZYFREE_THRESHOLD`).
pub const LAZYFREE_THRESHOLD: usize = 64;

thread_local! {
    /// The channel to the lazyfree thread, started on first use by the event loop's thread.
    static TX: Option<Sender<Value>> = {
        let (tx, rx) = channel::<Value>();
        std::thread::Builder::new()
            .name("lazyfree".into())
            .spawn(move || rx.into_iter().for_each(drop))
            .ok()
            .map(|_| tx)
    };
}

/// Frees a value: inline if small, else on the lazyfree thread.
pub fn free(v: Value) {
    if v.len() <= LAZYFREE_THRESHOLD {
        return;
    }
    TX.with(|tx| match tx {
        Some(tx) => {
            let _ = tx.send(v);
        }
        None => drop(v),
    });
}
