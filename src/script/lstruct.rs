//! `struct` as Redis embeds it (Roberto Ierusalimschy's lua_struct): `pack(fmt, ...)`,
//! `unpack(fmt, s, [pos])` and `size(fmt)`, with its formats (`<` `>` `!` endianness and
//! alignment, `b B h H l L T i I[n] f d s c[n] x`), native defaults of a 64-bit
//! little-endian build, and error texts.

use mlua::{Lua, MultiValue, Table, Value};

use super::libs::{fail, ok};

const MAXINTSIZE: usize = 32;
const MAXALIGN: usize = 8;

struct Header {
    little: bool,
    align: usize,
}

struct Fmt<'a> {
    f: &'a [u8],
    pos: usize,
}

impl Fmt<'_> {
    fn num(&mut self, default: usize) -> usize {
        if !self.f.get(self.pos).is_some_and(|c| c.is_ascii_digit()) {
            return default;
        }
        let mut a: usize = 0;
        while let Some(c) = self.f.get(self.pos).filter(|c| c.is_ascii_digit()) {
            a = a.saturating_mul(10).saturating_add((c - b'0') as usize);
            self.pos += 1;
        }
        a
    }
}

/// One option: its size (0 for `s`, `c0`), or an error text. Header options return None.
fn option_size(
    fmt: &mut Fmt,
    h: &mut Header,
    opt: u8,
    fname: &str,
) -> Result<Option<usize>, String> {
    Ok(Some(match opt {
        b'B' | b'b' => 1,
        b'H' | b'h' => 2,
        b'L' | b'l' | b'T' => 8,
        b'f' => 4,
        b'd' => 8,
        b'x' => 1,
        b'c' => fmt.num(1),
        b'i' | b'I' => {
            let sz = fmt.num(4);
            if sz > MAXINTSIZE {
                return Err(format!(
                    "integral size {sz} is larger than limit of {MAXINTSIZE}"
                ));
            }
            sz
        }
        b's' => 0,
        b' ' => return Ok(None),
        b'>' => {
            h.little = false;
            return Ok(None);
        }
        b'<' | b'=' => {
            h.little = true;
            return Ok(None);
        }
        b'!' => {
            h.align = fmt.num(MAXALIGN);
            return Ok(None);
        }
        other => {
            return Err(format!(
                "bad argument #1 to '{fname}' (invalid format option '{}')",
                other as char
            ));
        }
    }))
}

fn to_align(len: usize, h: &Header, opt: u8, size: usize) -> Result<usize, String> {
    if size == 0 || opt == b'c' {
        return Ok(0);
    }
    let size = size.min(h.align);
    if size & (size - 1) != 0 {
        return Err(format!("alignment {size} is not a power of 2"));
    }
    Ok((size - (len & (size - 1))) & (size - 1))
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => Some(*n),
        Value::Integer(i) => Some(*i as f64),
        Value::String(s) => s.to_str().ok()?.trim().parse().ok(),
        _ => None,
    }
}

fn bytes(v: Option<&Value>) -> Option<Vec<u8>> {
    match v? {
        Value::String(s) => Some(s.as_bytes().to_vec()),
        Value::Number(n) => Some(super::format_lua_number(*n).into_bytes()),
        Value::Integer(n) => Some(n.to_string().into_bytes()),
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
        _ => "userdata",
    }
}

/// In `pack` a missing argument reads as nil (lua_struct pushes a nil mark above them).
fn pack_type_name(v: Option<&Value>) -> &'static str {
    match v {
        None => "nil",
        v => type_name(v),
    }
}

fn put_int(out: &mut Vec<u8>, v: u64, little: bool, size: usize) {
    let mut buf = vec![0u8; size];
    let mut x = v;
    for b in buf.iter_mut().take(size.min(8)) {
        *b = x as u8;
        x >>= 8;
    }
    // Sign extension past 8 bytes, as lua_struct's loop does for negative values.
    if size > 8 && (v as i64) < 0 {
        for b in buf.iter_mut().skip(8) {
            *b = 0xff;
        }
    }
    if !little {
        buf.reverse();
    }
    out.extend_from_slice(&buf);
}

