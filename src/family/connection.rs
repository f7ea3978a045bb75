//! Connection commands: PING, ECHO, QUIT, SELECT, HELLO, RESET and the CLIENT container (ID,
//! SETNAME, GETNAME, LIST, INFO, KILL, REPLY, NO-EVICT, NO-TOUCH, SETINFO, HELP).
//!
//! These read and change the calling client's own state (`ctx.srv.clients[ctx.cid]`), except
//! CLIENT LIST/KILL, which walk every connected client. The calling client's reply buffer is
//! borrowed out into `ctx.out` while a command runs, so its protocol (`ctx.out.resp3`) and
//! pending reply are read from there, never from the slab entry.

use std::collections::HashMap;
use std::io::Write;

use bytes::Bytes;

use crate::cmd::args::is;
use crate::cmd::table::{Command, NO_KEYS, flags::*};
use crate::cmd::{CmdResult, Ctx, Error, parse_int};
use crate::keyspace::clock;
use crate::net::client::{Client, flag};
use crate::ops::report::c_str;

/// PING [message]
fn cmd_ping(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    // The table's arity is "at least 1"; Redis checks the upper bound in the handler.
    if argv.len() > 2 {
        return Err(Error::Msg(
            "ERR wrong number of arguments for 'ping' command",
        ));
    }
    // A RESP2 client in subscribed mode gets PING's reply as a message-like array.
    if !ctx.out.resp3 && ctx.srv.clients[ctx.cid].has(flag::PUBSUB) {
        ctx.out.array(2);
        ctx.out.bulk(b"pong");
        ctx.out.bulk(argv.get(1).map_or(&b""[..], |m| m));
        return Ok(());
    }
    match argv.get(1) {
        None => ctx.out.simple(b"PONG"),
        Some(m) => ctx.out.bulk(m),
    }
    Ok(())
}

/// ECHO message
fn cmd_echo(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    ctx.out.bulk(&argv[1]);
    Ok(())
}

/// QUIT: replies OK and closes the connection once the reply is written.
fn cmd_quit(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.ok();
    ctx.srv.clients[ctx.cid].flags |= flag::CLOSE_AFTER_REPLY;
    Ok(())
}

/// SELECT index
fn cmd_select(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let idx = parse_int(&argv[1]).map_err(|_| Error::NotInteger)?;
    if i32::try_from(idx).is_err() {
        return Err(Error::Msg(
            "ERR value is out of range, value must between -2147483648 and 2147483647",
        ));
    }
    if idx < 0 || idx as usize >= ctx.srv.dbs.len() {
        return Err(Error::Msg("ERR DB index is out of range"));
    }
    ctx.db = idx as usize;
    ctx.out.ok();
    Ok(())
}

/// RESET: back to a fresh connection's state (db 0, RESP2, no name, replies on, no
/// NO-EVICT/NO-TOUCH, no subscriptions) and replies `+RESET`.
fn cmd_reset(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.db = 0;
    ctx.out.resp3 = false;
    crate::multi::discard(ctx.srv, ctx.cid);
    // Silently, like Redis's clearClientConnectionState; also leaves subscribed mode.
    crate::pubsub::unsubscribe_everything(ctx.srv, ctx.cid);
    // Leaves MONITOR mode too (`crate::ops`).
    crate::ops::stop_monitor(ctx.srv, ctx.cid);
    crate::tracking::disable(ctx.srv, ctx.cid);
    let c = &mut ctx.srv.clients[ctx.cid];
    c.name = None;
    c.flags &= !(flag::REPLY_OFF | flag::REPLY_SKIP_NEXT | flag::NO_EVICT | flag::NO_TOUCH);
    crate::acl::set_default_auth(ctx.srv, ctx.cid);
    ctx.out.simple(b"RESET");
    Ok(())
}

