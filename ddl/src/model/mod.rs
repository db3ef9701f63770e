//! The model: plain owned data with builders on top.

pub mod column;
pub mod constraint;
pub mod database;
pub mod expr;
pub mod index;
pub mod names;
pub mod objects;
pub mod policy;
pub mod table;
pub mod trigger;
pub mod types;
