//! The Lua debugger (Redis 7.0's LDB, the `ldb*` functions of eval.c): `SCRIPT DEBUG
//! YES|SYNC|NO` puts a client in debug mode, and its next EVAL runs as a debugging session
//! driven over the client's own socket (`redis-cli --ldb` / `--ldb-sync-mode`).
//!
//! What it owns:
//! - the session (`SESSION`, one at a time, as Redis's global `ldb`): the client's socket, the
//!   script's source lines, breakpoints, step state, the debugger's command buffer and the log
//!   lines waiting to be sent;
//! - the session's start and end around EVAL (`eval_with_debugging`): YES forks, and the child
//!   runs the script with the socket in blocking mode and exits at the end, so the parent's
//!   data is untouched (the parent lets go of the socket without shutting it down,
//!   `Server::close_handed_over`); SYNC runs it in the server
//!   itself, which serves only that client meanwhile and keeps the changes. In both modes the
//!   client's connection ends with the EVAL reply, as in Redis;
//! - the Lua line hook (`line_hook`, Redis's `luaLdbLineHook`) with the debugger's REPL (step,
//!   next, continue, list, whole, print, break, trace, eval, redis, maxlen, abort, help), and
//!   `redis.debug()` / `redis.breakpoint()`;
//! - the logs other parts write while a session steps: `<redis>` (commands run by the script),
//!   `<reply>` (their replies, in Redis's human-readable form), `<error>` (error tables);
//! - the pids of forked sessions, reaped by the cron and killed at shutdown;
//! - for a TLS client, its rustls session for the time of the debugging session (taken from
//!   the client, given back at the end of a SYNC session), through which the debugger's
//!   blocking reads and writes are decrypted and encrypted in order.
//!
//! Invariants:
//! - Before the socket is used with blocking I/O, the ring has no operation in flight on it
//!   (`Server::detach_for_blocking_io` cancelled the armed receive and reaped it). Input that
//!   arrived with the EVAL stays unread, as in Redis's query buffer; what the cancelled
//!   receive brought is the start of the debugger's input. The forked child never
//!   touches the ring: it reads and writes the socket with plain syscalls and leaves with
//!   `_exit` (see ../../shared/IO_URING_NOTES.md on fork).
//! - The hook runs with Lua's hooks disabled (Lua 5.1 does that), so the code the debugger
//!   runs (`eval`, `redis`) never re-enters it. `SESSION` is borrowed only for short moments,
//!   never across a call into Lua (which may log through `log_*`).
//! - Errors are raised from the hook (`lua_error`, a longjmp) only from `line_hook` itself,
//!   after every Rust value with a destructor has been dropped.
//! - Byte-for-byte compatibility includes Redis's quirks: a debugger command buffer holding
//!   more than one command keeps only the first, and removing a breakpoint moves bytes, not
//!   ints (`del_breakpoint`).

use std::cell::{Cell, RefCell};
use std::ffi::{CStr, c_char, c_int};
use std::os::fd::RawFd;
use std::time::Instant;

use bytes::Bytes;
use mlua::ffi;

use crate::cmd::{CmdResult, Ctx, Error};
use crate::net::client::flag;
use crate::server::Server;

const BREAKPOINTS_MAX: usize = 64;
const MAX_LEN_DEFAULT: usize = 256;
/// Redis's LDB_MAX_VALUES_DEPTH (LUA_MINSTACK / 2).
const MAX_VALUES_DEPTH: u32 = 10;
/// The debugger's command buffer limit (then "max client buffer reached").
const MAX_CBUF: usize = 1 << 20;

const HELP: &[&str] = &[
    "Redis Lua debugger help:",
    "[h]elp               Show this help.",
    "[s]tep               Run current line and stop again.",
    "[n]ext               Alias for step.",
    "[c]ontinue           Run till next breakpoint.",
    "[l]ist               List source code around current line.",
    "[l]ist [line]        List source code around [line].",
    "                     line = 0 means: current position.",
    "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
    "                     to show before/after [line].",
    "[w]hole              List all source code. Alias for 'list 1 1000000'.",
    "[p]rint              Show all the local variables.",
    "[p]rint <var>        Show the value of the specified variable.",
    "                     Can also show global vars KEYS and ARGV.",
    "[b]reak              Show all breakpoints.",
    "[b]reak <line>       Add a breakpoint to the specified line.",
    "[b]reak -<line>      Remove breakpoint from the specified line.",
    "[b]reak 0            Remove all breakpoints.",
    "[t]race              Show a backtrace.",
    "[e]val <code>        Execute some Lua code (in a different callframe).",
    "[r]edis <cmd>        Execute a Redis command.",
    "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
    "                     Specifying zero as <len> means unlimited.",
    "[a]bort              Stop the execution of the script. In sync",
    "                     mode dataset changes will be retained.",
    "",
    "Debugger functions you can call from Lua scripts:",
    "redis.debug()        Produce logs in the debugger console.",
    "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
    "                     next line of code.",
];

/// Errors raised into the script (Redis's luaPushError texts, with the code the error table
/// gets).
const ERR_ABORT: &CStr = c"ERR script aborted for user request";
const ERR_PROTOCOL: &CStr = c"ERR protocol error";
const ERR_MAX_BUFFER: &CStr = c"ERR max client buffer reached";
const ERR_TIMEOUT_CLOSED: &CStr =
    c"ERR timeout during Lua debugging with client closing connection";

/// One debugging session (Redis's `struct ldbState`).
struct Session {
    fd: RawFd,
    /// A TLS client's session, taken from the client for the debugging session (records are
    /// encrypted and decrypted here, in order, with blocking I/O).
    tls: Option<Box<crate::net::tls::Session>>,
    /// The peer closed its TLS session (close_notify): no more input.
    eof: bool,
    forked: bool,
    logs: Vec<Vec<u8>>,
    /// Breakpoint lines; only the first `bpcount` are valid (see `del_breakpoint`).
    bp: [i32; BREAKPOINTS_MAX],
    bpcount: usize,
    /// Stop at the next line regardless of breakpoints.
    step: bool,
    /// Stop at the next line because redis.breakpoint() was called.
    luabp: bool,
    src: Vec<Vec<u8>>,
    currentline: i32,
    cbuf: Vec<u8>,
    maxlen: usize,
    maxlen_hint_sent: bool,
    /// When the script last resumed (the count hook's timeout is measured from it).
    resumed: Instant,
    /// busy-reply-threshold in ms, or 5000 when it is 0.
    timeout_ms: u128,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
    /// The hook that was installed before `attach` (restored by `detach`).
    static PREV_HOOK: Cell<(Option<ffi::lua_Hook>, c_int, c_int)> = const { Cell::new((None, 0, 0)) };
}

/// Runs `f` on the session, if one is active.
fn with<R>(f: impl FnOnce(&mut Session) -> R) -> Option<R> {
    SESSION.with(|s| s.borrow_mut().as_mut().map(f))
}

/// Whether a debugging session is running (Redis's `ldb.active`).
pub fn is_active() -> bool {
    SESSION.with(|s| s.borrow().is_some())
}

