//! The coordinated failover of a master to one of its replicas (Redis 7.0's `failoverCommand`,
//! `updateFailoverStatus`, `abortFailover`, `clearFailoverState` in replication.c):
//! `FAILOVER [TO host port [FORCE]] [TIMEOUT ms] | ABORT`.
//!
//! States (INFO `master_failover_state`): `no-failover`; `waiting-for-sync`: writes are paused
//! and we wait for a replica (the one named by TO, else any) to acknowledge our whole stream
//! (`ack_off == master_repl_offset`), or for the timeout (FORCE: fail over anyway, else abort);
//! `failover-in-progress`: we became a replica of the target (`replica::set_master`) and the
//! handshake sends `PSYNC <replid> <offset> FAILOVER`, which makes the target a master (the
//! target side is in `on_psync_failover`); a `+CONTINUE`/`+FULLRESYNC` reply ends the failover,
//! anything else aborts it (we become a master again). Writes stay paused until the failover
//! ends either way.
//!
//! Write pause: while a failover is in progress, writes are paused through `crate::pause`
//! (purpose `Failover`, kind WRITE, no end time, as Redis's `pauseClients(PAUSE_DURING_FAILOVER,
//! LLONG_MAX, CLIENT_PAUSE_WRITE)`); held commands run again when it ends: after a successful
//! failover they meet -READONLY, as in Redis.
//!
//! Invariant: `state != None` exactly while the failover's write pause is set.

use bytes::Bytes;

use crate::cmd::{CmdResult, Ctx, Error};
use crate::keyspace::clock;
use crate::pause::{PauseKind, Purpose};
use crate::server::Server;

/// Redis's `failover_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum State {
    #[default]
    None,
    WaitForSync,
    InProgress,
}

/// The failover in progress, if any.
#[derive(Default)]
pub struct Failover {
    pub state: State,
    /// Unix ms; 0 = no timeout.
    end_time: i64,
    force: bool,
    /// The replica to fail over to (set by TO, or once one caught up).
    target: Option<(String, u16)>,
}

/// INFO `master_failover_state`.
pub fn state_name(srv: &Server) -> &'static str {
    match srv.repl.failover.state {
        State::None => "no-failover",
        State::WaitForSync => "waiting-for-sync",
        State::InProgress => "failover-in-progress",
    }
}

/// Whether a failover is in progress (writes paused, REPLICAOF and SYNC refused).
#[inline]
pub fn active(srv: &Server) -> bool {
    srv.repl.failover.state != State::None
}

fn pause_writes(srv: &mut Server) {
    srv.pause(Purpose::Failover, i64::MAX, PauseKind::Write);
}

fn unpause_writes(srv: &mut Server) {
    srv.unpause(Purpose::Failover);
}

/// Redis's `clearFailoverState`.
fn clear(srv: &mut Server) {
    let f = &mut srv.repl.failover;
    f.state = State::None;
    f.end_time = 0;
    f.force = false;
    f.target = None;
    unpause_writes(srv);
}

/// Redis's `abortFailover`.
pub fn abort(srv: &mut Server, why: &str) {
    let f = &srv.repl.failover;
    if f.state == State::None {
        return;
    }
    match &f.target {
        Some((h, p)) => tracing::info!("FAILOVER to {h}:{p} aborted: {why}"),
        None => tracing::info!("FAILOVER to any replica aborted: {why}"),
    }
    if f.state == State::InProgress {
        super::replica::unset_master(srv);
    }
    clear(srv);
}

/// Our PSYNC (sent with FAILOVER) was answered: `accepted` for +CONTINUE / +FULLRESYNC.
pub fn psync_answered(srv: &mut Server, accepted: bool) {
    if srv.repl.failover.state != State::InProgress {
        return;
    }
    if accepted {
        clear(srv);
    } else {
        abort(srv, "Failover target rejected psync request");
    }
}

/// Whether our PSYNC carries FAILOVER.
pub fn in_progress(srv: &Server) -> bool {
    srv.repl.failover.state == State::InProgress
}

/// The replica at host:port (Redis's `findReplica`: announced or peer address, listening port).
fn find_replica(srv: &Server, host: &str, port: u16) -> Option<usize> {
    srv.repl.replicas.iter().copied().find(|&cid| {
        srv.clients.get(cid).is_some_and(|c| {
            c.repl.as_ref().is_some_and(|l| {
                l.port == port as i32 && super::replica_ip(c, l).eq_ignore_ascii_case(host)
            })
        })
    })
}

