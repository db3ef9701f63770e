//! rustfmt's layout without running rustfmt. The writers render each declaration as one
//! flat expression (`Table::new(T).column(col("id", INT))...`); `parse` reads it into
//! the few shapes they use (paths, literals, calls, method chains, arrays, tuples, `vec!`,
//! `|f|` closures) and lays it out with rustfmt's own algorithm for them (edition 2024,
//! default configuration): the width rules of `overflow.rs` (call arguments, arrays,
//! last-argument overflow), `chains.rs` (one line within `chain_width`, else one call per
//! line), `closures.rs` and `items.rs` (a `const`'s right-hand side). A port rather than a
//! look-alike: the fixed-point tests compare its output with rustfmt's.
//!
//! Widths are counted as rustfmt counts them: unicode width in most places, bytes where
//! rustfmt uses `len()`.

use unicode_width::UnicodeWidthStr;

pub(super) const MAX_WIDTH: usize = 100;
pub(super) const TAB: usize = 4;
pub(super) const FN_CALL_WIDTH: usize = 60;
pub(super) const ARRAY_WIDTH: usize = 60;
pub(super) const CHAIN_WIDTH: usize = 60;
pub(super) const SHORT_ITEM: usize = 10;

mod parse;
mod rewrite;
#[cfg(test)]
mod tests;

use parse::parse;
use rewrite::Cx;

/// rustfmt's `Shape` (block indent only: the writers never use visual indent).
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    pub(super) width: usize,
    pub(super) indent: usize,
    pub(super) offset: usize,
}

impl Shape {
    pub(super) fn indented(indent: usize) -> Self {
        Self {
            width: MAX_WIDTH.saturating_sub(indent),
            indent,
            offset: 0,
        }
    }

    pub(super) fn with_max_width(self) -> Self {
        Self {
            width: MAX_WIDTH.saturating_sub(self.indent),
            ..self
        }
    }

    pub(super) fn block_indent(self, extra: usize) -> Self {
        Self {
            width: self.width,
            indent: self.indent + extra,
            offset: 0,
        }
    }

    pub(super) fn sub_width(self, w: usize) -> Option<Self> {
        Some(Self {
            width: self.width.checked_sub(w)?,
            ..self
        })
    }

    pub(super) fn offset_left(self, w: usize) -> Option<Self> {
        Some(Self {
            width: self.width.checked_sub(w)?,
            offset: self.offset + w,
            ..self
        })
    }

    pub(super) fn used_width(self) -> usize {
        self.indent + self.offset
    }

    pub(super) fn rhs_overhead(self) -> usize {
        MAX_WIDTH.saturating_sub(self.used_width() + self.width)
    }

    pub(super) fn newline(self) -> String {
        format!("\n{}", " ".repeat(self.indent))
    }
}

pub(super) fn width(s: &str) -> usize {
    if s.is_ascii() { s.len() } else { s.width() }
}

pub(super) fn first_line_width(s: &str) -> usize {
    width(s.split('\n').next().unwrap_or(""))
}

pub(super) fn last_line_width(s: &str) -> usize {
    width(s.rsplit('\n').next().unwrap_or(""))
}

/// rustfmt's `filtered_str_fits`.
pub(super) fn fits(s: &str, shape: Shape) -> bool {
    if s.is_empty() {
        return true;
    }
    if first_line_width(s) > shape.width {
        return false;
    }
    if !s.contains('\n') {
        return true;
    }
    if s.split('\n').skip(1).any(|l| width(l) > MAX_WIDTH) {
        return false;
    }
    last_line_width(s) <= shape.used_width() + shape.width
}

pub(super) fn last_line_extendable(s: &str) -> bool {
    if s.ends_with("\"#") {
        return true;
    }
    for c in s.chars().rev() {
        match c {
            '(' | ')' | ']' | '}' | '?' | '>' => {}
            '\n' => break,
            c if c.is_whitespace() => {}
            _ => return false,
        }
    }
    true
}

/// A flat expression as rustfmt lays it out where its first line starts at `indent`
/// (a function body's tail expression, an argument on its own line); `None` when rustfmt
/// cannot lay it out within the width (it then keeps the text as written).
pub(super) fn layout(text: &str, shape: Shape) -> Option<String> {
    let e = parse(text)?;
    Cx::default().rewrite(&e, shape)
}

/// The body of `fn name() -> Ty {` .. `}`: the tail expression, laid out at indent 4.
/// Where rustfmt gives up (it then keeps the source as it is) see [`fallback`].
pub(crate) fn fn_body(expr: &str) -> String {
    layout(expr, Shape::indented(TAB)).unwrap_or_else(|| fallback(expr, Shape::indented(TAB)))
}

/// `pub const NAME: Ty = expr;` as rustfmt writes it (`rewrite_static` and `choose_rhs`).
pub(crate) fn constant(lhs: &str, expr: &str) -> String {
    let Some(e) = parse(expr) else {
        debug_assert!(false, "the layout cannot parse {expr}");
        return format!("{lhs} {expr};");
    };
    let cx = Cx::default();
    let shape = Shape {
        width: MAX_WIDTH - 1,
        indent: 0,
        offset: 0,
    };
    let lw = last_line_width(lhs);
    let orig_shape = shape.offset_left(lw + 1).unwrap_or(Shape {
        width: 0,
        offset: shape.offset + lw + 1,
        ..shape
    });
    let orig = cx.rewrite(&e, orig_shape);
    let rhs = match orig {
        Some(ref o) if !o.contains('\n') && width(o) <= orig_shape.width => format!(" {o}"),
        _ => {
            let new_shape = Shape::indented(TAB).sub_width(orig_shape.rhs_overhead());
            let new = new_shape.and_then(|s| cx.rewrite(&e, s));
            let nl = Shape::indented(TAB).newline();
            match (orig, new) {
                (Some(o), Some(n)) if new_shape.is_some_and(|s| !fits(&n, s)) => format!(" {o}"),
                (Some(o), Some(n)) if prefer_next_line(&o, &n) => format!("{nl}{n}"),
                (None, Some(n)) => format!("{nl}{n}"),
                (Some(o), _) => format!(" {o}"),
                (None, None) => format!(" {}", fallback(expr, orig_shape)),
            }
        }
    };
    format!("{lhs}{rhs};")
}

fn prefer_next_line(orig: &str, next: &str) -> bool {
    let first_ends = |s: &str, c: char| s.split('\n').next().is_some_and(|l| l.ends_with(c));
    !next.contains('\n')
        || orig.matches('\n').count() > next.matches('\n').count() + 1
        || (first_ends(orig, '(') && !first_ends(next, '('))
        || (first_ends(orig, '{') && !first_ends(next, '{'))
        || (first_ends(orig, '[') && !first_ends(next, '['))
}

/// Where rustfmt gives up (a line of a raw string over 100 columns) it keeps the text as
/// written: the same layout, literals taken as they are (or the writer's text if even
/// that fails).
pub(super) fn fallback(expr: &str, shape: Shape) -> String {
    let cx = Cx {
        lenient: true,
        ..Cx::default()
    };
    let parsed = parse(expr);
    // Every writer's text parses (the fixed-point tests would show one that does not).
    debug_assert!(parsed.is_some(), "the layout cannot parse {expr}");
    parsed
        .and_then(|e| cx.rewrite(&e, shape))
        .unwrap_or_else(|| expr.to_owned())
}
