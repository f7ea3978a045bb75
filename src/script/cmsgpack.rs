//! `cmsgpack` as Redis embeds it (lua-cmsgpack 0.4.0): `pack(...)`, `unpack(s)`,
//! `unpack_one(s, [offset])`, `unpack_limit(s, limit, [offset])`, with its encoding choices
//! (integers in the smallest form, doubles as float32 when exact, tables as arrays only when
//! keys are exactly 1..n, nesting past 16 levels packed as nil) and error texts.

use mlua::{Lua, MultiValue, Table, Value};

use super::libs::{fail, ok};

const MAX_NESTING: usize = 16;

fn pack_int(n: i64, out: &mut Vec<u8>) {
    if n >= 0 {
        if n <= 127 {
            out.push(n as u8);
        } else if n <= 0xff {
            out.extend_from_slice(&[0xcc, n as u8]);
        } else if n <= 0xffff {
            out.push(0xcd);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            out.push(0xce);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            out.push(0xcf);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    } else if n >= -32 {
        out.push(n as i8 as u8);
    } else if n >= -128 {
        out.extend_from_slice(&[0xd0, n as i8 as u8]);
    } else if n >= -32768 {
        out.push(0xd1);
        out.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= -2147483648 {
        out.push(0xd2);
        out.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn pack_number(n: f64, out: &mut Vec<u8>) {
    if !n.is_infinite() && !n.is_nan() && (n as i64) as f64 == n {
        pack_int(n as i64, out);
    } else {
        let f = n as f32;
        if f as f64 == n {
            out.push(0xca);
            out.extend_from_slice(&f.to_be_bytes());
        } else {
            out.push(0xcb);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

fn pack_len(len: usize, fix: u8, fix_max: usize, b16: u8, b32: u8, out: &mut Vec<u8>) {
    if len <= fix_max {
        out.push(fix | len as u8);
    } else if len <= 0xffff {
        out.push(b16);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(b32);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

fn pack_value(v: &Value, depth: usize, out: &mut Vec<u8>) {
    match v {
        Value::Nil => out.push(0xc0),
        Value::Boolean(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Integer(i) => pack_int(*i, out),
        Value::Number(n) => pack_number(*n, out),
        Value::String(s) => {
            let s = s.as_bytes();
            let len = s.len();
            if len < 32 {
                out.push(0xa0 | len as u8);
            } else if len <= 0xff {
                out.extend_from_slice(&[0xd9, len as u8]);
            } else if len <= 0xffff {
                out.push(0xda);
                out.extend_from_slice(&(len as u16).to_be_bytes());
            } else {
                out.push(0xdb);
                out.extend_from_slice(&(len as u32).to_be_bytes());
            }
            out.extend_from_slice(&s);
        }
        Value::Table(t) if depth < MAX_NESTING => {
            let pairs: Vec<(Value, Value)> =
                t.pairs::<Value, Value>().filter_map(|r| r.ok()).collect();
            let mut max = 0f64;
            let mut is_array = true;
            for (k, _) in &pairs {
                let n = match k {
                    Value::Number(n) => *n,
                    Value::Integer(i) => *i as f64,
                    _ => {
                        is_array = false;
                        break;
                    }
                };
                if n.floor() == n && n >= 1.0 && n <= i32::MAX as f64 {
                    max = max.max(n);
                } else {
                    is_array = false;
                    break;
                }
            }
            if is_array && max as usize == pairs.len() {
                pack_len(pairs.len(), 0x90, 15, 0xdc, 0xdd, out);
                for i in 1..=pairs.len() {
                    let e: Value = t.raw_get(i).unwrap_or(Value::Nil);
                    pack_value(&e, depth + 1, out);
                }
            } else {
                pack_len(pairs.len(), 0x80, 15, 0xde, 0xdf, out);
                for (k, v) in &pairs {
                    pack_value(k, depth + 1, out);
                    pack_value(v, depth + 1, out);
                }
            }
        }
        _ => out.push(0xc0),
    }
}

enum DecodeError {
    Missing,
    Bad,
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        if self.s.len() - self.pos < n {
            return Err(DecodeError::Missing);
        }
        let r = &self.s[self.pos..self.pos + n];
        self.pos += n;
        Ok(r)
    }

    fn be(&mut self, n: usize) -> Result<u64, DecodeError> {
        Ok(self.take(n)?.iter().fold(0u64, |a, &b| (a << 8) | b as u64))
    }
}

fn decode(lua: &Lua, c: &mut Cursor) -> Result<Value, DecodeError> {
    let t = c.be(1)? as u8;
    let str_of = |lua: &Lua, c: &mut Cursor, n: usize| -> Result<Value, DecodeError> {
        let b = c.take(n)?;
        lua.create_string(b)
            .map(Value::String)
            .map_err(|_| DecodeError::Bad)
    };
    Ok(match t {
        0x00..=0x7f => Value::Number(t as f64),
        0xe0..=0xff => Value::Number(t as i8 as f64),
        0xa0..=0xbf => str_of(lua, c, (t & 0x1f) as usize)?,
        0x90..=0x9f => array(lua, c, (t & 0x0f) as usize)?,
        0x80..=0x8f => map(lua, c, (t & 0x0f) as usize)?,
        0xc0 => Value::Nil,
        0xc2 => Value::Boolean(false),
        0xc3 => Value::Boolean(true),
        0xcc => Value::Number(c.be(1)? as f64),
        0xcd => Value::Number(c.be(2)? as f64),
        0xce => Value::Number(c.be(4)? as f64),
        0xcf => Value::Number(c.be(8)? as f64),
        0xd0 => Value::Number(c.be(1)? as u8 as i8 as f64),
        0xd1 => Value::Number(c.be(2)? as u16 as i16 as f64),
        0xd2 => Value::Number(c.be(4)? as u32 as i32 as f64),
        0xd3 => Value::Number(c.be(8)? as i64 as f64),
        0xca => Value::Number(f32::from_bits(c.be(4)? as u32) as f64),
        0xcb => Value::Number(f64::from_bits(c.be(8)?)),
        0xc4 | 0xd9 => {
            let n = c.be(1)? as usize;
            str_of(lua, c, n)?
        }
        0xc5 | 0xda => {
            let n = c.be(2)? as usize;
            str_of(lua, c, n)?
        }
        0xc6 | 0xdb => {
            let n = c.be(4)? as usize;
            str_of(lua, c, n)?
        }
        0xdc => {
            let n = c.be(2)? as usize;
            array(lua, c, n)?
        }
        0xdd => {
            let n = c.be(4)? as usize;
            array(lua, c, n)?
        }
        0xde => {
            let n = c.be(2)? as usize;
            map(lua, c, n)?
        }
        0xdf => {
            let n = c.be(4)? as usize;
            map(lua, c, n)?
        }
        _ => return Err(DecodeError::Bad),
    })
}

fn array(lua: &Lua, c: &mut Cursor, n: usize) -> Result<Value, DecodeError> {
    // Each element takes at least one byte: a count beyond the input is missing data.
    if n > c.s.len() - c.pos {
        return Err(DecodeError::Missing);
    }
    let t = lua.create_table().map_err(|_| DecodeError::Bad)?;
    for i in 1..=n {
        let v = decode(lua, c)?;
        t.raw_set(i, v).map_err(|_| DecodeError::Bad)?;
    }
    Ok(Value::Table(t))
}

fn map(lua: &Lua, c: &mut Cursor, n: usize) -> Result<Value, DecodeError> {
    if n.saturating_mul(2) > c.s.len() - c.pos {
        return Err(DecodeError::Missing);
    }
    let t = lua.create_table().map_err(|_| DecodeError::Bad)?;
    for _ in 0..n {
        let k = decode(lua, c)?;
        let v = decode(lua, c)?;
        if !k.is_nil() {
            t.raw_set(k, v).map_err(|_| DecodeError::Bad)?;
        }
    }
    Ok(Value::Table(t))
}

fn error_text(e: DecodeError) -> &'static str {
    match e {
        DecodeError::Missing => "Missing bytes in input.",
        DecodeError::Bad => "Bad data format in input.",
    }
}

fn string_arg(args: &MultiValue, i: usize) -> Option<Vec<u8>> {
    match args.get(i) {
        Some(Value::String(s)) => Some(s.as_bytes().to_vec()),
        Some(Value::Number(n)) => Some(super::format_lua_number(*n).into_bytes()),
        _ => None,
    }
}

fn int_arg(args: &MultiValue, i: usize) -> Option<i64> {
    match args.get(i) {
        None | Some(Value::Nil) => Some(0),
        Some(Value::Number(n)) => Some(*n as i64),
        Some(Value::Integer(n)) => Some(*n),
        _ => None,
    }
}

/// lua-cmsgpack's `mp_unpack_full`: with limit and offset both 0 every object is decoded and
/// returned; otherwise up to `limit` objects from `offset`, preceded by the next offset (-1
/// once the input is consumed).
fn unpack_full(lua: &Lua, s: &[u8], limit: i64, offset: i64) -> Result<Vec<Value>, String> {
    let decode_all = limit == 0 && offset == 0;
    if offset < 0 || limit < 0 {
        // (Redis's text prints the input length where it says limit.)
        return Err(format!(
            "Invalid request to unpack with offset of {offset} and limit of {}.",
            s.len()
        ));
    }
    if offset as usize > s.len() {
        return Err(format!(
            "Start offset {offset} greater than input length {}.",
            s.len()
        ));
    }
    let limit = if decode_all { i64::MAX } else { limit };
    let mut c = Cursor {
        s,
        pos: offset as usize,
    };
    let mut vals = Vec::new();
    while c.pos < s.len() && (vals.len() as i64) < limit {
        let v = decode(lua, &mut c).map_err(|e| error_text(e).to_string())?;
        vals.push(v);
    }
    if !decode_all {
        let next = if c.pos >= s.len() { -1 } else { c.pos as i64 };
        vals.insert(0, Value::Number(next as f64));
    }
    Ok(vals)
}

pub fn lib(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.set(
        "pack",
        lua.create_function(|lua, args: MultiValue| {
            if args.is_empty() {
                return fail(
                    lua,
                    "bad argument #0 to 'pack' (MessagePack pack needs input.)",
                );
            }
            let mut out = Vec::new();
            for a in args.iter() {
                pack_value(a, 0, &mut out);
            }
            ok(vec![Value::String(lua.create_string(&out)?)])
        })?,
    )?;
    t.set(
        "unpack",
        lua.create_function(|lua, args: MultiValue| {
            let Some(s) = string_arg(&args, 0) else {
                return fail(
                    lua,
                    "bad argument #1 to 'unpack' (string expected, got no value)",
                );
            };
            match unpack_full(lua, &s, 0, 0) {
                Ok(vals) => ok(vals),
                Err(e) => fail(lua, &e),
            }
        })?,
    )?;
    let limited = |name: &'static str, one: bool| {
        move |lua: &Lua, args: MultiValue| -> mlua::Result<MultiValue> {
            let Some(s) = string_arg(&args, 0) else {
                return fail(
                    lua,
                    &format!("bad argument #1 to '{name}' (string expected, got no value)"),
                );
            };
            let (limit, offset) = if one {
                (Some(1), int_arg(&args, 1))
            } else {
                (int_arg(&args, 1), int_arg(&args, 2))
            };
            let (Some(limit), Some(offset)) = (limit, offset) else {
                return fail(
                    lua,
                    &format!("bad argument #2 to '{name}' (number expected)"),
                );
            };
            match unpack_full(lua, &s, limit, offset) {
                Ok(vals) => ok(vals),
                Err(e) => fail(lua, &e),
            }
        }
    };
    t.set(
        "unpack_one",
        lua.create_function(limited("unpack_one", true))?,
    )?;
    t.set(
        "unpack_limit",
        lua.create_function(limited("unpack_limit", false))?,
    )?;
    t.set("_NAME", "cmsgpack")?;
    t.set("_VERSION", "lua-cmsgpack 0.4.0")?;
    t.set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    t.set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    Ok(t)
}
