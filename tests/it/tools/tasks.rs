//! The operations toolset end to end: list_tasks against the sandbox's tasks, create_task one by
//! one and after each departure, update_task, each write previewed, then done exactly once and
//! checked against what the sandbox holds. Expectations come from the sandbox's store.

use crate::support::mcp;
use hostaway_mcp::hostaway::id;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use hostaway_mcp::{
    hostaway::types,
    sandbox::{faults::FaultPlan, store::Store},
};
use serde_json::{Value, json};

fn today(h: &mcp::Harness) -> NaiveDate {
    h.sandbox.inspect(|s| s.today)
}

fn local(at: &Option<String>) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(at.as_deref().unwrap(), "%Y-%m-%d %H:%M:%S").unwrap()
}

fn ids(rows: &Value) -> Vec<i64> {
    rows.as_array().unwrap().iter().map(|r| r["task_id"].as_i64().unwrap()).collect()
}

/// Stays holding the calendar that depart in `start..=end`.
fn departing(s: &Store, start: NaiveDate, end: NaiveDate) -> Vec<types::Reservation> {
    s.reservations
        .values()
        .filter(|r| hostaway_mcp::sandbox::store::blocks_calendar(&r.status))
        .filter(|r| r.departure_date >= start && r.departure_date <= end)
        .cloned()
        .collect()
}

/// Live cleaning tasks of a reservation.
fn cleanings(s: &Store, reservation: i64) -> Vec<types::Task> {
    s.tasks
        .values()
        .filter(|t| t.reservation_id == Some(reservation) && t.status.as_deref() != Some("cancelled"))
        .filter(|t| t.categories_map.as_ref().is_some_and(|c| c.contains(&1)))
        .cloned()
        .collect()
}

#[tokio::test]
async fn list_tasks_shows_the_days_tasks_in_listing_time_soonest_first_and_filters() {
    let h = mcp::start().await;
    let (start, end) = (today(&h) - Duration::days(3), today(&h) + Duration::days(9));
    let mut expected: Vec<types::Task> = h.sandbox.inspect(|s| {
        s.tasks
            .values()
            .filter(|t| {
                let day = local(&t.can_start_from_listing_time).date();
                day >= start && day <= end
            })
            .cloned()
            .collect()
    });
    expected.sort_by_key(|t| (local(&t.can_start_from_listing_time), t.id));
    assert!(expected.len() > 5, "the sandbox schedules tasks around today");
    let range = json!({"start_date": start.to_string(), "end_date": end.to_string(), "limit": 100});
    let answer = h.ok("list_tasks", range.clone()).await;
    assert_eq!(answer["count"], json!(expected.len()));
    assert_eq!(answer["complete"], true);
    assert_eq!(ids(&answer["tasks"]), expected.iter().map(|t| t.id).collect::<Vec<_>>());
    let first = &answer["tasks"][0];
    let stored = &expected[0];
    assert_eq!(first["start"], json!(stored.can_start_from_listing_time.as_deref().unwrap()[..16]));
    assert_eq!(first["due"], json!(stored.should_end_by_listing_time.as_deref().unwrap()[..16]));

    let maintenance = h.ok("list_tasks", json!({"category": "maintenance", "limit": 100, "start_date": start.to_string(), "end_date": end.to_string()})).await;
    let want: Vec<i64> =
        expected.iter().filter(|t| t.categories_map.as_ref().is_some_and(|c| c.contains(&2))).map(|t| t.id).collect();
    assert!(!want.is_empty());
    assert_eq!(ids(&maintenance["tasks"]), want);
    assert!(maintenance["tasks"].as_array().unwrap().iter().all(|t| t["categories"] == json!(["maintenance"])));

    let listing = expected[0].listing_map_id.unwrap();
    let one = h
        .ok("list_tasks", json!({"listing_id": listing, "start_date": start.to_string(), "end_date": end.to_string()}))
        .await;
    let want: Vec<i64> = expected.iter().filter(|t| t.listing_map_id == Some(listing)).map(|t| t.id).collect();
    assert_eq!(ids(&one["tasks"]), want);

    let done = h
        .ok("list_tasks", json!({"status": "completed", "start_date": start.to_string(), "end_date": end.to_string()}))
        .await;
    let want: Vec<i64> = expected.iter().filter(|t| t.status.as_deref() == Some("completed")).map(|t| t.id).collect();
    assert_eq!(ids(&done["tasks"]), want);

    let booking = expected.iter().find(|t| t.reservation_id.is_some()).unwrap();
    let of_booking = h.ok("list_tasks", json!({"reservation_id": booking.reservation_id})).await;
    assert_eq!(ids(&of_booking["tasks"]), vec![booking.id], "one booking's tasks, whatever the day");
    assert!(of_booking.get("start_date").is_none());
}

