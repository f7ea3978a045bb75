//! Replication (Redis's `replication.c`). This file is the master side: replicas attach with
//! `REPLCONF` + `PSYNC`/`SYNC`, get a full resync (an RDB image from a forked child) or a
//! partial one (`+CONTINUE` and the backlog), then the write stream. The replica side (our
//! link to a master, `REPLICAOF`) is in `replica.rs`.
//!
//! Owns: the replication ids and offsets (`replid`, `replid2`, `master_repl_offset`,
//! `second_repl_offset`), the backlog (`repl-backlog-size`), the per-replica link state
//! (`Client::repl`), the full-sync child (`ChildKind::Replication`), the PINGs to replicas,
//! `WAIT` (blocked through `crate::blocking`, kind "wait", released in `before_sleep` when
//! ACKs reach the client's `woff`), `min-replicas-to-write`, `repl-timeout` for replicas,
//! `ROLE`, and the replication fields of INFO.
//!
//! The stream: every unit `cmd::propagate` emits is handed to `feed` (a second consumer next
//! to the AOF). `feed` encodes it as RESP exactly as Redis does, preceded by `SELECT` when the
//! database differs from the last one sent (`seldb`), appends it to the backlog (the offset
//! counts every byte) and to every replica: online replicas get it in their output buffer,
//! replicas waiting for their RDB keep it in `Link::pending` until the RDB is sent.
//!
//! Full resync: a replica that needs one waits in `WaitStart` until the cron forks the child
//! (at once, or after `repl-diskless-sync-delay` seconds with `repl-diskless-sync`). Just before
//! forking, `+FULLRESYNC <replid> <offset>` is written to each such replica synchronously (its
//! output is empty and nothing is in flight, checked), and `seldb` is reset so the stream after
//! the RDB starts with SELECT. Disk-backed: the child writes `dbfilename`, the parent sends it
//! as `$<len>\r\n<bytes>` once the child is reaped. Diskless (replicas with `capa eof`): the
//! child writes `$EOF:<40 chars>\r\n<rdb><40 chars>` straight to the replicas' sockets
//! (blocking writes in the child; the parent sends nothing to them meanwhile).
//!
//! Invariants: `backlog` exists once a replica ever attached; a replica's `Link::state` is
//! `Online` exactly when the stream goes to its output buffer; while a replica is in
//! `WaitEnd` with a diskless child, the parent never writes to its socket.

pub mod failover;
pub mod replica;

use crate::protocol::reply::encode_command;
use std::collections::VecDeque;
use std::os::fd::RawFd;

use bytes::Bytes;

use crate::cmd::flags::*;
use crate::cmd::table::NO_KEYS;
use crate::cmd::{CmdResult, Command, Ctx, Error};
use crate::keyspace::clock;
use crate::persist::child::{ChildDone, ChildKind, ChildStatus};
use crate::server::Server;

/// Where a replica stands (Redis's `SLAVE_STATE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Only REPLCONF seen so far (not a replica yet).
    Handshake,
    /// Needs a full resync; waits for the child to be forked.
    WaitStart,
    /// The child is producing its RDB.
    WaitEnd,
    /// Disk-backed: the RDB file is being streamed from `Link::bulk`.
    SendBulk,
    /// Gets the stream.
    Online,
}

/// A replica's link, kept in `Client::repl`.
#[derive(Debug)]
pub struct Link {
    pub state: State,
    /// REPLCONF listening-port.
    pub port: i32,
    /// REPLCONF ip-address (empty: the connection's peer address).
    pub ip: String,
    /// REPLCONF capa eof / psync2.
    pub capa_eof: bool,
    pub capa_psync2: bool,
    /// Old SYNC (no +FULLRESYNC line).
    pub old_sync: bool,
    /// REPLCONF rdb-only 1 (`redis-cli --rdb`): the RDB only, then the link is closed.
    pub rdb_only: bool,
    /// The RDB goes over the socket from the child (decided when it is forked).
    pub diskless: bool,
    /// Last REPLCONF ACK offset and its time (Unix seconds).
    pub ack_off: u64,
    pub ack_time: i64,
    /// When the replica started waiting for a full resync (Unix ms).
    pub wait_since: i64,
    /// Stream produced while the RDB is being made.
    pub pending: Vec<u8>,
    /// The disk-backed RDB payload is still in the output (not counted by the replica class
    /// of `client-output-buffer-limit`).
    pub rdb_unsent: bool,
    /// Disk-backed: the RDB file and the bytes of it still to queue (`pump_bulk`).
    bulk: Option<Box<Bulk>>,
    /// Diskless: online, but the stream is held in `pending` until the replica's first
    /// REPLCONF ACK says it loaded the RDB (Redis's `repl_start_cmd_stream_on_ack`), so no
    /// stream byte follows the EOF mark in the same read.
    hold_stream: bool,
}

/// The RDB file streamed to a replica in `SendBulk`.
#[derive(Debug)]
struct Bulk {
    file: std::fs::File,
    left: u64,
}

impl Link {
    fn new() -> Link {
        Link {
            state: State::Handshake,
            port: 0,
            ip: String::new(),
            capa_eof: false,
            capa_psync2: false,
            old_sync: false,
            rdb_only: false,
            diskless: false,
            ack_off: 0,
            ack_time: 0,
            wait_since: 0,
            pending: Vec::new(),
            rdb_unsent: false,
            bulk: None,
            hold_stream: false,
        }
    }

    /// An attached replica (past the REPLCONF handshake).
    pub fn is_replica(&self) -> bool {
        self.state != State::Handshake
    }
}

