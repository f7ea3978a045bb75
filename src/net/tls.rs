//! TLS for client connections (`tls-port` and the tls-* parameters), with rustls and its `ring`
//! crypto provider.
//!
//! Owns: building the rustls `ServerConfig` from the configuration (certificate and key, CA
//! file or directory, `tls-auth-clients`, `tls-protocols`, `tls-ciphers`, `tls-ciphersuites`,
//! `tls-prefer-server-ciphers`, session caching), the set of TLS listening sockets, and each
//! TLS client's `Session`: the rustls state plus the buffer its ciphertext is received into.
//!
//! Data path (userspace TLS): the ring receives ciphertext into `Session::inbuf` (instead of
//! the read buffer); `on_ciphertext` feeds it to rustls and appends the plaintext to the
//! client's `rbuf`, where the usual parser runs unchanged. Replies are taken from the client's
//! chain and `out`, encrypted by rustls into `sending`, and sent by the usual send path. The
//! handshake runs through the same completions: whatever rustls wants to write (handshake
//! records, alerts, tickets) makes the client "have unsent output", so it is flushed like a
//! reply. Kernel TLS is not used (see the README: the kernel here has no `tls` ULP).
//!
//! Invariants: `inbuf` is heap memory owned by the boxed session and is not touched while a
//! receive into it is in flight (the client's `recv_armed`); a TLS client never uses
//! `sendmsg` (its output is always encrypted into `sending`).

use std::io::{Read, Write};
use std::os::fd::RawFd;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{NoServerSessionStorage, ServerSessionMemoryCache, WebPkiClientVerifier};
use rustls::{RootCertStore, ServerConfig, ServerConnection};

use crate::config::Config;

/// Size of the ciphertext receive buffer (a TLS record is at most 16 KiB plus overhead).
const INBUF: usize = 32 * 1024;

/// The server's TLS state: the current configuration (rebuilt on CONFIG SET of a tls-*
/// parameter; new connections use the new one) and the TLS listening sockets.
#[derive(Default)]
pub struct TlsState {
    pub config: Option<Arc<ServerConfig>>,
    pub listener_fds: Vec<RawFd>,
}

impl TlsState {
    pub fn is_listener(&self, fd: RawFd) -> bool {
        self.listener_fds.contains(&fd)
    }

    /// A session for a client just accepted on a TLS port.
    pub fn new_session(&self) -> Option<Box<Session>> {
        let cfg = self.config.clone()?;
        let mut conn = ServerConnection::new(cfg).ok()?;
        // Output is bounded by the server's own high-water mark, not by rustls.
        conn.set_buffer_limit(None);
        Some(Box::new(Session {
            conn,
            inbuf: vec![0u8; INBUF].into_boxed_slice(),
        }))
    }
}

/// One client's TLS session.
pub struct Session {
    pub conn: ServerConnection,
    /// Ciphertext is received here.
    pub inbuf: Box<[u8]>,
}

/// What feeding received ciphertext produced.
pub enum Fed {
    /// Plaintext (possibly none) was appended to the read buffer.
    Ok,
    /// The peer sent close_notify: treat as end of stream.
    Closed,
}

impl Session {
    /// Feeds `n` bytes received into `inbuf` to rustls and appends the plaintext to `rbuf`.
    /// On a TLS error, the alert rustls queued is sent (best effort) and the error returned.
    pub fn on_ciphertext(
        &mut self,
        fd: RawFd,
        n: usize,
        rbuf: &mut bytes::BytesMut,
    ) -> Result<Fed, String> {
        let mut rd = &self.inbuf[..n.min(self.inbuf.len())];
        let mut closed = false;
        while !rd.is_empty() {
            if let Err(e) = self.conn.read_tls(&mut rd) {
                return Err(e.to_string());
            }
            if let Err(e) = self.conn.process_new_packets() {
                self.send_alert(fd);
                return Err(e.to_string());
            }
            let mut chunk = [0u8; 16 * 1024];
            loop {
                match self.conn.reader().read(&mut chunk) {
                    Ok(0) => {
                        closed = true;
                        break;
                    }
                    Ok(k) => rbuf.extend_from_slice(&chunk[..k]),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(e) => return Err(e.to_string()),
                }
            }
        }
        Ok(if closed { Fed::Closed } else { Fed::Ok })
    }

    /// Encrypts `plain` (nothing when empty) and appends every record rustls has to send to
    /// `out`.
    pub fn encrypt(&mut self, plain: &[u8], out: &mut Vec<u8>) {
        if !plain.is_empty() {
            // Cannot fail with an unlimited buffer (set in `new_session`).
            let _ = self.conn.writer().write_all(plain);
        }
        while self.conn.wants_write() {
            if self.conn.write_tls(out).is_err() {
                break;
            }
        }
    }

