//! Remote use: the OAuth 2.1 resource-server role against a real authorization server.

mod oauth;
