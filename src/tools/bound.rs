//! The size bound on answers. Clients cap what one tool result may hold (claude.ai at about
//! 150,000 characters) and cut or drop what is longer, so a tool whose answer grows with the
//! account (listings, days, rows) stops a list early when the next row would pass the bound,
//! and says so: where the list goes on (`next_cursor`, or the argument to call again with) and why
//! it stopped. Nothing is cut silently.

use serde::Serialize;

/// The most characters a tool's answer (its JSON text) has, whatever the arguments and the size
/// of the account: two thirds of what claude.ai takes, leaving room for the conversation. Every
/// tool's largest answer on a 300-listing portfolio is tested against it
/// (`tests/it/tools/bounded.rs`).
pub const MAX_ANSWER_CHARS: usize = 100_000;

/// Characters kept free for what a tool adds after counting its rows: the note saying why a list
/// stopped, the cursor, a row standing for the rows left out.
const RESERVE: usize = 2_000;

/// Characters `value` takes in the answer's text (compact JSON, as rmcp writes it).
pub fn chars<T: Serialize>(value: &T) -> usize {
    serde_json::to_string(value).map_or(0, |text| text.chars().count())
}

/// How many of `rows`, from the first, fit in an answer whose other parts take `rest` characters.
/// At least one when there are any, so that paging always moves on.
pub fn fitting<T: Serialize>(rows: &[T], rest: usize) -> usize {
    let mut used = rest + RESERVE;
    for (i, row) in rows.iter().enumerate() {
        used += chars(row) + 1;
        if used > MAX_ANSWER_CHARS {
            return i.max(1);
        }
    }
    rows.len()
}

/// The note of a list that stopped at the bound after `shown` rows, telling how to go on.
pub fn stopped(shown: usize, what: &str, go_on: &str) -> String {
    format!("stopped after {shown} {what} to keep the answer under {MAX_ANSWER_CHARS} characters; {go_on}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_fit_up_to_the_bound_and_at_least_one_does() {
        let rows = vec!["x".repeat(9_998); 20];
        // Each row takes 10,000 characters with its quotes and 10,001 with its comma.
        assert_eq!(fitting(&rows, 0), 9);
        assert_eq!(fitting(&rows[..3], 0), 3);
        assert_eq!(fitting(&rows, MAX_ANSWER_CHARS), 1);
        assert_eq!(fitting::<String>(&[], 0), 0);
        assert!(stopped(9, "rows", "pass next_cursor for the rest").contains("9 rows"));
    }
}