    /// Whether rustls has records to send (handshake messages, alerts, tickets).
    pub fn wants_write(&self) -> bool {
        self.conn.wants_write()
    }

    fn send_alert(&mut self, fd: RawFd) {
        let mut out = Vec::new();
        self.encrypt(&[], &mut out);
        if !out.is_empty() {
            // SAFETY: best-effort non-blocking write of a buffer we own to a socket we own.
            unsafe {
                libc::send(
                    fd,
                    out.as_ptr().cast(),
                    out.len(),
                    libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
                );
            }
        }
    }
}

/// The parameters `build` reads (CONFIG SET of any of them rebuilds the configuration).
pub const PARAMS: &[&str] = &[
    "tls-cert-file",
    "tls-key-file",
    "tls-ca-cert-file",
    "tls-ca-cert-dir",
    "tls-auth-clients",
    "tls-protocols",
    "tls-ciphers",
    "tls-ciphersuites",
    "tls-prefer-server-ciphers",
    "tls-session-caching",
    "tls-session-cache-size",
];

/// After CONFIG SET: rebuilds the configuration when a tls-* parameter changed and TLS is on
/// (new connections use it, as in Redis). On failure names the parameter and gives Redis's
/// text; the caller restores the old values.
pub fn reconfigure(
    state: &mut TlsState,
    cfg: &Config,
    old: &Config,
) -> Result<(), (&'static str, String)> {
    if cfg.get("tls-port") != old.get("tls-port") {
        // Redis re-binds; uredis's listeners are armed once (multishot accepts).
        return Err((
            "tls-port",
            "changing tls-port at run time is not supported by uredis: restart with the new \
             port"
                .into(),
        ));
    }
    let Some(&changed) = PARAMS.iter().find(|p| cfg.get(p) != old.get(p)) else {
        return Ok(());
    };
    if state.config.is_none() {
        return Ok(());
    }
    match build(cfg) {
        Ok(c) => {
            state.config = Some(c);
            Ok(())
        }
        Err(e) => {
            tracing::warn!("{e}");
            Err((
                changed,
                "Unable to update TLS configuration. Check server logs.".into(),
            ))
        }
    }
}

/// Whether TLS is configured (`tls-port` not 0).
pub fn port(cfg: &Config) -> u16 {
    cfg.get("tls-port")
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
}

fn get<'a>(cfg: &'a Config, name: &str) -> &'a str {
    cfg.get(name).unwrap_or("")
}

/// OpenSSL's TLS 1.2 cipher names for the suites rustls offers, as `tls-ciphers` takes them.
const TLS12_NAMES: &[(&str, rustls::CipherSuite)] = &[
    (
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ),
    (
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    ),
    (
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ),
    (
        "ECDHE-RSA-AES256-GCM-SHA384",
        rustls::CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    ),
    (
        "ECDHE-RSA-AES128-GCM-SHA256",
        rustls::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ),
    (
        "ECDHE-RSA-CHACHA20-POLY1305",
        rustls::CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ),
];

/// OpenSSL's (and IANA's) TLS 1.3 suite names, as `tls-ciphersuites` takes them.
const TLS13_NAMES: &[(&str, rustls::CipherSuite)] = &[
    (
        "TLS_AES_256_GCM_SHA384",
        rustls::CipherSuite::TLS13_AES_256_GCM_SHA384,
    ),
    (
        "TLS_AES_128_GCM_SHA256",
        rustls::CipherSuite::TLS13_AES_128_GCM_SHA256,
    ),
    (
        "TLS_CHACHA20_POLY1305_SHA256",
        rustls::CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
    ),
];

/// The suites named in a colon-separated list (empty: None, every suite of that version).
fn named_suites(
    list: &str,
    table: &[(&str, rustls::CipherSuite)],
    param: &str,
) -> Result<Option<Vec<rustls::CipherSuite>>, String> {
    if list.trim().is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for name in list.split(':').map(str::trim).filter(|n| !n.is_empty()) {
        match table.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some((_, s)) => out.push(*s),
            None => {
                let known: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "Failed to configure {param}: '{name}' is not supported by uredis (a \
                     colon-separated list of: {})",
                    known.join(", ")
                ));
            }
        }
    }
    Ok(Some(out))
}

fn load_certs(path: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("Failed to load certificate: {path}: {e}"))?
        .collect();
    let certs = certs.map_err(|e| format!("Failed to load certificate: {path}: {e}"))?;
    if certs.is_empty() {
        return Err(format!(
            "Failed to load certificate: {path}: no certificate"
        ));
    }
    Ok(certs)
}

