//! RDB snapshots wired into the server (Redis's `rdbSave`, `rdbSaveBackground`,
//! `backgroundSaveDoneHandler`, the save points of `serverCron`, `rdbLoad` at start-up).
//!
//! - `rdb_save`: a blocking save in this process (SAVE, SHUTDOWN, FLUSHALL, DEBUG RELOAD).
//! - `bgsave`: forks a child (`persist::child`) that writes the image; the parent keeps
//!   serving and `bgsave_done` does the bookkeeping when the cron reaps the child.
//! - `cron`: save points (`save <seconds> <changes>`, driven by `Server::dirty`), the retry
//!   delay after a failed BGSAVE, and a BGSAVE scheduled while another child ran.
//! - `load_at_startup`: loads `dir`/`dbfilename` before the server accepts clients.
//! - `writes_denied`: the `-MISCONF` condition (`stop-writes-on-bgsave-error`).
//!
//! Files are written as `temp-<pid>.rdb` in the working directory (`dir`), fsynced, then
//! renamed over `dbfilename` (`child::write_atomically`): a crash never leaves a torn file.
//! Every value read from the configuration is read at the time it is used, so CONFIG SET of
//! `save`, `dbfilename`, `rdbcompression`, `stop-writes-on-bgsave-error` applies at once.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::keyspace::{Db, clock};
use crate::persist::child::{AtomicWriteError, ChildDone, ChildKind, ChildStatus};
use crate::persist::rdb;
use crate::server::Server;

/// Seconds to wait before retrying a save point after a failed BGSAVE
/// (Redis's CONFIG_BGSAVE_RETRY_DELAY).
pub const BGSAVE_RETRY_DELAY: i64 = 5;

/// Snapshot bookkeeping (the `server.lastsave`, `lastbgsave_status`, ... of Redis).
#[derive(Debug, Clone)]
pub struct RdbState {
    /// Unix seconds of the last successful save (start-up counts as one, as in Redis).
    pub lastsave: i64,
    /// Whether the last BGSAVE succeeded (`rdb_last_bgsave_status`).
    pub lastbgsave_ok: bool,
    /// Unix seconds of the last BGSAVE attempt.
    pub lastbgsave_try: i64,
    /// `dirty` when the running BGSAVE started: what is left once it succeeds.
    pub dirty_before_bgsave: u64,
    /// Unix seconds the running BGSAVE started.
    pub save_time_start: i64,
    /// Duration of the last BGSAVE in seconds, -1 if none (`rdb_last_bgsave_time_sec`).
    pub save_time_last: i64,
    /// SAVE and BGSAVE started (`rdb_saves`).
    pub saves: u64,
    /// Copy-on-write bytes of the last successful BGSAVE (`rdb_last_cow_size`).
    pub last_cow_size: u64,
    pub last_load_keys_loaded: u64,
    pub last_load_keys_expired: u64,
    /// BGSAVE SCHEDULE asked for a save while another child ran.
    pub bgsave_scheduled: bool,
}

impl Default for RdbState {
    fn default() -> Self {
        RdbState {
            lastsave: clock::now_ms() / 1000,
            lastbgsave_ok: true,
            lastbgsave_try: 0,
            dirty_before_bgsave: 0,
            save_time_start: -1,
            save_time_last: -1,
            saves: 0,
            last_cow_size: 0,
            last_load_keys_loaded: 0,
            last_load_keys_expired: 0,
            bgsave_scheduled: false,
        }
    }
}

fn unix_now() -> i64 {
    clock::update() / 1000
}

/// The configured save points, `(seconds, changes)`.
pub fn save_points(srv: &Server) -> Vec<(i64, u64)> {
    let text = srv.config.get("save").unwrap_or("");
    let nums: Vec<&str> = text.split_ascii_whitespace().collect();
    nums.chunks_exact(2)
        .filter_map(|p| Some((p[0].parse().ok()?, p[1].parse().ok()?)))
        .collect()
}

/// Whether any save point is configured (Redis's `saveparamslen > 0`).
pub fn has_save_points(srv: &Server) -> bool {
    srv.config.get("save").is_some_and(|s| !s.trim().is_empty())
}

/// The dump file, relative to the working directory (`dir`).
pub fn rdb_filename(srv: &Server) -> PathBuf {
    PathBuf::from(srv.config.get("dbfilename").unwrap_or("dump.rdb"))
}

