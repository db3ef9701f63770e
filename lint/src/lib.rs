//! `lint`: checks PostgreSQL migration SQL for statements that lock or rewrite busy
//! tables, destroy data, weaken row-level security or store values in types that bite
//! later.
//!
//! The SQL is parsed with PostgreSQL's own parser (`pg_query`, the `libpg_query` build of
//! the server's grammar), so anything PostgreSQL accepts is read as PostgreSQL reads it:
//! dollar quoting, function bodies, `CREATE INDEX CONCURRENTLY`, every `ALTER TABLE` form.
//!
//! - [`lint_sql`]: one file on its own.
//! - [`Linter`]: several files in order (a table created in an earlier statement of the
//!   same file is *new*; facts such as indexes, policies and column types carry over
//!   from file to file), then [`Linter::finish`] for the rules that need the whole set.
//! - [`rules::RULES`]: the registry: code, severity, title, why and the safe alternative of
//!   every rule; `docs/lint.md` is generated from it ([`docs_markdown`]).
//!
//! A statement is exempt from a rule when the comment lines right before it hold
//! `-- lint: ignore CODE reason` (several codes separated by commas); the reason is
//! required.

mod ast;
mod engine;
mod parse;
mod render;
pub mod rules;
mod source;

pub use engine::Linter;
pub use render::{docs_markdown, render_json, render_text, summary};
pub use rules::{RULES, Rule, rule};

use serde::Serialize;

/// How bad a finding is: errors fail `cli lint` (exit 1), warnings are printed only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's stable code, for example `adding-not-null-column`.
    pub code: &'static str,
    pub severity: Severity,
    pub file: String,
    /// 1-based line of the statement (or of the column definition it is about).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong here, naming the objects involved.
    pub message: String,
    /// The rule's safe alternative.
    pub help: &'static str,
    /// The text of the source line, for the rustc-style excerpt.
    #[serde(skip)]
    pub source_line: String,
    /// The file carries the `-- @generated` header (fix the declaration, not the file).
    #[serde(skip)]
    pub generated: bool,
}

/// Lints one file on its own (no earlier files): every finding, in source order.
pub fn lint_sql(file_name: &str, text: &str) -> Vec<Finding> {
    let mut linter = Linter::new();
    linter.lint_file(file_name, text);
    linter.finish()
}

/// Lints several files in order, as one set (see [`Linter`]).
pub fn lint_files<N: AsRef<str>, T: AsRef<str>>(files: &[(N, T)]) -> Vec<Finding> {
    let mut linter = Linter::new();
    for (name, text) in files {
        linter.lint_file(name.as_ref(), text.as_ref());
    }
    linter.finish()
}

/// Whether any finding is an error (`cli lint` exits 1).
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}
