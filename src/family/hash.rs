//! Hash commands, as Redis 7.0's `t_hash.c`: HSET, HSETNX, HMSET, HGET, HMGET, HGETALL, HKEYS,
//! HVALS, HDEL, HLEN, HEXISTS, HSTRLEN, HINCRBY, HINCRBYFLOAT, HRANDFIELD and HSCAN.
//!
//! Read commands look keys up counting keyspace hits/misses, write commands without
//! (`lookup_value`). A hash emptied by HDEL is deleted (`del` event). Encodings and conversions
//! live in `types::hash`; the thresholds come from the configuration at each write.
//!
//! Also home of what HSCAN/SSCAN and HRANDFIELD/SRANDMEMBER share: scan option parsing and
//! the reply, random-count parsing, and the bound on replies with repeated random picks.

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::family::keys::{parse_scan_options, scan_cursor};
use crate::family::string::long_double::LongDouble;
use crate::keyspace::events::class;
use crate::keyspace::{Ttl, Value, glob};
use crate::protocol::Reply;
use crate::server::Server;
use crate::types::Hash;
use crate::types::hash::Limits;

/// The value at `key`, looked up for reading (`read`: Redis's `lookupKeyRead`, see
/// `keyspace::lookup`) or for writing.
pub(crate) fn lookup_value<'a>(
    srv: &'a mut Server,
    db: usize,
    key: &[u8],
    read: bool,
) -> Option<&'a mut Value> {
    let e = if read {
        srv.lookup_read_mut(db, key, crate::keyspace::lookup::NONE)
    } else {
        srv.dbs[db].get_mut(key)
    };
    e.map(|e| e.value)
}

/// The hash at `key` (see `lookup_value`); `None` if missing, WRONGTYPE for another type.
fn lookup<'a>(
    srv: &'a mut Server,
    db: usize,
    key: &[u8],
    read: bool,
) -> Result<Option<&'a mut Hash>, Error> {
    match lookup_value(srv, db, key, read) {
        None => Ok(None),
        Some(Value::Hash(h)) => Ok(Some(h)),
        Some(_) => Err(Error::WrongType),
    }
}

fn limits(srv: &Server) -> Limits {
    Limits {
        entries: srv.config.hash_max_listpack_entries,
        value: srv.config.hash_max_listpack_value,
    }
}

/// The hash at `key` for writing, created empty if missing (`hashTypeLookupWriteOrCreate`).
/// Callers add at least one field before returning.
fn lookup_or_create<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Result<&'a mut Hash, Error> {
    let d = &mut srv.dbs[db];
    if d.get_mut(key).is_none() {
        d.set(key, Value::Hash(Box::default()), Ttl::Clear);
    }
    match d.get_mut(key).map(|e| e.value) {
        Some(Value::Hash(h)) => Ok(h),
        _ => Err(Error::WrongType),
    }
}

/// HSET key field value [field value ...] / HMSET (which replies OK).
fn hset_generic(ctx: &mut Ctx, argv: &[Bytes], ok_reply: bool) -> CmdResult {
    if argv.len() % 2 == 1 {
        return Err(Error::Text(format!(
            "ERR wrong number of arguments for '{}' command",
            ctx.cmd.name
        )));
    }
    let lim = limits(ctx.srv);
    let h = lookup_or_create(ctx.srv, ctx.db, &argv[1])?;
    let args: Vec<&[u8]> = argv[2..].iter().map(|a| &a[..]).collect();
    h.convert_for(&args, lim);
    let mut created = 0;
    for pair in argv[2..].chunks_exact(2) {
        created += h.set(&pair[0], &pair[1], lim) as i64;
    }
    if ok_reply {
        ctx.out.ok();
    } else {
        ctx.out.int(created);
    }
    ctx.changed(class::HASH, "hset", &argv[1]);
    ctx.dirty((argv.len() as u64 - 2) / 2);
    Ok(())
}