/// The replication backlog: the last `size` bytes of the stream.
pub struct Backlog {
    buf: VecDeque<u8>,
    size: usize,
}

impl Backlog {
    /// Bytes the backlog holds allocated (MEMORY STATS `replication.backlog`).
    pub fn memory(&self) -> usize {
        self.buf.capacity()
    }

    fn new(size: usize) -> Backlog {
        Backlog {
            buf: VecDeque::new(),
            size,
        }
    }

    fn append(&mut self, data: &[u8]) {
        if data.len() >= self.size {
            self.buf.clear();
            self.buf.extend(&data[data.len() - self.size..]);
            return;
        }
        let over = (self.buf.len() + data.len()).saturating_sub(self.size);
        self.buf.drain(..over);
        self.buf.extend(data);
    }

    pub fn histlen(&self) -> u64 {
        self.buf.len() as u64
    }

    /// The last `n` bytes of the history.
    fn tail(&self, n: usize) -> Vec<u8> {
        let skip = self.buf.len() - n.min(self.buf.len());
        let (a, b) = self.buf.as_slices();
        let mut v = Vec::with_capacity(n);
        if skip < a.len() {
            v.extend_from_slice(&a[skip..]);
            v.extend_from_slice(b);
        } else {
            v.extend_from_slice(&b[skip - a.len()..]);
        }
        v
    }

    fn resize(&mut self, size: usize) {
        self.size = size;
        let over = self.buf.len().saturating_sub(size);
        self.buf.drain(..over);
    }
}

/// A WAIT in progress: the client, the offset it waits for, and how many replicas.
#[derive(Debug, Clone, Copy)]
struct Waiter {
    cid: usize,
    offset: u64,
    num: u64,
}

/// Server-wide replication state.
pub struct Repl {
    pub replid2: String,
    /// -1 when there is no replid2.
    pub second_offset: i64,
    /// `master_repl_offset`: bytes of stream produced so far.
    pub offset: u64,
    pub backlog: Option<Backlog>,
    /// Replica clients (slab slots), in attach order.
    pub replicas: Vec<usize>,
    /// Database of the last SELECT sent (-1: send one before the next command).
    pub seldb: i64,
    pub sync_full: u64,
    pub sync_partial_ok: u64,
    pub sync_partial_err: u64,
    /// The running child makes an RDB for replicas (disk-backed: the file to send).
    disk_file: Option<std::path::PathBuf>,
    /// Unix ms of the last PING sent to replicas.
    last_ping: i64,
    waiters: Vec<Waiter>,
    /// An ACK arrived or a WAIT blocked since the last `before_sleep`.
    check_waiters: bool,
    send_getack: bool,
    /// A replica got REPLCONF GETACK: ACK before sleeping.
    ack_now: bool,
    scratch: Vec<u8>,
    /// Our master, while we are a replica (`replica`).
    pub master: Option<replica::MasterLink>,
    /// FAILOVER in progress (`failover`).
    pub failover: failover::Failover,
    /// Unix seconds since when no replica is attached (Redis's `repl_no_slaves_since`), for
    /// `repl-backlog-ttl`.
    pub no_replicas_since: i64,
}

impl Default for Repl {
    fn default() -> Self {
        Repl {
            replid2: "0".repeat(40),
            second_offset: -1,
            offset: 0,
            backlog: None,
            replicas: Vec::new(),
            seldb: -1,
            sync_full: 0,
            sync_partial_ok: 0,
            sync_partial_err: 0,
            disk_file: None,
            last_ping: 0,
            waiters: Vec::new(),
            check_waiters: false,
            send_getack: false,
            ack_now: false,
            scratch: Vec::new(),
            master: None,
            failover: Default::default(),
            no_replicas_since: unix_secs(),
        }
    }
}

fn unix_secs() -> i64 {
    clock::now_ms() / 1000
}

pub(crate) fn random_hex40() -> String {
    (0..40)
        .map(|_| {
            let d = (crate::rand::next_u64() % 16) as u8;
            (if d < 10 { b'0' + d } else { b'a' + d - 10 }) as char
        })
        .collect()
}

fn backlog_size(srv: &Server) -> usize {
    srv.config
        .get("repl-backlog-size")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1 << 20)
}

/// Creates the backlog if there is none (the stream is consumed from now on).
pub(crate) fn ensure_backlog(srv: &mut Server) {
    if srv.repl.backlog.is_none() {
        srv.repl.backlog = Some(Backlog::new(backlog_size(srv)));
    }
    srv.propagation.repl = true;
}

/// Whether the stream has a consumer (a backlog exists).
#[inline]
pub fn active(srv: &Server) -> bool {
    srv.repl.backlog.is_some()
}

/// Appends one emitted command (in database `db`, -1: whatever was selected last) to the
/// stream: backlog and replicas (Redis's `replicationFeedSlaves`).
pub fn feed(srv: &mut Server, db: i64, argv: &[Bytes]) {
    // A replica proxies its master's stream instead (`replica::applied`).
    if srv.repl.backlog.is_none() || srv.repl.master.is_some() {
        return;
    }
    let mut buf = std::mem::take(&mut srv.repl.scratch);
    buf.clear();
    if srv.repl.seldb != db {
        let d = db.to_string();
        encode_command(
            &mut buf,
            &[Bytes::from_static(b"SELECT"), Bytes::from(d.into_bytes())],
        );
        srv.repl.seldb = db;
    }
    encode_command(&mut buf, argv);
    feed_raw(srv, &buf);
    srv.repl.scratch = buf;
}

