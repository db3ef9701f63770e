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
handle!(
    /// A function, named once as a constant (see [`TableRef`]).
    FunctionRef
);
handle!(
    /// An enum type, named once as a constant (see [`TableRef`]).
    TypeRef
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
