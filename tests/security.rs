//! Network security and limits end to end: the Unix socket (`unixsocket`, `unixsocketperm`),
//! `maxclients`, and TLS (`tls-port` and the other tls-* parameters), each compared with a real
//! redis-server where the behaviour is visible to a client.

mod common;

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::process::Command;
use std::time::Duration;

use common::*;

/// Sends one command over a Unix socket and reads one reply (a single line or bulk).
fn unix_call(s: &mut UnixStream, args: &[&str]) -> Vec<u8> {
    let a: Vec<&[u8]> = args.iter().map(|x| x.as_bytes()).collect();
    s.write_all(&encode(&a)).expect("write");
    let mut buf = Vec::new();
    loop {
        if let Some(n) = frame_len(&buf) {
            buf.truncate(n);
            return buf;
        }
        let mut chunk = [0u8; 4096];
        let n = s.read(&mut chunk).expect("read");
        assert!(n > 0, "closed; got {:?}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn unix_connect(path: &std::path::Path) -> UnixStream {
    let s = UnixStream::connect(path).expect("unix connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// The fields of a CLIENT INFO line that do not depend on timing or memory.
fn stable_fields(line: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(line)
        .split_whitespace()
        .filter(|f| {
            ["addr=", "laddr=", "flags=", "name=", "db=", "cmd=", "user="]
                .iter()
                .any(|p| f.starts_with(p))
        })
        .map(|f| f.to_string())
        .collect()
}

fn client_info_over_unix(path: &std::path::Path) -> Vec<String> {
    let mut s = unix_connect(path);
    assert_eq!(unix_call(&mut s, &["PING"]), b"+PONG\r\n");
    let info = unix_call(&mut s, &["CLIENT", "INFO"]);
    stable_fields(&info)
}

#[test]
fn unix_socket_serves_clients_like_redis() {
    let dir = std::env::temp_dir().join(format!("uredis-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ours = dir.join("u.sock");
    let srv = Server::start(&[
        "--unixsocket",
        ours.to_str().unwrap(),
        "--unixsocketperm",
        "700",
    ]);
    let mode = std::fs::metadata(&ours)
        .expect("socket file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    let got = client_info_over_unix(&ours);
    let want_addr = format!("addr={}:0", ours.display());
    assert!(got.contains(&want_addr), "{got:?}");
    assert!(
        got.contains(&format!("laddr={}:0", ours.display())),
        "{got:?}"
    );
    assert!(got.contains(&"flags=U".to_string()), "{got:?}");
    // CONFIG GET prints both as set.
    let mut r = srv.raw();
    let cfg = r.call(&["CONFIG", "GET", "unixsocket*"]);
    let text = String::from_utf8_lossy(&cfg);
    assert!(
        text.contains(ours.to_str().unwrap()) && text.contains("\r\n700\r\n"),
        "{text}"
    );
    // TCP clients are not marked U.
    let tcp = String::from_utf8_lossy(&r.call(&["CLIENT", "INFO"])).to_string();
    assert!(tcp.contains("flags=N"), "{tcp}");
    // The socket is read-only configuration, as in Redis.
    let e = r.call(&["CONFIG", "SET", "unixsocket", "/tmp/x.sock"]);
    assert!(e.starts_with(b"-ERR"), "{}", show(&e, 200));

    // redis-cli -s works.
    if let Ok(out) = Command::new("redis-cli")
        .args(["-s", ours.to_str().unwrap(), "SET", "k", "v"])
        .output()
    {
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "OK");
        let out = Command::new("redis-cli")
            .args(["-s", ours.to_str().unwrap(), "GET", "k"])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "v");
    }

    // Side by side with Redis: the same fields for a unix client.
    let theirs = dir.join("r.sock");
    if let Some(_redis) = redis_or_skip(&["--unixsocket", theirs.to_str().unwrap()]) {
        let want: Vec<String> = client_info_over_unix(&theirs)
            .into_iter()
            .map(|f| f.replace(theirs.to_str().unwrap(), ours.to_str().unwrap()))
            .collect();
        let mut mine = client_info_over_unix(&ours);
        mine.sort();
        let mut want = want;
        want.sort();
        assert_eq!(mine, want);
    }
    // SHUTDOWN removes the socket file, as Redis does.
    let mut s = unix_connect(&ours);
    let _ = s.write_all(&encode(&[b"SHUTDOWN", b"NOSAVE"]));
    let mut b = [0u8; 16];
    let _ = s.read(&mut b);
    assert!(wait_until(Duration::from_secs(10), || !ours.exists()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unix_clients_are_local_for_protected_mode() {
    // With protected mode on and no password, a unix client is served (Redis's islocalClient
    // counts unix sockets as local); the server listens on TCP only on loopback here, so the
    // non-local refusal itself is covered by the ACL tests.
    let dir = std::env::temp_dir().join(format!("uredis-unixpm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("p.sock");
    let _srv = Server::start(&[
        "--unixsocket",
        path.to_str().unwrap(),
        "--protected-mode",
        "yes",
    ]);
    let mut s = unix_connect(&path);
    assert_eq!(unix_call(&mut s, &["SET", "a", "1"]), b"+OK\r\n");
    assert_eq!(unix_call(&mut s, &["GET", "a"]), b"$1\r\n1\r\n");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts `bin` under `prlimit --nofile=<soft>:<hard>` with `--maxclients <n>` and returns the
/// maxclients it ended up with (CONFIG GET), or None when prlimit is missing.
fn maxclients_under_limit(bin: &str, soft: u64, hard: u64, n: &str) -> Option<String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let mut child = Command::new("prlimit")
        .arg(format!("--nofile={soft}:{hard}"))
        .args([
            "--",
            bin,
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--maxclients",
            n,
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut got = None;
    if wait_until(Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    }) {
        let mut r = Raw::connect(("127.0.0.1", port));
        let reply = r.call(&["CONFIG", "GET", "maxclients"]);
        got = Some(String::from_utf8_lossy(&reply).to_string());
    }
    let _ = child.kill();
    let _ = child.wait();
    got
}

#[test]
fn maxclients_lowered_to_the_open_files_limit_as_redis() {
    let ours = env!("CARGO_BIN_EXE_uredis-server");
    let Some(mine) = maxclients_under_limit(ours, 1000, 5000, "10000") else {
        eprintln!("note: prlimit not available; skipped");
        return;
    };
    // Redis walks down from 10032 in steps of 16 to the first value the hard limit allows:
    // 4992 files, so 4960 clients.
    assert!(mine.ends_with("\r\n4960\r\n"), "{mine}");
    if Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok()
    {
        let theirs = maxclients_under_limit("redis-server", 1000, 5000, "10000");
        assert_eq!(Some(mine.clone()), theirs);
    }
    // A limit that already suffices leaves maxclients alone.
    let fine = maxclients_under_limit(ours, 1000, 5000, "100").unwrap();
    assert!(fine.ends_with("\r\n100\r\n"), "{fine}");
}

#[test]
fn maxclients_refuses_the_extra_connection_as_redis() {
    // The extra client reads Redis's error and then EOF; counted in rejected_connections.
    for srv in [
        Some(Server::start(&["--maxclients", "2"])),
        redis_or_skip(&["--maxclients", "2"]),
    ]
    .into_iter()
    .flatten()
    {
        let mut a = srv.raw();
        assert_eq!(a.call(&["PING"]), b"+PONG\r\n");
        let mut b = srv.raw();
        assert_eq!(b.call(&["PING"]), b"+PONG\r\n");
        let mut c = srv.raw();
        assert_eq!(c.read_reply(), b"-ERR max number of clients reached\r\n");
        assert!(c.is_closed());
        let info = String::from_utf8_lossy(&a.call(&["INFO", "stats"])).to_string();
        assert!(info.contains("rejected_connections:1\r\n"), "{info}");
        drop(b);
        // The freed slot is usable again (Redis frees it once it sees the close).
        assert!(wait_until(Duration::from_secs(10), || {
            let mut d = srv.raw();
            d.call(&["PING"]) == b"+PONG\r\n"
        }));
    }
}

// ---------------------------------------------------------------------------------------------
// TLS
// ---------------------------------------------------------------------------------------------

/// A CA, a server certificate for localhost/127.0.0.1 and a client certificate, made with
/// `openssl` in a fresh directory; None when openssl is missing.
fn make_certs(tag: &str) -> Option<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("uredis-tls-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok()?;
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .ok()?;
    std::fs::write(dir.join("cext.cnf"), "extendedKeyUsage=clientAuth\n").ok()?;
    let steps: &[&[&str]] = &[
        &[
            "req",
            "-x509",
            "-new",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "30",
            "-subj",
            "/CN=Test CA",
        ],
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "30",
            "-extfile",
            "ext.cnf",
        ],
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-keyout",
            "client.key",
            "-out",
            "client.csr",
            "-subj",
            "/CN=client",
        ],
        &[
            "x509",
            "-req",
            "-in",
            "client.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "client.crt",
            "-days",
            "30",
            "-extfile",
            "cext.cnf",
        ],
    ];
    for s in steps {
        let ok = Command::new("openssl")
            .args(*s)
            .current_dir(&dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?
            .success();
        if !ok {
            return None;
        }
    }
    Some(dir)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Server arguments for TLS on `port` with the certificates in `d`, plus `extra`.
fn tls_args(d: &std::path::Path, port: u16, extra: &[&str]) -> Vec<String> {
    let f = |n: &str| d.join(n).display().to_string();
    let mut v = vec![
        "--tls-port".to_string(),
        port.to_string(),
        "--tls-cert-file".into(),
        f("server.crt"),
        "--tls-key-file".into(),
        f("server.key"),
        "--tls-ca-cert-file".into(),
        f("ca.crt"),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

/// Runs redis-cli over TLS against `port`; with `cert`, presents the client certificate.
/// Returns (success, stdout+stderr).
fn tls_cli(d: &std::path::Path, port: u16, cert: bool, args: &[&str]) -> (bool, String) {
    let f = |n: &str| d.join(n).display().to_string();
    let mut cmd = Command::new("redis-cli");
    cmd.args(["--tls", "--cacert", &f("ca.crt"), "-p", &port.to_string()]);
    if cert {
        cmd.args(["--cert", &f("client.crt"), "--key", &f("client.key")]);
    }
    let out = cmd.args(args).output().expect("redis-cli runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.success() && !text.starts_with("Error"),
        text.trim().to_string(),
    )
}

/// Starts uredis and (when installed) redis-server with TLS; returns them with their TLS ports.
fn tls_pair(d: &std::path::Path, extra: &[&str]) -> Vec<(Server, u16)> {
    let mut out = Vec::new();
    let p = free_port();
    let a = tls_args(d, p, extra);
    let a: Vec<&str> = a.iter().map(|s| s.as_str()).collect();
    out.push((Server::start(&a), p));
    let p = free_port();
    let a = tls_args(d, p, extra);
    let a: Vec<&str> = a.iter().map(|s| s.as_str()).collect();
    if let Some(r) = redis_or_skip(&a) {
        out.push((r, p));
    }
    out
}

#[test]
fn tls_with_redis_cli_like_redis() {
    let Some(d) = make_certs("cli") else {
        eprintln!("note: openssl missing; TLS test skipped");
        return;
    };
    let servers = tls_pair(&d, &[]);
    let mut seen = Vec::new();
    for (_srv, port) in &servers {
        let mut got: Vec<(bool, String)> = [
            &["SET", "k", "hello"][..],
            &["GET", "k"],
            &["CONFIG", "GET", "tls-auth-clients"],
            &["CONFIG", "GET", "tls-protocols"],
        ]
        .iter()
        .map(|a| tls_cli(&d, *port, true, a))
        .collect();
        // tls-auth-clients yes (the default): a client without a certificate is refused.
        let (ok, text) = tls_cli(&d, *port, false, &["PING"]);
        assert!(!ok, "served without a client certificate: {text}");
        got.push((ok, String::new()));
        seen.push(got);
    }
    assert_eq!(seen[0][0], (true, "OK".to_string()));
    assert_eq!(seen[0][1], (true, "hello".to_string()));
    if seen.len() == 2 {
        assert_eq!(seen[0], seen[1]);
    }
    // A big value crosses many TLS records both ways.
    let (_srv, port) = &servers[0];
    let big = "x".repeat(1 << 20);
    let file = d.join("big.txt");
    std::fs::write(&file, &big).unwrap();
    let f = |n: &str| d.join(n).display().to_string();
    let out = Command::new("redis-cli")
        .args([
            "--tls",
            "--cacert",
            &f("ca.crt"),
            "--cert",
            &f("client.crt"),
        ])
        .args([
            "--key",
            &f("client.key"),
            "-p",
            &port.to_string(),
            "-x",
            "SET",
            "big",
        ])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "OK");
    assert_eq!(
        tls_cli(&d, *port, true, &["STRLEN", "big"]),
        (true, (1 << 20).to_string())
    );
    let (_, v) = tls_cli(&d, *port, true, &["GET", "big"]);
    assert_eq!(v.len(), 1 << 20);
    drop(servers);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn tls_auth_clients_optional_and_no() {
    let Some(d) = make_certs("auth") else {
        return;
    };
    for mode in ["optional", "no"] {
        for (_srv, port) in tls_pair(&d, &["--tls-auth-clients", mode]) {
            assert_eq!(tls_cli(&d, port, false, &["PING"]), (true, "PONG".into()));
            assert_eq!(tls_cli(&d, port, true, &["PING"]), (true, "PONG".into()));
        }
    }
    // Switched live with CONFIG SET: new connections follow it.
    let servers = tls_pair(&d, &["--tls-auth-clients", "optional"]);
    let (srv, port) = &servers[0];
    assert_eq!(tls_cli(&d, *port, false, &["PING"]), (true, "PONG".into()));
    let mut r = srv.raw();
    assert_eq!(
        r.call(&["CONFIG", "SET", "tls-auth-clients", "yes"]),
        b"+OK\r\n"
    );
    assert!(!tls_cli(&d, *port, false, &["PING"]).0);
    assert_eq!(tls_cli(&d, *port, true, &["PING"]), (true, "PONG".into()));
    // A configuration that cannot be built is refused and the old one kept.
    let e = r.call(&["CONFIG", "SET", "tls-cert-file", "/nonexistent.crt"]);
    assert_eq!(
        e,
        b"-ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update TLS configuration. Check server logs.\r\n"
    );
    assert_eq!(tls_cli(&d, *port, true, &["PING"]), (true, "PONG".into()));
    drop(servers);
    let _ = std::fs::remove_dir_all(&d);
}

/// Whether `openssl s_client` completes a handshake with `args` against `port`.
fn s_client(d: &std::path::Path, port: u16, args: &[&str]) -> bool {
    let f = |n: &str| d.join(n).display().to_string();
    let mut child = Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args([
            "-CAfile",
            &f("ca.crt"),
            "-cert",
            &f("client.crt"),
            "-key",
            &f("client.key"),
        ])
        .args(["-verify_return_error", "-brief"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("openssl runs");
    // Keep stdin open until the reply arrived (s_client quits at end of input), or until
    // s_client exits by itself (failed handshake).
    let mut stdin = child.stdin.take();
    if let Some(i) = stdin.as_mut() {
        let _ = i.write_all(b"PING\r\n");
    }
    let mut stdout = child.stdout.take().expect("piped");
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    let ok = loop {
        match stdout.read(&mut chunk) {
            Ok(0) | Err(_) => break false,
            Ok(n) => seen.extend_from_slice(&chunk[..n]),
        }
        if String::from_utf8_lossy(&seen).contains("+PONG") {
            break true;
        }
    };
    drop(stdin);
    let _ = child.kill();
    let _ = child.wait();
    ok
}

#[test]
fn tls_protocols_and_ciphersuites_restrict_the_handshake_as_redis() {
    let Some(d) = make_certs("proto") else {
        return;
    };
    for (_srv, port) in tls_pair(&d, &["--tls-protocols", "TLSv1.3"]) {
        assert!(s_client(&d, port, &["-tls1_3"]));
        assert!(!s_client(&d, port, &["-tls1_2"]));
    }
    for (_srv, port) in tls_pair(&d, &["--tls-ciphersuites", "TLS_AES_256_GCM_SHA384"]) {
        assert!(s_client(
            &d,
            port,
            &["-ciphersuites", "TLS_AES_256_GCM_SHA384"]
        ));
        assert!(!s_client(
            &d,
            port,
            &["-ciphersuites", "TLS_AES_128_GCM_SHA256"]
        ));
    }
    for (_srv, port) in tls_pair(
        &d,
        &[
            "--tls-protocols",
            "TLSv1.2",
            "--tls-ciphers",
            "ECDHE-RSA-AES128-GCM-SHA256",
        ],
    ) {
        assert!(s_client(
            &d,
            port,
            &["-cipher", "ECDHE-RSA-AES128-GCM-SHA256"]
        ));
        assert!(!s_client(
            &d,
            port,
            &["-cipher", "ECDHE-RSA-AES256-GCM-SHA384"]
        ));
    }
    // What uredis cannot do is refused, not ignored.
    let srv = Server::start(&[]);
    let mut r = srv.raw();
    let e = r.call(&["CONFIG", "SET", "tls-key-file-pass", "secret"]);
    assert!(e.starts_with(b"-ERR"), "{}", show(&e, 200));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn tls_bad_configuration_stops_start_up() {
    let Some(d) = make_certs("bad") else {
        return;
    };
    let p = free_port();
    let mut a = tls_args(&d, p, &[]);
    a[3] = "/nonexistent/server.crt".into();
    let out = Command::new(env!("CARGO_BIN_EXE_uredis-server"))
        .args(["--port", "0"])
        .args(&a)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(&d);
}

/// A rustls client (the library uredis itself uses) with the test CA and client certificate.
fn rust_tls_client(
    d: &std::path::Path,
    port: u16,
) -> rustls::StreamOwned<rustls::ClientConnection, std::net::TcpStream> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(d.join("ca.crt")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let certs: Vec<_> = CertificateDer::pem_file_iter(d.join("client.crt"))
        .unwrap()
        .map(|c| c.unwrap())
        .collect();
    let key = PrivateKeyDer::from_pem_file(d.join("client.key")).unwrap();
    #[allow(deprecated)]
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_client_auth_cert(certs, key)
        .unwrap();
    let conn = rustls::ClientConnection::new(
        std::sync::Arc::new(cfg),
        ServerName::try_from("localhost").unwrap(),
    )
    .unwrap();
    let tcp = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

#[test]
fn tls_rust_client_pipelines_like_redis() {
    let Some(d) = make_certs("rust") else {
        return;
    };
    let mut transcripts = Vec::new();
    for (_srv, port) in tls_pair(&d, &[]) {
        let mut s = rust_tls_client(&d, port);
        // One write holding many commands (split over TLS records by the client), replies
        // read back in order.
        let mut batch = Vec::new();
        let n = 2000;
        for i in 0..n {
            let v = format!("value-{i}-{}", "y".repeat(i % 300));
            batch.extend(encode(&[
                b"SET",
                format!("key:{i}").as_bytes(),
                v.as_bytes(),
            ]));
            batch.extend(encode(&[b"GET", format!("key:{i}").as_bytes()]));
        }
        batch.extend(encode(&[b"HELLO", b"3"]));
        batch.extend(encode(&[b"DBSIZE"]));
        s.write_all(&batch).unwrap();
        s.flush().unwrap();
        let mut buf = Vec::new();
        let mut replies = Vec::new();
        while replies.len() < 2 * n + 2 {
            while let Some(k) = frame_len(&buf) {
                let rest = buf.split_off(k);
                replies.push(std::mem::replace(&mut buf, rest));
            }
            if replies.len() >= 2 * n + 2 {
                break;
            }
            let mut chunk = [0u8; 65536];
            let k = s.read(&mut chunk).expect("read");
            assert!(k > 0, "closed after {} replies", replies.len());
            buf.extend_from_slice(&chunk[..k]);
        }
        assert_eq!(replies[0], b"+OK\r\n");
        assert_eq!(replies[2 * n + 1], format!(":{n}\r\n").into_bytes());
        // HELLO's reply carries version and id fields that differ; compare the rest.
        replies.remove(2 * n);
        transcripts.push(replies);
    }
    if transcripts.len() == 2 {
        assert!(
            transcripts[0] == transcripts[1],
            "replies differ from Redis"
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn tls_commands_before_close_notify_are_executed() {
    let Some(d) = make_certs("eof") else {
        return;
    };
    let servers = tls_pair(&d, &[]);
    for (_srv, port) in &servers {
        let mut s = rust_tls_client(&d, *port);
        s.write_all(&encode(&[b"SET", b"last", b"words"])).unwrap();
        s.conn.send_close_notify();
        s.flush().unwrap();
        let _ = s.sock.shutdown(std::net::Shutdown::Write);
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        assert!(wait_until(Duration::from_secs(10), || {
            tls_cli(&d, *port, true, &["GET", "last"]) == (true, "words".into())
        }));
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn tls_ca_cert_dir_verifies_clients() {
    let Some(d) = make_certs("cadir") else {
        return;
    };
    let cadir = d.join("cas");
    std::fs::create_dir_all(&cadir).unwrap();
    std::fs::copy(d.join("ca.crt"), cadir.join("ca.pem")).unwrap();
    // OpenSSL looks CAs up by subject hash: give Redis its link too.
    let _ = Command::new("openssl")
        .args(["rehash"])
        .arg(&cadir)
        .output();
    let f = |n: &str| d.join(n).display().to_string();
    let mut args = Vec::new();
    for (port, redis) in [(free_port(), false), (free_port(), true)] {
        args.clear();
        args.extend([
            "--tls-port".to_string(),
            port.to_string(),
            "--tls-cert-file".into(),
            f("server.crt"),
            "--tls-key-file".into(),
            f("server.key"),
            "--tls-ca-cert-dir".into(),
            cadir.display().to_string(),
        ]);
        let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        let srv = if redis {
            match redis_or_skip(&a) {
                Some(s) => s,
                None => continue,
            }
        } else {
            Server::start(&a)
        };
        assert_eq!(tls_cli(&d, port, true, &["PING"]), (true, "PONG".into()));
        assert!(!tls_cli(&d, port, false, &["PING"]).0);
        drop(srv);
    }
    let _ = std::fs::remove_dir_all(&d);
}
