//! Libraries Redis embeds in its Lua state, implemented in Rust with Redis's behaviour:
//! `bit` (LuaBitOp), `cjson`, `cmsgpack` and `struct` (their own modules), and the deterministic `math.random` (Redis's rand48). Each function
//! returns `(true, n, values...)` or `(false, message)`; api.lua turns the latter into a
//! Lua error at the script's line, as `luaL_error` would.

use std::cell::Cell;

use mlua::{Lua, MultiValue, Table, Value};

type Ret = mlua::Result<MultiValue>;

pub(super) fn ok(vals: Vec<Value>) -> Ret {
    let mut m = MultiValue::with_capacity(vals.len() + 2);
    m.push_back(Value::Boolean(true));
    m.push_back(Value::Integer(vals.len() as _));
    m.extend(vals);
    Ok(m)
}

pub(super) fn fail(lua: &Lua, msg: &str) -> Ret {
    let mut m = MultiValue::new();
    m.push_back(Value::Boolean(false));
    m.push_back(Value::String(lua.create_string(msg)?));
    Ok(m)
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Integer(i) => Some(*i as f64),
        Value::String(s) => {
            let s = s.to_str().ok()?;
            let t = s.trim();
            if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                u64::from_str_radix(h, 16).ok().map(|v| v as f64)
            } else {
                t.parse().ok()
            }
        }
        _ => None,
    }
}

fn type_name(v: Option<&Value>) -> &'static str {
    match v {
        None | Some(Value::Nil) => "no value",
        Some(Value::Boolean(_)) => "boolean",
        Some(Value::Number(_)) | Some(Value::Integer(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Table(_)) => "table",
        Some(Value::Function(_)) => "function",
        Some(_) => "userdata",
    }
}

/// `luaL_checknumber`'s error text.
fn bad_arg(lua: &Lua, i: usize, fname: &str, v: Option<&Value>) -> Ret {
    fail(
        lua,
        &format!(
            "bad argument #{i} to '{fname}' (number expected, got {})",
            type_name(v)
        ),
    )
}

/// LuaBitOp's normalisation of a number to a 32-bit integer (round to nearest even, wrap).
fn tobit(n: f64) -> i32 {
    let r = n.round_ties_even();
    if !r.is_finite() {
        return 0;
    }
    r.rem_euclid(4294967296.0) as u64 as u32 as i32
}

fn int_ret(v: i32) -> Ret {
    ok(vec![Value::Number(v as f64)])
}

fn bit_lib(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    macro_rules! unary {
        ($name:literal, $f:expr) => {
            t.set(
                $name,
                lua.create_function(|lua, args: MultiValue| {
                    let Some(n) = args.front().and_then(number) else {
                        return bad_arg(lua, 1, $name, args.front());
                    };
                    let f: fn(i32) -> i32 = $f;
                    int_ret(f(tobit(n)))
                })?,
            )?;
        };
    }
    macro_rules! fold {
        ($name:literal, $f:expr) => {
            t.set(
                $name,
                lua.create_function(|lua, args: MultiValue| {
                    let Some(mut acc) = args.front().and_then(number).map(tobit) else {
                        return bad_arg(lua, 1, $name, args.front());
                    };
                    let f: fn(i32, i32) -> i32 = $f;
                    for (i, a) in args.iter().enumerate().skip(1) {
                        let Some(n) = number(a) else {
                            return bad_arg(lua, i + 1, $name, Some(a));
                        };
                        acc = f(acc, tobit(n));
                    }
                    int_ret(acc)
                })?,
            )?;
        };
    }
    macro_rules! shift {
        ($name:literal, $f:expr) => {
            t.set(
                $name,
                lua.create_function(|lua, args: MultiValue| {
                    let Some(x) = args.front().and_then(number) else {
                        return bad_arg(lua, 1, $name, args.front());
                    };
                    let Some(n) = args.get(1).and_then(number) else {
                        return bad_arg(lua, 2, $name, args.get(1));
                    };
                    let f: fn(u32, u32) -> u32 = $f;
                    int_ret(f(tobit(x) as u32, (tobit(n) as u32) & 31) as i32)
                })?,
            )?;
        };
    }
    unary!("tobit", |x| x);
    unary!("bnot", |x| !x);
    unary!("bswap", |x| x.swap_bytes());
    fold!("band", |a, b| a & b);
    fold!("bor", |a, b| a | b);
    fold!("bxor", |a, b| a ^ b);
    shift!("lshift", |x, n| x << n);
    shift!("rshift", |x, n| x >> n);
    shift!("arshift", |x, n| ((x as i32) >> n) as u32);
    shift!("rol", |x, n| x.rotate_left(n));
    shift!("ror", |x, n| x.rotate_right(n));
    t.set(
        "tohex",
        lua.create_function(|lua, args: MultiValue| {
            let Some(x) = args.front().and_then(number) else {
                return bad_arg(lua, 1, "tohex", args.front());
            };
            let mut n = match args.get(1) {
                None | Some(Value::Nil) => 8,
                Some(v) => match number(v) {
                    Some(n) => tobit(n),
                    None => return bad_arg(lua, 2, "tohex", Some(v)),
                },
            };
            let upper = n < 0;
            if upper {
                n = n.wrapping_neg();
            }
            let n = n.clamp(0, 8) as usize;
            let s = if upper {
                format!("{:08X}", tobit(x) as u32)
            } else {
                format!("{:08x}", tobit(x) as u32)
            };
            let s = &s[8 - n..];
            ok(vec![Value::String(lua.create_string(s)?)])
        })?,
    )?;
    Ok(t)
}

