//! Sequences, and the implicit sequences of serial columns (written as PostgreSQL itself
//! stores `serial`: the sequence, `DEFAULT nextval(...)`, and `OWNED BY` the column).

use super::{Stmt, comment_sql, type_sql};
use crate::model::column::Column;
use crate::model::sequence::{Sequence, nextval_sql, serial_sequence};
use crate::model::table::Table;
use crate::sql::ident::{ident, qname};
use std::borrow::Cow;

fn options(s: &Sequence) -> Vec<String> {
    let mut o = Vec::new();
    if let Some(n) = s.start {
        o.push(format!("START WITH {n}"));
    }
    if let Some(n) = s.increment {
        o.push(format!("INCREMENT BY {n}"));
    }
    if let Some(n) = s.min_value {
        o.push(format!("MINVALUE {n}"));
    }
    if let Some(n) = s.max_value {
        o.push(format!("MAXVALUE {n}"));
    }
    if let Some(n) = s.cache {
        o.push(format!("CACHE {n}"));
    }
    if s.cycle {
        o.push("CYCLE".into());
    }
    o
}

/// `CREATE SEQUENCE name AS type` with one option per line (`OWNED BY` is a step of its own,
/// after the table exists).
pub fn create_sequence(s: &Sequence) -> Vec<Stmt> {
    let mut sql = format!("CREATE SEQUENCE {} AS {}", qname(&s.name), type_sql(&s.ty));
    for o in options(s) {
        sql.push_str("\n    ");
        sql.push_str(&o);
    }
    sql.push(';');
    let mut out = vec![Stmt::new("sequence", s.name.to_string(), sql)];
    out.extend(sequence_comment(s, None));
    out
}

pub fn drop_sequence(s: &Sequence) -> Stmt {
    Stmt::new(
        "sequence",
        s.name.to_string(),
        format!("DROP SEQUENCE {};", qname(&s.name)),
    )
}

/// `ALTER SEQUENCE ... OWNED BY table.column`.
pub fn sequence_owned_by(s: &Sequence) -> Option<Stmt> {
    let (t, c) = s.owned_by.as_ref()?;
    Some(Stmt::new(
        "sequence",
        s.name.to_string(),
        format!(
            "ALTER SEQUENCE {} OWNED BY {}.{};",
            qname(&s.name),
            qname(t),
            ident(c)
        ),
    ))
}

/// `ALTER SEQUENCE ... OWNED BY NONE`: the sequence outlives the column again.
pub fn sequence_owned_by_none(s: &Sequence) -> Stmt {
    Stmt::new(
        "sequence",
        s.name.to_string(),
        format!("ALTER SEQUENCE {} OWNED BY NONE;", qname(&s.name)),
    )
}

pub fn sequence_comment(s: &Sequence, old: Option<&Sequence>) -> Option<Stmt> {
    (s.comment.as_ref() != old.and_then(|o| o.comment.as_ref())).then(|| {
        Stmt::new(
            "comment",
            s.name.to_string(),
            comment_sql(format!("SEQUENCE {}", qname(&s.name)), s.comment.as_ref()),
        )
    })
}

/// `ALTER SEQUENCE` for the options that changed. An option that goes back to its
/// default is written as the default (`NO MINVALUE`, `INCREMENT BY 1`). The current value
/// is never touched: `RESTART` is a data operation, not a schema change.
pub fn alter_sequence(old: &Sequence, new: &Sequence) -> Vec<Stmt> {
    let mut o = Vec::new();
    if old.ty != new.ty {
        o.push(format!("AS {}", type_sql(&new.ty)));
    }
    if old.increment != new.increment {
        o.push(format!("INCREMENT BY {}", new.increment.unwrap_or(1)));
    }
    if old.min_value != new.min_value || (old.ty != new.ty && new.min_value.is_none()) {
        o.push(
            new.min_value
                .map_or("NO MINVALUE".into(), |n| format!("MINVALUE {n}")),
        );
    }
    if old.max_value != new.max_value || (old.ty != new.ty && new.max_value.is_none()) {
        o.push(
            new.max_value
                .map_or("NO MAXVALUE".into(), |n| format!("MAXVALUE {n}")),
        );
    }
    if old.effective_start() != new.effective_start() || old.start != new.start {
        o.push(format!("START WITH {}", new.effective_start()));
    }
    if old.cache != new.cache {
        o.push(format!("CACHE {}", new.cache.unwrap_or(1)));
    }
    if old.cycle != new.cycle {
        o.push(if new.cycle { "CYCLE" } else { "NO CYCLE" }.into());
    }
    let mut out = Vec::new();
    if !o.is_empty() {
        out.push(Stmt::new(
            "sequence",
            new.name.to_string(),
            format!(
                "ALTER SEQUENCE {}\n    {};",
                qname(&new.name),
                o.join("\n    ")
            ),
        ));
    }
    out.extend(sequence_comment(new, Some(old)));
    out
}

/// The table as PostgreSQL stores it: each serial column with its `nextval` default.
pub(crate) fn expand_serials(t: &Table) -> Cow<'_, Table> {
    if !t.columns.iter().any(|c| c.serial) {
        return Cow::Borrowed(t);
    }
    let mut t = t.clone();
    for c in t.columns.iter_mut().filter(|c| c.serial) {
        c.default = Some(serial_default(&t.name, c).into());
    }
    Cow::Owned(t)
}

fn serial_default(table: &crate::model::names::QName, c: &Column) -> String {
    nextval_sql(&serial_sequence(table, &c.name))
}

fn serial_stmt(t: &Table, c: &Column, what: &str) -> Stmt {
    let seq = serial_sequence(&t.name, &c.name);
    let sql = match what {
        "create" => format!("CREATE SEQUENCE {} AS {};", qname(&seq), type_sql(&c.ty)),
        "own" => format!(
            "ALTER SEQUENCE {} OWNED BY {}.{};",
            qname(&seq),
            qname(&t.name),
            ident(&c.name)
        ),
        "type" => format!("ALTER SEQUENCE {} AS {};", qname(&seq), type_sql(&c.ty)),
        _ => format!("DROP SEQUENCE {};", qname(&seq)),
    };
    Stmt::new("sequence", seq.to_string(), sql)
}

/// Before a table is created or altered: the sequences of its new serial columns.
pub(crate) fn serials_before(old: Option<&Table>, new: &Table) -> Vec<Stmt> {
    new.columns
        .iter()
        .filter(|c| {
            c.serial
                && !old
                    .and_then(|o| o.find_column(&c.name))
                    .is_some_and(|p| p.serial)
        })
        .map(|c| serial_stmt(new, c, "create"))
        .collect()
}

/// After: new serial sequences owned by their column, a changed type followed by the
/// sequence, and the sequence of a column that stops being serial dropped (after its
/// default).
pub(crate) fn serials_after(old: Option<&Table>, new: &Table) -> Vec<Stmt> {
    let mut out = Vec::new();
    for c in &new.columns {
        let prev = old.and_then(|o| o.find_column(&c.name));
        match prev {
            Some(p) if p.serial && c.serial && p.ty != c.ty => {
                out.push(serial_stmt(new, c, "type"));
            }
            Some(p) if p.serial && c.serial => {}
            Some(p) if p.serial => out.push(serial_stmt(new, c, "drop").destructive()),
            _ if c.serial => out.push(serial_stmt(new, c, "own")),
            _ => {}
        }
    }
    out
}
