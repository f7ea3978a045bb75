//! The COMMAND family: introspection of the command table. COMMAND, COMMAND COUNT, INFO, DOCS,
//! GETKEYS, GETKEYSANDFLAGS, LIST and HELP, with Redis 7.0's reply shapes.
//!
//! Name, arity, flags, legacy key positions and the subcommand list come from our table
//! (`cmd::table`); ACL categories, tips, key specs and documentation come from the generated
//! `cmd::docs`. Only registered commands are reported, each container with the subcommands we
//! register. Redis walks its command dictionaries in hash order (random per process); we use
//! table order.

use bytes::Bytes;

use crate::cmd::docs::{self, Arg, BeginSearch, Doc, FindKeys, KeySpec};
use crate::cmd::table::{self, Command, NO_KEYS, flags::*};
use crate::cmd::{CmdResult, Ctx, Error};
use crate::keyspace::glob;
use crate::protocol::Reply;

/// Keys found in a command line: argument index (in the inner command's argv) and key flags.
pub(crate) type KeyRefs = Vec<(usize, &'static [&'static str])>;

/// COMMAND: the info of every command.
fn cmd_command(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    let all = table::all();
    ctx.out.array(all.len());
    for c in all {
        reply_info(ctx.out, c);
    }
    Ok(())
}

/// COMMAND COUNT
fn cmd_count(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.int(table::all().len() as i64);
    Ok(())
}

