//! Pub/Sub delivery: the server-wide registry of channel, pattern and shard-channel
//! subscribers, `publish` / `spublish`, which append a message to every subscriber's reply
//! buffer, and the `client-output-buffer-limit` check made on every such append.
//!
//! Like Redis 7.0 (`pubsub.c`):
//! - the server maps each channel (and each shard channel) to its subscribers in subscription
//!   order, and each pattern to its subscribers; a publish goes to the channel's subscribers
//!   first, then to each matching pattern's subscribers (patterns in map order, as Redis
//!   iterates its `pubsub_patterns` dict: no order between patterns is promised);
//! - each client keeps what it subscribed to; a mass (P|S)UNSUBSCRIBE goes through it in
//!   subscription order (Redis goes through a dict: any order is Redis-like);
//! - `PUBSUB NUMPAT` counts distinct patterns.
//!
//! Delivery under load: a message is encoded once per channel (or pattern) as a RESP2 frame;
//! RESP3 subscribers get the same bytes with the `*` replaced by the push marker `>`. Small
//! frames are copied into each subscriber's `out`; big ones are shared (one refcounted copy per
//! protocol, chained into every subscriber's output). The subscriber is queued for one send at
//! the end of the loop iteration (never a system call per message). The running client's own replies are
//! in a buffer taken out of its slot (`cur`): a message to itself goes there, so it precedes the
//! reply of the command that published it, as in Redis.

use std::collections::HashMap;

use bytes::Bytes;
use slab::Slab;

use crate::config::Config;
use crate::keyspace::{clock, glob};
use crate::net::client::{Client, flag};
use crate::protocol::Reply;
use crate::server::Server;

type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Server-wide subscriptions.
#[derive(Default)]
pub struct PubSub {
    /// Channel → subscribers (slab indexes) in subscription order.
    channels: Map<Bytes, Vec<usize>>,
    /// Pattern → subscribers in subscription order.
    patterns: Map<Bytes, Vec<usize>>,
    /// Shard channel → subscribers in subscription order.
    shard_channels: Map<Bytes, Vec<usize>>,
    /// `client-output-buffer-limit` as last parsed, with the text it was parsed from.
    limits: Option<(String, ObufLimits)>,
    /// Scratch frame, reused by every publish.
    frame: Vec<u8>,
}

impl PubSub {
    /// Channels with at least one subscriber (INFO `pubsub_channels`).
    pub fn channel_count(&self) -> usize {
        self.channels.len()
    }

    /// Distinct patterns subscribed (INFO `pubsub_patterns`, `PUBSUB NUMPAT`).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Shard channels with at least one subscriber (INFO `pubsubshard_channels`).
    pub fn shard_channel_count(&self) -> usize {
        self.shard_channels.len()
    }

    /// Subscribers of `channel` (or shard channel), not counting pattern subscribers.
    pub fn subscribers(&self, channel: &[u8], shard: bool) -> usize {
        self.map(shard).get(channel).map_or(0, Vec::len)
    }

    /// Active channels (or shard channels) matching `pattern` (all with `None`).
    pub fn channels_matching(&self, pattern: Option<&[u8]>, shard: bool) -> Vec<Bytes> {
        self.map(shard)
            .keys()
            .filter(|c| pattern.is_none_or(|p| glob::matches(p, c, false)))
            .cloned()
            .collect()
    }

    fn map(&self, shard: bool) -> &Map<Bytes, Vec<usize>> {
        if shard {
            &self.shard_channels
        } else {
            &self.channels
        }
    }

    fn map_mut(&mut self, shard: bool) -> &mut Map<Bytes, Vec<usize>> {
        if shard {
            &mut self.shard_channels
        } else {
            &mut self.channels
        }
    }
}

