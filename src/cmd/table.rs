//! The static command table: one `Command` per command (name, arity, flags, key positions,
//! handler, subcommands). Each family file ends with its own `COMMANDS` slice; `all()` joins them.
//! Arity, flags and key positions live only here; they drive dispatch, `COMMAND`, and later
//! propagation and ACLs.

use std::collections::HashMap;
use std::sync::OnceLock;

use bytes::Bytes;

use super::{CmdResult, Ctx};

pub type Handler = fn(&mut Ctx, &[Bytes]) -> CmdResult;

/// Command flags, with the names `COMMAND INFO` reports.
pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 3;
    pub const PUBSUB: u32 = 1 << 4;
    pub const NOSCRIPT: u32 = 1 << 5;
    pub const BLOCKING: u32 = 1 << 6;
    pub const LOADING: u32 = 1 << 7;
    pub const STALE: u32 = 1 << 8;
    pub const SKIP_MONITOR: u32 = 1 << 9;
    pub const SKIP_SLOWLOG: u32 = 1 << 10;
    pub const FAST: u32 = 1 << 11;
    pub const NO_AUTH: u32 = 1 << 12;
    pub const MAY_REPLICATE: u32 = 1 << 13;
    pub const NO_MANDATORY_KEYS: u32 = 1 << 14;
    pub const NO_MULTI: u32 = 1 << 15;
    pub const MOVABLE_KEYS: u32 = 1 << 16;
    pub const ALLOW_BUSY: u32 = 1 << 17;
    pub const SENTINEL: u32 = 1 << 18;
    pub const ASKING: u32 = 1 << 19;
    pub const NO_ASYNC_LOADING: u32 = 1 << 20;
    /// Redis's CMD_PROTECTED (DEBUG, MODULE LOAD/LOADEX/UNLOAD): allowed only as
    /// `enable-debug-command` / `enable-module-command` say; never reported, as in Redis.
    pub const PROTECTED: u32 = 1 << 21;

    /// In the order Redis prints them (`SENTINEL` is never reported; `module` cannot occur).
    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (ASKING, "asking"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        (MAY_REPLICATE, "may_replicate"),
        (NO_MANDATORY_KEYS, "no_mandatory_keys"),
        (NO_ASYNC_LOADING, "no_async_loading"),
        (NO_MULTI, "no_multi"),
        (MOVABLE_KEYS, "movablekeys"),
        (ALLOW_BUSY, "allow_busy"),
    ];
}

/// Key positions as Redis's legacy (first, last, step) triple: `last` < 0 counts from the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keys {
    pub first: i32,
    pub last: i32,
    pub step: i32,
}

pub const NO_KEYS: Keys = Keys {
    first: 0,
    last: 0,
    step: 0,
};

/// Keys at `first..=last` every `step` arguments.
pub const fn keys(first: i32, last: i32, step: i32) -> Keys {
    Keys { first, last, step }
}

pub struct Command {
    /// Lower-case full name; subcommands are `container|sub` (`config|get`).
    pub name: &'static str,
    /// Redis's rule: positive = exactly, negative = at least |arity| (name included).
    pub arity: i32,
    pub flags: u32,
    pub keys: Keys,
    pub handler: Handler,
    pub subcommands: &'static [Command],
}

impl Command {
    pub const fn new(
        name: &'static str,
        arity: i32,
        flags: u32,
        keys: Keys,
        handler: Handler,
    ) -> Command {
        Command {
            name,
            arity,
            flags,
            keys,
            handler,
            subcommands: &[],
        }
    }

    /// A container command (CONFIG, CLIENT, ...) dispatching on its first argument.
    pub const fn container(
        name: &'static str,
        arity: i32,
        flags: u32,
        subcommands: &'static [Command],
    ) -> Command {
        Command {
            name,
            arity,
            flags,
            keys: NO_KEYS,
            handler: container_without_subcommand,
            subcommands,
        }
    }

    #[inline]
    pub fn arity_ok(&self, argc: usize) -> bool {
        let a = self.arity;
        if a >= 0 {
            argc == a as usize
        } else {
            argc >= a.unsigned_abs() as usize
        }
    }

    #[inline]
    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// The subcommand named by `arg` (case-insensitive).
    pub fn subcommand(&self, arg: &[u8]) -> Option<&'static Command> {
        let subs: &'static [Command] = self.subcommands;
        subs.iter().find(|s| {
            s.name
                .split_once('|')
                .is_some_and(|(_, n)| n.as_bytes().eq_ignore_ascii_case(arg))
        })
    }

    /// The positions of key arguments in `argv`, per the table.
    pub fn key_positions(&self, argc: usize) -> Vec<usize> {
        let k = self.keys;
        if k.first <= 0 {
            return vec![];
        }
        let last = if k.last < 0 {
            argc as i64 + k.last as i64
        } else {
            k.last as i64
        };
        let mut out = vec![];
        let mut i = k.first as i64;
        while i <= last && (i as usize) < argc {
            out.push(i as usize);
            i += k.step.max(1) as i64;
        }
        out
    }

    /// The name's container part (`config` for `config|get`).
    pub fn container_name(&self) -> &'static str {
        self.name.split_once('|').map_or(self.name, |(c, _)| c)
    }
}

fn container_without_subcommand(_: &mut Ctx, _: &[Bytes]) -> CmdResult {
    // Unreachable in practice: arity -2 guarantees a subcommand argument, and an unknown one is
    // rejected by the dispatcher. Kept as a real error rather than a panic.
    Err(super::Error::Syntax)
}

/// Every command, from every family's registration table.
pub fn all() -> &'static [&'static Command] {
    static ALL: OnceLock<Vec<&'static Command>> = OnceLock::new();
    ALL.get_or_init(|| {
        crate::family::TABLES
            .iter()
            .flat_map(|t| t.iter())
            .collect()
    })
}

fn index() -> &'static HashMap<&'static [u8], &'static Command, foldhash::fast::FixedState> {
    static INDEX: OnceLock<HashMap<&'static [u8], &'static Command, foldhash::fast::FixedState>> =
        OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m = HashMap::with_hasher(foldhash::fast::FixedState::default());
        for c in all() {
            m.insert(c.name.as_bytes(), *c);
        }
        m
    })
}

/// Finds a top-level command by name, case-insensitively, without allocating.
#[inline]
pub fn lookup(name: &[u8]) -> Option<&'static Command> {
    let mut buf = [0u8; 32];
    if name.len() > buf.len() {
        return None;
    }
    let lower = &mut buf[..name.len()];
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    index().get(&*lower).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lowercase() {
        let mut seen = std::collections::HashSet::new();
        for c in all() {
            assert_eq!(c.name, c.name.to_lowercase());
            assert!(seen.insert(c.name), "duplicate {}", c.name);
            for s in c.subcommands {
                assert!(s.name.starts_with(&format!("{}|", c.name)), "{}", s.name);
            }
        }
        assert!(lookup(b"GeT").is_some());
    }

    #[test]
    fn key_positions() {
        let get = lookup(b"get").unwrap();
        assert_eq!(get.key_positions(2), vec![1]);
        let stepped = Command::new("x", -3, 0, keys(1, -1, 2), |_, _| Ok(()));
        assert_eq!(stepped.key_positions(5), vec![1, 3]);
        let del = lookup(b"del").unwrap();
        assert_eq!(del.key_positions(4), vec![1, 2, 3]);
    }
}
