//! The stream type, laid out as Redis 7.0's `t_stream.c` lays it out: an ordered map from each
//! node's master id to a listpack holding up to `stream-node-max-entries` entries (or
//! `stream-node-max-bytes`). A node's listpack is byte for byte Redis's: a master entry
//! (`count`, `deleted`, the master field names, a 0 terminator) then entries of
//! `flags, ms-delta, seq-delta, [num-fields, field, value ... | value ...], lp-count` with ids
//! delta-encoded against the master id and field names omitted (`SAMEFIELDS`) when they equal
//! the master's. So RDB/DUMP write the nodes as they are, memory per entry is Redis's, a range
//! read is a map lookup plus a walk (O(log n + k)), and trimming drops whole nodes.
//!
//! Invariants: nodes are keyed by the id of their first entry ever appended (the master id);
//! every id in a node is >= its key and < the next node's key; a node with no live entry is
//! removed; `length` counts live entries; `last_id` never decreases. Consumer groups live in
//! `groups` (ordered by name, as Redis's rax) with their PELs. This module knows nothing of
//! commands.

use std::collections::{BTreeMap, BTreeSet};

use crate::persist::rdb::listpack::Writer;

/// A stream entry id, `<ms>-<seq>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    pub const fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    /// The successor (`streamIncrID`); `None` for the maximum id.
    pub fn incr(self) -> Option<StreamId> {
        if self.seq == u64::MAX {
            if self.ms == u64::MAX {
                None
            } else {
                Some(StreamId::new(self.ms + 1, 0))
            }
        } else {
            Some(StreamId::new(self.ms, self.seq + 1))
        }
    }

    /// The predecessor (`streamDecrID`); `None` for 0-0.
    pub fn decr(self) -> Option<StreamId> {
        if self.seq == 0 {
            if self.ms == 0 {
                None
            } else {
                Some(StreamId::new(self.ms - 1, u64::MAX))
            }
        } else {
            Some(StreamId::new(self.ms, self.seq - 1))
        }
    }

    pub fn is_zero(self) -> bool {
        self.ms == 0 && self.seq == 0
    }

    /// `<ms>-<seq>`.
    pub fn to_bytes(self) -> Vec<u8> {
        let mut v = Vec::with_capacity(24);
        v.extend_from_slice(itoa::Buffer::new().format(self.ms).as_bytes());
        v.push(b'-');
        v.extend_from_slice(itoa::Buffer::new().format(self.seq).as_bytes());
        v
    }

    /// The 16-byte big-endian form Redis uses as rax key (`streamEncodeID`).
    pub fn encode(self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.ms.to_be_bytes());
        b[8..].copy_from_slice(&self.seq.to_be_bytes());
        b
    }

    pub fn decode(b: &[u8]) -> Option<StreamId> {
        if b.len() != 16 {
            return None;
        }
        let ms = u64::from_be_bytes(b[..8].try_into().ok()?);
        let seq = u64::from_be_bytes(b[8..].try_into().ok()?);
        Some(StreamId::new(ms, seq))
    }
}

/// Entry flags in a node (`STREAM_ITEM_FLAG_*`).
pub const FLAG_DELETED: i64 = 1;
pub const FLAG_SAMEFIELDS: i64 = 2;

/// Redis's cap on a node's listpack (`STREAM_LISTPACK_MAX_SIZE`).
const LISTPACK_MAX_SIZE: usize = 1 << 30;

/// One listpack element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ele<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl Ele<'_> {
    pub fn int(self) -> i64 {
        match self {
            Ele::Int(v) => v,
            Ele::Str(s) => crate::protocol::parse_i64(s).unwrap_or(0),
        }
    }

    pub fn to_vec(self) -> Vec<u8> {
        match self {
            Ele::Int(v) => itoa::Buffer::new().format(v).as_bytes().to_vec(),
            Ele::Str(s) => s.to_vec(),
        }
    }

    fn eq_bytes(self, b: &[u8]) -> bool {
        match self {
            Ele::Str(s) => s == b,
            Ele::Int(v) => itoa::Buffer::new().format(v).as_bytes() == b,
        }
    }
}

