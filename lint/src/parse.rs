//! Parsing a file with PostgreSQL's parser, on every core for a large file, a few pieces
//! at a time.
//!
//! `pg_query::parse` turns the whole text into one tree, about 90 times the text's size
//! in memory (800 MB for a 9 MB migration of 10,000 tables). A large file is cut at
//! top-level `;` into pieces of about [`PIECE`] bytes, parsed a wave of one piece per core
//! at a time (libpg_query is thread-safe), the next wave while the caller lints the
//! current one, and each statement keeps the offset of its piece: node locations are
//! relative to it. When a piece does not parse (a cut in the wrong place, for example
//! inside a `BEGIN ATOMIC … END` body, or a real syntax error) the rest of the text from
//! that piece on is parsed in one piece, so the statements never depend on the cuts.

use pg_query::protobuf::RawStmt;

/// Below this size one parse is faster than starting threads.
pub const PARALLEL_FROM: usize = 256 * 1024;

/// The size of a piece of a large file.
const PIECE: usize = 256 * 1024;

/// Statements, each with the byte offset its locations are relative to.
pub type Batch = Vec<(usize, RawStmt)>;

/// The statements of `text`, all at once.
#[cfg(test)]
pub fn statements(text: &str) -> Result<Batch, String> {
    let mut out = Vec::new();
    for_each_batch(text, |b| out.extend(b))?;
    Ok(out)
}

/// Hands the statements of `text` to `each` in order, a batch at a time. On a syntax
/// error `each` may already have had the statements before it: the caller undoes what it
/// did with them.
pub fn for_each_batch(text: &str, mut each: impl FnMut(Batch)) -> Result<(), String> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if text.len() < PARALLEL_FROM || threads < 2 {
        each(whole(text, 0)?);
        return Ok(());
    }
    // At least twice as many pieces as cores: a core slowed by other work gets less.
    let cuts = cuts(text, (threads * 2).max(text.len() / PIECE));
    let pieces = cuts.len() - 1;
    let wave = |from: usize| -> Vec<Result<Vec<RawStmt>, ()>> {
        let to = (from + threads).min(pieces);
        std::thread::scope(|s| {
            let handles: Vec<_> = (from..to)
                .map(|i| {
                    let (a, b) = (cuts[i], cuts[i + 1]);
                    s.spawn(move || {
                        pg_query::parse(&text[a..b])
                            .map(|p| with_lengths(p.protobuf.stmts, b - a))
                            .map_err(|_| ())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(Err(())))
                .collect()
        })
    };
    let mut from = 0;
    let mut parsed = wave(0);
    loop {
        let next = from + parsed.len();
        if let Some(bad) = parsed.iter().position(Result::is_err) {
            let ok: Batch = batch(&cuts[from..], parsed.into_iter().take(bad));
            each(ok);
            each(whole(&text[cuts[from + bad]..], cuts[from + bad])?);
            return Ok(());
        }
        let current = batch(&cuts[from..], parsed.into_iter());
        if next >= pieces {
            each(current);
            return Ok(());
        }
        parsed = std::thread::scope(|s| {
            let upcoming = s.spawn(|| wave(next));
            each(current);
            upcoming.join().unwrap_or_default()
        });
        if parsed.is_empty() {
            // The wave's thread panicked: parse the rest in one piece.
            each(whole(&text[cuts[next]..], cuts[next])?);
            return Ok(());
        }
        from = next;
    }
}

/// The statements of parsed pieces starting at `cuts[0]`, `cuts[1]`, ...
fn batch(cuts: &[usize], pieces: impl Iterator<Item = Result<Vec<RawStmt>, ()>>) -> Batch {
    let mut out = Vec::new();
    for (base, stmts) in cuts.iter().zip(pieces) {
        out.extend(stmts.unwrap_or_default().into_iter().map(|s| (*base, s)));
    }
    out
}

/// `text` (at offset `base` of the file) parsed in one piece.
fn whole(text: &str, base: usize) -> Result<Batch, String> {
    pg_query::parse(text)
        .map(|p| {
            with_lengths(p.protobuf.stmts, text.len())
                .into_iter()
                .map(|s| (base, s))
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
    fn a_text_of_many_waves_with_atomic_bodies_parses_to_the_same_statements_as_one_parse() {
        // Pieces cut inside a `BEGIN ATOMIC` body fail; the rest is parsed in one piece.
        let plain = "CREATE TABLE t (id int PRIMARY KEY, b text DEFAULT ';');\n";
        let atomic =
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n";
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 6 * PIECE {
            text.push_str(if i % 7 == 3 { atomic } else { plain });
            i += 1;
        }
        let mut batches = 0;
        let mut chunked = Vec::new();
        for_each_batch(&text, |b| {
            batches += 1;
            chunked.extend(b);
        })
        .expect("parses");
        let whole = pg_query::parse(&text).expect("parses").protobuf.stmts;
        assert_eq!(chunked.len(), whole.len());
        for ((base, c), w) in chunked.iter().zip(&whole) {
            assert_eq!(*base as i32 + c.stmt_location, w.stmt_location);
        }
        assert!(batches >= 1);
    }

    #[test]
    fn a_large_text_of_plain_statements_is_handed_over_in_several_batches() {
        let one = "CREATE TABLE t (id int PRIMARY KEY, b text);\n";
        let text = one.repeat(8 * PIECE / one.len());
        let mut sizes = Vec::new();
        for_each_batch(&text, |b| sizes.push(b.len())).expect("parses");
        assert_eq!(sizes.iter().sum::<usize>(), 8 * PIECE / one.len());
        if std::thread::available_parallelism().map_or(1, usize::from) > 1 {
            assert!(sizes.len() > 1, "one batch: {sizes:?}");
        }
    }

    #[test]
    fn a_syntax_error_in_a_late_piece_is_an_error() {
        let one = "CREATE TABLE t (id int PRIMARY KEY, b text);\n";
        let mut text = one.repeat(4 * PIECE / one.len());
        text.push_str("CREATE TABLE broken (;\n");
        text.push_str(&one.repeat(10));
        assert!(for_each_batch(&text, |_| {}).is_err());
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
