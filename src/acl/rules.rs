//! ACL rules: users and selectors, the rule parser (`ACL SETUSER` modifiers, `user` lines) and
//! the printer that turns a user back into rules (`ACL LIST`, `ACL GETUSER`, the ACL file), all
//! as Redis 7.0's acl.c does them.
//!
//! Invariants:
//! - A user always has its root selector first (`selectors[0]`, flag `ROOT`); more selectors
//!   come only from `(...)` modifiers.
//! - A selector's command bitmap has one bit per command id (`super::commands()`) plus one
//!   reserved last bit, set only by `+@all`/`allcommands`, that means "and future commands";
//!   the printer starts from `+@all` exactly when that bit is set.
//! - Applying a failing modifier may leave a user half-changed: callers apply modifiers to a
//!   copy and keep it only when all of them succeeded (`string_set_user`).

use std::collections::BTreeMap;

use super::{CATEGORIES, commands};
use crate::ops::report::c_str;

/// User flags, in the order Redis prints them.
pub mod uflag {
    pub const ENABLED: u8 = 1 << 0;
    pub const DISABLED: u8 = 1 << 1;
    pub const NOPASS: u8 = 1 << 2;
    pub const SKIP_SANITIZE: u8 = 1 << 3;
    pub const SANITIZE: u8 = 1 << 4;
    pub const NAMES: &[(u8, &str)] = &[
        (ENABLED, "on"),
        (DISABLED, "off"),
        (NOPASS, "nopass"),
        (SKIP_SANITIZE, "skip-sanitize-payload"),
        (SANITIZE, "sanitize-payload"),
    ];
}

/// Selector flags.
pub mod sflag {
    pub const ROOT: u8 = 1 << 0;
    pub const ALLKEYS: u8 = 1 << 1;
    pub const ALLCOMMANDS: u8 = 1 << 2;
    pub const ALLCHANNELS: u8 = 1 << 3;
}

/// Key pattern permissions.
pub const READ: u8 = 1;
pub const WRITE: u8 = 2;
pub const ALL: u8 = READ | WRITE;

/// Why a modifier was refused (Redis's errno values in ACLSetUser), with Redis's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleError {
    /// ENOENT
    UnknownCommand,
    /// EINVAL
    Syntax,
    /// EEXIST
    KeyAfterAll,
    /// EISDIR
    ChannelAfterAll,
    /// ENODEV
    NoSuchPassword,
    /// EBADMSG
    BadHash,
    /// ECHILD
    SubcommandFirstArg,
    /// EALREADY
    Duplicate,
}

