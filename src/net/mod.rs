//! Connections: listening sockets, accepting clients, receiving requests, sending replies,
//! closing. Completions from the ring arrive here tagged with (slot, tag); requests are parsed
//! from the client's read buffer and handed to `cmd::call` one by one.
//!
//! Receiving: a plain connection normally has one multishot receive armed (no SQE per read;
//! the kernel fills buffers of the ring's provided-buffer ring and the bytes are copied into
//! the client's `rbuf`, so an idle connection holds no receive buffer). Single-shot receives
//! straight into `rbuf`'s spare capacity remain for TLS clients, our master's link, a big
//! argument being received (reads stop at its end, as Redis's do) and a client whose last read
//! filled a whole buffer (so a deep pipeliner is still read at most 16 KB per turn). An armed
//! receive is cancelled in one place, `cancel_recv`, when the client must stop reading (replies
//! piled up, closing after the reply) or switch to single reads; `recv_armed` stays set until
//! its last completion has arrived.
//!
//! Turns: one loop turn handles one batch of reaped completions. A client executes at most a
//! turn's budget of its buffered requests per turn (`TURN_BYTES`, 16 KB, as Redis executes what
//! one 16 KB read brought; `Client::turn_spent`), however many completions delivered them: a
//! multishot receive can deliver ~32 full buffers for one client in one batch before it is
//! switched to single receives (measured before the budget: up to 1.6 MB, 34k SETs, in one
//! turn). What is left stays in `rbuf`, the client is listed in `Server::backlog` and
//! continued after the next turn's completions (`run_backlog`); while the list is not empty the
//! loop does not sleep in the kernel (a zero timeout, in the same one `io_uring_enter` per
//! turn). A backlogged client has no single receive armed (its buffer must stay free) and reads
//! nothing more while a turn's worth is buffered; an end of input behind the backlog is kept
//! (`input_closed`) until the requests before it have run and been answered.
//!
//! Zero copy: each complete request is split off the read buffer as one frozen `Bytes`, and its
//! arguments are `Bytes` slices of it. The buffer's memory is reused for the next receive once
//! every argument of the batch has been dropped.

pub mod client;
pub mod tls;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::{FromRawFd, IntoRawFd, RawFd};

use bytes::Bytes;

use crate::cmd;
use crate::keyspace::clock;
use crate::protocol::{Arg, Limits, Parsed, Reply, parse_request};
use crate::runtime::{BUF_SIZE, Completion, token, untoken};
use crate::server::Server;
use client::{Client, OUT_HIGH_WATER, READ_CHUNK, flag};

pub const TAG_ACCEPT: u8 = 1;
pub const TAG_RECV: u8 = 2;
pub const TAG_SEND: u8 = 3;
/// The completion of an `AsyncCancel` of a client's receive (`cancel_recv`): nothing to do.
pub const TAG_CANCEL: u8 = 4;

/// Largest single receive we ask for (the buffer grows geometrically up to it).
const MAX_RECV: usize = 64 * 1024 * 1024;

/// Redis 7.0's reply to a non-loopback client in protected mode, byte for byte.
const PROTECTED_MODE_DENIED: &[u8] =
    b"-DENIED Redis is running in protected mode because protected \
mode is enabled and no password is set for the default user. \
In this mode connections are only accepted from the loopback interface. \
If you want to connect from external computers to Redis you \
may adopt one of the following solutions: \
1) Just disable protected mode sending the command \
'CONFIG SET protected-mode no' from the loopback interface \
by connecting to Redis from the same host the server is \
running, however MAKE SURE Redis is not publicly accessible \
from internet if you do so. Use CONFIG REWRITE to make this \
change permanent. \
2) Alternatively you can just disable the protected mode by \
editing the Redis configuration file, and setting the protected \
mode option to 'no', and then restarting the server. \
3) If you started the server manually just for testing, restart \
it with the '--protected-mode no' option. \
4) Setup a an authentication password for the default user. \
NOTE: You only need to do one of the above things in order for \
the server to start accepting connections from the outside.\r\n";

/// Sends `msg` to a just-accepted client (best effort, without blocking) and closes it.
fn refuse(fd: RawFd, msg: &[u8]) {
    // SAFETY: best-effort synchronous write to a socket we own, then close it.
    unsafe {
        libc::send(
            fd,
            msg.as_ptr().cast(),
            msg.len(),
            libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
        );
        libc::close(fd);
    }
}

/// Opens the listening sockets named by `bind` on `port`. `-addr` means "skip if unavailable";
/// `*` is every IPv4 address, `::*` every IPv6 one.
pub fn listen(bind: &[String], port: u16, backlog: i32) -> std::io::Result<Vec<(RawFd, String)>> {
    let mut out = Vec::new();
    let mut last_err = None;
    for b in bind {
        let (optional, addr) = match b.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, b.as_str()),
        };
        let host = match addr {
            "*" => "0.0.0.0",
            "::*" => "::",
            a => a,
        };
        let sa: SocketAddr = match host.parse::<std::net::IpAddr>() {
            Ok(ip) => SocketAddr::new(ip, port),
            Err(_) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("Invalid bind address '{addr}'"),
                ));
            }
        };
        match TcpListener::bind(sa) {
            Ok(l) => {
                let fd = l.into_raw_fd();
                // std listens with a backlog of 128; raise it to tcp-backlog like Redis.
                // SAFETY: fd is a listening socket we own.
                unsafe { libc::listen(fd, backlog) };
                out.push((fd, sa.to_string()));
            }
            Err(e) if optional || (host == "::" && !out.is_empty()) => {
                tracing::debug!("skipping optional bind address {addr}: {e}");
            }
            Err(e) => last_err = Some(e),
        }
    }
    if let Some(e) = last_err {
        for (fd, _) in &out {
            // SAFETY: closing sockets we opened above.
            unsafe { libc::close(*fd) };
        }
        return Err(e);
    }
    Ok(out)
}

