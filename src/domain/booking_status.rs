//! A reservation's status as Hostaway spells it (its statuses page lists sixteen), with what each
//! one means for the calendar, the money and whether the booking is still open to change.

/// One of Hostaway's reservation statuses. A status Hostaway adds later reads as `Unknown`, which
/// holds no nights, earns nothing and is not treated as over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BookingStatus {
    /// A confirmed booking.
    New,
    /// A confirmed booking changed since.
    Modified,
    /// Cancelled by the host or the guest.
    Cancelled,
    /// The owner staying in their own property: nights held, no revenue.
    OwnerStay,
    /// Waiting for the host to accept.
    Pending,
    /// Accepted, waiting for the guest's payment.
    AwaitingPayment,
    /// Refused by the host.
    Declined,
    /// A request nobody answered in time.
    Expired,
    /// Not yet confirmed by the channel.
    Unconfirmed,
    /// Waiting for the guest to verify their identity.
    AwaitingGuestVerification,
    /// A question about the stay, not a booking.
    Inquiry,
    /// An inquiry the host pre-approved.
    InquiryPreapproved,
    /// An inquiry the host turned down.
    InquiryDenied,
    /// An inquiry nobody answered in time.
    InquiryTimedout,
    /// An inquiry that could not become a booking.
    InquiryNotPossible,
    /// Hostaway's own "unknown", or a status it added after these were written.
    Unknown,
}

impl BookingStatus {
    /// Every status, in the order Hostaway's statuses page lists them.
    pub const ALL: [Self; 16] = [
        Self::New,
        Self::Modified,
        Self::Cancelled,
        Self::OwnerStay,
        Self::Pending,
        Self::AwaitingPayment,
        Self::Declined,
        Self::Expired,
        Self::Unconfirmed,
        Self::AwaitingGuestVerification,
        Self::Inquiry,
        Self::InquiryPreapproved,
        Self::InquiryDenied,
        Self::InquiryTimedout,
        Self::InquiryNotPossible,
        Self::Unknown,
    ];

    /// The status as Hostaway spells it on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Modified => "modified",
            Self::Cancelled => "cancelled",
            Self::OwnerStay => "ownerStay",
            Self::Pending => "pending",
            Self::AwaitingPayment => "awaitingPayment",
            Self::Declined => "declined",
            Self::Expired => "expired",
            Self::Unconfirmed => "unconfirmed",
            Self::AwaitingGuestVerification => "awaitingGuestVerification",
            Self::Inquiry => "inquiry",
            Self::InquiryPreapproved => "inquiryPreapproved",
            Self::InquiryDenied => "inquiryDenied",
            Self::InquiryTimedout => "inquiryTimedout",
            Self::InquiryNotPossible => "inquiryNotPossible",
            Self::Unknown => "unknown",
        }
    }

    /// Reads Hostaway's spelling; anything else is `Unknown`, so a new status never fails a read.
    pub fn from_hostaway(status: &str) -> Self {
        Self::ALL.into_iter().find(|s| s.as_str() == status).unwrap_or(Self::Unknown)
    }

    /// Reads a status a person or a model typed, in any case and with stray spaces; `None` when
    /// it is none of Hostaway's.
    pub fn from_any_case(status: &str) -> Option<Self> {
        let wanted = status.trim();
        Self::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(wanted))
    }

    /// Whether the booking holds its nights on the calendar: stays that happened or will happen,
    /// the owner's own included, and requests still waiting on the host or the guest.
    pub const fn holds_nights(self) -> bool {
        matches!(
            self,
            Self::New
                | Self::Modified
                | Self::Pending
                | Self::AwaitingPayment
                | Self::AwaitingGuestVerification
                | Self::OwnerStay
        )
    }

    /// Whether the booking counts as revenue: confirmed guest stays only (an owner's stay carries
    /// no finances, and requests have not been paid for).
    pub const fn earns_revenue(self) -> bool {
        matches!(self, Self::New | Self::Modified)
    }

    /// Whether the booking is over as a booking: cancelled, refused, or a request or inquiry that
    /// lapsed. It cannot be changed; a new stay is booked anew.
    pub const fn is_over(self) -> bool {
        matches!(
            self,
            Self::Cancelled
                | Self::Declined
                | Self::Expired
                | Self::InquiryDenied
                | Self::InquiryTimedout
                | Self::InquiryNotPossible
        )
    }
}

impl std::fmt::Display for BookingStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_reads_back_as_its_status() {
        for status in BookingStatus::ALL {
            assert_eq!(BookingStatus::from_hostaway(status.as_str()), status);
            assert_eq!(BookingStatus::from_any_case(&status.as_str().to_uppercase()), Some(status));
        }
        assert_eq!(BookingStatus::from_hostaway("confirmed"), BookingStatus::Unknown);
        assert_eq!(BookingStatus::from_any_case(" ownerstay "), Some(BookingStatus::OwnerStay));
        assert_eq!(BookingStatus::from_any_case("booked"), None);
    }

    #[test]
    fn what_holds_nights_earns_or_is_over_follows_hostaways_statuses_page() {
        let holding: Vec<&str> =
            BookingStatus::ALL.into_iter().filter(|s| s.holds_nights()).map(BookingStatus::as_str).collect();
        assert_eq!(
            holding,
            ["new", "modified", "ownerStay", "pending", "awaitingPayment", "awaitingGuestVerification"]
        );
        let earning: Vec<&str> =
            BookingStatus::ALL.into_iter().filter(|s| s.earns_revenue()).map(BookingStatus::as_str).collect();
        assert_eq!(earning, ["new", "modified"]);
        for status in BookingStatus::ALL {
            assert!(!(status.is_over() && status.holds_nights()), "{status} cannot be over and hold nights");
        }
    }
}
