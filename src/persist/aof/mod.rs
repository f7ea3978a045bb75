//! The append-only file, as Redis 7.0's multi-part AOF (`aof.c`): a directory (`appenddirname`)
//! holding a manifest, one base file (an RDB image by default, or commands) and incr files of
//! commands in RESP, appended to as commands run.
//!
//! What is appended is exactly what `cmd::propagate` emits (one stream, also meant for
//! replication): `feed` encodes each emitted command, with a SELECT when the database changes.
//!
//! Records accumulate in a buffer during a loop iteration; before the loop sleeps, `flush`
//! hands the buffer to the kernel. With `appendfsync always` that is a plain write(2) on the
//! loop thread (a copy into the page cache, as Redis does) followed by an `fdatasync` through
//! the ring: the loop keeps reading and executing other clients while the disk syncs, which
//! Redis cannot (it blocks its thread in the fsync). When the disk's fsyncs are fast (the last
//! chain took under `INLINE_FSYNC_MAX`), the `fdatasync` is made on the loop thread instead,
//! as Redis does: handing a 0.1 ms fsync to a kernel worker and waking the loop again costs
//! more than the fsync blocks (see `INLINE_FSYNC_MAX`). One such chain is in flight at a time;
//! whatever arrives meanwhile becomes the next chain (group commit, see
//! `GROUP_WAIT_FRACTION`). A client's replies are held (`hold_mark` / `releasable`) until
//! every record appended before them is on disk: `durable` only advances when an fsync
//! queued after the write of those bytes completed. Without `always`, writes go through the
//! ring (never blocking the loop); with `everysec` an `fdatasync` of what was written is
//! queued at most once a second beside the writes (the role of Redis's background fsync
//! thread); with `no` the kernel decides.
//!
//! Why a write(2) and not a ring write linked to the fsync: io_uring cannot write buffered
//! ext4 data without blocking, so it hands the write to a kernel worker, then the fsync:
//! two wake-ups of io-wq workers per group, which on a 2-vCPU machine with a fast disk cost
//! more than the write itself (measured: benches/scripts/aof_always.sh, README).
//!
//! Measured and dropped (README, persistence figures): a second fsync queued while one is in
//! flight (smaller groups, more fsyncs and CPU per SET, no more throughput); `IOSQE_ASYNC` (the kernel
//! always hands an fsync SQE to an io-wq worker). The hand-off costs ~6 µs of CPU per fsync on
//! zram, ~25 µs on the virtio disk (`UREDIS_PERSIST_SETS=fsync cargo bench --bench persist`),
//! and saves the loop 50-65 µs of the fsync's own CPU there. On a fast disk the
//! ratio to Redis is bounded by uredis's own throughput without an AOF: there the clients'
//! round trip and redis-benchmark's CPU on the shared cores dominate, not the fsync.
//!
//! Invariants:
//! - `queue` holds unwritten records per file, oldest first; its last segment's fd is `fd`
//!   (the file new records go to). A file whose segment is drained and that is no longer
//!   current is fsynced and closed through the ring ("retired").
//! - Offsets: `appended` counts every byte ever fed; `durable` is the end of what is known to
//!   be on disk (advanced only with `always`, where replies wait on it).
//! - During a rewrite the parent appends to a new incr file opened when the rewrite starts
//!   (7.0: no rewrite buffer); the manifest is switched atomically when the child finishes.

pub mod load;
pub mod manifest;
pub mod rewrite;

use std::collections::VecDeque;
use std::os::fd::RawFd;
use std::path::{Path, PathBuf};

use bytes::Bytes;

use crate::keyspace::clock;
use crate::persist::child::{ChildDone, ChildKind, ChildStatus};
use crate::runtime::{Completion, token, untoken};
use crate::server::Server;
use manifest::Manifest;

/// Completion tag of AOF file operations.
pub const TAG_AOF: u8 = 16;
const OP_WRITE: usize = 0;
const OP_FSYNC: usize = 1;
const OP_RETIRE: usize = 2;
const OP_BGSYNC: usize = 3;

/// An AOF operation failed; the reason was logged (Redis's C_ERR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Off,
    On,
    /// Switched on at run time: appending to a temporary incr file until the first rewrite
    /// completes (Redis's AOF_WAIT_REWRITE).
    WaitRewrite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fsync {
    Always,
    EverySec,
    No,
}

impl Fsync {
    fn parse(s: &str) -> Fsync {
        match s {
            "always" => Fsync::Always,
            "no" => Fsync::No,
            _ => Fsync::EverySec,
        }
    }
}

struct Segment {
    fd: RawFd,
    data: Vec<u8>,
}

/// The write (+ fsync) in flight.
struct Chain {
    fd: RawFd,
    data: Vec<u8>,
    written: usize,
    want_sync: bool,
    synced: bool,
    /// Operations of this chain whose completion has not arrived.
    ops: u32,
    error: Option<i32>,
    fsync_error: Option<i32>,
    /// Logical offset of the end of `data`.
    end: u64,
    /// When the chain was submitted (its duration tunes the group-commit wait).
    started: std::time::Instant,
}

/// Group commit with `appendfsync always` (`Aof::group_wait`): a new write + fsync chain is
/// held back while fewer commands are pending than `Aof::group_target` (what the previous
/// chain carried plus what was pending when it completed: every client that was writing),
/// for at most this fraction of the previous chain's duration (and never more than
/// `GROUP_WAIT_MAX`). Without the wait, clients split into two halves that alternate: the
/// ones released by a chain come back while the next (made of the others) is on the disk, so
/// each fsync carries half of the writers (Redis, which blocks on its fsync, shows the same
/// split: ~25 SETs per fsync with 50 clients). Waiting for the released clients merges the
/// halves: more writes per fsync at the same fsync cost. Waiting half an fsync at most costs
/// at most half an fsync of latency, and a disk with fast fsyncs waits proportionally little.
const GROUP_WAIT_FRACTION: u32 = 2;

/// With `appendfsync always`, a chain's `fdatasync` is made on the loop thread, blocking it as
/// Redis does, when the previous chain (write + fsync, as the loop saw it) took less than
/// this; otherwise it goes through the ring and the loop keeps serving. Measured on the
/// virtio disk with 0.1-0.17 ms fsyncs on a quiet machine (`DIR=/tmp bash
/// benches/scripts/aof_always.sh 6 20000`, two runs each): always through the ring 0.73x /
/// 0.86x Redis's SET rate (the hand-off to an io-wq worker and back, on 2 cores shared with
/// the clients, costs more than the fsync), inline below 500 µs 1.11x / 1.13x. A disk that
/// slows down costs one blocking fsync before the chains move back to the ring.
const INLINE_FSYNC_MAX: std::time::Duration = std::time::Duration::from_micros(500);
const GROUP_WAIT_MAX: std::time::Duration = std::time::Duration::from_millis(2);

