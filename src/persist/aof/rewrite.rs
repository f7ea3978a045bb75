//! The base file of an AOF rewrite: an RDB image (`aof-use-rdb-preamble yes`, the default) or
//! the commands that rebuild the dataset (Redis's `rewriteAppendOnlyFileRio`): per database a
//! SELECT, then per key SET / RPUSH / SADD / ZADD / HMSET in batches of 64 items, then
//! PEXPIREAT for keys with a TTL.
//!
//! Pure functions over the keyspace writing to a `Write`: they run in the forked rewrite child
//! (never touching the ring) and, for an empty dataset, synchronously at start-up.

use std::io::{self, Write};
use std::path::Path;

use crate::keyspace::{Db, Value};

/// Redis's `AOF_REWRITE_ITEMS_PER_CMD`.
const ITEMS_PER_CMD: usize = 64;

/// Writes `*<n>\r\n`.
fn count(w: &mut dyn Write, prefix: u8, n: usize) -> io::Result<()> {
    let mut b = itoa::Buffer::new();
    w.write_all(&[prefix])?;
    w.write_all(b.format(n).as_bytes())?;
    w.write_all(b"\r\n")
}

fn bulk(w: &mut dyn Write, s: &[u8]) -> io::Result<()> {
    count(w, b'$', s.len())?;
    w.write_all(s)?;
    w.write_all(b"\r\n")
}

fn bulk_i64(w: &mut dyn Write, n: i64) -> io::Result<()> {
    bulk(w, itoa::Buffer::new().format(n).as_bytes())
}

/// Emits `items` as variadic `cmd key item...` commands of at most 64 items each
/// (`items_per` arguments per item).
fn batched<'a>(
    w: &mut dyn Write,
    cmd: &[u8],
    key: &[u8],
    total: usize,
    items_per: usize,
    items: impl Iterator<Item = Vec<std::borrow::Cow<'a, [u8]>>>,
) -> io::Result<()> {
    let mut left = total;
    let mut in_cmd = 0;
    for item in items {
        if in_cmd == 0 {
            let n = left.min(ITEMS_PER_CMD);
            count(w, b'*', 2 + n * items_per)?;
            bulk(w, cmd)?;
            bulk(w, key)?;
        }
        for a in &item {
            bulk(w, a)?;
        }
        in_cmd += 1;
        left -= 1;
        if in_cmd == ITEMS_PER_CMD {
            in_cmd = 0;
        }
    }
    Ok(())
}

/// Writes the commands that rebuild `dbs` (a `.base.aof` file).
pub fn write_commands(dbs: &[Db], w: &mut dyn Write) -> io::Result<()> {
    use std::borrow::Cow;
    for db in dbs {
        if db.is_empty() {
            continue;
        }
        w.write_all(b"*2\r\n$6\r\nSELECT\r\n")?;
        bulk_i64(w, db.id as i64)?;
        for (key, e) in db.iter() {
            let value = e.value.to_cow();
            match &*value {
                Value::Int(_) | Value::Str(_) | Value::Raw(_) | Value::Shared(_) => {
                    w.write_all(b"*3\r\n$3\r\nSET\r\n")?;
                    bulk(w, key)?;
                    let mut b = itoa::Buffer::new();
                    let s = crate::family::string::string_bytes(&*value, &mut b)
                        .map_err(|_| io::Error::other("string value"))?;
                    bulk(w, s)?;
                }
                Value::List(l) => batched(
                    w,
                    b"RPUSH",
                    key,
                    l.len(),
                    1,
                    l.iter().map(|x| vec![Cow::Borrowed(x)]),
                )?,
                Value::Set(s) => batched(
                    w,
                    b"SADD",
                    key,
                    s.len(),
                    1,
                    s.iter().map(|m| vec![Cow::Owned(m.to_vec())]),
                )?,
                Value::ZSet(z) => batched(
                    w,
                    b"ZADD",
                    key,
                    z.len(),
                    2,
                    z.iter().map(|(m, score)| {
                        vec![
                            Cow::Owned(crate::protocol::reply::format_double(score).into_bytes()),
                            Cow::Borrowed(m),
                        ]
                    }),
                )?,
                Value::Hash(h) => batched(
                    w,
                    b"HMSET",
                    key,
                    h.len(),
                    2,
                    h.iter()
                        .map(|(f, v)| vec![Cow::Borrowed(f), Cow::Borrowed(v)]),
                )?,
                Value::Stream(st) => write_stream(w, key, st)?,
            }
            if e.expire != 0 {
                w.write_all(b"*3\r\n$9\r\nPEXPIREAT\r\n")?;
                bulk(w, key)?;
                bulk_i64(w, e.expire)?;
            }
        }
    }
    Ok(())
}

/// The aux fields of a base RDB: the snapshot's, with `aof-base 1` (Redis's
/// `rdbSaveInfoAuxFields` with RDBFLAGS_AOF_PREAMBLE and no replication info).
pub fn rdb_aux() -> Vec<(String, String)> {
    let mut aux = crate::persist::snapshot::aux_fields();
    for (k, v) in &mut aux {
        if k == "aof-base" {
            *v = "1".into();
        }
    }
    aux
}

