//! The graph's lookup of objects by kind and name, which edges are resolved through.

use super::object::Object;
use crate::model::names::QName;
use std::collections::HashMap;

/// Objects by kind and name, and the functions declared extensions provide.
#[derive(Debug, Default)]
pub(super) struct Lookup<'a> {
    pub by_key: HashMap<(u8, &'a str, &'a str), usize>,
    /// Function name -> the extension object that provides it (`Extension::provides`).
    pub provided: HashMap<&'a str, usize>,
    /// Every overload of a function or procedure name (`by_key` holds the first one).
    pub overloads: HashMap<&'a QName, Vec<usize>>,
}

impl<'a> Lookup<'a> {
    pub fn new(objects: &[Object<'a>]) -> Self {
        let mut by_key = HashMap::with_capacity(objects.len());
        let mut provided = HashMap::new();
        let mut overloads: HashMap<&QName, Vec<usize>> = HashMap::new();
        for (i, o) in objects.iter().enumerate() {
            if let Object::Function(f) = o {
                overloads.entry(&f.name).or_default().push(i);
            }
            let k: (u8, &str, &str) = match o {
                Object::Extension(e) => {
                    for f in &e.provides {
                        provided.entry(f.as_str()).or_insert(i);
                    }
                    (0, "", e.name.as_str())
                }
                Object::Schema(s) => (1, "", s.name.as_str()),
                Object::Enum(e) => (2, e.name.schema.as_str(), e.name.name.as_str()),
                Object::Function(f) if f.is_procedure() => {
                    (13, f.name.schema.as_str(), f.name.name.as_str())
                }
                Object::Function(f) => (3, f.name.schema.as_str(), f.name.name.as_str()),
                Object::Aggregate(a) => (14, a.name.schema.as_str(), a.name.name.as_str()),
                Object::Table(t) => (4, t.name.schema.as_str(), t.name.name.as_str()),
                Object::Rows(t) => (5, t.name.schema.as_str(), t.name.name.as_str()),
                Object::View(v) => (7, v.name.schema.as_str(), v.name.name.as_str()),
                Object::Raw(r) => (12, "", r.name.as_str()),
                Object::Sequence(q) => (8, q.name.schema.as_str(), q.name.name.as_str()),
                Object::Domain(d) => (9, d.name.schema.as_str(), d.name.name.as_str()),
                Object::Composite(c) => (10, c.name.schema.as_str(), c.name.name.as_str()),
                Object::Range(r) => (11, r.name.schema.as_str(), r.name.name.as_str()),
                Object::Role(r) => (6, "", r.name.as_str()),
                _ => continue,
            };
            by_key.entry(k).or_insert(i);
        }
        Lookup {
            by_key,
            provided,
            overloads,
        }
    }
}