pub struct Aof {
    pub state: State,
    pub fsync: Fsync,
    /// `aof-timestamp-enabled`: a `#TS:<unix seconds>` line before the first record of each
    /// new second.
    timestamps: bool,
    /// The second of the last `#TS:` annotation written.
    last_ts: i64,
    /// The incr file records go to (-1 when off).
    fd: RawFd,
    queue: VecDeque<Segment>,
    chain: Option<Chain>,
    spare: Vec<u8>,
    /// The database the last appended command ran in (-1: next command emits SELECT).
    pub selected_db: i64,
    appended: u64,
    taken: u64,
    durable: u64,
    /// Clients whose replies wait for `durable` (with `appendfsync always`).
    held: Vec<usize>,
    /// Commands fed since the last chain took the buffer, and how many that chain carried.
    pending_cmds: u64,
    last_chain_cmds: u64,
    /// Commands the next chain waits for: those the last chain carried plus those pending
    /// when it completed (every client that was writing).
    group_target: u64,
    /// Duration of the last completed write + fsync chain.
    last_chain_time: std::time::Duration,
    /// Chains faster than this fsync on the loop thread (`INLINE_FSYNC_MAX`; tests set it to
    /// zero to drive the ring path).
    inline_fsync_below: std::time::Duration,
    /// Since when a chain is held back (`group_wait`), and until when.
    group_since: Option<std::time::Instant>,
    pub manifest: Manifest,
    pub dirname: PathBuf,
    pub filename: String,
    /// Bytes in base + incr files (INFO `aof_current_size`).
    pub current_size: u64,
    /// Size after the last rewrite (or of the base at start-up): `aof_base_size`.
    pub base_size: u64,
    pub last_incr_size: u64,
    pub last_incr_fsync_offset: u64,
    last_fsync_s: i64,
    pub last_write_ok: bool,
    pub last_write_errno: i32,
    pub fsync_errno: Option<i32>,
    retry_at_ms: i64,
    /// Set while writes must be refused with MISCONF.
    pub deny_writes: bool,
    pub rewrite_scheduled: bool,
    /// Unix seconds the running rewrite started, -1 if none.
    pub rewrite_time_start: i64,
    pub rewrite_time_last: i64,
    pub rewrites: u64,
    pub consecutive_failures: u64,
    pub last_bgrewrite_ok: bool,
    pub last_cow_size: u64,
    pub delayed_fsync: u64,
    /// Pid of the rewrite child, while one runs.
    pub child_pid: Option<i32>,
    /// Fds closed once their fsync completes, and fsyncs in flight for them.
    retiring: usize,
    /// The everysec fsync in flight (Redis's bio fsync job): fd, and the incr size it covers.
    bg_fsync: Option<(RawFd, u64)>,
    /// Back-off after repeated rewrite failures (Redis's `aofRewriteLimited`): minutes of the
    /// current delay and the Unix second the next automatic attempt may start.
    limit_delay_min: i64,
    limit_next_s: i64,
}

impl Default for Aof {
    fn default() -> Self {
        Aof {
            state: State::Off,
            fsync: Fsync::EverySec,
            timestamps: false,
            last_ts: 0,
            fd: -1,
            queue: VecDeque::from([Segment {
                fd: -1,
                data: Vec::new(),
            }]),
            chain: None,
            spare: Vec::new(),
            selected_db: -1,
            appended: 0,
            taken: 0,
            durable: 0,
            held: Vec::new(),
            pending_cmds: 0,
            last_chain_cmds: 0,
            group_target: 0,
            last_chain_time: std::time::Duration::ZERO,
            inline_fsync_below: INLINE_FSYNC_MAX,
            group_since: None,
            manifest: Manifest::default(),
            dirname: PathBuf::from("appendonlydir"),
            filename: "appendonly.aof".into(),
            current_size: 0,
            base_size: 0,
            last_incr_size: 0,
            last_incr_fsync_offset: 0,
            last_fsync_s: 0,
            last_write_ok: true,
            last_write_errno: 0,
            fsync_errno: None,
            retry_at_ms: 0,
            deny_writes: false,
            rewrite_scheduled: false,
            rewrite_time_start: -1,
            rewrite_time_last: -1,
            rewrites: 0,
            consecutive_failures: 0,
            last_bgrewrite_ok: true,
            last_cow_size: 0,
            delayed_fsync: 0,
            child_pid: None,
            retiring: 0,
            bg_fsync: None,
            limit_delay_min: 0,
            limit_next_s: 0,
        }
    }
}

