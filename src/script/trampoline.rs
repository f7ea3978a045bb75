//! The scripting engine's raw Lua C API functions: two that give Rust-implemented script
//! functions Redis's error behaviour, and the switch of Redis's read-only tables.
//!
//! The first two: A Lua wrapper would be tail-called by `return redis.call(...)` and replace the
//! script's frame, losing the line Redis reports; a C function never replaces the caller's
//! frame, and it can raise any Lua value (Redis raises error *tables* from redis.call).
//!
//! - `make_raising(f)` returns a C closure over `f`: `f(...)` must return `(value, raise)`;
//!   with `raise` true, `value` is raised as the error (Redis's `luaError`), else returned.
//! - `make_checked(f)` returns a C closure over `f`: `f(...)` must return `(true, n, v1..vn)`
//!   or `(false, message)`; the message is raised with the caller's position, as `luaL_error`.
//! - `set_readonly(t, on)` / `is_readonly(t)`: Redis's `lua_enablereadonlytable` /
//!   `lua_isreadonlytable` (the patched Lua in vendor/lua-src). Only api.lua holds them.

use std::os::raw::c_int;

use mlua::ffi;

unsafe extern "C-unwind" fn raising(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua with a valid state; the closure was created with one upvalue (the
    // target function). No Rust value with a destructor is live when `lua_error` unwinds.
    unsafe {
        let n = ffi::lua_gettop(l);
        ffi::lua_pushvalue(l, ffi::lua_upvalueindex(1));
        ffi::lua_insert(l, 1);
        ffi::lua_call(l, n, 2);
        let raise = ffi::lua_toboolean(l, -1) != 0;
        ffi::lua_pop(l, 1);
        if raise {
            ffi::lua_error(l);
        }
        1
    }
}

unsafe extern "C-unwind" fn checked(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: as in `raising`.
    unsafe {
        let n = ffi::lua_gettop(l);
        ffi::lua_pushvalue(l, ffi::lua_upvalueindex(1));
        ffi::lua_insert(l, 1);
        ffi::lua_call(l, n, ffi::LUA_MULTRET);
        if ffi::lua_toboolean(l, 1) == 0 {
            ffi::lua_settop(l, 2);
            ffi::luaL_where(l, 1);
            ffi::lua_insert(l, 2);
            ffi::lua_concat(l, 2);
            ffi::lua_error(l);
        }
        let count = ffi::lua_tointeger(l, 2) as c_int;
        ffi::lua_remove(l, 1);
        ffi::lua_remove(l, 1);
        count.min(ffi::lua_gettop(l))
    }
}

unsafe extern "C-unwind" fn make_raising(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua with the target function as the first argument.
    unsafe {
        ffi::lua_settop(l, 1);
        ffi::lua_pushcclosure(l, raising, 1);
        1
    }
}

unsafe extern "C-unwind" fn make_checked(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: as in `make_raising`.
    unsafe {
        ffi::lua_settop(l, 1);
        ffi::lua_pushcclosure(l, checked, 1);
        1
    }
}

unsafe extern "C" {
    fn lua_enablereadonlytable(l: *mut ffi::lua_State, index: c_int, enabled: c_int);
    fn lua_isreadonlytable(l: *mut ffi::lua_State, index: c_int) -> c_int;
}

unsafe extern "C-unwind" fn set_readonly(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: called by Lua with a valid state; the table check keeps the unchecked C API
    // call to tables (the registry is never passed: api.lua cannot reach it).
    unsafe {
        if ffi::lua_type(l, 1) == ffi::LUA_TTABLE {
            lua_enablereadonlytable(l, 1, ffi::lua_toboolean(l, 2));
        }
        0
    }
}

unsafe extern "C-unwind" fn is_readonly(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: as in `set_readonly`.
    unsafe {
        let ro = ffi::lua_type(l, 1) == ffi::LUA_TTABLE && lua_isreadonlytable(l, 1) != 0;
        ffi::lua_pushboolean(l, c_int::from(ro));
        1
    }
}

/// Registers the functions above as fields of `rust`.
pub fn register(lua: &mlua::Lua, rust: &mlua::Table) -> mlua::Result<()> {
    // SAFETY: the functions follow the Lua C API protocol (see each one).
    unsafe {
        rust.set("make_raising", lua.create_c_function(make_raising)?)?;
        rust.set("make_checked", lua.create_c_function(make_checked)?)?;
        rust.set("set_readonly", lua.create_c_function(set_readonly)?)?;
        rust.set("is_readonly", lua.create_c_function(is_readonly)?)?;
    }
    Ok(())
}