/// Decodes the element at `p` of a listpack this module built or the RDB loader validated:
/// the element and the offset of the next. `None` at the end or on malformed bytes.
fn decode_at(lp: &[u8], p: usize) -> Option<(Ele<'_>, usize)> {
    let last = lp.len().checked_sub(1)?;
    if p >= last {
        return None;
    }
    let b = lp[p];
    let get = |from: usize, n: usize| lp.get(from..from.checked_add(n)?);
    let (len, e) = if b & 0x80 == 0 {
        (1, Ele::Int((b & 0x7f) as i64))
    } else if b & 0xc0 == 0x80 {
        let n = (b & 0x3f) as usize;
        (1 + n, Ele::Str(get(p + 1, n)?))
    } else if b & 0xe0 == 0xc0 {
        let d = get(p + 1, 1)?;
        let u = (((b & 0x1f) as i64) << 8) | d[0] as i64;
        (2, Ele::Int(if u >= 1 << 12 { u - (1 << 13) } else { u }))
    } else if b & 0xf0 == 0xe0 {
        let d = get(p + 1, 1)?;
        let n = (((b & 0x0f) as usize) << 8) | d[0] as usize;
        (2 + n, Ele::Str(get(p + 2, n)?))
    } else {
        match b {
            0xf0 => {
                let d = get(p + 1, 4)?;
                let n = u32::from_le_bytes([d[0], d[1], d[2], d[3]]) as usize;
                (5 + n, Ele::Str(get(p + 5, n)?))
            }
            0xf1 => {
                let d = get(p + 1, 2)?;
                (3, Ele::Int(i16::from_le_bytes([d[0], d[1]]) as i64))
            }
            0xf2 => {
                let d = get(p + 1, 3)?;
                (
                    4,
                    Ele::Int((i32::from_le_bytes([0, d[0], d[1], d[2]]) >> 8) as i64),
                )
            }
            0xf3 => {
                let d = get(p + 1, 4)?;
                (
                    5,
                    Ele::Int(i32::from_le_bytes([d[0], d[1], d[2], d[3]]) as i64),
                )
            }
            0xf4 => {
                let d = get(p + 1, 8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(d);
                (9, Ele::Int(i64::from_le_bytes(a)))
            }
            _ => return None,
        }
    };
    let bl = match len {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    };
    Some((e, p + len + bl))
}

/// Decodes every element of a listpack (malformed bytes end the walk early, never panic).
pub fn elements(lp: &[u8]) -> Vec<Ele<'_>> {
    elements_head(lp, usize::MAX)
}

/// The first `n` elements only.
fn elements_head(lp: &[u8], n: usize) -> Vec<Ele<'_>> {
    let mut out = Vec::new();
    let mut p = 6;
    while out.len() < n {
        let Some((e, next)) = decode_at(lp, p) else {
            break;
        };
        out.push(e);
        p = next;
    }
    out
}

fn build(elems: &[Ele]) -> Vec<u8> {
    let mut w = Writer::new();
    for e in elems {
        match *e {
            Ele::Int(v) => w.append_int(v),
            Ele::Str(s) => w.append(s),
        }
    }
    w.finish()
}

/// Where an entry's fields are in its node (see `walk_node`).
struct EntryAt<'a, 'm> {
    lp: &'a [u8],
    master_fields: &'m [Ele<'a>],
    /// Offset of the first field (or value, with SAMEFIELDS).
    at: usize,
    same: bool,
    /// Number of field/value pairs.
    n: usize,
}

impl<'a> EntryAt<'a, '_> {
    /// Appends field, value, ... to `out`.
    fn fields_into(&self, out: &mut Vec<Ele<'a>>) {
        let mut p = self.at;
        for i in 0..self.n {
            if self.same {
                let Some((v, q)) = decode_at(self.lp, p) else {
                    return;
                };
                out.push(self.master_fields.get(i).copied().unwrap_or(Ele::Str(b"")));
                out.push(v);
                p = q;
            } else {
                let Some((f, q)) = decode_at(self.lp, p) else {
                    return;
                };
                let Some((v, q)) = decode_at(self.lp, q) else {
                    return;
                };
                out.push(f);
                out.push(v);
                p = q;
            }
        }
    }
}

/// The start of the element before the one at `p` (Redis's `lpPrev`, through the previous
/// element's backlen); `None` at the first element or on malformed bytes.
fn prev_at(lp: &[u8], p: usize) -> Option<usize> {
    if p <= 6 {
        return None;
    }
    let mut i = p - 1;
    let (mut val, mut shift, mut bytes) = (0usize, 0, 1);
    loop {
        let b = *lp.get(i)?;
        val |= ((b & 127) as usize) << shift;
        if b & 128 == 0 {
            break;
        }
        shift += 7;
        bytes += 1;
        if bytes > 5 || i == 0 {
            return None;
        }
        i -= 1;
    }
    let start = p.checked_sub(val + bytes)?;
    (start >= 6).then_some(start)
}

/// A node's master fields and the offset of its first entry (after the master terminator).
fn node_header(lp: &[u8]) -> Option<(Vec<Ele<'_>>, usize)> {
    let mut p = 6;
    let mut next = || -> Option<Ele<'_>> {
        let (e, q) = decode_at(lp, p)?;
        p = q;
        Some(e)
    };
    let (_count, _deleted, nm) = (next()?, next()?, next()?);
    let nm = nm.int().max(0) as usize;
    let mut master_fields = Vec::with_capacity(nm.min(64));
    for _ in 0..nm {
        master_fields.push(next()?);
    }
    next()?; // the master terminator
    Some((master_fields, p))
}