/// HELLO [protover [AUTH username password] [SETNAME clientname]]
fn cmd_hello(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut ver = 0;
    if let Some(v) = argv.get(1) {
        ver = parse_int(v)
            .map_err(|_| Error::Msg("ERR Protocol version is not an integer or out of range"))?;
        if !(2..=3).contains(&ver) {
            return Err(Error::Msg("NOPROTO unsupported protocol version"));
        }
    }
    // Like Redis 7.0, options take effect one by one as they are parsed: a name set before a
    // failing option stays set.
    let mut j = 2;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let opt = &argv[j];
        if is(opt, "auth") && more >= 2 {
            let (user, pass) = (&argv[j + 1], &argv[j + 2]);
            if crate::acl::authenticate(ctx.srv, ctx.cid, user, pass, &argv[0]).is_err() {
                return Err(Error::Msg(
                    "WRONGPASS invalid username-password pair or user is disabled.",
                ));
            }
            j += 3;
        } else if is(opt, "setname") && more >= 1 {
            set_name(&mut ctx.srv.clients[ctx.cid], &argv[j + 1])?;
            j += 2;
        } else {
            return Err(Error::concat(&[
                b"ERR Syntax error in HELLO option '",
                c_str(opt),
                b"'",
            ]));
        }
    }
    if !ctx.srv.clients[ctx.cid].authenticated {
        return Err(Error::Msg(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
        ));
    }
    if ver != 0 {
        ctx.out.resp3 = ver == 3;
    }
    let proto = if ctx.out.resp3 { 3 } else { 2 };
    let id = ctx.srv.clients[ctx.cid].id as i64;
    let out = &mut *ctx.out;
    out.map(7);
    out.bulk(b"server");
    out.bulk(b"redis");
    out.bulk(b"version");
    out.bulk(crate::REDIS_COMPAT_VERSION.as_bytes());
    out.bulk(b"proto");
    out.int(proto);
    out.bulk(b"id");
    out.int(id);
    out.bulk(b"mode");
    out.bulk(b"standalone");
    out.bulk(b"role");
    out.bulk(b"master");
    out.bulk(b"modules");
    out.array(0);
    Ok(())
}

/// Whether `v` may appear in CLIENT LIST without breaking its space-separated format: only
/// printable ASCII other than space.
fn printable(v: &[u8]) -> bool {
    v.iter().all(|&b| (b'!'..=b'~').contains(&b))
}

