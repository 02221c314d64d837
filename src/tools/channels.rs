//! One vocabulary for booking channels. Hostaway names a channel differently in different places
//! (`channelName` "airbnbOfficial" on a reservation, "bookingcom" in reports, a legacy "airbnb" in
//! its examples); every tool answers with, and every `channel` argument accepts, the one stable
//! name here, so a model can compare answers of different tools.

use super::error::ToolError;

/// A channel: Hostaway's id, the name the tools use, and the names Hostaway itself gives it.
struct Channel {
    id: i64,
    name: &'static str,
    hostaway: &'static [&'static str],
}

/// Hostaway's predefined channels (API docs, "Channel IDs"), plus the legacy 2001 "airbnb" of its
/// examples. The first entry of a name is the id a `channel` filter sends.
const CHANNELS: &[Channel] = &[
    Channel { id: 2018, name: "airbnb", hostaway: &["airbnbOfficial", "airbnb"] },
    Channel { id: 2001, name: "airbnb", hostaway: &["airbnb"] },
    Channel { id: 2005, name: "booking.com", hostaway: &["bookingcom", "booking"] },
    Channel { id: 2002, name: "vrbo", hostaway: &["homeaway", "vrbo"] },
    Channel { id: 2007, name: "expedia", hostaway: &["expedia"] },
    Channel { id: 2000, name: "direct", hostaway: &["direct"] },
    Channel { id: 2013, name: "booking_engine", hostaway: &["bookingengine"] },
    Channel { id: 2009, name: "vrbo_ical", hostaway: &["homeawayical"] },
    Channel { id: 2010, name: "vrbo_ical", hostaway: &["vrboical"] },
    Channel { id: 2015, name: "custom_ical", hostaway: &["customIcal"] },
    Channel { id: 2016, name: "tripadvisor_ical", hostaway: &["tripadvisorical"] },
    Channel { id: 2017, name: "wordpress", hostaway: &["wordpress"] },
    Channel { id: 2019, name: "marriott", hostaway: &["marriott"] },
    Channel { id: 2020, name: "partner", hostaway: &["partner"] },
    Channel { id: 2021, name: "gds", hostaway: &["gds"] },
    Channel { id: 2022, name: "google", hostaway: &["google"] },
];

/// The names a `channel` argument lists in its error, most common first.
const COMMON: &str = "airbnb, booking.com, vrbo, expedia, direct, booking_engine";

/// A `channel` argument's schema: the stable names (a Hostaway name or a numeric id is accepted
/// too, for models that already know one).
pub fn schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut names: Vec<&str> = CHANNELS.iter().map(|c| c.name).collect();
    names.dedup();
    schemars::json_schema!({"type": "string", "enum": names})
}

/// Spelling-blind form of a channel name: lowercase, without spaces, dots, dashes or underscores.
fn key(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '_')).flat_map(char::to_lowercase).collect()
}

/// The stable name of a channel, by Hostaway's id first and its `channelName` otherwise; a channel
/// unknown to both keeps Hostaway's name (or "channel <id>"), so nothing is hidden.
pub fn name(id: Option<i64>, hostaway_name: Option<&str>) -> String {
    if let Some(known) = id.and_then(|id| CHANNELS.iter().find(|c| c.id == id)) {
        return known.name.to_string();
    }
    let by_name = hostaway_name.map(key).and_then(|wanted| {
        CHANNELS.iter().find(|c| key(c.name) == wanted || c.hostaway.iter().any(|h| key(h) == wanted))
    });
    match (by_name, hostaway_name, id) {
        (Some(known), _, _) => known.name.to_string(),
        (None, Some(text), _) if !text.trim().is_empty() => text.trim().to_string(),
        (None, _, Some(id)) => format!("channel {id}"),
        (None, _, None) => "unknown".to_string(),
    }
}

/// Hostaway's channel id for a `channel` argument: a stable name, a Hostaway name (any case and
/// punctuation, so "Booking.com", "bookingcom" and "airbnbOfficial" work) or a numeric id.
pub fn id(field: &'static str, value: &str) -> Result<i64, ToolError> {
    let wanted = key(value);
    let known = CHANNELS.iter().find(|c| key(c.name) == wanted || c.hostaway.iter().any(|h| key(h) == wanted));
    if let Some(channel) = known {
        return Ok(channel.id);
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
        assert_eq!(name(Some(2018), Some("airbnbOfficial")), "airbnb");
        assert_eq!(name(None, Some("airbnbOfficial")), "airbnb");
        assert_eq!(name(None, Some("bookingcom")), "booking.com");
        assert_eq!(name(Some(2002), None), "vrbo");
        assert_eq!(name(Some(4242), Some("someNewChannel")), "someNewChannel");
        assert_eq!(name(Some(4242), None), "channel 4242");
        for (spelling, id) in [("airbnb", 2018), ("Booking.com", 2005), ("booking_engine", 2013), ("2007", 2007)] {
            assert_eq!(super::id("channel", spelling).unwrap(), id, "{spelling}");
        }
        assert!(super::id("channel", "carrier pigeon").unwrap_err().to_string().contains("`channel`"));
        assert!(super::id("channel", "-3").is_err());
    }
}
