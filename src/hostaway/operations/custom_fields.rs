//! Custom fields: the account's fields of one object type, which tools read values by name
//! through. Values themselves travel on the reservation and the listing (`customFieldValues`).

use super::{Fresh, id, secs};
use crate::hostaway::{
    Gateway, GatewayError,
    cache::{ReadKey, Scope},
    paging::Page,
    types,
};

/// Fields are made in Hostaway's dashboard, rarely: ten minutes, and a name a tool does not find
/// is read again.
pub(super) const TTLS: &[(&str, std::time::Duration)] = &[(id::LIST_CUSTOM_FIELDS, secs(600))];

/// Fields per page (Hostaway's most).
const FIELDS_PAGE: u32 = 500;
/// Pages read at most (2,500 fields).
const FIELDS_PAGES: u32 = 5;

impl Gateway {
    /// Every custom field of reservations or of listings (`object`); `true` when there were more
    /// than were read.
    pub async fn custom_fields(
        &self,
        object: types::ListCustomFieldsObjectType,
        fresh: Fresh,
    ) -> Result<(Vec<types::CustomField>, bool), GatewayError> {
        super::offset_walk(FIELDS_PAGE, FIELDS_PAGES, |request| async move {
            let key = ReadKey {
                operation: id::LIST_CUSTOM_FIELDS,
                params: format!("{object}&limit={}&offset={}", request.limit, request.offset),
                scope: Scope::default(),
            };
            let page = self
                .fetch(key, fresh, move |client| async move {
                    let (limit, offset) = (super::limit(request.limit), super::offset(request.offset));
                    client.list_custom_fields().object_type(object).limit(limit).offset(offset).send().await
                })
                .await?;
            Ok(Page::counted(page.result, page.count))
        })
        .await
    }
}
