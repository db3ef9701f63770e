//! `cli migrate up|status --targets FILE`: one release over many databases, `--jobs` at a
//! time, each with its own lock and checksum checks, a live line per database and a final
//! table.

use std::cell::Cell;
use std::io::IsTerminal as _;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use futures_util::StreamExt as _;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use migrations::MigrationSet;
use migrations::runner::{Direction, Observer, Options, Session, State, UpTarget};

use crate::Verdict;
use crate::output::{duration, print};

/// One database of the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub url: String,
}

/// Reads `--targets`: a file with one `URL` or `name=URL` per line (`#` comments, blank
/// lines ignored), or `env:GLOB`, the environment variables whose names match GLOB (`*`
/// matches anything), named after the variable.
pub fn load(spec: &str) -> anyhow::Result<Vec<Target>> {
    let mut targets = Vec::new();
    if let Some(glob) = spec.strip_prefix("env:") {
        let mut vars: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| glob_match(glob, k))
            .collect();
        vars.sort();
        for (k, v) in vars {
            targets.push(Target { name: k, url: v });
        }
        if targets.is_empty() {
            bail!("--targets {spec}: no environment variable matches `{glob}`");
        }
    } else {
        let text = std::fs::read_to_string(Path::new(spec))
            .with_context(|| format!("cannot read the targets file {spec}"))?;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, url) = match line.split_once('=') {
                Some((n, u)) if !n.contains("://") && !n.contains('/') => {
                    (n.trim().to_owned(), u.trim().to_owned())
                }
                _ => {
                    let name = migrations::runner::parse_url(line)
                        .map(|(_, t)| t.to_string())
                        .map_err(|e| anyhow!("{spec}:{}: {e}", i + 1))?;
                    (name, line.to_owned())
                }
            };
            migrations::runner::parse_url(&url).map_err(|e| anyhow!("{spec}:{}: {e}", i + 1))?;
            if targets.iter().any(|t: &Target| t.name == name) {
                bail!("{spec}:{}: the name `{name}` is used twice", i + 1);
            }
            targets.push(Target { name, url });
        }
        if targets.is_empty() {
            bail!("the targets file {spec} lists no database");
        }
    }
    Ok(targets)
}

fn glob_match(glob: &str, s: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    if parts.len() == 1 {
        return glob == s;
    }
    let mut rest = s;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(p) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            let Some(at) = rest.find(p) else {
                return false;
            };
            rest = &rest[at + p.len()..];
        }
    }
    true
}

/// How one database went.
#[derive(Debug, Clone)]
enum Result_ {
    Done { from: u32, to: u32, applied: usize },
    Failed { from: Option<u32>, reason: String },
    Skipped,
}

/// Lines of one database: a bar on a terminal, result lines on stdout.
struct Line<'a> {
    name: &'a str,
    multi: &'a MultiProgress,
    bar: ProgressBar,
}

impl Line<'_> {
    fn say(&self, text: &str) {
        let line = format!("{}: {text}\n", self.name);
        self.multi.suspend(|| print(&line));
    }
}

impl Observer for Line<'_> {
    fn waiting(&mut self, holder: &str) {
        self.bar
            .set_message(format!("waiting for the migration lock ({holder})"));
        self.say(&format!(
            "waiting for the migration lock, held by {holder} (another runner is migrating this database)"
        ));
    }
    fn start(&mut self, name: &str, _direction: Direction, statements: usize) {
        self.bar
            .set_length(u64::try_from(statements).unwrap_or(u64::MAX));
        self.bar.set_position(0);
        self.bar.set_message(format!("applying {name}"));
    }
    fn statement(&mut self, done: usize) {
        self.bar
            .set_position(u64::try_from(done).unwrap_or(u64::MAX));
    }
    fn finish(&mut self, name: &str, direction: Direction, elapsed: Duration) {
        let verb = match direction {
            Direction::Up => "applied",
            Direction::Down => "rolled back",
        };
        self.say(&format!("{verb} {name} in {}", duration(elapsed)));
    }
}

fn multi() -> MultiProgress {
    if std::io::stderr().is_terminal() {
        MultiProgress::with_draw_target(ProgressDrawTarget::stderr())
    } else {
        MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
    }
}