impl RuleError {
    pub fn text(self) -> &'static str {
        match self {
            RuleError::UnknownCommand => "Unknown command or category name in ACL",
            RuleError::Syntax => "Syntax error",
            RuleError::KeyAfterAll => {
                "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns"
            }
            RuleError::ChannelAfterAll => {
                "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels"
            }
            RuleError::NoSuchPassword => {
                "The password you are trying to remove from the user does not exist"
            }
            RuleError::BadHash => {
                "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"
            }
            RuleError::SubcommandFirstArg => "Allowing first-arg of a subcommand is not supported",
            RuleError::Duplicate => {
                "Duplicate user found. A user can only be defined once in config files"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPattern {
    /// `READ`, `WRITE` or both.
    pub flags: u8,
    pub pattern: Vec<u8>,
}

/// A set of permissions: commands, keys, channels. A command is allowed for a user when one
/// of its selectors allows the command with all its keys and channels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    pub flags: u8,
    /// One bit per command id, plus the "future commands" bit (`future_bit()`).
    pub allowed: Vec<u64>,
    /// First arguments allowed for an otherwise denied command (`+select|0`), by command id.
    pub firstargs: BTreeMap<usize, Vec<Vec<u8>>>,
    pub patterns: Vec<KeyPattern>,
    pub channels: Vec<Vec<u8>>,
}

fn future_bit() -> usize {
    commands().list.len()
}

fn bitmap_words() -> usize {
    future_bit() / 64 + 1
}

impl Selector {
    /// An empty selector (no permissions) with `acl-pubsub-default` applied.
    pub fn new(flags: u8) -> Selector {
        let mut flags = flags;
        if super::pubsub_default_all() {
            flags |= sflag::ALLCHANNELS;
        }
        Selector::bare(flags)
    }

    fn bare(flags: u8) -> Selector {
        Selector {
            flags,
            allowed: vec![0; bitmap_words()],
            firstargs: BTreeMap::new(),
            patterns: Vec::new(),
            channels: Vec::new(),
        }
    }

    #[inline]
    pub fn bit(&self, id: usize) -> bool {
        self.allowed[id / 64] & (1 << (id % 64)) != 0
    }

    fn set_bit(&mut self, id: usize, on: bool) {
        if on {
            self.allowed[id / 64] |= 1 << (id % 64);
        } else {
            self.allowed[id / 64] &= !(1 << (id % 64));
            self.flags &= !sflag::ALLCOMMANDS;
        }
    }

    /// Allows or denies a command and, for a container, all its subcommands
    /// (`ACLChangeSelectorPerm`).
    fn change_perm(&mut self, id: usize, on: bool) {
        self.set_bit(id, on);
        self.firstargs.remove(&id);
        for &sub in &commands().list[id].subs {
            self.set_bit(sub, on);
        }
    }

    fn set_category(&mut self, cat: u32, on: bool) {
        let cmds = commands();
        for (id, c) in cmds.list.iter().enumerate() {
            if c.cats & cat != 0 {
                self.change_perm(id, on);
            }
        }
    }

    fn all_commands(&mut self, on: bool) {
        let fill = if on { u64::MAX } else { 0 };
        self.allowed.iter_mut().for_each(|w| *w = fill);
        if on {
            self.flags |= sflag::ALLCOMMANDS;
        } else {
            self.flags &= !sflag::ALLCOMMANDS;
        }
        self.firstargs.clear();
    }

    /// Applies one selector modifier (`ACLSetSelector`).
    pub fn apply(&mut self, op: &[u8]) -> Result<(), RuleError> {
        let is = |s: &str| op.eq_ignore_ascii_case(s.as_bytes());
        if is("allkeys") || is("~*") {
            self.flags |= sflag::ALLKEYS;
            self.patterns.clear();
        } else if is("resetkeys") {
            self.flags &= !sflag::ALLKEYS;
            self.patterns.clear();
        } else if is("allchannels") || is("&*") {
            self.flags |= sflag::ALLCHANNELS;
            self.channels.clear();
        } else if is("resetchannels") {
            self.flags &= !sflag::ALLCHANNELS;
            self.channels.clear();
        } else if is("allcommands") || is("+@all") {
            self.all_commands(true);
        } else if is("nocommands") || is("-@all") {
            self.all_commands(false);
        } else if op.first().is_some_and(|&b| b == b'~' || b == b'%') {
            if self.flags & sflag::ALLKEYS != 0 {
                return Err(RuleError::KeyAfterAll);
            }
            let mut flags = 0;
            let mut offset = 1;
            if op[0] == b'%' {
                while offset < op.len() {
                    let c = op[offset];
                    if c.eq_ignore_ascii_case(&b'R') && flags & READ == 0 {
                        flags |= READ;
                    } else if c.eq_ignore_ascii_case(&b'W') && flags & WRITE == 0 {
                        flags |= WRITE;
                    } else if c == b'~' {
                        offset += 1;
                        break;
                    } else {
                        return Err(RuleError::Syntax);
                    }
                    offset += 1;
                }
                // Redis 7.0.15 refuses a '%' without any permission letter.
                if flags == 0 {
                    return Err(RuleError::Syntax);
                }
            } else {
                flags = ALL;
            }
            let pattern = &op[offset.min(op.len())..];
            if has_spaces(pattern) {
                return Err(RuleError::Syntax);
            }
            match self.patterns.iter_mut().find(|p| p.pattern == pattern) {
                Some(p) => p.flags |= flags,
                None => self.patterns.push(KeyPattern {
                    flags,
                    pattern: pattern.to_vec(),
                }),
            }
            self.flags &= !sflag::ALLKEYS;
        } else if op.first() == Some(&b'&') {
            if self.flags & sflag::ALLCHANNELS != 0 {
                return Err(RuleError::ChannelAfterAll);
            }
            let pattern = &op[1..];
            if has_spaces(pattern) {
                return Err(RuleError::Syntax);
            }
            if !self.channels.iter().any(|c| c == pattern) {
                self.channels.push(pattern.to_vec());
            }
            self.flags &= !sflag::ALLCHANNELS;
        } else if op.first() == Some(&b'+') && op.get(1) != Some(&b'@') {
            let name = &op[1..];
            match memchr::memrchr(b'|', name) {
                None => {
                    let id = lookup(name).ok_or(RuleError::UnknownCommand)?;
                    self.change_perm(id, true);
                }
                Some(bar) => {
                    let (base, sub) = (&name[..bar], &name[bar + 1..]);
                    let id = lookup(base).ok_or(RuleError::UnknownCommand)?;
                    let cmds = commands();
                    if cmds.list[id].parent.is_some() {
                        return Err(RuleError::SubcommandFirstArg);
                    }
                    if sub.is_empty() {
                        return Err(RuleError::Syntax);
                    }
                    if !cmds.list[id].subs.is_empty() {
                        let id = lookup(name).ok_or(RuleError::UnknownCommand)?;
                        self.change_perm(id, true);
                    } else {
                        tracing::warn!(
                            "Deprecation warning: Allowing a first arg of an otherwise blocked command is a misuse of ACL and may get disabled in the future (offender: +{})",
                            String::from_utf8_lossy(name)
                        );
                        let list = self.firstargs.entry(id).or_default();
                        if !list.iter().any(|a| a.eq_ignore_ascii_case(sub)) {
                            list.push(sub.to_vec());
                        }
                    }
                }
            }
        } else if op.first() == Some(&b'-') && op.get(1) != Some(&b'@') {
            let id = lookup(&op[1..]).ok_or(RuleError::UnknownCommand)?;
            self.change_perm(id, false);
        } else if op.len() >= 2 && (op[0] == b'+' || op[0] == b'-') && op[1] == b'@' {
            let cat = category(&op[2..]).ok_or(RuleError::UnknownCommand)?;
            self.set_category(cat, op[0] == b'+');
        } else {
            return Err(RuleError::Syntax);
        }
        Ok(())
    }

    /// Whether this selector alone allows everything (any command, key and channel).
    pub fn unrestricted(&self) -> bool {
        let all = sflag::ALLKEYS | sflag::ALLCHANNELS | sflag::ALLCOMMANDS;
        self.flags & all == all
    }
}

/// Redis's `ACLStringHasSpaces`: white space (C's isspace) or NUL.
pub fn has_spaces(s: &[u8]) -> bool {
    s.iter()
        .any(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0))
}

/// A command id by full name (`get`, `config|get`), as ACL rules name commands.
fn lookup(name: &[u8]) -> Option<usize> {
    let cmd = crate::family::command::lookup_full_name(name)?;
    Some(super::command_id(cmd))
}

/// A category bit by name, case-insensitively.
pub fn category(name: &[u8]) -> Option<u32> {
    CATEGORIES
        .iter()
        .position(|c| c.as_bytes().eq_ignore_ascii_case(name))
        .map(|i| 1 << i)
}

/// An ACL user: flags, password hashes (hex SHA-256) and selectors (root first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: Vec<u8>,
    pub flags: u8,
    pub passwords: Vec<String>,
    pub selectors: Vec<Selector>,
}

