//! `update_listing`: changing a listing's static data (name, texts, base prices and fees, default
//! stay rules, capacity, check-in hours), its custom fields, and its other fees (`fees`: pet,
//! parking, resort and the like, as phrases). Previews unless called with `confirm: true`.

use std::collections::BTreeMap;

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    hostaway::{Fresh, types},
    tools::{ToolContext, WriteStatus, args, custom_fields::FieldsOf, error::ToolError, params::Parameters},
};

/// Arguments of `update_listing`; only the fields given change.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateListingArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub listing_id: i64,
    /// New public name (not empty).
    #[serde(default)]
    pub name: Option<String>,
    /// Replaces the whole description.
    #[serde(default)]
    pub description: Option<String>,
    /// Replaces all house rules.
    #[serde(default)]
    pub house_rules: Option<String>,
    /// Base nightly price, listing's currency; set_rates day prices override it.
    #[serde(default)]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub base_price: Option<f64>,
    /// Cleaning fee per stay; 0 removes it.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub cleaning_fee: Option<f64>,
    /// Fee per extra guest per night.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub extra_guest_fee: Option<f64>,
    /// Default minimum stay in nights, 1 to max_nights.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub min_nights: Option<i32>,
    /// Longest stay in nights, min_nights or more.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub max_nights: Option<i32>,
    /// Most guests it sleeps, at least 1.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub max_guests: Option<i32>,
    /// Earliest check-in hour, 0-23, local.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 0, max = 23))]
    pub check_in_from: Option<i32>,
    /// Latest check-in hour, 0-23, local.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 0, max = 23))]
    pub check_in_until: Option<i32>,
    /// Check-out hour, 0-23, local.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 0, max = 23))]
    pub check_out_by: Option<i32>,
    /// Values by field name; "" clears.
    #[serde(default)]
    pub custom_fields: Option<BTreeMap<String, String>>,
    /// Other fees by type, e.g. {"petFee": "25 per stay", "resortFee": "5% mandatory"}; "" removes.
    #[serde(default)]
    pub fees: Option<BTreeMap<String, String>>,
    /// true applies the preview.
    #[serde(default)]
    pub confirm: bool,
}

/// The tool's name, for the write guard and for errors of the fee writes it makes.
pub(super) const TOOL: &str = "update_listing";

/// One field of a listing that changes.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct FieldChange {
    /// The field as this tool's arguments name it.
    pub field: String,
    /// Value before the change (null when unset).
    #[serde(serialize_with = "crate::tools::untrusted::value")]
    #[schemars(extend("x-untrusted" = true))]
    pub before: Value,
    /// Value after the change.
    #[serde(serialize_with = "crate::tools::untrusted::value")]
    #[schemars(extend("x-untrusted" = true))]
    pub after: Value,
}

/// What `update_listing` would do or did.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ListingUpdateOutcome {
    /// preview (nothing changed), done (changed now) or unchanged (Hostaway already holds this; nothing sent).
    pub status: WriteStatus,
    /// The listing.
    pub listing_id: i64,
    /// The fields that change (preview) or changed, each with before and after; unchanged values are left out.
    pub changes: Vec<FieldChange>,
    /// One line for the user.
    pub summary: String,
}