/// Sets (or, with an empty name, clears) a client's name, with Redis's validation.
fn set_name(c: &mut Client, name: &[u8]) -> CmdResult {
    if name.is_empty() {
        c.name = None;
        return Ok(());
    }
    if !printable(name) {
        return Err(Error::Msg(
            "ERR Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    c.name = Some(name.to_vec());
    Ok(())
}

/// CLIENT ID
fn cmd_client_id(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let id = ctx.srv.clients[ctx.cid].id;
    ctx.out.int(id as i64);
    Ok(())
}

/// CLIENT SETNAME connection-name
fn cmd_client_setname(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    set_name(&mut ctx.srv.clients[ctx.cid], &argv[2])?;
    ctx.out.ok();
    Ok(())
}

/// CLIENT GETNAME
fn cmd_client_getname(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    match &ctx.srv.clients[ctx.cid].name {
        Some(n) => ctx.out.bulk(n),
        None => ctx.out.null(),
    }
    Ok(())
}

/// Client types, for the TYPE filters of CLIENT LIST and CLIENT KILL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientType {
    Normal,
    Replica,
    PubSub,
    Master,
}

fn client_type_by_name(name: &[u8]) -> Result<ClientType, Error> {
    match name.to_ascii_lowercase().as_slice() {
        b"normal" => Ok(ClientType::Normal),
        b"slave" | b"replica" => Ok(ClientType::Replica),
        b"pubsub" => Ok(ClientType::PubSub),
        b"master" => Ok(ClientType::Master),
        _ => Err(Error::concat(&[
            b"ERR Unknown client type '",
            c_str(name),
            b"'",
        ])),
    }
}

/// The type of a connected client (Redis's getClientType).
fn client_type(c: &Client) -> ClientType {
    if c.has(flag::MASTER) {
        ClientType::Master
    } else if c.repl.as_ref().is_some_and(|l| l.is_replica()) {
        ClientType::Replica
    } else if c.has(flag::PUBSUB) {
        ClientType::PubSub
    } else {
        ClientType::Normal
    }
}

/// A client's CLIENT LIST line as seen by another client (Redis's catClientInfoString), for
/// log lines.
pub(crate) fn client_info_string(slot: usize, c: &Client) -> Vec<u8> {
    let mut buf = Vec::new();
    let other = Caller {
        cid: usize::MAX,
        resp3: false,
        pending: 0,
        out_capacity: 0,
        argv: &[],
    };
    info_line(&mut buf, slot, c, &other);
    buf
}

/// What CLIENT LIST reports about the calling client that is not in its slab entry while it runs.
struct Caller<'a> {
    cid: usize,
    resp3: bool,
    pending: usize,
    out_capacity: usize,
    argv: &'a [Bytes],
}

/// Appends one CLIENT LIST line (without the newline), in Redis 7.0's field order.
fn info_line(buf: &mut Vec<u8>, slot: usize, c: &Client, caller: &Caller) {
    let me = slot == caller.cid;
    let now_s = clock::now_ms() / 1000;
    let (resp, obl, rbs, argv_mem) = if me {
        let argv_mem: usize = caller.argv.iter().map(|a| a.len()).sum();
        (
            if caller.resp3 { 3 } else { 2 },
            caller.pending + c.pending_output(),
            caller.out_capacity,
            argv_mem,
        )
    } else {
        let resp = if c.out.resp3 { 3 } else { 2 };
        (resp, c.pending_output(), c.out.buf.capacity(), 0)
    };
    // Redis keeps the first 16 KiB of replies in the client's fixed buffer (`obl`) and the
    // rest in a list of blocks (`oll` blocks, `omem` bytes): split the pending bytes alike.
    let pending = obl;
    let obl = pending.min(crate::pubsub::REPLY_CHUNK);
    let omem = pending - obl;
    let oll = omem.div_ceil(crate::pubsub::REPLY_CHUNK);
    let qbuf = c.rbuf.len();
    let qbuf_free = c.rbuf.capacity() - qbuf;
    let tot_mem = std::mem::size_of::<Client>()
        + c.rbuf.capacity()
        + rbs
        + c.sending.capacity()
        + c.name.as_ref().map_or(0, |n| n.len())
        + argv_mem;
    let events = if c.send_inflight { "rw" } else { "r" };
    let multi = if c.has(flag::MULTI) {
        c.multi.len() as i64
    } else {
        -1
    };
    // Redis's mstate.argv_len_sums: each queued command's argument bytes plus a pointer per
    // argument.
    let multi_mem: usize = c
        .multi
        .iter()
        .map(|argv| argv.iter().map(|a| a.len()).sum::<usize>() + 8 * argv.len())
        .sum();
    let tot_mem = tot_mem + multi_mem;
    let _ = write!(
        buf,
        "id={} addr={} laddr={} fd={} name=",
        c.id, c.addr, c.laddr, c.fd
    );
    if let Some(n) = &c.name {
        buf.extend_from_slice(n);
    }
    let _ = write!(
        buf,
        " age={} idle={} flags={} db={} sub={} psub={} ssub={} multi={multi} qbuf={qbuf} \
         qbuf-free={qbuf_free} argv-mem={argv_mem} multi-mem={multi_mem} rbs={rbs} rbp={rbs} obl={obl} \
         oll={oll} omem={omem} tot-mem={tot_mem} events={events} cmd={} user={} redir={} resp={resp}",
        (now_s - c.ctime / 1000).max(0),
        (now_s - c.last_interaction / 1000).max(0),
        c.flag_letters(),
        c.db,
        c.subs.channels(),
        c.subs.patterns(),
        c.subs.shard_channels(),
        c.last_cmd,
        String::from_utf8_lossy(&c.user_name),
        crate::tracking::redirect_of(&c.tracking),
    );
}

fn caller<'a>(ctx: &Ctx, argv: &'a [Bytes]) -> Caller<'a> {
    Caller {
        cid: ctx.cid,
        resp3: ctx.out.resp3,
        pending: ctx.out.len(),
        out_capacity: ctx.out.buf.capacity(),
        argv,
    }
}

/// Live clients' slots in connection order (Redis lists clients oldest first).
fn clients_by_id(ctx: &Ctx) -> Vec<usize> {
    let mut v: Vec<(u64, usize)> = ctx
        .srv
        .clients
        .iter()
        .filter(|(_, c)| !c.closing)
        .map(|(slot, c)| (c.id, slot))
        .collect();
    v.sort_unstable();
    v.into_iter().map(|(_, slot)| slot).collect()
}

/// CLIENT INFO
fn cmd_client_info(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let caller = caller(ctx, argv);
    let mut buf = Vec::with_capacity(512);
    info_line(&mut buf, ctx.cid, &ctx.srv.clients[ctx.cid], &caller);
    buf.push(b'\n');
    ctx.out.verbatim(&buf);
    Ok(())
}

