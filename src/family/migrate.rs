//! MIGRATE and RESTORE-ASKING (Redis's `cluster.c`).
//!
//! MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
//! [AUTH2 username password] [KEYS key ...] moves keys to another Redis-protocol server: it
//! sends (AUTH,) SELECT and one `RESTORE key ttl payload [REPLACE]` per key (the payload is
//! DUMP's, `persist::rdb::dump_value_with`, the TTL the time left), reads the replies, and
//! deletes each key the target acknowledged unless COPY is given. Replies, error texts and the
//! retry rule are Redis's `migrateCommand`'s: `+NOKEY` when none of the keys exists, `IOERR
//! error or timeout connecting to the client`, `IOERR error or timeout writing|reading to
//! target instance`, `ERR Target instance replied with error: <its error>`; one retry on a
//! fresh connection after a socket error that is not a timeout when nothing was acknowledged.
//!
//! Like Redis, the transfer is synchronous: the server's loop waits on blocking socket calls,
//! each bounded by the command's `timeout` (milliseconds; 0 or less means 1000), exactly as
//! Redis's single-threaded MIGRATE blocks its event loop. Host names are resolved with the
//! system resolver (blocking, as Redis's `connBlockingConnect`).
//!
//! Connections are cached per `host:port` as Redis's `migrate_cached_sockets`: reused (with
//! the last selected database remembered, so SELECT is only sent when it changes), at most 64
//! (a full cache drops the least recently used one; Redis drops a random one), closed on any
//! socket error and by `cron` after 10 seconds unused. INFO reports their number as
//! `migrate_cached_sockets`.
//!
//! Propagation: the keys deleted are propagated as one `DEL key ...` (only those the target
//! acknowledged), never MIGRATE itself; with COPY nothing is propagated.
//!
//! RESTORE-ASKING is RESTORE (`family::dump`) with the ASKING flag.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::keyspace::events::class;
use crate::keyspace::{clock, lazyfree};
use crate::persist::rdb;
use crate::protocol::reply::encode_command;

/// Most cached connections (Redis's MIGRATE_SOCKET_CACHE_ITEMS).
const CACHE_ITEMS: usize = 64;
/// Seconds a cached connection may stay unused (Redis's MIGRATE_SOCKET_CACHE_TTL).
const CACHE_TTL_SECS: i64 = 10;
/// Redis writes the request in chunks of this size, each with the full timeout.
const WRITE_CHUNK: usize = 64 * 1024;
/// Redis reads each reply line into a 1024-byte buffer (1023 bytes of text).
const LINE_MAX: usize = 1023;

/// One cached connection to a MIGRATE target.
struct Cached {
    conn: BufReader<TcpStream>,
    /// The database last selected on it, -1 when unknown.
    last_dbid: i64,
    /// Unix seconds of its last use.
    last_use: i64,
}

/// The cached connections, keyed by `host:port` as typed (Redis's `migrate_cached_sockets`).
#[derive(Default)]
pub struct Cache {
    sockets: HashMap<Vec<u8>, Cached>,
}

impl Cache {
    /// How many connections are cached (INFO `migrate_cached_sockets`).
    pub fn len(&self) -> usize {
        self.sockets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sockets.is_empty()
    }
}

/// Closes cached connections unused for more than 10 seconds (Redis's
/// `migrateCloseTimedoutSockets`, from the server cron).
pub fn cron(srv: &mut crate::server::Server) {
    if srv.migrate_sockets.sockets.is_empty() {
        return;
    }
    let now = clock::now_ms() / 1000;
    srv.migrate_sockets
        .sockets
        .retain(|_, c| now - c.last_use <= CACHE_TTL_SECS);
}

/// C's `atoi`: leading spaces, a sign, digits; 0 when there are none.
fn atoi(s: &[u8]) -> i64 {
    let s = s.trim_ascii_start();
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        n = n.wrapping_mul(10).wrapping_add((c - b'0') as i64);
    }
    if neg { -n } else { n }
}

/// Connects with `timeout`, as Redis's `connBlockingConnect` does: an address that does not
/// resolve (or a negative port) fails here (`None`, "connecting"), while a refused or timed
/// out TCP connection is only noticed by the first write (Redis's blocking connect reports
/// success once the socket is writable or the wait ends), so it is returned as the error the
/// write gets ("writing", retried once unless it timed out).
fn connect(host: &[u8], port: &[u8], timeout: Duration) -> Option<Result<TcpStream, SockErr>> {
    let host = std::str::from_utf8(host).ok()?;
    // `atoi` into a C int, then getaddrinfo's numeric service: negative fails, larger values
    // keep their low 16 bits.
    let port = atoi(port) as i32;
    if port < 0 {
        return None;
    }
    let port = (port as u32 & 0xffff) as u16;
    let addrs: Vec<_> = (host, port).to_socket_addrs().ok()?.collect();
    let mut err = SockErr::Other;
    for addr in addrs.iter().take(1) {
        // (Redis tries the first address getaddrinfo returns that it can create a socket for.)
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Some(Ok(s));
            }
            Err(e) => err = sock_err(&e),
        }
    }
    if addrs.is_empty() {
        return None;
    }
    Some(Err(err))
}

