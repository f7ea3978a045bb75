//! `uredis-server [/path/to/redis.conf] [--name value ...]`: reads the configuration exactly as
//! `redis-server` does, sets up logging and the io_uring loop, and runs the server.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

use clap::Parser;
use uredis::config::Config;
use uredis::runtime::Ring;
use uredis::server::{Server, install_signal_handlers};

/// Counts allocated bytes for INFO `used_memory`.
#[global_allocator]
static GLOBAL: uredis::alloc::Counting = uredis::alloc::Counting;

#[derive(Parser, Debug)]
#[command(
    name = "uredis-server",
    version,
    about = "A Redis-compatible in-memory data server on io_uring",
    override_usage = "uredis-server [/path/to/redis.conf] [--port 6380] [--dir /data] [--<directive> <value>...]"
)]
struct Cli {
    /// A redis.conf-style configuration file.
    config: Option<PathBuf>,
    /// Configuration directives, as in redis.conf: `--port 6380 --save ""`.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "--DIRECTIVE VALUE"
    )]
    directives: Vec<String>,
}

type LevelHandle = tracing_subscriber::reload::Handle<
    tracing_subscriber::filter::LevelFilter,
    tracing_subscriber::Registry,
>;

/// Lets CONFIG SET loglevel change the level of the running logger.
static LOG_LEVEL: OnceLock<LevelHandle> = OnceLock::new();

fn level_filter(loglevel: &str) -> tracing_subscriber::filter::LevelFilter {
    use tracing_subscriber::filter::LevelFilter;
    match loglevel {
        "debug" => LevelFilter::TRACE,
        "verbose" => LevelFilter::DEBUG,
        "notice" => LevelFilter::INFO,
        "warning" => LevelFilter::WARN,
        _ => LevelFilter::OFF,
    }
}

fn reload_loglevel(loglevel: &str) {
    if let Some(h) = LOG_LEVEL.get() {
        let _ = h.reload(level_filter(loglevel));
    }
}

fn init_logging(cfg: &Config) -> Result<(), String> {
    use tracing_subscriber::fmt::writer::BoxMakeWriter;
    use tracing_subscriber::prelude::*;
    let writer = if cfg.logfile.is_empty() {
        BoxMakeWriter::new(std::io::stdout)
    } else {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&cfg.logfile)
            .map_err(|e| format!("Can't open the log file {}: {e}", cfg.logfile))?;
        BoxMakeWriter::new(std::sync::Mutex::new(file))
    };
    let (filter, handle) = tracing_subscriber::reload::Layer::new(level_filter(&cfg.loglevel));
    let fmt = tracing_subscriber::fmt::layer()
        .with_target(false)
        .with_ansi(false)
        .with_writer(writer);
    tracing_subscriber::registry().with(filter).with(fmt).init();
    let _ = LOG_LEVEL.set(handle);
    uredis::config::set_loglevel_hook(reload_loglevel);
    Ok(())
}

/// Sends one sd_notify message to systemd over the datagram socket named by `NOTIFY_SOCKET`
/// (a path, or an abstract name written with a leading `@`). False when there is no socket
/// or the message could not be sent.
fn notify_systemd(msg: &str) -> bool {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram};
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return false;
    };
    let addr = match path.as_bytes().strip_prefix(b"@") {
        Some(name) => SocketAddr::from_abstract_name(name),
        None => SocketAddr::from_pathname(&path),
    };
    addr.and_then(|a| UnixDatagram::unbound()?.send_to_addr(msg.as_bytes(), &a))
        .is_ok()
}

/// `supervised` (Redis's redisIsSupervised): `systemd` reports progress with sd_notify,
/// `upstart` stops itself (SIGSTOP) to signal readiness, `auto` picks whichever the
/// environment names. Returns the supervisor in effect (INFO `process_supervised`) and a line
/// for the log, written once logging is set up.
fn supervise(cfg: &Config) -> (Option<&'static str>, Option<String>) {
    let mut mode = cfg.get("supervised").unwrap_or("no");
    if mode == "auto" {
        if std::env::var_os("UPSTART_JOB").is_some() {
            mode = "upstart";
        } else if std::env::var_os("NOTIFY_SOCKET").is_some() {
            mode = "systemd";
        }
    }
    match mode {
        "upstart" => {
            if std::env::var_os("UPSTART_JOB").is_none() {
                return (
                    None,
                    Some("upstart supervision requested, but UPSTART_JOB not found!".into()),
                );
            }
            // SAFETY: raise has no preconditions; the process stops until upstart resumes it.
            unsafe { libc::raise(libc::SIGSTOP) };
            // SAFETY: no other thread exists yet to read the environment concurrently.
            unsafe { std::env::remove_var("UPSTART_JOB") };
            (
                Some("upstart"),
                Some("supervised by upstart, will stop to signal readiness.".into()),
            )
        }
        "systemd" => {
            if !notify_systemd("STATUS=Redis is loading...\n") {
                return (
                    None,
                    Some("systemd supervision error: NOTIFY_SOCKET not found!".into()),
                );
            }
            (
                Some("systemd"),
                Some("Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and TimeoutStopSec in your service unit.".into()),
            )
        }
        _ => (None, None),
    }
}

