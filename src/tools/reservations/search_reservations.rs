//! `search_reservations`: bookings by listing, guest, email, dates, channel and status, paged with
//! Hostaway's `afterId`. Hostaway has no status filter and matches names exactly, so a status or
//! name search walks pages within hard caps and filters them here, and says how far it got. With
//! `by_guest: true` it answers guests instead, each across all their bookings (`guests`).

use std::sync::OnceLock;

use chrono::NaiveDate;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use super::{
    guests::GuestProfile,
    rows::{ListedReservation, detailed},
};
use crate::{
    domain::{BookingStatus, Channel},
    hostaway::{
        Fresh, Gateway, GatewayError, ReservationQuery,
        paging::{Caps, Page, Pager},
        types,
    },
    tools::{
        ToolContext,
        args::{self, Cursor, Detail},
        channels,
        error::ToolError,
        params::Parameters,
        text_match,
    },
};

/// Arguments of `search_reservations`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchReservationsArgs {
    /// Only this listing (from search_listings).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub listing_id: Option<i64>,
    /// Part of the guest's name (any case, accents).
    #[serde(default)]
    pub guest: Option<String>,
    /// The guest's exact email.
    #[serde(default)]
    pub email: Option<String>,
    /// Earliest arrival.
    #[serde(default)]
    pub arrival_start_date: Option<String>,
    /// Latest arrival.
    #[serde(default)]
    pub arrival_end_date: Option<String>,
    /// Earliest departure.
    #[serde(default)]
    pub departure_start_date: Option<String>,
    /// Latest departure.
    #[serde(default)]
    pub departure_end_date: Option<String>,
    /// Booking channel.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schemars(schema_with = "channels::schema")]
    pub channel: Option<String>,
    /// Only these statuses (confirmed: new, modified).
    #[serde(default)]
    #[schemars(schema_with = "statuses_schema")]
    pub status: Vec<String>,
    /// Rows per page (default 20).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<u32>,
    #[serde(default)]
    pub cursor: Option<String>,
    /// `full` adds contacts, notes and money.
    #[serde(default)]
    pub detail: Detail,
    /// true: one row per guest (stays, spend, contacts, reservation ids), by guest or email.
    #[serde(default)]
    pub by_guest: bool,
}

