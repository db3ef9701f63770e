//! What happens to a column's values when its type changes.
//!
//! A widening keeps every value exactly (`varchar(8)` to `varchar(20)` or `text`, `int`
//! to `bigint`, `numeric(10,2)` to `numeric(12,2)`); anything else may round, cut or
//! reinterpret a value (`numeric(12,2)` to `numeric(12,0)` rounds 1234.56 to 1235
//! without a word from PostgreSQL). Lossy changes are destructive: gated by
//! `--allow-destructive`, marked in the file, and guarded at apply time unless the
//! declaration says how to convert (`.using(..)`).

use super::types::ColumnType;

/// How a type change treats existing values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conversion {
    /// Every value of the old type is kept exactly.
    Widening,
    /// Some values may change or be refused.
    Lossy,
}

impl ColumnType {
    /// How values of this type fare when the column becomes `to`.
    pub fn conversion_to(&self, to: &ColumnType) -> Conversion {
        if widens(self, to) {
            Conversion::Widening
        } else {
            Conversion::Lossy
        }
    }
}

/// Digits before the decimal point that an integer type needs.
fn integer_digits(t: &ColumnType) -> Option<i32> {
    match t {
        ColumnType::SmallInt => Some(5),
        ColumnType::Integer => Some(10),
        ColumnType::BigInt => Some(19),
        _ => None,
    }
}

fn widens(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType as T;
    if from == to {
        return true;
    }
    match (from, to) {
        // Every value has an exact text form (floats print their shortest exact digits).
        (_, T::Text | T::Varchar(None)) => true,
        (T::Text | T::Varchar(_) | T::Char(_), T::Citext) => true,
        (T::SmallInt, T::Integer | T::BigInt | T::Real | T::Double) => true,
        (T::Integer, T::BigInt | T::Double) => true,
        (T::SmallInt | T::Integer | T::BigInt, T::Numeric(None)) => true,
        (i, T::Numeric(Some((p, s)))) if integer_digits(i).is_some() => {
            integer_digits(i).is_some_and(|d| i32::from(*p) - i32::from(*s) >= d)
        }
        (T::Numeric(Some(_)), T::Numeric(None)) => true,
        (T::Numeric(Some((p, s))), T::Numeric(Some((p2, s2)))) => {
            s2 >= s && i32::from(*p2) - i32::from(*s2) >= i32::from(*p) - i32::from(*s)
        }
        (T::Real, T::Double) => true,
        (T::Varchar(Some(n)), T::Varchar(Some(m))) => m >= n,
        // char(n) pads with blanks, which it treats as insignificant.
        (T::Char(n), T::Char(m)) => m.unwrap_or(1) >= n.unwrap_or(1),
        (T::Char(n), T::Varchar(Some(m))) => *m >= n.unwrap_or(1),
        (T::Date, T::Timestamp | T::Timestamptz) => true,
        (T::Jsonb, T::Json) => true,
        (T::Cidr, T::Inet) => true,
        (T::Array(a), T::Array(b)) => widens(a, b),
        _ => false,
    }
}

/// Whether `ALTER COLUMN ... TYPE` rewrites the table: not when the new type is binary
/// compatible and at least as wide (a longer or unbounded varchar, varchar to text, more
/// numeric precision at the same scale, cidr to inet).
pub fn rewrites(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType as T;
    !matches!(
        (from, to),
        (T::Varchar(_), T::Text | T::Varchar(None))
            | (T::Text, T::Varchar(None))
            | (T::Cidr, T::Inet)
    ) && !match (from, to) {
        (T::Varchar(Some(n)), T::Varchar(Some(m))) => m >= n,
        (T::Numeric(Some((p, s))), T::Numeric(Some((p2, s2)))) => s == s2 && p2 >= p,
        (T::Numeric(Some(_)), T::Numeric(None)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::types::*;

    #[test]
    fn widenings_keep_every_value() {
        for (a, b) in [
            (varchar(8), varchar(20)),
            (varchar(8), TEXT),
            (varchar(8), ColumnType::Varchar(None)),
            (INT, BIGINT),
            (SMALLINT, INT),
            (numeric(10, 2), numeric(12, 2)),
            (numeric(10, 2), numeric(11, 3)),
            (numeric(10, 2), NUMERIC),
            (INT, numeric(10, 0)),
            (BIGINT, TEXT),
            (JSONB, TEXT),
            (DATE, TIMESTAMPTZ),
            (array(INT), array(BIGINT)),
        ] {
            assert_eq!(a.conversion_to(&b), Conversion::Widening, "{a:?} -> {b:?}");
        }
    }

    #[test]
    fn narrowings_and_reinterpretations_are_lossy() {
        for (a, b) in [
            (varchar(20), varchar(8)),
            (TEXT, varchar(8)),
            (numeric(12, 2), numeric(12, 0)),
            (numeric(12, 2), numeric(11, 2)),
            (NUMERIC, numeric(12, 2)),
            (TIMESTAMPTZ, DATE),
            (TIMESTAMPTZ, TIMESTAMP),
            (BIGINT, INT),
            (INT, REAL),
            (INT, numeric(9, 0)),
            (DOUBLE, REAL),
            (JSON, JSONB),
            (TEXT, INT),
            (array(BIGINT), array(INT)),
        ] {
            assert_eq!(a.conversion_to(&b), Conversion::Lossy, "{a:?} -> {b:?}");
        }
    }
}
