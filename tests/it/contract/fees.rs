//! Contract: listing fee settings, through the generated client against the sandbox: each listing's
//! list (empty for a listing with none), a fee added, changed and removed, and what is refused: a
//! negative amount, a flag other than 0 or 1, values outside the documented lists, an unknown listing
//! or fee, and a fee changed through another listing.

use crate::support::api;

use hostaway_mcp::hostaway::{id, types};

fn parking(amount: f64) -> types::ListingFeeSettingInput {
    types::ListingFeeSettingInput {
        fee_type: types::ListingFeeType::ParkingFee,
        fee_title: Some("Garage space".into()),
        fee_applied_per: types::ListingFeeAppliedPer::Night,
        amount,
        amount_type: types::ListingFeeAmountType::Flat,
        is_mandatory: Some(0),
        is_quantity_selectable: Some(0),
    }
}

#[tokio::test]
async fn each_listing_lists_its_own_fees_and_one_without_any_an_empty_list() {
    let (sandbox, client) = api::connected().await;
    let (held, bare) = sandbox.inspect(|s| {
        let bare = *s.listings.keys().find(|l| !s.fee_settings.contains_key(l)).unwrap();
        (s.fee_settings.clone(), bare)
    });
    assert!(held.len() >= 2, "several listings have fees: {held:?}");
    let kinds: Vec<(&str, &str, &str)> = held
        .values()
        .flatten()
        .map(|f| (f.fee_type.as_str(), f.fee_applied_per.as_str(), f.amount_type.as_str()))
        .collect();
    for seeded in
        [("petFee", "reservation", "flat"), ("parkingFee", "night", "flat"), ("resortFee", "reservation", "percent")]
    {
        assert!(kinds.contains(&seeded), "{seeded:?} is seeded: {kinds:?}");
    }
    for (listing, fees) in &held {
        let listed = client.list_listing_fee_settings().id(*listing).send().await.unwrap().into_inner();
        assert_eq!(listed.status, types::EnvelopeStatus::Success);
        assert_eq!(
            listed.result.iter().map(|f| f.id).collect::<Vec<_>>(),
            fees.iter().map(|f| f.id).collect::<Vec<_>>()
        );
        for fee in &listed.result {
            assert_eq!((fee.listing_map_id, fee.account_id), (*listing, Some(sandbox.account_id())));
            assert!(fee.inserted_on.is_some() && fee.updated_on.is_some() && fee.is_quantity_selectable.is_some());
        }
    }
    let none = client.list_listing_fee_settings().id(bare).send().await.unwrap().into_inner();
    assert!(none.result.is_empty(), "{none:?}");
    let (status, message) = api::failure(client.list_listing_fee_settings().id(1).send().await);
    assert_eq!(status, 404, "{message}");
}

#[tokio::test]
async fn a_fee_setting_is_added_changed_and_removed() {
    let (sandbox, client) = api::connected().await;
    let listing = sandbox.inspect(|s| *s.listings.keys().find(|l| !s.fee_settings.contains_key(l)).unwrap());

    let made = client.create_listing_fee_setting().id(listing).body(parking(12.5)).send().await.unwrap().into_inner();
    let made = made.result;
    assert_eq!(
        (made.listing_map_id, made.fee_type.as_str(), made.fee_applied_per.as_str(), made.amount_type.as_str()),
        (listing, "parkingFee", "night", "flat")
    );
    assert_eq!((made.amount, made.fee_title.as_deref(), made.is_mandatory), (12.5, Some("Garage space"), Some(0)));
    assert_eq!(made.account_id, Some(sandbox.account_id()));
    let listed = client.list_listing_fee_settings().id(listing).send().await.unwrap().into_inner().result;
    assert_eq!(listed.iter().map(|f| f.id).collect::<Vec<_>>(), vec![made.id]);

    let resort = types::ListingFeeSettingInput {
        fee_type: types::ListingFeeType::ResortFee,
        fee_title: None,
        fee_applied_per: types::ListingFeeAppliedPer::Reservation,
        amount: 7.0,
        amount_type: types::ListingFeeAmountType::Percent,
        is_mandatory: Some(1),
        is_quantity_selectable: None,
    };
    let changed = client.update_listing_fee_setting().listing_id(listing).fee_setting_id(made.id).body(resort);
    let changed = changed.send().await.unwrap().into_inner().result;
    assert_eq!(
        (changed.id, changed.fee_type.as_str(), changed.amount_type.as_str(), changed.amount, changed.fee_title),
        (made.id, "resortFee", "percent", 7.0, None)
    );
    assert_eq!((changed.is_mandatory, changed.is_quantity_selectable), (Some(1), Some(0)));
    assert_eq!(changed.inserted_on, made.inserted_on, "a change keeps when the fee was added");
    let listed = client.list_listing_fee_settings().id(listing).send().await.unwrap().into_inner().result;
    assert_eq!(listed.iter().map(|f| (f.id, f.amount)).collect::<Vec<_>>(), vec![(made.id, 7.0)]);

    let removed = client.delete_listing_fee_setting().id(made.id).send().await.unwrap().into_inner();
    assert_eq!(removed.status, types::EnvelopeStatus::Success);
    let listed = client.list_listing_fee_settings().id(listing).send().await.unwrap().into_inner().result;
    assert!(listed.is_empty(), "{listed:?}");
    let (status, _) = api::failure(client.delete_listing_fee_setting().id(made.id).send().await);
    assert_eq!(status, 404, "a second delete finds nothing");

    let again = client.create_listing_fee_setting().id(listing).body(parking(10.0)).send().await.unwrap();
    assert!(again.into_inner().result.id > made.id, "a new fee never takes a removed one's id");
    let stats = sandbox.stats();
    assert_eq!(
        [
            stats.applied(id::CREATE_LISTING_FEE_SETTING),
            stats.applied(id::UPDATE_LISTING_FEE_SETTING),
            stats.applied(id::DELETE_LISTING_FEE_SETTING)
        ],
        [2, 1, 1]
    );
}

