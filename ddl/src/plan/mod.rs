//! Planning: the dependency graph, the creation order and the diff between two declarations.

pub mod diff;
mod edges;
mod functions;
pub mod enum_rebuild;
pub mod graph;
pub mod object;
pub(crate) mod view;
mod types;
mod partition_change;
mod privilege_edges;
pub mod rename;
mod rename_column;
