//! A deterministic portfolio that looks like a real property manager's account: listings in five
//! cities of three countries, about a year of reservations across channels, calendars with
//! seasonal prices and blocks, guest conversations, payments and expenses.
//!
//! Everything is derived from a seed and an anchor date ("today"), so the same pair always gives
//! the same account, while dates stay around the real present for anyone trying the server.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::store::{self, DayOverride, Store, TemplateScope, format_datetime};
use crate::hostaway::types;

/// First listing id; ids count up from here.
pub const FIRST_LISTING_ID: i64 = 40_100;

/// Listings recently taken on, whose calendars are open from a few days before today on, with
/// their own minimum stays. They keep every kind of availability question answerable on any date:
/// free listings for one-night stays and listings with minimum-stay rules, whatever the season.
pub const QUIET_LISTINGS: [(i64, i32); 4] =
    [(FIRST_LISTING_ID + 1, 1), (FIRST_LISTING_ID + 7, 1), (FIRST_LISTING_ID + 12, 2), (FIRST_LISTING_ID + 17, 3)];

/// How many days before today the quiet listings' open calendars start.
const QUIET_FROM_DAYS_BEFORE: i64 = 3;
/// First reservation id.
pub const FIRST_RESERVATION_ID: i64 = 700_000;
/// First conversation id.
pub const FIRST_CONVERSATION_ID: i64 = 90_000;
/// First message id.
pub const FIRST_MESSAGE_ID: i64 = 5_000_000;
/// First seeded task id.
pub const FIRST_TASK_ID: i64 = 50_000;
/// First seeded listing fee setting id.
pub const FIRST_FEE_SETTING_ID: i64 = 17_600;
/// How many days around today the seeded turnover cleanings cover, each way: later departures
/// have none yet, as in an account whose cleanings are scheduled a week ahead.
pub const CLEANINGS_SCHEDULED_DAYS: i64 = 7;

/// Why seeding failed: a seeded object did not fit the generated wire type (a bug in this module).
#[derive(Debug, thiserror::Error)]
#[error("seeded {kind} does not match the spec: {source}")]
pub struct SeedError {
    kind: &'static str,
    source: serde_json::Error,
}

fn typed<T: DeserializeOwned>(kind: &'static str, value: Value) -> Result<T, SeedError> {
    serde_json::from_value(value).map_err(|source| SeedError { kind, source })
}

struct City {
    name: &'static str,
    country: &'static str,
    code: &'static str,
    state: &'static str,
    zone: &'static str,
    lat: f64,
    lng: f64,
    zip: &'static str,
    streets: &'static [&'static str],
    count: usize,
    base: f64,
}

const CITIES: &[City] = &[
    City {
        name: "Berlin",
        country: "Germany",
        code: "DE",
        state: "Berlin",
        zone: "Europe/Berlin",
        lat: 52.52,
        lng: 13.405,
        zip: "10",
        streets: &[
            "Kastanienallee",
            "Oderberger Straße",
            "Bergmannstraße",
            "Torstraße",
            "Weserstraße",
            "Simon-Dach-Straße",
        ],
        count: 6,
        base: 110.0,
    },
    City {
        name: "Munich",
        country: "Germany",
        code: "DE",
        state: "Bavaria",
        zone: "Europe/Berlin",
        lat: 48.137,
        lng: 11.575,
        zip: "80",
        streets: &["Gärtnerplatz", "Türkenstraße", "Leopoldstraße", "Fraunhoferstraße"],
        count: 4,
        base: 140.0,
    },
    City {
        name: "Lisbon",
        country: "Portugal",
        code: "PT",
        state: "Lisboa",
        zone: "Europe/Lisbon",
        lat: 38.722,
        lng: -9.139,
        zip: "1100",
        streets: &[
            "Rua da Rosa",
            "Rua das Flores",
            "Calçada do Combro",
            "Rua de São Paulo",
            "Rua do Norte",
            "Travessa do Carmo",
        ],
        count: 6,
        base: 95.0,
    },
    City {
        name: "Porto",
        country: "Portugal",
        code: "PT",
        state: "Porto",
        zone: "Europe/Lisbon",
        lat: 41.157,
        lng: -8.629,
        zip: "4050",
        streets: &["Rua de Cedofeita", "Rua das Flores", "Rua de Miguel Bombarda", "Rua do Almada"],
        count: 4,
        base: 85.0,
    },
    City {
        name: "Barcelona",
        country: "Spain",
        code: "ES",
        state: "Catalonia",
        zone: "Europe/Madrid",
        lat: 41.385,
        lng: 2.173,
        zip: "080",
        streets: &["Carrer de Verdi", "Carrer del Parlament", "Carrer de Blai", "Passeig de Sant Joan"],
        count: 4,
        base: 125.0,
    },
];

const STYLES: &[(&str, i32, i32, i32)] = &[
    // (kind, bedrooms, capacity, bathrooms)
    ("Studio", 0, 2, 1),
    ("Loft", 1, 2, 1),
    ("Apartment", 1, 3, 1),
    ("Apartment", 2, 4, 1),
    ("Flat", 2, 5, 2),
    ("Penthouse", 3, 6, 2),
    ("Townhouse", 4, 8, 3),
];

const CAPTIONS: &[&str] = &["Living room", "Bedroom", "Kitchen"];

const BLOCK_NOTES: &[&str] = &["Maintenance", "Deep clean", "Owner hold", "Painting"];

const ADJECTIVES: &[&str] =
    &["Sunny", "Quiet", "Bright", "Charming", "Modern", "Cosy", "Elegant", "Airy", "Rooftop", "Garden"];

const AMENITIES: &[&str] = &[
    "Internet",
    "Wireless",
    "Air conditioning",
    "Heating",
    "Kitchen",
    "Washer",
    "Dryer",
    "Dishwasher",
    "Elevator",
    "Free parking",
    "Balcony",
    "Terrace",
    "Pets allowed",
    "Smoking allowed",
    "Family/kid friendly",
    "Crib",
    "High chair",
    "TV",
    "Coffee maker",
    "Hair dryer",
    "Iron",
    "Essentials",
    "Self check-in",
    "Smart lock",
    "Workspace",
    "Bathtub",
    "Garden",
    "Sea view",
    "Gym",
    "Pool",
];

