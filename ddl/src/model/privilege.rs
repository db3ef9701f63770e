//! Roles the schema refers to, the privileges granted to them, and default privileges.
//!
//! Roles are cluster-wide: an *external* role is one the operator creates (the migration
//! checks it exists, and never creates or drops it); a *managed* role is created NOLOGIN by
//! the migration when missing and dropped by its down unless something (another database
//! of the cluster) still refers to it.

use super::names::{FunctionRef, Origin, QName, TypeRef};
use serde::{Deserialize, Serialize};

/// Who creates a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    /// Must exist before the migration runs; checked, never created or dropped.
    External,
    /// Created NOLOGIN by the migration, dropped by its down.
    Managed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub kind: RoleKind,
    #[serde(skip)]
    pub origin: Origin,
}

impl Role {
    /// A role the operator creates (with its login and password) before migrating.
    #[track_caller]
    pub fn external(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            kind: RoleKind::External,
            origin: Origin::here(),
        }
    }

    /// A group role the migration creates NOLOGIN (grant it to login roles by hand).
    #[track_caller]
    pub fn managed(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            kind: RoleKind::Managed,
            origin: Origin::here(),
        }
    }
}

/// A privilege of `GRANT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Privilege {
    Select,
    Insert,
    Update,
    Delete,
    Truncate,
    References,
    Trigger,
    Usage,
    Create,
    Execute,
}

impl Privilege {
    pub fn sql(self) -> &'static str {
        match self {
            Privilege::Select => "SELECT",
            Privilege::Insert => "INSERT",
            Privilege::Update => "UPDATE",
            Privilege::Delete => "DELETE",
            Privilege::Truncate => "TRUNCATE",
            Privilege::References => "REFERENCES",
            Privilege::Trigger => "TRIGGER",
            Privilege::Usage => "USAGE",
            Privilege::Create => "CREATE",
            Privilege::Execute => "EXECUTE",
        }
    }

    /// From the catalog's spelling (`aclexplode`'s privilege_type).
    pub fn from_sql(s: &str) -> Option<Self> {
        Some(match s {
            "SELECT" => Privilege::Select,
            "INSERT" => Privilege::Insert,
            "UPDATE" => Privilege::Update,
            "DELETE" => Privilege::Delete,
            "TRUNCATE" => Privilege::Truncate,
            "REFERENCES" => Privilege::References,
            "TRIGGER" => Privilege::Trigger,
            "USAGE" => Privilege::Usage,
            "CREATE" => Privilege::Create,
            "EXECUTE" => Privilege::Execute,
            _ => return None,
        })
    }
}

/// What a grant is on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantTarget {
    Schema(String),
    /// A table, view, materialized view or sequence (`GRANT .. ON TABLE` takes them all).
    Table(QName),
    Sequence(QName),
    Function(QName),
    Type(QName),
}

impl GrantTarget {
    /// `TABLE`, `SCHEMA`, ... as `GRANT .. ON <keyword>` says it.
    pub fn keyword(&self) -> &'static str {
        match self {
            GrantTarget::Schema(_) => "SCHEMA",
            GrantTarget::Table(_) => "TABLE",
            GrantTarget::Sequence(_) => "SEQUENCE",
            GrantTarget::Function(_) => "FUNCTION",
            GrantTarget::Type(_) => "TYPE",
        }
    }

    /// The privileges PostgreSQL accepts on this kind of object.
    pub fn allowed(&self) -> &'static [Privilege] {
        use Privilege::*;
        match self {
            GrantTarget::Schema(_) => &[Usage, Create],
            GrantTarget::Table(_) => &[
                Select, Insert, Update, Delete, Truncate, References, Trigger,
            ],
            GrantTarget::Sequence(_) => &[Usage, Select, Update],
            GrantTarget::Function(_) => &[Execute],
            GrantTarget::Type(_) => &[Usage],
        }
    }

    pub fn display(&self) -> String {
        match self {
            GrantTarget::Schema(s) => s.clone(),
            GrantTarget::Table(q)
            | GrantTarget::Sequence(q)
            | GrantTarget::Function(q)
            | GrantTarget::Type(q) => q.to_string(),
        }
    }
}

/// `GRANT privileges ON target [(columns)] TO role [WITH GRANT OPTION]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub on: GrantTarget,
    /// Column privileges (`GRANT SELECT (a, b) ON TABLE ..`); empty: the whole table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// Sorted and without duplicates, so two declarations of the same set are equal.
    pub privileges: Vec<Privilege>,
    pub to: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub with_grant_option: bool,
    #[serde(skip)]
    pub origin: Origin,
}

fn privilege_set(p: impl IntoIterator<Item = Privilege>) -> Vec<Privilege> {
    let mut v: Vec<Privilege> = p.into_iter().collect();
    v.sort();
    v.dedup();
    v
}

