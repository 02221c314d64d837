//! Channels as the tools read and write them. Hostaway names a channel differently in different
//! places; every tool answers with, and every `channel` argument accepts, the one stable name of
//! [`Channel`], so a model can compare answers of different tools.

use super::error::ToolError;
use crate::domain::Channel;

/// The names a `channel` argument lists in its error, most common first.
const COMMON: &str = "airbnb, booking.com, vrbo, expedia, direct, booking_engine";

/// A `channel` argument's schema: the stable names (a Hostaway name or a numeric id is accepted
/// too, for models that already know one).
pub fn schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut names: Vec<&str> = Channel::ALL.iter().map(|c| c.name()).collect();
    names.dedup();
    schemars::json_schema!({"type": "string", "enum": names})
}

/// Spelling-blind form of a channel name: lowercase, without spaces, dots, dashes or underscores.
fn key(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '_')).flat_map(char::to_lowercase).collect()
}

/// The channel a name stands for, ours or one of Hostaway's, in any case and punctuation.
fn by_name(text: &str) -> Option<Channel> {
    let wanted = key(text);
    Channel::ALL.into_iter().find(|c| key(c.name()) == wanted || c.hostaway_names().iter().any(|h| key(h) == wanted))
}

/// The stable name of a channel, by Hostaway's id first and its `channelName` otherwise; a channel
/// unknown to both keeps Hostaway's name (or "channel <id>"), so nothing is hidden.
pub fn name(id: Option<i64>, hostaway_name: Option<&str>) -> String {
    if let Some(known) = id.and_then(Channel::from_id) {
        return known.name().to_string();
    }
    match (hostaway_name.and_then(by_name), hostaway_name, id) {
        (Some(known), _, _) => known.name().to_string(),
        (None, Some(text), _) if !text.trim().is_empty() => text.trim().to_string(),
        (None, _, Some(id)) => format!("channel {id}"),
        (None, _, None) => "unknown".to_string(),
    }
}

/// Hostaway's channel id for a `channel` argument: a stable name, a Hostaway name (any case and
/// punctuation, so "Booking.com", "bookingcom" and "airbnbOfficial" work) or a numeric id.
pub fn id(field: &'static str, value: &str) -> Result<i64, ToolError> {
    if let Some(channel) = by_name(value) {
        return Ok(channel.id());
    }
    match value.trim().parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(ToolError::invalid(field, format!("{value:?} is not a channel; use {COMMON}, or a channel id"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_channel_reads_as_one_name() {
        assert_eq!(name(Some(Channel::Airbnb.id()), Some("airbnbOfficial")), "airbnb");
        assert_eq!(name(None, Some("airbnbOfficial")), "airbnb");
        assert_eq!(name(None, Some("bookingcom")), "booking.com");
        assert_eq!(name(Some(Channel::Vrbo.id()), None), "vrbo");
        assert_eq!(name(Some(4242), Some("someNewChannel")), "someNewChannel");
        assert_eq!(name(Some(4242), None), "channel 4242");
        let expedia = Channel::Expedia.id();
        for (spelling, channel) in [
            ("airbnb", Channel::Airbnb),
            ("Booking.com", Channel::BookingCom),
            ("booking_engine", Channel::BookingEngine),
            (expedia.to_string().as_str(), Channel::Expedia),
        ] {
            assert_eq!(super::id("channel", spelling).unwrap(), channel.id(), "{spelling}");
        }
        assert!(super::id("channel", "carrier pigeon").unwrap_err().to_string().contains("`channel`"));
        assert!(super::id("channel", "-3").is_err());
    }
}
