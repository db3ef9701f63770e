//! Tables and what belongs to them: columns, constraints, indexes.

use std::collections::HashMap;

use ddl::model::column::{Column, Identity};
use ddl::model::constraint::{Check, Deferrable, FkAction, ForeignKey, PrimaryKey, Unique};
use ddl::model::database::Database;
use ddl::model::exclusion::{Exclusion, ExclusionElement};
use ddl::model::expr::SqlExpr;
use ddl::model::hint::RenamedFrom;
use ddl::model::index::{Index, IndexKey, IndexMethod, IndexTarget, NullsOrder, SortOrder};
use ddl::model::names::{Origin, QName};
use ddl::model::table::{Rls, Table};

use super::types::{column_type, fixpoint_expr};
use crate::catalog::{self as cat};

/// The tables in the model, by `pg_class` oid (an index into `db.tables`); relations of
/// other kinds are noted.
pub(super) fn add_tables(
    db: &mut Database,
    note: &mut dyn FnMut(&str, String, &str),
    relations: Vec<cat::RelationRow>,
) -> HashMap<i64, usize> {
    let mut by_oid: HashMap<i64, usize> = HashMap::new();
    for r in relations {
        let name = QName::new(&r.schema, &r.name);
        let kind = match r.relkind.as_str() {
            "r" if r.inherits && !r.partition => {
                note(
                    "table",
                    name.to_string(),
                    "inheriting tables are not in the model",
                );
                continue;
            }
            // Partitioned tables and partitions: see read/partitions.rs.
            "r" | "p" => "table",
            // Read with their definitions by `views.rs`.
            "v" | "m" => continue,
            // An identity column's own sequence is part of the column.
            "S" if r.owned_sequence => continue,
            // Sequences and composite types are read by `sequences_types`.
            "S" | "c" => continue,
            "f" => "foreign table",
            _ => continue,
        };
        if kind != "table" {
            note(
                kind,
                name.to_string(),
                &format!("{kind}s are not in the model"),
            );
            continue;
        }
        if r.persistence == "u" {
            note(
                "table",
                name.to_string(),
                "UNLOGGED is not in the model (compared as a logged table)",
            );
        }
        by_oid.insert(r.oid, db.tables.len());
        db.tables.push(Table {
            name,
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            checks: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            triggers: Vec::new(),
            rls: Rls {
                enabled: r.rls,
                forced: r.force_rls,
            },
            policies: Vec::new(),
            comment: r.comment,
            rows: None,
            partition_by: None,
            partition_of: None,
            exclusions: Vec::new(),
            renamed_from: RenamedFrom::default(),
            origin: Origin::default(),
        });
    }
    by_oid
}

pub(super) fn add_columns(
    db: &mut Database,
    _note: &mut dyn FnMut(&str, String, &str),
    by_oid: &HashMap<i64, usize>,
    columns: Vec<cat::ColumnRow>,
) {
    for c in columns {
        let Some(&t) = by_oid.get(&c.rel) else {
            continue;
        };
        let table = &mut db.tables[t];
        let ty = column_type(&c);
        let collation = c.collation.clone().filter(|_| c.collated);
        let mut col = Column::new(c.name, ty);
        col.collation = collation;
        col.identity = match c.identity.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        col.default = if c.generated.is_empty() {
            c.expr.as_deref().map(fixpoint_expr).map(SqlExpr)
        } else {
            None
        };
        col.generated = if c.generated == "s" {
            c.expr.as_deref().map(fixpoint_expr).map(SqlExpr)
        } else {
            None
        };
        col.nullable = !c.not_null;
        col.comment = c.comment;
        table.columns.push(col);
    }
    for table in &mut db.tables {
        for col in &mut table.columns {
            col.origin = Origin::default();
        }
    }
}

pub(super) fn add_constraints(
    db: &mut Database,
    note: &mut dyn FnMut(&str, String, &str),
    by_oid: &HashMap<i64, usize>,
    names: &dyn Fn(i64, &[i32]) -> Vec<String>,
    constraints: Vec<cat::ConstraintRow>,
) {
    for c in constraints {
        let Some(&t) = by_oid.get(&c.rel) else {
            continue;
        };
        let table = &mut db.tables[t];
        let full = format!("{}.{}", table.name, c.name);
        let deferrable = match (c.deferrable, c.deferred) {
            (false, _) => Deferrable::No,
            (true, false) => Deferrable::InitiallyImmediate,
            (true, true) => Deferrable::InitiallyDeferred,
        };
        let comment = c.comment.clone();
        let not_valid = !c.validated;
        match c.kind.as_str() {
            "p" | "u" => {
                if c.deferrable {
                    note(
                        "constraint",
                        full.clone(),
                        "DEFERRABLE primary keys and unique constraints are not in the model (compared as not deferrable)",
                    );
                }
                if c.has_include {
                    note(
                        "constraint",
                        full.clone(),
                        "INCLUDE of a constraint is not in the model",
                    );
                }
                if c.kind == "p" {
                    table.primary_key = Some(PrimaryKey {
                        name: c.name,
                        columns: names(c.rel, &c.keys),
                        comment,
                        renamed_from: RenamedFrom::default(),
                        origin: Origin::default(),
                    });
                } else {
                    table.uniques.push(Unique {
                        name: c.name,
                        columns: names(c.rel, &c.keys),
                        nulls_not_distinct: c.nulls_not_distinct,
                        comment,
                        renamed_from: RenamedFrom::default(),
                        origin: Origin::default(),
                    });
                }
            }
            "c" => {
                if c.no_inherit {
                    note("constraint", full.clone(), "NO INHERIT is not in the model");
                }
                table.checks.push(Check {
                    name: c.name,
                    expr: SqlExpr(fixpoint_expr(&c.expr.unwrap_or_default())),
                    not_valid,
                    comment,
                    renamed_from: RenamedFrom::default(),
                    origin: Origin::default(),
                });
            }
            "f" => {
                let ref_columns = c
                    .ref_columns
                    .unwrap_or_else(|| names(c.ref_rel, &c.ref_keys));
                table.foreign_keys.push(ForeignKey {
                    name: c.name,
                    columns: names(c.rel, &c.keys),
                    ref_table: QName::new(
                        c.ref_schema.unwrap_or_default(),
                        c.ref_table.unwrap_or_default(),
                    ),
                    ref_columns,
                    on_delete: fk_action(&c.on_delete),
                    on_update: fk_action(&c.on_update),
                    deferrable,
                    add_later: false,
                    match_full: c.match_type == "f",
                    on_delete_columns: c.set_columns,
                    not_valid,
                    comment,
                    renamed_from: RenamedFrom::default(),
                    origin: Origin::default(),
                });
            }
            "x" => table.exclusions.push(exclusion(c, deferrable, comment)),
            // A constraint trigger is read with the triggers.
            _ => {}
        }
    }
}

