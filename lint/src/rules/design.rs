//! Schema shapes that make later queries, deletes or replication slow or impossible.

use pg_query::NodeEnum;
use pg_query::protobuf::ConstrType;

use super::Rule;
use crate::Severity::Warning;
use crate::ast;
use crate::engine::Cx;

const FAMILY: &str = "design";

pub const FK_WITHOUT_INDEX: Rule = Rule {
    code: "fk-without-index",
    severity: Warning,
    family: FAMILY,
    title: "A foreign key without an index on its referencing columns",
    why: "Deleting or updating a referenced row makes PostgreSQL look for referencing rows: without an index whose leading columns are the foreign key's columns, that is a sequential scan of the referencing table per row, under a lock, and joins along the key are slow too. (Checked against the indexes, primary keys and unique constraints of the linted files.)",
    alternative: "Create an index whose leading columns are the foreign key's columns (`CREATE INDEX … ON child (parent_id)`), or make them the leading columns of the primary key or a unique constraint.",
    bad: "CREATE TABLE parents (id bigint PRIMARY KEY);\nCREATE TABLE children (id bigint PRIMARY KEY, parent_id bigint REFERENCES parents (id));",
    good: "CREATE TABLE parents (id bigint PRIMARY KEY);\nCREATE TABLE children (id bigint PRIMARY KEY, parent_id bigint REFERENCES parents (id));\nCREATE INDEX idx_children_parent ON children (parent_id);",
};

pub const TABLE_WITHOUT_PRIMARY_KEY: Rule = Rule {
    code: "table-without-primary-key",
    severity: Warning,
    family: FAMILY,
    title: "A table without a primary key",
    why: "Rows cannot be addressed one by one: duplicates creep in, ORMs cannot update or delete a single row, and logical replication cannot replicate UPDATE and DELETE.",
    alternative: "Declare a primary key: an identity column, or the natural key (for a link table, the pair of foreign keys).",
    bad: "CREATE TABLE tags (name text NOT NULL);",
    good: "CREATE TABLE tags (name text PRIMARY KEY);",
};

pub(crate) fn check(stmt: &NodeEnum, cx: &mut Cx<'_>) {
    let NodeEnum::CreateStmt(c) = stmt else {
        return;
    };
    // Partitions inherit the parent's key; typed tables and inheritance children are
    // shaped elsewhere.
    if c.partbound.is_some() || c.of_typename.is_some() || !c.inh_relations.is_empty() {
        return;
    }
    let has_pk = c.table_elts.iter().any(|e| match &e.node {
        Some(NodeEnum::ColumnDef(col)) => {
            ast::column_constraints(col).any(|k| ast::is(k, ConstrType::ConstrPrimary))
        }
        Some(NodeEnum::Constraint(k)) => ast::is(k, ConstrType::ConstrPrimary),
        _ => false,
    });
    if !has_pk {
        let shown = c
            .relation
            .as_ref()
            .map(ast::table_shown)
            .unwrap_or_default();
        cx.report(
            &TABLE_WITHOUT_PRIMARY_KEY,
            -1,
            format!("table {shown} has no primary key"),
        );
    }
}