#[tool_router(router = update_listing_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Change a listing's static data, fees or custom fields; only the fields given change. Per-date prices: set_rates.
    #[tool(
        name = "update_listing",
        title = "Update listing",
        annotations(
            title = "Update listing",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn update_listing(
        &self,
        Parameters(args): Parameters<UpdateListingArgs>,
    ) -> Result<Json<ListingUpdateOutcome>, ToolError> {
        let requested = requested_fields(&args)?;
        let id = args.listing_id;
        if !args.confirm {
            let listing = self.gateway.listing(id, Fresh::No).await?;
            let (mut changes, _) = self.listing_changes(&listing, &requested, args.custom_fields.as_ref()).await?;
            if let Some(fees) = &args.fees {
                changes.extend(self.fee_plan(id, &currency_of(&listing), fees, Fresh::No).await?.0);
            }
            let summary = match changes.len() {
                0 => "Nothing would change: the listing already has these values.".to_string(),
                n => format!("Would change {n} field(s) of listing {id}: {}.", names(&changes)),
            };
            return Ok(Json(ListingUpdateOutcome { status: WriteStatus::Preview, listing_id: id, changes, summary }));
        }
        let mut fields: Vec<&str> = requested.iter().map(|f| f.hostaway).collect();
        if args.custom_fields.as_ref().is_some_and(|c| !c.is_empty()) {
            fields.push("customFieldValues");
        }
        if args.fees.as_ref().is_some_and(|f| !f.is_empty()) {
            fields.push("fees");
        }
        let audit = format!("listing {id} fields {}", fields.join(","));
        let text = format!("{args:?}");
        let request = (id, text);
        let gateway = &self.gateway;
        let write = async {
            let listing = self.gateway.listing(id, Fresh::Yes).await?;
            let currency = currency_of(&listing);
            let (mut changes, input) = self.listing_changes(&listing, &requested, args.custom_fields.as_ref()).await?;
            let (fee_changes, fee_writes) = match &args.fees {
                Some(fees) => self.fee_plan(id, &currency, fees, Fresh::Yes).await?,
                None => Default::default(),
            };
            if changes.is_empty() && fee_changes.is_empty() {
                return Ok((changes, WriteStatus::Unchanged));
            }
            if !changes.is_empty() {
                let updated = gateway.update_listing(id, input).await?;
                let now = wire(&updated)?;
                for change in &mut changes {
                    if let Some(field) = requested.iter().find(|f| f.name == change.field) {
                        change.after = now.get(field.hostaway).cloned().unwrap_or(Value::Null);
                    }
                }
            }
            if !fee_writes.is_empty() {
                self.apply_fee_writes(id, fee_writes).await?;
                let held = self.fee_phrases(id, &currency, Fresh::Yes).await?;
                changes.extend(fee_changes.into_iter().map(|mut change| {
                    let name = change.field.trim_start_matches("fees.");
                    change.after = held.get(name).map_or_else(|| Value::from("removed"), |p| Value::from(p.raw()));
                    change
                }));
            }
            Ok((changes, WriteStatus::Done))
        };
        let (changes, status) = self.guard.run(TOOL, &request, &audit, write).await?;
        let summary = match changes.len() {
            0 => "Nothing changed: the listing already had these values.".to_string(),
            n => format!("Changed {n} field(s) of listing {id}: {}.", names(&changes)),
        };
        Ok(Json(ListingUpdateOutcome { status, listing_id: id, changes, summary }))
    }
}

/// One field `update_listing` was asked to set.
#[derive(Debug)]
struct Requested {
    /// The argument's name.
    name: &'static str,
    /// Hostaway's name for it.
    hostaway: &'static str,
    /// The new value.
    value: Value,
}

/// Validates `update_listing`'s fields and pairs each given one with Hostaway's name.
fn requested_fields(args: &UpdateListingArgs) -> Result<Vec<Requested>, ToolError> {
    let mut out = Vec::new();
    let mut push = |name, hostaway, value: Option<Value>| {
        if let Some(value) = value {
            out.push(Requested { name, hostaway, value });
        }
    };
    crate::tools::untrusted::single_line("name", args.name.as_deref())?;
    if args.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ToolError::invalid("name", "must not be empty"));
    }
    push("name", "name", args.name.as_deref().map(|n| n.trim().into()));
    push("description", "description", args.description.clone().map(Value::from));
    push("house_rules", "houseRules", args.house_rules.clone().map(Value::from));
    for (name, hostaway, amount, zero_ok) in [
        ("base_price", "price", args.base_price, false),
        ("cleaning_fee", "cleaningFee", args.cleaning_fee, true),
        ("extra_guest_fee", "priceForExtraPerson", args.extra_guest_fee, true),
    ] {
        if let Some(a) = amount
            && (!a.is_finite() || a < 0.0 || (a == 0.0 && !zero_ok))
        {
            let accepted = if zero_ok { "0 or more" } else { "above 0" };
            return Err(ToolError::invalid(name, format!("{a} is not accepted; use an amount {accepted}")));
        }
        push(name, hostaway, amount.map(Value::from));
    }
    for (name, hostaway, count) in [
        ("min_nights", "minNights", args.min_nights),
        ("max_nights", "maxNights", args.max_nights),
        ("max_guests", "personCapacity", args.max_guests),
    ] {
        if let Some(n) = count.filter(|n| *n < 1) {
            return Err(ToolError::invalid(name, format!("{n} is out of range; use 1 or more")));
        }
        push(name, hostaway, count.map(Value::from));
    }
    if let (Some(min), Some(max)) = (args.min_nights, args.max_nights)
        && min > max
    {
        return Err(ToolError::invalid("min_nights", format!("{min} is more than max_nights {max}")));
    }
    for (name, hostaway, hour) in [
        ("check_in_from", "checkInTimeStart", args.check_in_from),
        ("check_in_until", "checkInTimeEnd", args.check_in_until),
        ("check_out_by", "checkOutTime", args.check_out_by),
    ] {
        if let Some(h) = hour.filter(|h| !(0..=23).contains(h)) {
            return Err(ToolError::invalid(name, format!("{h} is not an hour; use 0 to 23")));
        }
        push(name, hostaway, hour.map(Value::from));
    }
    if out.is_empty()
        && args.custom_fields.as_ref().is_none_or(BTreeMap::is_empty)
        && args.fees.as_ref().is_none_or(BTreeMap::is_empty)
    {
        return Err(ToolError::invalid(
            "name",
            "nothing to change: give at least one of name, description, house_rules, base_price, cleaning_fee, \
             extra_guest_fee, min_nights, max_nights, max_guests, check_in_from, check_in_until, check_out_by, \
             custom_fields, fees",
        ));
    }
    Ok(out)
}