/// The entry whose flags element is at `p`: its id, flags, fields and the offset after its
/// lp-count.
fn entry_at<'a, 'm>(
    master: StreamId,
    lp: &'a [u8],
    master_fields: &'m [Ele<'a>],
    mut p: usize,
) -> Option<(StreamId, i64, EntryAt<'a, 'm>, usize)> {
    let next = |p: &mut usize| -> Option<Ele<'a>> {
        let (e, q) = decode_at(lp, *p)?;
        *p = q;
        Some(e)
    };
    let (flags, msd, seqd) = (next(&mut p)?, next(&mut p)?, next(&mut p)?);
    let flags = flags.int();
    let id = StreamId::new(
        master.ms.wrapping_add(msd.int() as u64),
        master.seq.wrapping_add(seqd.int() as u64),
    );
    let same = flags & FLAG_SAMEFIELDS != 0;
    let n = if same {
        master_fields.len()
    } else {
        next(&mut p)?.int().max(0) as usize
    };
    let at = p;
    let skip = if same { n } else { 2 * n };
    for _ in 0..skip + 1 {
        // the fields/values, then lp-count
        next(&mut p)?;
    }
    let e = EntryAt {
        lp,
        master_fields,
        at,
        same,
        n,
    };
    Some((id, flags, e, p))
}

/// Walks a node's entries in order without allocating per entry: `f(id, flags, fields)`
/// until it returns false. Returns whether `f` stopped it (malformed bytes end the walk too,
/// returning false).
fn walk_node<'a>(
    master: StreamId,
    lp: &'a [u8],
    mut f: impl FnMut(StreamId, i64, &EntryAt<'a, '_>) -> bool,
) -> bool {
    let Some((master_fields, mut p)) = node_header(lp) else {
        return false;
    };
    while let Some((id, flags, e, q)) = entry_at(master, lp, &master_fields, p) {
        if !f(id, flags, &e) {
            return true;
        }
        p = q;
    }
    false
}

/// Walks a node's entries from the last to the first, as Redis's reverse iterator: each
/// entry's lp-count says how many elements to step back to its flags, so only the entries
/// visited are decoded. `f` and the result as in `walk_node`.
fn walk_node_rev<'a>(
    master: StreamId,
    lp: &'a [u8],
    mut f: impl FnMut(StreamId, i64, &EntryAt<'a, '_>) -> bool,
) -> bool {
    let Some((master_fields, first)) = node_header(lp) else {
        return false;
    };
    let mut end = lp.len().saturating_sub(1); // the listpack terminator
    loop {
        let Some(count_at) = prev_at(lp, end).filter(|&c| c >= first) else {
            return false;
        };
        let Some((count, _)) = decode_at(lp, count_at) else {
            return false;
        };
        let mut p = count_at;
        for _ in 0..count.int().max(0) {
            match prev_at(lp, p) {
                Some(q) if q >= first => p = q,
                _ => return false,
            }
        }
        let Some((id, flags, e, after)) = entry_at(master, lp, &master_fields, p) else {
            return false;
        };
        if after != end {
            return false; // malformed: lp-count disagrees with the entry
        }
        if !f(id, flags, &e) {
            return true;
        }
        end = p;
    }
}

/// Nodes of a canonical rax subtree holding `keys` (sorted, distinct, 16 bytes, sharing their
/// first `depth` bytes), starting at the node that holds byte `depth` (see `Stream::rax_nodes`).
fn rax_nodes_below(keys: &[[u8; 16]], depth: usize) -> usize {
    if depth == 16 {
        return 1; // the key's leaf
    }
    let (first, last) = (&keys[0], &keys[keys.len() - 1]);
    if first[depth] == last[depth] {
        // One compressed node over the bytes every key shares (sorted: first and last decide).
        let mut end = depth;
        while end < 16 && first[end] == last[end] {
            end += 1;
        }
        return 1 + rax_nodes_below(keys, end);
    }
    // A branching node, then each byte's group.
    let mut n = 1;
    let mut start = 0;
    for i in 1..=keys.len() {
        if i == keys.len() || keys[i][depth] != keys[start][depth] {
            n += rax_nodes_below(&keys[start..i], depth + 1);
            start = i;
        }
    }
    n
}

/// A decoded entry of a node: its id and where its flags element is.
#[derive(Debug)]
struct EntryView {
    id: StreamId,
    flags: i64,
    /// Element index of the flags.
    at: usize,
}

/// A decoded node.
struct NodeView<'a> {
    elems: Vec<Ele<'a>>,
    entries: Vec<EntryView>,
}

