//! The whole declared database.

use super::composite::{CompositeType, RangeType};
use super::domain::Domain;
use super::function::Aggregate;
use super::objects::{EnumType, Extension, Function, Schema};
use super::privilege::{DefaultPrivileges, Grant, Role};
use super::raw::Raw;
use super::sequence::Sequence;
use super::table::Table;
use super::view::View;
use serde::{Deserialize, Serialize};

/// Everything a migration creates. Order inside each list does not matter: the planner
/// derives the creation order from dependencies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<Schema>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<Function>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<Table>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<View>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raws: Vec<Raw>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<Sequence>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub composites: Vec<CompositeType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<RangeType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<Grant>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_privileges: Vec<DefaultPrivileges>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aggregates: Vec<Aggregate>,
}

impl Database {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn extension(mut self, e: Extension) -> Self {
        self.extensions.push(e);
        self
    }

    pub fn schema(mut self, s: Schema) -> Self {
        self.schemas.push(s);
        self
    }

    pub fn enum_type(mut self, e: EnumType) -> Self {
        self.enums.push(e);
        self
    }

    pub fn function(mut self, f: Function) -> Self {
        self.functions.push(f);
        self
    }

    pub fn aggregate(mut self, a: Aggregate) -> Self {
        self.aggregates.push(a);
        self
    }

    pub fn table(mut self, t: Table) -> Self {
        self.tables.push(t);
        self
    }

    pub fn sequence(mut self, s: Sequence) -> Self {
        self.sequences.push(s);
        self
    }

    pub fn domain(mut self, d: Domain) -> Self {
        self.domains.push(d);
        self
    }

    pub fn composite(mut self, c: CompositeType) -> Self {
        self.composites.push(c);
        self
    }

    pub fn range(mut self, r: RangeType) -> Self {
        self.ranges.push(r);
        self
    }

    pub fn tables(mut self, tables: impl IntoIterator<Item = Table>) -> Self {
        self.tables.extend(tables);
        self
    }

    pub fn view(mut self, v: View) -> Self {
        self.views.push(v);
        self
    }

    pub fn raw(mut self, r: Raw) -> Self {
        self.raws.push(r);
        self
    }

    pub fn role(mut self, r: Role) -> Self {
        self.roles.push(r);
        self
    }

    pub fn grant(mut self, g: Grant) -> Self {
        self.grants.push(g);
        self
    }

    pub fn default_privileges(mut self, d: DefaultPrivileges) -> Self {
        self.default_privileges.push(d);
        self
    }

    /// Adds everything another declaration holds (one module per PostgreSQL schema).
    pub fn merge(mut self, other: Database) -> Self {
        self.extensions.extend(other.extensions);
        self.schemas.extend(other.schemas);
        self.enums.extend(other.enums);
        self.functions.extend(other.functions);
        self.tables.extend(other.tables);
        self.views.extend(other.views);
        self.raws.extend(other.raws);
        self.sequences.extend(other.sequences);
        self.domains.extend(other.domains);
        self.composites.extend(other.composites);
        self.ranges.extend(other.ranges);
        self.roles.extend(other.roles);
        self.grants.extend(other.grants);
        self.default_privileges.extend(other.default_privileges);
        self.aggregates.extend(other.aggregates);
        self
    }

    /// The same declaration with every list whose order carries no meaning sorted by name,
    /// so the snapshot (and the `-- snapshot:` line) does not depend on declaration order.
    /// Columns, enum values, index keys and reference rows keep their order.
    pub fn canonical(&self) -> Database {
        let mut db = self.clone();
        db.extensions.sort_by(|a, b| a.name.cmp(&b.name));
        db.schemas.sort_by(|a, b| a.name.cmp(&b.name));
        db.enums.sort_by(|a, b| a.name.cmp(&b.name));
        db.functions
            .sort_by(|a, b| (&a.name, a.signature()).cmp(&(&b.name, b.signature())));
        db.aggregates
            .sort_by(|a, b| (&a.name, a.signature()).cmp(&(&b.name, b.signature())));
        db.tables.sort_by(|a, b| a.name.cmp(&b.name));
        db.sequences.sort_by(|a, b| a.name.cmp(&b.name));
        db.domains.sort_by(|a, b| a.name.cmp(&b.name));
        db.composites.sort_by(|a, b| a.name.cmp(&b.name));
        db.ranges.sort_by(|a, b| a.name.cmp(&b.name));
        for d in &mut db.domains {
            d.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
        db.roles.sort_by(|a, b| a.name.cmp(&b.name));
        db.grants.sort_by_key(|g| g.key());
        db.default_privileges.sort_by_key(|d| d.key());
        for t in &mut db.tables {
            t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
            t.checks.sort_by(|a, b| a.name.cmp(&b.name));
            t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            t.triggers.sort_by(|a, b| a.name.cmp(&b.name));
            t.policies.sort_by(|a, b| a.name.cmp(&b.name));
            t.exclusions.sort_by(|a, b| a.name.cmp(&b.name));
        }
        db.views.sort_by(|a, b| a.name.cmp(&b.name));
        db.raws.sort_by(|a, b| a.name.cmp(&b.name));
        for v in &mut db.views {
            v.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            v.triggers.sort_by(|a, b| a.name.cmp(&b.name));
        }
        db
    }

    pub fn is_empty(&self) -> bool {
        self.extensions.is_empty()
            && self.schemas.is_empty()
            && self.enums.is_empty()
            && self.functions.is_empty()
            && self.tables.is_empty()
            && self.views.is_empty()
            && self.raws.is_empty()
            && self.sequences.is_empty()
            && self.domains.is_empty()
            && self.composites.is_empty()
            && self.ranges.is_empty()
            && self.roles.is_empty()
            && self.grants.is_empty()
            && self.default_privileges.is_empty()
            && self.aggregates.is_empty()
    }
}
