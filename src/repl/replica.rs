//! Replication, replica side (Redis's `replicationSetMaster`, `connectWithMaster`,
//! `syncWithMaster`, `readSyncBulkPayload`): `REPLICAOF host port | NO ONE`, `replicaof` in
//! the configuration, the link to the master and its handshake, the RDB transfer, and the
//! stream applied through `cmd::call` by the master client.
//!
//! The link: a socket connected through the ring (`Ring::connect`, tag `TAG_CONNECT`); once
//! connected it is an ordinary slab `Client` (`MasterLink::cid`) whose input is routed here
//! (`input`) until the stream starts: `PING`, `AUTH` (masterauth/masteruser), `REPLCONF
//! listening-port` and `capa eof psync2`, then `PSYNC <replid> <offset+1>` (or `? -1`).
//! `+FULLRESYNC`: the payload (`$<len>` or `$EOF:<mark>`) is collected, the databases are
//! emptied and loaded from it (`rdb::load`, expired keys kept: the master deletes them).
//! `+CONTINUE [<newid>]`: the stream continues from our offset.
//!
//! Streaming: the master client runs each command through `cmd::call` with its replies
//! switched off (`REPLY_OFF`); the bytes of each command count into `Repl::offset`, and are
//! appended verbatim to our backlog and our own replicas (chained replication: the exact
//! stream of our master, so our replicas share its replication id and offsets).
//!
//! Invariants: `Repl::master` is `Some` exactly while we are a replica. `MasterLink::cid` names
//! the master's client while the socket is open. Our own `feed` is off while we are a replica
//! (writes come only from the master's stream, which is proxied as is).

use std::net::ToSocketAddrs;
use std::os::fd::RawFd;

use bytes::Bytes;

use crate::cmd::{CmdResult, Ctx, Error};
use crate::keyspace::clock;
use crate::net::client::{Client, flag};
use crate::runtime::token;
use crate::server::Server;

/// The ring tag of the connect operation to the master.
pub const TAG_CONNECT: u8 = 5;

/// Where the link to the master stands (Redis's `REPL_STATE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Not connected; the cron connects.
    Connect,
    /// The connect operation is in flight.
    Connecting,
    /// Waiting for the reply to PING.
    ReceivePong,
    /// Waiting for `n` replies (AUTH, REPLCONF...).
    ReceiveReplies(u8),
    /// Waiting for the reply to PSYNC.
    ReceivePsync,
    /// Receiving the RDB.
    Transfer,
    /// Applying the stream.
    Connected,
}

/// The link to our master.
pub struct MasterLink {
    pub host: String,
    pub port: u16,
    pub state: LinkState,
    /// The master's client slot once the socket is connected.
    pub cid: Option<usize>,
    /// The socket while connecting, and its address (kept until the completion).
    fd: RawFd,
    addr: Box<libc::sockaddr_storage>,
    /// Unix ms of the last data from the master (repl-timeout).
    pub last_io: i64,
    /// Unix ms the established link went down, 0 while up or never connected (Redis's
    /// `repl_down_since`: INFO `master_link_down_since_seconds`, -1 when 0; Sentinel skips
    /// replicas disconnected for too long when it picks one to promote).
    pub down_since: i64,
    /// Unix ms of the last connection attempt (one a second, as replicationCron).
    retry_at: i64,
    /// FULLRESYNC: the master's id and offset, where the payload goes, bytes received so far,
    /// and its size or EOF mark.
    sync_id: String,
    sync_off: u64,
    sink: Sink,
    read: u64,
    size: Option<usize>,
    mark: Option<Vec<u8>>,
    /// Unix ms of the last ACK sent.
    last_ack: i64,
    /// We have a history to continue (we were a master with a backlog, or were connected):
    /// PSYNC with our id and offset, else `PSYNC ? -1`.
    history: bool,
}

impl MasterLink {
    fn new(host: String, port: u16) -> MasterLink {
        MasterLink {
            host,
            port,
            state: LinkState::Connect,
            cid: None,
            fd: -1,
            // SAFETY: sockaddr_storage is plain old data; zeroed is valid.
            addr: Box::new(unsafe { std::mem::zeroed() }),
            last_io: 0,
            down_since: 0,
            retry_at: 0,
            sync_id: String::new(),
            sync_off: 0,
            sink: Sink::Mem(Vec::new()),
            read: 0,
            size: None,
            mark: None,
            last_ack: 0,
            history: false,
        }
    }

    /// While the RDB is received: (total bytes, -1 for the EOF form; bytes read so far).
    pub fn sync_progress(&self) -> Option<(i64, i64)> {
        (self.state == LinkState::Transfer)
            .then(|| (self.size.map_or(-1, |n| n as i64), self.read as i64))
    }

