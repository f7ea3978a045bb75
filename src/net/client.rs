//! Per-connection state, one entry of the server's `Slab<Client>`.
//!
//! Buffers and in-flight I/O: `rbuf` receives (a recv is armed into its spare capacity while
//! `recv_armed`), `out` accumulates replies from any part of the server, and `sending` is the
//! batch currently handed to the kernel (`send_inflight`). While an operation is in flight its
//! buffer is neither moved nor resized; the slab slot is only freed once no operation is in
//! flight, so a completion's slot index always names the client it was issued for.

use std::os::fd::RawFd;

use bytes::BytesMut;

use crate::protocol::Reply;

/// Initial and minimum free space for a receive (Redis's PROTO_IOBUF_LEN).
pub const READ_CHUNK: usize = 16 * 1024;
/// An argument at least this long is received on its own: reads stop at its end, as Redis's
/// do (PROTO_MBULK_BIG_ARG), so the query-buffer limit counts just that argument.
pub const BIG_ARG: usize = 32 * 1024;
/// Stop executing a client's buffered commands once this much reply data is waiting to be
/// sent; resume when the kernel has taken it. Bounds server memory for clients that pipeline
/// requests without reading replies (TCP back-pressure does the rest).
pub const OUT_HIGH_WATER: usize = 4 * 1024 * 1024;

pub mod flag {
    /// Close once pending replies are written (QUIT, protocol error, CLIENT KILL of self).
    pub const CLOSE_AFTER_REPLY: u32 = 1 << 0;
    /// Close as soon as possible, dropping pending replies.
    pub const CLOSE_ASAP: u32 = 1 << 1;
    pub const REPLY_OFF: u32 = 1 << 2;
    /// Skip the reply of the next command (set by CLIENT REPLY SKIP for the following one).
    pub const REPLY_SKIP_NEXT: u32 = 1 << 3;
    pub const REPLY_SKIP: u32 = 1 << 4;
    pub const NO_EVICT: u32 = 1 << 5;
    pub const NO_TOUCH: u32 = 1 << 6;
    /// In a MULTI block (`multi` holds the queue).
    pub const MULTI: u32 = 1 << 7;
    /// A WATCHed key changed: EXEC fails.
    pub const DIRTY_CAS: u32 = 1 << 8;
    /// A command was rejected while queueing: EXEC fails with EXECABORT.
    pub const DIRTY_EXEC: u32 = 1 << 9;
    /// Blocked on keys (`blocked` holds what it waits for); executes no input meanwhile.
    pub const BLOCKED: u32 = 1 << 10;
    /// Subscribed to at least one channel, pattern or shard channel (RESP2 subscribed mode).
    pub const PUBSUB: u32 = 1 << 11;
}

pub struct Client {
    /// CLIENT ID: unique, never reused (unlike the slab index).
    pub id: u64,
    pub fd: RawFd,
    pub addr: String,
    pub laddr: String,
    pub name: Option<Vec<u8>>,
    pub lib_name: Vec<u8>,
    pub lib_ver: Vec<u8>,
    pub db: usize,
    pub flags: u32,
    /// Bytes of input received but not yet parsed into commands.
    pub rbuf: BytesMut,
    /// Don't try to parse until `rbuf` holds this many bytes (a large bulk is arriving).
    pub need: usize,
    /// Leading bytes of `rbuf` that already form complete arguments of the request being
    /// received (Redis would have moved them out of its query buffer).
    pub parsed: usize,
    pub out: Reply,
    pub sending: Vec<u8>,
    pub sent: usize,
    pub recv_armed: bool,
    pub send_inflight: bool,
    /// Queued in the server's pending-write list.
    pub pending_write: bool,
    /// Closing: no new I/O is issued; the slot is freed when nothing is in flight.
    pub closing: bool,
    /// Creation and last-interaction times, Unix ms.
    pub ctime: i64,
    pub last_interaction: i64,
    pub last_cmd: &'static str,
    pub commands: u64,
    pub net_in: u64,
    pub net_out: u64,
    /// Commands queued since MULTI.
    pub multi: Vec<Vec<bytes::Bytes>>,
    /// WATCHed keys: (db, key) (`crate::multi`).
    pub watched: Vec<(usize, Vec<u8>)>,
    /// What the client waits for while BLOCKED (`crate::blocking`).
    pub blocked: Option<Box<crate::blocking::Blocked>>,
    /// Channel, pattern and shard-channel subscriptions (`crate::pubsub`).
    pub subs: crate::pubsub::ClientSubs,
    /// client-output-buffer-limit: Unix seconds since when the output has been over the soft
    /// limit without a break (Redis's `obuf_soft_limit_reached_time`), 0 when under it.
    pub obuf_soft_limit_since: i64,
}

