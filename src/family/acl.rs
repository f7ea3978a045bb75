//! AUTH and the ACL container (SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT, GENPASS,
//! LOG, DRYRUN, LOAD, SAVE, HELP): thin handlers over `crate::acl`, which owns the users, the
//! rules and the checks.

use std::io::Read;

use bytes::Bytes;

use crate::acl::{self, Reason, rules};
use crate::cmd::table::{Command, NO_KEYS, flags::*};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::ops::report::c_str;

const WRONGPASS: Error =
    Error::Msg("WRONGPASS invalid username-password pair or user is disabled.");

/// AUTH [username] password
fn cmd_auth(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        return Err(Error::Syntax);
    }
    let (user, pass): (&[u8], &[u8]) = if argv.len() == 2 {
        if ctx.srv.acl.default_nopass() {
            return Err(Error::Msg(
                "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
            ));
        }
        (b"default", &argv[1])
    } else {
        (&argv[1], &argv[2])
    };
    acl::authenticate(ctx.srv, ctx.cid, user, pass, &argv[0]).map_err(|_| WRONGPASS)?;
    ctx.out.ok();
    Ok(())
}

/// ACL SETUSER username [rule ...]
fn cmd_setuser(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let name = &argv[2];
    if rules::has_spaces(name) {
        return Err(Error::Msg(
            "ERR Usernames can't contain spaces or null characters",
        ));
    }
    let args: Vec<&[u8]> = argv[3..].iter().map(|a| a.as_ref()).collect();
    let base = ctx.srv.acl.by_name(name).map(|s| &ctx.srv.acl.users[s]);
    let user =
        rules::string_set_user(base, name, &args).map_err(|e| Error::concat(&[b"ERR ", &e]))?;
    acl::set_user(ctx.srv, ctx.cid, user);
    ctx.out.ok();
    Ok(())
}

/// ACL DELUSER username [username ...]
fn cmd_deluser(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv[2..].iter().any(|n| n.as_ref() == b"default") {
        return Err(Error::Msg("ERR The 'default' user cannot be removed"));
    }
    let n = acl::delete_users(ctx.srv, ctx.cid, &argv[2..]);
    ctx.out.int(n as i64);
    Ok(())
}

/// The commands/keys/channels fields of a selector in ACL GETUSER.
fn reply_selector(ctx: &mut Ctx, s: &rules::Selector) {
    let out = &mut *ctx.out;
    out.bulk(b"commands");
    out.bulk(&rules::describe_commands(s));
    out.bulk(b"keys");
    if s.flags & rules::sflag::ALLKEYS != 0 {
        out.bulk(b"~*");
    } else {
        let pats: Vec<Vec<u8>> = s.patterns.iter().map(rules::pattern_string).collect();
        out.bulk(&pats.join(&b' '));
    }
    out.bulk(b"channels");
    if s.flags & rules::sflag::ALLCHANNELS != 0 {
        out.bulk(b"&*");
    } else {
        let chans: Vec<Vec<u8>> = s.channels.iter().map(|c| [&b"&"[..], c].concat()).collect();
        out.bulk(&chans.join(&b' '));
    }
}

/// ACL GETUSER username
fn cmd_getuser(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(slot) = ctx.srv.acl.by_name(&argv[2]) else {
        ctx.out.null();
        return Ok(());
    };
    let u = ctx.srv.acl.users[slot].clone();
    ctx.out.map(6);
    ctx.out.bulk(b"flags");
    let flags: Vec<&str> = rules::uflag::NAMES
        .iter()
        .filter(|(f, _)| u.flags & f != 0)
        .map(|(_, n)| *n)
        .collect();
    ctx.out.set(flags.len());
    for f in flags {
        ctx.out.bulk(f.as_bytes());
    }
    ctx.out.bulk(b"passwords");
    ctx.out.array(u.passwords.len());
    for p in &u.passwords {
        ctx.out.bulk(p.as_bytes());
    }
    reply_selector(ctx, &u.selectors[0]);
    ctx.out.bulk(b"selectors");
    ctx.out.array(u.selectors.len() - 1);
    for s in &u.selectors[1..] {
        ctx.out.map(3);
        reply_selector(ctx, s);
    }
    Ok(())
}

/// ACL LIST
fn cmd_list(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let acl = &ctx.srv.acl;
    ctx.out.array(acl.names.len());
    for &slot in acl.names.values() {
        let u = &acl.users[slot];
        let mut line = b"user ".to_vec();
        line.extend_from_slice(&u.name);
        line.push(b' ');
        line.extend(u.describe());
        ctx.out.bulk(&line);
    }
    Ok(())
}

