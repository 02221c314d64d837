//! Hostaway's JSON can carry a lone UTF-16 surrogate escape (`"\ud800"`), left where a channel cut
//! a guest's text in the middle of an emoji. serde_json refuses the whole answer for one such
//! escape, which made an inbox holding that message unreadable for good. Here just those escapes
//! become U+FFFD, so one broken character costs that character, not the answer.

use progenitor_client::ResponseValue;
use reqwest::{StatusCode, header::HeaderMap};
use serde::de::DeserializeOwned;

use super::classify::ClientError;

/// A success body that failed to parse only for lone surrogates, parsed again with them replaced;
/// any other error as it was.
#[expect(clippy::result_large_err, reason = "progenitor's own result type, passed through as it comes")]
pub(super) fn salvage<T: DeserializeOwned>(error: ClientError) -> Result<ResponseValue<T>, ClientError> {
    if let ClientError::InvalidResponsePayload(body, _) = &error
        && let Some(value) = repaired(body).and_then(|fixed| serde_json::from_slice(&fixed).ok())
    {
        // Only a success answer is parsed into the operation's type, so the status was a 2xx;
        // nothing downstream reads it beyond the metrics.
        return Ok(ResponseValue::new(value, StatusCode::OK, HeaderMap::new()));
    }
    Err(error)
}

/// `body` with every `\uD800`–`\uDFFF` escape that is not one half of a well-formed pair replaced
/// by `\uFFFD`, or `None` when it holds no such escape.
fn repaired(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut changed = false;
    let mut at = 0;
    while at < body.len() {
        if body[at] != b'\\' {
            out.push(body[at]);
            at += 1;
            continue;
        }
        match escaped_unit(body, at) {
            Some(0xD800..=0xDBFF) if matches!(escaped_unit(body, at + 6), Some(0xDC00..=0xDFFF)) => {
                out.extend_from_slice(&body[at..at + 12]);
                at += 12;
            }
            Some(0xD800..=0xDFFF) => {
                out.extend_from_slice(br"\uFFFD");
                changed = true;
                at += 6;
            }
            Some(_) => {
                out.extend_from_slice(&body[at..at + 6]);
                at += 6;
            }
            // Any other escape (`\\`, `\"`, `\n`, …): the backslash and the character it escapes,
            // so an escaped backslash is never read as the start of a `\u`.
            None => {
                let end = (at + 2).min(body.len());
                out.extend_from_slice(&body[at..end]);
                at = end;
            }
        }
    }
    changed.then_some(out)
}

/// The UTF-16 code unit of a `\uXXXX` escape starting at `at`.
fn escaped_unit(body: &[u8], at: usize) -> Option<u16> {
    let escape = body.get(at..at + 6)?;
    let hex = escape.strip_prefix(br"\u")?;
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> Option<String> {
        repaired(text.as_bytes()).map(|bytes| String::from_utf8(bytes).unwrap())
    }

    #[test]
    fn only_lone_surrogates_are_replaced() {
        assert_eq!(fixed(r#"{"body":"hi \ud800!"}"#).as_deref(), Some(r#"{"body":"hi \uFFFD!"}"#));
        assert_eq!(fixed(r#"["\udc00\ud83d"]"#).as_deref(), Some(r#"["\uFFFD\uFFFD"]"#));
        assert_eq!(fixed(r#"["\ud83d\ude00 ok", "\\ud800", "\u00e9\n"]"#), None, "a pair, an escaped backslash");
        let value: Vec<String> = serde_json::from_str(&fixed(r#"["a\ud800b\ud83d\ude00"]"#).unwrap()).unwrap();
        assert_eq!(value, ["a\u{FFFD}b😀"]);
    }
}
