//! Planning: the dependency graph, the creation order and the diff between two declarations.

pub mod diff;
pub mod graph;
pub mod object;
