//! View, materialized view and sequence renames, and how the snapshot's view queries and
//! column defaults follow a renamed relation or schema.

use super::Step;
use crate::model::database::Database;
use crate::model::names::QName;
use crate::model::view::Dep;
use crate::sql::ident::{ident, qname};

impl Step<'_> {
    /// Standalone sequences: `ALTER SEQUENCE .. RENAME TO`, the current value kept.
    /// Defaults calling `nextval` on it follow (PostgreSQL stores them by OID).
    pub(super) fn sequences(&mut self, new: &Database) {
        for q in &new.sequences {
            if let Some(old) = self.rename_object(
                "sequence",
                "SEQUENCE",
                true,
                (&q.renamed_from, &q.name, q.origin),
                |db| &mut db.sequences,
                |x| &mut x.name,
            ) {
                follow_sequence(self.db, &old, &q.name);
            }
        }
    }

    /// Views and materialized views: `ALTER [MATERIALIZED] VIEW .. RENAME TO` (the keyword
    /// of the snapshot's view: a view that also becomes materialized is renamed first, then
    /// rebuilt). Views depending on it by `.depends_on(..)` follow; their query text is the
    /// user's, declared with the new name.
    pub(super) fn views(&mut self, new: &Database) {
        for v in new.views.iter().filter(|v| v.renamed_from.old().is_some()) {
            let names: Vec<QName> = self.db.views.iter().map(|x| x.name.clone()).collect();
            let Some(old) = self.qualified(v.kind(), &v.renamed_from, &v.name, v.origin, &names)
            else {
                continue;
            };
            let Some(snap) = self.db.views.iter_mut().find(|x| x.name == old) else {
                continue;
            };
            let (kind, keyword) = (snap.kind(), snap.keyword());
            snap.name = v.name.clone();
            self.push_rename(kind, keyword, true, &old, &v.name);
            for x in &mut self.db.views {
                for d in &mut x.depends_on {
                    if *d == Dep::View(old.clone()) {
                        *d = Dep::View(v.name.clone());
                    }
                }
                x.query = rename_in_query(&x.query, &old, &v.name);
            }
        }
    }
}

/// A sequence renamed in the snapshot: the defaults calling `nextval` on it follow
/// (PostgreSQL stores them by OID, and prints the new name).
pub(super) fn follow_sequence(db: &mut Database, old: &QName, new: &QName) {
    let (from, to) = (
        crate::model::sequence::nextval_sql(old),
        crate::model::sequence::nextval_sql(new),
    );
    for t in &mut db.tables {
        for c in &mut t.columns {
            if let Some(d) = &mut c.default
                && d.0.contains(&from)
            {
                d.0 = d.0.replace(&from, &to);
            }
        }
    }
}

/// The words of a query that are unquoted identifiers, as byte ranges: outside string
/// literals, quoted identifiers and comments, each one whole (not the tail of a word).
fn words(q: &str) -> Vec<(usize, usize)> {
    let b = q.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' => {
                let quote = b[i];
                i += 1;
                while i < b.len() && b[i] != quote {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            c if is_word(c) => {
                let start = i;
                while i < b.len() && is_word(b[i]) {
                    i += 1;
                }
                if !b[start].is_ascii_digit() {
                    out.push((start, i));
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// A query of the snapshot after a relation it names as `schema.name` was renamed:
/// PostgreSQL keeps the view on the renamed relation, so a declaration naming the new one
/// in the same text is no change. Only unquoted, schema-qualified names are followed; any
/// other way of naming it is the user's text, and the view is replaced.
pub(super) fn rename_in_query(q: &str, old: &QName, new: &QName) -> String {
    let is = |r: (usize, usize), name: &str| q[r.0..r.1].eq_ignore_ascii_case(name);
    replace_qualified(q, |s, n| {
        (is(s, &old.schema) && is(n, &old.name)).then(|| (qname(new), n.1))
    })
}

/// A query of the snapshot after a schema it names in `schema.object` was renamed.
pub(super) fn schema_in_query(q: &str, old: &str, new: &str) -> String {
    replace_qualified(q, |s, _| {
        q[s.0..s.1]
            .eq_ignore_ascii_case(old)
            .then(|| (ident(new).into_owned(), s.1))
    })
}

/// `q` with the unquoted `schema.name` pairs (not themselves after a dot) that `replace`
/// picks replaced: it gets the two words' byte ranges and gives the text put from the
/// schema's start up to the end it gives.
fn replace_qualified(
    q: &str,
    replace: impl Fn((usize, usize), (usize, usize)) -> Option<(String, usize)>,
) -> String {
    let w = words(q);
    let mut out = String::with_capacity(q.len());
    let mut last = 0;
    for pair in w.windows(2) {
        let (s, n) = (pair[0], pair[1]);
        let dotted = n.0 == s.1 + 1 && q.as_bytes()[s.1] == b'.';
        let before = q[..s.0].chars().next_back();
        if !dotted || before == Some('.') || s.0 < last {
            continue;
        }
        if let Some((text, end)) = replace(s, n) {
            out.push_str(&q[last..s.0]);
            out.push_str(&text);
            last = end;
        }
    }
    out.push_str(&q[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_follow_qualified_names_outside_literals_only() {
        let (old, new) = (QName::new("app", "v"), QName::new("app", "v2"));
        assert_eq!(
            rename_in_query("SELECT v.id FROM app.v JOIN app.vx ON true", &old, &new),
            "SELECT v.id FROM app.v2 JOIN app.vx ON true"
        );
        assert_eq!(
            rename_in_query("SELECT 'app.v' FROM \"app\".v, APP.V -- app.v", &old, &new),
            "SELECT 'app.v' FROM \"app\".v, app.v2 -- app.v"
        );
        assert_eq!(
            rename_in_query("SELECT app.v.id FROM t, x.app.v", &old, &new),
            "SELECT app.v2.id FROM t, x.app.v"
        );
        assert_eq!(
            schema_in_query(
                "SELECT x FROM app.t JOIN app2.t ON 'app.t' = app.f()",
                "app",
                "shop"
            ),
            "SELECT x FROM shop.t JOIN app2.t ON 'app.t' = shop.f()"
        );
    }
}
