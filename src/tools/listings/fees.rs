//! A listing's fees beyond its cleaning fee and extra-guest fee: Hostaway's listing fee settings
//! (pet, parking, resort fees and 19 more types), read into get_listing and set by update_listing.
//!
//! Each fee is one short phrase, the way a manager says it: "25 per stay", "12 per night
//! optional", "5% mandatory". A fee is named by its Hostaway type (petFee; "pet" and "pet fee"
//! are read the same), with its title in brackets when it has one ("otherFees (Boat trip)"). A
//! flat amount is in the listing's currency (Hostaway takes none); a percentage is in percentage
//! points, the plain reading of Hostaway's `percent`, whose scale its docs do not state. Setting a
//! fee compares with what Hostaway holds on a fresh read at confirm, so a retry after a lost
//! answer adds nothing twice: a fee already as asked is left alone.

use std::collections::BTreeMap;

use serde_json::Value;

use super::update_listing::{FieldChange, TOOL};
use crate::{
    hostaway::{Fresh, GatewayError, types},
    tools::{ToolContext, custom_fields::Named, error::ToolError, text_match, untrusted},
};

/// Hostaway's fee types, as its docs list them.
const TYPES: [&str; 22] = [
    "additionalCleaningFee",
    "parkingFee",
    "towelChangeFee",
    "midstayCleaningFee",
    "roomRequestFee",
    "reservationChangeFee",
    "lateCheckoutFee",
    "otherFees",
    "creditCardFee",
    "kitchenLinenFee",
    "linenPackageFee",
    "transferFee",
    "wristbandFee",
    "extraBedsFee",
    "serviceFee",
    "bedLinenFee",
    "bookingFee",
    "petFee",
    "skiPassFee",
    "tourismFee",
    "childrenExtraFee",
    "resortFee",
];

/// What a fee is charged per, in the phrase's words and Hostaway's.
const PER: [(&str, &str); 4] =
    [("stay", "reservation"), ("night", "night"), ("person", "person"), ("person per night", "person_per_night")];

/// One write a fee change needs.
#[derive(Debug)]
pub(super) enum FeeWrite {
    /// A fee the listing does not have.
    Add(types::ListingFeeSettingInput),
    /// A fee changed in place.
    Change(i64, types::ListingFeeSettingInput),
    /// A fee removed.
    Remove(i64),
}

/// A phrase read: the amount, whether it is a percentage, and the parts it names.
#[derive(Debug, PartialEq)]
struct Phrase {
    amount: f64,
    percent: bool,
    per: Option<&'static str>,
    mandatory: Option<bool>,
}

impl ToolContext {
    /// The listing's fees as get_listing shows them: name to phrase, the flat ones in `currency`.
    pub(super) async fn fee_phrases(&self, listing: i64, currency: &str, fresh: Fresh) -> Result<Named, ToolError> {
        let fees = self.gateway.fee_settings(listing, fresh).await?;
        Ok(fees.iter().map(|fee| (untrusted::clean(&name_of(fee)), phrase_of(fee, currency).into())).collect())
    }

    /// What setting `asked` (name to phrase; "" removes) does to the listing's fees as Hostaway
    /// holds them (read `fresh`): the changes to show, and the writes that make them.
    pub(super) async fn fee_plan(
        &self,
        listing: i64,
        currency: &str,
        asked: &BTreeMap<String, String>,
        fresh: Fresh,
    ) -> Result<(Vec<FieldChange>, Vec<FeeWrite>), ToolError> {
        let held = self.gateway.fee_settings(listing, fresh).await?;
        let (mut changes, mut writes) = (Vec::new(), Vec::new());
        for (name, text) in asked {
            let (kind, title) = fee_name(name)?;
            let same: Vec<&types::ListingFeeSetting> = held
                .iter()
                .filter(|f| f.fee_type == kind)
                .filter(|f| {
                    title.as_deref().is_none_or(|t| f.fee_title.as_deref().is_some_and(|h| text_match::same(h, t)))
                })
                .collect();
            let current = match same.as_slice() {
                [] => None,
                [one] => Some(*one),
                _ => {
                    let names: Vec<String> = same.iter().map(|f| format!("{:?}", name_of(f))).collect();
                    return Err(ToolError::invalid(
                        "fees",
                        format!("{name:?} fits {} fees; name one with its title: {}", same.len(), names.join(", ")),
                    ));
                }
            };
            let field = format!("fees.{}", current.map_or_else(|| shown_name(kind, title.as_deref()), name_of));
            let before = current.map_or(Value::Null, |f| Value::from(phrase_of(f, currency)));
            if text.trim().is_empty() {
                if let Some(fee) = current {
                    changes.push(FieldChange { field, before, after: Value::from("removed") });
                    writes.push(FeeWrite::Remove(fee.id));
                }
                continue;
            }
            let phrase = parse(text, currency)?;
            let input = input_of(kind, title.or_else(|| current.and_then(|f| f.fee_title.clone())), &phrase, current)?;
            let after = Value::from(phrase_of_input(&input, currency));
            if before == after {
                continue;
            }
            changes.push(FieldChange { field, before, after });
            writes.push(match current {
                Some(fee) => FeeWrite::Change(fee.id, input),
                None => FeeWrite::Add(input),
            });
        }
        Ok((changes, writes))
    }

