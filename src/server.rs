//! The single-threaded server: all state (clients, databases, configuration, statistics) and the
//! event loop that drives it.
//!
//! One iteration of the loop, like Redis's `aeMain` + `beforeSleep`:
//!   1. submit queued operations and wait, in one `io_uring_enter`, for a completion or the next
//!      cron tick (`hz`);
//!   2. handle every completion: accept new clients, parse and execute every complete request
//!      a receive delivered, note which clients have replies;
//!   3. run the cron if due (active expiry, incremental rehashing, client timeouts, stats);
//!   4. queue one send per client with pending replies (all replies of a read go out together).
//!
//! Nothing here is shared with another thread: handlers get `&mut Server` for the duration of a
//! command, and nothing is locked.

use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use slab::Slab;

use crate::config::Config;
use crate::keyspace::{Db, clock};
use crate::net::client::Client;
use crate::protocol::Arg;
use crate::runtime::{Completion, Ring};
use crate::stats::Stats;

/// Set by SIGTERM/SIGINT; the loop notices it within one cron tick.
pub static SIGNAL_SHUTDOWN: AtomicBool = AtomicBool::new(false);
/// The signal that set `SIGNAL_SHUTDOWN`.
static SIGNAL_RECEIVED: AtomicI32 = AtomicI32::new(0);

/// A shutdown that passed `prepare_for_shutdown` (the final save is done, or not wanted):
/// the loop closes everything and exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    Ready,
}

/// SHUTDOWN's modifiers (Redis's `SHUTDOWN_*` flags), also derived from
/// `shutdown-on-sigterm` / `shutdown-on-sigint` for signals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShutdownFlags {
    pub save: bool,
    pub nosave: bool,
    pub now: bool,
    pub force: bool,
}

pub struct Server {
    pub config: Config,
    pub dbs: Vec<Db>,
    pub clients: Slab<Client>,
    pub stats: Stats,
    /// Changes to the dataset since start (Redis's `server.dirty`).
    pub dirty: u64,
    pub started: Instant,
    pub start_unix_ms: i64,
    pub run_id: String,
    /// Replication ID (INFO `master_replid`).
    pub replid: String,
    /// Active expiry in the cron (DEBUG SET-ACTIVE-EXPIRE 0 turns it off).
    pub active_expire_enabled: bool,
    /// State of the active expiry cycles (slow from cron, fast between iterations).
    pub expire_cycle: crate::keyspace::db::ExpireCycle,
    /// maxmemory eviction (`crate::evict`).
    pub evict: crate::evict::Evictor,
    pub next_client_id: u64,
    pub shutdown: Option<Shutdown>,
    pub ring: Ring,
    /// Listening sockets: (fd, address as text).
    pub listeners: Vec<(RawFd, String)>,
    /// TLS configuration and listeners (`crate::net::tls`).
    pub tls: crate::net::tls::TlsState,
    /// The TCP port actually bound.
    pub port: u16,
    pub cronloops: u64,
    /// Blocked clients and their timeouts (`crate::blocking`).
    pub blocking: crate::blocking::Blocking,
    /// The forked child (BGSAVE, BGREWRITEAOF), at most one (`crate::persist::child`).
    pub children: crate::persist::child::Children,
    /// RDB snapshot bookkeeping (`crate::persist::snapshot`).
    pub rdb: crate::persist::snapshot::RdbState,
    /// Channel and pattern subscriptions (`crate::pubsub`).
    pub pubsub: crate::pubsub::PubSub,
    /// What the running command propagates (`cmd::propagate`).
    pub propagation: crate::cmd::propagate::Propagation,
    /// The append-only file (`persist::aof`).
    pub aof: crate::persist::aof::Aof,
    /// Replication, master side (`crate::repl`).
    pub repl: crate::repl::Repl,
    /// Nesting of EXEC: commands run inside a transaction do not block.
    pub exec_depth: u32,
    /// Users, client authentication, the ACL log (`crate::acl`).
    pub acl: crate::acl::Acl,
    /// MONITOR clients, the slow log, the latency monitor (`crate::ops`).
    pub ops: crate::ops::Ops,
    /// Lua scripting: the Lua state, the script cache, the running script (`crate::script`).
    pub scripting: crate::script::Engine,
    /// Client-side caching: tracking and prefix tables (`crate::tracking`).
    pub tracking: crate::tracking::Tracking,
    /// CLIENT PAUSE and the clients it holds (`crate::pause`).
    pub pause: crate::pause::Pause,
    /// MIGRATE's cached connections to target servers (`family::migrate`).
    pub migrate_sockets: crate::family::migrate::Cache,
    /// Clients with replies to send at the end of this iteration.
    pub(crate) pending_write: Vec<usize>,
    /// Scratch buffers reused for every request (no allocation per command).
    pub(crate) argv: Vec<Bytes>,
    pub(crate) spans: Vec<Arg>,
    completions: Vec<Completion>,
    /// Reaped completions not handled yet.
    pub(crate) ready: std::collections::VecDeque<Completion>,
    /// Loop turns so far (one per batch of reaped completions): each client executes at most
    /// a turn's budget of requests per turn (`net::process_input`).
    pub(crate) turn: u64,
    /// Clients whose turn budget ran out with complete requests still buffered: continued
    /// next turn (`net::run_backlog`), and the loop does not sleep while any are listed.
    pub(crate) backlog: Vec<usize>,
    next_cron: Instant,
}