fn bar(multi: &MultiProgress, name: &str) -> ProgressBar {
    let bar = multi.add(ProgressBar::new(0));
    if let Ok(style) =
        ProgressStyle::with_template("{prefix:>16} {msg} [{bar:20}] {pos}/{len} {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(name.to_owned());
    bar.set_message("waiting for a job slot");
    bar
}

/// `migrate up --targets`.
#[allow(clippy::too_many_arguments)]
pub async fn up(
    targets: Vec<Target>,
    set: MigrationSet,
    options: Options,
    target: UpTarget,
    jobs: usize,
    stop_on_error: bool,
    backup_dir: Option<std::path::PathBuf>,
    want_backup: bool,
) -> anyhow::Result<Verdict> {
    let multi = multi();
    let stop = Cell::new(false);
    let started = Instant::now();
    let tasks = targets.iter().enumerate().map(|(i, t)| {
        let set = set.clone();
        let options = options.clone();
        let multi = &multi;
        let stop = &stop;
        let backup_dir = backup_dir.clone();
        async move {
            let began = Instant::now();
            if stop.get() {
                return (i, Result_::Skipped, Duration::ZERO);
            }
            let mut line = Line {
                name: &t.name,
                multi,
                bar: bar(multi, &t.name),
            };
            let result = one(
                &t.url,
                set,
                options,
                target,
                &mut line,
                backup_dir,
                want_backup,
            )
            .await;
            line.bar.finish_and_clear();
            let result = match result {
                Ok((from, to, applied)) => Result_::Done { from, to, applied },
                Err((from, e)) => {
                    line.say(&format!("failed: {e}"));
                    if stop_on_error {
                        stop.set(true);
                    }
                    Result_::Failed { from, reason: e }
                }
            };
            (i, result, began.elapsed())
        }
    });
    let mut results: Vec<(usize, Result_, Duration)> = futures_util::stream::iter(tasks)
        .buffer_unordered(jobs.max(1))
        .collect()
        .await;
    results.sort_by_key(|r| r.0);
    let _ = multi.clear();

    let mut rows = Vec::new();
    let (mut migrated, mut current, mut failed, mut skipped) = (0, 0, Vec::new(), 0);
    for (i, r, took) in &results {
        let name = targets[*i].name.clone();
        let v = |v: u32| format!("{v:03}");
        let row = match r {
            Result_::Done { from, to, applied } => {
                if *applied == 0 {
                    current += 1;
                } else {
                    migrated += 1;
                }
                [
                    name,
                    v(*from),
                    v(*to),
                    duration(*took),
                    if *applied == 0 {
                        "ok (up to date)".to_owned()
                    } else {
                        format!("ok ({applied} applied)")
                    },
                ]
            }
            Result_::Failed { from, reason } => {
                failed.push(name.clone());
                let f = from.map_or("-".to_owned(), v);
                [
                    name,
                    f.clone(),
                    f,
                    duration(*took),
                    format!("failed: {reason}"),
                ]
            }
            Result_::Skipped => {
                skipped += 1;
                [
                    name,
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "skipped (--stop-on-error)".into(),
                ]
            }
        };
        rows.push(row);
    }
    let mut out = String::from("\n");
    out.push_str(&table(&["database", "from", "to", "time", "result"], &rows));
    out.push_str(&format!(
        "\n{} databases in {}: {migrated} migrated, {current} already up to date, {} failed{}\n",
        targets.len(),
        duration(started.elapsed()),
        failed.len(),
        if skipped > 0 {
            format!(", {skipped} skipped")
        } else {
            String::new()
        }
    ));
    print(&out);
    if failed.is_empty() && skipped == 0 {
        Ok(Verdict::Clean)
    } else {
        Err(anyhow!(
            "{} of {} databases failed ({}){}",
            failed.len(),
            targets.len(),
            failed.join(", "),
            if skipped > 0 {
                format!(" and {skipped} were skipped")
            } else {
                String::new()
            }
        ))
    }
}

/// Migrates one database: (from, to, applied) or (from if known, reason).
async fn one(
    url: &str,
    set: MigrationSet,
    options: Options,
    target: UpTarget,
    line: &mut Line<'_>,
    backup_dir: Option<std::path::PathBuf>,
    want_backup: bool,
) -> Result<(u32, u32, usize), (Option<u32>, String)> {
    let text = |e: &dyn std::fmt::Display| crate::render::one_line(&anyhow!("{e}"));
    line.bar.set_message("connecting");
    let (name, multi) = (line.name, line.multi);
    let mut session = Session::open(url, set, options, line)
        .await
        .map_err(|e| (None, text(&e)))?;
    let status = session.status().await.map_err(|e| (None, text(&e)))?;
    let from = status
        .rows
        .iter()
        .filter(|r| r.applied_at.is_some())
        .map(|r| r.version)
        .max()
        .unwrap_or(0);
    if want_backup && status.rows.iter().any(|r| r.state == State::Pending) {
        let (_, _, written) = crate::backup::create(url, None, backup_dir.as_deref())
            .await
            .map_err(|e| {
                (
                    Some(from),
                    format!(
                        "backup failed, nothing applied: {}",
                        crate::render::one_line(&e)
                    ),
                )
            })?;
        let text = format!("{name}: {written}\n");
        multi.suspend(|| print(&text));
    }
    let outcome = session
        .up(target)
        .await
        .map_err(|e| (Some(from), text(&e)))?;
    Ok((from, outcome.version, outcome.applied.len()))
}

/// `migrate status --targets`: which databases are behind.
pub async fn status(
    targets: Vec<Target>,
    set: MigrationSet,
    jobs: usize,
    json: bool,
) -> anyhow::Result<Verdict> {
    let newest = set.migrations.last().map_or(0, |m| m.version);
    let tasks = targets.iter().enumerate().map(|(i, t)| {
        let set = set.clone();
        async move {
            let mut silent = migrations::runner::Silent;
            let r = match Session::open(&t.url, set, Options::default(), &mut silent).await {
                Ok(mut s) => s.status().await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            (i, r)
        }
    });
    let mut results: Vec<_> = futures_util::stream::iter(tasks)
        .buffer_unordered(jobs.max(1))
        .collect()
        .await;
    results.sort_by_key(|r| r.0);
    let (mut behind, mut broken, mut unreachable) = (0, 0, 0);
    let mut rows = Vec::new();
    let mut docs = Vec::new();
    for (i, r) in results {
        let name = targets[i].name.clone();
        match r {
            Ok(s) => {
                let version = s
                    .rows
                    .iter()
                    .filter(|r| r.applied_at.is_some())
                    .map(|r| r.version)
                    .max()
                    .unwrap_or(0);
                let pending = s.rows.iter().filter(|r| r.state == State::Pending).count();
                let state = if s.has_problems() {
                    broken += 1;
                    let bad: Vec<String> = s
                        .rows
                        .iter()
                        .filter(|r| r.state.is_problem())
                        .map(|r| format!("{} {}", r.name, r.state.label()))
                        .collect();
                    format!("problems: {}", bad.join(", "))
                } else if pending > 0 {
                    behind += 1;
                    format!("behind ({pending} pending)")
                } else {
                    "up to date".into()
                };
                docs.push(serde_json::json!({
                    "database": name, "version": version, "pending": pending,
                    "state": if s.has_problems() { "problems" } else if pending > 0 { "behind" } else { "up to date" },
                    "detail": state,
                }));
                rows.push([name, format!("{version:03}"), pending.to_string(), state]);
            }
            Err(e) => {
                unreachable += 1;
                docs.push(serde_json::json!({
                    "database": name, "version": null, "pending": null,
                    "state": "error", "detail": e,
                }));
                rows.push([name, "-".into(), "-".into(), format!("error: {e}")]);
            }
        }
    }
    if json {
        print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::json!({
                "source": set.origin,
                "newest": newest,
                "databases": docs,
                "ok": behind + broken + unreachable == 0,
            }))?
        ));
    } else {
        let mut out = format!("migrations: {} (newest {newest:03})\n\n", set.origin);
        out.push_str(&table(&["database", "version", "pending", "state"], &rows));
        out.push_str(&format!(
            "\n{} databases: {} up to date, {behind} behind, {broken} with problems, {unreachable} unreachable\n",
            targets.len(),
            targets.len() - behind - broken - unreachable
        ));
        print(&out);
    }
    if unreachable > 0 {
        bail!(
            "{unreachable} of {} databases could not be read",
            targets.len()
        );
    }
    Ok(if behind + broken > 0 {
        Verdict::Problems
    } else {
        Verdict::Clean
    })
}

fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(str::len);
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == N {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  "));
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(header.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_with_stars() {
        assert!(glob_match("TENANT_*_URL", "TENANT_A_URL"));
        assert!(!glob_match("TENANT_*_URL", "TENANT_A_URI"));
        assert!(glob_match("DB_*", "DB_1"));
        assert!(!glob_match("DB_*", "XDB_1"));
    }

    #[test]
    fn a_targets_file_takes_names_urls_and_comments() {
        let dir = std::env::temp_dir().join(format!("fleet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let f = dir.join("targets");
        std::fs::write(
            &f,
            "# fleet\n\neu=postgres://u:p@eu:5432/app?sslmode=require\npostgres://u@us:5432/app\n",
        )
        .expect("write");
        let t = load(f.to_str().expect("utf-8")).expect("loads");
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].name, "eu");
        assert_eq!(t[0].url, "postgres://u:p@eu:5432/app?sslmode=require");
        assert_eq!(t[1].name, "us:5432/app");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