/// `disable-thp yes`: when the kernel gives transparent huge pages to every mapping
/// (`[always]`), turn them off for this process, as Redis does (a huge page makes the
/// copy-on-write of a forked snapshot copy 2MB for one written byte). Also in `[madvise]`
/// mode: unlike Redis's jemalloc, mimalloc asks for huge pages (MADV_HUGEPAGE on its arenas),
/// and each first touch of a 2 MB huge page zeroes it inside the fault, a 2-5 ms stall of the
/// event loop every ~40k new small keys (seen with perf in `do_huge_pmd_anonymous_page` while
/// the keyspace grows).
fn disable_thp(cfg: &Config) {
    let mode = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled");
    if !cfg.disable_thp || !mode.is_ok_and(|m| m.contains("[always]") || m.contains("[madvise]")) {
        return;
    }
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of the calling process.
    if unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) } != 0 {
        tracing::warn!(
            "WARNING You have Transparent Huge Pages (THP) support enabled in your kernel and it could not be disabled for this process: {}",
            std::io::Error::last_os_error()
        );
    }
}

fn main() -> ExitCode {
    // Like redis-server, a leading `--port ...` means "no config file, only directives".
    let raw: Vec<String> = std::env::args().collect();
    let cli = match raw.get(1) {
        Some(first)
            if first.starts_with("--") && !matches!(first.as_str(), "--help" | "--version") =>
        {
            Cli {
                config: None,
                directives: raw[1..].to_vec(),
            }
        }
        _ => Cli::parse_from(raw),
    };
    let file = cli.config;
    let mut cfg = match Config::load(file.as_deref(), &cli.directives) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // Like Redis: a supervised server stays in the foreground whatever `daemonize` says.
    let (supervised, supervision_log) = supervise(&cfg);
    cfg.supervised_by = supervised;
    if cfg.daemonize && supervised.is_none() {
        // Like redis-server: detach before anything else starts (the ring must be created by
        // the process that uses it). Keep the working directory: `dir` was applied already.
        // SAFETY: no threads exist yet, so forking here is sound.
        if unsafe { libc::daemon(1, 0) } != 0 {
            eprintln!(
                "uredis-server: daemonize failed: {}",
                std::io::Error::last_os_error()
            );
            return ExitCode::FAILURE;
        }
    }
    if let Err(e) = init_logging(&cfg) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    match (supervised, supervision_log) {
        (_, None) => {}
        (Some(_), Some(msg)) => tracing::info!("{msg}"),
        (None, Some(msg)) => tracing::warn!("{msg}"),
    }
    disable_thp(&cfg);
    uredis::family::server::adjust_open_files_limit(&mut cfg);
    let ring = match Ring::new(4096) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("Cannot start: {e}");
            eprintln!("uredis-server: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The Unix socket first: once the TCP port accepts (start-up scripts and tests wait for
    // it), every listener exists.
    let mut listeners = Vec::new();
    let unixsocket = cfg.get("unixsocket").unwrap_or("").to_string();
    if !unixsocket.is_empty() {
        let perm = u32::from_str_radix(cfg.get("unixsocketperm").unwrap_or("0"), 8).unwrap_or(0);
        match uredis::net::listen_unix(&unixsocket, perm, cfg.tcp_backlog) {
            Ok(l) => listeners.push(l),
            Err(e) => {
                tracing::error!("Failed opening Unix socket: {e}");
                eprintln!("uredis-server: failed opening Unix socket {unixsocket}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    // Port 0 means no TCP listener (Redis); TLS and the Unix socket may still be configured.
    let tcp = if cfg.port == 0 {
        Ok(Vec::new())
    } else {
        uredis::net::listen(&cfg.bind, cfg.port, cfg.tcp_backlog)
    };
    match tcp {
        Ok(l) => listeners.extend(l),
        Err(e) => {
            tracing::error!("Failed listening on port {} (TCP), aborting: {e}", cfg.port);
            eprintln!("uredis-server: failed listening on port {}: {e}", cfg.port);
            if !unixsocket.is_empty() {
                let _ = std::fs::remove_file(&unixsocket);
            }
            return ExitCode::FAILURE;
        }
    }
    let tls_port = uredis::net::tls::port(&cfg);
    let mut tls = uredis::net::tls::TlsState::default();
    if tls_port != 0 {
        match uredis::net::tls::build(&cfg) {
            Ok(c) => tls.config = Some(c),
            Err(e) => {
                tracing::error!("{e}");
                tracing::error!("Failed to configure TLS. Check logs for more info.");
                eprintln!("uredis-server: {e}");
                return ExitCode::FAILURE;
            }
        }
        match uredis::net::listen(&cfg.bind, tls_port, cfg.tcp_backlog) {
            Ok(l) => {
                tls.listener_fds = l.iter().map(|(fd, _)| *fd).collect();
                listeners.extend(l);
            }
            Err(e) => {
                tracing::error!("Failed listening on port {tls_port} (TLS), aborting: {e}");
                eprintln!("uredis-server: failed listening on port {tls_port}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if listeners.is_empty() {
        tracing::error!("Configured to not listen anywhere, exiting.");
        eprintln!("uredis-server: configured to not listen anywhere, exiting.");
        return ExitCode::FAILURE;
    }
    // Redis writes a pid file when one is named, or when it went to the background.
    let pidfile = match (cfg.pidfile.as_str(), cfg.daemonize && supervised.is_none()) {
        ("", true) => "/var/run/redis.pid".to_string(),
        (p, _) => p.to_string(),
    };
    if !pidfile.is_empty()
        && let Err(e) = std::fs::write(&pidfile, format!("{}\n", std::process::id()))
    {
        tracing::warn!("Failed to write PID file {pidfile}: {e}");
    }
    install_signal_handlers();
    // INFO's tcp_port: the TCP port, else the TLS one (Redis).
    let port = if cfg.port != 0 { cfg.port } else { tls_port };
    let mut server = Server::new(cfg, ring);
    server.listeners = listeners;
    server.tls = tls;
    server.port = port;
    if let Err(e) = uredis::acl::file::load_at_startup(&mut server) {
        tracing::warn!("{e}");
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    tracing::info!(
        "uredis {} (Redis {} compatible), pid={}, port={}, {}",
        uredis::VERSION,
        uredis::REDIS_COMPAT_VERSION,
        std::process::id(),
        port,
        server.ring.description
    );
    tracing::info!(
        "Listening on {}",
        server
            .listeners
            .iter()
            .map(|(_, a)| a.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    tracing::info!("Server initialized");
    // Like Redis's loadDataFromDisk (the AOF when appendonly yes, else the RDB) and
    // aofOpenIfNeededOnServerStart.
    let loaded = uredis::persist::aof::init(&mut server).and_then(|()| {
        if server.config.get("appendonly") == Some("yes") {
            uredis::persist::aof::load::load_on_start(&mut server)
        } else {
            uredis::persist::snapshot::load_at_startup(&mut server)
        }
    });
    if let Err(e) = loaded.and_then(|()| uredis::persist::aof::open_on_start(&mut server)) {
        tracing::error!("{e}");
        eprintln!("uredis-server: {e}");
        return ExitCode::FAILURE;
    }
    uredis::persist::aof::delete_history(&mut server);
    server.after_load();
    tracing::info!("Ready to accept connections tcp");
    if tls_port != 0 {
        tracing::info!("Ready to accept connections tls");
    }
    if !unixsocket.is_empty() {
        tracing::info!("Ready to accept connections unix");
    }
    if supervised == Some("systemd") {
        notify_systemd("STATUS=Ready to accept connections\n");
        notify_systemd("READY=1\n");
    }
    let result = server.run();
    if !unixsocket.is_empty() {
        // Redis removes its socket file when it shuts down.
        let _ = std::fs::remove_file(&unixsocket);
    }
    if supervised == Some("systemd") {
        notify_systemd("STOPPING=1\n");
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("event loop failed: {e}");
            ExitCode::FAILURE
        }
    }
}