fn view(master: StreamId, lp: &[u8]) -> NodeView<'_> {
    let elems = elements(lp);
    let mut entries = Vec::new();
    let nmaster = elems.get(2).map_or(0, |e| e.int()).max(0) as usize;
    let mut i = 3 + nmaster + 1;
    while i + 2 < elems.len() {
        let flags = elems[i].int();
        let id = StreamId::new(
            master.ms.wrapping_add(elems[i + 1].int() as u64),
            master.seq.wrapping_add(elems[i + 2].int() as u64),
        );
        let mut j = i + 3;
        if flags & FLAG_SAMEFIELDS != 0 {
            j += nmaster;
        } else {
            let n = elems.get(j).map_or(0, |e| e.int()).max(0) as usize;
            j = j.saturating_add(1).saturating_add(n.saturating_mul(2));
        }
        entries.push(EntryView { id, flags, at: i });
        i = j + 1; // lp-count
    }
    NodeView { elems, entries }
}

/// A stream entry as read: its id and its field/value pairs, flattened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: StreamId,
    pub fields: Vec<Vec<u8>>,
}

/// A pending (delivered, not acknowledged) entry of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nack {
    /// Unix ms of the last delivery.
    pub delivery_time: i64,
    pub delivery_count: u64,
    pub consumer: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Consumer {
    /// Unix ms of the last interaction.
    pub seen_time: i64,
    pub pel: BTreeSet<StreamId>,
}

/// Redis's `SCG_INVALID_ENTRIES_READ`.
pub const INVALID_ENTRIES_READ: i64 = -1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub last_id: StreamId,
    /// Entries read through this group; `INVALID_ENTRIES_READ` when unknown.
    pub entries_read: i64,
    pub pel: BTreeMap<StreamId, Nack>,
    pub consumers: BTreeMap<Vec<u8>, Consumer>,
}

impl Group {
    pub fn new(last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            pel: BTreeMap::new(),
            consumers: BTreeMap::new(),
        }
    }
}

/// How to trim (XADD / XTRIM options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trim {
    MaxLen(u64),
    MinId(StreamId),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stream {
    nodes: BTreeMap<StreamId, Vec<u8>>,
    pub length: u64,
    pub last_id: StreamId,
    pub first_id: StreamId,
    pub max_deleted_id: StreamId,
    pub entries_added: u64,
    pub groups: BTreeMap<Vec<u8>, Group>,
}

/// Why an append failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendError {
    /// The id is not greater than the top item (or the sequence would overflow).
    TooSmall,
    /// The fields are too large for a node.
    TooBig,
}

impl Stream {
    pub fn new() -> Stream {
        Stream::default()
    }

    pub fn len(&self) -> u64 {
        self.length
    }

    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// Number of nodes (XINFO STREAM `radix-tree-nodes` is Redis's rax count, not this).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Live entries counted from the nodes' headers (RDB load checks `length` with it).
    pub fn live_count(&self) -> u64 {
        self.nodes
            .values()
            .map(|lp| elements_head(lp, 1).first().map_or(0, |e| e.int()).max(0) as u64)
            .sum()
    }

    /// The nodes, in order (RDB).
    pub fn nodes(&self) -> impl Iterator<Item = (&StreamId, &Vec<u8>)> {
        self.nodes.iter()
    }

    /// Inserts a node as loaded from RDB (validated by the caller); keys must ascend.
    pub fn push_node(&mut self, master: StreamId, lp: Vec<u8>) {
        self.nodes.insert(master, lp);
    }

    pub fn heap_size(&self) -> usize {
        self.heap_size_sampled(usize::MAX)
    }

    /// `heap_size` with the nodes and the groups each extrapolated from the first `samples`
    /// (as Redis's `objectComputeSize` samples a stream's listpacks and its groups).
    pub fn heap_size_sampled(&self, samples: usize) -> usize {
        let nodes = self.nodes.values().map(|v| v.capacity() + 48);
        let groups = self
            .groups
            .values()
            .map(|g| 64 + g.pel.len() * 64 + g.consumers.len() * 64);
        super::sampled_sum(self.nodes.len(), samples, nodes)
            + super::sampled_sum(self.groups.len(), samples, groups)
    }

    /// The first entry id, deleted or not (`streamGetEdgeID(s,1,0,..)`).
    pub fn first_id_with_tombstones(&self) -> Option<StreamId> {
        let (k, lp) = self.nodes.first_key_value()?;
        view(*k, lp).entries.first().map(|e| e.id)
    }

