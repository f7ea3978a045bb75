//! String commands: GET, SET (the rest of the family to come).

use bytes::Bytes;

use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error};
use crate::keyspace::{Ttl, Value};

/// Writes a string value as a bulk reply, or WRONGTYPE for other types.
pub fn reply_string(out: &mut crate::protocol::Reply, v: &Value) -> CmdResult {
    match v {
        Value::Int(n) => out.bulk_int(*n),
        Value::Str(s) | Value::Raw(s) => out.bulk(s),
    }
    Ok(())
}

/// GET key
fn cmd_get(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let db = &mut ctx.srv.dbs[ctx.db];
    match db.get(&argv[1]) {
        Some(v) => {
            ctx.srv.stats.keyspace_hits += 1;
            reply_string(ctx.out, v)
        }
        None => {
            ctx.srv.stats.keyspace_misses += 1;
            ctx.out.null();
            Ok(())
        }
    }
}

/// SET key value
fn cmd_set(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        return Err(Error::Syntax);
    }
    ctx.db().set(&argv[1], Value::string(&argv[2]), Ttl::Clear);
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command::new("get", 2, READONLY | FAST, keys(1, 1, 1), cmd_get),
    Command::new("set", -3, WRITE | DENYOOM, keys(1, 1, 1), cmd_set),
];
