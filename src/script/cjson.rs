//! `cjson` as Redis embeds it (lua-cjson 2.1.0): `encode`, `decode`, `null`, `_NAME`,
//! `_VERSION`, with lua-cjson's number formatting (`%.14g`), array detection (sparse arrays
//! refused past ratio 2 / safe 10), escapes, nesting limits (1000) and error texts (`Expected
//! value but found T_END at character 1`, ...), and its settings functions
//! (`encode_sparse_array`, `encode_max_depth`, `decode_max_depth`, `encode_number_precision`,
//! `encode_keep_buffer`, `encode_invalid_numbers`, `decode_invalid_numbers`, `new`).
//!
//! Each `cjson` table owns one `Config` (lua-cjson's config userdata upvalue): as in Redis, a
//! setting changed by one script stays for later scripts of the same Lua state, and `new()`
//! returns a table with its own defaults.

use std::cell::Cell;
use std::rc::Rc;

use mlua::{LightUserData, Lua, MultiValue, Table, Value};

/// lua-cjson's `json_config_t` settings (the parser tables are constants here).
#[derive(Debug, Clone, Copy)]
pub struct Config {
    sparse_convert: bool,
    sparse_ratio: i32,
    sparse_safe: i32,
    encode_max_depth: i32,
    decode_max_depth: i32,
    /// 0 = off (error), 1 = on (`inf`/`nan`), 2 = `null`.
    encode_invalid_numbers: u8,
    decode_invalid_numbers: bool,
    /// Only a memory-reuse switch in lua-cjson; kept so the setting reads back.
    encode_keep_buffer: bool,
    encode_number_precision: i32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            sparse_convert: false,
            sparse_ratio: 2,
            sparse_safe: 10,
            encode_max_depth: 1000,
            decode_max_depth: 1000,
            encode_invalid_numbers: 0,
            decode_invalid_numbers: true,
            encode_keep_buffer: true,
            encode_number_precision: 14,
        }
    }
}

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