    /// XINFO STREAM `radix-tree-nodes`: the nodes Redis's rax would have for these node keys
    /// (16-byte big-endian master ids). A rax is a compressed trie in canonical form, so the
    /// count follows from the key set alone: a run of bytes all keys share is one compressed
    /// node, a byte where they differ is one branching node, and every key ends in an empty
    /// leaf node (an empty rax is its root). O(keys x 16), only for XINFO.
    pub fn rax_nodes(&self) -> usize {
        let keys: Vec<[u8; 16]> = self.nodes.keys().map(|id| id.encode()).collect();
        if keys.is_empty() {
            return 1;
        }
        rax_nodes_below(&keys, 0)
    }

    /// The id `XADD` would give: `use_id` (with `seq` `None` for `<ms>-*`) or an automatic one
    /// from `now_ms` that never goes below the last id.
    pub fn next_id(&self, use_id: Option<(u64, Option<u64>)>, now_ms: u64) -> Option<StreamId> {
        match use_id {
            Some((ms, Some(seq))) => Some(StreamId::new(ms, seq)),
            Some((ms, None)) => {
                if self.last_id.ms == ms {
                    if self.last_id.seq == u64::MAX {
                        return None;
                    }
                    Some(StreamId::new(ms, self.last_id.seq + 1))
                } else {
                    Some(StreamId::new(ms, 0))
                }
            }
            None => {
                if now_ms > self.last_id.ms {
                    Some(StreamId::new(now_ms, 0))
                } else {
                    self.last_id.incr()
                }
            }
        }
    }

    /// Appends an entry (`streamAppendItem`). `fields` are field, value, ... pairs.
    pub fn append<B: AsRef<[u8]>>(
        &mut self,
        id: StreamId,
        fields: &[B],
        node_max_bytes: usize,
        node_max_entries: usize,
    ) -> Result<(), AppendError> {
        if id <= self.last_id {
            return Err(AppendError::TooSmall);
        }
        let totelelen: usize = fields.iter().map(|f| f.as_ref().len()).sum();
        if totelelen > LISTPACK_MAX_SIZE {
            return Err(AppendError::TooBig);
        }
        let numfields = fields.len() / 2;
        let max_bytes = if node_max_bytes == 0 || node_max_bytes > LISTPACK_MAX_SIZE {
            LISTPACK_MAX_SIZE
        } else {
            node_max_bytes
        };
        let mut tail = self.nodes.last_entry();
        if let Some(t) = &tail {
            let lp = t.get();
            let mut full = lp.len() + totelelen >= max_bytes;
            if !full && node_max_entries > 0 {
                let e = elements_head(lp, 2);
                let count = e.first().map_or(0, |e| e.int()) + e.get(1).map_or(0, |e| e.int());
                full = count >= node_max_entries as i64;
            }
            if full {
                // The full node stays as it is: give back its spare capacity (lpShrinkToFit).
                if let Some(mut t) = tail.take() {
                    t.get_mut().shrink_to_fit();
                }
            }
        }
        let (master, mut lp, same) = match tail {
            None => {
                let mut w = Writer::new();
                w.append_int(1);
                w.append_int(0);
                w.append_int(numfields as i64);
                for f in fields.iter().step_by(2) {
                    w.append(f.as_ref());
                }
                w.append_int(0);
                (id, w, true)
            }
            Some(t) => {
                let master = *t.key();
                let mut lp = t.remove();
                let head = elements_head(&lp, 3);
                let count = head.first().map_or(0, |e| e.int());
                let nmaster = head.get(2).map_or(0, |e| e.int()).max(0) as usize;
                let same = nmaster == numfields && {
                    let m = elements_head(&lp, 3 + nmaster);
                    (0..nmaster).all(|i| {
                        m.get(3 + i)
                            .is_some_and(|e| e.eq_bytes(fields[i * 2].as_ref()))
                    })
                };
                // The live count is the first element: patched in place while it stays a
                // 7-bit integer (always, at the default 100 entries per node).
                let in_place = lp.len() > 7 && lp[6] & 0x80 == 0 && count < 127;
                if in_place {
                    lp[6] = (count + 1) as u8;
                }
                let w = match Writer::reopen(lp) {
                    Ok(w) if in_place => w,
                    Ok(w) => {
                        let lp = w.finish();
                        let mut elems = elements(&lp);
                        if let Some(e) = elems.first_mut() {
                            *e = Ele::Int(count + 1);
                        }
                        writer_from(&elems)
                    }
                    Err(lp) => {
                        let mut elems = elements(&lp);
                        if let Some(e) = elems.first_mut() {
                            *e = Ele::Int(count + 1);
                        }
                        writer_from(&elems)
                    }
                };
                (master, w, same)
            }
        };
        let flags = if same { FLAG_SAMEFIELDS } else { 0 };
        lp.append_int(flags);
        lp.append_int(id.ms.wrapping_sub(master.ms) as i64);
        lp.append_int(id.seq.wrapping_sub(master.seq) as i64);
        if !same {
            lp.append_int(numfields as i64);
        }
        for pair in fields.chunks(2) {
            if !same {
                lp.append(pair[0].as_ref());
            }
            lp.append(pair.get(1).map_or(&[][..], |v| v.as_ref()));
        }
        let mut lp_count = numfields as i64 + 3;
        if !same {
            lp_count += numfields as i64 + 1;
        }
        lp.append_int(lp_count);
        self.nodes.insert(master, lp.finish());
        self.length += 1;
        self.entries_added += 1;
        self.last_id = id;
        if self.length == 1 {
            self.first_id = id;
        }
        Ok(())
    }