/// A page of reservations.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReservationPage {
    /// The reservations on this page.
    pub reservations: Vec<ListedReservation>,
    /// How many reservations match in all (first page without a status or guest filter only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Pass as `cursor` (with the same other arguments) to get more; absent when there is no more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// True when the status scan stopped at its page cap before filling the page; `next_cursor`
    /// then continues the scan.
    pub capped: bool,
    /// False when the scan stopped at the tool's deadline (Hostaway slow or busy): the rows are
    /// what was found so far and `next_cursor` scans on.
    pub complete: bool,
    /// Why the answer is partial, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incomplete_reason: Option<String>,
    /// With by_guest: one entry per guest (same email, or same name without one), latest stay
    /// first; `total` then counts guests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guests: Option<Vec<GuestProfile>>,
    /// What the scan covered, when a status or guest filter was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[tool_router(router = search_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Search bookings, newest change first (by arrival for an arrival range); status and name filters scan 500
    /// at most. by_guest: each guest's stays and spend.
    #[tool(
        name = "search_reservations",
        title = "Search reservations",
        annotations(
            title = "Search reservations",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn search_reservations(
        &self,
        Parameters(args): Parameters<SearchReservationsArgs>,
    ) -> Result<Json<ReservationPage>, ToolError> {
        if args.by_guest {
            return Ok(Json(self.guests_found(&args).await?));
        }
        let limit = args::limit(args.limit, 20, 100)?;
        let start_after = match Cursor::decode(args.cursor.as_deref())? {
            Some(Cursor::After(id)) => Some(id),
            None => None,
            Some(Cursor::Offset(_)) => return Err(ToolError::invalid("cursor", "this cursor belongs to another tool")),
        };
        let words = [
            args.arrival_start_date.as_deref(),
            args.arrival_end_date.as_deref(),
            args.departure_start_date.as_deref(),
            args.departure_end_date.as_deref(),
        ];
        self.known_listings("listing_id", args.listing_id.as_slice()).await?;
        let today = self.today_for_words(args.listing_id, &words).await?;
        let arrival = (
            args::opt_date("arrival_start_date", args.arrival_start_date.as_deref(), today)?,
            args::opt_date("arrival_end_date", args.arrival_end_date.as_deref(), today)?,
        );
        let departure = (
            args::opt_date("departure_start_date", args.departure_start_date.as_deref(), today)?,
            args::opt_date("departure_end_date", args.departure_end_date.as_deref(), today)?,
        );
        ordered(arrival, "arrival_end_date", "arrival_start_date")?;
        ordered(departure, "departure_end_date", "departure_start_date")?;
        let statuses = args.status.iter().map(|s| status(s)).collect::<Result<Vec<_>, _>>()?;
        // Hostaway matches names exactly ("Muller" misses "Müller"), so the name is matched here.
        let guest = args::search_text("guest", args.guest.as_deref())?;
        let local = !statuses.is_empty() || guest.is_some();
        let filter = ReservationQuery {
            listing_id: args.listing_id,
            email: args::search_text("email", args.email.as_deref())?,
            // A guest name is matched here, without case or accents, over the scanned pages.
            name: None,
            arrival,
            departure,
            channel_id: args.channel.as_deref().map(|c| channels::id("channel", c)).transpose()?,
            by_arrival: arrival.0.is_some() || arrival.1.is_some(),
        };
        let (page_size, caps) = if !local {
            (limit, Caps { max_pages: 1, max_items: limit as usize })
        } else {
            (STATUS_PAGE, Caps { max_pages: STATUS_PAGES, max_items: (STATUS_PAGE * STATUS_PAGES) as usize })
        };
        let gateway = &self.gateway;
        let first_total = OnceLock::new();
        let mut pager = Pager::after_id(page_size, caps, |r: &types::Reservation| r.id);
        let (mut rows, mut scanned, mut last_seen) = (Vec::new(), 0_u64, start_after);
        let (mut next, mut exhausted, mut stopped) = (None, false, None);
        'walk: loop {
            let fetched = pager
                .next_page(|request| {
                    fetch(gateway, &filter, request.limit, request.after_id.or(start_after), &first_total)
                })
                .await;
            let page = match fetched {
                Ok(Some(page)) => page,
                Ok(None) => break,
                Err(error) if scanned > 0 && crate::hostaway::deadline::ran_out(&error) => {
                    stopped = Some(format!(
                        "stopped at the tool deadline after scanning {scanned} reservations ({error}); pass \
                         next_cursor to scan on"
                    ));
                    next = last_seen;
                    break;
                }
                Err(error) => return Err(error.into()),
            };
            let short = page.len() < page_size as usize;
            let count = page.len();
            for (i, reservation) in page.into_iter().enumerate() {
                scanned += 1;
                last_seen = Some(reservation.id);
                let wanted = (statuses.is_empty() || statuses.contains(&reservation.status.as_str()))
                    && guest.as_deref().is_none_or(|g| {
                        reservation.guest_name.as_deref().is_some_and(|name| text_match::contains(name, g))
                    });
                if wanted {
                    rows.push(reservation);
                }
                if rows.len() == limit as usize {
                    let seen_all = start_after.is_none() && first_total.get().is_some_and(|t| scanned >= *t);
                    let last_row = i + 1 == count && (short || seen_all);
                    next = (!last_row).then_some(last_seen).flatten();
                    exhausted = last_row;
                    break 'walk;
                }
            }
            if short || (start_after.is_none() && first_total.get().is_some_and(|t| scanned >= *t)) {
                exhausted = true;
                break;
            }
        }
        let capped = stopped.is_none() && !exhausted && next.is_none() && pager.capped();
        if capped {
            next = last_seen;
        }
        let note = local.then(|| {
            let scope = if capped { "stopped at the scan cap; pass next_cursor to scan on" } else { "done" };
            format!(
                "status or guest filter applied here: scanned {scanned} reservations, {} matched ({scope})",
                rows.len()
            )
        });
        Ok(Json(ReservationPage {
            reservations: rows.iter().map(|r| ListedReservation(detailed(r, args.detail))).collect(),
            total: (!local && start_after.is_none()).then(|| first_total.get().copied()).flatten(),
            next_cursor: next.map(|id| Cursor::After(id).encode()),
            capped,
            complete: stopped.is_none(),
            incomplete_reason: stopped,
            guests: None,
            note,
        }))
    }
}

