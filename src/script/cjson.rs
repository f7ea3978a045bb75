//! `cjson` as Redis embeds it (lua-cjson 2.1.0 with its default settings): `encode`,
//! `decode`, `null`, `_NAME`, `_VERSION`, with lua-cjson's number formatting (`%.14g`), array
//! detection (sparse arrays refused past ratio 2 / safe 10), escapes, nesting limit (1000) and
//! error texts (`Expected value but found T_END at character 1`, ...). The settings functions
//! (`encode_max_depth`, `new`, ...) are not offered.

use mlua::{LightUserData, Lua, MultiValue, Table, Value};

const MAX_DEPTH: usize = 1000;

/// `cjson.null`: a NULL light userdata, as lua-cjson's.
pub fn null() -> Value {
    Value::LightUserData(LightUserData(std::ptr::null_mut()))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Nil => "nil",
        Value::Boolean(_) => "boolean",
        Value::Number(_) | Value::Integer(_) => "number",
        Value::String(_) => "string",
        Value::Table(_) => "table",
        Value::Function(_) => "function",
        Value::Thread(_) => "thread",
        Value::LightUserData(_) | Value::UserData(_) => "userdata",
        _ => "userdata",
    }
}

fn exception(v: &Value, reason: &str) -> String {
    format!("Cannot serialise {}: {reason}", type_name(v))
}

fn encode_number(n: f64, out: &mut Vec<u8>, v: &Value) -> Result<(), String> {
    if !n.is_finite() {
        return Err(exception(v, "must not be NaN or Inf"));
    }
    out.extend_from_slice(crate::protocol::reply::format_g(n, 14).as_bytes());
    Ok(())
}

