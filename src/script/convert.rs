//! Conversions between Redis replies and Lua values, both ways, as Redis's script_lua.c does
//! them: a command's reply (RESP2 or RESP3 bytes, as the command wrote them for the script's
//! protocol) becomes a Lua value, and a script's return value becomes a reply in the caller's
//! protocol. Replies are parsed from what `cmd::call` wrote: the scripting engine has no other
//! view of a command's result, exactly like Redis's fake Lua client.

use mlua::{Lua, Table, Value};

use crate::protocol::Reply;

/// The Lua error table Redis builds (`luaPushErrorBuff`): `text` is either `-CODE msg` (the
/// code is kept) or a bare `msg` (the code `ERR` is added); trailing CR/LF are trimmed.
pub fn error_table(lua: &Lua, text: &[u8]) -> mlua::Result<Table> {
    // Redis's luaPushErrorBuff logs every error table while the debugger steps.
    super::ldb::log_error(text);
    let mut full = Vec::with_capacity(text.len() + 4);
    if let Some(rest) = text.strip_prefix(b"-") {
        match memchr::memchr(b' ', rest) {
            Some(sp) => {
                full.extend_from_slice(&rest[..sp]);
                full.push(b' ');
                full.extend_from_slice(trim_crlf(&rest[sp + 1..]));
            }
            None => {
                full.extend_from_slice(b"ERR ");
                full.extend_from_slice(trim_crlf(rest));
            }
        }
    } else {
        full.extend_from_slice(b"ERR ");
        full.extend_from_slice(trim_crlf(text));
    }
    let t = lua.create_table()?;
    t.raw_set("err", lua.create_string(&full)?)?;
    Ok(t)
}

fn trim_crlf(mut s: &[u8]) -> &[u8] {
    while let [b'\r' | b'\n', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b'\r' | b'\n'] = s {
        s = rest;
    }
    s
}

/// Parses one reply from `buf` at `*pos` into a Lua value (Redis's `redisProtocolToLuaType`).
/// RESP3 push frames before it (a keyspace notification to the caller itself) are skipped.
/// Returns the value and whether it was an error reply.
pub fn reply_to_lua(lua: &Lua, buf: &[u8]) -> mlua::Result<(Value, bool)> {
    let mut pos = 0;
    loop {
        if buf.get(pos) == Some(&b'>') {
            skip(buf, &mut pos);
            continue;
        }
        let is_err = buf.get(pos) == Some(&b'-');
        let v = parse(lua, buf, &mut pos)?;
        return Ok((v, is_err));
    }
}

fn line<'a>(buf: &'a [u8], pos: &mut usize) -> &'a [u8] {
    let start = *pos + 1;
    let end = memchr::memmem::find(&buf[start.min(buf.len())..], b"\r\n")
        .map_or(buf.len(), |i| start + i);
    *pos = (end + 2).min(buf.len());
    &buf[start.min(end)..end]
}

fn num(s: &[u8]) -> i64 {
    std::str::from_utf8(s)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn bulk<'a>(buf: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let n = num(line(buf, pos));
    if n < 0 {
        return None;
    }
    let start = *pos;
    let end = (start + n as usize).min(buf.len());
    *pos = (end + 2).min(buf.len());
    Some(&buf[start..end])
}

/// Skips one reply (attributes, pushes).
fn skip(buf: &[u8], pos: &mut usize) {
    let Some(&t) = buf.get(*pos) else {
        return;
    };
    match t {
        b'$' | b'=' | b'!' => {
            bulk(buf, pos);
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let mut n = num(line(buf, pos)).max(0);
            if t == b'%' || t == b'|' {
                n *= 2;
            }
            for _ in 0..n {
                skip(buf, pos);
            }
        }
        _ => {
            line(buf, pos);
        }
    }
}