/// The aux fields Redis writes (`rdbSaveInfoAuxFields`). Without a replication backlog Redis
/// passes no save info, so `repl-stream-db`, `repl-id` and `repl-offset` are not written.
pub fn aux_fields() -> Vec<(String, String)> {
    vec![
        ("redis-ver".into(), crate::REDIS_COMPAT_VERSION.into()),
        ("redis-bits".into(), (usize::BITS as usize).to_string()),
        ("ctime".into(), (clock::update() / 1000).to_string()),
        ("used-mem".into(), crate::alloc::used_memory().to_string()),
        ("aof-base".into(), "0".into()),
    ]
}

/// How files are written: DUMP's value options (one source, `family::dump`) plus the file's
/// own settings (checksum, aux fields, IDLE opcodes under an LRU policy).
pub fn write_options(srv: &Server) -> rdb::WriteOptions {
    rdb::WriteOptions {
        checksum: srv.config.get("rdbchecksum") != Some("no"),
        aux: aux_fields(),
        save_lru: srv
            .config
            .get("maxmemory-policy")
            .is_some_and(|p| p.ends_with("-lru")),
        functions: srv
            .scripting
            .functions
            .libraries
            .iter()
            .map(|l| l.code.clone())
            .collect(),
        key_save_delay: srv
            .config
            .get("rdb-key-save-delay")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        ..crate::family::dump::write_options(srv)
    }
}

/// How files are loaded: expired keys skipped (we are a master), encodings converted at
/// the configured thresholds (the same as RESTORE's, `family::dump`).
pub fn load_options(srv: &Server) -> rdb::LoadOptions {
    rdb::LoadOptions {
        skip_expired: true,
        now_ms: clock::update(),
        skip_checksum: srv.config.get("rdbchecksum") == Some("no"),
        keep_functions: true,
        ..crate::family::dump::load_options(srv)
    }
}

fn cwd() -> String {
    std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

fn strerror(e: &std::io::Error) -> String {
    crate::family::server::strerror(e)
}

/// Writes the image of `dbs` to `filename` through `temp-<pid>.rdb` (Redis's `rdbSave`
/// without the bookkeeping). Errors carry Redis's log message. Plain blocking syscalls: safe
/// in a forked child.
///
/// `tick` is called after every MiB written (a child reports its CoW size from it), and
/// `progress` with the keys written so far (see `rdb::write_with_progress`).
pub fn write_file(
    dbs: &[Db],
    opts: &rdb::WriteOptions,
    filename: &Path,
    tick: &mut dyn FnMut(),
    progress: &mut dyn FnMut(u64),
) -> Result<u64, String> {
    let tmp = PathBuf::from(format!("temp-{}.rdb", std::process::id()));
    let fill = |w: &mut dyn Write| {
        let mut w = Ticking {
            inner: w,
            since: 0,
            tick,
        };
        rdb::write_with_progress(dbs, opts, &mut w, progress)
    };
    crate::persist::child::write_atomically(&tmp, filename, fill).map_err(|e| match e {
        AtomicWriteError::Open(e) => format!(
            "Failed opening the temp RDB file {} (in server root dir {}) for saving: {}",
            tmp.display(),
            cwd(),
            strerror(&e)
        ),
        AtomicWriteError::Write(e) => {
            format!("Write error saving DB on disk: {}", strerror(&e))
        }
        AtomicWriteError::Rename(e) => format!(
            "Error moving temp DB file {} on the final destination {} (in server root dir {}): {}",
            tmp.display(),
            filename.display(),
            cwd(),
            strerror(&e)
        ),
    })
}

/// Calls `tick` after every MiB passed to `inner`.
struct Ticking<'a> {
    inner: &'a mut dyn Write,
    since: usize,
    tick: &'a mut dyn FnMut(),
}