/// Whether commands and errors are being logged: a session is active and stepping (Redis's
/// `ldbIsEnabled`).
pub fn is_enabled() -> bool {
    with(|s| s.step).unwrap_or(false)
}

/// Logs an error table being created (Redis's `luaPushErrorBuff` while stepping).
pub fn log_error(text: &[u8]) {
    with(|s| {
        if s.step {
            let mut l = b"<error> ".to_vec();
            l.extend_from_slice(text);
            s.log(l);
        }
    });
}

/// Logs a command the script runs (`<redis> ...`, at most 10 arguments shown).
pub fn log_command(argv: &[Bytes]) {
    with(|s| {
        if !s.step {
            return;
        }
        let mut l = b"<redis>".to_vec();
        for (j, a) in argv.iter().enumerate() {
            if j == 10 {
                l.extend_from_slice(format!(" ... ({} more)", argv.len() - j - 1).as_bytes());
                break;
            }
            l.push(b' ');
            l.extend_from_slice(a);
        }
        s.log(l);
    });
}

/// Logs a command's reply in human-readable form (Redis's `ldbLogRedisReply`).
pub fn log_reply(reply: &[u8]) {
    with(|s| {
        if s.step {
            let mut l = b"<reply> ".to_vec();
            protocol_to_human(&mut l, reply, 0);
            s.log_with_maxlen(l);
        }
    });
}

impl Session {
    fn log(&mut self, entry: Vec<u8>) {
        self.logs.push(entry);
    }

    fn log_str(&mut self, entry: &str) {
        self.logs.push(entry.as_bytes().to_vec());
    }

    /// Redis's `ldbLogWithMaxLen`: trims to `maxlen` (hinting once about `maxlen 0`).
    fn log_with_maxlen(&mut self, mut entry: Vec<u8>) {
        let mut trimmed = false;
        if self.maxlen != 0 && entry.len() > self.maxlen {
            entry.truncate(self.maxlen);
            entry.extend_from_slice(b" ...");
            trimmed = true;
        }
        self.log(entry);
        if trimmed && !self.maxlen_hint_sent {
            self.maxlen_hint_sent = true;
            self.log_str("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
        }
    }

    /// Sends the logs as an array of status replies (CR and LF become spaces) and empties
    /// them (Redis's `ldbSendLogs`). Write errors are ignored: the next read sees the closed
    /// connection.
    fn send_logs(&mut self) {
        let mut proto = format!("*{}\r\n", self.logs.len()).into_bytes();
        for mut l in self.logs.drain(..) {
            for b in l.iter_mut() {
                if *b == b'\r' || *b == b'\n' {
                    *b = b' ';
                }
            }
            proto.push(b'+');
            proto.extend_from_slice(&l);
            proto.extend_from_slice(b"\r\n");
        }
        self.write(&proto);
    }

    /// Writes to the client, blocking (encrypted for a TLS client). Errors are ignored: the
    /// next read sees them.
    fn write(&mut self, data: &[u8]) {
        match self.tls.as_mut() {
            Some(t) => {
                let mut out = Vec::with_capacity(data.len() + 64);
                t.encrypt(data, &mut out);
                write_all(self.fd, &out);
            }
            None => write_all(self.fd, data),
        }
    }

    /// Reads more debugger input into `cbuf`, blocking (decrypted for a TLS client); false
    /// at the end of the stream or on an error.
    fn read_more(&mut self) -> bool {
        let fd = self.fd;
        let Some(t) = self.tls.as_mut() else {
            let mut buf = [0u8; 1024];
            let n = read_retrying(fd, &mut buf);
            if n <= 0 {
                return false;
            }
            self.cbuf.extend_from_slice(&buf[..n as usize]);
            return true;
        };
        while !self.eof {
            let n = read_retrying(fd, &mut t.inbuf);
            if n <= 0 {
                return false;
            }
            let mut plain = bytes::BytesMut::new();
            match t.on_ciphertext(fd, n as usize, &mut plain) {
                Ok(crate::net::tls::Fed::Ok) => {}
                Ok(crate::net::tls::Fed::Closed) => self.eof = true,
                Err(_) => return false,
            }
            if !plain.is_empty() {
                self.cbuf.extend_from_slice(&plain);
                return true;
            }
        }
        false
    }

    fn source_line(&self, line: i32) -> &[u8] {
        let idx = line as i64 - 1;
        if idx < 0 || idx >= self.src.len() as i64 {
            return b"<out of range source code line>";
        }
        &self.src[idx as usize]
    }

    fn is_breakpoint(&self, line: i32) -> bool {
        self.bp[..self.bpcount].contains(&line)
    }

    fn add_breakpoint(&mut self, line: i64) -> bool {
        if line <= 0 || line > self.src.len() as i64 {
            return false;
        }
        let line = line as i32;
        if !self.is_breakpoint(line) && self.bpcount != BREAKPOINTS_MAX {
            self.bp[self.bpcount] = line;
            self.bpcount += 1;
            return true;
        }
        false
    }

    /// Redis's `ldbDelBreakpoint`, including its `memmove` of `bpcount - j` *bytes* (not
    /// ints): what `break` lists afterwards is what Redis 7.0.15 lists.
    fn del_breakpoint(&mut self, line: i64) -> bool {
        for j in 0..self.bpcount {
            if self.bp[j] as i64 == line {
                self.bpcount -= 1;
                let mut bytes = [0u8; BREAKPOINTS_MAX * 4];
                for (i, v) in self.bp.iter().enumerate() {
                    bytes[i * 4..i * 4 + 4].copy_from_slice(&v.to_ne_bytes());
                }
                let n = self.bpcount - j;
                bytes.copy_within((j + 1) * 4..(j + 1) * 4 + n, j * 4);
                for (i, v) in self.bp.iter_mut().enumerate() {
                    let mut b = [0u8; 4];
                    b.copy_from_slice(&bytes[i * 4..i * 4 + 4]);
                    *v = i32::from_ne_bytes(b);
                }
                return true;
            }
        }
        false
    }

    /// Redis's `ldbLogSourceLine`.
    fn log_source_line(&mut self, line: i32) {
        let bp = self.is_breakpoint(line);
        let current = self.currentline == line;
        let prefix = match (current, bp) {
            (true, true) => "->#",
            (true, false) => "-> ",
            (false, true) => "  #",
            (false, false) => "   ",
        };
        let mut l = format!("{prefix}{line:<3} ").into_bytes();
        l.extend_from_slice(self.source_line(line));
        self.log(l);
    }

    /// Redis's `ldbList`: the lines within `context` of `around`, or all with `around` 0.
    fn list(&mut self, around: i32, context: i32) {
        for j in 1..=self.src.len() as i32 {
            if around != 0 && (around as i64 - j as i64).abs() > context as i64 {
                continue;
            }
            self.log_source_line(j);
        }
    }

    /// Redis's `ldbBreak`.
    fn breakpoints(&mut self, argv: &[Vec<u8>]) {
        if argv.len() == 1 {
            if self.bpcount == 0 {
                self.log_str("No breakpoints set. Use 'b <line>' to add one.");
            } else {
                self.log(format!("{} breakpoints set:", self.bpcount).into_bytes());
                for j in 0..self.bpcount {
                    self.log_source_line(self.bp[j]);
                }
            }
            return;
        }
        for arg in &argv[1..] {
            let Some(line) = crate::protocol::parse_i64(arg) else {
                let mut l = b"Invalid argument:'".to_vec();
                l.extend_from_slice(arg);
                l.push(b'\'');
                self.log(l);
                continue;
            };
            if line == 0 {
                self.bpcount = 0;
                self.log_str("All breakpoints removed.");
            } else if line > 0 {
                if self.bpcount == BREAKPOINTS_MAX {
                    self.log_str("Too many breakpoints set.");
                } else if self.add_breakpoint(line) {
                    self.list(line as i32, 1);
                } else {
                    self.log_str("Wrong line number.");
                }
            } else if self.del_breakpoint(line.unsigned_abs() as i64) {
                self.log_str("Breakpoint removed.");
            } else {
                self.log_str("No breakpoint in the specified line.");
            }
        }
    }

    /// Redis's `ldbMaxlen`.
    fn set_maxlen(&mut self, argv: &[Vec<u8>]) {
        if argv.len() == 2 {
            let mut v = atoi(&argv[1]);
            self.maxlen_hint_sent = true;
            if v != 0 && v <= 60 {
                v = 60;
            }
            self.maxlen = v as usize;
        }
        if self.maxlen != 0 {
            self.log(
                format!(
                    "<value> replies are truncated at {} bytes.",
                    self.maxlen as i32
                )
                .into_bytes(),
            );
        } else {
            self.log_str("<value> replies are unlimited.");
        }
    }

    /// Redis's `ldbReplParseCommand`: a forgiving parser for one RESP array of bulk strings
    /// at the start of `cbuf`.
    fn parse_command(&self) -> Parsed {
        let buf = &self.cbuf;
        if buf.is_empty() {
            return Parsed::More;
        }
        let Some(star) = memchr::memchr(b'*', buf) else {
            return Parsed::Error;
        };
        let Some(crlf) = find_crlf(buf, star) else {
            return Parsed::More;
        };
        let argc = atoi(&buf[star + 1..crlf]);
        if argc <= 0 || argc > 1024 {
            return Parsed::Error;
        }
        let mut p = crlf + 2;
        let mut argv = Vec::with_capacity(argc as usize);
        while argv.len() < argc as usize {
            if p >= buf.len() {
                return Parsed::More;
            }
            if buf[p] != b'$' {
                return Parsed::Error;
            }
            let Some(crlf) = find_crlf(buf, p) else {
                return Parsed::More;
            };
            let slen = atoi(&buf[p + 1..crlf]);
            if slen <= 0 || slen > 1024 {
                return Parsed::Error;
            }
            p = crlf + 2;
            let slen = slen as usize;
            if p + slen + 2 > buf.len() {
                return Parsed::More;
            }
            argv.push(buf[p..p + slen].to_vec());
            p += slen;
            if &buf[p..p + 2] != b"\r\n" {
                return Parsed::Error;
            }
            p += 2;
        }
        Parsed::Command(argv)
    }
}

enum Parsed {
    Command(Vec<Vec<u8>>),
    More,
    Error,
}

fn find_crlf(buf: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(&buf[from..], b"\r\n").map(|i| from + i)
}

/// C's `atoi` (`strtol` saturating, then truncated to int).
fn atoi(s: &[u8]) -> i32 {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        neg = s[i] == b'-';
        i += 1;
    }
    let mut v: i64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        v = v.saturating_mul(10).saturating_add((s[i] - b'0') as i64);
        i += 1;
    }
    if neg {
        v = -v;
    }
    v as i32
}

