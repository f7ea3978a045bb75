//! The completion loop's engine: one io_uring, set up with the flags that measure fastest here,
//! and a narrow interface to queue operations and reap their completions.
//!
//! Why not tokio-uring (named by the design card): measured on these machines it costs 15–25%
//! more CPU per request than this loop with the same ring flags, waits through epoll (so
//! `DEFER_TASKRUN` stalls), has no multishot or buffer rings, and is unmaintained. See
//! `../shared/IO_URING_NOTES.md` and the README's benchmark section.
//!
//! Every operation carries a `u64` token, `(slot << 8) | tag`, chosen by the caller: no future,
//! no allocation, no callback per I/O. Buffers are owned by the caller and must stay valid and
//! unmoved until the operation's completion has been reaped; the `unsafe` entry points say so.
//!
//! Multishot receives take their memory from one provided-buffer ring (`BufRing`, group
//! `BUF_GROUP`) owned here: a completion names the buffer the kernel filled (`Completion::buf`);
//! the caller copies the bytes out and hands the buffer back with `recycle` before the next
//! `submit_and_wait`. So an idle connection holds no receive buffer, and an armed multishot
//! receive costs no SQE per read.

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use io_uring::{IoUring, cqueue, opcode, squeue, types};

pub mod monotonic;

/// Packs a slot index and an operation tag into a completion token.
#[inline]
pub fn token(slot: usize, tag: u8) -> u64 {
    ((slot as u64) << 8) | tag as u64
}

/// Splits a completion token into (slot, tag).
#[inline]
pub fn untoken(t: u64) -> (usize, u8) {
    ((t >> 8) as usize, (t & 0xff) as u8)
}

/// One reaped completion.
#[derive(Debug, Clone, Copy)]
pub struct Completion {
    pub token: u64,
    pub result: i32,
    /// Whether a multishot operation stays armed after this completion.
    pub more: bool,
    /// The provided buffer (id in `BUF_GROUP`) a multishot receive filled, to be read with
    /// `Ring::provided` and returned with `Ring::recycle`.
    pub buf: Option<u16>,
}

/// The buffer group of the ring's provided-buffer ring.
pub const BUF_GROUP: u16 = 0;
/// Buffers in the provided-buffer ring (a power of two).
const BUF_COUNT: u16 = 256;
/// Size of one provided buffer: at most this much arrives per multishot completion (Redis's
/// PROTO_IOBUF_LEN, as a single receive).
pub const BUF_SIZE: usize = 16 * 1024;

/// The provided-buffer ring: `BUF_COUNT` entries in a page-aligned mapping shared with the
/// kernel, and the buffers themselves in a second mapping (pages are only backed once used).
struct BufRing {
    entries: *mut types::BufRingEntry,
    bufs: *mut u8,
    /// Our copy of the ring's tail (entries published to the kernel).
    tail: u16,
}

impl BufRing {
    fn map(bytes: usize) -> io::Result<*mut u8> {
        // SAFETY: a fresh private anonymous mapping; checked for failure below.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(p.cast())
    }

    /// Maps the ring and its buffers, registers them as `BUF_GROUP` and provides every buffer.
    fn new(ring: &IoUring) -> io::Result<BufRing> {
        let ring_bytes = BUF_COUNT as usize * std::mem::size_of::<types::BufRingEntry>();
        let entries = Self::map(ring_bytes)?.cast::<types::BufRingEntry>();
        let bufs = match Self::map(BUF_COUNT as usize * BUF_SIZE) {
            Ok(b) => b,
            Err(e) => {
                // SAFETY: unmapping the mapping made just above, not shared with anyone.
                unsafe { libc::munmap(entries.cast(), ring_bytes) };
                return Err(e);
            }
        };
        // SAFETY: `entries` is a page-aligned mapping of `BUF_COUNT` entries that lives as
        // long as the ring (never unmapped: the ring lives until the process exits).
        if let Err(e) = unsafe {
            ring.submitter()
                .register_buf_ring_with_flags(entries as u64, BUF_COUNT, BUF_GROUP, 0)
        } {
            // SAFETY: both mappings were made above and the kernel did not take them.
            unsafe {
                libc::munmap(entries.cast(), ring_bytes);
                libc::munmap(bufs.cast(), BUF_COUNT as usize * BUF_SIZE);
            }
            return Err(e);
        }
        let mut r = BufRing {
            entries,
            bufs,
            tail: 0,
        };
        for bid in 0..BUF_COUNT {
            r.push(bid);
        }
        r.publish();
        Ok(r)
    }