    /// Entries with `start <= id <= end`, in order (or reversed), at most `count` (0 = all).
    pub fn range(&self, start: StreamId, end: StreamId, rev: bool, count: usize) -> Vec<Entry> {
        let mut out = Vec::new();
        self.walk(start, end, rev, |id, fields| {
            out.push(Entry {
                id,
                fields: fields.iter().map(|e| e.to_vec()).collect(),
            });
            count == 0 || out.len() < count
        });
        out
    }

    /// Calls `f` on each live entry in range until it returns false.
    fn walk<'s>(
        &'s self,
        start: StreamId,
        end: StreamId,
        rev: bool,
        mut f: impl FnMut(StreamId, &[Ele]) -> bool,
    ) {
        if start > end {
            return;
        }
        // One visitor for both directions: an entry short of the range on the side the walk
        // comes from is skipped, one past its far side ends the walk; fields are decoded only
        // for the entries handed to `f`.
        let mut fields = Vec::new();
        let mut visit = |id: StreamId, flags: i64, e: &EntryAt<'s, '_>| -> bool {
            let (short, past) = if rev {
                (id > end, id < start)
            } else {
                (id < start, id > end)
            };
            if flags & FLAG_DELETED != 0 || short {
                return true;
            }
            if past {
                return false;
            }
            fields.clear();
            e.fields_into(&mut fields);
            f(id, &fields)
        };
        if !rev {
            let first = self
                .nodes
                .range(..=start)
                .next_back()
                .map(|(k, _)| *k)
                .unwrap_or(start);
            for (k, lp) in self.nodes.range(first..=end) {
                if walk_node(*k, lp, &mut visit) {
                    return;
                }
            }
        } else {
            for (k, lp) in self.nodes.range(..=end).rev() {
                if walk_node_rev(*k, lp, &mut visit) || *k <= start {
                    return;
                }
            }
        }
    }

    /// Whether a live entry with this id exists.
    pub fn contains(&self, id: StreamId) -> bool {
        let mut found = false;
        self.walk(id, id, false, |_, _| {
            found = true;
            false
        });
        found
    }

    /// First (or last) live entry id, if any (`streamGetEdgeID` skipping tombstones).
    pub fn edge_id(&self, first: bool) -> Option<StreamId> {
        if !first {
            // The last live id: the last node with a live entry, walked forward in place.
            for (k, lp) in self.nodes.iter().rev() {
                let mut last = None;
                walk_node(*k, lp, |id, flags, _| {
                    if flags & FLAG_DELETED == 0 {
                        last = Some(id);
                    }
                    true
                });
                if last.is_some() {
                    return last;
                }
            }
            return None;
        }
        let mut r = None;
        self.walk(StreamId::MIN, StreamId::MAX, !first, |id, _| {
            r = Some(id);
            false
        });
        r
    }

    /// Marks the entry `id` deleted (`streamDeleteItem`). Returns whether it existed. Does not
    /// touch `first_id` / `max_deleted_id` (the callers do, as Redis's).
    pub fn delete(&mut self, id: StreamId) -> bool {
        let Some((&master, lp)) = self.nodes.range(..=id).next_back() else {
            return false;
        };
        let v = view(master, lp);
        let Some(e) = v
            .entries
            .iter()
            .find(|e| e.id == id && e.flags & FLAG_DELETED == 0)
        else {
            return false;
        };
        let mut elems = v.elems.clone();
        let count = elems[0].int() - 1;
        elems[0] = Ele::Int(count);
        elems[1] = Ele::Int(elems[1].int() + 1);
        elems[e.at] = Ele::Int(e.flags | FLAG_DELETED);
        let new = if count == 0 {
            None
        } else {
            Some(build(&elems))
        };
        match new {
            None => {
                self.nodes.remove(&master);
            }
            Some(lp) => {
                self.nodes.insert(master, lp);
            }
        }
        self.length -= 1;
        true
    }

    /// Trims from the head (`streamTrim`); `limit` 0 = unlimited. Returns entries removed.
    pub fn trim(&mut self, how: Trim, approx: bool, limit: u64) -> u64 {
        let mut deleted: u64 = 0;
        loop {
            if let Trim::MaxLen(maxlen) = how
                && self.length <= maxlen
            {
                break;
            }
            let Some((&master, lp)) = self.nodes.first_key_value() else {
                break;
            };
            let head = elements_head(lp, 1);
            let entries = head.first().map_or(0, |e| e.int()).max(0) as u64;
            if limit != 0 && deleted + entries > limit {
                break;
            }
            let remove_node = match how {
                Trim::MaxLen(maxlen) => self.length - entries >= maxlen,
                Trim::MinId(min) => {
                    let v = view(master, lp);
                    v.entries.last().is_none_or(|e| e.id < min)
                }
            };
            if remove_node {
                self.nodes.remove(&master);
                self.length -= entries;
                deleted += entries;
                continue;
            }
            if approx {
                break;
            }
            let v = view(master, lp);
            let mut elems = v.elems.clone();
            let mut from_node = 0;
            for e in &v.entries {
                let stop = match how {
                    Trim::MaxLen(maxlen) => self.length <= maxlen,
                    Trim::MinId(min) => e.id >= min,
                };
                if stop {
                    break;
                }
                if e.flags & FLAG_DELETED == 0 {
                    elems[e.at] = Ele::Int(e.flags | FLAG_DELETED);
                    from_node += 1;
                    self.length -= 1;
                }
            }
            deleted += from_node;
            elems[0] = Ele::Int(entries as i64 - from_node as i64);
            elems[1] = Ele::Int(elems[1].int() + from_node as i64);
            let new = build(&elems);
            self.nodes.insert(master, new);
            break;
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if deleted > 0 {
            self.first_id = self.edge_id(true).unwrap_or_default();
        }
        deleted
    }

    /// `streamEstimateDistanceFromFirstEverEntry`.
    pub fn estimate_distance(&self, id: StreamId) -> i64 {
        if self.entries_added == 0 {
            return 0;
        }
        if self.length == 0 && id <= self.last_id {
            return self.entries_added as i64;
        }
        if id == self.last_id {
            return self.entries_added as i64;
        } else if id > self.last_id {
            return INVALID_ENTRIES_READ;
        }
        if self.max_deleted_id.is_zero() || self.max_deleted_id < self.first_id {
            if id < self.first_id {
                return self.entries_added.wrapping_sub(self.length) as i64;
            } else if id == self.first_id {
                return self.entries_added.wrapping_sub(self.length).wrapping_add(1) as i64;
            }
        }
        INVALID_ENTRIES_READ
    }

    /// `streamRangeHasTombstones`.
    pub fn range_has_tombstones(&self, start: Option<StreamId>, end: Option<StreamId>) -> bool {
        if self.length == 0 || self.max_deleted_id.is_zero() {
            return false;
        }
        if self.first_id > self.max_deleted_id {
            return false;
        }
        let s = start.unwrap_or(StreamId::MIN);
        let e = end.unwrap_or(StreamId::MAX);
        s <= self.max_deleted_id && self.max_deleted_id <= e
    }

    /// A group's lag (`streamReplyWithCGLag`), `None` when it cannot be known.
    pub fn lag(&self, g: &Group) -> Option<i64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        if g.entries_read != INVALID_ENTRIES_READ
            && !self.range_has_tombstones(Some(g.last_id), None)
        {
            return Some((self.entries_added as i64).wrapping_sub(g.entries_read));
        }
        let er = self.estimate_distance(g.last_id);
        if er != INVALID_ENTRIES_READ {
            return Some((self.entries_added as i64).wrapping_sub(er));
        }
        None
    }
}