#[tokio::test]
async fn fee_settings_outside_the_rules_or_of_another_listing_are_refused() {
    let (sandbox, client) = api::connected().await;
    let (listing, fee, other) = sandbox.inspect(|s| {
        let (listing, fees) = s.fee_settings.iter().next().unwrap();
        let other = *s.fee_settings.keys().find(|l| *l != listing).unwrap();
        (*listing, fees[0].clone(), other)
    });

    let (status, message) =
        api::failure(client.create_listing_fee_setting().id(listing).body(parking(-5.0)).send().await);
    assert_eq!(status, 400, "{message}");
    assert!(message.contains("amount"), "{message}");
    let twice = types::ListingFeeSettingInput { is_mandatory: Some(2), ..parking(5.0) };
    assert_eq!(api::failure(client.create_listing_fee_setting().id(listing).body(twice).send().await).0, 400);
    let (status, message) = api::failure(client.create_listing_fee_setting().id(1).body(parking(5.0)).send().await);
    assert_eq!(status, 404, "{message}");

    let through_other = client.update_listing_fee_setting().listing_id(other).fee_setting_id(fee.id).body(parking(5.0));
    let (status, message) = api::failure(through_other.send().await);
    assert_eq!(status, 404, "another listing's fee is not found there: {message}");
    let unknown = client.update_listing_fee_setting().listing_id(listing).fee_setting_id(1).body(parking(5.0));
    assert_eq!(api::failure(unknown.send().await).0, 404);
    let negative = client.update_listing_fee_setting().listing_id(listing).fee_setting_id(fee.id).body(parking(-1.0));
    assert_eq!(api::failure(negative.send().await).0, 400);
    assert_eq!(api::failure(client.delete_listing_fee_setting().id(1).send().await).0, 404);

    // The generated client only sends the documented values, so send the others by hand.
    let token = api::mint(&sandbox).await;
    let http = reqwest::Client::new();
    let good = serde_json::json!({"feeType": "petFee", "feeTitle": null, "feeAppliedPer": "reservation", "amount": 20,
                                  "amountType": "flat", "isMandatory": 0, "isQuantitySelectable": 1});
    for (field, wrong) in [("feeType", "hotTubFee"), ("feeAppliedPer", "base_rate"), ("amountType", "percentage")] {
        let mut body = good.clone();
        body[field] = serde_json::json!(wrong);
        let raw = http
            .post(format!("{}/listingFeeSettings/{listing}", sandbox.base_url()))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), 400, "{field} {wrong}");
        let answer: serde_json::Value = raw.json().await.unwrap();
        assert_eq!(answer["status"], "fail", "{answer}");
    }

    let held = sandbox.inspect(|s| s.fee_settings[&listing].clone());
    assert_eq!(held.iter().find(|f| f.id == fee.id).map(|f| f.amount), Some(fee.amount), "nothing changed");
    let stats = sandbox.stats();
    assert_eq!(
        [
            stats.applied(id::CREATE_LISTING_FEE_SETTING),
            stats.applied(id::UPDATE_LISTING_FEE_SETTING),
            stats.applied(id::DELETE_LISTING_FEE_SETTING)
        ],
        [0, 0, 0]
    );
}
