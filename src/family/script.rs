//! Scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (LOAD, EXISTS, FLUSH,
//! KILL, HELP). The engine (Lua state, sandbox, conversions, script cache) is `crate::script`.

use bytes::Bytes;

use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error};
use crate::script::{self, Invocation};

/// Parses numkeys and splits the rest into keys and arguments (Redis's checks and texts).
fn split_keys(argv: &[Bytes]) -> Result<(&[Bytes], &[Bytes]), Error> {
    let numkeys = crate::cmd::parse_int(&argv[2])?;
    if numkeys > (argv.len() - 3) as i64 {
        return Err(Error::Msg(
            "ERR Number of keys can't be greater than number of args",
        ));
    }
    if numkeys < 0 {
        return Err(Error::Msg("ERR Number of keys can't be negative"));
    }
    let rest = &argv[3..];
    Ok(rest.split_at(numkeys as usize))
}

fn eval_generic(ctx: &mut Ctx, argv: &[Bytes], evalsha: bool, ro: bool) -> CmdResult {
    let (keys, args) = split_keys(argv)?;
    let sha = if evalsha {
        if argv[1].len() != 40 {
            return Err(Error::Msg(script::NOSCRIPT_ERROR));
        }
        String::from_utf8_lossy(&argv[1]).to_ascii_lowercase()
    } else {
        ctx.srv
            .scripting
            .load_script(&argv[1])
            .map_err(Error::Text)?
    };
    let Some((func, flags)) = ctx.srv.scripting.script(&sha) else {
        return Err(Error::Msg(script::NOSCRIPT_ERROR));
    };
    script::run_script(
        ctx.srv,
        ctx.out,
        ctx.cid,
        ctx.db,
        Invocation {
            func,
            name: sha,
            eval: true,
            ro,
            flags,
            keys,
            args,
        },
    );
    Ok(())
}

/// EVAL script numkeys [key ...] [arg ...]
fn cmd_eval(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    eval_generic(ctx, argv, false, false)
}

/// EVALSHA sha1 numkeys [key ...] [arg ...]
fn cmd_evalsha(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    eval_generic(ctx, argv, true, false)
}

/// EVAL_RO script numkeys [key ...] [arg ...]
fn cmd_eval_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    eval_generic(ctx, argv, false, true)
}

/// EVALSHA_RO sha1 numkeys [key ...] [arg ...]
fn cmd_evalsha_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    eval_generic(ctx, argv, true, true)
}

/// SCRIPT LOAD script
fn cmd_script_load(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let sha = ctx
        .srv
        .scripting
        .load_script(&argv[2])
        .map_err(Error::Text)?;
    ctx.out.bulk(sha.as_bytes());
    Ok(())
}

/// SCRIPT EXISTS sha1 [sha1 ...]
fn cmd_script_exists(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ctx.out.array(argv.len() - 2);
    for a in &argv[2..] {
        // Redis looks the argument up as given (its cache keys are lower case).
        let found = std::str::from_utf8(a).is_ok_and(|s| ctx.srv.scripting.scripts.contains_key(s));
        ctx.out.int(found as i64);
    }
    Ok(())
}

/// SCRIPT FLUSH [ASYNC|SYNC]
fn cmd_script_flush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let ok = argv.len() == 2
        || (argv.len() == 3
            && (argv[2].eq_ignore_ascii_case(b"sync") || argv[2].eq_ignore_ascii_case(b"async")));
    if !ok {
        return Err(Error::Msg(
            "ERR SCRIPT FLUSH only support SYNC|ASYNC option",
        ));
    }
    ctx.srv.scripting.flush_scripts();
    ctx.out.ok();
    Ok(())
}

/// SCRIPT KILL / FUNCTION KILL (Redis's `scriptKill`).
pub fn kill(ctx: &mut Ctx, eval: bool) -> CmdResult {
    let Some(run) = ctx.srv.scripting.run.as_mut() else {
        return Err(Error::Msg("NOTBUSY No scripts in execution right now."));
    };
    if run.write_dirty {
        return Err(Error::Msg(
            "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.",
        ));
    }
    if eval && !run.eval {
        return Err(Error::Msg(script::BUSY_FUNCTION_ERROR));
    }
    if !eval && run.eval {
        return Err(Error::Msg(script::BUSY_ERROR));
    }
    run.killed = true;
    ctx.out.ok();
    Ok(())
}

/// SCRIPT KILL
fn cmd_script_kill(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    kill(ctx, true)
}

/// SCRIPT HELP
fn cmd_script_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    const LINES: &[&str] = &[
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
    ];
    crate::family::server::reply_help(ctx.out, b"SCRIPT", LINES);
    Ok(())
}

const EVAL_FLAGS: u32 = NOSCRIPT | STALE | SKIP_MONITOR | NO_MANDATORY_KEYS | MOVABLE_KEYS;

static SCRIPT_SUBCOMMANDS: &[Command] = &[
    Command::new(
        "script|exists",
        -3,
        NOSCRIPT,
        keys(0, 0, 0),
        cmd_script_exists,
    ),
    Command::new(
        "script|flush",
        -2,
        NOSCRIPT,
        keys(0, 0, 0),
        cmd_script_flush,
    ),
    Command::new(
        "script|help",
        2,
        LOADING | STALE,
        keys(0, 0, 0),
        cmd_script_help,
    ),
    Command::new(
        "script|kill",
        2,
        NOSCRIPT | ALLOW_BUSY,
        keys(0, 0, 0),
        cmd_script_kill,
    ),
    Command::new(
        "script|load",
        3,
        NOSCRIPT | STALE,
        keys(0, 0, 0),
        cmd_script_load,
    ),
];

pub static COMMANDS: &[Command] = &[
    Command::new("eval", -3, EVAL_FLAGS, keys(0, 0, 0), cmd_eval),
    Command::new("evalsha", -3, EVAL_FLAGS, keys(0, 0, 0), cmd_evalsha),
    Command::new(
        "eval_ro",
        -3,
        READONLY | EVAL_FLAGS,
        keys(0, 0, 0),
        cmd_eval_ro,
    ),
    Command::new(
        "evalsha_ro",
        -3,
        READONLY | EVAL_FLAGS,
        keys(0, 0, 0),
        cmd_evalsha_ro,
    ),
    Command::container("script", -2, 0, SCRIPT_SUBCOMMANDS),
];