fn parse(lua: &Lua, buf: &[u8], pos: &mut usize) -> mlua::Result<Value> {
    let Some(&t) = buf.get(*pos) else {
        return Ok(Value::Nil);
    };
    Ok(match t {
        b':' => Value::Number(num(line(buf, pos)) as f64),
        b'$' => match bulk(buf, pos) {
            Some(s) => Value::String(lua.create_string(s)?),
            None => Value::Boolean(false),
        },
        b'+' => {
            let s = line(buf, pos);
            let t = lua.create_table()?;
            t.raw_set("ok", lua.create_string(s)?)?;
            Value::Table(t)
        }
        b'-' => {
            let s = line(buf, pos);
            let mut text = Vec::with_capacity(s.len() + 1);
            text.push(b'-');
            text.extend_from_slice(s);
            let t = error_table(lua, &text)?;
            t.raw_set("ignore_error_stats_update", true)?;
            Value::Table(t)
        }
        b'*' => {
            let n = num(line(buf, pos));
            if n < 0 {
                return Ok(Value::Boolean(false));
            }
            let t = lua.create_table_with_capacity(n as usize, 0)?;
            for i in 0..n {
                let v = parse(lua, buf, pos)?;
                t.raw_set(i + 1, v)?;
            }
            Value::Table(t)
        }
        b'%' => {
            let n = num(line(buf, pos)).max(0);
            let inner = lua.create_table()?;
            for _ in 0..n {
                let k = parse(lua, buf, pos)?;
                let v = parse(lua, buf, pos)?;
                if !k.is_nil() {
                    inner.raw_set(k, v)?;
                }
            }
            let t = lua.create_table()?;
            t.raw_set("map", inner)?;
            Value::Table(t)
        }
        b'~' => {
            let n = num(line(buf, pos)).max(0);
            let inner = lua.create_table()?;
            for _ in 0..n {
                let k = parse(lua, buf, pos)?;
                if !k.is_nil() {
                    inner.raw_set(k, true)?;
                }
            }
            let t = lua.create_table()?;
            t.raw_set("set", inner)?;
            Value::Table(t)
        }
        b'_' => {
            line(buf, pos);
            Value::Nil
        }
        b'#' => Value::Boolean(line(buf, pos) == b"t"),
        b',' => {
            let s = line(buf, pos);
            let d = match s {
                b"inf" => f64::INFINITY,
                b"-inf" => f64::NEG_INFINITY,
                _ => std::str::from_utf8(s)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(f64::NAN),
            };
            let t = lua.create_table()?;
            t.raw_set("double", d)?;
            Value::Table(t)
        }
        b'(' => {
            let s = line(buf, pos);
            let t = lua.create_table()?;
            t.raw_set("big_number", lua.create_string(s)?)?;
            Value::Table(t)
        }
        b'=' => {
            let s = bulk(buf, pos).unwrap_or_default();
            let (fmt, body) = if s.len() >= 4 {
                (&s[..3], &s[4..])
            } else {
                (&b"txt"[..], s)
            };
            let inner = lua.create_table()?;
            inner.raw_set("string", lua.create_string(body)?)?;
            inner.raw_set("format", lua.create_string(fmt)?)?;
            let t = lua.create_table()?;
            t.raw_set("verbatim_string", inner)?;
            Value::Table(t)
        }
        b'|' => {
            let n = num(line(buf, pos)).max(0);
            for _ in 0..2 * n {
                skip(buf, pos);
            }
            parse(lua, buf, pos)?
        }
        _ => {
            line(buf, pos);
            Value::Nil
        }
    })
}

/// Writes a script's return value as a reply (Redis's `luaReplyToRedisReply`). `script_resp3`
/// is the protocol the script selected with `redis.setresp` (it decides how booleans are
/// returned); the reply itself uses the caller's protocol (`out.resp3`).
pub fn lua_to_reply(v: &Value, out: &mut Reply, script_resp3: bool, depth: usize) {
    if depth > 1000 {
        out.error(b"ERR reached lua stack limit");
        return;
    }
    match v {
        Value::String(s) => out.bulk(&s.as_bytes()),
        Value::Boolean(b) => {
            if script_resp3 {
                out.boolean(*b);
            } else if *b {
                out.int(1);
            } else {
                out.null();
            }
        }
        Value::Integer(i) => out.int(*i),
        Value::Number(n) => out.int(lua_number_to_i64(*n)),
        Value::Table(t) => table_to_reply(t, out, script_resp3, depth),
        _ => out.null(),
    }
}

/// C's `(long long)` cast of a Lua number (saturating where C would be undefined).
pub fn lua_number_to_i64(n: f64) -> i64 {
    if n.is_nan() { i64::MIN } else { n as i64 }
}