/// One client's subscriptions.
#[derive(Default, Debug)]
pub struct ClientSubs {
    /// Channel → subscription sequence number (mass unsubscribe goes in subscription order).
    channels: Map<Bytes, u64>,
    /// Patterns in subscription order.
    patterns: Vec<Bytes>,
    /// Shard channel → subscription sequence number.
    shard_channels: Map<Bytes, u64>,
    next_seq: u64,
}

impl ClientSubs {
    /// Channels + patterns + shard channels subscribed.
    pub fn count(&self) -> usize {
        self.channels.len() + self.patterns.len() + self.shard_channels.len()
    }

    /// The subscribed channels, patterns and shard channels (ACL checks when a user's channel
    /// permissions change).
    pub fn names(&self) -> (Vec<&Bytes>, Vec<&Bytes>, Vec<&Bytes>) {
        (
            self.channels.keys().collect(),
            self.patterns.iter().collect(),
            self.shard_channels.keys().collect(),
        )
    }

    /// Channels subscribed (CLIENT LIST `sub=`).
    pub fn channels(&self) -> usize {
        self.channels.len()
    }

    /// Patterns subscribed (CLIENT LIST `psub=`).
    pub fn patterns(&self) -> usize {
        self.patterns.len()
    }

    /// Shard channels subscribed (CLIENT LIST `ssub=`).
    pub fn shard_channels(&self) -> usize {
        self.shard_channels.len()
    }

    /// The count (P)SUBSCRIBE/(P)UNSUBSCRIBE replies carry: channels + patterns, or the shard
    /// channels for SSUBSCRIBE/SUNSUBSCRIBE.
    pub fn reply_count(&self, shard: bool) -> usize {
        if shard {
            self.shard_channels.len()
        } else {
            self.channels.len() + self.patterns.len()
        }
    }

    fn set(&self, shard: bool) -> &Map<Bytes, u64> {
        if shard {
            &self.shard_channels
        } else {
            &self.channels
        }
    }

    fn set_mut(&mut self, shard: bool) -> &mut Map<Bytes, u64> {
        if shard {
            &mut self.shard_channels
        } else {
            &mut self.channels
        }
    }

    /// Channels (or shard channels) in subscription order.
    fn ordered(&self, shard: bool) -> Vec<Bytes> {
        let mut v: Vec<(&Bytes, &u64)> = self.set(shard).iter().collect();
        v.sort_unstable_by_key(|(_, s)| **s);
        v.into_iter().map(|(c, _)| c.clone()).collect()
    }
}

/// `client-output-buffer-limit` for one client class: bytes (0 = none) and seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObufLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_seconds: i64,
}

/// `client-output-buffer-limit` for every class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObufLimits {
    pub normal: ObufLimit,
    pub replica: ObufLimit,
    pub pubsub: ObufLimit,
}

impl ObufLimits {
    /// Parses the configuration text (`class hard soft seconds`, repeated; already validated
    /// by the configuration layer, sizes may carry units).
    pub fn parse(text: &str) -> ObufLimits {
        let mut l = ObufLimits::default();
        let items: Vec<&str> = text.split_ascii_whitespace().collect();
        for c in items.chunks_exact(4) {
            let mem = |s: &str| crate::config::parse_memory(s).unwrap_or(0);
            let limit = ObufLimit {
                hard: mem(c[1]),
                soft: mem(c[2]),
                soft_seconds: c[3].parse().unwrap_or(0),
            };
            match c[0].to_ascii_lowercase().as_str() {
                "normal" => l.normal = limit,
                "slave" | "replica" => l.replica = limit,
                "pubsub" => l.pubsub = limit,
                _ => {}
            }
        }
        l
    }
}

/// Reply bytes Redis keeps in a client's fixed buffer (PROTO_REPLY_CHUNK_BYTES); only what is
/// beyond it counts as output-buffer memory (`omem`, the limits), as in Redis.
pub const REPLY_CHUNK: usize = 16 * 1024;

