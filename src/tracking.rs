//! Client-side caching (Redis 7.0's tracking.c): the tracking table, the prefix table, and the
//! sending of invalidation messages.
//!
//! What it owns:
//! - the **tracking table**: key -> the clients (id and slab slot) that read it while tracking in
//!   default mode. Filled after every read-only command (`remember_keys`, called from
//!   `cmd::call`); a key's entry is removed and its clients sent an invalidation the first time
//!   the key is modified (`invalidate_key`, called from `Server::signal_modified_key`, the one
//!   keyspace hook that every change, expiry and eviction goes through). As in Redis, keys are
//!   global (not per database) and entries of clients that went away are dropped lazily.
//!   `tracking-table-max-keys` bounds the number of keys: over it, random keys are invalidated
//!   (`limit_used_slots`, before each command and from the cron).
//! - the **prefix table** (BCAST mode): prefix -> its subscribed clients and the keys modified
//!   under it since the last broadcast (with the client that last modified each, for NOLOOP).
//!   Redis keeps it in a radix tree; here it is a sorted map scanned in full for each modified
//!   key, exactly as Redis scans its tree (`trackingRememberKeyToBroadcast`). The batched
//!   messages go out once per event-loop iteration (`broadcast`, from the server loop before
//!   replies are sent, as Redis's beforeSleep).
//! - **sending**: an invalidation is a RESP3 push `>2 invalidate [keys]` to the tracking client,
//!   or, with REDIRECT, to the redirect client: a push if it speaks RESP3, else a Pub/Sub
//!   `message` on `__redis__:invalidate` if it is in subscribed mode; a RESP2 client without
//!   redirection gets nothing. A redirect client that went away sets the `broken_redirect` flag
//!   and sends `tracking-redir-broken` to a RESP3 tracking client. FLUSHDB/FLUSHALL send the
//!   null invalidation (all keys) to every tracking client.
//!
//! Invariants: messages for the client whose command is running (`current`) are held in
//! `cur_buf` and appended to its replies after the command's own reply (Redis's
//! `tracking_pending_keys`), never written into its slab entry, whose reply buffer is lent to
//! the command meanwhile. `items` is the number of (key, client) pairs in the table.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use bytes::Bytes;

use crate::cmd::table::Command;
use crate::cmd::{Error, flags as cf};
use crate::net::client::flag;
use crate::server::Server;

/// A client's tracking options (Redis's CLIENT_TRACKING_* flags).
pub mod opt {
    pub const ON: u8 = 1 << 0;
    pub const BCAST: u8 = 1 << 1;
    pub const OPTIN: u8 = 1 << 2;
    pub const OPTOUT: u8 = 1 << 3;
    /// CLIENT CACHING was given for the next command.
    pub const CACHING: u8 = 1 << 4;
    pub const NOLOOP: u8 = 1 << 5;
    pub const BROKEN_REDIR: u8 = 1 << 6;
}

/// One client's tracking state (a field of `Client`).
#[derive(Debug, Default)]
pub struct ClientTracking {
    pub flags: u8,
    /// The client id invalidations are redirected to (0 = none) and its slab slot.
    pub redirect: u64,
    redirect_slot: usize,
    /// BCAST prefixes, sorted as Redis's radix tree lists them.
    pub prefixes: BTreeSet<Vec<u8>>,
}

impl ClientTracking {
    #[inline]
    pub fn on(&self) -> bool {
        self.flags & opt::ON != 0
    }

    #[inline]
    pub fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }
}

/// A prefix of the prefix table.
#[derive(Default)]
struct Bcast {
    /// Keys modified since the last broadcast -> id of the client that last modified it (0:
    /// none, e.g. expiry).
    keys: BTreeMap<Vec<u8>, u64>,
    /// Subscribed clients (id, slot), in subscription order.
    clients: Vec<(u64, usize)>,
}