fn field(t: &Table, name: &str) -> Value {
    t.raw_get(name).unwrap_or(Value::Nil)
}

fn table_to_reply(t: &Table, out: &mut Reply, script_resp3: bool, depth: usize) {
    if let Value::String(s) = field(t, "err") {
        let msg = s.as_bytes();
        let msg = trim_crlf(&msg);
        // Redis: "-%s" of the message, so the text is taken as is (code included).
        out.error(msg);
        return;
    }
    if let Value::String(s) = field(t, "ok") {
        let s: Vec<u8> = s
            .as_bytes()
            .iter()
            .map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c })
            .collect();
        out.simple(&s);
        return;
    }
    match field(t, "double") {
        Value::Number(d) => {
            out.double(d);
            return;
        }
        Value::Integer(i) => {
            out.double(i as f64);
            return;
        }
        _ => {}
    }
    if let Value::String(s) = field(t, "big_number") {
        let s: Vec<u8> = s
            .as_bytes()
            .iter()
            .map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c })
            .collect();
        if out.resp3 {
            out.raw(b"(");
            out.raw(&s);
            out.raw(b"\r\n");
        } else {
            out.bulk(&s);
        }
        return;
    }
    if let Value::Table(vt) = field(t, "verbatim_string")
        && let (Value::String(fmt), Value::String(s)) = (field(&vt, "format"), field(&vt, "string"))
    {
        let fmt = fmt.as_bytes();
        let s = s.as_bytes();
        if out.resp3 {
            let mut f = [b' '; 3];
            for (d, c) in f.iter_mut().zip(fmt.iter()) {
                *d = *c;
            }
            let mut hdr = b"=".to_vec();
            hdr.extend_from_slice(itoa::Buffer::new().format(s.len() + 4).as_bytes());
            hdr.extend_from_slice(b"\r\n");
            out.raw(&hdr);
            out.raw(&f);
            out.raw(b":");
            out.raw(&s);
            out.raw(b"\r\n");
        } else {
            out.bulk(&s);
        }
        return;
    }
    if let Value::Table(m) = field(t, "map") {
        let pairs: Vec<(Value, Value)> = m.pairs::<Value, Value>().filter_map(|r| r.ok()).collect();
        out.map(pairs.len());
        for (k, v) in &pairs {
            lua_to_reply(k, out, script_resp3, depth + 1);
            lua_to_reply(v, out, script_resp3, depth + 1);
        }
        return;
    }
    if let Value::Table(s) = field(t, "set") {
        let keys: Vec<Value> = s
            .pairs::<Value, Value>()
            .filter_map(|r| r.ok().map(|(k, _)| k))
            .collect();
        out.set(keys.len());
        for k in &keys {
            lua_to_reply(k, out, script_resp3, depth + 1);
        }
        return;
    }
    let mut items = Vec::new();
    let mut i = 1;
    loop {
        let v: Value = t.raw_get(i).unwrap_or(Value::Nil);
        if v.is_nil() {
            break;
        }
        items.push(v);
        i += 1;
    }
    out.array(items.len());
    for v in &items {
        lua_to_reply(v, out, script_resp3, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes() {
        let lua = Lua::new();
        let e = |s: &[u8]| -> String {
            let t = error_table(&lua, s).unwrap();
            t.raw_get::<String>("err").unwrap()
        };
        assert_eq!(e(b"-WRONGTYPE Operation"), "WRONGTYPE Operation");
        assert_eq!(e(b"-NOSPACE"), "ERR NOSPACE");
        assert_eq!(e(b"plain words\r\n"), "ERR plain words");
    }

    #[test]
    fn round_trip_resp3() {
        let lua = Lua::new();
        let (v, err) = reply_to_lua(&lua, b"%1\r\n$1\r\na\r\n,1.5\r\n").unwrap();
        assert!(!err);
        let mut out = Reply::new();
        out.resp3 = true;
        lua_to_reply(&v, &mut out, true, 0);
        assert_eq!(out.buf, b"%1\r\n$1\r\na\r\n,1.5\r\n");
        let (v, err) = reply_to_lua(&lua, b"-ERR bad\r\n").unwrap();
        assert!(err);
        let mut out = Reply::new();
        lua_to_reply(&v, &mut out, false, 0);
        assert_eq!(out.buf, b"-ERR bad\r\n");
    }
}
