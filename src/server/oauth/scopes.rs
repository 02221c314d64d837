//! What a token's scopes open: `hostaway:read` the reads, `hostaway:write` the writes, and
//! `hostaway:finance` besides for money (revenue, payments, expenses, owner statements), so a
//! cleaner's token can reach tasks and the calendar but never revenue. Read and write are apart,
//! as a token is narrowed to what its holder does; a manager's token carries both.

use std::{collections::HashMap, fmt, sync::LazyLock};

use crate::tools;

/// One scope this server understands; a token's other scopes mean nothing here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenScope {
    /// Every read tool, resource and prompt of the toolsets it can reach.
    Read,
    /// Every write tool (each still previews first and writes only on confirm).
    Write,
    /// The finance toolset, on top of read or write.
    Finance,
}

impl TokenScope {
    /// Every scope, as protected resource metadata lists them.
    pub const ALL: [TokenScope; 3] = [TokenScope::Read, TokenScope::Write, TokenScope::Finance];

    /// The scope's name in tokens and challenges.
    pub fn name(self) -> &'static str {
        match self {
            TokenScope::Read => "hostaway:read",
            TokenScope::Write => "hostaway:write",
            TokenScope::Finance => "hostaway:finance",
        }
    }

    /// The scope a token's `scope` value names, if it is one of ours.
    pub fn parse(name: &str) -> Option<TokenScope> {
        TokenScope::ALL.into_iter().find(|scope| scope.name() == name)
    }
}

impl fmt::Display for TokenScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The toolset whose tools also need [`TokenScope::Finance`].
const FINANCE_TOOLSET: &str = "finance";

/// What each tool needs, from the one catalogue of tools.
static NEEDED: LazyLock<HashMap<String, Vec<TokenScope>>> = LazyLock::new(|| {
    tools::catalogue()
        .into_iter()
        .map(|(toolset, tool)| {
            let mut needs = vec![if tools::is_write(&tool) { TokenScope::Write } else { TokenScope::Read }];
            if toolset == FINANCE_TOOLSET {
                needs.push(TokenScope::Finance);
            }
            (tool.name.into_owned(), needs)
        })
        .collect()
});

/// The scopes a call of `tool` needs; an unknown tool needs [`TokenScope::Read`] (the call then fails
/// as unknown, not as forbidden).
pub fn needed(tool: &str) -> &'static [TokenScope] {
    NEEDED.get(tool).map_or(&[TokenScope::Read], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_need_read_writes_need_write_and_money_needs_finance_too() {
        for (toolset, tool) in tools::catalogue() {
            let needs = needed(&tool.name);
            assert_eq!(needs.contains(&TokenScope::Write), tools::is_write(&tool), "{}", tool.name);
            assert_eq!(needs.contains(&TokenScope::Read), !tools::is_write(&tool), "{}", tool.name);
            assert_eq!(needs.contains(&TokenScope::Finance), toolset == FINANCE_TOOLSET, "{}", tool.name);
        }
        assert_eq!(needed("no_such_tool"), [TokenScope::Read]);
        assert!(TokenScope::ALL.iter().all(|scope| TokenScope::parse(scope.name()) == Some(*scope)));
        assert_eq!(TokenScope::parse("openid"), None);
    }
}
