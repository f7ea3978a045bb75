//! Authentication and access control lists, as Redis 7.0 (acl.c): the users, which client is
//! authenticated as which user, the permission check the dispatcher makes before a command runs
//! (and again when EXEC runs it), the ACL log, and the hooks that disconnect clients when their
//! user is deleted or loses channel permissions. Rules, parsing and printing are in `rules`,
//! the ACL file in `file`, SHA-256 in `sha256`; the commands (AUTH, ACL ...) in
//! `family::acl`.
//!
//! Invariants:
//! - The `default` user always exists, in slot `DEFAULT` (0) of `users`; `names` maps every
//!   user name to its slot.
//! - Every client names a live user slot (`Client::user`); a deleted user's clients are moved
//!   to `default`, marked unauthenticated and closed in the same step.
//! - A client carries `flag::ACL_CHECK` exactly when the dispatcher must look at it: it still
//!   has to authenticate, or its user is not allowed everything. Clients of an unrestricted,
//!   authenticated user pay one flag test per command (`refresh_clients` keeps the flag right
//!   after every change to users or to a client's user).
//! - Permission checks are driven only by the command table and its key specs (`docs.rs`),
//!   never by code in a command.

pub mod file;
pub mod rules;
pub mod sha256;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use slab::Slab;

use crate::cmd::Command;
use crate::net::client::{Client, flag};
use crate::server::Server;

pub use rules::{RuleError, Selector, User, uflag};

/// Redis's command categories, in its order (bit `i` of a category mask is `CATEGORIES[i]`).
pub const CATEGORIES: [&str; 21] = [
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// The slot of the `default` user.
pub const DEFAULT: usize = 0;

/// One command (or subcommand) as ACLs see it.
pub struct CmdInfo {
    pub cmd: &'static Command,
    /// Category bits (`CATEGORIES`).
    pub cats: u32,
    pub parent: Option<usize>,
    pub subs: Vec<usize>,
    /// Redis's `doesCommandHaveKeys`, computed once.
    pub has_keys: bool,
}

/// Every command and subcommand with an id (its index in `list`): top-level commands in table
/// order, each followed by its subcommands.
pub struct Commands {
    pub list: Vec<CmdInfo>,
    /// Ids of the top-level commands.
    pub top: Vec<usize>,
    by_addr: HashMap<usize, usize>,
}

/// The categories of a command, from `docs.rs` (what COMMAND INFO reports).
fn category_bits(cmd: &Command) -> u32 {
    let mut bits = 0;
    for c in crate::family::command::categories(cmd) {
        if let Some(b) = rules::category(c.trim_start_matches('@').as_bytes()) {
            bits |= b;
        }
    }
    bits
}

pub fn commands() -> &'static Commands {
    static CMDS: OnceLock<Commands> = OnceLock::new();
    CMDS.get_or_init(|| {
        let mut list = Vec::new();
        let mut top = Vec::new();
        for &cmd in crate::cmd::table::all() {
            let id = list.len();
            top.push(id);
            list.push(CmdInfo {
                cmd,
                cats: category_bits(cmd),
                parent: None,
                subs: Vec::new(),
                has_keys: crate::family::command::has_keys(cmd),
            });
            for sub in cmd.subcommands {
                let sid = list.len();
                list[id].subs.push(sid);
                list.push(CmdInfo {
                    cmd: sub,
                    cats: category_bits(sub),
                    parent: Some(id),
                    subs: Vec::new(),
                    has_keys: crate::family::command::has_keys(sub),
                });
            }
        }
        let by_addr = list
            .iter()
            .enumerate()
            .map(|(i, c)| (c.cmd as *const Command as usize, i))
            .collect();
        Commands { list, top, by_addr }
    })
}

/// The ACL id of a command of the table.
pub fn command_id(cmd: &Command) -> usize {
    // Every command of the table has an id; anything else maps to an id no rule allows.
    commands()
        .by_addr
        .get(&(cmd as *const Command as usize))
        .copied()
        .unwrap_or(usize::MAX)
}

static PUBSUB_DEFAULT_ALL: AtomicBool = AtomicBool::new(false);

/// `acl-pubsub-default`: whether new users and selectors start with `allchannels`.
pub fn set_pubsub_default(all: bool) {
    PUBSUB_DEFAULT_ALL.store(all, Ordering::Relaxed);
}

pub fn pubsub_default_all() -> bool {
    PUBSUB_DEFAULT_ALL.load(Ordering::Relaxed)
}

/// Why the ACL log recorded an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Command,
    Key,
    Auth,
    Channel,
}