fn strerror(errno: i32) -> String {
    let s = std::io::Error::from_raw_os_error(errno).to_string();
    // "No space left on device (os error 28)" -> Redis's strerror text.
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn now_s() -> i64 {
    clock::now_ms() / 1000
}

pub use crate::protocol::reply::encode_command;

/// Opens a file of the AOF directory for appending.
fn open_append(path: &Path, truncate: bool) -> std::io::Result<RawFd> {
    use std::os::fd::IntoRawFd;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true);
    if truncate {
        o.truncate(true);
    } else {
        o.append(true);
    }
    // O_APPEND also for a truncated file: the ring writes at "current position" (-1).
    use std::os::unix::fs::OpenOptionsExt;
    o.custom_flags(libc::O_APPEND | libc::O_CLOEXEC);
    o.mode(0o644);
    Ok(o.open(path)?.into_raw_fd())
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

impl Aof {
    /// Takes the settings from the configuration (at start-up and after CONFIG SET).
    pub fn configure(&mut self, cfg: &crate::config::Config) {
        self.fsync = Fsync::parse(cfg.get("appendfsync").unwrap_or("everysec"));
        self.timestamps = cfg.get("aof-timestamp-enabled") == Some("yes");
        self.dirname = PathBuf::from(cfg.get("appenddirname").unwrap_or("appendonlydir"));
        self.filename = cfg
            .get("appendfilename")
            .unwrap_or("appendonly.aof")
            .to_string();
        if self.fsync != Fsync::Always {
            // Nothing waits for an fsync any more.
            self.durable = self.appended;
        }
    }

    /// Whether emitted commands are appended.
    #[inline]
    pub fn feeding(&self) -> bool {
        self.state != State::Off
    }

    /// Appends one emitted command (Redis's `feedAppendOnlyFile`).
    pub fn feed(&mut self, db: usize, argv: &[Bytes]) {
        let Some(seg) = self.queue.back_mut() else {
            return;
        };
        if seg.fd < 0 {
            // Switched on, but the rewrite (and its temp incr file) has not started yet.
            return;
        }
        let before = seg.data.len();
        if self.timestamps {
            // Redis's genAofTimestampAnnotationIfNeeded: once per second, before the SELECT.
            let now = crate::keyspace::clock::now_ms() / 1000;
            if self.last_ts < now {
                seg.data.extend_from_slice(b"#TS:");
                seg.data
                    .extend_from_slice(itoa::Buffer::new().format(now).as_bytes());
                seg.data.extend_from_slice(b"\r\n");
                self.last_ts = now;
            }
        }
        if db as i64 != self.selected_db {
            let mut b = itoa::Buffer::new();
            let s = b.format(db);
            seg.data.extend_from_slice(b"*2\r\n$6\r\nSELECT\r\n$");
            seg.data
                .extend_from_slice(itoa::Buffer::new().format(s.len()).as_bytes());
            seg.data.extend_from_slice(b"\r\n");
            seg.data.extend_from_slice(s.as_bytes());
            seg.data.extend_from_slice(b"\r\n");
            self.selected_db = db as i64;
        }
        encode_command(&mut seg.data, argv);
        self.appended += (seg.data.len() - before) as u64;
        self.pending_cmds += 1;
    }

    /// The offset a reply produced now must wait for before it may be sent (0: no wait).
    #[inline]
    pub fn hold_mark(&self) -> u64 {
        if self.fsync == Fsync::Always && self.state != State::Off {
            self.appended
        } else {
            0
        }
    }

    /// Whether a reply marked `mark` may be sent now.
    #[inline]
    pub fn releasable(&self, mark: u64) -> bool {
        mark <= self.durable
    }

    /// Holds client `cid`'s replies until the AOF catches up.
    pub fn hold(&mut self, cid: usize) {
        self.held.push(cid);
    }

    /// Bytes waiting in memory (INFO `aof_buffer_length`).
    pub fn buffered(&self) -> usize {
        self.queue.iter().map(|s| s.data.len()).sum::<usize>()
    }

    /// MISCONF text when writes are refused because of a write error.
    pub fn write_error_text(&self) -> String {
        format!(
            "MISCONF Errors writing to the AOF file: {}",
            strerror(self.fsync_errno.unwrap_or(self.last_write_errno))
        )
    }

    fn update_deny(&mut self) {
        self.deny_writes =
            self.state != State::Off && (!self.last_write_ok || self.fsync_errno.is_some());
    }

    /// Makes `fd` the file new records go to (flushing the previous one's records first).
    fn switch_fd(&mut self, fd: RawFd) {
        self.fd = fd;
        self.queue.push_back(Segment {
            fd,
            data: Vec::new(),
        });
        // Redis's `aof_selected_db = -1`: a new file starts with a SELECT.
        self.selected_db = -1;
        self.last_incr_size = 0;
        self.last_incr_fsync_offset = 0;
    }

    fn retire(&mut self, ring: &mut crate::runtime::Ring, fd: RawFd) {
        if fd < 0 {
            return;
        }
        self.retiring += 1;
        ring.fdatasync(fd, token(((fd as usize) << 2) | OP_RETIRE, TAG_AOF));
    }

    /// Whether the next chain should wait for more commands (see `GROUP_WAIT_FRACTION`).
    fn group_wait(&mut self) -> bool {
        if self.pending_cmds >= self.group_target {
            self.group_since = None;
            return false;
        }
        let now = std::time::Instant::now();
        let since = *self.group_since.get_or_insert(now);
        if now.duration_since(since) >= self.group_wait_limit() {
            self.group_since = None;
            return false;
        }
        true
    }

    fn group_wait_limit(&self) -> std::time::Duration {
        (self.last_chain_time / GROUP_WAIT_FRACTION).min(GROUP_WAIT_MAX)
    }

    /// Whether nothing is buffered or in flight.
    pub fn idle(&self) -> bool {
        self.chain.is_none()
            && self.retiring == 0
            && self.bg_fsync.is_none()
            && self.queue.iter().all(|s| s.data.is_empty())
    }
}

/// Hands buffered records to the kernel, if no write is in flight, and starts the everysec
/// fsync when due (Redis's `flushAppendOnlyFile`, called before the loop sleeps and from the
/// cron).
pub fn flush(srv: &mut Server) {
    flush_writes(srv);
    everysec_fsync(srv);
}

fn flush_writes(srv: &mut Server) {
    let aof = &mut srv.aof;
    if aof.chain.is_some() {
        return;
    }
    if !aof.last_write_ok && clock::now_ms() < aof.retry_at_ms {
        return;
    }
    loop {
        let Some(front) = aof.queue.front_mut() else {
            return;
        };
        if front.data.is_empty() {
            if aof.queue.len() > 1 {
                if aof.bg_fsync.is_some() {
                    // Retire (fsync + close) once the everysec fsync is done with the fd.
                    return;
                }
                let seg = aof.queue.pop_front().map(|s| s.fd).unwrap_or(-1);
                aof.retire(&mut srv.ring, seg);
                continue;
            }
            // Nothing to write: an fsync still owed after a switch to always?
            let owed = aof.fd >= 0 && aof.last_incr_fsync_offset != aof.last_incr_size;
            if owed && aof.fsync == Fsync::Always {
                let fd = aof.fd;
                aof.last_fsync_s = now_s();
                aof.chain = Some(Chain {
                    fd,
                    data: Vec::new(),
                    written: 0,
                    want_sync: true,
                    synced: false,
                    ops: 1,
                    error: None,
                    fsync_error: None,
                    end: aof.taken,
                    started: std::time::Instant::now(),
                });
                srv.ring.fdatasync(fd, token(OP_FSYNC, TAG_AOF));
            }
            return;
        }
        let fd = front.fd;
        if fd < 0 {
            // Never written (fed before a file existed): nowhere to go.
            front.data.clear();
            continue;
        }
        let no_fsync_on_rewrite =
            aof.child_pid.is_some() && srv.config.get("no-appendfsync-on-rewrite") == Some("yes");
        let want_sync = aof.fsync == Fsync::Always && !no_fsync_on_rewrite;
        if want_sync && aof.queue.len() == 1 && aof.group_wait() {
            return;
        }
        let front = match aof.queue.front_mut() {
            Some(f) => f,
            None => return,
        };
        let data = std::mem::replace(&mut front.data, std::mem::take(&mut aof.spare));
        aof.last_chain_cmds = std::mem::take(&mut aof.pending_cmds);
        aof.taken += data.len() as u64;
        let end = aof.taken;
        aof.chain = Some(Chain {
            fd,
            data,
            written: 0,
            want_sync,
            synced: false,
            ops: 0,
            error: None,
            fsync_error: None,
            end,
            started: std::time::Instant::now(),
        });
        start_chain(srv);
        return;
    }
}

/// Plain blocking write(2) of the chain's remaining data; sets `written` / `error`.
fn write_sync(c: &mut Chain) {
    while c.written < c.data.len() {
        let rest = &c.data[c.written..];
        // SAFETY: writing from a live slice to our own fd.
        let n = unsafe { libc::write(c.fd, rest.as_ptr().cast(), rest.len()) };
        if n < 0 {
            let e = std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO);
            if e == libc::EINTR || e == libc::EAGAIN {
                continue;
            }
            c.error = Some(e);
            return;
        }
        if n == 0 {
            c.error = Some(libc::ENOSPC);
            return;
        }
        c.written += n as usize;
    }
}

