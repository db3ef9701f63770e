//! Linting what codegen just wrote, with the earlier migrations as context.
//!
//! The earlier migrations are the same from one run to the next, and parsing them is most
//! of the cost (a 10,000-table `001` is 9 MB of SQL: about a second and 800 MB). So the
//! lint facts they leave behind ([`lint::Linter::checkpoint`]) are kept in a cache file
//! keyed by the directory's `migrations.sum`, whose checksum chain pins every file's name,
//! order and bytes (codegen has verified it against the files before it plans); the next
//! run resumes from it and parses only its new file. A missing, stale or damaged cache
//! costs one full parse, never a wrong finding: a checkpoint of another build's facts is
//! not resumed either.

use anyhow::Result;
use ddl::checksum::sha256_hex;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Findings printed in full; the rest are counted by code (`cli lint` lists them all).
const SHOWN: usize = 20;

/// The up files of a migrations directory with the `migrations.sum` that signs them (the
/// empty text for an empty directory).
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub files: &'a [(&'a str, &'a str)],
    pub sum: &'a str,
}

/// Lints `new` after `earlier` (both in migration order) and prints the findings in
/// `new`; `sum_after` is the `migrations.sum` that signs both.
pub fn lint_new(
    dir: &Path,
    earlier: Signed<'_>,
    new: &[(&str, &str)],
    sum_after: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let cache = Cache::of(dir);
    let earlier_key = sha256_hex(earlier.sum.as_bytes());
    let mut linter = cache
        .as_ref()
        .and_then(|c| c.resume(&earlier_key))
        .unwrap_or_else(|| {
            let mut l = lint::Linter::new();
            for (name, text) in earlier.files {
                l.lint_file(name, text);
            }
            // Also kept: the next run may follow a deletion of the file about to be
            // written (a migration generated again), and then starts from here.
            if let Some(c) = &cache {
                c.store(&earlier_key, &l.checkpoint(), &earlier_key);
            }
            l
        });
    for (name, text) in new {
        linter.lint_file(name, text);
    }
    // The files just written are the next run's earlier ones; the checkpoint resumed
    // from is kept too, for a run after the new file is deleted and generated again.
    if let Some(c) = &cache {
        let key = sha256_hex(sum_after.as_bytes());
        c.store(&key, &linter.checkpoint(), &earlier_key);
    }
    let names: Vec<&str> = new.iter().map(|(n, _)| *n).collect();
    let findings: Vec<lint::Finding> = linter
        .finish()
        .into_iter()
        .filter(|f| names.contains(&f.file.as_str()))
        .collect();
    print(&findings, dir, out)
}

fn print(findings: &[lint::Finding], dir: &Path, out: &mut dyn Write) -> Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "lint (docs/lint.md):")?;
    write!(
        out,
        "{}",
        lint::render_text(&findings[..findings.len().min(SHOWN)])
    )?;
    if findings.len() > SHOWN {
        let mut by_code: Vec<(&str, usize)> = Vec::new();
        for f in &findings[SHOWN..] {
            match by_code.iter_mut().find(|(c, _)| *c == f.code) {
                Some((_, n)) => *n += 1,
                None => by_code.push((f.code, 1)),
            }
        }
        let counts: Vec<String> = by_code.iter().map(|(c, n)| format!("{c} x{n}")).collect();
        writeln!(
            out,
            "... and {} more ({}); `cargo run -p cli -- lint {}/<file>` lists them all",
            findings.len() - SHOWN,
            counts.join(", "),
            dir.display()
        )?;
    }
    writeln!(out, "{}", lint::summary(findings))?;
    Ok(())
}

/// Where a migrations directory's checkpoints are kept: next to the codegen binary
/// (under cargo's `target/`, never in the repository), or in `CODEGEN_CACHE_DIR`. Without
/// a writable place there is simply no cache.
#[derive(Debug)]
pub struct Cache {
    root: PathBuf,
    /// A hash of the migrations directory's path: the prefix of its files.
    prefix: String,
}

impl Cache {
    pub fn of(dir: &Path) -> Option<Self> {
        let root = match std::env::var_os("CODEGEN_CACHE_DIR") {
            Some(d) => PathBuf::from(d),
            None => std::env::current_exe()
                .ok()?
                .parent()?
                .join(".codegen-cache"),
        };
        Self::at(&root, dir)
    }

    /// The cache of `dir` under `root`.
    pub fn at(root: &Path, dir: &Path) -> Option<Self> {
        let root = root.to_path_buf();
        std::fs::create_dir_all(&root).ok()?;
        let dir = dir.canonicalize().ok()?;
        let id = sha256_hex(dir.to_string_lossy().as_bytes());
        Some(Self {
            root,
            prefix: format!("lint-{}-", &id[..16]),
        })
    }

    /// The directory's checkpoint files.
    pub fn files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&self.prefix) && n.ends_with(".json"))
            })
            .collect()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root
            .join(format!("{}{}.json", self.prefix, &key[..16]))
    }

    fn resume(&self, key: &str) -> Option<lint::Linter> {
        let path = self.path(key);
        let text = std::fs::read_to_string(&path).ok()?;
        let (stored, checkpoint) = text.split_once('\n')?;
        if stored != key {
            return None;
        }
        // Used now: not pruned as stale for another week.
        let _ = std::fs::File::options()
            .append(true)
            .open(&path)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()));
        lint::Linter::resume(checkpoint)
    }

    /// Writes under a temporary name and renames, so a concurrent run never reads half a
    /// file, then removes the directory's other checkpoints but `keep`'s. A failure only
    /// means no cache next time.
    pub fn store(&self, key: &str, checkpoint: &str, keep: &str) {
        let path = self.path(key);
        let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
        let written = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(key.as_bytes())?;
            f.write_all(b"\n")?;
            f.write_all(checkpoint.as_bytes())
        });
        if written.is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
            return;
        }
        let kept = self.path(keep);
        for old in self.files() {
            if old != path && old != kept {
                let _ = std::fs::remove_file(old);
            }
        }
        self.prune();
    }

    /// Removes the checkpoints of other directories unused for a week (temporary
    /// directories of tests, deleted checkouts), so the cache does not grow without end.
    fn prune(&self) {
        const WEEK: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);
        let Ok(entries) = std::fs::read_dir(&self.root) else {
            return;
        };
        for e in entries.filter_map(Result::ok) {
            let stale = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > WEEK);
            let ours = e
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with("lint-"));
            if stale && ours {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}
