//! Sequences (and serial columns: a sequence owned by its column, named as PostgreSQL
//! names it, with default options, whose `nextval` is the column's default), domains,
//! composite types and range types.

use ddl::model::composite::{CompositeType, Field, RangeType};
use ddl::model::database::Database;
use ddl::model::domain::{Domain, DomainCheck};
use ddl::model::expr::SqlExpr;
use ddl::model::names::{Origin, QName};
use ddl::model::sequence::{Sequence, nextval_names, serial_sequence};
use ddl::model::types::ColumnType;
use sea_orm_migration::sea_orm::sqlx;
use serde::Deserialize;
use sqlx::postgres::PgConnection;

use super::types::{column_type, fixpoint_expr};
use crate::Error;
use crate::catalog as cat;

const NS: &str = "ns AS (SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY($1))";

fn wrap(select: &str) -> String {
    format!("WITH {NS} SELECT coalesce(json_agg(r), '[]')::text FROM ({select}) r")
}

/// A type (by oid and typmod expressions) as the fields `column_type` reads.
fn type_info(oid: &str, typmod: &str) -> String {
    format!(
        "(SELECT json_build_object('ty', format_type(ti.oid, {typmod}), 'is_array', ti.typcategory = 'A', \
           'base_kind', tb.typtype::text, 'base_schema', tbn.nspname, 'base_name', tb.typname, \
           'base_extension', (SELECT te.extname FROM pg_depend td JOIN pg_extension te ON te.oid = td.refobjid \
              WHERE td.classid = 'pg_type'::regclass AND td.objid = tb.oid AND td.deptype = 'e' LIMIT 1)) \
         FROM pg_type ti JOIN pg_type tb ON tb.oid = CASE WHEN ti.typcategory = 'A' THEN ti.typelem ELSE ti.oid END \
         JOIN pg_namespace tbn ON tbn.oid = tb.typnamespace WHERE ti.oid = {oid})"
    )
}

#[derive(Debug, Deserialize)]
struct TypeInfo {
    ty: String,
    is_array: bool,
    base_kind: String,
    base_schema: String,
    base_name: String,
    base_extension: Option<String>,
}

impl TypeInfo {
    fn column_type(self) -> ColumnType {
        column_type(&cat::ColumnRow {
            rel: 0,
            num: 0,
            name: String::new(),
            ty: self.ty,
            not_null: false,
            identity: String::new(),
            generated: String::new(),
            expr: None,
            comment: None,
            collation: None,
            is_array: self.is_array,
            base_kind: self.base_kind,
            base_schema: self.base_schema,
            base_name: self.base_name,
            base_extension: self.base_extension,
            collated: false,
        })
    }
}

fn sequences_sql() -> String {
    wrap(
        "SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS ty, \
           s.seqstart AS start, s.seqincrement AS increment, s.seqmin AS min, s.seqmax AS max, \
           s.seqcache AS cache, s.seqcycle AS cycle, obj_description(c.oid, 'pg_class') AS comment, \
           tn.nspname AS owner_schema, t.relname AS owner_table, a.attname AS owner_column \
         FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN ns n ON n.oid = c.relnamespace \
         LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid \
              AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' \
         LEFT JOIN pg_class t ON t.oid = d.refobjid LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace \
         LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid \
         WHERE NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_class'::regclass AND i.objid = c.oid AND i.deptype IN ('i', 'e')) \
         ORDER BY 1, 2",
    )
}

#[derive(Debug, Deserialize)]
struct SequenceRow {
    schema: String,
    name: String,
    ty: String,
    start: i64,
    increment: i64,
    min: i64,
    max: i64,
    cache: i64,
    cycle: bool,
    comment: Option<String>,
    owner_schema: Option<String>,
    owner_table: Option<String>,
    owner_column: Option<String>,
}

fn domains_sql() -> String {
    wrap(&format!(
        "SELECT n.nspname AS schema, t.typname AS name, {base} AS base, t.typnotnull AS not_null, \
           pg_get_expr(t.typdefaultbin, 0, true) AS default_expr, \
           CASE WHEN t.typcollation <> b.typcollation THEN (SELECT collname FROM pg_collation WHERE oid = t.typcollation) END AS collation, \
           coalesce((SELECT json_agg(json_build_object('name', c.conname, 'expr', pg_get_expr(c.conbin, 0, true)) ORDER BY c.conname) \
              FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'), '[]') AS checks, \
           obj_description(t.oid, 'pg_type') AS comment \
         FROM pg_type t JOIN ns n ON n.oid = t.typnamespace JOIN pg_type b ON b.oid = t.typbasetype \
         WHERE t.typtype = 'd' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e') \
         ORDER BY 1, 2",
        base = type_info("t.typbasetype", "t.typtypmod"),
    ))
}

#[derive(Debug, Deserialize)]
struct CheckRow {
    name: String,
    expr: String,
}

#[derive(Debug, Deserialize)]
struct DomainRow {
    schema: String,
    name: String,
    base: TypeInfo,
    not_null: bool,
    default_expr: Option<String>,
    collation: Option<String>,
    checks: Vec<CheckRow>,
    comment: Option<String>,
}

