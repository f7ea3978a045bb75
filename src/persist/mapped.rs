//! A whole file as bytes for the loaders: mapped read-only (`mmap`, private) when it is big,
//! read into memory when it is small or cannot be mapped.
//!
//! Mapping a big RDB file saves a copy of every byte and, above all, the zero-filling of as
//! many fresh anonymous pages that `read` into a buffer costs: the loader reads the page
//! cache directly. The kernel is told the access is sequential, so it reads ahead.
//!
//! Invariant and limit: the mapping lives as long as the `Mapped`. The loader trusts nothing in
//! the bytes, but a file truncated by another process *while* it is mapped makes the pages
//! past the new end fault with SIGBUS. Redis and uredis never truncate a dump in place (they
//! write a temp file and rename it over), so that takes someone rewriting the file in place
//! during a load; a changed file is otherwise read consistently or not at all.

use std::fs::File;
use std::ops::Deref;
use std::os::fd::AsRawFd;
use std::path::Path;

/// Files at least this big are mapped.
const MAP_MIN: u64 = 1 << 20;

pub enum Mapped {
    Map { ptr: *mut libc::c_void, len: usize },
    Buf(Vec<u8>),
}

impl Mapped {
    /// The contents of `path` (`ErrorKind::NotFound` when it does not exist).
    pub fn open(path: &Path) -> std::io::Result<Mapped> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        if len >= MAP_MIN
            && let Ok(len) = usize::try_from(len)
        {
            // SAFETY: a private read-only mapping of `len` bytes of an open file; the
            // returned pointer is checked, and only read through `deref` while mapped.
            let ptr = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE,
                    file.as_raw_fd(),
                    0,
                )
            };
            if ptr != libc::MAP_FAILED {
                // SAFETY: advice on the mapping just made; failure is harmless.
                unsafe { libc::madvise(ptr, len, libc::MADV_SEQUENTIAL) };
                return Ok(Mapped::Map { ptr, len });
            }
        }
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut &file, &mut buf)?;
        Ok(Mapped::Buf(buf))
    }
}

impl Deref for Mapped {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            // SAFETY: `ptr` maps `len` readable bytes until `drop` unmaps them.
            Mapped::Map { ptr, len } => unsafe {
                std::slice::from_raw_parts(ptr.cast::<u8>(), *len)
            },
            Mapped::Buf(b) => b,
        }
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        if let Mapped::Map { ptr, len } = *self {
            // SAFETY: unmapping the mapping made in `open`, once; no borrow of it outlives
            // `self`.
            unsafe { libc::munmap(ptr, len) };
        }
    }
}
