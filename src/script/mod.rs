//! Lua scripting (Redis 7.0's eval.c, script.c and script_lua.c): owns the two long-lived Lua
//! 5.1 states (as Redis: one for EVAL scripts, recreated by SCRIPT FLUSH, and one for function
//! libraries, so neither sees the other's library settings such as cjson's), the sandbox they
//! run code in (`api.lua`), the script cache (SHA1 -> compiled function), the function
//! libraries (`functions`), the state of the script running now, and
//! the bridge by which `redis.call` runs commands. Submodules: `convert` (replies <-> Lua
//! values), `libs`/`cjson`/`cmsgpack`/`lstruct` (the embedded libraries), `trampoline` (the
//! two C functions that raise Lua errors as Redis does), `ldb` (the Lua debugger, SCRIPT
//! DEBUG).
//!
//! Invariants:
//! - At most one script runs at a time (`Engine::run` is `Some` exactly while it runs). While it
//!   runs, `SERVER` holds a pointer to the server, through which the Rust functions called
//!   from Lua (redis.call, the hook) reach it; nothing else touches the server meanwhile, the
//!   caller of `run_script` having lent it whole.
//! - Commands called from a script run through `cmd::call` on the caller's client slot with
//!   `exec_depth` raised (as inside EXEC: no blocking, no propagation flush, no pre-run client
//!   checks), their reply written in the script's protocol to a scratch buffer and parsed back
//!   into Lua values. The caller's selected database and reply flags are restored afterwards.
//! - What a script changed is propagated as the commands it ran (recorded by `cmd::call` one
//!   by one, flushed as one MULTI/EXEC unit when the EVAL ends), never as the script.
//! - The scripts' globals, and every table reachable from them, are read-only (Redis's patched
//!   Lua tables, vendor/lua-src; set up by `api.lua`): a script can keep nothing between calls.

pub mod cjson;
pub mod cmsgpack;
pub mod convert;
pub mod functions;
pub mod ldb;
pub mod libs;
pub mod lstruct;
mod trampoline;

use std::cell::Cell;
use std::collections::HashMap;
use std::time::Instant;

use bytes::Bytes;
use mlua::{Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState};

use crate::cmd::{self, flags as cf};
use crate::net::client::flag as client_flag;
use crate::protocol::Reply;
use crate::server::Server;

/// Script flags (shebang `flags=` / `register_function` flags).
pub mod flags {
    pub const NO_WRITES: u32 = 1 << 0;
    pub const ALLOW_OOM: u32 = 1 << 1;
    pub const ALLOW_STALE: u32 = 1 << 2;
    pub const NO_CLUSTER: u32 = 1 << 3;
    pub const ALLOW_CROSS_SLOT: u32 = 1 << 4;
    /// No shebang: Redis's EVAL compatibility mode.
    pub const EVAL_COMPAT: u32 = 1 << 5;

    pub const NAMES: &[(u32, &str)] = &[
        (NO_WRITES, "no-writes"),
        (ALLOW_OOM, "allow-oom"),
        (ALLOW_STALE, "allow-stale"),
        (NO_CLUSTER, "no-cluster"),
        (ALLOW_CROSS_SLOT, "allow-cross-slot-keys"),
    ];
}

pub const NOSCRIPT_ERROR: &str = "NOSCRIPT No matching script. Please use EVAL.";
pub const BUSY_ERROR: &str =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
pub const BUSY_FUNCTION_ERROR: &str =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

/// A cached EVAL script.
pub struct Script {
    pub body: Bytes,
    pub flags: u32,
    func: Function,
}

/// The script running now.
pub struct Run {
    /// Slab index of the calling client.
    pub caller: usize,
    /// The SHA1 (EVAL) or function name (FCALL), for error texts.
    pub name: String,
    pub eval: bool,
    pub read_only: bool,
    /// A write command ran: the script can no longer be killed.
    pub write_dirty: bool,
    /// SCRIPT KILL / FUNCTION KILL asked it to stop.
    pub killed: bool,
    /// Past busy-reply-threshold: other clients get -BUSY.
    pub timed_out: bool,
    pub started: Instant,
    /// The protocol commands reply in (redis.setresp).
    pub resp3: bool,
    /// The database commands run in (SELECT inside the script changes it).
    pub db: usize,
    /// redis.set_repl: propagate the script's commands (false = REPL_NONE).
    pub propagate: bool,
    /// The caller's command (FUNCTION STATS), for FCALL.
    pub command: Vec<Bytes>,
}

