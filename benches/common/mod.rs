//! Shared by the load benchmarks (`load.rs`, `grow_latency.rs`): starting uredis-server or
//! redis-server on a free loopback port, reading their CPU time and memory from /proc, and
//! numeric options from the environment. Each process is killed by pid when dropped.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A numeric option from the environment (`_` separators allowed), or `default`.
pub fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v.trim().replace('_', "").parse().unwrap_or_else(|_| {
            eprintln!("ignoring {name}={v:?} (not a number)");
            default
        }),
        Err(_) => default,
    }
}

/// A command in RESP (an array of bulk strings).
pub fn resp(args: &[&[u8]]) -> Vec<u8> {
    let mut b = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        b.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        b.extend_from_slice(a);
        b.extend_from_slice(b"\r\n");
    }
    b
}

pub fn runs(bin: &str) -> bool {
    Command::new(bin)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A server process, killed (by its pid) and its directory removed when dropped.
pub struct Server {
    pub name: &'static str,
    pub child: Child,
    pub port: u16,
    dir: PathBuf,
}

/// A TLS set-up for `Server::start_tls`: a self-signed certificate and its key.
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Tls {
    /// Makes a self-signed certificate for 127.0.0.1 in `dir` with the `openssl` CLI.
    pub fn make(dir: &std::path::Path) -> Result<Tls, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let (cert, key) = (dir.join("server.crt"), dir.join("server.key"));
        let ok = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=127.0.0.1", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err("openssl could not make a certificate".into());
        }
        Ok(Tls { cert, key })
    }
}

impl Server {
    pub fn start(name: &'static str, bin: &str) -> Result<Server, String> {
        Self::start_tls(name, bin, None)
    }

    /// Starts `bin`; with `tls`, the port is a TLS port (`--port 0 --tls-port N`, clients not
    /// asked for certificates).
    pub fn start_tls(name: &'static str, bin: &str, tls: Option<&Tls>) -> Result<Server, String> {
        Self::start_opts(name, bin, tls, false)
    }

    /// `start_tls`, and with `unix` also listening on the Unix socket `unix_socket()`.
    pub fn start_opts(
        name: &'static str,
        bin: &str,
        tls: Option<&Tls>,
        unix: bool,
    ) -> Result<Server, String> {
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port().map_err(|e| format!("no free port: {e}"))?;
            let dir = std::env::temp_dir()
                .join(format!("uredis-bench-{name}-{}-{port}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let mut cmd = Command::new(bin);
            match tls {
                None => cmd.args(["--port", &port.to_string()]),
                Some(t) => cmd
                    .args(["--port", "0", "--tls-port", &port.to_string()])
                    .args(["--tls-auth-clients", "no", "--tls-cert-file"])
                    .arg(&t.cert)
                    .arg("--tls-key-file")
                    .arg(&t.key),
            };
            if unix {
                cmd.arg("--unixsocket").arg(dir.join(SOCKET));
            }
            let child = cmd
                .args(["--bind", "127.0.0.1", "--save", ""])
                .arg("--dir")
                .arg(&dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot run {bin}: {e}"))?;
            let mut srv = Server {
                name,
                child,
                port,
                dir,
            };
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Ok(srv);
                }
                if let Ok(Some(status)) = srv.child.try_wait() {
                    last = format!("{bin} exited: {status}");
                    break; // port taken meanwhile? try another one
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if last.is_empty() {
                last = format!("{bin} did not accept connections within 10 s");
            }
        }
        Err(last)
    }

    /// CPU time used so far by the whole process (all threads), in microseconds.
    pub fn cpu_us(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the command name (which is in parentheses and may contain spaces):
        // state(3) ... utime(14) stime(15).
        let rest = &stat[stat.rfind(')')? + 1..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        let utime: f64 = f.get(11)?.parse().ok()?;
        let stime: f64 = f.get(12)?.parse().ok()?;
        // SAFETY: sysconf has no preconditions.
        let tck = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        let tck = if tck > 0 { tck as f64 } else { 100.0 };
        Some((utime + stime) * 1e6 / tck)
    }
}

/// The Unix socket's file name in a server's directory (`Server::start_opts` with `unix`).
const SOCKET: &str = "server.sock";

impl Server {
    /// The path of the Unix socket a server started with `unix` listens on.
    pub fn unix_socket(&self) -> PathBuf {
        self.dir.join(SOCKET)
    }

    pub fn connect(&self) -> std::io::Result<TcpStream> {
        let s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(s)
    }

    /// Resident set size in MiB, from /proc/PID/status.
    pub fn rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