    /// ROLE's state name.
    pub fn state_name(&self) -> &'static str {
        match self.state {
            LinkState::Connect => "connect",
            LinkState::Connecting => "connecting",
            LinkState::ReceivePong | LinkState::ReceiveReplies(_) | LinkState::ReceivePsync => {
                "handshake"
            }
            LinkState::Transfer => "sync",
            LinkState::Connected => "connected",
        }
    }
}

/// Whether we are a replica.
#[inline]
pub fn is_replica(srv: &Server) -> bool {
    srv.repl.master.is_some()
}

/// Whether `cid` is our master's client.
#[inline]
pub fn is_master_client(srv: &Server, cid: usize) -> bool {
    srv.repl.master.as_ref().is_some_and(|m| m.cid == Some(cid))
}

/// Whether the link is up (stream being applied).
pub fn link_up(srv: &Server) -> bool {
    srv.repl
        .master
        .as_ref()
        .is_some_and(|m| m.state == LinkState::Connected)
}

/// The check `processCommand` makes on a replica, for a client other than the master:
/// writes refused with `replica-read-only`, everything but STALE commands refused while the
/// link is down with `replica-serve-stale-data no`.
pub fn precheck(srv: &Server, cid: usize, cmd: &crate::cmd::Command) -> Result<(), Vec<u8>> {
    if is_master_client(srv, cid) {
        return Ok(());
    }
    use crate::cmd::flags;
    if cmd.has(flags::WRITE) && srv.config.get("replica-read-only") != Some("no") {
        return Err(b"READONLY You can't write against a read only replica.".to_vec());
    }
    if !link_up(srv)
        && srv.config.get("replica-serve-stale-data") == Some("no")
        && !cmd.has(flags::STALE)
    {
        return Err(
            b"MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
                .to_vec(),
        );
    }
    Ok(())
}

/// Makes us a replica of host:port (Redis's `replicationSetMaster`).
pub fn set_master(srv: &mut Server, host: String, port: u16) {
    drop_link(srv);
    // Our replicas resync with us (they may continue partially).
    disconnect_replicas(srv);
    tracing::info!("Connecting to MASTER {host}:{port}");
    srv.config.set_replicaof(&format!("{host} {port}"));
    let mut link = MasterLink::new(host, port);
    link.history = srv.repl.backlog.is_some();
    srv.repl.master = Some(link);
    srv.propagation.repl = true;
    crate::repl::ensure_backlog(srv);
}

/// Stops being a replica (`REPLICAOF NO ONE`): a new replication id, the old one kept as
/// replid2 so our replicas (and the old master's other replicas) continue partially.
pub fn unset_master(srv: &mut Server) {
    if srv.repl.master.is_none() {
        return;
    }
    drop_link(srv);
    srv.repl.master = None;
    srv.config.set_replicaof("");
    // The backlog TTL counts from now (Redis's replicationUnsetMaster).
    srv.repl.no_replicas_since = clock::now_ms() / 1000;
    srv.repl.replid2 = std::mem::replace(&mut srv.replid, crate::repl::random_hex40());
    srv.repl.second_offset = srv.repl.offset as i64 + 1;
    srv.repl.seldb = -1;
    tracing::info!(
        "Setting secondary replication ID to {}, valid up to offset: {}. New replication ID is {}",
        srv.repl.replid2,
        srv.repl.second_offset,
        srv.replid
    );
    tracing::info!("MASTER MODE enabled");
}

fn disconnect_replicas(srv: &mut Server) {
    for cid in srv.repl.replicas.clone() {
        srv.close_client(cid);
    }
}

/// Closes the link's socket, if any.
fn drop_link(srv: &mut Server) {
    let Some(m) = srv.repl.master.as_mut() else {
        return;
    };
    let cid = m.cid.take();
    if m.state == LinkState::Connecting && m.fd >= 0 {
        // SAFETY: waking the in-flight connect; the completion closes the fd.
        unsafe { libc::shutdown(m.fd, libc::SHUT_RDWR) };
    }
    m.state = LinkState::Connect;
    if let Some(cid) = cid {
        srv.close_client(cid);
    }
}

/// The master's client went away.
pub fn on_client_gone(srv: &mut Server, cid: usize) {
    let Some(m) = srv.repl.master.as_mut() else {
        return;
    };
    if m.cid == Some(cid) {
        m.cid = None;
        if m.state == LinkState::Connected {
            m.down_since = clock::now_ms();
        }
        if m.state != LinkState::Connecting {
            m.state = LinkState::Connect;
        }
        m.sink.discard();
        tracing::warn!("Connection with master lost.");
    }
}

