//! Per-connection state, one entry of the server's `Slab<Client>`.
//!
//! Buffers and in-flight I/O: `rbuf` receives (a recv is armed into its spare capacity while
//! `recv_armed`), `out` accumulates replies from any part of the server, and `sending` is the
//! batch currently handed to the kernel (`send_inflight`). While an operation is in flight its
//! buffer is neither moved nor resized; the slab slot is only freed once no operation is in
//! flight, so a completion's slot index always names the client it was issued for.

use std::os::fd::RawFd;

use std::collections::VecDeque;

use bytes::{Buf, Bytes, BytesMut};

use crate::protocol::Reply;

/// Initial and minimum free space for a receive (Redis's PROTO_IOBUF_LEN).
pub const READ_CHUNK: usize = 16 * 1024;
/// An argument at least this long is received on its own: reads stop at its end, as Redis's
/// do (PROTO_MBULK_BIG_ARG), so the query-buffer limit counts just that argument.
pub const BIG_ARG: usize = 32 * 1024;
/// The read buffer's first size for a request with a big argument (`Client::reserve_big_arg`).
pub const BIG_ARG_FIRST: usize = (1 << 20) + (64 << 10);
/// Stop executing a client's buffered commands once this much reply data is waiting to be
/// sent; resume when the kernel has taken it. Bounds server memory for clients that pipeline
/// requests without reading replies (TCP back-pressure does the rest).
pub const OUT_HIGH_WATER: usize = 4 * 1024 * 1024;
/// A client's budget per loop turn (`net::process_input`): it executes buffered requests until
/// this many bytes of them have run (Redis executes what one 16 KB read brought)...
pub const TURN_BYTES: usize = READ_CHUNK;
/// ... or, for big requests, until at least this many have run, up to `TURN_MAX_BYTES` (so a
/// turn still takes a few 16 KB PUBLISHes, as one greedy read of them brings).
pub const TURN_MIN_REQUESTS: u32 = 4;
pub const TURN_MAX_BYTES: usize = 4 * READ_CHUNK;
/// Most iovecs handed to one `sendmsg` (Linux's UIO_MAXIOV).
const IOV_MAX: usize = 1024;

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
    /// The dispatcher must check this client's authentication or permissions before each
    /// command (`crate::acl`); clear for authenticated clients of an unrestricted user.
    pub const ACL_CHECK: u32 = 1 << 12;
    /// Connected through `unixsocket` (CLIENT LIST flag `U`; local for protected mode).
    pub const UNIX_SOCKET: u32 = 1 << 24;
    /// Our master's link, while we are a replica (`crate::repl::replica`).
    pub const MASTER: u32 = 1 << 13;
    /// In MONITOR mode (`crate::ops`): receives a line per command run anywhere.
    pub const MONITOR: u32 = 1 << 27;
    /// SCRIPT DEBUG YES|SYNC: the next EVAL runs in the Lua debugger (`crate::script::ldb`).
    pub const LUA_DEBUG: u32 = 1 << 14;
    /// SCRIPT DEBUG SYNC: the debugging session runs in the server, not in a forked child.
    pub const LUA_DEBUG_SYNC: u32 = 1 << 15;
    /// Held by CLIENT PAUSE (`crate::pause` keeps its command); executes no input meanwhile.
    pub const POSTPONED: u32 = 1 << 25;
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
    /// Output that goes before `out`: shared chunks appended without copying (big pub/sub
    /// payloads, see `push_shared`) and the replies written before them. Usually empty.
    pub chain: VecDeque<Bytes>,
    /// Bytes in `chain`.
    pub chain_len: usize,
    /// The chunks of a `sendmsg` in flight (front partially sent), with their iovecs and
    /// message header (boxed: the client may move in the slab while the kernel reads them).
    pub send_chain: VecDeque<Bytes>,
    iov: Vec<libc::iovec>,
    msg: Box<libc::msghdr>,
    pub recv_armed: bool,
    /// The armed receive is multishot (`net::arm_recv`).
    pub recv_multi: bool,
    /// The armed receive is being cancelled (`net::cancel_recv`).
    pub recv_cancel: bool,
    /// The last read filled a whole buffer: read with single receives until one is short.
    pub recv_heavy: bool,
    /// The loop turn `turn_bytes` and `turn_requests` count for (`Server::turn`).
    pub turn: u64,
    /// Bytes and number of requests executed in turn `turn`.
    pub turn_bytes: usize,
    pub turn_requests: u32,
    /// Listed in the server's backlog: its turn budget ran out with requests still buffered.
    pub backlogged: bool,
    /// The peer closed its side while requests were still buffered: they run (turn by turn),
    /// their replies are sent, then the connection closes (as Redis reads the EOF only after
    /// everything before it).
    pub input_closed: bool,
    pub send_inflight: bool,
    /// Queued in the server's pending-write list.
    pub pending_write: bool,
    /// AOF offset this client's pending replies wait for (`appendfsync always`).
    pub aof_wait: u64,
    /// Listed in the AOF's held clients.
    pub aof_held: bool,
    /// Replies were written in this loop iteration: `aof_wait` is raised to what the AOF
    /// holds when the iteration ends (`flush_pending`).
    pub aof_mark: bool,
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
    /// The ACL user's slot in `Acl::users` and its name (CLIENT LIST `user=`).
    pub user: usize,
    pub user_name: Bytes,
    /// Authenticated (Redis's `c->authenticated`): by AUTH/HELLO, or at connection when the
    /// default user needs no password.
    pub authenticated: bool,
    /// The TLS session of a client accepted on `tls-port` (`crate::net::tls`).
    pub tls: Option<Box<crate::net::tls::Session>>,
    /// Replica link state, once the client sent REPLCONF or SYNC/PSYNC (`crate::repl`).
    pub repl: Option<Box<crate::repl::Link>>,
    /// The replication offset after this client's last command (Redis's `c->woff`): what
    /// WAIT waits for.
    pub woff: u64,
    /// Client-side caching options (`crate::tracking`).
    pub tracking: crate::tracking::ClientTracking,
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
            // Empty until something arrives: multishot receives need no buffer lent to the
            // kernel, and a single receive reserves what it reads into.
            rbuf: BytesMut::new(),
            need: 0,
            parsed: 0,
            out: Reply::new(),
            sending: Vec::new(),
            sent: 0,
            chain: VecDeque::new(),
            chain_len: 0,
            send_chain: VecDeque::new(),
            iov: Vec::new(),
            // SAFETY: msghdr is plain old data; all-zero is a valid empty header.
            msg: Box::new(unsafe { std::mem::zeroed() }),
            recv_armed: false,
            recv_multi: false,
            recv_cancel: false,
            recv_heavy: false,
            turn: 0,
            turn_bytes: 0,
            turn_requests: 0,
            backlogged: false,
            input_closed: false,
            send_inflight: false,
            pending_write: false,
            aof_wait: 0,
            aof_held: false,
            aof_mark: false,
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
            user: crate::acl::DEFAULT,
            user_name: Bytes::from_static(b"default"),
            // Allowed everything until `acl::set_default_auth` looks at it: connections get it
            // when accepted; internal clients (loading an AOF, a master) keep it, like Redis's
            // clients without a user.
            authenticated: true,
            repl: None,
            woff: 0,
            tracking: Default::default(),
            flags: 0,
            tls: None,
        }
    }

    #[inline]
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// Bytes of reply waiting: queued plus in flight.
    pub fn pending_output(&self) -> usize {
        self.out.len() + self.chain_len + self.sending.len() - self.sent
            + self.send_chain.iter().map(|b| b.len()).sum::<usize>()
    }

    /// Appends `chunk` to the output without copying it: what `out` holds so far is frozen
    /// into the chain first, so order is kept. For payloads shared by many clients (one
    /// PUBLISH to thousands of subscribers); small replies are cheaper copied into `out`.
    pub fn push_shared(&mut self, chunk: Bytes) {
        if !self.out.buf.is_empty() {
            let head = std::mem::take(&mut self.out.buf);
            self.chain_len += head.len();
            self.chain.push_back(Bytes::from(head));
        }
        self.chain_len += chunk.len();
        self.chain.push_back(chunk);
    }

    /// Puts back the reply buffer `out` that was taken for a batch of commands: its content
    /// goes before anything appended to the client meanwhile.
    pub fn restore_out(&mut self, mut out: Reply) {
        out.splice = false;
        if !out.chunks.is_empty() {
            // Referenced chunks: the batch goes to the chain as pieces, before what is there.
            for piece in out.take_chunks().into_iter().rev() {
                self.chain_len += piece.len();
                self.chain.push_front(piece);
            }
            self.out.resp3 = out.resp3;
            return;
        }
        if self.chain.is_empty() {
            if !self.out.is_empty() {
                out.buf.extend_from_slice(&self.out.buf);
            }
            self.out = out;
        } else {
            let batch = std::mem::take(&mut out.buf);
            self.chain_len += batch.len();
            self.chain.push_front(Bytes::from(batch));
            self.out.resp3 = out.resp3;
        }
    }

    /// Whether anything waits to be handed to the kernel.
    pub fn has_unsent(&self) -> bool {
        !self.out.is_empty()
            || !self.chain.is_empty()
            || self.tls.as_ref().is_some_and(|t| t.wants_write())
    }

    /// Moves the chain and `out` into `send_chain` and fills the iovecs and header of a
    /// `sendmsg` for it. Returns the header to submit.
    pub(crate) fn prepare_sendmsg(&mut self) -> *const libc::msghdr {
        if self.send_chain.is_empty() {
            self.send_chain = std::mem::take(&mut self.chain);
            self.chain_len = 0;
            if !self.out.buf.is_empty() {
                let tail = std::mem::take(&mut self.out.buf);
                self.send_chain.push_back(Bytes::from(tail));
            }
        }
        self.iov.clear();
        for b in self.send_chain.iter().take(IOV_MAX) {
            self.iov.push(libc::iovec {
                iov_base: b.as_ptr() as *mut libc::c_void,
                iov_len: b.len(),
            });
        }
        self.msg.msg_iov = self.iov.as_mut_ptr();
        self.msg.msg_iovlen = self.iov.len() as _;
        &*self.msg
    }

    /// Consumes `n` bytes sent from `send_chain`; true if some remain.
    pub(crate) fn advance_send_chain(&mut self, mut n: usize) -> bool {
        while n > 0 {
            let Some(front) = self.send_chain.front_mut() else {
                break;
            };
            if n >= front.len() {
                n -= front.len();
                self.send_chain.pop_front();
            } else {
                front.advance(n);
                n = 0;
            }
        }
        !self.send_chain.is_empty()
    }

    /// The query buffer as Redis counts it for `client-query-buffer-limit`: input not yet
    /// parsed into complete arguments.
    pub fn query_buffer_len(&self) -> usize {
        self.rbuf.len() - self.parsed.min(self.rbuf.len())
    }

    /// Whether this client's receives can be multishot ones (`net::arm_recv`): not TLS (its
    /// ciphertext goes to the session's own buffer), not our master's link, not in the middle
    /// of a big argument (reads stop at its end) and not a heavy sender.
    pub fn multishot_fits(&self) -> bool {
        self.tls.is_none() && !self.has(flag::MASTER) && !self.recv_heavy && !self.big_arg_pending()
    }

    /// Starts counting turn `turn`'s budget, if not yet; whether it is used up.
    #[inline]
    pub fn turn_spent(&mut self, turn: u64) -> bool {
        if self.turn != turn {
            self.turn = turn;
            self.turn_bytes = 0;
            self.turn_requests = 0;
        }
        self.turn_bytes >= TURN_BYTES
            && (self.turn_requests >= TURN_MIN_REQUESTS || self.turn_bytes >= TURN_MAX_BYTES)
    }

    /// Whether the request being received is waiting for a big argument's data.
    pub fn big_arg_pending(&self) -> bool {
        self.need > 0 && self.need - self.parsed.min(self.need) >= BIG_ARG
    }

    /// While a big argument is arriving, grows the read buffer in exact steps: first to the
    /// whole announced request (plus a chunk for small arguments after it) up to
    /// `BIG_ARG_FIRST`, then doubling. Like Redis's `sdsMakeRoomForNonGreedy`, only the pages
    /// the client actually sends are touched, so a slow sender holds about what it sent, and a
    /// value up to 1 MiB is received without a regrowth copy. (One allocation of a whole
    /// 512 MB announcement would cost the allocator ~60 KB of page map up front.)
    pub fn reserve_big_arg(&mut self) {
        if !self.big_arg_pending() || self.rbuf.capacity() - self.rbuf.len() >= READ_CHUNK {
            return;
        }
        let cap = (self.need + READ_CHUNK).min((2 * self.rbuf.len()).max(BIG_ARG_FIRST));
        let mut grown = BytesMut::with_capacity(cap);
        grown.extend_from_slice(&self.rbuf);
        self.rbuf = grown;
    }

    /// Whether the client should stop reading and executing for good (it is closing).
    pub fn paused(&self) -> bool {
        self.closing || self.has(flag::CLOSE_AFTER_REPLY | flag::CLOSE_ASAP)
    }

    /// Whether buffered commands must wait: closing, or blocked or held by CLIENT PAUSE (such a
    /// client keeps reading, so its disconnect is noticed, but executes nothing until released).
    pub fn waiting(&self) -> bool {
        self.paused() || self.has(flag::BLOCKED | flag::POSTPONED)
    }

    /// Bookkeeping after each command: CLIENT REPLY OFF/SKIP drop the reply written since `mark`.
    pub fn after_command(&mut self, out: &mut Reply, mark: usize) {
        self.commands += 1;
        if self.has(flag::REPLY_OFF | flag::REPLY_SKIP) {
            out.truncate(mark);
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
        if self.repl.as_ref().is_some_and(|l| l.is_replica()) {
            s.push('S');
        }
        if self.has(flag::MONITOR) {
            s.push('O');
        }
        if self.has(flag::MASTER) {
            s.push('M');
        }
        if self.has(flag::PUBSUB) {
            s.push('P');
        }
        if self.has(flag::MULTI) {
            s.push('x');
        }
        // A client held by CLIENT PAUSE is a blocked client in Redis (BLOCKED_POSTPONE).
        if self.has(flag::BLOCKED | flag::POSTPONED) {
            s.push('b');
        }
        // Client-side caching: tracking, broken redirection, broadcast mode.
        if self.tracking.on() {
            s.push('t');
        }
        if self.tracking.has(crate::tracking::opt::BROKEN_REDIR) {
            s.push('R');
        }
        if self.tracking.has(crate::tracking::opt::BCAST) {
            s.push('B');
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
        if self.has(flag::UNIX_SOCKET) {
            s.push('U');
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

#[cfg(test)]
mod tests {
    use super::*;

    fn unsent(c: &mut Client) -> Vec<u8> {
        let mut v: Vec<u8> = c.chain.iter().flat_map(|b| b.iter().copied()).collect();
        v.extend_from_slice(&c.out.buf);
        v
    }

    #[test]
    fn shared_chunks_keep_output_order() {
        let mut c = Client::new(1, -1, String::new(), String::new(), 0);
        c.out.buf.extend_from_slice(b"A");
        c.push_shared(Bytes::from_static(b"BIG"));
        c.out.buf.extend_from_slice(b"C");
        assert_eq!(unsent(&mut c), b"ABIGC");
        assert_eq!(c.pending_output(), 5);
        // A batch's replies taken out while shared chunks arrived go first.
        let batch = Reply {
            buf: b"r1r2".to_vec(),
            resp3: true,
            ..Default::default()
        };
        c.restore_out(batch);
        assert_eq!(unsent(&mut c), b"r1r2ABIGC");
        assert!(c.out.resp3);
        // Sending: partial progress across chunk boundaries.
        c.prepare_sendmsg();
        assert_eq!(c.iov.len(), 4);
        assert!(c.chain.is_empty() && c.out.buf.is_empty());
        assert!(c.advance_send_chain(5));
        assert_eq!(&c.send_chain[0][..], b"BIG");
        assert!(c.advance_send_chain(2));
        assert_eq!(&c.send_chain[0][..], b"G");
        assert_eq!(c.pending_output(), 2);
        assert!(!c.advance_send_chain(2));
    }

    #[test]
    fn referenced_chunks_go_before_later_output() {
        let mut c = Client::new(1, -1, String::new(), String::new(), 0);
        let big = Bytes::from(vec![b'v'; crate::protocol::reply::SHARED_MIN]);
        let mut batch = Reply::empty(false);
        batch.splice = true;
        batch.int(1);
        batch.bulk_shared(&big);
        batch.int(2);
        // Appended to the client while the batch ran (a pub/sub message, say).
        c.out.buf.extend_from_slice(b"+later\r\n");
        c.restore_out(batch);
        let mut want = b":1\r\n$8192\r\n".to_vec();
        want.extend_from_slice(&big);
        want.extend_from_slice(b"\r\n:2\r\n+later\r\n");
        assert_eq!(unsent(&mut c), want);
        assert_eq!(c.pending_output(), want.len());
        assert!(!c.out.splice);
        c.prepare_sendmsg();
        assert!(
            c.iov
                .iter()
                .any(|v| v.iov_base as *const u8 == big.as_ptr())
        );
    }
}
