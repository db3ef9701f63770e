//! What PostgreSQL's functions have beyond a name, arguments and a body: parameter modes
//! and defaults, typed argument and return types, parallel safety, procedures and
//! aggregates.

use super::names::{FunctionRef, Origin, Provider, QName, TableRef, TypeRef};
use super::types::ColumnType;
use serde::{Deserialize, Serialize};

/// How a parameter passes its value (`proargmodes`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ArgMode {
    #[default]
    In,
    Out,
    InOut,
    Variadic,
    /// A column of `RETURNS TABLE (...)`: PostgreSQL stores it as a parameter (mode `t`).
    Table,
}

impl ArgMode {
    /// The keyword before the parameter; `IN` is left out as PostgreSQL does.
    pub fn sql(self) -> &'static str {
        match self {
            ArgMode::In | ArgMode::Table => "",
            ArgMode::Out => "OUT ",
            ArgMode::InOut => "INOUT ",
            ArgMode::Variadic => "VARIADIC ",
        }
    }

    /// Whether the parameter is part of the function's identity (`DROP FUNCTION f(..)`):
    /// PostgreSQL identifies a function by its input parameters only.
    pub fn is_input(self) -> bool {
        matches!(self, ArgMode::In | ArgMode::InOut | ArgMode::Variadic)
    }

    /// Whether the parameter is part of the result (OUT, INOUT, a TABLE column).
    pub fn is_output(self) -> bool {
        matches!(self, ArgMode::Out | ArgMode::InOut | ArgMode::Table)
    }
}

/// `PARALLEL UNSAFE | RESTRICTED | SAFE` (`proparallel`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Parallel {
    #[default]
    Unsafe,
    Restricted,
    Safe,
}

impl Parallel {
    pub fn sql(self) -> &'static str {
        match self {
            Parallel::Unsafe => "PARALLEL UNSAFE",
            Parallel::Restricted => "PARALLEL RESTRICTED",
            Parallel::Safe => "PARALLEL SAFE",
        }
    }
}

/// A function (`prokind = 'f'`) or a procedure (`prokind = 'p'`, run with `CALL`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FunctionKind {
    #[default]
    Function,
    Procedure,
}

/// A parameter or return type: typed like a column (`INT`, `varchar(10)`, `array(TEXT)`,
/// an enum or a table row type through its handle), or SQL text as the fallback
/// (`"trigger"`, `"anyelement"`). It is stored as the SQL text the migration writes, so
/// the graph finds the types and tables it names like those of a free-text type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgType(pub String);

impl From<&str> for ArgType {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<&String> for ArgType {
    fn from(s: &String) -> Self {
        Self(s.clone())
    }
}

impl From<String> for ArgType {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<ColumnType> for ArgType {
    fn from(t: ColumnType) -> Self {
        Self(crate::sql::render::type_sql(&t))
    }
}

impl From<&ColumnType> for ArgType {
    fn from(t: &ColumnType) -> Self {
        Self(crate::sql::render::type_sql(t))
    }
}

/// The row type of a table.
impl From<TableRef> for ArgType {
    fn from(t: TableRef) -> Self {
        Self(crate::sql::ident::qname(&t.qname()))
    }
}

/// An enum (or other declared type) through its handle.
impl From<TypeRef> for ArgType {
    fn from(t: TypeRef) -> Self {
        Self(crate::sql::ident::qname(&t.qname()))
    }
}

/// `CREATE AGGREGATE name(args) (SFUNC = .., STYPE = .., FINALFUNC = .., INITCOND = ..)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregate {
    pub name: QName,
    /// The argument types as SQL text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    pub sfunc: QName,
    /// Whether the state function is declared here (an edge of the graph) or built in.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub sfunc_builtin: bool,
    pub stype: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalfunc: Option<QName>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub finalfunc_builtin: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initcond: Option<String>,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub parallel: Parallel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Aggregate {
    /// An aggregate over `args` whose state, of type `stype`, `sfunc(state, args..)`
    /// computes row by row.
    #[track_caller]
    pub fn new<A: Into<ArgType>>(
        name: FunctionRef,
        args: impl IntoIterator<Item = A>,
        sfunc: FunctionRef,
        stype: impl Into<ArgType>,
    ) -> Self {
        let args = args.into_iter().map(|a| a.into().0).collect();
        Self::build(name, args, sfunc, stype.into(), Origin::here())
    }

    fn build(
        name: FunctionRef,
        args: Vec<String>,
        sfunc: FunctionRef,
        stype: ArgType,
        origin: Origin,
    ) -> Self {
        Self {
            name: name.qname(),
            args,
            sfunc: sfunc.qname(),
            sfunc_builtin: sfunc.provider != Provider::Declared,
            stype: stype.0,
            finalfunc: None,
            finalfunc_builtin: false,
            initcond: None,
            parallel: Parallel::Unsafe,
            comment: None,
            origin,
        }
    }

    /// `FINALFUNC`: computes the result from the last state.
    pub fn final_func(mut self, f: FunctionRef) -> Self {
        self.finalfunc = Some(f.qname());
        self.finalfunc_builtin = f.provider != Provider::Declared;
        self
    }

    /// `INITCOND`: the first state, as the text PostgreSQL casts to the state type.
    pub fn initial(mut self, value: &str) -> Self {
        self.initcond = Some(value.to_owned());
        self
    }

    pub fn parallel(mut self, p: Parallel) -> Self {
        self.parallel = p;
        self
    }

    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = super::comment_text(text.into());
        self
    }

    /// The argument types, as `DROP AGGREGATE` needs them.
    pub fn signature(&self) -> String {
        self.args.join(", ")
    }
}