fn cmd_hset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    hset_generic(ctx, argv, false)
}

fn cmd_hmset(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    hset_generic(ctx, argv, true)
}

/// HSETNX key field value
fn cmd_hsetnx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let lim = limits(ctx.srv);
    let exists = match lookup(ctx.srv, ctx.db, &argv[1], false)? {
        Some(h) => h.contains(&argv[2]),
        None => false,
    };
    if exists {
        ctx.out.int(0);
        return Ok(());
    }
    lookup_or_create(ctx.srv, ctx.db, &argv[1])?.set(&argv[2], &argv[3], lim);
    ctx.out.int(1);
    ctx.changed(class::HASH, "hset", &argv[1]);
    ctx.dirty(1);
    Ok(())
}

/// HGET key field
fn cmd_hget(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    match lookup(ctx.srv, ctx.db, &argv[1], true)?.and_then(|h| h.get(&argv[2])) {
        Some(v) => ctx.out.bulk(v),
        None => ctx.out.null(),
    }
    Ok(())
}

/// HMGET key field [field ...]
fn cmd_hmget(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let h = lookup(ctx.srv, ctx.db, &argv[1], true)?;
    let out = &mut *ctx.out;
    out.array(argv.len() - 2);
    for f in &argv[2..] {
        match h.as_ref().and_then(|h| h.get(f)) {
            Some(v) => out.bulk(v),
            None => out.null(),
        }
    }
    Ok(())
}

/// HLEN key
fn cmd_hlen(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = lookup(ctx.srv, ctx.db, &argv[1], true)?.map_or(0, |h| h.len());
    ctx.out.int(n as i64);
    Ok(())
}

/// HEXISTS key field
fn cmd_hexists(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let found = lookup(ctx.srv, ctx.db, &argv[1], true)?.is_some_and(|h| h.contains(&argv[2]));
    ctx.out.int(found as i64);
    Ok(())
}

/// HSTRLEN key field
fn cmd_hstrlen(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = lookup(ctx.srv, ctx.db, &argv[1], true)?
        .and_then(|h| h.get(&argv[2]))
        .map_or(0, <[u8]>::len);
    ctx.out.int(n as i64);
    Ok(())
}

/// What `genericHgetallCommand` replies.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Keys,
    Vals,
    Both,
}

fn getall_generic(ctx: &mut Ctx, argv: &[Bytes], part: Part) -> CmdResult {
    let h = lookup(ctx.srv, ctx.db, &argv[1], true)?;
    let out = &mut *ctx.out;
    let n = h.as_ref().map_or(0, |h| h.len());
    if part == Part::Both {
        out.map(n);
    } else {
        out.array(n);
    }
    if let Some(h) = h {
        for (k, v) in h.iter() {
            if part != Part::Vals {
                out.bulk(k);
            }
            if part != Part::Keys {
                out.bulk(v);
            }
        }
    }
    Ok(())
}

/// HGETALL key: a map in RESP3.
fn cmd_hgetall(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    getall_generic(ctx, argv, Part::Both)
}

/// HKEYS key
fn cmd_hkeys(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    getall_generic(ctx, argv, Part::Keys)
}

/// HVALS key
fn cmd_hvals(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    getall_generic(ctx, argv, Part::Vals)
}

/// HDEL key field [field ...]: deletes the key once its last field is gone.
fn cmd_hdel(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let outcome = match lookup(ctx.srv, ctx.db, &argv[1], false)? {
        Some(h) => remove_items(&argv[2..], |f| (h.remove(f), h.is_empty())),
        None => (0, false),
    };
    finish_removal(ctx, &argv[1], class::HASH, "hdel", outcome);
    Ok(())
}