    /// Writes buffer `bid` into the next free entry (not yet visible to the kernel).
    #[inline]
    fn push(&mut self, bid: u16) {
        let i = (self.tail & (BUF_COUNT - 1)) as usize;
        // SAFETY: `i` < BUF_COUNT, inside the entry mapping; the kernel only reads entries
        // between its head and the published tail, and this one is past the tail.
        unsafe {
            let e = &mut *self.entries.add(i);
            e.set_addr(self.bufs.add(bid as usize * BUF_SIZE) as u64);
            e.set_len(BUF_SIZE as u32);
            e.set_bid(bid);
        }
        self.tail = self.tail.wrapping_add(1);
    }

    /// Makes the entries pushed so far visible to the kernel.
    #[inline]
    fn publish(&mut self) {
        // SAFETY: the tail field lies inside the first entry of the page-aligned mapping;
        // the release store orders the entries' writes before it, as liburing does.
        unsafe {
            let tail =
                types::BufRingEntry::tail(self.entries) as *const std::sync::atomic::AtomicU16;
            (*tail).store(self.tail, std::sync::atomic::Ordering::Release);
        }
    }
}

/// Why io_uring could not be set up, with the remedy a user needs.
#[derive(Debug)]
pub struct SetupError(pub String);

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub struct Ring {
    ring: IoUring,
    /// The provided buffers of multishot receives; None when the kernel refused the ring
    /// (then `recv_multi` is unavailable and receives are single-shot).
    bufs: Option<BufRing>,
    /// Human-readable description of the set-up, for the start-up banner and INFO.
    pub description: String,
}

impl Ring {
    /// Creates the ring, trying the fastest flag set first and falling back for older kernels.
    pub fn new(entries: u32) -> Result<Ring, SetupError> {
        type Setup = fn(&mut io_uring::Builder);
        let attempts: [(&str, Setup); 3] = [
            (
                "COOP_TASKRUN|TASKRUN_FLAG|SINGLE_ISSUER|DEFER_TASKRUN|SUBMIT_ALL",
                |b| {
                    b.setup_coop_taskrun()
                        .setup_taskrun_flag()
                        .setup_single_issuer()
                        .setup_defer_taskrun()
                        .setup_submit_all();
                },
            ),
            ("COOP_TASKRUN|TASKRUN_FLAG|SUBMIT_ALL", |b| {
                b.setup_coop_taskrun()
                    .setup_taskrun_flag()
                    .setup_submit_all();
            }),
            ("default flags", |_| {}),
        ];
        let mut last_err = None;
        for (name, setup) in attempts {
            let mut builder = IoUring::builder();
            setup(&mut builder);
            builder.setup_cqsize(entries * 4);
            match builder.build(entries) {
                Ok(ring) => {
                    let registered = ring.submitter().register_ring_fd().is_ok();
                    if !ring.params().is_feature_ext_arg() {
                        return Err(SetupError(
                            "io_uring is available but lacks IORING_FEAT_EXT_ARG (Linux 5.11+): \
                             upgrade the kernel to 6.1 or later"
                                .into(),
                        ));
                    }
                    let bufs = BufRing::new(&ring).ok();
                    let description = format!(
                        "io_uring {entries} entries, {name}{}{}",
                        if registered {
                            ", registered ring fd"
                        } else {
                            ""
                        },
                        if bufs.is_some() {
                            ", multishot recv"
                        } else {
                            ""
                        }
                    );
                    return Ok(Ring {
                        ring,
                        bufs,
                        description,
                    });
                }
                Err(e) => last_err = Some(e),
            }
        }
        Err(explain(last_err.unwrap_or_else(|| {
            io::Error::from_raw_os_error(libc::ENOSYS)
        })))
    }

