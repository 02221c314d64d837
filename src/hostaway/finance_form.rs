//! The form body of Hostaway's finance reports.
//!
//! Hostaway takes report filters as form fields with indexed array keys (`listingMapIds[0]=123`).
//! `serde_urlencoded`, which the generated client uses for forms, cannot write sequences, so this
//! type stands in for the spec's `FinanceReportRequest` and flattens arrays into indexed keys.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize, ser::SerializeMap};

/// Filters of a finance report; `format` is always `json` because the client models only JSON reports.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FinanceReportRequest {
    /// Only these listings (all when empty).
    #[serde(default)]
    pub listing_map_ids: Vec<i64>,
    /// First date of the range, inclusive.
    pub from_date: Option<NaiveDate>,
    /// Last date of the range, inclusive.
    pub to_date: Option<NaiveDate>,
    /// Which reservation date the range applies to: arrivalDate, departureDate or reservationDate.
    pub date_type: Option<String>,
    /// Only these channels (all when empty).
    #[serde(default)]
    pub channel_ids: Vec<i64>,
    /// Only these reservation statuses (all when empty).
    #[serde(default)]
    pub statuses: Vec<String>,
    /// Column to sort by.
    pub sort_by: Option<String>,
    /// asc or desc.
    pub sort_order: Option<String>,
}

impl Serialize for FinanceReportRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (i, id) in self.listing_map_ids.iter().enumerate() {
            map.serialize_entry(&format!("listingMapIds[{i}]"), id)?;
        }
        if let Some(date) = self.from_date {
            map.serialize_entry("fromDate", &date)?;
        }
        if let Some(date) = self.to_date {
            map.serialize_entry("toDate", &date)?;
        }
        if let Some(kind) = &self.date_type {
            map.serialize_entry("dateType", kind)?;
        }
        for (i, id) in self.channel_ids.iter().enumerate() {
            map.serialize_entry(&format!("channelIds[{i}]"), id)?;
        }
        for (i, status) in self.statuses.iter().enumerate() {
            map.serialize_entry(&format!("statuses[{i}]"), status)?;
        }
        map.serialize_entry("format", "json")?;
        if let Some(column) = &self.sort_by {
            map.serialize_entry("sortBy", column)?;
        }
        if let Some(order) = &self.sort_order {
            map.serialize_entry("sortOrder", order)?;
        }
        map.end()
    }
}