/// What HDEL and SREM share: removes `items` one by one with `remove` (which says whether
/// the item was there and whether the collection is now empty), stopping once it is empty.
/// Returns (how many were removed, whether the collection was emptied).
pub(crate) fn remove_items(
    items: &[Bytes],
    mut remove: impl FnMut(&[u8]) -> (bool, bool),
) -> (u64, bool) {
    let mut removed = 0;
    for item in items {
        let (found, empty) = remove(item);
        if found {
            removed += 1;
            if empty {
                return (removed, true);
            }
        }
    }
    (removed, false)
}

/// The end of HDEL/SREM, in Redis's order: an emptied key is deleted, the change signalled
/// (`event`, then `del`), counted, and the number removed replied.
pub(crate) fn finish_removal(
    ctx: &mut Ctx,
    key: &[u8],
    class: u32,
    event: &str,
    (removed, emptied): (u64, bool),
) {
    if emptied {
        ctx.db().delete(key);
    }
    if removed > 0 {
        ctx.changed(class, event, key);
        if emptied {
            ctx.notify(class::GENERIC, "del", key);
        }
        ctx.dirty(removed);
    }
    ctx.out.int(removed as i64);
}

/// HINCRBY key field increment
fn cmd_hincrby(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let incr = parse_int(&argv[3])?;
    let cur = match lookup(ctx.srv, ctx.db, &argv[1], false)?.and_then(|h| h.get(&argv[2])) {
        Some(v) => {
            crate::protocol::parse_i64(v).ok_or(Error::Msg("ERR hash value is not an integer"))?
        }
        None => 0,
    };
    let value = cur.checked_add(incr).ok_or(Error::Overflow)?;
    let text = itoa::Buffer::new().format(value).as_bytes().to_vec();
    let lim = limits(ctx.srv);
    lookup_or_create(ctx.srv, ctx.db, &argv[1])?.set(&argv[2], &text, lim);
    ctx.out.int(value);
    ctx.changed(class::HASH, "hincrby", &argv[1]);
    ctx.dirty(1);
    Ok(())
}

/// HINCRBYFLOAT key field increment: long double arithmetic and formatting like INCRBYFLOAT;
/// propagated as HSET with the result.
fn cmd_hincrbyfloat(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let incr = LongDouble::parse(&argv[3]).ok_or(Error::NotFloat)?;
    if matches!(incr, LongDouble::Inf { .. }) {
        return Err(Error::Msg("ERR value is NaN or Infinity"));
    }
    let cur = match lookup(ctx.srv, ctx.db, &argv[1], false)?.and_then(|h| h.get(&argv[2])) {
        Some(v) => LongDouble::parse(v).ok_or(Error::Msg("ERR hash value is not a float"))?,
        None => LongDouble::ZERO,
    };
    let sum = cur
        .checked_add(incr)
        .ok_or(Error::Msg("ERR increment would produce NaN or Infinity"))?;
    let text = sum.to_human().into_bytes();
    let lim = limits(ctx.srv);
    lookup_or_create(ctx.srv, ctx.db, &argv[1])?.set(&argv[2], &text, lim);
    ctx.out.bulk(&text);
    ctx.changed(class::HASH, "hincrbyfloat", &argv[1]);
    ctx.dirty(1);
    ctx.propagate_as(vec![
        Bytes::from_static(b"HSET"),
        argv[1].clone(),
        argv[2].clone(),
        Bytes::from(text),
    ]);
    Ok(())
}

/// The most bytes a reply of repeated random picks (a negative count) may take: past it the
/// reply is dropped and the client disconnected, as Redis does when a client exceeds its
/// output buffer limit, instead of growing memory without bound.
pub(crate) const REPEAT_REPLY_LIMIT: usize = 256 << 20;

/// Whether the reply written since `mark` outgrew `REPEAT_REPLY_LIMIT`; if so it is dropped
/// and the client is closed.
pub(crate) fn reply_overflowed(ctx: &mut Ctx, mark: usize) -> bool {
    if ctx.out.len() - mark <= REPEAT_REPLY_LIMIT {
        return false;
    }
    ctx.out.buf.truncate(mark);
    if let Some(c) = ctx.srv.clients.get_mut(ctx.cid) {
        c.flags |= crate::net::client::flag::CLOSE_AFTER_REPLY;
    }
    true
}

