//! Money: the consolidated revenue report and one reservation's charges and price breakdown.

use super::{id, secs};
use crate::hostaway::{
    Gateway, GatewayError,
    cache::{ReadKey, Scope},
    finance_form::FinanceReportRequest,
    types,
};

/// Reports are slow to change and costly to build upstream; charges move with payments.
pub(super) const TTLS: &[(&str, std::time::Duration)] = &[
    (id::GET_CONSOLIDATED_REPORT, secs(300)),
    (id::LIST_FINANCE_FIELDS, secs(300)),
    (id::LIST_GUEST_CHARGES, secs(60)),
    (id::LIST_EXPENSES, secs(300)),
];

/// Guest charges read per reservation at most.
const CHARGES_PAGE: u32 = 100;

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
    pub async fn guest_charges(&self, reservation: i64) -> Result<Vec<types::GuestCharge>, GatewayError> {
        let key = ReadKey {
            operation: id::LIST_GUEST_CHARGES,
            params: reservation.to_string(),
            scope: Scope::reservation(reservation, None),
        };
        let list = self
            .read(key, move |client| async move {
                client.list_guest_charges().reservation_id(reservation).limit(super::limit(CHARGES_PAGE)).send().await
            })
            .await?;
        Ok(list.result)
    }

    /// A reservation's price breakdown (its finance fields).
    pub async fn finance_fields(&self, reservation: i64) -> Result<Vec<types::FinanceField>, GatewayError> {
        let key = ReadKey {
            operation: id::LIST_FINANCE_FIELDS,
            params: reservation.to_string(),
            scope: Scope::reservation(reservation, None),
        };
        let list =
            self.read(key, move |client| async move {
                client.list_finance_fields().reservation_id(reservation).send().await
            })
            .await?;
        Ok(list.result)
    }
}