impl Client {
    pub fn new(id: u64, fd: RawFd, addr: String, laddr: String, now_ms: i64) -> Client {
        Client {
            id,
            fd,
            addr,
            laddr,
            name: None,
            lib_name: Vec::new(),
            lib_ver: Vec::new(),
            db: 0,
            flags: 0,
            rbuf: BytesMut::with_capacity(READ_CHUNK),
            need: 0,
            parsed: 0,
            out: Reply::new(),
            sending: Vec::new(),
            sent: 0,
            recv_armed: false,
            send_inflight: false,
            pending_write: false,
            closing: false,
            ctime: now_ms,
            last_interaction: now_ms,
            last_cmd: "NULL",
            commands: 0,
            net_in: 0,
            net_out: 0,
            multi: Vec::new(),
            watched: Vec::new(),
            blocked: None,
            subs: Default::default(),
            obuf_soft_limit_since: 0,
        }
    }

    #[inline]
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// Bytes of reply waiting: queued plus in flight.
    pub fn pending_output(&self) -> usize {
        self.out.len() + self.sending.len() - self.sent
    }

    /// The query buffer as Redis counts it for `client-query-buffer-limit`: input not yet
    /// parsed into complete arguments.
    pub fn query_buffer_len(&self) -> usize {
        self.rbuf.len() - self.parsed.min(self.rbuf.len())
    }

    /// Whether the request being received is waiting for a big argument's data.
    pub fn big_arg_pending(&self) -> bool {
        self.need > 0 && self.need - self.parsed.min(self.need) >= BIG_ARG
    }

    /// Whether the client should stop reading and executing for good (it is closing).
    pub fn paused(&self) -> bool {
        self.closing || self.has(flag::CLOSE_AFTER_REPLY | flag::CLOSE_ASAP)
    }

    /// Whether buffered commands must wait: closing, or blocked (a blocked client keeps
    /// reading, so its disconnect is noticed, but executes nothing until unblocked).
    pub fn waiting(&self) -> bool {
        self.paused() || self.has(flag::BLOCKED)
    }

    /// Bookkeeping after each command: CLIENT REPLY OFF/SKIP drop the reply written since `mark`.
    pub fn after_command(&mut self, out: &mut Reply, mark: usize) {
        self.commands += 1;
        if self.has(flag::REPLY_OFF | flag::REPLY_SKIP) {
            out.buf.truncate(mark);
        }
        // SKIP applies to exactly one command: the one after CLIENT REPLY SKIP.
        if self.has(flag::REPLY_SKIP) {
            self.flags &= !flag::REPLY_SKIP;
        }
        if self.has(flag::REPLY_SKIP_NEXT) {
            self.flags &= !flag::REPLY_SKIP_NEXT;
            self.flags |= flag::REPLY_SKIP;
        }
    }

    /// The `flags=` letters of CLIENT LIST.
    pub fn flag_letters(&self) -> String {
        let mut s = String::new();
        if self.has(flag::PUBSUB) {
            s.push('P');
        }
        if self.has(flag::MULTI) {
            s.push('x');
        }
        if self.has(flag::BLOCKED) {
            s.push('b');
        }
        if self.has(flag::DIRTY_CAS) {
            s.push('d');
        }
        if self.has(flag::CLOSE_AFTER_REPLY) {
            s.push('c');
        }
        if self.has(flag::CLOSE_ASAP) {
            s.push('A');
        }
        if self.has(flag::NO_EVICT) {
            s.push('e');
        }
        if self.has(flag::NO_TOUCH) {
            s.push('T');
        }
        if s.is_empty() {
            s.push('N');
        }
        s
    }
}