fn composites_sql() -> String {
    wrap(&format!(
        "SELECT n.nspname AS schema, t.typname AS name, obj_description(t.oid, 'pg_type') AS comment, \
           coalesce((SELECT json_agg(json_build_object('name', a.attname, 'ty', {ty}) ORDER BY a.attnum) \
              FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS fields \
         FROM pg_type t JOIN ns n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c' \
         WHERE t.typtype = 'c' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e') \
         ORDER BY 1, 2",
        ty = type_info("a.atttypid", "a.atttypmod"),
    ))
}

#[derive(Debug, Deserialize)]
struct FieldRow {
    name: String,
    ty: TypeInfo,
}

#[derive(Debug, Deserialize)]
struct CompositeRow {
    schema: String,
    name: String,
    comment: Option<String>,
    fields: Vec<FieldRow>,
}

fn ranges_sql() -> String {
    wrap(&format!(
        "SELECT n.nspname AS schema, t.typname AS name, obj_description(t.oid, 'pg_type') AS comment, {sub} AS subtype \
         FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN ns n ON n.oid = t.typnamespace \
         WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e') \
         ORDER BY 1, 2",
        sub = type_info("r.rngsubtype", "-1"),
    ))
}

#[derive(Debug, Deserialize)]
struct RangeRow {
    schema: String,
    name: String,
    comment: Option<String>,
    subtype: TypeInfo,
}

/// Reads these kinds into `db`, after its tables and columns (serial columns are
/// recognised on them).
pub(super) async fn add(
    conn: &mut PgConnection,
    target: &str,
    db: &mut Database,
    schemas: &[String],
) -> Result<(), Error> {
    let sequences: Vec<SequenceRow> =
        super::fetch(conn, "sequences", target, sequences_sql(), schemas).await?;
    let domains: Vec<DomainRow> =
        super::fetch(conn, "domains", target, domains_sql(), schemas).await?;
    let composites: Vec<CompositeRow> =
        super::fetch(conn, "composite types", target, composites_sql(), schemas).await?;
    let ranges: Vec<RangeRow> =
        super::fetch(conn, "range types", target, ranges_sql(), schemas).await?;
    for s in sequences {
        add_sequence(db, s);
    }
    for d in domains {
        db.domains.push(Domain {
            name: QName::new(d.schema, d.name),
            base: d.base.column_type(),
            collation: d.collation,
            default: d.default_expr.as_deref().map(fixpoint_expr).map(SqlExpr),
            not_null: d.not_null,
            checks: d
                .checks
                .into_iter()
                .map(|c| DomainCheck {
                    name: c.name,
                    expr: SqlExpr(fixpoint_expr(&c.expr)),
                    origin: Origin::default(),
                })
                .collect(),
            comment: d.comment,
            renamed_from: Default::default(),
            origin: Origin::default(),
        });
    }
    for c in composites {
        db.composites.push(CompositeType {
            name: QName::new(c.schema, c.name),
            fields: c
                .fields
                .into_iter()
                .map(|f| Field {
                    name: f.name,
                    ty: f.ty.column_type(),
                })
                .collect(),
            comment: c.comment,
            renamed_from: Default::default(),
            origin: Origin::default(),
        });
    }
    for r in ranges {
        db.ranges.push(RangeType {
            name: QName::new(r.schema, r.name),
            subtype: r.subtype.column_type(),
            comment: r.comment,
            renamed_from: Default::default(),
            origin: Origin::default(),
        });
    }
    Ok(())
}

fn add_sequence(db: &mut Database, s: SequenceRow) {
    let name = QName::new(&s.schema, &s.name);
    let ty = super::types::builtin_type(&s.ty);
    let mut seq = Sequence::new(ddl::model::names::SequenceRef::new("", "")).as_type(ty);
    seq.name = name.clone();
    seq.origin = Origin::default();
    // Options are kept only where they differ from PostgreSQL's defaults, as declared.
    seq.increment = (s.increment != 1).then_some(s.increment);
    let (min, max) = seq.effective_bounds();
    seq.min_value = (s.min != min).then_some(s.min);
    seq.max_value = (s.max != max).then_some(s.max);
    seq.start = (s.start != seq.effective_start()).then_some(s.start);
    seq.cache = (s.cache != 1).then_some(s.cache);
    seq.cycle = s.cycle;
    seq.comment = s.comment;
    if let (Some(os), Some(ot), Some(oc)) = (s.owner_schema, s.owner_table, s.owner_column) {
        let table = QName::new(os, ot);
        if let Some(t) = db.tables.iter_mut().find(|t| t.name == table)
            && let Some(c) = t.columns.iter_mut().find(|c| c.name == oc)
        {
            let plain = Sequence {
                name: name.clone(),
                ty: c.ty.clone(),
                start: None,
                increment: None,
                min_value: None,
                max_value: None,
                cache: None,
                cycle: false,
                owned_by: None,
                comment: None,
                renamed_from: Default::default(),
                origin: Origin::default(),
            };
            let is_own_default = c.default.as_ref().is_some_and(|d| {
                d.as_str().starts_with("nextval(")
                    && nextval_names(d.as_str()) == vec![name.clone()]
            });
            if is_own_default && serial_sequence(&table, &oc) == name && seq == plain {
                c.serial = true;
                c.default = None;
                return;
            }
        }
        seq.owned_by = Some((table, oc));
    }
    db.sequences.push(seq);
}
