//! Writes a person approves.
//!
//! Every write tool previews unless called with `confirm: true`. This module makes a confirm
//! apply what a person saw, in one of two ways:
//! - A client that can ask its user (elicitation in a 2025 session, an input-required result in
//!   2026-07-28) has the fresh preview put to the person; the write applies only on approval
//!   ([`ask`]).
//! - Any other client sends back the `preview_token` of the preview it showed ([`seal`]). A
//!   confirm without one, with one for other arguments, past its lifetime, or after Hostaway
//!   changed, is refused with a fresh preview (and its token) to show instead.
//!
//! Either way the write applies only while a fresh preview shows what the person saw. When it
//! does not, the confirm still runs, with writes held back (`hostaway::held_writes`): a repeated
//! confirm of a write already made answers `unchanged` / `already_done` as before, and one that
//! would have to write is refused. Exactly-once stays where it was, in the tools and the guard.

mod ask;
pub mod seal;

use std::time::Instant;

use rmcp::{
    ErrorData, RoleServer,
    model::{CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, JsonObject},
    service::RequestContext,
};
use serde_json::Value;

use self::seal::{Broken, Purpose, fingerprint};
use super::HostawayServer;
use crate::{hostaway::held_writes, tools};

/// The argument and answer field that carries a preview's token.
pub use tools::schema::PREVIEW_TOKEN as TOKEN;

/// What a fresh preview showed: the effect a confirm is checked against.
struct Preview {
    effect: Value,
}

impl HostawayServer {
    /// Runs a tool call, holding every write to a preview a person saw; reads pass straight through.
    pub(super) async fn approved_call(
        &self,
        mut request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
        started: Instant,
    ) -> Result<CallToolResponse, ErrorData> {
        let write = self.tool_router.get(&request.name).is_some_and(tools::is_write);
        if !write {
            return self.run_tool(request, context, started).await;
        }
        let mut arguments = request.arguments.take().unwrap_or_default();
        let token = arguments.remove(TOKEN);
        let confirm = arguments.get("confirm") == Some(&Value::Bool(true));
        request.arguments = Some(arguments.clone());
        let tool = request.name.to_string();
        if !confirm {
            let answer = self.run_tool(request, context, started).await?;
            return Ok(match answer {
                CallToolResponse::Complete(preview) => {
                    CallToolResponse::Complete(self.with_token(&tool, &arguments, preview).await)
                }
                other => other,
            });
        }
        let preview = match self.preview(&request, &context, started).await? {
            Ok(preview) => preview,
            Err(answer) => return Ok(answer),
        };
        if let Some(asking) = ask::Asking::of(&request, &context) {
            return self.ask(asking, request, context, started, preview.effect).await;
        }
        let seal = &self.seal;
        let saw = match token {
            None => Err("confirm needs the preview_token of the preview the user saw".to_string()),
            Some(Value::String(token)) => match seal.open(Purpose::Preview, &token, &tool, &arguments) {
                Ok(saw) => Ok(saw),
                Err(Broken::Expired) => Err(format!(
                    "that preview expired; a preview can be confirmed for {} minutes",
                    seal.lifetime().as_secs().div_ceil(60)
                )),
                Err(Broken::Foreign) => {
                    Err("the preview_token is not from a preview of this tool with these arguments".to_string())
                }
            },
            Some(_) => Err("preview_token must be the text a preview returned".to_string()),
        };
        match saw {
            Ok(saw) => self.apply_if_seen(request, context, started, &saw, preview).await,
            Err(why) => Ok(self.refused(&tool, &arguments, preview.effect, &why).await),
        }
    }

    /// The tool's preview for the arguments of `request`: its answer and effect, or the answer to
    /// give as it is when the preview failed (a bad argument fails the same way confirmed).
    async fn preview(
        &self,
        request: &CallToolRequestParams,
        context: &RequestContext<RoleServer>,
        started: Instant,
    ) -> Result<Result<Preview, CallToolResponse>, ErrorData> {
        let mut previewing = request.clone();
        if let Some(arguments) = previewing.arguments.as_mut() {
            arguments.insert("confirm".into(), Value::Bool(false));
        }
        Ok(match self.run_tool(previewing, context.clone(), started).await? {
            CallToolResponse::Complete(answer) if answer.is_error != Some(true) => match answer.structured_content {
                Some(effect) => Ok(Preview { effect }),
                None => Err(CallToolResponse::Complete(answer)),
            },
            other => Err(other),
        })
    }

    /// Applies the confirm of `request` if `preview` (fresh) still shows what the person saw
    /// (`saw`); otherwise runs it with writes held back, and refuses with the fresh preview if it
    /// would have had to write.
    async fn apply_if_seen(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
        started: Instant,
        saw: &[u8],
        preview: Preview,
    ) -> Result<CallToolResponse, ErrorData> {
        if fingerprint(&preview.effect) == saw {
            return self.run_tool(request, context, started).await;
        }
        let tool = request.name.to_string();
        let arguments = request.arguments.clone().unwrap_or_default();
        let (answer, reached) = held_writes::holding(self.run_tool(request, context, started)).await;
        if reached {
            return Ok(self
                .refused(&tool, &arguments, preview.effect, "Hostaway changed since the preview the user saw")
                .await);
        }
        answer
    }

    /// A preview's answer with a token that a confirm of the same arguments brings back.
    async fn with_token(&self, tool: &str, arguments: &JsonObject, preview: CallToolResult) -> CallToolResult {
        let Some(Value::Object(mut effect)) = preview.structured_content.clone() else { return preview };
        if preview.is_error == Some(true) {
            return preview;
        }
        let token = self.seal.seal(Purpose::Preview, tool, arguments, &Value::Object(effect.clone()));
        effect.insert(TOKEN.into(), Value::String(token));
        let effect = Value::Object(effect);
        let mut answer = preview;
        // The first block is the answer's JSON; later ones (stale, untrusted notes) stay.
        if let Some(first) = answer.content.first_mut() {
            *first = ContentBlock::text(effect.to_string());
        }
        answer.structured_content = Some(effect);
        answer
    }

    /// A confirm that applies nothing: why, and the fresh preview with its token to show instead.
    async fn refused(&self, tool: &str, arguments: &JsonObject, effect: Value, why: &str) -> CallToolResponse {
        let preview = self.with_token(tool, arguments, CallToolResult::structured(effect)).await;
        let shown = preview.structured_content.clone().unwrap_or_default();
        let mut answer = CallToolResult::structured_error(shown.clone());
        answer.content = vec![
            ContentBlock::text(format!(
                "Not applied: {why}. Below is the preview as Hostaway holds it now: show it to the user and, if they \
                 agree, call {tool} again with the same arguments, confirm: true and this preview_token."
            )),
            ContentBlock::text(shown.to_string()),
        ];
        CallToolResponse::Complete(answer)
    }
}