    #[inline]
    fn push(&mut self, sqe: squeue::Entry) {
        // SAFETY: every entry built by this module points only at memory the caller promised
        // to keep valid until completion (see the `unsafe fn`s below), or at nothing.
        unsafe {
            if self.ring.submission().push(&sqe).is_err() {
                // Queue full: hand what we have to the kernel and retry once there is room.
                let _ = self.ring.submit();
                while self.ring.submission().push(&sqe).is_err() {
                    let _ = self.ring.submit();
                }
            }
        }
    }

    /// Arms a multishot accept on a listening socket.
    pub fn accept_multi(&mut self, fd: RawFd, token: u64) {
        let sqe = opcode::AcceptMulti::new(types::Fd(fd))
            .flags(libc::SOCK_CLOEXEC)
            .build()
            .user_data(token);
        self.push(sqe);
    }

    /// Queues a receive into `len` bytes at `buf`.
    ///
    /// # Safety
    /// `buf..buf+len` must stay valid, writable and untouched until the completion is reaped.
    pub unsafe fn recv(&mut self, fd: RawFd, buf: *mut u8, len: u32, token: u64) {
        let sqe = opcode::Recv::new(types::Fd(fd), buf, len)
            .build()
            .user_data(token);
        self.push(sqe);
    }

    /// Whether multishot receives with provided buffers are available.
    pub fn has_recv_multi(&self) -> bool {
        self.bufs.is_some()
    }

    /// Arms a multishot receive on `fd`: every arrival of data completes with `more` set and
    /// `buf` naming the provided buffer holding it, until it ends (a completion without
    /// `more`: EOF, an error, `ENOBUFS` when no buffer was free, or `cancel`).
    pub fn recv_multi(&mut self, fd: RawFd, token: u64) {
        let sqe = opcode::RecvMulti::new(types::Fd(fd), BUF_GROUP)
            .build()
            .user_data(token);
        self.push(sqe);
    }

    /// The `len` bytes a multishot receive put in provided buffer `bid`. Valid until the
    /// buffer is handed back with `recycle`.
    pub fn provided(&self, bid: u16, len: usize) -> &[u8] {
        match &self.bufs {
            Some(b) if bid < BUF_COUNT => {
                // SAFETY: buffer `bid` lies inside the buffer mapping; the kernel wrote `len`
                // (at most BUF_SIZE) bytes into it and does not touch it again until it is
                // recycled, which needs `&mut self`.
                unsafe {
                    std::slice::from_raw_parts(
                        b.bufs.add(bid as usize * BUF_SIZE),
                        len.min(BUF_SIZE),
                    )
                }
            }
            _ => &[],
        }
    }

    /// Hands provided buffer `bid` back to the kernel.
    pub fn recycle(&mut self, bid: u16) {
        if let Some(b) = self.bufs.as_mut()
            && bid < BUF_COUNT
        {
            b.push(bid);
            b.publish();
        }
    }

    /// Asks the kernel to cancel the operation carrying `target` (a multishot receive ends
    /// with `-ECANCELED`). The cancel's own completion carries `token`.
    pub fn cancel(&mut self, target: u64, token: u64) {
        let sqe = opcode::AsyncCancel::new(target).build().user_data(token);
        self.push(sqe);
    }

    /// Queues a send of `len` bytes at `buf`.
    ///
    /// # Safety
    /// `buf..buf+len` must stay valid and unmodified until the completion is reaped.
    pub unsafe fn send(&mut self, fd: RawFd, buf: *const u8, len: u32, token: u64) {
        let sqe = opcode::Send::new(types::Fd(fd), buf, len)
            .flags(libc::MSG_NOSIGNAL)
            .build()
            .user_data(token);
        self.push(sqe);
    }

    /// Queues a `sendmsg` of the iovecs `msg` describes (`MSG_NOSIGNAL`).
    ///
    /// # Safety
    /// `msg`, its iovec array and every buffer it points to must stay valid and unmodified
    /// until the completion for `token` has been reaped.
    pub unsafe fn sendmsg(&mut self, fd: RawFd, msg: *const libc::msghdr, token: u64) {
        let sqe = opcode::SendMsg::new(types::Fd(fd), msg)
            .flags(libc::MSG_NOSIGNAL as u32)
            .build()
            .user_data(token);
        self.push(sqe);
    }

