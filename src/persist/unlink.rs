//! Deleting big files without blocking the event loop (Redis's `bg_unlink`).
//!
//! Removing the *name* of a file is quick; what can take milliseconds to seconds is freeing a
//! big file's blocks, which the kernel does when the last reference goes. So, as Redis: open
//! the file, unlink the name here (a new file of the same name created right after is never
//! touched), and hand the open descriptor to the lazyfree thread, whose `close` frees the
//! blocks off the loop. If the file cannot be opened, it is unlinked directly.

use std::path::Path;

/// Unlinks `path` now and releases its storage on the lazyfree thread.
pub fn bg_unlink(path: &Path) -> std::io::Result<()> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(_) => return std::fs::remove_file(path),
    };
    std::fs::remove_file(path)?;
    crate::keyspace::lazyfree::run(move || drop(file));
    Ok(())
}