/// Starts the chain just taken. With an fsync wanted (`appendfsync always`) the data is
/// written with a plain write(2) on the loop thread (a copy into the page cache, as Redis
/// does) and only the `fdatasync` goes through the ring: one hand-off to a kernel worker per
/// group instead of two for a ring write linked to a ring fsync (io_uring punts buffered ext4
/// writes to its workers). The loop keeps serving while the fsync runs. When the disk's
/// fsyncs are fast the fsync is made right here instead (`INLINE_FSYNC_MAX`). Without an
/// fsync the write goes through the ring.
fn start_chain(srv: &mut Server) {
    let inline = srv.aof.last_chain_time < srv.aof.inline_fsync_below;
    let Some(c) = srv.aof.chain.as_mut() else {
        return;
    };
    if !c.want_sync {
        submit_chain(srv);
        return;
    }
    write_sync(c);
    if c.error.is_some() {
        chain_done(srv);
        return;
    }
    if inline {
        // Fast fsyncs: block in it here, as Redis does (`INLINE_FSYNC_MAX`).
        // SAFETY: fdatasync of the AOF's own open fd.
        if unsafe { libc::fdatasync(c.fd) } < 0 {
            let errno = std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO);
            c.fsync_error = Some(errno);
        } else {
            c.synced = true;
        }
        chain_done(srv);
        return;
    }
    // The fsync is queued after the write returned: it covers every byte of the chain.
    c.ops += 1;
    srv.ring.fdatasync(c.fd, token(OP_FSYNC, TAG_AOF));
}

/// How long the loop may sleep before `flush` must run again: a chain held back for group
/// commit (`GROUP_WAIT_FRACTION`) is due at the end of its wait.
pub fn wake_in(srv: &Server) -> Option<std::time::Duration> {
    let since = srv.aof.group_since?;
    if srv.aof.chain.is_some() {
        return None;
    }
    Some((since + srv.aof.group_wait_limit()).saturating_duration_since(std::time::Instant::now()))
}

/// `appendfsync everysec`: an fdatasync of what was written, at most once a second, in flight
/// beside the writes (they go on meanwhile, as with Redis's background fsync thread).
fn everysec_fsync(srv: &mut Server) {
    let aof = &mut srv.aof;
    if aof.fsync != Fsync::EverySec
        || aof.bg_fsync.is_some()
        || aof.fd < 0
        || aof.last_incr_fsync_offset == aof.last_incr_size
        || now_s() <= aof.last_fsync_s
    {
        return;
    }
    if aof.child_pid.is_some() && srv.config.get("no-appendfsync-on-rewrite") == Some("yes") {
        return;
    }
    let fd = aof.fd;
    aof.bg_fsync = Some((fd, aof.last_incr_size));
    aof.last_fsync_s = now_s();
    srv.ring
        .fdatasync(fd, token(((fd as usize) << 2) | OP_BGSYNC, TAG_AOF));
}

/// Queues the rest of the chain's data, and its fsync if wanted.
fn submit_chain(srv: &mut Server) {
    let Some(c) = srv.aof.chain.as_mut() else {
        return;
    };
    let rest = &c.data[c.written..];
    if !rest.is_empty() {
        let len = rest.len().min(1 << 30) as u32;
        c.ops += 1;
        // SAFETY: `c.data` is owned by the chain, which is neither modified nor dropped until
        // every operation of the chain has completed (`ops` reaches 0 in `on_completion`).
        unsafe {
            srv.ring.write_file(
                c.fd,
                rest.as_ptr(),
                len,
                token(OP_WRITE, TAG_AOF),
                c.want_sync,
            )
        };
    }
    if c.want_sync {
        c.ops += 1;
        srv.ring.fdatasync(c.fd, token(OP_FSYNC, TAG_AOF));
    }
}

/// Handles the completion of an AOF file operation.
pub fn on_completion(srv: &mut Server, comp: Completion) {
    let (slot, _) = untoken(comp.token);
    let op = slot & 3;
    let res = comp.result;
    if op == OP_BGSYNC {
        let aof = &mut srv.aof;
        if let Some((fd, covered)) = aof.bg_fsync.take() {
            if res < 0 {
                tracing::warn!("Fail to fsync the AOF file: {}", strerror(-res));
                aof.fsync_errno = Some(-res);
            } else {
                aof.fsync_errno = None;
                if fd == aof.fd {
                    aof.last_incr_fsync_offset = covered;
                }
            }
            aof.update_deny();
        }
        return;
    }
    if op == OP_RETIRE {
        let fd = (slot >> 2) as RawFd;
        srv.aof.retiring = srv.aof.retiring.saturating_sub(1);
        if res < 0 {
            tracing::warn!("Fail to fsync the AOF file: {}", strerror(-res));
        }
        // SAFETY: the fd was retired: nothing else uses it and no operation on it is pending.
        unsafe { libc::close(fd) };
        return;
    }
    let aof = &mut srv.aof;
    let Some(c) = aof.chain.as_mut() else {
        return;
    };
    c.ops = c.ops.saturating_sub(1);
    match op {
        OP_WRITE => {
            if res == -libc::EINTR || res == -libc::EAGAIN {
                // Retried below.
            } else if res < 0 {
                c.error = Some(-res);
            } else if res == 0 && c.written < c.data.len() {
                c.error = Some(libc::ENOSPC);
            } else {
                c.written += res as usize;
            }
        }
        _ => {
            if res == -libc::ECANCELED {
                // The write before it failed or was short: the fsync is re-queued.
            } else if res < 0 {
                c.fsync_error = Some(-res);
            } else if c.written == c.data.len() {
                c.synced = true;
            }
        }
    }
    if c.ops > 0 {
        return;
    }
    chain_done(srv);
}

/// Every operation of the chain completed: finish it, or continue it.
fn chain_done(srv: &mut Server) {
    let aof = &mut srv.aof;
    let Some(c) = aof.chain.as_mut() else {
        return;
    };
    if let Some(errno) = c.error {
        let always = aof.fsync == Fsync::Always;
        tracing::warn!("Error writing to the AOF file: {}", strerror(errno));
        if always {
            tracing::warn!(
                "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting..."
            );
            std::process::exit(1);
        }
        aof.last_write_ok = false;
        aof.last_write_errno = errno;
        aof.retry_at_ms = clock::now_ms() + 100;
        // Keep what was not written; it goes first next time.
        let Some(c) = aof.chain.take() else {
            return;
        };
        let rest = c.data[c.written..].to_vec();
        aof.current_size += c.written as u64;
        if c.fd == aof.fd {
            aof.last_incr_size += c.written as u64;
        }
        aof.taken -= rest.len() as u64;
        match aof.queue.front_mut() {
            Some(seg) if seg.fd == c.fd => {
                let mut data = rest;
                data.extend_from_slice(&seg.data);
                seg.data = data;
            }
            _ => aof.queue.push_front(Segment {
                fd: c.fd,
                data: rest,
            }),
        }
        aof.update_deny();
        return;
    }
    if let Some(errno) = c.fsync_error {
        if aof.fsync == Fsync::Always {
            tracing::warn!(
                "Can't persist AOF for fsync error when the AOF fsync policy is 'always': {}. Exiting...",
                strerror(errno)
            );
            std::process::exit(1);
        }
        tracing::warn!("Fail to fsync the AOF file: {}", strerror(errno));
        aof.fsync_errno = Some(errno);
        c.want_sync = false;
    }
    if c.written < c.data.len() || (c.want_sync && !c.synced) {
        // A short write (the linked fsync was cancelled): go on with the rest.
        submit_chain(srv);
        return;
    }
    let Some(mut c) = aof.chain.take() else {
        return;
    };
    let n = c.data.len() as u64;
    aof.current_size += n;
    if c.fd == aof.fd {
        aof.last_incr_size += n;
    }
    if !aof.last_write_ok {
        tracing::warn!("AOF write error looks solved, Redis can write again.");
        aof.last_write_ok = true;
    }
    if c.synced {
        if c.fsync_error.is_none() {
            aof.fsync_errno = None;
        }
        if c.fd == aof.fd {
            aof.last_incr_fsync_offset = aof.last_incr_size;
        }
    }
    if c.synced {
        aof.last_chain_time = c.started.elapsed();
        aof.group_target = aof.last_chain_cmds + aof.pending_cmds;
    }
    if c.synced || !c.want_sync {
        // On disk, or no fsync wanted (no-appendfsync-on-rewrite): held replies may go.
        aof.durable = aof.durable.max(c.end);
    }
    aof.update_deny();
    c.data.clear();
    if c.data.capacity() <= 1 << 20 {
        aof.spare = c.data;
    }
    release_held(srv);
}