/// A key of the tracking table.
struct Tracked {
    /// Index in `Tracking::order`.
    pos: usize,
    /// Client id -> slot.
    ids: BTreeMap<u64, usize>,
}

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Server-wide tracking state.
#[derive(Default)]
pub struct Tracking {
    /// Clients with tracking on (INFO `tracking_clients`).
    clients: usize,
    table: Map<Bytes, Tracked>,
    /// The table's keys, for picking random ones (`tracking-table-max-keys`).
    order: Vec<Bytes>,
    /// (key, client) pairs in the table (INFO `tracking_total_items`).
    items: u64,
    prefixes: BTreeMap<Vec<u8>, Bcast>,
    /// Slab slot of the client whose top-level command is running.
    current: Option<usize>,
    /// Whether that client speaks RESP3 (its slab entry's reply buffer is lent out).
    current_resp3: bool,
    /// Messages for `current`, appended after its command's reply.
    cur_buf: Vec<u8>,
    /// While a script runs for a tracking client: the script's command and arguments, whose
    /// declared keys are remembered when the script reads (Redis's `script_caller`).
    script: Option<(&'static Command, Vec<Bytes>)>,
    /// Consecutive runs of `limit_used_slots` that stayed over the limit (Redis's
    /// `timeout_counter`).
    limit_runs: u32,
}

/// What `enter` saved, restored by `leave`.
pub struct Saved {
    current: Option<usize>,
    resp3: bool,
    buf: Vec<u8>,
}

impl Tracking {
    /// Whether any client ever tracks keys now or left entries behind: the cost of the hooks
    /// for a server without client-side caching is this test.
    #[inline]
    pub fn active(&self) -> bool {
        self.clients > 0 || !self.table.is_empty() || !self.prefixes.is_empty()
    }

    /// The client whose top-level command is running, if any (Redis's `current_client`).
    #[inline]
    pub fn current(&self) -> Option<usize> {
        self.current
    }

    pub fn clients(&self) -> usize {
        self.clients
    }

    /// INFO `tracking_total_keys`.
    pub fn total_keys(&self) -> usize {
        self.table.len()
    }

    /// INFO `tracking_total_items`.
    pub fn total_items(&self) -> u64 {
        self.items
    }

    /// INFO `tracking_total_prefixes`.
    pub fn total_prefixes(&self) -> usize {
        self.prefixes.len()
    }