/// Builds the rustls configuration from the tls-* parameters, with Redis's error texts where
/// it has them.
pub fn build(cfg: &Config) -> Result<Arc<ServerConfig>, String> {
    let cert_file = get(cfg, "tls-cert-file");
    let key_file = get(cfg, "tls-key-file");
    if cert_file.is_empty() || key_file.is_empty() {
        return Err("No tls-cert-file or tls-key-file configured!".into());
    }
    let ca_file = get(cfg, "tls-ca-cert-file");
    let ca_dir = get(cfg, "tls-ca-cert-dir");
    let auth = get(cfg, "tls-auth-clients");
    if auth != "no" && ca_file.is_empty() && ca_dir.is_empty() {
        return Err(
            "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-auth-clients \
             is enabled!"
                .into(),
        );
    }

    // Protocol versions (Redis: space-separated, default TLSv1.2 and TLSv1.3).
    let protocols = get(cfg, "tls-protocols");
    let mut versions: Vec<&'static rustls::SupportedProtocolVersion> = Vec::new();
    if protocols.trim().is_empty() {
        versions = vec![&rustls::version::TLS12, &rustls::version::TLS13];
    } else {
        for p in protocols.split_whitespace() {
            match p.to_ascii_lowercase().as_str() {
                "tlsv1.2" => versions.push(&rustls::version::TLS12),
                "tlsv1.3" => versions.push(&rustls::version::TLS13),
                "tlsv1" | "tlsv1.1" => {
                    return Err(format!(
                        "Failed to configure tls-protocols: {p} is not supported by uredis \
                         (rustls offers TLSv1.2 and TLSv1.3 only)"
                    ));
                }
                _ => {
                    return Err(
                        "Invalid tls-protocols specified. Use a combination of 'TLSv1', \
                         'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'."
                            .into(),
                    );
                }
            }
        }
    }

    // Cipher suites: tls-ciphers restricts TLS 1.2, tls-ciphersuites TLS 1.3.
    let tls12 = named_suites(get(cfg, "tls-ciphers"), TLS12_NAMES, "tls-ciphers")?;
    let tls13 = named_suites(
        get(cfg, "tls-ciphersuites"),
        TLS13_NAMES,
        "tls-ciphersuites",
    )?;
    // `ring` builds offline with just a C compiler (aws-lc-rs needs cmake); rustls marks its
    // provider deprecated only because it lacks post-quantum key exchange.
    #[allow(deprecated)]
    let mut provider = rustls::crypto::ring::default_provider();
    provider.cipher_suites.retain(|s| {
        let name = s.suite();
        let list = match s.version().version {
            rustls::ProtocolVersion::TLSv1_3 => &tls13,
            _ => &tls12,
        };
        list.as_ref().is_none_or(|l| l.contains(&name))
    });
    let provider: Arc<CryptoProvider> = Arc::new(provider);

    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| format!("Failed to configure TLS: {e}"))?;

    let builder = if auth == "no" {
        builder.with_no_client_auth()
    } else {
        let mut roots = RootCertStore::empty();
        if !ca_file.is_empty() {
            for c in load_certs(ca_file)
                .map_err(|e| format!("Failed to configure CA certificate(s) file/directory: {e}"))?
            {
                roots.add(c).map_err(|e| {
                    format!("Failed to configure CA certificate(s) file/directory: {e}")
                })?;
            }
        }
        if !ca_dir.is_empty() {
            let entries = std::fs::read_dir(ca_dir).map_err(|e| {
                format!("Failed to configure CA certificate(s) file/directory: {ca_dir}: {e}")
            })?;
            // Every file that holds PEM certificates (OpenSSL looks up hashed names; loading
            // all of them accepts the same issuers).
            for e in entries.flatten() {
                let p = e.path();
                if let Some(certs) = p.to_str().and_then(|p| load_certs(p).ok()) {
                    for c in certs {
                        let _ = roots.add(c);
                    }
                }
            }
        }
        let v = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
        let v = if auth == "optional" {
            v.allow_unauthenticated()
        } else {
            v
        };
        let v = v
            .build()
            .map_err(|e| format!("Failed to configure CA certificate(s) file/directory: {e}"))?;
        builder.with_client_cert_verifier(v)
    };

    let certs = load_certs(cert_file)?;
    let key = PrivateKeyDer::from_pem_file(key_file)
        .map_err(|e| format!("Failed to load private key: {key_file}: {e}"))?;
    let mut sc = builder
        .with_single_cert(certs, key)
        .map_err(|e| format!("Failed to load certificate: {cert_file}: {e}"))?;

    sc.ignore_client_order = get(cfg, "tls-prefer-server-ciphers") == "yes";
    if get(cfg, "tls-session-caching") == "yes" {
        let size = get(cfg, "tls-session-cache-size")
            .parse::<usize>()
            .unwrap_or(20480);
        // OpenSSL's 0 means "no limit"; rustls needs a bound.
        sc.session_storage = ServerSessionMemoryCache::new(if size == 0 { 1 << 20 } else { size });
    } else {
        sc.session_storage = Arc::new(NoServerSessionStorage {});
        sc.send_tls13_tickets = 0;
    }
    Ok(Arc::new(sc))
}
