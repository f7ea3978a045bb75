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
use std::sync::atomic::{AtomicBool, Ordering};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    /// Exit without saving (SHUTDOWN NOSAVE, or no save points configured).
    NoSave,
    /// Save the dataset, then exit (SHUTDOWN SAVE FORCE, or save points configured). RDB
    /// persistence does not exist yet, so this exits with a warning that nothing was saved.
    Save,
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
    pub next_client_id: u64,
    pub shutdown: Option<Shutdown>,
    pub ring: Ring,
    /// Listening sockets: (fd, address as text).
    pub listeners: Vec<(RawFd, String)>,
    /// The TCP port actually bound.
    pub port: u16,
    pub cronloops: u64,
    /// Blocked clients and their timeouts (`crate::blocking`).
    pub blocking: crate::blocking::Blocking,
    /// Channel and pattern subscriptions (`crate::pubsub`).
    pub pubsub: crate::pubsub::PubSub,
    /// What the running command propagates (`cmd::propagate`).
    pub propagation: crate::cmd::propagate::Propagation,
    /// Nesting of EXEC: commands run inside a transaction do not block.
    pub exec_depth: u32,
    /// Clients with replies to send at the end of this iteration.
    pub(crate) pending_write: Vec<usize>,
    /// Scratch buffers reused for every request (no allocation per command).
    pub(crate) argv: Vec<Bytes>,
    pub(crate) spans: Vec<Arg>,
    completions: Vec<Completion>,
    next_cron: Instant,
}

impl Server {
    pub fn new(config: Config, ring: Ring) -> Server {
        let now = clock::update();
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
            next_client_id: 1,
            shutdown: None,
            ring,
            listeners: Vec::new(),
            port: 0,
            cronloops: 0,
            blocking: Default::default(),
            pubsub: Default::default(),
            propagation: Default::default(),
            exec_depth: 0,
            pending_write: Vec::with_capacity(1024),
            argv: Vec::with_capacity(16),
            spans: Vec::with_capacity(16),
            completions: Vec::with_capacity(4096),
            next_cron: Instant::now(),
        }
    }

    fn cron_period(&self) -> Duration {
        Duration::from_micros(1_000_000 / self.config.hz.max(1) as u64)
    }

    /// Runs until SHUTDOWN or a termination signal.
    pub fn run(&mut self) -> std::io::Result<()> {
        self.arm_listeners();
        crate::alloc::mark_startup();
        self.next_cron = Instant::now() + self.cron_period();
        let mut completions = std::mem::take(&mut self.completions);
        loop {
            let mut timeout = self.next_cron.saturating_duration_since(Instant::now());
            if self.active_expire_enabled && self.expire_cycle.behind() {
                // Expiry is behind: come back for a fast cycle (see `ExpireCycle`).
                timeout = timeout.min(Duration::from_micros(1500));
            }
            if let Some(d) = self.blocking.next_deadline() {
                let ms = (d - clock::now_ms()).max(0) as u64;
                timeout = timeout.min(Duration::from_millis(ms));
            }
            completions.clear();
            self.ring.submit_and_wait(Some(timeout), &mut completions)?;
            clock::update();
            for c in &completions {
                match crate::runtime::untoken(c.token).1 {
                    crate::net::TAG_RECV => self.stats.reads_processed += 1,
                    crate::net::TAG_SEND => self.stats.writes_processed += 1,
                    _ => {}
                }
                self.on_completion(*c);
                if self.shutdown.is_some() {
                    // SHUTDOWN ran: like Redis's exit() inside the command, nothing after it
                    // is executed.
                    break;
                }
            }
            crate::blocking::handle_timeouts(self);
            crate::blocking::resume_unblocked(self);
            if Instant::now() >= self.next_cron {
                self.cron();
                self.next_cron = Instant::now() + self.cron_period();
            }
            if SIGNAL_SHUTDOWN.load(Ordering::Relaxed) && self.shutdown.is_none() {
                tracing::warn!("Received shutdown signal, scheduling shutdown...");
                self.shutdown = Some(if self.config.get("save").is_some_and(|s| !s.is_empty()) {
                    Shutdown::Save
                } else {
                    Shutdown::NoSave
                });
            }
            if self.shutdown.is_some() {
                self.finish_shutdown();
                return Ok(());
            }
            self.active_expire_cycle(true);
            self.flush_pending();
        }
    }

    fn finish_shutdown(&mut self) {
        tracing::warn!("User requested shutdown...");
        if self.shutdown == Some(Shutdown::Save) {
            tracing::warn!(
                "Not saving the final RDB snapshot before exiting: RDB persistence is not \
                 implemented yet (save points are configured: \"{}\"). The dataset is lost.",
                self.config.get("save").unwrap_or("")
            );
        }
        for (_, c) in self.clients.iter() {
            // SAFETY-free: plain close of sockets we own; the process exits right after.
            unsafe { libc::close(c.fd) };
        }
        for (fd, _) in &self.listeners {
            unsafe { libc::close(*fd) };
        }
        if !self.config.pidfile.is_empty() {
            let _ = std::fs::remove_file(&self.config.pidfile);
        }
        tracing::warn!("uredis is now ready to exit, bye bye...");
    }

    /// Periodic work, `hz` times per second (Redis's `serverCron` + `databasesCron`).
    fn cron(&mut self) {
        self.cronloops += 1;
        let now = clock::now_ms();
        // Active expiry: the slow cycle, up to 25% of a tick (Redis's
        // ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC), scaled by active-expire-effort.
        self.active_expire_cycle(false);
        if self.config.activerehashing {
            for db in &mut self.dbs {
                db.rehash_cron(Duration::from_millis(1));
            }
        }
        // Clients left over their output-buffer soft limit for too long (Redis's clientsCron).
        crate::pubsub::output_limits_cron(self);
        // Idle client timeout.
        if self.config.timeout > 0 {
            let limit = self.config.timeout as i64 * 1000;
            let idle: Vec<usize> = self
                .clients
                .iter()
                .filter(|(_, c)| !c.closing && now - c.last_interaction > limit)
                .map(|(i, _)| i)
                .collect();
            for cid in idle {
                tracing::debug!("Closing idle client");
                self.close_client(cid);
            }
        }
        crate::alloc::update_peak();
        let cmds = self.stats.total_commands;
        self.stats.ops_meter.sample(cmds, now);
        let (i, o) = (self.stats.net_input_bytes, self.stats.net_output_bytes);
        self.stats.net_in_meter.sample(i, now);
        self.stats.net_out_meter.sample(o, now);
    }

    /// One active expiry cycle (`fast`: the between-iterations one, Redis's beforeSleep call).
    fn active_expire_cycle(&mut self, fast: bool) {
        if !self.active_expire_enabled {
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
            self.stats.expire_cycle_us += started.elapsed().as_micros() as u64;
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

extern "C" fn on_signal(_: libc::c_int) {
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