impl Server {
    pub fn new(config: Config, ring: Ring) -> Server {
        let now = clock::update();
        // Command timing's clock, calibrated now rather than on the first command.
        crate::runtime::monotonic::init();
        let dbs = (0..config.databases).map(Db::new).collect();
        let hex40 = || -> String {
            (0..40)
                .map(|_| {
                    let d = (crate::rand::next_u64() % 16) as u8;
                    (if d < 10 { b'0' + d } else { b'a' + d - 10 }) as char
                })
                .collect()
        };
        let run_id = hex40();
        let acl = crate::acl::Acl::new(&config.requirepass);
        let replid = hex40();
        Server {
            config,
            dbs,
            clients: Slab::with_capacity(1024),
            stats: Stats::default(),
            dirty: 0,
            started: Instant::now(),
            start_unix_ms: now,
            run_id,
            replid,
            active_expire_enabled: true,
            expire_cycle: Default::default(),
            evict: Default::default(),
            next_client_id: 1,
            shutdown: None,
            ring,
            listeners: Vec::new(),
            tls: Default::default(),
            port: 0,
            cronloops: 0,
            blocking: Default::default(),
            children: Default::default(),
            rdb: Default::default(),
            pubsub: Default::default(),
            propagation: Default::default(),
            aof: Default::default(),
            repl: Default::default(),
            exec_depth: 0,
            acl,
            ops: Default::default(),
            scripting: crate::script::Engine::new(),
            tracking: Default::default(),
            pause: Default::default(),
            migrate_sockets: Default::default(),
            pending_write: Vec::with_capacity(1024),
            argv: Vec::with_capacity(16),
            spans: Vec::with_capacity(16),
            completions: Vec::with_capacity(4096),
            ready: std::collections::VecDeque::with_capacity(4096),
            turn: 0,
            backlog: Vec::new(),
            next_cron: Instant::now(),
        }
    }

    /// Start-up loading replayed commands as a client: forget the command statistics that
    /// counted, as Redis's loader (which bypasses `call`) does. The dirty counter keeps the
    /// replayed changes, as in Redis.
    pub fn after_load(&mut self) {
        self.stats = Stats::default();
    }

    fn cron_period(&self) -> Duration {
        Duration::from_micros(1_000_000 / self.config.effective_hz(self.clients.len()) as u64)
    }

    /// Runs until SHUTDOWN or a termination signal.
    pub fn run(&mut self) -> std::io::Result<()> {
        self.arm_listeners();
        crate::repl::replica::from_config(self);
        crate::alloc::mark_startup();
        self.next_cron = Instant::now() + self.cron_period();
        let mut completions = std::mem::take(&mut self.completions);
        loop {
            let mut timeout = self.next_cron.saturating_duration_since(Instant::now());
            if self.active_expire_enabled && self.expire_cycle.behind() {
                // Expiry is behind: come back for a fast cycle (see `ExpireCycle`).
                timeout = timeout.min(Duration::from_micros(1500));
            }
            if self.evict.running {
                // Eviction ran out of time: come straight back for the next slice.
                timeout = Duration::ZERO;
            }
            if let Some(d) = self.blocking.next_deadline() {
                let ms = (d - clock::now_ms()).max(0) as u64;
                timeout = timeout.min(Duration::from_millis(ms));
            }
            if let Some(d) = crate::persist::aof::wake_in(self) {
                timeout = timeout.min(d);
            }
            if !self.backlog.is_empty() {
                // Buffered requests wait for their next turn: only reap what is ready.
                timeout = Duration::ZERO;
            }
            completions.clear();
            self.ring.submit_and_wait(Some(timeout), &mut completions)?;
            clock::update();
            self.ready.extend(completions.drain(..));
            self.handle_ready();
            crate::blocking::handle_timeouts(self);
            crate::blocking::resume_unblocked(self);
            if Instant::now() >= self.next_cron {
                self.cron();
                self.next_cron = Instant::now() + self.cron_period();
            }
            // Clients released by the end of a CLIENT PAUSE (UNPAUSE, or its time passed, seen
            // by the cron), in the order they were held.
            crate::pause::resume(self);
            if self.shutdown.is_none() && SIGNAL_SHUTDOWN.swap(false, Ordering::Relaxed) {
                self.signal_shutdown();
            }
            if self.shutdown.is_some() {
                self.finish_shutdown();
                return Ok(());
            }
            // Like Redis's beforeSleep: a fast expiry cycle, unfinished eviction, replication
            // (GETACKs, WAIT releases), then the AOF is written before replies are sent (with
            // `appendfsync always`, replies wait for the fsync's completion).
            self.active_expire_cycle(true);
            if self.evict.running {
                crate::evict::time_proc(self);
            }
            crate::repl::before_sleep(self);
            // BCAST invalidations batched during this iteration (Redis's beforeSleep).
            crate::tracking::broadcast(self);
            crate::persist::aof::flush(self);
            self.flush_pending();
        }
    }

