//! Positions, comments and the headers of a migration file.

/// Line starts of a text, for byte offset -> (line, column).
#[derive(Debug)]
pub struct Source<'a> {
    pub text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { text, line_starts }
    }

    /// 1-based (line, column in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, column + 1)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

/// The offset of the first token at or after `pos`: whitespace, `--` comments and
/// `/* */` comments (nested, as PostgreSQL nests them) are skipped.
pub fn skip_trivia(text: &str, mut pos: usize) -> usize {
    let b = text.as_bytes();
    while pos < b.len() {
        match b[pos] {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => pos += 1,
            b'-' if b.get(pos + 1) == Some(&b'-') => {
                pos = text[pos..].find('\n').map_or(b.len(), |i| pos + i + 1);
            }
            b'/' if b.get(pos + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while pos < b.len() {
                    if b[pos] == b'/' && b.get(pos + 1) == Some(&b'*') {
                        depth += 1;
                        pos += 2;
                    } else if b[pos] == b'*' && b.get(pos + 1) == Some(&b'/') {
                        depth -= 1;
                        pos += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        pos += 1;
                    }
                }
            }
            _ => break,
        }
    }
    pos
}

/// One `-- lint: ignore CODE[, CODE…] reason` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    pub codes: Vec<String>,
    pub reason: String,
    /// Byte offset of the comment.
    pub offset: usize,
}

const IGNORE_PREFIX: &str = "lint:";

/// The ignore comments among the `--` comment lines of `text[from..to]` (the gap between
/// the previous statement and this one's first token).
pub fn ignores(text: &str, from: usize, to: usize) -> Vec<Ignore> {
    let mut out = Vec::new();
    let mut offset = from;
    for line in text[from..to].split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        let Some(comment) = trimmed.strip_prefix("--") else {
            continue;
        };
        let Some(rest) = comment.trim_start().strip_prefix(IGNORE_PREFIX) else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("ignore") else {
            continue;
        };
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let rest = rest.trim();
        // Codes: kebab-case words separated by commas; the reason is what follows.
        let mut codes = Vec::new();
        let mut remaining = rest;
        loop {
            let end = remaining
                .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
                .unwrap_or(remaining.len());
            if end == 0 {
                break;
            }
            codes.push(remaining[..end].to_owned());
            remaining = &remaining[end..];
            let after_comma = remaining.trim_start().strip_prefix(',');
            match after_comma {
                Some(r) => remaining = r.trim_start(),
                None => break,
            }
        }
        let reason = remaining
            .trim_start_matches([':', ' ', '\t', '-', '—'])
            .trim()
            .to_owned();
        out.push(Ignore {
            codes,
            reason,
            offset: here + (line.len() - trimmed.len()),
        });
    }
    out
}

/// What the leading comment block of a file says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Header {
    /// `-- @transaction: none`: statements run one by one, outside a transaction.
    pub no_transaction: bool,
    /// `-- @generated`: written by codegen from the declarations.
    pub generated: bool,
    /// The file is a migration (a `@` header, or a `NNN_name.sql` name): the runner's
    /// rules about transactions apply.
    pub migration: bool,
}

/// Reads the leading comment block (the lines before the first that is neither blank
/// nor a `--` comment), as the migration runner does.
pub fn header(file_name: &str, text: &str) -> Header {
    let mut h = Header::default();
    for raw in text.lines() {
        let line = raw.trim();
        if !(line.is_empty() || line.starts_with("--")) {
            break;
        }
        if let Some(v) = line.strip_prefix("-- @transaction:") {
            h.migration = true;
            h.no_transaction = v.trim() == "none";
        }
        if line.starts_with("-- @generated") {
            h.generated = true;
            h.migration = true;
        }
    }
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let numbered = base.len() > 4
        && base.as_bytes()[..3].iter().all(u8::is_ascii_digit)
        && base.as_bytes()[3] == b'_'
        && base.ends_with(".sql");
    h.migration |= numbered;
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let s = Source::new("ab\nçd\n");
        assert_eq!(s.position(0), (1, 1));
        assert_eq!(s.position(3), (2, 1));
        assert_eq!(s.position(6), (2, 3));
        assert_eq!(s.line_text(2), "çd");
    }

    #[test]
    fn trivia_skips_comments_and_blank_lines() {
        let t = "\n-- x\n/* a /* b */ c */ SELECT";
        assert_eq!(&t[skip_trivia(t, 0)..], "SELECT");
    }

    #[test]
    fn ignore_comments_give_codes_and_reason() {
        let t = "-- lint: ignore a-b, c-d: backfilled in 004\n-- lint: ignore e-f\n";
        let i = ignores(t, 0, t.len());
        assert_eq!(i.len(), 2);
        assert_eq!(i[0].codes, ["a-b", "c-d"]);
        assert_eq!(i[0].reason, "backfilled in 004");
        assert_eq!(i[1].codes, ["e-f"]);
        assert_eq!(i[1].reason, "");
    }

    #[test]
    fn headers_mark_generated_and_non_transactional_files() {
        let h = header(
            "x.sql",
            "-- @generated by codegen\n-- @transaction: none\nSELECT 1;\n",
        );
        assert!(h.generated && h.no_transaction && h.migration);
        let h = header("x.sql", "SELECT 1;\n-- @transaction: none\n");
        assert!(!h.no_transaction && !h.migration);
        assert!(header("dir/002_add_x.sql", "").migration);
    }
}
