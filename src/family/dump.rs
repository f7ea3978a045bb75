//! DUMP and RESTORE (Redis's `cluster.c`): a key's value serialized as Redis's DUMP payload
//! (RDB type + value + RDB version + CRC64, see `persist::rdb`) and a key created back from
//! one, byte-compatible with Redis 7.0 in both directions.
//!
//! RESTORE checks in Redis's order (options, BUSYKEY, TTL, payload footer, payload body) so
//! the same bad input gets the same error. A relative TTL is propagated as an absolute one
//! with ABSTTL; a TTL already in the past does not create the key (and propagates a DEL when
//! REPLACE removed an old one).

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::keyspace::events::class;
use crate::keyspace::{Entry, clock, lazyfree};
use crate::persist::rdb;
use crate::server::Server;

/// The writing options DUMP uses (`rdbcompression`, `list-max-listpack-size`,
/// `list-compress-depth`).
pub fn write_options(srv: &Server) -> rdb::WriteOptions {
    rdb::WriteOptions {
        compression: srv.config.get("rdbcompression") != Some("no"),
        list_max_listpack_size: srv.config.list_max_listpack_size,
        list_compress_depth: srv
            .config
            .get("list-compress-depth")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        ..rdb::WriteOptions::default()
    }
}

/// The encoding thresholds a restored value is converted with.
pub fn load_options(srv: &Server) -> rdb::LoadOptions {
    let c = &srv.config;
    rdb::LoadOptions {
        hash_max_listpack_entries: c.hash_max_listpack_entries,
        hash_max_listpack_value: c.hash_max_listpack_value,
        set_max_intset_entries: c.set_max_intset_entries,
        zset_max_listpack_entries: c.zset_max_listpack_entries,
        zset_max_listpack_value: c.zset_max_listpack_value,
        list_max_listpack_size: c.list_max_listpack_size,
        ..rdb::LoadOptions::default()
    }
}

/// DUMP key: the serialized value, or nil when the key does not exist.
fn cmd_dump(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let opts = write_options(ctx.srv);
    let Some(e) = ctx.lookup_read(&argv[1]) else {
        ctx.out.null();
        return Ok(());
    };
    let payload = rdb::dump_value_with(e.value, &opts);
    ctx.out.bulk(&payload);
    Ok(())
}

/// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
/// (Also RESTORE-ASKING, `family::migrate`.)
pub(crate) fn cmd_restore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (mut replace, mut absttl) = (false, false);
    let mut idle: Option<u64> = None;
    let mut freq: Option<u8> = None;
    let mut j = 4;
    while j < argv.len() {
        let more = argv.len() - j - 1;
        if is(&argv[j], "replace") {
            replace = true;
        } else if is(&argv[j], "absttl") {
            absttl = true;
        } else if is(&argv[j], "idletime") && more >= 1 && freq.is_none() {
            let v = parse_int(&argv[j + 1])?;
            if v < 0 {
                return Err(Error::Msg("ERR Invalid IDLETIME value, must be >= 0"));
            }
            idle = Some(v as u64);
            j += 1;
        } else if is(&argv[j], "freq") && more >= 1 && idle.is_none() {
            let v = parse_int(&argv[j + 1])?;
            if !(0..=255).contains(&v) {
                return Err(Error::Msg(
                    "ERR Invalid FREQ value, must be >= 0 and <= 255",
                ));
            }
            freq = Some(v as u8);
            j += 1;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    let key = &argv[1][..];
    if !replace && ctx.lookup_write(key).is_some() {
        return Err(Error::Msg("BUSYKEY Target key name already exists."));
    }
    let mut ttl = parse_int(&argv[2])?;
    if ttl < 0 {
        return Err(Error::Msg("ERR Invalid TTL value, must be >= 0"));
    }
    let payload = &argv[3][..];
    if !rdb::verify_payload(payload) {
        return Err(Error::Msg("ERR DUMP payload version or checksum are wrong"));
    }
    let opts = load_options(ctx.srv);
    let Ok(value) = rdb::restore_value_with(payload, &opts) else {
        return Err(Error::Msg("ERR Bad data format"));
    };

    let deleted = replace
        && match ctx.db().remove(key) {
            Some(old) => {
                lazyfree::free(old.value);
                true
            }
            None => false,
        };
    let now = clock::now_ms();
    if ttl != 0 && !absttl {
        ttl = ttl.wrapping_add(now);
    }
    if ttl != 0 && ttl <= now {
        if deleted {
            ctx.propagate_as(vec![Bytes::from_static(b"DEL"), argv[1].clone()]);
            ctx.dirty(1);
            ctx.changed(class::GENERIC, "del", key);
        }
        ctx.out.ok();
        return Ok(());
    }
    let lru = rdb::lru_for(freq, idle);
    ctx.db().put_entry(
        key,
        Entry {
            value,
            expire: ttl,
            lru,
        },
    );
    if ttl != 0 && !absttl {
        // Propagated with the TTL made absolute.
        let mut prop = argv.to_vec();
        prop[2] = Bytes::from(itoa::Buffer::new().format(ttl).as_bytes().to_vec());
        prop.push(Bytes::from_static(b"ABSTTL"));
        ctx.propagate_as(prop);
    }
    ctx.dirty(1);
    ctx.changed(class::GENERIC, "restore", key);
    ctx.out.ok();
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command::new("dump", 2, READONLY, keys(1, 1, 1), cmd_dump),
    Command::new("restore", -4, WRITE | DENYOOM, keys(1, 1, 1), cmd_restore),
];
