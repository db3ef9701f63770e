//! Writing SQL text.

pub mod fragment;
pub mod ident;
mod keywords;
pub mod render;
pub mod scan;
