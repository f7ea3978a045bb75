//! Forked children (BGSAVE, BGREWRITEAOF, later replication's full sync), as Redis's
//! `redisFork` / `childinfo.c` / `checkChildrenDone`.
//!
//! - `Children::fork(kind, keys_total, f)` forks; the child runs `f` and leaves with
//!   `libc::_exit` (never returns into the server, never runs destructors). At most one child
//!   at a time (Redis's `hasActiveChildProcess`): a second `fork` fails with `AlreadyExists`.
//! - The child must never touch the io_uring ring (it is shared with the parent and, with
//!   `SINGLE_ISSUER`, only the parent may submit): it does plain blocking syscalls only.
//! - The child reports to the parent through a pipe: progress and copy-on-write size while it
//!   runs (`ChildReporter::progress`), and a final record (bytes written, CoW size) before it
//!   exits. CoW is the sum of `Private_Dirty` in `/proc/self/smaps_rollup` (Redis's
//!   `zmalloc_get_private_dirty`).
//! - The parent calls `Children::poll` from the cron: `waitpid(WNOHANG)`, drains the pipe, and
//!   returns the finished child with its kind and status. `kill` stops the child with SIGUSR1
//!   (which Redis treats as "killed on purpose", not a failure) and reaps it.
//! - `write_atomically`: temp file + write + fsync + rename + fsync of the directory, so the
//!   destination is either the old file or the complete new one, never a torn one.
//!
//! Invariant: `active` is `Some` exactly while a forked child has not been reaped.

use std::io::{self, Write};
use std::os::fd::RawFd;
use std::path::Path;
use std::time::{Duration, Instant};

/// What a child does (Redis's `CHILD_TYPE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildKind {
    Rdb,
    Aof,
    Replication,
}

impl ChildKind {
    /// The name Redis logs for it ("Fork CoW for RDB: ...").
    pub fn name(self) -> &'static str {
        match self {
            ChildKind::Rdb => "RDB",
            ChildKind::Aof => "AOF rewrite",
            ChildKind::Replication => "RDB",
        }
    }
}

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildStatus {
    /// Exit code 0: the work was done.
    Ok,
    /// Non-zero exit code: the child reported a failure (it logged why).
    Failed(i32),
    /// Killed by a signal other than our SIGUSR1 (e.g. the OOM killer).
    Signaled(i32),
    /// Stopped by `Children::kill` (SIGUSR1): not an error, the work was abandoned.
    Killed,
}

/// A finished child, as returned by `Children::poll` / `kill`.
#[derive(Debug, Clone)]
pub struct ChildDone {
    pub kind: ChildKind,
    pub pid: i32,
    pub status: ChildStatus,
    /// What the child's closure returned on success (bytes written), else 0.
    pub bytes: u64,
    /// Peak copy-on-write bytes the child reported (Redis's `rdb_last_cow_size`).
    pub cow_size: u64,
    /// Wall time from fork to reaping.
    pub duration: Duration,
}

/// Statistics of the running child and of forks in general (INFO persistence / stats).
#[derive(Debug, Default, Clone)]
pub struct ForkStats {
    /// INFO stats `total_forks`.
    pub total_forks: u64,
    /// INFO stats `latest_fork_usec`.
    pub latest_fork_usec: u64,
    /// INFO persistence `current_cow_peak`, `current_cow_size`, `current_cow_size_age`.
    pub current_cow_peak: u64,
    pub current_cow_size: u64,
    pub current_cow_updated: Option<Instant>,
    /// INFO persistence `current_save_keys_processed` / `current_save_keys_total`.
    pub current_save_keys_processed: u64,
    pub current_save_keys_total: u64,
}

struct Active {
    kind: ChildKind,
    pid: i32,
    started: Instant,
    /// Read end of the child's report pipe (non-blocking, close-on-exec).
    pipe: RawFd,
    /// Partial record read so far.
    buf: Vec<u8>,
    bytes: u64,
}

/// The parent's view of its (at most one) child.
#[derive(Default)]
pub struct Children {
    active: Option<Active>,
    pub stats: ForkStats,
}

