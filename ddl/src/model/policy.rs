//! Row-level-security policies.

use super::expr::SqlExpr;
use super::names::Origin;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PolicyCommand {
    #[default]
    All,
    Select,
    Insert,
    Update,
    Delete,
}

impl PolicyCommand {
    pub fn sql(self) -> &'static str {
        match self {
            PolicyCommand::All => "ALL",
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    /// PERMISSIVE (true) policies are OR-ed together; RESTRICTIVE ones are AND-ed on top.
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub permissive: bool,
    #[serde(default, skip_serializing_if = "crate::model::is_default")]
    pub command: PolicyCommand,
    /// Roles the policy applies to; empty means PUBLIC.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<SqlExpr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<SqlExpr>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Policy {
    /// A permissive policy for all commands and roles.
    #[track_caller]
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            permissive: true,
            command: PolicyCommand::All,
            roles: Vec::new(),
            using: None,
            with_check: None,
            origin: Origin::here(),
        }
    }

    pub fn restrictive(mut self) -> Self {
        self.permissive = false;
        self
    }

    pub fn command(mut self, command: PolicyCommand) -> Self {
        self.command = command;
        self
    }

    pub fn to<'a>(mut self, roles: impl IntoIterator<Item = &'a str>) -> Self {
        self.roles.extend(roles.into_iter().map(str::to_owned));
        self
    }

    pub fn using(mut self, expr: impl Into<SqlExpr>) -> Self {
        self.using = Some(expr.into());
        self
    }

    pub fn with_check(mut self, expr: impl Into<SqlExpr>) -> Self {
        self.with_check = Some(expr.into());
        self
    }
}