/// Opens the Unix-domain listening socket `path` (Redis's `unixsocket`), removing a stale socket
/// file first as Redis's anetUnixServer does, and applies `perm` (`unixsocketperm`, 0 = leave
/// the umask's mode) to it.
pub fn listen_unix(path: &str, perm: u32, backlog: i32) -> std::io::Result<(RawFd, String)> {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::remove_file(path);
    let l = std::os::unix::net::UnixListener::bind(path)?;
    if perm != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(perm))?;
    }
    let fd = l.into_raw_fd();
    // SAFETY: fd is a listening socket we own.
    unsafe { libc::listen(fd, backlog) };
    Ok((fd, path.to_string()))
}

/// Whether `fd` is a Unix-domain socket (for accepted clients: came in through `unixsocket`).
fn is_unix_socket(fd: RawFd) -> bool {
    // SAFETY: getsockname writes at most `len` bytes into the zeroed storage we own.
    unsafe {
        let mut ss: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        libc::getsockname(
            fd,
            (&mut ss as *mut libc::sockaddr_storage).cast(),
            &mut len,
        ) == 0
            && ss.ss_family as i32 == libc::AF_UNIX
    }
}

fn set_sockopt(fd: RawFd, level: i32, name: i32, val: i32) {
    // SAFETY: setsockopt with a pointer to a live i32 and its size.
    unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            &val as *const i32 as *const libc::c_void,
            std::mem::size_of::<i32>() as u32,
        );
    }
}

impl Server {
    pub(crate) fn arm_listeners(&mut self) {
        for i in 0..self.listeners.len() {
            let fd = self.listeners[i].0;
            self.ring.accept_multi(fd, token(i, TAG_ACCEPT));
        }
    }

    pub(crate) fn on_completion(&mut self, c: Completion) {
        let (slot, tag) = untoken(c.token);
        match tag {
            TAG_ACCEPT => self.on_accept(slot, c),
            TAG_RECV => self.on_recv(slot, c),
            TAG_CANCEL => {}
            TAG_SEND => self.on_send(slot, c.result),
            crate::persist::aof::TAG_AOF => crate::persist::aof::on_completion(self, c),
            crate::repl::replica::TAG_CONNECT => crate::repl::replica::on_connect(self, c.result),
            _ => tracing::error!("completion with unknown tag {tag}"),
        }
    }

    fn on_accept(&mut self, listener: usize, c: Completion) {
        if !c.more {
            // The multishot accept was terminated (error or kernel limit): re-arm it.
            if let Some(&(fd, _)) = self.listeners.get(listener) {
                self.ring.accept_multi(fd, token(listener, TAG_ACCEPT));
            }
        }
        if c.result < 0 {
            let err = std::io::Error::from_raw_os_error(-c.result);
            tracing::warn!("Accepting client connection: {err}");
            return;
        }
        let fd = c.result;
        let on_tls = self
            .listeners
            .get(listener)
            .is_some_and(|&(lfd, _)| self.tls.is_listener(lfd));
        if self.clients.len() >= self.config.maxclients {
            self.stats.rejected_connections += 1;
            if on_tls {
                // Redis's write of the error fails before the TLS handshake: just closed.
                // SAFETY: closing the fd we just accepted.
                unsafe { libc::close(fd) };
            } else {
                refuse(fd, b"-ERR max number of clients reached\r\n");
            }
            return;
        }
        let unix = is_unix_socket(fd);
        let (addr, laddr) = if unix {
            // Redis prints a unix client's addr and laddr as "<unixsocket>:0", and treats it
            // as local for protected mode.
            let a = format!("{}:0", self.config.get("unixsocket").unwrap_or(""));
            (a.clone(), a)
        } else {
            match self.accept_tcp(fd, on_tls) {
                Some(a) => a,
                None => return,
            }
        };
        let id = self.next_client_id;
        self.next_client_id += 1;
        self.stats.total_connections += 1;
        let cid = self
            .clients
            .insert(Client::new(id, fd, addr, laddr, clock::now_ms()));
        if unix {
            self.clients[cid].flags |= flag::UNIX_SOCKET;
        }
        if on_tls {
            match self.tls.new_session() {
                Some(s) => self.clients[cid].tls = Some(s),
                None => {
                    self.close_client(cid);
                    return;
                }
            }
        }
        crate::acl::set_default_auth(self, cid);
        self.arm_recv(cid);
    }

