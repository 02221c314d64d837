//! A listing's fee settings: the extra fees (pet, parking, resort, ...) it charges, listed, added,
//! changed and removed. They stay out of the sandbox's quotes and reservation prices, which keep
//! their own rules (`sandbox::pricing`).

use std::sync::Arc;

use axum::extract::{Path, State};

use super::listings::find as find_listing;
use crate::{
    hostaway::{id, types},
    sandbox::{
        app::{Shared, lock},
        pricing::round2,
        store::Store,
        wire::{self, Failure, Reply},
    },
};

/// `GET /listingFeeSettings/{listingId}`: the listing's fees in id order, an empty list when it has none.
pub async fn list(State(shared): State<Arc<Shared>>, Path(listing): Path<i64>) -> Reply {
    let store = lock(&shared.store);
    find_listing(&store, listing)?;
    wire::success(store.fee_settings.get(&listing).cloned().unwrap_or_default())
}

/// `POST /listingFeeSettings/{listingId}`: a new fee at the listing, stamped now.
pub async fn create(
    State(shared): State<Arc<Shared>>,
    Path(listing): Path<i64>,
    wire::Body(input): wire::Body<types::ListingFeeSettingInput>,
) -> Reply {
    let mut store = lock(&shared.store);
    find_listing(&store, listing)?;
    checked(&input)?;
    let now = store.now_string();
    let fee_id = store.last_fee_setting_id + 1;
    let fee = settled(fee_id, shared.config.account_id, listing, &input, now.clone(), now);
    store.last_fee_setting_id = fee_id;
    store.fee_settings.entry(listing).or_default().push(fee.clone());
    shared.applied(id::CREATE_LISTING_FEE_SETTING);
    wire::success(fee)
}

/// `PUT /listingFeeSettings/{listingId}/{feeSettingId}`: every field replaced by the body's; only a fee
/// of that listing (another listing's fee is not found there).
pub async fn update(
    State(shared): State<Arc<Shared>>,
    Path((listing, fee_id)): Path<(i64, i64)>,
    wire::Body(input): wire::Body<types::ListingFeeSettingInput>,
) -> Reply {
    let mut store = lock(&shared.store);
    find_listing(&store, listing)?;
    checked(&input)?;
    let now = store.now_string();
    let fee =
        store.fee_settings.get_mut(&listing).and_then(|fees| fees.iter_mut().find(|f| f.id == fee_id)).ok_or_else(
            || Failure::NotFound(format!("Listing fee setting {fee_id} of listing {listing} was not found")),
        )?;
    let account = fee.account_id.unwrap_or(shared.config.account_id);
    let inserted = fee.inserted_on.clone().unwrap_or_else(|| now.clone());
    *fee = settled(fee_id, account, listing, &input, inserted, now);
    let changed = fee.clone();
    shared.applied(id::UPDATE_LISTING_FEE_SETTING);
    wire::success(changed)
}

/// `DELETE /listingFeeSettings/{feeSettingId}`: gone from its listing; a second delete finds nothing.
pub async fn delete(State(shared): State<Arc<Shared>>, Path(fee_id): Path<i64>) -> Reply {
    let mut store = lock(&shared.store);
    let listing = holder(&store, fee_id).ok_or_else(|| Failure::not_found("Listing fee setting", fee_id))?;
    if let Some(fees) = store.fee_settings.get_mut(&listing) {
        fees.retain(|f| f.id != fee_id);
        if fees.is_empty() {
            store.fee_settings.remove(&listing);
        }
    }
    shared.applied(id::DELETE_LISTING_FEE_SETTING);
    wire::empty()
}

/// The listing holding fee setting `fee_id`, if one does.
fn holder(store: &Store, fee_id: i64) -> Option<i64> {
    store.fee_settings.iter().find(|(_, fees)| fees.iter().any(|f| f.id == fee_id)).map(|(listing, _)| *listing)
}

/// Checks a fee setting as Hostaway plausibly would. The generated input type already holds feeType,
/// feeAppliedPer and amountType to the docs' lists (a value outside them fails to parse, a 400); the
/// amount must be a number not below 0 and the flags 0 or 1.
fn checked(input: &types::ListingFeeSettingInput) -> Result<(), Failure> {
    if !(input.amount.is_finite() && input.amount >= 0.0) {
        return Err(Failure::invalid(format!("amount must be a number not below 0, not {}", input.amount)));
    }
    for (name, flag) in [("isMandatory", input.is_mandatory), ("isQuantitySelectable", input.is_quantity_selectable)] {
        if flag.is_some_and(|f| !(0..=1).contains(&f)) {
            return Err(Failure::invalid(format!("{name} must be 0 or 1")));
        }
    }
    Ok(())
}

/// The fee setting `input` describes, as the sandbox keeps and answers it: a blank title is no title,
/// a quantity that is not selectable is 0.
fn settled(
    fee_id: i64,
    account: i64,
    listing: i64,
    input: &types::ListingFeeSettingInput,
    inserted_on: String,
    updated_on: String,
) -> types::ListingFeeSetting {
    types::ListingFeeSetting {
        id: fee_id,
        account_id: Some(account),
        listing_map_id: listing,
        fee_type: input.fee_type.to_string(),
        fee_title: input.fee_title.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(String::from),
        fee_applied_per: input.fee_applied_per.to_string(),
        amount: round2(input.amount),
        amount_type: input.amount_type.to_string(),
        is_mandatory: input.is_mandatory,
        is_quantity_selectable: Some(input.is_quantity_selectable.unwrap_or(0)),
        inserted_on: Some(inserted_on),
        updated_on: Some(updated_on),
    }
}