/// One Lua interpreter with the sandbox installed.
pub struct State {
    lua: Lua,
    runner: Function,
    sandbox: Function,
    loader: Function,
    /// Runs an EVAL script with its KEYS and ARGV globals (set with the globals' protection
    /// lifted for the moment).
    run_eval: Function,
    /// The same under the Lua debugger's hook (`ldb`).
    run_eval_debug: Function,
}

pub struct Engine {
    /// EVAL scripts' interpreter (Redis's `lctx.lua`).
    eval: State,
    /// Function libraries' interpreter (Redis's function_lua.c engine state).
    func: State,
    pub scripts: HashMap<String, Script>,
    /// Function libraries (FUNCTION LOAD).
    pub functions: functions::Functions,
    /// Bytes of cached script bodies (INFO used_memory_scripts_eval).
    pub scripts_mem: usize,
    pub run: Option<Run>,
    scratch: Reply,
    /// Pids of the Lua debugger's forked sessions (`ldb`), reaped by the cron.
    pub ldb_children: Vec<i32>,
}

thread_local! {
    /// The server, while a script runs (see the module invariants).
    static SERVER: Cell<*mut Server> = const { Cell::new(std::ptr::null_mut()) };
}

/// Runs `f` on the server lent to the running script, if one runs.
fn with_server<R>(f: impl FnOnce(&mut Server) -> R) -> Option<R> {
    let p = SERVER.with(|c| c.get());
    if p.is_null() {
        return None;
    }
    // SAFETY: `SERVER` is set only by `run_script`, from the `&mut Server` it was given, for
    // exactly the duration of the Lua call, and reset before that borrow is used again. Lua
    // calls back into Rust only on this thread and never re-entrantly with the server in use
    // (a command run by redis.call cannot run Lua: EVAL and FCALL are `noscript`).
    Some(f(unsafe { &mut *p }))
}

const API: &str = include_str!("api.lua");

pub fn sha1hex(data: &[u8]) -> String {
    sha1_smol::Sha1::from(data).digest().to_string()
}

impl State {
    fn new() -> State {
        // SAFETY: the debug library is loaded only for the error handler; api.lua removes it
        // from the globals before any script runs.
        let lua = unsafe {
            Lua::unsafe_new_with(
                StdLib::TABLE | StdLib::STRING | StdLib::MATH | StdLib::DEBUG,
                LuaOptions::new(),
            )
        };
        Self::setup(lua).expect("the Lua scripting environment initialises")
    }

    fn setup(lua: Lua) -> mlua::Result<State> {
        let globals = lua.globals();
        let rust = lua.create_table()?;
        register_api(&lua, &rust)?;
        libs::register(&lua, &rust)?;
        trampoline::register(&lua, &rust)?;
        ldb::register(&lua, &rust)?;
        let api = lua.load(API).set_name("@__redis_api").into_function()?;
        let (runner, sandbox, loader, run_eval, run_eval_debug): (
            Function,
            Function,
            Function,
            Function,
            Function,
        ) = api.call((globals.clone(), rust))?;
        lua.set_hook(
            HookTriggers::new().every_nth_instruction(100_000),
            |_lua, _dbg| {
                if functions::load_timed_out() {
                    return Err(mlua::Error::RuntimeError("FUNCTION LOAD timeout".into()));
                }
                match with_server(interrupt) {
                    Some(Err(e)) => Err(e),
                    _ => Ok(VmState::Continue),
                }
            },
        )?;
        Ok(State {
            lua,
            runner,
            sandbox,
            loader,
            run_eval,
            run_eval_debug,
        })
    }
}

impl Engine {
    pub fn new() -> Engine {
        Engine {
            eval: State::new(),
            func: State::new(),
            scripts: HashMap::new(),
            functions: Default::default(),
            scripts_mem: 0,
            run: None,
            scratch: Reply::new(),
            ldb_children: Vec::new(),
        }
    }

