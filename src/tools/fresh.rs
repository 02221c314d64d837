//! Reads for writes: a preview may answer from the cache, but a confirmed write decides on what
//! Hostaway holds at that moment.

use super::error::ToolError;
use crate::{
    hostaway::{Client, ClientError, ResponseValue, cache::ReadKey},
    server::HostawayServer,
};

/// Whether a read may come from the cache or must come straight from Hostaway. Previews may use
/// the cache; a confirmed write decides on what Hostaway holds right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fresh {
    /// From the cache while it is fresh.
    No,
    /// Straight from Hostaway; the answer replaces the cached one.
    Yes,
}

impl HostawayServer {
    /// One read through the gateway: from the cache, or straight from Hostaway when `fresh`.
    pub(crate) async fn read_as<T, F, Fut>(&self, key: ReadKey, fresh: Fresh, send: F) -> Result<T, ToolError>
    where
        T: Clone + Send + Sync + 'static,
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, ClientError>>,
    {
        let gateway = &self.ctx.gateway;
        Ok(match fresh {
            Fresh::No => gateway.read(key, send).await?,
            Fresh::Yes => gateway.read_fresh(key, send).await?,
        })
    }
}