/// ACL USERS
fn cmd_users(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let acl = &ctx.srv.acl;
    ctx.out.array(acl.names.len());
    for name in acl.names.keys() {
        ctx.out.bulk(name);
    }
    Ok(())
}

/// ACL WHOAMI
fn cmd_whoami(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let name = ctx.srv.clients[ctx.cid].user_name.clone();
    ctx.out.bulk(&name);
    Ok(())
}

/// `ERR unknown subcommand or wrong number of arguments for '<sub>'. Try ACL HELP.`
fn syntax(argv: &[Bytes]) -> Error {
    crate::cmd::subcommand_syntax_error(argv)
}

/// ACL CAT [category]
fn cmd_cat(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    match argv.len() {
        2 => {
            ctx.out.array(acl::CATEGORIES.len());
            for c in acl::CATEGORIES {
                ctx.out.bulk(c.as_bytes());
            }
        }
        3 => {
            let Some(bit) = rules::category(&argv[2]) else {
                // `%.128s`: at most 128 bytes, up to a NUL.
                let name = c_str(&argv[2][..argv[2].len().min(128)]);
                return Err(Error::concat(&[b"ERR Unknown category '", name, b"'"]));
            };
            let names: Vec<&str> = acl::commands()
                .list
                .iter()
                .filter(|c| c.cats & bit != 0)
                .map(|c| c.cmd.name)
                .collect();
            ctx.out.array(names.len());
            for n in names {
                ctx.out.bulk(n.as_bytes());
            }
        }
        _ => return Err(syntax(argv)),
    }
    Ok(())
}

/// Random lowercase hex characters from the kernel's generator.
fn random_hex(n: usize) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut raw = vec![0u8; n];
    let ok = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut raw));
    if ok.is_err() {
        raw.iter_mut()
            .for_each(|b| *b = crate::rand::next_u64() as u8);
    }
    raw.iter().map(|b| HEX[(b & 15) as usize]).collect()
}

/// ACL GENPASS [bits]
fn cmd_genpass(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        return Err(syntax(argv));
    }
    let bits = match argv.get(2) {
        Some(a) => parse_int(a)?,
        None => 256,
    };
    if bits <= 0 || bits > 4096 {
        return Err(Error::Msg(
            "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096",
        ));
    }
    let chars = (bits as usize).div_ceil(4);
    ctx.out.bulk(&random_hex(chars));
    Ok(())
}

/// ACL LOG [count | RESET]
fn cmd_log(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 3 {
        return Err(syntax(argv));
    }
    let mut count = 10i64;
    if let Some(a) = argv.get(2) {
        if a.eq_ignore_ascii_case(b"reset") {
            ctx.srv.acl.log.clear();
            ctx.out.ok();
            return Ok(());
        }
        count = parse_int(a)?.max(0);
    }
    let now = crate::keyspace::clock::now_ms();
    let n = (count as usize).min(ctx.srv.acl.log.len());
    ctx.out.array(n);
    for e in ctx.srv.acl.log.iter().take(n) {
        let out = &mut *ctx.out;
        out.map(7);
        out.bulk(b"count");
        out.int(e.count as i64);
        out.bulk(b"reason");
        out.bulk(match e.reason {
            Reason::Command => b"command",
            Reason::Key => b"key",
            Reason::Channel => b"channel",
            Reason::Auth => b"auth",
        });
        out.bulk(b"context");
        out.bulk(e.context.as_bytes());
        out.bulk(b"object");
        out.bulk(&e.object);
        out.bulk(b"username");
        out.bulk(&e.username);
        out.bulk(b"age-seconds");
        out.double((now - e.ctime) as f64 / 1000.0);
        out.bulk(b"client-info");
        out.bulk(&e.cinfo);
    }
    Ok(())
}