    /// The EVAL interpreter's memory (INFO used_memory_lua / used_memory_vm_eval).
    pub fn memory(&self) -> usize {
        self.eval.lua.used_memory()
    }

    /// The function interpreter's memory (INFO used_memory_vm_functions).
    pub fn functions_memory(&self) -> usize {
        self.func.lua.used_memory()
    }

    /// The source bytes of the loaded function libraries (INFO used_memory_functions,
    /// MEMORY STATS functions.caches).
    pub fn functions_code_bytes(&self) -> u64 {
        self.functions
            .libraries
            .iter()
            .map(|l| l.code.len() as u64)
            .sum()
    }

    /// Compiles `body` (from the script's first line, a shebang line left empty so line
    /// numbers hold) into a sandboxed function named `@user_script`.
    pub fn compile(&self, body: &[u8], name: &str) -> Result<Function, String> {
        let f = self
            .eval
            .lua
            .load(body)
            .set_name(name)
            .set_mode(mlua::chunk::ChunkMode::Text)
            .into_function()
            .map_err(|e| match e {
                mlua::Error::SyntaxError { message, .. } => message,
                other => other.to_string(),
            })?;
        self.eval
            .sandbox
            .call::<Function>(f)
            .map_err(|e| e.to_string())
    }

    /// SCRIPT LOAD / EVAL: caches `body` under its SHA1 (compiling it once). Returns the SHA1,
    /// or the error reply text.
    pub fn load_script(&mut self, body: &Bytes) -> Result<String, Vec<u8>> {
        let sha = sha1hex(body);
        if self.scripts.contains_key(&sha) {
            return Ok(sha);
        }
        let (flags, shebang_len) = parse_shebang(body)?;
        let func = self
            .compile(&body[shebang_len..], "@user_script")
            .map_err(|m| format!("ERR Error compiling script (new function): {m}").into_bytes())?;
        self.scripts_mem += body.len() + 40;
        self.scripts.insert(
            sha.clone(),
            Script {
                body: body.clone(),
                flags,
                func,
            },
        );
        Ok(sha)
    }

    /// SCRIPT FLUSH: forgets every cached script and starts a fresh EVAL interpreter, as
    /// Redis's `scriptingReset` (library settings a script changed are back to defaults).
    pub fn flush_scripts(&mut self) {
        self.scripts.clear();
        self.scripts_mem = 0;
        self.eval = State::new();
    }

    pub fn script(&self, sha: &str) -> Option<(Function, u32)> {
        self.scripts.get(sha).map(|s| (s.func.clone(), s.flags))
    }

    pub fn is_running(&self) -> bool {
        self.run.is_some()
    }

    pub fn is_timed_out(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.timed_out)
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

/// Parses a `#!lua flags=...` shebang (Redis's `evalExtractShebangFlags`). Returns the flags
/// and the shebang's length (the newline is kept so line numbers hold).
pub fn parse_shebang(body: &[u8]) -> Result<(u32, usize), Vec<u8>> {
    if !body.starts_with(b"#!") {
        return Ok((flags::EVAL_COMPAT, 0));
    }
    // Redis finds the line's end with strchr: a NUL before the first newline ends the search.
    let Some(end) = memchr::memchr2(b'\n', 0, body).filter(|&e| body[e] == b'\n') else {
        return Err(b"ERR Invalid script shebang".to_vec());
    };
    let mut parts = body[..end]
        .split(|c| c.is_ascii_whitespace())
        .filter(|p| !p.is_empty());
    let Some(engine) = parts.next() else {
        return Err(b"ERR Invalid engine in script shebang".to_vec());
    };
    // The offending part as sent (not necessarily UTF-8; the line has no NUL).
    let err = |text: &[u8], part: &[u8]| [text, part].concat();
    if engine != b"#!lua" {
        return Err(err(b"ERR Unexpected engine in script shebang: ", engine));
    }
    let mut f = 0;
    for p in parts {
        let Some(list) = p.strip_prefix(b"flags=") else {
            return Err(err(b"ERR Unknown lua shebang option: ", p));
        };
        f |= parse_flag_list(list.split(|&c| c == b','))
            .map_err(|bad| err(b"ERR Unexpected flag in script shebang: ", bad))?;
    }
    Ok((f, end))
}

/// Flags by name; the first unknown name is the error. Empty names (`flags=`) are ignored
/// as Redis's sdssplitlen yields none for an empty string.
pub fn parse_flag_list<'a>(names: impl Iterator<Item = &'a [u8]>) -> Result<u32, &'a [u8]> {
    let mut f = 0;
    for n in names {
        if n.is_empty() {
            continue;
        }
        match flags::NAMES.iter().find(|(_, name)| name.as_bytes() == n) {
            Some((bit, _)) => f |= bit,
            None => return Err(n),
        }
    }
    Ok(f)
}