const MSG_PROGRESS: u64 = 1;
const MSG_FINAL: u64 = 2;
/// CoW sample only (the work does not count keys).
const MSG_COW: u64 = 3;
/// One pipe record: type, keys processed, CoW bytes, bytes written. 32 bytes, well under
/// PIPE_BUF, so every write is atomic.
const MSG_LEN: usize = 32;

/// The child's side of the report pipe.
pub struct ChildReporter {
    fd: RawFd,
    kind: ChildKind,
    cow: u64,
    peak: u64,
    sum: u64,
    samples: u64,
    last_sample: Option<Instant>,
    sample_cost: Duration,
}

impl ChildReporter {
    /// Reports progress (keys written so far). Samples the CoW size at most at a 1/1024
    /// duty cycle of its own cost, as Redis (reading smaps can be slow on big processes).
    pub fn progress(&mut self, keys_processed: u64) {
        let due = match self.last_sample {
            None => true,
            Some(t) => t.elapsed() > self.sample_cost * 1024,
        };
        if due {
            self.sample(false);
        }
        self.send(MSG_PROGRESS, keys_processed, 0);
    }

    /// Reports the CoW size without a key count, at most once a second (for work that
    /// measures its progress in bytes, like the RDB writer).
    pub fn tick(&mut self) {
        if self
            .last_sample
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(1))
        {
            self.sample(false);
            self.send(MSG_COW, 0, 0);
        }
    }

    fn sample(&mut self, final_: bool) {
        let t = Instant::now();
        self.cow = private_dirty();
        self.sample_cost = t.elapsed();
        self.last_sample = Some(Instant::now());
        self.peak = self.peak.max(self.cow);
        self.sum += self.cow;
        self.samples += 1;
        if self.cow > 0 || final_ {
            let msg = format!(
                "Fork CoW for {}: current {} MB, peak {} MB, average {} MB",
                self.kind.name(),
                self.cow >> 20,
                self.peak >> 20,
                (self.sum / self.samples) >> 20
            );
            if final_ {
                tracing::info!("{msg}");
            } else {
                tracing::debug!("{msg}");
            }
        }
    }

    fn send(&mut self, kind: u64, keys: u64, bytes: u64) {
        let mut rec = [0u8; MSG_LEN];
        rec[0..8].copy_from_slice(&kind.to_le_bytes());
        rec[8..16].copy_from_slice(&keys.to_le_bytes());
        rec[16..24].copy_from_slice(&self.cow.to_le_bytes());
        rec[24..32].copy_from_slice(&bytes.to_le_bytes());
        // SAFETY: writing a local buffer to a pipe fd this process owns.
        let n = unsafe { libc::write(self.fd, rec.as_ptr().cast(), MSG_LEN) };
        if n != MSG_LEN as isize {
            tracing::warn!(
                "Child failed reporting info to parent, exiting. {}",
                io::Error::last_os_error()
            );
            // SAFETY: leaving the child without running the parent's destructors.
            unsafe { libc::_exit(1) };
        }
    }
}

