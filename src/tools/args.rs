//! Argument conventions shared by every tool: ISO dates, stays, `detail`, `limit`/`cursor`, and
//! numbers that models sometimes send as strings.

use std::str::FromStr;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use super::error::ToolError;

/// How much of each record to return.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Detail {
    /// Compact rows with the fields most questions need (default).
    #[default]
    Summary,
    /// Every field the tool knows.
    Full,
}

/// Reads an integer sent either as a JSON number or as a numeric string ("5"). Anything else (a
/// fraction such as 40111.5, a word, a list) is refused naming what was sent.
pub fn int<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
{
    whole_number(&serde_json::Value::deserialize(deserializer)?)
}

/// Like [`int`] for optional integers; `null` is none.
pub fn opt_int<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
{
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(None),
        value => whole_number(&value).map(Some),
    }
}

/// The integer `value` holds as a JSON number or as text.
fn whole_number<E: serde::de::Error, T: FromStr>(value: &serde_json::Value) -> Result<T, E> {
    let text = match value {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.trim().to_string(),
        other => return Err(E::custom(format!("expected a whole number such as 42, got {other}"))),
    };
    text.parse().map_err(|_| E::custom(format!("expected a whole number such as 42, got {value}")))
}

/// Turns numeric text ("250", " 480.5 ") into JSON numbers wherever a tool's input schema asks for
/// a number or an integer, so every number argument of every tool accepts what models send,
/// including argument types that declare a plain `f64`. Text that is not a number is left alone:
/// deserialization then fails with a message naming the argument.
pub fn numbers_from_text(
    schema: &serde_json::Map<String, serde_json::Value>,
    arguments: &mut serde_json::Map<String, serde_json::Value>,
) {
    use serde_json::Value;
    let Some(Value::Object(properties)) = schema.get("properties") else { return };
    let kinds = |property: &Value| -> Vec<String> {
        match property.get("type") {
            Some(Value::String(kind)) => vec![kind.clone()],
            Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            _ => Vec::new(),
        }
    };
    for (name, value) in arguments.iter_mut() {
        let (Some(property), Value::String(text)) = (properties.get(name), &*value) else { continue };
        let kinds = kinds(property);
        let text = text.trim();
        let number = if kinds.iter().any(|k| k == "integer") {
            text.parse::<i64>().ok().map(Value::from)
        } else if kinds.iter().any(|k| k == "number") {
            text.parse::<f64>().ok().filter(|n| n.is_finite()).and_then(serde_json::Number::from_f64).map(Value::Number)
        } else {
            None
        };
        if let Some(number) = number {
            *value = number;
        }
    }
}

/// A text argument with surrounding space removed, or `None` when blank (models send "" for "any").
pub fn non_blank(value: Option<&str>) -> Option<String> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// Longest text accepted as a search filter; longer values are mistakes (or attacks) that would
/// only produce oversized requests to Hostaway.
pub const MAX_SEARCH_TEXT: usize = 200;

/// A search filter: trimmed, `None` when blank, refused when longer than [`MAX_SEARCH_TEXT`].
pub fn search_text(field: &'static str, value: Option<&str>) -> Result<Option<String>, ToolError> {
    match non_blank(value) {
        Some(text) if text.chars().count() > MAX_SEARCH_TEXT => Err(ToolError::invalid(
            field,
            format!("is {} characters long; use at most {MAX_SEARCH_TEXT}", text.chars().count()),
        )),
        other => Ok(other),
    }
}

/// Reads a list of ids, each a JSON number or a numeric string.
pub fn opt_ids<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<i64>>, D::Error> {
    #[derive(Deserialize)]
    struct Id(#[serde(deserialize_with = "int")] i64);
    Ok(Option::<Vec<Id>>::deserialize(deserializer)?.map(|ids| ids.into_iter().map(|Id(id)| id).collect()))
}

/// Reads Hostaway's datetime, "YYYY-MM-DD HH:MM:SS" in UTC.
pub fn hostaway_datetime(stamp: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(stamp.trim(), "%Y-%m-%d %H:%M:%S").ok()
}

/// A Hostaway datetime as ISO 8601 UTC ("2027-03-14T09:05:00Z"); text that is not a datetime
/// (a bare date, say) is passed on as it came.
pub fn iso_datetime(stamp: &str) -> String {
    hostaway_datetime(stamp).map_or_else(|| stamp.to_string(), |at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The words a date argument may use instead of YYYY-MM-DD, with their offset from today.
const DAY_WORDS: &[(&str, i64)] = &[("today", 0), ("tomorrow", 1), ("yesterday", -1)];

/// Whether `value` is one of the day words (`today`, `tomorrow`, `yesterday`), which need
/// today's date to be read; callers look today up only then.
pub fn is_day_word(value: &str) -> bool {
    DAY_WORDS.iter().any(|(word, _)| value.trim().eq_ignore_ascii_case(word))
}

/// Parses a date argument: YYYY-MM-DD, or `today`, `tomorrow`, `yesterday` (any case) counted
/// from `today`, the date where the argument applies (a listing's or the account's time zone).
pub fn date(field: &'static str, value: &str, today: NaiveDate) -> Result<NaiveDate, ToolError> {
    if let Some((_, offset)) = DAY_WORDS.iter().find(|(word, _)| value.trim().eq_ignore_ascii_case(word)) {
        return Ok(today + chrono::Duration::days(*offset));
    }
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        ToolError::invalid(
            field,
            format!("{value:?} is not a date; use YYYY-MM-DD (e.g. 2027-03-14), today, tomorrow or yesterday"),
        )
    })
}

/// Parses an optional date argument (see [`date`]).
pub fn opt_date(field: &'static str, value: Option<&str>, today: NaiveDate) -> Result<Option<NaiveDate>, ToolError> {
    value.map(|v| date(field, v, today)).transpose()
}

/// A validated range of nights: check-in inclusive, check-out exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stay {
    /// Arrival day.
    pub check_in: NaiveDate,
    /// Departure day (not a night of the stay).
    pub check_out: NaiveDate,
}

