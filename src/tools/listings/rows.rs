//! A listing as every tool answers with one: the compact row, its full detail, and the shaping
//! from Hostaway's listing that search_listings, get_listing, find_available_listings and the
//! listing resource share.

use crate::tools::untrusted::Untrusted;
use std::collections::HashMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::{
    hostaway::{Gateway, GatewayError, types},
    tools::args::{self, Detail, Money},
};

/// One listing as a compact row; `detail: "full"` adds the rest.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ListingRow {
    /// Hostaway listing id (`listing_id` in other tools).
    pub listing_id: i64,
    /// Public name.
    pub name: Untrusted,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<Untrusted>,
    /// ISO country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// Bedrooms (0 for a studio).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bedrooms: Option<i32>,
    /// Bathrooms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bathrooms: Option<i32>,
    /// Most guests it sleeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_guests: Option<i32>,
    /// Base nightly price before seasonal changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_price: Option<Money>,
    /// Minimum nights by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_nights: Option<i32>,
    /// Fields only in `detail: "full"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<ListingDetails>,
}

/// The rest of a listing.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ListingDetails {
    /// Internal name used by the team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_name: Option<Untrusted>,
    /// Full street address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Untrusted>,
    /// Latitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lng: Option<f64>,
    /// IANA time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Beds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beds: Option<i32>,
    /// Guests included in the base price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guests_included: Option<i32>,
    /// Price per extra guest per night.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_guest_fee: Option<Money>,
    /// Cleaning fee per stay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleaning_fee: Option<Money>,
    /// Longest stay in nights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_nights: Option<i32>,
    /// Check-in window start (hour, listing's local time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in_from: Option<i32>,
    /// Check-in window end (hour, local time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in_until: Option<i32>,
    /// Check-out hour (local time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_out_by: Option<i32>,
    /// Whether guests can book without approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instant_bookable: Option<bool>,
    /// flexible, moderate or strict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancellation_policy: Option<String>,
    /// Average review rating, 0-10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<f64>,
    /// Amenity names.
    pub amenities: Vec<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Untrusted>,
    /// House rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub house_rules: Option<Untrusted>,
    /// Door code and Wi-Fi, only when the operator started the server with --expose-access-codes; left
    /// out of the output schema, which every session pays for, since few servers ever send it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub access: Option<AccessCodes>,
    /// Custom field values by field name.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub custom_fields: crate::tools::custom_fields::Named,
    /// Fees beyond cleaning and extra guests, by type: "25.00 EUR per stay, optional".
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fees: crate::tools::custom_fields::Named,
}

/// A listing as the list tools answer: get_listing's row, whose full detail (`more`) the output
/// schema leaves open, so the tool list does not repeat get_listing's detail schema in every tool
/// that lists listings.
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub struct ListedListing(pub ListingRow);

impl JsonSchema for ListedListing {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ListedListing".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        crate::tools::schema::with_open_detail::<ListingRow>(generator)
    }
}

/// How guests get in and online; withheld unless the operator allows it.
#[derive(Clone, Debug, Serialize)]
pub struct AccessCodes {
    /// Door or key-box code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub door_code: Option<Untrusted>,
    /// Wi-Fi network name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wifi_username: Option<String>,
    /// Wi-Fi password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wifi_password: Option<String>,
}

/// Amenity names by id (Hostaway's cached catalogue), for full-detail rows; summary rows carry no
/// amenities, so none are read for them.
pub(crate) async fn amenity_names(gateway: &Gateway, detail: Detail) -> Result<HashMap<i64, String>, GatewayError> {
    if detail != Detail::Full {
        return Ok(HashMap::new());
    }
    Ok(gateway.amenities().await?.into_iter().map(|a| (a.id, a.name)).collect())
}

/// Shapes a listing; `amenities` names amenity ids (may be empty).
pub(crate) fn row(l: &types::Listing, detail: Detail, amenities: &HashMap<i64, String>) -> ListingRow {
    let currency = args::currency_or_fallback(l.currency_code.as_deref());
    let money = |amount: Option<f64>| amount.map(|a| Money::new(a, currency.clone()));
    let more = (detail == Detail::Full).then(|| ListingDetails {
        internal_name: l.internal_listing_name.clone().map(Untrusted::from),
        address: l.address.clone().map(Untrusted::from),
        lat: l.lat,
        lng: l.lng,
        time_zone: l.time_zone_name.clone(),
        beds: l.beds_number,
        guests_included: l.guests_included,
        extra_guest_fee: money(l.price_for_extra_person),
        cleaning_fee: money(l.cleaning_fee),
        max_nights: l.max_nights,
        check_in_from: l.check_in_time_start,
        check_in_until: l.check_in_time_end,
        check_out_by: l.check_out_time,
        instant_bookable: l.instant_bookable.map(|v| v == 1),
        cancellation_policy: l.cancellation_policy.clone(),
        rating: l.average_review_rating,
        amenities: l.listing_amenities.iter().filter_map(|a| amenities.get(&a.amenity_id).cloned()).collect(),
        description: l.description.clone().map(Untrusted::from),
        house_rules: l.house_rules.clone().map(Untrusted::from),
        access: None,
        custom_fields: Default::default(),
        fees: Default::default(),
    });
    ListingRow {
        listing_id: l.id,
        name: l.name.clone().into(),
        city: l.city.clone().map(Untrusted::from),
        country_code: l.country_code.clone(),
        bedrooms: l.bedrooms_number,
        bathrooms: l.bathrooms_number,
        max_guests: l.person_capacity,
        base_price: money(l.price),
        min_nights: l.min_nights,
        more,
    }
}