/// Sum of `Private_Dirty` of this process, in bytes (0 when /proc is unavailable).
pub fn private_dirty() -> u64 {
    let text = std::fs::read_to_string("/proc/self/smaps_rollup")
        .or_else(|_| std::fs::read_to_string("/proc/self/smaps"))
        .unwrap_or_default();
    text.lines()
        .filter_map(|l| l.strip_prefix("Private_Dirty:"))
        .filter_map(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .sum::<u64>()
        * 1024
}

/// The signal `kill` sends; the child dies with it and the parent knows it was on purpose.
const KILL_SIGNAL: i32 = libc::SIGUSR1;

impl Children {
    /// The running child's kind, if any (Redis's `server.child_type`).
    pub fn active_kind(&self) -> Option<ChildKind> {
        self.active.as_ref().map(|a| a.kind)
    }

    /// The running child's pid, if any.
    pub fn active_pid(&self) -> Option<i32> {
        self.active.as_ref().map(|a| a.pid)
    }

    /// When the running child was forked.
    pub fn active_since(&self) -> Option<Instant> {
        self.active.as_ref().map(|a| a.started)
    }

    /// Redis's `hasActiveChildProcess`.
    pub fn has_active(&self) -> bool {
        self.active.is_some()
    }

    /// Forks a child that runs `work` and exits: code 0 when it returns `Ok(bytes)`, 1 when it
    /// returns `Err(message)` (logged by the child). `keys_total` is reported as
    /// `current_save_keys_total`. Returns the child's pid; fails with `AlreadyExists` while
    /// another child runs. Measures `latest_fork_usec` and counts `total_forks`.
    ///
    /// `work` runs in the child: it must not touch the io_uring ring or anything the loop
    /// owns for I/O; it writes with plain blocking syscalls.
    pub fn fork<F>(&mut self, kind: ChildKind, keys_total: u64, work: F) -> io::Result<i32>
    where
        F: FnOnce(&mut ChildReporter) -> Result<u64, String>,
    {
        if self.active.is_some() {
            return Err(io::Error::from(io::ErrorKind::AlreadyExists));
        }
        let mut fds = [0 as RawFd; 2];
        // SAFETY: pipe2 writes two fds into the array we pass.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let (rd, wr) = (fds[0], fds[1]);
        let start = Instant::now();
        // SAFETY: fork has no memory-safety preconditions. In the child only this thread
        // exists; it runs `work` (plain syscalls and allocation, which glibc keeps usable after
        // fork) and leaves with _exit, never returning into the loop.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            let e = io::Error::last_os_error();
            // SAFETY: closing the pipe fds we created above.
            unsafe {
                libc::close(rd);
                libc::close(wr);
            }
            return Err(e);
        }
        if pid == 0 {
            // SAFETY: child side: reset the signal dispositions the server installed (the
            // parent's handlers only set a flag the child never looks at), close the read end,
            // make the write end blocking, run the work, and leave without destructors.
            unsafe {
                libc::signal(libc::SIGTERM, libc::SIG_DFL);
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                libc::signal(KILL_SIGNAL, libc::SIG_DFL);
                libc::close(rd);
                let fl = libc::fcntl(wr, libc::F_GETFL);
                libc::fcntl(wr, libc::F_SETFL, fl & !libc::O_NONBLOCK);
            }
            let mut rep = ChildReporter {
                fd: wr,
                kind,
                cow: 0,
                peak: 0,
                sum: 0,
                samples: 0,
                last_sample: None,
                sample_cost: Duration::ZERO,
            };
            let code =
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut rep))) {
                    Ok(Ok(bytes)) => {
                        rep.sample(true);
                        rep.send(MSG_FINAL, 0, bytes);
                        0
                    }
                    Ok(Err(msg)) => {
                        tracing::warn!("{msg}");
                        1
                    }
                    Err(_) => 1,
                };
            // SAFETY: leaving the child without running the parent's atexit handlers or
            // destructors (which would touch state shared with the parent, like the ring).
            unsafe { libc::_exit(code) };
        }
        // SAFETY: parent side: the write end belongs to the child now.
        unsafe { libc::close(wr) };
        self.stats.total_forks += 1;
        self.stats.latest_fork_usec = start.elapsed().as_micros() as u64;
        self.stats.current_cow_peak = 0;
        self.stats.current_cow_size = 0;
        self.stats.current_cow_updated = None;
        self.stats.current_save_keys_processed = 0;
        self.stats.current_save_keys_total = keys_total;
        self.active = Some(Active {
            kind,
            pid,
            started: start,
            pipe: rd,
            buf: Vec::with_capacity(MSG_LEN),
            bytes: 0,
        });
        // Tables stop resizing while the child shares their pages (Redis's
        // updateDictResizePolicy).
        crate::types::resize::set_avoid(true);
        Ok(pid)
    }

    /// Reads whatever reports the child has sent (non-blocking).
    fn drain_pipe(&mut self) {
        let Some(a) = self.active.as_mut() else {
            return;
        };
        let mut chunk = [0u8; MSG_LEN * 16];
        loop {
            // SAFETY: reading into a local buffer from the pipe fd we own.
            let n = unsafe { libc::read(a.pipe, chunk.as_mut_ptr().cast(), chunk.len()) };
            if n <= 0 {
                break;
            }
            a.buf.extend_from_slice(&chunk[..n as usize]);
        }
        let whole = a.buf.len() / MSG_LEN * MSG_LEN;
        for rec in a.buf[..whole].chunks_exact(MSG_LEN) {
            let field = |i: usize| u64::from_le_bytes(rec[i..i + 8].try_into().unwrap_or([0; 8]));
            let (kind, keys, cow, bytes) = (field(0), field(8), field(16), field(24));
            let st = &mut self.stats;
            st.current_cow_size = cow;
            st.current_cow_peak = st.current_cow_peak.max(cow);
            st.current_cow_updated = Some(Instant::now());
            if kind == MSG_PROGRESS {
                st.current_save_keys_processed = keys;
            } else if kind == MSG_FINAL {
                a.bytes = bytes;
            }
        }
        a.buf.drain(..whole);
    }

    /// Parent side, from the cron: reaps the child if it has finished (`waitpid(WNOHANG)`),
    /// and updates the running child's CoW/progress figures otherwise.
    pub fn poll(&mut self) -> Option<ChildDone> {
        let pid = self.active.as_ref()?.pid;
        self.drain_pipe();
        let mut status = 0;
        // SAFETY: waitpid on our own child with a valid status pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == 0 {
            return None;
        }
        if r < 0 {
            // ECHILD: someone else reaped it; treat as failed.
            tracing::warn!(
                "waitpid() returned an error: {}",
                io::Error::last_os_error()
            );
            return self.finish(ChildStatus::Failed(-1));
        }
        self.finish(decode_status(status))
    }

    /// Stops the running child with SIGUSR1 and reaps it (blocking until it is gone), as
    /// Redis's `killRDBChild` / `killAppendOnlyChild`.
    pub fn kill(&mut self) -> Option<ChildDone> {
        let pid = self.active.as_ref()?.pid;
        let mut status = 0;
        // SAFETY: signalling and reaping our own child.
        unsafe {
            libc::kill(pid, KILL_SIGNAL);
            while libc::waitpid(pid, &mut status, 0) < 0
                && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted
            {}
        }
        self.drain_pipe();
        self.finish(decode_status(status))
    }

    /// Blocks until the running child exits and returns it (used at shutdown).
    pub fn wait(&mut self) -> Option<ChildDone> {
        let pid = self.active.as_ref()?.pid;
        let mut status = 0;
        // SAFETY: reaping our own child with a valid status pointer.
        unsafe {
            while libc::waitpid(pid, &mut status, 0) < 0
                && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted
            {}
        }
        self.drain_pipe();
        self.finish(decode_status(status))
    }

    fn finish(&mut self, status: ChildStatus) -> Option<ChildDone> {
        self.drain_pipe();
        let a = self.active.take()?;
        crate::types::resize::set_avoid(false);
        // SAFETY: closing the pipe read end we own.
        unsafe { libc::close(a.pipe) };
        let done = ChildDone {
            kind: a.kind,
            pid: a.pid,
            status,
            bytes: if status == ChildStatus::Ok {
                a.bytes
            } else {
                0
            },
            cow_size: self.stats.current_cow_peak,
            duration: a.started.elapsed(),
        };
        // Redis's resetChildState: the current_* figures describe a running child only.
        let st = &mut self.stats;
        st.current_cow_peak = 0;
        st.current_cow_size = 0;
        st.current_cow_updated = None;
        st.current_save_keys_processed = 0;
        st.current_save_keys_total = 0;
        Some(done)
    }
}

