//! Identifiers: quoted exactly when PostgreSQL needs it.

use super::keywords::NEEDS_QUOTES;
use crate::model::names::QName;
use std::borrow::Cow;

/// The identifier as SQL: bare when it is a lower-case name that is not a keyword
/// PostgreSQL reserves, double-quoted (with `"` doubled) otherwise.
pub fn ident(name: &str) -> Cow<'_, str> {
    let mut chars = name.chars();
    let plain = matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain && NEEDS_QUOTES.binary_search(&name).is_err() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(format!("\"{}\"", name.replace('"', "\"\"")))
    }
}

/// `schema.name`, each part quoted as needed.
pub fn qname(q: &QName) -> String {
    format!("{}.{}", ident(&q.schema), ident(&q.name))
}

/// A comma-separated list of identifiers.
pub fn ident_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_case_names_stay_bare() {
        assert_eq!(ident("tenant_id"), "tenant_id");
        assert_eq!(ident("version"), "version");
        assert_eq!(ident("_x$1"), "_x$1");
    }

    #[test]
    fn reserved_words_mixed_case_and_odd_characters_are_quoted() {
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("order"), "\"order\"");
        assert_eq!(ident("Users"), "\"Users\"");
        assert_eq!(ident("uuid-ossp"), "\"uuid-ossp\"");
        assert_eq!(ident("1st"), "\"1st\"");
        assert_eq!(ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(ident(""), "\"\"");
    }

    #[test]
    fn keyword_list_is_sorted_for_binary_search() {
        assert!(NEEDS_QUOTES.windows(2).all(|w| w[0] < w[1]));
    }
}
