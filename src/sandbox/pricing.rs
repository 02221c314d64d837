//! The sandbox's price rules: one place that both the seeded reservations and live quotes use,
//! so a reservation's total always equals what the calendar and the quote say.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::domain::Channel;

/// Nightly price of a listing with base price `base` on `date`: seasons and weekends move it.
pub fn nightly(base: f64, date: NaiveDate) -> f64 {
    let season = match date.month() {
        7 | 8 => 1.35,
        6 | 9 => 1.15,
        12 => 1.2,
        1 | 2 | 11 => 0.85,
        _ => 1.0,
    };
    let weekend = if matches!(date.weekday(), Weekday::Fri | Weekday::Sat) { 1.15 } else { 1.0 };
    (base * season * weekend).round()
}

/// Minimum stay of a listing whose own minimum is `min_nights` for an arrival on `date`:
/// peak summer asks for at least three nights.
pub fn minimum_stay(min_nights: i32, date: NaiveDate) -> i32 {
    if matches!(date.month(), 7 | 8) { min_nights.max(3) } else { min_nights }
}

/// Lodging tax rate by ISO country code (a flat share of the accommodation).
pub fn tax_rate(country_code: &str) -> f64 {
    match country_code {
        "DE" => 0.05,
        "PT" => 0.04,
        "ES" => 0.06,
        _ => 0.0,
    }
}

/// Commission a channel keeps, as a share of accommodation plus cleaning.
pub fn channel_commission(channel_id: i64) -> f64 {
    match Channel::from_id(channel_id) {
        Some(Channel::Airbnb) => 0.03,
        Some(Channel::BookingCom) => 0.15,
        Some(Channel::Vrbo) => 0.08,
        _ => 0.0,
    }
}

/// The property manager's commission, as a share of the base rate.
pub const PM_COMMISSION: f64 = 0.2;

/// What a stay costs, split the way Hostaway's finance fields split it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Breakdown {
    /// Sum of the nightly prices.
    pub base_rate: f64,
    /// Extra-guest charges over the included guests.
    pub extra_person: f64,
    /// One cleaning fee per stay.
    pub cleaning_fee: f64,
    /// Lodging tax on the accommodation.
    pub tax: f64,
    /// Commission the channel keeps (host channel fee).
    pub channel_fee: f64,
}

impl Breakdown {
    /// What the guest pays.
    pub fn total(&self) -> f64 {
        round2(self.base_rate + self.extra_person + self.cleaning_fee + self.tax)
    }

    /// Accommodation fee as Hostaway's reports use it: base rate, extra persons and cleaning.
    pub fn accommodation(&self) -> f64 {
        round2(self.base_rate + self.extra_person + self.cleaning_fee)
    }

    /// The property manager's commission.
    pub fn pm_commission(&self) -> f64 {
        round2(self.base_rate * PM_COMMISSION)
    }

    /// What the owner gets: accommodation minus channel fee and the manager's commission.
    pub fn owner_payout(&self) -> f64 {
        round2(self.accommodation() - self.channel_fee - self.pm_commission())
    }
}

/// Inputs of a quote that come from the listing.
#[derive(Clone, Copy, Debug)]
pub struct Rates<'a> {
    /// Base nightly price.
    pub base: f64,
    /// Cleaning fee per stay.
    pub cleaning_fee: f64,
    /// Guests included in the nightly price.
    pub guests_included: i32,
    /// Price per extra guest per night.
    pub extra_person: f64,
    /// ISO country code, for the tax.
    pub country_code: &'a str,
}

/// Prices a stay from its nightly prices (one per night, already resolved against the calendar).
pub fn quote(rates: &Rates<'_>, nightly_prices: &[f64], guests: i32, channel_id: i64) -> Breakdown {
    let nights = nightly_prices.len() as f64;
    let base_rate = round2(nightly_prices.iter().sum());
    let extra_guests = f64::from((guests - rates.guests_included).max(0));
    let extra_person = round2(extra_guests * rates.extra_person * nights);
    let tax = round2((base_rate + extra_person) * tax_rate(rates.country_code));
    let channel_fee = round2((base_rate + extra_person + rates.cleaning_fee) * channel_commission(channel_id));
    Breakdown { base_rate, extra_person, cleaning_fee: rates.cleaning_fee, tax, channel_fee }
}

/// Rounds money to cents.
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekend_nights_in_summer_cost_more_than_winter_weekdays() {
        let summer_saturday = NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
        let winter_tuesday = NaiveDate::from_ymd_opt(2026, 2, 3).unwrap();
        assert_eq!(nightly(100.0, summer_saturday), 155.0);
        assert_eq!(nightly(100.0, winter_tuesday), 85.0);
    }

    #[test]
    fn a_quote_adds_up() {
        let rates =
            Rates { base: 100.0, cleaning_fee: 50.0, guests_included: 2, extra_person: 10.0, country_code: "DE" };
        let b = quote(&rates, &[100.0, 120.0], 3, Channel::BookingCom.id());
        assert_eq!(b.base_rate, 220.0);
        assert_eq!(b.extra_person, 20.0);
        assert_eq!(b.tax, 12.0);
        assert_eq!(b.channel_fee, 43.5);
        assert_eq!(b.total(), 302.0);
        assert_eq!(b.owner_payout(), 290.0 - 43.5 - 44.0);
    }
}