pub(crate) fn feed_raw(srv: &mut Server, data: &[u8]) {
    if let Some(b) = srv.repl.backlog.as_mut() {
        b.append(data);
    }
    srv.repl.offset += data.len() as u64;
    for i in 0..srv.repl.replicas.len() {
        let cid = srv.repl.replicas[i];
        let Some(c) = srv.clients.get_mut(cid) else {
            continue;
        };
        let Some(link) = c.repl.as_mut() else {
            continue;
        };
        match link.state {
            State::Online if !link.hold_stream => {
                c.out.raw(data);
                srv.mark_pending_write(cid);
            }
            State::Online | State::WaitEnd | State::SendBulk => {
                link.pending.extend_from_slice(data)
            }
            State::WaitStart | State::Handshake => {}
        }
    }
}

/// A client went away: forget it as a replica or a waiter.
pub fn on_client_gone(srv: &mut Server, cid: usize) {
    replica::on_client_gone(srv, cid);
    if srv.clients.get(cid).is_some_and(|c| c.repl.is_some()) {
        srv.repl.replicas.retain(|&r| r != cid);
        if srv.repl.replicas.is_empty() {
            srv.repl.no_replicas_since = unix_secs();
        }
        if let Some(c) = srv.clients.get_mut(cid) {
            c.repl = None;
        }
    }
    srv.repl.waiters.retain(|w| w.cid != cid);
}

/// Whether `cid` is an attached replica (not just a client that sent REPLCONF).
pub fn is_replica(srv: &Server, cid: usize) -> bool {
    srv.clients
        .get(cid)
        .and_then(|c| c.repl.as_ref())
        .is_some_and(|l| l.state != State::Handshake)
}

fn link_mut(srv: &mut Server, cid: usize) -> &mut Link {
    let c = &mut srv.clients[cid];
    c.repl.get_or_insert_with(|| Box::new(Link::new()))
}

/// REPLCONF <option> <value> ...
fn cmd_replconf(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len().is_multiple_of(2) {
        return Err(Error::Syntax);
    }
    let cid = ctx.cid;
    for pair in argv[1..].chunks_exact(2) {
        let (opt, val) = (&pair[0], &pair[1]);
        let opt_l = opt.to_ascii_lowercase();
        match &opt_l[..] {
            b"listening-port" => {
                // Any integer, as Redis (stored like its int field).
                let port = crate::cmd::parse_int(val)?;
                link_mut(ctx.srv, cid).port = port as i32;
            }
            b"ip-address" => {
                let ip = String::from_utf8_lossy(val).into_owned();
                if ip.len() >= 46 {
                    return Err(Error::Text(format!(
                        "ERR REPLCONF ip-address provided by replica instance is too long: {} bytes",
                        ip.len()
                    )));
                }
                link_mut(ctx.srv, cid).ip = ip;
            }
            b"capa" => {
                let l = link_mut(ctx.srv, cid);
                if val.eq_ignore_ascii_case(b"eof") {
                    l.capa_eof = true;
                } else if val.eq_ignore_ascii_case(b"psync2") {
                    l.capa_psync2 = true;
                }
            }
            b"ack" => {
                // Only from an attached replica, and never replied to.
                if !is_replica(ctx.srv, cid) {
                    return Ok(());
                }
                let Ok(off) = crate::cmd::parse_int(val) else {
                    return Ok(());
                };
                let l = link_mut(ctx.srv, cid);
                if off as u64 > l.ack_off {
                    l.ack_off = off as u64;
                }
                l.ack_time = unix_secs();
                if l.hold_stream {
                    // The replica loaded the RDB: start the stream.
                    l.hold_stream = false;
                    let pending = std::mem::take(&mut l.pending);
                    let c = &mut ctx.srv.clients[cid];
                    c.out.raw(&pending);
                    ctx.srv.mark_pending_write(cid);
                }
                ctx.srv.repl.check_waiters = true;
                return Ok(());
            }
            b"getack" => {
                // From our master: ACK before the loop sleeps. No reply either way.
                if replica::is_master_client(ctx.srv, cid) {
                    ctx.srv.repl.ack_now = true;
                }
                return Ok(());
            }
            b"rdb-only" => {
                let v = crate::cmd::parse_int(val)?;
                if !(0..=1).contains(&v) {
                    return Err(Error::Msg(
                        "ERR value is out of range, value must between 0 and 1",
                    ));
                }
                link_mut(ctx.srv, cid).rdb_only = v == 1;
            }
            _ => {
                return Err(Error::Text(format!(
                    "ERR Unrecognized REPLCONF option: {}",
                    String::from_utf8_lossy(opt)
                )));
            }
        }
    }
    ctx.out.ok();
    Ok(())
}

