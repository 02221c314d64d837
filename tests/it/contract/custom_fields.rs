//! Contract: custom fields, through the generated client against the sandbox: the list by object
//! type, values on one reservation and on the reservation list only with includeResources, and
//! values written on a reservation and a listing (unknown fields and dropdown values outside the
//! choices refused).

use crate::support::api;

use hostaway_mcp::hostaway::types;

fn value(id: i64, text: &str) -> types::CustomFieldValue {
    types::CustomFieldValue { custom_field_id: id, value: Some(text.into()) }
}

fn pairs(values: &[types::CustomFieldValue]) -> Vec<(i64, Option<String>)> {
    values.iter().map(|v| (v.custom_field_id, v.value.clone())).collect()
}

#[tokio::test]
async fn fields_are_listed_by_object_type() {
    let (sandbox, client) = api::connected().await;
    let stored: Vec<types::CustomField> = sandbox.inspect(|s| s.custom_fields.clone());
    let all = client.list_custom_fields().send().await.unwrap().into_inner();
    assert_eq!(all.result.iter().map(|f| f.id).collect::<Vec<_>>(), stored.iter().map(|f| f.id).collect::<Vec<_>>());
    for object in [types::ListCustomFieldsObjectType::Reservation, types::ListCustomFieldsObjectType::Listing] {
        let some = client.list_custom_fields().object_type(object).send().await.unwrap().into_inner().result;
        assert!(!some.is_empty() && some.len() < stored.len());
        assert!(some.iter().all(|f| f.object_type.as_deref() == Some(object.to_string().as_str())), "{some:?}");
    }
}

#[tokio::test]
async fn values_come_with_one_reservation_and_with_the_list_only_on_request() {
    let (sandbox, client) = api::connected().await;
    let (id, held) = sandbox.inspect(|s| {
        let r = s.reservations.values().find(|r| !r.custom_field_values.is_empty()).unwrap();
        (r.id, r.custom_field_values.clone())
    });
    let one = client.get_reservation().reservation_id(id).send().await.unwrap().into_inner().result;
    assert_eq!(pairs(&one.custom_field_values), pairs(&held));
    let bare = client.list_reservations().limit(100).send().await.unwrap().into_inner().result;
    assert!(bare.iter().all(|r| r.custom_field_values.is_empty()));
    let full = client.list_reservations().limit(100).include_resources(1).send().await.unwrap().into_inner().result;
    assert!(full.iter().any(|r| !r.custom_field_values.is_empty()));
}

#[tokio::test]
async fn values_are_written_on_a_reservation_and_a_listing_and_wrong_ones_refused() {
    let (sandbox, client) = api::connected().await;
    let (reservation, listing) =
        sandbox.inspect(|s| (*s.reservations.keys().next().unwrap(), *s.listings.keys().next().unwrap()));
    let body = types::ReservationInput {
        custom_field_values: vec![value(901, "P9"), value(903, "yes")],
        ..Default::default()
    };
    let written =
        client.update_reservation().reservation_id(reservation).body(body).send().await.unwrap().into_inner().result;
    assert_eq!(pairs(&written.custom_field_values), pairs(&[value(901, "P9"), value(903, "yes")]));
    for wrong in [value(903, "maybe"), value(911, "x"), value(999, "x")] {
        let body = types::ReservationInput { custom_field_values: vec![wrong.clone()], ..Default::default() };
        let (status, message) =
            api::failure(client.update_reservation().reservation_id(reservation).body(body).send().await);
        assert_eq!(status, 400, "{wrong:?}: {message}");
    }
    let body = types::ListingInput { custom_field_values: vec![value(912, "3")], ..Default::default() };
    let written = client.update_listing().listing_id(listing).body(body).send().await.unwrap().into_inner().result;
    assert_eq!(pairs(&written.custom_field_values), pairs(&[value(912, "3")]));
    let read = client.get_listing().listing_id(listing).send().await.unwrap().into_inner().result;
    assert_eq!(pairs(&read.custom_field_values), pairs(&[value(912, "3")]));
}
