//! What a command will do, decided from the files and the history alone (no database), so
//! the rules are unit-tested.

use super::history::Applied;
use crate::error::RunError;
use crate::source::{Migration, MigrationSet};

/// How far `down` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownTarget {
    /// Roll back the newest N applied migrations.
    Steps(u32),
    /// Roll back every applied migration newer than this version (0: all of them).
    To(u32),
}

/// How far `up` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpTarget {
    All,
    /// Apply pending migrations up to and including this version.
    To(u32),
    /// Apply the next N pending migrations.
    Steps(u32),
}

/// State of one migration, as `status` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Applied, and its files match what was applied.
    Ok,
    Pending,
    /// Applied, and this file differs from what was applied.
    Changed {
        file: String,
    },
    /// Applied, and its up file is gone.
    MissingFile,
}

impl State {
    pub fn label(&self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Pending => "pending",
            State::Changed { .. } => "changed",
            State::MissingFile => "missing file",
        }
    }

    pub fn is_problem(&self) -> bool {
        matches!(self, State::Changed { .. } | State::MissingFile)
    }
}

/// One line of `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub version: u32,
    pub name: String,
    pub applied_at: Option<String>,
    pub execution_ms: Option<i64>,
    pub transactional: Option<bool>,
    pub state: State,
}

/// Every migration on disk or in the history, in version order, with its state.
pub fn rows(set: &MigrationSet, applied: &[Applied]) -> Vec<Row> {
    let mut versions: Vec<u32> = set
        .migrations
        .iter()
        .map(|m| m.version)
        .chain(applied.iter().map(|a| a.version))
        .collect();
    versions.sort_unstable();
    versions.dedup();
    versions
        .into_iter()
        .map(|v| {
            let file = set.get(v);
            let hist = applied.iter().find(|a| a.version == v);
            let state = match (file, hist) {
                (Some(m), Some(a)) => match changed_file(m, a) {
                    Some(f) => State::Changed { file: f },
                    None => State::Ok,
                },
                (Some(_), None) => State::Pending,
                (None, _) => State::MissingFile,
            };
            Row {
                version: v,
                name: file
                    .map(|m| m.name.clone())
                    .or_else(|| hist.map(|a| a.name.clone()))
                    .unwrap_or_default(),
                applied_at: hist.map(|a| a.applied_at.clone()),
                execution_ms: hist.map(|a| a.execution_ms),
                transactional: file.map(|m| m.up.tx.is_transactional()),
                state,
            }
        })
        .collect()
}

/// The file of an applied migration that differs from what was applied, if any.
fn changed_file(m: &Migration, a: &Applied) -> Option<String> {
    if m.up.checksum != a.checksum || m.name != a.name {
        return Some(m.up.file.clone());
    }
    let down = m.down.as_ref().map(|d| d.checksum.as_str());
    if down != a.down_checksum.as_deref() {
        return Some(format!("{}.down.sql", m.name));
    }
    None
}

/// Refuses to go on when an applied migration was edited or deleted on disk, or the
/// checksum chain is broken.
pub fn check_integrity(set: &MigrationSet, applied: &[Applied]) -> Result<(), RunError> {
    for a in applied {
        match set.get(a.version) {
            None => {
                return Err(RunError::Missing {
                    name: a.name.clone(),
                    origin: set.origin.clone(),
                });
            }
            Some(m) => {
                if let Some(file) = changed_file(m, a) {
                    let (recorded, actual) = if file == m.up.file {
                        (a.checksum.clone(), m.up.checksum.clone())
                    } else {
                        (
                            a.down_checksum.clone().unwrap_or_else(|| "none".into()),
                            m.down
                                .as_ref()
                                .map_or_else(|| "none".into(), |d| d.checksum.clone()),
                        )
                    };
                    return Err(RunError::Edited {
                        file,
                        recorded: short(&recorded),
                        actual: short(&actual),
                    });
                }
            }
        }
    }
    check_sum(set)
}

pub fn check_sum(set: &MigrationSet) -> Result<(), RunError> {
    if set.sum_errors.is_empty() {
        Ok(())
    } else {
        Err(RunError::Sum {
            origin: set.origin.clone(),
            errors: set.sum_errors.clone(),
        })
    }
}

fn short(hash: &str) -> String {
    hash.chars().take(12).collect()
}

/// Refuses a version that names no migration (0 is allowed where it means "nothing").
pub fn check_version(set: &MigrationSet, version: u32, zero_ok: bool) -> Result<(), RunError> {
    if (zero_ok && version == 0) || set.get(version).is_some() {
        Ok(())
    } else {
        Err(RunError::Db {
            context: format!("--to {version}"),
            message: format!(
                "no migration has version {version} in {} (known: {})",
                set.origin,
                known(set)
            ),
        })
    }
}

fn known(set: &MigrationSet) -> String {
    match (set.migrations.first(), set.migrations.last()) {
        (Some(a), Some(b)) => format!("{:03} to {:03}", a.version, b.version),
        _ => "none".to_owned(),
    }
}

