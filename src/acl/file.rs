//! Users from the outside: the ACL file (`aclfile`: ACL LOAD, ACL SAVE, start-up) and the `user`
//! lines of redis.conf, with Redis 7.0's validation and error texts.
//!
//! Invariants: loading is all or nothing (on any error the users stay as they were); the
//! `default` user keeps its slot, its clients stay connected; clients of every other previous
//! user are disconnected by a successful load, as in Redis.

use super::rules::{self, RuleError, User, has_spaces, merge_selector_args};
use super::{Acl, DEFAULT};
use crate::server::Server;

/// Validates a redis.conf `user` line (`words[0]` is `user`, `words[1]` the name) as
/// `ACLAppendUserForLoading` does, returning the name and its rules (selectors merged), or the
/// config error text. Unknown commands are accepted here and refused at start-up.
pub fn parse_config_user(
    words: &[String],
    already: &[Vec<Vec<u8>>],
) -> Result<Vec<Vec<u8>>, String> {
    let err = |j: usize, e: RuleError| {
        format!(
            "Error in user declaration '{}': {}",
            words.get(j).map_or("", |s| s.as_str()),
            e.text()
        )
    };
    if already.iter().any(|u| u[0] == words[1].as_bytes()) {
        return Err(err(1, RuleError::Duplicate));
    }
    let rule_args: Vec<&[u8]> = words[2..].iter().map(|s| s.as_bytes()).collect();
    let merged = merge_selector_args(&rule_args).map_err(|j| err(j, RuleError::Syntax))?;
    let mut fake = User::new(b"__fakeuser__");
    for (j, op) in merged.iter().enumerate() {
        match fake.apply(op) {
            Ok(()) | Err(RuleError::UnknownCommand) => {}
            // Redis names words[j] here (an index into the rules used on the whole line).
            Err(e) => return Err(err(j, e)),
        }
    }
    let mut out = vec![words[1].as_bytes().to_vec()];
    out.extend(merged);
    Ok(out)
}

/// `ACLLoadConfiguredUsers`: the `user` lines of the configuration.
fn load_configured(acl: &mut Acl, lines: &[Vec<Vec<u8>>]) -> Result<(), String> {
    for line in lines {
        let name = &line[0];
        if has_spaces(name) {
            return Err("Spaces not allowed in ACL usernames".into());
        }
        let mut u = match acl.by_name(name) {
            Some(slot) => {
                let mut u = acl.users[slot].clone();
                let _ = u.apply(b"reset");
                u
            }
            None => User::new(name),
        };
        for op in &line[1..] {
            u.apply(op).map_err(|e| {
                format!(
                    "Error loading ACL rule '{}' for the user named '{}': {}",
                    String::from_utf8_lossy(op),
                    String::from_utf8_lossy(name),
                    e.text()
                )
            })?;
        }
        if u.has(rules::uflag::DISABLED) {
            tracing::info!(
                "The user '{}' is disabled (there is no 'on' modifier in the user description). Make sure this is not a configuration error.",
                String::from_utf8_lossy(name)
            );
        }
        acl.put(u);
    }
    Ok(())
}

/// Reads and validates an ACL file into a fresh set of users (`ACLLoadFromFile` without
/// the swap): `Err` carries Redis's one-line description of every problem.
fn read_file(path: &str) -> Result<Vec<User>, String> {
    let data = std::fs::read(path).map_err(|e| {
        format!(
            "Error loading ACLs, opening file '{path}': {}",
            strerror(&e)
        )
    })?;
    let mut errors = String::new();
    let mut users: Vec<User> = Vec::new();
    for (i, raw) in data.split(|&b| b == b'\n').enumerate() {
        let linenum = i + 1;
        let line = trim(raw, b" \t\r\n");
        if line.is_empty() {
            continue;
        }
        let argv: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
        if argv[0] != b"user" || argv.len() < 2 {
            errors.push_str(&format!(
                "{path}:{linenum} should start with user keyword followed by the username. "
            ));
            continue;
        }
        if has_spaces(argv[1]) {
            errors.push_str(&format!(
                "'{path}:{linenum}: username '{}' contains invalid characters. ",
                String::from_utf8_lossy(argv[1])
            ));
            continue;
        }
        if users.iter().any(|u| u.name == argv[1]) {
            errors.push_str(&format!(
                "WARNING: Duplicate user '{}' found on line {linenum}. ",
                String::from_utf8_lossy(argv[1])
            ));
            continue;
        }
        let mut u = User::new(argv[1]);
        let merged = match merge_selector_args(&argv[2..]) {
            Ok(m) => m,
            Err(_) => {
                errors.push_str(&format!(
                    "{path}:{linenum}: Unmatched parenthesis in selector definition."
                ));
                Vec::new()
            }
        };
        let mut syntax_error = false;
        for op in &merged {
            let op = trim(op, b"\t\r\n");
            if let Err(e) = u.apply(op) {
                if e == RuleError::UnknownCommand {
                    errors.push_str(&format!(
                        "{path}:{linenum}: Error in applying operation '{}': {}. ",
                        String::from_utf8_lossy(op),
                        e.text()
                    ));
                } else if !syntax_error {
                    errors.push_str(&format!("{path}:{linenum}: {}. ", e.text()));
                    syntax_error = true;
                }
            }
        }
        users.push(u);
    }
    if errors.is_empty() {
        Ok(users)
    } else {
        errors.push_str(
            "WARNING: ACL errors detected, no change to the previously active ACL rules was performed",
        );
        Err(errors)
    }
}