/// Whether `h` is a valid password hash: 64 lowercase hex digits.
fn valid_hash(h: &[u8]) -> bool {
    h.len() == 64 && h.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

impl User {
    /// A new user as `ACLCreateUser` makes it: off, no passwords, no permissions.
    pub fn new(name: &[u8]) -> User {
        User {
            name: name.to_vec(),
            flags: uflag::DISABLED,
            passwords: Vec::new(),
            selectors: vec![Selector::new(sflag::ROOT)],
        }
    }

    /// The `default` user as Redis creates it: on, nopass, every command, key and channel.
    pub fn new_default() -> User {
        let mut u = User::new(b"default");
        for op in ["+@all", "~*", "&*", "on", "nopass"] {
            let _ = u.apply(op.as_bytes());
        }
        u
    }

    pub fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }

    /// Whether every command, key and channel is allowed (the dispatcher's fast path).
    pub fn unrestricted(&self) -> bool {
        self.selectors.iter().any(Selector::unrestricted)
    }

    /// Whether `pass` is one of the user's passwords (or the user needs none). Disabled users
    /// never match.
    pub fn password_ok(&self, pass: &[u8]) -> bool {
        if self.has(uflag::DISABLED) {
            return false;
        }
        if self.has(uflag::NOPASS) {
            return true;
        }
        let hashed = super::sha256::hex(pass);
        // Compare every stored hash in full (no early exit on the first differing byte).
        self.passwords.iter().fold(false, |ok, p| {
            let diff = p
                .bytes()
                .zip(hashed.bytes())
                .fold(0u8, |d, (a, b)| d | (a ^ b));
            ok | (diff == 0 && p.len() == hashed.len())
        })
    }

    /// Applies one modifier (`ACLSetUser`).
    pub fn apply(&mut self, op: &[u8]) -> Result<(), RuleError> {
        if op.is_empty() {
            return Ok(());
        }
        let is = |s: &str| op.eq_ignore_ascii_case(s.as_bytes());
        if is("on") {
            self.flags = (self.flags | uflag::ENABLED) & !uflag::DISABLED;
        } else if is("off") {
            self.flags = (self.flags | uflag::DISABLED) & !uflag::ENABLED;
        } else if is("skip-sanitize-payload") {
            self.flags = (self.flags | uflag::SKIP_SANITIZE) & !uflag::SANITIZE;
        } else if is("sanitize-payload") {
            self.flags = (self.flags | uflag::SANITIZE) & !uflag::SKIP_SANITIZE;
        } else if is("nopass") {
            self.flags |= uflag::NOPASS;
            self.passwords.clear();
        } else if is("resetpass") {
            self.flags &= !uflag::NOPASS;
            self.passwords.clear();
        } else if op[0] == b'>' || op[0] == b'#' {
            let hash = if op[0] == b'>' {
                super::sha256::hex(&op[1..])
            } else {
                if !valid_hash(&op[1..]) {
                    return Err(RuleError::BadHash);
                }
                String::from_utf8_lossy(&op[1..]).into_owned()
            };
            if !self.passwords.contains(&hash) {
                self.passwords.push(hash);
            }
            self.flags &= !uflag::NOPASS;
        } else if op[0] == b'<' || op[0] == b'!' {
            let hash = if op[0] == b'<' {
                super::sha256::hex(&op[1..])
            } else {
                if !valid_hash(&op[1..]) {
                    return Err(RuleError::BadHash);
                }
                String::from_utf8_lossy(&op[1..]).into_owned()
            };
            let Some(i) = self.passwords.iter().position(|p| *p == hash) else {
                return Err(RuleError::NoSuchPassword);
            };
            self.passwords.remove(i);
        } else if op[0] == b'(' && op[op.len() - 1] == b')' {
            let mut sel = Selector::new(0);
            let inner = if op.len() >= 2 {
                &op[1..op.len() - 1]
            } else {
                &[][..]
            };
            // Like sdssplitargs: quoted parts allowed; unbalanced quotes give no arguments.
            for arg in split_args(inner) {
                sel.apply(&arg)?;
            }
            self.selectors.push(sel);
        } else if is("clearselectors") {
            self.selectors.truncate(1);
        } else if is("reset") {
            for op in ["resetpass", "resetkeys", "resetchannels"] {
                let _ = self.apply(op.as_bytes());
            }
            if super::pubsub_default_all() {
                let _ = self.apply(b"allchannels");
            }
            for op in ["off", "sanitize-payload", "clearselectors", "-@all"] {
                let _ = self.apply(op.as_bytes());
            }
        } else {
            self.selectors[0].apply(op)?;
        }
        Ok(())
    }

    /// The user's rules as `ACL LIST` prints them after `user <name> ` (`ACLDescribeUser`).
    pub fn describe(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (f, name) in uflag::NAMES {
            if self.flags & f != 0 {
                out.extend_from_slice(name.as_bytes());
                out.push(b' ');
            }
        }
        for p in &self.passwords {
            out.push(b'#');
            out.extend_from_slice(p.as_bytes());
            out.push(b' ');
        }
        for s in &self.selectors {
            if s.flags & sflag::ROOT != 0 {
                out.extend(describe_selector(s));
            } else {
                out.extend_from_slice(b" (");
                out.extend(describe_selector(s));
                out.push(b')');
            }
        }
        out
    }
}

