//! Propagation: what a command's effect looks like to replicas and the AOF (Redis's
//! `alsoPropagate` / `propagatePendingCommands`).
//!
//! `cmd::call` records every command that changed the dataset (the `dirty` counter moved) as
//! its argv, or as what the handler asked for with `Ctx::propagate_as` (a served `BLPOP` is
//! propagated as `LPOP`). When the top-level command ends, the recorded commands are emitted
//! as one unit: wrapped in MULTI/EXEC when there is more than one (an EXEC, a command that
//! served blocked clients). Replication and the AOF will be the consumers; today the only one
//! is the log `DEBUG PROPAGATED` reads, which tests use to check what would be sent.

use bytes::Bytes;

use super::Ctx;

/// Propagation state of the running top-level command.
#[derive(Default)]
pub struct Propagation {
    /// Recorded (db, argv) of the running top-level command.
    pending: Vec<(usize, Vec<Bytes>)>,
    /// Set by `Ctx::propagate_as` / `propagate_instead` for the command running now.
    rewrite: Option<Vec<Vec<Bytes>>>,
    /// Emitted commands, when recording is on (`DEBUG PROPAGATED ON`); bounded.
    pub log: Option<Vec<(usize, Vec<Bytes>)>>,
}

/// Most entries the debug log keeps.
const LOG_MAX: usize = 10_000;

impl Propagation {
    /// Records a finished command that changed the dataset.
    #[inline]
    pub(crate) fn record(&mut self, db: usize, argv: &[Bytes]) {
        let rewrite = self.rewrite.take();
        // Nothing consumes propagation unless recording is on: don't copy argv for nothing.
        if self.log.is_some() {
            match rewrite {
                Some(cmds) => self.pending.extend(cmds.into_iter().map(|c| (db, c))),
                None => self.pending.push((db, argv.to_vec())),
            }
        }
    }

    /// Drops a rewrite a command asked for but did not use (it changed nothing).
    pub(crate) fn clear_rewrite(&mut self) {
        self.rewrite = None;
    }

    /// Emits what the top-level command recorded.
    pub(crate) fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let Some(log) = self.log.as_mut() else {
            return;
        };
        let wrap = pending.len() > 1;
        let db = pending[0].0;
        if wrap {
            log.push((db, vec![Bytes::from_static(b"MULTI")]));
        }
        log.extend(pending);
        if wrap {
            log.push((db, vec![Bytes::from_static(b"EXEC")]));
        }
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
}
