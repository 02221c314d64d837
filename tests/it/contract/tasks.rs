//! Contract: tasks, through the generated client against the sandbox: paging with a count, the
//! reservation, status, text and UTC-day filters, create with the listing's local times derived,
//! get, and update of the fields sent.

use crate::support::api;
use hostaway_mcp::hostaway::id;

use chrono::NaiveDate;
use hostaway_mcp::hostaway::types;

fn day(at: &Option<String>) -> NaiveDate {
    NaiveDate::parse_from_str(&at.clone().unwrap()[..10], "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn tasks_page_with_a_count_in_id_order() {
    let (sandbox, client) = api::connected().await;
    let stored = sandbox.inspect(|s| s.tasks.len());
    assert!(stored > 10, "the sandbox has tasks: {stored}");
    let mut seen = Vec::new();
    loop {
        let page = client.list_tasks().limit(7).offset(seen.len() as i32).send().await.unwrap().into_inner();
        assert_eq!(page.status, types::EnvelopeStatus::Success);
        assert_eq!(page.count, Some(stored as i64));
        let n = page.result.len();
        seen.extend(page.result);
        if n < 7 {
            break;
        }
    }
    assert_eq!(seen.len(), stored);
    assert!(seen.windows(2).all(|w| w[0].id < w[1].id), "every task once, in id order");
}

#[tokio::test]
async fn the_reservation_status_text_and_day_filters_narrow_the_list() {
    let (sandbox, client) = api::connected().await;
    let all: Vec<types::Task> = sandbox.inspect(|s| s.tasks.values().cloned().collect());
    let cleaning = all.iter().find(|t| t.reservation_id.is_some()).unwrap();
    let of_reservation =
        client.list_tasks().reservation_id(cleaning.reservation_id.unwrap()).send().await.unwrap().into_inner();
    assert_eq!(of_reservation.result.iter().map(|t| t.id).collect::<Vec<_>>(), vec![cleaning.id]);

    let pending = client.list_tasks().status(types::TaskStatus::Pending).limit(1000).send().await.unwrap().into_inner();
    assert_eq!(pending.result.len(), all.iter().filter(|t| t.status.as_deref() == Some("pending")).count());
    assert!(pending.result.iter().all(|t| t.status.as_deref() == Some("pending")));

    let boiler = client.list_tasks().match_("BOILER").send().await.unwrap().into_inner();
    assert_eq!(boiler.result.len(), 1, "match is case-insensitive over the title");

    let from = day(&cleaning.can_start_from);
    let window = client
        .list_tasks()
        .can_start_from_start(from)
        .can_start_from_end(from)
        .limit(1000)
        .send()
        .await
        .unwrap()
        .into_inner();
    let expected = all.iter().filter(|t| t.can_start_from.is_some() && day(&t.can_start_from) == from).count();
    assert_eq!(window.result.len(), expected);
    assert!(window.result.iter().any(|t| t.id == cleaning.id));
    let due = client.list_tasks().should_end_by_end(from).limit(1000).send().await.unwrap().into_inner();
    assert!(due.result.iter().all(|t| day(&t.should_end_by) <= from));
}

#[tokio::test]
async fn a_created_task_takes_its_listing_from_the_reservation_and_local_times_from_the_listing() {
    let (sandbox, client) = api::connected().await;
    let (reservation, zone) = sandbox.inspect(|s| {
        let r = s.reservations.values().find(|r| r.status.as_str() == "new").unwrap().clone();
        let zone = s.listings[&r.listing_map_id].time_zone_name.clone().unwrap();
        (r, zone)
    });
    let input = types::TaskInput {
        title: Some("Deep cleaning".into()),
        reservation_id: Some(reservation.id),
        can_start_from: Some("2026-07-01 09:00:00".into()),
        should_end_by: Some("2026-07-01 13:00:00".into()),
        categories_map: vec![1],
        ..Default::default()
    };
    let created = client.create_task().body(input).send().await.unwrap().into_inner().result;
    assert_eq!(created.listing_map_id, Some(reservation.listing_map_id));
    assert_eq!(created.status.as_deref(), Some("pending"));
    let zone: chrono_tz::Tz = zone.parse().unwrap();
    let local = chrono::NaiveDateTime::parse_from_str("2026-07-01 09:00:00", "%Y-%m-%d %H:%M:%S")
        .unwrap()
        .and_utc()
        .with_timezone(&zone)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    assert_eq!(created.can_start_from_listing_time.as_deref(), Some(local.as_str()));
    assert_eq!(sandbox.stats().applied(id::CREATE_TASK), 1);

    let read = client.get_task().task_id(created.id).send().await.unwrap().into_inner().result;
    assert_eq!(
        (read.id, &read.title, &read.should_end_by_listing_time),
        (created.id, &created.title, &created.should_end_by_listing_time)
    );

    let change = types::TaskInput { status: Some(types::TaskStatus::Completed), ..Default::default() };
    let updated = client.update_task().task_id(created.id).body(change).send().await.unwrap().into_inner().result;
    assert_eq!(updated.status.as_deref(), Some("completed"));
    assert!(updated.completed_at.is_some());
    assert_eq!(updated.title, "Deep cleaning", "fields not sent are kept");
}

#[tokio::test]
async fn a_task_without_a_title_or_with_an_unknown_reference_is_refused() {
    let (sandbox, client) = api::connected().await;
    let (status, message) = api::failure(client.create_task().body(types::TaskInput::default()).send().await);
    assert_eq!(status, 400);
    assert!(message.contains("title"), "{message}");
    let unknown = types::TaskInput { title: Some("x".into()), listing_map_id: Some(1), ..Default::default() };
    let (status, _) = api::failure(client.create_task().body(unknown).send().await);
    assert_eq!(status, 404);
    let backwards = types::TaskInput {
        title: Some("x".into()),
        can_start_from: Some("2026-07-02 09:00:00".into()),
        should_end_by: Some("2026-07-01 09:00:00".into()),
        ..Default::default()
    };
    let (status, message) = api::failure(client.create_task().body(backwards).send().await);
    assert_eq!(status, 400, "{message}");
    let (status, _) = api::failure(client.get_task().task_id(1).send().await);
    assert_eq!(status, 404);
    assert_eq!(sandbox.stats().applied(id::CREATE_TASK), 0);
}

#[tokio::test]
async fn a_user_is_read_by_id_and_an_unknown_one_is_not_found() {
    let (sandbox, client) = api::connected().await;
    let assigned: Vec<i64> = sandbox.inspect(|s| s.tasks.values().filter_map(|t| t.assignee_user_id).collect());
    assert!(!assigned.is_empty(), "the seeded tasks are assigned");
    for id in assigned {
        let user = client.get_user().user_id(id).send().await.unwrap().into_inner();
        assert_eq!(user.status, types::EnvelopeStatus::Success);
        assert_eq!(user.result.id, id);
        assert!(user.result.first_name.is_some() && user.result.is_disabled_by_account == Some(0));
    }
    let missing = client.get_user().user_id(999_999).send().await.unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404), "{missing}");
}