/// Lua's arguments to a command argv, as Redis's `luaArgsToRedisArgv`.
fn lua_args_to_argv(args: &MultiValue) -> Result<Vec<Bytes>, &'static str> {
    if args.is_empty() {
        return Err("Please specify at least one argument for this redis lib call");
    }
    let mut argv = Vec::with_capacity(args.len());
    for a in args.iter() {
        match a {
            Value::String(s) => argv.push(Bytes::copy_from_slice(&s.as_bytes())),
            Value::Number(n) => argv.push(Bytes::from(crate::protocol::reply::format_g(*n, 17))),
            Value::Integer(i) => argv.push(Bytes::from(i.to_string())),
            _ => return Err("Lua redis lib command arguments must be strings or integers"),
        }
    }
    Ok(argv)
}

/// An error table to return (value, raise = true).
fn raise(lua: &Lua, msg: &str) -> mlua::Result<(Value, bool)> {
    Ok((
        Value::Table(convert::error_table(lua, msg.as_bytes())?),
        true,
    ))
}

/// redis.call / redis.pcall: runs a command for the script (Redis's `scriptCall`).
fn script_call(lua: &Lua, args: MultiValue) -> mlua::Result<(Value, bool)> {
    let argv = match lua_args_to_argv(&args) {
        Ok(a) => a,
        Err(e) => return raise(lua, e),
    };
    drop(args);
    ldb::log_command(&argv);
    let res = with_server(|srv| -> mlua::Result<(Value, bool)> {
        let Some(run) = srv.scripting.run.as_ref() else {
            return raise(
                lua,
                "redis.call/pcall can only be called inside a script invocation",
            );
        };
        let base = cmd::lookup(&argv[0]);
        let cmd = match base {
            Some(c) if !c.subcommands.is_empty() && argv.len() >= 2 => c.subcommand(&argv[1]),
            other => other,
        };
        let Some(cmd) = cmd.filter(|c| c.arity_ok(argv.len())) else {
            let msg = if cmd.is_some() {
                "Wrong number of args calling Redis command from script"
            } else {
                "Unknown Redis command called from script"
            };
            return raise(lua, msg);
        };
        if cmd.has(cf::NOSCRIPT) {
            return raise(lua, "This Redis command is not allowed from script");
        }
        let (caller, read_only, write_dirty) = (run.caller, run.read_only, run.write_dirty);
        if let Err(e) = crate::acl::check_script(srv, caller, cmd, &argv) {
            return raise(lua, e);
        }
        if read_only && cmd.has(cf::WRITE | cf::MAY_REPLICATE) {
            return raise(
                lua,
                "Write commands are not allowed from read-only scripts.",
            );
        }
        if cmd.has(cf::WRITE) {
            if !write_dirty && crate::persist::snapshot::writes_denied(srv) {
                let e = format!("-{}", crate::persist::snapshot::MISCONF_ERROR);
                return raise(lua, &e);
            }
            if let Some(r) = srv.scripting.run.as_mut() {
                r.write_dirty = true;
            }
        }
        let Some(run) = srv.scripting.run.as_ref() else {
            return raise(
                lua,
                "redis.call/pcall can only be called inside a script invocation",
            );
        };
        let (cid, db, resp3, propagate) = (run.caller, run.db, run.resp3, run.propagate);
        let mut scratch = std::mem::take(&mut srv.scripting.scratch);
        scratch.buf.clear();
        scratch.resp3 = resp3;
        if let Some(c) = srv.clients.get_mut(cid) {
            c.db = db;
        }
        let mark = srv.propagation.pending_len();
        cmd::call(srv, &mut scratch, cid, &argv);
        if !propagate {
            srv.propagation.truncate_pending(mark);
        }
        if let (Some(c), Some(run)) = (srv.clients.get(cid), srv.scripting.run.as_mut()) {
            run.db = c.db;
        }
        let r = convert::reply_to_lua(lua, &scratch.buf);
        ldb::log_reply(&scratch.buf);
        if scratch.buf.capacity() > 1 << 20 {
            scratch.buf = Vec::new();
        }
        srv.scripting.scratch = scratch;
        r
    });
    match res {
        Some(r) => r,
        None => raise(
            lua,
            "redis.call/pcall can only be called inside a script invocation",
        ),
    }
}

