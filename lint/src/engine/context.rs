//! Where a statement is, for the rules that check it and the findings they report.

use crate::Finding;
use crate::rules::Rule;
use crate::source::Source;

use super::state::{FileState, State};

/// Where a finding points, with the ignore codes in force for its statement.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Site {
    pub(super) file: usize,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) source_line: String,
    pub(super) ignored: Vec<String>,
}

/// What a rule sees while it checks one statement.
#[derive(Debug)]
pub(crate) struct Cx<'a> {
    pub state: &'a State,
    pub file: &'a mut FileState,
    pub(super) src: &'a Source<'a>,
    pub(super) file_index: usize,
    /// Offset of the statement's first token.
    pub(super) stmt_offset: usize,
    /// What node locations are relative to (the start of the parsed chunk).
    pub(super) base: usize,
    pub(super) ignored: &'a [String],
    pub(super) findings: &'a mut Vec<(usize, Finding)>,
    pub(super) generated: bool,
    pub(super) file_name: &'a str,
}

impl Cx<'_> {
    /// Reports a finding at `offset` (a node's location; negative: the statement's start),
    /// unless the statement's ignore comments exempt it.
    pub fn report(&mut self, rule: &'static Rule, offset: i32, message: String) {
        if self.ignored.iter().any(|c| c == rule.code) {
            return;
        }
        let site = self.site(offset);
        self.findings.push((
            self.file_index,
            finding(rule, self.file_name, self.generated, &site, message),
        ));
    }

    /// The place of a node (negative offset: the statement), with this statement's ignores.
    pub fn site(&self, offset: i32) -> Site {
        let offset = usize::try_from(offset).map_or(self.stmt_offset, |o| self.base + o);
        let (line, column) = self.src.position(offset);
        Site {
            file: self.file_index,
            line,
            column,
            source_line: self.src.line_text(line).to_owned(),
            ignored: self.ignored.to_vec(),
        }
    }

    /// Whether the table was created earlier in this file.
    pub fn is_new(&self, key: &str) -> bool {
        self.file.new_tables.contains(key)
    }
}

pub(super) fn finding(
    rule: &'static Rule,
    file: &str,
    generated: bool,
    site: &Site,
    message: String,
) -> Finding {
    Finding {
        code: rule.code,
        severity: rule.severity,
        file: file.to_owned(),
        line: site.line,
        column: site.column,
        message,
        help: rule.alternative,
        source_line: site.source_line.clone(),
        generated,
    }
}

/// Places of nodes for the state (foreign keys), with the statement's ignores.
pub(super) struct Sites<'a> {
    pub(super) src: &'a Source<'a>,
    pub(super) file: usize,
    pub(super) ignored: &'a [String],
    pub(super) stmt_offset: usize,
    pub(super) base: usize,
}

impl Sites<'_> {
    /// The place of a node (negative offset: the statement's first token).
    pub(super) fn at(&self, offset: i32) -> Site {
        let o = usize::try_from(offset).map_or(self.stmt_offset, |o| self.base + o);
        let (line, column) = self.src.position(o);
        Site {
            file: self.file,
            line,
            column,
            source_line: self.src.line_text(line).to_owned(),
            ignored: self.ignored.to_vec(),
        }
    }

    pub(super) fn here(&self) -> Site {
        self.at(-1)
    }
}
