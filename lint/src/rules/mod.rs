//! The rules, one module per family, and the registry of all of them.
//!
//! A rule's code is stable: it is what `-- lint: ignore CODE` and `--format json` name,
//! so a code is never renamed or reused.

mod design;
mod destructive;
mod locking;
mod meta;
mod rewrite;
mod security;
mod types;

pub(crate) use design::FK_WITHOUT_INDEX;
pub(crate) use meta::{IGNORE_WITHOUT_REASON, SYNTAX_ERROR, UNKNOWN_RULE_IN_IGNORE};
pub(crate) use security::{POLICY_WITHOUT_RLS, RLS_WITHOUT_POLICY};

use crate::Severity;
use crate::engine::Cx;
use pg_query::NodeEnum;

/// One rule: what it finds, why that hurts and what to write instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable kebab-case code.
    pub code: &'static str,
    pub severity: Severity,
    /// The family (module) it belongs to, for the docs.
    pub family: &'static str,
    /// One line: what the rule finds.
    pub title: &'static str,
    /// Why it is a problem.
    pub why: &'static str,
    /// What to do instead.
    pub alternative: &'static str,
    /// SQL the rule reports (for the docs; the tests check it is reported).
    pub bad: &'static str,
    /// The safe version of it (for the docs; the tests check it is not reported).
    pub good: &'static str,
}

/// Every rule, in the order of the docs.
pub static RULES: &[&Rule] = &[
    &locking::ADDING_NOT_NULL_COLUMN,
    &locking::SETTING_NOT_NULL,
    &locking::NON_CONCURRENT_INDEX,
    &locking::CONSTRAINT_WITHOUT_NOT_VALID,
    &locking::ADDING_UNIQUE_CONSTRAINT,
    &locking::MISSING_LOCK_TIMEOUT,
    &locking::CONCURRENTLY_IN_TRANSACTION,
    &locking::INDEX_WITHOUT_IF_NOT_EXISTS,
    &locking::DROPPING_INDEX_NON_CONCURRENTLY,
    &rewrite::CHANGING_COLUMN_TYPE,
    &rewrite::VARCHAR_NARROWING,
    &rewrite::ADDING_VOLATILE_DEFAULT,
    &rewrite::ADDING_GENERATED_COLUMN,
    &rewrite::REWRITING_TABLE,
    &destructive::DROPPING_COLUMN,
    &destructive::DROPPING_TABLE,
    &destructive::RENAMING_COLUMN,
    &destructive::RENAMING_TABLE,
    &destructive::REMOVING_ENUM_VALUE,
    &destructive::RENAMING_ENUM_VALUE,
    &security::POLICY_WITHOUT_RLS,
    &security::RLS_WITHOUT_POLICY,
    &security::DISABLING_RLS,
    &security::SECURITY_DEFINER_WITHOUT_SEARCH_PATH,
    &types::PREFER_IDENTITY,
    &types::PREFER_TIMESTAMPTZ,
    &types::PREFER_JSONB,
    &types::PREFER_TEXT_OVER_CHAR,
    &design::FK_WITHOUT_INDEX,
    &design::TABLE_WITHOUT_PRIMARY_KEY,
    &meta::TRANSACTION_CONTROL,
    &meta::SYNTAX_ERROR,
    &meta::IGNORE_WITHOUT_REASON,
    &meta::UNKNOWN_RULE_IN_IGNORE,
];

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code == code)
}

/// Runs every statement rule on one statement.
pub(crate) fn check(stmt: &NodeEnum, cx: &mut Cx<'_>) {
    locking::check(stmt, cx);
    rewrite::check(stmt, cx);
    destructive::check(stmt, cx);
    security::check(stmt, cx);
    types::check(stmt, cx);
    design::check(stmt, cx);
    meta::check(stmt, cx);
}
