//! Loading the AOF at start-up (Redis's `loadAppendOnlyFiles` / `loadSingleAppendOnlyFile`):
//! the manifest, then the base file (an RDB image, or commands) and every incr file in order.
//! Commands are replayed through `cmd::call` as a fake client, so MULTI/EXEC and every
//! command's semantics are exactly those of a live client.
//!
//! A torn last record (the server died mid-write) is cut off with Redis's log lines when
//! `aof-load-truncated yes`, and refused otherwise; a truncated file that is not the last one,
//! a format error, or an unknown command is always fatal. Nothing here panics on a hostile
//! file: lengths are checked against what remains before anything is allocated.

use std::path::Path;

use bytes::Bytes;

use super::manifest::Manifest;
use crate::net::client::Client;
use crate::protocol::Reply;
use crate::server::Server;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    NotExist,
    Empty,
    Truncated,
    Failed,
}

/// Redis's `AOF_ANNOTATION_LINE_MAX_LEN`: `fgets` reads lines up to this size.
const LINE_MAX: usize = 1024;

enum Step {
    Command(Vec<Bytes>, usize),
    /// End of file reached cleanly.
    Eof,
    /// The file ends inside a record.
    Short,
    Format,
}

/// Reads one line of at most LINE_MAX-1 bytes, as `fgets`: returns (line, next offset).
fn fgets(data: &[u8], at: usize) -> Option<(&[u8], usize)> {
    if at >= data.len() {
        return None;
    }
    let window = &data[at..data.len().min(at + LINE_MAX - 1)];
    match memchr::memchr(b'\n', window) {
        Some(i) => Some((&window[..=i], at + i + 1)),
        None => Some((window, at + window.len())),
    }
}

/// C's `strtol`/`atoi` on the digits after the prefix.
fn atoi(b: &[u8]) -> i64 {
    let b = b.trim_ascii_start();
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let mut n: i64 = 0;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add((c - b'0') as i64);
    }
    if neg { -n } else { n }
}

/// Parses the command starting at `at`, as Redis's loader reads it.
fn next_command(data: &Bytes, mut at: usize) -> Step {
    let (line, next) = loop {
        let Some((line, next)) = fgets(data, at) else {
            return Step::Eof;
        };
        if line[0] == b'#' {
            // Annotation (`#TS:...`): skipped.
            at = next;
            continue;
        }
        break (line, next);
    };
    if line[0] != b'*' {
        return Step::Format;
    }
    if line.len() == 1 {
        return Step::Short;
    }
    let argc = atoi(&line[1..]);
    if argc < 1 {
        return Step::Format;
    }
    at = next;
    // Each argument needs at least 6 bytes ("$0\r\n\r\n"): don't reserve beyond that.
    let remaining = data.len() - at;
    let mut argv = Vec::with_capacity((argc as usize).min(remaining / 6 + 1));
    for _ in 0..argc {
        let Some((line, next)) = fgets(data, at) else {
            return Step::Short;
        };
        if line[0] != b'$' {
            return Step::Format;
        }
        let len = atoi(&line[1..]);
        at = next;
        if len < 0 {
            return Step::Format;
        }
        let len = len as usize;
        if data.len() - at < len {
            return Step::Short;
        }
        argv.push(data.slice(at..at + len));
        at += len;
        // The CRLF after the argument (Redis reads two bytes without checking them).
        if data.len() - at < 2 {
            return Step::Short;
        }
        at += 2;
    }
    Step::Command(argv, at)
}

