//! The one error renderer: every failure is one line, `error: <what, where, what to do>`.

/// The error and its causes on one line, without repeating a cause the message already
/// includes.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_join_on_one_line() {
        let e = anyhow::anyhow!("inner\nproblem").context("outer");
        assert_eq!(one_line(&e), "outer: inner problem");
    }
}
