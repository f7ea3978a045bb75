//! Connection commands: PING, ECHO, QUIT, SELECT (HELLO, RESET, CLIENT ... to come).

use bytes::Bytes;

use crate::cmd::table::{Command, NO_KEYS, flags::*};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::net::client::flag;

/// PING [message]
fn cmd_ping(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    match argv.get(1) {
        None => ctx.out.simple(b"PONG"),
        Some(m) => ctx.out.bulk(m),
    }
    Ok(())
}

/// ECHO message
fn cmd_echo(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ctx.out.bulk(&argv[1]);
    Ok(())
}

/// QUIT: replies OK and closes the connection once the reply is written.
fn cmd_quit(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.ok();
    ctx.srv.clients[ctx.cid].flags |= flag::CLOSE_AFTER_REPLY;
    Ok(())
}

/// SELECT index
fn cmd_select(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let idx = parse_int(&argv[1]).map_err(|_| Error::NotInteger)?;
    if idx < 0 || idx as usize >= ctx.srv.dbs.len() {
        return Err(Error::Msg("ERR DB index is out of range"));
    }
    ctx.db = idx as usize;
    ctx.out.ok();
    Ok(())
}

pub static COMMANDS: &[Command] = &[
    Command::new("ping", -1, FAST, NO_KEYS, cmd_ping),
    Command::new("echo", 2, FAST, NO_KEYS, cmd_echo),
    Command::new("quit", -1, ALLOW_BUSY | NO_AUTH | LOADING | STALE | FAST, NO_KEYS, cmd_quit),
    Command::new("select", 2, LOADING | STALE | FAST, NO_KEYS, cmd_select),
];
