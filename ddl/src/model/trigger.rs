//! Triggers.

use super::constraint::Deferrable;
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
    /// `REFERENCING OLD TABLE AS name`: the transition table of the rows before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_table: Option<String>,
    /// `REFERENCING NEW TABLE AS name`: the transition table of the rows after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_table: Option<String>,
    /// A `CONSTRAINT TRIGGER`, with how it may be deferred; None for a plain trigger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<Deferrable>,
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
            old_table: None,
            new_table: None,
            constraint: None,
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

    /// `CREATE CONSTRAINT TRIGGER`: an AFTER ... FOR EACH ROW trigger that can be
    /// deferred to commit (chain `.deferrable()`).
    #[track_caller]
    pub fn constraint(name: &str, function: FunctionRef) -> Self {
        let mut t = Self::new(name, Timing::After, function);
        t.constraint = Some(Deferrable::No);
        t
    }

    /// `DEFERRABLE INITIALLY DEFERRED` (constraint triggers): fires at commit.
    pub fn deferrable(mut self) -> Self {
        self.constraint = Some(Deferrable::InitiallyDeferred);
        self
    }

    /// `DEFERRABLE INITIALLY IMMEDIATE` (constraint triggers).
    pub fn deferrable_immediate(mut self) -> Self {
        self.constraint = Some(Deferrable::InitiallyImmediate);
        self
    }

    /// `REFERENCING OLD TABLE AS name` (AFTER triggers on UPDATE or DELETE).
    pub fn referencing_old_table(mut self, name: &str) -> Self {
        self.old_table = Some(name.to_owned());
        self
    }

    /// `REFERENCING NEW TABLE AS name` (AFTER triggers on INSERT or UPDATE).
    pub fn referencing_new_table(mut self, name: &str) -> Self {
        self.new_table = Some(name.to_owned());
        self
    }

    /// A constant argument passed to the function (`TG_ARGV`).
    pub fn arg(mut self, value: &str) -> Self {
        self.args.push(value.to_owned());
        self
    }
}
