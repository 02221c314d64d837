//! Money: the consolidated revenue report, one reservation's charges and price breakdown, owner
//! statements, and the expenses and extras, read and written.

use super::{Fresh, id, secs};
use crate::hostaway::{
    Gateway, GatewayError, Idempotence,
    cache::{ReadKey, Scope},
    finance_form::FinanceReportRequest,
    paging::Page,
    types,
};

/// Reports are slow to change and costly to build upstream; charges move with payments.
pub(super) const TTLS: &[(&str, std::time::Duration)] = &[
    (id::GET_CONSOLIDATED_REPORT, secs(300)),
    (id::LIST_FINANCE_FIELDS, secs(300)),
    (id::LIST_GUEST_CHARGES, secs(60)),
    (id::LIST_EXPENSES, secs(300)),
    (id::GET_EXPENSE, secs(300)),
    (id::LIST_OWNER_STATEMENTS, secs(300)),
    (id::GET_OWNER_STATEMENT, secs(300)),
];

/// Guest charges read per reservation at most.
const CHARGES_PAGE: u32 = 100;
/// Expenses per page (Hostaway's most).
const EXPENSES_PAGE: u32 = 500;
/// Pages of expenses read at most (5,000 expenses and extras).
const EXPENSES_PAGES: u32 = 10;

impl Gateway {
    /// Hostaway's consolidated report: one row per reservation with revenue, fees and payouts.
    pub async fn consolidated_report(
        &self,
        request: FinanceReportRequest,
    ) -> Result<types::FinanceReport, GatewayError> {
        let key =
            ReadKey { operation: id::GET_CONSOLIDATED_REPORT, params: format!("{request:?}"), scope: Scope::default() };
        let envelope = self
            .read(key, move |client| {
                let request = request.clone();
                async move { client.get_consolidated_report().body(request).send().await }
            })
            .await?;
        Ok(envelope.result)
    }

    /// What the guest of a reservation was charged and paid.
    pub async fn guest_charges(&self, reservation: i64, fresh: Fresh) -> Result<Vec<types::GuestCharge>, GatewayError> {
        let key = ReadKey {
            operation: id::LIST_GUEST_CHARGES,
            params: reservation.to_string(),
            scope: Scope::reservation(reservation, None),
        };
        let list = self
            .fetch(key, fresh, move |client| async move {
                client.list_guest_charges().reservation_id(reservation).limit(super::limit(CHARGES_PAGE)).send().await
            })
            .await?;
        Ok(list.result)
    }

    /// Records a payment taken outside Hostaway as an offline charge. A POST: never repeated once
    /// it may have reached Hostaway, so a lost answer is reported as such, for the caller to look
    /// among the booking's charges.
    pub async fn create_offline_charge(
        &self,
        reservation: i64,
        listing: i64,
        input: types::OfflineChargeInput,
    ) -> Result<types::GuestCharge, GatewayError> {
        let scope = Scope::reservation(reservation, Some(listing));
        let created = self
            .write(id::CREATE_OFFLINE_CHARGE, Idempotence::Unsafe, scope, move |client| {
                let input = input.clone();
                async move { client.create_offline_charge().reservation_id(reservation).body(input).send().await }
            })
            .await?;
        Ok(created.result)
    }

    /// Marks an offline charge paid or cancelled (a PUT of every field, so safe to repeat).
    pub async fn update_offline_charge(
        &self,
        reservation: i64,
        listing: i64,
        charge: i64,
        input: types::OfflineChargeInput,
    ) -> Result<types::GuestCharge, GatewayError> {
        let scope = Scope::reservation(reservation, Some(listing));
        let updated = self
            .write(id::UPDATE_OFFLINE_CHARGE, Idempotence::Safe, scope, move |client| {
                let input = input.clone();
                async move {
                    client
                        .update_offline_charge()
                        .reservation_id(reservation)
                        .charge_id(charge)
                        .body(input)
                        .send()
                        .await
                }
            })
            .await?;
        Ok(updated.result)
    }

    /// A reservation's price breakdown (its finance fields).
    pub async fn finance_fields(
        &self,
        reservation: i64,
        fresh: Fresh,
    ) -> Result<Vec<types::FinanceField>, GatewayError> {
        let key = ReadKey {
            operation: id::LIST_FINANCE_FIELDS,
            params: reservation.to_string(),
            scope: Scope::reservation(reservation, None),
        };
        let list = self
            .fetch(key, fresh, move |client| async move {
                client.list_finance_fields().reservation_id(reservation).send().await
            })
            .await?;
        Ok(list.result)
    }