/// COMMAND INFO [command-name ...]: no names = all commands; an unknown name = null.
fn cmd_info(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    if argv.len() == 2 {
        return cmd_command(ctx, argv);
    }
    ctx.out.array(argv.len() - 2);
    for name in &argv[2..] {
        match lookup_full_name(name) {
            Some(c) => reply_info(ctx.out, c),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// COMMAND DOCS [command-name ...]: a map of name -> docs; unknown names are left out.
fn cmd_docs(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let found: Vec<&'static Command> = if argv.len() == 2 {
        table::all().to_vec()
    } else {
        argv[2..]
            .iter()
            .filter_map(|n| lookup_full_name(n))
            .collect()
    };
    ctx.out.map(found.len());
    for c in found {
        ctx.out.bulk(c.name.as_bytes());
        reply_docs(ctx.out, c);
    }
    Ok(())
}

/// COMMAND GETKEYS command [arg ...]
fn cmd_getkeys(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    getkeys(ctx, argv, false)
}

/// COMMAND GETKEYSANDFLAGS command [arg ...]
fn cmd_getkeysandflags(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    getkeys(ctx, argv, true)
}

fn getkeys(ctx: &mut Ctx, argv: &[Bytes], with_flags: bool) -> CmdResult {
    let inner = &argv[2..];
    let Some(cmd) = lookup_command_line(inner) else {
        return Err(Error::Msg("ERR Invalid command specified"));
    };
    if !has_keys(cmd) {
        return Err(Error::Msg("ERR The command has no key arguments"));
    }
    if !cmd.arity_ok(inner.len()) {
        return Err(Error::Msg(
            "ERR Invalid number of arguments specified for command",
        ));
    }
    let keys = find_keys(cmd, inner);
    if keys.is_empty() {
        if cmd.has(NO_MANDATORY_KEYS) {
            ctx.out.array(0);
            return Ok(());
        }
        return Err(Error::Msg("ERR Invalid arguments specified for command"));
    }
    ctx.out.array(keys.len());
    for (pos, flags) in keys {
        let Some(key) = inner.get(pos) else {
            continue; // find_keys only returns positions inside `inner`
        };
        if with_flags {
            ctx.out.array(2);
            ctx.out.bulk(key);
            simple_set(ctx.out, flags);
        } else {
            ctx.out.bulk(key);
        }
    }
    Ok(())
}

/// COMMAND LIST [FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]
fn cmd_list(ctx: &mut Ctx, argv: &[Bytes]) -> CmdResult {
    let mut filter: Option<(Filter, &[u8])> = None;
    let mut i = 2;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        if argv[i].eq_ignore_ascii_case(b"filterby") && more == 2 {
            let kind = &argv[i + 1];
            let f = if kind.eq_ignore_ascii_case(b"module") {
                Filter::Module
            } else if kind.eq_ignore_ascii_case(b"aclcat") {
                Filter::AclCat
            } else if kind.eq_ignore_ascii_case(b"pattern") {
                Filter::Pattern
            } else {
                return Err(Error::Syntax);
            };
            filter = Some((f, &argv[i + 2]));
            i += 3;
        } else {
            return Err(Error::Syntax);
        }
    }
    let mut names: Vec<&'static str> = Vec::new();
    for c in table::all() {
        list_into(&mut names, c, filter);
    }
    ctx.out.array(names.len());
    for n in names {
        ctx.out.bulk(n.as_bytes());
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Filter {
    Module,
    AclCat,
    Pattern,
}

/// Appends `cmd` (if it passes `filter`) and then its subcommands, as Redis walks them.
fn list_into(
    names: &mut Vec<&'static str>,
    cmd: &'static Command,
    filter: Option<(Filter, &[u8])>,
) {
    let keep = match filter {
        None => true,
        // We load no modules, so no command belongs to one.
        Some((Filter::Module, _)) => false,
        Some((Filter::AclCat, cat)) => categories(cmd).iter().any(|c| {
            c.strip_prefix('@')
                .is_some_and(|c| c.as_bytes().eq_ignore_ascii_case(cat))
        }),
        Some((Filter::Pattern, pat)) => glob::matches(pat, cmd.name.as_bytes(), true),
    };
    if keep {
        names.push(cmd.name);
    }
    for s in cmd.subcommands {
        list_into(names, s, filter);
    }
}

const HELP: &[&str] = &[
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    "HELP",
    "    Prints this help.",
];

/// COMMAND HELP
fn cmd_help(ctx: &mut Ctx, _argv: &[Bytes]) -> CmdResult {
    ctx.out.array(HELP.len());
    for line in HELP {
        ctx.out.simple(line.as_bytes());
    }
    Ok(())
}

// ---- lookups ----

/// A command by full name as COMMAND INFO/DOCS take it: `get`, `config|get` (one level only,
/// and `get|x` names nothing).
pub fn lookup_full_name(name: &[u8]) -> Option<&'static Command> {
    let mut parts = name.split(|&b| b == b'|');
    let base = table::lookup(parts.next()?)?;
    match (parts.next(), parts.next()) {
        (None, _) => Some(base),
        (Some(sub), None) if !base.subcommands.is_empty() => base.subcommand(sub),
        _ => None,
    }
}

/// The command a command line runs, as GETKEYS resolves it (the container itself when there is
/// no subcommand argument).
fn lookup_command_line(argv: &[Bytes]) -> Option<&'static Command> {
    let base = table::lookup(argv.first()?)?;
    match argv.get(1) {
        Some(sub) if !base.subcommands.is_empty() => base.subcommand(sub),
        _ => Some(base),
    }
}

// ---- keys ----

/// Redis's `doesCommandHaveKeys`: a key spec that is not `not_key` (or, lacking docs, legacy
/// key positions).
pub(crate) fn has_keys(cmd: &Command) -> bool {
    match docs::get(cmd.name) {
        Some(d) => d.key_specs.iter().any(|s| !s.has_flag("not_key")),
        None => cmd.keys.first > 0,
    }
}

/// The keys of a command line (argv[0] is the command name) with their flags, as Redis's
/// `getKeysFromCommandWithSpecs` finds them: from the key specs, unless a spec's flags depend on
/// the arguments (`variable_flags`), in which case the command's own rule decides.
pub(crate) fn find_keys(cmd: &Command, argv: &[Bytes]) -> KeyRefs {
    let Some(doc) = docs::get(cmd.name) else {
        return cmd
            .key_positions(argv.len())
            .into_iter()
            .map(|p| (p, &[][..]))
            .collect();
    };
    let variable = doc.key_specs.iter().any(|s| s.has_flag("variable_flags"));
    if variable && let Some(keys) = variable_flag_keys(cmd, argv) {
        return keys;
    }
    if let Some(keys) = keys_from_specs(doc.key_specs, argv) {
        return keys;
    }
    fallback_keys(cmd, argv).unwrap_or_default()
}

/// Redis's native `getkeys_proc` for commands whose specs cannot find all keys (a spec with an
/// unknown begin search).
fn fallback_keys(cmd: &Command, argv: &[Bytes]) -> Option<KeyRefs> {
    match cmd.name {
        "sort" => {
            let pos = crate::family::sort::sort_get_keys(argv);
            Some(
                pos.into_iter()
                    .map(|p| {
                        let flags: &'static [&'static str] = if p == 1 {
                            &["RO", "access"]
                        } else {
                            &["OW", "update"]
                        };
                        (p, flags)
                    })
                    .collect(),
            )
        }
        "sort_ro" => Some(vec![(1, &["RO", "access"][..])]),
        "migrate" => Some(
            crate::family::migrate::migrate_get_keys(argv)
                .map(|p| (p, &["RW", "access", "delete"][..]))
                .collect(),
        ),
        _ => None,
    }
}

