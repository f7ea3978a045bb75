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
    if !cfg.get("unixsocket").unwrap_or("").is_empty() {
        eprintln!(
            "uredis-server: 'unixsocket' is not supported yet; connect over TCP (see README)"
        );
        return ExitCode::FAILURE;
    }
    if cfg.daemonize {
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
    uredis::family::server::adjust_open_files_limit(&mut cfg);
    let ring = match Ring::new(4096) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("Cannot start: {e}");
            eprintln!("uredis-server: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listeners = match uredis::net::listen(&cfg.bind, cfg.port, cfg.tcp_backlog) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!("Failed listening on port {} (tcp), aborting: {e}", cfg.port);
            eprintln!("uredis-server: failed listening on port {}: {e}", cfg.port);
            return ExitCode::FAILURE;
        }
    };
    let pidfile = match (cfg.pidfile.as_str(), cfg.daemonize) {
        ("", true) => "/var/run/redis.pid".to_string(),
        (p, _) => p.to_string(),
    };
    if !pidfile.is_empty()
        && let Err(e) = std::fs::write(&pidfile, format!("{}\n", std::process::id()))
    {
        tracing::warn!("Failed to write PID file {pidfile}: {e}");
    }
    install_signal_handlers();
    let port = cfg.port;
    let mut server = Server::new(cfg, ring);
    server.listeners = listeners;
    server.port = port;
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
    match server.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("event loop failed: {e}");
            ExitCode::FAILURE
        }
    }
}