/// One ACL LOG entry (Redis's ACLLogEntry).
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub count: u64,
    pub reason: Reason,
    /// `toplevel`, `multi` or `lua`.
    pub context: &'static str,
    pub object: Vec<u8>,
    pub username: Vec<u8>,
    /// Unix ms of the last occurrence.
    pub ctime: i64,
    pub cinfo: Vec<u8>,
}

/// All ACL state.
pub struct Acl {
    pub users: Slab<User>,
    /// Name -> slot, in name order (Redis's rax order for ACL LIST / USERS / SAVE).
    pub names: BTreeMap<Vec<u8>, usize>,
    /// Newest first.
    pub log: VecDeque<LogEntry>,
}

impl Acl {
    /// Only the `default` user, with `requirepass` as its password if one is configured.
    pub fn new(requirepass: &str) -> Acl {
        let mut users = Slab::new();
        let slot = users.insert(User::new_default());
        debug_assert_eq!(slot, DEFAULT);
        let mut acl = Acl {
            users,
            names: BTreeMap::from([(b"default".to_vec(), DEFAULT)]),
            log: VecDeque::new(),
        };
        acl.set_default_password(requirepass);
        acl
    }

    /// `ACLUpdateDefaultUserPassword`: `resetpass`, then `>pass` or `nopass`.
    pub fn set_default_password(&mut self, pass: &str) {
        let u = &mut self.users[DEFAULT];
        let _ = u.apply(b"resetpass");
        if pass.is_empty() {
            let _ = u.apply(b"nopass");
        } else {
            let mut op = b">".to_vec();
            op.extend_from_slice(pass.as_bytes());
            let _ = u.apply(&op);
        }
    }

    pub fn by_name(&self, name: &[u8]) -> Option<usize> {
        self.names.get(name).copied()
    }

    pub fn default_user(&self) -> &User {
        &self.users[DEFAULT]
    }

    /// Whether the default user lets anyone in without a password (protected mode keys on it).
    pub fn default_nopass(&self) -> bool {
        self.users[DEFAULT].has(uflag::NOPASS)
    }

    /// Redis's `authRequired`.
    pub fn auth_required(&self, c: &Client) -> bool {
        let d = &self.users[DEFAULT];
        (!d.has(uflag::NOPASS) || d.has(uflag::DISABLED)) && !c.authenticated
    }

    /// Whether the dispatcher has to check this client at all.
    fn needs_check(&self, c: &Client) -> bool {
        self.auth_required(c) || self.users.get(c.user).is_none_or(|u| !u.unrestricted())
    }

    /// Stores `user` under its name (replacing an existing user in place, keeping its slot).
    pub fn put(&mut self, user: User) -> usize {
        match self.names.get(&user.name) {
            Some(&slot) => {
                self.users[slot] = user;
                slot
            }
            None => {
                let name = user.name.clone();
                let slot = self.users.insert(user);
                self.names.insert(name, slot);
                slot
            }
        }
    }
}

// ---- permission checks ----

/// Why a command was denied, with the argv position of the key or channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    Command,
    Key(usize),
    Channel(usize),
}

impl Denied {
    fn rank(self) -> (u8, usize) {
        match self {
            Denied::Command => (1, 0),
            Denied::Key(i) => (2, i),
            Denied::Channel(i) => (4, i),
        }
    }
}

/// Commands that name channels (Redis's `commands_with_channels`, only the entries ACLs check):
/// (name, channels are patterns, only the first argument).
const CHANNEL_COMMANDS: &[(&str, bool, bool)] = &[
    ("subscribe", false, false),
    ("ssubscribe", false, false),
    ("psubscribe", true, false),
    ("publish", false, true),
    ("spublish", false, true),
];

/// Key-spec flags as the read/write permissions they need.
fn key_perm(flags: &[&str]) -> u8 {
    let mut p = 0;
    for f in flags {
        match *f {
            "access" => p |= rules::READ,
            "insert" | "delete" | "update" => p |= rules::WRITE,
            _ => {}
        }
    }
    p
}

fn key_allowed(s: &Selector, key: &[u8], need: u8) -> bool {
    s.flags & rules::sflag::ALLKEYS != 0
        || s.patterns.iter().any(|p| {
            p.flags & need == need && crate::keyspace::glob::matches(&p.pattern, key, false)
        })
}

fn channel_allowed(list: &[Vec<u8>], channel: &[u8], pattern: bool) -> bool {
    list.iter().any(|p| {
        if pattern {
            p == channel
        } else {
            crate::keyspace::glob::matches(p, channel, false)
        }
    })
}

