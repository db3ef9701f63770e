//! The file itself: parse errors, transaction control, and the ignore comments.

use pg_query::NodeEnum;

use super::Rule;
use crate::Severity::{Error, Warning};
use crate::engine::Cx;

const FAMILY: &str = "meta";

pub const TRANSACTION_CONTROL: Rule = Rule {
    code: "transaction-control",
    severity: Error,
    family: FAMILY,
    title: "`BEGIN`, `COMMIT`, `ROLLBACK` or `SAVEPOINT` in a migration",
    why: "The runner wraps each migration file in one transaction together with its history row (or runs it statement by statement with `-- @transaction: none`): a COMMIT inside the file ends that transaction early, so a later failure leaves a half-applied migration that the history says is not applied. The runner refuses such files.",
    alternative: "Remove the transaction statements; split the work into several migrations, or use `-- @transaction: none` for statements that cannot run in a transaction.",
    bad: "-- @generated\nBEGIN;\nCREATE TABLE tags (name text PRIMARY KEY);\nCOMMIT;",
    good: "-- @generated\nCREATE TABLE tags (name text PRIMARY KEY);",
};

pub const SYNTAX_ERROR: Rule = Rule {
    code: "syntax-error",
    severity: Error,
    family: FAMILY,
    title: "SQL that PostgreSQL cannot parse",
    why: "PostgreSQL would refuse the file when the migration runs. No other rule is checked on a file that does not parse.",
    alternative: "Fix the statement the finding points at (the linter uses PostgreSQL's own parser, so what it rejects, the server rejects).",
    bad: "CREATE TABLE tags (name text PRIMARY KEY;",
    good: "CREATE TABLE tags (name text PRIMARY KEY);",
};

pub const IGNORE_WITHOUT_REASON: Rule = Rule {
    code: "ignore-without-reason",
    severity: Error,
    family: FAMILY,
    title: "A `-- lint: ignore` comment without a reason (or without a code)",
    why: "An exemption nobody can judge later is a silent one: the reason is what a reviewer checks. Such a comment exempts nothing.",
    alternative: "`-- lint: ignore CODE the reason it is safe here` (several codes separated by commas), on the comment line(s) right before the statement.",
    bad: "-- lint: ignore dropping-table\nDROP TABLE core.legacy_sessions;",
    good: "-- lint: ignore dropping-table unused since 2.4, backed up in ops ticket 1234\nDROP TABLE core.legacy_sessions;",
};

pub const UNKNOWN_RULE_IN_IGNORE: Rule = Rule {
    code: "unknown-rule-in-ignore",
    severity: Warning,
    family: FAMILY,
    title: "A `-- lint: ignore` comment naming a code no rule has",
    why: "A misspelt code exempts nothing, so the finding it was meant for still fails the lint, or a later rename hides the exemption.",
    alternative: "Use a code from this page (`cli lint` prints the code of each finding in brackets).",
    bad: "-- lint: ignore droping-table unused since 2.4\nDROP TABLE core.legacy_sessions;",
    good: "-- lint: ignore dropping-table unused since 2.4\nDROP TABLE core.legacy_sessions;",
};

pub(crate) fn check(stmt: &NodeEnum, cx: &mut Cx<'_>) {
    if let NodeEnum::TransactionStmt(t) = stmt
        && cx.file.header.migration
    {
        cx.report(
            &TRANSACTION_CONTROL,
            -1,
            format!(
                "transaction control (`{}`) in a migration: the runner manages the transaction",
                kind(t.kind)
            ),
        );
    }
}

fn kind(k: i32) -> &'static str {
    use pg_query::protobuf::TransactionStmtKind as K;
    match K::try_from(k) {
        Ok(K::TransStmtBegin | K::TransStmtStart) => "BEGIN",
        Ok(K::TransStmtCommit) => "COMMIT",
        Ok(K::TransStmtRollback | K::TransStmtRollbackTo) => "ROLLBACK",
        Ok(K::TransStmtSavepoint) => "SAVEPOINT",
        Ok(K::TransStmtRelease) => "RELEASE",
        _ => "PREPARE TRANSACTION",
    }
}