#[tokio::test]
async fn cleanings_after_departures_are_previewed_then_created_once_each() {
    let h = mcp::start().await;
    let (start, end) = (today(&h) + Duration::days(1), today(&h) + Duration::days(14));
    let leaving = h.sandbox.inspect(|s| departing(s, start, end));
    let had: Vec<bool> = h.sandbox.inspect(|s| leaving.iter().map(|r| !cleanings(s, r.id).is_empty()).collect());
    assert!(had.contains(&true) && had.contains(&false), "some departures have a cleaning already, some do not");
    let args = json!({"category": "cleaning", "after_departures": {"start_date": start.to_string(), "end_date": end.to_string()}});

    let preview = h.ok("create_task", args.clone()).await;
    assert_eq!(preview["status"], "preview");
    let rows = preview["tasks"].as_array().unwrap();
    assert_eq!(rows.len(), leaving.len(), "one per departure");
    for row in rows {
        let reservation = row["reservation_id"].as_i64().unwrap();
        let i = leaving.iter().position(|r| r.id == reservation).unwrap();
        let expected = if had[i] { "exists" } else { "new" };
        assert_eq!(row["outcome"], expected, "reservation {reservation}");
        if !had[i] {
            let r = &leaving[i];
            let (out, check_in, next) = h.sandbox.inspect(|s| {
                let l = &s.listings[&r.listing_map_id];
                let next = s
                    .reservations
                    .values()
                    .filter(|n| n.listing_map_id == r.listing_map_id && n.id != r.id)
                    .filter(|n| hostaway_mcp::sandbox::store::blocks_calendar(&n.status))
                    .filter(|n| n.arrival_date >= r.departure_date && n.arrival_date <= end + Duration::days(30))
                    .map(|n| n.arrival_date)
                    .min();
                (l.check_out_time.unwrap(), l.check_in_time_start.unwrap(), next)
            });
            assert_eq!(row["title"], "Turnover cleaning");
            assert_eq!(row["start"], json!(format!("{} {out:02}:00", r.departure_date)));
            assert_eq!(
                row.get("due").cloned(),
                next.map(|d| json!(format!("{d} {check_in:02}:00"))),
                "until the next check-in"
            );
        }
    }
    assert_eq!(h.sandbox.stats().applied(id::CREATE_TASK), 0, "a preview creates nothing");

    let mut confirm = args.clone();
    confirm["confirm"] = json!(true);
    let done = h.ok("create_task", confirm.clone()).await;
    assert_eq!(done["status"], "done");
    let new = had.iter().filter(|h| !**h).count();
    assert_eq!(h.sandbox.stats().applied(id::CREATE_TASK), new as u64);
    let created = done["tasks"].as_array().unwrap().iter().filter(|t| t["outcome"] == "created").count();
    assert_eq!(created, new);
    h.sandbox.inspect(|s| {
        for r in &leaving {
            assert_eq!(cleanings(s, r.id).len(), 1, "reservation {} has one cleaning", r.id);
        }
    });

    let again = h.ok("create_task", confirm).await;
    assert_eq!(again["status"], "already_done");
    assert_eq!(h.sandbox.stats().applied(id::CREATE_TASK), new as u64, "nothing created twice");
}

