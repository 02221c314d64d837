//! Marks a tool's answer that rests on last good copies: Hostaway failed during the call, so
//! some reads were answered with what it said before. The answer then carries `stale` — when the
//! oldest copy was fetched, its age and why it could not be refreshed — in `structuredContent`
//! and in the text, so neither the model nor a person acts on it as if it were current.

use chrono::{DateTime, SecondsFormat, Utc};
use rmcp::model::CallToolResult;
use serde_json::{Value, json};

use crate::hostaway::stale::StaleRead;

/// Adds the `stale` mark to `result` when `reads` is not empty (an error is left as it is).
pub fn mark(result: &mut CallToolResult, reads: &[StaleRead], now: DateTime<Utc>) {
    let Some(oldest) = reads.iter().min_by_key(|read| read.fetched) else { return };
    if result.is_error == Some(true) {
        return;
    }
    let age = (now - oldest.fetched).num_seconds().max(0);
    let mark = json!({
        "fetched_at": oldest.fetched.to_rfc3339_opts(SecondsFormat::Secs, true),
        "age_seconds": age,
        "why": oldest.why,
        "note": format!(
            "Hostaway could not be reached, so this answer is built from its last good answer, {} old; it may be \
             out of date, so say so before anyone acts on it",
            spoken(age)
        ),
    });
    match &mut result.structured_content {
        Some(Value::Object(fields)) => {
            fields.insert("stale".into(), mark);
            let text = Value::Object(fields.clone()).to_string();
            result.content = vec![rmcp::model::ContentBlock::text(text)];
        }
        _ => result.content.insert(0, rmcp::model::ContentBlock::text(json!({ "stale": mark }).to_string())),
    }
}

/// An age in words: seconds, minutes or hours.
fn spoken(seconds: i64) -> String {
    if seconds < 120 {
        format!("{seconds} s")
    } else if seconds < 7200 {
        format!("{} min", seconds / 60)
    } else {
        format!("{} h", seconds / 3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_copy_gives_the_age_and_the_text_says_the_same_as_the_structure() {
        let now: DateTime<Utc> = "2026-03-01T12:00:00Z".parse().unwrap();
        let read = |minutes: i64, why: &str| StaleRead {
            operation: crate::hostaway::id::GET_LISTING,
            fetched: now - chrono::Duration::minutes(minutes),
            why: why.into(),
        };
        let mut result = CallToolResult::structured(json!({"listing": {"id": 1}}));
        mark(&mut result, &[read(3, "newer"), read(90, "Hostaway had a server error (HTTP 500)")], now);
        let structured = result.structured_content.clone().unwrap();
        assert_eq!(structured["stale"]["age_seconds"], 5400);
        assert_eq!(structured["stale"]["fetched_at"], "2026-03-01T10:30:00Z");
        assert_eq!(structured["stale"]["why"], "Hostaway had a server error (HTTP 500)");
        assert!(structured["stale"]["note"].as_str().unwrap().contains("90 min old"));
        let text: Value = serde_json::from_str(&result.content[0].as_text().unwrap().text).unwrap();
        assert_eq!(text, structured);
    }

    #[test]
    fn fresh_answers_and_errors_are_left_alone() {
        let now = Utc::now();
        let mut fresh = CallToolResult::structured(json!({"a": 1}));
        mark(&mut fresh, &[], now);
        assert_eq!(fresh.structured_content, Some(json!({"a": 1})));
        let mut failed = CallToolResult::error(vec![rmcp::model::ContentBlock::text("no")]);
        mark(&mut failed, &[StaleRead { operation: "x", fetched: now, why: "down".into() }], now);
        assert_eq!(failed.content.len(), 1);
    }
}