/// A client's output-buffer memory as Redis counts it (`getClientOutputBufferMemoryUsage`):
/// reply bytes waiting beyond the fixed buffer.
pub fn obuf_memory(c: &Client) -> usize {
    c.pending_output().saturating_sub(REPLY_CHUNK)
}

/// Redis's `checkClientOutputBufferLimits`: whether `c` is over the hard limit, or has been
/// over the soft limit for longer than its seconds. Tracks when the soft limit was reached.
fn over_limit(c: &mut Client, l: &ObufLimit, now_s: i64) -> bool {
    let used = obuf_memory(c) as u64;
    if used == 0 {
        return false;
    }
    let hard = l.hard != 0 && used >= l.hard;
    let mut soft = l.soft != 0 && used >= l.soft;
    if soft {
        if c.obuf_soft_limit_since == 0 {
            c.obuf_soft_limit_since = now_s;
            soft = false;
        } else if now_s - c.obuf_soft_limit_since <= l.soft_seconds {
            soft = false;
        }
    } else {
        c.obuf_soft_limit_since = 0;
    }
    hard || soft
}

/// Frames at least this long, going to more than one subscriber, are not copied into each
/// subscriber's buffer: one copy is shared by all of them (`Client::push_shared`), so a big
/// message to many subscribers costs its size once. (Measured with benches/pubsub.rs: from
/// about 4 KiB sharing wins with 100 or more subscribers; with one it costs a little.)
const SHARE_MIN: usize = 4096;

/// One encoded message: the RESP2 bytes, and (made on first use, when shared) the shared
/// RESP2 and RESP3 copies.
struct Frame<'f> {
    resp2: &'f [u8],
    share: bool,
    shared: [Option<Bytes>; 2],
}

impl<'f> Frame<'f> {
    fn new(resp2: &'f [u8], receivers: usize) -> Frame<'f> {
        Frame {
            resp2,
            share: resp2.len() >= SHARE_MIN && receivers > 1,
            shared: [None, None],
        }
    }

    /// The shared copy for a RESP2 or RESP3 receiver.
    fn shared(&mut self, resp3: bool) -> Bytes {
        let resp2 = self.resp2;
        self.shared[resp3 as usize]
            .get_or_insert_with(|| {
                let mut v = resp2.to_vec();
                if resp3 {
                    v[0] = b'>';
                }
                Bytes::from(v)
            })
            .clone()
    }
}

/// Appends an encoded frame to subscribers and checks their output-buffer limits.
struct Deliver<'a, 'r> {
    clients: &'a mut Slab<Client>,
    pending: &'a mut Vec<usize>,
    cur: Option<(usize, &'r mut Reply)>,
    config: &'a Config,
    /// The parsed limits and the text they were parsed from (kept across publishes).
    cache: Option<(String, ObufLimits)>,
    /// The pub/sub class limit, once looked up in this delivery.
    limit: Option<ObufLimit>,
    now_s: i64,
    /// Clients that went over their limit, to close once delivery is over.
    overflow: Vec<usize>,
}

impl Deliver<'_, '_> {
    /// Appends `frame` (RESP2, starting with `*`) to `cid`'s replies.
    fn to(&mut self, cid: usize, frame: &mut Frame) {
        let Some(c) = self.clients.get_mut(cid) else {
            return;
        };
        if let Some((me, out)) = self.cur.as_mut()
            && *me == cid
        {
            // A push survives CLIENT REPLY OFF/SKIP, which cut the running command's replies
            // back: then it goes to the client's own buffer instead.
            if !c.has(flag::REPLY_OFF | flag::REPLY_SKIP) {
                put(out, frame.resp2);
                return;
            }
            c.out.resp3 = out.resp3;
        }
        if c.closing || c.has(flag::CLOSE_ASAP) {
            return;
        }
        if frame.share {
            c.push_shared(frame.shared(c.out.resp3));
        } else {
            put(&mut c.out, frame.resp2);
        }
        // With `appendfsync always` the message waits for the fsync of what this loop
        // iteration appended, as Redis sends it after `flushAppendOnlyFile`.
        c.aof_mark = true;
        if !c.pending_write {
            c.pending_write = true;
            self.pending.push(cid);
        }
        // The limits are only looked up once some client has output beyond the fixed buffer.
        if obuf_memory(c) == 0 {
            return;
        }
        let limit = self.limit();
        let Some(c) = self.clients.get_mut(cid) else {
            return;
        };
        if over_limit(c, &limit, self.now_s) {
            // Redis's freeClientAsync: nothing more is written to it; closed after delivery.
            c.flags |= flag::CLOSE_ASAP;
            self.overflow.push(cid);
        }
    }