    /// SIGTERM/SIGINT (Redis's `sigShutdownHandler` + the `shutdown_asap` part of
    /// `serverCron`): shut down as `shutdown-on-sigterm`/`-sigint` say (by default: save if
    /// save points exist); if the final save fails the server keeps running.
    fn signal_shutdown(&mut self) {
        let sig = SIGNAL_RECEIVED.load(Ordering::Relaxed);
        let (name, param) = if sig == libc::SIGINT {
            ("SIGINT", "shutdown-on-sigint")
        } else {
            ("SIGTERM", "shutdown-on-sigterm")
        };
        tracing::warn!("Received {name} scheduling shutdown...");
        let mut flags = ShutdownFlags::default();
        for word in self
            .config
            .get(param)
            .unwrap_or("default")
            .split_ascii_whitespace()
        {
            match word {
                "save" => flags.save = true,
                "nosave" => flags.nosave = true,
                "now" => flags.now = true,
                "force" => flags.force = true,
                _ => {}
            }
        }
        if self.prepare_for_shutdown(flags) {
            self.shutdown = Some(Shutdown::Ready);
        } else {
            tracing::warn!(
                "{name} received but errors trying to shut down the server, check the logs for more information"
            );
        }
    }

    /// The persistence part of Redis's `prepareForShutdown` / `finishShutdown`: stop a
    /// running child, and save the final snapshot when save points exist (unless NOSAVE) or
    /// SAVE was given. Returns false (and the server keeps running) when that save fails
    /// without FORCE.
    pub fn prepare_for_shutdown(&mut self, flags: ShutdownFlags) -> bool {
        use crate::persist::child::ChildKind;
        use crate::persist::snapshot;
        tracing::warn!("User requested shutdown...");
        match self.children.active_kind() {
            Some(ChildKind::Rdb) => {
                tracing::warn!("There is a child saving an .rdb. Killing it!");
                snapshot::kill_bgsave(self);
            }
            Some(ChildKind::Aof) => {
                tracing::warn!("There is a child rewriting the AOF. Killing it!");
                crate::persist::aof::kill_child(self);
            }
            Some(_) => {
                self.children.kill();
            }
            None => {}
        }
        crate::persist::aof::flush_on_shutdown(self);
        if (snapshot::has_save_points(self) && !flags.nosave) || flags.save {
            tracing::info!("Saving the final RDB snapshot before exiting.");
            if !snapshot::rdb_save(self) {
                if flags.force {
                    tracing::warn!("Error trying to save the DB. Exit anyway.");
                } else {
                    tracing::warn!("Error trying to save the DB, can't exit.");
                    tracing::warn!(
                        "Errors trying to shut down the server. Check the logs for more information."
                    );
                    return false;
                }
            }
        }
        true
    }

    fn finish_shutdown(&mut self) {
        crate::script::ldb::kill_forked_sessions(self);
        for (_, c) in self.clients.iter() {
            // SAFETY-free: plain close of sockets we own; the process exits right after.
            unsafe { libc::close(c.fd) };
        }
        for (fd, _) in &self.listeners {
            unsafe { libc::close(*fd) };
        }
        if !self.config.pidfile.is_empty() {
            tracing::info!("Removing the pid file.");
            let _ = std::fs::remove_file(&self.config.pidfile);
        }
        tracing::warn!("uredis is now ready to exit, bye bye...");
    }

