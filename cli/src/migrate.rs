//! `cli migrate …`: loads the migration set, connects, runs the command.

use std::time::Duration;

use migrations::MigrationSet;
use migrations::runner::{DownTarget, Options, Session, State, UpTarget};

use crate::Verdict;
use crate::args::{BackupFirst, MigrateArgs, MigrateCmd};
use crate::output;

pub async fn run(url: Option<String>, args: MigrateArgs) -> anyhow::Result<Verdict> {
    // The files are checked before the database is touched.
    let set = match &args.dir {
        Some(dir) => MigrationSet::from_dir(dir)?,
        None => {
            warn_if_embedded_is_stale();
            MigrationSet::embedded()?
        }
    };
    let fleet_targets = match &args.action {
        MigrateCmd::Up { fleet, .. } | MigrateCmd::Status { fleet, .. } => fleet.targets.clone(),
        _ => None,
    };
    if let Some(spec) = fleet_targets {
        return run_fleet(&spec, set, args).await;
    }
    let url = crate::require_url(url)?;
    let dry_run = match &args.action {
        MigrateCmd::Up { dry, .. }
        | MigrateCmd::Down { dry, .. }
        | MigrateCmd::Fresh { dry, .. }
        | MigrateCmd::Redo { dry } => dry.dry_run,
        MigrateCmd::Status { .. } => false,
    };
    let force = matches!(args.action, MigrateCmd::Fresh { force: true, .. });
    if let MigrateCmd::Fresh { yes, .. } = &args.action
        && !dry_run
        && !yes
    {
        confirm_fresh(&url, &set.origin)?;
    }
    let options = Options {
        dry_run,
        lock_timeout: args.lock_timeout.map(Duration::from_secs),
        force,
    };
    let mut progress = output::Progress::new();
    let mut session = Session::open(&url, set, options, &mut progress).await?;
    let outcome = match args.action {
        MigrateCmd::Status { json, .. } => {
            let status = session.status().await?;
            output::print_status(&status, json)?;
            return Ok(if status.has_problems() {
                Verdict::Problems
            } else {
                Verdict::Clean
            });
        }
        MigrateCmd::Up {
            to, steps, backup, ..
        } => {
            let target = up_target(to, steps);
            if !dry_run && wants_backup(&backup)? {
                let status = session.status().await?;
                if status.rows.iter().any(|r| r.state == State::Pending) {
                    let (_, _, line) =
                        crate::backup::create(&url, None, backup.backup_dir.as_deref())
                            .await
                            .map_err(|e| {
                                e.context("the backup before migrating failed; nothing was applied")
                            })?;
                    crate::output::print(&format!("{line}\n"));
                } else {
                    eprintln!("nothing pending: no backup taken");
                }
            }
            session.up(target).await?
        }
        MigrateCmd::Down { steps, to, .. } => {
            let target = match (to, steps) {
                (Some(v), _) => DownTarget::To(v),
                (None, n) => DownTarget::Steps(n.unwrap_or(1)),
            };
            session.down(target).await?
        }
        MigrateCmd::Fresh { .. } => session.fresh().await?,
        MigrateCmd::Redo { .. } => session.redo().await?,
    };
    drop(session);
    output::print_outcome(&outcome);
    Ok(Verdict::Clean)
}

fn up_target(to: Option<u32>, steps: Option<u32>) -> UpTarget {
    match (to, steps) {
        (Some(v), _) => UpTarget::To(v),
        (None, Some(n)) => UpTarget::Steps(n),
        (None, None) => UpTarget::All,
    }
}

/// `--backup`, or an environment marked production without `--no-backup`.
fn wants_backup(b: &BackupFirst) -> anyhow::Result<bool> {
    if b.no_backup {
        return Ok(false);
    }
    if b.backup {
        return Ok(true);
    }
    match &b.env {
        Some(name) if !name.trim().is_empty() => Ok(seed::environment(name.trim())?.production),
        _ => Ok(false),
    }
}

/// `up` and `status` with `--targets`.
async fn run_fleet(spec: &str, set: MigrationSet, args: MigrateArgs) -> anyhow::Result<Verdict> {
    let targets = crate::fleet::load(spec)?;
    let options = Options {
        dry_run: false,
        lock_timeout: args.lock_timeout.map(Duration::from_secs),
        force: false,
    };
    match args.action {
        MigrateCmd::Up {
            to,
            steps,
            dry,
            backup,
            fleet,
            stop_on_error,
        } => {
            if dry.dry_run {
                anyhow::bail!(
                    "--dry-run cannot be combined with --targets: run it against one database"
                );
            }
            let want = wants_backup(&backup)?;
            crate::fleet::up(
                targets,
                set,
                options,
                up_target(to, steps),
                usize::from(fleet.jobs),
                stop_on_error,
                backup.backup_dir,
                want,
            )
            .await
        }
        MigrateCmd::Status { json, fleet } => {
            crate::fleet::status(targets, set, usize::from(fleet.jobs), json).await
        }
        _ => anyhow::bail!("--targets is accepted by `migrate up` and `migrate status` only"),
    }
}

/// `fresh` deletes data: a person at a terminal says yes, a script says `--yes`.
fn confirm_fresh(url: &str, origin: &str) -> anyhow::Result<()> {
    use std::io::{BufRead as _, IsTerminal as _, Write as _};
    let target = migrations::runner::parse_url(url)
        .map_or_else(|_| "the database".to_owned(), |(_, t)| t.to_string());
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "migrate fresh rolls back every applied migration of {target} and deletes their data; stdin is not a terminal, so pass --yes to confirm"
        );
    }
    eprint!(
        "migrate fresh rolls back every applied migration of {target} (all data in their tables is lost), then applies {origin} again. Continue? [y/N] "
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    match answer.trim() {
        "y" | "Y" | "yes" | "YES" | "Yes" => Ok(()),
        _ => anyhow::bail!("migrate fresh cancelled: nothing was changed"),
    }
}

/// Without `--dir` the binary runs the files it was built with. When the `migrations/`
/// directory beside it on disk (in the current directory, or in the checkout the binary
/// was built from) has files it lacks, someone generated a migration and did not rebuild:
/// say so on stderr, once, before running the old set.
pub(crate) fn warn_if_embedded_is_stale() {
    let candidates = [
        std::env::current_dir().ok().map(|d| d.join("migrations")),
        Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations")),
    ];
    for dir in candidates.into_iter().flatten() {
        if let Some(file) = migrations::source::embedded_differs_from(&dir) {
            eprintln!(
                "warning: the migrations embedded in this binary are stale: {} has {file}, which the binary lacks or holds differently; rebuild with `cargo build -p cli`, or pass --dir {}",
                dir.display(),
                dir.display()
            );
            return;
        }
    }
}