const FIRST_NAMES: &[&str] = &[
    "Anna", "Lukas", "Sofia", "Jonas", "Marta", "Tiago", "Lucía", "Pablo", "Emma", "Noah", "Olivia", "Liam", "Chloé",
    "Hugo", "Giulia", "Marco", "Aiko", "Kenji", "Priya", "Arjun", "Fatima", "Omar", "Ingrid", "Lars", "Zofia", "Piotr",
    "Hannah", "Ben", "Clara", "Mateo", "Inês", "Rui", "Eva", "Daniel", "Mia", "Leon",
];

const LAST_NAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Fischer",
    "Silva",
    "Santos",
    "Ferreira",
    "García",
    "Martínez",
    "López",
    "Smith",
    "Johnson",
    "Brown",
    "Dubois",
    "Laurent",
    "Rossi",
    "Bianchi",
    "Tanaka",
    "Sato",
    "Sharma",
    "Patel",
    "Haddad",
    "Larsen",
    "Nowak",
    "Kowalski",
    "Weber",
    "Costa",
    "Rodrigues",
    "Jensen",
    "Novak",
    "Meyer",
];

const GUEST_COUNTRIES: &[&str] = &["DE", "PT", "ES", "FR", "IT", "GB", "US", "NL", "PL", "SE", "JP", "IN"];

/// Channels with their weight in the booking mix: (channelId, channelName, weight).
const CHANNELS: &[(i64, &str, u32)] = &[
    (2018, "airbnbOfficial", 45),
    (2005, "bookingcom", 25),
    (2002, "homeaway", 12),
    (2000, "direct", 13),
    (2013, "bookingengine", 5),
];

const GUEST_OPENERS: &[&str] = &[
    "Hi! We're looking forward to our stay. Is early check-in possible?",
    "Hello, could you tell us where to park near the apartment?",
    "Hi, we land late in the evening. How does self check-in work?",
    "Good morning! Is there a crib available for our baby?",
    "Hello, can we leave our luggage after check-out?",
    "Hi there, is the Wi-Fi fast enough for video calls?",
    "Hello! Which supermarket is closest to the flat?",
];

const HOST_REPLIES: &[&str] = &[
    "Hi! Thanks for your message. We'll send the check-in details two days before arrival.",
    "Hello, happy to help. There is public parking two streets away; details are in the guidebook.",
    "Thanks for booking with us! Early check-in depends on the cleaning schedule; we'll confirm the day before.",
    "Of course, we'll have it ready for you.",
];

const GUEST_FOLLOW_UPS: &[&str] = &[
    "Thank you! One more question: is there a hair dryer?",
    "Great, thanks. We might arrive around 22:00, is that okay?",
    "Perfect, see you soon!",
    "The heating doesn't seem to work in the bedroom. Could someone take a look?",
    "We can't find the key box. Could you help?",
    "Could we extend our stay by one night?",
];

/// How many listings the seeded account has by default: each city's `count`, once round.
pub const SEEDED_LISTINGS: usize = {
    let (mut i, mut n) = (0, 0);
    while i < CITIES.len() {
        n += CITIES[i].count;
        i += 1;
    }
    n
};

/// Builds the seeded account for `seed`, anchored on `today`, with `listings` listings (at least
/// [`SEEDED_LISTINGS`], which the quiet listings and the fixed tasks need). The first
/// [`SEEDED_LISTINGS`] are the same whatever `listings` says; more go round the cities again, so
/// a large portfolio is as deterministic as the default one.
pub fn portfolio(seed: u64, today: NaiveDate, listings: usize) -> Result<Store, SeedError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut store = Store { today, ..Store::default() };
    store.amenities = AMENITIES
        .iter()
        .enumerate()
        .map(|(i, name)| typed("amenity", json!({"id": i + 1, "name": name})))
        .collect::<Result<_, _>>()?;
    seed_listings(&mut rng, &mut store, listings.max(SEEDED_LISTINGS))?;
    seed_reservations(&mut rng, &mut store)?;
    seed_conversations(&mut rng, &mut store)?;
    seed_charges(&mut store)?;
    seed_expenses(&mut rng, &mut store)?;
    seed_reviews(&mut rng, &mut store)?;
    seed_owner_statements(&mut store)?;
    seed_users(&mut store);
    seed_custom_fields(&mut store)?;
    seed_fee_settings(&mut store);
    seed_tasks(&mut store)?;
    store.templates = [
        ("Check-in instructions", "Sent two days before arrival", "Hi {{guest_first_name}}, your check-in is from {{checkin_time}}. The key box code will follow on the day of arrival."),
        ("Welcome", "Sent on arrival day", "Welcome to {{listing_name}}, {{guest_first_name}}! Let us know if you need anything."),
        ("Checkout reminder", "Sent the evening before departure", "Hi {{guest_first_name}}, a reminder that check-out is at {{checkout_time}} tomorrow. Safe travels!"),
        ("Review request", "Sent after departure", "Thanks for staying with us, {{guest_first_name}}! A review would mean a lot to us."),
        ("Early check-in answer", "Manual reply", "Early check-in is possible from 13:00 for a fee of 25 EUR, if the cleaning is done."),
        ("Parking", "Oderberger Straße only", "Hi {{guest_first_name}}, the courtyard parking space of {{listing_name}} is yours during the stay."),
        ("Airbnb house manual", "Airbnb guests only", "Hi {{guest_first_name}}, the house manual is in the Airbnb app under your reservation."),
        ("Door code", "Needs the door code", "Hi {{guest_first_name}}, the door code is {{door_code}}."),
    ]
    .iter()
    .enumerate()
    .map(|(i, (name, description, message))| typed("message template", json!({"id": 300 + i, "name": name, "description": description, "message": message})))
    .collect::<Result<_, _>>()?;
    store.template_scopes = HashMap::from([
        (305, TemplateScope { listing: Some(40101), channel: None }),
        (306, TemplateScope { listing: None, channel: Some(2018) }),
    ]);
    Ok(store)
}

fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// `wanted` listings, city by city, going round the cities as often as it takes.
fn seed_listings(rng: &mut ChaCha8Rng, store: &mut Store, wanted: usize) -> Result<(), SeedError> {
    let (mut id, mut round) = (FIRST_LISTING_ID, 0);
    loop {
        for city in CITIES {
            for n in round * city.count..(round + 1) * city.count {
                if store.listings.len() == wanted {
                    return Ok(());
                }
                let (kind, bedrooms, capacity, bathrooms) = *pick(rng, STYLES);
                let street = city.streets[n % city.streets.len()];
                let number = rng.random_range(2..120);
                let zip = format!("{}{:03}", city.zip, rng.random_range(1..99) * 5);
                let name = format!("{} {} {}", pick(rng, ADJECTIVES), kind, street);
                let size = 1.0 + 0.25 * f64::from(bedrooms);
                let price = (city.base * size * rng.random_range(0.85..1.2_f64)).round();
                let mut amenities: Vec<usize> = (1..=AMENITIES.len()).filter(|_| rng.random_bool(0.45)).collect();
                amenities.extend([1, 2, 4, 5]);
                amenities.sort_unstable();
                amenities.dedup();
                let listing = json!({
                    "id": id,
                    "propertyTypeId": if kind == "Townhouse" { 2 } else { 1 },
                    "name": name,
                    "externalListingName": name,
                    "internalListingName": format!("{} {} #{}", city.name.to_uppercase(), street, n + 1),
                    "description": format!("{kind} with {bedrooms} bedroom(s) on {street}, {}, close to cafés and public transport.", city.name),
                    "houseRules": "No parties. Quiet hours 22:00-08:00. No smoking inside.",
                    "specialStatus": null,
                    "country": city.country,
                    "countryCode": city.code,
                    "state": city.state,
                    "city": city.name,
                    "street": format!("{street} {number}"),
                    "address": format!("{street} {number}, {zip} {}, {}", city.name, city.country),
                    "publicAddress": format!("{street}, {}, {}", city.name, city.country),
                    "zipcode": zip,
                    "lat": city.lat + rng.random_range(-0.03..0.03_f64),
                    "lng": city.lng + rng.random_range(-0.03..0.03_f64),
                    "timeZoneName": city.zone,
                    "personCapacity": capacity,
                    "guestsIncluded": (capacity / 2).max(1),
                    "bedroomsNumber": bedrooms,
                    "bedsNumber": bedrooms.max(1) + i32::from(capacity > 4),
                    "bathroomsNumber": bathrooms,
                    "squareMeters": 28 + bedrooms * 22 + rng.random_range(0..15),
                    "roomType": "entire_home",
                    "price": price,
                    "currencyCode": "EUR",
                    "cleaningFee": (25.0 + 15.0 * f64::from(bedrooms)).round(),
                    "priceForExtraPerson": 15.0,
                    "weeklyDiscount": null,
                    "monthlyDiscount": null,
                    "minNights": quiet_minimum(id).unwrap_or(*pick(rng, &[1, 2, 2, 3])),
                    "maxNights": 30,
                    "checkInTimeStart": 15,
                    "checkInTimeEnd": 22,
                    "checkOutTime": 11,
                    "instantBookable": i32::from(rng.random_bool(0.7)),
                    "cancellationPolicy": pick(rng, &["flexible", "moderate", "strict"]),
                    "averageReviewRating": (rng.random_range(8.4..9.9_f64) * 10.0).round() / 10.0,
                    "contactName": "Hostaway Sandbox Properties",
                    "contactEmail": "team@sandbox-properties.example",
                    "contactPhone1": "+49 30 1234 5678",
                    "doorSecurityCode": format!("{:04}", rng.random_range(1000..9999)),
                    "wifiUsername": format!("guest-{}", id % 1000),
                    "wifiPassword": format!("stay-{:06}", rng.random_range(100_000..999_999)),
                    "listingAmenities": amenities.iter().enumerate().map(|(i, a)| json!({"id": id * 100 + i as i64, "amenityId": a})).collect::<Vec<_>>(),
                    "listingImages": (0..3).map(|i| json!({"id": id * 10 + i, "caption": CAPTIONS[i as usize], "url": format!("https://images.sandbox.example/{id}/{i}.jpg"), "sortOrder": i})).collect::<Vec<_>>(),
                });
                store.listings.insert(id, typed("listing", listing)?);
                id += 1;
            }
        }
        round += 1;
    }
}

/// The minimum stay of a quiet listing, or `None` for the others.
fn quiet_minimum(id: i64) -> Option<i32> {
    QUIET_LISTINGS.iter().find(|(quiet, _)| *quiet == id).map(|(_, min)| *min)
}

fn weighted_channel(rng: &mut impl Rng) -> (i64, &'static str) {
    let total: u32 = CHANNELS.iter().map(|c| c.2).sum();
    let mut roll = rng.random_range(0..total);
    for &(id, name, weight) in CHANNELS {
        if roll < weight {
            return (id, name);
        }
        roll -= weight;
    }
    (2000, "direct")
}

