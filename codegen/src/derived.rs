//! Files derived from the declaration alone: the SeaORM entities (`entities/src/`) and the
//! schema diagrams (`docs/schema/`). Codegen owns every file in those directories: it
//! writes what changed, removes what no longer belongs, and `--check` reports a file that
//! is stale, missing, extra or edited by hand.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A directory codegen owns, with the files it must hold (paths relative to it).
#[derive(Debug)]
pub struct Tree {
    pub root: PathBuf,
    /// Which files of the directory are codegen's (`rs`, `md`).
    pub extension: &'static str,
    pub files: BTreeMap<String, String>,
}

/// How a tree on disk differs from what it must hold.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    pub stale: Vec<String>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }

    pub fn lines(&self, root: &Path) -> Vec<String> {
        let at = |f: &String| root.join(f).display().to_string();
        let mut out = Vec::new();
        out.extend(self.stale.iter().map(|f| format!("{} differs from what the declaration generates (edited by hand, or the declaration changed)", at(f))));
        out.extend(self.missing.iter().map(|f| format!("{} is missing", at(f))));
        out.extend(self.extra.iter().map(|f| {
            format!(
                "{} is not generated from the declaration (extra file)",
                at(f)
            )
        }));
        out
    }
}

impl Tree {
    /// The tree's files on disk (with the tree's extension), relative paths in `/` form.
    fn on_disk(&self) -> Result<BTreeMap<String, PathBuf>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry
                    .with_context(|| format!("reading {}", dir.display()))?
                    .path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == self.extension)
                    && let Ok(rel) = path.strip_prefix(&self.root)
                {
                    let rel = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/");
                    out.insert(rel, path.clone());
                }
            }
        }
        Ok(out)
    }

    pub fn drift(&self) -> Result<Drift> {
        let disk = self.on_disk()?;
        let mut d = Drift::default();
        for (rel, text) in &self.files {
            match disk.get(rel) {
                None => d.missing.push(rel.clone()),
                Some(p) => {
                    let current = std::fs::read_to_string(p).unwrap_or_default();
                    if current != *text {
                        d.stale.push(rel.clone());
                    }
                }
            }
        }
        d.extra = disk
            .keys()
            .filter(|k| !self.files.contains_key(*k))
            .cloned()
            .collect();
        Ok(d)
    }

    /// Brings the directory in line; returns how many files changed.
    pub fn write(&self) -> Result<usize> {
        let d = self.drift()?;
        for rel in d.stale.iter().chain(&d.missing) {
            let path = self.root.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            let tmp = path.with_extension(format!("{}.tmp", self.extension));
            std::fs::write(&tmp, &self.files[rel])
                .with_context(|| format!("writing {}", tmp.display()))?;
            std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
        }
        for rel in &d.extra {
            let path = self.root.join(rel);
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            // A schema that went away leaves an empty directory behind.
            if let Some(parent) = path.parent()
                && parent != self.root
            {
                let _ = std::fs::remove_dir(parent);
            }
        }
        Ok(d.stale.len() + d.missing.len() + d.extra.len())
    }
}