thread_local! {
    /// Redis's rand48 state (rand.c), initial value as Redis's.
    static RAND48: Cell<u64> = const { Cell::new(0x1234_ABCD_330E) };
}

/// Redis's `redisLrand48`: the 48-bit linear congruential generator's top 31 bits.
fn lrand48() -> i32 {
    RAND48.with(|x| {
        let next = (x.get().wrapping_mul(0x5_DEEC_E66D).wrapping_add(0xB)) & ((1 << 48) - 1);
        x.set(next);
        (next >> 17) as i32
    })
}

fn srand48(seed: i32) {
    RAND48.with(|x| x.set((((seed as u32) as u64) << 16) | 0x330E));
}

/// `luaL_checkint`: a number, truncated toward zero as C's cast.
fn check_int(lua: &Lua, args: &MultiValue, i: usize, fname: &str) -> Result<i32, Ret> {
    match args.get(i).and_then(number) {
        Some(n) => Ok(n as i64 as i32),
        None => Err(bad_arg(lua, i + 1, fname, args.get(i))),
    }
}

fn random_fns(lua: &Lua, rust: &Table) -> mlua::Result<()> {
    rust.set(
        "random",
        lua.create_function(|lua, args: MultiValue| {
            const MAX: i32 = i32::MAX;
            let r = (lrand48() % MAX) as f64 / MAX as f64;
            match args.len() {
                0 => ok(vec![Value::Number(r)]),
                1 => {
                    let u = match check_int(lua, &args, 0, "random") {
                        Ok(u) => u,
                        Err(e) => return e,
                    };
                    if u < 1 {
                        return fail(lua, "bad argument #1 to 'random' (interval is empty)");
                    }
                    ok(vec![Value::Number((r * u as f64).floor() + 1.0)])
                }
                2 => {
                    let l = match check_int(lua, &args, 0, "random") {
                        Ok(u) => u,
                        Err(e) => return e,
                    };
                    let u = match check_int(lua, &args, 1, "random") {
                        Ok(u) => u,
                        Err(e) => return e,
                    };
                    if l > u {
                        return fail(lua, "bad argument #2 to 'random' (interval is empty)");
                    }
                    ok(vec![Value::Number(
                        (r * (u as f64 - l as f64 + 1.0)).floor() + l as f64,
                    )])
                }
                _ => fail(lua, "wrong number of arguments"),
            }
        })?,
    )?;
    rust.set(
        "randomseed",
        lua.create_function(|lua, args: MultiValue| {
            let s = match check_int(lua, &args, 0, "randomseed") {
                Ok(u) => u,
                Err(e) => return e,
            };
            srand48(s);
            ok(vec![])
        })?,
    )?;
    Ok(())
}

/// Registers the libraries as fields of `rust` (api.lua installs them as globals).
pub fn register(lua: &Lua, rust: &Table) -> mlua::Result<()> {
    rust.set("bit", bit_lib(lua)?)?;
    rust.set("cjson", super::cjson::lib(lua)?)?;
    rust.set(
        "cjson_new",
        lua.create_function(|lua, ()| super::cjson::lib(lua))?,
    )?;
    rust.set("cmsgpack", super::cmsgpack::lib(lua)?)?;
    rust.set("struct", super::lstruct::lib(lua)?)?;
    random_fns(lua, rust)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_normalisation() {
        assert_eq!(tobit(4294967295.0), -1);
        assert_eq!(tobit(2147483648.0), i32::MIN);
        assert_eq!(tobit(-1.0), -1);
        assert_eq!(tobit(1.5), 2);
        assert_eq!(tobit(2.5), 2);
    }
}