/// A count of HRANDFIELD/SRANDMEMBER: an integer in `-LONG_MAX..=LONG_MAX`.
pub(crate) fn parse_random_count(arg: &[u8]) -> Result<i64, Error> {
    let n = parse_int(arg)?;
    if n == i64::MIN {
        return Err(Error::Text(format!(
            "ERR value is out of range, value must between {} and {}",
            -i64::MAX,
            i64::MAX
        )));
    }
    Ok(n)
}

/// `count` distinct indexes of `0..size` in random order (`count` < `size`), with memory
/// bounded by `count`.
pub(crate) fn distinct_indexes(size: usize, count: usize) -> Vec<usize> {
    let count = count.min(size);
    if count.saturating_mul(3) > size {
        // Partial Fisher-Yates over all positions.
        let mut all: Vec<usize> = (0..size).collect();
        for i in 0..count {
            let j = i + crate::rand::below((size - i) as u64) as usize;
            all.swap(i, j);
        }
        all.truncate(count);
        all
    } else {
        let mut seen = std::collections::HashSet::with_capacity(count);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            let i = crate::rand::below(size as u64) as usize;
            if seen.insert(i) {
                out.push(i);
            }
        }
        out
    }
}

/// HRANDFIELD key [count [WITHVALUES]]
fn cmd_hrandfield(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() == 2 {
        match lookup(ctx.srv, ctx.db, &argv[1], true)?.and_then(|h| h.random()) {
            Some((k, _)) => ctx.out.bulk(k),
            None => ctx.out.null(),
        }
        return Ok(());
    }
    let l = parse_random_count(&argv[2])?;
    let withvalues = match argv.len() {
        3 => false,
        4 if is(&argv[3], "withvalues") => true,
        _ => return Err(Error::Syntax),
    };
    if withvalues && !(-i64::MAX / 2..=i64::MAX / 2).contains(&l) {
        return Err(Error::Msg("ERR value is out of range"));
    }
    let mark = ctx.out.len();
    let resp3 = ctx.out.resp3;
    let Some(h) = lookup(ctx.srv, ctx.db, &argv[1], true)? else {
        ctx.out.array(0);
        return Ok(());
    };
    let out = &mut *ctx.out;
    let count = l.unsigned_abs() as usize;
    let size = h.len();
    let pair = |out: &mut Reply, k: &[u8], v: &[u8]| {
        if withvalues && resp3 {
            out.array(2);
        }
        out.bulk(k);
        if withvalues {
            out.bulk(v);
        }
    };
    let header = |out: &mut Reply, n: usize| {
        out.array(if withvalues && !resp3 { n * 2 } else { n });
    };
    if count == 0 {
        out.array(0);
        return Ok(());
    }
    if l < 0 || count == 1 {
        header(out, count);
        if let Hash::Listpack(_) = h {
            let all: Vec<(&[u8], &[u8])> = h.iter().collect();
            for i in 0..if all.is_empty() { 0 } else { count } {
                let (k, v) = all[crate::rand::below(all.len() as u64) as usize];
                pair(out, k, v);
                if i % 1024 == 0 && out.len() - mark > REPEAT_REPLY_LIMIT {
                    break;
                }
            }
        } else {
            for i in 0..count {
                if let Some((k, v)) = h.random() {
                    pair(out, k, v);
                }
                if i % 1024 == 0 && out.len() - mark > REPEAT_REPLY_LIMIT {
                    break;
                }
            }
        }
        reply_overflowed(ctx, mark);
        return Ok(());
    }
    if count >= size {
        header(out, size);
        for (k, v) in h.iter() {
            pair(out, k, v);
        }
        return Ok(());
    }
    header(out, count);
    let all: Vec<(&[u8], &[u8])> = if count.saturating_mul(3) > size {
        h.iter().collect()
    } else {
        Vec::new()
    };
    if all.is_empty() {
        // Few picks from a big hash: random draws until `count` distinct fields.
        let mut seen = std::collections::HashSet::with_capacity(count);
        while seen.len() < count {
            let Some((k, v)) = h.random() else { break };
            if seen.insert(k) {
                pair(out, k, v);
            }
        }
    } else {
        for i in distinct_indexes(all.len(), count) {
            let (k, v) = all[i];
            pair(out, k, v);
        }
    }
    Ok(())
}