fn pack(args: &MultiValue) -> Result<Vec<u8>, String> {
    let Some(f) = bytes(args.front()) else {
        return Err(format!(
            "bad argument #1 to 'pack' (string expected, got {})",
            type_name(args.front())
        ));
    };
    let mut fmt = Fmt { f: &f, pos: 0 };
    let mut h = Header {
        little: true,
        align: 1,
    };
    let mut out = Vec::new();
    let mut arg = 1;
    while fmt.pos < f.len() {
        let opt = f[fmt.pos];
        fmt.pos += 1;
        let Some(size) = option_size(&mut fmt, &mut h, opt, "pack")? else {
            continue;
        };
        let pad = to_align(out.len(), &h, opt, size)?;
        out.extend(std::iter::repeat_n(0u8, pad));
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let Some(n) = number(args.get(arg)) else {
                    return Err(format!(
                        "bad argument #{} to 'pack' (number expected, got {})",
                        arg + 1,
                        pack_type_name(args.get(arg))
                    ));
                };
                arg += 1;
                let v = if n < 0.0 { n as i64 as u64 } else { n as u64 };
                put_int(&mut out, v, h.little, size);
            }
            b'x' => out.push(0),
            b'f' => {
                let Some(n) = number(args.get(arg)) else {
                    return Err(format!(
                        "bad argument #{} to 'pack' (number expected, got {})",
                        arg + 1,
                        pack_type_name(args.get(arg))
                    ));
                };
                arg += 1;
                let b = (n as f32).to_bits();
                put_int(&mut out, b as u64, h.little, 4);
            }
            b'd' => {
                let Some(n) = number(args.get(arg)) else {
                    return Err(format!(
                        "bad argument #{} to 'pack' (number expected, got {})",
                        arg + 1,
                        pack_type_name(args.get(arg))
                    ));
                };
                arg += 1;
                put_int(&mut out, n.to_bits(), h.little, 8);
            }
            b'c' | b's' => {
                let Some(s) = bytes(args.get(arg)) else {
                    return Err(format!(
                        "bad argument #{} to 'pack' (string expected, got {})",
                        arg + 1,
                        pack_type_name(args.get(arg))
                    ));
                };
                let mut size = size;
                if size == 0 {
                    size = s.len();
                }
                if s.len() < size {
                    return Err(format!(
                        "bad argument #{} to 'pack' (string too short)",
                        arg + 2
                    ));
                }
                arg += 1;
                out.extend_from_slice(&s[..size]);
                if opt == b's' {
                    out.push(0);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn get_int(b: &[u8], little: bool, signed: bool) -> f64 {
    let mut v: u64 = 0;
    let n = b.len();
    for i in 0..n {
        let byte = if little { b[n - 1 - i] } else { b[i] };
        v = (v << 8) | byte as u64;
    }
    if signed && n > 0 && n <= 8 {
        let shift = 64 - 8 * n as u32;
        return ((v << shift) as i64 >> shift) as f64;
    }
    v as f64
}

fn unpack(lua: &Lua, args: &MultiValue) -> Result<Vec<Value>, String> {
    let Some(f) = bytes(args.front()) else {
        return Err(format!(
            "bad argument #1 to 'unpack' (string expected, got {})",
            type_name(args.front())
        ));
    };
    let Some(data) = bytes(args.get(1)) else {
        return Err(format!(
            "bad argument #2 to 'unpack' (string expected, got {})",
            type_name(args.get(1))
        ));
    };
    let init = match args.get(2) {
        None | Some(Value::Nil) => 1.0,
        v => match number(v) {
            Some(n) => n,
            None => {
                return Err(format!(
                    "bad argument #3 to 'unpack' (number expected, got {})",
                    type_name(v)
                ));
            }
        },
    };
    let mut pos = (init as i64 - 1).max(0) as usize;
    if pos > data.len() {
        return Err("bad argument #3 to 'unpack' (offset must be 1 or greater)".into());
    }
    let mut fmt = Fmt { f: &f, pos: 0 };
    let mut h = Header {
        little: true,
        align: 1,
    };
    let le = |e: mlua::Error| e.to_string();
    let mut out: Vec<Value> = Vec::new();
    let short = || "bad argument #2 to 'unpack' (data string too short)".to_string();
    while fmt.pos < f.len() {
        let opt = f[fmt.pos];
        fmt.pos += 1;
        let Some(size) = option_size(&mut fmt, &mut h, opt, "unpack")? else {
            continue;
        };
        pos += to_align(pos, &h, opt, size)?;
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                if pos + size > data.len() {
                    return Err(short());
                }
                let signed = opt.is_ascii_lowercase();
                out.push(Value::Number(get_int(
                    &data[pos..pos + size],
                    h.little,
                    signed,
                )));
            }
            b'x' => {}
            b'f' => {
                if pos + 4 > data.len() {
                    return Err(short());
                }
                let bits = get_int(&data[pos..pos + 4], h.little, false) as u32;
                out.push(Value::Number(f32::from_bits(bits) as f64));
            }
            b'd' => {
                if pos + 8 > data.len() {
                    return Err(short());
                }
                let mut b = [0u8; 8];
                b.copy_from_slice(&data[pos..pos + 8]);
                let bits = if h.little {
                    u64::from_le_bytes(b)
                } else {
                    u64::from_be_bytes(b)
                };
                out.push(Value::Number(f64::from_bits(bits)));
            }
            b'c' => {
                let mut size = size;
                if size == 0 {
                    let Some(Value::Number(n)) = out.pop() else {
                        return Err("format 'c0' needs a previous size".into());
                    };
                    size = n as usize;
                    if pos + size > data.len() {
                        return Err(short());
                    }
                } else if pos + size > data.len() {
                    return Err(short());
                }
                out.push(Value::String(
                    lua.create_string(&data[pos..pos + size]).map_err(le)?,
                ));
                pos += size;
                continue;
            }
            b's' => {
                let Some(e) = memchr::memchr(0, &data[pos..]) else {
                    return Err("unfinished string in data".into());
                };
                out.push(Value::String(
                    lua.create_string(&data[pos..pos + e]).map_err(le)?,
                ));
                pos += e + 1;
                continue;
            }
            _ => {}
        }
        pos += size;
    }
    out.push(Value::Number((pos + 1) as f64));
    Ok(out)
}

fn size(args: &MultiValue) -> Result<usize, String> {
    let Some(f) = bytes(args.front()) else {
        return Err(format!(
            "bad argument #1 to 'size' (string expected, got {})",
            type_name(args.front())
        ));
    };
    let mut fmt = Fmt { f: &f, pos: 0 };
    let mut h = Header {
        little: true,
        align: 1,
    };
    let mut pos = 0;
    while fmt.pos < f.len() {
        let opt = f[fmt.pos];
        fmt.pos += 1;
        let Some(size) = option_size(&mut fmt, &mut h, opt, "size")? else {
            continue;
        };
        pos += to_align(pos, &h, opt, size)?;
        if opt == b's' {
            return Err("bad argument #1 to 'size' (option 's' has no fixed size)".into());
        }
        if opt == b'c' && size == 0 {
            return Err("bad argument #1 to 'size' (option 'c0' has no fixed size)".into());
        }
        pos += size;
    }
    Ok(pos)
}

pub fn lib(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.set(
        "pack",
        lua.create_function(|lua, args: MultiValue| match pack(&args) {
            Ok(b) => ok(vec![Value::String(lua.create_string(&b)?)]),
            Err(e) => fail(lua, &e),
        })?,
    )?;
    t.set(
        "unpack",
        lua.create_function(|lua, args: MultiValue| match unpack(lua, &args) {
            Ok(v) => ok(v),
            Err(e) => fail(lua, &e),
        })?,
    )?;
    t.set(
        "size",
        lua.create_function(|lua, args: MultiValue| match size(&args) {
            Ok(n) => ok(vec![Value::Number(n as f64)]),
            Err(e) => fail(lua, &e),
        })?,
    )?;
    Ok(t)
}