fn encode_string(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &c in s {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'/' => out.extend_from_slice(b"\\/"),
            8 => out.extend_from_slice(b"\\b"),
            9 => out.extend_from_slice(b"\\t"),
            10 => out.extend_from_slice(b"\\n"),
            12 => out.extend_from_slice(b"\\f"),
            13 => out.extend_from_slice(b"\\r"),
            0..=31 | 127 => {
                out.extend_from_slice(format!("\\u{c:04x}").as_bytes());
            }
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

/// lua-cjson's `lua_array_length`: Some(max) for an array (0 = empty table), None for an
/// object; an error for an excessively sparse array.
fn array_length(t: &Table, tv: &Value) -> Result<Option<usize>, String> {
    let mut max = 0f64;
    let mut items = 0f64;
    for pair in t.pairs::<Value, Value>() {
        let (k, _) = pair.map_err(|e| e.to_string())?;
        match number_of(&k) {
            Some(n) if n != 0.0 && n.floor() == n && n >= 1.0 => {
                if n > max {
                    max = n;
                }
                items += 1.0;
            }
            _ => return Ok(None),
        }
    }
    if max > items * 2.0 && max > 10.0 {
        return Err(exception(tv, "excessively sparse array"));
    }
    Ok(Some(max as usize))
}

fn encode_value(v: &Value, depth: usize, out: &mut Vec<u8>) -> Result<(), String> {
    match v {
        Value::String(s) => encode_string(&s.as_bytes(), out),
        Value::Number(_) | Value::Integer(_) => encode_number(number_of(v).unwrap_or(0.0), out, v)?,
        Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Nil => out.extend_from_slice(b"null"),
        Value::LightUserData(p) if p.0.is_null() => out.extend_from_slice(b"null"),
        Value::Table(t) => {
            let depth = depth + 1;
            if depth > MAX_DEPTH {
                return Err(format!("Cannot serialise, excessive nesting ({depth})"));
            }
            match array_length(t, v)? {
                Some(len) if len > 0 => {
                    out.push(b'[');
                    for i in 1..=len {
                        if i > 1 {
                            out.push(b',');
                        }
                        let e: Value = t.raw_get(i).map_err(|e| e.to_string())?;
                        encode_value(&e, depth, out)?;
                    }
                    out.push(b']');
                }
                _ => {
                    out.push(b'{');
                    let mut first = true;
                    for pair in t.pairs::<Value, Value>() {
                        let (k, val) = pair.map_err(|e| e.to_string())?;
                        if !first {
                            out.push(b',');
                        }
                        first = false;
                        match &k {
                            Value::String(s) => encode_string(&s.as_bytes(), out),
                            Value::Number(_) | Value::Integer(_) => {
                                out.push(b'"');
                                encode_number(number_of(&k).unwrap_or(0.0), out, &k)?;
                                out.push(b'"');
                            }
                            other => {
                                return Err(exception(
                                    other,
                                    "table key must be a number or string",
                                ));
                            }
                        }
                        out.push(b':');
                        encode_value(&val, depth, out)?;
                    }
                    out.push(b'}');
                }
            }
        }
        other => return Err(exception(other, "type not supported")),
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    Str,
    Num,
    Bool,
    Null,
    Colon,
    Comma,
    End,
    Error(&'static str),
}

impl Tok {
    fn name(self) -> &'static str {
        match self {
            Tok::ObjBegin => "T_OBJ_BEGIN",
            Tok::ObjEnd => "T_OBJ_END",
            Tok::ArrBegin => "T_ARR_BEGIN",
            Tok::ArrEnd => "T_ARR_END",
            Tok::Str => "T_STRING",
            Tok::Num => "T_NUMBER",
            Tok::Bool => "T_BOOLEAN",
            Tok::Null => "T_NULL",
            Tok::Colon => "T_COLON",
            Tok::Comma => "T_COMMA",
            Tok::End => "T_END",
            Tok::Error(s) => s,
        }
    }
}

struct Token {
    tok: Tok,
    index: usize,
    num: f64,
    boolean: bool,
    string: Vec<u8>,
}

struct Decoder<'a> {
    data: &'a [u8],
    pos: usize,
}

/// C's `strtod` on a prefix of `s`: the value and the bytes consumed (0 = no number).
pub fn strtod(s: &[u8]) -> (f64, usize) {
    let mut i = 0;
    let neg = match s.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let rest = &s[i..];
    let lower = |n: usize| -> Vec<u8> {
        rest.iter()
            .take(n)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let sign = if neg { -1.0 } else { 1.0 };
    if lower(8) == b"infinity" {
        return (sign * f64::INFINITY, i + 8);
    }
    if lower(3) == b"inf" {
        return (sign * f64::INFINITY, i + 3);
    }
    if lower(3) == b"nan" {
        return (f64::NAN, i + 3);
    }
    if lower(2) == b"0x" && rest.get(2).is_some_and(|c| c.is_ascii_hexdigit()) {
        let mut j = 2;
        let mut v = 0f64;
        while let Some(d) = rest.get(j).and_then(|c| (*c as char).to_digit(16)) {
            v = v * 16.0 + d as f64;
            j += 1;
        }
        return (sign * v, i + j);
    }
    let mut j = 0;
    let mut digits = 0;
    while rest.get(j).is_some_and(|c| c.is_ascii_digit()) {
        j += 1;
        digits += 1;
    }
    if rest.get(j) == Some(&b'.') {
        j += 1;
        while rest.get(j).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return (0.0, 0);
    }
    if matches!(rest.get(j), Some(b'e' | b'E')) {
        let mut k = j + 1;
        if matches!(rest.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        if rest.get(k).is_some_and(|c| c.is_ascii_digit()) {
            while rest.get(k).is_some_and(|c| c.is_ascii_digit()) {
                k += 1;
            }
            j = k;
        }
    }
    let text = std::str::from_utf8(&rest[..j]).unwrap_or("0");
    let text = text.strip_suffix('.').unwrap_or(text);
    let text = if text.starts_with('.') {
        format!("0{text}")
    } else {
        text.to_string()
    };
    let v: f64 = text.parse().unwrap_or(0.0);
    (sign * v, i + j)
}

fn push_utf8(out: &mut Vec<u8>, cp: u32) {
    if let Some(c) = char::from_u32(cp) {
        let mut b = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    } else {
        // Lone surrogates are encoded as lua-cjson does (3-byte form).
        out.push(0xE0 | (cp >> 12) as u8);
        out.push(0x80 | ((cp >> 6) & 0x3F) as u8);
        out.push(0x80 | (cp & 0x3F) as u8);
    }
}

fn hex4(s: &[u8]) -> Option<u32> {
    if s.len() < 4 {
        return None;
    }
    let mut v = 0;
    for &c in &s[..4] {
        v = v * 16 + (c as char).to_digit(16)?;
    }
    Some(v)
}

impl Decoder<'_> {
    fn at(&self, i: usize) -> u8 {
        // NUL ends the input, as lua-cjson's C string scanning does.
        self.data.get(i).copied().unwrap_or(0)
    }

    fn next(&mut self) -> Token {
        while matches!(self.at(self.pos), b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let index = self.pos;
        let mut t = Token {
            tok: Tok::End,
            index,
            num: 0.0,
            boolean: false,
            string: Vec::new(),
        };
        let ch = self.at(self.pos);
        let single = match ch {
            b'{' => Some(Tok::ObjBegin),
            b'}' => Some(Tok::ObjEnd),
            b'[' => Some(Tok::ArrBegin),
            b']' => Some(Tok::ArrEnd),
            b':' => Some(Tok::Colon),
            b',' => Some(Tok::Comma),
            0 => Some(Tok::End),
            _ => None,
        };
        if let Some(tok) = single {
            t.tok = tok;
            if tok != Tok::End {
                self.pos += 1;
            }
            return t;
        }
        let rest = &self.data[self.pos..];
        if ch == b'"' {
            self.string(&mut t);
        } else if ch == b'-' || ch.is_ascii_digit() {
            self.number(&mut t);
        } else if rest.starts_with(b"true") {
            t.tok = Tok::Bool;
            t.boolean = true;
            self.pos += 4;
        } else if rest.starts_with(b"false") {
            t.tok = Tok::Bool;
            self.pos += 5;
        } else if rest.starts_with(b"null") {
            t.tok = Tok::Null;
            self.pos += 4;
        } else if matches!(ch, b'i' | b'I' | b'n' | b'N') && strtod(rest).1 > 0 {
            self.number(&mut t);
        } else {
            t.tok = Tok::Error("invalid token");
        }
        t
    }

    fn number(&mut self, t: &mut Token) {
        let (v, n) = strtod(&self.data[self.pos..]);
        if n == 0 {
            t.tok = Tok::Error("invalid number");
            t.index = self.pos;
            return;
        }
        t.tok = Tok::Num;
        t.num = v;
        self.pos += n;
    }

    fn string(&mut self, t: &mut Token) {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let ch = self.at(self.pos);
            if self.pos >= self.data.len() || ch == 0 {
                t.tok = Tok::Error("unexpected end of string");
                t.index = self.pos;
                return;
            }
            if ch == b'"' {
                self.pos += 1;
                break;
            }
            if ch != b'\\' {
                out.push(ch);
                self.pos += 1;
                continue;
            }
            let esc = self.at(self.pos + 1);
            let simple = match esc {
                b'"' => Some(b'"'),
                b'\\' => Some(b'\\'),
                b'/' => Some(b'/'),
                b'b' => Some(8),
                b'f' => Some(12),
                b'n' => Some(b'\n'),
                b'r' => Some(b'\r'),
                b't' => Some(b'\t'),
                _ => None,
            };
            if let Some(c) = simple {
                out.push(c);
                self.pos += 2;
                continue;
            }
            if esc != b'u' {
                t.tok = Tok::Error("invalid escape code");
                t.index = self.pos;
                return;
            }
            let Some(mut cp) = hex4(&self.data[(self.pos + 2).min(self.data.len())..]) else {
                t.tok = Tok::Error("invalid unicode escape code");
                t.index = self.pos;
                return;
            };
            let mut used = 6;
            if (0xD800..0xDC00).contains(&cp) {
                let lo = &self.data[(self.pos + 6).min(self.data.len())..];
                match (
                    lo.starts_with(b"\\u"),
                    hex4(lo.get(2..).unwrap_or_default()),
                ) {
                    (true, Some(l)) if (0xDC00..0xE000).contains(&l) => {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (l - 0xDC00);
                        used = 12;
                    }
                    _ => {
                        t.tok = Tok::Error("invalid unicode escape code");
                        t.index = self.pos;
                        return;
                    }
                }
            } else if (0xDC00..0xE000).contains(&cp) {
                t.tok = Tok::Error("invalid unicode escape code");
                t.index = self.pos;
                return;
            }
            push_utf8(&mut out, cp);
            self.pos += used;
        }
        t.tok = Tok::Str;
        t.string = out;
    }
}

fn parse_error(expected: &str, t: &Token) -> String {
    format!(
        "Expected {expected} but found {} at character {}",
        t.tok.name(),
        t.index + 1
    )
}

fn process_value(lua: &Lua, d: &mut Decoder, t: Token, depth: usize) -> Result<Value, String> {
    let le = |e: mlua::Error| e.to_string();
    match t.tok {
        Tok::Str => Ok(Value::String(lua.create_string(&t.string).map_err(le)?)),
        Tok::Num => Ok(Value::Number(t.num)),
        Tok::Bool => Ok(Value::Boolean(t.boolean)),
        Tok::Null => Ok(null()),
        Tok::ObjBegin => {
            let depth = depth + 1;
            if depth > MAX_DEPTH {
                return Err(format!(
                    "Found too many nested data structures ({depth}) at character {}",
                    t.index + 1
                ));
            }
            let table = lua.create_table().map_err(le)?;
            let mut tok = d.next();
            if tok.tok == Tok::ObjEnd {
                return Ok(Value::Table(table));
            }
            loop {
                if tok.tok != Tok::Str {
                    return Err(parse_error("object key string", &tok));
                }
                let key = lua.create_string(&tok.string).map_err(le)?;
                let colon = d.next();
                if colon.tok != Tok::Colon {
                    return Err(parse_error("colon", &colon));
                }
                let vt = d.next();
                let v = process_value(lua, d, vt, depth)?;
                table.raw_set(key, v).map_err(le)?;
                let sep = d.next();
                if sep.tok == Tok::ObjEnd {
                    return Ok(Value::Table(table));
                }
                if sep.tok != Tok::Comma {
                    return Err(parse_error("comma or object end", &sep));
                }
                tok = d.next();
            }
        }
        Tok::ArrBegin => {
            let depth = depth + 1;
            if depth > MAX_DEPTH {
                return Err(format!(
                    "Found too many nested data structures ({depth}) at character {}",
                    t.index + 1
                ));
            }
            let table = lua.create_table().map_err(le)?;
            let mut tok = d.next();
            if tok.tok == Tok::ArrEnd {
                return Ok(Value::Table(table));
            }
            let mut i = 1;
            loop {
                let v = process_value(lua, d, tok, depth)?;
                table.raw_set(i, v).map_err(le)?;
                i += 1;
                let sep = d.next();
                if sep.tok == Tok::ArrEnd {
                    return Ok(Value::Table(table));
                }
                if sep.tok != Tok::Comma {
                    return Err(parse_error("comma or array end", &sep));
                }
                tok = d.next();
            }
        }
        _ => Err(parse_error("value", &t)),
    }
}

pub fn encode(v: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    encode_value(v, 0, &mut out)?;
    Ok(out)
}

pub fn decode(lua: &Lua, s: &[u8]) -> Result<Value, String> {
    let mut d = Decoder { data: s, pos: 0 };
    let t = d.next();
    let v = process_value(lua, &mut d, t, 0)?;
    let end = d.next();
    if end.tok != Tok::End {
        return Err(parse_error("the end", &end));
    }
    Ok(v)
}

/// The `cjson` table's functions for `libs::register` (results as `(true, n, ...)` /
/// `(false, message)`).
pub fn lib(lua: &Lua) -> mlua::Result<Table> {
    let t = lua.create_table()?;
    t.set(
        "encode",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() != 1 {
                return super::libs::fail(lua, "bad argument #1 to 'encode' (expected 1 argument)");
            }
            match encode(&args[0]) {
                Ok(s) => super::libs::ok(vec![Value::String(lua.create_string(&s)?)]),
                Err(e) => super::libs::fail(lua, &e),
            }
        })?,
    )?;
    t.set(
        "decode",
        lua.create_function(|lua, args: MultiValue| {
            let s = match args.front() {
                Some(Value::String(s)) if args.len() == 1 => s.as_bytes().to_vec(),
                Some(Value::Number(n)) if args.len() == 1 => {
                    super::format_lua_number(*n).into_bytes()
                }
                _ => {
                    return super::libs::fail(
                        lua,
                        "bad argument #1 to 'decode' (expected 1 argument)",
                    );
                }
            };
            match decode(lua, &s) {
                Ok(v) => super::libs::ok(vec![v]),
                Err(e) => super::libs::fail(lua, &e),
            }
        })?,
    )?;
    t.set("null", null())?;
    t.set("_NAME", "cjson")?;
    t.set("_VERSION", "2.1.0")?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtod_prefixes() {
        assert_eq!(strtod(b"12abc"), (12.0, 2));
        assert_eq!(strtod(b"-0x10"), (-16.0, 5));
        assert_eq!(strtod(b"1.5e3,"), (1500.0, 5));
        assert_eq!(strtod(b"1e"), (1.0, 1));
        assert_eq!(strtod(b"x").1, 0);
    }
}