/// Starts connecting (from the cron, at most once a second as Redis's replicationCron).
fn connect(srv: &mut Server) {
    let Some(m) = srv.repl.master.as_mut() else {
        return;
    };
    let Some(sa) = (m.host.as_str(), m.port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
    else {
        tracing::warn!("Unable to connect to MASTER: can't resolve {}", m.host);
        return;
    };
    let (family, len) = match sa {
        std::net::SocketAddr::V4(v4) => {
            // SAFETY: sockaddr_storage is large enough and suitably aligned for sockaddr_in.
            let sin = unsafe { &mut *(m.addr.as_mut() as *mut _ as *mut libc::sockaddr_in) };
            sin.sin_family = libc::AF_INET as u16;
            sin.sin_port = v4.port().to_be();
            sin.sin_addr.s_addr = u32::from_ne_bytes(v4.ip().octets());
            (libc::AF_INET, std::mem::size_of::<libc::sockaddr_in>())
        }
        std::net::SocketAddr::V6(v6) => {
            // SAFETY: sockaddr_storage is large enough and suitably aligned for sockaddr_in6.
            let sin6 = unsafe { &mut *(m.addr.as_mut() as *mut _ as *mut libc::sockaddr_in6) };
            sin6.sin6_family = libc::AF_INET6 as u16;
            sin6.sin6_port = v6.port().to_be();
            sin6.sin6_addr.s6_addr = v6.ip().octets();
            (libc::AF_INET6, std::mem::size_of::<libc::sockaddr_in6>())
        }
    };
    // SAFETY: plain socket creation.
    let fd = unsafe { libc::socket(family, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        tracing::warn!(
            "Unable to connect to MASTER: {}",
            std::io::Error::last_os_error()
        );
        return;
    }
    m.fd = fd;
    m.state = LinkState::Connecting;
    let ptr = m.addr.as_ref() as *const libc::sockaddr_storage as *const libc::sockaddr;
    tracing::info!("MASTER <-> REPLICA sync started");
    // SAFETY: the address is boxed in the link and kept until the completion (the link is
    // never dropped while Connecting: `set_master`/`unset_master` shut the socket down and
    // the completion handler closes it).
    unsafe { srv.ring.connect(fd, ptr, len as u32, token(0, TAG_CONNECT)) };
}

/// The connect operation completed.
pub fn on_connect(srv: &mut Server, res: i32) {
    let mine = srv
        .repl
        .master
        .as_ref()
        .filter(|m| m.state == LinkState::Connecting)
        .map(|m| m.fd);
    let Some(fd) = mine else {
        // The link was dropped meanwhile: the socket is ours to close. We cannot know its
        // fd any more unless kept; keep it simple: links dropped while connecting keep fd.
        if let Some(m) = srv.repl.master.as_mut()
            && m.fd >= 0
            && m.state != LinkState::Connecting
            && m.cid.is_none()
        {
            // SAFETY: closing the socket of the abandoned connect.
            unsafe { libc::close(m.fd) };
            m.fd = -1;
        }
        return;
    };
    let m = srv.repl.master.as_mut().expect("checked");
    m.fd = -1;
    if res < 0 {
        tracing::warn!(
            "Error condition on socket for SYNC: {}",
            std::io::Error::from_raw_os_error(-res)
        );
        m.state = LinkState::Connect;
        // SAFETY: closing the failed socket.
        unsafe { libc::close(fd) };
        return;
    }
    let addr = format!("{}:{}", m.host, m.port);
    m.state = LinkState::ReceivePong;
    m.last_io = clock::now_ms();
    set_nodelay(fd);
    let id = srv.next_client_id;
    srv.next_client_id += 1;
    let mut c = Client::new(id, fd, addr, String::new(), clock::now_ms());
    c.flags &= !flag::ACL_CHECK;
    c.flags |= flag::MASTER;
    c.authenticated = true;
    let cid = srv.clients.insert(c);
    if let Some(m) = srv.repl.master.as_mut() {
        m.cid = Some(cid);
    }
    tracing::info!("Non blocking connect for SYNC fired the event.");
    send(srv, cid, &[b"PING"]);
    srv.arm_recv(cid);
}

fn set_nodelay(fd: RawFd) {
    let one: libc::c_int = 1;
    // SAFETY: setting an option on a socket we own with a valid int.
    unsafe {
        libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as u32,
        )
    };
}

/// Writes a command to the master.
fn send(srv: &mut Server, cid: usize, args: &[&[u8]]) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    let mut buf = Vec::new();
    let argv: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
    crate::protocol::reply::encode_command(&mut buf, &argv);
    c.out.raw(&buf);
    srv.mark_pending_write(cid);
}

