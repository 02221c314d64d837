//! Finding and reading properties.

use std::collections::HashMap;

use rmcp::{Json, handler::server::wrapper::Parameters, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    args::{self, Cursor, Detail, Money},
    error::ToolError,
};
use crate::{
    hostaway::{
        cache::{ReadKey, Scope},
        types,
    },
    server::HostawayServer,
};

/// Arguments of `search_listings`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchListingsArgs {
    /// Words from the listing's name, e.g. "loft" or "Rua da Rosa".
    #[serde(default)]
    pub query: Option<String>,
    /// City, e.g. "Lisbon" (exact name, any case).
    #[serde(default)]
    pub city: Option<String>,
    /// Country name or ISO code, e.g. "Portugal" or "PT".
    #[serde(default)]
    pub country: Option<String>,
    /// Only listings that sleep at least this many guests.
    #[serde(default, deserialize_with = "args::opt_int")]
    pub min_guests: Option<u32>,
    /// Rows per page, 1-100 (default 20).
    #[serde(default, deserialize_with = "args::opt_int")]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page, to continue.
    #[serde(default)]
    pub cursor: Option<String>,
    /// "summary" (default) or "full".
    #[serde(default)]
    pub detail: Detail,
}

/// One listing as a compact row; `detail: "full"` adds the rest.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ListingRow {
    /// Hostaway listing id (`listing_id` in other tools).
    pub listing_id: i64,
    /// Public name.
    pub name: String,
    /// City.
    pub city: Option<String>,
    /// ISO country code.
    pub country_code: Option<String>,
    /// Bedrooms (0 for a studio).
    pub bedrooms: Option<i32>,
    /// Bathrooms.
    pub bathrooms: Option<i32>,
    /// Most guests it sleeps.
    pub max_guests: Option<i32>,
    /// Base nightly price before seasonal changes.
    pub base_price: Option<Money>,
    /// Minimum nights by default.
    pub min_nights: Option<i32>,
    /// Fields only in `detail: "full"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<ListingDetails>,
}

/// The rest of a listing.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ListingDetails {
    /// Internal name used by the team.
    pub internal_name: Option<String>,
    /// Full street address.
    pub address: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lng: Option<f64>,
    /// IANA time zone.
    pub time_zone: Option<String>,
    /// Beds.
    pub beds: Option<i32>,
    /// Guests included in the base price.
    pub guests_included: Option<i32>,
    /// Price per extra guest per night.
    pub extra_guest_fee: Option<Money>,
    /// Cleaning fee per stay.
    pub cleaning_fee: Option<Money>,
    /// Longest stay in nights.
    pub max_nights: Option<i32>,
    /// Check-in window start (hour, listing's local time).
    pub check_in_from: Option<i32>,
    /// Check-in window end (hour, local time).
    pub check_in_until: Option<i32>,
    /// Check-out hour (local time).
    pub check_out_by: Option<i32>,
    /// Whether guests can book without approval.
    pub instant_bookable: Option<bool>,
    /// flexible, moderate or strict.
    pub cancellation_policy: Option<String>,
    /// Average review rating, 0-10.
    pub rating: Option<f64>,
    /// Amenity names (get_listing only; empty in searches).
    pub amenities: Vec<String>,
    /// Description.
    pub description: Option<String>,
    /// House rules.
    pub house_rules: Option<String>,
    /// Door code and Wi-Fi, only when the operator started the server with --expose-access-codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessCodes>,
}

/// How guests get in and online; withheld unless the operator allows it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct AccessCodes {
    /// Door or key-box code.
    pub door_code: Option<String>,
    /// Wi-Fi network name.
    pub wifi_username: Option<String>,
    /// Wi-Fi password.
    pub wifi_password: Option<String>,
}

/// A page of listings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ListingPage {
    /// The listings on this page.
    pub listings: Vec<ListingRow>,
    /// How many listings match in all.
    pub total: u64,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Arguments of `get_listing`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetListingArgs {
    /// The listing's id, from search_listings.
    #[serde(deserialize_with = "args::int")]
    pub listing_id: i64,
    /// "summary" or "full" (default "full" for a single listing).
    #[serde(default)]
    pub detail: Option<Detail>,
}