/// Redis's `updateFailoverStatus`, from the cron and before the loop sleeps.
pub fn update(srv: &mut Server) {
    if srv.repl.failover.state != State::WaitForSync {
        return;
    }
    let now = clock::now_ms();
    let f = &srv.repl.failover;
    if f.end_time != 0 && f.end_time <= now {
        if f.force
            && let Some((host, port)) = f.target.clone()
        {
            tracing::info!("FAILOVER to {host}:{port} time out exceeded, failing over.");
            srv.repl.failover.state = State::InProgress;
            super::replica::set_master(srv, host, port);
        } else {
            abort(srv, "Replica never caught up before timeout");
        }
        return;
    }
    let offset = srv.repl.offset;
    let replica = match &f.target {
        Some((h, p)) => find_replica(srv, h, *p),
        None => {
            let found = srv.repl.replicas.iter().copied().find(|&cid| {
                srv.clients
                    .get(cid)
                    .and_then(|c| c.repl.as_ref())
                    .is_some_and(|l| l.ack_off == offset)
            });
            if let Some(cid) = found {
                let c = &srv.clients[cid];
                if let Some(l) = c.repl.as_ref() {
                    srv.repl.failover.target = Some((super::replica_ip(c, l), l.port as u16));
                }
            }
            found
        }
    };
    let caught_up = replica
        .and_then(|cid| srv.clients.get(cid)?.repl.as_ref())
        .is_some_and(|l| l.ack_off == offset);
    if caught_up && let Some((host, port)) = srv.repl.failover.target.clone() {
        srv.repl.failover.state = State::InProgress;
        tracing::info!("Failover target {host}:{port} is synced, failing over.");
        super::replica::set_master(srv, host, port);
    }
}

/// The target side: `PSYNC <replid> <offset> FAILOVER` from our master makes us a master if it
/// shares our history (then the PSYNC goes on as usual). Returns Err to refuse.
pub fn on_psync_failover(srv: &mut Server, replid: &[u8]) -> Result<(), Error> {
    tracing::warn!(
        "Failover request received for replid {}.",
        String::from_utf8_lossy(replid)
    );
    if !super::replica::is_replica(srv) {
        return Err(Error::Msg("ERR PSYNC FAILOVER can't be sent to a master."));
    }
    if !replid.eq_ignore_ascii_case(srv.replid.as_bytes()) {
        return Err(Error::Msg(
            "ERR PSYNC FAILOVER replid must match my replid.",
        ));
    }
    super::replica::unset_master(srv);
    tracing::info!("MASTER MODE enabled (failover request)");
    Ok(())
}

/// FAILOVER [TO host port [FORCE]] [TIMEOUT ms] | FAILOVER ABORT
pub fn cmd_failover(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() == 2 && argv[1].eq_ignore_ascii_case(b"abort") {
        if !active(ctx.srv) {
            return Err(Error::Msg("ERR No failover in progress."));
        }
        abort(ctx.srv, "Failover manually aborted");
        ctx.out.ok();
        return Ok(());
    }
    let mut timeout: i64 = 0;
    let mut force = false;
    let mut to: Option<(String, i64)> = None;
    let mut j = 1;
    while j < argv.len() {
        let a = &argv[j];
        if a.eq_ignore_ascii_case(b"timeout") && j + 1 < argv.len() && timeout == 0 {
            timeout = crate::cmd::parse_int(&argv[j + 1])?;
            if timeout <= 0 {
                return Err(Error::Msg("ERR FAILOVER timeout must be greater than 0"));
            }
            j += 2;
        } else if a.eq_ignore_ascii_case(b"to") && j + 2 < argv.len() && to.is_none() {
            let port = crate::cmd::parse_int(&argv[j + 2])?;
            to = Some((String::from_utf8_lossy(&argv[j + 1]).into_owned(), port));
            j += 3;
        } else if a.eq_ignore_ascii_case(b"force") && !force {
            force = true;
            j += 1;
        } else {
            return Err(Error::Syntax);
        }
    }
    let srv = &mut *ctx.srv;
    if active(srv) {
        return Err(Error::Msg("ERR FAILOVER already in progress."));
    }
    if super::replica::is_replica(srv) {
        return Err(Error::Msg(
            "ERR FAILOVER is not valid when server is a replica.",
        ));
    }
    if srv.repl.replicas.is_empty() {
        return Err(Error::Msg("ERR FAILOVER requires connected replicas."));
    }
    if force && (timeout == 0 || to.is_none()) {
        return Err(Error::Msg(
            "ERR FAILOVER with force option requires both a timeout and target HOST and IP.",
        ));
    }
    let mut target = None;
    if let Some((host, port)) = to {
        // A port out of range matches no replica, as in Redis.
        let port = u16::try_from(port).ok();
        let Some(cid) = port.and_then(|p| find_replica(srv, &host, p)) else {
            return Err(Error::Msg(
                "ERR FAILOVER target HOST and PORT is not a replica.",
            ));
        };
        let online = srv.clients[cid]
            .repl
            .as_ref()
            .is_some_and(|l| l.state == super::State::Online);
        if !online {
            return Err(Error::Msg("ERR FAILOVER target replica is not online."));
        }
        let port = port.unwrap_or(0);
        tracing::info!("FAILOVER requested to {host}:{port}.");
        target = Some((host, port));
    } else {
        tracing::info!("FAILOVER requested to any replica.");
    }
    let f = &mut srv.repl.failover;
    f.end_time = if timeout > 0 {
        clock::now_ms().saturating_add(timeout)
    } else {
        0
    };
    f.force = force;
    f.target = target;
    f.state = State::WaitForSync;
    pause_writes(srv);
    ctx.out.ok();
    Ok(())
}
