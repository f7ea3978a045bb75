//! Generic key commands (Redis's "keyspace" group): existence, deletion, type, enumeration (KEYS,
//! SCAN, RANDOMKEY), renaming and copying between keys and databases, TTLs (EXPIRE & co., TTL
//! & co., PERSIST), OBJECT introspection, and emptying databases (FLUSHDB, FLUSHALL).
//!
//! Lookups follow Redis's flags (`keyspace::lookup`): read commands count keyspace hits and
//! misses and publish `keymiss`; TYPE, EXISTS, TTL and OBJECT do not update the access time
//! (`LOOKUP_NOTOUCH`), OBJECT publishes no `keymiss`; write commands look keys up for writing
//! (access time updated, no hit/miss statistics).

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, NO_KEYS, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::keyspace::events::class;
use crate::keyspace::{Db, Entry, EntryRef, ValueRef, clock, db, glob, lazyfree, lookup};
use crate::server::Server;

/// DEL key [key ...]
fn cmd_del(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut n = 0;
    for k in &argv[1..] {
        if let Some(e) = ctx.srv.dbs[ctx.db].remove(k) {
            lazyfree::free(e.value);
            ctx.changed(class::GENERIC, "del", k);
            n += 1;
        }
    }
    ctx.dirty(n as u64);
    ctx.out.int(n as i64);
    Ok(())
}

/// UNLINK key [key ...]: DEL whose memory reclaim may happen elsewhere. Values are freed inline
/// today (they are flat); large aggregate types will be handed to a background thread.
fn cmd_unlink(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    cmd_del(ctx, argv)
}

/// EXISTS key [key ...]: how many of the keys exist; a key named twice counts twice.
fn cmd_exists(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut n = 0;
    for k in &argv[1..] {
        if ctx.srv.lookup_read(ctx.db, k, lookup::NOTOUCH).is_some() {
            n += 1;
        }
    }
    ctx.out.int(n);
    Ok(())
}

/// TYPE key: `string`, `list`, ... or `none`, as a status reply.
fn cmd_type(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = ctx
        .srv
        .lookup_read(ctx.db, &argv[1], lookup::NOTOUCH)
        .map_or("none", |e| e.value.type_name());
    ctx.out.simple(name.as_bytes());
    Ok(())
}

/// The lone `*` matches every key, the empty one included (Redis skips matching for it).
fn match_all(pattern: &[u8]) -> bool {
    pattern == b"*"
}

/// KEYS pattern: every live key matching the glob pattern, in table order.
fn cmd_keys(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let pattern = &argv[1];
    let all = match_all(pattern);
    let db = &ctx.srv.dbs[ctx.db];
    let at = ctx.out.deferred_array();
    let mut n = 0;
    for (k, _) in db.iter() {
        if all || glob::matches(pattern, k, false) {
            ctx.out.bulk(k);
            n += 1;
        }
    }
    ctx.out.patch_array(at, n);
    Ok(())
}

