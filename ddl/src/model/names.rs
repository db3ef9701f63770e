//! Qualified names, typed handles and declaration origins.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A schema-qualified object name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QName {
    pub schema: String,
    pub name: String,
}

impl QName {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $name {
            pub schema: &'static str,
            pub name: &'static str,
        }

        impl $name {
            pub const fn new(schema: &'static str, name: &'static str) -> Self {
                Self { schema, name }
            }

            pub fn qname(&self) -> QName {
                QName::new(self.schema, self.name)
            }
        }

        impl From<$name> for QName {
            fn from(h: $name) -> QName {
                h.qname()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}.{}", self.schema, self.name)
            }
        }
    };
}

handle!(
    /// A table, named once as a constant so that a typo in a reference is a compile error:
    /// `pub const USERS: TableRef = TableRef::new("core", "users");`
    TableRef
);
/// A function, named once as a constant (see [`TableRef`]): one this database declares
/// (`FunctionRef::new`), one PostgreSQL itself provides (`FunctionRef::builtin`), or one
/// an extension provides (`FunctionRef::of_extension`, which makes the extension a
/// dependency of whatever uses the function).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FunctionRef {
    pub schema: &'static str,
    pub name: &'static str,
    pub provider: Provider,
}

/// Who provides a function a declaration refers to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Declared in this database with `Function::new` / `Function::trigger`.
    #[default]
    Declared,
    /// Part of PostgreSQL (`pg_catalog.tsvector_update_trigger`).
    Builtin,
    /// Created by the named extension (`lo_manage` of `lo`).
    Extension(&'static str),
}

impl FunctionRef {
    /// A function declared in this database.
    pub const fn new(schema: &'static str, name: &'static str) -> Self {
        Self {
            schema,
            name,
            provider: Provider::Declared,
        }
    }

    /// A function PostgreSQL provides: `FunctionRef::builtin("pg_catalog", "tsvector_update_trigger")`.
    pub const fn builtin(schema: &'static str, name: &'static str) -> Self {
        Self {
            schema,
            name,
            provider: Provider::Builtin,
        }
    }

    /// A function an extension creates, in the schema the extension is installed in:
    /// `FunctionRef::of_extension("lo", "public", "lo_manage")`.
    pub const fn of_extension(
        extension: &'static str,
        schema: &'static str,
        name: &'static str,
    ) -> Self {
        Self {
            schema,
            name,
            provider: Provider::Extension(extension),
        }
    }

    pub fn qname(&self) -> QName {
        QName::new(self.schema, self.name)
    }

    /// Where the function comes from, as the model stores it.
    pub fn source(&self) -> FunctionSource {
        match self.provider {
            Provider::Declared => FunctionSource::Declared,
            Provider::Builtin => FunctionSource::Builtin,
            Provider::Extension(e) => FunctionSource::Extension(e.to_owned()),
        }
    }
}

impl From<FunctionRef> for QName {
    fn from(h: FunctionRef) -> QName {
        h.qname()
    }
}

impl fmt::Display for FunctionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// Where a function used by a trigger comes from, as stored in the model and snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionSource {
    #[default]
    Declared,
    Builtin,
    Extension(String),
}
handle!(
    /// An enum type, named once as a constant (see [`TableRef`]).
    TypeRef
);
handle!(
    /// A view or materialized view, named once as a constant (see [`TableRef`]).
    ViewRef
);

/// Where a declaration was written. It takes no part in equality, so moving a declaration
/// in its file changes nothing in the generated migrations.
#[derive(Clone, Copy, Debug, Default)]
pub struct Origin(pub Option<&'static std::panic::Location<'static>>);

impl Origin {
    /// The caller of the `#[track_caller]` function that calls this.
    #[track_caller]
    pub fn here() -> Self {
        Self(Some(std::panic::Location::caller()))
    }
}

impl PartialEq for Origin {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Origin {}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(l) => write!(f, "{}:{}", l.file(), l.line()),
            None => f.write_str("<snapshot>"),
        }
    }
}
handle!(
    /// A sequence, named once as a constant (see [`TableRef`]).
    SequenceRef
);
handle!(
    /// A domain, named once as a constant (see [`TableRef`]); converts into its column type.
    DomainRef
);
handle!(
    /// A composite type, named once as a constant (see [`TableRef`]).
    CompositeRef
);
handle!(
    /// A range type, named once as a constant (see [`TableRef`]).
    RangeRef
);
