//! Writing SQL text.

pub mod ident;
mod keywords;
pub mod render;
pub mod scan;
