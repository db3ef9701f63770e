//! Sequences, serial columns, domains, composite and range types: names, references,
//! bounds and the columns that use them.

use super::{Code, Ctx};
use crate::model::database::Database;
use crate::model::names::{Origin, QName};
use crate::model::sequence::{Sequence, nextval_names};
use crate::model::types::ColumnType;
use std::collections::HashSet;

/// The declared types and sequences, by name.
pub(super) struct Declared<'a> {
    pub sequences: HashSet<&'a QName>,
    pub domains: HashSet<&'a QName>,
    pub composites: HashSet<&'a QName>,
    pub ranges: HashSet<&'a QName>,
}

impl<'a> Declared<'a> {
    pub fn new(db: &'a Database) -> Self {
        Self {
            sequences: db.sequences.iter().map(|s| &s.name).collect(),
            domains: db.domains.iter().map(|d| &d.name).collect(),
            composites: db.composites.iter().map(|c| &c.name).collect(),
            ranges: db.ranges.iter().map(|r| &r.name).collect(),
        }
    }

    /// A type used by `object` that names an undeclared domain, composite or range type.
    pub fn type_ref(&self, cx: &mut Ctx<'_>, object: &str, ty: &ColumnType, origin: Origin) {
        let Some((kind, q)) = ty.user_type() else {
            return;
        };
        let (set, code, what, builder) = match kind {
            9 => (&self.domains, Code::UnknownDomain, "domain", "Domain::new"),
            10 => (
                &self.composites,
                Code::UnknownCompositeType,
                "composite type",
                "CompositeType::new",
            ),
            _ => (
                &self.ranges,
                Code::UnknownRangeType,
                "range type",
                "RangeType::new",
            ),
        };
        if !set.contains(q) {
            cx.push(
                code,
                object,
                origin,
                format!("the type {q} is not a declared {what}"),
                format!("declare {builder}({q}, ..) in its schema module (Database::{}), or fix the name", match kind {
                    9 => "domain",
                    10 => "composite",
                    _ => "range",
                }),
            );
        }
    }
}

pub(super) fn check(db: &Database, cx: &mut Ctx<'_>, seen: &mut HashSet<(&'static str, String)>) {
    let declared = Declared::new(db);
    for s in &db.sequences {
        let n = super::qualified(cx, seen, "sequence", &s.name, s.origin);
        sequence(s, &n, cx);
    }
    for d in &db.domains {
        let n = super::qualified(cx, seen, "type", &d.name, d.origin);
        if d.base.user_type().is_some_and(|(_, q)| *q == d.name) {
            cx.push(
                Code::DependencyCycle,
                &n,
                d.origin,
                "the domain is declared over itself",
                "give the domain a base type of its own",
            );
        }
        declared.type_ref(cx, &n, &d.base, d.origin);
        enum_ref(cx, &n, &d.base, d.origin);
        let mut names = HashSet::new();
        for c in &d.checks {
            cx.name("check constraint", &n, &c.name, c.origin);
            if !names.insert(c.name.as_str()) {
                cx.push(
                    Code::DuplicateConstraint,
                    &n,
                    c.origin,
                    format!("the domain has two CHECKs named {}", c.name),
                    "give each CHECK of the domain its own name",
                );
            }
            cx.expr_calls("check", &n, &c.expr, c.origin);
        }
        if let Some(e) = &d.default {
            cx.expr_calls("default", &n, e, d.origin);
        }
    }
    for c in &db.composites {
        let n = super::qualified(cx, seen, "type", &c.name, c.origin);
        if c.fields.is_empty() {
            cx.push(
                Code::CompositeWithoutFields,
                &n,
                c.origin,
                "the composite type has no fields",
                "add fields with .field(\"name\", TYPE)",
            );
        }
        let mut names = HashSet::new();
        for f in &c.fields {
            cx.name("field", &n, &f.name, c.origin);
            if !names.insert(f.name.as_str()) {
                cx.push(
                    Code::DuplicateColumn,
                    &n,
                    c.origin,
                    format!("the composite type has two fields named {}", f.name),
                    "remove one of the two fields, or rename one",
                );
            }
            if f.ty.user_type().is_some_and(|(_, q)| *q == c.name) {
                cx.push(
                    Code::DependencyCycle,
                    &n,
                    c.origin,
                    format!("field {} has the composite type itself", f.name),
                    "PostgreSQL cannot store a type inside itself; use an array of ids or jsonb",
                );
            }
            declared.type_ref(cx, &n, &f.ty, c.origin);
            enum_ref(cx, &n, &f.ty, c.origin);
        }
    }
    // Tables have a row type of the same name, and sequences are relations like tables.
    let tables: HashSet<(&str, &str)> = db
        .tables
        .iter()
        .map(|t| (t.name.schema.as_str(), t.name.name.as_str()))
        .collect();
    let types = db
        .domains
        .iter()
        .map(|d| (&d.name, d.origin, "type"))
        .chain(db.composites.iter().map(|c| (&c.name, c.origin, "type")))
        .chain(db.ranges.iter().map(|r| (&r.name, r.origin, "type")))
        .chain(db.sequences.iter().map(|s| (&s.name, s.origin, "sequence")));
    for (q, origin, kind) in types {
        if tables.contains(&(q.schema.as_str(), q.name.as_str())) {
            cx.push(
                Code::DuplicateObject,
                q.to_string(),
                origin,
                format!("{kind} {q} has the name of a table of schema {}", q.schema),
                format!("give the {kind} or the table another name"),
            );
        }
    }
    for r in &db.ranges {
        let n = super::qualified(cx, seen, "type", &r.name, r.origin);
        declared.type_ref(cx, &n, &r.subtype, r.origin);
        enum_ref(cx, &n, &r.subtype, r.origin);
    }
}

