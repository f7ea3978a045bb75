//! Redis Functions (functions.c, function_lua.c): the libraries loaded with FUNCTION LOAD and
//! the functions they registered, in the engine's one Lua state.
//!
//! Invariants: every function belongs to exactly one library, and function names are unique
//! across libraries. A library's code runs once, at load, in an environment whose `redis`
//! also has `register_function`; what it registers is collected in `LOADING` and linked only
//! if the whole load succeeds (nothing changes on error).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use mlua::{Function, Lua, MultiValue, Value};

use super::{Engine, flags};

/// A registered function.
#[derive(Clone)]
pub struct FunctionDef {
    pub name: String,
    pub desc: Option<Vec<u8>>,
    pub flags: u32,
    pub func: Function,
    pub library: String,
}

/// A loaded library: its name, its full code (shebang included) and its functions' names in
/// registration order.
#[derive(Clone)]
pub struct Library {
    pub name: String,
    pub code: Bytes,
    pub functions: Vec<String>,
}

#[derive(Default, Clone)]
pub struct Functions {
    /// In load order.
    pub libraries: Vec<Library>,
    pub functions: HashMap<String, FunctionDef>,
}

/// FUNCTION RESTORE's policy for libraries already loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Flush,
    Append,
    Replace,
}

thread_local! {
    /// The functions registered by the library being loaded (`Some` only during FUNCTION LOAD).
    static LOADING: RefCell<Option<Vec<FunctionDef>>> = const { RefCell::new(None) };
}

thread_local! {
    /// When the library being loaded started running (FUNCTION LOAD's 500 ms limit).
    static LOAD_STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
    static LOAD_TIMED_OUT: Cell<bool> = const { Cell::new(false) };
}

/// Redis's LOAD_TIMEOUT_MS: a library's code must finish registering within this.
const LOAD_TIMEOUT: Duration = Duration::from_millis(500);

/// For the engine's count hook: true (once flagged) when the library being loaded ran past
/// the limit, so the hook raises `FUNCTION LOAD timeout`.
pub fn load_timed_out() -> bool {
    let late = LOAD_STARTED.with(|s| s.get().is_some_and(|t| t.elapsed() > LOAD_TIMEOUT));
    if late {
        LOAD_TIMED_OUT.with(|f| f.set(true));
    }
    late
}

const BAD_NAME: &str = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

fn lua_string(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::String(s) => Some(s.as_bytes().to_vec()),
        Value::Number(n) => Some(super::format_lua_number(*n).into_bytes()),
        Value::Integer(n) => Some(n.to_string().into_bytes()),
        _ => None,
    }
}

/// redis.register_function(name, callback) / redis.register_function{function_name=...,
/// callback=..., flags={...}, description=...}: (value, raise) as api.lua expects.
pub fn register_function(lua: &Lua, args: MultiValue) -> mlua::Result<(Value, bool)> {
    let loading = LOADING.with(|l| l.borrow().is_some());
    if !loading {
        return super::raise(
            lua,
            "redis.register_function can only be called on FUNCTION LOAD command",
        );
    }
    let parsed = match args.len() {
        1 => named_args(&args[0]),
        2 => {
            let name = lua_string(&args[0]);
            match (name, &args[1]) {
                (None, _) => Err("first argument to redis.register_function must be a string"),
                (Some(_), v) if !matches!(v, Value::Function(_)) => {
                    Err("second argument to redis.register_function must be a function")
                }
                (Some(n), Value::Function(f)) => Ok((n, None, 0, f.clone())),
                _ => Err("second argument to redis.register_function must be a function"),
            }
        }
        _ => Err("wrong number of arguments to redis.register_function"),
    };
    let (name, desc, f_flags, func) = match parsed {
        Ok(p) => p,
        Err(e) => return super::raise(lua, e),
    };
    let name = String::from_utf8_lossy(&name).into_owned();
    if !valid_name(&name) {
        return super::raise(lua, BAD_NAME);
    }
    let dup = LOADING.with(|l| {
        l.borrow()
            .as_ref()
            .is_some_and(|v| v.iter().any(|f| f.name == name))
    });
    if dup {
        return super::raise(lua, "Function already exists in the library");
    }
    LOADING.with(|l| {
        if let Some(v) = l.borrow_mut().as_mut() {
            v.push(FunctionDef {
                name,
                desc,
                flags: f_flags,
                func,
                library: String::new(),
            });
        }
    });
    Ok((Value::Nil, false))
}

type Parsed = (Vec<u8>, Option<Vec<u8>>, u32, Function);