/// Splits like Redis's `sdssplitargs` (quotes and escapes); unbalanced quotes give nothing.
pub fn split_args(line: &[u8]) -> Vec<Vec<u8>> {
    let mut spans = Vec::new();
    if crate::protocol::parse::split_args(line, &mut spans).is_err() {
        return Vec::new();
    }
    spans
        .into_iter()
        .map(|a| match a {
            crate::protocol::Arg::Span(s, e) => line[s..e].to_vec(),
            crate::protocol::Arg::Owned(v) => v.to_vec(),
        })
        .collect()
}

/// One key pattern as printed: `~pat`, `%R~pat`, `%W~pat`.
pub fn pattern_string(p: &KeyPattern) -> Vec<u8> {
    let mut out = match p.flags {
        ALL => b"~".to_vec(),
        READ => b"%R~".to_vec(),
        _ => b"%W~".to_vec(),
    };
    out.extend_from_slice(&p.pattern);
    out
}

/// `ACLDescribeSelector`: keys, channels, then command rules.
pub fn describe_selector(s: &Selector) -> Vec<u8> {
    let mut out = Vec::new();
    if s.flags & sflag::ALLKEYS != 0 {
        out.extend_from_slice(b"~* ");
    } else {
        for p in &s.patterns {
            out.extend(pattern_string(p));
            out.push(b' ');
        }
    }
    if s.flags & sflag::ALLCHANNELS != 0 {
        out.extend_from_slice(b"&* ");
    } else {
        out.extend_from_slice(b"resetchannels ");
        for c in &s.channels {
            out.push(b'&');
            out.extend_from_slice(c);
            out.push(b' ');
        }
    }
    out.extend(describe_commands(s));
    out
}