/// Redis's `sdscatrepr`.
fn cat_repr(o: &mut Vec<u8>, s: &[u8]) {
    o.push(b'"');
    for &c in s {
        match c {
            b'\\' | b'"' => {
                o.push(b'\\');
                o.push(c);
            }
            b'\n' => o.extend_from_slice(b"\\n"),
            b'\r' => o.extend_from_slice(b"\\r"),
            b'\t' => o.extend_from_slice(b"\\t"),
            7 => o.extend_from_slice(b"\\a"),
            8 => o.extend_from_slice(b"\\b"),
            0x20..=0x7e => o.push(c),
            _ => o.extend_from_slice(format!("\\x{c:02x}").as_bytes()),
        }
    }
    o.push(b'"');
}

/// C's `%g`.
fn fmt_g(n: f64) -> String {
    if n.is_nan() {
        return if n.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "inf" } else { "-inf" }.into();
    }
    crate::protocol::reply::format_g(n, 6)
}

/// Redis's `ldbRedisProtocolToHuman`: appends the reply at `reply[p..]` to `o`, returns the
/// position after it. An unknown type byte appends nothing and consumes nothing, as in Redis.
fn protocol_to_human(o: &mut Vec<u8>, reply: &[u8], p: usize) -> usize {
    let Some(&t) = reply.get(p) else {
        return p;
    };
    let Some(cr) = memchr::memchr(b'\r', &reply[p..]).map(|i| p + i) else {
        return reply.len();
    };
    let head = &reply[p + 1..cr];
    let next = (cr + 2).min(reply.len());
    match t {
        b':' => {
            o.extend_from_slice(head);
            next
        }
        b'$' => {
            let len = crate::protocol::parse_i64(head).unwrap_or(-1);
            if len < 0 {
                o.extend_from_slice(b"NULL");
                return next;
            }
            let end = (next + len as usize).min(reply.len());
            cat_repr(o, &reply[next..end]);
            (end + 2).min(reply.len())
        }
        b'+' | b'-' => {
            cat_repr(o, &reply[p..cr]);
            next
        }
        b'*' | b'~' | b'%' => {
            let n = crate::protocol::parse_i64(head).unwrap_or(0);
            if t == b'*' && n == -1 {
                o.extend_from_slice(b"NULL");
                return next;
            }
            let (open, close) = match t {
                b'*' => (&b"["[..], b']'),
                b'~' => (&b"~("[..], b')'),
                _ => (&b"{"[..], b'}'),
            };
            o.extend_from_slice(open);
            let mut q = next;
            for j in 0..n.max(0) {
                q = protocol_to_human(o, reply, q);
                if t == b'%' {
                    o.extend_from_slice(b" => ");
                    q = protocol_to_human(o, reply, q);
                }
                if j != n - 1 {
                    o.push(b',');
                }
            }
            o.push(close);
            q
        }
        b'_' => {
            o.extend_from_slice(b"(null)");
            next
        }
        b'#' => {
            o.extend_from_slice(if head.first() == Some(&b't') {
                b"#true"
            } else {
                b"#false"
            });
            next
        }
        b',' => {
            o.extend_from_slice(b"(double) ");
            o.extend_from_slice(head);
            next
        }
        _ => p,
    }
}

