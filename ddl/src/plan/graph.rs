//! The dependency graph and the creation order derived from it.

use super::edges::collect_edges;
use super::lookup::Lookup;
use super::object::{Key, Object, TABLE_PHASE, objects};
use crate::model::database::Database;
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeSet, HashMap, VecDeque};

/// Why one object needs another; shown when they form a cycle.
#[derive(Clone, Debug)]
pub struct Edge {
    pub reason: String,
    /// A foreign key between two tables: the one kind of edge `.add_later()` can break.
    pub foreign_key: bool,
}

/// Objects and their "needs" edges (dependent -> dependency).
#[derive(Debug)]
pub struct Graph<'a> {
    pub objects: Vec<Object<'a>>,
    pub keys: Vec<Key>,
    pub graph: DiGraph<usize, Edge>,
    lookup: Lookup<'a>,
}

/// A set of objects that need each other: the edges of one cycle, in order.
#[derive(Clone, Debug)]
pub struct Cycle {
    pub edges: Vec<Edge>,
    /// The objects on the cycle, each with its declaration site.
    pub objects: Vec<(String, crate::model::names::Origin)>,
}

impl Cycle {
    /// `core.a.b_id -> core.b, core.b.a_id -> core.a`
    pub fn path(&self) -> String {
        self.edges
            .iter()
            .map(|e| e.reason.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn only_foreign_keys(&self) -> bool {
        self.edges.iter().all(|e| e.foreign_key)
    }
}

impl<'a> Graph<'a> {
    pub fn build(db: &'a Database) -> Self {
        let objects = objects(db);
        let keys: Vec<Key> = objects.iter().map(Object::key).collect();
        let mut graph = DiGraph::with_capacity(objects.len(), objects.len() * 2);
        for i in 0..objects.len() {
            graph.add_node(i);
        }
        let mut g = Graph {
            objects,
            keys,
            graph,
            lookup: Lookup::default(),
        };
        g.lookup = Lookup::new(&g.objects);
        let mut edges = Vec::new();
        for (i, o) in g.objects.iter().enumerate() {
            collect_edges(i, o, &g.lookup, false, &mut edges);
        }
        for (from, to, edge) in edges {
            if from != to || !edge.foreign_key {
                g.graph
                    .add_edge(NodeIndex::new(from), NodeIndex::new(to), edge);
            }
        }
        g
    }

    /// The creation order: Kahn's algorithm over a name-ordered ready set. After a table,
    /// its own indexes, triggers and policies come next when they are ready, so the file
    /// reads table by table. The same declaration always gives the same order.
    pub fn order(&self) -> Result<Vec<usize>, Vec<Cycle>> {
        let n = self.objects.len();
        let mut pending: Vec<usize> = (0..n)
            .map(|i| {
                self.graph
                    .neighbors_directed(NodeIndex::new(i), Direction::Outgoing)
                    .count()
            })
            .collect();
        // A node with two edges to the same dependency counts it twice; so does the
        // decrement below, which walks edges, not distinct neighbours.
        let mut ready: BTreeSet<(&Key, usize)> = (0..n)
            .filter(|&i| pending[i] == 0)
            .map(|i| (&self.keys[i], i))
            .collect();
        let mut out = Vec::with_capacity(n);
        let mut last_group: Option<&str> = None;
        while let Some(next) = self.pick(&ready, last_group) {
            ready.remove(&(&self.keys[next], next));
            out.push(next);
            let key = &self.keys[next];
            last_group = (key.phase == TABLE_PHASE).then_some(key.group.as_str());
            for e in self
                .graph
                .edges_directed(NodeIndex::new(next), Direction::Incoming)
            {
                let m = petgraph::visit::EdgeRef::source(&e).index();
                pending[m] -= 1;
                if pending[m] == 0 {
                    ready.insert((&self.keys[m], m));
                }
            }
        }
        if out.len() == n {
            Ok(out)
        } else {
            Err(self.cycles())
        }
    }

    fn pick(&self, ready: &BTreeSet<(&Key, usize)>, group: Option<&str>) -> Option<usize> {
        if let Some(g) = group {
            let probe = Key {
                phase: TABLE_PHASE,
                group: g.to_owned(),
                kind: 0,
                name: String::new(),
            };
            if let Some((k, i)) = ready.range((&probe, 0)..).next()
                && k.phase == TABLE_PHASE
                && k.group == g
            {
                return Some(*i);
            }
        }
        ready.iter().next().map(|(_, i)| *i)
    }

    /// Every cycle, one per strongly connected component, as the shortest path from the
    /// component's first object (by name) back to itself.
    pub fn cycles(&self) -> Vec<Cycle> {
        let mut out = Vec::new();
        let mut sccs = petgraph::algo::tarjan_scc(&self.graph);
        sccs.iter_mut()
            .for_each(|c| c.sort_by(|a, b| self.keys[a.index()].cmp(&self.keys[b.index()])));
        sccs.sort_by(|a, b| self.keys[a[0].index()].cmp(&self.keys[b[0].index()]));
        for scc in sccs {
            let start = scc[0];
            let self_loop = self.graph.contains_edge(start, start);
            if scc.len() < 2 && !self_loop {
                continue;
            }
            let members: BTreeSet<NodeIndex> = scc.iter().copied().collect();
            if let Some(path) = self.shortest_cycle(start, &members) {
                out.push(path);
            }
        }
        out
    }

    /// The edge from `a` to `b` with its reason.
    fn describe(&self, a: usize, b: usize) -> Edge {
        let mut edges = Vec::new();
        collect_edges(a, &self.objects[a], &self.lookup, true, &mut edges);
        edges
            .into_iter()
            .find(|(_, to, _)| *to == b)
            .map(|(_, _, e)| e)
            .unwrap_or(Edge {
                reason: format!(
                    "{} -> {}",
                    self.objects[a].display_name(),
                    self.objects[b].display_name()
                ),
                foreign_key: false,
            })
    }

    fn shortest_cycle(&self, start: NodeIndex, members: &BTreeSet<NodeIndex>) -> Option<Cycle> {
        // BFS over "needs" edges, successors in name order, back to `start`.
        let mut prev: HashMap<NodeIndex, (NodeIndex, petgraph::graph::EdgeIndex)> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut end = None;
        'bfs: while let Some(n) = queue.pop_front() {
            let mut next: Vec<_> = self
                .graph
                .edges_directed(n, Direction::Outgoing)
                .filter(|e| members.contains(&petgraph::visit::EdgeRef::target(e)))
                .map(|e| {
                    (
                        petgraph::visit::EdgeRef::target(&e),
                        petgraph::visit::EdgeRef::id(&e),
                    )
                })
                .collect();
            next.sort_by(|a, b| self.keys[a.0.index()].cmp(&self.keys[b.0.index()]));
            for (m, eid) in next {
                if m == start {
                    end = Some((n, eid));
                    break 'bfs;
                }
                if let std::collections::hash_map::Entry::Vacant(v) = prev.entry(m) {
                    v.insert((n, eid));
                    queue.push_back(m);
                }
            }
        }
        let (mut n, last) = end?;
        let mut edge_ids = vec![last];
        while n != start {
            let (p, e) = prev[&n];
            edge_ids.push(e);
            n = p;
        }
        edge_ids.reverse();
        let edges: Vec<Edge> = edge_ids
            .iter()
            .filter_map(|e| self.graph.edge_endpoints(*e))
            .map(|(a, b)| self.describe(a.index(), b.index()))
            .collect();
        let objects = edge_ids
            .iter()
            .filter_map(|e| self.graph.edge_endpoints(*e))
            .map(|(a, _)| {
                let o = &self.objects[a.index()];
                (o.display_name(), o.origin())
            })
            .collect();
        Some(Cycle { edges, objects })
    }
}

impl<'a> Graph<'a> {
    /// What object `i` needs, each with the reason: for documents that explain the order.
    pub fn needs(&self, i: usize) -> Vec<(usize, Edge)> {
        let mut edges = Vec::new();
        collect_edges(i, &self.objects[i], &self.lookup, true, &mut edges);
        let mut out: Vec<(usize, Edge)> = edges
            .into_iter()
            .filter(|(_, to, _)| *to != i)
            .map(|(_, to, e)| (to, e))
            .collect();
        out.sort_by(|a, b| {
            self.keys[a.0]
                .cmp(&self.keys[b.0])
                .then(a.1.reason.cmp(&b.1.reason))
        });
        out.dedup_by(|a, b| a.0 == b.0 && a.1.reason == b.1.reason);
        out
    }
}
