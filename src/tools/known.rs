//! An id the account does not hold is an error that says how to find a valid one, never an empty
//! answer: a filter on a mistyped listing or booking would otherwise read as "nothing there".

use crate::hostaway::{Fresh, GatewayError, types};

use super::{ToolContext, ToolError};

impl ToolContext {
    /// Refuses any of `ids` (the argument `field`) that names no listing of the account. The
    /// cached portfolio answers for active listings; an id missing from it is asked of Hostaway
    /// directly, so an archived listing still counts as known.
    pub async fn known_listings(&self, field: &'static str, ids: &[i64]) -> Result<(), ToolError> {
        if ids.is_empty() {
            return Ok(());
        }
        let listings = self.gateway.portfolio().await?;
        for &id in ids.iter().filter(|id| !listings.iter().any(|l| l.id == **id)) {
            match self.gateway.listing(id, Fresh::No).await {
                Ok(_) => {}
                Err(GatewayError::NotFound { .. }) => {
                    return Err(ToolError::invalid(
                        field,
                        format!("no listing {id} in this account; search_listings finds listings by name or city"),
                    ));
                }
                Err(other) => return Err(other.into()),
            }
        }
        Ok(())
    }

    /// Refuses `id` (the argument `field`) when it names no reservation of the account.
    pub async fn known_reservation(&self, field: &'static str, id: Option<i64>) -> Result<(), ToolError> {
        self.reservation_named(field, id).await.map(drop)
    }

    /// The reservation `id` names, when one is named; an unknown id is the same error as above.
    pub async fn reservation_named(
        &self,
        field: &'static str,
        id: Option<i64>,
    ) -> Result<Option<types::Reservation>, ToolError> {
        let Some(id) = id else { return Ok(None) };
        match self.gateway.reservation(id, Fresh::No).await {
            Ok(found) => Ok(Some(found)),
            Err(GatewayError::NotFound { .. }) => Err(ToolError::invalid(
                field,
                format!(
                    "no reservation {id} in this account; search_reservations finds bookings by guest, \
                     listing or dates (use Hostaway's reservation id, not the channel's code)"
                ),
            )),
            Err(other) => Err(other.into()),
        }
    }
}