    /// The pub/sub class limit (every receiver is subscribed, hence of that class), parsed
    /// again only when the configuration text changed.
    fn limit(&mut self) -> ObufLimit {
        if let Some(l) = self.limit {
            return l;
        }
        let l = cached_limits(self.config, &mut self.cache);
        self.limit = Some(l.pubsub);
        l.pubsub
    }
}

/// `client-output-buffer-limit`, parsed again only when its text changed since `cache` was
/// filled.
fn cached_limits(config: &Config, cache: &mut Option<(String, ObufLimits)>) -> ObufLimits {
    let text = config.get("client-output-buffer-limit").unwrap_or("");
    match cache {
        Some((t, l)) if t == text => *l,
        _ => {
            let l = ObufLimits::parse(text);
            *cache = Some((text.to_string(), l));
            l
        }
    }
}

/// Appends a RESP2-encoded frame, as a push frame for a RESP3 connection.
#[inline]
fn put(out: &mut Reply, frame: &[u8]) {
    if out.resp3 {
        out.buf.push(b'>');
        out.buf.extend_from_slice(&frame[1..]);
    } else {
        out.buf.extend_from_slice(frame);
    }
}

fn bulk(buf: &mut Vec<u8>, s: &[u8]) {
    let mut b = itoa::Buffer::new();
    buf.push(b'$');
    buf.extend_from_slice(b.format(s.len()).as_bytes());
    buf.extend_from_slice(b"\r\n");
    buf.extend_from_slice(s);
    buf.extend_from_slice(b"\r\n");
}

/// Encodes `*<n>` followed by the bulk strings `parts`.
fn encode(buf: &mut Vec<u8>, parts: &[&[u8]]) {
    buf.clear();
    buf.push(b'*');
    buf.push(b'0' + parts.len() as u8);
    buf.extend_from_slice(b"\r\n");
    for p in parts {
        bulk(buf, p);
    }
}

/// Delivers `message` on `channel` to every subscriber; returns how many received it. `cur`
/// is the running client and the reply buffer its replies currently go to.
pub fn publish(
    srv: &mut Server,
    cur: Option<(usize, &mut Reply)>,
    channel: &[u8],
    message: &[u8],
) -> usize {
    deliver(srv, cur, channel, message, false)
}

/// SPUBLISH: delivers `message` to the subscribers of shard channel `channel` (`smessage`).
pub fn spublish(
    srv: &mut Server,
    cur: Option<(usize, &mut Reply)>,
    channel: &[u8],
    message: &[u8],
) -> usize {
    deliver(srv, cur, channel, message, true)
}

fn deliver(
    srv: &mut Server,
    cur: Option<(usize, &mut Reply)>,
    channel: &[u8],
    message: &[u8],
    shard: bool,
) -> usize {
    let ps = &mut srv.pubsub;
    if ps.map(shard).is_empty() && (shard || ps.patterns.is_empty()) {
        return 0;
    }
    let mut frame = std::mem::take(&mut ps.frame);
    let cache = ps.limits.take();
    let mut d = Deliver {
        clients: &mut srv.clients,
        pending: &mut srv.pending_write,
        cur,
        config: &srv.config,
        cache,
        limit: None,
        now_s: clock::now_ms() / 1000,
        overflow: Vec::new(),
    };
    let ps = &srv.pubsub;
    let mut receivers = 0;
    if let Some(subs) = ps.map(shard).get(channel) {
        let kind: &[u8] = if shard { b"smessage" } else { b"message" };
        encode(&mut frame, &[kind, channel, message]);
        let mut f = Frame::new(&frame, subs.len());
        for &cid in subs {
            d.to(cid, &mut f);
        }
        receivers += subs.len();
    }
    if !shard {
        for (pat, subs) in &ps.patterns {
            if !glob::matches(pat, channel, false) {
                continue;
            }
            encode(&mut frame, &[b"pmessage", pat, channel, message]);
            let mut f = Frame::new(&frame, subs.len());
            for &cid in subs {
                d.to(cid, &mut f);
            }
            receivers += subs.len();
        }
    }
    let overflow = std::mem::take(&mut d.overflow);
    srv.pubsub.limits = d.cache.take();
    srv.pubsub.frame = frame;
    for cid in overflow {
        close_over_limit(srv, cid, true);
    }
    receivers
}

/// The send path's check (every reply passes there before it is sent): closes `cid` if its
/// pending output is over the limit of its class (`pubsub` while subscribed, else `normal`),
/// like Redis's check as replies are appended. Returns whether it was closed.
pub fn close_if_over_output_limit(srv: &mut Server, cid: usize) -> bool {
    check_output_limit(srv, cid, true)
}

/// The periodic check (Redis's clientsCron ends with it): a client that stays over its soft
/// limit is closed even when nothing more is sent to it. Meant to run from the server cron.
pub fn output_limits_cron(srv: &mut Server) {
    let over: Vec<usize> = srv
        .clients
        .iter()
        .filter(|(_, c)| !c.closing && obuf_memory(c) > 0)
        .map(|(cid, _)| cid)
        .collect();
    for cid in over {
        check_output_limit(srv, cid, false);
    }
}

/// Redis's `closeClientOnOutputBufferLimitReached`: checks `cid`'s class limit, and if it is
/// over, logs (as Redis, by `scheduled` variant) and closes it.
fn check_output_limit(srv: &mut Server, cid: usize, scheduled: bool) -> bool {
    let Some(c) = srv.clients.get(cid) else {
        return false;
    };
    if obuf_memory(c) == 0 || c.has(flag::CLOSE_ASAP) {
        return false;
    }
    let limits = cached_limits(&srv.config, &mut srv.pubsub.limits);
    let Some(c) = srv.clients.get_mut(cid) else {
        return false;
    };
    let limit = if let Some(l) = c.repl.as_ref().filter(|l| l.is_replica()) {
        // The RDB payload of a full resync is not counted against the limit (Redis sends
        // it outside the output buffer).
        if l.rdb_unsent {
            return false;
        }
        limits.replica
    } else if c.has(flag::PUBSUB) {
        limits.pubsub
    } else {
        limits.normal
    };
    if !over_limit(c, &limit, clock::now_ms() / 1000) {
        return false;
    }
    c.flags |= flag::CLOSE_ASAP;
    close_over_limit(srv, cid, scheduled);
    true
}

/// Logs like Redis and closes a client that went over its output-buffer limit.
fn close_over_limit(srv: &mut Server, cid: usize, scheduled: bool) {
    let Some(c) = srv.clients.get(cid) else {
        return;
    };
    let info = crate::family::connection::client_info_string(cid, c);
    let info = String::from_utf8_lossy(&info);
    if scheduled {
        tracing::warn!(
            "Client {info} scheduled to be closed ASAP for overcoming of output buffer limits."
        );
    } else {
        tracing::warn!("Client {info} closed for overcoming of output buffer limits.");
    }
    srv.close_client(cid);
}

/// Sets or clears the client's subscribed-mode flag from its subscription count.
fn update_flag(c: &mut Client) {
    if c.subs.count() > 0 {
        c.flags |= flag::PUBSUB;
    } else {
        c.flags &= !flag::PUBSUB;
    }
}

/// Writes a (un)subscribe confirmation to client `c` (slot `cid`): `[kind, channel or null,
/// count]`. Confirmations are push messages, which Redis delivers even under CLIENT REPLY
/// OFF/SKIP: a skip is used up by a command that only replies pushes, and under OFF they go to
/// the client's own buffer, which is not cut back after the command.
fn confirm(
    c: &mut Client,
    cid: usize,
    pending: &mut Vec<usize>,
    out: &mut Reply,
    kind: &[u8],
    channel: Option<&[u8]>,
    count: usize,
) {
    c.flags &= !flag::REPLY_SKIP;
    let out = if c.has(flag::REPLY_OFF) {
        c.out.resp3 = out.resp3;
        if !c.pending_write {
            c.pending_write = true;
            pending.push(cid);
        }
        &mut c.out
    } else {
        out
    };
    out.push(3);
    out.bulk(kind);
    match channel {
        Some(ch) => out.bulk(ch),
        None => out.null(),
    }
    out.int(count as i64);
}

/// SUBSCRIBE / SSUBSCRIBE one channel, with its confirmation.
pub fn subscribe(srv: &mut Server, out: &mut Reply, cid: usize, channel: &[u8], shard: bool) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    if !c.subs.set(shard).contains_key(channel) {
        let seq = c.subs.next_seq;
        c.subs.next_seq += 1;
        // A copy: the argument is a slice of the read buffer, which it would keep alive.
        let channel = Bytes::copy_from_slice(channel);
        c.subs.set_mut(shard).insert(channel.clone(), seq);
        srv.pubsub
            .map_mut(shard)
            .entry(channel)
            .or_default()
            .push(cid);
    }
    update_flag(c);
    let kind: &[u8] = if shard { b"ssubscribe" } else { b"subscribe" };
    let count = c.subs.reply_count(shard);
    confirm(
        c,
        cid,
        &mut srv.pending_write,
        out,
        kind,
        Some(channel),
        count,
    );
}

/// PSUBSCRIBE one pattern, with its confirmation.
pub fn psubscribe(srv: &mut Server, out: &mut Reply, cid: usize, pattern: &[u8]) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    if !c.subs.patterns.iter().any(|p| p == pattern) {
        let pattern = Bytes::copy_from_slice(pattern);
        c.subs.patterns.push(pattern.clone());
        srv.pubsub.patterns.entry(pattern).or_default().push(cid);
    }
    update_flag(c);
    let count = c.subs.reply_count(false);
    confirm(
        c,
        cid,
        &mut srv.pending_write,
        out,
        b"psubscribe",
        Some(pattern),
        count,
    );
}