/// SYNC, and PSYNC <replid> <offset> (Redis's `syncCommand`).
fn cmd_sync(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let cid = ctx.cid;
    if is_replica(ctx.srv, cid) {
        return Ok(());
    }
    // PSYNC <replid> <offset> FAILOVER: our master hands over to us (`failover`).
    if argv.len() > 3
        && argv[0].eq_ignore_ascii_case(b"psync")
        && argv[3].eq_ignore_ascii_case(b"failover")
    {
        failover::on_psync_failover(ctx.srv, &argv[1])?;
    }
    if failover::active(ctx.srv) {
        return Err(Error::Msg("NOMASTERLINK Can't SYNC while failing over"));
    }
    if replica::is_replica(ctx.srv) && !replica::link_up(ctx.srv) {
        return Err(Error::Msg(
            "NOMASTERLINK Can't SYNC while not connected with my master",
        ));
    }
    {
        let c = &ctx.srv.clients[cid];
        if c.has_unsent() || !ctx.out.is_empty() {
            return Err(Error::Msg(
                "ERR SYNC and PSYNC are invalid with pending output",
            ));
        }
    }
    let psync = argv[0].eq_ignore_ascii_case(b"psync");
    if psync {
        if try_partial(ctx, &argv[1], &argv[2]) {
            return Ok(());
        }
    } else {
        link_mut(ctx.srv, cid).old_sync = true;
    }
    let srv = &mut *ctx.srv;
    srv.repl.sync_full += 1;
    let now = clock::now_ms();
    {
        let l = link_mut(srv, cid);
        l.state = State::WaitStart;
        l.wait_since = now;
    }
    srv.repl.replicas.push(cid);
    if srv.repl.backlog.is_none() && srv.repl.master.is_none() {
        // The first replica: a new history (Redis's changeReplicationId +
        // clearReplicationId2 + createReplicationBacklog).
        srv.replid = random_hex40();
        srv.repl.replid2 = "0".repeat(40);
        srv.repl.second_offset = -1;
        ensure_backlog(srv);
        tracing::info!(
            "Replication backlog created, my new replication IDs are '{}' and '{}'",
            srv.replid,
            srv.repl.replid2
        );
    }
    tracing::info!("Replica {} asks for synchronization", srv.clients[cid].addr);
    Ok(())
}

/// PSYNC's partial resynchronization (Redis's `masterTryPartialResynchronization`).
fn try_partial(ctx: &mut Ctx, replid: &[u8], offset: &[u8]) -> bool {
    let srv = &mut *ctx.srv;
    let Ok(off) = crate::cmd::parse_int(offset) else {
        return false;
    };
    let same = replid == srv.replid.as_bytes();
    let former = replid == srv.repl.replid2.as_bytes() && off <= srv.repl.second_offset;
    let fail = |srv: &mut Server| {
        if replid.first() != Some(&b'?') {
            srv.repl.sync_partial_err += 1;
        }
        false
    };
    if !same && !former {
        return fail(srv);
    }
    let Some(b) = srv.repl.backlog.as_ref() else {
        return fail(srv);
    };
    let first = srv.repl.offset + 1 - b.histlen();
    let off = off as u64;
    if off < first || off > srv.repl.offset + 1 {
        return fail(srv);
    }
    let tail = b.tail((srv.repl.offset + 1 - off) as usize);
    let cid = ctx.cid;
    let psync2 = link_mut(srv, cid).capa_psync2;
    if psync2 {
        ctx.out
            .raw(format!("+CONTINUE {}\r\n", srv.replid).as_bytes());
    } else {
        ctx.out.raw(b"+CONTINUE\r\n");
    }
    ctx.out.raw(&tail);
    let l = link_mut(srv, cid);
    l.state = State::Online;
    l.ack_time = unix_secs();
    srv.repl.replicas.push(cid);
    srv.repl.sync_partial_ok += 1;
    tracing::info!(
        "Partial resynchronization request from {} accepted. Sending {} bytes of backlog starting from offset {}.",
        srv.clients[cid].addr,
        tail.len(),
        off
    );
    true
}

/// Writes `data` to a socket with blocking `send`s (a replica's preamble, before forking).
fn write_all_fd(fd: RawFd, mut data: &[u8]) -> bool {
    while !data.is_empty() {
        // SAFETY: sending from a live buffer on a socket this process owns.
        let n = unsafe { libc::send(fd, data.as_ptr().cast(), data.len(), libc::MSG_NOSIGNAL) };
        if n < 0 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return false;
        }
        data = &data[n as usize..];
    }
    true
}

/// The RDB image written to several replica sockets at once (in the child).
struct Sockets {
    fds: Vec<(RawFd, bool)>,
}

