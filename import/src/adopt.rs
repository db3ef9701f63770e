//! The model as read from the catalogs into the declaration the written code makes: a
//! plain literal default loses the cast PostgreSQL adds to it (`'active'::core.status`
//! becomes `'active'`, written `.default_value("active")`), and what no declaration can
//! hold is taken out and reported.

use crate::leftover::Leftover;
use ddl::model::column::Column;
use ddl::model::constraint::Deferrable;
use ddl::model::database::Database;
use ddl::model::expr::{SqlExpr, quote_literal};
use ddl::model::privilege::{DefaultObjects, GrantTarget};
use ddl::model::types::ColumnType;

/// Rewrites `db` in place; returns what was taken out.
pub fn adopt(db: &mut Database) -> Vec<Leftover> {
    let mut left = Vec::new();
    // Raw SQL objects are never read from a database; a model that has some (not one
    // `introspect` made) keeps them out of the written code.
    for r in db.raws.drain(..) {
        left.push(Leftover::new(
            "raw object",
            r.name,
            "raw SQL objects are declared by hand, not imported",
        ));
    }
    covered_by_default_privileges(db);
    for t in &mut db.tables {
        let table = t.name.to_string();
        for c in &mut t.columns {
            adopt_default(c);
        }
        for c in &mut t.checks {
            c.expr = SqlExpr(array_casts(c.expr.as_str()));
        }
        for i in &mut t.indexes {
            if let Some(p) = &mut i.predicate {
                *p = SqlExpr(array_casts(p.as_str()));
            }
        }
        for p in &mut t.policies {
            for e in [&mut p.using, &mut p.with_check].into_iter().flatten() {
                *e = SqlExpr(array_casts(e.as_str()));
            }
        }
        for e in &mut t.exclusions {
            if let Some(p) = &mut e.predicate {
                *p = SqlExpr(array_casts(p.as_str()));
            }
            if e.deferrable == Deferrable::InitiallyImmediate {
                e.deferrable = Deferrable::No;
                left.push(Leftover::new(
                    "constraint setting",
                    format!("{table}.{}", e.name),
                    "an exclusion constraint DEFERRABLE INITIALLY IMMEDIATE has no builder (written not deferrable)",
                ));
            }
        }
        if t.rls.forced && !t.rls.enabled {
            t.rls.forced = false;
            left.push(Leftover::new(
                "table setting",
                &table,
                "FORCE ROW LEVEL SECURITY without ENABLE has no builder (it has no effect until RLS is enabled)",
            ));
        }
    }
    left
}

/// A privilege that default privileges (without `FOR ROLE`) give in the grant's schema is
/// stored on the object like a grant, and read back as one; the declaration has it through
/// the default privileges (whose migration grants it on existing objects too), and declaring
/// it twice is `grant-invalid-privilege`. Such privileges are taken out of the grants (a
/// grant left with none goes).
fn covered_by_default_privileges(db: &mut Database) {
    let defaults = &db.default_privileges;
    db.grants.retain_mut(|g| {
        let (schema, kind) = match &g.on {
            GrantTarget::Table(q) => (&q.schema, DefaultObjects::Tables),
            GrantTarget::Sequence(q) => (&q.schema, DefaultObjects::Sequences),
            GrantTarget::Function(q) => (&q.schema, DefaultObjects::Functions),
            GrantTarget::Schema(_) | GrantTarget::Type(_) => return true,
        };
        for d in defaults.iter().filter(|d| {
            d.for_role.is_none() && d.to == g.to && d.objects == kind && &d.schema == schema
        }) {
            g.privileges.retain(|p| !d.privileges.contains(p));
        }
        !g.privileges.is_empty()
    });
}

fn adopt_default(c: &mut Column) {
    let Some(d) = &c.default else {
        return;
    };
    let text = d.as_str();
    // A `nextval(..)` default stays as it is: serial columns are folded into `.serial()` by
    // introspection, other sequences are declared with the `Sequence` they call.
    if let Some(plain) = plain_literal(text, &c.ty) {
        c.default = Some(SqlExpr(plain));
    }
}

/// `'text'::type` with the column's own type: the literal alone, as `default_value`
/// writes it. Also `'-1'::integer` on an integer column.
fn plain_literal(text: &str, ty: &ColumnType) -> Option<String> {
    let (value, rest) = parse_string(text)?;
    let cast = rest.strip_prefix("::")?;
    let base = |s: &str| s.split('(').next().unwrap_or(s).trim().to_owned();
    let own = base(&ty.catalog_name());
    let matches_type = match ty {
        ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Citext => base(cast) == own,
        ColumnType::Char(_) => cast == "bpchar" || base(cast) == own,
        ColumnType::Enum(q) => cast == q.to_string() || (q.schema == "public" && cast == q.name),
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => {
            return (base(cast) == own && value.parse::<i64>().is_ok()).then_some(value);
        }
        _ => false,
    };
    matches_type.then(|| quote_literal(&value))
}

