//! Tasks: a filtered walk, one task, the three writes (create, update, delete), and the staff
//! they are assigned to.
//!
//! Every task read is account-wide in the cache (Hostaway lists tasks by no listing), so any task
//! write drops them all and nothing else.

use chrono::NaiveDate;

use super::{Fresh, id, secs};
use crate::hostaway::{
    Gateway, GatewayError, Idempotence,
    cache::{ReadKey, Scope},
    paging::Page,
    types,
};

/// Staff change tasks in Hostaway's app at any moment: half a minute, like bookings. The staff
/// list changes when someone joins or leaves: ten minutes, and a name or id it lacks is read again.
pub(super) const TTLS: &[(&str, std::time::Duration)] =
    &[(id::LIST_TASKS, secs(30)), (id::GET_TASK, secs(30)), (id::LIST_USERS, secs(600))];

/// Tasks per page of a walk.
const TASKS_PAGE: u32 = 100;
/// Pages a walk reads at most (1,000 tasks).
const TASKS_PAGES: u32 = 10;

/// The `listTasks` filters a tool sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskQuery {
    /// Only this reservation's tasks.
    pub reservation_id: Option<i64>,
    /// Only tasks in this status.
    pub status: Option<types::TaskStatus>,
    /// Only tasks that can start on these UTC days, inclusive.
    pub starts: (Option<NaiveDate>, Option<NaiveDate>),
}

impl Gateway {
    /// Every task matching `query`, up to 1,000; `true` when there were more than were read.
    pub async fn tasks(&self, query: &TaskQuery, fresh: Fresh) -> Result<(Vec<types::Task>, bool), GatewayError> {
        super::offset_walk(TASKS_PAGE, TASKS_PAGES, |request| async move {
            let key = ReadKey {
                operation: id::LIST_TASKS,
                params: format!("{query:?}&limit={}&offset={}", request.limit, request.offset),
                scope: Scope::default(),
            };
            let page = self
                .fetch(key, fresh, |client| {
                    let query = query.clone();
                    async move {
                        let mut call = client
                            .list_tasks()
                            .limit(super::limit(request.limit))
                            .offset(super::offset(request.offset));
                        if let Some(id) = query.reservation_id {
                            call = call.reservation_id(id);
                        }
                        if let Some(status) = query.status {
                            call = call.status(status);
                        }
                        if let Some(day) = query.starts.0 {
                            call = call.can_start_from_start(day);
                        }
                        if let Some(day) = query.starts.1 {
                            call = call.can_start_from_end(day);
                        }
                        call.send().await
                    }
                })
                .await?;
            Ok(Page::counted(page.result, page.count))
        })
        .await
    }

    /// One task.
    pub async fn task(&self, task: i64, fresh: Fresh) -> Result<types::Task, GatewayError> {
        let key = ReadKey { operation: id::GET_TASK, params: task.to_string(), scope: Scope::default() };
        let envelope =
            self.fetch(key, fresh, move |client| async move { client.get_task().task_id(task).send().await }).await?;
        Ok(envelope.result)
    }

    /// The account's staff, every user (Hostaway gives this list no paging).
    pub async fn staff(&self, fresh: Fresh) -> Result<Vec<types::User>, GatewayError> {
        let key = ReadKey { operation: id::LIST_USERS, params: String::new(), scope: Scope::default() };
        let envelope = self.fetch(key, fresh, move |client| async move { client.list_users().send().await }).await?;
        Ok(envelope.result)
    }

    /// Creates a task. A POST: never repeated once it may have reached Hostaway, so a lost answer
    /// is reported as such, for the caller to look for the task.
    pub async fn create_task(&self, input: types::TaskInput) -> Result<types::Task, GatewayError> {
        let created = self
            .write(id::CREATE_TASK, Idempotence::Unsafe, Scope::default(), move |client| {
                let input = input.clone();
                async move { client.create_task().body(input).send().await }
            })
            .await?;
        Ok(created.result)
    }

    /// Changes a task (a PUT of the whole task, so safe to repeat).
    pub async fn update_task(&self, task: i64, input: types::TaskInput) -> Result<types::Task, GatewayError> {
        let updated = self
            .write(id::UPDATE_TASK, Idempotence::Safe, Scope::default(), move |client| {
                let input = input.clone();
                async move { client.update_task().task_id(task).body(input).send().await }
            })
            .await?;
        Ok(updated.result)
    }

    /// Deletes a task. Sending it again after it went finds nothing (404), so it is safe to repeat:
    /// a lost answer is settled by reading the task.
    pub async fn delete_task(&self, task: i64) -> Result<(), GatewayError> {
        self.write(id::DELETE_TASK, Idempotence::Safe, Scope::default(), move |client| async move {
            client.delete_task().task_id(task).send().await
        })
        .await?;
        Ok(())
    }
}