/// Why a socket operation failed: Redis retries after an error but not after a timeout.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SockErr {
    Timeout,
    Other,
}

fn sock_err(e: &std::io::Error) -> SockErr {
    match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => SockErr::Timeout,
        _ => SockErr::Other,
    }
}

/// Writes `buf` in 64 KiB chunks, each within the socket's write timeout.
fn write_all(conn: &mut BufReader<TcpStream>, buf: &[u8]) -> Result<(), SockErr> {
    for chunk in buf.chunks(WRITE_CHUNK) {
        conn.get_mut().write_all(chunk).map_err(|e| sock_err(&e))?;
    }
    Ok(())
}

/// Reads one reply line without its CRLF, keeping at most 1023 bytes (Redis's
/// `syncReadLine`; an empty line counts as a failure there too).
fn read_line(conn: &mut BufReader<TcpStream>) -> Result<Vec<u8>, SockErr> {
    let mut line = Vec::new();
    // Bounded: stop at the first newline or after a generous limit (a reply line is short).
    let n = conn
        .by_ref()
        .take(64 * 1024)
        .read_until(b'\n', &mut line)
        .map_err(|e| sock_err(&e))?;
    if n == 0 || line.last() != Some(&b'\n') {
        return Err(SockErr::Other);
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    line.truncate(LINE_MAX);
    if line.is_empty() {
        return Err(SockErr::Other);
    }
    Ok(line)
}

/// The positions of MIGRATE's keys in `argv` (Redis's `migrateGetKeys`): argv[3], or the
/// arguments after KEYS (none when the key argument is not empty: a syntax error).
pub fn migrate_get_keys(argv: &[Bytes]) -> impl Iterator<Item = usize> {
    let (mut first, mut num) = (3usize, 1usize);
    let mut i = 6;
    while i < argv.len() {
        let a = &argv[i];
        if is(a, "keys") {
            if argv.get(3).is_some_and(|k| !k.is_empty()) {
                num = 0;
            } else {
                first = i + 1;
                num = argv.len() - first;
            }
            break;
        }
        if is(a, "auth") {
            i += 1;
        } else if is(a, "auth2") {
            i += 2;
        }
        i += 1;
    }
    (first..first + num).filter(move |&p| p < argv.len())
}

/// The positions of MIGRATE's secrets (the AUTH password, the AUTH2 user name and password),
/// which Redis's `redactClientCommandArgument` hides as `(redacted)` from SLOWLOG and MONITOR.
/// Parsed as `cmd_migrate` parses: up to KEYS, or the first argument it would refuse.
pub fn redacted_args(argv: &[Bytes]) -> Vec<usize> {
    let mut out = vec![];
    let mut j = 6;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if is(&argv[j], "auth") && more >= 1 {
            out.push(j + 1);
            j += 1;
        } else if is(&argv[j], "auth2") && more >= 2 {
            out.extend([j + 1, j + 2]);
            j += 2;
        } else if !is(&argv[j], "copy") && !is(&argv[j], "replace") {
            break;
        }
        j += 1;
    }
    out
}

fn io_error(what: &str) -> Error {
    Error::Text(format!("IOERR error or timeout {what} to target instance"))
}

/// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
/// [AUTH2 username password] [KEYS key [key ...]]
fn cmd_migrate(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (mut copy, mut replace) = (false, false);
    let mut username: Option<&Bytes> = None;
    let mut password: Option<&Bytes> = None;
    let (mut first_key, mut num_keys) = (3, 1);
    let mut j = 6;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if is(&argv[j], "copy") {
            copy = true;
        } else if is(&argv[j], "replace") {
            replace = true;
        } else if is(&argv[j], "auth") {
            if more == 0 {
                return Err(Error::Syntax);
            }
            j += 1;
            password = Some(&argv[j]);
        } else if is(&argv[j], "auth2") {
            if more < 2 {
                return Err(Error::Syntax);
            }
            username = Some(&argv[j + 1]);
            password = Some(&argv[j + 2]);
            j += 2;
        } else if is(&argv[j], "keys") {
            if !argv[3].is_empty() {
                return Err(Error::Msg(
                    "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string",
                ));
            }
            first_key = j + 1;
            num_keys = argv.len() - j - 1;
            break;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    let mut timeout = parse_int(&argv[5])?;
    let dbid = parse_int(&argv[4])?;
    if timeout <= 0 {
        timeout = 1000;
    }
    let timeout = Duration::from_millis(timeout as u64);

    // The keys that exist; none: +NOKEY (often a key that just expired, not an error).
    let mut keys: Vec<&Bytes> = Vec::with_capacity(num_keys);
    for k in &argv[first_key..first_key + num_keys] {
        if ctx.lookup_read(k).is_some() {
            keys.push(k);
        }
    }
    if keys.is_empty() {
        ctx.out.simple(b"NOKEY");
        return Ok(());
    }

    let name: Vec<u8> = [&argv[1][..], b":", &argv[2][..]].concat();
    let mut may_retry = true;
    loop {
        // Connect, or reuse the cached connection.
        let now_s = clock::now_ms() / 1000;
        let cache = &mut ctx.srv.migrate_sockets.sockets;
        if let Some(cs) = cache.get_mut(&name) {
            cs.last_use = now_s;
        } else {
            if cache.len() >= CACHE_ITEMS
                && let Some(oldest) = cache
                    .iter()
                    .min_by_key(|(_, c)| c.last_use)
                    .map(|(k, _)| k.clone())
            {
                cache.remove(&oldest);
            }
            let stream = match connect(&argv[1], &argv[2], timeout) {
                Some(Ok(s)) => s,
                Some(Err(kind)) => {
                    // Seen by Redis as a failed write on the new connection.
                    if kind != SockErr::Timeout && may_retry {
                        may_retry = false;
                        continue;
                    }
                    return Err(io_error("writing"));
                }
                None => {
                    return Err(Error::Msg(
                        "IOERR error or timeout connecting to the client",
                    ));
                }
            };
            let _ = stream.set_read_timeout(Some(timeout));
            let _ = stream.set_write_timeout(Some(timeout));
            cache.insert(
                name.clone(),
                Cached {
                    conn: BufReader::new(stream),
                    last_dbid: -1,
                    last_use: now_s,
                },
            );
        }
        let Some(last_dbid) = cache.get(&name).map(|c| c.last_dbid) else {
            return Err(Error::Msg(
                "IOERR error or timeout connecting to the client",
            ));
        };

        // The request: AUTH, SELECT (when the database changes), one RESTORE per live key.
        let mut cmd: Vec<u8> = Vec::new();
        if let Some(pass) = password {
            let mut auth = vec![Bytes::from_static(b"AUTH")];
            auth.extend(username.cloned());
            auth.push(pass.clone());
            encode_command(&mut cmd, &auth);
        }
        let select = last_dbid != dbid;
        if select {
            let db = Bytes::from(itoa::Buffer::new().format(dbid).as_bytes().to_vec());
            encode_command(&mut cmd, &[Bytes::from_static(b"SELECT"), db]);
        }
        let opts = super::dump::write_options(ctx.srv);
        let now = clock::now_ms();
        let mut live: Vec<&Bytes> = Vec::with_capacity(keys.len());
        for &k in &keys {
            // A key may have expired or gone since the first look: skip it.
            let Some(e) = ctx.srv.dbs[ctx.db].get_mut_no_touch(k) else {
                continue;
            };
            let mut ttl = 0;
            if e.expire != 0 {
                ttl = e.expire - now;
                if ttl < 0 {
                    continue;
                }
                ttl = ttl.max(1);
            }
            let payload = rdb::dump_value_with(e.value, &opts);
            let mut restore = vec![
                Bytes::from_static(b"RESTORE"),
                k.clone(),
                Bytes::from(itoa::Buffer::new().format(ttl).as_bytes().to_vec()),
                Bytes::from(payload),
            ];
            if replace {
                restore.push(Bytes::from_static(b"REPLACE"));
            }
            encode_command(&mut cmd, &restore);
            live.push(k);
        }

        let Some(cs) = ctx.srv.migrate_sockets.sockets.get_mut(&name) else {
            return Err(io_error("writing"));
        };
        // (what failed, whether it was a timeout)
        let failure: Option<(&str, SockErr)> = 'io: {
            if let Err(e) = write_all(&mut cs.conn, &cmd) {
                break 'io Some(("writing", e));
            }
            let auth_reply = match password {
                Some(_) => match read_line(&mut cs.conn) {
                    Ok(l) => Some(l),
                    Err(e) => break 'io Some(("reading", e)),
                },
                None => None,
            };
            let select_reply = if select {
                match read_line(&mut cs.conn) {
                    Ok(l) => Some(l),
                    Err(e) => break 'io Some(("reading", e)),
                }
            } else {
                None
            };
            let mut target_error: Option<Vec<u8>> = None;
            let mut socket_error: Option<SockErr> = None;
            let mut deleted: Vec<Bytes> = Vec::new();
            let mut acked = 0;
            let Some(cs) = ctx.srv.migrate_sockets.sockets.get_mut(&name) else {
                break 'io Some(("reading", SockErr::Other));
            };
            for &k in &live {
                let line = match read_line(&mut cs.conn) {
                    Ok(l) => l,
                    Err(e) => {
                        socket_error = Some(e);
                        break;
                    }
                };
                acked += 1;
                let err_line = [&auth_reply, &select_reply]
                    .into_iter()
                    .flatten()
                    .find(|l| l.first() == Some(&b'-'))
                    .or((line.first() == Some(&b'-')).then_some(&line));
                if let Some(err) = err_line {
                    if target_error.is_none() {
                        cs.last_dbid = -1;
                        target_error = Some(err[1..].to_vec());
                    }
                } else if !copy {
                    deleted.push(k.clone());
                }
            }
            // Delete what the target acknowledged, signalling each key.
            for k in &deleted {
                if let Some(e) = ctx.srv.dbs[ctx.db].remove(k) {
                    lazyfree::free(e.value);
                }
                ctx.changed(class::GENERIC, "del", k);
                ctx.dirty(1);
            }
            if !deleted.is_empty() {
                let mut del = Vec::with_capacity(deleted.len() + 1);
                del.push(Bytes::from_static(b"DEL"));
                del.extend(deleted);
                ctx.propagate_as(del);
            }
            if let Some(e) = socket_error {
                if target_error.is_none() && acked == 0 && may_retry && e != SockErr::Timeout {
                    break 'io Some(("reading", e));
                }
                ctx.srv.migrate_sockets.sockets.remove(&name);
                if target_error.is_none() {
                    may_retry = false;
                    break 'io Some(("reading", e));
                }
            }
            if let Some(err) = target_error {
                let mut msg = b"ERR Target instance replied with error: ".to_vec();
                msg.extend(err.iter().map(|&c| match c {
                    b'\r' | b'\n' => b' ',
                    c => c,
                }));
                return Err(Error::Text(String::from_utf8_lossy(&msg).into_owned()));
            }
            if let Some(cs) = ctx.srv.migrate_sockets.sockets.get_mut(&name) {
                cs.last_dbid = dbid;
            }
            ctx.out.ok();
            return Ok(());
        };
        // A socket error: drop the connection; retry once on a fresh one unless it timed out.
        let (what, kind) = failure.unwrap_or(("reading", SockErr::Other));
        ctx.srv.migrate_sockets.sockets.remove(&name);
        if kind != SockErr::Timeout && may_retry {
            may_retry = false;
            continue;
        }
        return Err(io_error(what));
    }
}

