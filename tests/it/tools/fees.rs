//! A listing's other fees end to end: get_listing reads them as Hostaway's raw fee settings hold
//! them, and update_listing adds, changes and removes them once each, as the raw list then shows.

use crate::support::{api, mcp};
use hostaway_mcp::hostaway::{id, types};

use serde_json::json;

/// The listing's fee settings as Hostaway's raw API lists them.
async fn raw_fees(h: &mcp::Harness, listing: i64) -> Vec<types::ListingFeeSetting> {
    let client = api::with_token(&h.sandbox, &api::mint(&h.sandbox).await);
    client.list_listing_fee_settings().id(listing).send().await.unwrap().into_inner().result
}

fn fee_writes(h: &mcp::Harness) -> [u64; 3] {
    let stats = h.sandbox.stats();
    [
        stats.applied(id::CREATE_LISTING_FEE_SETTING),
        stats.applied(id::UPDATE_LISTING_FEE_SETTING),
        stats.applied(id::DELETE_LISTING_FEE_SETTING),
    ]
}

#[tokio::test]
async fn get_listing_reads_every_fee_with_its_currency_basis_and_kind() {
    let h = mcp::start().await;
    let (with_fees, without) = h.sandbox.inspect(|s| {
        let with = *s.fee_settings.iter().find(|(_, fees)| fees.len() >= 2).unwrap().0;
        let without = *s.listings.keys().find(|l| s.fee_settings.get(l).is_none_or(Vec::is_empty)).unwrap();
        (with, without)
    });
    let currency = h.sandbox.inspect(|s| s.listings[&with_fees].currency_code.clone().unwrap());
    let answer = h.ok("get_listing", json!({"listing_id": with_fees})).await;
    let shown = answer["more"]["fees"].as_object().unwrap();
    let raw = raw_fees(&h, with_fees).await;
    assert_eq!(shown.len(), raw.len(), "{answer}");
    for fee in &raw {
        let name = match &fee.fee_title {
            Some(title) => format!("{} ({title})", fee.fee_type),
            None => fee.fee_type.clone(),
        };
        let phrase = shown[&name].as_str().unwrap();
        let amount = if fee.amount_type == "percent" {
            format!("{}%", fee.amount)
        } else {
            format!("{:.2} {currency}", fee.amount)
        };
        assert!(phrase.starts_with(&amount), "{name}: {phrase} against {fee:?}");
        let kind = if fee.is_mandatory == Some(1) { "mandatory" } else { "optional" };
        assert!(phrase.ends_with(kind), "{name}: {phrase}");
    }
    let bare = h.ok("get_listing", json!({"listing_id": without})).await;
    assert!(bare["more"].get("fees").is_none(), "{bare}");
}

#[tokio::test]
async fn fees_are_added_changed_and_removed_once_as_hostaway_then_holds_them() {
    let h = mcp::start().await;
    let listing =
        h.sandbox.inspect(|s| *s.listings.keys().find(|l| s.fee_settings.get(l).is_none_or(Vec::is_empty)).unwrap());
    let currency = h.sandbox.inspect(|s| s.listings[&listing].currency_code.clone().unwrap());
    let add = json!({"listing_id": listing, "fees": {"pet": "25 per stay", "resortFee": "5% mandatory",
                     "parking fee": "12.5 per night optional"}});
    let preview = h.ok("update_listing", add.clone()).await;
    assert_eq!(preview["status"], "preview");
    assert_eq!(preview["changes"].as_array().unwrap().len(), 3, "{preview}");
    assert_eq!(fee_writes(&h), [0, 0, 0], "a preview writes nothing");
    let mut confirm = add.clone();
    confirm["confirm"] = json!(true);
    let done = h.ok("update_listing", confirm.clone()).await;
    assert_eq!(done["status"], "done", "{done}");
    let raw = raw_fees(&h, listing).await;
    let held = |kind: &str| raw.iter().find(|f| f.fee_type == kind).unwrap().clone();
    let pet = held("petFee");
    assert_eq!(
        (pet.amount, pet.amount_type.as_str(), pet.fee_applied_per.as_str(), pet.is_mandatory),
        (25.0, "flat", "reservation", Some(0))
    );
    let resort = held("resortFee");
    assert_eq!((resort.amount, resort.amount_type.as_str(), resort.is_mandatory), (5.0, "percent", Some(1)));
    assert_eq!((held("parkingFee").amount, held("parkingFee").fee_applied_per.as_str()), (12.5, "night"));
    let after: Vec<&str> = done["changes"].as_array().unwrap().iter().map(|c| c["after"].as_str().unwrap()).collect();
    assert!(after.contains(&format!("25.00 {currency} per stay, optional").as_str()), "{done}");
    let again = h.ok("update_listing", confirm).await;
    assert!(matches!(again["status"].as_str(), Some("unchanged" | "already_done")), "{again}");
    assert_eq!(fee_writes(&h), [3, 0, 0], "the same fees twice are added once");

    let change = json!({"listing_id": listing, "fees": {"petFee": "30", "parkingFee": ""}, "confirm": true});
    let changed = h.ok("update_listing", change).await;
    assert_eq!(changed["status"], "done", "{changed}");
    let raw = raw_fees(&h, listing).await;
    let pet = raw.iter().find(|f| f.fee_type == "petFee").unwrap();
    assert_eq!((pet.amount, pet.fee_applied_per.as_str()), (30.0, "reservation"), "what is not said is kept");
    assert!(!raw.iter().any(|f| f.fee_type == "parkingFee"), "removed");
    assert_eq!(fee_writes(&h), [3, 1, 1]);

    for (fees, said) in [
        (json!({"spaFee": "10"}), "resortFee"),
        (json!({"petFee": "ten"}), "amount"),
        (json!({"petFee": "5 USD"}), currency.as_str()),
        (json!({"petFee": "5 per week"}), "per week"),
    ] {
        let refused = h.err("update_listing", json!({"listing_id": listing, "fees": fees})).await;
        assert!(refused.contains(said) && refused.contains("`fees`"), "{fees}: {refused}");
    }
    assert_eq!(fee_writes(&h), [3, 1, 1]);
}