    /// Queues a write of `len` bytes at `buf` to a file at its current position (appends on an
    /// `O_APPEND` file). With `link`, the next queued operation starts only once this one has
    /// completed in full (`IOSQE_IO_LINK`: an error or short write cancels it).
    ///
    /// # Safety
    /// `buf..buf+len` must stay valid and unmodified until the completion is reaped.
    pub unsafe fn write_file(
        &mut self,
        fd: RawFd,
        buf: *const u8,
        len: u32,
        token: u64,
        link: bool,
    ) {
        let mut sqe = opcode::Write::new(types::Fd(fd), buf, len)
            .offset(u64::MAX)
            .build()
            .user_data(token);
        if link {
            sqe = sqe.flags(squeue::Flags::IO_LINK);
        }
        self.push(sqe);
    }

    /// Queues a `connect` of socket `fd` to the address at `addr` (`len` bytes).
    ///
    /// # Safety
    /// `addr..addr+len` must stay valid and unmodified until the completion is reaped.
    pub unsafe fn connect(&mut self, fd: RawFd, addr: *const libc::sockaddr, len: u32, token: u64) {
        let sqe = opcode::Connect::new(types::Fd(fd), addr, len)
            .build()
            .user_data(token);
        self.push(sqe);
    }

    /// Queues an `fdatasync` of `fd`.
    pub fn fdatasync(&mut self, fd: RawFd, token: u64) {
        let sqe = opcode::Fsync::new(types::Fd(fd))
            .flags(types::FsyncFlags::DATASYNC)
            .build()
            .user_data(token);
        self.push(sqe);
    }

    /// Submits everything queued and waits for at least one completion or the timeout, in one
    /// `io_uring_enter`. Then collects all available completions.
    pub fn submit_and_wait(
        &mut self,
        timeout: Option<Duration>,
        out: &mut Vec<Completion>,
    ) -> io::Result<()> {
        let ready = !self.ring.completion().is_empty();
        let res = if ready {
            self.ring.submit()
        } else if let Some(t) = timeout {
            let ts = types::Timespec::new()
                .sec(t.as_secs())
                .nsec(t.subsec_nanos());
            let args = types::SubmitArgs::new().timespec(&ts);
            self.ring.submitter().submit_with_args(1, &args)
        } else {
            self.ring.submit_and_wait(1)
        };
        match res {
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::ETIME | libc::EINTR | libc::EBUSY)
                ) => {}
            Err(e) => return Err(e),
        }
        for cqe in self.ring.completion() {
            out.push(Completion {
                token: cqe.user_data(),
                result: cqe.result(),
                more: cqueue::more(cqe.flags()),
                buf: cqueue::buffer_select(cqe.flags()),
            });
        }
        Ok(())
    }
}