#[tokio::test]
async fn the_users_list_holds_every_user_once_with_their_group_and_state() {
    let (sandbox, client) = api::connected().await;
    let stored: Vec<types::User> = sandbox.inspect(|s| s.users.values().cloned().collect());
    let listed = client.list_users().send().await.unwrap().into_inner();
    assert_eq!(listed.status, types::EnvelopeStatus::Success);
    let ids: Vec<i64> = listed.result.iter().map(|u| u.id).collect();
    assert_eq!(ids, stored.iter().map(|u| u.id).collect::<Vec<_>>(), "every user, once, in id order");
    for (user, stored) in listed.result.iter().zip(&stored) {
        assert_eq!(user.first_name, stored.first_name);
        assert_eq!(user.user_group_name, stored.user_group_name);
        assert_eq!(user.is_admin, stored.is_admin);
        assert_eq!(user.is_disabled_by_account, stored.is_disabled_by_account);
    }
    assert!(listed.result.iter().any(|u| u.is_disabled_by_account == Some(1)), "a disabled user is still listed");
}

#[tokio::test]
async fn a_deleted_task_is_gone_and_a_second_delete_finds_nothing() {
    let (sandbox, client) = api::connected().await;
    let id = sandbox.inspect(|s| *s.tasks.keys().next().unwrap());
    let deleted = client.delete_task().task_id(id).send().await.unwrap().into_inner();
    assert_eq!(deleted.status, types::EnvelopeStatus::Success);
    let (status, _) = api::failure(client.get_task().task_id(id).send().await);
    assert_eq!(status, 404, "the task is gone");
    let (status, _) = api::failure(client.delete_task().task_id(id).send().await);
    assert_eq!(status, 404, "a second delete finds nothing");
    assert_eq!(sandbox.stats().applied(id::DELETE_TASK), 1);
}
