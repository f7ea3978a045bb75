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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_goes_at_once_and_a_new_file_of_that_name_survives() {
        let dir = std::env::temp_dir().join(format!("uredis-bg-unlink-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("history.aof");
        std::fs::write(&p, vec![7u8; 1 << 20]).unwrap();
        bg_unlink(&p).unwrap();
        assert!(!p.exists(), "the name is removed before bg_unlink returns");
        std::fs::write(&p, b"new").unwrap();
        // Let the lazyfree thread close the old file; the new one is untouched.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while crate::keyspace::lazyfree::pending() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        // A missing file is an error, as unlink's.
        std::fs::remove_file(&p).unwrap();
        assert!(bg_unlink(&p).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