impl Grant {
    #[track_caller]
    fn new(on: GrantTarget, privileges: impl IntoIterator<Item = Privilege>) -> Self {
        Self {
            on,
            columns: Vec::new(),
            privileges: privilege_set(privileges),
            to: String::new(),
            with_grant_option: false,
            origin: Origin::here(),
        }
    }

    #[track_caller]
    pub fn on_schema(schema: &str, privileges: impl IntoIterator<Item = Privilege>) -> Self {
        Self::new(GrantTarget::Schema(schema.to_owned()), privileges)
    }

    /// A table, view, materialized view or sequence, by handle or name.
    #[track_caller]
    pub fn on_table(
        table: impl Into<QName>,
        privileges: impl IntoIterator<Item = Privilege>,
    ) -> Self {
        Self::new(GrantTarget::Table(table.into()), privileges)
    }

    #[track_caller]
    pub fn on_sequence(
        sequence: impl Into<QName>,
        privileges: impl IntoIterator<Item = Privilege>,
    ) -> Self {
        Self::new(GrantTarget::Sequence(sequence.into()), privileges)
    }

    /// `EXECUTE` on a declared function (functions are identified by name).
    #[track_caller]
    pub fn on_function(function: FunctionRef) -> Self {
        Self::new(
            GrantTarget::Function(function.qname()),
            [Privilege::Execute],
        )
    }

    /// `USAGE` on a declared type.
    #[track_caller]
    pub fn on_type(ty: TypeRef) -> Self {
        Self::new(GrantTarget::Type(ty.qname()), [Privilege::Usage])
    }

    /// Only these columns of the table.
    pub fn columns<'a>(mut self, columns: impl IntoIterator<Item = &'a str>) -> Self {
        self.columns = columns.into_iter().map(str::to_owned).collect();
        self
    }

    pub fn to(mut self, role: &str) -> Self {
        self.to = role.to_owned();
        self
    }

    pub fn with_grant_option(mut self) -> Self {
        self.with_grant_option = true;
        self
    }

    /// The identity of the grant in the plan: one object per target, columns and role.
    pub fn key(&self) -> String {
        if self.columns.is_empty() {
            format!("{} {} to {}", self.on.keyword(), self.on.display(), self.to)
        } else {
            format!(
                "{} {} ({}) to {}",
                self.on.keyword(),
                self.on.display(),
                self.columns.join(", "),
                self.to
            )
        }
    }
}

/// The objects `ALTER DEFAULT PRIVILEGES` applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultObjects {
    Tables,
    Sequences,
    Functions,
    Types,
}

impl DefaultObjects {
    pub fn sql(self) -> &'static str {
        match self {
            DefaultObjects::Tables => "TABLES",
            DefaultObjects::Sequences => "SEQUENCES",
            DefaultObjects::Functions => "FUNCTIONS",
            DefaultObjects::Types => "TYPES",
        }
    }

    /// `pg_default_acl.defaclobjtype`.
    pub fn catalog_code(self) -> &'static str {
        match self {
            DefaultObjects::Tables => "r",
            DefaultObjects::Sequences => "S",
            DefaultObjects::Functions => "f",
            DefaultObjects::Types => "T",
        }
    }

    pub fn target(self) -> GrantTarget {
        let q = QName::new("", "");
        match self {
            DefaultObjects::Tables => GrantTarget::Table(q),
            DefaultObjects::Sequences => GrantTarget::Sequence(q),
            DefaultObjects::Functions => GrantTarget::Function(q),
            DefaultObjects::Types => GrantTarget::Type(q),
        }
    }
}

/// `ALTER DEFAULT PRIVILEGES [FOR ROLE r] IN SCHEMA s GRANT .. ON TABLES TO role`: what
/// objects created later in the schema (by `for_role`, or by the role that migrates)
/// grant to `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultPrivileges {
    pub schema: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_role: Option<String>,
    pub objects: DefaultObjects,
    pub privileges: Vec<Privilege>,
    pub to: String,
    #[serde(skip)]
    pub origin: Origin,
}

impl DefaultPrivileges {
    /// `DefaultPrivileges::new("shop", DefaultObjects::Tables, [Privilege::Select]).to("reader")`
    #[track_caller]
    pub fn new(
        schema: &str,
        objects: DefaultObjects,
        privileges: impl IntoIterator<Item = Privilege>,
    ) -> Self {
        Self {
            schema: schema.to_owned(),
            for_role: None,
            objects,
            privileges: privilege_set(privileges),
            to: String::new(),
            origin: Origin::here(),
        }
    }

    pub fn to(mut self, role: &str) -> Self {
        self.to = role.to_owned();
        self
    }

    /// Objects created by this role (default: the role that runs the migration).
    pub fn for_role(mut self, role: &str) -> Self {
        self.for_role = Some(role.to_owned());
        self
    }

    pub fn key(&self) -> String {
        format!(
            "{} in {}{} to {}",
            self.objects.sql(),
            self.schema,
            self.for_role
                .as_ref()
                .map(|r| format!(" for {r}"))
                .unwrap_or_default(),
            self.to
        )
    }
}