/// Redis's `ldbCatStackValueRec`: a human-readable form of the Lua value at `idx`.
///
/// # Safety
/// `l` is a valid state and `idx` a valid stack index.
unsafe fn cat_stack_value(s: &mut Vec<u8>, l: *mut ffi::lua_State, idx: c_int, level: u32) {
    // SAFETY: the caller's guarantees; every push is matched by a pop, and the stack is grown
    // before the table walk pushes a key and a value.
    unsafe {
        let idx = if idx < 0 {
            ffi::lua_gettop(l) + idx + 1
        } else {
            idx
        };
        if level == MAX_VALUES_DEPTH {
            s.extend_from_slice(b"<max recursion level reached! Nested table?>");
            return;
        }
        let level = level + 1;
        match ffi::lua_type(l, idx) {
            ffi::LUA_TSTRING => {
                let mut len = 0usize;
                let p = ffi::lua_tolstring(l, idx, &mut len);
                cat_repr(s, std::slice::from_raw_parts(p.cast::<u8>(), len));
            }
            ffi::LUA_TBOOLEAN => {
                s.extend_from_slice(if ffi::lua_toboolean(l, idx) != 0 {
                    b"true"
                } else {
                    b"false"
                });
            }
            ffi::LUA_TNUMBER => s.extend_from_slice(fmt_g(ffi::lua_tonumber(l, idx)).as_bytes()),
            ffi::LUA_TNIL => s.extend_from_slice(b"nil"),
            ffi::LUA_TTABLE => {
                if ffi::lua_checkstack(l, 3) == 0 {
                    s.extend_from_slice(b"<max recursion level reached! Nested table?>");
                    return;
                }
                let mut expected = 1.0;
                let mut is_array = true;
                let mut repr1 = Vec::new();
                let mut repr2 = Vec::new();
                ffi::lua_pushnil(l);
                while ffi::lua_next(l, idx) != 0 {
                    if is_array
                        && (ffi::lua_type(l, -2) != ffi::LUA_TNUMBER
                            || ffi::lua_tonumber(l, -2) != expected)
                    {
                        is_array = false;
                    }
                    cat_stack_value(&mut repr1, l, -1, level);
                    repr1.extend_from_slice(b"; ");
                    repr2.push(b'[');
                    cat_stack_value(&mut repr2, l, -2, level);
                    repr2.extend_from_slice(b"]=");
                    cat_stack_value(&mut repr2, l, -1, level);
                    repr2.extend_from_slice(b"; ");
                    ffi::lua_pop(l, 1);
                    expected += 1.0;
                }
                for r in [&mut repr1, &mut repr2] {
                    if !r.is_empty() {
                        r.truncate(r.len() - 2);
                    }
                }
                s.push(b'{');
                s.extend_from_slice(if is_array { &repr1 } else { &repr2 });
                s.push(b'}');
            }
            t @ (ffi::LUA_TFUNCTION
            | ffi::LUA_TUSERDATA
            | ffi::LUA_TTHREAD
            | ffi::LUA_TLIGHTUSERDATA) => {
                let p = ffi::lua_topointer(l, idx);
                let name = match t {
                    ffi::LUA_TFUNCTION => "function",
                    ffi::LUA_TUSERDATA => "userdata",
                    ffi::LUA_TTHREAD => "thread",
                    _ => "light-userdata",
                };
                s.extend_from_slice(format!("\"{name}@{p:p}\"").as_bytes());
            }
            _ => s.extend_from_slice(b"\"<unknown-lua-type>\""),
        }
    }
}

/// Logs `prefix` + the value on top of the stack, trimmed to maxlen (Redis's
/// `ldbLogStackValue`).
///
/// # Safety
/// `l` is a valid state with at least one value on its stack.
unsafe fn log_stack_value(l: *mut ffi::lua_State, prefix: &[u8]) {
    let mut s = prefix.to_vec();
    // SAFETY: the caller's guarantees.
    unsafe { cat_stack_value(&mut s, l, -1, 0) };
    with(|ss| ss.log_with_maxlen(s));
}

/// Whether a function's `short_src` is the script's (Redis's `strstr(..., "user_script")`).
fn is_user_script(ar: &ffi::lua_Debug) -> bool {
    // SAFETY: lua_getinfo NUL-terminates short_src within the array.
    let src = unsafe { CStr::from_ptr(ar.short_src.as_ptr()) }.to_bytes();
    memchr::memmem::find(src, b"user_script").is_some()
}

/// Whether a stack frame belongs to our own Lua glue (api.lua), which Redis does not have:
/// `print <var>` skips its locals.
///
/// # Safety
/// `ar` was filled by `lua_getstack` on `l`.
unsafe fn is_glue_frame(l: *mut ffi::lua_State, ar: &mut ffi::lua_Debug) -> bool {
    // SAFETY: the caller's guarantees.
    unsafe {
        ffi::lua_getinfo(l, c"S".as_ptr(), ar);
        !ar.source.is_null() && CStr::from_ptr(ar.source).to_bytes() == b"@__redis_api"
    }
}

/// Redis's `ldbPrint`: the first local named `name`, from the current frame outwards, else
/// the KEYS or ARGV global.
///
/// # Safety
/// `l` is the state of the running script (called from the hook).
unsafe fn print_var(l: *mut ffi::lua_State, name: &[u8]) {
    // SAFETY: lua_getlocal pushes the value when it returns a name; each is popped.
    unsafe {
        let mut ar: ffi::lua_Debug = std::mem::zeroed();
        let mut level = 0;
        while ffi::lua_getstack(l, level, &mut ar) != 0 {
            level += 1;
            if is_glue_frame(l, &mut ar) {
                continue;
            }
            let mut i = 1;
            loop {
                let n = ffi::lua_getlocal(l, &ar, i);
                if n.is_null() {
                    break;
                }
                i += 1;
                if CStr::from_ptr(n).to_bytes() == name {
                    log_stack_value(l, b"<value> ");
                    ffi::lua_pop(l, 1);
                    return;
                }
                ffi::lua_pop(l, 1);
            }
        }
        if name == b"ARGV" || name == b"KEYS" {
            let g = if name == b"ARGV" { c"ARGV" } else { c"KEYS" };
            ffi::lua_getfield(l, ffi::LUA_GLOBALSINDEX, g.as_ptr());
            log_stack_value(l, b"<value> ");
            ffi::lua_pop(l, 1);
        } else {
            with(|s| s.log_str("No such variable."));
        }
    }
}

/// Redis's `ldbPrintAll`: the current frame's locals.
///
/// # Safety
/// As `print_var`.
unsafe fn print_all(l: *mut ffi::lua_State) {
    // SAFETY: as in `print_var`.
    unsafe {
        let mut ar: ffi::lua_Debug = std::mem::zeroed();
        let mut vars = 0;
        if ffi::lua_getstack(l, 0, &mut ar) != 0 {
            let mut i = 1;
            loop {
                let n = ffi::lua_getlocal(l, &ar, i);
                if n.is_null() {
                    break;
                }
                i += 1;
                let n = CStr::from_ptr(n).to_bytes();
                if memchr::memmem::find(n, b"(*temporary)").is_none() {
                    let mut prefix = b"<value> ".to_vec();
                    prefix.extend_from_slice(n);
                    prefix.extend_from_slice(b" = ");
                    log_stack_value(l, &prefix);
                    vars += 1;
                }
                ffi::lua_pop(l, 1);
            }
        }
        if vars == 0 {
            with(|s| s.log_str("No local variables in the current context."));
        }
    }
}