impl Stay {
    /// Parses (day words count from `today`) and checks `check_in` < `check_out`, at most
    /// `max_nights` apart.
    pub fn parse_on(check_in: &str, check_out: &str, max_nights: i64, today: NaiveDate) -> Result<Self, ToolError> {
        let (check_in, check_out) = (date("check_in", check_in, today)?, date("check_out", check_out, today)?);
        Self::new(check_in, check_out, max_nights)
    }

    /// Checks `check_in` < `check_out`, at most `max_nights` apart.
    pub fn new(check_in: NaiveDate, check_out: NaiveDate, max_nights: i64) -> Result<Self, ToolError> {
        if check_out <= check_in {
            return Err(ToolError::invalid("check_out", "must be after check_in (check-out day is exclusive)"));
        }
        if (check_out - check_in).num_days() > max_nights {
            return Err(ToolError::invalid("check_out", format!("a stay can be at most {max_nights} nights")));
        }
        Ok(Self { check_in, check_out })
    }

    /// Number of nights.
    pub fn nights(&self) -> i64 {
        (self.check_out - self.check_in).num_days()
    }
}

/// A validated inclusive date range (`start_date` .. `end_date`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    /// First day.
    pub start: NaiveDate,
    /// Last day, inclusive.
    pub end: NaiveDate,
}

impl Range {
    /// Parses (day words count from `today`) and checks `start_date` <= `end_date`, at most
    /// `max_days` days.
    pub fn parse(start: &str, end: &str, max_days: i64, today: NaiveDate) -> Result<Self, ToolError> {
        let (start, end) = (date("start_date", start, today)?, date("end_date", end, today)?);
        if end < start {
            return Err(ToolError::invalid("end_date", "must not be before start_date (the range is inclusive)"));
        }
        if (end - start).num_days() + 1 > max_days {
            return Err(ToolError::invalid("end_date", format!("the range can cover at most {max_days} days")));
        }
        Ok(Self { start, end })
    }

    /// Days in the range.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// Checks a `limit` argument and applies its default.
pub fn limit(value: Option<u32>, default: u32, max: u32) -> Result<u32, ToolError> {
    match value {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(ToolError::invalid("limit", format!("{n} is out of range; use 1 to {max}"))),
    }
}

/// An opaque paging cursor: where the next page starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursor {
    /// Skip this many rows.
    Offset(u32),
    /// Continue after this id (Hostaway's `afterId`).
    After(i64),
}

impl Cursor {
    /// The text handed to the model.
    pub fn encode(self) -> String {
        match self {
            Self::Offset(n) => format!("o{n}"),
            Self::After(id) => format!("a{id}"),
        }
    }

    /// Reads a cursor returned by an earlier call of the same tool.
    pub fn decode(value: Option<&str>) -> Result<Option<Self>, ToolError> {
        let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
        let bad = || {
            ToolError::invalid(
                "cursor",
                "not a cursor from this tool; pass next_cursor exactly as returned, or omit it",
            )
        };
        if let Some(number) = text.strip_prefix('o') {
            number.parse().map(|n| Some(Self::Offset(n))).map_err(|_| bad())
        } else if let Some(number) = text.strip_prefix('a') {
            number.parse().map(|n| Some(Self::After(n))).map_err(|_| bad())
        } else {
            Err(bad())
        }
    }
}

/// The currency to state when Hostaway sends none. The docs name no default; EUR is the
/// currency of the sandbox and of most accounts the tools were shaped on.
pub const FALLBACK_CURRENCY: &str = "EUR";