/// An I/O error as C's `strerror` prints it (without Rust's " (os error N)").
fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn trim<'a>(s: &'a [u8], set: &[u8]) -> &'a [u8] {
    let start = s.iter().position(|b| !set.contains(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !set.contains(b))
        .map_or(start, |e| e + 1);
    &s[start..end]
}

/// ACL LOAD: replaces every user with the file's; clients of the previous non-default users are
/// disconnected (the calling client `me` after its reply).
pub fn load(srv: &mut Server, me: usize) -> Result<(), String> {
    let path = srv.config.get("aclfile").unwrap_or("").to_string();
    let users = read_file(&path)?;
    let old: Vec<usize> = srv
        .acl
        .users
        .iter()
        .map(|(i, _)| i)
        .filter(|&i| i != DEFAULT)
        .collect();
    for slot in old {
        super::kill_user_clients(srv, slot, me);
    }
    install(&mut srv.acl, users);
    super::refresh_clients(srv);
    Ok(())
}

/// Replaces all users by `users`; `default` (from the list, or a fresh one) keeps slot 0.
fn install(acl: &mut Acl, users: Vec<User>) {
    let mut default = User::new_default();
    let mut rest = Vec::new();
    for u in users {
        if u.name == b"default" {
            default = u;
        } else {
            rest.push(u);
        }
    }
    let log = std::mem::take(&mut acl.log);
    *acl = Acl::new("");
    acl.log = log;
    acl.users[DEFAULT] = default;
    for u in rest {
        acl.put(u);
    }
}

/// The ACL file's text for the current users (`user <name> <rules>` per line, by name).
pub fn render(acl: &Acl) -> Vec<u8> {
    let mut out = Vec::new();
    for &slot in acl.names.values() {
        let u = &acl.users[slot];
        out.extend_from_slice(b"user ");
        out.extend_from_slice(&u.name);
        out.push(b' ');
        out.extend(u.describe());
        out.push(b'\n');
    }
    out
}

/// ACL SAVE: writes a temporary file beside the ACL file and renames it over it.
pub fn save(srv: &Server) -> std::io::Result<()> {
    let path = srv.config.get("aclfile").unwrap_or("");
    let tmp = format!(
        "{path}.tmp-{}-{}",
        std::process::id(),
        crate::keyspace::clock::now_ms()
    );
    let text = render(&srv.acl);
    let result = std::fs::write(&tmp, &text).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = &result {
        tracing::warn!("Saving the ACL file {path}: {e}");
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `ACLLoadUsersAtStartup`: the `user` lines of the configuration, then the ACL file. `Err` is
/// the message to log before exiting.
pub fn load_at_startup(srv: &mut Server) -> Result<(), String> {
    let aclfile = srv.config.get("aclfile").unwrap_or("").to_string();
    let lines = srv.config.acl_users.clone();
    if !aclfile.is_empty() && !lines.is_empty() {
        return Err("Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.".into());
    }
    load_configured(&mut srv.acl, &lines)
        .map_err(|e| format!("{e}\nCritical error while loading ACLs. Exiting."))?;
    if !aclfile.is_empty() {
        let users = read_file(&aclfile)
            .map_err(|e| format!("Aborting Redis startup because of ACL errors: {e}"))?;
        install(&mut srv.acl, users);
    }
    Ok(())
}