/// Sends the replies of held clients that the AOF has caught up with.
fn release_held(srv: &mut Server) {
    if srv.aof.held.is_empty() {
        return;
    }
    let held = std::mem::take(&mut srv.aof.held);
    let mut keep = Vec::new();
    for cid in held {
        let Some(c) = srv.clients.get_mut(cid) else {
            continue;
        };
        if !c.aof_held {
            continue;
        }
        if srv.aof.releasable(c.aof_wait) {
            c.aof_held = false;
            // Queued for sending without raising its mark: `aof_wait` already covers every
            // reply it has (each was marked when written).
            if !c.pending_write {
                c.pending_write = true;
                srv.pending_write.push(cid);
            }
        } else {
            keep.push(cid);
        }
    }
    keep.append(&mut srv.aof.held);
    srv.aof.held = keep;
}

/// Lets every held reply go (the AOF was switched off, or `appendfsync` changed).
fn release_all(srv: &mut Server) {
    srv.aof.durable = srv.aof.appended;
    release_held(srv);
}

/// Before exiting: waits for the write in flight, then writes and fsyncs what is buffered with
/// plain blocking calls (Redis's `flushAppendOnlyFile(1)` + fsync in `prepareForShutdown`).
pub fn flush_on_shutdown(srv: &mut Server) {
    if srv.aof.state == State::Off && srv.aof.idle() {
        return;
    }
    let mut comps = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while (srv.aof.chain.is_some() || srv.aof.retiring > 0 || srv.aof.bg_fsync.is_some())
        && std::time::Instant::now() < deadline
    {
        comps.clear();
        if srv
            .ring
            .submit_and_wait(Some(std::time::Duration::from_millis(100)), &mut comps)
            .is_err()
        {
            break;
        }
        for c in &comps {
            if untoken(c.token).1 == TAG_AOF {
                on_completion(srv, *c);
            }
        }
    }
    tracing::info!("Calling fsync() on the AOF file.");
    for seg in srv.aof.queue.drain(..) {
        if seg.fd < 0 {
            continue;
        }
        use std::io::Write;
        use std::os::fd::FromRawFd;
        // SAFETY: the fd is ours and no ring operation on it is pending any more; the File is
        // turned back into a raw fd below so it is not closed twice.
        let mut f = unsafe { std::fs::File::from_raw_fd(seg.fd) };
        if let Err(e) = f.write_all(&seg.data).and_then(|()| f.sync_data()) {
            tracing::warn!("Error writing to the AOF file: {e}");
        }
        use std::os::fd::IntoRawFd;
        let _ = f.into_raw_fd();
    }
    srv.aof.queue.push_back(Segment {
        fd: srv.aof.fd,
        data: Vec::new(),
    });
}

// ---------------------------------------------------------------------------------------------
// Start-up, CONFIG SET appendonly, rewrites
// ---------------------------------------------------------------------------------------------

/// Start-up, before loading: the settings and the manifest, whatever `appendonly` says (a
/// later BGREWRITEAOF or CONFIG SET appendonly yes continues from it, as Redis does).
pub fn init(srv: &mut Server) -> Result<(), String> {
    srv.aof.configure(&srv.config);
    load::load_manifest(srv)
}

/// Deletes the files the manifest lists as history (Redis's `aofDelHistoryFiles`).
pub fn delete_history(srv: &mut Server) {
    if srv.aof.manifest.history.is_empty() {
        return;
    }
    let dir = srv.aof.dirname.clone();
    for h in std::mem::take(&mut srv.aof.manifest.history) {
        tracing::info!("Removing the history file {} in the background", h.name);
        let _ = crate::persist::unlink::bg_unlink(&dir.join(&h.name));
    }
    let _ = srv.aof.manifest.persist(&dir, &srv.aof.filename);
}

/// Opens the AOF when `appendonly yes` at start-up, after loading (Redis's
/// `aofOpenIfNeededOnServerStart`): a base file is written if there is none and no incr
/// file, the last incr file is opened (or created) and the manifest persisted.
pub fn open_on_start(srv: &mut Server) -> Result<(), String> {
    if srv.config.get("appendonly") != Some("yes") {
        return Ok(());
    }
    srv.aof.configure(&srv.config);
    let dir = srv.aof.dirname.clone();
    let filename = srv.aof.filename.clone();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return Err(format!(
            "Can't open or create append-only dir {}: {e}",
            dir.display()
        ));
    }
    let had_incr = !srv.aof.manifest.incr.is_empty();
    if srv.aof.manifest.base.is_none() && !had_incr {
        let preamble = srv.config.get("aof-use-rdb-preamble") == Some("yes");
        let base = srv.aof.manifest.new_base(&filename, preamble);
        let opts = rewrite::rdb_options(srv);
        let timestamps = srv.config.get("aof-timestamp-enabled") == Some("yes");
        rewrite::write_base_file(&srv.dbs, preamble, timestamps, &opts, &dir.join(&base))
            .map_err(|e| format!("Can't write the AOF base file {base}: {e}"))?;
        tracing::info!("Creating AOF base file {base} on server start");
        srv.aof.base_size = file_size(&dir.join(&base));
        srv.aof.current_size = srv.aof.base_size;
    }
    let name = srv.aof.manifest.last_incr(&filename);
    let path = dir.join(&name);
    let fd = open_append(&path, false)
        .map_err(|e| format!("Can't open the append-only file {name}: {e}"))?;
    srv.aof
        .manifest
        .persist(&dir, &filename)
        .map_err(|e| format!("Can't persist the AOF manifest: {e}"))?;
    srv.aof.switch_fd(fd);
    srv.aof.last_incr_size = file_size(&path);
    srv.aof.last_incr_fsync_offset = srv.aof.last_incr_size;
    srv.aof.state = State::On;
    srv.propagation.aof = true;
    if had_incr {
        tracing::info!("Opening AOF incr file {name} on server start");
    } else {
        tracing::info!("Creating AOF incr file {name} on server start");
    }
    Ok(())
}