/// Counts the commands of a category that `s` allows (`on`) and denies (`off`).
fn count_category(s: &Selector, cat: u32) -> (usize, usize) {
    let (mut on, mut off) = (0, 0);
    for (id, c) in commands().list.iter().enumerate() {
        if c.cats & cat != 0 {
            if s.bit(id) {
                on += 1;
            } else {
                off += 1;
            }
        }
    }
    (on, off)
}

/// `ACLDescribeSelectorCommandRules`: `+@all` or `-@all`, then the categories that best
/// approximate the bitmap, then single commands (and first-args) to make it exact. Redis walks
/// its command dictionary in hash order; we walk the command table in its order.
pub fn describe_commands(s: &Selector) -> Vec<u8> {
    let mut rules: Vec<u8> = Vec::new();
    let mut fake = Selector::bare(0);
    let additive = s.bit(future_bit());
    let additive = !additive;
    if additive {
        rules.extend_from_slice(b"-@all ");
        fake.all_commands(false);
    } else {
        rules.extend_from_slice(b"+@all ");
        fake.all_commands(true);
    }
    let mut temp = Selector::bare(0);
    temp.allowed = s.allowed.clone();
    let mut applied = [false; CATEGORIES.len()];
    loop {
        let mut best = None;
        let (mut mindiff, mut maxsame) = (usize::MAX, 0);
        for (j, _) in CATEGORIES.iter().enumerate() {
            if applied[j] {
                continue;
            }
            let (on, off) = count_category(&temp, 1 << j);
            let (diff, same) = if additive { (off, on) } else { (on, off) };
            if same > diff && (diff < mindiff || (diff == mindiff && same > maxsame)) {
                best = Some(j);
                mindiff = diff;
                maxsame = same;
            }
        }
        let Some(j) = best else { break };
        fake.set_category(1 << j, additive);
        temp.set_category(1 << j, !additive);
        rules.push(if additive { b'+' } else { b'-' });
        rules.push(b'@');
        rules.extend_from_slice(CATEGORIES[j].as_bytes());
        rules.push(b' ');
        applied[j] = true;
    }
    let cmds = commands();
    for &top in &cmds.top {
        describe_single(s, &mut fake, &mut rules, top);
        for &sub in &cmds.list[top].subs {
            describe_single(s, &mut fake, &mut rules, sub);
        }
        // First-args of a command that is itself denied.
        if !s.bit(top)
            && let Some(args) = s.firstargs.get(&top)
        {
            for a in args {
                rules.push(b'+');
                rules.extend_from_slice(cmds.list[top].cmd.name.as_bytes());
                rules.push(b'|');
                rules.extend_from_slice(a);
                rules.push(b' ');
            }
        }
    }
    rules.pop();
    debug_assert_eq!(
        fake.allowed,
        s.allowed,
        "{}",
        String::from_utf8_lossy(&rules)
    );
    rules
}