fn encode_number(cfg: &Config, n: f64, out: &mut Vec<u8>, v: &Value) -> Result<(), String> {
    if !n.is_finite() {
        let text: &[u8] = match cfg.encode_invalid_numbers {
            0 => return Err(exception(v, "must not be NaN or Inf")),
            1 if n.is_nan() => b"nan",
            1 if n > 0.0 => b"inf",
            1 => b"-inf",
            _ => b"null",
        };
        out.extend_from_slice(text);
        return Ok(());
    }
    let precision = cfg.encode_number_precision as usize;
    out.extend_from_slice(crate::protocol::reply::format_g(n, precision).as_bytes());
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
fn array_length(cfg: &Config, t: &Table, tv: &Value) -> Result<Option<usize>, String> {
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
    if cfg.sparse_ratio > 0 && max > items * cfg.sparse_ratio as f64 && max > cfg.sparse_safe as f64
    {
        if !cfg.sparse_convert {
            return Err(exception(tv, "excessively sparse array"));
        }
        return Ok(None);
    }
    Ok(Some(max as usize))
}

fn encode_value(cfg: &Config, v: &Value, depth: usize, out: &mut Vec<u8>) -> Result<(), String> {
    match v {
        Value::String(s) => encode_string(&s.as_bytes(), out),
        Value::Number(_) | Value::Integer(_) => {
            encode_number(cfg, number_of(v).unwrap_or(0.0), out, v)?
        }
        Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Nil => out.extend_from_slice(b"null"),
        Value::LightUserData(p) if p.0.is_null() => out.extend_from_slice(b"null"),
        Value::Table(t) => {
            let depth = depth + 1;
            if depth > cfg.encode_max_depth as usize {
                return Err(format!("Cannot serialise, excessive nesting ({depth})"));
            }
            match array_length(cfg, t, v)? {
                Some(len) if len > 0 => {
                    out.push(b'[');
                    for i in 1..=len {
                        if i > 1 {
                            out.push(b',');
                        }
                        let e: Value = t.raw_get(i).map_err(|e| e.to_string())?;
                        encode_value(cfg, &e, depth, out)?;
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
                                encode_number(cfg, number_of(&k).unwrap_or(0.0), out, &k)?;
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
                        encode_value(cfg, &val, depth, out)?;
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
    cfg: Config,
}

/// lua-cjson's `json_is_invalid_number`: text strtod accepts but strict JSON does not (a
/// leading `+`, hex, leading zeros, inf, nan).
fn is_invalid_number(p: &[u8]) -> bool {
    let at = |i: usize| p.get(i).copied().unwrap_or(0);
    if at(0) == b'+' {
        return true;
    }
    let i = usize::from(at(0) == b'-');
    match at(i) {
        b'0' => (at(i + 1) | 0x20) == b'x' || at(i + 1).is_ascii_digit(),
        c if c <= b'9' => false,
        _ => {
            let word = |w: &[u8]| p.len() >= i + 3 && p[i..i + 3].eq_ignore_ascii_case(w);
            word(b"inf") || word(b"nan")
        }
    }
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
            if !self.cfg.decode_invalid_numbers && is_invalid_number(rest) {
                t.tok = Tok::Error("invalid number");
            } else {
                self.number(&mut t);
            }
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
        } else if matches!(ch, b'i' | b'I' | b'n' | b'N' | b'+')
            && self.cfg.decode_invalid_numbers
            && is_invalid_number(rest)
        {
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
            if depth > d.cfg.decode_max_depth as usize {
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
            if depth > d.cfg.decode_max_depth as usize {
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

pub fn encode(cfg: &Config, v: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    encode_value(cfg, v, 0, &mut out)?;
    Ok(out)
}

pub fn decode(cfg: &Config, lua: &Lua, s: &[u8]) -> Result<Value, String> {
    let mut d = Decoder {
        data: s,
        pos: 0,
        cfg: *cfg,
    };
    let t = d.next();
    let v = process_value(lua, &mut d, t, 0)?;
    let end = d.next();
    if end.tok != Tok::End {
        return Err(parse_error("the end", &end));
    }
    Ok(v)
}

/// The `cjson` table's functions for `libs::register` (results as `(true, n, ...)` /
/// `(false, message)`), sharing one fresh `Config`. `new` is added by api.lua, which wraps
/// another call of this function.
pub fn lib(lua: &Lua) -> mlua::Result<Table> {
    let cfg = Rc::new(Cell::new(Config::default()));
    let t = lua.create_table()?;
    let c = cfg.clone();
    t.set(
        "encode",
        lua.create_function(move |lua, args: MultiValue| {
            if args.len() != 1 {
                return super::libs::fail(lua, "bad argument #1 to 'encode' (expected 1 argument)");
            }
            match encode(&c.get(), &args[0]) {
                Ok(s) => super::libs::ok(vec![Value::String(lua.create_string(&s)?)]),
                Err(e) => super::libs::fail(lua, &e),
            }
        })?,
    )?;
    let c = cfg.clone();
    t.set(
        "decode",
        lua.create_function(move |lua, args: MultiValue| {
            let s = match args.front() {
                Some(Value::String(s)) if args.len() == 1 => s.as_bytes().to_vec(),
                Some(Value::Number(n)) if args.len() == 1 => {
                    super::format_lua_number(*n).into_bytes()
                }
                Some(Value::Integer(n)) if args.len() == 1 => n.to_string().into_bytes(),
                _ => {
                    return super::libs::fail(
                        lua,
                        "bad argument #1 to 'decode' (expected 1 argument)",
                    );
                }
            };
            match decode(&c.get(), lua, &s) {
                Ok(v) => super::libs::ok(vec![v]),
                Err(e) => super::libs::fail(lua, &e),
            }
        })?,
    )?;
    type IntField = fn(&mut Config) -> &mut i32;
    let ints: [(&'static str, i32, IntField); 3] = [
        ("encode_max_depth", 1, |c| &mut c.encode_max_depth),
        ("decode_max_depth", 1, |c| &mut c.decode_max_depth),
        ("encode_number_precision", 1, |c| {
            &mut c.encode_number_precision
        }),
    ];
    for (name, min, field) in ints {
        let max = if name == "encode_number_precision" {
            14
        } else {
            i32::MAX
        };
        let c = cfg.clone();
        let f = lua.create_function(move |lua, args: MultiValue| {
            let run = || -> Result<Vec<Value>, String> {
                let args = arg_init(&args, 1, name)?;
                let mut conf = c.get();
                let v = int_option(&args[0], 1, name, min, max, field(&mut conf))?;
                c.set(conf);
                Ok(vec![v])
            };
            match run() {
                Ok(v) => super::libs::ok(v),
                Err(e) => super::libs::fail(lua, &e),
            }
        })?;
        t.set(name, f)?;
    }
    let c = cfg.clone();
    t.set(
        "encode_sparse_array",
        lua.create_function(move |lua, args: MultiValue| {
            let name = "encode_sparse_array";
            let run = || -> Result<Vec<Value>, String> {
                let args = arg_init(&args, 3, name)?;
                let mut conf = c.get();
                let mut convert = u8::from(conf.sparse_convert);
                let a = enum_option(lua, &args[0], 1, name, BOOL, &mut convert)?;
                conf.sparse_convert = convert == 1;
                let b = int_option(&args[1], 2, name, 0, i32::MAX, &mut conf.sparse_ratio)?;
                let d = int_option(&args[2], 3, name, 0, i32::MAX, &mut conf.sparse_safe)?;
                c.set(conf);
                Ok(vec![a, b, d])
            };
            match run() {
                Ok(v) => super::libs::ok(v),
                Err(e) => super::libs::fail(lua, &e),
            }
        })?,
    )?;
    type EnumField = fn(&mut Config) -> (u8, &'static [&'static str]);
    type EnumSet = fn(&mut Config, u8);
    let enums: [(&'static str, EnumField, EnumSet); 3] = [
        (
            "encode_keep_buffer",
            |c| (u8::from(c.encode_keep_buffer), BOOL),
            |c, v| c.encode_keep_buffer = v == 1,
        ),
        (
            "encode_invalid_numbers",
            |c| (c.encode_invalid_numbers, &["off", "on", "null"]),
            |c, v| c.encode_invalid_numbers = v,
        ),
        (
            "decode_invalid_numbers",
            |c| (u8::from(c.decode_invalid_numbers), BOOL),
            |c, v| c.decode_invalid_numbers = v == 1,
        ),
    ];
    for (name, get, set) in enums {
        let c = cfg.clone();
        let f = lua.create_function(move |lua, args: MultiValue| {
            let run = || -> Result<Vec<Value>, String> {
                let args = arg_init(&args, 1, name)?;
                let mut conf = c.get();
                let (mut v, options) = get(&mut conf);
                let out = enum_option(lua, &args[0], 1, name, options, &mut v)?;
                set(&mut conf, v);
                c.set(conf);
                Ok(vec![out])
            };
            match run() {
                Ok(v) => super::libs::ok(v),
                Err(e) => super::libs::fail(lua, &e),
            }
        })?;
        t.set(name, f)?;
    }
    t.set("null", null())?;
    t.set("_NAME", "cjson")?;
    t.set("_VERSION", "2.1.0")?;
    Ok(t)
}

const BOOL: &[&str] = &["off", "on"];

/// lua-cjson's `json_arg_init`: at most `n` arguments, missing ones read as nil.
fn arg_init(args: &MultiValue, n: usize, name: &str) -> Result<Vec<Value>, String> {
    if args.len() > n {
        return Err(format!(
            "bad argument #{} to '{name}' (found too many arguments)",
            n + 1
        ));
    }
    let mut v: Vec<Value> = args.iter().cloned().collect();
    v.resize(n, Value::Nil);
    Ok(v)
}

/// Lua 5.1's `lua_tonumber` view of a value (numbers and numeric strings).
fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => Some(*n),
        Value::Integer(i) => Some(*i as f64),
        Value::String(s) => {
            let b = s.as_bytes();
            let text = b.trim_ascii();
            let (n, used) = strtod(text);
            (used > 0 && used == text.len()).then_some(n)
        }
        _ => None,
    }
}

/// lua-cjson's `json_integer_option` (its range error names argument #1 whatever the
/// position, as the C code does).
fn int_option(
    v: &Value,
    idx: usize,
    name: &str,
    min: i32,
    max: i32,
    setting: &mut i32,
) -> Result<Value, String> {
    if !matches!(v, Value::Nil) {
        let n = to_number(v).ok_or_else(|| {
            format!(
                "bad argument #{idx} to '{name}' (number expected, got {})",
                type_name(v)
            )
        })?;
        // luaL_checkinteger truncates to lua_Integer, then the C code stores it in an int.
        let value = (n as i64) as i32;
        if value < min || value > max {
            return Err(format!(
                "bad argument #1 to '{name}' (expected integer between {min} and {max})"
            ));
        }
        *setting = value;
    }
    Ok(Value::Integer((*setting).into()))
}

/// lua-cjson's `json_enum_option`: a boolean, or one of `options` by name; reads back as a
/// boolean for off/on and as the option's name otherwise.
fn enum_option(
    lua: &Lua,
    v: &Value,
    idx: usize,
    name: &str,
    options: &[&str],
    setting: &mut u8,
) -> Result<Value, String> {
    match v {
        Value::Nil => {}
        Value::Boolean(b) => *setting = u8::from(*b),
        Value::String(_) | Value::Number(_) | Value::Integer(_) => {
            let s = match v {
                Value::String(s) => s.as_bytes().to_vec(),
                Value::Integer(i) => i.to_string().into_bytes(),
                _ => super::format_lua_number(number_of(v).unwrap_or(0.0)).into_bytes(),
            };
            let pos = options.iter().position(|o| o.as_bytes() == s.as_slice());
            *setting = pos.ok_or_else(|| {
                format!(
                    "bad argument #{idx} to '{name}' (invalid option '{}')",
                    String::from_utf8_lossy(&s)
                )
            })? as u8;
        }
        other => {
            return Err(format!(
                "bad argument #{idx} to '{name}' (string expected, got {})",
                type_name(other)
            ));
        }
    }
    Ok(if *setting <= 1 {
        Value::Boolean(*setting == 1)
    } else {
        Value::String(
            lua.create_string(options[*setting as usize])
                .map_err(|e| e.to_string())?,
        )
    })
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