fn enum_ref(cx: &mut Ctx<'_>, object: &str, ty: &ColumnType, origin: Origin) {
    if let Some(q) = ty.enum_name()
        && !cx.enums.contains(q)
    {
        cx.push(
            Code::UnknownEnum,
            object,
            origin,
            format!("the type {q} is not a declared enum"),
            format!("declare EnumType::new({q}, [...]) in its schema module"),
        );
    }
}

fn sequence(s: &Sequence, n: &str, cx: &mut Ctx<'_>) {
    if !s.ty.is_integer() {
        cx.push(
            Code::SequenceNotInteger,
            n,
            s.origin,
            format!(
                "a sequence is smallint, integer or bigint, not {}",
                s.ty.catalog_name()
            ),
            "use .as_type(SMALLINT), .as_type(INT) or leave the default bigint",
        );
        return;
    }
    let (min, max) = s.effective_bounds();
    let start = s.effective_start();
    let (lowest, highest) = match s.ty {
        ColumnType::SmallInt => (i64::from(i16::MIN), i64::from(i16::MAX)),
        ColumnType::Integer => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    let problem = if s.increment == Some(0) {
        Some("the increment is 0".to_owned())
    } else if min >= max {
        Some(format!("the minimum {min} is not below the maximum {max}"))
    } else if min < lowest || max > highest {
        Some(format!(
            "the bounds {min}..{max} do not fit in {}",
            s.ty.catalog_name()
        ))
    } else if start < min || start > max {
        Some(format!("the start {start} is outside {min}..{max}"))
    } else if s.cache.is_some_and(|c| c < 1) {
        Some("the cache is below 1".to_owned())
    } else {
        None
    };
    if let Some(problem) = problem {
        cx.push(
            Code::SequenceBadBounds,
            n,
            s.origin,
            format!("PostgreSQL refuses this sequence: {problem}"),
            "fix .start/.increment/.min_value/.max_value/.cache so that min < max and min <= start <= max",
        );
    }
    if let Some((t, c)) = &s.owned_by {
        let found = cx.tables.get(t).map(|t| t.find_column(c).is_some());
        if found != Some(true) {
            cx.push(
                Code::SequenceOwnerMissing,
                n,
                s.origin,
                match found {
                    None => {
                        format!("the sequence is OWNED BY {t}.{c}, and table {t} is not declared")
                    }
                    Some(_) => {
                        format!("the sequence is OWNED BY {t}.{c}, and {t} has no column {c}")
                    }
                },
                "fix the table or column in .owned_by(..), or declare it",
            );
        }
        if t.schema != s.name.schema {
            cx.push(
                Code::SequenceOwnerMissing,
                n,
                s.origin,
                format!("the sequence is in schema {}, and its owner {t} in {}; PostgreSQL requires the same schema", s.name.schema, t.schema),
                "move the sequence to the table's schema, or drop .owned_by(..)",
            );
        }
    }
}

/// A column: its domain, composite or range type, its serial shape, and the sequences
/// its default calls `nextval` on.
pub(super) fn column(
    declared: &Declared<'_>,
    cx: &mut Ctx<'_>,
    table: &QName,
    c: &crate::model::column::Column,
) {
    let cn = format!("{table}.{}", c.name);
    declared.type_ref(cx, &cn, &c.ty, c.origin);
    if c.serial {
        if !c.ty.is_integer() {
            cx.push(
                Code::SerialNotInteger,
                &cn,
                c.origin,
                format!(
                    "a serial column is smallint, integer or bigint, not {}",
                    c.ty.catalog_name()
                ),
                "declare it col(name, INT).serial() (serial), BIGINT (bigserial) or SMALLINT (smallserial)",
            );
        }
        let other = [
            (c.default.is_some(), "a default"),
            (c.identity.is_some(), "an identity"),
            (c.generated.is_some(), "a generation expression"),
        ]
        .into_iter()
        .find(|(yes, _)| *yes);
        if let Some((_, what)) = other {
            cx.push(
                Code::SerialWithDefault,
                &cn,
                c.origin,
                format!("a serial column's default is its sequence's nextval, and this one also has {what}"),
                "keep .serial() or the other, not both (for new tables prefer .identity())",
            );
        }
    }
    for q in c.default.iter().flat_map(|d| nextval_names(d.as_str())) {
        let declared_schema = q.schema == "public" || cx.schemas.contains(q.schema.as_str());
        if declared_schema && !declared.sequences.contains(&q) {
            cx.push(
                Code::UnknownSequence,
                &cn,
                c.origin,
                format!("the default calls nextval on {q}, which is not a declared sequence"),
                format!("declare Sequence::new({q}) (Database::sequence), or use a serial column"),
            );
        }
    }
}