/// CLIENT LIST [TYPE normal|master|replica|pubsub] [ID client-id [client-id ...]]
fn cmd_client_list(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut ty = None;
    let mut ids = None;
    if argv.len() == 4 && is(&argv[2], "type") {
        ty = Some(client_type_by_name(&argv[3])?);
    } else if argv.len() > 3 && is(&argv[2], "id") {
        let mut v = Vec::with_capacity(argv.len() - 3);
        for a in &argv[3..] {
            v.push(parse_int(a).map_err(|_| Error::Msg("ERR Invalid client ID"))?);
        }
        ids = Some(v);
    } else if argv.len() != 2 {
        return Err(Error::Syntax);
    }
    let caller = caller(ctx, argv);
    let slots: Vec<usize> = match ids {
        Some(ids) => {
            let by_id: HashMap<u64, usize> = ctx
                .srv
                .clients
                .iter()
                .filter(|(_, c)| !c.closing)
                .map(|(slot, c)| (c.id, slot))
                .collect();
            ids.iter()
                .filter_map(|&id| {
                    u64::try_from(id)
                        .ok()
                        .and_then(|id| by_id.get(&id).copied())
                })
                .collect()
        }
        None => clients_by_id(ctx),
    };
    let mut buf = Vec::with_capacity(slots.len() * 300);
    for slot in slots {
        let c = &ctx.srv.clients[slot];
        if ty.is_some_and(|t| client_type(c) != t) {
            continue;
        }
        info_line(&mut buf, slot, c, &caller);
        buf.push(b'\n');
    }
    ctx.out.verbatim(&buf);
    Ok(())
}

/// CLIENT KILL ip:port
/// CLIENT KILL [ID client-id] [TYPE normal|master|replica|pubsub] [USER username]
///             [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no] ...
fn cmd_client_kill(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let old_form = argv.len() == 3;
    let mut addr: Option<&[u8]> = None;
    let mut laddr: Option<&[u8]> = None;
    let mut ty = None;
    let mut id = None;
    let mut user = None;
    let mut skipme = true;
    if old_form {
        addr = Some(&argv[2]);
        // With the old form a client can kill itself.
        skipme = false;
    } else {
        let mut i = 2;
        while i < argv.len() {
            let (opt, Some(val)) = (&argv[i], argv.get(i + 1)) else {
                return Err(Error::Syntax);
            };
            if is(opt, "id") {
                match parse_int(val) {
                    Ok(n) if n >= 1 => id = Some(n as u64),
                    _ => return Err(Error::Msg("ERR client-id should be greater than 0")),
                }
            } else if is(opt, "type") {
                ty = Some(client_type_by_name(val)?);
            } else if is(opt, "addr") {
                addr = Some(val);
            } else if is(opt, "laddr") {
                laddr = Some(val);
            } else if is(opt, "user") {
                match ctx.srv.acl.by_name(val) {
                    Some(slot) => user = Some(slot),
                    None => {
                        return Err(Error::concat(&[b"ERR No such user '", c_str(val), b"'"]));
                    }
                }
            } else if is(opt, "skipme") {
                if is(val, "yes") {
                    skipme = true;
                } else if is(val, "no") {
                    skipme = false;
                } else {
                    return Err(Error::Syntax);
                }
            } else {
                return Err(Error::Syntax);
            }
            i += 2;
        }
    }
    let me = ctx.cid;
    let victims: Vec<usize> = ctx
        .srv
        .clients
        .iter()
        .filter(|&(slot, c)| {
            !c.closing
                && addr.is_none_or(|a| c.addr.as_bytes() == a)
                && laddr.is_none_or(|a| c.laddr.as_bytes() == a)
                && ty.is_none_or(|t| client_type(c) == t)
                && id.is_none_or(|id| c.id == id)
                && user.is_none_or(|u| c.user == u)
                && !(skipme && slot == me)
        })
        .map(|(slot, _)| slot)
        .collect();
    let mut close_me = false;
    for &slot in &victims {
        if slot == me {
            close_me = true;
        } else {
            ctx.srv.close_client(slot);
        }
    }
    if old_form {
        if victims.is_empty() {
            return Err(Error::Msg("ERR No such client"));
        }
        ctx.out.ok();
    } else {
        ctx.out.int(victims.len() as i64);
    }
    // Never free the running client: it closes once its reply is written.
    if close_me {
        ctx.srv.clients[me].flags |= flag::CLOSE_AFTER_REPLY;
    }
    Ok(())
}

