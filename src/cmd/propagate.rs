//! Propagation: what a command's effect looks like to replicas and the AOF (Redis's
//! `alsoPropagate` / `propagatePendingCommands`).
//!
//! `cmd::call` records every command that changed the dataset (the `dirty` counter moved) as
//! its argv, or as what the handler asked for with `Ctx::propagate_as` (a served `BLPOP` is
//! propagated as `LPOP`). When the top-level command ends, the recorded commands are emitted
//! as one unit: wrapped in MULTI/EXEC when there is more than one (an EXEC, a command that
//! served blocked clients). `flush` hands each emitted command, with its database, to every
//! consumer: the AOF (`persist::aof::feed`), the log `DEBUG PROPAGATED` reads (tests), and
//! the replication backlog and replicas (`repl::feed`). Keys deleted by expiry are propagated as DEL (UNLINK with
//! `lazyfree-lazy-expire`), in the unit of the command that found them expired, or alone when
//! the cron's active expiry deleted them.

use bytes::Bytes;

use super::Ctx;

/// Propagation state of the running top-level command.
#[derive(Default)]
pub struct Propagation {
    /// Recorded (db, argv) of the running top-level command.
    pending: Vec<(usize, Vec<Bytes>)>,
    /// Indexes in `pending` of commands for replicas only (PUBLISH: Redis's
    /// `forceCommandPropagation(c, PROPAGATE_REPL)`).
    repl_only: Vec<usize>,
    /// Set by `Ctx::force_replication` for the command running now.
    pub(crate) force_repl: bool,
    /// Set by `Ctx::propagate_as` for the command running now.
    rewrite: Option<Vec<Bytes>>,
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
            let argv = rewrite.unwrap_or_else(|| argv.to_vec());
            self.pending.push((db, argv));
        }
    }

    /// Whether anything consumes propagated commands (handlers may skip building rewrites).
    #[inline]
    pub fn active(&self) -> bool {
        self.aof || self.repl || self.log.is_some()
    }

    /// Records the deletion of a key by expiry.
    pub(crate) fn record_expired(&mut self, db: usize, key: &[u8], lazyfree: bool) {
        if self.active() {
            let del: &'static [u8] = if lazyfree { b"UNLINK" } else { b"DEL" };
            self.pending.push((
                db,
                vec![Bytes::from_static(del), Bytes::copy_from_slice(key)],
            ));
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
        self.srv.propagation.rewrite = Some(argv);
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
