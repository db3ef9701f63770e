//! The migration set: the `NNN_name.sql` / `NNN_name.down.sql` files, paired by version,
//! each parsed into statements, plus the `migrations.sum` chain when there is one.

use std::collections::BTreeMap;
use std::path::Path;

use ddl::checksum::{self, SUM_FILE};

use crate::error::SourceError;
use crate::marker::{self, TxMode};
use crate::split::{self, Statement};

/// One file of the set, as read (from disk or embedded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFile {
    pub name: String,
    pub contents: String,
}

/// A parsed migration file (up or down).
#[derive(Debug, Clone)]
pub struct Script {
    /// File name, for example `001_initial_schema.sql`.
    pub file: String,
    /// SHA-256 of the file's bytes.
    pub checksum: String,
    pub tx: TxMode,
    pub statements: Vec<Statement>,
    /// The file's text as read.
    pub source: String,
}

/// One migration: an up file and, usually, its down file.
#[derive(Debug, Clone)]
pub struct Migration {
    pub version: u32,
    /// The file stem, for example `001_initial_schema`.
    pub name: String,
    pub up: Script,
    pub down: Option<Script>,
}

impl Migration {
    /// The description part of the name (`initial_schema`).
    pub fn description(&self) -> &str {
        self.name.split_once('_').map_or("", |(_, d)| d)
    }
}

/// The migrations of a directory, in version order.
#[derive(Debug, Clone, Default)]
pub struct MigrationSet {
    /// Where they came from, for messages (`embedded` or a path).
    pub origin: String,
    pub migrations: Vec<Migration>,
    /// Problems found by checking the files against `migrations.sum` (empty when the
    /// chain holds, or when there are no migrations at all); a set with migrations but
    /// without a sum file has [`checksum::SumError::Absent`].
    pub sum_errors: Vec<checksum::SumError>,
    /// Whether a `migrations.sum` was present.
    pub has_sum: bool,
}

impl MigrationSet {
    /// The set compiled into this binary by the build script.
    pub fn embedded() -> Result<Self, SourceError> {
        let files = crate::embedded::FILES
            .iter()
            .map(|(name, contents)| RawFile {
                name: (*name).to_owned(),
                contents: (*contents).to_owned(),
            })
            .collect();
        Self::from_files("embedded migrations".to_owned(), files)
    }

    /// The set in a directory on disk.
    pub fn from_dir(dir: &Path) -> Result<Self, SourceError> {
        let origin = dir.display().to_string();
        let entries = std::fs::read_dir(dir).map_err(|e| SourceError::Io {
            path: origin.clone(),
            message: e.to_string(),
        })?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| SourceError::Io {
                path: origin.clone(),
                message: e.to_string(),
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !(name.ends_with(".sql") || name == SUM_FILE) || !entry.path().is_file() {
                continue;
            }
            let contents = std::fs::read_to_string(entry.path()).map_err(|e| SourceError::Io {
                path: entry.path().display().to_string(),
                message: e.to_string(),
            })?;
            files.push(RawFile { name, contents });
        }
        Self::from_files(origin, files)
    }

    /// Builds the set from file names and contents (`.sql` files and `migrations.sum`;
    /// other names are ignored).
    pub fn from_files(origin: String, files: Vec<RawFile>) -> Result<Self, SourceError> {
        let mut sum_text = None;
        let mut ups: BTreeMap<u32, RawFile> = BTreeMap::new();
        let mut downs: BTreeMap<u32, RawFile> = BTreeMap::new();
        for f in files {
            if f.name == SUM_FILE {
                sum_text = Some(f.contents);
                continue;
            }
            if !f.name.ends_with(".sql") {
                continue;
            }
            let (version, is_down) = parse_name(&f.name)?;
            let slot = if is_down { &mut downs } else { &mut ups };
            if let Some(other) = slot.get(&version) {
                return Err(SourceError::DuplicateVersion {
                    version,
                    first: other.name.clone(),
                    second: f.name,
                });
            }
            slot.insert(version, f);
        }
        if let Some((_, orphan)) = downs.iter().find(|(v, _)| !ups.contains_key(v)) {
            return Err(SourceError::DownWithoutUp {
                file: orphan.name.clone(),
            });
        }
        let mut migrations = Vec::with_capacity(ups.len());
        for (version, up) in ups {
            let stem = up.name.trim_end_matches(".sql").to_owned();
            let down = match downs.remove(&version) {
                Some(d) => {
                    let expected = format!("{stem}.down.sql");
                    if d.name != expected {
                        return Err(SourceError::MismatchedDown {
                            down: d.name,
                            expected,
                        });
                    }
                    Some(parse_script(d)?)
                }
                None => None,
            };
            migrations.push(Migration {
                version,
                name: stem,
                up: parse_script(up)?,
                down,
            });
        }
        let (has_sum, sum_errors) = match sum_text {
            // Deleting the sum must not switch the integrity checks off.
            None if migrations.is_empty() => (false, Vec::new()),
            None => (false, vec![checksum::SumError::Absent]),
            Some(text) => (true, check_sum(&text, &migrations)),
        };
        Ok(MigrationSet {
            origin,
            migrations,
            sum_errors,
            has_sum,
        })
    }

