//! What a grant needs: its target, found by kind and name in the graph's lookup.

use super::lookup::Lookup;
use crate::model::privilege::GrantTarget;

/// The object a grant is on. `GRANT .. ON TABLE` takes any relation, so a table-like target
/// is looked up among tables (4), views and materialized views (7) and sequences (8); a
/// type among enums (2), domains (9), composite (10) and range types (11); a function
/// among functions (3) and procedures (13).
pub(super) fn grant_target(l: &Lookup<'_>, on: &GrantTarget) -> Option<usize> {
    let find = |kinds: &[u8], schema: &str, name: &str| {
        kinds
            .iter()
            .find_map(|&k| l.by_key.get(&(k, schema, name)).copied())
    };
    match on {
        GrantTarget::Schema(s) => l.by_key.get(&(1, "", s.as_str())).copied(),
        GrantTarget::Table(q) => find(&[4, 7, 8], &q.schema, &q.name),
        GrantTarget::Sequence(q) => find(&[8, 4], &q.schema, &q.name),
        GrantTarget::Function(q) => find(&[3, 13], &q.schema, &q.name),
        GrantTarget::Type(q) => find(&[2, 9, 10, 11], &q.schema, &q.name),
    }
}