/// Parses a SCAN cursor as Redis does with `strtoul(.., 10)`: an optional sign (a negative
/// number wraps around), decimal digits, nothing else, no leading space; the text ends at the
/// first NUL, as C sees it. The empty string is cursor 0.
pub fn parse_cursor(arg: &[u8]) -> Option<u64> {
    let arg = arg.iter().position(|&c| c == 0).map_or(arg, |n| &arg[..n]);
    let (neg, digits) = match arg.first() {
        None => return Some(0),
        Some(b'+') => (false, &arg[1..]),
        Some(b'-') => (true, &arg[1..]),
        Some(_) => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

/// The options of the SCAN family (`scanGenericCommand`): `[MATCH pattern] [COUNT count]`, and
/// `[TYPE type]` for SCAN itself. A `*` pattern matches everything and is dropped.
pub struct ScanArgs<'a> {
    pub count: usize,
    pub pattern: Option<&'a [u8]>,
    pub type_name: Option<&'a [u8]>,
}

/// Parses the SCAN-family options in `opts`. HSCAN/SSCAN/ZSCAN parse them only once the key is
/// known to exist, as Redis does (a missing key replies an empty scan whatever the options).
pub fn parse_scan_options(opts: &[Bytes], allow_type: bool) -> Result<ScanArgs<'_>, Error> {
    let mut a = ScanArgs {
        count: 10,
        pattern: None,
        type_name: None,
    };
    let mut i = 0;
    while i < opts.len() {
        let more = opts.len() - i >= 2;
        if is(&opts[i], "count") && more {
            let n = parse_int(&opts[i + 1])?;
            if n < 1 {
                return Err(Error::Syntax);
            }
            a.count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if is(&opts[i], "match") && more {
            a.pattern = Some(&opts[i + 1][..]).filter(|p| !match_all(p));
        } else if allow_type && is(&opts[i], "type") && more {
            a.type_name = Some(&opts[i + 1][..]);
        } else {
            return Err(Error::Syntax);
        }
        i += 2;
    }
    Ok(a)
}

/// A SCAN-family cursor argument, or Redis's error.
pub fn scan_cursor(arg: &[u8]) -> Result<u64, Error> {
    parse_cursor(arg).ok_or(Error::Msg("ERR invalid cursor"))
}

/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
///
/// Visits about `count` keys per call (Redis's loop: scan buckets until `count` keys were
/// collected, the cursor wraps to 0, or `count * 10` buckets were visited), then filters by
/// pattern and type. Every key present for the whole iteration is returned at least once, even
/// while the table grows or shrinks, thanks to the reverse-binary cursor of `Dict::scan`.
fn cmd_scan(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut cursor = scan_cursor(&argv[1])?;
    let ScanArgs {
        count,
        pattern,
        type_name,
    } = parse_scan_options(&argv[2..], true)?;
    let db = &ctx.srv.dbs[ctx.db];
    let mut found: Vec<(Vec<u8>, &'static str)> = Vec::new();
    let mut iterations = count.saturating_mul(10);
    loop {
        cursor = db.scan(cursor, |k, e| found.push((k.to_vec(), e.value.type_name())));
        if cursor == 0 || iterations == 0 {
            break;
        }
        iterations -= 1;
        if found.len() as u64 >= count as u64 {
            break;
        }
    }

    found.retain(|(k, t)| {
        if let Some(p) = pattern
            && !glob::matches(p, k, false)
        {
            return false;
        }
        match type_name {
            Some(want) => {
                // Redis checks the type with a read lookup: one keyspace hit per key.
                ctx.srv.stats.keyspace_hits += 1;
                want.eq_ignore_ascii_case(t.as_bytes())
            }
            None => true,
        }
    });

    ctx.out.array(2);
    ctx.out.bulk(itoa::Buffer::new().format(cursor).as_bytes());
    ctx.out.array(found.len());
    for (k, _) in &found {
        ctx.out.bulk(k);
    }
    Ok(())
}

/// RANDOMKEY: a random live key, or null when the database is empty.
fn cmd_randomkey(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    match ctx.srv.dbs[ctx.db].random_key() {
        Some(k) => ctx.out.bulk(&k),
        None => ctx.out.null(),
    }
    Ok(())
}

/// RENAME / RENAMENX: moves the value, its TTL and its access data to the new name.
fn rename(ctx: &mut Ctx, argv: &[Bytes], nx: bool) -> CmdResult {
    let (src, dst) = (&argv[1][..], &argv[2][..]);
    let db = &mut ctx.srv.dbs[ctx.db];
    if db.get_ref(src).is_none() {
        return Err(Error::NoSuchKey);
    }
    if src != dst {
        if db.get_ref(dst).is_some() {
            if nx {
                ctx.out.int(0);
                return Ok(());
            }
            if let Some(old) = db.remove(dst) {
                lazyfree::free(old.value);
            }
        }
        if let Some(e) = db.remove(src) {
            db.put_entry(dst, e);
        }
        ctx.dirty(1);
        ctx.changed(class::GENERIC, "rename_from", src);
        ctx.changed(class::GENERIC, "rename_to", dst);
    }
    if nx {
        ctx.out.int(i64::from(src != dst));
    } else {
        ctx.out.ok();
    }
    Ok(())
}

/// RENAME key newkey
fn cmd_rename(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    rename(ctx, argv, false)
}

/// RENAMENX key newkey: 1 if renamed, 0 if `newkey` exists (or is `key`).
fn cmd_renamenx(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    rename(ctx, argv, true)
}

/// Parses a database index the way Redis's `getIntFromObjectOrReply` does, then checks it
/// exists: the three errors of COPY ... DB and MOVE.
fn parse_db_index(srv: &Server, arg: &[u8]) -> Result<usize, Error> {
    let n = parse_int(arg)?;
    if n < i64::from(i32::MIN) || n > i64::from(i32::MAX) {
        return Err(Error::Msg(
            "ERR value is out of range, value must between -2147483648 and 2147483647",
        ));
    }
    if n < 0 || n as usize >= srv.dbs.len() {
        return Err(Error::Msg("ERR DB index is out of range"));
    }
    Ok(n as usize)
}

const SAME_OBJECT: Error = Error::Msg("ERR source and destination objects are the same");

/// COPY source destination [DB destination-db] [REPLACE]: 1 if copied, 0 if the source is
/// missing or the destination exists (without REPLACE). The copy keeps the TTL and starts
/// with fresh access data.
fn cmd_copy(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut replace = false;
    let mut dst_db = ctx.db;
    let mut j = 3;
    while j < argv.len() {
        if is(&argv[j], "replace") {
            replace = true;
        } else if is(&argv[j], "db") && j + 1 < argv.len() {
            dst_db = parse_db_index(ctx.srv, &argv[j + 1])?;
            j += 1;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    let (src, dst) = (&argv[1][..], &argv[2][..]);
    if dst_db == ctx.db && src == dst {
        return Err(SAME_OBJECT);
    }
    let Some(e) = ctx.srv.lookup_read(ctx.db, src, lookup::NONE) else {
        ctx.out.int(0);
        return Ok(());
    };
    let copy = Entry {
        value: e.value.to_value(),
        expire: e.expire,
        lru: db::new_lru(),
    };
    let target = &mut ctx.srv.dbs[dst_db];
    if target.get_ref(dst).is_some() {
        if !replace {
            ctx.out.int(0);
            return Ok(());
        }
        if let Some(old) = target.remove(dst) {
            lazyfree::free(old.value);
        }
    }
    target.put_entry(dst, copy);
    ctx.dirty(1);
    // `new` (logged by put_entry) comes before `copy_to`, as Redis's dbAdd.
    ctx.srv.drain_expired(Some((ctx.cid, &mut *ctx.out)));
    ctx.srv.signal_modified_key(dst_db, dst);
    let cur = Some((ctx.cid, &mut *ctx.out));
    ctx.srv.notify(cur, class::GENERIC, "copy_to", dst, dst_db);
    ctx.out.int(1);
    Ok(())
}

/// MOVE key db: moves a key, with its TTL, to another database; 0 if it is missing here or
/// already exists there.
fn cmd_move(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let dst_db = parse_db_index(ctx.srv, &argv[2])?;
    if dst_db == ctx.db {
        return Err(SAME_OBJECT);
    }
    let key = &argv[1][..];
    if ctx.srv.dbs[ctx.db].get_ref(key).is_none() || ctx.srv.dbs[dst_db].get_ref(key).is_some() {
        ctx.out.int(0);
        return Ok(());
    }
    if let Some(e) = ctx.srv.dbs[ctx.db].remove(key) {
        ctx.srv.dbs[dst_db].put_entry(key, e);
    }
    ctx.dirty(1);
    ctx.changed(class::GENERIC, "move_from", key);
    ctx.srv.signal_modified_key(dst_db, key);
    let cur = Some((ctx.cid, &mut *ctx.out));
    ctx.srv.notify(cur, class::GENERIC, "move_to", key, dst_db);
    ctx.out.int(1);
    Ok(())
}

/// SWAPDB index1 index2: exchanges the contents of two databases; clients stay on their index
/// and so see the other data.
fn cmd_swapdb(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let index = |arg: &[u8], msg: &'static str| {
        parse_int(arg)
            .ok()
            .filter(|n| i32::try_from(*n).is_ok())
            .ok_or(Error::Msg(msg))
    };
    let a = index(&argv[1], "ERR invalid first DB index")?;
    let b = index(&argv[2], "ERR invalid second DB index")?;
    let n = ctx.srv.dbs.len() as i64;
    if a < 0 || a >= n || b < 0 || b >= n {
        return Err(Error::Msg("ERR DB index is out of range"));
    }
    let (lo, hi) = (a.min(b) as usize, a.max(b) as usize);
    if lo != hi {
        ctx.srv.touch_all_watched_keys(lo, Some(hi));
        ctx.srv.touch_all_watched_keys(hi, Some(lo));
        let (left, right) = ctx.srv.dbs.split_at_mut(hi);
        left[lo].swap_contents(&mut right[0]);
    }
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}

/// EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX | XX | GT | LT]
///
/// `base` is added to the time (now for the relative forms), `seconds` scales it. Returns 1 if
/// the TTL was set; a time already past deletes the key (and still returns 1).
fn expire_generic(ctx: &mut Ctx, argv: &[Bytes], base: i64, seconds: bool) -> CmdResult {
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in &argv[3..] {
        if is(opt, "nx") {
            nx = true;
        } else if is(opt, "xx") {
            xx = true;
        } else if is(opt, "gt") {
            gt = true;
        } else if is(opt, "lt") {
            lt = true;
        } else {
            // Redis formats the option with %s: it stops at a NUL byte.
            let shown = opt.split(|&c| c == 0).next().unwrap_or(&[]);
            return Err(Error::concat(&[b"ERR Unsupported option ", shown]));
        }
    }
    if nx && (xx || gt || lt) {
        return Err(Error::Msg(
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if gt && lt {
        return Err(Error::Msg(
            "ERR GT and LT options at the same time are not compatible",
        ));
    }
    let invalid = || {
        Error::err(format_args!(
            "invalid expire time in '{}' command",
            ctx.cmd.name
        ))
    };
    let mut when = parse_int(&argv[2])?;
    if seconds {
        when = when.checked_mul(1000).ok_or_else(invalid)?;
    }
    when = when.checked_add(base).ok_or_else(invalid)?;

    let key = &argv[1][..];
    let db = &mut ctx.srv.dbs[ctx.db];
    let Some(e) = db.get_ref(key) else {
        ctx.out.int(0);
        return Ok(());
    };
    let current = e.expire;
    let has_ttl = current != 0;
    let refused = (nx && has_ttl)
        || (xx && !has_ttl)
        || (gt && (!has_ttl || when <= current))
        || (lt && has_ttl && when >= current);
    if refused {
        ctx.out.int(0);
        return Ok(());
    }
    let event = if when <= clock::now_ms() {
        if let Some(e) = db.remove(key) {
            lazyfree::free(e.value);
        }
        "del"
    } else {
        db.set_expire(key, when);
        "expire"
    };
    ctx.dirty(1);
    if ctx.propagating() {
        // Redis 7.0: DEL (UNLINK with lazyfree-lazy-expire) when already past, else PEXPIREAT
        // with the absolute time, keeping the NX/XX/GT/LT options.
        let prop = if event == "del" {
            let lazy = ctx.srv.config.get("lazyfree-lazy-expire") == Some("yes");
            let del: &'static [u8] = if lazy { b"UNLINK" } else { b"DEL" };
            vec![Bytes::from_static(del), argv[1].clone()]
        } else if ctx.cmd.name == "pexpireat" {
            argv.to_vec()
        } else {
            let mut v = argv.to_vec();
            v[0] = Bytes::from_static(b"PEXPIREAT");
            v[2] = Bytes::copy_from_slice(itoa::Buffer::new().format(when).as_bytes());
            v
        };
        ctx.propagate_as(prop);
    }
    // Redis replies before the `expire` event but after the `del` one.
    if event == "del" {
        ctx.changed(class::GENERIC, event, key);
        ctx.out.int(1);
    } else {
        ctx.out.int(1);
        ctx.changed(class::GENERIC, event, key);
    }
    Ok(())
}

/// EXPIRE key seconds [NX | XX | GT | LT]
fn cmd_expire(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    expire_generic(ctx, argv, clock::now_ms(), true)
}

/// PEXPIRE key milliseconds [NX | XX | GT | LT]
fn cmd_pexpire(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    expire_generic(ctx, argv, clock::now_ms(), false)
}

/// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
fn cmd_expireat(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    expire_generic(ctx, argv, 0, true)
}

/// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
fn cmd_pexpireat(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    expire_generic(ctx, argv, 0, false)
}

/// TTL and friends: -2 if the key is missing, -1 if it has no TTL, else the remaining time
/// (`absolute`: the expiry time) in ms or in seconds rounded to nearest.
fn ttl_generic(ctx: &mut Ctx, argv: &[Bytes], ms: bool, absolute: bool) -> CmdResult {
    let Some(e) = ctx.srv.lookup_read(ctx.db, &argv[1], lookup::NOTOUCH) else {
        ctx.out.int(-2);
        return Ok(());
    };
    if e.expire == 0 {
        ctx.out.int(-1);
        return Ok(());
    }
    let t = if absolute {
        e.expire
    } else {
        e.expire.saturating_sub(clock::now_ms())
    }
    .max(0);
    ctx.out.int(if ms {
        t
    } else {
        ((i128::from(t) + 500) / 1000) as i64
    });
    Ok(())
}

/// TTL key: seconds to live.
fn cmd_ttl(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ttl_generic(ctx, argv, false, false)
}

/// PTTL key: milliseconds to live.
fn cmd_pttl(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ttl_generic(ctx, argv, true, false)
}

/// EXPIRETIME key: the expiry as a Unix time in seconds.
fn cmd_expiretime(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ttl_generic(ctx, argv, false, true)
}

/// PEXPIRETIME key: the expiry as a Unix time in milliseconds.
fn cmd_pexpiretime(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ttl_generic(ctx, argv, true, true)
}

/// PERSIST key: removes the TTL; 1 if there was one.
fn cmd_persist(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let db = &mut ctx.srv.dbs[ctx.db];
    let key = &argv[1][..];
    let removed = db.get_ref(key).is_some() && db.persist(key);
    if removed {
        ctx.dirty(1);
        ctx.changed(class::GENERIC, "persist", key);
    }
    ctx.out.int(i64::from(removed));
    Ok(())
}

/// TOUCH key [key ...]: updates access times; how many keys exist.
fn cmd_touch(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut n = 0;
    for k in &argv[1..] {
        if ctx.srv.lookup_read(ctx.db, k, lookup::NONE).is_some() {
            n += 1;
        }
    }
    ctx.out.int(n);
    Ok(())
}

/// How OBJECT looks keys up (Redis's `objectCommandLookup`): counted, not touched, no `keymiss`.
const OBJECT_LOOKUP: u32 = lookup::NOTOUCH | lookup::NONOTIFY;

/// The key of an OBJECT subcommand, looked up without touching it; replies null if missing.
fn object_lookup<'a>(ctx: &'a mut Ctx, argv: &[Bytes]) -> Option<EntryRef<'a>> {
    let e = ctx.srv.lookup_read(ctx.db, &argv[2], OBJECT_LOOKUP);
    if e.is_none() {
        ctx.out.null();
    }
    e
}

/// OBJECT ENCODING key
fn cmd_object_encoding(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if let Some(e) = ctx.srv.lookup_read(ctx.db, &argv[2], OBJECT_LOOKUP) {
        let enc = e.value.encoding();
        ctx.out.bulk(enc.as_bytes());
    } else {
        ctx.out.null();
    }
    Ok(())
}

/// Redis's `OBJ_SHARED_REFCOUNT`, reported for the shared small integers.
const SHARED_REFCOUNT: i64 = i32::MAX as i64;
/// Redis's `OBJ_SHARED_INTEGERS`: values 0..10000 are shared objects.
const SHARED_INTEGERS: i64 = 10000;

/// OBJECT REFCOUNT key: 1, or `INT_MAX` for the integers Redis keeps as shared objects (0 to
/// 9999, unless a maxmemory LRU/LFU policy makes each value need its own access data).
fn cmd_object_refcount(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let cfg = &ctx.srv.config;
    let policy = cfg.get("maxmemory-policy").unwrap_or("");
    let shared_ok = cfg.get("maxmemory") == Some("0")
        || !(policy.ends_with("-lru") || policy.ends_with("-lfu"));
    let Some(e) = object_lookup(ctx, argv) else {
        return Ok(());
    };
    let shared = shared_ok
        && matches!(e.value, ValueRef::Int(n) | ValueRef::Obj(&crate::keyspace::Value::Int(n))
            if (0..SHARED_INTEGERS).contains(&n));
    ctx.out.int(if shared { SHARED_REFCOUNT } else { 1 });
    Ok(())
}

/// OBJECT IDLETIME key: seconds since the last access (not tracked under an LFU policy).
fn cmd_object_idletime(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(e) = object_lookup(ctx, argv) else {
        return Ok(());
    };
    if db::lfu().is_some() {
        return Err(Error::Msg(
            "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
        ));
    }
    let idle = clock::idle_secs(e.lru);
    ctx.out.int(idle as i64);
    Ok(())
}

/// OBJECT FREQ key: the logarithmic access counter (only tracked under an LFU policy).
fn cmd_object_freq(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(e) = object_lookup(ctx, argv) else {
        return Ok(());
    };
    let Some((_, decay)) = db::lfu() else {
        return Err(Error::Msg(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
        ));
    };
    let freq = db::lfu_counter(e.lru, decay);
    ctx.out.int(i64::from(freq));
    Ok(())
}

const OBJECT_HELP: &[&str] = &[
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
];

/// OBJECT HELP
fn cmd_object_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.array(OBJECT_HELP.len());
    for line in OBJECT_HELP {
        ctx.out.simple(line.as_bytes());
    }
    Ok(())
}

/// DBSIZE
fn cmd_dbsize(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let n = ctx.db().len();
    ctx.out.int(n as i64);
    Ok(())
}

/// Whether FLUSHDB/FLUSHALL frees asynchronously: `ASYNC`, `SYNC`, or the
/// `lazyfree-lazy-user-flush` default.
fn flush_async(ctx: &Ctx, argv: &[Bytes]) -> Result<bool, Error> {
    match argv {
        [_] => Ok(ctx.srv.config.get("lazyfree-lazy-user-flush") == Some("yes")),
        [_, mode] if is(mode, "sync") => Ok(false),
        [_, mode] if is(mode, "async") => Ok(true),
        _ => Err(Error::Syntax),
    }
}

/// Below this many keys an ASYNC flush frees inline: a thread costs more than the work
/// (Redis's `LAZYFREE_THRESHOLD`).
const LAZYFREE_THRESHOLD: usize = 64;

/// Empties a database and returns how many keys it held. With `lazy`, the old tables are freed
/// on a background thread (they are owned data, shared with nothing: Redis's lazyfree).
fn flush_db(db: &mut Db, lazy: bool) -> usize {
    let n = db.len();
    let tables: db::Flushed = db.flush();
    if lazy && n > LAZYFREE_THRESHOLD {
        lazyfree::run(move || drop(tables));
    } else if n >= PURGE_AFTER_FLUSH {
        drop(tables);
        // The allocator would give the freed pages back to the kernel a little later, inside
        // some allocation after the reply (a stall of milliseconds for other clients): do it
        // now, as part of the synchronous flush.
        crate::alloc::purge();
    }
    n
}

/// A synchronous flush of at least this many keys returns the freed memory to the kernel
/// before replying.
const PURGE_AFTER_FLUSH: usize = 65_536;

/// FLUSHDB [ASYNC | SYNC]
fn cmd_flushdb(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let lazy = flush_async(ctx, argv)?;
    ctx.srv.touch_all_watched_keys(ctx.db, None);
    // Client-side caching: the null invalidation to every tracking client (as FLUSHALL).
    crate::tracking::invalidate_on_flush(ctx.srv);
    let n = flush_db(&mut ctx.srv.dbs[ctx.db], lazy);
    ctx.dirty(n as u64);
    ctx.out.ok();
    Ok(())
}

/// FLUSHALL [ASYNC | SYNC]
fn cmd_flushall(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let lazy = flush_async(ctx, argv)?;
    for db in 0..ctx.srv.dbs.len() {
        ctx.srv.touch_all_watched_keys(db, None);
    }
    // Client-side caching: the null invalidation to every tracking client.
    crate::tracking::invalidate_on_flush(ctx.srv);
    let n: usize = ctx.srv.dbs.iter_mut().map(|d| flush_db(d, lazy)).sum();
    ctx.dirty(n as u64);
    // As Redis 7.0's flushAllDataAndResetRDB: stop a BGSAVE of the old data and, with save
    // points, save the empty dataset at once (a failure is only logged).
    crate::persist::snapshot::kill_bgsave(ctx.srv);
    if crate::persist::snapshot::has_save_points(ctx.srv) {
        crate::persist::snapshot::rdb_save(ctx.srv);
    }
    ctx.out.ok();
    Ok(())
}

static OBJECT_SUBCOMMANDS: &[Command] = &[
    Command::new(
        "object|encoding",
        3,
        READONLY,
        keys(2, 2, 1),
        cmd_object_encoding,
    ),
    Command::new("object|freq", 3, READONLY, keys(2, 2, 1), cmd_object_freq),
    Command::new("object|help", 2, LOADING | STALE, NO_KEYS, cmd_object_help),
    Command::new(
        "object|idletime",
        3,
        READONLY,
        keys(2, 2, 1),
        cmd_object_idletime,
    ),
    Command::new(
        "object|refcount",
        3,
        READONLY,
        keys(2, 2, 1),
        cmd_object_refcount,
    ),
];

pub static COMMANDS: &[Command] = &[
    Command::new("del", -2, WRITE, keys(1, -1, 1), cmd_del),
    Command::new("unlink", -2, WRITE | FAST, keys(1, -1, 1), cmd_unlink),
    Command::new("exists", -2, READONLY | FAST, keys(1, -1, 1), cmd_exists),
    Command::new("type", 2, READONLY | FAST, keys(1, 1, 1), cmd_type),
    Command::new("keys", 2, READONLY, NO_KEYS, cmd_keys),
    Command::new("scan", -2, READONLY, NO_KEYS, cmd_scan),
    Command::new("randomkey", 1, READONLY, NO_KEYS, cmd_randomkey),
    Command::new("rename", 3, WRITE, keys(1, 2, 1), cmd_rename),
    Command::new("renamenx", 3, WRITE | FAST, keys(1, 2, 1), cmd_renamenx),
    Command::new("copy", -3, WRITE | DENYOOM, keys(1, 2, 1), cmd_copy),
    Command::new("move", 3, WRITE | FAST, keys(1, 1, 1), cmd_move),
    Command::new("swapdb", 3, WRITE | FAST, NO_KEYS, cmd_swapdb),
    Command::new("expire", -3, WRITE | FAST, keys(1, 1, 1), cmd_expire),
    Command::new("pexpire", -3, WRITE | FAST, keys(1, 1, 1), cmd_pexpire),
    Command::new("expireat", -3, WRITE | FAST, keys(1, 1, 1), cmd_expireat),
    Command::new("pexpireat", -3, WRITE | FAST, keys(1, 1, 1), cmd_pexpireat),
    Command::new("ttl", 2, READONLY | FAST, keys(1, 1, 1), cmd_ttl),
    Command::new("pttl", 2, READONLY | FAST, keys(1, 1, 1), cmd_pttl),
    Command::new(
        "expiretime",
        2,
        READONLY | FAST,
        keys(1, 1, 1),
        cmd_expiretime,
    ),
    Command::new(
        "pexpiretime",
        2,
        READONLY | FAST,
        keys(1, 1, 1),
        cmd_pexpiretime,
    ),
    Command::new("persist", 2, WRITE | FAST, keys(1, 1, 1), cmd_persist),
    Command::new("touch", -2, READONLY | FAST, keys(1, -1, 1), cmd_touch),
    Command::container("object", -2, 0, OBJECT_SUBCOMMANDS),
    Command::new("dbsize", 1, READONLY | FAST, NO_KEYS, cmd_dbsize),
    Command::new("flushdb", -1, WRITE, NO_KEYS, cmd_flushdb),
    Command::new("flushall", -1, WRITE, NO_KEYS, cmd_flushall),
];
