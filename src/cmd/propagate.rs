//! Propagation: what a command's effect looks like to replicas and the AOF (Redis's
//! `alsoPropagate` / `propagatePendingCommands`).
//!
//! `cmd::call` records every command that changed the dataset (the `dirty` counter moved) as
//! its argv, or as what the handler asked for with `Ctx::propagate_as` (a served `BLPOP` is
//! propagated as `LPOP`). When the top-level command ends, the recorded commands are emitted
//! as one unit: wrapped in MULTI/EXEC when there is more than one (an EXEC, a command that
//! served blocked clients). `flush` hands each emitted command, with its database, to every
//! consumer: the AOF (`persist::aof::feed`), the log `DEBUG PROPAGATED` reads (tests), and
//! later the replication backlog. Keys deleted by expiry are propagated as DEL (UNLINK with
//! `lazyfree-lazy-expire`), in the unit of the command that found them expired, or alone when
//! the cron's active expiry deleted them.

use bytes::Bytes;

use super::Ctx;

/// Propagation state of the running top-level command.
#[derive(Default)]
pub struct Propagation {
    /// Recorded (db, argv) of the running top-level command.
    pending: Vec<(usize, Vec<Bytes>)>,
    /// Set by `Ctx::propagate_as` / `propagate_instead` for the command running now.
    rewrite: Option<Vec<Vec<Bytes>>>,
    /// Indexes in `pending` of commands for replicas only (PUBLISH: Redis's
    /// `forceCommandPropagation(c, PROPAGATE_REPL)`).
    repl_only: Vec<usize>,
    /// Set by `Ctx::force_replication` for the command running now.
    pub(crate) force_repl: bool,
    /// Emitted commands, when recording is on (`DEBUG PROPAGATED ON`); bounded.
    pub log: Option<Vec<(usize, Vec<Bytes>)>>,
    /// The AOF consumes what is emitted.
    pub aof: bool,
    /// The replication backlog consumes what is emitted (`crate::repl::feed`).
    pub repl: bool,
}

/// Most entries the debug log keeps.
const LOG_MAX: usize = 10_000;

impl Propagation {
    /// Records a finished command that changed the dataset.
    #[inline]
    pub(crate) fn record(&mut self, db: usize, argv: &[Bytes]) {
        let rewrite = self.rewrite.take();
        // Don't copy argv when nothing consumes propagation.
        if self.active() {
            match rewrite {
                Some(cmds) => self.pending.extend(cmds.into_iter().map(|c| (db, c))),
                None => self.pending.push((db, argv.to_vec())),
            }
        }
    }

    /// Whether anything consumes propagated commands (handlers may skip building rewrites).
    #[inline]
    pub fn active(&self) -> bool {
        self.aof || self.repl || self.log.is_some()
    }

    /// Records the deletion of a key by expiry or eviction.
    pub(crate) fn record_expired(&mut self, db: usize, key: &[u8], lazyfree: bool) {
        if self.active() {
            let del: &'static [u8] = if lazyfree { b"UNLINK" } else { b"DEL" };
            self.pending.push((
                db,
                vec![Bytes::from_static(del), Bytes::copy_from_slice(key)],
            ));
        }
    }

    /// Sets aside what the running command recorded (eviction from inside a command, CONFIG
    /// SET maxmemory, emits its DELs on their own); put back with `restore`.
    pub(crate) fn set_aside(&mut self) -> Vec<(usize, Vec<Bytes>)> {
        std::mem::take(&mut self.pending)
    }

    /// Puts back what `set_aside` took, after anything recorded since.
    pub(crate) fn restore(&mut self, mut aside: Vec<(usize, Vec<Bytes>)>) {
        if !aside.is_empty() {
            aside.append(&mut self.pending);
            self.pending = aside;
        }
    }

    /// Drops a rewrite a command asked for but did not use (it changed nothing). A command
    /// that asked to reach replicas anyway (PUBLISH) is recorded for them only.
    pub(crate) fn clear_rewrite(&mut self, db: usize, argv: &[Bytes]) {
        self.rewrite = None;
        if std::mem::take(&mut self.force_repl) && self.repl {
            self.repl_only.push(self.pending.len());
            self.pending.push((db, argv.to_vec()));
        }
    }