/// CLIENT REPLY ON|OFF|SKIP. OFF and SKIP reply nothing; the replies themselves are dropped by
/// `Client::after_command`.
fn cmd_client_reply(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let c = &mut ctx.srv.clients[ctx.cid];
    let mode = &argv[2];
    if is(mode, "on") {
        c.flags &= !(flag::REPLY_SKIP | flag::REPLY_OFF);
        ctx.out.ok();
    } else if is(mode, "off") {
        c.flags |= flag::REPLY_OFF;
    } else if is(mode, "skip") {
        if !c.has(flag::REPLY_OFF) {
            c.flags |= flag::REPLY_SKIP_NEXT;
        }
    } else {
        return Err(Error::Syntax);
    }
    Ok(())
}

/// Sets or clears one of the calling client's flags from an ON|OFF argument.
fn on_off_flag(ctx: &mut Ctx, arg: &[u8], f: u32) -> CmdResult {
    let c = &mut ctx.srv.clients[ctx.cid];
    if is(arg, "on") {
        c.flags |= f;
    } else if is(arg, "off") {
        c.flags &= !f;
    } else {
        return Err(Error::Syntax);
    }
    ctx.out.ok();
    Ok(())
}

/// CLIENT NO-EVICT ON|OFF
fn cmd_client_no_evict(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    on_off_flag(ctx, &argv[2], flag::NO_EVICT)
}

/// CLIENT NO-TOUCH ON|OFF (Redis 7.2): while on, commands other than TOUCH leave the access
/// time of the keys they read alone (applied in `cmd::call`).
fn cmd_client_no_touch(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    on_off_flag(ctx, &argv[2], flag::NO_TOUCH)
}

/// CLIENT SETINFO LIB-NAME libname | LIB-VER libver (Redis 7.2, sent by client libraries).
fn cmd_client_setinfo(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let (attr, val) = (&argv[2], &argv[3]);
    let lib_name = if is(attr, "lib-name") {
        true
    } else if is(attr, "lib-ver") {
        false
    } else {
        return Err(Error::err(format_args!(
            "Unrecognized option '{}'",
            String::from_utf8_lossy(attr)
        )));
    };
    if !printable(val) {
        return Err(Error::err(format_args!(
            "{} cannot contain spaces, newlines or special characters.",
            String::from_utf8_lossy(attr)
        )));
    }
    let c = &mut ctx.srv.clients[ctx.cid];
    let dest = if lib_name {
        &mut c.lib_name
    } else {
        &mut c.lib_ver
    };
    *dest = val.to_vec();
    ctx.out.ok();
    Ok(())
}

// ---- Client-side caching and pausing: the work is in `crate::tracking` and `crate::pause`.

/// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX prefix ...] [OPTIN] [OPTOUT] [NOLOOP]
fn cmd_client_tracking(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    crate::tracking::client_tracking(ctx.srv, ctx.cid, argv)?;
    ctx.out.ok();
    Ok(())
}

/// CLIENT CACHING YES|NO
fn cmd_client_caching(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    crate::tracking::client_caching(ctx.srv, ctx.cid, &argv[2])?;
    ctx.out.ok();
    Ok(())
}

/// CLIENT GETREDIR
fn cmd_client_getredir(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let r = crate::tracking::redirect_of(&ctx.srv.clients[ctx.cid].tracking);
    ctx.out.int(r);
    Ok(())
}

/// CLIENT TRACKINGINFO
fn cmd_client_trackinginfo(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    crate::tracking::tracking_info(&ctx.srv.clients[ctx.cid].tracking, ctx.out);
    Ok(())
}

/// CLIENT PAUSE timeout [WRITE|ALL]
fn cmd_client_pause(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 4 {
        return Err(crate::cmd::subcommand_syntax_error(argv));
    }
    crate::pause::client_pause(ctx.srv, argv)?;
    ctx.out.ok();
    Ok(())
}

/// CLIENT UNPAUSE
fn cmd_client_unpause(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.srv.unpause(crate::pause::Purpose::ClientCommand);
    ctx.out.ok();
    Ok(())
}