/// How the base RDB is written: as a snapshot, with `aof-base 1`.
pub fn rdb_options(srv: &crate::server::Server) -> crate::persist::rdb::WriteOptions {
    let mut o = crate::persist::snapshot::write_options(srv);
    o.aux = rdb_aux();
    o
}

/// Writes a base file image: RDB with `preamble` (`opts` says how), else commands, opened
/// with a `#TS:` annotation when `timestamps` (`aof-timestamp-enabled`, as Redis's
/// `rewriteAppendOnlyFileRio`).
pub fn write_base(
    dbs: &[Db],
    preamble: bool,
    timestamps: bool,
    opts: &crate::persist::rdb::WriteOptions,
    w: &mut dyn Write,
) -> io::Result<()> {
    if preamble {
        crate::persist::rdb::write(dbs, opts, w)
    } else {
        if timestamps {
            write!(w, "#TS:{}\r\n", crate::keyspace::clock::now_ms() / 1000)?;
        }
        write_commands(dbs, w)
    }
}

/// Writes `path` through a temp file in the current directory: write, fsync, rename (Redis's
/// `rewriteAppendOnlyFile`, used at start-up with an empty dataset).
pub fn write_base_file(
    dbs: &[Db],
    preamble: bool,
    timestamps: bool,
    opts: &crate::persist::rdb::WriteOptions,
    path: &Path,
) -> io::Result<()> {
    let tmp = std::path::PathBuf::from(format!("temp-rewriteaof-{}.aof", std::process::id()));
    let result = (|| {
        let f = std::fs::File::create(&tmp)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, f);
        write_base(dbs, preamble, timestamps, opts, &mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = &result {
        tracing::warn!("Write error writing append only file on disk: {e}");
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// One argv as a RESP command.
fn command(w: &mut dyn Write, args: &[&[u8]]) -> io::Result<()> {
    count(w, b'*', args.len())?;
    for a in args {
        bulk(w, a)?;
    }
    Ok(())
}

/// A stream as Redis's `rewriteStreamObject` writes it: XADD per entry (an empty stream as
/// `XADD key MAXLEN 0 0-1 x y`), XSETID with ENTRIESADDED / MAXDELETEDID, then each group
/// (XGROUP CREATE ... ENTRIESREAD) with its consumers: XCLAIM ... JUSTID FORCE per pending
/// entry, or XGROUP CREATECONSUMER for a consumer with none.
fn write_stream(
    w: &mut dyn Write,
    key: &[u8],
    st: &crate::types::stream::Stream,
) -> io::Result<()> {
    use crate::types::stream::StreamId;
    let n = |v: i64| itoa::Buffer::new().format(v).as_bytes().to_vec();
    if !st.is_empty() {
        // In slices, so a big stream is never copied whole.
        let mut from = StreamId::MIN;
        loop {
            let slice = st.range(from, StreamId::MAX, false, 1000);
            for e in &slice {
                let id = e.id.to_bytes();
                let mut args: Vec<&[u8]> = vec![b"XADD", key, &id];
                args.extend(e.fields.iter().map(|f| f.as_slice()));
                command(w, &args)?;
            }
            match slice.last().and_then(|e| e.id.incr()) {
                Some(next) if slice.len() == 1000 => from = next,
                _ => break,
            }
        }
    } else {
        command(w, &[b"XADD", key, b"MAXLEN", b"0", b"0-1", b"x", b"y"])?;
    }
    let (last, maxdel) = (st.last_id.to_bytes(), st.max_deleted_id.to_bytes());
    let added = n(st.entries_added as i64);
    command(
        w,
        &[
            b"XSETID",
            key,
            &last,
            b"ENTRIESADDED",
            &added,
            b"MAXDELETEDID",
            &maxdel,
        ],
    )?;
    for (gname, g) in &st.groups {
        let (glast, read) = (g.last_id.to_bytes(), n(g.entries_read));
        command(
            w,
            &[
                b"XGROUP",
                b"CREATE",
                key,
                gname,
                &glast,
                b"ENTRIESREAD",
                &read,
            ],
        )?;
        for (cname, c) in &g.consumers {
            if c.pel.is_empty() {
                command(w, &[b"XGROUP", b"CREATECONSUMER", key, gname, cname])?;
                continue;
            }
            for id in &c.pel {
                let Some(nack) = g.pel.get(id) else {
                    continue;
                };
                let (idb, time, retry) = (
                    id.to_bytes(),
                    n(nack.delivery_time),
                    n(nack.delivery_count as i64),
                );
                command(
                    w,
                    &[
                        b"XCLAIM",
                        key,
                        gname,
                        cname,
                        b"0",
                        &idb,
                        b"TIME",
                        &time,
                        b"RETRYCOUNT",
                        &retry,
                        b"JUSTID",
                        b"FORCE",
                    ],
                )?;
            }
        }
    }
    Ok(())
}