/// Turns a ring set-up failure into a message that says why and what to do.
fn explain(e: io::Error) -> SetupError {
    let disabled = std::fs::read_to_string("/proc/sys/kernel/io_uring_disabled")
        .ok()
        .and_then(|s| s.trim().parse::<i32>().ok())
        .unwrap_or(0);
    let msg = match e.raw_os_error() {
        Some(libc::ENOSYS) => format!(
            "io_uring_setup failed ({e}): this kernel has no io_uring (Linux 5.11+ required, \
             6.1+ recommended), or a seccomp filter blocks it. In Docker, the default seccomp \
             profile blocks io_uring: run with --security-opt seccomp=unconfined (or a profile \
             that allows io_uring_setup, io_uring_enter and io_uring_register)."
        ),
        Some(libc::EPERM) if disabled != 0 => format!(
            "io_uring_setup failed ({e}): io_uring is disabled by the sysctl \
             kernel.io_uring_disabled={disabled}. Enable it with \
             `sysctl -w kernel.io_uring_disabled=0` (or, for value 1, add this user to the \
             group named in kernel.io_uring_group)."
        ),
        Some(libc::EPERM) => format!(
            "io_uring_setup failed ({e}): the call was refused, most likely by a seccomp filter \
             (Docker's and Kubernetes' default profiles block io_uring). Run the container with \
             --security-opt seccomp=unconfined or a profile that allows io_uring_setup, \
             io_uring_enter and io_uring_register."
        ),
        Some(libc::ENOMEM) => format!(
            "io_uring_setup failed ({e}): not enough locked memory for the ring; raise \
             `ulimit -l` (RLIMIT_MEMLOCK) or use a kernel 5.12+ that accounts rings to memcg."
        ),
        _ => format!("io_uring_setup failed: {e}"),
    };
    SetupError(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_errors_name_cause_and_fix() {
        let e = explain(io::Error::from_raw_os_error(libc::ENOSYS)).0;
        assert!(
            e.contains("kernel") && e.contains("seccomp=unconfined"),
            "{e}"
        );
        let e = explain(io::Error::from_raw_os_error(libc::EPERM)).0;
        assert!(
            e.contains("seccomp") || e.contains("io_uring_disabled"),
            "{e}"
        );
        let e = explain(io::Error::from_raw_os_error(libc::ENOMEM)).0;
        assert!(e.contains("ulimit -l"), "{e}");
    }

    #[test]
    fn multishot_recv_uses_provided_buffers_until_cancelled() {
        let mut ring = Ring::new(8).expect("io_uring available on the test machine");
        if !ring.has_recv_multi() {
            return; // kernel without provided-buffer rings: single receives are used instead
        }
        let mut fds = [0; 2];
        // SAFETY: socketpair fills two fds we close below.
        assert_eq!(
            unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, fds.as_mut_ptr()) },
            0
        );
        let send = |msg: &[u8]| {
            // SAFETY: a blocking write of a live buffer to our own socket.
            let n = unsafe { libc::write(fds[0], msg.as_ptr().cast(), msg.len()) };
            assert_eq!(n, msg.len() as isize);
        };
        ring.recv_multi(fds[1], token(3, 2));
        let mut got = Vec::new();
        // Each arrival completes with `more` and names a buffer holding exactly those bytes;
        // recycled buffers are reused, so many more arrivals than buffers work.
        for i in 0..(BUF_COUNT as usize + 10) {
            let msg = format!("message {i}");
            send(msg.as_bytes());
            got.clear();
            while got.is_empty() {
                ring.submit_and_wait(Some(Duration::from_secs(5)), &mut got)
                    .unwrap();
            }
            assert_eq!(got.len(), 1, "{got:?}");
            let c = got[0];
            assert_eq!(untoken(c.token), (3, 2));
            assert!(c.more, "{c:?}");
            let bid = c.buf.expect("a provided buffer");
            assert_eq!(ring.provided(bid, c.result as usize), msg.as_bytes());
            ring.recycle(bid);
        }
        // Cancelling ends it: one last completion without `more`.
        ring.cancel(token(3, 2), token(3, 4));
        let mut last = None;
        while last.is_none() {
            got.clear();
            ring.submit_and_wait(Some(Duration::from_secs(5)), &mut got)
                .unwrap();
            last = got.iter().find(|c| untoken(c.token) == (3, 2)).copied();
        }
        let last = last.unwrap();
        assert!(!last.more && last.result == -libc::ECANCELED, "{last:?}");
        // SAFETY: closing the fds we created.
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
    }

    #[test]
    fn ring_round_trip_on_a_socket_pair() {
        let mut ring = Ring::new(8).expect("io_uring available on the test machine");
        let mut fds = [0; 2];
        // SAFETY: socketpair fills two fds we close below.
        assert_eq!(
            unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, fds.as_mut_ptr()) },
            0
        );
        let msg = b"hello";
        let mut buf = [0u8; 16];
        // SAFETY: both buffers outlive the wait below, which reaps both completions.
        unsafe {
            ring.recv(fds[1], buf.as_mut_ptr(), buf.len() as u32, token(7, 2));
            ring.send(fds[0], msg.as_ptr(), msg.len() as u32, token(9, 3));
        }
        let mut got = Vec::new();
        while got.len() < 2 {
            ring.submit_and_wait(Some(Duration::from_secs(5)), &mut got)
                .unwrap();
        }
        for c in &got {
            assert_eq!(c.result, 5, "{c:?}");
        }
        let recv = got
            .iter()
            .find(|c| untoken(c.token) == (7, 2))
            .expect("recv completion");
        assert_eq!(recv.result, 5);
        assert_eq!(&buf[..5], msg);
        // SAFETY: closing the fds we created.
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
    }
}
