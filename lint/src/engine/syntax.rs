//! A file PostgreSQL cannot parse.

use super::Linter;
use super::context::{Site, finding};
use crate::rules;
use crate::source::Source;

impl Linter {
    /// A file PostgreSQL cannot parse: one finding at the first statement that fails on
    /// its own, and no other rule runs on the file.
    pub(super) fn syntax_error(
        &mut self,
        file_index: usize,
        file_name: &str,
        generated: bool,
        src: &Source<'_>,
        message: &str,
    ) {
        let text = src.text;
        // The parser's message has no position: parse statement by statement (split at
        // the scanner's `;` tokens) to find the first one that fails.
        let mut offset = 0;
        if let Ok(scanned) = pg_query::scan(text) {
            let mut start: Option<usize> = None;
            for t in &scanned.tokens {
                let (s, e) = (
                    usize::try_from(t.start).unwrap_or(0),
                    usize::try_from(t.end).unwrap_or(0),
                );
                let begin = *start.get_or_insert(s);
                let last = std::ptr::eq(t, scanned.tokens.last().unwrap_or(t));
                if text.get(s..e) == Some(";") || last {
                    if pg_query::parse(&text[begin..e]).is_err() {
                        offset = begin;
                        break;
                    }
                    start = None;
                }
            }
        }
        let (line, column) = src.position(offset);
        let site = Site {
            file: file_index,
            line,
            column,
            source_line: src.line_text(line).to_owned(),
            ignored: Vec::new(),
        };
        let message = message
            .trim_start_matches("Error parsing query: ")
            .to_owned();
        self.findings.push((
            file_index,
            finding(&rules::SYNTAX_ERROR, file_name, generated, &site, message),
        ));
    }
}