/// Applies CONFIG SET changes: `appendonly` (start/stop), `appendfsync`.
pub fn config_changed(srv: &mut Server, old: &crate::config::Config) -> Result<(), String> {
    let was_always = srv.aof.fsync == Fsync::Always;
    srv.aof.configure(&srv.config);
    if was_always && srv.aof.fsync != Fsync::Always {
        release_all(srv);
    }
    let on = srv.config.get("appendonly") == Some("yes");
    let was = old.get("appendonly") == Some("yes");
    if on && !was && srv.aof.state == State::Off {
        start(srv).map_err(|_| "Unable to turn on AOF. Check server logs.".to_string())?;
    } else if !on && was && srv.aof.state != State::Off {
        stop(srv);
    }
    Ok(())
}

/// `appendonly no` at run time (Redis's `stopAppendOnly`).
pub fn stop(srv: &mut Server) {
    kill_child(srv);
    srv.aof.state = State::Off;
    srv.propagation.aof = false;
    srv.aof.rewrite_scheduled = false;
    // What is buffered is still written; the file is fsynced and closed once drained.
    srv.aof.switch_fd(-1);
    srv.aof.last_incr_size = 0;
    srv.aof.last_incr_fsync_offset = 0;
    srv.aof.update_deny();
    release_all(srv);
    flush(srv);
}

/// `appendonly yes` at run time (Redis's `startAppendOnly`): append to a temporary incr file
/// and rewrite; the AOF is on once the rewrite is done.
pub fn start(srv: &mut Server) -> Result<(), Failed> {
    srv.aof.state = State::WaitRewrite;
    srv.propagation.aof = true;
    if other_child_active(srv) {
        srv.aof.rewrite_scheduled = true;
        tracing::warn!(
            "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible."
        );
    } else if srv.exec_depth > 0 {
        srv.aof.rewrite_scheduled = true;
        tracing::warn!(
            "AOF was enabled during a transaction. An AOF background was scheduled to start when possible."
        );
    } else {
        kill_child(srv);
        if start_rewrite(srv).is_err() {
            srv.aof.state = State::Off;
            srv.propagation.aof = false;
            tracing::warn!(
                "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error."
            );
            return Err(Failed);
        }
    }
    srv.aof.last_fsync_s = now_s();
    if !srv.aof.last_write_ok || srv.aof.fsync_errno.is_some() {
        tracing::warn!("AOF reopen, just ignore the last error.");
        srv.aof.last_write_ok = true;
        srv.aof.fsync_errno = None;
    }
    srv.aof.update_deny();
    Ok(())
}

/// Opens the file the parent appends to while a rewrite runs (Redis's
/// `openNewIncrAofForAppend`).
fn open_new_incr(srv: &mut Server) -> Result<(), Failed> {
    let aof = &mut srv.aof;
    if aof.state == State::Off {
        return Ok(());
    }
    let dir = aof.dirname.clone();
    let (name, temp_am) = if aof.state == State::WaitRewrite {
        (manifest::temp_incr_name(&aof.filename), None)
    } else {
        let mut am = aof.manifest.clone();
        let n = am.new_incr(&aof.filename);
        (n, Some(am))
    };
    let fd = match open_append(&dir.join(&name), true) {
        Ok(fd) => fd,
        Err(e) => {
            tracing::warn!("Can't open the append-only file {name}: {e}");
            return Err(Failed);
        }
    };
    if let Some(am) = &temp_am
        && am.persist(&dir, &aof.filename).is_err()
    {
        // SAFETY: closing the fd we just opened, unused.
        unsafe { libc::close(fd) };
        return Err(Failed);
    }
    tracing::info!("Creating AOF incr file {name} on background rewrite");
    aof.switch_fd(fd);
    if let Some(am) = temp_am {
        aof.manifest = am;
    }
    Ok(())
}

/// Whether a child other than an AOF rewrite runs (a BGSAVE).
fn other_child_active(srv: &Server) -> bool {
    srv.children.has_active() && srv.children.active_kind() != Some(ChildKind::Aof)
}

/// The temp file a rewrite child writes, in the working directory.
fn temp_rewrite_name(pid: i32) -> String {
    format!("temp-rewriteaof-bg-{pid}.aof")
}

/// Stops a running rewrite child (Redis's `killAppendOnlyChild`).
pub fn kill_child(srv: &mut Server) {
    if srv.children.active_kind() != Some(ChildKind::Aof) {
        return;
    }
    if let Some(pid) = srv.children.active_pid() {
        tracing::info!("Killing running AOF rewrite child: {pid}");
        srv.children.kill();
        let _ = crate::persist::unlink::bg_unlink(Path::new(&temp_rewrite_name(pid)));
    }
    srv.aof.child_pid = None;
    srv.aof.rewrite_time_start = -1;
}

/// Starts a background rewrite (Redis's `rewriteAppendOnlyFileBackground`): the parent
/// switches to a new incr file, a forked child writes the new base into a temp file.
pub fn start_rewrite(srv: &mut Server) -> Result<(), Failed> {
    if srv.children.has_active() {
        return Err(Failed);
    }
    let dir = srv.aof.dirname.clone();
    if let Err(e) = std::fs::create_dir_all(&dir) {
        tracing::warn!(
            "Can't open or create append-only dir {}: {e}",
            dir.display()
        );
        srv.aof.last_bgrewrite_ok = false;
        return Err(Failed);
    }
    if open_new_incr(srv).is_err() {
        srv.aof.last_bgrewrite_ok = false;
        return Err(Failed);
    }
    srv.aof.rewrites += 1;
    let preamble = srv.config.get("aof-use-rdb-preamble") == Some("yes");
    let timestamps = srv.config.get("aof-timestamp-enabled") == Some("yes");
    let opts = rewrite::rdb_options(srv);
    let keys: u64 = srv.dbs.iter().map(|d| d.len() as u64).sum();
    let dbs = &srv.dbs;
    let forked = srv.children.fork(ChildKind::Aof, keys, move |_rep| {
        let tmp = PathBuf::from(temp_rewrite_name(std::process::id() as i32));
        let r = (|| -> std::io::Result<u64> {
            let f = std::fs::File::create(&tmp)?;
            let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
            rewrite::write_base(dbs, preamble, timestamps, &opts, &mut w)?;
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
            Ok(f.metadata()?.len())
        })();
        match r {
            Ok(n) => {
                tracing::info!(
                    "Successfully created the temporary AOF base file {}",
                    tmp.display()
                );
                Ok(n)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(format!("Write error writing append only file on disk: {e}"))
            }
        }
    });
    match forked {
        Ok(pid) => {
            tracing::info!("Background append only file rewriting started by pid {pid}");
            srv.aof.rewrite_scheduled = false;
            srv.aof.rewrite_time_start = now_s();
            srv.aof.child_pid = Some(pid);
            Ok(())
        }
        Err(e) => {
            srv.aof.last_bgrewrite_ok = false;
            tracing::warn!("Can't rewrite append only file in background: fork: {e}");
            Err(Failed)
        }
    }
}

