//! Planning: the dependency graph, the creation order and the diff between two declarations.

pub mod diff;
mod edges;
pub mod graph;
pub mod object;