/// Loads one file of the AOF directory into the server.
pub fn load_file(srv: &mut Server, dir: &Path, name: &str, is_base: bool) -> Outcome {
    let path = dir.join(name);
    let data = match std::fs::read(&path) {
        Ok(d) => Bytes::from(d),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!("The append log file {name} doesn't exist: {e}");
            return Outcome::NotExist;
        }
        Err(e) => {
            tracing::warn!("Fatal error: can't open the append log file {name} for reading: {e}");
            return Outcome::Failed;
        }
    };
    if data.is_empty() {
        return Outcome::Empty;
    }
    let mut at = 0;
    if data.starts_with(b"REDIS") {
        // A base RDB, or a pre-7.0 single file with an RDB preamble and a command tail.
        let old_style = name == srv.aof.filename;
        if old_style {
            tracing::info!("Reading RDB preamble from AOF file...");
        } else {
            tracing::info!("Reading RDB base file on AOF loading...");
        }
        let opts = crate::persist::snapshot::load_options(srv);
        match crate::persist::rdb::load(&data, &mut srv.dbs, &opts) {
            Ok(summary) => {
                if !summary.functions.is_empty() {
                    tracing::warn!(
                        "The RDB base file {name} holds functions, which this server does not support, AOF loading aborted"
                    );
                    return Outcome::Failed;
                }
                at = summary.consumed;
                if old_style {
                    tracing::info!("Reading the remaining AOF tail...");
                }
            }
            Err(e) => {
                if old_style {
                    tracing::warn!(
                        "Error reading the RDB preamble of the AOF file {name}, AOF loading aborted: {e}"
                    );
                } else {
                    tracing::warn!(
                        "Error reading the RDB base file {name}, AOF loading aborted: {e}"
                    );
                }
                return Outcome::Failed;
            }
        }
    }
    let _ = is_base;
    replay(srv, &path, name, data, at)
}

/// Replays the commands of `data` from `at`.
fn replay(srv: &mut Server, path: &Path, name: &str, data: Bytes, mut at: usize) -> Outcome {
    let truncated_ok = srv.config.get("aof-load-truncated") == Some("yes");
    let cid = srv.clients.insert(Client::new(
        u64::MAX,
        -1,
        "aof".into(),
        String::new(),
        crate::keyspace::clock::now_ms(),
    ));
    let mut out = Reply::new();
    let mut valid_up_to = at;
    let mut valid_before_multi = at;
    let outcome = loop {
        match next_command(&data, at) {
            Step::Command(argv, next) => {
                if crate::cmd::lookup(&argv[0]).is_none() {
                    tracing::warn!(
                        "Unknown command '{}' reading the append only file {name}",
                        String::from_utf8_lossy(&argv[0])
                    );
                    break Outcome::Failed;
                }
                if argv[0].eq_ignore_ascii_case(b"multi") {
                    valid_before_multi = valid_up_to;
                }
                crate::cmd::call(srv, &mut out, cid, &argv);
                out.buf.clear();
                at = next;
                valid_up_to = at;
            }
            Step::Eof => {
                let in_multi = srv
                    .clients
                    .get(cid)
                    .is_some_and(|c| c.has(crate::net::client::flag::MULTI));
                if in_multi {
                    tracing::warn!("Revert incomplete MULTI/EXEC transaction in AOF file {name}");
                    crate::multi::discard(srv, cid);
                    valid_up_to = valid_before_multi;
                    break truncated(path, name, valid_up_to, truncated_ok);
                }
                break Outcome::Ok;
            }
            Step::Short => {
                let in_multi = srv
                    .clients
                    .get(cid)
                    .is_some_and(|c| c.has(crate::net::client::flag::MULTI));
                if in_multi {
                    crate::multi::discard(srv, cid);
                    valid_up_to = valid_before_multi;
                }
                break truncated(path, name, valid_up_to, truncated_ok);
            }
            Step::Format => {
                tracing::warn!(
                    "Bad file format reading the append only file {name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"
                );
                break Outcome::Failed;
            }
        }
    };
    // A hostile file may have made the fake client block or subscribe: forget it everywhere.
    crate::blocking::on_client_gone(srv, cid);
    crate::multi::unwatch_all(srv, cid);
    crate::pubsub::on_client_gone(srv, cid);
    srv.clients.remove(cid);
    outcome
}