/// Removes `cid` from a server-side subscriber list, dropping the list when it empties.
fn remove_subscriber(map: &mut Map<Bytes, Vec<usize>>, key: &[u8], cid: usize) {
    if let Some(subs) = map.get_mut(key) {
        if let Some(i) = subs.iter().position(|&s| s == cid) {
            subs.remove(i);
        }
        if subs.is_empty() {
            map.remove(key);
        }
    }
}

/// UNSUBSCRIBE / SUNSUBSCRIBE one channel; confirms when `out` is given (even if the client
/// was not subscribed to it, as Redis does).
pub fn unsubscribe(
    srv: &mut Server,
    out: Option<&mut Reply>,
    cid: usize,
    channel: &[u8],
    shard: bool,
) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    if c.subs.set_mut(shard).remove(channel).is_some() {
        remove_subscriber(srv.pubsub.map_mut(shard), channel, cid);
    }
    update_flag(c);
    if let Some(out) = out {
        let kind: &[u8] = if shard {
            b"sunsubscribe"
        } else {
            b"unsubscribe"
        };
        let count = c.subs.reply_count(shard);
        confirm(
            c,
            cid,
            &mut srv.pending_write,
            out,
            kind,
            Some(channel),
            count,
        );
    }
}

/// PUNSUBSCRIBE one pattern; confirms when `out` is given.
pub fn punsubscribe(srv: &mut Server, out: Option<&mut Reply>, cid: usize, pattern: &[u8]) {
    let Some(c) = srv.clients.get_mut(cid) else {
        return;
    };
    if let Some(i) = c.subs.patterns.iter().position(|p| p == pattern) {
        c.subs.patterns.remove(i);
        remove_subscriber(&mut srv.pubsub.patterns, pattern, cid);
    }
    update_flag(c);
    if let Some(out) = out {
        let count = c.subs.reply_count(false);
        let kind = b"punsubscribe";
        confirm(
            c,
            cid,
            &mut srv.pending_write,
            out,
            kind,
            Some(pattern),
            count,
        );
    }
}