/// Checks a node's listpack (already validated as a listpack) has a stream node's layout
/// (`streamValidateListpackIntegrity` in deep mode), with ids at or after `master` in order.
pub fn validate_node(master: StreamId, lp: &[u8]) -> Result<(), &'static str> {
    const BAD: &str = "stream node layout is invalid";
    let e = elements(lp);
    let int = |i: usize| match e.get(i) {
        Some(Ele::Int(v)) => Ok(*v),
        _ => Err(BAD),
    };
    let count = int(0)?;
    let deleted = int(1)?;
    let nmaster = int(2)?;
    if count < 0 || deleted < 0 || nmaster < 0 || nmaster as usize > e.len() {
        return Err(BAD);
    }
    if count == 0 {
        return Err("Empty listpack inside stream");
    }
    let mut i = 3 + nmaster as usize;
    if int(i)? != 0 {
        return Err(BAD);
    }
    i += 1;
    let mut prev: Option<StreamId> = None;
    let mut live = 0;
    for _ in 0..count + deleted {
        let start = i;
        let flags = int(i)?;
        let ms = int(i + 1)?;
        let seq = int(i + 2)?;
        i += 3;
        let mut fields = nmaster as usize;
        let mut extra = 3;
        if flags & FLAG_SAMEFIELDS == 0 {
            let n = int(i)?;
            if n < 0 || n as usize > e.len() {
                return Err(BAD);
            }
            fields = n as usize;
            i += 1 + fields;
            extra += fields + 1;
        }
        i += fields;
        if int(i)? != (fields + extra) as i64 || i - start != fields + extra {
            return Err(BAD);
        }
        i += 1;
        let id = StreamId::new(
            master.ms.wrapping_add(ms as u64),
            master.seq.wrapping_add(seq as u64),
        );
        if prev.is_some_and(|p| p >= id) || id < master {
            return Err(BAD);
        }
        prev = Some(id);
        if flags & FLAG_DELETED == 0 {
            live += 1;
        }
    }
    if i != e.len() || live != count {
        return Err(BAD);
    }
    Ok(())
}

