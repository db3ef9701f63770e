//! The diff of sequences, domains, composite and range types: what is created, dropped
//! and altered in place for each, and the edges to the types they use.

use super::object::Object;
use crate::model::names::QName;
use crate::sql::render::{self, Stmt};

/// The statements that create one of these objects (None: not one of them).
pub(super) fn create(o: Object<'_>) -> Option<Vec<Stmt>> {
    Some(match o {
        Object::Sequence(s) => render::create_sequence(s),
        Object::SequenceOwner(s) => render::sequence_owned_by(s).into_iter().collect(),
        Object::Domain(d) => render::create_domain(d),
        Object::Composite(c) => render::create_composite(c),
        Object::Range(r) => render::create_range(r),
        _ => return None,
    })
}

pub(super) fn drop(o: Object<'_>) -> Option<Vec<Stmt>> {
    Some(vec![match o {
        Object::Sequence(s) => render::drop_sequence(s),
        Object::SequenceOwner(s) => render::sequence_owned_by_none(s),
        Object::Domain(d) => render::drop_domain(d),
        // Values stored in columns of the type go with it.
        Object::Composite(c) => render::drop_composite(c),
        Object::Range(r) => render::drop_range(r),
        _ => return None,
    }])
}

/// Whether the old version can be altered into the new one in place (None: not one of
/// these kinds). A sequence always can (`RESTART` is never implied); the owner of a
/// sequence is set again; a domain whose base type or collation changes and a composite
/// type whose kept fields change order are dropped and created again (an error naming the
/// column when a table uses them); a range type keeps only comment changes.
pub(super) fn alterable(old: &Object<'_>, new: &Object<'_>) -> Option<bool> {
    Some(match (old, new) {
        (Object::Sequence(_), Object::Sequence(_)) => true,
        (Object::SequenceOwner(_), Object::SequenceOwner(_)) => false,
        (Object::Domain(a), Object::Domain(b)) => render::domain_alterable(a, b),
        (Object::Composite(a), Object::Composite(b)) => render::composite_alterable(a, b),
        (Object::Range(a), Object::Range(b)) => a.subtype == b.subtype,
        _ => return None,
    })
}

/// The statements that alter the old version into the new one in place.
pub(super) fn alter(old: Object<'_>, new: Object<'_>) -> Vec<Stmt> {
    match (old, new) {
        (Object::Sequence(a), Object::Sequence(b)) => render::alter_sequence(a, b),
        (Object::Domain(a), Object::Domain(b)) => render::alter_domain(a, b),
        (Object::Composite(a), Object::Composite(b)) => render::alter_composite(a, b),
        (Object::Range(a), Object::Range(b)) => render::range_comment(b, a).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Whether the object is one of these kinds.
pub(super) fn is_type_or_sequence(o: &Object<'_>) -> bool {
    matches!(
        o,
        Object::Sequence(_)
            | Object::SequenceOwner(_)
            | Object::Domain(_)
            | Object::Composite(_)
            | Object::Range(_)
    )
}

/// A type used by a domain, a composite field or a range: its enum, domain, composite or
/// range type, or the extension that provides it.
pub(super) fn type_edges(
    need: &mut dyn FnMut(Option<usize>, String, bool),
    lookup: &dyn Fn(u8, &QName) -> Option<usize>,
    me: &str,
    ty: &crate::model::types::ColumnType,
    describe: bool,
) {
    let reason = |q: &str| {
        if describe {
            format!("{me} uses type {q}")
        } else {
            String::new()
        }
    };
    if let Some(q) = ty.enum_name() {
        need(lookup(2, q), reason(&q.to_string()), false);
    }
    if let Some((kind, q)) = ty.user_type() {
        need(lookup(kind, q), reason(&q.to_string()), false);
    }
    if let Some(ext) = ty.extension() {
        need(lookup(0, &QName::new("", ext)), reason(ext), false);
    }
}
