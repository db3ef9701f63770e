//! Tables and what belongs to them: columns, constraints, indexes.

use std::collections::HashMap;

use ddl::model::column::{Column, Identity};
use ddl::model::constraint::{Check, Deferrable, FkAction, ForeignKey, PrimaryKey, Unique};
use ddl::model::database::Database;
use ddl::model::expr::SqlExpr;
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
            "r" if r.partition || r.inherits => {
                note(
                    "table",
                    name.to_string(),
                    "partitions and inheriting tables are not in the model",
                );
                continue;
            }
            "r" => "table",
            "p" => {
                note(
                    "table",
                    name.to_string(),
                    "partitioned tables are not in the model",
                );
                continue;
            }
            "v" => "view",
            "m" => "materialized view",
            // An identity column's own sequence is part of the column.
            "S" if r.owned_sequence => continue,
            "S" => "sequence",
            "f" => "foreign table",
            "c" => "type",
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
            origin: Origin::default(),
        });
    }
    by_oid
}

pub(super) fn add_columns(
    db: &mut Database,
    note: &mut dyn FnMut(&str, String, &str),
    by_oid: &HashMap<i64, usize>,
    columns: Vec<cat::ColumnRow>,
) {
    for c in columns {
        let Some(&t) = by_oid.get(&c.rel) else {
            continue;
        };
        let table = &mut db.tables[t];
        if c.collated {
            note(
                "column",
                format!("{}.{}", table.name, c.name),
                "the column's COLLATE is not in the model",
            );
        }
        let ty = column_type(&c);
        let mut col = Column::new(c.name, ty);
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
        if c.comment.is_some() {
            note(
                "constraint",
                full.clone(),
                "comments on constraints are not in the model",
            );
        }
        if !c.validated {
            note(
                "constraint",
                full.clone(),
                "NOT VALID: compared as if validated",
            );
        }
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
                        origin: Origin::default(),
                    });
                } else {
                    table.uniques.push(Unique {
                        name: c.name,
                        columns: names(c.rel, &c.keys),
                        nulls_not_distinct: c.nulls_not_distinct,
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
                    origin: Origin::default(),
                });
            }
            "f" => {
                if c.match_type == "f" {
                    note(
                        "constraint",
                        full.clone(),
                        "MATCH FULL is not in the model (compared as MATCH SIMPLE)",
                    );
                }
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
                    origin: Origin::default(),
                });
            }
            "x" => note(
                "constraint",
                full,
                "exclusion constraints are not in the model",
            ),
            _ => note(
                "constraint",
                full,
                "constraint triggers are not in the model",
            ),
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
        if i.comment.is_some() {
            note(
                "index",
                full.clone(),
                "comments on indexes are not in the model",
            );
        }
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
            origin: Origin::default(),
        });
    }
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
