//! The engine of the toolkit: the schema model and its DSL, validation, the dependency
//! planner, the diff between two declarations and the SQL writer. Pure: no database I/O.

/// The expression language of the DSL, re-exported so schema modules need no dependency of their own.
pub use sea_query;

pub mod checksum;
pub mod diagram;
pub mod entity;
pub mod migration;
pub mod model;
pub mod online;
pub mod sql;
pub mod synthetic;
pub mod threads;
pub mod validate;

/// Everything a schema module needs: `use ddl::prelude::*;`.
pub mod prelude {
    pub use crate::model::column::{Column, Identity, col};
    pub use crate::model::composite::{CompositeType, Field, RangeType};
    pub use crate::model::constraint::{Deferrable, FkAction, ForeignKey};
    pub use crate::model::database::Database;
    pub use crate::model::domain::{Domain, DomainCheck};
    pub use crate::model::exclusion::Exclusion;
    pub use crate::model::expr::{Literal, SqlExpr};
    pub use crate::model::function::{Aggregate, ArgMode, ArgType, FunctionKind, Parallel};
    pub use crate::model::index::{Index, IndexMethod, NullsOrder, SortOrder};
    pub use crate::model::names::ViewRef;
    pub use crate::model::names::{CompositeRef, DomainRef, RangeRef, SequenceRef};
    pub use crate::model::names::{
        FunctionRef, FunctionSource, Provider, QName, TableRef, TypeRef,
    };
    pub use crate::model::objects::{EnumType, Extension, Function, Schema, Volatility};
    pub use crate::model::partition::{Bound, PartitionKey, PartitionStrategy, monthly_partitions};
    pub use crate::model::policy::{Policy, PolicyCommand};
    pub use crate::model::privilege::{DefaultObjects, DefaultPrivileges, Grant, Privilege, Role};
    pub use crate::model::raw::Raw;
    pub use crate::model::sequence::Sequence;
    pub use crate::model::table::{Table, lit};
    pub use crate::model::trigger::{ForEach, Timing, Trigger};
    pub use crate::model::types::*;
    pub use crate::model::view::{CheckOption, Dep, View};
}
pub mod plan;
