//! Database-level objects: extensions, schemas, enum types, functions.

use super::function::{ArgMode, ArgType, FunctionKind, Parallel};
use super::hint::{Hint, RenamedFrom};
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
    pub renamed_from: RenamedFrom,
    #[serde(skip)]
    pub origin: Origin,
}

impl Schema {
    #[track_caller]
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            comment: None,
            renamed_from: RenamedFrom::default(),
            origin: Origin::here(),
        }
    }

    /// The schema was called `old` before: the next migration renames it
    /// (`ALTER SCHEMA .. RENAME TO`), and everything in it moves along.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = RenamedFrom::new(old);
        self
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
    pub renamed_from: RenamedFrom,
    /// Values renamed by this change: (old, new) pairs; not compared.
    #[serde(skip)]
    pub renamed_values: Hint<Vec<(String, String)>>,
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
            renamed_from: RenamedFrom::default(),
            renamed_values: Hint::default(),
            origin: Origin::here(),
        }
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }

    /// The type was called `old` (a name in the same schema) before: the next migration
    /// renames it (`ALTER TYPE .. RENAME TO`).
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = RenamedFrom::new(old);
        self
    }

    /// The value `new` (declared in the list) was `old` before: the next migration
    /// renames it (`ALTER TYPE .. RENAME VALUE`), and every row holding it follows.
    pub fn value_renamed(mut self, old: &str, new: &str) -> Self {
        self.renamed_values.0.push((old.to_owned(), new.to_owned()));
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
    /// Empty for an unnamed parameter.
    pub name: String,
    /// The type as SQL text (`integer`, `text[]`, `core.user_status`).
    pub ty: String,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub mode: ArgMode,
    /// `DEFAULT expr`: callers may leave the parameter out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
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
    /// A function or a procedure (`CREATE PROCEDURE`, no return type).
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub kind: FunctionKind,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub parallel: Parallel,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub leakproof: bool,
    /// `COST n`; None leaves PostgreSQL's default (100 for SQL and PL/pgSQL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<u32>,
    /// `ROWS n` of a set-returning function; None leaves PostgreSQL's default (1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u32>,
    #[serde(skip)]
    pub renamed_from: RenamedFrom,
    #[serde(skip)]
    pub origin: Origin,
}

impl Function {
    /// A VOLATILE function; set the language with `.language()` (default `plpgsql`).
    #[track_caller]
    pub fn new(name: FunctionRef, returns: impl Into<ArgType>, body: &str) -> Self {
        Self::build(name, returns.into().0, body, Origin::here())
    }

    /// A procedure (`CREATE PROCEDURE`, run with `CALL`), in PL/pgSQL unless
    /// `.language()` says otherwise.
    #[track_caller]
    pub fn procedure(name: FunctionRef, body: &str) -> Self {
        let mut p = Self::build(name, String::new(), body, Origin::here());
        p.kind = FunctionKind::Procedure;
        p
    }

    fn build(name: FunctionRef, returns: String, body: &str, origin: Origin) -> Self {
        Self {
            name: name.qname(),
            args: Vec::new(),
            returns,
            language: "plpgsql".to_owned(),
            body: body.to_owned(),
            volatility: Volatility::Volatile,
            strict: false,
            security_definer: false,
            config: Vec::new(),
            depends_on: Vec::new(),
            comment: None,
            renamed_from: RenamedFrom::default(),
            kind: FunctionKind::Function,
            parallel: Parallel::Unsafe,
            leakproof: false,
            cost: None,
            rows: None,
            origin,
        }
    }

    /// The function was called `old` (in the same schema) before: the next migration
    /// renames it (`ALTER FUNCTION .. RENAME TO`); triggers and policies using it follow.
    pub fn renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = RenamedFrom::new(old);
        self
    }

    /// A trigger function in PL/pgSQL.
    #[track_caller]
    pub fn trigger(name: FunctionRef, body: &str) -> Self {
        Self::build(name, "trigger".to_owned(), body, Origin::here())
    }

    /// An input parameter: `.arg("p_id", BIGINT)`, `.arg("p", "anyelement")`.
    pub fn arg(self, name: &str, ty: impl Into<ArgType>) -> Self {
        self.param(name, ty.into(), ArgMode::In, None)
    }

    /// An input parameter callers may leave out: `.arg_default("p_limit", INT, "10")`.
    pub fn arg_default(self, name: &str, ty: impl Into<ArgType>, default: &str) -> Self {
        self.param(name, ty.into(), ArgMode::In, Some(default))
    }

    /// An input parameter without a name (`$1` in the body).
    pub fn unnamed_arg(self, ty: impl Into<ArgType>) -> Self {
        self.param("", ty.into(), ArgMode::In, None)
    }

    /// An `OUT` parameter: part of the result, not of the call.
    pub fn out_arg(self, name: &str, ty: impl Into<ArgType>) -> Self {
        self.param(name, ty.into(), ArgMode::Out, None)
    }

    /// An `INOUT` parameter.
    pub fn inout_arg(self, name: &str, ty: impl Into<ArgType>) -> Self {
        self.param(name, ty.into(), ArgMode::InOut, None)
    }

    /// A `VARIADIC` parameter (an array type); it must be the last input parameter.
    pub fn variadic_arg(self, name: &str, ty: impl Into<ArgType>) -> Self {
        self.param(name, ty.into(), ArgMode::Variadic, None)
    }

    /// A column of `RETURNS TABLE (...)`; the function returns the table.
    pub fn returns_column(mut self, name: &str, ty: impl Into<ArgType>) -> Self {
        "TABLE".clone_into(&mut self.returns);
        self.param(name, ty.into(), ArgMode::Table, None)
    }

    /// `RETURNS SETOF type`.
    pub fn returns_setof(mut self, ty: impl Into<ArgType>) -> Self {
        self.returns = format!("SETOF {}", ty.into().0);
        self
    }

    /// Any parameter; the typed builders above call this one.
    pub fn param(mut self, name: &str, ty: ArgType, mode: ArgMode, default: Option<&str>) -> Self {
        self.args.push(FunctionArg {
            name: name.to_owned(),
            ty: ty.0,
            mode,
            default: default.map(str::to_owned),
        });
        self
    }

    pub fn parallel_safe(mut self) -> Self {
        self.parallel = Parallel::Safe;
        self
    }

    pub fn parallel_restricted(mut self) -> Self {
        self.parallel = Parallel::Restricted;
        self
    }

    pub fn leakproof(mut self) -> Self {
        self.leakproof = true;
        self
    }

    pub fn cost(mut self, cost: u32) -> Self {
        self.cost = Some(cost);
        self
    }

    pub fn rows(mut self, rows: u32) -> Self {
        self.rows = Some(rows);
        self
    }

    pub fn is_procedure(&self) -> bool {
        self.kind == FunctionKind::Procedure
    }

    /// `TABLE` or `SETOF`: the function returns rows.
    pub fn returns_set(&self) -> bool {
        let r = self.returns.trim_start();
        r.eq_ignore_ascii_case("table")
            || r.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("setof "))
    }

    /// The function's identity as PostgreSQL has it: name and input parameter types
    /// (`core.f(integer, text)`); overloads differ in it.
    pub fn identity(&self) -> String {
        format!("{}({})", self.name, self.signature())
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

    /// The input argument types, as `DROP FUNCTION` and `COMMENT ON FUNCTION` need them
    /// (PostgreSQL ignores OUT parameters there).
    pub fn signature(&self) -> String {
        self.args
            .iter()
            .filter(|a| a.mode.is_input())
            .map(|a| a.ty.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