/// `ACLSelectorCheckCmd`.
fn selector_check(
    s: &Selector,
    id: usize,
    cmd: &'static Command,
    argv: &[Bytes],
    keys: &mut Option<crate::family::command::KeyRefs>,
) -> Result<(), Denied> {
    use crate::cmd::flags::NO_AUTH;
    let info = commands().list.get(id);
    if s.flags & rules::sflag::ALLCOMMANDS == 0 && !cmd.has(NO_AUTH) && !s.bit_checked(id) {
        let idx = if info.is_some_and(|c| c.parent.is_some()) {
            2
        } else {
            1
        };
        let ok = argv.len() >= 2
            && s.firstargs.get(&id).is_some_and(|args| {
                argv.get(idx)
                    .is_some_and(|a| args.iter().any(|x| x.eq_ignore_ascii_case(a)))
            });
        if !ok {
            return Err(Denied::Command);
        }
    }
    if s.flags & rules::sflag::ALLKEYS == 0 && info.is_some_and(|c| c.has_keys) {
        let keys = keys.get_or_insert_with(|| crate::family::command::find_keys(cmd, argv));
        for &(pos, flags) in keys.iter() {
            if !key_allowed(s, &argv[pos], key_perm(flags)) {
                return Err(Denied::Key(pos));
            }
        }
    }
    if s.flags & rules::sflag::ALLCHANNELS == 0
        && let Some(&(_, pattern, first_only)) =
            CHANNEL_COMMANDS.iter().find(|(n, _, _)| *n == cmd.name)
    {
        let end = if first_only {
            2.min(argv.len())
        } else {
            argv.len()
        };
        for (pos, ch) in argv.iter().enumerate().take(end).skip(1) {
            if !channel_allowed(&s.channels, ch, pattern) {
                return Err(Denied::Channel(pos));
            }
        }
    }
    Ok(())
}

impl Selector {
    fn bit_checked(&self, id: usize) -> bool {
        id < usize::MAX && id / 64 < self.allowed.len() && self.bit(id)
    }
}

/// `ACLCheckAllUserCommandPerm`: allowed if one selector allows it; otherwise the most
/// relevant denial (channel over key over command, the later argument on a tie).
pub fn check(user: &User, cmd: &'static Command, argv: &[Bytes]) -> Result<(), Denied> {
    let id = command_id(cmd);
    let mut keys = None;
    let mut worst = Denied::Command;
    for s in &user.selectors {
        match selector_check(s, id, cmd, argv, &mut keys) {
            Ok(()) => return Ok(()),
            Err(d) => {
                if d.rank() > worst.rank() {
                    worst = d;
                }
            }
        }
    }
    Err(worst)
}

/// The dispatcher's check before a command is queued or run, for a client flagged
/// `ACL_CHECK` that is authenticated: logs a denial and returns its `-NOPERM` text.
pub fn check_command(
    srv: &mut Server,
    cid: usize,
    cmd: &'static Command,
    argv: &[Bytes],
) -> Result<(), Vec<u8>> {
    let user = srv.clients[cid].user;
    let Err(denied) = check(&srv.acl.users[user], cmd, argv) else {
        return Ok(());
    };
    log_denial(srv, cid, denied, cmd, argv);
    Err(match denied {
        Denied::Command => format!(
            "NOPERM this user has no permissions to run the '{}' command",
            cmd.name
        )
        .into_bytes(),
        Denied::Key(_) => {
            b"NOPERM this user has no permissions to access one of the keys used as arguments"
                .to_vec()
        }
        Denied::Channel(_) => {
            b"NOPERM this user has no permissions to access one of the channels used as arguments"
                .to_vec()
        }
    })
}

/// The check `redis.call` makes for a script's command (Redis's `scriptVerifyACL`): the
/// caller's user decides; a denial is logged with context `lua`.
pub fn check_script(
    srv: &mut Server,
    cid: usize,
    cmd: &'static Command,
    argv: &[Bytes],
) -> Result<(), &'static str> {
    let Some(user) = srv.clients.get(cid).map(|c| c.user) else {
        return Ok(());
    };
    let Err(denied) = check(&srv.acl.users[user], cmd, argv) else {
        return Ok(());
    };
    log_denial(srv, cid, denied, cmd, argv);
    Err(match denied {
        Denied::Command => "The user executing the script can't run this command or subcommand",
        Denied::Key(_) => {
            "The user executing the script can't access at least one of the keys mentioned in the command arguments"
        }
        Denied::Channel(_) => {
            "The user executing the script can't publish to the channel mentioned in the command"
        }
    })
}

