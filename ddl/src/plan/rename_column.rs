//! A column renamed in the snapshot: what PostgreSQL keeps by column number (constraints,
//! indexes, foreign keys, expressions) follows the new name, so the rest of the diff sees
//! no change there.

use crate::model::database::Database;
use crate::model::expr::SqlExpr;
use crate::model::index::IndexTarget;

/// A column renamed in the snapshot: PostgreSQL's constraints, indexes and foreign keys
/// follow the column (they hold its number), so the snapshot's do too.
pub(super) fn rename_column(db: &mut Database, pos: usize, old: &str, new: &str) {
    let set = |n: &mut String| {
        if n == old {
            *n = new.to_owned();
        }
    };
    let table_name = db.tables[pos].name.clone();
    for t in &mut db.tables {
        for fk in &mut t.foreign_keys {
            if fk.ref_table == table_name {
                fk.ref_columns.iter_mut().for_each(set);
            }
        }
    }
    let t = &mut db.tables[pos];
    t.columns.iter_mut().for_each(|c| set(&mut c.name));
    if let Some(p) = &mut t.primary_key {
        p.columns.iter_mut().for_each(set);
    }
    t.uniques
        .iter_mut()
        .for_each(|u| u.columns.iter_mut().for_each(set));
    for fk in &mut t.foreign_keys {
        fk.columns.iter_mut().for_each(set);
        fk.on_delete_columns.iter_mut().for_each(set);
    }
    for ix in &mut t.indexes {
        for k in &mut ix.keys {
            if let IndexTarget::Column(c) = &mut k.target {
                set(c);
            }
        }
        ix.include.iter_mut().for_each(set);
    }
    for x in &mut t.exclusions {
        for e in &mut x.elements {
            if let IndexTarget::Column(c) = &mut e.target {
                set(c);
            }
        }
    }
    for tr in &mut t.triggers {
        for e in &mut tr.events {
            if let crate::model::trigger::TriggerEvent::Update(cols) = e {
                cols.iter_mut().for_each(set);
            }
        }
    }
    if let Some(r) = &mut t.rows {
        r.columns.iter_mut().for_each(set);
    }
    // Expressions name the column too: PostgreSQL stores them parsed, so they follow it.
    let text = |e: &mut SqlExpr| *e = SqlExpr(rename_identifier(e.as_str(), old, new));
    for c in &mut t.columns {
        c.default
            .iter_mut()
            .chain(c.generated.iter_mut())
            .for_each(text);
    }
    t.checks.iter_mut().for_each(|c| text(&mut c.expr));
    for ix in &mut t.indexes {
        for k in &mut ix.keys {
            if let IndexTarget::Expr(e) = &mut k.target {
                text(e);
            }
        }
        ix.predicate.iter_mut().for_each(text);
    }
    for x in &mut t.exclusions {
        for e in &mut x.elements {
            if let IndexTarget::Expr(e) = &mut e.target {
                text(e);
            }
        }
        x.predicate.iter_mut().for_each(text);
    }
    for p in &mut t.policies {
        p.using
            .iter_mut()
            .chain(p.with_check.iter_mut())
            .for_each(text);
    }
    t.triggers
        .iter_mut()
        .for_each(|tr| tr.when.iter_mut().for_each(text));
}

/// `expr` with every identifier `old` (bare or double-quoted, outside string literals)
/// written `new`.
pub(crate) fn rename_identifier(expr: &str, old: &str, new: &str) -> String {
    let quoted_new = crate::sql::ident::ident(new);
    let mut out = String::with_capacity(expr.len());
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // A string literal: copied as it is ('' inside is an escaped quote).
            let mut j = i + 1;
            while j < chars.len() {
                if chars[j] == '\'' {
                    if chars.get(j + 1) == Some(&'\'') {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            out.extend(&chars[i..(j + 1).min(chars.len())]);
            i = j + 1;
        } else if c == '"' {
            let mut j = i + 1;
            let mut name = String::new();
            while j < chars.len() {
                if chars[j] == '"' {
                    if chars.get(j + 1) == Some(&'"') {
                        name.push('"');
                        j += 2;
                        continue;
                    }
                    break;
                }
                name.push(chars[j]);
                j += 1;
            }
            if name == old {
                out.push_str(&quoted_new);
            } else {
                out.extend(&chars[i..(j + 1).min(chars.len())]);
            }
            i = j + 1;
        } else if c.is_alphabetic() || c == '_' {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '$')
            {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            // A cast target (`::text`) or a call (`note(`) is not the column.
            let cast = i >= 2 && chars[i - 1] == ':' && chars[i - 2] == ':';
            let call = chars.get(j) == Some(&'(');
            if word.to_lowercase() == old && !cast && !call {
                out.push_str(&quoted_new);
            } else {
                out.push_str(&word);
            }
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::rename_identifier;

    #[test]
    fn only_the_identifier_is_renamed_not_strings_casts_or_calls() {
        assert_eq!(
            rename_identifier(
                "length(note) < 100 AND note <> 'note' AND x::note IS NULL",
                "note",
                "remark"
            ),
            "length(remark) < 100 AND remark <> 'note' AND x::note IS NULL"
        );
        assert_eq!(
            rename_identifier("\"note\" > 0 OR notes > 1", "note", "Remark"),
            "\"Remark\" > 0 OR notes > 1"
        );
    }
}