/// Takes one line (without CRLF) off the front of the master's input.
fn take_line(c: &mut Client) -> Option<Vec<u8>> {
    let at = memchr::memchr(b'\n', &c.rbuf)?;
    let line = c.rbuf.split_to(at + 1);
    let mut l = line.to_vec();
    l.pop();
    if l.last() == Some(&b'\r') {
        l.pop();
    }
    Some(l)
}

/// Input from the master before the stream starts: handshake replies and the RDB.
/// Returns true when the rest of the input is stream (to be run as commands).
pub fn input(srv: &mut Server, cid: usize) -> bool {
    loop {
        let Some(m) = srv.repl.master.as_mut() else {
            return false;
        };
        m.last_io = clock::now_ms();
        let state = m.state;
        if state == LinkState::Connected {
            return true;
        }
        if state == LinkState::Transfer {
            if !transfer(srv, cid) {
                return false;
            }
            continue;
        }
        let Some(c) = srv.clients.get_mut(cid) else {
            return false;
        };
        let Some(line) = take_line(c) else {
            return false;
        };
        match state {
            LinkState::ReceivePong => {
                let ok = line.starts_with(b"+")
                    || line.starts_with(b"-NOAUTH")
                    || line.starts_with(b"-NOPERM")
                    || line.starts_with(b"-ERR operation not permitted");
                if !ok {
                    tracing::warn!(
                        "Error reply to PING from master: '{}'",
                        String::from_utf8_lossy(&line)
                    );
                    srv.close_client(cid);
                    return false;
                }
                tracing::info!("Master replied to PING, replication can continue...");
                let mut n = 0;
                let pass = srv.config.get("masterauth").unwrap_or("").to_string();
                let user = srv.config.get("masteruser").unwrap_or("").to_string();
                if !pass.is_empty() {
                    if user.is_empty() {
                        send(srv, cid, &[b"AUTH", pass.as_bytes()]);
                    } else {
                        send(srv, cid, &[b"AUTH", user.as_bytes(), pass.as_bytes()]);
                    }
                    n += 1;
                }
                let port = srv.port.to_string();
                let announce = srv
                    .config
                    .get("replica-announce-port")
                    .filter(|p| *p != "0")
                    .map(str::to_string)
                    .unwrap_or(port);
                send(
                    srv,
                    cid,
                    &[b"REPLCONF", b"listening-port", announce.as_bytes()],
                );
                let ip = srv.config.get("replica-announce-ip").unwrap_or("");
                if !ip.is_empty() {
                    let ip = ip.to_string();
                    send(srv, cid, &[b"REPLCONF", b"ip-address", ip.as_bytes()]);
                    n += 1;
                }
                send(
                    srv,
                    cid,
                    &[b"REPLCONF", b"capa", b"eof", b"capa", b"psync2"],
                );
                n += 2;
                if let Some(m) = srv.repl.master.as_mut() {
                    m.state = LinkState::ReceiveReplies(n);
                }
            }
            LinkState::ReceiveReplies(n) => {
                // Redis stops on an AUTH error; REPLCONF errors are only logged.
                if line.starts_with(b"-") {
                    let text = String::from_utf8_lossy(&line).into_owned();
                    if text.contains("AUTH") || text.starts_with("-WRONGPASS") {
                        tracing::warn!("Unable to AUTH to MASTER: {text}");
                        srv.close_client(cid);
                        return false;
                    }
                    tracing::info!("(Non critical) Master does not understand REPLCONF: {text}");
                }
                let n = n - 1;
                if n > 0 {
                    if let Some(m) = srv.repl.master.as_mut() {
                        m.state = LinkState::ReceiveReplies(n);
                    }
                } else {
                    let history = srv.repl.master.as_ref().is_some_and(|m| m.history);
                    let (id, off) = if history {
                        (srv.replid.clone(), (srv.repl.offset + 1).to_string())
                    } else {
                        ("?".to_string(), "-1".to_string())
                    };
                    tracing::info!("Trying a partial resynchronization (request {id}:{off}).");
                    if super::failover::in_progress(srv) {
                        // FAILOVER: the target becomes a master, then answers as one.
                        let args: [&[u8]; 4] =
                            [b"PSYNC", id.as_bytes(), off.as_bytes(), b"FAILOVER"];
                        send(srv, cid, &args);
                    } else {
                        send(srv, cid, &[b"PSYNC", id.as_bytes(), off.as_bytes()]);
                    }
                    if let Some(m) = srv.repl.master.as_mut() {
                        m.state = LinkState::ReceivePsync;
                    }
                }
            }
            LinkState::ReceivePsync => {
                if line.is_empty() {
                    continue; // a newline keep-alive before the reply
                }
                if !psync_reply(srv, cid, &line) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Handles PSYNC's reply. Returns false when the link was closed.
fn psync_reply(srv: &mut Server, cid: usize, line: &[u8]) -> bool {
    let text = String::from_utf8_lossy(line).into_owned();
    if let Some(rest) = text.strip_prefix("+FULLRESYNC ") {
        let mut it = rest.split_ascii_whitespace();
        let id = it.next().unwrap_or("").to_string();
        let off = it.next().and_then(|o| o.parse::<u64>().ok());
        let Some(off) = off.filter(|_| id.len() == 40) else {
            tracing::warn!("Master replied with wrong +FULLRESYNC syntax.");
            srv.close_client(cid);
            return false;
        };
        tracing::info!("Full resync from master: {id}:{off}");
        let Some(sink) = Sink::open(srv) else {
            srv.close_client(cid);
            return false;
        };
        super::failover::psync_answered(srv, true);
        if let Some(m) = srv.repl.master.as_mut() {
            m.sync_id = id;
            m.sync_off = off;
            m.state = LinkState::Transfer;
            m.sink.discard();
            m.sink = sink;
            m.read = 0;
            m.size = None;
            m.mark = None;
        }
        return true;
    }
    if let Some(rest) = text.strip_prefix("+CONTINUE") {
        let new = rest.trim();
        tracing::info!("Successful partial resynchronization with master.");
        super::failover::psync_answered(srv, true);
        if new.len() == 40 && new != srv.replid {
            srv.repl.replid2 = std::mem::replace(&mut srv.replid, new.to_string());
            srv.repl.second_offset = srv.repl.offset as i64 + 1;
            // Our replicas must learn the new id.
            disconnect_replicas(srv);
        }
        crate::repl::ensure_backlog(srv);
        connected(srv, cid);
        return true;
    }
    // -NOMASTERLINK, -LOADING: retry later; anything else: Redis would try SYNC; we retry.
    tracing::warn!("Unexpected reply to PSYNC from master: {text}");
    srv.close_client(cid);
    super::failover::psync_answered(srv, false);
    false
}

/// The link is up: replies off, the rest of the input is stream.
fn connected(srv: &mut Server, cid: usize) {
    if let Some(c) = srv.clients.get_mut(cid) {
        c.flags |= flag::REPLY_OFF;
    }
    if let Some(m) = srv.repl.master.as_mut() {
        m.state = LinkState::Connected;
        m.down_since = 0;
        m.last_ack = 0;
        m.history = true;
    }
    tracing::info!("MASTER <-> REPLICA sync: Finished with success");
}

/// Collects the RDB payload. Returns true when the transfer finished (state changed).
fn transfer(srv: &mut Server, cid: usize) -> bool {
    let Some(c) = srv.clients.get_mut(cid) else {
        return false;
    };
    let Some(m) = srv.repl.master.as_mut() else {
        return false;
    };
    if m.size.is_none() && m.mark.is_none() {
        let Some(line) = take_line(c) else {
            return false;
        };
        if line.is_empty() {
            return true; // keep-alive newline
        }
        if let Some(mark) = line.strip_prefix(b"$EOF:") {
            if mark.len() != 40 {
                srv.close_client(cid);
                return false;
            }
            m.mark = Some(mark.to_vec());
        } else if let Some(n) = line
            .strip_prefix(b"$")
            .and_then(|n| std::str::from_utf8(n).ok()?.parse::<usize>().ok())
        {
            m.size = Some(n);
        } else if line.starts_with(b"-") {
            tracing::warn!(
                "MASTER aborted replication with an error: {}",
                String::from_utf8_lossy(&line)
            );
            srv.close_client(cid);
            return false;
        } else {
            srv.close_client(cid);
            return false;
        }
        return true;
    }
    let (chunk, done) = if let Some(n) = m.size {
        let want = n - m.read as usize;
        let take = want.min(c.rbuf.len());
        (c.rbuf.split_to(take).freeze(), m.read as usize + take == n)
    } else {
        // The payload ends with the 40-byte mark; it may straddle reads, and anything after
        // it is already the stream.
        let mark = m.mark.clone().unwrap_or_default();
        let tail = m.sink.tail(mark.len().saturating_sub(1));
        match find_mark(&tail, &c.rbuf, &mark) {
            Some(end) => {
                let chunk = c.rbuf.split_to(end.consumed).freeze();
                m.sink.unwrite(end.unwrite);
                (chunk.slice(..end.payload), true)
            }
            None => {
                let take = c.rbuf.len();
                (c.rbuf.split_to(take).freeze(), false)
            }
        }
    };
    m.read += chunk.len() as u64;
    if let Err(e) = m.sink.write(&chunk) {
        tracing::warn!(
            "Write error writing to the DB dump file needed for MASTER <-> REPLICA synchronization: {e}"
        );
        srv.close_client(cid);
        return false;
    }
    if !done {
        return false;
    }
    let sink = std::mem::replace(&mut m.sink, Sink::Mem(Vec::new()));
    let (id, off) = (m.sync_id.clone(), m.sync_off);
    if !load(srv, sink) {
        srv.close_client(cid);
        return false;
    }
    srv.replid = id;
    srv.repl.offset = off;
    srv.repl.replid2 = "0".repeat(40);
    srv.repl.second_offset = -1;
    srv.repl.backlog = None;
    crate::repl::ensure_backlog(srv);
    srv.dirty += 1;
    // Our replicas need the new dataset.
    disconnect_replicas(srv);
    connected(srv, cid);
    // The first ACK at once: a diskless master starts the stream on it.
    send_ack(srv);
    true
}

/// The end of an EOF-marked payload found in newly received `data` (`find_mark`).
#[derive(Debug, PartialEq, Eq)]
struct MarkEnd {
    /// Bytes of `data` up to the end of the mark (the rest is already the stream).
    consumed: usize,
    /// Bytes at the start of `data` that are still payload.
    payload: usize,
    /// Bytes already written as payload that were in fact the start of the mark.
    unwrite: usize,
}

/// Finds the 40-byte EOF `mark` ending the payload, given the last bytes already written
/// (`tail`, fewer than the mark's length) and the new `data`: the mark may straddle reads.
fn find_mark(tail: &[u8], data: &[u8], mark: &[u8]) -> Option<MarkEnd> {
    let mut window = Vec::with_capacity(tail.len() + data.len());
    window.extend_from_slice(tail);
    window.extend_from_slice(data);
    let at = memchr::memmem::find(&window, mark)?;
    let t = tail.len();
    Some(MarkEnd {
        consumed: at + mark.len() - t,
        payload: at.saturating_sub(t),
        unwrite: t.saturating_sub(at),
    })
}

/// Where the RDB of a full resync goes while it arrives (`repl-diskless-load`).
enum Sink {
    /// Kept in memory and parsed from there once complete: Redis's load "from the socket"
    /// (`swapdb`, and `on-empty-db` when our dataset is empty).
    Mem(Vec<u8>),
    /// `disabled` (Redis's default): written to `temp-<unixtime>.<pid>.rdb` as it arrives,
    /// fsynced, renamed to `dbfilename` and loaded from there.
    Disk {
        file: std::fs::File,
        path: std::path::PathBuf,
        written: u64,
        /// The last bytes written (up to 40), to find an EOF mark split across reads.
        tail: Vec<u8>,
    },
}

impl Sink {
    /// The sink `repl-diskless-load` asks for (Redis's `useDisklessLoad`); None if the temp
    /// file cannot be created (the sync is retried).
    fn open(srv: &Server) -> Option<Sink> {
        let mode = srv.config.get("repl-diskless-load").unwrap_or("disabled");
        let empty = srv.dbs.iter().all(|d| d.is_empty());
        if mode == "swapdb" || (mode == "on-empty-db" && empty) {
            return Some(Sink::Mem(Vec::new()));
        }
        let path = std::path::PathBuf::from(format!(
            "temp-{}.{}.rdb",
            clock::now_ms() / 1000,
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
        {
            Ok(file) => Some(Sink::Disk {
                file,
                path,
                written: 0,
                tail: Vec::new(),
            }),
            Err(e) => {
                tracing::warn!(
                    "Opening the temp file needed for MASTER <-> REPLICA synchronization: {e}"
                );
                None
            }
        }
    }

    fn write(&mut self, data: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Mem(v) => v.extend_from_slice(data),
            Sink::Disk {
                file,
                written,
                tail,
                ..
            } => {
                use std::io::Write;
                file.write_all(data)?;
                *written += data.len() as u64;
                tail.extend_from_slice(data);
                let over = tail.len().saturating_sub(40);
                tail.drain(..over);
            }
        }
        Ok(())
    }

    /// The last `n` bytes written (fewer at the start).
    fn tail(&self, n: usize) -> Vec<u8> {
        let t: &[u8] = match self {
            Sink::Mem(v) => v,
            Sink::Disk { tail, .. } => tail,
        };
        t[t.len().saturating_sub(n)..].to_vec()
    }

    /// Takes back the last `n` bytes written (the start of an EOF mark that straddled reads).
    fn unwrite(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        match self {
            Sink::Mem(v) => v.truncate(v.len().saturating_sub(n)),
            Sink::Disk {
                file,
                written,
                tail,
                ..
            } => {
                *written = written.saturating_sub(n as u64);
                let _ = file.set_len(*written);
                use std::io::Seek;
                let _ = file.seek(std::io::SeekFrom::Start(*written));
                tail.truncate(tail.len().saturating_sub(n));
            }
        }
    }

    /// Drops a partial transfer (and its temp file).
    fn discard(&mut self) {
        if let Sink::Disk { path, .. } = std::mem::replace(self, Sink::Mem(Vec::new())) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Loads a received RDB (Redis's end of `readSyncBulkPayload`). Returns false when it cannot
/// be loaded: with `swapdb` the old dataset is kept, otherwise the databases are left empty.
fn load(srv: &mut Server, sink: Sink) -> bool {
    let opts = crate::persist::rdb::LoadOptions {
        skip_expired: false,
        ..crate::persist::snapshot::load_options(srv)
    };
    let swapdb = srv.config.get("repl-diskless-load") == Some("swapdb");
    match sink {
        Sink::Mem(payload) if swapdb => {
            // Parse into fresh databases; the old ones serve until it succeeded.
            tracing::info!("MASTER <-> REPLICA sync: Loading DB in memory");
            let mut fresh: Vec<crate::keyspace::Db> =
                (0..srv.dbs.len()).map(crate::keyspace::Db::new).collect();
            if let Err(e) = crate::persist::rdb::load(&payload, &mut fresh, &opts) {
                tracing::warn!(
                    "Failed trying to load the MASTER synchronization DB from socket, keeping the old dataset: {e:?}"
                );
                return false;
            }
            tracing::info!("MASTER <-> REPLICA sync: Swapping the old data with the new one");
            crate::tracking::invalidate_on_flush(srv);
            for (db, new) in srv.dbs.iter_mut().zip(fresh.iter_mut()) {
                db.swap_contents(new);
            }
            tracing::info!("MASTER <-> REPLICA sync: Discarding the old data");
            drop(fresh);
            true
        }
        Sink::Mem(payload) => {
            flush_all(srv);
            tracing::info!("MASTER <-> REPLICA sync: Loading DB in memory");
            if let Err(e) = crate::persist::rdb::load(&payload, &mut srv.dbs, &opts) {
                tracing::warn!(
                    "Failed trying to load the MASTER synchronization DB from socket: {e:?}"
                );
                flush_all(srv);
                return false;
            }
            true
        }
        Sink::Disk { file, path, .. } => {
            if let Err(e) = file.sync_all() {
                tracing::warn!(
                    "Failed trying to sync the temp DB to disk in MASTER <-> REPLICA synchronization: {e}"
                );
                let _ = std::fs::remove_file(&path);
                return false;
            }
            drop(file);
            // A BGSAVE child could rename its older snapshot over the file (Redis kills it).
            if srv.children.active_kind() == Some(crate::persist::child::ChildKind::Rdb) {
                tracing::warn!(
                    "Replica is about to load the RDB file received from the master, but there is a pending RDB child running. Killing it to avoid any race"
                );
                crate::persist::snapshot::kill_bgsave(srv);
            }
            let target = crate::persist::snapshot::rdb_filename(srv);
            if let Err(e) = std::fs::rename(&path, &target) {
                tracing::warn!(
                    "Failed trying to rename the temp DB into {} in MASTER <-> REPLICA synchronization: {e}",
                    target.display()
                );
                let _ = std::fs::remove_file(&path);
                return false;
            }
            flush_all(srv);
            tracing::info!("MASTER <-> REPLICA sync: Loading DB in memory");
            match crate::persist::snapshot::load_file(&target, &mut srv.dbs, &opts) {
                Ok(Some(_)) => true,
                Ok(None) | Err(_) => {
                    tracing::warn!(
                        "Failed trying to load the MASTER synchronization DB from disk, check server logs."
                    );
                    flush_all(srv);
                    false
                }
            }
        }
    }
}

fn flush_all(srv: &mut Server) {
    tracing::info!("MASTER <-> REPLICA sync: Flushing old data");
    // Redis's emptyData: tracking clients get the null invalidation.
    crate::tracking::invalidate_on_flush(srv);
    for db in &mut srv.dbs {
        drop(db.flush());
    }
}

/// A command from the master was applied: count its bytes and proxy them verbatim.
pub fn applied(srv: &mut Server, frame: &[u8]) {
    crate::repl::feed_raw(srv, frame);
}

/// Periodic work of a replica: connect, ACK every second, repl-timeout.
pub fn cron(srv: &mut Server) {
    let Some(m) = srv.repl.master.as_mut() else {
        return;
    };
    let now = clock::now_ms();
    let timeout = srv
        .config
        .get("repl-timeout")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(60)
        * 1000;
    match m.state {
        LinkState::Connect => {
            if now - m.retry_at >= 1000 {
                m.retry_at = now;
                connect(srv);
            }
        }
        LinkState::Connecting => {}
        LinkState::Connected => {
            let cid = m.cid;
            if now - m.last_io > timeout {
                tracing::warn!("MASTER timeout: no data nor PING received...");
                if let Some(cid) = cid {
                    srv.close_client(cid);
                }
                return;
            }
            if now - m.last_ack >= 1000 {
                send_ack(srv);
            }
        }
        _ => {
            if now - m.last_io > timeout {
                tracing::warn!("Timeout connecting to the MASTER...");
                if let Some(cid) = m.cid {
                    srv.close_client(cid);
                }
            }
        }
    }
}

/// REPLCONF ACK <offset> to the master.
pub fn send_ack(srv: &mut Server) {
    let Some(m) = srv.repl.master.as_mut() else {
        return;
    };
    let Some(cid) = m.cid.filter(|_| m.state == LinkState::Connected) else {
        return;
    };
    m.last_ack = clock::now_ms();
    let off = srv.repl.offset.to_string();
    send(srv, cid, &[b"REPLCONF", b"ACK", off.as_bytes()]);
}

/// REPLICAOF host port | NO ONE (also SLAVEOF).
pub fn cmd_replicaof(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if super::failover::active(ctx.srv) {
        return Err(Error::Msg("ERR REPLICAOF not allowed while failing over."));
    }
    if argv[1].eq_ignore_ascii_case(b"no") && argv[2].eq_ignore_ascii_case(b"one") {
        if is_replica(ctx.srv) {
            unset_master(ctx.srv);
        }
        ctx.out.ok();
        return Ok(());
    }
    let port = crate::cmd::parse_int(&argv[2])
        .ok()
        .filter(|p| (0..=65535).contains(p))
        .ok_or(Error::Msg("ERR Invalid master port"))?;
    let host = String::from_utf8_lossy(&argv[1]).into_owned();
    if let Some(m) = ctx.srv.repl.master.as_ref()
        && m.host.eq_ignore_ascii_case(&host)
        && m.port == port as u16
    {
        ctx.out.simple(b"OK Already connected to specified master");
        return Ok(());
    }
    set_master(ctx.srv, host, port as u16);
    ctx.out.ok();
    Ok(())
}

/// `replicaof` from the configuration, at start-up.
pub fn from_config(srv: &mut Server) {
    let v = srv.config.get("replicaof").unwrap_or("").to_string();
    let mut it = v.split_ascii_whitespace();
    if let (Some(h), Some(p)) = (it.next(), it.next())
        && let Ok(port) = p.parse::<u16>()
    {
        set_master(srv, h.to_string(), port);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The payload, the mark and stream bytes after it, received in three reads split at
    /// every pair of positions: the payload is exactly what precedes the mark and the stream
    /// bytes are left unconsumed.
    #[test]
    fn eof_mark_found_across_reads() {
        let mark: Vec<u8> = (0..40).map(|i| b'a' + (i % 26) as u8).collect();
        let payload: Vec<u8> = (0..60u8).map(|i| i.wrapping_mul(7)).collect();
        let mut input = payload.clone();
        input.extend_from_slice(&mark);
        input.extend_from_slice(b"*1\r\n$4\r\nPING\r\n");
        let end_of_mark = payload.len() + mark.len();
        for i in 0..=input.len() {
            for j in i..=input.len() {
                let mut sink: Vec<u8> = Vec::new();
                let mut left = Vec::new();
                let mut done = false;
                for part in [&input[..i], &input[i..j], &input[j..]] {
                    if done {
                        left.extend_from_slice(part);
                        continue;
                    }
                    let tail = sink[sink.len().saturating_sub(39)..].to_vec();
                    match find_mark(&tail, part, &mark) {
                        Some(end) => {
                            sink.truncate(sink.len() - end.unwrite);
                            sink.extend_from_slice(&part[..end.payload]);
                            left.extend_from_slice(&part[end.consumed..]);
                            done = true;
                        }
                        None => sink.extend_from_slice(part),
                    }
                }
                assert!(done, "split {i} {j}");
                assert_eq!(sink, payload, "split {i} {j}");
                assert_eq!(left, &input[end_of_mark..], "split {i} {j}");
            }
        }
    }
}