/// The file ends inside a record (Redis's `uxeof`).
fn truncated(path: &Path, name: &str, valid_up_to: usize, allowed: bool) -> Outcome {
    if allowed {
        tracing::warn!("!!! Warning: short read while loading the AOF file {name}!!!");
        tracing::warn!("!!! Truncating the AOF {name} at offset {valid_up_to} !!!");
        let r = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|f| f.set_len(valid_up_to as u64));
        match r {
            Ok(()) => {
                tracing::warn!("AOF {name} loaded anyway because aof-load-truncated is enabled");
                return Outcome::Truncated;
            }
            Err(e) => tracing::warn!("Error truncating the AOF file {name}: {e}"),
        }
    }
    tracing::warn!(
        "Unexpected end of file reading the append only file {name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server."
    );
    Outcome::Failed
}

/// Reads the manifest into `srv.aof.manifest` (Redis's `aofLoadManifestFromDisk`).
pub fn load_manifest(srv: &mut Server) -> Result<(), String> {
    let dir = srv.aof.dirname.clone();
    let path = dir.join(super::manifest::manifest_name(&srv.aof.filename));
    if !dir.is_dir() || !path.exists() {
        return Ok(());
    }
    let text = std::fs::read(&path).map_err(|e| {
        format!(
            "Fatal error: can't open the AOF manifest file {} for reading: {e}",
            path.display()
        )
    })?;
    srv.aof.manifest = Manifest::parse(&text).map_err(|e| e.to_string())?;
    Ok(())
}

/// A pre-7.0 single `appendonly.aof` in `dir` becomes the base of a new AOF directory
/// (Redis's `aofUpgradePrepare`).
fn upgrade_if_needed(srv: &mut Server) -> Result<(), String> {
    let filename = srv.aof.filename.clone();
    let dir = srv.aof.dirname.clone();
    if !Path::new(&filename).is_file() {
        return Ok(());
    }
    let am = &srv.aof.manifest;
    let upgrade = !dir.is_dir()
        || (am.base.is_none() && am.incr.is_empty())
        || (am.incr.is_empty()
            && am.base.as_ref().is_some_and(|b| b.name == filename)
            && !dir.join(&filename).exists());
    if !upgrade {
        return Ok(());
    }
    std::fs::create_dir_all(&dir).map_err(|e| {
        format!(
            "Can't open or create append-only dir {}: {e}",
            dir.display()
        )
    })?;
    let am = Manifest {
        base: Some(super::manifest::AofInfo {
            name: filename.clone(),
            seq: 1,
            kind: super::manifest::FileType::Base,
        }),
        curr_base_seq: 1,
        ..Default::default()
    };
    am.persist(&dir, &filename)
        .map_err(|e| format!("Can't persist the AOF manifest: {e}"))?;
    std::fs::rename(&filename, dir.join(&filename)).map_err(|e| {
        format!(
            "Error trying to move the old AOF file {filename} into dir {}: {e}",
            dir.display()
        )
    })?;
    srv.aof.manifest = am;
    tracing::info!(
        "Successfully migrated an old-style AOF file ({filename}) into the AOF directory ({}).",
        dir.display()
    );
    Ok(())
}

