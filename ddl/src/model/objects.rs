//! Database-level objects: extensions, schemas, enum types, functions.

use super::names::{FunctionRef, Origin, Provider, QName, TableRef, TypeRef};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
    /// `WITH SCHEMA`; None installs it where PostgreSQL chooses (normally `public`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Functions the extension creates that expressions call (`lo_manage`): such a call is
    /// then known, and makes the extension a dependency of the object that makes it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provides: Vec<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Extension {
    #[track_caller]
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            schema: None,
            provides: Vec::new(),
            origin: Origin::here(),
        }
    }

    /// Names functions of the extension that defaults, checks, policies, index expressions
    /// or `LANGUAGE sql` bodies call.
    pub fn provides<'a>(mut self, functions: impl IntoIterator<Item = &'a str>) -> Self {
        self.provides
            .extend(functions.into_iter().map(str::to_owned));
        self
    }

    pub fn in_schema(mut self, schema: &str) -> Self {
        self.schema = Some(schema.to_owned());
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Schema {
    #[track_caller]
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            comment: None,
            origin: Origin::here(),
        }
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    pub name: QName,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl EnumType {
    #[track_caller]
    pub fn new<'a>(name: TypeRef, values: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            name: name.qname(),
            values: values.into_iter().map(str::to_owned).collect(),
            comment: None,
            origin: Origin::here(),
        }
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Volatility {
    #[default]
    Volatile,
    Stable,
    Immutable,
}

impl Volatility {
    pub fn sql(self) -> &'static str {
        match self {
            Volatility::Volatile => "VOLATILE",
            Volatility::Stable => "STABLE",
            Volatility::Immutable => "IMMUTABLE",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionArg {
    pub name: String,
    /// The type as SQL text (`integer`, `text[]`, `core.user_status`).
    pub ty: String,
}

/// What a function needs to exist before it is created. PostgreSQL checks the body of a
/// `LANGUAGE sql` function at creation, so the tables and functions it uses come first.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FunctionDep {
    Table(QName),
    Function(QName),
    /// A function of this extension (`.depends_on_function(FunctionRef::of_extension(..))`).
    Extension(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub name: QName,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<FunctionArg>,
    /// The return type as SQL text (`void`, `trigger`, `integer`, `SETOF text`).
    pub returns: String,
    pub language: String,
    pub body: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub volatility: Volatility,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub strict: bool,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub security_definer: bool,
    /// `SET name = value` clauses (`search_path`, for a SECURITY DEFINER function).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<FunctionDep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Function {
    /// A VOLATILE function; set the language with `.language()` (default `plpgsql`).
    #[track_caller]
    pub fn new(name: FunctionRef, returns: &str, body: &str) -> Self {
        Self {
            name: name.qname(),
            args: Vec::new(),
            returns: returns.to_owned(),
            language: "plpgsql".to_owned(),
            body: body.to_owned(),
            volatility: Volatility::Volatile,
            strict: false,
            security_definer: false,
            config: Vec::new(),
            depends_on: Vec::new(),
            comment: None,
            origin: Origin::here(),
        }
    }

    /// A trigger function in PL/pgSQL.
    #[track_caller]
    pub fn trigger(name: FunctionRef, body: &str) -> Self {
        Self::new(name, "trigger", body)
    }

    pub fn arg(mut self, name: &str, ty: &str) -> Self {
        self.args.push(FunctionArg {
            name: name.to_owned(),
            ty: ty.to_owned(),
        });
        self
    }

    pub fn language(mut self, language: &str) -> Self {
        self.language = language.to_owned();
        self
    }

    pub fn stable(mut self) -> Self {
        self.volatility = Volatility::Stable;
        self
    }

    pub fn immutable(mut self) -> Self {
        self.volatility = Volatility::Immutable;
        self
    }

    pub fn strict(mut self) -> Self {
        self.strict = true;
        self
    }

    pub fn security_definer(mut self) -> Self {
        self.security_definer = true;
        self
    }

    pub fn set(mut self, name: &str, value: &str) -> Self {
        self.config.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn depends_on_table(mut self, table: TableRef) -> Self {
        self.depends_on.push(FunctionDep::Table(table.qname()));
        self
    }

    /// A function the body calls that the planner cannot see (see docs/dsl.md). For a
    /// `FunctionRef::of_extension` handle the extension comes first; a
    /// `FunctionRef::builtin` one always exists.
    pub fn depends_on_function(mut self, function: FunctionRef) -> Self {
        match function.provider {
            Provider::Declared => self
                .depends_on
                .push(FunctionDep::Function(function.qname())),
            Provider::Builtin => {}
            Provider::Extension(e) => self.depends_on.push(FunctionDep::Extension(e.to_owned())),
        }
        self
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }

    /// The argument types, as `DROP FUNCTION` and `COMMENT ON FUNCTION` need them.
    pub fn signature(&self) -> String {
        self.args
            .iter()
            .map(|a| a.ty.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