    /// Handles the reaped completions in order. Also called from inside a long script
    /// (`poll_while_busy`), which then handles the rest of the batch the script interrupted.
    /// Then the clients whose turn budget ran out last turn continue (`net::run_backlog`).
    pub(crate) fn handle_ready(&mut self) {
        self.turn += 1;
        self.prefetch_ready();
        while let Some(c) = self.ready.pop_front() {
            match crate::runtime::untoken(c.token).1 {
                crate::net::TAG_RECV => self.stats.reads_processed += 1,
                crate::net::TAG_SEND => self.stats.writes_processed += 1,
                _ => {}
            }
            self.on_completion(c);
            if self.shutdown.is_some() {
                // SHUTDOWN ran: like Redis's exit() inside the command, nothing after it
                // is executed.
                self.ready.clear();
                return;
            }
        }
        self.run_backlog();
    }

    /// Periodic work, `hz` times per second (Redis's `serverCron` + `databasesCron`).
    fn cron(&mut self) {
        self.cronloops += 1;
        let now = clock::now_ms();
        // The latency monitor's `fork` event, sampled after the fact (`crate::ops`).
        crate::ops::cron(self);
        // A CLIENT PAUSE whose time passed ends here at the latest; tracking-table-max-keys.
        crate::pause::cron(self);
        crate::tracking::limit_used_slots(self);
        // Active expiry: the slow cycle, up to 25% of a tick (Redis's
        // ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC), scaled by active-expire-effort.
        self.active_expire_cycle(false);
        // Like Redis, no rehashing while a child holds a copy-on-write image: moving every
        // bucket would copy every page.
        if self.config.activerehashing && !self.children.has_active() {
            for db in &mut self.dbs {
                db.rehash_cron(Duration::from_millis(1));
            }
        }
        crate::persist::aof::cron(self);
        // MIGRATE connections unused for 10 s (Redis's migrateCloseTimedoutSockets).
        crate::family::migrate::cron(self);
        // Clients left over their output-buffer soft limit for too long (Redis's clientsCron).
        crate::pubsub::output_limits_cron(self);
        // Idle client timeout.
        if self.config.timeout > 0 {
            let limit = self.config.timeout as i64 * 1000;
            let idle: Vec<usize> = self
                .clients
                .iter()
                .filter(|(_, c)| {
                    !c.closing
                        && c.repl.is_none()
                        && !c.has(crate::net::client::flag::MASTER)
                        && now - c.last_interaction > limit
                })
                .map(|(i, _)| i)
                .collect();
            for cid in idle {
                tracing::debug!("Closing idle client");
                self.close_client(cid);
            }
        }
        // Reap a finished child (Redis's checkChildrenDone), then save points.
        if let Some(done) = self.children.poll() {
            use crate::persist::child::ChildKind;
            match done.kind {
                ChildKind::Rdb => crate::persist::snapshot::bgsave_done(self, &done),
                ChildKind::Aof => crate::persist::aof::rewrite_done(self, &done),
                ChildKind::Replication => crate::repl::child_done(self, &done),
            }
        }
        // Forked Lua debugging sessions that ended.
        crate::script::ldb::reap_children(self);
        crate::persist::snapshot::cron(self);
        crate::repl::cron(self);
        crate::alloc::update_peak();
        let cmds = self.stats.total_commands;
        self.stats.ops_meter.sample(cmds, now);
        let (i, o) = (self.stats.net_input_bytes, self.stats.net_output_bytes);
        self.stats.net_in_meter.sample(i, now);
        self.stats.net_out_meter.sample(o, now);
    }

    /// One active expiry cycle (`fast`: the between-iterations one, Redis's beforeSleep call).
    fn active_expire_cycle(&mut self, fast: bool) {
        // A replica does not expire keys itself: its master sends the DELs. While clients are
        // paused the dataset stays still (Redis's activeExpireCycle).
        if !self.active_expire_enabled || self.repl.master.is_some() || self.paused_now() {
            return;
        }
        let started = Instant::now();
        let (effort, hz) = (self.config.active_expire_effort, self.config.hz);
        if self
            .expire_cycle
            .run(&mut self.dbs, fast, effort, hz)
            .is_some()
        {
            self.drain_expired(None);
            let us = started.elapsed().as_micros() as u64;
            self.stats.expire_cycle_us += us;
            crate::ops::latency_sample_if_needed(self, "expire-cycle", us / 1000);
        }
    }

    /// Total keys expired so far (INFO `expired_keys`).
    pub fn expired_keys(&self) -> u64 {
        self.dbs.iter().map(|d| d.expired_keys).sum()
    }

    /// Seconds since start.
    pub fn uptime(&self) -> u64 {
        self.started.elapsed().as_secs()
    }
}

extern "C" fn on_signal(sig: libc::c_int) {
    SIGNAL_RECEIVED.store(sig, Ordering::Relaxed);
    SIGNAL_SHUTDOWN.store(true, Ordering::Relaxed);
}

/// Installs SIGTERM/SIGINT handlers that request a graceful shutdown, and ignores SIGPIPE.
pub fn install_signal_handlers() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}
