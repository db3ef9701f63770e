//! The PostgreSQL client programs behind `cli backup` / `cli restore`: finding a pg_dump
//! or pg_restore that can talk to the server, running it with progress, and the helpers
//! around it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sea_orm::sqlx::{self, postgres::PgConnection};
use sha2::{Digest as _, Sha256};
use tokio::io::AsyncBufReadExt as _;

#[derive(Debug, Clone)]
pub struct ServerVersion {
    pub major: u32,
    pub text: String,
}

pub(crate) async fn server_version(conn: &mut PgConnection) -> anyhow::Result<ServerVersion> {
    let (num, text): (String, String) = sqlx::query_as(
        "SELECT current_setting('server_version_num'), current_setting('server_version')",
    )
    .fetch_one(conn)
    .await
    .context("cannot read the server version")?;
    let n: u32 = num.parse().unwrap_or(0);
    Ok(ServerVersion {
        major: n / 10000,
        text,
    })
}

/// A client program and its version.
#[derive(Debug, Clone)]
pub struct Tool {
    pub path: PathBuf,
    pub version: String,
}

/// Finds `name` for a server of `server.major`: `PG_BIN_DIR` when set (and then only
/// there), else the server's own version under /usr/lib/postgresql, then PATH, then any
/// other /usr/lib/postgresql/*/bin. A program older than the server is refused: pg_dump
/// refuses to dump a newer server, and pg_restore cannot read a newer archive.
pub fn find_tool(name: &str, server: &ServerVersion) -> anyhow::Result<Tool> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    let pinned = std::env::var_os("PG_BIN_DIR").filter(|d| !d.is_empty());
    if let Some(dir) = &pinned {
        candidates.push(PathBuf::from(dir).join(name));
    } else {
        candidates.push(PathBuf::from(format!(
            "/usr/lib/postgresql/{}/bin/{name}",
            server.major
        )));
        if let Some(path) = std::env::var_os("PATH") {
            candidates.extend(std::env::split_paths(&path).map(|d| d.join(name)));
        }
        let mut others: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
                    .collect()
            })
            .unwrap_or_default();
        others.sort();
        others.reverse();
        candidates.extend(others);
    }
    let mut too_old = Vec::new();
    for c in candidates.into_iter().filter(|c| c.is_file()) {
        let Ok(out) = std::process::Command::new(&c).arg("--version").output() else {
            continue;
        };
        let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        // "pg_dump (PostgreSQL) 15.10 (Debian 15.10-1)"
        let version = text
            .split_whitespace()
            .nth(2)
            .unwrap_or_default()
            .to_owned();
        let major: u32 = version
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        if major >= server.major {
            return Ok(Tool { path: c, version });
        }
        too_old.push(format!("{} {version}", c.display()));
    }
    let where_ = if pinned.is_some() {
        "in PG_BIN_DIR"
    } else {
        "on PATH or under /usr/lib/postgresql/*/bin"
    };
    if too_old.is_empty() {
        bail!(
            "{name} was not found {where_}: install the PostgreSQL {} client programs (Debian/Ubuntu: apt-get install postgresql-client-{}) or set PG_BIN_DIR to their directory",
            server.major,
            server.major
        );
    }
    bail!(
        "{name} version mismatch: the server is PostgreSQL {}, but the {name} found {where_} is older ({}); {name} must be at least the server's major version: install postgresql-client-{} or set PG_BIN_DIR to its bin directory",
        server.text,
        too_old.join(", "),
        server.major
    )
}

/// Runs pg_dump / pg_restore with `--verbose`, showing its latest line on a spinner (on a
/// terminal), and returns an error with its last lines when it fails.
pub(crate) async fn run_with_progress(
    mut cmd: tokio::process::Command,
    what: &str,
) -> anyhow::Result<()> {
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {what}"))?;
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {prefix} [{elapsed}] {wide_msg}") {
        bar.set_style(style);
    }
    bar.set_prefix(what.to_owned());
    bar.enable_steady_tick(Duration::from_millis(200));
    let mut tail: Vec<String> = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        let mut lines = tokio::io::BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            bar.set_message(line.clone());
            tail.push(line);
            if tail.len() > 200 {
                tail.remove(0);
            }
        }
    }
    let status = child
        .wait()
        .await
        .with_context(|| format!("{what} did not finish"))?;
    bar.finish_and_clear();
    if status.success() {
        return Ok(());
    }
    // --verbose lines are progress; the error lines say what went wrong.
    let errors: Vec<&String> = tail
        .iter()
        .filter(|l| l.contains("error") || l.contains("FATAL") || l.contains("ERROR"))
        .collect();
    let shown: Vec<&String> = if errors.is_empty() {
        tail.iter().rev().take(3).rev().collect()
    } else {
        errors.into_iter().take(3).collect()
    };
    bail!(
        "{what} failed ({status}): {}",
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" / ")
    )
}

pub(crate) fn file_digest(file: &Path) -> anyhow::Result<(String, u64)> {
    use std::io::Read as _;
    let mut f =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", file.display()))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hex, size))
}

/// The URL without its password, and the password (percent-decoded), so the password is
/// passed in PGPASSWORD rather than on a command line other users can read.
pub fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some(at) = authority.rfind('@') else {
        return (url.to_owned(), None);
    };
    let (userinfo, host) = authority.split_at(at);
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_owned(), None);
    };
    (
        format!("{scheme}://{user}{host}{tail}"),
        Some(percent_decode(password)),
    )
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

pub(crate) fn human(n: f64) -> String {
    if n >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} GB", n / 1024.0 / 1024.0 / 1024.0)
    } else if n >= 1024.0 * 1024.0 {
        format!("{:.1} MB", n / 1024.0 / 1024.0)
    } else {
        format!("{:.0} kB", n / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url() {
        let (url, pw) = split_password("postgres://app:p%40ss@db:5432/app?sslmode=require");
        assert_eq!(url, "postgres://app@db:5432/app?sslmode=require");
        assert_eq!(pw.as_deref(), Some("p@ss"));
        let (url, pw) = split_password("postgres://app@db/app");
        assert_eq!(url, "postgres://app@db/app");
        assert_eq!(pw, None);
    }
}