impl ToolContext {
    /// The changes `requested` and the `custom` field values make to `listing`, and the partial
    /// update carrying only them (the custom values as the whole list, changed).
    async fn listing_changes(
        &self,
        listing: &types::Listing,
        requested: &[Requested],
        custom: Option<&BTreeMap<String, String>>,
    ) -> Result<(Vec<FieldChange>, types::ListingInput), ToolError> {
        let (mut changes, mut input) = plan(listing, requested)?;
        if let Some(wanted) = custom.filter(|wanted| !wanted.is_empty()) {
            let current = &listing.custom_field_values;
            let (values, custom) = self.with_custom_values("custom_fields", FieldsOf::Listing, current, wanted).await?;
            if !custom.is_empty() {
                input.custom_field_values = values;
            }
            changes.extend(custom.into_iter().map(|c| FieldChange {
                field: c.field,
                before: c.before.map_or(Value::Null, |b| Value::from(b.raw())),
                after: Value::from(c.after.raw()),
            }));
        }
        Ok((changes, input))
    }
}

/// The changes `requested` makes to `listing` and the partial update carrying only them.
fn plan(
    listing: &types::Listing,
    requested: &[Requested],
) -> Result<(Vec<FieldChange>, types::ListingInput), ToolError> {
    let now = wire(listing)?;
    let current = |hostaway: &str| now.get(hostaway).cloned().unwrap_or(Value::Null);
    let effective = |name: &str, hostaway: &str| {
        requested.iter().find(|f| f.name == name).map(|f| f.value.clone()).unwrap_or_else(|| current(hostaway))
    };
    let touches_stay = requested.iter().any(|f| matches!(f.name, "min_nights" | "max_nights"));
    if let (true, Some(min), Some(max)) =
        (touches_stay, effective("min_nights", "minNights").as_i64(), effective("max_nights", "maxNights").as_i64())
        && min > max
    {
        let field = if requested.iter().any(|f| f.name == "min_nights") { "min_nights" } else { "max_nights" };
        return Err(ToolError::invalid(
            field,
            format!("minimum nights {min} would exceed maximum nights {max}; change both together"),
        ));
    }
    let touches_window = requested.iter().any(|f| matches!(f.name, "check_in_from" | "check_in_until"));
    if let (true, Some(from), Some(until)) = (
        touches_window,
        effective("check_in_from", "checkInTimeStart").as_i64(),
        effective("check_in_until", "checkInTimeEnd").as_i64(),
    ) && from > until
    {
        let field =
            if requested.iter().any(|f| f.name == "check_in_from") { "check_in_from" } else { "check_in_until" };
        return Err(ToolError::invalid(
            field,
            format!(
                "check-in would run from {from}:00 until {until}:00, ending before it starts; change both together"
            ),
        ));
    }
    let mut changes = Vec::new();
    let mut body = serde_json::Map::new();
    for field in requested {
        let before = current(field.hostaway);
        if before != field.value {
            body.insert(field.hostaway.to_string(), field.value.clone());
            changes.push(FieldChange { field: field.name.to_string(), before, after: field.value.clone() });
        }
    }
    let input = serde_json::from_value(Value::Object(body))
        .map_err(|e| ToolError::Refused(format!("internal: cannot build the listing update: {e}")))?;
    Ok((changes, input))
}

/// A listing as Hostaway's JSON object, to read fields by their wire names.
fn wire(listing: &types::Listing) -> Result<serde_json::Map<String, Value>, ToolError> {
    match serde_json::to_value(listing) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ToolError::Refused("internal: cannot read the listing".into())),
    }
}

/// The listing's currency, the one its flat fees are in.
fn currency_of(listing: &types::Listing) -> String {
    crate::tools::args::currency_or_fallback(listing.currency_code.as_deref())
}

/// "name, base_price", for summaries.
fn names(changes: &[FieldChange]) -> String {
    changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>().join(", ")
}