/// Commands whose key flags depend on their arguments (Redis's per-command `getkeys_proc`).
fn variable_flag_keys(cmd: &Command, argv: &[Bytes]) -> Option<KeyRefs> {
    match cmd.name {
        // SET k v [... GET ...]: reads the old value only with GET.
        "set" => {
            let get = argv.iter().skip(3).any(|a| a.eq_ignore_ascii_case(b"get"));
            let flags: &'static [&'static str] = if get {
                &["RW", "access", "update"]
            } else {
                &["OW", "update"]
            };
            Some(vec![(1, flags)])
        }
        _ => None,
    }
}

/// Redis's `getKeysUsingKeySpecs`: None when a spec does not fit the arguments.
fn keys_from_specs(specs: &'static [KeySpec], argv: &[Bytes]) -> Option<KeyRefs> {
    let argc = argv.len() as i64;
    let mut out = KeyRefs::new();
    for spec in specs {
        if spec.has_flag("not_key") {
            continue;
        }
        let first = match spec.begin_search {
            BeginSearch::Index(pos) => pos,
            BeginSearch::Keyword { keyword, startfrom } => {
                let (start, end) = if startfrom > 0 {
                    (startfrom, argc - 1)
                } else {
                    (argc + startfrom, 1)
                };
                let mut found = 0;
                let mut i = start;
                while i != end {
                    if i >= argc || i < 1 {
                        break;
                    }
                    if argv[i as usize].eq_ignore_ascii_case(keyword.as_bytes()) {
                        found = i + 1;
                        break;
                    }
                    i += if start <= end { 1 } else { -1 };
                }
                if found == 0 {
                    continue; // keyword absent: this spec has no keys here
                }
                found
            }
            BeginSearch::Unknown => return None,
        };
        let (first, last, step) = match spec.find_keys {
            FindKeys::Range {
                lastkey,
                keystep,
                limit,
            } => {
                let last = if lastkey >= 0 {
                    first + lastkey
                } else if limit == 0 {
                    argc + lastkey
                } else {
                    first + ((argc - first) / limit + lastkey)
                };
                (first, last, keystep)
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => {
                if keynumidx >= argc {
                    return None;
                }
                let idx = usize::try_from(first + keynumidx).ok()?;
                let numkeys = crate::protocol::parse_i64(argv.get(idx)?)?;
                if numkeys < 0 {
                    return None;
                }
                let first = first + firstkey;
                (first, first.saturating_add(numkeys) - 1, keystep)
            }
            FindKeys::Unknown => return None,
        };
        if last >= argc || last < first || first >= argc {
            return None;
        }
        let mut i = first;
        while i <= last {
            if (0..argc).contains(&i) {
                out.push((i as usize, spec.flags));
            }
            i += step.max(1);
        }
        // Redis's getKeysUsingKeySpecs: an incomplete spec (MIGRATE's KEYS) sends the caller
        // to the command's own getkeys function.
        if spec.has_flag("incomplete") {
            return None;
        }
    }
    Some(out)
}

// ---- replies ----

/// The ACL categories COMMAND INFO reports for `cmd`: from the docs data, or (for a command the
/// data does not cover) the ones Redis implies from the flags.
pub(crate) fn categories(cmd: &Command) -> Vec<&'static str> {
    if let Some(d) = docs::get(cmd.name) {
        return d.acl_categories.to_vec();
    }
    let mut out = vec![];
    let implied = [
        (cmd.has(READONLY), "@read"),
        (cmd.has(WRITE), "@write"),
        (cmd.has(PUBSUB), "@pubsub"),
        (cmd.has(ADMIN), "@admin"),
        (cmd.has(FAST), "@fast"),
        (!cmd.has(FAST), "@slow"),
        (cmd.has(BLOCKING), "@blocking"),
        (cmd.has(ADMIN), "@dangerous"),
    ];
    out.extend(implied.iter().filter(|(on, _)| *on).map(|(_, c)| *c));
    out
}