fn describe_single(s: &Selector, fake: &mut Selector, rules: &mut Vec<u8>, id: usize) {
    let user = s.bit(id);
    if user != fake.bit(id) {
        rules.push(if user { b'+' } else { b'-' });
        rules.extend_from_slice(commands().list[id].cmd.name.as_bytes());
        rules.push(b' ');
        fake.change_perm(id, user);
    }
}

/// Redis's `ACLMergeSelectorArguments`: a selector spread over several arguments (`(+get`
/// `~key)`) is joined with spaces. `Err(i)` names the argument whose `(` is never closed.
pub fn merge_selector_args(args: &[&[u8]]) -> Result<Vec<Vec<u8>>, usize> {
    let mut out = Vec::with_capacity(args.len());
    let mut open: Option<(usize, Vec<u8>)> = None;
    for (j, op) in args.iter().enumerate() {
        if let Some((_, sel)) = &mut open {
            sel.push(b' ');
            sel.extend_from_slice(op);
            if op.last() == Some(&b')') {
                let (_, sel) = open.take().unwrap_or_default();
                out.push(sel);
            }
            continue;
        }
        if op.first() == Some(&b'(') && op.last() != Some(&b')') {
            open = Some((j, op.to_vec()));
            continue;
        }
        out.push(op.to_vec());
    }
    match open {
        Some((j, _)) => Err(j),
        None => Ok(out),
    }
}

/// `ACLStringSetUser`: applies `args` to a copy of `base` (or to a new user named `name`) and
/// returns the result, or Redis's error text (without the `ERR ` code; the arguments in it as
/// Redis's `%s` prints them: bytes as sent, up to a NUL).
pub fn string_set_user(base: Option<&User>, name: &[u8], args: &[&[u8]]) -> Result<User, Vec<u8>> {
    let merged = merge_selector_args(args).map_err(|j| {
        [
            &b"Unmatched parenthesis in acl selector starting at '"[..],
            c_str(args[j]),
            b"'.",
        ]
        .concat()
    })?;
    let mut u = match base {
        Some(u) => u.clone(),
        None => User::new(name),
    };
    for op in &merged {
        u.apply(op).map_err(|e| {
            [
                &b"Error in ACL SETUSER modifier '"[..],
                c_str(op),
                b"': ",
                e.text().as_bytes(),
            ]
            .concat()
        })?;
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(ops: &[&str]) -> String {
        let mut u = User::new(b"u");
        for op in ops {
            u.apply(op.as_bytes()).unwrap();
        }
        String::from_utf8(u.describe()).unwrap()
    }

    #[test]
    fn describes_like_redis() {
        assert_eq!(
            String::from_utf8(User::new_default().describe()).unwrap(),
            "on nopass ~* &* +@all"
        );
        assert_eq!(describe(&[]), "off resetchannels -@all");
        assert_eq!(
            describe(&["reset", "on", ">p", "~k*", "%R~r", "&ch", "+@read", "-get"]),
            "on sanitize-payload #148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940 ~k* %R~r resetchannels &ch -@all +@read -get"
        );
        assert_eq!(
            describe(&["+select|0"]),
            "off resetchannels -@all +select|0"
        );
        assert_eq!(
            describe(&["+@all", "-config|set"]),
            "off resetchannels +@all -config|set"
        );
    }

    #[test]
    fn merge() {
        let args: Vec<&[u8]> = vec![b"on", b"(+get", b"~x)", b"off"];
        assert_eq!(
            merge_selector_args(&args).unwrap(),
            vec![b"on".to_vec(), b"(+get ~x)".to_vec(), b"off".to_vec()]
        );
        let args: Vec<&[u8]> = vec![b"(+get", b"~x"];
        assert_eq!(merge_selector_args(&args), Err(0));
    }
}
