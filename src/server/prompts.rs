//! Prompts: ready-made requests a user can pick in their client, built on the tools.

use rmcp::{
    handler::server::wrapper::Parameters,
    model::{PromptMessage, Role},
    prompt, prompt_router,
};
use schemars::JsonSchema;
use serde::Deserialize;

use super::HostawayServer;

/// Arguments of the daily briefing.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct BriefingArgs {
    /// The day to brief on, YYYY-MM-DD or today/tomorrow (default today, in the account's time zone).
    #[serde(default)]
    pub date: Option<String>,
}

/// Arguments of the unread-guests workflow.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct AnswerGuestsArgs {
    /// How many waiting conversations to work through (default 5).
    #[serde(default)]
    pub limit: Option<String>,
}

#[prompt_router(router = "prompts", vis = "pub(crate)")]
impl HostawayServer {
    /// The day's operations at a glance: check-ins, check-outs and turnovers, guests waiting for an
    /// answer, and anything that needs attention.
    #[prompt(name = "daily_briefing")]
    async fn daily_briefing(&self, Parameters(args): Parameters<BriefingArgs>) -> Vec<PromptMessage> {
        let day = args.date.filter(|d| !d.trim().is_empty()).unwrap_or_else(|| "today".into());
        vec![PromptMessage::new_text(
            Role::User,
            format!(
                "Give me the operations briefing for {day}. Call arrivals_and_departures for {day} (days: 1) and \
                 unread_conversations. Then summarise, in this order: turnovers (same-day check-out and check-in, \
                 the tightest cleaning windows first), other check-ins with guest names and party sizes, other \
                 check-outs, and guests waiting for an answer with how long they have waited. End with a short \
                 list of what needs doing today. Do not change anything."
            ),
        )]
    }

    /// Work through guests waiting for an answer: read each conversation, draft a reply, show the
    /// drafts, and send only those the user approves.
    #[prompt(name = "answer_unread_guests")]
    async fn answer_unread_guests(&self, Parameters(args): Parameters<AnswerGuestsArgs>) -> Vec<PromptMessage> {
        let limit = args.limit.and_then(|l| l.trim().parse::<u32>().ok()).filter(|n| (1..=50).contains(n)).unwrap_or(5);
        vec![PromptMessage::new_text(
            Role::User,
            format!(
                "Help me answer guests who are waiting. Call unread_conversations with limit {limit}. For each one, \
                 longest waiting first: call get_conversation, and if the answer depends on the booking or the \
                 property, get_reservation or get_listing. Draft a short, friendly reply in the guest's language. \
                 Show me all drafts first. Only for the ones I approve, call send_guest_message with confirm: true; \
                 never send anything I have not approved, and never include door codes or Wi-Fi passwords."
            ),
        )]
    }
}