/// The rewrite child ended (Redis's `backgroundRewriteDoneHandler`): on success the new base
/// (and, when AOF was being switched on, the temp incr file) are renamed into place, the
/// rewritten files become history and are deleted, and the manifest is switched atomically.
pub fn rewrite_done(srv: &mut Server, done: &ChildDone) {
    let tmp = temp_rewrite_name(done.pid);
    match done.status {
        ChildStatus::Ok => {
            tracing::info!("Background AOF rewrite terminated with success");
            if install_rewrite(srv, &tmp, done).is_err() {
                srv.aof.last_bgrewrite_ok = false;
                srv.aof.consecutive_failures += 1;
            }
        }
        ChildStatus::Failed(_) => {
            srv.aof.last_bgrewrite_ok = false;
            srv.aof.consecutive_failures += 1;
            tracing::warn!("Background AOF rewrite terminated with error");
        }
        ChildStatus::Signaled(sig) => {
            srv.aof.last_bgrewrite_ok = false;
            srv.aof.consecutive_failures += 1;
            tracing::warn!("Background AOF rewrite terminated by signal {sig}");
        }
        ChildStatus::Killed => {
            tracing::warn!(
                "Background AOF rewrite terminated by signal {}",
                libc::SIGUSR1
            );
        }
    }
    let _ = crate::persist::unlink::bg_unlink(Path::new(&tmp));
    if srv.aof.state == State::WaitRewrite {
        // The rewrite failed: what was appended meanwhile is useless without its base.
        // Start over with a fresh temp incr file at the next attempt.
        let temp = srv
            .aof
            .dirname
            .join(manifest::temp_incr_name(&srv.aof.filename));
        tracing::info!(
            "Removing the temp incr aof file {} in the background",
            manifest::temp_incr_name(&srv.aof.filename)
        );
        let _ = crate::persist::unlink::bg_unlink(&temp);
        srv.aof.rewrite_scheduled = true;
    }
    srv.aof.rewrite_time_last = now_s() - srv.aof.rewrite_time_start;
    srv.aof.rewrite_time_start = -1;
    srv.aof.child_pid = None;
}

fn install_rewrite(srv: &mut Server, tmp: &str, done: &ChildDone) -> Result<(), Failed> {
    let dir = srv.aof.dirname.clone();
    let filename = srv.aof.filename.clone();
    let preamble = srv.config.get("aof-use-rdb-preamble") == Some("yes");
    let mut am = srv.aof.manifest.clone();
    let base = am.new_base(&filename, preamble);
    let base_path = dir.join(&base);
    if let Err(e) = std::fs::rename(tmp, &base_path) {
        tracing::warn!(
            "Error trying to rename the temporary AOF base file {tmp} into {}: {e}",
            base_path.display()
        );
        return Err(Failed);
    }
    tracing::info!("Successfully renamed the temporary AOF base file {tmp} into {base}");
    let mut new_incr_path = None;
    if srv.aof.state == State::WaitRewrite {
        let temp_name = manifest::temp_incr_name(&filename);
        let incr = am.new_incr(&filename);
        let path = dir.join(&incr);
        if let Err(e) = std::fs::rename(dir.join(&temp_name), &path) {
            tracing::warn!(
                "Error trying to rename the temporary AOF incr file {} into {}: {e}",
                dir.join(&temp_name).display(),
                path.display()
            );
            let _ = std::fs::remove_file(&base_path);
            return Err(Failed);
        }
        tracing::info!("Successfully renamed the temporary AOF incr file {temp_name} into {incr}");
        new_incr_path = Some(path);
    }
    am.mark_rewritten_incr_as_history(srv.aof.fd >= 0);
    if am.persist(&dir, &filename).is_err() {
        let _ = std::fs::remove_file(&base_path);
        if let Some(p) = new_incr_path {
            let _ = std::fs::remove_file(p);
        }
        return Err(Failed);
    }
    srv.aof.manifest = am;
    if srv.aof.state != State::Off {
        srv.aof.current_size = file_size(&base_path) + srv.aof.last_incr_size;
        srv.aof.base_size = srv.aof.current_size;
    }
    delete_history(srv);
    srv.aof.last_bgrewrite_ok = true;
    srv.aof.consecutive_failures = 0;
    srv.aof.last_cow_size = done.cow_size;
    tracing::info!("Background AOF rewrite finished successfully");
    if srv.aof.state == State::WaitRewrite {
        srv.aof.state = State::On;
    }
    Ok(())
}

/// INFO persistence `aof_*` fields, in Redis's order (`module_fork_*` included).
pub fn info_fields(srv: &Server, s: &mut String) {
    let aof = &srv.aof;
    let now = now_s();
    let mut f = |k: &str, v: String| {
        s.push_str(k);
        s.push(':');
        s.push_str(&v);
        s.push_str("\r\n");
    };
    let ok = |b: bool| if b { "ok" } else { "err" }.to_string();
    f("aof_enabled", u8::from(aof.state != State::Off).to_string());
    f(
        "aof_rewrite_in_progress",
        u8::from(aof.child_pid.is_some()).to_string(),
    );
    f(
        "aof_rewrite_scheduled",
        u8::from(aof.rewrite_scheduled).to_string(),
    );
    f(
        "aof_last_rewrite_time_sec",
        aof.rewrite_time_last.to_string(),
    );
    f(
        "aof_current_rewrite_time_sec",
        if aof.rewrite_time_start == -1 {
            -1
        } else {
            now - aof.rewrite_time_start
        }
        .to_string(),
    );
    f("aof_last_bgrewrite_status", ok(aof.last_bgrewrite_ok));
    f("aof_rewrites", aof.rewrites.to_string());
    f(
        "aof_rewrites_consecutive_failures",
        aof.consecutive_failures.to_string(),
    );
    f(
        "aof_last_write_status",
        ok(aof.last_write_ok && aof.fsync_errno.is_none()),
    );
    f("aof_last_cow_size", aof.last_cow_size.to_string());
    f("module_fork_in_progress", "0".into());
    f("module_fork_last_cow_size", "0".into());
    if aof.state != State::Off {
        f("aof_current_size", aof.current_size.to_string());
        f("aof_base_size", aof.base_size.to_string());
        f(
            "aof_pending_rewrite",
            u8::from(aof.rewrite_scheduled).to_string(),
        );
        f("aof_buffer_length", aof.buffered().to_string());
        let bio = aof.bg_fsync.is_some();
        f("aof_pending_bio_fsync", u8::from(bio).to_string());
        f("aof_delayed_fsync", aof.delayed_fsync.to_string());
    }
}