fn writer_from(elems: &[Ele]) -> Writer {
    let mut w = Writer::new();
    for e in elems {
        match *e {
            Ele::Int(v) => w.append_int(v),
            Ele::Str(s) => w.append(s),
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(s: &mut Stream, ms: u64, seq: u64, f: &[&str]) {
        s.append(StreamId::new(ms, seq), f, 4096, 100).unwrap();
    }

    /// Reverse ranges (walked backwards through lp-count and backlens) agree with forward
    /// ranges on streams with several nodes, tombstones, differing field sets and values
    /// long enough for multi-byte backlens.
    #[test]
    fn reverse_walk_matches_forward() {
        let mut seed = 0x2545F4914F6CDD1Du64;
        let mut rnd = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for round in 0..20 {
            let mut s = Stream::new();
            let total = 50 + rnd(400);
            for i in 0..total {
                let long = "v".repeat(rnd(4) as usize * (40 + rnd(9000) as usize));
                let f: Vec<String> = match rnd(3) {
                    0 => vec!["a".into(), i.to_string(), "b".into(), long],
                    1 => vec!["a".into(), long, "b".into(), "x".into()],
                    _ => vec!["c".into(), i.to_string()],
                };
                let max_entries = if round % 2 == 0 { 100 } else { 7 };
                s.append(StreamId::new(1000 + i, rnd(3)), &f, 4096, max_entries)
                    .unwrap();
            }
            let all = s.range(
                StreamId::new(0, 0),
                StreamId::new(u64::MAX, u64::MAX),
                false,
                0,
            );
            for _ in 0..rnd(all.len() as u64 / 3 + 1) {
                let id = all[rnd(all.len() as u64) as usize].id;
                s.delete(id);
            }
            for _ in 0..30 {
                let a = StreamId::new(1000 + rnd(total + 2), rnd(3));
                let b = StreamId::new(1000 + rnd(total + 2), rnd(3));
                let (start, end) = if a <= b { (a, b) } else { (b, a) };
                let count = rnd(5) as usize * rnd(20) as usize;
                let mut fwd = s.range(start, end, false, 0);
                fwd.reverse();
                if count > 0 {
                    fwd.truncate(count);
                }
                assert_eq!(s.range(start, end, true, count), fwd);
            }
        }
    }

    #[test]
    fn append_range_delete_trim() {
        let mut s = Stream::new();
        for i in 1..=250 {
            add(&mut s, i, 0, &["a", "1", "b", &i.to_string()]);
        }
        add(&mut s, 251, 0, &["x", "y"]);
        assert_eq!(s.len(), 251);
        assert_eq!(s.node_count(), 3);
        let r = s.range(StreamId::new(99, 0), StreamId::new(102, 0), false, 0);
        assert_eq!(
            r.iter().map(|e| e.id.ms).collect::<Vec<_>>(),
            vec![99, 100, 101, 102]
        );
        assert_eq!(
            r[0].fields,
            vec![b"a".to_vec(), b"1".to_vec(), b"b".to_vec(), b"99".to_vec()]
        );
        let r = s.range(StreamId::MIN, StreamId::MAX, true, 2);
        assert_eq!(r[0].fields, vec![b"x".to_vec(), b"y".to_vec()]);
        assert_eq!(r[1].id.ms, 250);
        assert!(s.delete(StreamId::new(100, 0)));
        assert!(!s.delete(StreamId::new(100, 0)));
        assert!(!s.contains(StreamId::new(100, 0)));
        assert_eq!(s.len(), 250);
        assert_eq!(s.trim(Trim::MaxLen(200), true, 0), 0);
        assert_eq!(s.trim(Trim::MaxLen(100), true, 0), 99);
        assert_eq!(s.trim(Trim::MinId(StreamId::new(205, 0)), false, 0), 104);
        assert_eq!(s.first_id, StreamId::new(205, 0));
        assert_eq!(s.edge_id(false), Some(StreamId::new(251, 0)));
    }
}