/// A record's currency, or [`FALLBACK_CURRENCY`] when it has none.
pub fn currency_or_fallback(currency: Option<&str>) -> String {
    currency.unwrap_or(FALLBACK_CURRENCY).to_string()
}

/// The currency most of `listings` keep: the account's currency where a record carries none
/// (Hostaway's expenses, owner statements' totals).
pub fn most_used_currency(listings: &[crate::hostaway::types::Listing]) -> Option<&str> {
    let mut seen: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for code in listings.iter().filter_map(|l| l.currency_code.as_deref()) {
        *seen.entry(code).or_default() += 1;
    }
    seen.into_iter().max_by_key(|(_, n)| *n).map(|(code, _)| code)
}

/// An amount with its currency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Money {
    /// The amount, rounded to cents.
    pub amount: f64,
    /// ISO 4217 currency code, e.g. EUR.
    pub currency: String,
}

impl Money {
    /// An amount in `currency`, rounded to cents. Never -0.0: an empty float sum is -0.0 in Rust,
    /// and rounding a tiny refund gives it too, but "-0.0" reads to a person as money owed.
    pub fn new(amount: f64, currency: impl Into<String>) -> Self {
        let cents = (amount * 100.0).round() / 100.0;
        Self { amount: if cents == 0.0 { 0.0 } else { cents }, currency: currency.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_junk_is_named() {
        for cursor in [Cursor::Offset(40), Cursor::After(700_123)] {
            assert_eq!(Cursor::decode(Some(&cursor.encode())).unwrap(), Some(cursor));
        }
        assert_eq!(Cursor::decode(None).unwrap(), None);
        for junk in ["zz", "ℌo1", "o", "é", "a\u{1F3E0}"] {
            let error = Cursor::decode(Some(junk)).unwrap_err();
            assert!(error.to_string().contains("`cursor`"), "{junk}: {error}");
        }
    }

    #[test]
    fn stays_and_ranges_are_checked() {
        let today = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(Stay::parse_on("2027-01-01", "2027-01-04", 30, today).unwrap().nights(), 3);
        assert!(Stay::parse_on("2027-01-04", "2027-01-04", 30, today).unwrap_err().to_string().contains("check_out"));
        assert!(Stay::parse_on("2027-1-x", "2027-01-04", 30, today).unwrap_err().to_string().contains("YYYY-MM-DD"));
        assert_eq!(Range::parse("2027-01-01", "2027-01-01", 10, today).unwrap().days(), 1);
        assert!(Range::parse("2027-01-01", "2027-03-01", 10, today).is_err());
    }

    #[test]
    fn day_words_count_from_the_given_today() {
        let today = NaiveDate::from_ymd_opt(2028, 3, 1).unwrap();
        assert_eq!(date("date", " Today ", today).unwrap(), today);
        assert_eq!(date("date", "TOMORROW", today).unwrap().to_string(), "2028-03-02");
        assert_eq!(date("date", "yesterday", today).unwrap().to_string(), "2028-02-29");
        assert!(is_day_word("Yesterday") && !is_day_word("2028-03-01"));
        assert!(date("date", "next week", today).unwrap_err().to_string().contains("tomorrow"));
    }

    #[test]
    fn numbers_may_arrive_as_strings() {
        #[derive(Deserialize)]
        struct Args {
            #[serde(deserialize_with = "int")]
            id: i64,
            #[serde(default, deserialize_with = "opt_int")]
            limit: Option<u32>,
        }
        let args: Args = serde_json::from_str(r#"{"id": "42", "limit": 5}"#).unwrap();
        assert_eq!((args.id, args.limit), (42, Some(5)));
        let args: Args = serde_json::from_str(r#"{"id": 7}"#).unwrap();
        assert_eq!((args.id, args.limit), (7, None));
        assert!(serde_json::from_str::<Args>(r#"{"id": "x"}"#).is_err());
    }

    #[test]
    fn numeric_text_becomes_a_number_where_the_schema_wants_one() {
        let schema = serde_json::json!({"properties": {
            "price": {"type": ["number", "null"]}, "days": {"type": "integer"}, "note": {"type": "string"}
        }});
        let mut arguments = serde_json::json!({"price": " 480.5", "days": "3", "note": "42", "other": "7"});
        numbers_from_text(schema.as_object().unwrap(), arguments.as_object_mut().unwrap());
        assert_eq!(arguments, serde_json::json!({"price": 480.5, "days": 3, "note": "42", "other": "7"}));
        let mut junk = serde_json::json!({"price": "cheap", "days": "2.5"});
        numbers_from_text(schema.as_object().unwrap(), junk.as_object_mut().unwrap());
        assert_eq!(junk, serde_json::json!({"price": "cheap", "days": "2.5"}));
    }
}