fn log_level_ok(level: f64) -> Option<u8> {
    let l = level as i64;
    (0..=3).contains(&l).then_some(l as u8)
}

/// The `redis` API functions implemented in Rust, as fields of `rust` (api.lua wraps them).
fn register_api(lua: &Lua, rust: &Table) -> mlua::Result<()> {
    rust.set("call", lua.create_function(script_call)?)?;
    rust.set(
        "register_function",
        lua.create_function(functions::register_function)?,
    )?;
    rust.set(
        "setresp",
        lua.create_function(|lua, args: MultiValue| {
            let running = with_server(|srv| srv.scripting.run.is_some()).unwrap_or(false);
            if !running {
                return raise(
                    lua,
                    "redis.setresp can only be called inside a script invocation",
                );
            }
            if args.len() != 1 {
                return raise(lua, "redis.setresp() requires one argument.");
            }
            let resp = match &args[0] {
                Value::Number(n) => *n as i64,
                Value::Integer(i) => *i,
                Value::String(s) => s
                    .to_str()
                    .ok()
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .map_or(0, |n| n as i64),
                _ => 0,
            };
            if resp != 2 && resp != 3 {
                return raise(lua, "RESP version must be 2 or 3.");
            }
            with_server(|srv| {
                if let Some(r) = srv.scripting.run.as_mut() {
                    r.resp3 = resp == 3;
                }
            });
            Ok((Value::Nil, false))
        })?,
    )?;
    rust.set(
        "set_repl",
        lua.create_function(|lua, args: MultiValue| {
            let running = with_server(|srv| srv.scripting.run.is_some()).unwrap_or(false);
            if !running {
                return raise(
                    lua,
                    "redis.set_repl can only be called inside a script invocation",
                );
            }
            if args.len() != 1 {
                return raise(lua, "redis.set_repl() requires two arguments.");
            }
            let flags = match &args[0] {
                Value::Number(n) => *n as i64,
                Value::Integer(i) => *i,
                _ => 0,
            };
            if flags & !3 != 0 {
                return raise(
                    lua,
                    "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
                );
            }
            with_server(|srv| {
                if let Some(r) = srv.scripting.run.as_mut() {
                    r.propagate = flags != 0;
                }
            });
            Ok((Value::Nil, false))
        })?,
    )?;
    rust.set(
        "log",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() < 2 {
                return raise(lua, "redis.log() requires two arguments or more.");
            }
            let level = match &args[0] {
                Value::Number(n) => Some(*n),
                Value::Integer(i) => Some(*i as f64),
                Value::String(s) => s.to_str().ok().and_then(|s| s.trim().parse().ok()),
                _ => None,
            };
            let Some(level) = level else {
                return raise(lua, "First argument must be a number (log level).");
            };
            let Some(level) = log_level_ok(level) else {
                return raise(lua, "Invalid debug level.");
            };
            let mut msg = Vec::new();
            for (i, a) in args.iter().skip(1).enumerate() {
                let s: Option<Vec<u8>> = match a {
                    Value::String(s) => Some(s.as_bytes().to_vec()),
                    Value::Number(n) => Some(format_lua_number(*n).into_bytes()),
                    Value::Integer(n) => Some(n.to_string().into_bytes()),
                    _ => None,
                };
                if let Some(s) = s {
                    if i != 0 {
                        msg.push(b' ');
                    }
                    msg.extend_from_slice(&s);
                }
            }
            let text = String::from_utf8_lossy(&msg);
            match level {
                0 => tracing::debug!("{text}"),
                1 => tracing::debug!("{text}"),
                2 => tracing::info!("{text}"),
                _ => tracing::warn!("{text}"),
            }
            Ok((Value::Nil, false))
        })?,
    )?;
    rust.set(
        "sha1hex",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() != 1 {
                return raise(lua, "wrong number of arguments");
            }
            let data: Vec<u8> = match &args[0] {
                Value::String(s) => s.as_bytes().to_vec(),
                Value::Number(n) => format_lua_number(*n).into_bytes(),
                Value::Integer(n) => n.to_string().into_bytes(),
                _ => Vec::new(),
            };
            Ok((Value::String(lua.create_string(sha1hex(&data))?), false))
        })?,
    )?;
    rust.set(
        "error_reply",
        lua.create_function(|lua, args: MultiValue| {
            let (1, Some(Value::String(s))) = (args.len(), args.front()) else {
                // Returned, not raised (Redis's luaRedisReturnSingleFieldTable).
                let e = convert::error_table(lua, b"wrong number or type of arguments")?;
                return Ok((Value::Table(e), false));
            };
            let s = s.as_bytes();
            let text = if s.starts_with(b"-") {
                s.to_vec()
            } else {
                let mut v = b"-".to_vec();
                v.extend_from_slice(&s);
                v
            };
            Ok((Value::Table(convert::error_table(lua, &text)?), false))
        })?,
    )?;
    rust.set(
        "status_reply",
        lua.create_function(|lua, args: MultiValue| {
            let (1, Some(Value::String(s))) = (args.len(), args.front()) else {
                // Returned, not raised (Redis's luaRedisReturnSingleFieldTable).
                let e = convert::error_table(lua, b"wrong number or type of arguments")?;
                return Ok((Value::Table(e), false));
            };
            let t = lua.create_table()?;
            t.raw_set("ok", s.clone())?;
            Ok((Value::Table(t), false))
        })?,
    )?;
    rust.set(
        "acl_check_cmd",
        lua.create_function(|lua, args: MultiValue| {
            let running = with_server(|srv| srv.scripting.run.is_some()).unwrap_or(false);
            if !running {
                return raise(
                    lua,
                    "redis.acl_check_cmd can only be called inside a script invocation",
                );
            }
            let argv = match lua_args_to_argv(&args) {
                Ok(a) => a,
                Err(e) => return raise(lua, e),
            };
            let base = cmd::lookup(&argv[0]);
            let cmd = match base {
                Some(c) if !c.subcommands.is_empty() && argv.len() >= 2 => c.subcommand(&argv[1]),
                other => other,
            };
            let Some(cmd) = cmd.filter(|c| c.arity_ok(argv.len())) else {
                return raise(lua, "Invalid command passed to redis.acl_check_cmd()");
            };
            // The caller's user decides (Redis checks `original_client->user`).
            let ok = with_server(|srv| {
                let caller = srv.scripting.run.as_ref().map(|r| r.caller);
                caller.is_none_or(|cid| crate::acl::allowed(srv, cid, cmd, &argv))
            })
            .unwrap_or(true);
            Ok((Value::Boolean(ok), false))
        })?,
    )?;
    rust.set("version", crate::VERSION)?;
    rust.set("version_num", version_num())?;
    Ok(())
}