/// Redis's `ldbTrace`.
///
/// # Safety
/// As `print_var`.
unsafe fn trace(l: *mut ffi::lua_State) {
    // SAFETY: lua_getstack / lua_getinfo on the running state.
    unsafe {
        let mut ar: ffi::lua_Debug = std::mem::zeroed();
        let mut level = 0;
        while ffi::lua_getstack(l, level, &mut ar) != 0 {
            ffi::lua_getinfo(l, c"Snl".as_ptr(), &mut ar);
            if is_user_script(&ar) {
                let name = if ar.name.is_null() {
                    b"top level".to_vec()
                } else {
                    CStr::from_ptr(ar.name).to_bytes().to_vec()
                };
                let mut line = if level == 0 {
                    b"In ".to_vec()
                } else {
                    b"From ".to_vec()
                };
                line.extend_from_slice(&name);
                line.push(b':');
                let current = ar.currentline;
                with(|s| {
                    s.log(line);
                    s.log_source_line(current);
                });
            }
            level += 1;
        }
        if level == 0 {
            with(|s| s.log_str("<error> Can't retrieve Lua stack."));
        }
    }
}

/// The text of the error value on top of the stack (a string, or an error table's `err`).
///
/// # Safety
/// `l` is valid with a value on top.
unsafe fn error_text(l: *mut ffi::lua_State) -> Vec<u8> {
    // SAFETY: reads the top value; pushes and pops one field at most.
    unsafe {
        let mut len = 0usize;
        if ffi::lua_type(l, -1) == ffi::LUA_TTABLE {
            ffi::lua_getfield(l, -1, c"err".as_ptr());
            let p = ffi::lua_tolstring(l, -1, &mut len);
            let v = if p.is_null() {
                b"(null)".to_vec()
            } else {
                std::slice::from_raw_parts(p.cast::<u8>(), len).to_vec()
            };
            ffi::lua_pop(l, 1);
            return v;
        }
        let p = ffi::lua_tolstring(l, -1, &mut len);
        if p.is_null() {
            return b"(null)".to_vec();
        }
        std::slice::from_raw_parts(p.cast::<u8>(), len).to_vec()
    }
}

/// Redis's `ldbEval`: runs the code as an expression (`return <code>`), else as a statement,
/// in its own chunk.
///
/// # Safety
/// As `print_var`.
unsafe fn eval(l: *mut ffi::lua_State, argv: &[Vec<u8>]) {
    let code = argv[1..].join(&b' ');
    let mut expr = b"return ".to_vec();
    expr.extend_from_slice(&code);
    // SAFETY: loadbuffer/pcall on the running state; every result is popped.
    unsafe {
        let name = c"@ldb_eval".as_ptr();
        if ffi::luaL_loadbuffer(l, expr.as_ptr().cast::<c_char>(), expr.len(), name) != 0 {
            ffi::lua_pop(l, 1);
            if ffi::luaL_loadbuffer(l, code.as_ptr().cast::<c_char>(), code.len(), name) != 0 {
                let mut e = b"<error> ".to_vec();
                e.extend_from_slice(&error_text(l));
                ffi::lua_pop(l, 1);
                with(|s| s.log(e));
                return;
            }
        }
        if ffi::lua_pcall(l, 0, 1, 0) != 0 {
            let mut e = b"<error> ".to_vec();
            e.extend_from_slice(&error_text(l));
            ffi::lua_pop(l, 1);
            with(|s| s.log(e));
            return;
        }
        log_stack_value(l, b"<retval> ");
        ffi::lua_pop(l, 1);
    }
}

/// Redis's `ldbRedis`: calls redis.call with stepping forced on, so the command and its
/// reply are logged.
///
/// # Safety
/// As `print_var`.
unsafe fn redis(l: *mut ffi::lua_State, argv: &[Vec<u8>]) {
    // SAFETY: pushes redis, redis.call and the arguments, pops the two results left.
    unsafe {
        if ffi::lua_checkstack(l, argv.len() as c_int + 1) == 0 {
            with(|s| {
                let mut o = b"<reply> ".to_vec();
                protocol_to_human(&mut o, b"max lua stack reached", 0);
                s.log_with_maxlen(o);
            });
            return;
        }
        ffi::lua_getfield(l, ffi::LUA_GLOBALSINDEX, c"redis".as_ptr());
        ffi::lua_pushstring(l, c"call".as_ptr());
        ffi::lua_gettable(l, -2);
        for a in &argv[1..] {
            ffi::lua_pushlstring(l, a.as_ptr().cast::<c_char>(), a.len());
        }
        with(|s| s.step = true);
        ffi::lua_pcall(l, argv.len() as c_int - 1, 1, 0);
        with(|s| s.step = false);
        ffi::lua_pop(l, 2);
    }
}

