//! Triggers.

use super::expr::SqlExpr;
use super::names::{FunctionRef, FunctionSource, Origin, QName};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Timing {
    Before,
    After,
    InsteadOf,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TriggerEvent {
    Insert,
    /// `UPDATE`, or `UPDATE OF columns` when the list is not empty.
    Update(Vec<String>),
    Delete,
    Truncate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ForEach {
    Row,
    Statement,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    pub timing: Timing,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<TriggerEvent>,
    pub for_each: ForEach,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<SqlExpr>,
    pub function: QName,
    /// Who provides the function: declared here, PostgreSQL, or an extension.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub function_source: FunctionSource,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Trigger {
    /// A FOR EACH ROW trigger; add events with `.on_insert()` and friends.
    #[track_caller]
    pub fn new(name: &str, timing: Timing, function: FunctionRef) -> Self {
        Self {
            name: name.to_owned(),
            timing,
            events: Vec::new(),
            for_each: ForEach::Row,
            when: None,
            function: function.qname(),
            function_source: function.source(),
            args: Vec::new(),
            origin: Origin::here(),
        }
    }

    #[track_caller]
    pub fn before(name: &str, function: FunctionRef) -> Self {
        Self::new(name, Timing::Before, function)
    }

    #[track_caller]
    pub fn after(name: &str, function: FunctionRef) -> Self {
        Self::new(name, Timing::After, function)
    }

    pub fn on_insert(mut self) -> Self {
        self.events.push(TriggerEvent::Insert);
        self
    }

    pub fn on_update(mut self) -> Self {
        self.events.push(TriggerEvent::Update(Vec::new()));
        self
    }

    pub fn on_update_of<'a>(mut self, columns: impl IntoIterator<Item = &'a str>) -> Self {
        self.events.push(TriggerEvent::Update(
            columns.into_iter().map(str::to_owned).collect(),
        ));
        self
    }

    pub fn on_delete(mut self) -> Self {
        self.events.push(TriggerEvent::Delete);
        self
    }

    pub fn on_truncate(mut self) -> Self {
        self.events.push(TriggerEvent::Truncate);
        self
    }

    pub fn for_each_statement(mut self) -> Self {
        self.for_each = ForEach::Statement;
        self
    }

    pub fn when(mut self, condition: impl Into<SqlExpr>) -> Self {
        self.when = Some(condition.into());
        self
    }

    /// A constant argument passed to the function (`TG_ARGV`).
    pub fn arg(mut self, value: &str) -> Self {
        self.args.push(value.to_owned());
        self
    }
}