#[tokio::test]
async fn one_task_is_created_in_the_listings_time_and_a_lost_answer_does_not_make_it_twice() {
    let h = mcp::start().await;
    let (listing, zone) = h.sandbox.inspect(|s| {
        let l = s.listings.values().find(|l| l.time_zone_name.as_deref() == Some("Europe/Berlin")).unwrap();
        (l.id, l.time_zone_name.clone().unwrap())
    });
    let day = today(&h) + Duration::days(20);
    let args = json!({
        "title": "Repaint the hallway", "category": "maintenance", "listing_id": listing,
        "start": format!("{day} 09:30"), "due": (day + Duration::days(1)).to_string(), "confirm": true,
    });
    h.sandbox.set_faults(FaultPlan {
        drop_next: 1,
        drop_after_handling: true,
        only: vec![id::CREATE_TASK.into()],
        ..FaultPlan::default()
    });
    let lost = h.err("create_task", args.clone()).await;
    assert!(lost.contains("not known whether the task was created"), "{lost}");
    assert_eq!(h.sandbox.stats().applied(id::CREATE_TASK), 1, "Hostaway did create it");

    let again = h.ok("create_task", args).await;
    assert_eq!(again["status"], "already_done");
    assert_eq!(again["tasks"][0]["outcome"], "exists");
    let stored: Vec<types::Task> =
        h.sandbox.inspect(|s| s.tasks.values().filter(|t| t.title == "Repaint the hallway").cloned().collect());
    assert_eq!(stored.len(), 1, "one task");
    assert_eq!(again["tasks"][0]["task_id"], json!(stored[0].id));
    let zone: chrono_tz::Tz = zone.parse().unwrap();
    let start = day.and_hms_opt(9, 30, 0).unwrap().and_local_timezone(zone).unwrap().naive_utc();
    assert_eq!(local(&stored[0].can_start_from), start, "stored in UTC");
    assert_eq!(stored[0].can_start_from_listing_time.as_deref(), Some(format!("{day} 09:30:00").as_str()));
    let due = (day + Duration::days(1)).and_hms_opt(23, 59, 0).unwrap().and_local_timezone(zone).unwrap().naive_utc();
    assert_eq!(local(&stored[0].should_end_by), due, "a bare day is due by its end");
    assert_eq!(stored[0].categories_map, Some(vec![2]));
    assert_eq!(h.sandbox.stats().applied(id::CREATE_TASK), 1);
}

#[tokio::test]
async fn update_task_previews_sends_only_what_differs_and_then_is_unchanged() {
    let h = mcp::start().await;
    let task =
        h.sandbox.inspect(|s| s.tasks.values().find(|t| t.status.as_deref() == Some("pending")).unwrap().clone());
    let due_day = local(&task.should_end_by_listing_time).date() + Duration::days(1);
    let args =
        json!({"task_id": task.id, "status": "in_progress", "due": format!("{due_day} 16:00"), "title": task.title});
    let preview = h.ok("update_task", args.clone()).await;
    assert_eq!(preview["status"], "preview");
    let fields: Vec<&str> =
        preview["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["status", "due"], "the title is already so");
    assert_eq!(preview["changes"][0]["after"], "in_progress");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_TASK), 0);

    let mut confirm = args;
    confirm["confirm"] = json!(true);
    let done = h.ok("update_task", confirm.clone()).await;
    assert_eq!(done["status"], "done");
    assert_eq!(done["task"]["status"], "in_progress");
    assert_eq!(done["task"]["due"], json!(format!("{due_day} 16:00")));
    let stored = h.sandbox.inspect(|s| s.tasks[&task.id].clone());
    assert_eq!(stored.status.as_deref(), Some("inProgress"));
    assert_eq!(stored.should_end_by_listing_time, Some(format!("{due_day} 16:00:00")));
    assert_eq!(
        (stored.title, stored.reservation_id, stored.categories_map),
        (task.title, task.reservation_id, task.categories_map),
        "the rest is kept"
    );

    let again = h.ok("update_task", confirm).await;
    assert_eq!(again["status"], "unchanged");
    assert!(again["changes"].as_array().unwrap().is_empty());
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_TASK), 1);
}

