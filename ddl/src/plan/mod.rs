//! Planning: the dependency graph, the creation order and the diff between two declarations.

pub mod diff;
mod edges;
pub mod enum_rebuild;
mod functions;
pub mod graph;
mod lookup;
pub mod object;
mod partition_change;
pub mod prepared;
mod privilege_edges;
pub mod rename;
mod rename_column;
mod rows;
mod statements;
mod types;
pub(crate) mod view;