    /// Sends `writes` for `listing`, in order.
    pub(super) async fn apply_fee_writes(&self, listing: i64, writes: Vec<FeeWrite>) -> Result<(), ToolError> {
        let failed = |e| ToolError::of_write(TOOL, "the listing's fees were changed", e);
        for write in writes {
            match write {
                FeeWrite::Add(input) => {
                    self.gateway.create_fee_setting(listing, input).await.map_err(failed)?;
                }
                FeeWrite::Change(fee, input) => {
                    self.gateway.update_fee_setting(listing, fee, input).await.map_err(failed)?;
                }
                // A 404 means it went between the read and the delete: gone either way.
                FeeWrite::Remove(fee) => match self.gateway.delete_fee_setting(listing, fee).await {
                    Ok(()) | Err(GatewayError::NotFound { .. }) => {}
                    Err(error) => return Err(failed(error)),
                },
            }
        }
        Ok(())
    }
}

/// The fee's name as answers give it: its type, and its title in brackets when it has one.
fn name_of(fee: &types::ListingFeeSetting) -> String {
    shown_name(&fee.fee_type, fee.fee_title.as_deref())
}

fn shown_name(kind: &str, title: Option<&str>) -> String {
    match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(title) => format!("{kind} ({title})"),
        None => kind.to_string(),
    }
}

/// Reads a fee's name: a Hostaway type in any case and spacing, with or without "fee" ("pet",
/// "Pet fee", "petFee"), then its title in brackets if any.
fn fee_name(name: &str) -> Result<(&'static str, Option<String>), ToolError> {
    let (kind, title) = match name.split_once('(') {
        Some((kind, rest)) => (kind, Some(rest.trim_end().trim_end_matches(')').trim().to_string())),
        None => (name, None),
    };
    let squeeze = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    let wanted = squeeze(kind);
    let found = TYPES.into_iter().find(|t| {
        let t = squeeze(t);
        t == wanted || t.strip_suffix("fees").or_else(|| t.strip_suffix("fee")) == Some(wanted.as_str())
    });
    let kind = found.ok_or_else(|| {
        ToolError::invalid(
            "fees",
            format!("{:?} is not a Hostaway fee type; use one of {}", kind.trim(), TYPES.join(", ")),
        )
    })?;
    Ok((kind, title.filter(|t| !t.is_empty())))
}

/// Reads "25 per stay", "12.50 EUR per night optional", "5% mandatory".
fn parse(text: &str, currency: &str) -> Result<Phrase, ToolError> {
    let wrong = |why: String| {
        ToolError::invalid(
            "fees",
            format!(
                "{text:?}: {why}; write an amount, then optionally per stay|night|person|person per night and \
                 mandatory|optional, e.g. \"25 per stay\" or \"5% mandatory\""
            ),
        )
    };
    let lower = text.to_lowercase().replace('%', " % ");
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    let first = words.first().copied().unwrap_or_default();
    let amount: f64 = first.parse().map_err(|_| wrong("it does not start with an amount".into()))?;
    if !amount.is_finite() || amount < 0.0 {
        return Err(wrong("the amount must be 0 or more".into()));
    }
    words.remove(0);
    let mut phrase = Phrase { amount, percent: false, per: None, mandatory: None };
    let mut rest = words.join(" ");
    for unit in ["%", "percent"] {
        if let Some(after) = rest.strip_prefix(unit) {
            phrase.percent = true;
            rest = after.trim().to_string();
        }
    }
    if let Some(after) = rest.strip_prefix(&currency.to_lowercase()) {
        if phrase.percent {
            return Err(wrong("a percentage has no currency".into()));
        }
        rest = after.trim().to_string();
    }
    for (word, flag) in [("mandatory", true), ("optional", false)] {
        if let Some(before) = rest.strip_suffix(word) {
            phrase.mandatory = Some(flag);
            rest = before.trim().trim_end_matches(',').trim().to_string();
        }
    }
    if let Some(per) = rest.strip_prefix("per ") {
        let per = per.trim().replace("guest", "person").replace("reservation", "stay").replace("booking", "stay");
        let per = per.trim_end_matches('s');
        phrase.per = PER.into_iter().find(|(said, _)| *said == per).map(|(_, wire)| wire);
        if phrase.per.is_none() {
            return Err(wrong(format!("\"per {per}\" is not a basis Hostaway knows")));
        }
        rest.clear();
    }
    if !rest.trim().is_empty() {
        return Err(wrong(format!("{:?} is not understood (amounts are in {currency})", rest.trim())));
    }
    Ok(phrase)
}

