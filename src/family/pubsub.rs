//! Pub/Sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the sharded
//! SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, and the PUBSUB container (CHANNELS, NUMSUB, NUMPAT,
//! SHARDCHANNELS, SHARDNUMSUB, HELP). Delivery and the registry live in `crate::pubsub`.
//!
//! (Un)subscribe commands reply once per channel with the running subscription count (as push
//! frames in RESP3); a RESP2 client with subscriptions is in subscribed mode, where `cmd::call`
//! only lets the (un)subscribe commands, PING, QUIT and RESET through.

use bytes::Bytes;

use crate::cmd::table::{NO_KEYS, keys};
use crate::cmd::{CmdResult, Command, Ctx, Error, flags::*, subcommand_syntax_error};
use crate::pubsub;

/// SUBSCRIBE channel [channel ...]
fn cmd_subscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    for ch in &argv[1..] {
        pubsub::subscribe(ctx.srv, ctx.out, ctx.cid, ch, false);
    }
    Ok(())
}

/// SSUBSCRIBE shardchannel [shardchannel ...]
fn cmd_ssubscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // Redis refuses it to a client that expects one reply per command (CLIENT_DENY_BLOCKING:
    // inside EXEC); plain SUBSCRIBE is exempted for MULTI there, SSUBSCRIBE is not.
    if ctx.srv.exec_depth > 0 {
        return Err(Error::Msg(
            "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client",
        ));
    }
    for ch in &argv[1..] {
        pubsub::subscribe(ctx.srv, ctx.out, ctx.cid, ch, true);
    }
    Ok(())
}

/// PSUBSCRIBE pattern [pattern ...]
fn cmd_psubscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    for p in &argv[1..] {
        pubsub::psubscribe(ctx.srv, ctx.out, ctx.cid, p);
    }
    Ok(())
}

fn unsubscribe(ctx: &mut Ctx, argv: &[Bytes], shard: bool) -> CmdResult {
    if argv.len() == 1 {
        pubsub::unsubscribe_all(ctx.srv, Some(ctx.out), ctx.cid, shard);
    } else {
        for ch in &argv[1..] {
            pubsub::unsubscribe(ctx.srv, Some(&mut *ctx.out), ctx.cid, ch, shard);
        }
    }
    Ok(())
}

/// UNSUBSCRIBE [channel ...]
fn cmd_unsubscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    unsubscribe(ctx, argv, false)
}

/// SUNSUBSCRIBE [shardchannel ...]
fn cmd_sunsubscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    unsubscribe(ctx, argv, true)
}

/// PUNSUBSCRIBE [pattern ...]
fn cmd_punsubscribe(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() == 1 {
        pubsub::punsubscribe_all(ctx.srv, Some(ctx.out), ctx.cid);
    } else {
        for p in &argv[1..] {
            pubsub::punsubscribe(ctx.srv, Some(&mut *ctx.out), ctx.cid, p);
        }
    }
    Ok(())
}

/// PUBLISH channel message: the number of clients that received it.
fn cmd_publish(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = pubsub::publish(ctx.srv, Some((ctx.cid, &mut *ctx.out)), &argv[1], &argv[2]);
    ctx.out.int(n as i64);
    ctx.force_replication();
    Ok(())
}

/// SPUBLISH shardchannel message
fn cmd_spublish(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let n = pubsub::spublish(ctx.srv, Some((ctx.cid, &mut *ctx.out)), &argv[1], &argv[2]);
    ctx.out.int(n as i64);
    ctx.force_replication();
    Ok(())
}

fn channels(ctx: &mut Ctx, argv: &[Bytes], shard: bool) -> CmdResult {
    if argv.len() > 3 {
        return Err(subcommand_syntax_error(argv));
    }
    let list = ctx
        .srv
        .pubsub
        .channels_matching(argv.get(2).map(|p| &p[..]), shard);
    ctx.out.array(list.len());
    for ch in &list {
        ctx.out.bulk(ch);
    }
    Ok(())
}

fn numsub(ctx: &mut Ctx, argv: &[Bytes], shard: bool) -> CmdResult {
    ctx.out.array((argv.len() - 2) * 2);
    for ch in &argv[2..] {
        ctx.out.bulk(ch);
        let n = ctx.srv.pubsub.subscribers(ch, shard);
        ctx.out.int(n as i64);
    }
    Ok(())
}

/// PUBSUB CHANNELS [pattern]
fn cmd_pubsub_channels(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    channels(ctx, argv, false)
}

/// PUBSUB SHARDCHANNELS [pattern]
fn cmd_pubsub_shardchannels(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    channels(ctx, argv, true)
}

/// PUBSUB NUMSUB [channel ...]
fn cmd_pubsub_numsub(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    numsub(ctx, argv, false)
}

/// PUBSUB SHARDNUMSUB [shardchannel ...]
fn cmd_pubsub_shardnumsub(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    numsub(ctx, argv, true)
}

/// PUBSUB NUMPAT: distinct patterns subscribed.
fn cmd_pubsub_numpat(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let n = ctx.srv.pubsub.pattern_count();
    ctx.out.int(n as i64);
    Ok(())
}

const PUBSUB_HELP: &[&str] = &[
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Prints this help.",
];

/// PUBSUB HELP
fn cmd_pubsub_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.array(PUBSUB_HELP.len());
    for line in PUBSUB_HELP {
        ctx.out.simple(line.as_bytes());
    }
    Ok(())
}

const SUB_FLAGS: u32 = PUBSUB | NOSCRIPT | LOADING | STALE;
const INFO_FLAGS: u32 = PUBSUB | LOADING | STALE;

static PUBSUB_SUBCOMMANDS: &[Command] = &[
    Command::new(
        "pubsub|channels",
        -2,
        INFO_FLAGS,
        NO_KEYS,
        cmd_pubsub_channels,
    ),
    Command::new("pubsub|numsub", -2, INFO_FLAGS, NO_KEYS, cmd_pubsub_numsub),
    Command::new("pubsub|numpat", 2, INFO_FLAGS, NO_KEYS, cmd_pubsub_numpat),
    Command::new(
        "pubsub|shardchannels",
        -2,
        INFO_FLAGS,
        NO_KEYS,
        cmd_pubsub_shardchannels,
    ),
    Command::new(
        "pubsub|shardnumsub",
        -2,
        INFO_FLAGS,
        NO_KEYS,
        cmd_pubsub_shardnumsub,
    ),
    Command::new("pubsub|help", 2, LOADING | STALE, NO_KEYS, cmd_pubsub_help),
];

pub static COMMANDS: &[Command] = &[
    Command::new("subscribe", -2, SUB_FLAGS, NO_KEYS, cmd_subscribe),
    Command::new("unsubscribe", -1, SUB_FLAGS, NO_KEYS, cmd_unsubscribe),
    Command::new("psubscribe", -2, SUB_FLAGS, NO_KEYS, cmd_psubscribe),
    Command::new("punsubscribe", -1, SUB_FLAGS, NO_KEYS, cmd_punsubscribe),
    Command::new("publish", 3, INFO_FLAGS | FAST, NO_KEYS, cmd_publish),
    Command::new("ssubscribe", -2, SUB_FLAGS, keys(1, -1, 1), cmd_ssubscribe),
    Command::new(
        "sunsubscribe",
        -1,
        SUB_FLAGS,
        keys(1, -1, 1),
        cmd_sunsubscribe,
    ),
    Command::new(
        "spublish",
        3,
        INFO_FLAGS | FAST,
        keys(1, 1, 1),
        cmd_spublish,
    ),
    Command::container("pubsub", -2, 0, PUBSUB_SUBCOMMANDS),
];