/// How the REPL ended.
enum ReplEnd {
    /// Resume the script (step, next, continue).
    Resume,
    /// The client closed the connection or the read failed.
    Closed,
    /// Raise this error into the script (abort, protocol error, buffer limit).
    Raise(&'static CStr),
}

/// Reads one debugger command, blocking (Redis's `ldbReplParseCommand` loop).
fn read_command() -> Result<Vec<Vec<u8>>, ReplEnd> {
    loop {
        match with(|s| s.parse_command()) {
            Some(Parsed::Command(argv)) => return Ok(argv),
            Some(Parsed::Error) => return Err(ReplEnd::Raise(ERR_PROTOCOL)),
            Some(Parsed::More) => {}
            None => return Err(ReplEnd::Closed),
        }
        if with(|s| s.read_more()) != Some(true) {
            // Let the script run to its end without user input.
            with(|s| {
                s.step = false;
                s.bpcount = 0;
            });
            return Err(ReplEnd::Closed);
        }
        let over = with(|s| {
            if s.cbuf.len() > MAX_CBUF {
                s.cbuf = Vec::new();
                return true;
            }
            false
        });
        if over == Some(true) {
            return Err(ReplEnd::Raise(ERR_MAX_BUFFER));
        }
    }
}

/// Redis's `ldbRepl`: executes debugger commands until one resumes the script.
///
/// # Safety
/// `l` is the state of the running script (called from the hook).
unsafe fn repl(l: *mut ffi::lua_State) -> ReplEnd {
    loop {
        let argv = match read_command() {
            Ok(a) => a,
            Err(e) => return e,
        };
        with(|s| s.cbuf.clear());
        let cmd = argv[0].to_ascii_lowercase();
        let is = |names: &[&[u8]]| names.contains(&cmd.as_slice());
        if is(&[b"h", b"help"]) {
            with(|s| HELP.iter().for_each(|h| s.log_str(h)));
        } else if is(&[b"s", b"step", b"n", b"next"]) {
            with(|s| s.step = true);
            return ReplEnd::Resume;
        } else if is(&[b"c", b"continue"]) {
            return ReplEnd::Resume;
        } else if is(&[b"t", b"trace"]) {
            // SAFETY: the caller's guarantees.
            unsafe { trace(l) };
        } else if is(&[b"m", b"maxlen"]) {
            with(|s| s.set_maxlen(&argv));
        } else if is(&[b"b", b"break"]) {
            with(|s| s.breakpoints(&argv));
        } else if is(&[b"e", b"eval"]) {
            // SAFETY: the caller's guarantees.
            unsafe { eval(l, &argv) };
        } else if is(&[b"a", b"abort"]) {
            return ReplEnd::Raise(ERR_ABORT);
        } else if argv.len() > 1 && is(&[b"r", b"redis"]) {
            // SAFETY: the caller's guarantees.
            unsafe { redis(l, &argv) };
        } else if is(&[b"p", b"print"]) {
            // SAFETY: the caller's guarantees.
            unsafe {
                if argv.len() == 2 {
                    print_var(l, &argv[1]);
                } else {
                    print_all(l);
                }
            }
        } else if is(&[b"l", b"list"]) {
            with(|s| {
                let mut around = s.currentline;
                let mut ctx = 5;
                if argv.len() > 1 {
                    let n = atoi(&argv[1]);
                    if n > 0 {
                        around = n;
                    }
                }
                if argv.len() > 2 {
                    ctx = atoi(&argv[2]);
                }
                s.list(around, ctx);
            });
        } else if is(&[b"w", b"whole"]) {
            with(|s| s.list(1, 1_000_000));
        } else {
            with(|s| {
                s.log_str(
                    "<error> Unknown Redis Lua debugger command or wrong number of arguments.",
                )
            });
        }
        with(|s| s.send_logs());
    }
}

/// What the hook does on one event; an error to raise into the script, if any.
///
/// # Safety
/// `l` is the state of the running script (called from the hook).
unsafe fn on_event(
    l: *mut ffi::lua_State,
    event: c_int,
    line: i32,
    user: bool,
) -> Option<&'static CStr> {
    let (bp, luabp, step, timed_out) = with(|s| {
        s.currentline = line;
        let bp = s.is_breakpoint(line) || s.luabp;
        (
            bp,
            s.luabp,
            s.step,
            s.resumed.elapsed().as_millis() >= s.timeout_ms,
        )
    })?;
    if !user {
        return None;
    }
    let mut timeout = false;
    if event == ffi::LUA_HOOKCOUNT && !step && !bp {
        if !timed_out {
            return None;
        }
        timeout = true;
    }
    if !(step || bp || timeout) {
        return None;
    }
    let reason = if bp {
        if luabp {
            "redis.breakpoint() called"
        } else {
            "break point"
        }
    } else if timeout {
        "timeout reached, infinite loop?"
    } else {
        "step over"
    };
    with(|s| {
        s.step = false;
        s.luabp = false;
        s.log(format!("* Stopped at {line}, stop reason = {reason}").into_bytes());
        s.log_source_line(line);
        s.send_logs();
    });
    // SAFETY: the caller's guarantees.
    match unsafe { repl(l) } {
        ReplEnd::Raise(e) => return Some(e),
        ReplEnd::Closed if timeout => return Some(ERR_TIMEOUT_CLOSED),
        _ => {}
    }
    with(|s| s.resumed = Instant::now());
    None
}

/// Pushes Redis's error table `{err = msg}` and raises it.
///
/// # Safety
/// Called from a Lua hook or C function on `l`, with no Rust value owning resources live in
/// the calling frames up to Lua's protected call (lua_error longjmps over them).
unsafe fn raise(l: *mut ffi::lua_State, msg: &'static CStr) -> ! {
    // SAFETY: the caller's guarantees.
    unsafe {
        ffi::lua_newtable(l);
        ffi::lua_pushstring(l, c"err".as_ptr());
        ffi::lua_pushstring(l, msg.as_ptr());
        ffi::lua_settable(l, -3);
        ffi::lua_error(l)
    }
}

/// The debugger's Lua hook, on every line and every 100000 instructions (Redis's
/// `luaLdbLineHook`).
unsafe extern "C-unwind" fn line_hook(l: *mut ffi::lua_State, ar: *mut ffi::lua_Debug) {
    // SAFETY: called by Lua with a valid state and debug record. Everything `on_event`
    // allocates is dropped before it returns, so `raise` longjmps over no destructor.
    unsafe {
        ffi::lua_getstack(l, 0, ar);
        ffi::lua_getinfo(l, c"Sl".as_ptr(), ar);
        let (event, line, user) = ((*ar).event, (*ar).currentline, is_user_script(&*ar));
        if let Some(msg) = on_event(l, event, line, user) {
            raise(l, msg);
        }
    }
}

/// `rust.ldb_attach()`: installs the debugger's hook on the running thread (keeping the one
/// it replaces for `ldb_detach`). Called by api.lua right before a debugged script runs.
unsafe extern "C-unwind" fn attach(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: hook getters/setters on the calling state.
    unsafe {
        PREV_HOOK.with(|p| {
            p.set((
                ffi::lua_gethook(l),
                ffi::lua_gethookmask(l),
                ffi::lua_gethookcount(l),
            ))
        });
        ffi::lua_sethook(
            l,
            Some(line_hook),
            ffi::LUA_MASKLINE | ffi::LUA_MASKCOUNT,
            100_000,
        );
    }
    0
}

/// `rust.ldb_detach()`: puts back the hook `ldb_attach` replaced.
unsafe extern "C-unwind" fn detach(l: *mut ffi::lua_State) -> c_int {
    let (hook, mask, count) = PREV_HOOK.with(|p| p.get());
    // SAFETY: restores a hook previously installed on this state.
    unsafe { ffi::lua_sethook(l, hook, mask, count) };
    0
}

/// `redis.breakpoint()`: stop at the next line; true while debugging.
unsafe extern "C-unwind" fn breakpoint(l: *mut ffi::lua_State) -> c_int {
    let active = with(|s| s.luabp = true).is_some();
    // SAFETY: pushes one result.
    unsafe { ffi::lua_pushboolean(l, c_int::from(active)) };
    1
}

/// `redis.debug(...)`: logs its arguments in the debugger console.
unsafe extern "C-unwind" fn debug(l: *mut ffi::lua_State) -> c_int {
    let Some(line) = with(|s| s.currentline) else {
        return 0;
    };
    let mut log = format!("<debug> line {line}: ").into_bytes();
    // SAFETY: reads the arguments on the stack.
    unsafe {
        let argc = ffi::lua_gettop(l);
        for i in 1..=argc {
            cat_stack_value(&mut log, l, i, 0);
            if i != argc {
                log.extend_from_slice(b", ");
            }
        }
    }
    with(|s| s.log(log));
    0
}

/// Registers `ldb_attach`, `ldb_detach`, `ldb_breakpoint` and `ldb_debug` in `rust`.
pub fn register(lua: &mlua::Lua, rust: &mlua::Table) -> mlua::Result<()> {
    // SAFETY: the functions follow the Lua C API protocol (see each one).
    unsafe {
        rust.set("ldb_attach", lua.create_c_function(attach)?)?;
        rust.set("ldb_detach", lua.create_c_function(detach)?)?;
        rust.set("ldb_breakpoint", lua.create_c_function(breakpoint)?)?;
        rust.set("ldb_debug", lua.create_c_function(debug)?)?;
    }
    Ok(())
}