/// Whether the user of client `cid` may run `argv` (`redis.acl_check_cmd`).
pub fn allowed(srv: &Server, cid: usize, cmd: &'static Command, argv: &[Bytes]) -> bool {
    srv.clients
        .get(cid)
        .is_none_or(|c| check(&srv.acl.users[c.user], cmd, argv).is_ok())
}

/// The check EXEC makes again on each queued command (ACLs may have changed meanwhile).
pub fn check_exec(
    srv: &mut Server,
    cid: usize,
    cmd: &'static Command,
    argv: &[Bytes],
) -> Result<(), Vec<u8>> {
    let user = srv.clients[cid].user;
    let Err(denied) = check(&srv.acl.users[user], cmd, argv) else {
        return Ok(());
    };
    log_denial(srv, cid, denied, cmd, argv);
    let reason = match denied {
        Denied::Command => "no permission to execute the command or subcommand",
        Denied::Key(_) => "no permission to touch the specified keys",
        Denied::Channel(_) => "no permission to access one of the channels used as arguments",
    };
    Err(format!(
        "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: {reason}"
    )
    .into_bytes())
}

fn log_denial(srv: &mut Server, cid: usize, denied: Denied, cmd: &'static Command, argv: &[Bytes]) {
    // The entry's client info names the denied command, as Redis's does.
    srv.clients[cid].last_cmd = cmd.name;
    let (reason, object) = match denied {
        Denied::Command => (Reason::Command, cmd.name.as_bytes().to_vec()),
        Denied::Key(i) => (Reason::Key, argv[i].to_vec()),
        Denied::Channel(i) => (Reason::Channel, argv[i].to_vec()),
    };
    let username = srv.acl.users[srv.clients[cid].user].name.clone();
    add_log(srv, cid, reason, object, username);
}

/// `addACLLogEntry`: a similar entry among the 10 newest (same reason, context, object and
/// user, within 60 s) is bumped and moved to the front instead of adding a new one.
pub fn add_log(srv: &mut Server, cid: usize, reason: Reason, object: Vec<u8>, username: Vec<u8>) {
    let now = crate::keyspace::clock::now_ms();
    let Some(c) = srv.clients.get(cid) else {
        return;
    };
    let context = if srv.scripting.run.as_ref().is_some_and(|r| r.caller == cid) {
        "lua"
    } else if c.has(flag::MULTI) {
        "multi"
    } else {
        "toplevel"
    };
    let cinfo = crate::family::connection::client_info_string(cid, c);
    let log = &mut srv.acl.log;
    let found = log.iter().take(10).position(|e| {
        e.reason == reason
            && e.context == context
            && (e.ctime - now).abs() <= 60_000
            && e.object == object
            && e.username == username
    });
    if let Some(i) = found {
        if let Some(mut e) = log.remove(i) {
            e.count += 1;
            e.ctime = now;
            e.cinfo = cinfo;
            log.push_front(e);
        }
        return;
    }
    log.push_front(LogEntry {
        count: 1,
        reason,
        context,
        object,
        username,
        ctime: now,
        cinfo,
    });
    let max: usize = srv
        .config
        .get("acllog-max-len")
        .and_then(|v| v.parse().ok())
        .unwrap_or(128);
    while srv.acl.log.len() > max {
        srv.acl.log.pop_back();
    }
}

// ---- clients ----

/// Sets a new client's user and authentication as Redis's `clientSetDefaultAuth` (also used by
/// RESET).
pub fn set_default_auth(srv: &mut Server, cid: usize) {
    let d = &srv.acl.users[DEFAULT];
    let authenticated = d.has(uflag::NOPASS) && !d.has(uflag::DISABLED);
    let name = Bytes::copy_from_slice(&d.name);
    if let Some(c) = srv.clients.get_mut(cid) {
        c.user = DEFAULT;
        c.user_name = name;
        c.authenticated = authenticated;
    }
    refresh_client(srv, cid);
}

/// Recomputes one client's `ACL_CHECK` flag.
pub fn refresh_client(srv: &mut Server, cid: usize) {
    let Some(c) = srv.clients.get(cid) else {
        return;
    };
    let check = srv.acl.needs_check(c);
    let c = &mut srv.clients[cid];
    if check {
        c.flags |= flag::ACL_CHECK;
    } else {
        c.flags &= !flag::ACL_CHECK;
    }
}

/// Recomputes every client's `ACL_CHECK` flag (after any change to users).
pub fn refresh_clients(srv: &mut Server) {
    let slots: Vec<usize> = srv.clients.iter().map(|(i, _)| i).collect();
    for cid in slots {
        refresh_client(srv, cid);
    }
}