/// A set of status strings (command flags, categories, key flags).
fn simple_set(out: &mut Reply, items: &[&str]) {
    out.set(items.len());
    for s in items {
        out.simple(s.as_bytes());
    }
}

/// One COMMAND INFO entry: name, arity, flags, first/last/step, categories, tips, key specs,
/// subcommands.
fn reply_info(out: &mut Reply, cmd: &Command) {
    let doc = docs::get(cmd.name);
    out.array(10);
    out.bulk(cmd.name.as_bytes());
    out.int(cmd.arity as i64);
    let flags: Vec<&str> = NAMES
        .iter()
        .filter(|(f, _)| cmd.has(*f))
        .map(|(_, n)| *n)
        .collect();
    simple_set(out, &flags);
    let k = if cmd.keys.first > 0 {
        cmd.keys
    } else {
        NO_KEYS
    };
    out.int(k.first as i64);
    out.int(k.last as i64);
    out.int(k.step as i64);
    simple_set(out, &categories(cmd));
    let tips = doc.map_or(&[][..], |d| d.tips);
    out.set(tips.len());
    for t in tips {
        out.bulk(t.as_bytes());
    }
    let specs = doc.map_or(&[][..], |d| d.key_specs);
    out.set(specs.len());
    for s in specs {
        reply_key_spec(out, s);
    }
    if cmd.subcommands.is_empty() {
        out.set(0);
    } else {
        out.array(cmd.subcommands.len());
        for s in cmd.subcommands {
            reply_info(out, s);
        }
    }
}

fn reply_key_spec(out: &mut Reply, s: &KeySpec) {
    out.map(3 + s.notes.is_some() as usize);
    if let Some(n) = s.notes {
        out.bulk(b"notes");
        out.bulk(n.as_bytes());
    }
    out.bulk(b"flags");
    simple_set(out, s.flags);
    out.bulk(b"begin_search");
    out.map(2);
    out.bulk(b"type");
    match s.begin_search {
        BeginSearch::Unknown => {
            out.bulk(b"unknown");
            out.bulk(b"spec");
            out.map(0);
        }
        BeginSearch::Index(pos) => {
            out.bulk(b"index");
            out.bulk(b"spec");
            out.map(1);
            out.bulk(b"index");
            out.int(pos);
        }
        BeginSearch::Keyword { keyword, startfrom } => {
            out.bulk(b"keyword");
            out.bulk(b"spec");
            out.map(2);
            out.bulk(b"keyword");
            out.bulk(keyword.as_bytes());
            out.bulk(b"startfrom");
            out.int(startfrom);
        }
    }
    out.bulk(b"find_keys");
    out.map(2);
    out.bulk(b"type");
    match s.find_keys {
        FindKeys::Unknown => {
            out.bulk(b"unknown");
            out.bulk(b"spec");
            out.map(0);
        }
        FindKeys::Range {
            lastkey,
            keystep,
            limit,
        } => {
            out.bulk(b"range");
            out.bulk(b"spec");
            out.map(3);
            for (k, v) in [("lastkey", lastkey), ("keystep", keystep), ("limit", limit)] {
                out.bulk(k.as_bytes());
                out.int(v);
            }
        }
        FindKeys::Keynum {
            keynumidx,
            firstkey,
            keystep,
        } => {
            out.bulk(b"keynum");
            out.bulk(b"spec");
            out.map(3);
            for (k, v) in [
                ("keynumidx", keynumidx),
                ("firstkey", firstkey),
                ("keystep", keystep),
            ] {
                out.bulk(k.as_bytes());
                out.int(v);
            }
        }
    }
}