/// A blocking read into `buf`, retried on EINTR.
fn read_retrying(fd: RawFd, buf: &mut [u8]) -> isize {
    loop {
        // SAFETY: a blocking read into a buffer we own.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
            continue;
        }
        return n;
    }
}

/// Writes all of `data` to the blocking socket (errors end it: the next read sees them).
fn write_all(fd: RawFd, mut data: &[u8]) {
    while !data.is_empty() {
        // SAFETY: a blocking send from our own buffer.
        let n = unsafe { libc::send(fd, data.as_ptr().cast(), data.len(), libc::MSG_NOSIGNAL) };
        if n < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
            continue;
        }
        if n <= 0 {
            return;
        }
        data = &data[n as usize..];
    }
}

/// Sets the socket's `SO_SNDTIMEO` (Redis's `connSendTimeout`).
fn send_timeout(fd: RawFd, ms: i64) {
    let tv = libc::timeval {
        tv_sec: (ms / 1000) as libc::time_t,
        tv_usec: ((ms % 1000) * 1000) as libc::suseconds_t,
    };
    // SAFETY: setsockopt with a valid timeval on a socket we own.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_SNDTIMEO,
            (&tv as *const libc::timeval).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        );
    }
}

/// SCRIPT DEBUG YES|SYNC|NO (Redis's `ldbEnable` / `ldbDisable`).
pub fn script_debug(ctx: &mut Ctx, mode: &[u8]) -> CmdResult {
    let pending = !ctx.out.is_empty()
        || ctx
            .srv
            .clients
            .get(ctx.cid)
            .is_some_and(|c| !c.out.is_empty() || !c.chain.is_empty());
    if pending {
        return Err(Error::Msg(
            "ERR SCRIPT DEBUG must be called outside a pipeline",
        ));
    }
    let bits = if mode.eq_ignore_ascii_case(b"no") {
        0
    } else if mode.eq_ignore_ascii_case(b"yes") {
        flag::LUA_DEBUG
    } else if mode.eq_ignore_ascii_case(b"sync") {
        flag::LUA_DEBUG | flag::LUA_DEBUG_SYNC
    } else {
        return Err(Error::Msg("ERR Use SCRIPT DEBUG YES/SYNC/NO"));
    };
    let Some(c) = ctx.srv.clients.get_mut(ctx.cid) else {
        return Ok(());
    };
    c.flags = (c.flags & !(flag::LUA_DEBUG | flag::LUA_DEBUG_SYNC)) | bits;
    ctx.out.ok();
    Ok(())
}

/// Whether client `cid` is in debug mode (SCRIPT DEBUG YES or SYNC).
pub fn client_debugging(srv: &Server, cid: usize) -> bool {
    srv.clients.get(cid).is_some_and(|c| c.has(flag::LUA_DEBUG))
}

fn disable(srv: &mut Server, cid: usize) {
    if let Some(c) = srv.clients.get_mut(cid) {
        c.flags &= !(flag::LUA_DEBUG | flag::LUA_DEBUG_SYNC);
    }
}

/// EVAL for a client in debug mode (Redis's `evalGenericCommandWithDebugging`): starts the
/// session (forking in YES mode), runs `eval` (the normal EVAL, whose script then runs under
/// the debugger's hook), and ends the session: `<endsession>`, then the EVAL reply, then the
/// connection closes. In the forked child this function does not return.
pub fn eval_with_debugging(
    ctx: &mut Ctx,
    script: &[u8],
    eval: impl FnOnce(&mut Ctx) -> CmdResult,
) -> CmdResult {
    let cid = ctx.cid;
    let sync = ctx
        .srv
        .clients
        .get(cid)
        .is_some_and(|c| c.has(flag::LUA_DEBUG_SYNC));
    // Input that arrived with the EVAL stays unread, as in Redis's query buffer (and, the
    // connection closing at the end, is never executed); what came after it is the
    // debugger's.
    let Some((_, input)) = ctx.srv.detach_for_blocking_io(cid) else {
        disable(ctx.srv, cid);
        return Err(Error::Msg("ERR can't run EVAL in debugging mode"));
    };
    let Some(fd) = ctx.srv.clients.get(cid).map(|c| c.fd) else {
        return Ok(());
    };
    if !sync {
        let started = Instant::now();
        // SAFETY: fork has no memory-safety preconditions. The child runs the session on
        // this thread only, never touches the ring (see the module invariants) and leaves
        // with _exit.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            let e = std::io::Error::last_os_error();
            disable(ctx.srv, cid);
            return Err(Error::Text(format!(
                "ERR Fork() failed: can't run EVAL in debugging mode: {e}"
            )));
        }
        if pid > 0 {
            let stats = &mut ctx.srv.children.stats;
            stats.total_forks += 1;
            stats.latest_fork_usec = started.elapsed().as_micros() as u64;
            ctx.srv.scripting.ldb_children.push(pid);
            disable(ctx.srv, cid);
            ctx.srv.close_handed_over(cid);
            return Ok(());
        }
        // SAFETY: child side: the parent's signal handlers only set flags the child never
        // reads; Redis's child ignores SIGTERM and SIGINT. The listening sockets are closed so
        // that only the parent accepts (the ring keeps its own references for the parent).
        unsafe {
            libc::signal(libc::SIGTERM, libc::SIG_IGN);
            libc::signal(libc::SIGINT, libc::SIG_IGN);
            for (lfd, _) in &ctx.srv.listeners {
                libc::close(*lfd);
            }
        }
        tracing::warn!("Redis forked for debugging eval");
    } else {
        tracing::warn!("Redis synchronous debugging eval session started");
    }
    // SAFETY: fcntl on the client's socket; no ring operation is in flight on it.
    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if fl >= 0 && fl & libc::O_NONBLOCK != 0 {
        // SAFETY: as above.
        unsafe { libc::fcntl(fd, libc::F_SETFL, fl & !libc::O_NONBLOCK) };
    }
    send_timeout(fd, 5000);
    let mut src = script;
    while let [rest @ .., b'\n' | b'\r'] = src {
        src = rest;
    }
    let lines: Vec<Vec<u8>> = if src.is_empty() {
        Vec::new()
    } else {
        src.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
    };
    let threshold = ctx
        .srv
        .config
        .get("busy-reply-threshold")
        .and_then(|v| v.parse::<u128>().ok())
        .unwrap_or(5000);
    let tls = ctx.srv.clients.get_mut(cid).and_then(|c| c.tls.take());
    SESSION.with(|s| {
        *s.borrow_mut() = Some(Session {
            fd,
            tls,
            eof: false,
            forked: !sync,
            logs: Vec::new(),
            bp: [0; BREAKPOINTS_MAX],
            bpcount: 0,
            step: true,
            luabp: false,
            src: lines,
            currentline: 0,
            cbuf: input,
            maxlen: MAX_LEN_DEFAULT,
            maxlen_hint_sent: false,
            resumed: Instant::now(),
            timeout_ms: if threshold == 0 { 5000 } else { threshold },
        })
    });
    if let Err(e) = eval(ctx) {
        crate::cmd::reply_error(ctx.srv, ctx.out, &e.bytes());
    }
    let Some(mut session) = SESSION.with(|s| s.borrow_mut().take()) else {
        return Ok(());
    };
    session.log_str("<endsession>");
    session.send_logs();
    if session.forked {
        // Everything the client is owed, in the order the loop would send it.
        let out = std::mem::take(ctx.out);
        if let Some(c) = ctx.srv.clients.get_mut(cid) {
            c.restore_out(out);
            for piece in c.chain.iter() {
                session.write(piece);
            }
            session.write(&c.out.buf);
        }
        tracing::warn!("Lua debugging session child exiting");
        // SAFETY: leaving the child without destructors or atexit handlers, which would
        // touch state shared with the parent (the ring).
        unsafe { libc::_exit(0) };
    }
    tracing::warn!("Redis synchronous debugging eval session ended");
    if fl >= 0 {
        // SAFETY: restores the socket's flags.
        unsafe { libc::fcntl(fd, libc::F_SETFL, fl) };
    }
    send_timeout(fd, 0);
    let inside_exec = ctx.srv.exec_depth > 0;
    if let Some(c) = ctx.srv.clients.get_mut(cid) {
        c.tls = session.tls.take();
        c.flags |= flag::CLOSE_AFTER_REPLY;
        if inside_exec && ctx.out.chunks.is_empty() {
            // Redis adds no reply to a client closing after its reply: the commands queued
            // after this EVAL in the transaction still run, silently. What the batch has
            // written so far (the EVAL reply last) moves to the client's own buffer, sent
            // first, and replies are switched off for the rest.
            let mut rest = std::mem::take(&mut c.out.buf);
            c.out.buf = std::mem::take(&mut ctx.out.buf);
            c.out.buf.append(&mut rest);
            c.flags |= flag::REPLY_OFF;
        }
    }
    Ok(())
}