impl std::io::Write for Sockets {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut any = false;
        for (fd, ok) in &mut self.fds {
            if *ok {
                *ok = write_all_fd(*fd, buf);
                any |= *ok;
            }
        }
        if any {
            Ok(buf.len())
        } else {
            Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Starts the full resync of every replica waiting for one whose socket is idle, if no child
/// runs (Redis's `startBgsaveForReplication`).
fn start_full_sync(srv: &mut Server) {
    if srv.children.has_active() {
        return;
    }
    let waiting: Vec<usize> = srv
        .repl
        .replicas
        .iter()
        .copied()
        .filter(|&cid| {
            srv.clients.get(cid).is_some_and(|c| {
                !c.closing
                    && !c.send_inflight
                    && !c.has_unsent()
                    && c.repl.as_ref().is_some_and(|l| l.state == State::WaitStart)
            })
        })
        .collect();
    if waiting.is_empty() {
        return;
    }
    let diskless = srv.config.get("repl-diskless-sync") == Some("yes")
        && waiting
            .iter()
            .all(|&cid| srv.clients[cid].repl.as_ref().is_some_and(|l| l.capa_eof));
    if diskless {
        let delay = srv
            .config
            .get("repl-diskless-sync-delay")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(5);
        let max = srv
            .config
            .get("repl-diskless-sync-max-replicas")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        let oldest = waiting
            .iter()
            .filter_map(|&cid| srv.clients[cid].repl.as_ref().map(|l| l.wait_since))
            .min()
            .unwrap_or(0);
        let enough = max > 0 && waiting.len() >= max;
        if !enough && clock::now_ms() - oldest < delay * 1000 {
            return;
        }
    }
    // The preamble, synchronously: the child may write to the socket right after.
    let mut fds = Vec::new();
    for &cid in &waiting {
        let c = &srv.clients[cid];
        let Some(l) = c.repl.as_ref() else { continue };
        let line = format!("+FULLRESYNC {} {}\r\n", srv.replid, srv.repl.offset);
        if !l.old_sync && !write_all_fd(c.fd, line.as_bytes()) {
            srv.close_client(cid);
            continue;
        }
        fds.push(c.fd);
        let c = &mut srv.clients[cid];
        if let Some(l) = c.repl.as_mut() {
            l.state = State::WaitEnd;
            l.diskless = diskless;
            l.pending.clear();
        }
    }
    if fds.is_empty() {
        return;
    }
    srv.repl.seldb = -1;
    let mut opts = crate::persist::snapshot::write_options(srv);
    let at = opts
        .aux
        .iter()
        .position(|(k, _)| k == "aof-base")
        .unwrap_or(opts.aux.len());
    let aux = [
        ("repl-stream-db".to_string(), "0".to_string()),
        ("repl-id".to_string(), srv.replid.clone()),
        ("repl-offset".to_string(), srv.repl.offset.to_string()),
    ];
    for (i, kv) in aux.into_iter().enumerate() {
        opts.aux.insert(at + i, kv);
    }
    let keys: u64 = srv.dbs.iter().map(|d| d.len() as u64).sum();
    let listeners: Vec<i32> = srv.listeners.iter().map(|(fd, _)| *fd).collect();
    let file = crate::persist::snapshot::rdb_filename(srv);
    let dbs = &srv.dbs;
    let child_file = file.clone();
    let forked = srv.children.fork(ChildKind::Replication, keys, |rep| {
        for fd in listeners {
            // SAFETY: closing the child's copy of a listening socket only.
            unsafe { libc::close(fd) };
        }
        if diskless {
            let mark = random_hex40();
            let mut w = Sockets {
                fds: fds.iter().map(|&fd| (fd, true)).collect(),
            };
            use std::io::Write;
            let head = format!("$EOF:{mark}\r\n");
            w.write_all(head.as_bytes())
                .and_then(|_| {
                    let mut progress = |keys| rep.progress(keys);
                    crate::persist::rdb::write_with_progress(dbs, &opts, &mut w, &mut progress)
                })
                .and_then(|_| w.write_all(mark.as_bytes()))
                .map_err(|e| format!("Diskless replication transfer failed: {e}"))?;
            rep.tick();
            Ok(0)
        } else {
            // As BGSAVE: CoW by bytes, progress (`current_save_keys_processed`) by keys.
            let rep = std::cell::RefCell::new(rep);
            crate::persist::snapshot::write_file(
                dbs,
                &opts,
                &child_file,
                &mut || rep.borrow_mut().tick(),
                &mut |keys| rep.borrow_mut().progress(keys),
            )
        }
    });
    match forked {
        Ok(pid) => {
            tracing::info!(
                "Starting BGSAVE for SYNC with target: {} (pid {pid})",
                if diskless { "replicas sockets" } else { "disk" }
            );
            srv.repl.disk_file = (!diskless).then_some(file);
        }
        Err(e) => {
            tracing::warn!("BGSAVE for replication failed: {e}");
            for cid in waiting {
                srv.close_client(cid);
            }
        }
    }
}

/// The replication child was reaped: stream the RDB file (disk-backed) or wait for the
/// replica's ACK (diskless), then the stream kept meanwhile (Redis's
/// `updateSlavesWaitingBgsave`).
pub fn child_done(srv: &mut Server, done: &ChildDone) {
    let file = srv.repl.disk_file.take();
    let ok = done.status == ChildStatus::Ok;
    if !ok {
        tracing::warn!("BGSAVE for replication failed: {:?}", done.status);
    }
    let list: Vec<usize> = srv.repl.replicas.clone();
    for cid in list {
        let Some(c) = srv.clients.get_mut(cid) else {
            continue;
        };
        let Some(l) = c.repl.as_mut() else { continue };
        if l.state != State::WaitEnd {
            continue;
        }
        if !ok {
            srv.close_client(cid);
            continue;
        }
        let Some(path) = &file else {
            // Diskless: the child sent the RDB.
            if l.rdb_only {
                c.flags |= crate::net::client::flag::CLOSE_AFTER_REPLY;
                srv.mark_pending_write(cid);
                continue;
            }
            l.state = State::Online;
            l.ack_time = unix_secs();
            l.hold_stream = true;
            tracing::info!(
                "Streamed RDB transfer with replica {} succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming",
                c.addr
            );
            continue;
        };
        // Each replica reads the file through its own descriptor (a later BGSAVE may
        // rename another file over the path; the open one stays valid).
        let opened = std::fs::File::open(path).and_then(|f| {
            let len = f.metadata()?.len();
            Ok((f, len))
        });
        let (f, len) = match opened {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!("SYNC failed. Can't open/stat DB after BGSAVE: {e}");
                srv.close_client(cid);
                continue;
            }
        };
        l.state = State::SendBulk;
        l.rdb_unsent = true;
        l.bulk = Some(Box::new(Bulk { file: f, left: len }));
        c.out.raw(format!("${len}\r\n").as_bytes());
        srv.mark_pending_write(cid);
    }
    pump_bulk(srv);
}

/// Chunk of the RDB file queued at a time, and the output level under which the next one is.
const BULK_CHUNK: usize = 1 << 20;
const BULK_LOW_WATER: usize = 4 << 20;

/// Queues more of the RDB file to replicas in `SendBulk` whose output drained, so the file is
/// never read whole into memory; a replica whose file is all queued goes online with the
/// stream kept meanwhile (Redis's `sendBulkToSlave` + `replicaPutOnline`). Called before the
/// loop sleeps (a send completion wakes the loop, so this follows the socket's pace).
fn pump_bulk(srv: &mut Server) {
    for i in 0..srv.repl.replicas.len() {
        let cid = srv.repl.replicas[i];
        let Some(c) = srv.clients.get_mut(cid) else {
            continue;
        };
        if c.closing || c.repl.as_ref().is_none_or(|l| l.state != State::SendBulk) {
            continue;
        }
        let mut failed = None;
        while c.pending_output() < BULK_LOW_WATER {
            let Some(b) = c.repl.as_mut().and_then(|l| l.bulk.as_mut()) else {
                break;
            };
            if b.left == 0 {
                break;
            }
            let n = (b.left as usize).min(BULK_CHUNK);
            let mut buf = vec![0u8; n];
            use std::io::Read;
            if let Err(e) = b.file.read_exact(&mut buf) {
                failed = Some(e);
                break;
            }
            b.left -= n as u64;
            c.push_shared(Bytes::from(buf));
        }
        if let Some(e) = failed {
            tracing::warn!("Read error sending DB to replica: {e}");
            srv.close_client(cid);
            continue;
        }
        let Some(l) = c.repl.as_mut() else { continue };
        if l.bulk.as_ref().is_some_and(|b| b.left == 0) {
            l.bulk = None;
            if l.rdb_only {
                // The RDB only (`redis-cli --rdb`): close once it is sent.
                l.pending = Vec::new();
                c.flags |= crate::net::client::flag::CLOSE_AFTER_REPLY;
            } else {
                let pending = std::mem::take(&mut l.pending);
                l.state = State::Online;
                l.ack_time = unix_secs();
                c.out.raw(&pending);
                tracing::info!("Synchronization with replica {} succeeded", c.addr);
            }
        }
        srv.mark_pending_write(cid);
    }
}

/// Periodic work: start waiting full syncs, PING replicas every `repl-ping-replica-period`,
/// follow `repl-backlog-size`.
pub fn cron(srv: &mut Server) {
    replica::cron(srv);
    failover::update(srv);
    backlog_ttl(srv);
    if srv.repl.backlog.is_none() {
        return;
    }
    let size = backlog_size(srv);
    if let Some(b) = srv.repl.backlog.as_mut()
        && b.size != size
    {
        b.resize(size);
    }
    start_full_sync(srv);
    // Replicas silent for longer than repl-timeout are dropped (old SYNC ones never ACK).
    let timeout = config_i64(srv, "repl-timeout", 60);
    let now_s = unix_secs();
    let dead: Vec<usize> = srv
        .repl
        .replicas
        .iter()
        .copied()
        .filter(|&cid| {
            srv.clients
                .get(cid)
                .and_then(|c| c.repl.as_ref())
                .is_some_and(|l| {
                    l.state == State::Online && !l.old_sync && now_s - l.ack_time > timeout
                })
        })
        .collect();
    for cid in dead {
        tracing::warn!("Disconnecting timedout replica (streaming sync)");
        srv.close_client(cid);
    }
    for i in 0..srv.repl.replicas.len() {
        let cid = srv.repl.replicas[i];
        if let Some(c) = srv.clients.get_mut(cid) {
            let idle = !c.send_inflight && c.chain.is_empty() && c.send_chain.is_empty();
            if let Some(l) = c.repl.as_mut()
                && l.rdb_unsent
                && idle
            {
                l.rdb_unsent = false;
            }
        }
    }
    let period = srv
        .config
        .get("repl-ping-replica-period")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(10);
    let now = clock::now_ms();
    // No PING while a failover pauses writes: it would move the offset the target must reach.
    if srv.repl.master.is_none()
        && !srv.repl.replicas.is_empty()
        && !failover::active(srv)
        && now - srv.repl.last_ping >= period * 1000
    {
        srv.repl.last_ping = now;
        let db = srv.repl.seldb;
        feed(srv, db, &[Bytes::from_static(b"PING")]);
    }
}

/// `repl-backlog-ttl`: a master without replicas for that many seconds frees its backlog
/// and takes a new replication id (its offset no longer advances, so the old id could
/// otherwise be continued at a wrong offset). A replica keeps its backlog: it may be promoted.
fn backlog_ttl(srv: &mut Server) {
    let ttl = config_i64(srv, "repl-backlog-ttl", 3600);
    if ttl == 0
        || srv.repl.backlog.is_none()
        || srv.repl.master.is_some()
        || !srv.repl.replicas.is_empty()
        || unix_secs() - srv.repl.no_replicas_since <= ttl
    {
        return;
    }
    srv.replid = random_hex40();
    srv.repl.replid2 = "0".repeat(40);
    srv.repl.second_offset = -1;
    srv.repl.backlog = None;
    srv.propagation.repl = false;
    tracing::info!("Replication backlog freed after {ttl} seconds without connected replicas.");
}

/// Before the loop sleeps: ask replicas for ACKs for new WAITs, release WAITs satisfied by
/// ACKs that arrived.
pub fn before_sleep(srv: &mut Server) {
    failover::update(srv);
    pump_bulk(srv);
    if std::mem::take(&mut srv.repl.ack_now) {
        replica::send_ack(srv);
    }
    // As Redis, no GETACK while a failover pauses writes (sent once it ends).
    if !failover::active(srv) && std::mem::take(&mut srv.repl.send_getack) {
        let db = srv.repl.seldb;
        feed(
            srv,
            db,
            &[
                Bytes::from_static(b"REPLCONF"),
                Bytes::from_static(b"GETACK"),
                Bytes::from_static(b"*"),
            ],
        );
    }
    if !std::mem::take(&mut srv.repl.check_waiters) {
        return;
    }
    let waiters = std::mem::take(&mut srv.repl.waiters);
    let mut keep = Vec::with_capacity(waiters.len());
    for w in waiters {
        if !crate::blocking::is_blocked(srv, w.cid) {
            continue;
        }
        let n = count_acks(srv, w.offset);
        if n >= w.num {
            crate::blocking::release_with(srv, w.cid, |out| out.int(n as i64));
        } else {
            keep.push(w);
        }
    }
    srv.repl.waiters.extend(keep);
}

fn config_i64(srv: &Server, name: &str, default: i64) -> i64 {
    srv.config
        .get(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Online replicas whose last ACK is at most `min-replicas-max-lag` seconds old (Redis's
/// `repl_good_slaves_count`).
pub fn good_replicas(srv: &Server) -> i64 {
    let lag = config_i64(srv, "min-replicas-max-lag", 10);
    let now = unix_secs();
    srv.repl
        .replicas
        .iter()
        .filter_map(|&cid| srv.clients.get(cid)?.repl.as_ref())
        .filter(|l| l.state == State::Online && now - l.ack_time <= lag)
        .count() as i64
}

/// `min-replicas-to-write` is set (with a non-zero `min-replicas-max-lag`) and we are a
/// master.
fn min_replicas_enabled(srv: &Server) -> bool {
    srv.config.min_replicas_to_write > 0
        && srv.repl.master.is_none()
        && config_i64(srv, "min-replicas-max-lag", 10) > 0
}

/// Writes are refused with -NOREPLICAS (Redis's `checkGoodReplicasStatus` failing).
pub fn writes_denied(srv: &Server) -> bool {
    min_replicas_enabled(srv) && good_replicas(srv) < srv.config.min_replicas_to_write
}

/// Redis's reply when `writes_denied`.
pub const NOREPLICAS: &str = "NOREPLICAS Not enough good replicas to write.";

/// Replicas that acknowledged at least `offset`.
fn count_acks(srv: &Server, offset: u64) -> u64 {
    srv.repl
        .replicas
        .iter()
        .filter_map(|&cid| srv.clients.get(cid)?.repl.as_ref())
        .filter(|l| l.state == State::Online && l.ack_off >= offset)
        .count() as u64
}

/// A WAIT's timeout: the number of replicas that acknowledged its offset.
pub fn wait_timeout_count(srv: &mut Server, cid: usize) -> i64 {
    let Some(i) = srv.repl.waiters.iter().position(|w| w.cid == cid) else {
        return 0;
    };
    let w = srv.repl.waiters.swap_remove(i);
    count_acks(srv, w.offset) as i64
}

/// WAIT numreplicas timeout
fn cmd_wait(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if replica::is_replica(ctx.srv) {
        return Err(Error::Msg(
            "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.",
        ));
    }
    let num = crate::cmd::parse_int(&argv[1])?;
    let timeout = crate::protocol::parse_i64(&argv[2])
        .ok_or(Error::Msg("ERR timeout is not an integer or out of range"))?;
    if timeout < 0 {
        return Err(Error::Msg("ERR timeout is negative"));
    }
    // The offset after this client's previous command (Redis's `c->woff`).
    let offset = ctx.srv.clients[ctx.cid].woff;
    let acked = count_acks(ctx.srv, offset);
    if acked as i64 >= num || !ctx.may_block() {
        ctx.out.int(acked as i64);
        return Ok(());
    }
    let deadline = if timeout == 0 {
        0
    } else {
        clock::now_ms() + timeout
    };
    ctx.srv.repl.waiters.retain(|w| w.cid != ctx.cid);
    ctx.srv.repl.waiters.push(Waiter {
        cid: ctx.cid,
        offset,
        num: num as u64,
    });
    ctx.srv.repl.send_getack = true;
    ctx.block(&[], deadline, "wait");
    Ok(())
}

/// ROLE
fn cmd_role(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let srv = &*ctx.srv;
    if let Some(m) = srv.repl.master.as_ref() {
        ctx.out.array(5);
        ctx.out.bulk(b"slave");
        ctx.out.bulk(m.host.as_bytes());
        ctx.out.int(m.port as i64);
        ctx.out.bulk(m.state_name().as_bytes());
        let off = if m.state == replica::LinkState::Connected {
            srv.repl.offset as i64
        } else {
            -1
        };
        ctx.out.int(off);
        return Ok(());
    }
    let online: Vec<(String, i32, u64)> = srv
        .repl
        .replicas
        .iter()
        .filter_map(|&cid| {
            let c = srv.clients.get(cid)?;
            let l = c.repl.as_ref()?;
            (l.state == State::Online).then(|| (replica_ip(c, l), l.port, l.ack_off))
        })
        .collect();
    ctx.out.array(3);
    ctx.out.bulk(b"master");
    ctx.out.int(srv.repl.offset as i64);
    ctx.out.array(online.len());
    for (ip, port, off) in online {
        ctx.out.array(3);
        ctx.out.bulk(ip.as_bytes());
        ctx.out.bulk(port.to_string().as_bytes());
        ctx.out.bulk(off.to_string().as_bytes());
    }
    Ok(())
}

pub(crate) fn replica_ip(c: &crate::net::client::Client, l: &Link) -> String {
    if !l.ip.is_empty() {
        return l.ip.clone();
    }
    c.addr
        .rsplit_once(':')
        .map(|(ip, _)| ip.trim_start_matches('[').trim_end_matches(']').to_string())
        .unwrap_or_default()
}

/// The `# Replication` section of INFO, in Redis's order.
pub fn info(srv: &Server, s: &mut String) {
    use std::fmt::Write;
    s.push_str("# Replication\r\n");
    if let Some(m) = srv.repl.master.as_ref() {
        let up = m.state == replica::LinkState::Connected;
        let now_ms = clock::now_ms();
        let _ = write!(
            s,
            "role:slave\r\nmaster_host:{}\r\nmaster_port:{}\r\nmaster_link_status:{}\r\n\
             master_last_io_seconds_ago:{}\r\nmaster_sync_in_progress:{}\r\n\
             slave_read_repl_offset:{}\r\nslave_repl_offset:{}\r\n",
            m.host,
            m.port,
            if up { "up" } else { "down" },
            // Redis: only while a master client exists (the link is up).
            if up { (now_ms - m.last_io) / 1000 } else { -1 },
            (m.state == replica::LinkState::Transfer) as u8,
            srv.repl.offset,
            srv.repl.offset,
        );
        if let Some((total, read)) = m.sync_progress() {
            let perc = if total > 0 {
                read as f64 / total as f64 * 100.0
            } else {
                0.0
            };
            let _ = write!(
                s,
                "master_sync_total_bytes:{total}\r\nmaster_sync_read_bytes:{read}\r\n\
                 master_sync_left_bytes:{}\r\nmaster_sync_perc:{perc:.2}\r\n\
                 master_sync_last_io_seconds_ago:{}\r\n",
                total - read,
                (now_ms - m.last_io) / 1000
            );
        }
        if !up {
            let since = if m.down_since == 0 {
                -1
            } else {
                (now_ms - m.down_since) / 1000
            };
            let _ = write!(s, "master_link_down_since_seconds:{since}\r\n");
        }
        let _ = write!(
            s,
            "slave_priority:{}\r\nslave_read_only:{}\r\nreplica_announced:{}\r\n",
            srv.config.get("replica-priority").unwrap_or("100"),
            (srv.config.get("replica-read-only") != Some("no")) as u8,
            (srv.config.get("replica-announced") != Some("no")) as u8,
        );
    } else {
        s.push_str("role:master\r\n");
    }
    let _ = write!(s, "connected_slaves:{}\r\n", srv.repl.replicas.len());
    if min_replicas_enabled(srv) {
        let _ = write!(s, "min_slaves_good_slaves:{}\r\n", good_replicas(srv));
    }
    let now = unix_secs();
    for (i, &cid) in srv.repl.replicas.iter().enumerate() {
        let Some(c) = srv.clients.get(cid) else {
            continue;
        };
        let Some(l) = c.repl.as_ref() else { continue };
        let state = match l.state {
            State::WaitStart | State::Handshake => "wait_bgsave",
            State::WaitEnd => "wait_bgsave",
            State::SendBulk => "send_bulk",
            State::Online => "online",
        };
        // Redis reports a lag only for online replicas.
        let lag = if l.state == State::Online {
            now - l.ack_time
        } else {
            0
        };
        let _ = write!(
            s,
            "slave{i}:ip={},port={},state={state},offset={},lag={lag}\r\n",
            replica_ip(c, l),
            l.port,
            l.ack_off,
        );
    }
    let (active, first, hist) = match &srv.repl.backlog {
        Some(b) => (1, srv.repl.offset + 1 - b.histlen(), b.histlen()),
        None => (0, 0, 0),
    };
    let _ = write!(
        s,
        "master_failover_state:{}\r\nmaster_replid:{}\r\nmaster_replid2:{}\r\n\
         master_repl_offset:{}\r\nsecond_repl_offset:{}\r\nrepl_backlog_active:{active}\r\n\
         repl_backlog_size:{}\r\nrepl_backlog_first_byte_offset:{first}\r\n\
         repl_backlog_histlen:{hist}\r\n",
        failover::state_name(srv),
        srv.replid,
        srv.repl.replid2,
        srv.repl.offset,
        srv.repl.second_offset,
        backlog_size(srv),
    );
}

pub static COMMANDS: &[Command] = &[
    Command::new(
        "replconf",
        -1,
        ADMIN | NOSCRIPT | LOADING | STALE | ALLOW_BUSY,
        NO_KEYS,
        cmd_replconf,
    ),
    Command::new(
        "psync",
        -3,
        ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI,
        NO_KEYS,
        cmd_sync,
    ),
    Command::new(
        "sync",
        1,
        ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI,
        NO_KEYS,
        cmd_sync,
    ),
    Command::new("wait", 3, NOSCRIPT, NO_KEYS, cmd_wait),
    Command::new(
        "replicaof",
        3,
        ADMIN | NOSCRIPT | STALE | NO_ASYNC_LOADING,
        NO_KEYS,
        replica::cmd_replicaof,
    ),
    Command::new(
        "slaveof",
        3,
        ADMIN | NOSCRIPT | STALE | NO_ASYNC_LOADING,
        NO_KEYS,
        replica::cmd_replicaof,
    ),
    Command::new(
        "failover",
        -1,
        ADMIN | NOSCRIPT | STALE,
        NO_KEYS,
        failover::cmd_failover,
    ),
    Command::new(
        "role",
        1,
        NOSCRIPT | LOADING | STALE | FAST,
        NO_KEYS,
        cmd_role,
    ),
];