/// Loads the dataset from the AOF when `appendonly yes` (Redis's `loadDataFromDisk` AOF
/// branch). `Err` is fatal: the server must exit.
pub fn load_on_start(srv: &mut Server) -> Result<(), String> {
    if srv.config.get("appendonly") != Some("yes") {
        return Ok(());
    }
    upgrade_if_needed(srv)?;
    let started = std::time::Instant::now();
    let dir = srv.aof.dirname.clone();
    let am = srv.aof.manifest.clone();
    let mut files: Vec<(String, bool)> = Vec::new();
    if let Some(b) = &am.base {
        files.push((b.name.clone(), true));
    }
    files.extend(am.incr.iter().map(|i| (i.name.clone(), false)));
    if files.is_empty() {
        return Ok(());
    }
    let mut total = 0u64;
    for (name, _) in &files {
        match std::fs::metadata(dir.join(name)) {
            Ok(m) => total += m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!("The append log file {name} doesn't exist: {e}");
                return Err(format!("The AOF file {name} is missing"));
            }
            Err(e) => {
                return Err(format!(
                    "Fatal error: can't open the append log file {name} for reading: {e}"
                ));
            }
        }
    }
    if total == 0 {
        return Ok(());
    }
    let n = files.len();
    let mut base_size = 0;
    for (i, (name, is_base)) in files.iter().enumerate() {
        let last = i + 1 == n;
        let t = std::time::Instant::now();
        if *is_base {
            base_size = std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
        }
        let mut r = load_file(srv, &dir, name, *is_base);
        if r == Outcome::Ok || (r == Outcome::Truncated && last) {
            tracing::info!(
                "DB loaded from {} file {name}: {:.3} seconds",
                if *is_base { "base" } else { "incr" },
                t.elapsed().as_secs_f64()
            );
        }
        if r == Outcome::Empty {
            r = Outcome::Ok;
        }
        if r == Outcome::Truncated && !last {
            tracing::warn!("Fatal error: the truncated file is not the last file");
            r = Outcome::Failed;
        }
        if matches!(r, Outcome::Failed | Outcome::NotExist) {
            return Err(format!("Failed loading the AOF file {name}"));
        }
    }
    // Truncation may have shortened the last file.
    let total: u64 = files
        .iter()
        .map(|(name, _)| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len()))
        .sum();
    srv.aof.current_size = total;
    srv.aof.base_size = base_size;
    tracing::info!(
        "DB loaded from append only file: {:.3} seconds",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(s: &[u8]) -> Vec<String> {
        let data = Bytes::copy_from_slice(s);
        let mut at = 0;
        let mut out = Vec::new();
        loop {
            match next_command(&data, at) {
                Step::Command(argv, next) => {
                    out.push(
                        argv.iter()
                            .map(|a| String::from_utf8_lossy(a).into_owned())
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                    at = next;
                }
                Step::Eof => {
                    out.push("EOF".into());
                    return out;
                }
                Step::Short => {
                    out.push(format!("SHORT@{at}"));
                    return out;
                }
                Step::Format => {
                    out.push(format!("FORMAT@{at}"));
                    return out;
                }
            }
        }
    }

    #[test]
    fn hostile_input_never_panics() {
        let base = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n#TS:5\r\n*1\r\n$4\r\nPING\r\n";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let mut v = base.to_vec();
            for _ in 0..(next() % 4 + 1) {
                let i = (next() as usize) % v.len();
                match next() % 3 {
                    0 => v[i] = next() as u8,
                    1 => v.truncate(i),
                    _ => v.insert(i, b"*$9\r\n-"[(next() % 6) as usize]),
                }
                if v.is_empty() {
                    v.push(b'*');
                }
            }
            parse_all(&v);
        }
    }

    #[test]
    fn commands_annotations_and_torn_tails() {
        let good =
            b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n#TS:1\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
        assert_eq!(parse_all(good), ["SELECT 0", "SET k v", "EOF"]);
        // Every cut inside the second command is a short read at its start.
        let second = 23 + 7;
        for cut in second + 1..good.len() {
            let r = parse_all(&good[..cut]);
            assert_eq!(
                r.last().map(String::as_str),
                Some("SHORT@23"),
                "{cut} {r:?}"
            );
        }
        assert_eq!(parse_all(b"GET x\r\n"), ["FORMAT@0"]);
        assert_eq!(parse_all(b"*1\r\nxx\r\n"), ["FORMAT@0"]);
        // A huge declared count or length never allocates beyond the input.
        assert_eq!(parse_all(b"*2147483647\r\n$1\r\na\r\n"), ["SHORT@0"]);
        assert_eq!(parse_all(b"*1\r\n$99999999999\r\n"), ["SHORT@0"]);
    }
}