fn named_args(v: &Value) -> Result<Parsed, &'static str> {
    let Value::Table(t) = v else {
        return Err(
            "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).",
        );
    };
    let (mut name, mut desc, mut f_flags, mut func) = (None, None, 0, None);
    for pair in t.pairs::<Value, Value>() {
        let Ok((k, v)) = pair else {
            return Err("named argument key given to redis.register_function is not a string");
        };
        let Some(key) = lua_string(&k) else {
            return Err("named argument key given to redis.register_function is not a string");
        };
        let key = String::from_utf8_lossy(&key).to_ascii_lowercase();
        match key.as_str() {
            "function_name" => {
                name = Some(lua_string(&v).ok_or(
                    "function_name argument given to redis.register_function must be a string",
                )?)
            }
            "description" => {
                desc = Some(lua_string(&v).ok_or(
                    "description argument given to redis.register_function must be a string",
                )?)
            }
            "callback" => match v {
                Value::Function(f) => func = Some(f),
                _ => {
                    return Err(
                        "callback argument given to redis.register_function must be a function",
                    );
                }
            },
            "flags" => {
                let Value::Table(ft) = v else {
                    return Err(
                        "flags argument to redis.register_function must be a table representing function flags",
                    );
                };
                for fv in ft.pairs::<Value, Value>() {
                    let Ok((_, fv)) = fv else {
                        return Err("unknown flag given");
                    };
                    let Value::String(s) = fv else {
                        return Err("unknown flag given");
                    };
                    let s = s.to_string_lossy();
                    match flags::NAMES.iter().find(|(_, n)| *n == s) {
                        Some((bit, _)) => f_flags |= bit,
                        None => return Err("unknown flag given"),
                    }
                }
            }
            _ => return Err("unknown argument given to redis.register_function"),
        }
    }
    let name = name.ok_or("redis.register_function must get a function name argument")?;
    let func = func.ok_or("redis.register_function must get a callback argument")?;
    Ok((name, desc, f_flags, func))
}

/// Library metadata from the shebang (Redis's `functionExtractLibMetaData`): (engine, name,
/// offset of the code after the shebang line).
fn metadata(code: &[u8]) -> Result<(String, String, usize), String> {
    if !code.starts_with(b"#!") {
        return Err("Missing library metadata".into());
    }
    let Some(end) = memchr::memchr(b'\n', code) else {
        return Err("Invalid library metadata".into());
    };
    let line = String::from_utf8_lossy(&code[..end]).into_owned();
    let parts: Vec<&str> = line.split_ascii_whitespace().collect();
    let Some(first) = parts.first() else {
        return Err("Invalid library metadata".into());
    };
    let engine = first[2..].to_string();
    let mut name = None;
    for p in &parts[1..] {
        if p.len() >= 5 && p[..5].eq_ignore_ascii_case("name=") {
            if name.is_some() {
                return Err(
                    "Invalid metadata value, name argument was given multiple times".into(),
                );
            }
            name = Some(p[5..].to_string());
            continue;
        }
        return Err(format!("Invalid metadata value given: {p}"));
    }
    let name = name.ok_or_else(|| "Library name was not given".to_string())?;
    Ok((engine, name, end))
}

impl Engine {
    /// FUNCTION LOAD [REPLACE]: compiles and runs a library's code, links what it registered.
    /// Returns the library name, or the error text (without its `ERR ` code).
    pub fn load_library(&mut self, code: &Bytes, replace: bool) -> Result<String, String> {
        let (engine, name, shebang_end) = metadata(code)?;
        if !valid_name(&name) {
            return Err(BAD_NAME.into());
        }
        if !engine.eq_ignore_ascii_case("lua") {
            return Err(format!("Engine '{engine}' not found"));
        }
        let old = self.functions.libraries.iter().position(|l| l.name == name);
        if old.is_some() && !replace {
            return Err(format!("Library '{name}' already exists"));
        }
        let body = &code[shebang_end..];
        let f = self
            .func
            .lua
            .load(body)
            .set_name("@user_function")
            .set_mode(mlua::chunk::ChunkMode::Text)
            .into_function()
            .map_err(|e| match e {
                mlua::Error::SyntaxError { message, .. } => {
                    format!("Error compiling function: {message}")
                }
                other => format!("Error compiling function: {other}"),
            })?;
        let f = self
            .func
            .sandbox
            .call::<Function>((f, true))
            .map_err(|e| e.to_string())?;
        LOADING.with(|l| *l.borrow_mut() = Some(Vec::new()));
        LOAD_TIMED_OUT.with(|f| f.set(false));
        LOAD_STARTED.with(|s| s.set(Some(Instant::now())));
        let res = self.func.loader.call::<(bool, Value)>(f);
        LOAD_STARTED.with(|s| s.set(None));
        let registered = LOADING.with(|l| l.borrow_mut().take()).unwrap_or_default();
        if LOAD_TIMED_OUT.with(|f| f.replace(false)) {
            return Err("Error registering functions: ERR FUNCTION LOAD timeout".into());
        }
        match res {
            Ok((true, _)) => {}
            Ok((false, err)) => {
                let msg = match &err {
                    Value::Table(t) => match t.raw_get::<Value>("err") {
                        Ok(v) => lua_string(&v)
                            .map(|b| String::from_utf8_lossy(&b).into_owned())
                            .unwrap_or_default(),
                        Err(_) => String::new(),
                    },
                    other => format!(
                        "ERR {}",
                        lua_string(other)
                            .map(|b| String::from_utf8_lossy(&b).into_owned())
                            .unwrap_or_else(|| "(null)".into())
                    ),
                };
                return Err(format!("Error registering functions: {msg}"));
            }
            Err(e) => return Err(format!("Error registering functions: {e}")),
        }
        if registered.is_empty() {
            return Err("No functions registered".into());
        }
        for f in &registered {
            if let Some(existing) = self.functions.functions.get(&f.name)
                && existing.library != name
            {
                return Err(format!("Function {} already exists", f.name));
            }
        }
        if let Some(i) = old {
            self.unlink_library(i);
        }
        let mut lib = Library {
            name: name.clone(),
            code: code.clone(),
            functions: Vec::with_capacity(registered.len()),
        };
        for mut f in registered {
            f.library = name.clone();
            lib.functions.push(f.name.clone());
            self.functions.functions.insert(f.name.clone(), f);
        }
        self.functions.libraries.push(lib);
        Ok(name)
    }