/// One COMMAND DOCS entry (the map after the name).
fn reply_docs(out: &mut Reply, cmd: &Command) {
    let doc: &Doc = docs::get(cmd.name).unwrap_or(&Doc::EMPTY);
    let len = 3
        + doc.complexity.is_some() as usize
        + !doc.doc_flags.is_empty() as usize
        + doc.deprecated_since.is_some() as usize
        + doc.replaced_by.is_some() as usize
        + doc.history.is_some() as usize
        + doc.arguments.is_some() as usize
        + !cmd.subcommands.is_empty() as usize;
    out.map(len);
    for (k, v) in [
        ("summary", doc.summary),
        ("since", doc.since),
        ("group", doc.group),
    ] {
        out.bulk(k.as_bytes());
        out.bulk(v.as_bytes());
    }
    if let Some(c) = doc.complexity {
        out.bulk(b"complexity");
        out.bulk(c.as_bytes());
    }
    if !doc.doc_flags.is_empty() {
        out.bulk(b"doc_flags");
        simple_set(out, doc.doc_flags);
    }
    if let Some(v) = doc.deprecated_since {
        out.bulk(b"deprecated_since");
        out.bulk(v.as_bytes());
    }
    if let Some(v) = doc.replaced_by {
        out.bulk(b"replaced_by");
        out.bulk(v.as_bytes());
    }
    if let Some(h) = doc.history {
        out.bulk(b"history");
        out.set(h.len());
        for (version, change) in h {
            out.array(2);
            out.bulk(version.as_bytes());
            out.bulk(change.as_bytes());
        }
    }
    if let Some(args) = doc.arguments {
        out.bulk(b"arguments");
        reply_args(out, args);
    }
    if !cmd.subcommands.is_empty() {
        out.bulk(b"subcommands");
        out.map(cmd.subcommands.len());
        for s in cmd.subcommands {
            out.bulk(s.name.as_bytes());
            reply_docs(out, s);
        }
    }
}

fn reply_args(out: &mut Reply, args: &[Arg]) {
    out.array(args.len());
    for a in args {
        let len = 2
            + a.key_spec_index.is_some() as usize
            + a.token.is_some() as usize
            + a.summary.is_some() as usize
            + a.since.is_some() as usize
            + a.deprecated_since.is_some() as usize
            + !a.flags.is_empty() as usize
            + a.arguments.is_some() as usize;
        out.map(len);
        out.bulk(b"name");
        out.bulk(a.name.as_bytes());
        out.bulk(b"type");
        out.bulk(a.kind.as_bytes());
        if let Some(i) = a.key_spec_index {
            out.bulk(b"key_spec_index");
            out.int(i);
        }
        for (k, v) in [
            ("token", a.token),
            ("summary", a.summary),
            ("since", a.since),
            ("deprecated_since", a.deprecated_since),
        ] {
            if let Some(v) = v {
                out.bulk(k.as_bytes());
                out.bulk(v.as_bytes());
            }
        }
        if !a.flags.is_empty() {
            out.bulk(b"flags");
            simple_set(out, a.flags);
        }
        if let Some(sub) = a.arguments {
            out.bulk(b"arguments");
            reply_args(out, sub);
        }
    }
}

static COMMAND_SUBCOMMANDS: &[Command] = &[
    Command::new("command|count", 2, LOADING | STALE, NO_KEYS, cmd_count),
    Command::new("command|docs", -2, LOADING | STALE, NO_KEYS, cmd_docs),
    Command::new("command|getkeys", -4, LOADING | STALE, NO_KEYS, cmd_getkeys),
    Command::new(
        "command|getkeysandflags",
        -4,
        LOADING | STALE,
        NO_KEYS,
        cmd_getkeysandflags,
    ),
    Command::new("command|help", 2, LOADING | STALE, NO_KEYS, cmd_help),
    Command::new("command|info", -2, LOADING | STALE, NO_KEYS, cmd_info),
    Command::new("command|list", -2, LOADING | STALE, NO_KEYS, cmd_list),
];

pub static COMMANDS: &[Command] = &[Command {
    subcommands: COMMAND_SUBCOMMANDS,
    ..Command::new("command", -1, LOADING | STALE, NO_KEYS, cmd_command)
}];
