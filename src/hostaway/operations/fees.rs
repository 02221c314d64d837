//! A listing's fee settings (pet, parking, resort fees and the like, beyond the cleaning fee and
//! the extra-guest fee the listing itself holds): read, added, changed and removed.

use super::{Fresh, id, secs};
use crate::hostaway::{
    Gateway, GatewayError, Idempotence,
    cache::{ReadKey, Scope},
    types,
};

/// Fee settings change rarely, and only through writes this gateway sees or the dashboard.
pub(super) const TTLS: &[(&str, std::time::Duration)] = &[(id::LIST_LISTING_FEE_SETTINGS, secs(300))];

impl Gateway {
    /// The fee settings of one listing.
    pub async fn fee_settings(
        &self,
        listing: i64,
        fresh: Fresh,
    ) -> Result<Vec<types::ListingFeeSetting>, GatewayError> {
        let key = ReadKey {
            operation: id::LIST_LISTING_FEE_SETTINGS,
            params: listing.to_string(),
            scope: Scope::listing(listing),
        };
        let list = self
            .fetch(key, fresh, move |client| async move { client.list_listing_fee_settings().id(listing).send().await })
            .await?;
        Ok(list.result)
    }

    /// Adds a fee to a listing. A POST: never repeated once it may have reached Hostaway, so a lost
    /// answer is reported as such, for the caller to read the listing's fees again.
    pub async fn create_fee_setting(
        &self,
        listing: i64,
        input: types::ListingFeeSettingInput,
    ) -> Result<types::ListingFeeSetting, GatewayError> {
        let created = self
            .write(id::CREATE_LISTING_FEE_SETTING, Idempotence::Unsafe, Scope::listing(listing), move |client| {
                let input = input.clone();
                async move { client.create_listing_fee_setting().id(listing).body(input).send().await }
            })
            .await?;
        Ok(created.result)
    }

    /// Changes one of a listing's fees (a PUT of every field, so safe to repeat).
    pub async fn update_fee_setting(
        &self,
        listing: i64,
        fee: i64,
        input: types::ListingFeeSettingInput,
    ) -> Result<types::ListingFeeSetting, GatewayError> {
        let updated = self
            .write(id::UPDATE_LISTING_FEE_SETTING, Idempotence::Safe, Scope::listing(listing), move |client| {
                let input = input.clone();
                async move {
                    client.update_listing_fee_setting().listing_id(listing).fee_setting_id(fee).body(input).send().await
                }
            })
            .await?;
        Ok(updated.result)
    }

    /// Removes one of a listing's fees. Sent again after it went, it finds nothing (404): safe to
    /// repeat.
    pub async fn delete_fee_setting(&self, listing: i64, fee: i64) -> Result<(), GatewayError> {
        self.write(
            id::DELETE_LISTING_FEE_SETTING,
            Idempotence::Safe,
            Scope::listing(listing),
            move |client| async move { client.delete_listing_fee_setting().id(fee).send().await },
        )
        .await?;
        Ok(())
    }
}