    /// FUNCTION RESTORE (and libraries from an RDB file): loads every library of `codes`
    /// (all or nothing), then joins them with the loaded ones as `policy` says.
    pub fn restore_libraries(&mut self, codes: &[Bytes], policy: Policy) -> Result<(), String> {
        let backup = std::mem::take(&mut self.functions);
        for c in codes {
            if let Err(e) = self.load_library(c, false) {
                self.functions = backup;
                return Err(e);
            }
        }
        let new = std::mem::replace(&mut self.functions, backup);
        if policy == Policy::Flush {
            self.functions = new;
            return Ok(());
        }
        let backup = self.functions.clone();
        for lib in &new.libraries {
            if let Some(i) = self
                .functions
                .libraries
                .iter()
                .position(|l| l.name == lib.name)
            {
                if policy == Policy::Replace {
                    self.unlink_library(i);
                } else {
                    self.functions = backup;
                    return Err(format!("Library {} already exists", lib.name));
                }
            }
        }
        for lib in &new.libraries {
            for f in &lib.functions {
                if self.functions.functions.contains_key(f) {
                    self.functions = backup;
                    return Err(format!("Function {f} already exists"));
                }
            }
        }
        let Functions {
            libraries,
            functions,
        } = new;
        self.functions.libraries.extend(libraries);
        self.functions.functions.extend(functions);
        Ok(())
    }

    fn unlink_library(&mut self, i: usize) {
        let lib = self.functions.libraries.remove(i);
        for f in &lib.functions {
            self.functions.functions.remove(f);
        }
    }

    /// FUNCTION DELETE: false if no such library.
    pub fn delete_library(&mut self, name: &[u8]) -> bool {
        match self
            .functions
            .libraries
            .iter()
            .position(|l| l.name.as_bytes() == name)
        {
            Some(i) => {
                self.unlink_library(i);
                true
            }
            None => false,
        }
    }

    /// FUNCTION FLUSH.
    pub fn flush_functions(&mut self) {
        self.functions = Functions::default();
        let _ = self.func.lua.gc_collect();
    }

    pub fn function(&self, name: &[u8]) -> Option<(Function, u32, String)> {
        let name = std::str::from_utf8(name).ok()?;
        self.functions
            .functions
            .get(name)
            .map(|f| (f.func.clone(), f.flags, f.name.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_errors() {
        assert_eq!(
            metadata(b"return 1").unwrap_err(),
            "Missing library metadata"
        );
        assert_eq!(
            metadata(b"#!lua name=x").unwrap_err(),
            "Invalid library metadata"
        );
        assert_eq!(
            metadata(b"#!lua\n").unwrap_err(),
            "Library name was not given"
        );
        assert_eq!(
            metadata(b"#!lua foo=bar\n").unwrap_err(),
            "Invalid metadata value given: foo=bar"
        );
        assert_eq!(
            metadata(b"#!lua name=a name=b\n").unwrap_err(),
            "Invalid metadata value, name argument was given multiple times"
        );
        let (e, n, end) = metadata(b"#!LUA NAME=lib\nbody").unwrap();
        assert_eq!((e.as_str(), n.as_str(), end), ("LUA", "lib", 14));
    }
}
