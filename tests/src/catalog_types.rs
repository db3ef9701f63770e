//! The catalog check of sequences (declared ones and those of serial columns: options and
//! ownership through `pg_depend`), domains (base type, NOT NULL, default, CHECKs),
//! composite types (attributes in order) and range types (subtype).

use crate::catalog::normalize;
use ddl::model::database::Database;
use ddl::model::sequence::{Sequence, serial_sequence};
use pgharness::TestDb;

/// Every difference for these kinds in the schemas of `in_list` (quoted, comma-separated).
pub fn differences(db: &TestDb, decl: &Database, in_list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut sequences: Vec<Sequence> = decl.sequences.clone();
    for t in &decl.tables {
        for c in t.columns.iter().filter(|c| c.serial) {
            let mut s =
                Sequence::new(ddl::model::names::SequenceRef::new("x", "x")).as_type(c.ty.clone());
            s.name = serial_sequence(&t.name, &c.name);
            s.owned_by = Some((t.name.clone(), c.name.clone()));
            sequences.push(s);
        }
    }
    let want = sequences
        .iter()
        .map(|s| {
            let (min, max) = s.effective_bounds();
            format!(
                "{}|{}|{}|{}|{min}|{max}|{}|{}|{}",
                s.name,
                s.ty.catalog_name(),
                s.effective_start(),
                s.increment.unwrap_or(1),
                s.cache.unwrap_or(1),
                s.cycle,
                s.owned_by
                    .as_ref()
                    .map(|(t, c)| format!("{t}.{c}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    compare(
        &mut out,
        "sequences",
        want,
        db.rows(&format!(
            "SELECT n.nspname || '.' || c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
                    s.seqmin, s.seqmax, s.seqcache, s.seqcycle::text,
                    coalesce((SELECT tn.nspname || '.' || t.relname || '.' || a.attname FROM pg_depend d
                       JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
                       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a'
                        AND d.refclassid = 'pg_class'::regclass), '')
               FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname IN ({in_list})
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                AND d.objid = c.oid AND d.deptype = 'i')"
        )),
    );
    let want = decl
        .domains
        .iter()
        .map(|d| {
            let mut checks: Vec<String> = d
                .checks
                .iter()
                .map(|c| format!("{}:{}", c.name, normalize(c.expr.as_str())))
                .collect();
            checks.sort();
            format!(
                "{}|{}|{}|{}|{}",
                d.name,
                d.base.catalog_name(),
                d.not_null,
                d.default
                    .as_ref()
                    .map(|e| normalize(e.as_str()))
                    .unwrap_or_default(),
                checks.join(",")
            )
        })
        .collect();
    let got = db
        .rows(&format!(
            "SELECT n.nspname || '.' || t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull::text,
                    coalesce(pg_get_expr(t.typdefaultbin, 0), ''),
                    coalesce((SELECT string_agg(c.conname || ':' || pg_get_expr(c.conbin, 0), ',' ORDER BY c.conname)
                                FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'), '')
               FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
              WHERE t.typtype = 'd' AND n.nspname IN ({in_list})"
        ))
        .into_iter()
        .map(|mut r| {
            r[3] = normalize(&r[3]);
            r[4] = r[4]
                .split(',')
                .filter(|c| !c.is_empty())
                .map(|c| match c.split_once(':') {
                    Some((n, e)) => format!("{n}:{}", normalize(e)),
                    None => c.to_owned(),
                })
                .collect::<Vec<_>>()
                .join(",");
            r
        })
        .collect();
    compare(&mut out, "domains", want, got);
    let want = decl
        .composites
        .iter()
        .map(|c| {
            let fields: Vec<String> = c
                .fields
                .iter()
                .map(|f| format!("{}:{}", f.name, f.ty.catalog_name()))
                .collect();
            format!("{}|{}", c.name, fields.join(","))
        })
        .collect();
    compare(
        &mut out,
        "composite types",
        want,
        db.rows(&format!(
            "SELECT n.nspname || '.' || t.typname,
                    coalesce((SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod), ',' ORDER BY a.attnum)
                                FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '')
               FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
              WHERE t.typtype = 'c' AND c.relkind = 'c' AND n.nspname IN ({in_list})"
        )),
    );
    let want = decl
        .ranges
        .iter()
        .map(|r| format!("{}|{}", r.name, r.subtype.catalog_name()))
        .collect();
    compare(
        &mut out,
        "range types",
        want,
        db.rows(&format!(
            "SELECT n.nspname || '.' || t.typname, format_type(r.rngsubtype, NULL)
               FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN pg_namespace n ON n.oid = t.typnamespace
              WHERE n.nspname IN ({in_list})"
        )),
    );
    out
}

fn compare(out: &mut Vec<String>, what: &str, mut want: Vec<String>, got: Vec<Vec<String>>) {
    let mut got: Vec<String> = got.into_iter().map(|r| r.join("|")).collect();
    want.sort();
    got.sort();
    if want != got {
        out.push(format!(
            "{what}: declared {want:?}; in the database {got:?}"
        ));
    }
}
