//! The key preview tokens are sealed with, shared by an account's replicas through Redis, so a
//! preview shown through one replica can be confirmed through any. The first replica to start
//! stores a random key and every later one reads it. It does not expire: a key that changed under
//! running replicas would refuse the previews they had just shown.

use redis::AsyncCommands;

use super::SharedStore;
use crate::hostaway::budget::Unavailable;

impl SharedStore {
    /// The account's preview key, stored now if no replica has stored one yet.
    pub async fn preview_key(&self) -> Result<Vec<u8>, Unavailable> {
        let key = &self.key("preview-key");
        let fresh = &format!("{:032x}{:032x}", rand::random::<u128>(), rand::random::<u128>());
        let _: Option<String> = self
            .run(|mut c| async move { redis::cmd("SET").arg(key).arg(fresh).arg("NX").query_async(&mut c).await })
            .await?;
        let stored: Option<String> = self.run(|mut c| async move { c.get(key).await }).await?;
        stored.map(String::into_bytes).ok_or_else(|| Unavailable("the shared preview key vanished from Redis".into()))
    }
}
