//! `uredis-server [/path/to/redis.conf] [--name value ...]`: reads the configuration exactly as
//! `redis-server` does, sets up logging and the io_uring loop, and runs the server.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use uredis::config::Config;
use uredis::runtime::Ring;
use uredis::server::{Server, install_signal_handlers};

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
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "--DIRECTIVE VALUE")]
    directives: Vec<String>,
}

fn init_logging(cfg: &Config) -> Result<(), String> {
    use tracing_subscriber::filter::LevelFilter;
    let level = match cfg.loglevel.as_str() {
        "debug" => LevelFilter::TRACE,
        "verbose" => LevelFilter::DEBUG,
        "notice" => LevelFilter::INFO,
        "warning" => LevelFilter::WARN,
        _ => LevelFilter::OFF,
    };
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false)
        .with_ansi(false);
    if cfg.logfile.is_empty() {
        builder.with_writer(std::io::stdout).init();
    } else {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&cfg.logfile)
            .map_err(|e| format!("Can't open the log file {}: {e}", cfg.logfile))?;
        builder.with_writer(std::sync::Mutex::new(file)).init();
    }
    Ok(())
}

fn main() -> ExitCode {
    // Like redis-server, a leading `--port ...` means "no config file, only directives".
    let raw: Vec<String> = std::env::args().collect();
    let cli = match raw.get(1) {
        Some(first) if first.starts_with("--") && !matches!(first.as_str(), "--help" | "--version") => {
            Cli {
                config: None,
                directives: raw[1..].to_vec(),
            }
        }
        _ => Cli::parse_from(raw),
    };
    let file = cli.config;
    let cfg = match Config::load(file.as_deref(), &cli.directives) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = init_logging(&cfg) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
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
    if !cfg.pidfile.is_empty() {
        let _ = std::fs::write(&cfg.pidfile, format!("{}\n", std::process::id()));
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
        server.listeners.iter().map(|(_, a)| a.as_str()).collect::<Vec<_>>().join(", ")
    );
    tracing::info!("Ready to accept connections tcp");
    match server.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("event loop failed: {e}");
            ExitCode::FAILURE
        }
    }
}
