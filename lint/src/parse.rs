//! Parsing a file with PostgreSQL's parser, on every core for a large file.
//!
//! `pg_query::parse` turns the whole text into one tree. Large generated migrations are
//! cut at top-level `;` into one chunk per core, parsed in parallel (libpg_query is
//! thread-safe), and their statements put back in order. Each statement keeps the offset
//! of its chunk: node locations are relative to it. When a chunk does not parse (a cut in
//! the wrong place, for example inside a `BEGIN ATOMIC … END` body, or a real syntax
//! error) the whole text is parsed again in one piece, so the result never depends on the
//! cuts.

use pg_query::protobuf::RawStmt;

/// Below this size one parse is faster than starting threads.
const PARALLEL_FROM: usize = 256 * 1024;

/// The statements of `text`, each with the byte offset its locations are relative to.
pub fn statements(text: &str) -> Result<Vec<(usize, RawStmt)>, String> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if text.len() >= PARALLEL_FROM && threads > 1 {
        // Twice as many chunks as cores: a core slowed by other work gets less of it.
        let cuts = cuts(text, threads * 2);
        if cuts.len() > 1 {
            let parsed: Vec<Result<Vec<RawStmt>, ()>> = std::thread::scope(|s| {
                let handles: Vec<_> = cuts
                    .windows(2)
                    .map(|w| {
                        let chunk = &text[w[0]..w[1]];
                        s.spawn(move || {
                            pg_query::parse(chunk)
                                .map(|p| with_lengths(p.protobuf.stmts, chunk.len()))
                                .map_err(|_| ())
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or(Err(())))
                    .collect()
            });
            if parsed.iter().all(Result::is_ok) {
                let mut out = Vec::new();
                for (base, stmts) in cuts.iter().zip(parsed) {
                    out.extend(stmts.unwrap_or_default().into_iter().map(|s| (*base, s)));
                }
                return Ok(out);
            }
        }
    }
    pg_query::parse(text)
        .map(|p| {
            with_lengths(p.protobuf.stmts, text.len())
                .into_iter()
                .map(|s| (0, s))
                .collect()
        })
        .map_err(|e| e.to_string())
}

/// The parser gives the last statement the length 0 ("to the end"): make it explicit.
fn with_lengths(mut stmts: Vec<RawStmt>, len: usize) -> Vec<RawStmt> {
    let len = i32::try_from(len).unwrap_or(i32::MAX);
    for s in &mut stmts {
        if s.stmt_len == 0 {
            s.stmt_len = len - s.stmt_location;
        }
    }
    stmts
}

/// Chunk boundaries: 0, the end of the first top-level `;` after each 1/n of the text,
/// and the text's length.
fn cuts(text: &str, n: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = vec![0];
    let mut next = text.len() / n;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' => {
                let escapes =
                    i > 0 && matches!(b[i - 1], b'E' | b'e') && (i < 2 || !is_ident(b[i - 2]));
                i += 1;
                while i < b.len() {
                    if escapes && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == b'\'' {
                        break;
                    }
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += 1;
                }
            }
            b'$' if i == 0 || !is_ident(b[i - 1]) => {
                let tag_end = b[i + 1..]
                    .iter()
                    .position(|&c| !is_ident(c))
                    .map(|p| i + 1 + p);
                let valid = tag_end
                    .is_some_and(|e| b[e] == b'$' && (e == i + 1 || !b[i + 1].is_ascii_digit()));
                if let (true, Some(e)) = (valid, tag_end) {
                    let tag = &text[i..=e];
                    match text[e + 1..].find(tag) {
                        Some(p) => i = e + 1 + p + tag.len() - 1,
                        None => i = b.len(),
                    }
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = text[i..].find('\n').map_or(b.len(), |p| i + p);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 1;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    i += 1;
                }
            }
            b';' if i >= next => {
                out.push(i + 1);
                next = (out.len() * text.len() / n).max(i + 1);
                if out.len() == n {
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if *out.last().unwrap_or(&0) < text.len() {
        out.push(text.len());
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_only_on_top_level_semicolons() {
        let text =
            "SELECT ';';\nSELECT $x$ ; $x$;\n-- ;\nSELECT \"a;\";\nSELECT E'\\';';\nSELECT 1;";
        for n in 2..8 {
            for w in cuts(text, n).windows(2) {
                let chunk = &text[w[0]..w[1]];
                assert!(pg_query::parse(chunk).is_ok(), "{n}: {chunk:?}");
            }
        }
    }

    #[test]
    fn a_large_text_parses_in_chunks_to_the_same_statements() {
        let one = "CREATE TABLE t (id int PRIMARY KEY, b text DEFAULT ';');\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n";
        let text = one.repeat(PARALLEL_FROM / one.len() + 10);
        let chunked = statements(&text).expect("parses");
        let whole = pg_query::parse(&text).expect("parses").protobuf.stmts;
        assert_eq!(chunked.len(), whole.len());
        for ((base, c), w) in chunked.iter().zip(&whole) {
            assert_eq!(*base as i32 + c.stmt_location, w.stmt_location);
        }
    }
}
