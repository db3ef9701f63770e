//! Output: rustc-style text, JSON, and the rules page of the docs.

use std::fmt::Write as _;

use crate::rules::RULES;
use crate::{Finding, Severity};

/// Findings in the rustc/gcc style:
///
/// ```text
/// error[adding-not-null-column]: column `locale` is added to core.users as NOT NULL …
///  --> migrations/002_locale.sql:3:35
///   |
/// 3 | ALTER TABLE core.users ADD COLUMN locale text NOT NULL;
///   |                                   ^
///   = help: Add the column with a constant DEFAULT …
/// ```
pub fn render_text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let width = f.line.to_string().len();
        let pad = " ".repeat(width);
        let _ = writeln!(out, "{}[{}]: {}", f.severity, f.code, f.message);
        let _ = writeln!(out, "{pad}--> {}:{}:{}", f.file, f.line, f.column);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {}", f.line, f.source_line);
        let caret_at: String = f
            .source_line
            .chars()
            .take(f.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(out, "{pad} | {caret_at}^");
        let _ = writeln!(out, "{pad} = help: {}", f.help);
        if f.generated {
            let _ = writeln!(
                out,
                "{pad} = note: this file is generated: change the declaration it comes from (or the generator), not the file"
            );
        }
        out.push('\n');
    }
    out.push_str(&summary(findings));
    out.push('\n');
    out
}

/// `lint: 2 errors, 1 warning` (or `lint: no findings`).
pub fn summary(findings: &[Finding]) -> String {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    if findings.is_empty() {
        return "lint: no findings".to_owned();
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "lint: {}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// The findings as a JSON array of objects with `code`, `severity`, `file`, `line`,
/// `column`, `message` and `help`.
pub fn render_json(findings: &[Finding]) -> String {
    serde_json::to_string_pretty(findings).unwrap_or_else(|_| "[]".to_owned())
}

/// `docs/lint.md`, generated from the registry (a test keeps the committed file equal).
pub fn docs_markdown() -> String {
    let mut out = String::new();
    out.push_str("# Lint rules\n\n");
    out.push_str(
        "<!-- Generated from lint/src/rules by `cargo test -p lint --test docs` \
         (UPDATE_DOCS=1 rewrites it). Do not edit. -->\n\n",
    );
    out.push_str(
        "`cli lint [FILES...]` (see [cli.md](cli.md#cli-lint)) checks PostgreSQL SQL with \
         PostgreSQL's own parser (`pg_query`). Each rule has a stable code: it is what \
         `--format json` reports and what an ignore comment names. Errors make `cli lint` \
         exit 1; warnings are printed only.\n\n",
    );
    out.push_str(
        "A table is *new* when an earlier statement of the same file created it: locks and \
         rewrites on it are harmless, so the locking and rewrite rules skip it. Anything \
         else is *existing*. Indexes, primary keys, policies, row-level security, column \
         types and enum values carry over from file to file, in the order the files are \
         linted.\n\n",
    );
    out.push_str(
        "To exempt one statement, put `-- lint: ignore CODE reason` (codes separated by \
         commas) on the comment lines right before it. The reason is required: without \
         one the comment exempts nothing and is itself an error (`ignore-without-reason`).\n\n",
    );
    out.push_str("| code | severity | finds |\n| --- | --- | --- |\n");
    for r in RULES {
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} | {} |",
            r.code, r.code, r.severity, r.title
        );
    }
    let mut family = "";
    for r in RULES {
        if r.family != family {
            family = r.family;
            let _ = write!(out, "\n## Family: {family}\n");
        }
        let _ = write!(
            out,
            "\n### {}\n\n**{}**. {}\n\n**Why.** {}\n\n**Instead.** {}\n\nReported:\n\n```text\n{}\n```\n\nNot reported:\n\n```text\n{}\n```\n",
            r.code, r.severity, r.title, r.why, r.alternative, r.bad, r.good
        );
    }
    out
}