    fn remove_key(&mut self, key: &[u8]) -> Option<BTreeMap<u64, usize>> {
        let t = self.table.remove(key)?;
        let last = self.order.len() - 1;
        self.order.swap_remove(t.pos);
        if t.pos != last {
            let moved = self.order[t.pos].clone();
            if let Some(m) = self.table.get_mut(&moved) {
                m.pos = t.pos;
            }
        }
        self.items -= t.ids.len() as u64;
        Some(t.ids)
    }
}

/// Called by `cmd::call` around a top-level command while tracking is active: the running
/// client becomes `current`.
pub fn enter(srv: &mut Server, cid: usize, resp3: bool) -> Saved {
    let t = &mut srv.tracking;
    Saved {
        current: t.current.replace(cid),
        resp3: std::mem::replace(&mut t.current_resp3, resp3),
        buf: std::mem::take(&mut t.cur_buf),
    }
}

/// Ends what `enter` began: returns the messages for the client that ran (to append after its
/// reply) and restores the outer state.
pub fn leave(srv: &mut Server, saved: Saved) -> Vec<u8> {
    let t = &mut srv.tracking;
    t.current = saved.current;
    t.current_resp3 = saved.resp3;
    std::mem::replace(&mut t.cur_buf, saved.buf)
}

/// Moves what was sent to the running client so far into its replies.
pub fn flush_current(srv: &mut Server, out: &mut crate::protocol::Reply) {
    if !srv.tracking.cur_buf.is_empty() {
        out.buf.extend_from_slice(&srv.tracking.cur_buf);
        srv.tracking.cur_buf.clear();
    }
}

/// After a command of a client in OPTIN/OPTOUT mode: CLIENT CACHING applies to the next command
/// only (or the next transaction), as Redis's resetClient clears it.
pub fn after_command(srv: &mut Server, cid: usize, name: &[u8]) {
    if let Some(c) = srv.clients.get_mut(cid)
        && c.tracking.has(opt::CACHING)
        && !c.has(flag::MULTI | flag::POSTPONED)
        && !name.eq_ignore_ascii_case(b"client")
    {
        c.tracking.flags &= !opt::CACHING;
    }
}

/// Before a script command runs for a tracking client: remembers the command, whose keys are
/// the ones tracked when the script reads.
pub fn script_start(srv: &mut Server, cid: usize, cmd: &'static Command, argv: &[Bytes]) -> bool {
    if srv.clients.get(cid).is_some_and(|c| c.tracking.on()) && srv.tracking.script.is_none() {
        srv.tracking.script = Some((cmd, argv.to_vec()));
        return true;
    }
    false
}

pub fn script_end(srv: &mut Server) {
    srv.tracking.script = None;
}

/// Redis's call() + trackingRememberKeys: after a read-only command, the keys it read go into
/// the tracking table for the client (for a command run by a script, the script's caller and
/// the script's declared keys; EVAL_RO, EVALSHA_RO and FCALL_RO themselves are not counted).
pub fn remember_keys(srv: &mut Server, cid: usize, cmd: &'static Command, argv: &[Bytes]) {
    if matches!(cmd.name, "eval_ro" | "evalsha_ro" | "fcall_ro") {
        return;
    }
    let in_script =
        srv.exec_depth > 0 && srv.scripting.run.as_ref().is_some_and(|r| r.caller == cid);
    let Some(c) = srv.clients.get(cid) else {
        return;
    };
    let f = c.tracking.flags;
    if f & opt::ON == 0 || f & opt::BCAST != 0 {
        return;
    }
    let caching = f & opt::CACHING != 0;
    if (f & opt::OPTIN != 0 && !caching) || (f & opt::OPTOUT != 0 && caching) {
        return;
    }
    let id = c.id;
    let script = if in_script {
        match srv.tracking.script.take() {
            Some(s) => Some(s),
            None => return,
        }
    } else {
        None
    };
    let (cmd, argv) = match &script {
        Some((c, a)) => (*c, &a[..]),
        None => (cmd, argv),
    };
    // Shard channels are keys for the cluster's sake only (as Redis, which skips PUBSUB
    // commands).
    if !cmd.has(cf::PUBSUB) {
        let keys = crate::family::command::find_keys(cmd, argv);
        let t = &mut srv.tracking;
        for (pos, _) in keys {
            let Some(key) = argv.get(pos) else {
                continue;
            };
            if !t.table.contains_key(&key[..]) {
                // Copied: the argument is a slice of the whole request's buffer.
                let k = Bytes::copy_from_slice(key);
                t.order.push(k.clone());
                t.table.insert(
                    k,
                    Tracked {
                        pos: t.order.len() - 1,
                        ids: BTreeMap::new(),
                    },
                );
            }
            if let Some(e) = t.table.get_mut(&key[..])
                && e.ids.insert(id, cid).is_none()
            {
                t.items += 1;
            }
        }
    }
    if script.is_some() {
        srv.tracking.script = script;
    }
}

/// The value part of an invalidation message.
enum Payload<'a> {
    /// One key: `*1 $key`.
    Key(&'a [u8]),
    /// Already encoded (a BCAST array of keys).
    Proto(&'a [u8]),
    /// The null of the tracking client's protocol: every key.
    Null,
}

fn resp3_of(srv: &Server, slot: usize) -> bool {
    if srv.tracking.current == Some(slot) {
        srv.tracking.current_resp3
    } else {
        srv.clients.get(slot).is_some_and(|c| c.out.resp3)
    }
}

/// Appends bytes to a client's replies (the running client's go after its reply).
fn write(srv: &mut Server, slot: usize, msg: &[u8]) {
    if srv.tracking.current == Some(slot) {
        srv.tracking.cur_buf.extend_from_slice(msg);
        return;
    }
    let Some(c) = srv.clients.get_mut(slot) else {
        return;
    };
    if c.closing || c.has(flag::CLOSE_ASAP) {
        return;
    }
    c.out.buf.extend_from_slice(msg);
    srv.mark_pending_write(slot);
}

fn bulk(buf: &mut Vec<u8>, s: &[u8]) {
    let mut b = itoa::Buffer::new();
    buf.push(b'$');
    buf.extend_from_slice(b.format(s.len()).as_bytes());
    buf.extend_from_slice(b"\r\n");
    buf.extend_from_slice(s);
    buf.extend_from_slice(b"\r\n");
}

/// Redis's sendTrackingMessage: an invalidation for tracking client `slot`.
fn send(srv: &mut Server, slot: usize, payload: Payload) {
    let Some(c) = srv.clients.get(slot) else {
        return;
    };
    let tracker_resp3 = resp3_of(srv, slot);
    let mut target = slot;
    let mut redirected = false;
    if c.tracking.redirect != 0 {
        let (rid, rslot) = (c.tracking.redirect, c.tracking.redirect_slot);
        let alive = srv
            .clients
            .get(rslot)
            .is_some_and(|r| r.id == rid && !r.closing);
        if !alive {
            if let Some(c) = srv.clients.get_mut(slot) {
                c.tracking.flags |= opt::BROKEN_REDIR;
            }
            if tracker_resp3 {
                let mut msg = b">2\r\n$21\r\ntracking-redir-broken\r\n:".to_vec();
                msg.extend_from_slice(itoa::Buffer::new().format(rid).as_bytes());
                msg.extend_from_slice(b"\r\n");
                write(srv, slot, &msg);
            }
            return;
        }
        target = rslot;
        redirected = true;
    }
    let mut msg = Vec::with_capacity(64);
    if resp3_of(srv, target) {
        msg.extend_from_slice(b">2\r\n$10\r\ninvalidate\r\n");
    } else if redirected && srv.clients[target].has(flag::PUBSUB) {
        msg.extend_from_slice(b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n");
    } else {
        // RESP2 without redirection: there is no way to push anything.
        return;
    }
    match payload {
        Payload::Key(k) => {
            msg.extend_from_slice(b"*1\r\n");
            bulk(&mut msg, k);
        }
        Payload::Proto(p) => msg.extend_from_slice(p),
        Payload::Null => msg.extend_from_slice(if tracker_resp3 { b"_\r\n" } else { b"$-1\r\n" }),
    }
    write(srv, target, &msg);
}

/// Redis's trackingInvalidateKey: `key` changed (or, with `bcast` false, is dropped from the
/// table to respect `tracking-table-max-keys`). `modifier` is the client that changed it, if a
/// command did (not for expiry or eviction).
pub fn invalidate_key(srv: &mut Server, key: &[u8], bcast: bool, modifier: Option<usize>) {
    let t = &mut srv.tracking;
    if bcast && !t.prefixes.is_empty() {
        let by = modifier
            .and_then(|s| srv.clients.get(s))
            .map_or(0, |c| c.id);
        for (prefix, bs) in t.prefixes.iter_mut() {
            if key.starts_with(prefix) {
                bs.keys.insert(key.to_vec(), by);
            }
        }
    }
    let Some(ids) = t.remove_key(key) else {
        return;
    };
    for (id, slot) in ids {
        let Some(c) = srv.clients.get(slot) else {
            continue;
        };
        // Gone (the slot was reused), off, or switched to BCAST since.
        if c.id != id || !c.tracking.on() || c.tracking.has(opt::BCAST) {
            continue;
        }
        if c.tracking.has(opt::NOLOOP) && srv.tracking.current == Some(slot) {
            continue;
        }
        send(srv, slot, Payload::Key(key));
    }
}

/// Redis's trackingInvalidateKeysOnFlush: FLUSHDB/FLUSHALL send every tracking client the null
/// invalidation (in connection order) and empty the tracking table.
pub fn invalidate_on_flush(srv: &mut Server) {
    if srv.tracking.clients > 0 {
        let mut slots: Vec<(u64, usize)> = srv
            .clients
            .iter()
            .filter(|(_, c)| c.tracking.on())
            .map(|(s, c)| (c.id, s))
            .collect();
        slots.sort_unstable();
        for (_, slot) in slots {
            send(srv, slot, Payload::Null);
        }
    }
    let t = &mut srv.tracking;
    t.table = Map::default();
    t.order = Vec::new();
    t.items = 0;
}

/// Redis's trackingLimitUsedSlots: while the table holds more than `tracking-table-max-keys`
/// keys, invalidates random ones, with an effort that grows while it stays over the limit.
pub fn limit_used_slots(srv: &mut Server) {
    let max: usize = srv
        .config
        .get("tracking-table-max-keys")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if max == 0 || srv.tracking.table.is_empty() {
        return;
    }
    if srv.tracking.table.len() <= max {
        srv.tracking.limit_runs = 0;
        return;
    }
    let mut effort = 100 * (srv.tracking.limit_runs as u64 + 1);
    while effort > 0 {
        effort -= 1;
        let n = srv.tracking.order.len();
        if n == 0 {
            break;
        }
        let key = srv.tracking.order[(crate::rand::next_u64() % n as u64) as usize].clone();
        invalidate_key(srv, &key, false, None);
        if srv.tracking.table.len() <= max {
            srv.tracking.limit_runs = 0;
            return;
        }
    }
    srv.tracking.limit_runs += 1;
}

/// `*<n>` and the keys of `keys`, leaving out those last modified by client `except`; None if
/// that leaves none (Redis's trackingBuildBroadcastReply).
fn broadcast_reply(keys: &BTreeMap<Vec<u8>, u64>, except: Option<u64>) -> Option<Vec<u8>> {
    let n = keys.values().filter(|&&by| Some(by) != except).count();
    if n == 0 && except.is_some() {
        return None;
    }
    let mut proto = Vec::with_capacity(n * 16 + 8);
    proto.push(b'*');
    proto.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    proto.extend_from_slice(b"\r\n");
    for (k, &by) in keys {
        if Some(by) != except {
            bulk(&mut proto, k);
        }
    }
    Some(proto)
}

/// Redis's trackingBroadcastInvalidationMessages (beforeSleep): for each prefix with modified
/// keys, one message with all of them to each of its clients (NOLOOP clients without the keys
/// they modified themselves).
pub fn broadcast(srv: &mut Server) {
    if srv.tracking.clients == 0 || srv.tracking.prefixes.values().all(|b| b.keys.is_empty()) {
        return;
    }
    let prefixes: Vec<Vec<u8>> = srv.tracking.prefixes.keys().cloned().collect();
    for prefix in prefixes {
        let Some(bs) = srv.tracking.prefixes.get_mut(&prefix) else {
            continue;
        };
        if bs.keys.is_empty() {
            continue;
        }
        let keys = std::mem::take(&mut bs.keys);
        let clients = bs.clients.clone();
        let Some(common) = broadcast_reply(&keys, None) else {
            continue;
        };
        for (id, slot) in clients {
            let Some(c) = srv.clients.get(slot).filter(|c| c.id == id) else {
                continue;
            };
            if c.tracking.has(opt::NOLOOP) {
                if let Some(own) = broadcast_reply(&keys, Some(id)) {
                    send(srv, slot, Payload::Proto(&own));
                }
            } else {
                send(srv, slot, Payload::Proto(&common));
            }
        }
    }
}

/// Redis's checkPrefixCollisionsOrReply: no new prefix may be a prefix of another one, new or
/// already registered for the client.
fn check_prefix_collisions(c: &ClientTracking, prefixes: &[&Bytes]) -> Result<(), Error> {
    let overlap = |a: &[u8], b: &[u8]| {
        let n = a.len().min(b.len());
        a[..n] == b[..n]
    };
    // Redis prints them with %s: up to the first NUL.
    let s = |b: &[u8]| {
        let end = memchr::memchr(0, b).unwrap_or(b.len());
        String::from_utf8_lossy(&b[..end]).into_owned()
    };
    for (i, p) in prefixes.iter().enumerate() {
        for existing in &c.prefixes {
            if overlap(existing, p) {
                return Err(Error::err(format_args!(
                    "Prefix '{}' overlaps with an existing prefix '{}'. Prefixes for a single client must not overlap.",
                    s(p),
                    s(existing)
                )));
            }
        }
        for q in &prefixes[i + 1..] {
            if overlap(p, q) {
                return Err(Error::err(format_args!(
                    "Prefix '{}' overlaps with another provided prefix '{}'. Prefixes for a single client must not overlap.",
                    s(p),
                    s(q)
                )));
            }
        }
    }
    Ok(())
}

/// Redis's enableTracking (after CLIENT TRACKING ON validated its options).
fn enable(
    srv: &mut Server,
    cid: usize,
    redirect: Option<(u64, usize)>,
    options: u8,
    prefixes: &[&Bytes],
) {
    let id = srv.clients[cid].id;
    let c = &mut srv.clients[cid];
    if !c.tracking.on() {
        srv.tracking.clients += 1;
    }
    let ct = &mut c.tracking;
    ct.flags |= opt::ON;
    ct.flags &= !(opt::BROKEN_REDIR | opt::BCAST | opt::OPTIN | opt::OPTOUT | opt::NOLOOP);
    (ct.redirect, ct.redirect_slot) = redirect.unwrap_or((0, 0));
    if options & opt::BCAST != 0 {
        ct.flags |= opt::BCAST;
        let empty = Bytes::new();
        let all = [&empty];
        let list: &[&Bytes] = if prefixes.is_empty() { &all } else { prefixes };
        for p in list {
            let bs = srv.tracking.prefixes.entry(p.to_vec()).or_default();
            if !bs.clients.iter().any(|&(i, _)| i == id) {
                bs.clients.push((id, cid));
                srv.clients[cid].tracking.prefixes.insert(p.to_vec());
            }
        }
    }
    srv.clients[cid].tracking.flags |= options & (opt::OPTIN | opt::OPTOUT | opt::NOLOOP);
}

/// Redis's disableTracking: CLIENT TRACKING OFF, RESET, and a client going away. Its entries in
/// the tracking table are left to be dropped lazily.
pub fn disable(srv: &mut Server, cid: usize) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    if c.tracking.has(opt::BCAST) {
        let id = c.id;
        for p in std::mem::take(&mut c.tracking.prefixes) {
            if let Some(bs) = srv.tracking.prefixes.get_mut(&p) {
                bs.clients.retain(|&(i, _)| i != id);
                if bs.clients.is_empty() {
                    srv.tracking.prefixes.remove(&p);
                }
            }
        }
    }
    let c = &mut srv.clients[cid];
    if c.tracking.on() {
        srv.tracking.clients -= 1;
        c.tracking.flags = 0;
    }
}

/// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP], with
/// Redis's checks in its order and its error texts.
pub fn client_tracking(srv: &mut Server, cid: usize, argv: &[Bytes]) -> Result<(), Error> {
    use crate::cmd::args::is;
    let mut redir: i64 = 0;
    let mut redirect = None;
    let mut options = 0u8;
    let mut prefixes: Vec<&Bytes> = Vec::new();
    let mut j = 3;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let a = &argv[j];
        if is(a, "redirect") && more > 0 {
            j += 1;
            if redir != 0 {
                return Err(Error::Msg(
                    "ERR A client can only redirect to a single other client",
                ));
            }
            redir = crate::cmd::parse_int(&argv[j]).map_err(|_| Error::NotInteger)?;
            let found = srv
                .clients
                .iter()
                .find(|(_, c)| c.id as i64 == redir && redir > 0 && !c.closing)
                .map(|(s, c)| (c.id, s));
            match found {
                Some(r) => redirect = Some(r),
                None => {
                    return Err(Error::Msg(
                        "ERR The client ID you want redirect to does not exist",
                    ));
                }
            }
        } else if is(a, "bcast") {
            options |= opt::BCAST;
        } else if is(a, "optin") {
            options |= opt::OPTIN;
        } else if is(a, "optout") {
            options |= opt::OPTOUT;
        } else if is(a, "noloop") {
            options |= opt::NOLOOP;
        } else if is(a, "prefix") && more > 0 {
            j += 1;
            prefixes.push(&argv[j]);
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    if is(&argv[2], "on") {
        if options & opt::BCAST == 0 && !prefixes.is_empty() {
            return Err(Error::Msg(
                "ERR PREFIX option requires BCAST mode to be enabled",
            ));
        }
        let c = &srv.clients[cid].tracking;
        if c.on() && c.has(opt::BCAST) != (options & opt::BCAST != 0) {
            return Err(Error::Msg(
                "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
            ));
        }
        if options & opt::BCAST != 0 && options & (opt::OPTIN | opt::OPTOUT) != 0 {
            return Err(Error::Msg(
                "ERR OPTIN and OPTOUT are not compatible with BCAST",
            ));
        }
        if options & opt::OPTIN != 0 && options & opt::OPTOUT != 0 {
            return Err(Error::Msg(
                "ERR You can't specify both OPTIN mode and OPTOUT mode",
            ));
        }
        if (options & opt::OPTIN != 0 && c.has(opt::OPTOUT))
            || (options & opt::OPTOUT != 0 && c.has(opt::OPTIN))
        {
            return Err(Error::Msg(
                "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
            ));
        }
        if options & opt::BCAST != 0 {
            check_prefix_collisions(c, &prefixes)?;
        }
        enable(srv, cid, redirect, options, &prefixes);
    } else if is(&argv[2], "off") {
        disable(srv, cid);
    } else {
        return Err(Error::Syntax);
    }
    Ok(())
}

/// CLIENT CACHING YES|NO
pub fn client_caching(srv: &mut Server, cid: usize, arg: &[u8]) -> Result<(), Error> {
    use crate::cmd::args::is;
    let c = &mut srv.clients[cid].tracking;
    if !c.on() {
        return Err(Error::Msg(
            "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
        ));
    }
    if is(arg, "yes") {
        if !c.has(opt::OPTIN) {
            return Err(Error::Msg(
                "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
            ));
        }
    } else if is(arg, "no") {
        if !c.has(opt::OPTOUT) {
            return Err(Error::Msg(
                "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
            ));
        }
    } else {
        return Err(Error::Syntax);
    }
    c.flags |= opt::CACHING;
    Ok(())
}

/// CLIENT TRACKINGINFO's reply.
pub fn tracking_info(c: &ClientTracking, out: &mut crate::protocol::Reply) {
    let mut flags: Vec<&[u8]> = vec![if c.on() { b"on" } else { b"off" }];
    if c.has(opt::BCAST) {
        flags.push(b"bcast");
    }
    if c.has(opt::OPTIN) {
        flags.push(b"optin");
        if c.has(opt::CACHING) {
            flags.push(b"caching-yes");
        }
    }
    if c.has(opt::OPTOUT) {
        flags.push(b"optout");
        if c.has(opt::CACHING) {
            flags.push(b"caching-no");
        }
    }
    if c.has(opt::NOLOOP) {
        flags.push(b"noloop");
    }
    if c.has(opt::BROKEN_REDIR) {
        flags.push(b"broken_redirect");
    }
    out.map(3);
    out.bulk(b"flags");
    out.set(flags.len());
    for f in flags {
        out.bulk(f);
    }
    out.bulk(b"redirect");
    out.int(redirect_of(c));
    out.bulk(b"prefixes");
    out.array(c.prefixes.len());
    for p in &c.prefixes {
        out.bulk(p);
    }
}

/// CLIENT GETREDIR and CLIENT LIST `redir=`: the redirect id while tracking, else -1.
pub fn redirect_of(c: &ClientTracking) -> i64 {
    if c.on() { c.redirect as i64 } else { -1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_reply_skips_own_keys() {
        let mut keys = BTreeMap::new();
        keys.insert(b"b".to_vec(), 7);
        keys.insert(b"a".to_vec(), 0);
        assert_eq!(
            broadcast_reply(&keys, None).unwrap(),
            b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        );
        assert_eq!(
            broadcast_reply(&keys, Some(7)).unwrap(),
            b"*1\r\n$1\r\na\r\n"
        );
        keys.remove(&b"a"[..]);
        assert!(broadcast_reply(&keys, Some(7)).is_none());
    }

    #[test]
    fn table_keeps_positions_for_random_picks() {
        let mut t = Tracking::default();
        for (i, k) in ["a", "b", "c", "d"].iter().enumerate() {
            let k = Bytes::from_static(k.as_bytes());
            t.order.push(k.clone());
            let mut ids = BTreeMap::new();
            ids.insert(i as u64 + 1, i);
            ids.insert(100, 99);
            t.table.insert(k, Tracked { pos: i, ids });
            t.items += 2;
        }
        assert_eq!(t.remove_key(b"b").map(|ids| ids.len()), Some(2));
        assert!(t.remove_key(b"b").is_none());
        assert_eq!(t.items, 6);
        assert_eq!(t.remove_key(b"d").map(|ids| ids.len()), Some(2));
        assert_eq!(t.remove_key(b"a").map(|ids| ids.len()), Some(2));
        assert_eq!(t.order, vec![Bytes::from_static(b"c")]);
        assert_eq!(t.table[&b"c"[..]].pos, 0);
        assert_eq!((t.total_keys(), t.total_items()), (1, 2));
    }

    #[test]
    fn prefix_collisions() {
        let mut c = ClientTracking::default();
        let (a, ab, b) = (
            Bytes::from_static(b"a"),
            Bytes::from_static(b"ab"),
            Bytes::from_static(b"b"),
        );
        assert!(check_prefix_collisions(&c, &[&a, &b]).is_ok());
        let e = check_prefix_collisions(&c, &[&a, &ab]).unwrap_err();
        assert_eq!(
            e.text(),
            "ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not overlap."
        );
        c.prefixes.insert(b"ab".to_vec());
        let e = check_prefix_collisions(&c, &[&a]).unwrap_err();
        assert_eq!(
            e.text(),
            "ERR Prefix 'a' overlaps with an existing prefix 'ab'. Prefixes for a single client must not overlap."
        );
    }
}