/// Reaps finished forked sessions (Redis's `ldbRemoveChild` from `checkChildrenDone`).
pub fn reap_children(srv: &mut Server) {
    srv.scripting.ldb_children.retain(|&pid| {
        let mut status = 0;
        // SAFETY: waitpid on our own child with a valid status pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        r == 0
    });
}

/// Kills every forked session (Redis's `ldbKillForkedSessions`, at shutdown).
pub fn kill_forked_sessions(srv: &mut Server) {
    for pid in srv.scripting.ldb_children.drain(..) {
        tracing::warn!("Killing debugging session {pid}");
        // SAFETY: signals and reaps our own child.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            fd: -1,
            tls: None,
            eof: false,
            forked: false,
            logs: Vec::new(),
            bp: [0; BREAKPOINTS_MAX],
            bpcount: 0,
            step: false,
            luabp: false,
            src: (1..=10).map(|i| format!("line {i}").into_bytes()).collect(),
            currentline: 1,
            cbuf: Vec::new(),
            maxlen: MAX_LEN_DEFAULT,
            maxlen_hint_sent: false,
            resumed: Instant::now(),
            timeout_ms: 5000,
        }
    }

    #[test]
    fn human_replies() {
        let h = |r: &[u8]| {
            let mut o = Vec::new();
            protocol_to_human(&mut o, r, 0);
            String::from_utf8(o).unwrap()
        };
        assert_eq!(h(b":12\r\n"), "12");
        assert_eq!(h(b"$3\r\na\"b\r\n"), "\"a\\\"b\"");
        assert_eq!(h(b"$-1\r\n"), "NULL");
        assert_eq!(h(b"+OK\r\n"), "\"+OK\"");
        assert_eq!(h(b"-ERR x\r\n"), "\"-ERR x\"");
        assert_eq!(h(b"*2\r\n:1\r\n$1\r\nx\r\n"), "[1,\"x\"]");
        assert_eq!(h(b"*-1\r\n"), "NULL");
        assert_eq!(h(b"%1\r\n+a\r\n:1\r\n"), "{\"+a\" => 1}");
        assert_eq!(h(b"~2\r\n:1\r\n:2\r\n"), "~(1,2)");
        assert_eq!(h(b"_\r\n"), "(null)");
        assert_eq!(h(b"#t\r\n"), "#true");
        assert_eq!(h(b",1.5\r\n"), "(double) 1.5");
        // Truncated input never reads out of bounds.
        assert_eq!(h(b"*3\r\n:1\r\n"), "[1,,]");
        assert_eq!(h(b"$10\r\nab"), "\"ab\"");
    }

    #[test]
    fn command_parser_is_redis_forgiving_one() {
        let mut s = session();
        let parse = |s: &mut Session, b: &[u8]| {
            s.cbuf = b.to_vec();
            match s.parse_command() {
                Parsed::Command(a) => Ok(Some(a)),
                Parsed::More => Ok(None),
                Parsed::Error => Err(()),
            }
        };
        assert_eq!(parse(&mut s, b""), Ok(None));
        assert_eq!(
            parse(&mut s, b"*1\r\n$4\r\nstep\r\n"),
            Ok(Some(vec![b"step".to_vec()]))
        );
        assert_eq!(parse(&mut s, b"*1\r\n$4\r\nst"), Ok(None));
        assert_eq!(parse(&mut s, b"*1\r\n"), Ok(None));
        assert_eq!(parse(&mut s, b"step\r\n"), Err(()));
        assert_eq!(parse(&mut s, b"*0\r\n"), Err(()));
        assert_eq!(parse(&mut s, b"*1\r\n$0\r\n\r\n"), Err(()));
        assert_eq!(parse(&mut s, b"*1\r\n:4\r\n"), Err(()));
        assert_eq!(parse(&mut s, b"*1\r\n$1\r\nab\r\n"), Err(()));
    }

    #[test]
    fn breakpoint_removal_moves_bytes_like_redis() {
        let mut s = session();
        for l in [3, 5, 7] {
            assert!(s.add_breakpoint(l));
        }
        assert!(s.del_breakpoint(3));
        // memmove(bp, bp+1, 2 bytes): bp[0] takes 5's low bytes, bp[1] keeps 5.
        assert_eq!(&s.bp[..s.bpcount], &[5, 5]);
        assert!(!s.add_breakpoint(11));
        assert!(!s.add_breakpoint(0));
    }

    #[test]
    fn atoi_and_repr() {
        assert_eq!(atoi(b" 12x"), 12);
        assert_eq!(atoi(b"-3"), -3);
        assert_eq!(atoi(b"x"), 0);
        let mut o = Vec::new();
        cat_repr(&mut o, b"a\n\x01\\");
        assert_eq!(o, b"\"a\\n\\x01\\\\\"");
        assert_eq!(fmt_g(1.0), "1");
        assert_eq!(fmt_g(0.1), "0.1");
        assert_eq!(fmt_g(1e20), "1e+20");
    }
}