    /// How many commands the running top-level command recorded so far.
    pub(crate) fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Forgets what was recorded after the first `n` (a script's `redis.set_repl(REPL_NONE)`).
    pub(crate) fn truncate_pending(&mut self, n: usize) {
        self.pending.truncate(n);
    }

    /// Sets aside what a running script recorded while the loop is polled for other clients.
    pub(crate) fn take_pending(&mut self) -> Vec<(usize, Vec<Bytes>)> {
        std::mem::take(&mut self.pending)
    }

    /// Puts back what `take_pending` set aside.
    pub(crate) fn restore_pending(&mut self, pending: Vec<(usize, Vec<Bytes>)>) {
        self.pending = pending;
    }
}

/// Emits what the top-level command recorded: one command alone, several wrapped in
/// MULTI/EXEC (in the database of the first), to every consumer.
pub(crate) fn flush(srv: &mut crate::server::Server) {
    if srv.propagation.pending.is_empty() {
        return;
    }
    let mut pending = std::mem::take(&mut srv.propagation.pending);
    let repl_only = std::mem::take(&mut srv.propagation.repl_only);
    let wrap = pending.len() > 1;
    let db = pending[0].0;
    if wrap {
        emit(srv, db, vec![Bytes::from_static(b"MULTI")], false);
    }
    for (i, (db, argv)) in pending.drain(..).enumerate() {
        emit(srv, db, argv, repl_only.contains(&i));
    }
    if wrap {
        emit(srv, db, vec![Bytes::from_static(b"EXEC")], false);
    }
    // Keep the allocation for the next command.
    if srv.propagation.pending.is_empty() {
        srv.propagation.pending = pending;
    }
}

/// Emits what was recorded one command at a time, without a MULTI/EXEC wrapper: the DELs of
/// evicted keys (Redis's `propagate_no_multi` in `performEvictions`).
pub(crate) fn flush_unwrapped(srv: &mut crate::server::Server) {
    if srv.propagation.pending.is_empty() {
        return;
    }
    let pending = std::mem::take(&mut srv.propagation.pending);
    for (db, argv) in pending {
        emit(srv, db, argv, false);
    }
}

/// Hands one emitted command to the consumers (`repl_only`: to replicas only).
fn emit(srv: &mut crate::server::Server, db: usize, argv: Vec<Bytes>, repl_only: bool) {
    if srv.propagation.repl {
        crate::repl::feed(srv, db as i64, &argv);
    }
    if repl_only {
        return;
    }
    if srv.aof.feeding() {
        srv.aof.feed(db, &argv);
    }
    if let Some(log) = srv.propagation.log.as_mut() {
        log.push((db, argv));
        if log.len() > LOG_MAX {
            let excess = log.len() - LOG_MAX;
            log.drain(..excess);
        }
    }
}

impl Ctx<'_> {
    /// Propagate `argv` instead of the command as sent, if this command changes the dataset
    /// (BLPOP served -> LPOP, BLMOVE -> LMOVE, ...).
    pub fn propagate_as(&mut self, argv: Vec<Bytes>) {
        self.srv.propagation.rewrite = Some(vec![argv]);
    }

    /// Propagate `cmds` (possibly none) instead of the command as sent, if this command
    /// changes the dataset (XREADGROUP -> XCLAIM ... / XGROUP SETID, as Redis's
    /// `alsoPropagate` with `preventCommandPropagation`).
    pub fn propagate_instead(&mut self, cmds: Vec<Vec<Bytes>>) {
        self.srv.propagation.rewrite = Some(cmds);
    }

    /// Propagate this command to replicas even though it changes no data (PUBLISH).
    pub fn force_replication(&mut self) {
        self.srv.propagation.force_repl = true;
    }

    /// Whether anything consumes propagation (a handler can skip building a rewrite).
    #[inline]
    pub fn propagating(&self) -> bool {
        self.srv.propagation.active()
    }
}