/// CLIENT HELP: Redis's text, for the subcommands implemented here.
const CLIENT_HELP: &[&str] = &[
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "NO-TOUCH (ON|OFF)",
    "    Will not touch LRU/LFU stats when this mode is on.",
    "HELP",
    "    Prints this help.",
];

/// CLIENT HELP
fn cmd_client_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.array(CLIENT_HELP.len());
    for line in CLIENT_HELP {
        ctx.out.simple(line.as_bytes());
    }
    Ok(())
}

/// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: ends another client's blocking command early,
/// as a timeout (default) or with an UNBLOCKED error. Replies 1 if it was blocked.
fn cmd_client_unblock(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() > 4 {
        return Err(Error::Msg(
            "ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.",
        ));
    }
    let error = match argv.get(3) {
        None => false,
        Some(r) if r.eq_ignore_ascii_case(b"timeout") => false,
        Some(r) if r.eq_ignore_ascii_case(b"error") => true,
        Some(_) => {
            return Err(Error::Msg(
                "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
            ));
        }
    };
    let id = parse_int(&argv[2])?;
    let slot = ctx
        .srv
        .clients
        .iter()
        .find(|(_, c)| c.id as i64 == id && !c.closing)
        .map(|(slot, _)| slot);
    let done = slot.is_some_and(|s| crate::blocking::client_unblock(ctx.srv, s, error));
    ctx.out.int(done as i64);
    Ok(())
}

const CLIENT_FLAGS: u32 = NOSCRIPT | LOADING | STALE;

static CLIENT_SUBCOMMANDS: &[Command] = &[
    Command::new("client|id", 2, CLIENT_FLAGS, NO_KEYS, cmd_client_id),
    Command::new(
        "client|setname",
        3,
        CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_setname,
    ),
    Command::new(
        "client|getname",
        2,
        CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_getname,
    ),
    Command::new("client|info", 2, CLIENT_FLAGS, NO_KEYS, cmd_client_info),
    Command::new(
        "client|list",
        -2,
        ADMIN | CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_list,
    ),
    Command::new(
        "client|kill",
        -3,
        ADMIN | CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_kill,
    ),
    Command::new("client|reply", 3, CLIENT_FLAGS, NO_KEYS, cmd_client_reply),
    Command::new(
        "client|no-evict",
        3,
        ADMIN | CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_no_evict,
    ),
    Command::new(
        "client|no-touch",
        3,
        CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_no_touch,
    ),
    Command::new(
        "client|setinfo",
        4,
        CLIENT_FLAGS | SENTINEL,
        NO_KEYS,
        cmd_client_setinfo,
    ),
    Command::new(
        "client|unblock",
        -3,
        ADMIN | CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_unblock,
    ),
    Command::new("client|help", 2, LOADING | STALE, NO_KEYS, cmd_client_help),
    // Client-side caching and pausing (`crate::tracking`, `crate::pause`).
    Command::new(
        "client|tracking",
        -3,
        CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_tracking,
    ),
    Command::new(
        "client|caching",
        3,
        CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_caching,
    ),
    Command::new(
        "client|getredir",
        2,
        CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_getredir,
    ),
    Command::new(
        "client|trackinginfo",
        2,
        CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_trackinginfo,
    ),
    Command::new(
        "client|pause",
        -3,
        ADMIN | CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_pause,
    ),
    Command::new(
        "client|unpause",
        2,
        ADMIN | CLIENT_FLAGS,
        NO_KEYS,
        cmd_client_unpause,
    ),
];

const HANDSHAKE_FLAGS: u32 = NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY;

pub static COMMANDS: &[Command] = &[
    Command::new("ping", -1, FAST, NO_KEYS, cmd_ping),
    Command::new("echo", 2, LOADING | STALE | FAST, NO_KEYS, cmd_echo),
    Command::new("quit", -1, HANDSHAKE_FLAGS, NO_KEYS, cmd_quit),
    Command::new("select", 2, LOADING | STALE | FAST, NO_KEYS, cmd_select),
    Command::new("hello", -1, HANDSHAKE_FLAGS, NO_KEYS, cmd_hello),
    Command::new("reset", 1, HANDSHAKE_FLAGS, NO_KEYS, cmd_reset),
    Command::container("client", -2, 0, CLIENT_SUBCOMMANDS),
];