/// What the walk decided to put at the cursor.
enum Slot {
    Stay { nights: i64, status: &'static str, advances: bool },
    Block { nights: i64, note: &'static str },
}

fn next_slot(rng: &mut impl Rng, date: NaiveDate, today: NaiveDate, min_stay: i32) -> Slot {
    let nights = i64::from(min_stay).max(*pick(rng, &[1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 10]));
    let future = date >= today;
    let roll = rng.random_range(0..100);
    match roll {
        0..=6 => Slot::Stay { nights, status: "cancelled", advances: false },
        7..=8 if future => Slot::Stay { nights, status: "inquiry", advances: false },
        9 if future => Slot::Stay { nights, status: "pending", advances: true },
        10 if future => Slot::Stay { nights, status: "awaitingPayment", advances: true },
        11..=12 => Slot::Stay { nights, status: "ownerStay", advances: true },
        13..=14 if future => {
            Slot::Block { nights: rng.random_range(2..5), note: BLOCK_NOTES[rng.random_range(0..BLOCK_NOTES.len())] }
        }
        15..=26 => Slot::Stay { nights, status: "modified", advances: true },
        _ => Slot::Stay { nights, status: "new", advances: true },
    }
}

fn seed_reservations(rng: &mut ChaCha8Rng, store: &mut Store) -> Result<(), SeedError> {
    let today = store.today;
    let start = today - Duration::days(270);
    let end = today + Duration::days(120);
    let mut drafts = Vec::new();
    let listings: Vec<types::Listing> = store.listings.values().cloned().collect();
    for listing in &listings {
        let mut cursor = start + Duration::days(rng.random_range(0..4));
        let quiet = quiet_minimum(listing.id).is_some();
        let end = if quiet { today - Duration::days(QUIET_FROM_DAYS_BEFORE) } else { end };
        while cursor < end {
            let ahead = (cursor - today).num_days().max(0);
            let min_stay = super::pricing::minimum_stay(listing.min_nights.unwrap_or(1), cursor);
            match next_slot(rng, cursor, today, min_stay) {
                Slot::Block { nights, note } => {
                    for date in store::nights(cursor, cursor + Duration::days(nights)) {
                        store.days.insert(
                            (listing.id, date),
                            DayOverride {
                                is_available: Some(0),
                                note: Some(note.to_string()),
                                ..DayOverride::default()
                            },
                        );
                    }
                    cursor += Duration::days(nights);
                }
                Slot::Stay { nights, status, advances } => {
                    let mut departure = cursor + Duration::days(nights);
                    if quiet {
                        departure = departure.min(end.max(cursor + Duration::days(1)));
                    }
                    drafts.push((listing.id, cursor, departure, status));
                    if advances {
                        cursor = departure;
                    }
                }
            }
            let gap_cap = 3 + ahead / 8;
            cursor += Duration::days(rng.random_range(0..=gap_cap));
        }
    }
    // Every date has a turnover: on the first quiet listing, a stay leaves today and the next
    // arrives today; on the second, a stay arrives today.
    let (turnover, arriving) = (QUIET_LISTINGS[0].0, QUIET_LISTINGS[1].0);
    drafts.push((turnover, today - Duration::days(QUIET_FROM_DAYS_BEFORE), today, "new"));
    drafts.push((turnover, today, today + Duration::days(3), "new"));
    drafts.push((arriving, today, today + Duration::days(3), "modified"));
    // Ids follow booking time, like Hostaway's; book each stay some days ahead of arrival.
    let mut booked: Vec<_> = drafts
        .into_iter()
        .map(|(listing_id, arrival, departure, status)| {
            let lead = rng.random_range(1..90_i64);
            let booked_on = (arrival - Duration::days(lead)).min(today - Duration::days(1));
            let time =
                NaiveTime::from_hms_opt(rng.random_range(6..23), rng.random_range(0..60), rng.random_range(0..60))
                    .unwrap_or_default();
            (booked_on.and_time(time), listing_id, arrival, departure, status)
        })
        .collect();
    booked.sort_by_key(|b| b.0);
    for (i, (booked_at, listing_id, arrival, departure, status)) in booked.into_iter().enumerate() {
        let id = FIRST_RESERVATION_ID + i as i64;
        let listing = &store.listings[&listing_id];
        let (channel_id, channel_name) = if status == "ownerStay" { (2000, "direct") } else { weighted_channel(rng) };
        let first = pick(rng, FIRST_NAMES);
        let last = pick(rng, LAST_NAMES);
        let capacity = listing.person_capacity.unwrap_or(2);
        let guests = rng.random_range(1..=capacity);
        let children = if guests > 2 { rng.random_range(0..=(guests - 2)) } else { 0 };
        let money = if status == "ownerStay" {
            Default::default()
        } else {
            store.quote(listing, arrival, departure, guests, channel_id)
        };
        let modified_at = if status == "modified" || status == "cancelled" {
            (booked_at + Duration::days(rng.random_range(1..20)))
                .min((today - Duration::days(1)).and_time(booked_at.time()))
        } else {
            booked_at
        };
        let email_domain = match channel_id {
            2018 => "guest.airbnb.com",
            2005 => "guest.booking.com",
            _ => "mail.example",
        };
        let reservation = json!({
            "id": id,
            "listingMapId": listing_id,
            "channelId": channel_id,
            "channelName": channel_name,
            "reservationId": format!("{}-{}-{}", channel_id, listing_id, id),
            "source": channel_name,
            "confirmationCode": if channel_id == 2018 { Some(format!("HM{:08X}", id * 7919 % 0xFFFF_FFFF)) } else { None },
            "guestName": if status == "ownerStay" { "Owner".to_string() } else { format!("{first} {last}") },
            "guestFirstName": first,
            "guestLastName": last,
            "guestEmail": format!("{}.{}.{}@{email_domain}", ascii(first), ascii(last), id % 1000),
            "phone": format!("+{} {:03} {:07}", rng.random_range(30..50), rng.random_range(100..999), rng.random_range(1_000_000..9_999_999)),
            "guestCountry": pick(rng, GUEST_COUNTRIES),
            "guestLocale": "en",
            "numberOfGuests": guests,
            "adults": guests - children,
            "children": children,
            "infants": 0,
            "pets": 0,
            "arrivalDate": arrival,
            "departureDate": departure,
            "nights": (departure - arrival).num_days(),
            "checkInTime": listing.check_in_time_start,
            "checkOutTime": listing.check_out_time,
            "reservationDate": format_datetime(booked_at),
            "cancellationDate": if status == "cancelled" { Some(format_datetime(modified_at)) } else { None },
            "cancelledBy": if status == "cancelled" { Some(*pick(rng, &["guest", "guest", "host"])) } else { None },
            "currency": "EUR",
            "hostawayCommissionAmount": 0.0,
            "securityDepositFee": 0.0,
            "isPaid": i32::from(channel_id == 2018 || channel_id == 2005 || arrival < today),
            "paymentMethod": if channel_id == 2000 || channel_id == 2013 { Some("credit_card") } else { None },
            "remainingBalance": 0.0,
            "status": status,
            "hostNote": null,
            "guestNote": if rng.random_bool(0.15) { Some("Travelling with a small dog") } else { None },
            "comment": null,
            "doorCode": format!("{:04}", rng.random_range(1000..9999)),
            "isStarred": 0,
            "isArchived": i32::from(departure < today - Duration::days(60)),
            "isPinned": 0,
            "latestActivityOn": format_datetime(modified_at),
            "insertedOn": format_datetime(booked_at),
            "updatedOn": format_datetime(modified_at),
            "reservationFees": [],
        });
        let mut reservation: types::Reservation = typed("reservation", reservation)?;
        store::apply_money(&mut reservation, &money);
        store.money.insert(id, money);
        store.reservations.insert(id, reservation);
    }
    Ok(())
}

/// The day a seeded reservation was booked, from its reservationDate.
fn booked_on(reservation: &types::Reservation, fallback: NaiveDate) -> NaiveDate {
    reservation
        .reservation_date
        .as_deref()
        .and_then(|stamp| stamp.get(..10))
        .and_then(|day| day.parse().ok())
        .unwrap_or(fallback)
}

fn ascii(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' => 'a',
            'é' | 'è' | 'ê' => 'e',
            'í' => 'i',
            'ó' | 'ô' => 'o',
            'ú' | 'ü' => 'u',
            'ç' => 'c',
            'ß' => 's',
            other => other,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

fn seed_conversations(rng: &mut ChaCha8Rng, store: &mut Store) -> Result<(), SeedError> {
    let today = store.today;
    let window_start = today - Duration::days(14);
    let window_end = today + Duration::days(21);
    let candidates: Vec<types::Reservation> = store
        .reservations
        .values()
        .filter(|r| r.arrival_date >= window_start && r.arrival_date <= window_end && r.status.as_str() != "ownerStay")
        .filter(|r| r.id % 3 != 0)
        .cloned()
        .collect();
    let mut message_id = FIRST_MESSAGE_ID;
    for (i, reservation) in candidates.iter().enumerate() {
        let conversation_id = FIRST_CONVERSATION_ID + i as i64;
        let opened = booked_on(reservation, today);
        let exchanges = rng.random_range(1..=3);
        let unread = rng.random_bool(0.3) || i % 10 == 0;
        let mut at = opened.and_hms_opt(rng.random_range(8..20), rng.random_range(0..60), 0).unwrap_or_default();
        let last_possible = (today - Duration::days(1)).and_hms_opt(23, 0, 0).unwrap_or_default();
        let (mut sent_on, mut received_on) = (None, None);
        let mut thread = Vec::new();
        for turn in 0..exchanges {
            let guest_text = if turn == 0 { pick(rng, GUEST_OPENERS) } else { pick(rng, GUEST_FOLLOW_UPS) };
            thread.push((true, guest_text.to_string()));
            let last_turn = turn + 1 == exchanges;
            if !(last_turn && unread) {
                thread.push((false, pick(rng, HOST_REPLIES).to_string()));
            }
        }
        let channel_type = if reservation.channel_id == Some(2018) || reservation.channel_id == Some(2005) {
            "channel"
        } else {
            "email"
        };
        let count = thread.len();
        for (n, (incoming, body)) in thread.into_iter().enumerate() {
            at = (at + Duration::minutes(rng.random_range(20..600))).min(last_possible);
            let stamp = format_datetime(at);
            if incoming {
                received_on = Some(stamp.clone())
            } else {
                sent_on = Some(stamp.clone())
            }
            let seen = !(incoming && unread && n + 1 == count);
            let message = json!({
                "id": message_id,
                "conversationId": conversation_id,
                "reservationId": reservation.id,
                "listingMapId": reservation.listing_map_id,
                "body": body,
                "communicationType": channel_type,
                "status": "sent",
                "isIncoming": i32::from(incoming),
                "isSeen": i32::from(seen),
                "sentUsingHostaway": i32::from(!incoming),
                "date": stamp,
                "insertedOn": stamp,
                "updatedOn": stamp,
            });
            store.messages.insert(message_id, typed("message", message)?);
            message_id += 1;
        }
        let conversation = json!({
            "id": conversation_id,
            "listingMapId": reservation.listing_map_id,
            "reservationId": reservation.id,
            "type": if channel_type == "channel" { "host-guest-channel" } else { "host-guest-email" },
            "recipientName": reservation.guest_name,
            "recipientEmail": reservation.guest_email,
            "hasUnreadMessages": i32::from(unread),
            "messageSentOn": sent_on,
            "messageReceivedOn": received_on,
            "conversationMessages": [],
        });
        store.conversations.insert(conversation_id, typed("conversation", conversation)?);
    }
    Ok(())
}

fn seed_charges(store: &mut Store) -> Result<(), SeedError> {
    let today = store.today;
    let mut id = 60_000;
    let mut balances = Vec::new();
    for reservation in store.reservations.values() {
        let collects = matches!(reservation.channel_id, Some(2000 | 2013 | 2002));
        if !collects || !store::blocks_calendar(&reservation.status) || reservation.status.as_str() == "ownerStay" {
            continue;
        }
        let total = reservation.total_price.unwrap_or(0.0);
        let deposit = super::pricing::round2(total * 0.3);
        let booked = booked_on(reservation, today);
        let balance_due = (reservation.arrival_date - Duration::days(14)).max(booked);
        let mut remaining = 0.0;
        for (title, amount, due) in
            [("Deposit", deposit, booked), ("Balance", super::pricing::round2(total - deposit), balance_due)]
        {
            let paid = due < today;
            if !paid {
                remaining += amount;
            }
            let stamp = format_datetime(due.and_hms_opt(9, 0, 0).unwrap_or_default());
            let charge = json!({
                "id": id,
                "listingMapId": reservation.listing_map_id,
                "reservationId": reservation.id,
                "type": "charge",
                "title": title,
                "description": format!("{title} for reservation {}", reservation.id),
                "currency": "EUR",
                "paymentMethod": "credit_card",
                "amount": amount,
                "capturedAmount": if paid { Some(amount) } else { None },
                "status": if paid { "paid" } else { "awaiting" },
                "paymentProvider": "stripe",
                "scheduledDate": stamp,
                "chargeDate": if paid { Some(stamp.clone()) } else { None },
                "isManual": 0,
            });
            store.charges.push(typed("guest charge", charge)?);
            id += 1;
        }
        balances.push((reservation.id, super::pricing::round2(remaining)));
    }
    for (reservation_id, remaining) in balances {
        if let Some(reservation) = store.reservations.get_mut(&reservation_id) {
            reservation.remaining_balance = Some(remaining);
            reservation.is_paid = Some(i32::from(remaining == 0.0));
        }
    }
    Ok(())
}

fn seed_expenses(rng: &mut ChaCha8Rng, store: &mut Store) -> Result<(), SeedError> {
    let today = store.today;
    let mut id = 80_000;
    let listings: Vec<(i64, String)> = store.listings.values().map(|l| (l.id, l.name.clone())).collect();
    for months_back in 0..9 {
        let month_start = first_of_month(today, months_back);
        for (listing_id, name) in &listings {
            for (concept, category, range) in
                [("Cleaning supplies", "Supplies", 20.0..80.0), ("Utilities", "Utilities", 60.0..160.0)]
            {
                let expense = json!({
                    "id": id,
                    "listingMapId": listing_id,
                    "reservationId": null,
                    "expenseDate": (month_start + Duration::days(rng.random_range(0..27))).to_string(),
                    "concept": concept,
                    "amount": -(rng.random_range(range) * 100.0_f64).round() / 100.0,
                    "type": "expense",
                    "categoriesNames": [category],
                    "listingName": name,
                    "guestName": null,
                });
                store.expenses.push(typed("expense", expense)?);
                id += 1;
            }
            // Extras guests paid for, on every third listing; those of every ninth are marked deleted.
            if listing_id % 3 == 0 {
                let extra = json!({
                    "id": id,
                    "listingMapId": listing_id,
                    "reservationId": null,
                    "expenseDate": (month_start + Duration::days(rng.random_range(0..27))).to_string(),
                    "concept": "Airport transfer",
                    "amount": (rng.random_range(45.0..90.0) * 100.0_f64).round() / 100.0,
                    "type": "extra",
                    "categoriesNames": ["Transfers"],
                    "listingName": name,
                    "guestName": null,
                    "isDeleted": i32::from(*listing_id % 9 == 0),
                });
                store.expenses.push(typed("expense", extra)?);
                id += 1;
            }
        }
    }
    Ok(())
}

/// What guests wrote, from glowing to disappointed, by the rating they gave (1-5).
const REVIEW_TEXTS: [&str; 5] = [
    "Not as described: the flat was dirty and the host did not answer.",
    "Noisy street and the heating did not work; the location is good.",
    "Fine for a short stay, but the beds were uncomfortable.",
    "Lovely place, clean and well located. Check-in was easy.",
    "Perfect stay! Spotless, beautifully furnished and the host was very helpful.",
];

/// Reviews of most past stays: the guest's (mostly 4 or 5, sometimes low, some still awaited)
/// and, for some, the host's review of the guest.
fn seed_reviews(rng: &mut ChaCha8Rng, store: &mut Store) -> Result<(), SeedError> {
    let today = store.today;
    let mut id = 90_000;
    let past: Vec<types::Reservation> = store
        .reservations
        .values()
        .filter(|r| r.departure_date < today && matches!(r.status.as_str(), "new" | "modified"))
        .cloned()
        .collect();
    for r in past {
        let listing_name = store.listings.get(&r.listing_map_id).map(|l| l.name.clone());
        let stamp = |date: NaiveDate, hour: u32| format!("{date} {hour:02}:00:00");
        let roll: u32 = rng.random_range(0..100);
        if roll < 15 {
            continue;
        }
        let rating: u32 = match roll {
            15..20 => 1,
            20..25 => 2,
            25..35 => 3,
            35..60 => 4,
            _ => 5,
        };
        let awaited = r.departure_date > today - Duration::days(14) && roll.is_multiple_of(2);
        let review = json!({
            "id": id,
            "listingMapId": r.listing_map_id,
            "reservationId": r.id,
            "channelId": r.channel_id,
            "type": "guest-to-host",
            "status": if awaited { "awaiting" } else { "published" },
            "rating": if awaited { None } else { Some(f64::from(rating)) },
            "publicReview": if awaited { None } else { Some(REVIEW_TEXTS[(rating - 1) as usize]) },
            "privateFeedback": None::<String>,
            "revieweeResponse": (rating <= 2 && !awaited).then_some("We are sorry to hear this and have fixed it."),
            "isCancelled": 0,
            "arrivalDate": stamp(r.arrival_date, 15),
            "departureDate": stamp(r.departure_date, 11),
            "listingName": listing_name,
            "guestName": r.guest_name,
        });
        store.reviews.push(typed("review", review)?);
        id += 1;
        if roll.is_multiple_of(3) {
            let host = json!({
                "id": id,
                "listingMapId": r.listing_map_id,
                "reservationId": r.id,
                "channelId": r.channel_id,
                "type": "host-to-guest",
                "status": "published",
                "rating": 5.0,
                "publicReview": "A great guest, welcome back any time.",
                "isCancelled": 0,
                "arrivalDate": stamp(r.arrival_date, 15),
                "departureDate": stamp(r.departure_date, 11),
                "listingName": store.listings.get(&r.listing_map_id).map(|l| l.name.clone()),
                "guestName": r.guest_name,
            });
            store.reviews.push(typed("review", host)?);
            id += 1;
        }
    }
    Ok(())
}

/// The manager's commission the sandbox's owner statements take.
pub const COMMISSION: f64 = 0.2;

/// One owner statement per city for each of the last three full months: rental revenue of the
/// confirmed stays arriving in the month, the manager's commission, the month's expenses and
/// extras, and what the owner is paid.
fn seed_owner_statements(store: &mut Store) -> Result<(), SeedError> {
    let mut cities: Vec<String> = store.listings.values().filter_map(|l| l.city.clone()).collect();
    cities.sort();
    cities.dedup();
    let mut id = 700;
    for months_back in 1..=3 {
        let from = first_of_month(store.today, months_back);
        let to = first_of_month(store.today, months_back - 1) - Duration::days(1);
        for city in &cities {
            let listings: Vec<i64> =
                store.listings.values().filter(|l| l.city.as_deref() == Some(city)).map(|l| l.id).collect();
            let revenue: f64 = store
                .reservations
                .values()
                .filter(|r| listings.contains(&r.listing_map_id) && matches!(r.status.as_str(), "new" | "modified"))
                .filter(|r| r.arrival_date >= from && r.arrival_date <= to)
                .filter_map(|r| r.total_price)
                .sum();
            let spent: f64 = store
                .expenses
                .iter()
                .filter(|e| e.is_deleted != Some(1) && e.listing_map_id.is_some_and(|l| listings.contains(&l)))
                .filter(|e| {
                    e.expense_date
                        .as_deref()
                        .and_then(|d| d.parse::<NaiveDate>().ok())
                        .is_some_and(|d| d >= from && d <= to)
                })
                .map(|e| e.amount)
                .sum();
            let round = |v: f64| (v * 100.0).round() / 100.0;
            let commission = round(revenue * COMMISSION);
            let statement = json!({
                "id": id,
                "statementName": format!("{city} {}", from.format("%Y-%m")),
                "filterParametersJson": {
                    "listingMapIds": listings,
                    "fromDate": from.to_string(),
                    "toDate": to.to_string(),
                    "dateType": "arrivalDate",
                    "statuses": ["new", "modified"],
                },
                "summaryDataJson": [
                    {"formulaName": "rentalRevenue", "totalValue": round(revenue)},
                    {"formulaName": "pmCommission", "totalValue": commission},
                    {"formulaName": "expenses", "totalValue": round(spent)},
                    {"formulaName": "ownerPayout", "totalValue": round(revenue - commission + spent)},
                ],
                "financeDataJson": {"currency": null},
                "propertyOwnerName": format!("Owners of {city}"),
                "notes": null,
                "insertedOn": format!("{} 08:00:00", to + Duration::days(1)),
                "updatedOn": format!("{} 08:00:00", to + Duration::days(1)),
            });
            store.owner_statements.push(typed("owner statement", statement)?);
            id += 1;
        }
    }
    Ok(())
}

/// `hour` o'clock on `date` in `listing`'s zone, as Hostaway's UTC time and as the listing's
/// local time (in that order).
fn task_time(store: &Store, listing: i64, date: NaiveDate, hour: u32) -> (String, String) {
    let zone = store.listing_zone(listing).unwrap_or(chrono_tz::Tz::UTC);
    let local = date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN));
    let utc = local.and_local_timezone(zone).earliest().map_or(local, |at| at.naive_utc());
    (format_datetime(utc), format_datetime(local))
}

/// The staff: two cleaners the seeded cleanings are assigned to, a handyman who shares a first
/// name with one of them, the office's admin, and a former colleague the account has disabled.
fn seed_users(store: &mut Store) {
    let staff = [
        (501, "Marta", "Kowalski", "Cleaning", false),
        (502, "Jonas", "Weber", "Cleaning", false),
        (503, "Jonas", "Berg", "Maintenance", false),
        (505, "Lena", "Hoffmann", "Office", false),
        (510, "Rui", "Almeida", "Maintenance", true),
    ];
    for (id, first, last, group, disabled) in staff {
        let user = types::User {
            id,
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            email: Some(format!("{}@staff.example", first.to_lowercase())),
            user_group_name: Some(group.into()),
            is_disabled_by_account: Some(i32::from(disabled)),
            is_admin: Some(i32::from(group == "Office")),
        };
        store.users.insert(id, user);
    }
}

/// Custom fields as managers keep them: on bookings a parking spot, an arrival flight and a
/// dropdown for an early check-in; on listings cleaning notes and a number of parking spaces. Some
/// bookings and listings hold values.
fn seed_custom_fields(store: &mut Store) -> Result<(), SeedError> {
    let fields = [
        json!({"id": 901, "name": "Parking spot", "varName": "parking_spot", "type": "text", "objectType": "reservation", "isPublic": 1}),
        json!({"id": 902, "name": "Arrival flight", "varName": "arrival_flight", "type": "text", "objectType": "reservation", "isPublic": 1}),
        json!({"id": 903, "name": "Early check-in", "varName": "early_check_in", "type": "dropdown", "objectType": "reservation",
            "possibleValues": "[{\"value\":\"yes\",\"label\":\"Yes\"},{\"value\":\"no\",\"label\":\"No\"}]", "isPublic": 0}),
        json!({"id": 911, "name": "Cleaning notes", "varName": "cleaning_notes", "type": "textarea", "objectType": "listing", "isPublic": 0}),
        json!({"id": 912, "name": "Parking spaces", "varName": "parking_spaces", "type": "number", "objectType": "listing", "isPublic": 1}),
    ];
    for field in fields {
        store.custom_fields.push(typed("custom field", field)?);
    }
    for (n, reservation) in store.reservations.values_mut().enumerate().filter(|(n, _)| n % 4 == 0) {
        reservation.custom_field_values =
            vec![typed("custom field value", json!({"customFieldId": 901, "value": format!("P{}", n % 17 + 1)}))?];
    }
    for (n, listing) in store.listings.values_mut().enumerate().filter(|(n, _)| n % 3 == 0) {
        listing.custom_field_values = vec![
            typed("custom field value", json!({"customFieldId": 911, "value": "Spare linen in the hall cupboard"}))?,
            typed("custom field value", json!({"customFieldId": 912, "value": (n % 3 + 1).to_string()}))?,
        ];
    }
    Ok(())
}

/// Extra fees on three listings, the rest charging none: on the first an optional pet fee per stay (a
/// quantity of pets can be chosen) and optional parking per night; on the second its courtyard parking
/// space per night; on the third a mandatory resort fee of 5 % per stay. Their account is left unset for
/// [`super::Sandbox::start`] to fill in with the configured one.
fn seed_fee_settings(store: &mut Store) {
    let fees = [
        (FIRST_LISTING_ID, "petFee", None, "reservation", 25.0, "flat", Some(0), 1),
        (FIRST_LISTING_ID, "parkingFee", None, "night", 12.0, "flat", Some(0), 0),
        (FIRST_LISTING_ID + 1, "parkingFee", Some("Courtyard parking space"), "night", 15.0, "flat", None, 0),
        (FIRST_LISTING_ID + 2, "resortFee", None, "reservation", 5.0, "percent", Some(1), 0),
    ];
    let inserted = format_datetime(store.today.and_time(NaiveTime::MIN) - Duration::days(180) + Duration::hours(9));
    for (id, (listing, kind, title, per, amount, amount_type, mandatory, selectable)) in
        (FIRST_FEE_SETTING_ID..).zip(fees)
    {
        let fee = types::ListingFeeSetting {
            id,
            account_id: None,
            listing_map_id: listing,
            fee_type: kind.into(),
            fee_title: title.map(String::from),
            fee_applied_per: per.into(),
            amount,
            amount_type: amount_type.into(),
            is_mandatory: mandatory,
            is_quantity_selectable: Some(selectable),
            inserted_on: Some(inserted.clone()),
            updated_on: Some(inserted.clone()),
        };
        store.fee_settings.entry(listing).or_default().push(fee);
        store.last_fee_setting_id = id;
    }
}

/// A turnover cleaning for every stay departing within a week either side of today (done for the
/// past ones), from check-out to the next check-in time that day, plus a few maintenance jobs.
fn seed_tasks(store: &mut Store) -> Result<(), SeedError> {
    let today = store.today;
    let window = today - Duration::days(CLEANINGS_SCHEDULED_DAYS)..=today + Duration::days(CLEANINGS_SCHEDULED_DAYS);
    let departing: Vec<types::Reservation> = store
        .reservations
        .values()
        .filter(|r| store::blocks_calendar(&r.status) && window.contains(&r.departure_date))
        .cloned()
        .collect();
    let mut id = FIRST_TASK_ID;
    for r in departing {
        let listing = store.listings.get(&r.listing_map_id);
        let out_hour = listing.and_then(|l| l.check_out_time).and_then(|h| u32::try_from(h).ok()).unwrap_or(11);
        let in_hour = listing.and_then(|l| l.check_in_time_start).and_then(|h| u32::try_from(h).ok()).unwrap_or(15);
        let (start, start_local) = task_time(store, r.listing_map_id, r.departure_date, out_hour);
        let (end, end_local) = task_time(store, r.listing_map_id, r.departure_date, in_hour);
        let done = r.departure_date < today;
        let task = json!({
            "id": id, "listingMapId": r.listing_map_id, "reservationId": r.id, "channelId": r.channel_id,
            "assigneeUserId": 501 + id % 2, "title": "Turnover cleaning", "categoriesMap": [1],
            "canStartFrom": start, "canStartFromListingTime": start_local,
            "shouldEndBy": end, "shouldEndByListingTime": end_local,
            "status": if done { "completed" } else if id % 3 == 0 { "confirmed" } else { "pending" },
            "completedAt": done.then(|| end.clone()),
        });
        store.tasks.insert(id, typed("task", task)?);
        id += 1;
    }
    let jobs = [
        (
            FIRST_LISTING_ID + 2,
            "Replace the shower head",
            "The water pressure is low in the bathroom.",
            2,
            4,
            "pending",
        ),
        (
            FIRST_LISTING_ID + 5,
            "Annual boiler service",
            "Technician needs access to the utility room.",
            10,
            10,
            "confirmed",
        ),
        (FIRST_LISTING_ID + 9, "Fix the balcony door lock", "The handle sticks when locking.", -3, -2, "completed"),
    ];
    for (listing, title, description, from, to, status) in jobs {
        let (start, start_local) = task_time(store, listing, today + Duration::days(from), 10);
        let (end, end_local) = task_time(store, listing, today + Duration::days(to), 18);
        let task = json!({
            "id": id, "listingMapId": listing, "title": title, "description": description, "categoriesMap": [2],
            "priority": 2, "canStartFrom": start, "canStartFromListingTime": start_local,
            "shouldEndBy": end, "shouldEndByListingTime": end_local, "status": status,
            "completedAt": (status == "completed").then(|| end.clone()),
        });
        store.tasks.insert(id, typed("task", task)?);
        id += 1;
    }
    Ok(())
}

fn first_of_month(today: NaiveDate, months_back: u32) -> NaiveDate {
    let total = today.year() * 12 + today.month0() as i32 - months_back as i32;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(today)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn account() -> Store {
        portfolio(7, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(), SEEDED_LISTINGS).unwrap()
    }

    #[test]
    fn looks_like_a_real_portfolio() {
        let store = account();
        let cities: BTreeSet<_> = store.listings.values().filter_map(|l| l.city.clone()).collect();
        let countries: BTreeSet<_> = store.listings.values().filter_map(|l| l.country_code.clone()).collect();
        assert!(store.listings.len() >= 20);
        assert!(cities.len() >= 4 && countries.len() >= 2, "{cities:?} {countries:?}");
        let n = store.reservations.len();
        assert!((1300..=1900).contains(&n), "{n} reservations");
        let channels: BTreeSet<_> = store.reservations.values().filter_map(|r| r.channel_id).collect();
        assert!([2000, 2002, 2005, 2018].iter().all(|c| channels.contains(c)), "{channels:?}");
        let statuses: BTreeSet<_> = store.reservations.values().map(|r| r.status.to_string()).collect();
        assert!(
            ["new", "modified", "cancelled", "ownerStay", "inquiry"].iter().all(|s| statuses.contains(*s)),
            "{statuses:?}"
        );
        assert!(store.conversations.len() >= 50, "{} conversations", store.conversations.len());
        assert!(store.conversations.values().any(|c| c.has_unread_messages == Some(1)));
        assert!(store.days.values().any(|d| d.is_available == Some(0)), "no manual blocks");
        assert!(!store.charges.is_empty() && !store.expenses.is_empty());
    }

    #[test]
    fn blocking_stays_and_blocks_never_overlap() {
        let store = account();
        for listing in store.listings.values() {
            let mut taken = BTreeSet::new();
            for stay in store.blocking_stays(listing.id) {
                for night in store::nights(stay.arrival_date, stay.departure_date) {
                    assert!(taken.insert(night), "listing {} double-booked on {night}", listing.id);
                    assert_ne!(store.days.get(&(listing.id, night)).and_then(|d| d.is_available), Some(0));
                }
            }
        }
    }

    #[test]
    fn reservation_totals_match_a_fresh_quote() {
        let store = account();
        for r in store.reservations.values().filter(|r| r.status.as_str() != "ownerStay").take(200) {
            let listing = &store.listings[&r.listing_map_id];
            let quote = store.quote(
                listing,
                r.arrival_date,
                r.departure_date,
                r.number_of_guests.unwrap(),
                r.channel_id.unwrap(),
            );
            assert_eq!(r.total_price, Some(quote.total()), "reservation {}", r.id);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_account() {
        let (a, b) = (account(), account());
        let json = |s: &Store| serde_json::to_string(&s.reservations.values().collect::<Vec<_>>()).unwrap();
        assert_eq!(json(&a), json(&b));
    }
}