impl Write for Ticking<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.since += n;
        if self.since >= 1 << 20 {
            self.since = 0;
            (self.tick)();
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A blocking save (Redis's `rdbSave`): on success the dirty counter restarts and
/// `lastsave` moves. A failure is logged and leaves the state as it was.
pub fn rdb_save(srv: &mut Server) -> bool {
    let opts = write_options(srv);
    let file = rdb_filename(srv);
    match write_file(&srv.dbs, &opts, &file, &mut || {}, &mut |_| {}) {
        Ok(_) => {
            tracing::info!("DB saved on disk");
            srv.dirty = 0;
            srv.rdb.lastsave = unix_now();
            srv.rdb.lastbgsave_ok = true;
            true
        }
        Err(msg) => {
            tracing::warn!("{msg}");
            false
        }
    }
}

/// Starts a background save (Redis's `rdbSaveBackground`), returning the child's pid. Fails
/// (None) when a child already runs or fork fails (then `rdb_last_bgsave_status` becomes `err`).
pub fn bgsave(srv: &mut Server) -> Option<i32> {
    if srv.children.has_active() {
        return None;
    }
    srv.rdb.saves += 1;
    srv.rdb.dirty_before_bgsave = srv.dirty;
    srv.rdb.lastbgsave_try = unix_now();
    let opts = write_options(srv);
    let file = rdb_filename(srv);
    let keys: u64 = srv.dbs.iter().map(|d| d.len() as u64).sum();
    // Like Redis's child, close our copies of the listening sockets so a restarted parent can
    // bind the port. (Client sockets are left alone, as in Redis: a slot's fd may already be
    // closed and its number reused, e.g. by the report pipe.)
    let sockets: Vec<i32> = srv.listeners.iter().map(|(fd, _)| *fd).collect();
    let dbs = &srv.dbs;
    let forked = srv.children.fork(ChildKind::Rdb, keys, |rep| {
        for fd in sockets {
            // SAFETY: closing this (child) process's copy of a socket; the parent's copy is
            // unaffected (no shutdown(), only this process's descriptor goes).
            unsafe { libc::close(fd) };
        }
        // Both callbacks report through the one reporter: tick (CoW) by bytes, progress by keys.
        let rep = std::cell::RefCell::new(rep);
        let n = write_file(
            dbs,
            &opts,
            &file,
            &mut || rep.borrow_mut().tick(),
            &mut |keys| rep.borrow_mut().progress(keys),
        )?;
        tracing::info!("DB saved on disk");
        Ok(n)
    });
    match forked {
        Ok(pid) => {
            tracing::info!("Background saving started by pid {pid}");
            srv.rdb.save_time_start = unix_now();
            Some(pid)
        }
        Err(e) => {
            srv.rdb.lastbgsave_ok = false;
            tracing::warn!("Can't save in background: fork: {}", strerror(&e));
            None
        }
    }
}

/// A BGSAVE child was reaped (Redis's `backgroundSaveDoneHandlerDisk`).
pub fn bgsave_done(srv: &mut Server, done: &ChildDone) {
    match done.status {
        ChildStatus::Ok => {
            tracing::info!("Background saving terminated with success");
            srv.dirty = srv.dirty.saturating_sub(srv.rdb.dirty_before_bgsave);
            srv.rdb.lastsave = unix_now();
            srv.rdb.lastbgsave_ok = true;
            srv.rdb.last_cow_size = done.cow_size;
        }
        ChildStatus::Failed(_) => {
            tracing::warn!("Background saving error");
            srv.rdb.lastbgsave_ok = false;
        }
        ChildStatus::Signaled(_) | ChildStatus::Killed => {
            let sig = match done.status {
                ChildStatus::Signaled(s) => s,
                _ => libc::SIGUSR1,
            };
            tracing::warn!("Background saving terminated by signal {sig}");
            let _ = crate::persist::unlink::bg_unlink(Path::new(&format!("temp-{}.rdb", done.pid)));
            // SIGUSR1 is how we stop a child on purpose: not an error.
            if done.status != ChildStatus::Killed {
                srv.rdb.lastbgsave_ok = false;
            }
        }
    }
    srv.rdb.save_time_last = (unix_now() - srv.rdb.save_time_start).max(0);
    srv.rdb.save_time_start = -1;
}

/// Stops a running BGSAVE child and does its bookkeeping (Redis's `killRDBChild`; we wait
/// for it so it can never rename its file over a newer one).
pub fn kill_bgsave(srv: &mut Server) {
    if srv.children.active_kind() == Some(ChildKind::Rdb)
        && let Some(done) = srv.children.kill()
    {
        bgsave_done(srv, &done);
    }
}

/// From the cron when no child runs: save points, the retry delay after a failed BGSAVE, and
/// a scheduled BGSAVE (Redis's `serverCron`).
pub fn cron(srv: &mut Server) {
    if srv.children.has_active() {
        return;
    }
    let now = unix_now();
    let retry_ok = now - srv.rdb.lastbgsave_try > BGSAVE_RETRY_DELAY || srv.rdb.lastbgsave_ok;
    for (seconds, changes) in save_points(srv) {
        if srv.dirty >= changes && now - srv.rdb.lastsave > seconds && retry_ok {
            tracing::info!("{changes} changes in {seconds} seconds. Saving...");
            let _ = bgsave(srv);
            return;
        }
    }
    if srv.rdb.bgsave_scheduled && retry_ok && bgsave(srv).is_some() {
        srv.rdb.bgsave_scheduled = false;
    }
}

/// Whether write commands (and PING) are refused with `-MISCONF`
/// (Redis's `writeCommandsDeniedByDiskError`, RDB part).
pub fn writes_denied(srv: &Server) -> bool {
    !srv.rdb.lastbgsave_ok
        && srv.config.get("stop-writes-on-bgsave-error") != Some("no")
        && has_save_points(srv)
}

/// Redis's `shared.bgsaveerr`.
pub const MISCONF_ERROR: &str = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/// Loads `file` into `dbs` (fresh databases), logging as Redis's `rdbLoad`. `Ok(None)` when
/// the file does not exist.
pub fn load_file(
    file: &Path,
    dbs: &mut [Db],
    opts: &rdb::LoadOptions,
) -> Result<Option<rdb::LoadSummary>, String> {
    let bytes = match crate::persist::mapped::Mapped::open(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "Fatal error loading the DB: {}. Exiting.",
                strerror(&e)
            ));
        }
    };
    let summary = rdb::load(&bytes[..], dbs, opts).map_err(|e| {
        format!(
            "Internal error in RDB reading offset {} of {} -> {}",
            e.offset,
            std::env::current_dir()
                .map(|d| d.join(file))
                .unwrap_or_else(|_| file.to_path_buf())
                .display(),
            e.message
        )
    })?;
    for (k, v) in &summary.aux {
        let v = String::from_utf8_lossy(v);
        match k.as_slice() {
            b"redis-ver" => tracing::info!("Loading RDB produced by version {v}"),
            b"ctime" => {
                let age = (clock::now_ms() / 1000 - v.parse::<i64>().unwrap_or(0)).max(0);
                tracing::info!("RDB age {age} seconds");
            }
            b"used-mem" => {
                let mem = v.parse::<i64>().unwrap_or(0) as f64 / (1024.0 * 1024.0);
                tracing::info!("RDB memory usage when created {mem:.2} Mb");
            }
            b"aof-base" if v != "0" => tracing::info!("RDB is base AOF"),
            _ => {}
        }
    }
    if summary.empty_keys_skipped > 0 {
        tracing::warn!(
            "Done loading RDB, keys loaded: {}, keys expired: {}, empty keys skipped: {}.",
            summary.keys_loaded,
            summary.keys_expired,
            summary.empty_keys_skipped
        );
    } else {
        tracing::info!(
            "Done loading RDB, keys loaded: {}, keys expired: {}.",
            summary.keys_loaded,
            summary.keys_expired
        );
    }
    Ok(Some(summary))
}

