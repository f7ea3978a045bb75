//! Scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT (LOAD, EXISTS, FLUSH, KILL,
//! DEBUG, HELP), FCALL, FCALL_RO and FUNCTION (LOAD, DELETE, FLUSH, LIST, DUMP, RESTORE, STATS, KILL, HELP). The
//! engine (Lua state, sandbox, conversions, script cache, function libraries) is
//! `crate::script`.

use bytes::Bytes;

use crate::cmd::table::{Command, flags::*, keys};
use crate::cmd::{CmdResult, Ctx, Error};
use crate::ops::report::c_str;
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
    if script::ldb::client_debugging(ctx.srv, ctx.cid) {
        if evalsha {
            if argv[1].len() != 40 {
                return Err(Error::Msg(script::NOSCRIPT_ERROR));
            }
            return Err(Error::Msg(
                "ERR Please use EVAL instead of EVALSHA for debugging",
            ));
        }
        return script::ldb::eval_with_debugging(ctx, &argv[1], |ctx| {
            eval_run(ctx, argv, false, ro)
        });
    }
    eval_run(ctx, argv, evalsha, ro)
}

fn eval_run(ctx: &mut Ctx, argv: &[Bytes], evalsha: bool, ro: bool) -> CmdResult {
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
            .map_err(Error::Bytes)?
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
            command: Vec::new(),
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
        .map_err(Error::Bytes)?;
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

/// SCRIPT DEBUG YES|SYNC|NO
fn cmd_script_debug(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    script::ldb::script_debug(ctx, &argv[2])
}

/// SCRIPT HELP
fn cmd_script_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    const LINES: &[&str] = &[
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
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

fn fcall_generic(ctx: &mut Ctx, argv: &[Bytes], ro: bool) -> CmdResult {
    let Some((func, flags, name)) = ctx.srv.scripting.function(&argv[1]) else {
        return Err(Error::Msg("ERR Function not found"));
    };
    let numkeys = crate::cmd::parse_int(&argv[2])
        .map_err(|_| Error::Msg("ERR Bad number of keys provided"))?;
    if numkeys > (argv.len() - 3) as i64 {
        return Err(Error::Msg(
            "ERR Number of keys can't be greater than number of args",
        ));
    }
    if numkeys < 0 {
        return Err(Error::Msg("ERR Number of keys can't be negative"));
    }
    let (keys, args) = argv[3..].split_at(numkeys as usize);
    script::run_script(
        ctx.srv,
        ctx.out,
        ctx.cid,
        ctx.db,
        Invocation {
            func,
            name,
            eval: false,
            ro,
            flags,
            keys,
            args,
            command: argv.to_vec(),
        },
    );
    Ok(())
}

/// FCALL function numkeys [key ...] [arg ...]
fn cmd_fcall(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    fcall_generic(ctx, argv, false)
}

/// FCALL_RO function numkeys [key ...] [arg ...]
fn cmd_fcall_ro(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    fcall_generic(ctx, argv, true)
}

/// FUNCTION LOAD [REPLACE] code
fn cmd_function_load(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut replace = false;
    let mut pos = 2;
    while pos < argv.len() - 1 {
        if argv[pos].eq_ignore_ascii_case(b"replace") {
            replace = true;
            pos += 1;
            continue;
        }
        return Err(Error::concat(&[
            b"ERR Unknown option given: ",
            c_str(&argv[pos]),
        ]));
    }
    let name = ctx
        .srv
        .scripting
        .load_library(&argv[pos], replace)
        .map_err(Error::err)?;
    ctx.dirty(1);
    ctx.out.bulk(name.as_bytes());
    Ok(())
}

/// FUNCTION DELETE library
fn cmd_function_delete(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if !ctx.srv.scripting.delete_library(&argv[2]) {
        return Err(Error::Msg("ERR Library not found"));
    }
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}

/// FUNCTION FLUSH [ASYNC|SYNC]
fn cmd_function_flush(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let ok = argv.len() == 2
        || (argv.len() == 3
            && (argv[2].eq_ignore_ascii_case(b"sync") || argv[2].eq_ignore_ascii_case(b"async")));
    if !ok {
        return Err(Error::Msg(
            "ERR FUNCTION FLUSH only supports SYNC|ASYNC option",
        ));
    }
    ctx.srv.scripting.flush_functions();
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}

/// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
fn cmd_function_list(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut with_code = false;
    let mut pattern: Option<&[u8]> = None;
    let mut i = 2;
    while i < argv.len() {
        let a = &argv[i];
        if !with_code && a.eq_ignore_ascii_case(b"withcode") {
            with_code = true;
        } else if pattern.is_none() && a.eq_ignore_ascii_case(b"libraryname") {
            if i >= argv.len() - 1 {
                return Err(Error::Msg("ERR library name argument was not given"));
            }
            i += 1;
            pattern = Some(&argv[i]);
        } else {
            return Err(Error::concat(&[b"ERR Unknown argument ", c_str(a)]));
        }
        i += 1;
    }
    let f = &ctx.srv.scripting.functions;
    let libs: Vec<_> = f
        .libraries
        .iter()
        .filter(|l| {
            pattern.is_none_or(|p| crate::keyspace::glob::matches(p, l.name.as_bytes(), true))
        })
        .collect();
    let out = &mut *ctx.out;
    out.array(libs.len());
    for lib in libs {
        out.map(if with_code { 4 } else { 3 });
        out.bulk(b"library_name");
        out.bulk(lib.name.as_bytes());
        out.bulk(b"engine");
        out.bulk(b"LUA");
        out.bulk(b"functions");
        out.array(lib.functions.len());
        for name in &lib.functions {
            let Some(fd) = f.functions.get(name) else {
                continue;
            };
            out.map(3);
            out.bulk(b"name");
            out.bulk(fd.name.as_bytes());
            out.bulk(b"description");
            match &fd.desc {
                Some(d) => out.bulk(d),
                None => out.null(),
            }
            out.bulk(b"flags");
            let names: Vec<&str> = script::flags::NAMES
                .iter()
                .filter(|(bit, _)| fd.flags & bit != 0)
                .map(|(_, n)| *n)
                .collect();
            out.set(names.len());
            for n in names {
                out.simple(n.as_bytes());
            }
        }
        if with_code {
            out.bulk(b"library_code");
            out.bulk(&lib.code);
        }
    }
    Ok(())
}

/// FUNCTION STATS
fn cmd_function_stats(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let e = &ctx.srv.scripting;
    if e.run.as_ref().is_some_and(|r| r.eval) {
        return Err(Error::Msg(script::BUSY_ERROR));
    }
    let out = &mut *ctx.out;
    out.map(2);
    out.bulk(b"running_script");
    match &e.run {
        None => out.null(),
        Some(run) => {
            out.map(3);
            out.bulk(b"name");
            out.bulk(run.name.as_bytes());
            out.bulk(b"command");
            out.array(run.command.len());
            for a in &run.command {
                out.bulk(a);
            }
            out.bulk(b"duration_ms");
            out.int(run.started.elapsed().as_millis() as i64);
        }
    }
    out.bulk(b"engines");
    out.map(1);
    out.bulk(b"LUA");
    out.map(2);
    out.bulk(b"libraries_count");
    out.int(e.functions.libraries.len() as i64);
    out.bulk(b"functions_count");
    out.int(e.functions.functions.len() as i64);
    Ok(())
}

/// FUNCTION KILL
fn cmd_function_kill(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    kill(ctx, false)
}

/// FUNCTION DUMP
fn cmd_function_dump(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let codes: Vec<Bytes> = ctx
        .srv
        .scripting
        .functions
        .libraries
        .iter()
        .map(|l| l.code.clone())
        .collect();
    let compression = crate::family::dump::write_options(ctx.srv).compression;
    let payload = crate::persist::rdb::dump_functions(&codes, compression);
    ctx.out.bulk(&payload);
    Ok(())
}

/// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]
fn cmd_function_restore(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    use crate::script::functions::Policy;
    let policy = match argv.get(3) {
        None => Policy::Append,
        Some(p) if p.eq_ignore_ascii_case(b"flush") => Policy::Flush,
        Some(p) if p.eq_ignore_ascii_case(b"append") => Policy::Append,
        Some(p) if p.eq_ignore_ascii_case(b"replace") => Policy::Replace,
        Some(_) => {
            return Err(Error::Msg(
                "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
            ));
        }
    };
    let codes = crate::persist::rdb::restore_functions(&argv[2]).map_err(Error::err)?;
    let codes: Vec<Bytes> = codes.into_iter().map(Bytes::from).collect();
    ctx.srv
        .scripting
        .restore_libraries(&codes, policy)
        .map_err(Error::err)?;
    ctx.dirty(1);
    ctx.out.ok();
    Ok(())
}

/// FUNCTION HELP
fn cmd_function_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    const LINES: &[&str] = &[
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library).",
    ];
    crate::family::server::reply_help(ctx.out, b"FUNCTION", LINES);
    Ok(())
}