/// The pending migrations `up` applies, in order.
pub fn plan_up<'a>(
    set: &'a MigrationSet,
    applied: &[Applied],
    target: UpTarget,
) -> Result<Vec<&'a Migration>, RunError> {
    let newest = applied.iter().map(|a| a.version).max().unwrap_or(0);
    let pending: Vec<&Migration> = set
        .migrations
        .iter()
        .filter(|m| !applied.iter().any(|a| a.version == m.version))
        .collect();
    if let Some(old) = pending.iter().find(|m| m.version < newest) {
        let applied_name = applied
            .iter()
            .find(|a| a.version == newest)
            .map(|a| a.name.clone())
            .unwrap_or_default();
        return Err(RunError::OutOfOrder {
            pending: old.name.clone(),
            applied: applied_name,
        });
    }
    Ok(match target {
        UpTarget::All => pending,
        UpTarget::To(v) => pending.into_iter().filter(|m| m.version <= v).collect(),
        UpTarget::Steps(n) => pending.into_iter().take(n as usize).collect(),
    })
}

/// The applied migrations `down` rolls back, newest first.
pub fn plan_down<'a>(
    set: &'a MigrationSet,
    applied: &[Applied],
    target: DownTarget,
) -> Result<Vec<&'a Migration>, RunError> {
    let mut newest_first: Vec<&Applied> = applied.iter().collect();
    newest_first.sort_by_key(|a| std::cmp::Reverse(a.version));
    let chosen: Vec<&Applied> = match target {
        DownTarget::Steps(n) => newest_first.into_iter().take(n as usize).collect(),
        DownTarget::To(v) => newest_first.into_iter().filter(|a| a.version > v).collect(),
    };
    chosen
        .into_iter()
        .map(|a| {
            let m = set.get(a.version).ok_or_else(|| RunError::Missing {
                name: a.name.clone(),
                origin: set.origin.clone(),
            })?;
            if m.down.is_none() {
                return Err(RunError::NoDown {
                    name: m.name.clone(),
                });
            }
            Ok(m)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::RawFile;

    fn set(names: &[(&str, &str)]) -> MigrationSet {
        MigrationSet::from_files(
            "test".into(),
            names
                .iter()
                .map(|(n, c)| RawFile {
                    name: (*n).into(),
                    contents: (*c).into(),
                })
                .collect(),
        )
        .expect("valid set")
    }

    fn three() -> MigrationSet {
        set(&[
            ("001_a.sql", "CREATE TABLE a ();"),
            ("001_a.down.sql", "DROP TABLE a;"),
            ("002_b.sql", "CREATE TABLE b ();"),
            ("002_b.down.sql", "DROP TABLE b;"),
            ("003_c.sql", "CREATE TABLE c ();"),
            ("003_c.down.sql", "DROP TABLE c;"),
        ])
    }

    fn applied(set: &MigrationSet, versions: &[u32]) -> Vec<Applied> {
        versions
            .iter()
            .map(|&v| {
                let m = set.get(v).expect("exists");
                Applied {
                    version: v,
                    name: m.name.clone(),
                    checksum: m.up.checksum.clone(),
                    down_checksum: m.down.as_ref().map(|d| d.checksum.clone()),
                    applied_at: "2026-01-01T00:00:00Z".into(),
                    execution_ms: 1,
                }
            })
            .collect()
    }

    fn names(ms: &[&Migration]) -> Vec<String> {
        ms.iter().map(|m| m.name.clone()).collect()
    }

    #[test]
    fn up_to_a_version_stops_there() {
        let s = three();
        let plan = plan_up(&s, &applied(&s, &[1]), UpTarget::To(2)).expect("plan");
        assert_eq!(names(&plan), vec!["002_b"]);
    }

    #[test]
    fn down_to_zero_rolls_back_everything_newest_first() {
        let s = three();
        let plan = plan_down(&s, &applied(&s, &[1, 2, 3]), DownTarget::To(0)).expect("plan");
        assert_eq!(names(&plan), vec!["003_c", "002_b", "001_a"]);
    }

    #[test]
    fn down_by_steps_takes_the_newest() {
        let s = three();
        let plan = plan_down(&s, &applied(&s, &[1, 2]), DownTarget::Steps(1)).expect("plan");
        assert_eq!(names(&plan), vec!["002_b"]);
    }

    #[test]
    fn a_pending_migration_older_than_an_applied_one_is_refused() {
        let s = three();
        let err = plan_up(&s, &applied(&s, &[1, 3]), UpTarget::All).expect_err("refused");
        assert!(err.to_string().contains("002_b is pending"), "{err}");
    }

    #[test]
    fn an_edited_applied_file_is_named() {
        let s = three();
        let mut hist = applied(&s, &[1, 2]);
        hist[1].checksum = "0".repeat(64);
        let err = check_integrity(&s, &hist).expect_err("refused");
        assert!(err.to_string().starts_with("002_b.sql was edited"), "{err}");
        assert_eq!(
            rows(&s, &hist)[1].state,
            State::Changed {
                file: "002_b.sql".into()
            }
        );
    }

    #[test]
    fn an_applied_migration_without_file_is_missing() {
        let s = three();
        let mut hist = applied(&s, &[1]);
        hist.push(Applied {
            version: 4,
            name: "004_d".into(),
            ..hist[0].clone()
        });
        let err = check_integrity(&s, &hist).expect_err("refused");
        assert!(err.to_string().contains("004_d.sql is missing"), "{err}");
        assert_eq!(rows(&s, &hist)[3].state, State::MissingFile);
    }

    #[test]
    fn rolling_back_a_migration_without_down_file_is_refused() {
        let s = set(&[("001_a.sql", "CREATE TABLE a ();")]);
        let err = plan_down(&s, &applied(&s, &[1]), DownTarget::Steps(1)).expect_err("refused");
        assert!(matches!(err, RunError::NoDown { .. }));
    }
}
