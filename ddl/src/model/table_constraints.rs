//! Table builders that shape a constraint the table already has, found by name: NOT VALID,
//! comments and renames apply to every kind (primary key, unique, check, foreign key,
//! exclusion) alike.

use super::column::check_from;
use super::expr::SqlExpr;
use super::hint::RenamedFrom;
use super::names::Origin;
use super::table::Table;

impl Table {
    /// A named CHECK created `NOT VALID`: rows already there are not checked, new and
    /// updated ones are. Declare it with [`Table::check`] later and the next migration
    /// validates it (`ALTER TABLE .. VALIDATE CONSTRAINT`).
    #[track_caller]
    pub fn check_not_valid(mut self, name: &str, expr: impl Into<SqlExpr>) -> Self {
        let mut c = check_from(name.to_owned(), expr.into(), Origin::here());
        c.not_valid = true;
        self.checks.push(c);
        self
    }

    /// `COMMENT ON CONSTRAINT name`: any constraint of the table (declared before this call).
    pub fn constraint_comment(mut self, name: &str, text: impl Into<String>) -> Self {
        let text = super::comment_text(text.into());
        if let Some(slot) = self.constraint_parts(name).map(|(c, _)| c) {
            *slot = text;
        }
        self
    }

    /// The constraint `name` (declared before this call) was called `old` before: the next
    /// migration renames it (`ALTER TABLE .. RENAME CONSTRAINT`).
    pub fn constraint_renamed_from(mut self, name: &str, old: &str) -> Self {
        if let Some((_, hint)) = self.constraint_parts(name) {
            *hint = RenamedFrom::new(old);
        }
        self
    }

    /// The comment and rename hint of the constraint called `name`.
    fn constraint_parts(&mut self, name: &str) -> Option<(&mut Option<String>, &mut RenamedFrom)> {
        if let Some(p) = self.primary_key.as_mut().filter(|p| p.name == name) {
            return Some((&mut p.comment, &mut p.renamed_from));
        }
        if let Some(u) = self.uniques.iter_mut().find(|u| u.name == name) {
            return Some((&mut u.comment, &mut u.renamed_from));
        }
        if let Some(c) = self.checks.iter_mut().find(|c| c.name == name) {
            return Some((&mut c.comment, &mut c.renamed_from));
        }
        if let Some(f) = self.foreign_keys.iter_mut().find(|f| f.name == name) {
            return Some((&mut f.comment, &mut f.renamed_from));
        }
        if let Some(x) = self.exclusions.iter_mut().find(|x| x.name == name) {
            return Some((&mut x.comment, &mut x.renamed_from));
        }
        None
    }
}