const EVAL_FLAGS: u32 = NOSCRIPT | STALE | SKIP_MONITOR | NO_MANDATORY_KEYS | MOVABLE_KEYS;

static SCRIPT_SUBCOMMANDS: &[Command] = &[
    Command::new("script|debug", 3, NOSCRIPT, keys(0, 0, 0), cmd_script_debug),
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

static FUNCTION_SUBCOMMANDS: &[Command] = &[
    Command::new(
        "function|delete",
        3,
        WRITE | NOSCRIPT,
        keys(0, 0, 0),
        cmd_function_delete,
    ),
    Command::new(
        "function|dump",
        2,
        NOSCRIPT,
        keys(0, 0, 0),
        cmd_function_dump,
    ),
    Command::new(
        "function|flush",
        -2,
        WRITE | NOSCRIPT,
        keys(0, 0, 0),
        cmd_function_flush,
    ),
    Command::new(
        "function|help",
        2,
        LOADING | STALE,
        keys(0, 0, 0),
        cmd_function_help,
    ),
    Command::new(
        "function|kill",
        2,
        NOSCRIPT | ALLOW_BUSY,
        keys(0, 0, 0),
        cmd_function_kill,
    ),
    Command::new(
        "function|list",
        -2,
        NOSCRIPT,
        keys(0, 0, 0),
        cmd_function_list,
    ),
    Command::new(
        "function|load",
        -3,
        WRITE | DENYOOM | NOSCRIPT,
        keys(0, 0, 0),
        cmd_function_load,
    ),
    Command::new(
        "function|restore",
        -3,
        WRITE | DENYOOM | NOSCRIPT,
        keys(0, 0, 0),
        cmd_function_restore,
    ),
    Command::new(
        "function|stats",
        2,
        NOSCRIPT | ALLOW_BUSY,
        keys(0, 0, 0),
        cmd_function_stats,
    ),
];

pub static COMMANDS: &[Command] = &[
    Command::new("fcall", -3, EVAL_FLAGS, keys(0, 0, 0), cmd_fcall),
    Command::new(
        "fcall_ro",
        -3,
        READONLY | EVAL_FLAGS,
        keys(0, 0, 0),
        cmd_fcall_ro,
    ),
    Command::container("function", -2, 0, FUNCTION_SUBCOMMANDS),
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