impl ToolContext {
    /// `by_guest`: the guests named by `guest` or `email`, a page of them.
    async fn guests_found(&self, args: &SearchReservationsArgs) -> Result<ReservationPage, ToolError> {
        let other = [
            ("listing_id", args.listing_id.is_some()),
            ("arrival_start_date", args.arrival_start_date.is_some()),
            ("arrival_end_date", args.arrival_end_date.is_some()),
            ("departure_start_date", args.departure_start_date.is_some()),
            ("departure_end_date", args.departure_end_date.is_some()),
            ("channel", args.channel.is_some()),
            ("status", !args.status.is_empty()),
            ("limit", args.limit.is_some()),
        ];
        if let Some((field, _)) = other.into_iter().find(|(_, given)| *given) {
            return Err(ToolError::invalid(
                field,
                "means nothing with by_guest, which finds a guest across all their bookings by guest or email",
            ));
        }
        let name = args::search_text("guest", args.guest.as_deref())?;
        let email = args::search_text("email", args.email.as_deref())?;
        let page = self.guest_page(name, email, args.cursor.as_deref()).await?;
        let note = format!("guests are told apart by email; upcoming counts from {}", page.today);
        Ok(ReservationPage {
            reservations: Vec::new(),
            total: Some(page.total_guests as u64),
            next_cursor: page.next_cursor,
            capped: page.capped,
            complete: true,
            incomplete_reason: None,
            guests: Some(page.guests),
            note: Some(note),
        })
    }
}

/// Rows per page of a status scan (Hostaway's default page size).
const STATUS_PAGE: u32 = 100;
/// Pages a status scan reads at most.
const STATUS_PAGES: u32 = 5;

/// The `status` argument's schema: a list of Hostaway's statuses as it spells them (any case is
/// accepted too).
fn statuses_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let statuses: Vec<&str> = BookingStatus::ALL.into_iter().map(BookingStatus::as_str).collect();
    schemars::json_schema!({"type": "array", "items": {"type": "string", "enum": statuses}})
}

/// Reads one `status` value in any case, as Hostaway spells it.
fn status(value: &str) -> Result<&'static str, ToolError> {
    BookingStatus::from_any_case(value).map(BookingStatus::as_str).ok_or_else(|| {
        let all: Vec<&str> = BookingStatus::ALL.into_iter().map(BookingStatus::as_str).collect();
        ToolError::invalid("status", format!("{value:?} is not a Hostaway status; use some of {}", all.join(", ")))
    })
}

/// Checks that a range's end is not before its start.
fn ordered(
    (start, end): (Option<NaiveDate>, Option<NaiveDate>),
    end_field: &'static str,
    start_field: &'static str,
) -> Result<(), ToolError> {
    match (start, end) {
        (Some(start), Some(end)) if end < start => {
            Err(ToolError::invalid(end_field, format!("must not be before {start_field} (the range is inclusive)")))
        }
        _ => Ok(()),
    }
}

/// Accepts a string or a number (models send channel ids either way).
fn text_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(text) => Ok(Some(text)),
        serde_json::Value::Number(n) if n.is_i64() => Ok(Some(n.to_string())),
        other => {
            let airbnb = Channel::Airbnb.id();
            Err(serde::de::Error::custom(format!(
                "expected a channel name or id such as airbnb or {airbnb}, got {other}"
            )))
        }
    }
}

/// One page of listReservations through the cache; records Hostaway's `count` of the first page.
async fn fetch(
    gateway: &Gateway,
    filter: &ReservationQuery,
    limit: u32,
    after_id: Option<i64>,
    first_total: &OnceLock<u64>,
) -> Result<Page<types::Reservation>, GatewayError> {
    let list = gateway.reservations_page(filter, limit, after_id, Fresh::No).await?;
    let page = Page::counted(list.result, list.count);
    if let Some(total) = page.total {
        let _ = first_total.set(total);
    }
    Ok(page)
}