/// Whether automatic or scheduled rewrites wait after 3 consecutive failures: 1 minute, then
/// 2, 4 ... up to an hour (Redis's `aofRewriteLimited`). BGREWRITEAOF is not limited.
fn rewrite_limited(aof: &mut Aof) -> bool {
    if aof.consecutive_failures < 3 {
        aof.limit_delay_min = 0;
        aof.limit_next_s = 0;
        return false;
    }
    let now = now_s();
    if aof.limit_next_s != 0 {
        if now < aof.limit_next_s {
            return true;
        }
        aof.limit_next_s = 0;
        return false;
    }
    aof.limit_delay_min = if aof.limit_delay_min == 0 {
        1
    } else {
        (aof.limit_delay_min * 2).min(60)
    };
    aof.limit_next_s = now + aof.limit_delay_min * 60;
    tracing::warn!(
        "Background AOF rewrite has repeatedly failed and triggered the limit, will retry in {} minutes",
        aof.limit_delay_min
    );
    true
}

/// Periodic AOF work (from the cron): retry after a write error, the everysec fsync, a
/// scheduled or automatic rewrite.
pub fn cron(srv: &mut Server) {
    if srv.aof.state == State::Off {
        flush(srv);
        return;
    }
    flush(srv);
    if srv.aof.child_pid.is_none() && !other_child_active(srv) {
        if srv.aof.rewrite_scheduled {
            if !rewrite_limited(&mut srv.aof) {
                let _ = start_rewrite(srv);
            }
        } else if srv.aof.state == State::On {
            let perc: u64 = srv
                .config
                .get("auto-aof-rewrite-percentage")
                .and_then(|v| v.parse().ok())
                .unwrap_or(100);
            let min: u64 = srv
                .config
                .get("auto-aof-rewrite-min-size")
                .and_then(|v| v.parse().ok())
                .unwrap_or(64 << 20);
            let base = srv.aof.base_size.max(1);
            if perc > 0 && srv.aof.current_size > min {
                let growth = (srv.aof.current_size * 100 / base).saturating_sub(100);
                if growth >= perc && !rewrite_limited(&mut srv.aof) {
                    tracing::info!("Starting automatic rewriting of AOF on {growth}% growth");
                    let _ = start_rewrite(srv);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::runtime::Ring;

    fn server_with_always_aof(path: &Path) -> Server {
        let ring = Ring::new(8).expect("io_uring ring");
        let mut srv = Server::new(Config::default(), ring);
        srv.config.set("appendfsync", "always").expect("config");
        srv.aof.configure(&srv.config);
        let fd = open_append(path, true).expect("open the test AOF");
        srv.aof.switch_fd(fd);
        srv.aof.state = State::On;
        srv
    }

    fn set(srv: &mut Server, k: &str) -> u64 {
        let argv = [
            Bytes::from_static(b"SET"),
            Bytes::from(k.to_string()),
            Bytes::from("v"),
        ];
        srv.aof.feed(0, &argv);
        srv.aof.hold_mark()
    }

    /// Reaps ring completions until the AOF chain in flight has completed.
    fn complete_chain(srv: &mut Server) {
        let mut comps = Vec::new();
        while srv.aof.chain.is_some() {
            comps.clear();
            srv.ring
                .submit_and_wait(Some(std::time::Duration::from_secs(5)), &mut comps)
                .expect("ring");
            for c in &comps {
                assert_eq!(untoken(c.token).1, TAG_AOF);
                on_completion(srv, *c);
            }
        }
    }

    /// The reply of a write is releasable only once an fsync queued after the write of its
    /// record has completed, never because the record was merely written: checked on the
    /// offsets, not on timing.
    #[test]
    fn replies_wait_for_the_fsync_that_covers_their_record() {
        let dir = std::env::temp_dir().join(format!("uredis-aof-order-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.aof");
        let mut srv = server_with_always_aof(&path);
        // A disk whose fsyncs are slow: they go through the ring.
        srv.aof.inline_fsync_below = std::time::Duration::ZERO;

        let a = set(&mut srv, "a");
        assert!(a > 0 && !srv.aof.releasable(a));
        flush(&mut srv);
        // Written (the loop's write(2)), fsync queued but not even submitted: still held.
        let on_disk = std::fs::read(&path).unwrap();
        assert!(on_disk.ends_with(b"$1\r\na\r\n$1\r\nv\r\n"), "{on_disk:?}");
        assert!(srv.aof.chain.is_some());
        assert!(!srv.aof.releasable(a));

        // A record appended while that fsync is in flight is not covered by it.
        let b = set(&mut srv, "b");
        flush(&mut srv); // one chain at a time: b waits
        assert_eq!(srv.aof.chain.as_ref().map(|c| c.end), Some(a));
        complete_chain(&mut srv);
        assert!(srv.aof.releasable(a));
        assert!(!srv.aof.releasable(b));
        // The next chain waits for every writer: the one released and the one pending.
        assert_eq!(srv.aof.group_target, 2);

        flush(&mut srv);
        assert!(srv.aof.chain.is_none(), "held back for the released writer");
        let c = set(&mut srv, "c");
        flush(&mut srv);
        assert_eq!(srv.aof.chain.as_ref().map(|ch| ch.end), Some(c));
        assert!(!srv.aof.releasable(b));
        complete_chain(&mut srv);
        assert!(srv.aof.releasable(b) && srv.aof.releasable(c));
        let on_disk = std::fs::read(&path).unwrap();
        assert!(
            on_disk.ends_with(b"$1\r\nb\r\n$1\r\nv\r\n*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\nv\r\n")
        );
        assert_eq!(srv.aof.last_incr_size, on_disk.len() as u64);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn fast_fsyncs_are_made_on_the_loop_before_replies_go() {
        let dir = std::env::temp_dir().join(format!("uredis-aof-inline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.aof");
        let mut srv = server_with_always_aof(&path);
        // The last chain was fast (the start-up state): the next fsync is made inline.
        assert!(srv.aof.last_chain_time < srv.aof.inline_fsync_below);
        let a = set(&mut srv, "a");
        assert!(!srv.aof.releasable(a));
        flush(&mut srv);
        assert!(
            srv.aof.chain.is_none(),
            "written and synced in flush itself"
        );
        assert!(srv.aof.releasable(a));
        let on_disk = std::fs::read(&path).unwrap();
        assert!(on_disk.ends_with(b"$1\r\na\r\n$1\r\nv\r\n"), "{on_disk:?}");
        assert_eq!(srv.aof.last_incr_fsync_offset, on_disk.len() as u64);
        // A chain that took long (a slow disk) sends the next fsync through the ring.
        srv.aof.last_chain_time = INLINE_FSYNC_MAX;
        srv.aof.group_target = 0;
        let b = set(&mut srv, "b");
        flush(&mut srv);
        assert_eq!(srv.aof.chain.as_ref().map(|c| c.end), Some(b));
        assert!(!srv.aof.releasable(b));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
