//! Runs the rules over files: parsing, ignore comments, and the state that rules share
//! across statements and files.

mod context;
mod ignores;
mod state;
mod syntax;

use crate::Finding;
use crate::rules::{self, Rule};
use crate::source::{self, Source};

pub(crate) use context::Cx;
use context::{Site, Sites, finding};
use state::{FileState, State, record};

/// What [`Linter::checkpoint`] keeps: the facts and the names of the files linted.
#[derive(serde::Deserialize)]
struct Checkpoint {
    version: u64,
    state: State,
    files: Vec<(String, bool)>,
}

#[derive(serde::Serialize)]
struct CheckpointRef<'a> {
    version: u64,
    state: &'a State,
    files: &'a [(String, bool)],
}

/// What the recorded facts mean is `state.rs`: a checkpoint made by a build with another
/// `state.rs` is not resumed (its hash, computed at compile time, is the version).
const CHECKPOINT_VERSION: u64 = fnv1a(include_bytes!("engine/state.rs"));

const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

/// Lints files in order as one set. A table is *new* (no lock or rewrite worth reporting)
/// when an earlier statement of the same file created it: an earlier file has normally
/// been applied, and its tables hold data, by the time a later one runs. Indexes, primary
/// keys, row-level security, policies, column types and enum values are remembered
/// across files, so a foreign key in `002` is covered by an index created in `001`.
#[derive(Debug, Default)]
pub struct Linter {
    state: State,
    files: Vec<(String, bool)>,
    findings: Vec<(usize, Finding)>,
    /// Files that came from a checkpoint: their findings are not reported again.
    resumed: usize,
}

impl Linter {
    pub fn new() -> Self {
        Self::default()
    }

    /// The facts the files linted so far left behind, as text: [`Linter::resume`] goes
    /// on after them without parsing them again (codegen keeps one for the committed
    /// migrations, which are the same from run to run). Findings are not kept: those of
    /// the checkpointed files are not reported by the resumed linter.
    pub fn checkpoint(&self) -> String {
        serde_json::to_string(&CheckpointRef {
            version: CHECKPOINT_VERSION,
            state: &self.state,
            files: &self.files,
        })
        .unwrap_or_default()
    }

    /// A linter that goes on after the files of a [`Linter::checkpoint`]; `None` when the
    /// text is not a checkpoint of this version.
    pub fn resume(checkpoint: &str) -> Option<Self> {
        let c: Checkpoint = serde_json::from_str(checkpoint).ok()?;
        (c.version == CHECKPOINT_VERSION).then(|| Self {
            state: c.state,
            resumed: c.files.len(),
            files: c.files,
            findings: Vec::new(),
        })
    }

    /// Lints one file after the ones before it.
    pub fn lint_file(&mut self, file_name: &str, text: &str) {
        let file_index = self.files.len();
        let header = source::header(file_name, text);
        self.files.push((file_name.to_owned(), header.generated));
        let src = Source::new(text);
        let mut file = FileState {
            header,
            ..FileState::default()
        };
        // A file PostgreSQL cannot parse gets one finding and leaves no facts; a large
        // file is linted batch by batch as it is parsed, so what its first batches did is
        // undone then.
        let saved = (text.len() >= crate::parse::PARALLEL_FROM)
            .then(|| (self.state.clone(), self.findings.len()));
        let mut prev_end = 0usize;
        let parsed = crate::parse::for_each_batch(text, |batch| {
            for (base, raw) in &batch {
                let start = base + usize::try_from(raw.stmt_location).unwrap_or(0);
                let end = match usize::try_from(raw.stmt_len) {
                    Ok(0) | Err(_) => text.len(),
                    Ok(len) => start + len,
                };
                let first = source::skip_trivia(text, start.max(prev_end)).min(end.max(start));
                let ignored = self.ignores(
                    file_index,
                    file_name,
                    header.generated,
                    &src,
                    prev_end,
                    first,
                );
                prev_end = end;
                let Some(node) = raw.stmt.as_ref().and_then(|n| n.node.as_ref()) else {
                    continue;
                };
                let mut cx = Cx {
                    state: &self.state,
                    file: &mut file,
                    src: &src,
                    file_index,
                    stmt_offset: first,
                    base: *base,
                    ignored: &ignored,
                    findings: &mut self.findings,
                    generated: header.generated,
                    file_name,
                };
                rules::check(node, &mut cx);
                let sites = Sites {
                    src: &src,
                    file: file_index,
                    ignored: &ignored,
                    stmt_offset: first,
                    base: *base,
                };
                record(node, &mut self.state, &mut file, &sites);
            }
            // Freeing a large tree takes a tenth of the time of parsing it: leave that to
            // a thread of its own.
            if batch.len() > 64 {
                std::thread::spawn(move || drop(batch));
            }
        });
        if let Err(e) = parsed {
            if let Some((state, findings)) = saved {
                self.state = state;
                self.findings.truncate(findings);
            }
            self.syntax_error(file_index, file_name, header.generated, &src, &e);
        }
    }

    /// The findings of the rules that need the whole set, then every finding in file and
    /// source order.
    pub fn finish(mut self) -> Vec<Finding> {
        let files = std::mem::take(&mut self.files);
        let mut deferred: Vec<(&'static Rule, Site, String)> = Vec::new();
        for fk in &self.state.foreign_keys {
            let covered = self.state.indexes.get(&fk.table).is_some_and(|list| {
                list.iter().any(|cols| {
                    cols.len() >= fk.columns.len()
                        && fk.columns.iter().all(|c| {
                            cols[..fk.columns.len()]
                                .iter()
                                .any(|k| k.as_deref() == Some(c.as_str()))
                        })
                })
            });
            if !covered {
                deferred.push((
                    &rules::FK_WITHOUT_INDEX,
                    fk.site.clone(),
                    format!(
                        "foreign key {}on {} ({}) has no index whose leading columns are its columns",
                        if fk.name.is_empty() {
                            String::new()
                        } else {
                            format!("`{}` ", fk.name)
                        },
                        fk.shown,
                        fk.columns.join(", ")
                    ),
                ));
            }
        }
        for (table, (shown, site)) in &self.state.rls {
            if !self.state.policies.contains_key(table) {
                deferred.push((
                    &rules::RLS_WITHOUT_POLICY,
                    site.clone(),
                    format!(
                        "row-level security is enabled on {shown}, but no policy is created for it: every non-owner query sees no rows"
                    ),
                ));
            }
        }
        for (table, list) in &self.state.policies {
            if self.state.created.contains(table) && !self.state.rls.contains_key(table) {
                for (policy, shown, site) in list {
                    deferred.push((
                        &rules::POLICY_WITHOUT_RLS,
                        site.clone(),
                        format!(
                            "policy `{policy}` is on {shown}, whose row-level security is never enabled: the policy filters nothing"
                        ),
                    ));
                }
            }
        }
        for (rule, site, message) in deferred {
            if site.file < self.resumed || site.ignored.iter().any(|c| c == rule.code) {
                continue;
            }
            let (name, generated) = &files[site.file];
            self.findings
                .push((site.file, finding(rule, name, *generated, &site, message)));
        }
        self.findings.sort_by(|(fa, a), (fb, b)| {
            (fa, a.line, a.column, a.code).cmp(&(fb, b.line, b.column, b.code))
        });
        self.findings.into_iter().map(|(_, f)| f).collect()
    }
}