/// ACL DRYRUN username command [arg ...]
fn cmd_dryrun(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let Some(slot) = ctx.srv.acl.by_name(&argv[2]) else {
        return Err(Error::concat(&[
            b"ERR User '",
            c_str(&argv[2]),
            b"' not found",
        ]));
    };
    let inner = &argv[3..];
    let base = crate::cmd::lookup(&inner[0]);
    let cmd = match base {
        Some(b) if !b.subcommands.is_empty() && inner.len() >= 2 => b.subcommand(&inner[1]),
        other => other,
    };
    let Some(cmd) = cmd else {
        return Err(Error::concat(&[
            b"ERR Command '",
            c_str(&inner[0]),
            b"' not found",
        ]));
    };
    if !cmd.arity_ok(inner.len()) {
        return Err(Error::err(format_args!(
            "wrong number of arguments for '{}' command",
            cmd.name
        )));
    }
    match acl::check(&ctx.srv.acl.users[slot], cmd, inner) {
        Ok(()) => ctx.out.ok(),
        Err(acl::Denied::Command) => ctx.out.bulk(
            format!(
                "This user has no permissions to run the '{}' command",
                cmd.name
            )
            .as_bytes(),
        ),
        Err(acl::Denied::Key(i)) => {
            let mut m = b"This user has no permissions to access the '".to_vec();
            m.extend_from_slice(&inner[i]);
            m.extend_from_slice(b"' key");
            ctx.out.bulk(&m);
        }
        Err(acl::Denied::Channel(i)) => {
            let mut m = b"This user has no permissions to access the '".to_vec();
            m.extend_from_slice(&inner[i]);
            m.extend_from_slice(b"' channel");
            ctx.out.bulk(&m);
        }
    }
    Ok(())
}

const NO_ACL_FILE: Error = Error::Msg(
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.",
);

fn has_aclfile(ctx: &Ctx) -> bool {
    ctx.srv.config.get("aclfile").is_some_and(|f| !f.is_empty())
}

/// ACL LOAD
fn cmd_load(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if !has_aclfile(ctx) {
        return Err(NO_ACL_FILE);
    }
    acl::file::load(ctx.srv, ctx.cid).map_err(Error::err)?;
    ctx.out.ok();
    Ok(())
}

/// ACL SAVE
fn cmd_save(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    if !has_aclfile(ctx) {
        return Err(NO_ACL_FILE);
    }
    acl::file::save(ctx.srv).map_err(|_| {
        Error::Msg(
            "ERR There was an error trying to save the ACLs. Please check the server logs for more information",
        )
    })?;
    ctx.out.ok();
    Ok(())
}

const HELP: &[&str] = &[
    "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CAT [<category>]",
    "    List all commands that belong to <category>, or all command categories",
    "    when no category is specified.",
    "DELUSER <username> [<username> ...]",
    "    Delete a list of users.",
    "DRYRUN <username> <command> [<arg> ...]",
    "    Returns whether the user can execute the given command without executing the command.",
    "GETUSER <username>",
    "    Get the user's details.",
    "GENPASS [<bits>]",
    "    Generate a secure 256-bit user password. The optional `bits` argument can",
    "    be used to specify a different size.",
    "LIST",
    "    Show users details in config file format.",
    "LOAD",
    "    Reload users from the ACL file.",
    "LOG [<count> | RESET]",
    "    Show the ACL log entries.",
    "SAVE",
    "    Save the current config to the ACL file.",
    "SETUSER <username> <attribute> [<attribute> ...]",
    "    Create or modify a user with the specified attributes.",
    "USERS",
    "    List all the registered usernames.",
    "WHOAMI",
    "    Return the current connection username.",
    "HELP",
    "    Prints this help.",
];

/// ACL HELP
fn cmd_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.array(HELP.len());
    for line in HELP {
        ctx.out.simple(line.as_bytes());
    }
    Ok(())
}

const F: u32 = NOSCRIPT | LOADING | STALE;
const A: u32 = ADMIN | F;

static ACL_SUBCOMMANDS: &[Command] = &[
    Command::new("acl|cat", -2, F, NO_KEYS, cmd_cat),
    Command::new("acl|deluser", -3, A, NO_KEYS, cmd_deluser),
    Command::new("acl|dryrun", -4, A, NO_KEYS, cmd_dryrun),
    Command::new("acl|genpass", -2, F, NO_KEYS, cmd_genpass),
    Command::new("acl|getuser", 3, A, NO_KEYS, cmd_getuser),
    Command::new("acl|help", 2, LOADING | STALE, NO_KEYS, cmd_help),
    Command::new("acl|list", 2, A, NO_KEYS, cmd_list),
    Command::new("acl|load", 2, A, NO_KEYS, cmd_load),
    Command::new("acl|log", -2, A, NO_KEYS, cmd_log),
    Command::new("acl|save", 2, A, NO_KEYS, cmd_save),
    Command::new("acl|setuser", -3, A, NO_KEYS, cmd_setuser),
    Command::new("acl|users", 2, A, NO_KEYS, cmd_users),
    Command::new("acl|whoami", 2, F, NO_KEYS, cmd_whoami),
];

pub static COMMANDS: &[Command] = &[
    Command::new(
        "auth",
        -2,
        NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        NO_KEYS,
        cmd_auth,
    ),
    Command::container("acl", -2, 0, ACL_SUBCOMMANDS),
];