/// `col IN ('a', 'b')` on a varchar column is stored as one cast of the whole array
/// (`ArrayCoerceExpr`), which `introspect` reads in its fixed-point spelling
/// `ARRAY['a'::character varying::text, ...]`; that text parses back as one cast per
/// element: the same check, but another catalog entry and another `pg_dump`. Written as
/// `ARRAY['a'::character varying, ...]::character varying[]::text[]` it parses back to
/// the array cast the database has (a database whose array really has one cast per
/// element, rare, comes back with the array cast: the same values).
pub(crate) fn array_casts(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut rest = expr;
    while let Some(at) = find_outside_quotes(rest, "ARRAY[") {
        out.push_str(&rest[..at + 6]);
        rest = &rest[at + 6..];
        let Some(end) = closing_bracket(rest) else {
            break;
        };
        let inner = &rest[..end];
        match recast(inner) {
            Some((elements, from, to)) => {
                out.push_str(&elements);
                out.push_str(&format!("]::{from}[]::{to}[]"));
            }
            None => {
                out.push_str(inner);
                out.push(']');
            }
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn find_outside_quotes(s: &str, needle: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        if c == '\'' {
            quoted = !quoted;
        } else if !quoted && s[i..].starts_with(needle) {
            return Some(i);
        }
    }
    None
}

/// The index of the `]` closing an `ARRAY[` whose contents start `s`.
fn closing_bracket(s: &str) -> Option<usize> {
    let (mut depth, mut quoted) = (0usize, false);
    for (i, c) in s.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '[' | '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            ']' if !quoted => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

/// Elements that all are `<literal>::<a>::<b>` with the same `<a>` and `<b>`: the
/// elements with `::<b>` taken off, `<a>` and `<b>`.
fn recast(inner: &str) -> Option<(String, String, String)> {
    let mut elements = Vec::new();
    let (mut depth, mut quoted, mut start) = (0usize, false, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' | '[' if !quoted => depth += 1,
            ')' | ']' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                elements.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    elements.push(inner[start..].trim());
    let type_name =
        |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_lowercase() || c == ' ');
    let mut types: Option<(&str, &str)> = None;
    let mut heads = Vec::new();
    for e in &elements {
        let (head, last) = e.rsplit_once("::")?;
        let (literal, first) = head.rsplit_once("::")?;
        let plain = literal.starts_with('\'') && literal.ends_with('\'') && literal.len() > 1;
        if !plain
            || !type_name(last)
            || !type_name(first)
            || types.is_some_and(|t| t != (first, last))
        {
            return None;
        }
        types = Some((first, last));
        heads.push(head);
    }
    let (first, last) = types?;
    Some((heads.join(", "), first.to_owned(), last.to_owned()))
}

/// A quoted SQL string at the start of `text` (`'it''s'`, `E'a\\b'`): its value and what
/// follows it.
pub(crate) fn parse_string(text: &str) -> Option<(String, &str)> {
    let (escaped, body) = match text.strip_prefix("E'") {
        Some(b) => (true, b),
        None => (false, text.strip_prefix('\'')?),
    };
    let mut out = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => {
                if chars.peek().map(|p| p.1) == Some('\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return Some((out, &body[i + 1..]));
                }
            }
            '\\' if escaped => match chars.next() {
                Some((_, '\\')) => out.push('\\'),
                Some((_, '\'')) => out.push('\''),
                // Other escapes (\n, \t, octal) are left to the raw default.
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use ddl::model::names::QName;

    #[test]
    fn casts_of_plain_literals_to_the_column_type_are_dropped() {
        let e = ColumnType::Enum(QName::new("core", "status"));
        assert_eq!(
            plain_literal("'active'::core.status", &e).as_deref(),
            Some("'active'")
        );
        assert_eq!(
            plain_literal("'it''s'::text", &ColumnType::Text).as_deref(),
            Some("'it''s'")
        );
        assert_eq!(
            plain_literal("'x'::character varying", &ColumnType::Varchar(Some(3))).as_deref(),
            Some("'x'")
        );
        assert_eq!(
            plain_literal("'-1'::integer", &ColumnType::Integer).as_deref(),
            Some("-1")
        );
        assert_eq!(plain_literal("'{}'::jsonb", &ColumnType::Jsonb), None);
        assert_eq!(
            array_casts(
                "s::text = ANY (ARRAY['a'::character varying::text, 'b, c'::character varying::text])"
            ),
            "s::text = ANY (ARRAY['a'::character varying, 'b, c'::character varying]::character varying[]::text[])"
        );
        assert_eq!(
            array_casts("x = ANY (ARRAY[1, 2])"),
            "x = ANY (ARRAY[1, 2])"
        );
        assert_eq!(
            array_casts("x = ANY (ARRAY['a'::text])"),
            "x = ANY (ARRAY['a'::text])"
        );
        assert_eq!(plain_literal("'a'::text", &ColumnType::Jsonb), None);
        assert_eq!(
            plain_literal("E'a\\\\b'::text", &ColumnType::Text).as_deref(),
            Some("E'a\\\\b'")
        );
    }
}
