//! `-- lint: ignore CODE reason` comments.

use super::Linter;
use super::context::{Site, finding};
use crate::rules;
use crate::source::{self, Source};

impl Linter {
    /// The codes exempted for the next statement; reports ignores without a reason or
    /// naming no known rule.
    pub(super) fn ignores(
        &mut self,
        file_index: usize,
        file_name: &str,
        generated: bool,
        src: &Source<'_>,
        from: usize,
        to: usize,
    ) -> Vec<String> {
        let mut codes = Vec::new();
        for ig in source::ignores(src.text, from, to.max(from)) {
            let (line, column) = src.position(ig.offset);
            let site = Site {
                file: file_index,
                line,
                column,
                source_line: src.line_text(line).to_owned(),
                ignored: Vec::new(),
            };
            if ig.codes.is_empty() || ig.reason.is_empty() {
                let message = if ig.codes.is_empty() {
                    "`-- lint: ignore` names no rule code".to_owned()
                } else {
                    format!(
                        "`-- lint: ignore {}` gives no reason, so it exempts nothing",
                        ig.codes.join(", ")
                    )
                };
                self.findings.push((
                    file_index,
                    finding(
                        &rules::IGNORE_WITHOUT_REASON,
                        file_name,
                        generated,
                        &site,
                        message,
                    ),
                ));
                continue;
            }
            for code in ig.codes {
                if rules::rule(&code).is_none() {
                    self.findings.push((
                        file_index,
                        finding(
                            &rules::UNKNOWN_RULE_IN_IGNORE,
                            file_name,
                            generated,
                            &site,
                            format!("`-- lint: ignore {code}`: there is no rule `{code}`"),
                        ),
                    ));
                }
                codes.push(code);
            }
        }
        codes
    }
}