/// Writes a SCAN-family reply: the next cursor and the collected items.
pub(crate) fn reply_scan(out: &mut Reply, cursor: u64, items: &[Vec<u8>]) {
    out.array(2);
    out.bulk(itoa::Buffer::new().format(cursor).as_bytes());
    out.array(items.len());
    for i in items {
        out.bulk(i);
    }
}

/// HSCAN key cursor [MATCH pattern] [COUNT count]
fn cmd_hscan(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let cursor = scan_cursor(&argv[2])?;
    let Some(h) = lookup(ctx.srv, ctx.db, &argv[1], true)? else {
        reply_scan(ctx.out, 0, &[]);
        return Ok(());
    };
    let a = parse_scan_options(&argv[3..], false)?;
    let mut items = Vec::new();
    // Redis counts fields and values against COUNT.
    let cursor = h.scan(cursor, a.count, |k, v| {
        if a.pattern.is_none_or(|p| glob::matches(p, k, false)) {
            items.push(k.to_vec());
            items.push(v.to_vec());
        }
    });
    reply_scan(ctx.out, cursor, &items);
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command::new("hset", -4, WRITE | DENYOOM | FAST, keys(1, 1, 1), cmd_hset),
    Command::new(
        "hsetnx",
        4,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_hsetnx,
    ),
    Command::new(
        "hmset",
        -4,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_hmset,
    ),
    Command::new("hget", 3, READONLY | FAST, keys(1, 1, 1), cmd_hget),
    Command::new("hmget", -3, READONLY | FAST, keys(1, 1, 1), cmd_hmget),
    Command::new("hgetall", 2, READONLY, keys(1, 1, 1), cmd_hgetall),
    Command::new("hkeys", 2, READONLY, keys(1, 1, 1), cmd_hkeys),
    Command::new("hvals", 2, READONLY, keys(1, 1, 1), cmd_hvals),
    Command::new("hdel", -3, WRITE | FAST, keys(1, 1, 1), cmd_hdel),
    Command::new("hlen", 2, READONLY | FAST, keys(1, 1, 1), cmd_hlen),
    Command::new("hexists", 3, READONLY | FAST, keys(1, 1, 1), cmd_hexists),
    Command::new("hstrlen", 3, READONLY | FAST, keys(1, 1, 1), cmd_hstrlen),
    Command::new(
        "hincrby",
        4,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_hincrby,
    ),
    Command::new(
        "hincrbyfloat",
        4,
        WRITE | DENYOOM | FAST,
        keys(1, 1, 1),
        cmd_hincrbyfloat,
    ),
    Command::new("hrandfield", -2, READONLY, keys(1, 1, 1), cmd_hrandfield),
    Command::new("hscan", -3, READONLY, keys(1, 1, 1), cmd_hscan),
];

/// An in-process server for the hash and set families' unit tests: what the wire can't show
/// in this branch (WATCH invalidation and propagation, whose commands are merged elsewhere).
#[cfg(test)]
pub(crate) mod harness {
    use bytes::Bytes;

    use crate::config::Config;
    use crate::net::client::{Client, flag};
    use crate::protocol::Reply;
    use crate::runtime::Ring;
    use crate::server::Server;

    pub struct T {
        pub srv: Server,
        cid: usize,
    }