fn decode_status(status: i32) -> ChildStatus {
    if libc::WIFEXITED(status) {
        match libc::WEXITSTATUS(status) {
            0 => ChildStatus::Ok,
            c => ChildStatus::Failed(c),
        }
    } else if libc::WIFSIGNALED(status) {
        match libc::WTERMSIG(status) {
            KILL_SIGNAL => ChildStatus::Killed,
            s => ChildStatus::Signaled(s),
        }
    } else {
        ChildStatus::Failed(-1)
    }
}

/// Which step of `write_atomically` failed (callers log Redis's message for each).
#[derive(Debug)]
pub enum AtomicWriteError {
    /// Creating the temp file.
    Open(io::Error),
    /// Writing, flushing or fsyncing it (the temp file is removed).
    Write(io::Error),
    /// Renaming it over the destination (the temp file is removed).
    Rename(io::Error),
}

impl std::fmt::Display for AtomicWriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AtomicWriteError::Open(e)
            | AtomicWriteError::Write(e)
            | AtomicWriteError::Rename(e) => {
                write!(f, "{e}")
            }
        }
    }
}

/// Counts bytes on their way to the inner writer.
struct Counting<W> {
    inner: W,
    n: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes `dest` through `tmp`: create `tmp`, let `fill` write into a buffered writer, flush,
/// fsync, rename over `dest`, fsync the directory. Returns the bytes written. On failure the
/// temp file is removed and `dest` is untouched. Plain blocking syscalls (for children, SAVE
/// and shutdown).
pub fn write_atomically(
    tmp: &Path,
    dest: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<u64, AtomicWriteError> {
    let file = std::fs::File::create(tmp).map_err(AtomicWriteError::Open)?;
    let mut w = Counting {
        inner: io::BufWriter::with_capacity(1 << 16, file),
        n: 0,
    };
    let written = (|| {
        fill(&mut w)?;
        w.flush()?;
        w.inner.get_ref().sync_all()?;
        Ok(w.n)
    })();
    let n = match written {
        Ok(n) => n,
        Err(e) => {
            drop(w);
            let _ = std::fs::remove_file(tmp);
            return Err(AtomicWriteError::Write(e));
        }
    };
    drop(w);
    if let Err(e) = std::fs::rename(tmp, dest) {
        let _ = std::fs::remove_file(tmp);
        return Err(AtomicWriteError::Rename(e));
    }
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // The rename is durable only once the directory is synced; a failure here leaves a
    // complete file in place, so it is not an error for the caller.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = std::env::temp_dir().join(format!("uredis-child-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dest = dir.join("out.bin");
        let tmp = dir.join("tmp.bin");
        std::fs::write(&dest, b"old").unwrap();
        let n = write_atomically(&tmp, &dest, |w| w.write_all(b"new contents")).unwrap();
        assert_eq!(n, 12);
        assert_eq!(std::fs::read(&dest).unwrap(), b"new contents");
        assert!(!tmp.exists());
        let r = write_atomically(&tmp, &dest, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(matches!(r, Err(AtomicWriteError::Write(_))));
        assert_eq!(std::fs::read(&dest).unwrap(), b"new contents");
        assert!(!tmp.exists());
        let bad = write_atomically(&dest.join("x"), &dest.join("y"), |_| Ok(()));
        assert!(matches!(bad, Err(AtomicWriteError::Open(_))));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn reap(c: &mut Children) -> ChildDone {
        loop {
            if let Some(d) = c.poll() {
                return d;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn fork_reports_success_failure_and_kill() {
        let mut c = Children::default();
        c.fork(ChildKind::Rdb, 7, |rep| {
            rep.progress(3);
            Ok(42)
        })
        .unwrap();
        assert_eq!(c.active_kind(), Some(ChildKind::Rdb));
        assert_eq!(c.stats.current_save_keys_total, 7);
        let busy = c.fork(ChildKind::Aof, 0, |_| Ok(0));
        assert_eq!(busy.unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        let d = reap(&mut c);
        assert_eq!(d.status, ChildStatus::Ok);
        assert_eq!(d.bytes, 42);
        assert_eq!(d.kind, ChildKind::Rdb);
        assert!(!c.has_active());
        assert_eq!(c.stats.total_forks, 1);

        c.fork(ChildKind::Aof, 0, |_| Err("no space".into()))
            .unwrap();
        let d = reap(&mut c);
        assert_eq!(d.status, ChildStatus::Failed(1));
        assert_eq!(d.kind, ChildKind::Aof);

        c.fork(ChildKind::Rdb, 0, |_| {
            std::thread::sleep(Duration::from_secs(60));
            Ok(0)
        })
        .unwrap();
        let d = c.kill().unwrap();
        assert_eq!(d.status, ChildStatus::Killed);
        assert!(!c.has_active());
        assert_eq!(c.stats.total_forks, 3);
    }
}
