//! CLUSTER (and its 27 subcommands), READONLY, READWRITE, ASKING and MODULE, answered exactly as
//! a Redis 7.0.15 started without `cluster-enabled` and without modules answers them.
//!
//! uredis has no cluster mode (`cluster-enabled` accepts only `no`), so, as Redis's
//! `clusterCommand` / `readonlyCommand` / `readwriteCommand` / `askingCommand` do when cluster
//! support is disabled, every one of these replies `ERR This instance has cluster support
//! disabled` (CLUSTER HELP and CLUSTER KEYSLOT included: Redis checks before looking at the
//! subcommand). The subcommands are registered with Redis's arity and flags so that unknown
//! subcommands, arity errors, ACL rules and `COMMAND LIST/COUNT/INFO/DOCS` behave as Redis's.
//!
//! uredis cannot load Redis modules (they are C shared objects linked against Redis's own
//! internals). MODULE therefore answers as a Redis with no module loaded: LIST is empty, HELP
//! is Redis's text, UNLOAD of any name is Redis's "no such module" error, and LOAD/LOADEX
//! reply Redis's error for a module that failed to load, after logging why. The protected
//! subcommands (LOAD, LOADEX, UNLOAD) are first refused by the dispatcher unless
//! `enable-module-command` allows them, as Redis does. These replies are what Redis itself replies in the same situation, so
//! they are not stubs: no client can observe a difference from a module-less Redis 7.0.

use bytes::Bytes;

use crate::cmd::table::{Command, NO_KEYS, flags::*};
use crate::cmd::{CmdResult, Ctx, Error};

const CLUSTER_DISABLED: &str = "ERR This instance has cluster support disabled";

/// Every CLUSTER subcommand, READONLY, READWRITE and ASKING: cluster support is disabled.
fn cmd_cluster_disabled(_ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    Err(Error::Msg(CLUSTER_DISABLED))
}

const MODULE_HELP: &[&str] = &[
    "LIST",
    "    Return a list of loaded modules.",
    "LOAD <path> [<arg> ...]",
    "    Load a module library from <path>, passing to it any optional arguments.",
    "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
    "    Load a module library from <path>, while passing it module configurations and optional arguments.",
    "UNLOAD <name>",
    "    Unload a module.",
];

/// MODULE HELP
fn cmd_module_help(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    super::server::reply_help(ctx.out, &argv[0], MODULE_HELP);
    Ok(())
}

/// MODULE LIST: no module is ever loaded.
fn cmd_module_list(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.array(0);
    Ok(())
}

/// MODULE LOAD path [arg ...] / MODULE LOADEX path [CONFIG name value ...] [ARGS arg ...]
///
/// Fails as Redis's moduleLoad fails for a library it cannot load, with the reason logged.
fn cmd_module_load(_ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    tracing::warn!(
        "Module {} failed to load: uredis does not support Redis modules",
        String::from_utf8_lossy(&argv[2])
    );
    Err(Error::Msg(
        "ERR Error loading the extension. Please check the server logs.",
    ))
}

/// MODULE UNLOAD name: no module has that name.
fn cmd_module_unload(_ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    Err(Error::Msg(
        "ERR Error unloading module: no such module with that name",
    ))
}

/// Shorthand for a CLUSTER subcommand entry.
const fn sub(name: &'static str, arity: i32, flags: u32) -> Command {
    Command::new(name, arity, flags, NO_KEYS, cmd_cluster_disabled)
}

/// Redis 7.0.15's CLUSTER subcommands (commands.c), with their arity and flags.
static CLUSTER_SUBCOMMANDS: &[Command] = &[
    sub("cluster|addslots", -3, NO_ASYNC_LOADING | ADMIN | STALE),
    sub(
        "cluster|addslotsrange",
        -4,
        NO_ASYNC_LOADING | ADMIN | STALE,
    ),
    sub("cluster|bumpepoch", 2, NO_ASYNC_LOADING | ADMIN | STALE),
    sub("cluster|count-failure-reports", 3, ADMIN | STALE),
    sub("cluster|countkeysinslot", 3, STALE),
    sub("cluster|delslots", -3, NO_ASYNC_LOADING | ADMIN | STALE),
    sub(
        "cluster|delslotsrange",
        -4,
        NO_ASYNC_LOADING | ADMIN | STALE,
    ),
    sub("cluster|failover", -2, NO_ASYNC_LOADING | ADMIN | STALE),
    sub("cluster|flushslots", 2, NO_ASYNC_LOADING | ADMIN | STALE),
    sub("cluster|forget", 3, NO_ASYNC_LOADING | ADMIN | STALE),
    sub("cluster|getkeysinslot", 4, STALE),
    sub("cluster|help", 2, LOADING | STALE),
    sub("cluster|info", 2, STALE),
    sub("cluster|keyslot", 3, STALE),
    sub("cluster|links", 2, STALE),
    sub("cluster|meet", -4, NO_ASYNC_LOADING | ADMIN | STALE),
    sub("cluster|myid", 2, STALE),
    sub("cluster|nodes", 2, STALE),
    sub("cluster|replicas", 3, ADMIN | STALE),
    sub("cluster|replicate", 3, NO_ASYNC_LOADING | ADMIN | STALE),
    sub("cluster|reset", -2, ADMIN | STALE | NOSCRIPT),
    sub("cluster|saveconfig", 2, NO_ASYNC_LOADING | ADMIN | STALE),
    sub(
        "cluster|set-config-epoch",
        3,
        NO_ASYNC_LOADING | ADMIN | STALE,
    ),
    sub("cluster|setslot", -4, NO_ASYNC_LOADING | ADMIN | STALE),
    sub("cluster|shards", 2, STALE),
    sub("cluster|slaves", 3, ADMIN | STALE),
    sub("cluster|slots", 2, STALE),
];

/// The protected MODULE subcommands' flags (PROTECTED: the dispatcher checks
/// `enable-module-command` first, as Redis's processCommand does).
const MODULE_LOADING: u32 = NO_ASYNC_LOADING | ADMIN | NOSCRIPT | PROTECTED;

static MODULE_SUBCOMMANDS: &[Command] = &[
    Command::new("module|help", 2, LOADING | STALE, NO_KEYS, cmd_module_help),
    Command::new("module|list", 2, ADMIN | NOSCRIPT, NO_KEYS, cmd_module_list),
    Command::new("module|load", -3, MODULE_LOADING, NO_KEYS, cmd_module_load),
    Command::new(
        "module|loadex",
        -3,
        MODULE_LOADING,
        NO_KEYS,
        cmd_module_load,
    ),
    Command::new(
        "module|unload",
        3,
        MODULE_LOADING,
        NO_KEYS,
        cmd_module_unload,
    ),
];

pub static COMMANDS: &[Command] = &[
    Command::container("cluster", -2, 0, CLUSTER_SUBCOMMANDS),
    Command::new("asking", 1, FAST, NO_KEYS, cmd_cluster_disabled),
    Command::new(
        "readonly",
        1,
        FAST | LOADING | STALE,
        NO_KEYS,
        cmd_cluster_disabled,
    ),
    Command::new(
        "readwrite",
        1,
        FAST | LOADING | STALE,
        NO_KEYS,
        cmd_cluster_disabled,
    ),
    Command::container("module", -2, 0, MODULE_SUBCOMMANDS),
];