#[tokio::test]
async fn bad_task_arguments_are_named_and_nothing_is_written() {
    let h = mcp::start().await;
    let listing = h.sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let day = (today(&h) + Duration::days(5)).to_string();
    let cases = [
        (json!({"category": "cleaning", "listing_id": listing, "start": day}), "title"),
        (json!({"title": "x", "category": "cleaning", "listing_id": listing}), "start"),
        (json!({"title": "x", "category": "cleaning", "listing_id": listing, "start": "2001-01-01"}), "in the past"),
        (
            json!({"title": "x", "category": "cleaning", "listing_id": listing, "start": day, "due": "2001-01-01"}),
            "due",
        ),
        (json!({"title": "x", "category": "cleaning", "listing_id": listing, "start": "soon"}), "start"),
        (json!({"title": "x", "category": "sweeping", "listing_id": listing, "start": day}), "category"),
        (
            json!({"category": "cleaning", "start": day, "after_departures": {"start_date": day, "end_date": day}}),
            "start",
        ),
        (json!({"category": "cleaning", "after_departures": {"start_date": day, "end_date": "2099-01-01"}}), "31 days"),
        (json!({"title": "x", "category": "cleaning", "listing_id": 1, "start": day}), "listing_id"),
    ];
    for (args, named) in cases {
        let error = h.err("create_task", args.clone()).await;
        assert!(error.contains(named), "{args}: {error}");
    }
    let error = h.err("update_task", json!({"task_id": 1, "status": "completed"})).await;
    assert!(error.contains('1'), "{error}");
    assert_eq!(h.sandbox.stats().applied(id::CREATE_TASK) + h.sandbox.stats().applied(id::UPDATE_TASK), 0);
}

/// Issue 25, repro 8: a task without a listing is read, stored and shown in the account's zone
/// (the one most listings keep), so the day previewed is the day Hostaway holds and list_tasks
/// shows.
#[tokio::test]
async fn a_task_without_a_listing_keeps_the_account_zones_day() {
    let h = mcp::start().await;
    // The account's zone as the server's instructions define it: the one most listings keep, ties
    // going to the zone of the lowest listing id.
    let zone: chrono_tz::Tz = h.sandbox.inspect(|s| {
        let mut counts = std::collections::BTreeMap::<String, (usize, i64)>::new();
        for l in s.listings.values() {
            let entry = counts.entry(l.time_zone_name.clone().unwrap()).or_insert((0, l.id));
            *entry = (entry.0 + 1, entry.1.min(l.id));
        }
        let best = counts.into_iter().max_by_key(|(_, (n, id))| (*n, -id)).unwrap();
        best.0.parse().unwrap()
    });
    let day = today(&h) + Duration::days(15);
    let midnight = day.and_hms_opt(0, 0, 0).unwrap().and_local_timezone(zone).unwrap().naive_utc();
    assert_ne!(midnight.date(), day, "the check needs a zone east of UTC ({zone})");
    let args = json!({"category": "cleaning", "title": "Deep clean the storeroom", "start": day.to_string()});
    let preview = h.ok("create_task", args.clone()).await;
    assert_eq!(preview["tasks"][0]["start"], format!("{day} 00:00"), "{preview}");
    let mut confirm = args;
    confirm["confirm"] = json!(true);
    let done = h.ok("create_task", confirm).await;
    assert_eq!(done["status"], "done", "{done}");
    let stored: types::Task =
        h.sandbox.inspect(|s| s.tasks.values().find(|t| t.title == "Deep clean the storeroom").cloned().unwrap());
    assert_eq!(stored.listing_map_id, None);
    assert_eq!(local(&stored.can_start_from), midnight, "Hostaway holds the account zone's midnight, in UTC");
    let listed =
        h.ok("list_tasks", json!({"start_date": day.to_string(), "end_date": day.to_string(), "limit": 100})).await;
    let row = listed["tasks"].as_array().unwrap().iter().find(|t| t["task_id"] == json!(stored.id));
    assert_eq!(row.map(|r| r["start"].clone()), Some(json!(format!("{day} 00:00"))), "{listed}");
}