/// Why credentials were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    NoSuchUser,
    Invalid,
}

/// `ACLAuthenticateUser`: on success the client is authenticated as the user; on failure an
/// `auth` entry is logged (object: the command name as sent).
pub fn authenticate(
    srv: &mut Server,
    cid: usize,
    name: &[u8],
    pass: &[u8],
    cmd_name: &[u8],
) -> Result<(), AuthError> {
    let ok = match srv.acl.by_name(name) {
        None => Err(AuthError::NoSuchUser),
        Some(slot) if srv.acl.users[slot].password_ok(pass) => Ok(slot),
        Some(_) => Err(AuthError::Invalid),
    };
    match ok {
        Ok(slot) => {
            let uname = Bytes::copy_from_slice(&srv.acl.users[slot].name);
            let c = &mut srv.clients[cid];
            c.user = slot;
            c.user_name = uname;
            c.authenticated = true;
            refresh_client(srv, cid);
            Ok(())
        }
        Err(e) => {
            add_log(srv, cid, Reason::Auth, cmd_name.to_vec(), name.to_vec());
            Err(e)
        }
    }
}

/// `requirepass` changed (CONFIG SET): the default user's passwords follow it.
pub fn requirepass_changed(srv: &mut Server) {
    let pass = srv.config.requirepass.clone();
    srv.acl.set_default_password(&pass);
    refresh_clients(srv);
}

/// Closes every client authenticated as user `slot` (the calling client `me` once its reply is
/// written), moving them to the unauthenticated default user first (`ACLFreeUserAndKillClients`).
pub fn kill_user_clients(srv: &mut Server, slot: usize, me: usize) {
    let victims: Vec<usize> = srv
        .clients
        .iter()
        .filter(|(_, c)| c.user == slot)
        .map(|(i, _)| i)
        .collect();
    let default_name = Bytes::copy_from_slice(&srv.acl.users[DEFAULT].name);
    for cid in victims {
        let c = &mut srv.clients[cid];
        c.user = DEFAULT;
        c.user_name = default_name.clone();
        c.authenticated = false;
        if cid == me {
            c.flags |= flag::CLOSE_AFTER_REPLY;
        } else {
            srv.close_client(cid);
        }
    }
}

/// Deletes users by name (never `default`); their clients are disconnected. Returns how many
/// existed.
pub fn delete_users(srv: &mut Server, me: usize, names: &[Bytes]) -> usize {
    let mut deleted = 0;
    for name in names {
        let Some(slot) = srv.acl.names.remove(name.as_ref()) else {
            continue;
        };
        kill_user_clients(srv, slot, me);
        srv.acl.users.remove(slot);
        deleted += 1;
    }
    refresh_clients(srv);
    deleted
}

/// Stores a changed or new user (ACL SETUSER). Subscribers of a changed user that lost access to
/// one of their channels or patterns are disconnected (`ACLKillPubsubClientsIfNeeded`).
pub fn set_user(srv: &mut Server, me: usize, user: User) {
    if let Some(slot) = srv.acl.by_name(&user.name) {
        kill_pubsub_clients_if_needed(srv, slot, &user, me);
    }
    srv.acl.put(user);
    refresh_clients(srv);
}

fn kill_pubsub_clients_if_needed(srv: &mut Server, slot: usize, new: &User, me: usize) {
    use rules::sflag::ALLCHANNELS;
    if new.selectors.iter().any(|s| s.flags & ALLCHANNELS != 0) {
        return;
    }
    let upcoming: Vec<Vec<u8>> = new
        .selectors
        .iter()
        .flat_map(|s| s.channels.iter().cloned())
        .collect();
    let original = &srv.acl.users[slot];
    let superset = original
        .selectors
        .iter()
        .all(|s| s.flags & ALLCHANNELS == 0 && s.channels.iter().all(|c| upcoming.contains(c)));
    if superset {
        return;
    }
    let victims: Vec<usize> = srv
        .clients
        .iter()
        .filter(|(_, c)| c.user == slot && c.has(flag::PUBSUB) && !c.closing)
        .filter(|(_, c)| {
            let (channels, patterns, shard) = c.subs.names();
            patterns
                .iter()
                .any(|p| !channel_allowed(&upcoming, p, true))
                || channels
                    .iter()
                    .chain(shard.iter())
                    .any(|ch| !channel_allowed(&upcoming, ch, false))
        })
        .map(|(i, _)| i)
        .collect();
    for cid in victims {
        if cid == me {
            srv.clients[cid].flags |= flag::CLOSE_AFTER_REPLY;
        } else {
            srv.close_client(cid);
        }
    }
}