/// UNSUBSCRIBE / SUNSUBSCRIBE without arguments: every channel, one confirmation each, or a
/// single confirmation with a null channel when there was none.
pub fn unsubscribe_all(srv: &mut Server, mut out: Option<&mut Reply>, cid: usize, shard: bool) {
    let Some(c) = srv.clients.get(cid) else {
        return;
    };
    let channels = c.subs.ordered(shard);
    for ch in &channels {
        unsubscribe(srv, out.as_deref_mut(), cid, ch, shard);
    }
    if channels.is_empty()
        && let Some(out) = out
        && let Some(c) = srv.clients.get_mut(cid)
    {
        let kind: &[u8] = if shard {
            b"sunsubscribe"
        } else {
            b"unsubscribe"
        };
        let count = c.subs.reply_count(shard);
        confirm(c, cid, &mut srv.pending_write, out, kind, None, count);
    }
}

/// PUNSUBSCRIBE without arguments.
pub fn punsubscribe_all(srv: &mut Server, mut out: Option<&mut Reply>, cid: usize) {
    let Some(c) = srv.clients.get(cid) else {
        return;
    };
    let patterns = c.subs.patterns.clone();
    for p in &patterns {
        punsubscribe(srv, out.as_deref_mut(), cid, p);
    }
    if patterns.is_empty()
        && let Some(out) = out
        && let Some(c) = srv.clients.get_mut(cid)
    {
        let count = c.subs.reply_count(false);
        let kind = b"punsubscribe";
        confirm(c, cid, &mut srv.pending_write, out, kind, None, count);
    }
}

