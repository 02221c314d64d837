//! Reviews guests left of their stays.

use chrono::NaiveDate;

use super::{id, secs};
use crate::hostaway::{
    Gateway, GatewayError,
    cache::{ReadKey, Scope},
    paging::Page,
    types,
};

/// Reviews arrive days after a stay: five minutes.
pub(super) const TTLS: &[(&str, std::time::Duration)] = &[(id::LIST_REVIEWS, secs(300))];

/// Reviews per page.
const REVIEWS_PAGE: u32 = 100;
/// Pages read at most (2,000 reviews).
const REVIEWS_PAGES: u32 = 20;

impl Gateway {
    /// Guests' reviews of stays that ended between `first` and `last` (inclusive), up to 2,000;
    /// `true` when there were more.
    pub async fn guest_reviews(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<(Vec<types::Review>, bool), GatewayError> {
        super::offset_walk(REVIEWS_PAGE, REVIEWS_PAGES, |request| async move {
            let key = ReadKey {
                operation: id::LIST_REVIEWS,
                params: format!("guest-to-host&{first}..{last}&limit={}&offset={}", request.limit, request.offset),
                scope: Scope::default(),
            };
            let page = self
                .read(key, move |client| async move {
                    client
                        .list_reviews()
                        .type_(types::ListReviewsType::GuestToHost)
                        .departure_date_start(first)
                        .departure_date_end(last)
                        .limit(super::limit(request.limit))
                        .offset(super::offset(request.offset))
                        .send()
                        .await
                })
                .await?;
            Ok(Page::counted(page.result, page.count))
        })
        .await
    }
}
