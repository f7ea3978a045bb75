//! Server commands: CONFIG (INFO, FLUSHALL, TIME, DEBUG, SHUTDOWN ... to come).

use bytes::Bytes;

use crate::cmd::table::{Command, NO_KEYS, flags::*};
use crate::cmd::{CmdResult, Ctx};

/// CONFIG GET parameter [parameter ...]
fn cmd_config_get(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for pat in &argv[2..] {
        for (name, value) in ctx.srv.config.matching(pat) {
            if !pairs.iter().any(|(n, _)| *n == name) {
                pairs.push((name, value.to_string()));
            }
        }
    }
    ctx.out.map(pairs.len());
    for (n, v) in pairs {
        ctx.out.bulk(n.as_bytes());
        ctx.out.bulk(v.as_bytes());
    }
    Ok(())
}

static CONFIG_SUBCOMMANDS: &[Command] = &[Command::new(
    "config|get",
    -3,
    ADMIN | NOSCRIPT | LOADING | STALE,
    NO_KEYS,
    cmd_config_get,
)];

pub static COMMANDS: &[Command] = &[Command::container("config", -2, 0, CONFIG_SUBCOMMANDS)];