    /// Sets one line of a reservation's price breakdown by hand (marked overridden, so Hostaway
    /// keeps it through recalculations). A PUT of the value: safe to repeat.
    pub async fn update_finance_field(
        &self,
        reservation: i64,
        listing: i64,
        field: i64,
        input: types::FinanceFieldInput,
    ) -> Result<types::FinanceField, GatewayError> {
        let scope = Scope::reservation(reservation, Some(listing));
        let updated = self
            .write(id::UPDATE_FINANCE_FIELD, Idempotence::Safe, scope, move |client| {
                let input = input.clone();
                async move {
                    client
                        .update_finance_field()
                        .reservation_id(reservation)
                        .finance_field_id(field)
                        .body(input)
                        .send()
                        .await
                }
            })
            .await?;
        Ok(updated.result)
    }

    /// Every expense and extra of the account (Hostaway filters them by nothing but page), up to
    /// 5,000; `true` when there were more than were read.
    pub async fn expenses(&self, fresh: Fresh) -> Result<(Vec<types::Expense>, bool), GatewayError> {
        super::offset_walk(EXPENSES_PAGE, EXPENSES_PAGES, |request| async move {
            let key = ReadKey {
                operation: id::LIST_EXPENSES,
                params: format!("limit={}&offset={}", request.limit, request.offset),
                scope: Scope::default(),
            };
            let page = self
                .fetch(key, fresh, move |client| async move {
                    let (limit, offset) = (super::limit(request.limit), super::offset(request.offset));
                    client.list_expenses().limit(limit).offset(offset).send().await
                })
                .await?;
            Ok(Page::counted(page.result, page.count))
        })
        .await
    }

    /// One expense or extra.
    pub async fn expense(&self, expense: i64, fresh: Fresh) -> Result<types::Expense, GatewayError> {
        let key = ReadKey { operation: id::GET_EXPENSE, params: expense.to_string(), scope: Scope::default() };
        let envelope = self
            .fetch(key, fresh, move |client| async move { client.get_expense().expense_id(expense).send().await })
            .await?;
        Ok(envelope.result)
    }

    /// Records an expense or extra. A POST: never repeated once it may have reached Hostaway, so a
    /// lost answer is reported as such, for the caller to look for the expense.
    pub async fn create_expense(&self, input: types::ExpenseInput) -> Result<types::Expense, GatewayError> {
        let created = self
            .write(id::CREATE_EXPENSE, Idempotence::Unsafe, Scope::default(), move |client| {
                let input = input.clone();
                async move { client.create_expense().body(input).send().await }
            })
            .await?;
        Ok(created.result)
    }

    /// Corrects an expense (a PUT of every field, so safe to repeat).
    pub async fn update_expense(
        &self,
        expense: i64,
        input: types::ExpenseInput,
    ) -> Result<types::Expense, GatewayError> {
        let updated = self
            .write(id::UPDATE_EXPENSE, Idempotence::Safe, Scope::default(), move |client| {
                let input = input.clone();
                async move { client.update_expense().expense_id(expense).body(input).send().await }
            })
            .await?;
        Ok(updated.result)
    }

    /// Removes an expense. Sent again after it went, it finds nothing (404): safe to repeat.
    pub async fn delete_expense(&self, expense: i64) -> Result<(), GatewayError> {
        self.write(id::DELETE_EXPENSE, Idempotence::Safe, Scope::default(), move |client| async move {
            client.delete_expense().expense_id(expense).send().await
        })
        .await?;
        Ok(())
    }

    /// The account's owner statements, by id and name (all Hostaway lists of them).
    pub async fn owner_statements(&self) -> Result<Vec<types::OwnerStatementListItem>, GatewayError> {
        let key = ReadKey { operation: id::LIST_OWNER_STATEMENTS, params: String::new(), scope: Scope::default() };
        Ok(self.read(key, |client| async move { client.list_owner_statements().send().await }).await?.result)
    }

    /// One owner statement: its filter, totals and owner.
    pub async fn owner_statement(&self, statement: i64) -> Result<types::OwnerStatement, GatewayError> {
        let key =
            ReadKey { operation: id::GET_OWNER_STATEMENT, params: statement.to_string(), scope: Scope::default() };
        let envelope =
            self.read(key, move |client| async move {
                client.get_owner_statement().owner_statement_id(statement).send().await
            })
            .await?;
        Ok(envelope.result)
    }
}
