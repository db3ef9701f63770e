//! A declaration made ready once for everything derived from it: sorted (canonical), its
//! dependency graph built and ordered. Codegen plans the migration and renders the
//! entities and the schema pages from one `Prepared`; before, each of the three sorted a
//! copy of the declaration (72 ms at 10,000 tables) and built its own graph (39 ms), a
//! third of the processor time of a codegen run with nothing to do (docs/performance.md).

use super::diff::{PlanError, Planned};
use super::graph::{Cycle, Graph};
use crate::model::database::Database;

/// The declaration as written and in canonical order, with the canonical one's graph.
#[derive(Debug)]
pub struct Prepared<'a> {
    /// As declared: validation reports in declaration order.
    pub declared: &'a Database,
    /// `declared.canonical()`: what is planned, snapshotted and rendered.
    pub canonical: &'a Database,
    /// The graph of `canonical` and its creation order. With a cycle the order is the
    /// objects' index order, which `entity::files` and `diagram::pages` fall back to;
    /// planning refuses it.
    pub planned: Planned<'a>,
    pub cycles: Vec<Cycle>,
}

/// Owns the canonical copy a [`Prepared`] borrows.
#[derive(Debug)]
pub struct Canonical(Database);

impl Canonical {
    pub fn of(declared: &Database) -> Self {
        Self(declared.canonical())
    }

    /// Builds the graph of the canonical declaration; `declared` must be the declaration
    /// this was made from.
    pub fn prepare<'a>(&'a self, declared: &'a Database) -> Prepared<'a> {
        let graph = Graph::build(&self.0);
        let (order, cycles) = match graph.order() {
            Ok(order) => (order, Vec::new()),
            Err(cycles) => ((0..graph.objects.len()).collect(), cycles),
        };
        Prepared {
            declared,
            canonical: &self.0,
            planned: Planned { graph, order },
            cycles,
        }
    }
}

impl<'a> Prepared<'a> {
    /// The plan of the canonical declaration, or why there is none.
    pub fn plan(&self) -> Result<&Planned<'a>, PlanError> {
        if self.cycles.is_empty() {
            Ok(&self.planned)
        } else {
            Err(PlanError::Cycles(self.cycles.clone()))
        }
    }
}