    impl T {
        pub fn new() -> T {
            let ring = Ring::new(8).expect("io_uring ring");
            let mut srv = Server::new(Config::default(), ring);
            let cid = srv
                .clients
                .insert(Client::new(1, -1, "test".into(), "test".into(), 0));
            srv.propagation.log = Some(Vec::new());
            T { srv, cid }
        }

        /// Runs `args` while each key of `watched` is watched by a client of its own;
        /// returns the reply and the watched keys the command signalled as modified.
        pub fn run(&mut self, args: &[&str], watched: &[&str]) -> (String, Vec<String>) {
            let argv: Vec<Bytes> = args
                .iter()
                .map(|a| Bytes::copy_from_slice(a.as_bytes()))
                .collect();
            let watchers: Vec<usize> = watched
                .iter()
                .map(|k| {
                    let w = self
                        .srv
                        .clients
                        .insert(Client::new(99, -1, "w".into(), "w".into(), 0));
                    self.srv.dbs[0]
                        .watched
                        .insert(k.as_bytes().to_vec(), vec![w]);
                    w
                })
                .collect();
            let mut out = Reply::new();
            crate::cmd::call(&mut self.srv, &mut out, self.cid, &argv);
            let touched = watched
                .iter()
                .zip(&watchers)
                .filter(|(_, w)| self.srv.clients[**w].has(flag::DIRTY_CAS))
                .map(|(k, _)| k.to_string())
                .collect();
            self.srv.dbs[0].watched.clear();
            for w in watchers {
                self.srv.clients.remove(w);
            }
            (String::from_utf8_lossy(&out.buf).into_owned(), touched)
        }

        /// The commands propagated since the last call, as text.
        pub fn propagated(&mut self) -> Vec<String> {
            let log = self.srv.propagation.log.as_mut().map(std::mem::take);
            log.unwrap_or_default()
                .iter()
                .map(|(_, argv)| {
                    argv.iter()
                        .map(|a| String::from_utf8_lossy(a).into_owned())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::harness::T;

    #[test]
    fn watched_keys_and_propagation() {
        let mut t = T::new();
        let cases: &[(&[&str], &str, &[&str])] = &[
            (&["HSET", "h", "a", "1", "b", "2"], ":2\r\n", &["h"]),
            (&["HSET", "h", "a", "1"], ":0\r\n", &["h"]),
            (&["HSETNX", "h", "a", "x"], ":0\r\n", &[]),
            (&["HSETNX", "h", "c", "x"], ":1\r\n", &["h"]),
            (&["HDEL", "h", "nope"], ":0\r\n", &[]),
            (&["HDEL", "nokey", "a"], ":0\r\n", &[]),
            (
                &["HINCRBY", "h", "a", "x"],
                "-ERR value is not an integer or out of range\r\n",
                &[],
            ),
            (
                &["HINCRBY", "h", "c", "1"],
                "-ERR hash value is not an integer\r\n",
                &[],
            ),
            (&["HINCRBY", "h", "n", "5"], ":5\r\n", &["h"]),
            (&["HINCRBYFLOAT", "h", "n", "0.5"], "$3\r\n5.5\r\n", &["h"]),
            (&["HGET", "h", "n"], "$3\r\n5.5\r\n", &[]),
            (&["HDEL", "h", "a", "b", "c", "n"], ":4\r\n", &["h"]),
            (&["EXISTS", "h"], ":0\r\n", &[]),
        ];
        for (args, reply, touched) in cases {
            let (r, w) = t.run(args, &["h", "other"]);
            assert_eq!(r, *reply, "{args:?}");
            assert_eq!(w, *touched, "{args:?}");
        }
        let log = t.propagated();
        assert!(log.contains(&"HSET h n 5.5".to_string()), "{log:?}");
        assert!(
            !log.iter().any(|c| c.starts_with("HINCRBYFLOAT")),
            "{log:?}"
        );
        assert!(!log.iter().any(|c| c.starts_with("HSETNX h a")), "{log:?}");
    }
}