/// Lua's own number formatting (`%.14g`), as `tostring` prints numbers.
pub fn format_lua_number(n: f64) -> String {
    if n.is_infinite() {
        return if n > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if n.is_nan() {
        return "nan".into();
    }
    crate::protocol::reply::format_g(n, 14)
}

fn version_num() -> f64 {
    let mut parts = crate::VERSION
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (a, b, c) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    ((a << 16) | (b << 8) | c) as f64
}

/// The count hook (Redis's `luaMaskCountHook` + `scriptInterrupt`): past busy-reply-threshold
/// the script is flagged timed out and the loop is polled so other clients get -BUSY and
/// SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE can be served; a killed script stops here.
fn interrupt(srv: &mut Server) -> mlua::Result<VmState> {
    let Some(run) = srv.scripting.run.as_ref() else {
        return Ok(VmState::Continue);
    };
    if !run.timed_out {
        let threshold = srv
            .config
            .get("busy-reply-threshold")
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(5000);
        if threshold == 0 || (run.started.elapsed().as_millis() as u64) < threshold {
            return Ok(VmState::Continue);
        }
        let (name, eval) = (run.name.clone(), run.eval);
        tracing::warn!(
            "Slow script detected: still in execution after {} milliseconds. You can try killing the script using the {} command. Script name is: {}.",
            run.started.elapsed().as_millis(),
            if eval { "SCRIPT KILL" } else { "FUNCTION KILL" },
            name
        );
        if let Some(r) = srv.scripting.run.as_mut() {
            r.timed_out = true;
        }
    }
    srv.poll_while_busy();
    let stop = srv.scripting.run.as_ref().is_some_and(|r| r.killed) || srv.shutdown.is_some();
    if stop {
        if srv.shutdown.is_none() {
            tracing::warn!("Lua script killed by user with SCRIPT KILL.");
        }
        return Err(mlua::Error::RuntimeError(
            "Script killed by user with SCRIPT KILL...".into(),
        ));
    }
    Ok(VmState::Continue)
}

/// How a script is invoked.
pub struct Invocation<'a> {
    pub func: Function,
    /// SHA1 (EVAL) or function name (FCALL).
    pub name: String,
    pub eval: bool,
    /// EVAL_RO / EVALSHA_RO / FCALL_RO.
    pub ro: bool,
    pub flags: u32,
    pub keys: &'a [Bytes],
    pub args: &'a [Bytes],
    /// The caller's argv, kept for FUNCTION STATS (empty for EVAL).
    pub command: Vec<Bytes>,
}

