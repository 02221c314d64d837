//! Walking Hostaway's list endpoints page by page, lazily and within hard caps.
//!
//! Reservations page with an `afterId` cursor (the id of the last row seen; an empty page ends the
//! walk); other lists page with `limit`/`offset` and report the total in `count`. A walk fetches a
//! page only when asked for one and stops at a page or item cap, so a runaway account can never
//! turn one tool call into hundreds of upstream calls.

use std::future::Future;

use super::error::GatewayError;

/// Where the next page starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// Rows per page.
    pub limit: u32,
    /// `afterId` cursor: the last id seen (`None` for the first page). Unused by offset walks.
    pub after_id: Option<i64>,
    /// Rows to skip. Unused by afterId walks.
    pub offset: u32,
}

/// One page as fetched.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Hostaway's `count` (total matching rows), when sent.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// A page as Hostaway sends it: its rows and its `count` (a negative count means none).
    pub fn counted(items: Vec<T>, count: Option<i64>) -> Self {
        Self { items, total: count.map(|c| c.max(0) as u64) }
    }
}

/// Hard limits of one walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    /// Pages fetched at most.
    pub max_pages: u32,
    /// Rows returned at most.
    pub max_items: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    AfterId,
    Offset,
}

/// A lazy walk over a list endpoint.
#[derive(Debug)]
pub struct Pager<T> {
    style: Style,
    id_of: fn(&T) -> i64,
    request: PageRequest,
    caps: Caps,
    pages: u32,
    items: usize,
    finished: bool,
    capped: bool,
}

impl<T> Pager<T> {
    /// A walk by `afterId`; `id_of` reads a row's id for the cursor.
    pub fn after_id(page_size: u32, caps: Caps, id_of: fn(&T) -> i64) -> Self {
        Self::new(Style::AfterId, page_size, caps, id_of)
    }

    /// A walk by `limit`/`offset`.
    pub fn offset(page_size: u32, caps: Caps) -> Self {
        Self::new(Style::Offset, page_size, caps, |_| 0)
    }

    fn new(style: Style, page_size: u32, caps: Caps, id_of: fn(&T) -> i64) -> Self {
        Self {
            style,
            id_of,
            request: PageRequest { limit: page_size.max(1), after_id: None, offset: 0 },
            caps,
            pages: 0,
            items: 0,
            finished: false,
            capped: false,
        }
    }

    /// Whether the walk stopped at a cap with rows left over.
    pub fn capped(&self) -> bool {
        self.capped
    }

    /// Fetches the next page with `fetch`, or returns `None` when the walk is over.
    pub async fn next_page<F, Fut>(&mut self, fetch: F) -> Result<Option<Vec<T>>, GatewayError>
    where
        F: FnOnce(PageRequest) -> Fut,
        Fut: Future<Output = Result<Page<T>, GatewayError>>,
    {
        if self.finished {
            return Ok(None);
        }
        if self.pages >= self.caps.max_pages || self.items >= self.caps.max_items {
            self.finished = true;
            self.capped = true;
            return Ok(None);
        }
        let page = fetch(self.request).await?;
        self.pages += 1;
        let mut rows = page.items;
        let fetched = rows.len();
        let room = self.caps.max_items - self.items;
        if rows.len() > room {
            rows.truncate(room);
            self.capped = true;
            self.finished = true;
        }
        self.items += rows.len();
        match self.style {
            Style::AfterId => match rows.last() {
                Some(last) => self.request.after_id = Some((self.id_of)(last)),
                None => self.finished = true,
            },
            Style::Offset => {
                self.request.offset = self.request.offset.saturating_add(fetched as u32);
                let seen_all = page.total.is_some_and(|total| u64::from(self.request.offset) >= total);
                if fetched == 0 || seen_all {
                    self.finished = true;
                }
            }
        }
        Ok(Some(rows))
    }

    /// Walks to the end (or a cap) and returns every row.
    pub async fn collect<F, Fut>(&mut self, mut fetch: F) -> Result<Vec<T>, GatewayError>
    where
        F: FnMut(PageRequest) -> Fut,
        Fut: Future<Output = Result<Page<T>, GatewayError>>,
    {
        let mut all = Vec::new();
        while let Some(rows) = self.next_page(&mut fetch).await? {
            all.extend(rows);
        }
        Ok(all)
    }
}
