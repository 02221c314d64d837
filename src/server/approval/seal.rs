//! Preview tokens: what binds a confirm to the preview a person saw.
//!
//! A token seals a fingerprint of the effect a preview showed, bound to the tool and its
//! arguments, with an expiry (HMAC-SHA256 through rmcp's `RequestStateCodec`). Nothing is stored
//! per preview: any replica holding the key (derived from the account's API secret, so every
//! replica of the account holds it) opens any token. A token opens only for the same tool
//! and arguments before it expires; the fingerprint inside then says whether a fresh preview still
//! shows what the person saw. The same seal carries the state of a 2026-07-28 approval round
//! trip, under another purpose so one can never pass for the other.

use std::time::Duration;

use rmcp::model::{JsonObject, RequestStateCodec, RequestStateError, SealOptions};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What a sealed token stands for; mixed into what it is bound to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A preview's token, which `confirm` takes back.
    Preview,
    /// The state of an approval asked through an input-required result.
    Approval,
}

/// Why a token does not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Broken {
    /// It was sealed for these arguments but its lifetime is over.
    Expired,
    /// It was not sealed by this server for this tool and these arguments (another tool, other
    /// arguments, another purpose, forged or mangled).
    Foreign,
}

/// Seals and opens tokens with the account's key.
pub struct PreviewSeal {
    codec: RequestStateCodec,
    lifetime: Duration,
}

impl std::fmt::Debug for PreviewSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreviewSeal").field("lifetime", &self.lifetime).finish_non_exhaustive()
    }
}

/// How long a preview may be confirmed: long enough for a person to read it and answer, short
/// enough that what they saw is still what Hostaway holds.
pub const LIFETIME: Duration = Duration::from_secs(15 * 60);

impl PreviewSeal {
    /// A seal with `key`, the same on every replica of an account (see `Gateway::derived_key`).
    pub fn new(key: [u8; 32], lifetime: Duration) -> Self {
        Self { codec: RequestStateCodec::new_unchecked(key.to_vec()), lifetime }
    }

    /// A seal with a random key: its previews end with the process.
    pub fn random(lifetime: Duration) -> Self {
        Self::new(rand::random(), lifetime)
    }

    /// How long a token lasts.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// A token for `effect`, shown by `tool` for `arguments`.
    pub fn seal(&self, purpose: Purpose, tool: &str, arguments: &JsonObject, effect: &Value) -> String {
        let bound = bound(purpose, tool, arguments);
        self.codec.seal_with(&fingerprint(effect), &SealOptions::new().associated_data(&bound).ttl(self.lifetime))
    }

    /// The fingerprint `token` holds, if it was sealed for `tool` and `arguments` and is still alive.
    pub fn open(&self, purpose: Purpose, token: &str, tool: &str, arguments: &JsonObject) -> Result<Vec<u8>, Broken> {
        self.codec.open_with(token, &bound(purpose, tool, arguments)).map_err(|error| match error {
            RequestStateError::Expired => Broken::Expired,
            _ => Broken::Foreign,
        })
    }
}

/// A digest of an effect as a preview shows it, the same for the same JSON whatever its key order.
pub fn fingerprint(effect: &Value) -> Vec<u8> {
    Sha256::digest(canonical(effect).to_string().as_bytes())[..16].to_vec()
}

/// What a token is bound to: its purpose, the tool and the arguments, without `confirm` and
/// `preview_token` (a preview and its confirm differ in those alone).
fn bound(purpose: Purpose, tool: &str, arguments: &JsonObject) -> Vec<u8> {
    let mut arguments = arguments.clone();
    arguments.remove("confirm");
    arguments.remove(super::TOKEN);
    format!("{purpose:?}\u{0}{tool}\u{0}{}", canonical(&Value::Object(arguments))).into_bytes()
}

/// `value` with every object's keys sorted, so that equal JSON serializes equally.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(object) => {
            let sorted: std::collections::BTreeMap<&String, Value> =
                object.iter().map(|(key, value)| (key, canonical(value))).collect();
            Value::Object(sorted.into_iter().map(|(key, value)| (key.clone(), value)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> JsonObject {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn a_token_opens_for_its_tool_and_arguments_only() {
        let seal = PreviewSeal::random(LIFETIME);
        let arguments = object(json!({"listing_id": 1, "start_date": "2030-01-01"}));
        let effect = json!({"will_change": {"count": 3}});
        let token = seal.seal(Purpose::Preview, "a_write", &arguments, &effect);
        let mut confirming = arguments.clone();
        confirming.insert("confirm".into(), json!(true));
        confirming.insert(super::super::TOKEN.into(), json!(token));
        assert_eq!(seal.open(Purpose::Preview, &token, "a_write", &confirming), Ok(fingerprint(&effect)));
        let other = object(json!({"listing_id": 2, "start_date": "2030-01-01"}));
        assert_eq!(seal.open(Purpose::Preview, &token, "a_write", &other), Err(Broken::Foreign));
        assert_eq!(seal.open(Purpose::Preview, &token, "another_write", &arguments), Err(Broken::Foreign));
        assert_eq!(seal.open(Purpose::Approval, &token, "a_write", &arguments), Err(Broken::Foreign));
        assert_eq!(seal.open(Purpose::Preview, "rs1.forged", "a_write", &arguments), Err(Broken::Foreign));
        let stranger = PreviewSeal::random(LIFETIME);
        assert_eq!(stranger.open(Purpose::Preview, &token, "a_write", &arguments), Err(Broken::Foreign));
    }

    #[test]
    fn a_token_past_its_lifetime_is_expired() {
        let seal = PreviewSeal::random(Duration::from_millis(1));
        let arguments = object(json!({"listing_id": 1}));
        let token = seal.seal(Purpose::Preview, "a_write", &arguments, &json!({}));
        let until = std::time::Instant::now() + Duration::from_secs(5);
        let mut opened = seal.open(Purpose::Preview, &token, "a_write", &arguments);
        while opened.is_ok() && std::time::Instant::now() < until {
            std::thread::yield_now();
            opened = seal.open(Purpose::Preview, &token, "a_write", &arguments);
        }
        assert_eq!(opened, Err(Broken::Expired));
    }

    #[test]
    fn the_fingerprint_ignores_key_order_and_sees_every_value() {
        assert_eq!(
            fingerprint(&json!({"a": 1, "b": [{"x": 1, "y": 2}]})),
            fingerprint(&json!({"b": [{"y": 2, "x": 1}], "a": 1}))
        );
        assert_ne!(fingerprint(&json!({"a": 1})), fingerprint(&json!({"a": 2})));
    }

    #[test]
    fn a_shared_key_opens_what_another_replica_sealed() {
        let key = [7u8; 32];
        let (one, two) = (PreviewSeal::new(key, LIFETIME), PreviewSeal::new(key, LIFETIME));
        let arguments = object(json!({"listing_id": 1}));
        let token = one.seal(Purpose::Preview, "a_write", &arguments, &json!({"n": 1}));
        assert!(two.open(Purpose::Preview, &token, "a_write", &arguments).is_ok());
    }
}