    pub fn get(&self, version: u32) -> Option<&Migration> {
        self.migrations.iter().find(|m| m.version == version)
    }
}

/// The first migration file of `dir` that the embedded set lacks or holds with other
/// contents (`migrations.sum` included), or `None` when the embedded set is current or
/// `dir` cannot be read. Files only the embedded set has do not count: a directory may
/// hold fewer migrations (an older checkout), which a rebuild would not fix either.
pub fn embedded_differs_from(dir: &Path) -> Option<String> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n == SUM_FILE || parse_name(n).is_ok())
        .collect();
    names.sort();
    names.into_iter().find(|name| {
        let on_disk = std::fs::read_to_string(dir.join(name)).ok();
        let embedded = crate::embedded::FILES
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| *c);
        on_disk.is_some() && on_disk.as_deref() != embedded
    })
}

/// The files in chain order: for each version, the up file then the down file.
fn check_sum(text: &str, migrations: &[Migration]) -> Vec<checksum::SumError> {
    let recorded = match checksum::parse(text) {
        Ok(r) => r,
        Err(e) => return vec![e],
    };
    let contents: Vec<(&str, &str)> = migrations
        .iter()
        .flat_map(|m| std::iter::once(&m.up).chain(m.down.as_ref()))
        .map(|s| (s.file.as_str(), s.source.as_str()))
        .collect();
    checksum::verify(&recorded, contents.iter().map(|(n, c)| (*n, c.as_bytes())))
}

/// `NNN_name.sql` or `NNN_name.down.sql` -> (NNN, is_down).
pub fn parse_name(name: &str) -> Result<(u32, bool), SourceError> {
    let bad = || SourceError::BadFileName {
        file: name.to_owned(),
    };
    let (stem, is_down) = match name.strip_suffix(".down.sql") {
        Some(s) => (s, true),
        None => (name.strip_suffix(".sql").ok_or_else(bad)?, false),
    };
    let (digits, desc) = stem.split_at_checked(3).ok_or_else(bad)?;
    let desc = desc.strip_prefix('_').ok_or_else(bad)?;
    let valid_desc = !desc.is_empty()
        && desc
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !valid_desc {
        return Err(bad());
    }
    let version: u32 = digits.parse().map_err(|_| bad())?;
    if version == 0 {
        return Err(bad());
    }
    Ok((version, is_down))
}

fn parse_script(f: RawFile) -> Result<Script, SourceError> {
    let tx = marker::tx_mode(&f.contents).map_err(|message| SourceError::Marker {
        file: f.name.clone(),
        message,
    })?;
    let statements = split::split(&f.contents).map_err(|e| SourceError::Split {
        file: f.name.clone(),
        line: e.line,
        what: e.what,
    })?;
    marker::check_statements(tx, &statements).map_err(|(line, message)| SourceError::Marker {
        file: format!("{}:{line}", f.name),
        message,
    })?;
    Ok(Script {
        checksum: checksum::sha256_hex(f.contents.as_bytes()),
        file: f.name,
        tx,
        statements,
        source: f.contents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(name: &str, contents: &str) -> RawFile {
        RawFile {
            name: name.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn a_set_with_migrations_but_no_sum_file_reports_the_sum_as_absent() {
        let set =
            MigrationSet::from_files("t".into(), vec![raw("001_a.sql", "CREATE TABLE a ();")])
                .expect("valid");
        assert!(!set.has_sum);
        assert_eq!(set.sum_errors, vec![checksum::SumError::Absent]);
        let message = set.sum_errors[0].to_string();
        assert!(
            message.contains("cargo run -p codegen -- --rehash"),
            "{message}"
        );
        assert!(message.contains("git checkout"), "{message}");
    }

    #[test]
    fn an_empty_set_needs_no_sum_file() {
        let set = MigrationSet::from_files("t".into(), vec![]).expect("valid");
        assert!(set.sum_errors.is_empty());
    }
}