/// Runs a script for client `cid` and writes its reply to `out` (Redis's
/// `scriptPrepareForRun` + `luaCallFunction` + `scriptResetRun`).
pub fn run_script(srv: &mut Server, out: &mut Reply, cid: usize, db: usize, inv: Invocation) {
    let f = inv.flags;
    if f & flags::EVAL_COMPAT == 0 && f & flags::NO_WRITES == 0 {
        if crate::persist::snapshot::writes_denied(srv) {
            cmd::reply_error(srv, out, b"MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Writable scripts are blocked. Use 'no-writes' flag for read only scripts.");
            return;
        }
        if inv.ro {
            cmd::reply_error(
                srv,
                out,
                b"ERR Can not execute a script with write flag using *_ro command.",
            );
            return;
        }
    }
    let read_only = inv.ro || (f & flags::EVAL_COMPAT == 0 && f & flags::NO_WRITES != 0);
    let state = if inv.eval {
        &srv.scripting.eval
    } else {
        &srv.scripting.func
    };
    let lua = state.lua.clone();
    let runner = if inv.eval && ldb::is_active() {
        state.run_eval_debug.clone()
    } else if inv.eval {
        state.run_eval.clone()
    } else {
        state.runner.clone()
    };
    let make_array = |items: &[Bytes]| -> mlua::Result<Table> {
        let t = lua.create_table_with_capacity(items.len(), 0)?;
        for (i, a) in items.iter().enumerate() {
            t.raw_set(i + 1, lua.create_string(a)?)?;
        }
        Ok(t)
    };
    let (keys, args) = match (make_array(inv.keys), make_array(inv.args)) {
        (Ok(k), Ok(a)) => (k, a),
        _ => {
            cmd::reply_error(srv, out, b"ERR Lua out of memory");
            return;
        }
    };
    srv.scripting.run = Some(Run {
        caller: cid,
        name: inv.name,
        eval: inv.eval,
        read_only,
        write_dirty: false,
        killed: false,
        timed_out: false,
        started: Instant::now(),
        resp3: false,
        db,
        propagate: true,
        command: inv.command,
    });
    // The caller's state that commands run from the script may change.
    let (saved_flags, saved_last) = match srv.clients.get_mut(cid) {
        Some(c) => {
            let saved = (c.flags, c.last_cmd);
            c.flags &=
                !(client_flag::REPLY_OFF | client_flag::REPLY_SKIP | client_flag::REPLY_SKIP_NEXT);
            saved
        }
        None => (0, "eval"),
    };
    srv.exec_depth += 1;
    let prev = SERVER.with(|c| c.replace(srv as *mut Server));
    let result = runner.call::<(bool, Value)>((inv.func, keys, args));
    SERVER.with(|c| c.set(prev));
    srv.exec_depth -= 1;
    if let Some(c) = srv.clients.get_mut(cid) {
        let reply_bits =
            client_flag::REPLY_OFF | client_flag::REPLY_SKIP | client_flag::REPLY_SKIP_NEXT;
        c.flags = (c.flags & !reply_bits) | (saved_flags & reply_bits);
        c.last_cmd = saved_last;
        c.db = db;
    }
    let Some(run) = srv.scripting.run.take() else {
        return;
    };
    if run.timed_out {
        tracing::warn!("Slow script finished.");
    }
    match result {
        Ok((true, v)) => convert::lua_to_reply(&v, out, run.resp3, 0),
        Ok((false, Value::Table(t))) => {
            let msg: Vec<u8> = if run.killed {
                b"ERR Script killed by user with SCRIPT KILL...".to_vec()
            } else {
                match t.raw_get::<Value>("err") {
                    Ok(Value::String(s)) => s.as_bytes().to_vec(),
                    Ok(Value::Number(n)) => format_lua_number(n).into_bytes(),
                    Ok(Value::Integer(n)) => n.to_string().into_bytes(),
                    _ => b"(null)".to_vec(),
                }
            };
            let mut text = msg;
            let source = t.raw_get::<Value>("source").ok();
            let line = t.raw_get::<Value>("line").ok();
            if let (Some(Value::String(src)), Some(line)) = (source, line) {
                let line = match line {
                    Value::Number(n) => Some(format_lua_number(n)),
                    Value::Integer(n) => Some(n.to_string()),
                    Value::String(s) => Some(s.to_string_lossy()),
                    _ => None,
                };
                if let Some(line) = line {
                    text.extend_from_slice(b" script: ");
                    text.extend_from_slice(run.name.as_bytes());
                    text.extend_from_slice(b", on ");
                    text.extend_from_slice(&src.as_bytes());
                    text.push(b':');
                    text.extend_from_slice(line.as_bytes());
                    text.push(b'.');
                }
            }
            let trimmed = convert_trim(&text);
            cmd::reply_error(srv, out, trimmed);
        }
        Ok((false, other)) => {
            let msg = match &other {
                Value::String(s) => s.to_string_lossy(),
                _ => "execution failure".into(),
            };
            let msg: String = msg.chars().take(100).collect();
            let text = format!("ERR Error running script {}, {msg}", run.name);
            cmd::reply_error(srv, out, text.as_bytes());
        }
        Err(e) => {
            let msg: String = e.to_string().chars().take(100).collect();
            let text = format!("ERR Error running script {}, {msg}", run.name);
            cmd::reply_error(srv, out, text.as_bytes());
        }
    }
}

fn convert_trim(s: &[u8]) -> &[u8] {
    let mut end = s.len();
    while end > 0 && (s[end - 1] == b'\r' || s[end - 1] == b'\n') {
        end -= 1;
    }
    &s[..end]
}

impl Server {
    /// While a script is past busy-reply-threshold: handles whatever completions are ready
    /// without waiting (other clients get -BUSY or their SCRIPT KILL, FUNCTION KILL,
    /// SHUTDOWN NOSAVE run), then sends the replies. The script's caller executes nothing
    /// meanwhile (its input waits), and the script's pending propagation is kept aside.
    pub fn poll_while_busy(&mut self) {
        let depth = std::mem::replace(&mut self.exec_depth, 0);
        let pending = self.propagation.take_pending();
        let mut completions = Vec::new();
        if self
            .ring
            .submit_and_wait(Some(std::time::Duration::ZERO), &mut completions)
            .is_ok()
        {
            crate::keyspace::clock::update();
            self.ready.extend(completions);
        }
        self.handle_ready();
        self.flush_pending();
        self.propagation.restore_pending(pending);
        self.exec_depth = depth;
    }
}