/// Drops every subscription of `cid` without replying (RESET, disconnect) and leaves
/// subscribed mode.
pub fn unsubscribe_everything(srv: &mut Server, cid: usize) {
    unsubscribe_all(srv, None, cid, false);
    unsubscribe_all(srv, None, cid, true);
    punsubscribe_all(srv, None, cid);
    if let Some(c) = srv.clients.get_mut(cid) {
        c.flags &= !flag::PUBSUB;
    }
}

/// Removes a disconnecting client from every channel and pattern.
pub fn on_client_gone(srv: &mut Server, cid: usize) {
    unsubscribe_everything(srv, cid);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse() {
        let l = ObufLimits::parse("normal 0 0 0 slave 268435456 67108864 60 pubsub 1mb 512kb 1");
        assert_eq!(l.normal, ObufLimit::default());
        assert_eq!(
            l.replica,
            ObufLimit {
                hard: 268435456,
                soft: 67108864,
                soft_seconds: 60
            }
        );
        assert_eq!(
            l.pubsub,
            ObufLimit {
                hard: 1 << 20,
                soft: 512 << 10,
                soft_seconds: 1
            }
        );
    }

    #[test]
    fn frames() {
        let mut f = Vec::new();
        encode(&mut f, &[b"message", b"ch", b"hi"]);
        assert_eq!(f, b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
        let mut r = Reply::new();
        r.resp3 = true;
        put(&mut r, &f);
        assert_eq!(r.buf, b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
    }
}
