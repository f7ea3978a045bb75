//! Generic key commands: DEL, DBSIZE (the rest of the family to come).

use bytes::Bytes;

use crate::cmd::table::{Command, NO_KEYS, keys, flags::*};
use crate::cmd::{CmdResult, Ctx};

/// DEL key [key ...]
fn cmd_del(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let db = &mut ctx.srv.dbs[ctx.db];
    let n = argv[1..].iter().filter(|k| db.delete(k)).count();
    ctx.dirty(n as u64);
    ctx.out.int(n as i64);
    Ok(())
}

/// DBSIZE
fn cmd_dbsize(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let n = ctx.db().len();
    ctx.out.int(n as i64);
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command::new("del", -2, WRITE, keys(1, -1, 1), cmd_del),
    Command::new("dbsize", 1, READONLY | FAST, NO_KEYS, cmd_dbsize),
];
