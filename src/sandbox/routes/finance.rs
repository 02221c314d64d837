//! Guest charges, finance fields, the consolidated report and expenses.

use std::sync::Arc;

use axum::extract::{Path, State};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};

use super::reservations::find as find_reservation;
use crate::{
    hostaway::{id, types},
    sandbox::{
        app::{Shared, lock},
        pricing::{Breakdown, round2},
        store::FieldOverride,
        wire::{self, Failure, Params, Reply},
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChargesQuery {
    reservation_id: Option<i64>,
    listing_map_id: Option<i64>,
    payment_provider: Option<String>,
    payment_method: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

/// `GET /guestPayments/charges`.
pub async fn charges(State(shared): State<Arc<Shared>>, Params(q): Params<ChargesQuery>) -> Reply {
    let store = lock(&shared.store);
    let rows: Vec<&types::GuestCharge> = store
        .charges
        .iter()
        .filter(|c| q.reservation_id.is_none_or(|r| c.reservation_id == Some(r)))
        .filter(|c| q.listing_map_id.is_none_or(|l| c.listing_map_id == Some(l)))
        .filter(|c| q.payment_provider.as_deref().is_none_or(|p| c.payment_provider.as_deref() == Some(p)))
        .filter(|c| q.payment_method.as_deref().is_none_or(|p| c.payment_method.as_deref() == Some(p)))
        .collect();
    wire::page(&wire::slice(&rows, q.limit, q.offset), rows.len(), q.limit, Some(q.offset.unwrap_or(0)))
}

/// One line of a reservation's price breakdown as the sandbox derives it, before any value a PUT set.
struct Line {
    /// The line's place; its field id is `reservation * 10 + n`.
    n: i64,
    kind: &'static str,
    name: &'static str,
    title: &'static str,
    amount: f64,
    included: bool,
}

/// The lines of a breakdown, in Hostaway's order; the extra-person line only when there is one.
fn lines(money: &Breakdown) -> Vec<Line> {
    let line = |n, kind, name, title, amount, included| Line { n, kind, name, title, amount, included };
    let mut lines = vec![line(1, "accomodation", "baseRate", "Base rate", money.base_rate, true)];
    if money.extra_person > 0.0 {
        lines.push(line(2, "accomodation", "priceForExtraPerson", "Price for extra person", money.extra_person, true));
    }
    lines.push(line(3, "fee", "cleaningFee", "Cleaning fee", money.cleaning_fee, true));
    lines.push(line(4, "tax", "lodgingTax", "Lodging tax", money.tax, true));
    lines.push(line(5, "commissions", "hostChannelFee", "Host channel fee", money.channel_fee, false));
    lines.push(line(6, "totals", "totalPrice", "Total price", money.total(), false));
    lines
}

/// A finance field of `reservation` as served: the line as derived, or with what a PUT set over it.
fn field(reservation: i64, line: &Line, set: Option<&FieldOverride>) -> Value {
    let (value, included, overridden) = match set {
        Some(set) => (set.value, set.included, set.overridden),
        None => (line.amount, line.included, false),
    };
    json!({"id": reservation * 10 + line.n, "units": 1, "listingFeeSettingId": null, "type": line.kind,
           "name": line.name, "title": line.title, "alias": null, "quantity": null, "value": value, "total": value,
           "isIncludedInTotalPrice": i32::from(included), "isOverriddenByUser": i32::from(overridden),
           "isMandatory": 1, "isQuantitySelectable": 0, "isDeleted": 0})
}

/// `GET /financeField/{reservationId}`: the breakdown's lines, with the values PUTs set.
pub async fn fields(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Reply {
    let store = lock(&shared.store);
    find_reservation(&store, id)?;
    let money = store.money.get(&id).copied().unwrap_or_default();
    let set = store.finance_overrides.get(&id);
    let rows: Vec<Value> =
        lines(&money).iter().map(|line| field(id, line, set.and_then(|s| s.get(&(id * 10 + line.n))))).collect();
    wire::success(rows)
}

/// `PUT /financeField/{reservationId}/{financeFieldId}`: sets one field's value, whether it counts in the
/// total and whether it was set by hand, kept for later reads. The totalPrice field sums the others and
/// cannot be set.
pub async fn update_field(
    State(shared): State<Arc<Shared>>,
    Path((reservation, field_id)): Path<(i64, i64)>,
    wire::Body(input): wire::Body<types::FinanceFieldInput>,
) -> Reply {
    let mut store = lock(&shared.store);
    find_reservation(&store, reservation)?;
    let money = store.money.get(&reservation).copied().unwrap_or_default();
    let line = lines(&money).into_iter().find(|line| reservation * 10 + line.n == field_id).ok_or_else(|| {
        Failure::NotFound(format!("Finance field {field_id} of reservation {reservation} was not found"))
    })?;
    if line.name == "totalPrice" {
        return Err(Failure::invalid("the totalPrice field sums the others and cannot be set"));
    }
    if !input.value.is_finite() {
        return Err(Failure::invalid("value must be a number"));
    }
    let flag = |name: &str, flag: i32| match flag {
        0 | 1 => Ok(flag == 1),
        _ => Err(Failure::invalid(format!("{name} must be 0 or 1"))),
    };
    let set = FieldOverride {
        value: round2(input.value),
        included: flag("isIncludedInTotalPrice", input.is_included_in_total_price)?,
        overridden: flag("isOverriddenByUser", input.is_overridden_by_user)?,
    };
    // The docs do not say whether the reservation's totalPrice moves with a field, so the reservation,
    // its totalPrice and the breakdown it comes from stay as they were; only this field changes.
    store.finance_overrides.entry(reservation).or_default().insert(field_id, set);
    shared.applied(id::UPDATE_FINANCE_FIELD);
    wire::success(field(reservation, &line, Some(&set)))
}

/// The report's filters, read from indexed form keys (`listingMapIds[0]=1`) or bare repeated ones.
#[derive(Debug, Default)]
struct ReportFilter {
    listings: Vec<i64>,
    channels: Vec<i64>,
    statuses: Vec<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    date_type: String,
    descending: bool,
}

fn parse_filter(body: &str) -> Result<ReportFilter, Failure> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(body).map_err(|e| Failure::invalid(format!("Invalid form data: {e}")))?;
    let mut filter = ReportFilter { date_type: "arrivalDate".into(), ..ReportFilter::default() };
    let mut format = None;
    let bad = |field: &str, value: &str| Failure::invalid(format!("Invalid value {value:?} for {field}"));
    for (key, value) in pairs {
        let base = key.split('[').next().unwrap_or_default();
        match base {
            "listingMapIds" => filter.listings.push(value.parse().map_err(|_| bad("listingMapIds", &value))?),
            "channelIds" => filter.channels.push(value.parse().map_err(|_| bad("channelIds", &value))?),
            "statuses" => filter.statuses.push(value),
            "fromDate" => filter.from = Some(value.parse().map_err(|_| bad("fromDate (Y-m-d)", &value))?),
            "toDate" => filter.to = Some(value.parse().map_err(|_| bad("toDate (Y-m-d)", &value))?),
            "dateType" if ["arrivalDate", "departureDate", "reservationDate"].contains(&value.as_str()) => {
                filter.date_type = value
            }
            "dateType" => return Err(bad("dateType (arrivalDate, departureDate or reservationDate)", &value)),
            "format" => format = Some(value),
            "sortOrder" => filter.descending = value == "desc",
            _ => {}
        }
    }
    match format.as_deref() {
        Some("json") => Ok(filter),
        Some(other) => Err(Failure::invalid(format!("The sandbox serves format=json only, not {other:?}"))),
        None => Err(Failure::invalid("The format parameter is required (csv or json)")),
    }
}

const MONEY_COLUMNS: &[(&str, &str)] = &[
    ("totalGuestFees", "Total guest fees"),
    ("totalTax", "Total tax"),
    ("accommodationFee", "Accommodation fee"),
    ("pmCommission", "PM Commission"),
    ("ownerPayout", "Owner payout"),
    ("baseRate", "Base rate"),
    ("priceForExtraPerson", "Price for extra person"),
    ("cleaningFeeValue", "Cleaning fee value"),
    ("hostChannelFee", "Host channel fee"),
];

/// `POST /finance/report/consolidated`: one row per reservation, money columns summed in `totals`.
pub async fn consolidated(State(shared): State<Arc<Shared>>, body: String) -> Reply {
    let filter = parse_filter(&body)?;
    let store = lock(&shared.store);
    let mut rows: Vec<(&types::Reservation, String)> = store
        .reservations
        .values()
        .filter(|r| filter.listings.is_empty() || filter.listings.contains(&r.listing_map_id))
        .filter(|r| filter.channels.is_empty() || r.channel_id.is_some_and(|c| filter.channels.contains(&c)))
        .filter(|r| filter.statuses.is_empty() || filter.statuses.iter().any(|s| s == r.status.as_str()))
        .map(|r| {
            let date = match filter.date_type.as_str() {
                "departureDate" => r.departure_date.to_string(),
                "reservationDate" => r.reservation_date.clone().unwrap_or_default().chars().take(10).collect(),
                _ => r.arrival_date.to_string(),
            };
            (r, date)
        })
        .filter(|(_, date)| {
            filter.from.is_none_or(|f| *date >= f.to_string()) && filter.to.is_none_or(|t| *date <= t.to_string())
        })
        .collect();
    rows.sort_by(|a, b| (&a.1, a.0.id).cmp(&(&b.1, b.0.id)));
    if filter.descending {
        rows.reverse();
    }
    let mut totals = vec![0.0; MONEY_COLUMNS.len()];
    let table: Vec<Value> = rows
        .iter()
        .map(|(r, _)| {
            let m = store.money.get(&r.id).copied().unwrap_or_default();
            let values = [
                m.cleaning_fee,
                m.tax,
                m.accommodation(),
                m.pm_commission(),
                m.owner_payout(),
                m.base_rate,
                m.extra_person,
                m.cleaning_fee,
                m.channel_fee,
            ];
            for (total, value) in totals.iter_mut().zip(values) {
                *total += value;
            }
            let listing = store.listings.get(&r.listing_map_id).map(|l| l.name.clone()).unwrap_or_default();
            let mut row = vec![
                json!(r.id),
                json!(r.channel_name),
                json!(r.status),
                json!(r.arrival_date),
                json!(r.departure_date),
                json!(listing),
            ];
            row.extend(values.iter().map(|v| json!(v)));
            Value::Array(row)
        })
        .collect();
    let mut columns = vec![
        json!({"name": "id", "title": "Reservation ID", "valueType": "number"}),
        json!({"name": "channelName", "title": "Channel name", "valueType": "string"}),
        json!({"name": "status", "title": "Reservation status", "valueType": "string"}),
        json!({"name": "arrivalDate", "title": "Arrival date", "valueType": "string"}),
        json!({"name": "departureDate", "title": "Departure date", "valueType": "string"}),
        json!({"name": "listingName", "title": "Listing name", "valueType": "string"}),
    ];
    columns
        .extend(MONEY_COLUMNS.iter().map(|(name, title)| json!({"name": name, "title": title, "valueType": "money"})));
    let mut total_row = vec![json!("Totals"), json!(null), json!(null), json!(null), json!(null), json!(null)];
    total_row.extend(totals.into_iter().map(|t| json!(round2(t))));
    wire::success(json!({"columns": columns, "rows": table, "totals": total_row, "currency": "EUR"}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpensesQuery {
    limit: Option<usize>,
    offset: Option<usize>,
}

/// `GET /expenses`: default page 100, at most 500.
pub async fn expenses(State(shared): State<Arc<Shared>>, Params(q): Params<ExpensesQuery>) -> Reply {
    let limit = q.limit.unwrap_or(100);
    if limit == 0 || limit > 500 {
        return Err(Failure::invalid("limit must be between 1 and 500"));
    }
    let store = lock(&shared.store);
    let offset = q.offset.unwrap_or(0);
    wire::page(
        &wire::slice(&store.expenses, Some(limit), Some(offset)),
        store.expenses.len(),
        Some(limit),
        Some(offset),
    )
}

/// Checks an offline charge's fields as Hostaway does: a title, an amount above 0, a method of
/// the docs' list (the generated type holds it) and a scheduled time.
fn checked_charge(input: &types::OfflineChargeInput) -> Result<(), Failure> {
    if input.title.trim().is_empty() {
        return Err(Failure::invalid("title is required"));
    }
    if !(input.amount.is_finite() && input.amount > 0.0) {
        return Err(Failure::invalid("amount must be above 0"));
    }
    chrono::NaiveDateTime::parse_from_str(&input.scheduled_date, "%Y-%m-%d %H:%M:%S")
        .map_err(|_| Failure::invalid(format!("scheduledDate {:?} is not Y-m-d H:i:s", input.scheduled_date)))?;
    Ok(())
}

/// `POST /guestPayments/charges/{reservationId}`: an offline charge, awaiting or paid, in the
/// reservation's currency.
pub async fn create_charge(
    State(shared): State<Arc<Shared>>,
    Path(reservation): Path<i64>,
    wire::Body(input): wire::Body<types::OfflineChargeInput>,
) -> Reply {
    checked_charge(&input)?;
    if input.status == types::OfflineChargeInputStatus::Cancelled {
        return Err(Failure::invalid("status must be awaiting or paid"));
    }
    let mut store = lock(&shared.store);
    let booking = find_reservation(&store, reservation)?.clone();
    let id = store.charges.iter().map(|c| c.id + 1).max().unwrap_or(1);
    let paid = input.status == types::OfflineChargeInputStatus::Paid;
    let charge = json!({
        "id": id, "listingMapId": booking.listing_map_id, "reservationId": reservation, "type": "charge",
        "title": input.title, "description": input.description, "currency": booking.currency,
        "paymentMethod": input.payment_method.to_string(), "amount": round2(input.amount),
        "status": input.status.to_string(), "paymentProvider": "offline", "scheduledDate": input.scheduled_date,
        "chargeDate": paid.then(|| store.now_string()), "isManual": 1,
    });
    let charge: types::GuestCharge = serde_json::from_value(charge).map_err(|e| Failure::Internal(e.to_string()))?;
    store.charges.push(charge.clone());
    shared.applied(id::CREATE_OFFLINE_CHARGE);
    wire::success(charge)
}

/// `PUT /guestPayments/charges/{reservationId}/{chargeId}`: only a charge still awaiting, never a
/// credit_card_online one, and only to paid or cancelled.
pub async fn update_charge(
    State(shared): State<Arc<Shared>>,
    Path((reservation, charge_id)): Path<(i64, i64)>,
    wire::Body(input): wire::Body<types::OfflineChargeInput>,
) -> Reply {
    checked_charge(&input)?;
    if input.status == types::OfflineChargeInputStatus::Awaiting {
        return Err(Failure::invalid("status must be paid or cancelled"));
    }
    let mut store = lock(&shared.store);
    let now = store.now_string();
    let charge = store
        .charges
        .iter_mut()
        .find(|c| c.id == charge_id && c.reservation_id == Some(reservation))
        .ok_or_else(|| Failure::not_found("Charge", charge_id))?;
    if charge.status.as_deref() != Some("awaiting") || charge.payment_method.as_deref() == Some("credit_card_online") {
        return Err(Failure::invalid("only an awaiting offline charge can be changed"));
    }
    charge.title = Some(input.title.clone());
    charge.description = input.description.clone();
    charge.amount = Some(round2(input.amount));
    charge.payment_method = Some(input.payment_method.to_string());
    charge.status = Some(input.status.to_string());
    charge.scheduled_date = Some(input.scheduled_date.clone());
    if input.status == types::OfflineChargeInputStatus::Paid {
        charge.charge_date = Some(now);
    }
    let changed = charge.clone();
    shared.applied(id::UPDATE_OFFLINE_CHARGE);
    wire::success(changed)
}

fn find_expense(store: &crate::sandbox::store::Store, id: i64) -> Result<usize, Failure> {
    store.expenses.iter().position(|e| e.id == id).ok_or_else(|| Failure::not_found("Expense", id))
}

/// An expense as Hostaway stores `input`: its date and concept checked, its listing taken from its
/// reservation, its type from the amount's sign, and the listing's and guest's names filled in.
fn settled_expense(
    store: &crate::sandbox::store::Store,
    id: i64,
    input: &types::ExpenseInput,
) -> Result<types::Expense, Failure> {
    NaiveDate::parse_from_str(&input.expense_date, "%Y-%m-%d")
        .map_err(|_| Failure::invalid(format!("expenseDate {:?} is not Y-m-d", input.expense_date)))?;
    let concept = input.concept.trim();
    if concept.is_empty() || concept.chars().count() > 255 {
        return Err(Failure::invalid("concept is required, at most 255 characters"));
    }
    let mut listing = input.listing_map_id;
    let mut guest = None;
    if let Some(reservation) = input.reservation_id {
        let booking = find_reservation(store, reservation)?;
        if listing.is_some_and(|l| l != booking.listing_map_id) {
            return Err(Failure::invalid(format!("reservation {reservation} is not at listing {listing:?}")));
        }
        listing = Some(booking.listing_map_id);
        guest = booking.guest_name.clone();
    }
    let listing_name = match listing {
        Some(l) => Some(store.listings.get(&l).ok_or_else(|| Failure::not_found("listing", l))?.name.clone()),
        None => None,
    };
    let expense = json!({
        "id": id,
        "listingMapId": listing,
        "reservationId": input.reservation_id,
        "expenseDate": input.expense_date,
        "concept": concept,
        "amount": round2(input.amount),
        "type": if input.amount < 0.0 { "expense" } else { "extra" },
        "categoriesNames": input.categories_names,
        "listingName": listing_name,
        "guestName": guest,
        "isDeleted": 0,
    });
    serde_json::from_value(expense).map_err(|e| Failure::Internal(e.to_string()))
}

/// `POST /expenses`.
pub async fn create_expense(
    State(shared): State<Arc<Shared>>,
    wire::Body(input): wire::Body<types::ExpenseInput>,
) -> Reply {
    let mut store = lock(&shared.store);
    let id = store.expenses.iter().map(|e| e.id + 1).max().unwrap_or(80_000);
    let expense = settled_expense(&store, id, &input)?;
    store.expenses.push(expense.clone());
    shared.applied(id::CREATE_EXPENSE);
    wire::success(expense)
}

/// `GET /expenses/{id}`.
pub async fn expense(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Reply {
    let store = lock(&shared.store);
    let at = find_expense(&store, id)?;
    wire::success(store.expenses[at].clone())
}

/// `PUT /expenses/{id}`: the fields sent replace the expense's.
pub async fn update_expense(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    wire::Body(input): wire::Body<types::ExpenseInput>,
) -> Reply {
    let mut store = lock(&shared.store);
    let at = find_expense(&store, id)?;
    let expense = settled_expense(&store, id, &input)?;
    store.expenses[at] = expense.clone();
    shared.applied(id::UPDATE_EXPENSE);
    wire::success(expense)
}

/// `DELETE /expenses/{id}`: gone from the list; a second delete finds nothing.
pub async fn delete_expense(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Reply {
    let mut store = lock(&shared.store);
    let at = find_expense(&store, id)?;
    store.expenses.remove(at);
    shared.applied(id::DELETE_EXPENSE);
    wire::success(json!({}))
}

/// `GET /ownerStatements`: every statement, by id and name only.
pub async fn statements(State(shared): State<Arc<Shared>>) -> Reply {
    let store = lock(&shared.store);
    let listed: Vec<Value> =
        store.owner_statements.iter().map(|s| json!({"id": s.id, "statementName": s.statement_name})).collect();
    wire::success(listed)
}

/// `GET /ownerStatement/{id}`.
pub async fn statement(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Reply {
    let store = lock(&shared.store);
    let found =
        store.owner_statements.iter().find(|s| s.id == id).ok_or_else(|| Failure::not_found("Owner statement", id))?;
    wire::success(found.clone())
}