    /// Protected mode and socket options for an accepted TCP client; its (addr, laddr), or
    /// None when it was refused (and closed).
    fn accept_tcp(&mut self, fd: RawFd, on_tls: bool) -> Option<(String, String)> {
        // SAFETY: fd was just accepted and is owned by nobody else; into_raw_fd gives it back.
        let stream = unsafe { TcpStream::from_raw_fd(fd) };
        // Protected mode: while the default user needs no password, only the loopback
        // addresses may connect (Redis's clientAcceptHandler and islocalClient, which compare
        // the printed address with exactly these two).
        if self.config.protected_mode
            && self.acl.default_nopass()
            && !stream.peer_addr().is_ok_and(|a| {
                let ip = a.ip().to_string();
                ip == "127.0.0.1" || ip == "::1"
            })
        {
            self.stats.rejected_connections += 1;
            if on_tls {
                // The reply would have to be encrypted after a handshake; closed instead.
                drop(stream);
            } else {
                refuse(stream.into_raw_fd(), PROTECTED_MODE_DENIED);
            }
            return None;
        }
        let _ = stream.set_nodelay(true);
        let addr = stream
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let laddr = stream
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let fd = stream.into_raw_fd();
        if self.config.tcp_keepalive > 0 {
            let idle = self.config.tcp_keepalive as i32;
            set_sockopt(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1);
            set_sockopt(fd, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, idle);
            set_sockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_KEEPINTVL,
                (idle / 3).max(1),
            );
            set_sockopt(fd, libc::IPPROTO_TCP, libc::TCP_KEEPCNT, 3);
        }
        Some((addr, laddr))
    }

    /// Makes sure a receive is armed for `cid`: a multishot one when the client can use it
    /// (see the module comment), else a single receive into its read buffer's spare capacity.
    /// An armed multishot receive the client can no longer use is cancelled (re-armed as a
    /// single receive once its last completion arrives).
    pub(crate) fn arm_recv(&mut self, cid: usize) {
        let multi = self.ring.has_recv_multi();
        let Some(c) = self.clients.get_mut(cid) else {
            return;
        };
        if c.closing || c.input_closed {
            return;
        }
        let multi = multi && c.multishot_fits();
        if c.recv_armed {
            if c.recv_multi && !multi {
                self.cancel_recv(cid);
            }
            return;
        }
        if multi {
            c.recv_armed = true;
            c.recv_multi = true;
            let fd = c.fd;
            self.ring.recv_multi(fd, token(cid, TAG_RECV));
            return;
        }
        self.arm_recv_single(cid);
    }

    /// Cancels the receive armed for `cid`, if any (the one place this is done). Its last
    /// completion follows (`-ECANCELED`, or data that arrived meanwhile); until then
    /// `recv_armed` stays set and the read buffer stays lent. When it arrives, the client's
    /// input is processed and a receive re-armed as usual (`process_input`) unless the client
    /// must not read (replies piled up, closing).
    pub fn cancel_recv(&mut self, cid: usize) {
        let Some(c) = self.clients.get_mut(cid) else {
            return;
        };
        if c.recv_armed && !c.recv_cancel {
            c.recv_cancel = true;
            self.ring
                .cancel(token(cid, TAG_RECV), token(cid, TAG_CANCEL));
        }
    }

    /// Queues a single receive into the client's spare read-buffer capacity.
    fn arm_recv_single(&mut self, cid: usize) {
        let Some(c) = self.clients.get_mut(cid) else {
            return;
        };
        // A backlogged client's buffer must stay free for `run_backlog`.
        if c.recv_armed || c.closing || c.input_closed || c.backlogged {
            return;
        }
        let len = c.rbuf.len();
        let big_arg = c.need > len && c.big_arg_pending();
        c.reserve_big_arg();
        // Grow geometrically when a large request is arriving, so a big frame costs O(n).
        let want = if c.need > len {
            (c.need - len).min(len.max(READ_CHUNK))
        } else {
            READ_CHUNK.max(len)
        }
        .min(MAX_RECV);
        // A request of READ_CHUNK or more is partly here (a 16 KB PUBLISH, say): read greedily,
        // as Redis's query buffer does (`sdsMakeRoomFor` then `sdsavail`), here up to
        // len + 64 KB, so one turn takes several such requests and their replies and pub/sub
        // frames go out together in one send each instead of one send per request (measured:
        // ~4 16 KB messages per turn, Redis ~3). Such a turn still executes only a handful of
        // requests; pipelines of small commands keep READ_CHUNK per turn.
        let want = if !big_arg && c.need >= READ_CHUNK {
            want.max(len + 4 * READ_CHUNK).min(MAX_RECV)
        } else {
            want
        };
        c.rbuf.reserve(want);
        let spare = c.rbuf.spare_capacity_mut();
        let mut n = spare.len();
        if big_arg {
            // Read no further than the end of a big argument, like Redis.
            n = n.min(want);
        } else {
            // At most READ_CHUNK (16 KB, Redis's PROTO_IOBUF_LEN) per read: a turn executes
            // about that much anyway (`process_input`), so reading more only buffers it.
            n = n.min(want.max(READ_CHUNK));
        }
        let mut n = n.min(u32::MAX as usize) as u32;
        let mut ptr = spare.as_mut_ptr().cast::<u8>();
        if let Some(t) = c.tls.as_mut() {
            // TLS: ciphertext goes to the session's own buffer (boxed, so it stays put).
            n = t.inbuf.len() as u32;
            ptr = t.inbuf.as_mut_ptr();
        }
        let fd = c.fd;
        c.recv_armed = true;
        // SAFETY: `ptr..ptr+n` is the spare capacity of `c.rbuf`. The buffer is not touched,
        // resized or dropped while `recv_armed` is set: `process_input` only runs after this
        // completion, and the slot is not freed while an operation is in flight.
        unsafe { self.ring.recv(fd, ptr, n, token(cid, TAG_RECV)) };
    }

    fn on_recv(&mut self, cid: usize, comp: Completion) {
        let res = comp.result;
        let Some(c) = self.clients.get_mut(cid) else {
            if let Some(bid) = comp.buf {
                self.ring.recycle(bid);
            }
            return;
        };
        let mut cancelled = false;
        if !comp.more || !c.recv_multi {
            // The receive's last completion: nothing of this client is lent to the kernel.
            cancelled = c.recv_cancel;
            c.recv_armed = false;
            c.recv_multi = false;
            c.recv_cancel = false;
        }
        if c.closing {
            if let Some(bid) = comp.buf {
                self.ring.recycle(bid);
            }
            self.maybe_free(cid);
            return;
        }
        if res <= 0 {
            if res == -libc::ECANCELED && cancelled {
                // We stopped it (`cancel_recv`): carry on as after a read.
                self.process_input(cid);
                return;
            }
            if res == -libc::ENOBUFS {
                // Every provided buffer was in use: read into the client's own buffer once.
                self.arm_recv_single(cid);
                return;
            }
            if res == -libc::EINTR || res == -libc::EAGAIN {
                self.arm_recv(cid);
                return;
            }
            if res == 0 && c.backlogged {
                // End of input behind requests still buffered (their turn comes): they run
                // and are answered first, then the connection closes (`process_input`).
                c.input_closed = true;
                return;
            }
            if res == 0 && (c.has_unsent() || c.send_inflight) {
                // End of input right behind requests whose replies are not out yet (a
                // multishot receive can deliver both in one batch): send them, then close, as
                // Redis does (it writes replies before it reads the EOF).
                c.flags |= flag::CLOSE_AFTER_REPLY;
                self.mark_pending_write(cid);
                return;
            }
            if res < 0 {
                tracing::debug!(
                    "Error reading from client: {}",
                    std::io::Error::from_raw_os_error(-res)
                );
            }
            self.close_client(cid);
            return;
        }
        let n = res as usize;
        if let Some(t) = c.tls.as_mut() {
            match t.on_ciphertext(c.fd, n, &mut c.rbuf) {
                Ok(tls::Fed::Ok) => {}
                Ok(tls::Fed::Closed) => {
                    // close_notify: what arrived before it still executes (Redis reads it
                    // first), then the connection closes like a plain EOF.
                    self.process_input(cid);
                    self.close_client(cid);
                    return;
                }
                Err(e) => {
                    tracing::debug!("Error accepting a client connection: {e}");
                    self.close_client(cid);
                    return;
                }
            }
        } else if let Some(bid) = comp.buf {
            c.reserve_big_arg();
            c.rbuf.extend_from_slice(self.ring.provided(bid, n));
            self.ring.recycle(bid);
        } else {
            // SAFETY: the kernel wrote `n` initialised bytes into the spare capacity we lent it.
            unsafe { c.rbuf.set_len(c.rbuf.len() + n) };
        }
        // A read that filled a whole buffer: more is probably waiting, so this client is read
        // with single receives (at most 16 KB per turn) until a read comes back short.
        c.recv_heavy = n >= BUF_SIZE;
        c.net_in += n as u64;
        c.last_interaction = clock::now_ms();
        self.stats.net_input_bytes += n as u64;
        // Redis checks the limit right after reading, before parsing: an argument bigger than
        // the limit is refused even when it has arrived whole.
        if c.big_arg_pending() && self.close_if_query_buffer_over_limit(cid) {
            return;
        }
        self.process_input(cid);
    }

    /// Closes `cid` if its query buffer exceeds `client-query-buffer-limit`.
    fn close_if_query_buffer_over_limit(&mut self, cid: usize) -> bool {
        let Some(c) = self.clients.get(cid) else {
            return false;
        };
        let qbuf = c.query_buffer_len();
        if qbuf <= self.config.client_query_buffer_limit {
            return false;
        }
        tracing::warn!(
            "Closing client that reached max query buffer length: addr={} qbuf={qbuf}",
            c.addr
        );
        self.stats.client_query_buffer_limit_disconnections += 1;
        self.close_client(cid);
        true
    }

    /// Parses and executes the complete requests buffered for `cid`, at most a turn's budget of
    /// them (`Client::turn_spent`): a client whose budget runs out with requests left is listed
    /// in `backlog` and continued next turn, after the other clients' completions (so one deep
    /// pipeline holds the loop no longer than Redis's 16 KB read does). Then re-arms the
    /// receive, unless a backlog of a turn or more is buffered.
    pub(crate) fn process_input(&mut self, cid: usize) {
        // Our master's link: handshake replies and the RDB first (`repl::replica`).
        let master = crate::repl::replica::is_master_client(self, cid);
        if master && !crate::repl::replica::input(self, cid) {
            self.arm_recv(cid);
            return;
        }
        let limits = Limits {
            max_bulk_len: self.config.proto_max_bulk_len,
        };
        let turn = self.turn;
        let mut spans = std::mem::take(&mut self.spans);
        let Some(c) = self.clients.get_mut(cid) else {
            self.spans = spans;
            return;
        };
        if !c.turn_spent(turn) {
            self.prefetch_keys(cid, &limits, &mut spans);
        }
        let Some(c) = self.clients.get_mut(cid) else {
            self.spans = spans;
            return;
        };
        let resp3 = c.out.resp3;
        let mut out = std::mem::replace(&mut c.out, Reply::empty(resp3));
        // Replies of this batch go straight to the connection: big values are referenced.
        out.splice = true;
        let mut argv = std::mem::take(&mut self.argv);
        // Why the loop below stopped: everything complete ran (`drained`), or the turn's
        // budget ran out (`spent`), or neither (waiting, replies piled up, a running script).
        let (mut drained, mut spent) = (false, false);
        while let Some(c) = self.clients.get_mut(cid) {
            if c.waiting() || out.total_len() + c.pending_output() > OUT_HIGH_WATER {
                break;
            }
            // The client running a script executes nothing else until it ends (the loop is
            // polled from inside a long script, see `Server::poll_while_busy`).
            if self.scripting.run.as_ref().is_some_and(|r| r.caller == cid) {
                break;
            }
            if c.rbuf.is_empty() || c.rbuf.len() < c.need {
                drained = true;
                break;
            }
            if c.turn_spent(turn) {
                spent = true;
                break;
            }
            spans.clear();
            match parse_request(&c.rbuf, &mut spans, &limits) {
                Ok(Parsed::Complete(n)) => {
                    c.need = 0;
                    c.parsed = 0;
                    c.turn_bytes += n;
                    c.turn_requests += 1;
                    let frame = c.rbuf.split_to(n).freeze();
                    if spans.is_empty() {
                        continue;
                    }
                    argv.extend(spans.drain(..).map(|a| match a {
                        Arg::Span(s, e) => frame.slice(s..e),
                        Arg::Owned(v) => Bytes::from(v),
                    }));
                    cmd::call(self, &mut out, cid, &argv);
                    argv.clear();
                    if master {
                        crate::repl::replica::applied(self, &frame);
                    }
                }
                Ok(Parsed::Incomplete { hint, consumed }) => {
                    c.need = hint;
                    c.parsed = consumed;
                    drained = true;
                    break;
                }
                Err(e) => {
                    let text = format!("ERR {}", e.message());
                    tracing::debug!("Protocol error from client {}: {text}", c.addr);
                    c.flags |= flag::CLOSE_AFTER_REPLY;
                    c.rbuf.clear();
                    c.need = 0;
                    c.parsed = 0;
                    cmd::reply_error(self, &mut out, text.as_bytes());
                    break;
                }
            }
        }
        self.spans = spans;
        self.argv = argv;
        let Some(c) = self.clients.get_mut(cid) else {
            return;
        };
        // Anything another part of the server appended to this client meanwhile goes after.
        c.restore_out(out);
        if c.closing {
            // It disconnected while running a long script: free it now.
            self.maybe_free(cid);
            return;
        }
        // The limit is for the request being received: complete requests waiting for their
        // turn are not counted (Redis would still have them in the socket's buffer).
        if !spent && self.close_if_query_buffer_over_limit(cid) {
            return;
        }
        let Some(c) = self.clients.get_mut(cid) else {
            return;
        };
        if spent && !c.backlogged {
            c.backlogged = true;
            self.backlog.push(cid);
        }
        if c.input_closed && !spent && (drained || c.waiting()) {
            // The end of input that followed these requests: close once their replies are out.
            c.flags |= flag::CLOSE_AFTER_REPLY;
        }
        if c.has_unsent() || c.has(flag::CLOSE_AFTER_REPLY) {
            self.mark_pending_write(cid);
        }
        let c = &self.clients[cid];
        if c.input_closed {
            // Nothing more to read.
        } else if spent
            && (c.rbuf.len() >= READ_CHUNK || !c.multishot_fits() || !self.ring.has_recv_multi())
        {
            // A turn's worth or more is buffered: read no more until it has run. No single
            // receive is armed meanwhile either (it would lend the read buffer to the kernel,
            // which `run_backlog` must be free to consume); a multishot one lends nothing.
            self.cancel_recv(cid);
        } else if !c.paused() && c.pending_output() <= OUT_HIGH_WATER {
            self.arm_recv(cid);
        } else {
            // Stop reading until the replies are sent (`after_send_done` resumes).
            self.cancel_recv(cid);
        }
    }

    /// Continues the clients whose turn budget ran out in an earlier turn, in the order they
    /// ran out (after this turn's completions, so other clients' requests went first). Each
    /// runs at most its budget again; one that still has more stays listed. No client in the
    /// list has a single receive armed (`process_input`), so its read buffer is free to use.
    pub(crate) fn run_backlog(&mut self) {
        if self.backlog.is_empty() {
            return;
        }
        let mut list = std::mem::take(&mut self.backlog);
        for &cid in &list {
            let Some(c) = self.clients.get_mut(cid) else {
                continue;
            };
            if !c.backlogged {
                continue;
            }
            c.backlogged = false;
            if c.closing {
                continue;
            }
            self.process_input(cid);
        }
        list.clear();
        if self.backlog.is_empty() {
            self.backlog = list;
        }
    }

    /// When several requests are buffered for `cid` (a pipeline), starts loading the keyspace
    /// entries of their first arguments (the key of GET, SET and most commands) into the cache
    /// before any of them runs, so the lookups' cache misses overlap: at `-P 16` the lookup's
    /// misses were ~45% of the server's CPU over a Unix socket. Only a hint: it parses a copy
    /// of the spans and consumes nothing. (It borrows the RDB loader's prefetch steps,
    /// `Db::key_hash` / `prefetch_bucket` / `prefetch_chain`.)
    fn prefetch_keys(&self, cid: usize, limits: &Limits, spans: &mut Vec<Arg>) {
        /// Requests warmed ahead at most.
        const AHEAD: usize = 32;
        let Some(c) = self.clients.get(cid) else {
            return;
        };
        // One small request is most of what arrives unpipelined: nothing to overlap with.
        if c.rbuf.len() < 64 || c.rbuf.len() < c.need {
            return;
        }
        let Some(db) = self.dbs.get(c.db) else {
            return;
        };
        let buf = &c.rbuf[..];
        let mut hashes = [0u64; AHEAD];
        let mut n = 0;
        let mut pos = 0;
        while n < AHEAD && pos < buf.len() {
            spans.clear();
            match parse_request(&buf[pos..], spans, limits) {
                Ok(Parsed::Complete(len)) => {
                    if let Some(&Arg::Span(s, e)) = spans.get(1) {
                        let h = db.key_hash(&buf[pos + s..pos + e]);
                        db.prefetch_bucket(h);
                        hashes[n] = h;
                        n += 1;
                    }
                    pos += len;
                }
                _ => break,
            }
        }
        spans.clear();
        if n > 1 {
            for &h in &hashes[..n] {
                db.prefetch_chain(h);
            }
        }
    }

    /// Before a batch of completions is handled: the same warming as `prefetch_keys`, across
    /// clients. Unpipelined, each wake-up brings a few clients' single requests; their keys'
    /// cache misses overlap when all are started before the first request runs. Looks only
    /// at multishot receives whose client has no partial request buffered (so the provided
    /// buffer starts with a request); consumes nothing.
    pub(crate) fn prefetch_ready(&mut self) {
        /// Keys warmed ahead at most.
        const AHEAD: usize = 32;
        if self.ready.len() < 2 {
            return;
        }
        let limits = Limits {
            max_bulk_len: self.config.proto_max_bulk_len,
        };
        let mut spans = std::mem::take(&mut self.spans);
        let mut warmed = [(0usize, 0u64); AHEAD];
        let mut n = 0;
        for c in &self.ready {
            if n == AHEAD {
                break;
            }
            let (cid, tag) = untoken(c.token);
            let (Some(bid), true) = (c.buf, tag == TAG_RECV && c.result > 0) else {
                continue;
            };
            let Some(client) = self.clients.get(cid) else {
                continue;
            };
            if !client.rbuf.is_empty() {
                continue;
            }
            let Some(db) = self.dbs.get(client.db) else {
                continue;
            };
            let data = self.ring.provided(bid, c.result as usize);
            spans.clear();
            if let Ok(Parsed::Complete(_)) = parse_request(data, &mut spans, &limits)
                && let Some(&Arg::Span(s, e)) = spans.get(1)
            {
                let h = db.key_hash(&data[s..e]);
                db.prefetch_bucket(h);
                warmed[n] = (client.db, h);
                n += 1;
            }
        }
        spans.clear();
        self.spans = spans;
        if n > 1 {
            for &(db, h) in &warmed[..n] {
                self.dbs[db].prefetch_chain(h);
            }
        }
    }

    /// Notes that `cid` has replies to send at the end of this loop iteration.
    pub fn mark_pending_write(&mut self, cid: usize) {
        if let Some(c) = self.clients.get_mut(cid) {
            c.aof_mark = true;
            if !c.pending_write {
                c.pending_write = true;
                self.pending_write.push(cid);
            }
        }
    }

    /// Queues one send per client with pending replies.
    pub(crate) fn flush_pending(&mut self) {
        let mut pending = std::mem::take(&mut self.pending_write);
        for &cid in &pending {
            let Some(c) = self.clients.get_mut(cid) else {
                continue;
            };
            c.pending_write = false;
            if c.closing {
                continue;
            }
            // appendfsync always: replies wait until what they acknowledge is on disk. Those
            // written in this iteration wait for everything appended in it (Redis writes the
            // AOF before any reply of the iteration).
            if c.aof_mark {
                c.aof_mark = false;
                c.aof_wait = c.aof_wait.max(self.aof.hold_mark());
            }
            if !self.aof.releasable(c.aof_wait) {
                if !c.aof_held {
                    c.aof_held = true;
                    self.aof.hold(cid);
                }
                continue;
            }
            // client-output-buffer-limit: Redis checks it as replies are appended; every reply
            // passes here before it is sent (pub/sub messages are also checked as delivered).
            if crate::pubsub::close_if_over_output_limit(self, cid) {
                continue;
            }
            let c = &mut self.clients[cid];
            if c.tls.is_some() {
                if !c.send_inflight {
                    self.tls_flush(cid);
                }
                continue;
            }
            if !c.send_inflight && !c.chain.is_empty() {
                self.submit_sendmsg(cid);
            } else if !c.send_inflight && !c.out.is_empty() {
                std::mem::swap(&mut c.sending, &mut c.out.buf);
                c.out.buf.clear();
                c.sent = 0;
                self.submit_send(cid);
            } else if !c.send_inflight && c.has(flag::CLOSE_AFTER_REPLY) {
                self.close_client(cid);
            }
        }
        pending.clear();
        if self.pending_write.is_empty() {
            self.pending_write = pending;
        }
    }

    /// Encrypts everything waiting for a TLS client (and what rustls itself has to send) into
    /// `sending` and sends it.
    fn tls_flush(&mut self, cid: usize) {
        let c = &mut self.clients[cid];
        let Some(t) = c.tls.as_mut() else {
            return;
        };
        c.sending.clear();
        c.sent = 0;
        for b in c.chain.drain(..) {
            t.encrypt(&b, &mut c.sending);
        }
        c.chain_len = 0;
        t.encrypt(&c.out.buf, &mut c.sending);
        c.out.buf.clear();
        if !c.sending.is_empty() {
            self.submit_send(cid);
        } else if c.has(flag::CLOSE_AFTER_REPLY) {
            self.close_client(cid);
        }
    }

    fn submit_send(&mut self, cid: usize) {
        let c = &mut self.clients[cid];
        let rest = &c.sending[c.sent..];
        let n = rest.len().min(u32::MAX as usize) as u32;
        let ptr = rest.as_ptr();
        let fd = c.fd;
        c.send_inflight = true;
        // SAFETY: `c.sending` is neither modified nor dropped while `send_inflight` is set;
        // new replies go to `c.out`, and the slot is not freed while an operation is in flight.
        unsafe { self.ring.send(fd, ptr, n, token(cid, TAG_SEND)) };
    }

    /// Sends the client's chain of shared chunks (and `out` after it) with one `sendmsg`.
    fn submit_sendmsg(&mut self, cid: usize) {
        let c = &mut self.clients[cid];
        let msg = c.prepare_sendmsg();
        let fd = c.fd;
        c.send_inflight = true;
        // SAFETY: the header, its iovecs (heap buffers owned by the client) and the chunks
        // they point to (`send_chain`, refcounted) are not modified or dropped while
        // `send_inflight` is set, and the slot is not freed while an operation is in flight.
        unsafe { self.ring.sendmsg(fd, msg, token(cid, TAG_SEND)) };
    }

    fn on_send(&mut self, cid: usize, res: i32) {
        if self.send_completed(cid, res) {
            self.after_send_done(cid);
        }
    }

    /// Books a send completion: queues the rest of a partial send, or closes the client on an
    /// error. True when everything handed to the kernel has been sent.
    fn send_completed(&mut self, cid: usize, res: i32) -> bool {
        let Some(c) = self.clients.get_mut(cid) else {
            return false;
        };
        c.send_inflight = false;
        if c.closing {
            self.maybe_free(cid);
            return false;
        }
        if res < 0 {
            if res == -libc::EINTR || res == -libc::EAGAIN {
                self.submit_send(cid);
                return false;
            }
            tracing::debug!(
                "Error writing to client: {}",
                std::io::Error::from_raw_os_error(-res)
            );
            self.close_client(cid);
            return false;
        }
        let n = res as usize;
        c.net_out += n as u64;
        self.stats.net_output_bytes += n as u64;
        if !c.send_chain.is_empty() {
            if c.advance_send_chain(n) {
                self.submit_sendmsg(cid);
                return false;
            }
            return true;
        }
        c.sent += n;
        if c.sent < c.sending.len() {
            self.submit_send(cid);
            return false;
        }
        c.sending.clear();
        c.sent = 0;
        if c.sending.capacity() > 1024 * 1024 {
            // Don't keep a huge buffer around after one big reply.
            c.sending = Vec::new();
        }
        true
    }

    /// Hands client `cid`'s socket over to blocking I/O outside the ring (the Lua debugger,
    /// `crate::script::ldb`, reads and writes it directly, in this process or in a forked
    /// child): cancels its armed receive and reaps that completion (bytes it delivered are
    /// kept), and waits until its in-flight send has completed, so that afterwards no
    /// operation on the socket is in flight and the ring will not consume bytes meant for the
    /// debugger. Completions of other operations reaped meanwhile are queued in `ready` for
    /// the loop. Returns the input not yet executed, taken out of the read buffer, in two
    /// parts: what had been received before (with the command running now: Redis would
    /// still hold it in its query buffer) and what the cancelled receive delivered (Redis
    /// would have left it in the socket), both as plaintext (a TLS client's ciphertext is
    /// decrypted; its session stays in the client for the caller to use); `None` for a
    /// client that is gone or broken.
    /// The receive is not re-armed: the caller either gives the client back to the loop
    /// (`process_input` re-arms it after the command) or closes it (`close_handed_over`).
    pub fn detach_for_blocking_io(&mut self, cid: usize) -> Option<(Vec<u8>, Vec<u8>)> {
        let c = self.clients.get_mut(cid)?;
        if c.closing {
            return None;
        }
        let earlier = c.rbuf.split().to_vec();
        self.cancel_recv(cid);
        let own = |d: &Completion| {
            let (slot, tag) = untoken(d.token);
            slot == cid && matches!(tag, TAG_RECV | TAG_SEND | TAG_CANCEL)
        };
        // Completions for this client already reaped but not yet handled come first.
        let mut queued = Vec::new();
        self.ready.retain(|d| {
            if own(d) {
                queued.push(*d);
                return false;
            }
            true
        });
        for done in queued {
            self.detached_completion(cid, done);
        }
        let mut completions = Vec::new();
        while self
            .clients
            .get(cid)
            .is_some_and(|c| c.recv_armed || c.send_inflight)
        {
            completions.clear();
            if self.ring.submit_and_wait(None, &mut completions).is_err() {
                return None;
            }
            for done in completions.drain(..) {
                if own(&done) {
                    self.detached_completion(cid, done);
                } else {
                    self.ready.push_back(done);
                }
            }
        }
        let c = self.clients.get_mut(cid)?;
        c.need = 0;
        c.parsed = 0;
        Some((earlier, c.rbuf.split().to_vec()))
    }

    /// A receive or send completion of a client being detached (`detach_for_blocking_io`):
    /// received bytes go to the read buffer as `on_recv` puts them there; a broken connection
    /// is left for the debugger's own I/O to notice (an end of file or error shows again on
    /// its blocking read).
    fn detached_completion(&mut self, cid: usize, done: Completion) {
        let Some(c) = self.clients.get_mut(cid) else {
            return;
        };
        match untoken(done.token).1 {
            TAG_RECV => {
                if !done.more || !c.recv_multi {
                    // The receive's last completion (as in `on_recv`).
                    c.recv_armed = false;
                    c.recv_multi = false;
                    c.recv_cancel = false;
                }
                if done.result > 0 {
                    let n = done.result as usize;
                    if let Some(t) = c.tls.as_mut() {
                        // A TLS error or close_notify shows on the next read too.
                        let _ = t.on_ciphertext(c.fd, n, &mut c.rbuf);
                    } else if let Some(bid) = done.buf {
                        // A multishot receive's provided buffer.
                        c.rbuf.extend_from_slice(self.ring.provided(bid, n));
                        self.ring.recycle(bid);
                    } else {
                        // SAFETY: the kernel wrote `n` initialised bytes into the spare
                        // capacity lent to it by `arm_recv`.
                        unsafe { c.rbuf.set_len(c.rbuf.len() + n) };
                    }
                    c.net_in += n as u64;
                    self.stats.net_input_bytes += n as u64;
                } else if let Some(bid) = done.buf {
                    self.ring.recycle(bid);
                }
            }
            TAG_SEND if done.result < 0 && done.result != -libc::EINTR => {
                c.send_inflight = false;
            }
            TAG_SEND => {
                self.send_completed(cid, done.result);
            }
            _ => {}
        }
    }

    /// The parent's side of a client whose socket a forked child took over (the Lua
    /// debugger's forked session, after `detach_for_blocking_io`): this process's descriptor
    /// is pointed at /dev/null (`dup2`), so the socket stays open only in the child and
    /// nothing this process still does with the client reaches it: the rest of a transaction
    /// runs (as in Redis, whose parent frees the client asynchronously), its replies go
    /// nowhere, and the client is closed after them (`CLOSE_AFTER_REPLY`), without a
    /// `shutdown` of the child's connection.
    pub fn close_handed_over(&mut self, cid: usize) {
        let Some(c) = self.clients.get_mut(cid) else {
            return;
        };
        // SAFETY: opening /dev/null and duplicating it over a descriptor we own, on which no
        // ring operation is in flight (detached); the temporary descriptor is closed.
        let replaced = unsafe {
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC);
            let ok = null >= 0 && libc::dup2(null, c.fd) >= 0;
            if null >= 0 {
                libc::close(null);
            }
            ok
        };
        if replaced {
            c.flags |= flag::CLOSE_AFTER_REPLY;
        } else if !c.closing {
            // No descriptor to spare: forget the client now (the rest of a transaction is
            // then not run); `process_input` closes our descriptor once the command returns.
            c.closing = true;
            self.forget_client(cid);
        }
    }

    /// Everything handed to the kernel was sent: queue what came meanwhile, and resume a
    /// client that stopped executing because its replies piled up.
    fn after_send_done(&mut self, cid: usize) {
        let Some(c) = self.clients.get_mut(cid) else {
            return;
        };
        if (c.has_unsent() || c.has(flag::CLOSE_AFTER_REPLY)) && !c.pending_write {
            // Replies written meanwhile were marked (AOF hold) when written: don't raise it.
            c.pending_write = true;
            self.pending_write.push(cid);
        }
        // Resume a client that stopped executing because its replies piled up.
        let c = &self.clients[cid];
        if !c.recv_armed && !c.waiting() {
            self.process_input(cid);
        }
    }

    /// Starts closing a client: no more I/O is issued, in-flight operations are woken by
    /// shutting the socket down, and the slot is freed once they have completed.
    pub fn close_client(&mut self, cid: usize) {
        let Some(c) = self.clients.get_mut(cid) else {
            return;
        };
        if !c.closing {
            c.closing = true;
            // SAFETY: shutdown on a socket we own; wakes any in-flight recv/send.
            unsafe { libc::shutdown(c.fd, libc::SHUT_RDWR) };
            self.forget_client(cid);
        }
        self.maybe_free(cid);
    }

    /// Removes a closing client from everything that refers to it by slot: blocking queues,
    /// watched keys, subscriptions.
    fn forget_client(&mut self, cid: usize) {
        crate::blocking::on_client_gone(self, cid);
        crate::multi::unwatch_all(self, cid);
        crate::pubsub::on_client_gone(self, cid);
        crate::repl::on_client_gone(self, cid);
        crate::ops::on_client_gone(self, cid);
        crate::tracking::disable(self, cid);
        crate::pause::on_client_gone(self, cid);
    }

    fn maybe_free(&mut self, cid: usize) {
        let Some(c) = self.clients.get(cid) else {
            return;
        };
        // The caller of a running script keeps its slot until the script ends (the loop is
        // polled from inside long scripts); `process_input` frees it then.
        if self.scripting.run.as_ref().is_some_and(|r| r.caller == cid) {
            return;
        }
        if c.closing && !c.recv_armed && !c.send_inflight {
            let c = self.clients.remove(cid);
            // SAFETY: no operation on this fd is in flight any more.
            unsafe { libc::close(c.fd) };
        }
    }
}