/// Issue 25 (smaller): an assignee who is not on the account's staff, or whom the account
/// disabled, is refused by update_task and create_task, and nothing is written.
#[tokio::test]
async fn an_unknown_or_disabled_assignee_is_refused() {
    let h = mcp::start().await;
    let (task, disabled) = h.sandbox.inspect(|s| {
        let task = s.tasks.values().find(|t| t.status.as_deref() == Some("pending")).unwrap().id;
        let disabled = s.users.values().find(|u| u.is_disabled_by_account == Some(1)).unwrap().id;
        (task, disabled)
    });
    let unknown = h.sandbox.inspect(|s| s.users.keys().max().unwrap() + 1000);
    for confirm in [false, true] {
        let error = h.err("update_task", json!({"task_id": task, "assignee": unknown, "confirm": confirm})).await;
        assert!(error.contains(&format!("no staff member with user id {unknown}")), "{error}");
    }
    let error = h.err("update_task", json!({"task_id": task, "assignee": disabled, "confirm": true})).await;
    assert!(error.contains("disabled"), "{error}");
    let day = today(&h) + Duration::days(9);
    let create = json!({"category": "maintenance", "title": "Fix the tap", "start": day.to_string(),
        "assignee": unknown, "confirm": true});
    assert!(h.err("create_task", create).await.contains(&format!("no staff member with user id {unknown}")));
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_TASK) + h.sandbox.stats().applied(id::CREATE_TASK), 0);
    let active = h.sandbox.inspect(|s| s.users.values().find(|u| u.is_disabled_by_account == Some(0)).unwrap().id);
    let moved = h.ok("update_task", json!({"task_id": task, "assignee": active, "confirm": true})).await;
    assert!(matches!(moved["status"].as_str(), Some("done" | "unchanged")), "{moved}");
}

/// Issue 29: a task is one job whatever its words say. Confirms that differ only in description
/// or title, at once or one after the other, with a listing or without, make one task; the later
/// ones answer already_done and say how the task there differs from what they asked.
#[tokio::test]
async fn confirms_of_one_task_in_other_words_make_it_once() {
    let h = mcp::start().await;
    let listing = h.sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let day = today(&h) + Duration::days(12);
    let task = |title: &str, description: &str| {
        json!({"title": title, "description": description, "category": "maintenance", "listing_id": listing,
               "start": format!("{day} 10:00"), "confirm": true})
    };
    let (a, b) = tokio::join!(
        h.ok("create_task", task("Fix the tap", "kitchen")),
        h.ok("create_task", task("Fix the tap", "kitchen, leaking since Monday"))
    );
    let mut statuses = [a["status"].clone(), b["status"].clone()];
    statuses.sort_by_key(|s| s.to_string());
    assert_eq!(statuses, [json!("already_done"), json!("done")], "{a}\n{b}");
    assert_eq!(h.sandbox.stats().applied(id::CREATE_TASK), 1, "concurrent confirms in other words");

    let later = h.ok("create_task", task("Repair the kitchen tap", "kitchen")).await;
    assert_eq!(later["status"], "already_done", "{later}");
    assert_eq!(later["tasks"][0]["outcome"], "exists");
    let note = later["note"].as_str().unwrap_or_default();
    assert!(note.contains("title \"Fix the tap\" there, \"Repair the kitchen tap\" asked"), "{note}");
    assert_eq!(h.sandbox.stats().applied(id::CREATE_TASK), 1, "a later confirm in other words");

    let loose = json!({"title": "Restock the office", "category": "other", "start": day.to_string(), "confirm": true});
    assert_eq!(h.ok("create_task", loose.clone()).await["status"], "done");
    assert_eq!(h.ok("create_task", loose).await["status"], "already_done", "a task of no listing, twice");
    assert_eq!(h.sandbox.stats().applied(id::CREATE_TASK), 2);
    let stored = h.sandbox.inspect(|s| s.tasks.values().filter(|t| t.title.contains("tap")).count());
    assert_eq!(stored, 1);
}