/// Links the function libraries an RDB file held (`replace`: a library of the same name is
/// replaced, as DEBUG RELOAD's RDBFLAGS_ALLOW_DUP).
fn install_functions(srv: &mut Server, codes: &[Vec<u8>], replace: bool) -> Result<(), String> {
    if codes.is_empty() {
        return Ok(());
    }
    let codes: Vec<bytes::Bytes> = codes
        .iter()
        .map(|c| bytes::Bytes::copy_from_slice(c))
        .collect();
    let policy = if replace {
        crate::script::functions::Policy::Replace
    } else {
        crate::script::functions::Policy::Append
    };
    srv.scripting
        .restore_libraries(&codes, policy)
        .map_err(|e| format!("Failed loading library: {e}"))
}

/// Start-up load of `dir`/`dbfilename` (Redis's `loadDataFromDisk`). A missing file is an
/// empty dataset; any other failure is an error naming what and where (the caller exits).
pub fn load_at_startup(srv: &mut Server) -> Result<(), String> {
    let start = Instant::now();
    let file = rdb_filename(srv);
    let opts = load_options(srv);
    match load_file(&file, &mut srv.dbs, &opts) {
        Ok(Some(summary)) => {
            install_functions(srv, &summary.functions, false)?;
            srv.rdb.last_load_keys_loaded = summary.keys_loaded;
            srv.rdb.last_load_keys_expired = summary.keys_expired;
            tracing::info!(
                "DB loaded from disk: {:.3} seconds",
                start.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) => {
            tracing::warn!("{e}");
            tracing::warn!("Terminating server after rdb file reading failure.");
            Err(e)
        }
    }
}

/// DEBUG RELOAD's options (Redis 7.0 `debugCommand`).
#[derive(Debug, Clone, Copy)]
pub struct Reload {
    /// Save the dataset first (not NOSAVE).
    pub save: bool,
    /// Empty the dataset (keys and functions) before loading (not NOFLUSH).
    pub flush: bool,
    /// MERGE: a key (or function library) already present is replaced by the file's
    /// (Redis's RDBFLAGS_ALLOW_DUP), also for a key the file holds twice.
    pub merge: bool,
}

/// Redis's reply when DEBUG RELOAD cannot load the file.
const RELOAD_FAILED: &str = "ERR Error trying to load the RDB dump";

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the dataset, load the file back.
///
/// The file is loaded into fresh databases first, then swapped in (flush) or moved key by key
/// into the live ones (NOFLUSH). As in Redis, a failed load after a flush leaves the dataset
/// empty. Deviation: where Redis stops the server (a key of the file already present with
/// NOFLUSH and without MERGE: "RDB has duplicated key"; a corrupt file), uredis logs it and
/// replies the error, and with NOFLUSH the dataset is left as it was.
pub fn debug_reload(srv: &mut Server, o: Reload) -> Result<(), &'static str> {
    if o.save && !rdb_save(srv) {
        return Err("ERR");
    }
    if o.flush {
        for db in 0..srv.dbs.len() {
            srv.touch_all_watched_keys(db, None);
        }
        // Redis's emptyData: tracking clients get the null invalidation.
        crate::tracking::invalidate_on_flush(srv);
        // The old contents are freed off the loop, like FLUSHALL ASYNC.
        let old: Vec<_> = srv.dbs.iter_mut().map(|d| d.flush()).collect();
        crate::keyspace::lazyfree::run(move || drop(old));
        if let Err(e) = srv
            .scripting
            .restore_libraries(&[], crate::script::functions::Policy::Flush)
        {
            tracing::warn!("{e}");
        }
    }
    let mut fresh: Vec<Db> = (0..srv.dbs.len()).map(Db::new).collect();
    let file = rdb_filename(srv);
    let opts = rdb::LoadOptions {
        allow_dup: o.merge,
        ..load_options(srv)
    };
    let summary = match load_file(&file, &mut fresh, &opts) {
        Ok(Some(summary)) => summary,
        Ok(None) => {
            tracing::warn!("Fatal error loading the DB: No such file or directory.");
            return Err(RELOAD_FAILED);
        }
        Err(e) => {
            tracing::warn!("{e}");
            return Err(RELOAD_FAILED);
        }
    };
    if !o.flush && !o.merge {
        // Checked before anything changes: the whole file goes in, or nothing does.
        for (i, (new, old)) in fresh.iter().zip(srv.dbs.iter_mut()).enumerate() {
            for (key, _) in new.iter() {
                if old.contains(key) {
                    tracing::warn!(
                        "RDB has duplicated key '{}' in DB {i}",
                        String::from_utf8_lossy(key)
                    );
                    return Err(RELOAD_FAILED);
                }
            }
        }
    }
    if let Err(e) = install_functions(srv, &summary.functions, o.merge || o.flush) {
        tracing::warn!("{e}");
        return Err(RELOAD_FAILED);
    }
    if o.flush {
        for (old, new) in srv.dbs.iter_mut().zip(fresh.iter_mut()) {
            old.swap_contents(new);
        }
    } else {
        for (old, new) in srv.dbs.iter_mut().zip(fresh.iter_mut()) {
            let keys: Vec<Vec<u8>> = new.iter().map(|(k, _)| k.to_vec()).collect();
            for k in keys {
                if let Some(entry) = new.remove(&k) {
                    old.put_entry(&k, entry);
                }
            }
        }
    }
    srv.rdb.last_load_keys_loaded = summary.keys_loaded;
    srv.rdb.last_load_keys_expired = summary.keys_expired;
    tracing::warn!("DB reloaded by DEBUG RELOAD");
    Ok(())
}