/// The fee as Hostaway takes it: the phrase's parts, and the held fee's for those it leaves out
/// (a new fee is per stay and optional unless said).
fn input_of(
    kind: &str,
    title: Option<String>,
    phrase: &Phrase,
    held: Option<&types::ListingFeeSetting>,
) -> Result<types::ListingFeeSettingInput, ToolError> {
    let bad = |what: &str| ToolError::Refused(format!("internal: {what} is not one of Hostaway's"));
    let per = phrase.per.map(str::to_string).or_else(|| held.map(|f| f.fee_applied_per.clone()));
    let per = per.filter(|p| PER.iter().any(|(_, wire)| wire == p)).unwrap_or_else(|| "reservation".into());
    Ok(types::ListingFeeSettingInput {
        fee_type: kind.parse().map_err(|_| bad(kind))?,
        fee_title: title,
        fee_applied_per: per.parse().map_err(|_| bad(&per))?,
        amount: (phrase.amount * 100.0).round() / 100.0,
        amount_type: if phrase.percent {
            types::ListingFeeAmountType::Percent
        } else {
            types::ListingFeeAmountType::Flat
        },
        is_mandatory: Some(i32::from(
            phrase.mandatory.unwrap_or_else(|| held.is_some_and(|f| f.is_mandatory == Some(1))),
        )),
        is_quantity_selectable: held.and_then(|f| f.is_quantity_selectable),
    })
}

/// "25.00 EUR per stay, optional" or "5% per stay, mandatory".
fn phrase_of(fee: &types::ListingFeeSetting, currency: &str) -> String {
    words(fee.amount, fee.amount_type == "percent", &fee.fee_applied_per, fee.is_mandatory == Some(1), currency)
}

fn phrase_of_input(input: &types::ListingFeeSettingInput, currency: &str) -> String {
    let percent = input.amount_type == types::ListingFeeAmountType::Percent;
    words(input.amount, percent, &input.fee_applied_per.to_string(), input.is_mandatory == Some(1), currency)
}

fn words(amount: f64, percent: bool, per: &str, mandatory: bool, currency: &str) -> String {
    let amount = if percent { format!("{amount}%") } else { format!("{amount:.2} {currency}") };
    let per = PER.into_iter().find(|(_, wire)| *wire == per).map_or(per, |(said, _)| said);
    let kind = if mandatory { "mandatory" } else { "optional" };
    format!("{amount} per {per}, {kind}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_read_as_a_manager_writes_them() {
        let read = |text| parse(text, "EUR").unwrap();
        assert_eq!(read("25"), Phrase { amount: 25.0, percent: false, per: None, mandatory: None });
        assert_eq!(
            read("12.50 EUR per night optional"),
            Phrase { amount: 12.5, percent: false, per: Some("night"), mandatory: Some(false) }
        );
        assert_eq!(read("5% mandatory"), Phrase { amount: 5.0, percent: true, per: None, mandatory: Some(true) });
        assert_eq!(read("3 per guest per night").per, Some("person_per_night"));
        assert_eq!(read("40 per stay, mandatory").mandatory, Some(true));
        for bad in ["", "ten", "-4", "5 USD", "5 per week", "5% EUR"] {
            assert!(parse(bad, "EUR").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn fee_names_take_any_spelling_of_a_type_and_a_title() {
        assert_eq!(fee_name("pet").unwrap(), ("petFee", None));
        assert_eq!(fee_name("Parking fee").unwrap(), ("parkingFee", None));
        assert_eq!(fee_name("other (Boat trip)").unwrap(), ("otherFees", Some("Boat trip".into())));
        assert!(fee_name("spa").unwrap_err().to_string().contains("resortFee"));
    }

    #[test]
    fn a_phrase_reads_back_as_it_was_meant() {
        assert_eq!(words(25.0, false, "reservation", false, "EUR"), "25.00 EUR per stay, optional");
        assert_eq!(words(5.0, true, "person_per_night", true, "EUR"), "5% per person per night, mandatory");
    }
}