/// Issue 32: a task goes to a person by name. Words of one name find them, and the task Hostaway
/// holds is theirs; a first name two people share, or a name nobody has, is refused with whom it
/// could mean, and nothing is written; the change names the people, and every task row names its
/// assignee as the staff list does.
#[tokio::test]
async fn a_task_is_assigned_by_name() {
    let h = mcp::start().await;
    let name_of = |id: i64| {
        h.sandbox.inspect(|s| {
            let u = &s.users[&id];
            format!("{} {}", u.first_name.clone().unwrap(), u.last_name.clone().unwrap())
        })
    };
    let day = today(&h) + Duration::days(9);
    let create = |who: &str| {
        json!({"category": "maintenance", "title": "Fix the tap", "start": day.to_string(), "assignee": who,
            "confirm": true})
    };
    let shared = h.err("create_task", create("jonas")).await;
    assert!(shared.contains("Jonas Weber (502)") && shared.contains("Jonas Berg (503)"), "{shared}");
    let nobody = h.err("create_task", create("Joanna Smith")).await;
    assert!(nobody.contains("list_staff"), "{nobody}");
    assert_eq!(h.sandbox.stats().applied(id::CREATE_TASK), 0, "nothing written");

    let made = h.ok("create_task", create("Jonas WEBER")).await;
    let row = &made["tasks"][0];
    assert_eq!((row["assignee_user_id"].clone(), row["assignee"].clone()), (json!(502), json!(name_of(502))), "{made}");
    let task = row["task_id"].as_i64().unwrap();
    assert_eq!(h.sandbox.inspect(|s| s.tasks[&task].assignee_user_id), Some(502));

    let preview = h.ok("update_task", json!({"task_id": task, "assignee": "lena"})).await;
    assert_eq!(
        preview["changes"],
        json!([{"field": "assignee", "before": format!("{} (502)", name_of(502)), "after": format!("{} (505)", name_of(505))}]),
        "{preview}"
    );
    assert_eq!(h.sandbox.inspect(|s| s.tasks[&task].assignee_user_id), Some(502), "a preview writes nothing");
    let moved = h.ok("update_task", json!({"task_id": task, "assignee": "lena", "confirm": true})).await;
    assert_eq!(moved["status"], "done");
    assert_eq!(h.sandbox.inspect(|s| s.tasks[&task].assignee_user_id), Some(505));
    let again = h.ok("update_task", json!({"task_id": task, "assignee": 505, "confirm": true})).await;
    assert_eq!(again["status"], "unchanged", "the same person by id: nothing to send");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_TASK), 1);
}

/// Issue 32: a task made by mistake is deleted: the preview says so and sends nothing, the
/// confirm deletes it once (Hostaway no longer holds it), and a repeat finds no task.
#[tokio::test]
async fn a_task_is_deleted_once() {
    let h = mcp::start().await;
    let task = h.sandbox.inspect(|s| s.tasks.values().find(|t| t.status.as_deref() == Some("pending")).unwrap().id);
    let mixed = h.err("update_task", json!({"task_id": task, "delete": true, "title": "x", "confirm": true})).await;
    assert!(mixed.contains("title") && mixed.contains("delete"), "{mixed}");
    let preview = h.ok("update_task", json!({"task_id": task, "delete": true})).await;
    assert_eq!(preview["status"], "preview");
    assert_eq!(preview["changes"][0]["after"], "deleted", "{preview}");
    assert!(h.sandbox.inspect(|s| s.tasks.contains_key(&task)), "a preview deletes nothing");
    let done = h.ok("update_task", json!({"task_id": task, "delete": true, "confirm": true})).await;
    assert_eq!(done["status"], "done", "{done}");
    assert!(!h.sandbox.inspect(|s| s.tasks.contains_key(&task)), "Hostaway no longer holds it");
    let repeat = h.call("update_task", json!({"task_id": task, "delete": true, "confirm": true})).await;
    let text = mcp::text(&repeat);
    assert!(repeat.is_error == Some(true) || text.contains("already_done"), "{text}");
    assert_eq!(h.sandbox.stats().applied(id::DELETE_TASK), 1, "deleted once");
}