pub static COMMANDS: &[Command] = &[
    Command::new(
        "migrate",
        -6,
        WRITE | MOVABLE_KEYS,
        keys(3, 3, 1),
        cmd_migrate,
    ),
    Command::new(
        "restore-asking",
        -4,
        WRITE | DENYOOM | ASKING,
        keys(1, 1, 1),
        super::dump::cmd_restore,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(a: &[&str]) -> Vec<Bytes> {
        a.iter()
            .map(|s| Bytes::copy_from_slice(s.as_bytes()))
            .collect()
    }

    #[test]
    fn get_keys() {
        let k = |a: &[&str]| migrate_get_keys(&argv(a)).collect::<Vec<_>>();
        assert_eq!(k(&["migrate", "h", "1", "k", "0", "5"]), vec![3]);
        assert_eq!(
            k(&[
                "migrate", "h", "1", "", "0", "5", "AUTH", "keys", "KEYS", "a", "b"
            ]),
            vec![9, 10]
        );
        assert_eq!(
            k(&["migrate", "h", "1", "x", "0", "5", "KEYS", "a"]),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn redacted() {
        let r = |a: &[&str]| redacted_args(&argv(a));
        let base = ["migrate", "h", "1", "k", "0", "5"];
        assert_eq!(r(&base), Vec::<usize>::new());
        assert_eq!(r(&[&base[..], &["COPY", "AUTH", "pw"]].concat()), vec![8]);
        assert_eq!(
            r(&[&base[..], &["AUTH2", "u", "p", "KEYS", "AUTH", "x"]].concat()),
            vec![7, 8]
        );
        assert_eq!(r(&[&base[..], &["AUTH"]].concat()), Vec::<usize>::new());
    }

    #[test]
    fn c_atoi() {
        assert_eq!(atoi(b" 12x"), 12);
        assert_eq!(atoi(b"x"), 0);
        assert_eq!(atoi(b"-3"), -3);
    }
}