#[tool_router(router = listing_tools, vis = "pub(crate)")]
impl HostawayServer {
    /// Search the portfolio by name, city, country or size. For dates and guests use
    /// find_available_listings instead, which also checks the calendars.
    #[tool(
        name = "search_listings",
        title = "Search listings",
        annotations(
            title = "Search listings",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn search_listings(
        &self,
        Parameters(args): Parameters<SearchListingsArgs>,
    ) -> Result<Json<ListingPage>, ToolError> {
        let limit = args::limit(args.limit, 20, 100)?;
        let offset = match Cursor::decode(args.cursor.as_deref())? {
            Some(Cursor::Offset(n)) => n,
            None => 0,
            Some(Cursor::After(_)) => return Err(ToolError::invalid("cursor", "this cursor belongs to another tool")),
        };
        let query = args::search_text("query", args.query.as_deref())?;
        let (city, country) =
            (args::search_text("city", args.city.as_deref())?, args::search_text("country", args.country.as_deref())?);
        let key = ReadKey {
            operation: "listListings",
            params: format!("{query:?}|{city:?}|{country:?}|{:?}|{limit}|{offset}", args.min_guests),
            scope: Scope::default(),
        };
        let guests = args.min_guests;
        let page = self
            .ctx
            .gateway
            .read(key, move |client| {
                let (query, city, country) = (query.clone(), city.clone(), country.clone());
                async move {
                    let mut call = client
                        .list_listings()
                        .limit(std::num::NonZeroU32::new(limit).unwrap_or(std::num::NonZeroU32::MIN))
                        .offset(offset as i32);
                    if let Some(q) = &query {
                        call = call.match_(q.clone());
                    }
                    if let Some(c) = &city {
                        call = call.city(c.clone());
                    }
                    if let Some(c) = &country {
                        call = call.country(c.clone());
                    }
                    if let Some(n) = guests {
                        call = call.availability_guest_number(n as i32);
                    }
                    call.send().await
                }
            })
            .await?;
        let total = page.count.map_or(page.result.len() as u64, |c| c.max(0) as u64);
        let next = u64::from(offset) + page.result.len() as u64;
        Ok(Json(ListingPage {
            listings: page.result.iter().map(|l| row(l, args.detail, &HashMap::new())).collect(),
            total,
            next_cursor: (next < total && !page.result.is_empty()).then(|| Cursor::Offset(next as u32).encode()),
        }))
    }

    /// Everything about one listing: address, capacity, prices and fees, stay rules, check-in
    /// times, policies, rating and amenities. Door codes and Wi-Fi credentials are returned only
    /// if the operator started the server with --expose-access-codes.
    #[tool(
        name = "get_listing",
        title = "Get listing",
        annotations(
            title = "Get listing",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_listing(&self, Parameters(args): Parameters<GetListingArgs>) -> Result<Json<ListingRow>, ToolError> {
        let id = args.listing_id;
        let gateway = &self.ctx.gateway;
        let key = ReadKey { operation: "getListing", params: id.to_string(), scope: Scope::listing(id) };
        let names = ReadKey { operation: "listAmenities", params: String::new(), scope: Scope::default() };
        let (listing, amenities) = tokio::join!(
            gateway.read(key, move |client| async move { client.get_listing().listing_id(id).send().await }),
            gateway.read(names, |client| async move { client.list_amenities().send().await }),
        );
        let amenities: HashMap<i64, String> = amenities?.result.into_iter().map(|a| (a.id, a.name)).collect();
        let listing = listing?.result;
        let shaped = row(&listing, args.detail.unwrap_or(Detail::Full), &amenities);
        Ok(Json(if self.ctx.expose_access_codes { with_access(shaped, &listing) } else { shaped }))
    }
}

/// Adds the listing's access codes to a full row (only call when the operator allows it).
pub(crate) fn with_access(mut row: ListingRow, l: &types::Listing) -> ListingRow {
    if let Some(more) = row.more.as_mut() {
        more.access = Some(AccessCodes {
            door_code: l.door_security_code.clone(),
            wifi_username: l.wifi_username.clone(),
            wifi_password: l.wifi_password.clone(),
        });
    }
    row
}

/// Shapes a listing; `amenities` names amenity ids (may be empty).
pub(crate) fn row(l: &types::Listing, detail: Detail, amenities: &HashMap<i64, String>) -> ListingRow {
    let currency = args::currency_or_fallback(l.currency_code.as_deref());
    let money = |amount: Option<f64>| amount.map(|a| Money::new(a, currency.clone()));
    let more = (detail == Detail::Full).then(|| ListingDetails {
        internal_name: l.internal_listing_name.clone(),
        address: l.address.clone(),
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
        description: l.description.clone(),
        house_rules: l.house_rules.clone(),
        access: None,
    });
    ListingRow {
        listing_id: l.id,
        name: l.name.clone(),
        city: l.city.clone(),
        country_code: l.country_code.clone(),
        bedrooms: l.bedrooms_number,
        bathrooms: l.bathrooms_number,
        max_guests: l.person_capacity,
        base_price: money(l.price),
        min_nights: l.min_nights,
        more,
    }
}