pub(super) fn add_indexes(
    db: &mut Database,
    note: &mut dyn FnMut(&str, String, &str),
    by_oid: &HashMap<i64, usize>,
    attname: &HashMap<(i64, i32), String>,
    opclasses: &HashMap<i64, cat::OpclassRow>,
    indexes: Vec<cat::IndexRow>,
) {
    for i in indexes {
        let Some(&t) = by_oid.get(&i.rel) else {
            continue;
        };
        let table = &mut db.tables[t];
        let full = format!("{}.{}", table.name.schema, i.name);
        let method = match i.method.as_str() {
            "btree" => IndexMethod::BTree,
            "hash" => IndexMethod::Hash,
            "gin" => IndexMethod::Gin,
            "gist" => IndexMethod::Gist,
            "brin" => IndexMethod::Brin,
            "spgist" => IndexMethod::SpGist,
            other => {
                note(
                    "index",
                    full,
                    &format!("index method {other} is not in the model"),
                );
                continue;
            }
        };
        if !i.valid {
            note(
                "index",
                full.clone(),
                "INVALID (a failed concurrent build): compared as if valid",
            );
        }
        let nkey = usize::try_from(i.nkey).unwrap_or(0);
        let mut keys = Vec::new();
        let mut include = Vec::new();
        let mut exprs = i.exprs.unwrap_or_default().into_iter();
        for (n, &num) in i.keys.iter().enumerate() {
            let target = if num != 0 {
                IndexTarget::Column(attname.get(&(i.rel, num)).cloned().unwrap_or_default())
            } else {
                match exprs.next() {
                    Some(e) => IndexTarget::Expr(SqlExpr(fixpoint_expr(&e))),
                    None => continue,
                }
            };
            if n >= nkey {
                if let IndexTarget::Column(c) = target {
                    include.push(c);
                }
                continue;
            }
            let option = i.options.get(n).copied().unwrap_or(0);
            let desc = option & 1 != 0;
            let nulls_first = option & 2 != 0;
            let opclass = i
                .classes
                .get(n)
                .and_then(|oid| opclasses.get(oid))
                .filter(|o| !o.is_default)
                .map(|o| o.name.clone());
            keys.push(IndexKey {
                target,
                opclass,
                order: desc.then_some(SortOrder::Desc),
                nulls: match (desc, nulls_first) {
                    (false, true) => Some(NullsOrder::First),
                    (true, false) => Some(NullsOrder::Last),
                    _ => None,
                },
            });
        }
        table.indexes.push(Index {
            name: i.name,
            keys,
            unique: i.is_unique,
            nulls_not_distinct: i.nulls_not_distinct,
            method,
            include,
            predicate: i.predicate.as_deref().map(fixpoint_expr).map(SqlExpr),
            comment: i.comment,
            renamed_from: RenamedFrom::default(),
            origin: Origin::default(),
        });
    }
}

fn exclusion(c: cat::ConstraintRow, deferrable: Deferrable, comment: Option<String>) -> Exclusion {
    let method = match c.method.as_deref() {
        Some("btree") => IndexMethod::BTree,
        Some("hash") => IndexMethod::Hash,
        Some("spgist") => IndexMethod::SpGist,
        _ => IndexMethod::Gist,
    };
    let elements = c
        .exclusion
        .unwrap_or_default()
        .into_iter()
        .map(|(column, def, operator)| ExclusionElement {
            target: match column {
                Some(col) => IndexTarget::Column(col),
                None => IndexTarget::Expr(SqlExpr(fixpoint_expr(strip_parens(&def)))),
            },
            opclass: None,
            operator,
        })
        .collect();
    Exclusion {
        name: c.name,
        method,
        elements,
        predicate: c.predicate.as_deref().map(fixpoint_expr).map(SqlExpr),
        deferrable,
        comment,
        renamed_from: RenamedFrom::default(),
        origin: Origin::default(),
    }
}

/// `pg_get_indexdef` prints an expression key in parentheses.
fn strip_parens(def: &str) -> &str {
    def.strip_prefix('(')
        .and_then(|d| d.strip_suffix(')'))
        .unwrap_or(def)
}

fn fk_action(letter: &str) -> FkAction {
    match letter {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}
