//! Listings: one listing, the paged portfolio, availability search, amenities, and updates.

use chrono::NaiveDate;

use super::{Fresh, id, limit, secs};
use crate::hostaway::{
    Gateway, GatewayError, Idempotence,
    cache::{ReadKey, Scope, Topics},
    paging::Page,
    types,
};

/// Listings change rarely; the amenity catalogue almost never.
pub(super) const TTLS: &[(&str, std::time::Duration)] =
    &[(id::GET_LISTING, secs(300)), (id::LIST_LISTINGS, secs(60)), (id::LIST_AMENITIES, secs(3600))];

/// Listings read per page of the portfolio.
const PORTFOLIO_PAGE: u32 = 100;
/// Pages of the portfolio read at most (1,000 listings).
const PORTFOLIO_PAGES: u32 = 10;

/// An availability search (`listListings` with its availability filters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvailabilityQuery {
    /// First night.
    pub check_in: NaiveDate,
    /// Departure day (its night is not part of the stay).
    pub check_out: NaiveDate,
    /// Guests the listing must sleep.
    pub guests: u32,
    /// The portfolio's own spelling of a city (Hostaway compares exactly).
    pub city: Option<String>,
    /// The portfolio's own spelling of a country.
    pub country: Option<String>,
    /// Rows of the one page read.
    pub limit: u32,
}

impl Gateway {
    /// One listing, shared by every tool and resource that reads it.
    pub async fn listing(&self, listing: i64, fresh: Fresh) -> Result<types::Listing, GatewayError> {
        let key = ReadKey {
            operation: id::GET_LISTING,
            params: listing.to_string(),
            scope: Scope::listing(listing).about(Topics::LISTINGS),
        };
        let envelope = self
            .fetch(key, fresh, move |client| async move { client.get_listing().listing_id(listing).send().await })
            .await?;
        Ok(envelope.result)
    }

    /// One page of the portfolio, `limit` rows from `offset`.
    pub async fn listings_page(&self, limit: u32, offset: u32) -> Result<types::ListingList, GatewayError> {
        let key = ReadKey {
            operation: id::LIST_LISTINGS,
            params: format!("limit={limit}&offset={offset}"),
            scope: Scope::default().about(Topics::LISTINGS),
        };
        self.read(key, move |client| async move {
            client.list_listings().limit(super::limit(limit)).offset(super::offset(offset)).send().await
        })
        .await
    }

    /// Every listing of the account (up to 1,000): tools match names, cities and countries on it
    /// locally, because Hostaway's filters compare exactly ("Lisbon" only, not "lisbon" or
    /// "Lisboa") and an unknown place would read like a fully booked one.
    pub async fn portfolio(&self) -> Result<Vec<types::Listing>, GatewayError> {
        let (all, _) = super::offset_walk(PORTFOLIO_PAGE, PORTFOLIO_PAGES, |request| async move {
            let page = self.listings_page(request.limit, request.offset).await?;
            Ok(Page::counted(page.result, page.count))
        })
        .await?;
        Ok(all)
    }

    /// The listings Hostaway reports free for a stay (one page).
    pub async fn available_listings(&self, query: AvailabilityQuery) -> Result<types::ListingList, GatewayError> {
        let key = ReadKey {
            operation: id::LIST_LISTINGS,
            params: format!("{query:?}"),
            scope: Scope::default().about(Topics::LISTINGS.and(Topics::STAYS)),
        };
        self.read(key, move |client| {
            let query = query.clone();
            async move {
                let mut call = client
                    .list_listings()
                    .availability_date_start(query.check_in)
                    .availability_date_end(query.check_out)
                    .availability_guest_number(i32::try_from(query.guests).unwrap_or(i32::MAX))
                    .limit(limit(query.limit));
                if let Some(city) = query.city {
                    call = call.city(city);
                }
                if let Some(country) = query.country {
                    call = call.country(country);
                }
                call.send().await
            }
        })
        .await
    }

    /// Every amenity Hostaway knows, to name a listing's amenity ids.
    pub async fn amenities(&self) -> Result<Vec<types::Amenity>, GatewayError> {
        let key = ReadKey {
            operation: id::LIST_AMENITIES,
            params: String::new(),
            scope: Scope::default().about(Topics::LISTINGS),
        };
        Ok(self.read(key, |client| async move { client.list_amenities().send().await }).await?.result)
    }

    /// Sets a listing's fields (a PUT of absolute values, so safe to repeat); drops what it made stale.
    pub async fn update_listing(
        &self,
        listing: i64,
        input: types::ListingInput,
    ) -> Result<types::Listing, GatewayError> {
        let updated = self
            .write(id::UPDATE_LISTING, Idempotence::Safe, Scope::listing(listing), move |client| {
                let input = input.clone();
                async move { client.update_listing().listing_id(listing).body(input).send().await }
            })
            .await?;
        Ok(updated.result)
    }
}
